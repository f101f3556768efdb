/*
 * scans.c - the agent's malware and secrets scans (see scans.h).
 *
 * The parent compiles the rules once (lazily, at the first malware scan)
 * and keeps the state; each scan forks a sandboxed child that walks the
 * paths and writes event lines. The child is the only process that opens
 * the scanned files. Runs never overlap: the agent's loop is one thread
 * and a scan returns when its child has exited.
 */
#include "agent/scans.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "malware/rules.h"
#include "malware/scan.h"
#include "secrets/secrets.h"
#include "core/rules_dir.h"
#include "version.h"

static const char *const kind_names[CG_SCAN_NKINDS] = { "malware_incremental", "malware_full",
							"secrets" };

struct cg_agent_scans {
	char data_dir[PATH_MAX];
	int64_t last[CG_SCAN_NKINDS];
	json_t *reported[2]; /* [0] malware, [1] secrets: key -> true */
	cg_mw_rules *rules;
	bool rules_tried;
};

int64_t cg_agent_interval_s(const char *text)
{
	static const struct {
		const char *name;
		int64_t s;
	} named[] = { { "off", 0 },	       { "never", 0 },	      { "hourly", 3600 },
		      { "daily", 86400 },      { "weekly", 604800 }, { "monthly", 2592000 } };
	if (!text)
		return -1;
	for (size_t i = 0; i < sizeof named / sizeof *named; i++)
		if (strcmp(text, named[i].name) == 0)
			return named[i].s;
	cg_slice t = cg_slice_cstr(text);
	int64_t mult = 1;
	if (t.len > 1) {
		switch (t.ptr[t.len - 1]) {
		case 's': mult = 1; t.len--; break;
		case 'm': mult = 60; t.len--; break;
		case 'h': mult = 3600; t.len--; break;
		case 'd': mult = 86400; t.len--; break;
		default: break;
		}
	}
	int64_t v;
	if (cg_parse_i64(t, 0, 100000000, &v))
		return -1;
	return v * mult;
}

/* ---- state ------------------------------------------------------------ */

static void state_path(const cg_agent_scans *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s/scans.json", s->data_dir);
}

cg_agent_scans *cg_agent_scans_open(const char *data_dir)
{
	cg_agent_scans *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	snprintf(s->data_dir, sizeof s->data_dir, "%s", data_dir);
	char path[PATH_MAX + 16];
	state_path(s, path, sizeof path);
	cg_buf b;
	cg_buf_init(&b, CG_MAX_AGENT_SCANS_STATE);
	json_t *j = NULL;
	if (cg_read_file(path, &b, NULL) == CG_OK && cg_json_parse(cg_buf_slice(&b), &j, NULL) == CG_OK &&
	    json_is_object(j)) {
		json_t *last = json_object_get(j, "last");
		for (int k = 0; k < CG_SCAN_NKINDS; k++) {
			json_t *v = json_object_get(last, kind_names[k]);
			s->last[k] = json_is_integer(v) ? json_integer_value(v) : 0;
		}
		json_t *m = json_object_get(j, "malware"), *x = json_object_get(j, "secrets");
		if (json_is_object(m))
			s->reported[0] = json_incref(m);
		if (json_is_object(x))
			s->reported[1] = json_incref(x);
	} else if (b.len) {
		cg_warn("agent: %s is damaged: scan state starts afresh", path);
	}
	json_decref(j);
	cg_buf_free(&b);
	for (int i = 0; i < 2; i++)
		if (!s->reported[i])
			s->reported[i] = json_object();
	return s;
}

void cg_agent_scans_close(cg_agent_scans *s)
{
	if (!s)
		return;
	json_decref(s->reported[0]);
	json_decref(s->reported[1]);
	cg_mw_rules_free(s->rules);
	free(s);
}

int64_t cg_agent_scans_last(const cg_agent_scans *s, cg_agent_scan_kind kind)
{
	return s->last[kind];
}

static void save_state(const cg_agent_scans *s)
{
	json_t *last = json_object();
	for (int k = 0; k < CG_SCAN_NKINDS; k++)
		json_object_set_new(last, kind_names[k], json_integer(s->last[k]));
	json_t *j = json_pack("{s:o,s:O,s:O}", "last", last, "malware", s->reported[0], "secrets",
			      s->reported[1]);
	cg_buf b, why;
	cg_buf_init(&b, CG_MAX_AGENT_SCANS_STATE);
	cg_buf_init(&why, 1024);
	char path[PATH_MAX + 16];
	state_path(s, path, sizeof path);
	if (cg_json_encode(&b, j) || cg_write_file_atomic(path, b.ptr, b.len, 0600, &why))
		cg_warn("agent: cannot save %s: %s", path, cg_buf_cstr(&why));
	cg_buf_free(&b);
	cg_buf_free(&why);
	json_decref(j);
}

/* ---- rules ------------------------------------------------------------ */

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The malware/ directory of the installed, verified rule bundle (signed
 * by the provincial team, see fetch_bundle in agent.c) comes first; then
 * $CANHGAC_RULES_DIR/malware, the source tree, the installed copy: the
 * same order as `canhgac scan malware`. */
static void rules_dir(const char *data_dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/bundle/current/malware", data_dir);
	if (n > 0 && (size_t)n < size && is_dir(buf))
		return;
	snprintf(buf, size, "%s/malware", cg_rules_dir());
}

void cg_agent_scans_rules_changed(cg_agent_scans *s)
{
	cg_mw_rules_free(s->rules);
	s->rules = NULL;
	s->rules_tried = false;
}

/* Compiles (or loads the compiled form of) the rules once per process. */
static cg_err load_rules(cg_agent_scans *s, cg_buf *why)
{
	if (s->rules)
		return CG_OK;
	if (s->rules_tried) {
		cg_buf_printf(why, "the malware rules did not load (see the earlier error)");
		return CG_EINVAL;
	}
	s->rules_tried = true;
	char dir[PATH_MAX + 32], cache[PATH_MAX + 16];
	rules_dir(s->data_dir, dir, sizeof dir);
	snprintf(cache, sizeof cache, "%s/malware", s->data_dir);
	const char *paths[1] = { dir };
	bool from_cache = false;
	cg_err err = cg_mkdir_p(cache, 0700, why);
	if (!err)
		err = cg_mw_rules_load(paths, 1, cache, &s->rules, &from_cache, why);
	if (!err)
		cg_info("agent: %d malware rules from %s%s", cg_mw_rules_count(s->rules), dir,
			from_cache ? " (compiled form cached)" : "");
	return err;
}

/* ---- the sandboxed child --------------------------------------------- */

typedef struct job {
	cg_agent_scans *s;
	cg_agent_scan_kind kind;
	bool hook;
	const char *const *paths;
	int n;
	int fd;
	int failed;
	pthread_mutex_t lock;
} job;

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void write_event(job *j, cg_event *ev)
{
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	pthread_mutex_lock(&j->lock);
	if (cg_event_encode(ev, &b) == CG_OK && cg_buf_putc(&b, '\n') == CG_OK &&
	    write_all(j->fd, b.ptr, b.len) != 0)
		j->failed = 1;
	pthread_mutex_unlock(&j->lock);
	cg_buf_free(&b);
}

static void mw_finding(void *ctx, const cg_mw_finding *f)
{
	cg_event ev;
	if (cg_event_init(&ev))
		return;
	if (cg_mw_finding_event(f, &ev) == CG_OK)
		write_event(ctx, &ev);
	cg_event_clear(&ev);
}

static void mw_problem(void *ctx, const char *path, const char *kind, const char *reason,
		       bool error)
{
	(void)ctx;
	if (error)
		cg_warn("malware scan: %s: %s: %s", path, kind, reason);
}

static void sec_finding(void *ctx, const cg_sec_finding *f)
{
	cg_event ev;
	if (cg_event_init(&ev))
		return;
	if (cg_sec_finding_event(f, &ev) == CG_OK)
		write_event(ctx, &ev);
	cg_event_clear(&ev);
}

static int job_run(void *ctx, int fd)
{
	job *j = ctx;
	j->fd = fd;
	if (j->kind == CG_SCAN_SECRETS) {
		cg_sec_stats st;
		cg_err err = cg_sec_scan_tree(j->paths, j->n, 2, sec_finding, j, &st);
		return err || j->failed;
	}
	char cache[PATH_MAX + 32];
	snprintf(cache, sizeof cache, "%s/malware/scan-cache.bin", j->s->data_dir);
	cg_mw_opts o = { .rules = j->s->rules,
			 .threads = j->hook ? 1 : 2,
			 .max_size = CG_MW_DEFAULT_MAX_SIZE,
			 .archives = !j->hook,
			 .cache_path = j->kind == CG_SCAN_MW_INCREMENTAL && !j->hook ? cache : NULL,
			 .exclude_dir = j->s->data_dir };
	cg_mw_callbacks cb = { .ctx = j, .finding = mw_finding, .problem = mw_problem };
	cg_mw_stats st;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_mw_scan(j->paths, j->n, &o, &cb, &st, &why);
	if (err)
		cg_warn("malware scan: %s", cg_buf_cstr(&why));
	cg_buf_free(&why);
	return err || j->failed;
}

/* ---- the parent: findings reported once -------------------------------- */

typedef struct feed {
	json_t *seen;	  /* remembered keys */
	json_t *now;	  /* keys of this run */
	cg_sandbox_event_fn fn;
	void *ctx;
	uint64_t reported;
} feed;

static void finding_key(const cg_event *ev, cg_buf *k)
{
	const json_t *e = ev->evidence;
	const char *parts[] = { cg_json_get_str(e, "path"), ev->kind, cg_json_get_str(e, "rule"),
				cg_json_get_str(e, "sha256"), cg_json_get_str(e, "level"),
				cg_json_get_str(e, "evidence") };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		cg_buf_printf(k, "%s%s", i ? "|" : "", parts[i] ? parts[i] : "");
}

static void on_event(void *ctx, cg_event *ev)
{
	feed *f = ctx;
	cg_buf k;
	cg_buf_init(&k, 4 * PATH_MAX);
	finding_key(ev, &k);
	const char *key = cg_buf_cstr(&k);
	if (!json_object_get(f->seen, key)) {
		f->fn(f->ctx, ev);
		f->reported++;
	}
	if (json_object_size(f->now) < CG_MAX_AGENT_REPORTED)
		json_object_set_new(f->now, key, json_true());
	cg_buf_free(&k);
}

cg_err cg_agent_scans_run(cg_agent_scans *s, cg_agent_scan_kind kind, bool hook,
			  const char *const *paths, int n, cg_sandbox_event_fn fn, void *ctx,
			  cg_buf *why)
{
	if (kind != CG_SCAN_SECRETS) {
		cg_err err = load_rules(s, why);
		if (err) {
			if (!hook) {
				s->last[kind] = cg_time_now_ms(); /* not again at once */
				save_state(s);
			}
			return err;
		}
	}
	int which = kind == CG_SCAN_SECRETS;
	job j = { .s = s, .kind = kind, .hook = hook, .paths = paths, .n = n };
	pthread_mutex_init(&j.lock, NULL);
	feed f = { .seen = s->reported[which], .now = json_object(), .fn = fn, .ctx = ctx };
	cg_sandbox_limits lim = { .threads = true, .cpu_seconds = hook ? 300 : 86400 };
	uint64_t bad = 0;
	int64_t t0 = cg_mono_ms();
	cg_err err = n ? cg_sandbox_run(&lim, job_run, &j, on_event, &f, &bad, why) : CG_OK;
	pthread_mutex_destroy(&j.lock);
	if (bad)
		cg_warn("agent: %llu malformed lines from the scan child dropped",
			(unsigned long long)bad);
	if (hook || err) {
		/* a partial view: remember its findings, forget nothing */
		json_object_update(s->reported[which], f.now);
		json_decref(f.now);
	} else {
		json_decref(s->reported[which]);
		s->reported[which] = f.now;
	}
	if (!hook) {
		s->last[kind] = cg_time_now_ms();
		cg_info("agent: %s scan of %d paths: %llu new findings, %.1f s%s", kind_names[kind], n,
			(unsigned long long)f.reported, (double)(cg_mono_ms() - t0) / 1000.0,
			err ? " (incomplete)" : "");
	}
	save_state(s);
	return err;
}
