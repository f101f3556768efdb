/*
 * fmap_win.c - cg_fmap on Windows (fmap.h): CreateFileMappingW on the
 * descriptor's handle, read-only, and one view of the first size bytes.
 * The mapping handle is closed once the view exists (the view holds the
 * mapping); the sequential hint has no equivalent for a view and is
 * ignored.
 */
#include "platform/fmap.h"

#include <errno.h>
#include <io.h>

#include <windows.h>

const void *cg_fmap(int fd, size_t size, bool sequential)
{
	(void)sequential;
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	if (h == INVALID_HANDLE_VALUE || size == 0) {
		errno = EINVAL;
		return NULL;
	}
	HANDLE m = CreateFileMappingW(h, NULL, PAGE_READONLY, 0, 0, NULL);
	if (!m) {
		errno = EIO;
		return NULL;
	}
	const void *v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, size);
	CloseHandle(m);
	if (!v)
		errno = ENOMEM;
	return v;
}

void cg_funmap(const void *view, size_t size)
{
	(void)size;
	UnmapViewOfFile(view);
}
