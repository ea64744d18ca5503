#!/bin/sh
# 22-service-door: the door switch. Opened while idle with credit: service
# mode (status, the acceptor inhibited, coins offered while open are not
# counted, the display's service screen), the credit kept and shown again
# when the door closes. Opened during a vend: the vend finishes and sells,
# then service mode. Every opening and closing is in the event stream with
# its time. vendctl service on|off does the same without the switch.
. /vendd/tests/sim/lib.sh

# offer PULSES: a customer offers a coin; the acceptor takes it (pulses)
# only while its inhibit input is free, as a real one does. Prints
# "taken" or "refused".
offer() {
	if [ "$(simdrv get COIN_INHIBIT)" = 1 ]; then
		echo refused
		return
	fi
	coin "$1"
	echo taken
}

screen_start charlcd 2 16
# shellcheck disable=SC2086 # DISPLAY_CONFIG is a list of words
vendd_start_fast $DISPLAY_CONFIG service.door_line=DOOR
wait_screen "Insert coins | No change given"

coin 10				# 1.00
wait_status credit 100
simdrv set DOOR pull-down >/dev/null || fail "simdrv set DOOR pull-down failed"
wait_status sales.service true
wait_status sales.door_open true
wait_status coin.inhibit true
wait_log 'door opened' 3000 "the panel to log the door opening"
wait_screen "Service mode | Sold 0 test 0"
wait_seen "Service mode | Cash box 1.00" 8000
# a coin while the door is open: the inhibit refuses it, nothing counted
expect_eq "a coin offered with the door open" refused "$(offer 5)"
status_refresh
expect_eq "credit with the door open" 100 "$(status credit)"
expect_eq "selling with the door open" false "$(status selling)"
press SELECT_B
drop_after_arm 100
press VEND			# in service mode: a test vend, never a sale
wait_drop
wait_status vend_pending false 10000
wait_seen "Water 0.5l | Test vend ok"
status_refresh
expect_eq "paid vends in service mode" 0 "$(status counters.paid_vends)"
expect_eq "credit after the test vend" 100 "$(status credit)"
expect_eq "water after the test vend" 9 "$(status products.id=water.stock)"
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 ||
	fail "vendctl audit --json failed: $(cat "$WORK/audit.json")"
expect_eq "test vends in the audit" 1 "$(simdrv json "$WORK/audit.json" since_init.test_vends)"
expect_eq "paid vends in the audit" 0 "$(simdrv json "$WORK/audit.json" since_init.paid_vends)"

simdrv set DOOR pull-up >/dev/null || fail "simdrv set DOOR pull-up failed"
wait_status sales.service false
wait_status coin.inhibit false
wait_status credit 100
wait_screen "Credit 1.00 | Make a selection"

# Opened during a vend: it finishes and sells; then service mode.
coin 5				# 1.50
wait_status credit 150
press SELECT_A
( SIMDRV_POLL_US=2000 simdrv wait ARM 1 5000 >/dev/null &&
  simdrv set DOOR pull-down >/dev/null && usleep 100000 &&
  simdrv pulse DROP 60 ) >>"$WORK/drop" 2>&1 &
DROP_PID=$!
press VEND
wait_drop
wait_status vend_pending false 10000
wait_status counters.paid_vends 1
wait_status credit 0
wait_status sales.service true
simdrv set DOOR pull-up >/dev/null
wait_status sales.service false

# The command, for machines without a switch; kept over a restart.
vendctl -s "$VENDD_SOCK" service on >"$WORK/svc.out" 2>&1 ||
	fail "vendctl service on failed: $(cat "$WORK/svc.out")"
wait_status sales.service true
wait_status coin.inhibit true
vendd_stop >/dev/null
vendd_restart
wait_status sales.service true
vendctl -s "$VENDD_SOCK" service off >"$WORK/svc.out" 2>&1 ||
	fail "vendctl service off failed: $(cat "$WORK/svc.out")"
wait_status sales.service false
wait_status coin.inhibit false

# The stream has each change with its time.
vendctl -s "$VENDD_SOCK" events --json >"$WORK/events" 2>&1 ||
	fail "vendctl events failed: $(tail -n 2 "$WORK/events")"
n=$(grep -c "\"event\":\"service\"" "$WORK/events")
[ "$n" -ge 6 ] || fail "expected 6 service events (the door opened and closed twice, service on and off), saw $n: $(grep service "$WORK/events" | tr '\n' ' ')"
grep '"event":"service"' "$WORK/events" | grep '"by":"door"' | grep -q '"on":true' ||
	fail "expected a door opening in the events"
grep '"event":"service"' "$WORK/events" | grep -q '"time":"20[0-9][0-9]-' ||
	fail "expected the service events to carry their time"
grep -q '"event":"test_vend"' "$WORK/events" ||
	fail "expected the test vend in the events"
pass
