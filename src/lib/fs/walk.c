/*
 * walk.c - parallel tree walk (see walk.h).
 *
 * Work is of two kinds, both shared by all threads under one mutex: a
 * stack of directories still to list (LIFO: depth first, so the stack
 * stays short) and a bounded queue of files found but not handled. A
 * thread takes a queued file first (so the queue drains and memory stays
 * bounded), else a directory; it lists the directory itself, pushing
 * subdirectories and queueing files. When the file queue is full the
 * thread handles the file itself instead of waiting, so no thread ever
 * blocks on another and the queue never grows. The walk ends when both
 * are empty and no thread is listing (a listing may add work).
 *
 * Listing is the hot path of a rescan, where nearly every file is settled
 * by the cache: getdents64 into a per-thread buffer (no DIR, no
 * allocation), entries of each buffer sorted by inode number before they
 * are stat'ed (on a cold cache the inode table is read in disk order),
 * one fstatat per entry relative to the directory's fd, the entry's name
 * appended to a per-thread path buffer (the directory part is written
 * once per directory). Only a file that is queued is copied (strdup).
 * Directories and symbolic links known from d_type are not stat'ed here:
 * a directory is opened (O_NOFOLLOW) and fstat'ed when it is listed,
 * which is also where want_dir and one_filesystem are decided.
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
#include <sys/syscall.h>
#include <unistd.h>

#include "core/limits.h"

#define WALK_MAX_THREADS 64
#define DENTS_BUF        (64 * 1024)

/* What the kernel's getdents64 writes (glibc's struct dirent64 has the
 * same layout, but declaring it keeps this file independent of that). */
typedef struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
} linux_dirent64;

typedef struct item {
	char *path;
	struct stat st;
} item;

/* A directory to list, or a root that is a file. */
typedef struct task {
	char *path;
	dev_t root_dev; /* for one_filesystem */
	bool is_root;   /* a root directory: the link to it was followed */
	bool is_file;   /* a root that is a file: st is its stat */
	struct stat st;
} task;

typedef struct walk {
	const cg_walk_opts *opts;
	cg_walk_file_fn on_file;
	cg_walk_problem_fn on_problem;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t work;
	item queue[CG_WALK_QUEUE];
	size_t head, count;
	task *tasks;
	size_t ntasks, taskcap;
	int listing; /* threads listing a directory (which may add work) */
} walk;

/* Per thread: its index and scratch space reused for every directory. */
typedef struct walker {
	walk *w;
	int index;
	char path[PATH_MAX];
	char *dents;
	linux_dirent64 **ents;
	size_t entcap;
} walker;

static const char *const problem_names[] = {
    [CG_WALK_UNREADABLE] = "unreadable",  [CG_WALK_VANISHED] = "vanished",
    [CG_WALK_SPECIAL] = "special file",   [CG_WALK_SYMLINK] = "symbolic link",
    [CG_WALK_TOO_BIG] = "too big",        [CG_WALK_OTHER_FS] = "other filesystem",
    [CG_WALK_MISSING] = "does not exist",
};

const char *cg_walk_problem_name(cg_walk_problem kind)
{
	return (unsigned)kind < sizeof problem_names / sizeof *problem_names ? problem_names[kind]
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

/* Caller holds the mutex. */
static bool push_task(walk *w, const char *path, dev_t root_dev, const struct stat *st,
                      bool is_root)
{
	if (w->ntasks == w->taskcap) {
		size_t cap = w->taskcap ? w->taskcap * 2 : 64;
		task *t = realloc(w->tasks, cap * sizeof *t);
		if (!t)
			return false;
		w->tasks = t;
		w->taskcap = cap;
	}
	task t = {.path = strdup(path), .root_dev = root_dev, .is_root = is_root};
	if (!t.path)
		return false;
	if (st) {
		t.is_file = true;
		t.st = *st;
	}
	w->tasks[w->ntasks++] = t;
	return true;
}

/* A regular file found: settled, queued, or (queue full) handled here. */
static void found_file(walker *k, const char *path, const struct stat *st)
{
	walk *w = k->w;
	if (w->opts->max_file_size && (uint64_t)st->st_size > w->opts->max_file_size) {
		char why[64];
		snprintf(why, sizeof why, "%lld bytes", (long long)st->st_size);
		problem(w, path, CG_WALK_TOO_BIG, why);
		return;
	}
	if (w->opts->settled && w->opts->settled(w->ctx, k->index, path, st))
		return;
	pthread_mutex_lock(&w->mu);
	if (w->count < CG_WALK_QUEUE) {
		char *copy = strdup(path);
		if (copy) {
			w->queue[(w->head + w->count) % CG_WALK_QUEUE] = (item){copy, *st};
			w->count++;
			pthread_cond_signal(&w->work);
			pthread_mutex_unlock(&w->mu);
			return;
		}
	}
	pthread_mutex_unlock(&w->mu);
	w->on_file(w->ctx, k->index, path, st);
}

static void found_other(walker *k, const char *path, const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		problem(k->w, path, CG_WALK_SYMLINK, "not followed");
	else if (!S_ISREG(st->st_mode))
		problem(k->w, path, CG_WALK_SPECIAL, "not a regular file");
	else
		found_file(k, path, st);
}

static int by_inode(const void *a, const void *b)
{
	uint64_t x = (*(linux_dirent64 *const *)a)->d_ino, y = (*(linux_dirent64 *const *)b)->d_ino;
	return x < y ? -1 : x > y;
}

/* Handles the entries of one getdents64 buffer; k->path holds the
 * directory and a slash, dlen bytes. */
static void list_entries(walker *k, const task *t, int dfd, size_t dlen, size_t n, bool *oom)
{
	walk *w = k->w;
	if (n > 1)
		qsort(k->ents, n, sizeof *k->ents, by_inode);
	for (size_t i = 0; i < n; i++) {
		linux_dirent64 *e = k->ents[i];
		size_t nlen = strlen(e->d_name);
		if (dlen + nlen >= sizeof k->path) {
			k->path[dlen] = '\0';
			problem(w, k->path, CG_WALK_UNREADABLE, "path too long");
			continue;
		}
		memcpy(k->path + dlen, e->d_name, nlen + 1);
		if (e->d_type == DT_DIR) {
			pthread_mutex_lock(&w->mu);
			bool ok = push_task(w, k->path, t->root_dev, NULL, false);
			if (ok)
				pthread_cond_signal(&w->work);
			pthread_mutex_unlock(&w->mu);
			if (!ok)
				*oom = true;
			continue;
		}
		if (e->d_type == DT_LNK) {
			problem(w, k->path, CG_WALK_SYMLINK, "not followed");
			continue;
		}
		struct stat st;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			problem(w, k->path, errno == ENOENT ? CG_WALK_VANISHED : CG_WALK_UNREADABLE,
			        strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) { /* d_type unknown on this filesystem */
			pthread_mutex_lock(&w->mu);
			bool ok = push_task(w, k->path, t->root_dev, NULL, false);
			if (ok)
				pthread_cond_signal(&w->work);
			pthread_mutex_unlock(&w->mu);
			if (!ok)
				*oom = true;
			continue;
		}
		found_other(k, k->path, &st);
	}
}

static void list_dir(walker *k, const task *t)
{
	walk *w = k->w;
	/* A root given as a link to a directory is followed, as `find -H`
	 * does; nothing below it is. */
	int dfd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (t->is_root ? 0 : O_NOFOLLOW));
	struct stat st;
	if (dfd < 0 || fstat(dfd, &st) != 0) {
		int e = errno;
		if (e == ELOOP || e == ENOTDIR)
			problem(w, t->path, CG_WALK_VANISHED, "replaced after it was listed");
		else
			problem(w, t->path, e == ENOENT ? CG_WALK_VANISHED : CG_WALK_UNREADABLE,
			        strerror(e));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	if (!t->is_root && w->opts->one_filesystem && st.st_dev != t->root_dev) {
		problem(w, t->path, CG_WALK_OTHER_FS, "mount point not crossed");
		close(dfd);
		return;
	}
	if (w->opts->want_dir && !w->opts->want_dir(w->ctx, t->path, &st)) {
		close(dfd);
		return;
	}
	size_t dlen = strlen(t->path);
	if (dlen + 2 >= sizeof k->path) {
		problem(w, t->path, CG_WALK_UNREADABLE, "path too long");
		close(dfd);
		return;
	}
	memcpy(k->path, t->path, dlen);
	if (!dlen || k->path[dlen - 1] != '/')
		k->path[dlen++] = '/';
	bool oom = false;
	for (;;) {
		long got = syscall(SYS_getdents64, dfd, k->dents, DENTS_BUF);
		if (got < 0) {
			k->path[dlen] = '\0';
			problem(w, t->path, CG_WALK_UNREADABLE, strerror(errno));
			break;
		}
		if (got == 0)
			break;
		size_t n = 0;
		for (long off = 0; off < got;) {
			linux_dirent64 *e = (linux_dirent64 *)(k->dents + off);
			off += e->d_reclen;
			if (e->d_name[0] == '.' &&
			    (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
				continue;
			if (n == k->entcap) {
				size_t cap = k->entcap ? k->entcap * 2 : 1024;
				linux_dirent64 **v = realloc(k->ents, cap * sizeof *v);
				if (!v) {
					oom = true;
					break;
				}
				k->ents = v;
				k->entcap = cap;
			}
			k->ents[n++] = e;
		}
		list_entries(k, t, dfd, dlen, n, &oom);
	}
	if (oom)
		problem(w, t->path, CG_WALK_UNREADABLE, "out of memory: entries skipped");
	close(dfd);
}

static void *thread_main(void *p)
{
	walker *k = p;
	walk *w = k->w;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->count) {
			item it = w->queue[w->head];
			w->head = (w->head + 1) % CG_WALK_QUEUE;
			w->count--;
			pthread_mutex_unlock(&w->mu);
			w->on_file(w->ctx, k->index, it.path, &it.st);
			free(it.path);
			pthread_mutex_lock(&w->mu);
		} else if (w->ntasks) {
			task t = w->tasks[--w->ntasks];
			w->listing++;
			pthread_mutex_unlock(&w->mu);
			if (t.is_file)
				found_file(k, t.path, &t.st);
			else
				list_dir(k, &t);
			free(t.path);
			pthread_mutex_lock(&w->mu);
			if (--w->listing == 0 && !w->count && !w->ntasks)
				pthread_cond_broadcast(&w->work); /* the end */
		} else if (w->listing) {
			pthread_cond_wait(&w->work, &w->mu);
		} else {
			break;
		}
	}
	/* Others may sleep on a listing that ended with files queued. */
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* On the calling thread, before any worker runs. */
static void seed_root(walk *w, const char *root)
{
	struct stat st;
	if (stat(root, &st) != 0) {
		/* a root was never listed: if it is not there, it never was */
		problem(w, root, errno == ENOENT ? CG_WALK_MISSING : CG_WALK_UNREADABLE,
		        strerror(errno));
		return;
	}
	bool ok;
	if (S_ISDIR(st.st_mode)) {
		ok = push_task(w, root, st.st_dev, NULL, true);
	} else if (S_ISREG(st.st_mode)) {
		ok = push_task(w, root, st.st_dev, &st, true);
	} else {
		problem(w, root, CG_WALK_SPECIAL, "not a regular file");
		return;
	}
	if (!ok)
		problem(w, root, CG_WALK_UNREADABLE, "out of memory");
}

cg_err cg_walk(const char *const *roots, int nroots, const cg_walk_opts *opts,
               cg_walk_file_fn on_file, cg_walk_problem_fn on_problem, void *ctx)
{
	static const cg_walk_opts defaults = {0};
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return CG_ENOMEM;
	w->opts = opts ? opts : &defaults;
	w->on_file = on_file;
	w->on_problem = on_problem;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	/* Roots are stacked in reverse so the first is listed first. */
	for (int i = nroots - 1; i >= 0; i--)
		seed_root(w, roots[i]);
	int nthreads = w->opts->threads > 0 ? w->opts->threads : cg_ncpu();
	if (nthreads > WALK_MAX_THREADS)
		nthreads = WALK_MAX_THREADS;
	pthread_t tids[WALK_MAX_THREADS];
	walker *ks = calloc((size_t)nthreads, sizeof *ks);
	int started = 0;
	for (; ks && started < nthreads; started++) {
		walker *k = &ks[started];
		k->w = w;
		k->index = started;
		if (!(k->dents = malloc(DENTS_BUF)) ||
		    pthread_create(&tids[started], NULL, thread_main, k) != 0) {
			free(k->dents);
			break;
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	cg_err err = started ? CG_OK : ks ? CG_EINTERNAL : CG_ENOMEM;
	for (int i = 0; ks && i < started; i++) {
		free(ks[i].dents);
		free(ks[i].ents);
	}
	free(ks);
	/* Nothing ran (no thread could start): the tasks are still there. */
	for (size_t i = 0; i < w->ntasks; i++)
		free(w->tasks[i].path);
	free(w->tasks);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	free(w);
	return err;
}
