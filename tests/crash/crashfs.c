/*
 * The filesystem crashstates assumes (see crashstates.c for its rules): the
 * log of the ops the ledger made, when each became durable, and every disk
 * a crash at each point of that log can leave, built in memory and
 * written out as a directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashfs.h"

#define SECTOR		512
#define ALL_SUBSETS_MAX	10		/* unsynced sectors enumerated fully */
#define RANDOM_SUBSETS	16
#define PIECES_MAX	65536

struct op	crash_ops[CRASH_OPS_MAX];
int		crash_nops;

/* Log one op (its kind; the caller fills the rest). */
struct op *
crashfs_add(int kind)
{
	struct op	*o;

	if (crash_nops == CRASH_OPS_MAX)
		die("more than %d ops", CRASH_OPS_MAX);
	o = &crash_ops[crash_nops++];
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	o->ino = -1;
	return o;
}

/* Free the data the log holds. */
void
crashfs_free(void)
{
	for (int i = 0; i < crash_nops; i++)
		free(crash_ops[i].data);
	crash_nops = 0;
}

/* When each op becomes durable: the first sync after it that covers it. */
void
crashfs_durability(void)
{
	for (int j = 0; j < crash_nops; j++) {
		struct op *o = &crash_ops[j];

		o->durable_at = -1;
		for (int s = j + 1; s < crash_nops && o->durable_at < 0; s++) {
			struct op *y = &crash_ops[s];

			switch (o->kind) {
			case OP_TRUNC:
			case OP_WRITE:
				if (y->kind == OP_SYNC && y->ino == o->ino)
					o->durable_at = s;
				break;
			case OP_CREATE:
			case OP_RENAME:
			case OP_UNLINK:
				if (y->kind == OP_DIRSYNC)
					o->durable_at = s;
				break;
			case OP_MKDIR:
				if (y->kind == OP_PARENTSYNC)
					o->durable_at = s;
				break;
			default:
				o->durable_at = j;	/* syncs change nothing */
			}
		}
		if (o->durable_at < 0)
			o->durable_at = crash_nops;
	}
}

/* A piece of an unsynced write: one sector's part of it, or a truncate. */
struct piece {
	int	op;
	size_t	off, len;	/* within the op's data */
};

/* The slot of a name, or -1. */
static int
mfs_find(const struct mfs *fs, const char *name)
{
	for (int i = 0; i < fs->nnames; i++)
		if (strcmp(fs->name[i], name) == 0)
			return i;
	return -1;
}

/* Bind name to inode ino, replacing what it named. */
static void
mfs_bind(struct mfs *fs, const char *name, int ino)
{
	int	i = mfs_find(fs, name);

	if (i < 0) {
		if (fs->nnames == CRASH_NAMES_MAX)
			die("too many names");
		i = fs->nnames++;
		snprintf(fs->name[i], sizeof(fs->name[i]), "%s", name);
	}
	fs->name_ino[i] = ino;
}

/* Remove a name. */
static void
mfs_unbind(struct mfs *fs, const char *name)
{
	int	i = mfs_find(fs, name);

	if (i >= 0) {
		fs->nnames--;
		memmove(fs->name[i], fs->name[i + 1], sizeof(fs->name[0]) *
		    (size_t)(fs->nnames - i));
		memmove(&fs->name_ino[i], &fs->name_ino[i + 1],
		    sizeof(int) * (size_t)(fs->nnames - i));
	}
}

/* Write len bytes at off into a model file, growing it. */
static void
mfile_write(struct mfile *f, size_t off, const uint8_t *b, size_t len)
{
	if (off + len > f->cap) {
		size_t	cap = (off + len) * 2;

		if ((f->b = realloc(f->b, cap)) == NULL)
			die("realloc");
		memset(f->b + f->cap, 0, cap - f->cap);
		f->cap = cap;
	}
	if (off > f->len)
		memset(f->b + f->len, 0, off - f->len);	/* a hole */
	memcpy(f->b + off, b, len);
	if (off + len > f->len)
		f->len = off + len;
}

/* Free a model. */
static void
mfs_free(struct mfs *fs)
{
	for (int i = 0; i < CRASH_INO_MAX; i++)
		free(fs->ino[i].b);
}

/*
 * Build the disk a crash before op p leaves: durable ops all applied, of
 * the rest the first ndir directory ops and the data pieces in mask.
 */
static void
mfs_build(struct mfs *fs, int p, int ndir, const struct piece *pc, int npc,
    const uint8_t *mask)
{
	int	dirseen = 0;

	memset(fs, 0, sizeof(*fs));
	for (int j = 0; j < p; j++) {
		const struct op	*o = &crash_ops[j];
		int		 durable = o->durable_at < p;

		switch (o->kind) {
		case OP_MKDIR:
		case OP_CREATE:
		case OP_RENAME:
		case OP_UNLINK:
			if (!durable && dirseen++ >= ndir)
				break;
			if (o->kind == OP_MKDIR)
				fs->dir = 1;
			else if (o->kind == OP_CREATE)
				mfs_bind(fs, o->name, o->ino);
			else if (o->kind == OP_RENAME &&
			    mfs_find(fs, o->name) >= 0) {
				int ino = fs->name_ino[mfs_find(fs, o->name)];

				mfs_unbind(fs, o->name);
				mfs_bind(fs, o->to, ino);
			} else if (o->kind == OP_UNLINK)
				mfs_unbind(fs, o->name);
			break;
		case OP_TRUNC:
		case OP_WRITE:
			for (int k = 0; k < npc; k++) {
				if (pc[k].op != j || (!durable && !mask[k]))
					continue;
				if (o->kind == OP_TRUNC)
					fs->ino[o->ino].len = 0;
				else
					mfile_write(&fs->ino[o->ino],
					    o->off + pc[k].off,
					    o->data + pc[k].off, pc[k].len);
			}
			break;
		}
	}
}

/* The pieces of every data op before p (a write by sector, a truncate
 * whole), and how many directory ops before p are not yet durable. */
static int
pieces_of(int p, struct piece *pc, int max, int *ndir, int *npending)
{
	int	n = 0;

	*ndir = *npending = 0;
	for (int j = 0; j < p; j++) {
		const struct op	*o = &crash_ops[j];
		int		 pending = o->durable_at >= p;

		if (o->kind == OP_MKDIR || o->kind == OP_CREATE ||
		    o->kind == OP_RENAME || o->kind == OP_UNLINK) {
			*ndir += pending;
			continue;
		}
		if (o->kind != OP_TRUNC && o->kind != OP_WRITE)
			continue;
		for (size_t at = 0; at < (o->kind == OP_TRUNC ? 1 : o->len);) {
			size_t	end = o->kind == OP_TRUNC ? 1 :
				    ((o->off + at) / SECTOR + 1) * SECTOR - o->off;

			if (end > o->len && o->kind == OP_WRITE)
				end = o->len;
			if (n == max)
				die("too many pieces");
			pc[n].op = j;
			pc[n].off = at;
			pc[n].len = end - at;
			/* durable pieces first in the list is not needed:
			 * mask entries of durable pieces are ignored */
			if (pending)
				(*npending)++;
			n++;
			at = end;
		}
	}
	return n;
}

/* The file a name of the model's state dir holds, or NULL. */
const struct mfile *
crashfs_find(const struct mfs *fs, const char *name)
{
	int	i = fs->dir ? mfs_find(fs, name) : -1;

	return i < 0 ? NULL : &fs->ino[fs->name_ino[i]];
}

/* Write the model's state dir as sdir, inside crash_dir (made here). */
void
crashfs_write(const struct mfs *fs, const char *crash_dir, const char *sdir)
{
	char	path[256];
	int	fd;

	if (mkdir(crash_dir, 0700) == -1)
		die("%s: %s", crash_dir, strerror(errno));
	if (!fs->dir)
		return;
	if (mkdir(sdir, 0750) == -1)
		die("%s: %s", sdir, strerror(errno));
	for (int i = 0; i < fs->nnames; i++) {
		const struct mfile *f = &fs->ino[fs->name_ino[i]];

		snprintf(path, sizeof(path), "%s/%s", sdir, fs->name[i]);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640)) == -1 ||
		    (f->len && write(fd, f->b, f->len) != (ssize_t)f->len))
			die("%s: %s", path, strerror(errno));
		close(fd);
	}
}

/* splitmix64, so the random subsets are the same every run. */
static uint64_t
rnd(void)
{
	static uint64_t	s = 20261204;
	uint64_t	z = (s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Build one state and check it. */
static void
one_state(int p, int ndir, const struct piece *pc, int npc,
    const uint8_t *mask, void (*check)(const struct mfs *, int p))
{
	struct mfs	*fs = calloc(1, sizeof(*fs));

	if (fs == NULL)
		die("calloc");
	mfs_build(fs, p, ndir, pc, npc, mask);
	check(fs, p);
	mfs_free(fs);
	free(fs);
}

/* Every crash state at crash point p (before op p), each given to check. */
void
crashfs_states(int p, void (*check)(const struct mfs *, int p))
{
	static struct piece	pc[65536];
	static uint8_t		mask[65536];
	int			idx[64], npc, ndir, npend, k = 0;

	npc = pieces_of(p, pc, 65536, &ndir, &npend);
	for (int i = 0; i < npc; i++)
		if (crash_ops[pc[i].op].durable_at >= p) {
			if (k < 64)
				idx[k] = i;
			k++;
		}
	if (k > 64)
		die("%d unsynced pieces at op %d", k, p);
	for (int q = 0; q <= ndir; q++) {
		memset(mask, 0, (size_t)npc);
		if (k <= ALL_SUBSETS_MAX) {
			for (uint32_t m = 0; m < (1u << k); m++) {
				for (int i = 0; i < k; i++)
					mask[idx[i]] = (m >> i) & 1;
				one_state(p, q, pc, npc, mask, check);
			}
			continue;
		}
		for (int n = 0; n <= k; n++) {	/* in order, a prefix */
			for (int i = 0; i < k; i++)
				mask[idx[i]] = i < n;
			one_state(p, q, pc, npc, mask, check);
		}
		for (int x = 0; x < k; x++) {	/* one lost, one alone */
			for (int i = 0; i < k; i++)
				mask[idx[i]] = i != x;
			one_state(p, q, pc, npc, mask, check);
			for (int i = 0; i < k; i++)
				mask[idx[i]] = i == x;
			one_state(p, q, pc, npc, mask, check);
		}
		for (int r = 0; r < RANDOM_SUBSETS; r++) {
			for (int i = 0; i < k; i++)
				mask[idx[i]] = rnd() & 1;
			one_state(p, q, pc, npc, mask, check);
		}
	}
}

