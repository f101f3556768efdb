/*
 * dns_upload.c - DNS resolver logs handed in to the server: resumable
 * upload, analysis as a job of the scheduler with progress, infected
 * clients stored as events mapped to agencies, and per-agency infection
 * counts.
 *
 *   POST /api/v1/dns/uploads               {"name"} -> 201 {"id","offset":0}
 *   PUT  /api/v1/dns/uploads/{id}?offset=N  raw bytes appended at N; N must
 *        equal the bytes received so far (409 {"offset"} otherwise), so a
 *        provider resumes a broken upload from the offset the server has
 *   GET  /api/v1/dns/uploads/{id}           state, bytes, progress, result
 *   POST /api/v1/dns/uploads/{id}/analyze   202: the upload is queued and
 *        the "dns-analysis" job made due (the same engine as `canhgac dns
 *        analyze`)
 *   GET  /api/v1/dns/infections             per agency: infected clients
 *
 * State: every upload is a row of the store (store.h "DNS uploads": owner,
 * the owner's agency, state, size, progress, result), so any server
 * answers for it. Its bytes are in the blob store (DATA_DIR/blobs, which
 * servers sharing a store share): each PUT's body is one blob, streamed
 * in as it arrives, and the row lists the blobs in order ("chunks"), so
 * an append is a new blob plus one conditional update of the row, and
 * any server reads the upload back (store/blob_chain.h) and checks every
 * blob's hash. Deleting an upload removes its blobs that no other row
 * names (store.h cg_store_blob_used). A PUT holds the row for
 * CG_DNS_PUT_LEASE_MS (renewed while bytes arrive), so two PUTs of one
 * upload never write at once, on one server or two.
 *
 * Analysis runs as the scheduler's job "dns-analysis" (kind
 * "dns-analyze", server/jobs.h) on a job runner of its own, so a long
 * analysis does not hold up the portal watch. A run analyses every queued
 * upload, oldest first, and also one left "analyzing": only the job's
 * lease holder analyses, so such a row is one whose server died in the
 * middle; it is analysed again from the start. Findings have ids derived
 * from the upload and the client and are stored once per id, so the
 * repeat stores nothing twice. Clients see a queued upload as
 * "analyzing" with no progress yet. Progress is written to the row about
 * once a second.
 *
 * Blocklists for server-side analysis are the files in DATA_DIR/dns-intel/
 * (any format `dns analyze --blocklist` reads) and the domains of the
 * store's threat intelligence valid at the start of the analysis
 * (store.h "threat intelligence": STIX, TAXII and MISP imports; an
 * expired one is not loaded, so it stops matching); a blocklist reason
 * whose listed name came from the store names its source
 * ("intel_source"). The DGA model and allow-list come from the rules
 * directory (as the CLI).
 *
 * The log is never parsed in this process: the server opens it read-only
 * and hands it to a sandboxed child (privsep.h, kind "dns"), which loads
 * the rules and blocklists, confines itself, reads and analyses, and
 * answers with progress and one finding per flagged client. The server
 * checks each finding (cg_event_decode), maps it to its agency and stores
 * it only once the child has finished (DONE): a child that crashes, hangs
 * past its deadline or answers nonsense fails that upload with the reason,
 * nothing of it stored.
 *
 * Each flagged client becomes a cg_event (source "dns", kind
 * "infected_client"); its agency is the one whose IP ranges (inventory)
 * hold the client, longest prefix.
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
#include "store/blob.h"
#include "store/blob_chain.h"
#include "store/figures.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "dns/analyze.h"
#include "dns/hash.h"
#include "dns/input.h"
#include "jobs.h"
#include "privsep.h"
#include "sandbox/sbmsg.h"
#include "server.h"
#include "version.h"

#define DNS_JOB_NAME "dns-analysis"
#define DNS_JOB_KIND "dns-analyze"

/* The job runner of the analyses (set at start) and the stop flag. */
static struct {
	cg_jobs *jobs;
	atomic_bool stop;
} g;

/* The blob store of the uploads' bytes (DATA_DIR/blobs, as the other
 * users of blobs open it), opened at first use; NULL when it cannot be. */
static pthread_mutex_t blobs_lock = PTHREAD_MUTEX_INITIALIZER;
static cg_blobs *blobs;

static cg_blobs *dns_blobs(const cg_server *srv)
{
	pthread_mutex_lock(&blobs_lock);
	if (!blobs && srv->data_dir) {
		char dir[4200];
		cg_buf why;
		cg_buf_init(&why, 256);
		snprintf(dir, sizeof dir, "%s/blobs", srv->data_dir);
		if (cg_blobs_open(dir, 0, &blobs, &why))
			cg_warn("dns uploads: blob store: %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
	}
	cg_blobs *b = blobs;
	pthread_mutex_unlock(&blobs_lock);
	return b;
}

/* The row's chunk list (text in the store) as JSON; NULL when malformed. */
static json_t *row_chunks(const json_t *row)
{
	const char *t = cg_json_get_str(row, "chunks");
	json_t *v = NULL;
	if (!t || cg_json_parse(cg_slice_cstr(t), &v, NULL) || !json_is_array(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static int64_t chunks_bytes(const json_t *chunks)
{
	int64_t sum = 0;
	size_t i;
	json_t *c;
	json_array_foreach(chunks, i, c) sum += json_integer_value(json_array_get(c, 1));
	return sum;
}

static bool blob_named(void *ctx, const char *hex)
{
	bool used = true;
	cg_store_blob_used(ctx, hex, &used); /* an error keeps it */
	return used;
}

/* Removes the blobs of a deleted upload that no row names any more. */
static void chunks_remove(cg_server *srv, const json_t *chunks)
{
	cg_blobs *b = dns_blobs(srv);
	size_t i;
	json_t *c;
	json_array_foreach(chunks, i, c) {
		const char *hex = json_string_value(json_array_get(c, 0));
		cg_err err = b ? cg_blob_remove(b, hex, blob_named, srv->store, NULL) : CG_EIO;
		if (err && err != CG_ENOTFOUND)
			cg_warn("dns uploads: blob %.16s… not removed: %s", hex ? hex : "?",
			        cg_strerror(err));
	}
}

/* A file's bytes as blobs of at most CG_DNS_FILE_CHUNK bytes each: the
 * whole of the upload whose row stands at expect_size (an older server's
 * file: see import_legacy and import_files). */
#define CG_DNS_FILE_CHUNK (64 * 1024 * 1024)
static cg_err file_to_chunks(cg_server *srv, const char *path, int64_t id, int64_t expect_size)
{
	cg_blobs *b = dns_blobs(srv);
	int fd = b ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return CG_EIO;
	json_t *chunks = json_array();
	enum { CAP = 64 * 1024 };
	char *buf = malloc(CAP);
	cg_err err = chunks && buf ? CG_OK : CG_ENOMEM;
	int64_t total = 0;
	bool eof = false;
	while (!err && !eof) {
		cg_blob_writer *w = NULL;
		int64_t n = 0;
		if ((err = cg_blob_begin(b, &w)))
			break;
		while (!err && n < CG_DNS_FILE_CHUNK) {
			size_t want =
			    CG_DNS_FILE_CHUNK - n < CAP ? (size_t)(CG_DNS_FILE_CHUNK - n) : CAP;
			ssize_t k = read(fd, buf, want);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				err = CG_EIO;
			else if (k == 0)
				eof = true;
			else if (!(err = cg_blob_write(w, buf, (size_t)k)))
				n += k;
			if (eof)
				break;
		}
		char hex[CG_BLOB_HEX_LEN + 1];
		if (err || n == 0) {
			cg_blob_abort(w);
			break;
		}
		if (!(err = cg_blob_commit(w, NULL, hex, NULL))) {
			json_array_append_new(chunks, json_pack("[s,I]", hex, (json_int_t)n));
			total += n;
		}
	}
	close(fd);
	free(buf);
	if (!err)
		err = cg_store_dns_upload_chunks_set(srv->store, id, expect_size, chunks, total);
	json_decref(chunks);
	return err;
}

/* The API's view of a row. */
static json_t *upload_json(const json_t *row)
{
	const char *state = cg_json_get_str(row, "state");
	if (!state || strcmp(state, "queued") == 0)
		state = "analyzing"; /* asked for, not finished */
	int64_t size = json_integer_value(json_object_get(row, "size"));
	json_t *pr = json_object_get(row, "progress");
	int64_t bytes = json_integer_value(json_object_get(pr, "bytes_read"));
	json_t *o = json_pack("{s:O,s:O,s:I,s:s}", "id", json_object_get(row, "id"), "name",
	                      json_object_get(row, "name"), "offset", (json_int_t)size, "state",
	                      state);
	bool done = strcmp(state, "done") == 0;
	json_t *p = json_pack("{s:I,s:I,s:I}", "lines_read",
	                      (json_int_t)json_integer_value(json_object_get(pr, "lines_read")),
	                      "queries",
	                      (json_int_t)json_integer_value(json_object_get(pr, "queries")),
	                      "bytes_read", (json_int_t)bytes);
	/* plain uploads: percent of the file; gzip ones: of the expanded
	 * bytes, unknown in advance, so capped below 100 until done */
	double pct = done ? 100.0 : size ? 100.0 * (double)bytes / (double)size : 0;
	json_object_set_new(p, "percent", json_real(pct > 99.9 && !done ? 99.9 : pct));
	json_object_set_new(o, "progress", p);
	json_t *res = json_object_get(row, "result");
	if (done && json_is_object(res))
		json_object_set(o, "result", res);
	json_object_set(o, "owner", json_object_get(row, "owner"));
	if (strcmp(state, "failed") == 0)
		json_object_set(o, "error", json_object_get(row, "error"));
	return o;
}

/* ---- analysis ---------------------------------------------------------------- */

/* One analysis in progress. */
typedef struct upload {
	cg_server *srv;
	int64_t id;
	/* what the policy knew of the uploader when they made it (their kind
	 * and agency): findings are filed only where that caller may upload */
	cg_pol_who owner_who;
	int64_t flagged, events_stored, outside_scope, started_ms, last_write_ms;
} upload;

/* One flagged client as the sandboxed analysis reported it: its address
 * and its event (without id and agency, which are the server's to set). */
typedef struct finding {
	char ip[64];
	cg_event ev;
} finding;

/* What the analysis child has reported so far. */
typedef struct ctx {
	upload *u;
	cg_dns_stats st; /* lines, queries, bytes (the rest is the child's) */
	finding *f;
	size_t n, cap;
	cg_buf *bad; /* why a reply was refused */
} ctx;

static json_t *progress_json(const cg_dns_stats *st)
{
	return json_pack("{s:I,s:I,s:I}", "lines_read", (json_int_t)st->lines, "queries",
	                 (json_int_t)st->queries, "bytes_read", (json_int_t)st->bytes);
}

/* The row's analysis state; NULL members are null. */
static cg_err upload_set(upload *u, const char *state, json_t *progress, json_t *result,
                         const char *error, int64_t finished)
{
	json_t *rec = json_pack("{s:s,s:I}", "state", state, "started", (json_int_t)u->started_ms);
	if (!rec)
		return CG_ENOMEM;
	if (progress)
		json_object_set_new(rec, "progress", progress);
	if (result)
		json_object_set_new(rec, "result", result);
	if (error)
		json_object_set_new(rec, "error", json_string(error));
	if (finished)
		json_object_set_new(rec, "finished", json_integer(finished));
	cg_err err = cg_store_dns_upload_set(u->srv->store, u->id, rec);
	json_decref(rec);
	return err;
}

static uint64_t count(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (uint64_t)v : 0;
}

/* A flagged client: a short client name (an address, routed to its
 * agency; anything else routes nowhere), a valid event. */
static int add_finding(ctx *x, const json_t *o)
{
	const char *ip = cg_json_get_str(o, "ip");
	if (!ip || !*ip || strlen(ip) >= sizeof x->f[0].ip) {
		cg_buf_puts(x->bad, "the analysis reported a client without a valid name");
		return 1;
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		finding *f = cap <= CG_DNS_MAX_CLIENTS ? realloc(x->f, cap * sizeof *f) : NULL;
		if (!f) {
			cg_buf_puts(x->bad, "the analysis reported too many clients");
			return 1;
		}
		x->f = f;
		x->cap = cap;
	}
	finding *f = &x->f[x->n];
	memset(f, 0, sizeof *f);
	if (cg_event_decode(json_object_get(o, "event"), &f->ev, true, x->bad)) {
		cg_event_clear(&f->ev);
		return 1;
	}
	snprintf(f->ip, sizeof f->ip, "%s", ip);
	x->n++;
	return 0;
}

/* One reply of the analysis child (server/privsep.h "dns"). */
static int on_reply(void *c, uint8_t type, json_t *o)
{
	ctx *x = c;
	if (type == CG_SBMSG_PROGRESS || type == CG_SBMSG_DONE || type == CG_SBMSG_ERROR) {
		x->st.lines = count(o, "lines_read");
		x->st.queries = count(o, "queries");
		x->st.bytes = count(o, "bytes_read");
	}
	if (type == CG_SBMSG_PROGRESS) {
		/* about once a second, for whichever server is asked */
		if (upload_set(x->u, "analyzing", progress_json(&x->st), NULL, NULL, 0))
			cg_warn("dns upload %lld: progress not stored: %s", (long long)x->u->id,
			        cg_store_errmsg());
	} else if (type == CG_SBMSG_ITEM && cg_json_get_str(o, "warning")) {
		const char *w = cg_json_get_str(o, "warning");
		if (cg_utf8_valid(cg_slice_cstr(w)))
			cg_warn("dns intel %.600s", w);
	} else if (type == CG_SBMSG_ITEM) {
		return add_finding(x, o);
	}
	return 0;
}

static bool stopping(void *c)
{
	(void)c;
	return atomic_load(&g.stop);
}

/* The store's active intelligence domains (store.h "threat
 * intelligence"), one per line, into a private file under DATA_DIR that
 * the analysis child loads with the other blocklists: the child never
 * sees the store, and reads nothing by name once confined. path gets ""
 * when there is nothing to load; *sources gets {domain: source} (the
 * first source by name when several list it). */
static void store_intel_file(cg_server *srv, char *path, size_t size, json_t **sources)
{
	json_t *items = NULL;
	path[0] = 0;
	*sources = json_object();
	if (cg_store_intel_active(srv->store, "domain", cg_time_now_ms(), CG_INTEL_MAX_INDICATORS,
	                          &items)) {
		cg_warn("dns intel: the store's indicators not read: %s", cg_store_errmsg());
		return;
	}
	int n = snprintf(path, size, "%s/.dns-intel-store-XXXXXX", srv->data_dir);
	int fd = json_array_size(items) && n > 0 && (size_t)n < size ? mkstemp(path) : -1;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (json_array_size(items))
			cg_warn("dns intel: the store's indicators not handed over: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		path[0] = 0;
		json_decref(items);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *v = cg_json_get_str(it, "value");
		if (!v || strpbrk(v, "\r\n")) /* one name per line, nothing else */
			continue;
		fprintf(f, "%s\n", v);
		if (*sources && !json_object_get(*sources, v))
			json_object_set(*sources, v, json_object_get(it, "source"));
	}
	json_decref(items);
	if (fclose(f)) {
		cg_warn("dns intel: the store's indicators not handed over: %s", strerror(errno));
		unlink(path);
		path[0] = 0;
	}
}

/* Names the intelligence source of each blocklist reason of ev. */
static void name_sources(cg_event *ev, const json_t *sources)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(ev->evidence, "reasons"), i, r)
	{
		const char *k = cg_json_get_str(r, "kind"), *listed = cg_json_get_str(r, "listed");
		const json_t *src = listed ? json_object_get(sources, listed) : NULL;
		if (k && strcmp(k, "blocklist") == 0 && src)
			json_object_set(r, "intel_source", (json_t *)src);
	}
}

static cg_err store_events(cg_server *srv, upload *j, ctx *x, const json_t *intel_sources)
{
	j->flagged = (int64_t)x->n;
	cg_agency_table *m = NULL;
	cg_err err = cg_agency_cache_get(&srv->agencies, srv->store, &m);
	if (err)
		return err;
	cg_event_in *in = calloc(x->n ? x->n : 1, sizeof *in);
	if (!in) {
		cg_agency_table_release(m);
		return CG_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < x->n && !err; i++) {
		cg_slice ip = cg_slice_cstr(x->f[i].ip);
		cg_event *ev = &x->f[i].ev;
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
		/* same upload, same client: same id, stored once */
		snprintf(ev->id, sizeof ev->id, "dns-u%lld-%016llx", (long long)j->id,
		         (unsigned long long)cg_dns_hash(ip.ptr, ip.len));
		if (code && (err = cg_event_set(ev, CG_EV_AGENCY, cg_slice_cstr(code))))
			break;
		json_object_set_new(ev->evidence, "upload", json_integer(j->id));
		name_sources(ev, intel_sources);
		/* the server's own findings: no caller can pre-file their ids */
		in[k] = (cg_event_in){.ev = ev, .agency_id = agency, .producer = "server:dns"};
		k++;
	}
	int64_t now = cg_time_now_ms();
	for (size_t off = 0; !err && off < k; off += CG_MAX_BATCH_EVENTS) {
		size_t cnt = k - off < CG_MAX_BATCH_EVENTS ? k - off : CG_MAX_BATCH_EVENTS;
		size_t acc = 0, dup = 0;
		err = cg_store_events_insert(srv->store, in + off, cnt, now, &acc, &dup);
		j->events_stored += (int64_t)acc;
	}
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

/* Analyses upload id and records the outcome in its row (done, or failed
 * with a reason for the API caller). An error return leaves the row
 * "analyzing" for the next run: the server is stopping, or the store
 * failed. */
static cg_err analyze_one(cg_server *srv, int64_t id, cg_buf *jwhy)
{
	json_t *row = NULL;
	cg_err err = cg_store_dns_upload_get(srv->store, id, &row);
	if (err) {
		cg_buf_printf(jwhy, "upload %lld: %s", (long long)id, cg_store_errmsg());
		return err;
	}
	upload u = {.srv = srv, .id = id, .started_ms = cg_time_now_ms()};
	json_int_t k = json_integer_value(json_object_get(row, "owner_kind"));
	u.owner_who.kind = k > 0 && k < CG_POL_NKINDS ? (cg_pol_kind)k : CG_POL_NKINDS;
	u.owner_who.agency_id = json_integer_value(json_object_get(row, "agency_id"));
	json_t *chunks = row_chunks(row);
	bool whole =
	    chunks && chunks_bytes(chunks) == json_integer_value(json_object_get(row, "size"));
	json_decref(row);
	if ((err = upload_set(&u, "analyzing", NULL, NULL, NULL, 0))) {
		cg_buf_printf(jwhy, "upload %lld: %s", (long long)id, cg_store_errmsg());
		return err;
	}
	cg_info("dns upload %lld: analysis starts", (long long)id);
	cg_buf why;
	cg_buf_init(&why, 1024);
	char rules[4200], intel[4300], store_intel[4300] = "";
	json_t *intel_sources = NULL;
	cg_rules_dir("dns", rules, sizeof rules); /* a missing one fails the load */
	snprintf(intel, sizeof intel, "%s/dns-intel", srv->data_dir);
	ctx x = {.u = &u, .bad = &why};
	/* the bytes come out of the blob store through a pipe handed to the
	 * analysis child: it opens nothing once it reads the upload
	 * (server/privsep.h) */
	cg_blob_chain *chain = NULL;
	int fd = -1;
	if (!whole) {
		cg_buf_puts(&why, "the uploaded bytes are not all in the blob store");
		err = CG_ENOTFOUND;
	} else if ((err = cg_blob_chain_pipe(dns_blobs(srv), chunks, &fd, &chain))) {
		cg_buf_puts(&why, "cannot read the uploaded log from the blob store");
	} else {
		store_intel_file(srv, store_intel, sizeof store_intel, &intel_sources);
		json_t *req = json_pack("{s:s,s:s,s:s}", "rules", rules, "intel", intel, "intel_file",
		                        store_intel);
		cg_privsep_job pj = {.kind = "dns",
		                     .request = req,
		                     .input_fd = fd,
		                     .long_job = true,
		                     .on_msg = on_reply,
		                     .cancelled = stopping,
		                     .ctx = &x};
		u.last_write_ms = cg_mono_ms();
		err = req ? cg_privsep_run(&pj, &why) : CG_ENOMEM;
		json_decref(req);
		if (store_intel[0])
			unlink(store_intel);
	}
	if (fd >= 0)
		close(fd); /* before the join: a reader that stopped early frees the writer */
	size_t bad = 0;
	cg_err cerr = chain ? cg_blob_chain_finish(chain, &bad) : CG_OK;
	json_decref(chunks);
	bool stop = atomic_load(&g.stop);
	if (!err && cerr && !stop) {
		/* what was read is not what was uploaded: no finding from it */
		cg_buf_reset(&why);
		cg_buf_printf(&why, "piece %zu of the uploaded log is %s in the blob store", bad + 1,
		              cerr == CG_ENOTFOUND ? "missing" : "damaged");
		err = cerr;
	}
	if (!err && !stop)
		err = store_events(srv, &u, &x, intel_sources);
	cg_err out = CG_OK;
	if (stop) {
		/* left "analyzing": whoever runs the job next starts it again */
		cg_buf_puts(jwhy, "server stopping");
		out = CG_EINTERNAL;
	} else if (err) {
		/* the reason goes to the API caller: never the server's paths */
		char msg[512], text[600];
		snprintf(msg, sizeof msg, "%s", why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		scrub(msg, sizeof msg, rules, "the DNS rules");
		scrub(msg, sizeof msg, srv->data_dir, "the data directory");
		snprintf(text, sizeof text, "analysis failed: %.480s", msg);
		cg_warn("dns upload %lld: %s", (long long)id, cg_buf_cstr(&why));
		out = upload_set(&u, "failed", progress_json(&x.st), NULL, text, cg_time_now_ms());
	} else {
		json_t *res = json_pack("{s:I,s:I,s:I}", "clients_flagged", (json_int_t)u.flagged,
		                        "events_stored", (json_int_t)u.events_stored,
		                        "outside_your_agencies", (json_int_t)u.outside_scope);
		out = upload_set(&u, "done", progress_json(&x.st), res, NULL, cg_time_now_ms());
		cg_info("dns upload %lld: done, %llu lines, %lld clients flagged", (long long)id,
		        (unsigned long long)x.st.lines, (long long)u.flagged);
	}
	if (out && !jwhy->len)
		cg_buf_printf(jwhy, "upload %lld: %s", (long long)id, cg_store_errmsg());
	for (size_t i = 0; i < x.n; i++)
		cg_event_clear(&x.f[i].ev);
	free(x.f);
	json_decref(intel_sources);
	cg_buf_free(&why);
	return out;
}

/* The "dns-analysis" job: every queued upload (and one an analyser that
 * died left "analyzing"), oldest first. */
static cg_err dns_job(void *arg, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	(void)next_run_ms;
	cg_server *srv = arg;
	for (;;) {
		if (atomic_load(&g.stop)) {
			cg_buf_puts(why, "server stopping");
			return CG_EINTERNAL;
		}
		int64_t id = 0;
		cg_err err = cg_store_dns_upload_next(srv->store, &id);
		if (err == CG_ENOTFOUND)
			return CG_OK;
		if (!err)
			err = analyze_one(srv, id, why);
		else
			cg_buf_printf(why, "%s", cg_store_errmsg());
		if (err)
			return err;
	}
}

/* An older server's uploads: DATA/dns-uploads/N.log with N.name (and,
 * from a later version, N.owner) beside it (its registry was in memory,
 * rebuilt from these; one without N.owner is the admins' alone).
 * Each becomes a row, its bytes blobs (to be analysed again on request);
 * the files move to legacy/ first, so that they are told apart from the
 * rows' files of import_files. */
static void import_legacy(cg_server *srv, const char *dir)
{
	char sub[4300], from[4400], to[4400];
	snprintf(sub, sizeof sub, "%s/legacy", dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		int64_t id;
		/* every older server wrote N.name; N.owner came later */
		if (n < 6 || strcmp(e->d_name + n - 5, ".name") != 0 ||
		    cg_parse_i64(cg_slice_from(e->d_name, n - 5), 1, INT64_MAX, &id))
			continue;
		if (cg_mkdir_p(sub, 0700, NULL))
			break;
		static const char *const ext[] = {"log", "name", "owner"};
		for (size_t i = 0; i < 3; i++) {
			snprintf(from, sizeof from, "%s/%lld.%s", dir, (long long)id, ext[i]);
			snprintf(to, sizeof to, "%s/%lld.%s", sub, (long long)id, ext[i]);
			if (rename(from, to) != 0 && errno != ENOENT)
				cg_warn("dns uploads: cannot move %s aside: %s", from, strerror(errno));
		}
	}
	closedir(d);
	if (!(d = opendir(sub)))
		return;
	size_t moved = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		int64_t id;
		if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0 ||
		    cg_parse_i64(cg_slice_from(e->d_name, n - 4), 1, INT64_MAX, &id))
			continue;
		cg_buf b;
		char name[256] = "upload";
		snprintf(from, sizeof from, "%s/%lld.name", sub, (long long)id);
		cg_buf_init(&b, sizeof name - 1);
		if (cg_read_file(from, &b, NULL) == CG_OK && b.len)
			cg_slice_copy(cg_buf_slice(&b), name, sizeof name);
		cg_buf_free(&b);
		/* {"owner","kind","agency_id"}; none: the admins' alone */
		json_t *oj = NULL;
		snprintf(from, sizeof from, "%s/%lld.owner", sub, (long long)id);
		cg_buf_init(&b, 4096);
		if (cg_read_file(from, &b, NULL) || cg_json_parse(cg_buf_slice(&b), &oj, NULL) ||
		    !json_is_object(oj)) {
			json_decref(oj);
			oj = json_pack("{s:s,s:i,s:i}", "owner", "", "kind", (int)CG_POL_ADMIN,
			               "agency_id", 0);
		}
		cg_buf_free(&b);
		struct stat sb;
		snprintf(from, sizeof from, "%s/%lld.log", sub, (long long)id);
		if (stat(from, &sb) != 0) {
			json_decref(oj);
			continue;
		}
		const char *owner = cg_json_get_str(oj, "owner");
		json_t *rec = json_pack("{s:s,s:s,s:I,s:I,s:I}", "name", name, "owner",
		                        owner && *owner ? owner : "legacy", "owner_kind",
		                        (json_int_t)json_integer_value(json_object_get(oj, "kind")),
		                        "agency_id",
		                        (json_int_t)json_integer_value(json_object_get(oj, "agency_id")),
		                        "created",
		                        (json_int_t)((int64_t)sb.st_mtime * 1000));
		json_decref(oj);
		int64_t nid = 0;
		cg_err err = rec ? cg_store_dns_upload_create(srv->store, rec, INT64_MAX, &nid)
		                 : CG_ENOMEM;
		json_decref(rec);
		if (!err && file_to_chunks(srv, from, nid, 0) == CG_OK) {
			moved++;
			unlink(from);
			static const char *const side[] = {"name", "owner"};
			for (size_t i = 0; i < 2; i++) {
				snprintf(from, sizeof from, "%s/%lld.%s", sub, (long long)id, side[i]);
				unlink(from);
			}
		} else if (nid) {
			/* another server took this file first */
			cg_store_dns_upload_delete(srv->store, nid, cg_time_now_ms());
		}
	}
	closedir(d);
	rmdir(sub);
	if (moved)
		cg_info("dns uploads: %zu uploads of an older server moved into the store", moved);
}

/* The previous server's uploads: rows whose bytes were DATA/dns-uploads/
 * ID.log. A row standing at the file's size with no chunk gets the file
 * as blobs, and the file goes; any other file is left as it is (warned
 * about: its row is gone or disagrees). Servers starting together both
 * do the same: the same bytes make the same blobs and the same list,
 * so whichever update comes second writes what the first wrote. */
static void import_files(cg_server *srv, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t moved = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		int64_t id;
		char path[4400];
		if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0 ||
		    cg_parse_i64(cg_slice_from(e->d_name, n - 4), 1, INT64_MAX, &id))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat sb;
		json_t *row = NULL, *chunks = NULL;
		if (stat(path, &sb) != 0 || cg_store_dns_upload_get(srv->store, id, &row)) {
			cg_warn("dns uploads: %s has no upload row: left as it is", path);
			continue;
		}
		int64_t size = json_integer_value(json_object_get(row, "size"));
		chunks = row_chunks(row);
		json_decref(row);
		bool fits = chunks && json_array_size(chunks) == 0 && size == (int64_t)sb.st_size;
		json_decref(chunks);
		if (fits && (size == 0 || file_to_chunks(srv, path, id, size) == CG_OK)) {
			unlink(path);
			moved++;
		} else if (!fits) {
			cg_warn("dns uploads: %s does not match its upload row: left as it is",
			        path);
		}
	}
	closedir(d);
	if (moved)
		cg_info("dns uploads: %zu uploads' files moved into the blob store", moved);
}

cg_err cg_dns_jobs_start(cg_server *srv, int64_t lease_ms)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/dns-uploads", srv->data_dir);
	cg_err err = CG_OK;
	struct stat sb;
	if (stat(dir, &sb) == 0) { /* an older server's: its files into blobs */
		import_legacy(srv, dir);
		import_files(srv, dir);
		rmdir(dir); /* when nothing is left */
	}
	atomic_store(&g.stop, false);
	cg_jobs *j = NULL;
	if (!err)
		err = cg_jobs_new(srv->store, NULL, lease_ms, &j);
	if (!err)
		err = cg_jobs_add(j, DNS_JOB_NAME, DNS_JOB_KIND, CG_DNS_SWEEP_MS, dns_job, srv);
	if (!err)
		err = cg_jobs_start(j);
	if (err) {
		cg_jobs_free(j);
		return err;
	}
	g.jobs = j;
	return CG_OK;
}

void dns_jobs_shutdown(void)
{
	atomic_store(&g.stop, true);
	cg_jobs_free(g.jobs); /* the run in progress stops at its next record */
	g.jobs = NULL;
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

/* The row of the path's upload, if the caller may do act on it (the caller
 * json_decref()s it). Another owner's upload answers 404 like a missing
 * one: the policy says only the owner (or an admin) may see it, so its
 * existence is not told. */
static json_t *upload_for(cg_req *req, cg_resp *resp, cg_pol_action act)
{
	json_t *row = NULL;
	cg_err err = cg_store_dns_upload_get(req->srv->store, req->id, &row);
	if (err) {
		if (err == CG_ENOTFOUND)
			cg_resp_error(resp, 404, "no such upload", NULL);
		else
			cg_resp_store_error(resp, err, "dns_upload");
		return NULL;
	}
	char me[48];
	owner_of(req, me, sizeof me);
	const char *owner = cg_json_get_str(row, "owner");
	cg_pol_who w = cg_req_who(req);
	cg_pol_verdict v =
	    cg_policy(&w, act, CG_PRES_DNS_UPLOAD, json_integer_value(json_object_get(row, "agency_id")),
	              owner && strcmp(me, owner) == 0 ? CG_POL_OWNER_SELF : CG_POL_OWNER_OTHER);
	if (v == CG_POL_NOT_OWNER || v == CG_POL_OTHER_AGENCY) {
		json_decref(row);
		cg_resp_error(resp, 404, "no such upload", NULL);
		return NULL;
	}
	if (v != CG_POL_ALLOW) {
		json_decref(row);
		cg_resp_error(resp, 403, cg_pol_verdict_text(v), NULL);
		return NULL;
	}
	return row;
}

static const char *row_state(const json_t *row)
{
	const char *s = cg_json_get_str(row, "state");
	return s ? s : "";
}

/* A PUT holds the row until then (renewed while bytes arrive). */
static bool being_written(const json_t *row, int64_t now)
{
	json_t *w = json_object_get(row, "writing_until");
	return json_is_integer(w) && json_integer_value(w) >= now;
}

static bool being_analysed(const json_t *row)
{
	return strcmp(row_state(row), "queued") == 0 || strcmp(row_state(row), "analyzing") == 0;
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
	json_t *rec = json_pack("{s:s,s:s,s:i,s:I,s:I}", "name", name, "owner", me, "owner_kind",
	                        (int)w.kind, "agency_id", (json_int_t)(w.agency_id > 0 ? w.agency_id : 0),
	                        "created", (json_int_t)cg_time_now_ms());
	json_decref(body);
	int64_t id = 0;
	cg_err err = rec ? cg_store_dns_upload_create(req->srv->store, rec, CG_DNS_MAX_UPLOADS_PER_OWNER,
	                                              &id)
	                 : CG_ENOMEM;
	json_decref(rec);
	if (err == CG_ELIMIT) {
		char msg[160];
		snprintf(msg, sizeof msg,
		         "upload quota reached (%d uploads): delete old uploads first",
		         CG_DNS_MAX_UPLOADS_PER_OWNER);
		cg_resp_error(resp, 429, msg, NULL);
		return;
	}
	json_t *row = NULL;
	if (err || cg_store_dns_upload_get(req->srv->store, id, &row)) {
		if (id)
			cg_store_dns_upload_delete(req->srv->store, id, cg_time_now_ms());
		cg_resp_error(resp, 500, "cannot create the upload", NULL);
		return;
	}
	cg_resp_json(resp, 201, upload_json(row));
	json_decref(row);
}

/* PUT .../dns/uploads/{id}?offset=N is a streamed route (server.h,
 * cg_stream): the bytes go to a blob as they arrive, never held whole.
 * begin() checks the owner, the offset, the upload limit and the owner's
 * quota, takes the row for the PUT (store.h) and begins the blob; data()
 * writes within the room left and renews the hold; end() commits the
 * blob (durable, named by its hash) and appends it to the row's chunks
 * with the new size, or drops it: the upload stays at the offset. */
typedef struct put_state {
	cg_server *srv;
	int64_t id;
	cg_blob_writer *w;
	json_t *chunks; /* the row's, when the PUT began */
	int64_t off, written, room, until;
} put_state;

static bool put_begin(cg_req *req, cg_resp *resp, void **state)
{
	int64_t off, clen = -1;
	if (!cg_req_int_arg(req, resp, "offset", 0, CG_DNS_MAX_UPLOAD_BYTES, &off))
		return false;
	const char *cl = cg_req_header(req, "Content-Length");
	if (cl && cg_parse_i64(cg_slice_cstr(cl), 0, INT64_MAX, &clen))
		clen = -1;
	json_t *row = upload_for(req, resp, CG_ACT_UPLOAD);
	if (!row)
		return false;
	int64_t now = cg_time_now_ms(), count = 0, bytes = 0;
	int64_t size = json_integer_value(json_object_get(row, "size"));
	const char *refuse = NULL;
	unsigned code = 409;
	json_t *details = NULL;
	if (cg_store_dns_upload_usage(req->srv->store, cg_json_get_str(row, "owner"), &count,
	                              &bytes)) {
		refuse = "cannot store the data";
		code = 500;
	}
	int64_t room = CG_DNS_MAX_UPLOAD_BYTES - off < CG_DNS_MAX_OWNER_BYTES - bytes
	                   ? CG_DNS_MAX_UPLOAD_BYTES - off
	                   : CG_DNS_MAX_OWNER_BYTES - bytes;
	int64_t until = now + CG_DNS_PUT_LEASE_MS;
	json_t *chunks = row_chunks(row);
	if (refuse) {
	} else if (!chunks) {
		refuse = "cannot store the data";
		code = 500;
	} else if (json_array_size(chunks) >= CG_DNS_MAX_UPLOAD_CHUNKS) {
		refuse = "the upload has too many pieces: send the rest in larger PUTs";
		code = 413;
	} else if (being_written(row, now)) {
		refuse = "another PUT of this upload is in progress";
	} else if (being_analysed(row)) {
		refuse = "the upload is being analysed";
	} else if (off != size) {
		refuse = "offset is not where the upload stands: resume from details.offset";
		details = json_pack("{s:I}", "offset", (json_int_t)size);
	} else if (clen > room) {
		refuse = "larger than the upload limit or your uploads' quota: delete old uploads first";
		code = 413;
	} else if (cg_store_dns_upload_write_begin(req->srv->store, req->id, off, now, -1, until)) {
		/* another PUT or an analysis took it since the row was read */
		refuse = "another PUT of this upload is in progress";
	}
	json_decref(row);
	if (refuse) {
		json_decref(chunks);
		cg_resp_error(resp, code, refuse, details);
		return false;
	}
	cg_blobs *b = dns_blobs(req->srv);
	cg_blob_writer *w = NULL;
	put_state *st = calloc(1, sizeof *st);
	if (!b || !st || cg_blob_begin(b, &w)) {
		free(st);
		json_decref(chunks);
		cg_store_dns_upload_write_end(req->srv->store, req->id, -1);
		cg_resp_error(resp, 500, "cannot store the data", NULL);
		return false;
	}
	*st = (put_state){.srv = req->srv,
	                  .id = req->id,
	                  .w = w,
	                  .chunks = chunks,
	                  .off = off,
	                  .room = room,
	                  .until = until};
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
	/* renew the hold well before it ends; losing it means someone else
	 * may write: stop */
	int64_t now = cg_time_now_ms();
	if (st->until - now < CG_DNS_PUT_LEASE_MS / 2) {
		int64_t until = now + CG_DNS_PUT_LEASE_MS;
		if (cg_store_dns_upload_write_begin(st->srv->store, st->id, st->off, now, st->until,
		                                    until)) {
			cg_resp_error(resp, 409, "the upload was taken over by another PUT", NULL);
			return false;
		}
		st->until = until;
	}
	if (cg_blob_write(st->w, p, n)) {
		cg_resp_error(resp, 500, "cannot store the data", NULL);
		return false;
	}
	st->written += (int64_t)n;
	return true;
}

/* The PUT's blob appended to the row: one conditional update. The blob
 * is then checked to be there still: a deletion of another upload with
 * the same bytes may have removed it between the commit and the update
 * (blob.h, "Removing"); the row is then put back and the PUT fails, to
 * be sent again from the offset. */
static cg_err put_append(put_state *st, const char *hex)
{
	json_t *was = json_deep_copy(st->chunks);
	if (!was ||
	    json_array_append_new(st->chunks, json_pack("[s,I]", hex, (json_int_t)st->written))) {
		json_decref(was);
		return CG_ENOMEM;
	}
	int64_t size = st->off + st->written;
	cg_err err =
	    cg_store_dns_upload_chunks_set(st->srv->store, st->id, st->off, st->chunks, size);
	uint64_t n = 0;
	if (!err && cg_blob_stat(dns_blobs(st->srv), hex, &n) != CG_OK) {
		cg_store_dns_upload_chunks_set(st->srv->store, st->id, size, was, st->off);
		err = CG_ECONFLICT;
	}
	json_decref(was);
	return err;
}

static void put_end(void *state, cg_req *req, cg_resp *resp, bool ok)
{
	(void)req;
	put_state *st = state;
	char hex[CG_BLOB_HEX_LEN + 1] = "";
	cg_err err = CG_OK;
	if (!ok || st->written == 0) {
		cg_blob_abort(st->w); /* nothing appended: the upload stays at the offset */
		err = cg_store_dns_upload_write_end(st->srv->store, st->id, ok ? st->off : -1);
	} else if (cg_blob_commit(st->w, NULL, hex, NULL) || put_append(st, hex)) {
		ok = false;
		cg_store_dns_upload_write_end(st->srv->store, st->id, -1);
		if (hex[0]) /* not named by this upload: gone unless another row names it */
			cg_blob_remove(dns_blobs(st->srv), hex, blob_named, st->srv->store, NULL);
		cg_resp_error(resp, 500, "cannot store the data: send it again from the offset",
		              NULL);
	}
	json_decref(st->chunks);
	json_t *row = NULL;
	if (ok && !err)
		err = cg_store_dns_upload_get(st->srv->store, st->id, &row);
	if (ok && err)
		cg_resp_store_error(resp, err, "dns_upload");
	else if (row)
		cg_resp_json(resp, 200, upload_json(row));
	json_decref(row);
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
	json_t *row = upload_for(req, resp, CG_ACT_READ);
	if (row)
		cg_resp_json(resp, 200, upload_json(row));
	json_decref(row);
}

void api_dns_upload_delete(cg_req *req, cg_resp *resp)
{
	json_t *row = upload_for(req, resp, CG_ACT_UPLOAD);
	if (!row)
		return;
	int64_t now = cg_time_now_ms();
	bool writing = being_written(row, now);
	json_t *chunks = row_chunks(row);
	json_decref(row);
	cg_err err = cg_store_dns_upload_delete(req->srv->store, req->id, now);
	if (!err && chunks)
		chunks_remove(req->srv, chunks); /* after the row: no row names them now */
	json_decref(chunks);
	if (err == CG_ECONFLICT) {
		cg_resp_error(resp, 409,
		              writing ? "a PUT is in progress" : "the upload is being analysed", NULL);
		return;
	}
	if (err) {
		cg_resp_store_error(resp, err, "dns_upload");
		return;
	}
	resp->status = 204;
}

void api_dns_upload_analyze(cg_req *req, cg_resp *resp)
{
	json_t *row = upload_for(req, resp, CG_ACT_UPLOAD);
	if (!row)
		return;
	int64_t now = cg_time_now_ms();
	const char *refuse = being_analysed(row) ? "already being analysed"
	                     : being_written(row, now) ? "a PUT is in progress"
	                     : json_integer_value(json_object_get(row, "size")) == 0
	                         ? "nothing uploaded yet"
	                         : NULL;
	json_decref(row);
	if (!refuse && cg_store_dns_upload_queue(req->srv->store, req->id, now))
		refuse = "already being analysed"; /* another request got there first */
	if (refuse) {
		cg_resp_error(resp, strcmp(refuse, "already being analysed") == 0 ? 503 : 409, refuse,
		              NULL);
		return;
	}
	/* any server's runner may take it; this one is woken at once */
	if (g.jobs)
		cg_jobs_run_soon(g.jobs, DNS_JOB_NAME);
	cg_err err = cg_store_dns_upload_get(req->srv->store, req->id, &row);
	if (err) {
		cg_resp_store_error(resp, err, "dns_upload");
		return;
	}
	cg_resp_json(resp, 202, upload_json(row));
	json_decref(row);
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
