#!/bin/sh
# 24-collect-audit: a cash collection reports what should be in the box and
# starts again from zero (the lifetime cash in stays); vendctl audit --dex
# writes an EVA-DTS report (DXS..DXE, CRLF lines, SE's count, ID1 from
# [vendd], VA1 with lifetime and since-reset sales, PA1/PA2 per product);
# --reset, read twice, shows zero since-reset sales the second time and the
# lifetime ones unchanged.
. /vendd/tests/sim/lib.sh

vendd_start_fast vendd.serial=VM-0042 vendd.model=SIM-4
coin 20				# 2.00
coin 10				# 3.00
wait_status credit 300
press SELECT_A			# cola 1.50
drop_after_arm 100
press VEND
wait_drop
wait_status vend_pending false 10000
wait_status credit 150

vendctl -s "$VENDD_SOCK" collect >"$WORK/collect.out" 2>&1 ||
	fail "vendctl collect failed: $(cat "$WORK/collect.out")"
grep -q "3.00 EUR" "$WORK/collect.out" || fail "expected 3.00 EUR collected, saw: $(cat "$WORK/collect.out")"
grep -q "1.50 EUR" "$WORK/collect.out" || fail "expected the 1.50 EUR credit named, saw: $(cat "$WORK/collect.out")"
coin 5
wait_status credit 200
vendctl -s "$VENDD_SOCK" collect >"$WORK/collect.out" 2>&1 || fail "second vendctl collect failed"
grep -q "0.50 EUR" "$WORK/collect.out" || fail "expected 0.50 EUR collected the second time, saw: $(cat "$WORK/collect.out")"
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
expect_eq "lifetime cash in" 350 "$(simdrv json "$WORK/audit.json" since_init.cash_in)"
expect_eq "cash in the box" 0 "$(simdrv json "$WORK/audit.json" cash_in_box)"
expect_eq "collections" 2 "$(simdrv json "$WORK/audit.json" collections)"

# dex_check FILE: the report's frame as the standard wants it.
dex_check() {
	head -n 1 "$1" | grep -q '^DXS\*' || fail "expected DXS first, saw: $(head -n 1 "$1")"
	tail -n 1 "$1" | grep -q '^DXE\*1\*1' || fail "expected DXE*1*1 last, saw: $(tail -n 1 "$1")"
	lines=$(wc -l <"$1")
	crlf=$(grep -c "$(printf '\r')\$" "$1")
	expect_eq "CRLF lines of the report" "$lines" "$crlf"
	st=$(grep -n '^ST\*' "$1" | cut -d: -f1)
	se=$(grep -n '^SE\*' "$1" | cut -d: -f1)
	count=$(grep '^SE\*' "$1" | cut -d'*' -f2)
	expect_eq "SE's line count" "$((se - st + 1))" "$count"
	grep -q "^ID1\*VM-0042\*SIM-4" "$1" || fail "expected ID1*VM-0042*SIM-4, saw: $(grep '^ID1' "$1")"
	grep -q '^G85\*[0-9A-F]\{4\}' "$1" || fail "expected a G85 CRC, saw: $(grep '^G85' "$1")"
	grep -q '^PA1\*11\*150' "$1" || fail "expected PA1*11*150 for cola, saw: $(grep '^PA1' "$1" | tr '\r\n' '  ')"
}

vendctl -s "$VENDD_SOCK" audit --dex --reset >"$WORK/dex1" 2>"$WORK/dex1.err" ||
	fail "vendctl audit --dex --reset failed: $(cat "$WORK/dex1.err")"
dex_check "$WORK/dex1"
va1=$(grep '^VA1\*' "$WORK/dex1" | tr -d '\r')
expect_eq "VA1 of the first read" "VA1*150*1*150*1" "$va1"
grep -q "reset" "$WORK/dex1.err" || fail "expected the reset said on stderr, saw: $(cat "$WORK/dex1.err")"

vendctl -s "$VENDD_SOCK" audit --dex --reset >"$WORK/dex2" 2>"$WORK/dex2.err" ||
	fail "the second vendctl audit --dex --reset failed: $(cat "$WORK/dex2.err")"
dex_check "$WORK/dex2"
va1=$(grep '^VA1\*' "$WORK/dex2" | tr -d '\r')
expect_eq "VA1 of the second read" "VA1*150*1*0*0" "$va1"
pa2=$(grep -A1 '^PA1\*11\*' "$WORK/dex2" | grep '^PA2' | tr -d '\r')
expect_eq "cola's PA2 of the second read" "PA2*1*150*0*0" "$pa2"
vendd_stop >/dev/null
vendd_restart
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
expect_eq "since-reset sales after a restart" 0 "$(simdrv json "$WORK/audit.json" since_reset.paid_vends)"
expect_eq "lifetime sales after a restart" 1 "$(simdrv json "$WORK/audit.json" since_init.paid_vends)"
pass
