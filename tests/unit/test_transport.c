/*
 * The pipe transport: whole messages only, order kept, nothing lost when
 * the pipes are full. The threaded case also runs under ThreadSanitizer.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "proc.h"
#include "testutil.h"

#define PRODUCERS	3
#define PER_PRODUCER	20000
#define BATCH		200	/* sends per loop turn: more than a pipe holds */

static const int producer_ids[PRODUCERS] = { PROC_COIN, PROC_PANEL, PROC_ARM };

/* Each producer's state: touched by its own thread only. */
struct producer {
	struct proc	p;
	struct event	*ev;
	int64_t		sent;
};

static struct producer	producers[PRODUCERS];
static struct proc	consumer;
static int64_t		got[PROC_MAX];	/* consumer thread only */
static int		torn_or_out_of_order;
static int		stops_seen;

/* Send a batch, then let the loop run so parked messages can drain. */
static void
producer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct producer			*pr = arg;
	struct msg_coin_inserted	 c;
	struct timeval			 zero = { 0, 0 };

	(void)fd;
	(void)what;
	for (int i = 0; i < BATCH && pr->sent < PER_PRODUCER &&
	    proc_queued(&pr->p, PROC_LEDGER) < PROC_QUEUE_MAX / 2; i++) {
		c.value = ++pr->sent;
		c.pulses = (uint32_t)(pr->sent % 7);
		proc_send(&pr->p, PROC_LEDGER, MSG_COIN_INSERTED, 0, &c, sizeof(c));
	}
	if (pr->sent < PER_PRODUCER) {
		struct timeval	pause = { 0, 1000 };

		/* Parked messages drain on write-readiness meanwhile. */
		evtimer_add(pr->ev, proc_queued(&pr->p, PROC_LEDGER) ? &pause : &zero);
		return;
	}
	proc_send(&pr->p, PROC_LEDGER, MSG_PONG, 0, NULL, 0);
	proc_stop(&pr->p);
}

/* Producers get no messages in this test. */
static void
producer_dispatch(struct proc *p, const struct msg *m)
{
	(void)p;
	fail_msg("producer got %s", msg_type_name(m->hdr.type));
}

/* Check every message arrives whole and in each sender's order. */
static void
consumer_dispatch(struct proc *p, const struct msg *m)
{
	if (m->hdr.type == MSG_PONG) {
		if (++stops_seen == PRODUCERS)
			proc_stop(p);
		return;
	}
	if (m->hdr.type != MSG_COIN_INSERTED ||
	    m->u.coin.value != got[m->hdr.src] + 1 ||
	    m->u.coin.pulses != (uint32_t)(m->u.coin.value % 7))
		torn_or_out_of_order++;
	got[m->hdr.src] = m->u.coin.value;
}

/* Three threads flood one slow inbox; all 60000 messages arrive in order. */
static void
test_threads_full_pipes(void **state)
{
	struct timeval	zero = { 0, 0 };

	(void)state;
	assert_int_equal(proc_setup_inboxes(), 0);
	proc_init(&consumer, PROC_LEDGER, "ledger", consumer_dispatch);
	for (int i = 0; i < PRODUCERS; i++) {
		proc_init(&producers[i].p, producer_ids[i], "producer",
		    producer_dispatch);
		producers[i].ev = evtimer_new(producers[i].p.base, producer_cb,
		    &producers[i]);
		evtimer_add(producers[i].ev, &zero);
		proc_spawn(&producers[i].p, 64 * 1024);
	}
	usleep(200 * 1000);	/* let every pipe fill and queue before reading */
	proc_spawn(&consumer, 64 * 1024);
	for (int i = 0; i < PRODUCERS; i++)
		proc_join(&producers[i].p);
	proc_join(&consumer);
	assert_int_equal(torn_or_out_of_order, 0);
	for (int i = 0; i < PRODUCERS; i++) {
		assert_int_equal(got[producer_ids[i]], PER_PRODUCER);
		event_free(producers[i].ev);
		proc_free(&producers[i].p);
	}
	proc_free(&consumer);
	print_message("transport: %d messages through full pipes, 0 lost, 0 torn\n",
	    PRODUCERS * PER_PRODUCER);
}

/* A raw pipe fills to EAGAIN with whole messages only. */
static void
test_fill_to_eagain(void **state)
{
	int			 fds[2];
	struct msg		 m, out;
	struct msg_reader	 rd;
	int			 written = 0, read_back = 0, r;

	(void)state;
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_STATUS_LEDGER;	/* the largest payload */
	m.hdr.len = (uint16_t)msg_payload_size(MSG_STATUS_LEDGER);
	for (;;) {
		m.u.st_ledger.seq = (uint64_t)written;
		ssize_t n = write(fds[1], &m, msg_wire_size(&m));
		if (n == -1) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		assert_int_equal(n, (ssize_t)msg_wire_size(&m));	/* never partial */
		written++;
	}
	assert_true(written > 10);
	memset(&rd, 0, sizeof(rd));
	while (msg_reader_fill(&rd, fds[0]) > 0)
		while ((r = msg_reader_next(&rd, &out)) == 1) {
			assert_int_equal(out.u.st_ledger.seq, (uint64_t)read_back);
			read_back++;
		}
	assert_int_equal(read_back, written);
	assert_int_equal(rd.len, 0);
	close(fds[0]);
	close(fds[1]);
}

/* Bytes arriving in odd slices still come out as whole messages. */
static void
test_reader_slices(void **state)
{
	unsigned char		 stream[4096];
	size_t			 len = 0;
	struct msg		 m, out;
	struct msg_reader	 rd;
	int			 fds[2], count = 0;

	(void)state;
	for (int i = 0; i < 10; i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.type = MSG_COIN_INSERTED;
		m.hdr.len = (uint16_t)msg_payload_size(MSG_COIN_INSERTED);
		m.u.coin.value = i;
		memcpy(stream + len, &m, msg_wire_size(&m));
		len += msg_wire_size(&m);
	}
	assert_int_equal(pipe(fds), 0);
	memset(&rd, 0, sizeof(rd));
	for (size_t off = 0; off < len; off += 7) {
		size_t n = len - off < 7 ? len - off : 7;
		assert_int_equal(write(fds[1], stream + off, n), (ssize_t)n);
		assert_true(msg_reader_fill(&rd, fds[0]) > 0);
		while (msg_reader_next(&rd, &out) == 1)
			assert_int_equal(out.u.coin.value, count++);
	}
	assert_int_equal(count, 10);
	close(fds[0]);
	close(fds[1]);
}

/* A header with a wrong length or unknown type is refused, not guessed at. */
static void
test_reader_rejects(void **state)
{
	struct msg_reader	rd;
	struct msg		m, out;

	(void)state;
	memset(&rd, 0, sizeof(rd));
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_COIN_INSERTED;
	m.hdr.len = 3;
	memcpy(rd.buf, &m, sizeof(m.hdr) + 16);
	rd.len = sizeof(m.hdr) + 16;
	assert_int_equal(msg_reader_next(&rd, &out), -1);
	m.hdr.type = 999;
	m.hdr.len = 0;
	memcpy(rd.buf, &m, sizeof(m.hdr));
	rd.len = sizeof(m.hdr);
	assert_int_equal(msg_reader_next(&rd, &out), -1);
	for (int t = 1; t < MSG_TYPE_MAX; t++)
		if (msg_payload_size((uint16_t)t) >= 0)
			assert_string_not_equal(msg_type_name((uint16_t)t), "UNKNOWN");
}

/* An outbox keeps the order and destinations a core chose. */
static void
test_outbox(void **state)
{
	struct outbox		ob;
	struct msg_flag		f = { 1 };

	(void)state;
	outbox_init(&ob);
	outbox_put(&ob, PROC_COIN, MSG_COIN_INHIBIT, &f, sizeof(f));
	outbox_put(&ob, PROC_SALES, MSG_PANEL_VEND, NULL, 0);
	assert_int_equal(ob.n, 2);
	assert_int_equal(ob.dst[0], PROC_COIN);
	assert_int_equal(ob.m[0].u.flag.on, 1);
	assert_int_equal(outbox_find(&ob, MSG_PANEL_VEND), 1);
	assert_int_equal(ob.m[1].hdr.len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_to_eagain),
		cmocka_unit_test(test_reader_slices),
		cmocka_unit_test(test_reader_rejects),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_threads_full_pipes),
	};

	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
