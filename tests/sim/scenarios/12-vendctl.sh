#!/bin/sh
# 12-vendctl: `vendctl status` prints a readable table (credit with currency,
# products with label, price, stock); `vendctl restock` sets a count, fills
# to capacity, and puts an out-of-order column back.
. /vendd/tests/sim/lib.sh

vendd_start_fast arm.drop_timeout_ms=200 arm.retries=0
coin 10
wait_status credit 100
vendctl -s "$VENDD_SOCK" status >"$WORK/table" 2>&1 || fail "vendctl status failed: $(cat "$WORK/table")"
for want in "credit:      1.00 EUR" "Cola 0.33l" "Orange juice 0.33l" "10/10" "1.50" "compressor:" "temperature: 4.0 C"; do
	grep -qF "$want" "$WORK/table" || fail "expected '$want' in vendctl status, saw: $(tr '\n' '|' <"$WORK/table")"
done

vendctl -s "$VENDD_SOCK" restock tea 3 >"$WORK/restock" 2>&1 || fail "vendctl restock tea 3 failed: $(cat "$WORK/restock")"
wait_status products.id=tea.stock 3
vendctl -s "$VENDD_SOCK" restock tea >"$WORK/restock" 2>&1 || fail "vendctl restock tea failed: $(cat "$WORK/restock")"
wait_status products.id=tea.stock 10
vendctl -s "$VENDD_SOCK" restock nosuch 1 >"$WORK/restock-bad" 2>&1 &&
	fail "expected vendctl restock of an unknown product to fail, saw success: $(cat "$WORK/restock-bad")"
grep -q nosuch "$WORK/restock-bad" || fail "expected the error to name 'nosuch', saw: $(cat "$WORK/restock-bad")"

# A failed vend (no drop, no retries) puts water out of order; restock clears it.
press SELECT_B
press VEND
wait_status products.id=water.state out_of_order
vendctl -s "$VENDD_SOCK" status >"$WORK/table2" 2>&1
grep -qi "out.of.order" "$WORK/table2" || fail "expected 'out of order' in vendctl status, saw: $(tr '\n' '|' <"$WORK/table2")"
vendctl -s "$VENDD_SOCK" restock water >/dev/null 2>&1 || fail "vendctl restock water failed"
wait_status products.id=water.state ok
pass
