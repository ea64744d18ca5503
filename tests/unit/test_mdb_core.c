/*
 * The MDB activity's decisions for the coin changer, with a fake clock and
 * canned answers as a level 3 EUR changer gives them: the start-up in
 * MDB's order, coins credited at vendd's decimals (rejected ones not),
 * the acceptor blocked and freed, a changer that resets itself set up
 * again, and one that stops answering called offline once, then reset
 * until it answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mdb_core.h"
#include "testutil.h"

#define T0	SEC(100)

static const struct mdb_timing timing = {
	.poll_ns = MS(200), .answer_ns = MS(100), .offline_ns = SEC(10),
	.tubes_ns = SEC(60), .reset_wait_ns = MS(500),
};

/* SETUP: level 3, EUR (0x1978), scaling 5, 2 decimals, all to tubes but
 * 2.00, credits 0.05 0.10 0.20 0.50 1.00 2.00. */
static const uint8_t setup_reply[] = {
	0x03, 0x19, 0x78, 0x05, 0x02, 0x00, 0x1f, 1, 2, 4, 10, 20, 40,
};
/* TUBE STATUS: nothing full, 20 0.05s, 30 0.10s, 25 0.20s, 10 0.50s, 8 1.00s. */
static const uint8_t tubes_reply[] = {
	0x00, 0x00, 20, 30, 25, 10, 8, 0,
};

static struct mdb_core	c;
static struct mdb_outs	out;
static uint64_t		now;
static uint8_t		sent[MDB_MSG_MAX];
static size_t		nsent;

/* The request due now: its first byte, or -1 when none. */
static int
next(void)
{
	nsent = mdb_core_next(&c, now, sent);
	return nsent ? sent[0] : -1;
}

/* Answer the outstanding request with data (n > 0), ACK (n == 0). */
static void
answer(const uint8_t *b, size_t n)
{
	struct mdb_reply r;

	memset(&r, 0, sizeof(r));
	r.kind = n ? MDB_REPLY_DATA : MDB_REPLY_ACK;
	r.len = n;
	if (n)
		memcpy(r.data, b, n);
	out.n = 0;
	mdb_core_answer(&c, &r, now, &out);
}

/* Nobody answered: NACK. */
static void
nack(void)
{
	struct mdb_reply r = { .kind = MDB_REPLY_NACK };

	out.n = 0;
	mdb_core_answer(&c, &r, now, &out);
}

/* Move the clock to the next deadline. */
static void
wait_due(void)
{
	uint64_t	d = mdb_core_deadline(&c);

	if (d > now)
		now = d;
}

static void	start_up_ident(const uint8_t *, size_t);

/* The whole start-up to ready, a level 2 answer to the identification (a
 * NACK); the acceptor freed by sales. */
static void
start_up(void)
{
	start_up_ident(NULL, 0);
}

/* The same, with ident's reply (NULL: a NACK); its alternative payout
 * feature enabled before TUBE STATUS. */
static void
start_up_ident(const uint8_t *ident, size_t nident)
{
	static const uint8_t just_reset[] = { 0x0b };

	now = T0;
	mdb_core_init(&c, &timing, 2, now);
	mdb_core_inhibit(&c, 0);
	assert_int_equal(next(), MDB_CHANGER_RESET);
	answer(NULL, 0);
	assert_int_equal(next(), -1);		/* 500 ms after a reset */
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(NULL, 0);			/* not yet */
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(just_reset, 1);
	assert_int_equal(next(), MDB_CHANGER_SETUP);
	answer(setup_reply, sizeof(setup_reply));
	assert_int_equal(next(), MDB_CHANGER_EXPANSION);
	assert_int_equal(sent[1], MDB_CHANGER_X_IDENT);
	if (ident == NULL)
		nack();				/* a level 2 changer: none */
	else {
		answer(ident, nident);
		assert_int_equal(next(), MDB_CHANGER_EXPANSION);
		assert_int_equal(nsent, 6);	/* FEATURE ENABLE */
		assert_int_equal(sent[1], MDB_CHANGER_X_FEATURES);
		assert_int_equal(sent[5], MDB_CHANGER_F_ALT_PAYOUT);
		answer(NULL, 0);
		assert_true(c.alt_payout);
	}
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(tubes_reply, sizeof(tubes_reply));
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[0].kind, MDB_OUT_TUBES);
	assert_int_equal(out.o[1].kind, MDB_OUT_EXACT);	/* said once */
	assert_int_equal(out.o[1].code, 0);
	assert_int_equal(next(), MDB_CHANGER_COIN_TYPE);
	assert_int_equal(nsent, 5);
	assert_int_equal(sent[1] << 8 | sent[2], 0x003f);	/* accept all */
	answer(NULL, 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_ONLINE);
	assert_int_equal(c.phase, MDB_PH_READY);
}

static void
test_start_up(void **state)
{
	(void)state;
	start_up();
	assert_int_equal(c.setup.scale, 5);
	assert_int_equal(c.tubes.count[1], 30);
	/* ready: a poll every poll_ns */
	assert_int_equal(next(), -1);
	now += MS(200);
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(NULL, 0);
	assert_int_equal(out.n, 0);
}

/* Coins: to the tubes or the cash box, valued at vendd's decimals; a
 * rejected one is no money; several in one poll. */
static void
test_coins(void **state)
{
	/* 0.50 to the tubes (now 11), 2.00 to the cash box, a rejected 1.00 */
	static const uint8_t poll[] = { 0x53, 11, 0x45, 0, 0x74, 8 };

	(void)state;
	start_up();
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(poll, sizeof(poll));
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[0].kind, MDB_OUT_COIN);
	assert_int_equal(out.o[0].value, 50);
	assert_int_equal(out.o[0].type, 3);
	assert_int_equal(out.o[0].routing, MDB_ROUTE_TUBES);
	assert_int_equal(out.o[1].value, 200);
	assert_int_equal(out.o[1].routing, MDB_ROUTE_CASHBOX);
	assert_int_equal(c.tubes.count[3], 11);

	/* vendd with 3 decimals: 0.500 = 500 */
	c.decimals = 3;
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(poll, 2);
	assert_int_equal(out.o[0].value, 500);
}

/* Sales blocks the acceptor: COIN TYPE 0 at the next request, then polls;
 * freed: all types again. */
static void
test_inhibit(void **state)
{
	(void)state;
	start_up();
	mdb_core_inhibit(&c, 1);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_COIN_TYPE);
	assert_int_equal(sent[1] << 8 | sent[2], 0);
	assert_int_equal(sent[3] << 8 | sent[4], 0x003f);  /* manual: kept */
	answer(NULL, 0);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(NULL, 0);
	mdb_core_inhibit(&c, 0);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_COIN_TYPE);
	assert_int_equal(sent[1] << 8 | sent[2], 0x003f);
}

/* A changer that reports it was reset (its power cut) is set up again. */
static void
test_changer_reset(void **state)
{
	static const uint8_t just_reset[] = { 0x0b };

	(void)state;
	start_up();
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(just_reset, 1);
	assert_int_equal(next(), MDB_CHANGER_SETUP);
}

/* Silent: offline once after offline_ns, RESET tried on; back: set up
 * again and online. */
static void
test_offline(void **state)
{
	uint64_t	start;
	int		offline = 0;
	struct mdb_reply silent;

	(void)state;
	memset(&silent, 0, sizeof(silent));
	start_up();
	start = now;
	while (now - start < SEC(12)) {
		wait_due();
		if (next() == -1) {
			now += MS(1);
			continue;
		}
		now += MS(100);			/* no line at all */
		out.n = 0;
		mdb_core_silent(&c, now, &out);
		for (int i = 0; i < out.n; i++)
			offline += out.o[i].kind == MDB_OUT_OFFLINE;
	}
	assert_int_equal(offline, 1);
	assert_false(c.online);
	assert_int_equal(c.phase, MDB_PH_RESET);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_RESET);
	answer(NULL, 0);
	assert_int_equal(c.phase, MDB_PH_WAIT_RESET);
	(void)silent;
}

/* Answers that are not MDB: said, and nothing else happens. */
static void
test_bad_answers(void **state)
{
	static const uint8_t junk[] = { 0x99 }, short_setup[] = { 0x03 };

	(void)state;
	start_up();
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(junk, 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_BAD);
	{	/* a coin before a garbled byte is still credited */
		static const uint8_t coin_junk[] = { 0x53, 11, 0x99 };

		wait_due();
		assert_int_equal(next(), MDB_CHANGER_POLL);
		answer(coin_junk, sizeof(coin_junk));
		assert_int_equal(out.n, 2);
		assert_int_equal(out.o[0].kind, MDB_OUT_BAD);
		assert_int_equal(out.o[1].kind, MDB_OUT_COIN);
		assert_int_equal(out.o[1].value, 50);
	}

	now = T0;
	mdb_core_init(&c, &timing, 2, now);
	c.phase = MDB_PH_SETUP;
	assert_int_equal(next(), MDB_CHANGER_SETUP);
	answer(short_setup, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_BAD);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_SETUP);	/* asked again */
}

/* Change: the plan's DISPENSE steps one by one, each waited out while the
 * changer says "payout busy", then TUBE STATUS: what left is paid; a jam
 * (fewer coins left) is the rest owed. */
static void
test_payout(void **state)
{
	static const uint8_t busy[] = { 0x02 };
	uint8_t		after[sizeof(tubes_reply)];

	(void)state;
	start_up();
	out.n = 0;
	mdb_core_payout(&c, 9, 70, &out);	/* 0.50 + 0.20 */
	assert_int_equal(out.n, 0);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);	/* counts now */
	answer(tubes_reply, sizeof(tubes_reply));
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_DISPENSE);
	assert_int_equal(sent[1], 0x13);	/* one coin of type 3 */
	answer(NULL, 0);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(busy, 1);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	answer(NULL, 0);			/* done */
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_DISPENSE);
	assert_int_equal(sent[1], 0x12);	/* one coin of type 2 */
	answer(NULL, 0);
	/* never said busy (a quick coin): paid once quiet 500 ms */
	for (int guard = 0; guard < 10; guard++) {
		wait_due();
		if (next() != MDB_CHANGER_POLL)
			break;
		answer(NULL, 0);
	}
	assert_int_equal(sent[0], MDB_CHANGER_TUBE_STATUS);
	memcpy(after, tubes_reply, sizeof(after));
	after[2 + 3] = 9;			/* one 0.50 left */
	after[2 + 2] = 24;			/* one 0.20 left */
	answer(after, sizeof(after));
	assert_int_equal(out.o[1].kind, MDB_OUT_PAID);
	assert_int_equal(out.o[1].id, 9);
	assert_int_equal(out.o[1].value, 70);
	assert_int_equal(out.o[1].paid, 70);

	/* a jam: only the 0.50 left the tubes */
	memcpy(after, tubes_reply, sizeof(after));
	mdb_core_payout(&c, 10, 70, &out);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(tubes_reply, sizeof(tubes_reply));
	for (int guard = 0; guard < 30; guard++) {
		wait_due();
		if (next() == MDB_CHANGER_TUBE_STATUS)
			break;
		answer(NULL, 0);
	}
	assert_int_equal(sent[0], MDB_CHANGER_TUBE_STATUS);
	after[2 + 3] = 8;
	answer(after, sizeof(after));
	assert_int_equal(out.o[1].kind, MDB_OUT_PAID);
	assert_int_equal(out.o[1].paid, 50);

	/* a DISPENSE unanswered is not sent again (it may have been taken):
	 * the changer is polled, and the tubes say what left */
	mdb_core_payout(&c, 12, 20, &out);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(tubes_reply, sizeof(tubes_reply));
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_DISPENSE);
	now += MS(100);
	out.n = 0;
	mdb_core_silent(&c, now, &out);
	for (int guard = 0; guard < 10; guard++) {
		wait_due();
		if (next() != MDB_CHANGER_POLL)
			break;
		answer(NULL, 0);
	}
	assert_int_equal(sent[0], MDB_CHANGER_TUBE_STATUS);
	answer(after, sizeof(after));
	assert_int_equal(out.o[1].kind, MDB_OUT_PAID);

	/* offline: all owed at once */
	c.online = 0;
	out.n = 0;
	mdb_core_payout(&c, 11, 30, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_PAID);
	assert_int_equal(out.o[0].paid, 0);
}

/* Tubes too low to change a 2.00 for the cheapest price (1.50): exact
 * change only, and the 2.00 no longer taken; refilled: change again. */
static void
test_exact_change(void **state)
{
	uint8_t	low[sizeof(tubes_reply)] = { 0x00, 0x00, 2, 0, 0, 0, 0, 0 };
	int	i;

	(void)state;
	start_up();
	out.n = 0;
	mdb_core_prices(&c, 150, &out);
	assert_int_equal(out.n, 0);		/* 0.50 payable: no change */
	c.tubes_at = now;			/* a TUBE STATUS is due */
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(low, sizeof(low));		/* two 0.05s left */
	for (i = 0; i < out.n && out.o[i].kind != MDB_OUT_EXACT; i++)
		;
	assert_true(i < out.n);
	assert_int_equal(out.o[i].code, 1);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_COIN_TYPE);
	assert_int_equal(sent[1] << 8 | sent[2], 0x001f);	/* no 2.00 */
	answer(NULL, 0);
	c.tubes_at = now;
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(tubes_reply, sizeof(tubes_reply));
	assert_int_equal(out.o[1].kind, MDB_OUT_EXACT);
	assert_int_equal(out.o[1].code, 0);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_COIN_TYPE);
	assert_int_equal(sent[1] << 8 | sent[2], 0x003f);
}

/* An answer later than answer_ns: nothing new is sent for a while, and
 * the late line is that request's answer (a coin in it is credited); a
 * line nobody asked for is said, not taken. */
static void
test_late_answer(void **state)
{
	static const uint8_t coin[] = { 0x53, 11 };

	(void)state;
	start_up();
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_POLL);
	now += MS(100);
	out.n = 0;
	mdb_core_silent(&c, now, &out);
	assert_int_equal(next(), -1);		/* a while: the late line */
	now += MS(150);
	answer(coin, sizeof(coin));
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_COIN);
	assert_int_equal(out.o[0].value, 50);
	answer(coin, sizeof(coin));		/* asked by nobody */
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].kind, MDB_OUT_BAD);
}

/* A level 3 changer with the alternative payout: each step's PAYOUT
 * STATUS says what it paid (ACK while still paying), and that is trusted
 * over the tube counts (a lower bound). */
static void
test_payout_status(void **state)
{
	uint8_t		ident[33], status[16], after[sizeof(tubes_reply)];

	(void)state;
	memset(ident, ' ', sizeof(ident));
	memset(ident + 27, 0, 6);
	ident[32] = MDB_CHANGER_F_ALT_PAYOUT;	/* features, last byte */
	start_up_ident(ident, sizeof(ident));
	out.n = 0;
	mdb_core_payout(&c, 3, 50, &out);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	answer(tubes_reply, sizeof(tubes_reply));
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_DISPENSE);
	answer(NULL, 0);
	for (int guard = 0; guard < 10; guard++) {	/* quiet 500 ms */
		wait_due();
		if (next() != MDB_CHANGER_POLL)
			break;
		answer(NULL, 0);
	}
	assert_int_equal(sent[0], MDB_CHANGER_EXPANSION);
	assert_int_equal(sent[1], MDB_CHANGER_X_PAYOUT_STATUS);
	answer(NULL, 0);			/* still paying */
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_EXPANSION);
	memset(status, 0, sizeof(status));
	status[3] = 1;				/* one 0.50 */
	answer(status, sizeof(status));
	assert_int_equal(out.n, 1);		/* told, for a crash now */
	assert_int_equal(out.o[0].kind, MDB_OUT_STEP);
	assert_int_equal(out.o[0].id, 3);
	assert_int_equal(out.o[0].paid, 50);
	wait_due();
	assert_int_equal(next(), MDB_CHANGER_TUBE_STATUS);
	memcpy(after, tubes_reply, sizeof(after));	/* the count lags */
	answer(after, sizeof(after));
	assert_int_equal(out.o[out.n - 1].kind, MDB_OUT_PAID);
	assert_int_equal(out.o[out.n - 1].paid, 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_up),
		cmocka_unit_test(test_coins),
		cmocka_unit_test(test_inhibit),
		cmocka_unit_test(test_changer_reset),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_bad_answers),
		cmocka_unit_test(test_payout),
		cmocka_unit_test(test_exact_change),
		cmocka_unit_test(test_late_answer),
		cmocka_unit_test(test_payout_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
