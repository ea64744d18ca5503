/*
 * display_core: the customer's screen as a function of MSG_SHOW events and
 * time. See display_core.h for the screens; no I/O here.
 */
#include <stdio.h>
#include <string.h>

#include "display_core.h"

#define DISPLAY_NS	1000000000ULL
#define DISPLAY_LINE	(DISPLAY_ROW_BYTES + DISPLAY_TEXT_MAX)	/* before cutting */

/* Append s to out within len (NUL kept): the texts are bounded, cut later. */
static size_t
text_put(char *out, size_t len, size_t o, const char *s)
{
	while (*s != '\0' && o + 1 < len)
		out[o++] = *s++;
	return o;
}

/* Configured texts are data, never a printf format: substitute by hand. */
void
display_text_fill(char *out, size_t len, const char *text, const char *a,
    const char *b)
{
	const char	*arg[2] = { a != NULL ? a : "", b != NULL ? b : "" };
	size_t		 o = 0;
	int		 n = 0;

	if (len == 0)
		return;
	for (const char *t = text; *t != '\0' && o + 1 < len; t++) {
		if (t[0] == '%' && t[1] == 's') {
			o = text_put(out, len, o, n < 2 ? arg[n] : "");
			n++;
			t++;
		} else if (t[0] == '%' && t[1] == '%') {
			out[o++] = '%';
			t++;
		} else
			out[o++] = *t;
	}
	out[o] = '\0';
}

/*
 * A row holds cols characters: count UTF-8 lead bytes, cut before the next.
 * The result always fits DISPLAY_ROW_BYTES (malformed UTF-8 may be cut
 * inside its overlong run of continuation bytes).
 */
void
display_text_cut(char *s, int cols)
{
	int	chars = 0;
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 1 < DISPLAY_ROW_BYTES; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;		/* a continuation byte */
		if (chars == cols || i + 4 >= DISPLAY_ROW_BYTES)
			break;
		chars++;
	}
	s[i] = '\0';
}

/* One configured text into a row: filled, then cut at the display's width. */
static void
core_text(const struct display_core *c, char *row, int dt, const char *a,
    const char *b)
{
	char	line[DISPLAY_LINE];

	display_text_fill(line, sizeof(line), c->cf->display.text[dt], a, b);
	display_text_cut(line, c->cf->display.cols);
	memcpy(row, line, strlen(line) + 1);	/* cut: fits a row */
}

/* Money as the texts want it: minor units formatted, no floating point. */
static void
core_money(const struct display_core *c, int64_t v, char *buf, size_t len)
{
	config_format_money(v, c->cf->decimals, buf, len);
}

/* The event's product label; "" for none (validated before it gets here). */
static const char *
core_label(const struct display_core *c)
{
	if (c->ev.product < 0 || c->ev.product >= c->cf->nproducts)
		return "";
	return c->cf->product[c->ev.product].label;
}

/* Characters in a UTF-8 string (its lead bytes). */
static int
core_chars(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * "Cola 1.00" for product i. A label too long for the row gives way, not
 * the price: "Iced tea 0. 1.80", never "Iced tea 0.33l 1".
 */
static void
core_price(const struct display_core *c, char *row, int i)
{
	char	p[32], label[VENDD_LABEL_MAX], line[DISPLAY_LINE];
	int	over;

	core_money(c, c->price[i] >= 0 ? c->price[i] : c->cf->product[i].price,
	    p, sizeof(p));
	snprintf(label, sizeof(label), "%s", c->cf->product[i].label);
	display_text_fill(line, sizeof(line), c->cf->display.text[DT_PRICE],
	    label, p);
	if ((over = core_chars(line) - c->cf->display.cols) > 0) {
		display_text_cut(label, core_chars(label) > over ?
		    core_chars(label) - over : 0);
		/* a blank left at the cut would only push the price */
		for (size_t n = strlen(label); n > 0 && label[n - 1] == ' ';)
			label[--n] = '\0';
	}
	core_text(c, row, DT_PRICE, label, p);
}

/* "Credit 1.00". */
static void
core_credit(const struct display_core *c, char *row)
{
	char	m[32];

	core_money(c, c->credit, m, sizeof(m));
	core_text(c, row, DT_CREDIT, m, NULL);
}

/* Row1 of entry and unknown code: the credit, or what to do without any. */
static void
core_credit_or_insert(const struct display_core *c, char *row)
{
	if (c->credit > 0)
		core_credit(c, row);
	else
		core_text(c, row, DT_INSERT, NULL, NULL);
}

/* The standing notice: the customer learns before paying. */
static int
core_notice(const struct display_core *c)
{
	if (!c->cold)
		return DT_NOT_COLD;
	return c->change == 2 ? DT_EXACT_CHANGE : c->change == 1 ?
	    DT_CHANGE_GIVEN : DT_NO_CHANGE;
}

/* Whether the idle row1 cycles (configured, products, and someone can see). */
static int
core_cycling(const struct display_core *c)
{
	return c->cf->display.idle_cycle_s > 0 && c->cf->nproducts > 0 &&
	    c->screen.backlight;
}

/* Steps of one cycle: every price, then the notice when it shares row1. */
static int
core_cycle_steps(const struct display_core *c)
{
	return c->cf->nproducts + (c->cf->display.rows < 3);
}

/* Idle and credit screens; spare: rows 2-3 carry the notices. */
static void
core_base(const struct display_core *c, char rows[][DISPLAY_ROW_BYTES],
    int spare)
{
	if (c->credit > 0) {
		core_credit(c, rows[0]);
		if (!c->selling)
			core_credit(c, rows[1]);
		else if (!spare && !c->keypad)
			core_text(c, rows[1], DT_KEYPAD_FAULT, NULL, NULL);
		else
			core_text(c, rows[1], DT_CHOOSE, NULL, NULL);
		return;
	}
	core_text(c, rows[0], DT_INSERT, NULL, NULL);
	if (!spare && !c->keypad)
		core_text(c, rows[1], DT_KEYPAD_FAULT, NULL, NULL);
	else if (c->cf->display.idle_cycle_s > 0 &&
	    c->cycle_step < c->cf->nproducts)
		core_price(c, rows[1], c->cycle_step);
	else if (!spare)
		core_text(c, rows[1], core_notice(c), NULL, NULL);
}

/* The label alone on a row, cut like any text. */
static void
core_label_row(const struct display_core *c, char *row)
{
	display_text_fill(row, DISPLAY_ROW_BYTES, "%s", core_label(c), NULL);
	display_text_cut(row, c->cf->display.cols);
}

/* A transient message's two rows. */
static void
core_message(const struct display_core *c, char rows[][DISPLAY_ROW_BYTES])
{
	char	m[32];

	switch (c->ev.event) {
	case SHOW_CHOOSE:
		core_text(c, rows[0], DT_CHOOSE, NULL, NULL);
		if (c->credit > 0)
			core_credit(c, rows[1]);
		break;
	case SHOW_MORE:
		core_price(c, rows[0], c->ev.product);
		core_money(c, c->ev.amount, m, sizeof(m));
		core_text(c, rows[1], DT_MORE, m, NULL);
		break;
	case SHOW_SOLD_OUT:
	case SHOW_OUT_OF_ORDER:
		core_label_row(c, rows[0]);
		core_text(c, rows[1], c->ev.event == SHOW_SOLD_OUT ?
		    DT_SOLD_OUT : DT_OUT_OF_ORDER, NULL, NULL);
		break;
	case SHOW_UNKNOWN_CODE:
		core_text(c, rows[0], DT_UNKNOWN_CODE, c->ev.digits, NULL);
		core_credit_or_insert(c, rows[1]);
		break;
	case SHOW_TAKE:
		core_text(c, rows[0], DT_TAKE, NULL, NULL);
		if (c->credit > 0)
			core_credit(c, rows[1]);
		break;
	case SHOW_REFUND:
		core_text(c, rows[0], DT_REFUND, NULL, NULL);
		core_credit(c, rows[1]);
		break;
	case SHOW_TEST:
		core_label_row(c, rows[0]);
		core_text(c, rows[1], c->ev.on ? DT_TEST_OK : DT_TEST_FAILED,
		    NULL, NULL);
		break;
	case SHOW_CARD:
		core_text(c, rows[0], c->ev.on == 2 ? DT_CARD_DENIED : DT_CARD,
		    NULL, NULL);
		break;
	}
}

/* Selected: its price, and what is missing or the credit that covers it. */
static void
core_selected(const struct display_core *c, char rows[][DISPLAY_ROW_BYTES])
{
	int64_t	price = c->price[c->ev.product] >= 0 ?
		    c->price[c->ev.product] : c->cf->product[c->ev.product].price;
	char	m[32];

	core_price(c, rows[0], c->ev.product);
	if (c->credit < price) {
		core_money(c, price - c->credit, m, sizeof(m));
		core_text(c, rows[1], DT_MORE, m, NULL);
	} else
		core_credit(c, rows[1]);
}

/* A number as the service texts take it. */
static void
core_num(char *buf, size_t len, uint64_t n)
{
	snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* The service screen's lines: faults first, then the counters; how many. */
static int
core_service_lines(const struct display_core *c, char lines[][DISPLAY_ROW_BYTES])
{
	char	a[24], b[32];
	int	n = 0;

	if (!c->selling)
		core_text(c, lines[n++], DT_FAULT, NULL, NULL);
	if (!c->cold)
		core_text(c, lines[n++], DT_NOT_COLD, NULL, NULL);
	if (!c->keypad)
		core_text(c, lines[n++], DT_KEYPAD_FAULT, NULL, NULL);
	if (c->svc_faulty || c->svc_empty) {
		core_num(a, sizeof(a), c->svc_faulty);
		core_num(b, sizeof(b), c->svc_empty);
		core_text(c, lines[n++], DT_SVC_COLUMNS, a, b);
	}
	core_num(a, sizeof(a), c->svc_sold);
	core_num(b, sizeof(b), c->svc_tests);
	core_text(c, lines[n++], DT_SVC_SOLD, a, b);
	core_money(c, c->svc_cash, b, sizeof(b));
	core_text(c, lines[n++], DT_SVC_CASH, b, NULL);
	return n;
}

/* Service mode: its title, then the lines from svc_step on, in turn. */
static void
core_service(const struct display_core *c, char rows[][DISPLAY_ROW_BYTES],
    int spare)
{
	char	lines[8][DISPLAY_ROW_BYTES];
	int	n = core_service_lines(c, lines);
	int	nrows = c->cf->display.rows - (spare ? 1 : 0);

	core_text(c, rows[0], DT_SERVICE, NULL, NULL);
	for (int r = 1; r < nrows && r <= n; r++)
		memcpy(rows[r], lines[(c->svc_step + r - 1) % n],
		    DISPLAY_ROW_BYTES);
}

/* The two rows of the current mode, as a 2-row display shows them. */
static void
core_rows(const struct display_core *c, char rows[][DISPLAY_ROW_BYTES],
    int spare)
{
	switch (c->mode) {
	case DISPLAY_MODE_SELECTED:
		core_selected(c, rows);
		break;
	case DISPLAY_MODE_ENTRY:
		core_text(c, rows[0], DT_CODE, c->ev.digits, NULL);
		core_credit_or_insert(c, rows[1]);
		break;
	case DISPLAY_MODE_MESSAGE:
		core_message(c, rows);
		break;
	case DISPLAY_MODE_VENDING:
		core_label_row(c, rows[0]);
		core_text(c, rows[1], DT_VENDING, NULL, NULL);
		break;
	default:
		if (c->service) {
			core_service(c, rows, spare);
			return;
		}
		core_base(c, rows, spare);
		break;
	}
	if (!c->selling && !c->service)
		core_text(c, rows[0], DT_FAULT, NULL, NULL);
}

/* Rebuild the screen from the state; move the version if it changed. */
static void
core_render(struct display_core *c, int backlight)
{
	char	rows[DISPLAY_ROWS_MAX][DISPLAY_ROW_BYTES];
	int	nrows = c->cf->display.rows, spare = nrows >= 3;

	memset(rows, 0, sizeof(rows));
	core_rows(c, rows, spare);
	if (nrows >= 3 && !c->keypad)
		core_text(c, rows[2], DT_KEYPAD_FAULT, NULL, NULL);
	else if (nrows == 3)
		core_text(c, rows[2], core_notice(c), NULL, NULL);
	if (nrows >= 4)
		core_text(c, rows[3], core_notice(c), NULL, NULL);
	for (int r = nrows; r < DISPLAY_ROWS_MAX; r++)
		rows[r][0] = '\0';
	if (backlight == c->screen.backlight &&
	    memcmp(rows, c->screen.row, sizeof(rows)) == 0)
		return;
	memcpy(c->screen.row, rows, sizeof(rows));
	c->screen.backlight = backlight;
	c->version++;
}

/* Idle: the base screen with no credit, where the backlight may go off. */
static int
core_idle(const struct display_core *c)
{
	return c->mode == DISPLAY_MODE_BASE && c->credit <= 0 && !c->service;
}

/* Start of the machine: idle screen, backlight on, every state fine. */
void
display_core_init(struct display_core *c, const struct config *cf,
    uint64_t now)
{
	int	rows = cf->display.rows, cols = cf->display.cols;

	memset(c, 0, sizeof(*c));
	c->cf = cf;
	c->mode = DISPLAY_MODE_BASE;
	c->selling = c->cold = c->keypad = 1;
	c->sel = -1;
	c->ev.product = -1;
	for (int i = 0; i < VENDD_MAX_PRODUCTS; i++)
		c->price[i] = -1;
	c->screen.rows = rows < 1 ? 1 : rows > DISPLAY_ROWS_MAX ?
	    DISPLAY_ROWS_MAX : rows;
	c->screen.cols = cols < 1 ? 1 : cols > DISPLAY_COLS_MAX ?
	    DISPLAY_COLS_MAX : cols;
	c->idle_since = now;
	c->cycle_at = now + (uint64_t)cf->display.idle_cycle_s * DISPLAY_NS;
	c->screen.backlight = -1;	/* so the first render moves the version */
	core_render(c, 1);
}

/* Whether this event needs a product of the config to be shown. */
static int
show_needs_product(uint32_t event)
{
	return event == SHOW_SELECTED || event == SHOW_MORE ||
	    event == SHOW_SOLD_OUT || event == SHOW_OUT_OF_ORDER ||
	    event == SHOW_VENDING || event == SHOW_PRICE || event == SHOW_TEST;
}

/* A sender's bug caught at the border: event, digits, product index. */
int
display_core_valid(const struct display_core *c, const struct msg_show *m)
{
	if (m->event < SHOW_CREDIT || m->event >= SHOW_EVENT_MAX)
		return 0;
	if (memchr(m->digits, '\0', sizeof(m->digits)) == NULL)
		return 0;
	if (show_needs_product(m->event) &&
	    (m->product < 0 || m->product >= c->cf->nproducts))
		return 0;
	if (m->product < -1 || m->product >= c->cf->nproducts)
		return 0;	/* CREDIT carries the selection, or -1 */
	return 1;
}

/* Events from sales carry the credit; keypad and cooling carry 0. */
static int
show_from_sales(uint32_t event)
{
	return event != SHOW_ENTRY && event != SHOW_UNKNOWN_CODE &&
	    event != SHOW_KEYPAD && event != SHOW_COOLING &&
	    event != SHOW_COUNTERS;
}

/* Enter a mode showing ev; a message also gets its end. */
static void
core_enter(struct display_core *c, int mode, const struct msg_show *m,
    uint64_t now)
{
	c->mode = mode;
	c->ev = *m;
	c->message_until = mode == DISPLAY_MODE_MESSAGE ? now +
	    (uint64_t)c->cf->display.message_s * DISPLAY_NS : 0;
}

/*
 * Back to the base screen: the product sales still holds, so that nobody
 * reads "Make a selection" while VEND would sell the last customer's
 * choice; else credit or idle.
 */
static void
core_base_mode(struct display_core *c)
{
	c->mode = c->sel >= 0 ? DISPLAY_MODE_SELECTED : DISPLAY_MODE_BASE;
	c->message_until = 0;
	c->ev.product = c->sel;
}

/* The keypad's events: a code being typed never interrupts a vend. */
static void
core_keypad_event(struct display_core *c, const struct msg_show *m,
    uint64_t now)
{
	if (c->mode == DISPLAY_MODE_VENDING)
		return;
	if (m->event == SHOW_UNKNOWN_CODE)
		core_enter(c, DISPLAY_MODE_MESSAGE, m, now);
	else if (m->digits[0] != '\0')
		core_enter(c, DISPLAY_MODE_ENTRY, m, now);
	else if (c->mode == DISPLAY_MODE_ENTRY)
		core_base_mode(c);	/* cleared; leave a selection alone */
}

/*
 * What sales holds as the selection, for the screens that follow: a coin
 * says it, a vend's end or a cancel clears it, and a column that cannot
 * sell is not worth showing a price for (VEND would refuse it again).
 */
static void
core_track_selection(struct display_core *c, const struct msg_show *m)
{
	switch (m->event) {
	case SHOW_CREDIT:
	case SHOW_SELECTED:
		c->sel = m->product;
		break;
	case SHOW_CANCELLED:
	case SHOW_TAKE:
	case SHOW_REFUND:
	case SHOW_SOLD_OUT:
	case SHOW_OUT_OF_ORDER:
	case SHOW_TEST:
	case SHOW_SERVICE:
		c->sel = -1;
		break;
	}
}

/* Service mode began or ended, or its facts changed: its screen anew. */
static void
core_service_event(struct display_core *c, const struct msg_show *m,
    uint64_t now)
{
	if (m->event == SHOW_COUNTERS) {
		c->svc_sold = m->count;
		c->svc_tests = m->count2;
		c->svc_cash = m->amount;
		return;
	}
	c->service = m->on != 0;
	c->svc_faulty = m->count;
	c->svc_empty = m->count2;
	c->svc_step = 0;
	c->svc_at = now + (uint64_t)c->cf->display.message_s * DISPLAY_NS;
	core_base_mode(c);
}

/* Sales' events: the mode each one leads to. */
static void
core_sales_event(struct display_core *c, const struct msg_show *m,
    uint64_t now)
{
	core_track_selection(c, m);
	switch (m->event) {
	case SHOW_CREDIT:
		/* A coin updates a selection or a code; ends a message. */
		if (c->mode == DISPLAY_MODE_MESSAGE ||
		    (c->mode == DISPLAY_MODE_BASE && c->sel >= 0))
			core_base_mode(c);
		break;
	case SHOW_SELECTED:
		if (m->amount > 0)	/* sales' price now (prices are > 0) */
			c->price[m->product] = m->amount;
		core_enter(c, DISPLAY_MODE_SELECTED, m, now);
		break;
	case SHOW_CANCELLED:
		core_base_mode(c);
		break;
	case SHOW_VENDING:
		core_enter(c, DISPLAY_MODE_VENDING, m, now);
		break;
	case SHOW_SELLING:
		c->selling = m->on != 0;
		break;
	case SHOW_SERVICE:
		core_service_event(c, m, now);
		break;
	case SHOW_PRICE:
		c->price[m->product] = m->amount;
		break;
	case SHOW_CHANGE:
		c->change = (int)m->on;
		break;
	case SHOW_CARD:
		if (m->on)
			core_enter(c, DISPLAY_MODE_MESSAGE, m, now);
		else
			core_base_mode(c);
		break;
	default:		/* CHOOSE, MORE, SOLD_OUT, ..., TAKE, REFUND */
		core_enter(c, DISPLAY_MODE_MESSAGE, m, now);
		break;
	}
}

/* An event: state, mode, a lit backlight, the idle timers from now. */
void
display_core_show(struct display_core *c, const struct msg_show *m,
    uint64_t now)
{
	if (show_from_sales(m->event))
		c->credit = m->credit;
	switch (m->event) {
	case SHOW_ENTRY:
	case SHOW_UNKNOWN_CODE:
		core_keypad_event(c, m, now);
		break;
	case SHOW_KEYPAD:
		c->keypad = m->on != 0;
		break;
	case SHOW_COOLING:
		c->cold = m->on != 0;
		break;
	case SHOW_COUNTERS:
		core_service_event(c, m, now);
		break;
	default:
		core_sales_event(c, m, now);
		break;
	}
	c->idle_since = now;
	c->cycle_step = 0;
	c->cycle_at = now + (uint64_t)c->cf->display.idle_cycle_s * DISPLAY_NS;
	core_render(c, 1);
}

/* When the idle backlight goes off; 0: never (lit and not idle, or 0 s). */
static uint64_t
core_backlight_due(const struct display_core *c)
{
	if (!c->screen.backlight || !core_idle(c) ||
	    c->cf->display.backlight_s <= 0)
		return 0;
	return c->idle_since + (uint64_t)c->cf->display.backlight_s *
	    DISPLAY_NS;
}

/* The next step of the price cycle; 0: not cycling now. */
static uint64_t
core_cycle_due(const struct display_core *c)
{
	return core_idle(c) && core_cycling(c) ? c->cycle_at : 0;
}

/* The service screen's next line; 0: not in service mode's screen. */
static uint64_t
core_service_due(const struct display_core *c)
{
	return c->service && c->mode == DISPLAY_MODE_BASE ? c->svc_at : 0;
}

/* Time passed: a message ends, the cycle steps, the backlight goes off. */
void
display_core_tick(struct display_core *c, uint64_t now)
{
	uint64_t	due;
	int		backlight = c->screen.backlight;

	if (c->message_until != 0 && now >= c->message_until) {
		core_base_mode(c);
		c->idle_since = now;
		c->cycle_step = 0;
		c->cycle_at = now + (uint64_t)c->cf->display.idle_cycle_s *
		    DISPLAY_NS;
	}
	due = core_cycle_due(c);
	if (due != 0 && now >= due) {
		c->cycle_step = (c->cycle_step + 1) % core_cycle_steps(c);
		c->cycle_at = now + (uint64_t)c->cf->display.idle_cycle_s *
		    DISPLAY_NS;
	}
	if (core_service_due(c) != 0 && now >= c->svc_at) {
		c->svc_step++;
		c->svc_at = now + (uint64_t)c->cf->display.message_s *
		    DISPLAY_NS;
	}
	due = core_backlight_due(c);
	if (due != 0 && now >= due)
		backlight = 0;
	core_render(c, backlight);
}

/* The earliest of what is due; 0 when nothing is (a dark idle machine). */
static uint64_t
core_min(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* The shell arms one timer here; 0 keeps an idle machine asleep. */
uint64_t
display_core_deadline(const struct display_core *c)
{
	return core_min(core_min(c->message_until, core_cycle_due(c)),
	    core_min(core_backlight_due(c), core_service_due(c)));
}

/* What the encoders write. */
const struct display_screen *
display_core_screen(const struct display_core *c)
{
	return &c->screen;
}

/* The shell writes only when this moved since its last write. */
uint32_t
display_core_version(const struct display_core *c)
{
	return c->version;
}
