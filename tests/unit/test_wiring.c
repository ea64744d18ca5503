/*
 * The wiring is described once, in gpio/vendd-board.txt; check that the Pi
 * overlay and the reference config agree with it, and that gpio_resolve()
 * names the line in every error it can give without a GPIO chip.
 */
#include <ctype.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gpio.h"

#define BOARD_FILE	SRCDIR "/gpio/vendd-board.txt"
#define OVERLAY_FILE	SRCDIR "/gpio/vendd-overlay.dts"
#define INI_FILE	SRCDIR "/etc/vendd.ini"
#define BCM_LINES	54	/* BCM2835 GPIOs: the overlay's entry count */
#define SIM_LINES	28	/* gpio/sim-board.sh's bank */
#define MAX_ENTRIES	64

struct board_line {
	char	name[64];
	int	bcm;
	char	dir[4];		/* "in" or "out" */
	int	used;		/* times etc/vendd.ini names it */
};

static struct board_line board[MAX_ENTRIES];
static int nboard;
static char overlay[MAX_ENTRIES][64];
static int noverlay;

/* A whole file as a string, or NULL: the fixtures are small. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*s;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (s != NULL && fread(s, 1, n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Parse "name bcm dir what" lines, as gpio/sim-board.sh does. */
static int
board_load(void **state)
{
	FILE	*f;
	char	 buf[512];
	int	 lineno = 0;

	(void)state;
	if ((f = fopen(BOARD_FILE, "r")) == NULL)
		fail_msg("cannot read %s", BOARD_FILE);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		struct board_line *b = &board[nboard];

		lineno++;
		if (buf[strspn(buf, " \t\n")] == '#' ||
		    buf[strspn(buf, " \t\n")] == '\0')
			continue;
		if (nboard == MAX_ENTRIES ||
		    sscanf(buf, "%63s %d %3s", b->name, &b->bcm, b->dir) != 3)
			fail_msg("%s:%d: bad entry: %s", BOARD_FILE, lineno, buf);
		nboard++;
	}
	fclose(f);
	return 0;
}

/* Collect the quoted strings of gpio-line-names, skipping comments. */
static void
overlay_load(void)
{
	char	*s, *p, *q;

	if ((s = slurp(OVERLAY_FILE)) == NULL)
		fail_msg("cannot read %s", OVERLAY_FILE);
	for (p = s; (p = strstr(p, "gpio-line-names")) != NULL; p++)
		if (p[15 + strspn(p + 15, " \t\n")] == '=')
			break;			/* the property, not a comment */
	if (p == NULL)
		fail_msg("%s: no gpio-line-names = ...", OVERLAY_FILE);
	for (noverlay = 0; *p != ';' && *p != '\0'; p++) {
		if (p[0] == '/' && p[1] == '*') {
			if ((p = strstr(p + 2, "*/")) == NULL)
				fail_msg("%s: unterminated comment", OVERLAY_FILE);
			p++;
		} else if (*p == '"') {
			if ((q = strchr(p + 1, '"')) == NULL ||
			    noverlay == MAX_ENTRIES)
				fail_msg("%s: bad gpio-line-names", OVERLAY_FILE);
			snprintf(overlay[noverlay++], 64, "%.*s",
			    (int)(q - p - 1), p + 1);
			p = q;
		}
	}
	free(s);
	if (noverlay != BCM_LINES)
		fail_msg("%s: %d gpio-line-names, want %d (BCM GPIO 0-53)",
		    OVERLAY_FILE, noverlay, BCM_LINES);
}

/* The board entry of this name, or NULL. */
static struct board_line *
board_find(const char *name)
{
	for (int i = 0; i < nboard; i++)
		if (strcmp(board[i].name, name) == 0)
			return &board[i];
	return NULL;
}

/* The file itself: what sim-board.sh would refuse, and the 16 lines vendd uses. */
static void
test_board_file_is_sane(void **state)
{
	(void)state;
	assert_int_equal(nboard, 16);
	for (int i = 0; i < nboard; i++) {
		assert_true(board[i].bcm >= 0 && board[i].bcm < SIM_LINES);
		if (strcmp(board[i].dir, "in") != 0 &&
		    strcmp(board[i].dir, "out") != 0)
			fail_msg("%s: %s: dir %s", BOARD_FILE, board[i].name,
			    board[i].dir);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(board[i].name, board[j].name);
			assert_int_not_equal(board[i].bcm, board[j].bcm);
		}
	}
	assert_string_equal(board_find("COIN")->dir, "in");
	assert_int_equal(board_find("COIN")->bcm, 17);
	assert_string_equal(board_find("COMPRESSOR")->dir, "out");
}

/* Each board name sits at its BCM offset in the overlay's 54 entries. */
static void
test_overlay_names_board_lines(void **state)
{
	(void)state;
	overlay_load();
	for (int i = 0; i < nboard; i++)
		if (strcmp(overlay[board[i].bcm], board[i].name) != 0)
			fail_msg("%s: BCM %d is \"%s\", %s says %s", OVERLAY_FILE,
			    board[i].bcm, overlay[board[i].bcm], BOARD_FILE,
			    board[i].name);
}

/* No name twice: libgpiod finds the first, so a duplicate hides a line. */
static void
test_overlay_names_unique(void **state)
{
	(void)state;
	overlay_load();
	for (int i = 0; i < noverlay; i++) {
		struct board_line *b = board_find(overlay[i]);

		if (b != NULL && b->bcm != i)
			fail_msg("%s: %s at BCM %d, board says %d", OVERLAY_FILE,
			    overlay[i], i, b->bcm);
		for (int j = 0; j < i && overlay[i][0] != '\0'; j++)
			if (strcmp(overlay[i], overlay[j]) == 0)
				fail_msg("%s: \"%s\" at BCM %d and %d",
				    OVERLAY_FILE, overlay[i], j, i);
	}
}

/* Trim leading and trailing blanks in place. */
static char *
trim(char *s)
{
	char	*e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The direction a line key needs: "in", "out", or NULL if unknown. */
static const char *
key_dir(const char *section, const char *key)
{
	static const struct { const char *prefix, *dir; } t[] = {
		{ "inhibit", "out" }, { "slot", "out" }, { "relay", "out" },
		{ "arm", "out" }, { "compressor", "out" },
		{ "vend", "in" }, { "select", "in" }, { "drop", "in" },
		{ "coin", "in" }, { "door", "in" },
	};
	const char	*word = strcmp(key, "line") == 0 ? section : key;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strncmp(word, t[i].prefix, strlen(t[i].prefix)) == 0)
			return t[i].dir;
	return NULL;
}

/*
 * Lines of the board the reference config leaves unwired: the door switch
 * and the coin return button came after boards were installed with an
 * overlay that lacks their names, so the shipped config must not need them
 * to start.
 */
static int
board_optional(const char *name)
{
	return strcmp(name, "DOOR") == 0 || strcmp(name, "RETURN") == 0;
}

/* Check one "key = value" of the reference config against the board. */
static void
ini_check_line(const char *section, const char *key, const char *val,
    int lineno)
{
	struct board_line	*b;
	const char		*dir;
	size_t			 kl = strlen(key);

	if (strcmp(key, "line") != 0 &&
	    (kl < 5 || strcmp(key + kl - 5, "_line") != 0))
		return;
	if (*val == '\0')
		return;				/* not wired */
	if ((b = board_find(val)) == NULL)
		fail_msg("%s:%d: %s = %s is not a line of %s", INI_FILE, lineno,
		    key, val, BOARD_FILE);
	if ((dir = key_dir(section, key)) == NULL)
		fail_msg("%s:%d: test_wiring.c does not know whether [%s] %s "
		    "is an input or an output: add it to key_dir()", INI_FILE,
		    lineno, section, key);
	if (strcmp(dir, b->dir) != 0)
		fail_msg("%s:%d: [%s] %s needs an %sput, %s is an %sput",
		    INI_FILE, lineno, section, key, dir, val, b->dir);
	if (++b->used > 1)
		fail_msg("%s:%d: %s is used twice", INI_FILE, lineno, val);
}

/* etc/vendd.ini names each board line once, the right way round. */
static void
test_ini_uses_board_lines(void **state)
{
	FILE	*f;
	char	 buf[512], section[64] = "", *line, *eq, *c;
	int	 lineno = 0, nlines = 0;

	(void)state;
	if ((f = fopen(INI_FILE, "r")) == NULL)
		fail_msg("etc/vendd.ini missing (%s)", INI_FILE);
	for (int i = 0; i < nboard; i++)
		board[i].used = 0;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		line = trim(buf);
		if (*line == ';' || *line == '#' || *line == '\0')
			continue;
		if (*line == '[') {
			snprintf(section, sizeof(section), "%.*s",
			    (int)strcspn(line + 1, "]"), line + 1);
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if ((c = strpbrk(eq + 1, ";#")) != NULL)
			*c = '\0';	/* inline comment */
		nlines += strstr(line, "line") != NULL;
		ini_check_line(section, trim(line), trim(eq + 1), lineno);
	}
	fclose(f);
	if (nlines == 0)
		fail_msg("%s: no *_line keys", INI_FILE);
	for (int i = 0; i < nboard; i++)	/* the reference uses it all */
		if (board[i].used == 0 && !board_optional(board[i].name))
			fail_msg("%s: board line %s is not used", INI_FILE,
			    board[i].name);
}

/* No chips: say so naming the line. Chips: list the names they do have. */
static void
test_resolve_unknown_name(void **state)
{
	struct gpio_where	 w;
	char			 err[256];
	glob_t			 g;
	int			 nchips;

	(void)state;
	nchips = glob("/dev/gpiochip*", 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
	globfree(&g);
	assert_int_equal(gpio_resolve("SELECT_Z", &w, err, sizeof(err)), -1);
	if (nchips == 0)
		assert_string_equal(err, "GPIO line \"SELECT_Z\": no GPIO chips "
		    "in /dev (is the overlay loaded / gpio-sim set up?)");
	else
		assert_non_null(strstr(err, "GPIO line \"SELECT_Z\" not found "
		    "on any chip; lines with names: "));
}

/* CHIP:OFFSET on a chip that is not there names both. */
static void
test_resolve_missing_chip(void **state)
{
	struct gpio_where	 w;
	char			 err[256];

	(void)state;
	assert_int_equal(gpio_resolve("gpiochip999:17", &w, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "GPIO line \"gpiochip999:17\": cannot open "
	    "/dev/gpiochip999: No such file or directory");
	assert_int_equal(gpio_resolve("/dev/gpiochip999:3", &w, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open /dev/gpiochip999:"));
}

/* A device that is not a GPIO chip is refused as such. */
static void
test_resolve_not_a_chip(void **state)
{
	struct gpio_where	 w;
	char			 err[256];

	(void)state;
	assert_int_equal(gpio_resolve("/dev/null:3", &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "GPIO line \"/dev/null:3\": cannot open "
	    "/dev/null"));
}

/* A malformed offset is caught before any chip is opened. */
static void
test_resolve_bad_offset(void **state)
{
	static const char *bad[] = {
		"gpiochip0:", "gpiochip0:x", "gpiochip0:-1", "gpiochip0:17a",
		"gpiochip0:+1", "/dev/gpiochip0: 17",
	};
	struct gpio_where	 w;
	char			 err[256], want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gpio_resolve(bad[i], &w, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "GPIO line \"%s\": offset after "
		    "':' must be a number", bad[i]);
		assert_non_null(strstr(err, want));
	}
}

/* Empty and over-long names: the config's mistakes, said plainly. */
static void
test_resolve_empty_and_long(void **state)
{
	struct gpio_where	 w;
	char			 err[256], name[100];

	(void)state;
	assert_int_equal(gpio_resolve("", &w, err, sizeof(err)), -1);
	assert_string_equal(err, "GPIO line name is empty");
	memset(name, 'X', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(gpio_resolve(name, &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name longer than 63 characters"));
}

/* A short buffer gets a NUL-terminated prefix, never an overflow. */
static void
test_resolve_truncates(void **state)
{
	struct gpio_where	 w;
	char			 buf[24];

	(void)state;
	memset(buf, '#', sizeof(buf));
	assert_int_equal(gpio_resolve("SELECT_Z", &w, buf, 16), -1);
	assert_int_equal(strlen(buf), 15);
	assert_memory_equal(buf, "GPIO line \"SELE", 15);
	assert_int_equal(buf[16], '#');
}

/* A request fails with the same message, and nothing to release. */
static void
test_request_reports_resolve_error(void **state)
{
	struct gpio_line_spec	 s = {
		.name = "gpiochip999:17", .dir = GPIO_DIR_INPUT,
		.active_low = 1, .bias = GPIO_BIAS_PULL_UP, .debounce_ms = 5,
	};
	char			 err[256];

	(void)state;
	assert_null(gpio_line_request(&s, "vendd", err, sizeof(err)));
	assert_string_equal(err, "GPIO line \"gpiochip999:17\": cannot open "
	    "/dev/gpiochip999: No such file or directory");
	s.dir = GPIO_DIR_OUTPUT;
	s.name = "SLOT_Z";
	assert_null(gpio_line_request(&s, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "GPIO line \"SLOT_Z\""));
	gpio_line_release(NULL);
}

/*
 * One physical line named two ways (SELECT_A and gpiochip0:5) is one line:
 * compared by the chip's device number and the offset, not by the names or
 * the paths that reached them.
 */
static void
test_same_line(void **state)
{
	struct gpio_where	a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	strcpy(a.chip, "/dev/gpiochip0");
	strcpy(b.chip, "/dev/gpio/by-label/vendd");	/* a symlink to it */
	a.chip_dev = b.chip_dev = 0xfe00;
	a.offset = b.offset = 5;
	assert_true(gpio_same_line(&a, &b));
	b.offset = 6;
	assert_false(gpio_same_line(&a, &b));
	b.offset = 5;
	b.chip_dev = 0xfe01;
	assert_false(gpio_same_line(&a, &b));
	/* device numbers unknown: the paths decide */
	a.chip_dev = b.chip_dev = 0;
	assert_false(gpio_same_line(&a, &b));
	strcpy(b.chip, a.chip);
	assert_true(gpio_same_line(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_board_file_is_sane),
		cmocka_unit_test(test_overlay_names_board_lines),
		cmocka_unit_test(test_overlay_names_unique),
		cmocka_unit_test(test_ini_uses_board_lines),
		cmocka_unit_test(test_resolve_unknown_name),
		cmocka_unit_test(test_resolve_missing_chip),
		cmocka_unit_test(test_resolve_not_a_chip),
		cmocka_unit_test(test_resolve_bad_offset),
		cmocka_unit_test(test_resolve_empty_and_long),
		cmocka_unit_test(test_resolve_truncates),
		cmocka_unit_test(test_request_reports_resolve_error),
		cmocka_unit_test(test_same_line),
	};

	return cmocka_run_group_tests(tests, board_load, NULL);
}
