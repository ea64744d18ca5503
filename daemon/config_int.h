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
#define CFG_DIFF_MIN		100	/* mC: 0.1 C, tighter cycles the compressor */
#define CFG_DIFF_MAX		10000	/* mC: 10 C, above 15 F nobody cools */
#define CFG_MAX_KEYS		16	/* keys of the largest section */
#define CFG_DEFAULT_MAX_CREDIT	"10.00"

enum cfg_sec {
	SEC_NONE = 0,
	SEC_VENDD,
	SEC_COIN,
	SEC_PANEL,
	SEC_ARM,
	SEC_COOLING,
	SEC_PRODUCT,
	SEC_MAX
};

enum cfg_type {
	T_INT = 1,
	T_BOOL,
	T_BIAS,
	T_LINE,
	T_MONEY,
	T_TEMP,
	T_DELTA,
	T_CURRENCY,
	T_PATH,
	T_GROUP,
	T_LABEL,
};

#define REQUIRED	0x1

/* One key: where it goes (in struct config, or struct product_conf). */
struct cfg_key {
	const char	*name;
	int		 type;		/* enum cfg_type */
	size_t		 off;
	size_t		 size;		/* strings: buffer; temps: text offset */
	int		 min, max;	/* T_INT */
	const char	*unit;		/* T_INT: "milliseconds" */
	int		 flags;
};

struct cfg_section {
	const char		*name;
	const struct cfg_key	*keys;
	int			 nkeys;
};

/* config_keys.c: the tables, by enum cfg_sec; SEC_NONE has no keys. */
extern const struct cfg_section cfg_sections[SEC_MAX];
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
