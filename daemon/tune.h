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
 * Pin main to [vendd] cpu before the activities' threads exist: they
 * inherit it, so none starts on one CPU and moves. Refused: logged, vendd
 * runs on without it.
 */
void	tune_pin(const struct config *);
/*
 * Give the activities on the coin and vend paths their SCHED_FIFO priority
 * when [vendd] realtime says so, once their threads exist. Refused: logged
 * once, they run with normal priority.
 */
void	tune_realtime(const struct config *, struct proc procs[PROC_MAX]);

#endif
