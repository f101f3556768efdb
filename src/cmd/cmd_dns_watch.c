/*
 * cmd_dns_watch.c - `canhgac dns watch LOG...`: follow growing resolver
 * logs like `tail -F` and emit an event the moment a client gains a reason
 * (a blocklisted name, enough DGA-like names, a tunnel, a beacon).
 *
 * Following: every --interval milliseconds each log is read from where the
 * last read stopped, until end of file. Before reading, the path is stat'ed:
 * a different inode (logrotate's rename + create) means the old file is
 * read to its end, closed, and the new one opened from its start; a size
 * smaller than our offset (copytruncate) means reading again from 0. A
 * path gone between logrotate's rename and its create keeps the old file
 * open and read (a writer may still append to it) until a new file is
 * there, as `tail -F` does; a log missing at start is waited for. At start, existing content is skipped unless
 * --from-start. Lines are cut in a bounded buffer (CG_DNS_MAX_LINE): a
 * longer line is counted as skipped, like in `dns analyze`. The format of
 * each file is detected on its first complete lines.
 *
 * Output: one cg_event JSON line per new reason (source "dns", kind
 * "infected_client", evidence.trigger = the reason kind, evidence.reasons
 * = all reasons so far), flushed at once; at exit (SIGINT, SIGTERM or
 * --duration) a summary line like `dns analyze --json`. Exit 0 when no
 * event was emitted, 1 when some were, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd_dns_common.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "dns/input.h"

typedef struct follow {
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	off_t off;
	cg_dns_fmt fmt;
	cg_dns_parser parser;
	char *buf; /* the unfinished line */
	size_t have;
	bool discarding;
	uint64_t line_no;
} follow;

typedef struct watch {
	dns_setup s;
	cg_dns_analyzer *a;
	cg_dns_stats st;
	bool from_start;
	long long interval_ms, duration_s;
	uint64_t events;
} watch;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_opt(void *ctx, int id, const char *val)
{
	watch *w = ctx;
	switch (id) {
	case 100:
		w->from_start = true;
		return 0;
	case 101:
		return cg_cli_int(w->s.cli, "interval", val, 10, 60000, &w->interval_ms) ? 0 : 1;
	case 102:
		return cg_cli_int(w->s.cli, "duration", val, 1, 86400 * 365, &w->duration_s) ? 0 : 1;
	}
	int r = dns_setup_option(&w->s, id, val);
	return r < 0 ? 1 : r;
}

static void emit(void *ctx, cg_dns_analyzer *a, uint32_t client, const char *kind)
{
	watch *w = ctx;
	cg_event ev;
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	const char *agency = dns_setup_agency(&w->s, cg_dns_client_ip(a, client));
	if (cg_event_init(&ev) == CG_OK) {
		int64_t now = ev.time_ms;
		if (cg_dns_client_event(a, client, agency, &ev) == CG_OK) {
			ev.time_ms = now; /* when we saw it, not the log's clock */
			json_object_set_new(ev.evidence, "trigger", json_string(kind));
			if (cg_event_encode(&ev, &b) == CG_OK) {
				puts(cg_buf_cstr(&b));
				fflush(stdout);
				w->events++;
			}
		}
		cg_event_clear(&ev);
	}
	cg_buf_free(&b);
}

static void open_file(follow *f, bool at_end)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->off = at_end ? st.st_size : 0;
	f->have = 0;
	f->discarding = false;
	lseek(fd, f->off, SEEK_SET);
}

static void line_out(watch *w, follow *f, cg_slice line)
{
	f->line_no++;
	if (f->fmt == CG_DNS_FMT_AUTO) {
		/* a header line (Zeek, Windows) before the first query: keep
		 * trying on the lines that follow */
		w->st.lines++;
		w->st.other++;
		return;
	}
	cg_dns_feed_line(&f->parser, line, f->line_no, f->path, &w->st,
			 cg_dns_analyzer_add, w->a);
}

/* Splits what is buffered into lines; keeps the unfinished tail. */
static void split(watch *w, follow *f, bool flush_tail)
{
	size_t pos = 0;
	char *nl;
	if (f->fmt == CG_DNS_FMT_AUTO && f->have) {
		/* detect on every complete line buffered so far */
		const char *last = memrchr(f->buf, '\n', f->have);
		size_t n = last ? (size_t)(last - f->buf) + 1 : flush_tail ? f->have : 0;
		if (n) {
			f->fmt = cg_dns_detect((cg_slice){ f->buf, n });
			if (f->fmt == CG_DNS_FMT_PCAP)
				f->fmt = CG_DNS_FMT_AUTO; /* captures are not followed */
			if (f->fmt != CG_DNS_FMT_AUTO)
				cg_dns_parser_init(&f->parser, f->fmt);
		}
	}
	while ((nl = memchr(f->buf + pos, '\n', f->have - pos))) {
		size_t len = (size_t)(nl - (f->buf + pos));
		if (f->discarding)
			f->discarding = false;
		else
			line_out(w, f, (cg_slice){ f->buf + pos, len });
		pos += len + 1;
	}
	memmove(f->buf, f->buf + pos, f->have - pos);
	f->have -= pos;
	if (f->have > CG_DNS_MAX_LINE) {
		if (!f->discarding) {
			f->line_no++;
			w->st.lines++;
			cg_dns_count_skip(&w->st, CG_DNS_SKIP_TOO_LONG, f->line_no, f->path);
			f->discarding = true;
		}
		f->have = 0;
	}
	if (flush_tail && f->have) {
		if (!f->discarding)
			line_out(w, f, (cg_slice){ f->buf, f->have });
		f->have = 0;
		f->discarding = false;
	}
}

static void drain(watch *w, follow *f)
{
	for (;;) {
		ssize_t n = read(f->fd, f->buf + f->have, CG_DNS_MAX_LINE + 1 - f->have);
		if (n <= 0)
			break;
		f->off += n;
		f->have += (size_t)n;
		split(w, f, false);
	}
}

static void poll_file(watch *w, follow *f)
{
	struct stat st;
	bool exists = stat(f->path, &st) == 0;
	if (f->fd < 0) {
		if (exists)
			open_file(f, false); /* appeared after start: all of it */
		if (f->fd < 0)
			return;
	} else if (exists && (st.st_ino != f->ino || st.st_dev != f->dev)) {
		/* rotated away: finish the old file, then follow the new one */
		drain(w, f);
		split(w, f, true);
		close(f->fd);
		f->fd = -1;
		open_file(f, false);
		if (f->fd < 0)
			return;
	} else if (exists && st.st_size < f->off) {
		/* truncated in place */
		f->off = 0;
		f->have = 0;
		f->discarding = false;
		lseek(f->fd, 0, SEEK_SET);
	}
	drain(w, f);
}

int cmd_dns_watch(cg_cli *cli)
{
	static const cg_opt opts[] = {
		DNS_COMMON_OPTS,
		{ "from-start", 0, false, 100 },
		{ "interval", 0, true, 101 },
		{ "duration", 0, true, 102 },
		{ NULL, 0, false, 0 },
	};
	watch w = { .interval_ms = 500 };
	dns_setup_init(&w.s, cli);
	int rc = cg_cli_parse(cli, opts, on_opt, &w);
	if (rc < 0 && cli->npos == 0)
		rc = cg_cli_usage_error(cli, "no log given");
	if (rc < 0 && !dns_setup_load(&w.s))
		rc = CG_EXIT_ERROR;
	if (rc < 0 && cg_dns_analyzer_new(&w.s.opts, w.s.bl, w.s.allow, w.s.dga,
					  w.s.psl, &w.a))
		rc = CG_EXIT_ERROR;
	follow *fs = rc < 0 ? calloc((size_t)cli->npos, sizeof *fs) : NULL;
	if (rc < 0 && !fs)
		rc = CG_EXIT_ERROR;
	if (rc >= 0) {
		cg_dns_analyzer_free(w.a);
		dns_setup_free(&w.s);
		return rc;
	}
	cg_dns_analyzer_on_reason(w.a, emit, &w);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (int i = 0; i < cli->npos; i++) {
		fs[i].path = cli->pos[i];
		fs[i].fd = -1;
		fs[i].fmt = w.s.fmt;
		if (fs[i].fmt != CG_DNS_FMT_AUTO)
			cg_dns_parser_init(&fs[i].parser, fs[i].fmt);
		fs[i].buf = malloc(CG_DNS_MAX_LINE + 1);
		if (!fs[i].buf) {
			stop = 1;
			break;
		}
		open_file(&fs[i], !w.from_start);
		if (fs[i].fd < 0)
			cg_cli_error(cli, "%s: %s (waiting for it)", fs[i].path, cg_tr(strerror(errno)));
	}
	int64_t end = w.duration_s ? cg_mono_ms() + w.duration_s * 1000 : INT64_MAX;
	while (!stop && cg_mono_ms() < end) {
		for (int i = 0; i < cli->npos; i++)
			poll_file(&w, &fs[i]);
		struct timespec ts = { w.interval_ms / 1000, (w.interval_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < cli->npos; i++) {
		if (fs[i].fd >= 0)
			close(fs[i].fd);
		free(fs[i].buf);
	}
	free(fs);
	cg_dns_counts c;
	cg_dns_analyzer_counts(w.a, &c);
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "type", "summary",
			      "lines_read", (json_int_t)w.st.lines, "queries",
			      (json_int_t)w.st.queries, "lines_skipped",
			      (json_int_t)w.st.skipped, "clients_seen",
			      (json_int_t)c.clients, "events", (json_int_t)w.events);
	cg_buf b;
	cg_buf_init(&b, 1 << 16);
	if (o && cg_json_encode(&b, o) == CG_OK)
		puts(cg_buf_cstr(&b));
	cg_buf_free(&b);
	json_decref(o);
	cg_dns_analyzer_free(w.a);
	dns_setup_free(&w.s);
	return w.events ? CG_EXIT_FOUND : CG_EXIT_OK;
}
