/*
 * mdbsim: a simulated MDB bus for vendd's tests. It presents the text
 * protocol of a Qibixx MDB Pi HAT / MDB-USB adapter in master mode on a
 * pseudo-terminal and behind it simulates a level 3 coin changer (08), a
 * bill validator with escrow (30) and a level 1 cashless reader (10),
 * keeping its own physical account of every coin, note and card amount.
 *
 *   mdbsim [-v] [-l LINK] [-c SOCKET] [-j JSON] [-X changer|validator|cashless]
 *          [-y CURRENCY] [-d DECIMALS] [-s COIN_SCALE] [-t COIN,...]
 *          [-r TUBE_MASK] [-k TUBE_CAPACITY] [-f TUBE_FILL]
 *          [-N NOTE_SCALE] [-n NOTE,...] [-S STACKER_CAPACITY]
 *          [-p COIN_MS] [-b NOTE_MS] [-a AUTH_MS] [-e SESSION_MS] [-D]
 *   mdbsim ctl SOCKET COMMAND [ARG...]
 *
 *   -v	log every adapter line and reply on stderr
 *   -l	make LINK a symlink to the pty's slave (removed at exit)
 *   -c	listen for control commands on the Unix socket SOCKET
 *   -j	write the account as JSON to JSON at exit
 *   -X	leave a peripheral off the bus (repeatable): it never answers
 *   -y	currency, 4 hex digits of packed BCD (1978: ISO 4217 978, EUR)
 *   -d	decimal places (2)
 *   -s	coin scaling factor (5)
 *   -t	coin values of types 0.. in minor units (5,10,20,50,100,200)
 *   -r	hex mask of the coin types with a tube (1F: all but the 2.00)
 *   -k	coins one tube holds (80)
 *   -f	coins in each tube at start (half the capacity)
 *   -N	bill scaling factor (100)
 *   -n	note values of types 0.. in minor units (500,1000,2000,5000)
 *   -S	notes the stacker holds (500)
 *   -p	ms per coin of a payout (150)
 *   -b	ms to carry a note from escrow to the stacker or out (300)
 *   -a	ms a card takes to answer a vend request (200)
 *   -e	ms an idle card session lasts before its cancel request (30000)
 *   -D	the reader answers SESSION COMPLETE, VEND CANCEL and READER CANCEL
 *	with ACK, and 07, 06 or 08 in the next POLL (default: at once)
 *
 * It prints the pty's slave path on stdout once ready, and the account line
 * at exit (SIGTERM, SIGINT or `exit`). `mdbsim ctl` sends one control
 * command and prints the reply (exit 1 on "err"). Control commands, one a
 * line, each answered "ok [...]" or "err REASON":
 *   coin TYPE [N]		a customer inserts N coins (1..7) of TYPE
 *   note TYPE			a customer inserts a note
 *   card FUNDS			a card with FUNDS (minor units) is presented
 *   card-cancel		the customer cancels on the reader
 *   manual TYPE [N]		the changer's own payout buttons (1..7 coins)
 *   tubes TYPE=COUNT ...	the operator sets tube counts
 *   stacker-full on|off	the stacker is (not) full
 *   fault nack changer|validator|cashless on|off	no answer on the bus
 *   fault slow MS		every answer MS late (0: off)
 *   fault jam-payout N		the next payout of > N coins jams after N
 *   fault reset-during-payout [N]	... resets the changer after N (1)
 *   fault unexpected HEX	a poll code with the next payout's 1st coin
 *   fault tube-sensor TYPE on|off	the tube reads full with 0 coins
 *   fault clear		all faults off
 *   account			the account line (also printed on stdout)
 *   exit			print the account and end
 * tests/mdb/README.md says what each peripheral does and what the adapter
 * answers to what it does not understand.
 *
 * Sources (byte layouts; the NAMA MDB/ICP 4.2 text itself was not at hand):
 *   - NAMA MDB/ICP 4.2, sections 5-7 as quoted in: the Wireshark MDB
 *     dissector (wireshark/wireshark epan/dissectors/packet-mdb.c: bill
 *     validator POLL codes and routing, cashless commands and replies,
 *     SETUP layouts); temoto/vender hardware/mdb/coin/coin.go, dispense.go,
 *     diag.go and bill/bill.go (changer POLL bytes, routing, SETUP, TUBE
 *     STATUS, identification, PAYOUT VALUE POLL semantics, diagnostic
 *     codes; bill SETUP, STACKER bit 15); maehw/mdb-coin-controller
 *     README and MdbCoinController.py (a EUR changer's SETUP through a
 *     Qibixx adapter: level 3, 1978, scaling 5, 2 decimals, credits 1 2 4
 *     10 20 40); a scan of "Section 6 bill validator" (scribd 719636083,
 *     SETUP Z1-Z27); the RaspiVend manual (bill validator status table).
 *   - The adapter: docs.qibixx.com/mdb-products/api-generic-master (M,1
 *     m,ACK m,NACK; R,xx,yyyy; p,ACK p,NACK p,<hex>; R,RESET) and
 *     api-general (115200 8N1).
 */
#include <termios.h>

#include "mdbsim.h"

#define VERSION		"v,MDBSIM 1.0"
#define LINE_MAX_IN	512	/* longest adapter line */

static struct sim_config	cfg;

static struct {
	int64_t			t0;
	bool			verbose;
	int			master, slave;
	char			slave_path[PATH_MAX];
	const char		*link, *ctl_path, *json_path;
	char			in[LINE_MAX_IN];	/* adapter bytes read */
	size_t			inlen;
	bool			skip;		/* dropping an overlong line */
	bool			master_mode;	/* M,1 seen */
	bool			nack_changer, nack_validator, nack_cashless;
	int			slow_ms;
	bool			pending;	/* a late reply waits */
	int64_t			pending_at;
	char			pending_reply[2 * MDB_BLOCK_MAX + 8];
	long			protocol_errors;
	volatile sig_atomic_t	stop;
} sim = { .master = -1, .slave = -1 };

int64_t
sim_now_ms(void)
{
	return sim_now_ns() / SIM_NS_PER_MS;
}

/* ---- logging and the helpers the peripherals share ------------------- */

static void
vlog(const char *prefix, const char *fmt, va_list ap)
{
	char	buf[512];
	int	n;

	n = snprintf(buf, sizeof(buf), "mdbsim: %9.3f %s",
	    (double)(sim_now_ms() - sim.t0) / 1000, prefix);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", buf);
}

/* What the simulated hardware did: stderr, for the test's log. */
void
sim_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

/* Something the controller got wrong: logged and counted in the account. */
void
sim_protocol_error(const char *fmt, ...)
{
	va_list	ap;

	sim.protocol_errors++;
	va_start(ap, fmt);
	vlog("PROTOCOL ERROR: ", fmt, ap);
	va_end(ap);
}

/* Queue a poll event; a full queue loses the oldest, loudly. */
void
evq_push(struct evq *q, const uint8_t *b, size_t n)
{
	unsigned	i;

	if (q->n == EVQ_MAX) {
		sim_protocol_error("%s: %d events unpolled, the oldest is lost",
		    q->who, EVQ_MAX);
		q->head = (q->head + 1) % EVQ_MAX;
		q->n--;
	}
	i = (q->head + q->n) % EVQ_MAX;
	memcpy(q->b[i], b, n);
	q->len[i] = (uint8_t)n;
	q->n++;
}

/* Whole events, oldest first, up to max bytes and max_events (0: any). */
size_t
evq_take(struct evq *q, uint8_t *out, size_t max, int max_events)
{
	size_t	len = 0;
	int	k = 0;

	while (q->n > 0 && (max_events <= 0 || k < max_events) &&
	    len + q->len[q->head] <= max) {
		memcpy(out + len, q->b[q->head], q->len[q->head]);
		len += q->len[q->head];
		q->head = (q->head + 1) % EVQ_MAX;
		q->n--;
		k++;
	}
	return len;
}

void
evq_clear(struct evq *q)
{
	q->head = q->n = 0;
}

void
reply_ack(struct mdb_reply *r)
{
	r->answer = MDB_ACK;
	r->len = 0;
}

void
reply_nack(struct mdb_reply *r)
{
	r->answer = MDB_NACK;
	r->len = 0;
}

void
reply_data(struct mdb_reply *r, const uint8_t *d, size_t len)
{
	assert(len > 0 && len <= sizeof(r->data));
	r->answer = MDB_DATA;
	r->len = len;
	memcpy(r->data, d, len);
}

/* MDB's 16-bit fields are big-endian. */
void
reply_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ---- the physical account ------------------------------------------- */

static struct sim_account
account(int64_t now)
{
	struct sim_account	a = { 0 };

	if (cfg.has_changer)
		changer_account(now, &a);
	if (cfg.has_validator)
		validator_account(now, &a);
	if (cfg.has_cashless)
		cashless_account(now, &a);
	return a;
}

/* The account line: the brief's nine fields first, then the rest. */
void
sim_account_line(int64_t now, char *buf, size_t len)
{
	struct sim_account	a = account(now);

	snprintf(buf, len, "mdbsim: coins_in=%ld tubes=%ld cashbox=%ld "
	    "paid_out=%ld returned=%ld notes_stacked=%ld notes_returned=%ld "
	    "cashless_captured=%ld cashless_refunded=%ld manual=%ld "
	    "filled=%ld tubes_start=%ld notes_escrow=%ld "
	    "cashless_approved=%ld cashless_denied=%ld cashless_pending=%ld "
	    "cash_sales=%ld protocol_errors=%ld", a.coins_in, a.tubes,
	    a.cashbox, a.paid_out, a.returned, a.notes_stacked,
	    a.notes_returned, a.cl_captured, a.cl_refunded, a.manual,
	    a.filled, a.tubes_start, a.notes_escrow, a.cl_approved,
	    a.cl_denied, a.cl_pending, a.cash_sales, sim.protocol_errors);
}

/* The account as JSON, written whole (a temporary file renamed). */
static void
account_json(int64_t now, const char *path)
{
	struct sim_account	a = account(now);
	char			tmp[PATH_MAX];
	FILE			*f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		sim_die("%s: %s", tmp, strerror(errno));
	fprintf(f, "{\"account\": {\"coins_in\": %ld, \"tubes\": %ld, "
	    "\"cashbox\": %ld, \"paid_out\": %ld, \"returned\": %ld, "
	    "\"notes_stacked\": %ld, \"notes_returned\": %ld, "
	    "\"cashless_captured\": %ld, \"cashless_refunded\": %ld, "
	    "\"manual\": %ld, \"filled\": %ld, \"tubes_start\": %ld, "
	    "\"notes_escrow\": %ld, \"cashless_approved\": %ld, "
	    "\"cashless_denied\": %ld, \"cashless_pending\": %ld, "
	    "\"cash_sales\": %ld, \"protocol_errors\": %ld},\n"
	    " \"currency\": \"%04X\", \"decimals\": %d",
	    a.coins_in, a.tubes, a.cashbox, a.paid_out, a.returned,
	    a.notes_stacked, a.notes_returned, a.cl_captured, a.cl_refunded,
	    a.manual, a.filled, a.tubes_start, a.notes_escrow, a.cl_approved,
	    a.cl_denied, a.cl_pending, a.cash_sales, sim.protocol_errors,
	    cfg.currency, cfg.decimals);
	if (cfg.has_changer) {
		fprintf(f, ",\n \"changer\": ");
		changer_json(f);
	}
	if (cfg.has_validator) {
		fprintf(f, ",\n \"validator\": ");
		validator_json(f);
	}
	if (cfg.has_cashless) {
		fprintf(f, ",\n \"cashless\": ");
		cashless_json(f);
	}
	fprintf(f, "}\n");
	if (fclose(f) == EOF || rename(tmp, path) == -1)
		sim_die("%s: %s", path, strerror(errno));
}

/* ---- the adapter: lines on the pty ---------------------------------- */

/* Send one reply line to vendd; a full pty loses it, loudly. */
static void
adapter_send(const char *reply)
{
	char	line[sizeof(sim.pending_reply) + 1];
	size_t	len = (size_t)snprintf(line, sizeof(line), "%s\n", reply);

	if (sim.verbose)
		sim_log("> %s", reply);
	if (write(sim.master, line, len) != (ssize_t)len)
		sim_log("reply '%s' lost: %s (is the pty read?)", reply,
		    strerror(errno));
}

/* Every peripheral on the bus resets (R,RESET), except the silenced. */
static void
bus_reset(int64_t now)
{
	sim_log("bus reset");
	if (cfg.has_changer && !sim.nack_changer)
		changer_reset(now);
	if (cfg.has_validator && !sim.nack_validator)
		validator_reset(now);
	if (cfg.has_cashless && !sim.nack_cashless)
		cashless_reset(now);
}

/* One MDB message to whoever has its address; nobody: no answer. */
static void
bus_send(const uint8_t *m, size_t n, int64_t now, struct mdb_reply *r)
{
	reply_nack(r);
	switch (m[0] & MDB_ADDR_MASK) {
	case ADDR_CHANGER:
		if (cfg.has_changer && !sim.nack_changer)
			changer_bus(m, n, now, r);
		break;
	case ADDR_VALIDATOR:
		if (cfg.has_validator && !sim.nack_validator)
			validator_bus(m, n, now, r);
		break;
	case ADDR_CASHLESS:
		if (cfg.has_cashless && !sim.nack_cashless)
			cashless_bus(m, n, now, r);
		break;
	}
}

static int
hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	    tolower((unsigned char)c) - 'a' + 10;
}

/*
 * The bytes of "R,"'s argument: hex digit pairs with at most one comma,
 * right after the first byte ("0D12" or "0D,12"). Their number, or -1.
 */
static int
parse_frame(const char *p, uint8_t *m)
{
	int	k = 0;
	bool	comma = false;

	while (*p != '\0') {
		if (*p == ',') {
			if (k != 1 || comma || p[1] == '\0')
				return -1;
			comma = true;
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]) || k == MDB_BLOCK_MAX)
			return -1;
		m[k++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
		p += 2;
	}
	return k > 0 ? k : -1;
}

/* The reply line to an "R," request. */
static void
adapter_request(const char *arg, int64_t now, char *out, size_t len)
{
	struct mdb_reply	r;
	uint8_t			m[MDB_BLOCK_MAX];
	int			n;
	size_t			o;

	if (!sim.master_mode) {
		sim_protocol_error("adapter: R before M,1: nothing on the bus");
		snprintf(out, len, "p,NACK");
		return;
	}
	if (strcmp(arg, "RESET") == 0) {
		bus_reset(now);
		snprintf(out, len, "p,ACK");
		return;
	}
	if ((n = parse_frame(arg, m)) == -1) {
		sim_protocol_error("adapter: malformed request 'R,%s'", arg);
		snprintf(out, len, "e,MALFORMED");
		return;
	}
	bus_send(m, (size_t)n, now, &r);
	if (r.answer != MDB_DATA) {
		snprintf(out, len, "p,%s", r.answer == MDB_ACK ? "ACK" :
		    "NACK");
		return;
	}
	o = (size_t)snprintf(out, len, "p,");
	for (size_t i = 0; i < r.len && o + 3 <= len; i++)
		o += (size_t)snprintf(out + o, len - o, "%02X", r.data[i]);
}

/* One line from vendd: its reply goes out now or, slow, later. */
static void
adapter_line(const char *line, int64_t now)
{
	char	reply[sizeof(sim.pending_reply)];

	if (sim.verbose)
		sim_log("< %s", line);
	if (strcmp(line, "V") == 0)
		snprintf(reply, sizeof(reply), "%s", VERSION);
	else if (strcmp(line, "M,1") == 0 || strcmp(line, "M,0") == 0) {
		sim.master_mode = line[2] == '1';
		snprintf(reply, sizeof(reply), "m,ACK");
	} else if (strncmp(line, "M,", 2) == 0) {
		sim_protocol_error("adapter: unknown '%s'", line);
		snprintf(reply, sizeof(reply), "m,NACK");
	} else if (strncmp(line, "R,", 2) == 0)
		adapter_request(line + 2, now, reply, sizeof(reply));
	else {
		sim_protocol_error("adapter: unknown command '%.40s'", line);
		snprintf(reply, sizeof(reply), "e,UNKNOWN");
	}
	if (sim.slow_ms == 0) {
		adapter_send(reply);
		return;
	}
	snprintf(sim.pending_reply, sizeof(sim.pending_reply), "%s", reply);
	sim.pending = true;
	sim.pending_at = now + sim.slow_ms;
}

/* Answer the whole lines read so far, one at a time while none is late. */
static void
adapter_drain(int64_t now)
{
	char	*nl;
	size_t	 used;

	while (!sim.pending && (nl = memchr(sim.in, '\n', sim.inlen)) != NULL) {
		used = (size_t)(nl - sim.in) + 1;
		*nl = '\0';
		if (nl > sim.in && nl[-1] == '\r')
			nl[-1] = '\0';
		if (sim.skip)
			sim.skip = false;
		else if (sim.in[0] != '\0')
			adapter_line(sim.in, now);
		memmove(sim.in, sim.in + used, sim.inlen - used);
		sim.inlen -= used;
	}
	if (sim.inlen == sizeof(sim.in)) {
		if (!sim.skip) {
			sim_protocol_error("adapter: line over %d bytes",
			    LINE_MAX_IN);
			adapter_send("e,TOO LONG");
		}
		sim.skip = true;
		sim.inlen = 0;
	}
}

static void
adapter_read(int64_t now)
{
	ssize_t	n = read(sim.master, sim.in + sim.inlen,
	    sizeof(sim.in) - sim.inlen);

	if (n == -1 && errno != EAGAIN && errno != EINTR)
		sim_die("pty: read: %s", strerror(errno));
	if (n > 0)
		sim.inlen += (size_t)n;
	adapter_drain(now);
}

/* The adapter's faults (control.c): nack DEVICE on|off, slow MS, clear. */
enum sim_ctl
adapter_ctl(int argc, char **argv, char *out, size_t len)
{
	bool	on, *flag = NULL;
	long	ms;

	if (argc == 2 && strcmp(argv[1], "clear") == 0) {
		sim.nack_changer = sim.nack_validator = false;
		sim.nack_cashless = false;
		sim.slow_ms = 0;
		return CTL_OK;
	}
	if (argc == 3 && strcmp(argv[1], "slow") == 0 &&
	    ctl_int(argv[2], 0, 60000, &ms) == 0) {
		sim.slow_ms = (int)ms;
		return CTL_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "nack") == 0 && argc == 4) {
		if (strcmp(argv[2], "changer") == 0)
			flag = &sim.nack_changer;
		else if (strcmp(argv[2], "validator") == 0)
			flag = &sim.nack_validator;
		else if (strcmp(argv[2], "cashless") == 0)
			flag = &sim.nack_cashless;
		if (flag != NULL && ctl_onoff(argv[3], &on) == 0) {
			*flag = on;
			sim_log("fault: %s %s the bus", argv[2], on ? "off" :
			    "back on");
			return CTL_OK;
		}
	}
	if (argc >= 2 && (strcmp(argv[1], "slow") == 0 ||
	    strcmp(argv[1], "nack") == 0)) {
		snprintf(out, len, "usage: fault nack changer|validator|"
		    "cashless on|off | slow MS");
		return CTL_ERR;
	}
	return CTL_UNKNOWN;
}

/* ---- start-up and the loop ------------------------------------------ */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: mdbsim [-v] [-l LINK] [-c SOCKET] [-j JSON] "
	    "[-X changer|validator|cashless]\n"
	    "              [-y CURRENCY] [-d DECIMALS] [-s COIN_SCALE] "
	    "[-t COIN,...] [-r TUBE_MASK]\n"
	    "              [-k TUBE_CAPACITY] [-f TUBE_FILL] [-N NOTE_SCALE] "
	    "[-n NOTE,...]\n"
	    "              [-S STACKER_CAPACITY] [-p COIN_MS] [-b NOTE_MS] "
	    "[-a AUTH_MS] [-e SESSION_MS] [-D]\n"
	    "       mdbsim ctl SOCKET COMMAND [ARG...]\n"
	    "(tests/mdb/mdbsim.c and README.md say more)\n");
	exit(2);
}

/* "5,10,20": values of types 0.. in minor units (the rest unused). */
static void
parse_values(const char *s, int *values, const char *what)
{
	char	buf[256], *w, *save = NULL;
	int	t = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	memset(values, 0, MDB_TYPES * sizeof(*values));
	for (w = strtok_r(buf, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (t == MDB_TYPES)
			sim_die("more than %d %s values", MDB_TYPES, what);
		values[t++] = (int)sim_num(w, what, 65535);
	}
}

/* Every value a multiple of the scale and at most 255 times it. */
static void
check_values(const int *values, int scale, const char *what)
{
	for (int t = 0; t < MDB_TYPES; t++)
		if (values[t] % scale != 0 || values[t] / scale > 255)
			sim_die("%s value %d is not n x %d with n <= 255", what,
			    values[t], scale);
}

static void
config_defaults(void)
{
	static const int	coins[] = { 5, 10, 20, 50, 100, 200 };
	static const int	notes[] = { 500, 1000, 2000, 5000 };

	cfg.has_changer = cfg.has_validator = cfg.has_cashless = true;
	cfg.currency = 0x1978;
	cfg.decimals = 2;
	cfg.coin_scale = 5;
	memcpy(cfg.coin_value, coins, sizeof(coins));
	cfg.tube_mask = 0x001F;
	cfg.tube_capacity = 80;
	cfg.tube_fill = -1;
	cfg.note_scale = 100;
	memcpy(cfg.note_value, notes, sizeof(notes));
	cfg.stacker_capacity = 500;
	cfg.coin_ms = 150;
	cfg.note_ms = 300;
	cfg.auth_ms = 200;
	cfg.session_ms = 30000;
}

static void
config_absent(const char *dev)
{
	if (strcmp(dev, "changer") == 0)
		cfg.has_changer = false;
	else if (strcmp(dev, "validator") == 0)
		cfg.has_validator = false;
	else if (strcmp(dev, "cashless") == 0)
		cfg.has_cashless = false;
	else
		sim_die("-X %s: changer, validator or cashless", dev);
}

static void
config_options(int argc, char **argv)
{
	long	v;
	int	ch;

	while ((ch = getopt(argc, argv,
	    "a:b:c:Dd:e:f:hj:k:l:N:n:p:r:S:s:t:vX:y:")) != -1) {
		switch (ch) {
		case 'a':
			cfg.auth_ms = (int)sim_num(optarg, "-a", 600000);
			break;
		case 'b':
			cfg.note_ms = (int)sim_num(optarg, "-b", 600000);
			break;
		case 'c':
			sim.ctl_path = optarg;
			break;
		case 'D':
			cfg.deferred = true;
			break;
		case 'd':
			cfg.decimals = (int)sim_num(optarg, "-d", 9);
			break;
		case 'e':
			cfg.session_ms = (int)sim_num(optarg, "-e", 86400000);
			break;
		case 'f':
			cfg.tube_fill = (int)sim_num(optarg, "-f", 255);
			break;
		case 'j':
			sim.json_path = optarg;
			break;
		case 'k':
			cfg.tube_capacity = (int)sim_num(optarg, "-k", 255);
			break;
		case 'l':
			sim.link = optarg;
			break;
		case 'N':
			cfg.note_scale = (int)sim_num(optarg, "-N", 65535);
			break;
		case 'n':
			parse_values(optarg, cfg.note_value, "note");
			break;
		case 'p':
			cfg.coin_ms = (int)sim_num(optarg, "-p", 600000);
			break;
		case 'r':
			if (ctl_hex(optarg, 0xFFFF, &v) == -1)
				sim_die("-r %s: a hex mask", optarg);
			cfg.tube_mask = (uint16_t)v;
			break;
		case 'S':
			cfg.stacker_capacity = (int)sim_num(optarg, "-S",
			    0x7FFF);
			break;
		case 's':
			cfg.coin_scale = (int)sim_num(optarg, "-s", 255);
			break;
		case 't':
			parse_values(optarg, cfg.coin_value, "coin");
			break;
		case 'v':
			sim.verbose = true;
			break;
		case 'X':
			config_absent(optarg);
			break;
		case 'y':
			if (strlen(optarg) != 4 || ctl_hex(optarg, 0xFFFF, &v))
				sim_die("-y %s: 4 hex digits", optarg);
			cfg.currency = (unsigned)v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || cfg.coin_scale == 0 || cfg.note_scale == 0)
		usage();
	check_values(cfg.coin_value, cfg.coin_scale, "coin");
	check_values(cfg.note_value, cfg.note_scale, "note");
	if (cfg.tube_fill == -1)
		cfg.tube_fill = cfg.tube_capacity / 2;
	if (cfg.tube_fill > cfg.tube_capacity)
		sim_die("-f %d: over the tube capacity %d", cfg.tube_fill,
		    cfg.tube_capacity);
}

/* The adapter's pty: raw, 115200 8N1; we keep the slave open so that
 * vendd may close and reopen it. */
static void
pty_open(void)
{
	struct termios	t;

	if ((sim.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    grantpt(sim.master) == -1 || unlockpt(sim.master) == -1 ||
	    ptsname_r(sim.master, sim.slave_path, sizeof(sim.slave_path)) != 0)
		sim_die("pty: %s", strerror(errno));
	if ((sim.slave = open(sim.slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC)) ==
	    -1 || tcgetattr(sim.slave, &t) == -1)
		sim_die("%s: %s", sim.slave_path, strerror(errno));
	cfmakeraw(&t);
	cfsetispeed(&t, B115200);
	cfsetospeed(&t, B115200);
	if (tcsetattr(sim.slave, TCSANOW, &t) == -1 ||
	    fcntl(sim.master, F_SETFL, O_NONBLOCK) == -1)
		sim_die("%s: %s", sim.slave_path, strerror(errno));
	if (sim.link != NULL) {
		(void)unlink(sim.link);
		if (symlink(sim.slave_path, sim.link) == -1)
			sim_die("%s: %s", sim.link, strerror(errno));
	}
}

/* `exit`: the loop ends after this command. */
void
sim_stop_request(void)
{
	sim.stop = 1;
}

static void
on_stop(int sig)
{
	(void)sig;
	sim.stop = 1;
}

/* Signals end the loop; they are let in only inside ppoll (no race). */
static void
signals(sigset_t *open_mask)
{
	struct sigaction	sa = { .sa_handler = on_stop };
	sigset_t		block;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, open_mask);
	sigdelset(open_mask, SIGTERM);
	sigdelset(open_mask, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Wait for vendd's bytes, the test's commands and a late reply's time. */
static void
serve(const sigset_t *open_mask)
{
	struct pollfd	pfd[1 + CONTROL_POLLFDS];
	struct timespec	ts, *tsp;
	int64_t		now, wait;
	size_t		n;

	while (!sim.stop) {
		pfd[0] = (struct pollfd){ .fd = sim.master, .events =
		    sim.pending ? 0 : POLLIN };
		n = 1 + (sim.ctl_path != NULL ? control_pollfds(pfd + 1) : 0);
		tsp = NULL;
		if (sim.pending) {
			wait = sim.pending_at - sim_now_ms();
			ts.tv_sec = wait < 0 ? 0 : wait / 1000;
			ts.tv_nsec = wait < 0 ? 0 : wait % 1000 * SIM_NS_PER_MS;
			tsp = &ts;
		}
		if (ppoll(pfd, n, tsp, open_mask) == -1) {
			if (errno == EINTR)
				continue;
			sim_die("ppoll: %s", strerror(errno));
		}
		now = sim_now_ms();
		if (sim.pending && now >= sim.pending_at) {
			sim.pending = false;
			adapter_send(sim.pending_reply);
			adapter_drain(now);
		}
		if (pfd[0].revents & POLLIN)
			adapter_read(now);
		if (n > 1)
			control_ready(pfd + 1);
	}
}

int
main(int argc, char **argv)
{
	char		line[SIM_ACCOUNT_MAX];
	sigset_t	open_mask;
	int64_t		now;

	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return control_client(argc - 2, argv + 2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sim.t0 = sim_now_ms();
	config_defaults();
	config_options(argc, argv);
	changer_init(&cfg);
	validator_init(&cfg);
	cashless_init(&cfg);
	signals(&open_mask);
	pty_open();
	if (sim.ctl_path != NULL)
		control_listen(sim.ctl_path);
	printf("%s\n", sim.slave_path);
	serve(&open_mask);

	now = sim_now_ms();
	if (sim.pending)
		adapter_send(sim.pending_reply);
	sim_account_line(now, line, sizeof(line));
	printf("%s\n", line);
	if (sim.json_path != NULL)
		account_json(now, sim.json_path);
	if (sim.link != NULL)
		(void)unlink(sim.link);
	control_unlink();
	return 0;
}
