/*
 * mdb_validator: the decisions of the MDB activity for the bill validator
 * (address 0x30), pure, in the shape of mdb_core (the changer's): one
 * request outstanding at a time, the answer fed back, time passed in (ns
 * of CLOCK_MONOTONIC), what happened out as events (mdb_out.h, dev
 * MDB_DEV_BILL).
 *
 * Start-up: RESET, POLL until "validator was reset" (06; set up anyway
 * 2 s after the RESET's answer), SETUP, EXPANSION identification (NACK:
 * none, go on), STACKER, BILL TYPE (every valued type enabled and escrowed
 * unless inhibited); then POLL every poll_ns and STACKER every tubes_ns.
 * Silent (NACK or no line) for offline_ns: offline, said once, RESET
 * tried until it answers, then the whole start-up again.
 *
 * A note is never money until the validator says it is stacked: a note in
 * escrow (ROUTED, route ESCROWED) is said as MDB_OUT_NOTE_ESCROW and held
 * until the shell decides (mdb_validator_decide); ESCROW is sent (and sent
 * again until acknowledged: ESCROW with no note held is harmless), and
 * the validator's "stacked" or "returned" ends it (a note in escrow that
 * vendd cannot value is returned unasked, said as MDB_OUT_FAULT). A reset
 * of the validator (06 when ready, or its start-up after an outage) ends a
 * held note the way the validator does: one in escrow and not yet decided
 * is returned, one whose ESCROW was acknowledged is finished as decided
 * (its event is lost with the reset).
 */
#ifndef MDB_VALIDATOR_H
#define MDB_VALIDATOR_H

#include <stddef.h>
#include <stdint.h>

#include "mdb_codec.h"
#include "mdb_link.h"
#include "mdb_out.h"

enum mdb_note_state {
	MDB_NOTE_NONE = 0,
	MDB_NOTE_HELD,		/* in escrow: a decision awaited */
	MDB_NOTE_DECIDED,	/* decided, ESCROW not yet acknowledged */
	MDB_NOTE_MOVING,	/* ESCROW acknowledged: stacking/returning */
};

struct mdb_validator {
	struct mdb_timing t;
	int		decimals;	/* vendd's */
	int		phase;		/* enum mdb_phase (mdb_core.h's) */
	int		online;
	int		outstanding;	/* the command byte sent, -1: none */
	int		stale;		/* given up on: a late line is its */
	uint64_t	sent_at, next_at, heard_at, stacker_at, reset_at;
	int		inhibit;	/* sales' wish: no note now */
	uint16_t	enabled;	/* the BILL TYPE enable mask sent last */
	uint16_t	sending;	/* the mask of the BILL TYPE outstanding */
	int		bill_type_due;
	struct mdb_bill_setup	setup;
	struct mdb_ident	ident;	/* zero when it has none */
	struct mdb_stacker	stacker;
	int		full;		/* as last said (MDB_OUT_STACKER), -1:
					 * not yet */
	int		note;		/* enum mdb_note_state */
	int		note_type;
	int		stack;		/* the decision: 1 stack, 0 return */
};

void	mdb_validator_init(struct mdb_validator *, const struct mdb_timing *,
	    int decimals, uint64_t now);
/* The request to send now into msg (MDB_MSG_MAX bytes): its length, 0
 * when nothing is due or one is outstanding. */
size_t	mdb_validator_next(struct mdb_validator *, uint64_t now, uint8_t *msg);
void	mdb_validator_answer(struct mdb_validator *, const struct mdb_reply *,
	    uint64_t now, struct mdb_outs *);
/* No answer line within answer_ns. */
void	mdb_validator_silent(struct mdb_validator *, uint64_t now, struct mdb_outs *);
/* Sales' wish: no note taken (on), or every valued type (off). */
void	mdb_validator_inhibit(struct mdb_validator *, int on);
/* The decision on the note held: stack (1) or return (0); ignored
 * unless a note is held. */
void	mdb_validator_decide(struct mdb_validator *, int stack);
/* A note's value at vendd's decimals, -1 when the type has none. */
int64_t	mdb_validator_value(const struct mdb_validator *, int type);
/* When the shell must call next or silent; see mdb_core_deadline. */
uint64_t mdb_validator_deadline(const struct mdb_validator *);

#endif
