/*
 * mdbsim.h: what the parts of mdbsim share (tests/mdb/mdbsim.c, the
 * adapter on its pty and the account; control.c, the test script's
 * socket; changer.c, validator.c and cashless.c, one simulated peripheral
 * each). See mdbsim.c for the usage
 * and the sources, tests/mdb/README.md for the protocol choices.
 *
 * Each peripheral keeps its state static in its own file and is driven by
 * four calls: *_init (once, with the options), *_bus (one MDB message from
 * the controller, its reply), *_reset (a bus reset or its RESET command)
 * and *_ctl (a control command of the test script). Time is passed in as
 * CLOCK_MONOTONIC milliseconds and nothing happens between calls: a payout
 * or a note transport advances to `now` at the start of each call (lazily),
 * so a peripheral is a pure function of its inputs and the clock.
 *
 * Not vendd's code and shares nothing with daemon/: an independent reading
 * of the standard, so that it catches vendd's mistakes instead of repeating
 * them.
 */
#ifndef MDBSIM_H
#define MDBSIM_H

#include <assert.h>
#include <poll.h>
#include <stdbool.h>

#include "simlib.h"

#define MDB_BLOCK_MAX	36	/* bytes of one MDB message, checksum aside */
#define MDB_TYPES	16	/* coin or bill types 0..15 */
#define MDB_ADDR_MASK	0xF8	/* address bits of the first byte */
#define MDB_CMD_MASK	0x07	/* command bits of the first byte */

#define ADDR_CHANGER	0x08
#define ADDR_CASHLESS	0x10
#define ADDR_VALIDATOR	0x30

#define SIM_ACCOUNT_MAX	1024	/* the account line */
#define CONTROL_POLLFDS	9	/* control_pollfds' entries */

/* What the peripheral put on the bus; 0 is invalid. */
enum mdb_answer {
	MDB_NACK = 1,		/* no answer: the adapter says p,NACK */
	MDB_ACK,		/* ACK only: p,ACK */
	MDB_DATA,		/* data bytes: p,<hex> */
};

struct mdb_reply {
	enum mdb_answer	answer;
	size_t		len;
	uint8_t		data[MDB_BLOCK_MAX];
};

/* What a control command came to; 0 is invalid. */
enum sim_ctl {
	CTL_OK = 1,		/* done; out says what, or is empty */
	CTL_ERR,		/* refused; out says why */
	CTL_UNKNOWN,		/* not this peripheral's command */
};

/* The options (mdbsim.c fills it; read-only afterwards). Money is in minor
 * units (cents); a value of 0 means the type is not used. */
struct sim_config {
	bool		has_changer, has_validator, has_cashless;
	unsigned	currency;	/* packed BCD: 0x1978, EUR (ISO 978) */
	int		decimals;
	int		coin_scale;
	int		coin_value[MDB_TYPES];
	uint16_t	tube_mask;	/* coin types that have a tube */
	int		tube_capacity;
	int		tube_fill;	/* coins in each tube at start */
	int		note_scale;
	int		note_value[MDB_TYPES];
	int		stacker_capacity;
	int		coin_ms;	/* one coin of a payout */
	int		note_ms;	/* a note to the stacker or out */
	int		auth_ms;	/* a card's answer to a vend request */
	int		session_ms;	/* an idle card session's time-out */
	bool		deferred;	/* reader answers 06/07/08 in POLL */
};

/* The physical account, in minor units (see README.md). */
struct sim_account {
	long	coins_in, tubes, tubes_start, cashbox, paid_out, returned;
	long	manual, filled;
	long	notes_stacked, notes_returned, notes_escrow;
	long	cl_approved, cl_captured, cl_refunded, cl_denied, cl_pending;
	long	cash_sales;
};

/* A peripheral's poll events, each 1 to 3 bytes, oldest first. */
#define EVQ_MAX		32
struct evq {
	const char	*who;
	unsigned	 head, n;
	uint8_t		 len[EVQ_MAX];
	uint8_t		 b[EVQ_MAX][3];
};

/* mdbsim.c */
int64_t	sim_now_ms(void);
void	sim_log(const char *, ...) __attribute__((format(printf, 1, 2)));
void	sim_protocol_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	evq_push(struct evq *, const uint8_t *, size_t);
size_t	evq_take(struct evq *, uint8_t *, size_t, int);
void	evq_clear(struct evq *);
void	reply_ack(struct mdb_reply *);
void	reply_nack(struct mdb_reply *);
void	reply_data(struct mdb_reply *, const uint8_t *, size_t);
void	reply_put16(uint8_t *, unsigned);
void	sim_account_line(int64_t, char *, size_t);
void	sim_stop_request(void);
enum sim_ctl	adapter_ctl(int, char **, char *, size_t);

/* control.c: the test script's commands on a Unix socket */
void	control_listen(const char *);
size_t	control_pollfds(struct pollfd *);
void	control_ready(const struct pollfd *);
void	control_unlink(void);
int	control_client(int, char **);
int	ctl_int(const char *, long, long, long *);
int	ctl_type(const char *, const int *, long *);
int	ctl_hex(const char *, long, long *);
int	ctl_onoff(const char *, bool *);

/* changer.c: the level 3 coin changer at 08 */
void		changer_init(const struct sim_config *);
void		changer_reset(int64_t);
void		changer_bus(const uint8_t *, size_t, int64_t,
		    struct mdb_reply *);
enum sim_ctl	changer_ctl(int, char **, int64_t, char *, size_t);
void		changer_account(int64_t, struct sim_account *);
void		changer_json(FILE *);

/* validator.c: the bill validator at 30 */
void		validator_init(const struct sim_config *);
void		validator_reset(int64_t);
void		validator_bus(const uint8_t *, size_t, int64_t,
		    struct mdb_reply *);
enum sim_ctl	validator_ctl(int, char **, int64_t, char *, size_t);
void		validator_account(int64_t, struct sim_account *);
void		validator_json(FILE *);

/* cashless.c: the level 1 cashless reader at 10 */
void		cashless_init(const struct sim_config *);
void		cashless_reset(int64_t);
void		cashless_bus(const uint8_t *, size_t, int64_t,
		    struct mdb_reply *);
enum sim_ctl	cashless_ctl(int, char **, int64_t, char *, size_t);
void		cashless_account(int64_t, struct sim_account *);
void		cashless_json(FILE *);

#endif
