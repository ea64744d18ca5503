/*
 * prober: the bench's measuring hand inside the gpio-sim VM. It drives
 * vendd's inputs through the simulator's "pull" attributes, watches outputs
 * through "value", and reads /proc; every figure it prints says what it
 * really achieved, so a stalled guest is told apart from a slow daemon.
 *
 * usage: prober vend vendd|floor|floor-nosel N SEL_DIR VEND_DIR ARM_DIR OUT
 *        prober coins N SEED MIN_MS MAX_MS GAP_MS COIN_DIR INHIBIT_DIR SOCKET OUT
 *              [KTHREAD_PID]
 *        prober startup N OUT PROGRAM ARG...
 *        prober idle PID SECONDS
 *        prober mem PID
 *        prober stats FILE
 *        prober burn CPU SECONDS
 *        prober pin CPU PROGRAM ARG...
 *
 * A *_DIR is a line's sysfs dir (tests/sim's sim-board.sh dir NAME).
 *
 * vend: N rounds of: press and release SEL, wait 60 ms, press VEND, spin
 *	on ARM's value until it is 1, release VEND, wait for ARM 0, wait
 *	40 ms. The latency is from before the press's write to the first read
 *	that sees 1. vendd and the floor get the same rounds (the floor
 *	ignores SEL): under emulation a press after a longer pause is slower
 *	to serve, so the same pause before VEND is part of a fair comparison.
 *	floor-nosel: the floor without the SEL press and its 60 ms, as the
 *	bench measured it first (a diagnostic).
 *	Writes one latency in us per line to OUT; prints the percentiles.
 * coins: N coin trains of 1, 2 or 5 pulses, widths and gaps drawn from
 *	5..10 ms, each train started once INHIBIT is 0 (the acceptor free)
 *	and more than GAP_MS after the last one. A train is clean when every
 *	achieved width is in MIN+1..MAX-1 ms, every gap under GAP_MS-2 ms,
 *	no width or gap overshot its aim by 2 ms (a stalled guest), no write
 *	took over 1 ms, and the kernel's edge thread kept up: with
 *	KTHREAD_PID (the coin line's interrupt thread), checked before each
 *	edge (struct kthread; kl=N in OUT counts the edges it was behind).
 *	A thread behind merges two edges into one event or names one late,
 *	and that thread may run on the other CPU, where a stall of the guest
 *	does not show in the prober's timing. After each train the
 *	ledger's counters (vendd's control SOCKET) must have moved by exactly
 *	that coin: pulses_K is worth K minor units in the bench config.
 *	OUT gets one line per train.
 * startup: N times: exec PROGRAM with NOTIFY_SOCKET set, time until it
 *	sends READY=1, SIGTERM it, wait. One ms figure per line to OUT.
 * idle: context switches (voluntary + involuntary) of every thread of PID
 *	over SECONDS, per thread and in total, per minute.
 * mem: VmRSS, VmHWM, RssAnon, threads of PID; PSS and USS (private) from
 *	smaps_rollup; its biggest mappings by PSS.
 */
#include <dirent.h>
#include <poll.h>
#include <sys/personality.h>
#include <sys/wait.h>

#include "simlib.h"

#define MAX_TASKS	64
#define PROBER_PRIO	50	/* SCHED_FIFO for the coin trains */

/* Wait (1 ms polls) until the line reads v; 0 on timeout. */
static int
line_wait(const struct sim_line *l, int v, int64_t timeout_ms)
{
	int64_t	end = sim_now_ns() + timeout_ms * SIM_NS_PER_MS;

	while (sim_line_get(l) != v) {
		if (sim_now_ns() > end)
			return 0;
		sim_sleep_ms(1);
	}
	return 1;
}

/* Nearest-rank percentile of a sorted array. */
static int64_t
pct(const int64_t *v, size_t n, int p)
{
	size_t	i = (n * (size_t)p + 99) / 100;

	return n == 0 ? 0 : v[i == 0 ? 0 : i - 1];
}

static void
print_stats(const char *what, int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), sim_cmp_i64);
	printf("%s: n=%zu p50_us=%lld p90_us=%lld p99_us=%lld max_us=%lld\n",
	    what, n, (long long)pct(v, n, 50), (long long)pct(v, n, 90),
	    (long long)pct(v, n, 99), (long long)(n ? v[n - 1] : 0));
}

static int
cmd_vend(int argc, char **argv)
{
	struct sim_line	 sel, vend, arm;
	int64_t		*lat, t0, t1, deadline;
	long		 n, i, got = 0, fails = 0;
	int		 select;
	FILE		*out;

	if (argc != 7 || (strcmp(argv[1], "vendd") != 0 &&
	    strcmp(argv[1], "floor") != 0 && strcmp(argv[1], "floor-nosel") != 0))
		sim_die("usage: vend vendd|floor|floor-nosel N SEL_DIR VEND_DIR "
		    "ARM_DIR OUT");
	select = strcmp(argv[1], "floor-nosel") != 0;
	n = atol(argv[2]);
	sim_line_open_dir(&sel, argv[3], argv[3]);
	sim_line_open_dir(&vend, argv[4], argv[4]);
	sim_line_open_dir(&arm, argv[5], argv[5]);
	if ((out = fopen(argv[6], "w")) == NULL)
		sim_die("%s: %s", argv[6], strerror(errno));
	if ((lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		sim_die("out of memory");
	sim_go_realtime(0);
	for (i = 0; i < n; i++) {
		if (select) {
			sim_line_pull(&sel, 0);	/* pressed: to ground */
			sim_sleep_ms(3);
			sim_line_pull(&sel, 1);
			sim_sleep_ms(60);		/* sales takes the choice */
		}
		t0 = sim_now_ns();
		sim_line_pull(&vend, 0);
		deadline = t0 + 2000 * SIM_NS_PER_MS;
		while (!sim_line_get(&arm) && sim_now_ns() < deadline)
			;
		t1 = sim_now_ns();
		sim_sleep_ms(2);
		sim_line_pull(&vend, 1);
		if (t1 >= deadline) {
			fails++;
			fprintf(stderr, "prober: vend %ld: no arm within 2 s\n", i);
			sim_sleep_ms(200);
		} else {
			lat[got++] = (t1 - t0) / 1000;
			fprintf(out, "%lld\n", (long long)((t1 - t0) / 1000));
		}
		if (!line_wait(&arm, 0, 5000))
			sim_die("vend %ld: arm stayed on for 5 s", i);
		sim_sleep_ms(40);	/* the cycle settles; VEND hold-off passes */
	}
	fclose(out);
	print_stats(argv[1], lat, (size_t)got);
	printf("vend-fails: %ld\n", fails);
	return got > n / 2 ? 0 : 1;	/* a failed vend is reported */
}

/* A uniform integer in lo..hi from a xorshift generator. */
static int64_t
rnd(uint64_t *s, int64_t lo, int64_t hi)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return lo + (int64_t)(*s % (uint64_t)(hi - lo + 1));
}

/* vendd's coin counters, from its control socket ("status" request). */
struct counts {
	long long	cash_in, unknown, faults, noise;
};

/* The number after "key": in a JSON text; 0 when absent. */
static long long
json_num(const char *text, const char *key)
{
	char		 k[64];
	const char	*p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	if ((p = strstr(text, k)) == NULL)
		return 0;
	p += strlen(k);
	while (*p == ' ')
		p++;
	return strtoll(p, NULL, 10);
}

static void
counts_read(const char *sock, struct counts *c)
{
	static char	buf[65536];

	sim_ctl_request(sock, "status\n", buf, sizeof(buf));
	c->cash_in = json_num(buf, "cash_in");
	c->unknown = json_num(buf, "unknown_coins");
	c->faults = json_num(buf, "coin_faults");
	c->noise = json_num(buf, "noise_pulses");
}

static int
counts_same(const struct counts *a, const struct counts *b)
{
	return a->cash_in == b->cash_in && a->unknown == b->unknown &&
	    a->faults == b->faults && a->noise == b->noise;
}

/*
 * The kernel's thread for the coin line's interrupt (irq/N-vendd), which
 * reads the level that names each edge (gpiolib-cdev.c, edge_irq_thread).
 * It keeps up when, at each next edge, it is back waiting for its
 * interrupt (state S) and has slept since the check before the edge before:
 * it has read that edge's level. Otherwise the kernel may have merged the
 * two edges into one event (one timestamp), or named one late.
 */
struct kthread {
	int	fd;		/* /proc/PID/status; -1: not checked */
	long	slept;		/* voluntary_ctxt_switches at the last check */
};

/* Open the interrupt thread's status, or check nothing when PID is 0. */
static void
kthread_open(struct kthread *k, const char *pid)
{
	char	path[64];

	k->fd = -1;
	k->slept = 0;
	if (atol(pid) <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if ((k->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		sim_die("%s: %s", path, strerror(errno));
}

/* Check before an edge: 1 if the thread kept up (first: only waiting). */
static int
kthread_kept_up(struct kthread *k, int first)
{
	char		 buf[2048], *p;
	ssize_t		 n;
	long		 slept;
	int		 waiting;

	if (k->fd == -1)
		return 1;
	if ((n = pread(k->fd, buf, sizeof(buf) - 1, 0)) <= 0)
		sim_die("kernel thread status: %s", strerror(errno));
	buf[n] = '\0';
	if ((p = strstr(buf, "State:")) != NULL)
		p += strspn(p + 6, " \t") + 6;
	waiting = p != NULL && *p == 'S';
	slept = (p = strstr(buf, "\nvoluntary_ctxt_switches:")) != NULL ?
	    atol(p + 26) : 0;
	n = waiting && (first || slept > k->slept);
	k->slept = slept;
	return (int)n;
}

static int
cmd_coins(int argc, char **argv)
{
	struct counts	 before, after;
	long		 ok_clean = 0, bad_clean = 0;
	static const int kinds[] = { 1, 2, 5 };
	struct sim_line	 coin, inh;
	struct kthread	 kt;
	long		 behind = 0, behind_ok = 0;
	int64_t		 up0[5], up1[5], dn0[5], dn1[5], iw[5], ig[5];
	int64_t		 w, g, last = 0, t;
	int64_t		 wmin = INT64_MAX, wmax = 0, pmin, pmax, tgap;
	long		 n, i, clean = 0, stretched = 0, stuck = 0;
	long		 sent[6] = { 0 }, all[6] = { 0 };
	uint64_t	 seed;
	FILE		*out;

	if (argc != 10 && argc != 11)
		sim_die("usage: coins N SEED MIN_MS MAX_MS GAP_MS COIN_DIR INHIBIT_DIR "
		    "SOCKET OUT [KTHREAD_PID]");
	kthread_open(&kt, argc == 11 ? argv[10] : "0");
	n = atol(argv[1]);
	seed = strtoull(argv[2], NULL, 10) | 1;
	pmin = atol(argv[3]) * SIM_NS_PER_MS;
	pmax = atol(argv[4]) * SIM_NS_PER_MS;
	tgap = atol(argv[5]) * SIM_NS_PER_MS;
	sim_line_open_dir(&coin, argv[6], argv[6]);
	sim_line_open_dir(&inh, argv[7], argv[7]);
	if ((out = fopen(argv[9], "w")) == NULL)
		sim_die("%s: %s", argv[9], strerror(errno));
	sim_go_realtime(PROBER_PRIO);
	counts_read(argv[8], &before);
	for (i = 0; i < n; i++) {
		int	k = kinds[rnd(&seed, 0, 2)], ok = 1, kl = 0, kbehind;

		if (!line_wait(&inh, 0, 5000))
			stuck++;
		/* apart from the last train by more than the gap */
		t = sim_now_ns();
		if (t < last + tgap + 5 * SIM_NS_PER_MS)
			sim_sleep_until(last + tgap + 5 * SIM_NS_PER_MS);
		for (int j = 0; j < k; j++) {
			iw[j] = rnd(&seed, 5, 10) * SIM_NS_PER_MS;
			ig[j] = rnd(&seed, 5, 10) * SIM_NS_PER_MS;
			if (j > 0)
				sim_sleep_until(dn1[j - 1] + ig[j]);
			kl += !kthread_kept_up(&kt, j == 0);
			up0[j] = sim_now_ns();
			sim_line_pull(&coin, 1);
			up1[j] = sim_now_ns();
			sim_sleep_until(up1[j] + iw[j]);
			kl += !kthread_kept_up(&kt, 0);
			dn0[j] = sim_now_ns();
			sim_line_pull(&coin, 0);
			dn1[j] = sim_now_ns();
		}
		last = dn1[k - 1];
		/* at=: CLOCK_MONOTONIC, as the kernel's edge timestamps */
		fprintf(out, "%ld %d at=%lld.%06lld", i, k,
		    (long long)(up0[0] / 1000000000),
		    (long long)(up0[0] % 1000000000 / 1000));
		for (int j = 0; j < k; j++) {
			/* the edge lies between the two stamps of its write */
			int64_t lo = dn0[j] - up1[j], hi = dn1[j] - up0[j];

			w = (lo + hi) / 2;
			wmin = w < wmin ? w : wmin;
			wmax = w > wmax ? w : wmax;
			/* a stall of 2 ms stalls the kernel's edge thread too */
			if (lo < pmin + SIM_NS_PER_MS || hi > pmax - SIM_NS_PER_MS ||
			    hi > iw[j] + 2 * SIM_NS_PER_MS ||
			    up1[j] - up0[j] > SIM_NS_PER_MS || dn1[j] - dn0[j] > SIM_NS_PER_MS)
				ok = 0;
			if (hi > 10 * SIM_NS_PER_MS + SIM_NS_PER_MS)
				stretched++;
			if (j > 0) {
				g = up1[j] - dn0[j - 1];
				if (g > tgap - 2 * SIM_NS_PER_MS || g > ig[j] + 2 * SIM_NS_PER_MS)
					ok = 0;
				fprintf(out, " g%.1f", sim_ms(g));
			}
			fprintf(out, " w%.1f", sim_ms(w));
		}
		all[k]++;
		/* timed right, but the kernel may have merged its edges */
		kbehind = ok && kl;
		ok = ok && !kl;
		if (ok) {
			clean++;
			sent[k]++;
		}
		/*
		 * What vendd made of this train: wait until the acceptor is
		 * free again (the train ended) and the ledger's counters move
		 * (the coin is durable); a coin of k pulses is worth k minor
		 * units in the bench's value table.
		 */
		line_wait(&inh, 0, 5000);
		t = sim_now_ns() + 1000 * SIM_NS_PER_MS;
		do {
			counts_read(argv[8], &after);
		} while (counts_same(&before, &after) && sim_now_ns() < t &&
		    (sim_sleep_ms(2), 1));
		if (!ok) {	/* pieces of a split train may come later */
			sim_sleep_ms(300);
			counts_read(argv[8], &after);
		}
		{
			int good = after.cash_in - before.cash_in == k &&
			    after.unknown == before.unknown &&
			    after.faults == before.faults &&
			    after.noise == before.noise;

			if (ok && good)
				ok_clean++;
			else if (ok)
				bad_clean++;
			behind += kbehind;
			behind_ok += kbehind && good;
			if (kt.fd != -1)
				fprintf(out, " kl=%d", kl);
			fprintf(out, " %s vendd:cash+%lld,unknown+%lld,faults+%lld,"
			    "noise+%lld %s\n", ok ? "clean" : "UNCLEAN",
			    after.cash_in - before.cash_in,
			    after.unknown - before.unknown,
			    after.faults - before.faults,
			    after.noise - before.noise,
			    good ? "ok" : "MISCOUNTED");
		}
		before = after;
	}
	fclose(out);
	printf("coins: coins_ok=%ld coins_sent=%ld miscounted=%ld\n", ok_clean,
	    clean, bad_clean);
	printf("coins: trains=%ld clean=%ld clean_1=%ld clean_2=%ld "
	    "clean_5=%ld all_1=%ld all_2=%ld all_5=%ld\n", n, clean, sent[1],
	    sent[2], sent[5], all[1], all[2], all[5]);
	printf("coins: width_ms min=%.2f max=%.2f pulses_over_11ms=%ld "
	    "inhibit_stuck=%ld\n", sim_ms(wmin), sim_ms(wmax), stretched, stuck);
	if (kt.fd != -1)
		printf("coins: kernel_behind=%ld trains timed right but the "
		    "kernel's edge thread behind, of them counted right %ld\n",
		    behind, behind_ok);
	return 0;
}

static int
cmd_startup(int argc, char **argv)
{
	struct pollfd	 pfd;
	char		 buf[512], name[64];
	int64_t		*ms100, t0;
	long		 n, i, got = 0;
	int		 fd, status;
	pid_t		 pid;
	FILE		*out;

	if (argc < 4)
		sim_die("usage: startup N OUT PROGRAM ARG...");
	n = atol(argv[1]);
	if ((out = fopen(argv[2], "w")) == NULL)
		sim_die("%s: %s", argv[2], strerror(errno));
	if ((ms100 = calloc((size_t)n, sizeof(*ms100))) == NULL)
		sim_die("out of memory");
	snprintf(name, sizeof(name), "@vendd-bench-notify-%d", (int)getpid());
	fd = sim_notify_listen(name);
	setenv("NOTIFY_SOCKET", name, 1);
	unsetenv("WATCHDOG_USEC");
	for (i = 0; i < n; i++) {
		int	ready = 0;

		t0 = sim_now_ns();
		if ((pid = fork()) == -1)
			sim_die("fork: %s", strerror(errno));
		if (pid == 0) {
			/*
			 * PROBER_NO_ASLR=1: the same start with the address
			 * space laid out as the last time. A diagnostic for
			 * emulation only: qemu's TCG keys its translated code by
			 * virtual address, so with randomisation every start
			 * translates every instruction it runs anew.
			 */
			if (getenv("PROBER_NO_ASLR") != NULL &&
			    personality(ADDR_NO_RANDOMIZE) == -1)
				_exit(126);
			execvp(argv[3], argv + 3);
			_exit(127);
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		while (!ready && poll(&pfd, 1, 10000) == 1) {
			ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);

			if (r <= 0)
				break;
			buf[r] = '\0';
			if (strstr(buf, "READY=1") != NULL) {
				ready = 1;
				ms100[got] = (sim_now_ns() - t0) / 10000;
				fprintf(out, "%.2f\n", (double)ms100[got] / 100);
				got++;
			}
		}
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		if (!ready)
			fprintf(stderr, "prober: start %ld: no READY=1 in 10 s\n", i);
	}
	fclose(out);
	qsort(ms100, (size_t)got, sizeof(*ms100), sim_cmp_i64);
	printf("startup: n=%ld ready=%ld median_ms=%.2f min_ms=%.2f max_ms=%.2f\n",
	    n, got, got ? (double)ms100[(got - 1) / 2] / 100 : 0.0,
	    got ? (double)ms100[0] / 100 : 0.0,
	    got ? (double)ms100[got - 1] / 100 : 0.0);
	return got == n ? 0 : 1;
}

struct task {
	int	tid;
	char	comm[32];
	long	vol, invol;
};

/* Every thread of pid with its switch counts; returns how many. */
static int
tasks_read(int pid, struct task *t, int max)
{
	char		 path[128], line[256];
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	int		 n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if ((d = opendir(path)) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] == '.')
			continue;
		memset(&t[n], 0, sizeof(t[n]));
		t[n].tid = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid,
		    t[n].tid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			sscanf(line, "Name: %31s", t[n].comm);
			sscanf(line, "voluntary_ctxt_switches: %ld", &t[n].vol);
			sscanf(line, "nonvoluntary_ctxt_switches: %ld",
			    &t[n].invol);
		}
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

static int
cmd_idle(int argc, char **argv)
{
	struct task	a[MAX_TASKS], b[MAX_TASKS];
	int		pid, secs, na, nb;
	long		tv = 0, ti = 0;

	if (argc != 3)
		sim_die("usage: idle PID SECONDS");
	pid = atoi(argv[1]);
	secs = atoi(argv[2]);
	na = tasks_read(pid, a, MAX_TASKS);
	sim_sleep_ms((int64_t)secs * 1000);
	nb = tasks_read(pid, b, MAX_TASKS);
	for (int i = 0; i < nb; i++) {
		long	v = b[i].vol, iv = b[i].invol;

		for (int j = 0; j < na; j++)
			if (a[j].tid == b[i].tid) {
				v -= a[j].vol;
				iv -= a[j].invol;
			}
		printf("idle-thread: tid=%d name=%s voluntary=%ld "
		    "involuntary=%ld\n", b[i].tid, b[i].comm, v, iv);
		tv += v;
		ti += iv;
	}
	printf("idle: seconds=%d threads=%d voluntary=%ld involuntary=%ld "
	    "per_min=%ld\n", secs, nb, tv, ti, (tv + ti) * 60 / secs);
	return 0;
}

struct mapping {
	char	name[128];
	long	size_kb, rss_kb, pss_kb, anon_kb;
};

/* Biggest share of the board's memory first. */
static int
cmp_map(const void *a, const void *b)
{
	return (int)(((const struct mapping *)b)->pss_kb -
	    ((const struct mapping *)a)->pss_kb);
}

/*
 * What the process costs the board, from smaps_rollup: PSS (each page
 * divided among the processes that map it, so a shared library is charged
 * in part) and USS (Private_Clean + Private_Dirty: what its end would free).
 * PSS's parts too: anonymous, file and shmem (the test VM's files live on
 * tmpfs, so there its libraries are shmem, not file).
 */
static void
mem_rollup(const char *pid)
{
	char	path[128], line[256];
	long	v, pss = -1, pss_anon = 0, pss_file = 0, pss_shmem = 0;
	long	pclean = 0, pdirty = 0;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", pid);
	if ((f = fopen(path, "r")) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Pss: %ld kB", &v) == 1)
			pss = v;
		else if (sscanf(line, "Pss_Anon: %ld kB", &v) == 1)
			pss_anon = v;
		else if (sscanf(line, "Pss_File: %ld kB", &v) == 1)
			pss_file = v;
		else if (sscanf(line, "Pss_Shmem: %ld kB", &v) == 1)
			pss_shmem = v;
		else if (sscanf(line, "Private_Clean: %ld kB", &v) == 1)
			pclean = v;
		else if (sscanf(line, "Private_Dirty: %ld kB", &v) == 1)
			pdirty = v;
	}
	fclose(f);
	if (pss < 0)
		sim_die("%s: no Pss line", path);
	printf("mem-rollup: pss_kb=%ld pss_anon_kb=%ld pss_file_kb=%ld "
	    "pss_shmem_kb=%ld uss_kb=%ld private_clean_kb=%ld "
	    "private_dirty_kb=%ld\n", pss, pss_anon, pss_file, pss_shmem,
	    pclean + pdirty, pclean, pdirty);
}

static int
cmd_mem(int argc, char **argv)
{
	static struct mapping m[1024];
	char		 path[128], line[512], name[128];
	unsigned long	 lo, hi;
	long		 v;
	int		 n = -1, stacks = 0;
	FILE		*f;

	if (argc != 2)
		sim_die("usage: mem PID");
	snprintf(path, sizeof(path), "/proc/%s/status", argv[1]);
	if ((f = fopen(path, "r")) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Vm", 2) == 0 || strncmp(line, "Rss", 3) == 0 ||
		    strncmp(line, "Threads", 7) == 0) {
			line[strcspn(line, "\n")] = '\0';
			for (char *p = line; *p; p++)
				if (*p == '\t')
					*p = ' ';
			printf("mem-status: %s\n", line);
		}
	fclose(f);
	mem_rollup(argv[1]);
	snprintf(path, sizeof(path), "/proc/%s/smaps", argv[1]);
	if ((f = fopen(path, "r")) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && strchr(line, ' ') &&
		    line[strcspn(line, " ")] == ' ' &&
		    strstr(line, "kB") == NULL) {
			if (n + 1 >= (int)(sizeof(m) / sizeof(m[0])))
				break;
			n++;
			name[0] = '\0';
			sscanf(line, "%*s %*s %*s %*s %*s %127s", name);
			snprintf(m[n].name, sizeof(m[n].name), "%s%s",
			    name[0] ? name : "[anon]",
			    strstr(line, "---p") ? " (guard)" : "");
			m[n].size_kb = (long)((hi - lo) / 1024);
		} else if (n >= 0 && sscanf(line, "Rss: %ld kB", &v) == 1)
			m[n].rss_kb = v;
		else if (n >= 0 && sscanf(line, "Pss: %ld kB", &v) == 1)
			m[n].pss_kb = v;
		else if (n >= 0 && sscanf(line, "Anonymous: %ld kB", &v) == 1)
			m[n].anon_kb = v;
	}
	fclose(f);
	n++;
	/* Thread stacks: anonymous rw mappings right above a guard page. */
	for (int i = 1; i < n; i++)
		if (strstr(m[i - 1].name, "(guard)") &&
		    strcmp(m[i].name, "[anon]") == 0) {
			printf("mem-stack: size_kb=%ld rss_kb=%ld\n",
			    m[i].size_kb, m[i].rss_kb);
			stacks++;
		}
	printf("mem-stacks: %d\n", stacks);
	qsort(m, (size_t)n, sizeof(m[0]), cmp_map);
	for (int i = 0; i < n && i < 16; i++)
		printf("mem-map: pss_kb=%ld rss_kb=%ld anon_kb=%ld size_kb=%ld "
		    "%s\n", m[i].pss_kb, m[i].rss_kb, m[i].anon_kb,
		    m[i].size_kb, m[i].name);
	return 0;
}

static int
cmd_stats(int argc, char **argv)
{
	int64_t	*v = NULL;
	size_t	 n = 0, cap = 0;
	long long x;
	FILE	*f;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL)
		sim_die("usage: stats FILE");
	while (fscanf(f, "%lld", &x) == 1) {
		if (n == cap && (v = realloc(v, (cap = cap * 2 + 64) *
		    sizeof(*v))) == NULL)
			sim_die("out of memory");
		v[n++] = x;
	}
	fclose(f);
	print_stats(argv[1], v, n);
	return 0;
}

static int
cmd_burn(int argc, char **argv)
{
	volatile unsigned long	x = 0;
	int64_t			end;

	if (argc != 3)
		sim_die("usage: burn CPU SECONDS");
	sim_pin(atoi(argv[1]));
	end = sim_now_ns() + atol(argv[2]) * 1000 * SIM_NS_PER_MS;
	while (sim_now_ns() < end)
		for (int i = 0; i < 100000; i++)
			x++;
	return 0;
}

static int
cmd_pin(int argc, char **argv)
{
	if (argc < 3)
		sim_die("usage: pin CPU PROGRAM ARG...");
	sim_pin(atoi(argv[1]));
	execvp(argv[2], argv + 2);
	sim_die("%s: %s", argv[2], strerror(errno));
}

static void
usage(void)
{
	fputs("usage: prober vend|coins|startup|idle|mem|stats|burn|pin ... "
	    "(see tests/bench/prober.c)\n", stderr);
}

int
main(int argc, char **argv)
{
	static const struct sim_cmd cmds[] = {
		{ "vend", cmd_vend }, { "coins", cmd_coins },
		{ "startup", cmd_startup }, { "idle", cmd_idle },
		{ "mem", cmd_mem }, { "stats", cmd_stats },
		{ "burn", cmd_burn }, { "pin", cmd_pin },
	};
	return sim_run_cmd(cmds, SIM_NELEM(cmds), argc, argv, usage);
}
