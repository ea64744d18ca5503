/*
 * keypad: the thread shell around the keypad core (daemon/keypad_core.h).
 * It owns the evdev device: reads its keys with libevdev, and when the
 * device is unplugged, looks for it again every retry_s until it returns.
 */
#ifndef KEYPAD_H
#define KEYPAD_H

#include <stddef.h>

#include "config.h"

struct proc;

/*
 * Open the keypad: a device starting with '/' is opened as that path,
 * otherwise the first /dev/input/event* (in number order) whose input name
 * equals device. Returns the fd (O_RDONLY | O_NONBLOCK | O_CLOEXEC) with its
 * path in path_out, or -1 with a message naming the device and what was
 * found in err. Start-up (main.c) and `vendd --check` call it.
 */
int	keypad_open(const char *device, char *path_out, size_t pathlen,
	    char *err, size_t errlen);

/* Set up the keypad thread on fd from keypad_open; -1: no keypad. */
void	keypad_init(struct proc *, const struct config *, int fd);

#endif
