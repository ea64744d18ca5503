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
	int		phase;		/* enum mdb_phase (mdb_core.h's) */
	int		online;
	int		outstanding;	/* the command byte sent, -1: none */
	int		out_sub;	/* its sub-command */
	int		stale;
	uint64_t	sent_at, next_at, heard_at, reset_at;
	int		enable;		/* sales' wish: sessions may begin */
	int		enabled;	/* as last sent (-1: not yet) */
	struct mdb_cashless_config config;
	struct mdb_cashless_mode   mode;
	int		session;	/* enum mdb_cl_session */
	uint32_t	vend_id;
	int64_t		price;		/* vendd's minor units */
	uint16_t	item;
	uint64_t	asked_at;	/* VEND REQUEST acknowledged */
	int		pending;	/* a command due: enum below */
	int		success;	/* VEND SUCCESS (1) or FAILURE (0) due */
};

void	mdb_reader_init(struct mdb_reader *, const struct mdb_timing *,
	    int decimals, uint64_t now);
size_t	mdb_reader_next(struct mdb_reader *, uint64_t now, uint8_t *msg);
void	mdb_reader_answer(struct mdb_reader *, const struct mdb_reply *,
	    uint64_t now, struct mdb_outs *);
void	mdb_reader_silent(struct mdb_reader *, uint64_t now,
	    struct mdb_outs *);
/* Sales' wish: sessions may begin (READER ENABLE) or not (DISABLE; a
 * session already open goes on). */
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
uint64_t mdb_reader_deadline(const struct mdb_reader *);

#endif
