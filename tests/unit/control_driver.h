/*
 * Drive the control thread from a unit test, in the test's own thread: its
 * loop is run a turn at a time while the test plays vendctl on the socket
 * and the owners on the inbox pipes.
 */
#ifndef CONTROL_DRIVER_H
#define CONTROL_DRIVER_H

#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "msg.h"
#include "proc.h"

/* The readers of the owners' inboxes, as the owners would read them. */
static struct msg_reader	driver_rd[PROC_MAX];

/* Milliseconds on the monotonic clock. */
static inline long
driver_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Turn the control loop until fd is readable; 0 if ms pass first. */
static inline int
driver_pump(struct proc *ctl, int fd, long ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	long		until = driver_ms() + ms;

	do {
		event_base_loop(ctl->base, EVLOOP_NONBLOCK);
		if (poll(&pfd, 1, 5) > 0)
			return 1;
	} while (driver_ms() < until);
	return 0;
}

/* The next message control sent to an owner; 0 if none within ms. */
static inline int
driver_owner_read(struct proc *ctl, int owner, struct msg *m, long ms)
{
	int	fd = proc_inbox_rfd(owner);

	for (;;) {
		if (msg_reader_next(&driver_rd[owner], m) == 1)
			return 1;
		if (!driver_pump(ctl, fd, ms))
			return 0;
		if (msg_reader_fill(&driver_rd[owner], fd) <= 0)
			return 0;
	}
}

/* Drop whatever control sent to the owners and nobody read. */
static inline void
driver_owner_drain(void)
{
	struct msg	m;

	for (int id = 0; id < PROC_MAX; id++) {
		while (msg_reader_fill(&driver_rd[id], proc_inbox_rfd(id)) > 0)
			;
		while (msg_reader_next(&driver_rd[id], &m) == 1)
			;
		driver_rd[id].len = 0;
	}
}

/* An owner answers control: one message into control's inbox. */
static inline void
driver_owner_send(int owner, uint16_t type, uint32_t id, const void *payload,
    size_t len)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.src = (uint16_t)owner;
	m.hdr.len = (uint16_t)len;
	m.hdr.id = id;
	memcpy(&m.u, payload, len);
	if (write(proc_inbox_wfd(PROC_CONTROL), &m, msg_wire_size(&m)) !=
	    (ssize_t)msg_wire_size(&m))
		fail_msg("write to control's inbox");
}

/* vendctl's side: connect and send one request line. */
static inline int
driver_client(const char *path, const char *line)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fail_msg("connect %s", path);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		fail_msg("send \"%s\"", line);
	return fd;
}

/* Whether the client has been answered (anything to read) within ms. */
static inline int
driver_answered(struct proc *ctl, int fd, long ms)
{
	return driver_pump(ctl, fd, ms);
}

/* The client's whole reply, parsed; fails unless it is one JSON object. */
static inline struct json_object *
driver_reply(struct proc *ctl, int fd, long ms)
{
	static char	 buf[65536];	/* a status of 99 products: ~20 KiB */
	size_t		 len = 0;
	ssize_t		 n;
	struct json_object *o;

	for (;;) {
		if (!driver_pump(ctl, fd, ms))
			fail_msg("no reply within %ld ms", ms);
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (len == 0 || buf[len - 1] != '\n')
		fail_msg("reply not one line: \"%s\"", buf);
	if ((o = json_tokener_parse(buf)) == NULL)
		fail_msg("reply not JSON: %s", buf);
	return o;
}

#endif
