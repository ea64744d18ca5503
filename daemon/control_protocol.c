/*
 * control's protocol, pure: the request line a vendctl client sends, and the
 * JSON replies built from the owners' answers. No socket and no thread here:
 * the unit tests and the fuzzer drive it directly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "control.h"
#include "cooling.h"
#include "msg.h"

#define CONTROL_COUNT_MAX	10000	/* restock COUNT upper bound */
#define CONTROL_DECIMALS_MAX	4	/* an amount's form before its check */

/* --- the request line ------------------------------------------------ */

/* A product id as the config allows it: [a-z0-9_-], 1..VENDD_ID_MAX-1. */
static int
control_valid_id(const char *s, size_t len)
{
	if (len == 0 || len >= VENDD_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* A restock count: decimal, no sign, no leading zero, 0..CONTROL_COUNT_MAX. */
static int
control_parse_count(const char *s, size_t len, int32_t *out)
{
	int32_t	v = 0;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > CONTROL_COUNT_MAX)
		return -1;
	*out = v;
	return 0;
}

static int	control_parse_operator(const char **, const size_t *, int,
		    struct control_req *, char *, size_t);

/* Split the line at single spaces into at most max words; -1 if malformed. */
static int
control_split_words(const char *line, size_t len, const char **w, size_t *wl,
    int max, char *err, size_t errlen)
{
	int	n = 0;
	size_t	start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == start) {
			snprintf(err, errlen, "empty word at column %zu "
			    "(words are separated by one space)", i + 1);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "too many words");
			return -1;
		}
		w[n] = line + start;
		wl[n++] = i - start;
		start = i + 1;
	}
	return n;
}

/* Parse one request line (without its newline); -1 with a reason in err. */
int
control_parse_request(const char *line, size_t len, struct control_req *req,
    char *err, size_t errlen)
{
	const char	*w[3];
	size_t		 wl[3];
	int		 n;

	memset(req, 0, sizeof(*req));
	if (len == 0) {
		snprintf(err, errlen, "empty request");
		return -1;
	}
	if (len >= CONTROL_REQ_MAX) {
		snprintf(err, errlen, "request too long");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c > 0x7e) {
			snprintf(err, errlen, "byte 0x%02x at column %zu is "
			    "not printable ASCII", c, i + 1);
			return -1;
		}
	}
	if ((n = control_split_words(line, len, w, wl, 3, err, errlen)) == -1)
		return -1;
	if (wl[0] == 6 && memcmp(w[0], "status", 6) == 0) {
		if (n != 1) {
			snprintf(err, errlen, "status takes no argument");
			return -1;
		}
		req->cmd = CONTROL_STATUS;
		return 0;
	}
	if (wl[0] == 7 && memcmp(w[0], "restock", 7) == 0) {
		if (n < 2) {
			snprintf(err, errlen, "usage: restock ID [COUNT]");
			return -1;
		}
		if (!control_valid_id(w[1], wl[1])) {
			snprintf(err, errlen, "bad product id \"%.*s\" "
			    "(a-z, 0-9, '_' and '-', at most %d)",
			    (int)(wl[1] < VENDD_ID_MAX ? wl[1] : VENDD_ID_MAX),
			    w[1], VENDD_ID_MAX - 1);
			return -1;
		}
		req->count = -1;
		if (n == 3 && control_parse_count(w[2], wl[2], &req->count)) {
			snprintf(err, errlen, "bad count (a number 0..%d)",
			    CONTROL_COUNT_MAX);
			return -1;
		}
		req->cmd = CONTROL_RESTOCK;
		memcpy(req->product, w[1], wl[1]);
		req->product[wl[1]] = '\0';
		return 0;
	}
	return control_parse_operator(w, wl, n, req, err, errlen);
}

/* Whether word w (of length l) is s. */
static int
control_word_is(const char *w, size_t l, const char *s)
{
	return l == strlen(s) && memcmp(w, s, l) == 0;
}

/* A product id word into req->product; -1 with why in err. */
static int
control_take_id(const char *w, size_t l, struct control_req *req, char *err,
    size_t errlen)
{
	if (!control_valid_id(w, l)) {
		snprintf(err, errlen, "bad product id \"%.*s\" (a-z, 0-9, '_' "
		    "and '-', at most %d)", (int)(l < VENDD_ID_MAX ? l :
		    VENDD_ID_MAX), w, VENDD_ID_MAX - 1);
		return -1;
	}
	memcpy(req->product, w, l);
	req->product[l] = '\0';
	return 0;
}

/* A decimal number of at most 20 digits into *out; -1 if it is not one. */
static int
control_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t	v = 0;

	if (len == 0 || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return -1;
	}
	*out = v;
	return 0;
}

/* The operator's requests beyond status and restock (words already split). */
static int
control_parse_operator(const char **w, const size_t *wl, int n,
    struct control_req *req, char *err, size_t errlen)
{
	uint64_t	v;

#define WANT(cond, usage) do {						\
	if (!(cond)) {							\
		snprintf(err, errlen, "usage: %s", usage);		\
		return -1;						\
	}								\
} while (0)
	if (control_word_is(w[0], wl[0], "price")) {
		WANT(n == 3, "price ID AMOUNT|default");
		if (control_take_id(w[1], wl[1], req, err, errlen) == -1)
			return -1;
		req->cmd = CONTROL_PRICE;
		req->flag = control_word_is(w[2], wl[2], "default");
		if (!req->flag) {
			WANT(wl[2] < sizeof(req->amount),
			    "price ID AMOUNT|default (AMOUNT like 1.50)");
			memcpy(req->amount, w[2], wl[2]);
		}
		return 0;
	}
	if (control_word_is(w[0], wl[0], "collect")) {
		WANT(n == 1, "collect");
		req->cmd = CONTROL_COLLECT;
		return 0;
	}
	if (control_word_is(w[0], wl[0], "service")) {
		WANT(n == 2 && (control_word_is(w[1], wl[1], "on") ||
		    control_word_is(w[1], wl[1], "off")), "service on|off");
		req->cmd = CONTROL_SERVICE;
		req->flag = control_word_is(w[1], wl[1], "on");
		return 0;
	}
	if (control_word_is(w[0], wl[0], "test-vend")) {
		WANT(n == 2, "test-vend ID");
		req->cmd = CONTROL_TEST_VEND;
		return control_take_id(w[1], wl[1], req, err, errlen);
	}
	if (control_word_is(w[0], wl[0], "audit")) {
		WANT(n == 1 || (n == 2 && control_word_is(w[1], wl[1], "dex")),
		    "audit [dex]");
		req->cmd = CONTROL_AUDIT;
		req->flag = n == 2;
		return 0;
	}
	if (control_word_is(w[0], wl[0], "audit-reset")) {
		WANT(n == 2 && control_parse_u64(w[1], wl[1], &v) == 0 &&
		    v <= UINT32_MAX, "audit-reset TOKEN (from audit dex)");
		req->cmd = CONTROL_AUDIT_RESET;
		req->token = (uint32_t)v;
		return 0;
	}
	if (control_word_is(w[0], wl[0], "events")) {
		WANT(n >= 2 && control_parse_u64(w[1], wl[1], &req->after) == 0 &&
		    (n == 2 || control_word_is(w[2], wl[2], "follow")),
		    "events AFTER [follow]");
		req->cmd = CONTROL_EVENTS;
		req->flag = n == 3;
		return 0;
	}
#undef WANT
	snprintf(err, errlen, "unknown request (status, restock, price, "
	    "collect, service, test-vend, audit, audit-reset, events)");
	return -1;
}

/* Whether a request changes the machine: operators only. */
int
control_req_changes(const struct control_req *req)
{
	switch (req->cmd) {
	case CONTROL_RESTOCK:
	case CONTROL_PRICE:
	case CONTROL_COLLECT:
	case CONTROL_SERVICE:
	case CONTROL_TEST_VEND:
	case CONTROL_AUDIT_RESET:
		return 1;
	}
	return 0;
}

/* A price request against the config: see control.h. */
int
control_check_price(const struct config *cf, const struct control_req *req,
    int *index, int64_t *price, char *err, size_t errlen)
{
	if ((*index = control_product_index(cf, req->product)) == -1) {
		snprintf(err, errlen, "unknown product %s", req->product);
		return -1;
	}
	*price = 0;
	if (req->flag)
		return 0;
	if (config_parse_money(req->amount, CONTROL_DECIMALS_MAX, price) == -1) {
		snprintf(err, errlen, "\"%s\" is not an amount of money (at most "
		    "6 digits before the point and %d after)", req->amount,
		    cf->decimals);
		return -1;
	}
	if (config_parse_money(req->amount, cf->decimals, price) == -1) {
		snprintf(err, errlen, "\"%s\" has more digits after the point "
		    "than [vendd] decimals = %d", req->amount, cf->decimals);
		return -1;
	}
	if (*price <= 0) {
		snprintf(err, errlen, "price of %s: must be more than 0",
		    req->product);
		return -1;
	}
	if (cf->coin.max_credit > 0 && *price > cf->coin.max_credit) {
		char	a[32], b[32];

		config_format_money(*price, cf->decimals, a, sizeof(a));
		config_format_money(cf->coin.max_credit, cf->decimals, b,
		    sizeof(b));
		snprintf(err, errlen, "price of %s: %s is more than [coin] "
		    "max_credit %s, it could never be paid", req->product, a,
		    b);
		return -1;
	}
	return 0;
}

/* --- the owners' status, chunk by chunk ---------------------------- */

/*
 * Whether a chunk is the one a view expects next: it starts where the last
 * ended, holds what it must (so nothing past nproducts), and agrees with
 * the earlier chunks on nproducts, itself within VENDD_MAX_PRODUCTS.
 */
static int
control_chunk_ok(uint32_t chunks, uint32_t have_n, uint32_t n, uint32_t first,
    uint32_t count)
{
	uint32_t	want;

	if (n > VENDD_MAX_PRODUCTS || (chunks > 0 && n != have_n))
		return 0;
	if (chunks >= msg_status_chunks(n) ||
	    first != chunks * MSG_STATUS_CHUNK)
		return 0;
	want = n - first < MSG_STATUS_CHUNK ? n - first : MSG_STATUS_CHUNK;
	return count == want;
}

/* Copy one of sales' status messages into the whole view. */
int
control_sales_chunk(struct control_sales *v, const struct msg_status_sales *m)
{
	if (!control_chunk_ok(v->chunks, v->nproducts, m->nproducts, m->first,
	    m->count)) {
		errno = EBADMSG;
		return -1;
	}
	v->credit = m->credit;
	v->selection = m->selection;
	v->vend_pending = m->vend_pending;
	v->nproducts = m->nproducts;
	v->ledger_fault = m->ledger_fault;
	v->arm_blocked = m->arm_blocked;
	v->service = m->service;
	v->changer = m->changer;
	v->mdb = m->mdb;
	v->payout = m->payout;
	memcpy(&v->product[m->first], m->product,
	    m->count * sizeof(m->product[0]));
	return ++v->chunks == msg_status_chunks(v->nproducts);
}

/* Copy one of the ledger's status messages into the whole view. */
int
control_ledger_chunk(struct control_ledger *v,
    const struct msg_status_ledger *m)
{
	if (!control_chunk_ok(v->chunks, v->nproducts, m->nproducts, m->first,
	    m->count)) {
		errno = EBADMSG;
		return -1;
	}
	v->seq = m->seq;
	v->credit = m->credit;
	v->c = m->c;
	v->nproducts = m->nproducts;
	v->fault = m->fault;
	memcpy(&v->product[m->first], m->product,
	    m->count * sizeof(m->product[0]));
	return ++v->chunks == msg_status_chunks(v->nproducts);
}

/* --- the status reply ------------------------------------------------ */

/* The config id of a product index a message carries, or NULL. */
static const char *
control_product_id(const struct config *cf, int64_t i)
{
	if (i < 0 || i >= cf->nproducts)
		return NULL;
	return cf->product[i].id;
}

/* A string, or JSON null for NULL. */
static struct json_object *
control_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* A column as sales sees it: "ok", "sold_out" or "out_of_order". */
static const char *
control_product_state(const struct control_sales *sa, int i)
{
	int32_t		stock = 0;
	uint32_t	state = PRODUCT_OK;

	if ((uint32_t)i < sa->nproducts) {
		stock = sa->product[i].stock;
		state = sa->product[i].state;
	}
	if (state == PRODUCT_OUT_OF_ORDER)
		return "out_of_order";
	return stock <= 0 ? "sold_out" : "ok";
}

/* The products: config, live stock and state from sales. */
static struct json_object *
control_json_products(const struct config *cf,
    const struct control_sales *sa)
{
	struct json_object	*arr = json_object_new_array();

	for (int i = 0; i < cf->nproducts && i < VENDD_MAX_PRODUCTS; i++) {
		const struct product_conf *pc = &cf->product[i];
		struct json_object	*o = json_object_new_object();
		int32_t			 stock = 0;
		int64_t			 price = pc->price;

		if ((uint32_t)i < sa->nproducts) {
			stock = sa->product[i].stock;
			price = sa->product[i].price;
		}
		json_object_object_add(o, "id", json_object_new_string(pc->id));
		json_object_object_add(o, "label",
		    json_object_new_string(pc->label));
		json_object_object_add(o, "price",
		    json_object_new_int64(price));
		json_object_object_add(o, "price_set",
		    json_object_new_boolean(price != pc->price));
		json_object_object_add(o, "stock", json_object_new_int(stock));
		json_object_object_add(o, "capacity",
		    json_object_new_int(pc->capacity));
		json_object_object_add(o, "state",
		    json_object_new_string(control_product_state(sa, i)));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The cooling block: temperature null unless the sensor has a good reading. */
static struct json_object *
control_json_cooling(const struct msg_status_cooling *co)
{
	struct json_object	*o = json_object_new_object();
	int			 ok = co->sensor == COOL_SENSOR_OK &&
				    co->temperature_mc != MSG_TEMP_NONE;

	json_object_object_add(o, "temperature_mc",
	    ok ? json_object_new_int(co->temperature_mc) : NULL);
	json_object_object_add(o, "sensor",
	    json_object_new_string(cooling_sensor_name((int)co->sensor)));
	json_object_object_add(o, "compressor",
	    json_object_new_boolean(co->compressor != 0));
	json_object_object_add(o, "mode",
	    json_object_new_string(co->fault_mode ? "fault" : "thermostat"));
	return o;
}

/* Add one unsigned counter. */
static void
control_json_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* The audit counters, machine-wide and per product (EVA-DTS). */
static struct json_object *
control_json_counters(const struct config *cf,
    const struct control_ledger *le)
{
	const struct ledger_counters *c = &le->c;
	struct json_object	*o = json_object_new_object();
	struct json_object	*coins = json_object_new_object();
	struct json_object	*prods = json_object_new_object();
	char			 key[16];

	json_object_object_add(o, "cash_in", json_object_new_int64(c->cash_in));
	for (int i = 0; i <= VENDD_MAX_PULSES; i++) {
		if (c->coins[i] == 0)
			continue;
		snprintf(key, sizeof(key), "%d", i);
		control_json_u64(coins, key, c->coins[i]);
	}
	json_object_object_add(o, "coins", coins);
	control_json_u64(o, "paid_vends", c->paid_vends);
	json_object_object_add(o, "paid_value",
	    json_object_new_int64(c->paid_value));
	control_json_u64(o, "failed_vends", c->failed_vends);
	control_json_u64(o, "sold_out_selections", c->sold_out_selections);
	control_json_u64(o, "unknown_coins", c->unknown_coins);
	control_json_u64(o, "noise_pulses", c->noise_pulses);
	control_json_u64(o, "coin_faults", c->coin_faults);
	control_json_u64(o, "compressor_starts", c->compressor_starts);
	control_json_u64(o, "compressor_run_s", c->compressor_run_s);
	control_json_u64(o, "sensor_faults", c->sensor_faults);
	control_json_u64(o, "startups", c->startups);
	control_json_u64(o, "unresolved_settled", c->unresolved_settled);
	for (int i = 0; i < cf->nproducts && i < VENDD_MAX_PRODUCTS; i++) {
		struct json_object *p = json_object_new_object();
		int	have = (uint32_t)i < le->nproducts;

		control_json_u64(p, "paid_vends",
		    have ? le->product[i].paid_vends : 0);
		json_object_object_add(p, "paid_value", json_object_new_int64(
		    have ? le->product[i].paid_value : 0));
		control_json_u64(p, "failed_vends",
		    have ? le->product[i].failed_vends : 0);
		control_json_u64(p, "sold_out",
		    have ? le->product[i].sold_out : 0);
		json_object_object_add(prods, cf->product[i].id, p);
	}
	json_object_object_add(o, "products", prods);
	return o;
}

/* --- why the machine does not sell ---------------------------------- */

/* The ledger operation that failed, as the JSON names it; NULL if unknown. */
static const char *
control_ledger_op_name(uint32_t op)
{
	switch (op) {
	case LEDGER_OP_COMPACT:
		return "compact";
	case LEDGER_OP_RECORD:
		return "record";
	case LEDGER_OP_GROW:
		return "grow";
	}
	return NULL;
}

/* The ledger's fault in plain words: what it cannot do, where, why. */
static void
control_ledger_reason(const struct config *cf,
    const struct msg_ledger_fault *f, char *buf, size_t len)
{
	const char	*what;
	size_t		 n;

	switch (f->op) {
	case LEDGER_OP_COMPACT:
		what = "compact the journal in ";
		break;
	case LEDGER_OP_GROW:
		what = "make room in the journal in ";
		break;
	default:
		what = "write ";
		break;
	}
	n = (size_t)snprintf(buf, len, "ledger: cannot %s%s: %s", what,
	    cf->state_dir, f->err > 0 ? strerror(f->err) : "unknown error");
	if (f->held > 0 && n < len)
		snprintf(buf + n, len - n, " (%u record%s waiting)", f->held,
		    f->held == 1 ? "" : "s");
}

/* How many columns can sell now: in service and not empty. */
static int
control_sellable_columns(const struct config *cf,
    const struct control_sales *sa)
{
	int	n = 0;

	for (int i = 0; i < cf->nproducts && i < VENDD_MAX_PRODUCTS; i++)
		n += strcmp(control_product_state(sa, i), "ok") == 0;
	return n;
}

/*
 * Every reason the machine does not sell, in plain words, most urgent
 * first; empty while it sells. An owner's fault and sales' view of it are
 * both reasons: for a moment, while the message between them travels, they
 * can differ, and either one stops a sale.
 */
static struct json_object *
control_json_not_selling(const struct config *cf,
    const struct control_sales *sa, const struct control_ledger *le,
    const struct msg_status_arm *ar)
{
	struct json_object	*arr = json_object_new_array();
	char			 buf[VENDD_PATH_MAX + 160];

	if (le->fault.on) {
		control_ledger_reason(cf, &le->fault, buf, sizeof(buf));
		json_object_array_add(arr, json_object_new_string(buf));
	} else if (sa->ledger_fault)
		json_object_array_add(arr, json_object_new_string("sales: "
		    "stopped for a ledger fault that the ledger reports "
		    "cleared"));
	if (ar->blocked) {
		snprintf(buf, sizeof(buf), "arm: the drop sensor %s%sis "
		    "blocked (product in the tray, or a dirty sensor)",
		    cf->arm.drop.name, cf->arm.drop.name[0] ? " " : "");
		json_object_array_add(arr, json_object_new_string(buf));
	} else if (sa->arm_blocked)
		json_object_array_add(arr, json_object_new_string("sales: "
		    "stopped for a blocked drop sensor that the arm reports "
		    "clear"));
	if (sa->service)
		json_object_array_add(arr, json_object_new_string(
		    (sa->service & 1) ? "service: the door is open (service "
		    "mode)" : "service: service mode is on (vendctl service "
		    "off ends it)"));
	if (cf->nproducts == 0)
		json_object_array_add(arr, json_object_new_string("products: "
		    "none configured"));
	else if (control_sellable_columns(cf, sa) == 0)
		json_object_array_add(arr, json_object_new_string("products: "
		    "none can be sold (each is sold out or out of order)"));
	return arr;
}

/* The ledger's block: its fault, if any, as fields a program can test. */
static struct json_object *
control_json_ledger(const struct control_ledger *le)
{
	const struct msg_ledger_fault	*f = &le->fault;
	struct json_object		*o = json_object_new_object();

	json_object_object_add(o, "fault", json_object_new_boolean(f->on != 0));
	json_object_object_add(o, "op", f->on ?
	    control_json_str(control_ledger_op_name(f->op)) : NULL);
	json_object_object_add(o, "errno", f->on ?
	    json_object_new_int(f->err) : NULL);
	json_object_object_add(o, "error", f->on ?
	    json_object_new_string(strerror(f->err)) : NULL);
	json_object_object_add(o, "held", json_object_new_int64(f->held));
	return o;
}

/* Sales' block: the faults that stop it selling, as it sees them. */
static struct json_object *
control_json_sales(const struct control_sales *sa)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "ledger_fault",
	    json_object_new_boolean(sa->ledger_fault != 0));
	json_object_object_add(o, "arm_blocked",
	    json_object_new_boolean(sa->arm_blocked != 0));
	json_object_object_add(o, "service",
	    json_object_new_boolean(sa->service != 0));
	json_object_object_add(o, "door_open",
	    json_object_new_boolean((sa->service & 1) != 0));
	return o;
}

/*
 * The status reply from the owners' answers: first whether the machine
 * sells and every reason it does not, then the state of each part.
 */
struct json_object *
control_status_json(const struct config *cf,
    const struct control_sales *sa, const struct control_ledger *le,
    const struct msg_status_cooling *co, const struct msg_status_coin *cn,
    const struct msg_status_arm *ar)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*coin = json_object_new_object();
	struct json_object	*arm = json_object_new_object();
	struct json_object	*why = control_json_not_selling(cf, sa, le, ar);

	json_object_object_add(o, "selling",
	    json_object_new_boolean(json_object_array_length(why) == 0));
	json_object_object_add(o, "not_selling", why);
	json_object_object_add(o, "currency",
	    json_object_new_string(cf->currency));
	json_object_object_add(o, "decimals", json_object_new_int(cf->decimals));
	json_object_object_add(o, "credit", json_object_new_int64(sa->credit));
	json_object_object_add(o, "selection",
	    control_json_str(control_product_id(cf, sa->selection)));
	json_object_object_add(o, "vend_pending",
	    json_object_new_boolean(sa->vend_pending != 0));
	json_object_object_add(o, "products", control_json_products(cf, sa));

	json_object_object_add(coin, "inhibit",
	    json_object_new_boolean(cn->inhibit != 0));
	json_object_object_add(coin, "line_faults",
	    json_object_new_int64(cn->line_faults));
	json_object_object_add(o, "coin", coin);

	json_object_object_add(arm, "busy", json_object_new_boolean(ar->busy != 0));
	json_object_object_add(arm, "product", control_json_str(ar->busy ?
	    control_product_id(cf, ar->product) : NULL));
	json_object_object_add(arm, "attempt", json_object_new_int64(ar->attempt));
	json_object_object_add(arm, "blocked",
	    json_object_new_boolean(ar->blocked != 0));
	json_object_object_add(o, "arm", arm);

	json_object_object_add(o, "cooling", control_json_cooling(co));
	json_object_object_add(o, "ledger", control_json_ledger(le));
	json_object_object_add(o, "sales", control_json_sales(sa));
	if (cf->mdb.device[0] != '\0')	/* an MDB changer: online or not */
		json_object_object_add(o, "changer", json_object_new_string(
		    sa->changer ? (sa->payout ? "paying" : "online") :
		    "offline"));
	if (cf->mdb.device[0] != '\0' && cf->mdb.validator)
		json_object_object_add(o, "validator", json_object_new_string(
		    sa->mdb & 1 ? "online" : "offline"));
	if (cf->mdb.device[0] != '\0' && cf->mdb.cashless)
		json_object_object_add(o, "reader", json_object_new_string(
		    sa->mdb & 4 ? "session" : sa->mdb & 2 ? "online" :
		    "offline"));
	json_object_object_add(o, "counters", control_json_counters(cf, le));
	control_json_u64(o, "ledger_seq", le->seq);
	return o;
}

/* --- restock ---------------------------------------------------------- */

/* The config index of a product id, or -1. */
int
control_product_index(const struct config *cf, const char *id)
{
	for (int i = 0; i < cf->nproducts; i++)
		if (strcmp(cf->product[i].id, id) == 0)
			return i;
	return -1;
}

/*
 * Whether the config allows a restock request: a known column, a count
 * within its capacity. The column's index in *index, or -1 with err.
 */
int
control_check_restock(const struct config *cf, const struct control_req *req,
    int *index, char *err, size_t errlen)
{
	int	i;

	if ((i = control_product_index(cf, req->product)) == -1) {
		snprintf(err, errlen, "unknown product \"%s\"", req->product);
		return -1;
	}
	if (req->count > cf->product[i].capacity) {
		snprintf(err, errlen, "count %d exceeds the capacity %d of "
		    "\"%s\"", req->count, cf->product[i].capacity,
		    req->product);
		return -1;
	}
	*index = i;
	return 0;
}

/* {"error": msg}: every refusal, and every failure the client should see. */
struct json_object *
control_error_json(const char *msg)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

/*
 * The reply once the ledger answered a restock: {"ok":true,"product":ID,
 * "stock":N} when the new stock is durable, else an error that says why
 * (strerror of the ledger's errno) and that the stock is unchanged.
 */
struct json_object *
control_restock_json(const char *product, const struct msg_restock_done *rd)
{
	struct json_object	*o;
	char			 buf[160];

	if (rd->ok) {
		o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "product",
		    json_object_new_string(product));
		json_object_object_add(o, "stock",
		    json_object_new_int(rd->stock));
		return o;
	}
	snprintf(buf, sizeof(buf), "restock of %s not recorded: the ledger "
	    "could not write it: %s (the stock is unchanged)", product,
	    strerror(rd->err));
	o = control_error_json(buf);
	json_object_object_add(o, "product", json_object_new_string(product));
	json_object_object_add(o, "errno", json_object_new_int(rd->err));
	return o;
}
