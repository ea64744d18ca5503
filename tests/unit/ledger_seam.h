/*
 * The ledger store's I/O seam (struct ledger_io) for the ledger's unit
 * tests, with one kind of call failing: the calls of kind t_fail_op on a
 * file opened under the name t_fail_name (any file if NULL) fail with
 * t_fail_err, after t_fail_skip of them succeed, at most t_fail_times
 * times (-1: until cleared). t_calls counts those calls.
 */
#ifndef LEDGER_SEAM_H
#define LEDGER_SEAM_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger.h"

enum { T_NONE, T_OPENAT, T_PWRITE, T_FSYNC, T_FDATASYNC, T_RENAME, T_MKDIR };
static int		 t_fail_op, t_fail_err, t_fail_skip, t_fail_times;
static int		 t_calls;
static const char	*t_fail_name;
static char		 t_fd_name[1024][32];	/* what each fd was opened as */

/* Whether this call (op on fd's file, or on name) is one to fail. */
static inline int
t_fails(int op, int fd, const char *name)
{
	if (op != t_fail_op)
		return 0;
	if (name == NULL)
		name = fd >= 0 && fd < 1024 ? t_fd_name[fd] : "";
	if (t_fail_name != NULL && strcmp(name, t_fail_name) != 0)
		return 0;
	t_calls++;
	if (t_fail_skip > 0) {
		t_fail_skip--;
		return 0;
	}
	if (t_fail_times == 0)
		return 0;
	if (t_fail_times > 0)
		t_fail_times--;
	errno = t_fail_err;
	return 1;
}

/* openat through the seam: remembers the name of the fd. */
static inline int
t_openat(int dirfd, const char *name, int flags, ...)
{
	va_list	ap;
	mode_t	mode = 0;
	int	fd;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (t_fails(T_OPENAT, -1, name))
		return -1;
	if ((fd = openat(dirfd, name, flags, mode)) >= 0 && fd < 1024)
		snprintf(t_fd_name[fd], sizeof(t_fd_name[fd]), "%s", name);
	return fd;
}

/* pwrite through the seam. */
static inline ssize_t
t_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return t_fails(T_PWRITE, fd, NULL) ? -1 : pwrite(fd, buf, len, off);
}

/* fsync through the seam. */
static inline int
t_fsync(int fd)
{
	return t_fails(T_FSYNC, fd, NULL) ? -1 : fsync(fd);
}

/* fdatasync through the seam. */
static inline int
t_fdatasync(int fd)
{
	return t_fails(T_FDATASYNC, fd, NULL) ? -1 : fdatasync(fd);
}

/* renameat through the seam (the name is the old one). */
static inline int
t_renameat(int fd1, const char *from, int fd2, const char *to)
{
	return t_fails(T_RENAME, -1, from) ? -1 : renameat(fd1, from, fd2, to);
}

/* mkdir through the seam. */
static inline int
t_mkdir(const char *path, mode_t mode)
{
	return t_fails(T_MKDIR, -1, path) ? -1 : mkdir(path, mode);
}

/* close through the seam: forgets the name. */
static inline int
t_close(int fd)
{
	if (fd >= 0 && fd < 1024)
		t_fd_name[fd][0] = '\0';
	return close(fd);
}

static const struct ledger_io t_io = {
	.openat = t_openat,
	.pwrite = t_pwrite,
	.fsync = t_fsync,
	.fdatasync = t_fdatasync,
	.renameat = t_renameat,
	.unlinkat = unlinkat,
	.mkdir = t_mkdir,
	.close = t_close,
};

/* From now on, op on the file named name (NULL: any) fails with err, after
 * skip successes, times times (-1: until t_fail_clear). */
static inline void
t_fail(int op, const char *name, int err, int skip, int times)
{
	t_fail_op = op;
	t_fail_name = name;
	t_fail_err = err;
	t_fail_skip = skip;
	t_fail_times = times;
	t_calls = 0;
	ledger_set_io(&t_io);
}

/* Every call succeeds again (still through the seam). */
static inline void
t_fail_clear(void)
{
	t_fail_op = T_NONE;
}

#endif
