/* Unit tests for fs/walk: every regular file seen exactly once across
 * workers; symlinks, fifos and big files reported, not followed. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/walk.h"
#include "../test.h"

typedef struct seen {
	pthread_mutex_t mu;
	int files, symlinks, special, too_big, unreadable, missing, vanished;
	long long bytes;
	int max_worker;
} seen;

static void on_file(void *ctx, int worker, const char *path, const struct stat *st)
{
	seen *s = ctx;
	(void)path;
	pthread_mutex_lock(&s->mu);
	s->files++;
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
	if (kind == CG_WALK_SYMLINK)
		s->symlinks++;
	else if (kind == CG_WALK_SPECIAL)
		s->special++;
	else if (kind == CG_WALK_TOO_BIG)
		s->too_big++;
	else if (kind == CG_WALK_MISSING && ++s->missing)
		s->unreadable++;
	else if (kind == CG_WALK_VANISHED && ++s->vanished)
		s->unreadable++;
	else
		s->unreadable++;
	pthread_mutex_unlock(&s->mu);
}

static char root[256];

static void put(const char *rel, size_t size)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	for (size_t i = 0; i < size; i++)
		fputc('x', f);
	fclose(f);
}

static void setup_tree(void)
{
	snprintf(root, sizeof root, "/tmp/cg-walk-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	char p[512];
	const char *dirs[] = {"e", "a", "a/b", "a/b/c", "d"}; /* e stays empty */
	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
		mkdir(p, 0755);
	}
	for (int i = 0; i < 5000; i++) { /* more than the queue holds */
		snprintf(p, sizeof p, "a/b/c/f%d", i);
		put(p, 1);
	}
	put("d/big", 5000);
	put("top", 10);
	snprintf(p, sizeof p, "%s/d/out", root);
	CHECK(symlink("/etc", p) == 0);
	snprintf(p, sizeof p, "%s/d/fifo", root);
	CHECK(mkfifo(p, 0600) == 0);
}

TEST(walks_every_file_once)
{
	setup_tree();
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	cg_walk_opts o = {.threads = 4, .max_file_size = 4096};
	const char *roots[] = {root};
	CHECK(cg_walk(roots, 1, &o, on_file, on_problem, &s) == CG_OK);
	CHECK(s.files == 5001);
	CHECK(s.bytes == 5010);
	CHECK(s.symlinks == 1);
	CHECK(s.special == 1);
	CHECK(s.too_big == 1);
	CHECK(s.unreadable == 0);
	CHECK(s.max_worker < 4);
}

TEST(single_file_and_missing_roots)
{
	char f[512], missing[512];
	snprintf(f, sizeof f, "%s/top", root);
	snprintf(missing, sizeof missing, "%s/nope", root);
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	const char *roots[] = {f, missing};
	CHECK(cg_walk(roots, 2, NULL, on_file, on_problem, &s) == CG_OK);
	CHECK(s.files == 1);
	CHECK(s.unreadable == 1);
	/* a root that was never there "does not exist": it did not vanish */
	CHECK(s.missing == 1 && s.vanished == 0);
	CHECK_STR(cg_walk_problem_name(CG_WALK_MISSING), "does not exist");
}

/* settled: files declared done are never handed to on_file, and each
 * file is offered exactly once; want_dir sees the directory's own stat. */
typedef struct settle {
	seen s;
	int offered, settled;
	int dirs_offered;
	ino_t skip_ino;
} settle;

static bool settle_odd(void *ctx, int worker, const char *path, const struct stat *st)
{
	settle *t = ctx;
	(void)worker;
	(void)path;
	pthread_mutex_lock(&t->s.mu);
	t->offered++;
	bool done = st->st_ino % 2 == 1;
	t->settled += done;
	pthread_mutex_unlock(&t->s.mu);
	return done;
}

static bool skip_one_dir(void *ctx, const char *path, const struct stat *st)
{
	settle *t = ctx;
	(void)path;
	pthread_mutex_lock(&t->s.mu);
	t->dirs_offered++;
	pthread_mutex_unlock(&t->s.mu);
	return st->st_ino != t->skip_ino;
}

TEST(settled_files_are_not_handed_on)
{
	settle t = {.s = {.mu = PTHREAD_MUTEX_INITIALIZER}};
	char p[512];
	struct stat dst;
	snprintf(p, sizeof p, "%s/d", root);
	CHECK(stat(p, &dst) == 0);
	t.skip_ino = dst.st_ino; /* d holds big, out, fifo */
	cg_walk_opts o = {.threads = 3, .settled = settle_odd, .want_dir = skip_one_dir};
	const char *roots[] = {root};
	CHECK(cg_walk(roots, 1, &o, on_file, on_problem, &t) == CG_OK);
	CHECK(t.offered == 5001);
	CHECK(t.settled > 0 && t.settled < 5001);
	CHECK(t.s.files == 5001 - t.settled);
	CHECK(t.s.symlinks == 0 && t.s.special == 0); /* all in the skipped d */
	CHECK(t.dirs_offered == 6);                   /* root, a, a/b, a/b/c, d, e */
}

/* Many directories listed by several threads at once: every file once. */
TEST(many_directories_in_parallel)
{
	char top[512], p[600];
	snprintf(top, sizeof top, "%s/many", root);
	CHECK(mkdir(top, 0755) == 0);
	for (int i = 0; i < 200; i++) {
		snprintf(p, sizeof p, "%s/d%d", top, i);
		CHECK(mkdir(p, 0755) == 0);
		for (int j = 0; j < 3; j++) {
			char f[700];
			snprintf(f, sizeof f, "many/d%d/f%d", i, j);
			put(f, (size_t)j);
		}
	}
	for (int threads = 1; threads <= 8; threads *= 2) {
		seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
		cg_walk_opts o = {.threads = threads};
		const char *roots[] = {top};
		CHECK(cg_walk(roots, 1, &o, on_file, on_problem, &s) == CG_OK);
		CHECK(s.files == 600);
		CHECK(s.bytes == 600);
		CHECK(s.max_worker < threads);
	}
}

/* A root that is an empty directory: nothing, no problem (the first
 * listing of a thread has no entries to sort). */
TEST(empty_root)
{
	char e[512];
	snprintf(e, sizeof e, "%s/e", root);
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	const char *roots[] = {e};
	CHECK(cg_walk(roots, 1, NULL, on_file, on_problem, &s) == CG_OK);
	CHECK(s.files == 0 && s.unreadable == 0);
}

TEST(open_refuses_symlink)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof p, "%s/d/out", root);
	CHECK(cg_walk_open(p, &st) < 0);
	snprintf(p, sizeof p, "%s/top", root);
	int fd = cg_walk_open(p, &st);
	CHECK(fd >= 0 && st.st_size == 10);
	if (fd >= 0)
		close(fd);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	RUN(walks_every_file_once);
	RUN(single_file_and_missing_roots);
	RUN(settled_files_are_not_handed_on);
	RUN(many_directories_in_parallel);
	RUN(empty_root);
	RUN(open_refuses_symlink);
	return test_done();
}
