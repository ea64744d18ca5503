/*
 * mdb: the activity that owns the MDB adapter's port ([mdb] device). It
 * puts the adapter in master mode, resets the bus, and then sends what the
 * peripherals' cores decide (mdb_core: the changer, mdb_validator, mdb_reader),
 * one request on the bus at a time, feeding each answer back to the core
 * that asked: a coin goes to the ledger (MSG_MDB_COIN, credited once it is
 * durable, as a pulse coin is), a note in escrow is decided through the
 * ledger before the validator hears, a card vend goes between the ledger
 * and the reader, and sales' inhibit wish becomes the changer's COIN TYPE
 * and the validator's BILL TYPE. A port that cannot be opened or an
 * adapter that does not answer is said once and tried again every
 * offline_s; a peripheral that stops answering is its core's to call
 * offline.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "mdb.h"
#include "mdb_core.h"
#include "mdb_link.h"
#include "mdb_msgs.h"
#include "mdb_reader.h"
#include "mdb_validator.h"
#include "msg.h"
#include "proc.h"

#define NS_PER_MS	1000000ULL
#define MDB_STOP_WAIT_MS	300	/* the last answers on the way out */
/* A note in escrow, a card vend or a payout in hand may take this long to
 * finish once vendd is told to stop (the arm's 25 s and this fit the
 * unit's TimeoutStopSec of 30 s). */
#define MDB_STOP_MAX_MS		3000

enum mdb_adapter {
	MDB_AD_CLOSED = 0,
	MDB_AD_MASTER,		/* "M,1" sent, "m,ACK" awaited */
	MDB_AD_RESET,		/* "R,RESET" sent, "p,ACK" awaited */
	MDB_AD_READY,		/* mdb_core drives the bus */
};

static const struct config *mdb_cf;
static struct proc	*mdb_proc;
static struct mdb_core	 mdb;		/* the changer's */
static struct mdb_validator mdb_bv;
static struct mdb_reader mdb_rd;
static int		 mdb_fitted[MDB_DEV_N];	/* [mdb] changer, ... */
static int		 mdb_owner = -1;	/* the device asked, -1: none */
static int		 mdb_late = -1;		/* given up on: a late line is its */
static int		 mdb_last;		/* the last device that sent */
static uint64_t		 mdb_quiet_until;	/* after a silence: nothing sent */
static int		 mdb_dev_online[MDB_DEV_N];
static uint32_t		 mdb_card_id, mdb_card_product;	/* the vend asked */
static int64_t		 mdb_card_price;
static int		 mdb_stopping;		/* MSG_STOP heard: finishing */
static uint64_t		 mdb_stop_by;		/* and stopping at the latest */
static struct mdb_lines	 mdb_in;
static int		 mdb_fd = -1;
static int		 mdb_adapter;		/* enum mdb_adapter */
static int		 mdb_warned;		/* the port's trouble, said once */
static int		 mdb_inhibit = 1;	/* sales' wish, kept over reopens */
static int		 mdb_card_enable;	/* sales' wish for the reader */
static uint64_t		 mdb_adapter_at;	/* the adapter's answer due */
static int64_t		 mdb_cheapest;		/* sales' cheapest price */
static int		 mdb_exact_only;		/* told to sales */
static struct event	*mdb_ev_read, *mdb_ev_timer;

static void	mdb_schedule(void);
static void	mdb_stop_if_done(void);

/* When the port is tried again after a failure: offline_s from now. */
static uint64_t
mdb_retry_at(void)
{
	return now_ns() + (uint64_t)mdb_cf->mdb.offline_s * 1000 * NS_PER_MS;
}

/* When the adapter's own answer (to M,1 or R,RESET) is overdue: a bus
 * reset takes the adapter longer than one request, so ten of them. */
static uint64_t
mdb_adapter_due(void)
{
	return now_ns() + (uint64_t)mdb_cf->mdb.answer_ms * NS_PER_MS * 10;
}

/* The timings of mdb_core from the config. */
static void
mdb_timing(struct mdb_timing *t)
{
	const struct mdb_conf *m = &mdb_cf->mdb;

	t->poll_ns = (uint64_t)m->poll_ms * NS_PER_MS;
	t->answer_ns = (uint64_t)m->answer_ms * NS_PER_MS;
	t->offline_ns = (uint64_t)m->offline_s * 1000 * NS_PER_MS;
	t->tubes_ns = (uint64_t)m->tubes_s * 1000 * NS_PER_MS;
	t->reset_wait_ns = 500 * NS_PER_MS;
}


/* Every peripheral's core from nothing known (the bus was just reset). */
static void
mdb_devs_init(uint64_t now)
{
	struct mdb_timing t;

	mdb_timing(&t);
	mdb_core_init(&mdb, &t, mdb_cf->decimals, now);
	mdb_validator_init(&mdb_bv, &t, mdb_cf->decimals, now);
	mdb_reader_init(&mdb_rd, &t, mdb_cf->decimals, now);
	mdb_owner = mdb_late = -1;
	mdb_quiet_until = 0;
}

/* Peripheral d's request due now into msg: its length, 0 for none. */
static size_t
mdb_dev_next(int d, uint64_t now, uint8_t *msg)
{
	if (d == MDB_DEV_CHANGER)
		return mdb_core_next(&mdb, now, msg);
	if (d == MDB_DEV_BILL)
		return mdb_validator_next(&mdb_bv, now, msg);
	return mdb_reader_next(&mdb_rd, now, msg);
}

/* The answer to peripheral d's request (or its late one). */
static void
mdb_dev_answer(int d, const struct mdb_reply *r, uint64_t now,
    struct mdb_outs *o)
{
	if (d == MDB_DEV_CHANGER)
		mdb_core_answer(&mdb, r, now, o);
	else if (d == MDB_DEV_BILL)
		mdb_validator_answer(&mdb_bv, r, now, o);
	else
		mdb_reader_answer(&mdb_rd, r, now, o);
}

/* No answer line to peripheral d's request in time. */
static void
mdb_dev_silent(int d, uint64_t now, struct mdb_outs *o)
{
	if (d == MDB_DEV_CHANGER)
		mdb_core_silent(&mdb, now, o);
	else if (d == MDB_DEV_BILL)
		mdb_validator_silent(&mdb_bv, now, o);
	else
		mdb_reader_silent(&mdb_rd, now, o);
}

/* When peripheral d wants the bus, or its answer is overdue. */
static uint64_t
mdb_dev_deadline(int d)
{
	if (d == MDB_DEV_CHANGER)
		return mdb_core_deadline(&mdb);
	if (d == MDB_DEV_BILL)
		return mdb_validator_deadline(&mdb_bv);
	return mdb_reader_deadline(&mdb_rd);
}

/* The bus's next moment: the answer awaited, else the first request due
 * (not before a silence's quiet time is over). */
static uint64_t
mdb_bus_deadline(void)
{
	uint64_t	at = 0, d;

	if (mdb_owner != -1)
		return mdb_dev_deadline(mdb_owner);
	for (int i = 0; i < MDB_DEV_N; i++)
		if (mdb_fitted[i] && (d = mdb_dev_deadline(i)) != 0 &&
		    (at == 0 || d < at))
			at = d;
	return at != 0 && at < mdb_quiet_until ? mdb_quiet_until : at;
}

static void	mdb_outs(const struct mdb_outs *);
static void	mdb_tell_changer(void);
static void	mdb_tell_cores(void);

/* A note the validator holds when the port is lost ends as the bus reset
 * at the reopen ends it: given back, or stacked if it was being carried
 * to the stacker (the validator finishes that). */
static void
mdb_note_lost(struct mdb_outs *o)
{
	struct mdb_out	*e;
	int		 stacked = mdb_bv.note == MDB_NOTE_MOVING && mdb_bv.stack;

	if (mdb_bv.note == MDB_NOTE_NONE || (e = mdb_out_add(o, MDB_DEV_BILL,
	    stacked ? MDB_OUT_NOTE_STACKED : MDB_OUT_NOTE_RETURNED)) == NULL)
		return;
	e->type = mdb_bv.note_type;
	e->value = mdb_validator_value(&mdb_bv, mdb_bv.note_type);
	mdb_bv.note = MDB_NOTE_NONE;
}

/* Drop the port (unplugged, or the adapter silent): tried again later.
 * A payout in hand ends (what left unknown: owed), and sales hears that
 * no change can be paid until the changer is back. */
static void
mdb_close(const char *why)
{
	struct mdb_outs	o;

	if (mdb_adapter == MDB_AD_READY) {
		o.n = 0;
		mdb_core_abandon(&mdb, &o);
		mdb_note_lost(&o);
		/* the reader forgets a vend asked at its reset: denied now */
		if (mdb_rd.session == MDB_CL_ASKED)
			mdb_out_add(&o, MDB_DEV_CASHLESS,
			    MDB_OUT_CL_DENIED)->id = mdb_rd.vend_id;
		if (mdb_rd.session != MDB_CL_IDLE)
			mdb_out_add(&o, MDB_DEV_CASHLESS, MDB_OUT_CL_END);
		mdb_outs(&o);
	}
	if (mdb_dev_online[MDB_DEV_CHANGER] || mdb_dev_online[MDB_DEV_BILL] ||
	    mdb_dev_online[MDB_DEV_CASHLESS]) {
		memset(mdb_dev_online, 0, sizeof(mdb_dev_online));
		mdb_tell_changer();
	}
	if (!mdb_warned++)
		log_warnx("mdb: %s: %s; trying again every %d s",
		    mdb_cf->mdb.device, why, mdb_cf->mdb.offline_s);
	if (mdb_ev_read != NULL)
		event_free(mdb_ev_read);
	mdb_ev_read = NULL;
	if (mdb_fd != -1)
		close(mdb_fd);
	mdb_fd = -1;
	mdb_adapter = MDB_AD_CLOSED;
	mdb_adapter_at = mdb_retry_at();
	mdb_schedule();
}

/* Sales hears whether change can be paid, and whether only exactly, and
 * whether the validator and the reader are online (for the status). */
static void
mdb_tell_changer(void)
{
	struct msg_flag	f = { (uint32_t)(mdb_dev_online[MDB_DEV_CHANGER] |
			    mdb_exact_only << 1 |
			    mdb_dev_online[MDB_DEV_BILL] << 2 |
			    mdb_dev_online[MDB_DEV_CASHLESS] << 3) };

	proc_send(mdb_proc, PROC_SALES, MSG_CHANGER, 0, &f, sizeof(f));
}

/* A note in escrow: the ledger decides (and records it) before the
 * validator hears; stacked is asked only when change can be given for it
 * after the cheapest sale (always, with no changer: the credit stays). */
static void
mdb_note_escrow(const struct mdb_out *e)
{
	int	stack = !mdb_inhibit && (!mdb_fitted[MDB_DEV_CHANGER] ||
		    mdb_core_can_pay(&mdb, e->value - mdb_cheapest));

	mdb_msg_note(mdb_proc, mdb_cf, e, stack, mdb_inhibit ?
	    "not selling, given back" : "no change for it, given back");
}

/* The reader's answer to the vend asked, to the ledger: once, and an
 * amount other than the price asked refused (not what the customer chose
 * to pay: the reader refunds it, and nothing is sold). */
static void
mdb_card_result(const struct mdb_out *e)
{
	int	ok = e->kind == MDB_OUT_CL_APPROVED;

	if (e->id != mdb_card_id || e->id == 0) {
		log_warnx("mdb: the reader answers vend %u, not the one asked "
		    "(%u): ignored", e->id, mdb_card_id);
		return;
	}
	if (ok && e->value != mdb_card_price) {
		log_warnx("mdb: card vend %u approved for %lld, not the price "
		    "asked (%lld): refused, the card refunded", e->id,
		    (long long)e->value, (long long)mdb_card_price);
		mdb_reader_vend_end(&mdb_rd, e->id, 0);
		ok = 0;
	}
	mdb_card_id = 0;		/* answered once */
	mdb_msg_card_result(mdb_proc, e->id, mdb_card_product, ok, e->value);
}

/* A peripheral set up or gone: logged, and sales told of the changer. */
static void
mdb_presence(const struct mdb_out *e)
{
	int	on = e->kind == MDB_OUT_ONLINE;

	mdb_dev_online[e->dev] = on;
	if (on && e->dev == MDB_DEV_CHANGER)
		log_info("mdb: coin changer online (level %d, %d coin types)",
		    mdb.setup.level, mdb.setup.ntypes);
	else if (on && e->dev == MDB_DEV_BILL)
		log_info("mdb: bill validator online (level %d, %d bill types)",
		    mdb_bv.setup.level, mdb_bv.setup.ntypes);
	else if (on)
		log_info("mdb: cashless reader online");
	else
		log_warnx("mdb: %s not answering for %d s: offline, %s",
		    mdb_dev_name[e->dev], mdb_cf->mdb.offline_s,
		    e->dev == MDB_DEV_CASHLESS ? "no card taken" :
		    e->dev == MDB_DEV_BILL ? "no note taken" :
		    "its coins not taken");
	mdb_tell_changer();
}

/* What the cores said happened: money to the ledger, the rest logged. */
static void
mdb_outs(const struct mdb_outs *o)
{
	for (int i = 0; i < o->n; i++) {
		const struct mdb_out *e = &o->o[i];

		switch (e->kind) {
		case MDB_OUT_COIN:
			mdb_msg_coin(mdb_proc, e);
			break;
		case MDB_OUT_ONLINE:
		case MDB_OUT_OFFLINE:
			mdb_presence(e);
			break;
		case MDB_OUT_EXACT:
			if (e->code != mdb_exact_only)
				log_info("mdb: %s", e->code ? "exact change "
				    "only: the tubes cannot change every coin" :
				    "change can be given again");
			mdb_exact_only = e->code;
			if (mdb_dev_online[MDB_DEV_CHANGER])
				mdb_tell_changer();
			break;
		case MDB_OUT_PAID:
			mdb_msg_paid(mdb_proc, mdb_cf, e);
			break;
		case MDB_OUT_STEP:
			mdb_msg_step(mdb_proc, e);
			break;
		case MDB_OUT_NOTE_ESCROW:
			mdb_note_escrow(e);
			break;
		case MDB_OUT_NOTE_STACKED:
		case MDB_OUT_NOTE_RETURNED:
			mdb_msg_note(mdb_proc, mdb_cf, e, 0, NULL);
			break;
		case MDB_OUT_CL_SESSION:
		case MDB_OUT_CL_END:
			mdb_msg_card_session(mdb_proc, e);
			break;
		case MDB_OUT_CL_APPROVED:
		case MDB_OUT_CL_DENIED:
			mdb_card_result(e);
			break;
		default:
			mdb_log_out(mdb_cf, e);
			break;
		}
	}
}

/* One line from the adapter, in the state we are in. */
static void
mdb_line(const char *line, size_t len)
{
	struct mdb_reply r;
	struct mdb_outs	 o;
	int		 d;

	if (mdb_link_parse(line, len, &r) == -1)
		log_debug("mdb: adapter says \"%.*s\"", (int)len, line);
	switch (mdb_adapter) {
	case MDB_AD_MASTER:
		if (r.kind != MDB_REPLY_MODE)
			return;
		if (mdb_link_write(mdb_fd, MDB_LINK_RESET,
		    strlen(MDB_LINK_RESET)) == -1) {
			mdb_close(strerror(errno));
			return;
		}
		mdb_adapter = MDB_AD_RESET;
		mdb_adapter_at = mdb_adapter_due();
		break;
	case MDB_AD_RESET:
		if (r.kind != MDB_REPLY_ACK)
			return;
		if (mdb_warned)
			log_info("mdb: %s answers again", mdb_cf->mdb.device);
		mdb_warned = 0;
		mdb_adapter = MDB_AD_READY;
		mdb_devs_init(now_ns());
		mdb_tell_cores();
		break;
	case MDB_AD_READY:
		/* the answer of the peripheral asked, or a late one's */
		if ((d = mdb_owner != -1 ? mdb_owner : mdb_late) == -1) {
			log_warnx("mdb: a line from the adapter that answers "
			    "nothing asked: dropped");
			break;
		}
		mdb_owner = mdb_late = -1;
		o.n = 0;
		mdb_dev_answer(d, &r, now_ns(), &o);
		mdb_outs(&o);
		break;
	}
}

/* The port has bytes: whole lines to mdb_line; EOF or an error closes. */
static void
mdb_read_cb(evutil_socket_t fd, short what, void *arg)
{
	char	buf[256], line[MDB_LINE_MAX + 1];
	ssize_t	n;
	int	len;

	(void)what;
	(void)arg;
	/* no more than the line buffer has room for: whole lines kept (a
	 * buffer full of what is no line is dropped) */
	if (mdb_in.len == sizeof(mdb_in.buf))
		mdb_in.len = 0;
	if ((n = read(fd, buf, sizeof(mdb_in.buf) - mdb_in.len)) == -1 &&
	    (errno == EAGAIN ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		mdb_close(n == 0 ? "the port closed" : strerror(errno));
		return;
	}
	if (mdb_lines_add(&mdb_in, buf, (size_t)n) == -1)
		log_warnx("mdb: a line longer than %d bytes dropped",
		    MDB_LINE_MAX);
	while ((len = mdb_lines_next(&mdb_in, line, sizeof(line))) >= 0 &&
	    mdb_fd != -1)
		mdb_line(line, (size_t)len);
	mdb_schedule();
	mdb_stop_if_done();
}

/* Open the port and ask for master mode. */
static void
mdb_open(void)
{
	char	err[VENDD_PATH_MAX + 128];

	if ((mdb_fd = mdb_link_open(mdb_cf->mdb.device, err, sizeof(err))) ==
	    -1) {
		if (!mdb_warned++)
			log_warnx("mdb: %s; trying again every %d s", err,
			    mdb_cf->mdb.offline_s);
		mdb_adapter_at = mdb_retry_at();
		return;
	}
	memset(&mdb_in, 0, sizeof(mdb_in));
	mdb_ev_read = event_new(mdb_proc->base, mdb_fd, EV_READ | EV_PERSIST,
	    mdb_read_cb, NULL);
	if (mdb_ev_read == NULL || event_add(mdb_ev_read, NULL) == -1)
		fatalx("mdb: cannot listen to %s", mdb_cf->mdb.device);
	if (mdb_link_write(mdb_fd, MDB_LINK_MASTER,
	    strlen(MDB_LINK_MASTER)) == -1) {
		mdb_close(strerror(errno));
		return;
	}
	mdb_adapter = MDB_AD_MASTER;
	mdb_adapter_at = mdb_adapter_due();
}

/* Sales' wishes and prices, told to the cores (at start and after a
 * reopen). */
static void
mdb_tell_cores(void)
{
	struct mdb_outs	o;

	mdb_core_inhibit(&mdb, mdb_inhibit);
	mdb_validator_inhibit(&mdb_bv, mdb_inhibit);
	mdb_reader_enable(&mdb_rd, mdb_card_enable);
	o.n = 0;
	mdb_core_prices(&mdb, mdb_cheapest, &o);
	mdb_outs(&o);
}

/* Give the bus to the next fitted peripheral with a request due, in
 * turn, so that none waits behind another's busy spell. */
static void
mdb_send_due(uint64_t now)
{
	uint8_t	msg[MDB_MSG_MAX];
	char	line[MDB_LINE_MAX];
	size_t	n;
	int	len, d;

	if (mdb_adapter != MDB_AD_READY || mdb_owner != -1 ||
	    now < mdb_quiet_until)
		return;
	for (int k = 1; k <= MDB_DEV_N; k++) {
		d = (mdb_last + k) % MDB_DEV_N;
		if (!mdb_fitted[d] || (n = mdb_dev_next(d, now, msg)) == 0)
			continue;
		mdb_owner = mdb_last = d;
		mdb_late = -1;
		if ((len = mdb_link_request(line, sizeof(line), msg, n)) == -1)
			fatalx("mdb: a request of %zu bytes", n);
		if (mdb_link_write(mdb_fd, line, (size_t)len) == -1)
			mdb_close(strerror(errno));
		return;
	}
}

/* The timer: the adapter's answers overdue, mdb_core's request due. */
static void
mdb_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mdb_outs	o;
	uint64_t	now = now_ns();

	(void)fd;
	(void)what;
	(void)arg;
	switch (mdb_adapter) {
	case MDB_AD_CLOSED:
		if (now >= mdb_adapter_at)
			mdb_open();
		break;
	case MDB_AD_MASTER:
	case MDB_AD_RESET:
		if (now >= mdb_adapter_at)
			mdb_close("the adapter does not answer (is it an MDB "
			    "adapter in master mode?)");
		break;
	case MDB_AD_READY:
		if (mdb_owner != -1 && now >= mdb_dev_deadline(mdb_owner)) {
			/* a line that comes late is this one's answer: the
			 * bus stays quiet a while so it is not another's */
			mdb_late = mdb_owner;
			mdb_owner = -1;
			mdb_quiet_until = now + 2 * (uint64_t)mdb_cf->mdb.answer_ms *
			    NS_PER_MS;
			o.n = 0;
			mdb_dev_silent(mdb_late, now, &o);
			mdb_outs(&o);
		}
		mdb_send_due(now);
		break;
	}
	mdb_schedule();
	mdb_stop_if_done();
}

/* Arm the one timer at whatever comes next. */
static void
mdb_schedule(void)
{
	uint64_t	at = mdb_adapter == MDB_AD_READY ?
			    mdb_bus_deadline() : mdb_adapter_at;

	if (mdb_stopping && (at == 0 || at > mdb_stop_by))
		at = mdb_stop_by;

	if (mdb_ev_timer != NULL && at != 0)
		proc_timer_at(mdb_ev_timer, at);
}

/* Whether money is in hand on the bus: a note in escrow, a card vend asked
 * or approved, change being paid; the way out waits for these. */
static int
mdb_in_hand(void)
{
	return mdb_adapter == MDB_AD_READY && (mdb_bv.note != MDB_NOTE_NONE ||
	    mdb_rd.session == MDB_CL_ASKED || mdb_rd.session == MDB_CL_VENDING ||
	    mdb.payout);
}

/* Stopping: once nothing is in hand (or the time is up), the way out. */
static void
mdb_stop_if_done(void)
{
	if (!mdb_stopping || (mdb_in_hand() && now_ns() < mdb_stop_by))
		return;
	if (mdb_in_hand())
		log_warnx("mdb: stopping with %s in hand",
		    mdb_bv.note != MDB_NOTE_NONE ? "a note in escrow" :
		    mdb.payout ? "change being paid" : "a card vend");
	mdb_stopping = 0;
	proc_stop(mdb_proc);
}

/* MSG_STOP: no new money; the note, card vend or change in hand first. */
static void
mdb_stop_begin(void)
{
	mdb_stopping = 1;
	mdb_stop_by = now_ns() + MDB_STOP_MAX_MS * NS_PER_MS;
	mdb_inhibit = 1;
	mdb_card_enable = 0;
	if (mdb_adapter == MDB_AD_READY) {
		mdb_core_inhibit(&mdb, 1);
		mdb_validator_inhibit(&mdb_bv, 1);
		mdb_reader_enable(&mdb_rd, 0);	/* once its session is over */
	}
}

/* A card vend the ledger made durable: asked of the reader (denied at
 * once with no reader ready). */
static void
mdb_card_vend(const struct msg_vend *v, struct mdb_outs *o)
{
	struct mdb_out	*e;

	mdb_card_id = v->vend_id;
	mdb_card_product = v->product;
	mdb_card_price = v->price;
	if (mdb_adapter == MDB_AD_READY && mdb_fitted[MDB_DEV_CASHLESS] &&
	    !mdb_stopping)		/* the arm is gone: nothing to sell */
		mdb_reader_vend(&mdb_rd, v->vend_id, v->price,
		    (uint16_t)(v->product + 1), o);
	else if ((e = mdb_out_add(o, MDB_DEV_CASHLESS, MDB_OUT_CL_DENIED)) !=
	    NULL)
		e->id = v->vend_id;
}

/* A message for the cores: sales' wishes, the ledger's durable steps. */
static void
mdb_to_cores(const struct msg *m, struct mdb_outs *o)
{
	int	ready = mdb_adapter == MDB_AD_READY;

	switch (m->hdr.type) {
	case MSG_PAYOUT:		/* durable: pay it */
		if (ready && mdb_fitted[MDB_DEV_CHANGER])
			mdb_core_payout(&mdb, m->u.payout.id,
			    m->u.payout.amount, o);
		else		/* no changer: all of it owed */
			mdb_core_owe(o, m->u.payout.id, m->u.payout.amount);
		break;
	case MSG_MDB_PRICE:
		mdb_cheapest = m->u.price.price;
		if (ready)
			mdb_core_prices(&mdb, mdb_cheapest, o);
		break;
	case MSG_COIN_INHIBIT:		/* stopping: blocked whatever sales says */
		mdb_inhibit = m->u.flag.on != 0 || mdb_stopping;
		if (ready) {
			mdb_core_inhibit(&mdb, mdb_inhibit);
			mdb_validator_inhibit(&mdb_bv, mdb_inhibit);
		}
		break;
	case MSG_NOTE_DECIDED:		/* durable: stack or give back */
		if (ready && mdb_bv.note == MDB_NOTE_HELD &&
		    mdb_bv.note_type == (int)m->u.note.type)	/* not a stale one */
			mdb_validator_decide(&mdb_bv, m->u.note.stack != 0);
		break;
	case MSG_CARD_ENABLE:
		mdb_card_enable = m->u.flag.on != 0 && !mdb_stopping;
		if (ready)
			mdb_reader_enable(&mdb_rd, mdb_card_enable);
		break;
	case MSG_CARD_END:
		if (ready)
			mdb_reader_end(&mdb_rd);
		break;
	case MSG_CARD_VEND:
		mdb_card_vend(&m->u.vend, o);
		break;
	case MSG_STOP:
		mdb_stop_begin();
		break;
	case MSG_CARD_DONE:		/* durable: VEND SUCCESS or FAILURE */
		if (ready)
			mdb_reader_vend_end(&mdb_rd, m->u.vend.vend_id,
			    m->u.vend.ok != 0);
		break;
	default:
		fatalx("mdb: unexpected %s from %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src));
	}
}

/* Sales' and the ledger's messages: into the cores, then the bus. */
static void
mdb_dispatch(struct proc *p, const struct msg *m)
{
	struct mdb_outs	o;

	(void)p;
	o.n = 0;
	mdb_to_cores(m, &o);
	mdb_outs(&o);
	if (mdb_adapter == MDB_AD_READY) {
		mdb_send_due(now_ns());
		mdb_schedule();
	}
	mdb_stop_if_done();
}

/* One request and its answer, waited for (the way out only). */
static int
mdb_sync(const uint8_t *msg, size_t n, struct mdb_reply *r)
{
	return mdb_link_sync(mdb_fd, &mdb_in, msg, n, r, MDB_STOP_WAIT_MS);
}

/*
 * Stop: the changer takes no more coins, and the coins it took since the
 * last poll are collected (the ledger stops after this activity, so they
 * are recorded). An answer on its way is waited for first.
 */
static void
mdb_on_stop(struct proc *p)
{
	struct mdb_reply r;
	struct mdb_outs	 o;
	uint8_t		 msg[MDB_MSG_MAX];
	char		 line[MDB_LINE_MAX + 1];
	int		 len;

	(void)p;
	if (mdb_adapter == MDB_AD_READY && mdb_owner != -1) {
		if ((len = mdb_link_wait_line(mdb_fd, &mdb_in, line,
		    sizeof(line), MDB_STOP_WAIT_MS)) >= 0)
			mdb_line(line, (size_t)len);
		else
			mdb.outstanding = mdb_bv.outstanding =
			    mdb_rd.outstanding = mdb_owner = -1;
	}
	/* a note decided and not yet told: told now (the ledger has the
	 * decision, the restart settles the note by it) */
	if (mdb_adapter == MDB_AD_READY && mdb_bv.note == MDB_NOTE_DECIDED &&
	    mdb_sync(msg, mdb_bill_escrow(msg, mdb_bv.stack), &r) == -1)
		log_warnx("mdb: could not tell the validator what to do with "
		    "the note in escrow");
	if (mdb_adapter == MDB_AD_READY && mdb_fitted[MDB_DEV_BILL] &&
	    mdb_bv.phase == MDB_PH_READY &&
	    mdb_sync(msg, mdb_bill_type(msg, 0, 0), &r) == -1)
		log_warnx("mdb: could not block the validator on the way out");
	if (mdb_adapter == MDB_AD_READY && mdb_fitted[MDB_DEV_CHANGER] &&
	    mdb.phase == MDB_PH_READY) {
		mdb_core_inhibit(&mdb, 1);
		if (mdb_sync(msg, mdb_changer_coin_type(msg, 0,
		    0), &r) == -1)
			log_warnx("mdb: could not block the changer on the way "
			    "out");
		if (mdb_sync(msg, mdb_cmd_simple(msg, MDB_CHANGER_POLL),
		    &r) == 0) {
			mdb.outstanding = MDB_CHANGER_POLL;
			o.n = 0;
			mdb_core_answer(&mdb, &r, now_ns(), &o);
			mdb_outs(&o);
		}
	}
	if (mdb_ev_timer != NULL)
		event_free(mdb_ev_timer);
	mdb_ev_timer = NULL;
	if (mdb_ev_read != NULL)
		event_free(mdb_ev_read);
	mdb_ev_read = NULL;
	if (mdb_fd != -1)
		close(mdb_fd);
	mdb_fd = -1;
}

/* The thread: nothing to do without [mdb] device. */
void
mdb_init(struct proc *p, const struct config *cf)
{
	proc_init(p, PROC_MDB, "mdb", mdb_dispatch);
	p->on_stop = mdb_on_stop;
	p->stops_itself = 1;	/* a note, a card vend, change finish first */
	mdb_proc = p;
	mdb_cf = cf;
	mdb_fitted[MDB_DEV_CHANGER] = cf->mdb.changer;
	mdb_fitted[MDB_DEV_BILL] = cf->mdb.validator;
	mdb_fitted[MDB_DEV_CASHLESS] = cf->mdb.cashless;
	if (cf->mdb.device[0] == '\0')
		return;
	if ((mdb_ev_timer = evtimer_new(p->base, mdb_timer_cb, NULL)) == NULL)
		fatalx("mdb: evtimer_new");
	mdb_adapter = MDB_AD_CLOSED;
	mdb_adapter_at = now_ns();
	event_active(mdb_ev_timer, EV_TIMEOUT, 0);
}
