/*
 * libFuzzer target: config_load on arbitrary bytes. The input is written to
 * a memfd and loaded through /proc/self/fd/N, so the whole reader (read(),
 * our line reader, inih, validation, error messages) and the printer run
 * with no disk I/O.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fuzz_fd = -1;
static char	 fuzz_path[64];
static FILE	*fuzz_null;

/* Create the memfd once: every run rewrites it. */
static void
fuzz_setup(void)
{
	if ((fuzz_fd = memfd_create("fuzz_config", 0)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
	if ((fuzz_null = fopen("/dev/null", "w")) == NULL)
		abort();
}

/* Load the input as a config; an accepted one must be self-consistent. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct config	 cf;
	const struct line_conf	*lines[CONFIG_MAX_LINES];
	char			 err[512];
	int			 n;

	if (fuzz_fd == -1)
		fuzz_setup();
	if (ftruncate(fuzz_fd, 0) == -1 ||
	    (len > 0 && pwrite(fuzz_fd, data, len, 0) != (ssize_t)len))
		abort();
	memset(err, 0x55, sizeof(err));
	if (config_load(&cf, fuzz_path, err, sizeof(err)) == -1) {
		/* the error must be a terminated message naming the file */
		if (memchr(err, 0, sizeof(err)) == NULL ||
		    strncmp(err, fuzz_path, strlen(fuzz_path)) != 0)
			__builtin_trap();
		return 0;
	}
	if (cf.nproducts < 1 || cf.nproducts > VENDD_MAX_PRODUCTS ||
	    cf.decimals < 0 || cf.decimals > 4)
		__builtin_trap();
	for (int i = 0; i < cf.nproducts; i++)
		if (cf.product[i].price <= 0 || cf.product[i].capacity < 0 ||
		    memchr(cf.product[i].id, 0, VENDD_ID_MAX) == NULL)
			__builtin_trap();
	n = config_lines(&cf, lines, CONFIG_MAX_LINES);
	if (n < 0 || n > CONFIG_MAX_LINES)
		__builtin_trap();
	config_print(&cf, fuzz_null);
	return 0;
}
