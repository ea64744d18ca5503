/*
 * The event log: every journal record, with its seq as the event's id and
 * its wall-clock time, kept after the journal is compacted away, for
 * vendctl events and a fleet uplink. Two files in STATE_DIR: "events" and
 * the one before it, "events.old", each holding a run of consecutive seqs
 * (so a seq's offset is computed, never searched) of at most EVENTS_ROTATE
 * records: at least EVENTS_ROTATE (100,000) are always kept. A record is
 * the journal's 48 bytes, the product's id as it was then (a later config
 * may number the columns differently), and a CRC-32 of both: EVENT_SIZE.
 *
 * A copy, not the state: the journal is the truth and is synced first;
 * this file is copied from it once the record's answers are sent (off the
 * vend's path), without a sync of its own, and synced before a compaction
 * drops the journal's records. What a power cut takes
 * from its tail the next start copies back from the journal; records it
 * holds that the ledger does not (a start that failed) are cut off. Its
 * writes bypass ledger_io: money does not depend on them. A write that
 * fails is logged once and tried again with the next record; events the
 * journal no longer holds by then are a gap, which readers are told of.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "ledger_int.h"
#include "log.h"

/* Records per file before the next one starts (tests make it small). */
uint64_t	ledger_events_rotate = EVENTS_ROTATE;

/* Wall-clock ms now: the time every record and event carries. */
int64_t
ledger_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a record type names a product. */
static int
events_has_product(uint16_t type)
{
	switch (type) {
	case JR_RESERVE:
	case JR_COMMIT:
	case JR_RESTORE:
	case JR_SOLD_OUT:
	case JR_RESTOCK:
	case JR_SETTLE:
	case JR_BLOCKED:
	case JR_TEST_RESERVE:
	case JR_PRICE:
	case JR_CARD_ASK:
	case JR_CARD_APPROVED:
	case JR_CARD_DENIED:
		return 1;
	}
	return 0;
}

/* An event's bytes: the record, the product's id, their CRC. */
static void
events_encode(const struct ledger *l, const struct jrec *r,
    uint8_t b[EVENT_SIZE])
{
	uint32_t	crc;

	memset(b, 0, EVENT_SIZE);
	jrec_encode(r, b);
	if (events_has_product(r->type) && r->product < l->st.nproducts)
		memcpy(b + JREC_SIZE, l->st.product[r->product].id,
		    strnlen(l->st.product[r->product].id, VENDD_ID_MAX - 1));
	crc = ledger_crc32(b, JREC_SIZE + VENDD_ID_MAX);
	for (int i = 0; i < 4; i++)
		b[JREC_SIZE + VENDD_ID_MAX + i] = (uint8_t)(crc >> (8 * i));
}

/* Decode an event's bytes; -1 if they are not a whole event. */
static int
events_decode(const uint8_t b[EVENT_SIZE], struct jrec *r, char *id)
{
	if (jrec_decode(b, r) != NULL || get_le(b + JREC_SIZE + VENDD_ID_MAX,
	    4) != ledger_crc32(b, JREC_SIZE + VENDD_ID_MAX) ||
	    b[JREC_SIZE + VENDD_ID_MAX - 1] != 0)
		return -1;
	if (id != NULL)
		memcpy(id, b + JREC_SIZE, VENDD_ID_MAX);
	return 0;
}

/* The seq of a file's first record, or 0 when it holds none. */
static uint64_t
events_first_seq(int fd)
{
	uint8_t		b[EVENT_SIZE];
	struct jrec	r;

	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b) ||
	    events_decode(b, &r, NULL) == -1)
		return 0;
	return r.seq;
}

/*
 * How many whole, valid, consecutive records a file holds from its start:
 * a torn tail (a power cut between the journal's sync and this file's) is
 * not counted, and is overwritten by the next append.
 */
static uint64_t
events_count(int fd, uint64_t first)
{
	uint8_t		b[EVENT_SIZE];
	struct jrec	r;
	struct stat	sb;
	uint64_t	n;

	if (first == 0 || fstat(fd, &sb) == -1)
		return 0;
	for (n = (uint64_t)sb.st_size / EVENT_SIZE; n > 0; n--) {
		if (pread(fd, b, sizeof(b), (off_t)((n - 1) * EVENT_SIZE)) ==
		    (ssize_t)sizeof(b) && events_decode(b, &r, NULL) == 0 &&
		    r.seq == first + n - 1)
			break;
	}
	return n;
}

/* Open one of the two files (O_CREAT for the current one): its fd and run. */
static int
events_open_file(int dirfd, const char *name, int flags, uint64_t *first,
    uint64_t *next)
{
	int	fd;

	*first = *next = 0;
	if ((fd = openat(dirfd, name, O_RDWR | O_CLOEXEC | flags, 0640)) == -1)
		return -1;
	if ((*first = events_first_seq(fd)) != 0)
		*next = *first + events_count(fd, *first);
	if (*next == *first)
		*first = *next = 0;
	return fd;
}

/*
 * Start the current file anew: the full one becomes events.old (the one
 * before goes). The bookkeeping follows each step as it is done, so a
 * failure leaves it true to the files (a next call tries again).
 */
static int
events_rotate(struct ledger_events *ev, int dirfd)
{
	int	fd;

	if (ev->fd != -1 && ev->first != 0) {
		if (fdatasync(ev->fd) == -1 ||
		    renameat(dirfd, LEDGER_EVENTS, dirfd, LEDGER_EVENTS_OLD) ==
		    -1)
			return -1;
		if (ev->old_fd != -1)
			close(ev->old_fd);
		ev->old_fd = ev->fd;
		ev->old_first = ev->first;
		ev->old_next = ev->next;
		ev->fd = -1;
		ev->first = ev->next = 0;
	}
	if (ev->fd == -1) {
		fd = openat(dirfd, LEDGER_EVENTS, O_RDWR | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0640);
		if (fd == -1)
			return -1;
		ev->fd = fd;
		ev->first = ev->next = 0;
	}
	return fsync(dirfd);		/* the new name, durable */
}

/*
 * Write one record where its seq goes: after a gap (records the journal
 * no longer had) the slots between stay a hole that readers count as
 * dropped; a full file starts the next.
 */
static int
events_put(struct ledger *l, const struct jrec *r)
{
	struct ledger_events *ev = &l->events;
	uint8_t	b[EVENT_SIZE];

	if (ev->first != 0 && r->seq < ev->first)
		return 0;		/* older than this file: kept before */
	if (ev->fd == -1 || (ev->first != 0 && r->seq - ev->first >=
	    ledger_events_rotate)) {
		if (events_rotate(ev, l->dirfd) == -1)
			return -1;
	}
	events_encode(l, r, b);
	errno = 0;
	if (pwrite(ev->fd, b, sizeof(b), (off_t)((ev->first == 0 ? 0 :
	    r->seq - ev->first) * EVENT_SIZE)) != (ssize_t)sizeof(b)) {
		if (errno == 0)
			errno = ENOSPC;
		return -1;
	}
	if (ev->first == 0)
		ev->first = r->seq;
	if (r->seq >= ev->next)
		ev->next = r->seq + 1;
	return 0;
}

/* Read the journal's record of seq, if the journal still holds it. */
static int
events_from_journal(const struct ledger *l, uint64_t seq, struct jrec *r)
{
	uint64_t	base = l->st.seq - l->journal_records;
	uint8_t		b[JREC_SIZE];

	if (l->journal_fd == -1 || seq <= base || seq > l->st.seq)
		return -1;
	if (pread(l->journal_fd, b, sizeof(b), (off_t)((seq - base - 1) *
	    JREC_SIZE)) != (ssize_t)sizeof(b) || jrec_decode(b, r) != NULL ||
	    r->seq != seq)
		return -1;
	return 0;
}

/* Log a failure once per run of failures. */
static void
events_failed(struct ledger *l, const char *what)
{
	if (l->events.failing++ == 0)
		log_warnx("%s/%s: %s: %s; events are kept in the journal and "
		    "written once it works", l->cf->state_dir, LEDGER_EVENTS,
		    what, strerror(errno));
}

/*
 * Bring the event log up to the ledger's seq: copy what the journal has
 * that the log lacks, in order. 0, or -1 when a write failed (tried again
 * next time).
 */
int
ledger_events_catch_up(struct ledger *l)
{
	struct ledger_events *ev = &l->events;
	struct jrec	 r;
	uint64_t	 base = l->st.seq - l->journal_records;
	uint64_t	 s = ev->next > base + 1 ? ev->next : base + 1;

	for (; s <= l->st.seq; s++) {
		if (events_from_journal(l, s, &r) == -1)
			continue;	/* compacted away: a gap */
		if (events_put(l, &r) == -1) {
			events_failed(l, "writing");
			return -1;
		}
	}
	if (ev->failing && ev->fd != -1) {
		log_info("%s/%s: written again", l->cf->state_dir,
		    LEDGER_EVENTS);
		ev->failing = 0;
	}
	return 0;
}

/* A record that goes straight to the snapshot (a start's): its event. */
void
ledger_events_add(struct ledger *l, const struct jrec *r)
{
	if (events_put(l, r) == -1)
		events_failed(l, "writing");
}

/* Before the journal is compacted: what it holds must be in the log. */
void
ledger_events_sync(struct ledger *l)
{
	struct ledger_events *ev = &l->events;

	if (ledger_events_catch_up(l) == 0 && ev->fd != -1 &&
	    fdatasync(ev->fd) == -1)
		events_failed(l, "syncing");
}

/*
 * A power cut may keep a later page of the file and lose an earlier one: a
 * record inside the run that is not whole is written again from the
 * journal, while the journal still has it.
 */
static void
events_repair(struct ledger *l)
{
	struct ledger_events *ev = &l->events;
	uint64_t	 base = l->st.seq - l->journal_records;
	uint8_t		 b[EVENT_SIZE];
	struct jrec	 r;

	for (uint64_t s = ev->first > base + 1 ? ev->first : base + 1;
	    ev->first != 0 && s < ev->next; s++) {
		if (pread(ev->fd, b, sizeof(b), (off_t)((s - ev->first) *
		    EVENT_SIZE)) == (ssize_t)sizeof(b) &&
		    events_decode(b, &r, NULL) == 0 && r.seq == s)
			continue;
		if (events_from_journal(l, s, &r) == 0 && events_put(l, &r) ==
		    -1) {
			events_failed(l, "repairing");
			return;
		}
	}
}

/*
 * At start, after the journal's replay: open both files, cut off what
 * the ledger does not have, copy in what it has that they lack. A log
 * that cannot be opened is logged, not fatal: the money is in the ledger.
 */
void
ledger_events_open(struct ledger *l)
{
	struct ledger_events *ev = &l->events;
	uint64_t	 last = l->st.seq;

	ev->old_fd = events_open_file(l->dirfd, LEDGER_EVENTS_OLD, 0,
	    &ev->old_first, &ev->old_next);
	ev->fd = events_open_file(l->dirfd, LEDGER_EVENTS, O_CREAT | O_EXCL,
	    &ev->first, &ev->next);
	if (ev->fd != -1)
		ev->made = 1;
	else if (errno == EEXIST)
		ev->fd = events_open_file(l->dirfd, LEDGER_EVENTS, 0,
		    &ev->first, &ev->next);
	if (ev->fd == -1) {
		events_failed(l, "opening");
		return;
	}
	if (ev->next > last + 1) {
		/* a start that failed wrote records no ledger kept */
		ev->next = ev->first <= last ? last + 1 : 0;
		if (ev->next == 0)
			ev->first = 0;
		if (ftruncate(ev->fd, (off_t)(ev->first == 0 ? 0 :
		    (ev->next - ev->first) * EVENT_SIZE)) == -1)
			events_failed(l, "truncating");
	}
	if (ev->old_next > last + 1)
		ev->old_first = ev->old_next = 0;	/* not to be read */
	events_repair(l);
	ledger_events_catch_up(l);
}

/* Close both files. */
void
ledger_events_close(struct ledger *l)
{
	if (l->events.fd != -1)
		close(l->events.fd);
	if (l->events.old_fd != -1)
		close(l->events.old_fd);
	l->events.fd = l->events.old_fd = -1;
}

/* Read the record of seq from whichever file holds it. */
static int
events_read_one(const struct ledger_events *ev, uint64_t seq,
    struct jrec *r, char *id)
{
	uint8_t	b[EVENT_SIZE];
	int	fd;
	uint64_t first;

	if (ev->first != 0 && seq >= ev->first && seq < ev->next) {
		fd = ev->fd;
		first = ev->first;
	} else if (ev->old_first != 0 && seq >= ev->old_first &&
	    seq < ev->old_next) {
		fd = ev->old_fd;
		first = ev->old_first;
	} else
		return -1;
	if (pread(fd, b, sizeof(b), (off_t)((seq - first) * EVENT_SIZE)) !=
	    (ssize_t)sizeof(b) || events_decode(b, r, id) == -1 ||
	    r->seq != seq)
		return -1;
	return 0;
}

/* The first seq at or after s that a file holds (or the end: nothing). */
static uint64_t
events_kept_from(const struct ledger_events *ev, uint64_t s)
{
	if (ev->old_first != 0 && s < ev->old_first)
		return ev->old_first;
	if (ev->old_first != 0 && s < ev->old_next)
		return s + 1;	/* unreadable record: skip it alone */
	if (ev->first != 0 && s < ev->first)
		return ev->first;
	return s + 1;
}

/*
 * The events after seq `after`, at most max of them, into out; *dropped:
 * how many events after `after` are no longer kept (older than the oldest
 * file, or lost in a gap) before the first returned. Returns the count.
 */
int
ledger_events_read(const struct ledger *l, uint64_t after,
    struct msg_event *out, int max, uint64_t *dropped)
{
	const struct ledger_events *ev = &l->events;
	struct jrec	 r;
	uint64_t	 s = after + 1, end = ev->next != 0 ? ev->next :
	    ev->old_next;
	int		 n = 0;

	*dropped = 0;
	for (; s < end && n < max; s++) {
		if (events_read_one(ev, s, &r, out[n].product_id) == -1) {
			if (n > 0)
				break;	/* a gap after some: the next read */
			*dropped += events_kept_from(ev, s) - s;
			s = events_kept_from(ev, s) - 1;
			continue;
		}
		out[n].seq = r.seq;
		out[n].time_ms = r.time_ms;
		out[n].type = r.type;
		out[n].product = r.product;
		out[n].value = r.value;
		out[n].vend_id = r.vend_id;
		out[n].count = r.count;
		n++;
	}
	return n;
}
