#!/bin/sh
# 18-keypad-99: 99 products, chosen by codes 1..99 on the keypad (most of
# them without a button: select_line is optional with a keypad); the 99th is
# sold by its code, and status lists all 99.
. /vendd/tests/sim/lib.sh

screen_start charlcd 2 16
keypad_start
# shellcheck disable=SC2086 # the CONFIGs are lists of words
vendd_config $FAST_CONFIG $DISPLAY_CONFIG $KEYPAD_CONFIG
config_add_products 99
rm -rf "$VENDD_STATE"
mkdir -p "$VENDD_STATE"
WAIT_MS=10000
vendd_restart 20000
status_refresh
expect_eq "stock of the first added product" 5 "$(status products.id=p1.stock)"
expect_eq "stock of cola (etc/vendd.ini)" 10 "$(status products.id=cola.stock)"
expect_eq "stock of the 99th product" 5 "$(status products.id=p99.stock)"
wait_screen "Insert coins | No change given"

coin 1				# 0.10
wait_status credit 10
keys 99
wait_status selection p99
wait_screen "Product 99 0.10 | Credit 0.10"
drop_after_arm 100
keys "#"
wait_drop
wait_status counters.paid_vends 1
status_refresh
expect_eq "p99 stock" 4 "$(status products.id=p99.stock)"
expect_eq "p99 paid vends" 1 "$(status counters.products.p99.paid_vends)"
expect_eq "credit" 0 "$(status credit)"
pass
