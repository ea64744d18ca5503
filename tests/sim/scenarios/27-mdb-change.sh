#!/bin/sh
# 27-mdb-change: change from an MDB changer's tubes. A 2.00 coin (to the
# cash box), a 1.50 cola: the 0.50 left is paid back from the tubes once
# the sale is durable, the request journalled before the changer hears of
# it. The coin return button pays a credit back the same way. A payout the
# changer jams on (nothing leaves the tubes) is owed to
# the customer, journalled and said, never lost. vendd killed with a
# payout in hand: at the restart the payout is reconciled as owed. At
# the end the changer's own count (coins taken less coins paid out) and
# the ledger's (cash in less change paid) agree to the minor unit.
. /vendd/tests/sim/lib.sh

mdbsim_start -p 300		# 300 ms a coin paid: a payout lasts

vendd_start_fast mdb.device="$MDB_LINK" mdb.poll_ms=50 mdb.offline_s=2 \
	panel.return_line=RETURN
wait_log 'mdb: coin changer online' 10000 "the changer set up and online"

mdb_ctl coin 5			# 2.00, to the cash box
wait_status credit 200
sell_cola
wait_log 'mdb: change [0-9]*: 0.50 paid' 10000 "the 0.50 change paid"
wait_status credit 0
grep -q "change of 0.50 paid" "$VENDD_LOG" || fail "expected sales to log the change paid"

# the coin return button: the credit paid back, no sale
mdb_ctl coin 4			# 1.00, to its tube
wait_status credit 100
press RETURN
wait_log 'coin return pressed: the credit paid back' 5000 "the return button heard"
wait_log 'mdb: change [0-9]*: 1.00 paid' 10000 "the 1.00 paid back"
wait_status credit 0

# a jam before the first coin: nothing paid, 0.50 owed
mdb_ctl coin 5
wait_status credit 200
mdb_ctl fault jam-payout 0
sell_cola
wait_log 'mdb: change [0-9]*: 0.50 asked, 0.00 paid: the rest is owed' 10000 \
	"the jammed payout owed"
wait_log 'change: 0.50 owed to the customer' 3000 "sales to say what is owed"
mdb_ctl fault clear

# killed with change in hand: owed at the restart, never lost
mdb_ctl coin 5
wait_status credit 200
mdb_ctl fault slow 2000		# the changer answers late: the payout lasts
sell_cola
wait_log 'vend [0-9]*: cola sold' 5000 "the third cola sold"
usleep 300000
kill -KILL "$VENDD_PID"
wait "$VENDD_PID" 2>/dev/null
VENDD_PID=
mdb_ctl fault clear
vendd_restart
wait_log 'payout [0-9]* unresolved at start: .*recorded as owed' 5000 \
	"the payout cut by the kill recorded as owed"
wait_status credit 0

vendctl -s "$VENDD_SOCK" events --json >"$WORK/events" 2>&1 || fail "vendctl events failed"
paid=0
for v in $(sed -n 's/.*"event":"change".*"paid":\([0-9]*\).*/\1/p' "$WORK/events"); do
	paid=$((paid + v))
done
status_refresh
cash_in=$(status counters.cash_in)
wait_status changer online
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
expect_eq "change paid in the audit (a sale's, the return button's)" 150 \
	"$(simdrv json "$WORK/audit.json" mdb.change_paid)"
expect_eq "change owed in the audit (a jam, a kill)" 100 "$(simdrv json "$WORK/audit.json" mdb.change_owed)"
expect_eq "coins to the cash box in the audit" 600 "$(simdrv json "$WORK/audit.json" mdb.to_cash_box)"
vendd_stop >/dev/null
mdb_ctl exit
wait "$MDBSIM_PID"
coins_in=$(simdrv json "$WORK/mdb.json" account.coins_in)
paid_out=$(simdrv json "$WORK/mdb.json" account.paid_out)
expect_eq "coins taken by the changer and the ledger's cash in" "$coins_in" "$cash_in"
# the kill may have cut a payout the changer finished: the ledger then owes
# what it paid too (in the customer's favour), never less
[ "$paid" -le "$paid_out" ] ||
	fail "expected the ledger's change paid $paid <= the changer's paid out $paid_out"
expect_eq "the change paid before the kill (a sale's, the return button's)" 150 "$paid"
expect_eq "malformed lines the adapter saw" 0 \
	"$(simdrv json "$WORK/mdb.json" account.protocol_errors)"
pass
