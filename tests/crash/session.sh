#!/bin/sh
# The customer of the crash and power-cut tests (busybox sh), run in the
# background until killed: insert a coin (0.50 or 1.00) whenever the
# acceptor is not inhibited, wait until vendd acknowledges it (cash_in rises
# by its value: only after the ledger's fdatasync), and buy a cola (1.50)
# whenever the credit covers it.
#
# usage: session.sh SOCK LOG
# LOG gets one line per event, the last line telling the state at a kill:
#   coin V           a coin of value V goes in (its train is running)
#   ack CASH_IN      that coin acknowledged: cash_in is CASH_IN
#   noack CASH_IN    that coin NOT acknowledged within 10 s (vendd running)
#   refused          the acceptor was inhibited: no coin this time
#   split V MS       a host stall stretched a gap or pulse of the train to MS:
#                    vendd may count any part of it (then "ack" resyncs)
#   vend CREDIT      selection and vend pressed with this credit
#   vended PAID      the vend settled (paid_vends now PAID)
#   stuck            the vend did not settle within 10 s
# Every "ack" line also goes to stdout (the power-cut test's console).
sock=$1 log=$2
st=/tmp/session-status.$$.json

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
get() { simdrv json "$st" "$1" 2>/dev/null; }
refresh() { vendctl -s "$sock" status --json >"$st" 2>/dev/null; }

refresh || { echo "nostatus" >>"$log"; exit 1; }
cash=$(get counters.cash_in)
# buy: select and vend a cola, wait until the vend settles.
buy() {
	paid=$(get counters.paid_vends)
	echo "vend $credit" >>"$log"
	simdrv press SELECT_A 60 >/dev/null
	usleep 80000
	simdrv press VEND 60 >/dev/null
	deadline=$(($(now_ms) + 10000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if refresh && [ "$(get counters.paid_vends)" != "$paid" ] &&
		    [ "$(get vend_pending)" = false ]; then
			echo "vended $(get counters.paid_vends)" >>"$log"
			return 0
		fi
		usleep 50000
	done
	echo "stuck" >>"$log"
	exit 1
}

while :; do
	if [ "$(simdrv get COIN_INHIBIT)" = 1 ]; then
		echo "refused" >>"$log"
		refresh || { usleep 200000; continue; }
		cash=$(get counters.cash_in)
		credit=$(get credit)
		# Full (max_credit): spend some.
		if [ -n "$credit" ] && [ "$credit" -ge 150 ]; then buy; else usleep 200000; fi
		continue
	fi
	if [ $((RANDOM % 2)) = 0 ]; then p=5 v=50; else p=10 v=100; fi
	echo "coin $v" >>"$log"
	simdrv coin COIN "$p" 20 30 >/tmp/session-coin.$$ 2>&1
	# A host stall can stretch a gap of the emulated guest past the train
	# gap: vendd then rightly sees two coins. Not vendd's fault: resync.
	# (A gap >= 250 ms or a pulse > 140 ms: train_gap_ms is 300,
	# pulse_max_ms 150.)
	gap=$(awk '{ s = $0; sub(/.*widths ms: */, "", s); split(s, a, /, gaps ms: */)
		n = split(a[1], w, " "); for (i = 1; i <= n; i++) if (w[i] + 0 > 140) b = w[i]
		n = split(a[2], g, " "); for (i = 1; i <= n; i++) if (g[i] + 0 >= 250) b = g[i] }
		END { printf "%d\n", b + 0 }' /tmp/session-coin.$$)
	if [ "${gap:-0}" -gt 0 ]; then
		echo "split $v $gap" >>"$log"
		usleep 1500000
		refresh && cash=$(get counters.cash_in)
		echo "ack $cash" >>"$log"
		continue
	fi
	want=$((cash + v))
	deadline=$(($(now_ms) + 10000))
	got=
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if refresh; then
			c=$(get counters.cash_in)
			if [ -n "$c" ] && [ "$c" -ge "$want" ]; then got=$c; break; fi
		fi
		usleep 30000
	done
	if [ -z "$got" ]; then
		echo "noack $(get counters.cash_in) ($(cat /tmp/session-coin.$$))" >>"$log"
		exit 1
	fi
	cash=$got
	echo "ack $cash" >>"$log"
	echo "crash-ack cash_in=$cash"
	credit=$(get credit)
	if [ -n "$credit" ] && [ "$credit" -ge 150 ]; then buy; fi
done
