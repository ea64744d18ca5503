/*
 * vendd's configuration: one INI file read with inih into this plain struct,
 * defaults first. Read-only once the threads start.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "vendd.h"

enum line_bias {
	LINE_BIAS_AS_IS = 0,
	LINE_BIAS_PULL_UP,
	LINE_BIAS_PULL_DOWN,
	LINE_BIAS_DISABLED,
};

/* One GPIO line as the config names it: "COIN" or "gpiochip0:17". */
struct line_conf {
	char	name[VENDD_LINE_NAME_MAX];	/* "" = not wired */
	int	active_low;
	int	bias;				/* enum line_bias */
	int	debounce_ms;			/* kernel debounce, inputs */
	int	lineno;				/* where the name was set */
	int	output;				/* 1: relay, solenoid, inhibit */
	char	key[64];			/* "[coin] line", for messages */
};

/* Lines one config can name: coin 2, vend, arm 2, compressor, 2 per product. */
#define CONFIG_MAX_LINES	(8 + 2 * VENDD_MAX_PRODUCTS)
#define CONFIG_MACHINE_MAX	21	/* serial, model: DEX ID1's 20 */

struct coin_conf {
	struct line_conf line;			/* input: the acceptor's pulses */
	struct line_conf inhibit;		/* output, optional */
	int		pulse_min_ms;		/* shorter: noise */
	int		pulse_max_ms;		/* longer: line fault */
	int		train_gap_ms;		/* silence that ends a coin */
	int64_t		max_credit;		/* inhibit at or above this */
	int64_t		value[VENDD_MAX_PULSES + 1];	/* by pulse count; 0 = none */
};

struct panel_conf {
	struct line_conf vend;			/* input: the vend button */
	struct line_conf ret;			/* input, optional: coin return */
	int		hold_off_ms;		/* release must stay this long */
	/* active_low, bias, debounce_ms of every button are in vend */
};

/* [mdb]: payment peripherals on the MDB bus, through an adapter board. */
struct mdb_conf {
	char		device[VENDD_PATH_MAX];	/* the adapter's port; "" none */
	int		poll_ms;		/* between polls of a peripheral */
	int		answer_ms;		/* the adapter's answer, at most */
	int		offline_s;		/* silent this long: offline */
	int		tubes_s;		/* between TUBE STATUS */
	int		change_after_vend;	/* pay the credit left after a sale */
	int		changer;		/* a coin changer (08) is fitted */
	int		validator;		/* a bill validator (30) */
	int		cashless;		/* a cashless reader (10) */
};

/* [service]: the door switch that puts the machine in service mode. */
struct service_conf {
	struct line_conf door;			/* input, optional: active = open */
};

struct product_conf {
	char		id[VENDD_ID_MAX];	/* from [product ID] */
	char		label[VENDD_LABEL_MAX];
	int64_t		price;			/* minor units */
	int		capacity;
	char		code[VENDD_CODE_MAX];	/* keypad code ("12"), "" = none */
	int		code_line;		/* where the code was set */
	struct line_conf select;		/* input, optional with a keypad */
	struct line_conf slot;			/* output, optional */
	int		lineno;			/* the section header */
};

struct arm_conf {
	struct line_conf relay;			/* output */
	struct line_conf drop;			/* input, optional */
	int		slot_active_low;
	int		run_ms;
	int		drop_timeout_ms;
	int		drop_min_ms;		/* shorter breaks are noise */
	int		retries;		/* attempts after the first */
};

struct cooling_conf {
	struct line_conf compressor;		/* output */
	char		sensor[VENDD_PATH_MAX];	/* may hold a glob: 28-* */
	int32_t		setpoint_mc;		/* millidegrees C */
	int32_t		differential_mc;
	char		setpoint_text[16];	/* as written: "50F" */
	char		differential_text[16];
	int		sample_s;
	int		min_on_s;
	int		min_off_s;
	int		start_delay_s;		/* after power-up, compressor off */
	int		fault_on_s;
	int		fault_off_s;
};

enum display_type {
	DISPLAY_NONE = 0,
	DISPLAY_CHARLCD,			/* the kernel's charlcd: /dev/lcd */
	DISPLAY_TERMINAL,			/* ANSI on a tty */
};

/* The customer's texts, [display] keys of the same names. */
enum display_text {
	DT_INSERT = 0,		/* idle: "Insert coins" */
	DT_CREDIT,		/* %s: the credit */
	DT_PRICE,		/* %s %s: label, price */
	DT_MORE,		/* %s: what is missing */
	DT_CHOOSE,		/* vend with nothing selected */
	DT_SOLD_OUT,
	DT_OUT_OF_ORDER,
	DT_VENDING,
	DT_TAKE,
	DT_REFUND,
	DT_NO_CHANGE,
	DT_FAULT,		/* not selling */
	DT_NOT_COLD,		/* the cooling has a fault: still selling */
	DT_CODE,		/* %s: digits typed so far */
	DT_UNKNOWN_CODE,		/* %s: a code that names no product */
	DT_KEYPAD_FAULT,	/* the keypad is unplugged */
	DT_SERVICE,		/* service mode's first row */
	DT_SVC_COLUMNS,		/* %s %s: columns out of order, empty */
	DT_SVC_SOLD,		/* %s %s: paid vends, test vends since reset */
	DT_SVC_CASH,		/* %s: cash in the box since the collection */
	DT_TEST_OK,		/* a test vend dropped */
	DT_TEST_FAILED,		/* it did not */
	DT_CHANGE_GIVEN,	/* idle: an MDB changer pays change */
	DT_EXACT_CHANGE,	/* idle: its tubes cannot: exact change only */
	DT_CARD,		/* a card session is open: choose a product */
	DT_CARD_DENIED,		/* the reader denied the card's vend */
	DT_MAX
};

#define DISPLAY_ROWS_MAX	4
#define DISPLAY_COLS_MAX	40
#define DISPLAY_TEXT_MAX	64	/* bytes of one text, NUL included */

struct display_conf {
	int		type;			/* enum display_type */
	char		device[VENDD_PATH_MAX];
	int		device_line;
	int		rows, cols;
	int		message_s;		/* a message, then back */
	int		idle_cycle_s;		/* prices on the idle screen; 0 off */
	int		backlight_s;		/* idle this long: off; 0 always on */
	int		retry_s;		/* a device that failed: try again */
	char		text[DT_MAX][DISPLAY_TEXT_MAX];
};

#define KEYPAD_DIGITS	10
#define KEYPAD_KEYS_MAX	4	/* evdev codes that clear, or that enter */

/* KEY_KP0..KEY_KP9 of a numeric keypad type digits as well. */
struct keypad_conf {
	char		device[VENDD_PATH_MAX];	/* path or input name; "" none */
	int		device_line;
	int		digit[KEYPAD_DIGITS];	/* evdev key codes of 0..9 */
	int		clear[KEYPAD_KEYS_MAX];	/* evdev key codes; 0 = unused */
	int		enter[KEYPAD_KEYS_MAX];
	int		entry_timeout_s;	/* a code or selection left: cancel */
	int		retry_s;		/* an unplugged keypad: look again */
};

struct config {
	char		path[VENDD_PATH_MAX];
	char		currency[8];
	int		decimals;		/* digits after the point */
	char		serial[CONFIG_MACHINE_MAX];	/* the audit's ID1 */
	char		model[CONFIG_MACHINE_MAX];
	char		state_dir[VENDD_PATH_MAX];
	char		control_socket[VENDD_SOCK_MAX];
	char		control_group[32];	/* may change things; "" = root only */
	int		compact_records;	/* ledger records between snapshots */
	int		state_dir_line;		/* where each was set, 0: default */
	int		control_socket_line;
	int		control_group_line;
	int		cpu;			/* every thread runs here; -1: any */
	int		realtime;		/* SCHED_FIFO along the vend's path */
	struct coin_conf	coin;
	struct panel_conf	panel;
	struct arm_conf		arm;
	struct cooling_conf	cooling;
	struct display_conf	display;
	struct keypad_conf	keypad;
	struct service_conf	service;
	struct mdb_conf		mdb;
	int			nproducts;
	struct product_conf	product[VENDD_MAX_PRODUCTS];	/* last */
};

/*
 * Read and validate FILE. On error, returns -1 with "FILE:LINE: message" (or
 * "FILE: message") in err.
 */
int	config_load(struct config *, const char *path, char *err, size_t errlen);

/* Fill the defaults documented in etc/vendd.ini (no products). */
void	config_defaults(struct config *);

/* Every line the config names, for start-up and --check; returns the count. */
int	config_lines(const struct config *, const struct line_conf **out, int max);

/* "1.50" -> 150 with decimals = 2; exact, no floating point. -1 if malformed. */
int	config_parse_money(const char *s, int decimals, int64_t *out);
/* "4C", "39.2F", "4" (C) -> millidegrees C; a delta converts F without offset. */
int	config_parse_temp(const char *s, int is_delta, int32_t *out_mc);
/* 150 -> "1.50" */
void	config_format_money(int64_t v, int decimals, char *buf, size_t len);

/*
 * Where a key of the file is, for a message about its value: "FILE:LINE:
 * [section] key" when lineno, the line it was set on (state_dir_line and
 * its kin), is above 0, or "FILE: [section] key (default)" when it is 0:
 * the file does not set the key.
 */
void	config_where(const struct config *, const char *section,
	    const char *key, int lineno, char *buf, size_t len);

/* What --check prints: every value resolved, money and temperatures decoded. */
void	config_print(const struct config *, FILE *);

#endif
