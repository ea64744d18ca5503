/*
 * cooling: a thermostat with compressor protection, and a fixed duty cycle
 * while the sensor is faulty. The pure core takes samples and time; the thread
 * shell reads the sensor file on a timer and drives the compressor relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cooling.h"
#include "gpio.h"
#include "log.h"
#include "msg.h"
#include "proc.h"

#define COOL_NS		1000000000ULL
#define COOL_MIN_MC	(-40000)	/* colder than a cooler can be */
#define COOL_MAX_MC	60000		/* hotter than a cabinet can be */
#define COOL_POWER_ON_MC 85000		/* DS18B20 reset value: no conversion */
#define COOL_READ_MAX	64		/* w1_therm's file is "-12345\n" */

/*
 * Bad samples in a row before the duty cycle takes over. A DS18B20 read fails
 * with EIO when the 1-Wire bus is disturbed and reports 85000 after a power
 * glitch: one such sample is noise, not a dead sensor, and must not start the
 * compressor. Three in a row (30 s at the default sample_s of 10) is a fault.
 */
#define COOLING_FAULT_SAMPLES	3

/* Classify a sensor file's contents (w1_therm: "4312\n"). */
enum cool_sensor
cooling_parse(const char *buf, size_t len, int32_t *mc)
{
	char	 s[COOL_READ_MAX + 1], *end;
	long	 v;

	*mc = 0;
	if (len > COOL_READ_MAX)
		return COOL_SENSOR_GARBAGE;
	memcpy(s, buf, len);
	s[len] = '\0';
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
		return COOL_SENSOR_GARBAGE;
	/* Only whitespace may follow; an embedded NUL is garbage too. */
	for (size_t i = end - s; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return COOL_SENSOR_GARBAGE;
	*mc = (int32_t)v;
	if (v == COOL_POWER_ON_MC)
		return COOL_SENSOR_POWER_ON;
	if (v < COOL_MIN_MC || v > COOL_MAX_MC)
		return COOL_SENSOR_OUT_OF_RANGE;
	return COOL_SENSOR_OK;
}

/* The kind's name: one spelling for the log and the status JSON (a wire name). */
const char *
cooling_sensor_name(int kind)
{
	switch (kind) {
	case COOL_SENSOR_OK:
		return "ok";
	case COOL_SENSOR_MISSING:
		return "missing";
	case COOL_SENSOR_UNREADABLE:
		return "unreadable";
	case COOL_SENSOR_GARBAGE:
		return "garbage";
	case COOL_SENSOR_OUT_OF_RANGE:
		return "out_of_range";
	case COOL_SENSOR_POWER_ON:
		return "power_on";	/* the DS18B20's 85000: no conversion */
	}
	return "unknown";
}

/* Millidegrees as an operator reads them, without floating point: "4.3". */
static void
cooling_fmt(int32_t mc, char *buf, size_t len)
{
	int64_t	a = mc < 0 ? -(int64_t)mc : mc;
	int64_t	tenths = (a + 50) / 100;	/* rounded */

	snprintf(buf, len, "%s%lld.%lld", mc < 0 && tenths ? "-" : "",
	    (long long)(tenths / 10), (long long)(tenths % 10));
}

static uint64_t
cool_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* When the current state may end: the protection window of that state. */
static uint64_t
cooling_allowed_at(const struct cooling_core *c)
{
	return c->on ? c->min_on_until : c->min_off_until;
}

/* Fault mode: the duty phase counts from the last change, never cut short. */
static uint64_t
cooling_duty_due(const struct cooling_core *c)
{
	uint64_t phase = (uint64_t)(c->on ? c->cf->fault_on_s :
	    c->cf->fault_off_s) * COOL_NS;

	return cool_max(c->changed_at + phase, cooling_allowed_at(c));
}

/* Switch the compressor and tell the ledger (starts, run time). */
static void
cooling_switch(struct cooling_core *c, int on, uint64_t now, struct outbox *ob)
{
	struct msg_cool	 m;
	char		 t[16] = "?";

	if (c->have_temp)
		cooling_fmt(c->temperature_mc, t, sizeof(t));
	memset(&m, 0, sizeof(m));
	if (on) {
		c->min_on_until = now + (uint64_t)c->cf->min_on_s * COOL_NS;
		outbox_put(ob, PROC_LEDGER, MSG_COOL_START, &m, sizeof(m));
		log_info("compressor on at %s C%s", t,
		    c->fault_mode ? " (sensor fault duty cycle)" : "");
	} else {
		m.run_s = (uint32_t)((now - c->changed_at) / COOL_NS);
		c->min_off_until = now + (uint64_t)c->cf->min_off_s * COOL_NS;
		outbox_put(ob, PROC_LEDGER, MSG_COOL_STOP, &m, sizeof(m));
		log_info("compressor off at %s C after %u s%s", t, m.run_s,
		    c->fault_mode ? " (sensor fault duty cycle)" : "");
	}
	c->on = on;
	c->changed_at = now;
	if (c->fault_mode)
		c->duty_next = cooling_duty_due(c);
}

/* The thermostat's wish from the last good reading, with hysteresis. */
static int
cooling_want(const struct cooling_core *c)
{
	if (c->temperature_mc >= c->cf->setpoint_mc + c->cf->differential_mc)
		return 1;
	if (c->temperature_mc <= c->cf->setpoint_mc)
		return 0;
	return c->on;
}

/* Do what the thermostat or the duty cycle wants, if protection allows. */
static void
cooling_apply(struct cooling_core *c, uint64_t now, struct outbox *ob)
{
	if (c->fault_mode) {
		if (now >= c->duty_next)
			cooling_switch(c, !c->on, now, ob);
		return;
	}
	if (!c->have_temp || cooling_want(c) == c->on)
		return;
	if (now >= cooling_allowed_at(c))
		cooling_switch(c, !c->on, now, ob);
}

/*
 * Start-up: compressor off, and no start before the start delay nor before
 * min_off_s. vendd cannot know when the compressor last stopped: a restart
 * of vendd (or a crash and RestartSec=) may follow the stop by seconds, so
 * the hold after any start covers the minimum off time too.
 */
void
cooling_core_init(struct cooling_core *c, const struct cooling_conf *cf,
    uint64_t now)
{
	int	delay = cf->start_delay_s > cf->min_off_s ? cf->start_delay_s :
		    cf->min_off_s;

	if (delay < 0)
		delay = 0;

	memset(c, 0, sizeof(*c));
	c->cf = cf;
	c->changed_at = now;
	c->min_off_until = now + (uint64_t)delay * COOL_NS;
	c->sensor = COOL_SENSOR_OK;
}

/* The customer is told the cabinet may not be cold (when there is a display). */
static void
cooling_show(const struct cooling_core *c, int cold, struct outbox *ob)
{
	struct msg_show	 m;

	if (!c->tell_display)
		return;
	memset(&m, 0, sizeof(m));
	m.event = SHOW_COOLING;
	m.product = -1;
	m.on = (uint32_t)cold;
	outbox_put(ob, PROC_DISPLAY, MSG_SHOW, &m, sizeof(m));
}

/* Enough bad samples in a row: the duty cycle, one alarm, one count. */
static void
cooling_enter_fault(struct cooling_core *c, enum cool_sensor kind,
    uint64_t now, struct outbox *ob)
{
	struct msg_cool	 m;

	log_warnx("sensor %s: %s (%d bad samples in a row), compressor on a "
	    "%d s on / %d s off duty cycle", c->cf->sensor,
	    cooling_sensor_name(kind), c->bad, c->cf->fault_on_s,
	    c->cf->fault_off_s);
	memset(&m, 0, sizeof(m));
	m.kind = kind;
	outbox_put(ob, PROC_LEDGER, MSG_COOL_SENSOR_FAULT, &m, sizeof(m));
	c->fault_mode = 1;
	c->duty_next = cooling_duty_due(c);
	cooling_show(c, 0, ob);
	cooling_apply(c, now, ob);
}

/* A bad sample: a glitch keeps the last good reading, a run is a fault. */
static void
cooling_bad_sample(struct cooling_core *c, enum cool_sensor kind, uint64_t now,
    struct outbox *ob)
{
	if (c->bad < COOLING_FAULT_SAMPLES)
		c->bad++;
	if (c->fault_mode) {
		if ((int)kind != c->sensor)
			log_debug("sensor %s: now %s", c->cf->sensor,
			    cooling_sensor_name(kind));
		c->sensor = kind;
		return;
	}
	c->sensor = kind;
	if (c->bad < COOLING_FAULT_SAMPLES) {
		log_debug("sensor %s: %s, bad sample %d of %d before the duty "
		    "cycle", c->cf->sensor, cooling_sensor_name(kind), c->bad,
		    COOLING_FAULT_SAMPLES);
		return;
	}
	cooling_enter_fault(c, kind, now, ob);
}

/* A sample: kind from cooling_parse or the read's failure. */
void
cooling_core_reading(struct cooling_core *c, enum cool_sensor kind,
    int32_t mc, uint64_t now, struct outbox *ob)
{
	char	t[16];

	if (kind != COOL_SENSOR_OK) {
		cooling_bad_sample(c, kind, now, ob);
		return;
	}
	c->sensor = kind;
	c->bad = 0;
	c->temperature_mc = mc;
	c->have_temp = 1;
	if (c->fault_mode) {
		cooling_fmt(mc, t, sizeof(t));
		log_info("sensor back: %s C, thermostat resumes", t);
		c->fault_mode = 0;
		c->duty_next = 0;
		cooling_show(c, 1, ob);
	}
	cooling_apply(c, now, ob);
}

/* Time passed: protection windows ended, duty cycle toggles. */
void
cooling_core_tick(struct cooling_core *c, uint64_t now, struct outbox *ob)
{
	cooling_apply(c, now, ob);
}

/* Next time tick must run (not counting samples); 0 = none. */
uint64_t
cooling_core_deadline(const struct cooling_core *c)
{
	if (c->fault_mode)
		return c->duty_next;
	if (c->have_temp && cooling_want(c) != c->on)
		return cooling_allowed_at(c);
	return 0;
}

/* What vendctl status shows of cooling. */
void
cooling_core_status(const struct cooling_core *c,
    struct msg_status_cooling *st)
{
	memset(st, 0, sizeof(*st));
	st->temperature_mc = c->have_temp ? c->temperature_mc : MSG_TEMP_NONE;
	st->sensor = c->sensor;
	st->compressor = c->on;
	st->fault_mode = c->fault_mode;
}

/* Shutdown: the compressor off now, its run time to the ledger. */
void
cooling_core_stop(struct cooling_core *c, uint64_t now, struct outbox *ob)
{
	if (!c->on)
		return;
	log_info("compressor off: stopping");
	cooling_switch(c, 0, now, ob);
}

/* The thread shell's state: all of it lives in the cooling thread. */
static struct cooling_core	 cool;
static const struct config	*cool_cf;
static struct gpio_line		*cool_relay;
static int			 cool_driven;	/* relay level set */
static struct event		*cool_ev_sample, *cool_ev_deadline;

/* Read the sensor file once: its kind, and the temperature when good. */
static enum cool_sensor
cooling_read(const char *pattern, int32_t *mc)
{
	glob_t	 g;
	char	 buf[COOL_READ_MAX];
	ssize_t	 n;
	int	 fd = -1, rc, err = 0;

	*mc = 0;
	rc = glob(pattern, 0, NULL, &g);
	if (rc == 0) {
		fd = open(g.gl_pathv[0], O_RDONLY | O_CLOEXEC);
		err = errno;
	}
	globfree(&g);
	if (rc == GLOB_NOMATCH)
		return COOL_SENSOR_MISSING;
	if (rc != 0)
		return COOL_SENSOR_UNREADABLE;
	if (fd == -1)
		return err == ENOENT ? COOL_SENSOR_MISSING :
		    COOL_SENSOR_UNREADABLE;
	n = read(fd, buf, sizeof(buf));
	if (n == -1)
		log_debug("sensor %s: %s", pattern, strerror(errno));
	close(fd);
	if (n == -1)
		return COOL_SENSOR_UNREADABLE;
	return cooling_parse(buf, (size_t)n, mc);
}

/* After every input: send, drive the relay on change, re-arm the deadline. */
static void
cooling_after(struct proc *p, const struct outbox *ob)
{
	proc_send_outbox(p, ob);
	if (cool.on != cool_driven && cool_relay != NULL) {
		if (gpio_line_set(cool_relay, cool.on) == -1)
			fatal("compressor %s", gpio_line_name(cool_relay));
	}
	cool_driven = cool.on;
	proc_timer_at(cool_ev_deadline, cooling_core_deadline(&cool));
}

/* The sample timer: read the sensor and feed the thermostat. */
static void
cooling_sample_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox		 ob;
	enum cool_sensor	 kind;
	int32_t			 mc;

	(void)fd;
	(void)ev;
	kind = cooling_read(cool_cf->cooling.sensor, &mc);
	outbox_init(&ob);
	cooling_core_reading(&cool, kind, mc, now_ns(), &ob);
	cooling_after(arg, &ob);
}

/* The core's deadline: a protection window or a duty phase ended. */
static void
cooling_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox	ob;

	(void)fd;
	(void)ev;
	outbox_init(&ob);
	cooling_core_tick(&cool, now_ns(), &ob);
	cooling_after(arg, &ob);
}

/* One message from the inbox: status, heartbeat, stop. */
static void
cooling_dispatch(struct proc *p, const struct msg *m)
{
	struct msg_status_cooling st;

	switch (m->hdr.type) {
	case MSG_STATUS_REQ:
		cooling_core_status(&cool, &st);
		proc_send(p, m->hdr.src, MSG_STATUS_COOLING, m->hdr.id, &st,
		    sizeof(st));
		break;
	default:
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/*
 * Shutdown: the compressor off, whatever protection would say; the ledger
 * (stopped last) still gets the run time of the cycle cut short.
 */
static void
cooling_on_stop(struct proc *p)
{
	struct outbox	ob;

	outbox_init(&ob);
	cooling_core_stop(&cool, now_ns(), &ob);
	proc_send_outbox(p, &ob);
	if (cool_relay != NULL && gpio_line_set(cool_relay, 0) == -1)
		log_warn("compressor %s", gpio_line_name(cool_relay));
	cool_driven = 0;
	if (cool_ev_sample != NULL)
		event_free(cool_ev_sample);
	if (cool_ev_deadline != NULL)
		event_free(cool_ev_deadline);
	cool_ev_sample = cool_ev_deadline = NULL;
}

/* The thread shell: a sample timer, a deadline timer, the relay. */
void
cooling_init(struct proc *p, const struct config *cf,
    struct gpio_line *compressor)
{
	struct timeval	 every = { cf->cooling.sample_s, 0 }, now = { 0, 0 };

	proc_init(p, PROC_COOLING, "cooling", cooling_dispatch);
	p->on_stop = cooling_on_stop;
	cool_cf = cf;
	cool_relay = compressor;
	cool_driven = 0;		/* outputs start inactive */
	cooling_core_init(&cool, &cf->cooling, now_ns());
	cool.tell_display = cf->display.type != DISPLAY_NONE;
	cool_ev_sample = event_new(p->base, -1, EV_PERSIST, cooling_sample_cb,
	    p);
	cool_ev_deadline = evtimer_new(p->base, cooling_deadline_cb, p);
	if (cool_ev_sample == NULL || cool_ev_deadline == NULL ||
	    event_add(cool_ev_sample, &every) == -1)
		fatalx("cooling: cannot set up the timers");
	/* The first sample as soon as the loop runs, not sample_s later. */
	if (event_base_once(p->base, -1, EV_TIMEOUT, cooling_sample_cb, p,
	    &now) == -1)
		fatalx("cooling: event_base_once");
}
