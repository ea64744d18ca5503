#!/bin/sh
# 06-coins-buttons: the coin counter and the buttons against what real
# hardware does: two coins just over train_gap_ms apart are two coins; pulses
# shorter than pulse_min_ms are noise (counted, no credit); a train whose
# count has no value is an unknown coin (taken, not credited); a bouncing
# button is one push.
. /vendd/tests/sim/lib.sh

vendd_start_fast panel.debounce_ms=2

# Two coins, the second 850 ms after the first ends (train_gap_ms 800). The
# shell's own start-up of simdrv only lengthens the silence.
simdrv coin COIN 10 "$COIN_WIDTH_MS" "$COIN_GAP_MS" >>"$WORK/coins" 2>&1
usleep 850000
simdrv coin COIN 5 "$COIN_WIDTH_MS" "$COIN_GAP_MS" >>"$WORK/coins" 2>&1
wait_status credit 150
status_refresh
expect_eq "counters.coins.10" 1 "$(status counters.coins.10)"
expect_eq "counters.coins.5" 1 "$(status counters.coins.5)"
expect_eq "counters.cash_in" 150 "$(status counters.cash_in)"

# Noise: three 3 ms pulses (pulse_min_ms 25), 60 ms apart.
simdrv coin COIN 3 3 60 >>"$WORK/coins" 2>&1
wait_status counters.noise_pulses 3
expect_eq "credit after noise" 150 "$(status credit)"
expect_eq "counters.unknown_coins after noise" 0 "$(status counters.unknown_coins)"

# Three good pulses: no coin gives 3 (the table has 1, 2, 5, 10, 20).
coin 3
wait_status counters.unknown_coins 1
expect_eq "credit after an unknown coin" 150 "$(status credit)"
expect_eq "counters.cash_in after an unknown coin" 150 "$(status counters.cash_in)"
expect_eq "unknown coin logged" 1 "$(log_count 'a train of 3 pulses has no value')"

# Bouncing buttons: each push is logged once (see bouncy_push in lib.sh).
bouncy_push "selections logged for one bouncing push" 'selected cola' SELECT_A
wait_status selection cola
bouncy_push "selections logged for one bouncing push of juice" \
	'selected juice' SELECT_C
wait_status selection juice
# The vend button bouncing with too little credit (juice 2.00): one refusal.
bouncy_push "refusals logged for one bouncing vend push" \
	'vend refused: credit 1.50 < price 2.00' VEND
status_refresh
expect_eq "credit after the buttons" 150 "$(status credit)"
expect_eq "counters.coin_faults" 0 "$(status counters.coin_faults)"
pass
