/*
 * fim_watch_win.c - FIM's change notification on Windows (fim.h,
 * fim_internal.h): ReadDirectoryChangesW over each web root's whole tree
 * (bWatchSubtree), overlapped, one event per root, so the agent's one
 * thread waits on all of them at once (cg_fim_watch_wait:
 * WaitForMultipleObjects, at most MAXIMUM_WAIT_OBJECTS roots; the policy
 * allows 64) as it waits on the inotify descriptor on Linux.
 *
 * What a record means: an added, modified or renamed-to name is judged
 * (cg_fim_i_check_file hashes it; a directory that appeared is walked and
 * its files judged, as inotify's add_tree does); a removed or renamed-from
 * name is gone (as a file and as a directory, since its kind can no
 * longer be asked). An empty new file is left to its MODIFIED record (as
 * inotify's IN_CREATE waits for IN_CLOSE_WRITE), so a page written after
 * its creation is one finding, not an empty one and a changed one; an
 * empty file never written is found by the next hash pass. Windows reports
 * a write while it happens (there is no close-write), so a file written in
 * several pieces may be judged more than once: each state is a finding
 * with its own hashes, and the last one is the file's.
 *
 * A zero-length completion means the system's buffer overflowed: the
 * caller is told to run a full pass, as for IN_Q_OVERFLOW.
 */
#include "fim/fim_internal.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>

#include "fs/walk.h"
#include "platform/wpath.h"

#define HOW        "ReadDirectoryChangesW"
#define NOTIFY_BUF (64 * 1024) /* the most a network share accepts */
#define NOTIFY_MASK                                                                                \
	(FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME | FILE_NOTIFY_CHANGE_SIZE |    \
	 FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_CREATION)

typedef struct root_watch {
	HANDLE dir, ev;
	OVERLAPPED ov;
	DWORD *buf; /* NOTIFY_BUF bytes, DWORD-aligned as the records are */
	bool pending;
	const char *root; /* f->roots[i] */
} root_watch;

struct cg_fim_watch {
	root_watch w[MAXIMUM_WAIT_OBJECTS];
	int n;
};

static bool arm(root_watch *w)
{
	ResetEvent(w->ev);
	memset(&w->ov, 0, sizeof w->ov);
	w->ov.hEvent = w->ev;
	w->pending = ReadDirectoryChangesW(w->dir, w->buf, NOTIFY_BUF, TRUE, NOTIFY_MASK, NULL,
	                                   &w->ov, NULL);
	return w->pending;
}

cg_err cg_fim_watch_start(cg_fim *f, int *fd)
{
	*fd = -1;
	if (f->watch)
		return CG_OK;
	if (!(f->watch = calloc(1, sizeof *f->watch)))
		return CG_ENOMEM;
	for (int i = 0; i < f->nroots && f->watch->n < MAXIMUM_WAIT_OBJECTS; i++) {
		wchar_t wp[CG_WPATH_MAX];
		if (cg_wpath(f->roots[i], wp, NULL))
			continue;
		root_watch *w = &f->watch->w[f->watch->n];
		w->dir = CreateFileW(
		    wp, FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		    NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, NULL);
		if (w->dir == INVALID_HANDLE_VALUE) {
			if (f->o.on_problem)
				f->o.on_problem(f->o.ctx, f->roots[i],
				                "cannot open for change notification");
			continue;
		}
		w->ev = CreateEventW(NULL, TRUE, FALSE, NULL);
		w->buf = malloc(NOTIFY_BUF);
		w->root = f->roots[i];
		if (!w->ev || !w->buf || !arm(w)) {
			if (f->o.on_problem)
				f->o.on_problem(f->o.ctx, f->roots[i],
				                "ReadDirectoryChangesW failed");
			if (w->ev)
				CloseHandle(w->ev);
			free(w->buf);
			CloseHandle(w->dir);
			memset(w, 0, sizeof *w);
			continue;
		}
		f->watch->n++;
	}
	return CG_OK;
}

uint64_t cg_fim_watch_count(cg_fim *f)
{
	return f->watch ? (uint64_t)f->watch->n : 0;
}

bool cg_fim_watch_wait(cg_fim *f, int timeout_ms)
{
	if (!f->watch || !f->watch->n) {
		Sleep(timeout_ms > 0 ? (DWORD)timeout_ms : 0);
		return false;
	}
	HANDLE hs[MAXIMUM_WAIT_OBJECTS];
	for (int i = 0; i < f->watch->n; i++)
		hs[i] = f->watch->w[i].ev;
	DWORD r = WaitForMultipleObjects((DWORD)f->watch->n, hs, FALSE,
	                                 timeout_ms > 0 ? (DWORD)timeout_ms : 0);
	return r < WAIT_OBJECT_0 + (DWORD)f->watch->n;
}

void cg_fim_i_watch_free(cg_fim *f)
{
	if (!f->watch)
		return;
	for (int i = 0; i < f->watch->n; i++) {
		root_watch *w = &f->watch->w[i];
		if (w->pending) {
			DWORD got;
			CancelIoEx(w->dir, &w->ov);
			GetOverlappedResult(w->dir, &w->ov, &got,
			                    TRUE); /* the buffer is ours again */
		}
		CloseHandle(w->dir);
		CloseHandle(w->ev);
		free(w->buf);
	}
	free(f->watch);
	f->watch = NULL;
}

/* The files already in a directory that appeared (moved in, or created
 * and filled before the record was read). */
static void judge_file(void *ctx, int worker, const char *path, const struct stat *st)
{
	(void)worker;
	(void)st;
	cg_fim_i_check_file(ctx, path, HOW, false);
}

static void skip_problem(void *ctx, const char *path, cg_walk_problem kind, const char *reason)
{
	(void)ctx;
	(void)path;
	(void)kind;
	(void)reason;
}

static void handle(cg_fim *f, const char *root, const FILE_NOTIFY_INFORMATION *ni)
{
	char rel[PATH_MAX];
	int n =
	    WideCharToMultiByte(CP_UTF8, 0, ni->FileName, (int)(ni->FileNameLength / sizeof(WCHAR)),
	                        rel, (int)sizeof rel - 1, NULL, NULL);
	if (n <= 0)
		return;
	rel[n] = '\0';
	for (char *p = rel; *p; p++)
		if (*p == '\\')
			*p = '/';
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", root, rel) >= sizeof path)
		return;
	switch (ni->Action) {
	case FILE_ACTION_REMOVED:
	case FILE_ACTION_RENAMED_OLD_NAME:
		cg_fim_i_gone(f, path, false, HOW);
		cg_fim_i_gone(f, path, true, HOW);
		break;
	case FILE_ACTION_ADDED:
	case FILE_ACTION_MODIFIED:
	case FILE_ACTION_RENAMED_NEW_NAME: {
		struct stat st;
		if (stat(path, &st) != 0)
			break;
		if (S_ISREG(st.st_mode)) {
			/* as inotify's IN_CREATE: an empty new file is about to be
			 * written (its MODIFIED record follows), one born with
			 * content (a copy, a move) is judged now */
			if (ni->Action == FILE_ACTION_ADDED && st.st_size == 0)
				break;
			cg_fim_i_check_file(f, path, HOW, false);
		} else if (S_ISDIR(st.st_mode) && ni->Action != FILE_ACTION_MODIFIED) {
			const char *one[1] = {path};
			cg_walk_opts wo = {.threads = 1};
			cg_walk(one, 1, &wo, judge_file, skip_problem, f);
		}
		break;
	}
	default:
		break;
	}
}

cg_err cg_fim_watch_process(cg_fim *f, bool *need_pass)
{
	*need_pass = false;
	if (!f->watch)
		return CG_EINVAL;
	for (int i = 0; i < f->watch->n; i++) {
		root_watch *w = &f->watch->w[i];
		DWORD got = 0;
		if (!w->pending || !GetOverlappedResult(w->dir, &w->ov, &got, FALSE)) {
			if (w->pending && GetLastError() == ERROR_IO_INCOMPLETE)
				continue;
			/* the root went away or the read failed: the pass will tell */
			*need_pass = true;
			w->pending = false;
			arm(w);
			continue;
		}
		w->pending = false;
		if (got == 0) {
			*need_pass = true; /* overflow: records were lost */
		} else {
			const char *p = (const char *)w->buf, *end = p + got;
			for (;;) {
				const FILE_NOTIFY_INFORMATION *ni =
				    (const FILE_NOTIFY_INFORMATION *)p;
				if (p + offsetof(FILE_NOTIFY_INFORMATION, FileName) > end ||
				    (const char *)ni->FileName + ni->FileNameLength > end)
					break;
				handle(f, w->root, ni);
				if (!ni->NextEntryOffset || ni->NextEntryOffset > (DWORD)(end - p))
					break;
				p += ni->NextEntryOffset;
			}
		}
		if (!arm(w))
			*need_pass = true;
	}
	cg_fim_i_flush(f);
	return CG_OK;
}
