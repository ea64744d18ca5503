/*
 * The reference states of crashstates (see crashstates.c for their rules):
 * the session's states after k records, each made by applying a record it
 * wrote to the state before (ledger_replay of that one record), kept per
 * epoch; and the state that files replay to, to compare with them.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"

#include "crashfs.h"
#include "crashrefs.h"

#define MAX_REFS	6144		/* reference states, all epochs (4042 used) */

/*
 * A state the session's ledger held, for one epoch (run of the daemon). A
 * record whose sync failed (abandoned) makes a state a crash may leave
 * only until the ledger's next compaction: from its directory sync on (op
 * until) the journal starts again at slot 0, and a record the ledger gave
 * up on (a reservation refused, a counter dropped) must not be found. One
 * it keeps (a held coin) is written again and makes its state anew.
 */
struct ref {
	int			epoch;
	int			abandoned, until;
	struct ledger_state	st;
};

static struct ref	 refs[MAX_REFS];
static int		 nrefs, last_chained = -1;

/* Keep the ledger's state as a reference of its epoch. */
void
crashrefs_add(int epoch, const struct ledger_state *st)
{
	if (nrefs == MAX_REFS)
		die("more than %d reference states", MAX_REFS);
	refs[nrefs].epoch = epoch;
	refs[nrefs].abandoned = 0;
	refs[nrefs].until = INT_MAX;
	refs[nrefs++].st = *st;
}

/* A compaction's directory sync at op: records given up on before it are
 * found no more after it. */
void
crashrefs_expire(int op)
{
	for (int i = 0; i < nrefs; i++)
		if (refs[i].abandoned && refs[i].until == INT_MAX)
			refs[i].until = op;
}

/* The latest reference state of this epoch with seq, or NULL. */
const struct ledger_state *
crashrefs_find(int epoch, uint64_t seq)
{
	for (int i = nrefs - 1; i >= 0; i--)
		if (refs[i].epoch == epoch && refs[i].st.seq == seq)
			return &refs[i].st;
	return NULL;
}

/*
 * A record reached the journal: the state it makes (the one before it,
 * with it applied) is a state a crash may leave. Records written inside
 * one call (the held records a retry writes, a start's records when no
 * snapshot can be written) are seen only here; sess_msg checks that the
 * ledger's own state agrees.
 */
void
crashrefs_chain(int epoch, const uint8_t *rec)
{
	struct ledger_state	 st;
	const struct ledger_state *base;
	uint64_t		 seq = 0;
	size_t			 good;
	char			 err[256];

	for (int i = 0; i < 8; i++)
		seq |= (uint64_t)rec[8 + i] << (8 * i);
	if (seq == 0 || (base = crashrefs_find(epoch, seq - 1)) == NULL)
		die("record seq %" PRIu64 " follows no state of the session",
		    seq);
	st = *base;
	if (ledger_replay(rec, 48, &st, &good, err, sizeof(err)) != 0 ||
	    st.seq != seq)
		die("record seq %" PRIu64 " does not apply: %s", seq, err);
	crashrefs_add(epoch, &st);
	last_chained = nrefs - 1;
}

/* A write that is no record of its own: the record before it is no longer
 * the one a failed sync gives up on. */
void
crashrefs_unchain(void)
{
	last_chained = -1;
}

/* The journal's sync failed: the last record chained (if the last write
 * was one) is one the ledger may give up on. */
void
crashrefs_abandon(void)
{
	if (last_chained >= 0)
		refs[last_chained].abandoned = 1;
}

/* A new epoch begins from a state of seq: what it may recover includes the
 * states of the epoch before up to that one. */
void
crashrefs_carry(int epoch, uint64_t seq)
{
	for (int i = 0, n = nrefs; i < n; i++)
		if (refs[i].epoch == epoch - 1 && refs[i].st.seq <= seq)
			crashrefs_add(epoch, &refs[i].st);
}

/* Whether two products are the same, field by field: stock and state,
 * the operator's price, the counters and their reset base. */
static int
crashrefs_product_equal(const struct ledger_product *x,
    const struct ledger_product *y)
{
	return strcmp(x->id, y->id) == 0 && x->stock == y->stock &&
	    x->state == y->state && x->retired == y->retired &&
	    x->has_price == y->has_price && x->price == y->price &&
	    x->paid_vends == y->paid_vends && x->paid_value == y->paid_value &&
	    x->failed_vends == y->failed_vends && x->sold_out == y->sold_out &&
	    x->test_vends == y->test_vends &&
	    memcmp(&x->reset, &y->reset, sizeof(x->reset)) == 0;
}

/* Whether two states are the same, field by field (no padding compared):
 * money, the pending vend (a test vend's flag too), the counters and their
 * reset base, the cash box, service mode, the products. */
int
crashrefs_equal(const struct ledger_state *a, const struct ledger_state *b)
{
	if (a->seq != b->seq || a->credit != b->credit ||
	    a->pending.active != b->pending.active ||
	    a->pending.product != b->pending.product ||
	    a->pending.test != b->pending.test ||
	    a->pending.vend_id != b->pending.vend_id ||
	    a->pending.price != b->pending.price ||
	    a->nproducts != b->nproducts ||
	    memcmp(&a->c, &b->c, sizeof(a->c)) != 0 ||
	    memcmp(&a->reset, &b->reset, sizeof(a->reset)) != 0 ||
	    a->cash_in_collected != b->cash_in_collected ||
	    a->service_cmd != b->service_cmd ||
	    memcmp(a->last_ms, b->last_ms, sizeof(a->last_ms)) != 0)
		return 0;
	for (uint32_t i = 0; i < a->nproducts; i++)
		if (!crashrefs_product_equal(&a->product[i], &b->product[i]))
			return 0;
	return 1;
}

/* Whether st is a reference state of epoch e at crash point p (a seq may
 * have two: a record whose sync failed, until it is given up on, and the
 * one later written in its slot). */
int
crashrefs_match(int e, const struct ledger_state *st, int p)
{
	for (int i = 0; i < nrefs; i++)
		if (refs[i].epoch == e && refs[i].st.seq == st->seq &&
		    p <= refs[i].until && crashrefs_equal(&refs[i].st, st))
			return 1;
	return 0;
}

/* How many reference states there are, all epochs. */
int
crashrefs_count(void)
{
	return nrefs;
}

/* The state replayed from a snapshot and a journal (no start-up effects):
 * 0, 1 when there is no snapshot (st left zero), -1 when refused. */
int
crashrefs_replay(const uint8_t *s, size_t sl, int has_snap, const uint8_t *j,
    size_t jl, struct ledger_state *st, char *err, size_t errlen)
{
	size_t	good;

	memset(st, 0, sizeof(*st));
	if (!has_snap) {
		snprintf(err, errlen, "no snapshot%s", jl ? " but a journal" :
		    "");
		return jl ? -1 : 1;
	}
	if (ledger_decode_snapshot(s, sl, st, err, errlen) == -1)
		return -1;
	return ledger_replay(j, jl, st, &good, err, errlen) == -1 ? -1 : 0;
}
