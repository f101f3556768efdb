/*
 * posix_win.c - the calls declared in posix_win.h.
 */
#include "platform/posix_win.h"

#include <errno.h>
#include <io.h>
#include <string.h>

#include <windows.h>

void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	const unsigned char *h = hay, *n = needle;
	if (nlen == 0)
		return (void *)h;
	if (hlen < nlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		const unsigned char *p = memchr(h + i, n[0], hlen - nlen + 1 - i);
		if (!p)
			return NULL;
		i = (size_t)(p - h);
		if (memcmp(p, n, nlen) == 0)
			return (void *)p;
	}
	return NULL;
}

/* A positioned ReadFile on the descriptor's handle; end of file is 0. */
ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	if (h == INVALID_HANDLE_VALUE || off < 0) {
		errno = EBADF;
		return -1;
	}
	unsigned long long o = (unsigned long long)off;
	OVERLAPPED at = {.Offset = (DWORD)o, .OffsetHigh = (DWORD)(o >> 32)};
	DWORD got = 0, want = n > 0x40000000u ? 0x40000000u : (DWORD)n;
	if (!ReadFile(h, buf, want, &got, &at)) {
		if (GetLastError() == ERROR_HANDLE_EOF)
			return 0;
		errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}
