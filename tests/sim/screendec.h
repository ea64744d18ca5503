/*
 * screendec.h: what a customer would read, from the bytes vendd writes to
 * its display. Shared by tests/sim/lcdscreen.c and tests/unit/test_display.c.
 *
 * Feed bytes with screendec_feed(); the decoder keeps rows x cols cells,
 * the cursor and the backlight as the device would:
 *   charlcd	as drivers/auxdisplay/charlcd.c (Linux 6.12) does: "\f", "\n",
 *		"\r", "\b", "\t", ESC "[2J", ESC "[H", ESC "[L" + D d C c B b
 *		+ - k I and the goto "x<n>y<m>;". "\x1b[LI" clears, and turns
 *		the backlight off as hd44780_common_init_display() does.
 *		Printing past the last column is lost, as in the driver.
 *   ansi	ESC "[?25l", ESC "[?25h", ESC "[2J", ESC "[<r>;<c>H", ESC "[H",
 *		ESC "[K", and UTF-8 text. A terminal has no backlight:
 *		"\x1b[2J" reads as off until the next character is drawn.
 * Anything else vendd's encoders never send (other escapes, charlcd codes
 * vendd does not use, bytes outside ASCII on a charlcd, control characters
 * or malformed UTF-8 on a terminal, text past cols) sets bad and describes
 * it in why: the tests fail loudly instead of guessing.
 *
 * A header of static inline functions, like simlib.h: nothing to link.
 */
#ifndef SCREENDEC_H
#define SCREENDEC_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCREENDEC_ROWS_MAX	4
#define SCREENDEC_COLS_MAX	40
#define SCREENDEC_ESC_MAX	24	/* the driver's LCD_ESCAPE_LEN */
#define SCREENDEC_ROW_BYTES	(SCREENDEC_COLS_MAX * 4 + 1)

enum screendec_mode {
	SCREENDEC_CHARLCD = 1,
	SCREENDEC_ANSI,
};

struct screendec {
	int	mode;			/* enum screendec_mode */
	int	rows, cols;
	int	x, y;			/* the cursor */
	int	backlight, display_on, cursor, blink;
	int	bad;			/* saw something it does not know */
	char	why[128];		/* the first such thing */
	int	esclen;			/* -1: not in an escape sequence */
	char	esc[SCREENDEC_ESC_MAX + 1];
	int	u8need, u8len;		/* ansi: a UTF-8 character in flight */
	char	u8[5];
	char	cell[SCREENDEC_ROWS_MAX][SCREENDEC_COLS_MAX][5];
};

/* Record the first unknown thing; the tools and tests check bad. */
static inline void __attribute__((format(printf, 2, 3)))
screendec_bad(struct screendec *d, const char *fmt, ...)
{
	va_list	ap;

	if (d->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

/* Every cell blank, the cursor home. */
static inline void
screendec_clear(struct screendec *d)
{
	for (int r = 0; r < SCREENDEC_ROWS_MAX; r++)
		for (int c = 0; c < SCREENDEC_COLS_MAX; c++)
			strcpy(d->cell[r][c], " ");
	d->x = d->y = 0;
}

/* A fresh device: blank, lit, no escape in progress. Dies on bad sizes. */
static inline void
screendec_init(struct screendec *d, int mode, int rows, int cols)
{
	memset(d, 0, sizeof(*d));
	if (rows < 1 || rows > SCREENDEC_ROWS_MAX || cols < 1 ||
	    cols > SCREENDEC_COLS_MAX) {
		fprintf(stderr, "screendec: %dx%d: 1-%d rows, 1-%d cols\n",
		    rows, cols, SCREENDEC_ROWS_MAX, SCREENDEC_COLS_MAX);
		exit(2);
	}
	d->mode = mode;
	d->rows = rows;
	d->cols = cols;
	d->backlight = d->display_on = 1;
	d->esclen = -1;
	screendec_clear(d);
}

/* One character (1-4 bytes) into the cell under the cursor. */
static inline void
screendec_put(struct screendec *d, const char *s, size_t n)
{
	if (d->x >= d->cols) {
		if (d->mode == SCREENDEC_ANSI)
			screendec_bad(d, "text past column %d", d->cols);
		return;			/* charlcd: lost, like the driver */
	}
	memcpy(d->cell[d->y][d->x], s, n);
	d->cell[d->y][d->x][n] = '\0';
	d->x++;
	if (d->mode == SCREENDEC_ANSI)
		d->backlight = 1;
}

/* charlcd's "x<n>y<m>;" (either order, each optional but one). */
static inline int
screendec_xy(struct screendec *d, const char *s)
{
	long	x = d->x, y = d->y, *v;
	char	*end;

	while (*s != ';') {
		if (*s != 'x' && *s != 'y')
			return -1;
		v = *s == 'x' ? &x : &y;
		*v = strtol(s + 1, &end, 10);
		if (end == s + 1)
			return -1;
		s = end;
	}
	if (x < 0 || x > d->cols || y < 0 || y >= d->rows) {
		screendec_bad(d, "goto x%ld y%ld outside %dx%d", x, y,
		    d->cols, d->rows);
		return 0;
	}
	d->x = (int)x;
	d->y = (int)y;
	return 0;
}

/* A charlcd "[L" code; 1 when it is complete. */
static inline int
screendec_lcd_code(struct screendec *d)
{
	const char	*e = d->esc + 2;

	switch (*e) {
	case 'D': d->display_on = 1; return 1;
	case 'd': d->display_on = 0; return 1;
	case 'C': d->cursor = 1; return 1;
	case 'c': d->cursor = 0; return 1;
	case 'B': d->blink = 1; return 1;
	case 'b': d->blink = 0; return 1;
	case '+': d->backlight = 1; return 1;
	case '-': d->backlight = 0; return 1;
	case 'k':
		for (int c = d->x; c < d->cols; c++)
			strcpy(d->cell[d->y][c], " ");
		return 1;
	case 'I':
		screendec_clear(d);
		d->display_on = d->cursor = d->blink = 1;
		d->backlight = 0;
		return 1;
	case 'x':
	case 'y':
		if (d->esc[d->esclen - 1] != ';')
			return 0;
		if (screendec_xy(d, e) == -1)
			screendec_bad(d, "malformed goto ESC%s", d->esc);
		return 1;
	}
	screendec_bad(d, "charlcd code ESC%s not used by vendd", d->esc);
	return 1;
}

/* After each byte of a charlcd escape: act when it is complete. */
static inline void
screendec_lcd_esc(struct screendec *d)
{
	int	done = 0;

	if (d->esclen < 2)
		return;
	if (strcmp(d->esc, "[2J") == 0) {
		screendec_clear(d);
		done = 1;
	} else if (strcmp(d->esc, "[H") == 0) {
		d->x = d->y = 0;
		done = 1;
	} else if (d->esclen >= 3 && d->esc[0] == '[' && d->esc[1] == 'L')
		done = screendec_lcd_code(d);
	if (!done && d->esclen >= SCREENDEC_ESC_MAX)
		screendec_bad(d, "unterminated escape ESC%s", d->esc);
	if (done || d->esclen >= SCREENDEC_ESC_MAX)
		d->esclen = -1;
}

/* One byte to a charlcd, as charlcd_write_char() takes it. */
static inline void
screendec_lcd_byte(struct screendec *d, unsigned char c)
{
	char	ch = (char)c;

	if (c != '\n' && d->esclen >= 0) {
		d->esc[d->esclen++] = ch;
		d->esc[d->esclen] = '\0';
		screendec_lcd_esc(d);
		return;
	}
	if (d->esclen >= 0)
		screendec_bad(d, "escape ESC%s cut by a newline", d->esc);
	d->esclen = -1;
	switch (c) {
	case 27:
		d->esclen = 0;
		d->esc[0] = '\0';
		break;
	case '\b':
		if (d->x > 0)
			d->x--;
		strcpy(d->cell[d->y][d->x < d->cols ? d->x : d->cols - 1],
		    " ");
		break;
	case '\f':
		screendec_clear(d);
		break;
	case '\n':
		for (; d->x < d->cols; d->x++)
			strcpy(d->cell[d->y][d->x], " ");
		d->x = 0;
		d->y = (d->y + 1) % d->rows;
		break;
	case '\r':
		d->x = 0;
		break;
	case '\t':
		screendec_put(d, " ", 1);
		break;
	default:
		if (c < 0x20 || c >= 0x7f)
			screendec_bad(d, "byte 0x%02x: not ASCII text", c);
		screendec_put(d, &ch, 1);
		break;
	}
}

/* A complete ANSI sequence (after ESC): the few vendd sends. */
static inline void
screendec_ansi_seq(struct screendec *d)
{
	int	r, c;
	char	tail;

	if (strcmp(d->esc, "[?25l") == 0)
		d->cursor = 0;
	else if (strcmp(d->esc, "[?25h") == 0)
		d->cursor = 1;
	else if (strcmp(d->esc, "[2J") == 0) {
		for (r = 0; r < SCREENDEC_ROWS_MAX; r++)
			for (c = 0; c < SCREENDEC_COLS_MAX; c++)
				strcpy(d->cell[r][c], " ");
		d->backlight = 0;	/* dark until something is drawn */
	} else if (strcmp(d->esc, "[H") == 0)
		d->x = d->y = 0;
	else if (strcmp(d->esc, "[K") == 0 || strcmp(d->esc, "[0K") == 0) {
		for (c = d->x; c < d->cols; c++)
			strcpy(d->cell[d->y][c], " ");
	} else if (sscanf(d->esc, "[%d;%d%c", &r, &c, &tail) == 3 &&
	    tail == 'H' && r >= 1 && r <= d->rows && c >= 1 && c <= d->cols) {
		d->y = r - 1;
		d->x = c - 1;
	} else
		screendec_bad(d, "ANSI sequence ESC%s not used by vendd",
		    d->esc);
}

/* One byte of an ANSI escape: CSI parameters until a final byte. */
static inline void
screendec_ansi_esc(struct screendec *d, unsigned char c)
{
	d->esc[d->esclen++] = (char)c;
	d->esc[d->esclen] = '\0';
	if (d->esclen == 1) {
		if (c != '[') {
			screendec_bad(d, "ESC 0x%02x: not a CSI", c);
			d->esclen = -1;
		}
		return;
	}
	if (c >= 0x40 && c <= 0x7e) {
		screendec_ansi_seq(d);
		d->esclen = -1;
	} else if (d->esclen >= SCREENDEC_ESC_MAX) {
		screendec_bad(d, "unterminated escape ESC%s", d->esc);
		d->esclen = -1;
	}
}

/* One byte to a terminal: escapes, or UTF-8 text one cell a character. */
static inline void
screendec_ansi_byte(struct screendec *d, unsigned char c)
{
	if (d->esclen >= 0) {
		screendec_ansi_esc(d, c);
		return;
	}
	if (d->u8need > 0) {
		if ((c & 0xc0) != 0x80) {
			screendec_bad(d, "malformed UTF-8 before 0x%02x", c);
			d->u8need = 0;
			return;
		}
		d->u8[d->u8len++] = (char)c;
		if (--d->u8need == 0)
			screendec_put(d, d->u8, (size_t)d->u8len);
		return;
	}
	if (c == 27) {
		d->esclen = 0;
		d->esc[0] = '\0';
	} else if (c >= 0x20 && c < 0x7f) {
		char	ch = (char)c;

		screendec_put(d, &ch, 1);
	} else if (c >= 0xc2 && c < 0xf5) {
		d->u8[0] = (char)c;
		d->u8len = 1;
		d->u8need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	} else
		screendec_bad(d, "byte 0x%02x on a terminal", c);
}

/* Feed what was written to the device. */
static inline void
screendec_feed(struct screendec *d, const void *buf, size_t n)
{
	const unsigned char	*p = buf;

	for (size_t i = 0; i < n; i++) {
		if (d->mode == SCREENDEC_ANSI)
			screendec_ansi_byte(d, p[i]);
		else
			screendec_lcd_byte(d, p[i]);
	}
}

/* Row r as a string, trailing spaces trimmed; out holds ROW_BYTES. */
static inline const char *
screendec_row(const struct screendec *d, int r, char *out)
{
	size_t	o = 0, keep = 0;

	for (int c = 0; c < d->cols; c++) {
		const char *s = d->cell[r][c];

		memcpy(out + o, s, strlen(s));
		o += strlen(s);
		if (strcmp(s, " ") != 0)
			keep = o;
	}
	out[keep] = '\0';
	return out;
}

#endif
