/*
 * control's thread: the clients of the operator interface's socket (made
 * by control_listen.c). One request line per connection; "status"
 * asks every owner with MSG_STATUS_REQ and answers when all five replies are
 * in (sales' and the ledger's come in chunks of products); "restock" goes
 * to the ledger as MSG_RESTOCK and is answered when MSG_RESTOCK_DONE says
 * the new stock is durable, or why it is not. Both carry the client's
 * request id, which the owners echo. Replies are one JSON object and a
 * newline (built by control_protocol.c), then the connection is closed.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "control.h"
#include "control_int.h"
#include "log.h"
#include "msg.h"
#include "proc.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59	/* Linux 4.13 */
#endif

/* Per phase: reading the request, waiting for the owners' answers (status,
 * or the ledger's record of a restock), writing the reply. vendctl waits 5 s
 * in all, so it hears this timeout rather than its own. */
#define CONTROL_TIMEOUT_S	3
#define CONTROL_PEER_GROUPS	256	/* supplementary groups we look at */

/* Every client may ask at once: sales and the ledger each answer with up to
 * this many chunks per client, and must be able to park them all while
 * control is busy (an owner that overflows its park stops vendd). */
#define CONTROL_STATUS_CHUNKS_MAX \
	((VENDD_MAX_PRODUCTS + MSG_STATUS_CHUNK - 1) / MSG_STATUS_CHUNK)
_Static_assert(CONTROL_CLIENTS_MAX * CONTROL_STATUS_CHUNKS_MAX <=
    PROC_QUEUE_MAX, "status chunks for every client must fit an owner's park");

/* The owners a status request asks, and the reply each one sends. */
static const struct {
	int		proc;
	uint16_t	type;
} control_owners[] = {
	{ PROC_SALES,	MSG_STATUS_SALES },
	{ PROC_LEDGER,	MSG_STATUS_LEDGER },
	{ PROC_COOLING,	MSG_STATUS_COOLING },
	{ PROC_COIN,	MSG_STATUS_COIN },
	{ PROC_ARM,	MSG_STATUS_ARM },
};
#define CONTROL_NOWNERS	(sizeof(control_owners) / sizeof(control_owners[0]))
#define CONTROL_ALL_REPLIES	((1u << CONTROL_NOWNERS) - 1)

struct proc			*ctl_proc;
const struct config		*ctl_cf;
static int			 ctl_listen_fd = -1;
static struct event		*ctl_ev_listen;
struct client			*ctl_clients[CONTROL_CLIENTS_MAX];
static int			 ctl_nclients;
static uint32_t			 ctl_next_id;
static int			 ctl_have_group;	/* control_group set */
static gid_t			 ctl_group_gid;		/* and its gid */

/* --- the clients ----------------------------------------------------- */

/* Forget a client: close it, free its slot. */
void
client_free(struct client *c)
{
	ctl_clients[c->slot] = NULL;
	ctl_nclients--;
	event_free(c->ev);
	if (c->rev)
		event_free(c->rev);
	event_free(c->timer);
	close(c->fd);
	free(c->out);
	free(c->audit);
	free(c);
	/* A status of 99 products is a JSON tree of a few hundred KiB: once
	 * the last client is gone, the heap goes back to what vendd holds. */
	if (ctl_nclients == 0)
		malloc_trim(0);
}

/* Give the phase the client enters CONTROL_TIMEOUT_S to complete. */
void
client_arm_timeout(struct client *c)
{
	struct timeval	tv = { CONTROL_TIMEOUT_S, 0 };

	evtimer_add(c->timer, &tv);
}

/*
 * Read and drop what the client sent beyond its request: closing a Unix
 * socket with unread input resets the peer, which would lose the reply.
 */
static void
client_discard_input(struct client *c)
{
	char	buf[512];

	for (int i = 0; i < 64; i++)
		if (read(c->fd, buf, sizeof(buf)) <= 0)
			break;
}

static void	client_write_cb(int, short, void *);

/* Write what is left of the reply; free the client when it is all out. */
static void
client_flush(struct client *c)
{
	ssize_t	n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {
			log_debug("control: client uid %u: %s", (unsigned)c->uid,
			    strerror(errno));
			client_free(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->keep) {			/* a stream: more will come */
		event_del(c->ev);
		c->outoff = c->outlen = 0;
		control_operator_drained(c);
		return;
	}
	client_discard_input(c);
	client_free(c);
}

/* Append a line of text to the output, growing it. */
static void
client_append(struct client *c, const char *s)
{
	size_t	n = strlen(s);
	char	*p;

	if (c->outoff > 0 && c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->outlen + n + 2 > c->outcap) {
		c->outcap = (c->outlen + n + 2) * 2;
		if ((p = realloc(c->out, c->outcap)) == NULL)
			fatal("control: reply");
		c->out = p;
	}
	memcpy(c->out + c->outlen, s, n);
	c->out[c->outlen + n] = '\n';
	c->outlen += n + 1;
	c->out[c->outlen] = '\0';
}

/* Write-readiness for a stream's output (reading waits for the EOF). */
static void
client_stream_arm(struct client *c)
{
	event_del(c->ev);
	event_assign(c->ev, ctl_proc->base, c->fd, EV_WRITE | EV_PERSIST,
	    client_write_cb, c);
	event_add(c->ev, NULL);
}

/* Streaming: one more JSON line out (see control_int.h). */
void
client_stream(struct client *c, struct json_object *o)
{
	client_append(c, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	client_stream_arm(c);
}

/* Streaming is over: what is queued goes out, then the client goes. */
void
client_stream_end(struct client *c)
{
	c->keep = 0;
	c->phase = CLIENT_WRITING;
	client_arm_timeout(c);
	client_stream_arm(c);
	client_flush(c);
}

/* The socket can take more of the reply. */
static void
client_write_cb(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	client_flush(arg);
}

/* Queue the reply (one line of JSON) and start writing it. */
void
client_reply(struct client *c, struct json_object *o)
{
	const char	*s = json_object_to_json_string_ext(o,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE);

	c->outlen = c->outoff = 0;
	client_append(c, s);
	json_object_put(o);
	c->keep = 0;
	c->phase = CLIENT_WRITING;
	event_del(c->ev);
	event_assign(c->ev, ctl_proc->base, c->fd, EV_WRITE | EV_PERSIST,
	    client_write_cb, c);
	event_add(c->ev, NULL);
	client_arm_timeout(c);
	client_flush(c);
}

/* Reply {"error": msg}. */
void
client_error(struct client *c, const char *msg)
{
	client_reply(c, control_error_json(msg));
}

/* A fresh request id for the owners to echo; never 0. */
uint32_t
control_new_request_id(void)
{
	if (++ctl_next_id == 0)
		ctl_next_id = 1;
	return ctl_next_id;
}

/* Stop reading the client and wait for the owners under request id. */
void
client_wait_owners(struct client *c, int phase)
{
	c->req_id = control_new_request_id();
	c->phase = phase;
	event_del(c->ev);
	client_arm_timeout(c);
}

/* Ask every owner for its status under a fresh request id. */
static void
client_status(struct client *c)
{
	c->got = 0;
	memset(&c->sales, 0, sizeof(c->sales));
	memset(&c->ledger, 0, sizeof(c->ledger));
	client_wait_owners(c, CLIENT_GATHERING);
	for (size_t i = 0; i < CONTROL_NOWNERS; i++)
		proc_send(ctl_proc, control_owners[i].proc, MSG_STATUS_REQ,
		    c->req_id, NULL, 0);
}

/*
 * Refill a column and put it back in service, if the peer may. The ledger
 * records it; the client is answered when the ledger says the record is
 * durable (control_restock_done), as vendctl(1) promises.
 */
static void
client_restock(struct client *c, const struct control_req *req)
{
	struct msg_restock	 rs;
	char			 err[128];
	int			 i;

	if (!c->may_change) {
		snprintf(err, sizeof(err), "permission denied: restock needs "
		    "root%s%s", ctl_cf->control_group[0] ? " or group " : "",
		    ctl_cf->control_group);
		log_warnx("control: restock %s refused: uid %u", req->product,
		    (unsigned)c->uid);
		client_error(c, err);
		return;
	}
	if (control_check_restock(ctl_cf, req, &i, err, sizeof(err)) == -1) {
		client_error(c, err);
		return;
	}
	memset(&rs, 0, sizeof(rs));
	rs.product = (uint32_t)i;
	rs.stock = req->count;
	rs.clear_fault = 1;
	c->product = i;
	client_wait_owners(c, CLIENT_RESTOCKING);
	log_debug("control: restock %s to %d asked by uid %u (request %u)",
	    req->product, req->count, (unsigned)c->uid, c->req_id);
	proc_send(ctl_proc, PROC_LEDGER, MSG_RESTOCK, c->req_id, &rs,
	    sizeof(rs));
}

/* A whole request line arrived: act on it. */
static void
client_handle_request(struct client *c, size_t len)
{
	struct control_req	req;
	char			err[128];

	if (control_parse_request(c->in, len, &req, err, sizeof(err)) == -1) {
		log_debug("control: bad request from uid %u: %s",
		    (unsigned)c->uid, err);
		client_error(c, err);
		return;
	}
	if (control_req_changes(&req) && !c->may_change) {
		snprintf(err, sizeof(err), "permission denied: %.*s needs root"
		    "%s%s", (int)strcspn(c->in, " \n"), c->in,
		    ctl_cf->control_group[0] ? " or group " : "",
		    ctl_cf->control_group);
		log_warnx("control: %.*s refused: uid %u", (int)len, c->in,
		    (unsigned)c->uid);
		client_error(c, err);
		return;
	}
	if (req.cmd == CONTROL_STATUS)
		client_status(c);
	else if (req.cmd == CONTROL_RESTOCK)
		client_restock(c, &req);
	else
		client_operator(c, &req);
}

/* Bytes from the client: wait for the newline, at most CONTROL_REQ_MAX. */
static void
client_read_cb(int fd, short what, void *arg)
{
	struct client	*c = arg;
	char		*nl;
	ssize_t		 n;

	(void)what;
	if (c->phase != CLIENT_READING)
		return;		/* the request is in hand: the rest is not read */
	n = read(fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		client_free(c);
		return;
	}
	if (n == 0) {
		/* EOF: a line without its newline still counts. */
		if (c->inlen == 0) {
			client_free(c);
			return;
		}
		client_handle_request(c, c->inlen);
		return;
	}
	c->inlen += (size_t)n;
	if ((nl = memchr(c->in, '\n', c->inlen)) != NULL)
		client_handle_request(c, (size_t)(nl - c->in));
	else if (c->inlen == sizeof(c->in))
		client_error(c, "request too long");
}

/* The client's phase took too long. */
static void
client_timeout_cb(int fd, short what, void *arg)
{
	struct client	*c = arg;
	char		 buf[192];
	size_t		 off;

	(void)fd;
	(void)what;
	switch (c->phase) {
	case CLIENT_READING:
		log_debug("control: uid %u sent no request in time",
		    (unsigned)c->uid);
		client_error(c, "timeout reading the request");
		break;
	case CLIENT_GATHERING:
		off = (size_t)snprintf(buf, sizeof(buf), "no status from");
		for (size_t i = 0; i < CONTROL_NOWNERS; i++)
			if (!(c->got & (1u << i)) && off < sizeof(buf))
				off += (size_t)snprintf(buf + off,
				    sizeof(buf) - off, " %s",
				    proc_name(control_owners[i].proc));
		log_warnx("control: %s", buf);
		client_error(c, buf);
		break;
	case CLIENT_RESTOCKING:
		snprintf(buf, sizeof(buf), "restock of %s: no answer from the "
		    "ledger within %d s (it may still be recorded: see vendctl "
		    "status)", ctl_cf->product[c->product].id,
		    CONTROL_TIMEOUT_S);
		log_warnx("control: %s", buf);
		client_error(c, buf);
		break;
	default:
		if (!control_operator_timeout(c))
			client_free(c);
		break;
	}
}

/* Who is at the other end, and may they change things. */
static void
client_credentials(struct client *c)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);
	gid_t		groups[CONTROL_PEER_GROUPS];
	socklen_t	glen = sizeof(groups);

	c->uid = (uid_t)-1;
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		return;
	}
	c->uid = cred.uid;
	if (cred.uid == 0) {
		c->may_change = 1;
		return;
	}
	if (!ctl_have_group)
		return;
	if (cred.gid == ctl_group_gid) {
		c->may_change = 1;
		return;
	}
	/* The groups the peer process holds, not what /etc/group says now. */
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == -1) {
		log_warn("control: SO_PEERGROUPS of uid %u", (unsigned)cred.uid);
		return;
	}
	for (size_t i = 0; i < glen / sizeof(gid_t); i++)
		if (groups[i] == ctl_group_gid)
			c->may_change = 1;
}

/* How many connections are not root's or an operator's. */
static int
control_anyone(void)
{
	int	n = 0;

	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		n += ctl_clients[i] != NULL && !ctl_clients[i]->may_change;
	return n;
}

/* Refuse a connection beyond CONTROL_CLIENTS_MAX, best effort. */
static void
control_refuse_full(int fd)
{
	static const char msg[] = "{\"error\":\"too many clients\"}\n";

	(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

/* A slot for a new client, or -1. */
static int
control_free_slot(void)
{
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (ctl_clients[i] == NULL)
			return i;
	return -1;
}

/* A new connection on the listening socket. */
static void
control_accept_cb(int lfd, short what, void *arg)
{
	struct client	*c;
	int		 fd, slot;

	(void)what;
	(void)arg;
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control: accept");
		return;
	}
	if ((slot = control_free_slot()) == -1) {
		log_warnx("control: %d clients connected, refusing one",
		    ctl_nclients);
		control_refuse_full(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("control: client");
	c->fd = fd;
	c->slot = slot;
	c->phase = CLIENT_READING;
	c->ev = event_new(ctl_proc->base, fd, EV_READ | EV_PERSIST,
	    client_read_cb, c);
	c->timer = evtimer_new(ctl_proc->base, client_timeout_cb, c);
	if (c->ev == NULL || c->timer == NULL)
		fatalx("control: event_new");
	ctl_clients[slot] = c;
	ctl_nclients++;
	client_credentials(c);
	if (!c->may_change && control_anyone() > CONTROL_ANYONE_MAX) {
		static const char busy[] = "{\"error\":\"too many clients "
		    "(the rest are kept for the operators)\"}\n";

		log_warnx("control: uid %u refused: %d connections of "
		    "non-operators", (unsigned)c->uid, CONTROL_ANYONE_MAX);
		(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
		client_free(c);		/* closes fd */
		return;
	}
	event_add(c->ev, NULL);
	client_arm_timeout(c);
}

/* The client waiting in this phase for the answers to request id, or NULL. */
struct client *
control_waiting_client(int phase, uint32_t id)
{
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (ctl_clients[i] && ctl_clients[i]->phase == phase &&
		    ctl_clients[i]->req_id == id)
			return ctl_clients[i];
	return NULL;
}

/*
 * The ledger answered a restock: the new stock is durable, or it could not
 * be recorded. Tell the client that asked; one that gave up (timed out)
 * hears nothing, so the log says what became of its restock.
 */
static void
control_restock_done(const struct msg *m)
{
	const struct msg_restock_done	*rd = &m->u.restock_done;
	struct client			*c;
	const char			*id;

	if (rd->product >= (uint32_t)ctl_cf->nproducts)
		fatalx("control: RESTOCK_DONE for product %u of %d",
		    rd->product, ctl_cf->nproducts);
	id = ctl_cf->product[rd->product].id;
	c = control_waiting_client(CLIENT_RESTOCKING, m->hdr.id);
	if (c != NULL && (uint32_t)c->product != rd->product)
		fatalx("control: RESTOCK_DONE for %s answers request %u, "
		    "a restock of %s", id, m->hdr.id,
		    ctl_cf->product[c->product].id);
	if (c == NULL && rd->ok)
		log_info("control: %s restocked to %d (request %u: its client "
		    "is gone)", id, rd->stock, m->hdr.id);
	else if (c == NULL)
		log_warnx("control: restock of %s not recorded (request %u: "
		    "its client is gone): %s", id, m->hdr.id,
		    strerror(rd->err));
	else if (rd->ok)
		log_info("control: %s restocked to %d by uid %u", id, rd->stock,
		    (unsigned)c->uid);
	else
		log_warnx("control: restock of %s by uid %u not recorded: %s",
		    id, (unsigned)c->uid, strerror(rd->err));
	if (c != NULL)
		client_reply(c, control_restock_json(id, rd));
}

/*
 * File an owner's status message with the client: 1 when that owner's
 * answer is whole. Sales and the ledger answer in chunks; one out of order
 * or out of range is a bug in the owner.
 */
static int
client_file_status(struct client *c, const struct msg *m)
{
	const struct msg_status_sales	*sa = &m->u.st_sales;
	const struct msg_status_ledger	*le = &m->u.st_ledger;
	int				 done = 1;

	switch (m->hdr.type) {
	case MSG_STATUS_SALES:
		if ((done = control_sales_chunk(&c->sales, sa)) == -1)
			fatalx("control: STATUS_SALES of %u products from %u "
			    "of %u, chunk %u due", sa->count, sa->first,
			    sa->nproducts, c->sales.chunks);
		break;
	case MSG_STATUS_LEDGER:
		if ((done = control_ledger_chunk(&c->ledger, le)) == -1)
			fatalx("control: STATUS_LEDGER of %u products from %u "
			    "of %u, chunk %u due", le->count, le->first,
			    le->nproducts, c->ledger.chunks);
		break;
	case MSG_STATUS_COOLING:
		c->cooling = m->u.st_cooling;
		break;
	case MSG_STATUS_COIN:
		c->coin = m->u.st_coin;
		break;
	case MSG_STATUS_ARM:
		c->arm = m->u.st_arm;
		break;
	}
	return done;
}

/* An owner's status reply: file it with the client that asked; answer the
 * client once every owner's answer is whole. */
static void
control_collect_status(const struct msg *m)
{
	struct client	*c;
	size_t		 k;

	c = control_waiting_client(CLIENT_GATHERING, m->hdr.id);
	if (c == NULL) {
		log_debug("control: %s for request %u: client gone",
		    msg_type_name(m->hdr.type), m->hdr.id);
		return;
	}
	for (k = 0; k < CONTROL_NOWNERS; k++)
		if (control_owners[k].type == m->hdr.type)
			break;
	if (client_file_status(c, m))
		c->got |= 1u << k;
	if (c->got == CONTROL_ALL_REPLIES)
		client_reply(c, control_status_json(ctl_cf, &c->sales,
		    &c->ledger, &c->cooling, &c->coin, &c->arm));
}

/* The control thread's inbox. */
static void
control_dispatch(struct proc *p, const struct msg *m)
{
	(void)p;
	switch (m->hdr.type) {
	case MSG_STATUS_SALES:
	case MSG_STATUS_LEDGER:
	case MSG_STATUS_COOLING:
	case MSG_STATUS_COIN:
	case MSG_STATUS_ARM:
		control_collect_status(m);
		break;
	case MSG_RESTOCK_DONE:
		control_restock_done(m);
		break;
	default:
		if (control_operator_dispatch(m))
			break;
		fatalx("control: unexpected %s from %s",
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
}

/* Stop: drop the clients, close the socket and remove its file. */
static void
control_on_stop(struct proc *p)
{
	(void)p;
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (ctl_clients[i])
			client_free(ctl_clients[i]);
	if (ctl_ev_listen) {
		event_free(ctl_ev_listen);
		ctl_ev_listen = NULL;
	}
	if (ctl_listen_fd != -1) {
		close(ctl_listen_fd);
		ctl_listen_fd = -1;
		unlink(ctl_cf->control_socket);
	}
}

/* The control thread: accept clients on the socket of control_listen. */
void
control_init(struct proc *p, const struct config *cf,
    const struct control_listener *l)
{
	ctl_proc = p;
	ctl_cf = cf;
	ctl_listen_fd = l->fd;
	ctl_have_group = l->have_group;
	ctl_group_gid = l->gid;
	proc_init(p, PROC_CONTROL, "control", control_dispatch);
	p->on_stop = control_on_stop;
	ctl_ev_listen = event_new(p->base, l->fd, EV_READ | EV_PERSIST,
	    control_accept_cb, NULL);
	if (ctl_ev_listen == NULL || event_add(ctl_ev_listen, NULL) == -1)
		fatalx("control: listen event");
}
