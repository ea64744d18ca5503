/*
 * The fixture of the ledger's unit tests (test_ledger*.c): a three-column
 * machine with its state dir in a fresh temp dir, the ledger opened,
 * crashed and reopened there, fed messages as its thread feeds them, and
 * the state dir's files read, written and measured. Its I/O goes through
 * the seam of ledger_seam.h.
 */
#ifndef LEDGER_FIXTURE_H
#define LEDGER_FIXTURE_H

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "ledger.h"
#include "ledger_seam.h"
#include "msg.h"
#include "testutil.h"

#define REC	48		/* journal record size, the on-disk format */
/* The journal's preallocated size: compact_records (4096) and the reserve
 * (256 records), in whole pages. */
#define JSIZE	(((4096L + 256) * REC + 4095) / 4096 * 4096)

/* Prices and capacities from a typical can/snack machine. */
enum { P_COLA, P_WATER, P_CHIPS };

struct fx {
	char		 root[128];	/* mkdtemp */
	struct config	 cf;
	struct ledger	 l;
	int		 open;
	struct outbox	 after;		/* what the compaction after a message sent */
};

/* Fill one product of the test config by hand. */
static inline void
fx_product(struct config *cf, const char *id, int64_t price, int capacity)
{
	struct product_conf *p = &cf->product[cf->nproducts++];

	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->label, sizeof(p->label), "%s", id);
	p->price = price;
	p->capacity = capacity;
}

/* A temp dir whose state_dir does not exist yet, and three columns. */
static inline int
fx_setup_in(void **state, const char *base)
{
	struct fx	*f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/test_ledger.XXXXXX", base);
	if (mkdtemp(f->root) == NULL) {
		free(f);
		return -1;
	}
	config_defaults(&f->cf);
	snprintf(f->cf.state_dir, sizeof(f->cf.state_dir), "%s/vendd",
	    f->root);
	f->cf.nproducts = 0;
	fx_product(&f->cf, "cola", 150, 8);
	fx_product(&f->cf, "water", 100, 10);
	fx_product(&f->cf, "chips", 120, 6);
	t_fail_clear();
	ledger_set_io(&t_io);		/* names every fd, for t_fail */
	*state = f;
	return 0;
}

/* Setup on the real disk: fdatasync and rename do their real work. */
static inline int
fx_setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	return fx_setup_in(state, t && *t ? t : "/tmp");
}

/* Setup on tmpfs where there is one, for the test of thousands of syncs. */
static inline int
fx_setup_fast(void **state)
{
	struct stat	sb;

	if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		return fx_setup_in(state, "/dev/shm");
	return fx_setup(state);
}

/* nftw callback: remove one entry. */
static inline int
fx_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Close the ledger and remove the temp dir. */
static inline int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	if (f->open)
		ledger_close(&f->l);
	t_fail_clear();
	ledger_set_io(NULL);
	nftw(f->root, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Open (or reopen) the ledger; the test fails with the error text. */
static inline void
fx_open(struct fx *f)
{
	char	err[512];

	if (f->open)
		ledger_close(&f->l);
	f->open = 0;
	if (ledger_open(&f->l, &f->cf, err, sizeof(err)) == -1)
		fail_msg("ledger_open: %s", err);
	f->open = 1;
}

/* Open expecting a refusal; returns the message. */
static inline void
fx_open_fails(struct fx *f, char *err, size_t len)
{
	if (f->open)
		ledger_close(&f->l);
	f->open = 0;
	assert_int_equal(ledger_open(&f->l, &f->cf, err, len), -1);
}

/* "Crash": drop the fds without resolving anything. */
static inline void
fx_crash(struct fx *f)
{
	ledger_close(&f->l);
	f->open = 0;
}

/* What the shell does once a message's answers are sent: compact when
 * due (its own answers in f->after). Whether the ledger is in fault mode. */
static inline int
fx_compact_if_due(struct fx *f)
{
	outbox_init(&f->after);
	ledger_compact_if_due(&f->l, &f->after);
	return (int)f->l.fault.on;
}

/* Feed one message to ledger_handle, then compact if due; handle's result. */
static inline int
fx_msg(struct fx *f, uint16_t type, int src, const void *pl, size_t len,
    struct outbox *ob)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.src = (uint16_t)src;
	m.hdr.len = (uint16_t)len;
	if (len)
		memcpy(&m.u, pl, len);
	outbox_init(ob);
	if (ledger_handle(&f->l, &m, ob) == -1)
		return -1;
	fx_compact_if_due(f);
	return 0;
}

/* A coin of value: must be journaled and forwarded to sales. */
static inline void
fx_coin(struct fx *f, int64_t value, uint32_t pulses)
{
	struct msg_coin_inserted c = { .value = value, .pulses = pulses };
	struct outbox	ob;
	int64_t		before = f->l.st.credit;
	int		i;

	assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c,
	    sizeof(c), &ob), 0);
	assert_int_equal(ob.n, 1);
	i = outbox_find(&ob, MSG_CREDIT_ADDED);
	assert_int_equal(i, 0);
	assert_int_equal(ob.dst[i], PROC_SALES);
	assert_int_equal(ob.m[i].u.credit.value, value);
	assert_int_equal(ob.m[i].u.credit.credit, before + value);
}

/* n coins of 1.00 through ledger_handle alone, each answered to sales, with
 * no compaction after them: what the shell does before it compacts. */
static inline void
fx_coins_uncompacted(struct fx *f, int n)
{
	struct msg	m;
	struct outbox	ob;

	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_COIN_INSERTED;
	m.hdr.src = PROC_COIN;
	m.hdr.len = sizeof(m.u.coin);
	m.u.coin.value = 100;
	m.u.coin.pulses = 1;
	for (int i = 0; i < n; i++) {
		outbox_init(&ob);
		assert_int_equal(ledger_handle(&f->l, &m, &ob), 0);
		assert_int_equal(ob.n, 1);	/* the credit, to sales */
	}
}

/* Reserve product p at its config price; returns handle's result. */
static inline int
fx_reserve(struct fx *f, uint32_t vend_id, uint32_t p, struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = vend_id, .product = p,
			    .price = f->cf.product[p].price };

	return fx_msg(f, MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v), ob);
}

/* Arm's answer for the pending vend: dropped, or why not. */
static inline int
fx_done_why(struct fx *f, uint32_t vend_id, uint32_t p, int ok, uint32_t why,
    struct outbox *ob)
{
	struct msg_vend	v = { .vend_id = vend_id, .product = p,
			    .price = f->cf.product[p].price, .ok = (uint32_t)ok,
			    .attempts = 1, .why = why };

	return fx_msg(f, MSG_ARM_DONE, PROC_ARM, &v, sizeof(v), ob);
}

/* Arm's answer for the pending vend: dropped, or no drop. */
static inline int
fx_done(struct fx *f, uint32_t vend_id, uint32_t p, int ok, struct outbox *ob)
{
	return fx_done_why(f, vend_id, p, ok, VEND_WHY_NO_DROP, ob);
}

/* Path of a file in the state dir. */
static inline const char *
fx_path(const struct fx *f, const char *name)
{
	static char	buf[PATH_MAX + 32];

	snprintf(buf, sizeof(buf), "%s/%s", f->cf.state_dir, name);
	return buf;
}

/* Size of a file in the state dir, -1 if missing. */
static inline long
fx_size(const struct fx *f, const char *name)
{
	struct stat	sb;

	return stat(fx_path(f, name), &sb) == -1 ? -1 : (long)sb.st_size;
}

/* A whole file's bytes (malloc'd) and length. */
static inline uint8_t *
fx_read(const struct fx *f, const char *name, size_t *len)
{
	FILE	*fp = fopen(fx_path(f, name), "rb");
	uint8_t	*buf;
	long	 n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Replace a file's bytes. */
static inline void
fx_write(const struct fx *f, const char *name, const void *buf, size_t len)
{
	FILE	*fp = fopen(fx_path(f, name), "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
}

/* The money every coin brought is credit, paid, or held by the pending vend. */
static inline void
assert_money_invariant(const struct ledger_state *st)
{
	int64_t	held = (st->pending.active && st->pending.test != PENDING_CARD ?
		    st->pending.price : 0) + st->mdb.change_paid + st->mdb.owed +
		    st->mdb.payout_amount;

	/* card sales are paid, but not cash in */
	assert_int_equal(st->c.cash_in, st->c.paid_value - st->mdb.card_value +
	    st->credit + held);
	/* and the cash box reconciles: every coin was collected or is in it */
	assert_int_equal(st->c.collected_value, st->cash_in_collected);
	assert_true(st->cash_in_collected <= st->c.cash_in);
}

#endif
