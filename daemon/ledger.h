/*
 * ledger: owns everything that must survive a crash or a power cut (credit,
 * stock, audit counters). Every message that moves money is journaled and
 * synced before it flows on, so nothing downstream acts on a change that is
 * not on disk. When the disk fails (full, I/O errors) the ledger says so to
 * sales (MSG_LEDGER_FAULT), which stops selling and blocks the acceptor,
 * and tries again by itself.
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "msg.h"

struct proc;

/* Record types: the on-disk numbers, never renumbered; also the kinds of
 * the event stream (ledger_event_name). */
enum jrec_type {
	JR_COIN = 1,		/* value, count = pulses */
	JR_UNKNOWN_COIN,	/* count = pulses */
	JR_NOISE,		/* count = pulses */
	JR_COIN_FAULT,		/* count = width_ms */
	JR_RESERVE,		/* vend_id, product, value = price */
	JR_COMMIT,		/* vend_id, product, value = price */
	JR_RESTORE,		/* vend_id, product, value = price: no drop */
	JR_SOLD_OUT,		/* product */
	JR_RESTOCK,		/* product, value = stock, count = clear_fault */
	JR_COOL_START,
	JR_COOL_STOP,		/* value = run_s */
	JR_SENSOR_FAULT,	/* count = kind */
	JR_STARTUP,
	JR_SETTLE,		/* vend_id, product, value = price: unresolved
				 * at start, or stopped by vendd before the drop */
	JR_BLOCKED,		/* vend_id, product, value = price: the drop
				 * beam was broken, the motor did not run */
	JR_TEST_RESERVE,	/* vend_id, product: a test vend, no money */
	JR_PRICE,		/* product, value = price; count 0: the INI's */
	JR_COLLECT,		/* value = cash in the box, now emptied */
	JR_SERVICE,		/* count = on, vend_id = enum service_why */
	JR_AUDIT_RESET,		/* the since-reset counters start again */
	JR_MDB_COIN,		/* value, product = coin type, count = routing
				 * (0 cash box, 1 tubes): an MDB changer's */
	JR_PAYOUT_REQ,		/* vend_id = payout id, value = amount: the
				 * credit leaves, as change to pay */
	JR_PAYOUT_DONE,		/* vend_id = payout id, value = paid: the rest
				 * of the amount is owed to the customer */
	JR_NOTE_ESCROW,		/* value, product = bill type, count = 1:
				 * to be stacked, 0: given back */
	JR_NOTE_STACKED,	/* value, product = bill type: now credit */
	JR_NOTE_RETURNED,	/* value, product = bill type */
	JR_CARD_ASK,		/* vend_id, product, value = price: the
				 * reader is asked (nothing moves yet) */
	JR_CARD_APPROVED,	/* vend_id, product, value = amount: the
				 * vend is pending, paid by card */
	JR_CARD_DENIED,		/* vend_id, product */
	JR_PAYOUT_STEP,		/* vend_id = payout id, value = paid so far
				 * (the changer's PAYOUT STATUS of its steps) */
	JR_MAX
};

#define LEDGER_HELD_MAX	16	/* money messages waiting for the disk */
#define LEDGER_RETRY_S	5	/* seconds between tries of a failing disk */

/* The event log's two files (ledger_events.c); seqs [first, next). */
struct ledger_events {
	int		fd, old_fd;	/* "events", "events.old"; -1: none */
	uint64_t	first, next;	/* 0, 0: empty */
	uint64_t	old_first, old_next;
	int		failing;	/* writes fail: logged once */
	int		made;		/* "events" created by this open */
	int		follower;	/* control waits for records after next */
};

struct ledger {
	const struct config *cf;
	int		dirfd;		/* state_dir */
	int		journal_fd;
	size_t		journal_cap;	/* its bytes: written zeros or records */
	uint64_t	journal_records;	/* since the last snapshot: the
					 * next record's slot */
	int		journal_abandoned;	/* that slot may hold a record
					 * whose write or sync failed */
	int		fresh;		/* opened without a snapshot */
	int		made_dir, made_snapshot, made_journal;	/* by this open */
	struct msg_ledger_fault fault;	/* on: the disk failed, and how */
	int		fault_told;	/* what sales was last told */
	unsigned	held_head;	/* fault.held messages from here, in order */
	struct msg_out	held[LEDGER_HELD_MAX];
	uint64_t	dropped;	/* counters not recorded in this fault */
	struct ledger_events events;
	struct ledger_state st;
};

/*
 * Open cf->state_dir (its last component created if missing; a missing
 * parent is an error), load the snapshot and replay the journal, map the
 * products to the config's order by id (products gone from the config are
 * kept, retired, with their counters), settle a vend left unresolved in
 * the customer's favour, count the start-up, and compact. A corrupt file
 * is refused and left as it is; a start that fails removes what it made.
 * On a disk that takes no snapshot but can still be replayed, it opens in
 * fault mode (fault.on): the settlement and the start count are journalled
 * instead, and the thread (ledger_init) tells sales and retries. -1 with
 * why in err: "FILE:LINE: [vendd] state_dir: what is wrong" when the
 * directory is missing its parent or cannot be created, opened or written;
 * "STATE_DIR/FILE: what (offset N): refusing to start; the files are left
 * as they are" when a file holds what no power cut leaves.
 */
int	ledger_open(struct ledger *, const struct config *, char *err,
	    size_t errlen);
/*
 * One message from the ledger's inbox: journal it (durable on return), apply
 * it, and put what flows on into the outbox (a restock is answered to its
 * sender with MSG_RESTOCK_DONE, ok or why not). When the disk does not take
 * the record: the ledger enters fault mode (MSG_LEDGER_FAULT on, to sales);
 * a coin or a vend's outcome is held, in order, until the disk takes it
 * (nothing flows on for it before); a reservation is refused
 * (MSG_VEND_RESULT ok=0, VEND_WHY_REFUSED), a restock answered ok=0, a
 * counter dropped. In fault mode reservations and restocks are refused
 * without trying. -1 with errno EINVAL for a message that is a bug, or
 * ENOBUFS when more money messages wait than LEDGER_HELD_MAX: the shell
 * makes both fatal.
 */
int	ledger_handle(struct ledger *, const struct msg *, struct outbox *);
/*
 * After the outbox of ledger_handle was sent, so that no message waits for
 * it: copy the new records to the event log, and fold the journal into a
 * snapshot once compact_records records are in it. A failure is fault mode (MSG_LEDGER_FAULT in the outbox); the records
 * are durable, so nothing is lost, and the journal keeps LEDGER_RESERVE
 * slots for what still arrives.
 */
void	ledger_compact_if_due(struct ledger *, struct outbox *);
/*
 * In fault mode, every LEDGER_RETRY_S: write the held records in order
 * (their answers into the outbox), then compact and give the journal its
 * zeros. 0: all of it worked, fault mode is over (MSG_LEDGER_FAULT off in
 * the outbox); 1: the disk still fails, try again later; 2: the outbox is
 * full, send it and call again now; -1 (EINVAL): a held message is a bug.
 */
int	ledger_retry(struct ledger *, struct outbox *);
/* What vendctl status shows: the counters, why records fail if they do, and
 * the products from first on, at most MSG_STATUS_CHUNK of them. */
void	ledger_status(const struct ledger *, uint32_t first,
	    struct msg_status_ledger *);
/*
 * The operator's requests that need more than the outbox (ledger_operator.c):
 * the audit's counters in several messages, events read from the log.
 * 1: m was one of them and answered through p; 0: not one of them.
 */
int	ledger_operator_reply(struct ledger *, struct proc *p,
	    const struct msg *m);
/* After a record is durable: the events it adds, for a waiting follower. */
void	ledger_events_notify(struct ledger *, struct proc *p);

/* The event stream's name of a record type ("coin", "sale"), or NULL. */
const char *ledger_event_name(uint16_t type);

/* Close the files; everything acknowledged is already on disk. */
void	ledger_close(struct ledger *);

/*
 * The pure readers behind ledger_open, also the fuzz targets: decode a
 * snapshot file's bytes, and replay a journal's bytes onto a state. -1 with a
 * message in err when the bytes are corrupt. A torn record where the next
 * one went is not corruption (it was never acknowledged: replay returns 1),
 * nor are bytes that are no valid record after the journal's end;
 * *good_len says where the run of records ended.
 */
int	ledger_decode_snapshot(const void *buf, size_t len,
	    struct ledger_state *, char *err, size_t errlen);
int	ledger_replay(const void *buf, size_t len, struct ledger_state *,
	    size_t *good_len, char *err, size_t errlen);

/* Make p the ledger's thread around a ledger ledger_open opened; opened in
 * fault mode, its first act is to try the disk again and tell sales. */
void	ledger_init(struct proc *, struct ledger *);

/*
 * The calls the store makes that change or sync the disk, libc's by
 * default. A test replaces them to fail one (ENOSPC, EIO) or to record
 * every one (the crash-state enumeration). Each has libc's signature and
 * errno convention.
 */
struct ledger_io {
	int	(*openat)(int dirfd, const char *name, int flags, ...);
	ssize_t	(*pwrite)(int fd, const void *buf, size_t len, off_t off);
	int	(*fsync)(int fd);
	int	(*fdatasync)(int fd);
	int	(*renameat)(int fromdir, const char *from, int todir,
		    const char *to);
	int	(*unlinkat)(int dirfd, const char *name, int flags);
	int	(*mkdir)(const char *path, mode_t mode);
	int	(*close)(int fd);
};
/* Use t for the store's I/O from now on; NULL: libc again. */
void	ledger_set_io(const struct ledger_io *t);

#endif
