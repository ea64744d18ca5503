/*
 * vendd's hardware layer over libgpiod v2: name resolution, one request per
 * line, edge reading into a preallocated buffer. The flow follows libgpiod's
 * tools/gpiomon.c. Nothing here logs: errors go back in err or errno.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gpio.h"

#define GPIO_DEV_DIR	"/dev"
#define GPIO_EDGE_CAP	16	/* edges read per call; more wait for the next */
/*
 * Edges the kernel keeps per line while the owner is busy (its default is 16:
 * one 1.00 coin of 10 pulses is 20 edges, and start-up may take a while).
 * 1024 is the kernel's ceiling (GPIO_V2_LINES_MAX * 16).
 */
#define GPIO_KERNEL_EVENTS	1024
#define GPIO_UDEV_HINT	"is vendd in group _vendd? see the udev rule 60-vendd-gpio.rules"

struct gpio_line {
	struct gpiod_line_request	*req;
	struct gpiod_edge_event_buffer	*buf;	/* inputs only */
	unsigned int			 offset;
	int				 dir;
	int				 safe_active;	/* outputs */
	unsigned long			 seqno;	/* last edge's line seqno */
	struct gpio_phase		 phase;	/* level after the last edge */
	char				 name[64];
};

/* A bounded string builder: long lists end in "..." instead of overflowing. */
struct sbuf {
	char	*s;
	size_t	 len, used;
};

/* Append to sb, marking a cut with "..." so a truncated list reads as one. */
static void __attribute__((format(printf, 2, 3)))
sbuf_add(struct sbuf *sb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (sb->len == 0 || sb->used + 1 >= sb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->s + sb->used, sb->len - sb->used, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sb->len - sb->used) {
		sb->used += n;
		return;
	}
	sb->used = sb->len - 1;
	if (sb->len > 4)
		memcpy(sb->s + sb->len - 4, "...", 4);
}

/* The full errno-bearing message for a chip we could not open. */
static void
chip_open_err(const char *line, const char *path, int e, char *err,
    size_t errlen)
{
	const char	*hint = "";

	if (e == EACCES || e == EPERM)
		hint = " (" GPIO_UDEV_HINT ")";
	else if (e == ENODEV || e == ENOTTY)
		hint = " (not a GPIO chip)";
	snprintf(err, errlen, "GPIO line \"%s\": cannot open %s: %s%s", line,
	    path, strerror(e), hint);
}

/* Copy a C string that may be NULL, truncated to fit, always terminated. */
static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t	n = src != NULL ? strnlen(src, len - 1) : 0;

	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

/* Only the /dev/gpiochipN entries: scandir's filter for the name search. */
static int
chip_filter(const struct dirent *d)
{
	return strncmp(d->d_name, "gpiochip", 8) == 0;
}

/* Fill where from the chip and its line info: what --check shows. */
static int
where_fill(struct gpiod_chip *chip, unsigned int off, struct gpio_where *w)
{
	struct gpiod_chip_info	*ci;
	struct gpiod_line_info	*li;

	memset(w, 0, sizeof(*w));
	copy_str(w->chip, sizeof(w->chip), gpiod_chip_get_path(chip));
	w->offset = off;
	if ((ci = gpiod_chip_get_info(chip)) == NULL)
		return -1;
	copy_str(w->label, sizeof(w->label), gpiod_chip_info_get_label(ci));
	gpiod_chip_info_free(ci);
	if ((li = gpiod_chip_get_line_info(chip, off)) == NULL)
		return -1;
	copy_str(w->name, sizeof(w->name), gpiod_line_info_get_name(li));
	copy_str(w->consumer, sizeof(w->consumer),
	    gpiod_line_info_get_consumer(li));
	w->used = gpiod_line_info_is_used(li);
	gpiod_line_info_free(li);
	return 0;
}

/* "gpiochip0:17" or "/dev/gpiochip0:17": the by-position form. */
static int
resolve_offset(const char *name, const char *colon, struct gpio_where *w,
    char *err, size_t errlen)
{
	struct gpiod_chip	*chip;
	struct gpiod_chip_info	*ci;
	char			 path[64], *end;
	unsigned long		 off;
	size_t			 nlines;
	int			 n, rc;

	errno = 0;
	off = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno) {
		snprintf(err, errlen, "GPIO line \"%s\": offset after ':' "
		    "must be a number (CHIP:OFFSET, e.g. gpiochip0:17)", name);
		return -1;
	}
	n = (int)(colon - name);
	rc = snprintf(path, sizeof(path), "%s%.*s", name[0] == '/' ? "" :
	    GPIO_DEV_DIR "/", n, name);
	if (rc < 0 || (size_t)rc >= sizeof(path)) {
		snprintf(err, errlen, "GPIO line \"%s\": chip path too long",
		    name);
		return -1;
	}
	if ((chip = gpiod_chip_open(path)) == NULL) {
		chip_open_err(name, path, errno, err, errlen);
		return -1;
	}
	ci = gpiod_chip_get_info(chip);
	nlines = ci ? gpiod_chip_info_get_num_lines(ci) : 0;
	if (ci != NULL && off >= nlines) {
		snprintf(err, errlen, "GPIO line \"%s\": %s [%s] has %zu lines "
		    "(offsets 0-%zu)", name, path,
		    gpiod_chip_info_get_label(ci), nlines, nlines - 1);
		rc = -1;
	} else if (ci == NULL || where_fill(chip, off, w) == -1) {
		snprintf(err, errlen, "GPIO line \"%s\": cannot read %s: %s",
		    name, path, strerror(errno));
		rc = -1;
	} else
		rc = 0;
	if (ci != NULL)
		gpiod_chip_info_free(ci);
	gpiod_chip_close(chip);
	return rc;
}

/* Append "gpiochip0 [label]: COIN(17) ..." for a chip's named lines. */
static void
list_names(struct gpiod_chip *chip, const char *dev, struct sbuf *sb)
{
	struct gpiod_chip_info	*ci;
	struct gpiod_line_info	*li;
	const char		*s;
	size_t			 i, n;
	int			 first = 1;

	if ((ci = gpiod_chip_get_info(chip)) == NULL)
		return;
	n = gpiod_chip_info_get_num_lines(ci);
	for (i = 0; i < n; i++) {
		if ((li = gpiod_chip_get_line_info(chip, i)) == NULL)
			continue;
		s = gpiod_line_info_get_name(li);
		if (s != NULL && *s != '\0') {
			if (first)
				sbuf_add(sb, "; %s [%s]:", dev,
				    gpiod_chip_info_get_label(ci));
			sbuf_add(sb, " %s(%zu)", s, i);
			first = 0;
		}
		gpiod_line_info_free(li);
	}
	gpiod_chip_info_free(ci);
}

/* The "not found" message: every chip's named lines, so a typo shows. */
static void
name_not_found(const char *name, struct dirent **d, int n, char *err,
    size_t errlen)
{
	struct sbuf		 sb = { err, errlen, 0 };
	struct gpiod_chip	*chip;
	char			 path[300];
	size_t			 start;

	sbuf_add(&sb, "GPIO line \"%s\" not found on any chip; lines with "
	    "names", name);
	start = sb.used;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), GPIO_DEV_DIR "/%s", d[i]->d_name);
		if ((chip = gpiod_chip_open(path)) == NULL)
			continue;
		list_names(chip, d[i]->d_name, &sb);
		gpiod_chip_close(chip);
	}
	if (sb.used == start)
		sbuf_add(&sb, ": none (is the vendd overlay loaded?)");
	else if (errlen > start + 1 && err[start] == ';')
		err[start] = ':';	/* the first chip follows "names:" */
}

/* Search every chip for the line name, as gpioinfo would show it. */
/*
 * Every chip's line names, read once, and the chip kept open: start-up
 * resolves each configured name, then requests it, and opening a chip is a
 * handful of system calls (libgpiod checks the device in sysfs); reading a
 * chip's names is one ioctl per line. Used by the main thread before the
 * activities start, then freed (gpio_forget_names).
 */
struct name_line {		/* sizes as struct gpio_where's */
	char		 name[64];
	char		 consumer[64];
	int		 used;
};
struct name_index {
	int		 nchips;
	char		 chip[16][64];
	char		 label[16][64];
	struct gpiod_chip *open[16];
	unsigned int	 nlines[16];
	struct name_line *lines[16];
};
static struct name_index *name_index;

/* Build the index; a chip that cannot be read is left out (the slow path
 * below then reports it precisely). */
static struct name_index *
name_index_get(void)
{
	struct dirent		**d;
	struct gpiod_chip	*chip;
	struct gpiod_chip_info	*ci;
	struct gpiod_line_info	*li;
	struct name_index	*x;
	char			 path[300];
	int			 n, i;

	if (name_index != NULL)
		return name_index;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	if ((n = scandir(GPIO_DEV_DIR, &d, chip_filter, versionsort)) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), GPIO_DEV_DIR "/%s", d[i]->d_name);
		free(d[i]);
		/* gpiod_chip_open checks the device itself (sysfs): once */
		if (x->nchips == 16 || (chip = gpiod_chip_open(path)) == NULL)
			continue;
		if ((ci = gpiod_chip_get_info(chip)) != NULL) {
			unsigned int	 k = x->nchips, nl;

			nl = (unsigned int)gpiod_chip_info_get_num_lines(ci);
			copy_str(x->label[k], sizeof(x->label[k]),
			    gpiod_chip_info_get_label(ci));
			gpiod_chip_info_free(ci);
			x->lines[k] = calloc(nl ? nl : 1, sizeof(*x->lines[k]));
			for (unsigned int o = 0; x->lines[k] && o < nl; o++) {
				struct name_line *nm = &x->lines[k][o];

				if ((li = gpiod_chip_get_line_info(chip, o)) == NULL)
					continue;
				copy_str(nm->name, sizeof(nm->name),
				    gpiod_line_info_get_name(li));
				copy_str(nm->consumer, sizeof(nm->consumer),
				    gpiod_line_info_get_consumer(li));
				nm->used = gpiod_line_info_is_used(li);
				gpiod_line_info_free(li);
			}
			if (x->lines[k] != NULL) {
				copy_str(x->chip[k], sizeof(x->chip[k]), path);
				x->open[k] = chip;
				x->nlines[k] = nl;
				x->nchips++;
				continue;
			}
		}
		gpiod_chip_close(chip);
	}
	if (n > 0)
		free(d);
	return name_index = x;
}

/* A chip to request from: the index's open one during start-up, else opened. */
static struct gpiod_chip *
chip_borrow(const char *path)
{
	for (int k = 0; name_index != NULL && k < name_index->nchips; k++)
		if (strcmp(name_index->chip[k], path) == 0)
			return name_index->open[k];
	return gpiod_chip_open(path);
}

/* Close a chip chip_borrow() opened; the index keeps its own. */
static void
chip_give_back(struct gpiod_chip *chip)
{
	for (int k = 0; name_index != NULL && k < name_index->nchips; k++)
		if (name_index->open[k] == chip)
			return;
	gpiod_chip_close(chip);
}

/* Start-up is over: the names may change (overlays), and memory is dear. */
void
gpio_forget_names(void)
{
	if (name_index == NULL)
		return;
	for (int k = 0; k < name_index->nchips; k++) {
		free(name_index->lines[k]);
		gpiod_chip_close(name_index->open[k]);
	}
	free(name_index);
	name_index = NULL;
}

/*
 * A name found in the index: fill where from what the index read, no
 * further ioctl (the index lives through start-up only; a request that
 * finds the line busy reads its holder again). 0, or 1 when not there.
 */
static int
resolve_indexed(const char *name, struct gpio_where *w)
{
	struct name_index	*x = name_index_get();

	for (int k = 0; x != NULL && k < x->nchips; k++)
		for (unsigned int o = 0; o < x->nlines[k]; o++) {
			const struct name_line *nm = &x->lines[k][o];

			if (strcmp(nm->name, name) != 0)
				continue;
			memset(w, 0, sizeof(*w));
			copy_str(w->chip, sizeof(w->chip), x->chip[k]);
			copy_str(w->label, sizeof(w->label), x->label[k]);
			copy_str(w->name, sizeof(w->name), nm->name);
			copy_str(w->consumer, sizeof(w->consumer), nm->consumer);
			w->offset = o;
			w->used = nm->used;
			return 0;
		}
	return 1;
}

static int
resolve_name(const char *name, struct gpio_where *w, char *err, size_t errlen)
{
	struct dirent		**d;
	struct gpiod_chip	*chip;
	char			 path[300], bad[300] = "";
	int			 n, i, off = -1, e = 0, nchips = 0;

	if (resolve_indexed(name, w) == 0)
		return 0;
	/* Natural order: gpiochip2 before gpiochip10. */
	if ((n = scandir(GPIO_DEV_DIR, &d, chip_filter, versionsort)) < 0) {
		n = 0;
		d = NULL;
	}
	for (i = 0; i < n && off == -1; i++) {
		snprintf(path, sizeof(path), GPIO_DEV_DIR "/%s", d[i]->d_name);
		if (!gpiod_is_gpiochip_device(path))
			continue;
		nchips++;
		if ((chip = gpiod_chip_open(path)) == NULL) {
			e = errno;
			snprintf(bad, sizeof(bad), "%s", path);
			continue;
		}
		off = gpiod_chip_get_line_offset_from_name(chip, name);
		if (off >= 0 && where_fill(chip, off, w) == -1) {
			snprintf(err, errlen, "GPIO line \"%s\": cannot read "
			    "%s: %s", name, path, strerror(errno));
			off = -2;
		}
		gpiod_chip_close(chip);
	}
	if (off == -1 && nchips == 0)
		snprintf(err, errlen, "GPIO line \"%s\": no GPIO chips in "
		    GPIO_DEV_DIR " (is the overlay loaded / gpio-sim set up?)",
		    name);
	else if (off == -1 && bad[0] != '\0')
		chip_open_err(name, bad, e, err, errlen);
	else if (off == -1)
		name_not_found(name, d, n, err, errlen);
	for (i = 0; i < n; i++)
		free(d[i]);
	free(d);
	return off < 0 ? -1 : 0;
}

/* The chip's device number: two paths to one chip name the same lines. */
static void
where_dev(struct gpio_where *w)
{
	struct stat	sb;

	w->chip_dev = stat(w->chip, &sb) == 0 && S_ISCHR(sb.st_mode) ?
	    (uint64_t)sb.st_rdev : 0;
}

/* One line by any two names: the chip's device and the offset decide. */
int
gpio_same_line(const struct gpio_where *a, const struct gpio_where *b)
{
	if (a->offset != b->offset)
		return 0;
	if (a->chip_dev != 0 && b->chip_dev != 0)
		return a->chip_dev == b->chip_dev;
	return strcmp(a->chip, b->chip) == 0;
}

int
gpio_resolve(const char *name, struct gpio_where *w, char *err, size_t errlen)
{
	const char	*colon;
	int		 rc;

	assert(name != NULL && w != NULL && err != NULL);
	if (*name == '\0') {
		snprintf(err, errlen, "GPIO line name is empty");
		return -1;
	}
	if (strlen(name) >= sizeof(w->name)) {
		snprintf(err, errlen, "GPIO line \"%.20s...\": name longer "
		    "than %zu characters", name, sizeof(w->name) - 1);
		return -1;
	}
	colon = strrchr(name, ':');
	if (colon != NULL && (strncmp(name, "gpiochip", 8) == 0 ||
	    strncmp(name, GPIO_DEV_DIR "/", 5) == 0))
		rc = resolve_offset(name, colon, w, err, errlen);
	else
		rc = resolve_name(name, w, err, errlen);
	if (rc == 0)
		where_dev(w);
	return rc;
}

/* The libgpiod settings for one line as the spec describes it. */
static struct gpiod_line_settings *
settings_new(const struct gpio_line_spec *s)
{
	static const enum gpiod_line_bias bias[] = {
		[GPIO_BIAS_AS_IS] = GPIOD_LINE_BIAS_AS_IS,
		[GPIO_BIAS_PULL_UP] = GPIOD_LINE_BIAS_PULL_UP,
		[GPIO_BIAS_PULL_DOWN] = GPIOD_LINE_BIAS_PULL_DOWN,
		[GPIO_BIAS_DISABLED] = GPIOD_LINE_BIAS_DISABLED,
	};
	struct gpiod_line_settings	*ls;

	assert(s->bias >= GPIO_BIAS_AS_IS && s->bias <= GPIO_BIAS_DISABLED);
	if ((ls = gpiod_line_settings_new()) == NULL)
		return NULL;
	gpiod_line_settings_set_active_low(ls, s->active_low != 0);
	gpiod_line_settings_set_bias(ls, bias[s->bias]);
	if (s->dir == GPIO_DIR_OUTPUT) {
		gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
		gpiod_line_settings_set_output_value(ls, s->safe_active ?
		    GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
		return ls;
	}
	gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_BOTH);
	gpiod_line_settings_set_event_clock(ls, GPIOD_LINE_CLOCK_MONOTONIC);
	if (s->debounce_ms > 0)
		gpiod_line_settings_set_debounce_period_us(ls,
		    (unsigned long)s->debounce_ms * 1000);
	return ls;
}

/* Settings, line config and request config, freed as soon as requested. */
static struct gpiod_line_request *
request_one(struct gpiod_chip *chip, unsigned int off,
    const struct gpio_line_spec *s, const char *consumer)
{
	struct gpiod_line_settings	*ls;
	struct gpiod_line_config	*lc = NULL;
	struct gpiod_request_config	*rc = NULL;
	struct gpiod_line_request	*req = NULL;
	int				 e;

	if ((ls = settings_new(s)) == NULL)
		return NULL;
	if ((lc = gpiod_line_config_new()) == NULL ||
	    gpiod_line_config_add_line_settings(lc, &off, 1, ls) == -1 ||
	    (rc = gpiod_request_config_new()) == NULL)
		goto out;
	gpiod_request_config_set_consumer(rc, consumer);
	if (s->dir == GPIO_DIR_INPUT)
		gpiod_request_config_set_event_buffer_size(rc,
		    GPIO_KERNEL_EVENTS);
	req = gpiod_chip_request_lines(chip, rc, lc);
out:
	e = errno;
	if (rc != NULL)
		gpiod_request_config_free(rc);
	if (lc != NULL)
		gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	errno = e;
	return req;
}

/* Name the line, and when busy who holds it: the operator's first question. */
static void
request_err(const struct gpio_line_spec *s, const struct gpio_where *w, int e,
    char *err, size_t errlen)
{
	if (e == EBUSY)
		snprintf(err, errlen, "GPIO line \"%s\" (%s:%u) is busy: in use "
		    "by \"%s\"", s->name, w->chip, w->offset,
		    w->consumer[0] ? w->consumer : "?");
	else
		snprintf(err, errlen, "GPIO line \"%s\" (%s:%u): cannot request "
		    "as %s: %s", s->name, w->chip, w->offset,
		    s->dir == GPIO_DIR_OUTPUT ? "output" : "input", strerror(e));
}

struct gpio_line *
gpio_line_request(const struct gpio_line_spec *s, const char *consumer,
    char *err, size_t errlen)
{
	struct gpio_where	 w;
	struct gpio_line	*l;
	struct gpiod_chip	*chip;

	assert(s->dir == GPIO_DIR_INPUT || s->dir == GPIO_DIR_OUTPUT);
	if (gpio_resolve(s->name, &w, err, errlen) == -1)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL || (s->dir == GPIO_DIR_INPUT &&
	    (l->buf = gpiod_edge_event_buffer_new(GPIO_EDGE_CAP)) == NULL)) {
		snprintf(err, errlen, "GPIO line \"%s\": %s", s->name,
		    strerror(errno));
		gpio_line_release(l);
		return NULL;
	}
	l->offset = w.offset;
	l->dir = s->dir;
	l->safe_active = s->safe_active != 0;
	snprintf(l->name, sizeof(l->name), "%s", s->name);
	if ((chip = chip_borrow(w.chip)) == NULL)
		chip_open_err(s->name, w.chip, errno, err, errlen);
	else {
		l->req = request_one(chip, w.offset, s, consumer ? consumer :
		    "vendd");
		if (l->req == NULL) {
			int e = errno;

			/* who holds it now, not when the index was read */
			if (e == EBUSY)
				(void)where_fill(chip, w.offset, &w);
			request_err(s, &w, e, err, errlen);
		}
		chip_give_back(chip);	/* the request outlives its chip */
	}
	if (l->req == NULL) {
		gpio_line_release(l);
		return NULL;
	}
	/*
	 * Inputs are read only when the owner's loop saw the fd readable, and
	 * drained until empty: non-blocking, a read says "empty" by itself,
	 * with no poll() before each one on the latency path.
	 */
	if (s->dir == GPIO_DIR_INPUT && fcntl(gpiod_line_request_get_fd(l->req),
	    F_SETFL, O_NONBLOCK) == -1) {
		snprintf(err, errlen, "GPIO line \"%s\": %s", s->name,
		    strerror(errno));
		gpio_line_release(l);
		return NULL;
	}
	return l;
}

int
gpio_line_fd(const struct gpio_line *l)
{
	return gpiod_line_request_get_fd(l->req);
}

int
gpio_line_read_edges(struct gpio_line *l, struct gpio_edge *ev, int max)
{
	struct gpiod_edge_event	*e;
	unsigned long		 seq;
	int			 n, i;

	if (l->buf == NULL || max <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (max > GPIO_EDGE_CAP)
		max = GPIO_EDGE_CAP;
	/* The fd is non-blocking (see gpio_line_request): empty is EAGAIN. */
	n = gpiod_line_request_read_edge_events(l->req, l->buf, max);
	if (n == -1)
		return errno == EAGAIN ? 0 : -1;
	for (i = 0; i < n; i++) {
		e = gpiod_edge_event_buffer_get_event(l->buf, i);
		ev[i].ts_ns = gpiod_edge_event_get_timestamp_ns(e);
		/* line seqnos count every edge: a gap is an overflow */
		seq = gpiod_edge_event_get_line_seqno(e);
		ev[i].lost = l->seqno && seq > l->seqno + 1 ?
		    (uint32_t)(seq - l->seqno - 1) : 0;
		/* the reported direction is the level late: see edge.c */
		ev[i].reported = gpiod_edge_event_get_event_type(e) ==
		    GPIOD_EDGE_EVENT_RISING_EDGE;
		ev[i].seqno = (uint32_t)seq;
		ev[i].active = gpio_phase_edge(&l->phase, ev[i].reported,
		    ev[i].lost, &ev[i].resync);
		l->seqno = seq;
	}
	return n;
}

/* The crash path and release: the level that harms nobody. */
int
gpio_line_set_safe(struct gpio_line *l)
{
	return gpio_line_set(l, l->safe_active);
}

int
gpio_line_set(struct gpio_line *l, int active)
{
	return gpiod_line_request_set_value(l->req, l->offset, active ?
	    GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
}

int
gpio_line_get(struct gpio_line *l)
{
	return gpiod_line_request_get_value(l->req, l->offset);
}

int
gpio_line_suspect(const struct gpio_line *l)
{
	return l->phase.suspect;
}

void
gpio_line_assume(struct gpio_line *l, int level)
{
	gpio_phase_set(&l->phase, level);
}

const char *
gpio_line_name(const struct gpio_line *l)
{
	return l->name;
}

void
gpio_line_release(struct gpio_line *l)
{
	if (l == NULL)
		return;
	if (l->req != NULL && l->dir == GPIO_DIR_OUTPUT)
		(void)gpio_line_set_safe(l);	/* safe state before letting go */
	if (l->req != NULL)
		gpiod_line_request_release(l->req);
	gpiod_edge_event_buffer_free(l->buf);
	free(l);
}
