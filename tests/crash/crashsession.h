/*
 * crashstates' session (crashsession.c): a scripted run of the real ledger
 * whose every I/O call is logged in crash_ops (crashfs.h), and what the
 * session had acknowledged and issued at each of them.
 */
#ifndef CRASHSESSION_H
#define CRASHSESSION_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* The session's accounting at a crash point: its epoch (run of the
 * daemon), the records acknowledged durable and the records issued. */
struct crash_at {
	int		epoch;
	uint64_t	acked, issued;
};

/* Run the session in dir; -1 if a restart was refused and it ended. */
int			 crashsession_run(const char *dir, FILE *report);
/* The config the session's ledger ran with. */
const struct config	*crashsession_config(void);
/* The accounting when a crash comes before op p (p == crash_nops: at the
 * session's end). */
struct crash_at		 crashsession_at(int p);

#endif
