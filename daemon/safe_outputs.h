/*
 * vendd --safe-outputs, systemd's ExecStopPost: every output the last vendd
 * drove to its safe level, after vendd ended however it ended.
 */
#ifndef SAFE_OUTPUTS_H
#define SAFE_OUTPUTS_H

#include "config.h"

#define SAFE_EX_CONFIG	78	/* sysexits.h: neither a list nor a config */

/*
 * Drive the outputs of vendd.outputs beside cf's control socket (as the
 * last start drove them), else those of cf, the motors first, carrying on
 * past a line that fails. config_err: cf could not be read (NULL: it was).
 * Returns the exit status: 0, 1 when a line failed, SAFE_EX_CONFIG.
 */
int	safe_outputs(const struct config *cf, const char *config_err);

#endif
