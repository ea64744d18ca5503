/*
 * The messages between vendd's activities. Every message is one write() of a
 * header and a fixed-size payload, at most PIPE_BUF bytes, so it never tears.
 * Values only: no pointers cross threads. Ranges group the types by sender.
 *
 * The path of a coin and of a sale (data flows forward, the ledger's fsync
 * sits on the path of everything that moves money):
 *
 *   COIN edge  -> coin -MSG_COIN_INSERTED-> ledger -MSG_CREDIT_ADDED-> sales
 *   panel -MSG_PANEL_SELECT / MSG_PANEL_VEND-> sales
 *   sales -MSG_VEND_RESERVE-> ledger -MSG_ARM_DISPENSE-> arm
 *   arm -MSG_ARM_DONE-> ledger -MSG_VEND_RESULT-> sales
 *   sales -MSG_COIN_INHIBIT-> coin;  arm -MSG_ARM_BUSY-> coin
 *   arm -MSG_ARM_BLOCKED-> sales;  ledger -MSG_LEDGER_FAULT-> sales
 *   cooling -MSG_COOL_*-> ledger
 *   control -MSG_RESTOCK-> ledger -MSG_RESTOCKED-> sales, -MSG_RESTOCK_DONE-> control
 *   control -MSG_STATUS_REQ-> owners -MSG_STATUS_*-> control
 *   keypad -MSG_PANEL_SELECT / VEND / CANCEL-> sales
 *   sales, keypad, cooling -MSG_SHOW-> display (what the customer sees)
 *
 * The operator's (service mode, prices, collection, audit, events):
 *   panel -MSG_DOOR-> sales;  control -MSG_SERVICE-> sales -MSG_SERVICE_DONE->
 *   control;  sales -MSG_SERVICE_REC-> ledger (journalled)
 *   control -MSG_TEST_VEND-> sales -MSG_VEND_RESERVE (test)-> ledger -> arm
 *   -> ledger -> sales -MSG_TEST_VEND_DONE-> control
 *   control -MSG_PRICE_SET-> ledger -MSG_PRICE-> sales, -MSG_PRICE_DONE-> control
 *   control -MSG_COLLECT-> ledger -MSG_COLLECT_DONE-> control
 *   control -MSG_AUDIT_REQ-> ledger -MSG_AUDIT, MSG_AUDIT_PRODUCTS-> control
 *   control -MSG_AUDIT_RESET-> ledger -MSG_AUDIT_RESET_DONE-> control
 *   control -MSG_EVENTS_REQ-> ledger -MSG_EVENTS-> control; -MSG_EVENTS_NEW->
 *   control once records follow a request that found none (--follow)
 */
#ifndef MSG_H
#define MSG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vendd.h"

enum msg_type {
	MSG_INVALID = 0,

	/* lifecycle, main -> every activity: 1-9 */
	MSG_STOP = 1,		/* finish the work in hand, outputs safe, end the loop */
	MSG_PING,		/* main -> activity: heartbeat for the watchdog */
	MSG_PONG,		/* activity -> main */
	MSG_ABORT,		/* main -> arm: stop now, even mid-vend */

	/* coin: 10-19 */
	MSG_COIN_INSERTED = 10,	/* coin -> ledger: a coin of a known value */
	MSG_COIN_UNKNOWN,	/* coin -> ledger: a train whose count has no value */
	MSG_COIN_NOISE,		/* coin -> ledger: pulses shorter than pulse_min_ms */
	MSG_COIN_FAULT,		/* coin -> ledger: pulse longer than pulse_max_ms */
	MSG_COIN_INHIBIT,	/* sales -> coin: block or free the acceptor */

	/* panel: 20-29 */
	MSG_PANEL_SELECT = 20,	/* panel -> sales: a selection button pressed */
	MSG_PANEL_VEND,		/* panel -> sales: the vend button pressed */
	MSG_PANEL_CANCEL,	/* keypad -> sales: clear or timeout: drop the
				 * product this keypad chose, if still chosen */
	MSG_PANEL_RETURN,	/* panel -> sales: the coin return button */

	/* sales and ledger: 30-39 */
	MSG_CREDIT_ADDED = 30,	/* ledger -> sales: a coin is durable */
	MSG_VEND_RESERVE,	/* sales -> ledger: a paid vend, price reserved */
	MSG_VEND_SOLD_OUT,	/* sales -> ledger: an empty column was chosen */
	MSG_VEND_RESULT,	/* ledger -> sales: committed or credit restored */
	MSG_LEDGER_FAULT,	/* ledger -> sales: records cannot be kept (on) or can again */

	/* arm: 40-49 */
	MSG_ARM_DISPENSE = 40,	/* ledger -> arm: the reservation is durable */
	MSG_ARM_DONE,		/* arm -> ledger: the cycle ended, ok or why not */
	MSG_ARM_BUSY,		/* arm -> coin: dispensing, block the acceptor */
	MSG_ARM_BLOCKED,	/* arm -> sales: a broken drop beam blocks dispensing, or no longer */

	/* cooling: 50-59 */
	MSG_COOL_START = 50,	/* cooling -> ledger: compressor started */
	MSG_COOL_STOP,		/* cooling -> ledger: compressor stopped */
	MSG_COOL_SENSOR_FAULT,	/* cooling -> ledger: sensor went bad */

	/* control <-> owners: 60-79 */
	MSG_STATUS_REQ = 60,	/* control -> owner, answered to hdr.src */
	MSG_STATUS_SALES,
	MSG_STATUS_LEDGER,
	MSG_STATUS_COOLING,
	MSG_STATUS_COIN,
	MSG_STATUS_ARM,
	MSG_RESTOCK,		/* control -> ledger: technician refilled a column */
	MSG_RESTOCKED,		/* ledger -> sales: the refill is durable */
	MSG_RESTOCK_DONE,	/* ledger -> control: durable, or why not (hdr.id) */

	/* display: 80-89 */
	MSG_SHOW = 80,		/* sales, keypad, cooling -> display: an event */

	/* the operator's: 90-119 */
	MSG_DOOR = 90,		/* panel -> sales: the door switch, on = open */
	MSG_SERVICE,		/* control -> sales: vendctl service on|off */
	MSG_SERVICE_DONE,	/* sales -> control: the mode now */
	MSG_SERVICE_REC,	/* sales -> ledger: journal a change of mode */
	MSG_TEST_VEND,		/* control -> sales: test-vend a column */
	MSG_TEST_VEND_DONE,	/* sales -> control: dropped, or why not */
	MSG_PRICE_SET,		/* control -> ledger: a new price or the INI's */
	MSG_PRICE,		/* ledger -> sales: the price is durable */
	MSG_PRICE_DONE,		/* ledger -> control: durable, or why not */
	MSG_COLLECT,		/* control -> ledger: the cash box was emptied */
	MSG_COLLECT_DONE,	/* ledger -> control: what should have been in it */
	MSG_AUDIT_REQ,		/* control -> ledger: the counters, for DEX */
	MSG_AUDIT,		/* ledger -> control: machine-wide counters */
	MSG_AUDIT_PRODUCTS,	/* ledger -> control: columns, in chunks */
	MSG_AUDIT_RESET,	/* control -> ledger: the report was read */
	MSG_AUDIT_RESET_DONE,	/* ledger -> control */
	MSG_EVENTS_REQ,		/* control -> ledger: events after a seq */
	MSG_EVENTS,		/* ledger -> control */
	MSG_EVENTS_NEW,		/* ledger -> control: more after an empty reply */

	/* MDB: 120-129 */
	MSG_MDB_COIN = 120,	/* mdb -> ledger: a changer took a coin */
	MSG_PAYOUT_REQ,		/* sales -> ledger: pay the credit as change */
	MSG_PAYOUT,		/* ledger -> mdb: it is durable: pay it */
	MSG_PAYOUT_DONE,	/* mdb -> ledger: what the changer paid */
	MSG_PAYOUT_RESULT,	/* ledger -> sales: paid, and owed, durable */
	MSG_CHANGER,		/* mdb -> sales: on bit 0 the changer online,
				 * bit 1 exact change only, bits 2, 3 the
				 * validator, the reader online */
	MSG_MDB_PRICE,		/* sales -> mdb: the cheapest price now */
	MSG_NOTE_ESCROW,	/* mdb -> ledger: a note in escrow, and
				 * whether change can be given for it */
	MSG_NOTE_DECIDED,	/* ledger -> mdb: the decision is durable */
	MSG_NOTE_DONE,		/* mdb -> ledger: stacked, or given back */
	MSG_CARD_SESSION,	/* mdb -> sales: a card session began (on)
				 * or ended */
	MSG_CARD_ENABLE,	/* sales -> mdb: sessions may begin, or not */
	MSG_CARD_END,		/* sales -> mdb: end the session, no vend */
	MSG_CARD_VEND,		/* ledger -> mdb: ask the reader (durable) */
	MSG_CARD_RESULT,	/* mdb -> ledger: approved (ok) or denied */
	MSG_CARD_DONE,		/* ledger -> mdb: the vend's end is durable:
				 * VEND SUCCESS (ok) or FAILURE */
	MSG_PAYOUT_STEP,	/* mdb -> ledger: what a payout paid so far */

	MSG_TYPE_MAX
};

struct msg_hdr {
	uint16_t	type;		/* enum msg_type */
	uint16_t	src;		/* enum proc_id of the sender */
	uint16_t	len;		/* payload bytes after the header */
	uint16_t	pad;
	uint32_t	seq;		/* per sender, for tracing */
	uint32_t	id;		/* request id: answers echo it */
};

struct msg_coin_inserted {
	int64_t		value;		/* minor units */
	uint32_t	pulses;
};

struct msg_coin_count {			/* UNKNOWN, NOISE, FAULT */
	uint32_t	count;		/* pulses in the train, or events */
	uint32_t	width_ms;	/* FAULT: the long pulse */
};

struct msg_flag {			/* COIN_INHIBIT, ARM_BUSY, ARM_BLOCKED */
	uint32_t	on;
};

struct msg_select {
	uint32_t	product;	/* index in the config */
};

struct msg_credit {			/* CREDIT_ADDED */
	int64_t		value;
	int64_t		credit;		/* ledger's credit after it */
};

struct msg_vend {			/* RESERVE, DISPENSE, DONE, RESULT */
	uint32_t	vend_id;
	uint32_t	product;
	int64_t		price;
	uint32_t	ok;		/* DONE, RESULT: the product dropped */
	uint32_t	attempts;	/* DONE */
	uint32_t	why;		/* not ok: enum vend_why */
	uint32_t	test;		/* a service-mode test vend: price 0 */
	uint32_t	card;		/* paid by the cashless reader's card */
	uint32_t	pad;
};

/*
 * MSG_LEDGER_FAULT: the ledger could not compact or write a record (a full
 * disk, an I/O error). While on, sales sells nothing and the acceptor is
 * blocked, so no coin arrives that could not be recorded.
 */
struct msg_ledger_fault {
	uint32_t	on;
	uint32_t	op;		/* enum ledger_op that failed */
	int32_t		err;		/* its errno */
	uint32_t	held;		/* records waiting for the disk */
};

struct msg_restock {			/* RESTOCK, RESTOCKED */
	uint32_t	product;
	int32_t		stock;		/* new level; -1: fill to capacity */
	uint32_t	clear_fault;	/* put an out-of-order column back */
	uint32_t	pad;
};

struct msg_restock_done {		/* RESTOCK_DONE, to the requester */
	uint32_t	product;
	int32_t		stock;		/* the level now durable */
	uint32_t	ok;
	int32_t		err;		/* not ok: errno (ENOSPC, EIO, EINVAL) */
};

struct msg_cool {			/* COOL_START, COOL_STOP, COOL_SENSOR_FAULT */
	uint32_t	run_s;		/* STOP: seconds it ran */
	uint32_t	kind;		/* SENSOR_FAULT: enum cool_sensor */
};

/*
 * The status replies of sales and the ledger carry their products in chunks
 * of MSG_STATUS_CHUNK, so a message does not grow with VENDD_MAX_PRODUCTS:
 * one MSG_STATUS_REQ is answered with msg_status_chunks(nproducts) messages,
 * in order (first = 0, 16, 32, ...), each repeating the machine-wide fields
 * under the request's id. control puts them back together.
 */
#define MSG_STATUS_CHUNK	16	/* products per status message */

struct msg_sales_product {
	int32_t		stock;
	uint32_t	state;		/* enum product_state */
	int64_t		price;		/* effective: the operator's or the INI's */
};

struct msg_status_sales {
	int64_t		credit;
	int32_t		selection;	/* -1: none */
	uint32_t	vend_pending;
	uint32_t	nproducts;	/* in the config: all chunks together */
	uint32_t	ledger_fault;	/* not selling: the ledger cannot record */
	uint32_t	arm_blocked;	/* not selling: the drop beam is broken */
	uint32_t	first;		/* config index of product[0] */
	uint32_t	count;		/* entries of product[] used */
	uint32_t	service;	/* service mode: 1 door open, 2 command */
	uint32_t	changer;	/* 1: an MDB changer online (change) */
	uint32_t	payout;		/* change being paid */
	uint32_t	mdb;		/* bit 0 the bill validator online, 1 the
					 * cashless reader, 2 a card session */
	struct msg_sales_product product[MSG_STATUS_CHUNK];
};

struct msg_ledger_product {
	uint64_t	paid_vends;
	int64_t		paid_value;
	uint64_t	failed_vends;
	uint64_t	sold_out;
};

struct msg_status_ledger {
	uint64_t		seq;
	int64_t			credit;
	struct ledger_counters	c;
	uint32_t		nproducts;	/* in the config: all chunks */
	struct msg_ledger_fault	fault;		/* on: why records fail */
	uint32_t		first;		/* config index of product[0] */
	uint32_t		count;		/* entries of product[] used */
	uint32_t		pad;
	struct msg_ledger_product product[MSG_STATUS_CHUNK];
};

/*
 * What happened, for the customer's display. The display decides what to
 * show and for how long; the sender only says what it knows.
 */
enum show_event {
	SHOW_CREDIT = 1,	/* sales: credit changed (a coin) */
	SHOW_SELECTED,		/* sales: product chosen; amount: its price */
	SHOW_CANCELLED,		/* sales: the selection was cancelled */
	SHOW_CHOOSE,		/* sales: vend pressed with nothing selected */
	SHOW_MORE,		/* sales: credit too low; amount: what is missing */
	SHOW_SOLD_OUT,		/* sales: product is empty */
	SHOW_OUT_OF_ORDER,	/* sales: product's column is out of order */
	SHOW_VENDING,		/* sales: the price is reserved, the arm runs */
	SHOW_TAKE,		/* sales: the product dropped */
	SHOW_REFUND,		/* sales: it did not; credit restored */
	SHOW_SELLING,		/* sales: on = 1 selling, 0 not (ledger, beam) */
	SHOW_ENTRY,		/* keypad: digits typed so far ("" = cleared) */
	SHOW_UNKNOWN_CODE,	/* keypad: digits name no product */
	SHOW_KEYPAD,		/* keypad: on = 1 present, 0 unplugged */
	SHOW_COOLING,		/* cooling: on = 1 cold, 0 a fault */
	SHOW_SERVICE,		/* sales: service mode on or off, its faults */
	SHOW_COUNTERS,		/* ledger: counters for the service screen */
	SHOW_PRICE,		/* sales: product's price is now amount */
	SHOW_TEST,		/* sales: a test vend ended; on = it dropped */
	SHOW_CHANGE,		/* sales: on = 0 no change, 1 change given,
				 * 2 exact change only (an MDB changer's) */
	SHOW_CARD,		/* sales: on = 1 a card session, 2 its vend
				 * denied, 0 the session ended */
	SHOW_EVENT_MAX
};

struct msg_show {
	uint32_t	event;		/* enum show_event */
	int32_t		product;	/* index in the config, -1: none */
	int64_t		credit;		/* sales: credit after the event */
	int64_t		amount;		/* SELECTED, PRICE: price; MORE: missing;
					 * COUNTERS: cash in the box */
	uint32_t	on;		/* SELLING, KEYPAD, COOLING, SERVICE,
					 * TEST: dropped */
	char		digits[VENDD_CODE_MAX];	/* ENTRY, UNKNOWN_CODE; NUL-ended */
	uint32_t	count;		/* SERVICE: columns out of order;
					 * COUNTERS: paid vends since reset */
	uint32_t	count2;		/* SERVICE: columns empty;
					 * COUNTERS: test vends since reset */
};

/* SERVICE_DONE, SERVICE_REC: the mode, and what changed it. */
struct msg_service {
	uint32_t	on;		/* REC: the door open / command on;
					 * DONE: service mode now */
	uint32_t	why;		/* enum service_why of the change, 0: none */
	uint32_t	door;		/* the door is open */
	uint32_t	command;	/* vendctl service on */
	uint32_t	requester;	/* REC: who to answer once durable, +1;
					 * 0: nobody (the door) */
	uint32_t	recorded;	/* DONE: the change is in the journal */
};

/* TEST_VEND_DONE: a test vend's end, or why none ran. */
struct msg_test_done {
	uint32_t	product;
	uint32_t	ok;		/* it dropped */
	uint32_t	why;		/* not ok: enum vend_why, 0 if refused */
	uint32_t	refused;	/* enum sales_reject, 0: it ran */
};

/* PRICE_SET, PRICE, PRICE_DONE. */
struct msg_price {
	uint32_t	product;
	uint32_t	is_default;	/* the INI's price again */
	int64_t		price;		/* the price now (PRICE, PRICE_DONE) */
	uint32_t	ok;		/* PRICE_DONE */
	int32_t		err;		/* not ok: errno */
};

/* COLLECT_DONE. */
struct msg_collect {
	int64_t		amount;		/* cash since the last collection */
	int64_t		cash_in;	/* lifetime, never reset */
	int64_t		credit;		/* in the box but not the machine's */
	uint64_t	collections;
	uint32_t	ok;
	int32_t		err;
};

/* AUDIT_RESET, AUDIT_RESET_DONE. */
struct msg_token {
	uint32_t	token;		/* the report's, from MSG_AUDIT */
	uint32_t	ok;
	int32_t		err;		/* ESTALE: counters moved since the report */
	uint32_t	pad;
};

/* AUDIT: the machine's counters; the columns follow in AUDIT_PRODUCTS. */
struct msg_audit {
	struct ledger_counters	c;
	struct ledger_counters	reset;		/* c at the last reset */
	int64_t			cash_in_collected;
	int64_t			credit;
	int64_t			last_ms[LAST_MAX];
	uint32_t		token;		/* for MSG_AUDIT_RESET */
	uint32_t		nproducts;	/* in the config */
	uint32_t		door_open;	/* as last journalled */
	uint32_t		pad;
	struct ledger_mdb	mdb;		/* an MDB changer's coins, change */
};

#define MSG_AUDIT_CHUNK	8	/* columns per MSG_AUDIT_PRODUCTS */

struct msg_audit_product {
	int64_t		price;		/* effective */
	uint32_t	has_price;	/* set by the operator */
	uint32_t	pad;
	uint64_t	paid_vends;
	int64_t		paid_value;
	uint64_t	test_vends;
	uint64_t	failed_vends;
	uint64_t	sold_out;
	struct ledger_product_base reset;
};

struct msg_audit_products {
	uint32_t	first, count, nproducts, pad;
	struct msg_audit_product product[MSG_AUDIT_CHUNK];
};

/* MDB_COIN: a coin an MDB changer took, at vendd's decimals. */
struct msg_mdb_coin {
	int64_t		value;
	uint32_t	type;		/* the changer's coin type, 0..15 */
	uint32_t	routing;	/* 0 cash box, 1 tubes */
};

/* PAYOUT_REQ, PAYOUT, PAYOUT_STEP, PAYOUT_DONE, PAYOUT_RESULT: change for
 * the credit. */
struct msg_payout {
	uint32_t	id;		/* sales' numbering, as vend ids */
	uint32_t	refused;	/* RESULT: the ledger could not record it:
					 * nothing left the credit */
	int64_t		amount;		/* asked for */
	int64_t		paid;		/* DONE, RESULT: the rest is owed */
};

/* NOTE_ESCROW, NOTE_DECIDED, NOTE_DONE: a bill validator's note. */
struct msg_note {
	int64_t		value;		/* at vendd's decimals */
	uint32_t	type;		/* the validator's bill type, 0..15 */
	uint32_t	stack;		/* ESCROW: change can be given (the
					 * wish); DECIDED: stack it; DONE:
					 * stacked (1) or given back (0) */
};

/* CARD_SESSION: a card session began (on, funds: -1 unknown) or ended. */
struct msg_card {
	uint32_t	on;
	uint32_t	pad;
	int64_t		funds;
};

/* EVENTS_REQ. */
struct msg_events_req {
	uint64_t	after;		/* the last id the reader has */
	uint32_t	follow;		/* none left: say MSG_EVENTS_NEW later */
	uint32_t	pad;
};

/* One event: a ledger record as it was journalled (enum jrec_type). */
struct msg_event {
	uint64_t	seq;		/* the event's id */
	int64_t		time_ms;	/* wall clock, 0: not known */
	int64_t		value;
	uint32_t	vend_id;
	uint32_t	count;
	uint16_t	type;
	uint16_t	product;
	uint32_t	pad;
	char		product_id[VENDD_ID_MAX];	/* as it was; "" none */
};

#define MSG_EVENTS_MAX	10

struct msg_events {
	uint64_t	after;		/* as asked */
	uint64_t	dropped;	/* events after it no longer kept */
	uint64_t	last;		/* the ledger's newest seq */
	uint32_t	n;
	uint32_t	pad;
	struct msg_event ev[MSG_EVENTS_MAX];
};

#define MSG_TEMP_NONE	INT32_MIN	/* temperature_mc: no reading yet */

struct msg_status_cooling {
	int32_t		temperature_mc;	/* last good reading, or MSG_TEMP_NONE */
	uint32_t	sensor;		/* enum cool_sensor */
	uint32_t	compressor;
	uint32_t	fault_mode;
};

struct msg_status_coin {
	uint32_t	inhibit;
	uint32_t	line_faults;
};

struct msg_status_arm {
	uint32_t	busy;
	int32_t		product;	/* -1: idle */
	uint32_t	attempt;
	uint32_t	blocked;	/* the drop beam is broken: no dispensing */
};

/* The payloads a pure core sends: the outbox holds only these, small. */
union msg_small {
	struct msg_coin_inserted	coin;
	struct msg_coin_count		count;
	struct msg_flag			flag;
	struct msg_select		select;
	struct msg_credit		credit;
	struct msg_vend			vend;
	struct msg_restock		restock;
	struct msg_restock_done		restock_done;
	struct msg_ledger_fault		fault;
	struct msg_cool			cool;
	struct msg_show			show;
	struct msg_service		service;
	struct msg_test_done		test_done;
	struct msg_price		price;
	struct msg_collect		collect;
	struct msg_token		token;
	struct msg_events_req		events_req;
	struct msg_mdb_coin		mdb_coin;
	struct msg_payout		payout;
	struct msg_note			note;
	struct msg_card			card;
};

union msg_payload {
	struct msg_coin_inserted	coin;
	struct msg_coin_count		count;
	struct msg_flag			flag;
	struct msg_select		select;
	struct msg_credit		credit;
	struct msg_vend			vend;
	struct msg_restock		restock;
	struct msg_restock_done		restock_done;
	struct msg_ledger_fault		fault;
	struct msg_cool			cool;
	struct msg_show			show;
	struct msg_status_sales		st_sales;
	struct msg_status_ledger	st_ledger;
	struct msg_status_cooling	st_cooling;
	struct msg_status_coin		st_coin;
	struct msg_status_arm		st_arm;
	struct msg_service		service;
	struct msg_test_done		test_done;
	struct msg_price		price;
	struct msg_collect		collect;
	struct msg_token		token;
	struct msg_events_req		events_req;
	struct msg_audit		audit;
	struct msg_audit_products	audit_products;
	struct msg_events		events;
	struct msg_mdb_coin		mdb_coin;
	struct msg_payout		payout;
	struct msg_note			note;
	struct msg_card			card;
};

struct msg {
	struct msg_hdr		hdr;
	union msg_payload	u;
};

_Static_assert(sizeof(struct msg) <= PIPE_BUF, "a message must fit one atomic pipe write");
/*
 * Every inbox reader holds two messages, every thread's stack a copy or two,
 * every parked message in a full destination's queue one: the per-product
 * status is chunked so that this stays small whatever VENDD_MAX_PRODUCTS is.
 */
_Static_assert(sizeof(struct msg) <= 1024,
    "a message is in every inbox buffer and on stacks: keep it small");

/* How many status messages answer one request: ceil(nproducts / chunk), at
 * least one (the machine-wide fields come even with no product). */
uint32_t	msg_status_chunks(uint32_t nproducts);

/* Payload size of each type, or -1 for an unknown type (a bug). */
int		 msg_payload_size(uint16_t type);
const char	*msg_type_name(uint16_t type);
const char	*proc_name(int id);

/*
 * Split a byte stream read from an inbox into whole messages. Bytes left over
 * (a message cut by the read size) stay for the next read.
 */
struct msg_reader {
	size_t		len;
	unsigned char	buf[2 * sizeof(struct msg)];	/* one per activity */
};

/* Returns 1 and fills *m while a whole message is buffered, 0 when more bytes
 * are needed, -1 (errno EBADMSG) on a malformed header. */
int	msg_reader_next(struct msg_reader *, struct msg *m);
/* Read what the fd has into the buffer: bytes read, 0 on EOF, -1 on error. */
ssize_t	msg_reader_fill(struct msg_reader *, int fd);

/* Bytes on the wire for a message of this type. */
size_t	msg_wire_size(const struct msg *);

/*
 * The messages an activity's pure core wants sent: filled by the core, sent
 * by its thread shell (or inspected by a unit test). Entries hold small
 * payloads only (status replies never pass here), so an outbox on a
 * thread's stack is 0.4 KiB, not 6.6.
 */
#define OUTBOX_MAX	8
struct msg_out {
	struct msg_hdr		hdr;
	union msg_small		u;
};
struct outbox {
	int		n;
	uint8_t		dst[OUTBOX_MAX];
	struct msg_out	m[OUTBOX_MAX];
};

void	outbox_init(struct outbox *);
/* Queue a message; a core that overflows the outbox is a bug (fatalx). */
void	outbox_put(struct outbox *, int dst, uint16_t type, const void *payload,
	    size_t len);

#endif
