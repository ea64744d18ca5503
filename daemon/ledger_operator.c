/*
 * The ledger's side of the operator's day: prices, cash collections,
 * service mode and the audit's reset become records like a coin's (durable
 * before they are answered); the audit's counters and the event log are
 * read out to control in messages. ledger.c calls these for the messages
 * it does not know itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "log.h"
#include "msg.h"
#include "proc.h"

/* The record of an operator's message; NULL, or why it is a bug. */
const char *
ledger_operator_record(const struct ledger *l, const struct msg *m,
    struct jrec *r)
{
	switch (m->hdr.type) {
	case MSG_PRICE_SET:		/* range checked by ledger_operator_bad */
		r->type = JR_PRICE;
		r->product = (uint16_t)m->u.price.product;
		r->count = !m->u.price.is_default;
		r->value = r->count ? m->u.price.price : 0;
		return NULL;
	case MSG_COLLECT:
		r->type = JR_COLLECT;
		r->value = ledger_box_in(&l->st) - l->st.cash_in_collected;
		return NULL;
	case MSG_SERVICE_REC:
		if (m->u.service.requester > PROC_MAX)
			return "requester out of range";
		r->type = JR_SERVICE;
		r->count = m->u.service.on != 0;
		r->vend_id = m->u.service.why;
		return NULL;
	case MSG_AUDIT_RESET:		/* token checked by ledger_operator_bad */
		r->type = JR_AUDIT_RESET;
		return NULL;
	}
	return "not a ledger message";
}

/* Answer a price request to its sender, with the request's id. */
static void
ledger_price_done(const struct ledger *l, const struct msg *m, int err,
    struct outbox *ob)
{
	struct msg_price d = m->u.price;
	uint32_t	 i = d.product;

	d.ok = err == 0;
	d.err = err;
	if (i < (uint32_t)l->cf->nproducts) {
		d.price = ledger_price(&l->st, l->cf, (int)i);
		d.is_default = !l->st.product[i].has_price;
	}
	outbox_put(ob, m->hdr.src, MSG_PRICE_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/* Answer a collection to its sender. */
static void
ledger_collect_done(const struct ledger *l, const struct msg *m,
    int64_t amount, int err, struct outbox *ob)
{
	struct msg_collect d;

	memset(&d, 0, sizeof(d));
	d.amount = amount;
	d.cash_in = l->st.c.cash_in;
	d.credit = l->st.credit;
	d.collections = l->st.c.collections;
	d.ok = err == 0;
	d.err = err;
	outbox_put(ob, m->hdr.src, MSG_COLLECT_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/* Answer a change of service mode to the control client that asked. */
static void
ledger_service_done(const struct msg *m, int recorded, struct outbox *ob)
{
	struct msg_service d = m->u.service;

	if (d.requester == 0 || d.requester > PROC_MAX)
		return;			/* the door: nobody asked */
	d.on = d.door || d.command;
	d.recorded = (uint32_t)recorded;
	outbox_put(ob, (int)d.requester - 1, MSG_SERVICE_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/* Answer an audit reset to its sender. */
static void
ledger_reset_done(const struct msg *m, int err, struct outbox *ob)
{
	struct msg_token d = m->u.token;

	d.ok = err == 0;
	d.err = err;
	outbox_put(ob, m->hdr.src, MSG_AUDIT_RESET_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/*
 * A request the operator got wrong: a price out of range, a reset whose
 * report is no longer what the counters say. Answered, not recorded.
 */
int
ledger_operator_bad(struct ledger *l, const struct msg *m, struct outbox *ob)
{
	const struct msg_price *pr = &m->u.price;

	if (m->hdr.type == MSG_PRICE_SET && (pr->product >=
	    (uint32_t)l->cf->nproducts || (!pr->is_default && pr->price < 0))) {
		log_warnx("price of product %u refused: out of range",
		    pr->product);
		ledger_price_done(l, m, EINVAL, ob);
		return 1;
	}
	if (m->hdr.type == MSG_AUDIT_RESET && m->u.token.token !=
	    ledger_audit_token(&l->st, (uint32_t)l->cf->nproducts)) {
		log_warnx("audit reset refused: the counters moved since the "
		    "report was read");
		ledger_reset_done(m, ESTALE, ob);
		return 1;
	}
	return 0;
}

/* In fault mode, or when its record failed: tell the operator why. 1 if
 * m was an operator's request (answered), 0 if not. */
int
ledger_operator_refuse(const struct ledger *l, const struct msg *m,
    struct outbox *ob)
{
	int	err = l->fault.err != 0 ? l->fault.err : EIO;

	switch (m->hdr.type) {
	case MSG_PRICE_SET:
		ledger_price_done(l, m, err, ob);
		return 1;
	case MSG_COLLECT:
		ledger_collect_done(l, m, 0, err, ob);
		return 1;
	case MSG_AUDIT_RESET:
		ledger_reset_done(m, err, ob);
		return 1;
	case MSG_PAYOUT_REQ: {
		struct msg_payout p = m->u.payout;

		log_warnx("change of payout %u not paid: the ledger cannot "
		    "record it (%s); the credit stays", p.id, strerror(err));
		p.refused = 1;
		p.paid = 0;
		outbox_put(ob, PROC_SALES, MSG_PAYOUT_RESULT, &p, sizeof(p));
		return 1;
	}
	case MSG_SERVICE_REC:
		log_warnx("service mode %s (%s) not journalled: %s",
		    m->u.service.on ? "on" : "off", m->u.service.why ==
		    SERVICE_DOOR ? "door" : "command", strerror(err));
		ledger_service_done(m, 0, ob);
		return 1;
	}
	return 0;
}

/* The service screen's counters, for the display (where there is one). */
void
ledger_show_counters(const struct ledger *l, struct outbox *ob)
{
	struct msg_show	s;

	if (l->cf->display.type == DISPLAY_NONE)
		return;
	memset(&s, 0, sizeof(s));
	s.event = SHOW_COUNTERS;
	s.product = -1;
	s.credit = l->st.credit;
	s.amount = ledger_box_in(&l->st) - l->st.cash_in_collected;
	s.count = (uint32_t)(l->st.c.paid_vends - l->st.reset.paid_vends);
	s.count2 = (uint32_t)(l->st.c.test_vends - l->st.reset.test_vends);
	outbox_put(ob, PROC_DISPLAY, MSG_SHOW, &s, sizeof(s));
}

/* What flows on once an operator's record is durable. */
void
ledger_operator_forward(const struct ledger *l, const struct msg *m,
    const struct jrec *r, struct outbox *ob)
{
	struct msg_price p;
	char		 a[32];

	switch (r->type) {
	case JR_PRICE:
		memset(&p, 0, sizeof(p));
		p.product = r->product;
		p.is_default = !r->count;
		p.price = ledger_price(&l->st, l->cf, r->product);
		config_format_money(p.price, l->cf->decimals, a, sizeof(a));
		log_info("price of %s is now %s%s", l->st.product[r->product].id,
		    a, p.is_default ? " (the config's)" : "");
		outbox_put(ob, PROC_SALES, MSG_PRICE, &p, sizeof(p));
		ledger_price_done(l, m, 0, ob);
		break;
	case JR_COLLECT:
		config_format_money(r->value, l->cf->decimals, a, sizeof(a));
		log_info("cash collected: %s should have been in the box", a);
		ledger_collect_done(l, m, r->value, 0, ob);
		ledger_show_counters(l, ob);
		break;
	case JR_AUDIT_RESET:
		log_info("audit read with reset: since-reset counters start "
		    "again");
		ledger_reset_done(m, 0, ob);
		break;
	case JR_SERVICE:
		if (r->count)
			ledger_show_counters(l, ob);
		ledger_service_done(m, 1, ob);
		break;
	}
}

/* Fold n bytes into a running CRC-32 (ledger_crc32 chained). */
static uint32_t
token_add(uint32_t crc, const void *p, size_t n)
{
	uint8_t	buf[4 + 64];

	if (n > 64)
		n = 64;
	memcpy(buf, &crc, 4);
	memcpy(buf + 4, p, n);
	return ledger_crc32(buf, 4 + n);
}

/*
 * What an audit report was made from, as 32 bits: the counters DEX shows
 * and the prices. A reset is taken only with the token of a report whose
 * counters are still those (nothing sold or failed in between), so no
 * sale is ever in neither report. The compressor's counters are left out:
 * it cycles on its own while the operator reads.
 */
uint32_t
ledger_audit_token(const struct ledger_state *st, uint32_t n)
{
	struct ledger_counters c = st->c;
	const uint8_t	*cp = (const uint8_t *)&c;
	uint32_t	 crc = 0;

	c.compressor_starts = 0;
	c.compressor_run_s = 0;
	c.startups = 0;
	c.service_entries = 0;
	for (size_t off = 0; off < sizeof(c); off += 64)
		crc = token_add(crc, cp + off, sizeof(c) - off);
	for (uint32_t i = 0; i < n && i < SNAP_NMAX; i++) {
		const struct ledger_product *p = &st->product[i];
		int64_t	 v[6] = { (int64_t)p->paid_vends, p->paid_value,
			(int64_t)p->test_vends, (int64_t)p->failed_vends,
			(int64_t)p->sold_out, p->has_price ? p->price : -1 };

		crc = token_add(crc, v, sizeof(v));
	}
	return crc;
}

/* MSG_AUDIT, then the columns in MSG_AUDIT_PRODUCTS chunks, to the asker. */
static void
ledger_send_audit(const struct ledger *l, struct proc *p, const struct msg *m)
{
	struct msg_audit	 a;
	struct msg_audit_products ap;
	uint32_t		 n = (uint32_t)l->cf->nproducts;

	memset(&a, 0, sizeof(a));
	a.c = l->st.c;
	a.reset = l->st.reset;
	a.cash_in_collected = l->st.cash_in_collected;
	a.credit = l->st.credit;
	memcpy(a.last_ms, l->st.last_ms, sizeof(a.last_ms));
	a.token = ledger_audit_token(&l->st, n);
	a.door_open = l->st.door_open;
	a.mdb = l->st.mdb;
	a.nproducts = n;
	proc_send(p, m->hdr.src, MSG_AUDIT, m->hdr.id, &a, sizeof(a));
	for (uint32_t first = 0; first < n; first += MSG_AUDIT_CHUNK) {
		memset(&ap, 0, sizeof(ap));
		ap.first = first;
		ap.nproducts = n;
		for (uint32_t i = first; i < n && ap.count < MSG_AUDIT_CHUNK;
		    i++) {
			const struct ledger_product *lp = &l->st.product[i];
			struct msg_audit_product *o = &ap.product[ap.count++];

			o->price = ledger_price(&l->st, l->cf, (int)i);
			o->has_price = lp->has_price;
			o->paid_vends = lp->paid_vends;
			o->paid_value = lp->paid_value;
			o->test_vends = lp->test_vends;
			o->failed_vends = lp->failed_vends;
			o->sold_out = lp->sold_out;
			o->reset = lp->reset;
		}
		proc_send(p, m->hdr.src, MSG_AUDIT_PRODUCTS, m->hdr.id, &ap,
		    sizeof(ap));
	}
}

/* The events after the asked id; none yet and following: say when. */
static void
ledger_send_events(struct ledger *l, struct proc *p, const struct msg *m)
{
	struct msg_events e;

	memset(&e, 0, sizeof(e));
	e.after = m->u.events_req.after;
	e.last = l->st.seq;
	e.n = (uint32_t)ledger_events_read(l, e.after, e.ev, MSG_EVENTS_MAX,
	    &e.dropped);
	if (e.n == 0 && m->u.events_req.follow)
		l->events.follower = 1;
	proc_send(p, m->hdr.src, MSG_EVENTS, m->hdr.id, &e, sizeof(e));
}

/* The requests answered through p directly (more than the outbox holds). */
int
ledger_operator_reply(struct ledger *l, struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_AUDIT_REQ:
		ledger_send_audit(l, p, m);
		return 1;
	case MSG_EVENTS_REQ:
		ledger_send_events(l, p, m);
		return 1;
	}
	return 0;
}

/* New records while control follows: one word, it asks for them itself. */
void
ledger_events_notify(struct ledger *l, struct proc *p)
{
	struct msg_flag	f = { 1 };

	if (!l->events.follower)
		return;
	l->events.follower = 0;
	proc_send(p, PROC_CONTROL, MSG_EVENTS_NEW, 0, &f, sizeof(f));
}

/* The event stream's name of each record type. */
const char *
ledger_event_name(uint16_t type)
{
	static const char *const names[JR_MAX] = {
		[JR_COIN] = "coin", [JR_UNKNOWN_COIN] = "coin_unknown",
		[JR_NOISE] = "coin_noise", [JR_COIN_FAULT] = "coin_fault",
		[JR_RESERVE] = "vend_reserved", [JR_COMMIT] = "sale",
		[JR_RESTORE] = "vend_failed", [JR_SOLD_OUT] = "sold_out",
		[JR_RESTOCK] = "restock", [JR_COOL_START] = "compressor_on",
		[JR_COOL_STOP] = "compressor_off",
		[JR_SENSOR_FAULT] = "sensor_fault", [JR_STARTUP] = "start",
		[JR_SETTLE] = "vend_settled", [JR_BLOCKED] = "vend_blocked",
		[JR_TEST_RESERVE] = "test_vend_reserved", [JR_PRICE] = "price",
		[JR_COLLECT] = "collect", [JR_SERVICE] = "service",
		[JR_AUDIT_RESET] = "audit_reset", [JR_MDB_COIN] = "coin",
		[JR_PAYOUT_REQ] = "change_asked", [JR_PAYOUT_DONE] = "change",
		[JR_NOTE_ESCROW] = "note_escrow", [JR_NOTE_STACKED] = "note",
		[JR_NOTE_RETURNED] = "note_returned",
		[JR_CARD_ASK] = "card_asked", [JR_CARD_APPROVED] = "card_approved",
		[JR_CARD_DENIED] = "card_denied", [JR_PAYOUT_STEP] = "change_step",
	};

	return type < JR_MAX ? names[type] : NULL;
}
