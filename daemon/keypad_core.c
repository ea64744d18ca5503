/*
 * keypad core: key presses to selections. Digits build a code; a code that
 * names one product and begins no longer one selects it at once, ENTER
 * settles the rest ("1" when "12" exists) and vends, CLEAR or entry_timeout_s
 * of silence cancels. No I/O: the shell passes the time and sends the outbox.
 */
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <string.h>

#include "keypad_core.h"
#include "log.h"

#define NS_PER_S	1000000000ULL
#define KEYPAD_DIGITS_MAX	(VENDD_CODE_MAX - 1)	/* 3 digits + NUL */

/* What a key does, once the config's codes are looked up. */
enum keypad_key {
	KEYPAD_KEY_OTHER = 1,	/* a key vendd has no use for (A-D) */
	KEYPAD_KEY_DIGIT,
	KEYPAD_KEY_CLEAR,
	KEYPAD_KEY_ENTER,
};

/* A numeric keypad's digits, by value: they type digits whatever the config. */
static const unsigned keypad_kp_digit[KEYPAD_DIGITS] = {
	KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
	KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9,
};

/* Whether a code begins with the digits (a code equal to them included). */
static int
keypad_starts(const char *code, const char *digits, size_t n)
{
	return code[0] != '\0' && strncmp(code, digits, n) == 0;
}

/* The config validates codes; the core only compares them. */
enum keypad_match
keypad_match(const struct config *cf, const char *digits, int *product)
{
	size_t	n = strlen(digits);
	int	exact = -1, longer = 0;

	if (n == 0)
		return KEYPAD_MATCH_NONE;
	for (int i = 0; i < cf->nproducts; i++) {
		if (!keypad_starts(cf->product[i].code, digits, n))
			continue;
		if (cf->product[i].code[n] == '\0')
			exact = i;
		else
			longer = 1;
	}
	if (exact >= 0 && product != NULL)
		*product = exact;
	if (exact >= 0)
		return longer ? KEYPAD_MATCH_AMBIGUOUS : KEYPAD_MATCH_EXACT;
	return longer ? KEYPAD_MATCH_PREFIX : KEYPAD_MATCH_NONE;
}

/* Whether code is one of the config's slots (0 = an unused slot). */
static int
keypad_in(const int *slots, int n, unsigned code)
{
	for (int i = 0; i < n; i++)
		if (slots[i] != 0 && (unsigned)slots[i] == code)
			return 1;
	return 0;
}

/* Name the key's job; a digit's value goes to *digit. */
static enum keypad_key
keypad_classify(const struct keypad_conf *kc, unsigned code, int *digit)
{
	for (int i = 0; i < KEYPAD_DIGITS; i++) {
		if ((kc->digit[i] != 0 && (unsigned)kc->digit[i] == code) ||
		    keypad_kp_digit[i] == code) {
			*digit = i;
			return KEYPAD_KEY_DIGIT;
		}
	}
	if (keypad_in(kc->clear, KEYPAD_KEYS_MAX, code))
		return KEYPAD_KEY_CLEAR;
	if (keypad_in(kc->enter, KEYPAD_KEYS_MAX, code))
		return KEYPAD_KEY_ENTER;
	return KEYPAD_KEY_OTHER;
}

/* Tell the display, if there is one; keypad events carry no product. */
static void
keypad_show(const struct keypad_core *c, uint32_t event, const char *digits,
    uint32_t on, struct outbox *ob)
{
	struct msg_show	s;

	if (c->cf->display.type == DISPLAY_NONE)
		return;
	memset(&s, 0, sizeof(s));
	s.event = event;
	s.product = -1;
	s.credit = 0;
	s.on = on;
	if (digits != NULL)
		snprintf(s.digits, sizeof(s.digits), "%s", digits);
	outbox_put(ob, PROC_DISPLAY, MSG_SHOW, &s, sizeof(s));
}

/* Forget the digits typed. */
static void
keypad_reset(struct keypad_core *c)
{
	memset(c->digits, 0, sizeof(c->digits));
	c->ndigits = 0;
}

/* Tell sales which product the code names; it shows label and price. */
static void
keypad_select(struct keypad_core *c, int product, struct outbox *ob)
{
	struct msg_select	s = { 0 };

	s.product = (uint32_t)product;
	log_debug("keypad: code %s selects %s", c->digits,
	    c->cf->product[product].id);
	outbox_put(ob, PROC_SALES, MSG_PANEL_SELECT, &s, sizeof(s));
	c->selected = product;
	keypad_reset(c);
}

/* The digits name nothing: say so and start over. */
static void
keypad_unknown(struct keypad_core *c, struct outbox *ob)
{
	log_debug("keypad: code %s names no product", c->digits);
	keypad_show(c, SHOW_UNKNOWN_CODE, c->digits, 0, ob);
	keypad_reset(c);
}

/* A digit: show it, then select or reject once the code is settled. */
static void
keypad_digit(struct keypad_core *c, int digit, struct outbox *ob)
{
	int	product = -1;

	if (c->ndigits >= KEYPAD_DIGITS_MAX)	/* never left at 3: defensive */
		keypad_reset(c);
	c->digits[c->ndigits++] = (char)('0' + digit);
	c->digits[c->ndigits] = '\0';
	keypad_show(c, SHOW_ENTRY, c->digits, 0, ob);
	switch (keypad_match(c->cf, c->digits, &product)) {
	case KEYPAD_MATCH_EXACT:
		keypad_select(c, product, ob);
		break;
	case KEYPAD_MATCH_NONE:
		keypad_unknown(c, ob);
		break;
	default:			/* PREFIX, AMBIGUOUS: wait for more */
		if (c->ndigits == KEYPAD_DIGITS_MAX)
			keypad_unknown(c, ob);
		break;
	}
}

/* ENTER: settle the digits typed ("1" when "12" exists), then vend. */
static void
keypad_enter(struct keypad_core *c, struct outbox *ob)
{
	int	product = -1;

	if (c->ndigits > 0) {
		switch (keypad_match(c->cf, c->digits, &product)) {
		case KEYPAD_MATCH_EXACT:
		case KEYPAD_MATCH_AMBIGUOUS:
			keypad_select(c, product, ob);
			break;
		default:
			keypad_unknown(c, ob);
			return;
		}
	}
	/* The selection stays ours to time out: sales may refuse the vend
	 * (short of money, sold out), and a choice left behind must not be
	 * sold to the next customer. After a sale the cancel finds nothing. */
	outbox_put(ob, PROC_SALES, MSG_PANEL_VEND, NULL, 0);
}

/* Tell sales to drop the product this keypad chose (if it still holds it). */
static void
keypad_cancel(struct keypad_core *c, struct outbox *ob)
{
	struct msg_select	s = { 0 };

	if (c->selected < 0)
		return;
	s.product = (uint32_t)c->selected;
	outbox_put(ob, PROC_SALES, MSG_PANEL_CANCEL, &s, sizeof(s));
	c->selected = -1;
}

/* CLEAR: wipe the entry and drop a selection made by code. */
static void
keypad_clear(struct keypad_core *c, struct outbox *ob)
{
	keypad_reset(c);
	keypad_show(c, SHOW_ENTRY, "", 0, ob);
	keypad_cancel(c, ob);
}

/* Start idle: nothing typed, nothing selected, no timer. */
void
keypad_core_init(struct keypad_core *c, const struct config *cf)
{
	memset(c, 0, sizeof(*c));
	c->cf = cf;
	c->present = 1;
	c->selected = -1;
}

/* Presses only: a held key's autorepeat must not type a digit twice. */
void
keypad_core_key(struct keypad_core *c, unsigned code, int value, uint64_t now,
    struct outbox *ob)
{
	int	digit = 0;

	if (value != 1)
		return;
	switch (keypad_classify(&c->cf->keypad, code, &digit)) {
	case KEYPAD_KEY_DIGIT:
		keypad_digit(c, digit, ob);
		break;
	case KEYPAD_KEY_CLEAR:
		keypad_clear(c, ob);
		break;
	case KEYPAD_KEY_ENTER:
		keypad_enter(c, ob);
		break;
	default:
		return;			/* no effect, no new timeout */
	}
	c->last_key = now;
}

/* A customer who walked away: cancel what they left, so the next starts clean. */
void
keypad_core_tick(struct keypad_core *c, uint64_t now, struct outbox *ob)
{
	uint64_t	dl = keypad_core_deadline(c);

	if (dl == 0 || now < dl)
		return;
	log_debug("keypad: entry timed out");
	if (c->ndigits > 0)
		keypad_show(c, SHOW_ENTRY, "", 0, ob);
	keypad_reset(c);
	keypad_cancel(c, ob);
}

/* entry_timeout_s after the last key while something is pending; else 0. */
uint64_t
keypad_core_deadline(const struct keypad_core *c)
{
	if ((c->ndigits == 0 && c->selected < 0) ||
	    c->cf->keypad.entry_timeout_s <= 0)
		return 0;
	return c->last_key + (uint64_t)c->cf->keypad.entry_timeout_s * NS_PER_S;
}

/* Unplugged: nothing typed on it may linger; plugged back: say so. */
void
keypad_core_present(struct keypad_core *c, int present, uint64_t now,
    struct outbox *ob)
{
	(void)now;
	present = present != 0;
	if (present == c->present)
		return;
	c->present = present;
	if (!present) {
		if (c->ndigits > 0)	/* the code on the screen goes too */
			keypad_show(c, SHOW_ENTRY, "", 0, ob);
		keypad_reset(c);
		keypad_cancel(c, ob);
	}
	keypad_show(c, SHOW_KEYPAD, NULL, (uint32_t)present, ob);
}
