/*
 * sales core in service mode (the door, or vendctl service), its test
 * vends, and prices the ledger made durable: what it tells coin, the
 * ledger, control and the display, with no threads and no clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* Three columns, a display (so the screens are told), 10.00 max credit. */
static int
setup(void **state)
{
	static const struct { const char *id; int64_t price; } p[] = {
		{ "cola", 150 }, { "water", 100 }, { "chips", 80 },
	};

	(void)state;
	memset(&cf, 0, sizeof(cf));
	strcpy(cf.currency, "EUR");
	cf.decimals = 2;
	cf.coin.max_credit = 1000;
	cf.display.type = DISPLAY_CHARLCD;
	cf.nproducts = 3;
	memset(&ls, 0, sizeof(ls));
	ls.nproducts = 3;
	for (int i = 0; i < 3; i++) {
		strcpy(cf.product[i].id, p[i].id);
		cf.product[i].price = p[i].price;
		cf.product[i].capacity = 8;
		strcpy(ls.product[i].id, p[i].id);
		ls.product[i].stock = 5;
	}
	outbox_init(&ob);
	sales_core_init(&s, &cf, &ls, 0, &ob);
	return 0;
}

/* One message into the core, as the shell feeds it. */
static void
feed(uint16_t type, int src, uint32_t id, const void *pl, size_t len)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.src = (uint16_t)src;
	m.hdr.id = id;
	m.hdr.len = (uint16_t)len;
	if (len)
		memcpy(&m.u, pl, len);
	outbox_init(&ob);
	assert_int_equal(sales_core_handle(&s, &m, &ob), 0);
}

/* The door opens (1) or closes (0). */
static void
door(int open)
{
	struct msg_flag	f = { (uint32_t)open };

	feed(MSG_DOOR, PROC_PANEL, 0, &f, sizeof(f));
}

/* The inhibit wish in the outbox, or -1 when none was sent. */
static int
inhibit_in(void)
{
	int	i = outbox_find(&ob, MSG_COIN_INHIBIT);

	return i < 0 ? -1 : (int)ob.m[i].u.flag.on;
}

/* The display event of this kind in the outbox, or NULL. */
static const struct msg_show *
show_in(uint32_t event)
{
	for (int i = 0; i < ob.n; i++)
		if (ob.m[i].hdr.type == MSG_SHOW &&
		    ob.m[i].u.show.event == event)
			return &ob.m[i].u.show;
	return NULL;
}

/* Arm's answer to the pending vend, through the ledger. */
static void
result(int ok)
{
	struct msg_vend	v;

	memset(&v, 0, sizeof(v));
	v.vend_id = s.pending_id;
	v.product = (uint32_t)s.pending_product;
	v.price = s.pending_test ? 0 : s.sel_price;
	v.ok = (uint32_t)ok;
	v.why = ok ? 0 : VEND_WHY_NO_DROP;
	v.test = (uint32_t)s.pending_test;
	feed(MSG_VEND_RESULT, PROC_LEDGER, 0, &v, sizeof(v));
}

/* The door: service mode, the acceptor blocked, the credit kept and
 * shown again when it closes; the change journalled each way. */
static void
test_door(void **state)
{
	const struct msg_show *sh;
	int	i;

	(void)state;
	outbox_init(&ob);
	sales_core_credit(&s, 100, &ob);
	door(1);
	assert_true(sales_core_in_service(&s));
	assert_int_equal(inhibit_in(), 1);
	i = outbox_find(&ob, MSG_SERVICE_REC);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(ob.m[i].u.service.on, 1);
	assert_int_equal(ob.m[i].u.service.why, SERVICE_DOOR);
	assert_non_null(sh = show_in(SHOW_SERVICE));
	assert_int_equal(sh->on, 1);
	assert_int_equal(s.credit, 100);

	/* a vend press sells nothing: it test-vends the selection */
	outbox_init(&ob);
	sales_core_select(&s, WATER, &ob);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);
	i = outbox_find(&ob, MSG_VEND_RESERVE);
	assert_true(ob.m[i].u.vend.test);
	assert_int_equal(ob.m[i].u.vend.price, 0);
	assert_int_equal(s.credit, 100);
	result(1);
	assert_int_equal(s.stock[WATER], 4);
	assert_int_equal(s.credit, 100);
	assert_non_null(sh = show_in(SHOW_TEST));
	assert_int_equal(sh->on, 1);
	assert_int_equal(outbox_find(&ob, MSG_TEST_VEND_DONE), -1);

	door(0);
	assert_false(sales_core_in_service(&s));
	assert_int_equal(inhibit_in(), 0);
	assert_non_null(sh = show_in(SHOW_CREDIT));
	assert_int_equal(sh->credit, 100);
	i = outbox_find(&ob, MSG_SERVICE_REC);
	assert_int_equal(ob.m[i].u.service.on, 0);
	door(0);			/* no change: nothing said */
	assert_int_equal(ob.n, 0);
}

/* A vend in progress when the door opens finishes as a sale. */
static void
test_door_mid_vend(void **state)
{
	(void)state;
	outbox_init(&ob);
	sales_core_credit(&s, 200, &ob);
	outbox_init(&ob);
	sales_core_select(&s, COLA, &ob);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);
	door(1);
	assert_true(s.pending);
	result(1);
	assert_int_equal(s.credit, 50);
	assert_int_equal(s.stock[COLA], 4);
	assert_int_equal(outbox_count(&ob, MSG_COIN_INHIBIT), 0);
	assert_int_equal(s.inhibit_sent, 1);	/* still blocked: service */
}

/* vendctl service on|off: answered; with the door open it stays on. */
static void
test_service_command(void **state)
{
	struct msg_flag	f = { 1 };
	int	i;

	(void)state;
	/* a change: the ledger answers once it is durable */
	feed(MSG_SERVICE, PROC_CONTROL, 77, &f, sizeof(f));
	assert_int_equal(outbox_find(&ob, MSG_SERVICE_DONE), -1);
	i = outbox_find(&ob, MSG_SERVICE_REC);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(ob.m[i].hdr.id, 77);
	assert_int_equal(ob.m[i].u.service.requester, PROC_CONTROL + 1);
	assert_int_equal(ob.m[i].u.service.command, 1);
	assert_int_equal(inhibit_in(), 1);
	/* no change: answered here */
	feed(MSG_SERVICE, PROC_CONTROL, 78, &f, sizeof(f));
	i = outbox_find(&ob, MSG_SERVICE_DONE);
	assert_int_equal(ob.dst[i], PROC_CONTROL);
	assert_int_equal(ob.m[i].hdr.id, 78);
	assert_int_equal(ob.m[i].u.service.on, 1);
	door(1);
	f.on = 0;
	feed(MSG_SERVICE, PROC_CONTROL, 79, &f, sizeof(f));
	i = outbox_find(&ob, MSG_SERVICE_REC);
	assert_int_equal(ob.m[i].u.service.door, 1);	/* still on: door */
	assert_true(sales_core_in_service(&s));
	door(0);
	assert_false(sales_core_in_service(&s));

	/* kept over a restart: the ledger's service_cmd */
	ls.service_cmd = 1;
	outbox_init(&ob);
	sales_core_init(&s, &cf, &ls, 0, &ob);
	assert_true(sales_core_in_service(&s));
	assert_int_equal(inhibit_in(), 1);
}

/* Test vends from control: only in service mode, not on an empty column;
 * an out-of-order column may be tested, and a drop puts it back. */
static void
test_test_vend(void **state)
{
	struct msg_select sel = { CHIPS };
	int	i;

	(void)state;
	feed(MSG_TEST_VEND, PROC_CONTROL, 5, &sel, sizeof(sel));
	i = outbox_find(&ob, MSG_TEST_VEND_DONE);
	assert_int_equal(ob.m[i].hdr.id, 5);
	assert_int_equal(ob.m[i].u.test_done.refused, SALES_NOT_IN_SERVICE);
	assert_int_equal(outbox_find(&ob, MSG_VEND_RESERVE), -1);

	door(1);
	s.stock[WATER] = 0;
	sel.product = WATER;
	feed(MSG_TEST_VEND, PROC_CONTROL, 6, &sel, sizeof(sel));
	i = outbox_find(&ob, MSG_TEST_VEND_DONE);
	assert_int_equal(ob.m[i].u.test_done.refused, SALES_SOLD_OUT);

	s.state[CHIPS] = PRODUCT_OUT_OF_ORDER;
	sel.product = CHIPS;
	feed(MSG_TEST_VEND, PROC_CONTROL, 7, &sel, sizeof(sel));
	assert_int_not_equal(outbox_find(&ob, MSG_VEND_RESERVE), -1);
	feed(MSG_TEST_VEND, PROC_CONTROL, 8, &sel, sizeof(sel));
	i = outbox_find(&ob, MSG_TEST_VEND_DONE);
	assert_int_equal(ob.m[i].u.test_done.refused, SALES_BUSY);
	result(1);
	i = outbox_find(&ob, MSG_TEST_VEND_DONE);
	assert_int_equal(ob.dst[i], PROC_CONTROL);
	assert_int_equal(ob.m[i].hdr.id, 7);
	assert_true(ob.m[i].u.test_done.ok);
	assert_int_equal(s.state[CHIPS], PRODUCT_OK);
	assert_int_equal(s.stock[CHIPS], 4);

	/* no drop: out of order, said to the requester */
	feed(MSG_TEST_VEND, PROC_CONTROL, 9, &sel, sizeof(sel));
	result(0);
	i = outbox_find(&ob, MSG_TEST_VEND_DONE);
	assert_false(ob.m[i].u.test_done.ok);
	assert_int_equal(ob.m[i].u.test_done.why, VEND_WHY_NO_DROP);
	assert_int_equal(s.state[CHIPS], PRODUCT_OUT_OF_ORDER);
}

/* A new price holds at once, for a product already chosen too (shown
 * again); a vend under way keeps its price; a reservation the ledger
 * refused for a change it raced keeps the selection at the new price. */
static void
test_price(void **state)
{
	struct msg_price p = { .product = COLA, .price = 180 };
	struct msg_vend	 v;
	const struct msg_show *sh;
	int	i;

	(void)state;
	outbox_init(&ob);
	sales_core_credit(&s, 300, &ob);
	outbox_init(&ob);
	sales_core_select(&s, COLA, &ob);
	feed(MSG_PRICE, PROC_LEDGER, 0, &p, sizeof(p));
	assert_non_null(sh = show_in(SHOW_PRICE));
	assert_int_equal(sh->amount, 180);
	assert_non_null(sh = show_in(SHOW_SELECTED));
	assert_int_equal(sh->amount, 180);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);
	i = outbox_find(&ob, MSG_VEND_RESERVE);
	assert_int_equal(ob.m[i].u.vend.price, 180);
	p.price = 200;			/* while the arm runs */
	feed(MSG_PRICE, PROC_LEDGER, 0, &p, sizeof(p));
	assert_null(show_in(SHOW_SELECTED));
	result(1);
	assert_int_equal(s.credit, 120);

	/* the ledger had a newer price than sales: refused, credit back */
	outbox_init(&ob);
	sales_core_credit(&s, 100, &ob);
	outbox_init(&ob);
	sales_core_select(&s, COLA, &ob);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);	/* at 2.00 */
	p.price = 210;
	feed(MSG_PRICE, PROC_LEDGER, 0, &p, sizeof(p));
	memset(&v, 0, sizeof(v));
	v.vend_id = s.pending_id;
	v.product = COLA;
	v.price = 200;
	v.why = VEND_WHY_PRICE_CHANGED;
	feed(MSG_VEND_RESULT, PROC_LEDGER, 0, &v, sizeof(v));
	assert_int_equal(s.credit, 220);
	assert_int_equal(s.selection, COLA);
	assert_non_null(sh = show_in(SHOW_SELECTED));
	assert_int_equal(sh->amount, 210);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);

	/* a restart starts from the ledger's price */
	ls.product[COLA].has_price = 1;
	ls.product[COLA].price = 180;
	outbox_init(&ob);
	sales_core_init(&s, &cf, &ls, 0, &ob);
	assert_int_equal(s.price[COLA], 180);
	assert_int_equal(s.price[WATER], 100);
}

/* Change after a sale and by the coin return button: asked of the ledger
 * with the whole credit (which leaves at once); no changer: the credit
 * stays; refused by the ledger: the credit comes back; the acceptor is
 * blocked while change is paid. */
static void
test_change(void **state)
{
	struct msg_flag	 on = { 1 };
	struct msg_payout r;
	int		 i;

	(void)state;
	cf.mdb.change_after_vend = 1;
	outbox_init(&ob);
	sales_core_credit(&s, 200, &ob);
	feed(MSG_PANEL_RETURN, PROC_PANEL, 0, NULL, 0);	/* no changer */
	assert_int_equal(outbox_find(&ob, MSG_PAYOUT_REQ), -1);
	assert_int_equal(s.credit, 200);

	feed(MSG_CHANGER, PROC_MDB, 0, &on, sizeof(on));
	outbox_init(&ob);
	sales_core_select(&s, COLA, &ob);
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_OK);
	result(1);			/* sold: 0.50 left, paid back */
	i = outbox_find(&ob, MSG_PAYOUT_REQ);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(ob.m[i].u.payout.amount, 50);
	assert_int_equal(s.credit, 0);
	assert_int_equal(inhibit_in(), 1);
	r = ob.m[i].u.payout;
	r.paid = 30;			/* 0.20 owed */
	feed(MSG_PAYOUT_RESULT, PROC_LEDGER, 0, &r, sizeof(r));
	assert_false(s.payout);
	assert_int_equal(s.credit, 0);
	assert_int_equal(inhibit_in(), 0);

	/* the return button; the ledger refuses (a full disk): credit back */
	outbox_init(&ob);
	sales_core_credit(&s, 100, &ob);
	feed(MSG_PANEL_RETURN, PROC_PANEL, 0, NULL, 0);
	i = outbox_find(&ob, MSG_PAYOUT_REQ);
	assert_int_equal(ob.m[i].u.payout.amount, 100);
	r = ob.m[i].u.payout;
	outbox_init(&ob);
	assert_int_equal(sales_core_vend(&s, &ob), SALES_BUSY);
	r.refused = 1;
	feed(MSG_PAYOUT_RESULT, PROC_LEDGER, 0, &r, sizeof(r));
	assert_int_equal(s.credit, 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_door, setup),
		cmocka_unit_test_setup(test_door_mid_vend, setup),
		cmocka_unit_test_setup(test_service_command, setup),
		cmocka_unit_test_setup(test_test_vend, setup),
		cmocka_unit_test_setup(test_price, setup),
		cmocka_unit_test_setup(test_change, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
