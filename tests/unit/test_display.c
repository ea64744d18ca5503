/*
 * display core with a fake clock: every screen the customer sees, the
 * message timeout, the backlight, the idle price cycle, cutting UTF-8 at
 * the width; and the encoders read back through tests/sim/screendec.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "display_core.h"
#include "display_encode.h"
#include "msg.h"
#include "screendec.h"
#include "testutil.h"

#define T0	SEC(1000)	/* boot: the monotonic clock is not 0 */

static const char *const texts[DT_MAX] = {
	[DT_INSERT] = "Insert coins",
	[DT_CREDIT] = "Credit %s",
	[DT_PRICE] = "%s %s",
	[DT_MORE] = "Insert %s more",
	[DT_CHOOSE] = "Make a selection",
	[DT_SOLD_OUT] = "Sold out",
	[DT_OUT_OF_ORDER] = "Out of order",
	[DT_VENDING] = "Vending...",
	[DT_TAKE] = "Please take your product",
	[DT_REFUND] = "Credit returned",
	[DT_NO_CHANGE] = "No change given",
	[DT_FAULT] = "Out of service",
	[DT_NOT_COLD] = "Not cold",
	[DT_CODE] = "Code %s",
	[DT_UNKNOWN_CODE] = "Unknown code %s",
	[DT_KEYPAD_FAULT] = "Keypad out of order",
	[DT_SERVICE] = "Service mode",
	[DT_SVC_COLUMNS] = "Faulty %s empty %s",
	[DT_SVC_SOLD] = "Sold %s test %s",
	[DT_SVC_CASH] = "Cash box %s",
	[DT_TEST_OK] = "Test vend ok",
	[DT_TEST_FAILED] = "Test vend failed",
	[DT_CHANGE_GIVEN] = "Change given",
	[DT_EXACT_CHANGE] = "Use exact change",
	[DT_CARD] = "Card: choose",
	[DT_CARD_DENIED] = "Card declined",
};

static struct config		cf;
static struct display_core	c;

/* A product of the fake config. */
static void
product(int i, const char *id, const char *label, int64_t price)
{
	snprintf(cf.product[i].id, sizeof(cf.product[i].id), "%s", id);
	snprintf(cf.product[i].label, sizeof(cf.product[i].label), "%s",
	    label);
	cf.product[i].price = price;
}

/* Every field the display reads, set here: config_defaults may not yet. */
static void
config_fill(void)
{
	memset(&cf, 0, sizeof(cf));
	strcpy(cf.currency, "EUR");
	cf.decimals = 2;
	cf.nproducts = 3;
	product(0, "cola", "Cola", 100);
	product(1, "water", "Water", 80);
	product(2, "cafe", "Café crème", 150);
	cf.display.type = DISPLAY_CHARLCD;
	strcpy(cf.display.device, "/dev/lcd");
	cf.display.rows = 2;
	cf.display.cols = 16;
	cf.display.message_s = 3;
	cf.display.idle_cycle_s = 0;
	cf.display.backlight_s = 300;
	cf.display.retry_s = 5;
	for (int i = 0; i < DT_MAX; i++)
		strcpy(cf.display.text[i], texts[i]);
}

static int
setup(void **state)
{
	(void)state;
	config_fill();
	display_core_init(&c, &cf, T0);
	return 0;
}

/* Seconds since boot on the fake clock. */
static uint64_t
at(uint64_t ms)
{
	return T0 + MS(ms);
}

/* One event at ms. */
static void
show(uint32_t event, int product_, int64_t credit, int64_t amount,
    uint32_t on, const char *digits, uint64_t ms)
{
	struct msg_show	m;

	memset(&m, 0, sizeof(m));
	m.event = event;
	m.product = product_;
	m.credit = credit;
	m.amount = amount;
	m.on = on;
	snprintf(m.digits, sizeof(m.digits), "%s", digits);
	assert_true(display_core_valid(&c, &m));
	display_core_show(&c, &m, at(ms));
}

/* A sales event: credit after it, nothing else. */
static void
sales(uint32_t event, int product_, int64_t credit, uint64_t ms)
{
	show(event, product_, credit, 0, 0, "", ms);
}

static void
tick(uint64_t ms)
{
	display_core_tick(&c, at(ms));
}

static void
assert_rows(const char *r0, const char *r1)
{
	const struct display_screen *s = display_core_screen(&c);

	assert_string_equal(s->row[0], r0);
	assert_string_equal(s->row[1], r1);
}

static void
assert_idle(void)
{
	assert_rows("Insert coins", "No change given");
}

static void
test_idle(void **state)
{
	const struct display_screen *s = display_core_screen(&c);

	(void)state;
	assert_idle();
	assert_int_equal(s->rows, 2);
	assert_int_equal(s->cols, 16);
	assert_int_equal(s->backlight, 1);
	assert_int_equal(display_core_version(&c), 1);
	/* The backlight timeout is the only thing due. */
	assert_int_equal(display_core_deadline(&c), at(300000));
}

static void
test_credit(void **state)
{
	uint32_t	v = display_core_version(&c);

	(void)state;
	sales(SHOW_CREDIT, -1, 100, 10);
	assert_rows("Credit 1.00", "Make a selection");
	assert_true(display_core_version(&c) != v);
	assert_int_equal(display_core_deadline(&c), 0);	/* no idle timeout */
	/* The same screen again does not move the version. */
	v = display_core_version(&c);
	sales(SHOW_CREDIT, -1, 100, 20);
	assert_int_equal(display_core_version(&c), v);
}

static void
test_selected_more(void **state)
{
	(void)state;
	sales(SHOW_CREDIT, -1, 100, 10);
	show(SHOW_SELECTED, 2, 100, 150, 0, "", 20);
	assert_rows("Café crème 1.50", "Insert 0.50 more");
	assert_int_equal(display_core_deadline(&c), 0);	/* stays */
	tick(600000);
	assert_rows("Café crème 1.50", "Insert 0.50 more");
	/* A coin: enough now, the selection stays and shows the credit. */
	sales(SHOW_CREDIT, -1, 200, 700000);
	assert_rows("Café crème 1.50", "Credit 2.00");
	sales(SHOW_CANCELLED, -1, 200, 700010);
	assert_rows("Credit 2.00", "Make a selection");
}

static void
test_message_timeout(void **state)
{
	(void)state;
	sales(SHOW_CHOOSE, -1, 0, 1000);
	assert_rows("Make a selection", "");
	assert_int_equal(display_core_deadline(&c), at(4000));
	tick(3999);
	assert_rows("Make a selection", "");
	tick(4000);
	assert_idle();
	/* With credit, back to the credit screen. */
	sales(SHOW_CREDIT, -1, 50, 5000);
	sales(SHOW_CHOOSE, -1, 50, 5100);
	assert_rows("Make a selection", "Credit 0.50");
	tick(8100);
	assert_rows("Credit 0.50", "Make a selection");
	assert_int_equal(display_core_deadline(&c), 0);
}

static void
test_more(void **state)
{
	(void)state;
	show(SHOW_MORE, 0, 20, 80, 0, "", 10);
	assert_rows("Cola 1.00", "Insert 0.80 more");
	tick(3010);
	assert_rows("Credit 0.20", "Make a selection");
}

/*
 * While sales holds a selection, every screen that follows a message, a
 * coin or a cleared code shows it: nobody reads "Make a selection" while
 * VEND would sell the last customer's choice. A cancel or a column that
 * cannot sell lets it go.
 */
static void
test_selection_kept(void **state)
{
	(void)state;
	show(SHOW_SELECTED, 1, 20, 80, 0, "", 10);
	assert_rows("Water 0.80", "Insert 0.60 more");
	show(SHOW_MORE, 1, 20, 60, 0, "", 20);
	tick(3020);
	assert_rows("Water 0.80", "Insert 0.60 more");
	sales(SHOW_CREDIT, 1, 70, 3030);		/* a coin */
	assert_rows("Water 0.80", "Insert 0.10 more");
	show(SHOW_ENTRY, -1, 0, 0, 0, "2", 3040);	/* a code begun ... */
	assert_rows("Code 2", "Credit 0.70");
	show(SHOW_ENTRY, -1, 0, 0, 0, "", 3050);	/* ... and cleared */
	assert_rows("Water 0.80", "Insert 0.10 more");
	sales(SHOW_CANCELLED, -1, 70, 3060);
	assert_rows("Credit 0.70", "Make a selection");
	show(SHOW_SELECTED, 2, 70, 150, 0, "", 3070);
	sales(SHOW_SOLD_OUT, 2, 70, 3080);
	tick(6080);
	assert_rows("Credit 0.70", "Make a selection");
	/* a credit event without a selection (the machine's restart) */
	sales(SHOW_CREDIT, -1, 70, 6090);
	assert_rows("Credit 0.70", "Make a selection");
}

static void
test_vend_take(void **state)
{
	(void)state;
	sales(SHOW_CREDIT, -1, 100, 10);
	show(SHOW_SELECTED, 0, 100, 100, 0, "", 20);
	assert_rows("Cola 1.00", "Credit 1.00");
	sales(SHOW_VENDING, 0, 0, 30);
	assert_rows("Cola", "Vending...");
	assert_int_equal(display_core_deadline(&c), 0);	/* no timeout */
	tick(3600000);
	assert_rows("Cola", "Vending...");
	/* Keys typed during the vend do not interrupt it. */
	show(SHOW_ENTRY, -1, 0, 0, 0, "1", 3600001);
	assert_rows("Cola", "Vending...");
	sales(SHOW_TAKE, 0, 0, 3600100);
	assert_rows("Please take your", "");
	tick(3603100);
	assert_idle();
}

static void
test_take_with_credit(void **state)
{
	(void)state;
	sales(SHOW_VENDING, 1, 20, 10);
	sales(SHOW_TAKE, 1, 20, 20);
	assert_rows("Please take your", "Credit 0.20");
	tick(3020);
	assert_rows("Credit 0.20", "Make a selection");
}

static void
test_refund(void **state)
{
	(void)state;
	sales(SHOW_VENDING, 0, 0, 10);
	sales(SHOW_REFUND, 0, 100, 2000);
	assert_rows("Credit returned", "Credit 1.00");
	assert_int_equal(display_core_deadline(&c), at(5000));
	tick(5000);
	assert_rows("Credit 1.00", "Make a selection");
}

static void
test_sold_out(void **state)
{
	(void)state;
	sales(SHOW_SOLD_OUT, 1, 0, 10);
	assert_rows("Water", "Sold out");
	tick(3010);
	assert_idle();
}

static void
test_out_of_order(void **state)
{
	(void)state;
	sales(SHOW_OUT_OF_ORDER, 0, 100, 10);
	assert_rows("Cola", "Out of order");
	tick(3010);
	assert_rows("Credit 1.00", "Make a selection");
}

static void
test_unknown_code(void **state)
{
	(void)state;
	show(SHOW_UNKNOWN_CODE, -1, 0, 0, 0, "42", 10);
	assert_rows("Unknown code 42", "Insert coins");
	/* The keypad clears its entry: the message stays its time. */
	show(SHOW_ENTRY, -1, 0, 0, 0, "", 20);
	assert_rows("Unknown code 42", "Insert coins");
	tick(3010);
	assert_idle();
}

static void
test_entry(void **state)
{
	(void)state;
	show(SHOW_ENTRY, -1, 0, 0, 0, "1", 10);
	assert_rows("Code 1", "Insert coins");
	show(SHOW_ENTRY, -1, 0, 0, 0, "12", 20);
	assert_rows("Code 12", "Insert coins");
	assert_int_equal(display_core_deadline(&c), 0);
	show(SHOW_ENTRY, -1, 0, 0, 0, "", 30);
	assert_idle();
	/* Keypad events carry credit 0: the credit stays sales'. */
	sales(SHOW_CREDIT, -1, 100, 40);
	show(SHOW_ENTRY, -1, 0, 0, 0, "3", 50);
	assert_rows("Code 3", "Credit 1.00");
	show(SHOW_ENTRY, -1, 0, 0, 0, "", 60);
	assert_rows("Credit 1.00", "Make a selection");
}

static void
test_not_selling(void **state)
{
	(void)state;
	show(SHOW_SELLING, -1, 0, 0, 0, "", 10);
	assert_rows("Out of service", "No change given");
	sales(SHOW_CREDIT, -1, 100, 20);
	assert_rows("Out of service", "Credit 1.00");
	sales(SHOW_SOLD_OUT, 0, 100, 30);
	assert_rows("Out of service", "Sold out");
	show(SHOW_SELLING, -1, 100, 0, 1, "", 40);
	assert_rows("Cola", "Sold out");	/* the message runs on */
	tick(3030);
	assert_rows("Credit 1.00", "Make a selection");
}

static void
test_keypad_lost(void **state)
{
	(void)state;
	show(SHOW_KEYPAD, -1, 0, 0, 0, "", 10);
	assert_rows("Insert coins", "Keypad out of or");
	sales(SHOW_CREDIT, -1, 100, 20);
	assert_rows("Credit 1.00", "Keypad out of or");
	show(SHOW_KEYPAD, -1, 0, 0, 1, "", 30);
	assert_rows("Credit 1.00", "Make a selection");
}

static void
test_not_cold(void **state)
{
	(void)state;
	show(SHOW_COOLING, -1, 0, 0, 0, "", 10);
	assert_rows("Insert coins", "Not cold");
	show(SHOW_COOLING, -1, 0, 0, 1, "", 20);
	assert_idle();
}

static void
test_backlight(void **state)
{
	const struct display_screen *s = display_core_screen(&c);
	uint32_t	v;

	(void)state;
	sales(SHOW_CREDIT, -1, 100, 10);
	assert_int_equal(display_core_deadline(&c), 0);	/* credit: stays lit */
	sales(SHOW_CANCELLED, -1, 0, 1000);		/* credit used up */
	assert_int_equal(display_core_deadline(&c), at(301000));
	tick(300999);
	assert_int_equal(s->backlight, 1);
	v = display_core_version(&c);
	tick(301000);
	assert_int_equal(s->backlight, 0);
	assert_true(display_core_version(&c) != v);
	assert_idle();				/* the text stays */
	assert_int_equal(display_core_deadline(&c), 0);	/* nothing due */
	/* A coin wakes it. */
	sales(SHOW_CREDIT, -1, 50, 400000);
	assert_int_equal(s->backlight, 1);
	assert_rows("Credit 0.50", "Make a selection");
}

static void
test_no_deadline_idle(void **state)
{
	(void)state;
	cf.display.backlight_s = 0;		/* always on */
	display_core_init(&c, &cf, T0);
	assert_int_equal(display_core_deadline(&c), 0);
	sales(SHOW_CHOOSE, -1, 0, 10);
	assert_int_equal(display_core_deadline(&c), at(3010));
	tick(3010);
	assert_idle();
	assert_int_equal(display_core_deadline(&c), 0);
	assert_int_equal(display_core_screen(&c)->backlight, 1);
}

static void
test_idle_cycle(void **state)
{
	(void)state;
	cf.display.idle_cycle_s = 5;
	cf.display.backlight_s = 12;
	display_core_init(&c, &cf, T0);
	assert_rows("Insert coins", "Cola 1.00");
	assert_int_equal(display_core_deadline(&c), at(5000));
	tick(5000);
	assert_rows("Insert coins", "Water 0.80");
	tick(10000);
	assert_rows("Insert coins", "Café crème 1.50");
	tick(12000);				/* dark: the cycle pauses */
	assert_int_equal(display_core_screen(&c)->backlight, 0);
	assert_int_equal(display_core_deadline(&c), 0);
	sales(SHOW_CREDIT, -1, 0, 20000);	/* woken: from the start */
	assert_rows("Insert coins", "Cola 1.00");
	tick(25000);
	assert_rows("Insert coins", "Water 0.80");
	tick(30000);
	assert_int_equal(display_core_deadline(&c), at(32000));
	tick(32000);
	assert_int_equal(display_core_screen(&c)->backlight, 0);
	/* Always lit: the notice is the last step of the cycle. */
	cf.display.backlight_s = 0;
	display_core_init(&c, &cf, T0);
	tick(5000);
	tick(10000);
	tick(15000);
	assert_rows("Insert coins", "No change given");
	tick(20000);
	assert_rows("Insert coins", "Cola 1.00");
	/* Not on the credit screen. */
	sales(SHOW_CREDIT, -1, 100, 21000);
	assert_int_equal(display_core_deadline(&c), 0);
}

static void
test_utf8_cut(void **state)
{
	char	s[DISPLAY_ROW_BYTES];

	(void)state;
	cf.display.cols = 8;
	display_core_init(&c, &cf, T0);
	sales(SHOW_SOLD_OUT, 2, 0, 10);
	assert_rows("Café crè", "Sold out");
	assert_int_equal(strlen(c.screen.row[0]), 10);	/* é, è: 2 bytes */
	cf.display.cols = 4;
	display_core_init(&c, &cf, T0);
	sales(SHOW_SOLD_OUT, 2, 0, 10);
	assert_rows("Café", "Sold");
	strcpy(s, "a\xe2\x82\xac" "b");		/* a€b */
	display_text_cut(s, 2);
	assert_string_equal(s, "a\xe2\x82\xac");
	display_text_cut(s, 1);
	assert_string_equal(s, "a");
}

/* A label too long for the row gives way to the price, by whole characters. */
static void
test_price_kept(void **state)
{
	(void)state;
	product(0, "tea", "Iced tea 0.33l", 180);
	display_core_init(&c, &cf, T0);
	sales(SHOW_SELECTED, 0, 200, 10);
	assert_rows("Iced tea 0. 1.80", "Credit 2.00");
	product(0, "cafe", "Caf\xc3\xa9 cr\xc3\xa8me au lait", 150);
	display_core_init(&c, &cf, T0);
	sales(SHOW_SELECTED, 0, 200, 10);
	assert_rows("Caf\xc3\xa9 cr\xc3\xa8me 1.50", "Credit 2.00");
}

static void
test_long_text(void **state)
{
	char	out[64];

	(void)state;
	display_text_fill(out, sizeof(out), "Please take your product", NULL,
	    NULL);
	display_text_cut(out, 16);
	assert_string_equal(out, "Please take your");
	/* Texts are data: %% is a percent, %d is left as it is. */
	display_text_fill(out, sizeof(out), "%s: 100%% %d %s", "a", "b");
	assert_string_equal(out, "a: 100% %d b");
	display_text_fill(out, 6, "%s", "abcdefgh", NULL);
	assert_string_equal(out, "abcde");
}

static void
test_rows_1_and_4(void **state)
{
	const struct display_screen *s = display_core_screen(&c);

	(void)state;
	cf.display.rows = 1;
	display_core_init(&c, &cf, T0);
	assert_string_equal(s->row[0], "Insert coins");
	assert_string_equal(s->row[1], "");
	cf.display.rows = 4;
	display_core_init(&c, &cf, T0);
	assert_rows("Insert coins", "");
	assert_string_equal(s->row[2], "");
	assert_string_equal(s->row[3], "No change given");
	show(SHOW_KEYPAD, -1, 0, 0, 0, "", 10);
	assert_rows("Insert coins", "");
	assert_string_equal(s->row[2], "Keypad out of or");
	sales(SHOW_CREDIT, -1, 100, 20);
	assert_rows("Credit 1.00", "Make a selection");
	assert_string_equal(s->row[3], "No change given");
}

static void
test_valid(void **state)
{
	struct msg_show	m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.event = SHOW_SELECTED;
	m.product = 3;				/* only 3 products */
	assert_false(display_core_valid(&c, &m));
	m.product = 0;
	assert_true(display_core_valid(&c, &m));
	memcpy(m.digits, "1234", 4);		/* no NUL */
	assert_false(display_core_valid(&c, &m));
	memset(m.digits, 0, sizeof(m.digits));
	m.event = SHOW_EVENT_MAX;
	assert_false(display_core_valid(&c, &m));
	m.event = 0;
	assert_false(display_core_valid(&c, &m));
}

/* A screen of 2 rows x 16 with these texts. */
static void
screen_set(struct display_screen *s, const char *r0, const char *r1, int bl)
{
	memset(s, 0, sizeof(*s));
	s->rows = 2;
	s->cols = 16;
	s->backlight = bl;
	strcpy(s->row[0], r0);
	strcpy(s->row[1], r1);
}

/* Encode into d (charlcd or ansi) and check what it reads back. */
static void
roundtrip(struct screendec *d, const struct display_screen *s, int first,
    const char *r0, const char *r1)
{
	static char	buf[DISPLAY_ENCODE_MAX];
	char		row[SCREENDEC_ROW_BYTES];
	size_t		n;

	if (d->mode == SCREENDEC_ANSI)
		n = display_encode_ansi(s, first, buf, sizeof(buf));
	else
		n = display_encode_charlcd(s, first, buf, sizeof(buf));
	assert_true(n > 0 && n < sizeof(buf));
	screendec_feed(d, buf, n);
	if (d->bad)
		fail_msg("screendec: %s", d->why);
	assert_int_equal(d->esclen, -1);
	assert_string_equal(screendec_row(d, 0, row), r0);
	assert_string_equal(screendec_row(d, 1, row), r1);
	assert_int_equal(d->backlight, s->backlight);
}

static void
test_encode_charlcd(void **state)
{
	struct display_screen	s;
	struct screendec	d;

	(void)state;
	screendec_init(&d, SCREENDEC_CHARLCD, 2, 16);
	screen_set(&s, "Insert coins", "No change given", 1);
	roundtrip(&d, &s, 1, "Insert coins", "No change given");
	assert_int_equal(d.cursor, 0);
	assert_int_equal(d.blink, 0);
	/* An update overwrites every cell: no clear, nothing left over. */
	screen_set(&s, "Café crème 1.50", "Insert 0.50 more", 1);
	roundtrip(&d, &s, 0, "Cafe creme 1.50", "Insert 0.50 more");
	screen_set(&s, "Credit 1.00", "", 1);
	roundtrip(&d, &s, 0, "Credit 1.00", "");
	/* The ROM fallback: base letters, '?' for the rest. */
	screen_set(&s, "Straße Über", "1\xe2\x82\xac ~\\ \x01", 0);
	roundtrip(&d, &s, 0, "Strase Uber", "1? ?? ?");
	assert_int_equal(display_charlcd_char(0xe9), 'e');
	assert_int_equal(display_charlcd_char(0x142), 'l');
	/* Too long for cols: cut by the encoder as well. */
	screen_set(&s, "0123456789abcdefXYZ", "", 1);
	roundtrip(&d, &s, 0, "0123456789abcdef", "");
}

static void
test_encode_ansi(void **state)
{
	struct display_screen	s;
	struct screendec	d;

	(void)state;
	screendec_init(&d, SCREENDEC_ANSI, 2, 16);
	screen_set(&s, "Café crème 1.50", "Insert 0.50 more", 1);
	roundtrip(&d, &s, 1, "Café crème 1.50", "Insert 0.50 more");
	assert_int_equal(d.cursor, 0);
	screen_set(&s, "Credit 1.00", "", 1);
	roundtrip(&d, &s, 0, "Credit 1.00", "");
	screen_set(&s, "Insert coins", "No change given", 0);
	roundtrip(&d, &s, 0, "", "");			/* dark: nothing */
	screen_set(&s, "Insert coins", "a\x1b" "b", 1);
	roundtrip(&d, &s, 0, "Insert coins", "a?b");
}

/* The core's screens through the encoder, as lcdscreen reads them. */
static void
test_encode_core(void **state)
{
	struct screendec	d;

	(void)state;
	screendec_init(&d, SCREENDEC_CHARLCD, 2, 16);
	roundtrip(&d, display_core_screen(&c), 1, "Insert coins",
	    "No change given");
	show(SHOW_SELECTED, 2, 100, 150, 0, "", 10);
	roundtrip(&d, display_core_screen(&c), 0, "Cafe creme 1.50",
	    "Insert 0.50 more");
}

/* Service mode: its title, faults first, then counters, a row at a time
 * every message_s; a test vend's message over it; out, the credit again. */
static void
test_service_screen(void **state)
{
	struct msg_show	m;

	(void)state;
	sales(SHOW_CREDIT, -1, 100, 10);
	show(SHOW_COOLING, -1, 0, 0, 0, "", 20);	/* not cold */
	memset(&m, 0, sizeof(m));
	m.event = SHOW_SERVICE;
	m.product = -1;
	m.credit = 100;
	m.on = 1;
	m.count = 1;		/* a column out of order */
	m.count2 = 2;		/* two empty */
	display_core_show(&c, &m, at(30));
	assert_rows("Service mode", "Not cold");
	memset(&m, 0, sizeof(m));
	m.event = SHOW_COUNTERS;
	m.product = -1;
	m.amount = 1250;
	m.count = 7;
	m.count2 = 1;
	display_core_show(&c, &m, at(40));
	assert_int_equal(display_core_deadline(&c), at(30 + 3000));
	tick(3030);
	assert_rows("Service mode", "Faulty 1 empty 2");
	tick(6030);
	assert_rows("Service mode", "Sold 7 test 1");
	tick(9030);
	assert_rows("Service mode", "Cash box 12.50");
	tick(12030);
	assert_rows("Service mode", "Not cold");
	/* no backlight timeout in service mode */
	tick(400000);
	assert_int_equal(display_core_screen(&c)->backlight, 1);

	/* a test vend: its message, then the service screen again */
	show(SHOW_VENDING, 1, 100, 0, 0, "", 400100);
	assert_rows("Water", "Vending...");
	show(SHOW_TEST, 1, 100, 1, 1, "", 401000);
	assert_rows("Water", "Test vend ok");
	tick(404000);
	assert_int_equal(strcmp(display_core_screen(&c)->row[0],
	    "Service mode"), 0);

	/* out of service mode: the credit kept */
	memset(&m, 0, sizeof(m));
	m.event = SHOW_SERVICE;
	m.product = -1;
	m.credit = 100;
	display_core_show(&c, &m, at(405000));
	sales(SHOW_CREDIT, -1, 100, 405001);
	assert_rows("Credit 1.00", "Make a selection");
}

/* An MDB changer: the idle notice says change is given, or exact change
 * only, instead of no change. */
static void
test_change_notice(void **state)
{
	(void)state;
	assert_idle();
	show(SHOW_CHANGE, -1, 0, 0, 1, "", 10);
	assert_rows("Insert coins", "Change given");
	show(SHOW_CHANGE, -1, 0, 0, 2, "", 20);
	assert_rows("Insert coins", "Use exact change");
	show(SHOW_CHANGE, -1, 0, 0, 0, "", 30);
	assert_idle();
}

/* A price the operator set shows in the selection and the price cycle. */
static void
test_price_event(void **state)
{
	(void)state;
	show(SHOW_PRICE, 0, 0, 120, 0, "", 10);
	sales(SHOW_CREDIT, -1, 200, 20);
	show(SHOW_SELECTED, 0, 200, 120, 0, "", 30);
	assert_rows("Cola 1.20", "Credit 2.00");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_idle, setup),
		cmocka_unit_test_setup(test_credit, setup),
		cmocka_unit_test_setup(test_selected_more, setup),
		cmocka_unit_test_setup(test_message_timeout, setup),
		cmocka_unit_test_setup(test_more, setup),
		cmocka_unit_test_setup(test_vend_take, setup),
		cmocka_unit_test_setup(test_take_with_credit, setup),
		cmocka_unit_test_setup(test_refund, setup),
		cmocka_unit_test_setup(test_sold_out, setup),
		cmocka_unit_test_setup(test_out_of_order, setup),
		cmocka_unit_test_setup(test_unknown_code, setup),
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_not_selling, setup),
		cmocka_unit_test_setup(test_keypad_lost, setup),
		cmocka_unit_test_setup(test_not_cold, setup),
		cmocka_unit_test_setup(test_backlight, setup),
		cmocka_unit_test_setup(test_no_deadline_idle, setup),
		cmocka_unit_test_setup(test_idle_cycle, setup),
		cmocka_unit_test_setup(test_utf8_cut, setup),
		cmocka_unit_test_setup(test_price_kept, setup),
		cmocka_unit_test_setup(test_selection_kept, setup),
		cmocka_unit_test_setup(test_long_text, setup),
		cmocka_unit_test_setup(test_rows_1_and_4, setup),
		cmocka_unit_test_setup(test_valid, setup),
		cmocka_unit_test_setup(test_encode_charlcd, setup),
		cmocka_unit_test_setup(test_encode_ansi, setup),
		cmocka_unit_test_setup(test_encode_core, setup),
		cmocka_unit_test_setup(test_service_screen, setup),
		cmocka_unit_test_setup(test_price_event, setup),
		cmocka_unit_test_setup(test_change_notice, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
