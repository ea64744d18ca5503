/*
 * The MDB activity's decisions for the bill validator (see
 * mdb_validator.h), in mdb_core's shape: a request at a time, its answer
 * turned into the next phase and into events. Pure: no I/O, no clock, no
 * logging.
 *
 * A note's life: NONE, HELD (in escrow, said), DECIDED (the shell's word,
 * ESCROW sent until acknowledged), MOVING (the validator carries it), then
 * NONE again at its "stacked" or "returned", or at the validator's reset.
 */
#include <string.h>

#include "mdb_core.h"
#include "mdb_validator.h"

/* "Validator was reset" not heard this long after a RESET: set up anyway. */
#define MDB_RESET_WAIT_MAX_NS	(2000ULL * 1000000ULL)
/* The poll byte of a routed bill (1yyyxxxx): said in FAULT codes. */
#define MDB_BILL_BYTE(route, type)	(0x80 | (route) << 4 | (type))

/* Start from nothing known: reset the validator first. */
void
mdb_validator_init(struct mdb_validator *v, const struct mdb_timing *t,
    int decimals, uint64_t now)
{
	memset(v, 0, sizeof(*v));
	v->t = *t;
	v->decimals = decimals;
	v->phase = MDB_PH_RESET;
	v->outstanding = -1;
	v->stale = -1;
	v->next_at = now;
	v->heard_at = now;
	v->inhibit = 1;			/* until sales says it can sell */
	v->full = -1;			/* said at the first STACKER */
}

/* Put a validator's event out (see mdb_out_add). */
static void
mdb_emit(struct mdb_outs *o, int kind, int64_t value, int type, int code)
{
	struct mdb_out	*e = mdb_out_add(o, MDB_DEV_BILL, kind);

	if (e != NULL) {
		e->value = value;
		e->type = type;
		e->code = code;
	}
}

/* A note's value at vendd's decimals: see mdb_validator.h. */
int64_t
mdb_validator_value(const struct mdb_validator *v, int type)
{
	int64_t	val;

	if (type < 0 || type >= v->setup.ntypes || type >= MDB_TYPES ||
	    v->setup.value[type] <= 0 || mdb_rescale(v->setup.value[type],
	    v->setup.decimals, v->decimals, &val) == -1)
		return -1;
	return val;
}

/* The bill types vendd can value: the only ones ever enabled. */
static uint16_t
mdb_valued_mask(const struct mdb_validator *v)
{
	uint16_t	m = 0;

	for (int i = 0; i < v->setup.ntypes && i < MDB_TYPES; i++)
		if (mdb_validator_value(v, i) > 0)
			m |= (uint16_t)(1u << i);
	return m;
}

/* The bill types to take: none while sales blocks them or the stacker is
 * full (a note stacked into a full one would jam or come back). */
static uint16_t
mdb_accept_mask(const struct mdb_validator *v)
{
	return v->inhibit || v->full == 1 ? 0 : mdb_valued_mask(v);
}

/* A ready validator is told the types when they are no longer those sent. */
static void
mdb_bill_type_check(struct mdb_validator *v)
{
	if (v->phase == MDB_PH_READY)
		v->bill_type_due = mdb_accept_mask(v) != v->enabled;
}

/* BILL TYPE with the types to take; each escrowed, so that no note is
 * stacked before the shell has said so. */
static size_t
mdb_bill_type_request(struct mdb_validator *v, uint8_t *msg)
{
	v->sending = mdb_accept_mask(v);
	return mdb_bill_type(msg, v->sending, v->sending);
}

/* The request of the phase we are in. */
static size_t
mdb_request(struct mdb_validator *v, uint64_t now, uint8_t *msg)
{
	switch (v->phase) {
	case MDB_PH_RESET:
		return mdb_cmd_simple(msg, MDB_BILL_RESET);
	case MDB_PH_WAIT_RESET:
		return mdb_cmd_simple(msg, MDB_BILL_POLL);
	case MDB_PH_SETUP:
		return mdb_cmd_simple(msg, MDB_BILL_SETUP);
	case MDB_PH_IDENT:
		return mdb_bill_expansion(msg, 0x00);
	case MDB_PH_TUBES:
		return mdb_cmd_simple(msg, MDB_BILL_STACKER);
	case MDB_PH_COIN_TYPE:
		return mdb_bill_type_request(v, msg);
	}
	/* ready: a note's fate first (the customer waits at the slot), the
	 * types when they changed, the stacker now and then, else a poll */
	if (v->note == MDB_NOTE_DECIDED)
		return mdb_bill_escrow(msg, v->stack);
	if (v->bill_type_due)
		return mdb_bill_type_request(v, msg);
	if (now >= v->stacker_at)
		return mdb_cmd_simple(msg, MDB_BILL_STACKER);
	return mdb_cmd_simple(msg, MDB_BILL_POLL);
}

/* The request to send now: see mdb_validator.h. */
size_t
mdb_validator_next(struct mdb_validator *v, uint64_t now, uint8_t *msg)
{
	size_t	n;

	if (v->outstanding != -1 || now < v->next_at)
		return 0;
	if ((n = mdb_request(v, now, msg)) == 0)
		return 0;
	v->outstanding = msg[0];
	v->sent_at = now;
	return n;
}

/* Nobody answered (NACK, or no line at all): offline once silent for
 * offline_ns; then RESET again and again until it answers. A note held
 * stays held: the validator's reset will say what became of it. */
static void
mdb_unanswered(struct mdb_validator *v, uint64_t now, struct mdb_outs *o)
{
	/* a line that comes late is this request's answer: nothing new is
	 * sent for a while, so that it is not taken for the next one's (an
	 * ESCROW unanswered stays DECIDED: sent again, harmless) */
	v->stale = v->outstanding;
	v->outstanding = -1;
	v->next_at = now + v->t.poll_ns + v->t.answer_ns;
	if (now - v->heard_at < v->t.offline_ns)
		return;
	if (v->online) {
		v->online = 0;
		mdb_emit(o, MDB_OUT_OFFLINE, 0, 0, 0);
	}
	v->phase = MDB_PH_RESET;
}

/* The note ends: stacked (money) or given back, said with its value. */
static void
mdb_note_end(struct mdb_validator *v, int stacked, int type,
    struct mdb_outs *o)
{
	mdb_emit(o, stacked ? MDB_OUT_NOTE_STACKED : MDB_OUT_NOTE_RETURNED,
	    mdb_validator_value(v, type), type, 0);
	if (v->note != MDB_NOTE_NONE && v->note_type == type)
		v->note = MDB_NOTE_NONE;
}

/* The validator was reset: the note in escrow (decided or not, as long as
 * ESCROW was not acknowledged) was given back, the one being carried went
 * where it was sent; their events are lost with the reset. */
static void
mdb_note_reset(struct mdb_validator *v, struct mdb_outs *o)
{
	switch (v->note) {
	case MDB_NOTE_HELD:
	case MDB_NOTE_DECIDED:
		mdb_note_end(v, 0, v->note_type, o);
		break;
	case MDB_NOTE_MOVING:
		mdb_note_end(v, v->stack, v->note_type, o);
		break;
	}
	v->note = MDB_NOTE_NONE;
}

/* A note in escrow: held for the shell's decision. One being carried
 * whose end was not heard (a garbled poll) went where it was sent: the
 * validator holds a new one only once it is done. One held or decided is
 * kept (the validator holds one at a time: a second is a fault); one vendd
 * cannot value is given back without asking. */
static void
mdb_note_escrow(struct mdb_validator *v, int type, struct mdb_outs *o)
{
	int64_t	val = mdb_validator_value(v, type);

	if (v->note == MDB_NOTE_MOVING)
		mdb_note_end(v, v->stack, v->note_type, o);

	if (v->note != MDB_NOTE_NONE || val <= 0) {
		mdb_emit(o, MDB_OUT_FAULT, 0, type,
		    MDB_BILL_BYTE(MDB_BILL_ESCROWED, type));
		if (v->note == MDB_NOTE_NONE) {
			v->note_type = type;
			v->note = MDB_NOTE_DECIDED;
			v->stack = 0;
		}
		return;
	}
	v->note_type = type;
	v->note = MDB_NOTE_HELD;
	mdb_emit(o, MDB_OUT_NOTE_ESCROW, val, type, 0);
}

/* Where a bill went. A stacked note is always said, known or not: it is
 * money in the box. */
static void
mdb_note_routed(struct mdb_validator *v, const struct mdb_bill_event *ev,
    struct mdb_outs *o)
{
	switch (ev->route) {
	case MDB_BILL_ESCROWED:
		mdb_note_escrow(v, ev->type, o);
		break;
	case MDB_BILL_STACKED:
	case MDB_BILL_RETURNED:
		mdb_note_end(v, ev->route == MDB_BILL_STACKED, ev->type, o);
		break;
	case MDB_BILL_REJECTED:		/* a disabled type given back */
		break;
	default:			/* a recycler's: vendd has none */
		mdb_emit(o, MDB_OUT_FAULT, 0, ev->type,
		    MDB_BILL_BYTE(ev->route, ev->type));
		break;
	}
}

/* One event of a poll, in any phase: notes, a reset, faults. */
static void
mdb_poll_event(struct mdb_validator *v, const struct mdb_bill_event *ev,
    struct mdb_outs *o)
{
	switch (ev->kind) {
	case MDB_BILL_EV_ROUTED:
		mdb_note_routed(v, ev, o);
		break;
	case MDB_BILL_EV_RESET:
		mdb_note_reset(v, o);
		v->phase = MDB_PH_SETUP;
		break;
	case MDB_BILL_EV_REMOVED:	/* taken out of escrow by hand */
		if (v->note == MDB_NOTE_HELD || v->note == MDB_NOTE_DECIDED)
			mdb_note_end(v, 0, v->note_type, o);
		else
			mdb_emit(o, MDB_OUT_FAULT, 0, 0, ev->kind);
		break;
	case MDB_BILL_EV_REJECTED:
	case MDB_BILL_EV_ATTEMPTS:
	case MDB_BILL_EV_BUSY:
	case MDB_BILL_EV_DISABLED:
		break;
	default:	/* invalid escrow (the note's own event says the rest),
			 * motor, sensor, jam, cash box, checksum, removal */
		mdb_emit(o, MDB_OUT_FAULT, 0, 0, ev->kind);
		break;
	}
}

/* A poll's answer: its events one byte at a time, so that those ahead of a
 * garbled byte (a note stacked is money) are kept; the rest is said. */
static void
mdb_poll_answer(struct mdb_validator *v, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	struct mdb_bill_event	ev;
	size_t			n = r->kind == MDB_REPLY_DATA ? r->len : 0;

	for (size_t i = 0; i < n; i++) {
		if (mdb_bill_poll_decode(r->data + i, 1, &ev, 1) != 1) {
			mdb_emit(o, MDB_OUT_BAD, 0, 0, MDB_BILL_POLL);
			break;
		}
		mdb_poll_event(v, &ev, o);
	}
	/* its "validator was reset" lost (a garbled line): the RESET was
	 * acknowledged all the same, so a note held is settled and the
	 * validator set up */
	if (v->phase == MDB_PH_WAIT_RESET &&
	    now - v->reset_at >= MDB_RESET_WAIT_MAX_NS) {
		mdb_note_reset(v, o);
		v->phase = MDB_PH_SETUP;
	}
}

/* STACKER's answer: the full flag said when it changes, and the types
 * sent again when it changes what may be taken. */
static void
mdb_stacker_answer(struct mdb_validator *v, const uint8_t *b, size_t n,
    uint64_t now, struct mdb_outs *o)
{
	/* tried again later even when garbled: polls are not starved */
	v->stacker_at = now + v->t.tubes_ns;
	if (mdb_bill_stacker_decode(b, n, &v->stacker) == -1) {
		mdb_emit(o, MDB_OUT_BAD, 0, 0, MDB_BILL_STACKER);
		return;				/* start-up: asked again */
	}
	if (v->stacker.full != v->full) {
		v->full = v->stacker.full;
		mdb_emit(o, MDB_OUT_STACKER, 0, 0, v->full);
		mdb_bill_type_check(v);
	}
	if (v->phase == MDB_PH_TUBES)
		v->phase = MDB_PH_COIN_TYPE;
}

/* An answer that carries data it must: decoded into the next phase. */
static void
mdb_data_answer(struct mdb_validator *v, int cmd, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	const uint8_t	*b = r->data;
	size_t		 n = r->kind == MDB_REPLY_DATA ? r->len : 0;

	switch (cmd) {
	case MDB_BILL_SETUP:
		if (mdb_bill_setup_decode(b, n, &v->setup) == -1) {
			mdb_emit(o, MDB_OUT_BAD, 0, 0, cmd);
			return;			/* asked again */
		}
		v->phase = MDB_PH_IDENT;
		break;
	case MDB_BILL_EXPANSION:	/* optional: ignored when not whole */
		if (mdb_ident_decode(b, n, &v->ident) == -1)
			memset(&v->ident, 0, sizeof(v->ident));
		v->phase = MDB_PH_TUBES;
		break;
	case MDB_BILL_STACKER:
		mdb_stacker_answer(v, b, n, now, o);
		break;
	}
}

/* BILL TYPE acknowledged: the types sent are those taken; the end of the
 * start-up. */
static void
mdb_bill_type_answer(struct mdb_validator *v, struct mdb_outs *o)
{
	v->enabled = v->sending;
	if (v->phase == MDB_PH_COIN_TYPE) {
		v->phase = MDB_PH_READY;
		v->online = 1;
		mdb_emit(o, MDB_OUT_ONLINE, 0, 0, 0);
	}
	mdb_bill_type_check(v);		/* sales changed its mind meanwhile */
}

/* The answer to the outstanding request: see mdb_validator.h. */
void
mdb_validator_answer(struct mdb_validator *v, const struct mdb_reply *r,
    uint64_t now, struct mdb_outs *o)
{
	int	cmd = v->outstanding;

	if (cmd == -1 && v->stale != -1 && r->kind != MDB_REPLY_NACK) {
		/* the late answer of a request given up on (a note in it is
		 * money): taken as that answer */
		cmd = v->stale;
		v->outstanding = cmd;
	}
	v->stale = -1;
	if (cmd == -1) {
		mdb_emit(o, MDB_OUT_BAD, 0, 0, -1);	/* logged, not lost */
		return;
	}
	if (r->kind == MDB_REPLY_NACK && v->phase == MDB_PH_IDENT) {
		/* no identification: go on (one that is gone stays silent
		 * at STACKER too) */
		v->outstanding = -1;
		v->phase = MDB_PH_TUBES;
		v->next_at = now;
		return;
	}
	if (r->kind == MDB_REPLY_NACK || r->kind == MDB_REPLY_OTHER ||
	    r->kind == MDB_REPLY_MODE) {
		if (r->kind == MDB_REPLY_OTHER)
			mdb_emit(o, MDB_OUT_BAD, 0, 0, cmd);
		mdb_unanswered(v, now, o);
		return;
	}
	v->heard_at = now;
	v->outstanding = -1;
	v->next_at = now + v->t.poll_ns;
	switch (cmd) {
	case MDB_BILL_RESET:
		v->phase = MDB_PH_WAIT_RESET;
		v->reset_at = now;
		v->next_at = now + v->t.reset_wait_ns;
		break;
	case MDB_BILL_POLL:
		mdb_poll_answer(v, r, now, o);
		if (v->phase == MDB_PH_SETUP)
			v->next_at = now;	/* set it up at once */
		break;
	case MDB_BILL_ESCROW:		/* taken: the note's event follows */
		if (v->note == MDB_NOTE_DECIDED)
			v->note = MDB_NOTE_MOVING;
		break;
	case MDB_BILL_TYPE:
		mdb_bill_type_answer(v, o);
		break;
	default:
		mdb_data_answer(v, cmd, r, now, o);
		if (v->phase != MDB_PH_READY)
			v->next_at = now;	/* start-up goes on at once */
		break;
	}
}

/* No answer line within answer_ns: as a NACK. */
void
mdb_validator_silent(struct mdb_validator *v, uint64_t now,
    struct mdb_outs *o)
{
	if (v->outstanding != -1)
		mdb_unanswered(v, now, o);
}

/* Sales' wish; a ready validator is told at the next request (a note
 * held meanwhile is the shell's to return). */
void
mdb_validator_inhibit(struct mdb_validator *v, int on)
{
	v->inhibit = on != 0;
	mdb_bill_type_check(v);
}

/* The shell's decision on the note held: sent as ESCROW at once, not at
 * the next poll (the ledger has it: a crash before the validator hears
 * it is settled as decided, so that moment is kept short). */
void
mdb_validator_decide(struct mdb_validator *v, int stack)
{
	if (v->note != MDB_NOTE_HELD)
		return;
	v->stack = stack != 0;
	v->note = MDB_NOTE_DECIDED;
	v->next_at = 1;			/* due now (0 would be "nothing") */
}

/* When the shell must act next: see mdb_validator.h. */
uint64_t
mdb_validator_deadline(const struct mdb_validator *v)
{
	return v->outstanding != -1 ? v->sent_at + v->t.answer_ns : v->next_at;
}
