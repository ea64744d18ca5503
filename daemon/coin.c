/*
 * coin: the pulse coin acceptor. The pure core counts the pulses of a train
 * from the kernel's edge timestamps and, after train_gap_ms of silence, turns
 * the count into a coin for the ledger; the shell feeds it edges and a timer
 * and drives the inhibit output.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <event2/event.h>

#include "coin.h"
#include "gpio.h"
#include "log.h"
#include "proc.h"

#define NS_PER_MS	1000000ULL
#define COIN_EDGES	16	/* edges read per wake-up */
#define COIN_STOP_MAX_MS 3000	/* longest wait for a train to end at stop */
#define COIN_RAW	16	/* edges kept to log around an anomaly (-d) */

/* Start idle: line inactive, no train, acceptor blocked until sales frees it. */
void
coin_core_init(struct coin_core *c, const struct coin_conf *cf)
{
	memset(c, 0, sizeof(*c));
	c->cf = cf;
	c->inhibit = 1;
}

/* Report a pulse too long to be a coin: a wiring fault or a jammed coin. */
static void
coin_fault(struct coin_core *c, uint64_t width_ns, struct outbox *ob)
{
	struct msg_coin_count	cc = { 0 };

	cc.width_ms = (uint32_t)(width_ns / NS_PER_MS);
	c->faults++;
	log_warnx("coin line %s (%s): pulse of %u ms, longer than %d ms: "
	    "line fault", c->cf->line.name, c->cf->line.key, cc.width_ms,
	    c->cf->pulse_max_ms);
	outbox_put(ob, PROC_LEDGER, MSG_COIN_FAULT, &cc, sizeof(cc));
}

/* The train went silent: its count is one coin (or an unknown one). */
static void
coin_train_end(struct coin_core *c, struct outbox *ob)
{
	struct msg_coin_inserted	ci = { 0 };
	struct msg_coin_count		cc = { 0 };
	int64_t				value = 0;

	if (c->pulses > 0) {
		if (c->pulses <= VENDD_MAX_PULSES)
			value = c->cf->value[c->pulses];
		if (value > 0) {
			ci.value = value;
			ci.pulses = c->pulses;
			log_debug("coin: %u pulses, value %lld", c->pulses,
			    (long long)value);
			outbox_put(ob, PROC_LEDGER, MSG_COIN_INSERTED, &ci,
			    sizeof(ci));
		} else {
			cc.count = c->pulses;
			log_warnx("coin line %s: a train of %u pulses has no "
			    "value in the table: the coin was taken, not "
			    "credited", c->cf->line.name, c->pulses);
			outbox_put(ob, PROC_LEDGER, MSG_COIN_UNKNOWN, &cc,
			    sizeof(cc));
		}
	}
	if (c->noise_pending > 0) {
		memset(&cc, 0, sizeof(cc));
		cc.count = c->noise_pending;
		log_debug("coin: %u noise pulses", c->noise_pending);
		outbox_put(ob, PROC_LEDGER, MSG_COIN_NOISE, &cc, sizeof(cc));
	}
	c->pulses = 0;
	c->noise_pending = 0;
	c->gap_deadline = 0;
	c->last_end = COIN_END_NONE;
}

/* When a pulse that began at `start` is too long: widths compare in whole
 * ms, so pulse_max_ms + 1 is the first fault. */
static uint64_t
coin_stuck_at(const struct coin_core *c, uint64_t start)
{
	return start + (uint64_t)(c->cf->pulse_max_ms + 1) * NS_PER_MS;
}

/* When a train silent since `since` is over. */
static uint64_t
coin_gap_at(const struct coin_core *c, uint64_t since)
{
	return since + (uint64_t)c->cf->train_gap_ms * NS_PER_MS;
}

/* The line became active: a pulse begins. */
static void
coin_pulse_start(struct coin_core *c, uint64_t ts)
{
	/*
	 * Two active edges in a row: the inactive edge between them was lost.
	 * The earlier pulse ended before this one began; if it was already
	 * long enough to be a pulse, count it: the customer's coin is at stake.
	 */
	if (c->active) {
		int counted = ts - c->pulse_start >=
		    (uint64_t)c->cf->pulse_min_ms * NS_PER_MS;

		c->pulses += counted;
		log_warnx("coin line %s: two active edges in a row (an edge "
		    "was lost); the earlier pulse is %s", c->cf->line.name,
		    counted ? "counted" : "noise");
	}
	c->active = 1;
	c->pulse_start = ts;
	c->last_end = COIN_END_NONE;
	c->stuck_deadline = coin_stuck_at(c, ts);
}

/* The line became inactive: classify the pulse by its width. */
static void
coin_pulse_end(struct coin_core *c, uint64_t ts)
{
	uint64_t	width;

	if (!c->active) {
		log_debug("coin line %s: inactive edge while inactive, "
		    "ignored", c->cf->line.name);
		return;
	}
	width = ts > c->pulse_start ? ts - c->pulse_start : 0;
	/* the tick before this edge reported a pulse over pulse_max_ms */
	if (c->stuck_deadline == 0) {
		log_info("coin line %s: released after %llu ms",
		    c->cf->line.name, (unsigned long long)(width / NS_PER_MS));
		c->last_end = COIN_END_RELEASED;
	} else if (width / NS_PER_MS < (uint64_t)c->cf->pulse_min_ms) {
		c->noise_pending++;
		c->last_end = COIN_END_NOISE;
	} else {
		c->pulses++;
		c->last_end = COIN_END_PULSE;
	}
	c->last_start = c->pulse_start;
	c->active = 0;
	c->stuck_deadline = 0;
}

/*
 * The edge before was the kernel's one report of a level that had already
 * come back (gpio/edge.c): the line never stayed there.
 *
 * Taken for a pulse's start, it was a spike: noise, like any pulse shorter
 * than pulse_min_ms (unless a stuck-line fault was already sent for it).
 * Taken for a pulse's end, it was a dropout inside the pulse: the count it
 * made is taken back and the pulse goes on, to be judged by its real width.
 */
void
coin_core_glitch(struct coin_core *c, uint64_t ts_ns)
{
	if (!c->active) {
		if (c->last_end == COIN_END_NONE)
			return;		/* its train already ended: too late */
		if (c->last_end == COIN_END_PULSE)
			c->pulses--;
		else if (c->last_end == COIN_END_NOISE)
			c->noise_pending--;
		log_warnx("coin line %s: a dropout too short to time, %llu ms "
		    "into a pulse: the pulse goes on", c->cf->line.name,
		    (unsigned long long)((ts_ns > c->last_start ?
		    ts_ns - c->last_start : 0) / NS_PER_MS));
		c->active = 1;
		c->pulse_start = c->last_start;
		c->stuck_deadline = c->last_end == COIN_END_RELEASED ? 0 :
		    coin_stuck_at(c, c->last_start);
		c->last_end = COIN_END_NONE;
		return;
	}
	if (c->stuck_deadline != 0)
		c->noise_pending++;
	log_warnx("coin line %s: a spike too short to time%s",
	    c->cf->line.name, c->stuck_deadline != 0 ? ", counted as noise" :
	    " (already reported as a line fault)");
	c->active = 0;
	c->stuck_deadline = 0;
	/* the spike was at pulse_start: the train's silence began there */
	if (c->pulses > 0 || c->noise_pending > 0)
		c->gap_deadline = coin_gap_at(c, c->pulse_start);
}

/* An edge: catch up on deadlines passed before it, then count it. */
void
coin_core_edge(struct coin_core *c, int active, uint64_t ts_ns,
    struct outbox *ob)
{
	coin_core_tick(c, ts_ns, ob);	/* edges may arrive late, in batches */
	if (active)
		coin_pulse_start(c, ts_ns);
	else
		coin_pulse_end(c, ts_ns);
	if (c->pulses > 0 || c->noise_pending > 0)
		c->gap_deadline = coin_gap_at(c, ts_ns);
	else
		c->gap_deadline = 0;
}

/* Time passed: a line active too long faults once; silence ends a train. */
void
coin_core_tick(struct coin_core *c, uint64_t now_ns, struct outbox *ob)
{
	if (c->active && c->stuck_deadline && now_ns >= c->stuck_deadline) {
		coin_fault(c, now_ns - c->pulse_start, ob);
		c->stuck_deadline = 0;
	}
	if (!c->active && c->gap_deadline && now_ns >= c->gap_deadline)
		coin_train_end(c, ob);
}

/* The next tick: the stuck check while active, the train's end while not. */
uint64_t
coin_core_deadline(const struct coin_core *c)
{
	return c->active ? c->stuck_deadline : c->gap_deadline;
}

/* Record sales' wish; a coin that still arrives is credited all the same. */
void
coin_core_set_inhibit(struct coin_core *c, int on)
{
	c->inhibit = on != 0;
}

/* The arm's word that it is dispensing: no coin while the customer waits. */
void
coin_core_set_arm_busy(struct coin_core *c, int on)
{
	c->arm_busy = on != 0;
}

/*
 * The level the inhibit output must have: sales' wish, the arm busy, and
 * while a train is counted, so a second coin cannot merge into its pulses.
 */
int
coin_core_inhibit_level(const struct coin_core *c)
{
	return c->inhibit || c->arm_busy || c->active || c->pulses > 0;
}

/* The shell: the state of the coin thread. */
static struct coin_core	 coin;
static struct proc	*coin_proc;
static struct gpio_line	*coin_line;
static struct gpio_line	*coin_inhibit;
static int		 coin_inhibit_driven;	/* level on the output */
static struct event	*coin_ev_line;
static struct event	*coin_ev_timer;

static struct gpio_edge	 coin_raw[COIN_RAW];	/* the last edges read */
static unsigned		 coin_raw_n;		/* edges ever kept */

static void	coin_drive_inhibit(int);

/* Keep an edge as the kernel reported it, for coin_raw_log. */
static void
coin_raw_keep(const struct gpio_edge *e)
{
	coin_raw[coin_raw_n++ % COIN_RAW] = *e;
}

/*
 * With -d, after an anomaly: the last edges as the kernel reported them and
 * as gpio/edge.c named them, oldest first, so a miscount can be replayed.
 */
static void
coin_raw_log(const char *why)
{
	const struct gpio_edge	*e;
	uint64_t		 prev = 0;
	unsigned		 i;

	if (!log_debugging())
		return;
	log_debug("coin: %s; the last edges read:", why);
	i = coin_raw_n > COIN_RAW ? coin_raw_n - COIN_RAW : 0;
	for (; i < coin_raw_n; i++) {
		e = &coin_raw[i % COIN_RAW];
		log_debug("coin: edge seq=%u ts=%llu.%06llu +%.3f ms "
		    "reported=%s named=%s%s%s", e->seqno,
		    (unsigned long long)(e->ts_ns / 1000000000ULL),
		    (unsigned long long)(e->ts_ns % 1000000000ULL / 1000),
		    prev ? (double)(e->ts_ns - prev) / NS_PER_MS : 0.0,
		    e->reported ? "rising" : "falling",
		    e->active ? "rising" : "falling",
		    e->resync ? " resync" : "", e->lost ? " lost" : "");
		prev = e->ts_ns;
	}
}

/* Whether the core's messages say something went wrong with a train. */
static int
coin_anomaly(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++)
		if (ob->m[i].hdr.type == MSG_COIN_UNKNOWN ||
		    ob->m[i].hdr.type == MSG_COIN_NOISE ||
		    ob->m[i].hdr.type == MSG_COIN_FAULT)
			return 1;
	return 0;
}

/* Send what the core decided and sleep until its next deadline. */
static void
coin_flush(struct outbox *ob)
{
	if (coin_anomaly(ob))
		coin_raw_log("a train with noise, a fault or no value");
	proc_send_outbox(coin_proc, ob);
	proc_timer_at(coin_ev_timer, coin_core_deadline(&coin));
	coin_drive_inhibit(coin_core_inhibit_level(&coin));
}

/* Drive the inhibit output to the core's level, only when it changes. */
static void
coin_drive_inhibit(int level)
{
	if (coin_inhibit == NULL || level == coin_inhibit_driven)
		return;
	if (gpio_line_set(coin_inhibit, level) == -1)
		fatal("coin: cannot drive inhibit line %s",
		    gpio_line_name(coin_inhibit));
	coin_inhibit_driven = level;
	log_debug("coin: acceptor %s", level ? "inhibited" : "free");
}

/* The acceptor line has edges: feed each to the core. */
static void
coin_line_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gpio_edge	e[COIN_EDGES];
	struct outbox		ob;
	int			n, i;

	(void)fd; (void)what; (void)arg;
	do {
		n = gpio_line_read_edges(coin_line, e, COIN_EDGES);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fatal("coin: reading edges of %s",
			    gpio_line_name(coin_line));
		}
		for (i = 0; i < n; i++) {
			if (e[i].lost)
				log_warnx("coin line %s: the kernel dropped %u "
				    "edges: a coin may be miscounted",
				    gpio_line_name(coin_line), e[i].lost);
			coin_raw_keep(&e[i]);
			if (e[i].resync || e[i].lost)
				coin_raw_log(e[i].resync ? "a resync" :
				    "edges lost");
			outbox_init(&ob);
			if (e[i].resync)
				coin_core_glitch(&coin, e[i].ts_ns);
			coin_core_edge(&coin, e[i].active, e[i].ts_ns, &ob);
			coin_flush(&ob);
		}
	} while (n == COIN_EDGES);
}

/*
 * Active past pulse_max_ms, on an edge the kernel's report disagreed with
 * (gpio/edge.c): was it a spike? Read the line; an edge still in flight is
 * read first and settles it. Still inactive and still in doubt: a spike.
 */
static void
coin_check_spike(uint64_t now)
{
	int	level;

	if (!coin.active || coin.stuck_deadline == 0 ||
	    now < coin.stuck_deadline || !gpio_line_suspect(coin_line))
		return;
	level = gpio_line_get(coin_line);
	coin_line_cb(gpio_line_fd(coin_line), EV_READ, NULL);
	if (level == 0 && coin.active && gpio_line_suspect(coin_line)) {
		coin_raw_log("a spike found by reading the line");
		gpio_line_assume(coin_line, 0);
		coin_core_glitch(&coin, now);
	}
}

/* The core's deadline came: end a train or flag a stuck line. */
static void
coin_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox	ob;
	uint64_t	now;

	(void)fd; (void)what; (void)arg;
	/*
	 * Edges already queued come first: a thread woken late must not
	 * call a pulse stuck, or a train ended, before seeing its edges.
	 */
	coin_line_cb(gpio_line_fd(coin_line), EV_READ, NULL);
	outbox_init(&ob);
	now = now_ns();
	coin_check_spike(now);
	coin_core_tick(&coin, now, &ob);
	coin_flush(&ob);
}

/* Answer control's status request. */
static void
coin_status(struct proc *p, const struct msg *m)
{
	struct msg_status_coin	st = { 0 };

	st.inhibit = (uint32_t)coin_core_inhibit_level(&coin);
	st.line_faults = coin.faults;
	proc_send(p, m->hdr.src, MSG_STATUS_COIN, m->hdr.id, &st, sizeof(st));
}

/* The coin thread's inbox. */
static void
coin_dispatch(struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_COIN_INHIBIT:
		coin_core_set_inhibit(&coin, m->u.flag.on != 0);
		coin_drive_inhibit(coin_core_inhibit_level(&coin));
		break;
	case MSG_ARM_BUSY:
		coin_core_set_arm_busy(&coin, m->u.flag.on != 0);
		coin_drive_inhibit(coin_core_inhibit_level(&coin));
		break;
	case MSG_STATUS_REQ:
		coin_status(p, m);
		break;
	default:
		fatalx("coin: unexpected %s from %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src));
	}
}

/*
 * At stop, a coin may be half counted: it is already in the cash box. Block
 * the acceptor, then keep reading the line until the train ends (bounded),
 * so the coin reaches the ledger, which stops last.
 */
static void
coin_finish_train(void)
{
	struct pollfd	pfd;
	struct outbox	ob;
	uint64_t	dl, now, end = now_ns() + COIN_STOP_MAX_MS * NS_PER_MS;

	pfd.fd = gpio_line_fd(coin_line);
	pfd.events = POLLIN;
	while ((dl = coin_core_deadline(&coin)) != 0 && (now = now_ns()) < end) {
		if (now >= dl) {
			outbox_init(&ob);
			coin_core_tick(&coin, now, &ob);
			proc_send_outbox(coin_proc, &ob);
		} else if (poll(&pfd, 1, (int)((dl - now) / NS_PER_MS) + 1) > 0)
			coin_line_cb(pfd.fd, EV_READ, NULL);
	}
	if (coin_core_deadline(&coin) != 0)
		log_warnx("coin line %s: still busy at stop: the train in "
		    "progress is not credited", gpio_line_name(coin_line));
}

/* Shutdown: block the acceptor, credit a coin in progress, stop listening. */
static void
coin_on_stop(struct proc *p)
{
	(void)p;
	coin_core_set_inhibit(&coin, 1);
	coin_drive_inhibit(1);
	coin_finish_train();
	if (coin_ev_line)
		event_free(coin_ev_line);
	if (coin_ev_timer)
		event_free(coin_ev_timer);
	coin_ev_line = coin_ev_timer = NULL;
}

/* Set up the coin thread: the line's edge event and the core's timer. */
void
coin_init(struct proc *p, const struct config *cf, struct gpio_line *line,
    struct gpio_line *inhibit)
{
	struct outbox	ob;

	proc_init(p, PROC_COIN, "coin", coin_dispatch);
	p->on_stop = coin_on_stop;
	coin_proc = p;
	coin_line = line;
	coin_inhibit = inhibit;
	coin_inhibit_driven = 1;	/* requested at its safe level: blocked */
	coin_core_init(&coin, &cf->coin);

	coin_ev_line = event_new(p->base, gpio_line_fd(line),
	    EV_READ | EV_PERSIST, coin_line_cb, NULL);
	coin_ev_timer = evtimer_new(p->base, coin_timer_cb, NULL);
	if (coin_ev_line == NULL || coin_ev_timer == NULL ||
	    event_add(coin_ev_line, NULL) == -1)
		fatalx("coin: cannot set up events for %s",
		    gpio_line_name(line));

	/* a line already active at start gets its stuck check */
	if (gpio_line_get(line) == 1) {
		outbox_init(&ob);
		coin_core_edge(&coin, 1, now_ns(), &ob);
		coin_flush(&ob);
	}
}
