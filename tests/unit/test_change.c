/*
 * change: the coins of a payout (euro tubes, a non-canonical set where
 * largest-first fails, tube limits, the 15-coin DISPENSE, impossible
 * change, sensor faults, the greedy fallback), the exact-change and
 * coin-type rules, and what a payout paid, with and without PAYOUT STATUS.
 * Every plan is also checked against the invariants of change.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "change.h"

/* Euro coin types as a changer might number them. */
enum { E005, E010, E020, E050, E100, E200 };

#define BIT(t)		(1u << (t))
#define EUR_ALL		(BIT(E005) | BIT(E010) | BIT(E020) | BIT(E050) | \
			    BIT(E100) | BIT(E200))

static struct change_tubes	tb;	/* the machine's tubes, per test */
static struct change_plan	pl;	/* the last plan */

/* Coin type t, worth value, count coins, payable. */
static void
tube(int t, int64_t value, int count)
{
	tb.type[t].value = value;
	tb.type[t].count = (uint8_t)count;
	tb.type[t].full = 0;
	tb.type[t].payable = 1;
}

/* The euro's six coins, each tube holding count. */
static void
eur(int count)
{
	static const int64_t	v[] = { 5, 10, 20, 50, 100, 200 };

	for (int t = E005; t <= E200; t++)
		tube(t, v[t], count);
}

/* What every plan must be: steps 1..15, largest first, within the counts. */
static void
check_plan(const struct change_plan *p)
{
	uint16_t	sum[CHANGE_TYPES] = { 0 };
	int64_t		total = 0;

	for (int i = 0; i < p->nsteps; i++) {
		const struct change_step	*s = &p->step[i];

		assert_in_range(s->type, 0, CHANGE_TYPES - 1);
		assert_in_range(s->count, 1, CHANGE_DISPENSE_MAX);
		if (i > 0)
			assert_true(tb.type[p->step[i - 1].type].value >=
			    tb.type[s->type].value);
		sum[s->type] += s->count;
		total += s->count * tb.type[s->type].value;
	}
	for (int t = 0; t < CHANGE_TYPES; t++) {
		assert_int_equal(sum[t], p->coins[t]);
		assert_true(p->coins[t] <= tb.type[t].count);
		if (p->coins[t] > 0)
			assert_true(tb.type[t].payable);
	}
	assert_int_equal(total, p->total);
	assert_int_equal(p->amount - p->total, p->shortfall);
	assert_true(p->shortfall >= 0);
}

/* Plans amount into pl, checked. */
static void
plan(int64_t amount)
{
	assert_int_equal(change_plan(&tb, amount, &pl), 0);
	check_plan(&pl);
}

/* Coins in the last plan. */
static int
ncoins(void)
{
	int	n = 0;

	for (int t = 0; t < CHANGE_TYPES; t++)
		n += pl.coins[t];
	return n;
}

/* Step i of the last plan is count coins of type t. */
static void
assert_step(int i, int t, int count)
{
	assert_true(i < pl.nsteps);
	assert_int_equal(pl.step[i].type, t);
	assert_int_equal(pl.step[i].count, count);
}

static int
setup(void **state)
{
	(void)state;
	memset(&tb, 0, sizeof(tb));
	memset(&pl, 0, sizeof(pl));
	return 0;
}

/* Full euro tubes: one coin of each, largest first. */
static void
test_eur(void **state)
{
	(void)state;
	eur(50);
	plan(385);
	assert_int_equal(pl.total, 385);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(pl.nsteps, 6);
	for (int i = 0; i < 6; i++)
		assert_step(i, E200 - i, 1);
	assert_int_equal(pl.faults, 0);
	assert_false(pl.greedy);

	plan(40);
	assert_int_equal(pl.nsteps, 1);
	assert_step(0, E020, 2);

	plan(1370);			/* 6 x 2.00, 1.00, 0.50, 0.20 */
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 9);
	assert_step(0, E200, 6);
}

/* 0.40/0.30/0.20/0.05: largest-first strands 0.20 the tubes lack. */
static void
test_noncanonical(void **state)
{
	(void)state;
	tube(0, 30, 10);
	tube(1, 20, 0);
	tube(2, 5, 0);
	tube(3, 40, 10);
	plan(60);			/* greedy: 0.40, then nothing fits */
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(pl.nsteps, 1);
	assert_step(0, 0, 2);

	tube(2, 5, 20);			/* greedy: 0.40 + 4 x 0.05 */
	plan(60);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 2);
	assert_int_equal(pl.coins[0], 2);

	tube(1, 20, 10);		/* 0.40 + 0.20 or 2 x 0.30: 2 coins */
	plan(60);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 2);

	plan(90);			/* 0.30 + 0.20 + 0.40 or 3 x 0.30 */
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 3);
}

/* Never more than a tube's count; an unpayable type is not touched. */
static void
test_tube_limits(void **state)
{
	(void)state;
	eur(0);
	tube(E050, 50, 1);
	tube(E020, 20, 2);
	tube(E010, 10, 1);
	tube(E200, 200, 40);
	tb.type[E200].payable = 0;	/* COIN TYPE: no manual dispense */
	plan(100);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(pl.coins[E050], 1);
	assert_int_equal(pl.coins[E020], 2);
	assert_int_equal(pl.coins[E010], 1);
	assert_int_equal(pl.nsteps, 3);
	assert_step(0, E050, 1);
	assert_step(1, E020, 2);
	assert_step(2, E010, 1);

	plan(300);			/* everything payable: 1.00 */
	assert_int_equal(pl.total, 100);
	assert_int_equal(pl.shortfall, 200);
	assert_int_equal(pl.coins[E200], 0);
}

/* One DISPENSE pays 15 coins at most: 40 coins are 15, 15 and 10. */
static void
test_split(void **state)
{
	(void)state;
	tube(E005, 5, 40);
	plan(200);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(pl.nsteps, 3);
	assert_step(0, E005, 15);
	assert_step(1, E005, 15);
	assert_step(2, E005, 10);

	tube(E010, 10, 20);		/* 20 x 0.10, 20 x 0.05 */
	plan(300);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(pl.nsteps, 4);
	assert_step(0, E010, 15);
	assert_step(1, E010, 5);
	assert_step(2, E005, 15);
	assert_step(3, E005, 5);

	tube(E005, 5, 255);		/* the largest count: 17 steps */
	tube(E010, 10, 0);
	plan(255 * 5);
	assert_int_equal(pl.nsteps, 17);
	assert_step(16, E005, 255 - 16 * 15);
}

/* Change the tubes cannot make: the largest sum below, the rest short. */
static void
test_impossible(void **state)
{
	(void)state;
	tube(E050, 50, 1);
	tube(E020, 20, 1);
	plan(100);
	assert_int_equal(pl.total, 70);
	assert_int_equal(pl.shortfall, 30);
	assert_int_equal(pl.nsteps, 2);

	tube(E050, 50, 10);
	tube(E020, 20, 10);
	plan(35);			/* 0.30 needs a 0.10 */
	assert_int_equal(pl.total, 20);
	assert_int_equal(pl.shortfall, 15);
	plan(55);
	assert_int_equal(pl.total, 50);
	assert_int_equal(pl.shortfall, 5);
	assert_int_equal(ncoins(), 1);
	plan(130);			/* 0.50 + 4 x 0.20 */
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 5);

	memset(&tb, 0, sizeof(tb));	/* no tubes at all */
	plan(120);
	assert_int_equal(pl.total, 0);
	assert_int_equal(pl.shortfall, 120);
	assert_int_equal(pl.nsteps, 0);
}

/* Nothing to pay is an empty plan; a negative amount is refused. */
static void
test_zero(void **state)
{
	(void)state;
	eur(10);
	plan(0);
	assert_int_equal(pl.nsteps, 0);
	assert_int_equal(pl.total, 0);
	assert_int_equal(pl.shortfall, 0);

	errno = 0;
	assert_int_equal(change_plan(&tb, -5, &pl), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pl.nsteps, 0);
	assert_int_equal(pl.shortfall, 0);
}

/* Full with 0 coins: the sensor lies, the type is left out and reported. */
static void
test_sensor_fault(void **state)
{
	(void)state;
	eur(10);
	tb.type[E050].count = 0;
	tb.type[E050].full = 1;
	tb.type[9].full = 1;		/* no such coin: not a fault */
	plan(50);
	assert_int_equal(pl.faults, BIT(E050));
	assert_int_equal(pl.coins[E050], 0);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 3);	/* 2 x 0.20 + 0.10 */

	tb.type[E050].count = 30;	/* full and counted: fine */
	plan(50);
	assert_int_equal(pl.faults, 0);
	assert_int_equal(pl.nsteps, 1);
	assert_step(0, E050, 1);

	memset(&tb, 0, sizeof(tb));
	tube(E100, 100, 0);
	tb.type[E100].full = 1;
	plan(100);
	assert_int_equal(pl.faults, BIT(E100));
	assert_int_equal(pl.shortfall, 100);
	/* Also reported when it could not have paid anyway. */
	tb.type[E100].payable = 0;
	plan(0);
	assert_int_equal(pl.faults, BIT(E100));
}

/* Beyond CHANGE_MAX_CELLS units of the gcd: largest first, flagged. */
static void
test_greedy_fallback(void **state)
{
	(void)state;
	eur(200);
	plan(5 * CHANGE_MAX_CELLS);	/* the table's last cell */
	assert_false(pl.greedy);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 102 + 1 + 1 + 1);	/* 204.80 */

	plan(5 * CHANGE_MAX_CELLS + 5);
	assert_true(pl.greedy);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 102 + 1 + 1 + 1 + 1);

	plan(25000);			/* 125 x 2.00: 8 x 15 + 5 */
	assert_true(pl.greedy);
	assert_int_equal(pl.nsteps, 9);
	assert_step(8, E200, 5);

	memset(&tb, 0, sizeof(tb));	/* 5 tubes of 0.40, one of 0.30 */
	for (int t = 0; t < 5; t++)
		tube(t, 40, 255);
	tube(5, 30, 255);
	plan(40 * 1000 + 30 * 3);	/* 4009 cells: the table pays it */
	assert_false(pl.greedy);
	assert_int_equal(pl.shortfall, 0);
	assert_int_equal(ncoins(), 1003);
	plan(40 * 1100 + 30 * 3);	/* 4409: 1102 x 0.40, 0.10 short */
	assert_true(pl.greedy);
	assert_int_equal(pl.shortfall, 10);
	assert_int_equal(pl.coins[4], 1102 - 4 * 255);
}

/* Deterministic pseudo-random numbers (an LCG) for the cross-check. */
static unsigned
rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* The most coins of type t any payout may take. */
static int
brute_max(int t)
{
	return tb.type[t].payable ? tb.type[t].count : 0;
}

/*
 * Every way to take coins from tubes of type 0..n-1: the best sum up to
 * amount, and the fewest coins for it. Exponential, for small tubes only.
 */
static void
brute(int n, int64_t amount, int64_t *best_sum, int *best_coins)
{
	int	k[CHANGE_TYPES] = { 0 };

	*best_sum = 0;
	*best_coins = 0;
	for (;;) {
		int64_t	sum = 0;
		int	coins = 0, t;

		for (t = 0; t < n; t++) {
			sum += k[t] * tb.type[t].value;
			coins += k[t];
		}
		if (sum <= amount && (sum > *best_sum ||
		    (sum == *best_sum && coins < *best_coins))) {
			*best_sum = sum;
			*best_coins = coins;
		}
		for (t = 0; t < n && ++k[t] > brute_max(t); t++)
			k[t] = 0;
		if (t == n)
			return;
	}
}

/* The table against every combination, on small random tube sets. */
static void
test_cross_check(void **state)
{
	static const int64_t	vals[] = { 5, 10, 20, 25, 30, 40, 50, 70, 100 };
	unsigned		seed = 18;

	(void)state;
	for (int round = 0; round < 500; round++) {
		int	n = 1 + (int)rnd(&seed, 4);
		int64_t	sum, amount = 5 * (int64_t)rnd(&seed, 60);
		int	coins;

		memset(&tb, 0, sizeof(tb));
		for (int t = 0; t < n; t++) {
			tube(t, vals[rnd(&seed, 9)], (int)rnd(&seed, 6));
			tb.type[t].payable = rnd(&seed, 8) != 0;
		}
		brute(n, amount, &sum, &coins);
		plan(amount);
		assert_int_equal(pl.total, sum);
		assert_int_equal(ncoins(), coins);
	}
}

/* "Exact change only": some accepted coin's change for the cheapest. */
static void
test_exact_required(void **state)
{
	(void)state;
	eur(20);
	assert_false(change_exact_required(&tb, EUR_ALL, 120));

	tube(E050, 50, 0);		/* 2.00 - 1.20 = 0.50 + 0.20 + 0.10 */
	tube(E020, 20, 1);
	tube(E010, 10, 0);
	tube(E005, 5, 0);
	assert_true(change_exact_required(&tb, EUR_ALL, 120));
	/* Without 2.00 accepted, 1.00 is below the price: no change due. */
	assert_false(change_exact_required(&tb, EUR_ALL & ~BIT(E200), 120));
	tube(E010, 10, 3);		/* 0.80 = 0.50 + 0.20 + 0.10 */
	tube(E050, 50, 1);
	assert_false(change_exact_required(&tb, EUR_ALL, 120));
	/* A sensor fault on the 0.50 tube: 0.80 is short again. */
	tb.type[E050].count = 0;
	tb.type[E050].full = 1;
	assert_true(change_exact_required(&tb, EUR_ALL, 120));

	/* Nothing payable at all: exact change, whatever the prices. */
	memset(&tb, 0, sizeof(tb));
	eur(0);
	assert_true(change_exact_required(&tb, BIT(E010), 120));
	assert_true(change_exact_required(&tb, EUR_ALL, 0));
	eur(5);
	for (int t = E005; t <= E200; t++)
		tb.type[t].payable = 0;
	assert_true(change_exact_required(&tb, EUR_ALL, 120));

	/* A smaller coin with missing change counts, not only the largest. */
	memset(&tb, 0, sizeof(tb));
	tube(0, 50, 10);
	tube(1, 200, 0);
	tube(2, 160, 0);
	assert_false(change_exact_required(&tb, BIT(1), 150));
	assert_true(change_exact_required(&tb, BIT(1) | BIT(2), 150));
	assert_false(change_exact_required(&tb, BIT(1) | BIT(2), 0));
}

/* COIN TYPE's enable mask: coins whose change for the cheapest is there. */
static void
test_limit_coin_types(void **state)
{
	static const int64_t	prices[] = { 150, 0, 120, 250 };
	static const int64_t	dear[] = { 150 };
	uint16_t		m;

	(void)state;
	eur(0);
	tube(E050, 50, 5);
	m = change_limit_coin_types(&tb, EUR_ALL, prices, 4);
	assert_int_equal(m, EUR_ALL & ~BIT(E200));	/* 0.80 unpayable */
	assert_true(change_exact_required(&tb, EUR_ALL, 120));

	m = change_limit_coin_types(&tb, EUR_ALL, dear, 1);	/* 0.50 */
	assert_int_equal(m, EUR_ALL);
	assert_false(change_exact_required(&tb, EUR_ALL, 150));

	/* Only what was accepted, and only types that exist. */
	m = change_limit_coin_types(&tb, BIT(E100) | BIT(E200) | BIT(12),
	    dear, 1);
	assert_int_equal(m, BIT(E100) | BIT(E200));

	/* No product on sale: nothing to change for, nothing limited. */
	m = change_limit_coin_types(&tb, EUR_ALL | BIT(12), prices + 1, 1);
	assert_int_equal(m, EUR_ALL);
	m = change_limit_coin_types(&tb, EUR_ALL, NULL, 0);
	assert_int_equal(m, EUR_ALL);

	/* Empty tubes: only coins up to the cheapest price. */
	tube(E050, 50, 0);
	m = change_limit_coin_types(&tb, EUR_ALL, prices, 4);
	assert_int_equal(m, BIT(E005) | BIT(E010) | BIT(E020) | BIT(E050) |
	    BIT(E100));
	tube(E020, 20, 4);		/* 2.00 - 1.20 = 4 x 0.20 */
	m = change_limit_coin_types(&tb, EUR_ALL, prices, 4);
	assert_int_equal(m, EUR_ALL);
}

/* PAYOUT STATUS is what the changer says it paid: trusted as is. */
static void
test_reconcile_status(void **state)
{
	struct change_tubes	after;
	struct change_paid	r;
	uint8_t			st[CHANGE_TYPES] = { 0 };

	(void)state;
	eur(20);
	plan(380);			/* 2.00, 1.00, 0.50, 0.20, 0.10 */
	after = tb;
	st[E200] = st[E100] = st[E050] = st[E020] = st[E010] = 1;
	change_reconcile(&pl, &tb, &after, st, &r);
	assert_true(r.from_status);
	assert_int_equal(r.paid, 380);
	assert_int_equal(r.owed, 0);
	assert_int_equal(r.missing, 0);

	st[E020] = st[E010] = 0;	/* a jam: 0.30 did not come out */
	after.type[E050].count = 5;	/* the counts are not read */
	change_reconcile(&pl, &tb, &after, st, &r);
	assert_int_equal(r.paid, 350);
	assert_int_equal(r.owed, 30);
	assert_int_equal(r.missing, 30);
	assert_int_equal(r.coins[E020], 0);
	assert_int_equal(r.coins[E200], 1);

	st[E005] = 3;			/* more than planned: paid all the same */
	st[14] = 9;			/* a type with no value: ignored */
	change_reconcile(&pl, &tb, &after, st, &r);
	assert_int_equal(r.paid, 365);
	assert_int_equal(r.coins[14], 0);
	st[E100] = 2;			/* overpaid: nothing owed */
	change_reconcile(&pl, &tb, &after, st, &r);
	assert_int_equal(r.paid, 465);
	assert_int_equal(r.owed, 0);
	assert_int_equal(r.missing, 0);
}

/* No PAYOUT STATUS: the tube counts' drop, at most what was planned. */
static void
test_reconcile_counts(void **state)
{
	struct change_tubes	after;
	struct change_paid	r;

	(void)state;
	eur(0);
	tube(E050, 50, 1);
	tube(E020, 20, 10);
	tube(E010, 10, 10);
	plan(150);			/* 0.50 + 5 x 0.20 */
	assert_int_equal(pl.total, 150);
	after = tb;
	after.type[E050].count = 0;
	after.type[E020].count = 7;	/* 3 of the 5 */
	change_reconcile(&pl, &tb, &after, NULL, &r);
	assert_false(r.from_status);
	assert_int_equal(r.coins[E050], 1);
	assert_int_equal(r.coins[E020], 3);
	assert_int_equal(r.paid, 110);
	assert_int_equal(r.owed, 40);
	assert_int_equal(r.missing, 40);

	after.type[E020].count = 0;	/* a drop of 10: 5 were planned */
	after.type[E010].count = 12;	/* coins came in: none paid */
	change_reconcile(&pl, &tb, &after, NULL, &r);
	assert_int_equal(r.coins[E020], 5);
	assert_int_equal(r.coins[E010], 0);
	assert_int_equal(r.paid, 150);
	assert_int_equal(r.owed, 0);

	/* The plan's own shortfall is owed too, not lost in the payout. */
	tube(E010, 10, 0);
	tube(E020, 20, 2);
	plan(100);			/* 0.50 + 2 x 0.20: 0.10 short */
	assert_int_equal(pl.shortfall, 10);
	after = tb;
	after.type[E050].count = 0;
	after.type[E020].count = 1;
	change_reconcile(&pl, &tb, &after, NULL, &r);
	assert_int_equal(r.paid, 70);
	assert_int_equal(r.missing, 20);
	assert_int_equal(r.owed, 30);

	after = tb;			/* a reset before any coin moved */
	change_reconcile(&pl, &tb, &after, NULL, &r);
	assert_int_equal(r.paid, 0);
	assert_int_equal(r.owed, 100);
	assert_int_equal(r.missing, 90);
}

#define CHANGE_TEST(f)	cmocka_unit_test_setup_teardown(f, setup, NULL)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CHANGE_TEST(test_eur),
		CHANGE_TEST(test_noncanonical),
		CHANGE_TEST(test_tube_limits),
		CHANGE_TEST(test_split),
		CHANGE_TEST(test_impossible),
		CHANGE_TEST(test_zero),
		CHANGE_TEST(test_sensor_fault),
		CHANGE_TEST(test_greedy_fallback),
		CHANGE_TEST(test_cross_check),
		CHANGE_TEST(test_exact_required),
		CHANGE_TEST(test_limit_coin_types),
		CHANGE_TEST(test_reconcile_status),
		CHANGE_TEST(test_reconcile_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
