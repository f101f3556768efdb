/*
 * fileio.h - whole-file reads bounded by a buffer's maximum, atomic
 * replacement of small state files, and directory creation.
 *
 * State files (baselines, credentials, caches) are written to a temporary
 * name, fsynced and renamed over the old one, so a crash leaves either the
 * old file or the new one, never half of each.
 */
#ifndef CG_FILEIO_H
#define CG_FILEIO_H

#include <sys/types.h>

#include "buf.h"

/* Appends the file's contents to b. A file larger than b's room is
 * CG_ETOOBIG. *why (optional) gets "PATH: reason". */
cg_err cg_read_file(const char *path, cg_buf *b, cg_buf *why);
/* Writes data to path atomically with the given mode. */
cg_err cg_write_file_atomic(const char *path, const void *data, size_t len,
			    mode_t mode, cg_buf *why);
/* mkdir -p with the given mode for the directories it creates. */
cg_err cg_mkdir_p(const char *path, mode_t mode, cg_buf *why);
/* rm -rf: removes dir and everything below it, never following a link
 * (Linux: nftw FTW_PHYS; Windows: reparse points removed, not entered).
 * A missing dir is fine; what could not be removed stays. */
void cg_remove_tree(const char *dir);

#endif
