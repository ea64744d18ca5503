/*
 * The fixture of the control tests (test_control*.c): a machine with three
 * columns, the replies its owners would send to a status request, and
 * lookups in a JSON reply by dotted path.
 */
#ifndef CONTROL_FIXTURE_H
#define CONTROL_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "config.h"
#include "control.h"
#include "cooling.h"
#include "msg.h"

/* A machine with three columns, as in etc/vendd.ini's example. */
static inline void
make_config(struct config *cf)
{
	static const struct {
		const char *id, *label;
		int64_t	price;
		int	capacity;
	} p[] = {
		{ "cola", "Cola", 150, 10 },
		{ "water", "Water 0.5l", 100, 8 },
		{ "chips", "Chips", 120, 12 },
	};

	memset(cf, 0, sizeof(*cf));
	snprintf(cf->currency, sizeof(cf->currency), "EUR");
	cf->decimals = 2;
	snprintf(cf->state_dir, sizeof(cf->state_dir), "/var/lib/vendd");
	snprintf(cf->arm.drop.name, sizeof(cf->arm.drop.name), "DROP");
	cf->nproducts = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(cf->product[i].id, sizeof(cf->product[i].id), "%s",
		    p[i].id);
		snprintf(cf->product[i].label, sizeof(cf->product[i].label),
		    "%s", p[i].label);
		cf->product[i].price = p[i].price;
		cf->product[i].capacity = p[i].capacity;
	}
}

/* More columns after the three, "p3", "p4", ..., up to n. */
static inline void
add_products(struct config *cf, int n)
{
	while (cf->nproducts < n) {
		struct product_conf *pc = &cf->product[cf->nproducts];

		memset(pc, 0, sizeof(*pc));
		snprintf(pc->id, sizeof(pc->id), "p%d", cf->nproducts);
		snprintf(pc->label, sizeof(pc->label), "P%d", cf->nproducts);
		pc->price = 100;
		pc->capacity = 1000;
		cf->nproducts++;
	}
}

struct status {
	struct config			cf;
	struct control_sales		sales;
	struct control_ledger		ledger;
	struct msg_status_cooling	cooling;
	struct msg_status_coin		coin;
	struct msg_status_arm		arm;
};

/* Replies as the owners would send them after a few sales. */
static inline void
make_status(struct status *s)
{
	memset(s, 0, sizeof(*s));
	make_config(&s->cf);
	s->sales.credit = 150;
	s->sales.selection = 0;
	s->sales.nproducts = 3;
	s->sales.product[0].stock = 9;
	s->sales.product[1].stock = 0;
	s->sales.product[2].stock = 4;
	s->sales.product[2].state = PRODUCT_OUT_OF_ORDER;
	for (int i = 0; i < 3; i++)	/* no operator's price: the INI's */
		s->sales.product[i].price = s->cf.product[i].price;

	s->ledger.seq = 42;
	s->ledger.credit = 150;
	s->ledger.c.cash_in = 450;
	s->ledger.c.coins[1] = 1;	/* 1 pulse: 0.50 */
	s->ledger.c.coins[2] = 4;	/* 2 pulses: 1.00 */
	s->ledger.c.paid_vends = 2;
	s->ledger.c.paid_value = 250;
	s->ledger.c.failed_vends = 1;
	s->ledger.c.sold_out_selections = 3;
	s->ledger.c.unknown_coins = 1;
	s->ledger.c.noise_pulses = 7;
	s->ledger.c.coin_faults = 0;
	s->ledger.c.compressor_starts = 5;
	s->ledger.c.compressor_run_s = 1800;
	s->ledger.c.sensor_faults = 1;
	s->ledger.c.startups = 2;
	s->ledger.c.unresolved_settled = 1;
	s->ledger.nproducts = 3;
	s->ledger.product[0].paid_vends = 1;
	s->ledger.product[0].paid_value = 150;
	s->ledger.product[1].paid_vends = 1;
	s->ledger.product[1].paid_value = 100;
	s->ledger.product[1].sold_out = 3;
	s->ledger.product[2].failed_vends = 1;

	s->cooling.temperature_mc = 4000;
	s->cooling.sensor = COOL_SENSOR_OK;
	s->cooling.compressor = 1;
	s->coin.inhibit = 0;
	s->coin.line_faults = 0;
	s->arm.busy = 0;
	s->arm.product = -1;
}

/*
 * A machine of VENDD_MAX_PRODUCTS columns: the three of make_status, then
 * columns whose stock and counters follow their index.
 */
static inline void
make_status_full(struct status *s)
{
	make_status(s);
	add_products(&s->cf, VENDD_MAX_PRODUCTS);
	s->sales.nproducts = s->ledger.nproducts = VENDD_MAX_PRODUCTS;
	for (int i = 3; i < VENDD_MAX_PRODUCTS; i++) {
		s->sales.product[i].stock = i;
		s->ledger.product[i].paid_vends = (uint64_t)i;
		s->ledger.product[i].paid_value = 100 * i;
		s->ledger.product[i].failed_vends = (uint64_t)i + 1000;
		s->ledger.product[i].sold_out = (uint64_t)i + 2000;
	}
}

/* The products of chunk k of nproducts: where it starts and how many. */
static inline void
chunk_range(uint32_t n, uint32_t k, uint32_t *first, uint32_t *count)
{
	*first = k * MSG_STATUS_CHUNK;
	*count = n > *first ? n - *first : 0;
	if (*count > MSG_STATUS_CHUNK)
		*count = MSG_STATUS_CHUNK;
}

/* Chunk k of sales' status, as sales would send it. */
static inline void
sales_chunk(const struct control_sales *v, uint32_t k,
    struct msg_status_sales *m)
{
	memset(m, 0, sizeof(*m));
	m->credit = v->credit;
	m->selection = v->selection;
	m->vend_pending = v->vend_pending;
	m->nproducts = v->nproducts;
	m->ledger_fault = v->ledger_fault;
	m->arm_blocked = v->arm_blocked;
	chunk_range(v->nproducts, k, &m->first, &m->count);
	memcpy(m->product, &v->product[m->first],
	    m->count * sizeof(m->product[0]));
}

/* Chunk k of the ledger's status, as the ledger would send it. */
static inline void
ledger_chunk(const struct control_ledger *v, uint32_t k,
    struct msg_status_ledger *m)
{
	memset(m, 0, sizeof(*m));
	m->seq = v->seq;
	m->credit = v->credit;
	m->c = v->c;
	m->nproducts = v->nproducts;
	m->fault = v->fault;
	chunk_range(v->nproducts, k, &m->first, &m->count);
	memcpy(m->product, &v->product[m->first],
	    m->count * sizeof(m->product[0]));
}

/* The member at a dotted path ("cooling.sensor"); fails if missing. */
static inline struct json_object *
get(struct json_object *o, const char *path)
{
	char	buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok;
	    tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			fail_msg("no key %s (in %s)", tok, path);
	return o;
}

static inline int64_t
get_int(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	if (!json_object_is_type(v, json_type_int))
		fail_msg("%s is not an integer", path);
	return json_object_get_int64(v);
}

static inline const char *
get_str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	if (!json_object_is_type(v, json_type_string))
		fail_msg("%s is not a string", path);
	return json_object_get_string(v);
}

static inline int
get_bool(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	if (!json_object_is_type(v, json_type_boolean))
		fail_msg("%s is not a boolean", path);
	return json_object_get_boolean(v);
}

#endif
