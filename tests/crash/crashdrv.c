/*
 * crashdrv: the crash, power-cut, abuse and watchdog tests' helper in the
 * gpio-sim VM (issue 5). Separate from tests/sim/simdrv so the two evolve
 * independently; the sysfs, timing and socket helpers are shared
 * (tests/sim/simlib.h).
 *
 *   crashdrv mech [DROP_DELAY_MS]   the machine's mechanics: whenever ARM is
 *                                   energised, the product falls DROP_DELAY_MS
 *                                   later (a 60 ms DROP pulse); logs
 *                                   "arm_on MS", "drop MS", "arm_off MS" (MS:
 *                                   /proc/uptime in ms) until SIGTERM
 *   crashdrv notify-listen PATH     a $NOTIFY_SOCKET: prints "MS DATAGRAM" for
 *                                   each datagram (newlines as spaces)
 *   crashdrv asuser UID GID[,GID..] CMD [ARG...]
 *                                   run CMD as UID with primary group GID and
 *                                   the other GIDs as supplementary groups
 *   crashdrv abuse SOCK NCLIENTS    control socket abuse (see cmd_abuse)
 *   crashdrv uptime                 ms since boot, like the log lines
 */
#include <grp.h>
#include <poll.h>

#include "simlib.h"

#define DROP_PULSE_MS	60
#define MECH_PRIO	40	/* SCHED_FIFO: below simdrv's, above vendd's */
#define MECH_POLL_US	1000	/* how often mech samples ARM */

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: crashdrv mech [DROP_DELAY_MS]\n"
	    "       crashdrv notify-listen PATH\n"
	    "       crashdrv asuser UID GID[,GID...] CMD [ARG...]\n"
	    "       crashdrv abuse SOCK NCLIENTS\n"
	    "       crashdrv uptime\n", stderr);
	exit(2);
}

/* Milliseconds since boot: the clock of /proc/uptime, which scripts read. */
static int64_t
uptime_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * mech: the product falls whenever the arm runs. One drop per energised
 * period; a period shorter than the delay (a kill) delivers nothing.
 */
static int
cmd_mech(int argc, char **argv)
{
	long		 delay = argc > 1 ?
	    sim_num(argv[1], "DROP_DELAY_MS", 60000) : 100;
	struct sim_line	 arm, drop;
	int		 last = 0, v, dropped = 0;
	int64_t		 on_at = 0;

	sim_line_open(&arm, "ARM");
	sim_line_open(&drop, "DROP");
	sim_go_realtime(MECH_PRIO);
	signal(SIGTERM, sim_on_stop);
	signal(SIGINT, sim_on_stop);
	sim_line_pull(&drop, 0);
	printf("mech start %lld\n", (long long)uptime_ms());
	while (!sim_stop) {
		v = sim_line_get(&arm);
		if (v && !last) {
			on_at = uptime_ms();
			dropped = 0;
			printf("arm_on %lld\n", (long long)on_at);
		} else if (!v && last) {
			printf("arm_off %lld\n", (long long)uptime_ms());
		}
		last = v;
		if (v && !dropped && uptime_ms() - on_at >= delay) {
			dropped = 1;
			sim_line_pull(&drop, 1);
			printf("drop %lld\n", (long long)uptime_ms());
			sim_sleep_ms(DROP_PULSE_MS);
			sim_line_pull(&drop, 0);
			continue;
		}
		usleep(MECH_POLL_US);
	}
	sim_line_pull(&drop, 0);
	printf("mech stop %lld\n", (long long)uptime_ms());
	return 0;
}

/* notify-listen PATH: what vendd tells the service manager. */
static int
cmd_notify_listen(int argc, char **argv)
{
	char	buf[4096];
	ssize_t	n;
	int	fd;

	if (argc != 2)
		usage();
	fd = sim_notify_listen(argv[1]);
	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			sim_die("recv: %s", strerror(errno));
		buf[n] = '\0';
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
		printf("%lld %s\n", (long long)uptime_ms(), buf);
	}
}

/* asuser UID GID[,GID...] CMD...: drop root for the permission tests. */
static int
cmd_asuser(int argc, char **argv)
{
	gid_t	 groups[16];
	int	 n = 0;
	char	*s, *save = NULL;

	if (argc < 4)
		usage();
	for (s = strtok_r(argv[2], ",", &save); s && n < 16;
	    s = strtok_r(NULL, ",", &save))
		groups[n++] = (gid_t)sim_num(s, "GID", INT_MAX);
	if (n == 0)
		usage();
	if (setgroups((size_t)n - 1, groups + 1) == -1 ||
	    setgid(groups[0]) == -1 ||
	    setuid((uid_t)sim_num(argv[1], "UID", INT_MAX)) == -1)
		sim_die("cannot become uid %s: %s", argv[1], strerror(errno));
	execvp(argv[3], argv + 3);
	sim_die("%s: %s", argv[3], strerror(errno));
}

/* --- abuse ----------------------------------------------------------- */

struct conn {
	int	 fd;
	char	 out[8192];
	size_t	 outlen;
	char	 reply[65536];
	size_t	 len;
	int	 eof;
	int	 reset;		/* ECONNRESET or EPIPE: dropped */
};

/* Read what is there (non-blocking); 1 at EOF or error. */
static int
conn_read(struct conn *c)
{
	ssize_t	n;

	for (;;) {
		if (c->len >= sizeof(c->reply) - 1) {
			c->eof = 1;
			return 1;
		}
		n = recv(c->fd, c->reply + c->len, sizeof(c->reply) - 1 - c->len,
		    MSG_DONTWAIT);
		if (n > 0) {
			c->len += (size_t)n;
			c->reply[c->len] = '\0';
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n == -1)
			c->reset = 1;
		c->eof = 1;
		return 1;
	}
}

/* Wait until every connection in cs reached EOF, or timeout_ms passed. */
static void
conns_wait(struct conn *cs, int n, long timeout_ms)
{
	struct pollfd	*pfd = calloc((size_t)n, sizeof(*pfd));
	int64_t		 end = uptime_ms() + timeout_ms;
	int		 left;

	if (pfd == NULL)
		sim_die("out of memory");
	for (;;) {
		left = 0;
		for (int i = 0; i < n; i++) {
			pfd[i].fd = cs[i].eof ? -1 : cs[i].fd;
			pfd[i].events = POLLIN;
			left += !cs[i].eof;
		}
		if (left == 0 || uptime_ms() >= end)
			break;
		if (poll(pfd, (nfds_t)n, 100) == -1 && errno != EINTR)
			sim_die("poll: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			if (!cs[i].eof && (pfd[i].revents & (POLLIN | POLLHUP |
			    POLLERR)))
				conn_read(&cs[i]);
	}
	free(pfd);
}

static int	abuse_bad;

static void __attribute__((format(printf, 2, 3)))
check(int ok, const char *fmt, ...)
{
	va_list	ap;

	printf("abuse: %s: ", ok ? "ok" : "FAILED");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		abuse_bad++;
}

/* The start of a reply, for messages: one line, at most 60 bytes. */
static const char *
excerpt(const struct conn *c)
{
	static char	buf[64];
	size_t		i;

	for (i = 0; i < c->len && i < sizeof(buf) - 1 && c->reply[i] != '\n'; i++)
		buf[i] = isprint((unsigned char)c->reply[i]) ? c->reply[i] : '?';
	buf[i] = '\0';
	return c->len ? buf : (c->reset ? "(reset)" : "(closed, no reply)");
}

static int
is_error(const struct conn *c)
{
	return strncmp(c->reply, "{\"error\":", 9) == 0;
}

/* A whole status reply: one JSON object, not an error, that has the money
 * fields (whatever key the reply starts with), ending in a newline. */
static int
is_status(const struct conn *c)
{
	return c->len > 0 && c->reply[0] == '{' && !is_error(c) &&
	    strstr(c->reply, "\"currency\":") != NULL &&
	    c->reply[c->len - 1] == '\n';
}

static void
conn_send(struct conn *c, const void *buf, size_t len)
{
	if (send(c->fd, buf, len, MSG_NOSIGNAL) == -1 && errno != EPIPE &&
	    errno != ECONNRESET && errno != EAGAIN)
		sim_die("send: %s", strerror(errno));
}

/*
 * abuse SOCK NCLIENTS: while a slow client (a byte a second), an idle one
 * and a pile of bad ones are connected, NCLIENTS status requests at once must
 * all be answered; then each bad one must have had an error or been dropped,
 * and the daemon must still answer.
 */
static int
cmd_abuse(int argc, char **argv)
{
	enum { MALFORMED, BINARY, OVERSIZED, HALF_STATUS, HALF_EMPTY, SLOW, IDLE,
	    NSPECIAL };
	static const char *const names[NSPECIAL] = { "malformed", "binary",
	    "oversized", "half-closed status", "half-closed empty",
	    "slow (1 byte/s)", "idle" };
	struct conn	*sp, *cs;
	const char	*path;
	char		 big[4096];
	int		 n, answered = 0, slow_sent = 0;
	int64_t		 t0, next_slow;
	const char	*slow_req = "status\n";

	if (argc != 3)
		usage();
	path = argv[1];
	n = (int)sim_num(argv[2], "NCLIENTS", 1000);
	signal(SIGPIPE, SIG_IGN);
	sp = calloc(NSPECIAL, sizeof(*sp));
	cs = calloc((size_t)n, sizeof(*cs));
	if (sp == NULL || cs == NULL)
		sim_die("out of memory");

	/* The bad ones first, so they hold slots while the good ones come. */
	for (int i = 0; i < NSPECIAL; i++)
		sp[i].fd = sim_ctl_connect(path);
	conn_send(&sp[MALFORMED], "restock  cola 99999999 x\n", 25);
	conn_send(&sp[BINARY], "\0\x01\xff\xfe status\r\n", 13);
	memset(big, 'A', sizeof(big));
	conn_send(&sp[OVERSIZED], big, sizeof(big));
	conn_send(&sp[HALF_STATUS], "status", 6);
	shutdown(sp[HALF_STATUS].fd, SHUT_WR);
	shutdown(sp[HALF_EMPTY].fd, SHUT_WR);
	conn_send(&sp[SLOW], slow_req, 1);
	slow_sent = 1;
	next_slow = uptime_ms() + 1000;

	/* NCLIENTS status requests at once. */
	t0 = uptime_ms();
	for (int i = 0; i < n; i++) {
		cs[i].fd = sim_ctl_connect(path);
		conn_send(&cs[i], "status\n", 7);
	}
	/* Feed the slow one while the others are answered. */
	while (uptime_ms() - t0 < 15000) {
		conns_wait(cs, n, 200);
		if (slow_sent < (int)strlen(slow_req) &&
		    uptime_ms() >= next_slow) {
			conn_send(&sp[SLOW], slow_req + slow_sent++, 1);
			next_slow += 1000;
		}
		int done = 1;
		for (int i = 0; i < n; i++)
			done &= cs[i].eof;
		if (done)
			break;
	}
	for (int i = 0; i < n; i++)
		answered += is_status(&cs[i]);
	printf("abuse: %d of %d concurrent status clients answered in %lld ms\n",
	    answered, n, (long long)(uptime_ms() - t0));
	check(answered == n, "all %d concurrent status clients answered", n);

	/* Every special one ends within the daemon's per-phase timeout (3 s). */
	while (slow_sent < (int)strlen(slow_req) && !sp[SLOW].eof) {
		sim_sleep_ms(next_slow > uptime_ms() ? next_slow - uptime_ms() : 0);
		conn_read(&sp[SLOW]);
		if (sp[SLOW].eof)
			break;
		conn_send(&sp[SLOW], slow_req + slow_sent++, 1);
		next_slow += 1000;
	}
	conns_wait(sp, NSPECIAL, 15000);
	for (int i = 0; i < NSPECIAL; i++)
		printf("abuse: %s -> %s\n", names[i], excerpt(&sp[i]));
	check(is_error(&sp[MALFORMED]), "malformed request gets an error");
	check(is_error(&sp[BINARY]) || (sp[BINARY].eof && sp[BINARY].len == 0),
	    "binary garbage gets an error or is dropped");
	check(is_error(&sp[OVERSIZED]) ||
	    (sp[OVERSIZED].eof && sp[OVERSIZED].len == 0),
	    "oversized request gets an error or is dropped");
	check(is_status(&sp[HALF_STATUS]),
	    "\"status\" without newline, then shutdown(SHUT_WR): answered");
	check(sp[HALF_EMPTY].eof && !is_status(&sp[HALF_EMPTY]),
	    "connect and shutdown(SHUT_WR) without a request: closed");
	check(sp[SLOW].eof && (is_error(&sp[SLOW]) || sp[SLOW].len == 0),
	    "slow client timed out (error or dropped), not served forever");
	check(sp[IDLE].eof && (is_error(&sp[IDLE]) || sp[IDLE].len == 0),
	    "idle client timed out");
	for (int i = 0; i < NSPECIAL; i++)
		close(sp[i].fd);
	for (int i = 0; i < n; i++)
		close(cs[i].fd);

	/* Still serving. */
	memset(sp, 0, sizeof(*sp));
	sp[0].fd = sim_ctl_connect(path);
	conn_send(&sp[0], "status\n", 7);
	conns_wait(sp, 1, 5000);
	check(is_status(&sp[0]), "a status after the abuse is answered");
	close(sp[0].fd);
	printf("abuse: %d checks failed\n", abuse_bad);
	return abuse_bad ? 1 : 0;
}

/* uptime: ms since boot, as crashdrv's other lines have it. */
static int
cmd_uptime(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage();
	printf("%lld\n", (long long)uptime_ms());
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct sim_cmd cmds[] = {
		{ "mech", cmd_mech }, { "notify-listen", cmd_notify_listen },
		{ "asuser", cmd_asuser }, { "abuse", cmd_abuse },
		{ "uptime", cmd_uptime },
	};
	return sim_run_cmd(cmds, SIM_NELEM(cmds), argc, argv, usage);
}
