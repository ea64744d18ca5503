/*
 * A latency trace through the message path, built only with -DVENDD_TRACE
 * (make bench-trace): each thread keeps its own marks, prints them when it
 * ends.
 */
#ifndef VENDD_TRACE_H
#define VENDD_TRACE_H

#include <stdint.h>

#ifdef VENDD_TRACE
void	trace_mark(const char *what, unsigned type, uint64_t ts_ns);
void	trace_dump(const char *thread);
#else
#define trace_mark(what, type, ts)	((void)0)
#define trace_dump(thread)		((void)0)
#endif

#endif
