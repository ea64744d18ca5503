/*
 * mdb_codec: MDB/ICP 4.2 messages as bytes, see mdb_codec.h.
 *
 * Sources (the NAMA text itself was not at hand; only its table of
 * contents, https://manualzz.com/doc/26758432/mdb---icp---ccv-group):
 * - /work/shared/payments-and-audit.md, "MDB": command bytes, the poll
 *   codes named there, start-up order.
 * - wireshark/wireshark epan/dissectors/packet-mdb.c: validator SETUP
 *   reply (2-byte scaling factor, stacker capacity, security levels),
 *   BILL TYPE, ESCROW, STACKER (2 bytes), POLL routing 1yyyxxxx and the
 *   status codes 0x01-0x0C, 010xxxxx; cashless SETUP config data and
 *   max/min prices, VEND REQUEST/SUCCESS, reader config data, VEND
 *   APPROVED, the ID fields (3+12+12+2 [+4]).
 * - temoto/vender hardware/mdb/coin/coin.go, dispense.go, diag.go,
 *   coin_test.go: changer SETUP (7 + credits), TUBE STATUS (2 + counts),
 *   POLL parsing (escrow request 0x01, 0x02-0x0D, 01yyxxxx with routing
 *   10 unused, 1yyyxxxx, 001xxxxx), COIN TYPE, DISPENSE (count << 4 |
 *   type), EXPANSION 0F00 (33 bytes), 0F01 + 4, 0F02 + 1, PAYOUT VALUE
 *   POLL (1 byte; ACK: done), diagnostics as 2-byte codes; test vectors.
 * - temoto/vender hardware/mdb/bill/bill.go, bill_test.go: validator SETUP
 *   (27 bytes, escrow byte 0xFF), STACKER (0x8000 full, 0x7FFF count),
 *   3501/3500, 3700 (29 bytes) and 3702 (33); test vectors.
 * - nodestark/mdb-esp32-cashless examples/mdb-esp32s3-coin-reader/main/
 *   mdb-esp32s3-coin-reader.c: a changer emulator (SETUP, TUBE STATUS with
 *   the high byte first, COIN TYPE byte order, DISPENSE nibbles, ID).
 * - nodestark/mdb-esp32-cashless mdb-master-esp32s3/main/
 *   mdb-master-esp32s3.c: a cashless VMC (config data bytes, reader config
 *   offsets, max/min prices, REQUEST ID of 31 bytes, VEND REQUEST, CASH
 *   SALE, VEND SUCCESS, begin session funds, SESSION COMPLETE).
 * - Tarcontar/ArduinoMDB CoinChanger.cpp, BillValidator.cpp: the poll bit
 *   patterns and status names of both devices.
 * - kbitc/MDB-C Cashless.c, Cashless.h: the reader's poll codes 0x00-0x0B
 *   and a begin session whose length follows the VMC's feature level.
 * Guesses, not confirmed by any source above:
 * - PAYOUT STATUS answered by an ACK alone means "still paying out" (from
 *   memory of the spec; vender only shows data replies).
 * - Cashless lengths at levels 2/3 (BEGIN SESSION 10 bytes, PERIPHERAL ID
 *   34 at level 3, OUT OF SEQUENCE + status at 2+) and a DISPLAY REQUEST
 *   of exactly columns * rows bytes: from readers and VMCs whose
 *   repositories the search index did not name, not from the spec.
 * - Refusing a validator escrow byte other than 0x00/0xFF, a scaling
 *   factor of 0, and coin routing 10 is our strictness.
 */
#include <string.h>

#include "mdb_codec.h"

/* A big-endian 16-bit field. */
static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* ... and one to send. */
static void
put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

size_t
mdb_cmd_simple(uint8_t out[1], int cmd)
{
	switch (cmd) {
	case MDB_CHANGER_RESET:
	case MDB_CHANGER_SETUP:
	case MDB_CHANGER_TUBE_STATUS:
	case MDB_CHANGER_POLL:
	case MDB_CASHLESS_RESET:
	case MDB_CASHLESS_POLL:
	case MDB_BILL_RESET:
	case MDB_BILL_SETUP:
	case MDB_BILL_POLL:
	case MDB_BILL_STACKER:
		out[0] = (uint8_t)cmd;
		return 1;
	}
	return 0;
}

/* --- money ------------------------------------------------------------ */

int64_t
mdb_to_minor(unsigned scaled, unsigned scale)
{
	return (int64_t)scaled * scale;
}

int
mdb_from_minor(int64_t minor, unsigned scale, unsigned max, unsigned *scaled)
{
	if (minor < 0 || scale == 0 || minor % scale != 0 ||
	    minor / scale > max)
		return -1;
	*scaled = (unsigned)(minor / scale);
	return 0;
}

int
mdb_rescale(int64_t v, int from, int to, int64_t *out)
{
	int64_t	p = 1;

	if (from < 0 || from > 18 || to < 0 || to > 18)
		return -1;
	for (int i = 0; i < (to > from ? to - from : from - to); i++)
		p *= 10;
	if (to >= from)
		return __builtin_mul_overflow(v, p, out) ? -1 : 0;
	if (v % p != 0)
		return -1;
	*out = v / p;
	return 0;
}

/* --- identification --------------------------------------------------- */

/* n bytes of a fixed-width text field: printable ASCII or '?', trailing
 * spaces cut, NUL-ended (dst has n + 1 bytes). */
static void
text_copy(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] >= ' ' && src[i] <= '~' ? (char)src[i] : '?';
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

int
mdb_ident_decode(const uint8_t *b, size_t n, struct mdb_ident *id)
{
	if (n != 29 && n != 33)
		return -1;
	memset(id, 0, sizeof(*id));
	text_copy(id->manufacturer, b, 3);
	text_copy(id->serial, b + 3, 12);
	text_copy(id->model, b + 15, 12);
	id->version = get16(b + 27);
	if (n == 33) {
		id->has_features = 1;
		id->features = (uint32_t)get16(b + 29) << 16 | get16(b + 31);
	}
	return 0;
}

/* --- coin changer ----------------------------------------------------- */

int
mdb_changer_setup_decode(const uint8_t *b, size_t n,
    struct mdb_changer_setup *s)
{
	if (n < 7 || n > 7 + MDB_TYPES || b[3] == 0)
		return -1;
	memset(s, 0, sizeof(*s));
	s->level = b[0];
	s->currency = get16(b + 1);
	s->scale = b[3];
	s->decimals = b[4];
	s->routing = get16(b + 5);
	s->ntypes = (int)(n - 7);
	for (int i = 0; i < s->ntypes; i++) {
		s->credit[i] = b[7 + i];
		s->value[i] = mdb_to_minor(s->credit[i], s->scale);
	}
	return 0;
}

int
mdb_changer_tubes_decode(const uint8_t *b, size_t n, struct mdb_tubes *t)
{
	if (n < 2 || n > 2 + MDB_TYPES)
		return -1;
	memset(t, 0, sizeof(*t));
	t->full = get16(b);
	t->ntubes = (int)(n - 2);
	memcpy(t->count, b + 2, n - 2);
	return 0;
}

uint16_t
mdb_changer_tubes_faulty(const struct mdb_tubes *t)
{
	uint16_t	bad = 0;

	for (int i = 0; i < MDB_TYPES; i++)
		if ((t->full & 1u << i) && t->count[i] == 0)
			bad |= (uint16_t)(1u << i);
	return bad;
}

size_t
mdb_changer_coin_type(uint8_t out[5], uint16_t accept, uint16_t manual)
{
	out[0] = MDB_CHANGER_COIN_TYPE;
	put16(out + 1, accept);
	put16(out + 3, manual);
	return 5;
}

size_t
mdb_changer_dispense(uint8_t out[2], int type, int count)
{
	if (type < 0 || type >= MDB_TYPES || count < 1 || count > 15)
		return 0;
	out[0] = MDB_CHANGER_DISPENSE;
	out[1] = (uint8_t)(count << 4 | type);
	return 2;
}

size_t
mdb_changer_expansion(uint8_t out[2], int sub)
{
	switch (sub) {
	case MDB_CHANGER_X_IDENT:
	case MDB_CHANGER_X_PAYOUT_STATUS:
	case MDB_CHANGER_X_PAYOUT_POLL:
	case MDB_CHANGER_X_DIAG:
		out[0] = MDB_CHANGER_EXPANSION;
		out[1] = (uint8_t)sub;
		return 2;
	}
	return 0;
}

size_t
mdb_changer_feature_enable(uint8_t out[6], uint32_t features)
{
	out[0] = MDB_CHANGER_EXPANSION;
	out[1] = MDB_CHANGER_X_FEATURES;
	put16(out + 2, features >> 16);
	put16(out + 4, features & 0xffff);
	return 6;
}

size_t
mdb_changer_payout(uint8_t out[3], int scaled)
{
	if (scaled < 1 || scaled > 255)
		return 0;
	out[0] = MDB_CHANGER_EXPANSION;
	out[1] = MDB_CHANGER_X_PAYOUT;
	out[2] = (uint8_t)scaled;
	return 3;
}

int
mdb_changer_payout_status_decode(const uint8_t *b, size_t n,
    struct mdb_payout_status *ps)
{
	if (n > MDB_TYPES)
		return -1;
	memset(ps, 0, sizeof(*ps));
	if (n == 0)
		return 1;
	ps->ntypes = (int)n;
	memcpy(ps->count, b, n);
	return 0;
}

int64_t
mdb_changer_paid_value(const struct mdb_changer_setup *s,
    const struct mdb_payout_status *ps)
{
	int64_t	sum = 0;

	for (int i = 0; i < ps->ntypes; i++) {
		if (ps->count[i] == 0)
			continue;
		if (i >= s->ntypes || s->credit[i] == 0)
			return -1;
		sum += ps->count[i] * s->value[i];
	}
	return sum;
}

int
mdb_changer_payout_poll_decode(const uint8_t *b, size_t n, unsigned *scaled)
{
	if (n == 0)
		return 1;
	if (n > 1)
		return -1;
	*scaled = b[0];
	return 0;
}

int
mdb_changer_diag_decode(const uint8_t *b, size_t n, struct mdb_diag *d)
{
	if (n % 2 != 0 || n > 2 * 8)
		return -1;
	memset(d, 0, sizeof(*d));
	d->n = (int)(n / 2);
	for (int i = 0; i < d->n; i++)
		d->code[i] = get16(b + 2 * i);
	return 0;
}

/* The bytes of the changer poll event starting with c, 0 if unknown. */
static size_t
changer_event_len(uint8_t c)
{
	if (c & 0x80)				/* 1yyyxxxx: dispensed */
		return 2;
	if ((c & 0xc0) == 0x40)			/* 01yyxxxx: deposited */
		return (c & 0x30) == 0x20 ? 0 : 2;	/* routing 10: unused */
	if ((c & 0xe0) == 0x20)			/* 001xxxxx: slugs */
		return 1;
	if (c >= MDB_CHANGER_EV_ESCROW_REQUEST &&
	    c <= MDB_CHANGER_EV_COIN_REMOVAL)
		return 1;
	return 0;				/* 0x00, 0x0E-0x1F */
}

/* One changer event of known length from b. */
static void
changer_event(const uint8_t *b, struct mdb_changer_event *e)
{
	memset(e, 0, sizeof(*e));
	if (b[0] & 0x80) {
		e->kind = MDB_CHANGER_EV_DISPENSED;
		e->count = b[0] >> 4 & 0x07;
		e->type = b[0] & 0x0f;
		e->tube = b[1];
	} else if (b[0] & 0x40) {
		e->kind = MDB_CHANGER_EV_DEPOSITED;
		e->routing = b[0] >> 4 & 0x03;
		e->type = b[0] & 0x0f;
		e->tube = b[1];
	} else if (b[0] & 0x20) {
		e->kind = MDB_CHANGER_EV_SLUGS;
		e->count = b[0] & 0x1f;
	} else
		e->kind = b[0];
}

/* Decode events from the start: 1 when all of b was whole events, 0 when
 * a byte stopped it; *k: the events decoded before it. */
static int
changer_poll_scan(const uint8_t *b, size_t n, struct mdb_changer_event *ev,
    int max, int *k)
{
	size_t	i = 0, len;

	*k = 0;
	while (i < n) {
		len = changer_event_len(b[i]);
		if (len == 0 || len > n - i || *k == max)
			return 0;
		changer_event(b + i, &ev[(*k)++]);
		i += len;
	}
	return 1;
}

int
mdb_changer_poll_decode(const uint8_t *b, size_t n,
    struct mdb_changer_event *ev, int max)
{
	int	k;

	return changer_poll_scan(b, n, ev, max, &k) ? k : -1;
}

int
mdb_changer_poll_prefix(const uint8_t *b, size_t n,
    struct mdb_changer_event *ev, int max)
{
	int	k;

	changer_poll_scan(b, n, ev, max, &k);
	return k;
}

/* --- bill validator --------------------------------------------------- */

int
mdb_bill_setup_decode(const uint8_t *b, size_t n, struct mdb_bill_setup *s)
{
	if (n < 11 || n > 11 + MDB_TYPES || get16(b + 3) == 0 ||
	    (b[10] != 0x00 && b[10] != 0xff))
		return -1;
	memset(s, 0, sizeof(*s));
	s->level = b[0];
	s->currency = get16(b + 1);
	s->scale = get16(b + 3);
	s->decimals = b[5];
	s->capacity = get16(b + 6);
	s->security = get16(b + 8);
	s->escrow = b[10] == 0xff;
	s->ntypes = (int)(n - 11);
	for (int i = 0; i < s->ntypes; i++) {
		s->credit[i] = b[11 + i];
		s->value[i] = mdb_to_minor(s->credit[i], s->scale);
	}
	return 0;
}

size_t
mdb_bill_security(uint8_t out[3], uint16_t high)
{
	out[0] = MDB_BILL_SECURITY;
	put16(out + 1, high);
	return 3;
}

size_t
mdb_bill_type(uint8_t out[5], uint16_t enable, uint16_t escrow)
{
	out[0] = MDB_BILL_TYPE;
	put16(out + 1, enable);
	put16(out + 3, escrow);
	return 5;
}

size_t
mdb_bill_escrow(uint8_t out[2], int stack)
{
	if (stack != 0 && stack != 1)
		return 0;
	out[0] = MDB_BILL_ESCROW;
	out[1] = (uint8_t)stack;
	return 2;
}

size_t
mdb_bill_expansion(uint8_t out[2], int sub)
{
	if (sub != 0x00 && sub != 0x02)
		return 0;
	out[0] = MDB_BILL_EXPANSION;
	out[1] = (uint8_t)sub;
	return 2;
}

int
mdb_bill_stacker_decode(const uint8_t *b, size_t n, struct mdb_stacker *st)
{
	if (n != 2)
		return -1;
	st->full = (b[0] & 0x80) != 0;
	st->count = get16(b) & 0x7fff;
	return 0;
}

/* One validator poll event (always one byte); -1 if unknown. */
static int
bill_event(uint8_t c, struct mdb_bill_event *e)
{
	memset(e, 0, sizeof(*e));
	if (c & 0x80) {				/* 1yyyxxxx */
		e->kind = MDB_BILL_EV_ROUTED;
		e->route = c >> 4 & 0x07;
		e->type = c & 0x0f;
	} else if ((c & 0xe0) == 0x40) {	/* 010xxxxx */
		e->kind = MDB_BILL_EV_ATTEMPTS;
		e->count = c & 0x1f;
	} else if (c >= MDB_BILL_EV_MOTOR && c <= MDB_BILL_EV_BILL_REMOVAL)
		e->kind = c;
	else			/* 011xxxxx, 001xxxxx, 0x00, 0x0D-0x1F */
		return -1;
	return 0;
}

int
mdb_bill_poll_decode(const uint8_t *b, size_t n, struct mdb_bill_event *ev,
    int max)
{
	int	k = 0;

	for (size_t i = 0; i < n; i++)
		if (k == max || bill_event(b[i], &ev[k++]) == -1)
			return -1;
	return k;
}

/* --- cashless reader: commands ---------------------------------------- */

size_t
mdb_cashless_setup_config(uint8_t out[6], int level, int cols, int rows,
    int info)
{
	if (level < 1 || level > 3 || cols < 0 || cols > 255 || rows < 0 ||
	    rows > 255 || info < 0 || info > 255)
		return 0;
	out[0] = MDB_CASHLESS_SETUP;
	out[1] = MDB_CASHLESS_CONFIG;
	out[2] = (uint8_t)level;
	out[3] = (uint8_t)cols;
	out[4] = (uint8_t)rows;
	out[5] = (uint8_t)info;
	return 6;
}

size_t
mdb_cashless_setup_prices(uint8_t out[6], uint16_t max, uint16_t min)
{
	out[0] = MDB_CASHLESS_SETUP;
	out[1] = MDB_CASHLESS_PRICES;
	put16(out + 2, max);
	put16(out + 4, min);
	return 6;
}

/* VEND sub with a price and an item: the request and the cash sale. */
static size_t
vend_priced(uint8_t out[6], int sub, uint16_t price, uint16_t item)
{
	out[0] = MDB_CASHLESS_VEND;
	out[1] = (uint8_t)sub;
	put16(out + 2, price);
	put16(out + 4, item);
	return 6;
}

size_t
mdb_cashless_vend_request(uint8_t out[6], uint16_t price, uint16_t item)
{
	return vend_priced(out, MDB_CASHLESS_VEND_REQUEST, price, item);
}

size_t
mdb_cashless_cash_sale(uint8_t out[6], uint16_t price, uint16_t item)
{
	return vend_priced(out, MDB_CASHLESS_CASH_SALE, price, item);
}

size_t
mdb_cashless_vend_success(uint8_t out[4], uint16_t item)
{
	out[0] = MDB_CASHLESS_VEND;
	out[1] = MDB_CASHLESS_VEND_SUCCESS;
	put16(out + 2, item);
	return 4;
}

size_t
mdb_cashless_vend(uint8_t out[2], int sub)
{
	if (sub != MDB_CASHLESS_VEND_CANCEL &&
	    sub != MDB_CASHLESS_VEND_FAILURE &&
	    sub != MDB_CASHLESS_SESSION_COMPLETE)
		return 0;
	out[0] = MDB_CASHLESS_VEND;
	out[1] = (uint8_t)sub;
	return 2;
}

size_t
mdb_cashless_reader(uint8_t out[2], int sub)
{
	if (sub != MDB_CASHLESS_DISABLE && sub != MDB_CASHLESS_ENABLE &&
	    sub != MDB_CASHLESS_CANCEL)
		return 0;
	out[0] = MDB_CASHLESS_READER;
	out[1] = (uint8_t)sub;
	return 2;
}

/* s into a field of w bytes, space-padded; -1 if too long or unprintable. */
static int
text_put(uint8_t *dst, const char *s, size_t w)
{
	size_t	n = strlen(s);

	if (n > w)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return -1;
	memset(dst, ' ', w);
	memcpy(dst, s, n);
	return 0;
}

size_t
mdb_cashless_request_id(uint8_t out[31], const char *manufacturer,
    const char *serial, const char *model, uint16_t version)
{
	out[0] = MDB_CASHLESS_EXPANSION;
	out[1] = MDB_CASHLESS_REQUEST_ID;
	if (text_put(out + 2, manufacturer, 3) == -1 ||
	    text_put(out + 5, serial, 12) == -1 ||
	    text_put(out + 17, model, 12) == -1)
		return 0;
	put16(out + 29, version);
	return 31;
}

/* --- cashless reader: replies ----------------------------------------- */

/* The bytes of the reader event starting with code c in mode m, 0 if
 * unknown. */
static size_t
cashless_event_len(uint8_t c, const struct mdb_cashless_mode *m)
{
	switch (c) {
	case 0x00: case 0x04: case 0x06: case 0x07: case 0x08:
		return 1;
	case 0x01:
		return 8;
	case 0x02:
		return m->display > 0 && m->display <= MDB_DISPLAY_MAX ?
		    2 + (size_t)m->display : 0;
	case 0x03:
		return m->level >= 2 ? 10 : 3;
	case 0x05:
		return 3;
	case 0x09:
		return m->level >= 3 ? 34 : 30;
	case 0x0a:
		return 2;
	case 0x0b:
		return m->level >= 2 ? 2 : 1;
	}
	return 0;
}

/* One reader event of len bytes from b (its length already checked). */
static int
cashless_event(const uint8_t *b, size_t len, struct mdb_cashless_event *e)
{
	struct mdb_cashless_config	*c = &e->config;

	memset(e, 0, sizeof(*e));
	e->kind = MDB_CASHLESS_EV_JUST_RESET + b[0];
	switch (b[0]) {
	case 0x01:
		if (b[4] == 0)
			return -1;
		c->level = b[1];
		c->currency = get16(b + 2);
		c->scale = b[4];
		c->decimals = b[5];
		c->max_response = b[6];
		c->options = b[7];
		break;
	case 0x02:
		e->code = b[1];
		text_copy(e->text, b + 2, len - 2);
		break;
	case 0x03:
		e->amount = get16(b + 1);
		if (len == 10) {
			e->media_id = (uint32_t)get16(b + 3) << 16 |
			    get16(b + 5);
			e->payment_type = b[7];
			e->payment_data = get16(b + 8);
		}
		break;
	case 0x05:
		e->amount = get16(b + 1);
		break;
	case 0x09:
		return mdb_ident_decode(b + 1, len - 1, &e->ident);
	case 0x0a:
	case 0x0b:
		e->code = len > 1 ? b[1] : 0;
		break;
	}
	return 0;
}

int
mdb_cashless_poll_decode(const uint8_t *b, size_t n,
    const struct mdb_cashless_mode *m, struct mdb_cashless_event *ev, int max)
{
	size_t	i = 0, len;
	int	k = 0;

	while (i < n) {
		len = cashless_event_len(b[i], m);
		if (len == 0 || len > n - i || k == max ||
		    cashless_event(b + i, len, &ev[k++]) == -1)
			return -1;
		i += len;
	}
	return k;
}
