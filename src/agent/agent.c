/*
 * agent.c - the agent runtime (see agent.h): credentials, policy,
 * enrolment and the run loop.
 *
 * The loop never blocks on the network for long (curl timeouts) and never
 * loses an event to a network failure: engines write to the spool, and
 * the uploader drains it when the server answers, with exponential
 * backoff and jitter while it does not.
 */
#include "agent/agent.h"

#include <errno.h>
#include <sodium.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/agent_policy.h"
#include "accounts/accounts.h"
#include "agent/http.h"
#include "sandbox/sandbox.h"
#include "agent/scans.h"
#include "bundle/bundle.h"
#include "agent/intel.h"
#include "agent/spool.h"
#include "agent/upload.h"
#include "core/config.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/relpath.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "fim/fim.h"
#include "platform/path.h"
#include "platform/proc.h"
#include "platform/secret.h"
#include "platform/av.h"
#include "version.h"

/* ---- credentials ------------------------------------------------------ */

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

cg_err cg_agent_load_creds(const char *data_dir, cg_agent_creds *c, cg_buf *why)
{
	memset(c, 0, sizeof *c);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/agent.json", data_dir);
	cg_buf b;
	cg_buf_init(&b, 64 * 1024);
	cg_err err = cg_read_file(path, &b, why);
	json_t *j = NULL;
	if (!err && cg_json_parse(cg_buf_slice(&b), &j, why) == CG_OK && json_is_object(j)) {
		copy_str(c->server, sizeof c->server, cg_json_get_str(j, "server"));
		copy_str(c->agent_id, sizeof c->agent_id, cg_json_get_str(j, "agent_id"));
		copy_str(c->token, sizeof c->token, cg_json_get_str(j, "token"));
		/* Windows: the token is sealed with DPAPI (platform/secret.h) */
		const char *sealed = cg_json_get_str(j, "token_sealed");
		if (sealed && !c->token[0])
			err = cg_secret_unseal(sealed, c->token, sizeof c->token, why);
		copy_str(c->pin, sizeof c->pin, cg_json_get_str(j, "pin"));
		copy_str(c->agency, sizeof c->agency, cg_json_get_str(j, "agency"));
		copy_str(c->ca_file, sizeof c->ca_file, cg_json_get_str(j, "ca_file"));
		if (!err && (!c->server[0] || !c->token[0])) {
			if (why)
				cg_buf_printf(why, "%s: no server or token", path);
			err = CG_EPARSE;
		}
	} else if (!err) {
		err = CG_EPARSE;
	}
	json_decref(j);
	cg_buf_free(&b);
	return err;
}

cg_err cg_agent_save_creds(const char *data_dir, const cg_agent_creds *c, cg_buf *why)
{
	cg_err err = cg_mkdir_p(data_dir, 0700, why);
	if (err)
		return err;
	char t[32];
	cg_time_format(cg_time_now_ms(), t, sizeof t);
	cg_buf b;
	cg_buf_init(&b, 64 * 1024);
	bool seal = cg_secret_sealing();
	if (seal && (err = cg_secret_seal(c->token, &b, why))) {
		cg_buf_free(&b);
		return err;
	}
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "server", c->server, "agent_id",
			      c->agent_id, "token", seal ? "" : c->token, "pin", c->pin, "agency",
			      c->agency, "ca_file", c->ca_file, "enrolled_at", t);
	if (seal)
		json_object_set_new(j, "token_sealed", cg_json_cstr(cg_buf_cstr(&b)));
	cg_buf_reset(&b);
	err = cg_json_encode(&b, j);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/agent.json", data_dir);
	if (!err)
		err = cg_write_file_atomic(path, b.ptr, b.len, 0600, why);
	json_decref(j);
	cg_buf_free(&b);
	return err;
}

/* ---- policy ----------------------------------------------------------- */

static void free_list(char **list, int *n)
{
	for (int i = 0; i < *n; i++)
		free(list[i]);
	*n = 0;
}

void cg_agent_policy_free(cg_agent_policy *p)
{
	free_list(p->web_roots, &p->nroots);
	free_list(p->scan_paths, &p->nscan);
	free_list(p->doc_paths, &p->ndocs);
}

/* An array of absolute paths from the policy replaces list. */
static void set_paths(char **list, int *n, const json_t *arr)
{
	if (!json_is_array(arr))
		return;
	free_list(list, n);
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r) {
		/* this platform's absolute paths only: a policy may also name
		 * the other platform's (platform/path.h) */
		if (json_is_string(r) && *n < 64 && cg_path_is_absolute(json_string_value(r)))
			list[(*n)++] = strdup(json_string_value(r));
	}
}

static void set_roots_words(cg_agent_policy *p, const char *text)
{
	free_list(p->web_roots, &p->nroots);
	cg_slice rest = cg_slice_cstr(text);
	while (rest.ptr && rest.len && p->nroots < 64) {
		cg_slice w = cg_slice_trim(cg_slice_cut(rest, ' ', &rest));
		if (w.len)
			p->web_roots[p->nroots++] = strndup(w.ptr, w.len);
	}
}

/* An integer of the policy, clamped to the schema's bounds whatever the
 * server sent (api/agent_policy.h): a policy can never make the loop spin. */
static int get_int(const json_t *o, const char *field, const char *key, int def)
{
	return cg_apol_clamp(field, json_object_get(o, key), def);
}

cg_err cg_agent_policy_apply(cg_agent_policy *p, const json_t *j, cg_buf *why)
{
	if (!json_is_object(j)) {
		if (why)
			cg_buf_printf(why, "policy is not a JSON object");
		return CG_EPARSE;
	}
	json_t *v = json_object_get(j, "version");
	if (json_is_integer(v))
		p->version = json_integer_value(v);
	p->heartbeat_s = get_int(j, "heartbeat_s", "heartbeat_s", p->heartbeat_s);
	p->upload_s = get_int(j, "upload_s", "upload_s", p->upload_s);
	json_t *fim = json_object_get(j, "fim");
	p->fim_pass_s = get_int(fim, "fim.pass_interval_s", "pass_interval_s", p->fim_pass_s);
	set_paths(p->web_roots, &p->nroots, json_object_get(fim, "web_roots"));
	json_t *acc = json_object_get(j, "accounts");
	p->accounts_s = get_int(acc, "accounts.interval_s", "interval_s", p->accounts_s);
	p->max_age_days = get_int(acc, "accounts.max_age_days", "max_age_days", p->max_age_days);
	p->unused_days = get_int(acc, "accounts.unused_days", "unused_days", p->unused_days);
	json_t *mw = json_object_get(j, "malware");
	if (cg_json_get_str(mw, "incremental"))
		copy_str(p->malware_incremental, sizeof p->malware_incremental,
			 cg_json_get_str(mw, "incremental"));
	if (cg_json_get_str(mw, "full"))
		copy_str(p->malware_full, sizeof p->malware_full, cg_json_get_str(mw, "full"));
	set_paths(p->scan_paths, &p->nscan, json_object_get(mw, "scan_paths"));
	json_t *sec = json_object_get(j, "secrets");
	if (cg_json_get_str(sec, "interval"))
		copy_str(p->secrets, sizeof p->secrets, cg_json_get_str(sec, "interval"));
	set_paths(p->doc_paths, &p->ndocs, json_object_get(sec, "paths"));
	return CG_OK;
}

cg_err cg_agent_load_policy(const char *data_dir, const char *config, cg_agent_policy *p,
			    cg_buf *why)
{
	memset(p, 0, sizeof *p);
	p->heartbeat_s = 60;
	p->upload_s = 5;
	p->fim_pass_s = 21600;
	p->accounts_s = 86400;
	p->max_age_days = 90;
	p->unused_days = 90;
	copy_str(p->malware_incremental, sizeof p->malware_incremental, "daily");
	copy_str(p->malware_full, sizeof p->malware_full, "weekly");
	copy_str(p->secrets, sizeof p->secrets, "monthly");
	char path[PATH_MAX];
	if (config)
		snprintf(path, sizeof path, "%s", config);
	else
		snprintf(path, sizeof path, "%s/agent.conf", data_dir);
	cg_config *cfg = NULL;
	cg_err err = cg_config_load(path, &cfg, why);
	if (err == CG_ENOTFOUND) {
		err = CG_OK;
		if (why)
			cg_buf_reset(why);
	} else if (err) {
		return err;
	} else {
		const char *roots = cg_config_get(cfg, "fim", "web_roots");
		if (roots)
			set_roots_words(p, roots);
		int64_t v;
		if (!err && !(err = cg_config_get_int(cfg, "fim", "pass_interval_s", 0, 100000000, p->fim_pass_s, &v, why)))
			p->fim_pass_s = (int)v;
		if (!err && !(err = cg_config_get_int(cfg, "agent", "heartbeat_s", 1, 86400, p->heartbeat_s, &v, why)))
			p->heartbeat_s = (int)v;
		if (!err && !(err = cg_config_get_int(cfg, "agent", "upload_s", 1, 86400, p->upload_s, &v, why)))
			p->upload_s = (int)v;
		if (!err && !(err = cg_config_get_int(cfg, "accounts", "interval_s", 0, 100000000, p->accounts_s, &v, why)))
			p->accounts_s = (int)v;
		/* a containerised agent sees the host's files under a mount */
		const char *aroot = cg_config_get(cfg, "accounts", "root");
		if (aroot)
			copy_str(p->accounts_root, sizeof p->accounts_root, aroot);
		cg_config_free(cfg);
		if (err)
			return err;
	}
	snprintf(path, sizeof path, "%s/policy.json", data_dir);
	cg_buf b;
	cg_buf_init(&b, CG_MAX_AGENT_RESPONSE);
	if (cg_read_file(path, &b, NULL) == CG_OK) {
		json_t *j = NULL;
		if (cg_json_parse(cg_buf_slice(&b), &j, why) == CG_OK)
			err = cg_agent_policy_apply(p, j, why);
		else
			err = CG_EPARSE;
		json_decref(j);
	}
	cg_buf_free(&b);
	return err;
}

/* ---- enrolment -------------------------------------------------------- */

static void host_info(char *host, size_t hn, char *os, size_t on)
{
	cg_hostname(host, hn);
	cg_os_describe(os, on);
}

cg_err cg_agent_enroll(const char *data_dir, const char *server, const char *token,
		       const char *pin_expected, const char *ca_file, cg_agent_creds *out,
		       cg_buf *why)
{
	memset(out, 0, sizeof *out);
	if (strncmp(server, "https://", 8) != 0) {
		if (why)
			cg_buf_printf(why, "%s: the server URL must start with https://", server);
		return CG_EINVAL;
	}
	char pin[128];
	cg_err err = cg_http_fetch_pin(server, ca_file, pin, sizeof pin, why);
	if (err)
		return err;
	if (pin_expected && strcmp(pin, pin_expected) != 0) {
		if (why)
			cg_buf_printf(why, "%s: server key %s does not match the expected pin %s", server,
				      pin, pin_expected);
		return CG_ETLS;
	}
	char host[256], os[256];
	host_info(host, sizeof host, os, sizeof os);
	json_t *req = json_pack("{s:s,s:s,s:s,s:s}", "token", token, "host", host, "os", os,
				"agent_version", CG_VERSION);
	cg_buf body, resp;
	cg_buf_init(&body, 64 * 1024);
	cg_buf_init(&resp, CG_MAX_AGENT_RESPONSE);
	cg_json_encode(&body, req);
	json_decref(req);
	cg_http h = { .server = server, .pin = pin, .ca_file = ca_file };
	long status;
	err = cg_http_request(&h, "POST", "/api/v1/agent/enroll", "application/json",
			      cg_buf_slice(&body), false, NULL, &status, &resp, why);
	json_t *j = NULL;
	if (!err) {
		cg_json_parse(cg_buf_slice(&resp), &j, NULL);
		if (status != 200 && status != 201) {
			const char *msg = cg_json_get_str(j, "error");
			if (why)
				cg_buf_printf(why, "enrolment refused by %s (%ld): %s", server, status,
					      msg ? msg : "no reason given");
			err = status == 401 || status == 403 || status == 409 || status == 410 ? CG_EAUTH
												 : CG_EINVAL;
		} else if (!cg_json_get_str(j, "token") || !cg_json_get_str(j, "agent_id")) {
			if (why)
				cg_buf_printf(why, "enrolment reply from %s lacks agent_id/token", server);
			err = CG_EPARSE;
		}
	}
	if (!err) {
		copy_str(out->server, sizeof out->server, server);
		copy_str(out->agent_id, sizeof out->agent_id, cg_json_get_str(j, "agent_id"));
		copy_str(out->token, sizeof out->token, cg_json_get_str(j, "token"));
		copy_str(out->agency, sizeof out->agency, cg_json_get_str(j, "agency"));
		copy_str(out->pin, sizeof out->pin, pin);
		copy_str(out->ca_file, sizeof out->ca_file, ca_file);
		err = cg_agent_save_creds(data_dir, out, why);
		json_t *pol = json_object_get(j, "policy");
		if (!err && json_is_object(pol)) {
			char path[PATH_MAX];
			cg_buf pb;
			cg_buf_init(&pb, CG_MAX_AGENT_RESPONSE);
			snprintf(path, sizeof path, "%s/policy.json", data_dir);
			if (cg_json_encode(&pb, pol) == CG_OK)
				cg_write_file_atomic(path, pb.ptr, pb.len, 0600, NULL);
			cg_buf_free(&pb);
		}
	}
	json_decref(j);
	cg_buf_free(&body);
	cg_buf_free(&resp);
	return err;
}

/* ---- the run loop ----------------------------------------------------- */

typedef struct rt {
	const cg_agent_run_opts *o;
	cg_agent_creds creds;
	cg_agent_policy pol;
	cg_http http;
	cg_spool *spool;
	cg_fim *fim;
	int ifd;
	char host[256], os[256];
	cg_backoff backoff;
	int64_t next_upload, next_heartbeat, next_audit, next_pass, next_save;
	bool dirty_events;
	/* for state.json */
	int64_t started, last_heartbeat, last_upload;
	char last_error[512];
	cg_upload_stats up;
	uint64_t spooled;
	int64_t refused_bundle; /* version refused: not fetched again */
	cg_agent_scans *scans;
	char **queue; /* scripts FIM reported, to scan (owned) */
	int nqueue;
	uint64_t queue_dropped;
} rt;

static void spool_event(rt *r, cg_event *ev)
{
	if (!ev->host)
		cg_event_set(ev, CG_EV_HOST, cg_slice_cstr(r->host));
	if (!ev->agency && r->creds.agency[0])
		cg_event_set(ev, CG_EV_AGENCY, cg_slice_cstr(r->creds.agency));
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	cg_err err = cg_event_encode(ev, &b);
	if (!err)
		err = cg_spool_append_nosync(r->spool, cg_buf_slice(&b));
	if (err)
		cg_error("agent: cannot spool a %s/%s event: %s", ev->source, ev->kind,
			 cg_strerror(err));
	else {
		r->spooled++;
		r->dirty_events = true;
	}
	cg_buf_free(&b);
}

static void sync_spool(rt *r)
{
	cg_err err = cg_spool_sync(r->spool);
	if (err)
		cg_error("agent: spool sync failed: %s", cg_strerror(err));
	if (r->dirty_events) {
		r->next_upload = 0; /* new events: try to send now */
		r->dirty_events = false;
	}
}

static void on_engine_event(void *ctx, cg_event *ev)
{
	spool_event(ctx, ev);
}

static void on_engine_sync(void *ctx)
{
	sync_spool(ctx);
}

static void set_error(rt *r, const char *what, const cg_buf *why);

static void on_fim_problem(void *ctx, const char *path, const char *reason)
{
	(void)ctx;
	cg_warn("fim: %s: %s", path, reason);
}

/* A new or changed script under a web root: queued, and scanned as soon
 * as the FIM batch that reported it is done (scan_queued). */
static void on_script(void *ctx, const char *path)
{
	rt *r = ctx;
	if (!r->queue)
		r->queue = calloc(CG_MAX_AGENT_SCAN_QUEUE, sizeof *r->queue);
	char *p = r->queue && r->nqueue < CG_MAX_AGENT_SCAN_QUEUE ? strdup(path) : NULL;
	if (p)
		r->queue[r->nqueue++] = p;
	else
		r->queue_dropped++;
}

static void scan_queued(rt *r)
{
	if (r->queue_dropped) {
		cg_warn("agent: %llu scripts not scanned at once (queue full): left to the "
			"scheduled scan", (unsigned long long)r->queue_dropped);
		r->queue_dropped = 0;
	}
	if (!r->nqueue)
		return;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_agent_scans_run(r->scans, CG_SCAN_MW_INCREMENTAL, true,
			       (const char *const *)r->queue, r->nqueue, on_engine_event, r, &why))
		cg_warn("agent: scan of %d new scripts: %s", r->nqueue, cg_buf_cstr(&why));
	for (int i = 0; i < r->nqueue; i++)
		free(r->queue[i]);
	r->nqueue = 0;
	cg_buf_free(&why);
	sync_spool(r);
}

/* The interval of a policy string; an unknown one falls back to def. */
static int64_t interval_ms(const char *text, int64_t def_s)
{
	int64_t s = cg_agent_interval_s(text);
	return (s < 0 ? def_s : s) * 1000;
}

static void run_scan(rt *r, cg_agent_scan_kind kind, char *const *paths, int n)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_agent_scans_run(r->scans, kind, false, (const char *const *)paths, n,
			       on_engine_event, r, &why))
		set_error(r, kind == CG_SCAN_SECRETS ? "secrets scan" : "malware scan", &why);
	cg_buf_free(&why);
	sync_spool(r);
}

/* The scheduled scans that are due, one after the other (never two at
 * once: the loop waits for each). Times are wall-clock, kept in
 * DATA/scans.json, so a restart does not rescan at once. A full scan that
 * never ran counts from the first incremental one (which had no cache,
 * so it was a full one). */
static void do_scans(rt *r)
{
	int64_t now = cg_time_now_ms();
	int64_t inc = interval_ms(r->pol.malware_incremental, 86400);
	int64_t full = interval_ms(r->pol.malware_full, 604800);
	int64_t sec = interval_ms(r->pol.secrets, 2592000);
	char *const *mp = r->pol.nscan ? r->pol.scan_paths : r->pol.web_roots;
	int mn = r->pol.nscan ? r->pol.nscan : r->pol.nroots;
	int64_t li = cg_agent_scans_last(r->scans, CG_SCAN_MW_INCREMENTAL);
	int64_t lf = cg_agent_scans_last(r->scans, CG_SCAN_MW_FULL);
	int64_t ls = cg_agent_scans_last(r->scans, CG_SCAN_SECRETS);
	int64_t full_base = lf ? lf : inc ? li : 0;
	bool full_counts = lf || !inc || li; /* else the first incremental comes first */
	if (mn && full && full_counts && now >= full_base + full)
		run_scan(r, CG_SCAN_MW_FULL, mp, mn);
	if (mn && inc && now >= li + inc)
		run_scan(r, CG_SCAN_MW_INCREMENTAL, mp, mn);
	if (r->pol.ndocs && sec && now >= ls + sec)
		run_scan(r, CG_SCAN_SECRETS, r->pol.doc_paths, r->pol.ndocs);
}

static void on_audit_error(void *ctx, const char *msg)
{
	(void)ctx;
	cg_warn("accounts: %s", msg);
}

static void on_reject(void *ctx, const char *id, const char *error)
{
	(void)ctx;
	cg_warn("agent: server rejected event %s: %s (dropped)", id ? id : "?",
		error ? error : "?");
}

static void save_state(rt *r)
{
	char t0[32] = "", t1[32] = "", t2[32] = "";
	cg_time_format(r->started, t0, sizeof t0);
	if (r->last_heartbeat)
		cg_time_format(r->last_heartbeat, t1, sizeof t1);
	if (r->last_upload)
		cg_time_format(r->last_upload, t2, sizeof t2);
	json_t *j = json_pack("{s:i,s:s,s:s?,s:s?,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "pid",
			      (int)cg_pid_self(), "started_at", t0, "last_heartbeat", t1[0] ? t1 : NULL,
			      "last_upload", t2[0] ? t2 : NULL, "last_error", r->last_error,
			      "spooled", (json_int_t)r->spooled, "uploaded", (json_int_t)r->up.sent,
			      "duplicates", (json_int_t)r->up.duplicates, "rejected",
			      (json_int_t)r->up.rejected, "policy_version", (json_int_t)r->pol.version,
			      "fim_files", (json_int_t)(r->fim ? cg_fim_count(r->fim) : 0),
			      "watched_dirs", (json_int_t)(r->fim ? cg_fim_watch_count(r->fim) : 0));
	cg_buf b;
	cg_buf_init(&b, 64 * 1024);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/state.json", r->o->data_dir);
	if (cg_json_encode(&b, j) == CG_OK)
		cg_write_file_atomic(path, b.ptr, b.len, 0600, NULL);
	cg_buf_free(&b);
	json_decref(j);
}

static void set_error(rt *r, const char *what, const cg_buf *why)
{
	snprintf(r->last_error, sizeof r->last_error, "%s: %s", what, cg_buf_cstr(why));
	cg_warn("agent: %s", r->last_error);
}

static void do_upload(rt *r, int64_t now)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_upload_drain(r->spool, &r->http, &r->up, on_reject, r, &why);
	if (err) {
		int64_t d = cg_backoff_next(&r->backoff);
		set_error(r, "upload", &why);
		r->next_upload = now + d;
		cg_info("agent: next upload attempt in %" PRId64 " ms", d);
	} else {
		cg_backoff_reset(&r->backoff);
		r->last_upload = cg_time_now_ms();
		r->next_upload = now + (int64_t)r->pol.upload_s * 1000;
	}
	cg_buf_free(&why);
	save_state(r);
}

static void stop_fim(rt *r)
{
	if (r->fim) {
		cg_fim_save(r->fim, NULL);
		cg_fim_close(r->fim);
	}
	r->fim = NULL;
	r->ifd = -1;
}

static void start_fim(rt *r)
{
	stop_fim(r);
	if (r->pol.nroots == 0)
		return;
	char base[PATH_MAX];
	snprintf(base, sizeof base, "%s/fim", r->o->data_dir);
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_mkdir_p(base, 0700, &why) == CG_OK) {
		snprintf(base, sizeof base, "%s/fim/baseline", r->o->data_dir);
		cg_fim_opts fo = { .roots = (const char *const *)r->pol.web_roots,
				   .nroots = r->pol.nroots,
				   .baseline_path = base,
				   .threads = 2,
				   .emit = on_engine_event,
				   .sync = on_engine_sync,
				   .scan_hook = on_script,
				   .on_problem = on_fim_problem,
				   .ctx = r };
		if (cg_fim_open(&fo, &r->fim, &why) == CG_OK) {
			/* watch first, then pass: nothing slips between the two */
			cg_fim_watch_start(r->fim, &r->ifd);
			r->next_pass = 0;
		} else {
			set_error(r, "fim", &why);
		}
	}
	cg_buf_free(&why);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static bool same_roots(const cg_agent_policy *a, const cg_agent_policy *b)
{
	if (a->nroots != b->nroots)
		return false;
	for (int i = 0; i < a->nroots; i++)
		if (strcmp(a->web_roots[i], b->web_roots[i]) != 0)
			return false;
	return true;
}

static void fetch_policy(rt *r)
{
	cg_buf resp, why;
	cg_buf_init(&resp, CG_MAX_AGENT_RESPONSE);
	cg_buf_init(&why, 4096);
	long status;
	cg_err err = cg_http_request(&r->http, "GET", "/api/v1/agent/policy", NULL, CG_SLICE(""),
				     false, NULL, &status, &resp, &why);
	json_t *j = NULL;
	if (!err && status == 200 && cg_json_parse(cg_buf_slice(&resp), &j, &why) == CG_OK &&
	    json_is_object(j)) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/policy.json", r->o->data_dir);
		cg_write_file_atomic(path, resp.ptr, resp.len, 0600, NULL);
		cg_agent_policy np;
		if (cg_agent_load_policy(r->o->data_dir, r->o->config, &np, &why) == CG_OK) {
			bool restart = !same_roots(&np, &r->pol);
			cg_agent_policy_free(&r->pol);
			r->pol = np;
			cg_info("agent: policy version %" PRId64 " applied", r->pol.version);
			/* a shorter heartbeat or upload interval counts from now */
			int64_t hb = cg_mono_ms() + (int64_t)r->pol.heartbeat_s * 1000;
			int64_t up = cg_mono_ms() + (int64_t)r->pol.upload_s * 1000;
			r->next_heartbeat = min64(r->next_heartbeat, hb);
			r->next_upload = min64(r->next_upload, up);
			if (restart)
				start_fim(r);
		}
	} else if (!err) {
		cg_buf_printf(&why, "GET /api/v1/agent/policy answered %ld", status);
		set_error(r, "policy", &why);
	} else {
		set_error(r, "policy", &why);
	}
	json_decref(j);
	cg_buf_free(&resp);
	cg_buf_free(&why);
}

/* ---- rule bundles ------------------------------------------------------ */

static void rm_tree(const char *dir)
{
	cg_remove_tree(dir);
}

static cg_err write_rel(const char *dir, const char *rel, cg_slice data, cg_buf *why)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	cg_err err = cg_mkdir_p(path, 0700, why);
	*slash = '/';
	if (!err)
		err = cg_write_file_atomic(path, data.ptr, data.len, 0600, why);
	return err;
}

/* Writes the downloaded bundle into dir. */
static cg_err unpack_bundle(const json_t *j, const char *dir, cg_buf *why)
{
	const char *man = cg_json_get_str(j, "manifest"), *sig = cg_json_get_str(j, "signature");
	json_t *files = json_object_get(j, "files");
	if (!man || !json_is_array(files)) {
		cg_buf_printf(why, "bundle download: no manifest or files");
		return CG_EPARSE;
	}
	cg_err err = write_rel(dir, "MANIFEST", cg_slice_cstr(man), why);
	if (!err && sig)
		err = write_rel(dir, "MANIFEST.sig", cg_slice_cstr(sig), why);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		if (err)
			break;
		const char *path = cg_json_get_str(f, "path"), *data = cg_json_get_str(f, "data");
		if (!path || !data || !cg_rel_path_safe(cg_slice_cstr(path)) || strcmp(path, "MANIFEST") == 0 ||
		    strcmp(path, "MANIFEST.sig") == 0) {
			cg_buf_printf(why, "bundle download: unsafe or missing file entry");
			return CG_EPARSE;
		}
		size_t n = strlen(data), len = 0;
		unsigned char *bin = malloc(n + 1);
		if (!bin)
			return CG_ENOMEM;
		if (sodium_base642bin(bin, n + 1, data, n, NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0) {
			free(bin);
			cg_buf_printf(why, "bundle download: %s is not base64", path);
			return CG_EPARSE;
		}
		err = write_rel(dir, path, cg_slice_from((const char *)bin, len), why);
		free(bin);
	}
	return err;
}

static void bundle_refused(rt *r, int64_t offered, const char *reason)
{
	r->refused_bundle = offered;
	cg_event ev;
	if (cg_event_init(&ev))
		return;
	char line[1024];
	snprintf(line, sizeof line, "rule bundle version %" PRId64 " refused: %s", offered, reason);
	ev.severity = CG_SEV_HIGH;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("agent"));
	cg_event_set(&ev, CG_EV_KIND, CG_SLICE("bundle_refused"));
	cg_event_set(&ev, CG_EV_SUBJECT, CG_SLICE("rule bundle"));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(line));
	json_object_set_new(ev.evidence, "offered_version", json_integer(offered));
	json_object_set_new(ev.evidence, "installed_version",
			    json_integer(cg_bundle_accepted_version(r->o->data_dir)));
	json_object_set_new(ev.evidence, "reason", cg_json_cstr(reason));
	spool_event(r, &ev);
	cg_event_clear(&ev);
	sync_spool(r);
	cg_warn("agent: %s", line);
}

/* Downloads the published bundle, verifies it against the trusted key
 * (DATA/bundle-key.pub) and the installed version, and installs it as
 * DATA/bundle/current; a refusal is reported as an event. */
static void fetch_bundle(rt *r, int64_t offered)
{
	const char *d = r->o->data_dir;
	char key[PATH_MAX], bdir[PATH_MAX], incoming[PATH_MAX + 32], current[PATH_MAX + 32],
		old[PATH_MAX + 32];
	snprintf(key, sizeof key, "%s/bundle-key.pub", d);
	snprintf(bdir, sizeof bdir, "%s/bundle", d);
	snprintf(incoming, sizeof incoming, "%s/incoming", bdir);
	snprintf(current, sizeof current, "%s/current", bdir);
	snprintf(old, sizeof old, "%s/old", bdir);
	cg_buf resp, why;
	cg_buf_init(&resp, CG_MAX_BUNDLE_DOWNLOAD);
	cg_buf_init(&why, 4096);
	long status = 0;
	json_t *j = NULL;
	cg_err err = cg_http_request(&r->http, "GET", "/api/v1/agent/bundle", NULL, CG_SLICE(""),
				     false, NULL, &status, &resp, &why);
	if (err || status != 200) {
		if (!err)
			cg_buf_printf(&why, "GET /api/v1/agent/bundle answered %ld", status);
		set_error(r, "bundle", &why);
		goto out;
	}
	rm_tree(incoming);
	if (cg_json_parse(cg_buf_slice(&resp), &j, &why) || cg_mkdir_p(incoming, 0700, &why) ||
	    unpack_bundle(j, incoming, &why)) {
		bundle_refused(r, offered, cg_buf_cstr(&why));
		goto out;
	}
	int64_t have = cg_bundle_accepted_version(d), version = 0;
	cg_buf_reset(&why);
	if (access(key, R_OK) != 0) {
		bundle_refused(r, offered, "no trusted bundle key (DATA/bundle-key.pub)");
		goto out;
	}
	err = cg_bundle_verify(incoming, key, have, &version, &why);
	if (!err && version == have) {
		cg_buf_printf(&why, "version %" PRId64 " is already installed", version);
		err = CG_ECONFLICT;
	}
	if (err) {
		bundle_refused(r, offered, cg_buf_cstr(&why));
		goto out;
	}
	rm_tree(old);
	rename(current, old);
	char text[32];
	int n = snprintf(text, sizeof text, "%" PRId64 "\n", version);
	char vpath[PATH_MAX + 32];
	snprintf(vpath, sizeof vpath, "%s/version", bdir);
	if (rename(incoming, current) != 0 ||
	    cg_write_file_atomic(vpath, text, (size_t)n, 0600, &why)) {
		cg_buf_printf(&why, "cannot install the bundle in %s", current);
		set_error(r, "bundle", &why);
		goto out;
	}
	rm_tree(old);
	if (r->scans)
		cg_agent_scans_rules_changed(r->scans);
	cg_info("agent: rule bundle version %" PRId64 " verified and installed", version);
out:
	rm_tree(incoming);
	json_decref(j);
	cg_buf_free(&resp);
	cg_buf_free(&why);
}

/* The server's intelligence hashes (agent/intel.h): fetched when the
 * heartbeat offers another version; the scans reload their signatures. */
static void fetch_intel(rt *r, const char *offered)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	bool changed = false;
	if (cg_agent_intel_update(&r->http, r->o->data_dir, offered, &changed, &why))
		set_error(r, "intelligence hashes", &why);
	else if (changed)
		cg_agent_scans_rules_changed(r->scans);
	cg_buf_free(&why);
}

static void do_heartbeat(rt *r, int64_t now)
{
	r->next_heartbeat = now + (int64_t)r->pol.heartbeat_s * 1000;
	cg_spool_stats ss;
	cg_spool_stats_get(r->spool, &ss);
	char rule[32];
	cg_buf vb;
	cg_buf_init(&vb, 64);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/bundle/version", r->o->data_dir);
	snprintf(rule, sizeof rule, "0");
	if (cg_read_file(path, &vb, NULL) == CG_OK) {
		cg_slice rest, v = cg_slice_cut(cg_buf_slice(&vb), '\n', &rest);
		cg_slice_copy(v, rule, sizeof rule);
	}
	cg_buf_free(&vb);
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "host", r->host, "os", r->os,
			      "agent_version", CG_VERSION, "rule_version", rule, "policy_version",
			      (json_int_t)r->pol.version, "spool_pending", (json_int_t)ss.pending,
			      "fim_files", (json_int_t)(r->fim ? cg_fim_count(r->fim) : 0),
			      "web_roots", (json_int_t)r->pol.nroots);
	/* the antivirus products this endpoint has (platform/av.h): the server
	 * counts it as protected only when one is on and current */
	json_t *av = NULL;
	cg_buf avwhy;
	cg_buf_init(&avwhy, 1024);
	if (cg_av_status(&av, &avwhy) == CG_OK) {
		if (!json_array_size(av) && avwhy.len) /* said once a heartbeat, only when empty */
			cg_info("antivirus: none found: %s", cg_buf_cstr(&avwhy));
		json_object_set_new(j, "antivirus", av);
	}
	/* Defender's new detections as events (nothing on Linux; no Defender,
	 * no events: its absence is not an error worth a log line a minute) */
	cg_buf_reset(&avwhy);
	uint64_t spooled = r->spooled;
	cg_av_detections(r->o->data_dir, on_engine_event, r, &avwhy);
	if (r->spooled != spooled)
		sync_spool(r);
	cg_buf_free(&avwhy);
	cg_buf body, resp, why;
	cg_buf_init(&body, 64 * 1024);
	cg_buf_init(&resp, CG_MAX_AGENT_RESPONSE);
	cg_buf_init(&why, 4096);
	cg_json_encode(&body, j);
	json_decref(j);
	long status;
	cg_err err = cg_http_request(&r->http, "POST", "/api/v1/agent/heartbeat",
				     "application/json", cg_buf_slice(&body), false, NULL, &status,
				     &resp, &why);
	if (!err && status == 200) {
		r->last_heartbeat = cg_time_now_ms();
		json_t *rj = NULL;
		if (cg_json_parse(cg_buf_slice(&resp), &rj, NULL) == CG_OK) {
			json_t *pv = json_object_get(rj, "policy_version");
			if (json_is_integer(pv) && json_integer_value(pv) != r->pol.version)
				fetch_policy(r);
			json_t *bv = json_object_get(rj, "bundle_version");
			if (json_is_integer(bv) &&
			    json_integer_value(bv) > cg_bundle_accepted_version(r->o->data_dir) &&
			    json_integer_value(bv) != r->refused_bundle)
				fetch_bundle(r, json_integer_value(bv));
			fetch_intel(r, json_string_value(json_object_get(rj, "intel_version")));
		}
		json_decref(rj);
	} else if (!err) {
		cg_buf_printf(&why, "heartbeat answered %ld", status);
		set_error(r, "heartbeat", &why);
	} else {
		set_error(r, "heartbeat", &why);
	}
	cg_buf_free(&body);
	cg_buf_free(&resp);
	cg_buf_free(&why);
	save_state(r);
}

/* The audit in the sandboxed child: findings go out as JSON lines. */
typedef struct audit_job {
	rt *r;
	int fd;
	int failed;
} audit_job;

static void audit_emit_line(void *ctx, cg_event *ev)
{
	audit_job *j = ctx;
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	if (cg_event_encode(ev, &b) == CG_OK && cg_buf_putc(&b, '\n') == CG_OK) {
		size_t done = 0;
		while (done < b.len) {
			ssize_t w = write(j->fd, b.ptr + done, b.len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				j->failed = 1;
				break;
			}
			done += (size_t)w;
		}
	}
	cg_buf_free(&b);
}

static int audit_job_run(void *ctx, int fd)
{
	audit_job *j = ctx;
	rt *r = j->r;
	j->fd = fd;
	char state[PATH_MAX];
	snprintf(state, sizeof state, "%s/accounts", r->o->data_dir);
	cg_acct_policy ap = { .max_age_days = r->pol.max_age_days,
			      .unused_days = r->pol.unused_days };
	const char *root = r->pol.accounts_root[0] ? r->pol.accounts_root : NULL;
	cg_err err = cg_accounts_audit(root, state, &ap, audit_emit_line, on_audit_error, j);
	return err || j->failed;
}

static void do_audit(rt *r, int64_t now)
{
	r->next_audit = r->pol.accounts_s ? now + (int64_t)r->pol.accounts_s * 1000 : INT64_MAX;
	audit_job j = { .r = r };
	uint64_t bad = 0;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_sandbox_run(NULL, audit_job_run, &j, on_engine_event, r, &bad, &why);
	if (err)
		set_error(r, "account audit", &why);
	if (bad)
		cg_warn("accounts: %" PRIu64 " malformed lines from the audit child dropped", bad);
	cg_buf_free(&why);
	sync_spool(r);
}

static void do_pass(rt *r, int64_t now)
{
	r->next_pass = r->pol.fim_pass_s ? now + (int64_t)r->pol.fim_pass_s * 1000 : INT64_MAX;
	if (!r->fim)
		return;
	cg_fim_stats st;
	cg_err err = cg_fim_pass(r->fim, &st);
	if (err)
		cg_warn("fim: pass failed: %s", cg_strerror(err));
	else
		cg_info("fim: pass: %" PRIu64 " files, %" PRIu64 " added, %" PRIu64
			" changed, %" PRIu64 " removed",
			st.files, st.added, st.changed, st.removed);
	sync_spool(r);
}

cg_err cg_agent_run(const cg_agent_run_opts *o, cg_buf *why)
{
	rt r;
	memset(&r, 0, sizeof r);
	r.o = o;
	r.ifd = -1;
	r.started = cg_time_now_ms();
	r.backoff = (cg_backoff){ .base_ms = 1000, .max_ms = 300000 };
	cg_err err = cg_agent_load_creds(o->data_dir, &r.creds, why);
	if (err)
		return err;
	if ((err = cg_agent_load_policy(o->data_dir, o->config, &r.pol, why)))
		return err;
	host_info(r.host, sizeof r.host, r.os, sizeof r.os);
	r.http = (cg_http){ .server = r.creds.server,
			    .token = r.creds.token,
			    .pin = r.creds.pin[0] ? r.creds.pin : NULL,
			    .ca_file = r.creds.ca_file[0] ? r.creds.ca_file : NULL };
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/spool", o->data_dir);
	if ((err = cg_spool_open(path, NULL, &r.spool, why))) {
		cg_agent_policy_free(&r.pol);
		return err;
	}
	r.scans = cg_agent_scans_open(o->data_dir);
	if (!r.scans) {
		cg_spool_close(r.spool);
		cg_agent_policy_free(&r.pol);
		return CG_ENOMEM;
	}
	start_fim(&r);
	int64_t t0 = cg_mono_ms();
	save_state(&r);
	while (!(o->stop && *o->stop)) {
		int64_t now = cg_mono_ms();
		if (o->run_for_ms > 0 && now - t0 >= o->run_for_ms)
			break;
		if (now >= r.next_pass)
			do_pass(&r, now);
		scan_queued(&r);
		do_scans(&r);
		if (now >= r.next_audit)
			do_audit(&r, now);
		if (now >= r.next_heartbeat)
			do_heartbeat(&r, now);
		if (now >= r.next_upload)
			do_upload(&r, now);
		if (r.fim && now >= r.next_save) {
			cg_fim_save(r.fim, NULL);
			r.next_save = now + 30000;
		}
		if (o->once)
			break;
		int64_t next = min64(min64(r.next_pass, r.next_audit),
				     min64(r.next_heartbeat, r.next_upload));
		next = min64(next, r.next_save);
		int64_t wait = next - cg_mono_ms();
		if (wait < 0)
			wait = 0;
		if (wait > 1000)
			wait = 1000; /* look at *stop at least every second */
		/* the change notification (inotify, ReadDirectoryChangesW) or
		 * the time of the next task, whichever comes first */
		bool changed =
		    r.fim ? cg_fim_watch_wait(r.fim, (int)wait) : (cg_sleep_ms((int)wait), false);
		if (changed) {
			bool need_pass = false;
			cg_fim_watch_process(r.fim, &need_pass);
			sync_spool(&r);
			scan_queued(&r);
			if (need_pass) {
				cg_info("fim: events lost (queue overflow or watch limit): full pass");
				r.next_pass = 0;
			}
		}
	}
	stop_fim(&r);
	scan_queued(&r);
	free(r.queue);
	cg_agent_scans_close(r.scans);
	save_state(&r);
	cg_spool_close(r.spool);
	cg_agent_policy_free(&r.pol);
	return CG_OK;
}
