/*
 * mdb_msgs: what the mdb activity (mdb.c) tells the ledger and sales of
 * the peripherals' events, and the log lines of those that only need
 * saying. The decisions stay in mdb.c; these build the fixed-size messages
 * and say what happened in the operator's words.
 */
#include <string.h>

#include "config.h"
#include "log.h"
#include "mdb_msgs.h"
#include "msg.h"
#include "proc.h"

const char *const mdb_dev_name[MDB_DEV_N] = {
	"coin changer", "bill validator", "cashless reader",
};

/* A coin the changer took, to the ledger (credited once durable). */
void
mdb_msg_coin(struct proc *p, const struct mdb_out *e)
{
	struct msg_mdb_coin	c;

	memset(&c, 0, sizeof(c));
	c.value = e->value;
	c.type = (uint32_t)e->type;
	c.routing = e->routing == MDB_ROUTE_TUBES;
	proc_send(p, PROC_LEDGER, MSG_MDB_COIN, 0, &c, sizeof(c));
}

/* A payout's steps paid this so far, to the ledger. */
void
mdb_msg_step(struct proc *p, const struct mdb_out *e)
{
	struct msg_payout	m;

	memset(&m, 0, sizeof(m));
	m.id = e->id;
	m.amount = e->value;
	m.paid = e->paid;
	proc_send(p, PROC_LEDGER, MSG_PAYOUT_STEP, 0, &m, sizeof(m));
}

/* A payout's end to the ledger: what was paid, the rest owed. */
void
mdb_msg_paid(struct proc *p, const struct config *cf, const struct mdb_out *e)
{
	struct msg_payout	m;
	char			a[32], b[32];

	memset(&m, 0, sizeof(m));
	m.id = e->id;
	m.amount = e->value;
	m.paid = e->paid;
	config_format_money(m.amount, cf->decimals, a, sizeof(a));
	config_format_money(m.paid, cf->decimals, b, sizeof(b));
	if (m.paid < m.amount)
		log_warnx("mdb: change %u: %s asked, %s paid: the rest is owed",
		    m.id, a, b);
	else
		log_info("mdb: change %u: %s paid", m.id, b);
	proc_send(p, PROC_LEDGER, MSG_PAYOUT_DONE, 0, &m, sizeof(m));
}

/* A note in escrow (the ledger decides, the wish is stack's), or its end
 * (stacked: money; or given back), to the ledger. why: the wish's reason
 * when it is to give it back. */
void
mdb_msg_note(struct proc *p, const struct config *cf, const struct mdb_out *e,
    int stack, const char *why)
{
	struct msg_note	n;
	char		v[32];
	int		escrow = e->kind == MDB_OUT_NOTE_ESCROW;

	memset(&n, 0, sizeof(n));
	n.value = e->value;
	n.type = (uint32_t)e->type;
	n.stack = (uint32_t)(escrow ? stack : e->kind == MDB_OUT_NOTE_STACKED);
	config_format_money(e->value, cf->decimals, v, sizeof(v));
	if (escrow)
		log_info("mdb: a note of %s in escrow%s%s", v, stack ? "" : ": ",
		    stack ? "" : why);
	else
		log_info("mdb: the note of %s %s", v, n.stack ? "stacked" :
		    "given back");
	if (n.value <= 0) {
		log_warnx("mdb: a note of type %d with no value: not recorded",
		    e->type);
		return;
	}
	proc_send(p, PROC_LEDGER, escrow ? MSG_NOTE_ESCROW : MSG_NOTE_DONE, 0,
	    &n, sizeof(n));
}

/* The reader's answer to vend id of product: approved at price, or not. */
void
mdb_msg_card_result(struct proc *p, uint32_t id, uint32_t product, int ok,
    int64_t price)
{
	struct msg_vend	v;

	memset(&v, 0, sizeof(v));
	v.vend_id = id;
	v.product = product;
	v.price = ok ? price : 0;
	v.ok = (uint32_t)ok;
	v.card = 1;
	log_info("mdb: card vend %u %s", id, ok ? "approved" : "denied");
	proc_send(p, PROC_LEDGER, MSG_CARD_RESULT, 0, &v, sizeof(v));
}

/* A card session began or ended: sales hears it. */
void
mdb_msg_card_session(struct proc *p, const struct mdb_out *e)
{
	struct msg_card	c;

	memset(&c, 0, sizeof(c));
	c.on = e->kind == MDB_OUT_CL_SESSION;
	c.funds = c.on ? e->value : 0;
	proc_send(p, PROC_SALES, MSG_CARD_SESSION, 0, &c, sizeof(c));
}

/* The events that are only said: 1 if e was one of them. */
int
mdb_log_out(const struct config *cf, const struct mdb_out *e)
{
	char	v[32];

	switch (e->kind) {
	case MDB_OUT_MANUAL:
		config_format_money(e->value, cf->decimals, v, sizeof(v));
		log_info("mdb: %d coins of type %d (%s) paid by the changer's "
		    "buttons", e->count, e->type, v);
		return 1;
	case MDB_OUT_STACKER:
		if (e->code)
			log_warnx("mdb: the bill validator's stacker is full: no "
			    "note taken until it is emptied");
		return 1;
	case MDB_OUT_FAULT:
		if (e->dev == MDB_DEV_CASHLESS && e->id != 0)
			log_warnx("mdb: the cashless reader lost approved vend "
			    "%u (it voids it at its reset): the card is not "
			    "charged", e->id);
		else
			log_warnx("mdb: %s reports status 0x%02x",
			    mdb_dev_name[e->dev], e->code);
		return 1;
	case MDB_OUT_BAD:
		if (e->code < 0)
			log_warnx("mdb: a line from the adapter that answers "
			    "nothing asked: dropped");
		else
			log_warnx("mdb: %s: an answer to 0x%02x that is not MDB "
			    "(or of a type with no value)",
			    mdb_dev_name[e->dev], e->code);
		return 1;
	case MDB_OUT_TUBES:
		return 1;
	}
	return 0;
}
