/*
 * fileio_win.c - core/fileio.h on Windows (core/fileio.c is the Linux
 * one): the same contract with the wide Win32 file calls, so UTF-8 paths
 * with Vietnamese names work and nothing passes through the C runtime's
 * text mode.
 *
 * Atomic replacement is MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH)
 * after FlushFileBuffers: NTFS makes the rename atomic, as rename(2) is on
 * Linux (the C runtime's rename() refuses an existing target). The mode
 * argument has no Windows meaning: the file takes the ACL of its
 * directory, which the agent's installer restricts (docs/windows.md).
 */
#include "core/fileio.h"

#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "platform/wpath.h"

#define READ_CHUNK 65536

cg_err cg_read_file(const char *path, cg_buf *b, cg_buf *why)
{
	wchar_t w[CG_WPATH_MAX];
	cg_err err = cg_wpath(path, w, why);
	if (err)
		return err;
	HANDLE h =
	    CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
	                NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return cg_win_fail(why, path, NULL, GetLastError());
	for (;;) {
		size_t room = b->max - b->len;
		DWORD n = 0;
		if (room == 0) {
			char probe; /* full: is there more? */
			if (ReadFile(h, &probe, 1, &n, NULL) && n > 0) {
				err = CG_ETOOBIG;
				if (why)
					cg_buf_printf(why, "%s: larger than %zu bytes", path,
					              b->max);
			}
			break;
		}
		size_t want = room < READ_CHUNK ? room : READ_CHUNK;
		if ((err = cg_buf_reserve(b, want)))
			break;
		if (!ReadFile(h, b->ptr + b->len, (DWORD)want, &n, NULL)) {
			err = cg_win_fail(why, path, "read", GetLastError());
			break;
		}
		if (n == 0)
			break;
		b->len += n;
		b->ptr[b->len] = '\0';
	}
	CloseHandle(h);
	return err;
}

/* Writes data to the new file h; false with the error in GetLastError. */
static bool write_all(HANDLE h, const char *p, size_t len)
{
	while (len) {
		DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len, n = 0;
		if (!WriteFile(h, p, chunk, &n, NULL))
			return false;
		p += n;
		len -= n;
	}
	return FlushFileBuffers(h) != 0;
}

cg_err cg_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                            cg_buf *why)
{
	(void)mode;
	char tmp[CG_WPATH_MAX];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		if (why)
			cg_buf_printf(why, "%s: path too long", path);
		return CG_ETOOBIG;
	}
	wchar_t wtmp[CG_WPATH_MAX], wpath[CG_WPATH_MAX];
	cg_err err = cg_wpath(tmp, wtmp, why);
	if (!err)
		err = cg_wpath(path, wpath, why);
	if (err)
		return err;
	HANDLE h =
	    CreateFileW(wtmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return cg_win_fail(why, tmp, NULL, GetLastError());
	if (!write_all(h, data, len)) {
		err = cg_win_fail(why, tmp, "write", GetLastError());
		CloseHandle(h);
		DeleteFileW(wtmp);
		return err;
	}
	CloseHandle(h);
	if (!MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
		err = cg_win_fail(why, path, "rename", GetLastError());
		DeleteFileW(wtmp);
		return err;
	}
	return CG_OK;
}

static bool is_sep(wchar_t c)
{
	return c == L'/' || c == L'\\';
}

/* Where the first component to create starts: after "C:\", after
 * "\\server\share\" (a UNC share cannot be created), or at 1 past a
 * leading separator. */
static size_t first_component(const wchar_t *w)
{
	if (w[0] && w[1] == L':')
		return is_sep(w[2]) ? 3 : 2;
	if (is_sep(w[0]) && is_sep(w[1])) {
		size_t i = 2, seps = 0;
		while (w[i] && seps < 2)
			if (is_sep(w[i++]))
				seps++;
		return i;
	}
	return is_sep(w[0]) ? 1 : 0;
}

cg_err cg_mkdir_p(const char *path, mode_t mode, cg_buf *why)
{
	(void)mode;
	wchar_t w[CG_WPATH_MAX];
	cg_err err = cg_wpath(path, w, why);
	if (err)
		return err;
	for (size_t i = first_component(w);; i++) {
		bool end = w[i] == L'\0';
		if (i > 0 && (end || is_sep(w[i])) && !is_sep(w[i - 1])) {
			wchar_t c = w[i];
			w[i] = L'\0';
			if (!CreateDirectoryW(w, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
				return cg_win_fail(why, path, "mkdir", GetLastError());
			w[i] = c;
		}
		if (end)
			break;
	}
	DWORD a = GetFileAttributesW(w);
	if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_DIRECTORY)) {
		if (why)
			cg_buf_printf(why, "%s: not a directory", path);
		return CG_EIO;
	}
	return CG_OK;
}

/* Depth first over a wide path in p (its length n), which it extends and
 * restores; reparse points (links, junctions) are removed, not entered. */
static void remove_tree_w(wchar_t *p, size_t n, int depth)
{
	DWORD attr = GetFileAttributesW(p);
	if (attr == INVALID_FILE_ATTRIBUTES)
		return;
	if ((attr & FILE_ATTRIBUTE_DIRECTORY) && !(attr & FILE_ATTRIBUTE_REPARSE_POINT) &&
	    depth < 64 && n + 3 < CG_WPATH_MAX) {
		memcpy(p + n, L"\\*", 3 * sizeof(wchar_t));
		WIN32_FIND_DATAW fd;
		HANDLE h = FindFirstFileW(p, &fd);
		p[n] = 0;
		if (h != INVALID_HANDLE_VALUE) {
			do {
				if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
					continue;
				size_t k = wcslen(fd.cFileName);
				if (n + 1 + k + 1 >= CG_WPATH_MAX)
					continue;
				p[n] = L'\\';
				memcpy(p + n + 1, fd.cFileName, (k + 1) * sizeof(wchar_t));
				remove_tree_w(p, n + 1 + k, depth + 1);
				p[n] = 0;
			} while (FindNextFileW(h, &fd));
			FindClose(h);
		}
	}
	if (attr & FILE_ATTRIBUTE_READONLY)
		SetFileAttributesW(p, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY);
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		RemoveDirectoryW(p);
	else
		DeleteFileW(p);
}

void cg_remove_tree(const char *dir)
{
	wchar_t w[CG_WPATH_MAX];
	if (cg_wpath(dir, w, NULL) == CG_OK)
		remove_tree_w(w, wcslen(w), 0);
}
