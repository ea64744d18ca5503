/*
 * The "never lose money" property test (issue 5). The pure cores of coin,
 * panel, sales and arm and a real ledger on a temp dir run together in one
 * process with a fake clock, no threads and no GPIO:
 *
 * - stimuli: coin pulse trains of valid widths and gaps (with noise spikes,
 *   unknown counts and line faults), bouncing buttons, drop sensor outcomes
 *   (in time, late, never), technician restocks, and the operator's day
 *   (operator.c: prices, collections, the door, service mode, test vends,
 *   audit resets, through a fake control that checks every answer);
 * - the messages the cores put in their outboxes go into one FIFO per
 *   destination, and a random non-empty inbox is served next, as the threads
 *   would in some order (each pipe is FIFO, the threads are not in step);
 * - the clock jumps to the next deadline or stimulus when nothing is served;
 * - now and then the daemon "crashes": in-flight messages are lost, the
 *   ledger is closed and reopened (settling a vend left unresolved) and every
 *   core starts again from it.
 *
 * After every event the invariants are checked: the ledger's money adds up
 * (the cash box too: what was collected is what came in before), it holds
 * every coin made durable, stock is never negative, every vend is one arm
 * cycle, paid vends are the arm cycles that were not test vends and test
 * vends never move money, and sales agrees with the ledger when nothing is
 * in flight.
 *
 *   property [-n EVENTS] [-s SEED] [-v]	(or PROPERTY_EVENTS, PROPERTY_SEED;
 *					 PROPERTY_LOG=1 or -v: the daemon's log)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arm.h"
#include "coin.h"
#include "config.h"
#include "ledger.h"
#include "log.h"
#include "msg.h"
#include "panel.h"
#include "sales.h"

#include "property.h"

#define QMAX		1024		/* messages in flight per inbox */
#define EXPECT_MAX	64		/* coin trains / presses awaiting output */
#define REPORT_MAX	20		/* violations printed in full */
#define DEFAULT_SEED	20240501ULL
#define DEFAULT_EVENTS	100000ULL

/* ---- random numbers: splitmix64, so a seed replays exactly ---- */

static uint64_t	rng_state;

/* The next 64 random bits. */
uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
uint64_t
rnd_range(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* True with probability permille/1000. */
int
chance(unsigned permille)
{
	return rnd() % 1000 < permille;
}

/* ---- the daemon's log: kept in a ring, shown when something breaks ---- */

static char	logring[8192];
static size_t	logpos;
static int	logverbose;
static FILE	*out;		/* the real stderr */

/* fopencookie writer: keep the last bytes the cores logged. */
static ssize_t
logring_write(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	for (size_t i = 0; i < len; i++)
		logring[logpos++ % sizeof(logring)] = buf[i];
	return (ssize_t)len;
}

/* Print the last lines of the daemon's log. */
static void
logring_dump(void)
{
	size_t	n = logpos < sizeof(logring) ? logpos : sizeof(logring);
	size_t	start = logpos - n, i = 0;

	if (logverbose)
		return;
	fflush(stderr);
	/* skip the partial first line */
	if (logpos > sizeof(logring))
		while (i < n && logring[(start + i) % sizeof(logring)] != '\n')
			i++;
	fprintf(out, "property: last lines of the daemon's log:\n");
	for (; i < n; i++)
		fputc(logring[(start + i) % sizeof(logring)], out);
	if (n > 0 && logring[(logpos - 1) % sizeof(logring)] != '\n')
		fputc('\n', out);
	fflush(out);
}

/* ---- the world ---- */

struct inbox {
	unsigned	head, n;
	struct msg	m[QMAX];
};

enum expect_kind { EX_COIN = 1, EX_UNKNOWN, EX_NOISE, EX_FAULT };

struct expect {
	int		kind;
	uint32_t	count;		/* pulses, noise spikes */
	int64_t		value;
	int		noise;		/* COIN/UNKNOWN: noise spikes too */
};

/* A channel of timed stimuli: the edges of its current action. */
struct edges {
	unsigned	head, n;
	uint64_t	t[256];
	uint8_t		level[256];
	int		button;		/* panel: which */
	uint64_t	next_action;	/* when the next action begins */
};

struct config		 cf;
static struct coin_core	 coin;
struct panel_core	 panel;
struct sales_core	 sales;
static struct arm_core	 arm;
struct ledger		 led;
static char		 state_dir[VENDD_PATH_MAX];

uint64_t		 now;
static uint64_t		 event_no, nevents, seed;
static uint64_t		 violations;
static struct inbox	 inbox[PROC_MAX];

static struct edges	 coin_ch, panel_ch, drop_ch;
static uint64_t		 tech_next;

static struct expect	 coin_expect[EXPECT_MAX];
static unsigned		 coin_ehead, coin_en;
static int		 panel_expect[EXPECT_MAX];
static unsigned		 panel_ehead, panel_en;

/* What the drop channel promised arm for the running vend. */
static struct {
	int		active;
	uint32_t	vend_id;
	int		ok;
	uint32_t	attempts;
	int		test;
} arm_expect;

/* The model: what really happened, counted from outside the daemon. */
static struct {
	int64_t		cash_durable;	/* coins the ledger journaled */
	int64_t		paid_value;
	uint64_t	commits, restores, settled;
	uint64_t	test_commits;	/* test vends that dropped */
	int32_t		stock[VENDD_MAX_PRODUCTS];
	uint32_t	last_vend_id;	/* reserved, unique and rising */
	uint32_t	cur_vend_id;
	int		cur_dispensed;	/* arm cycles of the current vend */
	int		cur_test;	/* the current vend is a test vend */
	int64_t		cur_price;	/* the price it reserved */
	uint64_t	coins_gen, coins_value_gen, coins_rejected;
	uint64_t	coins_lost_crash, coins_lost_value;
	uint64_t	presses, vends, arm_cycles, arm_ok, arm_ok_lost;
	uint64_t	arm_failed, test_vends, arm_ok_test, arm_ok_test_lost;
	uint64_t	restarts, torn_tails, noise_spikes, faults, unknown;
	uint64_t	drop_spikes;
	uint64_t	sold_out, restocks;
} model;

/* ---- checking ---- */

/* One broken property: counted, the first few printed with context. */
void
violation(const char *fmt, ...)
{
	va_list	ap;

	if (++violations > REPORT_MAX)
		return;
	fprintf(out, "property: VIOLATION at event %" PRIu64 " (t=%" PRIu64
	    " ms, seed=%" PRIu64 "): ", event_no, now / MS(1), seed);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (violations == 1)
		logring_dump();
	fflush(out);
}

/* daemon code called fatal: the run ends here; say how to replay it. */
static void
fatal_hook(void)
{
	fprintf(out, "property: the daemon code called fatal at event %"
	    PRIu64 " (t=%" PRIu64 " ms); replay: PROPERTY_SEED=%" PRIu64
	    " PROPERTY_EVENTS=%" PRIu64 " PROPERTY_LOG=1\n", event_no,
	    now / MS(1), seed, event_no);
	logring_dump();
	fprintf(out, "property: events=%" PRIu64 " violations=%" PRIu64 "\n",
	    event_no, violations + 1);
	fprintf(out, "0 passed, 1 failed\n");
	fflush(out);
}

/* Whether any message is in flight. */
int
in_flight(void)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (inbox[i].n)
			return 1;
	return 0;
}

/* The invariants, after every event. */
static void
check(void)
{
	const struct ledger_state *st = &led.st;
	int64_t		pend = (st->pending.active && st->pending.test !=
			    PENDING_CARD ? st->pending.price : 0) +
			    st->mdb.change_paid + st->mdb.owed +
			    st->mdb.payout_amount -
			    st->mdb.card_value;	/* change, MDB; card sales */
	uint64_t	pv = 0, fv = 0, tv = 0;
	int64_t		pval = 0;
	int		quiet = !in_flight();

	if (st->c.cash_in != st->c.paid_value + st->credit + pend)
		violation("money: cash_in %" PRId64 " != paid %" PRId64
		    " + credit %" PRId64 " + pending %" PRId64, st->c.cash_in,
		    st->c.paid_value, st->credit, pend);
	if (st->c.cash_in != model.cash_durable)
		violation("durable coins lost: cash_in %" PRId64 ", coins "
		    "journaled %" PRId64, st->c.cash_in, model.cash_durable);
	if (st->credit < 0 || sales.credit < 0)
		violation("negative credit: ledger %" PRId64 " sales %" PRId64,
		    st->credit, sales.credit);
	if (st->c.paid_vends != model.commits ||
	    st->c.paid_value != model.paid_value ||
	    st->c.failed_vends != model.restores ||
	    st->c.unresolved_settled != model.settled)
		violation("vends: ledger paid %" PRIu64 "/%" PRId64 " failed %"
		    PRIu64 " settled %" PRIu64 ", model %" PRIu64 "/%" PRId64
		    " %" PRIu64 " %" PRIu64, st->c.paid_vends,
		    st->c.paid_value, st->c.failed_vends,
		    st->c.unresolved_settled, model.commits, model.paid_value,
		    model.restores, model.settled);
	if (st->c.test_vends != model.test_commits)
		violation("test vends: ledger %" PRIu64 ", model %" PRIu64,
		    st->c.test_vends, model.test_commits);
	for (uint32_t i = 0; i < st->nproducts; i++) {
		pv += st->product[i].paid_vends;
		pval += st->product[i].paid_value;
		fv += st->product[i].failed_vends;
		tv += st->product[i].test_vends;
	}
	if (pv != st->c.paid_vends || pval != st->c.paid_value ||
	    fv != st->c.failed_vends || tv != st->c.test_vends)
		violation("per-product counters do not add up to the totals");
	for (int i = 0; i < cf.nproducts; i++) {
		if (st->product[i].stock < 0 || sales.stock[i] < 0)
			violation("negative stock of %s", cf.product[i].id);
		if (st->product[i].stock != model.stock[i])
			violation("stock of %s: ledger %d, model %d",
			    cf.product[i].id, st->product[i].stock,
			    model.stock[i]);
	}
	op_check(quiet);
	if (!quiet) {
		mdb_peer_check(0);
		return;
	}
	if (model.arm_ok - model.arm_ok_lost != model.commits)
		violation("quiet, arm cycles ok %" PRIu64 " (%" PRIu64 " lost in "
		    "a crash) != committed sales %" PRIu64, model.arm_ok,
		    model.arm_ok_lost, model.commits);
	if (model.arm_ok_test - model.arm_ok_test_lost != model.test_commits)
		violation("quiet, test arm cycles ok %" PRIu64 " (%" PRIu64
		    " lost in a crash) != test vends %" PRIu64,
		    model.arm_ok_test, model.arm_ok_test_lost,
		    model.test_commits);
	/* a card vend asked of the reader is pending for sales */
	if (sales.credit != st->credit || sales.pending !=
	    (st->pending.active || st->mdb.card_asked))
		violation("quiet, sales credit %" PRId64 " pending %d, ledger %"
		    PRId64 " pending %d", sales.credit, sales.pending,
		    st->credit, st->pending.active);
	if (sales.pending && sales.pending_id != (st->mdb.card_asked ?
	    st->mdb.card_vend_id : st->pending.vend_id))
		violation("quiet, sales pending vend %u, ledger %u",
		    sales.pending_id, st->pending.vend_id);
	mdb_peer_check(quiet);
	for (int i = 0; i < cf.nproducts; i++)
		if (sales.stock[i] != st->product[i].stock ||
		    sales.state[i] != st->product[i].state)
			violation("quiet, %s: sales stock %d state %d, ledger "
			    "%d %d", cf.product[i].id, sales.stock[i],
			    sales.state[i], st->product[i].stock,
			    st->product[i].state);
}

/* ---- messages ---- */

/* Queue what a core wants sent, as proc_send_outbox would. */
void
route(int src, const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		int		 dst = ob->dst[i];
		struct inbox	*q = &inbox[dst];
		struct msg	 m;

		memset(&m, 0, sizeof(m));
		memcpy(&m, &ob->m[i], sizeof(ob->m[i]));

		if (dst == PROC_CONTROL && m.hdr.type == MSG_RESTOCK_DONE) {
			/* the technician's restocks are valid */
			if (!m.u.restock_done.ok)
				violation("restock of product %u refused",
				    m.u.restock_done.product);
			continue;
		}
		if (dst == PROC_CONTROL && op_control(src, &m))
			continue;	/* the operator's: answered at once */
		if (dst != PROC_COIN && dst != PROC_SALES && dst != PROC_ARM &&
		    dst != PROC_LEDGER && dst != PROC_MDB) {
			violation("%s sent %s to %s", proc_name(src),
			    msg_type_name(m.hdr.type), proc_name(dst));
			continue;
		}
		if (q->n == QMAX) {
			fprintf(out, "property: inbox of %s full\n",
			    proc_name(dst));
			exit(2);
		}
		m.hdr.src = (uint16_t)src;
		q->m[(q->head + q->n++) % QMAX] = m;
	}
}

/* Compare a coin core output with the train the test generated. */
static void
coin_expect_check(const struct msg_out *m)
{
	struct expect	*e;
	int		 kind = m->hdr.type == MSG_COIN_INSERTED ? EX_COIN :
	    m->hdr.type == MSG_COIN_UNKNOWN ? EX_UNKNOWN :
	    m->hdr.type == MSG_COIN_NOISE ? EX_NOISE : EX_FAULT;

	if (coin_en == 0) {
		violation("coin sent %s, no train pending",
		    msg_type_name(m->hdr.type));
		return;
	}
	e = &coin_expect[coin_ehead];
	if (kind == EX_NOISE && e->kind != EX_NOISE && e->noise) {
		/* the noise of a coin's train, after its coin */
		if (m->u.count.count != (uint32_t)e->noise)
			violation("coin: %u noise pulses, generated %d",
			    m->u.count.count, e->noise);
		e->noise = 0;
	} else if (kind != e->kind)
		violation("coin sent %s, generated kind %d (%u pulses)",
		    msg_type_name(m->hdr.type), e->kind, e->count);
	else if (kind == EX_COIN && (m->u.coin.value != e->value ||
	    m->u.coin.pulses != e->count))
		violation("coin: %u pulses worth %" PRId64 ", generated %u "
		    "worth %" PRId64, m->u.coin.pulses, m->u.coin.value,
		    e->count, e->value);
	else if ((kind == EX_UNKNOWN || kind == EX_NOISE) &&
	    m->u.count.count != e->count)
		violation("coin: %s count %u, generated %u",
		    msg_type_name(m->hdr.type), m->u.count.count, e->count);
	else if (kind != EX_NOISE && e->noise)
		return;		/* its noise message follows */
	coin_ehead = (coin_ehead + 1) % EXPECT_MAX;
	coin_en--;
}

/* Route a coin core outbox after checking it against the model. */
static void
coin_output(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++)
		coin_expect_check(&ob->m[i]);
	route(PROC_COIN, ob);
}

/* Route a panel outbox after checking one press per generated press. */
static void
panel_output(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		int b = ob->m[i].hdr.type == MSG_PANEL_VEND ? PANEL_VEND :
		    (int)ob->m[i].u.select.product;

		if (panel_en == 0 || panel_expect[panel_ehead] != b)
			violation("panel pressed button %d, generated %d", b,
			    panel_en ? panel_expect[panel_ehead] : -1);
		if (panel_en) {
			panel_ehead = (panel_ehead + 1) % EXPECT_MAX;
			panel_en--;
		}
	}
	route(PROC_PANEL, ob);
}

static void	drop_plan(const struct msg_vend *);

/* The ledger journaled m: count it in the model. */
static void
ledger_model(const struct msg *m)
{
	const struct msg_vend	*v = &m->u.vend;
	int			 p;

	switch (m->hdr.type) {
	case MSG_COIN_INSERTED:
		model.cash_durable += m->u.coin.value;
		break;
	case MSG_MDB_COIN:
		model.cash_durable += m->u.mdb_coin.value;
		break;
	case MSG_NOTE_DONE:
		if (m->u.note.stack)
			model.cash_durable += m->u.note.value;
		break;
	case MSG_CARD_RESULT:
		if (v->ok)
			model.vends++;
		break;
	case MSG_VEND_RESERVE:
		if (v->vend_id <= model.last_vend_id)
			violation("vend id %u reused (last %u)", v->vend_id,
			    model.last_vend_id);
		model.last_vend_id = model.cur_vend_id = v->vend_id;
		model.cur_dispensed = 0;
		model.cur_test = v->test != 0;
		model.cur_price = v->price;
		if (v->test)
			model.test_vends++;
		else if (!v->card)	/* a card's counts once approved */
			model.vends++;
		break;
	case MSG_ARM_DONE:
		if (v->vend_id != model.cur_vend_id ||
		    model.cur_dispensed != 1)
			violation("vend %u done after %d arm cycles",
			    v->vend_id, model.cur_dispensed);
		p = (int)v->product;
		if (v->ok) {
			if (model.cur_test)
				model.test_commits++;
			else {
				model.commits++;
				model.paid_value += model.cur_price;
			}
			if (model.stock[p] > 0)
				model.stock[p]--;
		} else
			model.restores++;	/* a test vend's too */
		break;
	case MSG_RESTOCK:
		model.stock[m->u.restock.product] = m->u.restock.stock < 0 ?
		    cf.product[m->u.restock.product].capacity :
		    m->u.restock.stock;
		break;
	case MSG_VEND_SOLD_OUT:
		model.sold_out++;
		break;
	}
}

static void	restart(const char *why);

/* Deliver one message to its activity, as its dispatch would. */
static void
deliver(int dst, const struct msg *m)
{
	struct outbox	ob;
	uint64_t	seq0;

	outbox_init(&ob);
	switch (dst) {
	case PROC_COIN:
		if (m->hdr.type != MSG_COIN_INHIBIT)
			goto bad;
		coin_core_set_inhibit(&coin, m->u.flag.on);
		return;
	case PROC_SALES:
		if (sales_core_handle(&sales, m, &ob) == -1)
			goto bad;
		route(PROC_SALES, &ob);
		return;
	case PROC_MDB:
		mdb_peer_deliver(m);
		return;
	case PROC_ARM:
		if (m->hdr.type != MSG_ARM_DISPENSE)
			goto bad;
		if (m->u.vend.vend_id != model.cur_vend_id ||
		    model.cur_dispensed++ != 0)
			violation("second arm cycle for vend %u",
			    m->u.vend.vend_id);
		if ((m->u.vend.test != 0) != model.cur_test ||
		    (m->u.vend.test && m->u.vend.price != 0))
			violation("vend %u dispensed with test=%u price %"
			    PRId64 ", reserved as %s", m->u.vend.vend_id,
			    m->u.vend.test, m->u.vend.price, model.cur_test ?
			    "a test vend" : "a paid vend");
		model.arm_cycles++;
		arm_core_dispense(&arm, &m->u.vend, now, &ob);
		drop_plan(&m->u.vend);
		route(PROC_ARM, &ob);
		return;
	case PROC_LEDGER:
		seq0 = led.st.seq;
		op_ledger_before(m);
		if (ledger_handle(&led, m, &ob) == -1) {
			violation("ledger refused %s from %s (%s): the daemon "
			    "would die here", msg_type_name(m->hdr.type),
			    proc_name(m->hdr.src), strerror(errno));
			restart("ledger refused a message");
			return;
		}
		ledger_model(m);
		route(PROC_LEDGER, &ob);
		outbox_init(&ob);	/* as the shell, after sending */
		ledger_compact_if_due(&led, &ob);
		if (led.fault.on)
			violation("ledger compaction failed: %s",
			    strerror(led.fault.err));
		op_ledger_after(m, led.st.seq != seq0);
		route(PROC_LEDGER, &ob);
		return;
	}
bad:
	violation("%s delivered to %s", msg_type_name(m->hdr.type),
	    proc_name(dst));
}

/* Serve the head of a random non-empty inbox. */
static void
deliver_one(void)
{
	int		 ids[PROC_MAX], n = 0, dst;
	struct inbox	*q;
	struct msg	 m;

	for (int i = 0; i < PROC_MAX; i++)
		if (inbox[i].n)
			ids[n++] = i;
	dst = ids[rnd() % (uint64_t)n];
	q = &inbox[dst];
	m = q->m[q->head];
	q->head = (q->head + 1) % QMAX;
	q->n--;
	deliver(dst, &m);
}

/* ---- stimuli ---- */

/* Append an edge to a channel. */
static void
edge_add(struct edges *ch, uint64_t t, int level)
{
	if (ch->n == sizeof(ch->t) / sizeof(ch->t[0])) {
		fprintf(out, "property: edge channel full\n");
		exit(2);
	}
	ch->t[ch->n] = t;
	ch->level[ch->n++] = (uint8_t)level;
}

/* Forget a channel's edges (a crash, or the action is over). */
static void
edge_clear(struct edges *ch)
{
	ch->head = ch->n = 0;
}

/* The time of a channel's next edge, or 0. */
static uint64_t
edge_next(const struct edges *ch)
{
	return ch->head < ch->n ? ch->t[ch->head] : 0;
}

/* Expect this output from the coin core. */
static void
coin_expect_push(int kind, uint32_t count, int64_t value, int noise)
{
	struct expect *e;

	if (coin_en == EXPECT_MAX) {
		fprintf(out, "property: coin expectations overflow\n");
		exit(2);
	}
	e = &coin_expect[(coin_ehead + coin_en++) % EXPECT_MAX];
	e->kind = kind;
	e->count = count;
	e->value = value;
	e->noise = noise;
}

/* A spike shorter than pulse_min_ms, starting at t; returns its end. */
static uint64_t
coin_spike(uint64_t t)
{
	uint64_t w = rnd_range(50000, MS(cf.coin.pulse_min_ms) - 1);

	edge_add(&coin_ch, t, 1);
	edge_add(&coin_ch, t + w, 0);
	model.noise_spikes++;
	return t + w;
}

/* The pulse count of an unknown coin: not in the value table. */
static uint32_t
coin_unknown_count(void)
{
	uint32_t n;

	do
		n = (uint32_t)rnd_range(1, VENDD_MAX_PULSES + 4);
	while (n <= VENDD_MAX_PULSES && cf.coin.value[n] > 0);
	return n;
}

/* A customer inserts a coin (or the line sees noise or a fault). */
static void
coin_action(void)
{
	static const uint32_t	valid[] = { 1, 2, 5, 10, 20 };
	uint64_t	t = now, w, gap_max = MS(cf.coin.train_gap_ms) - MS(5);
	uint32_t	n, pulses;
	int		noise = 0, kind, r = (int)(rnd() % 100);

	edge_clear(&coin_ch);
	if (coin_core_inhibit_level(&coin) && r < 85) {
		model.coins_rejected++;	/* the acceptor returns it */
		goto next;
	}
	if (r < 80) {
		kind = EX_COIN;
		pulses = valid[rnd() % 5];
	} else if (r < 87) {
		kind = EX_UNKNOWN;
		pulses = coin_unknown_count();
	} else if (r < 95) {
		n = (uint32_t)rnd_range(1, 3);
		for (uint32_t i = 0; i < n; i++)
			t = coin_spike(t) + rnd_range(MS(1), MS(100));
		coin_expect_push(EX_NOISE, n, 0, 0);
		goto next;
	} else {
		w = rnd_range(MS(cf.coin.pulse_max_ms + 2), MS(600));
		edge_add(&coin_ch, t, 1);
		edge_add(&coin_ch, t + w, 0);
		coin_expect_push(EX_FAULT, 0, 0, 0);
		model.faults++;
		goto next;
	}
	for (uint32_t i = 0; i < pulses; i++) {
		uint64_t gap = rnd_range(MS(25), gap_max);

		w = rnd_range(MS(cf.coin.pulse_min_ms),
		    MS(cf.coin.pulse_max_ms + 1) - 1);
		edge_add(&coin_ch, t, 1);
		edge_add(&coin_ch, t + w, 0);
		t += w;
		if (i + 1 < pulses && chance(100) && gap > MS(cf.coin.pulse_min_ms) + MS(4)) {
			coin_spike(t + MS(1));
			noise++;
		}
		if (i + 1 < pulses)
			t += gap;
	}
	if (kind == EX_COIN) {
		coin_expect_push(EX_COIN, pulses, cf.coin.value[pulses], noise);
		model.coins_gen++;
		model.coins_value_gen += (uint64_t)cf.coin.value[pulses];
	} else {
		coin_expect_push(EX_UNKNOWN, pulses, 0, noise);
		model.unknown++;
	}
next:
	/* the next coin after this train has surely ended */
	coin_ch.next_action = (coin_ch.n ? coin_ch.t[coin_ch.n - 1] : now) +
	    MS(cf.coin.train_gap_ms) + rnd_range(MS(20), MS(4000));
}

/* A customer presses a button, which bounces on press and release. */
static void
panel_action(void)
{
	uint64_t	t = now, hold;
	int		r = (int)(rnd() % 100), b, k;

	edge_clear(&panel_ch);
	if (r < 50)
		b = (int)(rnd() % (uint64_t)cf.nproducts);
	else if (r < 95)
		b = PANEL_VEND;
	else
		goto next;
	panel_ch.button = b;
	edge_add(&panel_ch, t, 1);
	for (k = (int)rnd_range(0, 4); k > 0; k--) {	/* press bounce */
		t += rnd_range(100000, MS(1));
		edge_add(&panel_ch, t, 0);
		t += rnd_range(100000, MS(1));
		edge_add(&panel_ch, t, 1);
	}
	hold = rnd_range(MS(20), MS(700));
	t += hold;
	edge_add(&panel_ch, t, 0);
	for (k = (int)rnd_range(0, 4); k > 0; k--) {	/* release bounce */
		t += rnd_range(100000, MS(2));
		edge_add(&panel_ch, t, 1);
		t += rnd_range(100000, MS(2));
		edge_add(&panel_ch, t, 0);
	}
	if (panel_en == EXPECT_MAX)
		exit(2);
	panel_expect[(panel_ehead + panel_en++) % EXPECT_MAX] = b;
	model.presses++;
next:
	panel_ch.next_action = t + MS(cf.panel.hold_off_ms) +
	    rnd_range(MS(10), MS(3000));
}

/* The beam broken at t for width ns (a product, or a spike if short). */
static void
drop_break(uint64_t t, uint64_t width)
{
	edge_add(&drop_ch, t, 1);
	edge_add(&drop_ch, t + width, 0);
}

/* A product falls through the beam at t: 3-60 ms, sometimes flickering. */
static void
drop_product(uint64_t t)
{
	uint64_t	w = rnd_range(MS(3), MS(60));

	drop_break(t, w);
	if (chance(200))	/* the beam flickers */
		drop_break(t + w + rnd_range(MS(1), MS(3)), MS(3));
}

/* Noise on the line: breaks shorter than drop_min_ms, never a sale. */
static void
drop_spikes(uint64_t from, uint64_t to)
{
	uint64_t	t = from;

	if (cf.arm.drop_min_ms < 1)
		return;
	while (chance(300) && (t += rnd_range(MS(1), MS(400))) + MS(3) < to) {
		drop_break(t, rnd_range(1000,
		    MS(cf.arm.drop_min_ms) - 1000));
		model.drop_spikes++;
	}
}

/* A vend starts: decide what the drop sensor will see, and when. */
static void
drop_plan(const struct msg_vend *v)
{
	uint64_t	run = MS(cf.arm.run_ms), wait = MS(cf.arm.drop_timeout_ms);
	uint64_t	cycle = run + wait, t;
	uint32_t	tries = (uint32_t)cf.arm.retries + 1, k;
	int		r = (int)(rnd() % 100);

	edge_clear(&drop_ch);
	arm_expect.active = 1;
	arm_expect.vend_id = v->vend_id;
	arm_expect.test = v->test != 0;
	if (r < 60) {			/* drops during the first attempt */
		t = now + rnd_range(MS(50), cycle - MS(2));
		drop_spikes(now, t);
		drop_product(t);
		arm_expect.ok = 1;
		arm_expect.attempts = 1;
	} else if (r < 75) {		/* late: a retry gets it out */
		k = (uint32_t)rnd_range(2, tries);
		t = now + (k - 1) * cycle + rnd_range(MS(2), cycle - MS(2));
		drop_spikes(now, t);
		drop_product(t);
		arm_expect.ok = 1;
		arm_expect.attempts = k;
	} else if (r < 90) {		/* never, whatever the noise */
		drop_spikes(now, now + tries * cycle);
		arm_expect.ok = 0;
		arm_expect.attempts = tries;
	} else {			/* after arm gave up: ignored */
		drop_product(now + tries * cycle + rnd_range(MS(2), MS(5000)));
		arm_expect.ok = 0;
		arm_expect.attempts = tries;
	}
}

/* Check arm's verdict against the plan. */
static void
arm_output(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		const struct msg_vend *v = &ob->m[i].u.vend;

		if (ob->m[i].hdr.type != MSG_ARM_DONE)
			continue;
		if (!arm_expect.active || v->vend_id != arm_expect.vend_id ||
		    (int)v->ok != arm_expect.ok ||
		    v->attempts != arm_expect.attempts)
			violation("arm: vend %u ok=%u after %u attempts, "
			    "planned %u ok=%d after %u", v->vend_id, v->ok,
			    v->attempts, arm_expect.vend_id, arm_expect.ok,
			    arm_expect.attempts);
		arm_expect.active = 0;
		if (v->ok && arm_expect.test)
			model.arm_ok_test++;
		else if (v->ok)
			model.arm_ok++;
		else
			model.arm_failed++;
	}
	route(PROC_ARM, ob);
}

/* A technician refills a column through vendctl (clear_fault, as control). */
static void
tech_action(void)
{
	struct outbox		ob;
	struct msg_restock	rs;
	int			p = (int)(rnd() % (uint64_t)cf.nproducts);
	int			r = (int)(rnd() % 100);

	memset(&rs, 0, sizeof(rs));
	rs.product = (uint32_t)p;
	rs.stock = r < 75 ? -1 : r < 97 ?
	    (int32_t)rnd_range(1, (uint64_t)cf.product[p].capacity) : 0;
	rs.clear_fault = 1;
	outbox_init(&ob);
	outbox_put(&ob, PROC_LEDGER, MSG_RESTOCK, &rs, sizeof(rs));
	route(PROC_CONTROL, &ob);
	model.restocks++;
	tech_next = now + rnd_range(MS(5000), MS(40000));
}

/* ---- crash and restart ---- */

/* Write what a power cut might leave of the next record: some of its
 * bytes over the slot where the ledger would append it (at offset
 * records * 48, given before the close), its front or its back (the old
 * magic and seq left in front of new bytes). */
static void
torn_tail(uint64_t records)
{
	char	path[VENDD_PATH_MAX + 16];
	uint8_t	junk[48];
	size_t	n = (size_t)rnd_range(1, sizeof(junk));
	off_t	at = (off_t)(records * 48);
	int	fd;

	for (size_t i = 0; i < n; i++)
		junk[i] = (uint8_t)rnd();
	junk[0] |= 1;		/* not all zeros: a blank slot is no tear */
	if (chance(500))
		at += (off_t)(sizeof(junk) - n);	/* the back */
	snprintf(path, sizeof(path), "%s/journal", state_dir);
	if ((fd = open(path, O_WRONLY)) == -1 ||
	    pwrite(fd, junk, n, at) != (ssize_t)n) {
		fprintf(out, "property: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
	model.torn_tails++;
}

/* Compare the state the ledger reopened with the one it had. */
static void
restart_check(const struct ledger_state *a, const struct ledger_state *b)
{
	/* the start settles a pending vend (to the credit, or the card) and
	 * a note in escrow decided "stack" (credited) */
	int64_t	settle = a->pending.active && a->pending.test != PENDING_CARD ?
		    a->pending.price : 0;
	int64_t	note = a->mdb.escrow_active && a->mdb.escrow_stack ?
		    a->mdb.escrow_value : 0;

	if (b->credit != a->credit + settle + note ||
	    b->c.cash_in != a->c.cash_in + note ||
	    b->c.paid_value != a->c.paid_value ||
	    b->c.paid_vends != a->c.paid_vends ||
	    b->c.failed_vends != a->c.failed_vends || b->pending.active ||
	    b->c.unresolved_settled != a->c.unresolved_settled +
	    a->pending.active || b->c.startups != a->c.startups + 1)
		violation("restart changed the ledger: credit %" PRId64 " -> %"
		    PRId64 " (settled %" PRId64 "), cash_in %" PRId64 " -> %"
		    PRId64, a->credit, b->credit, settle, a->c.cash_in,
		    b->c.cash_in);
	for (int i = 0; i < cf.nproducts; i++)
		if (a->product[i].stock != b->product[i].stock ||
		    a->product[i].state != b->product[i].state ||
		    strcmp(a->product[i].id, b->product[i].id) != 0)
			violation("restart changed product %d", i);
}

/* The daemon dies: in-flight messages and every core's memory are lost. */
static void
restart(const char *why)
{
	struct ledger_state	before = led.st;
	struct outbox		ob;
	char			err[512];
	uint64_t		records;

	model.restarts++;
	for (int i = 0; i < PROC_MAX; i++) {
		for (unsigned j = 0; j < inbox[i].n; j++) {
			const struct msg *m =
			    &inbox[i].m[(inbox[i].head + j) % QMAX];

			if (m->hdr.type == MSG_ARM_DONE && m->u.vend.ok &&
			    model.cur_test)
				model.arm_ok_test_lost++;
			else if (m->hdr.type == MSG_ARM_DONE && m->u.vend.ok)
				model.arm_ok_lost++;
			if (m->hdr.type == MSG_COIN_INSERTED) {
				model.coins_lost_crash++;
				model.coins_lost_value +=
				    (uint64_t)m->u.coin.value;
			}
			if (m->hdr.type == MSG_MDB_COIN) {
				model.coins_lost_crash++;
				model.coins_lost_value +=
				    (uint64_t)m->u.mdb_coin.value;
			}
		}
		inbox[i].head = inbox[i].n = 0;
	}
	op_crash();
	mdb_peer_crash();
	/* a train still being counted: the coin was taken, never credited */
	for (unsigned j = 0; j < coin_en; j++) {
		const struct expect *e =
		    &coin_expect[(coin_ehead + j) % EXPECT_MAX];

		if (e->kind == EX_COIN) {
			model.coins_lost_crash++;
			model.coins_lost_value += (uint64_t)e->value;
		}
	}
	coin_ehead = coin_en = panel_ehead = panel_en = 0;
	edge_clear(&coin_ch);
	edge_clear(&panel_ch);
	edge_clear(&drop_ch);
	arm_expect.active = 0;
	if (led.st.pending.active)
		model.settled++;

	records = led.journal_records;
	ledger_close(&led);
	if (chance(300))
		torn_tail(records);
	if (ledger_open(&led, &cf, err, sizeof(err)) == -1) {
		violation("restart (%s): ledger_open: %s", why, err);
		fprintf(out, "property: events=%" PRIu64 " violations=%"
		    PRIu64 "\n0 passed, 1 failed\n", event_no, violations);
		exit(1);
	}
	restart_check(&before, &led.st);
	/* a note decided "stack" before the crash: credited by the start */
	if (before.mdb.escrow_active && before.mdb.escrow_stack)
		model.cash_durable += before.mdb.escrow_value;

	/* systemd restarts us a few seconds later */
	now += rnd_range(MS(500), MS(5000));
	coin_core_init(&coin, &cf.coin);
	panel_core_init(&panel, &cf);
	arm_core_init(&arm, &cf, 1);
	outbox_init(&ob);
	sales_core_init(&sales, &cf, &led.st, led.fault.on != 0, &ob);
	route(PROC_SALES, &ob);
	if (sales.next_vend_id <= model.last_vend_id)
		violation("after restart the next vend id %u is not above %u",
		    sales.next_vend_id, model.last_vend_id);
	op_restarted(&before);
	mdb_peer_restarted(&before);
	coin_ch.next_action = now + rnd_range(0, MS(2000));
	panel_ch.next_action = now + rnd_range(0, MS(2000));
	if (tech_next < now)	/* the technician waited for the restart */
		tech_next = now;
}

/* ---- the clock ---- */

/* Keep the earliest non-zero time. */
static void
earliest(uint64_t *best, int *who, uint64_t t, int id)
{
	if (t != 0 && (*best == 0 || t < *best)) {
		*best = t;
		*who = id;
	}
}

enum { W_COIN_TICK, W_PANEL_TICK, W_ARM_TICK, W_COIN_EDGE, W_PANEL_EDGE,
    W_DROP, W_COIN_ACTION, W_PANEL_ACTION, W_TECH, W_OPERATOR, W_MDB };

/* Jump the clock to the next deadline or stimulus and handle it. */
static void
advance(void)
{
	struct outbox	ob;
	uint64_t	t = 0;
	int		who = -1;

	earliest(&t, &who, coin_core_deadline(&coin), W_COIN_TICK);
	earliest(&t, &who, panel_core_deadline(&panel), W_PANEL_TICK);
	earliest(&t, &who, arm_core_deadline(&arm), W_ARM_TICK);
	earliest(&t, &who, edge_next(&coin_ch), W_COIN_EDGE);
	earliest(&t, &who, edge_next(&panel_ch), W_PANEL_EDGE);
	earliest(&t, &who, edge_next(&drop_ch), W_DROP);
	if (edge_next(&coin_ch) == 0)
		earliest(&t, &who, coin_ch.next_action, W_COIN_ACTION);
	if (edge_next(&panel_ch) == 0)
		earliest(&t, &who, panel_ch.next_action, W_PANEL_ACTION);
	earliest(&t, &who, tech_next, W_TECH);
	earliest(&t, &who, op_deadline(), W_OPERATOR);
	earliest(&t, &who, mdb_peer_deadline(), W_MDB);
	if (t < now) {
		violation("a deadline in the past (%d at %" PRIu64 " ms)", who,
		    t / MS(1));
		t = now;
	}
	now = t;
	outbox_init(&ob);
	switch (who) {
	case W_COIN_TICK:
		coin_core_tick(&coin, now, &ob);
		coin_output(&ob);
		break;
	case W_PANEL_TICK:
		panel_core_tick(&panel, now, &ob);
		panel_output(&ob);
		break;
	case W_ARM_TICK:
		arm_core_tick(&arm, now, &ob);
		arm_output(&ob);
		break;
	case W_COIN_EDGE:
		coin_core_edge(&coin, coin_ch.level[coin_ch.head], now, &ob);
		coin_ch.head++;
		coin_output(&ob);
		break;
	case W_PANEL_EDGE:
		panel_core_edge(&panel, panel_ch.button,
		    panel_ch.level[panel_ch.head], now, &ob);
		panel_ch.head++;
		panel_output(&ob);
		break;
	case W_DROP:
		arm_core_drop(&arm, now, drop_ch.level[drop_ch.head], &ob);
		drop_ch.head++;
		arm_output(&ob);
		break;
	case W_COIN_ACTION:
		coin_action();
		break;
	case W_PANEL_ACTION:
		panel_action();
		break;
	case W_TECH:
		tech_action();
		break;
	case W_OPERATOR:
		op_action();
		break;
	case W_MDB:
		mdb_peer_action();
		break;
	}
}

/* One event: serve a message, move time on, or crash. */
static void
step(void)
{
	if (chance(1) && chance(400)) {		/* 1 in 2500 */
		restart("simulated crash");
		return;
	}
	if (in_flight() && (chance(750) || inbox[PROC_LEDGER].n > 32))
		deliver_one();
	else
		advance();
}

/* ---- directed scenarios: races the random run finds only rarely ---- */

/* Deliver everything in flight, inbox by inbox in a fixed order. */
static void
drain(void)
{
	static const int order[] = { PROC_SALES, PROC_LEDGER, PROC_ARM,
	    PROC_COIN, PROC_MDB };

	do {
		while (in_flight())
			for (size_t i = 0; i < sizeof(order) /
			    sizeof(order[0]); i++)
				while (inbox[order[i]].n) {
					struct inbox *q = &inbox[order[i]];
					struct msg    m = q->m[q->head];

					q->head = (q->head + 1) % QMAX;
					q->n--;
					deliver(order[i], &m);
					check();
				}
	} while (mdb_peer_settle());
}

/* A directed scenario's customer: a 2.00 coin, then cola chosen, each
 * delivered before the next. */
static void
scenario_pay_and_choose(void)
{
	struct outbox		 ob;
	struct msg_coin_inserted ci = { .value = 200, .pulses = 20 };
	struct msg_select	 sel = { .product = 0 };

	outbox_init(&ob);
	outbox_put(&ob, PROC_LEDGER, MSG_COIN_INSERTED, &ci, sizeof(ci));
	route(PROC_COIN, &ob);
	drain();
	outbox_init(&ob);
	outbox_put(&ob, PROC_SALES, MSG_PANEL_SELECT, &sel, sizeof(sel));
	route(PROC_PANEL, &ob);
	drain();
}

/* The vend button, queued at sales (the caller drains when it wants). */
static void
scenario_vend_press(void)
{
	struct outbox	ob;

	outbox_init(&ob);
	outbox_put(&ob, PROC_SALES, MSG_PANEL_VEND, NULL, 0);
	route(PROC_PANEL, &ob);
}

/*
 * A technician's "restock cola 0" reaches the ledger just before the
 * reservation of a cola that sales, not yet told, still sees in stock. The
 * ledger must not die on it (and no money may move).
 */
static void
scenario_restock_zero_race(void)
{
	struct outbox		 ob;
	struct msg_restock	 rs = { .product = 0, .stock = 0,
				    .clear_fault = 1 };
	uint64_t		 v0 = violations;

	scenario_pay_and_choose();
	outbox_init(&ob);
	outbox_put(&ob, PROC_LEDGER, MSG_RESTOCK, &rs, sizeof(rs));
	route(PROC_CONTROL, &ob);
	model.restocks++;
	scenario_vend_press();
	drain();		/* sales first: its reserve queues behind */
	printf("property: scenario restock-zero-race: %s\n",
	    violations == v0 ? "ok" : "FAILED");
	/* put the column back for the random run */
	outbox_init(&ob);
	rs.stock = -1;
	outbox_put(&ob, PROC_LEDGER, MSG_RESTOCK, &rs, sizeof(rs));
	route(PROC_CONTROL, &ob);
	drain();
}

/* Run the arm to the vend's end, nothing else: the other stimuli wait. */
static void
finish_vend(void)
{
	struct outbox	ob;
	uint64_t	t, d;

	while ((t = arm_core_deadline(&arm)) != 0 || in_flight()) {
		if (in_flight()) {
			drain();
			continue;
		}
		outbox_init(&ob);
		if ((d = edge_next(&drop_ch)) != 0 && d <= t) {
			now = d;
			arm_core_drop(&arm, now, drop_ch.level[drop_ch.head++],
			    &ob);
		} else {
			now = t;
			arm_core_tick(&arm, now, &ob);
		}
		arm_output(&ob);
	}
	if (coin_ch.next_action < now)
		coin_ch.next_action = now;
	if (panel_ch.next_action < now)
		panel_ch.next_action = now;
	if (tech_next < now)
		tech_next = now;
}

/*
 * The operator changes the price of the product a customer has chosen
 * before the customer presses vend, once or twice. The vend then sells at
 * the price now in force, and nothing dies.
 */
static void
scenario_price_between(int changes)
{
	struct outbox		 ob;
	struct msg_restock	 rs = { .product = 0, .stock = -1,
				    .clear_fault = 1 };
	uint64_t		 v0 = violations;

	outbox_init(&ob);		/* the column full and in order */
	outbox_put(&ob, PROC_LEDGER, MSG_RESTOCK, &rs, sizeof(rs));
	route(PROC_CONTROL, &ob);
	model.restocks++;
	scenario_pay_and_choose();
	for (int i = 0; i < changes; i++) {
		op_set_price(0, cf.product[0].price - 10 * (i + 1));
		drain();
	}
	scenario_vend_press();
	drain();
	printf("property: scenario price-between-%d: %s\n", changes,
	    violations == v0 ? "ok" : "FAILED");
	finish_vend();
	op_set_price(0, -1);
	drain();
}

/*
 * The vend press reaches sales before the price the operator just set:
 * sales reserves at the old price, the ledger (which has the new one)
 * refuses it without a record, the credit stays, the customer presses
 * again and buys at the new price.
 */
static void
scenario_price_race(void)
{
	uint64_t		 v0 = violations, races;

	scenario_pay_and_choose();
	races = op_counts()->price_races;
	op_set_price(0, cf.product[0].price + 10);	/* queued at the ledger */
	scenario_vend_press();
	drain();			/* sales first: the old price */
	if (op_counts()->price_races != races + 1)
		violation("price race: the reservation did not race the change");
	scenario_vend_press();
	drain();
	printf("property: scenario price-race: %s\n",
	    violations == v0 ? "ok" : "FAILED");
	finish_vend();
	op_set_price(0, -1);
	drain();
}

/* ---- set-up ---- */

/* A temp dir for the ledger, on /dev/shm when it exists (cheap fsync). */
static void
make_state_dir(void)
{
	struct stat	sb;
	const char	*base = stat("/dev/shm", &sb) == 0 ? "/dev/shm" : "/tmp";

	snprintf(state_dir, sizeof(state_dir), "%s/vendd-property.XXXXXX",
	    base);
	if (mkdtemp(state_dir) == NULL) {
		fprintf(out, "property: mkdtemp %s: %s\n", state_dir,
		    strerror(errno));
		exit(2);
	}
}

/* Remove the temp dir and the ledger's files. */
static void
remove_state_dir(void)
{
	static const char *files[] = { "journal", "snapshot", "snapshot.tmp",
	    "events", "events.old" };
	char	path[VENDD_PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", state_dir, files[i]);
		unlink(path);
	}
	rmdir(state_dir);
}

/* The config: etc/vendd.ini, the reference machine. */
static void
load_config(void)
{
	char	err[512];

	if (config_load(&cf, SRCDIR "/etc/vendd.ini", err, sizeof(err)) == -1) {
		fprintf(out, "property: %s\n", err);
		exit(2);
	}
	snprintf(cf.state_dir, sizeof(cf.state_dir), "%s", state_dir);
	/* the MDB bus with its three peripherals (mdb.c) */
	snprintf(cf.mdb.device, sizeof(cf.mdb.device), "/dev/mdb-property");
	cf.mdb.changer = cf.mdb.validator = cf.mdb.cashless = 1;
}

/* A number from the environment, or the default. */
static uint64_t
env_num(const char *name, uint64_t def)
{
	const char	*s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/* Start the world: fresh ledger, every core idle. */
static void
start(void)
{
	struct outbox	ob;
	char		err[512];

	if (ledger_open(&led, &cf, err, sizeof(err)) == -1) {
		fprintf(out, "property: ledger_open: %s\n", err);
		exit(2);
	}
	for (int i = 0; i < cf.nproducts; i++)
		model.stock[i] = led.st.product[i].stock;
	coin_core_init(&coin, &cf.coin);
	panel_core_init(&panel, &cf);
	arm_core_init(&arm, &cf, 1);
	outbox_init(&ob);
	sales_core_init(&sales, &cf, &led.st, led.fault.on != 0, &ob);
	route(PROC_SALES, &ob);
	now = MS(1000);
	coin_ch.next_action = now + MS(100);
	panel_ch.next_action = now + MS(700);
	tech_next = now + MS(60000);
	op_start();
	mdb_peer_start();
}

int
main(int argc, char *argv[])
{
	static const cookie_io_functions_t ring = { .write = logring_write };
	const struct op_counts *oc = op_counts();
	const struct mdb_counts *mc = mdb_peer_counts();
	struct timespec	t0, t1;
	int		ch;
	double		secs;

	out = stdout;
	seed = env_num("PROPERTY_SEED", DEFAULT_SEED);
	nevents = env_num("PROPERTY_EVENTS", DEFAULT_EVENTS);
	logverbose = env_num("PROPERTY_LOG", 0) != 0;
	while ((ch = getopt(argc, argv, "n:s:v")) != -1) {
		switch (ch) {
		case 'n':
			nevents = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			logverbose = 1;
			break;
		default:
			fprintf(stderr, "usage: property [-n EVENTS] "
			    "[-s SEED] [-v]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!logverbose && (stderr = fopencookie(NULL, "w", ring)) == NULL)
		return 2;
	log_init("vendd", 0);
	log_set_fatal_hook(fatal_hook);
	rng_state = seed;
	printf("property: seed=%" PRIu64 " events=%" PRIu64 "\n", seed,
	    nevents);
	make_state_dir();
	load_config();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	start();
	scenario_restock_zero_race();
	scenario_price_between(1);
	scenario_price_between(2);
	scenario_price_race();
	for (event_no = 1; event_no <= nevents; event_no++) {
		step();
		check();
	}
	event_no = nevents;
	op_finish();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ledger_close(&led);
	remove_state_dir();

	printf("property: simulated %" PRIu64 " s in %.1f s; coins %" PRIu64
	    " (%" PRIu64 " minor units), rejected while inhibited %" PRIu64
	    ", unknown %" PRIu64 ", noise spikes %" PRIu64 ", faults %" PRIu64
	    "\n", now / MS(1000), secs, model.coins_gen, model.coins_value_gen,
	    model.coins_rejected, model.unknown, model.noise_spikes,
	    model.faults);
	printf("property: presses %" PRIu64 ", vends %" PRIu64 " (paid %"
	    PRIu64 ", failed %" PRIu64 ", settled at restart %" PRIu64
	    "), arm cycles %" PRIu64 ", drop-sensor spikes %" PRIu64
	    ", sold-out %" PRIu64 ", restocks %" PRIu64 "\n", model.presses,
	    model.vends, model.commits, model.restores, model.settled,
	    model.arm_cycles, model.drop_spikes, model.sold_out,
	    model.restocks);
	printf("property: restarts %" PRIu64 " (torn tails %" PRIu64
	    "), coins lost in a crash before the ledger %" PRIu64 " (%" PRIu64
	    " minor units), cash_in %" PRId64 ", paid %" PRId64 ", credit %"
	    PRId64 "\n", model.restarts, model.torn_tails,
	    model.coins_lost_crash, model.coins_lost_value, led.st.c.cash_in,
	    led.st.c.paid_value, led.st.credit);
	printf("property: operator: price changes %" PRIu64 ", collections %"
	    PRIu64 ", service records %" PRIu64 " (door openings %" PRIu64
	    "), test vends %" PRIu64 " (dropped %" PRIu64 ", vendctl's "
	    "refused %" PRIu64 "), audit resets %" PRIu64 " (stale refused %"
	    PRIu64 "), collected %" PRId64 ", reservations that raced a "
	    "price change %" PRIu64 "\n", oc->price_changes,
	    oc->collections, oc->services, led.st.c.door_openings,
	    model.test_vends, model.test_commits, oc->test_refused, oc->resets,
	    oc->resets_stale, led.st.c.collected_value, oc->price_races);
	printf("property: mdb: coins %" PRIu64 " (lost in a crash before "
	    "the ledger: counted above), payouts %" PRIu64 ", notes stacked %"
	    PRIu64 " (in doubt %" PRIu64 ") given back %" PRIu64 ", card "
	    "vends approved %" PRIu64 " denied %" PRIu64 " sold %" PRIu64
	    " refunded %" PRIu64 " voided by a crash %" PRIu64 "; ledger: "
	    "notes %" PRId64 ", change paid %" PRId64 " owed %" PRId64
	    ", card sales %" PRId64 "\n", mc->coins, mc->payouts,
	    mc->notes_stacked, mc->notes_in_doubt, mc->notes_returned,
	    mc->card_approved, mc->card_denied, mc->card_sold,
	    mc->card_refunded, mc->card_voided, led.st.mdb.notes_in,
	    led.st.mdb.change_paid, led.st.mdb.owed, led.st.mdb.card_value);
	printf("property: events=%" PRIu64 " violations=%" PRIu64
	    " price_changes=%" PRIu64 " collections=%" PRIu64 " test_vends=%"
	    PRIu64 " resets=%" PRIu64 "\n", nevents, violations,
	    oc->price_changes, oc->collections, model.test_vends, oc->resets);
	printf("%d passed, %d failed\n", violations ? 0 : 1,
	    violations ? 1 : 0);
	return violations ? 1 : 0;
}
