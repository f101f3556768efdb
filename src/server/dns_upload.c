/*
 * dns_upload.c - DNS resolver logs handed in to the server: resumable
 * upload, analysis in the background with progress, infected clients
 * stored as events mapped to agencies, and per-agency infection counts.
 *
 *   POST /api/v1/dns/uploads               {"name"} -> 201 {"id","offset":0}
 *   PUT  /api/v1/dns/uploads/{id}?offset=N  raw bytes appended at N; N must
 *        equal the bytes received so far (409 {"offset"} otherwise), so a
 *        provider resumes a broken upload from the offset the server has
 *   GET  /api/v1/dns/uploads/{id}           state, bytes, progress, result
 *   POST /api/v1/dns/uploads/{id}/analyze   202: analysis starts on a
 *        background thread (the same engine as `canhgac dns analyze`)
 *   GET  /api/v1/dns/infections             per agency: infected clients
 *
 * Storage: DATA_DIR/dns-uploads/ID.log (the bytes, gzip or plain, as
 * sent) and ID.name; the registry of uploads is in memory and rebuilt from
 * that directory on first use, so an upload survives a restart and can be
 * resumed. Blocklists for server-side analysis are the files in
 * DATA_DIR/dns-intel/ (any format `dns analyze --blocklist` reads); the
 * DGA model and allow-list come from the rules directory (as the CLI).
 *
 * Each flagged client becomes a cg_event (source "dns", kind
 * "infected_client") with an id derived from the upload and the client, so
 * analysing again does not store it twice; its agency is the one whose IP
 * ranges (inventory) hold the client, longest prefix.
 *
 * Threads: one analysis thread per running job (at most
 * CG_DNS_MAX_JOBS_RUNNING); dns_jobs_shutdown() stops and joins them
 * before the store is closed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/netaddr.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "dns/analyze.h"
#include "dns/hash.h"
#include "dns/input.h"
#include "server.h"
#include "core/rules_dir.h"
#include "version.h"

typedef enum job_state {
	JOB_RECEIVING = 0,
	JOB_ANALYZING,
	JOB_DONE,
	JOB_FAILED,
} job_state;

static const char *const state_names[] = { "receiving", "analyzing", "done",
					   "failed" };

typedef struct job {
	int64_t id;
	char name[256];
	int64_t size;
	job_state state;
	char error[512];
	/* progress, written by the analysis thread */
	_Atomic uint64_t lines, queries, bytes;
	int64_t flagged, events_stored, started_ms, finished_ms;
	pthread_t thread;
	bool joinable;
} job;

static struct {
	pthread_mutex_t mu;
	bool loaded;
	job **jobs;
	size_t n, cap;
	int64_t next_id;
	int running;
	atomic_bool stop;
	char dir[4096];
} g = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* ---- registry ------------------------------------------------------------ */

static job *job_add(int64_t id, const char *name, int64_t size)
{
	if (g.n >= CG_DNS_MAX_UPLOADS)
		return NULL;
	if (g.n == g.cap) {
		size_t cap = g.cap ? g.cap * 2 : 16;
		job **p = realloc(g.jobs, cap * sizeof *p);
		if (!p)
			return NULL;
		g.jobs = p;
		g.cap = cap;
	}
	job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->id = id;
	snprintf(j->name, sizeof j->name, "%s", name);
	j->size = size;
	g.jobs[g.n++] = j;
	if (id >= g.next_id)
		g.next_id = id + 1;
	return j;
}

/* Called with g.mu held: the directory, and the uploads already in it. */
static bool registry_load(cg_server *srv)
{
	if (g.loaded)
		return true;
	snprintf(g.dir, sizeof g.dir, "%s/dns-uploads", srv->data_dir);
	if (cg_mkdir_p(g.dir, 0700, NULL))
		return false;
	g.next_id = 1;
	DIR *d = opendir(g.dir);
	if (!d)
		return false;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		int64_t id;
		if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0 ||
		    cg_parse_i64(cg_slice_from(e->d_name, n - 4), 1, INT64_MAX, &id))
			continue;
		char path[4400], name[256] = "";
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", g.dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%lld.name", g.dir, (long long)id);
		cg_buf b;
		cg_buf_init(&b, sizeof name - 1);
		if (cg_read_file(path, &b, NULL) == CG_OK)
			cg_slice_copy(cg_buf_slice(&b), name, sizeof name);
		cg_buf_free(&b);
		job_add(id, name, st.st_size);
	}
	closedir(d);
	g.loaded = true;
	return true;
}

static job *job_find(int64_t id)
{
	for (size_t i = 0; i < g.n; i++)
		if (g.jobs[i]->id == id)
			return g.jobs[i];
	return NULL;
}

static json_t *job_json(const job *j)
{
	uint64_t bytes = atomic_load(&j->bytes);
	json_t *o = json_pack("{s:I,s:o,s:I,s:s}", "id", (json_int_t)j->id, "name",
			      cg_json_cstr(j->name), "offset", (json_int_t)j->size,
			      "state", state_names[j->state]);
	json_t *p = json_pack("{s:I,s:I,s:I}", "lines_read",
			      (json_int_t)atomic_load(&j->lines), "queries",
			      (json_int_t)atomic_load(&j->queries), "bytes_read",
			      (json_int_t)bytes);
	/* plain uploads: percent of the file; gzip ones: of the expanded
	 * bytes, unknown in advance, so capped below 100 until done */
	double pct = j->state == JOB_DONE ? 100.0
		     : j->size ? 100.0 * (double)bytes / (double)j->size : 0;
	json_object_set_new(p, "percent", json_real(pct > 99.9 && j->state != JOB_DONE ? 99.9 : pct));
	json_object_set_new(o, "progress", p);
	if (j->state == JOB_DONE)
		json_object_set_new(o, "result", json_pack("{s:I,s:I}", "clients_flagged",
			(json_int_t)j->flagged, "events_stored", (json_int_t)j->events_stored));
	if (j->state == JOB_FAILED)
		json_object_set_new(o, "error", cg_json_cstr(j->error));
	return o;
}

/* ---- analysis ---------------------------------------------------------------- */

typedef struct ctx {
	job *j;
	cg_dns_analyzer *a;
	cg_dns_stats *st;
} ctx;

static int progress_add(void *c, const cg_dns_rec *rec)
{
	ctx *x = c;
	cg_dns_analyzer_add(x->a, rec);
	if ((x->st->queries & 1023) == 0) {
		atomic_store(&x->j->lines, x->st->lines);
		atomic_store(&x->j->queries, x->st->queries);
		atomic_store(&x->j->bytes, x->st->bytes);
	}
	return atomic_load(&g.stop) ? 1 : 0;
}

typedef struct agency_ranges {
	json_t *agencies;
	struct {
		cg_cidr c;
		int64_t id;
	} *r;
	size_t n;
} agency_ranges;

static void ranges_load(cg_store *st, agency_ranges *m)
{
	memset(m, 0, sizeof *m);
	if (cg_store_agency_map(st, &m->agencies))
		return;
	size_t cap = 0, i, k;
	json_t *a, *s;
	json_array_foreach(m->agencies, i, a) {
		json_array_foreach(json_object_get(a, "ip_ranges"), k, s) {
			cg_cidr c;
			if (!json_is_string(s) ||
			    cg_cidr_parse(cg_slice_cstr(json_string_value(s)), &c))
				continue;
			if (m->n == cap) {
				cap = cap ? cap * 2 : 64;
				void *p = realloc(m->r, cap * sizeof *m->r);
				if (!p)
					return;
				m->r = p;
			}
			m->r[m->n].c = c;
			m->r[m->n].id = json_integer_value(json_object_get(a, "id"));
			m->n++;
		}
	}
}

/* The agency holding ip (longest prefix) and its code for the event. */
static int64_t ranges_lookup(const agency_ranges *m, cg_slice ip, const char **code)
{
	cg_ip addr;
	int best = -1;
	int64_t id = 0;
	*code = NULL;
	if (cg_ip_parse(ip, &addr))
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].c.prefix > best && cg_cidr_contains(&m->r[i].c, &addr)) {
			best = m->r[i].c.prefix;
			id = m->r[i].id;
		}
	size_t i;
	json_t *a;
	json_array_foreach(m->agencies, i, a)
		if (json_integer_value(json_object_get(a, "id")) == id)
			*code = cg_json_get_str(a, "code");
	return id;
}

static const char *rules_dir(char *buf, size_t n)
{
	snprintf(buf, n, "%s/dns", cg_rules_dir());
	return buf;
}

/* Loads DATA_DIR/dns-intel/ * into bl. */
static void load_intel(const char *data_dir, cg_dns_set *bl)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/dns-intel", data_dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[8400];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		cg_dns_intel_stats st = { 0 };
		cg_buf why;
		cg_buf_init(&why, 1024);
		if (cg_dns_intel_load(bl, path, &st, &why))
			cg_warn("dns intel %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
	}
	closedir(d);
}

static cg_err store_events(cg_server *srv, job *j, cg_dns_analyzer *a)
{
	const uint32_t *ids;
	size_t n;
	cg_err err = cg_dns_analyzer_flagged(a, &ids, &n);
	if (err)
		return err;
	j->flagged = (int64_t)n;
	agency_ranges m;
	ranges_load(srv->store, &m);
	cg_event *evs = calloc(n ? n : 1, sizeof *evs);
	cg_event_in *in = calloc(n ? n : 1, sizeof *in);
	if (!evs || !in) {
		free(evs);
		free(in);
		json_decref(m.agencies);
		free(m.r);
		return CG_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < n && !err; i++) {
		cg_slice ip = cg_dns_client_ip(a, ids[i]);
		const char *code;
		int64_t agency = ranges_lookup(&m, ip, &code);
		if ((err = cg_event_init(&evs[k])))
			break;
		/* same upload, same client: same id, stored once */
		snprintf(evs[k].id, sizeof evs[k].id, "dns-u%lld-%016llx",
			 (long long)j->id, (unsigned long long)cg_dns_hash(ip.ptr, ip.len));
		if ((err = cg_dns_client_event(a, ids[i], code, &evs[k]))) {
			cg_event_clear(&evs[k]);
			break;
		}
		json_object_set_new(evs[k].evidence, "upload", json_integer(j->id));
		in[k] = (cg_event_in){ .ev = &evs[k], .agency_id = agency };
		k++;
	}
	int64_t now = cg_time_now_ms();
	for (size_t off = 0; !err && off < k; off += CG_MAX_BATCH_EVENTS) {
		size_t cnt = k - off < CG_MAX_BATCH_EVENTS ? k - off : CG_MAX_BATCH_EVENTS;
		size_t acc = 0, dup = 0;
		err = cg_store_events_insert(srv->store, in + off, cnt, now, &acc, &dup);
		j->events_stored += (int64_t)acc;
	}
	for (size_t i = 0; i < k; i++)
		cg_event_clear(&evs[i]);
	free(evs);
	free(in);
	json_decref(m.agencies);
	free(m.r);
	return err;
}

typedef struct job_arg {
	cg_server *srv;
	job *j;
	char path[4400];
} job_arg;

static void *job_run(void *p)
{
	job_arg *arg = p;
	job *j = arg->j;
	cg_server *srv = arg->srv;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	char rules[4200];
	psl_ctx_t *psl = cg_dns_psl_open();
	cg_dns_dga *dga = NULL;
	cg_dns_set *bl = cg_dns_set_new(), *allow = cg_dns_set_new();
	cg_dns_analyzer *a = NULL;
	cg_err err = psl && bl && allow ? CG_OK : CG_ENOMEM;
	if (!err)
		err = cg_dns_dga_load(rules_dir(rules, sizeof rules), &dga, &why);
	if (!err) {
		char path[4300];
		cg_dns_intel_stats st = { 0 };
		snprintf(path, sizeof path, "%s/allow.txt", rules);
		cg_dns_intel_load(allow, path, &st, NULL);
		load_intel(srv->data_dir, bl);
		err = cg_dns_analyzer_new(&o, bl, allow, dga, psl, &a);
	}
	cg_dns_stats st = { 0 };
	if (!err) {
		ctx x = { j, a, &st };
		err = cg_dns_read_path(arg->path, CG_DNS_FMT_AUTO, &st, progress_add, &x,
				       NULL, &why);
		atomic_store(&j->lines, st.lines);
		atomic_store(&j->queries, st.queries);
		atomic_store(&j->bytes, st.bytes);
	}
	if (!err && atomic_load(&g.stop)) {
		err = CG_EINTERNAL;
		cg_buf_puts(&why, "server stopping");
	}
	if (!err)
		err = store_events(srv, j, a);
	pthread_mutex_lock(&g.mu);
	j->finished_ms = cg_time_now_ms();
	if (err) {
		j->state = JOB_FAILED;
		snprintf(j->error, sizeof j->error, "%s",
			 why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	} else {
		j->state = JOB_DONE;
	}
	g.running--;
	pthread_mutex_unlock(&g.mu);
	cg_info("dns upload %lld: %s, %llu lines, %lld clients flagged",
		(long long)j->id, state_names[j->state], (unsigned long long)st.lines,
		(long long)j->flagged);
	cg_dns_analyzer_free(a);
	cg_dns_set_free(bl);
	cg_dns_set_free(allow);
	cg_dns_dga_free(dga);
	if (psl)
		psl_free(psl);
	cg_buf_free(&why);
	free(arg);
	return NULL;
}

void dns_jobs_shutdown(void)
{
	atomic_store(&g.stop, true);
	pthread_mutex_lock(&g.mu);
	for (size_t i = 0; i < g.n; i++) {
		job *j = g.jobs[i];
		if (!j->joinable)
			continue;
		j->joinable = false;
		pthread_mutex_unlock(&g.mu);
		pthread_join(j->thread, NULL);
		pthread_mutex_lock(&g.mu);
	}
	for (size_t i = 0; i < g.n; i++)
		free(g.jobs[i]);
	free(g.jobs);
	g.jobs = NULL;
	g.n = g.cap = 0;
	g.loaded = false;
	pthread_mutex_unlock(&g.mu);
}

/* ---- handlers ------------------------------------------------------------------ */

void api_dns_upload_create(cg_req *req, cg_resp *resp);
void api_dns_upload_put(cg_req *req, cg_resp *resp);
void api_dns_upload_get(cg_req *req, cg_resp *resp);
void api_dns_upload_analyze(cg_req *req, cg_resp *resp);
void api_dns_infections(cg_req *req, cg_resp *resp);

void api_dns_upload_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	const char *name = cg_json_get_str(body, "name");
	if (!name || !*name || strlen(name) > 200) {
		json_decref(body);
		cg_resp_error(resp, 400, "name: a file name of 1 to 200 bytes is required", NULL);
		return;
	}
	pthread_mutex_lock(&g.mu);
	job *j = registry_load(req->srv) ? job_add(g.next_id, name, 0) : NULL;
	char path[4400];
	int fd = -1;
	if (j) {
		snprintf(path, sizeof path, "%s/%lld.name", g.dir, (long long)j->id);
		cg_write_file_atomic(path, name, strlen(name), 0600, NULL);
		snprintf(path, sizeof path, "%s/%lld.log", g.dir, (long long)j->id);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	json_t *out = j && fd >= 0 ? job_json(j) : NULL;
	pthread_mutex_unlock(&g.mu);
	json_decref(body);
	if (fd >= 0)
		close(fd);
	if (!out) {
		cg_resp_error(resp, j ? 500 : 503, j ? "cannot create the upload"
						     : "too many uploads", NULL);
		return;
	}
	cg_resp_json(resp, 201, out);
}

void api_dns_upload_put(cg_req *req, cg_resp *resp)
{
	int64_t off;
	if (!cg_req_int_arg(req, resp, "offset", 0, CG_DNS_MAX_UPLOAD_BYTES, &off))
		return;
	pthread_mutex_lock(&g.mu);
	job *j = registry_load(req->srv) ? job_find(req->id) : NULL;
	if (!j) {
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, 404, "no such upload", NULL);
		return;
	}
	if (j->state != JOB_RECEIVING && j->state != JOB_DONE && j->state != JOB_FAILED) {
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, 409, "the upload is being analysed", NULL);
		return;
	}
	if (off != j->size) {
		json_t *d = json_pack("{s:I}", "offset", (json_int_t)j->size);
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, 409, "offset is not where the upload stands: resume "
					 "from details.offset", d);
		return;
	}
	if (j->size + (int64_t)req->body.len > CG_DNS_MAX_UPLOAD_BYTES) {
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, 413, "upload larger than the limit", NULL);
		return;
	}
	char path[4400];
	snprintf(path, sizeof path, "%s/%lld.log", g.dir, (long long)j->id);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && lseek(fd, off, SEEK_SET) == off;
	size_t done = 0;
	while (ok && done < req->body.len) {
		ssize_t w = write(fd, req->body.ptr + done, req->body.len - done);
		if (w <= 0) {
			ok = false;
			break;
		}
		done += (size_t)w;
	}
	if (ok && fsync(fd) != 0)
		ok = false;
	if (fd >= 0) {
		if (!ok && ftruncate(fd, off) != 0)
			cg_warn("dns upload %lld: cannot roll back a failed write", (long long)j->id);
		close(fd);
	}
	if (ok) {
		j->size = off + (int64_t)req->body.len;
		j->state = JOB_RECEIVING;
	}
	json_t *out = ok ? job_json(j) : NULL;
	pthread_mutex_unlock(&g.mu);
	if (!ok) {
		cg_resp_error(resp, 500, "cannot store the data", NULL);
		return;
	}
	cg_resp_json(resp, 200, out);
}

void api_dns_upload_get(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&g.mu);
	job *j = registry_load(req->srv) ? job_find(req->id) : NULL;
	json_t *out = j ? job_json(j) : NULL;
	pthread_mutex_unlock(&g.mu);
	if (!out) {
		cg_resp_error(resp, 404, "no such upload", NULL);
		return;
	}
	cg_resp_json(resp, 200, out);
}

void api_dns_upload_analyze(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&g.mu);
	job *j = registry_load(req->srv) ? job_find(req->id) : NULL;
	const char *refuse = !j ? NULL
			     : j->state == JOB_ANALYZING ? "already being analysed"
			     : j->size == 0 ? "nothing uploaded yet"
			     : g.running >= CG_DNS_MAX_JOBS_RUNNING ? "too many analyses running"
			     : NULL;
	if (!j || refuse) {
		pthread_mutex_unlock(&g.mu);
		if (!j)
			cg_resp_error(resp, 404, "no such upload", NULL);
		else
			cg_resp_error(resp, j->size == 0 ? 409 : 503, refuse, NULL);
		return;
	}
	job_arg *arg = calloc(1, sizeof *arg);
	if (j->joinable) { /* a finished earlier run */
		pthread_join(j->thread, NULL);
		j->joinable = false;
	}
	bool ok = arg != NULL;
	if (ok) {
		arg->srv = req->srv;
		arg->j = j;
		snprintf(arg->path, sizeof arg->path, "%s/%lld.log", g.dir, (long long)j->id);
		j->state = JOB_ANALYZING;
		j->error[0] = '\0';
		j->flagged = j->events_stored = 0;
		atomic_store(&j->lines, 0);
		atomic_store(&j->queries, 0);
		atomic_store(&j->bytes, 0);
		j->started_ms = cg_time_now_ms();
		ok = pthread_create(&j->thread, NULL, job_run, arg) == 0;
		if (ok) {
			j->joinable = true;
			g.running++;
		} else {
			j->state = JOB_FAILED;
			free(arg);
		}
	}
	json_t *out = ok ? job_json(j) : NULL;
	pthread_mutex_unlock(&g.mu);
	if (!ok) {
		cg_resp_error(resp, 500, "cannot start the analysis", NULL);
		return;
	}
	cg_resp_json(resp, 202, out);
}

/* Infected clients per agency, from the stored dns/infected_client events
 * (within the caller's scope): distinct client addresses. */
void api_dns_infections(cg_req *req, cg_resp *resp)
{
	cg_event_query q = { .source = "dns", .kind = "infected_client", .limit = 500 };
	json_t *per = json_object();   /* agency id (text) -> {ip: true} */
	int64_t pages = 0;
	cg_err err = CG_OK;
	do {
		json_t *items = NULL;
		int64_t next = 0;
		if ((err = cg_store_events_query(req->srv->store, &req->scope, &q, &items, &next)))
			break;
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e) {
			json_t *ag = json_object_get(e, "agency_id");
			char key[32];
			snprintf(key, sizeof key, "%lld",
				 json_is_integer(ag) ? (long long)json_integer_value(ag) : 0LL);
			json_t *set = json_object_get(per, key);
			if (!set) {
				set = json_object();
				json_object_set_new(per, key, set);
			}
			const char *subj = cg_json_get_str(e, "subject");
			if (subj && json_object_size(set) < 1000000)
				json_object_set_new(set, subj, json_true());
		}
		json_decref(items);
		q.before_seq = next;
	} while (q.before_seq && ++pages < 2000);
	if (err) {
		json_decref(per);
		cg_resp_store_error(resp, err, "events");
		return;
	}
	json_t *items = json_array();
	const char *key;
	json_t *set;
	json_object_foreach(per, key, set) {
		int64_t id = 0;
		cg_parse_i64(cg_slice_cstr(key), 0, INT64_MAX, &id);
		json_array_append_new(items, json_pack("{s:o,s:I}", "agency_id",
			id ? json_integer(id) : json_null(), "infected_clients",
			(json_int_t)json_object_size(set)));
	}
	json_decref(per);
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}
