/*
 * mdb_link: the adapter between vendd and the MDB bus, behind one small
 * interface so that a second adapter (a direct 9-bit UART with mark/space
 * parity) can be added without touching the rest. Today's is the Qibixx
 * MDB Pi HAT in master mode, a text protocol at 115200 8N1 on its UART or
 * USB port: the adapter does the 9th bit, the checksum and the ACKs.
 *
 *   vendd -> adapter		adapter -> vendd
 *   M,1			m,ACK		(master mode on)
 *   R,RESET			p,ACK		(a bus reset)
 *   R,0B			p,ACK		(the peripheral's empty answer)
 *   R,0D,12			p,NACK		(no answer on the bus)
 *				p,0B0012	(its answer's data bytes)
 *
 * One request is outstanding at a time: every request gets one reply line.
 * The formatting and parsing here are pure; mdb_link_open is the one call
 * that touches a device.
 */
#ifndef MDB_LINK_H
#define MDB_LINK_H

#include <stddef.h>
#include <stdint.h>

#define MDB_MSG_MAX	36	/* bytes of an MDB message or answer, at most */
#define MDB_LINE_MAX	128	/* a line of the adapter's protocol */

enum mdb_reply_kind {
	MDB_REPLY_ACK = 1,	/* answered, no data */
	MDB_REPLY_NACK,		/* nobody answered on the bus */
	MDB_REPLY_DATA,		/* answered with data bytes */
	MDB_REPLY_MODE,		/* "m,ACK": the adapter took master mode */
	MDB_REPLY_OTHER,	/* a line that is none of these (logged) */
};

struct mdb_reply {
	int		kind;		/* enum mdb_reply_kind */
	size_t		len;		/* DATA: bytes in data */
	uint8_t		data[MDB_MSG_MAX];
};

/* The request line for one MDB message (address+command byte, then data):
 * "R,0B\n", "R,0D,12\n". Its length, or -1 for an empty or too long one. */
int	mdb_link_request(char *buf, size_t cap, const uint8_t *msg, size_t n);
/* The lines that put the adapter in master mode and reset the bus. */
#define MDB_LINK_MASTER		"M,1\n"
#define MDB_LINK_RESET		"R,RESET\n"

/*
 * One reply line (its newline and any CR already cut): 0 with r filled,
 * or -1 for a line that is not a whole reply of the protocol (odd hex,
 * a byte that is no hex digit, more than MDB_MSG_MAX bytes): kind
 * MDB_REPLY_OTHER then, for the caller to log.
 */
int	mdb_link_parse(const char *line, size_t len, struct mdb_reply *r);

/* Bytes read from the adapter, split into lines. */
struct mdb_lines {
	size_t	len;
	char	buf[2 * MDB_LINE_MAX];
};
/*
 * The next whole line (without its "\n" or "\r\n") into line, NUL-ended:
 * its length, or -1 when no whole line is buffered yet. A line longer than
 * MDB_LINE_MAX is dropped whole (its length reported as 0).
 */
int	mdb_lines_next(struct mdb_lines *, char *line, size_t cap);
/* Append n bytes read from the device; -1 when the buffer has no room
 * (a line too long: the buffer is emptied). */
int	mdb_lines_add(struct mdb_lines *, const void *bytes, size_t n);

/* Open the adapter's serial device raw, 115200 8N1, non-blocking; -1 with
 * "PATH: why" in err. */
int	mdb_link_open(const char *path, char *err, size_t errlen);
/* Write a whole line to the adapter; -1 when the port fails. */
int	mdb_link_write(int fd, const char *line, size_t len);
/* The next whole line into line, waiting at most ms in all (the way out
 * only): its length, or -1. */
int	mdb_link_wait_line(int fd, struct mdb_lines *, char *line, size_t cap,
	    int ms);
/* One message and its answer, waited for as mdb_link_wait_line: 0, or -1
 * when the port fails or no line comes. */
int	mdb_link_sync(int fd, struct mdb_lines *, const uint8_t *msg, size_t n,
	    struct mdb_reply *r, int ms);

#endif
