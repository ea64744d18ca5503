/*
 * control's protocol, pure: the request parser, and the status reply's
 * JSON built from the owners' replies. The socket and the control thread:
 * test_control_socket.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_fixture.h"
#include "cooling.h"
#include "msg.h"

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

/* --- the owners' status in chunks ------------------------------------ */

/* Feed every chunk of want's sales and ledger views into fresh ones. */
static void
assemble(const struct status *want, struct status *got)
{
	struct msg_status_sales		sa;
	struct msg_status_ledger	le;
	uint32_t			n = msg_status_chunks(
					    want->sales.nproducts);

	*got = *want;
	memset(&got->sales, 0, sizeof(got->sales));
	memset(&got->ledger, 0, sizeof(got->ledger));
	for (uint32_t k = 0; k < n; k++) {
		sales_chunk(&want->sales, k, &sa);
		ledger_chunk(&want->ledger, k, &le);
		/* whole only with the last chunk */
		assert_int_equal(control_sales_chunk(&got->sales, &sa),
		    k + 1 == n);
		assert_int_equal(control_ledger_chunk(&got->ledger, &le),
		    k + 1 == n);
	}
	assert_int_equal(got->sales.chunks, n);
	assert_int_equal(got->ledger.chunks, n);
}

/*
 * 99 products arrive in seven chunks and come out whole: the JSON lists the
 * 99th product's stock and counters, and the machine-wide fields.
 */
static void
test_chunks_99_products(void **state)
{
	static struct status	 want, got;
	struct json_object	*o, *last;

	(void)state;
	make_status_full(&want);
	assert_int_equal(msg_status_chunks(VENDD_MAX_PRODUCTS), 7);
	assemble(&want, &got);
	assert_memory_equal(got.sales.product, want.sales.product,
	    sizeof(want.sales.product));
	assert_memory_equal(got.ledger.product, want.ledger.product,
	    sizeof(want.ledger.product));
	o = build(&got);
	assert_int_equal(json_object_array_length(get(o, "products")),
	    VENDD_MAX_PRODUCTS);
	last = json_object_array_get_idx(get(o, "products"), 98);
	assert_string_equal(get_str(last, "id"), "p98");
	assert_int_equal(get_int(last, "stock"), 98);
	assert_string_equal(get_str(last, "state"), "ok");
	assert_int_equal(get_int(o, "counters.products.p98.paid_vends"), 98);
	assert_int_equal(get_int(o, "counters.products.p98.paid_value"), 9800);
	assert_int_equal(get_int(o, "counters.products.p98.failed_vends"),
	    1098);
	assert_int_equal(get_int(o, "counters.products.p98.sold_out"), 2098);
	assert_int_equal(get_int(o, "counters.products.p16.paid_vends"), 16);
	assert_int_equal(get_int(o, "counters.products.chips.failed_vends"),
	    1);
	assert_int_equal(get_int(o, "credit"), 150);
	assert_int_equal(get_int(o, "ledger_seq"), 42);
	assert_int_equal(get_int(o, "counters.cash_in"), 450);
	json_object_put(o);
}

/* No product: one chunk, empty, completes the view. */
static void
test_chunks_no_product(void **state)
{
	static struct status	want, got;

	(void)state;
	make_status(&want);
	want.cf.nproducts = 0;
	want.sales.nproducts = want.ledger.nproducts = 0;
	assert_int_equal(msg_status_chunks(0), 1);
	assemble(&want, &got);
	assert_int_equal(got.sales.credit, 150);
	assert_int_equal(got.ledger.seq, 42);
}

/* A malformed sales chunk is refused (EBADMSG), the view unchanged. */
static void
assert_sales_refused(const struct control_sales *v,
    const struct msg_status_sales *m)
{
	static struct control_sales	copy;

	copy = *v;
	errno = 0;
	assert_int_equal(control_sales_chunk(&copy, m), -1);
	assert_int_equal(errno, EBADMSG);
	assert_memory_equal(&copy, v, sizeof(copy));
}

/* A malformed ledger chunk is refused (EBADMSG), the view unchanged. */
static void
assert_ledger_refused(const struct control_ledger *v,
    const struct msg_status_ledger *m)
{
	static struct control_ledger	copy;

	copy = *v;
	errno = 0;
	assert_int_equal(control_ledger_chunk(&copy, m), -1);
	assert_int_equal(errno, EBADMSG);
	assert_memory_equal(&copy, v, sizeof(copy));
}

/*
 * Chunks out of range or out of order are refused: past nproducts or
 * VENDD_MAX_PRODUCTS, more than MSG_STATUS_CHUNK, skipped, repeated, one
 * too many, or a total that changed between chunks.
 */
static void
test_chunks_refused(void **state)
{
	static struct status		want;
	static struct control_sales	sv;
	static struct control_ledger	lv;
	struct msg_status_sales		sa;
	struct msg_status_ledger	le;

	(void)state;
	make_status_full(&want);
	memset(&sv, 0, sizeof(sv));
	memset(&lv, 0, sizeof(lv));

	sales_chunk(&want.sales, 0, &sa);
	sa.nproducts = VENDD_MAX_PRODUCTS + 1;	/* more than a machine has */
	assert_sales_refused(&sv, &sa);
	sales_chunk(&want.sales, 1, &sa);	/* not the first */
	assert_sales_refused(&sv, &sa);
	sales_chunk(&want.sales, 0, &sa);
	sa.count = MSG_STATUS_CHUNK + 1;	/* more than a chunk holds */
	assert_sales_refused(&sv, &sa);
	sa.count = MSG_STATUS_CHUNK - 1;	/* leaves a gap */
	assert_sales_refused(&sv, &sa);
	sales_chunk(&want.sales, 0, &sa);
	sa.first = 1;
	assert_sales_refused(&sv, &sa);

	/* After chunk 0: the total cannot change, chunk 0 cannot repeat. */
	sales_chunk(&want.sales, 0, &sa);
	assert_int_equal(control_sales_chunk(&sv, &sa), 0);
	sales_chunk(&want.sales, 0, &sa);
	assert_sales_refused(&sv, &sa);
	sales_chunk(&want.sales, 1, &sa);
	sa.nproducts = 20;
	assert_sales_refused(&sv, &sa);

	/* The last chunk of 99 holds 3: one more runs past nproducts. */
	for (uint32_t k = 1; k < 6; k++) {
		sales_chunk(&want.sales, k, &sa);
		assert_int_equal(control_sales_chunk(&sv, &sa), 0);
	}
	sales_chunk(&want.sales, 6, &sa);
	assert_int_equal(sa.first, 96);
	assert_int_equal(sa.count, 3);
	sa.count = 4;				/* product 99 of 99 */
	assert_sales_refused(&sv, &sa);
	sa.count = 3;
	assert_int_equal(control_sales_chunk(&sv, &sa), 1);
	sales_chunk(&want.sales, 7, &sa);	/* one too many */
	assert_sales_refused(&sv, &sa);

	/* The ledger's chunks are held to the same. */
	ledger_chunk(&want.ledger, 0, &le);
	le.nproducts = 200;
	assert_ledger_refused(&lv, &le);
	ledger_chunk(&want.ledger, 0, &le);
	le.first = 96;
	le.count = 3;
	assert_ledger_refused(&lv, &le);
	ledger_chunk(&want.ledger, 0, &le);
	le.count = 0;
	assert_ledger_refused(&lv, &le);
	ledger_chunk(&want.ledger, 0, &le);
	assert_int_equal(control_ledger_chunk(&lv, &le), 0);
	ledger_chunk(&want.ledger, 2, &le);	/* chunk 1 skipped */
	assert_ledger_refused(&lv, &le);
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
		cmocka_unit_test(test_chunks_99_products),
		cmocka_unit_test(test_chunks_no_product),
		cmocka_unit_test(test_chunks_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
