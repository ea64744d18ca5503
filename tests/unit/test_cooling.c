/*
 * cooling core with a fake clock: parsing, hysteresis, start delay, min off,
 * min on, sensor faults and the fallback duty cycle. Values from
 * vending-practice.md: setpoint 50 F (10 C), differential 3 F, min off 180 s,
 * min on 150 s, start delay 150 s, fault duty 5 min on / 32 min off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cooling.h"
#include "msg.h"
#include "testutil.h"

#define SETPOINT	10000		/* 50 F */
#define DIFF		1667		/* 3 F as a delta */
#define START_AT	(SETPOINT + DIFF)
#define T0		SEC(1000)	/* boot: the monotonic clock is not 0 */

static struct cooling_conf	cf;
static struct cooling_core	c;
static struct outbox		ob;

static int
setup(void **state)
{
	(void)state;
	memset(&cf, 0, sizeof(cf));
	strcpy(cf.sensor, "/sys/bus/w1/devices/28-*/temperature");
	cf.setpoint_mc = SETPOINT;
	cf.differential_mc = DIFF;
	cf.sample_s = 30;
	cf.min_on_s = 150;
	cf.min_off_s = 180;
	cf.start_delay_s = 150;
	cf.fault_on_s = 300;
	cf.fault_off_s = 1920;
	cooling_core_init(&c, &cf, T0);
	return 0;
}

/* Seconds since boot on the fake clock. */
static uint64_t
at(uint64_t s)
{
	return T0 + SEC(s);
}

static void
reading(enum cool_sensor kind, int32_t mc, uint64_t s)
{
	outbox_init(&ob);
	cooling_core_reading(&c, kind, mc, at(s), &ob);
}

static void
temp(int32_t mc, uint64_t s)
{
	reading(COOL_SENSOR_OK, mc, s);
}

/* COOLING_FAULT_SAMPLES (3) bad samples 30 s apart, the last at s. */
static void
bad3(enum cool_sensor kind, uint64_t s)
{
	reading(kind, 0, s - 60);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 0);
	reading(kind, 0, s - 30);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 0);
	assert_int_equal(c.fault_mode, 0);
	reading(kind, 0, s);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 1);
	assert_int_equal(c.fault_mode, 1);
}

static void
tick(uint64_t s)
{
	outbox_init(&ob);
	cooling_core_tick(&c, at(s), &ob);
}

/* Exactly one start went to the ledger in this step. */
static void
assert_started(void)
{
	int	i = outbox_find(&ob, MSG_COOL_START);

	assert_true(i >= 0);
	assert_int_equal(outbox_count(&ob, MSG_COOL_START), 1);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(c.on, 1);
}

/* Exactly one stop went to the ledger, with the run time. */
static void
assert_stopped(uint32_t run_s)
{
	int	i = outbox_find(&ob, MSG_COOL_STOP);

	assert_true(i >= 0);
	assert_int_equal(outbox_count(&ob, MSG_COOL_STOP), 1);
	assert_int_equal(ob.dst[i], PROC_LEDGER);
	assert_int_equal(ob.m[i].u.cool.run_s, run_s);
	assert_int_equal(c.on, 0);
}

static void
assert_quiet(void)
{
	assert_int_equal(ob.n, 0);
}

static void
test_parse(void **state)
{
	static const struct {
		const char		*in;
		enum cool_sensor	 kind;
		int32_t			 mc;
	} t[] = {
		{ "4312\n", COOL_SENSOR_OK, 4312 },
		{ "4312", COOL_SENSOR_OK, 4312 },
		{ " 4312\n", COOL_SENSOR_OK, 4312 },
		{ "-5000\n", COOL_SENSOR_OK, -5000 },
		{ "0\n", COOL_SENSOR_OK, 0 },
		{ "-40000\n", COOL_SENSOR_OK, -40000 },
		{ "60000\n", COOL_SENSOR_OK, 60000 },
		{ "4312 \r\n", COOL_SENSOR_OK, 4312 },
		{ "85000\n", COOL_SENSOR_POWER_ON, 85000 },
		{ "85000", COOL_SENSOR_POWER_ON, 85000 },
		{ "-40001", COOL_SENSOR_OUT_OF_RANGE, -40001 },
		{ "60001", COOL_SENSOR_OUT_OF_RANGE, 60001 },
		{ "84999\n", COOL_SENSOR_OUT_OF_RANGE, 84999 },
		{ "127000\n", COOL_SENSOR_OUT_OF_RANGE, 127000 },
		{ "abc", COOL_SENSOR_GARBAGE, 0 },
		{ "", COOL_SENSOR_GARBAGE, 0 },
		{ "\n", COOL_SENSOR_GARBAGE, 0 },
		{ "-", COOL_SENSOR_GARBAGE, 0 },
		{ "12a", COOL_SENSOR_GARBAGE, 0 },
		{ "12 3\n", COOL_SENSOR_GARBAGE, 0 },
		{ "4.3\n", COOL_SENSOR_GARBAGE, 0 },
		{ "99999999999999999999\n", COOL_SENSOR_GARBAGE, 0 },
		{ "3000000000\n", COOL_SENSOR_GARBAGE, 0 },
		{ "t=4312\n", COOL_SENSOR_GARBAGE, 0 },
	};
	int32_t	mc;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mc = 12345;
		assert_int_equal(cooling_parse(t[i].in, strlen(t[i].in), &mc),
		    t[i].kind);
		if (t[i].kind == COOL_SENSOR_OK)
			assert_int_equal(mc, t[i].mc);
	}
	/* Not NUL-terminated, a NUL inside, longer than a w1 file can be. */
	assert_int_equal(cooling_parse("4312\n9999", 5, &mc), COOL_SENSOR_OK);
	assert_int_equal(mc, 4312);
	assert_int_equal(cooling_parse("43\0" "12\n", 6, &mc),
	    COOL_SENSOR_GARBAGE);
	{
		char	big[200];

		memset(big, ' ', sizeof(big));
		big[0] = '1';
		assert_int_equal(cooling_parse(big, sizeof(big), &mc),
		    COOL_SENSOR_GARBAGE);
	}
	assert_string_equal(cooling_sensor_name(COOL_SENSOR_MISSING),
	    "missing");
	assert_string_equal(cooling_sensor_name(COOL_SENSOR_OK), "ok");
}

static void
test_init(void **state)
{
	struct msg_status_cooling	st;

	(void)state;
	assert_int_equal(c.on, 0);
	assert_int_equal(c.fault_mode, 0);
	assert_int_equal(c.min_off_until, at(180));
	assert_int_equal(cooling_core_deadline(&c), 0);
	tick(180);
	assert_quiet();
	cooling_core_status(&c, &st);
	assert_int_equal(st.compressor, 0);
	assert_int_equal(st.fault_mode, 0);
	assert_int_equal(st.sensor, COOL_SENSOR_OK);

	/* A negative start delay counts as none: min off still holds. */
	cf.start_delay_s = -5;
	cooling_core_init(&c, &cf, T0);
	assert_int_equal(c.min_off_until, at(180));
}

/* Start at setpoint + differential, stop at setpoint, hold in between. */
static void
test_hysteresis(void **state)
{
	struct msg_status_cooling	st;

	(void)state;
	temp(START_AT - 1, 200);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(START_AT, 230);
	assert_started();
	assert_int_equal(c.min_on_until, at(380));
	temp(SETPOINT + 1, 400);
	assert_quiet();
	temp(START_AT + 5000, 430);
	assert_quiet();
	temp(SETPOINT + 1, 460);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(SETPOINT, 490);
	assert_stopped(260);
	assert_int_equal(c.min_off_until, at(670));
	/* Warming through the band does not start it. */
	temp(SETPOINT + 1, 700);
	temp(START_AT - 1, 730);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(START_AT + 1, 760);
	assert_started();
	cooling_core_status(&c, &st);
	assert_int_equal(st.compressor, 1);
	assert_int_equal(st.temperature_mc, START_AT + 1);
}

/* After power-up the compressor waits out the start delay (and min off). */
static void
test_start_delay(void **state)
{
	(void)state;
	cf.start_delay_s = 240;
	cooling_core_init(&c, &cf, T0);
	temp(20000, 0);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), at(240));
	temp(20000, 30);
	assert_quiet();
	outbox_init(&ob);
	cooling_core_tick(&c, at(240) - 1, &ob);
	assert_quiet();
	tick(240);
	assert_started();
	assert_int_equal(cooling_core_deadline(&c), 0);

	/* It cooled down during the delay: no start when it ends. */
	setup(NULL);
	temp(20000, 10);
	temp(9000, 40);
	assert_int_equal(cooling_core_deadline(&c), 0);
	tick(150);
	assert_quiet();
	assert_int_equal(c.on, 0);
}

/* A fast swing up after a stop starts exactly when min off ends. */
static void
test_min_off(void **state)
{
	(void)state;
	temp(20000, 200);
	assert_started();
	temp(9000, 400);
	assert_stopped(200);
	temp(20000, 410);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), at(580));
	temp(20000, 440);
	assert_quiet();
	outbox_init(&ob);
	cooling_core_tick(&c, at(580) - 1, &ob);
	assert_quiet();
	tick(580);
	assert_started();
	assert_int_equal(c.changed_at, at(580));
	assert_int_equal(cooling_core_deadline(&c), 0);
}

/* A fast swing down after a start stops exactly when min on ends. */
static void
test_min_on(void **state)
{
	(void)state;
	temp(20000, 200);
	assert_started();
	temp(5000, 205);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), at(350));
	tick(349);
	assert_quiet();
	tick(350);
	assert_stopped(150);
	assert_int_equal(cooling_core_deadline(&c), 0);

	/* It warmed up again before min on ended: it keeps running. */
	temp(20000, 600);
	assert_started();
	temp(5000, 610);
	temp(12000, 640);
	assert_int_equal(cooling_core_deadline(&c), 0);
	tick(750);
	assert_quiet();
	assert_int_equal(c.on, 1);
}

/*
 * With a display, the customer is told when the cabinet may not be cold
 * (the sensor failed) and when it is again; without one, nothing is sent.
 */
static void
test_fault_shown(void **state)
{
	int	i;

	(void)state;
	setup(NULL);
	c.tell_display = 1;
	temp(5000, 200);
	reading(COOL_SENSOR_MISSING, 0, 230);
	reading(COOL_SENSOR_MISSING, 0, 260);
	assert_int_equal(outbox_find(&ob, MSG_SHOW), -1);
	reading(COOL_SENSOR_MISSING, 0, 290);
	assert_true((i = outbox_find(&ob, MSG_SHOW)) >= 0);
	assert_int_equal(ob.dst[i], PROC_DISPLAY);
	assert_int_equal(ob.m[i].u.show.event, SHOW_COOLING);
	assert_int_equal(ob.m[i].u.show.on, 0);
	temp(5000, 320);
	assert_true((i = outbox_find(&ob, MSG_SHOW)) >= 0);
	assert_int_equal(ob.m[i].u.show.on, 1);
	setup(NULL);
	temp(5000, 200);
	for (int t = 230; t <= 290; t += 30)
		reading(COOL_SENSOR_MISSING, 0, (uint64_t)t);
	assert_int_equal(c.fault_mode, 1);
	assert_int_equal(outbox_find(&ob, MSG_SHOW), -1);
}

/*
 * Each kind enters fault mode on the 3rd bad sample in a row, counted once;
 * later bad samples are not counted.
 */
static void
test_fault_kinds(void **state)
{
	static const enum cool_sensor kinds[] = {
		COOL_SENSOR_MISSING, COOL_SENSOR_UNREADABLE,
		COOL_SENSOR_GARBAGE, COOL_SENSOR_OUT_OF_RANGE,
		COOL_SENSOR_POWER_ON,
	};
	struct msg_status_cooling	st;

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int	i, faults = 0;

		setup(NULL);
		temp(5000, 200);
		reading(kinds[k], 0, 230);
		assert_quiet();
		reading(kinds[k], 0, 260);
		assert_quiet();
		assert_int_equal(c.fault_mode, 0);
		reading(kinds[k], 0, 290);
		i = outbox_find(&ob, MSG_COOL_SENSOR_FAULT);
		assert_true(i >= 0);
		assert_int_equal(ob.dst[i], PROC_LEDGER);
		assert_int_equal(ob.m[i].u.cool.kind, kinds[k]);
		assert_int_equal(c.fault_mode, 1);
		cooling_core_status(&c, &st);
		assert_int_equal(st.fault_mode, 1);
		assert_int_equal(st.sensor, kinds[k]);
		assert_int_equal(st.temperature_mc, 5000);	/* last good */
		for (int n = 0; n < 10; n++) {
			reading(kinds[(k + n) % 5], 0, 320 + 30 * n);
			faults += outbox_count(&ob, MSG_COOL_SENSOR_FAULT);
		}
		assert_int_equal(faults, 0);
		assert_int_equal(c.sensor, kinds[(k + 9) % 5]);
	}
}

/* Off when the fault comes: off for fault_off_s, then 300 on / 1920 off. */
static void
test_duty_from_off(void **state)
{
	uint64_t	t;

	(void)state;
	temp(20000, 200);
	assert_started();
	temp(9000, 1000);
	assert_stopped(800);
	bad3(COOL_SENSOR_UNREADABLE, 1160);
	assert_int_equal(c.on, 0);
	t = 1000 + 1920;
	assert_int_equal(cooling_core_deadline(&c), at(t));
	for (int cycle = 0; cycle < 3; cycle++) {
		tick(t - 1);
		assert_quiet();
		reading(COOL_SENSOR_UNREADABLE, 0, t - 1);
		assert_quiet();
		tick(t);
		assert_started();
		assert_int_equal(cooling_core_deadline(&c), at(t + 300));
		tick(t + 300);
		assert_stopped(300);
		t += 300 + 1920;
		assert_int_equal(cooling_core_deadline(&c), at(t));
	}
}

/* On when the fault comes: the on phase counts from the start. */
static void
test_duty_from_on(void **state)
{
	(void)state;
	temp(20000, 200);
	assert_started();
	reading(COOL_SENSOR_POWER_ON, 85000, 250);
	reading(COOL_SENSOR_POWER_ON, 85000, 280);
	reading(COOL_SENSOR_POWER_ON, 85000, 310);
	assert_int_equal(c.fault_mode, 1);
	assert_int_equal(c.on, 1);
	assert_int_equal(cooling_core_deadline(&c), at(500));
	tick(500);
	assert_stopped(300);
	assert_int_equal(cooling_core_deadline(&c), at(500 + 1920));

	/* Off long enough already: the fault starts it at once. */
	setup(NULL);
	temp(5000, 200);
	bad3(COOL_SENSOR_MISSING, 5060);
	assert_started();
	assert_int_equal(cooling_core_deadline(&c), at(5360));

	/* A fault at power-up: the off phase and the start delay from boot. */
	setup(NULL);
	bad3(COOL_SENSOR_MISSING, 60);
	assert_int_equal(c.on, 0);
	assert_int_equal(cooling_core_deadline(&c), at(1920));
}

/* A duty shorter than the protection still respects min on and min off. */
static void
test_duty_respects_protection(void **state)
{
	(void)state;
	cf.fault_on_s = 60;
	cf.fault_off_s = 90;
	temp(20000, 200);
	assert_started();
	bad3(COOL_SENSOR_GARBAGE, 270);
	assert_int_equal(cooling_core_deadline(&c), at(350));	/* min on */
	tick(300);
	assert_quiet();
	tick(350);
	assert_stopped(150);
	assert_int_equal(cooling_core_deadline(&c), at(530));	/* min off */
	tick(440);
	assert_quiet();
	tick(530);
	assert_started();
}

/* A good sample ends fault mode; the thermostat decides again. */
static void
test_recovery(void **state)
{
	(void)state;
	temp(5000, 200);
	bad3(COOL_SENSOR_GARBAGE, 290);
	tick(1920);
	assert_started();
	/* Back, cold, but min on holds the compressor. */
	temp(9000, 2000);
	assert_int_equal(c.fault_mode, 0);
	assert_int_equal(c.sensor, COOL_SENSOR_OK);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 0);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), at(2070));
	tick(2070);
	assert_stopped(150);
	assert_int_equal(cooling_core_deadline(&c), 0);
	/* No duty toggle any more, only the thermostat. */
	tick(5000);
	assert_quiet();
	temp(START_AT, 5010);
	assert_started();

	/* A new fault after recovery is a new alarm. */
	bad3(COOL_SENSOR_MISSING, 5100);
	assert_int_equal(cooling_core_deadline(&c), at(5310));
}

/* Nothing pending: no deadline, so the thread sleeps between samples. */
static void
test_deadline_idle(void **state)
{
	(void)state;
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(5000, 200);
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(START_AT - 100, 230);
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(START_AT, 260);
	assert_started();
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(SETPOINT + 500, 600);
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(SETPOINT, 630);
	assert_stopped(370);
	assert_int_equal(cooling_core_deadline(&c), 0);
	temp(SETPOINT - 3000, 660);
	assert_int_equal(cooling_core_deadline(&c), 0);
}

/*
 * Single glitches (an EIO, an 85000) at 9.0 C with the setpoint at 10 C:
 * the thermostat keeps the last good reading, the compressor stays off, no
 * alarm, for an hour of samples.
 */
static void
test_glitch_keeps_thermostat(void **state)
{
	static const enum cool_sensor glitch[] = {
		COOL_SENSOR_UNREADABLE, COOL_SENSOR_POWER_ON,
		COOL_SENSOR_MISSING, COOL_SENSOR_GARBAGE,
		COOL_SENSOR_OUT_OF_RANGE,
	};
	struct msg_status_cooling	st;
	int				starts = 0, faults = 0;
	uint64_t			d;

	(void)state;
	temp(9000, 0);
	for (uint64_t s = 30, n = 0; s <= 3600; s += 30, n++) {
		/* good, bad, good, bad, bad, good, ...: never 3 in a row */
		enum cool_sensor k = glitch[(n + n / 5) % 5];

		if (n % 5 == 1 || n % 5 == 3 || n % 5 == 4)
			reading(k, k == COOL_SENSOR_POWER_ON ? 85000 : 0, s);
		else
			temp(9000, s);
		starts += outbox_count(&ob, MSG_COOL_START);
		faults += outbox_count(&ob, MSG_COOL_SENSOR_FAULT);
		if ((d = cooling_core_deadline(&c)) != 0 && d <= at(s + 30)) {
			outbox_init(&ob);
			cooling_core_tick(&c, d, &ob);
			starts += outbox_count(&ob, MSG_COOL_START);
		}
	}
	assert_int_equal(starts, 0);
	assert_int_equal(faults, 0);
	assert_int_equal(c.on, 0);
	assert_int_equal(c.fault_mode, 0);
	cooling_core_status(&c, &st);
	assert_int_equal(st.fault_mode, 0);

	/* A glitch while running does not stop it either. */
	temp(20000, 4000);
	assert_started();
	reading(COOL_SENSOR_UNREADABLE, 0, 4200);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), 0);
	tick(4300);
	assert_quiet();
	assert_int_equal(c.on, 1);
}

/* A good sample resets the count: bad, bad, good, bad, bad is no fault. */
static void
test_fault_count_resets(void **state)
{
	(void)state;
	temp(9000, 200);
	reading(COOL_SENSOR_UNREADABLE, 0, 230);
	reading(COOL_SENSOR_POWER_ON, 85000, 260);
	assert_quiet();
	temp(9000, 290);
	assert_quiet();
	reading(COOL_SENSOR_UNREADABLE, 0, 320);
	reading(COOL_SENSOR_UNREADABLE, 0, 350);
	assert_quiet();
	assert_int_equal(c.fault_mode, 0);
	/* Mixed kinds still count as one run; the alarm names the last. */
	reading(COOL_SENSOR_GARBAGE, 0, 380);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 1);
	assert_int_equal(ob.m[outbox_find(&ob, MSG_COOL_SENSOR_FAULT)]
	    .u.cool.kind, COOL_SENSOR_GARBAGE);
	assert_int_equal(c.fault_mode, 1);
}

/* No sensor at boot: never a good reading, and 3 bad samples are a fault. */
static void
test_fault_never_good(void **state)
{
	struct msg_status_cooling	st;

	(void)state;
	reading(COOL_SENSOR_MISSING, 0, 0);
	reading(COOL_SENSOR_MISSING, 0, 30);
	assert_quiet();
	assert_int_equal(c.fault_mode, 0);
	assert_int_equal(cooling_core_deadline(&c), 0);
	reading(COOL_SENSOR_MISSING, 0, 60);
	assert_int_equal(outbox_count(&ob, MSG_COOL_SENSOR_FAULT), 1);
	assert_int_equal(c.fault_mode, 1);
	assert_int_equal(c.on, 0);
	cooling_core_status(&c, &st);
	assert_int_equal(st.temperature_mc, MSG_TEMP_NONE);
	assert_int_equal(st.sensor, COOL_SENSOR_MISSING);
	assert_int_equal(cooling_core_deadline(&c), at(1920));
	tick(1920);
	assert_started();
}

/* Shutdown while running: the ledger gets the run time; while off, nothing. */
static void
test_stop(void **state)
{
	(void)state;
	temp(20000, 200);
	assert_started();
	outbox_init(&ob);
	cooling_core_stop(&c, at(290), &ob);	/* inside min on: off anyway */
	assert_stopped(90);
	assert_int_equal(ob.n, 1);
	outbox_init(&ob);
	cooling_core_stop(&c, at(300), &ob);
	assert_quiet();

	setup(NULL);
	outbox_init(&ob);
	cooling_core_stop(&c, at(10), &ob);
	assert_quiet();
	assert_int_equal(c.on, 0);
}

/*
 * A start of vendd may follow a stop of the compressor by seconds (a
 * restart, a crash and RestartSec=10s): whatever start_delay_s says, the
 * first start waits min_off_s too.
 */
static void
test_start_hold_covers_min_off(void **state)
{
	(void)state;
	cf.start_delay_s = 0;
	cooling_core_init(&c, &cf, T0);
	temp(20000, 0);
	assert_quiet();
	assert_int_equal(cooling_core_deadline(&c), at(180));
	tick(179);
	assert_quiet();
	tick(180);
	assert_started();

	/* The defaults: a start delay of 150 s still waits 180 s. */
	cf.start_delay_s = 150;
	cooling_core_init(&c, &cf, T0);
	temp(20000, 0);
	tick(170);
	assert_quiet();
	tick(180);
	assert_started();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_hysteresis, setup),
		cmocka_unit_test_setup(test_start_delay, setup),
		cmocka_unit_test_setup(test_start_hold_covers_min_off, setup),
		cmocka_unit_test_setup(test_min_off, setup),
		cmocka_unit_test_setup(test_min_on, setup),
		cmocka_unit_test_setup(test_fault_kinds, setup),
		cmocka_unit_test_setup(test_fault_shown, setup),
		cmocka_unit_test_setup(test_duty_from_off, setup),
		cmocka_unit_test_setup(test_duty_from_on, setup),
		cmocka_unit_test_setup(test_duty_respects_protection, setup),
		cmocka_unit_test_setup(test_recovery, setup),
		cmocka_unit_test_setup(test_deadline_idle, setup),
		cmocka_unit_test_setup(test_glitch_keeps_thermostat, setup),
		cmocka_unit_test_setup(test_fault_count_resets, setup),
		cmocka_unit_test_setup(test_fault_never_good, setup),
		cmocka_unit_test_setup(test_stop, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
