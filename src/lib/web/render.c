/*
 * render.c - headless Chromium as a subprocess (see render.h).
 */
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/timeutil.h"

#define MAX_ARGS 48

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

static void child(const cg_render_opts *o, const char *url, const char *profile, int out_fd)
{
	setpgid(0, 0);
	dup2(out_fd, 1);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 2);
	}
	char ua[600], dir[600];
	snprintf(ua, sizeof ua, "--user-agent=%s", o->user_agent ? o->user_agent : "");
	snprintf(dir, sizeof dir, "--user-data-dir=%s", profile);
	char *argv[MAX_ARGS];
	int n = 0;
	argv[n++] = (char *)(o->chromium ? o->chromium : "chromium");
	static const char *const fixed[] = {
	    "--headless",
	    "--disable-gpu",
	    "--disable-dev-shm-usage",
	    "--no-first-run",
	    "--disable-background-networking",
	    "--disable-component-update",
	    "--disable-sync",
	    "--disable-default-apps",
	    "--disable-extensions",
	    "--no-pings",
	    "--mute-audio",
	    "--virtual-time-budget=3000",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		argv[n++] = (char *)fixed[i];
	if (geteuid() == 0)
		argv[n++] = "--no-sandbox"; /* chromium refuses to run as root otherwise */
	argv[n++] = ua;
	argv[n++] = dir;
	char *extra = o->extra_args ? strdup(o->extra_args) : NULL;
	for (char *t = extra; t && *t && n < MAX_ARGS - 3;) {
		while (*t == ' ')
			t++;
		if (!*t)
			break;
		argv[n++] = t;
		t += strcspn(t, " ");
		if (*t)
			*t++ = '\0';
	}
	argv[n++] = "--dump-dom";
	argv[n++] = (char *)url;
	argv[n] = NULL;
	execvp(argv[0], argv);
	_exit(127);
}

cg_err cg_web_render(const cg_render_opts *o, const char *url, cg_buf *out, char errmsg[256])
{
	errmsg[0] = '\0';
	const char *tmpdir = getenv("TMPDIR");
	char profile[512];
	snprintf(profile, sizeof profile, "%s/canhgac-render.XXXXXX",
	         tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(profile)) {
		snprintf(errmsg, 256, "cannot create a profile directory: %s", strerror(errno));
		return CG_EIO;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		rmdir(profile);
		snprintf(errmsg, 256, "pipe: %s", strerror(errno));
		return CG_EIO;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		int w = dup(fds[1]); /* without O_CLOEXEC, survives exec */
		child(o, url, profile, w);
	}
	close(fds[1]);
	cg_err err = CG_OK;
	if (pid < 0) {
		snprintf(errmsg, 256, "fork: %s", strerror(errno));
		close(fds[0]);
		rmdir(profile);
		return CG_EIO;
	}
	int64_t deadline = cg_mono_ms() + o->timeout_ms;
	char chunk[65536];
	for (;;) {
		int64_t left = deadline - cg_mono_ms();
		if (left <= 0) {
			err = CG_ETIMEOUT;
			snprintf(errmsg, 256, "chromium did not finish within %ld ms",
			         o->timeout_ms);
			break;
		}
		struct pollfd p = {fds[0], POLLIN, 0};
		int r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(fds[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (cg_buf_append(out, chunk, (size_t)n) != CG_OK) {
			err = CG_ETOOBIG;
			snprintf(errmsg, 256, "rendered page larger than %u bytes",
			         CG_MAX_WEB_PAGE);
			break;
		}
	}
	close(fds[0]);
	kill(-pid, SIGKILL); /* the renderer and zygote children too */
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!err && WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		err = CG_ENOTFOUND;
		snprintf(errmsg, 256, "cannot run %s", o->chromium ? o->chromium : "chromium");
	} else if (!err && out->len == 0) {
		err = CG_EIO;
		snprintf(errmsg, 256, "chromium produced no page (exit status %d)",
		         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	nftw(profile, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return err;
}
