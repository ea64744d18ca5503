/*
 * sales: the vending logic. Owns credit, the current selection, prices and
 * stock. Select, then vend: a paid vend reserves the price through the
 * ledger, and is committed or refunded when arm's answer comes back through
 * the ledger. No time in here: every input is a message.
 */
#ifndef SALES_H
#define SALES_H

#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;

enum sales_reject {		/* why a vend press did nothing */
	SALES_OK = 0,
	SALES_NO_SELECTION,
	SALES_LOW_CREDIT,
	SALES_SOLD_OUT,
	SALES_OUT_OF_ORDER,
	SALES_BUSY,		/* a vend is in progress */
	SALES_LEDGER_FAULT,	/* the ledger cannot record a sale now */
	SALES_DISPENSING_BLOCKED,	/* the drop beam is broken: no dispensing */
	SALES_SERVICE_MODE,	/* the door is open or service is on: no sales */
	SALES_NOT_IN_SERVICE,	/* a test vend needs service mode */
};

struct sales_core {
	const struct config *cf;
	int64_t		credit;
	int		selection;	/* -1: none */
	int		pending;	/* a vend is reserved, arm not done */
	uint32_t	pending_id;
	int		pending_product;
	uint32_t	next_vend_id;
	int		inhibit_sent;	/* last MSG_COIN_INHIBIT value, -1 none */
	int		selling_shown;	/* last SHOW_SELLING told the display */
	int		ledger_fault;	/* MSG_LEDGER_FAULT on: no sale, no coin */
	int		arm_blocked;	/* MSG_ARM_BLOCKED on: no sale, no coin */
	int		door;		/* the door is open (the panel says) */
	int		service_cmd;	/* vendctl service on (the ledger keeps it) */
	int64_t		sel_price;	/* the price the selection was shown at */
	int		pending_test;	/* the pending vend is a test vend */
	int		changer;	/* an MDB changer is online: change */
	int		mdb_online;	/* bit 0 the validator, 1 the reader */
	int		payout;		/* change asked, its end not heard */
	int		card;		/* a cashless reader's session is open */
	int		pending_card;	/* the pending vend is paid by card */
	int		card_enable_sent;	/* MSG_CARD_ENABLE's last, -1 */
	uint32_t	payout_id;
	int64_t		payout_amount;
	int		test_src;	/* who asked for it (-1: panel, keypad) */
	uint32_t	test_id;	/* and the request's id */
	int32_t		stock[VENDD_MAX_PRODUCTS];
	uint8_t		state[VENDD_MAX_PRODUCTS];	/* enum product_state */
	int64_t		price[VENDD_MAX_PRODUCTS];	/* the ledger's, effective */
};

/*
 * Start from what the ledger restored (already settled: nothing pending),
 * out of service from the first moment when the ledger opened in fault
 * mode (a full disk), so the acceptor is never freed before it is blocked.
 */
void	sales_core_init(struct sales_core *, const struct config *,
	    const struct ledger_state *, int ledger_fault, struct outbox *);
void	sales_core_credit(struct sales_core *, int64_t value, struct outbox *);
void	sales_core_select(struct sales_core *, int product, struct outbox *);
void	sales_core_cancel(struct sales_core *, int product, struct outbox *);
/* A card session began (m->on) or ended, from the cashless reader. */
void	sales_core_card_session(struct sales_core *, const struct msg_card *,
	    struct outbox *);
/* Returns why nothing happened, or SALES_OK when a vend was reserved. */
enum sales_reject sales_core_vend(struct sales_core *, struct outbox *);
void	sales_core_vend_result(struct sales_core *, const struct msg_vend *,
	    struct outbox *);
void	sales_core_restocked(struct sales_core *, const struct msg_restock *,
	    struct outbox *);
void	sales_core_ledger_fault(struct sales_core *,
	    const struct msg_ledger_fault *, struct outbox *);
void	sales_core_arm_blocked(struct sales_core *, int on, struct outbox *);
/* Service mode: the door (from the panel) or vendctl service (m from
 * control, answered); no sale starts, the acceptor is blocked, the credit
 * is kept and shown again when it ends. */
void	sales_core_door(struct sales_core *, int open, struct outbox *);
void	sales_core_service(struct sales_core *, const struct msg *m,
	    struct outbox *);
/* Whether the machine is in service mode. */
int	sales_core_in_service(const struct sales_core *);
/* A test vend of product (service mode only): the arm runs, no money
 * moves. src, id: the requester to answer (src -1: the panel's vend). */
enum sales_reject sales_core_test_vend(struct sales_core *, int product,
	    int src, uint32_t id, struct outbox *);
/* A price the ledger made durable: the next selection's. */
void	sales_core_price(struct sales_core *, const struct msg_price *,
	    struct outbox *);
/* The status message of the products from first on (a multiple of
 * MSG_STATUS_CHUNK), at most MSG_STATUS_CHUNK of them. */
void	sales_core_status(const struct sales_core *, uint32_t first,
	    struct msg_status_sales *);
/* Any inbox message but status: -1 for a type or product sales never takes. */
int	sales_core_handle(struct sales_core *, const struct msg *,
	    struct outbox *);
const char *sales_reject_name(enum sales_reject);

void	sales_init(struct proc *, const struct config *,
	    const struct ledger_state *, int ledger_fault);

#endif
