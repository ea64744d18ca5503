#!/bin/sh
# 29-mdb-cashless: a cashless reader beside the changer, on the one bus.
# A card presented opens a session (coins are then blocked: cash and card
# never mix in one vend); a vend is asked of the reader through the ledger
# and dispensed once approved, VEND SUCCESS after the drop; a card without
# the funds is denied and nothing moves; a product that does not drop is
# answered VEND FAILURE and the reader refunds the card; vendd killed after
# an approval, before the drop, refunds the card at the restart; vendd
# stopped (SIGTERM) after an approval finishes the vend and charges the
# card on its way out. At the end the reader's own account (captured,
# refunded) equals the ledger's.
. /vendd/tests/sim/lib.sh

mdbsim_start

# card_present FUNDS: a card shown once the reader is enabled again (a
# session just ended: READER ENABLE goes out within a poll or two).
card_present() {
	i=0
	until mdbsim ctl "$MDB_CTL" card "$1" >>"$WORK/mdbctl.out" 2>&1; do
		[ $i -lt 50 ] || fail "mdbsim ctl card $1: $(tail -n 1 "$WORK/mdbctl.out")"
		i=$((i + 1))
		usleep 100000
	done
}

vendd_start_fast mdb.device="$MDB_LINK" mdb.poll_ms=50 mdb.offline_s=2 \
	mdb.cashless=yes
wait_log 'mdb: cashless reader online' 10000 "the reader set up and online"
wait_log 'mdb: coin changer online' 10000 "the changer set up and online"

# approved: sold by card, the credit untouched
mdb_ctl card 1000
wait_log 'card session: 10.00 available' 5000 "the card's session"
wait_status reader session
wait_status coin.inhibit true
press SELECT_A
drop_after_arm 100
press VEND
wait_drop
wait_log 'vend [0-9]*: cola sold by card' 10000 "cola sold by card"
wait_log 'card session ended' 5000 "the session completed"
wait_status reader online
wait_status coin.inhibit false
status_refresh
expect_eq "credit after a card sale" 0 "$(status credit)"

# denied: too little on the card; nothing moves
card_present 100
wait_log 'card session: 1.00 available' 5000 "the second card's session"
press SELECT_A
press VEND
wait_log 'vend [0-9]*: cola denied by the card reader' 5000 "the vend denied"
wait_status vend_pending false 5000

# killed after the approval, before the drop: the card refunded at restart
card_present 1000
wait_log_n 'card session: 10.00 available' 2 5000 "the third card's session"
press SELECT_B
press VEND
wait_log 'mdb: card vend [0-9]* approved' 5000 "the water approved"
usleep 200000
kill -KILL "$VENDD_PID"
wait "$VENDD_PID" 2>/dev/null
VENDD_PID=
vendd_restart
wait_log 'unresolved at start: the card refunded' 5000 "the cut card vend refunded"

# no drop: VEND FAILURE, the card refunded (water goes out of order)
wait_log_n 'mdb: cashless reader online' 2 10000 "the reader online after the restart"
card_present 1000
wait_log_n 'card session: 10.00 available' 3 5000 "the fourth card's session"
press SELECT_B
press VEND
wait_log 'vend [0-9]*: water did not drop, column out of order, the card refunded' \
	15000 "the failed drop refunded to the card"

# stopped (SIGTERM) between the approval and the drop: the arm's cycle
# ends, the sale is recorded, and the reader hears VEND SUCCESS on the
# way out, so the card is charged for what dropped
press SELECT_A			# cola: water is out of order now
card_present 1000
wait_log_n 'card session: 10.00 available' 4 5000 "the fifth card's session"
drop_after_arm 300
press VEND
wait_log_n 'mdb: card vend [0-9]* approved' 3 5000 "the last cola approved"
wait_status arm.busy true 5000	# the arm runs: SIGTERM lets it finish
vendd_stop >/dev/null
grep -q 'cola sold by card, 8 left' "$VENDD_LOG" ||
	fail "expected the cola stopped mid-vend sold by card"
vendd_restart

status_refresh
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
card_value=$(simdrv json "$WORK/audit.json" mdb.card_value)
card_refunded=$(simdrv json "$WORK/audit.json" mdb.card_refunded)
expect_eq "card sales in the audit" 300 "$card_value"
expect_eq "card vends denied in the audit" 1 "$(simdrv json "$WORK/audit.json" mdb.card_denied)"
vendd_stop >/dev/null
mdb_ctl exit
wait "$MDBSIM_PID"
expect_eq "the reader's captured and the ledger's card sales" \
	"$(simdrv json "$WORK/mdb.json" account.cashless_captured)" "$card_value"
expect_eq "the reader's refunds and the ledger's" \
	"$(simdrv json "$WORK/mdb.json" account.cashless_refunded)" "$card_refunded"
expect_eq "card vends left pending" 0 "$(simdrv json "$WORK/mdb.json" account.cashless_pending)"
expect_eq "adapter protocol errors" 0 "$(simdrv json "$WORK/mdb.json" account.protocol_errors)"
pass
