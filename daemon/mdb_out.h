/*
 * mdb_out: what the pure cores of the MDB activity (the changer's
 * mdb_core, the validator's mdb_bill, the reader's mdb_cashless) say
 * happened, for the shell (mdb.c) to turn into messages and log lines, and
 * the timings they share. Each core fills a list of these per call.
 */
#ifndef MDB_OUT_H
#define MDB_OUT_H

#include <stdint.h>
#include <string.h>

#include "mdb_codec.h"

/* Which peripheral an event is of. */
enum mdb_dev {
	MDB_DEV_CHANGER = 0,
	MDB_DEV_BILL,
	MDB_DEV_CASHLESS,
	MDB_DEV_N
};

enum mdb_out_kind {
	MDB_OUT_COIN = 1,	/* a coin accepted: value, type, routing */
	MDB_OUT_ONLINE,		/* the peripheral answers and is set up */
	MDB_OUT_OFFLINE,	/* no answer for offline_ns */
	MDB_OUT_TUBES,		/* new tube counts (changer's TUBE STATUS) */
	MDB_OUT_FAULT,		/* a status worth a log line: code */
	MDB_OUT_MANUAL,		/* coins paid by the changer's own buttons */
	MDB_OUT_BAD,		/* an answer that is not MDB: code = command */
	MDB_OUT_PAID,		/* a payout's end: id, value asked, paid */
	MDB_OUT_EXACT,		/* exact change only (code 1) or not (0) */
	MDB_OUT_NOTE_ESCROW,	/* a note held in escrow: value, type; a
				 * decision (mdb_bill_escrow) is awaited */
	MDB_OUT_NOTE_STACKED,	/* the note is in the stacker: value, type */
	MDB_OUT_NOTE_RETURNED,	/* the note was given back: value, type */
	MDB_OUT_STACKER,	/* code = 1: the stacker is full; 0: not */
	MDB_OUT_CL_SESSION,	/* a card session began: value = funds, -1
				 * when the reader does not say */
	MDB_OUT_CL_APPROVED,	/* id's vend approved: value = amount */
	MDB_OUT_CL_DENIED,	/* id's vend denied (or given up on) */
	MDB_OUT_CL_END,		/* the session is over */
	MDB_OUT_STEP,		/* a payout's steps paid this so far: id,
				 * paid (PAYOUT STATUS) */
};

struct mdb_out {
	int		dev;		/* enum mdb_dev */
	int		kind;		/* enum mdb_out_kind */
	int64_t		value;		/* minor units at vendd's decimals */
	int		type;		/* coin or bill type */
	int		routing;	/* COIN: enum mdb_route */
	int		code;		/* FAULT: status byte; BAD: command */
	int		count;		/* MANUAL: coins */
	uint32_t	id;		/* PAID: the payout's; CL_*: the vend's */
	int64_t		paid;		/* PAID: what left the tubes */
};

#define MDB_OUT_MAX	(MDB_POLL_MAX + 4)

struct mdb_outs {
	int		n;
	struct mdb_out	o[MDB_OUT_MAX];
};

struct mdb_timing {
	uint64_t	poll_ns;	/* between polls when ready */
	uint64_t	answer_ns;	/* an answer line must come within this */
	uint64_t	offline_ns;	/* silent this long: offline */
	uint64_t	tubes_ns;	/* between TUBE STATUS (STACKER) */
	uint64_t	reset_wait_ns;	/* after RESET before the first POLL */
};

/* Put an event out, zeroed but for dev and kind; a full list drops it
 * (NULL: MDB_OUT_MAX holds a whole poll and what follows). */
static inline struct mdb_out *
mdb_out_add(struct mdb_outs *o, int dev, int kind)
{
	struct mdb_out	*e;

	if (o->n == MDB_OUT_MAX)
		return NULL;
	e = &o->o[o->n++];
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->kind = kind;
	return e;
}

#endif
