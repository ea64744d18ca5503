/*
 * The ledger's store on a temp dir: the state dir made, or a start that
 * fails naming it and leaving nothing; the compactions; and the store's
 * faults through its I/O seam (ledger_seam.h): a full disk and failing
 * syncs, fault mode and its retries, the journal's reserve.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "ledger.h"
#include "ledger_fixture.h"
#include "ledger_seam.h"
#include "msg.h"
#include "testutil.h"

/* A state dir that does not exist is created 0750 with a first snapshot. */
static void
test_fresh_dir_created(void **state)
{
	struct fx	*f = *state;
	struct stat	 sb;

	assert_int_equal(stat(f->cf.state_dir, &sb), -1);
	fx_open(f);
	assert_int_equal(stat(f->cf.state_dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0750);
	assert_true(fx_size(f, "snapshot") > 0);
	assert_int_equal(fx_size(f, "journal"), JSIZE);	/* written zeros */
	assert_int_equal(f->l.journal_records, 0);
	assert_int_equal(f->l.st.nproducts, 3);
	assert_string_equal(f->l.st.product[P_COLA].id, "cola");
	assert_int_equal(f->l.st.product[P_COLA].stock, 8);
	assert_int_equal(f->l.st.product[P_WATER].stock, 10);
	assert_int_equal(f->l.st.product[P_CHIPS].stock, 6);
	assert_int_equal(f->l.st.product[P_CHIPS].state, PRODUCT_OK);
	assert_int_equal(f->l.st.credit, 0);
	assert_int_equal(f->l.st.c.startups, 1);
	assert_false(f->l.st.pending.active);
}

/*
 * Fault 7: a state_dir whose parent does not exist is a start-up error
 * naming the key and where it was set, not a new tree of directories.
 */
static void
test_state_dir_parent_missing(void **state)
{
	struct fx	*f = *state;
	char		 err[1024], want[1024], parent[160];
	struct stat	 sb;

	snprintf(f->cf.path, sizeof(f->cf.path), "/etc/vendd/vendd.ini");
	f->cf.state_dir_line = 12;
	snprintf(parent, sizeof(parent), "%s/vendx", f->root);
	snprintf(f->cf.state_dir, sizeof(f->cf.state_dir), "%s/state", parent);
	fx_open_fails(f, err, sizeof(err));
	snprintf(want, sizeof(want), "/etc/vendd/vendd.ini:12: [vendd] "
	    "state_dir: %s: %s does not exist", f->cf.state_dir, parent);
	assert_string_equal(err, want);
	assert_int_equal(stat(parent, &sb), -1);

	/* the default named as such; and any other error names the key */
	f->cf.state_dir_line = 0;
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "/etc/vendd/vendd.ini: [vendd] state_dir "
	    "(default): "));
	snprintf(f->cf.state_dir, sizeof(f->cf.state_dir), "%s/file",
	    f->root);
	close(open(f->cf.state_dir, O_WRONLY | O_CREAT, 0600));	/* a file */
	f->cf.state_dir_line = 12;
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "vendd.ini:12: [vendd] state_dir: "));
	assert_non_null(strstr(err, "Not a directory"));
}

/* Whether the state dir holds exactly n entries. */
static int
fx_entries(const struct fx *f)
{
	DIR		*d = opendir(f->cf.state_dir);
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* A start that fails leaves nothing it made: no directory, no snapshot,
 * no journal, no snapshot.tmp. */
static void
test_failed_start_leaves_nothing(void **state)
{
	struct fx	*f = *state;
	char		 err[1024];

	/* the directory made, the snapshot written, the journal's zeros
	 * refused: all of it removed */
	t_fail(T_PWRITE, "journal", ENOSPC, 0, -1);
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "No space left on device"));
	assert_int_equal(fx_entries(f), -1);

	/* the directory there (systemd made it), empty: left empty */
	assert_int_equal(mkdir(f->cf.state_dir, 0750), 0);
	fx_open_fails(f, err, sizeof(err));
	assert_int_equal(fx_entries(f), 0);

	/* the first snapshot cannot be written: no snapshot.tmp left */
	t_fail(T_PWRITE, "snapshot.tmp", ENOSPC, 0, -1);
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "no snapshot can be written"));
	assert_int_equal(fx_entries(f), 0);
	t_fail(T_FSYNC, "snapshot.tmp", EIO, 0, -1);
	fx_open_fails(f, err, sizeof(err));
	assert_int_equal(fx_entries(f), 0);

	/* and then it starts: snapshot, journal, event log */
	t_fail_clear();
	fx_open(f);
	assert_int_equal(fx_entries(f), 3);
}

/* Every compact_records (4096 by default) records the journal folds into the
 * snapshot. */
static void
test_compaction_every_n(void **state)
{
	struct fx	*f = *state;
	struct msg_cool	 cs = { 0 };
	struct outbox	 ob;
	uint64_t	 seq0;

	fx_open(f);
	seq0 = f->l.st.seq;
	for (int i = 0; i < 4095; i++)
		assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
		    sizeof(cs), &ob), 0);
	assert_int_equal(f->l.journal_records, 4095);
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
	    sizeof(cs), &ob), 0);
	assert_int_equal(f->l.journal_records, 0);
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
	    sizeof(cs), &ob), 0);
	assert_int_equal(f->l.journal_records, 1);	/* over the first */
	assert_int_equal(fx_size(f, "journal"), JSIZE);
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.c.compressor_starts, 4097);
	assert_int_equal(f->l.st.seq, seq0 + 4097 + 1);
}

/* The 4096th record is answered before the snapshot: ledger_handle only
 * journals it, and ledger_compact_if_due (called once the answer is sent)
 * compacts. */
static void
test_compaction_after_answer(void **state)
{
	struct fx	*f = *state;

	fx_open(f);
	fx_coins_uncompacted(f, 4096);
	assert_int_equal(f->l.journal_records, 4096);
	assert_int_equal(fx_compact_if_due(f), 0);
	assert_int_equal(f->l.journal_records, 0);
	assert_int_equal(fx_compact_if_due(f), 0);		/* nothing to do */
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 4096 * 100);
}

/* [vendd] compact_records sets the interval and the journal's size. */
static void
test_compact_records_configured(void **state)
{
	struct fx	*f = *state;

	f->cf.compact_records = 16;
	fx_open(f);
	assert_int_equal(fx_size(f, "journal"), 16384);	/* 16 + 256 records */
	fx_coins_uncompacted(f, 15);
	assert_int_equal(fx_compact_if_due(f), 0);
	assert_int_equal(f->l.journal_records, 15);
	fx_coins_uncompacted(f, 1);
	assert_int_equal(fx_compact_if_due(f), 0);
	assert_int_equal(f->l.journal_records, 0);
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 16 * 100);
}

/* The one message of a type in an outbox, its index; the test fails
 * unless there is exactly one. */
static int
fx_one(const struct outbox *ob, uint16_t type)
{
	assert_int_equal(outbox_count(ob, type), 1);
	return outbox_find(ob, type);
}

/* The ledger told sales of fault mode: on, off, and why. */
static void
assert_fault_msg(const struct outbox *ob, uint32_t on, uint32_t op, int err,
    uint32_t held)
{
	int	i = fx_one(ob, MSG_LEDGER_FAULT);

	assert_int_equal(ob->dst[i], PROC_SALES);
	assert_int_equal(ob->m[i].u.fault.on, on);
	if (on) {
		assert_int_equal(ob->m[i].u.fault.op, op);
		assert_int_equal(ob->m[i].u.fault.err, err);
		assert_int_equal(ob->m[i].u.fault.held, held);
	}
}

/* A reservation in fault mode is refused, not recorded; a restock too. */
static void
assert_fault_refuses(struct fx *f, uint32_t vend_id, int err)
{
	struct msg_restock rs = { .product = P_WATER, .stock = -1 };
	struct outbox	 ob;
	uint64_t	 seq = f->l.st.seq;
	int64_t		 credit = f->l.st.credit;
	int		 i;

	assert_int_equal(fx_reserve(f, vend_id, P_WATER, &ob), 0);
	i = fx_one(&ob, MSG_VEND_RESULT);
	assert_int_equal(ob.m[i].u.vend.vend_id, vend_id);
	assert_int_equal(ob.m[i].u.vend.ok, 0);
	assert_int_equal(ob.m[i].u.vend.why, VEND_WHY_REFUSED);
	assert_int_equal(fx_msg(f, MSG_RESTOCK, PROC_CONTROL, &rs, sizeof(rs),
	    &ob), 0);
	i = fx_one(&ob, MSG_RESTOCK_DONE);
	assert_int_equal(ob.m[i].u.restock_done.ok, 0);
	assert_int_equal(ob.m[i].u.restock_done.err, err);
	assert_int_equal(outbox_count(&ob, MSG_RESTOCKED), 0);
	assert_int_equal(f->l.st.seq, seq);
	assert_int_equal(f->l.st.credit, credit);
	assert_false(f->l.st.pending.active);
}

/*
 * Fault 9, the compaction: a snapshot the full disk refuses is fault mode
 * at once (sales told, the reason in the status), with no snapshot.tmp
 * left. Records still go into the journal's reserve (a coin in flight),
 * reservations and restocks are refused, and the retry ends it once the
 * disk takes a snapshot again.
 */
static void
test_full_disk_compaction(void **state)
{
	struct fx		*f = *state;
	struct msg_status_ledger sl;
	struct outbox		 ob;

	f->cf.compact_records = 16;
	fx_open(f);
	t_fail(T_PWRITE, "snapshot.tmp", ENOSPC, 0, -1);
	for (int i = 0; i < 15; i++)
		fx_coin(f, 100, 1);
	assert_int_equal(f->after.n, 0);
	fx_coin(f, 100, 1);			/* the 16th: compaction due */
	assert_fault_msg(&f->after, 1, LEDGER_OP_COMPACT, ENOSPC, 0);
	assert_int_equal(fx_size(f, "snapshot.tmp"), -1);
	ledger_status(&f->l, 0, &sl);
	assert_int_equal(sl.fault.on, 1);
	assert_int_equal(sl.fault.op, LEDGER_OP_COMPACT);
	assert_int_equal(sl.fault.err, ENOSPC);

	fx_coin(f, 50, 1);			/* in flight: recorded */
	assert_int_equal(f->after.n, 0);	/* no compaction per message */
	assert_fault_refuses(f, 1, ENOSPC);

	outbox_init(&ob);
	assert_int_equal(ledger_retry(&f->l, &ob), 1);	/* still full */
	assert_int_equal(ob.n, 0);
	assert_int_equal(fx_size(f, "snapshot.tmp"), -1);
	t_fail_clear();
	outbox_init(&ob);
	assert_int_equal(ledger_retry(&f->l, &ob), 0);
	assert_fault_msg(&ob, 0, 0, 0, 0);
	assert_int_equal(f->l.journal_records, 0);
	ledger_status(&f->l, 0, &sl);
	assert_int_equal(sl.fault.on, 0);
	assert_int_equal(fx_reserve(f, 2, P_COLA, &ob), 0);	/* sells */
	assert_int_equal(fx_one(&ob, MSG_ARM_DISPENSE), 0);
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.c.cash_in, 16 * 100 + 50);
	assert_money_invariant(&f->l.st);
}

/*
 * Fault 9, a record: a coin the disk does not take (no space for it, or
 * its sync fails) is held, never lost and never credited before it is
 * durable; a later coin queues behind it, a counter is dropped. The retry
 * writes them in order and credits them, then compacts.
 */
static void
test_full_disk_record_held(void **state)
{
	struct { int op, err; } how[] = {
		{ T_PWRITE, ENOSPC },
		{ T_FDATASYNC, EIO },
	};

	for (size_t k = 0; k < sizeof(how) / sizeof(how[0]); k++) {
		struct fx	*f = *state;
		struct msg_coin_inserted c2 = { .value = 200, .pulses = 8 };
		struct msg_coin_inserted c3 = { .value = 50, .pulses = 2 };
		struct msg_cool	 cs = { 0 };
		struct outbox	 ob;
		int		 i;

		fx_open(f);
		fx_coin(f, 100, 4);
		t_fail(how[k].op, "journal", how[k].err, 0, -1);
		assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c2,
		    sizeof(c2), &ob), 0);
		assert_int_equal(outbox_count(&ob, MSG_CREDIT_ADDED), 0);
		assert_fault_msg(&ob, 1, LEDGER_OP_RECORD, how[k].err, 1);
		assert_int_equal(f->l.st.credit, 100);	/* not yet durable */
		assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c3,
		    sizeof(c3), &ob), 0);
		assert_int_equal(ob.n, 0);
		assert_int_equal(f->l.fault.held, 2);
		assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
		    sizeof(cs), &ob), 0);
		assert_int_equal(f->l.fault.held, 2);	/* dropped */
		assert_fault_refuses(f, 1, how[k].err);

		outbox_init(&ob);
		assert_int_equal(ledger_retry(&f->l, &ob), 1);
		assert_int_equal(ob.n, 0);
		t_fail_clear();
		outbox_init(&ob);
		assert_int_equal(ledger_retry(&f->l, &ob), 0);
		assert_int_equal(ob.n, 3);
		assert_int_equal(ob.m[0].hdr.type, MSG_CREDIT_ADDED);
		assert_int_equal(ob.m[0].u.credit.value, 200);
		assert_int_equal(ob.m[0].u.credit.credit, 300);
		assert_int_equal(ob.m[1].hdr.type, MSG_CREDIT_ADDED);
		assert_int_equal(ob.m[1].u.credit.credit, 350);
		i = fx_one(&ob, MSG_LEDGER_FAULT);
		assert_int_equal(i, 2);
		assert_int_equal(ob.m[i].u.fault.on, 0);
		assert_int_equal(f->l.journal_records, 0);	/* compacted */
		fx_crash(f);
		fx_open(f);
		assert_int_equal(f->l.st.credit, 350);
		assert_int_equal(f->l.st.c.compressor_starts, 0);
		assert_money_invariant(&f->l.st);
		fx_crash(f);
		nftw(f->cf.state_dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Put bytes that are no whole record in the journal's first slot: what a
 * power cut leaves when it tears the record written there. */
static void
fx_tear_first_slot(struct fx *f)
{
	size_t	 len;
	uint8_t	*b = fx_read(f, "journal", &len);

	memset(b + REC / 2, 0xee, REC / 2);
	fx_write(f, "journal", b, len);
	free(b);
}

/*
 * A record whose sync fails and that is not kept (a reservation refused,
 * a counter dropped) may be whole on disk all the same. The retry then
 * compacts and the journal starts again at slot 0, so nothing writes its
 * slot again: the ledger must clear it first, and not compact if it
 * cannot. Else, after a crash, replay applies it (a vend that never
 * happened settled at the start, a dropped counter counted), and if the
 * cut tore the record written at slot 0, the start is refused: a valid
 * record after the journal's end.
 */
static void
test_abandoned_record_cleared(void **state)
{
	struct msg_cool	cs = { 0 };
	struct outbox	ob;
	char		err[512];

	for (int k = 0; k < 4; k++) {
		struct fx	*f = *state;
		int		 counter = k & 1, tear = k & 2;

		fx_open(f);
		fx_coin(f, 200, 8);
		fx_coin(f, 100, 4);
		t_fail(T_FDATASYNC, "journal", EIO, 0, 1);
		if (counter) {
			assert_int_equal(fx_msg(f, MSG_COOL_START,
			    PROC_COOLING, &cs, sizeof(cs), &ob), 0);
			assert_int_equal(f->l.st.c.compressor_starts, 0);
		} else {
			assert_int_equal(fx_reserve(f, 5, P_COLA, &ob), 0);
			assert_int_equal(fx_one(&ob, MSG_VEND_RESULT), 0);
			assert_int_equal(ob.m[0].u.vend.why, VEND_WHY_REFUSED);
		}
		assert_int_equal(f->l.fault.on, 1);
		t_fail(T_PWRITE, "journal", EIO, 0, 1);	/* its zeros fail */
		outbox_init(&ob);
		assert_int_equal(ledger_retry(&f->l, &ob), 1);
		assert_int_equal(f->l.journal_records, 2);	/* not compacted */
		assert_int_equal(fx_size(f, "snapshot.tmp"), -1);
		outbox_init(&ob);
		assert_int_equal(ledger_retry(&f->l, &ob), 0);	/* compacts */
		assert_int_equal(f->l.journal_records, 0);
		fx_crash(f);			/* before the next record */
		if (tear)			/* or in its write */
			fx_tear_first_slot(f);
		if (ledger_open(&f->l, &f->cf, err, sizeof(err)) == -1)
			fail_msg("%s: refused: %s", counter ? "counter" :
			    "reservation", err);
		f->open = 1;
		assert_int_equal(f->l.st.credit, 300);
		assert_int_equal(f->l.st.c.unresolved_settled, 0);
		assert_int_equal(f->l.st.c.compressor_starts, 0);
		assert_money_invariant(&f->l.st);
		fx_crash(f);
		nftw(f->cf.state_dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* More money waiting for the disk than the ledger holds is a loud
 * failure (the shell makes it fatal), never a silent loss. */
static void
test_held_overflow(void **state)
{
	struct fx		*f = *state;
	struct msg_coin_inserted c = { .value = 100, .pulses = 4 };
	struct outbox		 ob;

	fx_open(f);
	t_fail(T_PWRITE, "journal", ENOSPC, 0, -1);
	for (int i = 0; i < LEDGER_HELD_MAX; i++)
		assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c,
		    sizeof(c), &ob), 0);
	errno = 0;
	assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c, sizeof(c),
	    &ob), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(f->l.fault.held, LEDGER_HELD_MAX);
}

/*
 * Fault 9, the start: on a disk that takes no snapshot, a ledger that can
 * still replay opens out of service; the settlement and the start count
 * are journalled instead of compacted. It does so again at the next start,
 * and comes back by itself once the disk takes a snapshot.
 */
static void
test_full_disk_start(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;

	f->cf.compact_records = 16;
	fx_open(f);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 3, P_CHIPS, &ob), 0);	/* pending */
	fx_crash(f);
	t_fail(T_PWRITE, "snapshot.tmp", ENOSPC, 0, -1);
	fx_open(f);
	assert_int_equal(f->l.fault.on, 1);
	assert_int_equal(f->l.fault.op, LEDGER_OP_COMPACT);
	assert_int_equal(f->l.fault.err, ENOSPC);
	assert_int_equal(fx_size(f, "snapshot.tmp"), -1);
	assert_false(f->l.st.pending.active);
	assert_int_equal(f->l.st.credit, 200);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_int_equal(f->l.st.c.startups, 2);
	assert_int_equal(f->l.journal_records, 2 + 2);	/* + settle, start */
	/* the thread's first act: try, still full; sales knows (sales_init) */
	outbox_init(&ob);
	assert_int_equal(ledger_retry(&f->l, &ob), 1);
	assert_int_equal(ob.n, 0);
	fx_coin(f, 100, 4);			/* in flight: recorded */
	assert_fault_refuses(f, 4, ENOSPC);

	fx_crash(f);				/* again, still full */
	fx_open(f);
	assert_int_equal(f->l.fault.on, 1);
	assert_int_equal(f->l.st.credit, 300);
	assert_int_equal(f->l.st.c.startups, 3);
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_money_invariant(&f->l.st);

	t_fail_clear();
	outbox_init(&ob);
	assert_int_equal(ledger_retry(&f->l, &ob), 0);
	/* sales started out of service (sales_init): back in service */
	assert_fault_msg(&ob, 0, LEDGER_OP_COMPACT, 0, 0);
	assert_int_equal(f->l.fault.on, 0);
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.fault.on, 0);
	assert_int_equal(f->l.st.credit, 300);
	assert_int_equal(f->l.st.c.startups, 4);
}

/* A full disk and a config that reordered the products: the new order
 * needs a snapshot, so the start is refused, naming the state dir, and the
 * files are left as they are. */
static void
test_full_disk_start_reordered(void **state)
{
	struct fx	*f = *state;
	char		 err[1024];
	uint8_t		*j0, *j1;
	size_t		 jl0, jl1;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_crash(f);
	f->cf.nproducts = 0;
	fx_product(&f->cf, "water", 100, 10);
	fx_product(&f->cf, "cola", 150, 8);
	fx_product(&f->cf, "chips", 120, 6);
	j0 = fx_read(f, "journal", &jl0);
	t_fail(T_PWRITE, "snapshot.tmp", ENOSPC, 0, -1);
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, f->cf.state_dir));
	assert_non_null(strstr(err, "No space left on device"));
	assert_non_null(strstr(err, "products differ"));
	assert_int_equal(fx_size(f, "snapshot.tmp"), -1);
	j1 = fx_read(f, "journal", &jl1);
	assert_int_equal(jl0, jl1);
	assert_memory_equal(j0, j1, jl0);
	free(j0);
	free(j1);
	t_fail_clear();
	fx_open(f);
	assert_string_equal(f->l.st.product[0].id, "water");
	assert_int_equal(f->l.st.credit, 100);
}

/*
 * The journal's reserve: in fault mode counters go on being recorded until
 * only the money reserve is left, then are dropped; coins fill it; a coin
 * that finds the journal full grows it, or waits if the disk refuses.
 */
static void
test_fault_reserve(void **state)
{
	struct fx		*f = *state;
	struct msg_cool		 cs = { 0 };
	struct msg_coin_inserted c = { .value = 10, .pulses = 1 };
	struct outbox		 ob;
	uint64_t		 slots, starts, coins = 16;

	f->cf.compact_records = 16;
	fx_open(f);
	slots = f->l.journal_cap / REC;
	assert_true(slots >= 16 + 256);
	t_fail(T_PWRITE, "snapshot.tmp", ENOSPC, 0, -1);
	fx_coins_uncompacted(f, 16);
	assert_int_equal(fx_compact_if_due(f), 1);
	while (f->l.journal_records < slots - 64)
		assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
		    sizeof(cs), &ob), 0);
	starts = f->l.st.c.compressor_starts;
	assert_int_equal(fx_msg(f, MSG_COOL_START, PROC_COOLING, &cs,
	    sizeof(cs), &ob), 0);		/* the money reserve: dropped */
	assert_int_equal(f->l.st.c.compressor_starts, starts);
	assert_int_equal(f->l.journal_records, slots - 64);
	for (int i = 0; i < 64; i++, coins++) {
		assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c,
		    sizeof(c), &ob), 0);
		assert_int_equal(fx_one(&ob, MSG_CREDIT_ADDED), 0);
	}
	assert_int_equal(f->l.journal_records, slots);
	/* full: the next coin grows it, but the disk refuses the zeros */
	t_fail(T_PWRITE, "journal", ENOSPC, 0, -1);
	assert_int_equal(fx_msg(f, MSG_COIN_INSERTED, PROC_COIN, &c, sizeof(c),
	    &ob), 0);
	assert_int_equal(ob.n, 0);
	assert_int_equal(f->l.fault.held, 1);
	assert_int_equal(f->l.fault.op, LEDGER_OP_GROW);
	t_fail_clear();
	outbox_init(&ob);
	assert_int_equal(ledger_retry(&f->l, &ob), 0);
	assert_int_equal(fx_one(&ob, MSG_CREDIT_ADDED), 0);
	coins++;
	assert_true(fx_size(f, "journal") > (long)(slots * REC));
	fx_crash(f);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 100 * 16 + 10 * (int64_t)(coins - 16));
	assert_int_equal(f->l.st.c.compressor_starts, starts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_dir_created,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_state_dir_parent_missing,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failed_start_leaves_nothing,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_compaction_every_n,
		    fx_setup_fast, fx_teardown),
		cmocka_unit_test_setup_teardown(test_compaction_after_answer,
		    fx_setup_fast, fx_teardown),
		cmocka_unit_test_setup_teardown(test_compact_records_configured,
		    fx_setup_fast, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_compaction,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_record_held,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_record_cleared,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_held_overflow,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_start,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_start_reordered,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_reserve,
		    fx_setup_fast, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
