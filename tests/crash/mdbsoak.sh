#!/bin/sh
# mdbsoak: a long randomised session on the simulated MDB bus (mdbsim: a
# changer, a bill validator, a cashless reader, each keeping its own
# physical account), ROUNDS rounds (kernel command line mdb.rounds=N,
# default 30). Each round is one of: a cash sale (coins, sometimes a note;
# change paid after it), a card sale (funds that may not cover the
# price), a fault on the bus for the round (a payout jam, slow answers,
# the validator silent), vendd killed (SIGKILL) at a random moment of a
# sale and restarted, or stopped (SIGTERM) mid-sale and restarted. The
# mechanics drop a product whenever the arm runs (crashdrv mech).
#
# At the end, the peripherals' accounts against the ledger's:
#   coins_lost:  coins the changer took that the ledger never recorded
#   notes_lost:  notes the validator stacked that the ledger never credited
#   change_short_unrecorded: change the ledger says was paid that never
#                left the tubes (a shortfall not recorded as owed)
#   double_charged: card amounts the reader captured beyond the ledger's
#                card sales (a customer charged for no recorded sale)
# Prints "mdb: sales=N coins_lost=N notes_lost=N change_short_unrecorded=N
# double_charged=N" (amounts in minor units, sales a count).
. /vendd/tests/sim/lib.sh
. /vendd/tests/crash/crashlib.sh

rounds=$(cmdline_arg mdb.rounds 30)
mkdir -p "$VENDD_STATE"
mdbsim_start -p 60 -b 200 -a 100 -e 5000
cr_config mdb.device="$MDB_LINK" mdb.poll_ms=50 mdb.offline_s=2 \
	mdb.tubes_s=1 mdb.validator=yes mdb.cashless=yes \
	coin.max_credit=30.00 "product water.capacity=10000"
crashdrv mech 100 >"$WORK/mech.log" 2>&1 &
mech=$!
trap 'kill "$mech" 2>/dev/null; vendd_kill9' EXIT
vendd_restart "$CR_START_MS"

# online: the three peripherals set up (the Nth time, after restarts)
online() {
	for d in 'coin changer' 'bill validator' 'cashless reader'; do
		wait_log_n "mdb: $d online" "$1" 20000 "the $d online ($1)"
	done
}
starts=1
online $starts

# quiet: no vend pending, the arm idle, no change being paid.
quiet() {
	cr_idle_status 20000
	i=0
	while [ "$(status changer)" = paying ]; do
		[ $i -lt 100 ] || fail "change still being paid after 10 s"
		i=$((i + 1))
		usleep 100000
		status_refresh
	done
}

# a product, at random: cola or water (columns A and B)
pick() {
	if [ $((RANDOM % 2)) = 0 ]; then echo SELECT_A; else echo SELECT_B; fi
}

# cash: coins of random types, sometimes a note; a vend (the change after it)
cash_sale() {
	n=$((1 + RANDOM % 3))
	while [ "$n" -gt 0 ]; do
		mdbsim ctl "$MDB_CTL" coin $((RANDOM % 6)) >>"$WORK/mdbctl.out" 2>&1
		n=$((n - 1))
		usleep 150000
	done
	if [ $((RANDOM % 4)) = 0 ]; then
		mdbsim ctl "$MDB_CTL" note $((RANDOM % 2)) >>"$WORK/mdbctl.out" 2>&1
		usleep 700000
	fi
	press "$(pick)"
	press VEND
}

# card: funds that may or may not cover the price; a vend
card_sale() {
	i=0
	until mdbsim ctl "$MDB_CTL" card $((50 + RANDOM % 300)) \
	    >>"$WORK/mdbctl.out" 2>&1; do
		[ $i -lt 30 ] || return 0	# the reader busy: no card now
		i=$((i + 1))
		usleep 100000
	done
	usleep 300000
	press "$(pick)"
	press VEND
}

# restart: vendd back after a kill or a stop, the peripherals set up again
restart() {
	vendd_restart "$CR_START_MS"
	starts=$((starts + 1))
	online $starts
}

kills=0 stops=0 faults=0 r=0 t0=$(now_ms)
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	case $((RANDOM % 10)) in
	0|1|2|3) cash_sale ;;
	4|5) card_sale ;;
	6)	faults=$((faults + 1))
		case $((RANDOM % 3)) in
		0) mdb_ctl fault jam-payout $((RANDOM % 3)) ;;
		1) mdb_ctl fault slow 300 ;;
		2) mdb_ctl fault nack validator on ;;
		esac
		cash_sale ;;
	7|8)	# killed at a random moment of a sale
		if [ $((RANDOM % 2)) = 0 ]; then cash_sale & else card_sale & fi
		sale=$!
		usleep $(( (100 + RANDOM % 2500) * 1000 ))
		vendd_kill9
		wait "$sale" 2>/dev/null
		kills=$((kills + 1))
		mdb_ctl fault clear
		restart ;;
	9)	# stopped (SIGTERM) mid-sale
		card_sale
		usleep $(( (RANDOM % 800) * 1000 ))
		vendd_stop >/dev/null
		stops=$((stops + 1))
		restart ;;
	esac
	status_refresh
	quiet
	mdb_ctl fault clear
	if [ $((r % 10)) = 0 ]; then
		echo "mdb: round $r of $rounds: kills $kills stops $stops faults $faults, $(( ($(now_ms) - t0) / 1000 )) s"
	fi
done

# the credit left paid back, so that the tubes' account closes
status_refresh
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 ||
	fail "vendctl audit --json failed"
vendd_stop >/dev/null
kill "$mech" 2>/dev/null
trap - EXIT
mdb_ctl exit
wait "$MDBSIM_PID"

a() { simdrv json "$WORK/audit.json" "$1"; }
m() { simdrv json "$WORK/mdb.json" "account.$1"; }
sales=$(a since_init.paid_vends)
ledger_coins=$(( $(a mdb.to_tubes) + $(a mdb.to_cash_box) ))
coins_lost=$(( $(m coins_in) - ledger_coins ))
notes_lost=$(( $(m notes_stacked) - $(a mdb.notes_in) ))
short=$(( $(a mdb.change_paid) - $(m paid_out) ))
double=$(( $(m cashless_captured) - $(a mdb.card_value) ))
[ "$coins_lost" -lt 0 ] && coins_lost=0
[ "$notes_lost" -lt 0 ] && notes_lost=0
[ "$short" -lt 0 ] && short=0
[ "$double" -lt 0 ] && double=0
echo "mdb: $rounds rounds, $kills kills, $stops stops, $faults faults in $(( ($(now_ms) - t0) / 1000 )) s"
echo "mdb: changer coins_in $(m coins_in) ledger $ledger_coins; notes stacked $(m notes_stacked) ledger $(a mdb.notes_in); paid_out $(m paid_out) ledger change_paid $(a mdb.change_paid) owed $(a mdb.change_owed); captured $(m cashless_captured) ledger card_value $(a mdb.card_value) refunded $(m cashless_refunded)/$(a mdb.card_refunded); protocol_errors $(m protocol_errors)"
echo "mdb: sales=$sales coins_lost=$coins_lost notes_lost=$notes_lost change_short_unrecorded=$short double_charged=$double"
[ "$((coins_lost + notes_lost + short + double))" = 0 ] ||
	fail "money between the peripherals and the ledger does not agree"
pass
