#!/bin/sh
# 02-vend: coins in, a selection, the vend button: the arm relay pulses once
# for run_ms while the selected column's slot is held for the whole cycle, the
# drop sensor confirms it, and credit, stock and the audit counters move.
. /vendd/tests/sim/lib.sh

vendd_start_fast
coin 10				# 1.00
coin 5				# 0.50
wait_status credit 150
press SELECT_A			# cola, 1.50
wait_status selection cola

watch_start "$WORK/watch" ARM,SLOT_A,SLOT_B,SLOT_C,SLOT_D
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false
watch_end

w=$WORK/watch
expect_eq "ARM pulses" 1 "$(watch_pulses "$w" ARM)"
expect_pulse_widths "ARM pulse width (run_ms $RUN_MS)" "$w" ARM \
	$((RUN_MS - 20)) $((RUN_MS + 700))
expect_eq "SLOT_A pulses" 1 "$(watch_pulses "$w" SLOT_A)"
for s in SLOT_B SLOT_C SLOT_D; do
	expect_eq "$s pulses (not selected)" 0 "$(watch_pulses "$w" "$s")"
done
slot_on=$(watch_edge_ms "$w" SLOT_A 1) slot_off=$(watch_edge_ms "$w" SLOT_A 0)
arm_on=$(watch_edge_ms "$w" ARM 1) arm_off=$(watch_edge_ms "$w" ARM 0)
[ "$slot_on" -le "$arm_on" ] && [ "$slot_off" -ge "$arm_off" ] ||
	fail "expected SLOT_A held around the ARM pulse, saw SLOT_A $slot_on..$slot_off ms, ARM $arm_on..$arm_off ms"

status_refresh
expect_eq "credit after the vend" 0 "$(status credit)"
expect_eq "selection after the vend" null "$(status selection)"
expect_eq "cola stock" 9 "$(status products.id=cola.stock)"
expect_eq "water stock" 10 "$(status products.id=water.stock)"
expect_eq "counters.cash_in" 150 "$(status counters.cash_in)"
expect_eq "counters.coins.10" 1 "$(status counters.coins.10)"
expect_eq "counters.coins.5" 1 "$(status counters.coins.5)"
expect_eq "counters.paid_vends" 1 "$(status counters.paid_vends)"
expect_eq "counters.paid_value" 150 "$(status counters.paid_value)"
expect_eq "counters.failed_vends" 0 "$(status counters.failed_vends)"
expect_eq "counters.products.cola.paid_vends" 1 "$(status counters.products.cola.paid_vends)"
expect_eq "counters.products.cola.paid_value" 150 "$(status counters.products.cola.paid_value)"
expect_eq "arm.busy" false "$(status arm.busy)"
pass
