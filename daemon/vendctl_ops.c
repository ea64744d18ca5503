/*
 * vendctl: the operator's day beyond status and restock. Setting a price,
 * the cash collection, service mode, a test vend, the audit report (plain,
 * JSON or DEX, with the reset that starts its since-reset counters again)
 * and the event log, read once or followed as it grows.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "vendctl.h"

/* The daemon's own timer bounds a test vend by the arm's configured
 * retries (which may be many minutes): wait for its answer. */
#define VC_TEST_VEND_TIMEOUT_S	0
#define VC_EVENT_LINE_MAX	65536	/* an event is a few hundred bytes */

/* How the audit printer treats a member it meets. */
enum vc_audit_pass {
	VC_AUDIT_SCALARS = 1,
	VC_AUDIT_OBJECTS,
	VC_AUDIT_LISTS,
};

/* The event stream as it arrives: a partial line waits for the rest. */
struct vc_events {
	int	json;
	int	follow;
	size_t	len;
	char	buf[VC_EVENT_LINE_MAX];
};

/* Set by SIGINT or SIGTERM while following the event stream. */
static volatile sig_atomic_t	vc_stop;

/* Whether a member is there and of the type the request promises. */
static int
vc_has(struct json_object *o, const char *key, json_type type)
{
	return json_object_is_type(vc_get(o, key), type);
}

/* --- price, collect, service, test-vend ----------------------------- */

/* vendctl price PRODUCT AMOUNT|--default */
int
vc_cmd_price(int argc, char **argv)
{
	struct json_object	*o;
	char			 line[256], amount[64];
	int			 dflt;

	if (argc != 3)
		vc_usage();
	/* vendd parses AMOUNT itself: it knows the currency's decimals. */
	dflt = strcmp(argv[2], "--default") == 0;
	vc_line(line, sizeof(line), "price %s %s\n", vc_word(argv[1]),
	    dflt ? "default" : vc_word(argv[2]));
	o = vc_call(line, VENDCTL_TIMEOUT_S);
	if (!vc_bool(o, "ok") || !vc_has(o, "price", json_type_int))
		vc_malformed("price", o);
	vc_amount(o, vc_int(o, "price"), amount, sizeof(amount));
	printf("%s: price %s%s\n", vc_str(o, "product", argv[1]), amount,
	    vc_bool(o, "default") ? " (the config's)" : "");
	json_object_put(o);
	return 0;
}

/* vendctl collect: the cash box is emptied; say what should be in it. */
int
vc_cmd_collect(int argc, char **argv)
{
	struct json_object	*o;
	char			 amount[64], credit[64], cash_in[64];

	(void)argv;
	if (argc != 1)
		vc_usage();
	o = vc_call("collect\n", VENDCTL_TIMEOUT_S);
	if (!vc_bool(o, "ok") || !vc_has(o, "amount", json_type_int) ||
	    !vc_has(o, "cash_in", json_type_int))
		vc_malformed("collect", o);
	vc_amount(o, vc_int(o, "amount"), amount, sizeof(amount));
	vc_amount(o, vc_int(o, "credit"), credit, sizeof(credit));
	vc_amount(o, vc_int(o, "cash_in"), cash_in, sizeof(cash_in));
	printf("collected: %s should be in the cash box", amount);
	/* Credit is coins in the box that a customer may still spend. */
	if (vc_int(o, "credit") != 0)
		printf(" (of it %s is a customer's credit still in the "
		    "machine)", credit);
	printf("; lifetime cash in %s; collection %" PRId64 "\n", cash_in,
	    vc_int(o, "collections"));
	json_object_put(o);
	return 0;
}

/* vendctl service on|off */
int
vc_cmd_service(int argc, char **argv)
{
	struct json_object	*o;
	int			 on, door;

	if (argc != 2 || (strcmp(argv[1], "on") != 0 &&
	    strcmp(argv[1], "off") != 0))
		vc_usage();
	o = vc_call(strcmp(argv[1], "on") == 0 ? "service on\n" :
	    "service off\n", VENDCTL_TIMEOUT_S);
	if (!vc_bool(o, "ok") || !vc_has(o, "service", json_type_boolean))
		vc_malformed("service", o);
	on = vc_bool(o, "service");
	door = vc_bool(o, "door_open");
	printf("service mode: %s (door %s%s)\n", on ? "on" : "off",
	    door ? "open" : "closed", !on ? "" : vc_bool(o, "command") ?
	    ", by command" : ", by the door switch");
	/* An open door keeps service mode on whatever the command said. */
	if (on && strcmp(argv[1], "off") == 0)
		fprintf(stderr, "vendctl: service mode stays on while the "
		    "door is open\n");
	/* Changed now, but not on disk: a restart would undo it. */
	if (vc_has(o, "recorded", json_type_boolean) &&
	    !vc_bool(o, "recorded")) {
		fprintf(stderr, "vendctl: the change is not journalled (the "
		    "ledger cannot write): a restart of vendd undoes it\n");
		json_object_put(o);
		return 1;
	}
	json_object_put(o);
	return 0;
}

/* vendctl test-vend PRODUCT: exit 1 if nothing dropped. */
int
vc_cmd_test_vend(int argc, char **argv)
{
	struct json_object	*o;
	char			 line[256];
	int			 dropped;

	if (argc != 2)
		vc_usage();
	vc_line(line, sizeof(line), "test-vend %s\n", vc_word(argv[1]));
	o = vc_call(line, VC_TEST_VEND_TIMEOUT_S);
	if (!vc_bool(o, "ok") || !vc_has(o, "dropped", json_type_boolean))
		vc_malformed("test-vend", o);
	dropped = vc_bool(o, "dropped");
	if (dropped)
		printf("%s: dropped\n", vc_str(o, "product", argv[1]));
	else
		printf("%s: did not drop (%s)\n", vc_str(o, "product", argv[1]),
		    vc_str(o, "why", "no reason given"));
	json_object_put(o);
	return dropped ? 0 : 1;
}

/* --- audit ---------------------------------------------------------- */

static void vc_audit_object(struct json_object *, struct json_object *,
    int, const char *);

/* A key and its value, the values in one column whatever the depth. */
static void
vc_audit_line(int depth, const char *key, const char *value)
{
	printf("%*s%-*s %s\n", 2 * depth, "", 28 - 2 * depth, key, value);
}

/* One counter: money formatted with the reply's decimals, null as "-". */
static void
vc_audit_scalar(struct json_object *reply, int depth, const char *key,
    struct json_object *v)
{
	char	buf[64];

	if (json_object_is_type(v, json_type_int) && vc_is_money(key)) {
		vc_amount(reply, json_object_get_int64(v), buf, sizeof(buf));
		vc_audit_line(depth, key, buf);
	} else
		vc_audit_line(depth, key, v ? json_object_get_string(v) : "-");
}

/* A list (the products): each item under its id, its fields indented. */
static void
vc_audit_list(struct json_object *reply, int depth, const char *key,
    struct json_object *arr)
{
	size_t	n = json_object_array_length(arr);
	char	label[32];

	printf("%*s%s:%s\n", 2 * depth, "", key, n ? "" : " none");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *id = vc_str(e, "id", NULL);

		if (!json_object_is_type(e, json_type_object)) {
			snprintf(label, sizeof(label), "[%zu]", i);
			vc_audit_scalar(reply, depth + 1, label, e);
			continue;
		}
		if (id == NULL)
			snprintf(label, sizeof(label), "[%zu]", i);
		printf("%*s%s:\n", 2 * depth + 2, "", id ? id : label);
		vc_audit_object(reply, e, depth + 2, "id");
	}
}

/* The members of one kind (scalars, objects or lists), in the daemon's
 * order; hide names a member shown elsewhere (an item's id). */
static void
vc_audit_pass(struct json_object *reply, struct json_object *o, int depth,
    const char *hide, enum vc_audit_pass pass)
{
	json_object_object_foreach(o, key, v) {
		int	is_obj = json_object_is_type(v, json_type_object);
		int	is_arr = json_object_is_type(v, json_type_array);

		if ((hide && strcmp(key, hide) == 0) || (depth == 0 &&
		    (strcmp(key, "decimals") == 0 ||
		    strcmp(key, "currency") == 0)))
			continue;	/* shown in every amount */
		if (pass == VC_AUDIT_SCALARS && !is_obj && !is_arr)
			vc_audit_scalar(reply, depth, key, v);
		else if (pass == VC_AUDIT_OBJECTS && is_obj) {
			printf("%*s%s:\n", 2 * depth, "", key);
			vc_audit_object(reply, v, depth + 1, NULL);
		} else if (pass == VC_AUDIT_LISTS && is_arr)
			vc_audit_list(reply, depth, key, v);
	}
}

/* An object's scalars first, then its sections (since_init, since_reset),
 * then its lists (products): whatever keys the daemon sends. */
static void
vc_audit_object(struct json_object *reply, struct json_object *o, int depth,
    const char *hide)
{
	vc_audit_pass(reply, o, depth, hide, VC_AUDIT_SCALARS);
	vc_audit_pass(reply, o, depth, hide, VC_AUDIT_OBJECTS);
	vc_audit_pass(reply, o, depth, hide, VC_AUDIT_LISTS);
}

/* A report saved to a file is on disk before the counters in it are
 * reset; pipes and terminals cannot be synced and need not be. */
static void
vc_sync_stdout(void)
{
	if (fsync(STDOUT_FILENO) == -1 && errno != EINVAL && errno != EROFS)
		vc_die("standard output: fsync: %s; the audit counters are "
		    "not reset", strerror(errno));
}

/* Reset the since-reset counters the DEX report just written holds; the
 * token ties the reset to that report. */
static void
vc_audit_reset(int64_t token)
{
	struct json_object	*o;
	char			 line[64];

	vc_line(line, sizeof(line), "audit-reset %" PRId64 "\n", token);
	o = vc_call(line, VENDCTL_TIMEOUT_S);
	if (!vc_bool(o, "ok"))
		vc_malformed("audit-reset", o);
	json_object_put(o);
	fprintf(stderr, "vendctl: audit read with reset: since-reset "
	    "counters start again\n");
}

/* vendctl audit --dex [--reset]: the DEX text byte for byte, and the reset
 * only once all of it is out. */
static int
vc_audit_dex(int reset)
{
	struct json_object	*o = vc_call("audit dex\n", VENDCTL_TIMEOUT_S);
	struct json_object	*dex = vc_get(o, "dex");
	int64_t			 token = vc_int(o, "token");
	size_t			 n;

	if (!json_object_is_type(dex, json_type_string) || (reset &&
	    (!vc_has(o, "token", json_type_int) || token < 0 ||
	    token > UINT32_MAX)))
		vc_malformed("audit dex", o);
	n = (size_t)json_object_get_string_len(dex);
	/* A short write sets the error flag that vc_flush reports. */
	fwrite(json_object_get_string(dex), 1, n, stdout);
	if (reset) {
		vc_flush("; the audit counters are not reset");
		vc_sync_stdout();
		vc_audit_reset(token);
	}
	json_object_put(o);
	return 0;
}

/* vendctl audit [--json] | audit --dex [--reset] */
int
vc_cmd_audit(int argc, char **argv)
{
	struct json_object	*o;
	int			 json = 0, dex = 0, reset = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "--dex") == 0)
			dex = 1;
		else if (strcmp(argv[i], "--reset") == 0)
			reset = 1;
		else
			vc_usage();
	}
	/* Only the DEX reply carries the token a reset needs. */
	if ((json && dex) || (reset && !dex))
		vc_usage();
	if (dex)
		return vc_audit_dex(reset);
	o = vc_call("audit\n", VENDCTL_TIMEOUT_S);
	if (json)
		vc_print_json(o);
	else
		vc_audit_object(o, o, 0, NULL);
	json_object_put(o);
	return 0;
}

/* --- events --------------------------------------------------------- */

/* The operator or systemd stops a follow: note it for the wait. */
static void
vc_on_stop(int sig)
{
	(void)sig;
	vc_stop = 1;
}

/* Take SIGINT and SIGTERM only while waiting for the socket, so one never
 * cuts a line in half; *waitmask is the mask to wait with. */
static void
vc_catch_stop(sigset_t *waitmask)
{
	struct sigaction	sa;
	sigset_t		block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vc_on_stop;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		vc_die("signals: %s", strerror(errno));
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
}

/* Wait until the socket has data or EOF: 5 s at most, or as long as it
 * takes when following, until a stop signal ends the run with exit 0. */
static void
vc_events_wait(int fd, const struct vc_events *ev, const sigset_t *waitmask)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	struct timespec	ts = { VENDCTL_TIMEOUT_S, 0 };
	int		r;

	for (;;) {
		r = ppoll(&pfd, 1, ev->follow ? NULL : &ts,
		    ev->follow ? waitmask : NULL);
		if (r > 0)
			return;
		if (r == 0)
			vc_die("%s: no events within %d s", vc_socket,
			    VENDCTL_TIMEOUT_S);
		if (errno != EINTR)
			vc_die("poll: %s", strerror(errno));
		if (vc_stop) {
			vc_flush("");
			exit(0);
		}
	}
}

/* Parse one line, which must be exactly one JSON object. */
static struct json_object *
vc_events_parse(const char *line, size_t len)
{
	struct json_tokener	*tok = json_tokener_new();
	struct json_object	*o;

	if (tok == NULL)
		vc_die("out of memory");
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o == NULL || json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))
		vc_die("%s: malformed event line: %.*s", vc_socket, (int)len,
		    line);
	json_tokener_free(tok);
	return o;
}

/* A value for key=value: a plain string bare, one with spaces, quotes or
 * '=' (or empty) JSON-quoted, anything else as JSON writes it. */
static void
vc_event_value(struct json_object *v)
{
	const char	*s = json_object_get_string(v);

	if (json_object_is_type(v, json_type_string) && *s != '\0' &&
	    strpbrk(s, " \t\"=\\") == NULL)
		fputs(s, stdout);
	else
		fputs(json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
		    stdout);
}

/* One event as "ID TIME EVENT key=value ...", the other keys as sent
 * (money in minor units: events carry no decimals). */
static void
vc_event_print(struct json_object *o)
{
	printf("%s %s %s", vc_str(o, "id", "?"), vc_str(o, "time", "?"),
	    vc_str(o, "event", "?"));
	json_object_object_foreach(o, key, v) {
		if (strcmp(key, "id") == 0 || strcmp(key, "time") == 0 ||
		    strcmp(key, "event") == 0)
			continue;
		printf(" %s=", key);
		vc_event_value(v);
	}
	putchar('\n');
}

/* One line of the stream: an error ends the run, a gap is told on stderr,
 * an event goes out at once (an uplink reads the --json lines). */
static void
vc_events_line(const struct vc_events *ev, const char *line, size_t len)
{
	struct json_object	*o, *e;

	if (len == 0)
		return;
	o = vc_events_parse(line, len);
	if ((e = vc_get(o, "error")) != NULL)
		vc_die("%s", json_object_get_string(e));
	if (vc_get(o, "dropped") && !vc_get(o, "event"))
		fprintf(stderr, "vendctl: %" PRId64 " events after %" PRId64
		    " are no longer kept (the oldest kept follows)\n",
		    vc_int(o, "dropped"), vc_int(o, "after"));
	if (ev->json) {
		fwrite(line, 1, len, stdout);
		putchar('\n');
	} else if (!vc_get(o, "dropped") || vc_get(o, "event"))
		vc_event_print(o);
	json_object_put(o);
	vc_flush("");
}

/* Read what has come and handle every whole line; 0 at EOF. */
static int
vc_events_read(struct vc_events *ev, int fd)
{
	ssize_t	 r = read(fd, ev->buf + ev->len, sizeof(ev->buf) - ev->len);
	size_t	 start = 0;
	char	*nl;

	if (r == -1 && errno == EINTR)
		return 1;
	if (r == -1)
		vc_die("%s: read: %s", vc_socket, strerror(errno));
	if (r == 0)
		return 0;
	ev->len += (size_t)r;
	while ((nl = memchr(ev->buf + start, '\n', ev->len - start)) != NULL) {
		vc_events_line(ev, ev->buf + start,
		    (size_t)(nl - (ev->buf + start)));
		start = (size_t)(nl - ev->buf) + 1;
	}
	memmove(ev->buf, ev->buf + start, ev->len - start);
	ev->len -= start;
	if (ev->len == sizeof(ev->buf))
		vc_die("%s: event line longer than %d bytes", vc_socket,
		    VC_EVENT_LINE_MAX);
	return 1;
}

/* Parse events' options into ev and the AFTER id; bad usage exits 2. */
static const char *
vc_events_args(int argc, char **argv, struct vc_events *ev)
{
	const char	*after = "0";

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			ev->json = 1;
		else if (strcmp(argv[i], "--follow") == 0 ||
		    strcmp(argv[i], "-f") == 0)
			ev->follow = 1;
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
			after = argv[++i];
		else
			vc_usage();
	}
	if (*after == '\0' || strlen(after) > 20 ||
	    strspn(after, "0123456789") != strlen(after))
		vc_usage();
	return after;
}

/* vendctl events [--since N] [--follow] [--json] */
int
vc_cmd_events(int argc, char **argv)
{
	static struct vc_events	 ev;
	sigset_t		 waitmask;
	char			 line[64];
	const char		*after = vc_events_args(argc, argv, &ev);
	int			 fd;

	vc_line(line, sizeof(line), "events %s%s\n", after,
	    ev.follow ? " follow" : "");
	if (ev.follow)
		vc_catch_stop(&waitmask);
	fd = vc_connect(ev.follow ? 0 : VENDCTL_TIMEOUT_S);
	vc_send(fd, line);
	do
		vc_events_wait(fd, &ev, &waitmask);
	while (vc_events_read(&ev, fd));
	close(fd);
	if (ev.len > 0)
		vc_die("%s: the event stream ended mid-line", vc_socket);
	if (ev.follow)
		vc_die("%s: vendd closed the event stream (vendd stopping?)",
		    vc_socket);
	return 0;
}
