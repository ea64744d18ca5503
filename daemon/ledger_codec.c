/*
 * The ledger's on-disk formats, pure: journal records and the snapshot,
 * encoded and decoded, and the replay of a journal onto a state. What the
 * fuzzer targets: no I/O, no logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "ledger_int.h"

/* CRC-32 (IEEE, reflected 0xEDB88320), a nibble at a time: 16-entry table. */
uint32_t
ledger_crc32(const void *buf, size_t len)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const uint8_t	*p = buf;
	uint32_t	 crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return crc ^ 0xffffffffu;
}

/* Little-endian stores, so the file format does not depend on the host. */
static void
put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Little-endian loads, the inverse of put_le. */
uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A write cursor over the snapshot buffer (sized by SNAP_MAX). */
struct wcur {
	uint8_t	*p;
	size_t	 off;
};

/* Append an n-byte little-endian integer. */
static void
w_int(struct wcur *w, uint64_t v, int n)
{
	put_le(w->p + w->off, v, n);
	w->off += (size_t)n;
}

/* A bounds-checked read cursor: reads past the end yield 0 and set bad. */
struct rcur {
	const uint8_t	*p;
	size_t		 len, off;
	int		 bad;
};

/* Read an n-byte little-endian integer, or 0 past the end. */
static uint64_t
r_int(struct rcur *r, int n)
{
	uint64_t	v;

	if (r->bad || r->len - r->off < (size_t)n) {
		r->bad = 1;
		return 0;
	}
	v = get_le(r->p + r->off, n);
	r->off += (size_t)n;
	return v;
}

/* Encode a record into its 48 bytes with its CRC. */
void
jrec_encode(const struct jrec *r, uint8_t b[JREC_SIZE])
{
	memset(b, 0, JREC_SIZE);
	put_le(b + 0, JREC_MAGIC, 4);
	put_le(b + 4, r->type, 2);
	put_le(b + 6, r->product, 2);
	put_le(b + 8, r->seq, 8);
	put_le(b + 16, (uint64_t)r->value, 8);
	put_le(b + 24, r->vend_id, 4);
	put_le(b + 28, r->count, 4);
	put_le(b + 32, (uint64_t)r->time_ms, 8);
	put_le(b + JREC_CRC_OFF, ledger_crc32(b, JREC_CRC_OFF), 4);
}

/* Decode 48 bytes; NULL, or why they are not a whole record. */
const char *
jrec_decode(const uint8_t b[JREC_SIZE], struct jrec *r)
{
	if (get_le(b, 4) != JREC_MAGIC)
		return "bad record magic";
	if (get_le(b + JREC_CRC_OFF, 4) != ledger_crc32(b, JREC_CRC_OFF))
		return "bad record CRC";
	r->type = (uint16_t)get_le(b + 4, 2);
	r->product = (uint16_t)get_le(b + 6, 2);
	r->seq = get_le(b + 8, 8);
	r->value = (int64_t)get_le(b + 16, 8);
	r->vend_id = (uint32_t)get_le(b + 24, 4);
	r->count = (uint32_t)get_le(b + 28, 4);
	r->time_ms = (int64_t)get_le(b + 32, 8);
	return NULL;
}

/* Zeros: what a blank journal is compared against and written from. */
const uint8_t	ledger_zero[4096];

/* Whether a journal slot was never written: a preallocated journal's zeros. */
static int
jrec_blank(const uint8_t *b, size_t len)
{
	return memcmp(b, ledger_zero, len) == 0;
}

/* How many bytes from p on are zeros, in whole slots: a blank tail at once. */
static size_t
jrec_blank_run(const uint8_t *p, size_t len)
{
	size_t	z = 0;

	while (len - z >= sizeof(ledger_zero) && memcmp(p + z, ledger_zero,
	    sizeof(ledger_zero)) == 0)
		z += sizeof(ledger_zero);
	while (z < len && p[z] == 0)
		z++;
	return z / JREC_SIZE * JREC_SIZE;
}

/* What one journal slot holds. */
enum jrec_slot {
	JS_BLANK,		/* zeros: never written */
	JS_BAD,			/* not a whole valid record: torn, short, half cleared */
	JS_RECORD,		/* a valid record, decoded */
};

/* Classify the n bytes of a slot (n < JREC_SIZE: the file's last, short). */
static enum jrec_slot
jrec_slot(const uint8_t *b, size_t n, struct jrec *r, const char **why)
{
	if (jrec_blank(b, n))
		return JS_BLANK;
	*why = n < JREC_SIZE ? "short record" : jrec_decode(b, r);
	return *why == NULL ? JS_RECORD : JS_BAD;
}

/*
 * Apply the run of records after st's seq, from off on; returns where the
 * run ends (the first slot that is blank, not a valid record, or older
 * after a newer one), or SIZE_MAX with err if a record in it cannot apply.
 * Older records before the run are skipped. *torn: why the slot where the
 * next record went is not a valid record, or NULL.
 */
static size_t
replay_run(const uint8_t *b, size_t len, struct ledger_state *st,
    const char **torn, char *err, size_t errlen)
{
	const char	*why = NULL;
	struct jrec	 r;
	size_t		 off, n;
	int		 live = 0, kind = JS_BLANK;

	for (off = 0; off < len; off += JREC_SIZE) {
		n = len - off < JREC_SIZE ? len - off : JREC_SIZE;
		kind = jrec_slot(b + off, n, &r, &why);
		if (kind == JS_RECORD && r.seq <= st->seq && !live)
			continue;		/* the snapshot has it */
		if (kind != JS_RECORD || r.seq <= st->seq)
			break;
		if (r.seq != st->seq + 1) {
			snprintf(err, errlen, "record seq %llu, expected %llu "
			    "(offset %zu)", (unsigned long long)r.seq,
			    (unsigned long long)st->seq + 1, off);
			return SIZE_MAX;
		}
		if ((why = jrec_check(st, &r)) != NULL) {
			snprintf(err, errlen, "record seq %llu type %u: %s "
			    "(offset %zu)", (unsigned long long)r.seq, r.type,
			    why, off);
			return SIZE_MAX;
		}
		jrec_apply(st, &r);
		live = 1;
	}
	/* torn where the next record went: after the run, or at 0 after a
	 * compaction; a torn slot among older records is an old cut's */
	*torn = off < len && kind == JS_BAD && (live || off == 0) ? why : NULL;
	return off < len ? off : len;
}

/*
 * After the run's end at end: -1 with err if a valid record newer than st
 * follows (a record acknowledged after one that is lost), else 0. Blank
 * slots, older records and bytes that are no valid record pass.
 */
static int
replay_check_tail(const uint8_t *b, size_t len, size_t end,
    const struct ledger_state *st, char *err, size_t errlen)
{
	const char	*why;
	struct jrec	 r;
	size_t		 off, n;

	for (off = end; off < len; off += n) {
		n = len - off < JREC_SIZE ? len - off : JREC_SIZE;
		if (n == JREC_SIZE && jrec_blank(b + off, n)) {
			n = jrec_blank_run(b + off, len - off);
			continue;
		}
		/* an older record needs no CRC: it is not applied either way,
		 * and after a compaction the journal is full of them */
		if (n == JREC_SIZE && get_le(b + off, 4) == JREC_MAGIC &&
		    get_le(b + off + 8, 8) <= st->seq)
			continue;
		if (jrec_slot(b + off, n, &r, &why) != JS_RECORD ||
		    r.seq <= st->seq)
			continue;
		snprintf(err, errlen, "record seq %llu after the journal's end "
		    "(offset %zu)", (unsigned long long)r.seq, off);
		return -1;
	}
	return 0;
}

/*
 * Replay a journal's bytes onto st: the pure half of ledger_open. See
 * ledger_store.c for the rule. 0, or 1 if the slot where the next record
 * went holds bytes that are no valid record (a torn write, never
 * acknowledged: dropped); *good_len is where the run ended. -1 with a
 * message for corruption.
 */
int
ledger_replay(const void *buf, size_t len, struct ledger_state *st,
    size_t *good_len, char *err, size_t errlen)
{
	const char	*torn = NULL;
	size_t		 end;

	*good_len = 0;
	if (st->nproducts > SNAP_NMAX) {
		snprintf(err, errlen, "state has %u products (offset 0)",
		    st->nproducts);
		return -1;
	}
	if ((end = replay_run(buf, len, st, &torn, err, errlen)) == SIZE_MAX ||
	    replay_check_tail(buf, len, end, st, err, errlen) == -1)
		return -1;
	*good_len = end;
	return torn != NULL;
}

/* Append the machine's counters: version 1's, then those version 2 added. */
static void
w_counters(struct wcur *w, const struct ledger_counters *c)
{
	w_int(w, (uint64_t)c->cash_in, 8);
	for (int i = 0; i <= VENDD_MAX_PULSES; i++)
		w_int(w, c->coins[i], 8);
	w_int(w, c->paid_vends, 8);
	w_int(w, (uint64_t)c->paid_value, 8);
	w_int(w, c->failed_vends, 8);
	w_int(w, c->sold_out_selections, 8);
	w_int(w, c->unknown_coins, 8);
	w_int(w, c->noise_pulses, 8);
	w_int(w, c->coin_faults, 8);
	w_int(w, c->compressor_starts, 8);
	w_int(w, c->compressor_run_s, 8);
	w_int(w, c->sensor_faults, 8);
	w_int(w, c->startups, 8);
	w_int(w, c->unresolved_settled, 8);
	w_int(w, c->test_vends, 8);
	w_int(w, c->door_openings, 8);
	w_int(w, c->service_entries, 8);
	w_int(w, c->collections, 8);
	w_int(w, (uint64_t)c->collected_value, 8);
	w_int(w, c->price_changes, 8);
	w_int(w, c->audit_resets, 8);
}

/* Append one product: version 1's fields, then version 2's. */
static void
w_product(struct wcur *w, const struct ledger_product *p)
{
	memset(w->p + w->off, 0, VENDD_ID_MAX);
	memcpy(w->p + w->off, p->id, strnlen(p->id, VENDD_ID_MAX - 1));
	w->off += VENDD_ID_MAX;
	w_int(w, (uint32_t)p->stock, 4);
	w_int(w, p->state, 1);
	w_int(w, p->retired, 1);
	w_int(w, p->has_price, 1);
	w_int(w, 0, 1);
	w_int(w, p->paid_vends, 8);
	w_int(w, (uint64_t)p->paid_value, 8);
	w_int(w, p->failed_vends, 8);
	w_int(w, p->sold_out, 8);
	w_int(w, (uint64_t)p->price, 8);
	w_int(w, p->test_vends, 8);
	w_int(w, p->reset.paid_vends, 8);
	w_int(w, (uint64_t)p->reset.paid_value, 8);
	w_int(w, p->reset.test_vends, 8);
	w_int(w, p->reset.failed_vends, 8);
	w_int(w, p->reset.sold_out, 8);
}

/* Version 3's part: a validator's notes and a reader's card vends. */
static void
w_notes_cards(struct wcur *w, const struct ledger_mdb *d)
{
	w_int(w, (uint64_t)d->notes_in, 8);
	w_int(w, d->notes, 8);
	w_int(w, d->notes_returned, 8);
	w_int(w, (uint64_t)d->escrow_active | (uint64_t)d->escrow_type << 8 |
	    (uint64_t)d->escrow_stack << 16, 8);
	w_int(w, (uint64_t)d->escrow_value, 8);
	w_int(w, d->card_vends, 8);
	w_int(w, (uint64_t)d->card_value, 8);
	w_int(w, d->card_failed, 8);
	w_int(w, (uint64_t)d->card_refunded, 8);
	w_int(w, d->card_denied, 8);
	w_int(w, (uint64_t)d->card_asked | (uint64_t)d->card_product << 8, 8);
	w_int(w, d->card_vend_id, 8);
	w_int(w, (uint64_t)d->reset.to_tubes, 8);
	w_int(w, (uint64_t)d->reset.notes_in, 8);
	w_int(w, (uint64_t)d->reset.card_value, 8);
	w_int(w, d->reset.card_vends, 8);
	w_int(w, (uint64_t)d->payout_paid, 8);
}

/* Version 3's part, read; what no state holds is refused by the caller
 * (snap_check_notes_cards). */
static void
r_notes_cards(struct rcur *r, struct ledger_mdb *d)
{
	uint64_t	f;

	d->notes_in = (int64_t)r_int(r, 8);
	d->notes = r_int(r, 8);
	d->notes_returned = r_int(r, 8);
	f = r_int(r, 8);
	d->escrow_active = (uint8_t)(f & 0xff);
	d->escrow_type = (uint8_t)(f >> 8 & 0xff);
	d->escrow_stack = (uint8_t)(f >> 16 & 0xff);
	if (f >> 24)
		d->escrow_active = 2;		/* refused */
	d->escrow_value = (int64_t)r_int(r, 8);
	d->card_vends = r_int(r, 8);
	d->card_value = (int64_t)r_int(r, 8);
	d->card_failed = r_int(r, 8);
	d->card_refunded = (int64_t)r_int(r, 8);
	d->card_denied = r_int(r, 8);
	f = r_int(r, 8);
	d->card_asked = (uint8_t)(f & 0xff);
	d->card_product = (uint8_t)(f >> 8 & 0xff);
	if (f >> 16)
		d->card_asked = 2;		/* refused */
	f = r_int(r, 8);
	d->card_vend_id = (uint32_t)f;
	if (f >> 32)
		d->card_asked = 2;
	d->reset.to_tubes = (int64_t)r_int(r, 8);
	d->reset.notes_in = (int64_t)r_int(r, 8);
	d->reset.card_value = (int64_t)r_int(r, 8);
	d->reset.card_vends = r_int(r, 8);
	d->payout_paid = (int64_t)r_int(r, 8);
}

/* Encode the state as a snapshot file's bytes (always the newest version). */
size_t
ledger_encode_snapshot(const struct ledger_state *st, uint8_t *buf)
{
	struct wcur	 w = { buf, 0 };

	memcpy(buf, SNAP_MAGIC, 8);
	w.off = 8;
	w_int(&w, SNAP_VERSION, 4);
	w_int(&w, SNAP_FIXED + (size_t)st->nproducts * SNAP_PRODUCT, 4);
	w_int(&w, st->seq, 8);
	w_int(&w, (uint64_t)st->credit, 8);
	w_int(&w, st->pending.active, 1);
	w_int(&w, st->pending.product, 1);
	w_int(&w, st->pending.test, 1);
	w_int(&w, 0, 1);
	w_int(&w, st->pending.vend_id, 4);
	w_int(&w, (uint64_t)st->pending.price, 8);
	w_counters(&w, &st->c);
	w_counters(&w, &st->reset);
	w_int(&w, (uint64_t)st->cash_in_collected, 8);
	w_int(&w, (uint64_t)st->service_cmd | (uint64_t)st->door_open << 1, 8);
	for (int i = 0; i < LAST_MAX; i++)
		w_int(&w, (uint64_t)st->last_ms[i], 8);
	w_int(&w, (uint64_t)st->mdb.to_tubes, 8);
	w_int(&w, (uint64_t)st->mdb.to_box, 8);
	for (int i = 0; i < 16; i++)
		w_int(&w, st->mdb.coins[i], 8);
	w_int(&w, (uint64_t)st->mdb.change_paid, 8);
	w_int(&w, (uint64_t)st->mdb.owed, 8);
	w_int(&w, (uint64_t)st->mdb.overpaid, 8);
	w_int(&w, st->mdb.payouts, 8);
	w_int(&w, st->mdb.short_payouts, 8);
	w_int(&w, st->mdb.payout_active, 4);
	w_int(&w, st->mdb.payout_id, 4);
	w_int(&w, (uint64_t)st->mdb.payout_amount, 8);
	w_notes_cards(&w, &st->mdb);
	w_int(&w, st->nproducts, 4);
	for (uint32_t i = 0; i < st->nproducts; i++)
		w_product(&w, &st->product[i]);
	w_int(&w, ledger_crc32(buf, w.off), 4);
	return w.off;
}

/* Decode one product of a snapshot of version v; NULL, or why it is invalid. */
static const char *
snap_decode_product(struct rcur *r, struct ledger_product *p, int v)
{
	const uint8_t	*id = r->p + r->off;

	if (r->len - r->off < VENDD_ID_MAX)
		return "product cut short";
	if (memchr(id, 0, VENDD_ID_MAX) == NULL || id[0] == 0)
		return "product id empty or not terminated";
	memcpy(p->id, id, VENDD_ID_MAX);
	r->off += VENDD_ID_MAX;
	p->stock = (int32_t)(uint32_t)r_int(r, 4);
	p->state = (uint8_t)r_int(r, 1);
	p->retired = (uint8_t)r_int(r, 1);
	p->has_price = (uint8_t)r_int(r, 1);
	r_int(r, 1);
	p->paid_vends = r_int(r, 8);
	p->paid_value = (int64_t)r_int(r, 8);
	p->failed_vends = r_int(r, 8);
	p->sold_out = r_int(r, 8);
	if (v >= 2) {
		p->price = (int64_t)r_int(r, 8);
		p->test_vends = r_int(r, 8);
		p->reset.paid_vends = r_int(r, 8);
		p->reset.paid_value = (int64_t)r_int(r, 8);
		p->reset.test_vends = r_int(r, 8);
		p->reset.failed_vends = r_int(r, 8);
		p->reset.sold_out = r_int(r, 8);
	}
	if (p->stock < 0 || p->state > PRODUCT_OUT_OF_ORDER || p->retired > 1)
		return "product stock, state or retired flag out of range";
	if (p->has_price > 1 || p->price < 0 || (!p->has_price && p->price))
		return "product price out of range";
	return NULL;
}

/* Read the machine's counters: version 1's, and version 2's when v >= 2. */
static void
r_counters(struct rcur *r, struct ledger_counters *c, int v)
{
	c->cash_in = (int64_t)r_int(r, 8);
	for (int i = 0; i <= VENDD_MAX_PULSES; i++)
		c->coins[i] = r_int(r, 8);
	c->paid_vends = r_int(r, 8);
	c->paid_value = (int64_t)r_int(r, 8);
	c->failed_vends = r_int(r, 8);
	c->sold_out_selections = r_int(r, 8);
	c->unknown_coins = r_int(r, 8);
	c->noise_pulses = r_int(r, 8);
	c->coin_faults = r_int(r, 8);
	c->compressor_starts = r_int(r, 8);
	c->compressor_run_s = r_int(r, 8);
	c->sensor_faults = r_int(r, 8);
	c->startups = r_int(r, 8);
	c->unresolved_settled = r_int(r, 8);
	if (v < 2)
		return;
	c->test_vends = r_int(r, 8);
	c->door_openings = r_int(r, 8);
	c->service_entries = r_int(r, 8);
	c->collections = r_int(r, 8);
	c->collected_value = (int64_t)r_int(r, 8);
	c->price_changes = r_int(r, 8);
	c->audit_resets = r_int(r, 8);
}

/* Decode the fixed part of a snapshot body (everything but products). */
static void
snap_decode_fixed(struct rcur *r, struct ledger_state *st, int v)
{
	uint64_t	flags;

	st->seq = r_int(r, 8);
	st->credit = (int64_t)r_int(r, 8);
	st->pending.active = (uint8_t)r_int(r, 1);
	st->pending.product = (uint8_t)r_int(r, 1);
	st->pending.test = (uint8_t)r_int(r, 1);
	r_int(r, 1);
	st->pending.vend_id = (uint32_t)r_int(r, 4);
	st->pending.price = (int64_t)r_int(r, 8);
	r_counters(r, &st->c, v);
	if (v >= 2) {
		r_counters(r, &st->reset, v);
		st->cash_in_collected = (int64_t)r_int(r, 8);
		flags = r_int(r, 8);
		st->service_cmd = (uint8_t)(flags & 1);
		st->door_open = (uint8_t)(flags >> 1 & 1);
		if (flags > 3)
			st->service_cmd = 2;	/* refused by the caller */
		for (int i = 0; i < LAST_MAX; i++)
			st->last_ms[i] = (int64_t)r_int(r, 8);
		st->mdb.to_tubes = (int64_t)r_int(r, 8);
		st->mdb.to_box = (int64_t)r_int(r, 8);
		for (int i = 0; i < 16; i++)
			st->mdb.coins[i] = (uint32_t)r_int(r, 8);
		st->mdb.change_paid = (int64_t)r_int(r, 8);
		st->mdb.owed = (int64_t)r_int(r, 8);
		st->mdb.overpaid = (int64_t)r_int(r, 8);
		st->mdb.payouts = r_int(r, 8);
		st->mdb.short_payouts = r_int(r, 8);
		st->mdb.payout_active = (uint8_t)r_int(r, 4);
		st->mdb.payout_id = (uint32_t)r_int(r, 4);
		st->mdb.payout_amount = (int64_t)r_int(r, 8);
		if (v >= 3)
			r_notes_cards(r, &st->mdb);
		else if (st->c.audit_resets > 0)	/* tubes since: unknown */
			st->mdb.reset.to_tubes = st->mdb.to_tubes;
	} else {
		/* before collections and resets: all since the beginning */
		st->cash_in_collected = 0;
	}
	st->nproducts = (uint32_t)r_int(r, 4);
}

/*
 * The collection mark and the reset bases can only be what the counters
 * once were: never above them, never negative. NULL, or what is not so.
 */
static const char *
snap_check_bases(const struct ledger_state *st)
{
	const struct ledger_counters *c = &st->c, *b = &st->reset;

	if (st->cash_in_collected < 0 || st->cash_in_collected > c->cash_in ||
	    c->collected_value != st->cash_in_collected)
		return "collection mark out of range";
	if (b->cash_in < 0 || b->cash_in > c->cash_in || b->paid_value < 0 ||
	    b->paid_value > c->paid_value || b->paid_vends > c->paid_vends ||
	    b->test_vends > c->test_vends || b->failed_vends > c->failed_vends)
		return "reset base above the counters";
	if (st->mdb.to_tubes < 0 || st->mdb.to_box < 0 ||
	    st->mdb.to_tubes > c->cash_in - st->mdb.to_box)
		return "MDB coin values out of range";
	if (st->mdb.change_paid < 0 || st->mdb.owed < 0 ||
	    st->mdb.overpaid < 0 || st->mdb.payout_active > 1 ||
	    st->mdb.payout_amount < 0 ||
	    (!st->mdb.payout_active && st->mdb.payout_amount) ||
	    st->mdb.change_paid > c->cash_in - st->mdb.owed)
		return "MDB payout values out of range";
	return NULL;
}

/* Whether two products of the state share an id (remap needs them unique). */
static int
snap_duplicate_id(const struct ledger_state *st, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(st->product[i].id, st->product[n].id) == 0)
			return 1;
	return 0;
}

/* A note in escrow and a card vend asked as the records leave them. */
static const char *
snap_check_notes_cards(const struct ledger_state *st)
{
	const struct ledger_mdb *d = &st->mdb;

	if (d->escrow_active > 1 || (d->escrow_active && (d->escrow_type >= 16
	    || d->escrow_stack > 1 || d->escrow_value <= 0)))
		return "note in escrow out of range";
	if (d->card_asked > 1 || (d->card_asked && (d->card_product >= st->nproducts || st->pending.active)))
		return "card vend asked out of range";
	if (d->notes_in < 0 || d->card_value < 0 || d->card_refunded < 0)
		return "note or card totals out of range";
	if (d->reset.to_tubes < 0 || d->reset.to_tubes > d->to_tubes ||
	    d->reset.notes_in < 0 || d->reset.notes_in > d->notes_in ||
	    d->reset.card_value < 0 || d->reset.card_value > d->card_value ||
	    d->reset.card_vends > d->card_vends)
		return "MDB reset bases above their counters";
	if (d->payout_paid < 0 || (!d->payout_active && d->payout_paid))
		return "payout paid so far out of range";
	return NULL;
}

/* Decode a snapshot file's bytes: the pure half of ledger_open. */
int
ledger_decode_snapshot(const void *buf, size_t len, struct ledger_state *st,
    char *err, size_t errlen)
{
	const uint8_t	*b = buf;
	struct rcur	 r = { b, len, 0, 0 };
	const char	*why;
	uint64_t	 body, fixed, prod;
	int		 v;

	memset(st, 0, sizeof(*st));
#define SNAP_FAIL(off, ...) do {					\
	snprintf(err, errlen, __VA_ARGS__);				\
	snprintf(err + strlen(err), errlen - strlen(err),		\
	    " (offset %zu)", (size_t)(off));				\
	return -1;							\
} while (0)
	if (len < SNAP_HDR || memcmp(b, SNAP_MAGIC, 8) != 0)
		SNAP_FAIL(0, "not a snapshot: bad magic");
	r.off = 8;
	v = (int)r_int(&r, 4);
	if (v < 1 || v > SNAP_VERSION)
		SNAP_FAIL(8, "unknown snapshot version %u",
		    (unsigned)get_le(b + 8, 4));
	fixed = v == 1 ? SNAP_FIXED1 : v == 2 ? SNAP_FIXED2 : SNAP_FIXED;
	prod = v == 1 ? SNAP_PRODUCT1 : SNAP_PRODUCT;
	body = r_int(&r, 4);
	if (body < fixed || len != SNAP_HDR + body + 4)
		SNAP_FAIL(12, "snapshot length %llu does not match file size "
		    "%zu", (unsigned long long)body, len);
	if (get_le(b + len - 4, 4) != ledger_crc32(b, len - 4))
		SNAP_FAIL(len - 4, "bad snapshot CRC");
	r.len = len - 4;
	snap_decode_fixed(&r, st, v);
	if (st->nproducts > SNAP_NMAX ||
	    body != fixed + (uint64_t)st->nproducts * prod)
		SNAP_FAIL(SNAP_HDR + fixed - 4, "snapshot has %u "
		    "products, length %llu", st->nproducts,
		    (unsigned long long)body);
	if (st->credit < 0 || st->pending.active > 1 || st->pending.price < 0 ||
	    st->pending.test > PENDING_CARD || st->service_cmd > 1 ||
	    (st->pending.test == PENDING_TEST && (st->pending.price != 0 ||
	    !st->pending.active)) ||
	    (st->pending.active && st->pending.product >= st->nproducts))
		SNAP_FAIL(SNAP_HDR + 8, "credit or pending vend out of range");
	if ((why = snap_check_bases(st)) != NULL ||
	    (why = snap_check_notes_cards(st)) != NULL)
		SNAP_FAIL(SNAP_HDR + 8, "%s", why);
	for (uint32_t i = 0; i < st->nproducts; i++) {
		size_t	off = r.off;

		if ((why = snap_decode_product(&r, &st->product[i], v)) != NULL)
			SNAP_FAIL(off, "product %u: %s", i, why);
		if (snap_duplicate_id(st, i))
			SNAP_FAIL(off, "product %u: duplicate id", i);
	}
	if (r.bad || r.off != r.len)
		SNAP_FAIL(r.off, "snapshot body cut short");
#undef SNAP_FAIL
	return 0;
}

