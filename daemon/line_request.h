/*
 * One configured GPIO line requested as its key says (direction, polarity,
 * bias, kernel debounce for inputs), an error naming FILE:LINE and the key:
 * what start-up and --safe-outputs both need.
 */
#ifndef LINE_REQUEST_H
#define LINE_REQUEST_H

#include <stddef.h>

#include "config.h"

struct gpio_line;

/* The line, or NULL with "FILE:LINE: KEY: why" in err. safe_active: the
 * output's safe level is its active one (the coin inhibit). */
struct gpio_line *line_request(const struct config *, const struct line_conf *,
	    int dir, int safe_active, char *err, size_t errlen);

#endif
