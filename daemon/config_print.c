/*
 * What vendd --check prints: the configuration as vendd will use it, every
 * key resolved (defaults filled in, money and temperatures decoded), in the
 * shape of the file.
 */
#include <inttypes.h>
#include <stdio.h>

#include "config_int.h"

/* "yes" or "no", as the file would say it. */
static const char *
cfg_yesno(int b)
{
	return b ? "yes" : "no";
}

/* One amount as --check shows it: "1.50 EUR (150)". */
static void
cfg_print_money(const struct config *cfg, FILE *fp, const char *key,
    int64_t v)
{
	char	buf[32];

	config_format_money(v, cfg->decimals, buf, sizeof(buf));
	fprintf(fp, "%s = %s %s (%" PRId64 ")\n", key, buf, cfg->currency, v);
}

/* One line name, or that it is not wired. */
static void
cfg_print_gpio_line(FILE *fp, const char *key, const struct line_conf *lc)
{
	if (lc->name[0] == '\0')
		fprintf(fp, "%s =\t\t; not wired\n", key);
	else
		fprintf(fp, "%s = %s\n", key, lc->name);
}

/* One temperature: degrees C, and the text the file had. */
static void
cfg_print_temp(FILE *fp, const char *key, int32_t mc, const char *text)
{
	char	buf[16];

	cfg_format_temp(mc, buf, sizeof(buf));
	fprintf(fp, "%s = %s C (%s)\n", key, buf, text);
}

/* [coin], with the value table. */
static void
cfg_print_coin(const struct config *cfg, FILE *fp)
{
	const struct coin_conf *c = &cfg->coin;
	char	key[16];
	int	n;

	fprintf(fp, "\n[coin]\n");
	cfg_print_gpio_line(fp, "line", &c->line);
	fprintf(fp, "active_low = %s\nbias = %s\ndebounce_ms = %d\n",
	    cfg_yesno(c->line.active_low), cfg_bias_name(c->line.bias),
	    c->line.debounce_ms);
	cfg_print_gpio_line(fp, "inhibit_line", &c->inhibit);
	fprintf(fp, "inhibit_active_low = %s\npulse_min_ms = %d\n"
	    "pulse_max_ms = %d\ntrain_gap_ms = %d\n",
	    cfg_yesno(c->inhibit.active_low), c->pulse_min_ms,
	    c->pulse_max_ms, c->train_gap_ms);
	cfg_print_money(cfg, fp, "max_credit", c->max_credit);
	for (n = 1; n <= VENDD_MAX_PULSES; n++) {
		if (c->value[n] == 0)
			continue;
		snprintf(key, sizeof(key), "pulses_%d", n);
		cfg_print_money(cfg, fp, key, c->value[n]);
	}
}

/* One [product ID], with the button settings it takes from [panel]. */
static void
cfg_print_product(const struct config *cfg, FILE *fp,
    const struct product_conf *p)
{
	fprintf(fp, "\n[product %s]\t; line %d\nlabel = %s\n", p->id,
	    p->lineno, p->label);
	cfg_print_money(cfg, fp, "price", p->price);
	if (p->code[0] != '\0')
		fprintf(fp, "code = %s\n", p->code);
	if (p->select.name[0] == '\0')
		fprintf(fp, "select_line =\t\t; not wired (chosen by its code)\n");
	else
		fprintf(fp, "select_line = %s\t; active_low = %s, bias = %s, "
		    "debounce_ms = %d (from [panel])\n", p->select.name,
		    cfg_yesno(p->select.active_low),
		    cfg_bias_name(p->select.bias), p->select.debounce_ms);
	cfg_print_gpio_line(fp, "slot_line", &p->slot);
	fprintf(fp, "capacity = %d\n", p->capacity);
}

/* [display]: the device, its size and timings, and every text. */
static void
cfg_print_display(const struct config *cfg, FILE *fp)
{
	const struct display_conf *d = &cfg->display;
	const struct cfg_section *sec = &cfg_sections[CFG_SEC_DISPLAY];

	fprintf(fp, "\n[display]\ntype = %s\ndevice = %s\nrows = %d\n"
	    "cols = %d\nmessage_s = %d\nidle_cycle_s = %d\nbacklight_s = %d\n"
	    "retry_s = %d\n", cfg_display_name(d->type), d->device, d->rows,
	    d->cols, d->message_s, d->idle_cycle_s, d->backlight_s,
	    d->retry_s);
	for (int i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].type == CFG_T_TEXT)
			fprintf(fp, "%s = %s\n", sec->keys[i].name,
			    (const char *)cfg + sec->keys[i].off);
}

/* A list of key codes by name: "KEY_ENTER KEY_KPENTER". */
static void
cfg_print_keys(FILE *fp, const char *key, const int *codes, int n)
{
	fprintf(fp, "%s =", key);
	for (int i = 0; i < n && codes[i] != 0; i++)
		fprintf(fp, " %s", cfg_key_name(codes[i]));
	fprintf(fp, "\n");
}

/* [keypad]: the device as named (main resolves it), the key map. */
static void
cfg_print_keypad(const struct config *cfg, FILE *fp)
{
	const struct keypad_conf *k = &cfg->keypad;

	fprintf(fp, "\n[keypad]\n");
	if (k->device[0] == '\0')
		fprintf(fp, "device =\t\t; no keypad\n");
	else
		fprintf(fp, "device = %s\n", k->device);
	cfg_print_keys(fp, "digits", k->digit, KEYPAD_DIGITS);
	cfg_print_keys(fp, "clear", k->clear, KEYPAD_KEYS_MAX);
	cfg_print_keys(fp, "enter", k->enter, KEYPAD_KEYS_MAX);
	fprintf(fp, "entry_timeout_s = %d\nretry_s = %d\n", k->entry_timeout_s,
	    k->retry_s);
}

/* What vendd -c FILE --check prints: every value resolved. */
void
config_print(const struct config *cfg, FILE *fp)
{
	const struct arm_conf		*a = &cfg->arm;
	const struct cooling_conf	*cool = &cfg->cooling;
	int				 i;

	fprintf(fp, "; %s, every value resolved\n[vendd]\ncurrency = %s\n"
	    "decimals = %d\nserial = %s\nmodel = %s\nstate_dir = %s\n"
	    "control_socket = %s\n"
	    "control_group = %s\ncompact_records = %d\ncpu = %d\n"
	    "realtime = %s\n", cfg->path,
	    cfg->currency, cfg->decimals, cfg->serial, cfg->model,
	    cfg->state_dir, cfg->control_socket,
	    cfg->control_group, cfg->compact_records, cfg->cpu,
	    cfg_yesno(cfg->realtime));
	cfg_print_coin(cfg, fp);
	fprintf(fp, "\n[panel]\n");
	cfg_print_gpio_line(fp, "vend_line", &cfg->panel.vend);
	cfg_print_gpio_line(fp, "return_line", &cfg->panel.ret);
	fprintf(fp, "active_low = %s\nbias = %s\ndebounce_ms = %d\n"
	    "hold_off_ms = %d\n", cfg_yesno(cfg->panel.vend.active_low),
	    cfg_bias_name(cfg->panel.vend.bias), cfg->panel.vend.debounce_ms,
	    cfg->panel.hold_off_ms);
	for (i = 0; i < cfg->nproducts; i++)
		cfg_print_product(cfg, fp, &cfg->product[i]);
	fprintf(fp, "\n[arm]\n");
	cfg_print_gpio_line(fp, "relay_line", &a->relay);
	fprintf(fp, "relay_active_low = %s\nslot_active_low = %s\n",
	    cfg_yesno(a->relay.active_low), cfg_yesno(a->slot_active_low));
	cfg_print_gpio_line(fp, "drop_line", &a->drop);
	fprintf(fp, "drop_active_low = %s\ndrop_bias = %s\nrun_ms = %d\n"
	    "drop_timeout_ms = %d\ndrop_min_ms = %d\nretries = %d\n",
	    cfg_yesno(a->drop.active_low), cfg_bias_name(a->drop.bias),
	    a->run_ms, a->drop_timeout_ms, a->drop_min_ms, a->retries);
	fprintf(fp, "\n[cooling]\n");
	cfg_print_gpio_line(fp, "compressor_line", &cool->compressor);
	fprintf(fp, "compressor_active_low = %s\nsensor = %s\n",
	    cfg_yesno(cool->compressor.active_low), cool->sensor);
	cfg_print_temp(fp, "setpoint", cool->setpoint_mc, cool->setpoint_text);
	cfg_print_temp(fp, "differential", cool->differential_mc,
	    cool->differential_text);
	fprintf(fp, "sample_s = %d\nmin_on_s = %d\nmin_off_s = %d\n"
	    "start_delay_s = %d\nfault_on_s = %d\nfault_off_s = %d\n",
	    cool->sample_s, cool->min_on_s, cool->min_off_s,
	    cool->start_delay_s, cool->fault_on_s, cool->fault_off_s);
	cfg_print_display(cfg, fp);
	cfg_print_keypad(cfg, fp);
	fprintf(fp, "\n[mdb]\ndevice = %s\npoll_ms = %d\nanswer_ms = %d\n"
	    "offline_s = %d\ntubes_s = %d\nchange_after_vend = %s\n"
	    "changer = %s\nvalidator = %s\ncashless = %s\n",
	    cfg->mdb.device, cfg->mdb.poll_ms, cfg->mdb.answer_ms,
	    cfg->mdb.offline_s, cfg->mdb.tubes_s,
	    cfg_yesno(cfg->mdb.change_after_vend), cfg_yesno(cfg->mdb.changer),
	    cfg_yesno(cfg->mdb.validator), cfg_yesno(cfg->mdb.cashless));
	fprintf(fp, "\n[service]\n");
	cfg_print_gpio_line(fp, "door_line", &cfg->service.door);
	fprintf(fp, "door_active_low = %s\ndoor_bias = %s\n"
	    "door_debounce_ms = %d\n", cfg_yesno(cfg->service.door.active_low),
	    cfg_bias_name(cfg->service.door.bias),
	    cfg->service.door.debounce_ms);
}
