/*
 * fmap_linux.c - cg_fmap on Linux (fmap.h): mmap, private and read-only.
 */
#include "platform/fmap.h"

#include <sys/mman.h>

const void *cg_fmap(int fd, size_t size, bool sequential)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (sequential)
		madvise(p, size, MADV_SEQUENTIAL);
	return p;
}

void cg_funmap(const void *view, size_t size)
{
	munmap((void *)view, size);
}
