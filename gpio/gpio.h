/*
 * vendd's hardware layer: the only code that includes <gpiod.h>.
 *
 * A line is named as gpioinfo shows it (searched on every chip) or as
 * CHIP:OFFSET ("gpiochip0:17" or "/dev/gpiochip0:17"). Each line is one
 * libgpiod v2 request, owned by the activity that drives it. Inputs report
 * edges with the kernel's CLOCK_MONOTONIC timestamp; outputs are requested in
 * their inactive (safe) state. Errors come back as -1/NULL with a message in
 * the caller's buffer naming the line; nothing here logs.
 */
#ifndef GPIO_H
#define GPIO_H

#include <stddef.h>
#include <stdint.h>

enum gpio_dir {
	GPIO_DIR_INPUT = 1,
	GPIO_DIR_OUTPUT,
};

enum gpio_bias {		/* same values as config.h's enum line_bias */
	GPIO_BIAS_AS_IS = 0,
	GPIO_BIAS_PULL_UP,
	GPIO_BIAS_PULL_DOWN,
	GPIO_BIAS_DISABLED,
};

struct gpio_line_spec {
	const char	*name;		/* "COIN" or "gpiochip0:17" */
	int		 dir;		/* enum gpio_dir */
	int		 active_low;
	int		 bias;		/* enum gpio_bias */
	int		 debounce_ms;	/* inputs: kernel debounce, 0 = off */
	int		 safe_active;	/* outputs: the safe level, requested at
					 * start and driven at release (a relay:
					 * 0; the coin inhibit: 1, blocked) */
};

/* Where a name resolved: for --check and messages. */
struct gpio_where {
	char		chip[64];	/* "/dev/gpiochip0" */
	char		label[64];	/* the chip's label ("pinctrl-bcm2711") */
	unsigned int	offset;
	char		name[64];	/* the line's name, "" if unnamed */
	char		consumer[64];	/* "" if free */
	int		used;
	uint64_t	chip_dev;	/* the chip's device number, 0 unknown */
};

struct gpio_edge {
	uint64_t	ts_ns;		/* kernel timestamp, CLOCK_MONOTONIC */
	int		active;		/* 1: became active, 0: became inactive */
	int		reported;	/* the kernel's word: 1 active, 0 not */
	uint32_t	seqno;		/* the kernel's line seqno, for logs */
	uint32_t	lost;		/* edges the kernel dropped before this one */
	int		resync;		/* the edge before was a pulse too short
					 * to time: the line never stayed there */
};

/* What a line's edges say its level is (gpio/edge.c). */
struct gpio_phase {
	int		known;		/* an edge or a read has set level */
	int		level;		/* after the last edge */
	int		suspect;	/* the last edge disagreed with the kernel */
};

/* Name an edge from the kernel's reported direction: the level after it. */
int	gpio_phase_edge(struct gpio_phase *, int reported, uint32_t lost,
	    int *resync);

/* Set the level after reading the line (a phase found wrong). */
void	gpio_phase_set(struct gpio_phase *, int level);

struct gpio_line;

/*
 * Find a line by name or CHIP:OFFSET. -1 with a message naming the line (and,
 * when the name is unknown, the names every chip does have) in err.
 */
int	gpio_resolve(const char *name, struct gpio_where *, char *err,
	    size_t errlen);

/* Whether two resolved names are one physical line (chip and offset). */
int	gpio_same_line(const struct gpio_where *, const struct gpio_where *);

/* Free the line-name index start-up builds (gpio_resolve) and close the
 * chips it kept open for the requests; later calls build it again. */
void	gpio_forget_names(void);

/* Request one line for the consumer ("vendd"). Outputs start inactive. */
struct gpio_line *gpio_line_request(const struct gpio_line_spec *,
	    const char *consumer, char *err, size_t errlen);

/* The fd that becomes readable when an input has edge events. */
int	gpio_line_fd(const struct gpio_line *);

/* Read up to max pending edges (non-blocking): count, or -1 with errno. */
int	gpio_line_read_edges(struct gpio_line *, struct gpio_edge *, int max);

/* Drive an output: 1 active, 0 inactive. 0, or -1 with errno. */
int	gpio_line_set(struct gpio_line *, int active);

/* Drive an output to its safe level (spec's safe_active): crash paths. */
int	gpio_line_set_safe(struct gpio_line *);

/* Read a line's logical value: 1, 0, or -1 with errno. */
int	gpio_line_get(struct gpio_line *);

/* Whether the last edge's direction disagreed with the kernel's report
 * (gpio/edge.c): it may have been a spike. */
int	gpio_line_suspect(const struct gpio_line *);

/* The owner read the line itself: later edges start from this level. */
void	gpio_line_assume(struct gpio_line *, int level);

/* The configured name, for log lines. */
const char *gpio_line_name(const struct gpio_line *);

/* Release the line (an output is first driven to its safe level). */
void	gpio_line_release(struct gpio_line *);

#endif
