#!/bin/sh
# 19-keypad-unplug: a keypad unplugged during a sale (the uinput device
# destroyed) is logged and shown, the credit stays, the buttons still sell;
# plugged back (a new event node), vendd finds it by its name and the sale
# is finished by code. A keypad missing at start stops start-up, naming it.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
keypad_start
# shellcheck disable=SC2086 # the CONFIGs are lists of words
vendd_start_fast $DISPLAY_CONFIG $KEYPAD_CONFIG keypad.retry_s=1
wait_screen "Insert coins | No change given"
coin 10				# 1.00
wait_status credit 100
keys 1
wait_screen "Code 1 | Credit 1.00"

keypad_unplug
wait_log 'keypad: .* is gone' 10000 "'keypad: ... is gone' in the log"
wait_screen "Credit 1.00 | Keypad faulty"
status_refresh
expect_eq "credit with the keypad gone" 100 "$(status credit)"
expect_eq "selection with the keypad gone" null "$(status selection)"

keypad_plug
wait_log 'keypad: .* is back' 10000 \
	"'keypad: ... is back' in the log within 10 s"
wait_screen "Credit 1.00 | Make a selection"
keys 12				# water, 1.00
wait_status selection water
drop_after_arm 100
keys "#"
wait_drop
wait_status counters.paid_vends 1
wait_status credit 0
vendd_stop

# Start-up without the keypad: refused, naming it.
keypad_stop
vendd_launch 10000 && fail "expected vendd to refuse to start without its keypad"
[ "$VENDD_EXIT" = 78 ] || fail "expected exit status 78 without the keypad, saw $VENDD_EXIT"
expect_eq "start-up error naming the keypad" 1 \
	"$(log_count "\[keypad\] device: .*$KEYPAD_NAME")"
pass
