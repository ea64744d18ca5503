/*
 * The ledger's rules: whether a record may apply to a state and what it
 * does, a fresh machine's state, the products put in the config's order,
 * and what a start adds (a vend left unresolved settled, the start counted).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "log.h"

/* The pending vend a COMMIT, RESTORE or SETTLE must name exactly. */
static const char *
jrec_check_resolve(const struct ledger_state *st, const struct jrec *r)
{
	const struct ledger_pending *pv = &st->pending;

	if (!pv->active || pv->product >= st->nproducts)
		return "vend resolved but none pending";
	if (r->vend_id != pv->vend_id || r->product != pv->product ||
	    r->value != pv->price || r->count != pv->test)
		return "vend resolved does not match the pending one";
	return NULL;
}

/*
 * Whether a record can apply to this state: NULL, or why not. Every bound
 * apply relies on is checked here, so a replayed record can never index out
 * of range or overflow money.
 */
const char *
jrec_check(const struct ledger_state *st, const struct jrec *r)
{
	const char *why = jrec_check_mdb(st, r);
	int64_t	t;

	if (why == NULL || *why != '\0')
		return why;
	switch (r->type) {
	case JR_PAYOUT_REQ:
		if (st->mdb.payout_active)
			return "payout asked while another is pending";
		if (r->value <= 0 || r->value > st->credit)
			return "payout amount out of range";
		return NULL;
	case JR_PAYOUT_DONE:
		if (!st->mdb.payout_active || r->vend_id != st->mdb.payout_id)
			return "payout done but not the pending one";
		if (r->value < 0 || __builtin_add_overflow(st->mdb.change_paid,
		    r->value, &t))
			return "paid out of range";
		return NULL;
	case JR_MDB_COIN:
		if (r->product >= 16 || r->count > 1)
			return "MDB coin type or routing out of range";
		__attribute__((fallthrough));	/* money as a pulse coin's */
	case JR_COIN:
		if (r->value <= 0 || (r->type == JR_COIN &&
		    r->count > VENDD_MAX_PULSES))
			return "coin value or pulse count out of range";
		if (__builtin_add_overflow(st->credit, r->value, &t) ||
		    __builtin_add_overflow(st->c.cash_in, r->value, &t))
			return "coin overflows the credit";
		return NULL;
	case JR_RESERVE:
	case JR_TEST_RESERVE:
		if (st->pending.active)
			return "vend reserved while another is pending";
		if (r->product >= st->nproducts)
			return "vend of a product out of range";
		if (r->type == JR_TEST_RESERVE && r->value != 0)
			return "test vend with a price";
		if (r->value < 0 || r->value > st->credit)
			return "vend price above the credit";
		return NULL;
	case JR_PRICE:
		if (r->product >= st->nproducts)
			return "priced product out of range";
		if (r->count > 1 || r->value < 0 || (!r->count && r->value))
			return "price out of range";
		return NULL;
	case JR_COLLECT:
		return r->value == ledger_box_in(st) - st->cash_in_collected ?
		    NULL : "collected amount is not the cash since the last "
		    "collection";
	case JR_SERVICE:
		return r->count <= 1 && (r->vend_id == SERVICE_DOOR ||
		    r->vend_id == SERVICE_COMMAND) ? NULL :
		    "service record out of range";
	case JR_AUDIT_RESET:
		return NULL;
	case JR_COMMIT:
		if (st->pending.active && r->product < st->nproducts &&
		    (__builtin_add_overflow(st->c.paid_value, r->value, &t) ||
		    __builtin_add_overflow(st->product[r->product].paid_value,
		    r->value, &t)))
			return "paid value overflows";
		return jrec_check_resolve(st, r);
	case JR_RESTORE:
	case JR_SETTLE:
	case JR_BLOCKED:
		if (__builtin_add_overflow(st->credit, r->value, &t))
			return "restored credit overflows";
		return jrec_check_resolve(st, r);
	case JR_SOLD_OUT:
		return r->product < st->nproducts ? NULL :
		    "sold-out product out of range";
	case JR_RESTOCK:
		if (r->product >= st->nproducts)
			return "restocked product out of range";
		if (r->value < 0 || r->value > INT32_MAX || r->count > 1)
			return "restock level out of range";
		return NULL;
	case JR_COOL_STOP:
		return r->value >= 0 && r->value <= UINT32_MAX ? NULL :
		    "compressor run time out of range";
	case JR_UNKNOWN_COIN:
	case JR_NOISE:
	case JR_COIN_FAULT:
	case JR_COOL_START:
	case JR_SENSOR_FAULT:
	case JR_STARTUP:
		return NULL;
	}
	return "unknown record type";
}

/* Clear the pending vend, keeping its id so vend ids keep rising. */
void
ledger_pending_clear(struct ledger_state *st)
{
	st->pending.active = 0;
	st->pending.product = 0;
	st->pending.test = 0;
	st->pending.price = 0;
}

/* Money that went to the cash box, lifetime: every coin but those an MDB
 * changer routed to its change tubes (they stay in the machine). */
int64_t
ledger_box_in(const struct ledger_state *st)
{
	return st->c.cash_in - st->mdb.to_tubes;
}

/* The effective price of config product i: the operator's, or the INI's. */
int64_t
ledger_price(const struct ledger_state *st, const struct config *cf, int i)
{
	return st->product[i].has_price ? st->product[i].price :
	    cf->product[i].price;
}

/* Service mode on or off: door openings counted, the command's kept. */
static void
jrec_apply_service(struct ledger_state *st, const struct jrec *r)
{
	if (r->vend_id == SERVICE_COMMAND)
		st->service_cmd = (uint8_t)r->count;
	else
		st->door_open = (uint8_t)r->count;
	if (!r->count)
		return;
	st->c.service_entries++;
	if (r->vend_id == SERVICE_DOOR) {
		st->c.door_openings++;
		st->last_ms[LAST_DOOR] = r->time_ms;
	}
}

/* A payout's end: paid (at most what was asked: more is overpaid, the
 * machine's loss), and the rest owed to the customer. */
static void
ledger_payout_done(struct ledger_state *st, int64_t paid)
{
	int64_t	asked = st->mdb.payout_amount;
	int64_t	in;

	if (paid < st->mdb.payout_paid)	/* its steps said more left */
		paid = st->mdb.payout_paid;
	in = paid < asked ? paid : asked;

	st->mdb.change_paid += in;
	st->mdb.overpaid += paid - in;
	st->mdb.owed += asked - in;
	st->mdb.payouts++;
	st->mdb.short_payouts += in < asked;
	st->mdb.payout_active = 0;
	st->mdb.payout_amount = 0;
	st->mdb.payout_paid = 0;
}

/* A vend that did not sell gives its price back: to the credit, or (paid
 * by card) to the card, whose reader refunds it on VEND FAILURE. */
static void
ledger_refund(struct ledger_state *st, int64_t price)
{
	if (st->pending.test == PENDING_CARD) {
		st->mdb.card_failed++;
		st->mdb.card_refunded += price;
	} else
		st->credit += price;
}

/* A DEX read with reset: "since reset" counts from here (the reset counted). */
static void
ledger_audit_reset(struct ledger_state *st)
{
	st->c.audit_resets++;
	st->reset = st->c;
	st->mdb.reset.to_tubes = st->mdb.to_tubes;
	st->mdb.reset.notes_in = st->mdb.notes_in;
	st->mdb.reset.card_value = st->mdb.card_value;
	st->mdb.reset.card_vends = st->mdb.card_vends;
	for (uint32_t i = 0; i < st->nproducts && i < SNAP_NMAX; i++) {
		struct ledger_product *p = &st->product[i];

		p->reset.paid_vends = p->paid_vends;
		p->reset.paid_value = p->paid_value;
		p->reset.test_vends = p->test_vends;
		p->reset.failed_vends = p->failed_vends;
		p->reset.sold_out = p->sold_out;
	}
}

/*
 * Apply a record jrec_check accepted: the one place the state changes. The
 * records that touch a product were checked in range; the modulo only keeps
 * the pointer inside the array for the others.
 */
void
jrec_apply(struct ledger_state *st, const struct jrec *r)
{
	struct ledger_product *p = &st->product[r->product % SNAP_NMAX];

	jrec_apply_mdb(st, r);
	switch (r->type) {
	case JR_COIN:
		st->credit += r->value;
		st->c.cash_in += r->value;
		st->c.coins[r->count]++;
		break;
	case JR_PAYOUT_REQ:
		st->credit -= r->value;
		st->mdb.payout_active = 1;
		st->mdb.payout_id = r->vend_id;
		st->mdb.payout_amount = r->value;
		break;
	case JR_PAYOUT_DONE:
		ledger_payout_done(st, r->value);
		break;
	case JR_MDB_COIN:
		st->credit += r->value;
		st->c.cash_in += r->value;
		st->mdb.coins[r->product % 16]++;
		if (r->count)
			st->mdb.to_tubes += r->value;
		else
			st->mdb.to_box += r->value;
		break;
	case JR_UNKNOWN_COIN:
		st->c.unknown_coins++;
		break;
	case JR_NOISE:
		st->c.noise_pulses += r->count;
		break;
	case JR_COIN_FAULT:
		st->c.coin_faults++;
		st->last_ms[LAST_COIN_FAULT] = r->time_ms;
		break;
	case JR_RESERVE:
		st->credit -= r->value;
		st->pending.active = 1;
		st->pending.test = 0;
		st->pending.product = (uint8_t)r->product;
		st->pending.vend_id = r->vend_id;
		st->pending.price = r->value;
		break;
	case JR_TEST_RESERVE:
		st->pending.active = 1;
		st->pending.test = 1;
		st->pending.product = (uint8_t)r->product;
		st->pending.vend_id = r->vend_id;
		st->pending.price = 0;
		break;
	case JR_COMMIT:
		if (p->stock > 0)
			p->stock--;
		if (st->pending.test == PENDING_CARD) {
			st->mdb.card_vends++;
			st->mdb.card_value += r->value;
		}
		if (st->pending.test == PENDING_TEST) {
			/* the column works again: a repaired column is
			 * put back in order by a test vend that drops */
			p->test_vends++;
			p->state = PRODUCT_OK;
			st->c.test_vends++;
			ledger_pending_clear(st);
			break;
		}
		p->paid_vends++;
		p->paid_value += r->value;
		st->c.paid_vends++;
		st->c.paid_value += r->value;
		ledger_pending_clear(st);
		break;
	case JR_RESTORE:
		ledger_refund(st, r->value);
		p->failed_vends++;
		p->state = PRODUCT_OUT_OF_ORDER;
		st->c.failed_vends++;
		st->last_ms[LAST_FAILED_VEND] = r->time_ms;
		ledger_pending_clear(st);
		break;
	case JR_BLOCKED:
		/*
		 * The drop beam was broken before the motor ran: the column
		 * is not at fault (the arm and sales stop all dispensing
		 * until the beam clears), but the vend failed.
		 */
		ledger_refund(st, r->value);
		p->failed_vends++;
		st->c.failed_vends++;
		st->last_ms[LAST_FAILED_VEND] = r->time_ms;
		ledger_pending_clear(st);
		break;
	case JR_SETTLE:
		/*
		 * A vend cut by our own crash, or by vendd stopping before
		 * the drop: the customer gets the price back in full (after
		 * a crash we cannot know whether the product fell). The
		 * column stays as it was: the failure was ours, not the
		 * column's, and a power cut must not take columns out of
		 * service. unresolved_settled lets the audit see it.
		 */
		ledger_refund(st, r->value);
		st->c.unresolved_settled++;
		ledger_pending_clear(st);
		break;
	case JR_SOLD_OUT:
		p->sold_out++;
		st->c.sold_out_selections++;
		break;
	case JR_RESTOCK:
		p->stock = (int32_t)r->value;
		if (r->count)
			p->state = PRODUCT_OK;
		break;
	case JR_COOL_START:
		st->c.compressor_starts++;
		break;
	case JR_COOL_STOP:
		st->c.compressor_run_s += (uint64_t)r->value;
		break;
	case JR_SENSOR_FAULT:
		st->c.sensor_faults++;
		st->last_ms[LAST_SENSOR_FAULT] = r->time_ms;
		break;
	case JR_STARTUP:
		st->c.startups++;
		break;
	case JR_PRICE:
		p->has_price = (uint8_t)r->count;
		p->price = r->value;
		st->c.price_changes++;
		break;
	case JR_COLLECT:
		st->c.collections++;
		st->c.collected_value += r->value;
		st->cash_in_collected = ledger_box_in(st);
		break;
	case JR_SERVICE:
		jrec_apply_service(st, r);
		break;
	case JR_AUDIT_RESET:
		ledger_audit_reset(st);
		break;
	}
	st->seq = r->seq;
}

/* A fresh machine: every configured column full and in order, no credit. */
void
ledger_fresh(struct ledger_state *st, const struct config *cf)
{
	memset(st, 0, sizeof(*st));
	st->nproducts = (uint32_t)cf->nproducts;
	for (int i = 0; i < cf->nproducts; i++) {
		snprintf(st->product[i].id, VENDD_ID_MAX, "%s",
		    cf->product[i].id);
		st->product[i].stock = cf->product[i].capacity;
	}
}

/* Whether a product has counters an audit would miss if it were dropped. */
static int
ledger_product_used(const struct ledger_product *p)
{
	return p->paid_vends || p->paid_value || p->failed_vends ||
	    p->sold_out || p->test_vends;
}

/*
 * Put the products in the config's order: config products first (new ones
 * full), then those the config dropped, retired with their counters. If the
 * table overflows, retired columns without counters go first.
 */
void
ledger_remap(struct ledger_state *st, const struct config *cf)
{
	struct ledger_product	 np[SNAP_NMAX];
	uint8_t			 used[SNAP_NMAX] = { 0 };
	uint32_t		 n = 0, j;

	memset(np, 0, sizeof(np));
	for (int i = 0; i < cf->nproducts; i++, n++) {
		for (j = 0; j < st->nproducts; j++)
			if (!used[j] && strcmp(st->product[j].id,
			    cf->product[i].id) == 0)
				break;
		if (j < st->nproducts) {
			np[n] = st->product[j];
			np[n].retired = 0;
			used[j] = 1;
			continue;
		}
		snprintf(np[n].id, VENDD_ID_MAX, "%s", cf->product[i].id);
		np[n].stock = cf->product[i].capacity;
		log_info("product %s is new: stock %d", np[n].id, np[n].stock);
	}
	for (int pass = 1; pass >= 0; pass--) {
		for (j = 0; j < st->nproducts; j++) {
			if (used[j] || ledger_product_used(&st->product[j]) !=
			    pass)
				continue;
			if (n == SNAP_NMAX) {
				log_warnx("retired product %s dropped: no room",
				    st->product[j].id);
				continue;
			}
			if (!st->product[j].retired)
				log_info("product %s left the config: retired, "
				    "counters kept", st->product[j].id);
			np[n] = st->product[j];
			np[n++].retired = 1;
		}
	}
	memcpy(st->product, np, sizeof(np));
	st->nproducts = n;
}

/*
 * The records a start adds to st: the end of a payout our crash cut (all
 * of it owed), the settlement of a vend our crash left unresolved (in the
 * customer's favour) and the start's count, numbered after st's seq;
 * returns how many (1 to LEDGER_START_RECORDS). The start-up compaction
 * persists them with the new product order; on a disk that takes no
 * snapshot they are journalled.
 */
int
ledger_start_records(const struct ledger_state *st,
    struct jrec rec[LEDGER_START_RECORDS])
{
	const struct ledger_pending *pv = &st->pending;
	int	n = 0;

	memset(rec, 0, LEDGER_START_RECORDS * sizeof(*rec));
	if (st->mdb.payout_active) {
		/* what the changer's PAYOUT STATUS said its steps paid is
		 * paid; the rest (a step cut short: not known here) is owed
		 * (said, audited), never lost */
		rec[n].type = JR_PAYOUT_DONE;
		rec[n].seq = st->seq + 1;
		rec[n].vend_id = st->mdb.payout_id;
		rec[n].value = st->mdb.payout_paid;
		log_warnx("payout %u unresolved at start: %lld paid as its "
		    "steps said, the rest recorded as owed (count the changer's "
		    "tubes)", st->mdb.payout_id,
		    (long long)st->mdb.payout_paid);
		n++;
	}
	n += ledger_mdb_start_records(st, st->seq + (uint64_t)n, rec + n);
	if (pv->active) {
		rec[n].type = JR_SETTLE;
		rec[n].seq = st->seq + (uint64_t)n + 1;
		rec[n].vend_id = pv->vend_id;
		rec[n].product = pv->product;
		rec[n].value = pv->price;
		rec[n].count = pv->test;
		if (jrec_check(st, &rec[n]) == NULL) {
			log_warnx("vend %u of %s unresolved at start: %s",
			    pv->vend_id, st->product[pv->product].id,
			    pv->test == PENDING_CARD ? "the card refunded" :
			    "credit restored");
			n++;
		} else
			log_warnx("vend %u unresolved at start cannot be "
			    "settled: its price overflows the credit",
			    pv->vend_id);
	}
	rec[n].type = JR_STARTUP;
	rec[n].seq = st->seq + (uint64_t)n + 1;
	return n + 1;
}

/* Whether two states list the same products in the same order. */
int
ledger_products_same(const struct ledger_state *a,
    const struct ledger_state *b)
{
	if (a->nproducts != b->nproducts)
		return 0;
	for (uint32_t i = 0; i < a->nproducts; i++)
		if (strcmp(a->product[i].id, b->product[i].id) != 0 ||
		    a->product[i].retired != b->product[i].retired)
			return 0;
	return 1;
}
