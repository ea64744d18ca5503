/*
 * The ledger's records of a bill validator's notes and a cashless reader's
 * vends (the MDB changer's coins and change are ledger.c's, as coins are).
 *
 * A note is money only once stacked: its escrow is journalled with the
 * decision (stack it if change can be given and the credit stays within
 * max_credit, else give it back) before the validator is told, so that a
 * crash resumes as the ledger says. A card vend is asked (journalled,
 * nothing moves), then approved (the pending vend, paid by card: the
 * credit is not touched) or denied; the pending vend's end is ledger.c's,
 * and the reader hears it (VEND SUCCESS or FAILURE) once it is durable.
 */
#include <string.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "log.h"
#include "msg.h"

/* The escrow's decision: stacked only if the validator's shell could give
 * change for it and the credit stays within max_credit (0: no limit). */
static int
ledger_note_stack(const struct ledger *l, const struct msg_note *n)
{
	int64_t	max = l->cf->coin.max_credit, t;

	if (!n->stack)
		return 0;
	if (max > 0 && (__builtin_add_overflow(l->st.credit, n->value, &t) ||
	    t > max)) {
		log_info("note of type %u given back: the credit would pass "
		    "max_credit", n->type);
		return 0;
	}
	return 1;
}

/* The record of a note's or a card's message; NULL, or why it is a bug;
 * "not an MDB message" for the others. */
const char *
ledger_mdb_record(const struct ledger *l, const struct msg *m, struct jrec *r)
{
	const struct msg_note *n = &m->u.note;
	const struct msg_vend *v = &m->u.vend;

	switch (m->hdr.type) {
	case MSG_NOTE_ESCROW:
	case MSG_NOTE_DONE:
		if (n->type >= 16 || n->value <= 0)
			return "note type or value out of range";
		r->type = m->hdr.type == MSG_NOTE_ESCROW ? JR_NOTE_ESCROW :
		    n->stack ? JR_NOTE_STACKED : JR_NOTE_RETURNED;
		r->value = n->value;
		r->product = (uint16_t)n->type;
		if (m->hdr.type == MSG_NOTE_ESCROW)
			r->count = (uint32_t)ledger_note_stack(l, n);
		return NULL;
	case MSG_VEND_RESERVE:		/* with card set */
		if (v->product >= (uint32_t)l->cf->nproducts || v->test)
			return "card vend of a product out of range";
		r->type = JR_CARD_ASK;
		break;
	case MSG_CARD_RESULT:
		r->type = v->ok ? JR_CARD_APPROVED : JR_CARD_DENIED;
		break;
	default:
		return "not an MDB message";
	}
	r->vend_id = v->vend_id;
	r->product = (uint16_t)v->product;
	r->value = v->price;
	return NULL;
}

/* Whether an MDB record can apply to st: NULL, or why not; "" when it is
 * not one of these. */
const char *
jrec_check_mdb(const struct ledger_state *st, const struct jrec *r)
{
	const struct ledger_mdb *d = &st->mdb;
	int64_t	t;

	switch (r->type) {
	case JR_PAYOUT_STEP:
		if (!d->payout_active || r->vend_id != d->payout_id)
			return "payout step but not the pending payout";
		return r->value >= d->payout_paid &&
		    !__builtin_add_overflow(d->change_paid, r->value, &t) ? NULL :
		    "payout step paid out of range";
	case JR_NOTE_ESCROW:
		if (d->escrow_active)
			return "note escrowed while another is";
		return r->product < 16 && r->value > 0 && r->count <= 1 ? NULL :
		    "escrowed note out of range";
	case JR_NOTE_STACKED:
		if (r->product >= 16 || r->value <= 0 ||
		    __builtin_add_overflow(st->credit, r->value, &t) ||
		    __builtin_add_overflow(st->c.cash_in, r->value, &t))
			return "stacked note out of range";
		return NULL;
	case JR_NOTE_RETURNED:
		return r->product < 16 && r->value > 0 ? NULL :
		    "returned note out of range";
	case JR_CARD_ASK:
		if (d->card_asked || st->pending.active)
			return "card vend asked while another vend is under way";
		return r->product < st->nproducts && r->value > 0 ? NULL :
		    "card vend out of range";
	case JR_CARD_APPROVED:
		if (r->value <= 0 || st->pending.active ||
		    __builtin_add_overflow(d->card_value, r->value, &t))
			return "card approval out of range";
		__attribute__((fallthrough));
	case JR_CARD_DENIED:
		if (!d->card_asked || r->vend_id != d->card_vend_id ||
		    r->product != d->card_product)
			return "card answer but not the vend asked";
		return NULL;
	}
	return "";
}

/* Apply an MDB record jrec_check_mdb accepted. */
void
jrec_apply_mdb(struct ledger_state *st, const struct jrec *r)
{
	struct ledger_mdb *d = &st->mdb;

	switch (r->type) {
	case JR_PAYOUT_STEP:
		d->payout_paid = r->value;
		break;
	case JR_NOTE_ESCROW:
		d->escrow_active = 1;
		d->escrow_type = (uint8_t)r->product;
		d->escrow_stack = (uint8_t)r->count;
		d->escrow_value = r->value;
		break;
	case JR_NOTE_STACKED:
		st->credit += r->value;
		st->c.cash_in += r->value;
		d->notes_in += r->value;
		d->notes++;
		d->escrow_active = 0;
		break;
	case JR_NOTE_RETURNED:
		d->notes_returned++;
		d->escrow_active = 0;
		break;
	case JR_CARD_ASK:
		d->card_asked = 1;
		d->card_vend_id = r->vend_id;
		d->card_product = (uint8_t)r->product;
		break;
	case JR_CARD_APPROVED:
		d->card_asked = 0;
		st->pending.active = 1;
		st->pending.test = PENDING_CARD;
		st->pending.product = (uint8_t)r->product;
		st->pending.vend_id = r->vend_id;
		st->pending.price = r->value;
		break;
	case JR_CARD_DENIED:
		d->card_asked = 0;
		d->card_denied++;
		break;
	}
}

/* What flows on once an MDB record is durable; 0 when r is not one. */
int
ledger_mdb_forward(const struct ledger *l, const struct msg *m,
    const struct jrec *r, struct outbox *ob)
{
	struct msg_credit	c;
	struct msg_note		n;
	struct msg_vend		v = m->u.vend;

	switch (r->type) {
	case JR_NOTE_ESCROW:
		n = m->u.note;
		n.stack = r->count;
		outbox_put(ob, PROC_MDB, MSG_NOTE_DECIDED, &n, sizeof(n));
		return 1;
	case JR_NOTE_STACKED:
		memset(&c, 0, sizeof(c));
		c.value = r->value;
		c.credit = l->st.credit;
		outbox_put(ob, PROC_SALES, MSG_CREDIT_ADDED, &c, sizeof(c));
		return 1;
	case JR_NOTE_RETURNED:
	case JR_PAYOUT_STEP:
		return 1;
	case JR_CARD_ASK:
		outbox_put(ob, PROC_MDB, MSG_CARD_VEND, &v, sizeof(v));
		return 1;
	case JR_CARD_APPROVED:
		v.price = r->value;
		v.card = 1;
		outbox_put(ob, PROC_ARM, MSG_ARM_DISPENSE, &v, sizeof(v));
		return 1;
	case JR_CARD_DENIED:
		v.ok = 0;
		v.why = VEND_WHY_CARD_DENIED;
		v.card = 1;
		outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
		return 1;
	}
	return 0;
}

/* A note in escrow the ledger cannot record (the disk fails): given back,
 * so that nothing it does not know of becomes credit. 1: answered. */
int
ledger_mdb_refuse(const struct msg *m, struct outbox *ob)
{
	struct msg_note	n;

	if (m->hdr.type != MSG_NOTE_ESCROW)
		return 0;
	n = m->u.note;
	n.stack = 0;
	log_warnx("a note in escrow given back: the ledger cannot record it");
	outbox_put(ob, PROC_MDB, MSG_NOTE_DECIDED, &n, sizeof(n));
	return 1;
}

/*
 * The records a start adds for a note and a card vend our crash cut: the
 * note in escrow ends as the ledger decided (the validator gives back a
 * note it holds at its reset, and finishes one it was told to stack), a
 * card vend asked and not answered is denied (the reader's reset voids
 * it). From rec[0]; returns how many (0 to 2).
 */
int
ledger_mdb_start_records(const struct ledger_state *st, uint64_t seq,
    struct jrec *rec)
{
	const struct ledger_mdb *d = &st->mdb;
	int	n = 0;

	if (d->escrow_active) {
		rec[n].type = d->escrow_stack ? JR_NOTE_STACKED :
		    JR_NOTE_RETURNED;
		rec[n].seq = seq + (uint64_t)n + 1;
		rec[n].product = d->escrow_type;
		rec[n].value = d->escrow_value;
		if (jrec_check_mdb(st, &rec[n]) == NULL) {
			log_warnx("a note of type %u in escrow at start: %s, as "
			    "decided", d->escrow_type, d->escrow_stack ?
			    "credited (the validator stacks it)" : "given back");
			n++;
		}
	}
	if (d->card_asked) {
		rec[n].type = JR_CARD_DENIED;
		rec[n].seq = seq + (uint64_t)n + 1;
		rec[n].vend_id = d->card_vend_id;
		rec[n].product = d->card_product;
		log_warnx("card vend %u unanswered at start: denied (the reader's "
		    "reset ends it)", d->card_vend_id);
		n++;
	}
	return n;
}
