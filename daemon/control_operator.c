/*
 * control's side of the operator's day: prices, collections and audit
 * resets go to the ledger (answered once durable), service mode and test
 * vends to sales, the audit's counters come back from the ledger in chunks
 * (a JSON reply, or a DEX report), and the event log streams out to the
 * client from the ledger's file, asked for 16 events at a time. Nothing
 * here reads another thread's memory: every answer is a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "control.h"
#include "control_int.h"
#include "dex.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sales.h"

/*
 * Audits in flight at once: each is answered with 1 + ceil(99 / 8) = 14
 * messages the ledger may have to park while control is busy, beside
 * every client's status chunks (see control_socket.c).
 */
#define CONTROL_AUDITS_MAX	8
#define CONTROL_AUDIT_MSGS	(1 + (VENDD_MAX_PRODUCTS + MSG_AUDIT_CHUNK - 1) / \
				 MSG_AUDIT_CHUNK)
_Static_assert(CONTROL_CLIENTS_MAX * ((VENDD_MAX_PRODUCTS + MSG_STATUS_CHUNK -
    1) / MSG_STATUS_CHUNK) + CONTROL_AUDITS_MAX * CONTROL_AUDIT_MSGS <=
    PROC_QUEUE_MAX, "audits and statuses must fit an owner's park");
/*
 * Event streams held open at once (--follow keeps a client for good), and
 * how many of them anyone on the machine may hold: the rest are kept for
 * the operators, so nobody can take every connection and lock them out.
 */
#define CONTROL_STREAMS_MAX	16
#define CONTROL_STREAMS_ANYONE	8
/* A stream asks for more only while less than this waits to be written. */
#define CONTROL_STREAM_HIGH	(64 * 1024)
/* A test vend: every attempt's run and drop wait, and some slack. */
#define CONTROL_TEST_SLACK_S	5

/* How many clients are reading an audit now. */
static int
op_audits(void)
{
	int	n = 0;

	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		n += ctl_clients[i] && ctl_clients[i]->phase == CLIENT_AUDITING;
	return n;
}

/* Add money with the config's decimals and currency, for vendctl. */
static void
op_json_money_fmt(struct json_object *o)
{
	json_object_object_add(o, "decimals",
	    json_object_new_int(ctl_cf->decimals));
	json_object_object_add(o, "currency",
	    json_object_new_string(ctl_cf->currency));
}

/* Send m to an owner and wait for its answer of type want. */
static void
op_ask(struct client *c, int dst, uint16_t type, const void *payload,
    size_t len, uint16_t want)
{
	client_wait_owners(c, CLIENT_OPERATOR);
	c->want = want;
	proc_send(ctl_proc, dst, type, c->req_id, payload, len);
}

/* price ID AMOUNT|default: the ledger records it, sales uses it next. */
static void
op_price(struct client *c, const struct control_req *req)
{
	struct msg_price p;
	char		 err[160];
	int		 i;
	int64_t		 price;

	if (control_check_price(ctl_cf, req, &i, &price, err,
	    sizeof(err)) == -1) {
		client_error(c, err);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.product = (uint32_t)i;
	p.is_default = (uint32_t)req->flag;
	p.price = price;
	c->product = i;
	op_ask(c, PROC_LEDGER, MSG_PRICE_SET, &p, sizeof(p), MSG_PRICE_DONE);
}

/* test-vend ID: sales runs it in service mode; the arm may take long. */
static void
op_test_vend(struct client *c, const struct control_req *req)
{
	const struct arm_conf *a = &ctl_cf->arm;
	struct msg_select s;
	struct timeval	 tv;
	int		 i = control_product_index(ctl_cf, req->product);
	char		 err[96];

	if (i == -1) {
		snprintf(err, sizeof(err), "unknown product %s", req->product);
		client_error(c, err);
		return;
	}
	memset(&s, 0, sizeof(s));
	s.product = (uint32_t)i;
	c->product = i;
	op_ask(c, PROC_SALES, MSG_TEST_VEND, &s, sizeof(s),
	    MSG_TEST_VEND_DONE);
	tv.tv_sec = (time_t)((a->retries + 1) * (a->run_ms +
	    a->drop_timeout_ms) / 1000 + CONTROL_TEST_SLACK_S);
	tv.tv_usec = 0;
	evtimer_add(c->timer, &tv);
}

/* audit [dex]: ask the ledger for its counters (at most a few at once). */
static void
op_audit(struct client *c, const struct control_req *req)
{
	struct msg_flag	f = { 1 };

	if (op_audits() >= CONTROL_AUDITS_MAX) {
		client_error(c, "busy: other audits are being read, try again");
		return;
	}
	if ((c->audit = calloc(1, sizeof(*c->audit))) == NULL)
		fatal("control: audit");
	c->flag = req->flag;
	client_wait_owners(c, CLIENT_AUDITING);
	proc_send(ctl_proc, PROC_LEDGER, MSG_AUDIT_REQ, c->req_id, &f,
	    sizeof(f));
}

/* The stream's next request: the events after the last one sent. */
static void
op_events_ask(struct client *c)
{
	struct msg_events_req r;

	memset(&r, 0, sizeof(r));
	r.after = c->ev_after;
	r.follow = (uint32_t)c->ev_follow;
	c->req_id = control_new_request_id();
	c->phase = CLIENT_EVENTS;	/* c->ev stays: it writes the stream */
	client_arm_timeout(c);
	c->ev_asked = 1;
	proc_send(ctl_proc, PROC_LEDGER, MSG_EVENTS_REQ, c->req_id, &r,
	    sizeof(r));
}

/* The peer of a stream went away (or sent more than its request). */
static void
op_stream_peer_cb(int fd, short what, void *arg)
{
	struct client	*c = arg;
	char		 buf[64];

	ssize_t		 n;

	(void)what;
	if ((n = read(fd, buf, sizeof(buf))) > 0 || (n == -1 &&
	    (errno == EAGAIN || errno == EINTR)))
		return;
	log_debug("control: uid %u stopped reading events", (unsigned)c->uid);
	client_free(c);
}

/* How many streams are open, all of them or those of non-operators. */
static int
op_streams(int anyone)
{
	int	n = 0;

	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		const struct client *o = ctl_clients[i];

		n += o && o->phase == CLIENT_EVENTS && (!anyone ||
		    !o->may_change);
	}
	return n;
}

/* events AFTER [follow]: stream them, ten at a time, as the client reads. */
static void
op_events(struct client *c, const struct control_req *req)
{
	if (op_streams(0) >= CONTROL_STREAMS_MAX || (!c->may_change &&
	    op_streams(1) >= CONTROL_STREAMS_ANYONE)) {
		log_warnx("control: events for uid %u refused: %d streams open",
		    (unsigned)c->uid, op_streams(0));
		client_error(c, "busy: too many event streams open, try again");
		return;
	}
	event_del(c->ev);		/* the request is read: c->ev writes */
	c->keep = 1;
	c->ev_after = req->after;
	c->ev_follow = req->flag;
	c->rev = event_new(ctl_proc->base, c->fd, EV_READ | EV_PERSIST,
	    op_stream_peer_cb, c);
	if (c->rev == NULL || event_add(c->rev, NULL) == -1)
		fatalx("control: event_new");
	op_events_ask(c);
}

/* An operator's request (status and restock are control_socket.c's). */
void
client_operator(struct client *c, const struct control_req *req)
{
	struct msg_flag	f = { 0 };

	switch (req->cmd) {
	case CONTROL_PRICE:
		op_price(c, req);
		break;
	case CONTROL_COLLECT:
		op_ask(c, PROC_LEDGER, MSG_COLLECT, &f, sizeof(f),
		    MSG_COLLECT_DONE);
		break;
	case CONTROL_SERVICE:
		f.on = (uint32_t)req->flag;
		op_ask(c, PROC_SALES, MSG_SERVICE, &f, sizeof(f),
		    MSG_SERVICE_DONE);
		break;
	case CONTROL_TEST_VEND:
		op_test_vend(c, req);
		break;
	case CONTROL_AUDIT:
		op_audit(c, req);
		break;
	case CONTROL_AUDIT_RESET: {
		struct msg_token t = { req->token, 0, 0, 0 };

		op_ask(c, PROC_LEDGER, MSG_AUDIT_RESET, &t, sizeof(t),
		    MSG_AUDIT_RESET_DONE);
		break;
	}
	case CONTROL_EVENTS:
		op_events(c, req);
		break;
	default:
		fatalx("control: request %d", req->cmd);
	}
}

/* {"error": what, "errno": n} for a record the ledger could not write. */
static struct json_object *
op_not_recorded(const char *what, int err)
{
	char			 buf[160];
	struct json_object	*o;

	snprintf(buf, sizeof(buf), "%s: not recorded: %s", what,
	    strerror(err));
	o = control_error_json(buf);
	json_object_object_add(o, "errno", json_object_new_int(err));
	return o;
}

/* Why a test vend did not drop, as vendctl prints it. */
static const char *
op_test_why(uint32_t why)
{
	switch (why) {
	case VEND_WHY_NO_DROP:
		return "did not drop, column out of order";
	case VEND_WHY_BEAM_BLOCKED:
		return "the drop sensor is blocked";
	case VEND_WHY_REFUSED:
		return "not started: the ledger cannot record it";
	}
	return "stopped before the drop";
}

/* The reply to a price, a collection, a mode or a test vend. */
static struct json_object *
op_reply_json(const struct client *c, const struct msg *m)
{
	const char		*id = ctl_cf->product[c->product].id;
	struct json_object	*o;
	char			 buf[160];

	if (m->hdr.type == MSG_PRICE_DONE && !m->u.price.ok)
		return op_not_recorded("price", m->u.price.err);
	if (m->hdr.type == MSG_COLLECT_DONE && !m->u.collect.ok)
		return op_not_recorded("collection", m->u.collect.err);
	if (m->hdr.type == MSG_AUDIT_RESET_DONE && !m->u.token.ok)
		return m->u.token.err == ESTALE ? control_error_json("audit "
		    "reset refused: the counters moved since the report was "
		    "read (read it again)") :
		    op_not_recorded("audit reset", m->u.token.err);
	if (m->hdr.type == MSG_TEST_VEND_DONE && m->u.test_done.refused) {
		snprintf(buf, sizeof(buf), "test vend of %s refused: %s", id,
		    sales_reject_name(m->u.test_done.refused));
		return control_error_json(buf);
	}
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	switch (m->hdr.type) {
	case MSG_PRICE_DONE:
		json_object_object_add(o, "product", json_object_new_string(id));
		json_object_object_add(o, "price",
		    json_object_new_int64(m->u.price.price));
		json_object_object_add(o, "default",
		    json_object_new_boolean(m->u.price.is_default != 0));
		op_json_money_fmt(o);
		break;
	case MSG_COLLECT_DONE:
		json_object_object_add(o, "amount",
		    json_object_new_int64(m->u.collect.amount));
		json_object_object_add(o, "cash_in",
		    json_object_new_int64(m->u.collect.cash_in));
		json_object_object_add(o, "credit",
		    json_object_new_int64(m->u.collect.credit));
		json_object_object_add(o, "collections",
		    json_object_new_uint64(m->u.collect.collections));
		op_json_money_fmt(o);
		break;
	case MSG_SERVICE_DONE:
		json_object_object_add(o, "service",
		    json_object_new_boolean(m->u.service.on != 0));
		json_object_object_add(o, "door_open",
		    json_object_new_boolean(m->u.service.door != 0));
		json_object_object_add(o, "command",
		    json_object_new_boolean(m->u.service.command != 0));
		json_object_object_add(o, "recorded",
		    json_object_new_boolean(m->u.service.recorded != 0));
		break;
	case MSG_TEST_VEND_DONE:
		json_object_object_add(o, "product", json_object_new_string(id));
		json_object_object_add(o, "dropped",
		    json_object_new_boolean(m->u.test_done.ok != 0));
		if (!m->u.test_done.ok)
			json_object_object_add(o, "why", json_object_new_string(
			    op_test_why(m->u.test_done.why)));
		break;
	}
	return o;
}

/* An owner answered a client's operator request. */
static void
op_answered(const struct msg *m)
{
	struct client	*c = control_waiting_client(CLIENT_OPERATOR, m->hdr.id);

	if (c == NULL || c->want != m->hdr.type) {
		log_info("control: %s for request %u: its client is gone",
		    msg_type_name(m->hdr.type), m->hdr.id);
		return;
	}
	client_reply(c, op_reply_json(c, m));
}

/* The audit is whole: reply JSON, or the DEX report and its token. */
static void
op_audit_reply(struct client *c)
{
	struct dex_audit	*d;
	struct json_object	*o;
	char			*text;
	size_t			 len;

	if (!c->flag) {
		client_reply(c, control_audit_json(ctl_cf, c->audit));
		return;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal("control: dex");
	control_dex_fill(ctl_cf, c->audit, time(NULL), d);
	if ((text = dex_report(d, &len)) == NULL)
		fatal("control: dex report");
	free(d);
	o = json_object_new_object();
	json_object_object_add(o, "dex", json_object_new_string_len(text,
	    (int)len));
	json_object_object_add(o, "token",
	    json_object_new_uint64(c->audit->a.token));
	free(text);
	client_reply(c, o);
}

/* One of the audit's messages: filed; replied once all are in. */
static void
op_audit_part(const struct msg *m)
{
	const struct msg_audit_products *ap = &m->u.audit_products;
	struct client	*c = control_waiting_client(CLIENT_AUDITING, m->hdr.id);
	struct control_audit *v;
	uint32_t	 n, due;

	if (c == NULL)
		return;			/* gone: timed out, counted there */
	v = c->audit;
	if (m->hdr.type == MSG_AUDIT) {
		v->a = m->u.audit;
		v->have_a = 1;
	} else {
		if (!v->have_a || ap->nproducts != v->a.nproducts ||
		    ap->first != v->chunks * MSG_AUDIT_CHUNK ||
		    ap->count > MSG_AUDIT_CHUNK || ap->first + ap->count >
		    ap->nproducts || ap->nproducts > VENDD_MAX_PRODUCTS)
			fatalx("control: AUDIT_PRODUCTS from %u of %u out of "
			    "order", ap->first, ap->nproducts);
		memcpy(&v->p[ap->first], ap->product, ap->count *
		    sizeof(ap->product[0]));
		v->chunks++;
	}
	n = v->a.nproducts;
	due = (n + MSG_AUDIT_CHUNK - 1) / MSG_AUDIT_CHUNK;
	if (v->have_a && v->chunks == due)
		op_audit_reply(c);
}

/* {"dropped": N, "after": A}: events no longer kept, said, not skipped. */
static void
op_stream_dropped(struct client *c, uint64_t dropped)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "dropped", json_object_new_uint64(dropped));
	json_object_object_add(o, "after", json_object_new_uint64(c->ev_after));
	client_stream(c, o);
}

/* A chunk of events for a stream: out they go; then more, or the end. */
static void
op_events_part(const struct msg *m)
{
	const struct msg_events *e = &m->u.events;
	struct client	*c = control_waiting_client(CLIENT_EVENTS, m->hdr.id);

	if (e->n > MSG_EVENTS_MAX)
		fatalx("control: EVENTS with %u events", e->n);
	if (c == NULL)
		return;
	evtimer_del(c->timer);
	c->ev_asked = 0;
	if (e->dropped)
		op_stream_dropped(c, e->dropped);
	for (uint32_t i = 0; i < e->n; i++) {
		client_stream(c, control_event_json(ctl_cf, &e->ev[i]));
		c->ev_after = e->ev[i].seq;
	}
	if (e->dropped && e->n == 0)
		c->ev_after += e->dropped;
	if (e->n == 0 && !c->ev_follow) {
		client_stream_end(c);	/* caught up */
		return;
	}
	if (e->n == 0) {
		c->ev_waiting = 1;	/* the ledger says when more come */
		return;
	}
	if (c->outlen - c->outoff < CONTROL_STREAM_HIGH)
		op_events_ask(c);
	/* else: asked again once the client has read (drained) */
}

/* The ledger has records after an empty answer: every waiting stream asks. */
static void
op_events_new(void)
{
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = ctl_clients[i];

		if (c && c->phase == CLIENT_EVENTS && c->ev_waiting) {
			c->ev_waiting = 0;
			op_events_ask(c);
		}
	}
}

/* The stream's output went out: ask for more if none is asked for. */
void
control_operator_drained(struct client *c)
{
	if (c->phase == CLIENT_EVENTS && !c->ev_asked && !c->ev_waiting)
		op_events_ask(c);
}

/* The operator's answers in control's inbox: 1 if m was one. */
int
control_operator_dispatch(const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_PRICE_DONE:
	case MSG_COLLECT_DONE:
	case MSG_SERVICE_DONE:
	case MSG_TEST_VEND_DONE:
	case MSG_AUDIT_RESET_DONE:
		op_answered(m);
		return 1;
	case MSG_AUDIT:
	case MSG_AUDIT_PRODUCTS:
		op_audit_part(m);
		return 1;
	case MSG_EVENTS:
		op_events_part(m);
		return 1;
	case MSG_EVENTS_NEW:
		op_events_new();
		return 1;
	}
	return 0;
}

/* An operator's phase ran out of time: say so (the ledger may still
 * record a request: the log says what became of it). */
int
control_operator_timeout(struct client *c)
{
	char	buf[160];

	switch (c->phase) {
	case CLIENT_OPERATOR:
		snprintf(buf, sizeof(buf), "no answer to %s within the time "
		    "(it may still happen: see vendctl status)",
		    msg_type_name(c->want));
		break;
	case CLIENT_AUDITING:
		snprintf(buf, sizeof(buf), "no audit from the ledger in time");
		break;
	case CLIENT_EVENTS:
		snprintf(buf, sizeof(buf), "no events from the ledger in time");
		log_warnx("control: %s", buf);
		client_stream_end(c);
		return 1;
	default:
		return 0;
	}
	log_warnx("control: %s", buf);
	client_error(c, buf);
	return 1;
}
