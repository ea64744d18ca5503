/*
 * keypad: selection codes typed on an evdev keypad ("12", then ENTER). The
 * pure core turns key presses into MSG_PANEL_SELECT / VEND / CANCEL for
 * sales and MSG_SHOW events for the display; time comes in as an argument,
 * so a unit test drives it with a fake clock. The thread shell
 * (daemon/keypad.c, declared in daemon/keypad.h) reads the device.
 */
#ifndef KEYPAD_CORE_H
#define KEYPAD_CORE_H

#include <stdint.h>

#include "config.h"
#include "msg.h"

/* How typed digits compare with the products' codes (keypad_match). */
enum keypad_match {
	KEYPAD_MATCH_NONE = 1,	/* no code starts with the digits */
	KEYPAD_MATCH_PREFIX,	/* codes start with them, none equals them */
	KEYPAD_MATCH_EXACT,	/* one code equals them, no other starts so */
	KEYPAD_MATCH_AMBIGUOUS,	/* one equals them ("1"), longer ones follow ("12") */
};

struct keypad_core {
	const struct config *cf;
	char		digits[VENDD_CODE_MAX];	/* typed so far, NUL-ended */
	int		ndigits;
	int		selected;	/* product a code chose, -1: none; kept
					 * past ENTER, since sales may refuse */
	int		present;	/* the device is there */
	uint64_t	last_key;	/* ns of the last key press */
};

/*
 * Compare digits with every product's code. EXACT and AMBIGUOUS set
 * *product (when not NULL) to the index of the equal code. "" matches
 * nothing (NONE).
 */
enum keypad_match keypad_match(const struct config *, const char *digits,
	    int *product);

/* Start idle, the device present. */
void	 keypad_core_init(struct keypad_core *, const struct config *);
/* An EV_KEY event: value 1 press, 0 release, 2 autorepeat (presses only). */
void	 keypad_core_key(struct keypad_core *, unsigned code, int value,
	    uint64_t now_ns, struct outbox *);
/* The deadline passed: cancel an entry or a selection left alone. */
void	 keypad_core_tick(struct keypad_core *, uint64_t now_ns, struct outbox *);
/* When tick must run (CLOCK_MONOTONIC ns); 0: nothing pending, no timer. */
uint64_t keypad_core_deadline(const struct keypad_core *);
/* The device went away (0) or came back (1). */
void	 keypad_core_present(struct keypad_core *, int present, uint64_t now_ns,
	    struct outbox *);

#endif
