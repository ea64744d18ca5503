/*
 * The ledger's store: the state directory, its journal and snapshot,
 * compaction, open and close. It returns errors, and logs only what a
 * start finds (a torn record, a full disk).
 *
 * Storage: a journal of fixed-size records plus a snapshot.
 * - The journal makes the hot path cheap: one event is one 48-byte record
 *   written with pwrite() and made durable with fdatasync() before anything
 *   flows on, never a rewrite of the whole state. A failed write or sync is
 *   an error returned to the caller, never a signal. The file is
 *   preallocated with written zeros (compact_records + LEDGER_RESERVE
 *   records, in whole pages), so a record overwrites allocated blocks and
 *   changes no file size or block map: its fdatasync writes the data
 *   alone, no metadata (on ext4, no filesystem journal commit). Each
 *   record carries a magic, a monotonic seq, its fields and a CRC-32, so
 *   replay can tell a record cut by a power cut (the torn end, never
 *   acknowledged: dropped) from real corruption (refused, file left as it
 *   is for a human).
 * - The journal is never cleared. Its records are the run of consecutive
 *   seqs after the snapshot's; replay skips records the snapshot already
 *   has wherever they are (by seq, cheaply: no CRC past the end). The run
 *   ends at the first slot that is blank (zeros), not a whole valid record
 *   (a torn write), or older after a newer one (the records a compaction
 *   left, which the append point then overwrites).
 * - The rule replay follows, so that no state a power cut can leave is
 *   refused and no acknowledged record is lost unnoticed. Records are
 *   written one at a time, each durable before the next is written, so a
 *   cut leaves at most one slot torn, and only at the end. Hence:
 *   - before the end, a valid record that is not the next seq (a gap) or
 *     that cannot apply to the state is corruption: refused;
 *   - at the end, bytes that are no valid record are the write the cut
 *     tore, never acknowledged: dropped, with a warning;
 *   - after the end, blank slots, older records and bytes that are no
 *     valid record (a torn write, a slot half cleared by an older vendd
 *     that zeroed the journal at compaction) are accepted and skipped;
 *     a valid record newer than the state is refused: it was acknowledged
 *     after one that is now lost.
 *   A record damaged in the middle thus shows as a refusal when a newer
 *   record follows it, and as a torn end when it was the last.
 * - A record whose write or sync failed may or may not be on disk; nothing
 *   flowed on for it, and its slot stays the append point. The next record
 *   written there has the same seq (the same record, held until the disk
 *   takes it, or the next one). A compaction moves the append point back
 *   to 0, so it first writes zeros over that slot and syncs them, or fails
 *   (fault mode stays): no such record is left after the journal's end,
 *   where replay would refuse it. Should a crash come before either and
 *   replay find it whole, it applies: a reservation found so is settled at
 *   the start, like any vend a crash left unresolved.
 * - The snapshot bounds replay time and carries the product ids, so the
 *   config may reorder or drop products between runs. It is written to
 *   snapshot.tmp, fsync'd, renamed over snapshot, and the directory
 *   fsync'd; only then does the journal start again at offset 0,
 *   overwriting records the snapshot covers. The snapshot records the seq
 *   it covers and replay skips records at or below it, so a crash anywhere
 *   in between never applies a record twice, and a compaction writes
 *   nothing to the journal that a cut could leave half done. A snapshot
 *   that cannot be written leaves no snapshot.tmp behind.
 * - Compaction runs at every open and every compact_records records, the
 *   latter after the message's answers went out (ledger_compact_if_due): a
 *   vend never waits for a snapshot's fsyncs. If it fails (a full disk)
 *   the records are durable all the same, and the LEDGER_RESERVE slots
 *   left take what still arrives while the ledger is in fault mode.
 * - Journal records name products by their index in the snapshot's order;
 *   that order changes only at open, where the new snapshot is written
 *   before any record is appended, so an index always means what it meant
 *   when its record was written. A start that cannot write a snapshot
 *   journals its own records (a settlement, the start count) instead, and
 *   is refused if the config changed the products.
 * - Names are made durable before they are relied on: a state dir this
 *   open created (its parent fsync'd), the journal when it is created (the
 *   directory fsync'd). A fresh machine writes its snapshot before its
 *   journal, so a journal without a snapshot means one was lost: refused.
 * - Everything on disk is little-endian, encoded field by field.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "ledger_int.h"
#include "log.h"

/* The calls that change the disk, libc's unless a test replaced them. */
static const struct ledger_io ledger_libc = {
	.openat = openat,
	.pwrite = pwrite,
	.fsync = fsync,
	.fdatasync = fdatasync,
	.renameat = renameat,
	.unlinkat = unlinkat,
	.mkdir = mkdir,
	.close = close,
};
static const struct ledger_io *io = &ledger_libc;

/*
 * What the loading steps return, apart from 0 and -1 (an error of the
 * state directory: it cannot be opened, created or written): its files
 * hold what no power cut leaves. The message names the file, not the key.
 */
#define LEDGER_REFUSED	(-2)

/* Replace the store's I/O calls (tests); NULL restores libc's. */
void
ledger_set_io(const struct ledger_io *t)
{
	io = t != NULL ? t : &ledger_libc;
}

/* pwrite() all of buf at off, retrying short writes and EINTR. */
static int
ledger_write_full(int fd, const void *buf, size_t len, size_t off)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = io->pwrite(fd, p, len, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		off += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write zeros over [from, to) of a file. */
static int
ledger_write_zeros(int fd, size_t from, size_t to)
{
	size_t	n;

	for (; from < to; from += n) {
		n = to - from < sizeof(ledger_zero) ? to - from :
		    sizeof(ledger_zero);
		if (ledger_write_full(fd, ledger_zero, n, from) == -1)
			return -1;
	}
	return 0;
}

/* Write the snapshot atomically: tmp, fsync, rename, fsync the dir. */
static int
ledger_write_snapshot(struct ledger *l)
{
	uint8_t	 buf[SNAP_MAX];
	size_t	 len = ledger_encode_snapshot(&l->st, buf);
	int	 fd, saved;

	fd = io->openat(l->dirfd, LEDGER_SNAPSHOT_TMP,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (ledger_write_full(fd, buf, len, 0) == -1 || io->fsync(fd) == -1) {
		saved = errno;
		io->close(fd);
		goto fail;
	}
	if (io->close(fd) == -1 ||
	    io->renameat(l->dirfd, LEDGER_SNAPSHOT_TMP, l->dirfd,
	    LEDGER_SNAPSHOT) == -1 || io->fsync(l->dirfd) == -1) {
		saved = errno;
		goto fail;
	}
	return 0;
fail:
	/* no half-written file left (after the rename there is none) */
	io->unlinkat(l->dirfd, LEDGER_SNAPSHOT_TMP, 0);
	errno = saved;
	return -1;
}

/*
 * Zeros over the append point's slot if it may hold a record whose write
 * or sync failed, synced: once the append point leaves it, nothing else
 * would write it, and replay would find that record after the journal's
 * end (or apply it, a record nobody acted on).
 */
static int
ledger_clear_abandoned(struct ledger *l)
{
	if (!l->journal_abandoned)
		return 0;
	if (ledger_write_full(l->journal_fd, ledger_zero, JREC_SIZE,
	    l->journal_records * JREC_SIZE) == -1 ||
	    io->fdatasync(l->journal_fd) == -1)
		return -1;
	l->journal_abandoned = 0;
	return 0;
}

/*
 * Snapshot the state; the journal then starts again at offset 0, over the
 * records the snapshot covers (replay skips them by their seq). A record
 * abandoned at the append point is cleared first.
 */
int
ledger_compact(struct ledger *l)
{
	ledger_events_sync(l);		/* the journal's records are its source */
	if (ledger_clear_abandoned(l) == -1 || ledger_write_snapshot(l) == -1)
		return -1;
	l->journal_records = 0;
	return 0;
}

/* Bytes rounded up to whole pages. */
static size_t
ledger_pages(size_t n)
{
	return (n + LEDGER_PAGE - 1) / LEDGER_PAGE * LEDGER_PAGE;
}

/* The journal's size: compact_records and the reserve, in whole pages. */
static size_t
ledger_journal_planned(const struct ledger *l)
{
	return ledger_pages(((size_t)l->cf->compact_records + LEDGER_RESERVE) *
	    JREC_SIZE);
}

/* Give the journal cap bytes: written zeros from its size on, fsync'd. */
static int
ledger_journal_grow(struct ledger *l, size_t cap)
{
	struct stat	 sb;

	if (cap > LEDGER_JOURNAL_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (fstat(l->journal_fd, &sb) == -1)
		return -1;
	if ((size_t)sb.st_size < cap &&
	    (ledger_write_zeros(l->journal_fd, (size_t)sb.st_size, cap) == -1 ||
	    io->fsync(l->journal_fd) == -1))
		return -1;
	l->journal_cap = cap;
	return 0;
}

/*
 * Bring the journal to its planned size (an older vendd's, or one a full
 * disk kept short, is smaller). -1 with errno: journal_cap is then the
 * room it has.
 */
int
ledger_journal_fill(struct ledger *l)
{
	struct stat	sb;

	if (fstat(l->journal_fd, &sb) == -1)
		return -1;
	l->journal_cap = (size_t)sb.st_size;
	if (l->journal_cap >= ledger_journal_planned(l))
		return 0;
	return ledger_journal_grow(l, ledger_journal_planned(l));
}

/*
 * Append one record and make it durable before anyone acts on it: one
 * pwrite into the preallocated zeros and its fdatasync. A counter (money
 * 0) leaves the last LEDGER_MONEY_RESERVE slots to money; a money record
 * that finds the journal full grows it. -1 with errno, and in *op what
 * failed (LEDGER_OP_RECORD, LEDGER_OP_GROW).
 */
int
ledger_append(struct ledger *l, const struct jrec *r, int money,
    uint32_t *op)
{
	uint8_t	b[JREC_SIZE];
	size_t	off = l->journal_records * JREC_SIZE;
	size_t	room = l->journal_cap / JREC_SIZE - l->journal_records;

	*op = LEDGER_OP_RECORD;
	if (!money && room <= LEDGER_MONEY_RESERVE) {
		errno = ENOSPC;
		return -1;
	}
	*op = LEDGER_OP_GROW;
	if (room == 0 && ledger_journal_grow(l, ledger_pages(l->journal_cap +
	    LEDGER_RESERVE * JREC_SIZE)) == -1)
		return -1;
	*op = LEDGER_OP_RECORD;
	jrec_encode(r, b);
	l->journal_abandoned = 1;	/* until the disk has taken it */
	if (ledger_write_full(l->journal_fd, b, sizeof(b), off) == -1 ||
	    io->fdatasync(l->journal_fd) == -1)
		return -1;
	l->journal_abandoned = 0;
	l->journal_records++;
	return 0;
}

/* Whether the journal should be folded into a snapshot now: after
 * compact_records records, or when only its reserve is left. */
int
ledger_compact_due(const struct ledger *l)
{
	return l->journal_records >= (uint64_t)l->cf->compact_records ||
	    l->journal_cap / JREC_SIZE - l->journal_records <= LEDGER_RESERVE;
}

/* Read a whole file at dirfd/name into a malloc'd buffer; -1 with errno. */
static int
ledger_read_file(int fd, size_t max, uint8_t **out, size_t *outlen)
{
	struct stat	 sb;
	uint8_t		*buf;
	size_t		 len = 0;
	ssize_t		 n;

	if (fstat(fd, &sb) == -1)
		return -1;
	if ((uint64_t)sb.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		return -1;
	while (len < (size_t)sb.st_size) {
		n = pread(fd, buf + len, (size_t)sb.st_size - len, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			if (n == 0)
				errno = EIO;	/* shrank under us */
			return -1;
		}
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Load the snapshot, or a fresh state if there is none: 0, 1 fresh, -1,
 * or LEDGER_REFUSED. */
static int
ledger_load_snapshot(struct ledger *l, char *err, size_t errlen)
{
	const char	*dir = l->cf->state_dir;
	uint8_t		*buf;
	size_t		 len;
	char		 why[200];
	int		 fd, rc;

	fd = openat(l->dirfd, LEDGER_SNAPSHOT, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		ledger_fresh(&l->st, l->cf);
		return 1;
	}
	if (fd == -1 || ledger_read_file(fd, SNAP_MAX, &buf, &len) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_SNAPSHOT,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	rc = ledger_decode_snapshot(buf, len, &l->st, why, sizeof(why));
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_SNAPSHOT, why);
		return LEDGER_REFUSED;
	}
	return 0;
}

/* Replay the journal; a torn last record is cut off, corruption refused
 * (LEDGER_REFUSED). */
static int
ledger_load_journal(struct ledger *l, char *err, size_t errlen)
{
	const char	*dir = l->cf->state_dir;
	uint8_t		*buf;
	size_t		 len, good;
	uint64_t	 seq;
	char		 why[200];
	int		 rc;

	if (ledger_read_file(l->journal_fd, LEDGER_JOURNAL_MAX, &buf,
	    &len) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_JOURNAL,
		    strerror(errno));
		return -1;
	}
	seq = l->st.seq;
	rc = ledger_replay(buf, len, &l->st, &good, why, sizeof(why));
	free(buf);
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, LEDGER_JOURNAL, why);
		return LEDGER_REFUSED;
	}
	if (rc == 1)
		log_warnx("%s/%s: torn record at offset %zu dropped (never "
		    "acknowledged)", dir, LEDGER_JOURNAL, good);
	/* the next record's slot, should the start not compact: after the
	 * run, or at 0 if it is empty (all the journal holds is older) */
	l->journal_records = l->st.seq > seq ? good / JREC_SIZE : 0;
	return 0;
}

/* The directory path is in: "/var/lib/vendx" for "/var/lib/vendx/state". */
static void
ledger_parent(const char *path, char *buf, size_t len)
{
	size_t	n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0)
		snprintf(buf, len, ".");
	else
		snprintf(buf, len, "%.*s", (int)n, path);
}

/* fsync a directory by its path, so a name made in it is durable. */
static int
ledger_sync_dir(const char *path)
{
	int	fd, rc, saved;

	if ((fd = io->openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	rc = io->fsync(fd);
	saved = errno;
	io->close(fd);
	errno = saved;
	return rc;
}

/*
 * Open state_dir. If it is missing, create it (its last component only:
 * its parent must exist, so a mistyped path is an error, not a new empty
 * ledger somewhere else) and make its name durable.
 */
static int
ledger_open_dir(struct ledger *l, char *why, size_t len)
{
	const char	*dir = l->cf->state_dir;
	char		 parent[VENDD_PATH_MAX];

	if ((l->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1)
		return 0;
	if (errno != ENOENT) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	ledger_parent(dir, parent, sizeof(parent));
	if (io->mkdir(dir, 0750) == -1) {
		if (errno == ENOENT)
			snprintf(why, len, "%s: %s does not exist", dir, parent);
		else
			snprintf(why, len, "%s: creating it: %s", dir,
			    strerror(errno));
		return -1;
	}
	l->made_dir = 1;
	if (ledger_sync_dir(parent) == -1 || (l->dirfd = open(dir, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Load the snapshot and replay the journal: what the last run left. 0,
 * -1 or LEDGER_REFUSED. */
static int
ledger_load(struct ledger *l, char *why, size_t len)
{
	const char	*dir = l->cf->state_dir;

	if ((l->fresh = ledger_load_snapshot(l, why, len)) < 0)
		return l->fresh;
	l->journal_fd = io->openat(l->dirfd, LEDGER_JOURNAL, O_RDWR |
	    O_CLOEXEC);
	if (l->journal_fd == -1 && errno != ENOENT) {
		snprintf(why, len, "%s/%s: %s", dir, LEDGER_JOURNAL,
		    strerror(errno));
		return -1;
	}
	/*
	 * A journal without a snapshot means the snapshot was lost: starting
	 * from zero would silently drop credit and counters. A fresh machine
	 * writes its snapshot before its journal exists, so a crash during the
	 * very first start leaves a state this check accepts.
	 */
	if (l->fresh && l->journal_fd != -1) {
		snprintf(why, len, "%s/%s exists but %s/%s is missing (to "
		    "start a fresh machine, move the journal away)", dir,
		    LEDGER_JOURNAL, dir, LEDGER_SNAPSHOT);
		return LEDGER_REFUSED;
	}
	if (l->journal_fd == -1)
		return 0;	/* created once the snapshot is there */
	return ledger_load_journal(l, why, len);
}

/*
 * Create the journal if it is missing (its name made durable) and give it
 * its zeros. A journal kept short by a full disk is fault mode, not a
 * refusal, unless the machine is fresh (nothing to keep yet).
 */
static int
ledger_journal_open(struct ledger *l, char *why, size_t len)
{
	const char	*dir = l->cf->state_dir;

	if (l->journal_fd == -1) {
		if ((l->journal_fd = io->openat(l->dirfd, LEDGER_JOURNAL,
		    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) == -1) {
			snprintf(why, len, "%s/%s: %s", dir, LEDGER_JOURNAL,
			    strerror(errno));
			return -1;
		}
		l->made_journal = 1;
		if (io->fsync(l->dirfd) == -1) {
			snprintf(why, len, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (ledger_journal_fill(l) == -1) {
		if (l->fresh) {
			snprintf(why, len, "%s/%s: preparing: %s", dir,
			    LEDGER_JOURNAL, strerror(errno));
			return -1;
		}
		ledger_fault_set(l, LEDGER_OP_GROW, errno);
	}
	return 0;
}

/*
 * No snapshot can be written at start: journal the start's records instead
 * and open in fault mode (out of service, retried by the ledger's thread).
 * Refused if there is nothing to replay yet (a fresh machine), if the
 * config changed the products (their new order needs the snapshot), or if
 * the journal cannot take the records either.
 */
static int
ledger_begin_in_fault(struct ledger *l, int err,
    const struct ledger_state *before, const struct jrec *rec, int n,
    int same, char *why, size_t len)
{
	const char	*dir = l->cf->state_dir;
	uint32_t	 op;

	if (l->fresh || !same) {
		snprintf(why, len, "%s: no snapshot can be written (%s)%s", dir,
		    strerror(err), l->fresh ? "" : " and the config's products "
		    "differ from the ledger's (added, removed or reordered): "
		    "free space in it, or restore the products as they were");
		return -1;
	}
	l->st = *before;
	if (ledger_journal_open(l, why, len) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (ledger_append(l, &rec[i], 1, &op) == -1) {
			snprintf(why, len, "%s: no snapshot can be written (%s) "
			    "and the journal cannot record the start: %s", dir,
			    strerror(err), strerror(errno));
			return -1;
		}
		jrec_apply(&l->st, &rec[i]);
	}
	ledger_fault_set(l, LEDGER_OP_COMPACT, err);
	return 0;
}

/*
 * Settle, count the start-up, put the products in the config's order, and
 * compact (the snapshot persists all of it at once), then the journal.
 */
static int
ledger_begin(struct ledger *l, char *why, size_t len)
{
	struct ledger_state	*before, *started;	/* heap: see below */
	struct jrec		 rec[LEDGER_START_RECORDS];
	int			 n = ledger_start_records(&l->st, rec), err, rc;

	/* Two whole states (99 products: 29 KiB) on main's stack would stay
	 * resident for vendd's life; from the heap they are given back. */
	if ((before = malloc(2 * sizeof(*before))) == NULL) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	started = before + 1;
	*before = l->st;
	for (int i = 0; i < n; i++) {
		rec[i].time_ms = ledger_now_ms();
		jrec_apply(&l->st, &rec[i]);
		ledger_events_add(l, &rec[i]);
	}
	*started = l->st;
	ledger_remap(&l->st, l->cf);
	if (ledger_compact(l) == 0) {
		l->made_snapshot = l->fresh;
		rc = ledger_journal_open(l, why, len);
	} else {
		err = errno;
		rc = ledger_begin_in_fault(l, err, before, rec, n,
		    ledger_products_same(started, &l->st), why, len);
	}
	free(before);
	return rc;
}

/* A start that failed: remove what it made, so nothing half-made stays. */
static void
ledger_undo(struct ledger *l)
{
	ledger_events_close(l);
	if (l->dirfd != -1) {
		if (l->events.made)
			unlinkat(l->dirfd, LEDGER_EVENTS, 0);
		if (l->made_journal)
			io->unlinkat(l->dirfd, LEDGER_JOURNAL, 0);
		if (l->made_snapshot)
			io->unlinkat(l->dirfd, LEDGER_SNAPSHOT, 0);
	}
	if (l->made_dir) {
		ledger_close(l);
		io->unlinkat(AT_FDCWD, l->cf->state_dir, AT_REMOVEDIR);
	}
}

/*
 * Open the ledger: see ledger.h. An error of the state directory names the
 * key and where it was set; files that hold what no power cut leaves are
 * named alone, since the key is not at fault.
 */
int
ledger_open(struct ledger *l, const struct config *cf, char *err,
    size_t errlen)
{
	char	why[1024];
	size_t	n;
	int	rc;

	memset(l, 0, sizeof(*l));
	l->cf = cf;
	l->dirfd = l->journal_fd = -1;
	l->events.fd = l->events.old_fd = -1;
	if ((rc = ledger_open_dir(l, why, sizeof(why))) == 0 &&
	    (rc = ledger_load(l, why, sizeof(why))) == 0) {
		/* after the replay, before the start's own records */
		ledger_events_open(l);
		rc = ledger_begin(l, why, sizeof(why));
	}
	if (rc == 0) {
		/* sales starts knowing it (main gives it fault.on) */
		l->fault_told = l->fault.on != 0;
		return 0;
	}
	ledger_undo(l);
	ledger_close(l);
	if (rc == LEDGER_REFUSED) {
		snprintf(err, errlen, "%s: refusing to start; the files are "
		    "left as they are", why);
		return -1;
	}
	config_where(cf, "vendd", "state_dir", cf->state_dir_line, err, errlen);
	n = strlen(err);
	snprintf(err + n, errlen - n, ": %s", why);
	return -1;
}

/* Close the files; the state on disk is already complete. */
void
ledger_close(struct ledger *l)
{
	ledger_events_close(l);
	if (l->journal_fd != -1)
		io->close(l->journal_fd);
	if (l->dirfd != -1)
		io->close(l->dirfd);
	l->journal_fd = l->dirfd = -1;
}

