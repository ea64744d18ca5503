/*
 * Write fuzz_ledger seed inputs from a real ledger: open one on a temp dir
 * with etc/vendd.ini's products, feed it a day's worth of messages, and
 * package its snapshot and journal as the fuzz target reads them (4-byte
 * little-endian snapshot length, snapshot, journal).
 *   mkcorpus CONFIG STATE_DIR OUT_DIR
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "log.h"
#include "msg.h"

static struct ledger	l;

/* Feed one message to the ledger, as its thread would. */
static void
feed(uint16_t type, const void *payload, size_t len)
{
	struct msg	m;
	struct outbox	ob;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.len = (uint16_t)len;
	if (len)
		memcpy(&m.u, payload, len);
	outbox_init(&ob);
	if (ledger_handle(&l, &m, &ob) == -1)
		err(1, "ledger_handle %s", msg_type_name(type));
}

/* Read a whole file of the state dir (small: ours). */
static size_t
slurp(const char *dir, const char *name, uint8_t *buf, size_t max)
{
	char	path[512];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	if ((n = read(fd, buf, max)) == -1)
		err(1, "%s", path);
	close(fd);
	return (size_t)n;
}

/* One fuzz input: snapshot length, snapshot, journal (jlen may be 0). */
static void
emit(const char *out, const uint8_t *s, size_t slen, const uint8_t *j,
    size_t jlen)
{
	uint8_t	hdr[4] = { (uint8_t)slen, (uint8_t)(slen >> 8),
		    (uint8_t)(slen >> 16), (uint8_t)(slen >> 24) };
	FILE	*fp;

	if ((fp = fopen(out, "w")) == NULL)
		err(1, "%s", out);
	fwrite(hdr, 1, 4, fp);
	fwrite(s, 1, slen, fp);
	fwrite(j, 1, jlen, fp);
	if (fclose(fp) == EOF)
		err(1, "%s", out);
}

int
main(int argc, char *argv[])
{
	static struct config	cf;
	static uint8_t		snap[65536], jour[65536];
	struct msg_coin_inserted ci = { 0 };
	struct msg_coin_count	cc = { 0 };
	struct msg_vend		v = { 0 };
	struct msg_select	sel = { 0 };
	struct msg_restock	rs = { 0 };
	struct msg_cool		cool = { 0 };
	char			e[512], out[512];
	size_t			slen, jlen;

	if (argc != 4)
		errx(2, "usage: mkcorpus CONFIG STATE_DIR OUT_DIR");
	log_init("mkcorpus", 0);
	if (config_load(&cf, argv[1], e, sizeof(e)) == -1)
		errx(1, "%s", e);
	snprintf(cf.state_dir, sizeof(cf.state_dir), "%s", argv[2]);
	if (ledger_open(&l, &cf, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	/* a customer pays 2.00 in three coins and buys a cola */
	ci.value = 100; ci.pulses = 10; feed(MSG_COIN_INSERTED, &ci, sizeof(ci));
	ci.value = 50; ci.pulses = 5; feed(MSG_COIN_INSERTED, &ci, sizeof(ci));
	ci.value = 50; ci.pulses = 5; feed(MSG_COIN_INSERTED, &ci, sizeof(ci));
	cc.count = 3; feed(MSG_COIN_NOISE, &cc, sizeof(cc));
	cc.count = 7; feed(MSG_COIN_UNKNOWN, &cc, sizeof(cc));
	v.vend_id = 1; v.product = 0; v.price = 150;
	feed(MSG_VEND_RESERVE, &v, sizeof(v));
	v.ok = 1; v.attempts = 1; feed(MSG_ARM_DONE, &v, sizeof(v));
	/* then water fails: credit restored, column out of order */
	ci.value = 200; ci.pulses = 20; feed(MSG_COIN_INSERTED, &ci, sizeof(ci));
	v.vend_id = 2; v.product = 1; v.price = 100; v.ok = 0; v.why = VEND_WHY_NO_DROP; v.attempts = 0;
	feed(MSG_VEND_RESERVE, &v, sizeof(v));
	v.ok = 0; v.why = VEND_WHY_NO_DROP; v.attempts = 4; feed(MSG_ARM_DONE, &v, sizeof(v));
	sel.product = 1; feed(MSG_VEND_SOLD_OUT, &sel, sizeof(sel));
	rs.product = 1; rs.stock = -1; rs.clear_fault = 1;
	feed(MSG_RESTOCK, &rs, sizeof(rs));
	feed(MSG_COOL_START, &cool, sizeof(cool));
	cool.run_s = 240; feed(MSG_COOL_STOP, &cool, sizeof(cool));
	cool.kind = 2; feed(MSG_COOL_SENSOR_FAULT, &cool, sizeof(cool));
	cc.count = 0; cc.width_ms = 450; feed(MSG_COIN_FAULT, &cc, sizeof(cc));
	/* and a juice vend is left pending, as a power cut leaves it */
	v.vend_id = 3; v.product = 2; v.price = 200; v.ok = 0; v.why = VEND_WHY_NO_DROP; v.attempts = 0;
	feed(MSG_VEND_RESERVE, &v, sizeof(v));
	ledger_close(&l);

	slen = slurp(argv[2], "snapshot", snap, sizeof(snap));
	jlen = slurp(argv[2], "journal", jour, sizeof(jour));
	snprintf(out, sizeof(out), "%s/day", argv[3]);
	emit(out, snap, slen, jour, jlen);
	snprintf(out, sizeof(out), "%s/snapshot-only", argv[3]);
	emit(out, snap, slen, NULL, 0);
	snprintf(out, sizeof(out), "%s/torn-tail", argv[3]);
	emit(out, snap, slen, jour, jlen - 20);
	/* reopen: the pending vend is settled and compacted into a snapshot */
	if (ledger_open(&l, &cf, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	ledger_close(&l);
	slen = slurp(argv[2], "snapshot", snap, sizeof(snap));
	snprintf(out, sizeof(out), "%s/settled", argv[3]);
	emit(out, snap, slen, NULL, 0);
	return 0;
}
