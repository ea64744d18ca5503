/*
 * vendctl: the operator's client of vendd's control socket. One request line
 * out, one JSON reply back (a stream of JSON lines for events). This file
 * holds the transport, the JSON helpers, status, restock and fill; the other
 * commands are in vendctl_ops.c. Links only json-c.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "vendctl.h"

#define VENDCTL_SOCKET		"/run/vendd/control.sock"
#define VENDCTL_REPLY_MAX	(1024 * 1024)	/* a status is a few kB */

const char	*vc_socket = VENDCTL_SOCKET;

/* How to call us. */
void
vc_usage(void)
{
	fprintf(stderr,
	    "usage: vendctl [-s socket] status [--json]\n"
	    "       vendctl [-s socket] restock PRODUCT [COUNT]\n"
	    "       vendctl [-s socket] fill PRODUCT COUNT\n"
	    "       vendctl [-s socket] price PRODUCT AMOUNT|--default\n"
	    "       vendctl [-s socket] collect\n"
	    "       vendctl [-s socket] service on|off\n"
	    "       vendctl [-s socket] test-vend PRODUCT\n"
	    "       vendctl [-s socket] audit [--json]\n"
	    "       vendctl [-s socket] audit --dex [--reset]\n"
	    "       vendctl [-s socket] events [--since N] [--follow] "
	    "[--json]\n");
	exit(2);
}

/* Print an error and exit 1. */
void
vc_die(const char *fmt, ...)
{
	va_list	ap;

	fputs("vendctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* An argument that goes on the request line: one word, so that it cannot
 * split into other words or a second request. */
const char *
vc_word(const char *arg)
{
	if (*arg == '\0')
		vc_die("empty argument");
	for (const char *p = arg; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			vc_die("%s: not a single word", arg);
	return arg;
}

/* Format a request line into buf; one that does not fit is an error. */
void
vc_line(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		vc_die("request too long");
}

/* Connect to the daemon; sends time out after 5 s, reads after timeout_s
 * (0: never, for a stream that waits for events). */
int
vc_connect(int timeout_s)
{
	struct sockaddr_un	sun;
	struct timeval		stv = { VENDCTL_TIMEOUT_S, 0 };
	struct timeval		rtv = { timeout_s, 0 };
	int			fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(vc_socket) >= sizeof(sun.sun_path))
		vc_die("%s: socket path too long", vc_socket);
	memcpy(sun.sun_path, vc_socket, strlen(vc_socket));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		vc_die("socket: %s", strerror(errno));
	/* A Unix connect() honours SO_SNDTIMEO while the backlog is full. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stv, sizeof(stv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rtv, sizeof(rtv)) == -1)
		vc_die("setsockopt: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			vc_die("%s: %s (is vendd running?)", vc_socket,
			    strerror(e));
		if (e == EACCES)
			vc_die("%s: %s (needs root or vendd's control group)",
			    vc_socket, strerror(e));
		if (e == EAGAIN || e == EWOULDBLOCK)
			vc_die("%s: timed out connecting", vc_socket);
		vc_die("%s: %s", vc_socket, strerror(e));
	}
	return fd;
}

/* Send the whole request line. */
void
vc_send(int fd, const char *line)
{
	size_t	off = 0, n = strlen(line);
	ssize_t	r;

	while (off < n) {
		r = send(fd, line + off, n - off, MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			vc_die("%s: send: %s", vc_socket, strerror(errno));
		off += (size_t)r;
	}
}

/* Send the request line, read the reply to EOF; a NUL-terminated string. */
static char *
vc_request(const char *line, int timeout_s)
{
	size_t	 len = 0, cap = 4096;
	char	*buf;
	ssize_t	 r;
	int	 fd = vc_connect(timeout_s);

	vc_send(fd, line);
	if ((buf = malloc(cap)) == NULL)
		vc_die("out of memory");
	for (;;) {
		if (len + 1 == cap) {
			if (cap >= VENDCTL_REPLY_MAX)
				vc_die("%s: reply too long", vc_socket);
			cap *= 2;
			if ((buf = realloc(buf, cap)) == NULL)
				vc_die("out of memory");
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			vc_die("%s: no reply within %d s", vc_socket,
			    timeout_s);
		if (r == -1)
			vc_die("%s: read: %s", vc_socket, strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	if (len == 0)
		vc_die("%s: empty reply (vendd stopping?)", vc_socket);
	return buf;
}

/* Parse the reply; an {"error": ...} reply is printed and exits 1. */
static struct json_object *
vc_parse_reply(const char *text)
{
	struct json_object	*o, *e;

	if ((o = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(o, json_type_object))
		vc_die("%s: malformed reply", vc_socket);
	if (json_object_object_get_ex(o, "error", &e))
		vc_die("%s", json_object_get_string(e));
	return o;
}

/* One request, its reply parsed; an error reply exits 1. */
struct json_object *
vc_call(const char *line, int timeout_s)
{
	char			*text = vc_request(line, timeout_s);
	struct json_object	*o = vc_parse_reply(text);

	free(text);
	return o;
}

/* A reply without the fields its request promises: say what came. */
void
vc_malformed(const char *what, struct json_object *o)
{
	vc_die("%s: malformed reply to %s: %s", vc_socket, what,
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A member, or NULL (missing or JSON null). */
struct json_object *
vc_get(struct json_object *o, const char *key)
{
	struct json_object	*v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* A member as an int64, 0 when missing. */
int64_t
vc_int(struct json_object *o, const char *key)
{
	return json_object_get_int64(vc_get(o, key));
}

/* A member as a boolean, false when missing. */
int
vc_bool(struct json_object *o, const char *key)
{
	return json_object_get_boolean(vc_get(o, key));
}

/* A member as a string, or dflt when missing or null. */
const char *
vc_str(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object	*v = vc_get(o, key);

	return v ? json_object_get_string(v) : dflt;
}

/* 150 with decimals 2 -> "1.50"; integer arithmetic only. */
void
vc_money(int64_t v, int decimals, char *buf, size_t len)
{
	uint64_t	a, scale = 1;
	int		neg = v < 0;

	if (decimals < 0 || decimals > 9)
		decimals = 0;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (decimals == 0)
		snprintf(buf, len, "%s%" PRIu64, neg ? "-" : "", a);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, neg ? "-" : "",
		    a / scale, decimals, a % scale);
}

/* An amount with the currency, as the reply that carries it says:
 * 150 -> "1.50 EUR". */
void
vc_amount(struct json_object *reply, int64_t v, char *buf, size_t len)
{
	const char	*cur = vc_str(reply, "currency", "");
	char		 m[32];

	vc_money(v, (int)vc_int(reply, "decimals"), m, sizeof(m));
	snprintf(buf, len, "%s%s%s", m, *cur ? " " : "", cur);
}

/* The counters that are money (minor units), printed as money. */
int
vc_is_money(const char *key)
{
	static const char *const names[] = { "cash_in", "cash_in_box",
	    "price", "amount", "credit", "collected_value" };
	size_t	n = strlen(key);

	if (n >= 6 && strcmp(key + n - 6, "_value") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(key, names[i]) == 0)
			return 1;
	return 0;
}

/* A reply as indented JSON, for --json. */
void
vc_print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Push stdout out and fail loudly if it could not be written (a full disk,
 * a reader gone), since the output may be all that is left of a report. */
void
vc_flush(const char *consequence)
{
	errno = 0;
	if (fflush(stdout) == EOF || ferror(stdout))
		vc_die("standard output: %s%s", errno ? strerror(errno) :
		    "write error", consequence);
}
/* Millidegrees to degrees with one decimal, rounded half away from zero. */
static void
vc_temp(int64_t mc, char *buf, size_t len)
{
	uint64_t	a = mc < 0 ? (uint64_t)0 - (uint64_t)mc : (uint64_t)mc;
	uint64_t	tenths = (a + 50) / 100;

	snprintf(buf, len, "%s%" PRIu64 ".%" PRIu64 " C",
	    mc < 0 && tenths ? "-" : "", tenths / 10, tenths % 10);
}

/* One counter line (key: value), money formatted. */
static void
vc_counter(const char *indent, const char *key, struct json_object *v,
    int decimals, const char *cur)
{
	char	m[48];

	if (vc_is_money(key)) {
		vc_money(json_object_get_int64(v), decimals, m, sizeof(m));
		printf("%s%-22s %s %s\n", indent, key, m, cur);
	} else
		printf("%s%-22s %s\n", indent, key, json_object_get_string(v));
}

/* The product table. */
static void
vc_print_products(struct json_object *st, int decimals, const char *cur)
{
	struct json_object	*arr = vc_get(st, "products");
	char			 price[48], stock[48];

	printf("products:\n  %-16s %-20s %10s %9s  %s\n", "ID", "LABEL",
	    "PRICE", "STOCK", "STATE");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);

		vc_money(vc_int(p, "price"), decimals, price, sizeof(price));
		snprintf(stock, sizeof(stock), "%" PRId64 "/%" PRId64,
		    vc_int(p, "stock"), vc_int(p, "capacity"));
		printf("  %-16s %-20s %6s %3s %9s  %s\n", vc_str(p, "id", "?"),
		    vc_str(p, "label", ""), price, cur, stock,
		    vc_str(p, "state", "?"));
	}
}

/* Every counter the daemon sent, in its order; nested ones indented. */
static void
vc_print_counters(struct json_object *st, int decimals, const char *cur)
{
	struct json_object	*c = vc_get(st, "counters");

	if (c == NULL)
		return;
	printf("counters:\n");
	json_object_object_foreach(c, key, v) {
		if (strcmp(key, "coins") == 0) {
			printf("  coins by pulse count:%s\n",
			    json_object_object_length(v) ? "" : " none");
			json_object_object_foreach(v, pulses, n)
				printf("    %2s pulses: %s\n", pulses,
				    json_object_get_string(n));
		} else if (strcmp(key, "products") == 0) {
			json_object_object_foreach(v, id, pc) {
				printf("  product %s:\n", id);
				json_object_object_foreach(pc, k2, v2)
					vc_counter("    ", k2, v2, decimals,
					    cur);
			}
		} else
			vc_counter("  ", key, v, decimals, cur);
	}
}

/* Whether the machine sells, and if not every reason why, one a line. */
static void
vc_print_selling(struct json_object *st)
{
	struct json_object	*why = vc_get(st, "not_selling");

	if (vc_get(st, "selling") == NULL)
		return;			/* a vendd that does not say */
	printf("selling:     %s\n", json_object_get_boolean(vc_get(st,
	    "selling")) ? "yes" : "no");
	for (size_t i = 0; why && i < json_object_array_length(why); i++)
		printf("  - %s\n", json_object_get_string(
		    json_object_array_get_idx(why, i)));
}

/* The human-readable status: whether it sells first, then each part. */
static void
vc_print_status(struct json_object *st)
{
	struct json_object	*coin = vc_get(st, "coin");
	struct json_object	*arm = vc_get(st, "arm");
	struct json_object	*cool = vc_get(st, "cooling");
	struct json_object	*t = vc_get(cool, "temperature_mc");
	const char		*cur = vc_str(st, "currency", "");
	int			 decimals = (int)vc_int(st, "decimals");
	char			 buf[48];

	vc_print_selling(st);
	vc_money(vc_int(st, "credit"), decimals, buf, sizeof(buf));
	printf("credit:      %s %s\n", buf, cur);
	printf("selection:   %s\n", vc_str(st, "selection", "none"));
	printf("vend:        %s\n", json_object_get_boolean(vc_get(st,
	    "vend_pending")) ? "pending" : "idle");
	vc_print_products(st, decimals, cur);
	printf("coin:        %s, %" PRId64 " line faults\n",
	    json_object_get_boolean(vc_get(coin, "inhibit")) ? "inhibited" :
	    "accepting", vc_int(coin, "line_faults"));
	if (json_object_get_boolean(vc_get(arm, "busy")))
		printf("arm:         busy, %s, attempt %" PRId64 "%s\n",
		    vc_str(arm, "product", "?"), vc_int(arm, "attempt"),
		    json_object_get_boolean(vc_get(arm, "blocked")) ?
		    ", drop sensor blocked" : "");
	else
		printf("arm:         idle%s\n", json_object_get_boolean(
		    vc_get(arm, "blocked")) ? ", drop sensor blocked" : "");
	if (t)
		vc_temp(json_object_get_int64(t), buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "no reading");
	printf("temperature: %s\n", buf);
	printf("sensor:      %s\n", vc_str(cool, "sensor", "?"));
	printf("compressor:  %s, %s\n",
	    json_object_get_boolean(vc_get(cool, "compressor")) ? "on" : "off",
	    vc_str(cool, "mode", "?"));
	vc_print_counters(st, decimals, cur);
	printf("ledger seq:  %s\n", vc_str(st, "ledger_seq", "?"));
}

/* vendctl status [--json] */
static int
cmd_status(int argc, char **argv)
{
	struct json_object	*o;
	int			 json = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else
			vc_usage();
	}
	o = vc_call("status\n", VENDCTL_TIMEOUT_S);
	if (json)
		vc_print_json(o);
	else
		vc_print_status(o);
	json_object_put(o);
	return 0;
}

/* Send restock PRODUCT [COUNT] and return the stock vendd recorded. */
static struct json_object *
vc_restock(const char *product, const char *count)
{
	struct json_object	*o;
	char			 line[256];

	vc_line(line, sizeof(line), "restock %s%s%s\n", vc_word(product),
	    count ? " " : "", count ? vc_word(count) : "");
	o = vc_call(line, VENDCTL_TIMEOUT_S);
	/* vendd answers ok only once the new stock is durable in the ledger. */
	if (!vc_bool(o, "ok") ||
	    !json_object_is_type(vc_get(o, "stock"), json_type_int))
		vc_malformed("restock", o);
	return o;
}

/* vendctl restock PRODUCT [COUNT]: without COUNT, full to capacity. */
static int
cmd_restock(int argc, char **argv)
{
	struct json_object	*o;

	if (argc < 2 || argc > 3)
		vc_usage();
	o = vc_restock(argv[1], argc == 3 ? argv[2] : NULL);
	printf("%s restocked: %" PRId64 "\n", vc_str(o, "product", argv[1]),
	    vc_int(o, "stock"));
	json_object_put(o);
	return 0;
}

/* vendctl fill PRODUCT COUNT: the column now holds COUNT (a count of what
 * is in it, not of what was added). */
static int
cmd_fill(int argc, char **argv)
{
	struct json_object	*o;

	if (argc != 3)
		vc_usage();
	o = vc_restock(argv[1], argv[2]);
	printf("%s: stock %" PRId64 "\n", vc_str(o, "product", argv[1]),
	    vc_int(o, "stock"));
	json_object_put(o);
	return 0;
}

/* The commands, by the name the operator types. */
static const struct {
	const char	*name;
	int		(*run)(int, char **);
} vc_cmds[] = {
	{ "status",	cmd_status },
	{ "restock",	cmd_restock },
	{ "fill",	cmd_fill },
	{ "price",	vc_cmd_price },
	{ "collect",	vc_cmd_collect },
	{ "service",	vc_cmd_service },
	{ "test-vend",	vc_cmd_test_vend },
	{ "audit",	vc_cmd_audit },
	{ "events",	vc_cmd_events },
};

int
main(int argc, char **argv)
{
	int	ch, rc;

	while ((ch = getopt(argc, argv, "+s:h")) != -1) {
		switch (ch) {
		case 's':
			vc_socket = optarg;
			break;
		default:
			vc_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		vc_usage();
	/* A reader that goes away is a write error we report, not a kill:
	 * audit --dex --reset must not reset after a failed write. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(vc_cmds) / sizeof(vc_cmds[0]); i++) {
		if (strcmp(argv[0], vc_cmds[i].name) != 0)
			continue;
		rc = vc_cmds[i].run(argc, argv);
		vc_flush("");
		return rc;
	}
	vc_usage();
}
