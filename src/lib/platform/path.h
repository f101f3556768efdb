/*
 * path.h - file-system names and file times the portable code needs in
 * one form on every platform.
 *
 * cg_abspath: the absolute form of an existing path, for state that must
 * not depend on the working directory (FIM baselines). Linux: realpath(3)
 * (symlinks resolved). Windows: GetFullPathNameW, in UTF-8 with '/'
 * between components ("C:/inetpub/wwwroot"), the separator the walker
 * adds, so prefixes compare as on Linux.
 *
 * cg_path_is_absolute: what cg_abspath returns looks like this (Linux:
 * "/..."; Windows: "C:/...", "C:\...", or a UNC "//server/share").
 *
 * cg_stat_mtime_ns: a struct stat's modification time in nanoseconds
 * since 1970 (Linux: st_mtim; Windows' struct stat holds seconds).
 *
 * cg_hostname: this machine's name for events' host field (Linux:
 * gethostname; Windows: the DNS host name), "localhost" when unknown.
 */
#ifndef CG_PLATFORM_PATH_H
#define CG_PLATFORM_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Malloc'd absolute path of an existing file or directory; NULL with
 * errno set (ENOENT when it does not exist). The caller frees it. */
char *cg_abspath(const char *path);

bool cg_path_is_absolute(const char *path);

int64_t cg_stat_mtime_ns(const struct stat *st);
/* The status-change time likewise (Windows: the creation time, whole
 * seconds, the nearest that its stat offers). */
int64_t cg_stat_ctime_ns(const struct stat *st);

void cg_hostname(char *out, size_t size);

#endif
