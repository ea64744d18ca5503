#!/bin/sh
# watchdog: vendd (the test-hook build) under a fake service manager:
# NOTIFY_SOCKET is crashdrv notify-listen, WATCHDOG_USEC=2000000. It must
# say READY=1 and feed WATCHDOG=1 about every second; when the sales
# activity stops answering (VENDD_TEST_HANG=sales:FILE, FILE created), the
# feeding stops and vendd exits non-zero within 2-3 intervals, relays and
# slots off, the acceptor blocked (the board's pull-up on COIN_INHIBIT holds
# it active once vendd lets go, as README's wiring asks).
. /vendd/tests/sim/lib.sh
. /vendd/tests/crash/crashlib.sh

NOTIFY=$WORK/notify.sock
HANG=$WORK/hang
crashdrv notify-listen "$NOTIFY" >"$WORK/notify.log" 2>&1 &
listener=$!
trap 'kill "$listener" 2>/dev/null; vendd_kill9' EXIT
# The board's pull resistor on the inhibit input.
simdrv set COIN_INHIBIT pull-up
mkdir -p "$VENDD_STATE"
cr_config
usleep 200000
# The service manager's environment, for vendd (the tools ignore it).
export NOTIFY_SOCKET="$NOTIFY" WATCHDOG_USEC=2000000 VENDD_TEST_HANG="sales:$HANG"
vendd_restart "$CR_START_MS"
# Let it feed a few times, with a coin and a relay off.
simdrv coin COIN 10 20 30 >/dev/null
wait_status credit 100 5000
usleep 3500000
grep -q ' READY=1' "$WORK/notify.log" || fail "no READY=1: $(cat "$WORK/notify.log")"
fed=$(grep -c ' WATCHDOG=1$' "$WORK/notify.log")
[ "$fed" -ge 2 ] || fail "expected WATCHDOG=1 every second, saw $fed: $(cat "$WORK/notify.log")"
expect_eq "COIN_INHIBIT while selling" 0 "$(simdrv get COIN_INHIBIT)"

t0=$(now_ms)
touch "$HANG"
pid_gone "$VENDD_PID" 10000 ||
	fail "vendd still running 10 s after sales stopped answering"
wait "$VENDD_PID"
rc=$?
VENDD_PID=
t1=$(now_ms)
echo "watchdog: vendd exited $rc after $((t1 - t0)) ms; notify log:"
sed 's/^/  | /' "$WORK/notify.log"
tail -n 4 "$VENDD_LOG" | sed 's/^/  | /'
[ "$rc" != 0 ] || fail "vendd exited 0 after a hang"
last_feed=$(grep ' WATCHDOG=1$' "$WORK/notify.log" | tail -n 1 | cut -d' ' -f1)
# Fed at most once more (the round answered before the hang); the exit
# within 3 intervals (6 s, and slack for the emulated guest).
[ "$((t1 - t0))" -le 7000 ] || fail "vendd took $((t1 - t0)) ms to give up (want <= 3 intervals)"
[ "$last_feed" -le "$((t0 + 2500))" ] || fail "WATCHDOG=1 at $last_feed, after the hang at $t0"
for l in ARM COMPRESSOR SLOT_A SLOT_B SLOT_C SLOT_D; do
	expect_eq "$l after the watchdog exit" 0 "$(simdrv get "$l")"
done
expect_eq "COIN_INHIBIT after the watchdog exit (blocked)" 1 "$(simdrv get COIN_INHIBIT)"
grep -q 'stopped answering' "$VENDD_LOG" || fail "no 'stopped answering' in vendd's log"
echo "watchdog: fed $fed times, READY=1 seen, exit $rc $((t1 - t0)) ms after the hang"
simdrv set COIN_INHIBIT pull-down
pass
