/* vendd's logging: one line per event on stderr, tagged with the thread's name. */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

void	log_init(const char *progname, int debug);
void	log_set_name(const char *thread_name);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
int	log_debugging(void);
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Called by fatal() before exit, so outputs go to their safe state. */
void	log_set_fatal_hook(void (*hook)(void));

#endif
