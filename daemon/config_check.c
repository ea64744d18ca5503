/*
 * The checks that need the whole file: required keys, money once decimals
 * is known, timings that must nest, selection codes, and the values one key
 * implies for others. Each error names the line of the key at fault.
 */
#include <stdio.h>
#include <string.h>

#include "config_int.h"

/* The line a key was set on, 0 if it keeps its default. */
static int
cfg_key_line(struct cfg_ctx *ctx, int sec, int prod, const char *name)
{
	const struct cfg_section *s = &cfg_sections[sec];
	int	i;

	for (i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return sec == CFG_SEC_PRODUCT ?
			    ctx->prod_line[prod][i] : ctx->key_line[sec][i];
	return 0;
}

/* The line to name for a fault in a key: its own, else its header's, or 0. */
static int
cfg_fault_line(struct cfg_ctx *ctx, int sec, int prod, const char *name)
{
	int	l = cfg_key_line(ctx, sec, prod, name);

	if (l == 0)
		l = sec == CFG_SEC_PRODUCT ? ctx->cfg->product[prod].lineno :
		    ctx->sec_line[sec];
	return l;
}

/* Every section and key that has no default must be there. */
static int
cfg_check_required(struct cfg_ctx *ctx)
{
	const struct cfg_section *s;
	int	sec, i, p;

	for (sec = CFG_SEC_VENDD; sec < CFG_SEC_PRODUCT; sec++) {
		s = &cfg_sections[sec];
		for (i = 0; i < s->nkeys; i++) {
			if (!(s->keys[i].flags & CFG_REQUIRED) ||
			    ctx->key_line[sec][i] != 0)
				continue;
			if (ctx->sec_line[sec] == 0)
				return cfg_error(ctx, 0, "section [%s] is "
				    "missing (its %s is required)", s->name,
				    s->keys[i].name);
			return cfg_error(ctx, ctx->sec_line[sec], "[%s]: %s "
			    "is required", s->name, s->keys[i].name);
		}
	}
	if (ctx->cfg->nproducts == 0)
		return cfg_error(ctx, 0, "no [product ID] section: at least "
		    "one product is required");
	s = &cfg_sections[CFG_SEC_PRODUCT];
	for (p = 0; p < ctx->cfg->nproducts; p++)
		for (i = 0; i < s->nkeys; i++)
			if ((s->keys[i].flags & CFG_REQUIRED) &&
			    ctx->prod_line[p][i] == 0)
				return cfg_error(ctx, ctx->cfg->product[p].lineno,
				    "[product %s]: %s is required",
				    ctx->cfg->product[p].id, s->keys[i].name);
	return 0;
}

/* Now that decimals is known: every amount to minor units, all above 0. */
static int
cfg_convert_money(struct cfg_ctx *ctx)
{
	struct config	*cfg = ctx->cfg;
	int		 i;

	if (cfg_key_line(ctx, CFG_SEC_COIN, 0, "max_credit") == 0)
		config_parse_money(CFG_DEFAULT_MAX_CREDIT, cfg->decimals,
		    &cfg->coin.max_credit);
	for (i = 0; i < ctx->nmoney; i++) {
		struct cfg_money *m = &ctx->money[i];

		if (config_parse_money(m->text, cfg->decimals, m->dst) == -1)
			return cfg_error(ctx, m->lineno, "%s: \"%s\" has more "
			    "digits after the point than [vendd] decimals = %d",
			    m->what, m->text, cfg->decimals);
		if (*m->dst <= 0)
			return cfg_error(ctx, m->lineno, "%s: must be more "
			    "than 0", m->what);
	}
	return 0;
}

/* The coin timings must nest, and one coin at least must be worth money. */
static int
cfg_check_coin(struct cfg_ctx *ctx)
{
	struct coin_conf *c = &ctx->cfg->coin;
	int	n;

	for (n = 1; n <= VENDD_MAX_PULSES; n++)
		if (c->value[n] != 0)
			break;
	if (n > VENDD_MAX_PULSES)
		return cfg_error(ctx, ctx->sec_line[CFG_SEC_COIN], "[coin]: at "
		    "least one pulses_N value is required (like pulses_1 = "
		    "0.10)");
	if (c->line.debounce_ms >= c->pulse_min_ms)
		return cfg_error(ctx, cfg_fault_line(ctx, CFG_SEC_COIN, 0,
		    "debounce_ms"), "[coin] debounce_ms (%d) must be less "
		    "than pulse_min_ms (%d)", c->line.debounce_ms,
		    c->pulse_min_ms);
	if (c->pulse_min_ms >= c->pulse_max_ms)
		return cfg_error(ctx, cfg_fault_line(ctx, CFG_SEC_COIN, 0,
		    "pulse_max_ms"), "[coin] pulse_max_ms (%d) must be more "
		    "than pulse_min_ms (%d)", c->pulse_max_ms, c->pulse_min_ms);
	if (c->pulse_max_ms >= c->train_gap_ms)
		return cfg_error(ctx, cfg_fault_line(ctx, CFG_SEC_COIN, 0,
		    "train_gap_ms"), "[coin] train_gap_ms (%d) must be more "
		    "than pulse_max_ms (%d)", c->train_gap_ms, c->pulse_max_ms);
	return 0;
}

/* A price above max_credit could never be paid. */
static int
cfg_check_products(struct cfg_ctx *ctx)
{
	struct config	*cfg = ctx->cfg;
	char		 a[32], b[32];
	int		 i;

	for (i = 0; i < cfg->nproducts; i++) {
		struct product_conf *p = &cfg->product[i];

		if (p->price <= cfg->coin.max_credit)
			continue;
		config_format_money(p->price, cfg->decimals, a, sizeof(a));
		config_format_money(cfg->coin.max_credit, cfg->decimals, b,
		    sizeof(b));
		return cfg_error(ctx, cfg_fault_line(ctx, CFG_SEC_PRODUCT, i,
		    "price"), "[product %s] price: %s is more than [coin] "
		    "max_credit %s, it could never be paid", p->id, a, b);
	}
	return 0;
}

/* Values one key implies for others, whatever order the sections came in. */
static void
cfg_fill_derived(struct config *cfg)
{
	int	i;

	cfg->panel.ret.active_low = cfg->panel.vend.active_low;
	cfg->panel.ret.bias = cfg->panel.vend.bias;
	cfg->panel.ret.debounce_ms = cfg->panel.vend.debounce_ms;
	for (i = 0; i < cfg->nproducts; i++) {
		struct product_conf *p = &cfg->product[i];

		if (p->label[0] == '\0')
			memcpy(p->label, p->id, sizeof(p->id));
		p->select.active_low = cfg->panel.vend.active_low;
		p->select.bias = cfg->panel.vend.bias;
		p->select.debounce_ms = cfg->panel.vend.debounce_ms;
		p->slot.active_low = cfg->arm.slot_active_low;
	}
}

/*
 * Where the keys that start-up acts on were set (0: default), so
 * that its errors can name FILE:LINE through config_where.
 */
static void
cfg_record_vendd_lines(struct cfg_ctx *ctx)
{
	struct config	*cfg = ctx->cfg;

	cfg->state_dir_line = cfg_key_line(ctx, CFG_SEC_VENDD, 0, "state_dir");
	cfg->control_socket_line = cfg_key_line(ctx, CFG_SEC_VENDD, 0,
	    "control_socket");
	cfg->control_group_line = cfg_key_line(ctx, CFG_SEC_VENDD, 0,
	    "control_group");
	cfg->display.device_line = cfg_key_line(ctx, CFG_SEC_DISPLAY, 0,
	    "device");
	cfg->keypad.device_line = cfg_key_line(ctx, CFG_SEC_KEYPAD, 0,
	    "device");
}

/*
 * Each product is chosen somehow: by its button, or by its code on the
 * keypad. Codes are unique; a code that starts another ("1" and "12") is
 * fine, ENTER tells them apart.
 */
static int
cfg_check_selection(struct cfg_ctx *ctx)
{
	struct config	*cfg = ctx->cfg;
	int		 i, j, keypad = cfg->keypad.device[0] != '\0';

	for (i = 0; i < cfg->nproducts; i++)
		cfg->product[i].code_line = cfg_key_line(ctx, CFG_SEC_PRODUCT,
		    i, "code");
	for (i = 0; i < cfg->nproducts; i++) {
		struct product_conf *p = &cfg->product[i];

		for (j = 0; j < i && p->code[0] != '\0'; j++)
			if (strcmp(cfg->product[j].code, p->code) == 0)
				return cfg_error(ctx, p->code_line, "[product "
				    "%s] code: %s is already the code of "
				    "[product %s] (line %d)", p->id, p->code,
				    cfg->product[j].id,
				    cfg->product[j].code_line);
		if (p->select.name[0] != '\0')
			continue;
		if (!keypad)
			return cfg_error(ctx, p->lineno, "[product %s]: "
			    "select_line is required (or a code, with a "
			    "[keypad] device)", p->id);
		if (p->code[0] == '\0')
			return cfg_error(ctx, p->lineno, "[product %s]: needs "
			    "a code for the keypad, or a select_line", p->id);
	}
	return 0;
}

/*
 * Each key does one thing: a key in two lists would do only the first
 * (a digit that is also ENTER could never vend).
 */
static int
cfg_check_keypad(struct cfg_ctx *ctx)
{
	const struct keypad_conf *k = &ctx->cfg->keypad;
	static const char *const names[] = { "digits", "clear", "enter" };
	const int	*lists[] = { k->digit, k->clear, k->enter };
	const int	 lens[] = { KEYPAD_DIGITS, KEYPAD_KEYS_MAX,
			    KEYPAD_KEYS_MAX };
	int		 code[KEYPAD_DIGITS + 2 * KEYPAD_KEYS_MAX], list[
			    KEYPAD_DIGITS + 2 * KEYPAD_KEYS_MAX], n = 0;

	for (int l = 0; l < 3; l++)
		for (int i = 0; i < lens[l]; i++) {
			if (lists[l][i] == 0)
				continue;	/* clear, enter: an unused slot */
			for (int j = 0; j < n; j++)
				if (code[j] == lists[l][i])
					return cfg_error(ctx, cfg_fault_line(
					    ctx, CFG_SEC_KEYPAD, 0, names[l]),
					    "[keypad] %s: %s is already in %s",
					    names[l], cfg_key_name(code[j]),
					    names[list[j]]);
			code[n] = lists[l][i];
			list[n++] = l;
		}
	return 0;
}

/* Display settings that only make sense together. */
static int
cfg_check_display(struct cfg_ctx *ctx)
{
	struct display_conf *d = &ctx->cfg->display;

	if (d->type != DISPLAY_NONE && d->device[0] == '\0')
		return cfg_error(ctx, cfg_fault_line(ctx, CFG_SEC_DISPLAY, 0,
		    "device"), "[display] device: required for type %s",
		    cfg_display_name(d->type));
	return 0;
}

/*
 * After the whole file: the checks across keys, each naming the line of the
 * key at fault, then the values that depend on other keys.
 */
int
cfg_check_and_complete(struct cfg_ctx *ctx)
{
	if (cfg_check_required(ctx) == -1 || cfg_convert_money(ctx) == -1 ||
	    cfg_check_coin(ctx) == -1 || cfg_check_products(ctx) == -1 ||
	    cfg_check_selection(ctx) == -1 || cfg_check_display(ctx) == -1 ||
	    cfg_check_keypad(ctx) == -1)
		return -1;
	cfg_fill_derived(ctx->cfg);
	cfg_record_vendd_lines(ctx);
	return 0;
}

