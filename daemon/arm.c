/*
 * arm: the dispenser. The pure core runs one vend cycle at a time: slot set,
 * relay energised for run_ms, then (with a drop sensor) a wait for the beam,
 * retried up to retries times; the outcome goes to the ledger. The shell
 * drives the relay and slot lines to the levels the core wants.
 */
#include <errno.h>
#include <string.h>

#include <event2/event.h>

#include "arm.h"
#include "gpio.h"
#include "log.h"
#include "proc.h"

#define NS_PER_MS	1000000ULL
#define ARM_EDGES	16	/* drop sensor edges read per wake-up */

/* The product's id for log lines, as sales and the ledger name it. */
static const char *
arm_product_id(const struct arm_core *c)
{
	return c->product >= 0 && c->product < c->root->nproducts ?
	    c->root->product[c->product].id : "?";
}

/* Start idle, everything released. */
void
arm_core_init(struct arm_core *c, const struct config *cf, int has_drop)
{
	memset(c, 0, sizeof(*c));
	c->cf = &cf->arm;
	c->root = cf;
	c->has_drop = has_drop != 0;
	c->phase = ARM_IDLE;
	c->product = -1;
}

/* Release relay and slot and forget the vend. */
static void
arm_release(struct arm_core *c)
{
	c->phase = ARM_IDLE;
	c->product = -1;
	c->dropped = 0;
	c->deadline = 0;
}

/* Log how a cycle ended, in the words a technician needs. */
static void
arm_log_end(const struct arm_core *c, int ok, int why)
{
	const char	*s = c->attempt == 1 ? "" : "s";

	if (ok)
		log_info("arm: vend %u of %s done after %u attempt%s",
		    c->vend_id, arm_product_id(c), c->attempt, s);
	else if (why == VEND_WHY_BEAM_BLOCKED)
		log_warnx("arm: vend %u of %s not started: the drop sensor %s "
		    "is already broken (a product in the tray, or a dirty "
		    "sensor); dispensing stops until it clears", c->vend_id,
		    arm_product_id(c), c->cf->drop.name);
	else if (why == VEND_WHY_STOPPED)
		log_warnx("arm: vend %u of %s cut short by vendd stopping "
		    "after %u attempt%s: credit restored", c->vend_id,
		    arm_product_id(c), c->attempt, s);
	else
		log_warnx("arm: vend %u failed: %s did not drop in "
		    "%u attempt%s", c->vend_id, arm_product_id(c), c->attempt,
		    s);
}

/* The cycle ended: report it to the ledger and release everything. */
static void
arm_finish(struct arm_core *c, int ok, int why, struct outbox *ob)
{
	struct msg_vend	v = { 0 };

	v.vend_id = c->vend_id;
	v.product = (uint32_t)c->product;
	v.price = c->price;
	v.ok = ok != 0;
	v.why = ok ? 0 : (uint32_t)why;
	v.test = (uint32_t)c->test;
	v.attempts = c->attempt;
	arm_log_end(c, ok, why);
	arm_release(c);
	outbox_put(ob, PROC_LEDGER, MSG_ARM_DONE, &v, sizeof(v));
}

/* Tell sales whether dispensing is blocked by a broken beam. */
static void
arm_set_blocked(struct arm_core *c, int on, struct outbox *ob)
{
	struct msg_flag	f = { 0 };

	if (c->blocked == on)
		return;
	c->blocked = on;
	c->clear_at = 0;
	f.on = (uint32_t)on;
	if (!on)
		log_info("arm: the drop sensor %s is clear again: dispensing "
		    "resumes", c->cf->drop.name);
	outbox_put(ob, PROC_SALES, MSG_ARM_BLOCKED, &f, sizeof(f));
}

/* Energise the relay for one attempt. */
static void
arm_run(struct arm_core *c, uint64_t now)
{
	c->phase = ARM_RUNNING;
	c->dropped = 0;
	c->deadline = now + (uint64_t)c->cf->run_ms * NS_PER_MS;
}

/*
 * The ledger made the reservation durable: start the cycle, unless the
 * beam is broken already (this vend's drop could not be seen: fail at once,
 * motor off, dispensing blocked) or vendd is stopping.
 */
void
arm_core_dispense(struct arm_core *c, const struct msg_vend *v,
    uint64_t now_ns, struct outbox *ob)
{
	if (c->phase != ARM_IDLE)
		fatalx("arm: dispense of vend %u while vend %u runs",
		    v->vend_id, c->vend_id);
	c->vend_id = v->vend_id;
	c->product = (int)v->product;
	c->price = v->price;
	c->test = v->test;
	c->attempt = 0;
	c->started_at = now_ns;
	if (c->stopping) {
		arm_finish(c, 0, VEND_WHY_STOPPED, ob);
		return;
	}
	if (c->has_drop && c->broken) {
		arm_finish(c, 0, VEND_WHY_BEAM_BLOCKED, ob);
		arm_set_blocked(c, 1, ob);
		return;
	}
	c->attempt = 1;
	log_debug("arm: vend %u: %s", c->vend_id, arm_product_id(c));
	arm_run(c, now_ns);
}

/* Start-up: a beam broken already blocks dispensing until it clears. */
void
arm_core_start(struct arm_core *c, struct outbox *ob)
{
	if (!c->has_drop || !c->broken)
		return;
	log_warnx("arm: the drop sensor %s is broken at start-up (a product "
	    "in the tray, or a dirty sensor): no dispensing until it clears",
	    c->cf->drop.name);
	arm_set_blocked(c, 1, ob);
}

/*
 * A break long enough to be a product: remember it while running, finish
 * while waiting. A break that began before this vend was dispensed (a hand
 * in the tray, read late) is not this vend's product.
 */
static void
arm_beam_drop(struct arm_core *c, struct outbox *ob)
{
	uint64_t	ts_ns = c->beam_at;

	c->beam = 0;
	if (c->phase != ARM_IDLE && ts_ns < c->started_at) {
		log_debug("arm: vend %u: drop sensor edge %llu ms before the "
		    "dispense, ignored", c->vend_id, (unsigned long long)
		    ((c->started_at - ts_ns) / NS_PER_MS));
		return;
	}
	switch (c->phase) {
	case ARM_RUNNING:
		c->dropped = 1;
		break;
	case ARM_WAIT_DROP:
		c->dropped = 1;
		arm_finish(c, 1, 0, ob);
		break;
	default:
		log_debug("arm: drop sensor at %llu ms while idle, ignored",
		    (unsigned long long)(ts_ns / NS_PER_MS));
		break;
	}
}

/* The break was noise (why says how we know): a spike, not a drop. */
static void
arm_beam_spike(struct arm_core *c, uint64_t width_ns, const char *why)
{
	c->beam = 0;
	c->spikes++;
	if (c->phase == ARM_IDLE || c->beam_at < c->started_at) {
		log_debug("arm: %s: %llu us break with no vend waiting, "
		    "ignored", c->cf->drop.name,
		    (unsigned long long)(width_ns / 1000));
		return;
	}
	log_warnx("arm: vend %u: %s: beam broken for %llu us, %s: noise on "
	    "the line, not a drop (%u so far)", c->vend_id, c->cf->drop.name,
	    (unsigned long long)(width_ns / 1000), why, c->spikes);
}

/* The beam's break has lasted drop_min_ms by now: it is a drop. */
int
arm_core_beam_due(const struct arm_core *c, uint64_t now_ns)
{
	return c->beam && now_ns >= c->beam_at && now_ns - c->beam_at >=
	    (uint64_t)c->cf->drop_min_ms * NS_PER_MS;
}

/* A drop sensor edge: a break begins, or ends and is judged by its length. */
void
arm_core_drop(struct arm_core *c, uint64_t ts_ns, int active,
    struct outbox *ob)
{
	c->broken = active != 0;
	if (c->blocked)		/* the beam must stay clear to unblock */
		c->clear_at = active ? 0 :
		    ts_ns + (uint64_t)ARM_CLEAR_MS * NS_PER_MS;
	if (active) {
		if (c->beam)
			return;		/* a second active edge: same break */
		c->beam = 1;
		c->beam_at = ts_ns;
		if (arm_core_beam_due(c, ts_ns))	/* drop_min_ms = 0 */
			arm_beam_drop(c, ob);
		return;
	}
	if (!c->beam)
		return;			/* the end of a break already judged */
	if (arm_core_beam_due(c, ts_ns))	/* read after the timer was due */
		arm_beam_drop(c, ob);
	else
		arm_beam_spike(c, ts_ns - c->beam_at, "under drop_min_ms");
}

/* The shell read the line clear under a break about to count: noise. */
void
arm_core_glitch(struct arm_core *c, uint64_t now_ns)
{
	c->broken = 0;
	if (c->beam)
		arm_beam_spike(c, now_ns - c->beam_at,
		    "yet the line reads clear with no edge to say so");
}

/* The relay run ended: done, or wait for the beam. */
static void
arm_run_end(struct arm_core *c, uint64_t now, struct outbox *ob)
{
	if (!c->has_drop || c->dropped) {
		arm_finish(c, 1, 0, ob);
		return;
	}
	c->phase = ARM_WAIT_DROP;
	c->deadline = now + (uint64_t)c->cf->drop_timeout_ms * NS_PER_MS;
}

/*
 * No drop in time: retry while attempts remain, else the vend failed. A
 * stopping vendd starts no new attempt: the vend is refunded, the column
 * not blamed.
 */
static void
arm_wait_end(struct arm_core *c, uint64_t now, struct outbox *ob)
{
	if (c->stopping) {
		arm_finish(c, 0, VEND_WHY_STOPPED, ob);
		return;
	}
	if (c->attempt <= (uint32_t)c->cf->retries) {
		log_warnx("arm: vend %u: %s did not drop, retry %u "
		    "of %d", c->vend_id, arm_product_id(c), c->attempt,
		    c->cf->retries);
		c->attempt++;
		arm_run(c, now);
		return;
	}
	arm_finish(c, 0, VEND_WHY_NO_DROP, ob);
}

/* Time passed: end the relay run or the drop wait, or a blocked beam. */
void
arm_core_tick(struct arm_core *c, uint64_t now_ns, struct outbox *ob)
{
	if (c->blocked && c->clear_at && now_ns >= c->clear_at)
		arm_set_blocked(c, 0, ob);
	if (arm_core_beam_due(c, now_ns))
		arm_beam_drop(c, ob);
	/* A break still being judged holds the end of the wait. */
	if (c->phase == ARM_IDLE || now_ns < c->deadline ||
	    (c->phase == ARM_WAIT_DROP && c->beam))
		return;
	if (c->phase == ARM_RUNNING)
		arm_run_end(c, now_ns, ob);
	else
		arm_wait_end(c, now_ns, ob);
}

/* The end of the current run or wait, or of a break being judged; 0 idle. */
uint64_t
arm_core_deadline(const struct arm_core *c)
{
	uint64_t	beam_end = c->beam_at +
			    (uint64_t)c->cf->drop_min_ms * NS_PER_MS;

	if (c->phase == ARM_IDLE)
		return c->blocked ? c->clear_at : 0;
	if (!c->beam)
		return c->deadline;
	/* the wait's end is held for the judgement (arm_core_tick) */
	if (c->phase == ARM_WAIT_DROP || beam_end < c->deadline)
		return beam_end;
	return c->deadline;
}

/* The relay is energised only while running. */
int
arm_core_relay(const struct arm_core *c)
{
	return c->phase == ARM_RUNNING;
}

/* The slot is held for the whole cycle, retries included. */
int
arm_core_slot(const struct arm_core *c)
{
	return c->phase == ARM_IDLE ? -1 : c->product;
}

/* vendd stops: now if idle, else once the attempt in progress ends. */
int
arm_core_stop(struct arm_core *c)
{
	c->stopping = 1;
	if (c->phase == ARM_IDLE)
		return 1;
	log_info("arm: stopping once vend %u of %s ends (attempt %u, no "
	    "retry)", c->vend_id, arm_product_id(c), c->attempt);
	return 0;
}

/*
 * Stop at once: release everything. The customer already has a product
 * that dropped, so that vend is reported done (else it would be refunded
 * too); any other is reported stopped, its credit restored.
 */
void
arm_core_abort(struct arm_core *c, struct outbox *ob)
{
	c->stopping = 1;
	if (c->phase == ARM_IDLE)
		return;
	if (c->dropped)
		arm_finish(c, 1, 0, ob);
	else
		arm_finish(c, 0, VEND_WHY_STOPPED, ob);
}

/* The shell: the state of the arm thread. */
static struct arm_core	 arm;
static const struct config *arm_cf;
static struct proc	*arm_proc;
static struct gpio_line	*arm_relay;
static struct gpio_line	*arm_slots[VENDD_MAX_PRODUCTS];
static struct gpio_line	*arm_drop_line;
static int		 arm_relay_driven;	/* level on the relay */
static int		 arm_slot_driven = -1;	/* slot held, -1 none */
static int		 arm_busy_told;		/* last busy state told to coin */
static int		 arm_stopped;		/* the loop is ending: no more steps */
static struct event	*arm_ev_drop;
static struct event	*arm_ev_timer;

/* Drive one output; an output that cannot be driven is fatal. */
static void
arm_set(struct gpio_line *line, int level)
{
	if (line && gpio_line_set(line, level) == -1)
		fatal("arm: cannot drive %s", gpio_line_name(line));
}

/*
 * Bring relay and slot to the levels given, changing only what differs: the
 * relay goes off before a slot is released and on after a slot is set.
 */
static void
arm_drive(int relay, int slot)
{
	if (!relay && arm_relay_driven) {
		arm_set(arm_relay, 0);
		arm_relay_driven = 0;
	}
	if (slot != arm_slot_driven) {
		if (arm_slot_driven >= 0)
			arm_set(arm_slots[arm_slot_driven], 0);
		if (slot >= 0)
			arm_set(arm_slots[slot], 1);
		arm_slot_driven = slot;
	}
	if (relay && !arm_relay_driven) {
		arm_set(arm_relay, 1);
		arm_relay_driven = 1;
	}
}

/*
 * After every step: drive the outputs, send, sleep until the next deadline;
 * a stopping arm ends its loop once idle.
 */
static void
arm_flush(struct outbox *ob)
{
	struct msg_flag	busy = { arm.phase != ARM_IDLE };

	if (arm_stopped)
		return;
	arm_drive(arm_core_relay(&arm), arm_core_slot(&arm));
	proc_send_outbox(arm_proc, ob);
	proc_timer_at(arm_ev_timer, arm_core_deadline(&arm));
	/* Coin blocks the acceptor while we dispense; told once the relay is
	 * on, so its wake-up is not on the vend's path. */
	if ((int)busy.on != arm_busy_told) {
		arm_busy_told = (int)busy.on;
		proc_send(arm_proc, PROC_COIN, MSG_ARM_BUSY, 0, &busy,
		    sizeof(busy));
	}
	if (arm.stopping && arm.phase == ARM_IDLE)
		proc_stop(arm_proc);
}

/* The drop sensor has edges: the core judges each break's length. */
static void
arm_drop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gpio_edge	e[ARM_EDGES];
	struct outbox		ob;
	int			n, i;

	(void)fd; (void)what; (void)arg;
	if (arm_stopped)
		return;
	do {
		n = gpio_line_read_edges(arm_drop_line, e, ARM_EDGES);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fatal("arm: reading edges of %s",
			    gpio_line_name(arm_drop_line));
		}
		for (i = 0; i < n; i++) {
			outbox_init(&ob);
			arm_core_drop(&arm, e[i].ts_ns, e[i].active, &ob);
			arm_flush(&ob);
		}
	} while (n == ARM_EDGES);
}

/*
 * A break is about to count: is the beam really broken? A spike too short
 * for the kernel to time comes out as one edge that alternation names
 * active (gpio/edge.c). Read the line, then any edge still in flight,
 * which settles it; still clear with the break unended: noise.
 */
static void
arm_check_beam(uint64_t now)
{
	int	level;

	if (!arm_core_beam_due(&arm, now))
		return;
	if ((level = gpio_line_get(arm_drop_line)) == -1)
		fatal("arm: reading %s", gpio_line_name(arm_drop_line));
	arm_drop_cb(gpio_line_fd(arm_drop_line), EV_READ, NULL);
	if (level == 0 && arm.beam) {
		gpio_line_assume(arm_drop_line, 0);
		arm_core_glitch(&arm, now);
	}
}

/*
 * The drop sensor's level now (1: broken), edges already queued read first;
 * where it differs from what the edges said (a beam broken before vendd
 * started, an edge lost), the core gets it as an edge at now.
 */
static int
arm_beam_now(uint64_t now)
{
	struct outbox	ob;
	int		level;

	if (arm_drop_line == NULL)
		return 0;
	arm_drop_cb(gpio_line_fd(arm_drop_line), EV_READ, NULL);
	if ((level = gpio_line_get(arm_drop_line)) == -1)
		fatal("arm: reading %s", gpio_line_name(arm_drop_line));
	if (level != arm.broken) {
		gpio_line_assume(arm_drop_line, level);
		outbox_init(&ob);
		arm_core_drop(&arm, now, level, &ob);
		arm_flush(&ob);
	}
	return level;
}

/*
 * A blocked beam about to count as clear: believe the line, not only its
 * edges (one lost edge must not resume dispensing over a stuck product).
 */
static void
arm_check_clear(uint64_t now)
{
	if (arm.blocked && arm.clear_at != 0 && now >= arm.clear_at)
		(void)arm_beam_now(now);
}

/* The core's deadline came: end a run or a wait, or a blocked beam. */
static void
arm_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox	ob;
	uint64_t	now = now_ns();

	(void)fd; (void)what; (void)arg;
	/* A drop already queued counts before the wait is called over. */
	if (arm_drop_line != NULL) {
		arm_drop_cb(gpio_line_fd(arm_drop_line), EV_READ, NULL);
		arm_check_beam(now);
		arm_check_clear(now);
	}
	outbox_init(&ob);
	arm_core_tick(&arm, now, &ob);
	arm_flush(&ob);
}

/* The ledger's dispense: one at a time, for a product the config has. */
static void
arm_dispense(const struct msg *m)
{
	struct outbox	ob;
	uint64_t	now = now_ns();

	if (arm.phase != ARM_IDLE)
		fatalx("arm: dispense of vend %u from %s while vend %u runs",
		    m->u.vend.vend_id, proc_name(m->hdr.src), arm.vend_id);
	if (m->u.vend.product >= (uint32_t)arm_cf->nproducts)
		fatalx("arm: dispense of unknown product %u",
		    m->u.vend.product);
	(void)arm_beam_now(now);
	outbox_init(&ob);
	arm_core_dispense(&arm, &m->u.vend, now, &ob);
	arm_flush(&ob);
}

/* The loop runs: a beam broken at start-up blocks dispensing at once. */
static void
arm_start_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox	ob;

	(void)fd; (void)what; (void)arg;
	(void)arm_beam_now(now_ns());
	outbox_init(&ob);
	arm_core_start(&arm, &ob);
	arm_flush(&ob);
}

/* MSG_STOP: stop now if idle, else once the attempt in progress ends. */
static void
arm_stop(struct proc *p)
{
	if (arm_core_stop(&arm))
		proc_stop(p);
}

/* MSG_ABORT: stop now; arm_on_stop reports a vend in progress. */
static void
arm_abort(struct proc *p)
{
	proc_stop(p);
}

/* Answer control's status request. */
static void
arm_status(struct proc *p, const struct msg *m)
{
	struct msg_status_arm	st = { 0 };

	st.busy = arm.phase != ARM_IDLE;
	st.product = arm_core_slot(&arm);
	st.attempt = st.busy ? arm.attempt : 0;
	st.blocked = (uint32_t)arm.blocked;
	proc_send(p, m->hdr.src, MSG_STATUS_ARM, m->hdr.id, &st, sizeof(st));
}

/* The arm thread's inbox. */
static void
arm_dispatch(struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_ARM_DISPENSE:
		arm_dispense(m);
		break;
	case MSG_STATUS_REQ:
		arm_status(p, m);
		break;
	case MSG_STOP:
		arm_stop(p);
		break;
	case MSG_ABORT:
		arm_abort(p);
		break;
	default:
		fatalx("arm: unexpected %s from %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src));
	}
}

/* The loop ends: relay off, slot released, a vend in progress reported. */
static void
arm_on_stop(struct proc *p)
{
	struct outbox	ob;

	outbox_init(&ob);
	arm_core_abort(&arm, &ob);
	arm_drive(0, -1);
	proc_send_outbox(p, &ob);
	arm_stopped = 1;
	if (arm_ev_drop)
		event_free(arm_ev_drop);
	if (arm_ev_timer)
		event_free(arm_ev_timer);
	arm_ev_drop = arm_ev_timer = NULL;
}

/* Set up the arm thread: the drop sensor's event (if wired) and the timer. */
void
arm_init(struct proc *p, const struct config *cf, struct gpio_line *relay,
    struct gpio_line **slots, struct gpio_line *drop)
{
	proc_init(p, PROC_ARM, "arm", arm_dispatch);
	p->on_stop = arm_on_stop;
	p->stops_itself = 1;		/* a vend in progress finishes first */
	arm_proc = p;
	arm_cf = cf;
	arm_relay = relay;
	memset(arm_slots, 0, sizeof(arm_slots));
	for (int i = 0; i < cf->nproducts; i++)
		arm_slots[i] = slots ? slots[i] : NULL;
	arm_drop_line = drop;
	arm_relay_driven = 0;		/* outputs are requested inactive */
	arm_slot_driven = -1;
	arm_stopped = 0;
	arm_core_init(&arm, cf, drop != NULL);

	arm_ev_timer = evtimer_new(p->base, arm_timer_cb, NULL);
	if (arm_ev_timer == NULL)
		fatalx("arm: cannot create the timer");
	if (drop) {
		arm_ev_drop = event_new(p->base, gpio_line_fd(drop),
		    EV_READ | EV_PERSIST, arm_drop_cb, NULL);
		if (arm_ev_drop == NULL || event_add(arm_ev_drop, NULL) == -1)
			fatalx("arm: cannot listen to %s",
			    gpio_line_name(drop));
		if (event_base_once(p->base, -1, EV_TIMEOUT, arm_start_cb,
		    NULL, &(struct timeval){ 0, 0 }) == -1)
			fatalx("arm: event_base_once");
	}
}
