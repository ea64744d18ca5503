# Helpers for gpio-sim scenarios (busybox sh). Source it first thing:
#
#	. /vendd/tests/sim/lib.sh
#
# A scenario prints exactly one result line, through `pass` or `fail`, and
# sends everything else to files under $WORK. /init sets $SCENARIO (default:
# the script's name) and builds a fresh sim board before each scenario.
#
# vendd:   vendd_start [section.key=value...]   test config, fresh state, wait ready
#          vendd_stop                           SIGTERM; returns vendd's exit status
#          make_config FILE [section.key=value...]
# status:  status_refresh; status KEY.PATH      a field of `vendctl status --json`
#          wait_status KEY.PATH VALUE [TIMEOUT_MS]
# checks:  expect_eq WHAT EXPECTED ACTUAL; pass; fail MESSAGE
# board:   sim_chip; line_dir NAME; sensor_set MILLIDEGREES; sensor_remove
# (fail and pass exit the script: call them from the script, not from $(...).)

VENDD_ROOT=${VENDD_ROOT:-/vendd}
SCENARIO=${SCENARIO:-$(basename "$0" .sh)}
BOARD=$VENDD_ROOT/gpio/vendd-board.txt
SIM_BOARD=$VENDD_ROOT/gpio/sim-board.sh
BASE_INI=$VENDD_ROOT/etc/vendd.ini
WORK=/tmp/sim-$SCENARIO
VENDD_CONF=$WORK/vendd.ini
VENDD_STATE=$WORK/state
VENDD_SOCK=$WORK/control.sock
VENDD_LOG=$WORK/vendd.log
SENSOR=$WORK/temperature
STATUS_JSON=$WORK/status.json
VENDD_PID=
export SIMDRV_BOARD="$BOARD"

rm -rf "$WORK"
mkdir -p "$WORK"

# Timestamp in ms since boot, for timing checks in scripts.
now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

pass() {
	echo "PASS $SCENARIO"
	exit 0
}

# fail MESSAGE: show the tail of vendd's log (indented), then the result line.
fail() {
	if [ -s "$VENDD_LOG" ]; then
		echo "  | vendd log (last 20 lines):"
		tail -n 20 "$VENDD_LOG" | sed 's/^/  | /'
	fi
	echo "FAIL $SCENARIO: $*"
	exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "expected $1 = $2, saw $3"
}

# make_config OUT [section.key=value...]: etc/vendd.ini with the given values
# replaced (or added to their section when absent), wiring unchanged.
make_config() {
	out=$1
	shift
	[ -r "$BASE_INI" ] || fail "no $BASE_INI in the initramfs"
	pairs=""
	for p in "$@"; do
		case $p in
		*.*=*) ;;
		*) fail "make_config: bad override '$p' (want section.key=value)" ;;
		esac
		pairs="$pairs$p
"
	done
	awk -v spec="$pairs" '
		function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
		BEGIN {
			n = split(spec, a, "\n")
			for (i = 1; i <= n; i++) {
				if (a[i] == "") continue
				eq = index(a[i], "="); k = substr(a[i], 1, eq - 1)
				dot = index(k, ".")
				id = substr(k, 1, dot - 1) SUBSEP substr(k, dot + 1)
				if (!(id in val)) order[++m] = id
				val[id] = substr(a[i], eq + 1)
			}
		}
		/^[ \t]*\[[^]]*\]/ {
			sec = $0; sub(/^[ \t]*\[/, "", sec); sub(/\].*/, "", sec); sec = trim(sec)
			print; next
		}
		/^[ \t]*[^;#[ \t]/ && index($0, "=") {
			key = trim(substr($0, 1, index($0, "=") - 1))
			if ((sec SUBSEP key) in val) {
				print key " = " val[sec SUBSEP key]; done[sec SUBSEP key] = 1; next
			}
		}
		{ print }
		END {
			for (i = 1; i <= m; i++) {
				if (order[i] in done) continue
				split(order[i], p, SUBSEP)
				printf "\n[%s]\n%s = %s\n", p[1], p[2], val[order[i]]
			}
		}' "$BASE_INI" >"$out" || fail "make_config: awk failed"
}

# vendd_start [section.key=value...]: start vendd on a fresh state dir with a
# test config (state dir, socket and sensor file under $WORK), wait until its
# control socket answers (10 s at most).
vendd_start() {
	command -v vendd >/dev/null || fail "no vendd in the VM (build/vendd missing?)"
	[ -e "$SENSOR" ] || echo 4000 >"$SENSOR"
	rm -rf "$VENDD_STATE"
	mkdir -p "$VENDD_STATE"
	make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
		"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" "$@"
	vendd -c "$VENDD_CONF" 2>>"$VENDD_LOG" &
	VENDD_PID=$!
	vendd_wait_ready 10000
}

# vendd_wait_ready TIMEOUT_MS: the control socket answers (or, without
# vendctl, every board line is held by consumer "vendd").
vendd_wait_ready() {
	deadline=$(($(now_ms) + $1))
	nlines=$(grep -cE '^[A-Z]' "$BOARD")
	while :; do
		kill -0 "$VENDD_PID" 2>/dev/null || {
			wait "$VENDD_PID"
			rc=$?
			VENDD_PID=
			fail "vendd exited with status $rc during start-up"
		}
		if command -v vendctl >/dev/null; then
			vendctl -s "$VENDD_SOCK" status --json >"$STATUS_JSON" 2>/dev/null && return 0
		elif [ "$(gpioinfo 2>/dev/null | grep -c 'consumer="*vendd')" -ge "$nlines" ]; then
			return 0
		fi
		[ "$(now_ms)" -lt "$deadline" ] || fail "vendd not ready after $1 ms"
		usleep 20000
	done
}

# vendd_stop: SIGTERM, wait up to 5 s; prints nothing, returns the exit status
# (137 when it had to be killed).
vendd_stop() {
	[ -n "$VENDD_PID" ] || return 0
	pid=$VENDD_PID
	VENDD_PID=
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 250 ]; do
		usleep 20000
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "lib.sh: vendd ignored SIGTERM for 5 s; killed" >>"$VENDD_LOG"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
}

# Never leave a vendd behind, whatever ends the scenario.
trap 'vendd_stop >/dev/null 2>&1' EXIT
trap 'exit 143' TERM INT

# status_refresh: fetch `vendctl status --json` into $STATUS_JSON.
status_refresh() {
	vendctl -s "$VENDD_SOCK" status --json >"$STATUS_JSON" 2>>"$WORK/vendctl.err" ||
		fail "vendctl status failed: $(tail -n 1 "$WORK/vendctl.err")"
}

# status KEY.PATH: print a field of the last status (e.g. credit,
# cooling.sensor, products.id=cola.stock, counters.paid_vends); "" if absent.
status() {
	simdrv json "$STATUS_JSON" "$1" 2>/dev/null
}

# wait_status KEY.PATH VALUE [TIMEOUT_MS]: poll the status until the field
# has VALUE (default 3 s); fail otherwise.
wait_status() {
	deadline=$(($(now_ms) + ${3:-3000}))
	while :; do
		status_refresh
		v=$(status "$1")
		[ "$v" = "$2" ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "expected $1 = $2 within ${3:-3000} ms, saw $v"
		usleep 50000
	done
}

# sim_chip: the sim chip's name (gpiochipN), for `gpioinfo -c`.
sim_chip() {
	"$SIM_BOARD" chip | cut -d' ' -f1
}

# line_dir NAME: the sysfs dir of a sim line (holds pull and value).
line_dir() {
	"$SIM_BOARD" dir "$1"
}

# sensor_set MILLIDEGREES: what the simulated temperature sensor reads.
sensor_set() {
	echo "$1" >"$SENSOR.tmp" && mv "$SENSOR.tmp" "$SENSOR"
}

sensor_remove() {
	rm -f "$SENSOR"
}
