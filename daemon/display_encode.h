/*
 * display_encode: a struct display_screen as the bytes a device wants.
 * Pure functions, no I/O; the decoder of tests/sim/screendec.h reads back
 * everything they write.
 *
 * charlcd (the kernel's drivers/auxdisplay/charlcd.c, /dev/lcd): each row
 * is "\x1b[Lx0y<r>;" and the row padded with spaces to cols, so an update
 * never clears (no flicker); first adds "\x1b[LI" (reinitialise) and
 * display on, cursor off, blink off. The backlight code ("\x1b[L+" or
 * "\x1b[L-") goes with every update: "\x1b[LI" forgets it.
 * The HD44780's A00 ROM has ASCII (but '\' is a yen sign and '~' an arrow
 * there) and katakana, no accented letters. Each UTF-8 character is one
 * cell; Latin-1 and Latin Extended-A letters become their ASCII base letter
 * (é -> e, Ü -> U, ß -> s, æ -> a, ł -> l: one cell each, so widths stay);
 * a no-break space becomes a space; '\', '~', control characters, malformed
 * UTF-8 and every other character become '?'.
 *
 * ANSI terminal: first hides the cursor and clears; each row is
 * "\x1b[<r>;1H", the text (UTF-8 as is, control characters as '?') and
 * "\x1b[K". Backlight off clears the screen ("\x1b[2J") and shows nothing.
 */
#ifndef DISPLAY_ENCODE_H
#define DISPLAY_ENCODE_H

#include <stddef.h>

#include "display.h"

/* Enough for any screen in either encoding (ANSI, 4 rows of 40 4-byte
 * characters, is 686 bytes). */
#define DISPLAY_ENCODE_MAX	1024

/* Bytes written to buf (at most len); first: also initialise the device. */
size_t	display_encode_charlcd(const struct display_screen *, int first,
	    char *buf, size_t len);
size_t	display_encode_ansi(const struct display_screen *, int first,
	    char *buf, size_t len);

/* One cell of the A00 ROM for Unicode code point cp (the fallback above). */
char	display_charlcd_char(unsigned long cp);

#endif
