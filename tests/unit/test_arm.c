/* arm core: relay run, drop sensor wait, retries, release, one report each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arm.h"
#include "config.h"
#include "msg.h"
#include "testutil.h"

/* Set, not defaulted: an 8 s drop window (Royal), 3 retries (Seaga). */
#define RUN		1500
#define DROP_WAIT	8000
#define RETRIES		3
#define DROP_MIN	2	/* the default: shorter breaks are noise */

static struct config	cf;
static struct arm_core	a;
static uint64_t		t;		/* fake clock */

/* Everything the core sent to the ledger during a test, in order. */
static struct {
	int		n;
	struct msg_out	m[32];
} sent;
/* What it told sales: MSG_ARM_BLOCKED on and off, in order. */
static int	blocked_told[8], nblocked_told;

/* Copy one step's outbox to the record. */
static void
record(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		if (ob->m[i].hdr.type == MSG_ARM_BLOCKED) {
			assert_int_equal(ob->dst[i], PROC_SALES);
			assert_true(nblocked_told < 8);
			blocked_told[nblocked_told++] = (int)ob->m[i].u.flag.on;
			continue;
		}
		assert_true(sent.n < 32);
		assert_int_equal(ob->dst[i], PROC_LEDGER);
		assert_int_equal(ob->m[i].hdr.type, MSG_ARM_DONE);
		sent.m[sent.n++] = ob->m[i];
	}
}

/* Run the timer as the shell would: tick at each deadline up to `to`. */
static void
advance(uint64_t to)
{
	struct outbox	ob;
	uint64_t	d;

	while ((d = arm_core_deadline(&a)) != 0 && d <= to) {
		outbox_init(&ob);
		arm_core_tick(&a, d, &ob);
		record(&ob);
		assert_true(arm_core_deadline(&a) != d);	/* no busy loop */
	}
	t = to;
}

/* The ledger's dispense of product 2, vend 7, at 1.50. */
static void
dispense(void)
{
	struct msg_vend	v = { .vend_id = 7, .product = 2, .price = 150 };
	struct outbox	ob;

	outbox_init(&ob);
	arm_core_dispense(&a, &v, t, &ob);
	record(&ob);
}

/* A drop sensor edge stamped ts (active: beam broken), read now. */
static void
edge_at(uint64_t ts, int active)
{
	struct outbox	ob;

	advance(t);
	outbox_init(&ob);
	arm_core_drop(&a, ts, active, &ob);
	record(&ob);
}

/* The beam was broken at ts, read now. */
static void
drop_at(uint64_t ts)
{
	edge_at(ts, 1);
}

/* The beam is broken now. */
static void
drop(void)
{
	drop_at(t);
}

/* Shutdown now. */
static void
abort_now(void)
{
	struct outbox	ob;

	outbox_init(&ob);
	arm_core_abort(&a, &ob);
	record(&ob);
}

/* Everything released and idle. */
static void
assert_released(void)
{
	assert_int_equal(a.phase, ARM_IDLE);
	assert_int_equal(arm_core_relay(&a), 0);
	assert_int_equal(arm_core_slot(&a), -1);
	assert_int_equal(arm_core_deadline(&a), 0);
}

/* The one report: vend 7, product 2, 1.50, the outcome and attempts. */
static void
assert_done(int ok, uint32_t attempts)
{
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].u.vend.vend_id, 7);
	assert_int_equal(sent.m[0].u.vend.product, 2);
	assert_int_equal(sent.m[0].u.vend.price, 150);
	assert_int_equal(sent.m[0].u.vend.ok, ok);
	assert_int_equal(sent.m[0].u.vend.attempts, attempts);
}

/*
 * A fresh idle core, with or without a drop sensor. The cycle's tests judge
 * every break at once (drop_min_ms 0); the noise tests set DROP_MIN.
 */
static void
start(int has_drop)
{
	config_defaults(&cf);
	cf.arm.run_ms = RUN;
	cf.arm.drop_timeout_ms = DROP_WAIT;
	cf.arm.drop_min_ms = 0;
	cf.arm.retries = RETRIES;
	arm_core_init(&a, &cf, has_drop);
	memset(&sent, 0, sizeof(sent));
	nblocked_told = 0;
	t = SEC(100);
}

static int
setup_drop(void **state)
{
	(void)state;
	start(1);
	return 0;
}

static int
setup_nodrop(void **state)
{
	(void)state;
	start(0);
	return 0;
}

/* No sensor: slot and relay on for exactly run_ms, then success. */
static void
test_no_sensor(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	assert_released();
	dispense();
	assert_int_equal(arm_core_relay(&a), 1);
	assert_int_equal(arm_core_slot(&a), 2);
	assert_int_equal(arm_core_deadline(&a), t0 + MS(RUN));
	advance(t0 + MS(RUN) - 1);
	assert_int_equal(arm_core_relay(&a), 1);
	assert_int_equal(sent.n, 0);
	advance(t0 + MS(RUN));
	assert_done(1, 1);
	assert_released();
}

/* Drop during the run: success when the run ends, not before. */
static void
test_drop_during_run(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	dispense();
	advance(t + MS(900));
	drop();
	assert_int_equal(sent.n, 0);
	assert_int_equal(arm_core_relay(&a), 1);	/* the run completes */
	advance(t0 + MS(RUN));
	assert_done(1, 1);
	assert_released();
}

/* Drop during the wait: success at once, relay already off. */
static void
test_drop_during_wait(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	dispense();
	advance(t0 + MS(RUN));
	assert_int_equal(a.phase, ARM_WAIT_DROP);
	assert_int_equal(arm_core_relay(&a), 0);
	assert_int_equal(arm_core_slot(&a), 2);
	assert_int_equal(arm_core_deadline(&a), t0 + MS(RUN + DROP_WAIT));
	advance(t + MS(3000));
	drop();
	assert_done(1, 1);
	assert_released();
}

/*
 * The product never drops: retries + 1 attempts, each run_ms of relay and
 * drop_timeout_ms of waiting with the relay off; the slot is held all along.
 */
static void
test_never_drops(void **state)
{
	uint64_t	t0 = t, a0;

	(void)state;
	dispense();
	for (uint32_t k = 1; k <= RETRIES + 1; k++) {
		a0 = t0 + (k - 1) * MS(RUN + DROP_WAIT);
		advance(a0);
		assert_int_equal(a.attempt, k);
		assert_int_equal(arm_core_relay(&a), 1);
		assert_int_equal(arm_core_slot(&a), 2);
		advance(a0 + MS(RUN) - 1);
		assert_int_equal(arm_core_relay(&a), 1);
		advance(a0 + MS(RUN));
		assert_int_equal(arm_core_relay(&a), 0);
		assert_int_equal(arm_core_slot(&a), 2);
		if (k <= RETRIES) {
			advance(a0 + MS(RUN + DROP_WAIT) - 1);
			assert_int_equal(sent.n, 0);
			assert_int_equal(arm_core_slot(&a), 2);
		}
	}
	advance(t0 + (RETRIES + 1) * MS(RUN + DROP_WAIT) - 1);
	assert_int_equal(sent.n, 0);
	advance(t + 1);
	assert_done(0, RETRIES + 1);
	assert_released();
}

/* A drop that comes on the second attempt succeeds with 2 attempts. */
static void
test_drop_on_retry(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	dispense();
	advance(t0 + MS(RUN + DROP_WAIT));	/* first attempt failed */
	assert_int_equal(a.attempt, 2);
	assert_int_equal(a.dropped, 0);
	advance(t + MS(500));
	drop();
	advance(t + SEC(60));
	assert_done(1, 2);
	assert_released();
}

/* No retries configured: one attempt, then failure. */
static void
test_no_retries(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	cf.arm.retries = 0;
	dispense();
	advance(t0 + MS(RUN + DROP_WAIT));
	assert_done(0, 1);
	assert_released();
}

/* The beam broken while idle (a hand in the tray) does nothing. */
static void
test_drop_idle(void **state)
{
	(void)state;
	drop();
	assert_int_equal(sent.n, 0);
	assert_released();
	advance(t + MS(400));
	edge_at(t, 0);			/* the hand leaves */
	/* and is not remembered for the next vend */
	dispense();
	advance(t + MS(RUN));
	assert_int_equal(a.phase, ARM_WAIT_DROP);
	assert_int_equal(sent.n, 0);
}

/*
 * An abort mid-cycle before a drop releases everything and reports the vend
 * stopped (its credit restored), once.
 */
static void
test_abort(void **state)
{
	(void)state;
	dispense();
	advance(t + MS(700));
	abort_now();
	assert_released();
	assert_done(0, 1);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_STOPPED);
	advance(t + SEC(120));
	assert_int_equal(sent.n, 1);

	start(1);		/* and during a drop wait */
	dispense();
	advance(t + MS(RUN + 100));
	abort_now();
	assert_released();
	drop();
	advance(t + SEC(120));
	assert_done(0, 1);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_STOPPED);
}

/*
 * Shutdown after the product dropped but before the run ended: the customer
 * has it, so the vend is reported done once, and nothing follows.
 */
static void
test_abort_after_drop(void **state)
{
	(void)state;
	dispense();
	advance(t + MS(900));
	drop();
	assert_int_equal(sent.n, 0);
	abort_now();
	assert_done(1, 1);
	assert_released();
	abort_now();		/* idle: nothing more */
	advance(t + SEC(120));
	assert_int_equal(sent.n, 1);

	/* A drop on the second attempt, then shutdown: done, 2 attempts. */
	start(1);
	dispense();
	advance(t + MS(RUN + DROP_WAIT + 200));
	assert_int_equal(a.attempt, 2);
	drop();
	abort_now();
	assert_done(1, 2);
	assert_released();

	/* No drop sensor: nothing saw a product: stopped, refunded. */
	start(0);
	dispense();
	advance(t + MS(700));
	abort_now();
	assert_done(0, 1);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_STOPPED);
}

/*
 * Fault 3 of issue 14: the beam was broken before the vend (a product stuck
 * in the tray) and gives no new edge. The motor must not run (it would run
 * retries + 1 times and could drop several products): the vend fails at
 * once, dispensing is blocked, and it resumes once the beam has been clear
 * for ARM_CLEAR_MS.
 */
static void
test_beam_broken_at_dispense(void **state)
{
	uint64_t	cleared;

	(void)state;
	edge_at(t, 1);			/* stuck in the tray, long ago */
	advance(t + SEC(30));
	dispense();
	assert_int_equal(arm_core_relay(&a), 0);
	assert_released();
	assert_done(0, 0);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_BEAM_BLOCKED);
	assert_int_equal(nblocked_told, 1);
	assert_int_equal(blocked_told[0], 1);
	assert_int_equal(a.blocked, 1);

	/* a hand lifts the product: clear, then broken again for a moment */
	advance(t + SEC(5));
	edge_at(t, 0);
	assert_int_equal(arm_core_deadline(&a), t + MS(ARM_CLEAR_MS));
	advance(t + MS(300));
	edge_at(t, 1);
	assert_int_equal(arm_core_deadline(&a), 0);
	advance(t + MS(200));
	edge_at(t, 0);
	cleared = t;
	advance(cleared + MS(ARM_CLEAR_MS) - 1);
	assert_int_equal(a.blocked, 1);
	advance(cleared + MS(ARM_CLEAR_MS));
	assert_int_equal(a.blocked, 0);
	assert_int_equal(nblocked_told, 2);
	assert_int_equal(blocked_told[1], 0);

	/* the next vend runs */
	memset(&sent, 0, sizeof(sent));
	dispense();
	assert_int_equal(arm_core_relay(&a), 1);
}

/* Broken at start-up: blocked before any customer pays. */
static void
test_beam_broken_at_start(void **state)
{
	struct outbox	ob;

	(void)state;
	edge_at(t, 1);			/* the shell's reading of the line */
	outbox_init(&ob);
	arm_core_start(&a, &ob);
	record(&ob);
	assert_int_equal(a.blocked, 1);
	assert_int_equal(nblocked_told, 1);

	start(1);			/* clear: nothing */
	outbox_init(&ob);
	arm_core_start(&a, &ob);
	assert_int_equal(ob.n, 0);
	assert_int_equal(a.blocked, 0);

	start(0);			/* no sensor: never blocked */
	edge_at(t, 1);
	dispense();
	assert_int_equal(arm_core_relay(&a), 1);
}

/* A stop request: now when idle, else after the attempt in progress. */
static void
stop_now(int expect_idle)
{
	assert_int_equal(arm_core_stop(&a), expect_idle);
}

/*
 * Fault 4 of issue 14: SIGTERM in the middle of a vend lets the attempt in
 * progress finish: a product that drops is sold, not refunded; one that
 * does not is refunded without a retry and without blaming the column.
 */
static void
test_stop_mid_vend(void **state)
{
	uint64_t	t0 = t;

	(void)state;
	stop_now(1);			/* idle: at once */
	start(1);
	t0 = t;
	dispense();
	advance(t0 + MS(700));
	stop_now(0);
	assert_int_equal(arm_core_relay(&a), 1);	/* the run goes on */
	advance(t0 + MS(RUN + 2000));
	drop();
	assert_done(1, 1);
	assert_released();

	/* no drop: the wait ends, no retry, refunded as stopped */
	start(1);
	t0 = t;
	dispense();
	advance(t0 + MS(RUN + 100));
	stop_now(0);
	advance(t0 + MS(RUN + DROP_WAIT));
	assert_done(0, 1);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_STOPPED);
	assert_released();

	/* a dispense that arrives while stopping does not run */
	memset(&sent, 0, sizeof(sent));
	dispense();
	assert_int_equal(arm_core_relay(&a), 0);
	assert_done(0, 0);
	assert_int_equal(sent.m[0].u.vend.why, VEND_WHY_STOPPED);
}

/*
 * An edge stamped before the dispense (a hand in the tray just before), read
 * after it: not this vend's product, whether read while running or waiting.
 */
static void
test_stale_drop(void **state)
{
	uint64_t	t0;

	(void)state;
	advance(t + SEC(5));
	t0 = t;
	dispense();
	advance(t0 + MS(10));
	drop_at(t0 - MS(20));
	assert_int_equal(a.dropped, 0);
	drop_at(t0 - 1);
	assert_int_equal(a.dropped, 0);
	advance(t0 + MS(RUN));
	assert_int_equal(a.phase, ARM_WAIT_DROP);	/* waits for the beam */
	drop_at(t0 - MS(5));
	assert_int_equal(sent.n, 0);
	assert_int_equal(a.phase, ARM_WAIT_DROP);
	/* An edge stamped at the dispense itself counts. */
	drop_at(t0);
	assert_done(1, 1);
	assert_released();

	/* An edge from attempt 1's wait, read in attempt 2, is this vend's. */
	start(1);
	t0 = t;
	dispense();
	advance(t0 + MS(RUN + DROP_WAIT));
	assert_int_equal(a.attempt, 2);
	drop_at(t0 + MS(RUN + DROP_WAIT) - MS(3));
	assert_int_equal(a.dropped, 1);
	advance(t + SEC(60));
	assert_done(1, 2);
}

/* Back-to-back vends: exactly one ARM_DONE each, with its own vend id. */
static void
test_one_done_each(void **state)
{
	struct msg_vend	v = { .vend_id = 8, .product = 0, .price = 100 };
	struct outbox	ob;

	(void)state;
	dispense();
	advance(t + MS(RUN));
	drop();
	drop();			/* the beam flickers as the can rolls */
	edge_at(t + MS(20), 0);	/* and it has passed */
	assert_int_equal(sent.n, 1);
	outbox_init(&ob);
	arm_core_dispense(&a, &v, t, &ob);
	record(&ob);
	assert_int_equal(arm_core_slot(&a), 0);
	drop();
	advance(t + SEC(60));
	assert_int_equal(sent.n, 2);
	assert_int_equal(sent.m[1].u.vend.vend_id, 8);
	assert_int_equal(sent.m[1].u.vend.product, 0);
	assert_int_equal(sent.m[1].u.vend.ok, 1);
	assert_released();
}

/* The default: a break counts once it has lasted drop_min_ms. */
static int
setup_min(void **state)
{
	(void)state;
	start(1);
	cf.arm.drop_min_ms = DROP_MIN;
	return 0;
}

/*
 * Spikes on the line (shorter than drop_min_ms) are noise, during the run
 * and during the wait: counted, never a drop, so the wait runs out and the
 * arm tries again; a real break in attempt 2 is the sale.
 */
static void
test_spike_is_noise(void **state)
{
	uint64_t	t0 = t, b;

	(void)state;
	dispense();
	advance(t0 + MS(100));
	edge_at(t, 1);
	edge_at(t + MS(1), 0);
	assert_int_equal(a.spikes, 1);
	advance(t0 + MS(RUN));
	assert_int_equal(a.phase, ARM_WAIT_DROP);	/* not dropped */
	advance(t + MS(2000));
	edge_at(t, 1);
	assert_int_equal(arm_core_deadline(&a), t + MS(DROP_MIN));
	edge_at(t + MS(DROP_MIN) - 1, 0);		/* 1 ns short */
	assert_int_equal(a.spikes, 2);
	assert_int_equal(sent.n, 0);
	assert_int_equal(arm_core_deadline(&a), t0 + MS(RUN + DROP_WAIT));
	advance(t0 + MS(RUN + DROP_WAIT));
	assert_int_equal(a.attempt, 2);
	assert_int_equal(arm_core_relay(&a), 1);
	b = t + MS(RUN + 500);
	advance(b);
	edge_at(b, 1);
	assert_int_equal(sent.n, 0);			/* not yet judged */
	advance(b + MS(DROP_MIN));
	assert_done(1, 2);
	assert_released();
}

/*
 * A spike the kernel could not time comes out as one edge named active; the
 * shell reads the line clear when the break is due and says so: noise.
 */
static void
test_glitch_is_noise(void **state)
{
	uint64_t	t0 = t, b;

	(void)state;
	dispense();
	advance(t0 + MS(RUN + 100));
	b = t;
	edge_at(b, 1);
	t = b + MS(DROP_MIN);
	assert_true(arm_core_beam_due(&a, t));
	arm_core_glitch(&a, t);
	assert_int_equal(a.spikes, 1);
	assert_false(arm_core_beam_due(&a, t));
	advance(t + MS(1000));
	assert_int_equal(sent.n, 0);
	assert_int_equal(a.phase, ARM_WAIT_DROP);	/* still waiting */
	arm_core_glitch(&a, t);			/* no break: nothing */
	assert_int_equal(a.spikes, 1);
}

/* A break whose end is read before its timer fired still counts. */
static void
test_break_read_late(void **state)
{
	uint64_t	t0 = t, b;

	(void)state;
	dispense();
	advance(t0 + MS(RUN + 1000));
	b = t;
	edge_at(b, 1);
	t = b + MS(40);				/* the thread was late */
	edge_at(b + MS(30), 0);
	assert_done(1, 1);
	assert_released();
	assert_int_equal(a.spikes, 0);
}

/*
 * A break that begins just before the wait ends holds the end until it is
 * judged: a product falling then is a sale, not a retry (which would run
 * the motor again and could drop a second one).
 */
static void
test_break_holds_wait_end(void **state)
{
	uint64_t	t0 = t, end = t0 + MS(RUN + DROP_WAIT);

	(void)state;
	dispense();
	advance(end - MS(1));
	edge_at(t, 1);
	assert_int_equal(arm_core_deadline(&a), end - MS(1) + MS(DROP_MIN));
	advance(end);
	assert_int_equal(a.attempt, 1);
	assert_int_equal(arm_core_relay(&a), 0);	/* no retry yet */
	advance(end + MS(5));
	assert_done(1, 1);
	assert_released();

	/* and a spike there lets the wait end: the retry follows at once */
	setup_min(NULL);
	t0 = t;
	end = t0 + MS(RUN + DROP_WAIT);
	dispense();
	advance(end - MS(1));
	edge_at(t, 1);
	advance(end);
	assert_int_equal(a.attempt, 1);
	t = end + MS(1) / 2;
	edge_at(t, 0);				/* 1.5 ms after: a spike */
	assert_int_equal(a.spikes, 1);
	assert_int_equal(arm_core_deadline(&a), end);	/* overdue now */
	advance(t);
	assert_int_equal(a.attempt, 2);
	assert_int_equal(arm_core_relay(&a), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_sensor, setup_nodrop),
		cmocka_unit_test_setup(test_drop_during_run, setup_drop),
		cmocka_unit_test_setup(test_drop_during_wait, setup_drop),
		cmocka_unit_test_setup(test_never_drops, setup_drop),
		cmocka_unit_test_setup(test_drop_on_retry, setup_drop),
		cmocka_unit_test_setup(test_no_retries, setup_drop),
		cmocka_unit_test_setup(test_drop_idle, setup_drop),
		cmocka_unit_test_setup(test_abort, setup_drop),
		cmocka_unit_test_setup(test_abort_after_drop, setup_drop),
		cmocka_unit_test_setup(test_beam_broken_at_dispense, setup_drop),
		cmocka_unit_test_setup(test_beam_broken_at_start, setup_drop),
		cmocka_unit_test_setup(test_stop_mid_vend, setup_drop),
		cmocka_unit_test_setup(test_stale_drop, setup_drop),
		cmocka_unit_test_setup(test_one_done_each, setup_drop),
		cmocka_unit_test_setup(test_spike_is_noise, setup_min),
		cmocka_unit_test_setup(test_glitch_is_noise, setup_min),
		cmocka_unit_test_setup(test_break_read_late, setup_min),
		cmocka_unit_test_setup(test_break_holds_wait_end, setup_min),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
