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
#include <sched.h>
#include <stdint.h>

#include "msg.h"

struct event;
struct event_base;

#define PROC_QUEUE_MAX	256	/* messages parked per full destination */

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
	struct msg_reader rd;
	void		(*dispatch)(struct proc *, const struct msg *);
	void		(*on_stop)(struct proc *);	/* outputs safe */
	uint32_t	 seq;
	struct proc_queue q[PROC_MAX];
	/* proc_init clears everything above; these belong to the spawner */
	void		(*start)(struct proc *);	/* proc_spawn_early */
	cpu_set_t	 then_on;
	int		 pin_after;
	pthread_t	 thread;
};

/* Create every inbox pipe; main calls it before anything else. */
int	 proc_setup_inboxes(void);
/* Make p ready to run as activity id (event_base, inbox event). */
void	 proc_init(struct proc *, int id, const char *name,
	    void (*dispatch)(struct proc *, const struct msg *));
/* Start the thread with an explicit stack size, under SCHED_FIFO at rt_prio
 * if above 0; -1 if the kernel refused that (the thread runs normally). */
int	 proc_spawn(struct proc *, size_t stack_size, int rt_prio);
/*
 * Start activity id's thread on the CPUs in run_on (NULL: main's), then
 * move it to then_on (NULL: it stays) and run its loop. With a start, the
 * thread runs start(p) first, before main has set it up, so that it opens
 * its own files while main goes on (start must call proc_init, or never
 * return); without, main has set it up already. Returns as proc_spawn does.
 */
int	 proc_spawn_early(struct proc *, int id, const char *name,
	    void (*start)(struct proc *), size_t stack_size, int rt_prio,
	    const cpu_set_t *run_on, const cpu_set_t *then_on);
/* From an early thread's start: move to then_on now, not after start. */
void	 proc_settle_cpu(struct proc *);
/*
 * Start-up only, before the loops run: wait for the next message in
 * activity id's inbox and read exactly it (what follows stays in the pipe).
 */
void	 proc_recv_one(int id, struct msg *m);
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

/* The write end of an activity's inbox (tests, main's signal path). */
int	 proc_inbox_wfd(int id);
int	 proc_inbox_rfd(int id);

#endif
