/*
 * fmap.h - a read-only view of a whole file in memory, for the scanners
 * that hand large files to libraries wanting one buffer (libarchive's
 * memory reader, libyara). Linux: mmap(MAP_PRIVATE) with an optional
 * sequential-access hint (fmap_linux.c). Windows: a read-only file mapping
 * and one view of it (fmap_win.c; the mapping handle is closed at once,
 * the view keeps it alive).
 */
#ifndef CG_PLATFORM_FMAP_H
#define CG_PLATFORM_FMAP_H

#include <stdbool.h>
#include <stddef.h>

/* Maps bytes [0, size) of the open file fd (size > 0, at most the file's
 * size). NULL on failure, with errno set. The fd may be closed after. */
const void *cg_fmap(int fd, size_t size, bool sequential);

/* Unmaps a view cg_fmap returned (with the same size). */
void cg_funmap(const void *view, size_t size);

#endif
