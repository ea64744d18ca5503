/*
 * sales' parts, shared by its two files and nothing else: sales.c (the
 * customer's sale and the thread shell), sales_service.c (service mode,
 * test vends, prices).
 */
#ifndef SALES_INT_H
#define SALES_INT_H

#include <stdint.h>

#include "msg.h"
#include "sales.h"

/* Tell the display what happened (when there is one). */
void		 sales_show(const struct sales_core *, uint32_t event,
		    int product, int64_t amount, struct outbox *);
/* Block or free the acceptor when the wish changes; tell the display. */
void		 sales_update_inhibit(struct sales_core *, struct outbox *);
/* The MDB changer hears the cheapest price (when there is a changer). */
void		 sales_tell_cheapest(const struct sales_core *, struct outbox *);
/* Why a vend that did not sell did not, for the log line. */
const char	*sales_why_name(uint32_t why);
/* Journal a change of the door or the command (req: a command's). */
void		 sales_service_record(struct sales_core *, int on, uint32_t why,
		    const struct msg *req, struct outbox *);
/* A test vend's end: stock and the column's state, no credit. */
void		 sales_test_result(struct sales_core *, const struct msg_vend *,
		    struct outbox *);

/* sales_card.c: a vend paid by the reader's card, asked of the ledger. */
enum sales_reject sales_card_vend(struct sales_core *, int product,
		    struct outbox *);
/* A card vend's end: stock, the display; no credit moves. */
void		 sales_card_result(struct sales_core *, const struct msg_vend *,
		    struct outbox *);
/* The reader may open sessions only while no cash is in and a sale can
 * start: told to mdb when that changes. */
void		 sales_card_enable(struct sales_core *, int can_sell,
		    struct outbox *);
#endif
