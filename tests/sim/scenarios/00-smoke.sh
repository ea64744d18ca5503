#!/bin/sh
# 00-smoke: the harness itself. Through the kernel's GPIO character device
# (libgpiod v2 tools), without vendd:
#   - the sim chip is the vendd board (label, 28 lines, names, idle levels);
#   - simdrv pull changes (a coin train, a button press) arrive as edges;
#   - an output set by gpioset shows in sim_gpioN/value, and `simdrv watch`
#     measures a relay pulse.
. /vendd/tests/sim/lib.sh

# wait_consumer LINE CONSUMER: until gpioinfo shows LINE used by CONSUMER (3 s).
wait_consumer() {
	deadline=$(($(now_ms) + 3000))
	until gpioinfo "$1" 2>/dev/null | grep -q "consumer=\"*$2"; do
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "expected $1 in use by $2, saw $(gpioinfo "$1" 2>&1)"
		usleep 10000
	done
}

# wait_exit PID MS: until the process is gone; 1 if it is still running.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ "$i" -lt "$(($2 / 10))" ] || return 1
		usleep 10000
		i=$((i + 1))
	done
	wait "$1"
	return 0
}

# The chip is the board.
gpiodetect >"$WORK/detect" 2>&1
grep -q '\[vendd-sim\] (28 lines)' "$WORK/detect" ||
	fail "expected a chip [vendd-sim] (28 lines), saw $(cat "$WORK/detect")"
expect_eq "name of line 17" '"COIN"' "$(gpioinfo -c "$(sim_chip)" 17 |
	awk '{ print $3 }')"
expect_eq "VEND idle level (pull-up)" 1 "$(gpioget --numeric VEND)"
expect_eq "SELECT_D idle level (pull-up)" 1 "$(gpioget --numeric SELECT_D)"
expect_eq "COIN idle level (pull-down)" 0 "$(gpioget --numeric COIN)"
expect_eq "DROP idle level (pull-down)" 0 "$(gpioget --numeric DROP)"

# A coin train: three rising edges on the character device.
gpiomon -C smoke -e rising -n 3 COIN >"$WORK/mon-coin" 2>&1 &
mon=$!
wait_consumer COIN smoke
simdrv coin COIN 3 30 30 >"$WORK/coin" || fail "simdrv coin failed"
wait_exit "$mon" 2000 || { kill "$mon"; fail "expected 3 rising edges on COIN, saw $(grep -c rising "$WORK/mon-coin")"; }
expect_eq "rising edges on COIN" 3 "$(grep -c rising "$WORK/mon-coin")"

# A button press: falling (pressed) then rising (released).
gpiomon -C smoke -n 2 VEND >"$WORK/mon-vend" 2>&1 &
mon=$!
wait_consumer VEND smoke
simdrv press VEND 30 >"$WORK/press" || fail "simdrv press failed"
wait_exit "$mon" 2000 || { kill "$mon"; fail "expected 2 edges on VEND, saw: $(cat "$WORK/mon-vend")"; }
expect_eq "VEND edges" "falling rising" "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }' "$WORK/mon-vend")"

# An output driven through the character device shows in sim_gpioN/value.
gpioset -C smoke COMPRESSOR=1 &
set=$!
simdrv wait COMPRESSOR 1 3000 >"$WORK/wait-on" ||
	{ kill "$set"; fail "expected COMPRESSOR value 1 after gpioset, saw $(simdrv get COMPRESSOR)"; }
expect_eq "$(line_dir COMPRESSOR)/value" 1 "$(cat "$(line_dir COMPRESSOR)/value")"
kill "$set"
wait "$set" 2>/dev/null
simdrv wait COMPRESSOR 0 3000 >"$WORK/wait-off" ||
	fail "expected COMPRESSOR back to 0 after gpioset exited, saw $(simdrv get COMPRESSOR)"

# simdrv watch measures one 300 ms relay pulse.
simdrv watch ARM 1500 >"$WORK/watch" &
watch=$!
usleep 100000
gpioset -C smoke -t 300,0 ARM=1 &
set=$!
wait_exit "$watch" 5000 || fail "simdrv watch did not end"
kill "$set" 2>/dev/null
wait "$set" 2>/dev/null
summary=$(tail -n 1 "$WORK/watch")
expect_eq "ARM pulses seen by simdrv watch ($summary)" 1 "$(watch_pulses "$WORK/watch" ARM)"
# gpioset's own timer sets the width: generous upper bound for a loaded host.
expect_pulse_widths "an ARM pulse of about 300 ms ($summary)" "$WORK/watch" ARM 280 800

pass
