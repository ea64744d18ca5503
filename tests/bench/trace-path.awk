# The vend path, step by step, from a vendd built with -DVENDD_TRACE (make
# bench-trace): reads "trace THREAD WHAT TYPE NS" lines sorted by NS, prints
# "STEP MICROSECONDS" for every step of every vend, and "start-PHASE MS"
# for every start-up phase (main's marks).
#
# A vend: panel reads the VEND edge and sends MSG_PANEL_VEND (21); sales
# receives it and sends MSG_VEND_RESERVE (31); the ledger writes the journal
# and sends MSG_ARM_DISPENSE (33); the arm sets the slot, then the relay.
# Steps use "send", the mark just before write(): with [vendd] realtime the
# receiver preempts its sender inside write(), so "sent" comes after the
# rest of the path.
# One step: the time from the mark before to this one, named by this one.
function step(i, name, t) {
	if (last > 0 && t >= last)
		printf "%02d-%s %.1f\n", i, name, (t - last) / 1000
	last = t
}
$2 == "panel" && $3 == "edge" { edge = $5 }
$2 == "panel" && $3 == "read" { readt = $5 }
$2 == "panel" && $3 == "send" && $4 == 21 {
	last = 0; on = 1
	step(0, "edge", edge); step(1, "panel-read", readt); step(2, "panel-sent", $5)
	next
}
on && $2 == "sales" && $3 == "recv" && $4 == 21 { step(3, "sales-recv", $5); next }
on && $2 == "sales" && $3 == "send" && $4 == 31 { step(4, "sales-sent", $5); next }
on && $2 == "ledger" && $3 == "recv" && $4 == 31 { step(5, "ledger-recv", $5); next }
on && $2 == "ledger" && $3 == "jwrite" { step(6, "ledger-jwrite", $5); next }
on && $2 == "ledger" && $3 == "jwritten" { step(7, "ledger-jwritten", $5); next }
on && $2 == "ledger" && $3 == "send" && $4 == 33 { step(8, "ledger-sent", $5); next }
on && $2 == "arm" && $3 == "recv" && $4 == 33 { step(9, "arm-recv", $5); next }
on && $2 == "arm" && $3 == "slot_on" { step(10, "arm-slot-set", $5); next }
on && $2 == "arm" && $3 == "relay_on" {
	step(11, "arm-relay-set", $5); on = 0
	if (edge > 0 && $5 > edge)
		printf "12-edge-to-relay %.1f\n", ($5 - edge) / 1000
	next
}
$2 == "main" && $3 == "main" { ms = $5; pm = $5; next }
$2 == "main" && ms > 0 && $3 != "send" && $3 != "sent" && $3 != "recv" && $3 != "pong" {
	printf "start-%s %.2f\n", $3, ($5 - pm) / 1e6
	pm = $5
	if ($3 == "ready") {
		printf "start-total %.2f\n", ($5 - ms) / 1e6
		ms = 0
	}
}
