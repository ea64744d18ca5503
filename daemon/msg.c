/* The wire side of the messages: payload sizes, names, and the inbox reader. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"

#define SZ(field)	((int)sizeof(((union msg_payload *)0)->field))

/* Payload size of each type; the receiver checks hdr.len against it. */
int
msg_payload_size(uint16_t type)
{
	switch (type) {
	case MSG_STOP:
	case MSG_PING:
	case MSG_PONG:
	case MSG_ABORT:
	case MSG_PANEL_VEND:
	case MSG_PANEL_RETURN:
	case MSG_STATUS_REQ:
		return 0;
	case MSG_COIN_INSERTED:
		return SZ(coin);
	case MSG_COIN_UNKNOWN:
	case MSG_COIN_NOISE:
	case MSG_COIN_FAULT:
		return SZ(count);
	case MSG_COIN_INHIBIT:
	case MSG_ARM_BUSY:
	case MSG_ARM_BLOCKED:
		return SZ(flag);
	case MSG_PANEL_SELECT:
	case MSG_PANEL_CANCEL:
	case MSG_VEND_SOLD_OUT:
		return SZ(select);
	case MSG_CREDIT_ADDED:
		return SZ(credit);
	case MSG_VEND_RESERVE:
	case MSG_ARM_DISPENSE:
	case MSG_ARM_DONE:
	case MSG_VEND_RESULT:
		return SZ(vend);
	case MSG_RESTOCK:
	case MSG_RESTOCKED:
		return SZ(restock);
	case MSG_RESTOCK_DONE:
		return SZ(restock_done);
	case MSG_LEDGER_FAULT:
		return SZ(fault);
	case MSG_COOL_START:
	case MSG_COOL_STOP:
	case MSG_COOL_SENSOR_FAULT:
		return SZ(cool);
	case MSG_SHOW:
		return SZ(show);
	case MSG_STATUS_SALES:
		return SZ(st_sales);
	case MSG_STATUS_LEDGER:
		return SZ(st_ledger);
	case MSG_STATUS_COOLING:
		return SZ(st_cooling);
	case MSG_STATUS_COIN:
		return SZ(st_coin);
	case MSG_STATUS_ARM:
		return SZ(st_arm);
	case MSG_DOOR:
	case MSG_SERVICE:
	case MSG_COLLECT:
	case MSG_AUDIT_REQ:
	case MSG_EVENTS_NEW:
		return SZ(flag);
	case MSG_SERVICE_DONE:
	case MSG_SERVICE_REC:
		return SZ(service);
	case MSG_TEST_VEND:
		return SZ(select);
	case MSG_TEST_VEND_DONE:
		return SZ(test_done);
	case MSG_PRICE_SET:
	case MSG_PRICE:
	case MSG_PRICE_DONE:
		return SZ(price);
	case MSG_COLLECT_DONE:
		return SZ(collect);
	case MSG_AUDIT:
		return SZ(audit);
	case MSG_AUDIT_PRODUCTS:
		return SZ(audit_products);
	case MSG_AUDIT_RESET:
	case MSG_AUDIT_RESET_DONE:
		return SZ(token);
	case MSG_EVENTS_REQ:
		return SZ(events_req);
	case MSG_EVENTS:
		return SZ(events);
	case MSG_MDB_COIN:
		return SZ(mdb_coin);
	case MSG_PAYOUT_REQ:
	case MSG_PAYOUT:
	case MSG_PAYOUT_DONE:
	case MSG_PAYOUT_RESULT:
	case MSG_PAYOUT_STEP:
		return SZ(payout);
	case MSG_CHANGER:
		return SZ(flag);
	case MSG_MDB_PRICE:
		return SZ(price);
	case MSG_NOTE_ESCROW:
	case MSG_NOTE_DECIDED:
	case MSG_NOTE_DONE:
		return SZ(note);
	case MSG_CARD_SESSION:
		return SZ(card);
	case MSG_CARD_ENABLE:
		return SZ(flag);
	case MSG_CARD_END:
		return 0;
	case MSG_CARD_VEND:
	case MSG_CARD_RESULT:
	case MSG_CARD_DONE:
		return SZ(vend);
	}
	return -1;
}

/* A type's name for log lines and fatal errors. */
const char *
msg_type_name(uint16_t type)
{
	static const char *const names[MSG_TYPE_MAX] = {
		[MSG_STOP] = "STOP", [MSG_PING] = "PING", [MSG_PONG] = "PONG",
		[MSG_ABORT] = "ABORT",
		[MSG_COIN_INSERTED] = "COIN_INSERTED",
		[MSG_COIN_UNKNOWN] = "COIN_UNKNOWN",
		[MSG_COIN_NOISE] = "COIN_NOISE", [MSG_COIN_FAULT] = "COIN_FAULT",
		[MSG_COIN_INHIBIT] = "COIN_INHIBIT",
		[MSG_PANEL_SELECT] = "PANEL_SELECT", [MSG_PANEL_VEND] = "PANEL_VEND",
		[MSG_PANEL_CANCEL] = "PANEL_CANCEL", [MSG_SHOW] = "SHOW",
		[MSG_PANEL_RETURN] = "PANEL_RETURN",
		[MSG_CREDIT_ADDED] = "CREDIT_ADDED",
		[MSG_VEND_RESERVE] = "VEND_RESERVE",
		[MSG_VEND_SOLD_OUT] = "VEND_SOLD_OUT",
		[MSG_ARM_DISPENSE] = "ARM_DISPENSE", [MSG_ARM_DONE] = "ARM_DONE",
		[MSG_VEND_RESULT] = "VEND_RESULT",
		[MSG_LEDGER_FAULT] = "LEDGER_FAULT", [MSG_ARM_BUSY] = "ARM_BUSY",
		[MSG_ARM_BLOCKED] = "ARM_BLOCKED", [MSG_RESTOCK] = "RESTOCK",
		[MSG_RESTOCKED] = "RESTOCKED",
		[MSG_RESTOCK_DONE] = "RESTOCK_DONE", [MSG_COOL_START] = "COOL_START",
		[MSG_COOL_STOP] = "COOL_STOP",
		[MSG_COOL_SENSOR_FAULT] = "COOL_SENSOR_FAULT",
		[MSG_STATUS_REQ] = "STATUS_REQ",
		[MSG_STATUS_SALES] = "STATUS_SALES",
		[MSG_STATUS_LEDGER] = "STATUS_LEDGER",
		[MSG_STATUS_COOLING] = "STATUS_COOLING",
		[MSG_STATUS_COIN] = "STATUS_COIN", [MSG_STATUS_ARM] = "STATUS_ARM",
		[MSG_DOOR] = "DOOR", [MSG_SERVICE] = "SERVICE",
		[MSG_SERVICE_DONE] = "SERVICE_DONE",
		[MSG_SERVICE_REC] = "SERVICE_REC", [MSG_TEST_VEND] = "TEST_VEND",
		[MSG_TEST_VEND_DONE] = "TEST_VEND_DONE",
		[MSG_PRICE_SET] = "PRICE_SET", [MSG_PRICE] = "PRICE",
		[MSG_PRICE_DONE] = "PRICE_DONE", [MSG_COLLECT] = "COLLECT",
		[MSG_COLLECT_DONE] = "COLLECT_DONE", [MSG_AUDIT_REQ] = "AUDIT_REQ",
		[MSG_AUDIT] = "AUDIT", [MSG_AUDIT_PRODUCTS] = "AUDIT_PRODUCTS",
		[MSG_AUDIT_RESET] = "AUDIT_RESET",
		[MSG_AUDIT_RESET_DONE] = "AUDIT_RESET_DONE",
		[MSG_EVENTS_REQ] = "EVENTS_REQ", [MSG_EVENTS] = "EVENTS",
		[MSG_EVENTS_NEW] = "EVENTS_NEW", [MSG_MDB_COIN] = "MDB_COIN",
		[MSG_PAYOUT_REQ] = "PAYOUT_REQ", [MSG_PAYOUT] = "PAYOUT",
		[MSG_PAYOUT_DONE] = "PAYOUT_DONE",
		[MSG_PAYOUT_RESULT] = "PAYOUT_RESULT", [MSG_CHANGER] = "CHANGER",
		[MSG_MDB_PRICE] = "MDB_PRICE",
		[MSG_NOTE_ESCROW] = "NOTE_ESCROW",
		[MSG_NOTE_DECIDED] = "NOTE_DECIDED", [MSG_NOTE_DONE] = "NOTE_DONE",
		[MSG_CARD_SESSION] = "CARD_SESSION",
		[MSG_CARD_ENABLE] = "CARD_ENABLE", [MSG_CARD_END] = "CARD_END",
		[MSG_CARD_VEND] = "CARD_VEND", [MSG_CARD_RESULT] = "CARD_RESULT",
		[MSG_CARD_DONE] = "CARD_DONE", [MSG_PAYOUT_STEP] = "PAYOUT_STEP",
	};

	if (type < MSG_TYPE_MAX && names[type])
		return names[type];
	return "UNKNOWN";
}

/* An activity's name for log lines. */
const char *
proc_name(int id)
{
	static const char *const names[PROC_MAX] = {
		"main", "coin", "panel", "sales", "arm", "cooling", "ledger",
		"control", "mdb", "display", "keypad",
	};

	return id >= 0 && id < PROC_MAX ? names[id] : "unknown";
}

/* Bytes on the wire: the header and the payload its type has. */
size_t
msg_wire_size(const struct msg *m)
{
	return sizeof(m->hdr) + m->hdr.len;
}

/* The status messages of one answer: the owners send, control counts them. */
uint32_t
msg_status_chunks(uint32_t nproducts)
{
	if (nproducts == 0)
		return 1;
	return (nproducts + MSG_STATUS_CHUNK - 1) / MSG_STATUS_CHUNK;
}

/* Take one whole message off the front of the buffer, if there is one. */
int
msg_reader_next(struct msg_reader *r, struct msg *m)
{
	struct msg_hdr	h;
	int		want;

	if (r->len < sizeof(h))
		return 0;
	memcpy(&h, r->buf, sizeof(h));
	want = msg_payload_size(h.type);
	if (want < 0 || h.len != want || h.src >= PROC_MAX) {
		errno = EBADMSG;
		return -1;
	}
	if (r->len < sizeof(h) + h.len)
		return 0;
	memset(m, 0, sizeof(*m));
	memcpy(m, r->buf, sizeof(h) + h.len);
	r->len -= sizeof(h) + h.len;
	memmove(r->buf, r->buf + sizeof(h) + h.len, r->len);
	return 1;
}

/* Append what the inbox holds to the buffer. */
ssize_t
msg_reader_fill(struct msg_reader *r, int fd)
{
	ssize_t	n;

	if (r->len == sizeof(r->buf)) {
		errno = ENOBUFS;
		return -1;
	}
	do
		n = read(fd, r->buf + r->len, sizeof(r->buf) - r->len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		r->len += (size_t)n;
	return n;
}

/* Start an empty outbox. */
void
outbox_init(struct outbox *ob)
{
	ob->n = 0;
}

/* Queue one message for the shell to send. */
void
outbox_put(struct outbox *ob, int dst, uint16_t type, const void *payload,
    size_t len)
{
	struct msg_out	*m;

	if (ob->n == OUTBOX_MAX)
		fatalx("outbox full putting %s for %s", msg_type_name(type),
		    proc_name(dst));
	if (msg_payload_size(type) != (int)len || len > sizeof(m->u))
		fatalx("%s: payload of %zu bytes, expected %d (outbox: %zu at "
		    "most)", msg_type_name(type), len, msg_payload_size(type),
		    sizeof(m->u));
	m = &ob->m[ob->n];
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.len = (uint16_t)len;
	if (len)
		memcpy(&m->u, payload, len);
	ob->dst[ob->n++] = (uint8_t)dst;
}
