/*
 * sales in service mode: the door or vendctl service, test vends, and the
 * prices the ledger made durable. Part of sales' pure core (sales.c has
 * the rest and the thread shell); no time, messages in and out.
 */
#include <string.h>

#include "config.h"
#include "log.h"
#include "msg.h"
#include "sales.h"
#include "sales_int.h"

/*
 * Journal a change of the door or the command (the ledger counts them); a
 * command's requester is answered by the ledger once it is durable.
 */
void
sales_service_record(struct sales_core *s, int on, uint32_t why,
    const struct msg *req, struct outbox *ob)
{
	struct msg_service	r;

	memset(&r, 0, sizeof(r));
	r.on = (uint32_t)on;
	r.why = why;
	r.door = (uint32_t)s->door;
	r.command = (uint32_t)s->service_cmd;
	if (req != NULL)
		r.requester = (uint32_t)req->hdr.src + 1;
	outbox_put(ob, PROC_LEDGER, MSG_SERVICE_REC, &r, sizeof(r));
	if (req != NULL)
		ob->m[ob->n - 1].hdr.id = req->hdr.id;
}

/* Service mode began or ended: the selection goes, the credit stays. */
static void
sales_service_changed(struct sales_core *s, int was, struct outbox *ob)
{
	int	now = sales_core_in_service(s);

	if (now == was)
		return;
	if (s->selection >= 0 && !s->pending)
		s->selection = -1;
	log_info("%s service mode%s", now ? "entering" : "leaving",
	    now && s->pending ? " (the vend in progress finishes)" : "");
	sales_show(s, SHOW_SERVICE, -1, 0, ob);
	if (!now && s->credit > 0)
		sales_show(s, SHOW_CREDIT, -1, 0, ob);
	sales_update_inhibit(s, ob);
}

/* The door switch: open is service mode (and a door opening counted). */
void
sales_core_door(struct sales_core *s, int open, struct outbox *ob)
{
	int	was = sales_core_in_service(s);

	if (open == s->door)
		return;
	s->door = open;
	sales_service_record(s, open, SERVICE_DOOR, NULL, ob);
	sales_service_changed(s, was, ob);
}

/* vendctl service on|off: answered by the ledger once the change is
 * durable (it survives a restart), or here when nothing changes. */
void
sales_core_service(struct sales_core *s, const struct msg *m,
    struct outbox *ob)
{
	struct msg_service	d;
	int			was = sales_core_in_service(s);
	int			on = m->u.flag.on != 0;

	if (on != s->service_cmd) {
		s->service_cmd = on;
		sales_service_record(s, on, SERVICE_COMMAND, m, ob);
		sales_service_changed(s, was, ob);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.recorded = 1;			/* as it already was */
	d.on = (uint32_t)sales_core_in_service(s);
	d.door = (uint32_t)s->door;
	d.command = (uint32_t)s->service_cmd;
	outbox_put(ob, m->hdr.src, MSG_SERVICE_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = m->hdr.id;
}

/* Answer a test vend's requester (control), if there is one. */
static void
sales_test_done(int src, uint32_t id, int product, int ok, uint32_t why,
    enum sales_reject refused, struct outbox *ob)
{
	struct msg_test_done	d;

	if (src < 0)
		return;
	memset(&d, 0, sizeof(d));
	d.product = (uint32_t)product;
	d.ok = (uint32_t)ok;
	d.why = why;
	d.refused = refused;
	outbox_put(ob, src, MSG_TEST_VEND_DONE, &d, sizeof(d));
	ob->m[ob->n - 1].hdr.id = id;
}

/* Why a test vend cannot run now, or SALES_OK. */
static enum sales_reject
sales_test_check(const struct sales_core *s, int p)
{
	if (!sales_core_in_service(s))
		return SALES_NOT_IN_SERVICE;
	if (s->pending)
		return SALES_BUSY;
	if (s->ledger_fault)
		return SALES_LEDGER_FAULT;
	if (s->arm_blocked)
		return SALES_DISPENSING_BLOCKED;
	if (s->stock[p] <= 0)
		return SALES_SOLD_OUT;
	return SALES_OK;
}

/*
 * A test vend: the whole cycle with the drop check, at price 0, counted
 * apart by the ledger. An out-of-order column may be tested (that is how a
 * repaired one goes back in order); an empty one has nothing to drop.
 */
enum sales_reject
sales_core_test_vend(struct sales_core *s, int p, int src, uint32_t id,
    struct outbox *ob)
{
	enum sales_reject	why = sales_test_check(s, p);
	struct msg_vend		v;

	if (why != SALES_OK) {
		log_info("test vend of %s refused: %s", s->cf->product[p].id,
		    sales_reject_name(why));
		sales_test_done(src, id, p, 0, 0, why, ob);
		return why;
	}
	s->pending = 1;
	s->pending_test = 1;
	s->pending_id = s->next_vend_id++;
	s->pending_product = p;
	s->test_src = src;
	s->test_id = id;
	memset(&v, 0, sizeof(v));
	v.vend_id = s->pending_id;
	v.product = (uint32_t)p;
	v.test = 1;
	outbox_put(ob, PROC_LEDGER, MSG_VEND_RESERVE, &v, sizeof(v));
	log_info("test vend %u of %s", v.vend_id, s->cf->product[p].id);
	sales_show(s, SHOW_VENDING, p, 0, ob);
	return SALES_OK;
}

/* A test vend's end: stock and the column's state, no credit. */
void
sales_test_result(struct sales_core *s, const struct msg_vend *v,
    struct outbox *ob)
{
	int	p = s->pending_product;

	if (v->ok) {
		if (s->stock[p] > 0)
			s->stock[p]--;
		s->state[p] = PRODUCT_OK;
		log_info("test vend %u: %s dropped, %d left", v->vend_id,
		    s->cf->product[p].id, s->stock[p]);
	} else {
		if (v->why == VEND_WHY_NO_DROP)
			s->state[p] = PRODUCT_OUT_OF_ORDER;
		log_warnx("test vend %u: %s %s", v->vend_id,
		    s->cf->product[p].id, sales_why_name(v->why));
	}
	sales_test_done(s->test_src, s->test_id, p, v->ok != 0, v->why,
	    SALES_OK, ob);
	sales_show(s, SHOW_TEST, p, v->ok != 0, ob);
	s->selection = -1;
	s->pending = 0;
	s->pending_test = 0;
	s->pending_product = -1;
	s->test_src = -1;
	sales_update_inhibit(s, ob);
}

/* A price the ledger made durable: from now on, for a product already
 * chosen too (one being vended keeps the price it was reserved at). */
void
sales_core_price(struct sales_core *s, const struct msg_price *pr,
    struct outbox *ob)
{
	int	p = (int)pr->product;

	s->price[p] = pr->price;
	sales_show(s, SHOW_PRICE, p, pr->price, ob);
	sales_tell_cheapest(s, ob);
	if (s->selection == p && !s->pending) {
		s->sel_price = pr->price;
		sales_show(s, SHOW_SELECTED, p, pr->price, ob);
	}
}

