/*
 * display_encode: screens to charlcd escape codes or ANSI, see
 * display_encode.h for the codes and the character fallback.
 */
#include <stdio.h>
#include <string.h>

#include "display_encode.h"

#define UTF8_BAD	0xfffdUL	/* what a malformed sequence decodes to */

/* ASCII base letters of U+00C0..U+00FF, one cell each ('?' for × ÷ Þ þ). */
static const char latin1[] =
    "AAAAAAACEEEEIIIIDNOOOOO?OUUUUY?s"
    "aaaaaaaceeeeiiiidnooooo?ouuuuy?y";
/* ... and of U+0100..U+017F (Latin Extended-A). */
static const char latin_ext_a[] =
    "AaAaAaCcCcCcCcDd" "DdEeEeEeEeEeGgGg" "GgGgHhHhIiIiIiIi"
    "IiJjJjKkkLlLlLlL" "lLlNnNnNnnNnOoOo" "OoOoRrRrRrSsSsSs"
    "SsTtTtTtUuUuUuUu" "UuUuWwYyYZzZzZzs";

/* The output buffer: appends that never overflow (a caller's short buffer
 * cuts the output, DISPLAY_ENCODE_MAX never does). */
struct enc {
	char	*buf;
	size_t	 len, o;
};

/* Append n bytes. */
static void
enc_put(struct enc *e, const char *s, size_t n)
{
	if (e->o + n > e->len)
		n = e->len - e->o;
	memcpy(e->buf + e->o, s, n);
	e->o += n;
}

/* Append a string. */
static void
enc_str(struct enc *e, const char *s)
{
	enc_put(e, s, strlen(s));
}

/* One character from s: its code point and its bytes (1 when malformed). */
static size_t
utf8_next(const unsigned char *s, unsigned long *cp)
{
	size_t		n;
	unsigned long	v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] < 0xe0)
		n = 2, v = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] < 0xf0)
		n = 3, v = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] < 0xf5)
		n = 4, v = s[0] & 0x07;
	else {
		*cp = UTF8_BAD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {	/* also stops at the NUL */
			*cp = UTF8_BAD;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* The A00 ROM cannot show UTF-8: a base letter or '?', one cell. */
char
display_charlcd_char(unsigned long cp)
{
	if (cp >= 0x20 && cp < 0x7f && cp != '\\' && cp != '~')
		return (char)cp;
	if (cp == 0xa0)
		return ' ';
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp >= 0x100 && cp <= 0x17f)
		return latin_ext_a[cp - 0x100];
	return '?';
}

/* A code point a terminal shows as text: no C0, DEL or C1 controls. */
static int
ansi_printable(unsigned long cp)
{
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) &&
	    cp != UTF8_BAD;
}

/* One charlcd row: goto its column 0, cols cells of ROM characters. */
static void
charlcd_row(struct enc *e, const struct display_screen *s, int r)
{
	const unsigned char	*p = (const unsigned char *)s->row[r];
	unsigned long		 cp;
	char			 go[16], c;
	int			 cells = 0;

	snprintf(go, sizeof(go), "\x1b[Lx0y%d;", r);
	enc_str(e, go);
	while (*p != '\0' && cells < s->cols) {
		p += utf8_next(p, &cp);
		c = display_charlcd_char(cp);
		enc_put(e, &c, 1);
		cells++;
	}
	for (; cells < s->cols; cells++)
		enc_put(e, " ", 1);
}

/* Every row by a goto, padded: an update never clears, so no flicker. */
size_t
display_encode_charlcd(const struct display_screen *s, int first, char *buf,
    size_t len)
{
	struct enc	e = { buf, len, 0 };

	if (first)
		enc_str(&e, "\x1b[LI\x1b[LD\x1b[Lc\x1b[Lb");
	enc_str(&e, s->backlight ? "\x1b[L+" : "\x1b[L-");
	for (int r = 0; r < s->rows && r < DISPLAY_ROWS_MAX; r++)
		charlcd_row(&e, s, r);
	return e.o;
}

/*
 * One terminal row: position, clear it, at most cols characters. The clear
 * comes first: after a full row the cursor waits on the last column, and an
 * erase then would wipe that character.
 */
static void
ansi_row(struct enc *e, const struct display_screen *s, int r)
{
	const unsigned char	*p = (const unsigned char *)s->row[r];
	unsigned long		 cp;
	char			 go[16];
	size_t			 n;

	snprintf(go, sizeof(go), "\x1b[%d;1H\x1b[K", r + 1);
	enc_str(e, go);
	for (int cells = 0; *p != '\0' && cells < s->cols; cells++) {
		n = utf8_next(p, &cp);
		if (ansi_printable(cp))
			enc_put(e, (const char *)p, n);
		else
			enc_put(e, "?", 1);
		p += n;
	}
}

/* A terminal has no backlight: dark is a cleared screen. */
size_t
display_encode_ansi(const struct display_screen *s, int first, char *buf,
    size_t len)
{
	struct enc	e = { buf, len, 0 };

	if (first)
		enc_str(&e, "\x1b[?25l");
	if (first || !s->backlight)
		enc_str(&e, "\x1b[2J");
	if (!s->backlight)
		return e.o;
	for (int r = 0; r < s->rows && r < DISPLAY_ROWS_MAX; r++)
		ansi_row(&e, s, r);
	return e.o;
}
