#!/bin/sh
# 13-operator-group: the service's group _vendd owns the GPIO chips and the
# state; the operators' group vendd-operators opens the control socket and
# nothing else. vendd runs as _vendd (a member of vendd-operators, as the
# package makes it) on a chip given to _vendd as the package's udev rule
# gives it. A member of vendd-operators restocks through vendctl, answered
# once the refill is durable, and cannot open a GPIO chip; a user in neither
# group reads the status and the audit (the socket is 0666) and is refused
# every change: restock, fill, price, collect, service, test-vend and the
# audit's reset; a control_group that does
# not exist stops the start with the key's FILE:LINE and exit status 78,
# whatever uid vendd runs as.
. /vendd/tests/sim/lib.sh

rule=$VENDD_ROOT/gpio/60-vendd-gpio.rules
# the rule's GPIO line (it also gives the keypad and the LCD to _vendd)
group=$(sed -n '/SUBSYSTEM=="gpio"/s/.*GROUP="\([^"]*\)".*/\1/p' "$rule")
mode=$(sed -n '/SUBSYSTEM=="gpio"/s/.*MODE="\([^"]*\)".*/\1/p' "$rule")
expect_eq "the udev rule's group" _vendd "$group"
chip=/dev/$(sim_chip)
chgrp "$group" "$chip" && chmod "$mode" "$chip" || fail "cannot apply the rule to $chip"

# as USER CMD...: run CMD as USER with the groups /etc/group gives USER.
as() {
	u=$1
	shift
	su -s /bin/sh "$u" -c "exec $*"
}

# The service's own files: the state directory and the socket's directory.
rundir=$WORK/run
mkdir -p "$VENDD_STATE" "$rundir"
chown 998:998 "$VENDD_STATE" "$rundir"
chmod 755 "$WORK"
echo 4000 >"$SENSOR"
chmod 644 "$SENSOR"
VENDD_SOCK=$rundir/control.sock
# shellcheck disable=SC2086 # FAST_CONFIG is a list of words
make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
	"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" $FAST_CONFIG
chmod 644 "$VENDD_CONF"
# su and the shell exec vendd, so $! is vendd's own pid (not a subshell's).
su -s /bin/sh _vendd -c "exec vendd -c $VENDD_CONF" 2>>"$VENDD_LOG" &
VENDD_PID=$!
vendd_wait_ready 10000
expect_eq "the socket's group" vendd-operators "$(stat -c %G "$VENDD_SOCK")"

# The operator restocks; the reply comes once the refill is durable.
as vendd-op "vendctl -s $VENDD_SOCK restock cola 4" >"$WORK/op.out" 2>&1 ||
	fail "expected vendd-op to restock cola, saw: $(cat "$WORK/op.out")"
status_refresh
expect_eq "cola stock after the operator's restock" 4 "$(status products.id=cola.stock)"
# ... and cannot touch the hardware.
as vendd-op "gpioget -c $(sim_chip) 0" >"$WORK/op-gpio.out" 2>&1 &&
	fail "expected vendd-op to be refused the GPIO chip, saw: $(cat "$WORK/op-gpio.out")"
grep -q -i "permission denied" "$WORK/op-gpio.out" ||
	fail "expected 'Permission denied' opening $chip as vendd-op, saw: $(cat "$WORK/op-gpio.out")"

# Someone in neither group: reads, and changes nothing.
as nobody-else "vendctl -s $VENDD_SOCK status" >"$WORK/other-status.out" 2>&1 ||
	fail "expected nobody-else to read the status, saw: $(cat "$WORK/other-status.out")"
as nobody-else "vendctl -s $VENDD_SOCK audit --dex" >"$WORK/other-dex.out" 2>&1 ||
	fail "expected nobody-else to read the audit, saw: $(cat "$WORK/other-dex.out")"
grep -q '^DXS\*' "$WORK/other-dex.out" ||
	fail "expected a DEX report for nobody-else, saw: $(head -c 200 "$WORK/other-dex.out")"
for req in "restock cola" "fill cola 3" "price cola 2.00" "collect" \
    "service on" "test-vend cola" "audit --dex --reset"; do
	as nobody-else "vendctl -s $VENDD_SOCK $req" >"$WORK/other.out" 2>&1 &&
		fail "expected nobody-else to be refused '$req', saw: $(cat "$WORK/other.out")"
	grep -q "permission denied" "$WORK/other.out" ||
		fail "expected 'permission denied' for nobody-else's '$req', saw: $(cat "$WORK/other.out")"
done
status_refresh
expect_eq "cola stock after the refused restock" 4 "$(status products.id=cola.stock)"
expect_eq "cola price after the refused price" 150 "$(status products.id=cola.price)"
expect_eq "service mode after the refused service on" false "$(status sales.service)"
vendd_stop >/dev/null

# A control_group that does not exist: a start-up error naming FILE:LINE,
# run as _vendd (not root) as in the package.
# shellcheck disable=SC2086
make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
	"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" $FAST_CONFIG \
	vendd.control_group=no-such-group
chmod 644 "$VENDD_CONF"
line=$(grep -n '^control_group' "$VENDD_CONF" | cut -d: -f1)
as _vendd vendd -c "$VENDD_CONF" >"$WORK/nogroup.out" 2>&1
rc=$?
expect_eq "exit status for a control_group that does not exist" 78 "$rc"
grep -q "$VENDD_CONF:$line: \[vendd\] control_group" "$WORK/nogroup.out" ||
	fail "expected $VENDD_CONF:$line: [vendd] control_group in the message, saw: $(cat "$WORK/nogroup.out")"
[ ! -e "$VENDD_SOCK" ] || fail "expected no socket left behind the refused start"

# An upgraded machine whose edited config still names the service's own
# group: vendd runs, leaves the socket to root alone, and says why.
# shellcheck disable=SC2086
make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
	"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" $FAST_CONFIG \
	vendd.control_group=_vendd
chmod 644 "$VENDD_CONF"
su -s /bin/sh _vendd -c "exec vendd -c $VENDD_CONF" 2>>"$VENDD_LOG" &
VENDD_PID=$!
vendd_wait_ready 10000
[ "$(log_count 'group "_vendd" also opens')" -ge 1 ] ||
	fail "expected a warning that _vendd also opens the GPIO chip"
as vendd-op "vendctl -s $VENDD_SOCK restock cola" >"$WORK/old.out" 2>&1 &&
	fail "expected vendd-op refused while control_group is _vendd, saw: $(cat "$WORK/old.out")"
vendctl -s "$VENDD_SOCK" restock cola >"$WORK/root.out" 2>&1 ||
	fail "expected root to restock, saw: $(cat "$WORK/root.out")"
pass
