/*
 * What the files of the configuration share, for them alone (only config*.c
 * include it): the key tables and defaults (config_keys.c) and the pure value
 * parsers (config_value.c), which the reader (config.c) and the printer
 * (config_print.c) use.
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CFG_DECIMALS_MAX	4	/* digits after the point in money */
#define CFG_MONEY_DIGITS	6	/* before the point: at most 999999 */
#define CFG_SETPOINT_MIN	(-30000)	/* mC: a freezer */
#define CFG_SETPOINT_MAX	30000
/*
 * [cooling] differential in mC: under 0.1 C wears the compressor out, over
 * 10 C (18 F) lets the goods warm.
 */
#define CFG_DIFF_MIN		100
#define CFG_DIFF_MAX		10000
#define CFG_MAX_KEYS		36	/* keys of the largest section, [display] */
/* [coin] max_credit when the file does not set it, in the file's decimals */
#define CFG_DEFAULT_MAX_CREDIT	"10.00"

enum cfg_sec {
	CFG_SEC_NONE = 0,
	CFG_SEC_VENDD,
	CFG_SEC_COIN,
	CFG_SEC_PANEL,
	CFG_SEC_ARM,
	CFG_SEC_COOLING,
	CFG_SEC_DISPLAY,
	CFG_SEC_KEYPAD,
	CFG_SEC_SERVICE,
	CFG_SEC_MDB,
	CFG_SEC_PRODUCT,
	CFG_SEC_MAX
};

enum cfg_type {
	CFG_T_INT = 1,
	CFG_T_BOOL,
	CFG_T_BIAS,
	CFG_T_LINE,
	CFG_T_MONEY,
	CFG_T_TEMP,
	CFG_T_DELTA,
	CFG_T_CURRENCY,
	CFG_T_PATH,
	CFG_T_GROUP,
	CFG_T_LABEL,
	CFG_T_DISPLAY,		/* none, charlcd, terminal */
	CFG_T_TEXT,		/* a customer text; min: its %s count */
	CFG_T_KEYS,		/* evdev key names; min..max of them */
	CFG_T_CODE,		/* a selection code: 1 to 3 digits */
	CFG_T_DEVICE,		/* an absolute path, or a device's name */
	CFG_T_MACHINE,		/* a serial or model: the audit's letters */
	CFG_T_OPTPATH,		/* an absolute path, or empty: none */
};

#define CFG_REQUIRED	0x1

/* One key: where it goes (in struct config, or struct product_conf). */
struct cfg_key {
	const char	*name;
	int		 type;		/* enum cfg_type */
	size_t		 off;
	size_t		 size;		/* text: buffer; temps: text's offset */
	int		 min, max;	/* CFG_T_INT */
	const char	*unit;		/* CFG_T_INT: "milliseconds" */
	int		 flags;
};

struct cfg_section {
	const char		*name;
	const struct cfg_key	*keys;
	int			 nkeys;
};

#define CFG_MAX_MONEY		(1 + VENDD_MAX_PULSES + VENDD_MAX_PRODUCTS)

/* A money value kept as text until decimals is known. */
struct cfg_money {
	int64_t		*dst;
	int		 lineno;
	char		 text[32];
	char		 what[80];	/* "[product cola] price" */
};

/* The reader's state while one file is read (config.c) and checked
 * (config_check.c). */
struct cfg_ctx {
	struct config	*cfg;
	char		*text;			/* the whole file */
	size_t		 len, pos;		/* its size; the next line */
	char		*err;
	size_t		 errlen;
	int		 failed;
	int		 lineno;		/* the line inih is handling */
	int		 sec;			/* enum cfg_sec */
	int		 cur_product;		/* in [product]: its index */
	char		 secname[48];		/* "[product cola]" */
	int		 sec_line[CFG_SEC_MAX];
	int		 key_line[CFG_SEC_MAX][CFG_MAX_KEYS];
	int		 prod_line[VENDD_MAX_PRODUCTS][CFG_MAX_KEYS];
	int		 pulse_line[VENDD_MAX_PULSES + 1];
	int		 decimals_seen;
	int		 nmoney;
	struct cfg_money money[CFG_MAX_MONEY];
};

/* config.c: record the first error, "FILE:LINE: message"; returns -1. */
int	cfg_error(struct cfg_ctx *, int lineno, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* config_check.c: the checks across keys, then the derived values. */
int	cfg_check_and_complete(struct cfg_ctx *);

/* config_keys.c: the tables, by enum cfg_sec; CFG_SEC_NONE has no keys. */
extern const struct cfg_section cfg_sections[CFG_SEC_MAX];
void	cfg_product_defaults(struct product_conf *, const char *id,
	    int lineno);

/* config_value.c: cfg_parse_int's two refusals. */
#define CFG_INT_MALFORMED	(-1)
#define CFG_INT_OUT_OF_RANGE	(-2)

int		 cfg_parse_int(const char *, int min, int max, int *out);
int		 cfg_parse_bool(const char *);
int		 cfg_parse_bias(const char *);
const char	*cfg_bias_name(int bias);
const char	*cfg_text_form(int type, const char *);
int		 cfg_valid_id(const char *);
int		 cfg_valid_line_name(const char *);
int		 cfg_parse_display(const char *);
const char	*cfg_display_name(int type);
/* A customer text: NULL if fine, else what is wrong, for the message. */
const char	*cfg_text_problem(const char *, int placeholders);
/* "KEY_0 KEY_1 ..." into codes[max]; the count, or -1 naming the bad name. */
int		 cfg_parse_keys(const char *, int *codes, int max, char *bad,
		    size_t badlen);
const char	*cfg_key_name(int code);
void		 cfg_format_temp(int32_t mc, char *buf, size_t len);

#endif
