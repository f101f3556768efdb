/*
 * filesync_win.c - see filesync.h: FlushFileBuffers, LockFileEx. A
 * directory handle cannot be flushed on Windows (NTFS journals the new
 * name itself), so cg_dir_open only checks that the directory exists.
 */
#include "platform/filesync.h"

#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <windows.h>

struct cg_dir_handle {
	int unused;
};

int cg_fdatasync(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	if (h == INVALID_HANDLE_VALUE || !FlushFileBuffers(h)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

cg_dir_handle *cg_dir_open(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	return calloc(1, sizeof(cg_dir_handle));
}

int cg_dir_sync(cg_dir_handle *d)
{
	(void)d;
	return 0;
}

void cg_dir_close(cg_dir_handle *d)
{
	free(d);
}

int cg_lock_exclusive(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = {0};
	if (h == INVALID_HANDLE_VALUE ||
	    !LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
		errno = EWOULDBLOCK;
		return -1;
	}
	return 0;
}
