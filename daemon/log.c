/* Logging in the style of OpenBSD's log.c: stderr, journald adds the time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char	*log_prog = "vendd";
static int		 log_debug_on;
static void		(*log_fatal_hook)(void);
static __thread const char *log_thread = "main";

/* Set the program name and whether debug lines are printed. */
void
log_init(const char *progname, int debug)
{
	log_prog = progname;
	log_debug_on = debug;
}

/* Name the calling thread in its log lines. */
void
log_set_name(const char *thread_name)
{
	log_thread = thread_name;
}

/* Register what fatal() runs before exiting (relays off). */
void
log_set_fatal_hook(void (*hook)(void))
{
	log_fatal_hook = hook;
}

/* Format one line into a single fputs so threads never interleave within it. */
static void
log_vline(const char *level, const char *errstr, const char *fmt, va_list ap)
{
	char	msg[512], line[700];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errstr)
		snprintf(line, sizeof(line), "%s[%s]: %s%s: %s\n", log_prog,
		    log_thread, level, msg, errstr);
	else
		snprintf(line, sizeof(line), "%s[%s]: %s%s\n", log_prog,
		    log_thread, level, msg);
	fputs(line, stderr);
}

/* A warning with the current errno's text. */
void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vline("", strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* A warning without errno. */
void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("", NULL, fmt, ap);
	va_end(ap);
}

/* Normal operation: coins, sales, compressor changes. */
void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("", NULL, fmt, ap);
	va_end(ap);
}

/* Whether -d is on: a caller skips formatting what nobody would read. */
int
log_debugging(void)
{
	return log_debug_on;
}

/* Detail for a technician chasing a problem (-d). */
void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vline("debug: ", NULL, fmt, ap);
	va_end(ap);
}

/* Run the safety hook once, then exit non-zero so systemd restarts us. */
static void __attribute__((noreturn))
log_die(void)
{
	static int	dying;

	if (!__atomic_exchange_n(&dying, 1, __ATOMIC_SEQ_CST) && log_fatal_hook)
		log_fatal_hook();
	_exit(1);	/* other threads still run: no atexit teardown */
}

/* An unrecoverable error with errno's text. */
void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vline("fatal: ", strerror(saved), fmt, ap);
	va_end(ap);
	log_die();
}

/* An unrecoverable error or a broken invariant. */
void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline("fatal: ", NULL, fmt, ap);
	va_end(ap);
	log_die();
}
