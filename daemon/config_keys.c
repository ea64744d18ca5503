/*
 * The configuration's key tables and defaults: every section, every key with
 * its type, range and place in struct config (or struct product_conf), and
 * the values a file that sets nothing gets, as etc/vendd.ini documents them.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "config_int.h"

#define C(m)		offsetof(struct config, m)
#define CS(m)		sizeof(((struct config *)0)->m)
#define P(m)		offsetof(struct product_conf, m)
#define PS(m)		sizeof(((struct product_conf *)0)->m)
#define INT(n, o, lo, hi, u)	{ n, CFG_T_INT, o, 0, lo, hi, u, 0 }
#define KEY(n, t, o)		{ n, t, o, 0, 0, 0, NULL, 0 }
#define STR(n, t, o, s)		{ n, t, o, s, 0, 0, NULL, 0 }
#define LINE(n, o, f)		{ n, CFG_T_LINE, o, 0, 0, 0, NULL, f }

static const struct cfg_key cfg_vendd_keys[] = {
	STR("currency", CFG_T_CURRENCY, C(currency), CS(currency)),
	INT("decimals", C(decimals), 0, CFG_DECIMALS_MAX, ""),
	STR("serial", CFG_T_MACHINE, C(serial), CS(serial)),
	STR("model", CFG_T_MACHINE, C(model), CS(model)),
	STR("state_dir", CFG_T_PATH, C(state_dir), CS(state_dir)),
	STR("control_socket", CFG_T_PATH, C(control_socket),
	    CS(control_socket)),
	STR("control_group", CFG_T_GROUP, C(control_group),
	    CS(control_group)),
	INT("compact_records", C(compact_records), 16, 65536, "records"),
	INT("cpu", C(cpu), -1, 1023, ""),
	KEY("realtime", CFG_T_BOOL, C(realtime)),
};

static const struct cfg_key cfg_coin_keys[] = {
	LINE("line", C(coin.line), CFG_REQUIRED),
	KEY("active_low", CFG_T_BOOL, C(coin.line.active_low)),
	KEY("bias", CFG_T_BIAS, C(coin.line.bias)),
	INT("debounce_ms", C(coin.line.debounce_ms), 0, 1000, "milliseconds"),
	LINE("inhibit_line", C(coin.inhibit), 0),
	KEY("inhibit_active_low", CFG_T_BOOL, C(coin.inhibit.active_low)),
	INT("pulse_min_ms", C(coin.pulse_min_ms), 1, 1000, "milliseconds"),
	INT("pulse_max_ms", C(coin.pulse_max_ms), 1, 10000, "milliseconds"),
	INT("train_gap_ms", C(coin.train_gap_ms), 1, 10000, "milliseconds"),
	KEY("max_credit", CFG_T_MONEY, C(coin.max_credit)),
};

static const struct cfg_key cfg_panel_keys[] = {
	LINE("vend_line", C(panel.vend), CFG_REQUIRED),
	LINE("return_line", C(panel.ret), 0),
	KEY("active_low", CFG_T_BOOL, C(panel.vend.active_low)),
	KEY("bias", CFG_T_BIAS, C(panel.vend.bias)),
	INT("debounce_ms", C(panel.vend.debounce_ms), 0, 1000, "milliseconds"),
	INT("hold_off_ms", C(panel.hold_off_ms), 0, 10000, "milliseconds"),
};

static const struct cfg_key cfg_arm_keys[] = {
	LINE("relay_line", C(arm.relay), CFG_REQUIRED),
	KEY("relay_active_low", CFG_T_BOOL, C(arm.relay.active_low)),
	KEY("slot_active_low", CFG_T_BOOL, C(arm.slot_active_low)),
	LINE("drop_line", C(arm.drop), 0),
	KEY("drop_active_low", CFG_T_BOOL, C(arm.drop.active_low)),
	KEY("drop_bias", CFG_T_BIAS, C(arm.drop.bias)),
	INT("run_ms", C(arm.run_ms), 1, 60000, "milliseconds"),
	INT("drop_timeout_ms", C(arm.drop_timeout_ms), 1, 600000,
	    "milliseconds"),
	INT("drop_min_ms", C(arm.drop_min_ms), 0, 1000, "milliseconds"),
	INT("retries", C(arm.retries), 0, 10, ""),
};

static const struct cfg_key cfg_cooling_keys[] = {
	LINE("compressor_line", C(cooling.compressor), CFG_REQUIRED),
	KEY("compressor_active_low", CFG_T_BOOL,
	    C(cooling.compressor.active_low)),
	STR("sensor", CFG_T_PATH, C(cooling.sensor), CS(cooling.sensor)),
	STR("setpoint", CFG_T_TEMP, C(cooling.setpoint_mc),
	    C(cooling.setpoint_text)),
	STR("differential", CFG_T_DELTA, C(cooling.differential_mc),
	    C(cooling.differential_text)),
	INT("sample_s", C(cooling.sample_s), 1, 3600, "seconds"),
	INT("min_on_s", C(cooling.min_on_s), 1, 3600, "seconds"),
	INT("min_off_s", C(cooling.min_off_s), 1, 3600, "seconds"),
	INT("start_delay_s", C(cooling.start_delay_s), 0, 3600, "seconds"),
	INT("fault_on_s", C(cooling.fault_on_s), 1, 86400, "seconds"),
	INT("fault_off_s", C(cooling.fault_off_s), 1, 86400, "seconds"),
};

/* A customer text: its key, its index, its count of %s and what they are. */
#define TEXT(n, i, k, what)	{ n, CFG_T_TEXT, C(display.text[i]), \
			    CS(display.text[i]), k, k, what, 0 }

static const struct cfg_key cfg_display_keys[] = {
	KEY("type", CFG_T_DISPLAY, C(display.type)),
	STR("device", CFG_T_PATH, C(display.device), CS(display.device)),
	INT("rows", C(display.rows), 1, DISPLAY_ROWS_MAX, "rows"),
	INT("cols", C(display.cols), 8, DISPLAY_COLS_MAX, "columns"),
	INT("message_s", C(display.message_s), 1, 60, "seconds"),
	INT("idle_cycle_s", C(display.idle_cycle_s), 0, 3600, "seconds"),
	INT("backlight_s", C(display.backlight_s), 0, 86400, "seconds"),
	INT("retry_s", C(display.retry_s), 1, 3600, "seconds"),
	TEXT("insert", DT_INSERT, 0, NULL),
	TEXT("credit", DT_CREDIT, 1, NULL),
	TEXT("price", DT_PRICE, 2, "label, then price"),
	TEXT("more", DT_MORE, 1, NULL),
	TEXT("choose", DT_CHOOSE, 0, NULL),
	TEXT("sold_out", DT_SOLD_OUT, 0, NULL),
	TEXT("out_of_order", DT_OUT_OF_ORDER, 0, NULL),
	TEXT("vending", DT_VENDING, 0, NULL),
	TEXT("take", DT_TAKE, 0, NULL),
	TEXT("refund", DT_REFUND, 0, NULL),
	TEXT("no_change", DT_NO_CHANGE, 0, NULL),
	TEXT("fault", DT_FAULT, 0, NULL),
	TEXT("not_cold", DT_NOT_COLD, 0, NULL),
	TEXT("code", DT_CODE, 1, NULL),
	TEXT("unknown", DT_UNKNOWN_CODE, 1, NULL),
	TEXT("keypad_fault", DT_KEYPAD_FAULT, 0, NULL),
	TEXT("service", DT_SERVICE, 0, NULL),
	TEXT("service_columns", DT_SVC_COLUMNS, 2,
	    "columns out of order, then empty"),
	TEXT("service_sold", DT_SVC_SOLD, 2, "paid vends, then test vends"),
	TEXT("service_cash", DT_SVC_CASH, 1, NULL),
	TEXT("test_ok", DT_TEST_OK, 0, NULL),
	TEXT("test_failed", DT_TEST_FAILED, 0, NULL),
	TEXT("change_given", DT_CHANGE_GIVEN, 0, NULL),
	TEXT("exact_change", DT_EXACT_CHANGE, 0, NULL),
	TEXT("card", DT_CARD, 0, NULL),
	TEXT("card_denied", DT_CARD_DENIED, 0, NULL),
};

static const struct cfg_key cfg_keypad_keys[] = {
	STR("device", CFG_T_DEVICE, C(keypad.device), CS(keypad.device)),
	{ "digits", CFG_T_KEYS, C(keypad.digit), 0, KEYPAD_DIGITS,
	    KEYPAD_DIGITS, NULL, 0 },
	{ "clear", CFG_T_KEYS, C(keypad.clear), 0, 1, KEYPAD_KEYS_MAX,
	    NULL, 0 },
	{ "enter", CFG_T_KEYS, C(keypad.enter), 0, 1, KEYPAD_KEYS_MAX,
	    NULL, 0 },
	INT("entry_timeout_s", C(keypad.entry_timeout_s), 1, 600, "seconds"),
	INT("retry_s", C(keypad.retry_s), 1, 3600, "seconds"),
};

static const struct cfg_key cfg_service_keys[] = {
	LINE("door_line", C(service.door), 0),
	KEY("door_active_low", CFG_T_BOOL, C(service.door.active_low)),
	KEY("door_bias", CFG_T_BIAS, C(service.door.bias)),
	INT("door_debounce_ms", C(service.door.debounce_ms), 0, 1000,
	    "milliseconds"),
};

static const struct cfg_key cfg_mdb_keys[] = {
	STR("device", CFG_T_OPTPATH, C(mdb.device), CS(mdb.device)),
	INT("poll_ms", C(mdb.poll_ms), 25, 200, "milliseconds"),
	INT("answer_ms", C(mdb.answer_ms), 50, 2000, "milliseconds"),
	INT("offline_s", C(mdb.offline_s), 1, 600, "seconds"),
	INT("tubes_s", C(mdb.tubes_s), 1, 3600, "seconds"),
	KEY("change_after_vend", CFG_T_BOOL, C(mdb.change_after_vend)),
	KEY("changer", CFG_T_BOOL, C(mdb.changer)),
	KEY("validator", CFG_T_BOOL, C(mdb.validator)),
	KEY("cashless", CFG_T_BOOL, C(mdb.cashless)),
};

static const struct cfg_key cfg_product_keys[] = {
	STR("label", CFG_T_LABEL, P(label), PS(label)),
	{ "price", CFG_T_MONEY, P(price), 0, 0, 0, NULL, CFG_REQUIRED },
	STR("code", CFG_T_CODE, P(code), PS(code)),
	LINE("select_line", P(select), 0),
	LINE("slot_line", P(slot), 0),
	INT("capacity", P(capacity), 0, 10000, ""),
};

#define NKEYS(a)	((int)(sizeof(a) / sizeof((a)[0])))

const struct cfg_section cfg_sections[CFG_SEC_MAX] = {
	[CFG_SEC_VENDD] = { "vendd", cfg_vendd_keys,
	    NKEYS(cfg_vendd_keys) },
	[CFG_SEC_COIN] = { "coin", cfg_coin_keys, NKEYS(cfg_coin_keys) },
	[CFG_SEC_PANEL] = { "panel", cfg_panel_keys,
	    NKEYS(cfg_panel_keys) },
	[CFG_SEC_ARM] = { "arm", cfg_arm_keys, NKEYS(cfg_arm_keys) },
	[CFG_SEC_COOLING] = { "cooling", cfg_cooling_keys,
	    NKEYS(cfg_cooling_keys) },
	[CFG_SEC_DISPLAY] = { "display", cfg_display_keys,
	    NKEYS(cfg_display_keys) },
	[CFG_SEC_KEYPAD] = { "keypad", cfg_keypad_keys,
	    NKEYS(cfg_keypad_keys) },
	[CFG_SEC_SERVICE] = { "service", cfg_service_keys,
	    NKEYS(cfg_service_keys) },
	[CFG_SEC_MDB] = { "mdb", cfg_mdb_keys, NKEYS(cfg_mdb_keys) },
	[CFG_SEC_PRODUCT] = { "product", cfg_product_keys,
	    NKEYS(cfg_product_keys) },
};

_Static_assert(NKEYS(cfg_vendd_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_coin_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_panel_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_arm_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_cooling_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_product_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_display_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_keypad_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_service_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(NKEYS(cfg_mdb_keys) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");

_Static_assert(VENDD_ID_MAX <= VENDD_LABEL_MAX, "an id is the default label");

/* The customer's texts in English, as etc/vendd.ini documents them. */
static const char *const cfg_display_texts[DT_MAX] = {
	[DT_INSERT] = "Insert coins",
	[DT_CREDIT] = "Credit %s",
	[DT_PRICE] = "%s %s",
	[DT_MORE] = "Insert %s more",
	[DT_CHOOSE] = "Make a selection",
	[DT_SOLD_OUT] = "Sold out",
	[DT_OUT_OF_ORDER] = "Out of order",
	[DT_VENDING] = "Vending...",
	[DT_TAKE] = "Please take your product",
	[DT_REFUND] = "Credit returned",
	[DT_NO_CHANGE] = "No change given",
	[DT_FAULT] = "Out of service",
	[DT_NOT_COLD] = "Not cold",
	[DT_CODE] = "Code %s",
	[DT_UNKNOWN_CODE] = "No product %s",
	[DT_KEYPAD_FAULT] = "Keypad faulty",
	[DT_SERVICE] = "Service mode",
	[DT_SVC_COLUMNS] = "Faulty %s empty %s",
	[DT_SVC_SOLD] = "Sold %s test %s",
	[DT_SVC_CASH] = "Cash box %s",
	[DT_TEST_OK] = "Test vend ok",
	[DT_TEST_FAILED] = "Test vend failed",
	[DT_CHANGE_GIVEN] = "Change given",
	[DT_EXACT_CHANGE] = "Use exact change",
	[DT_CARD] = "Card: choose",
	[DT_CARD_DENIED] = "Card declined",
};

/* [display]: none until configured; a 16x2 LCD once it is. */
static void
cfg_display_defaults(struct display_conf *d)
{
	d->type = DISPLAY_NONE;
	strcpy(d->device, "/dev/lcd");
	d->rows = 2;
	d->cols = 16;
	d->message_s = 3;
	d->idle_cycle_s = 0;
	d->backlight_s = 300;
	d->retry_s = 5;
	for (int i = 0; i < DT_MAX; i++)
		snprintf(d->text[i], sizeof(d->text[i]), "%s",
		    cfg_display_texts[i]);
}

/* [keypad]: none; digits on the number row, the numeric pad always too. */
static void
cfg_keypad_defaults(struct keypad_conf *k)
{
	static const int digits[KEYPAD_DIGITS] = {
		KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8,
		KEY_9,
	};

	memcpy(k->digit, digits, sizeof(digits));
	k->clear[0] = KEY_BACKSPACE;
	k->clear[1] = KEY_ESC;
	k->enter[0] = KEY_ENTER;
	k->enter[1] = KEY_KPENTER;
	k->entry_timeout_s = 15;
	k->retry_s = 2;
}

/* Defaults, as etc/vendd.ini documents them; line keys named for messages. */
void
config_defaults(struct config *cfg)
{
	/* Products are set up one by one as the file names them, and none
	 * past nproducts is read: their 99 slots stay untouched memory. */
	memset(cfg, 0, offsetof(struct config, product));
	strcpy(cfg->currency, "EUR");
	cfg->decimals = 2;
	strcpy(cfg->serial, "0");
	strcpy(cfg->model, "vendd");
	strcpy(cfg->state_dir, "/var/lib/vendd");
	strcpy(cfg->control_socket, "/run/vendd/control.sock");
	strcpy(cfg->control_group, "vendd-operators");
	cfg->compact_records = 4096;
	cfg->cpu = 0;
	cfg->realtime = 1;

	strcpy(cfg->coin.line.key, "[coin] line");
	strcpy(cfg->coin.inhibit.key, "[coin] inhibit_line");
	cfg->coin.inhibit.output = 1;
	cfg->coin.pulse_min_ms = 20;
	cfg->coin.pulse_max_ms = 200;
	cfg->coin.train_gap_ms = 300;
	cfg->coin.max_credit = 1000;	/* CFG_DEFAULT_MAX_CREDIT, 2 decimals */

	strcpy(cfg->panel.vend.key, "[panel] vend_line");
	strcpy(cfg->panel.ret.key, "[panel] return_line");
	cfg->panel.vend.active_low = 1;
	cfg->panel.vend.bias = LINE_BIAS_PULL_UP;
	cfg->panel.vend.debounce_ms = 10;
	cfg->panel.hold_off_ms = 50;

	strcpy(cfg->arm.relay.key, "[arm] relay_line");
	cfg->arm.relay.output = 1;
	strcpy(cfg->arm.drop.key, "[arm] drop_line");
	cfg->arm.run_ms = 1500;
	cfg->arm.drop_timeout_ms = 8000;
	cfg->arm.drop_min_ms = 2;
	cfg->arm.retries = 3;

	strcpy(cfg->cooling.compressor.key, "[cooling] compressor_line");
	cfg->cooling.compressor.output = 1;
	strcpy(cfg->cooling.sensor, "/sys/bus/w1/devices/28-*/temperature");
	cfg->cooling.setpoint_mc = 10000;
	strcpy(cfg->cooling.setpoint_text, "50F");
	cfg->cooling.differential_mc = 1667;
	strcpy(cfg->cooling.differential_text, "3F");
	cfg->cooling.sample_s = 10;
	cfg->cooling.min_on_s = 150;
	cfg->cooling.min_off_s = 180;
	cfg->cooling.start_delay_s = 150;
	cfg->cooling.fault_on_s = 300;
	cfg->cooling.fault_off_s = 1920;

	cfg->mdb.poll_ms = 100;
	cfg->mdb.answer_ms = 500;
	cfg->mdb.offline_s = 10;
	cfg->mdb.tubes_s = 60;
	cfg->mdb.change_after_vend = 1;
	cfg->mdb.changer = 1;

	strcpy(cfg->service.door.key, "[service] door_line");
	cfg->service.door.active_low = 1;	/* a switch to ground, open */
	cfg->service.door.bias = LINE_BIAS_PULL_UP;
	cfg->service.door.debounce_ms = 20;

	cfg_display_defaults(&cfg->display);
	cfg_keypad_defaults(&cfg->keypad);
}

/* A new [product ID]'s defaults, its line keys named for messages. */
void
cfg_product_defaults(struct product_conf *p, const char *id, int lineno)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	p->capacity = 10;
	p->lineno = lineno;
	snprintf(p->select.key, sizeof(p->select.key),
	    "[product %s] select_line", id);
	snprintf(p->slot.key, sizeof(p->slot.key), "[product %s] slot_line",
	    id);
	p->slot.output = 1;
}

/* Every wired line; the parser also uses it to find a line used twice. */
int
config_lines(const struct config *cfg, const struct line_conf **out, int max)
{
	const struct line_conf	*all[CONFIG_MAX_LINES];
	int			 n = 0, k = 0, i;

	all[n++] = &cfg->coin.line;
	all[n++] = &cfg->coin.inhibit;
	all[n++] = &cfg->panel.vend;
	all[n++] = &cfg->panel.ret;
	for (i = 0; i < cfg->nproducts; i++)
		all[n++] = &cfg->product[i].select;
	for (i = 0; i < cfg->nproducts; i++)
		all[n++] = &cfg->product[i].slot;
	all[n++] = &cfg->arm.relay;
	all[n++] = &cfg->arm.drop;
	all[n++] = &cfg->cooling.compressor;
	all[n++] = &cfg->service.door;
	for (i = 0; i < n && k < max; i++)
		if (all[i]->name[0] != '\0')
			out[k++] = all[i];
	return k;
}
