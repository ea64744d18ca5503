/*
 * dex: the CRC, the report's framing (G85, SE, CR LF), the product and
 * currency segments, and a whole report for a scripted session compared
 * byte for byte with text written by hand from the field orders in dex.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dex.h"

/* The fake session's wall clock, UTC. */
#define T_DOOR1		1741593600	/* 2025-03-10 08:00:00 */
#define T_FAILED	1741801500	/* 2025-03-12 17:45:00 */
#define T_DOOR2		1741944600	/* 2025-03-14 09:30:00 */
#define T_REPORT	1741964966	/* 2025-03-14 15:09:26 */

static struct dex_audit	a;
static int64_t		credit;		/* what the customer has inserted */
static char		*rep;		/* the last report, freed by teardown */

/* One more, since initialisation and since the last reset. */
static void
counter_add(struct dex_counter *c, int64_t value)
{
	c->count++;
	c->value += value;
	c->count_reset++;
	c->value_reset += value;
}

/* One more event, happening at t. */
static void
event(enum dex_event ev, time_t t, int active)
{
	a.event[ev].count++;
	a.event[ev].count_reset++;
	a.event[ev].last = t;
	a.event[ev].active = active;
}

/* A coin of the value table goes to the cash box. */
static void
coin(int64_t value)
{
	for (int i = 0; i < a.ncoins; i++)
		if (a.coin[i].value == value) {
			a.coin[i].count++;
			a.coin[i].count_reset++;
		}
	a.cash_in += value;
	a.cash_in_reset += value;
	credit += value;
}

/* A paid vend of product p (0-based), all of it cash. */
static void
vend(int p)
{
	int64_t	price = a.product[p].price;

	assert_true(credit >= price);
	credit -= price;
	counter_add(&a.product[p].paid, price);
	counter_add(&a.paid, price);
	counter_add(&a.cash_sales, price);
}

/* A test vend from service mode: counted, no money. */
static void
test_vend(int p)
{
	counter_add(&a.product[p].test, 0);
	counter_add(&a.test, 0);
}

/* A vend that did not drop: the credit stays, the event is counted. */
static void
failed_vend(int p, time_t t)
{
	a.product[p].failed++;
	a.product[p].failed_reset++;
	event(DEX_EV_FAILED_VEND, t, 0);
}

/* A DEX read with reset: every since-reset counter back to 0. */
static void
reset_read(void)
{
	a.paid.count_reset = a.test.count_reset = 0;
	a.paid.value_reset = a.test.value_reset = 0;
	a.cash_sales.count_reset = 0;
	a.cash_sales.value_reset = 0;
	a.cash_in_reset = 0;
	for (int i = 0; i < a.ncoins; i++)
		a.coin[i].count_reset = 0;
	for (int i = 0; i < a.nproducts; i++) {
		struct dex_product	*p = &a.product[i];

		p->paid.count_reset = p->test.count_reset = 0;
		p->paid.value_reset = p->test.value_reset = 0;
		p->failed_reset = p->sold_out_reset = 0;
	}
	for (int i = 0; i < DEX_EV_MAX; i++)
		a.event[i].count_reset = 0;
}

/* A column of the fake machine. */
static void
product(int i, const char *code, int64_t price)
{
	snprintf(a.product[i].code, sizeof(a.product[i].code), "%s", code);
	a.product[i].price = price;
}

/* Three columns (the third without a code), coins of 50, 100 and 200. */
static int
setup(void **state)
{
	(void)state;
	memset(&a, 0, sizeof(a));
	credit = 0;
	strcpy(a.serial, "VM-2024-000123");
	strcpy(a.model, "VENDD-3");
	strcpy(a.currency, "EUR");
	a.decimals = 2;
	a.now = T_REPORT;
	a.ncoins = 3;
	a.coin[0].value = 50;
	a.coin[1].value = 100;
	a.coin[2].value = 200;
	a.nproducts = 3;
	product(0, "11", 150);
	product(1, "12", 100);
	product(2, "", 250);
	return 0;
}

/* The last report goes, even when an assertion cut its test short. */
static int
teardown(void **state)
{
	(void)state;
	free(rep);
	rep = NULL;
	return 0;
}

/*
 * Test vends with the door open, two sales, a read with reset; then a
 * sale, a failed vend whose credit buys two cheaper products, and the
 * door open again for a test vend, still open at the report.
 */
static void
session(void)
{
	event(DEX_EV_DOOR, T_DOOR1, 1);
	test_vend(0);
	test_vend(2);
	a.event[DEX_EV_DOOR].active = 0;
	coin(100);
	coin(50);
	vend(0);
	coin(100);
	vend(1);
	reset_read();

	coin(200);
	coin(50);
	vend(2);
	coin(200);
	failed_vend(0, T_FAILED);
	vend(1);
	vend(1);
	event(DEX_EV_DOOR, T_DOOR2, 1);
	test_vend(1);
	assert_int_equal(credit, 0);
}

/* The report of the current audit, checked to be a string of *len bytes. */
static char *
report(size_t *len)
{
	free(rep);
	rep = dex_report(&a, len);
	assert_non_null(rep);
	assert_int_equal(strlen(rep), *len);
	return rep;
}

/* The line starting with prefix, or NULL. */
static const char *
line(const char *r, const char *prefix)
{
	size_t	n = strlen(prefix);

	for (const char *l = r; l != NULL; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (strncmp(l, prefix, n) == 0)
			return l;
	}
	return NULL;
}

/* Fail unless r has the line s (CR LF added here). */
static void
assert_line(const char *r, const char *s)
{
	char	buf[128];

	snprintf(buf, sizeof(buf), "%s\r\n", s);
	if (line(r, buf) == NULL)
		fail_msg("no line \"%s\" in:\n%s", s, r);
}

/* The catalogue's check value of CRC-16/ARC. */
static void
test_crc_check(void **state)
{
	(void)state;
	assert_int_equal(dex_crc16("123456789", 9), 0xbb3d);
	assert_int_equal(dex_crc16("", 0), 0);
}

/* G85 holds the CRC of the bytes from ST to the CR LF before G85. */
static void
test_g85(void **state)
{
	size_t		 len;
	char		*r, *end;
	const char	*st, *g85;
	unsigned long	 crc;

	(void)state;
	session();
	r = report(&len);
	assert_non_null(st = line(r, "ST*"));
	assert_non_null(g85 = line(r, "G85*"));
	crc = strtoul(g85 + 4, &end, 16);
	assert_int_equal(end - (g85 + 4), 4);
	assert_memory_equal(end, "\r\n", 2);
	for (const char *h = g85 + 4; h < end; h++)	/* upper-case hex */
		assert_true((*h >= '0' && *h <= '9') || (*h >= 'A' && *h <= 'F'));
	assert_int_equal(crc, dex_crc16(st, (size_t)(g85 - st)));
}

/* SE counts the lines from ST to SE, both included. */
static void
test_se_count(void **state)
{
	size_t		 len;
	char		*r;
	const char	*st, *se;
	int		 n = 0;

	(void)state;
	session();
	r = report(&len);
	assert_non_null(st = line(r, "ST*"));
	assert_non_null(se = line(r, "SE*"));
	for (const char *p = st; p <= se; p = strchr(p, '\n') + 1)
		n++;
	assert_int_equal(strtol(se + 3, NULL, 10), n);
	assert_non_null(strstr(se, "*0001\r\nDXE*1*1\r\n"));
}

/* Every line ends in CR LF, none in a bare LF, nothing after DXE. */
static void
test_crlf(void **state)
{
	size_t	 len;
	char	*r;

	(void)state;
	session();
	r = report(&len);
	assert_true(len > 2);
	assert_memory_equal(r, "DXS*", 4);
	for (size_t i = 0; i < len; i++) {
		if (r[i] == '\n')
			assert_true(i > 0 && r[i - 1] == '\r');
		if (r[i] == '\r')
			assert_true(i + 1 < len && r[i + 1] == '\n');
	}
	assert_string_equal(r + len - strlen("\r\nDXE*1*1\r\n"),
	    "\r\nDXE*1*1\r\n");
}

/* PA1, PA2, PA3 per column in order; a column without a code: its number. */
static void
test_products(void **state)
{
	static const char *const want[] = {
		"PA1*11*150", "PA2*4*600*1*150", "PA3*0*0*0*0",
		"PA1*2*90", "PA2*0*0*0*0", "PA3*2*0*2*0",
		"PA1*A7*1000", "PA2*3*3000*3*3000", "PA3*0*0*0*0",
	};
	size_t		 len, i = 0;
	char		*r;
	const char	*l;

	(void)state;
	product(1, "", 90);
	product(2, "A7", 1000);
	a.product[0].paid = (struct dex_counter){ 4, 600, 1, 150 };
	a.product[1].test = (struct dex_counter){ 2, 0, 2, 0 };
	a.product[2].paid = (struct dex_counter){ 3, 3000, 3, 3000 };
	r = report(&len);
	for (l = line(r, "PA"); l != NULL && strncmp(l, "PA", 2) == 0;
	    l = strchr(l, '\n') + 1) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(strcspn(l, "\r"), strlen(want[i]));
		assert_memory_equal(l, want[i], strlen(want[i]));
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
}

/* ID4: the ISO number with its leading zero, empty for an unknown code. */
static void
test_currency(void **state)
{
	size_t	 len;
	char	*r;

	(void)state;
	strcpy(a.currency, "XYZ");
	r = report(&len);
	assert_line(r, "ID4*2**XYZ");

	strcpy(a.currency, "AUD");
	r = report(&len);
	assert_line(r, "ID4*2*036*AUD");

	strcpy(a.currency, "JPY");
	a.decimals = 0;
	r = report(&len);
	assert_line(r, "ID4*0*392*JPY");
}

/* Text DEX cannot carry is replaced; the communication id keeps its shape. */
static void
test_text(void **state)
{
	char	 id1[64];
	size_t	 len;
	char	*r;

	(void)state;
	strcpy(a.serial, "ab*1\r\n");
	strcpy(a.model, "Caf\xc3\xa9");
	strcpy(a.product[0].code, "1*");
	r = report(&len);
	assert_memory_equal(r, "DXS*VND0000AB1*VA*V1/1*1\r\n",
	    strlen("DXS*VND0000AB1*VA*V1/1*1\r\n"));
	assert_line(r, "ID1*ab_1__*Caf__");
	assert_line(r, "PA1*1_*150");

	memset(a.serial, 'X', sizeof(a.serial));	/* no NUL at all */
	r = report(&len);
	assert_line(r, "DXS*VNDXXXXXXX*VA*V1/1*1");
	snprintf(id1, sizeof(id1), "ID1*%.*s*Caf__", DEX_TEXT_MAX, a.serial);
	assert_int_equal(strlen(id1), strlen("ID1**Caf__") + DEX_TEXT_MAX);
	assert_line(r, id1);
}

/* Events never seen are left out; one holding now is in, time unknown. */
static void
test_events(void **state)
{
	size_t	 len;
	char	*r;

	(void)state;
	r = report(&len);
	assert_null(line(r, "EA"));

	a.event[DEX_EV_COOLING].active = 1;
	a.event[DEX_EV_COIN_FAULT] = (struct dex_event_count){ 3, 1, 0, 0 };
	r = report(&len);
	assert_line(r, "EA1*EOA");
	assert_line(r, "EA2*EOA*0*0**1");
	assert_line(r, "EA1*EA");
	assert_line(r, "EA2*EA*1*3**0");
	assert_null(line(r, "EA1*EGS"));
	assert_null(line(r, "EA1*ELA"));
}

/* The whole report of the scripted session, field by field by hand. */
static void
test_golden(void **state)
{
	static const char	want[] =
	    "DXS*VND4000123*VA*V1/1*1\r\n"
	    "ST*001*0001\r\n"
	    "ID1*VM-2024-000123*VENDD-3\r\n"
	    "ID4*2*978*EUR\r\n"
	    "ID5*250314*1509\r\n"
	    /* cash sales: value, count since init; since reset */
	    "CA2*700*5*450*3\r\n"
	    /* cash in, to box, to tubes, bills: since reset; since init */
	    "CA3*450*450*0*0*700*700*0*0\r\n"
	    /* coin, in, to box, to tubes: since reset; since init */
	    "CA11*50*1*1*0*2*2*0\r\n"
	    "CA11*100*0*0*0*2*2*0\r\n"
	    "CA11*200*2*2*0*2*2*0\r\n"
	    "VA1*700*5*450*3\r\n"
	    "VA2*0*3*0*1\r\n"
	    /* count, value since init; since reset */
	    "PA1*11*150\r\n"
	    "PA2*1*150*0*0\r\n"
	    "PA3*1*0*0*0\r\n"
	    "PA1*12*100\r\n"
	    "PA2*3*300*2*200\r\n"
	    "PA3*1*0*1*0\r\n"
	    "PA1*3*250\r\n"
	    "PA2*1*250*1*250\r\n"
	    "PA3*1*0*0*0\r\n"
	    /* last time; since reset, since init, (duration), active */
	    "EA1*EGS*250314*0930\r\n"
	    "EA2*EGS*1*2**1\r\n"
	    "EA1*ELA*250312*1745\r\n"
	    "EA2*ELA*1*1**0\r\n"
	    /* CRC-16/ARC of ST..here, by a separate implementation */
	    "G85*36A4\r\n"
	    "SE*26*0001\r\n"
	    "DXE*1*1\r\n";
	size_t	 len;
	char	*r;

	(void)state;
	session();
	r = report(&len);
	assert_string_equal(r, want);
	assert_int_equal(len, sizeof(want) - 1);
}

/* MDB: CA3 splits the cash in into the cash box, the changer's tubes and
 * bills; CA2 leaves card sales out; DA2 has them, with a reader fitted. */
static void
test_mdb(void **state)
{
	size_t	 len;
	char	*r;

	(void)state;
	a.cash_in = 2500;		/* 5.00 coins, 20.00 in notes */
	a.cash_in_reset = 1500;
	a.to_tubes = 300;
	a.to_tubes_reset = 100;
	a.notes_in = 2000;
	a.notes_in_reset = 1000;
	a.cash_sales = (struct dex_counter){ 2, 300, 1, 150 };
	r = report(&len);
	assert_line(r, "CA3*1500*400*100*1000*2500*200*300*2000");
	assert_null(line(r, "DA2"));
	a.cashless = 1;
	a.card_sales = (struct dex_counter){ 3, 450, 1, 150 };
	r = report(&len);
	assert_line(r, "DA2*450*3*150*1");
	assert_line(r, "CA2*300*2*150*1");
}

/* Each test on a fresh machine, its report freed whatever happens. */
#define DEX_TEST(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		DEX_TEST(test_crc_check),
		DEX_TEST(test_g85),
		DEX_TEST(test_se_count),
		DEX_TEST(test_crlf),
		DEX_TEST(test_products),
		DEX_TEST(test_currency),
		DEX_TEST(test_text),
		DEX_TEST(test_events),
		DEX_TEST(test_golden),
		DEX_TEST(test_mdb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
