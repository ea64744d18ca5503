/*
 * The ledger as an activity, on a temp dir: the messages it takes in (coins,
 * reservations, arm's outcomes, restocks, counters) and those it refuses,
 * the records they leave across reopens and crashes, what it answers and
 * to whom, products reordered in the config, and the money adding up.
 * How it reads its files: test_ledger_codec.c; its store and the store's
 * faults: test_ledger_store.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "ledger.h"
#include "ledger_fixture.h"
#include "msg.h"
#include "testutil.h"

/* Coins survive a reopen: credit, cash in and the coin counts. */
static void
test_coin_reopen(void **state)
{
	struct fx	*f = *state;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_coin(f, 50, 2);
	fx_coin(f, 100, 4);
	assert_int_equal(f->l.journal_records, 3);
	assert_int_equal(fx_size(f, "journal"), JSIZE);
	fx_open(f);
	assert_int_equal(f->l.journal_records, 0);
	assert_int_equal(f->l.st.credit, 250);
	assert_int_equal(f->l.st.c.cash_in, 250);
	assert_int_equal(f->l.st.c.coins[4], 2);
	assert_int_equal(f->l.st.c.coins[2], 1);
	assert_int_equal(f->l.st.c.startups, 2);
	assert_money_invariant(&f->l.st);
}

/* A paid vend: reserved durable before arm hears of it, then committed. */
static void
test_reserve_commit(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 7, P_COLA, &ob), 0);
	i = outbox_find(&ob, MSG_ARM_DISPENSE);
	assert_int_equal(ob.n, 1);
	assert_int_equal(ob.dst[i], PROC_ARM);
	assert_int_equal(ob.m[i].u.vend.vend_id, 7);
	assert_int_equal(ob.m[i].u.vend.product, P_COLA);
	assert_int_equal(ob.m[i].u.vend.price, 150);
	assert_int_equal(f->l.st.credit, 50);
	assert_true(f->l.st.pending.active);
	assert_money_invariant(&f->l.st);

	assert_int_equal(fx_done(f, 7, P_COLA, 1, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.n, 1);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.vend.vend_id, 7);
	assert_int_equal(ob.m[i].u.vend.product, P_COLA);
	assert_int_equal(ob.m[i].u.vend.ok, 1);
	assert_false(f->l.st.pending.active);
	assert_money_invariant(&f->l.st);

	fx_open(f);
	assert_int_equal(f->l.st.credit, 50);
	assert_int_equal(f->l.st.product[P_COLA].stock, 7);
	assert_int_equal(f->l.st.product[P_COLA].paid_vends, 1);
	assert_int_equal(f->l.st.product[P_COLA].paid_value, 150);
	assert_int_equal(f->l.st.c.paid_vends, 1);
	assert_int_equal(f->l.st.c.paid_value, 150);
	assert_int_equal(f->l.st.c.unresolved_settled, 0);
	assert_int_equal(f->l.st.pending.vend_id, 7);	/* ids keep rising */
	assert_money_invariant(&f->l.st);
}

/* A failed drop: price back, column out of order until a restock clears it. */
static void
test_reserve_restore(void **state)
{
	struct fx	*f = *state;
	struct msg_restock rs = { .product = P_WATER, .stock = -1,
				  .clear_fault = 1 };
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 100, 4);
	assert_int_equal(fx_reserve(f, 1, P_WATER, &ob), 0);
	assert_int_equal(f->l.st.credit, 0);
	assert_int_equal(fx_done(f, 1, P_WATER, 0, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_true(i >= 0);
	assert_int_equal(ob.m[i].u.vend.ok, 0);
	assert_int_equal(ob.m[i].u.vend.price, 100);
	assert_int_equal(f->l.st.credit, 100);

	fx_open(f);
	assert_int_equal(f->l.st.credit, 100);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OUT_OF_ORDER);
	assert_int_equal(f->l.st.product[P_WATER].failed_vends, 1);
	assert_int_equal(f->l.st.product[P_WATER].stock, 10);
	assert_int_equal(f->l.st.c.failed_vends, 1);
	assert_int_equal(f->l.st.c.paid_vends, 0);
	assert_money_invariant(&f->l.st);

	assert_int_equal(fx_msg(f, MSG_RESTOCK, PROC_CONTROL, &rs, sizeof(rs),
	    &ob), 0);
	i = outbox_find(&ob, MSG_RESTOCKED);
	assert_true(i >= 0);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.restock.product, P_WATER);
	assert_int_equal(ob.m[i].u.restock.stock, 10);
	assert_int_equal(ob.m[i].u.restock.clear_fault, 1);
	fx_open(f);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OK);
}

/* A crash with a vend reserved: the next start gives the price back. */
static void
test_crash_settles(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;

	fx_open(f);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 3, P_CHIPS, &ob), 0);
	assert_int_equal(f->l.st.credit, 80);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.pending.active);
	assert_int_equal(f->l.st.pending.vend_id, 3);
	assert_int_equal(f->l.st.credit, 200);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_int_equal(f->l.st.product[P_CHIPS].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_CHIPS].stock, 6);
	assert_int_equal(f->l.st.c.paid_vends, 0);
	assert_money_invariant(&f->l.st);
	/* Settled once: another start does not give it again. */
	fx_open(f);
	assert_int_equal(f->l.st.credit, 200);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_int_equal(f->l.st.c.startups, 3);
}

/* Stock is sales' rule: the ledger takes a reservation restock crossed. */
static void
test_reserve_crossing_restock(void **state)
{
	struct fx		*f = *state;
	struct outbox		 ob;
	struct msg_restock	 rs = { .product = P_COLA, .stock = 0 };

	fx_open(f);
	fx_coin(f, 500, 20);
	outbox_init(&ob);
	assert_int_equal(fx_msg(f, MSG_RESTOCK, PROC_CONTROL, &rs, sizeof(rs),
	    &ob), 0);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	assert_int_equal(f->l.st.product[P_COLA].stock, 0);	/* not -1 */
	assert_int_equal(f->l.st.c.paid_vends, 1);
}

/* Products move and leave the config; counters follow them by id. */
static void
test_reorder_and_removal(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	struct msg_status_ledger sl;
	struct config	 orig;

	fx_open(f);
	fx_coin(f, 500, 20);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	assert_int_equal(fx_reserve(f, 2, P_WATER, &ob), 0);
	assert_int_equal(fx_done(f, 2, P_WATER, 0, &ob), 0);
	orig = f->cf;

	/* New order: chips, juice (new), cola; water removed. */
	f->cf.nproducts = 0;
	fx_product(&f->cf, "chips", 120, 6);
	fx_product(&f->cf, "juice", 180, 5);
	fx_product(&f->cf, "cola", 150, 8);
	fx_open(f);
	assert_int_equal(f->l.st.nproducts, 4);
	assert_string_equal(f->l.st.product[0].id, "chips");
	assert_int_equal(f->l.st.product[0].stock, 6);
	assert_string_equal(f->l.st.product[1].id, "juice");
	assert_int_equal(f->l.st.product[1].stock, 5);
	assert_int_equal(f->l.st.product[1].paid_vends, 0);
	assert_string_equal(f->l.st.product[2].id, "cola");
	assert_int_equal(f->l.st.product[2].stock, 7);
	assert_int_equal(f->l.st.product[2].paid_vends, 1);
	assert_int_equal(f->l.st.product[2].retired, 0);
	assert_string_equal(f->l.st.product[3].id, "water");
	assert_int_equal(f->l.st.product[3].retired, 1);
	assert_int_equal(f->l.st.product[3].failed_vends, 1);
	assert_int_equal(f->l.st.product[3].state, PRODUCT_OUT_OF_ORDER);

	/* Indices now mean the new order: sell cola at index 2. */
	assert_int_equal(fx_reserve(f, 4, 2, &ob), 0);
	assert_int_equal(fx_done(f, 4, 2, 1, &ob), 0);
	ledger_status(&f->l, 0, &sl);
	assert_int_equal(sl.nproducts, 3);
	assert_int_equal(sl.first, 0);
	assert_int_equal(sl.count, 3);
	assert_int_equal(sl.product[2].paid_vends, 2);
	assert_int_equal(sl.product[2].paid_value, 300);
	assert_int_equal(sl.product[0].paid_vends, 0);
	fx_crash(f);				/* journal in the new order */

	/* Back to the original: water returns with its counters. */
	f->cf = orig;
	fx_open(f);
	assert_int_equal(f->l.st.nproducts, 4);
	assert_string_equal(f->l.st.product[P_COLA].id, "cola");
	assert_int_equal(f->l.st.product[P_COLA].paid_vends, 2);
	assert_int_equal(f->l.st.product[P_COLA].stock, 6);
	assert_string_equal(f->l.st.product[P_WATER].id, "water");
	assert_int_equal(f->l.st.product[P_WATER].retired, 0);
	assert_int_equal(f->l.st.product[P_WATER].failed_vends, 1);
	assert_string_equal(f->l.st.product[3].id, "juice");
	assert_int_equal(f->l.st.product[3].retired, 1);
	assert_int_equal(f->l.st.c.paid_value, 300);
	assert_money_invariant(&f->l.st);
}

/*
 * A restock is answered once its record is durable: MSG_RESTOCKED to sales,
 * MSG_RESTOCK_DONE with the request's id to whoever asked. One the ledger
 * cannot take (a product or level out of range) is answered ok=0, EINVAL,
 * with nothing journaled, and is no reason to stop.
 */
static void
test_restock_answered(void **state)
{
	struct fx	*f = *state;
	struct msg	 m;
	struct outbox	 ob;
	uint64_t	 seq;
	int		 i;

	fx_open(f);
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_RESTOCK;
	m.hdr.src = PROC_CONTROL;
	m.hdr.id = 77;
	m.hdr.len = sizeof(m.u.restock);
	m.u.restock.product = P_WATER;
	m.u.restock.stock = 4;
	outbox_init(&ob);
	assert_int_equal(ledger_handle(&f->l, &m, &ob), 0);
	assert_int_equal(ob.n, 2);
	i = outbox_find(&ob, MSG_RESTOCKED);
	assert_int_equal(ob.dst[i], PROC_SALES);
	i = outbox_find(&ob, MSG_RESTOCK_DONE);
	assert_int_equal(ob.dst[i], PROC_CONTROL);
	assert_int_equal(ob.m[i].hdr.id, 77);
	assert_int_equal(ob.m[i].u.restock_done.ok, 1);
	assert_int_equal(ob.m[i].u.restock_done.product, P_WATER);
	assert_int_equal(ob.m[i].u.restock_done.stock, 4);
	assert_int_equal(f->l.st.product[P_WATER].stock, 4);

	seq = f->l.st.seq;
	m.hdr.id = 78;
	m.u.restock.stock = 11;			/* capacity 10 */
	outbox_init(&ob);
	assert_int_equal(ledger_handle(&f->l, &m, &ob), 0);
	assert_int_equal(ob.n, 1);
	assert_int_equal(ob.m[0].hdr.type, MSG_RESTOCK_DONE);
	assert_int_equal(ob.m[0].hdr.id, 78);
	assert_int_equal(ob.m[0].u.restock_done.ok, 0);
	assert_int_equal(ob.m[0].u.restock_done.err, EINVAL);
	m.u.restock.product = 3;		/* no such column */
	m.u.restock.stock = -1;
	outbox_init(&ob);
	assert_int_equal(ledger_handle(&f->l, &m, &ob), 0);
	assert_int_equal(ob.m[0].u.restock_done.ok, 0);
	assert_int_equal(f->l.st.seq, seq);	/* nothing journaled */
	fx_open(f);
	assert_int_equal(f->l.st.product[P_WATER].stock, 4);
}

/*
 * The outcomes of a vend: a broken drop beam (the motor did not run)
 * restores the credit and counts a failed vend but spares the column;
 * vendd stopping before the drop restores it as a settlement; no drop
 * takes the column out of order. Sales learns ok and why.
 */
static void
test_vend_outcomes(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 500, 20);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done_why(f, 1, P_COLA, 0, VEND_WHY_BEAM_BLOCKED,
	    &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.m[i].u.vend.ok, 0);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_BEAM_BLOCKED);
	assert_int_equal(f->l.st.credit, 500);
	assert_int_equal(f->l.st.product[P_COLA].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_COLA].failed_vends, 1);
	assert_int_equal(f->l.st.c.failed_vends, 1);

	assert_int_equal(fx_reserve(f, 2, P_WATER, &ob), 0);
	assert_int_equal(fx_done_why(f, 2, P_WATER, 0, VEND_WHY_STOPPED,
	    &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_STOPPED);
	assert_int_equal(f->l.st.credit, 500);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_WATER].failed_vends, 0);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);

	assert_int_equal(fx_reserve(f, 3, P_CHIPS, &ob), 0);
	assert_int_equal(fx_done(f, 3, P_CHIPS, 0, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_NO_DROP);
	assert_int_equal(f->l.st.product[P_CHIPS].state, PRODUCT_OUT_OF_ORDER);

	/* a reason arm never sends is a bug */
	assert_int_equal(fx_reserve(f, 4, P_COLA, &ob), 0);
	errno = 0;
	assert_int_equal(fx_done_why(f, 4, P_COLA, 0, VEND_WHY_REFUSED, &ob),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fx_done(f, 4, P_COLA, 1, &ob), 0);

	fx_open(f);
	assert_int_equal(f->l.st.credit, 350);
	assert_int_equal(f->l.st.product[P_COLA].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_COLA].failed_vends, 1);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_CHIPS].state, PRODUCT_OUT_OF_ORDER);
	assert_int_equal(f->l.st.c.failed_vends, 2);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_int_equal(f->l.st.c.paid_vends, 1);
	assert_money_invariant(&f->l.st);
}

/* Every ledger_handle path for counters that do not move money. */
static void
test_counters(void **state)
{
	struct fx	*f = *state;
	struct msg_coin_count cc = { .count = 7 };
	struct msg_coin_count fc = { .count = 1, .width_ms = 900 };
	struct msg_select sel = { .product = P_CHIPS };
	struct msg_cool	 cs = { 0 }, ce = { .run_s = 150 }, sf = { .kind = 2 };
	struct msg_status_ledger sl;
	struct outbox	 ob;

	fx_open(f);
	assert_int_equal(fx_msg(f, MSG_COIN_UNKNOWN, PROC_COIN, &cc,
	    sizeof(cc), &ob), 0);
	assert_int_equal(ob.n, 0);
	cc.count = 3;
	assert_int_equal(fx_msg(f, MSG_COIN_NOISE, PROC_COIN, &cc, sizeof(cc),
	    &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COIN_FAULT, PROC_COIN, &fc, sizeof(fc),
	    &ob), 0);
	assert_int_equal(fx_msg(f, MSG_VEND_SOLD_OUT, PROC_SALES, &sel,
	    sizeof(sel), &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
	    sizeof(cs), &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COOL_STOP, PROC_COOLING, &ce,
	    sizeof(ce), &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
	    sizeof(cs), &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COOL_STOP, PROC_COOLING, &ce,
	    sizeof(ce), &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COOL_SENSOR_FAULT, PROC_COOLING, &sf,
	    sizeof(sf), &ob), 0);
	assert_int_equal(ob.n, 0);
	fx_open(f);
	ledger_status(&f->l, 0, &sl);
	assert_int_equal(sl.c.unknown_coins, 1);
	assert_int_equal(sl.c.noise_pulses, 3);
	assert_int_equal(sl.c.coin_faults, 1);
	assert_int_equal(sl.c.sold_out_selections, 1);
	assert_int_equal(sl.product[P_CHIPS].sold_out, 1);
	assert_int_equal(sl.c.compressor_starts, 2);
	assert_int_equal(sl.c.compressor_run_s, 300);
	assert_int_equal(sl.c.sensor_faults, 1);
	assert_int_equal(sl.c.startups, 2);
	assert_int_equal(sl.seq, f->l.st.seq);
	assert_int_equal(sl.nproducts, 3);
}

/*
 * 99 columns: the status comes in chunks of MSG_STATUS_CHUNK from first on,
 * each with the machine-wide counters, the last one short.
 */
static void
test_status_chunks(void **state)
{
	struct fx	*f = *state;
	struct msg_status_ledger sl;
	struct outbox	 ob;
	char		 id[16];

	while (f->cf.nproducts < VENDD_MAX_PRODUCTS) {
		snprintf(id, sizeof(id), "p%d", f->cf.nproducts);
		fx_product(&f->cf, id, 100, 5);
	}
	fx_open(f);
	fx_coin(f, 500, 20);
	assert_int_equal(fx_reserve(f, 1, 98, &ob), 0);
	assert_int_equal(fx_done(f, 1, 98, 1, &ob), 0);
	ledger_status(&f->l, 0, &sl);
	assert_int_equal(sl.first, 0);
	assert_int_equal(sl.count, MSG_STATUS_CHUNK);
	assert_int_equal(sl.nproducts, VENDD_MAX_PRODUCTS);
	assert_int_equal(sl.product[15].paid_vends, 0);
	ledger_status(&f->l, 96, &sl);
	assert_int_equal(sl.first, 96);
	assert_int_equal(sl.count, 3);
	assert_int_equal(sl.nproducts, VENDD_MAX_PRODUCTS);
	assert_int_equal(sl.c.paid_vends, 1);
	assert_int_equal(sl.c.cash_in, 500);
	assert_int_equal(sl.credit, 400);
	assert_int_equal(sl.product[2].paid_vends, 1);
	assert_int_equal(sl.product[2].paid_value, 100);
	assert_int_equal(sl.product[3].paid_vends, 0);
}

/* Messages sales or arm should never send: refused, nothing journaled. */
static void
test_refuses_bugs(void **state)
{
	struct fx	*f = *state;
	struct msg_restock rs = { .product = P_COLA, .stock = 9 };
	struct msg_vend	 v = { .vend_id = 1, .product = P_COLA, .price = 100 };
	struct outbox	 ob;
	long		 size;

	fx_open(f);
	fx_coin(f, 100, 4);
	size = (long)f->l.journal_records;
	errno = 0;
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), -1);	/* 1.00 < 1.50 */
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ob.n, 0);
	assert_int_equal(fx_reserve(f, 1, 3, &ob), -1);	/* no product 3 */
	/* not the product's price: a change sales had not heard of yet,
	 * answered (the credit stays), never recorded */
	assert_int_equal(fx_msg(f, MSG_VEND_RESERVE, PROC_SALES, &v,
	    sizeof(v), &ob), 0);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_VEND_RESULT)].u.vend.why,
	    VEND_WHY_PRICE_CHANGED);
	assert_false(f->l.st.pending.active);
	assert_int_equal(fx_done(f, 1, P_WATER, 1, &ob), -1);	/* none pending */
	assert_int_equal(fx_reserve(f, 1, P_WATER, &ob), 0);
	assert_int_equal(fx_reserve(f, 2, P_WATER, &ob), -1);	/* busy */
	size++;
	assert_int_equal(fx_done(f, 9, P_WATER, 1, &ob), -1);	/* wrong id */
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), -1);	/* wrong product */
	assert_int_equal(fx_msg(f, MSG_RESTOCK, PROC_CONTROL, &rs, sizeof(rs),
	    &ob), 0);				/* above capacity 8: answered */
	assert_int_equal(ob.m[outbox_find(&ob, MSG_RESTOCK_DONE)].u.restock_done.ok,
	    0);
	assert_int_equal(fx_msg(f, MSG_PING, PROC_MAIN, NULL, 0, &ob), -1);
	assert_int_equal(f->l.journal_records, size);
	assert_int_equal(f->l.st.credit, 0);
	assert_int_equal(fx_done(f, 1, P_WATER, 1, &ob), 0);
	assert_money_invariant(&f->l.st);
}

/* Random coins, vends, failures, crashes: the money always adds up. */
static void
test_money_invariant_random(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int64_t		 coins[] = { 10, 20, 50, 100, 200 };
	int64_t		 credit = 0;
	uint32_t	 vid = 0;
	int		 pend = -1;

	srand(4242);
	fx_open(f);
	for (int step = 0; step < 400; step++) {
		int	k = rand() % 10, p = rand() % 3;

		if (k < 4) {
			int c = rand() % 5;

			fx_coin(f, coins[c], (uint32_t)(c + 1));
			credit += coins[c];
		} else if (k < 6 && pend < 0 &&
		    credit >= f->cf.product[p].price &&
		    f->l.st.product[p].state == PRODUCT_OK &&
		    f->l.st.product[p].stock > 0) {
			assert_int_equal(fx_reserve(f, ++vid, (uint32_t)p,
			    &ob), 0);
			credit -= f->cf.product[p].price;
			pend = p;
		} else if (k < 8 && pend >= 0) {
			int ok = rand() % 4 != 0;

			assert_int_equal(fx_done(f, vid, (uint32_t)pend, ok,
			    &ob), 0);
			if (!ok)
				credit += f->cf.product[pend].price;
			pend = -1;
		} else if (k == 8) {
			struct msg_restock rs = { .product = (uint32_t)p,
						  .stock = -1,
						  .clear_fault = 1 };

			assert_int_equal(fx_msg(f, MSG_RESTOCK, PROC_CONTROL,
			    &rs, sizeof(rs), &ob), 0);
		} else {
			fx_crash(f);
			fx_open(f);
			if (pend >= 0) {
				credit += f->cf.product[pend].price;
				pend = -1;
			}
		}
		assert_int_equal(f->l.st.credit, credit);
		assert_money_invariant(&f->l.st);
	}
	fx_open(f);
	assert_int_equal(f->l.st.credit, credit);
	assert_money_invariant(&f->l.st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_coin_reopen,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_commit,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_restore,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_crash_settles,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_crossing_restock,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reorder_and_removal,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_restock_answered,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_vend_outcomes,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_counters,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_status_chunks,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bugs,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_money_invariant_random,
		    fx_setup_fast, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
