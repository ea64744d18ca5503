#!/bin/sh
# The narrated demo (`tests/sim/run-vm --demo`): a vending session on the
# simulated board. Placeholder: the lead fills the steps in once vendd runs.
# It passes when it exits 0; it may print "PASS demo" / "FAIL demo: ..." itself.
. /vendd/tests/sim/lib.sh

say() { echo "demo: $*"; }

say "the board:"
gpioinfo -c "$(sim_chip)" | grep '"' | sed 's/^/    /'

# TODO(lead), in order:
#   vendd_start cooling.start_delay_s=0 cooling.min_off_s=2 cooling.min_on_s=2
#   coins:              simdrv coin COIN 2 50 50; status credit
#   a selection change: simdrv press SELECT_A; simdrv press SELECT_B; status selection
#   a vend:             simdrv press VEND; simdrv watch ARM,SLOT_B 3000 while
#                       simdrv pulse DROP 50 breaks the beam; status counters.paid_vends
#   cooling:            sensor_set 9000 ... simdrv wait COMPRESSOR 1 ...;
#                       sensor_set 3000 ... simdrv wait COMPRESSOR 0 ...
#   a failed vend:      no DROP pulse; watch the retries, then the refund
#                       (status credit, products.id=X.state)
#   vendd_stop
say "vendd demo steps not written yet"
