#!/bin/sh
# 28-mdb-notes: a bill validator with escrow beside the changer, on the one
# bus. A note is held in escrow and stacked only when change can be given
# for it after the cheapest sale and the credit stays within max_credit:
# it is credited when the validator says it is stacked, never on escrow,
# and a note that cannot be taken is given back (too much credit, tubes
# too low to change it). vendd killed while a note is carried to the
# stacker: the ledger had journalled "stack" before the validator heard,
# so the restart credits it. At the end the validator's own count of notes
# stacked and the changer's of coins taken equal the ledger's cash in.
. /vendd/tests/sim/lib.sh

mdbsim_start -b 1500		# 1.5 s to carry a note: a kill lands in it

vendd_start_fast mdb.device="$MDB_LINK" mdb.poll_ms=50 mdb.offline_s=2 \
	mdb.validator=yes mdb.tubes_s=1 coin.max_credit=12.00
wait_log 'mdb: bill validator online' 10000 "the validator set up and online"
wait_log 'mdb: coin changer online' 10000 "the changer set up and online"
wait_status validator online

# 5.00: change for it can be given (4.00 after a 1.00 water): stacked
mdb_ctl note 0
wait_log_n 'mdb: a note of 5.00 in escrow$' 1 5000 "the 5.00 note held in escrow"
status_refresh
expect_eq "credit while the note is in escrow" 0 "$(status credit)"
wait_status credit 500
sell_cola
wait_log 'mdb: change [0-9]*: 3.50 paid' 10000 "the 3.50 change paid"
wait_status credit 0

# 10.00 then 5.00: 15.00 would pass max_credit 12.00: the 5.00 given back
mdb_ctl note 1
wait_status credit 1000
mdb_ctl note 0
wait_log 'note of type 0 given back: the credit would pass max_credit' 5000 \
	"the ledger refusing the 5.00 over max_credit"
wait_log_n 'mdb: the note of 5.00 given back' 1 5000 "the 5.00 given back"
status_refresh
expect_eq "credit after a note given back" 1000 "$(status credit)"
sell_cola
wait_status credit 0

# tubes empty: no change for a note: given back
mdb_ctl tubes 0=0 1=0 2=0 3=0 4=0
usleep 500000
vendctl -s "$VENDD_SOCK" status >/dev/null 2>&1
mdb_ctl note 0
wait_log 'no change for it, given back' 5000 "a note with no change for it given back"
wait_log_n 'mdb: the note of 5.00 given back' 2 5000 "the note given back"
mdb_ctl tubes 0=40 1=40 2=40 3=40 4=40
usleep 1500000			# the next TUBE STATUS (tubes_s 1)

# killed while the note is carried to the stacker: credited at the restart
mdb_ctl note 0
wait_log_n 'mdb: a note of 5.00 in escrow$' 2 5000 "the last note in escrow"
usleep 400000
kill -KILL "$VENDD_PID"
wait "$VENDD_PID" 2>/dev/null
VENDD_PID=
vendd_restart
wait_log 'in escrow at start: credited' 5000 "the note being stacked credited at the restart"
wait_status credit 500

status_refresh
cash_in=$(status counters.cash_in)
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
notes_in=$(simdrv json "$WORK/audit.json" mdb.notes_in)
expect_eq "notes given back in the audit" 2 "$(simdrv json "$WORK/audit.json" mdb.notes_returned)"
vendd_stop >/dev/null
mdb_ctl exit
wait "$MDBSIM_PID"
stacked=$(simdrv json "$WORK/mdb.json" account.notes_stacked)
coins_in=$(simdrv json "$WORK/mdb.json" account.coins_in)
expect_eq "notes in the stacker and the ledger's notes in" "$stacked" "$notes_in"
expect_eq "notes and coins taken and the ledger's cash in" \
	$((stacked + coins_in)) "$cash_in"
expect_eq "notes left in escrow" 0 "$(simdrv json "$WORK/mdb.json" account.notes_escrow)"
expect_eq "adapter protocol errors" 0 "$(simdrv json "$WORK/mdb.json" account.protocol_errors)"
pass
