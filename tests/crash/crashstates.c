/*
 * Every crash state of a ledger session (issue 14, section 2), as
 * filesystem crash-consistency tools enumerate them (ALICE, OSDI 2014;
 * SQLite's crash-test VFS).
 *
 * 1. A scripted session (crashsession.c: a machine an older vendd ran,
 *    upgraded, then sales, restarts, torn records, the operator's records,
 *    a full disk and records the ledger gave up on) runs the real ledger on a temp dir with its I/O
 *    seam (struct ledger_io) replaced by a recorder that does each call and
 *    logs every mkdir, create, truncate, write, sync, rename and unlink.
 * 2. For every prefix of that log (a crash after each call), and for every
 *    way the calls not yet made durable could have reached the disk, the
 *    state directory the crash leaves is built and the ledger opened on it.
 *
 * The filesystem this assumes (what POSIX and Linux's ext4 allow):
 * - A write not yet synced may be lost, whole or in part: it is torn at
 *   every 512-byte sector boundary, and its sectors land in any subset
 *   and any order (also against other unsynced writes).
 * - fsync or fdatasync of a file makes its data and size durable, not its
 *   name. A truncate is durable after the file's sync.
 * - Directory operations (create, rename, unlink, mkdir) are atomic, reach
 *   the disk in the order they were made (a prefix of those not yet
 *   synced), and are durable after an fsync of their directory (mkdir:
 *   of its parent). They are independent of file data: a rename may land
 *   before an unsynced write to another file.
 * - A file's data lands in its inode whether or not its name did.
 * When a crash point has at most 10 unsynced sectors, every subset is
 * built; above that (the journal's preallocated zeros), every in-order
 * prefix, every single sector lost, every single sector alone, and 16
 * random subsets.
 *
 * For each state: the ledger must open it (refused counts those it does
 * not); the state replayed from its files must be the session's state
 * after exactly k records, for a k between the records acknowledged and
 * the records issued at the crash (lost counts those below; a state equal
 * to none, or a record applied twice, is an invariant violation); the
 * money must add up, replayed and opened: cash_in == credit + paid_value
 * + the pending vend's price (0 once the open settled it), and what the
 * collections took is the cash in at the last one, no more than came in;
 * the opened state must be the replayed one with only the start's records
 * applied (every price, reset base, collection, test vend and service
 * mode kept), and its event log must end at its seq. A state is compared
 * field by field: money, the pending vend and its test flag, every
 * counter and its reset base, the cash box, service mode, each product's
 * stock, state, price and counters. The event log is written around the
 * seam: no state holds it, and the ledger opened on a state makes its
 * own, which goes with the state's directory. The session's
 * states after k records are made by applying each record it wrote to the
 * one before (ledger_replay of that one record), and checked against the
 * ledger's own state wherever the session sees it; a record the ledger
 * gave up on makes a state only until its next compaction (crashrefs.c).
 * A restart of the session that is refused ends the session there; the
 * states up to it are enumerated as usual.
 *
 *   crashstates [-v]	prints one line; exits 1 unless every count is 0
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "log.h"

#include "crashfs.h"
#include "crashrefs.h"
#include "crashsession.h"

#define REPORT_MAX	10		/* failures described in full */

static char		 root[128];
static struct config	 cf;		/* the session's, to open the states */
static FILE		*report;	/* stderr; the ledger's log goes nowhere */
static int		 verbose;

/* Counts: the line the program prints. */
static uint64_t	n_states, n_refused, n_lost, n_violations, n_reported;

/* nftw callback: remove one entry. */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Stop: the test itself failed (not the ledger); its temp dir goes. */
void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(report, "crashstates: ");
	vfprintf(report, fmt, ap);
	fprintf(report, "\n");
	va_end(ap);
	if (root[0] != '\0')
		nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	exit(2);
}

/* Describe a failure (the first few). */
static void __attribute__((format(printf, 2, 3)))
fail(int p, const char *fmt, ...)
{
	struct crash_at	at = crashsession_at(p);
	va_list		ap;

	if (n_reported++ >= REPORT_MAX && !verbose)
		return;
	va_start(ap, fmt);
	fprintf(report, "crashstates: crash before op %d of %d (epoch %d, "
	    "acked %" PRIu64 ", issued %" PRIu64 "): ", p, crash_nops,
	    at.epoch, at.acked, at.issued);
	vfprintf(report, fmt, ap);
	fprintf(report, "\n");
	va_end(ap);
}

/* The money adds up: every coin is credit, paid, the pending price, or
 * change (paid, owed, or asked); the cash box's collections are what came
 * in before the last one. */
static int
money_ok(const struct ledger_state *st)
{
	return st->c.cash_in == st->credit + st->c.paid_value -
	    st->mdb.card_value + (st->pending.active && st->pending.test !=
	    PENDING_CARD ? st->pending.price : 0) +
	    st->mdb.change_paid + st->mdb.owed + st->mdb.payout_amount &&
	    st->c.collected_value == st->cash_in_collected &&
	    st->cash_in_collected <= st->c.cash_in;
}

/*
 * The replayed state with the start's records applied, as the model says
 * them: a note in escrow ended as decided (stacked: credit), a card vend
 * asked and unanswered denied, a pending vend settled in full (to the
 * credit, or to the card), the start counted.
 */
static void
expected_open(const struct ledger_state *rs, struct ledger_state *e)
{
	*e = *rs;
	if (e->mdb.escrow_active) {
		if (e->mdb.escrow_stack) {
			e->credit += e->mdb.escrow_value;
			e->c.cash_in += e->mdb.escrow_value;
			e->mdb.notes_in += e->mdb.escrow_value;
			e->mdb.notes++;
		} else
			e->mdb.notes_returned++;
		e->mdb.escrow_active = 0;
		e->seq++;
	}
	if (e->mdb.card_asked) {
		e->mdb.card_denied++;
		e->mdb.card_asked = 0;
		e->seq++;
	}
	if (e->pending.active) {
		if (e->pending.test == PENDING_CARD) {
			e->mdb.card_failed++;
			e->mdb.card_refunded += e->pending.price;
		} else
			e->credit += e->pending.price;
		e->c.unresolved_settled++;
		e->pending.active = 0;
		e->pending.product = 0;
		e->pending.test = 0;
		e->pending.price = 0;
		e->seq++;
	}
	e->c.startups++;
	e->seq++;
}

/* Whether the opened state is expected_open's and nothing else: prices,
 * reset bases, collections, test vends, service mode kept. */
static int
opened_ok(const struct ledger_state *rs, const struct ledger_state *os)
{
	struct ledger_state	e;

	expected_open(rs, &e);
	return crashrefs_equal(&e, os);
}

/* The state the model holds, replayed: see crashrefs_replay. */
static int
mfs_replay(const struct mfs *fs, struct ledger_state *st, char *err,
    size_t errlen)
{
	const struct mfile *sf = crashfs_find(fs, "snapshot");
	const struct mfile *jf = crashfs_find(fs, "journal");

	return crashrefs_replay(sf ? sf->b : NULL, sf ? sf->len : 0, sf != NULL,
	    jf ? jf->b : NULL, jf ? jf->len : 0, st, err, errlen);
}

/* One crash state: replay its files, open it, check it. */
static void
check_state(const struct mfs *fs, int p)
{
	struct crash_at		 at = crashsession_at(p);
	struct ledger_state	 rs, es;
	struct ledger		 l;
	char			 cdir[200], sdir[220], err[512];
	int			 rc;

	n_states++;
	rc = mfs_replay(fs, &rs, err, sizeof(err));
	snprintf(cdir, sizeof(cdir), "%s/crash", root);
	snprintf(sdir, sizeof(sdir), "%s/state", cdir);
	crashfs_write(fs, cdir, sdir);
	snprintf(cf.state_dir, sizeof(cf.state_dir), "%s", sdir);
	if (ledger_open(&l, &cf, err, sizeof(err)) == -1) {
		n_refused++;
		fail(p, "refused: %s", err);
		goto out;
	}
	if (rc == -1) {
		n_violations++;
		fail(p, "opened, but its files do not replay: %s", err);
	} else if (rc == 1 ? at.acked > 0 : rs.seq < at.acked) {
		n_lost++;
		fail(p, "lost: seq %" PRIu64 " recovered", rs.seq);
	} else if (rc == 0 && (rs.seq > at.issued ||
	    !crashrefs_match(at.epoch, &rs, p))) {
		n_violations++;
		fail(p, "seq %" PRIu64 " recovered is no state the session "
		    "had", rs.seq);
	} else if (rc == 0 && (expected_open(&rs, &es), !money_ok(&rs) ||
	    !money_ok(&l.st) || l.st.pending.active || l.st.credit != es.credit ||
	    l.st.c.cash_in != es.c.cash_in ||
	    l.st.c.paid_value != rs.c.paid_value)) {
		n_violations++;
		fail(p, "money: replayed credit %" PRId64 " cash_in %" PRId64
		    ", opened credit %" PRId64 " cash_in %" PRId64, rs.credit,
		    rs.c.cash_in, l.st.credit, l.st.c.cash_in);
	} else if (rc == 0 && !opened_ok(&rs, &l.st)) {
		n_violations++;
		fail(p, "opened at seq %" PRIu64 ": not the replayed state %"
		    PRIu64 " with a settlement and a start", l.st.seq, rs.seq);
	} else if (rc == 1 && !money_ok(&l.st)) {
		n_violations++;
		fail(p, "money of a fresh start");
	} else if (l.events.fd == -1 || l.events.next != l.st.seq + 1) {
		n_violations++;
		fail(p, "opened at seq %" PRIu64 ", its event log ends at %"
		    PRIu64, l.st.seq, l.events.next ? l.events.next - 1 : 0);
	}
	ledger_close(&l);
out:
	nftw(cdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A temp dir for the session and the states: tmpfs if there is one. */
static void
make_root(void)
{
	struct stat	sb;
	const char	*base = stat("/dev/shm", &sb) == 0 &&
			    access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(root, sizeof(root), "%s/crashstates.XXXXXX", base);
	if (mkdtemp(root) == NULL)
		die("mkdtemp %s: %s", root, strerror(errno));
}

int
main(int argc, char *argv[])
{
	int	devnull;

	if (argc == 2 && strcmp(argv[1], "-v") == 0)
		verbose = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: crashstates [-v]\n");
		return 2;
	}
	/* the ledger logs every settled vend and torn record: not here */
	if ((report = fdopen(dup(STDERR_FILENO), "w")) == NULL ||
	    (devnull = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(devnull, STDERR_FILENO) == -1)
		return 2;
	setvbuf(report, NULL, _IOLBF, 0);
	log_init("crashstates", 0);
	make_root();
	/* a session that ended early (-1) is enumerated all the same */
	crashsession_run(root, report);
	cf = *crashsession_config();
	crashfs_durability();
	for (int p = 0; p <= crash_nops; p++)
		crashfs_states(p, check_state);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (verbose)
		fprintf(report, "crashstates: %d ops in the session, %d "
		    "reference states\n", crash_nops, crashrefs_count());
	printf("crashstates: states=%" PRIu64 " refused=%" PRIu64 " lost=%"
	    PRIu64 " invariant_violations=%" PRIu64 "\n", n_states, n_refused,
	    n_lost, n_violations);
	crashfs_free();
	return n_refused || n_lost || n_violations ? 1 : 0;
}
