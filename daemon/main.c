/*
 * vendd's parent: reads the config, requests every GPIO line up front (so a
 * wiring error stops start-up with a clear message) while the ledger and
 * control threads open their own files, starts the other activities'
 * threads, answers signals, feeds the watchdog, and stops the activities in
 * order, every output left inactive.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "arm.h"
#include "coin.h"
#include "config.h"
#include "control.h"
#include "cooling.h"
#include "gpio.h"
#include "ledger.h"
#include "log.h"
#include "notify.h"
#include "panel.h"
#include "proc.h"
#include "trace.h"
#include "sales.h"

#define MAIN_STACK_SIZE		(64 * 1024)	/* each activity's thread */
/* control's: the group lookup runs there, and NSS modules (a directory
 * service's) are not written for small stacks. Only touched pages count. */
#define MAIN_CONTROL_STACK	(256 * 1024)
#define EX_CONFIG		78		/* sysexits.h: bad config or wiring */
#define MAIN_MAX_LINES		(4 + 2 * VENDD_MAX_PRODUCTS + 4)

/* The order activities stop in: inputs first, the ledger last. */
static const int main_stop_order[] = {
	PROC_CONTROL, PROC_PANEL, PROC_COIN, PROC_SALES, PROC_ARM,
	PROC_COOLING, PROC_LEDGER,
};

/* Every line, by role, as requested at start-up and handed to its owner. */
struct main_hw {
	struct gpio_line	*coin, *inhibit, *vend, *relay, *drop, *compressor;
	struct gpio_line	*select[VENDD_MAX_PRODUCTS];
	struct gpio_line	*slot[VENDD_MAX_PRODUCTS];
};

static struct config	 main_cf;
static struct proc	 main_procs[PROC_MAX];
static struct ledger	 main_ledger;
static struct main_hw	 main_hw;
/*
 * Outputs, for the fatal hook only: filled by main while the ledger and
 * control threads open their files (an entry is published before the count
 * that covers it), read-only once the other activities start.
 */
static struct gpio_line	*main_outputs[MAIN_MAX_LINES];
static _Atomic int	 main_noutputs;
static int		 main_rt_refused;	/* threads SCHED_FIFO refused */
static uint32_t		 main_round;		/* heartbeat round */
static unsigned		 main_pongs;		/* answers in this round */
static int		 main_missed;		/* rounds not answered in full */
static int		 main_ready;

/*
 * On a fatal error in any thread: relays off, acceptor blocked, before exit.
 * The one place a thread touches lines it does not own: the process is dying.
 */
static void
main_fatal_hook(void)
{
	int	n = atomic_load_explicit(&main_noutputs, memory_order_acquire);

	for (int i = 0; i < n; i++)
		gpio_line_set_safe(main_outputs[i]);
}

/*
 * Leave during start-up: the ledger and control threads may be running (in
 * an NSS module, say), so no atexit handler or destructor runs under them.
 */
static void __attribute__((noreturn))
main_exit(int status)
{
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}

/* Request one line (an output at its safe level), or NULL with err filled. */
static struct gpio_line *
main_try_request(const struct line_conf *lc, int dir, int safe_active,
    char *err, size_t errlen)
{
	struct gpio_line_spec	 spec;
	struct gpio_line	*l;
	char			 gerr[1024];

	memset(&spec, 0, sizeof(spec));
	spec.name = lc->name;
	spec.dir = dir;
	spec.active_low = lc->active_low;
	spec.bias = lc->bias;
	spec.debounce_ms = dir == GPIO_DIR_INPUT ? lc->debounce_ms : 0;
	spec.safe_active = safe_active;
	if ((l = gpio_line_request(&spec, "vendd", gerr, sizeof(gerr))) == NULL)
		snprintf(err, errlen, "%s:%d: %s: %s", main_cf.path, lc->lineno,
		    lc->key, gerr);
	else if (dir == GPIO_DIR_OUTPUT) {
		int n = atomic_load_explicit(&main_noutputs,
		    memory_order_relaxed);

		main_outputs[n] = l;
		atomic_store_explicit(&main_noutputs, n + 1,
		    memory_order_release);
	}
	return l;
}

/* Request one line or stop start-up with FILE:LINE and the line's name. */
static struct gpio_line *
main_request(const struct line_conf *lc, int dir, int quiet_missing)
{
	struct gpio_line	*l;
	char			 err[1600];

	if (lc->name[0] == '\0') {
		if (!quiet_missing)
			fatalx("%s: %s is not set", main_cf.path, lc->key);
		return NULL;
	}
	/* The coin inhibit's safe level is active: no coin while we can't count. */
	l = main_try_request(lc, dir, lc == &main_cf.coin.inhibit, err,
	    sizeof(err));
	if (l == NULL) {
		fprintf(stderr, "vendd: %s\n", err);
		main_fatal_hook();
		main_exit(EX_CONFIG);
	}
	return l;
}

/* Request every line the config names, outputs inactive from the start. */
static void
main_request_all(struct main_hw *hw)
{
	const struct config	*cf = &main_cf;

	hw->coin = main_request(&cf->coin.line, GPIO_DIR_INPUT, 0);
	hw->inhibit = main_request(&cf->coin.inhibit, GPIO_DIR_OUTPUT, 1);
	hw->vend = main_request(&cf->panel.vend, GPIO_DIR_INPUT, 0);
	for (int i = 0; i < cf->nproducts; i++) {
		hw->select[i] = main_request(&cf->product[i].select,
		    GPIO_DIR_INPUT, 0);
		hw->slot[i] = main_request(&cf->product[i].slot,
		    GPIO_DIR_OUTPUT, 1);
	}
	hw->relay = main_request(&cf->arm.relay, GPIO_DIR_OUTPUT, 0);
	hw->drop = main_request(&cf->arm.drop, GPIO_DIR_INPUT, 1);
	hw->compressor = main_request(&cf->cooling.compressor,
	    GPIO_DIR_OUTPUT, 0);
}

/*
 * --safe-outputs (systemd's ExecStopPost): every configured output to its
 * safe level, the motors first, carrying on past a line that fails.
 */
static int
main_safe_outputs(void)
{
	const struct line_conf	*lc[2 + 2 * VENDD_MAX_PRODUCTS];
	char			 err[1600];
	int			 n = 0, bad = 0;

	lc[n++] = &main_cf.arm.relay;
	lc[n++] = &main_cf.cooling.compressor;
	for (int i = 0; i < main_cf.nproducts; i++)
		lc[n++] = &main_cf.product[i].slot;
	lc[n++] = &main_cf.coin.inhibit;
	for (int i = 0; i < n; i++) {
		if (lc[i]->name[0] == '\0')
			continue;
		if (main_try_request(lc[i], GPIO_DIR_OUTPUT,
		    lc[i] == &main_cf.coin.inhibit, err, sizeof(err)) == NULL) {
			fprintf(stderr, "vendd: %s\n", err);
			bad++;
		}
	}
	for (int i = 0; i < main_noutputs; i++)
		gpio_line_release(main_outputs[i]);
	printf("vendd: %d outputs at their safe level, %d failed\n",
	    main_noutputs, bad);
	return bad ? 1 : 0;
}

/* --check: the config as understood, and where each line is on this board. */
static int
main_check(void)
{
	const struct line_conf	*lines[MAIN_MAX_LINES];
	struct gpio_where	 w;
	char			 err[2048];
	int			 n, bad = 0;

	config_print(&main_cf, stdout);
	n = config_lines(&main_cf, lines, MAIN_MAX_LINES);
	printf("\n# GPIO lines on this machine\n");
	for (int i = 0; i < n; i++) {
		if (gpio_resolve(lines[i]->name, &w, err, sizeof(err)) == -1) {
			printf("%-32s %s: NOT FOUND\n", lines[i]->key,
			    lines[i]->name);
			fprintf(stderr, "vendd: %s:%d: %s: %s\n", main_cf.path,
			    lines[i]->lineno, lines[i]->key, err);
			bad++;
			continue;
		}
		printf("%-32s %s -> %s [%s] offset %u%s%s\n", lines[i]->key,
		    lines[i]->name, w.chip, w.label, w.offset,
		    w.used ? ", in use by " : "", w.used ? w.consumer : "");
	}
	printf("%s: %s\n", main_cf.path, bad ? "lines missing" : "OK");
	return bad ? EX_CONFIG : 0;
}

/* Ask every activity to answer: a missed round means one is stuck. */
static void
main_heartbeat(struct proc *p)
{
	main_round++;
	main_pongs = 0;
	for (int id = PROC_COIN; id < PROC_MAX; id++)
		proc_send(p, id, MSG_PING, main_round, NULL, 0);
}

/* The watchdog tick: feed systemd only if every activity answered. */
static void
main_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc	*p = arg;

	(void)fd;
	(void)what;
	if (main_pongs == PROC_MAX - 1) {
		notify_send("WATCHDOG=1");
		main_missed = 0;
	} else if (++main_missed >= 2) {
		fatalx("an activity stopped answering (%u of %d in round %u):"
		    " not feeding the watchdog", main_pongs, PROC_MAX - 1,
		    main_round);
	} else
		log_warnx("heartbeat round %u: %u of %d answered", main_round,
		    main_pongs, PROC_MAX - 1);
	main_heartbeat(p);
}

/* Main's inbox: heartbeat answers; the first full round means ready. */
static void
main_dispatch(struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_PONG:
		trace_mark("pong", m->hdr.src, 0);
		if (m->hdr.id != main_round)
			break;
		if (++main_pongs == PROC_MAX - 1 && !main_ready) {
			main_ready = 1;
			trace_mark("ready", 0, 0);
			notify_send("READY=1\nSTATUS=selling");
			log_info("ready: %d products, state in %s",
			    main_cf.nproducts, main_cf.state_dir);
		}
		break;
	default:
		fatalx("main: unexpected %s from %s", msg_type_name(m->hdr.type),
		    proc_name(m->hdr.src));
	}
	(void)p;
}

/* SIGTERM, SIGINT: leave the loop; the stop sequence follows it. */
static void
main_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc			*p = arg;
	struct signalfd_siginfo		 si;

	(void)what;
	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		log_warnx("SIGHUP: reloading is not supported; restart vendd "
		    "to apply a new config");
		return;
	}
	log_info("%s: stopping", strsignal((int)si.ssi_signo));
	event_base_loopbreak(p->base);
}

/*
 * [vendd] realtime: SCHED_FIFO priorities rising along a vend's path, so
 * that each hop's receiver preempts its sender at once (the sender's return
 * to its loop waits); coin feeds the ledger, which outranks it. All stay
 * far below the kernel's interrupt threads (50). Control, cooling: normal.
 */
static const int main_rt_prio[PROC_MAX] = {
	[PROC_COIN] = 1, [PROC_PANEL] = 1, [PROC_SALES] = 2,
	[PROC_LEDGER] = 3, [PROC_ARM] = 4,
};

/*
 * Where threads start and then run: main's CPU when [vendd] cpu names one,
 * and the other CPUs (if any) for a thread's start. Set once by main.
 */
static cpu_set_t	 main_cpu_pin, main_cpu_other;
static const cpu_set_t	*main_run_on, *main_then_on;

/* Fill the sets above from the config and the CPUs we may use. */
static void
main_cpu_sets(void)
{
	cpu_set_t	all;

	/* a cpu main may not run on: main_pin_cpu says so, once */
	if (main_cf.cpu < 0 || main_cf.cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(all), &all) != 0 ||
	    !CPU_ISSET(main_cf.cpu, &all))
		return;
	CPU_ZERO(&main_cpu_pin);
	CPU_SET(main_cf.cpu, &main_cpu_pin);
	main_then_on = &main_cpu_pin;
	CPU_XOR(&main_cpu_other, &all, &main_cpu_pin);	/* all but main's */
	if (CPU_COUNT(&main_cpu_other) > 0)
		main_run_on = &main_cpu_other;
}

/*
 * Start the other activities' threads; say once if realtime was refused.
 * Each starts on another CPU and moves to main's before its loop, so that
 * main creates the next thread while the last one starts.
 */
static void
main_spawn_all(void)
{
	for (int id = PROC_COIN; id < PROC_MAX; id++) {
		struct proc *p = &main_procs[id];

		if (id == PROC_LEDGER || id == PROC_CONTROL)
			continue;	/* running already: main_open_early */
		if (proc_spawn_early(p, id, p->name, NULL, MAIN_STACK_SIZE,
		    main_cf.realtime ? main_rt_prio[id] : 0, main_run_on,
		    main_then_on) == -1)
			main_rt_refused++;
	}
	if (main_rt_refused)
		log_warnx("%s: realtime = yes, but SCHED_FIFO was refused "
		    "(RLIMIT_RTPRIO below 4? see LimitRTPRIO= in vendd.service): "
		    "%d threads run with normal priority", main_cf.path,
		    main_rt_refused);
}

/* Before its loop, an early thread waits for main's go (what follows it
 * stays in the pipe, for the loop). */
static void
main_wait_begin(int id)
{
	struct msg	m;

	proc_recv_one(id, &m);
	if (m.hdr.type != MSG_BEGIN)
		fatalx("%s: expected BEGIN from main, got %s", proc_name(id),
		    msg_type_name(m.hdr.type));
}

/* Tell main how the opening went; on failure, wait for main to exit. */
static void
main_opened(struct proc *p, struct msg_opened *o)
{
	proc_send(p, PROC_MAIN, MSG_OPENED, 0, o, sizeof(*o));
	while (o->status != 0)
		pause();
}

/*
 * The ledger's thread before its loop: read the snapshot and replay the
 * journal while main requests the lines (writing nothing: a start refused
 * for its wiring leaves the state as it was), then on main's go create what
 * is missing, count the start and compact.
 */
static void
main_ledger_start(struct proc *p)
{
	struct msg_opened	o;
	int			ok;

	memset(&o, 0, sizeof(o));
	ok = ledger_prepare(&main_ledger, &main_cf, o.err, sizeof(o.err)) == 0;
	trace_mark("prepared", 0, 0);
	main_wait_begin(PROC_LEDGER);
	if (ok && ledger_commit(&main_ledger, o.err, sizeof(o.err)) == -1)
		ok = 0;
	if (ok)
		ledger_init(p, &main_ledger);
	else
		o.status = EX_CONFIG;	/* systemd must not restart into it */
	main_opened(p, &o);
}

/*
 * The control thread before its loop: look the group up, then listen, still
 * on the other CPU while main sets up the inputs on its own, and move to
 * main's CPU. It serves clients only after a second BEGIN: a restock must
 * not reach the ledger before sales has taken the ledger's state.
 */
static void
main_control_start(struct proc *p)
{
	struct msg_opened	o;
	int			fd;

	memset(&o, 0, sizeof(o));
	control_prepare(&main_cf);
	main_wait_begin(PROC_CONTROL);
	if ((fd = control_listen(&main_cf, o.err, sizeof(o.err))) == -1)
		o.status = 1;
	else
		control_init(p, &main_cf, fd);
	main_opened(p, &o);
	proc_settle_cpu(p);
	main_wait_begin(PROC_CONTROL);
}

/*
 * Start the ledger and control threads first, on the CPUs main is not
 * pinned to (when there are any), so that they read their files while main
 * requests the lines; each then moves itself to main's CPU.
 */
static void
main_open_early(void)
{
	main_cpu_sets();
	if (proc_spawn_early(&main_procs[PROC_LEDGER], PROC_LEDGER, "ledger",
	    main_ledger_start, MAIN_STACK_SIZE, main_cf.realtime ?
	    main_rt_prio[PROC_LEDGER] : 0, main_run_on, main_then_on) == -1)
		main_rt_refused++;
	proc_spawn_early(&main_procs[PROC_CONTROL], PROC_CONTROL, "control",
	    main_control_start, MAIN_CONTROL_STACK, 0, main_run_on,
	    main_then_on);
}

/* Send an early thread main's go (the lines are ours; or: serve). */
static void
main_begin(int id)
{
	struct proc	*self = &main_procs[PROC_MAIN];

	self->id = PROC_MAIN;
	self->name = "main";
	proc_send(self, id, MSG_BEGIN, 0, NULL, 0);
}

/*
 * The early thread id answered OPENED, or start-up stops as it always did:
 * the file and what is wrong, outputs safe, the same exit status. Only
 * that thread can be writing to main at this point.
 */
static void
main_wait_opened(int id)
{
	struct msg	m;

	proc_recv_one(PROC_MAIN, &m);
	if (m.hdr.type != MSG_OPENED || m.hdr.src != id)
		fatalx("main: expected OPENED from %s, got %s from %s",
		    proc_name(id), msg_type_name(m.hdr.type),
		    proc_name(m.hdr.src));
	if (m.u.opened.status == 0)
		return;
	m.u.opened.err[sizeof(m.u.opened.err) - 1] = '\0';
	fprintf(stderr, "vendd: %s%s\n", id == PROC_LEDGER ? "ledger: " : "",
	    m.u.opened.err);
	main_fatal_hook();
	main_exit(m.u.opened.status);
}

/*
 * The lines are ours. In the order the old single-threaded start had:
 * control binds its socket, and only once that worked does the ledger write
 * (a refused start counts no start-up). Meanwhile main hands the activities
 * that need no ledger their lines (no thread yet).
 */
static void
main_open_all(void)
{
	struct config	*cf = &main_cf;

	main_begin(PROC_CONTROL);
	coin_init(&main_procs[PROC_COIN], cf, main_hw.coin, main_hw.inhibit);
	panel_init(&main_procs[PROC_PANEL], cf, main_hw.select, main_hw.vend);
	main_wait_opened(PROC_CONTROL);
	main_begin(PROC_LEDGER);
	arm_init(&main_procs[PROC_ARM], cf, main_hw.relay, main_hw.slot,
	    main_hw.drop);
	cooling_init(&main_procs[PROC_COOLING], cf, main_hw.compressor);
	main_wait_opened(PROC_LEDGER);
}

/*
 * Sales gets the ledger's state, then control may serve and every other
 * thread starts. The state is read here once the ledger's thread said
 * OPENED (the pipe orders it); its thread touches it again only for
 * messages, and the only activity that could send one (control) waits for
 * its second BEGIN.
 */
static void
main_start_activities(void)
{
	sales_init(&main_procs[PROC_SALES], &main_cf, &main_ledger.st);
	main_begin(PROC_CONTROL);
	main_spawn_all();
}

/* Stop the activities one by one, inputs first, the ledger last. */
static void
main_stop_activities(struct proc *p)
{
	notify_send("STOPPING=1");
	for (size_t i = 0; i < sizeof(main_stop_order) / sizeof(int); i++) {
		int id = main_stop_order[i];

		proc_send(p, id, MSG_STOP, 0, NULL, 0);
		proc_join(&main_procs[id]);
		proc_free(&main_procs[id]);
	}
	ledger_close(&main_ledger);
	for (int i = 0; i < main_noutputs; i++)
		gpio_line_release(main_outputs[i]);
}

/*
 * Keep every thread on the configured CPU (the threads inherit main's mask):
 * a message to the next activity is then a context switch on this CPU, not
 * the wake-up of another one, which is most of a hop's cost.
 */
static void
main_pin_cpu(void)
{
	cpu_set_t	set;

	if (main_cf.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(main_cf.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		log_warn("%s: cpu = %d: not pinned", main_cf.path, main_cf.cpu);
}

/* Run the daemon until a signal; returns the exit status. */
static int
main_run(void)
{
	struct proc	*p = &main_procs[PROC_MAIN];
	struct event	*ev_sig, *ev_wd = NULL;
	struct timeval	 tv;
	sigset_t	 set;
	uint64_t	 wd_usec;
	int		 sfd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked before threads start, so only main's signalfd sees them. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	if (proc_setup_inboxes() == -1)
		fatal("inbox pipes");
	log_set_fatal_hook(main_fatal_hook);
	main_open_early();
	main_pin_cpu();
	trace_mark("pinned", 0, 0);
	main_request_all(&main_hw);
	trace_mark("requested", 0, 0);
	gpio_forget_names();
	main_open_all();
	trace_mark("opened", 0, 0);
	main_start_activities();
	trace_mark("spawned", 0, 0);

	proc_init(p, PROC_MAIN, "main", main_dispatch);
	ev_sig = event_new(p->base, sfd, EV_READ | EV_PERSIST, main_signal_cb, p);
	event_add(ev_sig, NULL);
	if ((wd_usec = notify_watchdog_usec()) > 0) {
		/* Feed at half the interval, as sd_watchdog_enabled(3) advises. */
		tv.tv_sec = (time_t)(wd_usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(wd_usec / 2 % 1000000);
		ev_wd = event_new(p->base, -1, EV_PERSIST, main_watchdog_cb, p);
		event_add(ev_wd, &tv);
	}
	main_heartbeat(p);		/* the first round's answers mean ready */
	proc_loop(p);

	main_stop_activities(p);
	if (ev_wd)
		event_free(ev_wd);
	event_free(ev_sig);
	proc_free(p);
	close(sfd);
	log_info("stopped, outputs inactive");
	trace_dump("main");
	return 0;
}

/* How to run vendd. */
static void __attribute__((noreturn))
main_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: vendd [-d] [-c FILE] [--check | --safe-outputs]\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  --check             validate FILE and its GPIO lines, print them, exit\n"
	    "  --safe-outputs      drive every configured output inactive, exit\n"
	    "  -d, --debug         log debug lines\n", VENDD_SYSCONFDIR "/vendd/vendd.ini");
	exit(status);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "safe-outputs", no_argument, NULL, 'S' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*path = VENDD_SYSCONFDIR "/vendd/vendd.ini";
	char		 err[1024];
	int		 ch, check = 0, safe = 0, debug = 0;

	while ((ch = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'C': check = 1; break;
		case 'S': safe = 1; break;
		case 'd': debug = 1; break;
		case 'h': main_usage(0);
		default: main_usage(1);
		}
	}
	if (optind != argc || (check && safe))
		main_usage(1);
	trace_mark("main", 0, 0);
	log_init("vendd", debug);
	/* One malloc arena, not one per thread: the threads allocate little
	 * (libevent, json-c), and an arena each costs more than it saves. */
	mallopt(M_ARENA_MAX, 1);
	if (config_load(&main_cf, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "vendd: %s\n", err);
		return EX_CONFIG;
	}
	trace_mark("config", 0, 0);
	if (check)
		return main_check();
	if (safe)
		return main_safe_outputs();
	return main_run();
}
