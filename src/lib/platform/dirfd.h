/*
 * dirfd.h - directory descriptors, for code that walks a tree relative to
 * an open directory (openat, fstatat: bundle/bundle.c verifies a rule
 * bundle so, never following a link at any level).
 *
 * Linux: real O_DIRECTORY descriptors (the kernel holds the directory,
 * whatever is renamed meanwhile). Windows has no directory descriptors in
 * its C runtime: dirfd_win.c hands out a placeholder descriptor that
 * stands for the directory's path, and posix_win.h's openat and fstatat
 * join that path with the name and refuse reparse points (links,
 * junctions) where the flags say no-follow. Weaker than Linux against a
 * directory swapped while it is read (a path is resolved again at each
 * call), which for the agent's own data directory (writable by the
 * service only) is no gap.
 */
#ifndef CG_PLATFORM_DIRFD_H
#define CG_PLATFORM_DIRFD_H

#include <dirent.h>

/* -1 with errno on failure. */
int cg_dirfd_open(const char *dir);
/* A listing of the directory (the descriptor stays the caller's). */
DIR *cg_dirfd_opendir(int dirfd);
void cg_dirfd_close(int dirfd);

#endif
