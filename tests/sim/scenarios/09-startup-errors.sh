#!/bin/sh
# 09-startup-errors: vendd refuses to start, non-zero and with a message an
# operator can act on, for an unknown line name (named, with the chip's lines
# listed), a chip that does not exist (CHIP:OFFSET), a broken config line
# (FILE:LINE:) and a control socket path taken by a file, writing nothing to
# the state directory. `vendd --check` on
# the good config prints the resolved lines and exits 0.
. /vendd/tests/sim/lib.sh

mkdir -p "$WORK/state"
echo 4000 >"$SENSOR"
base="vendd.state_dir=$WORK/state vendd.control_socket=$VENDD_SOCK cooling.sensor=$SENSOR"

# try NAME CONFIG: run vendd on CONFIG (5 s at most); $rc, $WORK/NAME.err.
try() {
	vendd -c "$2" >"$WORK/$1.out" 2>"$WORK/$1.err" &
	pid=$!
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		usleep 100000
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid"
		fail "expected vendd to refuse $1 and exit, saw it running: $(head -c 300 "$WORK/$1.err")"
	fi
	wait "$pid"
	rc=$?
	[ "$rc" != 0 ] || fail "expected a non-zero exit for $1, saw 0: $(head -c 300 "$WORK/$1.err")"
	err=$(tr '\n' ' ' <"$WORK/$1.err")
}

# shellcheck disable=SC2086 # $base is a list of overrides
make_config "$WORK/unknown.ini" $base coin.line=COINZ
try "an unknown line" "$WORK/unknown.ini"
for want in COINZ COIN_INHIBIT SELECT_A COMPRESSOR "$WORK/unknown.ini:"; do
	case $err in
	*"$want"*) ;;
	*) fail "expected the unknown-line message to contain '$want', saw: $err" ;;
	esac
done

# shellcheck disable=SC2086
make_config "$WORK/nochip.ini" $base arm.relay_line=gpiochip9:23
try "a missing chip" "$WORK/nochip.ini"
case $err in
*gpiochip9*) ;;
*) fail "expected the missing-chip message to name gpiochip9, saw: $err" ;;
esac

# shellcheck disable=SC2086
make_config "$WORK/broken.ini" $base
echo 'run_ms 1500' >>"$WORK/broken.ini"	# no '='
line=$(wc -l <"$WORK/broken.ini")
try "a broken config line" "$WORK/broken.ini"
case $err in
*"$WORK/broken.ini:$line:"*) ;;
*) fail "expected the message to start with $WORK/broken.ini:$line:, saw: $err" ;;
esac

# A control socket that cannot be bound (a file is in its place), with good
# wiring: control binds once the lines are held, and its refusal stops the
# start before the ledger writes (and leaves the file alone).
# shellcheck disable=SC2086
make_config "$WORK/nosock.ini" $base "vendd.control_socket=$WORK/not-a-socket"
echo "an operator's notes" >"$WORK/not-a-socket"
try "a control socket path taken by a file" "$WORK/nosock.ini"
expect_eq "exit status for the control socket" 1 "$rc"
case $err in
*"$WORK/not-a-socket: exists and is not a socket"*) ;;
*) fail "expected the message to name $WORK/not-a-socket, saw: $err" ;;
esac
expect_eq "the file at the socket's path" "an operator's notes" "$(cat "$WORK/not-a-socket")"

# A refused start writes nothing: the ledger thread reads its state while
# the lines are requested, and commits only once they are held.
left=$(ls -A "$WORK/state")
[ -z "$left" ] || fail "expected the refusals to leave $WORK/state empty, saw: $left"

# No relay may have moved during the refusals.
for relay in ARM COMPRESSOR SLOT_A SLOT_B SLOT_C SLOT_D; do
	expect_eq "$relay after the refusals" 0 "$(simdrv get "$relay")"
done

# shellcheck disable=SC2086
make_config "$WORK/good.ini" $base
vendd -c "$WORK/good.ini" --check >"$WORK/check.out" 2>"$WORK/check.err"
rc=$?
expect_eq "vendd --check exit status (stderr: $(head -c 200 "$WORK/check.err"))" 0 "$rc"
chip=/dev/$(sim_chip)
grep -qE "COIN -> $chip \[vendd-sim\] offset 17" "$WORK/check.out" ||
	fail "expected --check to print 'COIN -> $chip [vendd-sim] offset 17', saw: $(grep COIN "$WORK/check.out" | head -n 2 | tr '\n' ' ')"
grep -qE "COMPRESSOR -> $chip \[vendd-sim\] offset 20" "$WORK/check.out" ||
	fail "expected --check to print 'COMPRESSOR -> $chip [vendd-sim] offset 20', saw: $(grep COMPRESSOR "$WORK/check.out" | tr '\n' ' ')"
expect_eq "resolved lines in --check" "$(grep -cE '^[A-Z]' "$BOARD")" "$(grep -c " -> $chip \[vendd-sim\] offset " "$WORK/check.out")"
grep -q "$WORK/good.ini: OK" "$WORK/check.out" || fail "expected '$WORK/good.ini: OK' from --check, saw: $(tail -n 1 "$WORK/check.out")"
pass
