#!/bin/sh
# 09-startup-errors: vendd refuses to start, non-zero and with a message an
# operator can act on, for an unknown line name (named, with the chip's lines
# listed), a chip that does not exist (CHIP:OFFSET), a broken config line
# (FILE:LINE:), one physical line named two ways (both keys' FILE:LINE, in
# --check too), a state_dir whose parent does not exist or that cannot be
# written (the key's FILE:LINE, nothing created, no socket left), and a
# control socket path taken by a file. `vendd --check` on the good config
# prints the resolved lines and exits 0.
. /vendd/tests/sim/lib.sh

mkdir -p "$WORK/state"
echo 4000 >"$SENSOR"
base="vendd.state_dir=$WORK/state vendd.control_socket=$VENDD_SOCK cooling.sensor=$SENSOR"

# try NAME CONFIG: run vendd on CONFIG (5 s at most); $rc, $WORK/NAME.err.
try() {
	vendd -c "$2" >"$WORK/$1.out" 2>"$WORK/$1.err" &
	pid=$!
	if ! pid_gone "$pid" 5000; then
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

# One physical line named two ways: by name for cola, by CHIP:OFFSET for
# water (SELECT_A is offset 5), and the compressor on the coin input's
# offset. Both uses are named with their FILE:LINE, at start and in --check.
chip=$(sim_chip)
# shellcheck disable=SC2086
make_config "$WORK/twice.ini" $base "product water.select_line=$chip:5"
try "one line named two ways" "$WORK/twice.ini"
expect_eq "exit status for a line used twice" 78 "$rc"
l1=$(grep -n '^select_line = SELECT_A' "$WORK/twice.ini" | cut -d: -f1)
l2=$(grep -n "^select_line = $chip:5" "$WORK/twice.ini" | cut -d: -f1)
for want in "$WORK/twice.ini:$l2: [product water] select_line" "$chip:5" \
    "is the same line as SELECT_A ([product cola] select_line, line $l1)"; do
	case $err in
	*"$want"*) ;;
	*) fail "expected the line-used-twice message to contain '$want', saw: $err" ;;
	esac
done
vendd -c "$WORK/twice.ini" --check >"$WORK/twice.out" 2>"$WORK/twice.err"
expect_eq "--check exit status for a line used twice" 78 "$?"
grep -q "$WORK/twice.ini:$l2:" "$WORK/twice.err" ||
	fail "expected --check to name $WORK/twice.ini:$l2, saw: $(cat "$WORK/twice.err")"
# shellcheck disable=SC2086
make_config "$WORK/twice2.ini" $base "cooling.compressor_line=$chip:17"
try "the compressor on the coin line" "$WORK/twice2.ini"
case $err in
*"[cooling] compressor_line: $chip:17 is the same line as COIN ([coin] line, line "*) ;;
*) fail "expected the compressor-on-COIN message, saw: $err" ;;
esac

# A state_dir whose parent does not exist (a typo): refused with the key's
# FILE:LINE, nothing created.
# shellcheck disable=SC2086
make_config "$WORK/typo.ini" $base "vendd.state_dir=$WORK/no-such-dir/state"
try "a state_dir whose parent does not exist" "$WORK/typo.ini"
expect_eq "exit status for a missing parent" 78 "$rc"
l=$(grep -n '^state_dir' "$WORK/typo.ini" | cut -d: -f1)
case $err in
*"$WORK/typo.ini:$l: [vendd] state_dir"*) ;;
*) fail "expected $WORK/typo.ini:$l: [vendd] state_dir in the message, saw: $err" ;;
esac
[ ! -e "$WORK/no-such-dir" ] || fail "expected nothing created for the typo"
[ ! -e "$VENDD_SOCK" ] || fail "expected no control socket left by the refused start"

# A state directory that cannot be written (a read-only filesystem, as a
# failing SD card is remounted): refused, no socket left behind.
mkdir -p "$WORK/ro"
mount -t tmpfs -o size=1m tmpfs "$WORK/ro" && mkdir "$WORK/ro/state" &&
	mount -o remount,ro "$WORK/ro" || fail "cannot make a read-only state dir"
# shellcheck disable=SC2086
make_config "$WORK/ro.ini" $base "vendd.state_dir=$WORK/ro/state"
try "a read-only state directory" "$WORK/ro.ini"
umount "$WORK/ro"
case $err in
*"$WORK/ro/state"*) ;;
*) fail "expected the read-only message to name $WORK/ro/state, saw: $err" ;;
esac
[ ! -e "$VENDD_SOCK" ] || fail "expected no control socket left by the read-only start"

# A control socket in a directory that does not exist (a typo): refused,
# naming the key and the directory.
# shellcheck disable=SC2086
make_config "$WORK/nodir.ini" $base "vendd.control_socket=$WORK/no-such-dir/vendd.sock"
try "a control socket in a missing directory" "$WORK/nodir.ini"
expect_eq "exit status for the socket's missing directory" 78 "$rc"
case $err in
*"control_socket"*"$WORK/no-such-dir: "*) ;;
*) fail "expected the message to name control_socket and $WORK/no-such-dir, saw: $err" ;;
esac

# A control socket path taken by a file: refused, the file left alone.
# shellcheck disable=SC2086
make_config "$WORK/nosock.ini" $base "vendd.control_socket=$WORK/not-a-socket"
echo "an operator's notes" >"$WORK/not-a-socket"
try "a control socket path taken by a file" "$WORK/nosock.ini"
expect_eq "exit status for the control socket" 78 "$rc"
case $err in
*"$WORK/not-a-socket: exists and is not a socket"*) ;;
*) fail "expected the message to name $WORK/not-a-socket, saw: $err" ;;
esac
expect_eq "the file at the socket's path" "an operator's notes" "$(cat "$WORK/not-a-socket")"

# Every refusal so far happened before the ledger: they wrote nothing.
left=$(ls -A "$WORK/state")
[ -z "$left" ] || fail "expected the refusals to leave $WORK/state empty, saw: $left"

# No relay may have moved during the refusals.
for relay in ARM COMPRESSOR SLOT_A SLOT_B SLOT_C SLOT_D; do
	expect_eq "$relay after the refusals" 0 "$(simdrv get "$relay")"
done

# shellcheck disable=SC2086
make_config "$WORK/good.ini" $base service.door_line=DOOR panel.return_line=RETURN
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
