/*
 * The direction of each edge of a line requested for both edges, decided
 * without libgpiod so unit tests can drive it.
 *
 * The kernel timestamps an edge in its hard IRQ but reads the line's level,
 * which names the edge rising or falling, later in its IRQ thread. Two
 * things go wrong when that thread runs late:
 *
 *  (a) the line changed again while the thread ran: two events come out,
 *      both named after the new level, with the right timestamps. The first
 *      is misnamed; edges alternate, so its direction is the opposite of the
 *      last one.
 *  (b) the line changed and came back before the thread ran (a spike, or a
 *      pulse shorter than the thread's delay): one event comes out, named
 *      after the level the line was already at. Taking it for an edge by
 *      alternation inverts every later edge.
 *
 * A single disagreement with alternation is taken as (a). A second one in a
 * row can only follow (b): the line is where the kernel says, and the edge
 * before was a pulse too short to time; the event carries `resync`.
 */
#include "gpio.h"

/* Name one edge from the kernel's report; see the comment above. */
int
gpio_phase_edge(struct gpio_phase *ph, int reported, uint32_t lost,
    int *resync)
{
	*resync = 0;
	if (!ph->known || lost > 0 || reported != ph->level) {
		/* first edge, after a loss, or agreeing with alternation */
		ph->suspect = 0;
		ph->level = reported;
	} else if (!ph->suspect) {
		ph->suspect = 1;	/* (a) until the next edge says (b) */
		ph->level = !reported;
	} else {
		ph->suspect = 0;	/* (b): the line is where it says */
		ph->level = reported;
		*resync = 1;
	}
	ph->known = 1;
	return ph->level;
}

/* The owner read the line's level itself: believe it from now on. */
void
gpio_phase_set(struct gpio_phase *ph, int level)
{
	ph->known = 1;
	ph->suspect = 0;
	ph->level = level != 0;
}
