#!/bin/sh
# powercut: one boot of the power-cut test (tests/crash/run --powercut). The
# state dir lives on ext4 on the virtio disk (/dev/vda, default data=ordered);
# the host kills qemu at a random moment and boots again. Each boot:
#   1. mounts the disk (ext4 replays its journal), starts vendd on the state
#      of the last boot: it must load (a refusal prints "powercut: REFUSED");
#   2. checks, against crash.ack (the last cash_in the previous boot's
#      customer saw acknowledged, from the console): cash_in >= ack (else
#      "powercut: LOST ... coins=N") and cash_in == paid_value + credit;
#   3. unless crash.final=1, runs the customer (session.sh) until the cut,
#      printing "crash-ack cash_in=N" for every acknowledged coin.
# Every other boot compacts the ledger every 16 records instead of 4096, so
# that cuts land in compactions too (snapshot written, renamed, directory
# synced, journal reused), not only in records.
. /vendd/tests/sim/lib.sh
. /vendd/tests/crash/crashlib.sh

cut=$(cmdline_arg crash.cut 1)
ack=$(cmdline_arg crash.ack 0)
final=$(cmdline_arg crash.final 1)
mnt=/mnt/state
mkdir -p "$mnt"
mount -t ext4 /dev/vda "$mnt" || fail "cannot mount /dev/vda"
VENDD_STATE=$mnt/state
mkdir -p "$VENDD_STATE"
if [ $((cut % 2)) = 1 ]; then
	cr_config vendd.compact_records=16
else
	cr_config
fi
first=0
[ -e "$VENDD_STATE/snapshot" ] || [ -e "$VENDD_STATE/journal" ] || first=1
echo "powercut: boot $cut: state files: $(ls "$VENDD_STATE" | tr '\n' ' ')"
if ! vendd_launch 60000; then
	if ! grep -q 'ledger' "$VENDD_LOG"; then
		echo "powercut: FAIL cut=$cut: vendd exited $VENDD_EXIT at start-up, not about the ledger:"
		tail -n 3 "$VENDD_LOG" | sed 's/^/  | /'
		fail "vendd did not start"
	fi
	echo "powercut: REFUSED cut=$cut: vendd exited $VENDD_EXIT at start-up:"
	tail -n 5 "$VENDD_LOG" | sed 's/^/  | /'
	ls -l "$VENDD_STATE" | sed 's/^/  | /'
	fail "vendd refused the ledger after power cut $cut"
fi
cr_idle_status 20000
money=$(cr_money) || {
	echo "powercut: BAD cut=$cut: cash_in != paid_value + credit ($money)"
	fail "money invariant"
}
cash=$(status counters.cash_in)
if [ "$first" = 0 ] && [ "$cash" -lt "$ack" ]; then
	echo "powercut: LOST cut=$cut ack=$ack cash_in=$cash coins=$(( (ack - cash + 99) / 100 ))"
	fail "acknowledged coins lost"
fi
echo "powercut: check cut=$cut ack=$ack cash_in=$cash paid_value=$(status counters.paid_value) credit=$(status credit) paid_vends=$(status counters.paid_vends) settled=$(status counters.unresolved_settled) startups=$(status counters.startups) ok"
[ "$final" = 1 ] && pass

crashdrv mech 100 >"$WORK/mech.log" 2>&1 &
sh "$CR_DIR/session.sh" "$VENDD_SOCK" "$WORK/session.log"
last=$(tail -n 1 "$WORK/session.log")
case $last in
noack*) echo "powercut: LOST cut=$cut while running (a clean train not credited): $last coins=1" ;;
*) echo "powercut: FAIL cut=$cut: the session stopped: $last" ;;
esac
fail "session stopped before the cut"
