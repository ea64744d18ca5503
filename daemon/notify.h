/*
 * The systemd notify protocol, spoken directly (sd_notify(3)): one datagram
 * to $NOTIFY_SOCKET. vendd does not link libsystemd, keeping its dependency
 * chain (and mapped memory) small; without $NOTIFY_SOCKET these do nothing.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>

/* Send "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..."; 0 or -1. */
int		notify_send(const char *state);
/* The watchdog interval systemd asked for in microseconds, 0 if none. */
uint64_t	notify_watchdog_usec(void);

#endif
