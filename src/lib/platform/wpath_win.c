/*
 * wpath_win.c - see wpath.h.
 */
#include "platform/wpath.h"

#include <stdio.h>

#include <windows.h>

cg_err cg_wpath(const char *path, wchar_t out[CG_WPATH_MAX], cg_buf *why)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, out, CG_WPATH_MAX);
	if (n > 0)
		return CG_OK;
	bool too_long = GetLastError() == ERROR_INSUFFICIENT_BUFFER;
	if (why)
		cg_buf_printf(why, "%s: %s", path, too_long ? "path too long" : "not UTF-8");
	return too_long ? CG_ETOOBIG : CG_EINVAL;
}

cg_err cg_win_fail(cg_buf *why, const char *path, const char *what, unsigned long code)
{
	if (why) {
		char msg[256];
		DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
		                         NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), msg,
		                         sizeof msg, NULL);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == '.'))
			n--;
		if (!n)
			n = (DWORD)snprintf(msg, sizeof msg, "error %lu", code);
		cg_buf_printf(why, "%s: %s%s%.*s", path, what ? what : "", what ? ": " : "", (int)n,
		              msg);
	}
	return code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND ? CG_ENOTFOUND : CG_EIO;
}
