/*
 * dex: the EVA-DTS 6.1 DEX/UCS audit report, the text the vending trade's
 * handhelds and management software read. Pure: counters in, report text
 * out (lines "SEGMENT*field*...", each ending in CR LF, from DXS to DXE),
 * no I/O, no clock (the caller passes the time of the report).
 *
 * Every counter comes twice: since initialisation (lifetime, never reset)
 * and since the last reset (a DEX read with reset). Money is in minor
 * units of the currency, as the ledger keeps it.
 */
#ifndef DEX_H
#define DEX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vendd.h"

#define DEX_TEXT_MAX	24	/* serial, model: the field widths DEX allows */

/* A count and a value, since initialisation and since the last reset. */
struct dex_counter {
	uint64_t	count;
	int64_t		value;
	uint64_t	count_reset;
	int64_t		value_reset;
};

/* One column: PA1 (code, price) and PA2 (paid vends), PA3 (test vends). */
struct dex_product {
	char			code[VENDD_CODE_MAX];	/* "" : the product's number */
	int64_t			price;
	struct dex_counter	paid;
	struct dex_counter	test;		/* value always 0 */
	uint64_t		failed, failed_reset;	/* vends that did not drop */
	uint64_t		sold_out, sold_out_reset; /* selections of an empty column */
};

/* What the ledger counts that DEX reports as events (EA1/EA2). */
enum dex_event {
	DEX_EV_DOOR = 0,	/* the door was opened (service mode) */
	DEX_EV_FAILED_VEND,	/* a product did not drop */
	DEX_EV_COOLING,		/* the temperature sensor failed */
	DEX_EV_COIN_FAULT,	/* a coin pulse too long: acceptor jammed */
	DEX_EV_MAX
};

struct dex_event_count {
	uint64_t	count;
	uint64_t	count_reset;
	int		active;		/* the condition holds now */
	time_t		last;		/* wall clock of the last one; 0 unknown */
};

/* A coin of the value table: how many were taken (CA11). */
struct dex_coin {
	int64_t		value;
	uint64_t	count;
	uint64_t	count_reset;
};

struct dex_audit {
	char			serial[DEX_TEXT_MAX];	/* ID1 */
	char			model[DEX_TEXT_MAX];
	char			currency[8];		/* ISO 4217 alpha: "EUR" */
	int			decimals;		/* ID4 */
	time_t			now;			/* the report's time (UTC) */
	struct dex_counter	paid;			/* VA1 */
	struct dex_counter	test;			/* VA2 */
	struct dex_counter	cash_sales;		/* CA2 */
	int64_t			cash_in, cash_in_reset;	/* CA3: coins and notes */
	int64_t			to_tubes, to_tubes_reset; /* CA3: an MDB changer's */
	int64_t			notes_in, notes_in_reset; /* CA3: bills */
	int			cashless;		/* a reader is fitted: DA2 */
	struct dex_counter	card_sales;		/* DA2 */
	int			ncoins;
	struct dex_coin		coin[VENDD_MAX_PULSES];
	struct dex_event_count	event[DEX_EV_MAX];
	int			nproducts;
	struct dex_product	product[VENDD_MAX_PRODUCTS];
};

/* CRC-16/ARC (poly 0x8005 reflected, init 0, no final xor) of len bytes. */
uint16_t	dex_crc16(const void *buf, size_t len);

/*
 * The whole report, NUL-terminated, in a buffer the caller frees; *len its
 * bytes. NULL (errno ENOMEM) only when memory runs out.
 */
char	*dex_report(const struct dex_audit *, size_t *len);

#endif
