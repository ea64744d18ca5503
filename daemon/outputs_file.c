/*
 * vendd.outputs: one line per output vendd drives, written once its lines
 * are requested, read by --safe-outputs. Text, so a technician can read it:
 *
 *	# vendd outputs: CHIP:OFFSET ACTIVE_LOW SAFE_ACTIVE KEY
 *	/dev/gpiochip0:23 0 0 [arm] relay_line
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs_file.h"

#define OUTPUTS_HEADER	"# vendd outputs: CHIP:OFFSET ACTIVE_LOW SAFE_ACTIVE KEY"

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

int
outputs_file_write(const char *path, const struct outputs_entry *e, int n,
    char *err, size_t errlen)
{
	char	 tmp[4096];
	FILE	*f;
	int	 bad;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", OUTPUTS_HEADER);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %d %d %s\n", e[i].line, e[i].active_low != 0,
		    e[i].safe_active != 0, e[i].key);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
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

/* One "CHIP:OFFSET ACTIVE_LOW SAFE_ACTIVE KEY" line into e; -1 if malformed. */
static int
outputs_parse_line(char *s, struct outputs_entry *e)
{
	char	*line, *al, *sa, *key, *save = NULL;

	s[strcspn(s, "\n")] = '\0';
	if ((line = strtok_r(s, " ", &save)) == NULL ||
	    (al = strtok_r(NULL, " ", &save)) == NULL ||
	    (sa = strtok_r(NULL, " ", &save)) == NULL ||
	    (key = strtok_r(NULL, "", &save)) == NULL)
		return -1;
	if (strlen(line) >= sizeof(e->line) || strchr(line, ':') == NULL ||
	    strlen(key) >= sizeof(e->key) ||
	    (strcmp(al, "0") != 0 && strcmp(al, "1") != 0) ||
	    (strcmp(sa, "0") != 0 && strcmp(sa, "1") != 0))
		return -1;
	strcpy(e->line, line);
	strcpy(e->key, key);
	e->active_low = al[0] == '1';
	e->safe_active = sa[0] == '1';
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
			    "ACTIVE_LOW SAFE_ACTIVE KEY");
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
