/*
 * wtext_win.c - UTF-16 <-> UTF-8 for strings from and to the system
 * (wtext.h), over WideCharToMultiByte/MultiByteToWideChar.
 */
#include "platform/wtext.h"

#include <stdlib.h>
#include <windows.h>

char *cg_utf8_of_w(const wchar_t *w)
{
	if (!w)
		return NULL;
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	char *s = malloc((size_t)n);
	if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
		free(s);
		return NULL;
	}
	return s;
}

wchar_t *cg_w_of_utf8(const char *s)
{
	if (!s)
		return NULL;
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0)
		return NULL;
	wchar_t *w = malloc((size_t)n * sizeof *w);
	if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		return NULL;
	}
	return w;
}
