/*
 * test_fileio.c - core/fileio.h on the file system of the platform it runs
 * on: core/fileio.c on Linux, platform/fileio_win.c on Windows (run under
 * Wine by the Windows build). Both must give the same answers: nested
 * mkdir, atomic replacement of an existing file, bounded reads, a missing
 * file, and a UTF-8 (Vietnamese) name that must reach the file system as
 * that name, not in a legacy code page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/fileio.h"
#include "test.h"

#ifdef _WIN32
#include <wchar.h>
#include <windows.h>
#endif

static char base[512];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", base, rel);
}

/* Cleanup, outside the interface under test. */
static void rm(const char *rel, bool dir)
{
	char p[1024];
	path_of(p, sizeof p, rel);
#ifdef _WIN32
	wchar_t w[1024];
	MultiByteToWideChar(CP_UTF8, 0, p, -1, w, 1024);
	if (dir)
		RemoveDirectoryW(w);
	else
		DeleteFileW(w);
#else
	remove(p);
	(void)dir;
#endif
}

TEST(mkdir_nested)
{
	char p[1024];
	path_of(p, sizeof p, "a/b/c");
	CHECK(cg_mkdir_p(p, 0700, NULL) == CG_OK);
	CHECK(cg_mkdir_p(p, 0700, NULL) == CG_OK); /* exists: fine */
	path_of(p, sizeof p, "a/b/c/f");
	CHECK(cg_write_file_atomic(p, "x", 1, 0600, NULL) == CG_OK);
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_mkdir_p(p, 0700, &why) != CG_OK); /* a file is in the way */
	CHECK(strstr(cg_buf_cstr(&why), "/a/b/c/f") != NULL);
	cg_buf_free(&why);
	rm("a/b/c/f", false);
}

TEST(replace_atomically)
{
	char p[1024];
	path_of(p, sizeof p, "a/state.json");
	CHECK(cg_write_file_atomic(p, "{\"v\":1}", 7, 0600, NULL) == CG_OK);
	/* replacing an existing file (the C runtime's rename refuses that on
	 * Windows) */
	CHECK(cg_write_file_atomic(p, "{\"v\":22}\r\n", 10, 0600, NULL) == CG_OK);
	cg_buf b;
	cg_buf_init(&b, 1 << 16);
	CHECK(cg_read_file(p, &b, NULL) == CG_OK);
	/* bytes as written: no text-mode translation of \r\n */
	CHECK(b.len == 10 && memcmp(b.ptr, "{\"v\":22}\r\n", 10) == 0);
	cg_buf_free(&b);
	rm("a/state.json", false);
}

TEST(read_bounded)
{
	char p[1024];
	path_of(p, sizeof p, "a/big");
	CHECK(cg_write_file_atomic(p, "0123456789", 10, 0600, NULL) == CG_OK);
	cg_buf b, why;
	cg_buf_init(&b, 4);
	cg_buf_init(&why, 1024);
	CHECK(cg_read_file(p, &b, &why) == CG_ETOOBIG);
	CHECK(strstr(cg_buf_cstr(&why), "larger than 4 bytes") != NULL);
	cg_buf_free(&b);
	cg_buf_free(&why);
	rm("a/big", false);
}

TEST(missing)
{
	char p[1024];
	path_of(p, sizeof p, "a/none");
	cg_buf b, why;
	cg_buf_init(&b, 64);
	cg_buf_init(&why, 1024);
	CHECK(cg_read_file(p, &b, &why) == CG_ENOTFOUND);
	CHECK(strstr(cg_buf_cstr(&why), "a/none") != NULL);
	cg_buf_free(&b);
	cg_buf_free(&why);
}

TEST(vietnamese_name)
{
	char p[1024];
	path_of(p, sizeof p, "a/c\xe1\xbb\x9d b\xe1\xba\xa1\x63.txt"); /* "cờ bạc.txt" */
	CHECK(cg_write_file_atomic(p, "t", 1, 0600, NULL) == CG_OK);
	cg_buf b;
	cg_buf_init(&b, 64);
	CHECK(cg_read_file(p, &b, NULL) == CG_OK && b.len == 1);
	cg_buf_free(&b);
#ifdef _WIN32
	/* the name the file system holds is the UTF-16 one */
	wchar_t w[1024];
	int n = MultiByteToWideChar(CP_UTF8, 0, base, -1, w, 1000);
	CHECK(n > 0);
	const wchar_t *tail = L"\\a\\c\x1edd b\x1ea1\x63.txt";
	size_t k = wcslen(w);
	wmemcpy(w + k, tail, wcslen(tail) + 1);
	CHECK(GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES);
#endif
	rm("a/c\xe1\xbb\x9d b\xe1\xba\xa1\x63.txt", false);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp)
		tmp = getenv("TEMP");
	if (!tmp)
		tmp = "/tmp";
	char id[33];
	cg_event_new_id(id);
	snprintf(base, sizeof base, "%s/cg-fileio-%s", tmp, id);
	RUN(mkdir_nested);
	RUN(replace_atomically);
	RUN(read_bounded);
	RUN(missing);
	RUN(vietnamese_name);
	rm("a/b/c", true);
	rm("a/b", true);
	rm("a", true);
	rm("", true);
	return test_done();
}
