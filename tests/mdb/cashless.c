/*
 * cashless.c: a level 1 cashless reader at address 10 (MDB/ICP 4.2,
 * section 7), scale factor 1: amounts on the bus are minor units.
 *
 * States (section 7.2): inactive after a reset; disabled after SETUP config
 * data; enabled after READER ENABLE; session idle once a card is presented
 * (POLL: 03 and the funds); vend while a VEND REQUEST waits auth_ms for the
 * card's answer (POLL: 05 and the amount, approved; or 06, denied, when the
 * price is over the funds). VEND SUCCESS captures the amount, VEND FAILURE
 * refunds it, SESSION COMPLETE is answered 07 (end session), VEND CANCEL 06
 * and READER CANCEL 08: at once, or with -D (deferred) ACK and the code in
 * the next POLL, as readers set not to answer inline do. A session left
 * idle for session_ms (or a `card-cancel`) asks to end with POLL 04
 * (session cancel request) and ends when the controller sends SESSION
 * COMPLETE. One vend per session (no
 * multivend); a command in the wrong state is answered 0B (command out of
 * sequence). A reset, or SESSION COMPLETE, with an approved vend not yet
 * settled voids it: the card is refunded.
 */
#include "mdbsim.h"

/* The command bits of the first byte (10 + n), and subcommands. */
#define CL_RESET		0
#define CL_SETUP		1
#define CL_POLL			2
#define CL_VEND			3
#define CL_READER		4
#define CL_EXPANSION		7
#define SETUP_CONFIG		0x00
#define SETUP_PRICES		0x01
#define VEND_REQUEST		0x00
#define VEND_CANCEL		0x01
#define VEND_SUCCESS		0x02
#define VEND_FAILURE		0x03
#define VEND_COMPLETE		0x04
#define VEND_CASH_SALE		0x05
#define READER_DISABLE		0x00
#define READER_ENABLE		0x01
#define READER_CANCEL		0x02
#define EXP_REQUEST_ID		0x00

/* What the reader answers (first byte). */
#define RS_JUST_RESET		0x00
#define RS_CONFIG		0x01
#define RS_BEGIN_SESSION	0x03
#define RS_CANCEL_REQUEST	0x04
#define RS_APPROVED		0x05
#define RS_DENIED		0x06
#define RS_END_SESSION		0x07
#define RS_CANCELLED		0x08
#define RS_PERIPHERAL_ID	0x09
#define RS_OUT_OF_SEQUENCE	0x0B

#define READER_LEVEL		1
#define READER_SCALE		1
#define READER_RESPONSE_S	5	/* maximum response time, seconds */
#define READER_OPTIONS		0x01	/* b0: can refund (VEND FAILURE) */
#define FUNDS_MAX		0xFFFE	/* FFFF means "funds unknown" */

/* Where the reader is; 0 is invalid. */
enum cl_state {
	ST_INACTIVE = 1,	/* reset, not set up */
	ST_READY,		/* set up, no session (enabled or not) */
	ST_SESSION,		/* a card's session, idle */
	ST_VEND,		/* a vend request waits for the card */
	ST_APPROVED,		/* approved, waits for success or failure */
};

static struct {
	const struct sim_config	*cfg;
	struct evq		 q;
	enum cl_state		 state;
	bool			 enabled;
	bool			 cancel_asked;	/* 04 sent this session */
	bool			 vended;	/* captured one this session */
	long			 funds, price;
	int64_t			 answer_at, idle_since;
	long			 approved, captured, refunded, denied;
	long			 pending, cash_sales;
} cl;

static void
push(uint8_t code, int with_amount, long amount)
{
	uint8_t	b[3] = { code, (uint8_t)(amount >> 8), (uint8_t)amount };

	evq_push(&cl.q, b, with_amount ? 3 : 1);
}

/* An approved vend that will never be settled: the card gets it back. */
static void
void_pending(const char *why)
{
	if (cl.pending == 0)
		return;
	sim_log("cashless: %s voids the approved vend of %ld: refunded", why,
	    cl.pending);
	cl.refunded += cl.pending;
	cl.pending = 0;
}

/* The card answers the vend request: approved if the funds cover it. */
static void
card_answers(int64_t t)
{
	if (cl.price <= cl.funds) {
		cl.state = ST_APPROVED;
		cl.funds -= cl.price;
		cl.approved += cl.price;
		cl.pending = cl.price;
		push(RS_APPROVED, 1, cl.price);
		sim_log("cashless: vend of %ld approved", cl.price);
	} else {
		cl.state = ST_SESSION;
		cl.idle_since = t;
		cl.denied += cl.price;
		push(RS_DENIED, 0, 0);
		sim_log("cashless: vend of %ld denied (funds %ld)", cl.price,
		    cl.funds);
	}
}

static void
advance(int64_t now)
{
	if (cl.state == ST_VEND && cl.answer_at <= now)
		card_answers(cl.answer_at);
	if (cl.state == ST_SESSION && !cl.cancel_asked &&
	    now - cl.idle_since >= cl.cfg->session_ms) {
		cl.cancel_asked = true;
		push(RS_CANCEL_REQUEST, 0, 0);
		sim_log("cashless: session idle for %d ms: cancel request",
		    cl.cfg->session_ms);
	}
}

static void
reset_state(void)
{
	void_pending("reset");
	cl.state = ST_INACTIVE;
	cl.enabled = false;
	evq_clear(&cl.q);
	push(RS_JUST_RESET, 0, 0);
}

static bool
want(size_t n, size_t len, const char *name, struct mdb_reply *r)
{
	if (n == len)
		return true;
	sim_protocol_error("cashless: %s of %zu bytes, not %zu: no answer",
	    name, n, len);
	reply_nack(r);
	return false;
}

/* The answer to VEND CANCEL, SESSION COMPLETE or READER CANCEL: at once,
 * or (-D) ACK now and the code in the next POLL. */
static void
answer(struct mdb_reply *r, uint8_t code)
{
	if (cl.cfg->deferred) {
		push(code, 0, 0);
		reply_ack(r);
	} else
		reply_data(r, &code, 1);
}

/* A command the reader's state does not allow: 0B. */
static void
out_of_sequence(const char *name, struct mdb_reply *r)
{
	uint8_t	b = RS_OUT_OF_SEQUENCE;

	sim_protocol_error("cashless: %s out of sequence (state %d)", name,
	    cl.state);
	reply_data(r, &b, 1);
}

/* SETUP config data (answered with the reader's) or max/min prices. */
static void
cmd_setup(const uint8_t *m, size_t n, struct mdb_reply *r)
{
	uint8_t	d[8] = { RS_CONFIG, READER_LEVEL, 0, 0, READER_SCALE, 0,
		    READER_RESPONSE_S, READER_OPTIONS };

	if (n >= 2 && m[1] == SETUP_CONFIG && want(n, 6, "SETUP config", r)) {
		if (cl.state != ST_INACTIVE && cl.state != ST_READY) {
			out_of_sequence("SETUP config", r);
			return;
		}
		cl.state = ST_READY;
		reply_put16(d + 2, cl.cfg->currency);
		d[5] = (uint8_t)cl.cfg->decimals;
		reply_data(r, d, sizeof(d));
	} else if (n >= 2 && m[1] == SETUP_PRICES &&
	    want(n, 6, "SETUP max/min prices", r)) {
		if (cl.state == ST_INACTIVE)
			out_of_sequence("SETUP max/min prices", r);
		else
			reply_ack(r);
	} else if (n < 2 || m[1] > SETUP_PRICES) {
		sim_protocol_error("cashless: unknown SETUP: no answer");
		reply_nack(r);
	}
}

/* VEND REQUEST: the card answers after auth_ms, in a POLL. */
static void
vend_request(const uint8_t *m, int64_t now, struct mdb_reply *r)
{
	if (cl.state != ST_SESSION || cl.vended) {
		out_of_sequence(cl.vended ? "a second VEND REQUEST" :
		    "VEND REQUEST", r);
		return;
	}
	cl.state = ST_VEND;
	cl.price = (long)(m[2] << 8 | m[3]) * READER_SCALE;
	cl.answer_at = now + cl.cfg->auth_ms;
	sim_log("cashless: vend request %ld, item %d", cl.price,
	    m[4] << 8 | m[5]);
	reply_ack(r);
}

/* The end of a vend: captured (success) or refunded (failure). */
static void
vend_settle(bool success, int64_t now, struct mdb_reply *r)
{
	if (cl.state != ST_APPROVED) {
		out_of_sequence(success ? "VEND SUCCESS" : "VEND FAILURE", r);
		return;
	}
	if (success)
		cl.captured += cl.pending;
	else {
		cl.refunded += cl.pending;
		cl.funds += cl.pending;
	}
	sim_log("cashless: vend of %ld %s", cl.pending, success ? "captured" :
	    "failed: refunded");
	cl.pending = 0;
	cl.vended = success;
	cl.state = ST_SESSION;
	cl.idle_since = now;
	reply_ack(r);
}

/* SESSION COMPLETE: the session ends, answered 07 at once. */
static void
session_complete(struct mdb_reply *r)
{
	if (cl.state < ST_SESSION) {
		out_of_sequence("SESSION COMPLETE", r);
		return;
	}
	if (cl.state == ST_APPROVED) {
		sim_protocol_error("cashless: SESSION COMPLETE with the "
		    "approved vend not settled");
		void_pending("session complete");
	}
	cl.state = ST_READY;
	sim_log("cashless: session ends");
	answer(r, RS_END_SESSION);
}

static void
cmd_vend(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	switch (n < 2 ? -1 : m[1]) {
	case VEND_REQUEST:
		if (want(n, 6, "VEND REQUEST", r))
			vend_request(m, now, r);
		return;
	case VEND_CANCEL:
		if (!want(n, 2, "VEND CANCEL", r))
			return;
		if (cl.state != ST_VEND) {
			out_of_sequence("VEND CANCEL", r);
			return;
		}
		cl.state = ST_SESSION;
		cl.idle_since = now;
		answer(r, RS_DENIED);
		return;
	case VEND_SUCCESS:
		if (want(n, 4, "VEND SUCCESS", r))
			vend_settle(true, now, r);
		return;
	case VEND_FAILURE:
		if (want(n, 2, "VEND FAILURE", r))
			vend_settle(false, now, r);
		return;
	case VEND_COMPLETE:
		if (want(n, 2, "SESSION COMPLETE", r))
			session_complete(r);
		return;
	case VEND_CASH_SALE:
		if (!want(n, 6, "CASH SALE", r))
			return;
		if (cl.state == ST_INACTIVE) {
			out_of_sequence("CASH SALE", r);
			return;
		}
		cl.cash_sales += (long)(m[2] << 8 | m[3]) * READER_SCALE;
		reply_ack(r);
		return;
	}
	sim_protocol_error("cashless: unknown VEND subcommand: no answer");
	reply_nack(r);
}

static void
cmd_reader(const uint8_t *m, size_t n, struct mdb_reply *r)
{
	if (!want(n, 2, "READER", r))
		return;
	switch (m[1]) {
	case READER_DISABLE:
	case READER_ENABLE:
		if (cl.state == ST_INACTIVE) {
			out_of_sequence("READER ENABLE/DISABLE", r);
			return;
		}
		cl.enabled = m[1] == READER_ENABLE;
		reply_ack(r);
		return;
	case READER_CANCEL:
		answer(r, RS_CANCELLED);
		return;
	}
	sim_protocol_error("cashless: unknown READER %02X: no answer", m[1]);
	reply_nack(r);
}

/* EXPANSION REQUEST ID: the VMC's identity in, ours out. */
static void
cmd_expansion(const uint8_t *m, size_t n, struct mdb_reply *r)
{
	uint8_t	d[30] = { RS_PERIPHERAL_ID };

	if (n < 2 || m[1] != EXP_REQUEST_ID) {
		sim_protocol_error("cashless: unknown EXPANSION: no answer");
		reply_nack(r);
		return;
	}
	if (!want(n, 31, "EXPANSION REQUEST ID", r))
		return;
	memcpy(d + 1, "SIM" "MDBSIM000010" "MDBSIM-CL-1 ", 27);
	d[28] = 0x01;
	reply_data(r, d, sizeof(d));
}

void
cashless_init(const struct sim_config *cfg)
{
	cl.cfg = cfg;
	cl.q.who = "cashless";
	reset_state();
}

void
cashless_reset(int64_t now)
{
	advance(now);
	reset_state();
}

void
cashless_bus(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	uint8_t	d[3];
	size_t	len;

	advance(now);
	switch (m[0] & MDB_CMD_MASK) {
	case CL_RESET:
		if (want(n, 1, "RESET", r)) {
			reset_state();
			reply_ack(r);
		}
		return;
	case CL_SETUP:
		cmd_setup(m, n, r);
		return;
	case CL_POLL:
		if (!want(n, 1, "POLL", r))
			return;
		if ((len = evq_take(&cl.q, d, sizeof(d), 1)) == 0)
			reply_ack(r);
		else
			reply_data(r, d, len);
		return;
	case CL_VEND:
		cmd_vend(m, n, now, r);
		return;
	case CL_READER:
		cmd_reader(m, n, r);
		return;
	case CL_EXPANSION:
		cmd_expansion(m, n, r);
		return;
	}
	sim_protocol_error("cashless: unknown command %02X: no answer", m[0]);
	reply_nack(r);
}

enum sim_ctl
cashless_ctl(int argc, char **argv, int64_t now, char *out, size_t len)
{
	long	funds;

	if (strcmp(argv[0], "card") != 0 && strcmp(argv[0], "card-cancel") != 0)
		return CTL_UNKNOWN;
	if (!cl.cfg->has_cashless) {
		snprintf(out, len, "no cashless reader (-X cashless)");
		return CTL_ERR;
	}
	advance(now);
	if (strcmp(argv[0], "card-cancel") == 0) {
		if (argc != 1 || cl.state < ST_SESSION) {
			snprintf(out, len, "no session to cancel");
			return CTL_ERR;
		}
		cl.cancel_asked = true;
		push(RS_CANCEL_REQUEST, 0, 0);
		return CTL_OK;
	}
	if (argc != 2 || ctl_int(argv[1], 1, FUNDS_MAX, &funds) == -1) {
		snprintf(out, len, "usage: card FUNDS (1..%d)", FUNDS_MAX);
		return CTL_ERR;
	}
	if (cl.state != ST_READY || !cl.enabled) {
		snprintf(out, len, cl.state > ST_READY ? "a session is open" :
		    "reader not enabled");
		return CTL_ERR;
	}
	cl.state = ST_SESSION;
	cl.funds = funds;
	cl.idle_since = now;
	cl.cancel_asked = cl.vended = false;
	push(RS_BEGIN_SESSION, 1, funds / READER_SCALE);
	sim_log("cashless: card with %ld: begin session", funds);
	return CTL_OK;
}

void
cashless_account(int64_t now, struct sim_account *a)
{
	advance(now);
	a->cl_approved += cl.approved;
	a->cl_captured += cl.captured;
	a->cl_refunded += cl.refunded;
	a->cl_denied += cl.denied;
	a->cl_pending += cl.pending;
	a->cash_sales += cl.cash_sales;
}

void
cashless_json(FILE *f)
{
	static const char *const	names[] = { "invalid", "inactive",
					    "ready", "session", "vend",
					    "approved" };

	fprintf(f, "{\"scale\": %d, \"state\": \"%s\", \"enabled\": %s, "
	    "\"funds\": %ld, \"approved\": %ld, \"captured\": %ld, "
	    "\"refunded\": %ld, \"denied\": %ld, \"pending\": %ld, "
	    "\"cash_sales\": %ld}", READER_SCALE, names[cl.state],
	    cl.enabled ? "true" : "false", cl.funds, cl.approved, cl.captured,
	    cl.refunded, cl.denied, cl.pending, cl.cash_sales);
}
