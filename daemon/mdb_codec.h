/*
 * mdb_codec: the bytes of NAMA MDB/ICP 4.2 messages between vendd (the
 * VMC) and a coin changer (address 0x08, level 2/3), a bill validator
 * (0x30) and cashless reader #1 (0x10, VMC at level 1). Pure: no I/O, no
 * logging, no clock. The sources of each layout are in mdb_codec.c.
 *
 * A message here is what the adapter board sends for us, without the 9th
 * bit, the checksum or the ACK: the address+command byte, then the data.
 * A reply is the peripheral's data bytes; an empty reply (n == 0) is the
 * adapter's "ACK".
 *
 * Encoders write into the caller's buffer and return the bytes written,
 * or 0 when an argument is out of range (nothing sensible to send).
 * Decoders return 0 (or a count) when the bytes are whole and known, and
 * -1 for anything truncated, too long, or not in the spec: they never
 * guess and never read past n. -1 sets no errno.
 *
 * Money on the bus is "scaled": a credit of c with scaling factor s is
 * c * s units of the currency's smallest unit with the device's decimal
 * places (scaling factor 5, 2 decimals: a coin credit of 20 is 100, i.e.
 * 1.00 EUR). Decoders give both; mdb_rescale() moves a value to vendd's
 * decimal places when they differ.
 */
#ifndef MDB_CODEC_H
#define MDB_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define MDB_TYPES	16	/* coin or bill types, at most */
#define MDB_CMD_MAX	31	/* the longest message here (cashless ID) */
#define MDB_DISPLAY_MAX	64	/* display request text, bytes */
#define MDB_POLL_MAX	36	/* events in one poll reply, at most */

/* The first byte of every message: address (top 5 bits) and command. */
enum mdb_cmd {
	MDB_CHANGER_RESET	= 0x08,
	MDB_CHANGER_SETUP	= 0x09,
	MDB_CHANGER_TUBE_STATUS	= 0x0a,
	MDB_CHANGER_POLL	= 0x0b,
	MDB_CHANGER_COIN_TYPE	= 0x0c,
	MDB_CHANGER_DISPENSE	= 0x0d,
	MDB_CHANGER_EXPANSION	= 0x0f,
	MDB_CASHLESS_RESET	= 0x10,
	MDB_CASHLESS_SETUP	= 0x11,
	MDB_CASHLESS_POLL	= 0x12,
	MDB_CASHLESS_VEND	= 0x13,
	MDB_CASHLESS_READER	= 0x14,
	MDB_CASHLESS_EXPANSION	= 0x17,
	MDB_BILL_RESET		= 0x30,
	MDB_BILL_SETUP		= 0x31,
	MDB_BILL_SECURITY	= 0x32,
	MDB_BILL_POLL		= 0x33,
	MDB_BILL_TYPE		= 0x34,
	MDB_BILL_ESCROW		= 0x35,
	MDB_BILL_STACKER	= 0x36,
	MDB_BILL_EXPANSION	= 0x37,
};

/*
 * A command that is its first byte alone: the RESETs, POLLs, the changer's
 * and the validator's SETUP, TUBE STATUS, STACKER. 1, or 0 for any other
 * command (those with data have their own encoder below).
 */
size_t	mdb_cmd_simple(uint8_t out[1], int cmd);

/* --- money ------------------------------------------------------------ */

/* scaled * scale: the value in the smallest unit at the device's decimals. */
int64_t	mdb_to_minor(unsigned scaled, unsigned scale);
/* The scaled value of minor (at the device's decimals): 0 with *scaled set,
 * -1 when minor is negative, not a multiple of scale, or above max. */
int	mdb_from_minor(int64_t minor, unsigned scale, unsigned max,
	    unsigned *scaled);
/* v with from decimals as a value with to decimals (0..18 each): 0, or -1
 * when it is not exact (1.005 to 2 decimals) or does not fit. */
int	mdb_rescale(int64_t v, int from, int to, int64_t *out);

/* --- identification (changer 0F 00, validator 37 00/02, reader 09) ------ */

struct mdb_ident {
	char		manufacturer[4];	/* ASCII, NUL-ended */
	char		serial[13];		/* trailing spaces cut, bytes */
	char		model[13];		/* not ' '..'~' made '?' */
	uint16_t	version;		/* software version (BCD) */
	int		has_features;		/* 33 bytes: features follow */
	uint32_t	features;		/* optional feature bits */
};

/* 29 bytes (no feature bits) or 33 (with them): 0, or -1 for any other n. */
int	mdb_ident_decode(const uint8_t *b, size_t n, struct mdb_ident *);

/* --- coin changer (0x08) ---------------------------------------------- */

/* SETUP reply: 7 bytes and one credit per coin type (up to 16). */
struct mdb_changer_setup {
	int		level;		/* feature level: 2 or 3 */
	uint16_t	currency;	/* 0x1978: ISO 4217 978 (EUR) */
	unsigned	scale;		/* coin scaling factor, 1..255 */
	int		decimals;	/* decimal places */
	uint16_t	routing;	/* bit i: type i can go to a tube */
	int		ntypes;		/* credits sent, 0..16 */
	uint8_t		credit[MDB_TYPES];	/* scaled; 0: no such coin */
	int64_t		value[MDB_TYPES];	/* credit * scale */
};
/* 0, or -1 when n is not 7..23 or the scaling factor is 0. */
int	mdb_changer_setup_decode(const uint8_t *b, size_t n,
	    struct mdb_changer_setup *);

/* TUBE STATUS reply: full flags, then a count per tube (up to 16). */
struct mdb_tubes {
	uint16_t	full;		/* bit i: tube i is full */
	int		ntubes;		/* counts sent, 0..16; the rest are 0 */
	uint8_t		count[MDB_TYPES];	/* a lower bound (the spec) */
};
/* 0, or -1 when n is not 2..18. */
int	mdb_changer_tubes_decode(const uint8_t *b, size_t n,
	    struct mdb_tubes *);
/* The tubes flagged full with a count of 0: a sensor fault. */
uint16_t mdb_changer_tubes_faulty(const struct mdb_tubes *);

/* COIN TYPE: which types to accept, which the changer may pay out by its
 * manual dispense buttons. 5 bytes. */
size_t	mdb_changer_coin_type(uint8_t out[5], uint16_t accept,
	    uint16_t manual);
/* DISPENSE count (1..15) coins of type (0..15): 2 bytes, or 0. */
size_t	mdb_changer_dispense(uint8_t out[2], int type, int count);

/* EXPANSION sub-commands. */
enum mdb_changer_x {
	MDB_CHANGER_X_IDENT		= 0x00,	/* reply: mdb_ident, 33 */
	MDB_CHANGER_X_FEATURES		= 0x01,	/* + 4 bytes of feature bits */
	MDB_CHANGER_X_PAYOUT		= 0x02,	/* + 1 byte, a scaled value */
	MDB_CHANGER_X_PAYOUT_STATUS	= 0x03,
	MDB_CHANGER_X_PAYOUT_POLL	= 0x04,
	MDB_CHANGER_X_DIAG		= 0x05,
};
/* Optional feature bits of the identification and of FEATURE ENABLE. */
#define MDB_CHANGER_F_ALT_PAYOUT	0x01
#define MDB_CHANGER_F_EXT_DIAG		0x02
#define MDB_CHANGER_F_MANUAL_FILL	0x04
#define MDB_CHANGER_F_FTL		0x08

/* The EXPANSION sub-commands without data (IDENT, PAYOUT STATUS, PAYOUT
 * POLL, DIAG): 2 bytes, or 0 for another sub-command. */
size_t	mdb_changer_expansion(uint8_t out[2], int sub);
/* FEATURE ENABLE: 6 bytes. */
size_t	mdb_changer_feature_enable(uint8_t out[6], uint32_t features);
/* ALTERNATIVE PAYOUT of scaled (1..255) units: 3 bytes, or 0. */
size_t	mdb_changer_payout(uint8_t out[3], int scaled);

/*
 * PAYOUT STATUS reply: the coins of each type paid out since the last
 * ALTERNATIVE PAYOUT. 1 for an empty reply (the changer is still paying
 * out), 0 with ps filled, -1 when n > 16.
 */
struct mdb_payout_status {
	int		ntypes;
	uint8_t		count[MDB_TYPES];
};
int	mdb_changer_payout_status_decode(const uint8_t *b, size_t n,
	    struct mdb_payout_status *ps);
/* What those coins are worth (the setup's values): -1 when a coin paid out
 * is of a type the setup gives no value. */
int64_t	mdb_changer_paid_value(const struct mdb_changer_setup *,
	    const struct mdb_payout_status *);

/* PAYOUT VALUE POLL reply: 1 for an empty reply (the payout is over),
 * 0 with *scaled paid since the last poll (0: none yet), -1 when n > 1. */
int	mdb_changer_payout_poll_decode(const uint8_t *b, size_t n,
	    unsigned *scaled);

/* SEND DIAGNOSTIC STATUS reply: up to 8 codes of 2 bytes (main, sub):
 * 0x0300 OK, 0x0100 powering up, 0x0600 inhibited by the VMC, ... */
struct mdb_diag {
	int		n;
	uint16_t	code[8];
};
/* 0, or -1 when n is odd or above 16. */
int	mdb_changer_diag_decode(const uint8_t *b, size_t n, struct mdb_diag *);

/* Where a deposited coin went (bits yy of 01yyxxxx). */
enum mdb_route {
	MDB_ROUTE_CASHBOX	= 0,
	MDB_ROUTE_TUBES		= 1,
	MDB_ROUTE_REJECT	= 3,	/* 2 is unused: refused */
};

/* POLL reply events; the status codes are their byte on the wire. */
enum mdb_changer_ev {
	MDB_CHANGER_EV_ESCROW_REQUEST	= 0x01,	/* coin return lever */
	MDB_CHANGER_EV_PAYOUT_BUSY	= 0x02,
	MDB_CHANGER_EV_NO_CREDIT	= 0x03,
	MDB_CHANGER_EV_TUBE_SENSOR	= 0x04,	/* defective tube sensor */
	MDB_CHANGER_EV_DOUBLE_ARRIVAL	= 0x05,
	MDB_CHANGER_EV_UNPLUGGED	= 0x06,	/* acceptor unplugged */
	MDB_CHANGER_EV_TUBE_JAM		= 0x07,
	MDB_CHANGER_EV_ROM_CHECKSUM	= 0x08,
	MDB_CHANGER_EV_ROUTING_ERROR	= 0x09,
	MDB_CHANGER_EV_BUSY		= 0x0a,
	MDB_CHANGER_EV_RESET		= 0x0b,	/* changer was reset */
	MDB_CHANGER_EV_COIN_JAM		= 0x0c,
	MDB_CHANGER_EV_COIN_REMOVAL	= 0x0d,	/* possible credited removal */
	MDB_CHANGER_EV_DEPOSITED	= 0x100,	/* 01yyxxxx zzzzzzzz */
	MDB_CHANGER_EV_DISPENSED,		/* 1yyyxxxx zzzzzzzz: by hand */
	MDB_CHANGER_EV_SLUGS,			/* 001xxxxx */
};

struct mdb_changer_event {
	int	kind;		/* enum mdb_changer_ev */
	int	type;		/* DEPOSITED, DISPENSED: coin type 0..15 */
	int	routing;	/* DEPOSITED: enum mdb_route */
	int	count;		/* DISPENSED: coins 0..7; SLUGS: 0..31 */
	int	tube;		/* DEPOSITED, DISPENSED: coins in the tube */
};

/* The events of one POLL reply, in order: their number (0 for an empty
 * reply), or -1 for a truncated or unknown byte or more than max events. */
int	mdb_changer_poll_decode(const uint8_t *b, size_t n,
	    struct mdb_changer_event *ev, int max);
/* The whole events before the first byte that is not one (or all of them):
 * a coin the changer reported ahead of a garbled byte is still money in
 * its tubes or cash box, and the adapter has acknowledged the reply. */
int	mdb_changer_poll_prefix(const uint8_t *b, size_t n,
	    struct mdb_changer_event *ev, int max);

/* --- bill validator (0x30) -------------------------------------------- */

/* SETUP reply: 11 bytes and one credit per bill type (up to 16). */
struct mdb_bill_setup {
	int		level;
	uint16_t	currency;
	unsigned	scale;		/* bill scaling factor, 1..65535 */
	int		decimals;
	unsigned	capacity;	/* stacker capacity, bills */
	uint16_t	security;	/* bit i: type i is high security */
	int		escrow;		/* 1: it can hold a bill in escrow */
	int		ntypes;
	uint8_t		credit[MDB_TYPES];
	int64_t		value[MDB_TYPES];	/* credit * scale */
};
/* 0, or -1 when n is not 11..27, the scaling factor is 0 or the escrow
 * byte is neither 0x00 nor 0xFF. */
int	mdb_bill_setup_decode(const uint8_t *b, size_t n,
	    struct mdb_bill_setup *);

/* SECURITY: 3 bytes. BILL TYPE: enable and escrow masks, 5 bytes. */
size_t	mdb_bill_security(uint8_t out[3], uint16_t high);
size_t	mdb_bill_type(uint8_t out[5], uint16_t enable, uint16_t escrow);
/* ESCROW: stack (1) or return (0) the bill held: 2 bytes, or 0. */
size_t	mdb_bill_escrow(uint8_t out[2], int stack);
/* EXPANSION identification, 0x00 (reply 29 bytes) or 0x02 (with feature
 * bits, 33): 2 bytes, or 0 for another sub-command. */
size_t	mdb_bill_expansion(uint8_t out[2], int sub);

/* STACKER reply: 2 bytes, the full flag (bit 15) and the count. */
struct mdb_stacker {
	int		full;
	unsigned	count;
};
int	mdb_bill_stacker_decode(const uint8_t *b, size_t n,
	    struct mdb_stacker *);

/* Where a bill went (yyy of 1yyyxxxx); 3, 5..7 are for recyclers. */
enum mdb_bill_route {
	MDB_BILL_STACKED	= 0,
	MDB_BILL_ESCROWED	= 1,	/* held, waiting for ESCROW */
	MDB_BILL_RETURNED	= 2,
	MDB_BILL_TO_RECYCLER	= 3,
	MDB_BILL_REJECTED	= 4,	/* a disabled bill rejected */
	MDB_BILL_FILLED		= 5,	/* to the recycler, manual fill */
	MDB_BILL_DISPENSED	= 6,	/* manual dispense */
	MDB_BILL_TO_CASHBOX	= 7,	/* from the recycler to the cash box */
};

/* POLL reply events; the status codes are their byte on the wire. */
enum mdb_bill_ev {
	MDB_BILL_EV_MOTOR		= 0x01,	/* defective motor */
	MDB_BILL_EV_SENSOR		= 0x02,	/* sensor problem */
	MDB_BILL_EV_BUSY		= 0x03,
	MDB_BILL_EV_ROM_CHECKSUM	= 0x04,
	MDB_BILL_EV_JAMMED		= 0x05,
	MDB_BILL_EV_RESET		= 0x06,	/* validator was reset */
	MDB_BILL_EV_REMOVED		= 0x07,	/* bill removed from escrow */
	MDB_BILL_EV_CASHBOX_OUT		= 0x08,	/* cash box out of position */
	MDB_BILL_EV_DISABLED		= 0x09,
	MDB_BILL_EV_INVALID_ESCROW	= 0x0a,	/* ESCROW with no bill held */
	MDB_BILL_EV_REJECTED		= 0x0b,	/* not identified */
	MDB_BILL_EV_BILL_REMOVAL	= 0x0c,	/* possible credited removal */
	MDB_BILL_EV_ROUTED		= 0x100,	/* 1yyyxxxx */
	MDB_BILL_EV_ATTEMPTS,			/* 010xxxxx, while disabled */
};

struct mdb_bill_event {
	int	kind;		/* enum mdb_bill_ev */
	int	route;		/* ROUTED: enum mdb_bill_route */
	int	type;		/* ROUTED: bill type 0..15 */
	int	count;		/* ATTEMPTS: 0..31 */
};

/* The events of one POLL reply, in order: their number, or -1 for an
 * unknown byte (the recycler's 001xxxxx included) or more than max. */
int	mdb_bill_poll_decode(const uint8_t *b, size_t n,
	    struct mdb_bill_event *ev, int max);

/* --- cashless reader #1 (0x10) ---------------------------------------- */

/* Sub-commands of SETUP, VEND, READER, EXPANSION. */
enum mdb_cashless_sub {
	MDB_CASHLESS_CONFIG		= 0x00,	/* SETUP */
	MDB_CASHLESS_PRICES		= 0x01,
	MDB_CASHLESS_VEND_REQUEST	= 0x00,	/* VEND */
	MDB_CASHLESS_VEND_CANCEL	= 0x01,
	MDB_CASHLESS_VEND_SUCCESS	= 0x02,
	MDB_CASHLESS_VEND_FAILURE	= 0x03,
	MDB_CASHLESS_SESSION_COMPLETE	= 0x04,
	MDB_CASHLESS_CASH_SALE		= 0x05,
	MDB_CASHLESS_DISABLE		= 0x00,	/* READER */
	MDB_CASHLESS_ENABLE		= 0x01,
	MDB_CASHLESS_CANCEL		= 0x02,
	MDB_CASHLESS_REQUEST_ID		= 0x00,	/* EXPANSION */
};

/* SETUP config data: the VMC's level (1..3) and display (columns, rows,
 * display information bits): 6 bytes, or 0. */
size_t	mdb_cashless_setup_config(uint8_t out[6], int level, int cols,
	    int rows, int info);
/* SETUP max/min prices, scaled (0xFFFF, 0x0000: unknown): 6 bytes. */
size_t	mdb_cashless_setup_prices(uint8_t out[6], uint16_t max, uint16_t min);
/* VEND REQUEST and CASH SALE: a scaled price and the item number: 6. */
size_t	mdb_cashless_vend_request(uint8_t out[6], uint16_t price,
	    uint16_t item);
size_t	mdb_cashless_cash_sale(uint8_t out[6], uint16_t price, uint16_t item);
/* VEND SUCCESS of an item: 4 bytes. */
size_t	mdb_cashless_vend_success(uint8_t out[4], uint16_t item);
/* VEND CANCEL, VEND FAILURE, SESSION COMPLETE: 2 bytes, or 0 for another
 * sub-command. */
size_t	mdb_cashless_vend(uint8_t out[2], int sub);
/* READER DISABLE, ENABLE, CANCEL: 2 bytes, or 0. */
size_t	mdb_cashless_reader(uint8_t out[2], int sub);
/* EXPANSION REQUEST ID: our manufacturer code (3), serial and model (12
 * each), space-padded, and software version: 31 bytes, or 0 when a string
 * is too long or not printable ASCII. */
size_t	mdb_cashless_request_id(uint8_t out[31], const char *manufacturer,
	    const char *serial, const char *model, uint16_t version);

/* The reader's config data (reply to SETUP config, or a POLL event). */
struct mdb_cashless_config {
	int		level;		/* the reader's feature level */
	uint16_t	currency;
	unsigned	scale;		/* 1..255 */
	int		decimals;
	int		max_response;	/* seconds the VMC waits for it */
	int		options;	/* MDB_CASHLESS_O_* */
};
#define MDB_CASHLESS_O_REFUND		0x01	/* can restore funds */
#define MDB_CASHLESS_O_MULTIVEND	0x02
#define MDB_CASHLESS_O_DISPLAY		0x04	/* has its own display */
#define MDB_CASHLESS_O_CASH_SALE	0x08	/* wants VEND CASH SALE */

/* What the reader's replies depend on, fixed by SETUP config data. */
struct mdb_cashless_mode {
	int	level;		/* lower of the VMC's and reader's, 1..3 */
	int	display;	/* columns * rows the VMC announced (0: none) */
};

/* Poll events (any reply of the reader: POLL, VEND REQUEST, READER,
 * EXPANSION and SETUP config data answer with them). */
enum mdb_cashless_ev {
	MDB_CASHLESS_EV_JUST_RESET = 1,	/* 0x00 */
	MDB_CASHLESS_EV_CONFIG,		/* 0x01: config */
	MDB_CASHLESS_EV_DISPLAY,	/* 0x02: code (0.1 s), text */
	MDB_CASHLESS_EV_BEGIN_SESSION,	/* 0x03: amount = funds available */
	MDB_CASHLESS_EV_CANCEL_REQUEST,	/* 0x04: session cancel request */
	MDB_CASHLESS_EV_APPROVED,	/* 0x05: amount = vend amount */
	MDB_CASHLESS_EV_DENIED,		/* 0x06 */
	MDB_CASHLESS_EV_END_SESSION,	/* 0x07 */
	MDB_CASHLESS_EV_CANCELLED,	/* 0x08 */
	MDB_CASHLESS_EV_PERIPHERAL_ID,	/* 0x09: ident */
	MDB_CASHLESS_EV_ERROR,		/* 0x0A: code = error code */
	MDB_CASHLESS_EV_OUT_OF_SEQUENCE,/* 0x0B: code = status (level 2+) */
};
struct mdb_cashless_event {
	int			kind;		/* enum mdb_cashless_ev */
	uint16_t		amount;		/* scaled */
	int			code;
	uint32_t		media_id;	/* BEGIN_SESSION, level 2+ */
	int			payment_type;
	uint16_t		payment_data;
	struct mdb_cashless_config config;
	struct mdb_ident	ident;
	char			text[MDB_DISPLAY_MAX + 1];
};

/* The events of one reply, in order: their number, or -1 for a truncated
 * or unknown one (revalue, data entry, diagnostics: level 2/3 features
 * vendd does not enable), a display request when m->display is 0 or above
 * MDB_DISPLAY_MAX, config data with a scale factor of 0, or more than max
 * events. */
int	mdb_cashless_poll_decode(const uint8_t *b, size_t n,
	    const struct mdb_cashless_mode *m, struct mdb_cashless_event *ev,
	    int max);

#endif
