/*
 * walk.h - a parallel recursive file-tree walk: N threads share the
 * directories to list and the files to handle.
 *
 * Used by every engine that scans files (malware, secrets, file integrity).
 * The walker never follows symbolic links (so it cannot leave the scanned
 * tree or loop), stays on regular files, and reports every path it could
 * not handle through the problem callback instead of stopping: an
 * unreadable directory, a file that vanished, a special file, a symlink, a
 * file over the size cap. The walk goes on after every problem.
 *
 * Callbacks run concurrently on the walk's threads; `worker`
 * (0..threads-1) lets the caller keep per-thread state (a YARA scanner, a
 * buffer) without locks. The problem callback may run on any thread.
 * Paths handed to callbacks are valid only during the call.
 *
 * `settled` is the fast path of an incremental scan: it sees every
 * regular file with its lstat data on the thread that listed it, before
 * anything is copied or queued, and may declare the file done (say, known
 * clean in a cache). A walk where every file is settled costs what listing
 * the tree costs: one getdents64 per directory buffer, one fstatat per
 * entry, no allocation per file.
 */
#ifndef CG_FS_WALK_H
#define CG_FS_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/error.h"

typedef enum cg_walk_problem {
	CG_WALK_UNREADABLE, /* open/opendir/stat failed (errno in reason) */
	CG_WALK_VANISHED,   /* listed, then gone before it was handled */
	CG_WALK_SPECIAL,    /* device, fifo, socket: skipped */
	CG_WALK_SYMLINK,    /* symbolic link: not followed */
	CG_WALK_TOO_BIG,    /* regular file over max_file_size: skipped */
	CG_WALK_OTHER_FS,   /* mount point skipped with one_filesystem */
	CG_WALK_MISSING,    /* a root that does not exist (never "vanished") */
} cg_walk_problem;

typedef struct cg_walk_opts {
	int threads;            /* threads; 0 = number of cores */
	uint64_t max_file_size; /* 0 = no cap */
	bool one_filesystem;    /* do not cross mount points */
	/* Return false to skip a directory (and everything below it); st is
	 * from fstat of the open directory. */
	bool (*want_dir)(void *ctx, const char *path, const struct stat *st);
	/* Optional: return true when the file needs nothing more (it is then
	 * not handed to on_file). Runs on walk thread `worker`, like
	 * on_file; st is the lstat data of the listing. */
	bool (*settled)(void *ctx, int worker, const char *path, const struct stat *st);
} cg_walk_opts;

/* Called once per regular file that is not settled. st is from lstat at
 * listing time: the file may have changed since; open it with O_NOFOLLOW
 * and fstat again before trusting its identity (cg_walk_open does both). */
typedef void (*cg_walk_file_fn)(void *ctx, int worker, const char *path, const struct stat *st);
typedef void (*cg_walk_problem_fn)(void *ctx, const char *path, cg_walk_problem kind,
                                   const char *reason);

/* Walks each root (a directory or a single file). Returns CG_OK when the
 * walk ran (problems are reported, not returned), CG_ENOMEM or
 * CG_EINTERNAL if the walk itself could not run. */
cg_err cg_walk(const char *const *roots, int nroots, const cg_walk_opts *opts,
               cg_walk_file_fn on_file, cg_walk_problem_fn on_problem, void *ctx);

/* Opens path read-only without following a symlink and fstat()s it into
 * *st. Returns the fd, or -1 with errno set (ELOOP for a symlink swapped
 * in after enumeration). */
int cg_walk_open(const char *path, struct stat *st);

const char *cg_walk_problem_name(cg_walk_problem kind);

/* Number of online CPUs, at least 1. */
int cg_ncpu(void);

#endif
