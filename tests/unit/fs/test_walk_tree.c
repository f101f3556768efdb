/*
 * test_walk_tree.c - fs/walk.h on the platform it runs on: fs/walk.c on
 * Linux, platform/walk_win.c on Windows (under Wine in the Windows
 * build). The cases use only what both platforms have (directories,
 * regular files, a Vietnamese name), made through core/fileio.h; the
 * Linux-only cases (symlinks, fifos) are in test_walk.c. Each walk runs
 * with one thread and with four: the same files, sizes and problems.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "core/fileio.h"
#include "fs/walk.h"
#include "../test.h"

#ifdef _WIN32
#include <windows.h>
#endif

static char base[512];

static const struct {
	const char *rel;
	size_t size;
} files[] = {
    {"a.txt", 3},      {"sub/b.txt", 5},  {"sub/deep/c.bin", 1000},
    {"skip/d.txt", 7}, {"big.dat", 5000}, {"t\xc3\xa0i li\xe1\xbb\x87u/e.txt", 11},
};
#define NFILES (sizeof files / sizeof files[0])

typedef struct seen {
	pthread_mutex_t mu;
	int count[NFILES];
	int other, problems[8], max_worker;
	long long bytes;
} seen;

static int index_of(const char *path)
{
	size_t bl = strlen(base);
	if (strncmp(path, base, bl) != 0 || path[bl] != '/')
		return -1;
	for (size_t i = 0; i < NFILES; i++)
		if (strcmp(path + bl + 1, files[i].rel) == 0)
			return (int)i;
	return -1;
}

static void on_file(void *ctx, int worker, const char *path, const struct stat *st)
{
	seen *s = ctx;
	pthread_mutex_lock(&s->mu);
	int i = index_of(path);
	if (i >= 0 && (size_t)st->st_size == files[i].size)
		s->count[i]++;
	else
		s->other++;
	s->bytes += st->st_size;
	if (worker > s->max_worker)
		s->max_worker = worker;
	pthread_mutex_unlock(&s->mu);
}

static void on_problem(void *ctx, const char *path, cg_walk_problem kind, const char *reason)
{
	seen *s = ctx;
	(void)path;
	(void)reason;
	pthread_mutex_lock(&s->mu);
	if ((unsigned)kind < 8)
		s->problems[kind]++;
	pthread_mutex_unlock(&s->mu);
}

static void walk(const char *root, const cg_walk_opts *o, seen *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	const char *roots[] = {root};
	CHECK(cg_walk(roots, 1, o, on_file, on_problem, s) == CG_OK);
	pthread_mutex_destroy(&s->mu);
}

static int nproblems(const seen *s)
{
	int n = 0;
	for (int i = 0; i < 8; i++)
		n += s->problems[i];
	return n;
}

TEST(every_file_once)
{
	for (int threads = 1; threads <= 4; threads += 3) {
		cg_walk_opts o = {.threads = threads};
		seen s;
		walk(base, &o, &s);
		for (size_t i = 0; i < NFILES; i++)
			CHECK(s.count[i] == 1);
		CHECK(s.other == 0);
		CHECK(nproblems(&s) == 0);
		CHECK(s.bytes == 3 + 5 + 1000 + 7 + 5000 + 11);
		CHECK(s.max_worker < threads);
	}
}

TEST(too_big_reported)
{
	cg_walk_opts o = {.threads = 2, .max_file_size = 2000};
	seen s;
	walk(base, &o, &s);
	CHECK(s.count[4] == 0); /* big.dat */
	CHECK(s.problems[CG_WALK_TOO_BIG] == 1);
	CHECK(s.count[0] == 1 && s.count[2] == 1);
}

static bool not_skip(void *ctx, const char *path, const struct stat *st)
{
	(void)ctx;
	(void)st;
	size_t n = strlen(path);
	return !(n >= 5 && strcmp(path + n - 5, "/skip") == 0);
}

TEST(want_dir_prunes)
{
	cg_walk_opts o = {.threads = 4, .want_dir = not_skip};
	seen s;
	walk(base, &o, &s);
	CHECK(s.count[3] == 0); /* skip/d.txt */
	CHECK(s.count[0] == 1 && s.count[5] == 1);
	CHECK(nproblems(&s) == 0);
}

static bool txt_settled(void *ctx, int worker, const char *path, const struct stat *st)
{
	(void)ctx;
	(void)worker;
	(void)st;
	size_t n = strlen(path);
	return n >= 4 && strcmp(path + n - 4, ".txt") == 0;
}

TEST(settled_skips_on_file)
{
	cg_walk_opts o = {.threads = 4, .settled = txt_settled};
	seen s;
	walk(base, &o, &s);
	CHECK(s.count[2] == 1 && s.count[4] == 1);
	CHECK(s.count[0] == 0 && s.count[1] == 0 && s.count[3] == 0 && s.count[5] == 0);
}

TEST(roots_missing_and_file)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/none", base);
	seen s;
	walk(p, NULL, &s);
	CHECK(s.problems[CG_WALK_MISSING] == 1 && nproblems(&s) == 1);
	snprintf(p, sizeof p, "%s/sub/b.txt", base);
	walk(p, NULL, &s);
	CHECK(s.count[1] == 1 && nproblems(&s) == 0);
}

TEST(open_regular_only)
{
	char p[1024];
	struct stat st;
	snprintf(p, sizeof p, "%s/sub/deep/c.bin", base);
	int fd = cg_walk_open(p, &st);
	CHECK(fd >= 0 && st.st_size == 1000);
	char b[16];
	CHECK(fd >= 0 && read(fd, b, sizeof b) == (ssize_t)sizeof b && b[0] == 'x');
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof p, "%s/sub", base);
	CHECK(cg_walk_open(p, &st) < 0);
}

static void rm(const char *rel, bool dir)
{
	char p[1024];
	snprintf(p, sizeof p, "%s%s%s", base, *rel ? "/" : "", rel);
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

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp)
		tmp = getenv("TEMP");
	if (!tmp)
		tmp = "/tmp";
	char id[33];
	cg_event_new_id(id);
	snprintf(base, sizeof base, "%s/cg-walk-%s", tmp, id);
	static char data[5000];
	memset(data, 'x', sizeof data);
	for (size_t i = 0; i < NFILES; i++) {
		char p[1024], d[1024];
		snprintf(p, sizeof p, "%s/%s", base, files[i].rel);
		snprintf(d, sizeof d, "%s", p);
		*strrchr(d, '/') = '\0';
		if (cg_mkdir_p(d, 0700, NULL) ||
		    cg_write_file_atomic(p, data, files[i].size, 0600, NULL)) {
			printf("Bail out! cannot make %s\n", p);
			return 1;
		}
	}
	RUN(every_file_once);
	RUN(too_big_reported);
	RUN(want_dir_prunes);
	RUN(settled_skips_on_file);
	RUN(roots_missing_and_file);
	RUN(open_regular_only);
	for (size_t i = 0; i < NFILES; i++)
		rm(files[i].rel, false);
	const char *dirs[] = {"sub/deep", "sub", "skip", "t\xc3\xa0i li\xe1\xbb\x87u", ""};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		rm(dirs[i], true);
	return test_done();
}
