/*
 * The session of crashstates (see crashstates.c): the real ledger on a temp
 * dir, its I/O seam (struct ledger_io) replaced by a recorder that does
 * each call and logs it in crash_ops (crashfs.h), and the reference states
 * its records make (crashrefs.c). The session: a machine an older vendd
 * ran (the start-up compaction of a fresh machine, 300 records, the
 * compaction after them and that vendd's clearing of the journal: see
 * sess_older_vendd), upgraded; then coins, vends (committed, failed, left
 * pending), a restock, counters, periodic compactions ([vendd]
 * compact_records lowered to 16), a record torn by a crash in its write, a
 * restart that settles the pending vend, more records and compactions, a
 * clean restart, the operator's records (prices, service mode, test vends,
 * a collection, audit resets; a test vend cut by a power cut in its
 * commit's write, and the restart that settles it: see sess_operator),
 * the MDB peripherals' notes and card vends, settled by a restart (see
 * sess_mdb), a
 * full disk (fault mode, held coins, an operator's request refused, a
 * start on it), and records whose sync failed and that the ledger gave up
 * on (a counter dropped, a reservation refused), each followed by the
 * retry's compaction and more records, the reservation's first one torn.
 *
 * The event log ("events", "events.old") is written beside the journal
 * without the seam, on purpose (it is no money): the recorder never sees
 * it, and dies if the ledger ever passes it through the seam.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "msg.h"

#include "crashfs.h"
#include "crashrefs.h"
#include "crashsession.h"

#define COMPACT_RECORDS	16		/* [vendd] compact_records, lowered */
#define OLDER_RECORDS	300		/* the older vendd's records */

/* The session's accounting, stamped on each op it makes. */
static uint64_t		 sess_acked, sess_issued;
static int		 sess_epoch;

/* The recorder's view: real inodes to model ones and the name each was
 * created as ("snapshot.tmp" keeps its name here after its rename). */
static struct { dev_t dev; ino_t ino; char name[16]; } real_ino[CRASH_INO_MAX];
static int		 nino;
static int		 recording, tear_next_journal_write;
/* A disk that fails: calls of fail_op on the file created as fail_name. */
enum { F_NONE, F_PWRITE, F_FDATASYNC };
static int		 fail_op, fail_err;
static const char	*fail_name;
static const char	*root;		/* the session's temp dir */
static char		 state_dir[160];
static struct config	 cf;
static struct ledger	 led;
static FILE		*report;	/* crashstates' stderr */

/* ---- the recorder: the ledger's I/O seam ---- */

/* Log one op, stamped with the session's accounting. */
static struct op *
op_add(int kind)
{
	struct op	*o = crashfs_add(kind);

	o->acked = sess_acked;
	o->issued = sess_issued;
	o->epoch = sess_epoch;
	return o;
}

/* The event log goes around the seam: a name of it here is a change of
 * design the model does not know (its files would count in
 * CRASH_NAMES_MAX and be enumerated as the ledger's). */
static void
not_events(const char *name)
{
	if (recording && strncmp(name, LEDGER_EVENTS,
	    strlen(LEDGER_EVENTS)) == 0)
		die("the event log's %s passed through the ledger's I/O seam",
		    name);
}

/* The model inode of an open fd, or -1. */
static int
ino_of(int fd)
{
	struct stat	sb;

	if (fstat(fd, &sb) == -1)
		return -1;
	for (int i = nino - 1; i >= 0; i--)
		if (real_ino[i].dev == sb.st_dev && real_ino[i].ino == sb.st_ino)
			return i;
	return -1;
}

/* Whether fd is the directory at path. */
static int
fd_is_dir(int fd, const char *path)
{
	struct stat	a, b;

	return fstat(fd, &a) == 0 && S_ISDIR(a.st_mode) &&
	    stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* openat: a name that did not exist is a create, O_TRUNC a truncate. */
static int
rec_openat(int dirfd, const char *name, int flags, ...)
{
	struct stat	 sb;
	struct op	*o;
	va_list		 ap;
	mode_t		 mode = 0;
	int		 fd, existed;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	not_events(name);
	existed = fstatat(dirfd, name, &sb, 0) == 0;
	if ((fd = openat(dirfd, name, flags, mode)) == -1 || !recording)
		return fd;
	if (!existed) {
		if (nino == CRASH_INO_MAX || fstat(fd, &sb) == -1)
			die("too many files");
		real_ino[nino].dev = sb.st_dev;
		real_ino[nino].ino = sb.st_ino;
		snprintf(real_ino[nino].name, sizeof(real_ino[nino].name), "%s",
		    name);
		o = op_add(OP_CREATE);
		o->ino = nino++;
		snprintf(o->name, sizeof(o->name), "%s", name);
	} else if (flags & O_TRUNC) {
		o = op_add(OP_TRUNC);
		o->ino = ino_of(fd);
	}
	return fd;
}

/* Whether this call on fd is one the failing disk refuses. */
static int
disk_fails(int op, int fd)
{
	int	ino = ino_of(fd);

	if (!recording || op != fail_op || ino < 0 || fail_name == NULL ||
	    strcmp(real_ino[ino].name, fail_name) != 0)
		return 0;
	errno = fail_err;
	return 1;
}

/* pwrite: the bytes written; the write chosen to tear stops at 24. A
 * whole record (not zeros) written to the journal extends the reference
 * states. */
static ssize_t
rec_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct op	*o;
	ssize_t		 n;
	int		 ino = ino_of(fd), journal, tear = 0;

	if (disk_fails(F_PWRITE, fd))
		return -1;
	journal = ino >= 0 && strcmp(real_ino[ino].name, "journal") == 0;
	if (recording && tear_next_journal_write && journal && len == 48) {
		tear = 1;
		len = 24;
		tear_next_journal_write = 0;
	}
	if ((n = pwrite(fd, buf, len, off)) <= 0 || !recording)
		return n;
	if (ino < 0)
		die("pwrite to a file not created in the session");
	o = op_add(OP_WRITE);
	o->ino = ino;
	o->off = (size_t)off;
	o->len = (size_t)n;
	if ((o->data = malloc((size_t)n)) == NULL)
		die("malloc");
	memcpy(o->data, buf, (size_t)n);
	crashrefs_unchain();
	if (tear) {		/* the process died in its write */
		errno = EIO;
		return -1;
	}
	if (journal && n == 48 && off % 48 == 0 && memcmp(buf, "VNDJ", 4) == 0)
		crashrefs_chain(sess_epoch, buf);
	return n;
}

/* A sync: of a file, of the state dir, or of its parent. */
static void
rec_sync(int fd)
{
	struct op	*o;

	if (!recording)
		return;
	if (fd_is_dir(fd, state_dir)) {
		op_add(OP_DIRSYNC);
		crashrefs_expire(crash_nops - 1);
	} else if (fd_is_dir(fd, root))
		op_add(OP_PARENTSYNC);
	else if ((o = op_add(OP_SYNC)), (o->ino = ino_of(fd)) < 0)
		die("sync of a file not created in the session");
}

/* fsync, recorded. */
static int
rec_fsync(int fd)
{
	int	rc = fsync(fd);

	if (rc == 0)
		rec_sync(fd);
	return rc;
}

/* fdatasync, recorded; the failing disk's fails, its data left unsynced
 * (and the journal's last record is one the ledger may give up on). */
static int
rec_fdatasync(int fd)
{
	int	rc;

	if (disk_fails(F_FDATASYNC, fd)) {
		if (strcmp(fail_name, "journal") == 0)
			crashrefs_abandon();
		return -1;
	}
	rc = fdatasync(fd);

	if (rc == 0)
		rec_sync(fd);
	return rc;
}

/* renameat within the state dir, recorded. */
static int
rec_renameat(int fromdir, const char *from, int todir, const char *to)
{
	struct op	*o;
	int		 rc;

	not_events(from);
	not_events(to);
	rc = renameat(fromdir, from, todir, to);
	if (rc == 0 && recording) {
		o = op_add(OP_RENAME);
		snprintf(o->name, sizeof(o->name), "%s", from);
		snprintf(o->to, sizeof(o->to), "%s", to);
	}
	return rc;
}

/* unlinkat, recorded. */
static int
rec_unlinkat(int dirfd, const char *name, int flags)
{
	struct op	*o;
	int		 rc;

	not_events(name);
	rc = unlinkat(dirfd, name, flags);
	if (rc == 0 && recording) {
		o = op_add(OP_UNLINK);
		snprintf(o->name, sizeof(o->name), "%s", name);
	}
	return rc;
}

/* mkdir: only the state dir's is a state change. */
static int
rec_mkdir(const char *path, mode_t mode)
{
	int	rc = mkdir(path, mode);

	if (rc == 0 && recording && strcmp(path, state_dir) == 0)
		op_add(OP_MKDIR);
	return rc;
}

static const struct ledger_io recorder = {
	.openat = rec_openat,
	.pwrite = rec_pwrite,
	.fsync = rec_fsync,
	.fdatasync = rec_fdatasync,
	.renameat = rec_renameat,
	.unlinkat = rec_unlinkat,
	.mkdir = rec_mkdir,
	.close = close,
};

/* ---- the session ---- */

/* Fill one product of the session's config. */
static void
cf_product(const char *id, int64_t price, int capacity)
{
	struct product_conf *p = &cf.product[cf.nproducts++];

	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->label, sizeof(p->label), "%s", id);
	p->price = price;
	p->capacity = capacity;
}

/* A whole file of the state dir, or NULL (len 0) if it is missing. */
static uint8_t *
file_read(const char *dir, const char *name, size_t *len)
{
	char		 path[256];
	struct stat	 sb;
	uint8_t		*b;
	int		 fd;

	*len = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || (b = malloc((size_t)sb.st_size + 1)) ==
	    NULL || read(fd, b, (size_t)sb.st_size) != sb.st_size)
		die("%s: %s", path, strerror(errno));
	close(fd);
	*len = (size_t)sb.st_size;
	return b;
}

/* What a fresh machine starts from: every column full, nothing counted. */
static void
fresh_state(struct ledger_state *st)
{
	memset(st, 0, sizeof(*st));
	st->nproducts = (uint32_t)cf.nproducts;
	for (int i = 0; i < cf.nproducts; i++) {
		snprintf(st->product[i].id, VENDD_ID_MAX, "%s", cf.product[i].id);
		st->product[i].stock = cf.product[i].capacity;
	}
}

/* The ledger's state is durable: acknowledged, and it must be the state
 * its records made. */
static void
sess_ack(void)
{
	const struct ledger_state *ref = crashrefs_find(sess_epoch, led.st.seq);

	if (ref == NULL || !crashrefs_equal(ref, &led.st))
		die("the ledger's state at seq %" PRIu64 " is not the one its "
		    "records make", led.st.seq);
	sess_acked = led.st.seq;
}

/* Retry a failing disk, as the ledger's timer does, until it stops asking
 * to be called again; whether fault mode is over. */
static int
sess_retry(void)
{
	struct outbox	ob;
	uint64_t	seq0 = led.st.seq;
	int		rc;

	sess_issued = led.st.seq + led.fault.held > sess_issued ?
	    led.st.seq + led.fault.held : sess_issued;
	do {
		outbox_init(&ob);
		if ((rc = ledger_retry(&led, &ob)) == -1)
			die("retry: a held record is refused");
	} while (rc == 2);
	if (led.st.seq != seq0)
		sess_ack();
	return rc == 0;
}

/* Open (or reopen) the session's ledger: a new epoch, the start issued.
 * -1 if its own files are refused: the session cannot go on (the state is
 * among those enumerated, and counted there). */
static int
sess_open(void)
{
	struct ledger_state	 base;
	uint8_t			*s, *j;
	size_t			 sl, jl;
	char			 err[512];
	int			 rc;

	s = file_read(state_dir, "snapshot", &sl);
	j = file_read(state_dir, "journal", &jl);
	rc = crashrefs_replay(s, sl, s != NULL, j, jl, &base, err, sizeof(err));
	free(s);
	free(j);
	if (rc == -1) {
		fprintf(report, "crashstates: the session's restart is "
		    "refused, it ends there: %s\n", err);
		return -1;
	}
	sess_epoch++;
	if (rc == 1)		/* a fresh machine: no snapshot yet */
		fresh_state(&base);
	/* what the new epoch may recover: the earlier states up to its base */
	crashrefs_carry(sess_epoch, base.seq);
	if (rc == 1)
		crashrefs_add(sess_epoch, &base);
	sess_acked = base.seq;
	sess_issued = base.seq + LEDGER_START_RECORDS;	/* a payout, a note, a
					 * card vend, a settlement, the start */
	if (ledger_open(&led, &cf, err, sizeof(err)) == -1)
		die("session: ledger_open: %s", err);
	if (!led.fault.on)	/* else its records made it: crashrefs_chain */
		crashrefs_add(sess_epoch, &led.st);
	sess_ack();
	return 0;
}

/* The daemon stops or dies: the files stay as they are. */
static void
sess_close(void)
{
	ledger_close(&led);
}

/* One message through the ledger as its thread handles it; 0, or -1 if
 * the ledger failed (the session then treats it as a crash). */
static int
sess_msg(uint16_t type, int src, const void *pl, size_t len)
{
	struct msg	m;
	struct outbox	ob;
	uint64_t	seq0 = led.st.seq;
	int		rc;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.src = (uint16_t)src;
	m.hdr.len = (uint16_t)len;
	memcpy(&m.u, pl, len);
	if (led.st.seq + 1 > sess_issued)
		sess_issued = led.st.seq + 1;
	outbox_init(&ob);
	rc = ledger_handle(&led, &m, &ob);
	if (led.st.seq != seq0)		/* durable: acknowledged */
		sess_ack();
	outbox_init(&ob);		/* as the shell, after sending */
	if (rc == 0)
		ledger_compact_if_due(&led, &ob);
	return rc;
}

/* A coin of value. */
static int
sess_coin(int64_t value)
{
	struct msg_coin_inserted c = { .value = value, .pulses = 1 };

	return sess_msg(MSG_COIN_INSERTED, PROC_COIN, &c, sizeof(c));
}

/* Arm's end of vend id of product p at price, as arm sends it (no test
 * flag: the ledger knows the pending vend's). */
static void
sess_arm_done(uint32_t id, uint32_t p, int64_t price, int ok)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .price = price,
			    .ok = (uint32_t)ok, .attempts = 1,
			    .why = ok ? 0 : VEND_WHY_NO_DROP };

	if (sess_msg(MSG_ARM_DONE, PROC_ARM, &v, sizeof(v)) == -1)
		die("arm done refused");
}

/* A vend of product p at price (a test vend: test, price 0): reserved,
 * then (if done) its outcome. */
static void
sess_vend_at(uint32_t id, uint32_t p, int64_t price, int test, int done,
    int ok)
{
	struct msg_vend	v = { .vend_id = id, .product = p, .price = price,
			    .test = (uint32_t)test };

	if (sess_msg(MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v)) == -1)
		die("reserve refused");
	if (!led.st.pending.active)	/* fault mode: refused, not sold */
		return;
	if (done)
		sess_arm_done(id, p, price, ok);
}

/* A paid vend of product p at its price now. */
static void
sess_vend(uint32_t id, uint32_t p, int done, int ok)
{
	sess_vend_at(id, p, ledger_price(&led.st, &cf, (int)p), 0, done, ok);
}

/* Counters that move no money: a noise train, the compressor, a sold-out. */
static void
sess_counters(void)
{
	struct msg_coin_count	cc = { .count = 2 };
	struct msg_cool		cs = { 0 }, ce = { .run_s = 240 };
	struct msg_select	sel = { .product = 2 };

	sess_msg(MSG_COIN_NOISE, PROC_COIN, &cc, sizeof(cc));
	sess_msg(MSG_COOL_START, PROC_COOLING, &cs, sizeof(cs));
	sess_msg(MSG_COOL_STOP, PROC_COOLING, &ce, sizeof(ce));
	sess_msg(MSG_VEND_SOLD_OUT, PROC_SALES, &sel, sizeof(sel));
}

/* A shop's quarter hour: coins, a sale, a failed vend, a restock, counters
 * (20 records, more than a compaction's 16). */
static void
sess_round(uint32_t *vid)
{
	struct msg_restock	rs = { .product = 1, .stock = -1,
				       .clear_fault = 1 };

	for (int i = 0; i < 6; i++)
		sess_coin(i % 2 ? 50 : 100);
	sess_vend(++*vid, 0, 1, 1);		/* cola sold */
	sess_vend(++*vid, 1, 1, 0);		/* water fails: out of order */
	sess_msg(MSG_RESTOCK, PROC_CONTROL, &rs, sizeof(rs));
	sess_counters();
	sess_coin(200);
	sess_vend(++*vid, 2, 1, 1);		/* chips sold */
}

/* A message of the MDB activity's, which the ledger must take. */
static void
sess_mdb_msg(uint16_t type, const void *pl, size_t len)
{
	if (sess_msg(type, PROC_MDB, pl, len) == -1)
		die("%s refused", msg_type_name(type));
}

/*
 * The MDB peripherals' money: a changer's coins; a note escrowed to be
 * stacked and stacked, one given back; a card vend asked, approved and
 * sold, one denied, one approved and not dropped (the card refunded); a
 * note escrowed and a card vend approved when a crash cuts them (the
 * restart settles both as the ledger decided).
 */
static int
sess_mdb(uint32_t *vid)
{
	struct msg_mdb_coin	mc = { .value = 50, .type = 3, .routing = 1 };
	struct msg_note		n = { .value = 500, .type = 0, .stack = 1 };
	struct msg_vend		v = { .product = 0, .card = 1 };

	sess_mdb_msg(MSG_MDB_COIN, &mc, sizeof(mc));
	sess_mdb_msg(MSG_NOTE_ESCROW, &n, sizeof(n));
	sess_mdb_msg(MSG_NOTE_DONE, &n, sizeof(n));
	n.stack = 0;
	sess_mdb_msg(MSG_NOTE_ESCROW, &n, sizeof(n));
	sess_mdb_msg(MSG_NOTE_DONE, &n, sizeof(n));
	for (int k = 0; k < 4; k++) {
		v.vend_id = ++*vid;
		v.price = ledger_price(&led.st, &cf, 0);
		v.ok = 0;
		if (sess_msg(MSG_VEND_RESERVE, PROC_SALES, &v, sizeof(v)) == -1)
			die("card vend refused");
		v.ok = k != 1;			/* the second is denied */
		sess_mdb_msg(MSG_CARD_RESULT, &v, sizeof(v));
		if (k == 3)
			break;			/* approved, cut by the crash */
		if (v.ok)
			sess_arm_done(v.vend_id, 0, v.price, k == 0);
	}
	n.stack = 1;
	sess_mdb_msg(MSG_NOTE_ESCROW, &n, sizeof(n));
	sess_close();
	if (sess_open() == -1)
		return -1;
	if (led.st.mdb.escrow_active || led.st.pending.active ||
	    led.st.mdb.card_vends != 1 || led.st.mdb.card_failed != 2 ||
	    led.st.mdb.card_denied != 1 ||
	    led.st.mdb.notes + led.st.mdb.notes_returned != 3)
		die("the notes and card vends not settled as decided: escrow %d pending %d sold %llu failed %llu denied %llu notes %llu", led.st.mdb.escrow_active, led.st.pending.active, (unsigned long long)led.st.mdb.card_vends, (unsigned long long)led.st.mdb.card_failed, (unsigned long long)led.st.mdb.card_denied, (unsigned long long)led.st.mdb.notes);
	return 0;
}

/* A request of the operator's through the ledger; whether it was recorded. */
static int
sess_operator_msg(uint16_t type, const void *pl, size_t len)
{
	uint64_t	seq0 = led.st.seq;

	if (sess_msg(type, PROC_CONTROL, pl, len) == -1)
		die("%s refused", msg_type_name(type));
	return led.st.seq != seq0;
}

/* Service mode on or off, by the door or vendctl, as sales journals it. */
static void
sess_service(int on, uint32_t why)
{
	struct msg_service	sv = { .on = (uint32_t)on, .why = why };

	if (sess_msg(MSG_SERVICE_REC, PROC_SALES, &sv, sizeof(sv)) == -1)
		die("service record refused");
}

/* vendctl price: price, or (-1) the INI's again. */
static int
sess_price(uint32_t p, int64_t price)
{
	struct msg_price	pr = { .product = p, .is_default = price < 0,
				       .price = price < 0 ? 0 : price };

	return sess_operator_msg(MSG_PRICE_SET, &pr, sizeof(pr));
}

/* The audit's reset with the token of the counters now (right), or not. */
static int
sess_audit_reset(int right)
{
	struct msg_token	t = { .token = ledger_audit_token(&led.st,
				    (uint32_t)cf.nproducts) };

	if (!right)
		t.token ^= 1;
	return sess_operator_msg(MSG_AUDIT_RESET, &t, sizeof(t));
}

/*
 * The operator's day: cola's price changed between a customer's choice
 * and the vend (sold at the price shown, then one at the new price); the
 * door opened (service mode) and two test vends, one that drops and puts
 * the failed water back in order, one that does not; the door closed;
 * cola's INI price again; the cash box collected; the audit reset with
 * the report's token, and refused with a stale one; vendctl service on;
 * a test vend whose commit a power cut tears in its write, and vendd
 * restarts (the test vend settled: no money; service mode kept); service
 * off. -1: the restart was refused.
 */
static int
sess_operator(uint32_t *vid)
{
	struct msg_flag	f = { .on = 1 };
	int64_t		shown = ledger_price(&led.st, &cf, 0), credit;
	uint64_t	paid;

	for (int i = 0; i < 4; i++)
		sess_coin(100);
	if (!sess_price(0, shown + 20))
		die("price not recorded");
	sess_vend_at(++*vid, 0, shown, 0, 1, 1);	/* chosen before */
	sess_vend(++*vid, 0, 1, 1);			/* at the new price */
	sess_vend(++*vid, 1, 1, 0);			/* water fails */
	sess_service(1, SERVICE_DOOR);
	credit = led.st.credit;
	paid = led.st.c.paid_vends;
	sess_vend_at(++*vid, 1, 0, 1, 1, 1);		/* drops: in order */
	sess_vend_at(++*vid, 2, 0, 1, 1, 0);		/* does not */
	if (led.st.credit != credit || led.st.c.paid_vends != paid ||
	    led.st.product[1].state != PRODUCT_OK || led.st.c.test_vends == 0)
		die("test vends moved money or left the column out of order");
	sess_service(0, SERVICE_DOOR);
	if (!sess_price(0, -1) ||
	    !sess_operator_msg(MSG_COLLECT, &f, sizeof(f)))
		die("price or collection not recorded");
	if (!sess_audit_reset(1) || sess_audit_reset(0))
		die("audit reset: the right token refused or a stale taken");
	sess_service(1, SERVICE_COMMAND);
	sess_vend_at(++*vid, 0, 0, 1, 0, 0);		/* a test vend */
	tear_next_journal_write = 1;
	sess_arm_done(*vid, 0, 0, 1);			/* its commit torn */
	if (tear_next_journal_write)
		die("the torn write did not happen");
	sess_close();
	if (sess_open() == -1)
		return -1;
	if (!led.st.service_cmd || led.st.pending.active)
		die("restart: service mode lost or the test vend not settled");
	sess_service(0, SERVICE_COMMAND);
	sess_round(vid);
	return 0;
}

/* From now on the disk refuses op on the file created as name. */
static void
disk_fail(const char *name, int op, int err)
{
	fail_name = name;
	fail_op = op;
	fail_err = err;
}

/*
 * A full disk: a compaction fails (fault mode), records go on into the
 * journal's reserve, a coin whose sync fails is held with one behind it, a
 * retry writes them, a reservation and a price change are refused (not
 * recorded), a restart on the full disk journals its records, and the disk
 * recovers. -1: the restart was refused.
 */
static int
sess_full_disk(uint32_t *vid)
{
	disk_fail("snapshot.tmp", F_PWRITE, ENOSPC);
	sess_round(vid);			/* its compaction fails */
	if (!led.fault.on)
		die("no fault mode on a full disk");
	sess_coin(100);				/* in flight */
	disk_fail("journal", F_FDATASYNC, EIO);
	sess_coin(200);				/* held */
	sess_coin(50);				/* held behind it */
	if (sess_retry())
		die("fault mode ended on a failing disk");
	disk_fail("snapshot.tmp", F_PWRITE, ENOSPC);
	if (sess_retry())			/* held written, no snapshot */
		die("fault mode ended on a full disk");
	sess_coin(100);
	sess_vend(++*vid, 0, 0, 0);		/* refused */
	if (sess_price(2, 130))			/* answered, not recorded */
		die("a price recorded in fault mode");
	sess_close();				/* a restart, still full */
	if (sess_open() == -1)
		return -1;
	if (!led.fault.on)
		die("a start on a full disk not in fault mode");
	sess_coin(100);
	disk_fail(NULL, F_NONE, 0);		/* space again */
	if (!sess_retry())
		die("fault mode did not end");
	sess_round(vid);
	return 0;
}

/* The next record is cut by a power cut in its write; vendd restarts.
 * -1: the restart was refused. */
static int
sess_torn_restart(void)
{
	tear_next_journal_write = 1;
	if (sess_coin(100) == 0 && tear_next_journal_write)
		die("the torn write did not happen");
	sess_close();
	return sess_open();
}

/*
 * Records the ledger gives up on, each whole on disk all the same: a
 * counter whose sync fails (dropped), then a reservation whose sync fails
 * (refused). Each time the retry compacts and the journal starts again at
 * slot 0, over older records, and more records follow; after the
 * reservation's retry the first of them is torn by a power cut, and vendd
 * restarts. -1: the restart was refused.
 */
static int
sess_abandoned(uint32_t *vid)
{
	struct msg_cool	cs = { 0 };

	disk_fail("journal", F_FDATASYNC, EIO);
	sess_msg(MSG_COOL_START, PROC_COOLING, &cs, sizeof(cs));  /* dropped */
	disk_fail(NULL, F_NONE, 0);
	if (!led.fault.on || !sess_retry())
		die("a counter whose sync failed");
	sess_round(vid);
	disk_fail("journal", F_FDATASYNC, EIO);
	sess_vend(++*vid, 0, 1, 1);		/* refused */
	disk_fail(NULL, F_NONE, 0);
	if (!led.fault.on || led.st.pending.active || !sess_retry())
		die("a reservation whose sync failed");
	if (sess_torn_restart() == -1)
		return -1;
	sess_round(vid);
	return 0;
}

/*
 * The session begins on a machine run by an older vendd, cut by a power
 * cut while it cleared its journal, then upgraded: issue 14's fault 1,
 * enumerated. Until that fault was fixed, a compaction, once its snapshot
 * was durable, zeroed the journal's used bytes a page at a time from
 * offset 0 and synced them; a cut in between left slots half zeros, half
 * old records, which the vendd of that time refused. Today's vendd never
 * clears the journal, so only an upgraded machine can hold such a state,
 * and today's vendd must open every prefix and tear of that clear.
 * The fresh start, the records and the snapshot covering them are written
 * by today's ledger: their formats, writes and syncs are what that
 * vendd's were (the journal's size aside, which plays no part). That vendd
 * compacted at every start and every 4096 records; here the compaction
 * comes after 300 records, the reproduction. Only the clear is
 * gone, so the session writes it through the recorder right after the
 * snapshot, as that compaction did. -1: the restart was refused.
 */
static int
sess_older_vendd(void)
{
	static const uint8_t	zeros[4096];
	size_t			used = OLDER_RECORDS * 48, n;

	cf.compact_records = OLDER_RECORDS;
	if (sess_open() == -1)			/* a fresh machine */
		return -1;
	for (int i = 0; i < OLDER_RECORDS; i++)
		sess_coin(i % 2 ? 50 : 100);
	if (led.journal_records != 0)
		die("no compaction after the older vendd's records");
	for (size_t off = 0; off < used; off += n) {
		n = used - off < sizeof(zeros) ? used - off : sizeof(zeros);
		if (rec_pwrite(led.journal_fd, zeros, n, (off_t)off) !=
		    (ssize_t)n)
			die("clearing the journal: %s", strerror(errno));
	}
	if (rec_fdatasync(led.journal_fd) == -1)
		die("clearing the journal: %s", strerror(errno));
	sess_close();				/* the upgrade */
	cf.compact_records = COMPACT_RECORDS;
	return sess_open();
}

/* The scripted session; the recorder logs every op it makes. -1: a
 * restart was refused and the session ended there. */
static int
session(void)
{
	uint32_t	vid = 0;

	if (sess_older_vendd() == -1)
		return -1;
	for (int i = 0; i < 4; i++)
		sess_round(&vid);		/* a compaction each */
	sess_coin(100);
	sess_vend(++vid, 2, 0, 0);		/* left pending */
	if (sess_torn_restart() == -1)		/* settles the vend */
		return -1;
	for (int i = 0; i < 3; i++)
		sess_round(&vid);
	for (int i = 0; i < 5; i++)
		sess_coin(100);
	sess_vend(++vid, 0, 0, 0);		/* pending again */
	sess_close();				/* a crash between records */
	if (sess_open() == -1)
		return -1;
	for (int i = 0; i < 3; i++)
		sess_round(&vid);
	sess_close();				/* a clean stop */
	if (sess_open() == -1)
		return -1;
	for (int i = 0; i < 2; i++)
		sess_round(&vid);
	if (sess_operator(&vid) == -1 || sess_mdb(&vid) == -1)
		return -1;
	if (sess_full_disk(&vid) == -1)
		return -1;
	return sess_abandoned(&vid);
}

/* Run the session in root (its state dir root/state), each op of its
 * ledger logged; notes go to out. -1: a restart was refused and the session
 * ended there. */
int
crashsession_run(const char *dir, FILE *out)
{
	int	rc;

	root = dir;
	report = out;
	snprintf(state_dir, sizeof(state_dir), "%s/state", root);
	config_defaults(&cf);
	snprintf(cf.path, sizeof(cf.path), "crashstates");
	cf.nproducts = 0;
	cf_product("cola", 150, 8);
	cf_product("water", 100, 10);
	cf_product("chips", 120, 6);
	cf.compact_records = COMPACT_RECORDS;
	snprintf(cf.state_dir, sizeof(cf.state_dir), "%s", state_dir);

	ledger_set_io(&recorder);
	recording = 1;
	rc = session();
	sess_close();
	recording = 0;
	ledger_set_io(NULL);
	return rc;
}

/* The session's config: the crash states are opened with it. */
const struct config *
crashsession_config(void)
{
	return &cf;
}

/* The session's accounting when a crash comes before op p: the op's
 * stamps, or (p == crash_nops) the session's own at its end. */
struct crash_at
crashsession_at(int p)
{
	struct crash_at	at = { sess_epoch, sess_acked, sess_issued };

	if (p < crash_nops) {
		at.epoch = crash_ops[p].epoch;
		at.acked = crash_ops[p].acked;
		at.issued = crash_ops[p].issued;
	}
	return at;
}
