#!/bin/sh
# 21-display-refusals: what the customer reads when a sale does not happen:
# a vend with nothing chosen, a product that never drops (the arm retries,
# then "Credit returned" with the credit, and the column reads "Out of
# order" when chosen again), a sold-out column, a keypad code on a machine
# whose drop beam is blocked ("Out of service"), and vendd --check naming
# the keypad's event node.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
keypad_start
# shellcheck disable=SC2086 # lists of words
vendd_start_fast $DISPLAY_CONFIG $KEYPAD_CONFIG
wait_screen "Insert coins | No change given"

vendd -c "$VENDD_CONF" --check >"$WORK/check.out" 2>&1 ||
	fail "vendd --check failed: $(tail -n 3 "$WORK/check.out")"
grep -q "^\[keypad\] device .*$KEYPAD_NAME -> /dev/input/event" "$WORK/check.out" ||
	fail "expected --check to name the keypad's event node, saw: $(grep keypad "$WORK/check.out")"

coin 10				# 1.00
wait_status credit 100
press VEND			# nothing chosen
wait_screen "Make a selection | Credit 1.00"

# Water never drops: retried, then the price is back in the credit.
keys 12
wait_status selection water
keys "#"
wait_status counters.failed_vends 1
wait_seen "Credit returned | Credit 1.00"
status_refresh
expect_eq "credit after the failed drop" 100 "$(status credit)"
keys 12				# the column is out of order now
wait_screen "Water 0.5l | Out of order"

# A sold-out column.
vendctl -s "$VENDD_SOCK" restock tea 0 >"$WORK/restock" 2>&1 ||
	fail "vendctl restock tea 0 failed: $(cat "$WORK/restock")"
keys 14
wait_screen "Iced tea 0.33l | Sold out"

# A product left in the tray (the drop beam broken): no motor, the credit
# back, and the machine says it does not sell until the beam is clear.
coin 5				# 0.50: 1.50, a cola
wait_status credit 150
simdrv set DROP pull-up >/dev/null || fail "simdrv set DROP pull-up failed"
usleep 300000
keys "11#"
wait_status arm.blocked true
wait_screen "Out of service | Credit 1.50" 10000
simdrv set DROP pull-down >/dev/null || fail "simdrv set DROP pull-down failed"
wait_status arm.blocked false
wait_screen "Credit 1.50 | Make a selection" 10000
pass
