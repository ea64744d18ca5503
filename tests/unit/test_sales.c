/* sales core: selection, vend checks in order, reservation, refund, inhibit. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "msg.h"
#include "sales.h"
#include "testutil.h"

enum { COLA, WATER, CHIPS };

static struct config		cf;
static struct ledger_state	ls;
static struct sales_core	s;
static struct outbox		ob;

/* Three columns, prices in cents, 10.00 max credit. */
static void
make_config(void)
{
	static const struct { const char *id; int64_t price; } p[] = {
		{ "cola", 150 }, { "water", 100 }, { "chips", 80 },
	};

	memset(&cf, 0, sizeof(cf));
	strcpy(cf.currency, "EUR");
	cf.decimals = 2;
	cf.coin.max_credit = 1000;
	cf.nproducts = 3;
	for (int i = 0; i < 3; i++) {
		strcpy(cf.product[i].id, p[i].id);
		cf.product[i].price = p[i].price;
		cf.product[i].capacity = 8;
	}
	memset(&ls, 0, sizeof(ls));
	ls.nproducts = 3;
	for (int i = 0; i < 3; i++) {
		strcpy(ls.product[i].id, p[i].id);
		ls.product[i].stock = 5;
	}
}

/* A fresh core from the ledger state; the outbox holds what init sent. */
static void
start(void)
{
	outbox_init(&ob);
	sales_core_init(&s, &cf, &ls, 0, &ob);
}

static int
setup(void **state)
{
	(void)state;
	make_config();
	start();
	return 0;
}

/* The inhibit value in the outbox: -1 when none was sent. */
static int
inhibit_in(const struct outbox *o)
{
	int	i = outbox_find(o, MSG_COIN_INHIBIT);

	if (i < 0)
		return -1;
	assert_int_equal(o->dst[i], PROC_COIN);
	assert_int_equal(outbox_count(o, MSG_COIN_INHIBIT), 1);
	return (int)o->m[i].u.flag.on;
}

static void
coin(int64_t v)
{
	outbox_init(&ob);
	sales_core_credit(&s, v, &ob);
}

static void
sel(int p)
{
	outbox_init(&ob);
	sales_core_select(&s, p, &ob);
}

static enum sales_reject
vend(void)
{
	outbox_init(&ob);
	return sales_core_vend(&s, &ob);
}

/* Answer the pending vend as arm would, through the ledger, and why not. */
static void
result_why(int ok, uint32_t why)
{
	struct msg_vend	v;

	memset(&v, 0, sizeof(v));
	v.vend_id = s.pending_id;
	v.product = s.pending_product;
	v.price = cf.product[s.pending_product].price;
	v.ok = ok;
	v.why = why;
	outbox_init(&ob);
	sales_core_vend_result(&s, &v, &ob);
}

/* Answer the pending vend: sold, or no drop (the column's fault). */
static void
result(int ok)
{
	result_why(ok, VEND_WHY_NO_DROP);
}

static void
restock(int p, int32_t stock, int clear)
{
	struct msg_restock	r;

	memset(&r, 0, sizeof(r));
	r.product = p;
	r.stock = stock;
	r.clear_fault = clear;
	outbox_init(&ob);
	sales_core_restocked(&s, &r, &ob);
}

/* The reservation in the outbox, checked against what was selected. */
static void
assert_reserved(int p)
{
	int	i = outbox_find(&ob, MSG_VEND_RESERVE);

	assert_true(i >= 0);
	assert_int_equal(outbox_count(&ob, MSG_VEND_RESERVE), 1);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(ob.m[i].u.vend.product, p);
	assert_int_equal(ob.m[i].u.vend.price, cf.product[p].price);
	assert_int_equal(ob.m[i].u.vend.vend_id, s.pending_id);
}

static void
test_init_restores(void **state)
{
	(void)state;
	make_config();
	ls.credit = 230;
	ls.product[WATER].stock = 0;
	ls.product[CHIPS].state = PRODUCT_OUT_OF_ORDER;
	start();
	assert_int_equal(s.credit, 230);
	assert_int_equal(s.selection, -1);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.stock[COLA], 5);
	assert_int_equal(s.stock[WATER], 0);
	assert_int_equal(s.state[CHIPS], PRODUCT_OUT_OF_ORDER);
	assert_int_equal(ob.n, 1);
	assert_int_equal(inhibit_in(&ob), 0);
}

static void
test_init_out_of_service(void **state)
{
	(void)state;
	make_config();
	ls.product[COLA].stock = 0;
	ls.product[WATER].state = PRODUCT_OUT_OF_ORDER;
	ls.product[CHIPS].stock = 0;
	start();
	assert_int_equal(inhibit_in(&ob), 1);

	make_config();
	ls.credit = 1000;		/* at max_credit */
	start();
	assert_int_equal(inhibit_in(&ob), 1);
}

/* Each check in turn, the earlier one winning while it still applies. */
static void
test_reject_order(void **state)
{
	(void)state;
	s.stock[WATER] = 0;
	s.state[WATER] = PRODUCT_OUT_OF_ORDER;	/* both: out of order wins */
	s.stock[CHIPS] = 0;

	assert_int_equal(vend(), SALES_NO_SELECTION);
	assert_int_equal(ob.n, 0);
	coin(200);
	assert_int_equal(vend(), SALES_NO_SELECTION);

	sel(WATER);
	assert_int_equal(vend(), SALES_OUT_OF_ORDER);
	assert_int_equal(ob.n, 0);

	sel(CHIPS);
	assert_int_equal(vend(), SALES_SOLD_OUT);
	assert_int_equal(outbox_count(&ob, MSG_VEND_SOLD_OUT), 1);

	s.credit = 100;
	sel(COLA);
	assert_int_equal(vend(), SALES_LOW_CREDIT);
	assert_int_equal(ob.n, 0);
	assert_int_equal(s.credit, 100);

	coin(50);
	assert_int_equal(vend(), SALES_OK);
	assert_int_equal(s.credit, 0);

	/* Busy comes first: even an empty column is not reported. */
	sel(CHIPS);
	assert_int_equal(s.selection, COLA);	/* ignored while pending */
	assert_int_equal(vend(), SALES_BUSY);
	assert_int_equal(ob.n, 0);
	assert_int_equal(s.credit, 0);
}

static void
test_select_then_vend(void **state)
{
	(void)state;
	coin(100);
	coin(100);
	sel(COLA);
	assert_int_equal(s.selection, COLA);
	assert_int_equal(ob.n, 0);
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(COLA);
	assert_int_equal(s.credit, 50);
	assert_int_equal(s.pending, 1);
	assert_int_equal(inhibit_in(&ob), -1);	/* arm busy: the arm says so */
	result(1);
	assert_int_equal(s.stock[COLA], 4);
	assert_int_equal(s.selection, -1);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.credit, 50);		/* kept: no change given */
	assert_int_equal(inhibit_in(&ob), -1);
	assert_int_equal(ob.n, 0);
}

static void
test_selection_changed(void **state)
{
	(void)state;
	coin(200);
	sel(COLA);
	sel(CHIPS);
	sel(WATER);
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(WATER);
	assert_int_equal(s.credit, 100);
	result(1);
	assert_int_equal(s.stock[WATER], 4);
	assert_int_equal(s.stock[COLA], 5);
	assert_int_equal(s.stock[CHIPS], 5);
}

static void
test_top_up_then_vend(void **state)
{
	(void)state;
	coin(100);
	sel(COLA);
	assert_int_equal(vend(), SALES_LOW_CREDIT);
	coin(20);
	assert_int_equal(vend(), SALES_LOW_CREDIT);
	coin(50);
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(COLA);
	assert_int_equal(s.credit, 20);
}

/* However the vend button is hammered, one paid vend makes one reservation. */
static void
test_hammered_vend(void **state)
{
	int	reserves = 0, busy = 0;

	(void)state;
	coin(200);
	sel(CHIPS);
	for (int i = 0; i < 20; i++) {
		enum sales_reject r = vend();

		reserves += outbox_count(&ob, MSG_VEND_RESERVE);
		busy += r == SALES_BUSY;
	}
	assert_int_equal(reserves, 1);
	assert_int_equal(busy, 19);
	assert_int_equal(s.credit, 120);
	result(1);
	/* After the sale, presses without a new selection do nothing. */
	for (int i = 0; i < 20; i++) {
		assert_int_equal(vend(), SALES_NO_SELECTION);
		assert_int_equal(ob.n, 0);
	}
	assert_int_equal(s.credit, 120);
	assert_int_equal(s.stock[CHIPS], 4);
}

static void
test_failed_vend(void **state)
{
	uint32_t	first;

	(void)state;
	coin(200);
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);
	first = s.pending_id;
	assert_int_equal(s.credit, 50);
	result(0);
	assert_int_equal(s.credit, 200);	/* restored in full */
	assert_int_equal(s.state[COLA], PRODUCT_OUT_OF_ORDER);
	assert_int_equal(s.stock[COLA], 5);
	assert_int_equal(s.selection, -1);
	assert_int_equal(s.pending, 0);
	assert_int_equal(inhibit_in(&ob), -1);	/* arm busy was the arm's */

	sel(COLA);
	assert_int_equal(vend(), SALES_OUT_OF_ORDER);
	sel(WATER);
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(WATER);
	assert_int_not_equal(s.pending_id, first);
	result(1);
	assert_int_equal(s.credit, 100);
	assert_int_equal(s.stock[WATER], 4);

	/* The technician puts the column back. */
	restock(COLA, 8, 1);
	assert_int_equal(s.state[COLA], PRODUCT_OK);
	assert_int_equal(s.stock[COLA], 8);
}

/* One sold-out message per refused press, each naming the column. */
static void
test_sold_out_counting(void **state)
{
	(void)state;
	s.stock[WATER] = 0;
	coin(100);
	sel(WATER);			/* allowed, only logged */
	assert_int_equal(s.selection, WATER);
	assert_int_equal(ob.n, 0);
	for (int i = 0; i < 3; i++) {
		int	j;

		assert_int_equal(vend(), SALES_SOLD_OUT);
		assert_int_equal(ob.n, 1);
		j = outbox_find(&ob, MSG_VEND_SOLD_OUT);
		assert_int_equal(j, 0);
		assert_int_equal(ob.dst[j], PROC_LEDGER);
		assert_int_equal(ob.m[j].u.select.product, WATER);
	}
	assert_int_equal(s.credit, 100);
	/* A restock makes it sellable again. */
	restock(WATER, -1, 0);
	assert_int_equal(s.stock[WATER], 8);	/* -1: to capacity */
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(WATER);
}

/* The last item of a column sells; the next press on it is sold out. */
static void
test_last_item(void **state)
{
	(void)state;
	s.stock[CHIPS] = 1;
	coin(200);
	sel(CHIPS);
	assert_int_equal(vend(), SALES_OK);
	result(1);
	assert_int_equal(s.stock[CHIPS], 0);
	sel(CHIPS);
	assert_int_equal(vend(), SALES_SOLD_OUT);
	assert_int_equal(s.credit, 120);
}

/* Inhibit follows busy, max credit and service, sent only on change. */
static void
test_inhibit_transitions(void **state)
{
	(void)state;
	assert_int_equal(inhibit_in(&ob), 0);
	coin(500);
	assert_int_equal(inhibit_in(&ob), -1);
	coin(400);
	assert_int_equal(inhibit_in(&ob), -1);
	coin(100);			/* 10.00 = max_credit */
	assert_int_equal(inhibit_in(&ob), 1);
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);	/* 8.50: below max again */
	assert_int_equal(inhibit_in(&ob), 0);	/* arm busy is the arm's */
	result(1);
	assert_int_equal(inhibit_in(&ob), -1);
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);
	assert_int_equal(inhibit_in(&ob), -1);
	result(0);			/* refund back to 8.50 */
	assert_int_equal(inhibit_in(&ob), -1);

	/* Every column out of order or empty: nothing to sell. */
	s.stock[WATER] = 0;
	sel(CHIPS);
	assert_int_equal(vend(), SALES_OK);
	assert_int_equal(inhibit_in(&ob), -1);
	result(0);
	assert_int_equal(inhibit_in(&ob), 1);	/* out of service */
	assert_int_equal(s.inhibit_sent, 1);
	assert_int_equal(s.credit, 850);
	restock(WATER, 3, 0);
	assert_int_equal(inhibit_in(&ob), 0);
	restock(COLA, 3, 1);
	assert_int_equal(inhibit_in(&ob), -1);
}

static void
test_remaining_credit(void **state)
{
	(void)state;
	coin(100);
	coin(100);
	coin(100);
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);
	result(1);
	assert_int_equal(s.credit, 150);
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);
	result(1);
	assert_int_equal(s.credit, 0);
	sel(CHIPS);
	assert_int_equal(vend(), SALES_LOW_CREDIT);
}

static void
test_status_and_names(void **state)
{
	struct msg_status_sales	st;

	(void)state;
	coin(200);
	sel(WATER);
	assert_int_equal(vend(), SALES_OK);
	sales_core_status(&s, 0, &st);
	assert_int_equal(st.credit, 100);
	assert_int_equal(st.selection, WATER);
	assert_int_equal(st.vend_pending, 1);
	assert_int_equal(st.nproducts, 3);
	assert_int_equal(st.first, 0);
	assert_int_equal(st.count, 3);
	assert_int_equal(st.product[COLA].stock, 5);
	assert_int_equal(st.product[CHIPS].state, PRODUCT_OK);
	assert_int_equal(st.product[3].stock, 0);
	assert_string_equal(sales_reject_name(SALES_LOW_CREDIT), "low credit");
	assert_string_equal(sales_reject_name(SALES_SOLD_OUT), "sold out");
	assert_string_equal(sales_reject_name(SALES_BUSY), "busy");
	assert_string_equal(sales_reject_name(SALES_OK), "ok");
}

/*
 * 99 columns: the status comes in chunks of MSG_STATUS_CHUNK from first on,
 * each with the machine-wide fields, the last one short.
 */
static void
test_status_chunks(void **state)
{
	struct msg_status_sales	st;

	(void)state;
	cf.nproducts = ls.nproducts = VENDD_MAX_PRODUCTS;
	for (int i = 0; i < VENDD_MAX_PRODUCTS; i++) {
		snprintf(cf.product[i].id, sizeof(cf.product[i].id), "p%d", i);
		cf.product[i].price = 100;
		cf.product[i].capacity = 1000;
		ls.product[i].stock = 100 + i;
	}
	ls.product[VENDD_MAX_PRODUCTS - 1].state = PRODUCT_OUT_OF_ORDER;
	start();
	coin(50);
	assert_int_equal(msg_status_chunks(VENDD_MAX_PRODUCTS), 7);
	sales_core_status(&s, 16, &st);
	assert_int_equal(st.first, 16);
	assert_int_equal(st.count, MSG_STATUS_CHUNK);
	assert_int_equal(st.nproducts, VENDD_MAX_PRODUCTS);
	assert_int_equal(st.credit, 50);
	assert_int_equal(st.product[0].stock, 116);
	assert_int_equal(st.product[15].stock, 131);
	sales_core_status(&s, 96, &st);
	assert_int_equal(st.first, 96);
	assert_int_equal(st.count, 3);
	assert_int_equal(st.credit, 50);
	assert_int_equal(st.product[2].stock, 198);
	assert_int_equal(st.product[2].state, PRODUCT_OUT_OF_ORDER);
	assert_int_equal(st.product[3].stock, 0);
	/* no column: one message all the same, with nothing in it */
	cf.nproducts = ls.nproducts = 0;
	start();
	assert_int_equal(msg_status_chunks(0), 1);
	sales_core_status(&s, 0, &st);
	assert_int_equal(st.count, 0);
	assert_int_equal(st.nproducts, 0);
}

/* A tiny fixed-seed generator: the same sequence on every run. */
static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * 100k random events (coins while the acceptor is free, selections, vend
 * presses, arm answers, restocks) with the ledger and arm simulated: money is
 * never created or lost, and each reservation is answered exactly once.
 */
static void
test_money_invariant(void **state)
{
	static const int64_t	coins[] = { 5, 10, 20, 50, 100, 200 };
	uint64_t	x = 0x9e3779b97f4a7c15ULL;
	int64_t		coins_in = 0, committed = 0;
	int		inhibit, in_flight = 0, sold[3] = { 0 }, filled[3];
	int		devnull, saved;
	struct msg_vend	 fly;

	(void)state;
	inhibit = inhibit_in(&ob);
	for (int i = 0; i < 3; i++)
		filled[i] = s.stock[i];
	/* 100k events log a lot: keep the test output readable. */
	saved = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, STDERR_FILENO);

	for (int n = 0; n < 100000; n++) {
		int	r = rnd(&x) % 100, j;

		outbox_init(&ob);
		if (r < 30) {
			if (inhibit)
				continue;
			int64_t	v = coins[rnd(&x) % 6];

			coins_in += v;
			sales_core_credit(&s, v, &ob);
		} else if (r < 50) {
			sales_core_select(&s, rnd(&x) % 3, &ob);
		} else if (r < 80) {
			sales_core_vend(&s, &ob);
		} else if (r < 95) {
			if (!in_flight)
				continue;
			fly.ok = rnd(&x) % 10 != 0;
			if (fly.ok) {
				committed += fly.price;
				sold[fly.product]++;
			}
			in_flight = 0;
			sales_core_vend_result(&s, &fly, &ob);
		} else {
			struct msg_restock	rs;

			memset(&rs, 0, sizeof(rs));
			rs.product = rnd(&x) % 3;
			rs.stock = rnd(&x) % 4;
			rs.clear_fault = rnd(&x) % 2;
			if (in_flight && rs.product == fly.product)
				continue;	/* not during its vend */
			filled[rs.product] += rs.stock - s.stock[rs.product];
			sales_core_restocked(&s, &rs, &ob);
		}
		if ((j = outbox_find(&ob, MSG_VEND_RESERVE)) >= 0) {
			assert_int_equal(in_flight, 0);
			fly = ob.m[j].u.vend;
			in_flight = 1;
		}
		if ((j = inhibit_in(&ob)) >= 0) {
			assert_int_not_equal(j, inhibit);
			inhibit = j;
		}
		assert_int_equal(in_flight, s.pending);
		assert_true(s.credit >= 0);
		assert_true(s.credit + committed +
		    (in_flight ? fly.price : 0) == coins_in);
		for (int i = 0; i < 3; i++) {
			assert_true(s.stock[i] >= 0);
			assert_int_equal(filled[i] - sold[i], s.stock[i]);
		}
	}
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(devnull);
	assert_true(committed > 0);
	assert_true(sold[0] + sold[1] + sold[2] > 1000);
}

/*
 * A vend that failed for a reason not the column's (the beam blocked, vendd
 * stopping, the ledger refusing) restores the credit and leaves the column
 * in order.
 */
static void
test_refund_keeps_column(void **state)
{
	static const uint32_t whys[] = { VEND_WHY_BEAM_BLOCKED,
	    VEND_WHY_STOPPED, VEND_WHY_REFUSED };

	(void)state;
	coin(200);
	for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++) {
		sel(COLA);
		assert_int_equal(vend(), SALES_OK);
		assert_int_equal(s.credit, 50);
		result_why(0, whys[i]);
		assert_int_equal(s.credit, 200);
		assert_int_equal(s.state[COLA], PRODUCT_OK);
		assert_int_equal(s.stock[COLA], 5);
	}
	sel(COLA);
	assert_int_equal(vend(), SALES_OK);
	result(0);			/* no drop: the column's fault */
	assert_int_equal(s.state[COLA], PRODUCT_OUT_OF_ORDER);
}

/*
 * The ledger cannot record (a full disk): no sale, acceptor blocked, credit
 * kept and shown; back to selling when it can.
 */
static void
test_ledger_fault(void **state)
{
	struct msg_ledger_fault	f = { .on = 1, .op = LEDGER_OP_COMPACT,
				    .err = 28 };
	struct msg_status_sales	st;

	(void)state;
	coin(200);
	assert_int_equal(inhibit_in(&ob), -1);
	outbox_init(&ob);
	sales_core_ledger_fault(&s, &f, &ob);
	assert_int_equal(inhibit_in(&ob), 1);
	sel(COLA);
	assert_int_equal(vend(), SALES_LEDGER_FAULT);
	assert_int_equal(outbox_count(&ob, MSG_VEND_RESERVE), 0);
	sales_core_status(&s, 0, &st);
	assert_int_equal(st.ledger_fault, 1);
	assert_int_equal(st.credit, 200);
	outbox_init(&ob);
	sales_core_ledger_fault(&s, &f, &ob);	/* again: nothing new */
	assert_int_equal(ob.n, 0);
	f.on = 0;
	outbox_init(&ob);
	sales_core_ledger_fault(&s, &f, &ob);
	assert_int_equal(inhibit_in(&ob), 0);
	assert_int_equal(vend(), SALES_OK);
}

/* A ledger opened on a full disk: the acceptor is blocked from the start. */
static void
test_start_in_ledger_fault(void **state)
{
	struct msg_ledger_fault	f = { .on = 0 };

	(void)state;
	outbox_init(&ob);
	sales_core_init(&s, &cf, &ls, 1, &ob);
	assert_int_equal(inhibit_in(&ob), 1);
	sel(COLA);
	assert_int_equal(vend(), SALES_LEDGER_FAULT);
	outbox_init(&ob);
	sales_core_ledger_fault(&s, &f, &ob);
	assert_int_equal(inhibit_in(&ob), 0);
}

/* The drop beam blocks dispensing: the same, until it clears. */
static void
test_arm_blocked(void **state)
{
	struct msg_status_sales	st;

	(void)state;
	coin(200);
	outbox_init(&ob);
	sales_core_arm_blocked(&s, 1, &ob);
	assert_int_equal(inhibit_in(&ob), 1);
	sel(WATER);
	assert_int_equal(vend(), SALES_DISPENSING_BLOCKED);
	sales_core_status(&s, 0, &st);
	assert_int_equal(st.arm_blocked, 1);
	outbox_init(&ob);
	sales_core_arm_blocked(&s, 0, &ob);
	assert_int_equal(inhibit_in(&ob), 0);
	assert_int_equal(vend(), SALES_OK);
	assert_reserved(WATER);
}

/* The show event sales sent to the display, checked to be the only one. */
static const struct msg_show *
shown(uint32_t event)
{
	int	i = outbox_find(&ob, MSG_SHOW);

	assert_true(i >= 0);
	assert_int_equal(outbox_count(&ob, MSG_SHOW), 1);
	assert_int_equal(ob.dst[i], PROC_DISPLAY);
	assert_int_equal(ob.m[i].u.show.event, event);
	assert_int_equal(ob.m[i].u.show.credit, s.credit);
	return &ob.m[i].u.show;
}

/*
 * With a display, each step of a sale tells it what the customer should
 * read: the credit, the product and what is missing, vending, take, refund,
 * a cancel from the keypad, a machine that cannot sell. Without one (every
 * other test), sales sends it nothing.
 */
static void
test_display_told(void **state)
{
	(void)state;
	cf.display.type = DISPLAY_CHARLCD;
	start();
	assert_int_equal(outbox_find(&ob, MSG_SHOW), -1);	/* credit 0 */
	coin(100);
	assert_int_equal(shown(SHOW_CREDIT)->credit, 100);
	sel(COLA);
	assert_int_equal(shown(SHOW_SELECTED)->amount, 150);
	assert_int_equal(shown(SHOW_SELECTED)->product, COLA);
	assert_int_equal(vend(), SALES_LOW_CREDIT);
	assert_int_equal(shown(SHOW_MORE)->amount, 50);
	coin(50);
	shown(SHOW_CREDIT);
	assert_int_equal(vend(), SALES_OK);
	assert_int_equal(shown(SHOW_VENDING)->product, COLA);
	result(1);
	assert_int_equal(shown(SHOW_TAKE)->credit, 0);
	coin(200);
	sel(WATER);
	outbox_init(&ob);
	sales_core_cancel(&s, COLA, &ob);	/* not what is chosen: kept */
	assert_int_equal(outbox_find(&ob, MSG_SHOW), -1);
	assert_int_equal(s.selection, WATER);
	sales_core_cancel(&s, WATER, &ob);
	shown(SHOW_CANCELLED);
	assert_int_equal(s.selection, -1);
	assert_int_equal(vend(), SALES_NO_SELECTION);
	shown(SHOW_CHOOSE);
	sel(WATER);
	vend();
	result(0);
	assert_int_equal(shown(SHOW_REFUND)->credit, 200);
	sel(WATER);
	assert_int_equal(shown(SHOW_OUT_OF_ORDER)->product, WATER);
	outbox_init(&ob);
	sales_core_arm_blocked(&s, 1, &ob);
	assert_int_equal(shown(SHOW_SELLING)->on, 0);
	outbox_init(&ob);
	sales_core_arm_blocked(&s, 0, &ob);
	assert_int_equal(shown(SHOW_SELLING)->on, 1);
	/* restored credit is shown from the start */
	ls.credit = 70;
	start();
	assert_int_equal(shown(SHOW_CREDIT)->credit, 70);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_refund_keeps_column, setup),
		cmocka_unit_test_setup(test_ledger_fault, setup),
		cmocka_unit_test_setup(test_start_in_ledger_fault, setup),
		cmocka_unit_test_setup(test_arm_blocked, setup),
		cmocka_unit_test(test_init_restores),
		cmocka_unit_test(test_init_out_of_service),
		cmocka_unit_test_setup(test_reject_order, setup),
		cmocka_unit_test_setup(test_select_then_vend, setup),
		cmocka_unit_test_setup(test_selection_changed, setup),
		cmocka_unit_test_setup(test_top_up_then_vend, setup),
		cmocka_unit_test_setup(test_hammered_vend, setup),
		cmocka_unit_test_setup(test_failed_vend, setup),
		cmocka_unit_test_setup(test_sold_out_counting, setup),
		cmocka_unit_test_setup(test_last_item, setup),
		cmocka_unit_test_setup(test_inhibit_transitions, setup),
		cmocka_unit_test_setup(test_remaining_credit, setup),
		cmocka_unit_test_setup(test_status_and_names, setup),
		cmocka_unit_test_setup(test_status_chunks, setup),
		cmocka_unit_test_setup(test_money_invariant, setup),
		cmocka_unit_test_setup(test_display_told, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
