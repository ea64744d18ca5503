/*
 * libFuzzer target: the ledger's readers of its own files, which must refuse
 * anything a disk can hold without crashing or producing an impossible state.
 *
 * Input: a 4-byte little-endian snapshot length N, N snapshot bytes, then
 * journal bytes. The snapshot is decoded; the journal is replayed onto it,
 * or (when the snapshot is refused) onto a fixed four-column state, so
 * journal records are exercised even when the snapshot is garbage. The whole
 * input is also decoded as a snapshot on its own.
 *
 * CRCs stop a mutation from reaching the decoders: when bit 31 of the length
 * word is set, the harness first rewrites the snapshot's CRC and every whole
 * journal record's CRC, so the fuzzer explores the fields behind them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define JREC_SIZE	48	/* as ledger.c: CRC-32 in the last 4 bytes */
#define FIX_CRC		0x80000000u

/* CRC-32 (IEEE, reflected), the same as the ledger's, bit by bit. */
static uint32_t
fuzz_crc32(const uint8_t *p, size_t len)
{
	uint32_t	crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return crc ^ 0xffffffffu;
}

/* Store a CRC-32 of the len bytes before p, little-endian, at p. */
static void
fuzz_put_crc(uint8_t *p, const uint8_t *start, size_t len)
{
	uint32_t	c = fuzz_crc32(start, len);

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(c >> (8 * i));
}

/* Make the CRCs right, so mutations reach the fields behind them. */
static void
fuzz_fix_crcs(uint8_t *b, size_t slen, size_t len)
{
	if (slen >= 8)
		fuzz_put_crc(b + slen - 4, b, slen - 4);
	for (size_t off = slen; len - off >= JREC_SIZE; off += JREC_SIZE)
		fuzz_put_crc(b + off + JREC_SIZE - 4, b + off, JREC_SIZE - 4);
}

/* The state a journal is replayed onto when there is no good snapshot. */
static void
fuzz_base_state(struct ledger_state *st)
{
	static const char *ids[] = { "cola", "water", "juice", "tea" };

	memset(st, 0, sizeof(*st));
	st->nproducts = 4;
	for (int i = 0; i < 4; i++) {
		snprintf(st->product[i].id, VENDD_ID_MAX, "%s", ids[i]);
		st->product[i].stock = 10;
	}
}

/* What no accepted file may ever produce: the money invariant included. */
static void
fuzz_check_state(const struct ledger_state *st)
{
	if (st->nproducts > 2 * VENDD_MAX_PRODUCTS || st->credit < 0 ||
	    st->pending.active > 1 || st->pending.price < 0 ||
	    (st->pending.active && st->pending.product >= st->nproducts))
		__builtin_trap();
	for (uint32_t i = 0; i < st->nproducts; i++)
		if (st->product[i].stock < 0 ||
		    st->product[i].state > PRODUCT_OUT_OF_ORDER ||
		    memchr(st->product[i].id, 0, VENDD_ID_MAX) == NULL)
			__builtin_trap();
}

/* Replay a journal onto st, checking what replay promises. */
static void
fuzz_replay(const uint8_t *b, size_t len, struct ledger_state *st)
{
	struct ledger_state	before = *st;
	char			err[256];
	size_t			good = (size_t)-1;
	uint64_t		in0, in1;

	struct ledger_state	again = before;
	size_t			good2;
	int			rc;

	if ((rc = ledger_replay(b, len, st, &good, err, sizeof(err))) == -1) {
		if (memchr(err, 0, sizeof(err)) == NULL)
			__builtin_trap();
		return;
	}
	if ((rc != 0 && rc != 1) || good > len || good % JREC_SIZE != 0)
		__builtin_trap();
	/* what replay kept is exactly the records before good_len */
	if (ledger_replay(b, good, &again, &good2, err, sizeof(err)) != 0 ||
	    good2 != good || memcmp(&again, st, sizeof(again)) != 0)
		__builtin_trap();
	/* idempotent, as a restart after a compaction replays: the same bytes
	 * onto the state they made apply nothing (nothing newer was left
	 * anywhere past the end) */
	again = *st;
	if (ledger_replay(b, len, &again, &good2, err, sizeof(err)) == -1 ||
	    memcmp(&again, st, sizeof(again)) != 0)
		__builtin_trap();
	fuzz_check_state(st);
	/* money conservation: what came in is paid, credit, reserved, or
	 * change (paid, owed, or in hand) */
	/* (unsigned: a fuzzed snapshot's counters may be anything) */
	in0 = (uint64_t)before.c.cash_in - (uint64_t)before.c.paid_value +
	    (uint64_t)before.mdb.card_value - (uint64_t)before.credit -
	    (before.pending.active && before.pending.test != PENDING_CARD ?
	    (uint64_t)before.pending.price : 0) -
	    (uint64_t)before.mdb.change_paid - (uint64_t)before.mdb.owed -
	    (uint64_t)before.mdb.payout_amount;
	in1 = (uint64_t)st->c.cash_in - (uint64_t)st->c.paid_value +
	    (uint64_t)st->mdb.card_value - (uint64_t)st->credit -
	    (st->pending.active && st->pending.test != PENDING_CARD ?
	    (uint64_t)st->pending.price : 0) -
	    (uint64_t)st->mdb.change_paid - (uint64_t)st->mdb.owed -
	    (uint64_t)st->mdb.payout_amount;
	if (in0 != in1)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct ledger_state	st;
	char				err[256];
	uint8_t				*copy = NULL;
	size_t				n;
	int				fix;

	memset(&st, 0, sizeof(st));
	if (ledger_decode_snapshot(data, len, &st, err, sizeof(err)) == 0)
		fuzz_check_state(&st);
	if (len < 4)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
	    (size_t)data[3] << 24;
	fix = (n & FIX_CRC) != 0;
	n &= ~(size_t)FIX_CRC;
	data += 4;
	len -= 4;
	if (n > len)
		n = len;
	if (fix && len > 0) {
		if ((copy = malloc(len)) == NULL)
			abort();
		memcpy(copy, data, len);
		fuzz_fix_crcs(copy, n, len);
		data = copy;
	}
	memset(&st, 0, sizeof(st));
	if (ledger_decode_snapshot(data, n, &st, err, sizeof(err)) == 0)
		fuzz_check_state(&st);
	else
		fuzz_base_state(&st);
	fuzz_replay(data + n, len - n, &st);
	free(copy);
	return 0;
}
