/* panel core: edges to presses; bounce, hold and chatter yield one press. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "msg.h"
#include "panel.h"
#include "testutil.h"

#define HOLD_OFF	50	/* ms a release must last; set, not defaulted */

enum { COLA, WATER, CHIPS };

static struct config	 cf;
static struct panel_core p;
static uint64_t		 t;		/* fake clock */

/* Everything the core sent during a test, in order. */
static struct {
	int		n;
	uint8_t		dst[64];
	struct msg_out	m[64];
} sent;

/* Copy one step's outbox to the record. */
static void
record(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		assert_true(sent.n < 64);
		assert_int_equal(ob->dst[i], PROC_SALES);
		sent.dst[sent.n] = ob->dst[i];
		sent.m[sent.n++] = ob->m[i];
	}
}

/* Time passes: the panel has no timer, so nothing may want to run. */
static void
advance(uint64_t to)
{
	assert_int_equal(panel_core_deadline(&p), 0);
	t = to;
}

/* One edge of a button at the current time. */
static void
edge(int button, int active)
{
	struct outbox	ob;

	advance(t);
	outbox_init(&ob);
	panel_core_edge(&p, button, active, t, &ob);
	record(&ob);
}

/* A clean push: down for ms, then released. */
static void
push(int button, unsigned ms)
{
	edge(button, 1);
	advance(t + MS(ms));
	edge(button, 0);
}

/* Presses sent so far of this button (PANEL_VEND for vend). */
static int
presses(int button)
{
	int	n = 0;

	for (int i = 0; i < sent.n; i++) {
		if (button == PANEL_VEND)
			n += sent.m[i].hdr.type == MSG_PANEL_VEND;
		else
			n += sent.m[i].hdr.type == MSG_PANEL_SELECT &&
			    sent.m[i].u.select.product == (uint32_t)button;
	}
	return n;
}

static int
setup(void **state)
{
	static const char *const ids[] = { "cola", "water", "chips" };

	(void)state;
	config_defaults(&cf);
	cf.panel.hold_off_ms = HOLD_OFF;
	cf.nproducts = 3;
	for (int i = 0; i < 3; i++)
		strcpy(cf.product[i].id, ids[i]);
	panel_core_init(&p, &cf);
	memset(&sent, 0, sizeof(sent));
	t = SEC(500);
	return 0;
}

/* One clean push is one press, sent at the active edge. */
static void
test_one_press(void **state)
{
	(void)state;
	edge(WATER, 1);
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_SELECT);
	assert_int_equal(sent.m[0].u.select.product, WATER);
	advance(t + MS(120));
	edge(WATER, 0);
	advance(t + SEC(1));
	assert_int_equal(sent.n, 1);
}

/* A bouncing contact: 10 edges in 5 ms are one press. */
static void
test_bounce(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++) {
		edge(COLA, i % 2 == 0);
		advance(t + MS(1) / 2);
	}
	edge(COLA, 1);		/* settles down */
	advance(t + MS(200));
	edge(COLA, 0);
	advance(t + SEC(1));
	assert_int_equal(sent.n, 1);
	assert_int_equal(presses(COLA), 1);
}

/* A button held for 5 s is one press, and nothing runs meanwhile. */
static void
test_held(void **state)
{
	(void)state;
	edge(CHIPS, 1);
	assert_int_equal(panel_core_deadline(&p), 0);	/* asleep while held */
	advance(t + SEC(5));
	edge(CHIPS, 0);
	advance(t + SEC(1));
	assert_int_equal(presses(CHIPS), 1);
	assert_int_equal(sent.n, 1);
}

/* Press, release for hold_off_ms, press again: two presses. */
static void
test_two_presses(void **state)
{
	(void)state;
	push(COLA, 100);
	advance(t + MS(HOLD_OFF));
	push(COLA, 100);
	assert_int_equal(presses(COLA), 2);
}

/* Re-pressed before hold_off_ms: chatter, still one press. */
static void
test_chatter(void **state)
{
	(void)state;
	push(COLA, 100);
	advance(t + MS(HOLD_OFF) - 1);
	push(COLA, 100);
	advance(t + MS(HOLD_OFF) - MS(1));
	push(COLA, 100);
	assert_int_equal(presses(COLA), 1);
	advance(t + MS(HOLD_OFF));
	push(COLA, 100);
	assert_int_equal(presses(COLA), 2);
}

/* An edge delivered late, before the timer ran, still counts as a new press. */
static void
test_late_edge(void **state)
{
	struct outbox	ob;

	(void)state;
	outbox_init(&ob);
	panel_core_edge(&p, WATER, 1, t, &ob);
	panel_core_edge(&p, WATER, 0, t + MS(80), &ob);
	panel_core_edge(&p, WATER, 1, t + MS(80 + HOLD_OFF), &ob);
	record(&ob);
	assert_int_equal(presses(WATER), 2);
}

/* The vend button sends MSG_PANEL_VEND; selections their product index. */
static void
test_vend_and_select(void **state)
{
	(void)state;
	push(CHIPS, 80);
	push(PANEL_VEND, 80);
	push(COLA, 80);
	assert_int_equal(sent.n, 3);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_SELECT);
	assert_int_equal(sent.m[0].u.select.product, CHIPS);
	assert_int_equal(sent.m[1].hdr.type, MSG_PANEL_VEND);
	assert_int_equal(sent.m[1].hdr.len, 0);
	assert_int_equal(sent.m[2].hdr.type, MSG_PANEL_SELECT);
	assert_int_equal(sent.m[2].u.select.product, COLA);
}

/* Buttons are independent: one held does not mask another. */
static void
test_independent(void **state)
{
	(void)state;
	edge(COLA, 1);
	advance(t + MS(10));
	push(PANEL_VEND, 50);
	advance(t + MS(10));
	edge(WATER, 1);
	assert_int_equal(presses(COLA), 1);
	assert_int_equal(presses(PANEL_VEND), 1);
	assert_int_equal(presses(WATER), 1);
}

/*
 * Idle means asleep: no deadline ever, not even after a release; whether a
 * release lasted hold_off_ms is decided by the next active edge alone.
 */
static void
test_asleep(void **state)
{
	struct outbox	ob;
	uint64_t	r;

	(void)state;
	assert_int_equal(panel_core_deadline(&p), 0);
	edge(COLA, 0);		/* a stray release changes nothing */
	assert_int_equal(panel_core_deadline(&p), 0);
	push(COLA, 100);
	r = t;
	assert_int_equal(panel_core_deadline(&p), 0);
	push(PANEL_VEND, 20);
	assert_int_equal(panel_core_deadline(&p), 0);
	/* A tick, even long after, sends nothing and settles nothing... */
	outbox_init(&ob);
	panel_core_tick(&p, r + SEC(10), &ob);
	assert_int_equal(ob.n, 0);
	assert_int_equal(panel_core_deadline(&p), 0);
	/* ...the edge does: released 10 s, so this is a new press. */
	t = r + SEC(10);
	edge(COLA, 1);
	assert_int_equal(presses(COLA), 2);
	assert_int_equal(panel_core_deadline(&p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_press, setup),
		cmocka_unit_test_setup(test_bounce, setup),
		cmocka_unit_test_setup(test_held, setup),
		cmocka_unit_test_setup(test_two_presses, setup),
		cmocka_unit_test_setup(test_chatter, setup),
		cmocka_unit_test_setup(test_late_edge, setup),
		cmocka_unit_test_setup(test_vend_and_select, setup),
		cmocka_unit_test_setup(test_independent, setup),
		cmocka_unit_test_setup(test_asleep, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
