/*
 * dex: the EVA-DTS 6.1 DEX/UCS audit report, see dex.h. Pure: the text is
 * built in a growing buffer from the counters; nothing else is read.
 *
 * The standard is sold to members only; these public texts were used:
 * - G85 (CRC-16/ARC from ST to the CR LF before G85) and SE (lines from ST
 *   to SE): both recomputed against github.com/mkrasselt1/php-evadts-parser
 *   example/animo.eva_dts, which gives G85*B9AE and SE*117.
 * - Field orders of VA1/VA2, CA2, CA3, PA1, PA2, PA3, EA1, EA2 (EA205 the
 *   current activity, EA204 left empty): the field names in
 *   github.com/lanmark7/dex-utility docs/examples/dex_comm_thread.c.
 * - CA3 and CA11 (counts in, to the box, to the tubes; since reset first):
 *   php-evadts-parser src/CoinAcceptedDataBlock.php and the sums in its
 *   example/sielaff.eva_dts; EA205 again in src/EventDetailsDataBlock.php.
 * - Event codes: github.com/marcmarc91/Eva-Dts-Parser ErrorList.java and
 *   php-evadts-parser src/EventDetailsDataBlock.php.
 * - ISO 4217 numeric codes: Debian iso-codes, iso_4217.xml.
 * Guesses the sources do not settle:
 * - ID402 as the plain ISO 4217 number: samples disagree (Sielaff sends the
 *   MDB form 1978, a Vendo 001, others a telephone country code).
 * - Dates as YYMMDD, times as HHMM: samples show YYMMDD and CCYYMMDD both.
 * - EOA (refrigeration: temperature sensor failed) for the cooling fault,
 *   where lanmark7 uses EJK (thermostat); EA (coin mechanism, general) for
 *   an over-long coin pulse, as vendd cannot tell a jam (EAD) from a stuck
 *   line.
 * - The communication id: "VND" and the serial's last 7 letters or digits,
 *   the 3 + 7 shape of the samples' ids (SIE9999999).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dex.h"

#define DEX_CRC_POLY	0xa001	/* 0x8005 reflected */
#define DEX_MAKER	"VND"	/* the 3 letters before DEX_ID_DIGITS */
#define DEX_ID_DIGITS	7	/* of the communication id, zero-padded */
#define DEX_BUF_START	4096	/* a few dozen products before growing */

/* The report being written; a failed allocation sticks until the end. */
struct dex_out {
	char		*buf;
	size_t		 len, cap;
	size_t		 line;		/* where the current line starts */
	size_t		 st;		/* where the ST line starts */
	unsigned	 lines;		/* lines ended since ST, ST included */
	int		 nomem;
};

/* ISO 4217: alphabetic code to ID402, the number as text (036 keeps its 0). */
static const struct {
	char	alpha[4];
	char	numeric[4];
} dex_currency[] = {
	{ "EUR", "978" }, { "USD", "840" }, { "GBP", "826" }, { "CHF", "756" },
	{ "JPY", "392" }, { "SEK", "752" }, { "NOK", "578" }, { "DKK", "208" },
	{ "PLN", "985" }, { "CZK", "203" }, { "HUF", "348" }, { "CAD", "124" },
	{ "AUD", "036" }, { "NZD", "554" }, { "RON", "946" }, { "BGN", "975" },
	{ "ISK", "352" }, { "TRY", "949" }, { "RSD", "941" }, { "UAH", "980" },
	{ "ILS", "376" }, { "ZAR", "710" }, { "MXN", "484" }, { "BRL", "986" },
	{ "INR", "356" }, { "CNY", "156" }, { "HKD", "344" }, { "SGD", "702" },
	{ "KRW", "410" },
};

/* EA1/EA2 event identifiers from the EVA-DTS event tables. */
static const char *const dex_event_id[] = {
	[DEX_EV_DOOR] = "EGS",		/* cabinet: door open */
	[DEX_EV_FAILED_VEND] = "ELA",	/* product: delivery failure */
	[DEX_EV_COOLING] = "EOA",	/* refrigeration: temperature sensor */
	[DEX_EV_COIN_FAULT] = "EA",	/* coin mechanism, no detail */
};
_Static_assert(sizeof(dex_event_id) / sizeof(dex_event_id[0]) == DEX_EV_MAX,
    "an identifier for every dex_event");

/* G85's check: the whole table-less CRC, reports are a few kilobytes. */
uint16_t
dex_crc16(const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	uint16_t		 crc = 0;

	while (len-- > 0) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc & 1) ? (crc >> 1) ^ DEX_CRC_POLY : crc >> 1;
	}
	return crc;
}

/* Room for n more bytes and the NUL, doubling; -1 once memory ran out. */
static int
out_room(struct dex_out *o, size_t n)
{
	size_t	 cap;
	char	*p;

	if (o->nomem)
		return -1;
	if (o->len + n < o->cap)
		return 0;
	cap = o->cap != 0 ? o->cap : DEX_BUF_START;
	while (cap <= o->len + n)
		cap *= 2;
	if ((p = realloc(o->buf, cap)) == NULL) {
		o->nomem = 1;
		return -1;
	}
	o->buf = p;
	o->cap = cap;
	return 0;
}

/* Append n bytes, keeping the buffer a string. */
static void
out_put(struct dex_out *o, const char *s, size_t n)
{
	if (out_room(o, n) == -1)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Append printf output: the numeric fields. */
static void __attribute__((format(printf, 2, 3)))
out_fmt(struct dex_out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || out_room(o, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* Start a segment with its identifier; each field brings its own '*'. */
static void
seg_begin(struct dex_out *o, const char *id)
{
	o->line = o->len;
	out_put(o, id, strlen(id));
}

/* End a segment: empty trailing fields dropped, CR LF, one more for SE. */
static void
seg_end(struct dex_out *o)
{
	if (o->nomem)
		return;
	while (o->len > o->line && o->buf[o->len - 1] == '*')
		o->len--;
	out_put(o, "\r\n", 2);
	o->lines++;
}

/* A byte a DEX field can carry: printable ASCII but the separator. */
static char
dex_char(char c)
{
	return (c >= ' ' && c <= '~' && c != '*') ? c : '_';
}

/* A text field of at most max bytes; what DEX cannot carry becomes '_'. */
static void
fld_text(struct dex_out *o, const char *s, size_t max)
{
	size_t	n = strnlen(s, max);

	out_put(o, "*", 1);
	if (out_room(o, n) == -1)
		return;
	for (size_t i = 0; i < n; i++)
		o->buf[o->len++] = dex_char(s[i]);
	o->buf[o->len] = '\0';
}

/* A count field. */
static void
fld_count(struct dex_out *o, uint64_t v)
{
	out_fmt(o, "*%" PRIu64, v);
}

/* A money field: minor units, ID4 says where the point goes. */
static void
fld_money(struct dex_out *o, int64_t v)
{
	out_fmt(o, "*%" PRId64, v);
}

/* An empty field, there to keep the place of a later one. */
static void
fld_empty(struct dex_out *o)
{
	out_put(o, "*", 1);
}

/* A date and a time field, YYMMDD and HHMM in UTC; empty when unknown. */
static void
fld_when(struct dex_out *o, time_t t)
{
	struct tm	tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL) {
		fld_empty(o);
		fld_empty(o);
		return;
	}
	out_fmt(o, "*%02d%02d%02d*%02d%02d", tm.tm_year % 100, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* DXS's id: maker letters, then the serial's last letters and digits. */
static void
fld_comm_id(struct dex_out *o, const char *serial)
{
	char	id[sizeof(DEX_MAKER) + DEX_ID_DIGITS] = DEX_MAKER;
	size_t	n = strnlen(serial, DEX_TEXT_MAX), k = DEX_ID_DIGITS;
	char	c;

	memset(id + strlen(DEX_MAKER), '0', DEX_ID_DIGITS);
	while (n-- > 0 && k > 0) {
		c = serial[n];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			id[strlen(DEX_MAKER) + --k] = c;
	}
	fld_text(o, id, sizeof(id));
}

/* ID402 of a currency, or NULL: an unknown code leaves the field empty. */
static const char *
currency_numeric(const char *alpha, size_t max)
{
	size_t	n = strnlen(alpha, max);

	for (size_t i = 0; i < sizeof(dex_currency) / sizeof(dex_currency[0]);
	    i++)
		if (n == strlen(dex_currency[i].alpha) &&
		    memcmp(alpha, dex_currency[i].alpha, n) == 0)
			return dex_currency[i].numeric;
	return NULL;
}

/* VA1, VA2, CA2: value and count since initialisation, then since reset. */
static void
seg_value_count(struct dex_out *o, const char *id, const struct dex_counter *c)
{
	seg_begin(o, id);
	fld_money(o, c->value);
	fld_count(o, c->count);
	fld_money(o, c->value_reset);
	fld_count(o, c->count_reset);
	seg_end(o);
}

/* PA2, PA3: the other way round, count before value. */
static void
seg_count_value(struct dex_out *o, const char *id, const struct dex_counter *c)
{
	seg_begin(o, id);
	fld_count(o, c->count);
	fld_money(o, c->value);
	fld_count(o, c->count_reset);
	fld_money(o, c->value_reset);
	seg_end(o);
}

/* DXS, ST and who is reporting: machine, currency, the report's time. */
static void
dex_header(struct dex_out *o, const struct dex_audit *a)
{
	const char	*num;

	seg_begin(o, "DXS");
	fld_comm_id(o, a->serial);
	out_put(o, "*VA*V1/1*1", strlen("*VA*V1/1*1"));
	seg_end(o);

	o->st = o->len;
	o->lines = 0;
	seg_begin(o, "ST*001*0001");
	seg_end(o);

	seg_begin(o, "ID1");
	fld_text(o, a->serial, sizeof(a->serial));
	fld_text(o, a->model, sizeof(a->model));
	seg_end(o);

	seg_begin(o, "ID4");
	out_fmt(o, "*%d", a->decimals);
	if ((num = currency_numeric(a->currency, sizeof(a->currency))) != NULL)
		fld_text(o, num, strlen(num));
	else
		fld_empty(o);
	fld_text(o, a->currency, sizeof(a->currency));
	seg_end(o);

	seg_begin(o, "ID5");
	fld_when(o, a->now);
	seg_end(o);
}

/*
 * CA2 cash sales; CA3 cash in (coins and bills), to the cash box, to an
 * MDB changer's tubes, bills; CA11 each coin of the value table: counts
 * in, to the box, to the tubes, since reset and then since initialisation;
 * DA2 a cashless reader's sales, when one is fitted.
 */
static void
dex_cash(struct dex_out *o, const struct dex_audit *a)
{
	int	ncoins = a->ncoins;

	seg_value_count(o, "CA2", &a->cash_sales);

	seg_begin(o, "CA3");
	fld_money(o, a->cash_in_reset);
	fld_money(o, a->cash_in_reset - a->to_tubes_reset - a->notes_in_reset);
	fld_money(o, a->to_tubes_reset);
	fld_money(o, a->notes_in_reset);
	fld_money(o, a->cash_in);
	fld_money(o, a->cash_in - a->to_tubes - a->notes_in);
	fld_money(o, a->to_tubes);
	fld_money(o, a->notes_in);
	seg_end(o);

	if (ncoins > VENDD_MAX_PULSES)		/* a caller's bug: never overrun */
		ncoins = VENDD_MAX_PULSES;
	for (int i = 0; i < ncoins; i++) {
		const struct dex_coin	*c = &a->coin[i];

		if (c->value <= 0)		/* a pulse count with no coin */
			continue;
		seg_begin(o, "CA11");
		fld_money(o, c->value);
		fld_count(o, c->count_reset);
		fld_count(o, c->count_reset);
		fld_count(o, 0);
		fld_count(o, c->count);
		fld_count(o, c->count);
		fld_count(o, 0);
		seg_end(o);
	}
	if (a->cashless)
		seg_value_count(o, "DA2", &a->card_sales);
}

/* VA1 paid vends, VA2 test vends, for the whole machine. */
static void
dex_vends(struct dex_out *o, const struct dex_audit *a)
{
	seg_value_count(o, "VA1", &a->paid);
	seg_value_count(o, "VA2", &a->test);
}

/* Per column: PA1 code and price, PA2 paid vends, PA3 test vends. */
static void
dex_products(struct dex_out *o, const struct dex_audit *a)
{
	int	n = a->nproducts;

	if (n > VENDD_MAX_PRODUCTS)		/* a caller's bug: never overrun */
		n = VENDD_MAX_PRODUCTS;
	for (int i = 0; i < n; i++) {
		const struct dex_product	*p = &a->product[i];

		seg_begin(o, "PA1");
		if (p->code[0] != '\0')
			fld_text(o, p->code, sizeof(p->code));
		else
			out_fmt(o, "*%d", i + 1);
		fld_money(o, p->price);
		seg_end(o);
		seg_count_value(o, "PA2", &p->paid);
		seg_count_value(o, "PA3", &p->test);
	}
}

/*
 * EA1 (when the event last happened) and EA2 (how often, and whether it
 * holds now) for every event that ever happened or holds now.
 */
static void
dex_events(struct dex_out *o, const struct dex_audit *a)
{
	for (int i = 0; i < DEX_EV_MAX; i++) {
		const struct dex_event_count	*e = &a->event[i];
		const char			*id = dex_event_id[i];

		if (e->count == 0 && !e->active)
			continue;
		seg_begin(o, "EA1");
		fld_text(o, id, strlen(id));
		fld_when(o, e->last);
		seg_end(o);

		seg_begin(o, "EA2");
		fld_text(o, id, strlen(id));
		fld_count(o, e->count_reset);
		fld_count(o, e->count);
		fld_empty(o);			/* EA204: not an activity */
		fld_count(o, e->active ? 1 : 0);
		seg_end(o);
	}
}

/* G85, SE, DXE: the check and the line count of everything from ST on. */
static void
dex_trailer(struct dex_out *o)
{
	uint16_t	crc = 0;

	if (!o->nomem)
		crc = dex_crc16(o->buf + o->st, o->len - o->st);
	seg_begin(o, "G85");
	out_fmt(o, "*%04X", crc);
	seg_end(o);

	seg_begin(o, "SE");
	out_fmt(o, "*%u*0001", o->lines + 1);	/* SE counts itself */
	seg_end(o);

	seg_begin(o, "DXE*1*1");
	seg_end(o);
}

char *
dex_report(const struct dex_audit *a, size_t *len)
{
	struct dex_out	o;

	memset(&o, 0, sizeof(o));
	dex_header(&o, a);
	dex_cash(&o, a);
	dex_vends(&o, a);
	dex_products(&o, a);
	dex_events(&o, a);
	dex_trailer(&o);
	if (o.nomem) {
		free(o.buf);
		errno = ENOMEM;
		return NULL;
	}
	if (len != NULL)
		*len = o.len;
	return o.buf;
}
