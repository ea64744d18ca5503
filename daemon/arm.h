/*
 * arm: owns the arm relay, the slot lines and the drop sensor. A cycle sets
 * the slot, energises the relay for run_ms, then waits for the drop sensor up
 * to drop_timeout_ms (without a sensor the cycle succeeds when the relay run
 * ends), retries up to retries times, releases everything and reports.
 *
 * A beam already broken when a vend starts (a product stuck in the tray, a
 * dirty sensor) could never see this vend's product fall: the motor does
 * not run, the vend fails at once, and dispensing stays blocked (sales is
 * told) until the beam has been clear for ARM_CLEAR_MS. The drop sensor is
 * shared by every column, so the whole machine stops dispensing, not one
 * column.
 */
#ifndef ARM_H
#define ARM_H

#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;
struct gpio_line;

enum arm_phase {
	ARM_IDLE = 0,
	ARM_RUNNING,		/* relay energised */
	ARM_WAIT_DROP,		/* relay off, waiting for the beam */
};

struct arm_core {
	const struct arm_conf *cf;
	const struct config *root;	/* product ids, for log lines */
	int		has_drop;	/* a drop sensor is wired */
	int		phase;		/* enum arm_phase */
	uint32_t	vend_id;
	int		product;	/* -1 when idle */
	int64_t		price;
	uint32_t	test;		/* a test vend: said back with the outcome */
	uint32_t	attempt;	/* 1-based */
	uint64_t	started_at;	/* dispense: older drop edges are stale */
	int		dropped;	/* beam broken during this attempt */
	uint64_t	deadline;	/* end of run or of the drop wait */
	int		broken;	/* the beam's level after the last edge */
	int		beam;		/* beam broken, not yet judged */
	uint64_t	beam_at;	/* when it was broken */
	uint32_t	spikes;		/* breaks under drop_min_ms: noise */
	int		blocked;	/* beam broken at a vend's start: no dispensing */
	uint64_t	clear_at;	/* blocked: clear since, ends it at this time */
	int		stopping;	/* vendd stops: no retry, no new cycle */
};

#define ARM_CLEAR_MS	1000	/* a blocked beam must stay clear this long */

void	 arm_core_init(struct arm_core *, const struct config *, int has_drop);
/*
 * MSG_ARM_DISPENSE. The shell first reads the drop line and, where it
 * differs from what the edges said, feeds the level in as an edge at now.
 * A dispense while busy is a bug (fatalx in the shell).
 */
void	 arm_core_dispense(struct arm_core *, const struct msg_vend *,
	    uint64_t now_ns, struct outbox *);
/* Start-up, the line's level fed in as for a dispense: broken blocks. */
void	 arm_core_start(struct arm_core *, struct outbox *);
/*
 * A drop sensor edge: active = beam broken. A break counts as a drop once it
 * has lasted drop_min_ms (from its edge's time stamp); one that ends sooner
 * is noise, logged and counted in spikes, never a sale.
 */
void	 arm_core_drop(struct arm_core *, uint64_t ts_ns, int active,
	    struct outbox *);
/* A break has lasted drop_min_ms: the next tick counts it as a drop. */
int	 arm_core_beam_due(const struct arm_core *, uint64_t now_ns);
/* The line reads clear under a break with no edge to end it: noise. */
void	 arm_core_glitch(struct arm_core *, uint64_t now_ns);
void	 arm_core_tick(struct arm_core *, uint64_t now_ns, struct outbox *);
uint64_t arm_core_deadline(const struct arm_core *);
/* Output levels wanted now: relay 0/1, slot = product index or -1. */
int	 arm_core_relay(const struct arm_core *);
int	 arm_core_slot(const struct arm_core *);
/*
 * vendd stops (MSG_STOP): 1 if idle (stop now); else the attempt in progress
 * finishes (a product that drops is sold), no retry follows, and the core
 * is idle once it has reported; 0 until then.
 */
int	 arm_core_stop(struct arm_core *);
/*
 * Stop at once (a second signal, the stop's time limit): everything
 * released. A vend whose product already dropped is reported done; any
 * other is reported failed (VEND_WHY_STOPPED), its credit restored.
 */
void	 arm_core_abort(struct arm_core *, struct outbox *);

/* slots[i] may be NULL (product i has no slot line); drop may be NULL. */
void	 arm_init(struct proc *, const struct config *, struct gpio_line *relay,
	    struct gpio_line **slots, struct gpio_line *drop);

#endif
