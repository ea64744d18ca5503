/*
 * display: the thread shell of the customer's display. Feeds MSG_SHOW and
 * time to the pure core (display_core.c), writes the screen through an
 * encoder (display_encode.c) when it changed, and keeps one timer at the
 * core's deadline. The device is opened lazily and never blocks us: any
 * failure is one warning, then a retry every retry_s until a write works.
 * On stop the display keeps showing what it showed (a charlcd cannot tell
 * a stopped vendd from an idle one; systemd restarts vendd, which redraws).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "display.h"
#include "display_core.h"
#include "display_encode.h"
#include "log.h"
#include "msg.h"
#include "proc.h"

#define DISPLAY_NS	1000000000ULL

/* The thread shell's state: all of it lives in the display thread. */
static struct display_core	 disp;
static const struct config	*disp_cf;
static struct event		*disp_ev_deadline, *disp_ev_retry;
static int			 disp_fd = -1;
static int			 disp_warned;	/* failing: said once, not again */
static int			 disp_waiting;	/* the retry timer is armed */
static int			 disp_full = 1;	/* next write initialises */
static uint32_t			 disp_written;	/* core version on the device */
static char			 disp_buf[DISPLAY_ENCODE_MAX];

/* A write or open failed: warn once, close, redraw fully on a retry. */
static void
display_fail(int err)
{
	const struct display_conf *dc = &disp_cf->display;

	if (!disp_warned)
		log_warnx("display: %s: %s; retrying every %d s", dc->device,
		    err == -1 ? "a short write (part of a screen)" :
		    strerror(err), dc->retry_s);
	disp_warned = disp_waiting = 1;
	disp_full = 1;
	if (disp_fd != -1)
		close(disp_fd);
	disp_fd = -1;
	proc_timer_at(disp_ev_retry, now_ns() +
	    (uint64_t)(dc->retry_s > 0 ? dc->retry_s : 1) * DISPLAY_NS);
}

/* The screen's bytes in the configured encoding. */
static size_t
display_encode(void)
{
	const struct display_screen *s = display_core_screen(&disp);

	if (disp_cf->display.type == DISPLAY_TERMINAL)
		return display_encode_ansi(s, disp_full, disp_buf,
		    sizeof(disp_buf));
	return display_encode_charlcd(s, disp_full, disp_buf,
	    sizeof(disp_buf));
}

/* Write the screen once; 0 on success, else errno, or -1: a short write. */
static int
display_write(void)
{
	size_t	 len;
	ssize_t	 n;

	if (disp_fd == -1) {
		disp_fd = open(disp_cf->display.device, O_WRONLY | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC);
		if (disp_fd == -1)
			return errno;
		disp_full = 1;
	}
	len = display_encode();
	n = write(disp_fd, disp_buf, len);
	if (n == -1)
		return errno;
	if ((size_t)n != len)
		return -1;	/* this one failed: redraw all next time */
	return 0;
}

/* Bring the device up to the core's screen, unless waiting for a retry. */
static void
display_flush(void)
{
	uint32_t	v = display_core_version(&disp);
	int		err;

	if (disp_waiting || (v == disp_written && !disp_full))
		return;
	if ((err = display_write()) != 0) {
		display_fail(err);
		return;
	}
	disp_written = v;
	disp_full = 0;
	if (disp_warned)
		log_info("display: %s: writing again", disp_cf->display.device);
	disp_warned = 0;
}

/* The retry timer: try the device again, tell when it works. */
static void
display_retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	disp_waiting = 0;
	display_flush();
}

/* The core's deadline: a message ended, the cycle stepped, lights off. */
static void
display_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	display_core_tick(&disp, now_ns());
	display_flush();
	proc_timer_at(disp_ev_deadline, display_core_deadline(&disp));
}

/* One event for the customer; a malformed one is the sender's bug. */
static void
display_show(const struct msg *m)
{
	if (!display_core_valid(&disp, &m->u.show))
		fatalx("display: malformed MSG_SHOW from %s (event %u, "
		    "product %d)", proc_name(m->hdr.src), m->u.show.event,
		    m->u.show.product);
	if (disp_cf->display.type == DISPLAY_NONE)
		return;
	display_core_show(&disp, &m->u.show, now_ns());
	display_flush();
	proc_timer_at(disp_ev_deadline, display_core_deadline(&disp));
}

/* One message from the inbox: only MSG_SHOW is ours. */
static void
display_dispatch(struct proc *p, const struct msg *m)
{
	(void)p;
	switch (m->hdr.type) {
	case MSG_SHOW:
		display_show(m);
		break;
	default:
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/*
 * Shutdown (the last activity to stop): the customer reads "Out of
 * service" rather than a credit nobody can use now; then close.
 */
static void
display_on_stop(struct proc *p)
{
	struct msg_show	m;

	(void)p;
	if (disp_cf->display.type != DISPLAY_NONE) {
		memset(&m, 0, sizeof(m));
		m.event = SHOW_SELLING;
		m.product = -1;
		display_core_show(&disp, &m, now_ns());
		display_flush();
	}
	if (disp_fd != -1)
		close(disp_fd);
	disp_fd = -1;
	if (disp_ev_deadline != NULL)
		event_free(disp_ev_deadline);
	if (disp_ev_retry != NULL)
		event_free(disp_ev_retry);
	disp_ev_deadline = disp_ev_retry = NULL;
}

/* The thread shell; with no display it only swallows MSG_SHOW. */
void
display_init(struct proc *p, const struct config *cf)
{
	proc_init(p, PROC_DISPLAY, "display", display_dispatch);
	p->on_stop = display_on_stop;
	disp_cf = cf;
	disp_fd = -1;
	disp_warned = disp_waiting = 0;
	disp_full = 1;
	display_core_init(&disp, cf, now_ns());
	disp_written = display_core_version(&disp) - 1;
	if (cf->display.type == DISPLAY_NONE)
		return;
	disp_ev_deadline = evtimer_new(p->base, display_deadline_cb, p);
	disp_ev_retry = evtimer_new(p->base, display_retry_cb, p);
	if (disp_ev_deadline == NULL || disp_ev_retry == NULL)
		fatalx("display: cannot set up the timers");
	/* The idle screen as soon as the loop runs. */
	event_active(disp_ev_deadline, EV_TIMEOUT, 0);
}
