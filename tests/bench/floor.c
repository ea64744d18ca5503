/*
 * floor: the least a vend responder can do, the bench's yardstick. One
 * thread, libgpiod v2: the vend button as an input with edge detection, the
 * arm relay as an output; each edge sets the relay to the button's state
 * (pressed: relay on; released: relay off, ready for the next round). No
 * ledger, no messages, no event loop: the latency floor of the GPIO path.
 *
 * usage: floor CHIP VEND_OFFSET ARM_OFFSET
 *
 * Prints "floor: ready" once both lines are held; runs until SIGTERM.
 */
#include <gpiod.h>

#include "simlib.h"

int
main(int argc, char **argv)
{
	struct gpiod_chip		*chip;
	struct gpiod_line_settings	*in, *out;
	struct gpiod_line_config	*lc;
	struct gpiod_request_config	*rc;
	struct gpiod_line_request	*req;
	struct gpiod_edge_event_buffer	*buf;
	struct gpiod_edge_event		*ev;
	unsigned int			 vend, arm;
	int				 n;

	if (argc != 4) {
		fprintf(stderr, "usage: floor CHIP VEND_OFFSET ARM_OFFSET\n");
		return 2;
	}
	vend = (unsigned int)sim_num(argv[2], "VEND_OFFSET", 1023);
	arm = (unsigned int)sim_num(argv[3], "ARM_OFFSET", 1023);
	if ((chip = gpiod_chip_open(argv[1])) == NULL)
		sim_die("%s: %s", argv[1], strerror(errno));
	in = gpiod_line_settings_new();
	out = gpiod_line_settings_new();
	lc = gpiod_line_config_new();
	rc = gpiod_request_config_new();
	buf = gpiod_edge_event_buffer_new(1);
	if (!in || !out || !lc || !rc || !buf)
		sim_die("alloc: %s", strerror(errno));
	/* The button: to ground with a pull-up, so active low. */
	gpiod_line_settings_set_direction(in, GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_edge_detection(in, GPIOD_LINE_EDGE_BOTH);
	gpiod_line_settings_set_active_low(in, true);
	gpiod_line_settings_set_bias(in, GPIOD_LINE_BIAS_PULL_UP);
	gpiod_line_settings_set_direction(out, GPIOD_LINE_DIRECTION_OUTPUT);
	gpiod_line_settings_set_output_value(out, GPIOD_LINE_VALUE_INACTIVE);
	if (gpiod_line_config_add_line_settings(lc, &vend, 1, in) == -1 ||
	    gpiod_line_config_add_line_settings(lc, &arm, 1, out) == -1)
		sim_die("line config: %s", strerror(errno));
	gpiod_request_config_set_consumer(rc, "floor");
	if ((req = gpiod_chip_request_lines(chip, rc, lc)) == NULL)
		sim_die("request lines: %s", strerror(errno));
	printf("floor: ready\n");
	fflush(stdout);
	for (;;) {
		/* Blocks in read() until the kernel has an edge. */
		if ((n = gpiod_line_request_read_edge_events(req, buf, 1)) < 0) {
			if (errno == EINTR)
				continue;
			sim_die("read edge: %s", strerror(errno));
		}
		if (n == 0)
			continue;
		ev = gpiod_edge_event_buffer_get_event(buf, 0);
		if (gpiod_line_request_set_value(req, arm,
		    gpiod_edge_event_get_event_type(ev) ==
		    GPIOD_EDGE_EVENT_RISING_EDGE ? GPIOD_LINE_VALUE_ACTIVE :
		    GPIOD_LINE_VALUE_INACTIVE) == -1)
			sim_die("set arm: %s", strerror(errno));
	}
}
