/*
 * cooling: owns the compressor relay and the temperature sensor file. A
 * thermostat with compressor protection (min on, min off, start delay) and a
 * fallback duty cycle while the sensor is faulty.
 */
#ifndef COOLING_H
#define COOLING_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;
struct gpio_line;

enum cool_sensor {
	COOL_SENSOR_OK = 0,
	COOL_SENSOR_MISSING,		/* no file (ENOENT, glob matched nothing) */
	COOL_SENSOR_UNREADABLE,		/* open or read failed (EIO on a noisy bus) */
	COOL_SENSOR_GARBAGE,		/* not an integer */
	COOL_SENSOR_OUT_OF_RANGE,	/* below -40 C or above 60 C */
	COOL_SENSOR_POWER_ON,		/* exactly 85000: no valid conversion */
};

struct cooling_core {
	const struct cooling_conf *cf;
	int		on;		/* compressor level wanted */
	uint64_t	changed_at;	/* last start or stop (or power-up) */
	uint64_t	min_off_until;	/* may not start before */
	uint64_t	min_on_until;	/* may not stop before */
	int		sensor;		/* enum cool_sensor of the last reading */
	int		bad;		/* bad samples in a row */
	int32_t		temperature_mc;	/* last good reading */
	int		have_temp;
	int		fault_mode;	/* running the fallback duty cycle */
	uint64_t	duty_next;	/* fault mode: next duty toggle */
	int		tell_display;	/* send SHOW_COOLING on a sensor fault */
};

/* Classify a sensor file's contents (w1_therm: "4312\n"). */
enum cool_sensor cooling_parse(const char *buf, size_t len, int32_t *mc);
const char *cooling_sensor_name(int);

void	 cooling_core_init(struct cooling_core *, const struct cooling_conf *,
	    uint64_t now_ns);
/* A sample: kind from cooling_parse or the read's failure. */
void	 cooling_core_reading(struct cooling_core *, enum cool_sensor,
	    int32_t mc, uint64_t now_ns, struct outbox *);
/* Time passed: protection windows ended, duty cycle toggles. */
void	 cooling_core_tick(struct cooling_core *, uint64_t now_ns,
	    struct outbox *);
/* Next time tick must run (not counting samples); 0 = none. */
uint64_t cooling_core_deadline(const struct cooling_core *);
void	 cooling_core_status(const struct cooling_core *,
	    struct msg_status_cooling *);
/* Shutdown: the compressor off now, its run time to the ledger. */
void	 cooling_core_stop(struct cooling_core *, uint64_t now_ns,
	    struct outbox *);

void	 cooling_init(struct proc *, const struct config *,
	    struct gpio_line *compressor);

#endif
