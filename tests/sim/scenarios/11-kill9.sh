#!/bin/sh
# 11-kill9: SIGKILL (no goodbye), then a restart: credit, stock and every
# audit counter exactly as before the kill (startups aside).
. /vendd/tests/sim/lib.sh

vendd_start_fast
coin 10
coin 5
wait_status credit 150
press SELECT_B
wait_status selection water
drop_after_arm 100
press VEND
wait_drop
wait_status counters.paid_vends 1
coin 3				# an unknown coin
wait_status counters.unknown_coins 1
vendctl -s "$VENDD_SOCK" restock juice 0 >/dev/null || fail "vendctl restock juice 0 failed"
wait_status products.id=juice.stock 0
press SELECT_C
press VEND
wait_status counters.sold_out_selections 1
coin 10
wait_status credit 150

# snapshot FILE: credit, each stock and state, and the counters but startups.
snapshot() {
	status_refresh
	{
		echo "credit $(status credit)"
		for p in cola water juice tea; do
			echo "$p $(status products.id=$p.stock) $(status products.id=$p.state)"
		done
		status counters | sed 's/"startups": *[0-9]*,\{0,1\}//'
	} >"$1"
}
snapshot "$WORK/before"
vendd_kill9
vendd_restart
snapshot "$WORK/after"
cmp -s "$WORK/before" "$WORK/after" ||
	fail "expected the state after kill -9 and restart to equal the state before; before: $(tr '\n' ' ' <"$WORK/before"); after: $(tr '\n' ' ' <"$WORK/after")"
expect_eq "counters.startups" 2 "$(status counters.startups)"
expect_eq "counters.unresolved_settled" 0 "$(status counters.unresolved_settled)"
pass
