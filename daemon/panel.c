/*
 * panel: the selection buttons and the vend button. The pure core turns the
 * edges of each button into presses (one per push, however long it is held
 * or however much it chatters); the shell feeds it the edges of every line.
 * Whether a release lasted hold_off_ms is decided at the next active edge
 * from the edges' timestamps, so no timer runs and an idle panel sleeps.
 * The door switch is here too: an input on the same panel, told to sales
 * as a level (open or closed), debounced by the kernel.
 */
#include <errno.h>
#include <string.h>

#include <event2/event.h>

#include "gpio.h"
#include "log.h"
#include "panel.h"
#include "proc.h"

#define NS_PER_MS	1000000ULL
#define PANEL_EDGES	16	/* edges read per wake-up */

/* Start with every button released. */
void
panel_core_init(struct panel_core *c, const struct config *cf)
{
	memset(c, 0, sizeof(*c));
	c->cf = cf;
	c->door = -1;
}

/* The door is open (service mode) or closed: sales hears of a change. */
void
panel_core_door(struct panel_core *c, int open, struct outbox *ob)
{
	struct msg_flag	f = { 0 };

	if (open == c->door)
		return;
	c->door = open;
	log_info("door %s", open ? "opened" : "closed");
	f.on = (uint32_t)open;
	outbox_put(ob, PROC_SALES, MSG_DOOR, &f, sizeof(f));
}

/* How long a released button must stay released before it can press again. */
static uint64_t
panel_hold_off(const struct panel_core *c)
{
	return (uint64_t)c->cf->panel.hold_off_ms * NS_PER_MS;
}

/* Forget a press whose release had lasted hold_off_ms at this edge. */
static void
panel_settle(struct panel_core *c, int button, uint64_t now)
{
	if (c->b[button].pressed && c->b[button].release_at &&
	    now >= c->b[button].release_at + panel_hold_off(c)) {
		c->b[button].pressed = 0;
		c->b[button].release_at = 0;
	}
}

/* Tell sales a button was pressed. */
static void
panel_press(struct panel_core *c, int button, struct outbox *ob)
{
	struct msg_select	s = { 0 };

	if (button == PANEL_VEND) {
		log_debug("panel: vend pressed");
		outbox_put(ob, PROC_SALES, MSG_PANEL_VEND, NULL, 0);
		return;
	}
	if (button == PANEL_RETURN) {
		log_debug("panel: coin return pressed");
		outbox_put(ob, PROC_SALES, MSG_PANEL_RETURN, NULL, 0);
		return;
	}
	s.product = (uint32_t)button;
	log_debug("panel: %s selected", c->cf->product[button].id);
	outbox_put(ob, PROC_SALES, MSG_PANEL_SELECT, &s, sizeof(s));
}

/* An edge: the first active edge after a settled release is a press. */
void
panel_core_edge(struct panel_core *c, int button, int active, uint64_t ts_ns,
    struct outbox *ob)
{
	if (button == PANEL_DOOR) {
		panel_core_door(c, active, ob);
		return;
	}
	if (button != PANEL_VEND && button != PANEL_RETURN &&
	    (button < 0 || button >= c->cf->nproducts))
		fatalx("panel: edge of unknown button %d", button);
	panel_settle(c, button, ts_ns);
	if (active) {
		if (!c->b[button].pressed)
			panel_press(c, button, ob);
		c->b[button].pressed = 1;
		c->b[button].release_at = 0;
	} else if (c->b[button].pressed)
		c->b[button].release_at = ts_ns ? ts_ns : 1;	/* 0 = active */
}

/* Time passing changes nothing: releases are judged at the next edge. */
void
panel_core_tick(struct panel_core *c, uint64_t now_ns, struct outbox *ob)
{
	(void)c;
	(void)now_ns;
	(void)ob;
}

/* The panel never needs a timer: 0, asleep until the next edge. */
uint64_t
panel_core_deadline(const struct panel_core *c)
{
	(void)c;
	return 0;
}

/* The shell: the state of the panel thread. */
struct panel_button {
	int		 button;	/* index in the core */
	struct gpio_line *line;
	struct event	*ev;
};

static struct panel_core	 panel;
static struct proc		*panel_proc;
static struct panel_button	 panel_btn[PANEL_BUTTONS];

/* A button's line has edges: feed each to the core. */
static void
panel_line_cb(evutil_socket_t fd, short what, void *arg)
{
	struct panel_button	*pb = arg;
	struct gpio_edge	 e[PANEL_EDGES];
	struct outbox		 ob;
	int			 n, i;

	(void)fd; (void)what;
	do {
		n = gpio_line_read_edges(pb->line, e, PANEL_EDGES);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fatal("panel: reading edges of %s",
			    gpio_line_name(pb->line));
		}
		for (i = 0; i < n; i++) {
			outbox_init(&ob);
			panel_core_edge(&panel, pb->button, e[i].active,
			    e[i].ts_ns, &ob);
			proc_send_outbox(panel_proc, &ob);
		}
	} while (n == PANEL_EDGES);
}

/* The panel's inbox gets only lifecycle messages, which proc.c answers. */
static void
panel_dispatch(struct proc *p, const struct msg *m)
{
	(void)p;
	fatalx("panel: unexpected %s from %s", msg_type_name(m->hdr.type),
	    proc_name(m->hdr.src));
}

/* Shutdown: stop listening (the panel drives no outputs). */
static void
panel_on_stop(struct proc *p)
{
	(void)p;
	for (int i = 0; i < PANEL_BUTTONS; i++) {
		if (panel_btn[i].ev)
			event_free(panel_btn[i].ev);
		panel_btn[i].ev = NULL;
	}
}

/* Listen to one button's line. */
static void
panel_add_button(struct proc *p, int button, struct gpio_line *line)
{
	struct panel_button	*pb = &panel_btn[button];

	pb->button = button;
	pb->line = line;
	pb->ev = event_new(p->base, gpio_line_fd(line), EV_READ | EV_PERSIST,
	    panel_line_cb, pb);
	if (pb->ev == NULL || event_add(pb->ev, NULL) == -1)
		fatalx("panel: cannot listen to %s", gpio_line_name(line));
}

/* The door switch's line, read once the panel's thread runs. */
static struct gpio_line	*panel_door;

/*
 * The door's level at start, read and sent from the panel's own thread
 * (an edge already handled first is not overwritten by an older level).
 */
static void
panel_start(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox	ob;
	int		open;

	(void)fd;
	(void)ev;
	if ((open = gpio_line_get(panel_door)) == -1)
		fatal("panel: reading %s", gpio_line_name(panel_door));
	outbox_init(&ob);
	panel_core_door(&panel, open, &ob);
	proc_send_outbox(arg, &ob);
}

/* Set up the panel thread: one edge event per button, no timer. */
void
panel_init(struct proc *p, const struct config *cf,
    struct gpio_line **select_lines, struct gpio_line *vend,
    struct gpio_line *door, struct gpio_line *ret)
{
	struct timeval	now = { 0, 0 };

	proc_init(p, PROC_PANEL, "panel", panel_dispatch);
	p->on_stop = panel_on_stop;
	panel_proc = p;
	panel_core_init(&panel, cf);
	memset(panel_btn, 0, sizeof(panel_btn));

	for (int i = 0; i < cf->nproducts; i++)
		if (select_lines[i])
			panel_add_button(p, i, select_lines[i]);
	if (vend)
		panel_add_button(p, PANEL_VEND, vend);
	if (ret)
		panel_add_button(p, PANEL_RETURN, ret);
	if (door) {
		panel_add_button(p, PANEL_DOOR, door);
		panel_door = door;
		if (event_base_once(p->base, -1, EV_TIMEOUT, panel_start, p,
		    &now) == -1)
			fatalx("panel: event_base_once");
	}
}
