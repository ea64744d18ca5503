#!/bin/sh
# 17-keypad-sale: a sale chosen by code on a keypad (a real kernel input
# device, made with uinput and found by vendd by its name): the digits on
# the screen, the product and what is missing, ENTER vends; CLEAR cancels a
# code and a selection; an unknown code says so; a code left alone times
# out, and so does one whose vend was refused; the VEND button vends a
# code's selection too.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
keypad_start
# shellcheck disable=SC2086 # the CONFIGs are lists of words
vendd_start_fast $DISPLAY_CONFIG $KEYPAD_CONFIG keypad.entry_timeout_s=8
wait_screen "Insert coins | No change given"
expect_eq "keypad found by its name" 1 "$(log_count "keypad: $KEYPAD_NAME is /dev/input/event")"

coin 10				# 1.00
wait_status credit 100
keys 1
wait_screen "Code 1 | Credit 1.00"
keys 2				# 12: water, 1.00
wait_status selection water
wait_screen "Water 0.5l 1.00 | Credit 1.00"
drop_after_arm 100
keys "#"
wait_drop
wait_status vend_pending false
wait_status counters.paid_vends 1
status_refresh
expect_eq "water stock after the keypad sale" 9 "$(status products.id=water.stock)"
expect_eq "credit after the keypad sale" 0 "$(status credit)"
screen_seen "Water 0.5l | Vending..." || fail "expected 'Water 0.5l | Vending...' during the vend"
wait_screen "Insert coins | No change given" 8000

# A code and then CLEAR: no selection. 13 is juice, 2.00.
coin 10
wait_status credit 100
keys 13
wait_status selection juice
wait_screen "Orange juic 2.00 | Insert 1.00 more"
keys "*"
wait_status selection null
wait_screen "Credit 1.00 | Make a selection"

# An unknown code (no code starts with 19): shown, nothing selected.
keys 19
wait_screen "No product 19 | Credit 1.00"
status_refresh
expect_eq "selection after an unknown code" null "$(status selection)"

# A selection by code left alone is cancelled after entry_timeout_s (8 s);
# so is one whose vend was refused (short of money): the next customer
# must not be sold it.
keys 14				# tea 1.80
wait_status selection tea
wait_status selection null 15000
wait_screen "Credit 1.00 | Make a selection"
keys "14#"			# refused: 0.80 short
wait_status selection tea
wait_screen "Iced tea 0. 1.80 | Insert 0.80 more"
wait_status selection null 15000
wait_screen "Credit 1.00 | Make a selection"

# The VEND button vends what a code chose.
coin 10				# 2.00
wait_status credit 200
keys 11				# cola 1.50
wait_status selection cola
drop_after_arm 100
press VEND
wait_drop
wait_status counters.paid_vends 2
wait_status credit 50
pass
