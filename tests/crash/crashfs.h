/*
 * crashstates' model of a filesystem: the ops a session made, and the disk
 * a crash at any point of them can leave (crashfs.c).
 */
#ifndef CRASHFS_H
#define CRASHFS_H

#include <stddef.h>
#include <stdint.h>

#define CRASH_OPS_MAX	4096
#define CRASH_INO_MAX	256		/* files the session creates */
#define CRASH_NAMES_MAX	8		/* names in the state dir at once */

enum op_kind {
	OP_MKDIR,	/* the state dir: durable after its parent's fsync */
	OP_CREATE,	/* name -> new inode: durable after the dir's fsync */
	OP_RENAME,	/* name -> to */
	OP_UNLINK,
	OP_TRUNC,	/* inode to 0 bytes: durable after its sync */
	OP_WRITE,	/* inode, off, len, data */
	OP_SYNC,	/* fsync or fdatasync of inode */
	OP_DIRSYNC,	/* fsync of the state dir */
	OP_PARENTSYNC,	/* fsync of its parent */
};

/* One op of the session, in the order made. */
struct op {
	uint8_t		 kind;
	int		 ino;
	char		 name[16], to[16];
	size_t		 off, len;
	uint8_t		*data;
	int		 durable_at;	/* the sync that makes it durable */
	uint64_t	 acked, issued;	/* the session's seqs when it began */
	int		 epoch;
};

/* A disk a crash leaves: whether the state dir is there, its names, and
 * the contents of every inode. */
struct mfile {
	uint8_t	*b;
	size_t	 len, cap;
};
struct mfs {
	int		dir;
	int		nnames;
	char		name[CRASH_NAMES_MAX][16];
	int		name_ino[CRASH_NAMES_MAX];
	struct mfile	ino[CRASH_INO_MAX];
};

extern struct op	crash_ops[CRASH_OPS_MAX];
extern int		crash_nops;

struct op		*crashfs_add(int kind);
void			 crashfs_free(void);
/* Once the log is complete: when each op became durable. */
void			 crashfs_durability(void);
/* Every disk a crash before op p can leave, each given to check. */
void			 crashfs_states(int p,
			    void (*check)(const struct mfs *, int p));
const struct mfile	*crashfs_find(const struct mfs *, const char *name);
void			 crashfs_write(const struct mfs *, const char *crash_dir,
			    const char *state_dir);

/* The program's: the test itself failed. */
void			 die(const char *fmt, ...)
			    __attribute__((noreturn, format(printf, 1, 2)));

#endif
