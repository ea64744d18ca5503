/*
 * validator.c: a level 1 bill validator with escrow at address 30
 * (MDB/ICP 4.2, section 6).
 *
 * A note of an enabled type whose escrow bit is set waits in escrow (POLL
 * 1001xxxx) until ESCROW: stack (01) carries it to the stacker, return (00)
 * gives it back; either takes note_ms, during which POLL says 03 (validator
 * busy), then 1000xxxx (stacked) or 1010xxxx (returned). Without the escrow
 * bit the note goes straight to the stacker. A note of a disabled type is
 * taken in and returned (1100xxxx). A validator that is disabled (no type
 * enabled, or the stacker full) keeps its slot shut: the note never goes
 * in, and every POLL says 09 (validator disabled). MDB has no "stacker
 * full" poll code; STACKER's bit 15 says it. A reset returns the note in
 * escrow and finishes the one in transport, its event lost.
 */
#include "mdbsim.h"

/* The command bits of the first byte (30 + n). */
#define BV_RESET		0
#define BV_SETUP		1
#define BV_SECURITY		2
#define BV_POLL			3
#define BV_BILL_TYPE		4
#define BV_ESCROW		5
#define BV_STACKER		6
#define BV_EXPANSION		7
#define EXP_IDENT		0x00

/* POLL status bytes, and the routing yyy of 1yyyxxxx. */
#define ST_BUSY			0x03
#define ST_WAS_RESET		0x06
#define ST_DISABLED		0x09
#define ST_INVALID_ESCROW	0x0A
#define EV_STACKED		0x80
#define EV_ESCROW		0x90
#define EV_RETURNED		0xA0
#define EV_DISABLED_REJECTED	0xC0

#define POLL_MAX		16
#define STACKER_FULL_BIT	0x8000
#define NONE			-1

static struct {
	const struct sim_config	*cfg;
	struct evq		 q;
	uint16_t		 enable, escrow_mask;
	int			 escrow;	/* type held in escrow, NONE */
	int			 moving;	/* type in transport, NONE */
	bool			 moving_stack;	/* to the stacker, else out */
	int64_t			 moving_done;
	bool			 full_forced;	/* stacker-full on */
	long			 stacker;	/* notes in the stacker */
	long			 stacked[MDB_TYPES], returned[MDB_TYPES];
} val;

static bool
stacker_full(void)
{
	return val.full_forced || val.stacker >= val.cfg->stacker_capacity;
}

/* Is the slot shut (no type enabled, or the stacker full)? */
static bool
disabled(void)
{
	return val.enable == 0 || stacker_full();
}

static void
push1(uint8_t b)
{
	evq_push(&val.q, &b, 1);
}

/* The note in transport arrives: in the stacker, or back with the customer;
 * reported unless a reset swallowed the event. */
static void
move_end(bool report)
{
	int	t = val.moving;

	if (val.moving_stack) {
		val.stacked[t]++;
		val.stacker++;
	} else
		val.returned[t]++;
	if (report)
		push1((uint8_t)((val.moving_stack ? EV_STACKED : EV_RETURNED) |
		    t));
	sim_log("validator: note type %d %s", t, val.moving_stack ?
	    "stacked" : "returned");
	val.moving = NONE;
}

static void
move_start(int t, bool stack, int64_t now)
{
	val.moving = t;
	val.moving_stack = stack;
	val.moving_done = now + val.cfg->note_ms;
}

static void
advance(int64_t now)
{
	if (val.moving != NONE && val.moving_done <= now)
		move_end(true);
}

/* Power-on state: the note in escrow given back, events lost. */
static void
reset_state(void)
{
	if (val.moving != NONE)
		move_end(false);
	if (val.escrow != NONE) {
		val.returned[val.escrow]++;
		sim_log("validator: reset returns the note in escrow (type %d)",
		    val.escrow);
		val.escrow = NONE;
	}
	evq_clear(&val.q);
	push1(ST_WAS_RESET);
	val.enable = val.escrow_mask = 0;
}

/* Does the message have the length its command takes? Else no answer. */
static bool
want(size_t n, size_t len, const char *name, struct mdb_reply *r)
{
	if (n == len)
		return true;
	sim_protocol_error("validator: %s of %zu bytes, not %zu: no answer",
	    name, n, len);
	reply_nack(r);
	return false;
}

/* SETUP: level 1, currency, scaling, decimals, stacker capacity, security,
 * escrow, bill credits. */
static void
cmd_setup(struct mdb_reply *r)
{
	uint8_t		d[11 + MDB_TYPES] = { 1 };
	unsigned	used = 0;

	reply_put16(d + 1, val.cfg->currency);
	reply_put16(d + 3, (unsigned)val.cfg->note_scale);
	d[5] = (uint8_t)val.cfg->decimals;
	reply_put16(d + 6, (unsigned)val.cfg->stacker_capacity);
	for (int t = 0; t < MDB_TYPES; t++) {
		d[11 + t] = (uint8_t)(val.cfg->note_value[t] /
		    val.cfg->note_scale);
		if (d[11 + t] != 0)
			used |= 1u << t;
	}
	reply_put16(d + 8, used);	/* high security for every type */
	d[10] = 0xFF;			/* escrow capable */
	reply_data(r, d, sizeof(d));
}

/* POLL: the events, then 03 (busy) or 09 (disabled); ACK when nothing. */
static void
cmd_poll(struct mdb_reply *r)
{
	uint8_t	d[POLL_MAX];
	size_t	len = evq_take(&val.q, d, POLL_MAX - 1, 0);

	if (val.moving != NONE)
		d[len++] = ST_BUSY;
	else if (disabled())
		d[len++] = ST_DISABLED;
	if (len == 0)
		reply_ack(r);
	else
		reply_data(r, d, len);
}

/* ESCROW 01 (stack) or 00 (return) of the note in escrow. */
static void
cmd_escrow(const uint8_t *m, int64_t now, struct mdb_reply *r)
{
	int	t = val.escrow;

	if (m[1] > 1) {
		sim_protocol_error("validator: ESCROW %02X: no answer", m[1]);
		reply_nack(r);
		return;
	}
	reply_ack(r);
	if (t == NONE) {
		sim_protocol_error("validator: ESCROW %s with no note in "
		    "escrow", m[1] ? "stack" : "return");
		push1(ST_INVALID_ESCROW);
		return;
	}
	val.escrow = NONE;
	if (m[1] == 1 && stacker_full()) {
		sim_log("validator: stacker full, the note goes back");
		move_start(t, false, now);
	} else
		move_start(t, m[1] == 1, now);
}

/* STACKER: bit 15 full, bits 14-0 the notes in it. */
static void
cmd_stacker(struct mdb_reply *r)
{
	uint8_t		d[2];
	unsigned	count = (unsigned)(val.stacker > 0x7FFF ? 0x7FFF :
			    val.stacker);

	reply_put16(d, (stacker_full() ? STACKER_FULL_BIT : 0) | count);
	reply_data(r, d, sizeof(d));
}

/* EXPANSION 00, LEVEL 1 IDENTIFICATION: who we are. */
static void
cmd_ident(struct mdb_reply *r)
{
	uint8_t	d[29];

	memcpy(d, "SIM" "MDBSIM000030" "MDBSIM-BV-1 ", 27);
	d[27] = 0x01;
	d[28] = 0x00;
	reply_data(r, d, sizeof(d));
}

void
validator_init(const struct sim_config *cfg)
{
	val.cfg = cfg;
	val.q.who = "validator";
	val.escrow = val.moving = NONE;
	reset_state();
}

void
validator_reset(int64_t now)
{
	advance(now);
	reset_state();
}

void
validator_bus(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	advance(now);
	switch (m[0] & MDB_CMD_MASK) {
	case BV_RESET:
		if (want(n, 1, "RESET", r)) {
			reset_state();
			reply_ack(r);
		}
		return;
	case BV_SETUP:
		if (want(n, 1, "SETUP", r))
			cmd_setup(r);
		return;
	case BV_SECURITY:
		if (want(n, 3, "SECURITY", r))
			reply_ack(r);
		return;
	case BV_POLL:
		if (want(n, 1, "POLL", r))
			cmd_poll(r);
		return;
	case BV_BILL_TYPE:
		if (!want(n, 5, "BILL TYPE", r))
			return;
		val.enable = (uint16_t)(m[1] << 8 | m[2]);
		val.escrow_mask = (uint16_t)(m[3] << 8 | m[4]);
		reply_ack(r);
		return;
	case BV_ESCROW:
		if (want(n, 2, "ESCROW", r))
			cmd_escrow(m, now, r);
		return;
	case BV_STACKER:
		if (want(n, 1, "STACKER", r))
			cmd_stacker(r);
		return;
	case BV_EXPANSION:
		if (n == 2 && m[1] == EXP_IDENT) {
			cmd_ident(r);
			return;
		}
		break;
	}
	sim_protocol_error("validator: unknown or malformed command %02X "
	    "(%zu bytes): no answer", m[0], n);
	reply_nack(r);
}

/* A customer inserts a note of type t. */
static enum sim_ctl
note_insert(int t, int64_t now, char *out, size_t len)
{
	if (val.escrow != NONE || val.moving != NONE) {
		snprintf(out, len, "busy with a note: refused at the slot");
		return CTL_ERR;
	}
	if (disabled()) {
		snprintf(out, len, "disabled (%s): refused at the slot",
		    stacker_full() ? "stacker full" : "no type enabled");
		return CTL_ERR;
	}
	if (!(val.enable >> t & 1)) {
		val.returned[t]++;
		push1((uint8_t)(EV_DISABLED_REJECTED | t));
		snprintf(out, len, "returned: type %d is not enabled", t);
	} else if (val.escrow_mask >> t & 1) {
		val.escrow = t;
		push1((uint8_t)(EV_ESCROW | t));
		snprintf(out, len, "in escrow");
	} else {
		move_start(t, true, now);
		snprintf(out, len, "to the stacker (no escrow)");
	}
	sim_log("validator: note type %d: %s", t, out);
	return CTL_OK;
}

enum sim_ctl
validator_ctl(int argc, char **argv, int64_t now, char *out, size_t len)
{
	long	t;
	bool	on;

	if (strcmp(argv[0], "note") != 0 &&
	    strcmp(argv[0], "stacker-full") != 0)
		return CTL_UNKNOWN;
	if (!val.cfg->has_validator) {
		snprintf(out, len, "no validator (-X validator)");
		return CTL_ERR;
	}
	advance(now);
	if (strcmp(argv[0], "stacker-full") == 0) {
		if (argc != 2 || ctl_onoff(argv[1], &on) == -1) {
			snprintf(out, len, "usage: stacker-full on|off");
			return CTL_ERR;
		}
		val.full_forced = on;
		sim_log("validator: stacker full %s", argv[1]);
		return CTL_OK;
	}
	if (argc != 2 || ctl_type(argv[1], val.cfg->note_value, &t) == -1) {
		snprintf(out, len, "usage: note TYPE (a note type in use)");
		return CTL_ERR;
	}
	return note_insert((int)t, now, out, len);
}

void
validator_account(int64_t now, struct sim_account *a)
{
	advance(now);
	for (int t = 0; t < MDB_TYPES; t++) {
		a->notes_stacked += val.stacked[t] * val.cfg->note_value[t];
		a->notes_returned += val.returned[t] * val.cfg->note_value[t];
	}
	if (val.escrow != NONE)
		a->notes_escrow += val.cfg->note_value[val.escrow];
	if (val.moving != NONE)
		a->notes_escrow += val.cfg->note_value[val.moving];
}

/* A note type in JSON, null for none. */
static void
json_type(FILE *f, int t)
{
	if (t == NONE)
		fputs("null", f);
	else
		fprintf(f, "%d", t);
}

void
validator_json(FILE *f)
{
	const char	*sep = "";

	fprintf(f, "{\"scale\": %d, \"stacker\": %ld, \"stacker_full\": %s, "
	    "\"escrow\": ", val.cfg->note_scale, val.stacker,
	    stacker_full() ? "true" : "false");
	json_type(f, val.escrow);
	fprintf(f, ", \"in_transport\": ");
	json_type(f, val.moving);
	fprintf(f, ", \"types\": [");
	for (int t = 0; t < MDB_TYPES; t++) {
		if (val.cfg->note_value[t] == 0)
			continue;
		fprintf(f, "%s\n    {\"type\": %d, \"value\": %d, "
		    "\"stacked\": %ld, \"returned\": %ld}", sep, t,
		    val.cfg->note_value[t], val.stacked[t], val.returned[t]);
		sep = ",";
	}
	fprintf(f, "]}");
}
