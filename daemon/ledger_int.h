/*
 * The ledger's parts, shared by its files and by nothing else: the on-disk
 * formats (ledger_codec.c), the rules a record follows (ledger_rules.c), the
 * store of files (ledger_store.c). Other activities include ledger.h only.
 */
#ifndef LEDGER_INT_H
#define LEDGER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ledger.h"

#define LEDGER_JOURNAL		"journal"
#define LEDGER_SNAPSHOT		"snapshot"
#define LEDGER_SNAPSHOT_TMP	"snapshot.tmp"
#define LEDGER_JOURNAL_MAX	(64 << 20)	/* bytes; larger is not ours: refused */
#define LEDGER_PAGE		4096	/* the journal grows in whole pages */
/*
 * Journal slots past compact_records, preallocated: room for what may still
 * arrive once a compaction fails and sales blocks the acceptor (a coin in
 * flight, the pending vend's outcome, counters) and for the records of a
 * start on a full disk. Its last LEDGER_MONEY_RESERVE slots take money
 * records only (coins, vend outcomes, settlements), never counters.
 */
#define LEDGER_RESERVE		256
#define LEDGER_MONEY_RESERVE	64

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
	JR_RESTORE,		/* vend_id, product, value = price: no drop */
	JR_SOLD_OUT,		/* product */
	JR_RESTOCK,		/* product, value = stock, count = clear_fault */
	JR_COOL_START,
	JR_COOL_STOP,		/* value = run_s */
	JR_SENSOR_FAULT,	/* count = kind */
	JR_STARTUP,
	JR_SETTLE,		/* vend_id, product, value = price: unresolved
				 * at start, or stopped by vendd before the drop */
	JR_BLOCKED,		/* vend_id, product, value = price: the drop
				 * beam was broken, the motor did not run */
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

/* ledger_codec.c: the formats, pure. */
uint32_t	 ledger_crc32(const void *, size_t);
uint64_t	 get_le(const uint8_t *, int);
void		 jrec_encode(const struct jrec *, uint8_t b[JREC_SIZE]);
const char	*jrec_decode(const uint8_t b[JREC_SIZE], struct jrec *);
size_t		 ledger_encode_snapshot(const struct ledger_state *, uint8_t *buf);
extern const uint8_t ledger_zero[4096];

/* ledger_rules.c: what a record may do to a state, and the start-up. */
const char	*jrec_check(const struct ledger_state *, const struct jrec *);
void		 jrec_apply(struct ledger_state *, const struct jrec *);
void		 ledger_pending_clear(struct ledger_state *);
void		 ledger_fresh(struct ledger_state *, const struct config *);
void		 ledger_remap(struct ledger_state *, const struct config *);
int		 ledger_start_records(const struct ledger_state *,
		    struct jrec rec[2]);
int		 ledger_products_same(const struct ledger_state *,
		    const struct ledger_state *);

/* ledger_store.c: the files. */
int		 ledger_append(struct ledger *, const struct jrec *, int money,
		    uint32_t *op);
int		 ledger_compact(struct ledger *);
int		 ledger_compact_due(const struct ledger *);
int		 ledger_journal_fill(struct ledger *);

/* ledger.c: the disk failed at op: fault mode (logged once). */
void		 ledger_fault_set(struct ledger *, uint32_t op, int err);

#endif
