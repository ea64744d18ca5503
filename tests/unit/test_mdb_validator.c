/*
 * The MDB activity's decisions for the bill validator, with a fake clock
 * and canned answers as tests/mdb/validator.c gives them (EUR, scaling
 * 100, 2 decimals, notes of 5 10 20 50): the start-up in MDB's order, a
 * note held in escrow until the shell decides, stacked or given back, its
 * fate settled by a reset, the types blocked by sales or a full stacker,
 * and a validator that stops answering called offline once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mdb_core.h"		/* enum mdb_phase */
#include "mdb_validator.h"
#include "testutil.h"

#define T0	SEC(100)

static const struct mdb_timing timing = {
	.poll_ns = MS(200), .answer_ns = MS(100), .offline_ns = SEC(10),
	.tubes_ns = SEC(60), .reset_wait_ns = MS(500),
};

/* SETUP as mdbsim's validator gives it: level 1, EUR (0x1978), scaling
 * 100, 2 decimals, stacker of 500, types 0-3 high security, escrow, the
 * credits 5 10 20 50 and 12 unused types. */
static const uint8_t setup_reply[27] = {
	0x01, 0x19, 0x78, 0x00, 0x64, 0x02, 0x01, 0xf4, 0x00, 0x0f, 0xff,
	5, 10, 20, 50,
};
static const uint8_t stacker_ok[] = { 0x00, 0x05 };	/* 5 notes */
static const uint8_t stacker_full[] = { 0x81, 0xf4 };	/* full, 500 */

static struct mdb_validator	v;
static struct mdb_outs		out;
static uint64_t			now;
static uint8_t			sent[MDB_MSG_MAX];
static size_t			nsent;

/* The request due now: its first byte, or -1 when none. */
static int
next(void)
{
	nsent = mdb_validator_next(&v, now, sent);
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
	mdb_validator_answer(&v, &r, now, &out);
}

/* Answer with one poll byte. */
static void
answer1(uint8_t b)
{
	answer(&b, 1);
}

/* Nobody answered: NACK. */
static void
nack(void)
{
	struct mdb_reply r = { .kind = MDB_REPLY_NACK };

	out.n = 0;
	mdb_validator_answer(&v, &r, now, &out);
}

/* No line at all within answer_ns. */
static void
silent(void)
{
	now += timing.answer_ns;
	out.n = 0;
	mdb_validator_silent(&v, now, &out);
}

/* Move the clock to the next deadline. */
static void
wait_due(void)
{
	uint64_t	d = mdb_validator_deadline(&v);

	if (d > now)
		now = d;
}

/* Wait, and the request then due must be cmd. */
static void
expect(int cmd)
{
	wait_due();
	assert_int_equal(next(), cmd);
}

/* The one event out must be this one. */
static void
assert_one(int kind, int64_t value, int type)
{
	assert_int_equal(out.n, 1);
	assert_int_equal(out.o[0].dev, MDB_DEV_BILL);
	assert_int_equal(out.o[0].kind, kind);
	assert_int_equal(out.o[0].value, value);
	assert_int_equal(out.o[0].type, type);
}

/* From SETUP on: identification NACKed, the stacker, the types; online. */
static void
set_up(const uint8_t *setup, size_t n)
{
	assert_int_equal(next(), MDB_BILL_SETUP);
	assert_int_equal(nsent, 1);
	answer(setup, n);
	assert_int_equal(out.n, 0);
	assert_int_equal(next(), MDB_BILL_EXPANSION);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1], 0x00);	/* identification */
	nack();					/* none: go on */
	assert_int_equal(next(), MDB_BILL_STACKER);
	answer(stacker_ok, sizeof(stacker_ok));
	assert_int_equal(next(), MDB_BILL_TYPE);
	answer(NULL, 0);
	assert_int_equal(v.phase, MDB_PH_READY);
}

/* The whole start-up to ready; sales lets notes in. */
static void
start_up(void)
{
	now = T0;
	mdb_validator_init(&v, &timing, 2, now);
	mdb_validator_inhibit(&v, 0);
	assert_int_equal(next(), MDB_BILL_RESET);
	answer(NULL, 0);
	assert_int_equal(next(), -1);		/* 500 ms after a reset */
	expect(MDB_BILL_POLL);
	answer1(0x06);
	set_up(setup_reply, sizeof(setup_reply));
}

/* Ready, and a note of this type held in escrow. */
static void
held(int type)
{
	start_up();
	expect(MDB_BILL_POLL);
	answer1((uint8_t)(0x90 | type));
	assert_int_equal(v.note, MDB_NOTE_HELD);
}

/* Ready, a note held, decided, its ESCROW acknowledged. */
static void
moving(int type, int stack)
{
	held(type);
	mdb_validator_decide(&v, stack);
	expect(MDB_BILL_ESCROW);
	assert_int_equal(sent[1], stack);
	answer(NULL, 0);
	assert_int_equal(v.note, MDB_NOTE_MOVING);
}

/* The command bytes of the validator's requests (address 0x30). */
static void
test_command_bytes(void **state)
{
	(void)state;
	assert_int_equal(MDB_BILL_RESET, 0x30);
	assert_int_equal(MDB_BILL_SETUP, 0x31);
	assert_int_equal(MDB_BILL_SECURITY, 0x32);
	assert_int_equal(MDB_BILL_POLL, 0x33);
	assert_int_equal(MDB_BILL_TYPE, 0x34);
	assert_int_equal(MDB_BILL_ESCROW, 0x35);
	assert_int_equal(MDB_BILL_STACKER, 0x36);
	assert_int_equal(MDB_BILL_EXPANSION, 0x37);
}

/* RESET, POLL until 06, SETUP, EXPANSION 00, STACKER, BILL TYPE with every
 * note enabled and escrowed; online; then polls. */
static void
test_start_up(void **state)
{
	struct mdb_bill_setup	s;

	(void)state;
	assert_int_equal(mdb_bill_setup_decode(setup_reply,
	    sizeof(setup_reply), &s), 0);
	assert_int_equal(s.scale, 100);
	assert_int_equal(s.ntypes, 16);

	now = T0;
	mdb_validator_init(&v, &timing, 2, now);
	mdb_validator_inhibit(&v, 0);
	assert_int_equal(next(), MDB_BILL_RESET);
	assert_int_equal(nsent, 1);
	assert_int_equal(next(), -1);		/* one at a time */
	answer(NULL, 0);
	expect(MDB_BILL_POLL);
	answer(NULL, 0);			/* not yet */
	expect(MDB_BILL_POLL);
	answer1(0x06);
	assert_int_equal(out.n, 0);
	assert_int_equal(next(), MDB_BILL_SETUP);
	answer(setup_reply, sizeof(setup_reply));
	assert_int_equal(v.setup.currency, 0x1978);
	assert_int_equal(v.setup.capacity, 500);
	assert_true(v.setup.escrow);
	assert_int_equal(next(), MDB_BILL_EXPANSION);
	assert_int_equal(sent[1], 0x00);
	nack();
	assert_int_equal(next(), MDB_BILL_STACKER);
	answer(stacker_ok, sizeof(stacker_ok));
	assert_one(MDB_OUT_STACKER, 0, 0);	/* said the first time */
	assert_int_equal(out.o[0].code, 0);
	assert_int_equal(next(), MDB_BILL_TYPE);
	assert_int_equal(nsent, 5);
	assert_memory_equal(sent, ((uint8_t[]){ 0x34, 0x00, 0x0f, 0x00,
	    0x0f }), 5);
	answer(NULL, 0);
	assert_one(MDB_OUT_ONLINE, 0, 0);
	assert_true(v.online);
	assert_int_equal(next(), -1);
	now += MS(200);
	assert_int_equal(next(), MDB_BILL_POLL);
	answer1(0x09);				/* disabled: nothing */
	assert_int_equal(out.n, 0);
}

/* An identification is kept; one that is not whole is ignored. */
static void
test_ident(void **state)
{
	uint8_t	id[29];

	(void)state;
	memcpy(id, "SIM" "MDBSIM000030" "MDBSIM-BV-1 ", 27);
	id[27] = 0x01;
	id[28] = 0x00;
	now = T0;
	mdb_validator_init(&v, &timing, 2, now);
	v.phase = MDB_PH_SETUP;
	assert_int_equal(next(), MDB_BILL_SETUP);
	answer(setup_reply, sizeof(setup_reply));
	assert_int_equal(next(), MDB_BILL_EXPANSION);
	answer(id, sizeof(id));
	assert_string_equal(v.ident.model, "MDBSIM-BV-1");
	assert_int_equal(next(), MDB_BILL_STACKER);

	mdb_validator_init(&v, &timing, 2, now);
	v.phase = MDB_PH_SETUP;
	assert_int_equal(next(), MDB_BILL_SETUP);
	answer(setup_reply, sizeof(setup_reply));
	assert_int_equal(next(), MDB_BILL_EXPANSION);
	answer(id, 5);
	assert_string_equal(v.ident.model, "");
	assert_int_equal(next(), MDB_BILL_STACKER);
}

/* A 10.00 in escrow, said; stacked on the shell's word: ESCROW 01, busy,
 * then 0x81: money. */
static void
test_stack(void **state)
{
	(void)state;
	held(1);
	assert_one(MDB_OUT_NOTE_ESCROW, 1000, 1);
	expect(MDB_BILL_POLL);			/* nothing until decided */
	answer(NULL, 0);
	assert_int_equal(out.n, 0);
	mdb_validator_decide(&v, 1);
	assert_int_equal(v.note, MDB_NOTE_DECIDED);
	expect(MDB_BILL_ESCROW);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1], 0x01);
	answer(NULL, 0);
	assert_int_equal(v.note, MDB_NOTE_MOVING);
	assert_int_equal(out.n, 0);
	expect(MDB_BILL_POLL);
	answer1(0x03);				/* busy carrying it */
	assert_int_equal(out.n, 0);
	expect(MDB_BILL_POLL);
	answer1(0x81);
	assert_one(MDB_OUT_NOTE_STACKED, 1000, 1);
	assert_int_equal(v.note, MDB_NOTE_NONE);
	mdb_validator_decide(&v, 1);		/* nothing held: ignored */
	assert_int_equal(v.note, MDB_NOTE_NONE);
	expect(MDB_BILL_POLL);
}

/* Given back: ESCROW 00, then 0xA2. */
static void
test_return(void **state)
{
	(void)state;
	moving(2, 0);
	expect(MDB_BILL_POLL);
	answer1(0xa2);
	assert_one(MDB_OUT_NOTE_RETURNED, 2000, 2);
	assert_int_equal(v.note, MDB_NOTE_NONE);
}

/* ESCROW NACKed or unanswered is sent again until acknowledged. */
static void
test_escrow_again(void **state)
{
	(void)state;
	held(0);
	mdb_validator_decide(&v, 1);
	expect(MDB_BILL_ESCROW);
	nack();
	assert_int_equal(v.note, MDB_NOTE_DECIDED);
	expect(MDB_BILL_ESCROW);
	assert_int_equal(sent[1], 0x01);
	silent();
	assert_int_equal(v.note, MDB_NOTE_DECIDED);
	expect(MDB_BILL_ESCROW);
	answer(NULL, 0);
	assert_int_equal(v.note, MDB_NOTE_MOVING);
	/* taken twice: the second "invalid escrow" is a log line only */
	expect(MDB_BILL_POLL);
	answer(((uint8_t[]){ 0x80, 0x0a }), 2);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[0].kind, MDB_OUT_NOTE_STACKED);
	assert_int_equal(out.o[0].value, 500);
	assert_int_equal(out.o[1].kind, MDB_OUT_FAULT);
	assert_int_equal(out.o[1].code, 0x0a);
}

/* A reset gives back the note in escrow, decided or not, as long as its
 * ESCROW was not acknowledged; the validator is set up again. */
static void
test_reset_held(void **state)
{
	(void)state;
	held(3);
	expect(MDB_BILL_POLL);
	answer1(0x06);
	assert_one(MDB_OUT_NOTE_RETURNED, 5000, 3);
	assert_int_equal(v.note, MDB_NOTE_NONE);
	assert_int_equal(v.phase, MDB_PH_SETUP);
	set_up(setup_reply, sizeof(setup_reply));

	/* decided while a poll was on the bus; that poll says 06 */
	held(1);
	expect(MDB_BILL_POLL);
	mdb_validator_decide(&v, 1);
	answer1(0x06);
	assert_one(MDB_OUT_NOTE_RETURNED, 1000, 1);
}

/* A reset while the note is carried finishes it as decided: its event is
 * lost, the stacker has it. */
static void
test_reset_moving(void **state)
{
	(void)state;
	moving(3, 1);
	expect(MDB_BILL_POLL);
	answer(((uint8_t[]){ 0x03, 0x06 }), 2);
	assert_one(MDB_OUT_NOTE_STACKED, 5000, 3);
	assert_int_equal(v.note, MDB_NOTE_NONE);
	assert_int_equal(next(), MDB_BILL_SETUP);

	moving(0, 0);
	expect(MDB_BILL_POLL);
	answer1(0x06);
	assert_one(MDB_OUT_NOTE_RETURNED, 500, 0);
}

/* Sales blocks notes: BILL TYPE 0 at the next request, then polls; a note
 * held meanwhile stays the shell's to decide. Freed: every type again. */
static void
test_inhibit(void **state)
{
	(void)state;
	held(0);
	mdb_validator_inhibit(&v, 1);
	assert_int_equal(v.note, MDB_NOTE_HELD);
	expect(MDB_BILL_TYPE);
	assert_memory_equal(sent, ((uint8_t[]){ 0x34, 0, 0, 0, 0 }), 5);
	answer(NULL, 0);
	assert_int_equal(out.n, 0);		/* online said once */
	expect(MDB_BILL_POLL);
	answer(NULL, 0);
	mdb_validator_decide(&v, 0);
	mdb_validator_inhibit(&v, 0);
	expect(MDB_BILL_ESCROW);		/* the note first */
	assert_int_equal(sent[1], 0x00);
	answer(NULL, 0);
	expect(MDB_BILL_TYPE);
	assert_memory_equal(sent, ((uint8_t[]){ 0x34, 0, 0x0f, 0, 0x0f }), 5);
	/* changed back while it was on the bus: sent again */
	mdb_validator_inhibit(&v, 1);
	answer(NULL, 0);
	expect(MDB_BILL_TYPE);
	assert_int_equal(sent[2], 0);
}

/* STACKER every tubes_ns: full disables every type, said once; emptied,
 * every type again. */
static void
test_stacker_full(void **state)
{
	(void)state;
	start_up();
	expect(MDB_BILL_POLL);
	answer(NULL, 0);
	now = v.stacker_at;
	assert_int_equal(next(), MDB_BILL_STACKER);
	answer(stacker_full, sizeof(stacker_full));
	assert_one(MDB_OUT_STACKER, 0, 0);
	assert_int_equal(out.o[0].code, 1);
	assert_int_equal(v.stacker.count, 500);
	expect(MDB_BILL_TYPE);
	assert_memory_equal(sent, ((uint8_t[]){ 0x34, 0, 0, 0, 0 }), 5);
	answer(NULL, 0);
	now = v.stacker_at;
	assert_int_equal(next(), MDB_BILL_STACKER);
	answer(stacker_full, sizeof(stacker_full));
	assert_int_equal(out.n, 0);		/* no change: not said */
	expect(MDB_BILL_POLL);
	answer(NULL, 0);
	now = v.stacker_at;
	assert_int_equal(next(), MDB_BILL_STACKER);
	answer(stacker_ok, sizeof(stacker_ok));
	assert_int_equal(out.o[0].code, 0);
	expect(MDB_BILL_TYPE);
	assert_int_equal(sent[2], 0x0f);
}

/* Silent: offline once after offline_ns, RESET tried on; a note held
 * survives, and the validator's reset settles it: given back. */
static void
test_offline(void **state)
{
	uint64_t	start;
	int		offline = 0;

	(void)state;
	held(2);
	start = now;
	while (now - start < SEC(12)) {
		wait_due();
		if (next() == -1) {
			now += MS(1);
			continue;
		}
		silent();
		for (int i = 0; i < out.n; i++)
			offline += out.o[i].kind == MDB_OUT_OFFLINE;
	}
	assert_int_equal(offline, 1);
	assert_false(v.online);
	assert_int_equal(v.phase, MDB_PH_RESET);
	assert_int_equal(v.note, MDB_NOTE_HELD);
	expect(MDB_BILL_RESET);
	answer(NULL, 0);
	assert_int_equal(v.phase, MDB_PH_WAIT_RESET);
	expect(MDB_BILL_POLL);
	answer1(0x06);
	assert_one(MDB_OUT_NOTE_RETURNED, 2000, 2);
	set_up(setup_reply, sizeof(setup_reply));
	assert_int_equal(out.o[0].kind, MDB_OUT_ONLINE);
}

/* No 06 for 2 s after RESET's answer: set up anyway, a note held before
 * the outage settled all the same (the RESET was acknowledged). */
static void
test_reset_wait_max(void **state)
{
	int	returned = 0;

	(void)state;
	now = T0;
	mdb_validator_init(&v, &timing, 2, now);
	v.setup.ntypes = 1;
	v.setup.value[0] = 500;
	v.setup.decimals = 2;
	v.note = MDB_NOTE_HELD;
	v.note_type = 0;
	assert_int_equal(next(), MDB_BILL_RESET);
	answer(NULL, 0);
	for (int guard = 0; guard < 20 && v.phase == MDB_PH_WAIT_RESET;
	    guard++) {
		expect(MDB_BILL_POLL);
		answer(NULL, 0);
		returned += out.n == 1 &&
		    out.o[0].kind == MDB_OUT_NOTE_RETURNED &&
		    out.o[0].value == 500;
	}
	assert_int_equal(returned, 1);
	assert_int_equal(v.note, MDB_NOTE_NONE);
	assert_true(now - T0 >= SEC(2));
	assert_int_equal(next(), MDB_BILL_SETUP);
	answer(setup_reply, 5);			/* short: said, asked again */
	assert_one(MDB_OUT_BAD, 0, 0);
	assert_int_equal(out.o[0].code, MDB_BILL_SETUP);
	assert_int_equal(next(), MDB_BILL_SETUP);
}

/* An answer later than answer_ns: nothing new sent for a while, and the
 * late line is that poll's (a note stacked in it is money, known or not);
 * a line nobody asked for is said, not taken. */
static void
test_late_answer(void **state)
{
	(void)state;
	start_up();
	expect(MDB_BILL_POLL);
	silent();
	assert_int_equal(next(), -1);
	now += MS(150);
	answer1(0x83);
	assert_one(MDB_OUT_NOTE_STACKED, 5000, 3);
	answer1(0x83);
	assert_one(MDB_OUT_BAD, 0, 0);
	assert_int_equal(out.o[0].code, -1);

	/* an ESCROW's late ACK: the note is on its way */
	held(1);
	mdb_validator_decide(&v, 0);
	expect(MDB_BILL_ESCROW);
	silent();
	now += MS(50);
	answer(NULL, 0);
	assert_int_equal(v.note, MDB_NOTE_MOVING);
}

/* A poll that is not MDB: said; the whole events ahead of the garbled
 * byte are kept. */
static void
test_garbled_poll(void **state)
{
	(void)state;
	moving(1, 1);
	expect(MDB_BILL_POLL);
	answer(((uint8_t[]){ 0x81, 0x20, 0x92 }), 3);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[0].kind, MDB_OUT_NOTE_STACKED);
	assert_int_equal(out.o[0].value, 1000);
	assert_int_equal(out.o[1].kind, MDB_OUT_BAD);
	assert_int_equal(out.o[1].code, MDB_BILL_POLL);
	assert_int_equal(v.note, MDB_NOTE_NONE);	/* 0x92 dropped */
	expect(MDB_BILL_POLL);
	answer1(0x00);
	assert_one(MDB_OUT_BAD, 0, 0);
}

/* Status codes: faults said by their byte; a second note in escrow is a
 * fault and the first kept; a note taken out of escrow is given back;
 * disabled, busy, rejected are nothing. */
static void
test_poll_status(void **state)
{
	(void)state;
	held(0);
	expect(MDB_BILL_POLL);
	answer(((uint8_t[]){ 0x05, 0x93, 0x09, 0x03, 0x0b, 0xc2, 0x41 }), 7);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[0].kind, MDB_OUT_FAULT);
	assert_int_equal(out.o[0].code, 0x05);
	assert_int_equal(out.o[1].kind, MDB_OUT_FAULT);
	assert_int_equal(out.o[1].code, 0x93);
	assert_int_equal(v.note, MDB_NOTE_HELD);
	assert_int_equal(v.note_type, 0);
	expect(MDB_BILL_POLL);
	answer1(0x07);
	assert_one(MDB_OUT_NOTE_RETURNED, 500, 0);
	assert_int_equal(v.note, MDB_NOTE_NONE);
	expect(MDB_BILL_POLL);
	answer(((uint8_t[]){ 0x08, 0x0c }), 2);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.o[1].code, 0x0c);

	/* invalid escrow while the note is carried: a log line, no more */
	moving(2, 1);
	expect(MDB_BILL_POLL);
	answer1(0x0a);
	assert_one(MDB_OUT_FAULT, 0, 0);
	assert_int_equal(out.o[0].code, 0x0a);
	assert_int_equal(v.note, MDB_NOTE_MOVING);
}

/* Values at vendd's decimals: a validator with 0 decimals (credits in
 * whole euros) and vendd with 2; a type with no value is none, never
 * enabled. */
static void
test_rescale(void **state)
{
	uint8_t	s[sizeof(setup_reply)];

	(void)state;
	memcpy(s, setup_reply, sizeof(s));
	s[3] = 0x00;				/* scaling 1 */
	s[4] = 0x01;
	s[5] = 0;				/* decimals 0 */
	s[13] = 0;				/* no type 2 */
	now = T0;
	mdb_validator_init(&v, &timing, 2, now);
	mdb_validator_inhibit(&v, 0);
	v.phase = MDB_PH_SETUP;
	set_up(s, 15);
	assert_int_equal(v.setup.ntypes, 4);
	assert_int_equal(mdb_validator_value(&v, 0), 500);
	assert_int_equal(mdb_validator_value(&v, 3), 5000);
	assert_int_equal(mdb_validator_value(&v, 2), -1);
	assert_int_equal(mdb_validator_value(&v, 4), -1);
	assert_int_equal(mdb_validator_value(&v, -1), -1);
	assert_int_equal(v.enabled, 0x000b);
	expect(MDB_BILL_POLL);
	answer1(0x91);
	assert_one(MDB_OUT_NOTE_ESCROW, 1000, 1);

	/* scaling 5, 3 decimals: 0.025 is no value at 2 decimals */
	s[5] = 3;
	s[4] = 0x05;
	mdb_validator_init(&v, &timing, 2, now);
	v.phase = MDB_PH_SETUP;
	assert_int_equal(next(), MDB_BILL_SETUP);
	answer(s, 15);
	assert_int_equal(mdb_validator_value(&v, 0), -1);	/* 0.025 */
	assert_int_equal(mdb_validator_value(&v, 1), 5);	/* 0.050 */
	assert_int_equal(mdb_validator_value(&v, 3), 25);	/* 0.250 */
}

/* A note vendd cannot value in escrow: given back without asking. */
static void
test_unvalued_note(void **state)
{
	(void)state;
	start_up();
	expect(MDB_BILL_POLL);
	answer1(0x9e);				/* type 14: no credit */
	assert_one(MDB_OUT_FAULT, 0, 14);
	assert_int_equal(out.o[0].code, 0x9e);
	expect(MDB_BILL_ESCROW);
	assert_int_equal(sent[1], 0x00);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_bytes),
		cmocka_unit_test(test_start_up),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_return),
		cmocka_unit_test(test_escrow_again),
		cmocka_unit_test(test_reset_held),
		cmocka_unit_test(test_reset_moving),
		cmocka_unit_test(test_inhibit),
		cmocka_unit_test(test_stacker_full),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_reset_wait_max),
		cmocka_unit_test(test_late_answer),
		cmocka_unit_test(test_garbled_poll),
		cmocka_unit_test(test_poll_status),
		cmocka_unit_test(test_rescale),
		cmocka_unit_test(test_unvalued_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
