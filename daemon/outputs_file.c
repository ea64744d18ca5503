/*
 * vendd.outputs: one line per output vendd drives, written once its lines
 * are requested, read by --safe-outputs. Text, so a technician can read it,
 * its fields separated by tabs (a chip's label may hold spaces):
 *
 *	# vendd outputs: CHIP:OFFSET LABEL ACTIVE_LOW SAFE_ACTIVE KEY
 *	/dev/gpiochip0:23	pinctrl-bcm2711	0	0	[arm] relay_line
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs_file.h"

#define OUTPUTS_HEADER	"# vendd outputs: CHIP:OFFSET LABEL ACTIVE_LOW SAFE_ACTIVE KEY"

int
outputs_file_path(const char *control_socket, char *buf, size_t size)
{
	const char	*slash = strrchr(control_socket, '/');
	int		 dirlen = slash == NULL ? 1 : (int)(slash - control_socket);
	const char	*dir = slash == NULL ? "." : control_socket;
	int		 n;

	if (slash == control_socket)
		dirlen = 0;		/* "/x.sock": the root directory */
	n = snprintf(buf, size, "%.*s/%s", dirlen, dir, OUTPUTS_FILE_NAME);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Can the text stand in one tab-separated field? */
static int
outputs_field_ok(const char *s)
{
	return s[0] != '\0' && strpbrk(s, "\t\n") == NULL;
}

int
outputs_file_write(const char *path, const struct outputs_entry *e, int n,
    char *err, size_t errlen)
{
	char	 tmp[4096];
	FILE	*f;
	int	 bad;

	for (int i = 0; i < n; i++)
		if (!outputs_field_ok(e[i].line) || !outputs_field_ok(e[i].label) ||
		    !outputs_field_ok(e[i].key)) {
			snprintf(err, errlen, "%s: %s: a tab or a newline in "
			    "its line, chip label or key", path, e[i].key);
			return -1;
		}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", OUTPUTS_HEADER);
	/* The motors first, the inhibit last, as --safe-outputs drives them. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++)
			if ((e[i].safe_active != 0) == pass)
				fprintf(f, "%s\t%s\t%d\t%d\t%s\n", e[i].line,
				    e[i].label, e[i].active_low != 0,
				    e[i].safe_active != 0, e[i].key);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: cannot write it", tmp);
		unlink(tmp);
		return -1;
	}
	/* Renamed into place: a reader sees the old list or the new one. */
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* One "CHIP:OFFSET LABEL ACTIVE_LOW SAFE_ACTIVE KEY" line (tabs) into e. */
static int
outputs_parse_line(char *s, struct outputs_entry *e)
{
	char	*f[5], *save = NULL;

	s[strcspn(s, "\n")] = '\0';
	for (int i = 0; i < 5; i++)
		if ((f[i] = strtok_r(i == 0 ? s : NULL, i < 4 ? "\t" : "",
		    &save)) == NULL)
			return -1;
	if (strlen(f[0]) >= sizeof(e->line) || strchr(f[0], ':') == NULL ||
	    strlen(f[1]) >= sizeof(e->label) || strlen(f[4]) >= sizeof(e->key) ||
	    (strcmp(f[2], "0") != 0 && strcmp(f[2], "1") != 0) ||
	    (strcmp(f[3], "0") != 0 && strcmp(f[3], "1") != 0))
		return -1;
	strcpy(e->line, f[0]);
	strcpy(e->label, f[1]);
	strcpy(e->key, f[4]);
	e->active_low = f[2][0] == '1';
	e->safe_active = f[3][0] == '1';
	return 0;
}

int
outputs_file_read(const char *path, struct outputs_entry *e, int max,
    char *err, size_t errlen)
{
	char	 buf[256];
	FILE	*f;
	int	 n = 0, lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		int	saved = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		errno = saved;
		return -1;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		if (lineno == 1 && strncmp(buf, OUTPUTS_HEADER,
		    strlen(OUTPUTS_HEADER)) == 0)
			continue;
		if (n == max || outputs_parse_line(buf, &e[n]) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, n ==
			    max ? "too many outputs" : "not CHIP:OFFSET "
			    "LABEL ACTIVE_LOW SAFE_ACTIVE KEY");
			fclose(f);
			errno = EINVAL;
			return -1;
		}
		n++;
	}
	fclose(f);
	if (lineno == 0) {
		snprintf(err, errlen, "%s: empty", path);
		errno = EINVAL;
		return -1;
	}
	return n;
}
