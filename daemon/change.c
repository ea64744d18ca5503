/*
 * change: the coins of a payout, see change.h. A bounded knapsack for the
 * fewest coins (or the largest sum below the amount), a greedy fallback
 * beyond its table, DISPENSE steps of at most 15 coins, and the rules for
 * exact change and the coin types worth accepting.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "change.h"

#define CHANGE_NONE	UINT16_MAX	/* a knapsack cell no coins reach */

/* The types a plan may use, in type order. */
struct change_usable {
	int		n;
	int		type[CHANGE_TYPES];
	int64_t		value[CHANGE_TYPES];
	int		count[CHANGE_TYPES];
};

/* A full tube reading 0 coins: the sensor, not the tube, is wrong. */
static int
tube_fault(const struct change_tube *t)
{
	return t->value > 0 && t->full && t->count == 0;
}

/* A type that can pay at least one coin now. */
static int
tube_usable(const struct change_tube *t)
{
	return t->value > 0 && t->payable && t->count > 0 && !tube_fault(t);
}

/* Euclid's, for the knapsack's unit. */
static int64_t
gcd64(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t	r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/* The usable types, and the faults for the plan to report. */
static void
usable_collect(const struct change_tubes *tubes, struct change_usable *u,
    uint16_t *faults)
{
	u->n = 0;
	*faults = 0;
	for (int t = 0; t < CHANGE_TYPES; t++) {
		const struct change_tube	*tb = &tubes->type[t];

		if (tube_fault(tb))
			*faults |= 1u << t;
		if (!tube_usable(tb))
			continue;
		u->type[u->n] = t;
		u->value[u->n] = tb->value;
		u->count[u->n] = tb->count;
		u->n++;
	}
}

/* Index order of u by value, largest first, ties by type. */
static void
usable_by_value(const struct change_usable *u, int order[CHANGE_TYPES])
{
	for (int i = 0; i < u->n; i++) {
		int	j = i;

		while (j > 0 && u->value[order[j - 1]] < u->value[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

/* Largest coin first, as many as fit: for amounts beyond the table. */
static void
plan_greedy(const struct change_usable *u, int64_t amount, uint16_t *coins)
{
	int	order[CHANGE_TYPES];
	int64_t	rest = amount;

	usable_by_value(u, order);
	for (int o = 0; o < u->n; o++) {
		int	i = order[o];
		int64_t	k = rest / u->value[i];

		if (k > u->count[i])
			k = u->count[i];
		coins[u->type[i]] = (uint16_t)k;
		rest -= k * u->value[i];
	}
}

/*
 * The bounded knapsack over cells of g: best[c] the fewest coins summing
 * to c * g, take[c][i] how many of type i that used. Then the largest c
 * reached, walked back through take.
 */
static void
plan_knapsack(const struct change_usable *u, int64_t g, int cells,
    uint16_t *coins)
{
	/* static: 74 KiB would not fit an activity's 64 KiB stack; one
	 * thread (the mdb activity) plans change. take is by cell first, so
	 * that a small amount touches a page or two of it, not one a type */
	static uint16_t	best[CHANGE_MAX_CELLS + 1];
	static uint8_t	take[CHANGE_MAX_CELLS + 1][CHANGE_TYPES];
	int		c;

	best[0] = 0;
	for (c = 1; c <= cells; c++)
		best[c] = CHANGE_NONE;
	for (int i = 0; i < u->n; i++) {
		int	w = (int)(u->value[i] / g);

		/* Downwards, so best[c - k * w] is still without type i. */
		for (c = cells; c >= 0; c--) {
			unsigned	b = best[c];
			int		bk = 0;

			for (int k = 1; k <= u->count[i] && k * w <= c; k++) {
				uint16_t	prev = best[c - k * w];

				if (prev != CHANGE_NONE && prev + (unsigned)k < b) {
					b = prev + (unsigned)k;
					bk = k;
				}
			}
			best[c] = (uint16_t)b;
			take[c][i] = (uint8_t)bk;
		}
	}
	for (c = cells; best[c] == CHANGE_NONE; c--)
		;
	for (int i = u->n - 1; i >= 0; i--) {
		int	k = take[c][i];

		coins[u->type[i]] = (uint16_t)k;
		c -= k * (int)(u->value[i] / g);
	}
}

/* The coins as DISPENSE commands, largest value first, 15 at most each. */
static void
plan_steps(const struct change_tubes *tubes, const struct change_usable *u,
    struct change_plan *p)
{
	int	order[CHANGE_TYPES];

	usable_by_value(u, order);
	for (int o = 0; o < u->n; o++) {
		int	t = u->type[order[o]];
		int	left = p->coins[t];

		p->total += left * tubes->type[t].value;
		while (left > 0) {
			int	n = left < CHANGE_DISPENSE_MAX ? left :
			    CHANGE_DISPENSE_MAX;

			p->step[p->nsteps].type = (uint8_t)t;
			p->step[p->nsteps].count = (uint8_t)n;
			p->nsteps++;
			left -= n;
		}
	}
	p->shortfall = p->amount - p->total;
}

/* The whole plan: the knapsack when the amount fits its table. */
int
change_plan(const struct change_tubes *tubes, int64_t amount,
    struct change_plan *p)
{
	struct change_usable	u;
	int64_t			g = 0;

	memset(p, 0, sizeof(*p));
	usable_collect(tubes, &u, &p->faults);
	if (amount < 0) {
		errno = EINVAL;
		return -1;
	}
	p->amount = amount;
	for (int i = 0; i < u.n; i++)
		g = gcd64(u.value[i], g);
	if (u.n > 0 && amount / g > CHANGE_MAX_CELLS) {
		p->greedy = 1;
		plan_greedy(&u, amount, p->coins);
	} else if (u.n > 0)
		plan_knapsack(&u, g, (int)(amount / g), p->coins);
	plan_steps(tubes, &u, p);
	return 0;
}

/* Whether the tubes pay v - price exactly (nothing to pay if v <= price). */
static int
change_payable(const struct change_tubes *tubes, int64_t v, int64_t price)
{
	struct change_plan	p;

	if (v <= price)
		return 1;
	change_plan(tubes, v - price, &p);
	return p.shortfall == 0;
}

/* No type can pay a single coin. */
static int
change_none_usable(const struct change_tubes *tubes)
{
	for (int t = 0; t < CHANGE_TYPES; t++)
		if (tube_usable(&tubes->type[t]))
			return 0;
	return 1;
}

/* The accepted types whose change for price the tubes can pay. */
static uint16_t
change_keep(const struct change_tubes *tubes, uint16_t accepted,
    int64_t price)
{
	uint16_t	keep = 0;

	for (int t = 0; t < CHANGE_TYPES; t++) {
		int64_t	v = tubes->type[t].value;

		if ((accepted & (1u << t)) && v > 0 &&
		    change_payable(tubes, v, price))
			keep |= 1u << t;
	}
	return keep;
}

/* The accepted types that exist: the mask with no rule applied. */
static uint16_t
change_existing(const struct change_tubes *tubes, uint16_t accepted)
{
	uint16_t	m = 0;

	for (int t = 0; t < CHANGE_TYPES; t++)
		if ((accepted & (1u << t)) && tubes->type[t].value > 0)
			m |= 1u << t;
	return m;
}

/* The display's "exact change only": see change.h for the rule. */
int
change_exact_required(const struct change_tubes *tubes, uint16_t accepted,
    int64_t cheapest)
{
	if (change_none_usable(tubes))
		return 1;
	if (cheapest <= 0)
		return 0;
	return change_keep(tubes, accepted, cheapest) !=
	    change_existing(tubes, accepted);
}

/* COIN TYPE's enable mask while change is short: see change.h. */
uint16_t
change_limit_coin_types(const struct change_tubes *tubes, uint16_t accepted,
    const int64_t *prices, size_t nprices)
{
	int64_t	cheapest = 0;

	for (size_t i = 0; i < nprices; i++)
		if (prices[i] > 0 && (cheapest == 0 || prices[i] < cheapest))
			cheapest = prices[i];
	if (cheapest == 0)
		return change_existing(tubes, accepted);
	return change_keep(tubes, accepted, cheapest);
}

/* Coins of type t that left the tube, by the counts: a lower bound. */
static int
paid_by_counts(const struct change_plan *p, const struct change_tubes *before,
    const struct change_tubes *after, int t)
{
	int	d = before->type[t].count - after->type[t].count;

	if (d < 0)
		d = 0;
	return d < p->coins[t] ? d : p->coins[t];
}

/* After a payout (or a reset during one): what the customer got. */
void
change_reconcile(const struct change_plan *p,
    const struct change_tubes *before, const struct change_tubes *after,
    const uint8_t *status, struct change_paid *r)
{
	memset(r, 0, sizeof(*r));
	r->from_status = status != NULL;
	for (int t = 0; t < CHANGE_TYPES; t++) {
		int64_t	v = before->type[t].value;

		if (v <= 0)
			continue;
		r->coins[t] = (uint16_t)(status != NULL ? status[t] :
		    paid_by_counts(p, before, after, t));
		r->paid += r->coins[t] * v;
	}
	r->owed = p->amount > r->paid ? p->amount - r->paid : 0;
	r->missing = p->total > r->paid ? p->total - r->paid : 0;
}
