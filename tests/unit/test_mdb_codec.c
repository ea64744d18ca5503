/*
 * mdb_codec: every command's bytes, every poll code of the three devices,
 * replies with several events, truncated and unknown bytes refused, and
 * credit scaling. Vectors marked "vender" are the mock bus replies of
 * temoto/vender's coin_test.go and bill_test.go; "esp32" are the bytes of
 * nodestark/mdb-esp32-cashless's changer emulator and cashless VMC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mdb_codec.h"

/* hex ("0b 52 1e", spaces ignored) into b: its bytes. */
static size_t
hex(const char *s, uint8_t *b)
{
	size_t		n = 0;
	unsigned	v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		b[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

/* The encoder call (writing to o) returns and writes exactly the bytes. */
#define ENC(call, ...) do {						\
	const uint8_t	want_[] = { __VA_ARGS__ };			\
	uint8_t		o[MDB_CMD_MAX];					\
									\
	memset(o, 0xee, sizeof(o));					\
	assert_int_equal((call), sizeof(want_));			\
	assert_memory_equal(o, want_, sizeof(want_));			\
} while (0)
/* The encoder call refuses its arguments. */
#define NOENC(call) do {						\
	uint8_t	o[MDB_CMD_MAX];						\
									\
	assert_int_equal((call), 0);					\
	(void)o;							\
} while (0)

static uint8_t	b[64];

static int
changer_poll(const char *s, struct mdb_changer_event *ev, int max)
{
	return mdb_changer_poll_decode(b, hex(s, b), ev, max);
}

static int
bill_poll(const char *s, struct mdb_bill_event *ev, int max)
{
	return mdb_bill_poll_decode(b, hex(s, b), ev, max);
}

static int
cashless_poll(const char *s, int level, int display,
    struct mdb_cashless_event *ev, int max)
{
	struct mdb_cashless_mode	m = { level, display };

	return mdb_cashless_poll_decode(b, hex(s, b), &m, ev, max);
}

static void
test_simple_commands(void **state)
{
	static const int	simple[] = { 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x12,
				    0x30, 0x31, 0x33, 0x36 };
	static const int	other[] = { 0x00, 0x0c, 0x0d, 0x0f, 0x11, 0x13,
				    0x14, 0x17, 0x32, 0x34, 0x35, 0x37 };

	(void)state;
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		ENC(mdb_cmd_simple(o, simple[i]), (uint8_t)simple[i]);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		NOENC(mdb_cmd_simple(o, other[i]));
}

static void
test_changer_commands(void **state)
{
	(void)state;
	ENC(mdb_changer_coin_type(o, 0x001f, 0xffff),	/* vender */
	    0x0c, 0x00, 0x1f, 0xff, 0xff);
	ENC(mdb_changer_coin_type(o, 0x8001, 0x0100), 0x0c, 0x80, 0x01, 0x01,
	    0x00);
	ENC(mdb_changer_dispense(o, 2, 1), 0x0d, 0x12);	/* mdb_link.h */
	ENC(mdb_changer_dispense(o, 0, 15), 0x0d, 0xf0);
	ENC(mdb_changer_dispense(o, 15, 15), 0x0d, 0xff);
	NOENC(mdb_changer_dispense(o, 2, 0));
	NOENC(mdb_changer_dispense(o, 2, 16));
	NOENC(mdb_changer_dispense(o, -1, 1));
	NOENC(mdb_changer_dispense(o, 16, 1));
	ENC(mdb_changer_expansion(o, MDB_CHANGER_X_IDENT), 0x0f, 0x00);
	ENC(mdb_changer_expansion(o, MDB_CHANGER_X_PAYOUT_STATUS), 0x0f, 0x03);
	ENC(mdb_changer_expansion(o, MDB_CHANGER_X_PAYOUT_POLL), 0x0f, 0x04);
	ENC(mdb_changer_expansion(o, MDB_CHANGER_X_DIAG), 0x0f, 0x05);
	NOENC(mdb_changer_expansion(o, MDB_CHANGER_X_FEATURES));
	NOENC(mdb_changer_expansion(o, MDB_CHANGER_X_PAYOUT));
	NOENC(mdb_changer_expansion(o, 0x06));
	ENC(mdb_changer_feature_enable(o, MDB_CHANGER_F_EXT_DIAG), /* vender */
	    0x0f, 0x01, 0x00, 0x00, 0x00, 0x02);
	ENC(mdb_changer_feature_enable(o, 0x12345678), 0x0f, 0x01, 0x12, 0x34,
	    0x56, 0x78);
	ENC(mdb_changer_payout(o, 7), 0x0f, 0x02, 0x07);	/* vender */
	ENC(mdb_changer_payout(o, 255), 0x0f, 0x02, 0xff);
	NOENC(mdb_changer_payout(o, 0));
	NOENC(mdb_changer_payout(o, 256));
}

static void
test_bill_commands(void **state)
{
	(void)state;
	ENC(mdb_bill_security(o, 0xffff), 0x32, 0xff, 0xff);
	ENC(mdb_bill_security(o, 0x0102), 0x32, 0x01, 0x02);
	ENC(mdb_bill_type(o, 0x0007, 0x0007), 0x34, 0x00, 0x07, 0x00, 0x07);
	ENC(mdb_bill_type(o, 0xff00, 0x0001), 0x34, 0xff, 0x00, 0x00, 0x01);
	ENC(mdb_bill_escrow(o, 1), 0x35, 0x01);		/* vender: stack */
	ENC(mdb_bill_escrow(o, 0), 0x35, 0x00);		/* vender: return */
	NOENC(mdb_bill_escrow(o, 2));
	ENC(mdb_bill_expansion(o, 0x00), 0x37, 0x00);
	ENC(mdb_bill_expansion(o, 0x02), 0x37, 0x02);
	NOENC(mdb_bill_expansion(o, 0x01));
}

static void
test_cashless_commands(void **state)
{
	(void)state;
	ENC(mdb_cashless_setup_config(o, 1, 0, 0, 1),	/* esp32 */
	    0x11, 0x00, 0x01, 0x00, 0x00, 0x01);
	ENC(mdb_cashless_setup_config(o, 3, 16, 2, 0),
	    0x11, 0x00, 0x03, 0x10, 0x02, 0x00);
	NOENC(mdb_cashless_setup_config(o, 0, 0, 0, 0));
	NOENC(mdb_cashless_setup_config(o, 4, 0, 0, 0));
	NOENC(mdb_cashless_setup_config(o, 1, 256, 0, 0));
	ENC(mdb_cashless_setup_prices(o, 0xffff, 0x0000),
	    0x11, 0x01, 0xff, 0xff, 0x00, 0x00);
	ENC(mdb_cashless_setup_prices(o, 0x0120, 0x0014),
	    0x11, 0x01, 0x01, 0x20, 0x00, 0x14);
	ENC(mdb_cashless_vend_request(o, 0x00fa, 0x0003),
	    0x13, 0x00, 0x00, 0xfa, 0x00, 0x03);
	ENC(mdb_cashless_cash_sale(o, 0x0102, 0x0a0b),
	    0x13, 0x05, 0x01, 0x02, 0x0a, 0x0b);
	ENC(mdb_cashless_vend_success(o, 0x0003), 0x13, 0x02, 0x00, 0x03);
	ENC(mdb_cashless_vend(o, MDB_CASHLESS_VEND_CANCEL), 0x13, 0x01);
	ENC(mdb_cashless_vend(o, MDB_CASHLESS_VEND_FAILURE), 0x13, 0x03);
	ENC(mdb_cashless_vend(o, MDB_CASHLESS_SESSION_COMPLETE), 0x13, 0x04);
	NOENC(mdb_cashless_vend(o, MDB_CASHLESS_VEND_REQUEST));
	NOENC(mdb_cashless_vend(o, MDB_CASHLESS_VEND_SUCCESS));
	NOENC(mdb_cashless_vend(o, MDB_CASHLESS_CASH_SALE));
	ENC(mdb_cashless_reader(o, MDB_CASHLESS_DISABLE), 0x14, 0x00);
	ENC(mdb_cashless_reader(o, MDB_CASHLESS_ENABLE), 0x14, 0x01);
	ENC(mdb_cashless_reader(o, MDB_CASHLESS_CANCEL), 0x14, 0x02);
	NOENC(mdb_cashless_reader(o, 0x03));
	ENC(mdb_cashless_request_id(o, "VND", "000000000042", "vendd", 0x0102),
	    0x17, 0x00, 'V', 'N', 'D',
	    '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '4', '2',
	    'v', 'e', 'n', 'd', 'd', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	    0x01, 0x02);
	NOENC(mdb_cashless_request_id(o, "VNDD", "", "", 0));
	NOENC(mdb_cashless_request_id(o, "VND", "0000000000001", "", 0));
	NOENC(mdb_cashless_request_id(o, "VND", "", "tab\there", 0));
}

/* Scaling factor 5, 2 decimals: a coin credit of 20 is 1.00 EUR. */
static void
test_money(void **state)
{
	unsigned	s;
	int64_t		v;

	(void)state;
	assert_int_equal(mdb_to_minor(20, 5), 100);
	assert_int_equal(mdb_to_minor(255, 255), 65025);
	assert_int_equal(mdb_from_minor(100, 5, 255, &s), 0);
	assert_int_equal(s, 20);
	assert_int_equal(mdb_from_minor(0, 5, 255, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(mdb_from_minor(101, 5, 255, &s), -1);	/* not exact */
	assert_int_equal(mdb_from_minor(1280, 5, 255, &s), -1);	/* 256 */
	assert_int_equal(mdb_from_minor(-5, 5, 255, &s), -1);
	assert_int_equal(mdb_from_minor(5, 0, 255, &s), -1);
	assert_int_equal(mdb_from_minor(0xffff * 10, 10, 0xffff, &s), 0);
	assert_int_equal(s, 0xffff);

	assert_int_equal(mdb_rescale(100, 2, 3, &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(mdb_rescale(1000, 3, 2, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(mdb_rescale(1005, 3, 2, &v), -1);
	assert_int_equal(mdb_rescale(500, 0, 2, &v), 0);	/* 500.00 */
	assert_int_equal(v, 50000);
	assert_int_equal(mdb_rescale(-250, 2, 2, &v), 0);
	assert_int_equal(v, -250);
	assert_int_equal(mdb_rescale(INT64_MAX / 5, 0, 1, &v), -1);
	assert_int_equal(mdb_rescale(1, 0, 19, &v), -1);
	assert_int_equal(mdb_rescale(1, -1, 2, &v), -1);
}

static void
test_changer_setup(void **state)
{
	struct mdb_changer_setup	s;

	(void)state;
	/* vender, scaling factor 100: RUB (643), coins 1, 2, 5, 10, 10, 25 */
	assert_int_equal(mdb_changer_setup_decode(b, hex("02 1643 64 02 0017 "
	    "01 02 05 0a 0a 19 00000000000000000000", b), &s), 0);
	assert_int_equal(s.level, 2);
	assert_int_equal(s.currency, 0x1643);
	assert_int_equal(s.scale, 100);
	assert_int_equal(s.decimals, 2);
	assert_int_equal(s.routing, 0x0017);
	assert_int_equal(s.ntypes, 16);
	assert_int_equal(s.credit[2], 5);
	assert_int_equal(s.value[2], 500);
	assert_int_equal(s.value[5], 2500);
	assert_int_equal(s.value[6], 0);

	/* EUR, scaling factor 5: 0.05 .. 2.00 in six types, no padding */
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 05 02 003f "
	    "01 02 04 0a 14 28", b), &s), 0);
	assert_int_equal(s.ntypes, 6);
	assert_int_equal(s.credit[4], 20);
	assert_int_equal(s.value[4], 100);		/* 1.00 EUR */
	assert_int_equal(s.value[5], 200);
	assert_int_equal(s.value[6], 0);

	/* esp32's emulator: no currency, scaling factor 1 */
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 ffff 01 02 000f "
	    "05 0a 19 64 000000000000000000000000", b), &s), 0);
	assert_int_equal(s.value[3], 100);

	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 05 02 00", b),
	    &s), -1);					/* truncated */
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 05 02 0000",
	    b), &s), 0);				/* no coins at all */
	assert_int_equal(s.ntypes, 0);
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 05 02 003f "
	    "0102040a1428 00000000000000000000 00", b), &s), -1);	/* 17 */
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 00 02 003f "
	    "01", b), &s), -1);				/* scaling factor 0 */
}

static void
test_changer_tubes(void **state)
{
	struct mdb_tubes	t;

	(void)state;
	assert_int_equal(mdb_changer_tubes_decode(b, hex("0000 11 00 08", b),
	    &t), 0);					/* vender */
	assert_int_equal(t.full, 0);
	assert_int_equal(t.ntubes, 3);
	assert_int_equal(t.count[0], 0x11);
	assert_int_equal(t.count[2], 8);
	assert_int_equal(t.count[3], 0);
	assert_int_equal(mdb_changer_tubes_faulty(&t), 0);

	assert_int_equal(mdb_changer_tubes_decode(b, hex("8003 64 00 32 00 "
	    "000000000000000000000000", b), &t), 0);
	assert_int_equal(t.ntubes, 16);
	assert_int_equal(t.full, 0x8003);
	/* tube 1 and 15 full with nothing in them: sensor faults */
	assert_int_equal(mdb_changer_tubes_faulty(&t), 0x8002);

	assert_int_equal(mdb_changer_tubes_decode(b, hex("0000", b), &t), 0);
	assert_int_equal(mdb_changer_tubes_decode(b, hex("00", b), &t), -1);
	assert_int_equal(mdb_changer_tubes_decode(b, 19, &t), -1);
}

static void
test_changer_poll_status(void **state)
{
	struct mdb_changer_event	ev[4];
	char				s[4];

	(void)state;
	for (int c = 0x01; c <= 0x0d; c++) {
		snprintf(s, sizeof(s), "%02x", c);
		assert_int_equal(changer_poll(s, ev, 4), 1);
		assert_int_equal(ev[0].kind, c);
	}
	assert_int_equal(MDB_CHANGER_EV_PAYOUT_BUSY, 0x02);
	assert_int_equal(MDB_CHANGER_EV_RESET, 0x0b);
	assert_int_equal(MDB_CHANGER_EV_COIN_REMOVAL, 0x0d);
	assert_int_equal(changer_poll("00", ev, 4), -1);
	assert_int_equal(changer_poll("0e", ev, 4), -1);
	assert_int_equal(changer_poll("0f", ev, 4), -1);
	assert_int_equal(changer_poll("1f", ev, 4), -1);
	assert_int_equal(changer_poll("", ev, 4), 0);	/* ACK: nothing */
}

static void
test_changer_poll_coins(void **state)
{
	struct mdb_changer_event	ev[8];

	(void)state;
	assert_int_equal(changer_poll("4109", ev, 8), 1);	/* vender */
	assert_int_equal(ev[0].kind, MDB_CHANGER_EV_DEPOSITED);
	assert_int_equal(ev[0].routing, MDB_ROUTE_CASHBOX);
	assert_int_equal(ev[0].type, 1);
	assert_int_equal(ev[0].tube, 9);
	assert_int_equal(changer_poll("521e", ev, 8), 1);	/* vender */
	assert_int_equal(ev[0].routing, MDB_ROUTE_TUBES);
	assert_int_equal(ev[0].type, 2);
	assert_int_equal(ev[0].tube, 30);
	assert_int_equal(changer_poll("7300", ev, 8), 1);	/* vender */
	assert_int_equal(ev[0].routing, MDB_ROUTE_REJECT);
	assert_int_equal(ev[0].type, 3);
	assert_int_equal(changer_poll("6205", ev, 8), -1);	/* routing 10 */
	assert_int_equal(changer_poll("9251", ev, 8), 1);	/* vender */
	assert_int_equal(ev[0].kind, MDB_CHANGER_EV_DISPENSED);
	assert_int_equal(ev[0].count, 1);
	assert_int_equal(ev[0].type, 2);
	assert_int_equal(ev[0].tube, 0x51);
	assert_int_equal(changer_poll("ff00", ev, 8), 1);
	assert_int_equal(ev[0].count, 7);
	assert_int_equal(ev[0].type, 15);
	assert_int_equal(changer_poll("21", ev, 8), 1);	/* vender */
	assert_int_equal(ev[0].kind, MDB_CHANGER_EV_SLUGS);
	assert_int_equal(ev[0].count, 1);
	assert_int_equal(changer_poll("3f", ev, 8), 1);
	assert_int_equal(ev[0].count, 31);

	/* reset, a coin to a tube, slugs, payout busy, two dispensed by hand */
	assert_int_equal(changer_poll("0b 521e 22 02 a340", ev, 8), 5);
	assert_int_equal(ev[0].kind, MDB_CHANGER_EV_RESET);
	assert_int_equal(ev[1].kind, MDB_CHANGER_EV_DEPOSITED);
	assert_int_equal(ev[1].tube, 30);
	assert_int_equal(ev[2].kind, MDB_CHANGER_EV_SLUGS);
	assert_int_equal(ev[2].count, 2);
	assert_int_equal(ev[3].kind, MDB_CHANGER_EV_PAYOUT_BUSY);
	assert_int_equal(ev[4].kind, MDB_CHANGER_EV_DISPENSED);
	assert_int_equal(ev[4].count, 2);
	assert_int_equal(ev[4].type, 3);
	assert_int_equal(ev[4].tube, 0x40);
	/* a coin byte that lost its count, alone or after others */
	assert_int_equal(changer_poll("52", ev, 8), -1);
	assert_int_equal(changer_poll("0b 41", ev, 8), -1);
	assert_int_equal(changer_poll("0b 521e 93", ev, 8), -1);
	assert_int_equal(changer_poll("0b 521e 0e", ev, 8), -1);
	/* more events than room */
	assert_int_equal(changer_poll("02 02 02", ev, 2), -1);
	assert_int_equal(changer_poll("02 02", ev, 2), 2);
}

static void
test_changer_payout(void **state)
{
	struct mdb_changer_setup	s;
	struct mdb_payout_status	ps;
	struct mdb_diag			d;
	unsigned			v = 99;

	(void)state;
	assert_int_equal(mdb_changer_setup_decode(b, hex("03 1978 05 02 003f "
	    "01 02 04 0a 14 28", b), &s), 0);
	assert_int_equal(mdb_changer_payout_status_decode(b, 0, &ps), 1);
	assert_int_equal(mdb_changer_payout_status_decode(b,
	    hex("07000000", b), &ps), 0);		/* vender */
	assert_int_equal(ps.ntypes, 4);
	assert_int_equal(ps.count[0], 7);
	assert_int_equal(mdb_changer_paid_value(&s, &ps), 35);
	assert_int_equal(mdb_changer_payout_status_decode(b,
	    hex("00 01 00 00 02 03", b), &ps), 0);	/* 0.10 + 2x1 + 3x2 */
	assert_int_equal(mdb_changer_paid_value(&s, &ps), 810);
	assert_int_equal(mdb_changer_payout_status_decode(b,
	    hex("00 00 00 00 00 00 01", b), &ps), 0);	/* type 6: no value */
	assert_int_equal(mdb_changer_paid_value(&s, &ps), -1);
	assert_int_equal(mdb_changer_payout_status_decode(b, 17, &ps), -1);

	assert_int_equal(mdb_changer_payout_poll_decode(b, 0, &v), 1);
	assert_int_equal(mdb_changer_payout_poll_decode(b, hex("00", b), &v),
	    0);
	assert_int_equal(v, 0);
	assert_int_equal(mdb_changer_payout_poll_decode(b, hex("14", b), &v),
	    0);
	assert_int_equal(v, 20);
	assert_int_equal(mdb_changer_payout_poll_decode(b, hex("1400", b), &v),
	    -1);

	assert_int_equal(mdb_changer_diag_decode(b, hex("01000600", b), &d), 0);
	assert_int_equal(d.n, 2);			/* vender */
	assert_int_equal(d.code[0], 0x0100);		/* powering up */
	assert_int_equal(d.code[1], 0x0600);		/* inhibited */
	assert_int_equal(mdb_changer_diag_decode(b, hex("0300", b), &d), 0);
	assert_int_equal(d.code[0], 0x0300);
	assert_int_equal(mdb_changer_diag_decode(b, 0, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(mdb_changer_diag_decode(b, 3, &d), -1);
	assert_int_equal(mdb_changer_diag_decode(b, 18, &d), -1);
}

static void
test_ident(void **state)
{
	struct mdb_ident	id;

	(void)state;
	/* vender */
	assert_int_equal(mdb_ident_decode(b, hex("434f47 30303030303030303030"
	    "3030 463030313230303120202020 0290 00000003", b), &id), 0);
	assert_string_equal(id.manufacturer, "COG");
	assert_string_equal(id.serial, "000000000000");
	assert_string_equal(id.model, "F0012001");
	assert_int_equal(id.version, 0x0290);
	assert_true(id.has_features);
	assert_int_equal(id.features, MDB_CHANGER_F_ALT_PAYOUT |
	    MDB_CHANGER_F_EXT_DIAG);
	/* vender, 37 00 */
	assert_int_equal(mdb_ident_decode(b, hex("494354 30303030303030303030"
	    "3030 56372d525552353030303030 0120", b), &id), 0);
	assert_string_equal(id.manufacturer, "ICT");
	assert_string_equal(id.model, "V7-RUR500000");
	assert_int_equal(id.version, 0x0120);
	assert_false(id.has_features);
	memset(b, 0, 29);
	b[0] = 'A';
	b[1] = 0x7f;
	assert_int_equal(mdb_ident_decode(b, 29, &id), 0);
	assert_string_equal(id.manufacturer, "A??");
	assert_int_equal(mdb_ident_decode(b, 28, &id), -1);
	assert_int_equal(mdb_ident_decode(b, 30, &id), -1);
	assert_int_equal(mdb_ident_decode(b, 34, &id), -1);
}

static void
test_bill_setup(void **state)
{
	struct mdb_bill_setup	s;
	int64_t			v;

	(void)state;
	/* vender: RUB, scaling factor 10, no decimals, 200 notes, escrow */
	assert_int_equal(mdb_bill_setup_decode(b, hex("01 1810 000a 00 00c8 "
	    "001f ff 01 05 0a 32 64 0000000000000000000000", b), &s), 0);
	assert_int_equal(s.level, 1);
	assert_int_equal(s.currency, 0x1810);
	assert_int_equal(s.scale, 10);
	assert_int_equal(s.decimals, 0);
	assert_int_equal(s.capacity, 200);
	assert_int_equal(s.security, 0x001f);
	assert_true(s.escrow);
	assert_int_equal(s.ntypes, 16);
	assert_int_equal(s.value[2], 100);		/* 100 RUB */
	assert_int_equal(s.value[4], 1000);
	assert_int_equal(mdb_rescale(s.value[4], s.decimals, 2, &v), 0);
	assert_int_equal(v, 100000);			/* in kopecks */

	/* EUR, scaling factor 500, 2 decimals: 5, 10, 20, 50; no escrow */
	assert_int_equal(mdb_bill_setup_decode(b, hex("02 1978 01f4 02 01f4 "
	    "0000 00 01 02 04 0a", b), &s), 0);
	assert_false(s.escrow);
	assert_int_equal(s.ntypes, 4);
	assert_int_equal(s.value[0], 500);
	assert_int_equal(s.value[3], 5000);

	assert_int_equal(mdb_bill_setup_decode(b, hex("02 1978 01f4 02 01f4 "
	    "0000 01 01", b), &s), -1);			/* escrow byte 01 */
	assert_int_equal(mdb_bill_setup_decode(b, hex("02 1978 0000 02 01f4 "
	    "0000 ff 01", b), &s), -1);			/* scaling factor 0 */
	assert_int_equal(mdb_bill_setup_decode(b, hex("02 1978 01f4 02 01f4 "
	    "0000", b), &s), -1);			/* truncated */
	assert_int_equal(mdb_bill_setup_decode(b, 28, &s), -1);
}

static void
test_bill_poll(void **state)
{
	struct mdb_bill_event	ev[8];
	char			s[4];

	(void)state;
	for (int c = 0x01; c <= 0x0c; c++) {
		snprintf(s, sizeof(s), "%02x", c);
		assert_int_equal(bill_poll(s, ev, 8), 1);
		assert_int_equal(ev[0].kind, c);
	}
	for (int r = 0; r < 8; r++) {
		snprintf(s, sizeof(s), "%02x", 0x80 | r << 4 | 0x05);
		assert_int_equal(bill_poll(s, ev, 8), 1);
		assert_int_equal(ev[0].kind, MDB_BILL_EV_ROUTED);
		assert_int_equal(ev[0].route, r);
		assert_int_equal(ev[0].type, 5);
	}
	assert_int_equal(bill_poll("0609", ev, 8), 2);		/* vender */
	assert_int_equal(ev[0].kind, MDB_BILL_EV_RESET);
	assert_int_equal(ev[1].kind, MDB_BILL_EV_DISABLED);
	assert_int_equal(bill_poll("9209", ev, 8), 2);		/* vender */
	assert_int_equal(ev[0].route, MDB_BILL_ESCROWED);
	assert_int_equal(ev[0].type, 2);
	/* escrowed, then stacked; attempts while disabled */
	assert_int_equal(bill_poll("92 03 82 43", ev, 8), 4);
	assert_int_equal(ev[2].route, MDB_BILL_STACKED);
	assert_int_equal(ev[3].kind, MDB_BILL_EV_ATTEMPTS);
	assert_int_equal(ev[3].count, 3);
	assert_int_equal(bill_poll("a1", ev, 8), 1);
	assert_int_equal(ev[0].route, MDB_BILL_RETURNED);
	assert_int_equal(bill_poll("5f", ev, 8), 1);
	assert_int_equal(ev[0].count, 31);
	assert_int_equal(bill_poll("00", ev, 8), -1);
	assert_int_equal(bill_poll("0d", ev, 8), -1);
	assert_int_equal(bill_poll("21", ev, 8), -1);		/* recycler */
	assert_int_equal(bill_poll("60", ev, 8), -1);
	assert_int_equal(bill_poll("92 03 1b", ev, 8), -1);	/* FTL */
	assert_int_equal(bill_poll("09 09 09", ev, 2), -1);
	assert_int_equal(bill_poll("", ev, 8), 0);
}

static void
test_bill_stacker(void **state)
{
	struct mdb_stacker	st;

	(void)state;
	assert_int_equal(mdb_bill_stacker_decode(b, hex("000b", b), &st), 0);
	assert_false(st.full);				/* vender */
	assert_int_equal(st.count, 11);
	assert_int_equal(mdb_bill_stacker_decode(b, hex("8123", b), &st), 0);
	assert_true(st.full);
	assert_int_equal(st.count, 0x123);
	assert_int_equal(mdb_bill_stacker_decode(b, hex("ff", b), &st), -1);
	assert_int_equal(mdb_bill_stacker_decode(b, hex("000b00", b), &st), -1);
}

static void
test_cashless_config(void **state)
{
	struct mdb_cashless_event	ev[2];
	struct mdb_cashless_config	*c = &ev[0].config;

	(void)state;
	/* level 1, EUR, scale factor 1, 2 decimals, 5 s, no options */
	assert_int_equal(cashless_poll("01 01 1978 01 02 05 00", 1, 0, ev, 2),
	    1);
	assert_int_equal(ev[0].kind, MDB_CASHLESS_EV_CONFIG);
	assert_int_equal(c->level, 1);
	assert_int_equal(c->currency, 0x1978);
	assert_int_equal(c->scale, 1);
	assert_int_equal(c->decimals, 2);
	assert_int_equal(c->max_response, 5);
	assert_int_equal(c->options, 0);
	assert_int_equal(cashless_poll("01 03 1978 05 02 1e 0d", 1, 0, ev, 2),
	    1);
	assert_int_equal(c->options, MDB_CASHLESS_O_REFUND |
	    MDB_CASHLESS_O_DISPLAY | MDB_CASHLESS_O_CASH_SALE);
	assert_int_equal(cashless_poll("01 01 1978 00 02 05 00", 1, 0, ev, 2),
	    -1);					/* scale factor 0 */
	assert_int_equal(cashless_poll("01 01 1978 01 02 05", 1, 0, ev, 2), -1);
}

static void
test_cashless_poll(void **state)
{
	struct mdb_cashless_event	ev[4];
	static const struct {
		const char	*hex;
		int		 kind;
	} one[] = {
		{ "00", MDB_CASHLESS_EV_JUST_RESET },
		{ "03 0064", MDB_CASHLESS_EV_BEGIN_SESSION },
		{ "04", MDB_CASHLESS_EV_CANCEL_REQUEST },
		{ "05 0014", MDB_CASHLESS_EV_APPROVED },
		{ "06", MDB_CASHLESS_EV_DENIED },
		{ "07", MDB_CASHLESS_EV_END_SESSION },
		{ "08", MDB_CASHLESS_EV_CANCELLED },
		{ "0a 12", MDB_CASHLESS_EV_ERROR },
		{ "0b", MDB_CASHLESS_EV_OUT_OF_SEQUENCE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		assert_int_equal(cashless_poll(one[i].hex, 1, 0, ev, 4), 1);
		assert_int_equal(ev[0].kind, one[i].kind);
	}
	/* scale factor 5, 2 decimals: funds 100 are 5.00, an approval of 20
	 * is 1.00 */
	assert_int_equal(cashless_poll("03 0064", 1, 0, ev, 4), 1);
	assert_int_equal(mdb_to_minor(ev[0].amount, 5), 500);
	assert_int_equal(cashless_poll("05 0014 07", 1, 0, ev, 4), 2);
	assert_int_equal(ev[0].amount, 20);
	assert_int_equal(mdb_to_minor(ev[0].amount, 5), 100);
	assert_int_equal(ev[1].kind, MDB_CASHLESS_EV_END_SESSION);
	assert_int_equal(cashless_poll("0a 12", 1, 0, ev, 4), 1);
	assert_int_equal(ev[0].code, 0x12);
	/* denied, session ended, then the reader was reset */
	assert_int_equal(cashless_poll("06 07 00", 1, 0, ev, 4), 3);
	assert_int_equal(ev[2].kind, MDB_CASHLESS_EV_JUST_RESET);
	/* peripheral ID: 30 bytes below level 3, 34 at it */
	assert_int_equal(cashless_poll("09 414243 303030303030303030303031 "
	    "524541444552202020202020 0105", 1, 0, ev, 4), 1);
	assert_int_equal(ev[0].kind, MDB_CASHLESS_EV_PERIPHERAL_ID);
	assert_string_equal(ev[0].ident.manufacturer, "ABC");
	assert_string_equal(ev[0].ident.model, "READER");
	assert_int_equal(ev[0].ident.version, 0x0105);
	assert_int_equal(cashless_poll("09 414243 303030303030303030303031 "
	    "524541444552202020202020 0105 00000020", 3, 0, ev, 4), 1);
	assert_int_equal(ev[0].ident.features, 0x20);
	assert_int_equal(cashless_poll("09 414243 303030303030303030303031 "
	    "524541444552202020202020 0105", 3, 0, ev, 4), -1);
	/* level 2: begin session with media, out of sequence with status */
	assert_int_equal(cashless_poll("03 0064 12345678 01 abcd 0b 02", 2, 0,
	    ev, 4), 2);
	assert_int_equal(ev[0].amount, 100);
	assert_int_equal(ev[0].media_id, 0x12345678);
	assert_int_equal(ev[0].payment_type, 1);
	assert_int_equal(ev[0].payment_data, 0xabcd);
	assert_int_equal(ev[1].code, 2);
	/* display request of a 4-cell display, 3 s */
	assert_int_equal(cashless_poll("02 1e 48 49 21 20 07", 1, 4, ev, 4), 2);
	assert_int_equal(ev[0].kind, MDB_CASHLESS_EV_DISPLAY);
	assert_int_equal(ev[0].code, 30);
	assert_string_equal(ev[0].text, "HI!");
	assert_int_equal(cashless_poll("02 1e 48 49", 1, 4, ev, 4), -1);
	assert_int_equal(cashless_poll("02 1e", 1, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("02 1e", 1, MDB_DISPLAY_MAX + 1, ev, 4),
	    -1);
	/* truncated, unknown (revalue, diagnostics), too many */
	assert_int_equal(cashless_poll("03 00", 1, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("07 05 00", 1, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("03 0064 12", 2, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("0c", 1, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("0d", 3, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("ff 00", 3, 0, ev, 4), -1);
	assert_int_equal(cashless_poll("06 07 00", 1, 0, ev, 2), -1);
	assert_int_equal(cashless_poll("", 1, 0, ev, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_commands),
		cmocka_unit_test(test_changer_commands),
		cmocka_unit_test(test_bill_commands),
		cmocka_unit_test(test_cashless_commands),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_changer_setup),
		cmocka_unit_test(test_changer_tubes),
		cmocka_unit_test(test_changer_poll_status),
		cmocka_unit_test(test_changer_poll_coins),
		cmocka_unit_test(test_changer_payout),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_bill_setup),
		cmocka_unit_test(test_bill_poll),
		cmocka_unit_test(test_bill_stacker),
		cmocka_unit_test(test_cashless_config),
		cmocka_unit_test(test_cashless_poll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
