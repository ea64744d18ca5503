/*
 * mdb: payment peripherals on the MDB bus (today a coin changer), through
 * an adapter board on a serial port ([mdb] device). See mdb.c; its
 * decisions are mdb_core's, its bytes mdb_codec's and mdb_link's.
 */
#ifndef MDB_H
#define MDB_H

#include "config.h"

struct proc;

/* Make p the MDB activity; idle (no timer, no device) without [mdb] device. */
void	mdb_init(struct proc *, const struct config *);

#endif
