/*
 * walk_win.c - fs/walk.h on Windows (fs/walk.c is the Linux one, built on
 * getdents64 and fstatat). The same contract: threads share a stack of
 * directories to list; symbolic links, junctions and every other reparse
 * point are reported (CG_WALK_SYMLINK) and never followed, so the walk
 * cannot leave the tree or loop; devices are special files; each problem
 * is reported and the walk goes on.
 *
 * A directory is listed with FindFirstFileExW (basic information, large
 * fetches), which returns each entry's attributes, size and times with the
 * name: no per-file call is needed to fill the struct stat the callbacks
 * get (mode, size, modification time; st_ino and st_dev are 0, Windows has
 * no stable equivalent in that data). Files are handled on the thread that
 * listed them; the threads share work through the directories, which is
 * enough for the trees the agent walks (a first version: the Linux walker
 * also hands files between threads).
 *
 * Paths handed to callbacks are UTF-8 with '/' between the components the
 * walk added; the roots are passed through as given.
 */
#include "fs/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "platform/wpath.h"

#define WALK_MAX_THREADS 64

typedef struct walk {
	const cg_walk_opts *opts;
	cg_walk_file_fn on_file;
	cg_walk_problem_fn on_problem;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t work;
	char **dirs; /* stack of directories to list (owned) */
	size_t ndirs, cap;
	int active; /* threads listing a directory now */
} walk;

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
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	DWORD n = si.dwNumberOfProcessors;
	return n < 1 ? 1 : n > WALK_MAX_THREADS ? WALK_MAX_THREADS : (int)n;
}

/* Seconds since 1970 from a FILETIME (100 ns since 1601). */
static time_t unix_time(FILETIME ft)
{
	unsigned long long t = ((unsigned long long)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
	return (time_t)(t / 10000000ULL) - (time_t)11644473600LL;
}

static void fill_stat(struct stat *st, DWORD attr, DWORD size_hi, DWORD size_lo, FILETIME mtime)
{
	memset(st, 0, sizeof *st);
	st->st_mode = (attr & FILE_ATTRIBUTE_DIRECTORY) ? (S_IFDIR | 0755) : (S_IFREG | 0644);
	st->st_size = (off_t)(((unsigned long long)size_hi << 32) | size_lo);
	st->st_mtime = unix_time(mtime);
	st->st_nlink = 1;
}

/* A regular file for the walk's purposes: not a directory, not a reparse
 * point, not a device. */
static cg_walk_problem kind_of(DWORD attr, bool *regular)
{
	*regular = false;
	if (attr & FILE_ATTRIBUTE_REPARSE_POINT)
		return CG_WALK_SYMLINK;
	if (attr & FILE_ATTRIBUTE_DEVICE)
		return CG_WALK_SPECIAL;
	*regular = !(attr & FILE_ATTRIBUTE_DIRECTORY);
	return CG_WALK_SPECIAL;
}

int cg_walk_open(const char *path, struct stat *st)
{
	wchar_t w[CG_WPATH_MAX];
	if (cg_wpath(path, w, NULL)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* FILE_FLAG_OPEN_REPARSE_POINT opens a link itself, not its target:
	 * a link swapped in after the listing is then seen and refused. */
	HANDLE h = CreateFileW(
	    w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	    OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		errno = e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? ENOENT : EACCES;
		return -1;
	}
	BY_HANDLE_FILE_INFORMATION fi;
	bool regular = false;
	if (!GetFileInformationByHandle(h, &fi)) {
		CloseHandle(h);
		errno = EIO;
		return -1;
	}
	kind_of(fi.dwFileAttributes, &regular);
	if (!regular) {
		CloseHandle(h);
		errno = (fi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? ELOOP : EINVAL;
		return -1;
	}
	fill_stat(st, fi.dwFileAttributes, fi.nFileSizeHigh, fi.nFileSizeLow, fi.ftLastWriteTime);
	int fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
	if (fd < 0) {
		CloseHandle(h);
		errno = EMFILE;
	}
	return fd;
}

static void problem(walk *w, const char *path, cg_walk_problem kind, const char *reason)
{
	if (w->on_problem)
		w->on_problem(w->ctx, path, kind, reason);
}

/* Caller holds the mutex (or no thread runs yet). */
static bool push_dir(walk *w, const char *path)
{
	if (w->ndirs == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char **d = realloc(w->dirs, cap * sizeof *d);
		if (!d)
			return false;
		w->dirs = d;
		w->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return false;
	w->dirs[w->ndirs++] = copy;
	return true;
}

static void found_file(walk *w, int worker, const char *path, const struct stat *st)
{
	if (w->opts->max_file_size && (uint64_t)st->st_size > w->opts->max_file_size) {
		char why[64];
		snprintf(why, sizeof why, "%lld bytes", (long long)st->st_size);
		problem(w, path, CG_WALK_TOO_BIG, why);
		return;
	}
	if (w->opts->settled && w->opts->settled(w->ctx, worker, path, st))
		return;
	w->on_file(w->ctx, worker, path, st);
}

/* The text of the last Win32 error, for a problem's reason. */
static void win_reason(DWORD code, char *out, size_t n)
{
	DWORD k =
	    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
	                   MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), out, (DWORD)n, NULL);
	while (k && (out[k - 1] == '\n' || out[k - 1] == '\r' || out[k - 1] == '.'))
		out[--k] = '\0';
	if (!k)
		snprintf(out, n, "error %lu", code);
}

static void list_dir(walk *w, int worker, const char *dir)
{
	struct stat dst;
	WIN32_FILE_ATTRIBUTE_DATA da;
	wchar_t wd[CG_WPATH_MAX];
	char why[256];
	if (cg_wpath(dir, wd, NULL)) {
		problem(w, dir, CG_WALK_UNREADABLE, "path too long or not UTF-8");
		return;
	}
	if (!GetFileAttributesExW(wd, GetFileExInfoStandard, &da)) {
		DWORD e = GetLastError();
		win_reason(e, why, sizeof why);
		problem(w, dir,
		        e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? CG_WALK_VANISHED
		                                                               : CG_WALK_UNREADABLE,
		        why);
		return;
	}
	fill_stat(&dst, da.dwFileAttributes, 0, 0, da.ftLastWriteTime);
	if (w->opts->want_dir && !w->opts->want_dir(w->ctx, dir, &dst))
		return;
	size_t wl = wcslen(wd);
	if (wl + 3 > CG_WPATH_MAX) {
		problem(w, dir, CG_WALK_UNREADABLE, "path too long");
		return;
	}
	wchar_t pattern[CG_WPATH_MAX];
	memcpy(pattern, wd, wl * sizeof *wd);
	size_t pl = wl;
	if (pl && wd[pl - 1] != L'\\' && wd[pl - 1] != L'/')
		pattern[pl++] = L'\\';
	pattern[pl++] = L'*';
	pattern[pl] = L'\0';
	WIN32_FIND_DATAW fd;
	HANDLE h = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
	                            FIND_FIRST_EX_LARGE_FETCH);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		if (e == ERROR_FILE_NOT_FOUND) /* empty: not even "." (a drive root) */
			return;
		win_reason(e, why, sizeof why);
		problem(w, dir, e == ERROR_PATH_NOT_FOUND ? CG_WALK_VANISHED : CG_WALK_UNREADABLE,
		        why);
		return;
	}
	size_t dl = strlen(dir);
	bool slash = dl && (dir[dl - 1] == '/' || dir[dl - 1] == '\\');
	do {
		const wchar_t *n = fd.cFileName;
		if (n[0] == L'.' && (n[1] == L'\0' || (n[1] == L'.' && n[2] == L'\0')))
			continue;
		char name[CG_WPATH_MAX * 3], path[CG_WPATH_MAX * 3];
		if (!WideCharToMultiByte(CP_UTF8, 0, n, -1, name, sizeof name, NULL, NULL))
			continue; /* cannot happen for a name within MAX_PATH */
		int k = snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", name);
		if (k < 0 || (size_t)k >= sizeof path) {
			problem(w, dir, CG_WALK_UNREADABLE, "entry path too long");
			continue;
		}
		bool regular;
		cg_walk_problem kind = kind_of(fd.dwFileAttributes, &regular);
		if (kind == CG_WALK_SYMLINK) {
			problem(w, path, CG_WALK_SYMLINK, "not followed");
		} else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
			pthread_mutex_lock(&w->mu);
			bool ok = push_dir(w, path);
			if (ok)
				pthread_cond_signal(&w->work);
			pthread_mutex_unlock(&w->mu);
			if (!ok)
				problem(w, path, CG_WALK_UNREADABLE, "out of memory");
		} else if (!regular) {
			problem(w, path, CG_WALK_SPECIAL, "not a regular file");
		} else {
			struct stat st;
			fill_stat(&st, fd.dwFileAttributes, fd.nFileSizeHigh, fd.nFileSizeLow,
			          fd.ftLastWriteTime);
			found_file(w, worker, path, &st);
		}
	} while (FindNextFileW(h, &fd));
	DWORD e = GetLastError();
	FindClose(h);
	if (e != ERROR_NO_MORE_FILES) {
		win_reason(e, why, sizeof why);
		problem(w, dir, CG_WALK_UNREADABLE, why);
	}
}

typedef struct worker_arg {
	walk *w;
	int index;
} worker_arg;

/* Pops directories until the stack is empty and no thread is listing
 * one (a listing thread may still push more). */
static void *thread_main(void *p)
{
	worker_arg *a = p;
	walk *w = a->w;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->ndirs == 0 && w->active > 0)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->ndirs == 0)
			break;
		char *dir = w->dirs[--w->ndirs];
		w->active++;
		pthread_mutex_unlock(&w->mu);
		list_dir(w, a->index, dir);
		free(dir);
		pthread_mutex_lock(&w->mu);
		w->active--;
		if (w->ndirs == 0 && w->active == 0)
			pthread_cond_broadcast(&w->work);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* On the calling thread, before any worker runs: a file root is handled
 * here (worker 0), a directory root is stacked. */
static void seed_root(walk *w, const char *root)
{
	wchar_t wr[CG_WPATH_MAX];
	WIN32_FILE_ATTRIBUTE_DATA da;
	char why[256];
	if (cg_wpath(root, wr, NULL)) {
		problem(w, root, CG_WALK_UNREADABLE, "path too long or not UTF-8");
		return;
	}
	if (!GetFileAttributesExW(wr, GetFileExInfoStandard, &da)) {
		DWORD e = GetLastError();
		win_reason(e, why, sizeof why);
		/* a root was never listed: if it is not there, it never was */
		problem(w, root,
		        e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? CG_WALK_MISSING
		                                                               : CG_WALK_UNREADABLE,
		        why);
		return;
	}
	bool regular;
	kind_of(da.dwFileAttributes & ~(DWORD)FILE_ATTRIBUTE_REPARSE_POINT, &regular);
	/* A root is walked as named, even through a link: the operator chose it. */
	if (da.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
		if (!push_dir(w, root))
			problem(w, root, CG_WALK_UNREADABLE, "out of memory");
	} else if (regular) {
		struct stat st;
		fill_stat(&st, da.dwFileAttributes, da.nFileSizeHigh, da.nFileSizeLow,
		          da.ftLastWriteTime);
		found_file(w, 0, root, &st);
	} else {
		problem(w, root, CG_WALK_SPECIAL, "not a regular file");
	}
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
	worker_arg args[WALK_MAX_THREADS];
	int started = 0;
	for (; started < nthreads; started++) {
		args[started] = (worker_arg){w, started};
		if (pthread_create(&tids[started], NULL, thread_main, &args[started]) != 0)
			break;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	cg_err err = started ? CG_OK : CG_EINTERNAL;
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i]);
	free(w->dirs);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	free(w);
	return err;
}
