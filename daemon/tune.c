/*
 * tune: CPU placement and real-time priorities, the one place vendd sets
 * them.
 *
 * - [vendd] cpu: every thread on one CPU, so that a message to the next
 *   activity is a context switch there rather than the wake-up of another
 *   CPU, which is most of what a hop costs.
 * - [vendd] realtime: SCHED_FIFO priorities rising along a vend's path
 *   (panel 1, sales 2, ledger 3, arm 4; coin 1, as it feeds the ledger), so
 *   that each receiver runs as soon as its sender's write() returns and the
 *   sender's trip back through its loop leaves the path. All far below the
 *   kernel's interrupt threads (50). Control and cooling stay normal.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "log.h"
#include "tune.h"

static const int tune_rt_prio[PROC_MAX] = {
	[PROC_COIN] = 1, [PROC_PANEL] = 1, [PROC_SALES] = 2,
	[PROC_LEDGER] = 3, [PROC_ARM] = 4,
};

/* Pin main (and so the threads it starts) to cf->cpu, if we may use it. */
void
tune_pin(const struct config *cf)
{
	cpu_set_t	set;

	if (cf->cpu < 0)
		return;
	if (sched_getaffinity(0, sizeof(set), &set) == -1 ||
	    cf->cpu >= CPU_SETSIZE || !CPU_ISSET(cf->cpu, &set)) {
		log_warnx("%s: cpu = %d: not a CPU vendd may run on; threads "
		    "not pinned", cf->path, cf->cpu);
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cf->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		log_warn("%s: cpu = %d: not pinned", cf->path, cf->cpu);
}

/* SCHED_FIFO for the threads on the coin and vend paths; say if refused. */
void
tune_realtime(const struct config *cf, struct proc procs[PROC_MAX])
{
	struct sched_param	sp;
	int			refused = 0, err = 0, e;

	if (!cf->realtime)
		return;
	for (int id = PROC_COIN; id < PROC_MAX; id++) {
		if (tune_rt_prio[id] == 0)
			continue;
		memset(&sp, 0, sizeof(sp));
		sp.sched_priority = tune_rt_prio[id];
		if ((e = pthread_setschedparam(procs[id].thread, SCHED_FIFO,
		    &sp)) != 0) {
			refused++;
			err = e;
		}
	}
	if (refused)
		log_warnx("%s: realtime = yes, but SCHED_FIFO was refused for "
		    "%d threads (%s; RLIMIT_RTPRIO below 4? see LimitRTPRIO= "
		    "in vendd.service): they run with normal priority",
		    cf->path, refused, strerror(err));
}
