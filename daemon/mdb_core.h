/*
 * mdb_core: the decisions of the MDB activity for the coin changer, pure:
 * which request goes on the bus next, and what each answer means. One
 * request is outstanding at a time (the adapter answers each with one
 * line); the shell sends what mdb_core_next gives, reads the answer and
 * feeds it back, or says no answer came. Time is passed in (ns of
 * CLOCK_MONOTONIC); what happened comes out as events for the shell to
 * turn into messages (a coin to the ledger, the changer's state to sales).
 *
 * The changer's start-up, as MDB wants it: RESET, POLL until it reports
 * "changer was reset", SETUP (coin values, scaling, decimals), EXPANSION
 * identification, FEATURE ENABLE of the alternative payout (a level 3
 * changer that has it: then PAYOUT STATUS after each DISPENSE says which
 * coins it paid), TUBE STATUS, COIN TYPE; then POLL every poll_ms and
 * TUBE STATUS every tubes_ns. No answer (or NACK) for offline_ns: offline,
 * said once, its coins no longer enabled, and a RESET tried every poll_ns
 * until it answers; then the whole start-up again.
 */
#ifndef MDB_CORE_H
#define MDB_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "mdb_codec.h"
#include "mdb_link.h"
#include "mdb_out.h"

enum mdb_phase {
	MDB_PH_RESET = 1,	/* RESET to send */
	MDB_PH_WAIT_RESET,	/* POLL until "changer was reset" */
	MDB_PH_SETUP,
	MDB_PH_IDENT,
	MDB_PH_TUBES,
	MDB_PH_COIN_TYPE,
	MDB_PH_READY,		/* polling */
	MDB_PH_FEATURES,	/* FEATURE ENABLE: alternative payout, so
				 * PAYOUT STATUS says what each step paid */
};

struct mdb_core {
	struct mdb_timing t;
	int		decimals;	/* vendd's: [vendd] decimals */
	int		phase;		/* enum mdb_phase */
	int		online;		/* as last said */
	int		outstanding;	/* the command byte sent, -1: none */
	uint64_t	sent_at;
	uint64_t	next_at;	/* when the next request may go */
	uint64_t	heard_at;	/* the last answer (ACK or data) */
	uint64_t	tubes_at;	/* the next TUBE STATUS */
	int		inhibit;	/* sales' wish: no coin now */
	int64_t		cheapest;	/* the cheapest price, from sales */
	uint16_t	limit;		/* coin types change can be made for */
	int		exact;		/* exact change only, as last said */
	uint16_t	enabled;	/* the COIN TYPE mask sent last */
	int		coin_type_due;	/* the mask must be sent again */
	struct mdb_changer_setup setup;
	struct mdb_ident	ident;
	struct mdb_tubes	tubes;
	/* a payout: its steps sent one by one, each waited out (POLL until
	 * "payout busy" clears), then TUBE STATUS to see what left */
	int		payout;		/* enum mdb_payout_state, 0: none */
	uint32_t	payout_id;
	int		step;		/* the next step of plan */
	int		busy_seen;	/* a poll since the step said busy */
	uint64_t	step_at;	/* when the step's DISPENSE was taken */
	int64_t		payout_amount;	/* asked, until planned */
	int		stale;		/* a request given up on: a late line is
					 * its answer; -1 none */
	int		alt_payout;	/* FEATURE ENABLE taken: PAYOUT STATUS */
	int		status_ok;	/* every step's PAYOUT STATUS was read */
	uint8_t		status[MDB_TYPES];	/* their counts, summed */
	uint64_t	reset_at;	/* RESET answered: "just reset" awaited */
	struct change_tubes	before;
	struct change_plan	plan;
};

enum mdb_payout_state {
	MDB_PAY_COUNT = 1,	/* TUBE STATUS first: plan from fresh counts */
	MDB_PAY_STEP,		/* DISPENSE the next step */
	MDB_PAY_WAIT,		/* POLL until the changer is not busy */
	MDB_PAY_STATUS,		/* PAYOUT STATUS: what the step paid */
	MDB_PAY_CONFIRM,	/* TUBE STATUS: what left the tubes */
};

void	mdb_core_init(struct mdb_core *, const struct mdb_timing *,
	    int decimals, uint64_t now);
/* The request to send now into msg: its length, 0 when nothing is due
 * (or one is outstanding). */
size_t	mdb_core_next(struct mdb_core *, uint64_t now, uint8_t *msg);
/* The answer to the outstanding request. */
void	mdb_core_answer(struct mdb_core *, const struct mdb_reply *,
	    uint64_t now, struct mdb_outs *);
/* No answer line within answer_ns (the shell's timer). */
void	mdb_core_silent(struct mdb_core *, uint64_t now, struct mdb_outs *);
/* Pay amount (minor units at vendd's decimals) as change, planned from
 * the tubes; MDB_OUT_PAID says what left them (at once, paid 0, when the
 * changer is not ready or a payout is in hand). */
void	mdb_core_payout(struct mdb_core *, uint32_t id, int64_t amount,
	    struct mdb_outs *);
/* The cheapest price on sale now (sales'): which coins can be changed. */
void	mdb_core_prices(struct mdb_core *, int64_t cheapest, struct mdb_outs *);
/* Whether the tubes, as last counted, can pay amount exactly (a note's
 * change); an offline changer cannot. */
int	mdb_core_can_pay(const struct mdb_core *, int64_t amount);
/* A payout that cannot be made at all (no changer): MDB_OUT_PAID, paid 0. */
void	mdb_core_owe(struct mdb_outs *, uint32_t id, int64_t amount);
/* The port was lost: a payout in hand ends, what left unknown (owed). */
void	mdb_core_abandon(struct mdb_core *, struct mdb_outs *);
/* Sales' wish: the acceptor blocked (on) or free. */
void	mdb_core_inhibit(struct mdb_core *, int on);
/* When the shell must call next (a request due) or silent (an answer
 * overdue); 0: nothing. */
uint64_t mdb_core_deadline(const struct mdb_core *);

#endif
