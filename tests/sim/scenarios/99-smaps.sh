#!/bin/sh
. /vendd/tests/sim/lib.sh
vendd_start_fast
coin 10
wait_status credit 100
status_refresh
sleep 1
cat /proc/$VENDD_PID/smaps_rollup
awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6; if(name=="") name="[anon]"} /^Pss:/{pss[name]+=$2} /^Rss:/{rss[name]+=$2} /^Private_Dirty:/{pd[name]+=$2} END{for(n in pss) printf "%8d %8d %8d %s\n", pss[n], rss[n], pd[n], n}' /proc/$VENDD_PID/smaps | sort -rn | head -40
grep -E "Threads|VmRSS|RssAnon|RssFile" /proc/$VENDD_PID/status
for t in /proc/$VENDD_PID/task/*; do echo "$(cat $t/comm) $(grep -E 'VmStk' $t/status)"; done
pass
