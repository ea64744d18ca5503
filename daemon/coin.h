/*
 * coin: owns the coin acceptor line (and its inhibit output). The pure core
 * turns edges with kernel timestamps into coins: a train ends after
 * train_gap_ms of silence; pulses under pulse_min_ms are noise, over
 * pulse_max_ms a line fault; the count maps to a value via the config table.
 */
#ifndef COIN_H
#define COIN_H

#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;
struct gpio_line;

struct coin_core {
	const struct coin_conf *cf;
	int		active;		/* line level as last seen */
	uint64_t	pulse_start;	/* ts of the last active edge */
	uint32_t	pulses;		/* valid pulses in the current train */
	uint64_t	gap_deadline;	/* train ends here; 0 = no train */
	uint64_t	stuck_deadline;	/* active too long: fault; 0 = none */
	uint32_t	noise_pending;	/* noise pulses not yet sent */
	uint32_t	faults;		/* line faults since start */
	int		last_end;	/* how the last pulse end counted it:
					 * COIN_END_*, 0 once a pulse starts
					 * or the train ends */
	uint64_t	last_start;	/* that pulse's start */
	int		inhibit;	/* sales asked to block the acceptor */
	int		arm_busy;	/* the arm is dispensing: block too */
};

/* How coin_pulse_end counted a pulse, so a dropout can take it back. */
enum {
	COIN_END_NONE = 0,
	COIN_END_PULSE,		/* one pulse of the train */
	COIN_END_NOISE,		/* shorter than pulse_min_ms */
	COIN_END_RELEASED,	/* a stuck line let go; its fault was sent */
};

void	 coin_core_init(struct coin_core *, const struct coin_conf *);
/* An edge of the acceptor line: active = 1 when the pulse begins. */
void	 coin_core_edge(struct coin_core *, int active, uint64_t ts_ns,
	    struct outbox *);
/* Time passed: end a train, flag a stuck line. */
void	 coin_core_tick(struct coin_core *, uint64_t now_ns, struct outbox *);
/* The last edge was a pulse too short for the kernel to time (a spike). */
void	 coin_core_glitch(struct coin_core *, uint64_t ts_ns);
/* When coin_core_tick must next run; 0 = nothing pending. */
uint64_t coin_core_deadline(const struct coin_core *);
/* Sales' wish (MSG_COIN_INHIBIT from sales). */
void	 coin_core_set_inhibit(struct coin_core *, int on);
/* The arm is dispensing (MSG_ARM_BUSY). */
void	 coin_core_set_arm_busy(struct coin_core *, int on);
/* The level the inhibit output must have. */
int	 coin_core_inhibit_level(const struct coin_core *);

/* The thread shell: register events on the proc's base before it runs. */
void	 coin_init(struct proc *, const struct config *, struct gpio_line *line,
	    struct gpio_line *inhibit);

#endif
