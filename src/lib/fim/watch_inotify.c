/*
 * watch_inotify.c - FIM's change notification on Linux (fim.h,
 * fim_internal.h): inotify with one watch per directory (IN_CREATE,
 * IN_CLOSE_WRITE, IN_MOVED_TO, IN_MOVED_FROM, IN_DELETE), new directories
 * watched as they appear and the files already in them judged. A queue
 * overflow or the watch limit (fs.inotify.max_user_watches, or
 * CG_MAX_FIM_WATCHES) asks the caller for a full pass. The agent's loop
 * waits on the inotify descriptor (cg_fim_watch_wait).
 */
#include "fim/fim_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"

struct cg_fim_watch {
	int ifd;
	char **wd_dir; /* watch descriptor -> directory */
	size_t nwd;
	uint64_t nwatches;
	bool watch_limited;
};

#define WATCH_MASK                                                                                 \
	(IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF |   \
	 IN_ONLYDIR | IN_DONT_FOLLOW)

static void watch_limit(cg_fim *f, const char *path)
{
	if (f->watch->watch_limited)
		return;
	f->watch->watch_limited = true;
	cg_event ev;
	cg_event_init(&ev);
	ev.severity = CG_SEV_MEDIUM;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("fim"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("watch_limit"));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(path));
	cg_event_set(&ev, CG_EV_SUMMARY,
	             CG_SLICE("inotify watch limit reached: changes below are found only by the "
	                      "periodic hash pass (raise fs.inotify.max_user_watches)"));
	json_object_set_new(ev.evidence, "watched_directories",
	                    json_integer((json_int_t)f->watch->nwatches));
	json_object_set_new(ev.evidence, "path", cg_json_cstr(path));
	if (f->o.emit)
		f->o.emit(f->o.ctx, &ev);
	cg_event_clear(&ev);
}

static bool set_wd(cg_fim *f, int wd, const char *dir)
{
	if ((size_t)wd >= f->watch->nwd) {
		size_t n = (size_t)wd * 2 + 16;
		char **v = realloc(f->watch->wd_dir, n * sizeof *v);
		if (!v)
			return false;
		memset(v + f->watch->nwd, 0, (n - f->watch->nwd) * sizeof *v);
		f->watch->wd_dir = v;
		f->watch->nwd = n;
	}
	if (!f->watch->wd_dir[wd])
		f->watch->nwatches++;
	free(f->watch->wd_dir[wd]);
	f->watch->wd_dir[wd] = strdup(dir);
	return f->watch->wd_dir[wd] != NULL;
}

/* Watches dir and every directory below it; with check, also judges the
 * files found (a directory that appeared with files already in it). */
static void add_tree(cg_fim *f, const char *dir, int depth, bool check)
{
	if (depth > 256 || f->watch->watch_limited)
		return;
	if (f->watch->nwatches >= CG_MAX_FIM_WATCHES) {
		watch_limit(f, dir);
		return;
	}
	int wd = inotify_add_watch(f->watch->ifd, dir, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC)
			watch_limit(f, dir);
		else if (errno != ENOENT && errno != ENOTDIR && f->o.on_problem)
			f->o.on_problem(f->o.ctx, dir, strerror(errno));
		return;
	}
	set_wd(f, wd, dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
			continue;
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			add_tree(f, path, depth + 1, check);
		else if (check && S_ISREG(st.st_mode))
			cg_fim_i_check_file(f, path, "inotify", false);
	}
	closedir(d);
}

cg_err cg_fim_watch_start(cg_fim *f, int *fd)
{
	*fd = -1;
	if (!f->watch) {
		if (!(f->watch = calloc(1, sizeof *f->watch)))
			return CG_ENOMEM;
		f->watch->ifd = -1;
	}
	if (f->watch->ifd < 0) {
		f->watch->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->watch->ifd < 0)
			return CG_EIO;
		for (int i = 0; i < f->nroots; i++)
			add_tree(f, f->roots[i], 0, false);
	}
	*fd = f->watch->ifd;
	return CG_OK;
}

uint64_t cg_fim_watch_count(cg_fim *f)
{
	return f->watch ? f->watch->nwatches : 0;
}

bool cg_fim_watch_wait(cg_fim *f, int timeout_ms)
{
	struct pollfd pf = {f->watch ? f->watch->ifd : -1, POLLIN, 0};
	return poll(&pf, pf.fd >= 0 ? 1 : 0, timeout_ms) > 0;
}

void cg_fim_i_watch_free(cg_fim *f)
{
	if (!f->watch)
		return;
	for (size_t i = 0; i < f->watch->nwd; i++)
		free(f->watch->wd_dir[i]);
	free(f->watch->wd_dir);
	if (f->watch->ifd >= 0)
		close(f->watch->ifd);
	free(f->watch);
	f->watch = NULL;
}

static void handle_event(cg_fim *f, const struct inotify_event *ev, bool *need_pass)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		*need_pass = true;
		return;
	}
	if (ev->wd < 0 || (size_t)ev->wd >= f->watch->nwd || !f->watch->wd_dir[ev->wd])
		return;
	if (ev->mask & IN_IGNORED) {
		free(f->watch->wd_dir[ev->wd]);
		f->watch->wd_dir[ev->wd] = NULL;
		f->watch->nwatches--;
		return;
	}
	if (ev->len == 0 || !ev->name[0])
		return;
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", f->watch->wd_dir[ev->wd], ev->name) >=
	    sizeof path)
		return;
	bool dir = ev->mask & IN_ISDIR;
	if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
		cg_fim_i_gone(f, path, dir, "inotify");
	} else if (dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
		add_tree(f, path, 0, true);
		if (f->watch->watch_limited)
			*need_pass = true;
	} else if (!dir && (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))) {
		cg_fim_i_check_file(f, path, "inotify", false);
	} else if (!dir && (ev->mask & IN_CREATE)) {
		/* an empty new file will be written and closed (IN_CLOSE_WRITE
		 * comes); one born with content is a hard link: judge now */
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			cg_fim_i_check_file(f, path, "inotify", false);
	}
}

cg_err cg_fim_watch_process(cg_fim *f, bool *need_pass)
{
	*need_pass = false;
	if (!f->watch || f->watch->ifd < 0)
		return CG_EINVAL;
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(f->watch->ifd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (p + sizeof *ev > buf + n || p + sizeof *ev + ev->len > buf + n)
				break;
			handle_event(f, ev, need_pass);
			p += sizeof *ev + ev->len;
		}
	}
	cg_fim_i_flush(f);
	return CG_OK;
}
