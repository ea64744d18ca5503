/*
 * control.c: the test script's side of mdbsim. A Unix stream socket takes
 * control commands, one a line, each answered with one line ("ok [...]"
 * or "err REASON"); the commands are listed in mdbsim.c. `mdbsim ctl
 * SOCKET COMMAND...` is the client, for scripts without python or socat
 * (the test VM has busybox only).
 */
#include <sys/socket.h>

#include "mdbsim.h"

#define CLIENTS_MAX	8	/* control connections at once */
#define ARGS_MAX	20	/* words of one control command */
#define CTL_LINE_MAX	512	/* longest control line */

/* A control connection, reading lines. */
struct client {
	int	fd;
	size_t	len;
	char	buf[CTL_LINE_MAX];
};

static struct {
	const char	*path;
	int		 listen_fd;
	struct client	 client[CLIENTS_MAX];
} ctl = { .listen_fd = -1 };

/* A decimal control argument in [min, max]: 0, or -1. */
int
ctl_int(const char *s, long min, long max, long *v)
{
	char	*end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *v < min || *v > max ?
	    -1 : 0;
}

/* A coin or note type in use (values[t] > 0): 0, or -1. */
int
ctl_type(const char *s, const int *values, long *t)
{
	return ctl_int(s, 0, MDB_TYPES - 1, t) == 0 && values[*t] > 0 ? 0 : -1;
}

/* A hex argument in [0, max]: 0, or -1. */
int
ctl_hex(const char *s, long max, long *v)
{
	char	*end;

	errno = 0;
	*v = strtol(s, &end, 16);
	return errno != 0 || end == s || *end != '\0' || *v < 0 || *v > max ?
	    -1 : 0;
}

int
ctl_onoff(const char *s, bool *on)
{
	*on = strcmp(s, "on") == 0;
	return *on || strcmp(s, "off") == 0 ? 0 : -1;
}

/* Offer the command to each part in turn; the first that knows it acts.
 * "fault clear" goes to all. */
static enum sim_ctl
dispatch(int argc, char **argv, int64_t now, char *out, size_t len)
{
	enum sim_ctl	rc = CTL_UNKNOWN;
	bool		clear = argc == 2 && strcmp(argv[0], "fault") == 0 &&
			    strcmp(argv[1], "clear") == 0;

	if (strcmp(argv[0], "fault") == 0)
		rc = adapter_ctl(argc, argv, out, len);
	if (rc == CTL_UNKNOWN || clear)
		rc = changer_ctl(argc, argv, now, out, len);
	if (rc == CTL_UNKNOWN)
		rc = validator_ctl(argc, argv, now, out, len);
	if (rc == CTL_UNKNOWN)
		rc = cashless_ctl(argc, argv, now, out, len);
	return clear ? CTL_OK : rc;
}

/* One control line, its one reply line. */
static void
command(char *line, char *reply, size_t len)
{
	char		*argv[ARGS_MAX], *save = NULL, *w, out[SIM_ACCOUNT_MAX];
	int		 argc = 0;
	int64_t		 now = sim_now_ms();
	enum sim_ctl	 rc;

	out[0] = '\0';
	sim_log("control: %s", line);
	for (w = strtok_r(line, " \t\r", &save); w != NULL && argc < ARGS_MAX;
	    w = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = w;
	if (argc == 0) {
		snprintf(reply, len, "err empty command");
		return;
	}
	if (strcmp(argv[0], "account") == 0 || strcmp(argv[0], "exit") == 0) {
		sim_account_line(now, out, sizeof(out));
		if (strcmp(argv[0], "exit") == 0)
			sim_stop_request();
		else
			printf("%s\n", out);
		snprintf(reply, len, "ok %s", out);
		return;
	}
	rc = dispatch(argc, argv, now, out, sizeof(out));
	if (rc == CTL_UNKNOWN)
		snprintf(reply, len, "err unknown command '%s' (see mdbsim.c)",
		    argv[0]);
	else
		snprintf(reply, len, "%s%s%s", rc == CTL_OK ? "ok" : "err",
		    out[0] != '\0' ? " " : "", out);
}

static void
client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/* Read from a control connection and answer each whole line. */
static void
client_read(struct client *c)
{
	char	reply[SIM_ACCOUNT_MAX + 16], *nl;
	ssize_t	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	size_t	used;

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(c);
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		used = (size_t)(nl - c->buf) + 1;
		*nl = '\0';
		command(c->buf, reply, sizeof(reply) - 1);
		strcat(reply, "\n");
		if (write(c->fd, reply, strlen(reply)) == -1)
			sim_log("control: reply lost: %s", strerror(errno));
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf) - 1) {
		sim_log("control: line too long, connection closed");
		client_close(c);
	}
}

static void
client_accept(void)
{
	int	fd = accept4(ctl.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd == -1)
		return;
	for (int i = 0; i < CLIENTS_MAX; i++)
		if (ctl.client[i].fd == -1) {
			ctl.client[i].fd = fd;
			ctl.client[i].len = 0;
			return;
		}
	sim_log("control: too many connections");
	close(fd);
}

/* Listen on path (a file replaced, or "@name"). */
void
control_listen(const char *path)
{
	struct sockaddr_un	sun;
	socklen_t		len = sim_sun(&sun, path);

	ctl.path = path;
	for (int i = 0; i < CLIENTS_MAX; i++)
		ctl.client[i].fd = -1;
	if (path[0] != '@')
		(void)unlink(path);
	if ((ctl.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1 || bind(ctl.listen_fd, (struct sockaddr *)&sun, len) == -1 ||
	    listen(ctl.listen_fd, CLIENTS_MAX) == -1)
		sim_die("%s: %s", path, strerror(errno));
}

/* The poll entries: the listener, then each connection (fd -1: none). */
size_t
control_pollfds(struct pollfd *pfd)
{
	pfd[0] = (struct pollfd){ .fd = ctl.listen_fd, .events = POLLIN };
	for (int i = 0; i < CLIENTS_MAX; i++)
		pfd[1 + i] = (struct pollfd){ .fd = ctl.client[i].fd,
		    .events = POLLIN };
	return CONTROL_POLLFDS;
}

/* Act on what poll saw in control_pollfds' entries. */
void
control_ready(const struct pollfd *pfd)
{
	if (pfd[0].revents & POLLIN)
		client_accept();
	for (int i = 0; i < CLIENTS_MAX; i++)
		if (pfd[1 + i].revents & (POLLIN | POLLHUP | POLLERR) &&
		    ctl.client[i].fd != -1)
			client_read(&ctl.client[i]);
}

void
control_unlink(void)
{
	if (ctl.path != NULL && ctl.path[0] != '@')
		(void)unlink(ctl.path);
}

/* `mdbsim ctl SOCKET WORD...`: one command, its reply on stdout (without
 * "ok "), or on stderr and exit 1 when it is not ok. */
int
control_client(int argc, char **argv)
{
	char	buf[SIM_ACCOUNT_MAX + 16];
	size_t	o = 0;
	ssize_t	n;
	int	fd;

	if (argc < 2)
		sim_die("usage: mdbsim ctl SOCKET COMMAND [ARG...]");
	for (int i = 1; i < argc; i++) {
		if (strlen(argv[i]) + 2 > sizeof(buf) - o - 1)
			sim_die("command too long");
		o += (size_t)sprintf(buf + o, "%s%s", i > 1 ? " " : "",
		    argv[i]);
	}
	buf[o++] = '\n';
	fd = sim_ctl_connect(argv[0]);
	if (write(fd, buf, o) != (ssize_t)o)
		sim_die("%s: write: %s", argv[0], strerror(errno));
	o = 0;
	while (o < sizeof(buf) - 1 && (n = read(fd, buf + o,
	    sizeof(buf) - 1 - o)) > 0) {
		o += (size_t)n;
		if (memchr(buf, '\n', o) != NULL)
			break;
	}
	close(fd);
	buf[o] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strncmp(buf, "ok", 2) != 0) {
		fprintf(stderr, "mdbsim: %s\n", o > 0 ? buf : "no reply");
		return 1;
	}
	if (buf[2] != '\0')
		printf("%s\n", buf + 3);
	return 0;
}
