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

static struct config	cf;
static struct arm_core	a;
static uint64_t		t;		/* fake clock */

/* Everything the core sent during a test, in order. */
static struct {
	int		n;
	struct msg_out	m[32];
} sent;

/* Copy one step's outbox to the record. */
static void
record(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
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

/* The beam was broken at ts, read now. */
static void
drop_at(uint64_t ts)
{
	struct outbox	ob;

	advance(t);
	outbox_init(&ob);
	arm_core_drop(&a, ts, &ob);
	record(&ob);
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

/* A fresh idle core, with or without a drop sensor. */
static void
start(int has_drop)
{
	config_defaults(&cf);
	cf.arm.run_ms = RUN;
	cf.arm.drop_timeout_ms = DROP_WAIT;
	cf.arm.retries = RETRIES;
	arm_core_init(&a, &cf, has_drop);
	memset(&sent, 0, sizeof(sent));
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
	/* and is not remembered for the next vend */
	dispense();
	advance(t + MS(RUN));
	assert_int_equal(a.phase, ARM_WAIT_DROP);
	assert_int_equal(sent.n, 0);
}

/* Shutdown mid-cycle before a drop releases everything and reports nothing. */
static void
test_abort(void **state)
{
	(void)state;
	dispense();
	advance(t + MS(700));
	abort_now();
	assert_released();
	advance(t + SEC(120));
	assert_int_equal(sent.n, 0);

	start(1);		/* and during a drop wait */
	dispense();
	advance(t + MS(RUN + 100));
	abort_now();
	assert_released();
	drop();
	advance(t + SEC(120));
	assert_int_equal(sent.n, 0);
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

	/* No drop sensor: nothing saw a product, so the ledger settles it. */
	start(0);
	dispense();
	advance(t + MS(700));
	abort_now();
	assert_int_equal(sent.n, 0);
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
		cmocka_unit_test_setup(test_stale_drop, setup_drop),
		cmocka_unit_test_setup(test_one_done_each, setup_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
