#!/bin/sh
# 14-beam-blocked: a drop beam already broken when a vend starts (a product
# stuck in the tray) gives no new edge. The motor must not run: the vend
# fails at once, the credit is restored, the column stays in order,
# dispensing (the whole machine: one sensor for every column) is blocked
# with the reason in `vendctl status` and the acceptor inhibited; once the
# beam clears, vendd sells again by itself. A beam broken at start-up blocks
# from the start.
. /vendd/tests/sim/lib.sh

vendd_start_fast
coin 10
wait_status credit 100
simdrv set DROP pull-up >/dev/null || fail "simdrv set DROP pull-up failed"
usleep 300000			# a hand put the product back; it stays
watch_start "$WORK/watch" ARM,SLOT_B
press SELECT_B
press VEND
wait_status arm.blocked true
usleep 500000
watch_end
expect_eq "ARM pulses with the beam broken" 0 "$(watch_pulses "$WORK/watch" ARM)"
status_refresh
expect_eq "credit (restored)" 100 "$(status credit)"
expect_eq "water state (not the column's fault)" ok "$(status products.id=water.state)"
expect_eq "water stock" 10 "$(status products.id=water.stock)"
expect_eq "coin.inhibit while blocked" true "$(status coin.inhibit)"
expect_eq "counters.failed_vends" 1 "$(status counters.failed_vends)"
expect_eq "counters.paid_vends" 0 "$(status counters.paid_vends)"
[ "$(log_count 'drop sensor DROP is already broken')" -ge 1 ] ||
	fail "expected the log to name the blocked drop sensor DROP"
grep -q 'DROP' "$STATUS_JSON" || fail "expected vendctl status to say DROP blocks dispensing: $(cat "$STATUS_JSON")"
press VEND			# refused while blocked: still no motor
usleep 300000
expect_eq "ARM after a vend press while blocked" 0 "$(simdrv get ARM)"

# The customer takes the product: clear for a second, selling again.
simdrv set DROP pull-down >/dev/null || fail "simdrv set DROP pull-down failed"
WAIT_MS=5000 wait_status arm.blocked false
wait_status coin.inhibit false
drop_after_arm 100
press SELECT_B
press VEND
wait_drop
wait_status counters.paid_vends 1
expect_eq "credit after the sale" 0 "$(status credit)"

# Broken at start-up: blocked before anyone pays.
vendd_stop
simdrv set DROP pull-up >/dev/null
vendd_restart
wait_status arm.blocked true
expect_eq "coin.inhibit, blocked at start" true "$(status coin.inhibit)"
simdrv set DROP pull-down >/dev/null
WAIT_MS=5000 wait_status arm.blocked false
pass
