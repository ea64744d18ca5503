/*
 * The Qibixx MDB Pi HAT's text protocol in master mode (see mdb_link.h):
 * request lines out, reply lines in, and the serial device opened raw.
 * Library-like: errors are returned, nothing is logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mdb_link.h"

/* "R," then the bytes in upper-case hex, the first (address and command)
 * apart from the data by a comma, as the adapter's examples write them. */
int
mdb_link_request(char *buf, size_t cap, const uint8_t *msg, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	o = 0;

	if (n == 0 || n > MDB_MSG_MAX || cap < 2 * n + 5)
		return -1;
	buf[o++] = 'R';
	buf[o++] = ',';
	for (size_t i = 0; i < n; i++) {
		if (i == 1)
			buf[o++] = ',';
		buf[o++] = hex[msg[i] >> 4];
		buf[o++] = hex[msg[i] & 15];
	}
	buf[o++] = '\n';
	buf[o] = '\0';
	return (int)o;
}

/* A hex digit's value, or -1. */
static int
mdb_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The data bytes of "p,<hex>" (commas between bytes allowed). */
static int
mdb_parse_data(const char *s, size_t len, struct mdb_reply *r)
{
	int	hi, lo;

	r->len = 0;
	for (size_t i = 0; i < len;) {
		if (s[i] == ',') {
			i++;
			continue;
		}
		if (i + 1 >= len || (hi = mdb_hexval(s[i])) < 0 ||
		    (lo = mdb_hexval(s[i + 1])) < 0 || r->len == MDB_MSG_MAX)
			return -1;
		r->data[r->len++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return r->len > 0 ? 0 : -1;
}

/* Whether line (of len bytes) is exactly s. */
static int
mdb_line_is(const char *line, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(line, s, len) == 0;
}

/* One reply line: see mdb_link.h. */
int
mdb_link_parse(const char *line, size_t len, struct mdb_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = MDB_REPLY_OTHER;
	if (mdb_line_is(line, len, "p,ACK"))
		r->kind = MDB_REPLY_ACK;
	else if (mdb_line_is(line, len, "p,NACK"))
		r->kind = MDB_REPLY_NACK;
	else if (mdb_line_is(line, len, "m,ACK"))
		r->kind = MDB_REPLY_MODE;
	else if (len > 2 && line[0] == 'p' && line[1] == ',') {
		if (mdb_parse_data(line + 2, len - 2, r) == -1) {
			memset(r, 0, sizeof(*r));
			r->kind = MDB_REPLY_OTHER;
			return -1;
		}
		r->kind = MDB_REPLY_DATA;
	} else
		return -1;
	return 0;
}

/* Append bytes read from the device. */
int
mdb_lines_add(struct mdb_lines *l, const void *bytes, size_t n)
{
	if (n > sizeof(l->buf) - l->len) {
		l->len = 0;		/* no line is that long: start again */
		return -1;
	}
	memcpy(l->buf + l->len, bytes, n);
	l->len += n;
	return 0;
}

/* The next whole line: see mdb_link.h. */
int
mdb_lines_next(struct mdb_lines *l, char *line, size_t cap)
{
	char	*nl = memchr(l->buf, '\n', l->len);
	size_t	 n, used;

	if (nl == NULL)
		return -1;
	used = (size_t)(nl - l->buf) + 1;
	n = used - 1;
	if (n > 0 && l->buf[n - 1] == '\r')
		n--;
	if (n >= cap || n > MDB_LINE_MAX)
		n = 0;			/* too long for any reply: dropped */
	memcpy(line, l->buf, n);
	line[n] = '\0';
	memmove(l->buf, l->buf + used, l->len - used);
	l->len -= used;
	return (int)n;
}

/* Open the adapter raw at 115200 8N1: no echo, no line editing, no flow
 * control, reads that return what is there. */
int
mdb_link_open(const char *path, char *err, size_t errlen)
{
	struct termios	t;
	int		fd;

	if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (tcgetattr(fd, &t) == -1) {
		snprintf(err, errlen, "%s: not a serial port: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, B115200) == -1 || cfsetospeed(&t, B115200) == -1 ||
	    tcsetattr(fd, TCSANOW, &t) == -1) {
		snprintf(err, errlen, "%s: cannot set 115200 8N1: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	tcflush(fd, TCIOFLUSH);
	return fd;
}

/* Write a whole line to the adapter: see mdb_link.h. */
int
mdb_link_write(int fd, const char *line, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, line, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;	/* EAGAIN too: 115200 baud drains fast */
		}
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Milliseconds of CLOCK_MONOTONIC. */
static int64_t
mdb_link_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next whole line, waited for at most ms in all (bytes that make no
 * line do not stretch it): see mdb_link.h. */
int
mdb_link_wait_line(int fd, struct mdb_lines *in, char *line, size_t cap,
    int ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	char		buf[sizeof(in->buf)];
	int64_t		end = mdb_link_ms() + ms, left;
	int		len;
	ssize_t		k;

	while ((len = mdb_lines_next(in, line, cap)) < 0) {
		if ((left = end - mdb_link_ms()) <= 0 ||
		    poll(&pfd, 1, (int)left) != 1 || (k = read(fd, buf,
		    sizeof(in->buf) - in->len)) <= 0)
			return -1;
		mdb_lines_add(in, buf, (size_t)k);
	}
	return len;
}

/* One message and its answer: see mdb_link.h. */
int
mdb_link_sync(int fd, struct mdb_lines *in, const uint8_t *msg, size_t n,
    struct mdb_reply *r, int ms)
{
	char	line[MDB_LINE_MAX + 1];
	int	len;

	if ((len = mdb_link_request(line, sizeof(line), msg, n)) == -1 ||
	    mdb_link_write(fd, line, (size_t)len) == -1 ||
	    (len = mdb_link_wait_line(fd, in, line, sizeof(line), ms)) == -1)
		return -1;
	return mdb_link_parse(line, (size_t)len, r);
}
