/*
 * lcdscreen: what the customer would read. Stands in for /dev/lcd (or a
 * terminal) as a FIFO that vendd writes; decodes the bytes with
 * screendec.h and keeps the screen in a file for the scenarios.
 *
 *   lcdscreen charlcd|ansi ROWS COLS FIFO OUT
 *
 * OUT (replaced atomically after every frame that changed the screen): one
 * line per row, trailing spaces trimmed, then "backlight=1" or "0".
 * OUT.log: one line per distinct screen (frames are told apart where vendd
 * starts each one, so two that one read returns are both logged), "+MS | row0 | row1 ... |
 * backlight=B", MS since lcdscreen started. A writer that closes is waited
 * for again. Runs until SIGTERM (exit 0); bytes the decoder does not know
 * exit 1 with what they were on stderr.
 */
#include <sys/stat.h>

#include "simlib.h"
#include "screendec.h"

static struct screendec	dec;
static int64_t		t0;

/* Wrong arguments: say how, exit 2 like sim_die. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: lcdscreen charlcd|ansi ROWS COLS FIFO OUT\n");
	exit(2);
}

/* The screen as text: rows, then the backlight (OUT's format). */
static void
screen_text(char *buf, size_t len)
{
	char	row[SCREENDEC_ROW_BYTES];
	size_t	o = 0;

	buf[0] = '\0';
	for (int r = 0; r < dec.rows; r++)
		o += (size_t)snprintf(buf + o, len - o, "%s\n",
		    screendec_row(&dec, r, row));
	snprintf(buf + o, len - o, "backlight=%d\n", dec.backlight);
}

/* Write OUT.tmp and rename it over OUT: readers never see half a screen. */
static void
write_out(const char *out, const char *text)
{
	char	tmp[PATH_MAX];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	if ((f = fopen(tmp, "w")) == NULL)
		sim_die("%s: %s", tmp, strerror(errno));
	fputs(text, f);
	if (fclose(f) == EOF)
		sim_die("%s: %s", tmp, strerror(errno));
	if (rename(tmp, out) == -1)
		sim_die("rename %s: %s", out, strerror(errno));
}

/* One line of OUT.log for a new screen. */
static void
append_log(const char *out)
{
	char	path[PATH_MAX], row[SCREENDEC_ROW_BYTES];
	FILE	*f;

	snprintf(path, sizeof(path), "%s.log", out);
	if ((f = fopen(path, "a")) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	fprintf(f, "+%lld", (long long)((sim_now_ns() - t0) / SIM_NS_PER_MS));
	for (int r = 0; r < dec.rows; r++)
		fprintf(f, " | %s", screendec_row(&dec, r, row));
	fprintf(f, " | backlight=%d\n", dec.backlight);
	if (fclose(f) == EOF)
		sim_die("%s: %s", path, strerror(errno));
}

/* Make the FIFO if it is not there, writable by vendd's user. */
static void
make_fifo(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode))
			sim_die("%s: exists and is not a FIFO", path);
		return;
	}
	if (mkfifo(path, 0666) == -1 || chmod(path, 0666) == -1)
		sim_die("mkfifo %s: %s", path, strerror(errno));
}

/*
 * Where the next frame starts after from (or n): every charlcd frame of
 * vendd's begins with the backlight's code, every terminal frame with its
 * first row's position or a clear.
 */
static size_t
next_frame(const char *buf, size_t n, size_t from)
{
	static const char *const marks[] = { "\x1b[L+", "\x1b[L-",
	    "\x1b[1;1H", "\x1b[2J" };

	for (size_t i = from + 1; i < n; i++) {
		if (buf[i] != '\x1b')
			continue;
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (n - i >= strlen(marks[k]) &&
			    memcmp(buf + i, marks[k], strlen(marks[k])) == 0)
				return i;
	}
	return n;
}

/* One frame's bytes in; the screen recorded if it changed. */
static void
take_frame(const char *bytes, size_t n, const char *out, char *last,
    size_t lastlen)
{
	char	text[SCREENDEC_ROWS_MAX * SCREENDEC_ROW_BYTES + 32];

	screendec_feed(&dec, bytes, n);
	if (dec.bad) {
		fprintf(stderr, "lcdscreen: unknown bytes: %s\n", dec.why);
		exit(1);
	}
	screen_text(text, sizeof(text));
	if (strcmp(text, last) == 0)
		return;
	snprintf(last, lastlen, "%s", text);
	write_out(out, text);
	append_log(out);
}

/*
 * Read until EOF (the writer closed) or SIGTERM; record each change. A
 * frame is one write() of vendd's, under PIPE_BUF, so a read holds whole
 * frames, often several; only a backlog past the buffer could cut one
 * (its half-drawn screen would then be logged once).
 */
static void
drain(int fd, const char *out, char *last, size_t lastlen)
{
	char	buf[4096];
	ssize_t	n;

	while (!sim_stop && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			sim_die("read: %s", strerror(errno));
		}
		for (size_t a = 0, b; a < (size_t)n; a = b) {
			b = next_frame(buf, (size_t)n, a);
			take_frame(buf + a, b - a, out, last, lastlen);
		}
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	static char	 last[SCREENDEC_ROWS_MAX * SCREENDEC_ROW_BYTES + 32];
	int		 mode, fd;

	if (argc != 6)
		usage();
	if (strcmp(argv[1], "charlcd") == 0)
		mode = SCREENDEC_CHARLCD;
	else if (strcmp(argv[1], "ansi") == 0)
		mode = SCREENDEC_ANSI;
	else
		usage();
	screendec_init(&dec, mode, (int)sim_num(argv[2], "rows",
	    SCREENDEC_ROWS_MAX), (int)sim_num(argv[3], "cols",
	    SCREENDEC_COLS_MAX));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sim_on_stop;	/* no SA_RESTART: open, read end */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	make_fifo(argv[4]);
	t0 = sim_now_ns();
	while (!sim_stop) {
		if ((fd = open(argv[4], O_RDONLY | O_CLOEXEC)) == -1) {
			if (errno == EINTR)
				continue;
			sim_die("%s: %s", argv[4], strerror(errno));
		}
		drain(fd, argv[5], last, sizeof(last));
		close(fd);
	}
	return 0;
}
