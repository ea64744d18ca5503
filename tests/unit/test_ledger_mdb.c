/*
 * The ledger's records of a bill validator's notes and a cashless reader's
 * card vends, on a temp dir: a note is credit only once stacked, its
 * escrow decided by the ledger (max_credit) and settled at a restart as
 * decided; a card vend is asked, approved as the pending vend (the credit
 * untouched) and ends in a sale (the reader told VEND SUCCESS) or a
 * refund to the card, denied with nothing moved, and settled at a restart
 * as refunded or denied; a snapshot keeps it all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "ledger.h"
#include "ledger_fixture.h"
#include "ledger_int.h"
#include "msg.h"
#include "testutil.h"

/* A note message from the mdb activity. */
static int
note(struct fx *f, uint16_t type, int64_t value, int stack, struct outbox *ob)
{
	struct msg_note	n = { .value = value, .type = 1,
			      .stack = (uint32_t)stack };

	return fx_msg(f, type, PROC_MDB, &n, sizeof(n), ob);
}

/* A card vend asked by sales, answered by the reader (through mdb). */
static int
card_ask(struct fx *f, uint32_t id, uint32_t p, struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = id, .product = p,
			      .price = f->cf.product[p].price, .card = 1 };

	return fx_msg(f, MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v), ob);
}

static int
card_answer(struct fx *f, uint32_t id, uint32_t p, int ok, struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .ok = (uint32_t)ok,
			      .price = ok ? f->cf.product[p].price : 0,
			      .card = 1 };

	return fx_msg(f, MSG_CARD_RESULT, PROC_MDB, &v, sizeof(v), ob);
}

/* Notes: the escrow's decision answered to mdb, credit only when stacked,
 * max_credit given back, a note in escrow settled at start as decided. */
static void
test_notes(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	f->cf.coin.max_credit = 1200;
	fx_open(f);
	assert_int_equal(note(f, MSG_NOTE_ESCROW, 500, 1, &ob), 0);
	i = outbox_find(&ob, MSG_NOTE_DECIDED);
	assert_true(i >= 0);
	assert_int_equal(ob.dst[i], PROC_MDB);
	assert_int_equal(ob.m[i].u.note.stack, 1);
	assert_int_equal(f->l.st.credit, 0);		/* not money yet */
	assert_true(f->l.st.mdb.escrow_active);
	assert_int_equal(note(f, MSG_NOTE_DONE, 500, 1, &ob), 0);
	i = outbox_find(&ob, MSG_CREDIT_ADDED);
	assert_int_equal(ob.m[i].u.credit.credit, 500);
	assert_int_equal(f->l.st.c.cash_in, 500);
	assert_int_equal(f->l.st.mdb.notes_in, 500);
	assert_money_invariant(&f->l.st);

	/* 5.00 + 10.00 passes max_credit 12.00: given back, nothing moves */
	assert_int_equal(note(f, MSG_NOTE_ESCROW, 1000, 1, &ob), 0);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_NOTE_DECIDED)].u.note.stack,
	    0);
	assert_int_equal(note(f, MSG_NOTE_DONE, 1000, 0, &ob), 0);
	assert_int_equal(outbox_find(&ob, MSG_CREDIT_ADDED), -1);
	assert_int_equal(f->l.st.credit, 500);
	assert_int_equal(f->l.st.mdb.notes_returned, 1);

	/* a second escrow while one is held is a bug of mdb's */
	assert_int_equal(note(f, MSG_NOTE_ESCROW, 500, 1, &ob), 0);
	assert_int_equal(note(f, MSG_NOTE_ESCROW, 500, 1, &ob), -1);

	/* a crash with a note decided "stack": credited at start */
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.mdb.escrow_active);
	assert_int_equal(f->l.st.credit, 1000);
	assert_int_equal(f->l.st.mdb.notes, 2);
	assert_money_invariant(&f->l.st);

	/* one decided "give back" (the wish): given back at start */
	assert_int_equal(note(f, MSG_NOTE_ESCROW, 500, 0, &ob), 0);
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 1000);
	assert_int_equal(f->l.st.mdb.notes_returned, 2);
	assert_money_invariant(&f->l.st);
}

/* Cards: asked (nothing moves, the reader asked), approved (the pending
 * vend, credit untouched), sold (VEND SUCCESS to mdb) or refunded, denied
 * (sales told, nothing moves). */
static void
test_cards(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 100, 4);
	assert_int_equal(card_ask(f, 1, P_COLA, &ob), 0);
	i = outbox_find(&ob, MSG_CARD_VEND);
	assert_int_equal(ob.dst[i], PROC_MDB);
	assert_false(f->l.st.pending.active);
	assert_int_equal(card_answer(f, 1, P_COLA, 1, &ob), 0);
	i = outbox_find(&ob, MSG_ARM_DISPENSE);
	assert_int_equal(ob.dst[i], PROC_ARM);
	assert_true(f->l.st.pending.active);
	assert_int_equal(f->l.st.pending.test, PENDING_CARD);
	assert_int_equal(f->l.st.credit, 100);		/* untouched */
	assert_money_invariant(&f->l.st);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	i = outbox_find(&ob, MSG_CARD_DONE);
	assert_int_equal(ob.dst[i], PROC_MDB);
	assert_int_equal(ob.m[i].u.vend.ok, 1);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.m[i].u.vend.card, 1);
	assert_int_equal(f->l.st.mdb.card_vends, 1);
	assert_int_equal(f->l.st.mdb.card_value, 150);
	assert_int_equal(f->l.st.c.paid_vends, 1);
	assert_int_equal(f->l.st.credit, 100);
	assert_money_invariant(&f->l.st);

	/* not dropped: refunded to the card (VEND FAILURE), not the credit */
	assert_int_equal(card_ask(f, 2, P_WATER, &ob), 0);
	assert_int_equal(card_answer(f, 2, P_WATER, 1, &ob), 0);
	assert_int_equal(fx_done(f, 2, P_WATER, 0, &ob), 0);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_CARD_DONE)].u.vend.ok, 0);
	assert_int_equal(f->l.st.mdb.card_refunded, 100);
	assert_int_equal(f->l.st.credit, 100);
	assert_money_invariant(&f->l.st);

	/* denied: sales hears why, nothing moves */
	assert_int_equal(card_ask(f, 3, P_COLA, &ob), 0);
	assert_int_equal(card_answer(f, 3, P_COLA, 0, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_CARD_DENIED);
	assert_int_equal(f->l.st.mdb.card_denied, 1);
	/* an answer for no vend asked is a bug */
	assert_int_equal(card_answer(f, 3, P_COLA, 1, &ob), -1);

	/* crashes: one asked and unanswered (denied at start), one approved
	 * and not dropped (refunded at start); a snapshot keeps it all */
	assert_int_equal(card_ask(f, 4, P_COLA, &ob), 0);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.mdb.card_asked);
	assert_int_equal(f->l.st.mdb.card_denied, 2);
	assert_int_equal(card_ask(f, 5, P_COLA, &ob), 0);
	assert_int_equal(card_answer(f, 5, P_COLA, 1, &ob), 0);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.pending.active);
	assert_int_equal(f->l.st.mdb.card_failed, 2);
	assert_int_equal(f->l.st.mdb.card_refunded, 250);
	assert_int_equal(f->l.st.mdb.card_vends, 1);
	assert_int_equal(f->l.st.credit, 100);
	assert_money_invariant(&f->l.st);
}

/* A payout's steps: what PAYOUT STATUS said each paid is kept, so that a
 * crash mid-payout owes only the rest. */
static void
test_payout_steps(void **state)
{
	struct fx	*f = *state;
	struct msg_mdb_coin c = { .value = 200, .type = 5, .routing = 0 };
	struct msg_payout p = { .id = 4, .amount = 200 };
	struct outbox	 ob;

	fx_open(f);
	assert_int_equal(fx_msg(f, MSG_MDB_COIN, PROC_MDB, &c, sizeof(c), &ob),
	    0);
	assert_int_equal(fx_msg(f, MSG_PAYOUT_REQ, PROC_SALES, &p, sizeof(p),
	    &ob), 0);
	p.paid = 150;				/* the first step's coins */
	assert_int_equal(fx_msg(f, MSG_PAYOUT_STEP, PROC_MDB, &p, sizeof(p),
	    &ob), 0);
	assert_int_equal(f->l.st.mdb.payout_paid, 150);
	p.paid = 100;				/* less than before: a bug */
	assert_int_equal(fx_msg(f, MSG_PAYOUT_STEP, PROC_MDB, &p, sizeof(p),
	    &ob), -1);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.mdb.payout_active);
	assert_int_equal(f->l.st.mdb.change_paid, 150);
	assert_int_equal(f->l.st.mdb.owed, 50);
	assert_int_equal(f->l.st.mdb.payout_paid, 0);
	assert_money_invariant(&f->l.st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notes, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_cards, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_payout_steps, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
