/*
 * crashdrv: the crash, power-cut, abuse and watchdog tests' helper in the
 * gpio-sim VM (issue 5). Separate from tests/sim/simdrv so the two evolve
 * independently; the sysfs access is the same (see simdrv.c).
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
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SIM_CONFIGFS	"/sys/kernel/config/gpio-sim/vendd"
#define SIM_BANK	"gpio-bank0"
#define BOARD_FILE	"/vendd/gpio/vendd-board.txt"
#define DROP_PULSE_MS	60
#define POLL_US		1000

static volatile sig_atomic_t	stop;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	ap;

	fputs("crashdrv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

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

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stop)
		;
}

static long
num(const char *s, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 0)
		die("bad %s '%s'", what, s);
	return v;
}

/* --- sim lines (as in simdrv.c) ------------------------------------- */

static void
read_attr(const char *path, char *buf, size_t len)
{
	FILE	*f = fopen(path, "r");

	if (f == NULL || fgets(buf, (int)len, f) == NULL)
		die("cannot read %s: %s", path, strerror(errno));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* The offset of a board line by name. */
static int
board_offset(const char *name)
{
	char	 buf[256], n[64];
	FILE	*f = fopen(BOARD_FILE, "r");
	int	 off;

	if (f == NULL)
		die("%s: %s", BOARD_FILE, strerror(errno));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (sscanf(buf, "%63s %d", n, &off) == 2 &&
		    strcmp(n, name) == 0) {
			fclose(f);
			return off;
		}
	}
	die("no line %s in %s", name, BOARD_FILE);
}

/* Open a sim line's "pull" (O_RDWR) or "value" (O_RDONLY) attribute. */
static int
line_attr(const char *name, const char *attr)
{
	char	dev[64], chip[64], path[PATH_MAX];
	int	fd;

	read_attr(SIM_CONFIGFS "/dev_name", dev, sizeof(dev));
	read_attr(SIM_CONFIGFS "/" SIM_BANK "/chip_name", chip, sizeof(chip));
	snprintf(path, sizeof(path), "/sys/devices/platform/%s/%s/sim_gpio%d/%s",
	    dev, chip, board_offset(name), attr);
	if ((fd = open(path, strcmp(attr, "pull") == 0 ? O_RDWR : O_RDONLY)) == -1)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static int
line_value(int fd)
{
	char	c = '0';

	if (pread(fd, &c, 1, 0) != 1)
		die("read value: %s", strerror(errno));
	return c == '1';
}

static void
line_pull(int fd, int up)
{
	const char *s = up ? "pull-up" : "pull-down";

	if (pwrite(fd, s, strlen(s), 0) == -1)
		die("set pull: %s", strerror(errno));
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * mech: the product falls whenever the arm runs. One drop per energised
 * period; a period shorter than the delay (a kill) delivers nothing.
 */
static int
cmd_mech(int argc, char **argv)
{
	long	 delay = argc > 1 ? num(argv[1], "DROP_DELAY_MS") : 100;
	int	 arm = line_attr("ARM", "value"), drop = line_attr("DROP", "pull");
	int	 last = 0, v, dropped = 0;
	int64_t	 on_at = 0;
	struct sched_param sp = { .sched_priority = 40 };

	(void)sched_setscheduler(0, SCHED_FIFO, &sp);
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	setvbuf(stdout, NULL, _IOLBF, 0);
	line_pull(drop, 0);
	printf("mech start %lld\n", (long long)uptime_ms());
	while (!stop) {
		v = line_value(arm);
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
			line_pull(drop, 1);
			printf("drop %lld\n", (long long)uptime_ms());
			sleep_ms(DROP_PULSE_MS);
			line_pull(drop, 0);
			continue;
		}
		usleep(POLL_US);
	}
	line_pull(drop, 0);
	printf("mech stop %lld\n", (long long)uptime_ms());
	return 0;
}

/* notify-listen PATH: what vendd tells the service manager. */
static int
cmd_notify_listen(int argc, char **argv)
{
	struct sockaddr_un	sun;
	char			buf[4096];
	ssize_t			n;
	int			fd;

	if (argc != 2)
		usage();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path))
		die("path too long");
	strcpy(sun.sun_path, argv[1]);
	unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("%s: %s", argv[1], strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die("recv: %s", strerror(errno));
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
		groups[n++] = (gid_t)num(s, "GID");
	if (n == 0)
		usage();
	if (setgroups((size_t)n - 1, groups + 1) == -1 ||
	    setgid(groups[0]) == -1 || setuid((uid_t)num(argv[1], "UID")) == -1)
		die("cannot become uid %s: %s", argv[1], strerror(errno));
	execvp(argv[3], argv + 3);
	die("%s: %s", argv[3], strerror(errno));
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

static int
conn_open(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("connect %s: %s", path, strerror(errno));
	return fd;
}

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
		die("out of memory");
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
			die("poll: %s", strerror(errno));
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
is_status(const struct conn *c)
{
	return c->len > 0 && strncmp(c->reply, "{\"currency\":", 12) == 0 &&
	    c->reply[c->len - 1] == '\n';
}

static int
is_error(const struct conn *c)
{
	return strncmp(c->reply, "{\"error\":", 9) == 0;
}

static void
conn_send(struct conn *c, const void *buf, size_t len)
{
	if (send(c->fd, buf, len, MSG_NOSIGNAL) == -1 && errno != EPIPE &&
	    errno != ECONNRESET && errno != EAGAIN)
		die("send: %s", strerror(errno));
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
	n = (int)num(argv[2], "NCLIENTS");
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sp = calloc(NSPECIAL, sizeof(*sp));
	cs = calloc((size_t)n, sizeof(*cs));
	if (sp == NULL || cs == NULL)
		die("out of memory");

	/* The bad ones first, so they hold slots while the good ones come. */
	for (int i = 0; i < NSPECIAL; i++)
		sp[i].fd = conn_open(path);
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
		cs[i].fd = conn_open(path);
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
		sleep_ms(next_slow > uptime_ms() ? next_slow - uptime_ms() : 0);
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
	sp[0].fd = conn_open(path);
	conn_send(&sp[0], "status\n", 7);
	conns_wait(sp, 1, 5000);
	check(is_status(&sp[0]), "a status after the abuse is answered");
	close(sp[0].fd);
	printf("abuse: %d checks failed\n", abuse_bad);
	return abuse_bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "mech") == 0)
		return cmd_mech(argc - 1, argv + 1);
	if (strcmp(argv[1], "notify-listen") == 0)
		return cmd_notify_listen(argc - 1, argv + 1);
	if (strcmp(argv[1], "asuser") == 0)
		return cmd_asuser(argc - 1, argv + 1);
	if (strcmp(argv[1], "abuse") == 0)
		return cmd_abuse(argc - 1, argv + 1);
	if (strcmp(argv[1], "uptime") == 0) {
		printf("%lld\n", (long long)uptime_ms());
		return 0;
	}
	usage();
}
