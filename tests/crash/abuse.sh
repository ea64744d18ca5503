#!/bin/sh
# abuse: the control socket under bad clients while a customer buys. While
# coins go in and a cola is sold, crashdrv abuse opens a malformed, a binary,
# an oversized, a slow (a byte a second), an idle and two half-closed
# clients, then 100 status clients at once: all 100 must be answered, the bad
# ones get an error or are dropped, and the sale comes out right (credit,
# paid vend, money invariant). Then restock as a user outside the control
# group is refused (and changes nothing), as a member of it is accepted.
. /vendd/tests/sim/lib.sh
. /vendd/tests/crash/crashlib.sh

mkdir -p "$VENDD_STATE"
cr_config
VENDD_DEBUG=1
crashdrv mech 100 >"$WORK/mech.log" 2>&1 &
vendd_restart "$CR_START_MS"
chmod 755 "$WORK"

crashdrv abuse "$VENDD_SOCK" 100 >"$WORK/abuse.out" 2>&1 &
abuse=$!
# The customer, meanwhile: 1.00 + 0.50 + 1.00, buy a cola (1.50).
cr_coin 10 100
cr_coin 5 50
cr_coin 10 100
status_refresh
credit=$(status credit)
paid=$(status counters.paid_vends)
simdrv press SELECT_A 60 >/dev/null
usleep 100000
simdrv press VEND 60 >/dev/null
wait_status counters.paid_vends $((paid + 1)) 10000
wait "$abuse"
abuse_rc=$?
cat "$WORK/abuse.out"
[ "$abuse_rc" = 0 ] || fail "control socket abuse: $(grep -c FAILED "$WORK/abuse.out") checks failed"
cr_idle_status
expect_eq "credit after the sale" $((credit - 150)) "$(status credit)"
money=$(cr_money) || fail "money: cash_in != paid_value + credit ($money)"
expect_eq "arm cycles seen" 1 "$(grep -c '^arm_on ' "$WORK/mech.log")"
kill -0 "$VENDD_PID" || fail "vendd died"
expect_eq "stock of cola" 9999 "$(status products.id=cola.stock)"

# Restock needs root or the control group (vendd-operators, gid 997).
out=$(crashdrv asuser 1000 1000 vendctl -s "$VENDD_SOCK" restock cola 2>&1)
rc=$?
echo "abuse: restock as uid 1000: exit $rc: $out"
[ "$rc" != 0 ] || fail "uid 1000 outside the control group could restock: $out"
status_refresh
expect_eq "stock after a refused restock" 9999 "$(status products.id=cola.stock)"
out=$(crashdrv asuser 1000 1000,997 vendctl -s "$VENDD_SOCK" restock cola 2>&1)
rc=$?
echo "abuse: restock as uid 1000 in group 997: exit $rc: $out"
expect_eq "restock by a control group member (exit)" 0 "$rc"
wait_status products.id=cola.stock 10000 5000
# A member's status works too; a stranger cannot even connect (mode 0660).
crashdrv asuser 1000 1000,997 vendctl -s "$VENDD_SOCK" status >/dev/null ||
	fail "status as a control group member failed"
pass
