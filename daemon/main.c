/*
 * vendd's parent. Start-up reads top to bottom in main_run: the config, the
 * GPIO lines (a wiring error stops there), the ledger, the control socket,
 * then each activity is set up and its thread started. From then on main
 * answers signals and feeds the watchdog, and at the end stops the
 * activities in order, every output left at its safe level.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "arm.h"
#include "coin.h"
#include "display.h"
#include "config.h"
#include "control.h"
#include "cooling.h"
#include "gpio.h"
#include "keypad.h"
#include "line_request.h"
#include "ledger.h"
#include "log.h"
#include "notify.h"
#include "outputs_file.h"
#include "panel.h"
#include "mdb.h"
#include "proc.h"
#include "safe_outputs.h"
#include "sales.h"
#include "trace.h"
#include "tune.h"

#define MAIN_STACK_SIZE		(64 * 1024)	/* each activity's thread */
#define EX_CONFIG		78		/* sysexits.h: bad config or wiring */
#define MAIN_MAX_LINES		CONFIG_MAX_LINES
/*
 * The heartbeat (and so systemd's watchdog) covers the activities that
 * take, count and keep money and drive the machine, from PROC_COIN to
 * PROC_MDB. The display and the keypad are left out: a display driver
 * stuck in a write must not restart a machine that sells without it, and
 * an idle machine pays no wake-ups for either (the keypad reads a
 * non-blocking device and fails loudly, not silently).
 */
#define MAIN_WATCHED_END	PROC_DISPLAY
#define MAIN_WATCHED		(MAIN_WATCHED_END - PROC_COIN)
/* A vend cycle may finish after SIGTERM for at most this long: the unit's
 * TimeoutStopSec (30 s) must still leave the others time to stop. */
#define MAIN_ARM_STOP_MAX_MS	25000

/*
 * The order activities stop in once the arm was told (so that no retry
 * starts while they stop): inputs first, then the arm's cycle is waited
 * for, then the MDB peripherals (a card vend's end reaches the reader, a
 * note in escrow or change in hand finishes), then the ledger, so that
 * every outcome is recorded; the keypad and
 * the display after all that counts, so that a display stuck in a driver
 * holds up nothing (what others sent it waits in its inbox).
 */
static const int main_stop_order[] = {
	PROC_CONTROL, PROC_PANEL, PROC_COIN, PROC_ARM, PROC_MDB, PROC_SALES,
	PROC_COOLING, PROC_LEDGER, PROC_KEYPAD, PROC_DISPLAY,
};

/* Every line, by role, as requested at start-up and handed to its owner. */
struct main_hw {
	struct gpio_line	*coin, *inhibit, *vend, *relay, *drop, *compressor;
	struct gpio_line	*door, *ret;
	struct gpio_line	*select[VENDD_MAX_PRODUCTS];
	struct gpio_line	*slot[VENDD_MAX_PRODUCTS];
	int			 keypad;	/* its evdev fd, -1 none */
};

static struct config	 main_cf;
static struct proc	 main_procs[PROC_MAX];
static struct ledger	 main_ledger;
static struct main_hw	 main_hw;
/* Outputs, for the fatal hook: filled before any thread starts. */
static struct gpio_line	*main_outputs[MAIN_MAX_LINES];
static int		 main_noutputs;
static int		 main_socket_made;	/* control_listen made the socket */
static struct outputs_entry main_safe[MAIN_MAX_LINES];	/* what we drive */
static int		 main_nsafe;
static char		 main_safe_path[VENDD_SOCK_MAX + 16];
static int		 main_safe_made;	/* we wrote main_safe_path */
static struct control_listener main_listener;	/* given to control */
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
	for (int i = 0; i < main_noutputs; i++)
		gpio_line_set_safe(main_outputs[i]);
	if (main_socket_made)		/* a dead vendd answers nobody */
		unlink(main_cf.control_socket);
	/* A failed start leaves nothing (another thread may be the caller). */
	if (main_safe_made && !__atomic_load_n(&main_ready, __ATOMIC_RELAXED))
		unlink(main_safe_path);
}

/* A start-up error: the message, every output safe, the exit status. */
static void __attribute__((noreturn, format(printf, 2, 3)))
main_refuse(int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("vendd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	main_fatal_hook();
	exit(status);
}

/* Request one line (an output at its safe level), or NULL with err filled;
 * an output is kept for the fatal hook. */
static struct gpio_line *
main_try_request(const struct line_conf *lc, int dir, int safe_active,
    char *err, size_t errlen)
{
	struct gpio_line	*l;

	l = line_request(&main_cf, lc, dir, safe_active, err, errlen);
	if (l != NULL && dir == GPIO_DIR_OUTPUT && main_noutputs < MAIN_MAX_LINES)
		main_outputs[main_noutputs++] = l;
	return l;
}

/* Request one wired line or stop start-up with FILE:LINE and its name. */
static struct gpio_line *
main_request(const struct line_conf *lc, int dir)
{
	struct gpio_line	*l;
	char			 err[1600];

	if (lc->name[0] == '\0')
		return NULL;		/* optional and not wired */
	/* The coin inhibit's safe level is active: no coin while we can't count. */
	l = main_try_request(lc, dir, lc == &main_cf.coin.inhibit, err,
	    sizeof(err));
	if (l == NULL)
		main_refuse(EX_CONFIG, "%s", err);
	return l;
}

/* Request every line the config names, outputs inactive from the start. */
static void
main_request_all(struct main_hw *hw)
{
	const struct config	*cf = &main_cf;

	hw->coin = main_request(&cf->coin.line, GPIO_DIR_INPUT);
	hw->inhibit = main_request(&cf->coin.inhibit, GPIO_DIR_OUTPUT);
	hw->vend = main_request(&cf->panel.vend, GPIO_DIR_INPUT);
	hw->ret = main_request(&cf->panel.ret, GPIO_DIR_INPUT);
	for (int i = 0; i < cf->nproducts; i++) {
		hw->select[i] = main_request(&cf->product[i].select,
		    GPIO_DIR_INPUT);
		hw->slot[i] = main_request(&cf->product[i].slot,
		    GPIO_DIR_OUTPUT);
	}
	hw->relay = main_request(&cf->arm.relay, GPIO_DIR_OUTPUT);
	hw->drop = main_request(&cf->arm.drop, GPIO_DIR_INPUT);
	hw->compressor = main_request(&cf->cooling.compressor,
	    GPIO_DIR_OUTPUT);
	hw->door = main_request(&cf->service.door, GPIO_DIR_INPUT);
}

/*
 * Where each configured line is on this board, in lines[]' order; a name
 * that resolves nowhere, or to a line another key already uses under
 * another name (SELECT_A and gpiochip0:5), is reported with both keys'
 * FILE:LINE. Returns how many are wrong; --check prints, start-up refuses.
 */
static int
main_resolve_lines(const struct line_conf **lines, int n,
    struct gpio_where *w, FILE *report)
{
	char	err[2048];
	int	bad = 0, j;

	for (int i = 0; i < n; i++) {
		w[i].chip[0] = '\0';
		if (gpio_resolve(lines[i]->name, &w[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "vendd: %s:%d: %s: %s\n", main_cf.path,
			    lines[i]->lineno, lines[i]->key, err);
			if (report)
				fprintf(report, "%-32s %s: NOT FOUND\n",
				    lines[i]->key, lines[i]->name);
			bad++;
			continue;
		}
		for (j = 0; j < i; j++)
			if (w[j].chip[0] != '\0' && gpio_same_line(&w[i], &w[j]))
				break;
		if (j < i) {
			fprintf(stderr, "vendd: %s:%d: %s: %s is the same line "
			    "as %s (%s, line %d): %s offset %u\n",
			    main_cf.path, lines[i]->lineno, lines[i]->key,
			    lines[i]->name, lines[j]->name, lines[j]->key,
			    lines[j]->lineno, w[i].chip, w[i].offset);
			bad++;
		}
		if (report)
			fprintf(report, "%-32s %s -> %s [%s] offset %u%s%s%s\n",
			    lines[i]->key, lines[i]->name, w[i].chip,
			    w[i].label, w[i].offset, w[i].used ?
			    ", in use by " : "", w[i].used ? w[i].consumer : "",
			    j < i ? ", ALSO USED ABOVE" : "");
	}
	return bad;
}

/*
 * The socket's group must not be one that opens the GPIO chips vendd uses:
 * its members could drive the outputs (a machine upgraded from a version
 * whose control_group was the service's own _vendd keeps its edited
 * config). The socket then stays with root alone, and the log says so.
 */
static void
main_drop_unsafe_control_group(const struct gpio_where *w, int n)
{
	struct group	*gr;
	struct stat	 sb;
	char		 where[512];

	if (main_cf.control_group[0] == '\0' ||
	    (gr = getgrnam(main_cf.control_group)) == NULL)
		return;		/* control_prepare names a missing group */
	for (int i = 0; i < n; i++) {
		if (stat(w[i].chip, &sb) == -1 || sb.st_gid != gr->gr_gid ||
		    !(sb.st_mode & 0060))
			continue;
		config_where(&main_cf, "vendd", "control_group",
		    main_cf.control_group_line, where, sizeof(where));
		log_warnx("%s: group \"%s\" also opens %s: operators could "
		    "drive the outputs; only root may use vendctl until "
		    "control_group names the operators' group (vendd-operators)",
		    where, main_cf.control_group, w[i].chip);
		main_cf.control_group[0] = '\0';
		return;
	}
}

/*
 * One output for vendd.outputs, where it is on the board; one that does not
 * fit makes no list at all (main_nsafe -1: --safe-outputs uses the config).
 */
static void
main_note_output(const struct line_conf *lc, const struct gpio_where *w)
{
	struct outputs_entry	*e = &main_safe[main_nsafe];

	if (snprintf(e->line, sizeof(e->line), "%s:%u", w->chip, w->offset) >=
	    (int)sizeof(e->line) ||
	    snprintf(e->label, sizeof(e->label), "%s", w->label) >=
	    (int)sizeof(e->label) ||
	    snprintf(e->key, sizeof(e->key), "%s", lc->key) < 0) {
		main_nsafe = -1;
		return;
	}
	e->active_low = lc->active_low;
	e->safe_active = lc == &main_cf.coin.inhibit;
	main_nsafe++;
}

/*
 * Every configured line resolved and none used twice, or start-up stops;
 * a control_group that opens the chips is dropped (root alone restocks).
 */
static void
main_check_wiring(void)
{
	/* static: 99 products' worth on main's stack would stay resident
	 * (every page of a large frame is probed), here only what is used */
	static const struct line_conf	*lines[MAIN_MAX_LINES];
	static struct gpio_where	 w[MAIN_MAX_LINES];
	int				 n;

	n = config_lines(&main_cf, lines, MAIN_MAX_LINES);
	if (main_resolve_lines(lines, n, w, NULL) > 0)
		exit(EX_CONFIG);
	main_drop_unsafe_control_group(w, n);
	for (int i = 0; i < n && main_nsafe >= 0; i++)
		if (lines[i]->output)
			main_note_output(lines[i], &w[i]);
}

/*
 * The outputs just requested, beside the control socket, for --safe-outputs
 * after this vendd ends (whatever vendd.ini says by then). Without it,
 * --safe-outputs falls back to the config: worth a warning, not a refusal.
 */
static void
main_write_safe_list(void)
{
	char	err[1024] = "";

	if (main_nsafe == -1)
		snprintf(err, sizeof(err), "%s: a chip path or label too long",
		    main_safe_path);
	else if (outputs_file_write(main_safe_path, main_safe, main_nsafe,
	    err, sizeof(err)) == 0) {
		main_safe_made = 1;
		return;
	}
	log_warnx("%s (--safe-outputs will use the config)", err);
}

/*
 * The lines are ours now, so whoever drove them before has ended: its list
 * goes, lest a start that fails from here on leave it to ExecStopPost.
 */
static void
main_forget_old_safe_list(void)
{
	if (outputs_file_path(main_cf.control_socket, main_safe_path,
	    sizeof(main_safe_path)) == -1)
		main_nsafe = -1;
	else
		unlink(main_safe_path);
}

/*
 * The keypad by path or by the name its driver reports, into path (for the
 * log); its fd, or -1 with "FILE:LINE: [keypad] device: why" in err.
 */
static int
main_find_keypad(char *path, size_t pathlen, char *err, size_t errlen)
{
	char	kerr[1024], where[512];
	int	fd;

	if (main_cf.keypad.device[0] == '\0')
		return -1;
	if ((fd = keypad_open(main_cf.keypad.device, path, pathlen, kerr,
	    sizeof(kerr))) == -1) {
		config_where(&main_cf, "keypad", "device",
		    main_cf.keypad.device_line, where, sizeof(where));
		snprintf(err, errlen, "%s: %s", where, kerr);
	}
	return fd;
}

/* A keypad configured but not there stops start-up, naming it. */
static void
main_open_keypad(void)
{
	char	path[VENDD_PATH_MAX], err[1600];

	main_hw.keypad = -1;
	if (main_cf.keypad.device[0] == '\0')
		return;
	if ((main_hw.keypad = main_find_keypad(path, sizeof(path), err,
	    sizeof(err))) == -1)
		main_refuse(EX_CONFIG, "%s", err);
}

/*
 * --check's devices beside the lines: a missing keypad is an error (start-up
 * would stop), a missing display only a note (vendd retries it).
 */
static int
main_check_devices(void)
{
	char	path[VENDD_PATH_MAX], err[1600];
	int	fd, bad = 0;

	if (main_cf.display.type != DISPLAY_NONE)
		printf("%-32s %s%s\n", "[display] device", main_cf.display.device,
		    access(main_cf.display.device, W_OK) == 0 ? "" :
		    ": NOT WRITABLE NOW (vendd will retry)");
	if (main_cf.keypad.device[0] == '\0')
		return 0;
	if ((fd = main_find_keypad(path, sizeof(path), err, sizeof(err))) ==
	    -1) {
		fprintf(stderr, "vendd: %s\n", err);
		printf("%-32s %s: NOT FOUND\n", "[keypad] device",
		    main_cf.keypad.device);
		bad++;
	} else {
		printf("%-32s %s -> %s\n", "[keypad] device",
		    main_cf.keypad.device, path);
		close(fd);
	}
	return bad;
}

/* --check: the config as understood, and where each line is on this board. */
static int
main_check(void)
{
	const struct line_conf	*lines[MAIN_MAX_LINES];
	struct gpio_where	 w[MAIN_MAX_LINES];
	int			 n, bad;

	config_print(&main_cf, stdout);
	n = config_lines(&main_cf, lines, MAIN_MAX_LINES);
	printf("\n# GPIO lines on this machine\n");
	bad = main_resolve_lines(lines, n, w, stdout);
	bad += main_check_devices();
	printf("%s: %s\n", main_cf.path, bad ? "wiring errors (see above)" :
	    "OK");
	return bad ? EX_CONFIG : 0;
}

/* The ledger: replay, settle, count the start; refused state stops us. */
static void
main_open_ledger(void)
{
	char	err[1024];

	if (ledger_open(&main_ledger, &main_cf, err, sizeof(err)) == -1)
		main_refuse(EX_CONFIG, "ledger: %s", err);
}

/* The socket's path and group, refused before the ledger writes anything. */
static void
main_prepare_socket(void)
{
	char	err[1024];

	if (control_prepare(&main_cf, &main_listener, err, sizeof(err)) == -1)
		main_refuse(EX_CONFIG, "%s", err);
}

/* The control socket, in control_group; a start that fails removes it. */
static void
main_listen(void)
{
	char	err[1024];

	if (control_listen(&main_cf, &main_listener, err, sizeof(err)) == -1) {
		ledger_close(&main_ledger);
		main_refuse(EX_CONFIG, "%s", err);
	}
	main_socket_made = 1;
}

/*
 * Each activity's loop and state, set up here before any thread exists: it
 * takes its lines (sales the ledger's state, read here once) and from then
 * on owns them alone.
 */
static void
main_init_activities(void)
{
	struct config	*cf = &main_cf;

	coin_init(&main_procs[PROC_COIN], cf, main_hw.coin, main_hw.inhibit);
	panel_init(&main_procs[PROC_PANEL], cf, main_hw.select, main_hw.vend,
	    main_hw.door, main_hw.ret);
	sales_init(&main_procs[PROC_SALES], cf, &main_ledger.st,
	    main_ledger.fault.on != 0);
	arm_init(&main_procs[PROC_ARM], cf, main_hw.relay, main_hw.slot,
	    main_hw.drop);
	cooling_init(&main_procs[PROC_COOLING], cf, main_hw.compressor);
	display_init(&main_procs[PROC_DISPLAY], cf);
	keypad_init(&main_procs[PROC_KEYPAD], cf, main_hw.keypad);
	ledger_init(&main_procs[PROC_LEDGER], &main_ledger);
	control_init(&main_procs[PROC_CONTROL], cf, &main_listener);
	mdb_init(&main_procs[PROC_MDB], cf);
}

/* Start every activity's thread (each inherits main's CPU). */
static void
main_spawn_all(void)
{
	for (int id = PROC_COIN; id < PROC_MAX; id++)
		proc_spawn(&main_procs[id], MAIN_STACK_SIZE);
}

/* Ask every activity to answer: a missed round means one is stuck. */
static void
main_heartbeat(struct proc *p)
{
	main_round++;
	main_pongs = 0;
	for (int id = PROC_COIN; id < MAIN_WATCHED_END; id++)
		proc_send(p, id, MSG_PING, main_round, NULL, 0);
}

/* The watchdog tick: feed systemd only if every activity answered. */
static void
main_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc	*p = arg;

	(void)fd;
	(void)what;
	if (main_pongs == MAIN_WATCHED) {
		notify_send("WATCHDOG=1");
		main_missed = 0;
	} else if (++main_missed >= 2) {
		fatalx("an activity stopped answering (%u of %d in round %u):"
		    " not feeding the watchdog", main_pongs, MAIN_WATCHED,
		    main_round);
	} else
		log_warnx("heartbeat round %u: %u of %d answered", main_round,
		    main_pongs, MAIN_WATCHED);
	main_heartbeat(p);
}

/* Main's inbox: heartbeat answers; the first full round means ready. */
static void
main_dispatch(struct proc *p, const struct msg *m)
{
	switch (m->hdr.type) {
	case MSG_PONG:
		if (m->hdr.id != main_round)
			break;
		if (++main_pongs == MAIN_WATCHED && !main_ready) {
			__atomic_store_n(&main_ready, 1, __ATOMIC_RELAXED);
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

/* Whether a second SIGTERM or SIGINT arrived (SIGHUP is ignored here). */
static int
main_signalled_again(int sfd)
{
	struct signalfd_siginfo	si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo != SIGHUP)
			return 1;
	return 0;
}

/* The monotonic clock in milliseconds, for the stop deadline. */
static uint64_t
main_now_ms(void)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* How long the arm may take to finish its cycle after SIGTERM. */
static uint64_t
main_arm_stop_ms(void)
{
	uint64_t	ms = (uint64_t)main_cf.arm.run_ms +
			    (uint64_t)main_cf.arm.drop_timeout_ms + 1000;

	return ms < MAIN_ARM_STOP_MAX_MS ? ms : MAIN_ARM_STOP_MAX_MS;
}

/*
 * Wait for the arm, told to stop first: it finishes the attempt in
 * progress (a product that drops is sold, not refunded), then ends. A
 * second signal or the time limit aborts the cycle (relay off; the ledger
 * restores the credit).
 */
static void
main_wait_arm(struct proc *p, int sfd, uint64_t deadline)
{
	struct proc	*arm = &main_procs[PROC_ARM];
	struct pollfd	 pfd = { .fd = sfd, .events = POLLIN };
	int		 aborted = 0;

	/* pthread_tryjoin_np, not a timed join: TSan sees this join. */
	while (pthread_tryjoin_np(arm->thread, NULL) != 0) {
		(void)poll(&pfd, 1, 20);	/* a signal, or look again */
		if (!aborted && (main_signalled_again(sfd) ||
		    main_now_ms() >= deadline)) {
			log_warnx("arm: vend cycle cut short: stopping now");
			proc_send(p, PROC_ARM, MSG_ABORT, 0, NULL, 0);
			aborted = 1;
		}
	}
}

/*
 * Stop the activities one by one, inputs first, the ledger last. The arm's
 * time limit counts from the signal, so the inputs' own stop (coin waits
 * for a train in progress) does not push the whole past TimeoutStopSec.
 */
static void
main_stop_activities(struct proc *p, int sfd)
{
	uint64_t	deadline = main_now_ms() + main_arm_stop_ms();

	notify_send("STOPPING=1");
	proc_send(p, PROC_ARM, MSG_STOP, 0, NULL, 0);	/* no retry from now */
	for (size_t i = 0; i < sizeof(main_stop_order) / sizeof(int); i++) {
		int id = main_stop_order[i];

		if (id == PROC_ARM)
			main_wait_arm(p, sfd, deadline);
		else {
			proc_send(p, id, MSG_STOP, 0, NULL, 0);
			proc_join(&main_procs[id]);
		}
		proc_free(&main_procs[id]);
	}
	ledger_close(&main_ledger);
	for (int i = 0; i < main_noutputs; i++)
		gpio_line_release(main_outputs[i]);
}

/* Signals to main's signalfd alone: blocked before any thread starts. */
static int
main_signals(void)
{
	sigset_t	set;
	int		sfd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	return sfd;
}

/*
 * Run the daemon until a signal; returns the exit status. Start-up in the
 * order that leaves nothing behind when it fails: config (done), lines,
 * what can be refused about the socket, ledger, socket, activities.
 */
static int
main_run(void)
{
	struct proc	*p = &main_procs[PROC_MAIN];
	struct event	*ev_sig, *ev_wd = NULL;
	struct timeval	 tv;
	uint64_t	 wd_usec;
	int		 sfd;

	sfd = main_signals();
	if (proc_setup_inboxes() == -1)
		fatal("inbox pipes");
	log_set_fatal_hook(main_fatal_hook);
	main_check_wiring();
	main_request_all(&main_hw);
	main_open_keypad();
	main_forget_old_safe_list();
	gpio_forget_names();
	trace_mark("lines", 0, 0);
	main_prepare_socket();
	main_write_safe_list();
	main_open_ledger();
	trace_mark("ledger", 0, 0);
	main_listen();
	main_init_activities();
	tune_pin(&main_cf);		/* the threads inherit main's CPU */
	malloc_trim(0);		/* start-up's temporaries (config, replay) */
	main_spawn_all();
	tune_realtime(&main_cf, main_procs);
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

	event_free(ev_sig);
	main_stop_activities(p, sfd);
	if (ev_wd)
		event_free(ev_wd);
	proc_free(p);
	close(sfd);
	log_info("stopped, outputs inactive");
	trace_dump("main");
	return 0;
}

/* How to run vendd; status 2 for a bad command line. */
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
		default: main_usage(2);
		}
	}
	if (optind != argc || (check && safe))
		main_usage(2);
	trace_mark("main", 0, 0);
	log_init("vendd", debug);
	/* One malloc arena, not one per thread: the threads allocate little
	 * (libevent, json-c), and an arena each costs more than it saves. */
	mallopt(M_ARENA_MAX, 1);
	if (config_load(&main_cf, path, err, sizeof(err)) == -1) {
		/* A crashed vendd's motors must stop whatever the file says now. */
		if (safe)
			return safe_outputs(&main_cf, err);
		fprintf(stderr, "vendd: %s\n", err);
		return EX_CONFIG;
	}
	if (check)
		return main_check();
	if (safe)
		return safe_outputs(&main_cf, NULL);
	return main_run();
}
