/*
 * The MDB adapter's text protocol (Qibixx MDB Pi HAT, master mode): the
 * request lines, the replies parsed or refused, lines split from what
 * the device returns in pieces, and the device opened raw (a pty here).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "mdb_link.h"

/* Requests: the first byte apart, upper-case hex, one newline. */
static void
test_request(void **state)
{
	uint8_t	poll[] = { 0x0B }, disp[] = { 0x0D, 0x12 };
	uint8_t	vend[] = { 0x13, 0x00, 0x00, 0x96, 0x00, 0x0B };
	uint8_t	big[MDB_MSG_MAX + 1] = { 0 };
	char	buf[MDB_LINE_MAX];

	(void)state;
	assert_int_equal(mdb_link_request(buf, sizeof(buf), poll, 1), 5);
	assert_string_equal(buf, "R,0B\n");
	assert_int_equal(mdb_link_request(buf, sizeof(buf), disp, 2), 8);
	assert_string_equal(buf, "R,0D,12\n");
	mdb_link_request(buf, sizeof(buf), vend, sizeof(vend));
	assert_string_equal(buf, "R,13,000096000B\n");
	assert_int_equal(mdb_link_request(buf, sizeof(buf), poll, 0), -1);
	assert_int_equal(mdb_link_request(buf, sizeof(buf), big, sizeof(big)),
	    -1);
	assert_int_equal(mdb_link_request(buf, 6, disp, 2), -1);
}

/* Replies: ACK, NACK, master mode, data; anything else refused. */
static void
test_parse(void **state)
{
	static const char *bad[] = {
		"p,", "p,0", "p,0G", "p,ACKX", "x,ACK", "", "ACK", "p,1 2",
		"p,00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF0011223344",
	};
	struct mdb_reply r;

	(void)state;
	assert_int_equal(mdb_link_parse("p,ACK", 5, &r), 0);
	assert_int_equal(r.kind, MDB_REPLY_ACK);
	assert_int_equal(mdb_link_parse("p,NACK", 6, &r), 0);
	assert_int_equal(r.kind, MDB_REPLY_NACK);
	assert_int_equal(mdb_link_parse("m,ACK", 5, &r), 0);
	assert_int_equal(r.kind, MDB_REPLY_MODE);
	assert_int_equal(mdb_link_parse("p,0b0012", 8, &r), 0);
	assert_int_equal(r.kind, MDB_REPLY_DATA);
	assert_int_equal(r.len, 3);
	assert_int_equal(r.data[0], 0x0B);
	assert_int_equal(r.data[2], 0x12);
	assert_int_equal(mdb_link_parse("p,03,00,64", 10, &r), 0);
	assert_int_equal(r.len, 3);
	assert_int_equal(r.data[2], 0x64);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mdb_link_parse(bad[i], strlen(bad[i]), &r) != -1)
			fail_msg("\"%s\" taken", bad[i]);
		assert_int_equal(r.kind, MDB_REPLY_OTHER);
	}
}

/* Lines from bytes that come in pieces, CR LF or LF, an overlong one
 * dropped whole. */
static void
test_lines(void **state)
{
	struct mdb_lines l;
	char		 line[MDB_LINE_MAX + 1], big[MDB_LINE_MAX + 8];

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(mdb_lines_add(&l, "p,A", 3), 0);
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), -1);
	assert_int_equal(mdb_lines_add(&l, "CK\r\np,NACK\nm,", 13), 0);
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), 5);
	assert_string_equal(line, "p,ACK");
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), 6);
	assert_string_equal(line, "p,NACK");
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), -1);
	assert_int_equal(mdb_lines_add(&l, "ACK\n", 4), 0);
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), 5);
	assert_string_equal(line, "m,ACK");

	memset(big, 'A', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(mdb_lines_add(&l, big, sizeof(big)), 0);
	assert_int_equal(mdb_lines_next(&l, line, sizeof(line)), 0);
	assert_int_equal(l.len, 0);
	/* more than the buffer holds without a newline: emptied, -1 */
	assert_int_equal(mdb_lines_add(&l, big, sizeof(big) - 1), 0);
	assert_int_equal(mdb_lines_add(&l, big, sizeof(big) - 1), -1);
	assert_int_equal(l.len, 0);
}

/* A pty opens raw at 115200; /dev/null is not a serial port; a missing
 * path is named. */
static void
test_open(void **state)
{
	struct termios	t;
	char		err[256];
	int		m, fd;

	(void)state;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m != -1);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	fd = mdb_link_open(ptsname(m), err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_int_equal(cfgetospeed(&t), B115200);
	assert_int_equal(t.c_lflag & (ICANON | ECHO), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	close(m);
	assert_int_equal(mdb_link_open("/dev/null", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/dev/null: not a serial port"));
	assert_int_equal(mdb_link_open("/nonexistent/ttyMDB", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/ttyMDB: No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
