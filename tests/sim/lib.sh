# Helpers for gpio-sim scenarios (busybox sh). Source it first thing:
#
#	. /vendd/tests/sim/lib.sh
#
# A scenario prints exactly one result line, through `pass` or `fail`, and
# sends everything else to files under $WORK. /init sets $SCENARIO (default:
# the script's name) and builds a fresh sim board before each scenario.
#
# vendd:   vendd_start [section.key=value...]   test config, fresh state, wait ready
#          vendd_config [section.key=value...]  the test config alone ($VENDD_CONF)
#          vendd_restart [TIMEOUT_MS]           start on the config and state as
#                                               they are, wait ready
#          vendd_launch [TIMEOUT_MS]            the same, 1 if vendd exits
#          vendd_stop                           SIGTERM; returns vendd's exit status
#          vendd_kill9                          SIGKILL, no goodbye
#          make_config FILE [section.key=value...]
#          (VENDD_DEBUG=1: vendd logs debug lines)
# guest:   now_ms; cmdline_arg NAME DEFAULT; pid_gone PID TIMEOUT_MS
# status:  status_refresh; status KEY.PATH      a field of `vendctl status --json`
#          wait_status KEY.PATH VALUE [TIMEOUT_MS]
# checks:  expect_eq WHAT EXPECTED ACTUAL; pass; fail MESSAGE
# board:   sim_chip; line_dir NAME; sensor_set MILLIDEGREES; sensor_remove
# screen:  screen_start [charlcd|ansi [ROWS COLS]]; wait_screen "ROW0 | ROW1"
#          (the display vendd writes, decoded as a customer reads it)
# keypad:  keypad_start; keys "12#"; keypad_unplug; keypad_plug (uinput)
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

# cmdline_arg NAME DEFAULT: the value of NAME=VALUE on the kernel command
# line (how tests/*/run pass a test its parameters), else DEFAULT.
cmdline_arg() {
	for w in $(cat /proc/cmdline); do
		case $w in
		"$1"=*) echo "${w#*=}"; return ;;
		esac
	done
	echo "$2"
}

# pid_gone PID TIMEOUT_MS: 0 once the process has ended, 1 if it still
# runs after TIMEOUT_MS.
pid_gone() {
	pg_n=0	# (not i: callers loop with i)
	while kill -0 "$1" 2>/dev/null; do
		[ "$pg_n" -lt $(($2 / 20)) ] || return 1
		usleep 20000
		pg_n=$((pg_n + 1))
	done
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
	for f in ${DIAG_FILES:-}; do	# what the scenario asked to show
		[ -s "$f" ] || continue
		echo "  | $(basename "$f") (last 5 lines):"
		tail -n 5 "$f" | sed 's/^/  | /'
	done
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

# vendd_config [section.key=value...]: $VENDD_CONF, etc/vendd.ini with the
# state dir, socket and sensor file under $WORK and the given overrides; the
# sensor reads 4.000 degrees unless set before.
vendd_config() {
	[ -e "$SENSOR" ] || echo 4000 >"$SENSOR"
	make_config "$VENDD_CONF" "vendd.state_dir=$VENDD_STATE" \
		"vendd.control_socket=$VENDD_SOCK" "cooling.sensor=$SENSOR" "$@"
}

# vendd_start [section.key=value...]: start vendd on a fresh state dir with a
# test config (vendd_config), wait until its control socket answers (10 s at
# most).
vendd_start() {
	command -v vendd >/dev/null || fail "no vendd in the VM (build/vendd missing?)"
	rm -rf "$VENDD_STATE"
	mkdir -p "$VENDD_STATE"
	vendd_config "$@"
	vendd_restart 10000
}

# vendd_launch [TIMEOUT_MS]: start vendd on $VENDD_CONF and the state dir as
# they are, wait until it answers (default 10 s, then fail). 1 if vendd exits
# during start-up, its status in $VENDD_EXIT: for tests that expect a refusal.
vendd_launch() {
	vendd ${VENDD_DEBUG:+-d} -c "$VENDD_CONF" 2>>"$VENDD_LOG" &
	VENDD_PID=$!
	vendd_await_ready "${1:-10000}"
}

# vendd_restart [TIMEOUT_MS]: vendd_launch, and an exit during start-up fails
# the test. After a stop or a kill: the same config and state dir.
vendd_restart() {
	vendd_launch "$@" ||
		fail "vendd exited with status $VENDD_EXIT during start-up"
}

# vendd_wait_ready TIMEOUT_MS: vendd (started as $VENDD_PID) answers; an exit
# during start-up fails the test.
vendd_wait_ready() {
	vendd_await_ready "$1" ||
		fail "vendd exited with status $VENDD_EXIT during start-up"
}

# vendd_await_ready TIMEOUT_MS: 0 once the control socket answers (or,
# without vendctl, every board line is held by consumer "vendd"); 1 if vendd
# exits first ($VENDD_EXIT); fails after TIMEOUT_MS.
vendd_await_ready() {
	deadline=$(($(now_ms) + $1))
	nlines=$(grep -cE '^[A-Z]' "$BOARD")
	while :; do
		kill -0 "$VENDD_PID" 2>/dev/null || {
			wait "$VENDD_PID"
			VENDD_EXIT=$?
			VENDD_PID=
			return 1
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
	if ! pid_gone "$pid" 5000; then
		echo "lib.sh: vendd ignored SIGTERM for 5 s; killed" >>"$VENDD_LOG"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
}

# vendd_kill9: SIGKILL, no goodbye; wait for the process to be gone.
vendd_kill9() {
	[ -n "$VENDD_PID" ] || return 0
	kill -KILL "$VENDD_PID" 2>/dev/null
	wait "$VENDD_PID" 2>/dev/null
	VENDD_PID=
	return 0
}

# Never leave a vendd behind, whatever ends the scenario.
trap 'vendd_stop >/dev/null 2>&1; screen_stop; keypad_stop' EXIT
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
# has VALUE (default $WAIT_MS, else 3 s); fail otherwise.
wait_status() {
	deadline=$(($(now_ms) + ${3:-${WAIT_MS:-3000}}))
	while :; do
		status_refresh
		v=$(status "$1")
		[ "$v" = "$2" ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "expected $1 = $2 within ${3:-${WAIT_MS:-3000}} ms, saw $v"
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

# ---- end-to-end helpers (scenarios 02-12) ----
#
# Timings of the test config: the reference wiring, with coin trains, the arm
# cycle and the cooling protection shortened so the suite stays quick, and
# with slack for an emulated (TCG) guest. Scenarios pass FAST_CONFIG first to
# vendd_start; later overrides win.
COIN_WIDTH_MS=50	# one coin pulse
COIN_GAP_MS=50		# between the pulses of one coin
RUN_MS=300		# arm relay run per attempt
FAST_CONFIG="coin.pulse_min_ms=25 coin.pulse_max_ms=400 coin.train_gap_ms=800
arm.run_ms=$RUN_MS arm.drop_timeout_ms=1500 arm.retries=2
cooling.start_delay_s=0 cooling.sample_s=1 cooling.min_on_s=3 cooling.min_off_s=3"

# vendd_start_fast [section.key=value...]: vendd_start with FAST_CONFIG first;
# waits get 10 s (a loaded host stalls the emulated guest), failures show what
# simdrv did.
vendd_start_fast() {
	WAIT_MS=10000
	DIAG_FILES="${DIAG_FILES:-} $WORK/coins $WORK/presses $WORK/drop $WORK/hammer"
	# shellcheck disable=SC2086 # FAST_CONFIG is a list of words
	vendd_start $FAST_CONFIG "$@"
}

# coin PULSES: one coin, a train of PULSES pulses (simdrv's report in
# $WORK/coins), then silence well past train_gap_ms so the next coin is apart.
coin() {
	simdrv coin COIN "$1" "$COIN_WIDTH_MS" "$COIN_GAP_MS" >>"$WORK/coins" 2>&1 ||
		fail "simdrv coin COIN $1 failed: $(tail -n 1 "$WORK/coins")"
	usleep 900000
}

# press LINE [HOLD_MS [BOUNCE_N]]: one button push, then a pause longer than
# [panel] hold_off_ms so the next push of the same button counts.
press() {
	simdrv press "$@" >>"$WORK/presses" 2>&1 ||
		fail "simdrv press $* failed: $(tail -n 1 "$WORK/presses")"
	usleep 120000
}

# bouncy_push WHAT PATTERN LINE: one push of LINE held 150 ms with two
# chatter cycles (four 8 ms half-periods) on each edge, which vendd must log exactly
# once as PATTERN. Run vendd with panel.debounce_ms=2: the kernel's debounce
# (a delayed work of one jiffy at HZ 250, 0-4 ms) passes most levels, and
# whichever it swallows, a release seen through the chatter lasts at most
# three half-periods plus 4 ms, well inside hold_off_ms 50. Chatter the host
# stretched past 40 ms (simdrv exits 3) was not the push asked for: it is
# tried again, up to three times.
bouncy_push() {
	for try in 1 2 3; do
		before=$(log_count "$2")
		rc=0
		SIMDRV_BOUNCE_US=8000 SIMDRV_CHATTER_MAX_US=40000 \
			simdrv press "$3" 150 2 >>"$WORK/presses" 2>&1 || rc=$?
		usleep 400000
		case $rc in
		0)	expect_eq "$1" $((before + 1)) "$(log_count "$2")"
			return 0 ;;
		3)	echo "  note: $3 push $try stretched by the host, again" ;;
		*)	fail "simdrv press $3 failed: $(tail -n 1 "$WORK/presses")" ;;
		esac
	done
	fail "$1: three pushes of $3 in a row stretched by the host"
}

# drop_after_arm [DELAY_MS [TIMEOUT_MS]]: in the background, wait until the
# arm relay is energised, then break the drop sensor's beam for 60 ms after
# DELAY_MS (default 100). $DROP_PID is the helper; wait for it with wait_drop.
drop_after_arm() {
	( SIMDRV_POLL_US=2000 simdrv wait ARM 1 "${2:-5000}" >/dev/null &&
	  usleep "$(( ${1:-100} * 1000 ))" &&
	  simdrv pulse DROP 60 ) >>"$WORK/drop" 2>&1 &
	DROP_PID=$!
}

# wait_drop: the drop_after_arm helper finished (it saw the relay).
wait_drop() {
	wait "$DROP_PID" || fail "expected the arm relay energised (drop helper), saw: $(tail -n 2 "$WORK/drop" | tr '\n' ' ')"
}

# watch_start FILE LINES [MS [POLL_US]]: `simdrv watch` in the background
# into FILE, sampling every POLL_US (default 2 ms: cheap enough not to starve
# vendd in the VM), for MS (default 60 s) or until watch_end.
watch_start() {
	WATCH_FILE=$1
	SIMDRV_POLL_US=${4:-2000} simdrv watch "$2" "${3:-60000}" >"$1" 2>&1 &
	WATCH_PID=$!
	i=0
	until [ -s "$1" ]; do	# "watch: start ...": the first sample is taken
		[ "$i" -lt 500 ] || fail "simdrv watch did not start in 5 s"
		usleep 10000
		i=$((i + 1))
	done
}

# watch_end: stop the watch (SIGTERM: it prints its summary) and wait for it.
watch_end() {
	kill -TERM "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" || fail "simdrv watch failed: $(tail -n 1 "$WATCH_FILE")"
}

# watch_pulses FILE LINE / watch_widths FILE LINE: from a finished watch, the
# number of high pulses and their widths in whole ms ("312,298"; "" if none).
watch_pulses() {
	sed -n "s/^$2 pulses=\([0-9]*\) .*/\1/p" "$1"
}
watch_widths() {
	sed -n "s/^$2 pulses=[0-9]* widths=\([0-9.,-]*\) .*/\1/p" "$1" |
		awk -F, '$0 != "-" { for (i = 1; i <= NF; i++) printf "%s%d", (i > 1 ? "," : ""), $i }'
}
# watch_most FILE LINE: the longest each pulse can have been ("315,301"):
# from the last sample before its rise to the first after its fall.
watch_most() {
	sed -n "s/^$2 pulses=[0-9]* widths=[0-9.,-]* most=\([0-9.,-]*\) .*/\1/p" "$1" |
		awk -F, '$0 != "-" { for (i = 1; i <= NF; i++) printf "%s%d", (i > 1 ? "," : ""), $i }'
}
# expect_pulse_widths WHAT FILE LINE LO HI: every pulse of LINE lasted LO..HI
# ms. Samples bound each edge from both sides, so a stall of the watcher
# widens the bounds instead of failing a pulse the daemon timed right: the
# longest it can have been must reach LO, the width seen must not pass HI.
expect_pulse_widths() {
	_bad=$(awk -v w="$(watch_widths "$2" "$3")" -v m="$(watch_most "$2" "$3")" \
	    -v lo="$4" -v hi="$5" 'BEGIN {
		n = split(w, seen, ","); if (n == 0 || split(m, most, ",") != n) {
			print "no pulse"; exit }
		for (i = 1; i <= n; i++) if (most[i] + 0 < lo || seen[i] + 0 > hi) {
			printf "%d (at most %d)\n", seen[i], most[i]; exit } }')
	[ -z "$_bad" ] || fail "expected $1 in $4..$5, saw $_bad"
}
# watch_edge_ms FILE LINE VALUE [N]: time (whole ms) of the Nth (default 1st)
# change of LINE to VALUE; "" if none.
watch_edge_ms() {
	awk -v l="$2=$3" -v n="${4:-1}" '$1 ~ /^\+/ && $3 == l && ++k == n { sub(/^\+/, "", $1); printf "%d\n", $1; exit }' "$1"
}

# expect_range WHAT LO HI VALUE: LO <= VALUE <= HI (integers).
expect_range() {
	case $4 in
	''|*[!0-9-]*) fail "expected $1 in $2..$3, saw '${4}'" ;;
	esac
	[ "$4" -ge "$2" ] && [ "$4" -le "$3" ] || fail "expected $1 in $2..$3, saw $4"
}

# log_count PATTERN: lines of vendd's log matching the extended regex.
log_count() {
	grep -cE "$1" "$VENDD_LOG" 2>/dev/null
}

# wait_log PATTERN TIMEOUT_MS WHAT: vendd logged a line matching the
# extended regex within TIMEOUT_MS; else fail with "expected WHAT".
wait_log() {
	deadline=$(($(now_ms) + $2))
	until [ "$(log_count "$1")" -ge 1 ]; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "expected $3"
		usleep 50000
	done
}

# sell_cola: a customer's cola on the credit in the machine: select, vend,
# the product drops, and the vend is over.
sell_cola() {
	press SELECT_A
	drop_after_arm 100
	press VEND
	wait_drop
	wait_status vend_pending false 10000
}

# wait_log_n PATTERN N TIMEOUT_MS WHAT: as wait_log, for the Nth such line.
wait_log_n() {
	deadline=$(($(now_ms) + $3))
	until [ "$(log_count "$1")" -ge "$2" ]; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "expected $4"
		usleep 50000
	done
}

# ---- the customer's display and keypad ----
#
# The display is a FIFO that lcdscreen reads and decodes (charlcd codes or
# ANSI) into $SCREEN: one line per row, then backlight=1|0. The keypad is a
# real kernel input device made by simkeys through uinput, found by vendd by
# its name, as a board's matrix-keypad.
SCREEN_FIFO=$WORK/lcd
SCREEN=$WORK/screen
SCREEN_PID=
KEYPAD_NAME=vendd-test-keypad
KEYPAD_CTL=$WORK/keys
KEYPAD_PID=
DISPLAY_CONFIG="display.type=charlcd display.device=$SCREEN_FIFO"
KEYPAD_CONFIG="keypad.device=$KEYPAD_NAME"

# screen_start [charlcd|ansi [ROWS COLS]]: lcdscreen reads $SCREEN_FIFO.
screen_start() {
	lcdscreen "${1:-charlcd}" "${2:-2}" "${3:-16}" "$SCREEN_FIFO" "$SCREEN" \
		>>"$WORK/lcdscreen.out" 2>&1 &
	SCREEN_PID=$!
	i=0
	until [ -p "$SCREEN_FIFO" ]; do
		[ $i -lt 100 ] || fail "lcdscreen made no FIFO $SCREEN_FIFO"
		i=$((i + 1))
		usleep 20000
	done
	DIAG_FILES="${DIAG_FILES:-} $SCREEN.log $WORK/lcdscreen.out"
}

screen_stop() {
	[ -n "$SCREEN_PID" ] || return 0
	kill "$SCREEN_PID" 2>/dev/null
	# a TERM between its check and its open() of the FIFO goes unseen
	pid_gone "$SCREEN_PID" 2000 || kill -KILL "$SCREEN_PID" 2>/dev/null
	wait "$SCREEN_PID" 2>/dev/null
	SCREEN_PID=
}

# screen_rows: the rows shown now, joined by " | " (trailing blanks cut).
screen_rows() {
	[ -r "$SCREEN" ] || return 0
	grep -v '^backlight=' "$SCREEN" | awk '{ printf "%s%s", (NR > 1 ? " | " : ""), $0 }'
}

# screen_backlight: 1 or 0.
screen_backlight() {
	sed -n 's/^backlight=//p' "$SCREEN" 2>/dev/null
}

# wait_screen "ROW0 | ROW1" [TIMEOUT_MS]: the customer reads exactly this
# (default $WAIT_MS, else 3 s).
wait_screen() {
	deadline=$(($(now_ms) + ${2:-${WAIT_MS:-3000}}))
	while :; do
		v=$(screen_rows)
		[ "$v" = "$1" ] && return 0
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "expected the screen '$1' within ${2:-${WAIT_MS:-3000}} ms, saw '$v'"
		usleep 50000
	done
}

# screen_seen "ROW0 | ROW1": the screen showed this at some point (its log).
screen_seen() {
	grep -qF "| $1" "$SCREEN.log" 2>/dev/null
}

# wait_seen "ROW0 | ROW1" [TIMEOUT_MS]: the screen showed this, now or since
# lcdscreen started (for a message that lasts message_s).
wait_seen() {
	deadline=$(($(now_ms) + ${2:-${WAIT_MS:-3000}}))
	until screen_seen "$1"; do
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "expected the screen '$1' within ${2:-${WAIT_MS:-3000}} ms, saw '$(screen_rows)'"
		usleep 50000
	done
}

# simkeys_cmd CMD REPLY_PATTERN: one command to simkeys, wait for its reply.
simkeys_cmd() {
	before=$(grep -c "$2" "$WORK/simkeys.out" 2>/dev/null)
	echo "$1" >&9		# keypad_start's descriptor: never blocks
	i=0
	until [ "$(grep -c "$2" "$WORK/simkeys.out")" -gt "$before" ]; do
		[ $i -lt 500 ] || fail "simkeys did not answer '$1': $(tail -n 2 "$WORK/simkeys.out" | tr '\n' ' ')"
		kill -0 "$KEYPAD_PID" 2>/dev/null ||
			fail "simkeys ended: $(tail -n 2 "$WORK/simkeys.out" | tr '\n' ' ')"
		i=$((i + 1))
		usleep 20000
	done
}

# keypad_start: a keypad named $KEYPAD_NAME appears (uinput).
keypad_start() {
	simkeys "$KEYPAD_NAME" "$KEYPAD_CTL" >>"$WORK/simkeys.out" 2>&1 &
	KEYPAD_PID=$!
	i=0
	until grep -q "simkeys: ready" "$WORK/simkeys.out" 2>/dev/null; do
		[ $i -lt 250 ] || fail "no keypad from simkeys: $(tail -n 2 "$WORK/simkeys.out" | tr '\n' ' ')"
		kill -0 "$KEYPAD_PID" 2>/dev/null ||
			fail "simkeys ended: $(tail -n 2 "$WORK/simkeys.out" | tr '\n' ' ')"
		i=$((i + 1))
		usleep 20000
	done
	# Held open read-write, so that a write never waits for a reader
	# (simkeys may have died: simkeys_cmd says so instead of hanging).
	exec 9<>"$KEYPAD_CTL"
	DIAG_FILES="${DIAG_FILES:-} $WORK/simkeys.out"
}

keypad_stop() {
	[ -n "$KEYPAD_PID" ] || return 0
	echo quit >&9 2>/dev/null
	pid_gone "$KEYPAD_PID" 2000 || kill "$KEYPAD_PID" 2>/dev/null
	wait "$KEYPAD_PID" 2>/dev/null
	exec 9>&-
	KEYPAD_PID=
}

# config_add_products TOTAL: append products p1.. to $VENDD_CONF until it
# has TOTAL (etc/vendd.ini has 4, codes 11..14), each with a code of its
# own among 1..99 that etc/vendd.ini does not use, price 0.10, no button.
config_add_products() {
	n=1
	while [ $n -le 99 ] && [ "$(grep -c '^\[product ' "$VENDD_CONF")" -lt "$1" ]; do
		case $n in
		11|12|13|14) ;;
		*) printf '\n[product p%d]\nlabel = Product %d\nprice = 0.10\ncode = %d\ncapacity = 5\n' \
			"$n" "$n" "$n" >>"$VENDD_CONF" ;;
		esac
		n=$((n + 1))
	done
}

# keys KEYS: type on the keypad, 0-9, # (enter), * (clear), E (escape).
keys() {
	simkeys_cmd "type $1" "simkeys: ok type"
}

keypad_unplug() {
	simkeys_cmd unplug "simkeys: unplugged"
}

keypad_plug() {
	simkeys_cmd plug "simkeys: ready"
}

# ---- the MDB bus (tests/mdb/mdbsim) ----

MDB_LINK=$WORK/mdb-tty
MDB_CTL=$WORK/mdbsim.sock

# mdbsim_start [OPTION...]: mdbsim on a pty linked at $MDB_LINK, its control
# socket $MDB_CTL, its account written to $WORK/mdb.json at exit.
mdbsim_start() {
	DIAG_FILES="${DIAG_FILES:-} $WORK/mdbsim.err"
	mdbsim "$@" -l "$MDB_LINK" -c "$MDB_CTL" -j "$WORK/mdb.json" \
		>"$WORK/mdbsim.out" 2>"$WORK/mdbsim.err" &
	MDBSIM_PID=$!
	i=0
	until [ -e "$MDB_LINK" ] && [ -S "$MDB_CTL" ]; do
		[ $i -lt 100 ] || fail "mdbsim made no $MDB_LINK: $(cat "$WORK/mdbsim.err")"
		i=$((i + 1))
		usleep 20000
	done
}

# mdb_ctl CMD...: one control command to mdbsim; its reply must be "ok".
mdb_ctl() {
	mdbsim ctl "$MDB_CTL" "$@" >>"$WORK/mdbctl.out" 2>&1 ||
		fail "mdbsim ctl $*: $(tail -n 1 "$WORK/mdbctl.out")"
}
