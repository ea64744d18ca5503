/*
 * keypad: the thread that owns the evdev keypad. It reads key events with
 * libevdev and feeds the presses to the pure core (daemon/keypad_core.c).
 * An unplugged keypad is a warning, not a fault: the core cancels what was
 * typed on it, the display says so, and a timer looks for the device every
 * retry_s until it is back. With nothing pending and the device present,
 * no timer runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libevdev/libevdev.h>

#include "keypad.h"
#include "keypad_core.h"
#include "log.h"
#include "proc.h"

#define KEYPAD_INPUT_DIR	"/dev/input"	/* where event nodes are looked up */

/* The shell: the state of the keypad thread. */
static struct keypad_core	 keypad;
static struct proc		*keypad_proc;
static const struct config	*keypad_cf;
static int			 keypad_fd = -1;
static struct libevdev		*keypad_dev;
static char			 keypad_path[VENDD_PATH_MAX];
static struct event		*keypad_ev_read;	/* the device's fd */
static struct event		*keypad_ev_timer;	/* the core's deadline */
static struct event		*keypad_ev_retry;	/* only while lost */

/* Append to a message buffer, never past its end. */
static void __attribute__((format(printf, 3, 4)))
keypad_errcat(char *buf, size_t len, const char *fmt, ...)
{
	size_t	used = strnlen(buf, len);
	va_list	ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Why an open failed, with what to do about the usual cause. */
static const char *
keypad_hint(int err)
{
	if (err == EACCES || err == EPERM)
		return " (the user vendd runs as needs the input group)";
	if (err == ENOENT)
		return " (is the keypad plugged in?)";
	return "";
}

/* Open one event device the way the keypad is read. */
static int
keypad_open_path(const char *path)
{
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* event2 before event10, as the kernel numbers them. */
static int
keypad_cmp_node(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* The input name of an open event device, into name; -1 if unreadable. */
static int
keypad_name_of(int fd, char *name, size_t len)
{
	struct libevdev	*dev = NULL;
	const char	*n;

	if (libevdev_new_from_fd(fd, &dev) < 0)
		return -1;
	n = libevdev_get_name(dev);
	snprintf(name, len, "%s", n ? n : "");
	libevdev_free(dev);
	return 0;
}

/* A device named by its path: open it as is. */
static int
keypad_open_by_path(const char *device, char *path_out, size_t pathlen,
    char *err, size_t errlen)
{
	char	name[256];
	int	fd;

	if ((fd = keypad_open_path(device)) == -1) {
		snprintf(err, errlen, "keypad \"%s\": %s%s", device,
		    strerror(errno), keypad_hint(errno));
		return -1;
	}
	if (keypad_name_of(fd, name, sizeof(name)) == -1) {
		snprintf(err, errlen, "keypad \"%s\": not an input event "
		    "device", device);
		close(fd);
		return -1;
	}
	snprintf(path_out, pathlen, "%s", device);
	return fd;
}

/*
 * The input name of /dev/input/eventN as sysfs has it, without opening the
 * device: other input devices stay closed (the service may not open them),
 * and a lookup costs a read per device, not libevdev's full sync of each.
 * -1 when sysfs does not say.
 */
static int
keypad_sysfs_name(const char *path, char *name, size_t len)
{
	const char	*base = strrchr(path, '/');
	char		 sys[PATH_MAX];
	ssize_t		 n;
	int		 fd;

	if (base == NULL || snprintf(sys, sizeof(sys), "/sys/class/input/%s/"
	    "device/name", base + 1) >= (int)sizeof(sys) ||
	    (fd = open(sys, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, name, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
	return 0;
}

/* Try one /dev/input/eventN for the name; note what it is in found. */
static int
keypad_try_node(const char *device, const char *path, char *found,
    size_t foundlen, char *openerr, size_t openerrlen)
{
	char	name[256];
	int	fd, e;

	if (keypad_sysfs_name(path, name, sizeof(name)) == 0 &&
	    strcmp(name, device) != 0) {
		keypad_errcat(found, foundlen, "%s\"%s\" %s", found[0] ?
		    ", " : "", name, path);
		return -1;
	}
	if ((fd = keypad_open_path(path)) == -1) {
		e = errno;
		if (openerr[0] == '\0')
			snprintf(openerr, openerrlen, "; cannot open %s: %s%s",
			    path, strerror(e), keypad_hint(e));
		return -1;
	}
	if (keypad_name_of(fd, name, sizeof(name)) == -1) {
		close(fd);
		return -1;
	}
	if (strcmp(name, device) == 0)
		return fd;
	keypad_errcat(found, foundlen, "%s\"%s\" %s", found[0] ? ", " : "",
	    name, path);
	close(fd);
	return -1;
}

/*
 * A device named as the kernel names it: the first event node of that name.
 * (glob, not scandir: fewer lines for a sorted list of paths.)
 */
static int
keypad_open_by_name(const char *device, char *path_out, size_t pathlen,
    char *err, size_t errlen)
{
	glob_t	g;
	char	found[512] = "", openerr[256] = "";
	size_t	i;
	int	fd = -1;

	memset(&g, 0, sizeof(g));
	if (glob(KEYPAD_INPUT_DIR "/event*", GLOB_NOSORT, NULL, &g) == 0)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), keypad_cmp_node);
	for (i = 0; i < g.gl_pathc && fd == -1; i++)
		fd = keypad_try_node(device, g.gl_pathv[i], found,
		    sizeof(found), openerr, sizeof(openerr));
	if (fd != -1)
		snprintf(path_out, pathlen, "%s", g.gl_pathv[i - 1]);
	globfree(&g);
	if (fd != -1)
		return fd;
	snprintf(err, errlen, "keypad \"%s\": no input device of that name "
	    "(found: %s)%s", device, found[0] ? found : "none", openerr);
	return -1;
}

/* Warn about a device that cannot be a keypad; it is still used. */
static void
keypad_check_keys(int fd, const char *device, const char *path)
{
	struct libevdev	*dev = NULL;

	if (libevdev_new_from_fd(fd, &dev) < 0)
		return;
	if (!libevdev_has_event_type(dev, EV_KEY))
		log_warnx("keypad \"%s\" (%s): \"%s\" has no keys", device,
		    path, libevdev_get_name(dev));
	else if (!libevdev_has_event_code(dev, EV_KEY, KEY_0) &&
	    !libevdev_has_event_code(dev, EV_KEY, KEY_KP0))
		log_warnx("keypad \"%s\" (%s): \"%s\" has no digit keys "
		    "(KEY_0, KEY_KP0)", device, path, libevdev_get_name(dev));
	libevdev_free(dev);
}

/* Start-up, --check and the retries after an unplug all look it up here. */
int
keypad_open(const char *device, char *path_out, size_t pathlen, char *err,
    size_t errlen)
{
	int	fd;

	if (device[0] == '/')
		fd = keypad_open_by_path(device, path_out, pathlen, err, errlen);
	else
		fd = keypad_open_by_name(device, path_out, pathlen, err, errlen);
	if (fd != -1)
		keypad_check_keys(fd, device, path_out);
	return fd;
}

/* Send what the core decided and sleep until its next deadline. */
static void
keypad_flush(const struct outbox *ob)
{
	proc_send_outbox(keypad_proc, ob);
	proc_timer_at(keypad_ev_timer, keypad_core_deadline(&keypad));
}

/* Tell the core the device left or came back. */
static void
keypad_set_present(int present)
{
	struct outbox	ob;

	outbox_init(&ob);
	keypad_core_present(&keypad, present, now_ns(), &ob);
	keypad_flush(&ob);
}

/* Let go of the device: its event, libevdev and the fd. */
static void
keypad_detach(void)
{
	if (keypad_ev_read)
		event_free(keypad_ev_read);
	keypad_ev_read = NULL;
	if (keypad_dev)
		libevdev_free(keypad_dev);
	keypad_dev = NULL;
	if (keypad_fd != -1)
		close(keypad_fd);
	keypad_fd = -1;
}

/* Look for the device again in retry_s. */
static void
keypad_retry_later(void)
{
	struct timeval	tv = { 0, 0 };

	tv.tv_sec = keypad_cf->keypad.retry_s > 0 ? keypad_cf->keypad.retry_s : 2;
	evtimer_add(keypad_ev_retry, &tv);
}

/* The device is gone: say so once, drop it and start looking for it. */
static void
keypad_lost(int err)
{
	if (err != ENODEV)
		log_warnx("keypad: reading %s: %s", keypad_path, strerror(err));
	log_warnx("keypad: %s (%s) is gone: selections by code are out of "
	    "order until it returns", keypad_cf->keypad.device, keypad_path);
	keypad_detach();
	keypad_set_present(0);
	keypad_retry_later();
}

/* SYN_DROPPED: the kernel's buffer overflowed; skip the state delta. */
static int
keypad_drain_sync(void)
{
	struct input_event	ev;
	int			rc;

	log_warnx("keypad: %s: the kernel dropped key events: a key may be lost",
	    keypad_path);
	do
		rc = libevdev_next_event(keypad_dev, LIBEVDEV_READ_FLAG_SYNC, &ev);
	while (rc == LIBEVDEV_READ_STATUS_SYNC);
	return rc;
}

/* Hand one key event to the core. */
static void
keypad_feed(const struct input_event *ev)
{
	struct outbox	ob;

	if (ev->type != EV_KEY)
		return;
	outbox_init(&ob);
	keypad_core_key(&keypad, ev->code, ev->value, now_ns(), &ob);
	keypad_flush(&ob);
}

/* The device is readable: every event queued, until EAGAIN or it is gone. */
static void
keypad_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct input_event	ev;
	int			rc;

	(void)fd; (void)what; (void)arg;
	for (;;) {
		rc = libevdev_next_event(keypad_dev, LIBEVDEV_READ_FLAG_NORMAL,
		    &ev);
		if (rc == LIBEVDEV_READ_STATUS_SYNC &&
		    (rc = keypad_drain_sync()) == -EAGAIN)
			continue;	/* synced: normal events may follow */
		if (rc == LIBEVDEV_READ_STATUS_SUCCESS)
			keypad_feed(&ev);
		else if (rc == -EAGAIN)
			return;
		else if (rc != -EINTR && rc < 0) {
			keypad_lost(-rc);
			return;
		}
	}
}

/* Take an open device: wrap it in libevdev, grab it, listen to it. */
static int
keypad_attach(int fd)
{
	int	rc;

	if ((rc = libevdev_new_from_fd(fd, &keypad_dev)) < 0) {
		log_warnx("keypad: %s: %s", keypad_path, strerror(-rc));
		close(fd);
		keypad_dev = NULL;
		return -1;
	}
	keypad_fd = fd;
	/* the keys are vendd's: a getty or a desktop must not see them */
	if ((rc = libevdev_grab(keypad_dev, LIBEVDEV_GRAB)) < 0)
		log_warnx("keypad: %s: cannot grab: %s", keypad_path,
		    strerror(-rc));
	keypad_ev_read = event_new(keypad_proc->base, fd, EV_READ | EV_PERSIST,
	    keypad_read_cb, NULL);
	if (keypad_ev_read == NULL || event_add(keypad_ev_read, NULL) == -1)
		fatalx("keypad: cannot listen to %s", keypad_path);
	return 0;
}

/* While lost: is the device back? */
static void
keypad_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	char	err[1024];
	int	nfd;

	(void)fd; (void)what; (void)arg;
	nfd = keypad_open(keypad_cf->keypad.device, keypad_path,
	    sizeof(keypad_path), err, sizeof(err));
	if (nfd == -1 || keypad_attach(nfd) == -1) {
		if (nfd == -1)
			log_debug("%s", err);
		keypad_retry_later();
		return;
	}
	log_info("keypad: %s is back (%s)", keypad_cf->keypad.device,
	    keypad_path);
	keypad_set_present(1);
	/* keys pressed between the open and now are already queued */
	keypad_read_cb(keypad_fd, EV_READ, NULL);
}

/* The core's deadline came: an entry or a selection left alone. */
static void
keypad_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox	ob;

	(void)fd; (void)what; (void)arg;
	outbox_init(&ob);
	keypad_core_tick(&keypad, now_ns(), &ob);
	keypad_flush(&ob);
}

/* The keypad's inbox gets only lifecycle messages, which proc.c answers. */
static void
keypad_dispatch(struct proc *p, const struct msg *m)
{
	(void)p;
	fatalx("keypad: unexpected %s from %s", msg_type_name(m->hdr.type),
	    proc_name(m->hdr.src));
}

/* Shutdown: stop listening and let go of the device (it drives nothing). */
static void
keypad_on_stop(struct proc *p)
{
	(void)p;
	keypad_detach();
	if (keypad_ev_timer)
		event_free(keypad_ev_timer);
	if (keypad_ev_retry)
		event_free(keypad_ev_retry);
	keypad_ev_timer = keypad_ev_retry = NULL;
}

/* The path behind an fd main opened, for the messages. */
static void
keypad_path_of(int fd, char *buf, size_t len)
{
	char	link[64];
	ssize_t	n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0)
		n = snprintf(buf, len, "fd %d", fd);
	else
		buf[n] = '\0';
}

/* Set up the keypad thread: the device's event and the core's timer. */
void
keypad_init(struct proc *p, const struct config *cf, int fd)
{
	proc_init(p, PROC_KEYPAD, "keypad", keypad_dispatch);
	p->on_stop = keypad_on_stop;
	keypad_proc = p;
	keypad_cf = cf;
	keypad_core_init(&keypad, cf);
	keypad_fd = -1;
	keypad_dev = NULL;
	keypad_ev_read = keypad_ev_timer = keypad_ev_retry = NULL;
	if (cf->keypad.device[0] == '\0') {
		if (fd != -1)
			close(fd);
		return;			/* no keypad: lifecycle messages only */
	}
	keypad_ev_timer = evtimer_new(p->base, keypad_timer_cb, NULL);
	keypad_ev_retry = evtimer_new(p->base, keypad_retry_cb, NULL);
	if (keypad_ev_timer == NULL || keypad_ev_retry == NULL)
		fatalx("keypad: cannot set up timers");
	snprintf(keypad_path, sizeof(keypad_path), "%s", cf->keypad.device);
	if (fd != -1) {
		keypad_path_of(fd, keypad_path, sizeof(keypad_path));
		log_info("keypad: %s is %s", cf->keypad.device, keypad_path);
	}
	if (fd == -1 || keypad_attach(fd) == -1) {
		log_warnx("keypad: %s is missing: selections by code are out "
		    "of order until it appears", cf->keypad.device);
		keypad_set_present(0);
		keypad_retry_later();
	}
}
