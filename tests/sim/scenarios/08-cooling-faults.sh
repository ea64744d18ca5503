#!/bin/sh
# 08-cooling-faults: a missing sensor, garbage, the DS18B20's power-on 85000
# and an out-of-range value, once COOLING_FAULT_SAMPLES (3) bad samples came
# in a row, run the fault duty cycle (the compressor starts though the last
# good reading was cold) and count in sensor_faults; a good reading resumes
# the thermostat, which stops it again.
. /vendd/tests/sim/lib.sh

# setpoint 4 C, on at 6 C; 1 s samples, 3 s minimum on and off, 2 s duty.
sensor_set 3000
vendd_start_fast cooling.setpoint=4C cooling.differential=2C \
	cooling.fault_on_s=2 cooling.fault_off_s=2
wait_status cooling.temperature_mc 3000
expect_eq "COMPRESSOR at 3.0 C" 0 "$(simdrv get COMPRESSOR)"

# fault_case SENSOR_STATE N [duty]: the sensor went bad: fault mode, the N-th
# sensor fault (with duty: the duty cycle starts the compressor); then 3.0 C
# resumes the thermostat (with duty: which stops the compressor).
fault_case() {
	wait_status cooling.mode fault 8000
	status_refresh
	expect_eq "cooling.sensor" "$1" "$(status cooling.sensor)"
	expect_eq "cooling.temperature_mc in fault" null "$(status cooling.temperature_mc)"
	expect_eq "counters.sensor_faults" "$2" "$(status counters.sensor_faults)"
	if [ -n "${3:-}" ]; then
		simdrv wait COMPRESSOR 1 8000 >/dev/null ||
			fail "expected the fault duty cycle to start the compressor (last reading 3.0 C), saw off"
	fi
	sensor_set 3000
	wait_status cooling.mode thermostat 5000
	expect_eq "cooling.sensor after recovery" ok "$(status cooling.sensor)"
	expect_eq "cooling.temperature_mc after recovery" 3000 "$(status cooling.temperature_mc)"
	if [ -n "${3:-}" ]; then
		simdrv wait COMPRESSOR 0 8000 >/dev/null ||
			fail "expected the thermostat to stop the compressor at 3.0 C after recovery, saw on"
	fi
}

sensor_remove
fault_case missing 1 duty
echo garbage >"$SENSOR.tmp" && mv "$SENSOR.tmp" "$SENSOR"
fault_case garbage 2
sensor_set 85000
fault_case power_on 3
sensor_set 70000
fault_case out_of_range 4
pass
