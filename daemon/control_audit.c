/*
 * The operator's replies that are more than a line, pure: an event of the
 * stream as JSON, the audit's counters as JSON, and the same counters laid
 * out for the DEX report (dex.c writes it). "Since reset" is the counter
 * now less its value at the last reset, which the ledger keeps.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "control.h"
#include "control_int.h"
#include "cooling.h"
#include "dex.h"
#include "ledger.h"
#include "msg.h"

/* "2026-12-05T09:10:11.123Z", or NULL when the time is not known. */
static struct json_object *
ca_time(int64_t ms)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);
	char		buf[96];

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return json_object_new_string(buf);
}

/* Add a signed integer. */
static void
ca_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* Add an unsigned counter. */
static void
ca_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* Why a vend's price went back, as the stream names it. */
static const char *
ca_vend_why(uint16_t type)
{
	switch (type) {
	case JR_RESTORE:
		return "no_drop";
	case JR_BLOCKED:
		return "beam_blocked";
	case JR_SETTLE:
		return "stopped";
	}
	return NULL;
}

/* The fields of a vend's records: its id, product, price, and why. */
static void
ca_event_vend(struct json_object *o, const struct msg_event *e, int test)
{
	ca_u64(o, "vend_id", e->vend_id);
	if (!test)
		ca_int(o, "price", e->value);
	if (ca_vend_why(e->type) != NULL)
		json_object_object_add(o, "why",
		    json_object_new_string(ca_vend_why(e->type)));
}

/* The fields each kind of event has beyond id, time, event, product. */
static void
ca_event_fields(struct json_object *o, const struct msg_event *e)
{
	switch (e->type) {
	case JR_COIN:
		ca_int(o, "value", e->value);
		ca_u64(o, "pulses", e->count);
		break;
	case JR_PAYOUT_REQ:
		ca_u64(o, "payout_id", e->vend_id);
		ca_int(o, "amount", e->value);
		break;
	case JR_PAYOUT_DONE:
	case JR_PAYOUT_STEP:		/* paid: so far */
		ca_u64(o, "payout_id", e->vend_id);
		ca_int(o, "paid", e->value);
		break;
	case JR_MDB_COIN:
		ca_int(o, "value", e->value);
		ca_u64(o, "coin_type", e->product);
		json_object_object_add(o, "to", json_object_new_string(
		    e->count ? "tubes" : "cash_box"));
		break;
	case JR_UNKNOWN_COIN:
	case JR_NOISE:
		ca_u64(o, "pulses", e->count);
		break;
	case JR_COIN_FAULT:
		ca_u64(o, "width_ms", e->count);
		break;
	case JR_RESERVE:
	case JR_TEST_RESERVE:
	case JR_COMMIT:
	case JR_RESTORE:
	case JR_BLOCKED:
	case JR_SETTLE:
		ca_event_vend(o, e, e->type == JR_TEST_RESERVE || e->count);
		if (e->type != JR_RESERVE && e->type != JR_TEST_RESERVE &&
		    e->count)
			json_object_object_add(o, "dropped",
			    json_object_new_boolean(e->type == JR_COMMIT));
		break;
	case JR_RESTOCK:
		ca_int(o, "stock", e->value);
		json_object_object_add(o, "back_in_order",
		    json_object_new_boolean(e->count != 0));
		break;
	case JR_COOL_STOP:
		ca_int(o, "run_s", e->value);
		break;
	case JR_SENSOR_FAULT:
		json_object_object_add(o, "sensor", json_object_new_string(
		    cooling_sensor_name((int)e->count)));
		break;
	case JR_PRICE:
		ca_int(o, "price", e->value);
		json_object_object_add(o, "default",
		    json_object_new_boolean(e->count == 0));
		break;
	case JR_COLLECT:
		ca_int(o, "amount", e->value);
		break;
	case JR_SERVICE:
		json_object_object_add(o, "on",
		    json_object_new_boolean(e->count != 0));
		json_object_object_add(o, "by", json_object_new_string(
		    e->vend_id == SERVICE_DOOR ? "door" : "command"));
		break;
	}
}

/*
 * One event of the stream: {"id", "time", "event", "product", ...}. A
 * vend's end is "sale" or "vend_failed" ("test_vend" in service mode,
 * with "dropped"); the rest keep the ledger's names.
 */
struct json_object *
control_event_json(const struct config *cf, const struct msg_event *e)
{
	struct json_object	*o = json_object_new_object();
	const char		*name = ledger_event_name(e->type);
	char			 id[VENDD_ID_MAX];

	(void)cf;
	if (e->count && (e->type == JR_COMMIT || e->type == JR_RESTORE ||
	    e->type == JR_BLOCKED || e->type == JR_SETTLE))
		name = "test_vend";
	ca_u64(o, "id", e->seq);
	json_object_object_add(o, "time", ca_time(e->time_ms));
	json_object_object_add(o, "event",
	    json_object_new_string(name ? name : "unknown"));
	memcpy(id, e->product_id, sizeof(id));
	id[sizeof(id) - 1] = '\0';
	if (id[0] != '\0')
		json_object_object_add(o, "product", json_object_new_string(id));
	ca_event_fields(o, e);
	return o;
}

/* The machine's counters DEX shows, for "since_init" and "since_reset". */
static struct json_object *
ca_machine(const struct ledger_counters *c, const struct ledger_counters *b)
{
	struct json_object	*o = json_object_new_object();

	ca_u64(o, "paid_vends", c->paid_vends - b->paid_vends);
	ca_int(o, "paid_value", c->paid_value - b->paid_value);
	ca_u64(o, "test_vends", c->test_vends - b->test_vends);
	ca_int(o, "cash_in", c->cash_in - b->cash_in);
	ca_u64(o, "failed_vends", c->failed_vends - b->failed_vends);
	ca_u64(o, "sold_out_selections", c->sold_out_selections -
	    b->sold_out_selections);
	ca_u64(o, "door_openings", c->door_openings - b->door_openings);
	ca_u64(o, "sensor_faults", c->sensor_faults - b->sensor_faults);
	ca_u64(o, "coin_faults", c->coin_faults - b->coin_faults);
	ca_u64(o, "unknown_coins", c->unknown_coins - b->unknown_coins);
	return o;
}

/* One column's counters, lifetime, with its since-reset ones inside. */
static struct json_object *
ca_product(const struct config *cf, int i, const struct msg_audit_product *p)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*r = json_object_new_object();

	json_object_object_add(o, "id",
	    json_object_new_string(cf->product[i].id));
	json_object_object_add(o, "code",
	    json_object_new_string(cf->product[i].code));
	ca_int(o, "price", p->price);
	json_object_object_add(o, "price_set",
	    json_object_new_boolean(p->has_price != 0));
	ca_u64(o, "paid_vends", p->paid_vends);
	ca_int(o, "paid_value", p->paid_value);
	ca_u64(o, "test_vends", p->test_vends);
	ca_u64(o, "failed_vends", p->failed_vends);
	ca_u64(o, "sold_out", p->sold_out);
	ca_u64(r, "paid_vends", p->paid_vends - p->reset.paid_vends);
	ca_int(r, "paid_value", p->paid_value - p->reset.paid_value);
	ca_u64(r, "test_vends", p->test_vends - p->reset.test_vends);
	ca_u64(r, "failed_vends", p->failed_vends - p->reset.failed_vends);
	ca_u64(r, "sold_out", p->sold_out - p->reset.sold_out);
	json_object_object_add(o, "since_reset", r);
	return o;
}

/* vendctl audit --json: every counter the DEX report is made from. */
struct json_object *
control_audit_json(const struct config *cf, const struct control_audit *v)
{
	const struct msg_audit	*a = &v->a;
	struct json_object	*o = json_object_new_object();
	struct json_object	*arr = json_object_new_array();
	struct ledger_counters	 zero;

	memset(&zero, 0, sizeof(zero));
	json_object_object_add(o, "serial", json_object_new_string(cf->serial));
	json_object_object_add(o, "model", json_object_new_string(cf->model));
	json_object_object_add(o, "currency",
	    json_object_new_string(cf->currency));
	ca_int(o, "decimals", cf->decimals);
	ca_u64(o, "token", a->token);
	ca_int(o, "credit", a->credit);
	ca_int(o, "cash_in_box", a->c.cash_in - a->mdb.to_tubes -
	    a->cash_in_collected);
	ca_u64(o, "collections", a->c.collections);
	ca_int(o, "collected_value", a->c.collected_value);
	ca_u64(o, "audit_resets", a->c.audit_resets);
	ca_u64(o, "price_changes", a->c.price_changes);
	if (cf->mdb.device[0] != '\0') {
		struct json_object *m = json_object_new_object();

		ca_int(m, "to_tubes", a->mdb.to_tubes);
		ca_int(m, "to_cash_box", a->mdb.to_box);
		ca_int(m, "change_paid", a->mdb.change_paid);
		ca_int(m, "change_owed", a->mdb.owed);
		ca_int(m, "overpaid", a->mdb.overpaid);
		ca_u64(m, "payouts", a->mdb.payouts);
		ca_u64(m, "short_payouts", a->mdb.short_payouts);
		ca_int(m, "notes_in", a->mdb.notes_in);
		ca_u64(m, "notes", a->mdb.notes);
		ca_u64(m, "notes_returned", a->mdb.notes_returned);
		ca_u64(m, "card_vends", a->mdb.card_vends);
		ca_int(m, "card_value", a->mdb.card_value);
		ca_u64(m, "card_failed", a->mdb.card_failed);
		ca_int(m, "card_refunded", a->mdb.card_refunded);
		ca_u64(m, "card_denied", a->mdb.card_denied);
		json_object_object_add(o, "mdb", m);
	}
	json_object_object_add(o, "since_init", ca_machine(&a->c, &zero));
	json_object_object_add(o, "since_reset", ca_machine(&a->c, &a->reset));
	for (uint32_t i = 0; i < a->nproducts && (int)i < cf->nproducts; i++)
		json_object_array_add(arr, ca_product(cf, (int)i, &v->p[i]));
	json_object_object_add(o, "products", arr);
	return o;
}

/* A count and a value, lifetime and since the reset. */
static void
ca_dex_counter(struct dex_counter *d, uint64_t n, int64_t v, uint64_t bn,
    int64_t bv)
{
	d->count = n;
	d->value = v;
	d->count_reset = n - bn;
	d->value_reset = v - bv;
}

/* An event's counts for EA2, and when it last happened for EA1. */
static void
ca_dex_event(struct dex_event_count *e, uint64_t n, uint64_t bn,
    int64_t last_ms)
{
	e->count = n;
	e->count_reset = n - bn;
	e->last = last_ms > 0 ? (time_t)(last_ms / 1000) : 0;
}

/* The DEX report's input from the audit's counters and the config. */
void
control_dex_fill(const struct config *cf, const struct control_audit *v,
    time_t now, struct dex_audit *d)
{
	const struct ledger_counters *c = &v->a.c, *b = &v->a.reset;

	memset(d, 0, sizeof(*d));
	snprintf(d->serial, sizeof(d->serial), "%s", cf->serial);
	snprintf(d->model, sizeof(d->model), "%s", cf->model);
	snprintf(d->currency, sizeof(d->currency), "%s", cf->currency);
	d->decimals = cf->decimals;
	d->now = now;
	ca_dex_counter(&d->paid, c->paid_vends, c->paid_value, b->paid_vends,
	    b->paid_value);
	ca_dex_counter(&d->test, c->test_vends, 0, b->test_vends, 0);
	ca_dex_counter(&d->card_sales, v->a.mdb.card_vends,
	    v->a.mdb.card_value, v->a.mdb.reset.card_vends,
	    v->a.mdb.reset.card_value);
	d->cashless = cf->mdb.device[0] != '\0' && cf->mdb.cashless;
	/* cash sales: the paid vends but a card's */
	ca_dex_counter(&d->cash_sales, c->paid_vends - v->a.mdb.card_vends,
	    c->paid_value - v->a.mdb.card_value, b->paid_vends -
	    v->a.mdb.reset.card_vends, b->paid_value -
	    v->a.mdb.reset.card_value);
	d->cash_in = c->cash_in;
	d->cash_in_reset = c->cash_in - b->cash_in;
	d->to_tubes = v->a.mdb.to_tubes;
	d->to_tubes_reset = v->a.mdb.to_tubes - v->a.mdb.reset.to_tubes;
	d->notes_in = v->a.mdb.notes_in;
	d->notes_in_reset = v->a.mdb.notes_in - v->a.mdb.reset.notes_in;
	for (int n = 1; n <= VENDD_MAX_PULSES && d->ncoins < VENDD_MAX_PULSES;
	    n++) {
		if (cf->coin.value[n] <= 0)
			continue;
		d->coin[d->ncoins].value = cf->coin.value[n];
		d->coin[d->ncoins].count = c->coins[n];
		d->coin[d->ncoins++].count_reset = c->coins[n] - b->coins[n];
	}
	ca_dex_event(&d->event[DEX_EV_DOOR], c->door_openings,
	    b->door_openings, v->a.last_ms[LAST_DOOR]);
	d->event[DEX_EV_DOOR].active = v->a.door_open != 0;
	ca_dex_event(&d->event[DEX_EV_FAILED_VEND], c->failed_vends,
	    b->failed_vends, v->a.last_ms[LAST_FAILED_VEND]);
	ca_dex_event(&d->event[DEX_EV_COOLING], c->sensor_faults,
	    b->sensor_faults, v->a.last_ms[LAST_SENSOR_FAULT]);
	ca_dex_event(&d->event[DEX_EV_COIN_FAULT], c->coin_faults,
	    b->coin_faults, v->a.last_ms[LAST_COIN_FAULT]);
	for (uint32_t i = 0; i < v->a.nproducts && (int)i < cf->nproducts;
	    i++) {
		const struct msg_audit_product *p = &v->p[i];
		struct dex_product *o = &d->product[d->nproducts++];

		snprintf(o->code, sizeof(o->code), "%s", cf->product[i].code);
		o->price = p->price;
		ca_dex_counter(&o->paid, p->paid_vends, p->paid_value,
		    p->reset.paid_vends, p->reset.paid_value);
		ca_dex_counter(&o->test, p->test_vends, 0, p->reset.test_vends,
		    0);
		o->failed = p->failed_vends;
		o->failed_reset = p->failed_vends - p->reset.failed_vends;
		o->sold_out = p->sold_out;
		o->sold_out_reset = p->sold_out - p->reset.sold_out;
	}
}
