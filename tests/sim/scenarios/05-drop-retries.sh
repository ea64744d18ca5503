#!/bin/sh
# 05-drop-retries: with a drop sensor, a product that never falls is retried
# (1 + retries relay runs), then the price goes back to the credit in full and
# the column is out of order; a drop seen while waiting after the run is a sale;
# a break of the beam shorter than drop_min_ms is noise, not a drop.
. /vendd/tests/sim/lib.sh

# drop_min_ms 40: the 60 ms breaks below are products, a 5 ms one (however
# much a host stall stretches it) is not.
vendd_start_fast arm.drop_line=DROP arm.drop_timeout_ms=300 arm.retries=2 \
	arm.drop_min_ms=40
coin 10				# 1.00
wait_status credit 100
press SELECT_B
wait_status selection water
watch_start "$WORK/watch" ARM,SLOT_B
press VEND
wait_status counters.failed_vends 1
watch_end

expect_eq "ARM pulses (1 + retries 2)" 3 "$(watch_pulses "$WORK/watch" ARM)"
expect_pulse_widths "ARM pulse width (run_ms $RUN_MS)" "$WORK/watch" ARM \
	$((RUN_MS - 20)) $((RUN_MS + 700))
expect_eq "SLOT_B pulses (held through the retries)" 1 "$(watch_pulses "$WORK/watch" SLOT_B)"
status_refresh
expect_eq "credit restored in full" 100 "$(status credit)"
expect_eq "water state" out_of_order "$(status products.id=water.state)"
expect_eq "water stock (nothing fell)" 10 "$(status products.id=water.stock)"
expect_eq "counters.failed_vends" 1 "$(status counters.failed_vends)"
expect_eq "counters.products.water.failed_vends" 1 "$(status counters.products.water.failed_vends)"
expect_eq "counters.paid_vends" 0 "$(status counters.paid_vends)"

# An out-of-order column refuses.
press SELECT_B
press VEND
usleep 300000
status_refresh
expect_eq "credit after a vend of an out-of-order column" 100 "$(status credit)"
expect_eq "refusal logged" 1 "$(log_count 'vend refused: water is out of order')"

# The beam broken while waiting after the run: success, no retry.
coin 5				# 0.50, credit 1.50
wait_status credit 150
press SELECT_A
wait_status selection cola
watch_start "$WORK/watch2" ARM
( simdrv wait ARM 1 3000 && simdrv wait ARM 0 3000 && usleep 50000 &&
  simdrv pulse DROP 60 ) >"$WORK/drop" 2>&1 &
dropper=$!
press VEND
wait "$dropper" || fail "expected an ARM pulse before the drop, saw: $(cat "$WORK/drop")"
wait_status vend_pending false
watch_end
expect_eq "ARM pulses with the drop after the run" 1 "$(watch_pulses "$WORK/watch2" ARM)"
status_refresh
expect_eq "credit after cola" 0 "$(status credit)"
expect_eq "cola stock" 9 "$(status products.id=cola.stock)"
expect_eq "cola state" ok "$(status products.id=cola.state)"
expect_eq "counters.paid_vends" 1 "$(status counters.paid_vends)"
expect_eq "counters.failed_vends" 1 "$(status counters.failed_vends)"

# A spike on DROP while waiting is noise: the wait runs out, the arm runs
# again, and the product that then falls is the sale (2 attempts).
coin 10
wait_status credit 100
coin 5
wait_status credit 150
press SELECT_A
wait_status selection cola
watch_start "$WORK/watch3" ARM
( simdrv wait ARM 1 3000 && simdrv wait ARM 0 3000 && usleep 50000 &&
  simdrv pulse DROP 5 && simdrv wait ARM 1 3000 && simdrv wait ARM 0 3000 &&
  usleep 50000 && simdrv pulse DROP 60 ) >"$WORK/drop3" 2>&1 &
dropper=$!
press VEND
wait "$dropper" || fail "expected a spike, a retry and a drop, saw: $(cat "$WORK/drop3")"
wait_status vend_pending false
watch_end
expect_eq "ARM pulses (the spike did not end the vend)" 2 "$(watch_pulses "$WORK/watch3" ARM)"
status_refresh
expect_eq "credit after the second cola" 0 "$(status credit)"
expect_eq "cola stock after the second cola" 8 "$(status products.id=cola.stock)"
expect_eq "counters.paid_vends after the spike" 2 "$(status counters.paid_vends)"
expect_eq "the spike logged, naming the line" 1 "$(log_count 'DROP: beam broken for')"
expect_eq "the retry logged" 1 "$(log_count 'cola did not drop, retry 1')"
pass
