/*
 * mdb_reader: the decisions of the MDB activity for cashless reader #1
 * (address 0x10, vendd as a level 1 VMC), pure, in the shape of mdb_core
 * (the changer's): one request outstanding at a time, the answer fed
 * back, time passed in, events out (mdb_out.h, dev MDB_DEV_CASHLESS).
 *
 * Start-up: RESET, POLL until "just reset" (set up anyway 2 s after the
 * RESET's answer), SETUP config data (level 1, no display), SETUP max/min
 * prices (unknown), EXPANSION REQUEST ID (NACK: go on), READER ENABLE or
 * DISABLE as sales wishes; then POLL every poll_ns. Silent for offline_ns:
 * offline, said once, RESET until it answers, then the whole start-up.
 *
 * Every reply of the reader (to POLL, VEND, READER, EXPANSION, SETUP)
 * may carry events, all decoded. A session: BEGIN SESSION (funds) is said
 * as MDB_OUT_CL_SESSION; mdb_reader_vend sends VEND REQUEST (price
 * scaled to the reader's scale and decimals, the item number); VEND
 * APPROVED or DENIED comes back as MDB_OUT_CL_APPROVED or _DENIED with the
 * vend's id; no answer within the reader's max response time: VEND CANCEL
 * and DENIED. mdb_reader_vend_end sends VEND SUCCESS or VEND FAILURE
 * (the reader refunds), then SESSION COMPLETE; END SESSION ends it
 * (MDB_OUT_CL_END). A session cancel request from the reader (the
 * customer, or its idle timeout) is answered with SESSION COMPLETE unless
 * a vend is under way, then after it.
 *
 * The approval is awaited for the reader's max response time (30 s if it
 * says 0) from the VEND REQUEST's acknowledgement. An unanswered VEND
 * REQUEST is never sent twice (the reader may have taken it): that wait
 * ends it. A vend the reader approves after it was given up on is refused
 * with VEND FAILURE, so that the card is refunded.
 *
 * A session is lost with the reader (its own reset, offline, END SESSION
 * or "out of sequence" unasked): a vend awaiting approval is said DENIED,
 * an approved one MDB_OUT_FAULT code 0 (its id, value the amount: the
 * reader voids it), and MDB_OUT_CL_END. MDB_OUT_FAULT is also the
 * reader's ERROR (code: its error code) and "out of sequence" (0x0B).
 */
#ifndef MDB_READER_H
#define MDB_READER_H

#include <stddef.h>
#include <stdint.h>

#include "mdb_codec.h"
#include "mdb_link.h"
#include "mdb_out.h"

enum mdb_cl_session {
	MDB_CL_IDLE = 0,	/* no session */
	MDB_CL_OPEN,		/* session begun: a vend may be asked */
	MDB_CL_ASKED,		/* VEND REQUEST sent, approval awaited */
	MDB_CL_VENDING,		/* approved: vend_end awaited */
	MDB_CL_ENDING,		/* SESSION COMPLETE due or sent: END awaited */
};

struct mdb_reader {
	struct mdb_timing t;
	int		decimals;	/* vendd's */
	int		phase;		/* enum mdb_phase (mdb_core.h's; the
					 * reader's steps in mdb_reader.c) */
	int		online;		/* as last said */
	int		outstanding;	/* the command byte sent, -1: none */
	int		out_sub;	/* its sub-command, -1: none */
	int		stale;		/* given up on: a late line is its */
	uint64_t	sent_at, next_at, heard_at, reset_at;
	int		enable;		/* sales' wish: sessions may begin */
	int		enabled;	/* as last sent (-1: not yet) */
	struct mdb_cashless_config config;
	struct mdb_cashless_mode   mode;
	struct mdb_ident	   ident;	/* the reader's, if it said */
	int		session;	/* enum mdb_cl_session */
	uint32_t	vend_id;
	int64_t		price;		/* vendd's minor units */
	uint16_t	scaled;		/* the price in the reader's units */
	uint16_t	item;
	uint64_t	asked_at;	/* VEND REQUEST acknowledged */
	int		pending;	/* a command due: enum mdb_cl_due */
	int		success;	/* VEND SUCCESS (1) or FAILURE (0) */
	uint64_t	ending_at;	/* SESSION COMPLETE acknowledged */
};

/* The commands a session needs, sent before anything else when ready. */
enum mdb_cl_due {
	MDB_CL_DUE_NONE = 0,
	MDB_CL_DUE_REQUEST,	/* VEND REQUEST */
	MDB_CL_DUE_CANCEL,	/* VEND CANCEL: the approval took too long */
	MDB_CL_DUE_RESULT,	/* VEND SUCCESS or FAILURE */
	MDB_CL_DUE_COMPLETE,	/* SESSION COMPLETE */
};

void	mdb_reader_init(struct mdb_reader *, const struct mdb_timing *,
	    int decimals, uint64_t now);
/* The request to send now into msg (MDB_MSG_MAX bytes): its length, 0
 * when nothing is due or one is outstanding. */
size_t	mdb_reader_next(struct mdb_reader *, uint64_t now, uint8_t *msg);
/* The answer to the outstanding request. */
void	mdb_reader_answer(struct mdb_reader *, const struct mdb_reply *,
	    uint64_t now, struct mdb_outs *);
/* No answer line within answer_ns. */
void	mdb_reader_silent(struct mdb_reader *, uint64_t now,
	    struct mdb_outs *);
/* Sales' wish: sessions may begin (READER ENABLE) or not (DISABLE; a
 * session already open goes on, and the change is sent once it is over). */
void	mdb_reader_enable(struct mdb_reader *, int on);
/* Ask the reader for a vend of price (vendd's minor units) for item:
 * VEND REQUEST. With no open session, or a price the reader's scale cannot
 * say, MDB_OUT_CL_DENIED at once. */
void	mdb_reader_vend(struct mdb_reader *, uint32_t id, int64_t price,
	    uint16_t item, struct mdb_outs *);
/* The approved vend's outcome: VEND SUCCESS (1) or FAILURE (0), then
 * SESSION COMPLETE. Ignored unless id's vend is approved. */
void	mdb_reader_vend_end(struct mdb_reader *, uint32_t id, int success);
/* End an open session without a vend (sales: the customer pressed coin
 * return, or credit came in cash): SESSION COMPLETE. */
void	mdb_reader_end(struct mdb_reader *);
/* When the shell must call next or silent; see mdb_core_deadline. */
uint64_t mdb_reader_deadline(const struct mdb_reader *);

#endif
