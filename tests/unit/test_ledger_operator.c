/*
 * The operator's records in the ledger, on a temp dir: prices, cash
 * collections, test vends, service mode and the audit's reset, each
 * durable across a reopen and answered to its sender; and the event log
 * beside the journal: every record once, in order, kept across reopens,
 * torn tails and rotations, with what is no longer kept said.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "ledger.h"
#include "ledger_fixture.h"
#include "ledger_int.h"
#include "msg.h"
#include "testutil.h"

/* A price request as control sends it. */
static int
op_price(struct fx *f, uint32_t p, int64_t price, int dflt, struct outbox *ob)
{
	struct msg_price m = { .product = p, .price = price,
			       .is_default = (uint32_t)dflt };

	return fx_msg(f, MSG_PRICE_SET, PROC_CONTROL, &m, sizeof(m), ob);
}

/* A reservation at a given price (sales' view of it). */
static int
op_reserve_at(struct fx *f, uint32_t id, uint32_t p, int64_t price,
    struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .price = price };

	return fx_msg(f, MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v), ob);
}

/* A test vend's reservation. */
static int
op_test_reserve(struct fx *f, uint32_t id, uint32_t p, struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .test = 1 };

	return fx_msg(f, MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v), ob);
}

/* Arm's answer to a test vend. */
static int
op_test_done(struct fx *f, uint32_t id, uint32_t p, int ok, struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .ok = (uint32_t)ok,
			      .why = ok ? 0 : VEND_WHY_NO_DROP, .test = 1 };

	return fx_msg(f, MSG_ARM_DONE, PROC_ARM, &v, sizeof(v), ob);
}

/* A price is durable, told to sales and answered; the INI's comes back. */
static void
test_price(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	assert_int_equal(op_price(f, P_COLA, 160, 0, &ob), 0);
	i = outbox_find(&ob, MSG_PRICE);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.price.price, 160);
	i = outbox_find(&ob, MSG_PRICE_DONE);
	assert_int_equal(ob.dst[i], PROC_CONTROL);
	assert_true(ob.m[i].u.price.ok);
	assert_int_equal(ledger_price(&f->l.st, &f->cf, P_COLA), 160);
	fx_open(f);
	assert_int_equal(ledger_price(&f->l.st, &f->cf, P_COLA), 160);
	assert_int_equal(f->l.st.c.price_changes, 1);

	/* a reservation at a price sales had not yet heard was changed:
	 * refused, nothing recorded, the credit stays; at the price now it
	 * sells, and a change while the arm runs does not touch its price */
	fx_coin(f, 200, 8);
	assert_int_equal(op_price(f, P_COLA, 170, 0, &ob), 0);
	assert_int_equal(op_reserve_at(f, 1, P_COLA, 160, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_false(ob.m[i].u.vend.ok);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_PRICE_CHANGED);
	assert_int_equal(ob.m[i].u.vend.price, 160);
	assert_false(f->l.st.pending.active);
	assert_int_equal(f->l.st.credit, 200);
	assert_int_equal(op_reserve_at(f, 2, P_COLA, 170, &ob), 0);
	assert_int_equal(op_price(f, P_COLA, 190, 0, &ob), 0);
	assert_int_equal(fx_done(f, 2, P_COLA, 1, &ob), 0);
	assert_int_equal(f->l.st.product[P_COLA].paid_value, 170);
	assert_int_equal(f->l.st.credit, 30);
	assert_money_invariant(&f->l.st);

	/* back to the INI's */
	assert_int_equal(op_price(f, P_COLA, 0, 1, &ob), 0);
	i = outbox_find(&ob, MSG_PRICE_DONE);
	assert_true(ob.m[i].u.price.is_default);
	assert_int_equal(ob.m[i].u.price.price, 150);
	fx_open(f);
	assert_int_equal(ledger_price(&f->l.st, &f->cf, P_COLA), 150);

	/* out of range: answered EINVAL, nothing recorded */
	assert_int_equal(op_price(f, 9, 100, 0, &ob), 0);
	i = outbox_find(&ob, MSG_PRICE_DONE);
	assert_false(ob.m[i].u.price.ok);
	assert_int_equal(ob.m[i].u.price.err, EINVAL);
	assert_int_equal(op_price(f, P_COLA, -5, 0, &ob), 0);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_PRICE_DONE)].u.price.err,
	    EINVAL);
}

/* A collection reports the cash since the last one; lifetime stays. */
static void
test_collect(void **state)
{
	struct fx	*f = *state;
	struct msg_flag	 fl = { 0 };
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	assert_int_equal(fx_msg(f, MSG_COLLECT, PROC_CONTROL, &fl, sizeof(fl),
	    &ob), 0);
	i = outbox_find(&ob, MSG_COLLECT_DONE);
	assert_int_equal(ob.dst[i], PROC_CONTROL);
	assert_true(ob.m[i].u.collect.ok);
	assert_int_equal(ob.m[i].u.collect.amount, 300);
	assert_int_equal(ob.m[i].u.collect.credit, 150);
	assert_int_equal(ob.m[i].u.collect.collections, 1);
	assert_money_invariant(&f->l.st);
	fx_open(f);
	fx_coin(f, 50, 2);
	assert_int_equal(fx_msg(f, MSG_COLLECT, PROC_CONTROL, &fl, sizeof(fl),
	    &ob), 0);
	i = outbox_find(&ob, MSG_COLLECT_DONE);
	assert_int_equal(ob.m[i].u.collect.amount, 50);
	assert_int_equal(ob.m[i].u.collect.cash_in, 350);
	assert_int_equal(f->l.st.c.collected_value, 350);
	assert_int_equal(f->l.st.c.collections, 2);
	assert_money_invariant(&f->l.st);
}

/* A test vend moves stock, not money, and is counted apart; a drop puts
 * an out-of-order column back in order, a failure takes it out. */
static void
test_test_vend(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	fx_coin(f, 100, 4);
	assert_int_equal(op_test_reserve(f, 1, P_WATER, &ob), 0);
	i = outbox_find(&ob, MSG_ARM_DISPENSE);
	assert_true(ob.m[i].u.vend.test);
	assert_int_equal(f->l.st.credit, 100);
	assert_int_equal(op_test_done(f, 1, P_WATER, 0, &ob), 0);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OUT_OF_ORDER);
	assert_int_equal(op_test_reserve(f, 2, P_WATER, &ob), 0);
	assert_int_equal(op_test_done(f, 2, P_WATER, 1, &ob), 0);
	i = outbox_find(&ob, MSG_VEND_RESULT);
	assert_true(ob.m[i].u.vend.test);
	assert_true(ob.m[i].u.vend.ok);
	assert_int_equal(f->l.st.product[P_WATER].state, PRODUCT_OK);
	assert_int_equal(f->l.st.product[P_WATER].stock, 9);
	assert_int_equal(f->l.st.product[P_WATER].test_vends, 1);
	assert_int_equal(f->l.st.product[P_WATER].paid_vends, 0);
	assert_int_equal(f->l.st.c.test_vends, 1);
	assert_int_equal(f->l.st.c.paid_vends, 0);
	assert_int_equal(f->l.st.credit, 100);
	assert_money_invariant(&f->l.st);

	/* a crash mid test vend settles nothing to the credit */
	assert_int_equal(op_test_reserve(f, 3, P_CHIPS, &ob), 0);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.pending.active);
	assert_int_equal(f->l.st.credit, 100);
	assert_int_equal(f->l.st.c.test_vends, 1);
	assert_money_invariant(&f->l.st);
}

/* Service mode: door openings counted, the command kept over a restart. */
static void
test_service_records(void **state)
{
	struct fx	*f = *state;
	struct msg_service s = { .on = 1, .why = SERVICE_DOOR };
	struct outbox	 ob;

	fx_open(f);
	assert_int_equal(fx_msg(f, MSG_SERVICE_REC, PROC_SALES, &s, sizeof(s),
	    &ob), 0);
	s.on = 0;
	assert_int_equal(fx_msg(f, MSG_SERVICE_REC, PROC_SALES, &s, sizeof(s),
	    &ob), 0);
	s.on = 1;
	s.why = SERVICE_COMMAND;
	s.command = 1;
	s.requester = PROC_CONTROL + 1;	/* answered once durable */
	assert_int_equal(fx_msg(f, MSG_SERVICE_REC, PROC_SALES, &s, sizeof(s),
	    &ob), 0);
	assert_int_equal(ob.dst[outbox_find(&ob, MSG_SERVICE_DONE)],
	    PROC_CONTROL);
	assert_true(ob.m[outbox_find(&ob, MSG_SERVICE_DONE)].u.service.on);
	assert_true(ob.m[outbox_find(&ob, MSG_SERVICE_DONE)].u.service.recorded);
	assert_true(f->l.st.last_ms[LAST_DOOR] > 0);
	fx_open(f);
	assert_int_equal(f->l.st.c.door_openings, 1);
	assert_int_equal(f->l.st.c.service_entries, 2);
	assert_true(f->l.st.service_cmd);
	s.on = 0;
	assert_int_equal(fx_msg(f, MSG_SERVICE_REC, PROC_SALES, &s, sizeof(s),
	    &ob), 0);
	fx_open(f);
	assert_false(f->l.st.service_cmd);
}

/* The audit's reset: only with the token of counters still as read. */
static void
test_audit_reset(void **state)
{
	struct fx	*f = *state;
	struct msg_token t = { 0 };
	struct outbox	 ob;
	uint32_t	 token;
	int		 i;

	fx_open(f);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	token = ledger_audit_token(&f->l.st, (uint32_t)f->cf.nproducts);

	/* a sale between the read and the reset: refused, nothing lost */
	fx_coin(f, 100, 4);
	assert_int_equal(fx_reserve(f, 2, P_WATER, &ob), 0);
	assert_int_equal(fx_done(f, 2, P_WATER, 1, &ob), 0);
	t.token = token;
	assert_int_equal(fx_msg(f, MSG_AUDIT_RESET, PROC_CONTROL, &t,
	    sizeof(t), &ob), 0);
	i = outbox_find(&ob, MSG_AUDIT_RESET_DONE);
	assert_false(ob.m[i].u.token.ok);
	assert_int_equal(ob.m[i].u.token.err, ESTALE);
	assert_int_equal(f->l.st.c.audit_resets, 0);

	/* read again, reset: since-reset starts at zero, lifetime stays;
	 * the compressor cycling in between does not spoil the token */
	t.token = ledger_audit_token(&f->l.st, (uint32_t)f->cf.nproducts);
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, NULL, 0,
	    &ob), 0);
	assert_int_equal(fx_msg(f, MSG_AUDIT_RESET, PROC_CONTROL, &t,
	    sizeof(t), &ob), 0);
	i = outbox_find(&ob, MSG_AUDIT_RESET_DONE);
	assert_true(ob.m[i].u.token.ok);
	fx_open(f);
	assert_int_equal(f->l.st.c.paid_vends, 2);
	assert_int_equal(f->l.st.c.paid_vends - f->l.st.reset.paid_vends, 0);
	assert_int_equal(f->l.st.product[P_COLA].paid_vends -
	    f->l.st.product[P_COLA].reset.paid_vends, 0);
	assert_int_equal(f->l.st.product[P_COLA].paid_vends, 1);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 3, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 3, P_COLA, 1, &ob), 0);
	assert_int_equal(f->l.st.c.paid_value - f->l.st.reset.paid_value, 150);
	assert_money_invariant(&f->l.st);
}

/* Read every event after `after` into out; returns how many. */
static int
op_read_all(struct fx *f, uint64_t after, struct msg_event *out, int max,
    uint64_t *dropped)
{
	int		n = 0, k;
	uint64_t	d;

	*dropped = 0;
	while (n < max && (k = ledger_events_read(&f->l, after, out + n,
	    max - n < MSG_EVENTS_MAX ? max - n : MSG_EVENTS_MAX, &d)) > 0) {
		*dropped += d;
		after = out[n + k - 1].seq;
		n += k;
	}
	return n;
}

/* Every record is an event, once and in order, across reopens. */
static void
test_events_every_record(void **state)
{
	struct fx	*f = *state;
	struct msg_event ev[64];
	struct outbox	 ob;
	uint64_t	 dropped;
	int		 n;

	fx_open(f);			/* 1: start */
	fx_coin(f, 200, 8);		/* 2 */
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);	/* 3 */
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);	/* 4 */
	fx_open(f);			/* 5: start */
	assert_int_equal(op_price(f, P_WATER, 90, 0, &ob), 0);	/* 6 */
	n = op_read_all(f, 0, ev, 64, &dropped);
	assert_int_equal(n, 6);
	assert_int_equal(dropped, 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(ev[i].seq, (uint64_t)i + 1);
	assert_int_equal(ev[0].type, JR_STARTUP);
	assert_int_equal(ev[1].type, JR_COIN);
	assert_int_equal(ev[1].value, 200);
	assert_int_equal(ev[3].type, JR_COMMIT);
	assert_string_equal(ev[3].product_id, "cola");
	assert_int_equal(ev[5].type, JR_PRICE);
	assert_string_equal(ev[5].product_id, "water");
	assert_true(ev[5].time_ms > 1700000000000LL);
	/* resume from the last id: nothing repeated */
	assert_int_equal(op_read_all(f, 4, ev, 64, &dropped), 2);
	assert_int_equal(ev[0].seq, 5);
	assert_int_equal(op_read_all(f, 6, ev, 64, &dropped), 0);
}

/* A power cut that takes the log's tail: the next start copies it back
 * from the journal; records the ledger never kept are cut off. */
static void
test_events_torn_tail(void **state)
{
	struct fx	*f = *state;
	struct msg_event ev[64];
	uint64_t	 dropped;
	int		 n;

	fx_open(f);
	for (int i = 0; i < 5; i++)
		fx_coin(f, 100, 4);
	fx_crash(f);
	assert_int_equal(truncate(fx_path(f, "events"), 2 * EVENT_SIZE + 17),
	    0);
	fx_open(f);
	n = op_read_all(f, 0, ev, 64, &dropped);
	assert_int_equal(n, 7);		/* start, 5 coins, start */
	assert_int_equal(dropped, 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(ev[i].seq, (uint64_t)i + 1);

	/* a page lost inside the run (a later one kept): written again */
	for (int i = 0; i < 3; i++)
		fx_coin(f, 100, 4);	/* 8..10, in the journal */
	fx_crash(f);
	{
		int	fd = open(fx_path(f, "events"), O_WRONLY);
		char	junk[EVENT_SIZE];

		memset(junk, 0x5a, sizeof(junk));
		assert_true(fd != -1);
		assert_int_equal(pwrite(fd, junk, sizeof(junk),
		    8 * EVENT_SIZE), EVENT_SIZE);	/* seq 9 */
		close(fd);
	}
	fx_open(f);
	n = op_read_all(f, 0, ev, 64, &dropped);
	assert_int_equal(dropped, 0);
	assert_int_equal(n, 11);
	for (int i = 0; i < n; i++)
		assert_int_equal(ev[i].seq, (uint64_t)i + 1);
}

/* The log rotates into events.old; what is older than both is counted
 * as dropped, never skipped in silence. */
static void
test_events_rotate(void **state)
{
	struct fx	*f = *state;
	struct msg_event ev[64];
	uint64_t	 dropped;
	int		 n;

	ledger_events_rotate = 4;
	fx_open(f);			/* 1 */
	for (int i = 0; i < 11; i++)	/* 2..12 */
		fx_coin(f, 100, 4);
	n = op_read_all(f, 0, ev, 64, &dropped);
	/* files of 4: [9..12] and [5..8] kept, 1..4 dropped */
	assert_int_equal(dropped, 4);
	assert_int_equal(n, 8);
	assert_int_equal(ev[0].seq, 5);
	assert_int_equal(ev[7].seq, 12);
	fx_open(f);			/* 13: a new file, [9..12] the old */
	n = op_read_all(f, 6, ev, 64, &dropped);
	assert_int_equal(dropped, 2);
	assert_int_equal(ev[0].seq, 9);
	assert_int_equal(ev[n - 1].seq, 13);
	ledger_events_rotate = EVENTS_ROTATE;
}

/* The log lost (deleted): it starts again from what the journal has,
 * and a reader from 0 is told how many are gone. */
static void
test_events_lost(void **state)
{
	struct fx	*f = *state;
	struct msg_event ev[64];
	uint64_t	 dropped;
	int		 n;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_open(f);			/* compacted: 1..3 only in the log */
	fx_crash(f);
	assert_int_equal(unlink(fx_path(f, "events")), 0);
	fx_open(f);
	fx_coin(f, 100, 4);
	n = op_read_all(f, 0, ev, 64, &dropped);
	assert_int_equal(dropped, 3);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].seq, 4);
}

/* An MDB changer's coins, and change: the request durable before the
 * changer hears of it, what it paid and what it owes after; a payout cut
 * by a crash is owed in full at start (never lost). */
static void
test_mdb_payout(void **state)
{
	struct fx	*f = *state;
	struct msg_mdb_coin c = { .value = 200, .type = 5, .routing = 0 };
	struct msg_payout p = { .id = 7, .amount = 50 };
	struct outbox	 ob;
	int		 i;

	fx_open(f);
	assert_int_equal(fx_msg(f, MSG_MDB_COIN, PROC_MDB, &c, sizeof(c), &ob),
	    0);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_CREDIT_ADDED)].u.credit.credit,
	    200);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	assert_int_equal(fx_msg(f, MSG_PAYOUT_REQ, PROC_SALES, &p, sizeof(p),
	    &ob), 0);
	i = outbox_find(&ob, MSG_PAYOUT);
	assert_int_equal(ob.dst[i], PROC_MDB);
	assert_int_equal(f->l.st.credit, 0);
	assert_true(f->l.st.mdb.payout_active);
	assert_money_invariant(&f->l.st);
	p.paid = 30;			/* a jam: 0.20 short */
	assert_int_equal(fx_msg(f, MSG_PAYOUT_DONE, PROC_MDB, &p, sizeof(p),
	    &ob), 0);
	i = outbox_find(&ob, MSG_PAYOUT_RESULT);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.payout.paid, 30);
	fx_open(f);
	assert_int_equal(f->l.st.mdb.change_paid, 30);
	assert_int_equal(f->l.st.mdb.owed, 20);
	assert_int_equal(f->l.st.mdb.short_payouts, 1);
	assert_int_equal(f->l.st.mdb.to_box, 200);
	assert_int_equal(f->l.st.mdb.coins[5], 1);
	assert_money_invariant(&f->l.st);

	/* a crash with change asked and not confirmed: owed in full */
	assert_int_equal(fx_msg(f, MSG_MDB_COIN, PROC_MDB, &c, sizeof(c), &ob),
	    0);
	p.id = 8;
	p.amount = 200;
	assert_int_equal(fx_msg(f, MSG_PAYOUT_REQ, PROC_SALES, &p, sizeof(p),
	    &ob), 0);
	fx_crash(f);
	fx_open(f);
	assert_false(f->l.st.mdb.payout_active);
	assert_int_equal(f->l.st.mdb.owed, 220);
	assert_int_equal(f->l.st.credit, 0);
	assert_money_invariant(&f->l.st);
	/* a payout that is not the pending one is a bug */
	assert_int_equal(fx_msg(f, MSG_PAYOUT_DONE, PROC_MDB, &p, sizeof(p),
	    &ob), -1);
}

/* A snapshot of version 1 (vendd 0.2 and before: the fuzz corpus holds
 * one) still opens: its new counters are 0, and it is written as 2. */
static void
test_snapshot_v1(void **state)
{
	static struct ledger_state st, back;
	static uint8_t	 buf[SNAP_MAX];
	char		 err[256];
	size_t		 len, n;
	uint8_t		*file;
	FILE		*fp;

	(void)state;
	fp = fopen(SRCDIR "/tests/fuzz/corpus/ledger/snapshot-only", "rb");
	assert_non_null(fp);
	file = malloc(1 << 20);
	len = fread(file, 1, 1 << 20, fp);
	fclose(fp);
	n = (size_t)get_le(file, 4) & 0x7fffffff;
	assert_true(n + 4 <= len);
	assert_int_equal(get_le(file + 4 + 8, 4), 1);	/* version 1 */
	if (ledger_decode_snapshot(file + 4, n, &st, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_true(st.nproducts > 0);
	assert_int_equal(st.c.test_vends, 0);
	assert_int_equal(st.cash_in_collected, 0);
	assert_false(st.product[0].has_price);
	len = ledger_encode_snapshot(&st, buf);
	assert_int_equal(get_le(buf + 8, 4), SNAP_VERSION);
	if (ledger_decode_snapshot(buf, len, &back, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_memory_equal(&st, &back, sizeof(st));
	free(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_price, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_collect, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_test_vend, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_service_records, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_reset, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_events_every_record,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_events_torn_tail,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_events_rotate, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_events_lost, fx_setup,
		    fx_teardown),
		cmocka_unit_test(test_snapshot_v1),
		cmocka_unit_test_setup_teardown(test_mdb_payout, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
