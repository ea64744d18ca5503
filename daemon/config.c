/*
 * vendd's configuration reader: one INI file read with inih into struct
 * config.
 *
 * Defaults first, then one handler sets each key from the tables of
 * config_keys.c with the parsers of config_value.c. inih (as Debian builds
 * it) does not pass line numbers, so our own reader counts lines and also
 * sees each [section] header, which lets errors name FILE:LINE and lets
 * empty sections exist. Money waits for the end of the file because [vendd]
 * decimals may come after it. The first error wins; nothing here logs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <ini.h>

#include "config_int.h"

#define CFG_READ_MAX		1024	/* longer lines are refused, not cut */
#define CFG_FILE_MAX		(1024 * 1024)	/* a config, not a log */

/* Record the first error as "FILE:LINE: message" ("FILE: ..." if no line). */
int
cfg_error(struct cfg_ctx *ctx, int lineno, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (ctx->failed)
		return -1;
	ctx->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lineno > 0)
		snprintf(ctx->err, ctx->errlen, "%s:%d: %s", ctx->cfg->path,
		    lineno, msg);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->cfg->path, msg);
	return -1;
}

/* Start [product ID]: a new product with its defaults, in file order. */
static int
cfg_product_begin(struct cfg_ctx *ctx, const char *id)
{
	struct config	*cfg = ctx->cfg;
	int		 i;

	if (!cfg_valid_id(id))
		return cfg_error(ctx, ctx->lineno, "[product %s]: the id must "
		    "be 1 to %d of a-z 0-9 _ - (like [product cola])", id,
		    VENDD_ID_MAX - 1);
	for (i = 0; i < cfg->nproducts; i++)
		if (strcmp(cfg->product[i].id, id) == 0)
			return cfg_error(ctx, ctx->lineno, "[product %s]: "
			    "duplicate product (first at line %d)", id,
			    cfg->product[i].lineno);
	if (cfg->nproducts == VENDD_MAX_PRODUCTS)
		return cfg_error(ctx, ctx->lineno, "[product %s]: more than "
		    "%d products", id, VENDD_MAX_PRODUCTS);
	ctx->cur_product = cfg->nproducts++;
	cfg_product_defaults(&cfg->product[ctx->cur_product], id, ctx->lineno);
	snprintf(ctx->secname, sizeof(ctx->secname), "[product %s]", id);
	ctx->sec = CFG_SEC_PRODUCT;
	return 0;
}

/* A [section] header, seen by the reader before inih handles its keys. */
static int
cfg_section_begin(struct cfg_ctx *ctx, char *name)
{
	char	*end;
	int	 s;

	while (isspace((unsigned char)*name))
		name++;
	end = name + strlen(name);
	while (end > name && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strncmp(name, "product", 7) == 0 &&
	    (name[7] == '\0' || isspace((unsigned char)name[7]))) {
		for (name += 7; isspace((unsigned char)*name); name++)
			;
		if (*name == '\0')
			return cfg_error(ctx, ctx->lineno, "[product] needs "
			    "an id, like [product cola]");
		return cfg_product_begin(ctx, name);
	}
	for (s = CFG_SEC_VENDD; s < CFG_SEC_PRODUCT; s++)
		if (strcmp(name, cfg_sections[s].name) == 0)
			break;
	if (s == CFG_SEC_PRODUCT)
		return cfg_error(ctx, ctx->lineno, "unknown section [%s] "
		    "(expected [vendd], [coin], [panel], [product ID], [arm], "
		    "[cooling], [display], [keypad], [service] or [mdb])", name);
	if (ctx->sec_line[s] != 0)
		return cfg_error(ctx, ctx->lineno, "duplicate section [%s] "
		    "(first at line %d)", name, ctx->sec_line[s]);
	ctx->sec = s;
	ctx->sec_line[s] = ctx->lineno;
	snprintf(ctx->secname, sizeof(ctx->secname), "[%s]", name);
	return 0;
}

/*
 * Refuse a ';' in a value, naming the key: inih would cut "Cola ; cheap" to
 * "Cola" and drop the rest as a comment without a word, and comments go on
 * their own lines. A '#' is ordinary text, as inih keeps it ("Snack #1").
 * A key outside any section is left to the handler, which refuses it.
 */
static int
cfg_refuse_inline_comment(struct cfg_ctx *ctx, const char *s, const char *eq)
{
	const char	*end = eq;

	if (strchr(eq + 1, ';') == NULL || ctx->sec == CFG_SEC_NONE)
		return 0;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	return cfg_error(ctx, ctx->lineno, "%s %.*s: ';' in a value: comments "
	    "go on their own lines", ctx->secname, (int)(end - s), s);
}

/*
 * Check one line's shape (inih would skip, merge or shorten some) and catch
 * headers.
 */
static int
cfg_scan_line(struct cfg_ctx *ctx, char *s)
{
	char	 name[CFG_READ_MAX];
	char	*end, *eq;

	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return cfg_error(ctx, ctx->lineno, "section header "
			    "without a closing ]");
		snprintf(name, sizeof(name), "%.*s", (int)(end - s - 1), s + 1);
		return cfg_section_begin(ctx, name);
	}
	if ((eq = strpbrk(s, "=:")) == NULL)
		return cfg_error(ctx, ctx->lineno, "expected [section] or "
		    "key = value");
	return cfg_refuse_inline_comment(ctx, s, eq);
}

/*
 * The next line of the file, without its newline, into buf; NULL at the end
 * or on an error (recorded; a line that does not fit is reported as longer
 * than max). Lines are cut from the copy read at start.
 */
static char *
cfg_next_line(struct cfg_ctx *ctx, char *buf, size_t size, int max)
{
	const char	*start, *nl;
	size_t		 rest = ctx->len - ctx->pos, len;

	if (ctx->failed || rest == 0)
		return NULL;
	start = ctx->text + ctx->pos;
	nl = memchr(start, '\n', rest);
	len = nl != NULL ? (size_t)(nl - start) : rest;
	ctx->pos += len + (nl != NULL);
	ctx->lineno++;
	if (len > size - 2) {
		cfg_error(ctx, ctx->lineno, "line is longer than %d "
		    "characters", max);
		return NULL;
	}
	if (memchr(start, '\0', len) != NULL) {
		cfg_error(ctx, ctx->lineno, "a NUL byte: not a text file?");
		return NULL;
	}
	memcpy(buf, start, len);
	buf[len] = '\0';
	return buf;
}

/*
 * inih's reader: count lines, strip leading blanks (so inih never joins an
 * indented line to the key above), refuse long lines and inline comments,
 * see headers.
 */
static char *
cfg_reader(char *str, int num, void *stream)
{
	struct cfg_ctx	*ctx = stream;
	char		 buf[CFG_READ_MAX], *s;
	size_t		 len;

	if ((s = cfg_next_line(ctx, buf, sizeof(buf), num - 3)) == NULL)
		return NULL;
	if (ctx->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if ((len = strlen(s)) > (size_t)num - 3) {
		cfg_error(ctx, ctx->lineno, "line is longer than %d "
		    "characters", num - 3);
		return NULL;
	}
	if (cfg_scan_line(ctx, s) == -1)
		return NULL;
	memcpy(str, s, len);
	memcpy(str + len, "\n", 2);
	return str;
}

/* Room for more of the file: double the buffer, up to CFG_FILE_MAX. */
static int
cfg_grow_text(struct cfg_ctx *ctx, size_t *cap)
{
	size_t	 want = *cap > 0 ? *cap * 2 : 8192;
	char	*t;

	if (*cap >= CFG_FILE_MAX)
		return cfg_error(ctx, 0, "%d KiB or more: not a config file?",
		    CFG_FILE_MAX / 1024);
	if ((t = realloc(ctx->text, want)) == NULL)
		return cfg_error(ctx, 0, "%s", strerror(errno));
	ctx->text = t;
	*cap = want;
	return 0;
}

/*
 * The whole file into ctx->text with read(): a config is a few KiB, and
 * stdio's buffering would only add code to every start.
 */
static int
cfg_read_file(struct cfg_ctx *ctx, const char *path)
{
	size_t	cap = 0;
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cfg_error(ctx, 0, "%s", strerror(errno));
	for (;;) {
		if (ctx->len == cap && cfg_grow_text(ctx, &cap) == -1)
			break;
		if ((n = read(fd, ctx->text + ctx->len, cap - ctx->len)) > 0)
			ctx->len += (size_t)n;
		else if (n == 0)
			break;
		else if (errno != EINTR) {
			cfg_error(ctx, 0, "%s", strerror(errno));
			break;
		}
	}
	close(fd);
	return ctx->failed ? -1 : 0;
}

/* A whole number within the key's range. */
static int
cfg_set_int(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    int *dst)
{
	switch (cfg_parse_int(v, k->min, k->max, dst)) {
	case CFG_INT_MALFORMED:
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is not a "
		    "whole number%s%s", ctx->secname, k->name, v,
		    *k->unit ? " of " : "", k->unit);
	case CFG_INT_OUT_OF_RANGE:
		return cfg_error(ctx, ctx->lineno, "%s %s: %s is out of range "
		    "(%d..%d%s%s)", ctx->secname, k->name, v, k->min, k->max,
		    *k->unit ? " " : "", k->unit);
	}
	return 0;
}

/* A GPIO line name; refuses a line another key already uses. */
static int
cfg_set_gpio_line(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    struct line_conf *lc)
{
	const struct line_conf	*all[CONFIG_MAX_LINES];
	int			 n, i;

	if (*v == '\0') {
		if (k->flags & CFG_REQUIRED)
			return cfg_error(ctx, ctx->lineno, "%s %s: needs a "
			    "GPIO line name (like COIN or gpiochip0:17)",
			    ctx->secname, k->name);
		return 0;			/* optional: not wired */
	}
	if (strlen(v) >= sizeof(lc->name))
		return cfg_error(ctx, ctx->lineno, "%s %s: line name is "
		    "longer than %zu characters", ctx->secname, k->name,
		    sizeof(lc->name) - 1);
	if (!cfg_valid_line_name(v))
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is not a "
		    "GPIO line name (no blanks)", ctx->secname, k->name, v);
	n = config_lines(ctx->cfg, all, CONFIG_MAX_LINES);
	for (i = 0; i < n; i++)
		if (strcmp(all[i]->name, v) == 0)
			return cfg_error(ctx, ctx->lineno, "%s %s: line %s is "
			    "already used by %s at line %d", ctx->secname,
			    k->name, v, all[i]->key, all[i]->lineno);
	snprintf(lc->name, sizeof(lc->name), "%s", v);
	lc->lineno = ctx->lineno;
	return 0;
}

/* Keep money text; checked now as far as known, converted at the end. */
static int
cfg_set_money(struct cfg_ctx *ctx, const char *name, const char *v,
    int64_t *dst)
{
	struct cfg_money	*m;
	int			 dec;
	int64_t			 val;

	dec = ctx->decimals_seen ? ctx->cfg->decimals : CFG_DECIMALS_MAX;
	if (strlen(v) >= sizeof(m->text) || config_parse_money(v, dec,
	    &val) == -1)
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is not an "
		    "amount of money (at most %d digits before the point and "
		    "%d after)", ctx->secname, name, v,
		    CFG_MONEY_DIGITS, ctx->cfg->decimals);
	if (ctx->nmoney == CFG_MAX_MONEY)	/* keys are unique: cannot */
		return cfg_error(ctx, ctx->lineno, "too many amounts");
	m = &ctx->money[ctx->nmoney++];
	m->dst = dst;
	m->lineno = ctx->lineno;
	snprintf(m->text, sizeof(m->text), "%s", v);
	snprintf(m->what, sizeof(m->what), "%s %s", ctx->secname, name);
	return 0;
}

/* A temperature or a difference of two, in range, text kept for --check. */
static int
cfg_set_temp(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    int32_t *dst, char *text)
{
	int32_t	mc;
	int	lo = k->type == CFG_T_DELTA ? CFG_DIFF_MIN : CFG_SETPOINT_MIN;
	int	hi = k->type == CFG_T_DELTA ? CFG_DIFF_MAX : CFG_SETPOINT_MAX;
	char	a[16], b[16];

	if (strlen(v) >= sizeof(((struct cooling_conf *)0)->setpoint_text) ||
	    config_parse_temp(v, k->type == CFG_T_DELTA, &mc) == -1)
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is not a "
		    "temperature%s (like 4C, 4.5C, 39.2F, or 4 for Celsius)",
		    ctx->secname, k->name, v,
		    k->type == CFG_T_DELTA ? " difference" : "");
	if (mc < lo || mc > hi) {
		cfg_format_temp(lo, a, sizeof(a));
		cfg_format_temp(hi, b, sizeof(b));
		return cfg_error(ctx, ctx->lineno, "%s %s: %s is out of range "
		    "(%sC..%sC)", ctx->secname, k->name, v, a, b);
	}
	*dst = mc;
	strcpy(text, v);
	return 0;
}

/* Text keys, each with the form it must have. */
static int
cfg_set_string(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    char *dst)
{
	size_t		 len = strlen(v);
	const char	*want;

	if ((want = cfg_text_form(k->type, v)) != NULL)
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is not %s",
		    ctx->secname, k->name, v, want);
	if (len >= k->size)
		return cfg_error(ctx, ctx->lineno, "%s %s: longer than %zu "
		    "characters", ctx->secname, k->name, k->size - 1);
	memcpy(dst, v, len + 1);
	return 0;
}

/* A customer text: its placeholders checked, so no text can misprint. */
static int
cfg_set_text(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    char *dst)
{
	const char	*why;

	/* a count of %s that is wrong: say what each one stands for */
	if ((why = cfg_text_problem(v, k->min)) != NULL && k->unit != NULL &&
	    strstr(why, "exactly") != NULL)
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\": %s (%s)",
		    ctx->secname, k->name, v, why, k->unit);
	if (why != NULL)
		return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\": %s",
		    ctx->secname, k->name, v, why);
	if (strlen(v) >= k->size)
		return cfg_error(ctx, ctx->lineno, "%s %s: longer than %zu "
		    "bytes", ctx->secname, k->name, k->size - 1);
	strcpy(dst, v);
	return 0;
}

/* A list of evdev key names, min..max of them; unused slots are 0. */
static int
cfg_set_keys(struct cfg_ctx *ctx, const struct cfg_key *k, const char *v,
    int *dst)
{
	int	codes[KEYPAD_DIGITS], n;
	char	bad[128];

	if ((n = cfg_parse_keys(v, codes, k->max, bad, sizeof(bad))) == -1)
		return cfg_error(ctx, ctx->lineno, "%s %s: %s", ctx->secname,
		    k->name, bad);
	if (n < k->min)
		return cfg_error(ctx, ctx->lineno, "%s %s: %d key names "
		    "needed, %d given", ctx->secname, k->name, k->min, n);
	memset(dst, 0, sizeof(int) * (size_t)k->max);
	memcpy(dst, codes, sizeof(int) * (size_t)n);
	return 0;
}

/* Set one key of the table into base (the config or the product). */
static int
cfg_set_key(struct cfg_ctx *ctx, const struct cfg_key *k, char *base,
    const char *v)
{
	void	*dst = base + k->off;
	int	 b;

	switch (k->type) {
	case CFG_T_INT:
		return cfg_set_int(ctx, k, v, dst);
	case CFG_T_BOOL:
		if ((b = cfg_parse_bool(v)) == -1)
			return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is "
			    "not a boolean (yes/no, true/false, on/off, 1/0)",
			    ctx->secname, k->name, v);
		*(int *)dst = b;
		return 0;
	case CFG_T_BIAS:
		if ((b = cfg_parse_bias(v)) == -1)
			return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is "
			    "not a bias (as-is, pull-up, pull-down, disabled)",
			    ctx->secname, k->name, v);
		*(int *)dst = b;
		return 0;
	case CFG_T_LINE:
		return cfg_set_gpio_line(ctx, k, v, dst);
	case CFG_T_MONEY:
		return cfg_set_money(ctx, k->name, v, dst);
	case CFG_T_TEMP:
	case CFG_T_DELTA:
		return cfg_set_temp(ctx, k, v, dst, base + k->size);
	case CFG_T_DISPLAY:
		if ((b = cfg_parse_display(v)) == -1)
			return cfg_error(ctx, ctx->lineno, "%s %s: \"%s\" is "
			    "not a display type (none, charlcd, terminal)",
			    ctx->secname, k->name, v);
		*(int *)dst = b;
		return 0;
	case CFG_T_TEXT:
		return cfg_set_text(ctx, k, v, dst);
	case CFG_T_KEYS:
		return cfg_set_keys(ctx, k, v, dst);
	default:
		return cfg_set_string(ctx, k, v, dst);
	}
}

/* pulses_N in [coin]: the value of a coin that gives N pulses. */
static int
cfg_set_pulses(struct cfg_ctx *ctx, const char *name, const char *v)
{
	const char	*d = name + strlen("pulses_");
	int		 n;

	n = (int)strtol(d, NULL, 10);
	if (d[0] < '1' || d[0] > '9' || strspn(d, "0123456789") !=
	    strlen(d) || strlen(d) > 2 || n > VENDD_MAX_PULSES)
		return cfg_error(ctx, ctx->lineno, "%s %s: the pulse count "
		    "must be 1..%d (pulses_1 .. pulses_%d)", ctx->secname,
		    name, VENDD_MAX_PULSES, VENDD_MAX_PULSES);
	if (ctx->pulse_line[n] != 0)
		return cfg_error(ctx, ctx->lineno, "%s %s: duplicate key "
		    "(first at line %d)", ctx->secname, name,
		    ctx->pulse_line[n]);
	ctx->pulse_line[n] = ctx->lineno;
	return cfg_set_money(ctx, name, v, &ctx->cfg->coin.value[n]);
}

/* "unknown key" with the keys the section does know. */
static int
cfg_error_unknown_key(struct cfg_ctx *ctx, const char *name)
{
	const struct cfg_section *sec = &cfg_sections[ctx->sec];
	char	known[400] = "";
	int	i;

	for (i = 0; i < sec->nkeys; i++) {
		strncat(known, i ? ", " : "",
		    sizeof(known) - strlen(known) - 1);
		strncat(known, sec->keys[i].name,
		    sizeof(known) - strlen(known) - 1);
	}
	if (ctx->sec == CFG_SEC_COIN)
		strncat(known, ", pulses_1..pulses_20",
		    sizeof(known) - strlen(known) - 1);
	return cfg_error(ctx, ctx->lineno, "%s %s: unknown key (known: %s)",
	    ctx->secname, name, known);
}

/* One key = value of the current section: find it, refuse it twice, set it. */
static int
cfg_handle_key(struct cfg_ctx *ctx, const char *name, const char *value)
{
	const struct cfg_section *sec;
	int			 *line, i;
	char			 *base;

	if (ctx->sec == CFG_SEC_NONE)
		return cfg_error(ctx, ctx->lineno, "%s: key outside any "
		    "section", name);
	if (ctx->sec == CFG_SEC_COIN && strncmp(name, "pulses_", 7) == 0)
		return cfg_set_pulses(ctx, name, value);
	sec = &cfg_sections[ctx->sec];
	for (i = 0; i < sec->nkeys; i++)
		if (strcmp(name, sec->keys[i].name) == 0)
			break;
	if (i == sec->nkeys)
		return cfg_error_unknown_key(ctx, name);
	if (ctx->sec == CFG_SEC_PRODUCT) {
		line = &ctx->prod_line[ctx->cur_product][i];
		base = (char *)&ctx->cfg->product[ctx->cur_product];
	} else {
		line = &ctx->key_line[ctx->sec][i];
		base = (char *)ctx->cfg;
	}
	if (*line != 0)
		return cfg_error(ctx, ctx->lineno, "%s %s: duplicate key "
		    "(first at line %d)", ctx->secname, name, *line);
	*line = ctx->lineno;
	if (ctx->sec == CFG_SEC_VENDD && strcmp(name, "decimals") == 0)
		ctx->decimals_seen = 1;
	return cfg_set_key(ctx, &sec->keys[i], base, value);
}

/*
 * inih's handler. The section comes from our reader, which sees the header
 * whole (inih cuts long names), so inih's copy is unused.
 */
static int
cfg_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct cfg_ctx	*ctx = user;

	(void)section;
	if (ctx->failed)
		return 0;
	return cfg_handle_key(ctx, name, value) == 0;
}

/* Read and validate one file into cfg. */
int
config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct cfg_ctx	*ctx;
	int		 rc;

	if (errlen > 0)
		err[0] = '\0';
	config_defaults(cfg);
	if (strlen(path) >= sizeof(cfg->path)) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -1;
	}
	strcpy(cfg->path, path);
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ctx->cfg = cfg;
	ctx->err = err;
	ctx->errlen = errlen;
	rc = 0;
	if (cfg_read_file(ctx, path) == 0)
		rc = ini_parse_stream(cfg_reader, ctx, cfg_handler, ctx);
	free(ctx->text);
	if (!ctx->failed && rc > 0)
		cfg_error(ctx, rc, "expected [section] or key = value");
	else if (!ctx->failed && rc < 0)
		cfg_error(ctx, 0, "cannot parse (inih error %d)", rc);
	if (!ctx->failed)
		cfg_check_and_complete(ctx);
	rc = ctx->failed ? -1 : 0;
	free(ctx);
	return rc;
}

/* "FILE:LINE: [section] key", or "FILE: [section] key (default)". */
void
config_where(const struct config *cf, const char *section, const char *key,
    int lineno, char *buf, size_t len)
{
	if (lineno > 0)
		snprintf(buf, len, "%s:%d: [%s] %s", cf->path, lineno, section,
		    key);
	else
		snprintf(buf, len, "%s: [%s] %s (default)", cf->path, section,
		    key);
}
