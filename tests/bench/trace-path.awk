# Where a vend's and a coin's time goes, from a vendd built with -DVENDD_TRACE
# (make bench-trace).
#
# usage: awk -f trace-path.awk daemon/msg.h TRACE
#
# daemon/msg.h gives the numbers of enum msg_type; TRACE holds the
# "trace THREAD WHAT TYPE NS" lines of vendd's log, sorted by NS. The marks
# are the transport's ("send" just before a message's write(), "sent" after
# it, "recv" as the receiver takes it from its inbox) and main's start-up
# phases. Prints "STEP MICROSECONDS" for each step of each vend and coin, and
# "start-NN-PHASE MS" for each start-up phase, in their order.
#
# A path is a chain of messages, each received by the thread that sends the
# next. Its steps alternate between a hop (the sender's "send" to the
# receiver's "recv": the pipe and the wake-up) and the work in a thread
# (its "recv" of one message to its "send" of the next). "send", not
# "sent": with [vendd] realtime the receiver preempts its sender inside
# write(), so "sent" comes after the rest of the path. The edge before the
# first message and the relay after the last one carry no marks any more:
# the prober's latency is the whole, these are its parts inside vendd.

function path(name, spec,    n, i, w) {
	n = split(spec, w, " ")
	npath++
	pname[npath] = name
	plen[npath] = (n - 1) / 2
	for (i = 1; i <= plen[npath]; i++) {
		pfrom[npath, i] = w[2 * i - 1]
		ptype[npath, i] = w[2 * i]
		pto[npath, i] = w[2 * i + 1]
	}
}

# One step of path p: the time since its last mark, named by its number.
function step(p, name, t) {
	nstep[p]++
	printf "%s-%02d-%s %.1f\n", pname[p], nstep[p], name, (t - last[p]) / 1000
	last[p] = t
}

# daemon/msg.h, the first file: MSG_NAME [= N], one per line of the enum.
FNR == NR {
	if ($0 ~ /^enum msg_type/)
		inenum = 1
	else if (inenum && $0 ~ /^}/)
		inenum = 0
	else if (inenum && $1 ~ /^MSG_[A-Z0-9_]+,?$/) {
		name = $1
		sub(/,$/, "", name)
		val = $2 == "=" ? $3 + 0 : val + 1
		num[name] = val
	}
	next
}

# The paths, once the numbers are known.
FNR == 1 {
	path("vend", "panel MSG_PANEL_VEND sales MSG_VEND_RESERVE ledger " \
	    "MSG_ARM_DISPENSE arm")
	path("coin", "coin MSG_COIN_INSERTED ledger MSG_CREDIT_ADDED sales")
	for (p = 1; p <= npath; p++)
		for (i = 1; i <= plen[p]; i++) {
			if (!(ptype[p, i] in num)) {
				print "trace-path.awk: no " ptype[p, i] " in msg.h" | "cat 1>&2"
				exit 1
			}
			ptype[p, i] = num[ptype[p, i]]
		}
}

$1 != "trace" { next }

$3 == "send" {
	for (p = 1; p <= npath; p++) {
		if ($2 == pfrom[p, 1] && $4 == ptype[p, 1]) {
			at[p] = 1; first[p] = last[p] = $5; nstep[p] = 0
		} else if (at[p] > 1 && $2 == pfrom[p, at[p]] && $4 == ptype[p, at[p]])
			step(p, "in-" $2, $5)
	}
}

$3 == "recv" {
	for (p = 1; p <= npath; p++) {
		i = at[p]
		if (i == 0 || $2 != pto[p, i] || $4 != ptype[p, i])
			continue
		step(p, "hop-" pfrom[p, i] "-" $2, $5)
		if (i < plen[p]) {
			at[p] = i + 1
			continue
		}
		printf "%s-%02d-total-%s-send-to-%s-recv %.1f\n", pname[p],
		    nstep[p] + 1, pfrom[p, 1], $2, ($5 - first[p]) / 1000
		at[p] = 0
	}
}

# main's start-up phases: every mark of main that is not the transport's.
$2 == "main" && $3 == "main" { ms = $5; pm = $5; nphase = 0; next }
$2 == "main" && ms > 0 && $3 != "send" && $3 != "sent" && $3 != "recv" {
	printf "start-%02d-%s %.2f\n", ++nphase, $3, ($5 - pm) / 1e6
	pm = $5
	if ($3 == "ready") {
		printf "start-total %.2f\n", ($5 - ms) / 1e6
		ms = 0
	}
}
