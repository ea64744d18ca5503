/* vendd: limits and the state that the ledger persists, shared by the activities. */
#ifndef VENDD_H
#define VENDD_H

#include <stdint.h>

#define VENDD_MAX_PRODUCTS	99	/* selections: codes 1..99 on a keypad */
#define VENDD_MAX_PULSES	20	/* longest coin pulse train in the value table */
#define VENDD_CODE_MAX		4	/* selection code ("12"), NUL included */
#define VENDD_ID_MAX		32	/* product id ("cola"), NUL included */
#define VENDD_LABEL_MAX		32	/* product label ("Cola 0.33l"), NUL included */
#define VENDD_LINE_NAME_MAX	64	/* line name or CHIP:OFFSET, NUL included */
#define VENDD_PATH_MAX		256	/* state_dir, sensor path */
#define VENDD_SOCK_MAX		108	/* sizeof(sun_path) */

/* The activities, one thread each; also the index of each one's inbox. */
enum proc_id {
	PROC_MAIN = 0,
	PROC_COIN,
	PROC_PANEL,
	PROC_SALES,
	PROC_ARM,
	PROC_COOLING,
	PROC_LEDGER,
	PROC_CONTROL,
	PROC_MDB,		/* payment peripherals on the MDB bus */
	PROC_DISPLAY,		/* from here on: outside the heartbeat (main.c) */
	PROC_KEYPAD,
	PROC_MAX
};

/* Why a column cannot sell; the ledger persists it, sales acts on it. */
enum product_state {
	PRODUCT_OK = 0,
	PRODUCT_OUT_OF_ORDER = 1,	/* a vend failed: the technician must look */
};

/* Why a vend did not sell (0: it sold); the credit is restored in every case. */
enum vend_why {
	VEND_WHY_NO_DROP = 1,		/* no drop in every attempt: column out of order */
	VEND_WHY_BEAM_BLOCKED,		/* the drop beam was already broken: no motor run */
	VEND_WHY_STOPPED,		/* vendd stopped before the product dropped */
	VEND_WHY_REFUSED,		/* the ledger could not record the reservation */
	VEND_WHY_PRICE_CHANGED,		/* the price changed before it was reserved */
	VEND_WHY_CARD_DENIED,		/* the cashless reader denied it */
};

/* Why service mode changed (a JR_SERVICE record, MSG_SERVICE). */
enum service_why {
	SERVICE_DOOR = 1,	/* the door switch */
	SERVICE_COMMAND,	/* vendctl service on|off */
};

/* What the ledger failed to do, for MSG_LEDGER_FAULT and vendctl status. */
enum ledger_op {
	LEDGER_OP_NONE = 0,
	LEDGER_OP_COMPACT,		/* writing the snapshot */
	LEDGER_OP_RECORD,		/* writing or syncing a journal record */
	LEDGER_OP_GROW,			/* making room in the journal */
};

/* A vend the ledger reserved but that arm has not resolved yet. */
/* What pays for the pending vend. */
enum pending_kind {
	PENDING_CASH = 0,	/* the credit: the price left it */
	PENDING_TEST,		/* a service-mode test vend: no money */
	PENDING_CARD,		/* a card the cashless reader approved */
};

struct ledger_pending {
	uint8_t		active;
	uint8_t		product;
	uint8_t		test;		/* enum pending_kind */
	uint32_t	vend_id;
	int64_t		price;
};

/* A column's counters at the last audit reset (DEX "since reset" = now - these). */
struct ledger_product_base {
	uint64_t	paid_vends;
	int64_t		paid_value;
	uint64_t	test_vends;
	uint64_t	failed_vends;
	uint64_t	sold_out;
};

/* Audit counters of one column (EVA-DTS PA1, PA2, PA3), its price, its stock. */
struct ledger_product {
	char		id[VENDD_ID_MAX];
	int32_t		stock;
	uint8_t		state;		/* enum product_state */
	uint8_t		retired;	/* no longer in the config; counts kept */
	uint8_t		has_price;	/* price set by the operator, else the INI's */
	int64_t		price;		/* has_price: minor units */
	uint64_t	paid_vends;
	int64_t		paid_value;
	uint64_t	failed_vends;
	uint64_t	sold_out;	/* selections of an empty column */
	uint64_t	test_vends;	/* service-mode test vends that dropped */
	struct ledger_product_base reset;
};

/* Machine-wide audit counters (EVA-DTS CA3, VA1, EA). */
struct ledger_counters {
	int64_t		cash_in;
	uint64_t	coins[VENDD_MAX_PULSES + 1];	/* by pulse count */
	uint64_t	paid_vends;
	int64_t		paid_value;
	uint64_t	failed_vends;
	uint64_t	sold_out_selections;
	uint64_t	unknown_coins;
	uint64_t	noise_pulses;
	uint64_t	coin_faults;
	uint64_t	compressor_starts;
	uint64_t	compressor_run_s;
	uint64_t	sensor_faults;
	uint64_t	startups;
	uint64_t	unresolved_settled;
	uint64_t	test_vends;		/* VA2 */
	uint64_t	door_openings;		/* EA2 */
	uint64_t	service_entries;	/* by door or command */
	uint64_t	collections;
	int64_t		collected_value;	/* reported at the collections */
	uint64_t	price_changes;
	uint64_t	audit_resets;
};

/* The MDB counters DEX reports since its reset, at that reset. */
struct ledger_mdb_base {
	int64_t		to_tubes;
	int64_t		notes_in;
	int64_t		card_value;
	uint64_t	card_vends;
};

/* What the MDB peripherals took and paid (EVA-DTS CA3, CA11, DA2). */
struct ledger_mdb {
	int64_t		to_tubes;		/* into the change tubes */
	int64_t		to_box;			/* into the cash box */
	uint32_t	coins[16];		/* by the changer's coin type */
	int64_t		change_paid;		/* change paid out (CA4) */
	int64_t		owed;			/* change the tubes could not pay:
						 * owed to customers */
	int64_t		overpaid;		/* paid beyond what was asked */
	uint64_t	payouts, short_payouts;
	/* the payout asked for and not yet confirmed (durable before the
	 * changer is told) */
	uint8_t		payout_active;
	uint8_t		card_asked;		/* a card vend asked, unanswered */
	uint8_t		card_product;
	uint8_t		escrow_active;		/* a note in escrow, decided */
	uint32_t	payout_id;
	int64_t		payout_amount;
	int64_t		payout_paid;		/* its steps' PAYOUT STATUS so far */
	/* a bill validator's notes: money once stacked, never in escrow */
	int64_t		notes_in;		/* stacked: in the cash box */
	uint64_t	notes;			/* stacked */
	uint64_t	notes_returned;		/* escrowed, given back */
	int64_t		escrow_value;
	/* a cashless reader's vends (not cash: not in cash_in) */
	uint64_t	card_vends;		/* sold, VEND SUCCESS */
	int64_t		card_value;
	uint64_t	card_failed;		/* approved, not sold: refunded */
	int64_t		card_refunded;
	uint64_t	card_denied;
	uint32_t	card_vend_id;
	struct ledger_mdb_base reset;		/* at the last audit reset */
	uint8_t		escrow_type;
	uint8_t		escrow_stack;		/* the decision: 1 stack */
};

/* Wall-clock times (ms since the epoch, 0: never) of the last events DEX reports. */
enum ledger_last {
	LAST_DOOR = 0,
	LAST_FAILED_VEND,
	LAST_SENSOR_FAULT,
	LAST_COIN_FAULT,
	LAST_MAX
};

/* Everything that survives a crash: the ledger's whole state. */
struct ledger_state {
	uint64_t		seq;		/* last journal record applied */
	int64_t			credit;
	struct ledger_pending	pending;
	uint32_t		nproducts;	/* config's products first, then retired */
	struct ledger_product	product[2 * VENDD_MAX_PRODUCTS];
	struct ledger_counters	c;
	struct ledger_counters	reset;		/* c at the last audit reset */
	int64_t			cash_in_collected; /* c.cash_in at the last collection */
	uint8_t			service_cmd;	/* vendctl service on: kept over a restart */
	uint8_t			door_open;	/* as last journalled (DEX EA2's "now") */
	int64_t			last_ms[LAST_MAX];	/* enum ledger_last */
	struct ledger_mdb	mdb;
};

#endif
