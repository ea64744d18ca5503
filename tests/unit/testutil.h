/* Small helpers shared by the unit tests: a fake clock and outbox lookups. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"

#define MS(x)	((uint64_t)(x) * 1000000ULL)	/* fake clock: ms to ns */
#define SEC(x)	((uint64_t)(x) * 1000000000ULL)

/* The index of the first message of this type in the outbox, or -1. */
static inline int
outbox_find(const struct outbox *ob, uint16_t type)
{
	for (int i = 0; i < ob->n; i++)
		if (ob->m[i].hdr.type == type)
			return i;
	return -1;
}

/* How many messages of this type the outbox holds. */
static inline int
outbox_count(const struct outbox *ob, uint16_t type)
{
	int	n = 0;

	for (int i = 0; i < ob->n; i++)
		n += ob->m[i].hdr.type == type;
	return n;
}

#endif
