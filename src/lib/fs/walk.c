/*
 * walk.c - parallel tree walk (see walk.h).
 *
 * The calling thread enumerates: an explicit stack of directories (no
 * recursion, so depth costs heap, not stack), lstat of every entry
 * relative to its directory's fd. Regular files go into a bounded queue;
 * the walker blocks when it is full, so memory stays bounded however big
 * the tree. Worker threads pop paths and call on_file. When enumeration
 * ends the queue is closed and the workers drain it and exit.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"

#define WALK_MAX_THREADS 64

typedef struct item {
	char *path;
	struct stat st;
} item;

typedef struct walk {
	const cg_walk_opts *opts;
	cg_walk_file_fn on_file;
	cg_walk_problem_fn on_problem;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	item queue[CG_WALK_QUEUE];
	size_t head, count;
	bool closed;
	dev_t root_dev;
} walk;

typedef struct worker_arg {
	walk *w;
	int index;
} worker_arg;

static const char *const problem_names[] = {
	[CG_WALK_UNREADABLE] = "unreadable", [CG_WALK_VANISHED] = "vanished",
	[CG_WALK_SPECIAL] = "special file",  [CG_WALK_SYMLINK] = "symbolic link",
	[CG_WALK_TOO_BIG] = "too big",       [CG_WALK_OTHER_FS] = "other filesystem",
	[CG_WALK_MISSING] = "does not exist",
};

const char *cg_walk_problem_name(cg_walk_problem kind)
{
	return (unsigned)kind < sizeof problem_names / sizeof *problem_names
		       ? problem_names[kind]
		       : "problem";
}

int cg_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > WALK_MAX_THREADS ? WALK_MAX_THREADS : (int)n;
}

int cg_walk_open(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* O_NONBLOCK only guarded the open against fifos swapped in. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static void problem(walk *w, const char *path, cg_walk_problem kind, const char *reason)
{
	if (w->on_problem)
		w->on_problem(w->ctx, path, kind, reason);
}

static void *worker_main(void *p)
{
	worker_arg *a = p;
	walk *w = a->w;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->count == 0 && !w->closed)
			pthread_cond_wait(&w->not_empty, &w->mu);
		if (w->count == 0) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		item it = w->queue[w->head];
		w->head = (w->head + 1) % CG_WALK_QUEUE;
		w->count--;
		pthread_cond_signal(&w->not_full);
		pthread_mutex_unlock(&w->mu);
		w->on_file(w->ctx, a->index, it.path, &it.st);
		free(it.path);
	}
}

static void enqueue(walk *w, const char *path, const struct stat *st)
{
	char *copy = strdup(path);
	if (!copy) {
		problem(w, path, CG_WALK_UNREADABLE, "out of memory");
		return;
	}
	pthread_mutex_lock(&w->mu);
	while (w->count == CG_WALK_QUEUE)
		pthread_cond_wait(&w->not_full, &w->mu);
	w->queue[(w->head + w->count) % CG_WALK_QUEUE] = (item){ copy, *st };
	w->count++;
	pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->mu);
}

/* Handles one non-directory entry already lstat'ed. */
static void visit_file(walk *w, const char *path, const struct stat *st)
{
	if (S_ISLNK(st->st_mode)) {
		problem(w, path, CG_WALK_SYMLINK, "not followed");
	} else if (!S_ISREG(st->st_mode)) {
		problem(w, path, CG_WALK_SPECIAL, "not a regular file");
	} else if (w->opts->max_file_size && (uint64_t)st->st_size > w->opts->max_file_size) {
		char why[64];
		snprintf(why, sizeof why, "%lld bytes", (long long)st->st_size);
		problem(w, path, CG_WALK_TOO_BIG, why);
	} else {
		enqueue(w, path, st);
	}
}

typedef struct dirstack {
	char **paths;
	size_t n, cap;
} dirstack;

static bool push(dirstack *s, const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **p = realloc(s->paths, cap * sizeof *p);
		if (!p)
			return false;
		s->paths = p;
		s->cap = cap;
	}
	return (s->paths[s->n] = strdup(path)) ? (s->n++, true) : false;
}

static void scan_dir(walk *w, const char *dirpath, dirstack *stack)
{
	int dfd = open(dirpath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		problem(w, dirpath, errno == ENOENT ? CG_WALK_VANISHED : CG_WALK_UNREADABLE,
			strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	char path[PATH_MAX];
	struct dirent *de;
	size_t dlen = strlen(dirpath);
	bool slash = dlen > 0 && dirpath[dlen - 1] == '/';
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int n = snprintf(path, sizeof path, "%s%s%s", dirpath, slash ? "" : "/", de->d_name);
		if (n < 0 || (size_t)n >= sizeof path) {
			problem(w, dirpath, CG_WALK_UNREADABLE, "path too long");
			continue;
		}
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			problem(w, path, errno == ENOENT ? CG_WALK_VANISHED : CG_WALK_UNREADABLE,
				strerror(errno));
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			visit_file(w, path, &st);
		} else if (w->opts->one_filesystem && st.st_dev != w->root_dev) {
			problem(w, path, CG_WALK_OTHER_FS, "mount point not crossed");
		} else if (!w->opts->want_dir || w->opts->want_dir(w->ctx, path)) {
			if (!push(stack, path))
				problem(w, path, CG_WALK_UNREADABLE, "out of memory");
		}
	}
	if (errno)
		problem(w, dirpath, CG_WALK_UNREADABLE, strerror(errno));
	closedir(d);
}

static void walk_root(walk *w, const char *root)
{
	struct stat st;
	/* A root named on the command line is followed if it is a link, as
	 * `find -H` does; nothing below it is. */
	if (stat(root, &st) != 0) {
		/* a root was never listed: if it is not there, it never was */
		problem(w, root, errno == ENOENT ? CG_WALK_MISSING : CG_WALK_UNREADABLE,
			strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		visit_file(w, root, &st);
		return;
	}
	w->root_dev = st.st_dev;
	dirstack stack = { 0 };
	if (!push(&stack, root)) {
		problem(w, root, CG_WALK_UNREADABLE, "out of memory");
		return;
	}
	while (stack.n) {
		char *dir = stack.paths[--stack.n];
		scan_dir(w, dir, &stack);
		free(dir);
	}
	free(stack.paths);
}

cg_err cg_walk(const char *const *roots, int nroots, const cg_walk_opts *opts,
	       cg_walk_file_fn on_file, cg_walk_problem_fn on_problem, void *ctx)
{
	static const cg_walk_opts defaults = { 0 };
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return CG_ENOMEM;
	w->opts = opts ? opts : &defaults;
	w->on_file = on_file;
	w->on_problem = on_problem;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->not_empty, NULL);
	pthread_cond_init(&w->not_full, NULL);
	int nthreads = w->opts->threads > 0 ? w->opts->threads : cg_ncpu();
	if (nthreads > WALK_MAX_THREADS)
		nthreads = WALK_MAX_THREADS;
	pthread_t tids[WALK_MAX_THREADS];
	worker_arg args[WALK_MAX_THREADS];
	int started = 0;
	for (; started < nthreads; started++) {
		args[started] = (worker_arg){ w, started };
		if (pthread_create(&tids[started], NULL, worker_main, &args[started]) != 0)
			break;
	}
	cg_err err = started ? CG_OK : CG_EINTERNAL;
	if (!err)
		for (int i = 0; i < nroots; i++)
			walk_root(w, roots[i]);
	pthread_mutex_lock(&w->mu);
	w->closed = true;
	pthread_cond_broadcast(&w->not_empty);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
	free(w);
	return err;
}
