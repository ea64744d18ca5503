/*
 * libFuzzer target: control_parse_request, the parser of the bytes a vendctl
 * client (any member of control_group) sends. The input is the line exactly
 * as read, not NUL-terminated, so ASan sees any read past its end.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "control.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse the input; an accepted request must be well-formed. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct control_req	req;
	char			err[256];

	memset(err, 0x55, sizeof(err));
	if (control_parse_request((const char *)data, len, &req, err,
	    sizeof(err)) == -1) {
		if (memchr(err, 0, sizeof(err)) == NULL || err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	switch (req.cmd) {
	case CONTROL_STATUS:
		break;
	case CONTROL_RESTOCK:
		if (memchr(req.product, 0, sizeof(req.product)) == NULL ||
		    req.product[0] == '\0' || req.count < -1)
			__builtin_trap();
		/* the id must come from the request, byte for byte */
		if (memmem(data, len, req.product, strlen(req.product)) ==
		    NULL)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
	return 0;
}
