/*
 * mdb: the activity that owns the MDB adapter's port ([mdb] device). It
 * puts the adapter in master mode, resets the bus, and then sends what
 * mdb_core decides, one request at a time, feeding each answer back: a
 * coin a changer took goes to the ledger (MSG_MDB_COIN, credited once it
 * is durable, as a pulse coin is), and sales' inhibit wish becomes the
 * changer's COIN TYPE. A port that cannot be opened or an adapter that
 * does not answer is said once and tried again every offline_s; a
 * peripheral that stops answering is mdb_core's to call offline.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "mdb.h"
#include "mdb_core.h"
#include "mdb_link.h"
#include "msg.h"
#include "proc.h"

#define NS_PER_MS	1000000ULL
#define MDB_STOP_WAIT_MS	300	/* the last answers on the way out */

enum mdb_adapter {
	MDB_AD_CLOSED = 0,
	MDB_AD_MASTER,		/* "M,1" sent, "m,ACK" awaited */
	MDB_AD_RESET,		/* "R,RESET" sent, "p,ACK" awaited */
	MDB_AD_READY,		/* mdb_core drives the bus */
};

static const struct config *mdb_cf;
static struct proc	*mdb_proc;
static struct mdb_core	 mdb;
static struct mdb_lines	 mdb_in;
static int		 mdb_fd = -1;
static int		 mdb_adapter;		/* enum mdb_adapter */
static int		 mdb_warned;		/* the port's trouble, said once */
static int		 mdb_inhibit = 1;	/* sales' wish, kept over reopens */
static uint64_t		 mdb_adapter_at;	/* the adapter's answer due */
static int64_t		 mdb_cheapest;		/* sales' cheapest price */
static int		 mdb_online, mdb_exact_only;	/* told to sales */
static struct event	*mdb_ev_read, *mdb_ev_timer;

static void	mdb_schedule(void);

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

/* Write a whole line to the adapter; -1 when the port fails. */
static int
mdb_write(const char *line, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(mdb_fd, line, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;	/* EAGAIN too: 115200 baud drains fast */
		}
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

static void	mdb_outs(const struct mdb_outs *);
static void	mdb_tell_changer(void);

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
		mdb_outs(&o);
	}
	if (mdb_online) {
		mdb_online = 0;
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

/* Sales hears whether change can be paid, and whether only exactly. */
static void
mdb_tell_changer(void)
{
	struct msg_flag	f = { (uint32_t)(mdb_online | mdb_exact_only << 1) };

	proc_send(mdb_proc, PROC_SALES, MSG_CHANGER, 0, &f, sizeof(f));
}

/* A payout's end to the ledger: what was paid, the rest owed. */
static void
mdb_paid(const struct mdb_out *e)
{
	struct msg_payout	p;
	char			a[32], b[32];

	memset(&p, 0, sizeof(p));
	p.id = e->id;
	p.amount = e->value;
	p.paid = e->paid;
	config_format_money(p.amount, mdb_cf->decimals, a, sizeof(a));
	config_format_money(p.paid, mdb_cf->decimals, b, sizeof(b));
	if (p.paid < p.amount)
		log_warnx("mdb: change %u: %s asked, %s paid: the rest is owed",
		    p.id, a, b);
	else
		log_info("mdb: change %u: %s paid", p.id, b);
	proc_send(mdb_proc, PROC_LEDGER, MSG_PAYOUT_DONE, 0, &p, sizeof(p));
}

/* What mdb_core said happened: coins to the ledger, the rest logged. */
static void
mdb_outs(const struct mdb_outs *o)
{
	struct msg_mdb_coin	c;
	char			v[32];

	for (int i = 0; i < o->n; i++) {
		const struct mdb_out *e = &o->o[i];

		switch (e->kind) {
		case MDB_OUT_COIN:
			memset(&c, 0, sizeof(c));
			c.value = e->value;
			c.type = (uint32_t)e->type;
			c.routing = e->routing == MDB_ROUTE_TUBES;
			proc_send(mdb_proc, PROC_LEDGER, MSG_MDB_COIN, 0, &c,
			    sizeof(c));
			break;
		case MDB_OUT_ONLINE:
			log_info("mdb: coin changer online (level %d, %d coin "
			    "types)", mdb.setup.level, mdb.setup.ntypes);
			mdb_online = 1;
			mdb_tell_changer();
			break;
		case MDB_OUT_OFFLINE:
			log_warnx("mdb: coin changer not answering for %d s: "
			    "offline, its coins not taken", mdb_cf->mdb.offline_s);
			mdb_online = 0;
			mdb_tell_changer();
			break;
		case MDB_OUT_EXACT:
			if (e->code != mdb_exact_only)
				log_info("mdb: %s", e->code ? "exact change "
				    "only: the tubes cannot change every coin" :
				    "change can be given again");
			mdb_exact_only = e->code;
			if (mdb_online)
				mdb_tell_changer();
			break;
		case MDB_OUT_PAID:
			mdb_paid(e);
			break;
		case MDB_OUT_MANUAL:
			config_format_money(e->value, mdb_cf->decimals, v,
			    sizeof(v));
			log_info("mdb: %d coins of type %d (%s) paid by the "
			    "changer's buttons", e->count, e->type, v);
			break;
		case MDB_OUT_FAULT:
			log_warnx("mdb: coin changer reports status 0x%02x",
			    e->code);
			break;
		case MDB_OUT_BAD:
			if (e->code < 0)
				log_warnx("mdb: a line from the adapter that "
				    "answers nothing asked: dropped");
			else
				log_warnx("mdb: an answer to 0x%02x that is not "
				    "MDB (or a coin of a type with no value)",
				    e->code);
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
	struct mdb_timing t;

	if (mdb_link_parse(line, len, &r) == -1)
		log_debug("mdb: adapter says \"%.*s\"", (int)len, line);
	switch (mdb_adapter) {
	case MDB_AD_MASTER:
		if (r.kind != MDB_REPLY_MODE)
			return;
		if (mdb_write(MDB_LINK_RESET, strlen(MDB_LINK_RESET)) == -1) {
			mdb_close(strerror(errno));
			return;
		}
		mdb_adapter = MDB_AD_RESET;
		mdb_adapter_at = mdb_adapter_due();
		break;
	case MDB_AD_RESET:
		if (r.kind != MDB_REPLY_ACK)
			return;
		mdb_timing(&t);
		if (mdb_warned)
			log_info("mdb: %s answers again", mdb_cf->mdb.device);
		mdb_warned = 0;
		mdb_adapter = MDB_AD_READY;
		mdb_core_init(&mdb, &t, mdb_cf->decimals, now_ns());
		mdb_core_inhibit(&mdb, mdb_inhibit);
		o.n = 0;
		mdb_core_prices(&mdb, mdb_cheapest, &o);
		mdb_outs(&o);
		break;
	case MDB_AD_READY:
		o.n = 0;
		mdb_core_answer(&mdb, &r, now_ns(), &o);
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
	if (mdb_write(MDB_LINK_MASTER, strlen(MDB_LINK_MASTER)) == -1) {
		mdb_close(strerror(errno));
		return;
	}
	mdb_adapter = MDB_AD_MASTER;
	mdb_adapter_at = mdb_adapter_due();
}

/* Send what mdb_core wants now, if anything. */
static void
mdb_send_due(uint64_t now)
{
	uint8_t	msg[MDB_MSG_MAX];
	char	line[MDB_LINE_MAX];
	size_t	n;
	int	len;

	if ((n = mdb_core_next(&mdb, now, msg)) == 0)
		return;
	if ((len = mdb_link_request(line, sizeof(line), msg, n)) == -1)
		fatalx("mdb: a request of %zu bytes", n);
	if (mdb_write(line, (size_t)len) == -1)
		mdb_close(strerror(errno));
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
		if (mdb.outstanding != -1 && now >= mdb_core_deadline(&mdb)) {
			o.n = 0;
			mdb_core_silent(&mdb, now, &o);
			mdb_outs(&o);
		}
		mdb_send_due(now);
		break;
	}
	mdb_schedule();
}

/* Arm the one timer at whatever comes next. */
static void
mdb_schedule(void)
{
	uint64_t	at = mdb_adapter == MDB_AD_READY ?
			    mdb_core_deadline(&mdb) : mdb_adapter_at;

	if (mdb_ev_timer != NULL && at != 0)
		proc_timer_at(mdb_ev_timer, at);
}

/* Sales' inhibit wish: the changer's coin types follow; a payout the
 * ledger made durable: planned and paid. */
static void
mdb_dispatch(struct proc *p, const struct msg *m)
{
	struct mdb_outs	o;

	(void)p;
	if (m->hdr.type == MSG_PAYOUT) {
		o.n = 0;
		if (mdb_adapter == MDB_AD_READY)
			mdb_core_payout(&mdb, m->u.payout.id,
			    m->u.payout.amount, &o);
		else		/* no changer: all of it owed */
			mdb_core_owe(&o, m->u.payout.id, m->u.payout.amount);
		mdb_outs(&o);
		if (mdb_adapter == MDB_AD_READY) {
			mdb_send_due(now_ns());
			mdb_schedule();
		}
		return;
	}
	if (m->hdr.type == MSG_MDB_PRICE) {
		mdb_cheapest = m->u.price.price;
		if (mdb_adapter == MDB_AD_READY) {
			o.n = 0;
			mdb_core_prices(&mdb, mdb_cheapest, &o);
			mdb_outs(&o);
			mdb_send_due(now_ns());
			mdb_schedule();
		}
		return;
	}
	if (m->hdr.type != MSG_COIN_INHIBIT)
		fatalx("mdb: unexpected %s from %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src));
	mdb_inhibit = m->u.flag.on != 0;
	if (mdb_adapter == MDB_AD_READY) {
		mdb_core_inhibit(&mdb, mdb_inhibit);
		mdb_send_due(now_ns());
		mdb_schedule();
	}
}

/* The next whole line from the adapter, waited for at most
 * MDB_STOP_WAIT_MS between bytes (the way out only): its length, or -1. */
static int
mdb_wait_line(char *line, size_t cap)
{
	struct pollfd	pfd = { .fd = mdb_fd, .events = POLLIN };
	char		buf[sizeof(mdb_in.buf)];
	int		len;
	ssize_t		k;

	while ((len = mdb_lines_next(&mdb_in, line, cap)) < 0) {
		if (poll(&pfd, 1, MDB_STOP_WAIT_MS) != 1 || (k = read(mdb_fd,
		    buf, sizeof(mdb_in.buf) - mdb_in.len)) <= 0)
			return -1;
		mdb_lines_add(&mdb_in, buf, (size_t)k);
	}
	return len;
}

/* One request and its answer, waited for (the way out only). */
static int
mdb_sync(const uint8_t *msg, size_t n, struct mdb_reply *r)
{
	char	line[MDB_LINE_MAX + 1];
	int	len;

	if ((len = mdb_link_request(line, sizeof(line), msg, n)) == -1 ||
	    mdb_write(line, (size_t)len) == -1 ||
	    (len = mdb_wait_line(line, sizeof(line))) == -1)
		return -1;
	return mdb_link_parse(line, (size_t)len, r);
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
	if (mdb_adapter == MDB_AD_READY && mdb.outstanding != -1) {
		if ((len = mdb_wait_line(line, sizeof(line))) >= 0)
			mdb_line(line, (size_t)len);
		else
			mdb.outstanding = -1;
	}
	if (mdb_adapter == MDB_AD_READY && mdb.phase == MDB_PH_READY) {
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
	mdb_proc = p;
	mdb_cf = cf;
	if (cf->mdb.device[0] == '\0')
		return;
	if ((mdb_ev_timer = evtimer_new(p->base, mdb_timer_cb, NULL)) == NULL)
		fatalx("mdb: evtimer_new");
	mdb_adapter = MDB_AD_CLOSED;
	mdb_adapter_at = now_ns();
	event_active(mdb_ev_timer, EV_TIMEOUT, 0);
}
