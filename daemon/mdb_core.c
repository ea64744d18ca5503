/*
 * The MDB activity's decisions for the coin changer (see mdb_core.h): a
 * request at a time, its answer turned into the next phase and into
 * events. Pure: no I/O, no clock, no logging.
 */
#include <string.h>

#include "mdb_core.h"

/* Start from nothing known: reset the changer first. */
void
mdb_core_init(struct mdb_core *c, const struct mdb_timing *t, int decimals,
    uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->t = *t;
	c->decimals = decimals;
	c->phase = MDB_PH_RESET;
	c->outstanding = -1;
	c->next_at = now;
	c->heard_at = now;
	c->inhibit = 1;			/* until sales says it can sell */
	c->limit = 0xffff;
	c->exact = -1;			/* said at the first tube counts */
	c->stale = -1;
}

/* Put a changer's event out (see mdb_out_add). */
static struct mdb_out *
mdb_emit(struct mdb_outs *o, int kind, int64_t value, int type, int routing,
    int code)
{
	struct mdb_out	*e = mdb_out_add(o, MDB_DEV_CHANGER, kind);

	if (e != NULL) {
		e->value = value;
		e->type = type;
		e->routing = routing;
		e->code = code;
	}
	return e;
}

/* The coin types the setup gives a value. */
static uint16_t
mdb_valued_mask(const struct mdb_core *c)
{
	uint16_t	m = 0;

	for (int i = 0; i < c->setup.ntypes && i < MDB_TYPES; i++)
		if (c->setup.value[i] > 0)
			m |= (uint16_t)(1u << i);
	return m;
}

/* The coin types to accept: all of them, unless sales wants the acceptor
 * blocked. (The changer's own payout buttons stay enabled: a technician's.) */
static uint16_t
mdb_accept_mask(const struct mdb_core *c)
{
	return c->inhibit ? 0 : mdb_valued_mask(c) & c->limit;
}

/* The changer's value of a coin type at vendd's decimals; -1 if none. */
static int64_t
mdb_coin_value(const struct mdb_core *c, int type)
{
	int64_t	v;

	if (type < 0 || type >= c->setup.ntypes || c->setup.value[type] <= 0 ||
	    mdb_rescale(c->setup.value[type], c->setup.decimals, c->decimals,
	    &v) == -1)
		return -1;
	return v;
}

/* The tubes as change.c sees them: values at vendd's decimals, the
 * counts and full flags of the last TUBE STATUS, the types that go to a
 * tube (routing) payable. */
static void
mdb_change_tubes(const struct mdb_core *c, struct change_tubes *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < MDB_TYPES && i < c->setup.ntypes; i++) {
		int64_t	v = mdb_coin_value(c, i);

		t->type[i].value = v > 0 ? v : 0;
		t->type[i].count = c->tubes.count[i];
		t->type[i].full = (c->tubes.full >> i) & 1;
		t->type[i].payable = (c->setup.routing >> i) & 1;
	}
}

/*
 * Whether the tubes can change every coin for the cheapest price: the coin
 * types taken are limited to those that can be (a coin change cannot be
 * given for would be a forced overpayment), and "exact change only" is said
 * when one cannot.
 */
static void
mdb_exact(struct mdb_core *c, struct mdb_outs *o)
{
	struct change_tubes	t;
	uint16_t		valued = mdb_valued_mask(c), limit = valued;
	int			exact;

	mdb_change_tubes(c, &t);
	exact = change_exact_required(&t, valued, c->cheapest);
	if (c->cheapest > 0)
		limit = change_limit_coin_types(&t, valued, &c->cheapest, 1);
	if (limit != c->limit) {
		c->limit = limit;
		if (c->phase == MDB_PH_READY &&
		    mdb_accept_mask(c) != c->enabled)
			c->coin_type_due = 1;
	}
	if (exact != c->exact) {
		c->exact = exact;
		mdb_emit(o, MDB_OUT_EXACT, 0, 0, 0, exact);
	}
}

/* Whether the tubes can pay amount exactly: see mdb_core.h. */
int
mdb_core_can_pay(const struct mdb_core *c, int64_t amount)
{
	struct change_tubes	t;
	struct change_plan	p;

	if (amount <= 0)
		return 1;
	if (!c->online)
		return 0;
	mdb_change_tubes(c, &t);
	return change_plan(&t, amount, &p) == 0 && p.shortfall == 0;
}

/* The cheapest price on sale: see mdb_core.h. */
void
mdb_core_prices(struct mdb_core *c, int64_t cheapest, struct mdb_outs *o)
{
	c->cheapest = cheapest;
	if (c->setup.ntypes > 0)
		mdb_exact(c, o);
}

/* A payout's end: what left the tubes (the counts before and now), the
 * rest owed; told once. */
static void
mdb_payout_end(struct mdb_core *c, int known, struct mdb_outs *o)
{
	struct change_tubes	after;
	struct change_paid	paid;
	struct mdb_out		*e;

	memset(&paid, 0, sizeof(paid));
	if (known) {
		/* the tube counts (a lower bound) and, when every step's was
		 * read, PAYOUT STATUS: the larger, never beyond the plan */
		mdb_change_tubes(c, &after);
		change_reconcile(&c->plan, &c->before, &after, NULL, &paid);
		if (c->alt_payout && c->status_ok) {
			struct change_paid	st;

			change_reconcile(&c->plan, &c->before, &after,
			    c->status, &st);
			if (st.paid > c->plan.total)
				st.paid = c->plan.total;
			if (st.paid > paid.paid)
				paid.paid = st.paid;
		}
	}
	if ((e = mdb_emit(o, MDB_OUT_PAID, c->plan.amount, 0, 0, 0)) != NULL) {
		e->id = c->payout_id;
		e->paid = paid.paid;
	}
	c->payout = 0;
}

/* A payout nothing can be paid of: all of it owed, said at once. */
void
mdb_core_owe(struct mdb_outs *o, uint32_t id, int64_t amount)
{
	struct mdb_out	*e = mdb_emit(o, MDB_OUT_PAID, amount, 0, 0, 0);

	if (e != NULL)
		e->id = id;
}

/* Pay change: see mdb_core.h. */
void
mdb_core_payout(struct mdb_core *c, uint32_t id, int64_t amount,
    struct mdb_outs *o)
{
	if (c->payout || !c->online) {	/* the one in hand is left as it is */
		mdb_core_owe(o, id, amount);
		return;
	}
	/* planned from counts read now (the cached ones may be stale: coins
	 * paid by hand, or taken out), once the changer is ready */
	memset(&c->plan, 0, sizeof(c->plan));
	c->plan.amount = amount;
	c->payout_amount = amount;
	c->payout_id = id;
	c->step = 0;
	c->payout = MDB_PAY_COUNT;
}

/* The fresh counts are in: the plan, and its first step. */
static void
mdb_payout_plan(struct mdb_core *c)
{
	mdb_change_tubes(c, &c->before);
	change_plan(&c->before, c->payout_amount, &c->plan);
	memset(c->status, 0, sizeof(c->status));
	c->status_ok = 1;
	c->step = 0;
	c->payout = c->plan.nsteps > 0 ? MDB_PAY_STEP : MDB_PAY_CONFIRM;
}

/* The port was lost: see mdb_core.h. */
void
mdb_core_abandon(struct mdb_core *c, struct mdb_outs *o)
{
	if (c->payout)
		mdb_payout_end(c, 0, o);
}

/* The request of a payout in hand. */
static size_t
mdb_payout_request(struct mdb_core *c, uint8_t *msg)
{
	switch (c->payout) {
	case MDB_PAY_STEP:
		return mdb_changer_dispense(msg, c->plan.step[c->step].type,
		    c->plan.step[c->step].count);
	case MDB_PAY_WAIT:
		return mdb_cmd_simple(msg, MDB_CHANGER_POLL);
	case MDB_PAY_STATUS:
		return mdb_changer_expansion(msg, MDB_CHANGER_X_PAYOUT_STATUS);
	}
	return mdb_cmd_simple(msg, MDB_CHANGER_TUBE_STATUS);	/* COUNT,
								 * CONFIRM */
}

/* The request of the phase we are in. */
static size_t
mdb_request(struct mdb_core *c, uint64_t now, uint8_t *msg)
{
	switch (c->phase) {
	case MDB_PH_RESET:
		return mdb_cmd_simple(msg, MDB_CHANGER_RESET);
	case MDB_PH_WAIT_RESET:
		return mdb_cmd_simple(msg, MDB_CHANGER_POLL);
	case MDB_PH_SETUP:
		return mdb_cmd_simple(msg, MDB_CHANGER_SETUP);
	case MDB_PH_IDENT:
		return mdb_changer_expansion(msg, MDB_CHANGER_X_IDENT);
	case MDB_PH_FEATURES:
		return mdb_changer_feature_enable(msg, MDB_CHANGER_F_ALT_PAYOUT);
	case MDB_PH_TUBES:
		return mdb_cmd_simple(msg, MDB_CHANGER_TUBE_STATUS);
	case MDB_PH_COIN_TYPE:
		return mdb_changer_coin_type(msg, mdb_accept_mask(c),
		    mdb_valued_mask(c));
	}
	/* ready: a payout's steps, the coin types when they changed, the
	 * tubes now and then, else a poll */
	if (c->coin_type_due)		/* a block first: no coin while paying */
		return mdb_changer_coin_type(msg, mdb_accept_mask(c),
		    mdb_valued_mask(c));
	if (c->payout)
		return mdb_payout_request(c, msg);
	if (now >= c->tubes_at)
		return mdb_cmd_simple(msg, MDB_CHANGER_TUBE_STATUS);
	return mdb_cmd_simple(msg, MDB_CHANGER_POLL);
}

/* The request to send now: see mdb_core.h. */
size_t
mdb_core_next(struct mdb_core *c, uint64_t now, uint8_t *msg)
{
	size_t	n;

	if (c->outstanding != -1 || now < c->next_at)
		return 0;
	if ((n = mdb_request(c, now, msg)) == 0)
		return 0;
	c->outstanding = msg[0];
	c->sent_at = now;
	return n;
}

/* Nobody answered (NACK, or no line at all): offline once silent for
 * offline_ns; then RESET again and again until it answers. */
static void
mdb_unanswered(struct mdb_core *c, uint64_t now, struct mdb_outs *o)
{
	/* a DISPENSE unanswered may still have been taken: never sent
	 * twice; TUBE STATUS says at the end what left the tubes */
	if (c->outstanding == MDB_CHANGER_DISPENSE && c->payout) {
		c->step++;
		c->payout = MDB_PAY_WAIT;
		c->busy_seen = 0;
		c->step_at = now;
	}
	/* a PAYOUT STATUS lost: its counts are gone (the changer sent
	 * them), so the sum is not whole; the tube counts will say */
	if (c->outstanding == MDB_CHANGER_EXPANSION &&
	    c->payout == MDB_PAY_STATUS)
		c->status_ok = 0;
	/* a line that comes late is this request's answer: nothing new is
	 * sent for a while, so that it is not taken for the next one's */
	c->stale = c->outstanding;
	c->outstanding = -1;
	c->next_at = now + c->t.poll_ns + c->t.answer_ns;
	if (now - c->heard_at < c->t.offline_ns)
		return;
	if (c->online) {
		c->online = 0;
		mdb_emit(o, MDB_OUT_OFFLINE, 0, 0, 0, 0);
	}
	if (c->payout)		/* nothing known left: all of it owed */
		mdb_payout_end(c, 0, o);
	c->phase = MDB_PH_RESET;
}

/* The events of a poll when ready: coins, manual payouts, faults; a
 * changer that was reset (its power cut) is set up again. */
static void
mdb_poll_events(struct mdb_core *c, const struct mdb_changer_event *ev,
    int n, struct mdb_outs *o)
{
	struct mdb_out	*e;
	int64_t		 v;

	for (int i = 0; i < n; i++) {
		switch (ev[i].kind) {
		case MDB_CHANGER_EV_DEPOSITED:
			if (ev[i].routing == MDB_ROUTE_REJECT)
				break;		/* given back: no money */
			if ((v = mdb_coin_value(c, ev[i].type)) < 0) {
				mdb_emit(o, MDB_OUT_BAD, 0, ev[i].type, 0,
				    ev[i].kind);
				break;
			}
			mdb_emit(o, MDB_OUT_COIN, v, ev[i].type,
			    ev[i].routing, 0);
			if (ev[i].type < MDB_TYPES)
				c->tubes.count[ev[i].type] =
				    (uint8_t)ev[i].tube;
			/* into a tube while paying: not a coin paid less */
			if (c->payout > MDB_PAY_COUNT && ev[i].routing ==
			    MDB_ROUTE_TUBES && ev[i].type < CHANGE_TYPES &&
			    c->before.type[ev[i].type].count < 255)
				c->before.type[ev[i].type].count++;
			break;
		case MDB_CHANGER_EV_DISPENSED:
			if (ev[i].type < MDB_TYPES)	/* by hand: fewer now */
				c->tubes.count[ev[i].type] =
				    (uint8_t)ev[i].tube;
			v = mdb_coin_value(c, ev[i].type);
			if ((e = mdb_emit(o, MDB_OUT_MANUAL, v > 0 ? v *
			    ev[i].count : 0, ev[i].type, 0, 0)) != NULL)
				e->count = ev[i].count;
			break;
		case MDB_CHANGER_EV_RESET:
			c->phase = MDB_PH_SETUP;
			c->status_ok = 0;	/* its PAYOUT STATUS is lost */
			break;
		case MDB_CHANGER_EV_PAYOUT_BUSY:
		case MDB_CHANGER_EV_BUSY:
		case MDB_CHANGER_EV_NO_CREDIT:
			break;
		default:
			mdb_emit(o, MDB_OUT_FAULT, 0, 0, 0, ev[i].kind);
			break;
		}
	}
}

/* PAYOUT STATUS still "paying" this long after the step's DISPENSE:
 * given up on (the tube counts say what left). */
#define MDB_STATUS_WAIT_NS	(5000ULL * 1000000ULL)

/* A step paid out: its PAYOUT STATUS (the alternative payout enabled),
 * then the next step, or the tube counts at the end. */
static void
mdb_step_done(struct mdb_core *c)
{
	if (c->alt_payout && c->status_ok)
		c->payout = MDB_PAY_STATUS;
	else
		c->payout = c->step < c->plan.nsteps ? MDB_PAY_STEP :
		    MDB_PAY_CONFIRM;
}

/* What the steps' PAYOUT STATUS says was paid so far, said (the ledger
 * keeps it: a crash then owes only the rest). */
static void
mdb_step_paid(struct mdb_core *c, struct mdb_outs *o)
{
	struct mdb_out	*e;
	int64_t		 paid = 0, v;

	for (int i = 0; i < MDB_TYPES; i++)
		if (c->status[i] && (v = mdb_coin_value(c, i)) > 0)
			paid += v * c->status[i];
	if ((e = mdb_emit(o, MDB_OUT_STEP, c->plan.amount, 0, 0, 0)) != NULL) {
		e->id = c->payout_id;
		e->paid = paid;
	}
}

/* PAYOUT STATUS's answer: the step's coins added up (ACK: still paying,
 * asked again); one that does not decode leaves the tube counts to say. */
static void
mdb_status_answer(struct mdb_core *c, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	struct mdb_payout_status ps;
	int	rc = r->kind == MDB_REPLY_DATA ? mdb_changer_payout_status_decode(
		    r->data, r->len, &ps) : 1;

	if (c->payout != MDB_PAY_STATUS)
		return;
	if (rc == 1 && now - c->step_at < MDB_STATUS_WAIT_NS)
		return;			/* still paying: asked again */
	if (rc == 1)			/* busy for ever: the tubes will say */
		c->status_ok = 0;
	if (rc == -1) {
		mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, MDB_CHANGER_EXPANSION);
		c->status_ok = 0;
	} else {
		for (int i = 0; i < ps.ntypes && i < MDB_TYPES; i++)
			c->status[i] = (uint8_t)(c->status[i] + ps.count[i] >
			    255 ? 255 : c->status[i] + ps.count[i]);
		mdb_step_paid(c, o);
	}
	c->payout = c->step < c->plan.nsteps ? MDB_PAY_STEP : MDB_PAY_CONFIRM;
}

/* "Just reset" not heard this long after a RESET: set up anyway. */
#define MDB_RESET_WAIT_MAX_NS	(2000ULL * 1000000ULL)
/* A DISPENSE never said busy after this long: taken as paid. */
#define MDB_STEP_QUIET_NS	(500ULL * 1000000ULL)

/* A poll's answer in the phase it was sent in. */
static void
mdb_poll_answer(struct mdb_core *c, const struct mdb_reply *r, uint64_t now,
    struct mdb_outs *o)
{
	struct mdb_changer_event ev[MDB_POLL_MAX];
	int	n = r->kind == MDB_REPLY_DATA ? mdb_changer_poll_decode(r->data,
		    r->len, ev, MDB_POLL_MAX) : 0;

	if (n < 0) {
		/* the events before the garbled byte are still real (a coin
		 * is in the box): kept; the rest is said */
		mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, MDB_CHANGER_POLL);
		n = mdb_changer_poll_prefix(r->data, r->len, ev, MDB_POLL_MAX);
	}
	if (c->phase == MDB_PH_WAIT_RESET) {
		for (int i = 0; i < n; i++)
			if (ev[i].kind == MDB_CHANGER_EV_RESET)
				c->phase = MDB_PH_SETUP;
		/* its "just reset" lost (a garbled line): set it up anyway */
		if (now - c->reset_at >= MDB_RESET_WAIT_MAX_NS)
			c->phase = MDB_PH_SETUP;
		return;
	}
	mdb_poll_events(c, ev, n, o);
	if (c->payout == MDB_PAY_WAIT && c->phase == MDB_PH_READY) {
		int	busy = 0;

		for (int i = 0; i < n; i++)
			busy |= ev[i].kind == MDB_CHANGER_EV_PAYOUT_BUSY ||
			    ev[i].kind == MDB_CHANGER_EV_BUSY;
		c->busy_seen |= busy;
		/* this step is paid once the changer said busy and no longer
		 * does (or never said it for a while: a quick one) */
		if (!busy && (c->busy_seen || now - c->step_at >=
		    MDB_STEP_QUIET_NS))
			mdb_step_done(c);
	}
}

/* An answer that carries data it must: decoded into the next phase. */
static void
mdb_data_answer(struct mdb_core *c, int cmd, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	const uint8_t	*b = r->data;
	size_t		 n = r->kind == MDB_REPLY_DATA ? r->len : 0;

	switch (cmd) {
	case MDB_CHANGER_SETUP:
		if (mdb_changer_setup_decode(b, n, &c->setup) == -1) {
			mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, cmd);
			return;			/* asked again */
		}
		c->phase = MDB_PH_IDENT;
		break;
	case MDB_CHANGER_EXPANSION:
		if (c->phase == MDB_PH_FEATURES) {	/* FEATURE ENABLE taken */
			c->alt_payout = 1;
			c->phase = MDB_PH_TUBES;
			break;
		}
		if (c->phase != MDB_PH_IDENT) {		/* PAYOUT STATUS */
			mdb_status_answer(c, r, now, o);
			break;
		}
		/* optional: a level 2 changer has none */
		if (mdb_ident_decode(b, n, &c->ident) == -1)
			memset(&c->ident, 0, sizeof(c->ident));
		c->alt_payout = 0;
		c->phase = c->setup.level >= 3 && (c->ident.features &
		    MDB_CHANGER_F_ALT_PAYOUT) ? MDB_PH_FEATURES : MDB_PH_TUBES;
		break;
	case MDB_CHANGER_TUBE_STATUS:
		if (mdb_changer_tubes_decode(b, n, &c->tubes) == -1) {
			mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, cmd);
			return;
		}
		mdb_emit(o, MDB_OUT_TUBES, 0, 0, 0, 0);
		c->tubes_at = now + c->t.tubes_ns;
		mdb_exact(c, o);
		/* a payout confirmed, or cut by the changer's reset: the
		 * counts say what left */
		if (c->payout == MDB_PAY_COUNT && c->phase == MDB_PH_READY)
			mdb_payout_plan(c);
		else if (c->payout == MDB_PAY_CONFIRM || (c->payout &&
		    c->payout != MDB_PAY_COUNT && c->phase != MDB_PH_READY))
			mdb_payout_end(c, 1, o);
		if (c->phase == MDB_PH_TUBES)
			c->phase = MDB_PH_COIN_TYPE;
		break;
	}
}

/* The answer to the outstanding request: see mdb_core.h. */
void
mdb_core_answer(struct mdb_core *c, const struct mdb_reply *r, uint64_t now,
    struct mdb_outs *o)
{
	int	cmd = c->outstanding;

	if (cmd == -1 && c->stale != -1 && r->kind != MDB_REPLY_NACK) {
		/* the late answer of a request given up on (a coin in it is
		 * money): taken as that answer */
		cmd = c->stale;
		c->outstanding = cmd;
	}
	c->stale = -1;
	if (cmd == -1) {
		mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, -1);	/* logged, not lost */
		return;
	}
	if (r->kind == MDB_REPLY_NACK && (c->phase == MDB_PH_IDENT ||
	    c->phase == MDB_PH_FEATURES)) {
		/* a level 2 changer has no identification, nor features: go
		 * on without (one that is gone stays silent at TUBE STATUS
		 * too) */
		c->outstanding = -1;
		c->alt_payout = 0;
		c->phase = MDB_PH_TUBES;
		c->next_at = now;
		return;
	}
	if (r->kind == MDB_REPLY_NACK && cmd == MDB_CHANGER_EXPANSION &&
	    c->payout == MDB_PAY_STATUS) {
		/* no PAYOUT STATUS after all: the tube counts will say */
		c->outstanding = -1;
		c->status_ok = 0;
		c->payout = c->step < c->plan.nsteps ? MDB_PAY_STEP :
		    MDB_PAY_CONFIRM;
		c->next_at = now + c->t.poll_ns;
		return;
	}
	if (r->kind == MDB_REPLY_NACK || r->kind == MDB_REPLY_OTHER ||
	    r->kind == MDB_REPLY_MODE) {
		if (r->kind == MDB_REPLY_OTHER)
			mdb_emit(o, MDB_OUT_BAD, 0, 0, 0, cmd);
		mdb_unanswered(c, now, o);
		return;
	}
	c->heard_at = now;
	c->outstanding = -1;
	c->next_at = now + c->t.poll_ns;
	switch (cmd) {
	case MDB_CHANGER_RESET:
		c->phase = MDB_PH_WAIT_RESET;
		c->reset_at = now;
		c->next_at = now + c->t.reset_wait_ns;
		break;
	case MDB_CHANGER_POLL:
		mdb_poll_answer(c, r, now, o);
		if (c->phase == MDB_PH_SETUP)
			c->next_at = now;	/* set it up at once */
		break;
	case MDB_CHANGER_DISPENSE:
		c->step++;
		c->payout = MDB_PAY_WAIT;
		c->busy_seen = 0;
		c->step_at = now;
		break;
	case MDB_CHANGER_COIN_TYPE:
		c->enabled = mdb_accept_mask(c);
		c->coin_type_due = 0;
		if (c->phase == MDB_PH_COIN_TYPE) {
			c->phase = MDB_PH_READY;
			c->online = 1;
			mdb_emit(o, MDB_OUT_ONLINE, 0, 0, 0, 0);
		}
		break;
	default:
		mdb_data_answer(c, cmd, r, now, o);
		if (c->phase != MDB_PH_READY)
			c->next_at = now;	/* start-up goes on at once */
		break;
	}
}

/* No answer line within answer_ns: as a NACK. */
void
mdb_core_silent(struct mdb_core *c, uint64_t now, struct mdb_outs *o)
{
	if (c->outstanding != -1)
		mdb_unanswered(c, now, o);
}

/* Sales' wish; a ready changer is told at the next request. */
void
mdb_core_inhibit(struct mdb_core *c, int on)
{
	c->inhibit = on != 0;
	if (c->phase == MDB_PH_READY && mdb_accept_mask(c) != c->enabled)
		c->coin_type_due = 1;
}

/* When the shell must act next: see mdb_core.h. */
uint64_t
mdb_core_deadline(const struct mdb_core *c)
{
	return c->outstanding != -1 ? c->sent_at + c->t.answer_ns : c->next_at;
}
