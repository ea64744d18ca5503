/*
 * hops: what one message hop costs in this VM, apart from vendd. A chain
 * of THREADS threads pinned to CPU 0 (SCHED_FIFO, priorities rising along
 * the chain, as vendd's vend path), joined by pipes; a driver on CPU 1
 * writes to the first every PAUSE_MS, as the prober's press comes from the
 * other CPU. Each thread reads one message and writes it to the next. The
 * receivers wait as vendd's could: blocked in read(), in epoll_wait(), or
 * in a libevent loop (one event_base each, NOLOCK, with a timer pending).
 *
 * usage: hops read|epoll|libevent THREADS PAUSE_MS ROUNDS
 * Prints "hops: MODE pause=MS h0=US h1=US ..." with the median of each hop:
 * h0 the driver's write to the first read (a cross-CPU wake-up), h1 the
 * first hop on CPU 0, and so on.
 */
#include <pthread.h>
#include <sys/epoll.h>

#include <event2/event.h>

#include "simlib.h"

#define HOPS_MAX_THREADS	8
#define HOPS_MAX_ROUNDS		10000

enum hops_mode { HOPS_READ, HOPS_EPOLL, HOPS_LIBEVENT };

struct hops_msg {
	uint32_t	round;
	char		pad[60];	/* about a vendd message header + payload */
};

static int		 hops_mode, hops_threads;
static int		 hops_r[HOPS_MAX_THREADS], hops_w[HOPS_MAX_THREADS];
static int64_t		(*hops_stamp)[HOPS_MAX_THREADS + 1];

/* Pin the calling thread to cpu, under SCHED_FIFO at prio if above 0. */
static void
hops_pin(int cpu, int prio)
{
	struct sched_param	sp = { .sched_priority = prio };

	sim_pin(cpu);
	if (prio > 0 && (errno = pthread_setschedparam(pthread_self(),
	    SCHED_FIFO, &sp)) != 0)
		sim_die("SCHED_FIFO: %s", strerror(errno));
}

/* One message in: stamp it and pass it on down the chain. */
static void
hops_pass(int i)
{
	struct hops_msg	m;

	if (read(hops_r[i], &m, sizeof(m)) != (ssize_t)sizeof(m))
		sim_die("read: %s", strerror(errno));
	if (m.round >= HOPS_MAX_ROUNDS)
		return;
	hops_stamp[m.round][i + 1] = sim_now_ns();
	if (i + 1 < hops_threads &&
	    write(hops_w[i + 1], &m, sizeof(m)) != (ssize_t)sizeof(m))
		sim_die("write: %s", strerror(errno));
}

/* libevent's callback for a thread's pipe. */
static void
hops_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	hops_pass((int)(intptr_t)arg);
}

/* A receiver that waits in epoll_wait(), as libevent's backend does. */
static void
hops_epoll_loop(int i)
{
	struct epoll_event	ev = { .events = EPOLLIN }, out[4];
	int			ep;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, hops_r[i], &ev) == -1)
		sim_die("epoll: %s", strerror(errno));
	for (;;)
		if (epoll_wait(ep, out, 4, -1) > 0)
			hops_pass(i);
}

/* A receiver with its own event_base, as each vendd thread has. */
static void
hops_libevent_loop(int i)
{
	struct event_config	*ec;
	struct event_base	*base;
	struct event		*ev, *timer;
	struct timeval		 hour = { 3600, 0 };

	if ((ec = event_config_new()) == NULL)
		sim_die("event_config_new: %s", strerror(errno));
	event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK |
	    EVENT_BASE_FLAG_IGNORE_ENV);
	if ((base = event_base_new_with_config(ec)) == NULL)
		sim_die("event_base_new: %s", strerror(errno));
	event_config_free(ec);
	ev = event_new(base, hops_r[i], EV_READ | EV_PERSIST, hops_cb,
	    (void *)(intptr_t)i);
	timer = evtimer_new(base, hops_cb, NULL);
	if (ev == NULL || timer == NULL || event_add(ev, NULL) == -1 ||
	    evtimer_add(timer, &hour) == -1)
		sim_die("event_add: %s", strerror(errno));
	event_base_dispatch(base);
}

/* One thread of the chain. */
static void *
hops_thread(void *arg)
{
	int	i = (int)(intptr_t)arg;

	hops_pin(0, 1 + i);
	switch (hops_mode) {
	case HOPS_READ:
		for (;;)
			hops_pass(i);
	case HOPS_EPOLL:
		hops_epoll_loop(i);
		break;
	default:
		hops_libevent_loop(i);
	}
	return NULL;
}

/* Print the median of every hop over the rounds. */
static void
hops_report(const char *mode, int pause_ms, int rounds)
{
	int64_t	*v;

	if ((v = calloc((size_t)rounds, sizeof(*v))) == NULL)
		sim_die("calloc: %s", strerror(errno));
	printf("hops: %s pause=%d", mode, pause_ms);
	for (int h = 0; h < hops_threads; h++) {
		for (int r = 0; r < rounds; r++)
			v[r] = hops_stamp[r][h + 1] - hops_stamp[r][h];
		qsort(v, (size_t)rounds, sizeof(*v), sim_cmp_i64);
		printf(" h%d=%lld", h,
		    (long long)(v[(rounds - 1) / 2] / SIM_NS_PER_US));
	}
	printf("\n");
	free(v);
}

int
main(int argc, char **argv)
{
	static const char *const modes[] = { "read", "epoll", "libevent" };
	struct timespec	 pause;
	pthread_t	 t;
	int		 pause_ms, rounds, fds[2];

	hops_mode = -1;
	for (int m = 0; argc == 5 && m < 3; m++)
		if (strcmp(argv[1], modes[m]) == 0)
			hops_mode = m;
	if (hops_mode == -1 || (hops_threads = atoi(argv[2])) < 1 ||
	    hops_threads > HOPS_MAX_THREADS || (pause_ms = atoi(argv[3])) < 1 ||
	    (rounds = atoi(argv[4])) < 1 || rounds > HOPS_MAX_ROUNDS) {
		fprintf(stderr, "usage: hops read|epoll|libevent THREADS "
		    "PAUSE_MS ROUNDS\n");
		return 2;
	}
	if ((hops_stamp = calloc((size_t)rounds, sizeof(*hops_stamp))) == NULL)
		sim_die("calloc: %s", strerror(errno));
	for (int i = 0; i < hops_threads; i++) {
		if (pipe2(fds, O_CLOEXEC) == -1)
			sim_die("pipe: %s", strerror(errno));
		hops_r[i] = fds[0];
		hops_w[i] = fds[1];
	}
	for (int i = 0; i < hops_threads; i++)
		if ((errno = pthread_create(&t, NULL, hops_thread,
		    (void *)(intptr_t)i)) != 0)
			sim_die("pthread_create: %s", strerror(errno));
	hops_pin(1, 0);
	pause.tv_sec = pause_ms / 1000;
	pause.tv_nsec = (long)(pause_ms % 1000) * 1000000L;
	for (int r = 0; r < rounds; r++) {
		struct hops_msg	m = { .round = (uint32_t)r };

		nanosleep(&pause, NULL);
		hops_stamp[r][0] = sim_now_ns();
		if (write(hops_w[0], &m, sizeof(m)) != (ssize_t)sizeof(m))
			sim_die("write: %s", strerror(errno));
	}
	nanosleep(&pause, NULL);
	hops_report(modes[hops_mode], pause_ms, rounds);
	return 0;
}
