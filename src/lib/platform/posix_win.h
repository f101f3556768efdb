/*
 * posix_win.h - forced into every source of the Windows build
 * (win/meson.build, -include): the few POSIX and GNU calls the portable
 * engines use that mingw-w64's C runtime lacks, with the same contracts,
 * implemented in posix_win.c. Larger differences go through the platform
 * headers (fileio, walk, fmap, path); this file is for single calls whose
 * portable meaning is plain.
 */
#ifndef CG_PLATFORM_POSIX_WIN_H
#define CG_PLATFORM_POSIX_WIN_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* GNU memmem: the first occurrence of needle in hay, or NULL. */
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* POSIX pread: reads at off without using the descriptor's position. */
ssize_t pread(int fd, void *buf, size_t n, off_t off);

/* lstat: Windows' stat does not follow links either way the engines care
 * about (the walker reports reparse points itself), so it stands in. */
#define lstat(path, st) stat((path), (st))

#endif
