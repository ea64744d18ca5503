/*
 * mdb_msgs: the messages and log lines of the mdb activity's events (see
 * mdb_msgs.c); for mdb.c only.
 */
#ifndef MDB_MSGS_H
#define MDB_MSGS_H

#include <stdint.h>

#include "config.h"
#include "mdb_out.h"

struct proc;

extern const char *const mdb_dev_name[MDB_DEV_N];

void	mdb_msg_coin(struct proc *, const struct mdb_out *);
void	mdb_msg_step(struct proc *, const struct mdb_out *);
void	mdb_msg_paid(struct proc *, const struct config *,
	    const struct mdb_out *);
void	mdb_msg_note(struct proc *, const struct config *,
	    const struct mdb_out *, int stack, const char *why);
void	mdb_msg_card_result(struct proc *, uint32_t id, uint32_t product,
	    int ok, int64_t price);
void	mdb_msg_card_session(struct proc *, const struct mdb_out *);
int	mdb_log_out(const struct config *, const struct mdb_out *);

#endif
