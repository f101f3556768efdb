/*
 * scans.c - the agent's malware and secrets scans (see scans.h).
 *
 * The parent compiles the rules once (lazily, at the first malware scan)
 * and keeps the state; each scan forks a sandboxed child that walks the
 * paths and writes event lines. The child is the only process that opens
 * the scanned files. Runs never overlap: the agent's loop is one thread
 * and a scan returns when its child has exited.
 */
#include "api/agent_policy.h"
#include "agent/scans.h"
#include "agent/intel.h"

#include <dirent.h>
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
#include "core/rulesdir.h"
#include "malware/clamav.h"
#include "malware/hashsig.h"
#include "malware/rules.h"
#include "malware/scan.h"
#include "secrets/secrets.h"
#include "version.h"

static const char *const kind_names[CG_SCAN_NKINDS] = { "malware_incremental", "malware_full",
							"secrets" };

struct cg_agent_scans {
	char data_dir[PATH_MAX];
	int64_t last[CG_SCAN_NKINDS];
	json_t *reported[2]; /* [0] malware, [1] secrets: key -> true */
	cg_mw_rules *rules;
	cg_hashset *hashes;    /* the bundle's hashes/, or NULL */
	cg_mw_clamav *clamav;  /* the bundle's clamav/, or NULL */
	bool rules_tried;
};

int64_t cg_agent_interval_s(const char *text)
{
	/* one parser for the server's check and the agent (agent_policy.h);
	 * a positive interval is at least CG_AGENT_MIN_SCHEDULE_S */
	return cg_apol_interval_s(text);
}

/* ---- state ------------------------------------------------------------ */

static void state_path(const cg_agent_scans *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s/scans.json", s->data_dir);
}

cg_agent_scans *cg_agent_scans_open(const char *data_dir)
{
	cg_agent_scans_register();
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
	cg_hashset_free(s->hashes);
	cg_mw_clamav_free(s->clamav);
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
 * the shipped rules (core/rulesdir.h), as `canhgac scan malware` finds them. */
static void rules_dir(const char *data_dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/bundle/current/malware", data_dir);
	if (n > 0 && (size_t)n < size && is_dir(buf))
		return;
	cg_rules_dir("malware", buf, size); /* a missing one fails the load */
}

void cg_agent_scans_rules_changed(cg_agent_scans *s)
{
	cg_mw_rules_free(s->rules);
	cg_hashset_free(s->hashes);
	cg_mw_clamav_free(s->clamav);
	s->rules = NULL;
	s->hashes = NULL;
	s->clamav = NULL;
	s->rules_tried = false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The bundle's hashes/: every regular file in it is a hash list (plain
 * SHA-256/MD5, ClamAV .hdb/.hsb, MalwareBazaar CSV; hashsig.h), loaded in
 * name order. No directory: no hash signatures (not an error). */
static cg_err load_hashes(cg_agent_scans *s, cg_buf *why)
{
	char dir[PATH_MAX];
	int k = snprintf(dir, sizeof dir, "%s/bundle/current/hashes", s->data_dir);
	if (k < 0 || (size_t)k >= sizeof dir || !is_dir(dir))
		return CG_OK;
	DIR *d = opendir(dir);
	if (!d) {
		cg_buf_printf(why, "%s: %s", dir, strerror(errno));
		return CG_EIO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	cg_err err = CG_OK;
	struct dirent *de;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == CG_MW_MAX_RULE_FILES) {
			cg_buf_printf(why, "%s: more than %d files", dir, CG_MW_MAX_RULE_FILES);
			err = CG_ELIMIT;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **v = realloc(names, cap * sizeof *v);
			if (!v) {
				err = CG_ENOMEM;
				break;
			}
			names = v;
		}
		if (!(names[n] = strdup(de->d_name)))
			err = CG_ENOMEM;
		else
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	if (!err)
		err = cg_hashset_new(&s->hashes);
	char path[PATH_MAX + 256];
	for (size_t i = 0; !err && i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			err = cg_hashset_load_file(s->hashes, path, why);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!err)
		cg_info("agent: %zu hash signatures from %s", cg_hashset_count(s->hashes), dir);
	return err;
}

/* The server's intelligence hashes (agent/intel.h), beside the bundle's:
 * they only add detections. A list that does not load is removed (the
 * next heartbeat fetches it again) and the scans go on with the bundle's
 * hashes alone: the server's list never blocks a scan. */
static cg_err load_intel(cg_agent_scans *s, cg_buf *why)
{
	char path[PATH_MAX];
	cg_agent_intel_path(s->data_dir, path, sizeof path);
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return CG_OK;
	cg_err err = s->hashes ? CG_OK : cg_hashset_new(&s->hashes);
	size_t before = s->hashes ? cg_hashset_count(s->hashes) : 0;
	if (!err && (err = cg_hashset_load_file(s->hashes, path, why)) == CG_OK) {
		cg_info("agent: %zu intelligence hash signatures from %s",
			cg_hashset_count(s->hashes) - before, path);
		return CG_OK;
	}
	if (err == CG_ENOMEM)
		return err;
	cg_warn("agent: %s not loaded (%s): removed, fetched again at the next heartbeat", path,
		cg_buf_cstr(why));
	cg_buf_reset(why);
	cg_agent_intel_remove(s->data_dir);
	/* the set may hold part of the list: start again from the bundle's */
	cg_hashset_free(s->hashes);
	s->hashes = NULL;
	return load_hashes(s, why);
}

/* The bundle's clamav/: ClamAV databases (clamav.h). Only fingerprinted
 * here; each scan's sandboxed child loads the engine at the first file
 * that needs it. */
static cg_err load_clamav(cg_agent_scans *s, cg_buf *why)
{
	char dir[PATH_MAX];
	int k = snprintf(dir, sizeof dir, "%s/bundle/current/clamav", s->data_dir);
	if (k < 0 || (size_t)k >= sizeof dir || !is_dir(dir))
		return CG_OK;
	cg_err err = cg_mw_clamav_open(dir, &s->clamav, why);
	if (!err)
		cg_info("agent: ClamAV databases from %s (%zu files)", dir,
			cg_mw_clamav_files(s->clamav));
	return err;
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
	/* Whatever else the verified bundle installs for the malware scan. */
	if (!err)
		err = load_hashes(s, why);
	if (!err)
		err = load_intel(s, why);
	if (!err)
		err = load_clamav(s, why);
	if (err) {
		/* all or nothing: a scan without the bundle's signatures would
		 * look complete and be weaker than the team decided */
		cg_agent_scans_rules_changed(s);
		s->rules_tried = true;
	}
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
			 .hashes = j->s->hashes,
			 .clamav = j->s->clamav,
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

/* ---- the job in a process of its own (Windows) -------------------------- */

/* Windows has no fork (sandbox.h): the job is described as JSON and run
 * again in a child process of this program, which loads the rules from
 * the compiled form the agent cached in DATA/malware/. On Linux the
 * registration is a no-op and the forked child uses the agent's rules. */
static cg_err job_encode(void *ctx, cg_buf *req)
{
	const job *j = ctx;
	json_t *paths = json_array();
	for (int i = 0; i < j->n; i++)
		json_array_append_new(paths, cg_json_cstr(j->paths[i]));
	json_t *o = json_pack("{s:s,s:i,s:b,s:o}", "data_dir", j->s->data_dir, "kind", (int)j->kind,
			      "hook", j->hook, "paths", paths);
	cg_err err = o ? cg_json_encode(req, o) : CG_ENOMEM;
	json_decref(o);
	return err;
}

static int job_remote(cg_slice request, int out_fd)
{
	json_t *o = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_json_parse(request, &o, &why) || !json_is_object(o) ||
	    !cg_json_get_str(o, "data_dir") || !json_is_array(json_object_get(o, "paths"))) {
		cg_warn("scan job: bad request: %s", cg_buf_cstr(&why));
		json_decref(o);
		cg_buf_free(&why);
		return 1;
	}
	json_int_t kind = json_integer_value(json_object_get(o, "kind"));
	json_t *arr = json_object_get(o, "paths");
	size_t n = json_array_size(arr);
	const char **paths = calloc(n + 1, sizeof *paths);
	cg_agent_scans *s = cg_agent_scans_open(cg_json_get_str(o, "data_dir"));
	int rc = 1;
	if (paths && s && kind >= 0 && kind < CG_SCAN_NKINDS && n <= CG_MAX_AGENT_SCAN_QUEUE) {
		for (size_t i = 0; i < n; i++)
			paths[i] = json_string_value(json_array_get(arr, i));
		job j = { .s = s,
			  .kind = (cg_agent_scan_kind)kind,
			  .hook = json_is_true(json_object_get(o, "hook")),
			  .paths = paths,
			  .n = (int)n };
		pthread_mutex_init(&j.lock, NULL);
		if (j.kind != CG_SCAN_SECRETS && load_rules(s, &why))
			cg_warn("scan job: %s", cg_buf_cstr(&why));
		else
			rc = job_run(&j, out_fd);
		pthread_mutex_destroy(&j.lock);
	}
	cg_agent_scans_close(s);
	free(paths);
	json_decref(o);
	cg_buf_free(&why);
	return rc;
}

void cg_agent_scans_register(void)
{
	cg_sandbox_register("scan", job_run, job_encode, job_remote);
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
	if (kind != CG_SCAN_SECRETS && s->clamav)
		lim.max_memory = CG_AGENT_CLAMAV_MEMORY; /* the official databases need ~1.5 GB */
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
