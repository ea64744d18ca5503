/*
 * vendd --safe-outputs: drive the outputs safe after vendd ended, from the
 * list the last start wrote (vendd.outputs), or else from the config.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "gpio.h"
#include "line_request.h"
#include "outputs_file.h"
#include "safe_outputs.h"

static char		 safe_path[VENDD_SOCK_MAX + 16];
static struct gpio_line	*safe_lines[CONFIG_MAX_LINES];	/* held at safe */
static int		 safe_nlines;

/* Request one output at its safe level, held until the end; NULL with err. */
static struct gpio_line *
safe_request(const struct config *cf, const struct line_conf *lc,
    int safe_active, char *err, size_t errlen)
{
	struct gpio_line	*l;

	l = line_request(cf, lc, GPIO_DIR_OUTPUT, safe_active, err, errlen);
	if (l != NULL && safe_nlines < CONFIG_MAX_LINES)
		safe_lines[safe_nlines++] = l;
	return l;
}

/* Drive one output of vendd.outputs to its safe level; 0 or -1. */
static int
safe_from_list(const struct config *cf, const struct outputs_entry *e)
{
	struct line_conf	lc;
	struct gpio_where	w;
	char			err[1600];

	/* A chip renumbered since (another boot): not the line we drove. */
	if (gpio_resolve(e->line, &w, err, sizeof(err)) == -1) {
		fprintf(stderr, "vendd: %s: %s (%s): %s\n", safe_path,
		    e->line, e->key, err);
		return -1;
	}
	if (strcmp(w.label, e->label) != 0) {
		fprintf(stderr, "vendd: %s: %s (%s): on chip \"%s\" now, not "
		    "\"%s\": not driven\n", safe_path, e->line, e->key,
		    w.label, e->label);
		return -1;
	}
	memset(&lc, 0, sizeof(lc));
	if (snprintf(lc.name, sizeof(lc.name), "%s", e->line) < 0 ||
	    snprintf(lc.key, sizeof(lc.key), "%s", e->key) < 0)
		return -1;
	lc.active_low = e->active_low;
	lc.output = 1;
	if (safe_request(cf, &lc, e->safe_active, err, sizeof(err)) == NULL) {
		fprintf(stderr, "vendd: %s: %s\n", safe_path, err);
		return -1;
	}
	return 0;
}

/* The outputs the config names to their safe level, motors first; failures. */
static int
safe_from_config(const struct config *cf)
{
	const struct line_conf	*lc[2 + 2 * VENDD_MAX_PRODUCTS];
	char			 err[1600];
	int			 n = 0, bad = 0;

	lc[n++] = &cf->arm.relay;
	lc[n++] = &cf->cooling.compressor;
	for (int i = 0; i < cf->nproducts; i++)
		lc[n++] = &cf->product[i].slot;
	lc[n++] = &cf->coin.inhibit;
	for (int i = 0; i < n; i++) {
		if (lc[i]->name[0] == '\0')
			continue;
		if (safe_request(cf, lc[i],
		    lc[i] == &cf->coin.inhibit, err, sizeof(err)) == NULL) {
			fprintf(stderr, "vendd: %s\n", err);
			bad++;
		}
	}
	return bad;
}

/*
 * --safe-outputs (systemd's ExecStopPost): every output the last vendd
 * drove (vendd.outputs beside the socket) to its safe level, carrying on
 * past a line that fails. Without that list, the outputs of the config,
 * the motors first; with neither (a broken config, no list), status 78.
 */
int
safe_outputs(const struct config *cf, const char *config_err)
{
	struct outputs_entry	 list[CONFIG_MAX_LINES];
	char			 err[1600] = "", from[sizeof(safe_path) + 40];
	int			 nlist = -1, bad = 0;

	if (outputs_file_path(cf->control_socket, safe_path,
	    sizeof(safe_path)) == 0)
		nlist = outputs_file_read(safe_path, list, CONFIG_MAX_LINES,
		    err, sizeof(err));
	if (nlist >= 0) {
		for (int i = 0; i < nlist; i++)
			bad += safe_from_list(cf, &list[i]) == -1;
		snprintf(from, sizeof(from), " (as the last start drove them: "
		    "%s)", safe_path);
	} else {
		if (errno != ENOENT && err[0] != '\0')
			fprintf(stderr, "vendd: %s\n", err);
		if (config_err != NULL) {
			fprintf(stderr, "vendd: %s\n", config_err);
			return SAFE_EX_CONFIG;
		}
		bad = safe_from_config(cf);
		from[0] = '\0';
	}
	for (int i = 0; i < safe_nlines; i++)
		gpio_line_release(safe_lines[i]);
	printf("vendd: %d outputs at their safe level%s, %d failed\n",
	    safe_nlines, from, bad);
	return bad ? 1 : 0;
}
