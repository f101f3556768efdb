/*
 * path_linux.c - path.h on Linux.
 */
#include "platform/path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

char *cg_abspath(const char *path)
{
	return realpath(path, NULL);
}

bool cg_path_is_absolute(const char *path)
{
	return path[0] == '/';
}

int64_t cg_stat_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

int64_t cg_stat_ctime_ns(const struct stat *st)
{
	return (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

void cg_hostname(char *out, size_t size)
{
	if (size < 2 || gethostname(out, size - 1) != 0)
		snprintf(out, size, "localhost");
	else
		out[size - 1] = '\0';
}
