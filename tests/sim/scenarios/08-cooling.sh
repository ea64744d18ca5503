#!/bin/sh
# 08-cooling: the compressor follows the sensor file with hysteresis (on at
# setpoint + differential, off at the setpoint), and never runs less than
# min_on_s nor rests less than min_off_s however fast the temperature swings.
# (Sensor faults: 08-cooling-faults.)
. /vendd/tests/sim/lib.sh

# setpoint 4 C, on at 6 C; 1 s samples, 3 s minimum on and off, 2 s duty.
sensor_set 5000
vendd_start_fast cooling.setpoint=4C cooling.differential=2C \
	cooling.fault_on_s=2 cooling.fault_off_s=2
usleep 1500000
expect_eq "COMPRESSOR at 5.0 C (inside the band, starting off)" 0 "$(simdrv get COMPRESSOR)"

# Fast swings: on at 7 C, 3 C at once (must run min_on_s), 8 C at once after
# the stop (must rest min_off_s), then 5 C (inside the band: stays on).
watch_start "$WORK/watch" COMPRESSOR
sensor_set 7000
simdrv wait COMPRESSOR 1 5000 >/dev/null || fail "expected COMPRESSOR on at 7.0 C within 5 s, saw off"
sensor_set 3000
simdrv wait COMPRESSOR 0 10000 >/dev/null || fail "expected COMPRESSOR off at 3.0 C within 10 s, saw on"
sensor_set 8000
simdrv wait COMPRESSOR 1 10000 >/dev/null || fail "expected COMPRESSOR on again at 8.0 C within 10 s, saw off"
sensor_set 5000
usleep 3500000
expect_eq "COMPRESSOR at 5.0 C after running (inside the band, stays on)" 1 "$(simdrv get COMPRESSOR)"
sensor_set 3000
simdrv wait COMPRESSOR 0 5000 >/dev/null || fail "expected COMPRESSOR off at 3.0 C within 5 s, saw on"
watch_end
w=$WORK/watch
on1=$(watch_edge_ms "$w" COMPRESSOR 1 1) off1=$(watch_edge_ms "$w" COMPRESSOR 0 1)
on2=$(watch_edge_ms "$w" COMPRESSOR 1 2)
[ -n "$on1" ] && [ -n "$off1" ] && [ -n "$on2" ] || fail "expected two compressor runs, saw: $(tr '\n' ' ' <"$w")"
expect_range "first run (min_on_s 3, cut at once by 3.0 C), ms" 2900 6000 $((off1 - on1))
expect_range "rest before the restart (min_off_s 3, 8.0 C at once), ms" 2900 6000 $((on2 - off1))
status_refresh
expect_eq "counters.compressor_starts" 2 "$(status counters.compressor_starts)"
expect_eq "cooling.mode" thermostat "$(status cooling.mode)"
expect_eq "counters.sensor_faults" 0 "$(status counters.sensor_faults)"
pass

