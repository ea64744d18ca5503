/*
 * The configuration's value parsers, pure: text in, a value or a refusal out,
 * no state and no messages (the reader words those, with FILE:LINE). Money
 * and temperatures are exact decimal text, never floating point.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libevdev/libevdev.h>

#include "config_int.h"

static int	cfg_utf8_valid(const char *);

#define CFG_TEMP_DIGITS		4	/* before the point in a temperature */

static const char *cfg_bias_names[] = {
	[LINE_BIAS_AS_IS] = "as-is",
	[LINE_BIAS_PULL_UP] = "pull-up",
	[LINE_BIAS_PULL_DOWN] = "pull-down",
	[LINE_BIAS_DISABLED] = "disabled",
};

/* 10^n for the few decimals money can have. */
static int64_t
cfg_pow10(int n)
{
	int64_t	p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* Integer division rounded to the nearest, halves away from zero. */
static int64_t
cfg_div_round(int64_t n, int64_t d)
{
	return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
}

/*
 * Decimal text ("12.345") as an integer scaled by 10^places, exactly: digits
 * past `places` must be zeros, at most max_digits before the point, no sign.
 * Advances *sp past the number. Money and temperatures both parse this way.
 */
static int
cfg_parse_fixed(const char **sp, int max_digits, int places, int64_t *out)
{
	const char	*s = *sp;
	int64_t		 v = 0;
	int		 n = 0, nf = 0;

	for (; isdigit((unsigned char)*s); s++, n++) {
		if (n == max_digits)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (n == 0)
		return -1;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return -1;
		for (; isdigit((unsigned char)*s); s++) {
			if (nf < places) {
				v = v * 10 + (*s - '0');
				nf++;
			} else if (*s != '0')
				return -1;	/* finer than the unit */
		}
	}
	for (; nf < places; nf++)
		v *= 10;
	*sp = s;
	*out = v;
	return 0;
}

/* "1.50" with decimals 2 is 150 minor units: exact, no floating point. */
int
config_parse_money(const char *s, int decimals, int64_t *out)
{
	if (decimals < 0 || decimals > CFG_DECIMALS_MAX ||
	    cfg_parse_fixed(&s, CFG_MONEY_DIGITS, decimals, out) == -1 ||
	    *s != '\0')
		return -1;
	return 0;
}

/* Minor units back to text, for --check and log lines. */
void
config_format_money(int64_t v, int decimals, char *buf, size_t len)
{
	uint64_t	a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	uint64_t	p;

	if (decimals < 0)
		decimals = 0;
	if (decimals > CFG_DECIMALS_MAX)
		decimals = CFG_DECIMALS_MAX;
	p = (uint64_t)cfg_pow10(decimals);
	if (decimals == 0)
		snprintf(buf, len, "%s%" PRIu64, v < 0 ? "-" : "", a);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "",
		    a / p, decimals, a % p);
}

/* "4C", "4.5C", "39.2F", "4" (C) to millidegrees C, exactly, no float. */
int
config_parse_temp(const char *s, int is_delta, int32_t *out_mc)
{
	int64_t	m;
	int	neg = 0;

	if (!is_delta && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (cfg_parse_fixed(&s, CFG_TEMP_DIGITS, 3, &m) == -1)
		return -1;
	if (neg)
		m = -m;
	if (*s == 'F' || *s == 'f') {
		if (!is_delta)
			m -= 32000;
		m = cfg_div_round(m * 5, 9);
		s++;
	} else if (*s == 'C' || *s == 'c')
		s++;
	if (*s != '\0')
		return -1;
	*out_mc = (int32_t)m;
	return 0;
}

/* Millidegrees as "10.0", "1.667": as few decimals as needed, at least one. */
void
cfg_format_temp(int32_t mc, char *buf, size_t len)
{
	int32_t	a = mc < 0 ? -mc : mc;
	char	frac[4];
	int	i;

	snprintf(frac, sizeof(frac), "%03d", (int)(a % 1000));
	for (i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(buf, len, "%s%d.%s", mc < 0 ? "-" : "", (int)(a / 1000),
	    frac);
}

/* A whole number in min..max; 0, CFG_INT_MALFORMED or CFG_INT_OUT_OF_RANGE. */
int
cfg_parse_int(const char *v, int min, int max, int *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || isspace((unsigned char)*v) || *end != '\0')
		return CFG_INT_MALFORMED;
	if (errno == ERANGE || n < min || n > max)
		return CFG_INT_OUT_OF_RANGE;
	*out = (int)n;
	return 0;
}

/* "yes"/"no" and friends; -1 if none. */
int
cfg_parse_bool(const char *v)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* "pull-up" and friends; -1 if none. */
int
cfg_parse_bias(const char *v)
{
	size_t	i;

	for (i = 0; i < sizeof(cfg_bias_names) / sizeof(cfg_bias_names[0]);
	    i++)
		if (strcasecmp(v, cfg_bias_names[i]) == 0)
			return (int)i;
	return -1;
}

/* A bias as the file spells it, for --check. */
const char *
cfg_bias_name(int bias)
{
	if (bias < 0 || (size_t)bias >= sizeof(cfg_bias_names) /
	    sizeof(cfg_bias_names[0]))
		return "?";
	return cfg_bias_names[bias];
}

/*
 * Whether v has the form a text key of this type needs: NULL if it has,
 * else that form in words ("an absolute path") for the reader's message.
 */
const char *
cfg_text_form(int type, const char *v)
{
	size_t	len = strlen(v), i;

	switch (type) {
	case CFG_T_CURRENCY:
		if (len == 3 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3)
			return NULL;
		return "an ISO 4217 code like EUR";
	case CFG_T_PATH:
		return v[0] == '/' ? NULL : "an absolute path";
	case CFG_T_OPTPATH:
		return len == 0 || v[0] == '/' ? NULL :
		    "an absolute path, or empty for none";
	case CFG_T_GROUP:
		if (v[0] != '-' && strspn(v, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len)
			return NULL;
		return "a group name, or empty for root only";
	case CFG_T_CODE:
		if (len >= 1 && len < VENDD_CODE_MAX &&
		    strspn(v, "0123456789") == len)
			return NULL;
		return "a selection code of 1 to 3 digits";
	case CFG_T_MACHINE:
		if (len > 0 && strspn(v, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/ ") == len)
			return NULL;
		return "letters, digits, spaces and - . _ / (an audit field)";
	case CFG_T_DEVICE:
		if (len == 0 || v[0] == '/' || strchr(v, '/') == NULL)
			return NULL;
		return "an absolute path, or an input device's name";
	case CFG_T_LABEL:
		for (i = 0; i < len; i++)
			if (iscntrl((unsigned char)v[i]))
				break;
		return len > 0 && i == len && cfg_utf8_valid(v) ? NULL :
		    "printable UTF-8 text";
	}
	return NULL;
}

/* Whole UTF-8 sequences only, none overlong or beyond U+10FFFF. */
static int
cfg_utf8_valid(const char *v)
{
	const unsigned char *c = (const unsigned char *)v;
	int	 more;
	uint32_t cp;

	while (*c) {
		if (*c < 0x80) {
			c++;
			continue;
		}
		if ((*c & 0xe0) == 0xc0)
			more = 1, cp = *c & 0x1f;
		else if ((*c & 0xf0) == 0xe0)
			more = 2, cp = *c & 0x0f;
		else if ((*c & 0xf8) == 0xf0)
			more = 3, cp = *c & 0x07;
		else
			return 0;
		for (int i = 1; i <= more; i++) {
			if ((c[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (c[i] & 0x3f);
		}
		if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
		    (more == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		c += more + 1;
	}
	return 1;
}

/*
 * A product id names its column in vendctl, the ledger and log lines:
 * [a-z0-9_-], not too long.
 */
int
cfg_valid_id(const char *id)
{
	size_t	len = strlen(id);

	if (len == 0 || len >= VENDD_ID_MAX)
		return 0;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

/* A GPIO line name has no blanks or control characters ("gpiochip0:17"). */
int
cfg_valid_line_name(const char *v)
{
	for (; *v != '\0'; v++)
		if (isspace((unsigned char)*v) || iscntrl((unsigned char)*v))
			return 0;
	return 1;
}

static const char *const cfg_display_names[] = {
	[DISPLAY_NONE] = "none",
	[DISPLAY_CHARLCD] = "charlcd",
	[DISPLAY_TERMINAL] = "terminal",
};

/* [display] type: an enum display_type, or -1. */
int
cfg_parse_display(const char *v)
{
	for (size_t i = 0; i < sizeof(cfg_display_names) /
	    sizeof(cfg_display_names[0]); i++)
		if (strcmp(v, cfg_display_names[i]) == 0)
			return (int)i;
	return -1;
}

/* The name --check prints for a display type. */
const char *
cfg_display_name(int type)
{
	if (type < 0 || (size_t)type >= sizeof(cfg_display_names) /
	    sizeof(cfg_display_names[0]))
		return "?";
	return cfg_display_names[type];
}

/*
 * A customer text is shown by vendd's own substitution, never as a printf
 * format: exactly its count of %s, %% for a percent sign, no control
 * characters, whole UTF-8 (an LCD cannot show half a character).
 */
const char *
cfg_text_problem(const char *v, int placeholders)
{
	int	n = 0;

	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			return "a control character";
		if (*c == '%' && c[1] == 's')
			n++, c++;
		else if (*c == '%' && c[1] == '%')
			c++;
		else if (*c == '%')
			return "a % that is neither %s nor %%";
	}
	if (n != placeholders)
		return placeholders == 0 ? "has %s, but this text takes no "
		    "value" : placeholders == 1 ? "needs exactly one %s" :
		    "needs exactly two %s";
	return cfg_utf8_valid(v) ? NULL : "not valid UTF-8";
}

/* Key names ("KEY_0 KEY_1", blanks or commas between): the count, or -1. */
int
cfg_parse_keys(const char *v, int *codes, int max, char *bad, size_t badlen)
{
	char	 buf[256], *tok, *save = NULL;
	int	 n = 0, code;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf)) {
		snprintf(bad, badlen, "the list is too long");
		return -1;
	}
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		code = libevdev_event_code_from_name(EV_KEY, tok);
		if (code <= 0 || strncmp(tok, "KEY_", 4) != 0) {	/* 0: RESERVED */
			snprintf(bad, badlen, "\"%s\" is not a key name (like "
			    "KEY_1 or KEY_ENTER)", tok);
			return -1;
		}
		if (n == max) {
			snprintf(bad, badlen, "more than %d keys", max);
			return -1;
		}
		codes[n++] = code;
	}
	return n;
}

/* A key's name for --check ("KEY_ENTER"), "?" for a code it does not know. */
const char *
cfg_key_name(int code)
{
	const char	*s = libevdev_event_code_get_name(EV_KEY,
	    (unsigned)code);

	return s != NULL ? s : "?";
}
