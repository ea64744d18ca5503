#!/bin/sh
# 10-sigterm-mid-vend: SIGTERM while the arm relay runs lets the vend's
# attempt finish. (1) The product drops after the signal: it is sold, not
# refunded; vendd exits 0 once the cycle ended, every relay inactive. (2) It
# never drops: no retry starts, the credit is restored, the column stays in
# order. (3) A second SIGTERM cuts the cycle short at once: the credit is
# restored, the relay off.
. /vendd/tests/sim/lib.sh

# sigterm_mid_vend PRODUCT_LINE: pay, select, vend; return once ARM is on.
sigterm_mid_vend() {
	coin 10
	wait_status credit 100
	press "$1"
	press VEND
	simdrv wait ARM 1 8000 >/dev/null || fail "expected ARM energised after the vend, saw 0"
}

# stopped_within MS: vendd ended within MS of now; its exit status in $rc.
stopped_within() {
	pid=$VENDD_PID
	VENDD_PID=
	pid_gone "$pid" "$1" || fail "expected vendd to stop within $1 ms"
	wait "$pid"
	rc=$?
}

sensor_set 9000			# hot: the compressor runs too
vendd_start_fast arm.run_ms=2000 arm.drop_timeout_ms=3000 arm.retries=2 \
	cooling.setpoint=4C cooling.differential=2C
simdrv wait COMPRESSOR 1 8000 >/dev/null || fail "expected COMPRESSOR on at 9.0 C, saw off"

# (1) SIGTERM 0.3 s into the run, the product drops 1 s later.
sigterm_mid_vend SELECT_B
watch_start "$WORK/watch" ARM,SLOT_B,COMPRESSOR,COIN_INHIBIT
kill -TERM "$VENDD_PID"
usleep 1000000
expect_eq "ARM after SIGTERM, the attempt goes on" 1 "$(simdrv get ARM)"
simdrv pulse DROP 60 >>"$WORK/drop" 2>&1 || fail "simdrv pulse DROP failed"
stopped_within 8000
watch_end
expect_eq "vendd exit status after SIGTERM mid-vend" 0 "$rc"
for relay in ARM SLOT_A SLOT_B SLOT_C SLOT_D COMPRESSOR; do
	expect_eq "$relay after the stop" 0 "$(simdrv get "$relay")"
done
# The watch began with ARM on: the run in progress ends, no new one starts.
expect_eq "ARM runs started during the stop (no retry)" 0 "$(watch_pulses "$WORK/watch" ARM)"
expect_eq "ARM at the end of the watch" 0 "$(simdrv get ARM)"
expect_eq "'outputs inactive' logged" 1 "$(log_count 'stopped, outputs inactive')"
vendd_restart
status_refresh
expect_eq "counters.paid_vends (the drop after SIGTERM is a sale)" 1 "$(status counters.paid_vends)"
expect_eq "credit after restart" 0 "$(status credit)"
expect_eq "water stock after restart" 9 "$(status products.id=water.stock)"
expect_eq "counters.unresolved_settled" 0 "$(status counters.unresolved_settled)"

# (2) SIGTERM, no drop: the attempt's wait ends, no retry, refunded.
sigterm_mid_vend SELECT_B
watch_start "$WORK/watch2" ARM
kill -TERM "$VENDD_PID"
stopped_within 8000
watch_end
expect_eq "exit status, no drop" 0 "$rc"
expect_eq "ARM runs started after SIGTERM without a drop (no retry)" 0 "$(watch_pulses "$WORK/watch2" ARM)"
vendd_restart
status_refresh
expect_eq "credit after restart (price restored)" 100 "$(status credit)"
expect_eq "water stock" 9 "$(status products.id=water.stock)"
expect_eq "water state (not the column's fault)" ok "$(status products.id=water.state)"
expect_eq "counters.paid_vends" 1 "$(status counters.paid_vends)"
expect_eq "counters.unresolved_settled" 1 "$(status counters.unresolved_settled)"

# (3) A second SIGTERM aborts at once: the relay drops within a second.
press SELECT_B
press VEND
simdrv wait ARM 1 8000 >/dev/null || fail "expected ARM energised again, saw 0"
kill -TERM "$VENDD_PID"
usleep 300000
kill -TERM "$VENDD_PID"
stopped_within 2000
expect_eq "exit status after two SIGTERMs" 0 "$rc"
expect_eq "ARM after the abort" 0 "$(simdrv get ARM)"
vendd_restart
status_refresh
expect_eq "credit after the abort (restored)" 100 "$(status credit)"
expect_eq "counters.unresolved_settled" 2 "$(status counters.unresolved_settled)"
expect_eq "vend_pending after restart" false "$(status vend_pending)"
pass
