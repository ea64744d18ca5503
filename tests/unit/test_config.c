/*
 * The configuration: etc/vendd.ini loads as documented, the money and
 * temperature parsers are exact, and every kind of bad file is refused with
 * FILE:LINE: and a message naming the key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* A file holding text, in a fresh temp dir; the path goes in path. */
static void
write_temp(const char *text, char *path, size_t len)
{
	FILE	*fp;
	int	 fd;

	snprintf(path, len, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Load text as a config file; returns config_load's result. */
static int
load_text(const char *text, struct config *cfg, char *path, size_t plen,
    char *err, size_t elen)
{
	int	rc;

	write_temp(text, path, plen);
	rc = config_load(cfg, path, err, elen);
	unlink(path);
	return rc;
}

/* The sections every good file needs, with the smallest of values. */
#define COIN	"[coin]\nline = COIN\npulses_1 = 0.50\n"		/* 3 */
#define PANEL	"[panel]\nvend_line = VEND\n"				/* 2 */
#define ARM	"[arm]\nrelay_line = ARM\n"				/* 2 */
#define COOL	"[cooling]\ncompressor_line = COMPRESSOR\n"		/* 2 */
#define COLA	"[product cola]\nprice = 1.50\nselect_line = SELECT_A\n" /* 3 */
#define REST	PANEL ARM COOL COLA					/* 9 */

/* The documented default file loads with the values it documents. */
static void
test_reference_file(void **state)
{
	static struct config		 cfg;
	const struct line_conf		*lines[CONFIG_MAX_LINES];
	char				 err[512];
	int				 n, i, j;

	(void)state;
	assert_int_equal(config_load(&cfg, SRCDIR "/etc/vendd.ini", err,
	    sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.currency, "EUR");
	assert_int_equal(cfg.decimals, 2);
	assert_string_equal(cfg.state_dir, "/var/lib/vendd");
	assert_string_equal(cfg.control_socket, "/run/vendd/control.sock");
	assert_string_equal(cfg.control_group, "vendd-operators");
	assert_int_equal(cfg.compact_records, 4096);

	assert_string_equal(cfg.coin.line.name, "COIN");
	assert_int_equal(cfg.coin.line.active_low, 0);
	assert_int_equal(cfg.coin.line.bias, LINE_BIAS_AS_IS);
	assert_string_equal(cfg.coin.inhibit.name, "COIN_INHIBIT");
	assert_int_equal(cfg.coin.inhibit.output, 1);
	assert_int_equal(cfg.coin.pulse_min_ms, 20);
	assert_int_equal(cfg.coin.pulse_max_ms, 200);
	assert_int_equal(cfg.coin.train_gap_ms, 300);
	assert_int_equal(cfg.coin.max_credit, 1000);
	assert_int_equal(cfg.coin.value[1], 10);
	assert_int_equal(cfg.coin.value[2], 20);
	assert_int_equal(cfg.coin.value[3], 0);
	assert_int_equal(cfg.coin.value[5], 50);
	assert_int_equal(cfg.coin.value[10], 100);
	assert_int_equal(cfg.coin.value[20], 200);

	assert_string_equal(cfg.panel.vend.name, "VEND");
	assert_int_equal(cfg.panel.vend.active_low, 1);
	assert_int_equal(cfg.panel.vend.bias, LINE_BIAS_PULL_UP);
	assert_int_equal(cfg.panel.vend.debounce_ms, 10);
	assert_int_equal(cfg.panel.hold_off_ms, 50);

	assert_int_equal(cfg.nproducts, 4);
	assert_string_equal(cfg.product[0].id, "cola");
	assert_string_equal(cfg.product[0].label, "Cola 0.33l");
	assert_int_equal(cfg.product[0].price, 150);
	assert_int_equal(cfg.product[0].capacity, 10);
	assert_string_equal(cfg.product[0].select.name, "SELECT_A");
	assert_string_equal(cfg.product[0].select.key,
	    "[product cola] select_line");
	assert_int_equal(cfg.product[0].select.active_low, 1);
	assert_int_equal(cfg.product[0].select.bias, LINE_BIAS_PULL_UP);
	assert_int_equal(cfg.product[0].select.debounce_ms, 10);
	assert_string_equal(cfg.product[0].slot.name, "SLOT_A");
	assert_int_equal(cfg.product[0].slot.output, 1);
	assert_string_equal(cfg.product[1].id, "water");
	assert_int_equal(cfg.product[1].price, 100);
	assert_string_equal(cfg.product[2].id, "juice");
	assert_int_equal(cfg.product[2].price, 200);
	assert_string_equal(cfg.product[3].id, "tea");
	assert_int_equal(cfg.product[3].price, 180);
	assert_string_equal(cfg.product[3].select.name, "SELECT_D");
	assert_string_equal(cfg.product[3].slot.name, "SLOT_D");

	assert_string_equal(cfg.arm.relay.name, "ARM");
	assert_string_equal(cfg.arm.drop.name, "DROP");
	assert_int_equal(cfg.arm.run_ms, 1500);
	assert_int_equal(cfg.arm.drop_timeout_ms, 8000);
	assert_int_equal(cfg.arm.retries, 3);

	assert_string_equal(cfg.cooling.compressor.name, "COMPRESSOR");
	assert_string_equal(cfg.cooling.sensor,
	    "/sys/bus/w1/devices/28-*/temperature");
	assert_int_equal(cfg.cooling.setpoint_mc, 10000);
	assert_string_equal(cfg.cooling.setpoint_text, "50F");
	assert_int_equal(cfg.cooling.differential_mc, 1667);
	assert_int_equal(cfg.cooling.sample_s, 10);
	assert_int_equal(cfg.cooling.min_on_s, 150);
	assert_int_equal(cfg.cooling.min_off_s, 180);
	assert_int_equal(cfg.cooling.start_delay_s, 150);
	assert_int_equal(cfg.cooling.fault_on_s, 300);
	assert_int_equal(cfg.cooling.fault_off_s, 1920);

	/* coin, inhibit, vend, 4 selects, 4 slots, relay, drop, compressor
	 * (the door is left unwired) */
	n = config_lines(&cfg, lines, CONFIG_MAX_LINES);
	assert_int_equal(n, 14);
	for (i = 0; i < n; i++) {
		assert_true(lines[i]->lineno > 0);
		assert_true(lines[i]->key[0] == '[');
		for (j = 0; j < i; j++)
			assert_string_not_equal(lines[i]->name,
			    lines[j]->name);
	}
	assert_int_equal(config_lines(&cfg, lines, 3), 3);
}

/* The file documents the defaults: a file without them reads the same. */
static void
test_defaults_match_reference(void **state)
{
	static struct config	 ref, min, def;
	char			 path[64], err[512];

	(void)state;
	assert_int_equal(config_load(&ref, SRCDIR "/etc/vendd.ini", err,
	    sizeof(err)), 0);
	assert_int_equal(load_text(COIN REST, &min, path, sizeof(path), err,
	    sizeof(err)), 0);
	config_defaults(&def);
	assert_string_equal(min.currency, ref.currency);
	assert_int_equal(min.decimals, ref.decimals);
	assert_string_equal(min.state_dir, ref.state_dir);
	assert_string_equal(min.control_socket, ref.control_socket);
	assert_string_equal(min.control_group, ref.control_group);
	assert_int_equal(min.compact_records, ref.compact_records);
	assert_int_equal(min.coin.line.active_low, ref.coin.line.active_low);
	assert_int_equal(min.coin.line.bias, ref.coin.line.bias);
	assert_int_equal(min.coin.line.debounce_ms, ref.coin.line.debounce_ms);
	assert_int_equal(min.coin.pulse_min_ms, ref.coin.pulse_min_ms);
	assert_int_equal(min.coin.pulse_max_ms, ref.coin.pulse_max_ms);
	assert_int_equal(min.coin.train_gap_ms, ref.coin.train_gap_ms);
	assert_int_equal(min.coin.max_credit, ref.coin.max_credit);
	assert_int_equal(min.panel.vend.active_low, ref.panel.vend.active_low);
	assert_int_equal(min.panel.vend.bias, ref.panel.vend.bias);
	assert_int_equal(min.panel.vend.debounce_ms,
	    ref.panel.vend.debounce_ms);
	assert_int_equal(min.panel.hold_off_ms, ref.panel.hold_off_ms);
	assert_int_equal(min.arm.relay.active_low, ref.arm.relay.active_low);
	assert_int_equal(min.arm.slot_active_low, ref.arm.slot_active_low);
	assert_int_equal(min.arm.drop.active_low, ref.arm.drop.active_low);
	assert_int_equal(min.arm.drop.bias, ref.arm.drop.bias);
	assert_int_equal(min.arm.run_ms, ref.arm.run_ms);
	assert_int_equal(min.arm.drop_timeout_ms, ref.arm.drop_timeout_ms);
	assert_int_equal(min.arm.retries, ref.arm.retries);
	assert_string_equal(min.cooling.sensor, ref.cooling.sensor);
	assert_int_equal(min.cooling.setpoint_mc, ref.cooling.setpoint_mc);
	assert_int_equal(min.cooling.differential_mc,
	    ref.cooling.differential_mc);
	assert_int_equal(min.cooling.sample_s, ref.cooling.sample_s);
	assert_int_equal(min.cooling.min_on_s, ref.cooling.min_on_s);
	assert_int_equal(min.cooling.min_off_s, ref.cooling.min_off_s);
	assert_int_equal(min.cooling.start_delay_s, ref.cooling.start_delay_s);
	assert_int_equal(min.cooling.fault_on_s, ref.cooling.fault_on_s);
	assert_int_equal(min.cooling.fault_off_s, ref.cooling.fault_off_s);
	assert_int_equal(min.product[0].capacity, ref.product[0].capacity);
	/* the minimal file's optional lines are not wired */
	assert_string_equal(min.coin.inhibit.name, "");
	assert_string_equal(min.arm.drop.name, "");
	assert_string_equal(min.product[0].slot.name, "");
	assert_string_equal(min.product[0].label, "cola");
	assert_int_equal(def.nproducts, 0);
	assert_int_equal(def.coin.max_credit, 1000);
	assert_int_equal(def.cooling.setpoint_mc, 10000);
}

/* Sections come in any order: selects take [panel]'s settings at the end. */
static void
test_section_order(void **state)
{
	static struct config	 cfg;
	char			 path[64], err[512];

	(void)state;
	assert_int_equal(load_text(
	    "[product cola]\nprice = 0.999\nselect_line = SELECT_A\n"
	    "slot_line = SLOT_A\n"
	    "[arm]\nrelay_line = ARM\nslot_active_low = yes\n"
	    "[coin]\nline = COIN\npulses_1 = 0.5\nmax_credit = 5\n"
	    COOL
	    "[panel]\nvend_line = VEND\nactive_low = off\nbias = pull-down\n"
	    "debounce_ms = 3\n"
	    "[vendd]\ndecimals = 3\ncurrency = USD\n",
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(cfg.decimals, 3);
	assert_int_equal(cfg.product[0].price, 999);
	assert_int_equal(cfg.coin.value[1], 500);
	assert_int_equal(cfg.coin.max_credit, 5000);
	assert_int_equal(cfg.product[0].select.active_low, 0);
	assert_int_equal(cfg.product[0].select.bias, LINE_BIAS_PULL_DOWN);
	assert_int_equal(cfg.product[0].select.debounce_ms, 3);
	assert_int_equal(cfg.product[0].slot.active_low, 1);
	assert_string_equal(cfg.currency, "USD");
}

/* Indented keys, CRLF, '#' as text, any boolean spelling, CHIP:OFFSET. */
static void
test_lenient_forms(void **state)
{
	static struct config	 cfg;
	char			 path[64], err[512];

	(void)state;
	assert_int_equal(load_text(
	    "# comment\r\n[coin]\r\n  line = gpiochip0:17\r\n"
	    "\tpulses_1 = 0.10\r\n  active_low = TRUE\r\n"
	    "  inhibit_active_low = On\r\n  bias = Pull-Up\r\n"
	    REST
	    "[ product tea ]\nlabel=Iced tea\nprice=2\nselect_line=SELECT_D\n"
	    "[cooling ]\n",
	    &cfg, path, sizeof(path), err, sizeof(err)), -1);
	/* [cooling ] repeats [cooling]: the only error, on the last line */
	assert_non_null(strstr(err, ":21: duplicate section [cooling] "
	    "(first at line 12)"));
	assert_int_equal(load_text(
	    "# comment\r\n[coin]\r\n  line = gpiochip0:17\r\n"
	    "\tpulses_1 = 0.10\r\n  active_low = TRUE\r\n"
	    "  inhibit_active_low = On\r\n  bias = Pull-Up\r\n"
	    REST
	    "[ product tea ]\nlabel=Iced tea #2\nprice=2\n"
	    "select_line=SELECT_D\n",
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(cfg.coin.line.name, "gpiochip0:17");
	assert_int_equal(cfg.coin.line.lineno, 3);
	assert_int_equal(cfg.coin.value[1], 10);
	assert_int_equal(cfg.coin.line.active_low, 1);
	assert_int_equal(cfg.coin.inhibit.active_low, 1);
	assert_int_equal(cfg.coin.line.bias, LINE_BIAS_PULL_UP);
	assert_int_equal(cfg.nproducts, 2);
	assert_string_equal(cfg.product[1].id, "tea");
	assert_string_equal(cfg.product[1].label, "Iced tea #2");
	assert_int_equal(cfg.product[1].price, 200);
	assert_int_equal(cfg.product[1].lineno, 17);
}

struct money_case {
	const char	*text;
	int		 decimals;
	int		 rc;
	int64_t		 want;
};

/* Money is exact: no float, no sign, no exponent, not finer than decimals. */
static void
test_money(void **state)
{
	static const struct money_case cases[] = {
		{ "1.50", 2, 0, 150 },
		{ "1.5", 2, 0, 150 },
		{ "1", 2, 0, 100 },
		{ "0.10", 2, 0, 10 },
		{ "0.01", 2, 0, 1 },
		{ "2.00", 2, 0, 200 },
		{ "1.500", 2, 0, 150 },		/* zeros past decimals: exact */
		{ "007", 2, 0, 700 },
		{ "999999.99", 2, 0, 99999999 },
		{ "10", 0, 0, 10 },
		{ "10.0", 0, 0, 10 },
		{ "1.2345", 4, 0, 12345 },
		{ "0.001", 3, 0, 1 },
		{ "0", 2, 0, 0 },		/* the parser allows 0; the
						   loader refuses it */
		{ "1.505", 2, -1, 0 },
		{ "1.5", 0, -1, 0 },
		{ "-1.50", 2, -1, 0 },
		{ "+1.50", 2, -1, 0 },
		{ "1e3", 2, -1, 0 },
		{ "1,50", 2, -1, 0 },
		{ ".50", 2, -1, 0 },
		{ "1.", 2, -1, 0 },
		{ "", 2, -1, 0 },
		{ "abc", 2, -1, 0 },
		{ "1.50 EUR", 2, -1, 0 },
		{ " 1.50", 2, -1, 0 },
		{ "1000000", 2, -1, 0 },		/* above the maximum */
		{ "1.5", 5, -1, 0 },		/* decimals out of range */
		{ "1.5", -1, -1, 0 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t	v = -42;
		int	rc = config_parse_money(cases[i].text,
		    cases[i].decimals, &v);

		if (rc != cases[i].rc || (rc == 0 && v != cases[i].want))
			fail_msg("money \"%s\" decimals %d: rc %d value %lld",
			    cases[i].text, cases[i].decimals, rc,
			    (long long)v);
	}
}

/* Money back to text, as --check and log lines show it. */
static void
test_format_money(void **state)
{
	static const struct {
		int64_t		 v;
		int		 decimals;
		const char	*want;
	} cases[] = {
		{ 150, 2, "1.50" },
		{ 5, 2, "0.05" },
		{ 0, 2, "0.00" },
		{ 1000, 2, "10.00" },
		{ -150, 2, "-1.50" },
		{ 150, 0, "150" },
		{ 12345, 4, "1.2345" },
		{ 99999999, 2, "999999.99" },
	};
	char	buf[32];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		config_format_money(cases[i].v, cases[i].decimals, buf,
		    sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	config_format_money(150, 2, buf, 3);		/* truncates, no overrun */
	assert_string_equal(buf, "1.");
}

struct temp_case {
	const char	*text;
	int		 is_delta;
	int		 rc;
	int32_t		 want;
};

/* Temperatures to millidegrees C, F rounded to the nearest. */
static void
test_temp(void **state)
{
	static const struct temp_case cases[] = {
		{ "4C", 0, 0, 4000 },
		{ "4.5C", 0, 0, 4500 },
		{ "4", 0, 0, 4000 },
		{ "4.25", 0, 0, 4250 },
		{ "4c", 0, 0, 4000 },
		{ "39.2F", 0, 0, 4000 },
		{ "50F", 0, 0, 10000 },
		{ "37F", 0, 0, 2778 },		/* 2.7777... */
		{ "32F", 0, 0, 0 },
		{ "0F", 0, 0, -17778 },		/* -17.777...: away from 0 */
		{ "-18C", 0, 0, -18000 },
		{ "-0.5", 0, 0, -500 },
		{ "+3C", 0, 0, 3000 },
		{ "39.20f", 0, 0, 4000 },
		{ "1.0005C", 0, -1, 0 },	/* finer than a millidegree */
		{ "1.0000C", 0, 0, 1000 },
		{ "3F", 1, 0, 1667 },		/* a difference: no 32 */
		{ "1F", 1, 0, 556 },
		{ "15F", 1, 0, 8333 },
		{ "2C", 1, 0, 2000 },
		{ "2", 1, 0, 2000 },
		{ "-1F", 1, -1, 0 },		/* a difference has no sign */
		{ "", 0, -1, 0 },
		{ "C", 0, -1, 0 },
		{ "4 C", 0, -1, 0 },
		{ "4K", 0, -1, 0 },
		{ "4CC", 0, -1, 0 },
		{ "4.C", 0, -1, 0 },
		{ "abc", 0, -1, 0 },
		{ "10000C", 0, -1, 0 },		/* too many digits */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int32_t	v = -42;
		int	rc = config_parse_temp(cases[i].text, cases[i].is_delta,
		    &v);

		if (rc != cases[i].rc || (rc == 0 && v != cases[i].want))
			fail_msg("temp \"%s\" delta %d: rc %d value %d",
			    cases[i].text, cases[i].is_delta, rc, (int)v);
	}
}

struct bad_case {
	const char	*text;
	const char	*want;		/* after the file name */
};

/* Every class of error, each with the line and key it must name. */
static const struct bad_case bad_cases[] = {
	/* syntax */
	{ "[coin\n", ":1: section header without a closing ]" },
	{ COIN "garbage\n" REST, ":4: expected [section] or key = value" },
	{ "line = COIN\n" COIN REST, ":1: line: key outside any section" },
	/* sections */
	{ COIN "[foo]\n" REST, ":4: unknown section [foo] (expected [vendd]" },
	{ COIN REST "[coin]\n", ":13: duplicate section [coin] (first at "
	    "line 1)" },
	{ COIN REST "[product cola]\n", ":13: [product cola]: duplicate "
	    "product (first at line 10)" },
	{ COIN REST "[product Cola]\n", ":13: [product Cola]: the id must be "
	    "1 to 31 of a-z 0-9 _ -" },
	{ COIN REST "[product]\n", ":13: [product] needs an id" },
	/* unknown key */
	{ COIN "colour = red\n" REST, ":4: [coin] colour: unknown key (known: "
	    "line, active_low, bias" },
	{ COIN REST "size = 3\n", ":13: [product cola] size: unknown key" },
	{ COIN "pulses_21 = 5.00\n" REST, ":4: [coin] pulses_21: the pulse "
	    "count must be 1..20" },
	{ COIN "pulses_0 = 5.00\n" REST, ":4: [coin] pulses_0: the pulse "
	    "count must be 1..20" },
	/* bad values */
	{ COIN "pulse_min_ms = abc\n" REST, ":4: [coin] pulse_min_ms: \"abc\" "
	    "is not a whole number of milliseconds" },
	{ COIN "pulse_min_ms = 20ms\n" REST, ":4: [coin] pulse_min_ms: "
	    "\"20ms\" is not a whole number of milliseconds" },
	{ COIN "active_low = maybe\n" REST, ":4: [coin] active_low: \"maybe\" "
	    "is not a boolean (yes/no, true/false, on/off, 1/0)" },
	{ COIN "bias = up\n" REST, ":4: [coin] bias: \"up\" is not a bias "
	    "(as-is, pull-up, pull-down, disabled)" },
	{ COIN "max_credit = ten\n" REST, ":4: [coin] max_credit: \"ten\" is "
	    "not an amount of money (at most 6 digits before the point and 2 "
	    "after)" },
	{ COIN "pulses_2 = -0.20\n" REST, ":4: [coin] pulses_2: \"-0.20\" is "
	    "not an amount of money" },
	{ COIN REST "price = 1.505\n", ":13: [product cola] price: duplicate "
	    "key (first at line 11)" },
	{ "[coin]\nline = COIN\npulses_1 = 0.505\n" REST, ":3: [coin] "
	    "pulses_1: \"0.505\" has more digits after the point than [vendd] "
	    "decimals = 2" },
	{ COIN "[product cola]\nprice = 1.55\nselect_line = SELECT_A\n"
	    PANEL ARM COOL "[vendd]\ndecimals = 1\n", ":5: [product cola] "
	    "price: \"1.55\" has more digits after the point than [vendd] "
	    "decimals = 1" },
	{ "[vendd]\ndecimals = 1\n" COIN PANEL ARM COOL "[product cola]\n"
	    "price = 1.55\nselect_line = SELECT_A\n", ":13: [product cola] "
	    "price: \"1.55\" is not an amount of money (at most 6 digits "
	    "before the point and 1 after)" },
	{ "[vendd]\ncurrency = eur\n" COIN REST, ":2: [vendd] currency: "
	    "\"eur\" is not an ISO 4217 code like EUR" },
	{ "[vendd]\nstate_dir = var/lib\n" COIN REST, ":2: [vendd] "
	    "state_dir: \"var/lib\" is not an absolute path" },
	{ "[vendd]\ncontrol_group = a b\n" COIN REST, ":2: [vendd] "
	    "control_group: \"a b\" is not a group name" },
	{ COOL "setpoint = cold\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "setpoint: \"cold\" is not a temperature" },
	{ COOL "differential = -3F\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "differential: \"-3F\" is not a temperature difference" },
	/* out of range */
	{ "[vendd]\ndecimals = 5\n" COIN REST, ":2: [vendd] decimals: 5 is "
	    "out of range (0..4)" },
	{ COIN "pulse_min_ms = 0\n" REST, ":4: [coin] pulse_min_ms: 0 is out "
	    "of range (1..1000 milliseconds)" },
	{ "[vendd]\ncompact_records = 15\n" COIN REST, ":2: [vendd] "
	    "compact_records: 15 is out of range (16..65536 records)" },
	{ "[vendd]\ncompact_records = 65537\n" COIN REST, ":2: [vendd] "
	    "compact_records: 65537 is out of range (16..65536 records)" },
	{ "[vendd]\ncompact_records = 4k\n" COIN REST, ":2: [vendd] "
	    "compact_records: \"4k\" is not a whole number of records" },
	{ COIN "train_gap_ms = 99999999999999999999\n" REST, ":4: [coin] "
	    "train_gap_ms: 99999999999999999999 is out of range" },
	{ COIN REST "capacity = -1\n", ":13: [product cola] capacity: -1 is "
	    "out of range (0..10000)" },
	{ COOL "min_on_s = 0\n" COIN PANEL ARM COLA, ":3: [cooling] min_on_s: "
	    "0 is out of range (1..3600 seconds)" },
	{ COOL "min_off_s = 0\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "min_off_s: 0 is out of range (1..3600 seconds)" },
	{ COOL "sample_s = 0\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "sample_s: 0 is out of range (1..3600 seconds)" },
	{ COOL "setpoint = 99C\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "setpoint: 99C is out of range (-30.0C..30.0C)" },
	{ COOL "differential = 0F\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "differential: 0F is out of range (0.1C..10.0C)" },
	{ COOL "differential = 20F\n" COIN PANEL ARM COLA, ":3: [cooling] "
	    "differential: 20F is out of range" },
	{ COIN "[arm]\nrelay_line = ARM\nretries = 11\n" PANEL COOL COLA,
	    ":6: [arm] retries: 11 is out of range (0..10)" },
	/* duplicate key */
	{ COIN "line = COIN2\n" REST, ":4: [coin] line: duplicate key (first "
	    "at line 2)" },
	{ COIN "pulses_1 = 1.00\n" REST, ":4: [coin] pulses_1: duplicate key "
	    "(first at line 3)" },
	/* a GPIO line used twice */
	{ COIN REST "[product tea]\nprice = 1.80\nselect_line = SELECT_A\n",
	    ":15: [product tea] select_line: line SELECT_A is already used by "
	    "[product cola] select_line at line 12" },
	{ "[coin]\nline = COIN\ninhibit_line = VEND\npulses_1 = 1\n" REST,
	    ":6: [panel] vend_line: line VEND is already used by [coin] "
	    "inhibit_line at line 3" },
	{ COIN REST "slot_line = COMPRESSOR\n", ":13: [product cola] "
	    "slot_line: line COMPRESSOR is already used by [cooling] "
	    "compressor_line at line 9" },
	{ COIN "[panel]\nvend_line =\n" ARM COOL COLA, ":5: [panel] vend_line: "
	    "needs a GPIO line name" },
	/* missing required */
	{ COIN PANEL ARM COOL "[product cola]\nselect_line = SELECT_A\n",
	    ":10: [product cola]: price is required" },
	{ COIN PANEL ARM COOL "[product cola]\nprice = 1\n",
	    ":10: [product cola]: select_line is required" },
	{ COIN "[panel]\nhold_off_ms = 50\n" ARM COOL COLA,
	    ":4: [panel]: vend_line is required" },
	{ COIN PANEL ARM COLA, ": section [cooling] is missing (its "
	    "compressor_line is required)" },
	{ COIN PANEL ARM COOL, ": no [product ID] section: at least one "
	    "product is required" },
	{ "[coin]\nline = COIN\n" REST, ":1: [coin]: at least one pulses_N "
	    "value is required" },
	/* the display, the keypad, codes */
	{ COIN REST "[display]\ntype = oled\n", ":14: [display] type: "
	    "\"oled\" is not a display type (none, charlcd, terminal)" },
	{ COIN REST "[display]\ncredit = Credit\n", ":14: [display] credit: "
	    "\"Credit\": needs exactly one %s" },
	{ COIN REST "[display]\nprice = %s\n", ":14: [display] price: "
	    "\"%s\": needs exactly two %s (label, then price)" },
	{ COIN REST "[display]\ninsert = Insert %d coins\n", ":14: [display] "
	    "insert: \"Insert %d coins\": a % that is neither %s nor %%" },
	{ COIN REST "[display]\nsold_out = Sold %s\n", ":14: [display] "
	    "sold_out: \"Sold %s\": has %s, but this text takes no value" },
	{ COIN REST "[display]\ntake = Take \xff\n", ":14: [display] take: "
	    "\"Take \xff\": not valid UTF-8" },
	{ COIN REST "[display]\ncols = 41\n", ":14: [display] cols: 41 is out "
	    "of range (8..40 columns)" },
	{ COIN REST "[display]\ntype = charlcd\ndevice = lcd\n", ":15: "
	    "[display] device: \"lcd\" is not an absolute path" },
	{ COIN REST "[keypad]\nenter = KEY_ENTR\n", ":14: [keypad] enter: "
	    "\"KEY_ENTR\" is not a key name" },
	{ COIN REST "[keypad]\ndigits = KEY_0 KEY_1\n", ":14: [keypad] "
	    "digits: 10 key names needed, 2 given" },
	{ COIN REST "[keypad]\nclear = KEY_A KEY_B KEY_C KEY_D KEY_E\n",
	    ":14: [keypad] clear: more than 4 keys" },
	{ COIN REST "[keypad]\nenter = KEY_1\n", ":14: [keypad] enter: "
	    "KEY_1 is already in digits" },
	{ COIN REST "[keypad]\nclear = KEY_ESC KEY_ESC\n", ":14: [keypad] "
	    "clear: KEY_ESC is already in clear" },
	{ COIN REST "[keypad]\nclear = KEY_RESERVED\n", ":14: [keypad] "
	    "clear: \"KEY_RESERVED\" is not a key name" },
	{ COIN REST "[keypad]\ndevice = input/event0\n", ":14: [keypad] "
	    "device: \"input/event0\" is not an absolute path, or an input "
	    "device's name" },
	{ COIN REST "code = 1a\n", ":13: [product cola] code: \"1a\" is not "
	    "a selection code of 1 to 3 digits" },
	{ COIN REST "code = 1234\n", ":13: [product cola] code: \"1234\" is "
	    "not a selection code" },
	{ COIN REST "code = 12\n[product tea]\nprice = 1\ncode = 12\n"
	    "select_line = SELECT_B\n", ":16: [product tea] code: 12 is already "
	    "the code of [product cola] (line 13)" },
	{ COIN REST "[keypad]\ndevice = matrix-keypad\n[product tea]\n"
	    "price = 1\n", ":15: [product tea]: needs a code for the keypad, "
	    "or a select_line" },
	/* after parsing, across keys */
	{ COIN "pulse_min_ms = 200\n" REST, ":1: [coin] pulse_max_ms (200) "
	    "must be more than pulse_min_ms (200)" },
	{ COIN "pulse_max_ms = 150\npulse_min_ms = 150\n" REST, ":4: [coin] "
	    "pulse_max_ms (150) must be more than pulse_min_ms (150)" },
	{ COIN "train_gap_ms = 200\n" REST, ":4: [coin] train_gap_ms (200) "
	    "must be more than pulse_max_ms (200)" },
	{ COIN "debounce_ms = 20\n" REST, ":4: [coin] debounce_ms (20) must "
	    "be less than pulse_min_ms (20)" },
	{ COIN REST "[product tea]\nprice = 0.00\nselect_line = SELECT_B\n",
	    ":14: [product tea] price: must be more than 0" },
	{ COIN "pulses_3 = 0\n" REST, ":4: [coin] pulses_3: must be more "
	    "than 0" },
	{ COIN REST "[product tea]\nprice = 12.00\nselect_line = SELECT_B\n",
	    ":14: [product tea] price: 12.00 is more than [coin] max_credit "
	    "10.00, it could never be paid" },
};

/* Each bad file gives its FILE:LINE: message and the load fails. */
static void
test_bad_configs(void **state)
{
	static struct config	 cfg;
	char			 path[64], err[512];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int	rc = load_text(bad_cases[i].text, &cfg, path,
		    sizeof(path), err, sizeof(err));

		if (rc != -1 || strncmp(err, path, strlen(path)) != 0 ||
		    strstr(err + strlen(path), bad_cases[i].want) !=
		    err + strlen(path))
			fail_msg("case %zu: rc %d\n  got:  %s\n  want: %s%s",
			    i, rc, err, path, bad_cases[i].want);
	}
}

/*
 * Comments go on their own lines: a ';' in a value is refused with the key's
 * FILE:LINE (inih would cut "Cola ; cheap" to "Cola" without a word), and a
 * '#' is ordinary text, as inih keeps it ("Snack #1").
 */
static void
test_inline_comments(void **state)
{
	static const struct bad_case cases[] = {
		{ COIN REST "label = Cola ; cheap\n", ":13: [product cola] "
		    "label: ';' in a value: comments go on their own lines" },
		{ COIN REST "label = Cola;cheap\n", ":13: [product cola] "
		    "label: ';' in a value: comments go on their own lines" },
		{ COIN REST "label = Cola\t;\n", ":13: [product cola] label: "
		    "';' in a value" },
		{ "[coin]\nline = COIN\npulses_1 = 0.10 ; ten cents\n" REST,
		    ":3: [coin] pulses_1: ';' in a value" },
		{ "[vendd]\nstate_dir: /var/lib/vendd ;old\n" COIN REST,
		    ":2: [vendd] state_dir: ';' in a value" },
	};
	static struct config	 cfg;
	char			 path[64], err[512];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int	rc = load_text(cases[i].text, &cfg, path,
		    sizeof(path), err, sizeof(err));

		if (rc != -1 || strncmp(err, path, strlen(path)) != 0 ||
		    strstr(err + strlen(path), cases[i].want) !=
		    err + strlen(path))
			fail_msg("case %zu: rc %d\n  got:  %s\n  want: %s%s",
			    i, rc, err, path, cases[i].want);
	}
	assert_int_equal(load_text(COIN REST "label = Snack #1 # two\n",
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(cfg.product[0].label, "Snack #1 # two");
	/* whole-line comments of either kind are still comments */
	assert_int_equal(load_text("; one\n# two\n  ; three\n" COIN REST,
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(cfg.product[0].label, "cola");
}

/* compact_records takes the whole of its range; --check shows it. */
static void
test_compact_records(void **state)
{
	static struct config	 cfg;
	char			 path[64], err[512], *buf = NULL;
	size_t			 len = 0;
	FILE			*fp;

	(void)state;
	assert_int_equal(load_text("[vendd]\ncompact_records = 16\n" COIN REST,
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(cfg.compact_records, 16);
	assert_int_equal(load_text("[vendd]\ncompact_records = 65536\n"
	    COIN REST, &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(cfg.compact_records, 65536);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	config_print(&cfg, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "\ncompact_records = 65536\n"));
	free(buf);
	assert_int_equal(load_text(COIN REST, &cfg, path, sizeof(path), err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.compact_records, 4096);
}

/*
 * config_where names the line a [vendd] key was set on, or says the key
 * keeps its default; a small buffer is cut, never overrun.
 */
static void
test_where(void **state)
{
	static struct config	 cfg;
	char			 path[64], err[512], want[128], buf[128];

	(void)state;
	assert_int_equal(load_text("[vendd]\ncurrency = EUR\n"
	    "control_group = staff\nstate_dir = /srv/vendd\n" COIN REST,
	    &cfg, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(cfg.state_dir_line, 4);
	assert_int_equal(cfg.control_group_line, 3);
	assert_int_equal(cfg.control_socket_line, 0);

	config_where(&cfg, "vendd", "state_dir", cfg.state_dir_line, buf,
	    sizeof(buf));
	snprintf(want, sizeof(want), "%s:4: [vendd] state_dir", path);
	assert_string_equal(buf, want);
	config_where(&cfg, "vendd", "control_group", cfg.control_group_line,
	    buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s:3: [vendd] control_group", path);
	assert_string_equal(buf, want);
	config_where(&cfg, "vendd", "control_socket", cfg.control_socket_line,
	    buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s: [vendd] control_socket (default)",
	    path);
	assert_string_equal(buf, want);

	/* a file without [vendd]: every line 0, every key a default */
	assert_int_equal(load_text(COIN REST, &cfg, path, sizeof(path), err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.state_dir_line, 0);
	assert_int_equal(cfg.control_socket_line, 0);
	assert_int_equal(cfg.control_group_line, 0);
	config_where(&cfg, "vendd", "state_dir", cfg.state_dir_line, buf,
	    sizeof(buf));
	snprintf(want, sizeof(want), "%s: [vendd] state_dir (default)", path);
	assert_string_equal(buf, want);

	config_where(&cfg, "vendd", "state_dir", 12, buf, 8);
	assert_int_equal(strlen(buf), 7);
	assert_memory_equal(buf, path, 7);
}

/* The 100th product is refused at its header; the 99th is fine. */
static void
test_too_many_products(void **state)
{
	static struct config	 cfg;
	static char		 text[16384];
	char			 path[64], err[512], want[64];
	size_t			 off;
	int			 i;

	(void)state;
	off = (size_t)snprintf(text, sizeof(text), "%s",
	    COIN PANEL ARM COOL);			/* 9 lines */
	for (i = 0; i < VENDD_MAX_PRODUCTS; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "[product p%d]\nprice = 1\nselect_line = S%d\n", i, i);
	assert_int_equal(load_text(text, &cfg, path, sizeof(path), err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.nproducts, VENDD_MAX_PRODUCTS);
	assert_string_equal(cfg.product[98].id, "p98");
	snprintf(text + off, sizeof(text) - off, "[product extra]\n");
	assert_int_equal(load_text(text, &cfg, path, sizeof(path), err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), ":%d: [product extra]: more than 99 "
	    "products", 9 + 3 * VENDD_MAX_PRODUCTS + 1);
	assert_non_null(strstr(err, want));
}

/* A missing file names itself; a line too long for inih is refused. */
static void
test_file_errors(void **state)
{
	static struct config	 cfg;
	char			 text[512], path[64], err[512];

	(void)state;
	assert_int_equal(config_load(&cfg, "/nonexistent/vendd.ini", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/vendd.ini: No such file or "
	    "directory");
	snprintf(text, sizeof(text), "%s; %0300d\n", COIN REST, 0);
	assert_int_equal(load_text(text, &cfg, path, sizeof(path), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":13: line is longer than"));
	/* an error never overruns a small buffer */
	assert_int_equal(config_load(&cfg, "/nonexistent/vendd.ini", err, 8),
	    -1);
	assert_string_equal(err, "/nonexi");
}

/*
 * What the reader sees that a text editor may hide: a last line without its
 * newline still counts, a NUL byte or a huge file is refused by line or
 * size, a directory or an empty file says what is wrong.
 */
static void
test_file_shapes(void **state)
{
	static struct config	 cfg;
	static char		 big[1100 * 1024];
	char			 text[512], path[64], err[512];
	int			 fd;

	(void)state;
	snprintf(text, sizeof(text), "%s%s", COIN, REST);
	text[strlen(text) - 1] = '\0';		/* no final newline */
	assert_int_equal(load_text(text, &cfg, path, sizeof(path), err,
	    sizeof(err)), 0);
	assert_string_equal(cfg.product[0].select.name, "SELECT_A");

	snprintf(path, sizeof(path), "/tmp/test_config.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	snprintf(text, sizeof(text), "%s%s", COIN, REST);
	assert_int_equal(write(fd, text, 10), 10);
	assert_int_equal(write(fd, "\0", 1), 1);
	assert_int_equal(write(fd, text + 10, strlen(text) - 10),
	    (ssize_t)strlen(text) - 10);
	close(fd);
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), -1);
	unlink(path);
	assert_non_null(strstr(err, ":2: a NUL byte"));

	memset(big, ';', sizeof(big) - 1);
	for (size_t i = 80; i < sizeof(big) - 1; i += 80)
		big[i] = '\n';
	assert_int_equal(load_text(big, &cfg, path, sizeof(path), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ": 1024 KiB or more: not a config file?"));

	assert_int_equal(load_text("", &cfg, path, sizeof(path), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "[coin]"));
	assert_int_equal(config_load(&cfg, "/tmp", err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: Is a directory");
}

/*
 * With a keypad, products may have no button (a code instead), up to 99 of
 * them; the display and keypad keys land where the activities read them.
 */
static void
test_display_keypad(void **state)
{
	static struct config	 cfg;
	static char		 text[16384];
	char			 path[64], err[512];
	size_t			 n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%s%s%s%s[display]\n"
	    "type = charlcd\nrows = 4\ncols = 20\nmore = Noch %%s\n"
	    "price = %%s: %%s\ninsert = 100%%%% Saft\n[keypad]\n"
	    "device = matrix-keypad\nenter = KEY_KPENTER\n"
	    "clear = KEY_KPASTERISK, KEY_DELETE\n", COIN, PANEL, ARM, COOL);
	for (int i = 1; i <= VENDD_MAX_PRODUCTS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "[product p%d]\nlabel = Caf\xc3\xa9 %d\nprice = 0.50\n"
		    "code = %d\n", i, i, i);
	assert_true(n < sizeof(text));
	assert_int_equal(load_text(text, &cfg, path, sizeof(path), err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.nproducts, VENDD_MAX_PRODUCTS);
	assert_string_equal(cfg.product[98].code, "99");
	assert_string_equal(cfg.product[98].select.name, "");
	assert_int_equal(cfg.display.type, DISPLAY_CHARLCD);
	assert_int_equal(cfg.display.rows, 4);
	assert_string_equal(cfg.display.text[DT_MORE], "Noch %s");
	assert_string_equal(cfg.display.text[DT_INSERT], "100%% Saft");
	assert_string_equal(cfg.display.text[DT_TAKE],
	    "Please take your product");
	assert_string_equal(cfg.keypad.device, "matrix-keypad");
	assert_int_equal(cfg.keypad.enter[0], 96);	/* KEY_KPENTER */
	assert_int_equal(cfg.keypad.enter[1], 0);
	assert_int_equal(cfg.keypad.clear[0], 55);	/* KEY_KPASTERISK */
	assert_int_equal(cfg.keypad.clear[1], 111);	/* KEY_DELETE */
	assert_int_equal(cfg.keypad.digit[0], 11);	/* KEY_0 */
	assert_int_equal(cfg.keypad.digit[9], 10);	/* KEY_9 */
}

/* --check shows every value resolved: money and temperatures decoded. */
static void
test_print(void **state)
{
	static struct config	 cfg;
	char			 err[512], *buf = NULL;
	size_t			 len = 0;
	FILE			*fp;

	(void)state;
	assert_int_equal(config_load(&cfg, SRCDIR "/etc/vendd.ini", err,
	    sizeof(err)), 0);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	config_print(&cfg, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "[product cola]"));
	assert_non_null(strstr(buf, "price = 1.50 EUR (150)\n"));
	assert_non_null(strstr(buf, "pulses_20 = 2.00 EUR (200)\n"));
	assert_non_null(strstr(buf, "max_credit = 10.00 EUR (1000)\n"));
	assert_non_null(strstr(buf, "setpoint = 10.0 C (50F)\n"));
	assert_non_null(strstr(buf, "differential = 1.667 C (3F)\n"));
	assert_non_null(strstr(buf, "select_line = SELECT_D"));
	assert_non_null(strstr(buf, "drop_timeout_ms = 8000\n"));
	assert_non_null(strstr(buf, "fault_off_s = 1920\n"));
	assert_non_null(strstr(buf, "control_group = vendd-operators\n"));
	assert_non_null(strstr(buf, "code = 11\n"));
	assert_non_null(strstr(buf, "[display]\ntype = none\n"));
	assert_non_null(strstr(buf, "enter = KEY_ENTER KEY_KPENTER\n"));
	assert_non_null(strstr(buf, "take = Please take your product\n"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_file),
		cmocka_unit_test(test_defaults_match_reference),
		cmocka_unit_test(test_section_order),
		cmocka_unit_test(test_lenient_forms),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_format_money),
		cmocka_unit_test(test_temp),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_compact_records),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_too_many_products),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_shapes),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_display_keypad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
