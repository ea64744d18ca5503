/*
 * ledger: the durable state (credit, stock, out-of-order columns, the pending
 * vend, audit counters) and the only code that writes STATE_DIR. This file is
 * the activity: a message in, its record journaled (ledger_store.c), applied
 * (ledger_rules.c) and what flows on put in the outbox; fault mode; and the
 * thread shell around it.
 *
 * Fault mode: the disk did not take a snapshot or a record (full, I/O
 * errors). The ledger tells sales (MSG_LEDGER_FAULT on: it stops selling
 * and blocks the acceptor) and logs why; vendctl status shows it. What
 * still arrives (a coin in flight, the pending vend's outcome, counters)
 * goes into the journal's reserve, which the compaction keeps free. A
 * money record the disk still refuses is held in memory, in order, with
 * later money messages queued behind it and nothing flowing on for them,
 * until the disk takes it; reservations and restocks are refused; counters
 * that cannot be written are dropped and counted. Every LEDGER_RETRY_S the
 * thread writes what is held and compacts; once both work, fault mode ends
 * (MSG_LEDGER_FAULT off) and sales sells again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "log.h"
#include "msg.h"
#include "proc.h"

/* A message's money in the config's format, for log lines. */
static const char *
ledger_money(const struct ledger *l, int64_t v, char *buf, size_t len)
{
	config_format_money(v, l->cf->decimals, buf, len);
	return buf;
}

/* A reservation sales should never send: the ledger and sales disagree. */
static const char *
ledger_check_reserve(const struct ledger *l, const struct msg_vend *v)
{
	char	a[32], b[32];

	if (l->st.pending.active) {
		log_warnx("vend %u refused: vend %u still pending", v->vend_id,
		    l->st.pending.vend_id);
		return "busy";
	}
	if (v->product >= (uint32_t)l->cf->nproducts)
		return "product out of range";
	if (v->test && v->price != 0)
		return "a test vend with a price";
	/*
	 * Stock and out-of-order are sales' rules, not money: a restock to 0
	 * may cross a reservation sales made from its older view. The arm
	 * decides (an empty column fails the drop and refunds); a commit
	 * never takes stock below zero.
	 */
	if (v->price > l->st.credit) {
		log_warnx("vend %u refused: credit %s < price %s", v->vend_id,
		    ledger_money(l, l->st.credit, a, sizeof(a)),
		    ledger_money(l, v->price, b, sizeof(b)));
		return "low credit";
	}
	return NULL;
}

/*
 * The record of a vend's outcome: committed; or the credit restored with
 * the column out of order (no drop), as a failed vend that spares the
 * column (the beam was already broken: the motor did not run), or as
 * settled (vendd stopped before the drop). 0: not an outcome arm sends.
 */
static uint16_t
ledger_outcome(const struct msg_vend *v)
{
	if (v->ok)
		return JR_COMMIT;
	switch (v->why) {
	case VEND_WHY_NO_DROP:
		return JR_RESTORE;
	case VEND_WHY_BEAM_BLOCKED:
		return JR_BLOCKED;
	case VEND_WHY_STOPPED:
		return JR_SETTLE;
	}
	return 0;
}

/* Turn an inbox message into a journal record; NULL, or why it is a bug. */
static const char *
ledger_record(const struct ledger *l, const struct msg *m, struct jrec *r)
{
	const struct ledger_pending *pv = &l->st.pending;
	const struct msg_restock *rs = &m->u.restock;
	const char	*why;

	memset(r, 0, sizeof(*r));
	switch (m->hdr.type) {
	case MSG_COIN_INSERTED:
		r->type = JR_COIN;
		r->value = m->u.coin.value;
		r->count = m->u.coin.pulses;
		return NULL;
	case MSG_PAYOUT_REQ:
	case MSG_PAYOUT_DONE:
	case MSG_PAYOUT_STEP:
		r->type = m->hdr.type == MSG_PAYOUT_REQ ? JR_PAYOUT_REQ :
		    m->hdr.type == MSG_PAYOUT_STEP ? JR_PAYOUT_STEP :
		    JR_PAYOUT_DONE;
		r->vend_id = m->u.payout.id;
		r->value = m->hdr.type == MSG_PAYOUT_REQ ? m->u.payout.amount :
		    m->u.payout.paid;
		return NULL;
	case MSG_MDB_COIN:
		if (m->u.mdb_coin.type >= 16 || m->u.mdb_coin.routing > 1)
			return "MDB coin type or routing out of range";
		r->type = JR_MDB_COIN;
		r->value = m->u.mdb_coin.value;
		r->product = (uint16_t)m->u.mdb_coin.type;
		r->count = m->u.mdb_coin.routing;
		return NULL;
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
		r->type = m->hdr.type == MSG_COIN_UNKNOWN ? JR_UNKNOWN_COIN :
		    m->hdr.type == MSG_COIN_NOISE ? JR_NOISE : JR_COIN_FAULT;
		r->count = m->hdr.type == MSG_COIN_FAULT ?
		    m->u.count.width_ms : m->u.count.count;
		return NULL;
	case MSG_VEND_RESERVE:
		if (m->u.vend.card)
			break;			/* the reader is asked first */
		if ((why = ledger_check_reserve(l, &m->u.vend)) != NULL)
			return why;
		r->type = m->u.vend.test ? JR_TEST_RESERVE : JR_RESERVE;
		r->vend_id = m->u.vend.vend_id;
		r->product = (uint16_t)m->u.vend.product;
		r->value = m->u.vend.price;
		return NULL;
	case MSG_ARM_DONE:
		if (!pv->active || m->u.vend.vend_id != pv->vend_id ||
		    m->u.vend.product != pv->product)
			return "does not match the pending vend";
		if ((r->type = ledger_outcome(&m->u.vend)) == 0)
			return "unknown reason for a failed vend";
		r->vend_id = pv->vend_id;
		r->product = pv->product;
		r->value = pv->price;
		r->count = pv->test;	/* for the event stream */
		return NULL;
	case MSG_VEND_SOLD_OUT:
		if (m->u.select.product >= (uint32_t)l->cf->nproducts)
			return "product out of range";
		r->type = JR_SOLD_OUT;
		r->product = (uint16_t)m->u.select.product;
		return NULL;
	case MSG_RESTOCK:		/* checked by ledger_restock_bad */
		r->type = JR_RESTOCK;
		r->product = (uint16_t)rs->product;
		r->value = rs->stock == -1 ?
		    l->cf->product[rs->product].capacity : rs->stock;
		r->count = rs->clear_fault != 0;
		return NULL;
	case MSG_COOL_START:
		r->type = JR_COOL_START;
		return NULL;
	case MSG_COOL_STOP:
		r->type = JR_COOL_STOP;
		r->value = m->u.cool.run_s;
		return NULL;
	case MSG_COOL_SENSOR_FAULT:
		r->type = JR_SENSOR_FAULT;
		r->count = m->u.cool.kind;
		return NULL;
	}
	if ((why = ledger_mdb_record(l, m, r)) == NULL ||
	    strcmp(why, "not an MDB message") != 0)
		return why;
	return ledger_operator_record(l, m, r);
}

/* Answer a restock to whoever asked (control), with the request's id. */
static void
ledger_restock_done(const struct msg *m, int32_t stock, int err,
    struct outbox *ob)
{
	struct msg_restock_done	d;

	memset(&d, 0, sizeof(d));
	d.product = m->u.restock.product;
	d.stock = stock;
	d.ok = err == 0;
	d.err = err;
	outbox_put(ob, m->hdr.src, MSG_RESTOCK_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/*
 * A restock the ledger cannot take: a product or level out of range (the
 * technician's typo reaching us, not a bug of ours). Answered, not fatal.
 */
static int
ledger_restock_bad(const struct ledger *l, const struct msg *m,
    struct outbox *ob)
{
	const struct msg_restock *rs = &m->u.restock;

	if (m->hdr.type != MSG_RESTOCK)
		return 0;
	if (rs->product < (uint32_t)l->cf->nproducts && rs->stock >= -1 &&
	    rs->stock <= l->cf->product[rs->product].capacity)
		return 0;
	log_warnx("restock of product %u to %d refused: out of range",
	    rs->product, rs->stock);
	ledger_restock_done(m, rs->stock, EINVAL, ob);
	return 1;
}

/*
 * A reservation at a price that is no longer the product's: sales had not
 * heard of a change yet (the MSG_PRICE is on its way, ahead of this
 * answer). Not a bug and not a sale: refused, nothing recorded, and sales
 * shows the new price for the customer to press again. A test vend has no
 * price.
 */
static int
ledger_price_moved(const struct ledger *l, const struct msg *m,
    struct outbox *ob)
{
	struct msg_vend	v = m->u.vend;
	char		a[32], b[32];
	int64_t		now;

	if (m->hdr.type != MSG_VEND_RESERVE || v.test ||
	    v.product >= (uint32_t)l->cf->nproducts)
		return 0;
	if ((now = ledger_price(&l->st, l->cf, (int)v.product)) == v.price)
		return 0;
	log_info("vend %u refused: %s is %s now, not %s", v.vend_id,
	    l->cf->product[v.product].id, ledger_money(l, now, a, sizeof(a)),
	    ledger_money(l, v.price, b, sizeof(b)));
	v.ok = 0;
	v.why = VEND_WHY_PRICE_CHANGED;
	outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
	return 1;
}

/* Say why a vend's price went back to the credit. */
static void
ledger_log_outcome(const struct ledger *l, const struct jrec *r)
{
	const char	*id = l->st.product[r->product].id;	/* checked */

	if (r->type == JR_RESTORE)
		log_warnx("vend %u failed: %s did not drop, out of order, "
		    "price restored", r->vend_id, id);
	else if (r->type == JR_BLOCKED)
		log_warnx("vend %u failed: the drop beam was broken, %s not "
		    "dispensed, price restored", r->vend_id, id);
	else if (r->type == JR_SETTLE)
		log_warnx("vend %u of %s stopped before the drop: price "
		    "restored", r->vend_id, id);
}

/* What flows on once a record is durable. */
static void
ledger_forward(const struct ledger *l, const struct msg *m,
    const struct jrec *r, struct outbox *ob)
{
	struct msg_credit	 c;
	struct msg_vend		 v;
	struct msg_restock	 rs;

	switch (r->type) {
	case JR_PAYOUT_REQ:
		outbox_put(ob, PROC_MDB, MSG_PAYOUT, &m->u.payout,
		    sizeof(m->u.payout));
		break;
	case JR_PAYOUT_DONE:
		outbox_put(ob, PROC_SALES, MSG_PAYOUT_RESULT, &m->u.payout,
		    sizeof(m->u.payout));
		break;
	case JR_COIN:
	case JR_MDB_COIN:
		memset(&c, 0, sizeof(c));
		c.value = r->value;
		c.credit = l->st.credit;
		outbox_put(ob, PROC_SALES, MSG_CREDIT_ADDED, &c, sizeof(c));
		break;
	case JR_RESERVE:
	case JR_TEST_RESERVE:
		outbox_put(ob, PROC_ARM, MSG_ARM_DISPENSE, &m->u.vend,
		    sizeof(m->u.vend));
		break;
	case JR_COMMIT:
	case JR_RESTORE:
	case JR_BLOCKED:
	case JR_SETTLE:		/* from arm: vendd stopped before the drop */
		v = m->u.vend;
		v.price = r->value;
		v.ok = r->type == JR_COMMIT;
		v.why = v.ok ? 0 : m->u.vend.why;
		v.test = r->count == PENDING_TEST;
		v.card = r->count == PENDING_CARD;
		outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
		if (v.card)	/* the reader: VEND SUCCESS or FAILURE */
			outbox_put(ob, PROC_MDB, MSG_CARD_DONE, &v, sizeof(v));
		if (v.test && r->type == JR_COMMIT)
			ledger_show_counters(l, ob);
		break;
	case JR_RESTOCK:
		memset(&rs, 0, sizeof(rs));
		rs.product = r->product;
		rs.stock = (int32_t)r->value;
		rs.clear_fault = r->count;
		outbox_put(ob, PROC_SALES, MSG_RESTOCKED, &rs, sizeof(rs));
		ledger_restock_done(m, rs.stock, 0, ob);
		break;
	default:
		if (!ledger_mdb_forward(l, m, r, ob))
			ledger_operator_forward(l, m, r, ob);
		break;
	}
}

/* What failed, for the log. */
static const char *
ledger_op_name(uint32_t op)
{
	switch (op) {
	case LEDGER_OP_COMPACT:
		return "writing the snapshot";
	case LEDGER_OP_RECORD:
		return "writing a record";
	case LEDGER_OP_GROW:
		return "making room in the journal";
	}
	return "?";
}

/* The disk failed at op: fault mode, logged when it begins. */
void
ledger_fault_set(struct ledger *l, uint32_t op, int err)
{
	if (!l->fault.on)
		log_warnx("ledger: %s in %s failed: %s; out of service (no "
		    "sales, acceptor blocked) until it works again",
		    ledger_op_name(op), l->cf->state_dir, strerror(err));
	l->fault.on = 1;
	l->fault.op = op;
	l->fault.err = err;
}

/* Tell sales when fault mode began or ended. */
static void
ledger_fault_tell(struct ledger *l, struct outbox *ob)
{
	if ((int)l->fault.on == l->fault_told)
		return;
	outbox_put(ob, PROC_SALES, MSG_LEDGER_FAULT, &l->fault,
	    sizeof(l->fault));
	l->fault_told = (int)l->fault.on;
}

/* A reservation the ledger cannot record: sales gives the price back. */
static void
ledger_refuse_vend(const struct ledger *l, const struct msg *m,
    struct outbox *ob)
{
	struct msg_vend	v = m->u.vend;

	log_warnx("vend %u refused: the ledger cannot record it (%s)",
	    v.vend_id, strerror(l->fault.err));
	v.ok = 0;
	v.why = VEND_WHY_REFUSED;
	outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
}

/* A restock the ledger cannot record: its sender is told why. */
static void
ledger_refuse_restock(const struct ledger *l, const struct msg *m,
    struct outbox *ob)
{
	log_warnx("restock of product %u refused: the ledger cannot record "
	    "it (%s)", m->u.restock.product, strerror(l->fault.err));
	ledger_restock_done(m, m->u.restock.stock, l->fault.err, ob);
}

/* Whether a message moves money that is already taken: its record must
 * be kept whatever the disk does (a coin in the cash box, a vend's end). */
static int
ledger_is_money(uint16_t type)
{
	return type == MSG_COIN_INSERTED || type == MSG_ARM_DONE ||
	    type == MSG_MDB_COIN || type == MSG_PAYOUT_DONE ||
	    type == MSG_NOTE_DONE || type == MSG_CARD_RESULT;
}

/* Keep a money message until the disk takes its record, behind the others. */
static int
ledger_hold(struct ledger *l, const struct msg *m)
{
	struct msg_out	*h;

	if (l->fault.held == LEDGER_HELD_MAX) {
		errno = ENOBUFS;
		return -1;
	}
	h = &l->held[(l->held_head + l->fault.held++) % LEDGER_HELD_MAX];
	memcpy(&h->hdr, &m->hdr, sizeof(h->hdr));
	memcpy(&h->u, &m->u, m->hdr.len);
	return 0;
}

/* A counter the disk cannot take now: not recorded, counted, logged once. */
static void
ledger_drop(struct ledger *l, const struct msg *m)
{
	if (l->dropped++ == 0)
		log_warnx("ledger: %s not recorded: counters are not kept "
		    "while the disk fails", msg_type_name(m->hdr.type));
}

/*
 * Journal m's record and act on it. 0: done, or answered without a record
 * (refused, dropped); 1: a money record the disk did not take, nothing
 * applied (the caller holds m); -1 with errno EINVAL: m is a bug.
 */
static int
ledger_process(struct ledger *l, const struct msg *m, struct outbox *ob)
{
	struct jrec	 r;
	const char	*why;
	uint32_t	 op;

	if (ledger_restock_bad(l, m, ob) || ledger_operator_bad(l, m, ob) ||
	    ledger_price_moved(l, m, ob))
		return 0;
	if ((why = ledger_record(l, m, &r)) == NULL) {
		r.seq = l->st.seq + 1;
		why = jrec_check(&l->st, &r);
	}
	if (why != NULL) {
		log_warnx("%s from %s refused: %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src), why);
		errno = EINVAL;
		return -1;
	}
	r.time_ms = ledger_now_ms();
	if (ledger_append(l, &r, ledger_is_money(m->hdr.type), &op) == -1) {
		ledger_fault_set(l, op, errno);
		if (ledger_is_money(m->hdr.type))
			return 1;
		if (m->hdr.type == MSG_VEND_RESERVE)
			ledger_refuse_vend(l, m, ob);
		else if (m->hdr.type == MSG_RESTOCK)
			ledger_refuse_restock(l, m, ob);
		else if (!ledger_mdb_refuse(m, ob) &&
		    !ledger_operator_refuse(l, m, ob))
			ledger_drop(l, m);
		return 0;
	}
	jrec_apply(&l->st, &r);
	ledger_log_outcome(l, &r);
	ledger_forward(l, m, &r, ob);
	return 0;
}

/* One inbox message: journal (durable), apply, forward; or fault mode's. */
int
ledger_handle(struct ledger *l, const struct msg *m, struct outbox *ob)
{
	int	rc = 0;

	if (l->fault.on && m->hdr.type == MSG_VEND_RESERVE)
		ledger_refuse_vend(l, m, ob);
	else if (l->fault.on && m->hdr.type == MSG_RESTOCK)
		ledger_refuse_restock(l, m, ob);
	else if (l->fault.on && (ledger_mdb_refuse(m, ob) ||
	    ledger_operator_refuse(l, m, ob)))
		;			/* answered: not recorded now */
	else if (l->fault.held > 0 && ledger_is_money(m->hdr.type))
		rc = ledger_hold(l, m);		/* in order, behind */
	else if (l->fault.held > 0)
		ledger_drop(l, m);
	else if ((rc = ledger_process(l, m, ob)) == 1)
		rc = ledger_hold(l, m);
	ledger_fault_tell(l, ob);
	return rc;
}

/* Once the answers are out: the new records to the event log (off the
 * vend's path), and the journal folded into a snapshot when due. */
void
ledger_compact_if_due(struct ledger *l, struct outbox *ob)
{
	ledger_events_catch_up(l);
	if (l->fault.on || !ledger_compact_due(l))
		return;		/* in fault mode, the retry compacts */
	if (ledger_compact(l) == -1)
		ledger_fault_set(l, LEDGER_OP_COMPACT, errno);
	ledger_fault_tell(l, ob);
}

/* Write the held records in order while the outbox has room for their
 * answers: 0 all written, 1 the disk refused one, 2 outbox full, -1 bug. */
static int
ledger_flush_held(struct ledger *l, struct outbox *ob)
{
	struct msg	m;
	struct msg_out	*h;
	int		rc;

	while (l->fault.held > 0) {
		if (ob->n + 2 > OUTBOX_MAX)
			return 2;
		h = &l->held[l->held_head];
		memset(&m, 0, sizeof(m));
		memcpy(&m.hdr, &h->hdr, sizeof(m.hdr));
		memcpy(&m.u, &h->u, h->hdr.len);
		if ((rc = ledger_process(l, &m, ob)) != 0)
			return rc;
		l->held_head = (l->held_head + 1) % LEDGER_HELD_MAX;
		l->fault.held--;
	}
	return 0;
}

/* Fault mode's retry: see ledger.h. */
int
ledger_retry(struct ledger *l, struct outbox *ob)
{
	int	rc;

	if (!l->fault.on)
		return 0;
	if ((rc = ledger_flush_held(l, ob)) == 0) {
		if (ledger_compact(l) == -1)
			ledger_fault_set(l, LEDGER_OP_COMPACT, errno);
		else if (ledger_journal_fill(l) == -1)
			ledger_fault_set(l, LEDGER_OP_GROW, errno);
		else {
			log_info("ledger: %s takes records and snapshots "
			    "again: back in service (%llu counters were not "
			    "recorded)", l->cf->state_dir,
			    (unsigned long long)l->dropped);
			memset(&l->fault, 0, sizeof(l->fault));
			l->dropped = 0;
		}
		rc = l->fault.on;
	}
	if (rc != -1)
		ledger_fault_tell(l, ob);
	return rc;
}

/* What vendctl status shows: the machine-wide counters, why the ledger is
 * out of service if it is, and the counters of the columns from first on. */
void
ledger_status(const struct ledger *l, uint32_t first,
    struct msg_status_ledger *s)
{
	uint32_t	n = (uint32_t)l->cf->nproducts;

	memset(s, 0, sizeof(*s));
	s->seq = l->st.seq;
	s->credit = l->st.credit;
	s->c = l->st.c;
	s->nproducts = n;
	s->fault = l->fault;
	s->first = first;
	for (uint32_t i = first; i < n && s->count < MSG_STATUS_CHUNK; i++) {
		struct msg_ledger_product *p = &s->product[s->count++];

		p->paid_vends = l->st.product[i].paid_vends;
		p->paid_value = l->st.product[i].paid_value;
		p->failed_vends = l->st.product[i].failed_vends;
		p->sold_out = l->st.product[i].sold_out;
	}
}

/* The thread shell's state: the ledger this thread opened, used by it only. */
static struct ledger	*ledger_self;
static struct event	*ledger_ev_retry;

/* Try the disk again in LEDGER_RETRY_S, unless a try is already due. */
static void
ledger_retry_later(void)
{
	if (!evtimer_pending(ledger_ev_retry, NULL))
		proc_timer_at(ledger_ev_retry, now_ns() +
		    (uint64_t)LEDGER_RETRY_S * 1000000000ULL);
}

/* The retry timer: the held records, then a compaction; again later if
 * the disk still fails. Also the first thing the thread does after a
 * start in fault mode: sales hears when the disk takes records again. */
static void
ledger_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc	*p = arg;
	struct outbox	 ob;
	int		 rc;

	(void)fd;
	(void)what;
	do {
		outbox_init(&ob);
		if ((rc = ledger_retry(ledger_self, &ob)) == -1)
			fatal("ledger: a held record");
		proc_send_outbox(p, &ob);
	} while (rc == 2);
	ledger_events_notify(ledger_self, p);	/* held records written */
	if (rc == 1)
		ledger_retry_later();
}

/* Answer a status request: one message per chunk of columns, in order. */
static void
ledger_send_status(struct proc *p, const struct msg *m)
{
	struct msg_status_ledger st;
	uint32_t		 n = msg_status_chunks(
				    (uint32_t)ledger_self->cf->nproducts);

	for (uint32_t k = 0; k < n; k++) {
		ledger_status(ledger_self, k * MSG_STATUS_CHUNK, &st);
		proc_send(p, m->hdr.src, MSG_STATUS_LEDGER, m->hdr.id, &st,
		    sizeof(st));
	}
}

/* One message from the inbox; a bug or too many held records is fatal. */
static void
ledger_dispatch(struct proc *p, const struct msg *m)
{
	struct outbox		 ob;

	switch (m->hdr.type) {
	case MSG_STATUS_REQ:
		ledger_send_status(p, m);
		break;
	case MSG_COIN_INSERTED:
	case MSG_MDB_COIN:
	case MSG_PAYOUT_REQ:
	case MSG_PAYOUT_DONE:
	case MSG_PAYOUT_STEP:
	case MSG_NOTE_ESCROW:
	case MSG_NOTE_DONE:
	case MSG_CARD_RESULT:
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
	case MSG_VEND_RESERVE:
	case MSG_ARM_DONE:
	case MSG_VEND_SOLD_OUT:
	case MSG_RESTOCK:
	case MSG_COOL_START:
	case MSG_COOL_STOP:
	case MSG_COOL_SENSOR_FAULT:
	case MSG_SERVICE_REC:
	case MSG_PRICE_SET:
	case MSG_COLLECT:
	case MSG_AUDIT_RESET:
		outbox_init(&ob);
		if (ledger_handle(ledger_self, m, &ob) == -1)
			fatal("ledger: %s from %s (%u held for the disk)",
			    msg_type_name(m->hdr.type), proc_name(m->hdr.src),
			    ledger_self->fault.held);
		proc_send_outbox(p, &ob);
		outbox_init(&ob);
		ledger_compact_if_due(ledger_self, &ob);
		proc_send_outbox(p, &ob);
		ledger_events_notify(ledger_self, p);
		if (ledger_self->fault.on)
			ledger_retry_later();
		break;
	default:
		if (ledger_operator_reply(ledger_self, p, m))
			break;
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/*
 * Stop: the timer goes. Records the disk refused get one last try (their
 * answers go nowhere: the activities downstream have stopped); what is
 * still held then is said, since a coin is in the cash box without its
 * record.
 */
static void
ledger_on_stop(struct proc *p)
{
	struct outbox	ob;
	int		rc;

	(void)p;
	if (ledger_ev_retry != NULL)
		event_free(ledger_ev_retry);
	ledger_ev_retry = NULL;
	do {
		outbox_init(&ob);
		rc = ledger_self->fault.held > 0 ?
		    ledger_retry(ledger_self, &ob) : 0;
	} while (rc == 2);
	if (ledger_self->fault.held > 0)
		log_warnx("ledger: stopping with %u coins or vend outcomes "
		    "the disk did not take: they are not recorded",
		    ledger_self->fault.held);
}

/* Make p the ledger's thread around a ledger already opened; opened in
 * fault mode, its first act is to try the disk again. */
void
ledger_init(struct proc *p, struct ledger *l)
{
	ledger_self = l;
	proc_init(p, PROC_LEDGER, "ledger", ledger_dispatch);
	p->on_stop = ledger_on_stop;
	if ((ledger_ev_retry = evtimer_new(p->base, ledger_retry_cb, p)) ==
	    NULL)
		fatalx("ledger: evtimer_new");
	if (l->fault.on)
		proc_timer_at(ledger_ev_retry, now_ns());
}
