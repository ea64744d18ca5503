/*
 * The outputs a running vendd drives, kept beside its control socket, so
 * that `vendd --safe-outputs` (systemd's ExecStopPost) drives exactly those
 * lines safe after it ends, even when vendd.ini was edited or broken since.
 */
#ifndef VENDD_OUTPUTS_FILE_H
#define VENDD_OUTPUTS_FILE_H

#include <stddef.h>

#include "vendd.h"

#define OUTPUTS_FILE_NAME	"vendd.outputs"
#define OUTPUTS_LINE_MAX	VENDD_LINE_NAME_MAX	/* "/dev/gpiochip0:23" */

struct outputs_entry {
	char	line[OUTPUTS_LINE_MAX];		/* CHIP:OFFSET, as resolved */
	char	label[64];			/* the chip's label, to tell a
						   renumbered chip */
	int	active_low;
	int	safe_active;			/* 1: the inhibit (block coins) */
	char	key[64];			/* "[arm] relay_line" */
};

/* DIR_OF_SOCKET/vendd.outputs into buf; -1 if it does not fit. */
int	outputs_file_path(const char *control_socket, char *buf, size_t size);

/*
 * Write the entries (a temporary file renamed over PATH), those with
 * safe_active (the inhibit) after the motors; -1 with err.
 */
int	outputs_file_write(const char *path, const struct outputs_entry *,
	    int n, char *err, size_t errlen);

/*
 * Read up to max entries; the count, or -1 with "PATH:LINE: message" in
 * err (errno ENOENT when there is no file).
 */
int	outputs_file_read(const char *path, struct outputs_entry *, int max,
	    char *err, size_t errlen);

#endif
