/*
 * control's listening socket, made at start-up by main before any thread
 * exists: its path, the group that may change things (control_group), a
 * stale socket from an earlier run, then bind and listen. Every refusal
 * names the config key with FILE:LINE and leaves no socket file behind.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

#define CONTROL_GROUPS_MAX	256	/* vendd's own supplementary groups */
#define CONTROL_GROUP_BUF_MAX	(1024 * 1024)	/* getgrnam_r: members' names */

/*
 * An error about a [vendd] key of the config: "FILE:LINE: [vendd] KEY: "
 * and the message, so start-up names the key to fix like every config error.
 */
static void __attribute__((format(printf, 6, 7)))
control_key_error(const struct config *cf, const char *key, int lineno,
    char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	char	where[VENDD_PATH_MAX + 64];
	int	n;

	config_where(cf, "vendd", key, lineno, where, sizeof(where));
	n = snprintf(err, errlen, "%s: ", where);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* An error about the socket: names [vendd] control_socket and the path. */
#define control_socket_error(cf, err, errlen, fmt, ...)			\
	control_key_error((cf), "control_socket", (cf)->control_socket_line, \
	    (err), (errlen), "%s: " fmt, (cf)->control_socket, __VA_ARGS__)

/* An error about the group: names [vendd] control_group. */
#define control_group_error(cf, err, errlen, ...)			\
	control_key_error((cf), "control_group", (cf)->control_group_line, \
	    (err), (errlen), __VA_ARGS__)

/* The socket's address from control_socket; -1 if it does not fit. */
static int
control_address(const struct config *cf, struct sockaddr_un *sun,
    char *err, size_t errlen)
{
	size_t	len = strnlen(cf->control_socket, sizeof(cf->control_socket));

	memset(sun, 0, sizeof(*sun));
	if (len == 0 || len >= sizeof(sun->sun_path)) {
		control_key_error(cf, "control_socket", cf->control_socket_line,
		    err, errlen, "\"%.*s\": path empty or too long (at most "
		    "%zu bytes)", (int)len, cf->control_socket,
		    sizeof(sun->sun_path) - 1);
		return -1;
	}
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, cf->control_socket, len);
	return 0;
}

/* A non-blocking Unix stream socket; -1 with err naming the key. */
static int
control_new_socket(const struct config *cf, char *err, size_t errlen)
{
	int	fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		control_socket_error(cf, err, errlen, "socket: %s",
		    strerror(errno));
	return fd;
}

/* Remove a socket left by a previous run; refuse anything else at the path. */
static int
control_unlink_stale(const struct config *cf, const struct sockaddr_un *sun,
    char *err, size_t errlen)
{
	const char	*path = cf->control_socket;
	struct stat	 st;
	int		 fd, live;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		control_socket_error(cf, err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		control_socket_error(cf, err, errlen, "%s", "exists and is not "
		    "a socket, refusing to remove it");
		return -1;
	}
	/* A socket someone answers on belongs to a running vendd. */
	if ((fd = control_new_socket(cf, err, errlen)) == -1)
		return -1;
	/* EAGAIN: a full backlog, still someone's. */
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno == EAGAIN;
	close(fd);
	if (live) {
		control_socket_error(cf, err, errlen, "%s", "another vendd is "
		    "listening there");
		return -1;
	}
	if (unlink(path) == -1) {
		control_socket_error(cf, err, errlen, "cannot remove the stale "
		    "socket: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The gid of control_group (NSS: /etc/group or a directory service), before
 * the socket exists, so a missing group leaves nothing behind. The buffer
 * grows for a group with many members. 0, or -1 with err filled.
 */
static int
control_group_gid(const struct config *cf, gid_t *gid, char *err,
    size_t errlen)
{
	struct group	 gr, *res = NULL;
	size_t		 size = 4096;
	char		*buf = NULL;
	int		 rc;

	do {
		free(buf);
		if ((buf = malloc(size)) == NULL)
			fatal("control: group lookup");
		rc = getgrnam_r(cf->control_group, &gr, buf, size, &res);
		size *= 2;
	} while (rc == ERANGE && size <= CONTROL_GROUP_BUF_MAX);
	if (res != NULL)
		*gid = gr.gr_gid;
	free(buf);
	if (res != NULL)
		return 0;
	if (rc == 0 || rc == ENOENT || rc == ESRCH)
		control_group_error(cf, err, errlen, "group \"%s\" does not "
		    "exist (create it, or leave control_group empty so that "
		    "only root may restock)", cf->control_group);
	else
		control_group_error(cf, err, errlen, "looking up group \"%s\": "
		    "%s", cf->control_group, strerror(rc));
	return -1;
}

/*
 * Give the socket to control_group. Refused (vendd is neither root nor a
 * member of the group) is an error whoever runs vendd: the socket would
 * stay in vendd's own group, open to the wrong people or to nobody.
 */
static int
control_chown_group(const struct config *cf, gid_t gid, char *err,
    size_t errlen)
{
	if (chown(cf->control_socket, (uid_t)-1, gid) == 0)
		return 0;
	control_group_error(cf, err, errlen, "cannot give the socket %s to "
	    "group \"%s\": %s (vendd, uid %u, must be root or a member of "
	    "the group)", cf->control_socket, cf->control_group,
	    strerror(errno), (unsigned)geteuid());
	return -1;
}

/* Whether this process may give a file to gid: root, or one of its groups. */
static int
control_in_group(gid_t gid)
{
	gid_t	groups[CONTROL_GROUPS_MAX];
	int	n;

	if (geteuid() == 0 || getegid() == gid)
		return 1;
	if ((n = getgroups(CONTROL_GROUPS_MAX, groups)) == -1)
		return 0;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/*
 * The socket's directory exists and vendd may make files in it: a typo in
 * control_socket is refused before the ledger writes anything.
 */
static int
control_check_dir(const struct config *cf, char *err, size_t errlen)
{
	char	dir[sizeof(cf->control_socket)], *slash;

	memcpy(dir, cf->control_socket, sizeof(dir));
	dir[sizeof(dir) - 1] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';			/* "/x.sock": the root */
	else
		*slash = '\0';
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0)
		return 0;
	control_socket_error(cf, err, errlen, "directory %s: %s", dir,
	    strerror(errno));
	return -1;
}

/*
 * Everything about the socket that can be refused without making it: the
 * path and its directory, the group (it exists, and vendd may give the socket to it), a stale
 * socket removed. main calls it before the ledger writes anything, so that
 * a start refused here leaves nothing behind; it records the group for the
 * restock checks.
 */
int
control_prepare(const struct config *cf, struct control_listener *l,
    char *err, size_t errlen)
{
	struct sockaddr_un	sun;

	l->fd = -1;
	l->have_group = 0;
	if (control_address(cf, &sun, err, errlen) == -1 ||
	    control_check_dir(cf, err, errlen) == -1)
		return -1;
	if (cf->control_group[0] != '\0') {
		if (control_group_gid(cf, &l->gid, err, errlen) == -1)
			return -1;
		if (!control_in_group(l->gid)) {
			control_group_error(cf, err, errlen, "vendd (uid %u) is "
			    "not a member of group \"%s\", so it cannot give "
			    "its socket %s to it (the unit's "
			    "SupplementaryGroups= names it)", (unsigned)geteuid(),
			    cf->control_group, cf->control_socket);
			return -1;
		}
		l->have_group = 1;
	}
	return control_unlink_stale(cf, &sun, err, errlen);
}

/*
 * Bind the socket: mode 0666, group control_group (empty: vendd's own
 * group, and only root may change things), after control_prepare. Anyone
 * on the machine may read the status, the audit and the events (a fleet
 * uplink needs no operator's rights); what changes the machine is checked
 * per request against the peer's credentials (control_socket.c). A
 * failure leaves no socket file behind.
 */
int
control_listen(const struct config *cf, struct control_listener *l,
    char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd;

	if (control_address(cf, &sun, err, errlen) == -1)
		return -1;
	if ((fd = control_new_socket(cf, err, errlen)) == -1)
		return -1;
	/* Nobody can connect before listen(): set the mode in between. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		control_socket_error(cf, err, errlen, "bind: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (chmod(cf->control_socket, 0666) == -1) {
		control_socket_error(cf, err, errlen, "chmod: %s",
		    strerror(errno));
		goto fail;
	}
	if (l->have_group &&
	    control_chown_group(cf, l->gid, err, errlen) == -1)
		goto fail;
	if (listen(fd, 16) == -1) {
		control_socket_error(cf, err, errlen, "listen: %s",
		    strerror(errno));
		goto fail;
	}
	l->fd = fd;
	return 0;
fail:
	close(fd);
	unlink(cf->control_socket);
	return -1;
}
