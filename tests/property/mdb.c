/*
 * The property test's MDB bus (see property.h): a fake mdb activity with
 * a changer, a bill validator and a cashless reader behind it, as the
 * ledger and sales see them through messages. It takes coins and notes
 * when sales lets it (a note only as the ledger decided), pays change
 * (sometimes short: a jam), opens card sessions when sales lets the reader
 * and approves or denies the vends asked, and tells the reader's result
 * once the ledger has the vend's end. A crash loses what it had in hand,
 * as the bus reset at the restart does; the ledger's start settles it.
 *
 * Its invariants: a note is credit only once stacked and only as decided;
 * the ledger's notes, card sales and refunds are the ones this bus saw;
 * the reader is told of every approved vend's end exactly once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "property.h"

enum { NOTE_NONE, NOTE_ASKED, NOTE_DECIDED };

static struct {
	int		inhibit, card_enable;
	int		note;			/* enum above */
	int64_t		note_value;
	int		note_stack;		/* the ledger's decision */
	int		session;		/* a card session is open */
	int		asked;			/* a card vend to answer */
	struct msg_vend	vend;			/* the vend asked */
	int		vending;		/* approved: CARD_DONE awaited */
	int		paying;			/* a payout to end */
	struct msg_payout payout;
	uint64_t	next;			/* the next action */
} bus;

static struct mdb_counts counts;
static void		 bus_session(int);
static int		 asked_at_crash;	/* a note awaited its decision */

/* Send a message from the bus to dst. */
static void
bus_send(int dst, uint16_t type, const void *pl, size_t len)
{
	struct outbox	ob;

	outbox_init(&ob);
	outbox_put(&ob, dst, type, pl, len);
	route(PROC_MDB, &ob);
}

/* The changer is online (sales pays change through it). */
static void
bus_changer_online(void)
{
	struct msg_flag	f = { .on = 1 };

	bus_send(PROC_SALES, MSG_CHANGER, &f, sizeof(f));
}

/* Start: the changer online, the first action soon. */
void
mdb_peer_start(void)
{
	memset(&bus, 0, sizeof(bus));
	bus.inhibit = 1;
	bus.next = now + MS(500);
	bus_changer_online();
}

/* When the bus acts next (never in the past: the directed scenarios move
 * the clock without it). */
uint64_t
mdb_peer_deadline(void)
{
	return bus.next > now ? bus.next : now;
}

/* The directed scenarios' drain: change in hand paid in full now, so that
 * their next vend is not refused as "busy". 1: something was sent. */
int
mdb_peer_settle(void)
{
	if (!bus.paying)
		return 0;
	bus.payout.paid = bus.payout.amount;
	bus.paying = 0;
	bus_send(PROC_LEDGER, MSG_PAYOUT_DONE, &bus.payout,
	    sizeof(bus.payout));
	counts.payouts++;
	return 1;
}

/* A coin the changer took: to a tube or the cash box. */
static void
bus_coin(void)
{
	static const int64_t	 values[] = { 5, 10, 20, 50, 100, 200 };
	struct msg_mdb_coin	 c;
	int			 t = (int)rnd_range(0, 5);

	memset(&c, 0, sizeof(c));
	c.value = values[t];
	c.type = (uint32_t)t;
	c.routing = t < 5;
	bus_send(PROC_LEDGER, MSG_MDB_COIN, &c, sizeof(c));
	counts.coins++;
}

/* A note held in escrow: the ledger decides. */
static void
bus_note(void)
{
	struct msg_note	n;

	memset(&n, 0, sizeof(n));
	n.value = chance(500) ? 500 : 1000;
	n.type = n.value == 500 ? 0 : 1;
	n.stack = chance(800);		/* change can be given for it */
	bus.note = NOTE_ASKED;
	bus.note_value = n.value;
	bus_send(PROC_LEDGER, MSG_NOTE_ESCROW, &n, sizeof(n));
}

/* The decided note reaches the stacker, or the customer. */
static void
bus_note_done(void)
{
	struct msg_note	n;

	memset(&n, 0, sizeof(n));
	n.value = bus.note_value;
	n.type = n.value == 500 ? 0 : 1;
	n.stack = (uint32_t)bus.note_stack;
	bus.note = NOTE_NONE;
	bus_send(PROC_LEDGER, MSG_NOTE_DONE, &n, sizeof(n));
	if (n.stack)
		counts.notes_stacked++;
	else
		counts.notes_returned++;
}

/* The reader's answer to the vend asked. */
static void
bus_card_answer(void)
{
	struct msg_vend	v = bus.vend;

	v.ok = chance(800);
	if (!v.ok)
		v.price = 0;
	bus.asked = 0;
	bus.vending = v.ok;
	bus_send(PROC_LEDGER, MSG_CARD_RESULT, &v, sizeof(v));
	if (v.ok)
		counts.card_approved++;
	else {
		counts.card_denied++;
		bus_session(0);
	}
}

/* A card session begins (on) or ends, told to sales. */
static void
bus_session(int on)
{
	struct msg_card	c;

	memset(&c, 0, sizeof(c));
	c.on = (uint32_t)on;
	c.funds = on ? 1000 : 0;
	bus.session = on;
	bus_send(PROC_SALES, MSG_CARD_SESSION, &c, sizeof(c));
}

/* The change being paid ends: all of it, or short (a jam). */
static void
bus_payout_done(void)
{
	struct msg_payout p = bus.payout;

	p.paid = chance(900) ? p.amount : (int64_t)rnd_range(0,
	    (uint64_t)p.amount);
	bus.paying = 0;
	bus_send(PROC_LEDGER, MSG_PAYOUT_DONE, &p, sizeof(p));
	counts.payouts++;
}

/* One thing on the bus, at random among what can happen now. */
void
mdb_peer_action(void)
{
	bus.next = now + rnd_range(MS(50), MS(1500));
	if (bus.paying && chance(600))
		bus_payout_done();
	else if (bus.asked && chance(600))
		bus_card_answer();
	else if (bus.note == NOTE_DECIDED && chance(600))
		bus_note_done();
	else if (!bus.inhibit && chance(300))
		bus_coin();
	else if (!bus.inhibit && bus.note == NOTE_NONE && chance(200))
		bus_note();
	else if (bus.card_enable && !bus.session && chance(150))
		bus_session(1);
	else if (bus.session && !bus.asked && !bus.vending && chance(50))
		bus_session(0);		/* the reader's idle timeout */
}

/* A message to the mdb activity. */
void
mdb_peer_deliver(const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_COIN_INHIBIT:
		bus.inhibit = m->u.flag.on != 0;
		break;
	case MSG_MDB_PRICE:
		break;
	case MSG_CARD_ENABLE:
		bus.card_enable = m->u.flag.on != 0;
		break;
	case MSG_CARD_END:
		if (bus.session && !bus.asked && !bus.vending)
			bus_session(0);
		break;
	case MSG_PAYOUT:
		if (bus.paying)
			violation("payout %u asked while %u is paid",
			    m->u.payout.id, bus.payout.id);
		bus.paying = 1;
		bus.payout = m->u.payout;
		break;
	case MSG_NOTE_DECIDED:
		if (bus.note != NOTE_ASKED || m->u.note.value != bus.note_value)
			violation("a note decided that is not in escrow");
		bus.note = NOTE_DECIDED;
		bus.note_stack = m->u.note.stack != 0;
		break;
	case MSG_CARD_VEND:
		if (!bus.session || bus.asked || bus.vending)
			violation("card vend %u asked with no session ready",
			    m->u.vend.vend_id);
		bus.asked = 1;
		bus.vend = m->u.vend;
		break;
	case MSG_CARD_DONE:
		if (!bus.vending || m->u.vend.vend_id != bus.vend.vend_id)
			violation("card vend %u ended, not the one approved",
			    m->u.vend.vend_id);
		bus.vending = 0;
		if (m->u.vend.ok) {
			counts.card_sold++;
			counts.card_sold_value += bus.vend.price;
		}
		else
			counts.card_refunded++;
		bus_session(0);
		break;
	default:
		violation("%s delivered to mdb", msg_type_name(m->hdr.type));
	}
}

/* vendd crashed: what the bus had in hand is settled by the ledger's
 * start (a note given back or stacked as decided, a card vend voided by
 * the reader's reset, change owed); the changer online again. */
void
mdb_peer_crash(void)
{
	asked_at_crash = bus.note == NOTE_ASKED;
	if (bus.note == NOTE_DECIDED && bus.note_stack)
		counts.notes_stacked++;		/* the validator finishes it */
	if (bus.vending)
		counts.card_voided++;
	memset(&bus, 0, sizeof(bus));
	bus.inhibit = 1;
	bus.next = now + MS(500);
}

/* After the restart: a note whose "stack" the ledger had journalled
 * before the validator heard it is credited by the start (in doubt: a real
 * validator's reset gives it back); the changer is online again. */
void
mdb_peer_restarted(const struct ledger_state *before)
{
	if (asked_at_crash && before->mdb.escrow_active &&
	    before->mdb.escrow_stack) {
		counts.notes_stacked++;
		counts.notes_in_doubt++;
	}
	asked_at_crash = 0;
	bus_changer_online();
}

/* The bus's counts against the ledger's, when nothing is in flight. */
void
mdb_peer_check(int quiet)
{
	const struct ledger_mdb *d = &led.st.mdb;

	if (!quiet || bus.note != NOTE_NONE)
		return;
	if (d->notes != counts.notes_stacked)
		violation("notes: ledger stacked %" PRIu64 ", the validator %"
		    PRIu64, d->notes, counts.notes_stacked);
	if (d->card_vends != counts.card_sold ||
	    d->card_value != counts.card_sold_value)
		violation("card sales: ledger %" PRIu64 " (%" PRId64 "), the "
		    "reader %" PRIu64 " (%" PRId64 ")", d->card_vends,
		    d->card_value, counts.card_sold, counts.card_sold_value);
}

const struct mdb_counts *
mdb_peer_counts(void)
{
	return &counts;
}
