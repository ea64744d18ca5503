/*
 * ledger: the durable state (credit, stock, out-of-order columns, the pending
 * vend, audit counters) and the only code that writes STATE_DIR.
 *
 * Storage: a journal of fixed-size records plus a snapshot.
 * - The journal makes the hot path cheap: one event is one 48-byte record
 *   copied into a shared mapping of the journal file and msync'd (durable
 *   when msync returns), never a rewrite of the whole state. The file is
 *   preallocated with written zeros (LEDGER_JOURNAL_CHUNK at a time), so a
 *   record changes no file size or block map: its sync is the data alone,
 *   with no filesystem journal commit, and on the vend's path it is a copy
 *   and one small system call instead of the write path. Each record
 *   carries a magic, a monotonic seq, its fields and a CRC-32, so replay
 *   can tell a record cut by a power cut (the torn end, never
 *   acknowledged: dropped) from real corruption (refused, file left as it
 *   is for a human).
 * - The journal's records are the run of consecutive seqs after the
 *   snapshot's, from offset 0. They end at the first slot that is blank
 *   (never written), torn, or older than the snapshot (left from before
 *   the last compaction, which only resets the append point). After that
 *   end, a record newer than the state is corruption.
 * - The snapshot bounds replay time and carries the product ids, so the
 *   config may reorder or drop products between runs. It is written to
 *   snapshot.tmp, fsync'd, renamed over snapshot, and the directory fsync'd;
 *   only then does the journal start again at offset 0, overwriting records
 *   the snapshot covers. The snapshot records the seq it covers and replay
 *   skips records at or below it, so a crash anywhere in between never
 *   applies a record twice.
 * - Compaction runs at every open and every LEDGER_COMPACT_EVERY records,
 *   the latter after the message's answers went out (ledger_tidy): a vend
 *   never waits for a snapshot's fsyncs.
 *   Journal records name products by their index in the snapshot's order;
 *   that order changes only at open, where the new snapshot is written
 *   before any record is appended, so an index always means what it meant
 *   when its record was written.
 * - Everything on disk is little-endian, encoded field by field.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "trace.h"

#define LEDGER_COMPACT_EVERY	4096	/* journal records between snapshots */
#define LEDGER_JOURNAL		"journal"
#define LEDGER_SNAPSHOT		"snapshot"
#define LEDGER_SNAPSHOT_TMP	"snapshot.tmp"
#define LEDGER_JOURNAL_MAX	(341 * LEDGER_JOURNAL_CHUNK)	/* ~64 MiB: larger
						 * is not ours, refused */
/* The journal grows by this much (zeros, fsync'd): the records between two
 * compactions, in whole pages. */
#define LEDGER_JOURNAL_CHUNK	((size_t)LEDGER_COMPACT_EVERY * JREC_SIZE)

/* Journal record: 48 bytes, little-endian, CRC-32 over the first 44. */
#define JREC_MAGIC	0x4a444e56u	/* "VNDJ" */
#define JREC_SIZE	48
#define JREC_CRC_OFF	44

/* Snapshot: header, body (fixed part + products), CRC-32 over all before. */
#define SNAP_MAGIC	"VENDDSNP"
#define SNAP_VERSION	1
#define SNAP_HDR	16		/* magic 8, version 4, body length 4 */
#define SNAP_FIXED	(8 + 8 + 16 + 8 * (1 + VENDD_MAX_PULSES + 1) + \
			 8 * 12 + 4)
#define SNAP_PRODUCT	(VENDD_ID_MAX + 4 + 4 + 8 * 4)
#define SNAP_NMAX	(2 * VENDD_MAX_PRODUCTS)
#define SNAP_MAX	(SNAP_HDR + SNAP_FIXED + SNAP_NMAX * SNAP_PRODUCT + 4)

/* Record types: the on-disk numbers, never renumbered. */
enum jrec_type {
	JR_COIN = 1,		/* value, count = pulses */
	JR_UNKNOWN_COIN,	/* count = pulses */
	JR_NOISE,		/* count = pulses */
	JR_COIN_FAULT,		/* count = width_ms */
	JR_RESERVE,		/* vend_id, product, value = price */
	JR_COMMIT,		/* vend_id, product, value = price */
	JR_RESTORE,		/* vend_id, product, value = price */
	JR_SOLD_OUT,		/* product */
	JR_RESTOCK,		/* product, value = stock, count = clear_fault */
	JR_COOL_START,
	JR_COOL_STOP,		/* value = run_s */
	JR_SENSOR_FAULT,	/* count = kind */
	JR_STARTUP,
	JR_SETTLE,		/* vend_id, product, value = price */
	JR_MAX
};

/* One journal record, decoded. */
struct jrec {
	uint16_t	type;
	uint16_t	product;
	uint64_t	seq;
	int64_t		value;
	uint32_t	vend_id;
	uint32_t	count;
};

/* CRC-32 (IEEE, reflected 0xEDB88320), a nibble at a time: 16-entry table. */
static uint32_t
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
static uint64_t
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
static void
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
	put_le(b + JREC_CRC_OFF, ledger_crc32(b, JREC_CRC_OFF), 4);
}

/* Decode 48 bytes; NULL, or why they are not a whole record. */
static const char *
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
	return NULL;
}

/* The pending vend a COMMIT, RESTORE or SETTLE must name exactly. */
static const char *
jrec_check_resolve(const struct ledger_state *st, const struct jrec *r)
{
	const struct ledger_pending *pv = &st->pending;

	if (!pv->active || pv->product >= st->nproducts)
		return "vend resolved but none pending";
	if (r->vend_id != pv->vend_id || r->product != pv->product ||
	    r->value != pv->price)
		return "vend resolved does not match the pending one";
	return NULL;
}

/*
 * Whether a record can apply to this state: NULL, or why not. Every bound
 * apply relies on is checked here, so a replayed record can never index out
 * of range or overflow money.
 */
static const char *
jrec_check(const struct ledger_state *st, const struct jrec *r)
{
	int64_t	t;

	switch (r->type) {
	case JR_COIN:
		if (r->value <= 0 || r->count > VENDD_MAX_PULSES)
			return "coin value or pulse count out of range";
		if (__builtin_add_overflow(st->credit, r->value, &t) ||
		    __builtin_add_overflow(st->c.cash_in, r->value, &t))
			return "coin overflows the credit";
		return NULL;
	case JR_RESERVE:
		if (st->pending.active)
			return "vend reserved while another is pending";
		if (r->product >= st->nproducts)
			return "vend of a product out of range";
		if (r->value < 0 || r->value > st->credit)
			return "vend price above the credit";
		return NULL;
	case JR_COMMIT:
		if (st->pending.active && r->product < st->nproducts &&
		    (__builtin_add_overflow(st->c.paid_value, r->value, &t) ||
		    __builtin_add_overflow(st->product[r->product].paid_value,
		    r->value, &t)))
			return "paid value overflows";
		return jrec_check_resolve(st, r);
	case JR_RESTORE:
	case JR_SETTLE:
		if (__builtin_add_overflow(st->credit, r->value, &t))
			return "restored credit overflows";
		return jrec_check_resolve(st, r);
	case JR_SOLD_OUT:
		return r->product < st->nproducts ? NULL :
		    "sold-out product out of range";
	case JR_RESTOCK:
		if (r->product >= st->nproducts)
			return "restocked product out of range";
		if (r->value < 0 || r->value > INT32_MAX || r->count > 1)
			return "restock level out of range";
		return NULL;
	case JR_COOL_STOP:
		return r->value >= 0 && r->value <= UINT32_MAX ? NULL :
		    "compressor run time out of range";
	case JR_UNKNOWN_COIN:
	case JR_NOISE:
	case JR_COIN_FAULT:
	case JR_COOL_START:
	case JR_SENSOR_FAULT:
	case JR_STARTUP:
		return NULL;
	}
	return "unknown record type";
}

/* Clear the pending vend, keeping its id so vend ids keep rising. */
static void
ledger_pending_clear(struct ledger_state *st)
{
	st->pending.active = 0;
	st->pending.product = 0;
	st->pending.price = 0;
}

/*
 * Apply a record jrec_check accepted: the one place the state changes. The
 * records that touch a product were checked in range; the modulo only keeps
 * the pointer inside the array for the others.
 */
static void
jrec_apply(struct ledger_state *st, const struct jrec *r)
{
	struct ledger_product *p = &st->product[r->product % SNAP_NMAX];

	switch (r->type) {
	case JR_COIN:
		st->credit += r->value;
		st->c.cash_in += r->value;
		st->c.coins[r->count]++;
		break;
	case JR_UNKNOWN_COIN:
		st->c.unknown_coins++;
		break;
	case JR_NOISE:
		st->c.noise_pulses += r->count;
		break;
	case JR_COIN_FAULT:
		st->c.coin_faults++;
		break;
	case JR_RESERVE:
		st->credit -= r->value;
		st->pending.active = 1;
		st->pending.product = (uint8_t)r->product;
		st->pending.vend_id = r->vend_id;
		st->pending.price = r->value;
		break;
	case JR_COMMIT:
		if (p->stock > 0)
			p->stock--;
		p->paid_vends++;
		p->paid_value += r->value;
		st->c.paid_vends++;
		st->c.paid_value += r->value;
		ledger_pending_clear(st);
		break;
	case JR_RESTORE:
		st->credit += r->value;
		p->failed_vends++;
		p->state = PRODUCT_OUT_OF_ORDER;
		st->c.failed_vends++;
		ledger_pending_clear(st);
		break;
	case JR_SETTLE:
		/*
		 * A vend cut by our own crash: we cannot know whether the
		 * product fell, so the customer gets the price back in full.
		 * The column stays as it was: the failure was ours, not the
		 * column's, and a power cut must not take columns out of
		 * service. unresolved_settled lets the audit see it.
		 */
		st->credit += r->value;
		st->c.unresolved_settled++;
		ledger_pending_clear(st);
		break;
	case JR_SOLD_OUT:
		p->sold_out++;
		st->c.sold_out_selections++;
		break;
	case JR_RESTOCK:
		p->stock = (int32_t)r->value;
		if (r->count)
			p->state = PRODUCT_OK;
		break;
	case JR_COOL_START:
		st->c.compressor_starts++;
		break;
	case JR_COOL_STOP:
		st->c.compressor_run_s += (uint64_t)r->value;
		break;
	case JR_SENSOR_FAULT:
		st->c.sensor_faults++;
		break;
	case JR_STARTUP:
		st->c.startups++;
		break;
	}
	st->seq = r->seq;
}

/* Zeros: what a blank journal is compared against and written from. */
static const uint8_t	ledger_zero[4096];

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

/*
 * Replay a journal's bytes onto st: the pure half of ledger_open. The
 * records are the run of consecutive seqs after st's; records st already
 * has are skipped. The run ends at a blank slot, a torn one, or an older
 * record; past that end only blank slots and older records may follow.
 * 0, or 1 if the end was a torn record (never acknowledged: dropped, at
 * *good_len); -1 with a message for corruption.
 */
int
ledger_replay(const void *buf, size_t len, struct ledger_state *st,
    size_t *good_len, char *err, size_t errlen)
{
	const uint8_t	*b = buf;
	const char	*why, *torn = NULL;
	struct jrec	 r;
	size_t		 off, n, end = SIZE_MAX;
	int		 live = 0;

	*good_len = 0;
	if (st->nproducts > SNAP_NMAX) {
		snprintf(err, errlen, "state has %u products (offset 0)",
		    st->nproducts);
		return -1;
	}
	for (off = 0; off < len; off += JREC_SIZE) {
		n = len - off < JREC_SIZE ? len - off : JREC_SIZE;
		if (jrec_blank(b + off, n)) {
			if (end == SIZE_MAX)
				end = off;
			if (n == JREC_SIZE)	/* the loop adds the last one */
				off += jrec_blank_run(b + off, len - off) -
				    JREC_SIZE;
			continue;
		}
		/* Past the end, a record older than the state needs no CRC: it
		 * is not applied either way (this keeps a start short). */
		if (end != SIZE_MAX && n == JREC_SIZE &&
		    get_le(b + off, 4) == JREC_MAGIC &&
		    get_le(b + off + 8, 8) <= st->seq)
			continue;
		why = n < JREC_SIZE ? "short record" : jrec_decode(b + off, &r);
		if (why != NULL) {
			if (end != SIZE_MAX) {
				snprintf(err, errlen, "%s after the journal's "
				    "end at offset %zu (offset %zu)", why, end,
				    off);
				return -1;
			}
			end = off;
			torn = why;
			continue;
		}
		if (r.seq <= st->seq) {		/* the snapshot has it */
			if (live && end == SIZE_MAX)
				end = off;
			continue;
		}
		if (end != SIZE_MAX) {
			snprintf(err, errlen, "record seq %llu after the "
			    "journal's end at offset %zu%s%s (offset %zu)",
			    (unsigned long long)r.seq, end, torn ? ": " : "",
			    torn ? torn : "", off);
			return -1;
		}
		if (r.seq != st->seq + 1) {
			snprintf(err, errlen, "record seq %llu, expected %llu "
			    "(offset %zu)", (unsigned long long)r.seq,
			    (unsigned long long)st->seq + 1, off);
			return -1;
		}
		if ((why = jrec_check(st, &r)) != NULL) {
			snprintf(err, errlen, "record seq %llu type %u: %s "
			    "(offset %zu)", (unsigned long long)r.seq, r.type,
			    why, off);
			return -1;
		}
		jrec_apply(st, &r);
		live = 1;
	}
	*good_len = end == SIZE_MAX ? len : end;
	return torn != NULL;
}

/* Encode the state as a snapshot file's bytes; returns the length. */
static size_t
ledger_encode_snapshot(const struct ledger_state *st, uint8_t *buf)
{
	struct wcur	 w = { buf, 0 };
	const struct ledger_counters *c = &st->c;

	memcpy(buf, SNAP_MAGIC, 8);
	w.off = 8;
	w_int(&w, SNAP_VERSION, 4);
	w_int(&w, SNAP_FIXED + (size_t)st->nproducts * SNAP_PRODUCT, 4);
	w_int(&w, st->seq, 8);
	w_int(&w, (uint64_t)st->credit, 8);
	w_int(&w, st->pending.active, 1);
	w_int(&w, st->pending.product, 1);
	w_int(&w, 0, 2);
	w_int(&w, st->pending.vend_id, 4);
	w_int(&w, (uint64_t)st->pending.price, 8);
	w_int(&w, (uint64_t)c->cash_in, 8);
	for (int i = 0; i <= VENDD_MAX_PULSES; i++)
		w_int(&w, c->coins[i], 8);
	w_int(&w, c->paid_vends, 8);
	w_int(&w, (uint64_t)c->paid_value, 8);
	w_int(&w, c->failed_vends, 8);
	w_int(&w, c->sold_out_selections, 8);
	w_int(&w, c->unknown_coins, 8);
	w_int(&w, c->noise_pulses, 8);
	w_int(&w, c->coin_faults, 8);
	w_int(&w, c->compressor_starts, 8);
	w_int(&w, c->compressor_run_s, 8);
	w_int(&w, c->sensor_faults, 8);
	w_int(&w, c->startups, 8);
	w_int(&w, c->unresolved_settled, 8);
	w_int(&w, st->nproducts, 4);
	for (uint32_t i = 0; i < st->nproducts; i++) {
		const struct ledger_product *p = &st->product[i];

		memset(buf + w.off, 0, VENDD_ID_MAX);
		memcpy(buf + w.off, p->id, strnlen(p->id, VENDD_ID_MAX - 1));
		w.off += VENDD_ID_MAX;
		w_int(&w, (uint32_t)p->stock, 4);
		w_int(&w, p->state, 1);
		w_int(&w, p->retired, 1);
		w_int(&w, 0, 2);
		w_int(&w, p->paid_vends, 8);
		w_int(&w, (uint64_t)p->paid_value, 8);
		w_int(&w, p->failed_vends, 8);
		w_int(&w, p->sold_out, 8);
	}
	w_int(&w, ledger_crc32(buf, w.off), 4);
	return w.off;
}

/* Decode one product of a snapshot; NULL, or why it is invalid. */
static const char *
snap_decode_product(struct rcur *r, struct ledger_product *p)
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
	r_int(r, 2);
	p->paid_vends = r_int(r, 8);
	p->paid_value = (int64_t)r_int(r, 8);
	p->failed_vends = r_int(r, 8);
	p->sold_out = r_int(r, 8);
	if (p->stock < 0 || p->state > PRODUCT_OUT_OF_ORDER || p->retired > 1)
		return "product stock, state or retired flag out of range";
	return NULL;
}

/* Decode the fixed part of a snapshot body (everything but products). */
static void
snap_decode_fixed(struct rcur *r, struct ledger_state *st)
{
	struct ledger_counters *c = &st->c;

	st->seq = r_int(r, 8);
	st->credit = (int64_t)r_int(r, 8);
	st->pending.active = (uint8_t)r_int(r, 1);
	st->pending.product = (uint8_t)r_int(r, 1);
	r_int(r, 2);
	st->pending.vend_id = (uint32_t)r_int(r, 4);
	st->pending.price = (int64_t)r_int(r, 8);
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
	st->nproducts = (uint32_t)r_int(r, 4);
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

/* Decode a snapshot file's bytes: the pure half of ledger_open. */
int
ledger_decode_snapshot(const void *buf, size_t len, struct ledger_state *st,
    char *err, size_t errlen)
{
	const uint8_t	*b = buf;
	struct rcur	 r = { b, len, 0, 0 };
	const char	*why;
	uint64_t	 body;

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
	if (r_int(&r, 4) != SNAP_VERSION)
		SNAP_FAIL(8, "unknown snapshot version %u",
		    (unsigned)get_le(b + 8, 4));
	body = r_int(&r, 4);
	if (body < SNAP_FIXED || len != SNAP_HDR + body + 4)
		SNAP_FAIL(12, "snapshot length %llu does not match file size "
		    "%zu", (unsigned long long)body, len);
	if (get_le(b + len - 4, 4) != ledger_crc32(b, len - 4))
		SNAP_FAIL(len - 4, "bad snapshot CRC");
	r.len = len - 4;
	snap_decode_fixed(&r, st);
	if (st->nproducts > SNAP_NMAX ||
	    body != SNAP_FIXED + (uint64_t)st->nproducts * SNAP_PRODUCT)
		SNAP_FAIL(SNAP_HDR + SNAP_FIXED - 4, "snapshot has %u "
		    "products, length %llu", st->nproducts,
		    (unsigned long long)body);
	if (st->credit < 0 || st->pending.active > 1 || st->pending.price < 0 ||
	    (st->pending.active && st->pending.product >= st->nproducts))
		SNAP_FAIL(SNAP_HDR + 8, "credit or pending vend out of range");
	for (uint32_t i = 0; i < st->nproducts; i++) {
		size_t	off = r.off;

		if ((why = snap_decode_product(&r, &st->product[i])) != NULL)
			SNAP_FAIL(off, "product %u: %s", i, why);
		if (snap_duplicate_id(st, i))
			SNAP_FAIL(off, "product %u: duplicate id", i);
	}
	if (r.bad || r.off != r.len)
		SNAP_FAIL(r.off, "snapshot body cut short");
#undef SNAP_FAIL
	return 0;
}

/* A fresh machine: every configured column full and in order, no credit. */
static void
ledger_fresh(struct ledger_state *st, const struct config *cf)
{
	memset(st, 0, sizeof(*st));
	st->nproducts = (uint32_t)cf->nproducts;
	for (int i = 0; i < cf->nproducts; i++) {
		snprintf(st->product[i].id, VENDD_ID_MAX, "%s",
		    cf->product[i].id);
		st->product[i].stock = cf->product[i].capacity;
	}
}

/* Whether a product has counters an audit would miss if it were dropped. */
static int
ledger_product_used(const struct ledger_product *p)
{
	return p->paid_vends || p->paid_value || p->failed_vends ||
	    p->sold_out;
}

/*
 * Put the products in the config's order: config products first (new ones
 * full), then those the config dropped, retired with their counters. If the
 * table overflows, retired columns without counters go first.
 */
static void
ledger_remap(struct ledger_state *st, const struct config *cf)
{
	struct ledger_product	 np[SNAP_NMAX];
	uint8_t			 used[SNAP_NMAX] = { 0 };
	uint32_t		 n = 0, j;

	memset(np, 0, sizeof(np));
	for (int i = 0; i < cf->nproducts; i++, n++) {
		for (j = 0; j < st->nproducts; j++)
			if (!used[j] && strcmp(st->product[j].id,
			    cf->product[i].id) == 0)
				break;
		if (j < st->nproducts) {
			np[n] = st->product[j];
			np[n].retired = 0;
			used[j] = 1;
			continue;
		}
		snprintf(np[n].id, VENDD_ID_MAX, "%s", cf->product[i].id);
		np[n].stock = cf->product[i].capacity;
		log_info("product %s is new: stock %d", np[n].id, np[n].stock);
	}
	for (int pass = 1; pass >= 0; pass--) {
		for (j = 0; j < st->nproducts; j++) {
			if (used[j] || ledger_product_used(&st->product[j]) !=
			    pass)
				continue;
			if (n == SNAP_NMAX) {
				log_warnx("retired product %s dropped: no room",
				    st->product[j].id);
				continue;
			}
			if (!st->product[j].retired)
				log_info("product %s left the config: retired, "
				    "counters kept", st->product[j].id);
			np[n] = st->product[j];
			np[n++].retired = 1;
		}
	}
	memcpy(st->product, np, sizeof(np));
	st->nproducts = n;
}

/* write() all of buf, retrying short writes and EINTR. */
static int
ledger_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write the snapshot atomically: tmp, fsync, rename, fsync the dir. */
static int
ledger_write_snapshot(struct ledger *l)
{
	uint8_t	 buf[SNAP_MAX];
	size_t	 len = ledger_encode_snapshot(&l->st, buf);
	int	 fd;

	fd = openat(l->dirfd, LEDGER_SNAPSHOT_TMP,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (ledger_write_all(fd, buf, len) == -1 || fsync(fd) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1 ||
	    renameat(l->dirfd, LEDGER_SNAPSHOT_TMP, l->dirfd,
	    LEDGER_SNAPSHOT) == -1 || fsync(l->dirfd) == -1)
		return -1;
	return 0;
}

/*
 * A copy into the mapping that the disk cannot take (an I/O error reading
 * a page back, no space on a filesystem that allocates at write) is a
 * SIGBUS, not an error return. The handler names the journal, then the
 * process dies of the signal as it would have. The message is formatted at
 * ledger_init, before the threads start; the flag is the faulting thread's.
 */
static __thread volatile sig_atomic_t ledger_copying;
static char	ledger_bus_msg[VENDD_PATH_MAX + 160];
static size_t	ledger_bus_len;

/* SIGBUS: say so if it hit the ledger's copy into its journal. */
static void
ledger_sigbus(int sig)
{
	ssize_t	n = 0;

	if (ledger_copying && ledger_bus_len > 0)
		n = write(STDERR_FILENO, ledger_bus_msg, ledger_bus_len);
	(void)n;	/* nothing more to do in a dying handler */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Unmap the journal's pages: they stay in the file, not in our RSS. */
static void
ledger_journal_trim(struct ledger *l, size_t upto)
{
	if (upto > l->journal_trimmed &&
	    madvise(l->journal_map + l->journal_trimmed,
	    upto - l->journal_trimmed, MADV_DONTNEED) == 0)
		l->journal_trimmed = upto;
}

/*
 * Snapshot the state; the journal then starts again at offset 0. What it
 * held is cleared to zeros, so the next start reads a blank tail (fast to
 * skip) rather than thousands of old records; if that fails or is cut by a
 * crash, the old records are only slower to skip, never applied.
 */
static int
ledger_compact(struct ledger *l)
{
	size_t	dirty;

	if (ledger_write_snapshot(l) == -1)
		return -1;
	l->journal_records = 0;
	if (l->journal_map == NULL)
		return 0;
	if ((dirty = l->journal_dirty) > 0) {
		dirty = (dirty + l->page_size - 1) & ~(l->page_size - 1);
		ledger_copying = 1;
		memset(l->journal_map, 0, l->journal_dirty);
		ledger_copying = 0;
		if (msync(l->journal_map, dirty, MS_SYNC) == 0)
			l->journal_dirty = 0;
		else
			log_warn("%s/%s: clearing after a compaction",
			    l->cf->state_dir, LEDGER_JOURNAL);
	}
	/* all of it: the clearing mapped the pages trimmed before again */
	madvise(l->journal_map, l->journal_cap, MADV_DONTNEED);
	l->journal_trimmed = 0;
	return 0;
}

/* Write zeros to the journal from its size up to cap, and fsync them. */
static int
ledger_journal_zero(struct ledger *l, size_t from, size_t cap)
{
	ssize_t	n;

	while (from < cap) {
		n = pwrite(l->journal_fd, ledger_zero, cap - from <
		    sizeof(ledger_zero) ? cap - from : sizeof(ledger_zero),
		    (off_t)from);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		from += (size_t)n;
	}
	return fsync(l->journal_fd);
}

/* Give the journal cap bytes of written zeros and map them all. */
static int
ledger_journal_grow(struct ledger *l, size_t cap)
{
	struct stat	 sb;
	void		*map;

	if (cap > LEDGER_JOURNAL_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (fstat(l->journal_fd, &sb) == -1)
		return -1;
	if ((size_t)sb.st_size < cap &&
	    ledger_journal_zero(l, (size_t)sb.st_size, cap) == -1)
		return -1;
	if (l->journal_map == NULL)
		map = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
		    l->journal_fd, 0);
	else
		map = mremap(l->journal_map, l->journal_cap, cap,
		    MREMAP_MAYMOVE);
	if (map == MAP_FAILED)
		return -1;
	l->journal_map = map;
	l->journal_cap = cap;
	return 0;
}

/* Append one record and make it durable before anyone acts on it. */
static int
ledger_append(struct ledger *l, const struct jrec *r)
{
	uint8_t	b[JREC_SIZE];
	size_t	off = l->journal_records * JREC_SIZE, page;

	jrec_encode(r, b);
	if (off + JREC_SIZE > l->journal_cap &&
	    ledger_journal_grow(l, l->journal_cap + LEDGER_JOURNAL_CHUNK) == -1)
		return -1;
	trace_mark("jwrite", 0, 0);
	/* Durable once msync returns: the page or two the record is on. */
	ledger_copying = 1;
	memcpy(l->journal_map + off, b, sizeof(b));
	ledger_copying = 0;
	page = off & ~(l->page_size - 1);
	if (msync(l->journal_map + page, off + JREC_SIZE - page, MS_SYNC) == -1)
		return -1;
	trace_mark("jwritten", 0, 0);
	l->journal_records++;
	if (off + JREC_SIZE > l->journal_dirty)
		l->journal_dirty = off + JREC_SIZE;
	return 0;
}

/* mkdir -p with mode 0750 for the parts that are missing. */
static int
ledger_mkdirs(const char *path)
{
	char	buf[VENDD_PATH_MAX];
	size_t	len = strlen(path);

	if (len == 0 || len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST)
			return -1;
		buf[i] = path[i];
	}
	return 0;
}

/* Read a whole file at dirfd/name into a malloc'd buffer; -1 with errno. */
static int
ledger_read_file(int fd, size_t max, uint8_t **out, size_t *outlen)
{
	struct stat	 sb;
	uint8_t		*buf;
	size_t		 len = 0;
	ssize_t		 n;

	if (fstat(fd, &sb) == -1)
		return -1;
	if ((uint64_t)sb.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		return -1;
	while (len < (size_t)sb.st_size) {
		n = pread(fd, buf + len, (size_t)sb.st_size - len, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			if (n == 0)
				errno = EIO;	/* shrank under us */
			return -1;
		}
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Load the snapshot, or a fresh state if there is none: 0, 1 fresh, -1. */
static int
ledger_load_snapshot(struct ledger *l, char *err, size_t errlen)
{
	const char	*dir = l->cf->state_dir;
	uint8_t		*buf;
	size_t		 len;
	char		 why[200];
	int		 fd, rc;

	fd = openat(l->dirfd, LEDGER_SNAPSHOT, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		ledger_fresh(&l->st, l->cf);
		return 1;
	}
	if (fd == -1 || ledger_read_file(fd, SNAP_MAX, &buf, &len) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_SNAPSHOT,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	rc = ledger_decode_snapshot(buf, len, &l->st, why, sizeof(why));
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_SNAPSHOT, why);
		return -1;
	}
	return 0;
}

/* Replay the journal; a torn last record is cut off, corruption refused. */
static int
ledger_load_journal(struct ledger *l, char *err, size_t errlen)
{
	const char	*dir = l->cf->state_dir;
	uint8_t		*buf;
	size_t		 len, good, used;
	char		 why[200];
	int		 rc;

	if (ledger_read_file(l->journal_fd, LEDGER_JOURNAL_MAX, &buf,
	    &len) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_JOURNAL,
		    strerror(errno));
		return -1;
	}
	rc = ledger_replay(buf, len, &l->st, &good, why, sizeof(why));
	/* what the compaction at open clears: up to the last byte in use */
	used = len;
	while (used >= sizeof(ledger_zero) && memcmp(buf + used -
	    sizeof(ledger_zero), ledger_zero, sizeof(ledger_zero)) == 0)
		used -= sizeof(ledger_zero);
	while (used > 0 && buf[used - 1] == 0)
		used--;
	l->journal_dirty = used;
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_JOURNAL, why);
		return -1;
	}
	if (rc == 1) {
		/* Zeroed at commit, so it cannot look torn again later. */
		l->torn_at = good;
		l->torn_len = (good + JREC_SIZE < len ? good + JREC_SIZE :
		    len) - good;
	}
	l->journal_records = 0;
	return 0;
}

/*
 * Settle a vend our crash left unresolved, count the start-up, and reorder.
 * These are applied like records but persisted by the compaction that
 * follows, atomically with the new product order.
 */
static void
ledger_start(struct ledger *l)
{
	struct ledger_pending *pv = &l->st.pending;
	struct jrec	 r;

	if (pv->active) {
		memset(&r, 0, sizeof(r));
		r.type = JR_SETTLE;
		r.seq = l->st.seq + 1;
		r.vend_id = pv->vend_id;
		r.product = pv->product;
		r.value = pv->price;
		log_warnx("vend %u of %s unresolved at start: credit restored",
		    pv->vend_id, l->st.product[pv->product].id);
		if (jrec_check(&l->st, &r) == NULL)
			jrec_apply(&l->st, &r);
		else
			ledger_pending_clear(&l->st);
	}
	memset(&r, 0, sizeof(r));
	r.type = JR_STARTUP;
	r.seq = l->st.seq + 1;
	jrec_apply(&l->st, &r);
	ledger_remap(&l->st, l->cf);
}

/* Map the whole journal, first giving it at least a chunk of zeros. */
static int
ledger_journal_map(struct ledger *l)
{
	struct stat	sb;
	size_t		cap;

	if (fstat(l->journal_fd, &sb) == -1)
		return -1;
	cap = ((size_t)sb.st_size + LEDGER_JOURNAL_CHUNK - 1) /
	    LEDGER_JOURNAL_CHUNK * LEDGER_JOURNAL_CHUNK;
	return ledger_journal_grow(l, cap ? cap : LEDGER_JOURNAL_CHUNK);
}

/* Open the state directory and restore the state, writing nothing. */
int
ledger_prepare(struct ledger *l, const struct config *cf, char *err,
    size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->cf = cf;
	l->dirfd = l->journal_fd = -1;
	l->page_size = (size_t)sysconf(_SC_PAGESIZE);
	l->dirfd = open(cf->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd == -1 && errno == ENOENT) {
		/* a fresh machine: commit creates the directory */
		ledger_fresh(&l->st, l->cf);
		l->fresh = 1;
		return 0;
	}
	if (l->dirfd == -1) {
		snprintf(err, errlen, "%s: %s", cf->state_dir,
		    strerror(errno));
		return -1;
	}
	if ((l->fresh = ledger_load_snapshot(l, err, errlen)) == -1)
		return -1;
	/*
	 * A journal without a snapshot means the snapshot was lost: starting
	 * from zero would silently drop credit and counters. A fresh machine
	 * writes its snapshot before its journal exists, so a crash during the
	 * very first start leaves a state this check accepts.
	 */
	if (l->fresh && faccessat(l->dirfd, LEDGER_JOURNAL, F_OK, 0) == 0) {
		snprintf(err, errlen, "%s/%s exists but %s/%s is missing: "
		    "refusing to start from an empty ledger (move both away "
		    "to start a fresh machine)", cf->state_dir, LEDGER_JOURNAL,
		    cf->state_dir, LEDGER_SNAPSHOT);
		return -1;
	}
	if (l->fresh)
		return 0;
	l->journal_fd = openat(l->dirfd, LEDGER_JOURNAL, O_RDWR | O_CLOEXEC);
	if (l->journal_fd == -1 && errno == ENOENT)
		return 0;	/* created at commit */
	if (l->journal_fd == -1) {
		snprintf(err, errlen, "%s/%s: %s", cf->state_dir,
		    LEDGER_JOURNAL, strerror(errno));
		return -1;
	}
	return ledger_load_journal(l, err, errlen);
}

/* Create what is missing, settle, count the start-up, and compact. */
int
ledger_commit(struct ledger *l, char *err, size_t errlen)
{
	const struct config	*cf = l->cf;

	if (l->dirfd == -1 && (ledger_mkdirs(cf->state_dir) == -1 ||
	    (l->dirfd = open(cf->state_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)) {
		snprintf(err, errlen, "%s: %s", cf->state_dir,
		    strerror(errno));
		return -1;
	}
	if (l->fresh && ledger_write_snapshot(l) == -1) {
		snprintf(err, errlen, "%s/%s: %s", cf->state_dir,
		    LEDGER_SNAPSHOT, strerror(errno));
		return -1;
	}
	if (l->journal_fd == -1 && (l->journal_fd = openat(l->dirfd,
	    LEDGER_JOURNAL, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		snprintf(err, errlen, "%s/%s: %s", cf->state_dir,
		    LEDGER_JOURNAL, strerror(errno));
		return -1;
	}
	if (l->torn_len > 0) {
		log_warnx("%s/%s: torn last record dropped (offset %zu, never "
		    "acknowledged)", cf->state_dir, LEDGER_JOURNAL, l->torn_at);
		if (ledger_journal_zero(l, l->torn_at, l->torn_at +
		    l->torn_len) == -1) {
			snprintf(err, errlen, "%s/%s: clearing the torn record: "
			    "%s", cf->state_dir, LEDGER_JOURNAL, strerror(errno));
			return -1;
		}
		l->torn_len = 0;
	}
	if (ledger_journal_map(l) == -1) {
		snprintf(err, errlen, "%s/%s: preparing: %s", cf->state_dir,
		    LEDGER_JOURNAL, strerror(errno));
		return -1;
	}
	ledger_start(l);
	if (ledger_compact(l) == -1) {
		snprintf(err, errlen, "%s: compacting: %s", cf->state_dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Both steps at once: tests and tools. */
int
ledger_open(struct ledger *l, const struct config *cf, char *err,
    size_t errlen)
{
	if (ledger_prepare(l, cf, err, errlen) == -1 ||
	    ledger_commit(l, err, errlen) == -1) {
		ledger_close(l);
		return -1;
	}
	return 0;
}

/* Close the files; the state on disk is already complete. */
void
ledger_close(struct ledger *l)
{
	if (l->journal_map != NULL)
		munmap(l->journal_map, l->journal_cap);
	l->journal_map = NULL;
	if (l->journal_fd != -1)
		close(l->journal_fd);
	if (l->dirfd != -1)
		close(l->dirfd);
	l->journal_fd = l->dirfd = -1;
}

/* A message's money in the config's format, for log lines. */
static const char *
ledger_money(const struct ledger *l, int64_t v, char *buf, size_t len)
{
	config_format_money(v, l->cf->decimals, buf, len);
	return buf;
}

/* A reservation sales should never send: the ledger and sales disagree. */
static const char *
ledger_check_reserve(const struct ledger *l, const struct msg_vend *v)
{
	char	a[32], b[32];

	if (l->st.pending.active) {
		log_warnx("vend %u refused: vend %u still pending", v->vend_id,
		    l->st.pending.vend_id);
		return "busy";
	}
	if (v->product >= (uint32_t)l->cf->nproducts)
		return "product out of range";
	if (v->price != l->cf->product[v->product].price)
		return "price differs from the config";
	/*
	 * Stock and out-of-order are sales' rules, not money: a restock to 0
	 * may cross a reservation sales made from its older view. The arm
	 * decides (an empty column fails the drop and refunds); a commit
	 * never takes stock below zero.
	 */
	if (v->price > l->st.credit) {
		log_warnx("vend %u refused: credit %s < price %s", v->vend_id,
		    ledger_money(l, l->st.credit, a, sizeof(a)),
		    ledger_money(l, v->price, b, sizeof(b)));
		return "low credit";
	}
	return NULL;
}

/* Turn an inbox message into a journal record; NULL, or why it is a bug. */
static const char *
ledger_record(const struct ledger *l, const struct msg *m, struct jrec *r)
{
	const struct ledger_pending *pv = &l->st.pending;
	const struct msg_restock *rs = &m->u.restock;
	const char	*why;

	memset(r, 0, sizeof(*r));
	switch (m->hdr.type) {
	case MSG_COIN_INSERTED:
		r->type = JR_COIN;
		r->value = m->u.coin.value;
		r->count = m->u.coin.pulses;
		return NULL;
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
		r->type = m->hdr.type == MSG_COIN_UNKNOWN ? JR_UNKNOWN_COIN :
		    m->hdr.type == MSG_COIN_NOISE ? JR_NOISE : JR_COIN_FAULT;
		r->count = m->hdr.type == MSG_COIN_FAULT ?
		    m->u.count.width_ms : m->u.count.count;
		return NULL;
	case MSG_VEND_RESERVE:
		if ((why = ledger_check_reserve(l, &m->u.vend)) != NULL)
			return why;
		r->type = JR_RESERVE;
		r->vend_id = m->u.vend.vend_id;
		r->product = (uint16_t)m->u.vend.product;
		r->value = m->u.vend.price;
		return NULL;
	case MSG_ARM_DONE:
		if (!pv->active || m->u.vend.vend_id != pv->vend_id ||
		    m->u.vend.product != pv->product)
			return "does not match the pending vend";
		r->type = m->u.vend.ok ? JR_COMMIT : JR_RESTORE;
		r->vend_id = pv->vend_id;
		r->product = pv->product;
		r->value = pv->price;
		return NULL;
	case MSG_VEND_SOLD_OUT:
		if (m->u.select.product >= (uint32_t)l->cf->nproducts)
			return "product out of range";
		r->type = JR_SOLD_OUT;
		r->product = (uint16_t)m->u.select.product;
		return NULL;
	case MSG_RESTOCK:
		if (rs->product >= (uint32_t)l->cf->nproducts ||
		    rs->stock < -1 ||
		    rs->stock > l->cf->product[rs->product].capacity)
			return "product or stock out of range";
		r->type = JR_RESTOCK;
		r->product = (uint16_t)rs->product;
		r->value = rs->stock == -1 ?
		    l->cf->product[rs->product].capacity : rs->stock;
		r->count = rs->clear_fault != 0;
		return NULL;
	case MSG_COOL_START:
		r->type = JR_COOL_START;
		return NULL;
	case MSG_COOL_STOP:
		r->type = JR_COOL_STOP;
		r->value = m->u.cool.run_s;
		return NULL;
	case MSG_COOL_SENSOR_FAULT:
		r->type = JR_SENSOR_FAULT;
		r->count = m->u.cool.kind;
		return NULL;
	}
	return "not a ledger message";
}

/* What flows on once a record is durable. */
static void
ledger_forward(const struct ledger *l, const struct msg *m,
    const struct jrec *r, struct outbox *ob)
{
	struct msg_credit	 c;
	struct msg_vend		 v;
	struct msg_restock	 rs;

	switch (r->type) {
	case JR_COIN:
		memset(&c, 0, sizeof(c));
		c.value = r->value;
		c.credit = l->st.credit;
		outbox_put(ob, PROC_SALES, MSG_CREDIT_ADDED, &c, sizeof(c));
		break;
	case JR_RESERVE:
		outbox_put(ob, PROC_ARM, MSG_ARM_DISPENSE, &m->u.vend,
		    sizeof(m->u.vend));
		break;
	case JR_COMMIT:
	case JR_RESTORE:
		v = m->u.vend;
		v.price = r->value;
		v.ok = r->type == JR_COMMIT;
		outbox_put(ob, PROC_SALES, MSG_VEND_RESULT, &v, sizeof(v));
		break;
	case JR_RESTOCK:
		memset(&rs, 0, sizeof(rs));
		rs.product = r->product;
		rs.stock = (int32_t)r->value;
		rs.clear_fault = r->count;
		outbox_put(ob, PROC_SALES, MSG_RESTOCKED, &rs, sizeof(rs));
		break;
	}
}

/* One inbox message: journal (durable), apply, forward. */
int
ledger_handle(struct ledger *l, const struct msg *m, struct outbox *ob)
{
	struct jrec	 r;
	const char	*why;

	if ((why = ledger_record(l, m, &r)) == NULL) {
		r.seq = l->st.seq + 1;
		why = jrec_check(&l->st, &r);
	}
	if (why != NULL) {
		log_warnx("%s from %s refused: %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src), why);
		errno = EINVAL;
		return -1;
	}
	if (ledger_append(l, &r) == -1)
		return -1;
	jrec_apply(&l->st, &r);
	if (r.type == JR_RESTORE)
		log_warnx("vend %u failed: %s out of order, price restored",
		    r.vend_id, l->st.product[r.product].id);
	ledger_forward(l, m, &r, ob);
	return 0;
}

/* Fold a long journal into the snapshot, once the answers are sent. */
int
ledger_tidy(struct ledger *l)
{
	uint64_t	after = l->compact_after ? l->compact_after :
			    LEDGER_COMPACT_EVERY;

	ledger_journal_trim(l, (l->journal_records * JREC_SIZE) &
	    ~(l->page_size - 1));
	if (l->journal_records < after)
		return 0;
	if (ledger_compact(l) == -1) {
		l->compact_after = l->journal_records + LEDGER_COMPACT_EVERY;
		return -1;
	}
	l->compact_after = 0;
	return 0;
}

/* What vendctl status shows: counters of the configured columns. */
void
ledger_status(const struct ledger *l, struct msg_status_ledger *s)
{
	memset(s, 0, sizeof(*s));
	s->seq = l->st.seq;
	s->credit = l->st.credit;
	s->c = l->st.c;
	s->nproducts = (uint32_t)l->cf->nproducts;
	for (int i = 0; i < l->cf->nproducts && i < VENDD_MAX_PRODUCTS; i++) {
		s->product[i].paid_vends = l->st.product[i].paid_vends;
		s->product[i].paid_value = l->st.product[i].paid_value;
		s->product[i].failed_vends = l->st.product[i].failed_vends;
		s->product[i].sold_out = l->st.product[i].sold_out;
	}
}

/* The thread shell's state: the ledger this thread opened, used by it only. */
static struct ledger *ledger_self;

/* One message from the inbox; a failed disk write is fatal. */
static void
ledger_dispatch(struct proc *p, const struct msg *m)
{
	struct msg_status_ledger st;
	struct outbox		 ob;

	switch (m->hdr.type) {
	case MSG_STATUS_REQ:
		ledger_status(ledger_self, &st);
		proc_send(p, m->hdr.src, MSG_STATUS_LEDGER, m->hdr.id, &st,
		    sizeof(st));
		break;
	case MSG_COIN_INSERTED:
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
	case MSG_VEND_RESERVE:
	case MSG_ARM_DONE:
	case MSG_VEND_SOLD_OUT:
	case MSG_RESTOCK:
	case MSG_COOL_START:
	case MSG_COOL_STOP:
	case MSG_COOL_SENSOR_FAULT:
		outbox_init(&ob);
		if (ledger_handle(ledger_self, m, &ob) == -1)
			fatal("ledger: %s from %s", msg_type_name(m->hdr.type),
			    proc_name(m->hdr.src));
		proc_send_outbox(p, &ob);
		/* not fatal: the answers are out, and nothing is lost */
		if (ledger_tidy(ledger_self) == -1)
			log_warn("ledger: compacting %s failed, the journal "
			    "grows; next try in %d records",
			    ledger_self->cf->state_dir, LEDGER_COMPACT_EVERY);
		break;
	default:
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/* Make p the ledger's thread around a ledger already opened (committed). */
void
ledger_init(struct proc *p, struct ledger *l)
{
	struct sigaction	sa;
	int			n;

	ledger_self = l;
	n = snprintf(ledger_bus_msg, sizeof(ledger_bus_msg), "%s[ledger]: "
	    "SIGBUS writing %s/%s: the disk failed or is full; the record "
	    "was not acknowledged\n", program_invocation_short_name,
	    l->cf->state_dir, LEDGER_JOURNAL);
	ledger_bus_len = n > 0 && (size_t)n < sizeof(ledger_bus_msg) ?
	    (size_t)n : 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ledger_sigbus;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) == -1)
		fatal("ledger: sigaction SIGBUS");
	proc_init(p, PROC_LEDGER, "ledger", ledger_dispatch);
}
