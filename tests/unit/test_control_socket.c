/*
 * control's socket and thread: the socket's creation rules (in a temporary
 * directory), and the control thread's round trips, its loop turned by the
 * test while the test plays vendctl and the owners (control_driver.h).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_driver.h"
#include "control_fixture.h"
#include "msg.h"
#include "proc.h"

/* --- the socket ------------------------------------------------------ */

static char	tmpdir[64];

/* A fresh directory per socket test. */
static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_control.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove what the test left. */
static int
teardown_dir(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Where the test config says the two keys are, as vendd.ini would. */
#define TEST_INI		"/etc/vendd/test.ini"
#define TEST_SOCKET_LINE	17
#define TEST_GROUP_LINE		20

/* The socket's keys: the socket in the test's directory, the group. */
static void
sock_fields(struct config *cf, const char *group)
{
	snprintf(cf->path, sizeof(cf->path), "%s", TEST_INI);
	snprintf(cf->control_socket, sizeof(cf->control_socket),
	    "%s/control.sock", tmpdir);
	snprintf(cf->control_group, sizeof(cf->control_group), "%s", group);
	cf->control_socket_line = TEST_SOCKET_LINE;
	cf->control_group_line = TEST_GROUP_LINE;
}

/* A config with only the socket's keys. */
static void
sock_config(struct config *cf, const char *group)
{
	memset(cf, 0, sizeof(*cf));
	sock_fields(cf, group);
}

/* The error starts with the key's FILE:LINE, as every config error does. */
static void
assert_names_key(const char *err, const char *key, int line)
{
	char	want[128];

	snprintf(want, sizeof(want), "%s:%d: [vendd] %s: ", TEST_INI, line,
	    key);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error does not start with \"%s\": %s", want, err);
}

/* Nothing at the socket's path: a failed listen leaves no file behind. */
static void
assert_no_socket_file(const struct config *cf)
{
	struct stat	st;

	if (lstat(cf->control_socket, &st) == 0)
		fail_msg("%s left behind (mode %o)", cf->control_socket,
		    (unsigned)st.st_mode);
}

/* What main does: the checks that write nothing, then the socket. */
static int
sock_listen(const struct config *cf, char *err, size_t errlen)
{
	struct control_listener	l;

	if (control_prepare(cf, &l, err, errlen) == -1 ||
	    control_listen(cf, &l, err, errlen) == -1)
		return -1;
	return l.fd;
}

/* Mode 0660, non-blocking, close-on-exec, accepting connections. */
static void
test_listen_creates(void **state)
{
	struct config		cf;
	struct sockaddr_un	sun;
	struct stat		st;
	char			err[256];
	int			fd, cfd;

	(void)state;
	sock_config(&cf, "");
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0666);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", cf.control_socket);
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(cfd);

	/* A second daemon must not steal a live socket. */
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, "another vendd"));
	close(fd);

	/* Closed: now it is stale and replaced. */
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("stale socket not replaced: %s", err);
	close(fd);
}

/* A file that is not a socket is never removed. */
static void
test_listen_refuses_file(void **state)
{
	struct config	cf;
	struct stat	st;
	char		err[256];
	int		fd;

	(void)state;
	sock_config(&cf, "");
	fd = open(cf.control_socket, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep\n", 5), 5);
	close(fd);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, "not a socket"));
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 5);

	/* A directory neither. */
	unlink(cf.control_socket);
	assert_int_equal(mkdir(cf.control_socket, 0755), 0);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a socket"));
	rmdir(cf.control_socket);
}

/* Paths that do not fit sun_path, and missing directories, name the key. */
static void
test_listen_bad_paths(void **state)
{
	struct config		cf;
	struct control_listener	l;
	char			err[512];

	(void)state;
	/* The config's buffer is sun_path's size: an unterminated one. */
	sock_config(&cf, "");
	memset(cf.control_socket, 'x', sizeof(cf.control_socket));
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, "too long"));

	cf.control_socket[0] = '\0';
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, "empty"));

	snprintf(cf.control_socket, sizeof(cf.control_socket),
	    "%s/nodir/control.sock", tmpdir);
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_socket", TEST_SOCKET_LINE);
	assert_non_null(strstr(err, cf.control_socket));
	assert_no_socket_file(&cf);
	/* refused by control_prepare, before the ledger writes anything */
	assert_int_equal(control_prepare(&cf, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nodir: "));

	/* A key the file does not set is named as the default. */
	cf.control_socket_line = 0;
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, TEST_INI ": [vendd] control_socket "
	    "(default): "));
}

/* An existing group owns the socket; no group leaves it in vendd's own. */
static void
test_listen_group(void **state)
{
	struct config	cf;
	struct stat	st;
	struct group	*gr;
	char		err[512];
	int		fd;

	(void)state;
	if ((gr = getgrgid(getegid())) == NULL)
		fail_msg("gid %u has no name", (unsigned)getegid());
	sock_config(&cf, gr->gr_name);
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_int_equal(st.st_gid, getegid());
	close(fd);

	sock_config(&cf, "");
	fd = sock_listen(&cf, err, sizeof(err));
	if (fd == -1)
		fail_msg("%s", err);
	assert_int_equal(stat(cf.control_socket, &st), 0);
	assert_int_equal(st.st_gid, getegid());
	close(fd);
}

/*
 * A control_group that does not exist stops start-up with its FILE:LINE,
 * whoever runs vendd: a typo must not lock the operators out in silence.
 */
static void
test_listen_group_missing(void **state)
{
	struct config	cf;
	char		err[512];

	(void)state;
	sock_config(&cf, "no_such_group_vendd");
	assert_int_equal(sock_listen(&cf, err, sizeof(err)), -1);
	assert_names_key(err, "control_group", TEST_GROUP_LINE);
	assert_non_null(strstr(err, "\"no_such_group_vendd\""));
	assert_non_null(strstr(err, "does not exist"));
	assert_no_socket_file(&cf);
}

/*
 * Run the listen in a child that holds no group but its own: as root,
 * the child becomes nobody first. Writes the result to the pipe: the fd (or
 * -1), then the error text.
 */
static void
listen_unprivileged(const struct config *cf, int out)
{
	char	err[512] = "";
	int	fd;

	if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
	    setgid(65534) == -1 || setuid(65534) == -1))
		_exit(2);
	fd = sock_listen(cf, err, sizeof(err));
	if (write(out, &fd, sizeof(fd)) != sizeof(fd) ||
	    write(out, err, strlen(err) + 1) == -1)
		_exit(3);
	_exit(0);
}

/*
 * A socket that cannot be given to control_group (chown refused: vendd is
 * neither root nor a member) stops start-up with the key's FILE:LINE, and
 * leaves no socket file behind.
 */
static void
test_listen_chown_refused(void **state)
{
	struct config	 cf;
	struct group	*gr;
	char		 err[512];
	int		 p[2], fd = -2, status;
	ssize_t		 n;
	pid_t		 pid;

	(void)state;
	/* A group the unprivileged child is not in: root's. */
	if ((gr = getgrgid(0)) == NULL)
		fail_msg("no group with gid 0");
	if (geteuid() != 0 && getegid() == 0)
		skip();		/* a non-root run in group root cannot */
	sock_config(&cf, gr->gr_name);
	assert_int_equal(chmod(tmpdir, 0777), 0);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		listen_unprivileged(&cf, p[1]);
	}
	close(p[1]);
	assert_true(pid > 0);
	assert_int_equal(read(p[0], &fd, sizeof(fd)), sizeof(fd));
	n = read(p[0], err, sizeof(err) - 1);
	err[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (fd != -1)
		fail_msg("listen succeeded although the socket stays in the "
		    "wrong group");
	assert_names_key(err, "control_group", TEST_GROUP_LINE);
	assert_non_null(strstr(err, cf.control_socket));
	assert_non_null(strstr(err, gr->gr_name));
	assert_no_socket_file(&cf);
}

/* --- the control thread: restock and status round trips -------------- */

static struct proc	ctl;
static struct config	ctl_cf;

/* A control thread on a fresh socket, for the three-column machine. */
static int
setup_thread(void **state)
{
	struct group		*gr = getgrgid(getegid());
	struct control_listener	 l;
	char			 err[512];

	if (setup_dir(state) == -1)
		return -1;
	make_config(&ctl_cf);
	sock_fields(&ctl_cf, gr ? gr->gr_name : "");
	if (control_prepare(&ctl_cf, &l, err, sizeof(err)) == -1 ||
	    control_listen(&ctl_cf, &l, err, sizeof(err)) == -1) {
		print_error("%s\n", err);
		return -1;
	}
	control_init(&ctl, &ctl_cf, &l);
	return 0;
}

/* Stop the control thread as MSG_STOP would, and forget its messages. */
static int
teardown_thread(void **state)
{
	ctl.on_stop(&ctl);
	proc_free(&ctl);
	driver_owner_drain();
	return teardown_dir(state);
}

/* The ledger got MSG_RESTOCK for this product and stock, under a request id. */
static struct msg
ledger_got_restock(uint32_t product, int32_t stock)
{
	struct msg	m;

	if (!driver_owner_read(&ctl, PROC_LEDGER, &m, 1000))
		fail_msg("the ledger got no MSG_RESTOCK");
	assert_int_equal(m.hdr.type, MSG_RESTOCK);
	assert_int_not_equal(m.hdr.id, 0);
	assert_int_equal(m.u.restock.product, product);
	assert_int_equal(m.u.restock.stock, stock);
	assert_int_equal(m.u.restock.clear_fault, 1);
	return m;
}

/* The ledger answers a restock: durable at this stock, or not, and why. */
static void
ledger_answers(uint32_t id, uint32_t product, int32_t stock, int err)
{
	struct msg_restock_done	rd;

	memset(&rd, 0, sizeof(rd));
	rd.product = product;
	rd.stock = stock;
	rd.ok = err == 0;
	rd.err = err;
	driver_owner_send(PROC_LEDGER, MSG_RESTOCK_DONE, id, &rd, sizeof(rd));
}

/* The reply's text, for comparing whole. */
static const char *
plain(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/*
 * vendctl(1) says the new stock is in the ledger before the reply: control
 * answers only once the ledger says the record is durable, with the stock.
 */
static void
test_restock_answers_once_durable(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	if (driver_answered(&ctl, fd, 200))
		fail_msg("answered before the ledger made the restock durable");
	ledger_answers(m.hdr.id, 0, 5, 0);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(plain(o),
	    "{\"ok\":true,\"product\":\"cola\",\"stock\":5}");
	json_object_put(o);
}

/* Without a count the ledger fills the column, and the reply says to what. */
static void
test_restock_to_capacity(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock water\n");
	m = ledger_got_restock(1, -1);
	ledger_answers(m.hdr.id, 1, 8, 0);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(plain(o),
	    "{\"ok\":true,\"product\":\"water\",\"stock\":8}");
	json_object_put(o);
}

/* The ledger could not record it: an error that names the product and why. */
static void
test_restock_not_recorded(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	ledger_answers(m.hdr.id, 0, 0, ENOSPC);
	o = driver_reply(&ctl, fd, 1000);
	assert_string_equal(get_str(o, "error"), "restock of cola not "
	    "recorded: the ledger could not write it: No space left on device "
	    "(the stock is unchanged)");
	assert_string_equal(get_str(o, "product"), "cola");
	assert_int_equal(get_int(o, "errno"), ENOSPC);
	json_object_put(o);
}

/*
 * No answer from the ledger: an error after the timeout that says the
 * restock may still be recorded. An answer to another request is not this
 * one's; a late answer is only logged.
 */
static void
test_restock_timeout(void **state)
{
	struct json_object	*o;
	struct msg		 m;
	int			 fd;

	(void)state;
	fd = driver_client(ctl_cf.control_socket, "restock cola 5\n");
	m = ledger_got_restock(0, 5);
	ledger_answers(m.hdr.id + 1, 0, 5, 0);
	if (driver_answered(&ctl, fd, 200))
		fail_msg("answered by another request's answer");
	o = driver_reply(&ctl, fd, 5000);
	assert_non_null(strstr(get_str(o, "error"), "restock of cola: no "
	    "answer from the ledger within 3 s"));
	assert_non_null(strstr(get_str(o, "error"), "vendctl status"));
	json_object_put(o);
	ledger_answers(m.hdr.id, 0, 5, 0);
	driver_pump(&ctl, proc_inbox_rfd(PROC_LEDGER), 100);
}

/* Refused before the ledger hears of it: an unknown id, too many. */
static void
test_restock_refused(void **state)
{
	struct json_object	*o;
	struct msg		 m;

	(void)state;
	o = driver_reply(&ctl, driver_client(ctl_cf.control_socket,
	    "restock nosuch 1\n"), 1000);
	assert_string_equal(get_str(o, "error"), "unknown product \"nosuch\"");
	json_object_put(o);
	o = driver_reply(&ctl, driver_client(ctl_cf.control_socket,
	    "restock cola 11\n"), 1000);
	assert_string_equal(get_str(o, "error"),
	    "count 11 exceeds the capacity 10 of \"cola\"");
	json_object_put(o);
	if (driver_owner_read(&ctl, PROC_LEDGER, &m, 100))
		fail_msg("the ledger got %s", msg_type_name(m.hdr.type));
}

/* The owners a status request asks, and the reply each one sends. */
static const struct {
	int		owner;
	uint16_t	type;
} own[] = {
	{ PROC_SALES, MSG_STATUS_SALES },
	{ PROC_LEDGER, MSG_STATUS_LEDGER },
	{ PROC_COOLING, MSG_STATUS_COOLING },
	{ PROC_COIN, MSG_STATUS_COIN },
	{ PROC_ARM, MSG_STATUS_ARM },
};
#define NOWN	(sizeof(own) / sizeof(own[0]))

/* Every owner was asked for its status, all under one id: that id. */
static uint32_t
owners_asked(void)
{
	struct msg	m;
	uint32_t	id = 0;

	for (size_t i = 0; i < NOWN; i++) {
		if (!driver_owner_read(&ctl, own[i].owner, &m, 1000))
			fail_msg("%s was not asked", proc_name(own[i].owner));
		assert_int_equal(m.hdr.type, MSG_STATUS_REQ);
		assert_int_not_equal(m.hdr.id, 0);
		if (i > 0)
			assert_int_equal(m.hdr.id, id);
		id = m.hdr.id;
	}
	return id;
}

/* Chunk k of owner i's answer (k = 0 for the owners that send one). */
static void
owner_answer(const struct status *s, size_t i, uint32_t k, uint32_t id)
{
	struct msg_status_sales		sa;
	struct msg_status_ledger	le;

	switch (own[i].type) {
	case MSG_STATUS_SALES:
		sales_chunk(&s->sales, k, &sa);
		driver_owner_send(own[i].owner, own[i].type, id, &sa,
		    sizeof(sa));
		break;
	case MSG_STATUS_LEDGER:
		ledger_chunk(&s->ledger, k, &le);
		driver_owner_send(own[i].owner, own[i].type, id, &le,
		    sizeof(le));
		break;
	case MSG_STATUS_COOLING:
		driver_owner_send(own[i].owner, own[i].type, id, &s->cooling,
		    sizeof(s->cooling));
		break;
	case MSG_STATUS_COIN:
		driver_owner_send(own[i].owner, own[i].type, id, &s->coin,
		    sizeof(s->coin));
		break;
	case MSG_STATUS_ARM:
		driver_owner_send(own[i].owner, own[i].type, id, &s->arm,
		    sizeof(s->arm));
		break;
	}
}

/* status asks the five owners under one id and answers when all are in. */
static void
test_status_gathers(void **state)
{
	static struct status	 s;	/* off the stack */
	struct json_object	*o;
	uint32_t		 id;
	int			 fd;

	(void)state;
	make_status(&s);
	fd = driver_client(ctl_cf.control_socket, "status\n");
	id = owners_asked();
	for (size_t i = 0; i < NOWN; i++) {
		if (driver_answered(&ctl, fd, i == 4 ? 0 : 20))
			fail_msg("answered with %zu of 5 owners' replies", i);
		owner_answer(&s, i, 0, id);
	}
	o = driver_reply(&ctl, fd, 1000);
	assert_int_equal(get_int(o, "credit"), 150);
	assert_int_equal(get_int(o, "ledger_seq"), 42);
	json_object_put(o);
}

/*
 * 99 products: sales and the ledger answer in seven chunks each, and the
 * client is answered only once the last chunk of both is in, with the 99th
 * product's stock and counters.
 */
static void
test_status_99_products(void **state)
{
	static struct status	 s;
	struct json_object	*o, *last;
	uint32_t		 id, n = msg_status_chunks(VENDD_MAX_PRODUCTS);
	int			 fd;

	(void)state;
	make_status_full(&s);
	add_products(&ctl_cf, VENDD_MAX_PRODUCTS);
	fd = driver_client(ctl_cf.control_socket, "status\n");
	id = owners_asked();
	for (size_t i = 2; i < NOWN; i++)
		owner_answer(&s, i, 0, id);
	for (uint32_t k = 0; k < n; k++)
		owner_answer(&s, 0, k, id);	/* sales: whole */
	for (uint32_t k = 0; k + 1 < n; k++)
		owner_answer(&s, 1, k, id);	/* the ledger: all but one */
	if (driver_answered(&ctl, fd, 50))
		fail_msg("answered before the ledger's last chunk");
	owner_answer(&s, 1, n - 1, id);
	o = driver_reply(&ctl, fd, 1000);
	assert_int_equal(json_object_array_length(get(o, "products")),
	    VENDD_MAX_PRODUCTS);
	last = json_object_array_get_idx(get(o, "products"), 98);
	assert_string_equal(get_str(last, "id"), "p98");
	assert_int_equal(get_int(last, "stock"), 98);
	assert_int_equal(get_int(o, "counters.products.p98.paid_vends"), 98);
	assert_int_equal(get_int(o, "counters.products.p98.sold_out"), 2098);
	assert_int_equal(get_int(o, "counters.products.cola.paid_value"), 150);
	assert_int_equal(get_int(o, "ledger_seq"), 42);
	json_object_put(o);
}

/*
 * A chunk past the products sales has is a bug in sales: control stops
 * (fatalx), in a child here, rather than answer with a torn status.
 */
static void
test_status_bad_chunk_fatal(void **state)
{
	static struct status	 s;
	struct msg_status_sales	 sa;
	uint32_t		 id;
	int			 fd, status;
	pid_t			 pid;

	(void)state;
	make_status(&s);
	fd = driver_client(ctl_cf.control_socket, "status\n");
	id = owners_asked();
	sales_chunk(&s.sales, 0, &sa);
	sa.count = 4;			/* 4 products of 3 */
	driver_owner_send(PROC_SALES, MSG_STATUS_SALES, id, &sa, sizeof(sa));
	if ((pid = fork()) == 0) {
		driver_answered(&ctl, fd, 500);
		_exit(0);		/* not stopped: the test fails */
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listen_creates,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_refuses_file,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_bad_paths,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_group,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_group_missing,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen_chown_refused,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_restock_answers_once_durable,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_to_capacity,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_not_recorded,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_timeout,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_restock_refused,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_status_gathers,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_status_99_products,
		    setup_thread, teardown_thread),
		cmocka_unit_test_setup_teardown(test_status_bad_chunk_fatal,
		    setup_thread, teardown_thread),
	};

	if (proc_setup_inboxes() == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
