/*
 * tune: where vendd's threads run and at what priority ([vendd] cpu and
 * realtime), applied by main in one place once every thread exists. The
 * activities know nothing of it.
 */
#ifndef TUNE_H
#define TUNE_H

#include "config.h"
#include "proc.h"

/*
 * Pin main and every activity's thread to [vendd] cpu, and give the
 * activities on the coin and vend paths their SCHED_FIFO priority when
 * [vendd] realtime says so. What the kernel refuses is logged once; vendd
 * runs on without it.
 */
void	tune_threads(const struct config *, struct proc procs[PROC_MAX]);

#endif
