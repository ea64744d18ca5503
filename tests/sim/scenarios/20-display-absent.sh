#!/bin/sh
# 20-display-absent: a display that is not there (nobody reads the FIFO, or
# no device at all) is a warning in the log, once, and the sale goes on;
# when the display appears, vendd draws on it within retry_s.
. /vendd/tests/sim/lib.sh

# shellcheck disable=SC2086 # lists of words
vendd_start_fast display.type=charlcd display.device=$SCREEN_FIFO display.retry_s=1
wait_log "display: $SCREEN_FIFO" 5000 \
	"a warning naming $SCREEN_FIFO in the log"
coin 10				# 1.00
wait_status credit 100
press SELECT_B			# water, 1.00
wait_status selection water
drop_after_arm 100
press VEND
wait_drop
wait_status counters.paid_vends 1
wait_status credit 0
expect_eq "warnings for the missing display (one, not one per try)" 1 \
	"$(log_count "display: $SCREEN_FIFO")"

# The display appears: vendd draws the screen of the moment.
coin 5				# 0.50
wait_status credit 50
screen_start charlcd 2 16
wait_screen "Credit 0.50 | Make a selection" 10000
pass
