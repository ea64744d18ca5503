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
#define CFG_MAX_KEYS		16	/* keys of the largest section */
/* [coin] max_credit when the file does not set it, in the file's decimals */
#define CFG_DEFAULT_MAX_CREDIT	"10.00"

enum cfg_sec {
	CFG_SEC_NONE = 0,
	CFG_SEC_VENDD,
	CFG_SEC_COIN,
	CFG_SEC_PANEL,
	CFG_SEC_ARM,
	CFG_SEC_COOLING,
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
void		 cfg_format_temp(int32_t mc, char *buf, size_t len);

#endif
