/*
 * ledger: the durable state (credit, stock, out-of-order columns, the pending
 * vend, audit counters) and the only code that writes STATE_DIR. This file is
 * the activity: a message in, its record journaled (ledger_store.c), applied
 * (ledger_rules.c) and what flows on put in the outbox; and the thread shell
 * around it.
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
	if (v->price != l->cf->product[v->product].price)
		return "price differs from the config";
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
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
		r->type = m->hdr.type == MSG_COIN_UNKNOWN ? JR_UNKNOWN_COIN :
		    m->hdr.type == MSG_COIN_NOISE ? JR_NOISE : JR_COIN_FAULT;
		r->count = m->hdr.type == MSG_COIN_FAULT ?
		    m->u.count.width_ms : m->u.count.count;
		return NULL;
	case MSG_VEND_RESERVE:
		if ((why = ledger_check_reserve(l, &m->u.vend)) != NULL)
			return why;
		r->type = JR_RESERVE;
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
	return "not a ledger message";
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
	case JR_COIN:
		memset(&c, 0, sizeof(c));
		c.value = r->value;
		c.credit = l->st.credit;
		outbox_put(ob, PROC_SALES, MSG_CREDIT_ADDED, &c, sizeof(c));
		break;
	case JR_RESERVE:
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
		outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
		break;
	case JR_RESTOCK:
		memset(&rs, 0, sizeof(rs));
		rs.product = r->product;
		rs.stock = (int32_t)r->value;
		rs.clear_fault = r->count;
		outbox_put(ob, PROC_SALES, MSG_RESTOCKED, &rs, sizeof(rs));
		ledger_restock_done(m, rs.stock, 0, ob);
		break;
	}
}

/* One inbox message: journal (durable), apply, forward. */
int
ledger_handle(struct ledger *l, const struct msg *m, struct outbox *ob)
{
	struct jrec	 r;
	const char	*why;

	if (ledger_restock_bad(l, m, ob))
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
	if (ledger_append(l, &r) == -1)
		return -1;
	jrec_apply(&l->st, &r);
	ledger_log_outcome(l, &r);
	ledger_forward(l, m, &r, ob);
	return 0;
}

/* Fold a long journal into the snapshot, once the answers are sent. */
int
ledger_tidy(struct ledger *l)
{
	uint64_t	after = l->compact_after ? l->compact_after :
			    (uint64_t)l->cf->compact_records;

	if (l->journal_records < after)
		return 0;
	if (ledger_compact(l) == -1) {
		l->compact_after = l->journal_records +
		    (uint64_t)l->cf->compact_records;
		return -1;
	}
	l->compact_after = 0;
	return 0;
}

/* What vendctl status shows: counters of the configured columns. */
void
ledger_status(const struct ledger *l, struct msg_status_ledger *s)
{
	memset(s, 0, sizeof(*s));
	s->seq = l->st.seq;
	s->credit = l->st.credit;
	s->c = l->st.c;
	s->nproducts = (uint32_t)l->cf->nproducts;
	for (int i = 0; i < l->cf->nproducts && i < VENDD_MAX_PRODUCTS; i++) {
		s->product[i].paid_vends = l->st.product[i].paid_vends;
		s->product[i].paid_value = l->st.product[i].paid_value;
		s->product[i].failed_vends = l->st.product[i].failed_vends;
		s->product[i].sold_out = l->st.product[i].sold_out;
	}
}

/* The thread shell's state: the ledger this thread opened, used by it only. */
static struct ledger *ledger_self;

/* One message from the inbox; a failed disk write is fatal. */
static void
ledger_dispatch(struct proc *p, const struct msg *m)
{
	struct msg_status_ledger st;
	struct outbox		 ob;

	switch (m->hdr.type) {
	case MSG_STATUS_REQ:
		ledger_status(ledger_self, &st);
		proc_send(p, m->hdr.src, MSG_STATUS_LEDGER, m->hdr.id, &st,
		    sizeof(st));
		break;
	case MSG_COIN_INSERTED:
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
		outbox_init(&ob);
		if (ledger_handle(ledger_self, m, &ob) == -1)
			fatal("ledger: %s from %s", msg_type_name(m->hdr.type),
			    proc_name(m->hdr.src));
		proc_send_outbox(p, &ob);
		/* not fatal: the answers are out, and nothing is lost */
		if (ledger_tidy(ledger_self) == -1)
			log_warn("ledger: compacting %s failed, the journal "
			    "grows; next try in %d records",
			    ledger_self->cf->state_dir,
			    ledger_self->cf->compact_records);
		break;
	default:
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/* Make p the ledger's thread around a ledger already opened. */
void
ledger_init(struct proc *p, struct ledger *l)
{
	ledger_self = l;
	proc_init(p, PROC_LEDGER, "ledger", ledger_dispatch);
}
