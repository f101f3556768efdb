/*
 * dirfd_win.c - see dirfd.h: a directory "descriptor" is a descriptor of
 * the NUL device (a real, unique number the C runtime will not reuse while
 * it is open) recorded with the directory's path in a small table; openat
 * and fstatat (posix_win.h) resolve names against that path.
 */
#include "platform/dirfd.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>

#include "platform/wpath.h"

#define MAX_DIRFDS 64 /* open at once: a bundle tree is at most 16 deep */

static struct {
	int fd;
	char *path;
} table[MAX_DIRFDS];
static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cg_dirfd_open(const char *dir)
{
	if (!is_dir(dir)) {
		errno = ENOTDIR;
		return -1;
	}
	char *p = strdup(dir);
	int fd = p ? _open("NUL", _O_RDONLY | _O_NOINHERIT) : -1;
	if (fd < 0) {
		free(p);
		return -1;
	}
	pthread_mutex_lock(&table_mu);
	int slot = -1;
	for (int i = 0; i < MAX_DIRFDS && slot < 0; i++)
		if (!table[i].path)
			slot = i;
	if (slot >= 0) {
		table[slot].fd = fd;
		table[slot].path = p;
	}
	pthread_mutex_unlock(&table_mu);
	if (slot < 0) {
		_close(fd);
		free(p);
		errno = EMFILE;
		return -1;
	}
	return fd;
}

/* The path of a directory descriptor, copied into out; false if unknown. */
static bool path_of(int dirfd, char *out, size_t size)
{
	bool ok = false;
	pthread_mutex_lock(&table_mu);
	for (int i = 0; i < MAX_DIRFDS; i++)
		if (table[i].path && table[i].fd == dirfd) {
			ok = (size_t)snprintf(out, size, "%s", table[i].path) < size;
			break;
		}
	pthread_mutex_unlock(&table_mu);
	return ok;
}

DIR *cg_dirfd_opendir(int dirfd)
{
	char p[PATH_MAX];
	if (!path_of(dirfd, p, sizeof p)) {
		errno = EBADF;
		return NULL;
	}
	return opendir(p);
}

void cg_dirfd_close(int dirfd)
{
	pthread_mutex_lock(&table_mu);
	for (int i = 0; i < MAX_DIRFDS; i++)
		if (table[i].path && table[i].fd == dirfd) {
			free(table[i].path);
			table[i].path = NULL;
		}
	pthread_mutex_unlock(&table_mu);
	_close(dirfd);
}

/* dirfd's path + "/" + name; false (errno set) when unknown or too long. */
static bool join(int dirfd, const char *name, char *out, size_t size)
{
	char d[PATH_MAX];
	if (!path_of(dirfd, d, sizeof d)) {
		errno = EBADF;
		return false;
	}
	if ((size_t)snprintf(out, size, "%s/%s", d, name) >= size) {
		errno = ENAMETOOLONG;
		return false;
	}
	return true;
}

static bool is_reparse(const char *path)
{
	wchar_t w[CG_WPATH_MAX];
	if (cg_wpath(path, w, NULL))
		return false;
	DWORD a = GetFileAttributesW(w);
	return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT);
}

int openat(int dirfd, const char *name, int flags, ...)
{
	int mode = 0;
	if (flags & _O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	char p[PATH_MAX];
	if (!join(dirfd, name, p, sizeof p))
		return -1;
	if (is_reparse(p)) {
		errno = ELOOP; /* no-follow is the only way the callers open */
		return -1;
	}
	if (flags & O_DIRECTORY)
		return cg_dirfd_open(p);
	return _open(p, flags, mode);
}

int fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	char p[PATH_MAX];
	if (!join(dirfd, name, p, sizeof p))
		return -1;
	if ((flags & AT_SYMLINK_NOFOLLOW) && is_reparse(p)) {
		memset(st, 0, sizeof *st); /* neither a file nor a directory */
		return 0;
	}
	return stat(p, st);
}
