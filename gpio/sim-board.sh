#!/bin/sh
# Build the reference vendd board as a gpio-sim chip, and find its lines.
#
# usage: sim-board.sh [-b BOARD] create    create and set live; print "CHIP DEV_NAME"
#        sim-board.sh [-b BOARD] destroy   tear the chip down
#        sim-board.sh [-b BOARD] chip      print "CHIP DEV_NAME" of the live chip
#        sim-board.sh [-b BOARD] dir NAME  print the sysfs dir of line NAME
#                                          (holds its "pull" and "value")
#        sim-board.sh [-b BOARD] offset NAME   print the offset of line NAME
#
# The board file (default: vendd-board.txt next to this script, or $VENDD_BOARD)
# lists "name bcm dir description"; the chip has one bank of 28 lines whose
# line at offset N is named after the entry with bcm N, label "vendd-sim".
# After creation each input idles as wired: buttons (SELECT_*, VEND: to ground
# with a pull-up; the door switch, closed) are pulled up, other inputs (COIN,
# DROP: active high) down.
# Runs under busybox sh; needs configfs with gpio-sim (mounted if absent).

set -eu

prog=sim-board.sh
DEVICE=vendd
BANK=gpio-bank0
NUM_LINES=28
LABEL=vendd-sim
board=${VENDD_BOARD:-$(dirname "$0")/vendd-board.txt}

die() { echo "$prog: $*" >&2; exit 1; }

configfs_root() {
	if [ ! -d /sys/kernel/config/gpio-sim ]; then
		grep -q ' /sys/kernel/config configfs ' /proc/mounts 2>/dev/null ||
			mount -t configfs none /sys/kernel/config 2>/dev/null || true
	fi
	[ -d /sys/kernel/config/gpio-sim ] ||
		die "no /sys/kernel/config/gpio-sim (kernel lacks CONFIG_GPIO_SIM or configfs)"
	echo /sys/kernel/config/gpio-sim
}

# Print "name offset dir" for each board entry, checking the file as we go.
board_lines() {
	[ -r "$board" ] || die "cannot read board file $board"
	awk -v f="$board" -v n="$NUM_LINES" '
		/^[ \t]*(#|$)/ { next }
		{
			if (NF < 3 || $2 !~ /^[0-9]+$/ || $2 + 0 >= n || ($3 != "in" && $3 != "out")) {
				printf "%s:%d: bad entry: %s\n", f, NR, $0 > "/dev/stderr"; bad = 1; next
			}
			if ($1 in name) { printf "%s:%d: duplicate name %s\n", f, NR, $1 > "/dev/stderr"; bad = 1 }
			if ($2 in bcm) { printf "%s:%d: duplicate bcm %s\n", f, NR, $2 > "/dev/stderr"; bad = 1 }
			name[$1] = 1; bcm[$2] = 1
			print $1, $2 + 0, $3
		}
		END { exit bad }' "$board" || die "invalid board file $board"
}

offset_of() {
	off=$(board_lines | awk -v want="$1" '$1 == want { print $2 }')
	[ -n "$off" ] || die "no line named $1 in $board"
	echo "$off"
}

chip_info() {
	dev=$(configfs_root)/$DEVICE
	[ -d "$dev" ] || die "no gpio-sim device $DEVICE (run: $prog create)"
	[ "$(cat "$dev/live")" = 1 ] || die "gpio-sim device $DEVICE is not live"
	echo "$(cat "$dev/$BANK/chip_name") $(cat "$dev/dev_name")"
}

line_dir() {
	off=$(offset_of "$1")
	info=$(chip_info)
	# shellcheck disable=SC2086 # split "CHIP DEV_NAME"
	set -- $info
	d=/sys/devices/platform/$2/$1/sim_gpio$off
	[ -d "$d" ] || die "no sysfs dir $d"
	echo "$d"
}

create() {
	root=$(configfs_root)
	dev=$root/$DEVICE
	[ ! -e "$dev" ] || die "gpio-sim device $DEVICE exists already (run: $prog destroy)"
	entries=$(board_lines)
	mkdir "$dev" || die "cannot create $dev"
	mkdir "$dev/$BANK"
	echo "$NUM_LINES" >"$dev/$BANK/num_lines"
	echo "$LABEL" >"$dev/$BANK/label"
	echo "$entries" | while read -r name off dir; do
		mkdir "$dev/$BANK/line$off"
		echo "$name" >"$dev/$BANK/line$off/name"
	done
	echo 1 >"$dev/live" || die "cannot set $DEVICE live"
	chip=$(cat "$dev/$BANK/chip_name")
	devname=$(cat "$dev/dev_name")
	sys=/sys/devices/platform/$devname/$chip
	# Idle levels as wired; gpio-sim starts every line pulled down.
	echo "$entries" | while read -r name off dir; do
		[ "$dir" = in ] || continue
		case $name in
		SELECT_*|VEND|DOOR) echo pull-up >"$sys/sim_gpio$off/pull" ;;
		*) echo pull-down >"$sys/sim_gpio$off/pull" ;;
		esac
	done
	echo "$chip $devname"
}

destroy() {
	dev=$(configfs_root)/$DEVICE
	[ -d "$dev" ] || return 0
	[ "$(cat "$dev/live")" = 0 ] || echo 0 >"$dev/live"
	for l in "$dev/$BANK"/line*; do
		[ -d "$l" ] || continue
		[ ! -d "$l/hog" ] || rmdir "$l/hog"
		rmdir "$l"
	done
	[ ! -d "$dev/$BANK" ] || rmdir "$dev/$BANK"
	rmdir "$dev"
}

while [ $# -gt 0 ]; do
	case $1 in
	-b) [ $# -ge 2 ] || die "-b needs a file"; board=$2; shift 2 ;;
	*) break ;;
	esac
done

case ${1:-} in
create) create ;;
destroy) destroy ;;
chip) chip_info ;;
dir) [ $# -eq 2 ] || die "usage: $prog dir NAME"; line_dir "$2" ;;
offset) [ $# -eq 2 ] || die "usage: $prog offset NAME"; offset_of "$2" ;;
*) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
