/*
 * changer.c: a level 3 coin changer at address 08 (MDB/ICP 4.2, section 5).
 *
 * Coins go to their tube while it has room, else to the cash box; a coin of
 * a type the controller has not enabled is returned to the customer and
 * reported with routing 11 (reject), never counted as in. DISPENSE and
 * ALTERNATIVE PAYOUT pay one coin every coin_ms while POLL says 02 (payout
 * busy); a tube that runs empty or a scripted jam ends the payout short.
 * PAYOUT STATUS gives the coins of each type paid since the last DISPENSE or
 * ALTERNATIVE PAYOUT once (ACK only while the payout runs, zeros once read);
 * a reset loses it, as the RAM of a real changer would, so the controller
 * must reconcile from TUBE STATUS.
 */
#include "mdbsim.h"

/* The command bits of the first byte (08 + n). */
#define CHG_RESET		0
#define CHG_SETUP		1
#define CHG_TUBE_STATUS		2
#define CHG_POLL		3
#define CHG_COIN_TYPE		4
#define CHG_DISPENSE		5
#define CHG_EXPANSION		7

/* EXPANSION (0F) subcommands. */
#define EXP_IDENT		0x00
#define EXP_FEATURES		0x01
#define EXP_PAYOUT		0x02
#define EXP_PAYOUT_STATUS	0x03
#define EXP_VALUE_POLL		0x04
#define EXP_DIAG		0x05

/* Optional features (identification Z30-Z33, FEATURE ENABLE Y1-Y4). */
#define FEAT_ALT_PAYOUT		0x01
#define FEAT_DIAG		0x02
#define FEAT_SUPPORTED		(FEAT_ALT_PAYOUT | FEAT_DIAG)

/* POLL status bytes and the routing bits yy of 01yyxxxx. */
#define ST_PAYOUT_BUSY		0x02
#define ST_TUBE_JAM		0x07
#define ST_WAS_RESET		0x0B
#define EV_DEPOSITED		0x40
#define EV_MANUAL		0x80
#define ROUTE_CASHBOX		0
#define ROUTE_TUBE		1
#define ROUTE_REJECT		3

#define POLL_MAX		16	/* bytes of one POLL reply */
#define MANUAL_MAX		7	/* coins of one manual event (3 bits) */
#define FAULT_OFF		-1

/* The payout under way, or the last one. */
struct payout {
	bool	active;
	bool	alternative;	/* 0F 02: a value, the changer picks coins */
	int	type;		/* DISPENSE: its one coin type */
	int	left;		/* coins (DISPENSE) or scaled value still due */
	int	done;		/* coins paid so far */
	int64_t	next;		/* when the next coin drops */
	uint8_t	paid[MDB_TYPES];/* per type, for PAYOUT STATUS */
	bool	report;		/* paid[] not read by PAYOUT STATUS yet */
	int	unpolled;	/* scaled value since the last VALUE POLL */
};

/* Coins of one type: where they are and where they went. */
struct coins {
	long	tube, tube_start, to_tube, to_cashbox;
	long	paid_out, returned, manual, filled;
};

static struct {
	const struct sim_config	*cfg;
	struct coins		 c[MDB_TYPES];
	bool			 sensor_fault[MDB_TYPES];
	uint16_t		 enable, manual_enable;
	uint32_t		 features;
	struct evq		 q;
	struct payout		 po;
	int			 jam_after, reset_after;	/* faults */
	int			 unexpected;
} chg;

/* The credit of a coin type, in units of the scaling factor. */
static int
credit(int t)
{
	return chg.cfg->coin_value[t] / chg.cfg->coin_scale;
}

/* Does coin type t exist and have a tube? */
static bool
has_tube(int t)
{
	return chg.cfg->coin_value[t] > 0 && (chg.cfg->tube_mask >> t & 1);
}

/* What the changer reports as a tube's count (one byte). */
static uint8_t
tube_byte(int t)
{
	return (uint8_t)(chg.c[t].tube > 255 ? 255 : chg.c[t].tube);
}

static void
push1(uint8_t b)
{
	evq_push(&chg.q, &b, 1);
}

static void
push2(uint8_t b0, uint8_t b1)
{
	uint8_t	b[2] = { b0, b1 };

	evq_push(&chg.q, b, 2);
}

/* Power-on state after a reset: events lost, acceptance off, "just reset". */
static void
reset_state(void)
{
	if (chg.po.active)
		sim_log("changer: reset stops the payout after %d coins",
		    chg.po.done);
	memset(&chg.po, 0, sizeof(chg.po));
	evq_clear(&chg.q);
	push1(ST_WAS_RESET);
	chg.enable = chg.manual_enable = 0;
	chg.features = 0;
}

/* The payout ends (done, short or jammed); PAYOUT STATUS may read it. */
static void
payout_end(const char *why)
{
	struct payout	*po = &chg.po;

	po->active = false;
	po->report = true;
	sim_log("changer: payout %s: %d coins, %d %s still due", why, po->done,
	    po->left, po->alternative ? "scaled units" : "coins");
}

/* The coin type the next coin of the payout comes from, or -1. */
static int
next_coin(void)
{
	struct payout	*po = &chg.po;
	int		 best = -1;

	if (!po->alternative)
		return po->left > 0 && chg.c[po->type].tube > 0 ? po->type : -1;
	for (int t = 0; t < MDB_TYPES; t++)
		if (has_tube(t) && chg.c[t].tube > 0 && credit(t) <= po->left &&
		    (best < 0 || credit(t) > credit(best)))
			best = t;
	return best;
}

/* One coin time of the payout at time t: a fault, a coin, or the end. */
static void
payout_step(int64_t t)
{
	struct payout	*po = &chg.po;
	int		 type;

	if (chg.reset_after != FAULT_OFF && po->done >= chg.reset_after) {
		sim_log("changer: fault: resets itself after %d coins",
		    po->done);
		chg.reset_after = FAULT_OFF;
		reset_state();
		return;
	}
	if (chg.jam_after != FAULT_OFF && po->done >= chg.jam_after) {
		chg.jam_after = FAULT_OFF;
		push1(ST_TUBE_JAM);
		payout_end("jammed (fault)");
		return;
	}
	if ((type = next_coin()) < 0) {
		payout_end(po->left > 0 ? "short, tube empty" : "done");
		return;
	}
	chg.c[type].tube--;
	chg.c[type].paid_out++;
	po->paid[type]++;
	po->unpolled += credit(type);
	po->done++;
	po->left -= po->alternative ? credit(type) : 1;
	if (chg.unexpected != FAULT_OFF) {
		sim_log("changer: fault: unexpected poll code %02X",
		    chg.unexpected);
		push1((uint8_t)chg.unexpected);
		chg.unexpected = FAULT_OFF;
	}
	if (po->left <= 0)
		payout_end("done");
	else
		po->next = t + chg.cfg->coin_ms;
}

/* Let the payout run up to now. */
static void
advance(int64_t now)
{
	while (chg.po.active && chg.po.next <= now)
		payout_step(chg.po.next);
}

/* Start paying `left` coins of type (or a scaled value, alternative). */
static void
payout_start(int64_t now, bool alternative, int type, int left)
{
	if (chg.po.report)
		sim_log("changer: the last payout's PAYOUT STATUS was never "
		    "read");
	memset(&chg.po, 0, sizeof(chg.po));
	chg.po.alternative = alternative;
	chg.po.type = type;
	chg.po.left = left;
	chg.po.report = true;
	if (left <= 0)
		return;
	chg.po.active = true;
	chg.po.next = now + chg.cfg->coin_ms;
	if (alternative)
		sim_log("changer: alternative payout of %d scaled units", left);
	else
		sim_log("changer: dispense %d coins of type %d", left, type);
}

/* Does the message have the length its command takes? Else no answer. */
static bool
want(size_t n, size_t len, const char *name, struct mdb_reply *r)
{
	if (n == len)
		return true;
	sim_protocol_error("changer: %s of %zu bytes, not %zu: no answer",
	    name, n, len);
	reply_nack(r);
	return false;
}

/* Is the feature enabled? A command of a disabled feature is ignored. */
static bool
want_feature(uint32_t bit, const char *name, struct mdb_reply *r)
{
	if (chg.features & bit)
		return true;
	sim_protocol_error("changer: %s before FEATURE ENABLE of bit %u: "
	    "no answer", name, (unsigned)__builtin_ctz(bit));
	reply_nack(r);
	return false;
}

/* SETUP: level 3, currency, scaling, decimals, routing, coin credits. */
static void
cmd_setup(struct mdb_reply *r)
{
	uint8_t		d[7 + MDB_TYPES] = { 3 };
	uint16_t	routing = 0;

	reply_put16(d + 1, chg.cfg->currency);
	d[3] = (uint8_t)chg.cfg->coin_scale;
	d[4] = (uint8_t)chg.cfg->decimals;
	for (int t = 0; t < MDB_TYPES; t++) {
		if (has_tube(t))
			routing |= (uint16_t)(1u << t);
		d[7 + t] = (uint8_t)credit(t);
	}
	reply_put16(d + 5, routing);
	reply_data(r, d, sizeof(d));
}

/* TUBE STATUS: full flags, then a count per type. */
static void
cmd_tube_status(struct mdb_reply *r)
{
	uint8_t		d[2 + MDB_TYPES] = { 0 };
	unsigned	full = 0;

	for (int t = 0; t < MDB_TYPES; t++) {
		if (chg.sensor_fault[t]) {
			full |= 1u << t;
			continue;
		}
		if (!has_tube(t))
			continue;
		if (chg.c[t].tube >= chg.cfg->tube_capacity)
			full |= 1u << t;
		d[2 + t] = tube_byte(t);
	}
	reply_put16(d, full);
	reply_data(r, d, sizeof(d));
}

/* POLL: the events, then 02 while a payout runs; ACK when nothing. */
static void
cmd_poll(struct mdb_reply *r)
{
	uint8_t	d[POLL_MAX];
	size_t	len;

	len = evq_take(&chg.q, d, POLL_MAX - 1, 0);
	if (chg.po.active)
		d[len++] = ST_PAYOUT_BUSY;
	if (len == 0)
		reply_ack(r);
	else
		reply_data(r, d, len);
}

/* DISPENSE yyyyxxxx: yyyy coins of type xxxx. */
static void
cmd_dispense(const uint8_t *m, int64_t now, struct mdb_reply *r)
{
	int	count = m[1] >> 4, type = m[1] & 0x0F;

	reply_ack(r);
	if (chg.po.active) {
		sim_protocol_error("changer: DISPENSE %d x type %d while a "
		    "payout runs: ignored", count, type);
		return;
	}
	if (!has_tube(type)) {
		sim_protocol_error("changer: DISPENSE of type %d, which has "
		    "no tube: ignored", type);
		return;
	}
	payout_start(now, false, type, count);
}

/* EXPANSION IDENTIFICATION: who we are, and the optional features. */
static void
cmd_ident(struct mdb_reply *r)
{
	uint8_t	d[33];

	memcpy(d, "SIM" "MDBSIM000008" "MDBSIM-CHG-3", 27);
	d[27] = 0x01;			/* software version 1.00, BCD */
	d[28] = 0x00;
	reply_put16(d + 29, 0);
	reply_put16(d + 31, FEAT_SUPPORTED);
	reply_data(r, d, sizeof(d));
}

/* PAYOUT STATUS: coins per type of the last payout, reported once. */
static void
cmd_payout_status(struct mdb_reply *r)
{
	if (chg.po.active) {
		reply_ack(r);
		return;
	}
	reply_data(r, chg.po.paid, MDB_TYPES);
	memset(chg.po.paid, 0, sizeof(chg.po.paid));
	chg.po.report = false;
}

/* PAYOUT VALUE POLL: the value paid since the last one (00: none yet);
 * ACK once the payout is over and all of it was reported. */
static void
cmd_value_poll(struct mdb_reply *r)
{
	uint8_t	v;

	if (!chg.po.active && chg.po.unpolled == 0) {
		reply_ack(r);
		return;
	}
	v = (uint8_t)(chg.po.unpolled > 255 ? 255 : chg.po.unpolled);
	chg.po.unpolled -= v;
	reply_data(r, &v, 1);
}

/* SEND DIAGNOSTIC STATUS: 03 00 OK, or 06 00 inhibited by the VMC. */
static void
cmd_diag(struct mdb_reply *r)
{
	uint8_t	d[2] = { chg.enable ? 0x03 : 0x06, 0x00 };

	reply_data(r, d, sizeof(d));
}

/* EXPANSION (0F): the level 3 subcommands. */
static void
cmd_expansion(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	switch (n < 2 ? -1 : m[1]) {
	case EXP_IDENT:
		if (want(n, 2, "IDENTIFICATION", r))
			cmd_ident(r);
		return;
	case EXP_FEATURES:
		if (!want(n, 6, "FEATURE ENABLE", r))
			return;
		chg.features = ((uint32_t)m[2] << 24 | (uint32_t)m[3] << 16 |
		    (uint32_t)m[4] << 8 | m[5]) & FEAT_SUPPORTED;
		reply_ack(r);
		return;
	case EXP_PAYOUT:
		if (!want(n, 3, "ALTERNATIVE PAYOUT", r) ||
		    !want_feature(FEAT_ALT_PAYOUT, "ALTERNATIVE PAYOUT", r))
			return;
		reply_ack(r);
		if (chg.po.active)
			sim_protocol_error("changer: ALTERNATIVE PAYOUT while "
			    "a payout runs: ignored");
		else
			payout_start(now, true, 0, m[2]);
		return;
	case EXP_PAYOUT_STATUS:
		if (want(n, 2, "PAYOUT STATUS", r) &&
		    want_feature(FEAT_ALT_PAYOUT, "PAYOUT STATUS", r))
			cmd_payout_status(r);
		return;
	case EXP_VALUE_POLL:
		if (want(n, 2, "PAYOUT VALUE POLL", r) &&
		    want_feature(FEAT_ALT_PAYOUT, "PAYOUT VALUE POLL", r))
			cmd_value_poll(r);
		return;
	case EXP_DIAG:
		if (want(n, 2, "SEND DIAGNOSTIC STATUS", r) &&
		    want_feature(FEAT_DIAG, "SEND DIAGNOSTIC STATUS", r))
			cmd_diag(r);
		return;
	}
	sim_protocol_error("changer: unknown EXPANSION %s: no answer",
	    n < 2 ? "(no subcommand)" : "subcommand");
	reply_nack(r);
}

void
changer_init(const struct sim_config *cfg)
{
	chg.cfg = cfg;
	chg.q.who = "changer";
	for (int t = 0; t < MDB_TYPES; t++)
		if (has_tube(t))
			chg.c[t].tube = chg.c[t].tube_start = cfg->tube_fill;
	chg.jam_after = chg.reset_after = chg.unexpected = FAULT_OFF;
	reset_state();
}

void
changer_reset(int64_t now)
{
	advance(now);
	reset_state();
}

void
changer_bus(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	advance(now);
	switch (m[0] & MDB_CMD_MASK) {
	case CHG_RESET:
		if (want(n, 1, "RESET", r)) {
			reset_state();
			reply_ack(r);
		}
		return;
	case CHG_SETUP:
		if (want(n, 1, "SETUP", r))
			cmd_setup(r);
		return;
	case CHG_TUBE_STATUS:
		if (want(n, 1, "TUBE STATUS", r))
			cmd_tube_status(r);
		return;
	case CHG_POLL:
		if (want(n, 1, "POLL", r))
			cmd_poll(r);
		return;
	case CHG_COIN_TYPE:
		if (!want(n, 5, "COIN TYPE", r))
			return;
		chg.enable = (uint16_t)(m[1] << 8 | m[2]);
		chg.manual_enable = (uint16_t)(m[3] << 8 | m[4]);
		reply_ack(r);
		return;
	case CHG_DISPENSE:
		if (want(n, 2, "DISPENSE", r))
			cmd_dispense(m, now, r);
		return;
	case CHG_EXPANSION:
		cmd_expansion(m, n, now, r);
		return;
	}
	sim_protocol_error("changer: unknown command %02X: no answer", m[0]);
	reply_nack(r);
}

/* A customer inserts a coin of type t. */
static void
coin_insert(int t, char *out, size_t len)
{
	struct coins	*c = &chg.c[t];

	if (!(chg.enable >> t & 1)) {
		c->returned++;
		push2((uint8_t)(EV_DEPOSITED | ROUTE_REJECT << 4 | t),
		    tube_byte(t));
		snprintf(out, len, "returned: type %d is not enabled", t);
	} else if (has_tube(t) && c->tube < chg.cfg->tube_capacity) {
		c->tube++;
		c->to_tube++;
		push2((uint8_t)(EV_DEPOSITED | ROUTE_TUBE << 4 | t),
		    tube_byte(t));
		snprintf(out, len, "tube %d: %ld coins", t, c->tube);
	} else {
		c->to_cashbox++;
		push2((uint8_t)(EV_DEPOSITED | ROUTE_CASHBOX << 4 | t),
		    tube_byte(t));
		snprintf(out, len, "cash box");
	}
	sim_log("changer: coin type %d: %s", t, out);
}

/* The changer's own payout buttons: n coins of type t, reported in POLL. */
static enum sim_ctl
manual(int t, long n, char *out, size_t len)
{
	struct coins	*c = &chg.c[t];

	if (!(chg.manual_enable >> t & 1)) {
		snprintf(out, len, "manual dispense of type %d not enabled", t);
		return CTL_ERR;
	}
	if (n > c->tube)
		n = c->tube;
	if (n == 0) {
		snprintf(out, len, "tube %d is empty", t);
		return CTL_ERR;
	}
	c->tube -= n;
	c->manual += n;
	push2((uint8_t)(EV_MANUAL | n << 4 | t), tube_byte(t));
	snprintf(out, len, "%ld coins of type %d", n, t);
	sim_log("changer: manual dispense of %s", out);
	return CTL_OK;
}

/* `tubes TYPE=COUNT ...`: the operator fills or empties tubes. */
static enum sim_ctl
set_tubes(int argc, char **argv, char *out, size_t len)
{
	long	t, count;
	char	*eq;

	for (int i = 1; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			goto bad;
		*eq = '\0';
		if (ctl_type(argv[i], chg.cfg->coin_value, &t) == -1 ||
		    !has_tube((int)t) || ctl_int(eq + 1, 0,
		    chg.cfg->tube_capacity, &count) == -1)
			goto bad;
		chg.c[t].filled += count - chg.c[t].tube;
		chg.c[t].tube = count;
		sim_log("changer: tube %ld set to %ld coins", t, count);
	}
	return argc > 1 ? CTL_OK : CTL_ERR;
bad:
	snprintf(out, len, "usage: tubes TYPE=COUNT... (a type with a tube, "
	    "0..%d coins)", chg.cfg->tube_capacity);
	return CTL_ERR;
}

/* `fault ...` of the changer: jam-payout, reset-during-payout, unexpected,
 * tube-sensor, clear. */
static enum sim_ctl
fault(int argc, char **argv, char *out, size_t len)
{
	const char	*f = argc >= 2 ? argv[1] : "";
	long		 v = 1;
	bool		 on;

	if (strcmp(f, "clear") == 0 && argc == 2) {
		chg.jam_after = chg.reset_after = chg.unexpected = FAULT_OFF;
		memset(chg.sensor_fault, 0, sizeof(chg.sensor_fault));
		return CTL_OK;
	}
	if (strcmp(f, "jam-payout") == 0) {
		if (argc != 3 || ctl_int(argv[2], 0, 255, &v) == -1)
			goto usage;
		chg.jam_after = (int)v;
	} else if (strcmp(f, "reset-during-payout") == 0) {
		if (argc > 3 ||
		    (argc == 3 && ctl_int(argv[2], 0, 255, &v) == -1))
			goto usage;
		chg.reset_after = (int)v;
	} else if (strcmp(f, "unexpected") == 0) {
		if (argc != 3 || ctl_hex(argv[2], 255, &v) == -1)
			goto usage;
		chg.unexpected = (int)v;
	} else if (strcmp(f, "tube-sensor") == 0) {
		if (argc != 4 ||
		    ctl_type(argv[2], chg.cfg->coin_value, &v) == -1 ||
		    ctl_onoff(argv[3], &on) == -1)
			goto usage;
		chg.sensor_fault[v] = on;
	} else
		return CTL_UNKNOWN;
	sim_log("changer: fault %s armed", f);
	return CTL_OK;
usage:
	snprintf(out, len, "usage: fault jam-payout N | "
	    "reset-during-payout [N] | unexpected HEX | "
	    "tube-sensor TYPE on|off");
	return CTL_ERR;
}

enum sim_ctl
changer_ctl(int argc, char **argv, int64_t now, char *out, size_t len)
{
	long	t, n = 1;

	if (strcmp(argv[0], "coin") != 0 && strcmp(argv[0], "manual") != 0 &&
	    strcmp(argv[0], "tubes") != 0 && strcmp(argv[0], "fault") != 0)
		return CTL_UNKNOWN;
	if (!chg.cfg->has_changer) {
		if (strcmp(argv[0], "fault") == 0)
			return CTL_UNKNOWN;
		snprintf(out, len, "no changer (-X changer)");
		return CTL_ERR;
	}
	advance(now);
	if (strcmp(argv[0], "tubes") == 0)
		return set_tubes(argc, argv, out, len);
	if (strcmp(argv[0], "fault") == 0)
		return fault(argc, argv, out, len);
	if (argc < 2 || argc > 3 ||
	    ctl_type(argv[1], chg.cfg->coin_value, &t) == -1 ||
	    (argc == 3 && ctl_int(argv[2], 1, MANUAL_MAX, &n) == -1)) {
		snprintf(out, len, "usage: %s TYPE [1..%d] (a coin type in "
		    "use)",
		    argv[0], MANUAL_MAX);
		return CTL_ERR;
	}
	if (strcmp(argv[0], "manual") == 0)
		return manual((int)t, n, out, len);
	for (long i = 0; i < n; i++)
		coin_insert((int)t, out, len);
	return CTL_OK;
}

void
changer_account(int64_t now, struct sim_account *a)
{
	advance(now);
	for (int t = 0; t < MDB_TYPES; t++) {
		const struct coins	*c = &chg.c[t];
		long			 v = chg.cfg->coin_value[t];

		a->coins_in += (c->to_tube + c->to_cashbox) * v;
		a->tubes += c->tube * v;
		a->tubes_start += c->tube_start * v;
		a->cashbox += c->to_cashbox * v;
		a->paid_out += c->paid_out * v;
		a->returned += c->returned * v;
		a->manual += c->manual * v;
		a->filled += c->filled * v;
	}
}

void
changer_json(FILE *f)
{
	const char	*sep = "";

	fprintf(f, "{\"scale\": %d, \"tube_capacity\": %d, \"types\": [",
	    chg.cfg->coin_scale, chg.cfg->tube_capacity);
	for (int t = 0; t < MDB_TYPES; t++) {
		const struct coins	*c = &chg.c[t];

		if (chg.cfg->coin_value[t] == 0)
			continue;
		fprintf(f, "%s\n    {\"type\": %d, \"value\": %d, "
		    "\"has_tube\": %s, \"tube\": %ld, \"tube_start\": %ld, "
		    "\"to_tube\": %ld, \"to_cashbox\": %ld, \"paid_out\": %ld, "
		    "\"returned\": %ld, \"manual\": %ld, \"filled\": %ld}", sep,
		    t, chg.cfg->coin_value[t], has_tube(t) ? "true" : "false",
		    c->tube, c->tube_start, c->to_tube, c->to_cashbox,
		    c->paid_out, c->returned, c->manual, c->filled);
		sep = ",";
	}
	fprintf(f, "]}");
}
