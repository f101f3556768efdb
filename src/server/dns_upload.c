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
#include "core/rulesdir.h"
#include "core/limits.h"
#include "store/figures.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "dns/analyze.h"
#include "dns/hash.h"
#include "dns/input.h"
#include "server.h"
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
	/* the uploader: "user:ID" or "token:ID", and what the policy knows of
	 * them when they created it (their kind and agency): findings are
	 * filed only where that caller may upload */
	char owner[48];
	cg_pol_who owner_who;
	int64_t size;
	bool writing; /* a PUT is streaming into it */
	job_state state;
	char error[512];
	/* progress, written by the analysis thread */
	_Atomic uint64_t lines, queries, bytes;
	int64_t flagged, events_stored, outside_scope, started_ms, finished_ms;
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

static job *job_add(int64_t id, const char *name, int64_t size, const char *owner,
                    cg_pol_who owner_who)
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
	snprintf(j->owner, sizeof j->owner, "%s", owner);
	j->owner_who = owner_who;
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
		/* ID.owner: {"owner","kind","agency_id"}; an upload without one
		 * (made before owners were recorded) is the admins' alone */
		char owner[48] = "";
		cg_pol_who ow = {CG_POL_ADMIN, 0};
		snprintf(path, sizeof path, "%s/%lld.owner", g.dir, (long long)id);
		json_t *oj = NULL;
		cg_buf_init(&b, 4096);
		if (cg_read_file(path, &b, NULL) == CG_OK &&
		    cg_json_parse(cg_buf_slice(&b), &oj, NULL) == CG_OK && json_is_object(oj)) {
			const char *o = cg_json_get_str(oj, "owner");
			snprintf(owner, sizeof owner, "%s", o ? o : "");
			json_int_t k = json_integer_value(json_object_get(oj, "kind"));
			ow.kind = k > 0 && k < CG_POL_NKINDS ? (cg_pol_kind)k : CG_POL_NKINDS;
			ow.agency_id = json_integer_value(json_object_get(oj, "agency_id"));
		}
		json_decref(oj);
		cg_buf_free(&b);
		job_add(id, name, st.st_size, owner, ow);
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
		json_object_set_new(o, "result", json_pack("{s:I,s:I,s:I}", "clients_flagged",
			(json_int_t)j->flagged, "events_stored", (json_int_t)j->events_stored,
			"outside_your_agencies", (json_int_t)j->outside_scope));
	json_object_set_new(o, "owner", cg_json_cstr(j->owner));
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
	cg_agency_table *m = NULL;
	if ((err = cg_agency_cache_get(&srv->agencies, srv->store, &m)))
		return err;
	cg_event *evs = calloc(n ? n : 1, sizeof *evs);
	cg_event_in *in = calloc(n ? n : 1, sizeof *in);
	if (!evs || !in) {
		free(evs);
		free(in);
		cg_agency_table_release(m);
		return CG_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < n && !err; i++) {
		cg_slice ip = cg_dns_client_ip(a, ids[i]);
		/* the agency holding the client's address (longest prefix) */
		const cg_agency_ref *ag = cg_agency_table_route_text(m, ip);
		const char *code = ag && ag->code[0] ? ag->code : NULL;
		int64_t agency = ag ? ag->id : 0;
		/* filed only into an agency the uploader may upload for: an
		 * officer's log names their agency's clients, not a neighbour's */
		if (cg_policy(&j->owner_who, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, agency,
		              CG_POL_OWNER_NA) != CG_POL_ALLOW) {
			j->outside_scope++;
			continue;
		}
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
		/* the server's own findings: no caller can pre-file their ids */
		in[k] = (cg_event_in){ .ev = &evs[k], .agency_id = agency, .producer = "server:dns" };
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
	cg_agency_table_release(m);
	return err;
}

/* Replaces every occurrence of needle in msg by with (bounded). */
static void scrub(char *msg, size_t size, const char *needle, const char *with)
{
	size_t nl = needle ? strlen(needle) : 0;
	if (nl == 0)
		return;
	char out[1024];
	size_t o = 0;
	for (const char *p = msg; *p && o + 1 < sizeof out;) {
		if (strncmp(p, needle, nl) == 0) {
			int w = snprintf(out + o, sizeof out - o, "%s", with);
			o = w < 0 ? o : o + (size_t)w >= sizeof out ? sizeof out - 1 : o + (size_t)w;
			p += nl;
		} else {
			out[o++] = *p++;
		}
	}
	size_t n = o < size - 1 ? o : size - 1;
	memcpy(msg, out, n);
	msg[n] = '\0';
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
		cg_rules_dir("dns", rules, sizeof rules); /* a missing one fails the load */
	if (!err)
		err = cg_dns_dga_load(rules, &dga, &why);
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
		/* the reason goes to the API caller: never the server's paths */
		char msg[sizeof j->error];
		snprintf(msg, sizeof msg, "%s", why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		scrub(msg, sizeof msg, arg->path, "the uploaded log");
		scrub(msg, sizeof msg, rules, "the DNS rules");
		scrub(msg, sizeof msg, srv->data_dir, "the data directory");
		snprintf(j->error, sizeof j->error, "analysis failed: %.480s", msg);
		cg_warn("dns upload %lld: %s", (long long)j->id, cg_buf_cstr(&why));
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
void api_dns_upload_delete(cg_req *req, cg_resp *resp);
void api_dns_infections(cg_req *req, cg_resp *resp);

/* "user:ID" or "token:ID": who owns what this caller creates. */
static void owner_of(const cg_req *req, char *out, size_t n)
{
	snprintf(out, n, "%s:%lld", req->who.is_user ? "user" : "token", (long long)req->who.id);
}

/* The caller's uploads: how many and their bytes (g.mu held). */
static void owner_usage(const char *owner, int64_t *count, int64_t *bytes)
{
	*count = *bytes = 0;
	for (size_t i = 0; i < g.n; i++)
		if (strcmp(g.jobs[i]->owner, owner) == 0) {
			(*count)++;
			*bytes += g.jobs[i]->size;
		}
}

/* The upload of the path, if the caller may do act on it (g.mu held).
 * Another owner's upload answers 404 like a missing one: the policy says
 * only the owner (or an admin) may see it, so its existence is not told. */
static job *job_for(cg_req *req, cg_resp *resp, cg_pol_action act)
{
	job *j = registry_load(req->srv) ? job_find(req->id) : NULL;
	if (!j) {
		cg_resp_error(resp, 404, "no such upload", NULL);
		return NULL;
	}
	char me[48];
	owner_of(req, me, sizeof me);
	cg_pol_who w = cg_req_who(req);
	cg_pol_verdict v =
	    cg_policy(&w, act, CG_PRES_DNS_UPLOAD, j->owner_who.agency_id,
	              strcmp(me, j->owner) == 0 ? CG_POL_OWNER_SELF : CG_POL_OWNER_OTHER);
	if (v == CG_POL_NOT_OWNER || v == CG_POL_OTHER_AGENCY) {
		cg_resp_error(resp, 404, "no such upload", NULL);
		return NULL;
	}
	if (v != CG_POL_ALLOW) {
		cg_resp_error(resp, 403, cg_pol_verdict_text(v), NULL);
		return NULL;
	}
	return j;
}

void api_dns_upload_create(cg_req *req, cg_resp *resp)
{
	/* the uploader's own agency (an officer, a bound provider token) or
	 * the province: an officer without an agency may not upload */
	cg_pol_who w = cg_req_who(req);
	if (!cg_req_allow(req, resp, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD,
	                  w.agency_id > 0 ? w.agency_id : 0, CG_POL_OWNER_SELF))
		return;
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	const char *name = cg_json_get_str(body, "name");
	if (!name || !*name || strlen(name) > 200) {
		json_decref(body);
		cg_resp_error(resp, 400, "name: a file name of 1 to 200 bytes is required", NULL);
		return;
	}
	char me[48];
	owner_of(req, me, sizeof me);
	pthread_mutex_lock(&g.mu);
	if (!registry_load(req->srv)) {
		pthread_mutex_unlock(&g.mu);
		json_decref(body);
		cg_resp_error(resp, 500, "cannot create the upload", NULL);
		return;
	}
	int64_t count, bytes;
	owner_usage(me, &count, &bytes);
	if (count >= CG_DNS_MAX_UPLOADS_PER_OWNER) {
		pthread_mutex_unlock(&g.mu);
		json_decref(body);
		char msg[160];
		snprintf(msg, sizeof msg,
		         "upload quota reached (%d uploads): delete old uploads first",
		         CG_DNS_MAX_UPLOADS_PER_OWNER);
		cg_resp_error(resp, 429, msg, NULL);
		return;
	}
	job *j = job_add(g.next_id, name, 0, me, (cg_pol_who){w.kind, w.agency_id > 0 ? w.agency_id : 0});
	char path[4400];
	int fd = -1;
	if (j) {
		json_t *oj = json_pack("{s:s,s:i,s:I}", "owner", me, "kind", (int)j->owner_who.kind,
		                       "agency_id", (json_int_t)j->owner_who.agency_id);
		cg_buf ob;
		cg_buf_init(&ob, 4096);
		cg_err e1 = cg_json_encode(&ob, oj);
		json_decref(oj);
		snprintf(path, sizeof path, "%s/%lld.owner", g.dir, (long long)j->id);
		if (!e1)
			e1 = cg_write_file_atomic(path, ob.ptr, ob.len, 0600, NULL);
		cg_buf_free(&ob);
		snprintf(path, sizeof path, "%s/%lld.name", g.dir, (long long)j->id);
		cg_write_file_atomic(path, name, strlen(name), 0600, NULL);
		snprintf(path, sizeof path, "%s/%lld.log", g.dir, (long long)j->id);
		if (!e1)
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

/* PUT .../dns/uploads/{id}?offset=N is a streamed route (server.h,
 * cg_stream): the bytes go to the file as they arrive, never held whole.
 * begin() checks the owner, the offset, the upload limit and the owner's
 * quota and opens the file; data() writes within the room left; end()
 * makes the bytes durable and moves the offset, or truncates back to it. */
typedef struct put_state {
	job *j;
	int fd;
	int64_t off, written, room;
} put_state;

static bool put_begin(cg_req *req, cg_resp *resp, void **state)
{
	int64_t off, clen = -1;
	if (!cg_req_int_arg(req, resp, "offset", 0, CG_DNS_MAX_UPLOAD_BYTES, &off))
		return false;
	const char *cl = cg_req_header(req, "Content-Length");
	if (cl && cg_parse_i64(cg_slice_cstr(cl), 0, INT64_MAX, &clen))
		clen = -1;
	pthread_mutex_lock(&g.mu);
	job *j = job_for(req, resp, CG_ACT_UPLOAD);
	const char *refuse = NULL;
	unsigned code = 409;
	json_t *details = NULL;
	int64_t count, bytes, room = 0;
	if (!j) {
		pthread_mutex_unlock(&g.mu);
		return false;
	}
	owner_usage(j->owner, &count, &bytes);
	room = CG_DNS_MAX_UPLOAD_BYTES - off < CG_DNS_MAX_OWNER_BYTES - bytes
	           ? CG_DNS_MAX_UPLOAD_BYTES - off
	           : CG_DNS_MAX_OWNER_BYTES - bytes;
	if (j->writing) {
		refuse = "another PUT of this upload is in progress";
	} else if (j->state != JOB_RECEIVING && j->state != JOB_DONE && j->state != JOB_FAILED) {
		refuse = "the upload is being analysed";
	} else if (off != j->size) {
		refuse = "offset is not where the upload stands: resume from details.offset";
		details = json_pack("{s:I}", "offset", (json_int_t)j->size);
	} else if (clen > room) {
		refuse = "larger than the upload limit or your uploads' quota: delete old uploads first";
		code = 413;
	}
	int fd = -1;
	if (!refuse) {
		char path[4400];
		snprintf(path, sizeof path, "%s/%lld.log", g.dir, (long long)j->id);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || lseek(fd, off, SEEK_SET) != off) {
			refuse = "cannot store the data";
			code = 500;
		}
	}
	put_state *st = refuse ? NULL : calloc(1, sizeof *st);
	if (!refuse && !st) {
		refuse = "cannot store the data";
		code = 500;
	}
	if (refuse) {
		pthread_mutex_unlock(&g.mu);
		if (fd >= 0)
			close(fd);
		cg_resp_error(resp, code, refuse, details);
		return false;
	}
	j->writing = true;
	pthread_mutex_unlock(&g.mu);
	*st = (put_state){.j = j, .fd = fd, .off = off, .room = room};
	*state = st;
	return true;
}

static bool put_data(void *state, cg_req *req, cg_resp *resp, const char *p, size_t n)
{
	(void)req;
	put_state *st = state;
	if ((int64_t)n > st->room - st->written) {
		cg_resp_error(resp, 413,
		              "larger than the upload limit or your uploads' quota: delete old "
		              "uploads first",
		              NULL);
		return false;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(st->fd, p + done, n - done);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			cg_resp_error(resp, 500, "cannot store the data", NULL);
			return false;
		}
		done += (size_t)w;
	}
	st->written += (int64_t)n;
	return true;
}

static void put_end(void *state, cg_req *req, cg_resp *resp, bool ok)
{
	(void)req;
	put_state *st = state;
	if (ok && fsync(st->fd) != 0) {
		ok = false;
		cg_resp_error(resp, 500, "cannot store the data", NULL);
	}
	if (!ok && ftruncate(st->fd, st->off) != 0)
		cg_warn("dns upload %lld: cannot roll back a failed write", (long long)st->j->id);
	close(st->fd);
	pthread_mutex_lock(&g.mu);
	job *j = st->j;
	j->writing = false;
	json_t *out = NULL;
	if (ok) {
		j->size = st->off + st->written;
		j->state = JOB_RECEIVING;
		out = job_json(j);
	}
	pthread_mutex_unlock(&g.mu);
	if (out)
		cg_resp_json(resp, 200, out);
	free(st);
}

static const cg_stream put_stream = {put_begin, put_data, put_end};

/* Never called: the route is streamed (put_stream). */
void api_dns_upload_put(cg_req *req, cg_resp *resp)
{
	(void)req;
	cg_resp_error(resp, 500, "internal error: a streamed route was buffered", NULL);
}

void api_dns_upload_get(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&g.mu);
	job *j = job_for(req, resp, CG_ACT_READ);
	json_t *out = j ? job_json(j) : NULL;
	pthread_mutex_unlock(&g.mu);
	if (out)
		cg_resp_json(resp, 200, out);
}

void api_dns_upload_delete(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&g.mu);
	job *j = job_for(req, resp, CG_ACT_UPLOAD);
	if (!j) {
		pthread_mutex_unlock(&g.mu);
		return;
	}
	if (j->state == JOB_ANALYZING || j->writing) {
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, 409,
		              j->writing ? "a PUT is in progress" : "the upload is being analysed", NULL);
		return;
	}
	if (j->joinable) { /* a finished earlier run */
		pthread_join(j->thread, NULL);
		j->joinable = false;
	}
	static const char *const ext[] = {"log", "name", "owner"};
	for (size_t e = 0; e < 3; e++) {
		char path[4400];
		snprintf(path, sizeof path, "%s/%lld.%s", g.dir, (long long)j->id, ext[e]);
		unlink(path);
	}
	for (size_t i = 0; i < g.n; i++)
		if (g.jobs[i] == j) {
			g.jobs[i] = g.jobs[--g.n];
			break;
		}
	free(j);
	pthread_mutex_unlock(&g.mu);
	resp->status = 204;
}

void api_dns_upload_analyze(cg_req *req, cg_resp *resp)
{
	pthread_mutex_lock(&g.mu);
	job *j = job_for(req, resp, CG_ACT_UPLOAD);
	if (!j) {
		pthread_mutex_unlock(&g.mu);
		return;
	}
	const char *refuse = j->state == JOB_ANALYZING ? "already being analysed"
			     : j->writing ? "a PUT is in progress"
			     : j->size == 0 ? "nothing uploaded yet"
			     : g.running >= CG_DNS_MAX_JOBS_RUNNING ? "too many analyses running"
			     : NULL;
	if (refuse) {
		pthread_mutex_unlock(&g.mu);
		cg_resp_error(resp, j->size == 0 || j->writing ? 409 : 503, refuse, NULL);
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
		j->flagged = j->events_stored = j->outside_scope = 0;
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
	json_t *per = NULL; /* agency id (text) -> distinct flagged clients */
	cg_err err = cg_fig_dns_clients(req->srv->store, &req->scope, &per);
	if (err) {
		cg_resp_store_error(resp, err, "events");
		return;
	}
	json_t *items = json_array();
	const char *key;
	json_t *n;
	json_object_foreach(per, key, n) {
		int64_t id = 0;
		cg_parse_i64(cg_slice_cstr(key), 0, INT64_MAX, &id);
		json_array_append_new(items, json_pack("{s:o,s:O}", "agency_id",
			id ? json_integer(id) : json_null(), "infected_clients", n));
	}
	json_decref(per);
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(dns_upload);
const cg_route dns_upload_routes[] = {
    {"POST", "/api/v1/dns/uploads", api_dns_upload_create, CG_PRES_DNS_UPLOAD, CG_ACT_UPLOAD, NULL},
    {"GET", "/api/v1/dns/uploads/{id}", api_dns_upload_get, CG_PRES_DNS_UPLOAD, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/dns/uploads/{id}", api_dns_upload_put, CG_PRES_DNS_UPLOAD, CG_ACT_UPLOAD,
     &put_stream},
    {"DELETE", "/api/v1/dns/uploads/{id}", api_dns_upload_delete, CG_PRES_DNS_UPLOAD, CG_ACT_UPLOAD, NULL},
    {"POST", "/api/v1/dns/uploads/{id}/analyze", api_dns_upload_analyze, CG_PRES_DNS_UPLOAD, CG_ACT_UPLOAD, NULL},
    {"GET", "/api/v1/dns/infections", api_dns_infections, CG_PRES_DNS_FINDINGS, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(dns_upload);
