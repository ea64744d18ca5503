/*
 * The MDB activity's decisions for cashless reader #1, with a fake clock
 * and canned answers as tests/mdb/cashless.c gives them (level 1, EUR,
 * scale 1, 2 decimals, 5 s max response): the start-up in MDB's order and
 * its bytes, a session's funds at vendd's decimals, a vend approved,
 * denied, failed or given up on, the reader's cancel request, prices the
 * reader cannot say, sales' enable, a reader that resets itself or stops
 * answering, and late answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mdb_core.h"		/* enum mdb_phase */
#include "mdb_reader.h"
#include "testutil.h"

#define T0	SEC(100)

static const struct mdb_timing timing = {
	.poll_ns = MS(200), .answer_ns = MS(100), .offline_ns = SEC(10),
	.tubes_ns = SEC(60), .reset_wait_ns = MS(500),
};

/* SETUP config data: level 1, EUR (0x1978), scale 1, 2 decimals, 5 s
 * max response, can refund (cashless.c's). */
static const uint8_t config_reply[] = {
	0x01, 0x01, 0x19, 0x78, 0x01, 0x02, 0x05, 0x01,
};
/* The same reader with scale 5. */
static const uint8_t config_reply5[] = {
	0x01, 0x01, 0x19, 0x78, 0x05, 0x02, 0x05, 0x01,
};
/* PERIPHERAL ID: "SIM", serial, model, version 0x0100 (cashless.c's). */
static const uint8_t ident_reply[30] = {
	0x09, 'S', 'I', 'M', 'M', 'D', 'B', 'S', 'I', 'M', '0', '0', '0',
	'0', '1', '0', 'M', 'D', 'B', 'S', 'I', 'M', '-', 'C', 'L', '-',
	'1', ' ', 0x01, 0x00,
};
static const uint8_t just_reset[] = { 0x00 };
static const uint8_t denied[] = { 0x06 };
static const uint8_t cancel_req[] = { 0x04 };
static const uint8_t end_session[] = { 0x07 };
static const uint8_t oos[] = { 0x0b };

static struct mdb_reader c;
static struct mdb_outs	out;
static uint64_t		now;
static uint8_t		sent[MDB_MSG_MAX];
static size_t		nsent;

/* The request due now: its first byte, or -1 when none. */
static int
next(void)
{
	nsent = mdb_reader_next(&c, now, sent);
	return nsent ? sent[0] : -1;
}

/* The request due now is exactly these bytes. */
static void
expect(const uint8_t *b, size_t n)
{
	assert_int_equal(next(), b[0]);
	assert_int_equal(nsent, n);
	assert_memory_equal(sent, b, n);
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
	mdb_reader_answer(&c, &r, now, &out);
}

/* Nobody answered: NACK. */
static void
nack(void)
{
	struct mdb_reply r = { .kind = MDB_REPLY_NACK };

	out.n = 0;
	mdb_reader_answer(&c, &r, now, &out);
}

/* No line at all within answer_ns. */
static void
silent(void)
{
	now += MS(100);
	out.n = 0;
	mdb_reader_silent(&c, now, &out);
}

/* Move the clock to the next deadline. */
static void
wait_due(void)
{
	uint64_t	d = mdb_reader_deadline(&c);

	if (d > now)
		now = d;
}

/* The events of the last call of this kind. */
static int
count(int kind)
{
	int	n = 0;

	for (int i = 0; i < out.n; i++) {
		assert_int_equal(out.o[i].dev, MDB_DEV_CASHLESS);
		n += out.o[i].kind == kind;
	}
	return n;
}

/* The first event of this kind of the last call. */
static const struct mdb_out *
find(int kind)
{
	for (int i = 0; i < out.n; i++)
		if (out.o[i].kind == kind)
			return &out.o[i];
	fail_msg("no event of kind %d", kind);
	return NULL;
}

/* Answer a poll when one is due. */
static void
poll_answer(const uint8_t *b, size_t n)
{
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_POLL);
	answer(b, n);
}

/* The whole start-up to ready, as MDB wants it, with these config data
 * (n bytes) and sales' wish; the bytes sent checked. */
static void
start_up_with(const uint8_t *config, size_t n, int enable, int decimals)
{
	static const uint8_t reset[] = { 0x10 }, poll[] = { 0x12 },
	    setup[] = { 0x11, 0x00, 0x01, 0x00, 0x00, 0x00 },
	    prices[] = { 0x11, 0x01, 0xff, 0xff, 0x00, 0x00 };
	uint8_t	reader[] = { 0x14, (uint8_t)(enable != 0) };

	now = T0;
	mdb_reader_init(&c, &timing, decimals, now);
	mdb_reader_enable(&c, enable);
	expect(reset, sizeof(reset));
	answer(NULL, 0);
	assert_int_equal(next(), -1);		/* 500 ms after a reset */
	wait_due();
	expect(poll, sizeof(poll));
	answer(NULL, 0);			/* not yet */
	wait_due();
	expect(poll, sizeof(poll));
	answer(just_reset, 1);
	expect(setup, sizeof(setup));
	answer(config, n);
	assert_int_equal(out.n, 0);
	expect(prices, sizeof(prices));
	answer(NULL, 0);
	assert_int_equal(next(), MDB_CASHLESS_EXPANSION);
	assert_int_equal(nsent, 31);
	assert_int_equal(sent[1], 0x00);
	assert_memory_equal(sent + 2, "VND0000000001  vendd       ", 27);
	assert_int_equal(sent[29] << 8 | sent[30], 0x0100);
	answer(ident_reply, sizeof(ident_reply));
	assert_int_equal(out.n, 0);
	expect(reader, sizeof(reader));
	answer(NULL, 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_ONLINE)->dev, MDB_DEV_CASHLESS);
	assert_int_equal(c.phase, MDB_PH_READY);
	assert_true(c.online);
}

/* The sim's reader, enabled, vendd at 2 decimals. */
static void
start_up(void)
{
	start_up_with(config_reply, sizeof(config_reply), 1, 2);
}

/* A card with funds (scaled) presented: the session begun. */
static void
begin(unsigned funds)
{
	uint8_t	b[] = { 0x03, (uint8_t)(funds >> 8), (uint8_t)funds };

	poll_answer(b, sizeof(b));
	assert_int_equal(count(MDB_OUT_CL_SESSION), 1);
	assert_int_equal(c.session, MDB_CL_OPEN);
}

/* A vend of price asked, its VEND REQUEST sent with scaled and item and
 * acknowledged. */
static void
ask(uint32_t id, int64_t price, unsigned scaled, uint16_t item)
{
	uint8_t	req[] = { 0x13, 0x00, (uint8_t)(scaled >> 8),
		    (uint8_t)scaled, (uint8_t)(item >> 8), (uint8_t)item };

	out.n = 0;
	mdb_reader_vend(&c, id, price, item, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(c.session, MDB_CL_ASKED);
	wait_due();
	expect(req, sizeof(req));
	answer(NULL, 0);
	assert_int_equal(out.n, 0);
}

/* The vend asked approved for scaled: said with its amount. */
static void
approve(uint32_t id, unsigned scaled, int64_t value)
{
	uint8_t	b[] = { 0x05, (uint8_t)(scaled >> 8), (uint8_t)scaled };

	poll_answer(b, sizeof(b));
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_APPROVED)->id, id);
	assert_int_equal(find(MDB_OUT_CL_APPROVED)->value, value);
	assert_int_equal(c.session, MDB_CL_VENDING);
}

/* SESSION COMPLETE is due next; answered 07 inline: the session is over. */
static void
complete(void)
{
	static const uint8_t sc[] = { 0x13, 0x04 };

	wait_due();
	expect(sc, sizeof(sc));
	answer(end_session, 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	assert_int_equal(c.session, MDB_CL_IDLE);
	assert_int_equal(c.pending, MDB_CL_DUE_NONE);
}

static void
test_start_up(void **state)
{
	(void)state;
	start_up();
	assert_int_equal(c.config.scale, 1);
	assert_int_equal(c.config.decimals, 2);
	assert_int_equal(c.config.max_response, 5);
	assert_int_equal(c.config.currency, 0x1978);
	assert_int_equal(c.mode.level, 1);
	assert_int_equal(c.mode.display, 0);
	assert_string_equal(c.ident.manufacturer, "SIM");
	/* ready: a poll every poll_ns */
	assert_int_equal(next(), -1);
	now += MS(200);
	assert_int_equal(next(), MDB_CASHLESS_POLL);
	answer(NULL, 0);
	assert_int_equal(out.n, 0);
}

/* "Just reset" never heard: set up 2 s after the RESET anyway; config
 * data without the config asked again; no identification: go on. */
static void
test_start_up_odd(void **state)
{
	static const uint8_t cancelled[] = { 0x08 };

	(void)state;
	now = T0;
	mdb_reader_init(&c, &timing, 2, now);
	assert_int_equal(next(), MDB_CASHLESS_RESET);
	answer(NULL, 0);
	for (int guard = 0; guard < 20 && c.phase == MDB_PH_WAIT_RESET;
	    guard++) {
		wait_due();
		assert_int_equal(next(), MDB_CASHLESS_POLL);
		answer(NULL, 0);
	}
	assert_true(now - T0 >= SEC(2));
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	answer(cancelled, 1);			/* no config in it */
	assert_int_equal(count(MDB_OUT_BAD), 1);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	assert_int_equal(sent[1], 0x00);	/* asked again */
	answer(config_reply, sizeof(config_reply));
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	assert_int_equal(sent[1], 0x01);
	answer(NULL, 0);
	assert_int_equal(next(), MDB_CASHLESS_EXPANSION);
	nack();
	assert_int_equal(next(), MDB_CASHLESS_READER);
	assert_int_equal(sent[1], 0x00);	/* sales has not said yet */
	answer(NULL, 0);
	assert_int_equal(count(MDB_OUT_ONLINE), 1);
}

/* A session's funds at vendd's decimals: scale 1, 2 decimals as they
 * are, or to 3 decimals; scale 5; "unknown" is -1. */
static void
test_session_funds(void **state)
{
	static const uint8_t unknown[] = { 0x03, 0xff, 0xff };

	(void)state;
	start_up();
	begin(500);
	assert_int_equal(find(MDB_OUT_CL_SESSION)->value, 500);
	mdb_reader_end(&c);			/* sales ends it */
	assert_int_equal(c.session, MDB_CL_ENDING);
	complete();

	start_up_with(config_reply, sizeof(config_reply), 1, 3);
	begin(500);
	assert_int_equal(find(MDB_OUT_CL_SESSION)->value, 5000);

	start_up_with(config_reply5, sizeof(config_reply5), 1, 2);
	begin(100);				/* 100 * 5 = 5.00 */
	assert_int_equal(find(MDB_OUT_CL_SESSION)->value, 500);

	start_up();
	poll_answer(unknown, sizeof(unknown));
	assert_int_equal(find(MDB_OUT_CL_SESSION)->value, -1);
}

/* Approved: VEND SUCCESS with the item, then SESSION COMPLETE, 07. */
static void
test_vend_approved(void **state)
{
	static const uint8_t success[] = { 0x13, 0x02, 0x00, 0x03 };

	(void)state;
	start_up();
	begin(500);
	ask(7, 150, 150, 3);
	approve(7, 150, 150);
	mdb_reader_vend_end(&c, 8, 1);		/* another's: ignored */
	poll_answer(NULL, 0);
	mdb_reader_vend_end(&c, 7, 1);
	wait_due();
	expect(success, sizeof(success));
	answer(NULL, 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(c.session, MDB_CL_ENDING);
	complete();
}

/* Denied: said, and the session completed. */
static void
test_vend_denied(void **state)
{
	(void)state;
	start_up();
	begin(100);
	ask(3, 150, 150, 1);
	poll_answer(denied, 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 3);
	assert_int_equal(c.session, MDB_CL_ENDING);
	complete();
}

/* The vend failed: VEND FAILURE (the reader refunds), SESSION COMPLETE;
 * answers deferred (ACK, the code in a poll) end it too. */
static void
test_vend_failure(void **state)
{
	static const uint8_t failure[] = { 0x13, 0x03 }, sc[] = { 0x13, 0x04 };

	(void)state;
	start_up();
	begin(500);
	ask(4, 200, 200, 2);
	approve(4, 200, 200);
	mdb_reader_vend_end(&c, 4, 0);
	wait_due();
	expect(failure, sizeof(failure));
	nack();					/* sent again */
	wait_due();
	expect(failure, sizeof(failure));
	answer(NULL, 0);
	wait_due();
	expect(sc, sizeof(sc));
	answer(NULL, 0);			/* -D: 07 comes later */
	assert_int_equal(out.n, 0);
	assert_int_equal(c.session, MDB_CL_ENDING);
	poll_answer(end_session, 1);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	assert_int_equal(c.session, MDB_CL_IDLE);
}

/* No approval within the reader's 5 s: VEND CANCEL, denied, completed. */
static void
test_approval_timeout(void **state)
{
	static const uint8_t cancel[] = { 0x13, 0x01 };
	uint64_t	asked;

	(void)state;
	start_up();
	begin(500);
	ask(5, 100, 100, 9);
	asked = now;
	for (;;) {
		wait_due();
		if (next() != MDB_CASHLESS_POLL)
			break;
		assert_true(now - asked < SEC(5));
		answer(NULL, 0);
		assert_int_equal(out.n, 0);
	}
	assert_true(now - asked >= SEC(5));
	assert_int_equal(nsent, sizeof(cancel));
	assert_memory_equal(sent, cancel, sizeof(cancel));
	answer(denied, 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 5);
	complete();
}

/* The reader approved just as it was given up on (its 0B to VEND
 * CANCEL, 05 in the next poll): refused with VEND FAILURE, the card
 * refunded; vendd's session is over. */
static void
test_late_approval(void **state)
{
	static const uint8_t approved[] = { 0x05, 0x00, 0x64 },
	    failure[] = { 0x13, 0x03 }, sc[] = { 0x13, 0x04 };

	(void)state;
	start_up();
	begin(500);
	ask(6, 100, 100, 1);
	now += SEC(5);
	assert_int_equal(next(), MDB_CASHLESS_VEND);
	assert_int_equal(sent[1], 0x01);
	answer(oos, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 6);
	assert_int_equal(find(MDB_OUT_FAULT)->code, 0x0b);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	poll_answer(approved, sizeof(approved));
	assert_int_equal(out.n, 0);		/* nobody to give it to */
	wait_due();
	expect(failure, sizeof(failure));
	answer(NULL, 0);
	wait_due();
	expect(sc, sizeof(sc));
	answer(end_session, 1);
	assert_int_equal(out.n, 0);		/* said ended already */
}

/* The reader asks to end an open session: SESSION COMPLETE; a vend
 * asked meanwhile is denied at once. */
static void
test_cancel_open(void **state)
{
	(void)state;
	start_up();
	begin(500);
	poll_answer(cancel_req, 1);
	assert_int_equal(out.n, 0);
	assert_int_equal(c.session, MDB_CL_ENDING);
	out.n = 0;
	mdb_reader_vend(&c, 1, 100, 1, &out);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 1);
	complete();
}

/* A cancel request while vending waits for the vend's end; one while
 * the approval is awaited cancels the vend. */
static void
test_cancel_vending(void **state)
{
	static const uint8_t success[] = { 0x13, 0x02, 0x00, 0x01 },
	    cancel[] = { 0x13, 0x01 };

	(void)state;
	start_up();
	begin(500);
	ask(2, 100, 100, 1);
	approve(2, 100, 100);
	poll_answer(cancel_req, 1);
	assert_int_equal(out.n, 0);
	poll_answer(NULL, 0);			/* still a poll */
	assert_int_equal(c.session, MDB_CL_VENDING);
	mdb_reader_vend_end(&c, 2, 1);
	wait_due();
	expect(success, sizeof(success));
	answer(NULL, 0);
	complete();

	begin(500);
	ask(3, 100, 100, 1);
	poll_answer(cancel_req, 1);
	wait_due();
	expect(cancel, sizeof(cancel));
	answer(denied, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 3);
	complete();
}

/* Prices the reader's scale and decimals cannot say: denied at once. */
static void
test_price_unsayable(void **state)
{
	(void)state;
	start_up_with(config_reply5, sizeof(config_reply5), 1, 2);
	begin(100);
	out.n = 0;
	mdb_reader_vend(&c, 1, 152, 1, &out);	/* not a multiple of 5 */
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 1);
	out.n = 0;
	mdb_reader_vend(&c, 2, 0xffffLL * 5, 1, &out);	/* 0xFFFF: no */
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 2);
	out.n = 0;
	mdb_reader_vend(&c, 3, -5, 1, &out);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 3);
	assert_int_equal(c.session, MDB_CL_OPEN);
	ask(4, 150, 30, 1);			/* 1.50 / 5 */

	start_up_with(config_reply, sizeof(config_reply), 1, 3);
	begin(500);
	out.n = 0;
	mdb_reader_vend(&c, 5, 1505, 1, &out);	/* 1.505 */
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 5);
	ask(6, 1500, 150, 1);
	approve(6, 150, 1500);
}

/* No session, or the reader not ready: denied at once. */
static void
test_vend_no_session(void **state)
{
	(void)state;
	now = T0;
	mdb_reader_init(&c, &timing, 2, now);
	out.n = 0;
	mdb_reader_vend(&c, 1, 100, 1, &out);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 1);
	start_up();
	out.n = 0;
	mdb_reader_vend(&c, 2, 100, 1, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 2);
	assert_int_equal(c.session, MDB_CL_IDLE);
	mdb_reader_end(&c);			/* nothing to end */
	assert_int_equal(c.pending, MDB_CL_DUE_NONE);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_POLL);
}

/* Sales' wish: READER ENABLE 14 01, DISABLE 14 00, each once. */
static void
test_enable(void **state)
{
	static const uint8_t on[] = { 0x14, 0x01 }, off[] = { 0x14, 0x00 };

	(void)state;
	start_up_with(config_reply, sizeof(config_reply), 0, 2);
	poll_answer(NULL, 0);
	mdb_reader_enable(&c, 1);
	wait_due();
	expect(on, sizeof(on));
	answer(NULL, 0);
	poll_answer(NULL, 0);
	mdb_reader_enable(&c, 0);
	wait_due();
	expect(off, sizeof(off));
	nack();					/* sent again */
	wait_due();
	expect(off, sizeof(off));
	answer(NULL, 0);
	poll_answer(NULL, 0);
}

/* Silent: offline once, the session lost (the vend asked denied, the
 * session said over), RESET until it answers, the start-up again. */
static void
test_offline(void **state)
{
	uint64_t	start;
	int		offline = 0, denials = 0, ends = 0;

	(void)state;
	start_up();
	begin(500);
	ask(9, 100, 100, 1);
	start = now;
	while (now - start < SEC(12)) {
		wait_due();
		if (next() == -1) {
			now += MS(1);
			continue;
		}
		silent();
		offline += count(MDB_OUT_OFFLINE);
		denials += count(MDB_OUT_CL_DENIED);
		ends += count(MDB_OUT_CL_END);
	}
	assert_int_equal(offline, 1);
	assert_int_equal(denials, 1);
	assert_int_equal(ends, 1);
	assert_false(c.online);
	assert_int_equal(c.session, MDB_CL_IDLE);
	assert_int_equal(c.phase, MDB_PH_RESET);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_RESET);
	answer(NULL, 0);
	assert_int_equal(c.phase, MDB_PH_WAIT_RESET);
	poll_answer(just_reset, 1);
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	answer(config_reply, sizeof(config_reply));
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	answer(NULL, 0);
	assert_int_equal(next(), MDB_CASHLESS_EXPANSION);
	answer(ident_reply, sizeof(ident_reply));
	assert_int_equal(next(), MDB_CASHLESS_READER);
	answer(NULL, 0);
	assert_int_equal(count(MDB_OUT_ONLINE), 1);
}

/* The reader reset itself: an approved vend is lost (FAULT, code 0, its
 * id), one awaiting approval denied; the session over; set up again
 * from SETUP, not said online twice. */
static void
test_reader_reset(void **state)
{
	(void)state;
	start_up();
	begin(500);
	ask(11, 100, 100, 1);
	approve(11, 100, 100);
	poll_answer(just_reset, 1);
	assert_int_equal(out.n, 2);
	assert_int_equal(find(MDB_OUT_FAULT)->code, 0);
	assert_int_equal(find(MDB_OUT_FAULT)->id, 11);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	assert_int_equal(c.session, MDB_CL_IDLE);
	mdb_reader_vend_end(&c, 11, 1);		/* ignored */
	assert_int_equal(c.pending, MDB_CL_DUE_NONE);
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	assert_int_equal(sent[1], 0x00);
	answer(config_reply, sizeof(config_reply));
	assert_int_equal(next(), MDB_CASHLESS_SETUP);
	answer(NULL, 0);
	assert_int_equal(next(), MDB_CASHLESS_EXPANSION);
	answer(ident_reply, sizeof(ident_reply));
	assert_int_equal(next(), MDB_CASHLESS_READER);
	assert_int_equal(sent[1], 0x01);
	answer(NULL, 0);
	assert_int_equal(out.n, 0);		/* online all along */

	begin(500);
	ask(12, 100, 100, 1);
	poll_answer(just_reset, 1);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 12);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
}

/* The reader's errors are said; "out of sequence" to a vend request
 * ends vendd's view of the session. */
static void
test_errors(void **state)
{
	static const uint8_t error[] = { 0x0a, 0x21 }, junk[] = { 0x03, 0x01 };

	(void)state;
	start_up();
	poll_answer(error, sizeof(error));
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_FAULT)->code, 0x21);
	begin(500);
	out.n = 0;
	mdb_reader_vend(&c, 13, 100, 1, &out);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_VEND);
	answer(oos, 1);
	assert_int_equal(find(MDB_OUT_FAULT)->code, 0x0b);
	assert_int_equal(find(MDB_OUT_CL_DENIED)->id, 13);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	assert_int_equal(c.session, MDB_CL_IDLE);
	poll_answer(junk, sizeof(junk));	/* garbled: said, no more */
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_BAD)->code, MDB_CASHLESS_POLL);
}

/* An unanswered VEND REQUEST is not sent twice (the reader may have it):
 * the polls go on, and the approval wait ends it. */
static void
test_request_unanswered(void **state)
{
	uint8_t	b[] = { 0x05, 0x00, 0x64 };

	(void)state;
	start_up();
	begin(500);
	out.n = 0;
	mdb_reader_vend(&c, 14, 100, 1, &out);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_VEND);
	assert_int_equal(sent[1], 0x00);
	silent();
	assert_int_equal(c.pending, MDB_CL_DUE_NONE);
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_POLL);	/* not VEND */
	answer(b, sizeof(b));			/* it had it: approved */
	assert_int_equal(find(MDB_OUT_CL_APPROVED)->id, 14);
	assert_int_equal(find(MDB_OUT_CL_APPROVED)->value, 100);
}

/* An answer later than answer_ns: nothing new is sent for a while, and
 * the late line is that request's answer (a session begun in it is
 * said); a line nobody asked for is said, not taken. */
static void
test_late_answer(void **state)
{
	static const uint8_t session[] = { 0x03, 0x01, 0xf4 };

	(void)state;
	start_up();
	wait_due();
	assert_int_equal(next(), MDB_CASHLESS_POLL);
	silent();
	assert_int_equal(out.n, 0);
	assert_int_equal(next(), -1);		/* the late line's wait */
	now += MS(150);
	answer(session, sizeof(session));
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_CL_SESSION)->value, 500);
	answer(session, sizeof(session));	/* asked by nobody */
	assert_int_equal(out.n, 1);
	assert_int_equal(find(MDB_OUT_BAD)->code, -1);
	assert_int_equal(c.session, MDB_CL_OPEN);
}

/* The reader ends a session on its own: said over; an approved vend in
 * it lost. */
static void
test_reader_ends(void **state)
{
	(void)state;
	start_up();
	begin(500);
	poll_answer(end_session, 1);
	assert_int_equal(out.n, 1);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
	begin(500);
	ask(15, 100, 100, 1);
	approve(15, 100, 100);
	poll_answer(end_session, 1);
	assert_int_equal(find(MDB_OUT_FAULT)->id, 15);
	assert_int_equal(find(MDB_OUT_FAULT)->value, 100);
	assert_int_equal(count(MDB_OUT_CL_END), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_up),
		cmocka_unit_test(test_start_up_odd),
		cmocka_unit_test(test_session_funds),
		cmocka_unit_test(test_vend_approved),
		cmocka_unit_test(test_vend_denied),
		cmocka_unit_test(test_vend_failure),
		cmocka_unit_test(test_approval_timeout),
		cmocka_unit_test(test_late_approval),
		cmocka_unit_test(test_cancel_open),
		cmocka_unit_test(test_cancel_vending),
		cmocka_unit_test(test_price_unsayable),
		cmocka_unit_test(test_vend_no_session),
		cmocka_unit_test(test_enable),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_reader_reset),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_request_unanswered),
		cmocka_unit_test(test_late_answer),
		cmocka_unit_test(test_reader_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
