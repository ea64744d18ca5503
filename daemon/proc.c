/*
 * The thread shell every activity shares: one event_base per thread, one
 * inbox pipe per activity, whole messages in one write() each.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "proc.h"
#include "trace.h"

/* Written once by main before any thread starts, read-only afterwards. */
static int	proc_inbox_r[PROC_MAX] = { [0 ... PROC_MAX - 1] = -1 };
static int	proc_inbox_w[PROC_MAX] = { [0 ... PROC_MAX - 1] = -1 };

/* How long a stopping activity waits for a full peer to take its messages. */
#define PROC_STOP_DRAIN_MS	1000

static void	proc_writable_cb(evutil_socket_t, short, void *);

#ifdef VENDD_TEST_HOOKS
/*
 * Test builds only (make build/test/vendd; never in a package): with
 * VENDD_TEST_HANG="NAME:FILE" in the environment, activity NAME stops
 * answering (sleeps for ever in its thread) at the first heartbeat after FILE
 * exists, as a thread stuck in its own work would: the watchdog test's
 * trigger. Read once, by main, before any thread starts.
 */
static char	proc_hang_name[32];
static char	proc_hang_file[256];

/* Parse VENDD_TEST_HANG once; a malformed value is ignored. */
static void
proc_test_hook_setup(void)
{
	const char	*v = getenv("VENDD_TEST_HANG");
	const char	*colon;

	if (v == NULL || (colon = strchr(v, ':')) == NULL ||
	    (size_t)(colon - v) >= sizeof(proc_hang_name) ||
	    strlen(colon + 1) >= sizeof(proc_hang_file))
		return;
	memcpy(proc_hang_name, v, (size_t)(colon - v));
	strcpy(proc_hang_file, colon + 1);
}

/* On a heartbeat: hang here if this is the named activity and FILE exists. */
static void
proc_test_hook_ping(const struct proc *p)
{
	if (proc_hang_name[0] == '\0' || strcmp(p->name, proc_hang_name) != 0 ||
	    access(proc_hang_file, F_OK) != 0)
		return;
	log_warnx("%s: VENDD_TEST_HANG: not answering from now on", p->name);
	for (;;)
		sleep(3600);
}
#endif

/* Create every inbox: non-blocking, so a full pipe is seen, never waited on. */
int
proc_setup_inboxes(void)
{
	int	fds[2];

#ifdef VENDD_TEST_HOOKS
	proc_test_hook_setup();
#endif
	for (int i = 0; i < PROC_MAX; i++) {
		if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
			return -1;
		proc_inbox_r[i] = fds[0];
		proc_inbox_w[i] = fds[1];
	}
	return 0;
}

/* The write end of an activity's inbox. */
int
proc_inbox_wfd(int id)
{
	return proc_inbox_w[id];
}

/* The read end of an activity's inbox. */
int
proc_inbox_rfd(int id)
{
	return proc_inbox_r[id];
}

/* The time base of every deadline: edge timestamps use it too. */
uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Arm a timer for an absolute CLOCK_MONOTONIC deadline. */
void
proc_timer_at(struct event *ev, uint64_t deadline_ns)
{
	struct timeval	tv;
	uint64_t	now, rel;

	if (deadline_ns == 0) {
		evtimer_del(ev);
		return;
	}
	now = now_ns();
	rel = deadline_ns > now ? deadline_ns - now : 0;
	/* Round up: firing a microsecond early would find nothing due. */
	rel = (rel + 999) / 1000;
	tv.tv_sec = (time_t)(rel / 1000000);
	tv.tv_usec = (suseconds_t)(rel % 1000000);
	evtimer_add(ev, &tv);
}

/*
 * Lifecycle messages are the same for every activity: answer the heartbeat
 * (a thread stuck in its own work cannot, which is what the watchdog wants
 * to see) and stop on MSG_STOP. Everything else is the activity's.
 */
static void
proc_dispatch(struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_PING:
#ifdef VENDD_TEST_HOOKS
		proc_test_hook_ping(p);
#endif
		proc_send(p, m->hdr.src, MSG_PONG, m->hdr.id, NULL, 0);
		break;
	case MSG_STOP:
		if (p->stops_itself)
			p->dispatch(p, m);
		else
			proc_stop(p);
		break;
	default:
		p->dispatch(p, m);
	}
}

/* Read the inbox and dispatch every whole message in it. */
static void
proc_inbox_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc	*p = arg;
	struct msg	 m;
	ssize_t		 n;
	int		 r;

	(void)what;
	n = msg_reader_fill(&p->rd, fd);
	if (n == 0)
		fatalx("%s: inbox closed", p->name);
	if (n == -1 && errno != EAGAIN)
		fatal("%s: inbox read", p->name);
	while ((r = msg_reader_next(&p->rd, &m)) == 1) {
		trace_mark("recv", m.hdr.type, 0);
		proc_dispatch(p, &m);
		if (event_base_got_break(p->base))
			return;
	}
	if (r == -1)
		fatalx("%s: malformed message in inbox (type %u)", p->name,
		    ((struct msg_hdr *)p->rd.buf)->type);
}

/* Set up an activity's loop; it runs in one thread only, hence NOLOCK. */
void
proc_init(struct proc *p, int id, const char *name,
    void (*dispatch)(struct proc *, const struct msg *))
{
	struct event_config	*ec;

	memset(p, 0, offsetof(struct proc, rd));
	p->rd.len = 0;
	p->id = id;
	p->name = name;
	p->dispatch = dispatch;
	if ((ec = event_config_new()) == NULL)
		fatalx("%s: event_config_new", name);
	/* IGNORE_ENV: no EVENT_* variable can change a daemon's backend, and
	 * none is looked up (each lookup is four id syscalls, per base). */
	event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK |
	    EVENT_BASE_FLAG_IGNORE_ENV);
	p->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (p->base == NULL)
		fatalx("%s: event_base_new", name);
	p->ev_inbox = event_new(p->base, proc_inbox_r[id], EV_READ | EV_PERSIST,
	    proc_inbox_cb, p);
	if (p->ev_inbox == NULL || event_add(p->ev_inbox, NULL) == -1)
		fatalx("%s: cannot watch the inbox", name);
}

/* The thread's body: name the logs, run the loop until MSG_STOP. */
static void *
proc_thread(void *arg)
{
	struct proc	*p = arg;

	log_set_name(p->name);
	proc_loop(p);
	trace_dump(p->name);
	return NULL;
}

/*
 * Start an activity's thread with a small explicit stack, not 8 MiB: the
 * loops keep little on the stack, and only touched pages count anyway.
 */
void
proc_spawn(struct proc *p, size_t stack_size)
{
	pthread_attr_t	attr;
	int		err;

	/* glibc refuses less than PTHREAD_STACK_MIN: 16 KiB on x86-64 and
	 * armhf, but 128 KiB on arm64. */
	if (stack_size < (size_t)PTHREAD_STACK_MIN)
		stack_size = PTHREAD_STACK_MIN;
	pthread_attr_init(&attr);
	if ((err = pthread_attr_setstacksize(&attr, stack_size)) != 0)
		fatalx("%s: stack size %zu: %s", p->name, stack_size,
		    strerror(err));
	err = pthread_create(&p->thread, &attr, proc_thread, p);
	pthread_attr_destroy(&attr);
	if (err != 0)
		fatalx("%s: pthread_create: %s", p->name, strerror(err));
}

/* Run the loop; returns once proc_stop() was called. */
void
proc_loop(struct proc *p)
{
	if (event_base_dispatch(p->base) == -1)
		fatalx("%s: event loop failed", p->name);
}

/* Write what is queued for dst until the pipe is full again. */
static int
proc_queue_drain(struct proc *p, int dst)
{
	struct proc_queue	*q = &p->q[dst];
	struct msg		*m;
	ssize_t			 n;

	while (q->n > 0) {
		m = &q->m[q->head];
		n = write(proc_inbox_w[dst], m, msg_wire_size(m));
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)msg_wire_size(m))
			fatal("%s: write to %s", p->name, proc_name(dst));
		q->head = (q->head + 1) % PROC_QUEUE_MAX;
		q->n--;
	}
	return 1;
}

/* The peer's inbox has room again: send what waited, in order. */
static void
proc_writable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc	*p = arg;

	(void)what;
	for (int dst = 0; dst < PROC_MAX; dst++)
		if (proc_inbox_w[dst] == fd && proc_queue_drain(p, dst))
			event_del(p->q[dst].ev);
}

/* Park a message the full pipe refused; overflowing the park is fatal. */
static void
proc_queue_put(struct proc *p, int dst, const struct msg *m)
{
	struct proc_queue	*q = &p->q[dst];

	if (q->m == NULL) {
		q->m = calloc(PROC_QUEUE_MAX, sizeof(*q->m));
		q->ev = event_new(p->base, proc_inbox_w[dst],
		    EV_WRITE | EV_PERSIST, proc_writable_cb, p);
		if (q->m == NULL || q->ev == NULL)
			fatalx("%s: cannot queue for %s", p->name,
			    proc_name(dst));
	}
	if (q->n == PROC_QUEUE_MAX)
		fatalx("%s: %s is not reading its inbox: %u messages queued",
		    p->name, proc_name(dst), q->n);
	memcpy(&q->m[(q->head + q->n) % PROC_QUEUE_MAX], m, msg_wire_size(m));
	if (q->n++ == 0)
		event_add(q->ev, NULL);
	log_debug("%s inbox full: %u queued", proc_name(dst), q->n);
}

/*
 * A message the display's full inbox refused is dropped, not parked: what
 * the customer sees is state that the next event repeats whole (it carries
 * the credit), and a display wedged in its driver must not grow a queue
 * until the sender dies. Said once per sender until the inbox takes again.
 */
static void
proc_drop_for_display(struct proc *p)
{
	if (p->dropped++ == 0)
		log_warnx("%s: the display is not reading its inbox; what the "
		    "customer sees is dropped until it does", p->name);
}

/* Send one message: one write() of at most PIPE_BUF bytes, never torn. */
static void
proc_send_msg(struct proc *p, int dst, struct msg *m)
{
	ssize_t	n;

	m->hdr.src = (uint16_t)p->id;
	m->hdr.seq = ++p->seq;
	if (p->q[dst].n > 0) {		/* keep order behind what waits */
		proc_queue_put(p, dst, m);
		return;
	}
	/* "send" before: under SCHED_FIFO the receiver runs inside write() */
	trace_mark("send", m->hdr.type, 0);
	do
		n = write(proc_inbox_w[dst], m, msg_wire_size(m));
	while (n == -1 && errno == EINTR);
	trace_mark("sent", m->hdr.type, 0);
	if (n == -1 && errno == EAGAIN && dst == PROC_DISPLAY &&
	    m->hdr.type == MSG_SHOW)
		proc_drop_for_display(p);
	else if (n == -1 && errno == EAGAIN)
		proc_queue_put(p, dst, m);
	else if (n != (ssize_t)msg_wire_size(m))
		fatal("%s: write to %s", p->name, proc_name(dst));
	else if (dst == PROC_DISPLAY && p->dropped > 0) {
		log_info("%s: the display reads its inbox again (%u dropped)",
		    p->name, p->dropped);
		p->dropped = 0;
	}
}

/* How many messages wait for dst: a bulk sender pauses while any do. */
unsigned
proc_queued(const struct proc *p, int dst)
{
	return p->q[dst].n;
}

/* Send a message built from a type and payload. */
void
proc_send(struct proc *p, int dst, uint16_t type, uint32_t id,
    const void *payload, size_t len)
{
	struct msg	m;

	if (msg_payload_size(type) != (int)len || dst < 0 || dst >= PROC_MAX)
		fatalx("%s: bad send of %s (%zu bytes) to %d", p->name,
		    msg_type_name(type), len, dst);
	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.type = type;
	m.hdr.len = (uint16_t)len;
	m.hdr.id = id;
	if (len)
		memcpy(&m.u, payload, len);
	proc_send_msg(p, dst, &m);
}

/* Send what a pure core decided, in the order it decided it. */
void
proc_send_outbox(struct proc *p, const struct outbox *ob)
{
	struct msg	m;

	for (int i = 0; i < ob->n; i++) {
		memcpy(&m, &ob->m[i], sizeof(ob->m[i].hdr) + ob->m[i].hdr.len);
		proc_send_msg(p, ob->dst[i], &m);
	}
}

/* Before the loop ends, hand parked messages over, waiting a little. */
static void
proc_drain_all(struct proc *p)
{
	struct pollfd	pfd;

	for (int dst = 0; dst < PROC_MAX; dst++) {
		while (p->q[dst].n > 0) {
			pfd.fd = proc_inbox_w[dst];
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, PROC_STOP_DRAIN_MS) <= 0) {
				log_warnx("%u messages for %s lost at stop",
				    p->q[dst].n, proc_name(dst));
				break;
			}
			proc_queue_drain(p, dst);
		}
	}
}

/* MSG_STOP: outputs safe, queued messages delivered, loop ends. */
void
proc_stop(struct proc *p)
{
	if (p->on_stop)
		p->on_stop(p);
	proc_drain_all(p);
	event_base_loopbreak(p->base);
}

/* Wait for an activity's thread to end. */
void
proc_join(struct proc *p)
{
	pthread_join(p->thread, NULL);
}

/* Free what proc_init and the queues allocated. */
void
proc_free(struct proc *p)
{
	for (int dst = 0; dst < PROC_MAX; dst++) {
		if (p->q[dst].ev)
			event_free(p->q[dst].ev);
		free(p->q[dst].m);
	}
	if (p->ev_inbox)
		event_free(p->ev_inbox);
	if (p->base)
		event_base_free(p->base);
}
