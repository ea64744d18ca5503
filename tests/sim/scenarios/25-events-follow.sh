#!/bin/sh
# 25-events-follow: vendctl events --follow --json streams what happens as
# it happens; a reader interrupted mid-session and resumed with --since
# (its last id) misses nothing and repeats nothing: its two parts together
# are exactly the stream read whole afterwards, ids contiguous.
. /vendd/tests/sim/lib.sh

vendd_start_fast
vendctl -s "$VENDD_SOCK" events --follow --json >"$WORK/part1" 2>"$WORK/part1.err" &
F1=$!
coin 10
wait_status credit 100
i=0
until grep -q '"event":"coin"' "$WORK/part1"; do
	[ $i -lt 60 ] || fail "expected the coin in the followed stream within 3 s, saw: $(cat "$WORK/part1")"
	i=$((i + 1))
	usleep 50000
done
coin 5
wait_status credit 150
usleep 300000
kill -INT "$F1"
wait "$F1"
rc=$?
expect_eq "vendctl events --follow exit on SIGINT" 0 "$rc"
last=$(tail -n 1 "$WORK/part1" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$last" ] || fail "expected an id on the stream's last line, saw: $(tail -n 1 "$WORK/part1")"

# while nobody reads: a sale, a price, a collection
press SELECT_A
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false 10000
vendctl -s "$VENDD_SOCK" price water 1.10 >/dev/null 2>&1 || fail "vendctl price failed"
vendctl -s "$VENDD_SOCK" collect >/dev/null 2>&1 || fail "vendctl collect failed"

vendctl -s "$VENDD_SOCK" events --since "$last" --follow --json >"$WORK/part2" 2>"$WORK/part2.err" &
F2=$!
coin 10				# while it follows again
wait_status credit 100
i=0
until [ "$(grep -c '"event":"coin"' "$WORK/part2")" -ge 1 ]; do
	[ $i -lt 60 ] || fail "expected the coin after the resume, saw: $(cat "$WORK/part2")"
	i=$((i + 1))
	usleep 50000
done
usleep 300000
kill -INT "$F2"
wait "$F2"

vendctl -s "$VENDD_SOCK" events --json >"$WORK/whole" 2>&1 || fail "vendctl events failed: $(cat "$WORK/whole")"
cat "$WORK/part1" "$WORK/part2" >"$WORK/parts"
if ! cmp -s "$WORK/parts" "$WORK/whole"; then
	fail "expected the two parts to be the whole stream; parts $(wc -l <"$WORK/parts") lines, whole $(wc -l <"$WORK/whole"): $(diff "$WORK/parts" "$WORK/whole" | head -n 6 | tr '\n' '|')"
fi
# ids contiguous from 1
n=0
for id in $(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$WORK/whole"); do
	n=$((n + 1))
	expect_eq "event id number $n" "$n" "$id"
done
for want in '"event":"start"' '"event":"sale"' '"event":"price"' '"event":"collect"' '"product":"cola"'; do
	grep -q "$want" "$WORK/whole" || fail "expected $want in the stream"
done
pass
