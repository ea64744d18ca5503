# Helpers of the crash, power-cut, abuse and watchdog tests (busybox sh),
# sourced after tests/sim/lib.sh, whose helpers they use for everything
# generic (starting and killing vendd, the config, status, the kernel command
# line). What is prefixed cr_ here is the crash tests' own: their test
# machine, the money invariant, a coin retried past host stalls.

CR_DIR=$VENDD_ROOT/tests/crash

# The test machine: short coin gaps and arm cycle, one attempt per vend (so
# one relay pulse is one vend), a column that never runs out.
CR_CONFIG="coin.pulse_min_ms=10 coin.pulse_max_ms=150 coin.train_gap_ms=300
arm.run_ms=300 arm.drop_timeout_ms=1500 arm.retries=0"
# How long a start may take: a ledger replayed after a cut, a TSan build.
CR_START_MS=20000

# cr_config [section.key=value...]: the test machine's config on $VENDD_STATE.
cr_config() {
	# shellcheck disable=SC2086 # CR_CONFIG is a list of words
	vendd_config $CR_CONFIG "product cola.capacity=10000" "$@"
}

# cr_idle_status [TIMEOUT_MS]: a status with no vend pending and the arm
# idle (the moment the money invariant must hold); fails after the timeout.
cr_idle_status() {
	deadline=$(($(now_ms) + ${1:-10000}))
	while :; do
		status_refresh
		[ "$(status vend_pending)" = false ] && [ "$(status arm.busy)" = false ] &&
			return 0
		[ "$(now_ms)" -lt "$deadline" ] || fail "vendd not idle after ${1:-10000} ms"
		usleep 100000
	done
}

# cr_money: "cash_in paid_value credit" of the last status, and 0 if
# cash_in == paid_value + credit (every coin is spent on a paid vend or still
# credit: vendd gives nothing back but credit), else 1.
cr_money() {
	ci=$(status counters.cash_in)
	pv=$(status counters.paid_value)
	cr=$(status credit)
	echo "$ci $pv $cr"
	[ -n "$ci" ] && [ "$ci" -eq $((pv + cr)) ]
}

# cr_reset_inputs: every input back to idle (a killed driver may leave a
# coin pulse high or a button pressed).
cr_reset_inputs() {
	simdrv set COIN pull-down
	simdrv set DROP pull-down
	for b in SELECT_A SELECT_B SELECT_C SELECT_D VEND; do
		simdrv set "$b" pull-up
	done
}

# cr_coin PULSES VALUE: one coin whose credit vendd shows (3 s), retried
# (up to 3 times) when a host stall distorted its train in the emulated
# guest (a gap >= 250 ms or a pulse > 140 ms in simdrv's own report: vendd
# then rightly counts something else); fails if a clean train is not
# credited. Distorted trains are counted in $CR_DISTORTED.
CR_DISTORTED=0
cr_coin() {
	for try in 1 2 3; do
		status_refresh
		base=$(status credit)
		simdrv coin COIN "$1" 20 30 >"$WORK/coin.out" 2>&1
		cat "$WORK/coin.out" >>"$WORK/coins"
		bad=$(awk '{ s = $0; sub(/.*widths ms: */, "", s); split(s, a, /, gaps ms: */);
			n = split(a[1], w, " "); for (i = 1; i <= n; i++) if (w[i] + 0 > 140) b = 1;
			n = split(a[2], g, " "); for (i = 1; i <= n; i++) if (g[i] + 0 >= 250) b = 1 }
			END { print b + 0 }' "$WORK/coin.out")
		if [ "$bad" = 1 ]; then
			CR_DISTORTED=$((CR_DISTORTED + 1))
			echo "cr_coin: train distorted by a host stall, again: $(cat "$WORK/coin.out")"
			usleep 1000000
			continue
		fi
		deadline=$(($(now_ms) + 3000))
		while :; do
			status_refresh
			[ "$(status credit)" = $((base + $2)) ] && return 0
			[ "$(now_ms)" -lt "$deadline" ] || break
			usleep 50000
		done
		echo "cr_coin: a clean train of $1 pulses: credit $(status credit), want $((base + $2))"
		echo "cr_coin: $(cat "$WORK/coin.out")"
		echo "cr_coin: noise_pulses $(status counters.noise_pulses) unknown_coins $(status counters.unknown_coins) coin_faults $(status counters.coin_faults) coins $(simdrv json "$STATUS_JSON" counters.coins)"
		grep -E 'coin' "$VENDD_LOG" | tail -n 8 | sed 's/^/cr_coin: | /'
		grep -q 'inactive edge while inactive' "$VENDD_LOG" &&
			echo "cr_coin: vendd saw an inactive edge while inactive: a pulse's active edge was lost or reported as inactive by the kernel, and the coin core dropped that pulse"
		fail "coin of $1 pulses not credited as $2"
	done
	fail "three coin trains in a row distorted: the host is too loaded"
}
