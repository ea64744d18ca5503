/* Request one configured line; see line_request.h. */
#include <stdio.h>
#include <string.h>

#include "gpio.h"
#include "line_request.h"

/* The spec the key describes, the consumer "vendd", the key named on error. */
struct gpio_line *
line_request(const struct config *cf, const struct line_conf *lc, int dir,
    int safe_active, char *err, size_t errlen)
{
	struct gpio_line_spec	 spec;
	struct gpio_line	*l;
	char			 gerr[1024];

	memset(&spec, 0, sizeof(spec));
	spec.name = lc->name;
	spec.dir = dir;
	spec.active_low = lc->active_low;
	spec.bias = lc->bias;
	spec.debounce_ms = dir == GPIO_DIR_INPUT ? lc->debounce_ms : 0;
	spec.safe_active = safe_active;
	if ((l = gpio_line_request(&spec, "vendd", gerr, sizeof(gerr))) == NULL)
		snprintf(err, errlen, "%s:%d: %s: %s", cf->path, lc->lineno,
		    lc->key, gerr);
	return l;
}
