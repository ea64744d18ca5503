/*
 * change: which coins an MDB coin changer pays out as change. Pure: tube
 * status in, DISPENSE steps out; no I/O, no logging, no clock. Money is in
 * minor units of the currency (int64_t), as the ledger keeps it.
 *
 * The tubes are what SETUP, TUBE STATUS and COIN TYPE tell: per coin type
 * (0..15) its value, the count reported (a lower bound: a tube may hold
 * more), the full flag, and whether it may be paid out. A tube flagged full
 * with a count of 0 is a sensor fault: its true count is unknown, so the
 * type is not used for change and the plan reports it for the caller to log.
 *
 * change_plan pays exactly the amount when the tubes can, with as few coins
 * as possible; otherwise the largest sum below it, and the rest is the
 * shortfall the caller records as owed. It never plans more coins of a type
 * than its count. Coin systems need not be canonical (0.40, 0.30, 0.05 for
 * 0.60: greedy pays 5 coins, the plan 2), so the plan is a bounded knapsack
 * over the amount in units of the gcd of the coin values. That table is
 * bounded: an amount of more than CHANGE_MAX_CELLS such units is planned
 * greedily instead (largest coin first, as many as fit), which is optimal
 * for canonical sets such as the euro's with full tubes and otherwise may
 * pay less than it could; the plan says so in its greedy field.
 */
#ifndef CHANGE_H
#define CHANGE_H

#include <stddef.h>
#include <stdint.h>

#define CHANGE_TYPES		16	/* MDB coin types 0..15 */
#define CHANGE_DISPENSE_MAX	15	/* coins one DISPENSE pays (4 bits) */
#define CHANGE_COUNT_MAX	255	/* TUBE STATUS counts are one byte */
/* DISPENSE steps of a plan: every type, each split into 15s. */
#define CHANGE_MAX_STEPS	(CHANGE_TYPES * ((CHANGE_COUNT_MAX + \
				    CHANGE_DISPENSE_MAX - 1) / CHANGE_DISPENSE_MAX))
/*
 * The knapsack's table: amount / gcd of the coin values, at most. 100.00 in
 * 0.05 steps is 2000 cells; 4096 takes 204.80 in 0.05 steps, 40.96 in
 * 0.01 steps. Work is at most cells x types x 255 steps: 25 ms on an
 * x86 desktop for 16 full tubes of the smallest coin, 0.6 ms for 99.95 in
 * six euro tubes of 100, 4 us for 3.85. Memory: 18 bytes a cell, in static
 * tables (74 KB, too much for an activity's stack): one thread plans.
 */
#define CHANGE_MAX_CELLS	4096

/* One coin type as the changer reports it. */
struct change_tube {
	int64_t		value;		/* minor units; <= 0: no such coin */
	uint8_t		count;		/* TUBE STATUS: a lower bound */
	uint8_t		full;		/* TUBE STATUS full flag */
	uint8_t		payable;	/* COIN TYPE manual dispense enable */
};

/* All 16 types, indexed by MDB coin type. */
struct change_tubes {
	struct change_tube	type[CHANGE_TYPES];
};

/* One DISPENSE command: count coins of one type. */
struct change_step {
	uint8_t		type;		/* 0..15 */
	uint8_t		count;		/* 1..CHANGE_DISPENSE_MAX */
};

struct change_plan {
	int64_t		amount;		/* asked */
	int64_t		total;		/* the steps' value */
	int64_t		shortfall;	/* amount - total: owed, never paid */
	uint16_t	coins[CHANGE_TYPES];	/* per type, the steps summed */
	uint16_t	faults;		/* types full with count 0, not used */
	int		greedy;		/* over CHANGE_MAX_CELLS: planned greedily */
	int		nsteps;
	struct change_step step[CHANGE_MAX_STEPS];	/* largest value first */
};

/* What a payout actually paid, from PAYOUT STATUS or the tube counts. */
struct change_paid {
	int64_t		paid;		/* value that left the tubes */
	int64_t		owed;		/* plan amount - paid (>= 0): all the debt */
	int64_t		missing;	/* plan total - paid (>= 0): lost in payout */
	uint16_t	coins[CHANGE_TYPES];
	int		from_status;	/* 1: PAYOUT STATUS; 0: tube counts */
};

/*
 * Plans the change for amount (>= 0). Returns 0, or -1 with errno EINVAL
 * for a negative amount (the plan is then empty with a 0 shortfall).
 * Among plans with the fewest coins the first found wins (types in index
 * order, fewer coins of the later type), so equal tubes give equal plans.
 */
int	 change_plan(const struct change_tubes *, int64_t amount,
	    struct change_plan *);

/*
 * Whether the machine must show "exact change only". True when no coin
 * type can pay anything (none has a value, is payable, has coins and no
 * sensor fault), or when, for some accepted type (bit t of accepted) worth
 * v more than the cheapest price p, the tubes cannot pay v - p exactly: a
 * customer paying the cheapest product with that coin would be owed
 * change. Every accepted coin above p is checked, the largest included, so
 * a smaller coin whose change is missing counts as well. cheapest <= 0 (no
 * product on sale): only the first condition.
 */
int	 change_exact_required(const struct change_tubes *, uint16_t accepted,
	    int64_t cheapest);

/*
 * The accepted coin types the changer may keep accepting: those worth at
 * most the cheapest of the prices (> 0; others are not on sale), and
 * those whose change for the cheapest product (value - cheapest) the tubes
 * can pay exactly. Types with no value are dropped. No price on sale: the
 * accepted types with a value, unlimited. change_exact_required is true
 * exactly when this drops an accepted coin, or when nothing is payable.
 */
uint16_t change_limit_coin_types(const struct change_tubes *,
	    uint16_t accepted, const int64_t *prices, size_t nprices);

/*
 * What a payout of plan paid. status: the 16 counts of PAYOUT STATUS, or
 * NULL when the changer did not report it. PAYOUT STATUS is trusted as is
 * (a count for a type with no value is ignored); without it each type's
 * count difference before - after, a lower bound, at most what the plan
 * asked for. Reads the plan's amount, total and coins only, so a plan
 * rebuilt from the journal after a restart will do.
 */
void	 change_reconcile(const struct change_plan *,
	    const struct change_tubes *before, const struct change_tubes *after,
	    const uint8_t *status, struct change_paid *);

#endif
