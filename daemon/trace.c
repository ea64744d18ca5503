/*
 * The trace's marks: a thread-local array, so the threads share nothing, and
 * one line per mark at the end ("trace THREAD WHAT TYPE NS").
 */
#ifdef VENDD_TRACE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "trace.h"

#define TRACE_MAX	16384

struct trace_rec {
	const char	*what;
	unsigned	 type;
	uint64_t	 ts;
};
/* On the heap: a thread's TLS comes out of its small stack. */
static __thread struct trace_rec *trace_ring;
static __thread unsigned trace_n;

/* Record a mark at ts_ns, or now when 0. */
void
trace_mark(const char *what, unsigned type, uint64_t ts_ns)
{
	struct timespec	ts;

	if (ts_ns == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts_ns = (uint64_t)ts.tv_sec * 1000000000ULL +
		    (uint64_t)ts.tv_nsec;
	}
	if (trace_ring == NULL &&
	    (trace_ring = calloc(TRACE_MAX, sizeof(*trace_ring))) == NULL)
		return;
	if (trace_n < TRACE_MAX) {
		trace_ring[trace_n].what = what;
		trace_ring[trace_n].type = type;
		trace_ring[trace_n++].ts = ts_ns;
	}
}

/* Print this thread's marks to stderr. */
void
trace_dump(const char *thread)
{
	for (unsigned i = 0; i < trace_n; i++)
		fprintf(stderr, "trace %s %s %u %llu\n", thread,
		    trace_ring[i].what, trace_ring[i].type,
		    (unsigned long long)trace_ring[i].ts);
}
#endif
