/*
 * sales' part for a cashless reader ([mdb] cashless): a session the reader
 * opens (a card or phone presented) pays for the next vend in place of the
 * credit. Cash and card never mix in one vend: while a session is open the
 * acceptor and the validator are blocked, and the reader may open one only
 * while no cash credit is in the machine. The vend is asked of the ledger
 * (which journals it and asks the reader); the reader's approval comes back
 * as the reservation's answer would, and the arm runs as for cash.
 */
#include <string.h>

#include "log.h"
#include "msg.h"
#include "sales.h"
#include "sales_int.h"

/* A card session began or ended. */
void
sales_core_card_session(struct sales_core *s, const struct msg_card *m,
    struct outbox *ob)
{
	char	f[32];

	s->card = m->on != 0;
	if (s->card) {
		if (m->funds >= 0) {
			config_format_money(m->funds, s->cf->decimals, f,
			    sizeof(f));
			log_info("card session: %s available", f);
		} else
			log_info("card session begun");
	} else
		log_info("card session ended");
	if (!s->pending)
		sales_show(s, SHOW_CARD, -1, 0, ob);
	sales_update_inhibit(s, ob);
}

/* The vend button with a card session and too little cash: the selected
 * product asked of the reader, through the ledger. */
enum sales_reject
sales_card_vend(struct sales_core *s, int p, struct outbox *ob)
{
	struct msg_vend	v;

	s->pending = 1;
	s->pending_card = 1;
	s->pending_id = s->next_vend_id++;
	s->pending_product = p;
	memset(&v, 0, sizeof(v));
	v.vend_id = s->pending_id;
	v.product = (uint32_t)p;
	v.price = s->sel_price;
	v.card = 1;
	outbox_put(ob, PROC_LEDGER, MSG_VEND_RESERVE, &v, sizeof(v));
	sales_show(s, SHOW_VENDING, p, v.price, ob);
	log_info("vend %u: %s asked of the card reader", v.vend_id,
	    s->cf->product[p].id);
	sales_update_inhibit(s, ob);
	return SALES_OK;
}

/* A card vend's end, durable: sold, denied, or refunded to the card. */
void
sales_card_result(struct sales_core *s, const struct msg_vend *v,
    struct outbox *ob)
{
	const char *id = s->cf->product[v->product].id;

	if (v->ok) {
		if (s->stock[v->product] > 0)
			s->stock[v->product]--;
		log_info("vend %u: %s sold by card, %d left", v->vend_id, id,
		    s->stock[v->product]);
		sales_show(s, SHOW_TAKE, (int)v->product, 0, ob);
	} else if (v->why == VEND_WHY_PRICE_CHANGED &&
	    !sales_core_in_service(s)) {
		/* still chosen, at the price the customer now sees; the
		 * reader was not asked */
		log_info("vend %u: %s not asked of the card: its price had "
		    "just changed", v->vend_id, id);
		s->pending = 0;
		s->pending_card = 0;
		s->pending_product = -1;
		s->sel_price = s->price[v->product];
		sales_show(s, SHOW_SELECTED, (int)v->product, s->sel_price, ob);
		sales_update_inhibit(s, ob);
		return;
	} else if (v->why == VEND_WHY_CARD_DENIED) {
		log_info("vend %u: %s denied by the card reader", v->vend_id,
		    id);
		sales_show(s, SHOW_CARD, (int)v->product, 2, ob);
	} else {
		if (v->why == VEND_WHY_NO_DROP)
			s->state[v->product] = PRODUCT_OUT_OF_ORDER;
		log_warnx("vend %u: %s %s, the card refunded", v->vend_id, id,
		    sales_why_name(v->why));
		sales_show(s, SHOW_REFUND, (int)v->product, 0, ob);
	}
	s->pending = 0;
	s->pending_card = 0;
	s->pending_product = -1;
	s->selection = -1;
	sales_update_inhibit(s, ob);
}

/* Whether the reader may open a session now, told when it changes. */
void
sales_card_enable(struct sales_core *s, int can_sell, struct outbox *ob)
{
	struct msg_flag	f;
	int		on;

	if (s->cf->mdb.device[0] == '\0' || !s->cf->mdb.cashless)
		return;
	on = can_sell && s->credit == 0 && !s->payout &&
	    (!s->pending || s->pending_card) && !sales_core_in_service(s);
	if (!on && s->card && !s->pending)	/* service mode, a fault */
		outbox_put(ob, PROC_MDB, MSG_CARD_END, NULL, 0);
	if (on == s->card_enable_sent)
		return;
	s->card_enable_sent = on;
	memset(&f, 0, sizeof(f));
	f.on = (uint32_t)on;
	outbox_put(ob, PROC_MDB, MSG_CARD_ENABLE, &f, sizeof(f));
}
