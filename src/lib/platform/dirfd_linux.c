/*
 * dirfd_linux.c - see dirfd.h: O_DIRECTORY descriptors, fdopendir of a dup.
 */
#include "platform/dirfd.h"

#include <fcntl.h>
#include <unistd.h>

int cg_dirfd_open(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

DIR *cg_dirfd_opendir(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	return d;
}

void cg_dirfd_close(int dirfd)
{
	close(dirfd);
}
