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

/* GNU memmem: the first occurrence of needle in hay, or NULL. Named
 * cg_memmem in the objects: libyara.a carries a memmem of its own. */
#define memmem cg_memmem
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* POSIX pread: reads at off without using the descriptor's position. */
ssize_t pread(int fd, void *buf, size_t n, off_t off);

/* lstat: Windows' stat does not follow links either way the engines care
 * about (the walker reports reparse points itself), so it stands in. */
#define lstat(path, st) stat((path), (st))

/* O_CLOEXEC: the portable code passes it to every open(); on Windows the
 * same flag keeps the descriptor from child processes (_O_NOINHERIT) and
 * opens it in binary mode (_O_BINARY: no CRLF translation, no stop at
 * ^Z), which is what every such open means. */
#ifndef O_CLOEXEC
#define O_CLOEXEC (0x0080 /* _O_NOINHERIT */ | 0x8000 /* _O_BINARY */)
#endif

/* O_NOFOLLOW: Windows' C runtime opens through no symbolic links of the
 * POSIX kind; reparse points are the walker's business (walk_win.c). */
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif

/* openat and fstatat over the directory descriptors of platform/dirfd.h
 * (implemented in dirfd_win.c): names resolved against the directory's
 * path; a reparse point (link, junction) is refused by openat (ELOOP) and
 * shown by fstatat with AT_SYMLINK_NOFOLLOW as neither file nor directory. */
#ifndef O_DIRECTORY
#define O_DIRECTORY 0x4000000
#endif
#define AT_SYMLINK_NOFOLLOW 0x100
int openat(int dirfd, const char *name, int flags, ...);
int fstatat(int dirfd, const char *name, struct stat *st, int flags);

/* POSIX strndup: a malloc'd copy of at most n bytes of s, terminated. */
char *strndup(const char *s, size_t n);

/* POSIX realpath into resolved[PATH_MAX]: the absolute path of an
 * existing file (platform/path.h's cg_abspath, UTF-8); NULL with errno
 * otherwise (Windows' links are not resolved: the rule-include check
 * compares paths made the same way on both sides). */
char *realpath(const char *path, char *resolved);

/* POSIX fmemopen, read mode only ("r"): a stream over size bytes of buf.
 * Made as a temporary file holding a copy (deleted when closed), since
 * Windows' C runtime has no memory streams; the rule compiler reads rule
 * texts through it. */
#include <stdio.h>
FILE *fmemopen(void *buf, size_t size, const char *mode);

/* GNU qsort_r (comparator's context last), on the C runtime's qsort_s. */
void qsort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
             void *arg);

/* Windows has no user database of this shape: getpwuid_r finds nobody
 * (the YARA "owner" external then holds the number, as for an unknown
 * uid on Linux; mingw's stat gives uid 0). */
typedef short uid_t; /* the type of mingw's st_uid */
struct passwd {
	char *pw_name;
};
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res);

#endif
