#!/bin/sh
# 01-lifecycle: vendd starts on the sim board holding every board line as
# consumer "vendd" (the door switch and the return button wired too),
# answers status, counts a coin, and on SIGTERM exits 0 with all relays off
# and the lines released.
. /vendd/tests/sim/lib.sh

vendd_start cooling.start_delay_s=0 service.door_line=DOOR panel.return_line=RETURN
held=$(gpioinfo -c "$(sim_chip)" | grep -c 'consumer="vendd"')
expect_eq "board lines held by vendd" "$(grep -cE '^[A-Z]' "$BOARD")" "$held"
status_refresh
expect_eq "credit at start" 0 "$(status credit)"
expect_eq "counters.startups" 1 "$(status counters.startups)"
expect_eq "cooling.sensor" ok "$(status cooling.sensor)"
expect_eq "cooling.temperature_mc" 4000 "$(status cooling.temperature_mc)"

simdrv coin COIN 10 50 50 >"$WORK/coin"
wait_status credit 100 3000

vendd_stop
rc=$?
expect_eq "vendd exit status after SIGTERM" 0 "$rc"
for relay in ARM COMPRESSOR COIN_INHIBIT SLOT_A SLOT_B SLOT_C SLOT_D; do
	expect_eq "$relay after stop" 0 "$(simdrv get "$relay")"
done
expect_eq "lines held after stop" 0 "$(gpioinfo -c "$(sim_chip)" | grep -c 'consumer="vendd"')"
pass
