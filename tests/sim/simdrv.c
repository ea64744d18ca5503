/*
 * simdrv: drive and observe the gpio-sim vendd board from inside the test VM.
 *
 * Inputs of vendd are driven through the simulator's "pull" attribute,
 * outputs observed through "value" (tests/sim/simlib.h). Timing uses
 * absolute CLOCK_MONOTONIC deadlines, and every command reports what it
 * achieved so a test can tell a slow VM from a wrong daemon.
 *
 * LINE is a name from the board file ($SIMDRV_BOARD, else the repository's)
 * or a line offset; $SIMDRV_CHIP_DIR overrides the chip's sysfs directory.
 *
 * Also `simdrv json FILE PATH` extracts a value from JSON (busybox has no jq).
 */
#include "simlib.h"

#define MAX_WATCH	16		/* lines one `watch` can observe */
#define MAX_EDGES	4096		/* edges one `watch` keeps per line */
#define DEF_POLL_US	500		/* output sampling period */
#define DEF_BOUNCE_US	1000		/* one half-period of contact chatter */
#define JSON_MAX	(1 << 20)	/* largest JSON document `json` reads */
#define SIMDRV_PRIO	50		/* SCHED_FIFO: ahead of vendd's threads */

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: simdrv coin LINE COUNT WIDTH_MS GAP_MS\n"
	    "       simdrv press LINE [HOLD_MS [BOUNCE_N]]\n"
	    "       simdrv hammer LINE COUNT HOLD_MS GAP_MS\n"
	    "       simdrv pulse LINE MS\n"
	    "       simdrv set LINE pull-up|pull-down\n"
	    "       simdrv get LINE\n"
	    "       simdrv wait LINE VALUE TIMEOUT_MS\n"
	    "       simdrv watch LINE[,LINE...] DURATION_MS   (SIGTERM ends it early)\n"
	    "       simdrv json FILE|- PATH   (PATH like credit, cooling.sensor,\n"
	    "                                  products.0.stock, products.id=cola.stock)\n",
	    stderr);
	exit(2);
}

/* A number from the environment, or def when unset. */
static long
env_long(const char *name, long def, long max)
{
	const char *s = getenv(name);

	return s != NULL && *s != '\0' ? sim_num(s, name, max) : def;
}

/* Is the line pulled up (an input at rest, or a button released)? */
static int
line_pulled_up(const struct sim_line *l)
{
	char	buf[16];
	ssize_t	n = pread(l->pull_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		sim_die("%s: read pull: %s", l->name, n == 0 ? "empty" :
		    strerror(errno));
	buf[n] = '\0';
	return strncmp(buf, "pull-up", 7) == 0;
}

/*
 * Chatter `n` times between the levels, then settle at `settle`. Returns the
 * longest span of three consecutive half-periods achieved, each level timed
 * from just after its write: the most a release inside the chatter can look
 * like to the daemon, whichever levels the kernel's debounce swallows. A
 * host stall can stretch it past the daemon's hold-off, and then the push
 * really was two pushes.
 */
static int64_t
bounce(const struct sim_line *l, int settle, long n, int64_t half)
{
	int64_t t = sim_now_ns(), at[4] = { 0 }, longest = 0;
	long k = 0, i, sets = 2 * n + 1;

	for (i = 0; i < sets; i++) {
		sim_line_pull(l, i % 2 == 0 ? settle : !settle);
		at[k++ % 4] = sim_now_ns();
		if (k >= 4 && at[(k - 1) % 4] - at[k % 4] > longest)
			longest = at[(k - 1) % 4] - at[k % 4];
		if (i < sets - 1)
			sim_sleep_until(t += half);
	}
	return longest;
}

/* coin LINE COUNT WIDTH_MS GAP_MS: a pulse train, high for WIDTH, low for GAP. */
static int
cmd_coin(int argc, char **argv)
{
	struct sim_line l;
	long count, i;
	int64_t width, gap, *up, *down;

	if (argc != 5)
		usage();
	sim_line_open(&l, argv[1]);
	count = sim_num(argv[2], "COUNT", 1000);
	width = sim_num(argv[3], "WIDTH_MS", 100000) * SIM_NS_PER_MS;
	gap = sim_num(argv[4], "GAP_MS", 100000) * SIM_NS_PER_MS;
	if ((up = calloc(count + 1, sizeof(*up))) == NULL ||
	    (down = calloc(count + 1, sizeof(*down))) == NULL)
		sim_die("out of memory");
	sim_go_realtime(SIMDRV_PRIO);
	for (i = 0; i < count; i++) {
		if (i > 0)
			sim_sleep_until(down[i - 1] + gap);
		sim_line_pull(&l, 1);
		up[i] = sim_now_ns();
		sim_sleep_until(up[i] + width);
		sim_line_pull(&l, 0);
		down[i] = sim_now_ns();
	}
	printf("coin %s: %ld pulses, widths ms:", l.name, count);
	for (i = 0; i < count; i++)
		printf(" %.1f", sim_ms(down[i] - up[i]));
	printf(", gaps ms:");
	for (i = 1; i < count; i++)
		printf(" %.1f", sim_ms(up[i] - down[i - 1]));
	printf("\n");
	free(up);
	free(down);
	return 0;
}

/*
 * press LINE [HOLD_MS [BOUNCE_N]]: an active-low button pressed and released.
 * With $SIMDRV_CHATTER_MAX_US set, chatter the host stretched past it (three
 * consecutive half-periods, see bounce()) makes the exit status 3: the push
 * was not the one asked for.
 */
static int
cmd_press(int argc, char **argv)
{
	struct sim_line l;
	long n = 0;
	int64_t hold = 100 * SIM_NS_PER_MS, half, limit, t0, t1, t2, worst, w;

	if (argc < 2 || argc > 4)
		usage();
	sim_line_open(&l, argv[1]);
	if (argc > 2)
		hold = sim_num(argv[2], "HOLD_MS", 3600000) * SIM_NS_PER_MS;
	if (argc > 3)
		n = sim_num(argv[3], "BOUNCE_N", 1000);
	half = env_long("SIMDRV_BOUNCE_US", DEF_BOUNCE_US, 1000000) * SIM_NS_PER_US;
	limit = env_long("SIMDRV_CHATTER_MAX_US", 0, 100000000) * SIM_NS_PER_US;
	sim_go_realtime(SIMDRV_PRIO);
	t0 = sim_now_ns();
	worst = bounce(&l, 0, n, half);
	t1 = sim_now_ns();
	sim_sleep_until(t1 + hold);
	t2 = sim_now_ns();
	w = bounce(&l, 1, n, half);
	if (w > worst)
		worst = w;
	printf("press %s: held %.1f ms, bounce %ld (%.1f ms chatter, "
	    "longest 3 half-periods %.1f ms)\n", l.name, sim_ms(t2 - t1), n,
	    sim_ms(t1 - t0), sim_ms(worst));
	if (limit > 0 && worst > limit) {
		printf("press %s: chatter stretched past %.1f ms by the host\n",
		    l.name, sim_ms(limit));
		return 3;
	}
	return 0;
}

/* hammer LINE COUNT HOLD_MS GAP_MS: COUNT presses of an active-low button. */
static int
cmd_hammer(int argc, char **argv)
{
	struct sim_line l;
	long count, i;
	int64_t hold, gap, t, t0;

	if (argc != 5)
		usage();
	sim_line_open(&l, argv[1]);
	count = sim_num(argv[2], "COUNT", 10000);
	hold = sim_num(argv[3], "HOLD_MS", 3600000) * SIM_NS_PER_MS;
	gap = sim_num(argv[4], "GAP_MS", 3600000) * SIM_NS_PER_MS;
	sim_go_realtime(SIMDRV_PRIO);
	t0 = t = sim_now_ns();
	for (i = 0; i < count; i++) {
		if (i > 0)
			sim_sleep_until(t += gap);
		sim_line_pull(&l, 0);
		sim_sleep_until(t += hold);
		sim_line_pull(&l, 1);
	}
	printf("hammer %s: %ld presses in %.1f ms\n", l.name, count,
	    sim_ms(sim_now_ns() - t0));
	return 0;
}

/* pulse LINE MS: flip the line's pull away from where it is, then back. */
static int
cmd_pulse(int argc, char **argv)
{
	struct sim_line l;
	int64_t len, t0, t1;
	int idle;

	if (argc != 3)
		usage();
	sim_line_open(&l, argv[1]);
	len = sim_num(argv[2], "MS", 3600000) * SIM_NS_PER_MS;
	idle = line_pulled_up(&l);
	sim_go_realtime(SIMDRV_PRIO);
	sim_line_pull(&l, !idle);
	t0 = sim_now_ns();
	sim_sleep_until(t0 + len);
	sim_line_pull(&l, idle);
	t1 = sim_now_ns();
	printf("pulse %s: %s for %.1f ms\n", l.name, idle ? "pull-down" : "pull-up",
	    sim_ms(t1 - t0));
	return 0;
}

static int
cmd_set(int argc, char **argv)
{
	struct sim_line l;
	int up;

	if (argc != 3)
		usage();
	if (strcmp(argv[2], "pull-up") == 0 || strcmp(argv[2], "up") == 0 ||
	    strcmp(argv[2], "1") == 0)
		up = 1;
	else if (strcmp(argv[2], "pull-down") == 0 || strcmp(argv[2], "down") == 0 ||
	    strcmp(argv[2], "0") == 0)
		up = 0;
	else
		usage();
	sim_line_open(&l, argv[1]);
	sim_line_pull(&l, up);
	return 0;
}

static int
cmd_get(int argc, char **argv)
{
	struct sim_line l;

	if (argc != 2)
		usage();
	sim_line_open(&l, argv[1]);
	printf("%d\n", sim_line_get(&l));
	return 0;
}

/* wait LINE VALUE TIMEOUT_MS: poll until the line reads VALUE. */
static int
cmd_wait(int argc, char **argv)
{
	struct sim_line l;
	int64_t t0, t, deadline, poll;
	int want, v;

	if (argc != 4)
		usage();
	sim_line_open(&l, argv[1]);
	want = (int)sim_num(argv[2], "VALUE", 1);
	deadline = sim_num(argv[3], "TIMEOUT_MS", 3600000) * SIM_NS_PER_MS;
	poll = env_long("SIMDRV_POLL_US", DEF_POLL_US, 1000000) * SIM_NS_PER_US;
	sim_go_realtime(SIMDRV_PRIO);
	for (t0 = t = sim_now_ns();; t += poll) {
		if ((v = sim_line_get(&l)) == want) {
			printf("%s=%d after %.1f ms\n", l.name, v,
			    sim_ms(sim_now_ns() - t0));
			return 0;
		}
		if (t - t0 >= deadline)
			break;
		sim_sleep_until(t + poll);
	}
	printf("timeout: %s still %d after %.1f ms\n", l.name, v,
	    sim_ms(sim_now_ns() - t0));
	return 1;
}

struct watch {
	struct sim_line	line;
	int		first, last;
	int64_t		rise;		/* start of the current high period, or -1 */
	int64_t		low_seen;	/* last sample still low before that rise */
	int		edges;
	int		npulses;
	int64_t		widths[MAX_EDGES];	/* first high to first low sample */
	int64_t		most[MAX_EDGES];	/* last low to first low sample */
};

/* watch LINE[,LINE...] DURATION_MS: log each change; count high pulses.
 * A stall of this process between two samples hides when an edge came, so
 * each pulse gets two figures: widths= (first high to first low sample) and
 * most= (last low to first low sample), the longest it can have been. */
static int
cmd_watch(int argc, char **argv)
{
	static struct watch w[MAX_WATCH];
	char *list, *name, *save = NULL;
	int64_t t0, t, end, poll, prev;
	int n = 0, i, j, v;

	if (argc != 3)
		usage();
	if ((list = strdup(argv[1])) == NULL)
		sim_die("out of memory");
	for (name = strtok_r(list, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		if (n == MAX_WATCH)
			sim_die("at most %d lines", MAX_WATCH);
		sim_line_open(&w[n++].line, name);
	}
	if (n == 0)
		usage();
	end = sim_num(argv[2], "DURATION_MS", 86400000) * SIM_NS_PER_MS;
	poll = env_long("SIMDRV_POLL_US", DEF_POLL_US, 1000000) * SIM_NS_PER_US;
	signal(SIGTERM, sim_on_stop);	/* finish early, print the summary */
	signal(SIGINT, sim_on_stop);
	sim_go_realtime(SIMDRV_PRIO);
	t0 = sim_now_ns();
	printf("watch: start");	/* the first sample is taken: scripts may go on */
	for (i = 0; i < n; i++) {
		w[i].first = w[i].last = sim_line_get(&w[i].line);
		w[i].rise = -1;
		printf(" %s=%d", w[i].line.name, w[i].first);
	}
	printf("\n");
	for (t = t0, prev = 0; t - t0 < end && !sim_stop;) {
		sim_sleep_until(t += poll);
		/* One time per sample: lines that changed together (a slot set
		 * just before the relay) keep their order even when the VM
		 * stalls us between two reads. */
		int64_t at = sim_now_ns() - t0;

		for (i = 0; i < n; i++) {
			if ((v = sim_line_get(&w[i].line)) == w[i].last)
				continue;

			w[i].last = v;
			w[i].edges++;
			printf("+%.1f ms %s=%d\n", sim_ms(at), w[i].line.name, v);
			if (v) {
				w[i].rise = at;
				w[i].low_seen = prev;
			} else if (w[i].rise >= 0 && w[i].npulses < MAX_EDGES) {
				w[i].most[w[i].npulses] = at - w[i].low_seen;
				w[i].widths[w[i].npulses++] = at - w[i].rise;
			}
			if (!v)
				w[i].rise = -1;
		}
		prev = at;
	}
	for (i = 0; i < n; i++) {
		printf("%s pulses=%d widths=", w[i].line.name, w[i].npulses);
		for (j = 0; j < w[i].npulses; j++)
			printf("%s%.1f", j ? "," : "", sim_ms(w[i].widths[j]));
		printf("%s most=", w[i].npulses ? "" : "-");
		for (j = 0; j < w[i].npulses; j++)
			printf("%s%.1f", j ? "," : "", sim_ms(w[i].most[j]));
		printf("%s edges=%d first=%d last=%d\n", w[i].npulses ? "" : "-",
		    w[i].edges, w[i].first, w[i].last);
	}
	free(list);
	return 0;
}

/* ---- json: a minimal path lookup over a JSON document ---- */

static const char *json_value_end(const char *p);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* p at '"'; return the character after the closing quote, or NULL. */
static const char *
json_string_end(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '\\' && *++p == '\0')
			return NULL;
	}
	return p + 1;
}

/* p at '{' or '['; return after the matching close, or NULL. */
static const char *
json_container_end(const char *p)
{
	char close = *p == '{' ? '}' : ']';

	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			if (*p != '"' || (p = json_string_end(p)) == NULL)
				return NULL;
			if (*(p = json_ws(p)) != ':')
				return NULL;
			p = json_ws(p + 1);
		}
		if ((p = json_value_end(p)) == NULL)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = json_ws(p + 1);
	}
}

static const char *
json_value_end(const char *p)
{
	if (*p == '"')
		return json_string_end(p);
	if (*p == '{' || *p == '[')
		return json_container_end(p);
	if (*p == '\0' || strchr(",:]}", *p) != NULL || isspace((unsigned char)*p))
		return NULL;
	while (*p != '\0' && strchr(",:]} \t\r\n", *p) == NULL)
		p++;
	return p;
}

/* Does the JSON value at p equal `want` (a string's contents, or a literal)? */
static int
json_equals(const char *p, const char *want, size_t len)
{
	const char *e = json_value_end(p);

	if (e == NULL)
		return 0;
	if (*p == '"')
		return (size_t)(e - p - 2) == len && strncmp(p + 1, want, len) == 0;
	return (size_t)(e - p) == len && strncmp(p, want, len) == 0;
}

/* Step from the value at p by one path segment; NULL if absent. The document
 * was validated whole before, so the walk needs no syntax checks. */
static const char *
json_step(const char *p, const char *seg, size_t len)
{
	const char *eq = memchr(seg, '=', len), *k, *v;
	long idx = -1, i;
	char *end;

	if (*p == '{' && eq == NULL) {
		for (p = json_ws(p + 1); *p == '"'; p = json_ws(p + 1)) {
			k = p;
			p = json_ws(json_string_end(p));
			v = json_ws(p + 1);
			if (json_equals(k, seg, len))
				return v;
			if (*(p = json_ws(json_value_end(v))) != ',')
				return NULL;
		}
		return NULL;
	}
	if (*p != '[')
		return NULL;
	if (eq == NULL) {
		idx = strtol(seg, &end, 10);
		if (end != seg + len || idx < 0)
			return NULL;
	}
	for (i = 0, p = json_ws(p + 1); *p != ']'; i++, p = json_ws(p + 1)) {
		if (i == idx)
			return p;
		if (eq != NULL && *p == '{') {
			k = json_step(p, seg, (size_t)(eq - seg));
			if (k != NULL && json_equals(k, eq + 1, len - (size_t)(eq - seg) - 1))
				return p;
		}
		if (*(p = json_ws(json_value_end(p))) != ',')
			return NULL;
	}
	return NULL;
}

/* Print a JSON value: strings unquoted (common escapes decoded), others raw. */
static void
json_print(const char *p)
{
	const char *e = json_value_end(p);

	if (*p != '"') {
		printf("%.*s\n", (int)(e - p), p);
		return;
	}
	for (p++; p < e - 1; p++) {
		if (*p != '\\') {
			putchar(*p);
			continue;
		}
		switch (*++p) {
		case 'n': putchar('\n'); break;
		case 't': putchar('\t'); break;
		case 'r': putchar('\r'); break;
		case 'b': putchar('\b'); break;
		case 'f': putchar('\f'); break;
		case 'u': printf("\\u"); break;
		default: putchar(*p); break;
		}
	}
	putchar('\n');
}

/* json FILE|- PATH: print the value at PATH; exit 1 if absent. */
static int
cmd_json(int argc, char **argv)
{
	static char doc[JSON_MAX + 1];
	const char *p, *seg, *dot;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (argc != 3)
		usage();
	fd = strcmp(argv[1], "-") == 0 ? 0 : open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		sim_die("json: %s: %s", argv[1], strerror(errno));
	while ((n = read(fd, doc + len, JSON_MAX - len)) > 0)
		len += (size_t)n;
	if (n == -1)
		sim_die("json: %s: %s", argv[1], strerror(errno));
	doc[len] = '\0';
	p = json_ws(doc);
	if (json_value_end(p) == NULL || *json_ws(json_value_end(p)) != '\0')
		sim_die("json: %s: not a single JSON value", argv[1]);
	for (seg = argv[2]; p != NULL && *seg != '\0'; seg = *dot ? dot + 1 : dot) {
		dot = seg + strcspn(seg, ".");
		p = json_step(p, seg, (size_t)(dot - seg));
	}
	if (p == NULL) {
		fprintf(stderr, "simdrv: json: no %s in %s\n", argv[2], argv[1]);
		return 1;
	}
	json_print(p);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct sim_cmd cmds[] = {
		{ "coin", cmd_coin }, { "press", cmd_press }, { "pulse", cmd_pulse },
		{ "hammer", cmd_hammer }, { "set", cmd_set },
		{ "get", cmd_get }, { "wait", cmd_wait },
		{ "watch", cmd_watch }, { "json", cmd_json },
	};
	return sim_run_cmd(cmds, SIM_NELEM(cmds), argc, argv, usage);
}
