/*
 * The thread shell every activity shares, after tmux's proc.c and memcached's
 * thread.c: one thread, one event_base (EVENT_BASE_FLAG_NOLOCK), one inbox
 * pipe read in whole messages and handed to a dispatch callback (MSG_PING
 * and MSG_STOP are answered here, the same for every activity). Sending is
 * one write() per message; a full pipe queues the message in the sender and
 * waits for write-readiness, in order, never dropping one.
 */
#ifndef PROC_H
#define PROC_H

#include <pthread.h>
#include <stdint.h>

#include "msg.h"

struct event;
struct event_base;

/*
 * Messages parked per full destination. Enough for sales' or the ledger's
 * status chunks to every control client at once (control_socket.c); the
 * park is calloc'd on first use and only its used pages become resident.
 */
#define PROC_QUEUE_MAX	1024

struct proc_queue {
	struct event	*ev;		/* write-readiness of the peer's inbox */
	unsigned	 head, n;
	struct msg	*m;		/* PROC_QUEUE_MAX, allocated on first use */
};

struct proc {
	int		 id;		/* enum proc_id */
	const char	*name;
	struct event_base *base;
	struct event	*ev_inbox;
	void		(*dispatch)(struct proc *, const struct msg *);
	void		(*on_stop)(struct proc *);	/* outputs safe */
	int		 stops_itself;	/* MSG_STOP goes to dispatch, which
					 * calls proc_stop when its work ends */
	uint32_t	 seq;
	unsigned	 dropped;	/* MSG_SHOW the display's full inbox
					 * refused since it last took one */
	struct proc_queue q[PROC_MAX];
	pthread_t	 thread;
	struct msg_reader rd;		/* last: proc_init leaves its buffer
					 * untouched (its pages never read
					 * into stay out of memory) */
};

/* Create every inbox pipe; main calls it before anything else. */
int	 proc_setup_inboxes(void);
/* Make p ready to run as activity id (event_base, inbox event). */
void	 proc_init(struct proc *, int id, const char *name,
	    void (*dispatch)(struct proc *, const struct msg *));
/* Start the activity's thread (its loop) with an explicit stack size. */
void	 proc_spawn(struct proc *, size_t stack_size);
/* Run the loop in the calling thread (main's own proc). */
void	 proc_loop(struct proc *);
/* End the loop after this callback; on_stop runs first. */
void	 proc_stop(struct proc *);
void	 proc_join(struct proc *);
void	 proc_free(struct proc *);

/* Send a message (answers carry the request's id). */
void	 proc_send(struct proc *, int dst, uint16_t type, uint32_t id,
	    const void *payload, size_t len);
/* Messages parked for dst because its inbox was full (backpressure). */
unsigned proc_queued(const struct proc *, int dst);
/* Send everything a pure core put in an outbox. */
void	 proc_send_outbox(struct proc *, const struct outbox *);

/* Arm ev (a timer on p->base) to fire at a CLOCK_MONOTONIC deadline; 0 = disarm. */
void	 proc_timer_at(struct event *ev, uint64_t deadline_ns);
uint64_t now_ns(void);

/* The ends of an activity's inbox (the transport's tests). */
int	 proc_inbox_wfd(int id);
int	 proc_inbox_rfd(int id);

#endif
