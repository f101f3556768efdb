/*
 * exedir_win.c - see exedir.h. GetModuleFileNameW of the process, the
 * last path element dropped. The buffer is the longest path Windows
 * allows (CG_WPATH_MAX): Program Files may be deep on a renamed volume,
 * and a truncated name would point at another directory.
 */
#include "platform/exedir.h"

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "platform/wpath.h"
#include "platform/wtext.h"

cg_err cg_exe_dir(const char *sub, char *buf, size_t size)
{
	if (size)
		buf[0] = 0;
	wchar_t exe[CG_WPATH_MAX]; /* 8 KiB on the stack: callable from any thread */
	DWORD n = GetModuleFileNameW(NULL, exe, CG_WPATH_MAX);
	if (!n || n >= CG_WPATH_MAX)
		return CG_EIO;
	char *u = cg_utf8_of_w(exe);
	if (!u)
		return CG_EIO;
	char *slash = NULL;
	for (char *p = u; *p; p++) {
		if (*p == '\\')
			*p = '/';
		if (*p == '/')
			slash = p;
	}
	if (slash)
		*slash = 0;
	int w = sub ? snprintf(buf, size, "%s/%s", u, sub) : snprintf(buf, size, "%s", u);
	free(u);
	if (w < 0 || (size_t)w >= size) {
		if (size)
			buf[0] = 0;
		return CG_ETOOBIG;
	}
	return CG_OK;
}
