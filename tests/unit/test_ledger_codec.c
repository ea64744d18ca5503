/*
 * The ledger's files as it reads them: a torn end dropped and nothing else
 * lost, corruption refused with the files left as they are, a snapshot
 * damaged or missing, the files of an earlier vendd, and the pure readers
 * (ledger_decode_snapshot, ledger_replay) on real journals and on garbage.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ledger.h"
#include "ledger_fixture.h"

/* A state of three journaled coins (1.00, 0.50, 2.00; credit 3.50) left
 * by a crash: the start of the torn and corrupt journal tests. */
static void
fx_three_coins(struct fx *f)
{
	fx_open(f);
	fx_coin(f, 100, 4);
	fx_coin(f, 50, 2);
	fx_coin(f, 200, 8);
	fx_crash(f);
}

/* XOR one byte of a file at off. */
static void
fx_flip(const struct fx *f, const char *name, size_t off)
{
	size_t	 len;
	uint8_t	*b = fx_read(f, name, &len);

	assert_true(off < len);
	b[off] ^= 0x5a;
	fx_write(f, name, b, len);
	free(b);
}

/* A short record at the end (cut write) is dropped, nothing else lost. */
static void
test_torn_tail_short(void **state)
{
	struct fx	*f = *state;
	size_t		 len;
	uint8_t		*b;

	fx_three_coins(f);
	b = fx_read(f, "journal", &len);
	assert_int_equal(len, JSIZE);
	memcpy(b + 3 * REC, b, REC / 2);	/* half of a record, then zeros */
	fx_write(f, "journal", b, len);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 350);
	assert_int_equal(f->l.st.c.coins[8], 1);
	assert_money_invariant(&f->l.st);
	free(b);
	/* left where it is, after the end: the next start takes it again */
	fx_open(f);
	assert_int_equal(f->l.st.credit, 350);

	/* A journal of an older vendd (appended, never preallocated) that
	 * ends in half a record: the same, and it gets its zeros. */
	fx_coin(f, 100, 4);
	fx_crash(f);
	b = fx_read(f, "journal", &len);
	memcpy(b + REC, b, REC / 2);
	fx_write(f, "journal", b, REC + REC / 2);
	free(b);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 450);
	assert_int_equal(fx_size(f, "journal"), JSIZE);
	assert_money_invariant(&f->l.st);
}

/* A last full record with a bad CRC is a torn write: only it is dropped. */
static void
test_torn_tail_bad_crc(void **state)
{
	struct fx	*f = *state;

	fx_three_coins(f);
	fx_flip(f, "journal", 2 * REC + 17);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 150);
	assert_int_equal(f->l.st.c.coins[8], 0);
	assert_money_invariant(&f->l.st);
	/* Zeros where the last record should be (the write never reached
	 * the disk): after the open's compaction it went to offset 0. */
	fx_coin(f, 100, 4);
	fx_crash(f);
	{
		size_t	 len;
		uint8_t	*b = fx_read(f, "journal", &len);

		memset(b, 0, REC);
		fx_write(f, "journal", b, len);
		free(b);
	}
	fx_open(f);
	assert_int_equal(f->l.st.credit, 150);
}

/* Damage before the last record is corruption: refused, bytes untouched. */
static void
test_corrupt_middle_refused(void **state)
{
	struct fx	*f = *state;
	char		 err[512];
	uint8_t		*j0, *s0, *j1, *s1;
	size_t		 jl0, sl0, jl1, sl1;

	fx_three_coins(f);
	fx_flip(f, "journal", REC + 20);
	j0 = fx_read(f, "journal", &jl0);
	s0 = fx_read(f, "snapshot", &sl0);
	fx_open_fails(f, err, sizeof(err));
	assert_int_equal(strncmp(err, fx_path(f, "journal"),
	    strlen(fx_path(f, "journal"))), 0);
	assert_non_null(strstr(err, "(offset 96): refusing to start"));
	j1 = fx_read(f, "journal", &jl1);
	s1 = fx_read(f, "snapshot", &sl1);
	assert_int_equal(jl0, jl1);
	assert_memory_equal(j0, j1, jl0);
	assert_int_equal(sl0, sl1);
	assert_memory_equal(s0, s1, sl0);
	/* Still refused the second time: nothing was "repaired". */
	fx_open_fails(f, err, sizeof(err));
	free(j1);
	free(s1);

	/* A bad last full record followed by bytes that are no record in
	 * the next slot: after the end, what a torn write or a half-cleared
	 * slot leaves. Only a valid newer record there means one was lost. */
	fx_write(f, "journal", j0, jl0);
	free(j0);
	free(s0);
	fx_flip(f, "journal", REC + 20);	/* undo */
	fx_flip(f, "journal", 2 * REC + 20);
	j0 = fx_read(f, "journal", &jl0);
	memset(j0 + 3 * REC, 0xee, 10);
	fx_write(f, "journal", j0, jl0);
	free(j0);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 150);
	assert_money_invariant(&f->l.st);
}

/* A record lost from the middle (its slot zeros) is corruption: the
 * records after it are newer than where the journal seems to end. The
 * message names the file and the record's offset, not the config key. */
static void
test_zeroed_middle_refused(void **state)
{
	struct fx	*f = *state;
	char		 err[512], want[PATH_MAX + 160];
	size_t		 len;
	uint8_t		*b;

	fx_three_coins(f);
	b = fx_read(f, "journal", &len);
	memset(b + REC, 0, REC);
	fx_write(f, "journal", b, len);
	free(b);
	fx_open_fails(f, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: record seq 4 after the journal's "
	    "end (offset 96): refusing to start; the files are left as they "
	    "are", fx_path(f, "journal"));
	assert_string_equal(err, want);
}

/*
 * Fault 1: a power cut while a compaction's clearing of the journal ran.
 * Clearing zeros the journal a page (or a 512-byte sector) at a time over
 * 48-byte records, so the cut leaves the slot that straddles the boundary
 * half zeros, half an old record, after the journal's end. No state a
 * power cut can leave may be refused: 300 records, a snapshot covering
 * them, the first 4096 or 512 bytes zeroed and the rest left.
 */
static void
test_cut_while_clearing(void **state)
{
	struct fx		*f = *state;
	struct ledger_state	 st;
	uint8_t			*j, *s, *cut;
	size_t			 jl, sl, good;
	char			 err[512];
	size_t			 zeroed[] = { 4096, 512 };

	fx_open(f);
	fx_coins_uncompacted(f, 300);
	fx_crash(f);
	j = fx_read(f, "journal", &jl);		/* the 300 records */
	fx_open(f);				/* a snapshot covering them */
	fx_crash(f);
	s = fx_read(f, "snapshot", &sl);
	cut = malloc(jl);
	assert_non_null(cut);
	for (size_t i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++) {
		memcpy(cut, j, jl);
		memset(cut, 0, zeroed[i]);
		assert_int_equal(ledger_decode_snapshot(s, sl, &st, err,
		    sizeof(err)), 0);
		if (ledger_replay(cut, jl, &st, &good, err, sizeof(err)) == -1)
			fail_msg("%zu bytes cleared: replay refused: %s",
			    zeroed[i], err);
		assert_int_equal(st.credit, 300 * 100);
		fx_write(f, "journal", cut, jl);
		fx_open(f);
		assert_int_equal(f->l.st.credit, 300 * 100);
		assert_money_invariant(&f->l.st);
		fx_crash(f);
	}
	free(cut);
	free(s);
	free(j);
}

/* A damaged snapshot is refused with its path, and left as it is. */
static void
test_corrupt_snapshot_refused(void **state)
{
	struct fx	*f = *state;
	char		 err[512], want[PATH_MAX + 160];
	uint8_t		*s0, *s1;
	size_t		 sl0, sl1;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_open(f);
	fx_crash(f);
	s0 = fx_read(f, "snapshot", &sl0);

	fx_flip(f, "snapshot", 40);		/* inside the body: CRC */
	fx_open_fails(f, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: bad snapshot CRC (offset %zu): "
	    "refusing to start; the files are left as they are",
	    fx_path(f, "snapshot"), sl0 - 4);
	assert_string_equal(err, want);
	s1 = fx_read(f, "snapshot", &sl1);
	assert_int_equal(sl1, sl0);
	assert_int_not_equal(memcmp(s0, s1, sl0), 0);
	s1[40] ^= 0x5a;
	assert_memory_equal(s0, s1, sl0);	/* only our flip */
	free(s1);

	fx_write(f, "snapshot", s0, sl0 - 7);	/* cut short */
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "length"));
	assert_int_equal(fx_size(f, "snapshot"), (long)sl0 - 7);

	fx_write(f, "snapshot", s0, sl0);
	fx_flip(f, "snapshot", 0);		/* magic */
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "magic"));
	assert_non_null(strstr(err, "offset 0"));

	fx_write(f, "snapshot", s0, sl0);	/* intact again: opens */
	fx_open(f);
	assert_int_equal(f->l.st.credit, 100);
	free(s0);
}

/* A journal with no snapshot means the snapshot was lost: refuse. */
static void
test_journal_without_snapshot(void **state)
{
	struct fx	*f = *state;
	char		 err[512];

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_crash(f);
	assert_int_equal(unlink(fx_path(f, "snapshot")), 0);
	fx_open_fails(f, err, sizeof(err));
	assert_int_equal(strncmp(err, fx_path(f, "journal"),
	    strlen(fx_path(f, "journal"))), 0);
	assert_non_null(strstr(err, "snapshot is missing"));
	assert_non_null(strstr(err, ": refusing to start; the files are left "
	    "as they are"));
	assert_int_equal(fx_size(f, "journal"), JSIZE);
	assert_int_equal(fx_size(f, "snapshot"), -1);
	/* right after a compaction the journal is empty: still refused */
	assert_int_equal(truncate(fx_path(f, "journal"), 0), 0);
	fx_open_fails(f, err, sizeof(err));
	assert_non_null(strstr(err, "snapshot is missing"));
	assert_int_equal(fx_size(f, "snapshot"), -1);
}

/* A crash between the snapshot's rename and the journal's truncate. */
static void
test_seq_overlap_skipped(void **state)
{
	struct fx	*f = *state;
	struct outbox	 ob;
	uint8_t		*j;
	size_t		 jl;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_coin(f, 200, 8);
	assert_int_equal(fx_reserve(f, 1, P_COLA, &ob), 0);
	assert_int_equal(fx_done(f, 1, P_COLA, 1, &ob), 0);
	fx_crash(f);
	j = fx_read(f, "journal", &jl);
	assert_int_equal(jl, JSIZE);
	fx_open(f);				/* snapshot covers all four */
	fx_crash(f);
	fx_write(f, "journal", j, 4 * REC);	/* an older vendd's journal,
						 * its truncate never ran */
	free(j);
	fx_open(f);
	assert_int_equal(f->l.st.credit, 150);
	assert_int_equal(f->l.st.c.cash_in, 300);
	assert_int_equal(f->l.st.c.paid_vends, 1);
	assert_int_equal(f->l.st.product[P_COLA].stock, 7);
	assert_int_equal(f->l.st.c.startups, 3);
	assert_money_invariant(&f->l.st);
}

/* The pure replay skips what the state already has and applies the rest. */
static void
test_replay_skips_covered(void **state)
{
	struct fx	*f = *state;
	struct ledger_state st;
	uint8_t		*s, *j;
	size_t		 sl, jl, good;
	char		 err[256];

	fx_open(f);
	s = fx_read(f, "snapshot", &sl);
	for (int i = 0; i < 5; i++)
		fx_coin(f, 10, 1);
	j = fx_read(f, "journal", &jl);
	assert_int_equal(ledger_decode_snapshot(s, sl, &st, err, sizeof(err)),
	    0);
	st.seq += 3;				/* pretend it covers three */
	assert_int_equal(ledger_replay(j, jl, &st, &good, err, sizeof(err)),
	    0);
	assert_int_equal(good, 5 * REC);	/* then the zeros */
	assert_int_equal(st.credit, 20);
	/* A gap (a lost record) is refused. */
	assert_int_equal(ledger_decode_snapshot(s, sl, &st, err, sizeof(err)),
	    0);
	assert_int_equal(ledger_replay(j + REC, jl - REC, &st, &good, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "expected"));
	free(s);
	free(j);
}

/*
 * A machine upgraded in the field: the files of an earlier vendd (the fuzz
 * seed made from a real ledger of that format, a journal appended without
 * preallocation, a vend left pending) open, and the vend is settled.
 */
static void
test_reads_earlier_format(void **state)
{
	struct fx	*f = *state;
	FILE		*fp = fopen(SRCDIR "/tests/fuzz/corpus/ledger/day", "rb");
	uint8_t		 b[4096];
	size_t		 n, slen;

	assert_non_null(fp);
	n = fread(b, 1, sizeof(b), fp);
	fclose(fp);
	slen = (size_t)b[0] | (size_t)b[1] << 8;
	assert_true(n > 4 + slen);
	assert_int_equal(mkdir(f->cf.state_dir, 0750), 0);
	fx_write(f, "snapshot", b + 4, slen);
	fx_write(f, "journal", b + 4 + slen, n - 4 - slen);
	fx_open(f);
	assert_int_equal(f->l.st.c.cash_in, 400);
	assert_int_equal(f->l.st.c.paid_value, 150);
	assert_int_equal(f->l.st.credit, 250);	/* juice settled */
	assert_int_equal(f->l.st.c.unresolved_settled, 1);
	assert_int_equal(f->l.st.c.failed_vends, 1);
	assert_false(f->l.st.pending.active);
	assert_money_invariant(&f->l.st);
}

/* CRC-32 (IEEE) as the file format defines it, to forge valid records. */
static uint32_t
t_crc32(const uint8_t *p, size_t len)
{
	uint32_t	crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Store v little-endian. */
static void
t_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Random bytes. */
static void
t_random(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rand();
}

/* The pure readers on garbage: never crash, never read out of bounds. */
static void
test_garbage_never_crashes(void **state)
{
	struct fx	*f = *state;
	struct ledger_state st;
	uint8_t		*snap, *buf;
	size_t		 sl, good;
	char		 err[256];
	int		 accepted = 0;

	fx_open(f);
	fx_coin(f, 100, 4);
	fx_open(f);
	snap = fx_read(f, "snapshot", &sl);
	srand(7);
	for (int i = 0; i < 3000; i++) {
		size_t	n = (size_t)rand() % 4000;

		buf = malloc(n + 1);	/* exact size: ASan sees overreads */
		t_random(buf, n);
		if (i % 3 == 0 && n >= 8)
			memcpy(buf, "VENDDSNP", 8);
		ledger_decode_snapshot(buf, n, &st, err, sizeof(err));
		memset(&st, 0, sizeof(st));
		ledger_replay(buf, n, &st, &good, err, sizeof(err));
		assert_true(good <= n);
		free(buf);

		/* A real snapshot with a few bytes changed, CRC fixed up. */
		buf = malloc(sl);
		memcpy(buf, snap, sl);
		for (int k = rand() % 4; k >= 0; k--)
			buf[16 + (size_t)rand() % (sl - 20)] = (uint8_t)rand();
		t_le(buf + sl - 4, t_crc32(buf, sl - 4), 4);
		accepted += ledger_decode_snapshot(buf, sl, &st, err,
		    sizeof(err)) == 0;
		free(buf);
	}
	assert_true(accepted > 0);

	/* Records with valid magic and CRC but random fields. */
	for (int i = 0; i < 3000; i++) {
		int	 nrec = 1 + rand() % 8;
		size_t	 n = (size_t)nrec * REC;

		buf = malloc(n);
		assert_int_equal(ledger_decode_snapshot(snap, sl, &st, err,
		    sizeof(err)), 0);
		for (int r = 0; r < nrec; r++) {
			uint8_t	*b = buf + (size_t)r * REC;

			t_random(b, REC);
			t_le(b, 0x4a444e56u, 4);
			if (rand() % 2)
				t_le(b + 4, 1 + (uint64_t)(rand() % 15), 2);
			if (rand() % 2)
				t_le(b + 8, st.seq + 1 + (uint64_t)r, 8);
			if (rand() % 2)
				t_le(b + 6, (uint64_t)(rand() % 4), 2);
			if (rand() % 2)
				t_le(b + 16, (uint64_t)(rand() % 300) - 50, 8);
			t_le(b + 44, t_crc32(b, 44), 4);
		}
		if (ledger_replay(buf, n, &st, &good, err, sizeof(err)) != -1)
			assert_money_invariant(&st);
		free(buf);
	}
	free(snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_torn_tail_short,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_bad_crc,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cut_while_clearing,
		    fx_setup_fast, fx_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_snapshot_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_zeroed_middle_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_journal_without_snapshot,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_seq_overlap_skipped,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_replay_skips_covered,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reads_earlier_format,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_never_crashes,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
