#!/bin/sh
# 15-full-disk: the state directory on a small filesystem that fills up.
# Once the ledger cannot write its snapshot, vendd blocks the acceptor and
# sells nothing, says why in `vendctl status` and the log, keeps the credit;
# a coin the acceptor still takes (one in flight) is recorded in the
# journal's reserve and credited; when space returns vendd sells again by
# itself. A restart on the full disk comes up out of service (not exit 78),
# credit shown, and no 0-byte snapshot.tmp is left behind.
. /vendd/tests/sim/lib.sh

disk=$WORK/disk
mkdir -p "$disk"
mount -t tmpfs -o size=2m tmpfs "$disk" || fail "cannot mount a small tmpfs"
trap 'vendd_stop >/dev/null 2>&1; umount "$disk" 2>/dev/null' EXIT
VENDD_STATE=$disk/state
mkdir -p "$VENDD_STATE"

# fill: take every free block of the small filesystem.
fill() {
	dd if=/dev/zero of="$disk/filler" bs=4k >/dev/null 2>&1
	sync
}

# vendd_start wipes and remakes $VENDD_STATE: start by hand instead.
echo 4000 >"$SENSOR"
# shellcheck disable=SC2086 # FAST_CONFIG is a list of words
make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
	"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" $FAST_CONFIG \
	vendd.compact_records=16
WAIT_MS=10000
vendd -c "$VENDD_CONF" 2>>"$VENDD_LOG" &
VENDD_PID=$!
vendd_wait_ready 10000
coin 10
wait_status credit 100
wait_status selling true

# The disk fills; the next compaction (every 16 records) fails.
fill
i=0
while [ "$(status selling)" = true ] && [ "$i" -lt 20 ]; do
	coin 1				# 0.10 each, 2 records: coin and noise-free
	status_refresh
	i=$((i + 1))
done
expect_eq "selling once the disk is full" false "$(status selling)"
expect_eq "ledger.fault" true "$(status ledger.fault)"
expect_eq "coin.inhibit while the disk is full" true "$(status coin.inhibit)"
grep -q 'No space left on device' "$STATUS_JSON" ||
	fail "expected vendctl status to say 'No space left on device': $(cat "$STATUS_JSON")"
[ "$(log_count 'No space left on device')" -ge 1 ] ||
	fail "expected the log to say 'No space left on device'"
credit=$(status credit)
cash=$(status counters.cash_in)

# A coin the acceptor takes anyway (it was already falling) is recorded.
coin 1
wait_status credit $((credit + 10))
press SELECT_B
press VEND
usleep 500000
expect_eq "ARM while out of service" 0 "$(simdrv get ARM)"
status_refresh
expect_eq "credit kept while out of service" $((credit + 10)) "$(status credit)"
[ ! -s "$VENDD_STATE/snapshot.tmp" ] && [ ! -e "$VENDD_STATE/snapshot.tmp" ] ||
	fail "expected no snapshot.tmp left behind, saw: $(ls -l "$VENDD_STATE")"

# Space returns: back in service by itself (the ledger retries every 5 s).
rm -f "$disk/filler"
WAIT_MS=15000 wait_status selling true
wait_status coin.inhibit false
expect_eq "ledger.fault after space returned" false "$(status ledger.fault)"
drop_after_arm 100
press SELECT_B
press VEND
wait_drop
wait_status counters.paid_vends 1

# A restart on a full disk comes up out of service, credit shown.
vendd_stop >/dev/null
credit=$(status credit)
fill
vendd -c "$VENDD_CONF" 2>>"$VENDD_LOG" &
VENDD_PID=$!
vendd_wait_ready 10000
wait_status selling false
expect_eq "credit after a start on a full disk" "$credit" "$(status credit)"
expect_eq "coin.inhibit after a start on a full disk" true "$(status coin.inhibit)"
expect_eq "counters.cash_in kept" "$(( cash + 10 ))" "$(status counters.cash_in)"
rm -f "$disk/filler"
WAIT_MS=15000 wait_status selling true
expect_eq "counters.startups" 2 "$(status counters.startups)"
pass
