/*
 * libFuzzer target: control's protocol. The input is first the request line
 * a vendctl client (any member of control_group) sends, exactly as read, not
 * NUL-terminated, so ASan sees any read past its end. The same bytes then
 * fill the owners' status answers and the ledger's restock answer: the
 * replies built from them must be well-formed JSON whatever they hold.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "control.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Everything the owners answer, as one block the input fills. */
struct fuzz_answers {
	struct control_sales		sales;		/* as put together */
	struct control_ledger		ledger;
	struct msg_status_sales		sales_chunk;	/* as sent */
	struct msg_status_ledger	ledger_chunk;
	struct msg_status_cooling	cooling;
	struct msg_status_coin		coin;
	struct msg_status_arm		arm;
	struct msg_restock_done		restock;
};

/* Parse the input as a request; an accepted request must be well-formed. */
static void
fuzz_request(const uint8_t *data, size_t len)
{
	struct control_req	req;
	char			err[256];

	memset(err, 0x55, sizeof(err));
	if (control_parse_request((const char *)data, len, &req, err,
	    sizeof(err)) == -1) {
		if (memchr(err, 0, sizeof(err)) == NULL || err[0] == '\0')
			__builtin_trap();
		return;
	}
	switch (req.cmd) {
	case CONTROL_STATUS:
	case CONTROL_COLLECT:
	case CONTROL_AUDIT_RESET:
	case CONTROL_EVENTS:
		break;
	case CONTROL_SERVICE:
	case CONTROL_AUDIT:
		if (req.flag != 0 && req.flag != 1)
			__builtin_trap();
		break;
	case CONTROL_PRICE:
		if (memchr(req.amount, 0, sizeof(req.amount)) == NULL ||
		    (!req.flag && (req.amount[0] == '\0' ||
		    memmem(data, len, req.amount, strlen(req.amount)) == NULL)))
			__builtin_trap();
		__attribute__((fallthrough));	/* its product: as restock's */
	case CONTROL_RESTOCK:
	case CONTROL_TEST_VEND:
		if (memchr(req.product, 0, sizeof(req.product)) == NULL ||
		    req.product[0] == '\0' || req.count < -1)
			__builtin_trap();
		/* the id must come from the request, byte for byte */
		if (memmem(data, len, req.product, strlen(req.product)) ==
		    NULL)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
}

/* A machine with three columns and every name the replies quote. */
static void
fuzz_config(struct config *cf)
{
	static const char *const id[] = { "cola", "water", "chips" };

	memset(cf, 0, sizeof(*cf));
	strcpy(cf->currency, "EUR");
	cf->decimals = 2;
	strcpy(cf->state_dir, "/var/lib/vendd");
	strcpy(cf->arm.drop.name, "DROP");
	cf->nproducts = 3;
	for (int i = 0; i < 3; i++) {
		strcpy(cf->product[i].id, id[i]);
		strcpy(cf->product[i].label, id[i]);
		cf->product[i].capacity = 10;
	}
}

/* A reply must serialise to one JSON object that parses back. */
static struct json_object *
fuzz_round_trip(struct json_object *o)
{
	struct json_object	*back;

	back = json_tokener_parse(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (back == NULL || !json_object_is_type(back, json_type_object))
		__builtin_trap();
	return back;
}

/*
 * A chunk of any content into a view of any state: refused, or copied
 * within the view (ASan watches), and never past the total it carries.
 */
static void
fuzz_chunks(const struct fuzz_answers *a)
{
	static struct control_sales	sv;
	static struct control_ledger	lv;
	const struct msg_status_sales	*sc = &a->sales_chunk;
	const struct msg_status_ledger	*lc = &a->ledger_chunk;

	sv = a->sales;
	if (control_sales_chunk(&sv, sc) != -1 &&
	    (sc->first + sc->count > sc->nproducts ||
	    sc->nproducts > VENDD_MAX_PRODUCTS))
		__builtin_trap();
	lv = a->ledger;
	if (control_ledger_chunk(&lv, lc) != -1 &&
	    (lc->first + lc->count > lc->nproducts ||
	    lc->nproducts > VENDD_MAX_PRODUCTS))
		__builtin_trap();
}

/* The replies from answers holding the input's bytes, over and over. */
static void
fuzz_replies(const uint8_t *data, size_t len)
{
	static struct config		cf;
	static struct fuzz_answers	a;
	unsigned char			*p = (unsigned char *)&a;
	struct json_object		*o, *why, *selling;

	if (len == 0)
		return;
	if (cf.nproducts == 0)
		fuzz_config(&cf);
	for (size_t i = 0; i < sizeof(a); i++)
		p[i] = data[i % len];
	fuzz_chunks(&a);
	o = fuzz_round_trip(control_status_json(&cf, &a.sales, &a.ledger,
	    &a.cooling, &a.coin, &a.arm));
	/* selling exactly when there is no reason not to */
	if (!json_object_object_get_ex(o, "selling", &selling) ||
	    !json_object_object_get_ex(o, "not_selling", &why) ||
	    json_object_get_boolean(selling) !=
	    (json_object_array_length(why) == 0))
		__builtin_trap();
	json_object_put(o);
	json_object_put(fuzz_round_trip(control_restock_json("cola",
	    &a.restock)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	fuzz_request(data, len);
	fuzz_replies(data, len);
	return 0;
}
