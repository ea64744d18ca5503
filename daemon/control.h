/*
 * control: the operator interface. A Unix socket answering one request per
 * connection, a line of text; status is gathered by asking each owner with a
 * MSG_STATUS_REQ, never by reading another thread's memory. Replies are JSON.
 *
 * control_protocol.c is the pure part (the request line, the replies);
 * control_listen.c makes the socket at start-up; control_socket.c is the
 * control thread and its clients.
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;

/* --- the protocol (control_protocol.c) ------------------------------- */

#define CONTROL_REQ_MAX	256	/* longest request line, newline included */

enum control_cmd {
	CONTROL_STATUS = 1,	/* "status" */
	CONTROL_RESTOCK,	/* "restock ID [COUNT]": refill, back in service */
	CONTROL_PRICE,		/* "price ID AMOUNT|default" */
	CONTROL_COLLECT,	/* "collect": the cash box was emptied */
	CONTROL_SERVICE,	/* "service on|off" */
	CONTROL_TEST_VEND,	/* "test-vend ID" (service mode) */
	CONTROL_AUDIT,		/* "audit" (JSON) or "audit dex" */
	CONTROL_AUDIT_RESET,	/* "audit-reset TOKEN": after a read */
	CONTROL_EVENTS,		/* "events AFTER [follow]" */
};

struct control_req {
	int	cmd;			/* enum control_cmd */
	char	product[VENDD_ID_MAX];
	int32_t	count;			/* -1: to capacity */
	int	flag;			/* price: default; service: on;
					 * audit: dex; events: follow */
	char	amount[24];		/* price: as typed, checked with the
					 * config's decimals (control_check_price) */
	uint64_t after;			/* events: the last id the client has */
	uint32_t token;			/* audit-reset */
};

/* Parse one request line (without its newline); -1 with a reason in err. */
int	control_parse_request(const char *line, size_t len,
	    struct control_req *, char *err, size_t errlen);
/* Whether a request changes the machine (operators only). */
int	control_req_changes(const struct control_req *);
/* A price request against the config: 0 with the column's index and the
 * amount in minor units, or -1 with the config's own words for a bad
 * amount in err. */
int	control_check_price(const struct config *, const struct control_req *,
	    int *index, int64_t *price, char *err, size_t errlen);

/*
 * Sales' and the ledger's status put back together from their chunks
 * (MSG_STATUS_CHUNK products per message): the machine-wide fields and
 * every product. Per client and calloc'd, so their size costs nothing
 * resident while nobody asks.
 */
struct control_sales {
	int64_t		credit;
	int32_t		selection;	/* -1: none */
	uint32_t	vend_pending;
	uint32_t	nproducts;
	uint32_t	ledger_fault;
	uint32_t	arm_blocked;
	uint32_t	service;	/* 1: the door is open, 2: by command */
	uint32_t	changer, payout;	/* an MDB changer online; paying */
	uint32_t	mdb;		/* validator, reader online; a session */
	uint32_t	chunks;		/* messages copied in so far */
	struct msg_sales_product product[VENDD_MAX_PRODUCTS];
};

struct control_ledger {
	uint64_t		seq;
	int64_t			credit;
	struct ledger_counters	c;
	uint32_t		nproducts;
	uint32_t		chunks;		/* messages copied in so far */
	struct msg_ledger_fault	fault;
	struct msg_ledger_product product[VENDD_MAX_PRODUCTS];
};

/*
 * Copy one status message into its view. Chunks come in order from one
 * owner: the next one must start where the last ended, with the count it
 * needs (no more than MSG_STATUS_CHUNK, nothing past nproducts or
 * VENDD_MAX_PRODUCTS) and the same nproducts. 1 when the view is whole,
 * 0 when more chunks are due, -1 (EBADMSG) for a malformed chunk (a bug in
 * the owner), the view unchanged.
 */
int	control_sales_chunk(struct control_sales *,
	    const struct msg_status_sales *);
int	control_ledger_chunk(struct control_ledger *,
	    const struct msg_status_ledger *);

struct json_object;
struct msg_status_cooling;
struct msg_status_coin;
struct msg_status_arm;

/*
 * The status reply from the owners' answers: "selling" and "not_selling"
 * (every reason, in plain words) first, then each part's state and the
 * faults as fields. The temperature is null unless the sensor is ok and has
 * a reading. The caller owns the object (json_object_put).
 */
struct json_object *control_status_json(const struct config *,
	    const struct control_sales *, const struct control_ledger *,
	    const struct msg_status_cooling *, const struct msg_status_coin *,
	    const struct msg_status_arm *);

/* The config index of a product id, or -1. */
int	control_product_index(const struct config *, const char *id);
/* A known column and a count within its capacity: 0 and its index, or -1
 * with the reason in err. */
int	control_check_restock(const struct config *, const struct control_req *,
	    int *index, char *err, size_t errlen);

/* {"error": msg}. */
struct json_object *control_error_json(const char *msg);

struct msg_restock_done;

/*
 * The reply to a restock once the ledger answered: {"ok":true,"product":ID,
 * "stock":N} when the new stock is durable, or {"error": why, "product":ID,
 * "errno":N} when the ledger could not record it.
 */
struct json_object *control_restock_json(const char *product,
	    const struct msg_restock_done *);

/* --- the socket (control_listen.c, control_socket.c) ----------------- */

/* The listening socket, and the group whose members may change things. */
struct control_listener {
	int	fd;		/* -1 until control_listen */
	int	have_group;	/* control_group set */
	gid_t	gid;		/* and its gid */
};

/*
 * Before anything is written: the socket's path, control_group (it exists,
 * and vendd may give the socket to it), a stale socket removed. -1 with
 * "FILE:LINE: [vendd] KEY: ..." in err.
 */
int	control_prepare(const struct config *, struct control_listener *,
	    char *err, size_t errlen);
/*
 * Bind the socket (mode 0660, group control_group) into l->fd, after
 * control_prepare and before control_init. -1 with "FILE:LINE: [vendd]
 * KEY: ..." in err, and no socket file left behind.
 */
int	control_listen(const struct config *, struct control_listener *,
	    char *err, size_t errlen);
/* Make p the control thread, accepting clients on l's socket. */
void	control_init(struct proc *, const struct config *,
	    const struct control_listener *);

#endif
