#!/bin/sh
# 03-refusals: a vend that cannot happen moves nothing: too little credit
# (then a top-up and the vend), no selection, a sold-out column (restocked to
# 0 through vendctl). A selection changed before the vend vends the new one.
. /vendd/tests/sim/lib.sh

vendd_start_fast
vendctl -s "$VENDD_SOCK" restock juice 0 >"$WORK/restock" 2>&1 ||
	fail "expected vendctl restock juice 0 to succeed, saw: $(cat "$WORK/restock")"
wait_status products.id=juice.stock 0
expect_eq "juice state after restock 0" sold_out "$(status products.id=juice.state)"

watch_start "$WORK/watch-refused" ARM
# No selection: refused.
press VEND
coin 10				# 1.00
wait_status credit 100
press VEND
# Too little credit for cola (1.50).
press SELECT_A
wait_status selection cola
press VEND
# Sold out: juice, whatever the credit.
press SELECT_C
wait_status selection juice
press VEND
usleep 300000
watch_end
expect_eq "ARM pulses while every vend was refused" 0 "$(watch_pulses "$WORK/watch-refused" ARM)"
status_refresh
expect_eq "credit after the refusals" 100 "$(status credit)"
expect_eq "counters.paid_vends after the refusals" 0 "$(status counters.paid_vends)"
expect_eq "counters.sold_out_selections" 1 "$(status counters.sold_out_selections)"
expect_eq "counters.products.juice.sold_out" 1 "$(status counters.products.juice.sold_out)"
expect_eq "refusals logged (no selection)" 2 "$(log_count 'vend refused: no selection')"
expect_eq "refusals logged (low credit)" 1 "$(log_count 'vend refused: credit 1.00 < price 1.50 of cola')"
expect_eq "refusals logged (sold out)" 1 "$(log_count 'vend refused: juice is sold out')"

# Top-up, change the selection to water, vend: water is sold, cola is not.
coin 5				# 0.50, credit 1.50
wait_status credit 150
press SELECT_A
press SELECT_B
wait_status selection water
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false
status_refresh
expect_eq "credit after water (1.00) from 1.50" 50 "$(status credit)"
expect_eq "water stock" 9 "$(status products.id=water.stock)"
expect_eq "cola stock" 10 "$(status products.id=cola.stock)"
expect_eq "counters.products.water.paid_vends" 1 "$(status counters.products.water.paid_vends)"
expect_eq "counters.products.cola.paid_vends" 0 "$(status counters.products.cola.paid_vends)"

# The rest tops up to cola's price: 1.00 more makes 1.50.
press SELECT_A
press VEND
wait_status credit 50
coin 10
wait_status credit 150
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false
status_refresh
expect_eq "credit after the topped-up cola" 0 "$(status credit)"
expect_eq "cola stock after the topped-up vend" 9 "$(status products.id=cola.stock)"
expect_eq "counters.paid_vends" 2 "$(status counters.paid_vends)"
expect_eq "counters.paid_value" 250 "$(status counters.paid_value)"
pass
