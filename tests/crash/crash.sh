#!/bin/sh
# crash: vendd killed by SIGKILL at a random moment of a customer session,
# KILLS times (kernel command line crash.kills=N, default 20), restarted on
# the same state each time. After every restart, against what the driver
# (session.sh) did and what the mechanics (crashdrv mech) saw:
#   money:  cash_in == paid_value + credit (nothing leaves but paid vends)
#   coins:  cash_in is the last acknowledged cash_in (no acknowledged coin
#           lost), or that plus the one coin whose train or acknowledgement
#           the kill cut (in doubt: counted whole or not at all)
#   relay:  arm cycles seen <= paid + failed + unresolved_settled vends (no
#           double dispense), paid vends <= products dropped (nobody pays for
#           a product that did not come)
# Prints "crash: kills=N coins_lost=N double_dispense=N".
. /vendd/tests/sim/lib.sh
. /vendd/tests/crash/crashlib.sh

kills=$(cmdline_arg crash.kills 20)
SESSION_LOG=$WORK/session.log
MECH_LOG=$WORK/mech.log
mkdir -p "$VENDD_STATE"
cr_config
crashdrv mech 100 >"$MECH_LOG" 2>&1 &
mech=$!
trap 'kill "$mech" 2>/dev/null; vendd_kill9' EXIT

vendd_restart "$CR_START_MS"
status_refresh
last_ack=$(status counters.cash_in)
lost=0 double=0 bad=0 doubtful=0 shown= kills_done=0 t0=$(now_ms)
i=0
while [ "$i" -lt "$kills" ]; do
	i=$((i + 1))
	: >"$SESSION_LOG"
	setsid sh "$CR_DIR/session.sh" "$VENDD_SOCK" "$SESSION_LOG" >/dev/null 2>&1 &
	sess=$!
	# A random moment: 0.2 .. 6 s into the session. The customer's shell
	# stops where it is (its log tells what it knew), the coin it is
	# inserting keeps going as a real acceptor's train would, vendd dies.
	usleep $(( (200 + RANDOM % 5800) * 1000 ))
	kill -STOP "$sess" 2>/dev/null
	vendd_kill9
	kills_done=$((kills_done + 1))
	usleep 1200000			# the longest train (10 pulses) ends
	kill -KILL -"$sess" 2>/dev/null
	kill -CONT -"$sess" 2>/dev/null
	wait "$sess" 2>/dev/null
	cr_reset_inputs
	last=$(tail -n 1 "$SESSION_LOG")
	acks=$(grep '^ack ' "$SESSION_LOG" | tail -n 1 | cut -d' ' -f2)
	[ -n "$acks" ] && last_ack=$acks
	doubt=0 split=0
	case $last in
	"coin "*) doubt=${last#coin }; doubtful=$((doubtful + 1)) ;;
	"split "*) doubt=$(echo "$last" | cut -d' ' -f2); split=1
		doubtful=$((doubtful + 1)) ;;
	noack*)
		# A clean train, vendd running, the acceptor free: lost.
		echo "crash: kill $i: a coin lost while vendd ran: $last"
		lost=$((lost + 1)) ;;
	stuck|nostatus)
		echo "crash: kill $i: the session failed while vendd ran: $last"
		bad=$((bad + 1)) ;;
	esac

	if ! vendd_launch "$CR_START_MS"; then
		echo "crash: kill $i: vendd refused to start (exit $VENDD_EXIT)"
		tail -n 5 "$VENDD_LOG" | sed 's/^/  | /'
		bad=$((bad + 1))
		break
	fi
	cr_idle_status
	money=$(cr_money) || {
		echo "crash: kill $i: money: cash_in != paid_value + credit ($money)"
		bad=$((bad + 1))
	}
	cash=$(status counters.cash_in)
	if [ "$cash" -lt "$last_ack" ]; then
		echo "crash: kill $i: coins lost: cash_in $cash < acknowledged $last_ack"
		lost=$((lost + (last_ack - cash + 99) / 100))
	elif [ "$split" = 1 ] && [ "$cash" -gt $((last_ack + doubt)) ]; then
		echo "crash: kill $i: cash_in $cash > acknowledged $last_ack + the split coin in doubt ($doubt)"
		bad=$((bad + 1))
	elif [ "$split" = 0 ] && [ "$cash" != "$last_ack" ] && [ "$cash" != $((last_ack + doubt)) ]; then
		echo "crash: kill $i: cash_in $cash: neither acknowledged $last_ack nor that + the coin in doubt ($doubt)"
		bad=$((bad + 1))
	fi
	last_ack=$cash
	paid=$(status counters.paid_vends)
	settled=$(status counters.unresolved_settled)
	failed=$(status counters.failed_vends)
	cycles=$(grep -c '^arm_on ' "$MECH_LOG")
	drops=$(grep -c '^drop ' "$MECH_LOG")
	if [ "$cycles" -gt $((paid + settled + failed)) ]; then
		echo "crash: kill $i: double dispense: $cycles arm cycles > paid $paid + settled $settled + failed $failed"
		double=$((double + cycles - paid - settled - failed))
	fi
	if [ "$paid" -gt "$drops" ]; then
		echo "crash: kill $i: $paid paid vends > $drops products dropped"
		bad=$((bad + 1))
	fi
	[ "$(simdrv get ARM)" = 0 ] || { echo "crash: kill $i: ARM on after restart"; bad=$((bad + 1)); }
	if [ "$((lost + double + bad))" != 0 ] && [ -z "$shown" ]; then
		shown=1
		echo "crash: kill $i: first failure; session log and coin counters:"
		tail -n 4 "$SESSION_LOG" | sed 's/^/  | /'
		echo "  | coins by pulses $(simdrv json "$STATUS_JSON" counters.coins) unknown $(status counters.unknown_coins) noise $(status counters.noise_pulses)"
		tail -n 12 "$VENDD_LOG" | sed 's/^/  | /'
	fi
	echo "crash: kill $i: ok=$((lost + double + bad == 0)) last='$last' cash_in=$cash paid=$paid settled=$settled failed=$failed cycles=$cycles drops=$drops"
done
status_refresh
echo "crash: $kills_done kills in $(( ($(now_ms) - t0) / 1000 )) s; $doubtful coins in doubt; cash_in $(status counters.cash_in), paid vends $(status counters.paid_vends), settled $(status counters.unresolved_settled)"
echo "crash: kills=$kills_done coins_lost=$lost double_dispense=$double"
[ "$((lost + double + bad))" = 0 ] || fail "$lost coins lost, $double double dispenses, $bad other failures"
pass
