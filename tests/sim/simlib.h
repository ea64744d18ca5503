/*
 * simlib.h: what the test tools share (tests/sim/simdrv.c,
 * tests/crash/crashdrv.c, tests/bench/prober.c, floor.c and hops.c): dying
 * with a message, CLOCK_MONOTONIC time, a gpio-sim line's sysfs attributes
 * and vendd's sockets.
 *
 * A header of static inline functions, not a library: each tool is one file
 * built by one rule, so there is nothing to link, and `inline` keeps the
 * compiler quiet about the functions a tool does not use. Not for vendd:
 * these helpers die on any error, which a daemon must never do.
 *
 * Build with -D_GNU_SOURCE (program_invocation_short_name) and -Itests/sim.
 */
#ifndef SIMLIB_H
#define SIMLIB_H

#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SIM_NS_PER_US	1000LL
#define SIM_NS_PER_MS	1000000LL
#define SIM_NS_PER_S	1000000000LL

#define SIM_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- errors ----------------------------------------------------------- */

/* Print "TOOL: message" and exit 2: a test tool's only error path. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
sim_die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* A non-negative decimal argument, at most max, or die naming it. */
static inline long
sim_num(const char *s, const char *what, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		sim_die("bad %s '%s' (0..%ld)", what, s, max);
	return v;
}

/* A subcommand: `tool NAME ARG...` runs fn(argc - 1, argv + 1). */
struct sim_cmd {
	const char	*name;
	int		(*fn)(int argc, char **argv);
};

/*
 * Run the subcommand argv[1] of cmds[0..n) with stdout line-buffered (a test
 * reads it as it comes) and return its exit status; usage() when there is
 * none such.
 */
static inline int
sim_run_cmd(const struct sim_cmd *cmds, size_t n, int argc, char **argv,
    void (*usage)(void))
{
	size_t	i;
	int	rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < n; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		rc = cmds[i].fn(argc - 1, argv + 1);
		if (fflush(stdout) == EOF)
			sim_die("stdout: %s", strerror(errno));
		return rc;
	}
	usage();
	exit(2);
}

/* ---- time --------------------------------------------------------------- */

/* Set by sim_on_stop() (SIGTERM, SIGINT): loops and sleeps end early. */
static volatile sig_atomic_t sim_stop;

static inline void
sim_on_stop(int sig)
{
	(void)sig;
	sim_stop = 1;
}

/* CLOCK_MONOTONIC in ns: the clock of vendd's edges and trace marks. */
static inline int64_t
sim_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SIM_NS_PER_S + ts.tv_nsec;
}

/* ns as fractional ms, for reports. */
static inline double
sim_ms(int64_t ns)
{
	return (double)ns / SIM_NS_PER_MS;
}

/*
 * Sleep until the absolute CLOCK_MONOTONIC time t (ns): a late wake-up
 * does not push the deadlines after it. A signal that set sim_stop ends it.
 */
static inline void
sim_sleep_until(int64_t t)
{
	struct timespec	ts = { .tv_sec = t / SIM_NS_PER_S,
	    .tv_nsec = t % SIM_NS_PER_S };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR && !sim_stop)
		;
}

static inline void
sim_sleep_ms(int64_t ms)
{
	sim_sleep_until(sim_now_ns() + ms * SIM_NS_PER_MS);
}

/* qsort's comparison of int64_t, for percentiles and medians. */
static inline int
sim_cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Best effort: SCHED_FIFO at prio (none when 0) and memory locked, so the
 * tool's edges and samples land on time next to vendd's threads.
 */
static inline void
sim_go_realtime(int prio)
{
	struct sched_param	sp = { .sched_priority = prio };

	if (prio > 0)
		(void)sched_setscheduler(0, SCHED_FIFO, &sp);
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
}

/* Keep the calling thread on one CPU (none when cpu < 0), or die. */
static inline void
sim_pin(int cpu)
{
	cpu_set_t	set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		sim_die("sched_setaffinity %d: %s", cpu, strerror(errno));
}

/* ---- gpio-sim lines -------------------------------------------------------
 *
 * Inputs of vendd (COIN, buttons, DROP) are driven through the simulator's
 * "pull" attribute, outputs (relays, inhibit) read through "value", both in
 * /sys/devices/platform/DEV_NAME/CHIP_NAME/sim_gpioN/. A line is named as in
 * the board file ($SIMDRV_BOARD, else /vendd/gpio/vendd-board.txt in the VM,
 * else gpio/vendd-board.txt), or by its offset. The chip's directory is
 * $SIMDRV_CHIP_DIR, else found through configfs device "vendd" (as
 * gpio/sim-board.sh creates it).
 */
#define SIM_CONFIGFS	"/sys/kernel/config/gpio-sim/vendd"
#define SIM_BANK	"gpio-bank0"

struct sim_line {
	char	name[64];	/* what messages call it: its name, offset or dir */
	int	pull_fd;	/* "pull-up" / "pull-down", read and written */
	int	value_fd;	/* "0" / "1", what the line is at */
};

/* One line of a sysfs or configfs attribute, newline dropped. */
static inline void
sim_read_attr(const char *path, char *buf, size_t len)
{
	FILE	*f = fopen(path, "r");

	if (f == NULL || fgets(buf, (int)len, f) == NULL)
		sim_die("cannot read %s: %s (is the sim board created?)", path,
		    strerror(errno));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* The offset (BCM number) of the board file's line `name`. */
static inline int
sim_board_offset(const char *name)
{
	static const char *const paths[] = {
		"/vendd/gpio/vendd-board.txt",
		"gpio/vendd-board.txt",
	};
	const char	*env = getenv("SIMDRV_BOARD");
	char		 buf[256], n[64];
	FILE		*f = NULL;
	size_t		 i;
	int		 off;

	if (env != NULL)
		f = fopen(env, "r");
	for (i = 0; f == NULL && env == NULL &&
	    i < SIM_NELEM(paths); i++)
		f = fopen(paths[i], "r");
	if (f == NULL)
		sim_die("cannot open the board file (set SIMDRV_BOARD)");
	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (buf[0] == '#' || sscanf(buf, "%63s %d", n, &off) != 2)
			continue;
		if (strcmp(n, name) == 0) {
			fclose(f);
			return off;
		}
	}
	fclose(f);
	sim_die("no line named %s in the board file", name);
}

/* The sim chip's sysfs dir, as /sys/devices/platform/gpio-sim.0/gpiochip0. */
static inline const char *
sim_chip_dir(void)
{
	static char	 dir[PATH_MAX];
	char		 dev[64], chip[64];
	const char	*env = getenv("SIMDRV_CHIP_DIR");

	if (env != NULL)
		return env;
	if (dir[0] == '\0') {
		sim_read_attr(SIM_CONFIGFS "/dev_name", dev, sizeof(dev));
		sim_read_attr(SIM_CONFIGFS "/" SIM_BANK "/chip_name", chip,
		    sizeof(chip));
		if (snprintf(dir, sizeof(dir), "/sys/devices/platform/%s/%s",
		    dev, chip) >= (int)sizeof(dir))
			sim_die("path too long: %s/%s", dev, chip);
	}
	return dir;
}

/* Open dir/attr with flags, or die. */
static inline int
sim_open_attr(const char *dir, const char *attr, int flags)
{
	char	path[PATH_MAX];
	int	fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		sim_die("path too long: %s/%s", dir, attr);
	if ((fd = open(path, flags | O_CLOEXEC)) == -1)
		sim_die("%s: %s", path, strerror(errno));
	return fd;
}

/* Open the line whose sysfs directory (holding pull and value) is dir;
 * name is what messages call it. */
static inline void
sim_line_open_dir(struct sim_line *l, const char *dir, const char *name)
{
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->pull_fd = sim_open_attr(dir, "pull", O_RDWR);
	l->value_fd = sim_open_attr(dir, "value", O_RDONLY);
}

/* Open a line by board name or offset. */
static inline void
sim_line_open(struct sim_line *l, const char *name)
{
	char		 dir[PATH_MAX];
	const char	*p;
	int		 off;

	for (p = name; isdigit((unsigned char)*p); p++)
		;
	off = *name != '\0' && *p == '\0' ?
	    (int)sim_num(name, "line offset", 1023) : sim_board_offset(name);
	if (snprintf(dir, sizeof(dir), "%s/sim_gpio%d", sim_chip_dir(), off) >=
	    (int)sizeof(dir))
		sim_die("path too long: %s", sim_chip_dir());
	sim_line_open_dir(l, dir, name);
}

/* Pull the line up (1) or down (0): what drives one of vendd's inputs. */
static inline void
sim_line_pull(const struct sim_line *l, int up)
{
	const char	*s = up ? "pull-up" : "pull-down";

	if (pwrite(l->pull_fd, s, strlen(s), 0) == -1)
		sim_die("%s: set %s: %s", l->name, s, strerror(errno));
}

/* The line's level, 0 or 1: what one of vendd's outputs drives. */
static inline int
sim_line_get(const struct sim_line *l)
{
	char	c[4];

	if (pread(l->value_fd, c, sizeof(c), 0) < 1)
		sim_die("%s: read value: %s", l->name, strerror(errno));
	return c[0] == '1';
}

/* ---- sockets ------------------------------------------------------------ */

/*
 * A Unix socket address for path; "@name" is the abstract name (as systemd
 * writes NOTIFY_SOCKET). Returns the length to pass to bind or connect.
 */
static inline socklen_t
sim_sun(struct sockaddr_un *sun, const char *path)
{
	size_t	len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len >= sizeof(sun->sun_path))
		sim_die("socket path too long: %s", path);
	memcpy(sun->sun_path, path, len);
	if (path[0] == '@')
		sun->sun_path[0] = '\0';
	else
		len++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* A datagram socket bound at path (a file replaced, or "@name"): a
 * service manager's NOTIFY_SOCKET, to hear what vendd tells it. */
static inline int
sim_notify_listen(const char *path)
{
	struct sockaddr_un	sun;
	socklen_t		len = sim_sun(&sun, path);
	int			fd;

	if (path[0] != '@')
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1)
		sim_die("notify socket %s: %s", path, strerror(errno));
	return fd;
}

/* A connection to vendd's control socket at path. */
static inline int
sim_ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	socklen_t		len = sim_sun(&sun, path);
	int			fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		sim_die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, len) == -1)
		sim_die("connect %s: %s", path, strerror(errno));
	return fd;
}

/*
 * One control request ("status\n"): its whole reply, up to len - 1 bytes,
 * NUL-terminated in buf; returns the reply's length.
 */
static inline size_t
sim_ctl_request(const char *path, const char *req, char *buf, size_t len)
{
	size_t	n = 0;
	ssize_t	r;
	int	fd = sim_ctl_connect(path);

	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		sim_die("%s: write: %s", path, strerror(errno));
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			sim_die("%s: read: %s", path, strerror(errno));
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return n;
}

#endif
