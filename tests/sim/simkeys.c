/*
 * simkeys: a keypad the kernel sees as an input device. Creates NAME
 * through uinput (libevdev) and types what the scenarios ask on it, so
 * vendd's keypad activity reads real evdev events.
 *
 *   simkeys NAME CTLFIFO
 *
 * CTLFIFO is created if missing and read line by line (held open O_RDWR,
 * so a writer closing is no EOF). Commands:
 *   type KEYS	each char one key: 0-9 digits, '#' ENTER, '*' BACKSPACE,
 *		'E' ESC, 'A'-'D' KEY_A..KEY_D; press, SYN, 50 ms, release,
 *		SYN, then 100 ms before the next key
 *   key NAME	one key by its evdev name (KEY_KPENTER), pressed the same way
 *   unplug	destroy the device		-> "simkeys: unplugged"
 *   plug	create it again			-> "simkeys: ready NAME NODE"
 *   quit	destroy it and exit 0
 * stdout, one line each, flushed:
 *   simkeys: ready NAME /dev/input/eventN	at start, once the node exists
 *   simkeys: ok COMMAND LINE			after each command is done
 *   simkeys: error COMMAND LINE: why		a command that could not run
 * No uinput: "simkeys: /dev/uinput: ERROR (...)" on stderr and exit 1.
 */
#include <sys/stat.h>

#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>

#include "simlib.h"

#define HOLD_MS		50	/* a key held down */
#define GAP_MS		100	/* between two keys */
#define NODE_WAIT_MS	5000	/* for the event node to appear */

static struct libevdev		*dev;
static struct libevdev_uinput	*uidev;
static const char		*name;

/* The keys the virtual keypad has. */
static const unsigned keys[] = {
	KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9,
	KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7,
	KEY_KP8, KEY_KP9, KEY_ENTER, KEY_KPENTER, KEY_BACKSPACE, KEY_ESC,
	KEY_A, KEY_B, KEY_C, KEY_D,
};

/* Wrong arguments: say how to call it, exit 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: simkeys NAME CTLFIFO\n");
	exit(2);
}

/* Sleep, for key timing. */
static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * SIM_NS_PER_MS };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One line on stdout, flushed: a scenario waits for it. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list	ap;

	fputs("simkeys: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* The device description: a name and the keys, created and recreated from it. */
static void
describe(void)
{
	dev = libevdev_new();
	if (dev == NULL)
		sim_die("libevdev_new: out of memory");
	libevdev_set_name(dev, name);
	libevdev_set_id_bustype(dev, BUS_VIRTUAL);
	libevdev_enable_event_type(dev, EV_KEY);
	for (size_t i = 0; i < SIM_NELEM(keys); i++)
		libevdev_enable_event_code(dev, EV_KEY, keys[i], NULL);
}

/* The event node of the device, once it exists; exit 1 if it never does. */
static const char *
wait_node(void)
{
	const char	*node = NULL;
	struct stat	 st;

	for (int ms = 0; ms < NODE_WAIT_MS; ms += 10) {
		node = libevdev_uinput_get_devnode(uidev);
		if (node != NULL && stat(node, &st) == 0)
			return node;
		sleep_ms(10);
	}
	fprintf(stderr, "simkeys: %s: no event node after %d ms (%s)\n", name,
	    NODE_WAIT_MS, node ? node : "sysfs names none");
	exit(1);
}

/* Create the uinput device and say where it is. */
static void
plug(void)
{
	int	rc;

	rc = libevdev_uinput_create_from_device(dev,
	    LIBEVDEV_UINPUT_OPEN_MANAGED, &uidev);
	if (rc < 0) {
		fprintf(stderr, "simkeys: /dev/uinput: %s%s\n", strerror(-rc),
		    -rc == ENOENT || -rc == ENODEV ?
		    " (is CONFIG_INPUT_UINPUT set?)" : "");
		exit(1);
	}
	say("ready %s %s", name, wait_node());
}

/* Destroy the device: the kernel removes its node, as an unplug would. */
static void
unplug(void)
{
	libevdev_uinput_destroy(uidev);
	uidev = NULL;
}

/* Write one event; a failure is the end of the test tool. */
static void
emit(unsigned type, unsigned code, int value)
{
	int	rc;

	rc = libevdev_uinput_write_event(uidev, type, code, value);
	if (rc < 0) {
		fprintf(stderr, "simkeys: %s: writing an event: %s\n", name,
		    strerror(-rc));
		exit(1);
	}
}

/* A press, held, then released, each followed by SYN_REPORT, then the gap. */
static void
press(unsigned code)
{
	emit(EV_KEY, code, 1);
	emit(EV_SYN, SYN_REPORT, 0);
	sleep_ms(HOLD_MS);
	emit(EV_KEY, code, 0);
	emit(EV_SYN, SYN_REPORT, 0);
	sleep_ms(GAP_MS);
}

/* The key a character of `type` stands for, or 0. */
static unsigned
char_key(char c)
{
	static const unsigned letters[] = { KEY_A, KEY_B, KEY_C, KEY_D };

	if (c == '0')
		return KEY_0;
	if (c >= '1' && c <= '9')
		return KEY_1 + (unsigned)(c - '1');
	if (c >= 'A' && c <= 'D')
		return letters[c - 'A'];
	switch (c) {
	case '#':	return KEY_ENTER;
	case '*':	return KEY_BACKSPACE;
	case 'E':	return KEY_ESC;
	default:	return 0;
	}
}

/* type KEYS: check every char first, so a typo types nothing. */
static const char *
cmd_type(const char *arg)
{
	for (const char *s = arg; *s; s++)
		if (char_key(*s) == 0)
			return "a char that is no key (0-9 # * E A-D)";
	if (*arg == '\0')
		return "nothing to type";
	for (const char *s = arg; *s; s++)
		press(char_key(*s));
	return NULL;
}

/* key NAME: one key by its evdev name. */
static const char *
cmd_key(const char *arg)
{
	int	code = libevdev_event_code_from_name(EV_KEY, arg);

	if (code < 0)
		return "no such key name";
	if (!libevdev_has_event_code(dev, EV_KEY, (unsigned)code))
		return "the keypad has no such key";
	press((unsigned)code);
	return NULL;
}

/* Run one command; NULL when done, or why not. */
static const char *
run(const char *line, int *quit)
{
	if (strncmp(line, "type ", 5) == 0 || strncmp(line, "key ", 4) == 0) {
		if (uidev == NULL)
			return "unplugged";
		return line[0] == 't' ? cmd_type(line + 5) : cmd_key(line + 4);
	}
	if (strcmp(line, "unplug") == 0) {
		if (uidev == NULL)
			return "already unplugged";
		unplug();
		say("unplugged");
		return NULL;
	}
	if (strcmp(line, "plug") == 0) {
		if (uidev != NULL)
			return "already plugged";
		plug();
		return NULL;
	}
	if (strcmp(line, "quit") == 0) {
		*quit = 1;
		return NULL;
	}
	return "unknown command (type, key, unplug, plug, quit)";
}

/* The control FIFO, created if missing, open for reading and writing. */
static FILE *
open_ctl(const char *path)
{
	FILE	*f;
	int	 fd;

	if (mkfifo(path, 0600) == -1 && errno != EEXIST)
		sim_die("mkfifo %s: %s", path, strerror(errno));
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		sim_die("%s: %s", path, strerror(errno));
	if ((f = fdopen(fd, "r")) == NULL)
		sim_die("%s: %s", path, strerror(errno));
	return f;
}

/* Strip the newline and trailing blanks of a command line. */
static void
chomp(char *s)
{
	size_t	n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Create the keypad, then serve the FIFO's commands until quit. */
int
main(int argc, char **argv)
{
	FILE		*ctl;
	char		*line = NULL;
	size_t		 cap = 0;
	const char	*why;
	int		 quit = 0;

	if (argc != 3 || argv[1][0] == '\0')
		usage();
	name = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	ctl = open_ctl(argv[2]);
	describe();
	plug();
	while (!quit && getline(&line, &cap, ctl) != -1) {
		chomp(line);
		if (line[0] == '\0')
			continue;
		if ((why = run(line, &quit)) != NULL) {
			say("error %s: %s", line, why);
			fprintf(stderr, "simkeys: %s: %s\n", line, why);
		} else
			say("ok %s", line);
	}
	if (uidev != NULL)
		unplug();
	libevdev_free(dev);
	free(line);
	fclose(ctl);
	return 0;
}
