/*
 * control: the operator interface. A Unix socket answering one request per
 * connection, a line of text; status is gathered by asking each owner with a
 * MSG_STATUS_REQ, never by reading another thread's memory. Replies are JSON.
 *
 * control_protocol.c is the pure part (the request line, the replies);
 * control_socket.c the socket, its clients and the control thread.
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct proc;

/* --- the protocol (control_protocol.c) ------------------------------- */

#define CONTROL_REQ_MAX	256	/* longest request line, newline included */

enum control_cmd {
	CONTROL_STATUS = 1,	/* "status" */
	CONTROL_RESTOCK,	/* "restock ID [COUNT]": refill, back in service */
};

struct control_req {
	int	cmd;			/* enum control_cmd */
	char	product[VENDD_ID_MAX];
	int32_t	count;			/* -1: to capacity */
};

/* Parse one request line (without its newline); -1 with a reason in err. */
int	control_parse_request(const char *line, size_t len,
	    struct control_req *, char *err, size_t errlen);

struct json_object;
struct msg_status_sales;
struct msg_status_ledger;
struct msg_status_cooling;
struct msg_status_coin;
struct msg_status_arm;

/*
 * The status reply from the owners' answers (pure, for the unit tests). The
 * temperature is null unless the sensor is ok and has a reading. The caller
 * owns the object (json_object_put).
 */
struct json_object *control_status_json(const struct config *,
	    const struct msg_status_sales *, const struct msg_status_ledger *,
	    const struct msg_status_cooling *, const struct msg_status_coin *,
	    const struct msg_status_arm *);

/*
 * The restock reply: {"ok":true,"queued":true,"product":ID}. The refill is
 * sent to the ledger, not yet durable; vendctl status shows when it is.
 */
struct json_object *control_restock_json(const char *product);

/* --- the socket (control_socket.c) ----------------------------------- */

/*
 * Bind the socket (mode 0660, group control_group), before control_init. A
 * group that does not exist, a socket that cannot be given to it, or a path
 * that cannot be bound: -1 with "FILE:LINE: [vendd] KEY: ..." in err, and no
 * socket file left behind.
 */
int	control_listen(const struct config *, char *err, size_t errlen);
/* Make p the control thread, accepting clients on listen_fd. */
void	control_init(struct proc *, const struct config *, int listen_fd);

#endif
