/*
 * The operator's day in the property test: prices changed at random
 * moments (also between a selection and its vend), the cash box collected,
 * the door opened and closed (the panel's door switch), service mode on
 * and off from vendctl, test vends asked by vendctl (the panel's vend
 * button tests too while in service mode), audit resets with the token of
 * the counters at the request (a sale in between makes it stale) and now
 * and then one that is stale for sure. A fake control sends the requests
 * and checks each answer against them.
 *
 * The model kept here, from outside the daemon: the effective prices and
 * the ones before the last change, what the collections took, the service
 * records. After every event: prices, collections and the since-reset
 * bases agree with it and with the invariants; after a crash, what sales
 * starts with and the event log (every record once, in order, up to the
 * ledger's seq).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "msg.h"
#include "panel.h"
#include "sales.h"

#include "property.h"

#define REQ_MAX		16	/* control's requests awaiting an answer */
#define EVENTS_ROTATE_TEST 1000	/* the event log rotates often here */
#define EVENTS_CHUNK	64	/* events read at once */

_Static_assert(sizeof(struct ledger_counters) % 8 == 0,
    "ledger_counters: 8-byte fields only, compared as an array");

/* A request control sent; type is the answer awaited (0: a free slot). */
struct op_req {
	uint16_t	type;
	uint32_t	id;
	uint32_t	product;
	int64_t		price;		/* PRICE_DONE: asked for, -1 the INI's */
	int		on;		/* SERVICE_DONE: asked for */
};

static struct {
	uint64_t	next, door_next, service_next;
	int		door;		/* the door switch: open */
	int		service;	/* service on asked, durable or not */
	uint32_t	last_id;
	struct op_req	req[REQ_MAX];
	int64_t		price[VENDD_MAX_PRODUCTS];	/* effective */
	int64_t		before[VENDD_MAX_PRODUCTS];	/* before the last
							 * change, -1 none */
	int64_t		cash_collected;	/* cash_in at the last collection,
					 * less an MDB changer's tubes */
	int64_t		collected;	/* what the collections took */
	uint64_t	door_recs, entries;	/* service records: door
						 * openings, entries */
	uint32_t	old_token;	/* a report read earlier */
	/* the message the ledger is handling: what it should do */
	int64_t		credit, collect_amount;
	int		reset_ok, test_pending;
	int		pending_kind;	/* enum pending_kind */
	int		stale_price;	/* a reservation that raced a change */
	uint32_t	test_ok, test_why;	/* the last test vend's end */
	struct op_counts n;
} op;

/* ---- control's requests ---- */

/* Send one request from control, remembering the answer it awaits. */
static void
op_ask(int dst, uint16_t type, const void *pl, size_t len, uint16_t want,
    uint32_t product, int64_t price, int on)
{
	struct outbox	 ob;
	struct op_req	*r = NULL;

	for (int i = 0; i < REQ_MAX && r == NULL; i++)
		if (op.req[i].type == 0)
			r = &op.req[i];
	if (r == NULL)
		return;		/* the operator waits for the answers */
	r->type = want;
	r->id = ++op.last_id;
	r->product = product;
	r->price = price;
	r->on = on;
	outbox_init(&ob);
	outbox_put(&ob, dst, type, pl, len);
	ob.m[0].hdr.id = r->id;
	route(PROC_CONTROL, &ob);
}

/* The request an answer is for, freed; NULL (a violation) if none. */
static struct op_req *
op_answered(const struct msg *m)
{
	static struct op_req	done;

	for (int i = 0; i < REQ_MAX; i++)
		if (op.req[i].type == m->hdr.type &&
		    op.req[i].id == m->hdr.id) {
			done = op.req[i];
			op.req[i].type = 0;
			return &done;
		}
	violation("control got %s id %u, asked for none",
	    msg_type_name(m->hdr.type), m->hdr.id);
	return NULL;
}

/* A product to act on: often the one chosen, to land between its
 * selection and its vend. */
static uint32_t
op_product(void)
{
	if (sales.selection >= 0 && chance(500))
		return (uint32_t)sales.selection;
	return (uint32_t)(rnd() % (uint64_t)cf.nproducts);
}

/* vendctl price: price, or -1 for the INI's again. */
void
op_set_price(uint32_t product, int64_t price)
{
	struct msg_price p;

	memset(&p, 0, sizeof(p));
	p.product = product;
	p.is_default = price < 0;
	p.price = price < 0 ? 0 : price;
	op_ask(PROC_LEDGER, MSG_PRICE_SET, &p, sizeof(p), MSG_PRICE_DONE,
	    product, price, 0);
}

/* A price change at random: mostly a round one, now and then any that
 * control takes (above max_credit too), or the INI's again. */
static void
op_price(void)
{
	uint32_t	p = op_product();
	int		r = (int)(rnd() % 100);

	op_set_price(p, r < 20 ? -1 : r < 95 ?
	    (int64_t)rnd_range(1, 100) * 10 : (int64_t)rnd_range(1, 99999));
}

/* vendctl audit reset: the token of the counters now, or an old one. */
static void
op_reset(void)
{
	struct msg_token t;
	uint32_t	 now_token = ledger_audit_token(&led.st,
			    (uint32_t)cf.nproducts);

	memset(&t, 0, sizeof(t));
	t.token = now_token;
	if (chance(200))
		t.token = op.old_token != now_token ? op.old_token :
		    now_token ^ 1;
	op.old_token = now_token;
	op_ask(PROC_LEDGER, MSG_AUDIT_RESET, &t, sizeof(t),
	    MSG_AUDIT_RESET_DONE, 0, 0, 0);
}

/* vendctl service on|off. */
static void
op_service(int on)
{
	struct msg_flag	f = { .on = (uint32_t)on };

	op.service = on;
	op_ask(PROC_SALES, MSG_SERVICE, &f, sizeof(f), MSG_SERVICE_DONE, 0, 0,
	    on);
	op.service_next = on ? now + rnd_range(MS(5000), MS(40000)) : 0;
}

/* The door switch, through the panel as its line's edge. */
static void
op_door(void)
{
	struct outbox	ob;

	op.door = !op.door;
	outbox_init(&ob);
	panel_core_edge(&panel, PANEL_DOOR, op.door, now, &ob);
	route(PROC_PANEL, &ob);
	op.door_next = now + (op.door ? rnd_range(MS(3000), MS(30000)) :
	    rnd_range(MS(60000), MS(400000)));
}

/* One of the operator's acts, at random; tests more in service mode. */
static void
op_act(void)
{
	struct msg_flag	 f = { .on = 1 };
	struct msg_select s;
	int		 r = (int)(rnd() % 100);

	if (sales_core_in_service(&sales) && chance(500))
		r = 60;		/* a test vend */
	if (r < 35)
		op_price();
	else if (r < 50)
		op_ask(PROC_LEDGER, MSG_COLLECT, &f, sizeof(f),
		    MSG_COLLECT_DONE, 0, 0, 0);
	else if (r < 68) {
		memset(&s, 0, sizeof(s));
		s.product = op_product();
		op_ask(PROC_SALES, MSG_TEST_VEND, &s, sizeof(s),
		    MSG_TEST_VEND_DONE, s.product, 0, 0);
	} else if (r < 95)
		op_reset();
	else if (!op.service)
		op_service(1);
	op.next = now + rnd_range(MS(2000), MS(25000));
}

/* ---- the fake control: every answer checked ---- */

/* PRICE_DONE: durable, at the price asked for. */
static void
op_price_done(const struct op_req *r, const struct msg_price *p)
{
	int64_t	want = r->price < 0 ? cf.product[r->product].price : r->price;

	if (!p->ok || p->product != r->product || p->price != want ||
	    p->is_default != (r->price < 0))
		violation("price of product %u: answered ok=%u err=%d %" PRId64
		    " default=%u, asked %" PRId64, r->product, p->ok, p->err,
		    p->price, p->is_default, r->price);
}

/* COLLECT_DONE: what came in since the last collection. */
static void
op_collect_done(const struct msg_collect *c)
{
	if (!c->ok || c->amount != op.collect_amount ||
	    c->cash_in != led.st.c.cash_in || c->credit != led.st.credit)
		violation("collection: answered ok=%u err=%d amount %" PRId64
		    " cash_in %" PRId64 ", expected %" PRId64 " of %" PRId64,
		    c->ok, c->err, c->amount, c->cash_in, op.collect_amount,
		    led.st.c.cash_in);
}

/* Why sales should refuse a test vend of p now, as it decides. */
static enum sales_reject
op_test_refusal(uint32_t p)
{
	if (!sales_core_in_service(&sales))
		return SALES_NOT_IN_SERVICE;
	if (sales.pending)
		return SALES_BUSY;
	if (sales.ledger_fault)
		return SALES_LEDGER_FAULT;
	if (sales.arm_blocked)
		return SALES_DISPENSING_BLOCKED;
	if (sales.stock[p] <= 0)
		return SALES_SOLD_OUT;
	return SALES_OK;
}

/* TEST_VEND_DONE: refused for the reason sales has, or the arm's end. */
static void
op_test_done(const struct op_req *r, const struct msg_test_done *d)
{
	if (d->product != r->product)
		violation("test vend of product %u answered for %u",
		    r->product, d->product);
	else if (d->refused) {
		op.n.test_refused++;
		/* sales answers a refusal at once: its state is the same */
		if (d->refused != (uint32_t)op_test_refusal(d->product))
			violation("test vend of product %u refused: %s, "
			    "sales would say %s", d->product,
			    sales_reject_name(d->refused),
			    sales_reject_name(op_test_refusal(d->product)));
	} else if (d->ok != op.test_ok || d->why != op.test_why)
		violation("test vend of product %u answered ok=%u why=%u, "
		    "the arm said ok=%u why=%u", d->product, d->ok, d->why,
		    op.test_ok, op.test_why);
}

/* An answer routed to control: 1 if it was one of the operator's. */
int
op_control(int src, const struct msg *m)
{
	const struct op_req	*r;

	switch (m->hdr.type) {
	case MSG_PRICE_DONE:
	case MSG_COLLECT_DONE:
	case MSG_AUDIT_RESET_DONE:
	case MSG_SERVICE_DONE:
	case MSG_TEST_VEND_DONE:
		break;
	default:
		return 0;
	}
	if ((r = op_answered(m)) == NULL)
		return 1;
	/* a change of service mode is answered by the ledger once durable,
	 * a request that changes nothing by sales at once */
	if (m->hdr.type == MSG_SERVICE_DONE ? src != PROC_SALES &&
	    src != PROC_LEDGER : src != (m->hdr.type == MSG_TEST_VEND_DONE ?
	    PROC_SALES : PROC_LEDGER))
		violation("%s from %s", msg_type_name(m->hdr.type),
		    proc_name(src));
	if (m->hdr.type == MSG_SERVICE_DONE && src == PROC_LEDGER &&
	    m->u.service.recorded && led.st.service_cmd != (uint8_t)r->on)
		violation("service %s answered before the ledger has it",
		    r->on ? "on" : "off");
	switch (m->hdr.type) {
	case MSG_PRICE_DONE:
		op_price_done(r, &m->u.price);
		break;
	case MSG_COLLECT_DONE:
		op_collect_done(&m->u.collect);
		break;
	case MSG_AUDIT_RESET_DONE:
		if (m->u.token.ok != (uint32_t)op.reset_ok ||
		    (!m->u.token.ok && m->u.token.err != ESTALE))
			violation("audit reset answered ok=%u err=%d, its "
			    "token was %s", m->u.token.ok, m->u.token.err,
			    op.reset_ok ? "right" : "stale");
		break;
	case MSG_SERVICE_DONE:
		if (m->u.service.command != (uint32_t)r->on ||
		    m->u.service.on != (m->u.service.door ||
		    m->u.service.command))
			violation("service %s answered on=%u door=%u "
			    "command=%u", r->on ? "on" : "off",
			    m->u.service.on, m->u.service.door,
			    m->u.service.command);
		break;
	case MSG_TEST_VEND_DONE:
		op_test_done(r, &m->u.test_done);
		break;
	}
	return 1;
}

/* ---- the ledger's side ---- */

/*
 * A reservation: a test vend has no price; one at a price the ledger no
 * longer has (sales had not heard of a change) must be refused without a
 * record, the credit untouched (checked in op_ledger_after).
 */
static void
op_reserve_check(const struct msg_vend *v)
{
	uint32_t	p = v->product;

	op.stale_price = 0;
	if (v->test) {
		if (v->price != 0)
			violation("test vend %u reserved at %" PRId64,
			    v->vend_id, v->price);
		return;
	}
	if (p < (uint32_t)cf.nproducts && v->price != op.price[p]) {
		op.stale_price = 1;
		op.n.price_races++;
	}
}

/* Before the ledger handles m: what it should do with it. */
void
op_ledger_before(const struct msg *m)
{
	op.credit = led.st.credit;
	op.test_pending = led.st.pending.active &&
	    led.st.pending.test == PENDING_TEST;
	op.pending_kind = led.st.pending.active ? led.st.pending.test : 0;
	switch (m->hdr.type) {
	case MSG_VEND_RESERVE:
		op_reserve_check(&m->u.vend);
		break;
	case MSG_COLLECT:		/* the cash box: not the change tubes */
		op.collect_amount = led.st.c.cash_in - led.st.mdb.to_tubes -
		    op.cash_collected;
		break;
	case MSG_AUDIT_RESET:
		op.reset_ok = m->u.token.token == ledger_audit_token(&led.st,
		    (uint32_t)cf.nproducts);
		break;
	}
}

/* A reset just applied: every since-reset count starts at 0. */
static void
op_reset_applied(void)
{
	const struct ledger_state *st = &led.st;

	if (memcmp(&st->reset, &st->c, sizeof(st->c)) != 0)
		violation("audit reset: the machine's reset base is not the "
		    "counters");
	for (uint32_t i = 0; i < st->nproducts; i++) {
		const struct ledger_product *p = &st->product[i];

		if (p->reset.paid_vends != p->paid_vends ||
		    p->reset.paid_value != p->paid_value ||
		    p->reset.test_vends != p->test_vends ||
		    p->reset.failed_vends != p->failed_vends ||
		    p->reset.sold_out != p->sold_out)
			violation("audit reset: the reset base of %s is not "
			    "its counters", p->id);
	}
}

/* The last event is the record just journaled, with its pending kind. */
static void
op_event_last(int test)
{
	struct msg_event ev;
	uint64_t	 dropped;

	if (ledger_events_read(&led, led.st.seq - 1, &ev, 1, &dropped) != 1 ||
	    ev.seq != led.st.seq)
		violation("event %" PRIu64 " not in the event log",
		    led.st.seq);
	else if ((ev.type == JR_COMMIT || ev.type == JR_RESTORE) &&
	    ev.count != (uint32_t)test)
		violation("event %" PRIu64 " (%s) has test=%u, the vend's is "
		    "%d", ev.seq, ledger_event_name(ev.type), ev.count, test);
}

/* A price change made durable: the model's, checked against the ledger. */
static void
op_price_applied(const struct msg_price *p)
{
	uint32_t	i = p->product;

	op.before[i] = op.price[i];
	op.price[i] = p->is_default ? cf.product[i].price : p->price;
	op.n.price_changes++;
	if (led.st.product[i].has_price != !p->is_default ||
	    ledger_price(&led.st, &cf, (int)i) != op.price[i])
		violation("price of %s: ledger %" PRId64 " (has_price %u), "
		    "asked %" PRId64, cf.product[i].id,
		    ledger_price(&led.st, &cf, (int)i),
		    led.st.product[i].has_price, op.price[i]);
}

/* After the ledger handled m (journaled: a record was made durable). */
void
op_ledger_after(const struct msg *m, int journaled)
{
	uint16_t t = m->hdr.type;

	if (journaled && led.events.next != led.st.seq + 1)
		violation("event log ends at %" PRIu64 ", the ledger at %"
		    PRIu64, led.events.next - 1, led.st.seq);
	if ((t == MSG_VEND_RESERVE && m->u.vend.test) ||
	    (t == MSG_ARM_DONE && op.test_pending)) {
		if (led.st.credit != op.credit)
			violation("a test vend moved the credit: %" PRId64
			    " -> %" PRId64, op.credit, led.st.credit);
	}
	if (t == MSG_ARM_DONE && journaled) {
		op_event_last(op.pending_kind);
		if (op.test_pending) {
			op.test_ok = m->u.vend.ok;
			op.test_why = m->u.vend.ok ? 0 : m->u.vend.why;
		}
	}
	if (t == MSG_AUDIT_RESET && journaled != op.reset_ok)
		violation("audit reset with a %s token %s", op.reset_ok ?
		    "right" : "stale", journaled ? "taken" : "refused");
	if (t == MSG_VEND_RESERVE && op.stale_price && (journaled ||
	    led.st.credit != op.credit))
		violation("vend %u at a price no longer the product's was %s",
		    m->u.vend.vend_id, journaled ? "recorded" : "not refused "
		    "cleanly");
	if ((t == MSG_PRICE_SET || t == MSG_COLLECT) && !journaled)
		violation("%s not recorded", msg_type_name(t));
	if (t == MSG_AUDIT_RESET && !journaled)
		op.n.resets_stale++;
	if (!journaled)
		return;
	switch (t) {
	case MSG_PRICE_SET:
		op_price_applied(&m->u.price);
		break;
	case MSG_COLLECT:
		op.collected += op.collect_amount;
		op.cash_collected = led.st.c.cash_in - led.st.mdb.to_tubes;
		op.n.collections++;
		break;
	case MSG_AUDIT_RESET:
		op.n.resets++;
		op_reset_applied();
		break;
	case MSG_SERVICE_REC:
		op.n.services++;
		op.entries += m->u.service.on != 0;
		op.door_recs += m->u.service.on && m->u.service.why ==
		    SERVICE_DOOR;
		break;
	}
}

/* ---- the invariants ---- */

/* The since-reset counts are never negative: no base above its count. */
static void
op_check_bases(const struct ledger_state *st)
{
	uint64_t	c[sizeof(st->c) / 8], r[sizeof(st->c) / 8];

	memcpy(c, &st->c, sizeof(c));
	memcpy(r, &st->reset, sizeof(r));
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (r[i] > c[i])
			violation("since-reset counter %zu of the machine: base "
			    "%" PRIu64 " above the lifetime %" PRIu64, i, r[i],
			    c[i]);
	for (uint32_t i = 0; i < st->nproducts; i++) {
		const struct ledger_product *p = &st->product[i];

		if (p->reset.paid_vends > p->paid_vends ||
		    p->reset.paid_value > p->paid_value ||
		    p->reset.test_vends > p->test_vends ||
		    p->reset.failed_vends > p->failed_vends ||
		    p->reset.sold_out > p->sold_out)
			violation("since-reset counters of %s above the "
			    "lifetime ones", p->id);
	}
}

/* Nothing in flight and no vend running: every request was answered. */
static void
op_check_answered(void)
{
	for (int i = 0; i < REQ_MAX; i++)
		if (op.req[i].type != 0) {
			violation("control's request %u (awaiting %s) was never "
			    "answered", op.req[i].id,
			    msg_type_name(op.req[i].type));
			op.req[i].type = 0;
		}
}

/* The operator's invariants, after every event. */
void
op_check(int quiet)
{
	const struct ledger_state *st = &led.st;

	if (st->c.collected_value != st->cash_in_collected ||
	    st->cash_in_collected > st->c.cash_in)
		violation("cash box: collected %" PRId64 ", cash in at the last "
		    "collection %" PRId64 ", cash in %" PRId64,
		    st->c.collected_value, st->cash_in_collected,
		    st->c.cash_in);
	if (st->cash_in_collected != op.cash_collected ||
	    st->c.collected_value != op.collected)
		violation("collections: ledger %" PRId64 " up to %" PRId64
		    ", model %" PRId64 " up to %" PRId64, st->c.collected_value,
		    st->cash_in_collected, op.collected, op.cash_collected);
	if (st->c.door_openings != op.door_recs ||
	    st->c.service_entries != op.entries)
		violation("service records: door openings %" PRIu64 " entries "
		    "%" PRIu64 ", model %" PRIu64 " %" PRIu64,
		    st->c.door_openings, st->c.service_entries, op.door_recs,
		    op.entries);
	op_check_bases(st);
	for (int i = 0; i < cf.nproducts; i++)
		if (ledger_price(st, &cf, i) != op.price[i])
			violation("price of %s: ledger %" PRId64 ", model %"
			    PRId64, cf.product[i].id, ledger_price(st, &cf, i),
			    op.price[i]);
	if (!quiet)
		return;
	for (int i = 0; i < cf.nproducts; i++)
		if (sales.price[i] != ledger_price(st, &cf, i))
			violation("quiet, price of %s: sales %" PRId64
			    ", ledger %" PRId64, cf.product[i].id,
			    sales.price[i], ledger_price(st, &cf, i));
	if (sales.door != op.door || sales.service_cmd != st->service_cmd)
		violation("quiet, sales door %d service %d; the door is %s, "
		    "the ledger's service %u", sales.door, sales.service_cmd,
		    op.door ? "open" : "closed", st->service_cmd);
	if (!sales.pending)
		op_check_answered();
}

/* The event log: every record once, in order, from the first kept to
 * the ledger's seq. */
static void
op_events_check(const char *when)
{
	struct msg_event ev[EVENTS_CHUNK];
	uint64_t	 dropped, next = 0, after = 0;
	int		 n;

	while ((n = ledger_events_read(&led, after, ev, EVENTS_CHUNK,
	    &dropped)) > 0) {
		if (next == 0 && dropped != ev[0].seq - 1)
			violation("%s: the event log keeps from %" PRIu64
			    ", says %" PRIu64 " dropped", when, ev[0].seq,
			    dropped);
		if (next == 0)
			next = ev[0].seq;
		else if (dropped != 0)
			violation("%s: events dropped after %" PRIu64, when,
			    after);
		for (int i = 0; i < n; i++, next++)
			if (ev[i].seq != next ||
			    ledger_event_name(ev[i].type) == NULL) {
				violation("%s: event %" PRIu64 " (type %u) "
				    "where %" PRIu64 " goes", when, ev[i].seq,
				    ev[i].type, next);
				return;
			}
		after = ev[n - 1].seq;
	}
	if (next == 0 ? led.st.seq != 0 : next - 1 != led.st.seq)
		violation("%s: the event log ends at %" PRIu64 ", the ledger "
		    "at %" PRIu64, when, next ? next - 1 : 0, led.st.seq);
}

/* ---- the run ---- */

/* The first acts; the model from the fresh ledger. */
void
op_start(void)
{
	ledger_events_rotate = EVENTS_ROTATE_TEST;
	memset(&op, 0, sizeof(op));
	for (int i = 0; i < cf.nproducts; i++) {
		op.price[i] = ledger_price(&led.st, &cf, i);
		op.before[i] = -1;
	}
	op.cash_collected = led.st.cash_in_collected;
	op.collected = led.st.c.collected_value;
	op.door_recs = led.st.c.door_openings;
	op.entries = led.st.c.service_entries;
	op.next = now + MS(5000);
	op.door_next = now + MS(30000);
}

/* When the next act is due (one overdue, after a directed scenario: now). */
uint64_t
op_deadline(void)
{
	uint64_t	t = op.next < op.door_next ? op.next : op.door_next;

	if (op.service_next != 0 && op.service_next < t)
		t = op.service_next;
	return t < now ? now : t;
}

/* Do what is due now. */
void
op_action(void)
{
	if (op.door_next <= now)
		op_door();
	else if (op.service_next != 0 && op.service_next <= now)
		op_service(0);
	else
		op_act();
}

/* The daemon died: control's requests die with its clients. */
void
op_crash(void)
{
	memset(op.req, 0, sizeof(op.req));
}

/* The daemon started again: what it kept, what sales starts with, the
 * event log; the panel tells sales the door's level, as at every start. */
void
op_restarted(const struct ledger_state *a)
{
	const struct ledger_state *b = &led.st;
	struct outbox	 ob;

	if (memcmp(&a->reset, &b->reset, sizeof(a->reset)) != 0 ||
	    a->cash_in_collected != b->cash_in_collected ||
	    a->c.collected_value != b->c.collected_value ||
	    a->c.collections != b->c.collections ||
	    a->c.test_vends != b->c.test_vends ||
	    a->c.price_changes != b->c.price_changes ||
	    a->c.audit_resets != b->c.audit_resets ||
	    a->service_cmd != b->service_cmd)
		violation("restart changed the operator's counters");
	for (int i = 0; i < cf.nproducts; i++) {
		if (a->product[i].has_price != b->product[i].has_price ||
		    a->product[i].price != b->product[i].price ||
		    a->product[i].test_vends != b->product[i].test_vends ||
		    memcmp(&a->product[i].reset, &b->product[i].reset,
		    sizeof(a->product[i].reset)) != 0)
			violation("restart changed the price or the reset "
			    "base of %s", cf.product[i].id);
		if (sales.price[i] != ledger_price(b, &cf, i))
			violation("after restart sales sells %s at %" PRId64
			    ", the ledger's price is %" PRId64,
			    cf.product[i].id, sales.price[i],
			    ledger_price(b, &cf, i));
		op.before[i] = -1;	/* no selection survives */
	}
	op_events_check("after restart");
	op.service = b->service_cmd;
	if (!op.service)
		op.service_next = 0;
	else if (op.service_next < now)
		op.service_next = now + rnd_range(MS(1000), MS(20000));
	if (op.next < now)
		op.next = now;
	if (op.door_next < now)
		op.door_next = now;
	outbox_init(&ob);
	panel_core_door(&panel, op.door, &ob);
	route(PROC_PANEL, &ob);
}

/* The end: the event log once more. */
void
op_finish(void)
{
	op_events_check("at the end");
}

/* The counts for the summary. */
const struct op_counts *
op_counts(void)
{
	return &op.n;
}
