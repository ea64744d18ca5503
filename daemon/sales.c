/*
 * sales: the vending logic. A pure core (credit, selection, stock, the one
 * vend in progress; messages in, messages out, no time) and the thread shell
 * that feeds it its inbox. Service mode, test vends and prices are the
 * core's too, in sales_service.c.
 */
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "msg.h"
#include "proc.h"
#include "sales.h"
#include "sales_int.h"


/* The price of product i as the operator reads it: "1.50". */
static void
sales_price_str(const struct sales_core *s, int64_t v, char *buf, size_t len)
{
	config_format_money(v, s->cf->decimals, buf, len);
}

/*
 * Tell the display what happened (when there is one: without, its inbox has
 * no reader worth the writes). The credit rides along with every event.
 */
void
sales_show(const struct sales_core *s, uint32_t event, int product,
    int64_t amount, struct outbox *ob)
{
	struct msg_show	 m;

	if (s->cf->display.type == DISPLAY_NONE)
		return;
	memset(&m, 0, sizeof(m));
	m.event = event;
	m.product = product;
	m.credit = s->credit;
	m.amount = amount;
	m.on = event == SHOW_SELLING ? (uint32_t)s->selling_shown : 0;
	if (event == SHOW_SERVICE) {
		m.on = (uint32_t)sales_core_in_service(s);
		for (int i = 0; i < s->cf->nproducts; i++) {
			m.count += s->state[i] != PRODUCT_OK;
			m.count2 += s->state[i] == PRODUCT_OK &&
			    s->stock[i] <= 0;
		}
	}
	if (event == SHOW_TEST)
		m.on = amount != 0;
	if (event == SHOW_CHANGE)
		m.on = (uint32_t)amount;
	outbox_put(ob, PROC_DISPLAY, MSG_SHOW, &m, sizeof(m));
}

/* The MDB changer hears the cheapest price: which coins it can change. */
void
sales_tell_cheapest(const struct sales_core *s, struct outbox *ob)
{
	struct msg_price	p;

	if (s->cf->mdb.device[0] == '\0' || s->cf->nproducts == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.price = s->price[0];
	for (int i = 1; i < s->cf->nproducts; i++)
		if (s->price[i] < p.price)
			p.price = s->price[i];
	outbox_put(ob, PROC_MDB, MSG_MDB_PRICE, &p, sizeof(p));
}

/* Service mode: the door is open, or the operator said so. */
int
sales_core_in_service(const struct sales_core *s)
{
	return s->door || s->service_cmd;
}

/* A column that could be sold if the customer paid enough. */
static int
sales_sellable(const struct sales_core *s, int i)
{
	return s->state[i] == PRODUCT_OK && s->stock[i] > 0;
}

/* The machine cannot sell anything: every column is out of order or empty. */
static int
sales_out_of_service(const struct sales_core *s)
{
	for (int i = 0; i < s->cf->nproducts; i++)
		if (sales_sellable(s, i))
			return 0;
	return 1;
}

/*
 * Block the acceptor while a coin could not be used: nothing can be sold
 * (every column empty or out of order, the ledger unable to record, the
 * drop beam blocked), or the credit reached max_credit (0: no limit). Sent
 * to coin only when the wish changes. (The arm, which owns the fact, says
 * itself when it is busy, after its relay is on: coin's wake-up stays off
 * the vend's path.)
 */
void
sales_update_inhibit(struct sales_core *s, struct outbox *ob)
{
	struct msg_flag	 f;
	int64_t		 max = s->cf->coin.max_credit;
	int		 on;

	on = sales_out_of_service(s) || s->ledger_fault || s->arm_blocked;
	if ((on == 0) != s->selling_shown) {
		s->selling_shown = !on;
		sales_show(s, SHOW_SELLING, -1, 0, ob);
	}
	sales_card_enable(s, !on, ob);
	on = on || (max > 0 && s->credit >= max) || sales_core_in_service(s) ||
	    s->payout || s->card;
	if (on == s->inhibit_sent)
		return;
	if (s->inhibit_sent != -1)
		log_info("coin acceptor %s", on ? "inhibited" : "enabled");
	s->inhibit_sent = on;
	memset(&f, 0, sizeof(f));
	f.on = on;
	outbox_put(ob, PROC_COIN, MSG_COIN_INHIBIT, &f, sizeof(f));
	if (s->cf->mdb.device[0] != '\0')	/* an MDB changer takes coins too */
		outbox_put(ob, PROC_MDB, MSG_COIN_INHIBIT, &f, sizeof(f));
}

/* Start from the ledger's restored state; the ledger settled any vend. */
void
sales_core_init(struct sales_core *s, const struct config *cf,
    const struct ledger_state *st, int ledger_fault, struct outbox *ob)
{
	memset(s, 0, sizeof(*s));
	s->cf = cf;
	s->credit = st->credit;
	s->selection = -1;
	s->pending_product = -1;
	s->next_vend_id = st->pending.vend_id + 1;
	s->inhibit_sent = -1;
	s->card_enable_sent = -1;
	s->selling_shown = 1;		/* the display starts out selling */
	s->ledger_fault = ledger_fault != 0;
	s->service_cmd = st->service_cmd != 0;
	/* the door as last journalled, if there is a switch to say if it
	 * changed since; none (unwired since): closed, and journalled so */
	s->door = cf->service.door.name[0] != '\0' && st->door_open;
	if (st->door_open && !s->door)
		sales_service_record(s, 0, SERVICE_DOOR, NULL, ob);
	s->test_src = -1;
	for (int i = 0; i < cf->nproducts && i < VENDD_MAX_PRODUCTS; i++) {
		s->stock[i] = st->product[i].stock;
		s->state[i] = st->product[i].state;
		s->price[i] = st->product[i].has_price ?
		    st->product[i].price : cf->product[i].price;
	}
	sales_tell_cheapest(s, ob);
	if (sales_core_in_service(s)) {
		log_info("in service mode (%s, kept over the restart)",
		    s->service_cmd ? "vendctl service on" : "the door was open");
		sales_show(s, SHOW_SERVICE, -1, 0, ob);
	}
	if (s->credit > 0)		/* restored after a restart */
		sales_show(s, SHOW_CREDIT, -1, 0, ob);
	sales_update_inhibit(s, ob);
}

/* A coin the ledger made durable. */
void
sales_core_credit(struct sales_core *s, int64_t value, struct outbox *ob)
{
	char	v[32], c[32];

	s->credit += value;
	sales_price_str(s, value, v, sizeof(v));
	sales_price_str(s, s->credit, c, sizeof(c));
	log_info("credit +%s, now %s", v, c);
	sales_show(s, SHOW_CREDIT, s->selection >= 0 &&
	    sales_sellable(s, s->selection) ? s->selection : -1, 0, ob);
	sales_update_inhibit(s, ob);
}

/* A selection button: the choice can change until the vend button. */
void
sales_core_select(struct sales_core *s, int p, struct outbox *ob)
{
	const struct product_conf *pc = &s->cf->product[p];
	char	 price[32];

	if (s->pending) {
		log_debug("selection of %s ignored: a vend is in progress",
		    pc->id);
		return;
	}
	s->selection = p;
	s->sel_price = s->price[p];
	sales_price_str(s, s->sel_price, price, sizeof(price));
	if (sales_core_in_service(s)) {
		log_info("selected %s for a test vend (service mode)", pc->id);
		sales_show(s, SHOW_SELECTED, p, s->sel_price, ob);
	} else if (s->state[p] != PRODUCT_OK) {
		log_info("selected %s (%s): out of order", pc->id, price);
		sales_show(s, SHOW_OUT_OF_ORDER, p, 0, ob);
	} else if (s->stock[p] <= 0) {
		log_info("selected %s (%s): sold out", pc->id, price);
		sales_show(s, SHOW_SOLD_OUT, p, 0, ob);
	} else {
		log_info("selected %s (%s)", pc->id, price);
		sales_show(s, SHOW_SELECTED, p, s->sel_price, ob);
	}
}

/*
 * The keypad's clear or timeout for the product it chose: no selection, if
 * that is still it (a vend in hand goes on; a button's choice since stays).
 */
void
sales_core_cancel(struct sales_core *s, int product, struct outbox *ob)
{
	if (s->pending || s->selection < 0 || s->selection != product)
		return;
	log_info("selection of %s cancelled", s->cf->product[s->selection].id);
	s->selection = -1;
	sales_show(s, SHOW_CANCELLED, -1, 0, ob);
}

/* Log why a vend press did nothing; sold-out presses are counted. */
static enum sales_reject
sales_refuse(struct sales_core *s, enum sales_reject why, struct outbox *ob)
{
	const struct product_conf *pc;
	struct msg_select	 sel;
	char			 c[32], price[32];

	if (why == SALES_BUSY) {
		log_debug("vend refused: a vend is in progress");
		return why;
	}
	if (why == SALES_NO_SELECTION) {
		log_info("vend refused: no selection");
		sales_show(s, SHOW_CHOOSE, -1, 0, ob);
		return why;
	}
	if (why == SALES_LEDGER_FAULT) {
		log_info("vend refused: the ledger cannot record sales now");
		return why;
	}
	if (why == SALES_DISPENSING_BLOCKED) {
		log_info("vend refused: dispensing is blocked (the drop sensor "
		    "is broken)");
		return why;
	}
	if (why == SALES_SERVICE_MODE) {
		log_info("vend refused: service mode");
		return why;
	}
	pc = &s->cf->product[s->selection];
	sales_price_str(s, s->credit, c, sizeof(c));
	sales_price_str(s, s->sel_price, price, sizeof(price));
	switch (why) {
	case SALES_OUT_OF_ORDER:
		log_info("vend refused: %s is out of order", pc->id);
		sales_show(s, SHOW_OUT_OF_ORDER, s->selection, 0, ob);
		break;
	case SALES_SOLD_OUT:
		log_info("vend refused: %s is sold out", pc->id);
		sales_show(s, SHOW_SOLD_OUT, s->selection, 0, ob);
		memset(&sel, 0, sizeof(sel));
		sel.product = s->selection;
		outbox_put(ob, PROC_LEDGER, MSG_VEND_SOLD_OUT, &sel,
		    sizeof(sel));
		break;
	case SALES_LOW_CREDIT:
		log_info("vend refused: credit %s < price %s of %s", c, price,
		    pc->id);
		sales_show(s, SHOW_MORE, s->selection, s->sel_price -
		    s->credit, ob);
		break;
	default:
		fatalx("%s: unexpected reason %d", __func__, why);
	}
	return why;
}

/* The vend button: reserve the price through the ledger, or say why not. */
enum sales_reject
sales_core_vend(struct sales_core *s, struct outbox *ob)
{
	const struct product_conf *pc;
	struct msg_vend	 v;
	char		 price[32], c[32];
	int		 p = s->selection;

	if (s->pending || s->payout)
		return sales_refuse(s, SALES_BUSY, ob);
	if (p < 0)
		return sales_refuse(s, SALES_NO_SELECTION, ob);
	if (sales_core_in_service(s))	/* the technician's vend button */
		return sales_core_test_vend(s, p, -1, 0, ob);
	if (s->ledger_fault)
		return sales_refuse(s, SALES_LEDGER_FAULT, ob);
	if (s->arm_blocked)
		return sales_refuse(s, SALES_DISPENSING_BLOCKED, ob);
	if (s->state[p] != PRODUCT_OK)
		return sales_refuse(s, SALES_OUT_OF_ORDER, ob);
	if (s->stock[p] <= 0)
		return sales_refuse(s, SALES_SOLD_OUT, ob);
	pc = &s->cf->product[p];
	if (s->credit < s->sel_price && s->card)
		return sales_card_vend(s, p, ob);
	if (s->credit < s->sel_price)
		return sales_refuse(s, SALES_LOW_CREDIT, ob);

	s->credit -= s->sel_price;
	s->pending = 1;
	s->pending_id = s->next_vend_id++;
	s->pending_product = p;
	memset(&v, 0, sizeof(v));
	v.vend_id = s->pending_id;
	v.product = p;
	v.price = s->sel_price;
	outbox_put(ob, PROC_LEDGER, MSG_VEND_RESERVE, &v, sizeof(v));
	sales_show(s, SHOW_VENDING, p, v.price, ob);
	/* debug only: formatting and writing a line here would sit on the
	 * vend's path; the result is logged when it comes back */
	if (log_debugging()) {
		sales_price_str(s, v.price, price, sizeof(price));
		sales_price_str(s, s->credit, c, sizeof(c));
		log_debug("vend %u: %s for %s, credit left %s", v.vend_id,
		    pc->id, price, c);
	}
	sales_update_inhibit(s, ob);
	return SALES_OK;
}

static void	sales_give_change(struct sales_core *, struct outbox *);
static void	sales_pay_credit(struct sales_core *, struct outbox *);
static void	sales_core_payout_result(struct sales_core *,
		    const struct msg_payout *, struct outbox *);

/* Why a vend that did not sell did not, for the log line. */
const char *
sales_why_name(uint32_t why)
{
	switch (why) {
	case VEND_WHY_NO_DROP:
		return "did not drop, column out of order";
	case VEND_WHY_BEAM_BLOCKED:
		return "not started, the drop sensor is blocked";
	case VEND_WHY_STOPPED:
		return "cut short by vendd stopping";
	case VEND_WHY_REFUSED:
		return "not recorded by the ledger";
	case VEND_WHY_PRICE_CHANGED:
		return "not started, the price had just changed";
	}
	return "failed";
}

/*
 * Arm's answer, made durable by the ledger: commit, or restore the credit.
 * Only a product that did not drop takes its column out of order.
 */
void
sales_core_vend_result(struct sales_core *s, const struct msg_vend *v,
    struct outbox *ob)
{
	const struct product_conf *pc;
	int	 p = s->pending_product;
	char	 c[32], price[32];

	if (!s->pending || v->vend_id != s->pending_id ||
	    (int64_t)v->product != p)
		fatalx("vend result %u for product %u does not match the "
		    "pending vend (%s %u)", v->vend_id, v->product,
		    s->pending ? "id" : "none", s->pending_id);
	if (s->pending_test) {
		sales_test_result(s, v, ob);
		return;
	}
	if (s->pending_card) {
		sales_card_result(s, v, ob);
		return;
	}
	pc = &s->cf->product[p];
	if (v->ok) {
		if (s->stock[p] > 0)
			s->stock[p]--;
		sales_price_str(s, v->price, price, sizeof(price));
		sales_price_str(s, s->credit, c, sizeof(c));
		log_info("vend %u: %s sold for %s, %d left, credit %s",
		    v->vend_id, pc->id, price, s->stock[p], c);
	} else {
		s->credit += v->price;
		if (v->why == VEND_WHY_NO_DROP)
			s->state[p] = PRODUCT_OUT_OF_ORDER;
		sales_price_str(s, s->credit, c, sizeof(c));
		log_warnx("vend %u: %s %s, credit restored to %s", v->vend_id,
		    pc->id, sales_why_name(v->why), c);
	}
	s->pending = 0;
	s->pending_product = -1;
	if (!v->ok && v->why == VEND_WHY_PRICE_CHANGED &&
	    !sales_core_in_service(s)) {
		/* still chosen, at the price the customer now sees */
		s->sel_price = s->price[p];
		sales_show(s, SHOW_SELECTED, p, s->sel_price, ob);
	} else {
		sales_show(s, v->ok ? SHOW_TAKE : SHOW_REFUND, p, 0, ob);
		s->selection = -1;
	}
	if (v->ok)
		sales_give_change(s, ob);
	sales_update_inhibit(s, ob);
}

/*
 * After a sale: the credit left paid back as change by the MDB changer,
 * when there is one online and the config wants it. The credit leaves
 * now; the ledger records the request before the changer hears of it.
 */
static void
sales_give_change(struct sales_core *s, struct outbox *ob)
{
	if (s->cf->mdb.change_after_vend)
		sales_pay_credit(s, ob);
}

/* The credit paid back by the changer (after a sale, or the coin return
 * button): asked through the ledger, which records it first. */
static void
sales_pay_credit(struct sales_core *s, struct outbox *ob)
{
	struct msg_payout	p;

	if (!s->changer || s->credit <= 0 || s->payout || s->pending)
		return;
	memset(&p, 0, sizeof(p));
	p.id = s->next_vend_id++;
	p.amount = s->credit;
	s->payout = 1;
	s->payout_id = p.id;
	s->payout_amount = p.amount;
	s->credit = 0;
	outbox_put(ob, PROC_LEDGER, MSG_PAYOUT_REQ, &p, sizeof(p));
}

/* The change's end, durable: paid, owed, or refused (the credit back). */
static void
sales_core_payout_result(struct sales_core *s, const struct msg_payout *p,
    struct outbox *ob)
{
	char	a[32], b[32];

	if (!s->payout || p->id != s->payout_id)
		fatalx("payout result %u, pending %s %u", p->id,
		    s->payout ? "id" : "none", s->payout_id);
	s->payout = 0;
	sales_price_str(s, p->amount, a, sizeof(a));
	sales_price_str(s, p->paid, b, sizeof(b));
	if (p->refused) {
		s->credit += p->amount;
		log_warnx("change of %s not paid: the ledger cannot record it; "
		    "credit kept", a);
	} else if (p->paid < p->amount) {
		sales_price_str(s, p->amount - p->paid, b, sizeof(b));
		log_warnx("change: %s owed to the customer (the tubes could "
		    "not pay all of %s)", b, a);
	} else
		log_info("change of %s paid", a);
	sales_show(s, SHOW_CREDIT, -1, 0, ob);
	sales_update_inhibit(s, ob);
}

/* A refill the ledger made durable; may put an out-of-order column back. */
void
sales_core_restocked(struct sales_core *s, const struct msg_restock *r,
    struct outbox *ob)
{
	const struct product_conf *pc;

	if (r->product >= (uint32_t)s->cf->nproducts)
		fatalx("restocked product %u, only %d configured", r->product,
		    s->cf->nproducts);
	pc = &s->cf->product[r->product];
	s->stock[r->product] = r->stock < 0 ? pc->capacity : r->stock;
	if (r->clear_fault)
		s->state[r->product] = PRODUCT_OK;
	log_info("%s restocked: %d%s", pc->id, s->stock[r->product],
	    r->clear_fault ? ", back in order" : "");
	sales_update_inhibit(s, ob);
}

/* The ledger can (on = 0) or cannot (on = 1) record: sell or stop. */
void
sales_core_ledger_fault(struct sales_core *s, const struct msg_ledger_fault *f,
    struct outbox *ob)
{
	if ((int)(f->on != 0) == s->ledger_fault)
		return;
	s->ledger_fault = f->on != 0;
	if (s->ledger_fault)
		log_warnx("not selling: the ledger cannot record (%s)",
		    s->cf->state_dir);
	else
		log_info("selling again: the ledger records");
	sales_update_inhibit(s, ob);
}

/* The drop beam blocks dispensing (on) or is clear again. */
void
sales_core_arm_blocked(struct sales_core *s, int on, struct outbox *ob)
{
	if ((on != 0) == s->arm_blocked)
		return;
	s->arm_blocked = on != 0;
	log_info("%s", on ? "not selling: dispensing is blocked by the drop "
	    "sensor" : "selling again: dispensing is clear");
	sales_update_inhibit(s, ob);
}

/* What vendctl status shows of sales: the products from first on, at most
 * MSG_STATUS_CHUNK of them, and the machine-wide fields. */
void
sales_core_status(const struct sales_core *s, uint32_t first,
    struct msg_status_sales *st)
{
	uint32_t	n = (uint32_t)s->cf->nproducts;

	memset(st, 0, sizeof(*st));
	st->credit = s->credit;
	st->selection = s->selection;
	st->vend_pending = s->pending;
	st->nproducts = n;
	st->ledger_fault = (uint32_t)s->ledger_fault;
	st->arm_blocked = (uint32_t)s->arm_blocked;
	st->first = first;
	st->service = (s->door ? 1u : 0u) | (s->service_cmd ? 2u : 0u);
	st->changer = (uint32_t)s->changer;
	st->payout = (uint32_t)s->payout;
	st->mdb = (uint32_t)(s->mdb_online | s->card << 2);
	for (uint32_t i = first; i < n && st->count < MSG_STATUS_CHUNK; i++) {
		st->product[st->count].stock = s->stock[i];
		st->product[st->count].price = s->price[i];
		st->product[st->count++].state = s->state[i];
	}
}

/* The reason's name for logs and vendctl. */
const char *
sales_reject_name(enum sales_reject r)
{
	switch (r) {
	case SALES_OK:
		return "ok";
	case SALES_NO_SELECTION:
		return "no selection";
	case SALES_LOW_CREDIT:
		return "low credit";
	case SALES_SOLD_OUT:
		return "sold out";
	case SALES_OUT_OF_ORDER:
		return "out of order";
	case SALES_BUSY:
		return "busy";
	case SALES_LEDGER_FAULT:
		return "ledger fault";
	case SALES_DISPENSING_BLOCKED:
		return "dispensing blocked";
	case SALES_SERVICE_MODE:
		return "service mode";
	case SALES_NOT_IN_SERVICE:
		return "not in service mode";
	}
	return "unknown";
}

/*
 * One inbox message into the core: the dispatch the thread shell and the
 * property test share. -1 for a type sales does not take or a product out of
 * range (a bug in the sender).
 */
int
sales_core_handle(struct sales_core *s, const struct msg *m,
    struct outbox *ob)
{
	switch (m->hdr.type) {
	case MSG_CREDIT_ADDED:
		sales_core_credit(s, m->u.credit.value, ob);
		return 0;
	case MSG_PANEL_SELECT:
		if (m->u.select.product >= (uint32_t)s->cf->nproducts)
			return -1;
		sales_core_select(s, (int)m->u.select.product, ob);
		return 0;
	case MSG_PANEL_VEND:
		sales_core_vend(s, ob);
		return 0;
	case MSG_PANEL_CANCEL:
		if (m->u.select.product >= (uint32_t)s->cf->nproducts)
			return -1;
		sales_core_cancel(s, (int)m->u.select.product, ob);
		return 0;
	case MSG_VEND_RESULT:
		sales_core_vend_result(s, &m->u.vend, ob);
		return 0;
	case MSG_RESTOCKED:
		sales_core_restocked(s, &m->u.restock, ob);
		return 0;
	case MSG_LEDGER_FAULT:
		sales_core_ledger_fault(s, &m->u.fault, ob);
		return 0;
	case MSG_ARM_BLOCKED:
		sales_core_arm_blocked(s, m->u.flag.on != 0, ob);
		return 0;
	case MSG_DOOR:
		sales_core_door(s, m->u.flag.on != 0, ob);
		return 0;
	case MSG_SERVICE:
		sales_core_service(s, m, ob);
		return 0;
	case MSG_TEST_VEND:
		if (m->u.select.product >= (uint32_t)s->cf->nproducts)
			return -1;
		sales_core_test_vend(s, (int)m->u.select.product, m->hdr.src,
		    m->hdr.id, ob);
		return 0;
	case MSG_PRICE:
		if (m->u.price.product >= (uint32_t)s->cf->nproducts)
			return -1;
		sales_core_price(s, &m->u.price, ob);
		return 0;
	case MSG_CHANGER:
		s->changer = (m->u.flag.on & 1) != 0;
		s->mdb_online = (int)(m->u.flag.on >> 2 & 3);
		sales_show(s, SHOW_CHANGE, -1, !s->changer ? 0 :
		    (m->u.flag.on & 2) ? 2 : 1, ob);
		return 0;
	case MSG_CARD_SESSION:
		sales_core_card_session(s, &m->u.card, ob);
		return 0;
	case MSG_PANEL_RETURN:
		if (s->card && !s->pending)	/* the session ends, no vend */
			outbox_put(ob, PROC_MDB, MSG_CARD_END, NULL, 0);
		if (s->credit > 0 && !s->changer)
			log_info("coin return: no changer %s: the credit stays",
			    s->cf->mdb.device[0] ? "online" : "configured");
		else if (s->credit > 0)
			log_info("coin return pressed: the credit paid back");
		sales_pay_credit(s, ob);
		sales_update_inhibit(s, ob);	/* no coin while paying */
		return 0;
	case MSG_PAYOUT_RESULT:
		sales_core_payout_result(s, &m->u.payout, ob);
		return 0;
	}
	return -1;
}

/* The thread shell's state: the core lives in this thread only. */
static struct sales_core sales;
static struct outbox	 sales_first;	/* the initial inhibit wish */

/* Answer a status request: one message per chunk of products, in order. */
static void
sales_send_status(struct proc *p, const struct msg *m)
{
	struct msg_status_sales	 st;
	uint32_t		 n = msg_status_chunks(
				    (uint32_t)sales.cf->nproducts);

	for (uint32_t k = 0; k < n; k++) {
		sales_core_status(&sales, k * MSG_STATUS_CHUNK, &st);
		proc_send(p, m->hdr.src, MSG_STATUS_SALES, m->hdr.id, &st,
		    sizeof(st));
	}
}

/* One message from the inbox into the core; what it wants sent goes out. */
static void
sales_dispatch(struct proc *p, const struct msg *m)
{
	struct outbox		 ob;

	outbox_init(&ob);
	if (m->hdr.type == MSG_STATUS_REQ) {
		sales_send_status(p, m);
		return;
	}
	if (sales_core_handle(&sales, m, &ob) == -1) {
		if (m->hdr.type == MSG_PANEL_SELECT)
			fatalx("selection %u from %s, only %d products",
			    m->u.select.product, proc_name(m->hdr.src),
			    sales.cf->nproducts);
		fatalx("%s: unexpected %s from %s", __func__,
		    msg_type_name(m->hdr.type), proc_name(m->hdr.src));
	}
	proc_send_outbox(p, &ob);
}

/* Send the initial inhibit wish from sales' own thread once it runs, and
 * the display the prices the operator set (it starts with the INI's). */
static void
sales_start(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox	ob;

	(void)fd;
	(void)ev;
	proc_send_outbox(arg, &sales_first);
	for (int i = 0; i < sales.cf->nproducts; i++) {
		if (sales.price[i] == sales.cf->product[i].price)
			continue;
		outbox_init(&ob);
		sales_show(&sales, SHOW_PRICE, i, sales.price[i], &ob);
		proc_send_outbox(arg, &ob);
	}
}

/* The thread shell: sales has no lines, only its inbox. */
void
sales_init(struct proc *p, const struct config *cf,
    const struct ledger_state *st, int ledger_fault)
{
	struct timeval	now = { 0, 0 };

	proc_init(p, PROC_SALES, "sales", sales_dispatch);
	outbox_init(&sales_first);
	sales_core_init(&sales, cf, st, ledger_fault, &sales_first);
	if (event_base_once(p->base, -1, EV_TIMEOUT, sales_start, p,
	    &now) == -1)
		fatalx("sales: event_base_once");
}
