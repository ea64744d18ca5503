#!/bin/sh
# 26-mdb-changer: an MDB coin changer through the adapter's text protocol,
# simulated by mdbsim on a pty (a separate program with its own account of
# every coin). vendd sets the changer up, credits the coins it takes (to
# the tubes and to the cash box) once the ledger has them, blocks it with
# COIN TYPE while the machine is in service mode (a coin offered then is
# given back), calls it offline once when it stops answering and takes it
# back when it answers again; with its tubes too low to change a 2.00 for
# the cheapest product it says "exact change only" and takes no 2.00 (one
# offered is given back) until they are refilled; and it sells on its
# credit (the rest paid back
# as change: 27-mdb-change). At the end the changer's own account of coins
# taken equals the ledger's cash in, to the minor unit, and the adapter
# saw no malformed line.
. /vendd/tests/sim/lib.sh

mdbsim_start

vendd_start_fast mdb.device="$MDB_LINK" mdb.poll_ms=50 mdb.offline_s=2 \
	mdb.tubes_s=1
wait_log 'mdb: coin changer online' 10000 "the changer set up and online"

mdb_ctl coin 4			# 1.00, to its tube
wait_status credit 100
mdb_ctl coin 5			# 2.00: no tube, to the cash box
wait_status credit 300
mdb_ctl coin 1 2		# two 0.10s
wait_status credit 320

# service mode: the changer takes no coin (COIN TYPE 0): it gives it back
vendctl -s "$VENDD_SOCK" service on >/dev/null 2>&1 || fail "vendctl service on failed"
wait_status coin.inhibit true
usleep 300000			# a poll or two: COIN TYPE sent
mdb_ctl coin 3			# a 0.50 offered
usleep 500000
status_refresh
expect_eq "credit after a coin offered in service mode" 320 "$(status credit)"
vendctl -s "$VENDD_SOCK" service off >/dev/null 2>&1 || fail "vendctl service off failed"
wait_status coin.inhibit false
usleep 300000

# silent for more than offline_s: offline, said once; back: online again
mdb_ctl fault nack changer on
wait_log 'mdb: coin changer not answering' 6000 "the changer called offline"
usleep 1500000
expect_eq "offline said once" 1 "$(log_count 'mdb: coin changer not answering')"
mdb_ctl fault nack changer off
i=0
until [ "$(log_count 'mdb: coin changer online')" -ge 2 ]; do
	[ $i -lt 200 ] || fail "expected the changer online again within 10 s"
	i=$((i + 1))
	usleep 50000
done
mdb_ctl coin 3			# 0.50, taken again
wait_status credit 370

# the tubes emptied: no change for a 2.00 (water costs 1.00): refused
mdb_ctl tubes 0=0 1=0 2=0 3=0 4=0
wait_log 'mdb: exact change only' 5000 "exact change only with empty tubes"
usleep 300000
mdb_ctl coin 5			# a 2.00 offered: given back
usleep 500000
status_refresh
expect_eq "credit after a 2.00 offered in exact-change mode" 370 "$(status credit)"
mdb_ctl tubes 0=40 1=40 2=40 3=40 4=40
wait_log 'mdb: change can be given again' 5000 "change again after a refill"
usleep 300000

# a sale on the changer's credit
press SELECT_A			# cola 1.50
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false 10000
wait_log 'mdb: change [0-9]*: 2.20 paid' 10000 "the 2.20 left paid as change"
wait_status credit 0
status_refresh
cash_in=$(status counters.cash_in)
# the cash box holds the 2.00 alone: the rest went to the change tubes
vendctl -s "$VENDD_SOCK" collect >"$WORK/collect.out" 2>&1 || fail "vendctl collect failed"
grep -q "collected: 2.00 EUR" "$WORK/collect.out" ||
	fail "expected 2.00 EUR in the cash box, saw: $(cat "$WORK/collect.out")"
vendd_stop >/dev/null
mdb_ctl exit
wait "$MDBSIM_PID"
expect_eq "the changer's coins taken and the ledger's cash in" \
	"$(simdrv json "$WORK/mdb.json" account.coins_in)" "$cash_in"
expect_eq "coins given back (a 0.50 in service mode, a 2.00 in exact change)" 250 \
	"$(simdrv json "$WORK/mdb.json" account.returned)"
expect_eq "malformed lines the adapter saw" 0 \
	"$(simdrv json "$WORK/mdb.json" account.protocol_errors)"
pass
