/* keypad core: typed codes to selections, ENTER, CLEAR, timeout, unplug. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/input-event-codes.h>

#include "config.h"
#include "keypad_core.h"
#include "msg.h"
#include "testutil.h"

#define TIMEOUT_S	15	/* entry_timeout_s; set, not defaulted */

/* Products and their codes: "1" begins "12"; "305" has three digits. */
enum { ONE, TWELVE, TWENTYONE, THREE05 };

static struct config	  cf;
static struct keypad_core k;
static uint64_t		  t;		/* fake clock */

/* Everything the core sent during a test, in order. */
static struct {
	int		n;
	uint8_t		dst[64];
	struct msg_out	m[64];
} sent;

/* Copy one step's outbox to the record, checking where each goes. */
static void
record(const struct outbox *ob)
{
	for (int i = 0; i < ob->n; i++) {
		assert_true(sent.n < 64);
		if (ob->m[i].hdr.type == MSG_SHOW)
			assert_int_equal(ob->dst[i], PROC_DISPLAY);
		else
			assert_int_equal(ob->dst[i], PROC_SALES);
		sent.dst[sent.n] = ob->dst[i];
		sent.m[sent.n++] = ob->m[i];
	}
}

/* Forget what was sent so far: the next assertions see only what follows. */
static void
forget(void)
{
	memset(&sent, 0, sizeof(sent));
}

/* One evdev event of a key at the current time. */
static void
ev(unsigned code, int value)
{
	struct outbox	ob;

	outbox_init(&ob);
	keypad_core_key(&k, code, value, t, &ob);
	record(&ob);
}

/* A press and its release, 100 ms later. */
static void
key(unsigned code)
{
	ev(code, 1);
	t += MS(100);
	ev(code, 0);
}

/* The evdev code of a digit on the main keys. */
static unsigned
digit_key(char c)
{
	return c == '0' ? KEY_0 : KEY_1 + (unsigned)(c - '1');
}

/* Type digits on the main keys, '#' ENTER, '*' BACKSPACE. */
static void
type(const char *s)
{
	for (; *s; s++) {
		if (*s == '#')
			key(KEY_ENTER);
		else if (*s == '*')
			key(KEY_BACKSPACE);
		else
			key(digit_key(*s));
		t += MS(100);
	}
}

/* Time passes to `to`; tick if the deadline came. */
static void
advance(uint64_t to)
{
	struct outbox	ob;

	t = to;
	outbox_init(&ob);
	keypad_core_tick(&k, t, &ob);
	record(&ob);
}

/* The present()/absent() of the device. */
static void
present(int on)
{
	struct outbox	ob;

	outbox_init(&ob);
	keypad_core_present(&k, on, t, &ob);
	record(&ob);
}

/* How many messages of a type were sent. */
static int
count(uint16_t type)
{
	int	n = 0;

	for (int i = 0; i < sent.n; i++)
		n += sent.m[i].hdr.type == type;
	return n;
}

/* The index of the nth (0-based) message of a type, or -1. */
static int
nth(uint16_t type, int n)
{
	for (int i = 0; i < sent.n; i++)
		if (sent.m[i].hdr.type == type && n-- == 0)
			return i;
	return -1;
}

/* The index of the nth show of an event, or -1. */
static int
nth_show(uint32_t event, int n)
{
	for (int i = 0; i < sent.n; i++)
		if (sent.m[i].hdr.type == MSG_SHOW &&
		    sent.m[i].u.show.event == event && n-- == 0)
			return i;
	return -1;
}

/* A show event as the keypad sends it: no product, no credit. */
static void
assert_show(int i, uint32_t event, const char *digits)
{
	assert_true(i >= 0);
	assert_int_equal(sent.m[i].hdr.type, MSG_SHOW);
	assert_int_equal(sent.m[i].u.show.event, event);
	assert_int_equal(sent.m[i].u.show.product, -1);
	assert_int_equal(sent.m[i].u.show.credit, 0);
	if (digits)
		assert_string_equal(sent.m[i].u.show.digits, digits);
}

/* The product of the nth MSG_PANEL_SELECT. */
static int
selected(int n)
{
	int	i = nth(MSG_PANEL_SELECT, n);

	assert_true(i >= 0);
	return (int)sent.m[i].u.select.product;
}

/* The keypad defaults the config will have, filled here. */
static void
keypad_defaults(void)
{
	for (int i = 0; i < 10; i++)
		cf.keypad.digit[i] = i == 0 ? KEY_0 : KEY_1 + i - 1;
	cf.keypad.clear[0] = KEY_BACKSPACE;
	cf.keypad.clear[1] = KEY_ESC;
	cf.keypad.enter[0] = KEY_ENTER;
	cf.keypad.enter[1] = KEY_KPENTER;
	cf.keypad.entry_timeout_s = TIMEOUT_S;
	cf.keypad.retry_s = 2;
	strcpy(cf.keypad.device, "matrix-keypad");
}

static int
setup(void **state)
{
	static const char *const ids[] = { "one", "twelve", "twentyone", "cola" };
	static const char *const codes[] = { "1", "12", "21", "305" };

	(void)state;
	config_defaults(&cf);
	keypad_defaults();
	cf.display.type = DISPLAY_CHARLCD;
	cf.nproducts = 4;
	for (int i = 0; i < 4; i++) {
		strcpy(cf.product[i].id, ids[i]);
		strcpy(cf.product[i].code, codes[i]);
	}
	keypad_core_init(&k, &cf);
	forget();
	t = SEC(500);
	return 0;
}

/* 99 products with codes "1".."99". */
static int
setup99(void **state)
{
	setup(state);
	cf.nproducts = VENDD_MAX_PRODUCTS;
	for (int i = 0; i < VENDD_MAX_PRODUCTS; i++) {
		snprintf(cf.product[i].id, sizeof(cf.product[i].id), "p%d", i);
		snprintf(cf.product[i].code, sizeof(cf.product[i].code), "%d",
		    i + 1);
	}
	return 0;
}

/* "21": the entry is shown digit by digit, then product 2 is selected. */
static void
test_two_digits_select(void **state)
{
	(void)state;
	type("2");
	assert_int_equal(sent.n, 1);
	assert_show(0, SHOW_ENTRY, "2");
	type("1");
	assert_show(nth_show(SHOW_ENTRY, 1), SHOW_ENTRY, "21");
	assert_int_equal(count(MSG_PANEL_SELECT), 1);
	assert_int_equal(selected(0), TWENTYONE);
	assert_int_equal(sent.m[nth(MSG_PANEL_SELECT, 0)].hdr.len,
	    sizeof(struct msg_select));
	assert_int_equal(count(MSG_PANEL_VEND), 0);
	assert_int_equal(k.ndigits, 0);		/* the entry starts over */
}

/*
 * A selection, then ENTER: vend alone. The selection is still timed out
 * (sales may have refused the vend), and the cancel names the product, so
 * that sales drops it only if it still holds that one.
 */
static void
test_enter_vends(void **state)
{
	uint64_t	last;

	(void)state;
	type("21");
	assert_int_not_equal(keypad_core_deadline(&k), 0);
	forget();
	type("#");
	last = t - MS(200);
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_VEND);
	assert_int_equal(sent.m[0].hdr.len, 0);
	assert_int_equal(keypad_core_deadline(&k), last + SEC(TIMEOUT_S));
	forget();
	advance(last + SEC(TIMEOUT_S));
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_CANCEL);
	assert_int_equal(sent.m[0].u.select.product, TWENTYONE);
	assert_int_equal(keypad_core_deadline(&k), 0);
}

/* "1" with codes 1 and 12: wait; ENTER settles "1"; "12" selects 12. */
static void
test_prefix_of_longer(void **state)
{
	(void)state;
	type("1");
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	assert_int_equal(count(MSG_SHOW), 1);
	assert_int_not_equal(keypad_core_deadline(&k), 0);
	forget();
	type("#");
	assert_int_equal(sent.n, 2);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_SELECT);
	assert_int_equal(sent.m[0].u.select.product, ONE);
	assert_int_equal(sent.m[1].hdr.type, MSG_PANEL_VEND);
	assert_int_not_equal(keypad_core_deadline(&k), 0);	/* ONE's wait */
	forget();
	type("12");
	assert_int_equal(count(MSG_PANEL_SELECT), 1);
	assert_int_equal(selected(0), TWELVE);
	assert_int_equal(count(MSG_PANEL_VEND), 0);
}

/* "5": no code starts with it, so it is unknown at once. */
static void
test_unknown_at_once(void **state)
{
	(void)state;
	type("5");
	assert_show(nth_show(SHOW_UNKNOWN_CODE, 0), SHOW_UNKNOWN_CODE, "5");
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	assert_int_equal(count(MSG_PANEL_CANCEL), 0);
	assert_int_equal(keypad_core_deadline(&k), 0);
	forget();
	type("22");	/* "2" begins "21"; "22" names nothing */
	assert_show(nth_show(SHOW_UNKNOWN_CODE, 0), SHOW_UNKNOWN_CODE, "22");
	assert_int_equal(k.ndigits, 0);
}

/* Three digits: "301" names nothing, "305" a product. */
static void
test_three_digits(void **state)
{
	(void)state;
	type("30");
	assert_int_equal(count(MSG_SHOW), 2);
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	type("1");
	assert_show(nth_show(SHOW_UNKNOWN_CODE, 0), SHOW_UNKNOWN_CODE, "301");
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	assert_int_equal(keypad_core_deadline(&k), 0);
	type("305");
	assert_int_equal(selected(0), THREE05);
}

/* ENTER on digits naming nothing yet ("3" of "305"): unknown, no vend. */
static void
test_enter_unknown(void **state)
{
	(void)state;
	type("3#");
	assert_show(nth_show(SHOW_UNKNOWN_CODE, 0), SHOW_UNKNOWN_CODE, "3");
	assert_int_equal(count(MSG_PANEL_VEND), 0);
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	assert_int_equal(keypad_core_deadline(&k), 0);
	forget();
	type("#");		/* no digits: vend what sales has selected */
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_VEND);
}

/* CLEAR: the entry shown empty; a selection by code cancelled. */
static void
test_clear(void **state)
{
	(void)state;
	type("21");
	forget();
	type("*");
	assert_show(0, SHOW_ENTRY, "");
	assert_int_equal(count(MSG_PANEL_CANCEL), 1);
	assert_int_equal(keypad_core_deadline(&k), 0);
	forget();
	type("3");
	key(KEY_ESC);		/* digits only: nothing to cancel at sales */
	assert_show(1, SHOW_ENTRY, "");
	assert_int_equal(count(MSG_PANEL_CANCEL), 0);
	assert_int_equal(k.ndigits, 0);
	assert_int_equal(keypad_core_deadline(&k), 0);
}

/* entry_timeout_s after the last key: digits and selections cancelled. */
static void
test_timeout(void **state)
{
	uint64_t	last;

	(void)state;
	type("3");
	last = t - MS(200);	/* the press: type() adds release and gap */
	assert_int_equal(keypad_core_deadline(&k), last + SEC(TIMEOUT_S));
	forget();
	advance(last + SEC(TIMEOUT_S) - 1);
	assert_int_equal(sent.n, 0);
	advance(last + SEC(TIMEOUT_S));
	assert_int_equal(sent.n, 1);	/* nothing chosen: nothing to cancel */
	assert_show(0, SHOW_ENTRY, "");
	assert_int_equal(keypad_core_deadline(&k), 0);

	/* a selection by code: cancelled, nothing typed to wipe */
	type("21");
	last = t - MS(200);
	forget();
	advance(last + SEC(TIMEOUT_S));
	assert_int_equal(sent.n, 1);
	assert_int_equal(sent.m[0].hdr.type, MSG_PANEL_CANCEL);
	assert_int_equal(keypad_core_deadline(&k), 0);

	/* every key restarts the wait */
	type("3");
	advance(t + SEC(10));
	type("0");
	forget();
	advance(t + SEC(10));
	assert_int_equal(sent.n, 0);
	assert_int_equal(k.ndigits, 2);
	advance(t + SEC(TIMEOUT_S));
	assert_int_equal(k.ndigits, 0);
	assert_int_equal(nth_show(SHOW_ENTRY, 0) >= 0, 1);
}

/* Idle costs nothing: no deadline before, between or after customers. */
static void
test_idle_no_deadline(void **state)
{
	(void)state;
	assert_int_equal(keypad_core_deadline(&k), 0);
	type("21#");		/* one wait for what the customer left */
	advance(keypad_core_deadline(&k));
	assert_int_equal(keypad_core_deadline(&k), 0);
	type("9");
	assert_int_equal(keypad_core_deadline(&k), 0);
	key(KEY_A);		/* a key with no job */
	assert_int_equal(keypad_core_deadline(&k), 0);
	forget();
	advance(t + SEC(3600));
	assert_int_equal(sent.n, 0);
}

/* Releases and autorepeat type nothing; a held "2" is one digit. */
static void
test_release_autorepeat(void **state)
{
	(void)state;
	ev(KEY_2, 0);
	ev(KEY_ENTER, 0);
	ev(KEY_ENTER, 2);
	assert_int_equal(sent.n, 0);
	ev(KEY_2, 1);
	for (int i = 0; i < 10; i++)
		ev(KEY_2, 2);
	ev(KEY_2, 0);
	assert_int_equal(sent.n, 1);
	assert_show(0, SHOW_ENTRY, "2");
	assert_int_equal(k.ndigits, 1);
}

/* A numeric keypad: KEY_KP2 KEY_KP1 select, KEY_KPENTER vends. */
static void
test_kp_digits(void **state)
{
	(void)state;
	key(KEY_KP2);
	key(KEY_KP1);
	assert_int_equal(selected(0), TWENTYONE);
	key(KEY_KP3);
	key(KEY_KP0);
	key(KEY_KP5);
	assert_int_equal(selected(1), THREE05);
	key(KEY_KPENTER);
	assert_int_equal(count(MSG_PANEL_VEND), 1);
}

/* Unplugged: the selection cancelled, the entry gone, the display told. */
static void
test_unplug(void **state)
{
	int	i;

	(void)state;
	type("21");
	type("3");
	forget();
	present(0);
	assert_int_equal(count(MSG_PANEL_CANCEL), 1);
	i = nth_show(SHOW_KEYPAD, 0);
	assert_show(i, SHOW_KEYPAD, NULL);
	assert_int_equal(sent.m[i].u.show.on, 0);
	assert_int_equal(k.ndigits, 0);
	assert_int_equal(keypad_core_deadline(&k), 0);
	forget();
	present(0);		/* still gone: nothing new */
	assert_int_equal(sent.n, 0);
	present(1);
	assert_int_equal(sent.n, 1);
	assert_show(0, SHOW_KEYPAD, NULL);
	assert_int_equal(sent.m[0].u.show.on, 1);
	type("12");
	assert_int_equal(selected(0), TWELVE);
}

/* Unplugged with nothing selected: only the display hears of it. */
static void
test_unplug_idle(void **state)
{
	(void)state;
	present(0);
	assert_int_equal(sent.n, 1);
	assert_show(0, SHOW_KEYPAD, NULL);
	assert_int_equal(count(MSG_PANEL_CANCEL), 0);
}

/* Unplugged while a code is half typed: the code leaves the screen too. */
static void
test_unplug_entry(void **state)
{
	(void)state;
	type("30");			/* of 305 */
	forget();
	present(0);
	assert_show(nth_show(SHOW_ENTRY, 0), SHOW_ENTRY, "");
	assert_show(nth_show(SHOW_KEYPAD, 0), SHOW_KEYPAD, NULL);
	assert_int_equal(count(MSG_PANEL_CANCEL), 0);
	assert_int_equal(k.ndigits, 0);
}

/* 99 products, codes 1..99: "99" is the 99th, "9" waits, "10" the tenth. */
static void
test_99_products(void **state)
{
	(void)state;
	type("9");
	assert_int_equal(count(MSG_PANEL_SELECT), 0);
	type("9");
	assert_int_equal(selected(0), 98);
	type("10");
	assert_int_equal(selected(1), 9);
	type("5#");
	assert_int_equal(selected(2), 4);
	assert_int_equal(count(MSG_PANEL_VEND), 1);
	type("100");	/* "10" selects before the 0: then "0" names nothing */
	assert_int_equal(selected(3), 9);
	assert_show(nth_show(SHOW_UNKNOWN_CODE, 0), SHOW_UNKNOWN_CODE, "0");
}

/* No display: selections still go to sales, no MSG_SHOW at all. */
static void
test_no_display(void **state)
{
	(void)state;
	cf.display.type = DISPLAY_NONE;
	type("21*5#1#");
	present(0);
	present(1);
	advance(t + SEC(3600));
	assert_int_equal(count(MSG_SHOW), 0);
	assert_int_equal(count(MSG_PANEL_SELECT), 2);
	assert_int_equal(count(MSG_PANEL_CANCEL), 2);	/* "*", "1"'s wait */
	assert_int_equal(count(MSG_PANEL_VEND), 2);	/* "#" alone, "1#" */
}

/* keypad_match: none, prefix, exact, ambiguous; "" names nothing. */
static void
test_match(void **state)
{
	int	p = -1;

	(void)state;
	assert_int_equal(keypad_match(&cf, "", &p), KEYPAD_MATCH_NONE);
	assert_int_equal(keypad_match(&cf, "9", &p), KEYPAD_MATCH_NONE);
	assert_int_equal(keypad_match(&cf, "2", &p), KEYPAD_MATCH_PREFIX);
	assert_int_equal(keypad_match(&cf, "30", &p), KEYPAD_MATCH_PREFIX);
	assert_int_equal(keypad_match(&cf, "1", &p), KEYPAD_MATCH_AMBIGUOUS);
	assert_int_equal(p, ONE);
	assert_int_equal(keypad_match(&cf, "12", &p), KEYPAD_MATCH_EXACT);
	assert_int_equal(p, TWELVE);
	assert_int_equal(keypad_match(&cf, "305", NULL), KEYPAD_MATCH_EXACT);
	cf.product[TWELVE].code[0] = '\0';	/* a product without a code */
	assert_int_equal(keypad_match(&cf, "1", &p), KEYPAD_MATCH_EXACT);
	assert_int_equal(p, ONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_two_digits_select, setup),
		cmocka_unit_test_setup(test_enter_vends, setup),
		cmocka_unit_test_setup(test_prefix_of_longer, setup),
		cmocka_unit_test_setup(test_unknown_at_once, setup),
		cmocka_unit_test_setup(test_three_digits, setup),
		cmocka_unit_test_setup(test_enter_unknown, setup),
		cmocka_unit_test_setup(test_clear, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_idle_no_deadline, setup),
		cmocka_unit_test_setup(test_release_autorepeat, setup),
		cmocka_unit_test_setup(test_kp_digits, setup),
		cmocka_unit_test_setup(test_unplug, setup),
		cmocka_unit_test_setup(test_unplug_entry, setup),
		cmocka_unit_test_setup(test_unplug_idle, setup),
		cmocka_unit_test_setup(test_99_products, setup99),
		cmocka_unit_test_setup(test_no_display, setup),
		cmocka_unit_test_setup(test_match, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
