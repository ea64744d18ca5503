/*
 * The property test's world (property.c), as the operator's stimuli
 * (operator.c) see it: the cores, the ledger, the clock, the random
 * numbers, the routing of messages and the report of a violation.
 */
#ifndef PROPERTY_H
#define PROPERTY_H

#include <stdint.h>

#include "config.h"
#include "ledger.h"
#include "msg.h"
#include "panel.h"
#include "sales.h"

#define MS(x)		((uint64_t)(x) * UINT64_C(1000000))

/* property.c */
extern struct config	 cf;
extern struct panel_core panel;
extern struct sales_core sales;
extern struct ledger	 led;
extern uint64_t		 now;

uint64_t	rnd(void);
uint64_t	rnd_range(uint64_t lo, uint64_t hi);
int		chance(unsigned permille);
void		violation(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* Queue what a core (or the fake control) wants sent. */
void		route(int src, const struct outbox *);
/* Whether any message is in flight. */
int		in_flight(void);

/* operator.c: the operator's day (prices, collections, the door, service
 * mode, test vends, audit resets) and a fake control that checks every
 * answer. */
void		op_start(void);
/* vendctl price (-1: the INI's), for a directed scenario. */
void		op_set_price(uint32_t product, int64_t price);
/* When the next action is due (never 0 once started), and do it. */
uint64_t	op_deadline(void);
void		op_action(void);
/* An answer routed to control: 1 if it was one of the operator's. */
int		op_control(int src, const struct msg *);
/* Around the ledger's handling of m: journaled is whether seq moved. */
void		op_ledger_before(const struct msg *);
void		op_ledger_after(const struct msg *, int journaled);
/* The operator's invariants, after every event; quiet: none in flight. */
void		op_check(int quiet);
/* The daemon crashed: requests lost; after the reopen (the state before
 * it in *before), the reopened ledger and sales checked, the door's level
 * told again as the panel does at start. */
void		op_crash(void);
void		op_restarted(const struct ledger_state *before);
/* The end of the run: the event log checked once more. */
void		op_finish(void);
/* The counts the summary line prints. */
struct op_counts {
	uint64_t	price_changes, collections, resets, resets_stale;
	uint64_t	services;	/* service records (door, command) */
	uint64_t	test_refused;	/* vendctl's test vends refused */
	uint64_t	price_races;	/* reservations that raced a change */
};
const struct op_counts *op_counts(void);

/* mdb.c: a fake mdb activity (a changer, a bill validator, a cashless
 * reader) that takes coins, notes and card vends and pays change. */
void		mdb_peer_start(void);
uint64_t	mdb_peer_deadline(void);
void		mdb_peer_action(void);
/* A message routed to the mdb activity. */
void		mdb_peer_deliver(const struct msg *);
/* The daemon crashed (the bus reset at the restart); after the reopen,
 * the ledger's state before it in *before. */
void		mdb_peer_crash(void);
void		mdb_peer_restarted(const struct ledger_state *before);
void		mdb_peer_check(int quiet);
/* Change in hand paid now (directed scenarios): 1 if a message went. */
int		mdb_peer_settle(void);
struct mdb_counts {
	uint64_t	coins, payouts, notes_stacked, notes_returned;
	uint64_t	notes_in_doubt;	/* stack decided, a crash before the
					 * validator heard (credited) */
	uint64_t	card_approved, card_denied, card_sold, card_refunded;
	int64_t		card_sold_value;
	uint64_t	card_voided;	/* approved, cut by a crash */
	uint64_t	coins_lost_crash;	/* taken, lost in flight */
};
const struct mdb_counts *mdb_peer_counts(void);

#endif
