/*
 * display: owns the customer's display (a charlcd /dev/lcd, or ANSI on a
 * tty) alone. Others send MSG_SHOW events; the pure core decides what the
 * customer sees, for how long, and when the idle screen and the backlight
 * timeout come back. The shell writes the screen without ever blocking: a
 * device that is missing or fails is a logged warning and a retry.
 */
#ifndef DISPLAY_H
#define DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;

/* One screen: rows of UTF-8 text, at most cols characters each. */
#define DISPLAY_ROW_BYTES	(DISPLAY_COLS_MAX * 4 + 1)
struct display_screen {
	int		rows, cols;
	int		backlight;		/* 1 on, 0 off */
	char		row[DISPLAY_ROWS_MAX][DISPLAY_ROW_BYTES];
};

struct display_core;	/* defined in display_core.h */

void	display_init(struct proc *, const struct config *);

#endif
