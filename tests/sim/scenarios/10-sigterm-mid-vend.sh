#!/bin/sh
# 10-sigterm-mid-vend: SIGTERM while the arm relay runs: vendd exits 0, every
# relay ends inactive; the restart settles the unresolved vend in the
# customer's favour (credit back, stock unchanged, unresolved_settled 1).
. /vendd/tests/sim/lib.sh

sensor_set 9000			# hot: the compressor runs too
vendd_start_fast arm.run_ms=5000 cooling.setpoint=4C cooling.differential=2C
simdrv wait COMPRESSOR 1 8000 >/dev/null || fail "expected COMPRESSOR on at 9.0 C, saw off"
coin 10
wait_status credit 100
press SELECT_B
wait_status selection water
press VEND
simdrv wait ARM 1 8000 >/dev/null || fail "expected ARM energised after the vend, saw 0"
expect_eq "SLOT_B during the cycle" 1 "$(simdrv get SLOT_B)"
watch_start "$WORK/watch" ARM,SLOT_B,COMPRESSOR,COIN_INHIBIT
vendd_stop
rc=$?
watch_end
expect_eq "vendd exit status after SIGTERM mid-vend" 0 "$rc"
for relay in ARM SLOT_A SLOT_B SLOT_C SLOT_D COMPRESSOR; do
	expect_eq "$relay after the stop" 0 "$(simdrv get "$relay")"
done
grep -q "^+.* ARM=0$" "$WORK/watch" || fail "expected ARM to drop during the stop, saw: $(tr '\n' ' ' <"$WORK/watch")"
expect_eq "'outputs inactive' logged" 1 "$(log_count 'stopped, outputs inactive')"

vendd_restart
status_refresh
expect_eq "credit after restart (price restored)" 100 "$(status credit)"
expect_eq "water stock after restart" 10 "$(status products.id=water.stock)"
expect_eq "water state after restart" ok "$(status products.id=water.state)"
expect_eq "counters.unresolved_settled" 1 "$(status counters.unresolved_settled)"
expect_eq "counters.paid_vends" 0 "$(status counters.paid_vends)"
expect_eq "counters.startups" 2 "$(status counters.startups)"
expect_eq "vend_pending after restart" false "$(status vend_pending)"
pass
