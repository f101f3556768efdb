/*
 * path_win.c - path.h on Windows: wide calls, UTF-8 results.
 */
#include "platform/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>

#include "platform/wpath.h"

char *cg_abspath(const char *path)
{
	wchar_t w[CG_WPATH_MAX], full[CG_WPATH_MAX];
	if (cg_wpath(path, w, NULL)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	DWORD n = GetFullPathNameW(w, CG_WPATH_MAX, full, NULL);
	if (n == 0 || n >= CG_WPATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES) {
		errno = ENOENT;
		return NULL;
	}
	/* no trailing separator, except a drive's root ("C:\") */
	while (n > 3 && (full[n - 1] == L'\\' || full[n - 1] == L'/'))
		full[--n] = L'\0';
	int len = WideCharToMultiByte(CP_UTF8, 0, full, -1, NULL, 0, NULL, NULL);
	char *out = len > 0 ? malloc((size_t)len) : NULL;
	if (!out || !WideCharToMultiByte(CP_UTF8, 0, full, -1, out, len, NULL, NULL)) {
		free(out);
		errno = ENOMEM;
		return NULL;
	}
	for (char *p = out; *p; p++)
		if (*p == '\\')
			*p = '/';
	return out;
}

static bool is_sep(char c)
{
	return c == '/' || c == '\\';
}

bool cg_path_is_absolute(const char *path)
{
	if (((path[0] | 0x20) >= 'a' && (path[0] | 0x20) <= 'z') && path[1] == ':')
		return is_sep(path[2]);
	return is_sep(path[0]) && is_sep(path[1]);
}

int64_t cg_stat_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtime * 1000000000LL;
}

int64_t cg_stat_ctime_ns(const struct stat *st)
{
	return (int64_t)st->st_ctime * 1000000000LL;
}

void cg_hostname(char *out, size_t size)
{
	wchar_t w[256];
	DWORD n = 256;
	if (size < 2 || !GetComputerNameExW(ComputerNameDnsHostname, w, &n) ||
	    !WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)size, NULL, NULL))
		snprintf(out, size, "localhost");
}
