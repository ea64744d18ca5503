/*
 * control's parts, shared by its files and nothing else: a client of the
 * socket (control_socket.c reads, writes and times it; control_operator.c
 * serves the operator's requests beyond status and restock) and the pure
 * builders of the operator's replies (control_audit.c).
 */
#ifndef CONTROL_INT_H
#define CONTROL_INT_H

#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include "control.h"
#include "msg.h"

#define CONTROL_CLIENTS_MAX	128	/* connections served at once */
/* Of them, those anyone on the machine may hold (the socket is 0666): the
 * rest stay free for root and the operators. */
#define CONTROL_ANYONE_MAX	64

enum client_phase {
	CLIENT_READING = 1,
	CLIENT_GATHERING,	/* status requests sent, replies coming */
	CLIENT_RESTOCKING,	/* restock sent, the ledger's record coming */
	CLIENT_OPERATOR,	/* an operator's request sent, its answer coming */
	CLIENT_AUDITING,	/* the audit's counters coming, in chunks */
	CLIENT_EVENTS,		/* events streaming out */
	CLIENT_WRITING,
};

/* The audit's counters put back together (per client, while it asks). */
struct control_audit {
	struct msg_audit	 a;
	uint32_t		 chunks;	/* MSG_AUDIT_PRODUCTS so far */
	int			 have_a;
	struct msg_audit_product p[VENDD_MAX_PRODUCTS];
};

struct client {
	int		 fd;
	int		 slot;		/* index in ctl_clients */
	int		 phase;		/* enum client_phase */
	struct event	*ev;		/* read, then write-readiness */
	struct event	*rev;		/* streaming: the peer's EOF */
	struct event	*timer;
	uid_t		 uid;		/* SO_PEERCRED */
	int		 may_change;	/* root or a member of control_group */
	char		 in[CONTROL_REQ_MAX];
	size_t		 inlen;
	char		*out;
	size_t		 outlen, outoff, outcap;
	int		 keep;		/* streaming: stay open once written */
	uint32_t	 req_id;	/* what the owners' answers echo */
	int		 product;	/* restocking, pricing: the column */
	uint16_t	 want;		/* CLIENT_OPERATOR: the answer's type */
	int		 flag;		/* the request's (audit: dex) */
	unsigned	 got;		/* bit per control_owners entry */
	struct control_audit	 *audit;	/* CLIENT_AUDITING */
	uint64_t	 ev_after;	/* events: the last id sent */
	int		 ev_follow, ev_asked, ev_waiting;
	struct control_sales	  sales;	/* from its chunks */
	struct control_ledger	  ledger;	/* from its chunks */
	struct msg_status_cooling cooling;
	struct msg_status_coin	  coin;
	struct msg_status_arm	  arm;
};

extern struct proc		*ctl_proc;
extern const struct config	*ctl_cf;
extern struct client		*ctl_clients[CONTROL_CLIENTS_MAX];

/* control_socket.c */
void		 client_free(struct client *);
void		 client_arm_timeout(struct client *);
void		 client_reply(struct client *, struct json_object *);
void		 client_error(struct client *, const char *);
void		 client_wait_owners(struct client *, int phase);
uint32_t	 control_new_request_id(void);
struct client	*control_waiting_client(int phase, uint32_t id);
/* Streaming: add a line to what is being written (the client stays). */
void		 client_stream(struct client *, struct json_object *);
/* Streaming is over: close once what is queued is written. */
void		 client_stream_end(struct client *);

/* control_operator.c */
void		 client_operator(struct client *, const struct control_req *);
int		 control_operator_dispatch(const struct msg *);
/* The streamed output went out: a stream may ask for more. */
void		 control_operator_drained(struct client *);
/* A phase of the operator's ran out of time: 1 if it was one. */
int		 control_operator_timeout(struct client *);

/* control_audit.c: the replies, pure. */
struct json_object *control_event_json(const struct config *,
		    const struct msg_event *);
struct json_object *control_audit_json(const struct config *,
		    const struct control_audit *);
struct dex_audit;
void		 control_dex_fill(const struct config *,
		    const struct control_audit *, time_t now, struct dex_audit *);

#endif
