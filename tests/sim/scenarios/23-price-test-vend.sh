#!/bin/sh
# 23-price-test-vend: vendctl price changes a price durably and at once: a
# product already selected shows and sells at the new price, the status
# shows it, a restart keeps it, --default brings the config's back; bad
# amounts get the config's own words. vendctl
# test-vend works in service mode only, moves stock and no money, is
# counted apart from sales, and puts a repaired column back in order.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
# shellcheck disable=SC2086 # DISPLAY_CONFIG is a list of words
vendd_start_fast $DISPLAY_CONFIG
wait_screen "Insert coins | No change given"

coin 20				# 2.00
wait_status credit 200
press SELECT_A			# cola at 1.50
wait_screen "Cola 0.33l 1.50 | Credit 2.00"
vendctl -s "$VENDD_SOCK" price cola 1.80 >"$WORK/price.out" 2>&1 ||
	fail "vendctl price cola 1.80 failed: $(cat "$WORK/price.out")"
grep -q "1.80" "$WORK/price.out" || fail "expected the new price in the reply, saw: $(cat "$WORK/price.out")"
wait_status products.id=cola.price 180
wait_screen "Cola 0.33l 1.80 | Credit 2.00"	# still chosen, new price
drop_after_arm 100
press VEND			# sells at 1.80
wait_drop
wait_status vend_pending false 10000
wait_status credit 20
wait_status counters.paid_value 180
coin 20				# 2.20
wait_status credit 220
press SELECT_A
wait_screen "Cola 0.33l 1.80 | Credit 2.20"
# a price change while the arm runs: the vend keeps its price
( SIMDRV_POLL_US=2000 simdrv wait ARM 1 5000 >/dev/null &&
  vendctl -s "$VENDD_SOCK" price cola 1.90 >/dev/null 2>&1 &&
  simdrv pulse DROP 60 ) >>"$WORK/drop" 2>&1 &
DROP_PID=$!
press VEND
wait_drop
wait_status vend_pending false 10000
wait_status credit 40
wait_status counters.paid_value 360
wait_status products.id=cola.price 190

vendd_stop >/dev/null
vendd_restart
wait_status products.id=cola.price 190
vendctl -s "$VENDD_SOCK" price cola --default >"$WORK/price.out" 2>&1 ||
	fail "vendctl price cola --default failed: $(cat "$WORK/price.out")"
wait_status products.id=cola.price 150

for bad in "1.505:more digits after the point than [vendd] decimals = 2" \
    "abc:is not an amount of money" "0:must be more than 0" \
    "-1:is not an amount of money"; do
	amount=${bad%%:*}
	want=${bad#*:}
	vendctl -s "$VENDD_SOCK" price cola "$amount" >"$WORK/bad.out" 2>&1 &&
		fail "expected price cola $amount to be refused, saw: $(cat "$WORK/bad.out")"
	grep -qF "$want" "$WORK/bad.out" ||
		fail "expected '$want' for price cola $amount, saw: $(cat "$WORK/bad.out")"
done
vendctl -s "$VENDD_SOCK" price nosuch 1.00 >"$WORK/bad.out" 2>&1 &&
	fail "expected a price of an unknown product to be refused"
grep -q nosuch "$WORK/bad.out" || fail "expected the error to name nosuch, saw: $(cat "$WORK/bad.out")"
wait_status products.id=cola.price 150

# Test vends: refused outside service mode; in it, stock moves, money not.
vendctl -s "$VENDD_SOCK" test-vend water >"$WORK/tv.out" 2>&1 &&
	fail "expected a test vend outside service mode to be refused"
grep -q "not in service mode" "$WORK/tv.out" || fail "expected 'not in service mode', saw: $(cat "$WORK/tv.out")"
vendctl -s "$VENDD_SOCK" service on >/dev/null 2>&1 || fail "vendctl service on failed"
# a column that failed (no drop) goes out of order ...
vendctl -s "$VENDD_SOCK" test-vend juice >"$WORK/tv.out" 2>&1 &&
	fail "expected a test vend with no drop to fail, saw: $(cat "$WORK/tv.out")"
grep -q "did not drop" "$WORK/tv.out" || fail "expected 'did not drop', saw: $(cat "$WORK/tv.out")"
wait_status products.id=juice.state out_of_order
# ... and a test vend that drops puts it back
drop_after_arm 100
vendctl -s "$VENDD_SOCK" test-vend juice >"$WORK/tv.out" 2>&1 ||
	fail "expected the test vend of juice to drop, saw: $(cat "$WORK/tv.out")"
wait_drop
grep -q "dropped" "$WORK/tv.out" || fail "expected 'dropped', saw: $(cat "$WORK/tv.out")"
wait_status products.id=juice.state ok
wait_status products.id=juice.stock 9
expect_eq "credit after the test vends" 40 "$(status credit)"
vendctl -s "$VENDD_SOCK" audit --json >"$WORK/audit.json" 2>&1 || fail "vendctl audit --json failed"
expect_eq "test vends" 1 "$(simdrv json "$WORK/audit.json" since_init.test_vends)"
expect_eq "paid vends" 2 "$(simdrv json "$WORK/audit.json" since_init.paid_vends)"
expect_eq "paid value" 360 "$(simdrv json "$WORK/audit.json" since_init.paid_value)"
expect_eq "failed vends" 1 "$(simdrv json "$WORK/audit.json" since_init.failed_vends)"
vendctl -s "$VENDD_SOCK" service off >/dev/null 2>&1 || fail "vendctl service off failed"
wait_status sales.service false
pass
