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

/* Journal record: 48 bytes, little-endian, CRC-32 over the first 44; bytes
 * 32..39 the wall-clock time in ms (0 in records older than the field). */
#define JREC_MAGIC	0x4a444e56u	/* "VNDJ" */
#define JREC_SIZE	48
#define JREC_CRC_OFF	44

/* Snapshot: header, body (fixed part + products), CRC-32 over all before. */
#define SNAP_MAGIC	"VENDDSNP"
#define SNAP_VERSION	3		/* 1, 2 are still read: new fields 0 */
#define SNAP_HDR	16		/* magic 8, version 4, body length 4 */
#define SNAP_COUNTERS1	(8 * (1 + VENDD_MAX_PULSES + 1) + 8 * 12)
#define SNAP_COUNTERS	(SNAP_COUNTERS1 + 8 * 7)
#define SNAP_FIXED1	(8 + 8 + 16 + SNAP_COUNTERS1 + 4)
#define SNAP_FIXED2	(8 + 8 + 16 + 2 * SNAP_COUNTERS + 8 + 8 + \
			 8 * LAST_MAX + 8 * 18 + 8 * 5 + 16 + 4)
#define SNAP_NOTES_CARDS	(8 * 5 + 8 * 7 + 8 * 5)	/* version 3's */
#define SNAP_FIXED	(SNAP_FIXED2 + SNAP_NOTES_CARDS)
#define SNAP_PRODUCT1	(VENDD_ID_MAX + 4 + 4 + 8 * 4)
#define SNAP_PRODUCT	(SNAP_PRODUCT1 + 8 + 8 + 8 * 5)
#define SNAP_NMAX	(2 * VENDD_MAX_PRODUCTS)
#define SNAP_MAX	(SNAP_HDR + SNAP_FIXED + SNAP_NMAX * SNAP_PRODUCT + 4)

/* One journal record, decoded. */
struct jrec {
	uint16_t	type;
	uint16_t	product;
	uint64_t	seq;
	int64_t		value;
	uint32_t	vend_id;
	uint32_t	count;
	int64_t		time_ms;	/* wall clock; not replayed into the state */
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
#define LEDGER_START_RECORDS	5	/* a payout's end, a note's, a card
					 * vend's, a settlement, the start */
int		 ledger_start_records(const struct ledger_state *,
		    struct jrec rec[LEDGER_START_RECORDS]);
int		 ledger_products_same(const struct ledger_state *,
		    const struct ledger_state *);

/* Money that went to the cash box, lifetime (not an MDB changer's tubes). */
int64_t		 ledger_box_in(const struct ledger_state *);
/* The effective price of config product i: the operator's, or the INI's. */
int64_t		 ledger_price(const struct ledger_state *, const struct config *,
		    int i);

/* ledger_store.c: the files. */
int		 ledger_append(struct ledger *, const struct jrec *, int money,
		    uint32_t *op);
int		 ledger_compact(struct ledger *);
int		 ledger_compact_due(const struct ledger *);
int		 ledger_journal_fill(struct ledger *);

/* ledger.c: the disk failed at op: fault mode (logged once). */
void		 ledger_fault_set(struct ledger *, uint32_t op, int err);

/* ledger_operator.c: the operator's records (price, collection, service
 * mode, audit reset): like ledger.c's, for the messages it does not know. */
const char	*ledger_operator_record(const struct ledger *,
		    const struct msg *, struct jrec *);
int		 ledger_operator_bad(struct ledger *, const struct msg *,
		    struct outbox *);
int		 ledger_operator_refuse(const struct ledger *,
		    const struct msg *, struct outbox *);
void		 ledger_operator_forward(const struct ledger *,
		    const struct msg *, const struct jrec *, struct outbox *);
uint32_t	 ledger_audit_token(const struct ledger_state *, uint32_t n);
void		 ledger_show_counters(const struct ledger *, struct outbox *);

/* ledger_mdb.c: a bill validator's notes and a cashless reader's vends. */
const char	*ledger_mdb_record(const struct ledger *, const struct msg *,
		    struct jrec *);
const char	*jrec_check_mdb(const struct ledger_state *,
		    const struct jrec *);
void		 jrec_apply_mdb(struct ledger_state *, const struct jrec *);
int		 ledger_mdb_forward(const struct ledger *, const struct msg *,
		    const struct jrec *, struct outbox *);
int		 ledger_mdb_refuse(const struct msg *, struct outbox *);
int		 ledger_mdb_start_records(const struct ledger_state *,
		    uint64_t seq, struct jrec *);

/* ledger_events.c: the event log beside the journal. */
#define LEDGER_EVENTS		"events"
#define LEDGER_EVENTS_OLD	"events.old"
#define EVENTS_ROTATE		100000	/* records per file; two are kept */
#define EVENT_SIZE		96	/* record 48, product id 32, CRC 4, 0s */
extern uint64_t	 ledger_events_rotate;	/* EVENTS_ROTATE; tests lower it */
int64_t		 ledger_now_ms(void);
void		 ledger_events_open(struct ledger *);
void		 ledger_events_close(struct ledger *);
int		 ledger_events_catch_up(struct ledger *);
void		 ledger_events_add(struct ledger *, const struct jrec *);
void		 ledger_events_sync(struct ledger *);
int		 ledger_events_read(const struct ledger *, uint64_t after,
		    struct msg_event *out, int max, uint64_t *dropped);

#endif
