/*
 * crashstates' reference states: the states the session's ledger held, one
 * set per epoch (run of the daemon), that a crash may leave; and the state
 * a snapshot and a journal replay to (crashrefs.c).
 */
#ifndef CRASHREFS_H
#define CRASHREFS_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

/* Keep st as a state of epoch. */
void	crashrefs_add(int epoch, const struct ledger_state *st);
/* The latest state of epoch with seq, or NULL. */
const struct ledger_state *crashrefs_find(int epoch, uint64_t seq);
/* A record (48 bytes) reached the journal: the state it makes in epoch. */
void	crashrefs_chain(int epoch, const uint8_t *rec);
/* Something else was written since: the last record is no longer chained. */
void	crashrefs_unchain(void);
/* The last record chained, if it is, had its sync fail. */
void	crashrefs_abandon(void);
/* A compaction's directory sync at op. */
void	crashrefs_expire(int op);
/* A new epoch may recover the states of the one before up to seq. */
void	crashrefs_carry(int epoch, uint64_t seq);
/* Whether st is a state of epoch a crash before op p may leave. */
int	crashrefs_match(int epoch, const struct ledger_state *st, int p);
/* Whether two states are the same, field by field. */
int	crashrefs_equal(const struct ledger_state *,
	    const struct ledger_state *);
/* How many states are kept, all epochs. */
int	crashrefs_count(void);
/* The state replayed from a snapshot and a journal: 0, 1 (no snapshot),
 * -1 (refused, err set). */
int	crashrefs_replay(const uint8_t *s, size_t sl, int has_snap,
	    const uint8_t *j, size_t jl, struct ledger_state *st, char *err,
	    size_t errlen);

#endif
