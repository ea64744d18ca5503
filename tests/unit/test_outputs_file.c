/*
 * vendd.outputs: what a running vendd drives, read back by --safe-outputs.
 * A round trip, the path beside the socket, and every malformed file
 * refused with PATH:LINE rather than half-read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "outputs_file.h"

static char	dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vendd-outputs-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, OUTPUTS_FILE_NAME);
	return 0;
}

static int
teardown(void **state)
{
	char	tmp[160];

	(void)state;
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
	return 0;
}

/* Write FILE's text as is. */
static void
put(const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_path_beside_socket(void **state)
{
	char	buf[64];

	(void)state;
	assert_int_equal(outputs_file_path("/run/vendd/control.sock", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/run/vendd/vendd.outputs");
	assert_int_equal(outputs_file_path("/x.sock", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/vendd.outputs");
	assert_int_equal(outputs_file_path("x.sock", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "./vendd.outputs");
	assert_int_equal(outputs_file_path("/a/very/long/directory/name/that/"
	    "does/not/fit/control.sock", buf, 16), -1);
}

static void
test_round_trip(void **state)
{
	/* Written motors first, the inhibit last, whatever the order given. */
	struct outputs_entry	out[3] = {
		{ "/dev/gpiochip3:27", "gpio sim", 0, 1, "[coin] inhibit_line" },
		{ "/dev/gpiochip0:23", "pinctrl-bcm2711", 0, 0,
		    "[arm] relay_line" },
		{ "/dev/gpiochip0:20", "pinctrl-bcm2711", 1, 0,
		    "[cooling] compressor_line" },
	}, in[8];
	static const int	order[3] = { 1, 2, 0 };
	char			err[256];

	(void)state;
	assert_int_equal(outputs_file_write(path, out, 3, err, sizeof(err)), 0);
	assert_int_equal(outputs_file_read(path, in, 8, err, sizeof(err)), 3);
	for (int i = 0; i < 3; i++) {
		const struct outputs_entry *o = &out[order[i]];

		assert_string_equal(in[i].line, o->line);
		assert_string_equal(in[i].label, o->label);
		assert_string_equal(in[i].key, o->key);
		assert_int_equal(in[i].active_low, o->active_low);
		assert_int_equal(in[i].safe_active, o->safe_active);
	}
	/* Too many for the reader's room: refused, not cut short. */
	assert_int_equal(outputs_file_read(path, in, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":4: too many outputs"));
}

static void
test_tab_in_field_refused(void **state)
{
	struct outputs_entry	out[1] = {
		{ "/dev/gpiochip0:23", "bad\tlabel", 0, 0, "[arm] relay_line" },
	};
	char			err[256];

	(void)state;
	assert_int_equal(outputs_file_write(path, out, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[arm] relay_line"));
	assert_int_equal(access(path, F_OK), -1);
}

static void
test_missing_is_enoent(void **state)
{
	struct outputs_entry	in[2];
	char			err[256];

	(void)state;
	assert_int_equal(outputs_file_read(path, in, 2, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, path));
}

static void
test_malformed_refused(void **state)
{
	static const char *bad[] = {
		"",					/* empty */
		"garbage\n",				/* no header, no fields */
		"/dev/gpiochip0:23\tchip\t0\t0\n",	/* no key */
		"/dev/gpiochip0:23\tchip\t2\t0\t[arm] relay_line\n",
		"ARM\tchip\t0\t0\t[arm] relay_line\n",	/* not CHIP:OFFSET */
		"/dev/gpiochip0:23 chip 0 0 [arm] relay_line\n", /* no tabs */
	};
	struct outputs_entry	in[4];
	char			err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i]);
		assert_int_equal(outputs_file_read(path, in, 4, err,
		    sizeof(err)), -1);
		assert_int_equal(errno, EINVAL);
		assert_non_null(strstr(err, path));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_beside_socket),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_in_field_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_is_enoent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
