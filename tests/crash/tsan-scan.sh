#!/bin/sh
# tsan-scan: after the other tests ran vendd under ThreadSanitizer, any
# report in any vendd log of this boot fails; each report is shown whole.
. /vendd/tests/sim/lib.sh

n=0
for f in /tmp/sim-*/vendd.log; do
	[ -e "$f" ] || continue
	c=$(grep -c 'WARNING: ThreadSanitizer' "$f")
	[ "$c" = 0 ] && continue
	n=$((n + c))
	echo "tsan: $c reports in $f:"
	awk '/WARNING: ThreadSanitizer/ { p = 1 } p { print "  | " $0 } /^SUMMARY: ThreadSanitizer/ { p = 0 }' "$f"
done
logs=$(ls /tmp/sim-*/vendd.log 2>/dev/null | wc -l)
tsan_runs=$(cat /tmp/sim-*/vendd.log 2>/dev/null | grep -c 'ThreadSanitizer\|ready:')
echo "tsan: reports=$n logs=$logs"
[ "$n" = 0 ] || fail "$n ThreadSanitizer reports"
pass
