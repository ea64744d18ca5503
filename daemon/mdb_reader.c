/*
 * The MDB activity's decisions for cashless reader #1 (see mdb_reader.h):
 * a request at a time, its answer and the events it carries turned into
 * the next step of the start-up or of the session, and into events. Pure:
 * no I/O, no clock, no logging.
 */
#include <string.h>

#include "mdb_core.h"
#include "mdb_reader.h"

/* The reader's start-up in mdb_phase's steps: its SETUP config data is
 * the changer's SETUP, max/min prices stand where TUBE STATUS does,
 * EXPANSION REQUEST ID is IDENT, READER ENABLE/DISABLE is COIN TYPE. */
#define MDB_PH_CONFIG	MDB_PH_SETUP
#define MDB_PH_PRICES	MDB_PH_TUBES
#define MDB_PH_ENABLE	MDB_PH_COIN_TYPE

/* "Just reset" not heard this long after a RESET: set up anyway. */
#define MDB_CL_RESET_WAIT_MAX_NS	(2000ULL * 1000000ULL)
/* The approval wait when the reader gives no max response time. */
#define MDB_CL_APPROVAL_DEFAULT_S	30
/* The level vendd speaks, and "funds unknown" in BEGIN SESSION. */
#define MDB_CL_VMC_LEVEL		1
#define MDB_CL_FUNDS_UNKNOWN		0xffff
/* The highest price a VEND REQUEST can say (0xFFFF is not a price). */
#define MDB_CL_PRICE_MAX		0xfffe

/* Start from nothing known: reset the reader first. */
void
mdb_reader_init(struct mdb_reader *c, const struct mdb_timing *t,
    int decimals, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->t = *t;
	c->decimals = decimals;
	c->phase = MDB_PH_RESET;
	c->outstanding = -1;
	c->out_sub = -1;
	c->stale = -1;
	c->next_at = now;
	c->heard_at = now;
	c->enabled = -1;
	c->mode.level = MDB_CL_VMC_LEVEL;	/* no display: 0 */
}

/* Put a reader's event out (see mdb_out_add). */
static struct mdb_out *
cl_emit(struct mdb_outs *o, int kind, uint32_t id, int64_t value, int code)
{
	struct mdb_out	*e = mdb_out_add(o, MDB_DEV_CASHLESS, kind);

	if (e != NULL) {
		e->id = id;
		e->value = value;
		e->code = code;
	}
	return e;
}

/* A scaled amount of the reader's at vendd's decimals; -1 if it cannot
 * be said there. */
static int64_t
cl_value(const struct mdb_reader *c, uint16_t scaled)
{
	int64_t	v;

	if (mdb_rescale(mdb_to_minor(scaled, c->config.scale),
	    c->config.decimals, c->decimals, &v) == -1)
		return -1;
	return v;
}

/* How long an approval is awaited: the reader's own word for it. */
static uint64_t
cl_approval_ns(const struct mdb_reader *c)
{
	int	s = c->config.max_response > 0 ? c->config.max_response :
		    MDB_CL_APPROVAL_DEFAULT_S;

	return (uint64_t)s * 1000000000ULL;
}

/* SESSION COMPLETE acknowledged and no END SESSION this long after it:
 * the session is taken as over. */
#define MDB_CL_ENDING_MAX_NS	(5000ULL * 1000000ULL)

/* A command for the session; SESSION COMPLETE ends any session we see. */
static void
cl_due(struct mdb_reader *c, int due)
{
	c->pending = due;
	if (due == MDB_CL_DUE_COMPLETE && c->session != MDB_CL_IDLE)
		c->session = MDB_CL_ENDING;
}

/* The vend awaiting approval is not approved: said, and the session
 * completed (one vend per session; the card can be presented again). */
static void
cl_denied(struct mdb_reader *c, struct mdb_outs *o)
{
	cl_emit(o, MDB_OUT_CL_DENIED, c->vend_id, 0, 0);
	cl_due(c, MDB_CL_DUE_COMPLETE);
}

/* The session is gone with the reader (its reset, offline, its own end):
 * a vend awaiting approval is denied, an approved one lost (the reader
 * voids it), and the session said over. */
static void
cl_lost(struct mdb_reader *c, struct mdb_outs *o)
{
	if (c->session == MDB_CL_ASKED)
		cl_emit(o, MDB_OUT_CL_DENIED, c->vend_id, 0, 0);
	else if (c->session == MDB_CL_VENDING)
		cl_emit(o, MDB_OUT_FAULT, c->vend_id, c->price, 0);
	if (c->session != MDB_CL_IDLE)
		cl_emit(o, MDB_OUT_CL_END, 0, 0, 0);
	c->session = MDB_CL_IDLE;
	c->pending = MDB_CL_DUE_NONE;
}

/* The session's command that is due. */
static size_t
cl_pending_request(const struct mdb_reader *c, uint8_t *msg)
{
	switch (c->pending) {
	case MDB_CL_DUE_REQUEST:
		return mdb_cashless_vend_request(msg, c->scaled, c->item);
	case MDB_CL_DUE_CANCEL:
		return mdb_cashless_vend(msg, MDB_CASHLESS_VEND_CANCEL);
	case MDB_CL_DUE_RESULT:
		return c->success ? mdb_cashless_vend_success(msg, c->item) :
		    mdb_cashless_vend(msg, MDB_CASHLESS_VEND_FAILURE);
	}
	return mdb_cashless_vend(msg, MDB_CASHLESS_SESSION_COMPLETE);
}

/* The request of the phase we are in. */
static size_t
cl_request(struct mdb_reader *c, uint64_t now, uint8_t *msg)
{
	switch (c->phase) {
	case MDB_PH_RESET:
		return mdb_cmd_simple(msg, MDB_CASHLESS_RESET);
	case MDB_PH_WAIT_RESET:
		return mdb_cmd_simple(msg, MDB_CASHLESS_POLL);
	case MDB_PH_CONFIG:
		return mdb_cashless_setup_config(msg, MDB_CL_VMC_LEVEL, 0, 0,
		    0);
	case MDB_PH_PRICES:		/* unknown: vendd's prices change */
		return mdb_cashless_setup_prices(msg, 0xffff, 0x0000);
	case MDB_PH_IDENT:
		return mdb_cashless_request_id(msg, "VND", "0000000001",
		    "vendd", 0x0100);
	case MDB_PH_ENABLE:
		return mdb_cashless_reader(msg, c->enable ?
		    MDB_CASHLESS_ENABLE : MDB_CASHLESS_DISABLE);
	}
	/* ready: the session's command, sales' wish, else a poll */
	if (c->session == MDB_CL_ASKED && c->pending == MDB_CL_DUE_NONE &&
	    now - c->asked_at >= cl_approval_ns(c))
		c->pending = MDB_CL_DUE_CANCEL;
	if (c->pending != MDB_CL_DUE_NONE)
		return cl_pending_request(c, msg);
	if (c->enable != c->enabled && c->session == MDB_CL_IDLE)
		return mdb_cashless_reader(msg, c->enable ?
		    MDB_CASHLESS_ENABLE : MDB_CASHLESS_DISABLE);
	return mdb_cmd_simple(msg, MDB_CASHLESS_POLL);
}

/* The request to send now: see mdb_reader.h. */
size_t
mdb_reader_next(struct mdb_reader *c, uint64_t now, uint8_t *msg)
{
	size_t	n;

	if (c->outstanding != -1 || now < c->next_at)
		return 0;
	if ((n = cl_request(c, now, msg)) == 0)
		return 0;
	c->outstanding = msg[0];
	c->out_sub = n > 1 ? msg[1] : -1;
	c->sent_at = now;
	return n;
}

/* Nobody answered (NACK, or no line at all): a session's command is sent
 * again; offline once silent for offline_ns, then RESET until it answers. */
static void
cl_unanswered(struct mdb_reader *c, uint64_t now, struct mdb_outs *o)
{
	/* a VEND REQUEST may have been taken: never sent twice (the reader
	 * would say out of sequence); the approval wait ends it */
	if (c->outstanding == MDB_CASHLESS_VEND &&
	    c->out_sub == MDB_CASHLESS_VEND_REQUEST &&
	    c->pending == MDB_CL_DUE_REQUEST) {
		c->pending = MDB_CL_DUE_NONE;
		c->asked_at = now;
	}
	/* a line that comes late is this request's answer: nothing new is
	 * sent for a while, so that it is not taken for the next one's */
	c->stale = c->outstanding;
	c->outstanding = -1;
	c->next_at = now + c->t.poll_ns + c->t.answer_ns;
	if (now - c->heard_at < c->t.offline_ns)
		return;
	if (c->online) {
		c->online = 0;
		cl_emit(o, MDB_OUT_OFFLINE, 0, 0, 0);
	}
	cl_lost(c, o);			/* voided at the reader's reset */
	c->phase = MDB_PH_RESET;
	c->enabled = -1;
}

/* The answer to one of the session's VEND commands: its next step. */
static void
cl_vend_answered(struct mdb_reader *c, int sub, uint64_t now,
    struct mdb_outs *o)
{
	switch (sub) {
	case MDB_CASHLESS_VEND_REQUEST:
		if (c->pending == MDB_CL_DUE_REQUEST) {
			c->pending = MDB_CL_DUE_NONE;
			c->asked_at = now;	/* the approval wait begins */
		}
		break;
	case MDB_CASHLESS_VEND_CANCEL:
		/* taken (06 inline, or later): the vend is given up on */
		if (c->pending == MDB_CL_DUE_CANCEL)
			c->pending = MDB_CL_DUE_NONE;
		if (c->session == MDB_CL_ASKED)
			cl_denied(c, o);
		break;
	case MDB_CASHLESS_VEND_SUCCESS:
	case MDB_CASHLESS_VEND_FAILURE:
		if (c->pending != MDB_CL_DUE_RESULT)
			break;
		if (c->session == MDB_CL_VENDING)
			c->session = MDB_CL_OPEN;
		cl_due(c, MDB_CL_DUE_COMPLETE);	/* one vend a session */
		break;
	case MDB_CASHLESS_SESSION_COMPLETE:
		/* END SESSION ends it: inline, or in a later poll */
		if (c->pending == MDB_CL_DUE_COMPLETE)
			c->pending = MDB_CL_DUE_NONE;
		c->ending_at = now;
		break;
	}
}

/* The reader's config data in the answer to SETUP config: kept, and the
 * start-up goes on; an answer without it is asked again. */
static void
cl_config(struct mdb_reader *c, const struct mdb_cashless_event *ev, int n,
    struct mdb_outs *o)
{
	for (int i = 0; i < n; i++)
		if (ev[i].kind == MDB_CASHLESS_EV_CONFIG) {
			c->config = ev[i].config;
			/* the lower of ours and the reader's: ours is 1 */
			c->mode.level = MDB_CL_VMC_LEVEL;
			c->mode.display = 0;
			c->phase = MDB_PH_PRICES;
			return;
		}
	if (n >= 0)		/* a garbled one was said already */
		cl_emit(o, MDB_OUT_BAD, 0, 0, MDB_CASHLESS_SETUP);
}

/* What the answer to the command sent means for the start-up and the
 * session, before the events it carries. */
static void
cl_answered(struct mdb_reader *c, int cmd, const struct mdb_cashless_event *ev,
    int n, uint64_t now, struct mdb_outs *o)
{
	switch (cmd) {
	case MDB_CASHLESS_RESET:
		c->phase = MDB_PH_WAIT_RESET;
		c->reset_at = now;
		c->next_at = now + c->t.reset_wait_ns;
		break;
	case MDB_CASHLESS_POLL:
		if (c->phase != MDB_PH_WAIT_RESET)
			break;
		for (int i = 0; i < n; i++)
			if (ev[i].kind == MDB_CASHLESS_EV_JUST_RESET)
				c->phase = MDB_PH_CONFIG;
		/* its "just reset" lost (a garbled line): set it up anyway */
		if (now - c->reset_at >= MDB_CL_RESET_WAIT_MAX_NS)
			c->phase = MDB_PH_CONFIG;
		break;
	case MDB_CASHLESS_SETUP:
		if (c->phase == MDB_PH_CONFIG &&
		    c->out_sub == MDB_CASHLESS_CONFIG)
			cl_config(c, ev, n, o);
		else if (c->phase == MDB_PH_PRICES)
			c->phase = MDB_PH_IDENT;
		break;
	case MDB_CASHLESS_EXPANSION:	/* whatever it says: optional */
		if (c->phase == MDB_PH_IDENT)
			c->phase = MDB_PH_ENABLE;
		break;
	case MDB_CASHLESS_READER:
		c->enabled = c->out_sub == MDB_CASHLESS_ENABLE;
		if (c->phase != MDB_PH_ENABLE)
			break;
		c->phase = MDB_PH_READY;
		if (!c->online) {
			c->online = 1;
			cl_emit(o, MDB_OUT_ONLINE, 0, 0, 0);
		}
		break;
	case MDB_CASHLESS_VEND:
		cl_vend_answered(c, c->out_sub, now, o);
		break;
	}
}

/* The reader approved the vend asked: said with the amount. One approved
 * after it was given up on is refused, so that the card is refunded. */
static void
cl_approved(struct mdb_reader *c, const struct mdb_cashless_event *e,
    struct mdb_outs *o)
{
	int64_t	v;

	if (c->session == MDB_CL_VENDING)
		return;
	if (c->session != MDB_CL_ASKED) {
		c->success = 0;
		c->pending = MDB_CL_DUE_RESULT;
		return;
	}
	c->session = MDB_CL_VENDING;
	if (c->pending == MDB_CL_DUE_CANCEL)	/* in time after all */
		c->pending = MDB_CL_DUE_NONE;
	v = cl_value(c, e->amount);	/* -1: none vendd can say: refused */
	cl_emit(o, MDB_OUT_CL_APPROVED, c->vend_id, v, 0);
}

/* The session's end asked by the reader (its customer, its idle time):
 * SESSION COMPLETE, after the vend under way if there is one. */
static void
cl_cancel_request(struct mdb_reader *c, struct mdb_outs *o)
{
	switch (c->session) {
	case MDB_CL_ASKED:
		if (c->pending == MDB_CL_DUE_REQUEST)	/* never sent */
			cl_denied(c, o);
		else
			c->pending = MDB_CL_DUE_CANCEL;
		break;
	case MDB_CL_VENDING:		/* SESSION COMPLETE after it */
	case MDB_CL_ENDING:
		break;
	default:			/* one we do not know of: ended too */
		cl_due(c, MDB_CL_DUE_COMPLETE);
		break;
	}
}

/* The reader reset itself (its power cut): the session is lost, and the
 * reader set up again. */
static void
cl_reader_reset(struct mdb_reader *c, uint64_t now, struct mdb_outs *o)
{
	cl_lost(c, o);
	c->phase = MDB_PH_CONFIG;
	c->enabled = -1;
	c->next_at = now;
}

/* One event of the reader's, in any answer once it is set up. */
static void
cl_event(struct mdb_reader *c, const struct mdb_cashless_event *e,
    uint64_t now, struct mdb_outs *o)
{
	switch (e->kind) {
	case MDB_CASHLESS_EV_JUST_RESET:
		if (c->phase != MDB_PH_CONFIG)
			cl_reader_reset(c, now, o);
		break;
	case MDB_CASHLESS_EV_BEGIN_SESSION:
		cl_lost(c, o);		/* an end we missed */
		c->session = MDB_CL_OPEN;
		cl_emit(o, MDB_OUT_CL_SESSION, 0, e->amount ==
		    MDB_CL_FUNDS_UNKNOWN ? -1 : cl_value(c, e->amount), 0);
		break;
	case MDB_CASHLESS_EV_APPROVED:
		cl_approved(c, e, o);
		break;
	case MDB_CASHLESS_EV_DENIED:
		if (c->session == MDB_CL_ASKED)
			cl_denied(c, o);
		break;
	case MDB_CASHLESS_EV_CANCEL_REQUEST:
		cl_cancel_request(c, o);
		break;
	case MDB_CASHLESS_EV_END_SESSION:
		cl_lost(c, o);
		break;
	case MDB_CASHLESS_EV_PERIPHERAL_ID:
		c->ident = e->ident;
		break;
	case MDB_CASHLESS_EV_ERROR:
		cl_emit(o, MDB_OUT_FAULT, 0, 0, e->code);
		break;
	case MDB_CASHLESS_EV_OUT_OF_SEQUENCE:
		/* the reader's view of the session is not ours: ours goes */
		cl_emit(o, MDB_OUT_FAULT, 0, 0, 0x0b);
		cl_lost(c, o);
		break;
	case MDB_CASHLESS_EV_CONFIG:	/* taken at SETUP only */
	case MDB_CASHLESS_EV_CANCELLED:
	case MDB_CASHLESS_EV_DISPLAY:
		break;
	}
}

/* The answer to the outstanding request: see mdb_reader.h. */
void
mdb_reader_answer(struct mdb_reader *c, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	struct mdb_cashless_event ev[MDB_POLL_MAX];
	int	cmd = c->outstanding, n = 0;

	if (cmd == -1 && c->stale != -1 && r->kind != MDB_REPLY_NACK) {
		/* the late answer of a request given up on (a session's
		 * event in it is real): taken as that answer */
		cmd = c->stale;
		c->outstanding = cmd;
	}
	c->stale = -1;
	if (cmd == -1) {
		cl_emit(o, MDB_OUT_BAD, 0, 0, -1);	/* logged, not lost */
		return;
	}
	if (r->kind == MDB_REPLY_NACK && c->phase == MDB_PH_IDENT) {
		/* no identification: go on (one that is gone stays silent
		 * at READER ENABLE too) */
		c->outstanding = -1;
		c->phase = MDB_PH_ENABLE;
		c->next_at = now;
		return;
	}
	if (r->kind == MDB_REPLY_NACK || r->kind == MDB_REPLY_OTHER ||
	    r->kind == MDB_REPLY_MODE) {
		if (r->kind == MDB_REPLY_OTHER)
			cl_emit(o, MDB_OUT_BAD, 0, 0, cmd);
		cl_unanswered(c, now, o);
		return;
	}
	c->heard_at = now;
	c->outstanding = -1;
	c->next_at = now + c->t.poll_ns;
	/* garbled: said, yet an acknowledgement (the reader sent it) */
	if (r->kind == MDB_REPLY_DATA &&
	    (n = mdb_cashless_poll_decode(r->data, r->len, &c->mode, ev,
	    MDB_POLL_MAX)) < 0)
		cl_emit(o, MDB_OUT_BAD, 0, 0, cmd);
	cl_answered(c, cmd, ev, n, now, o);
	if (c->phase == MDB_PH_WAIT_RESET)	/* the old reader's: gone */
		return;
	for (int i = 0; i < n; i++)
		cl_event(c, &ev[i], now, o);
	/* END SESSION lost (a garbled reply): the session is over anyway,
	 * or coins and notes would stay blocked */
	if (c->session == MDB_CL_ENDING && c->pending == MDB_CL_DUE_NONE &&
	    now - c->ending_at >= MDB_CL_ENDING_MAX_NS)
		cl_lost(c, o);
	if (c->phase != MDB_PH_READY)
		c->next_at = now;	/* start-up goes on at once */
}

/* No answer line within answer_ns: as a NACK. */
void
mdb_reader_silent(struct mdb_reader *c, uint64_t now, struct mdb_outs *o)
{
	if (c->outstanding != -1)
		cl_unanswered(c, now, o);
}

/* Sales' wish; a ready reader is told at the next request. */
void
mdb_reader_enable(struct mdb_reader *c, int on)
{
	c->enable = on != 0;
}

/* Ask for a vend: see mdb_reader.h. */
void
mdb_reader_vend(struct mdb_reader *c, uint32_t id, int64_t price,
    uint16_t item, struct mdb_outs *o)
{
	int64_t		minor;
	unsigned	scaled;

	if (!c->online || c->phase != MDB_PH_READY ||
	    c->session != MDB_CL_OPEN ||
	    mdb_rescale(price, c->decimals, c->config.decimals, &minor) == -1 ||
	    mdb_from_minor(minor, c->config.scale, MDB_CL_PRICE_MAX,
	    &scaled) == -1) {
		cl_emit(o, MDB_OUT_CL_DENIED, id, 0, 0);
		return;
	}
	c->vend_id = id;
	c->price = price;
	c->scaled = (uint16_t)scaled;
	c->item = item;
	c->session = MDB_CL_ASKED;
	c->pending = MDB_CL_DUE_REQUEST;
}

/* The approved vend's outcome: see mdb_reader.h. */
void
mdb_reader_vend_end(struct mdb_reader *c, uint32_t id, int success)
{
	if (c->session != MDB_CL_VENDING || id != c->vend_id)
		return;
	c->success = success != 0;
	c->pending = MDB_CL_DUE_RESULT;
}

/* End an open session without a vend: see mdb_reader.h. */
void
mdb_reader_end(struct mdb_reader *c)
{
	if (c->session == MDB_CL_OPEN)
		cl_due(c, MDB_CL_DUE_COMPLETE);
}

/* When the shell must act next: see mdb_reader.h. */
uint64_t
mdb_reader_deadline(const struct mdb_reader *c)
{
	return c->outstanding != -1 ? c->sent_at + c->t.answer_ns : c->next_at;
}
