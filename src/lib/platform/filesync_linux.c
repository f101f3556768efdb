/*
 * filesync_linux.c - see filesync.h: fdatasync, fsync of an O_DIRECTORY
 * descriptor, flock.
 */
#include "platform/filesync.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

struct cg_dir_handle {
	int fd;
};

int cg_fdatasync(int fd)
{
	return fdatasync(fd);
}

cg_dir_handle *cg_dir_open(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	cg_dir_handle *d = malloc(sizeof *d);
	if (!d) {
		close(fd);
		return NULL;
	}
	d->fd = fd;
	return d;
}

int cg_dir_sync(cg_dir_handle *d)
{
	return fsync(d->fd);
}

void cg_dir_close(cg_dir_handle *d)
{
	if (d) {
		close(d->fd);
		free(d);
	}
}

int cg_lock_exclusive(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB);
}
