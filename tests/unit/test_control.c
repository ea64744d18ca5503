/*
 * control: the request parser and the replies (pure), the socket's creation
 * rules (in a temporary directory), and the control thread's round trips,
 * its loop turned by the test while the test plays vendctl and the owners.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_driver.h"
#include "control_fixture.h"
#include "cooling.h"
#include "msg.h"
#include "proc.h"
#include "testutil.h"

/* --- the request parser ---------------------------------------------- */

/* Parse a C string; returns the parser's result. */
static int
parse(const char *s, struct control_req *req, char *err, size_t errlen)
{
	return control_parse_request(s, strlen(s), req, err, errlen);
}

/* Good requests decode to the right command, product and count. */
static void
test_parse_good(void **state)
{
	static const struct {
		const char	*line;
		int		 cmd;
		const char	*product;
		int32_t		 count;
	} t[] = {
		{ "status", CONTROL_STATUS, "", 0 },
		{ "restock cola", CONTROL_RESTOCK, "cola", -1 },
		{ "restock cola 0", CONTROL_RESTOCK, "cola", 0 },
		{ "restock cola 10", CONTROL_RESTOCK, "cola", 10 },
		{ "restock cola 10000", CONTROL_RESTOCK, "cola", 10000 },
		{ "restock a-b_9 5", CONTROL_RESTOCK, "a-b_9", 5 },
		{ "restock 7up 9999", CONTROL_RESTOCK, "7up", 9999 },
		{ "restock _ 1", CONTROL_RESTOCK, "_", 1 },
		{ "restock abcdefghijklmnopqrstuvwxyz01234",	/* 31 chars */
		    CONTROL_RESTOCK, "abcdefghijklmnopqrstuvwxyz01234", -1 },
	};
	struct control_req	req;
	char			err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		if (parse(t[i].line, &req, err, sizeof(err)) != 0)
			fail_msg("\"%s\" refused: %s", t[i].line, err);
		assert_int_equal(req.cmd, t[i].cmd);
		assert_string_equal(req.product, t[i].product);
		if (t[i].cmd == CONTROL_RESTOCK)
			assert_int_equal(req.count, t[i].count);
	}
}

/* Malformed requests are refused with a reason. */
static void
test_parse_bad(void **state)
{
	static const char *t[] = {
		"status ",		/* trailing space */
		" status",		/* leading space */
		"status  ",
		"status now",		/* no arguments */
		"STATUS",		/* verbs are lower case */
		"statu",
		"statuss",
		"stat",
		"hello",
		"restock",
		"restock ",
		"restock  cola",	/* two spaces */
		"restock cola ",
		"restock cola  5",
		"restock\tcola",	/* tab */
		"status\t",
		"status\r",		/* CR is not printable */
		"restock Cola",		/* upper case id */
		"restock co.la",
		"restock co/la",
		"restock col\"a",
		"restock abcdefghijklmnopqrstuvwxyz012345",	/* 32 chars */
		"restock col\xc3\xa4",	/* non-ASCII */
		"restock cola \xff",
		"\x7f",
		"restock cola -1",
		"restock cola +5",
		"restock cola 10001",
		"restock cola 99999",
		"restock cola 999999999999999999999",
		"restock cola 1e3",
		"restock cola 007",
		"restock cola 00",
		"restock cola 5x",
		"restock cola 0x10",
		"restock cola 5 6",
		"restock cola 5 extra words",
	};
	struct control_req	req;
	char			err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		if (parse(t[i], &req, err, sizeof(err)) != -1)
			fail_msg("\"%s\" accepted", t[i]);
		if (err[0] == '\0')
			fail_msg("\"%s\" refused without a reason", t[i]);
	}
}

/* Empty, too long and NUL-carrying lines; the parser stops at len. */
static void
test_parse_bounds(void **state)
{
	struct control_req	req;
	char			err[128], line[CONTROL_REQ_MAX + 8];

	(void)state;
	assert_int_equal(control_parse_request("", 0, &req, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "empty request");

	/* "status" followed by bytes outside len: only len counts. */
	assert_int_equal(control_parse_request("statusXYZ", 6, &req, err,
	    sizeof(err)), 0);
	assert_int_equal(req.cmd, CONTROL_STATUS);
	assert_int_equal(control_parse_request("restock cola 12", 12, &req,
	    err, sizeof(err)), 0);
	assert_string_equal(req.product, "cola");
	assert_int_equal(req.count, -1);

	/* An embedded NUL is refused, not taken as the end. */
	assert_int_equal(control_parse_request("status\0x", 8, &req, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "0x00"));

	/* CONTROL_REQ_MAX includes the newline: 255 characters at most. */
	memset(line, 'a', sizeof(line));
	memcpy(line, "restock ", 8);
	assert_int_equal(control_parse_request(line, CONTROL_REQ_MAX, &req,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "request too long");
	assert_int_equal(control_parse_request(line, CONTROL_REQ_MAX - 1,
	    &req, err, sizeof(err)), -1);	/* parsed: bad id, not length */
	assert_string_not_equal(err, "request too long");

	/* A small err buffer is truncated, never overrun. */
	char small[4] = "xyz";
	assert_int_equal(parse("bogus", &req, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), 3);
}

/* --- the status JSON ------------------------------------------------- */

/* Build the JSON and round-trip it through text, as vendctl sees it. */
static struct json_object *
build(const struct status *s)
{
	struct json_object	*o, *back;

	o = control_status_json(&s->cf, &s->sales, &s->ledger, &s->cooling,
	    &s->coin, &s->arm);
	assert_non_null(o);
	back = json_tokener_parse(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	assert_non_null(back);
	return back;
}

/* Present and null. */
static void
assert_null_at(struct json_object *o, const char *path)
{
	if (get(o, path) != NULL)
		fail_msg("%s is not null", path);
}

/* The top level and the products carry the documented keys and values. */
static void
test_json_top_and_products(void **state)
{
	struct status		 s;
	struct json_object	*o, *prods, *p;

	(void)state;
	make_status(&s);
	o = build(&s);
	assert_string_equal(get_str(o, "currency"), "EUR");
	assert_int_equal(get_int(o, "decimals"), 2);
	assert_int_equal(get_int(o, "credit"), 150);
	assert_string_equal(get_str(o, "selection"), "cola");
	assert_false(get_bool(o, "vend_pending"));
	assert_int_equal(get_int(o, "ledger_seq"), 42);

	prods = get(o, "products");
	assert_true(json_object_is_type(prods, json_type_array));
	assert_int_equal(json_object_array_length(prods), 3);
	p = json_object_array_get_idx(prods, 0);
	assert_string_equal(get_str(p, "id"), "cola");
	assert_string_equal(get_str(p, "label"), "Cola");
	assert_int_equal(get_int(p, "price"), 150);
	assert_int_equal(get_int(p, "stock"), 9);
	assert_int_equal(get_int(p, "capacity"), 10);
	assert_string_equal(get_str(p, "state"), "ok");
	p = json_object_array_get_idx(prods, 1);
	assert_string_equal(get_str(p, "id"), "water");
	assert_string_equal(get_str(p, "label"), "Water 0.5l");
	assert_int_equal(get_int(p, "stock"), 0);
	assert_int_equal(get_int(p, "capacity"), 8);
	assert_string_equal(get_str(p, "state"), "sold_out");
	p = json_object_array_get_idx(prods, 2);
	assert_string_equal(get_str(p, "id"), "chips");
	assert_int_equal(get_int(p, "stock"), 4);
	assert_string_equal(get_str(p, "state"), "out_of_order");

	assert_false(get_bool(o, "coin.inhibit"));
	assert_int_equal(get_int(o, "coin.line_faults"), 0);
	assert_false(get_bool(o, "arm.busy"));
	assert_null_at(o, "arm.product");
	assert_int_equal(get_int(o, "arm.attempt"), 0);
	json_object_put(o);
}

/* out_of_order wins over sold_out; a negative stock is sold out. */
static void
test_json_state_mapping(void **state)
{
	static const struct {
		int32_t		 stock;
		uint32_t	 pstate;
		const char	*want;
	} t[] = {
		{ 10, PRODUCT_OK, "ok" },
		{ 1, PRODUCT_OK, "ok" },
		{ 0, PRODUCT_OK, "sold_out" },
		{ -1, PRODUCT_OK, "sold_out" },
		{ 0, PRODUCT_OUT_OF_ORDER, "out_of_order" },
		{ 5, PRODUCT_OUT_OF_ORDER, "out_of_order" },
	};
	struct status		 s;
	struct json_object	*o;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		make_status(&s);
		s.sales.product[0].stock = t[i].stock;
		s.sales.product[0].state = t[i].pstate;
		o = build(&s);
		assert_string_equal(get_str(json_object_array_get_idx(
		    get(o, "products"), 0), "state"), t[i].want);
		assert_int_equal(get_int(json_object_array_get_idx(
		    get(o, "products"), 0), "stock"), t[i].stock);
		json_object_put(o);
	}
}

/* No selection, or an index outside the config, is null; arm busy names it. */
static void
test_json_null_selection_and_arm(void **state)
{
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	s.sales.selection = -1;
	s.sales.credit = 0;
	o = build(&s);
	assert_null_at(o, "selection");
	assert_int_equal(get_int(o, "credit"), 0);
	json_object_put(o);

	make_status(&s);
	s.sales.selection = 3;		/* one past the config */
	s.arm.product = VENDD_MAX_PRODUCTS + 5;
	o = build(&s);
	assert_null_at(o, "selection");
	assert_null_at(o, "arm.product");
	json_object_put(o);

	/* An idle arm names no product, whatever the field holds. */
	make_status(&s);
	s.arm.busy = 0;
	s.arm.product = 0;
	o = build(&s);
	assert_null_at(o, "arm.product");
	json_object_put(o);

	make_status(&s);
	s.sales.selection = 1;
	s.sales.vend_pending = 1;
	s.coin.inhibit = 1;
	s.coin.line_faults = 2;
	s.arm.busy = 1;
	s.arm.product = 1;
	s.arm.attempt = 2;
	o = build(&s);
	assert_string_equal(get_str(o, "selection"), "water");
	assert_true(get_bool(o, "vend_pending"));
	assert_true(get_bool(o, "coin.inhibit"));
	assert_int_equal(get_int(o, "coin.line_faults"), 2);
	assert_true(get_bool(o, "arm.busy"));
	assert_string_equal(get_str(o, "arm.product"), "water");
	assert_int_equal(get_int(o, "arm.attempt"), 2);
	json_object_put(o);
}

/* The temperature is a number only while the sensor gives good readings. */
static void
test_json_cooling(void **state)
{
	static const struct {
		uint32_t	 sensor;
		int32_t		 mc;
		const char	*name;
		int		 has_temp;
	} t[] = {
		{ COOL_SENSOR_OK, 4000, "ok", 1 },
		{ COOL_SENSOR_OK, -1850, "ok", 1 },
		{ COOL_SENSOR_OK, 0, "ok", 1 },
		{ COOL_SENSOR_OK, MSG_TEMP_NONE, "ok", 0 },
		{ COOL_SENSOR_MISSING, 4000, "missing", 0 },
		{ COOL_SENSOR_UNREADABLE, 4000, "unreadable", 0 },
		{ COOL_SENSOR_GARBAGE, MSG_TEMP_NONE, "garbage", 0 },
		{ COOL_SENSOR_OUT_OF_RANGE, 4000, "out_of_range", 0 },
		{ COOL_SENSOR_POWER_ON, 85000, "power_on", 0 },
		{ 99, 4000, "unknown", 0 },
	};
	struct status		 s;
	struct json_object	*o;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		make_status(&s);
		s.cooling.sensor = t[i].sensor;
		s.cooling.temperature_mc = t[i].mc;
		s.cooling.fault_mode = t[i].sensor != COOL_SENSOR_OK;
		s.cooling.compressor = i & 1;
		o = build(&s);
		if (t[i].has_temp)
			assert_int_equal(get_int(o, "cooling.temperature_mc"),
			    t[i].mc);
		else
			assert_null_at(o, "cooling.temperature_mc");
		assert_string_equal(get_str(o, "cooling.sensor"), t[i].name);
		assert_int_equal(get_bool(o, "cooling.compressor"), i & 1);
		assert_string_equal(get_str(o, "cooling.mode"),
		    t[i].sensor != COOL_SENSOR_OK ? "fault" : "thermostat");
		json_object_put(o);
	}
}

/* Every audit counter; coins only where nonzero; counters per product. */
static void
test_json_counters(void **state)
{
	static const struct {
		const char	*key;
		int64_t		 v;
	} t[] = {
		{ "counters.cash_in", 450 },
		{ "counters.paid_vends", 2 },
		{ "counters.paid_value", 250 },
		{ "counters.failed_vends", 1 },
		{ "counters.sold_out_selections", 3 },
		{ "counters.unknown_coins", 1 },
		{ "counters.noise_pulses", 7 },
		{ "counters.coin_faults", 0 },
		{ "counters.compressor_starts", 5 },
		{ "counters.compressor_run_s", 1800 },
		{ "counters.sensor_faults", 1 },
		{ "counters.startups", 2 },
		{ "counters.unresolved_settled", 1 },
		{ "counters.coins.1", 1 },
		{ "counters.coins.2", 4 },
		{ "counters.products.cola.paid_vends", 1 },
		{ "counters.products.cola.paid_value", 150 },
		{ "counters.products.cola.failed_vends", 0 },
		{ "counters.products.cola.sold_out", 0 },
		{ "counters.products.water.paid_value", 100 },
		{ "counters.products.water.sold_out", 3 },
		{ "counters.products.chips.failed_vends", 1 },
	};
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	o = build(&s);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (get_int(o, t[i].key) != t[i].v)
			fail_msg("%s: %lld, want %lld", t[i].key,
			    (long long)get_int(o, t[i].key), (long long)t[i].v);
	assert_int_equal(json_object_object_length(get(o, "counters.coins")), 2);
	assert_int_equal(json_object_object_length(get(o,
	    "counters.products")), 3);
	json_object_put(o);

	/* The largest pulse count, and no coins at all. */
	make_status(&s);
	memset(s.ledger.c.coins, 0, sizeof(s.ledger.c.coins));
	o = build(&s);
	assert_int_equal(json_object_object_length(get(o, "counters.coins")), 0);
	json_object_put(o);
	s.ledger.c.coins[VENDD_MAX_PULSES] = 3;
	s.ledger.seq = 1000000;
	o = build(&s);
	assert_int_equal(get_int(o, "counters.coins.20"), 3);
	assert_int_equal(get_int(o, "ledger_seq"), 1000000);
	json_object_put(o);
}

/* Fewer products in a reply than in the config: zeros, not stale memory. */
static void
test_json_short_replies(void **state)
{
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	s.sales.nproducts = 1;
	s.ledger.nproducts = 1;
	o = build(&s);
	assert_int_equal(json_object_array_length(get(o, "products")), 3);
	assert_string_equal(get_str(json_object_array_get_idx(get(o,
	    "products"), 2), "state"), "sold_out");
	assert_int_equal(get_int(o, "counters.products.chips.failed_vends"), 0);
	json_object_put(o);

	make_status(&s);
	s.cf.nproducts = 0;
	o = build(&s);
	assert_int_equal(json_object_array_length(get(o, "products")), 0);
	assert_null_at(o, "selection");
	json_object_put(o);
}

/* The reasons the machine does not sell, each a string, in order. */
static void
assert_not_selling(struct json_object *o, const char *const *want, size_t n)
{
	struct json_object	*arr = get(o, "not_selling");

	if (!json_object_is_type(arr, json_type_array))
		fail_msg("not_selling is not an array");
	if (json_object_array_length(arr) != n)
		fail_msg("%zu reasons, want %zu: %s",
		    json_object_array_length(arr), n, json_object_to_json_string(
		    arr));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_object_get_string(
		    json_object_array_get_idx(arr, i)), want[i]);
	assert_int_equal(get_bool(o, "selling"), n == 0);
}

/* Selling: no reason, and every owner's fault field present and clear. */
static void
test_json_selling(void **state)
{
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	o = build(&s);
	assert_not_selling(o, NULL, 0);
	assert_false(get_bool(o, "ledger.fault"));
	assert_null_at(o, "ledger.op");
	assert_null_at(o, "ledger.errno");
	assert_null_at(o, "ledger.error");
	assert_int_equal(get_int(o, "ledger.held"), 0);
	assert_false(get_bool(o, "arm.blocked"));
	assert_false(get_bool(o, "sales.ledger_fault"));
	assert_false(get_bool(o, "sales.arm_blocked"));
	json_object_put(o);
}

/*
 * The ledger cannot write (issue 14, fault 9): the status says the machine
 * does not sell, why in plain words, and the fault's fields.
 */
static void
test_json_ledger_fault(void **state)
{
	static const struct {
		uint32_t	 op;
		int32_t		 err;
		uint32_t	 held;
		const char	*opname, *reason;
	} t[] = {
		{ LEDGER_OP_RECORD, ENOSPC, 3, "record", "ledger: cannot write "
		    "/var/lib/vendd: No space left on device (3 records "
		    "waiting)" },
		{ LEDGER_OP_RECORD, EIO, 1, "record", "ledger: cannot write "
		    "/var/lib/vendd: Input/output error (1 record waiting)" },
		{ LEDGER_OP_COMPACT, ENOSPC, 0, "compact", "ledger: cannot "
		    "compact the journal in /var/lib/vendd: No space left on "
		    "device" },
		{ LEDGER_OP_GROW, EDQUOT, 2, "grow", "ledger: cannot make room "
		    "in the journal in /var/lib/vendd: Disk quota exceeded (2 "
		    "records waiting)" },
	};
	struct status		 s;
	struct json_object	*o;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		make_status(&s);
		s.ledger.fault.on = 1;
		s.ledger.fault.op = t[i].op;
		s.ledger.fault.err = t[i].err;
		s.ledger.fault.held = t[i].held;
		s.sales.ledger_fault = 1;
		o = build(&s);
		assert_not_selling(o, &t[i].reason, 1);
		assert_true(get_bool(o, "ledger.fault"));
		assert_string_equal(get_str(o, "ledger.op"), t[i].opname);
		assert_int_equal(get_int(o, "ledger.errno"), t[i].err);
		assert_string_equal(get_str(o, "ledger.error"),
		    strerror(t[i].err));
		assert_int_equal(get_int(o, "ledger.held"), t[i].held);
		assert_true(get_bool(o, "sales.ledger_fault"));
		json_object_put(o);
	}
}

/*
 * The drop beam is broken with no vend (issue 14, fault 3): nothing is
 * dispensed, and the status names the sensor and the likely causes.
 */
static void
test_json_arm_blocked(void **state)
{
	static const char *const both[] = {
		"ledger: cannot write /var/lib/vendd: No space left on device",
		"arm: the drop sensor DROP is blocked (product in the tray, or "
		    "a dirty sensor)",
	};
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	s.arm.blocked = 1;
	s.sales.arm_blocked = 1;
	o = build(&s);
	assert_not_selling(o, &both[1], 1);
	assert_true(get_bool(o, "arm.blocked"));
	assert_true(get_bool(o, "sales.arm_blocked"));
	assert_false(get_bool(o, "arm.busy"));
	json_object_put(o);

	/* Every reason at once, the ledger's first. */
	s.ledger.fault.on = 1;
	s.ledger.fault.op = LEDGER_OP_RECORD;
	s.ledger.fault.err = ENOSPC;
	o = build(&s);
	assert_not_selling(o, both, 2);
	json_object_put(o);
}

/*
 * An owner's fault and sales' view can differ for a moment (the message
 * between them is on its way): each side's view is a reason of its own.
 */
static void
test_json_views_differ(void **state)
{
	static const char *const stale[] = {
		"sales: stopped for a ledger fault that the ledger reports "
		    "cleared",
		"sales: stopped for a blocked drop sensor that the arm reports "
		    "clear",
	};
	static const char *const early =
	    "arm: the drop sensor DROP is blocked (product in the tray, or "
	    "a dirty sensor)";
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	s.sales.ledger_fault = 1;
	s.sales.arm_blocked = 1;
	o = build(&s);
	assert_not_selling(o, stale, 2);
	json_object_put(o);

	make_status(&s);
	s.arm.blocked = 1;
	o = build(&s);
	assert_not_selling(o, &early, 1);
	assert_false(get_bool(o, "sales.arm_blocked"));
	json_object_put(o);
}

/* No column can sell: every one sold out or out of order, or none at all. */
static void
test_json_nothing_to_sell(void **state)
{
	static const char *const none =
	    "products: none can be sold (each is sold out or out of order)";
	static const char *const unset = "products: none configured";
	struct status		 s;
	struct json_object	*o;

	(void)state;
	make_status(&s);
	s.sales.product[0].stock = 0;
	o = build(&s);
	assert_not_selling(o, &none, 1);
	json_object_put(o);

	make_status(&s);
	s.cf.nproducts = 0;
	o = build(&s);
	assert_not_selling(o, &unset, 1);
	json_object_put(o);
}

/* --- the socket ------------------------------------------------------ */

static char	tmpdir[64];

/* A fresh directory per socket test. */
static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_control.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove what the test left. */
static int
teardown_dir(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Where the test config says the two keys are, as vendd.ini would. */
#define TEST_INI		"/etc/vendd/test.ini"
#define TEST_SOCKET_LINE	17
#define TEST_GROUP_LINE		20

/* The socket's keys: the socket in the test's directory, the group. */
static void
sock_fields(struct config *cf, const char *group)
{
	snprintf(cf->path, sizeof(cf->path), "%s", TEST_INI);
	snprintf(cf->control_socket, sizeof(cf->control_socket),
	    "%s/control.sock", tmpdir);
	snprintf(cf->control_group, sizeof(cf->control_group), "%s", group);
	cf->control_socket_line = TEST_SOCKET_LINE;
	cf->control_group_line = TEST_GROUP_LINE;
}

/* A config with only the socket's keys. */
static void
sock_config(struct config *cf, const char *group)
{
	memset(cf, 0, sizeof(*cf));
	sock_fields(cf, group);
}

/* The error starts with the key's FILE:LINE, as every config error does. */
static void
assert_names_key(const char *err, const char *key, int line)
{
	char	want[128];

	snprintf(want, sizeof(want), "%s:%d: [vendd] %s: ", TEST_INI, line,
	    key);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error does not start with \"%s\": %s", want, err);
}

/* Nothing at the socket's path: a failed listen leaves no file behind. */
static void
assert_no_socket_file(const struct config *cf)
{
	struct stat	st;

	if (lstat(cf->control_socket, &st) == 0)
		fail_msg("%s left behind (mode %o)", cf->control_socket,
		    (unsigned)st.st_mode);
}

/* What main does: the checks that write nothing, then the socket. */
static int
sock_listen(const struct config *cf, char *err, size_t errlen)
{
	if (control_prepare(cf, err, errlen) == -1)
		return -1;
	return control_listen(cf, err, errlen);
}

/* Mode 0660, non-blocking, close-on-exec, accepting connections. */
static void
test_listen_creates(void **state)
{
	struct config		cf;
	struct sockaddr_un	sun;
	struct stat		st;
	char			err[256];
	int			fd, cfd;

	(void)state;
	sock_config(&cf, "");
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", cf.control_socket);
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(cfd);

	/* A second daemon must not steal a live socket. */
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, "another vendd"));
	close(fd);

	/* Closed: now it is stale and replaced. */
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("stale socket not replaced: %s", err);
	close(fd);
}

/* A file that is not a socket is never removed. */
static void
test_listen_refuses_file(void **state)
{
	struct config	cf;
	struct stat	st;
	char		err[256];
	int		fd;

	(void)state;
	sock_config(&cf, "");
	fd = open(cf.control_socket, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep\n", 5), 5);
	close(fd);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, "not a socket"));
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 5);

	/* A directory neither. */
	unlink(cf.control_socket);
	assert_int_equal(mkdir(cf.control_socket, 0755), 0);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a socket"));
	rmdir(cf.control_socket);
}

/* Paths that do not fit sun_path, and missing directories, name the key. */
static void
test_listen_bad_paths(void **state)
{
	struct config	cf;
	char		err[512];

	(void)state;
	/* The config's buffer is sun_path's size: an unterminated one. */
	sock_config(&cf, "");
	memset(cf.control_socket, 'x', sizeof(cf.control_socket));
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, "too long"));

	cf.control_socket[0] = '\0';
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, "empty"));

	snprintf(cf.control_socket, sizeof(cf.control_socket),
	    "%s/nodir/control.sock", tmpdir);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, cf.control_socket));
	assert_no_socket_file(&cf);

	/* A key the file does not set is named as the default. */
	cf.control_socket_line = 0;
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, TEST_INI ": [vendd] control_socket "
	    "(default): "));
}

/* An existing group owns the socket; no group leaves it in vendd's own. */
static void
test_listen_group(void **state)
{
	struct config	cf;
	struct stat	st;
	struct group	*gr;
	char		err[512];
	int		fd;

	(void)state;
	if ((gr = getgrgid(getegid())) == NULL)
		fail_msg("gid %u has no name", (unsigned)getegid());
	sock_config(&cf, gr->gr_name);
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_int_equal(st.st_gid, getegid());
	close(fd);

	sock_config(&cf, "");
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_int_equal(st.st_gid, getegid());
	close(fd);
}

/*
 * A control_group that does not exist stops start-up with its FILE:LINE,
 * whoever runs vendd: a typo must not lock the operators out in silence.
 */
static void
test_listen_group_missing(void **state)
{
	struct config	cf;
	char		err[512];

	(void)state;
	sock_config(&cf, "no_such_group_vendd");
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_group", TEST_GROUP_LINE);
	assert_non_null(strstr(err, "\"no_such_group_vendd\""));
	assert_non_null(strstr(err, "does not exist"));
	assert_no_socket_file(&cf);
}

/*
 * Run the listen in a child that holds no group but its own: as root,
 * the child becomes nobody first. Writes the result to the pipe: the fd (or
 * -1), then the error text.
 */
static void
listen_unprivileged(const struct config *cf, int out)
{
	char	err[512] = "";
	int	fd;

	if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
	    setgid(65534) == -1 || setuid(65534) == -1))
		_exit(2);
	fd = sock_listen(cf, err, sizeof(err));
	if (write(out, &fd, sizeof(fd)) != sizeof(fd) ||
	    write(out, err, strlen(err) + 1) == -1)
		_exit(3);
	_exit(0);
}

/*
 * A socket that cannot be given to control_group (chown refused: vendd is
 * neither root nor a member) stops start-up with the key's FILE:LINE, and
 * leaves no socket file behind.
 */
static void
test_listen_chown_refused(void **state)
{
	struct config	 cf;
	struct group	*gr;
	char		 err[512];
	int		 p[2], fd = -2, status;
	ssize_t		 n;
	pid_t		 pid;

	(void)state;
	/* A group the unprivileged child is not in: root's. */
	if ((gr = getgrgid(0)) == NULL)
		fail_msg("no group with gid 0");
	if (geteuid() != 0 && getegid() == 0)
		skip();		/* a non-root run in group root cannot */
	sock_config(&cf, gr->gr_name);
	assert_int_equal(chmod(tmpdir, 0777), 0);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		listen_unprivileged(&cf, p[1]);
	}
	close(p[1]);
	assert_true(pid > 0);
	assert_int_equal(read(p[0], &fd, sizeof(fd)), sizeof(fd));
	n = read(p[0], err, sizeof(err) - 1);
	err[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (fd != -1)
		fail_msg("listen succeeded although the socket stays in the "
		    "wrong group");
	assert_names_key(err, "control_group", TEST_GROUP_LINE);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, gr->gr_name));
	assert_no_socket_file(&cf);
}

/* --- the control thread: restock and status round trips -------------- */

static struct proc	ctl;
static struct config	ctl_cf;

/* A control thread on a fresh socket, for the three-column machine. */
static int
setup_thread(void **state)
{
	struct group	*gr = getgrgid(getegid());
	char		 err[512];
	int		 fd;

	if (setup_dir(state) == -1)
		return -1;
	make_config(&ctl_cf);
	sock_fields(&ctl_cf, gr ? gr->gr_name : "");
	if ((fd = sock_listen(&ctl_cf, err, sizeof(err))) == -1) {
		print_error("%s\n", err);
		return -1;
	}
	control_init(&ctl, &ctl_cf, fd);
	return 0;
}

/* Stop the control thread as MSG_STOP would, and forget its messages. */
static int
teardown_thread(void **state)
{
	ctl.on_stop(&ctl);
	proc_free(&ctl);
	driver_owner_drain();
	return teardown_dir(state);
}

/* The ledger got MSG_RESTOCK for this product and stock, under a request id. */
static struct msg
ledger_got_restock(uint32_t product, int32_t stock)
{
	struct msg	m;

	if (!driver_owner_read(&ctl, PROC_LEDGER, &m, 1000))
		fail_msg("the ledger got no MSG_RESTOCK");
	assert_int_equal(m.hdr.type, MSG_RESTOCK);
	assert_int_not_equal(m.hdr.id, 0);
	assert_int_equal(m.u.restock.product, product);
	assert_int_equal(m.u.restock.stock, stock);
	assert_int_equal(m.u.restock.clear_fault, 1);
	return m;
}

/* The ledger answers a restock: durable at this stock, or not, and why. */
static void
ledger_answers(uint32_t id, uint32_t product, int32_t stock, int err)
{
	struct msg_restock_done	rd;

	memset(&rd, 0, sizeof(rd));
	rd.product = product;
	rd.stock = stock;
	rd.ok = err == 0;
	rd.err = err;
	driver_owner_send(PROC_LEDGER, MSG_RESTOCK_DONE, id, &rd, sizeof(rd));
}

/* The reply's text, for comparing whole. */
static const char *
plain(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/*
 * vendctl(1) says the new stock is in the ledger before the reply: control
 * answers only once the ledger says the record is durable, with the stock.
 */
static void
test_restock_answers_once_durable(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	if (driver_answered(&ctl, fd, 200))
		fail_msg("answered before the ledger made the restock durable");
	ledger_answers(m.hdr.id, 0, 5, 0);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(plain(o),
	    "{\"ok\":true,\"product\":\"cola\",\"stock\":5}");
	json_object_put(o);
}

/* Without a count the ledger fills the column, and the reply says to what. */
static void
test_restock_to_capacity(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock water\n");
	m = ledger_got_restock(1, -1);
	ledger_answers(m.hdr.id, 1, 8, 0);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(plain(o),
	    "{\"ok\":true,\"product\":\"water\",\"stock\":8}");
	json_object_put(o);
}

/* The ledger could not record it: an error that names the product and why. */
static void
test_restock_not_recorded(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	ledger_answers(m.hdr.id, 0, 0, ENOSPC);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(get_str(o, "error"), "restock of cola not "
	    "recorded: the ledger could not write it: No space left on device "
	    "(the stock is unchanged)");
	assert_string_equal(get_str(o, "product"), "cola");
	assert_int_equal(get_int(o, "errno"), ENOSPC);
	json_object_put(o);
}

/*
 * No answer from the ledger: an error after the timeout that says the
 * restock may still be recorded. An answer to another request is not this
 * one's; a late answer is only logged.
 */
static void
test_restock_timeout(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	ledger_answers(m.hdr.id + 1, 0, 5, 0);
	if (driver_answered(&ctl, fd, 200))
		fail_msg("answered by another request's answer");
	o = driver_reply(&ctl, fd, 5000);
	assert_non_null(strstr(get_str(o, "error"), "restock of cola: no "
	    "answer from the ledger within 3 s"));
	assert_non_null(strstr(get_str(o, "error"), "vendctl status"));
	json_object_put(o);
	ledger_answers(m.hdr.id, 0, 5, 0);
	driver_pump(&ctl, proc_inbox_rfd(PROC_LEDGER), 100);
}

/* Refused before the ledger hears of it: an unknown id, too many. */
static void
test_restock_refused(void **state)
{
	struct json_object	*o;
	struct msg		 m;

	(void)state;
	o = driver_reply(&ctl, driver_client(ctl_cf.control_socket,
	    "restock nosuch 1\n"), 1000);
	assert_string_equal(get_str(o, "error"), "unknown product \"nosuch\"");
	json_object_put(o);
	o = driver_reply(&ctl, driver_client(ctl_cf.control_socket,
	    "restock cola 11\n"), 1000);
	assert_string_equal(get_str(o, "error"),
	    "count 11 exceeds the capacity 10 of \"cola\"");
	json_object_put(o);
	if (driver_owner_read(&ctl, PROC_LEDGER, &m, 100))
		fail_msg("the ledger got %s", msg_type_name(m.hdr.type));
}

/* status asks the five owners under one id and answers when all are in. */
static void
test_status_gathers(void **state)
{
	static const struct {
		int		owner;
		uint16_t	type;
	} own[] = {
		{ PROC_SALES, MSG_STATUS_SALES },
		{ PROC_LEDGER, MSG_STATUS_LEDGER },
		{ PROC_COOLING, MSG_STATUS_COOLING },
		{ PROC_COIN, MSG_STATUS_COIN },
		{ PROC_ARM, MSG_STATUS_ARM },
	};
	static struct status	 s;	/* 6 KiB: off the stack */
	const void		*payload[] = { &s.sales, &s.ledger,
				    &s.cooling, &s.coin, &s.arm };
	const size_t		 len[] = { sizeof(s.sales),
				    sizeof(s.ledger), sizeof(s.cooling),
				    sizeof(s.coin), sizeof(s.arm) };
	struct json_object	*o;
	struct msg		 m;
	uint32_t		 id = 0;
	int			 fd;

	(void)state;
	make_status(&s);
	fd = driver_client(ctl_cf.control_socket, "status\n");
	for (size_t i = 0; i < 5; i++) {
		if (!driver_owner_read(&ctl, own[i].owner, &m, 1000))
			fail_msg("%s was not asked", proc_name(own[i].owner));
		assert_int_equal(m.hdr.type, MSG_STATUS_REQ);
		assert_int_not_equal(m.hdr.id, 0);
		if (i > 0)
			assert_int_equal(m.hdr.id, id);
		id = m.hdr.id;
	}
	for (size_t i = 0; i < 5; i++) {
		if (driver_answered(&ctl, fd, i == 4 ? 0 : 20))
			fail_msg("answered with %zu of 5 owners' replies", i);
		driver_owner_send(own[i].owner, own[i].type, id, payload[i],
		    len[i]);
	}
	o = driver_reply(&ctl, fd, 1000);
	assert_int_equal(get_int(o, "credit"), 150);
	assert_int_equal(get_int(o, "ledger_seq"), 42);
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_json_top_and_products),
		cmocka_unit_test(test_json_state_mapping),
		cmocka_unit_test(test_json_null_selection_and_arm),
		cmocka_unit_test(test_json_cooling),
		cmocka_unit_test(test_json_counters),
		cmocka_unit_test(test_json_short_replies),
		cmocka_unit_test(test_json_selling),
		cmocka_unit_test(test_json_ledger_fault),
		cmocka_unit_test(test_json_arm_blocked),
		cmocka_unit_test(test_json_views_differ),
		cmocka_unit_test(test_json_nothing_to_sell),
		cmocka_unit_test_setup_teardown(test_listen_creates,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_refuses_file,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_bad_paths,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_group,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_group_missing,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_chown_refused,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_restock_answers_once_durable,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_to_capacity,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_not_recorded,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_timeout,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_refused,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_status_gathers,
		    setup_thread, teardown_thread),
	};

	if (proc_setup_inboxes() == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
