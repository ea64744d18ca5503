#!/bin/sh
# 04-hammer: the vend button pressed 20 times during one arm cycle gives
# exactly one cycle, one vend, one price taken, though the credit would pay two.
. /vendd/tests/sim/lib.sh

# A long drop wait keeps the cycle open while the button is hammered.
vendd_start_fast arm.drop_timeout_ms=8000
coin 20				# 2.00: enough for two waters
wait_status credit 200
press SELECT_B
wait_status selection water

watch_start "$WORK/watch" ARM,SLOT_B
# 20 pushes, 40 ms each, released 80 ms between (past hold_off_ms 50)
simdrv hammer VEND 20 40 80 >"$WORK/hammer" 2>&1 || fail "simdrv hammer VEND failed: $(cat "$WORK/hammer")"
status_refresh
expect_eq "arm.busy after 20 presses (one cycle still open)" true "$(status arm.busy)"
expect_eq "credit while the one vend runs" 100 "$(status credit)"
simdrv pulse DROP 60 >>"$WORK/drop" 2>&1
wait_status vend_pending false
watch_end

expect_eq "ARM pulses" 1 "$(watch_pulses "$WORK/watch" ARM)"
expect_eq "SLOT_B pulses" 1 "$(watch_pulses "$WORK/watch" SLOT_B)"
status_refresh
expect_eq "credit after one water" 100 "$(status credit)"
expect_eq "water stock" 9 "$(status products.id=water.stock)"
expect_eq "counters.paid_vends" 1 "$(status counters.paid_vends)"
expect_eq "vends sold (log)" 1 "$(log_count 'vend [0-9]+: water sold for')"
pass
