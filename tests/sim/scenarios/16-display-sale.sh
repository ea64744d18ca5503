#!/bin/sh
# 16-display-sale: what the customer reads on a 16x2 charlcd through a sale
# by the buttons: the idle screen, the credit after each coin, the product
# and what is missing, the refusal of a vend short of money (the product
# stays on the screen while it stays chosen), vending, take your product,
# back to idle; the backlight goes off when idle and a coin
# wakes it. The display is a FIFO decoded by lcdscreen as the LCD would show
# the bytes vendd wrote.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
# shellcheck disable=SC2086 # DISPLAY_CONFIG is a list of words
vendd_start_fast $DISPLAY_CONFIG display.backlight_s=4
wait_screen "Insert coins | No change given"
[ "$(screen_backlight)" = 1 ] || fail "expected the backlight on at start, saw $(screen_backlight)"

coin 10				# 1.00
wait_status credit 100
wait_screen "Credit 1.00 | Make a selection"
press SELECT_A			# cola, 1.50
wait_screen "Cola 0.33l 1.50 | Insert 0.50 more"
press VEND			# refused: 0.50 short
wait_log 'vend refused: credit 1.00 < price 1.50' 5000 \
	"the vend refused for want of 0.50"
# The refusal's message, then back to the product still chosen: nobody
# reads "Make a selection" while VEND would sell the cola.
wait_screen "Cola 0.33l 1.50 | Insert 0.50 more"
coin 5				# 0.50: 1.50
wait_status credit 150
wait_status selection cola
wait_screen "Cola 0.33l 1.50 | Credit 1.50"

drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false
wait_status credit 0
screen_seen "Cola 0.33l | Vending..." || fail "expected 'Cola 0.33l | Vending...' on the screen during the vend"
screen_seen "Please take your | " || fail "expected 'Please take your' (cut at 16) after the drop"
wait_screen "Insert coins | No change given" 8000

# Idle with no credit for backlight_s: dark; a coin wakes it.
i=0
until [ "$(screen_backlight)" = 0 ]; do
	[ $i -lt 200 ] || fail "expected the backlight off after 4 s idle, saw $(screen_backlight)"
	i=$((i + 1))
	usleep 50000
done
coin 5
wait_screen "Credit 0.50 | Make a selection"
[ "$(screen_backlight)" = 1 ] || fail "expected a coin to turn the backlight on"
expect_eq "display warnings" 0 "$(log_count 'display: ')"
pass
