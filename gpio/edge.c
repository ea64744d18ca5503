/*
 * The direction of each edge of a line requested for both edges, decided
 * without libgpiod so unit tests can drive it.
 *
 * The kernel stamps an edge in its hard IRQ (gpiolib-cdev.c,
 * edge_irq_handler) but reads the level that names it rising or falling
 * later, in its IRQ thread (edge_irq_thread). That read comes after the
 * IRQ, so it is never older than the edge (gpio-sim raises the IRQ under
 * the chip lock its get takes, before it stores the value), only later.
 * When the thread is late:
 *
 *  (a) it read the level after the next edge: two events, both named after
 *      the new level, each with its own timestamp. The first is misnamed;
 *      edges alternate, so its direction is the opposite of the last one.
 *  (b) the next edge came before it ran at all: that edge's wake-up finds
 *      the first still pending (kernel/irq/handle.c, __irq_wake_thread) and
 *      only its timestamp is kept. One event stands for both edges, named
 *      after the level they came back to. A spike gives this, and so does a
 *      real pulse or gap if the thread is held off for all of it: nothing
 *      in the events tells them apart. Named by alternation, it would
 *      invert every later edge.
 *
 * A single disagreement with alternation is taken as (a). A second one in a
 * row is taken as (b): the line is where the kernel says, and the edge
 * before stood for a pulse too short to time; the event carries `resync`.
 * (a) twice in a row gives the same reports, and the next report does not
 * settle it: (a) twice then an edge read in time, and a spike, an edge read
 * in time, then one read late, report alike. (b) is the bet: on a board,
 * microsecond spikes are common and a thread late by a whole pulse is rare;
 * (a) twice needs that twice, each time with the thread started before the
 * next edge and reading after it.
 *
 * Under emulation (b) also happens to real gaps of 5 ms: a stall of the
 * vCPU the thread runs on holds it off while the simulator, on the other,
 * gets both edges. So the bench calls a coin train clean only if the
 * thread kept up with each edge (tests/bench/prober.c, struct kthread).
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
