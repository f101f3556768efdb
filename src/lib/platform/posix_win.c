/*
 * posix_win.c - the calls declared in posix_win.h.
 */
#include "platform/posix_win.h"

#include <errno.h>
#include <io.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "platform/path.h"

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

char *realpath(const char *path, char *resolved)
{
	char *a = cg_abspath(path);
	if (!a)
		return NULL;
	size_t n = strlen(a);
	if (n >= PATH_MAX) {
		free(a);
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(resolved, a, n + 1);
	free(a);
	return resolved;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **res)
{
	(void)uid, (void)pw, (void)buf, (void)size;
	*res = NULL;
	return 0;
}

FILE *fmemopen(void *buf, size_t size, const char *mode)
{
	if (strcmp(mode, "r") != 0) {
		errno = EINVAL;
		return NULL;
	}
	wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];
	DWORD n = GetTempPathW(MAX_PATH + 1, dir);
	if (n == 0 || n > MAX_PATH || !GetTempFileNameW(dir, L"cgm", 0, name)) {
		errno = EIO;
		return NULL;
	}
	/* w+b: binary; T: kept in memory where possible; D: deleted at close */
	FILE *f = _wfopen(name, L"w+bTD");
	if (!f) {
		DeleteFileW(name);
		return NULL;
	}
	if ((size && fwrite(buf, 1, size, f) != size) || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	return f;
}

typedef struct qsort_ctx {
	int (*cmp)(const void *, const void *, void *);
	void *arg;
} qsort_ctx;

static int qsort_tramp(void *ctx, const void *a, const void *b)
{
	qsort_ctx *c = ctx;
	return c->cmp(a, b, c->arg);
}

void qsort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
             void *arg)
{
	qsort_ctx c = {cmp, arg};
	qsort_s(base, n, size, qsort_tramp, &c);
}

char *strndup(const char *s, size_t n)
{
	size_t len = 0;
	while (len < n && s[len])
		len++;
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}
