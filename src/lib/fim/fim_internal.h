/*
 * fim_internal.h - what the change-notification implementations share with
 * fim.c: the baseline table and the calls that judge a file or a removal.
 * Not for other callers (fim.h is the interface).
 *
 * The notification is one file per platform: watch_inotify.c (Linux,
 * inotify with a watch per directory) and platform/fim_watch_win.c
 * (Windows, ReadDirectoryChangesW over each root's whole tree). Each
 * implements cg_fim_watch_start/wait/process/count of fim.h and
 * cg_fim_i_watch_free, and keeps its state behind f->watch.
 */
#ifndef CG_FIM_INTERNAL_H
#define CG_FIM_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fim/fim.h"

typedef struct entry {
	struct entry *next;
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	uint32_t gen;
	unsigned char sha[32];
} entry;

typedef struct pending {
	cg_event ev;
	char *scan_path; /* non-NULL: hand to the scan hook */
} pending;

struct cg_fim {
	cg_fim_opts o;
	char **roots;
	int nroots;
	char baseline[PATH_MAX];
	pthread_mutex_t mu;
	entry **buckets;
	size_t nbuckets, count;
	uint32_t gen;
	bool first, dirty;
	/* findings collected during a pass */
	pending *pend;
	size_t npend, cappend;
	cg_fim_stats *st;
	/* the change notification's state (watch_inotify.c on Linux,
	 * platform/fim_watch_win.c on Windows); NULL until started */
	struct cg_fim_watch *watch;
};

/* Opens (no symlinks), hashes and judges one file; how is the evidence's
 * "seen by" ("inotify", "ReadDirectoryChangesW", "hash_pass"). */
void cg_fim_i_check_file(cg_fim *f, const char *path, const char *how, bool quiet);
/* A file, or a whole directory, went away (deleted or moved out). */
void cg_fim_i_gone(cg_fim *f, const char *path, bool is_dir, const char *how);
/* Hands the findings collected so far to emit, sync and scan_hook. */
void cg_fim_i_flush(cg_fim *f);
/* Frees f->watch (called by cg_fim_close). */
void cg_fim_i_watch_free(cg_fim *f);

#endif
