/*
 * api_agent.c - the endpoint-agent routes (docs/agent.md):
 *
 *   POST /api/v1/enroll-tokens        enrolment token for an agency, good
 *                                     for max_uses enrolments (default 1;
 *                                     one token for a fleet deployed by
 *                                     group policy) (write)
 *   GET  /api/v1/enroll-tokens        list (read, scoped)
 *   DELETE /api/v1/enroll-tokens/{id} revoke: enrols nothing more (scoped;
 *                                     the agents it enrolled stay)
 *   POST /api/v1/agent/enroll         token -> agent credentials (public,
 *                                     throttled; each enrolment spends one
 *                                     use, a spent token is refused)
 *   POST /api/v1/agent/heartbeat      agent token: inventory, last seen
 *   GET  /api/v1/agent/policy         agent token: its agency's policy
 *   GET  /api/v1/agent-policies/{id}  an agency's policy (read)
 *   PUT  /api/v1/agent-policies/{id}  set it; the version goes up and
 *                                     agents pick it up at their next
 *                                     heartbeat (write, scoped)
 *   GET  /api/v1/endpoints            inventory with offline flags (read)
 *   GET  /api/v1/coverage             per agency: enrolled vs declared
 *                                     endpoints, protected (antivirus on
 *                                     and current), infection index (read)
 *   GET  /api/v1/agent/bundle         agent token: the signed rule bundle
 *                                     in DATA_DIR/bundle (signed offline
 *                                     with `canhgac bundle sign`; the
 *                                     server never holds the key, and
 *                                     agents verify before use)
 *
 * The agent's credentials are an ordinary API token with scope "agent",
 * bound to the agency of the enrolment token: everything the agent sends
 * lands in that agency, whatever the events claim.
 *
 * The registry (enrolment tokens, agents, policies) is rows of the store
 * (store.h), so an agent enrolled through one server heartbeats and
 * uploads through any other. An older server's DATA_DIR/agents.db is
 * imported once at start (cg_agent_api_import) and renamed.
 */
#include "server/api_agent.h"
#include "server/agent_intel.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "api/agent_policy.h"
#include "server.h"
#include "bundle/bundle.h"
#include "core/fileio.h"
#include "core/limits.h"
#include "store/agents_import.h"
#include "store/figures.h"
#include "store/infection.h"
#include "report/report.h"
#include <sodium.h>

#define ENROLL_MAX_FAIL_IP 20 /* failed enrolments per client per window */
#define DEFAULT_OFFLINE_S CG_FIG_OFFLINE_S

cg_err cg_agent_api_import(cg_store *st, const char *data_dir)
{
	char path[PATH_MAX], done[PATH_MAX + 16];
	if (snprintf(path, sizeof path, "%s/agents.db", data_dir) >= (int)sizeof path ||
	    snprintf(done, sizeof done, "%s.imported", path) >= (int)sizeof done)
		return CG_ETOOBIG;
	if (access(path, F_OK) != 0)
		return CG_OK; /* nothing to import: the usual case */
	cg_agents_import_stats n = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_store_agents_import(st, path, &n, &why);
	if (err) {
		cg_error("importing %s: %s", path, why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		cg_buf_free(&why);
		return err;
	}
	cg_buf_free(&why);
	if (rename(path, done) != 0) {
		/* another server sharing the directory imported it at the same
		 * time (its rows were already there: nothing was added twice) */
		if (errno == ENOENT)
			return CG_OK;
		cg_error("importing %s: cannot rename it to %s: %s", path, done, strerror(errno));
		return CG_EIO;
	}
	cg_info("imported %s into the store: %lld enrolment tokens, %lld agents, %lld policies;"
	        " the file is now %s",
	        path, (long long)n.tokens, (long long)n.agents, (long long)n.policies, done);
	if (n.skipped) /* an operator should know what was not carried over */
		cg_warn("importing %s: %lld rows naming an agency or API token the store does not"
		        " have were left out (they remain in %s)",
		        path, (long long)n.skipped, done);
	return CG_OK;
}

cg_err cg_agent_api_list(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **items)
{
	return cg_store_agents_list(st, scope, DEFAULT_OFFLINE_S * 1000, now_ms, items);
}

/* The caller may do act on res for agency_id (the policy), and the agency
 * exists in its scope. */
static bool in_scope(cg_req *req, cg_resp *resp, cg_pol_action act, cg_pol_resource res,
                     int64_t agency_id)
{
	if (!cg_req_allow(req, resp, act, res, agency_id, CG_POL_OWNER_NA))
		return false;
	json_t *rec = NULL;
	cg_err err = cg_store_inv_get(req->srv->store, &req->scope, CG_RES_AGENCY, agency_id, &rec);
	json_decref(rec);
	if (err) {
		cg_resp_store_error(resp, err, "agency");
		return false;
	}
	return true;
}

/* ---- policy ----------------------------------------------------------- */

static json_t *default_policy(void)
{
	return json_pack("{s:i,s:i,s:{s:[],s:i},s:{s:i,s:i,s:i},s:{s:s,s:s},s:{s:s}}",
			 "heartbeat_s", 60, "upload_s", 5, "fim", "web_roots", "pass_interval_s",
			 21600, "accounts", "interval_s", 86400, "max_age_days", 90, "unused_days",
			 90, "malware", "incremental", "daily", "full", "weekly", "secrets",
			 "interval", "monthly");
}

/* Stored members over the defaults, one level deep. */
static json_t *effective_policy(cg_store *st, int64_t agency_id, int64_t *version)
{
	json_t *stored = NULL, *p = default_policy();
	if (cg_store_agent_policy_get(st, agency_id, &stored, version) == CG_OK) {
		const char *k;
		json_t *v;
		json_object_foreach(stored, k, v) {
			json_t *d = json_object_get(p, k);
			if (json_is_object(d) && json_is_object(v))
				json_object_update(d, v);
			else
				json_object_set(p, k, v);
		}
	}
	json_decref(stored);
	json_object_set_new(p, "version", json_integer(*version));
	return p;
}

/* Every field against the schema (api/agent_policy.h); NULL or why. */
static const char *check_policy(const json_t *b, char *why, size_t n)
{
	return cg_apol_check(b, why, n) ? why : NULL;
}

void api_agent_policy_get(cg_req *req, cg_resp *resp)
{
	int64_t v;
	cg_resp_json(resp, 200, effective_policy(req->srv->store, req->who.agency_id, &v));
}

void api_agent_policies_get(cg_req *req, cg_resp *resp)
{
	if (!in_scope(req, resp, CG_ACT_READ, CG_PRES_AGENT_POLICY, req->id))
		return;
	int64_t v;
	cg_resp_json(resp, 200, effective_policy(req->srv->store, req->id, &v));
}

void api_agent_policies_put(cg_req *req, cg_resp *resp)
{
	if (!in_scope(req, resp, CG_ACT_UPDATE, CG_PRES_AGENT_POLICY, req->id))
		return;
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	json_object_del(body, "version");
	char why[256];
	const char *bad = check_policy(body, why, sizeof why);
	int64_t v = 0;
	cg_err err = CG_OK;
	if (bad) {
		cg_resp_error(resp, 400, bad, NULL);
	} else if ((err = cg_store_agent_policy_set(req->srv->store, req->id, body,
	                                            cg_time_now_ms(), 0, &v))) {
		cg_resp_store_error(resp, err, "agent_policy");
	} else {
		cg_info("agent policy of agency %lld set to version %lld by %s", (long long)req->id,
			(long long)v, req->actor.name);
		cg_resp_json(resp, 200, effective_policy(req->srv->store, req->id, &v));
	}
	json_decref(body);
}

/* ---- enrolment -------------------------------------------------------- */

_Static_assert(CG_MAX_ENROLL_TOKEN_USES == 10000, "the max_uses error names the limit");

void api_enroll_tokens_create(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	json_t *ag = json_object_get(body, "agency_id"), *hours = json_object_get(body, "expires_hours");
	json_t *uses = json_object_get(body, "max_uses");
	const char *note = cg_json_get_str(body, "note");
	const char *bad = NULL;
	if (!json_is_integer(ag) || json_integer_value(ag) <= 0)
		bad = "agency_id: an agency id";
	else if (hours && (!json_is_integer(hours) || json_integer_value(hours) < 1 ||
			   json_integer_value(hours) > 24 * 90))
		bad = "expires_hours: 1..2160";
	else if (uses && (!json_is_integer(uses) || json_integer_value(uses) < 1 ||
	                  json_integer_value(uses) > CG_MAX_ENROLL_TOKEN_USES))
		bad = "max_uses: 1..10000";
	else if (note && strlen(note) > 256)
		bad = "note: at most 256 bytes";
	if (bad) {
		cg_resp_error(resp, 400, bad, NULL);
		json_decref(body);
		return;
	}
	int64_t agency = json_integer_value(ag);
	int64_t h = hours ? json_integer_value(hours) : 72;
	int64_t max_uses = uses ? json_integer_value(uses) : 1;
	char note_copy[260] = "";
	if (note)
		snprintf(note_copy, sizeof note_copy, "%s", note);
	note = note ? note_copy : NULL;
	json_decref(body); /* note points at note_copy from here on */
	if (!in_scope(req, resp, CG_ACT_CREATE, CG_PRES_ENROLL_TOKEN, agency))
		return;
	char secret[CG_SECRET_TEXT], token[CG_SECRET_TEXT + 8];
	cg_random_secret(secret);
	snprintf(token, sizeof token, "cge_%s", secret);
	uint8_t hash[32];
	cg_sha256(token, strlen(token), hash);
	int64_t id = 0, exp = cg_time_now_ms() + h * 3600000;
	json_t *rec =
	    json_pack("{s:I,s:o,s:s,s:I,s:I}", "agency_id", (json_int_t)agency, "note",
	              note ? json_string(note) : json_null(), "created_by", req->actor.name,
	              "expires_at", (json_int_t)exp, "max_uses", (json_int_t)max_uses);
	cg_err err = cg_store_etoken_create(req->srv->store, &req->scope, rec, hash, &id);
	json_decref(rec);
	if (err) {
		cg_resp_store_error(resp, err, "enroll_token");
		return;
	}
	cg_info("enrolment token %lld for agency %lld (%lld uses) created by %s", (long long)id,
	        (long long)agency, (long long)max_uses, req->actor.name);
	char t[32];
	cg_time_format(exp, t, sizeof t);
	cg_resp_json(resp, 201,
	             json_pack("{s:I,s:I,s:s,s:I,s:s}", "id", (json_int_t)id, "agency_id",
	                       (json_int_t)agency, "expires_at", t, "max_uses",
	                       (json_int_t)max_uses, "token", token));
}

void api_enroll_tokens_list(cg_req *req, cg_resp *resp)
{
	json_t *items;
	cg_err err = cg_store_etoken_list(req->srv->store, &req->scope, &items);
	if (err) {
		cg_resp_store_error(resp, err, "enroll_token");
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

/* Revoking stops later enrolments with the token; the agents enrolled
 * with it keep their own credentials (DELETE /api/v1/tokens/{id} each).
 * Audited as "revoke" of an "enroll_token". */
void api_enroll_tokens_revoke(cg_req *req, cg_resp *resp)
{
	int64_t agency = 0;
	cg_err err = cg_store_etoken_revoke(req->srv->store, &req->scope, req->id, req->actor.name,
	                                    &agency);
	if (err == CG_ECONFLICT) {
		cg_resp_error(resp, 409, "enrolment token already revoked", NULL);
		return;
	}
	if (err) {
		cg_resp_store_error(resp, err, "enroll_token");
		return;
	}
	json_t *d = json_pack("{s:I}", "agency_id", (json_int_t)agency);
	cg_store_audit(req->srv->store, &req->actor, "revoke", "enroll_token", req->id, d);
	json_decref(d);
	cg_info("enrolment token %lld of agency %lld revoked by %s", (long long)req->id,
	        (long long)agency, req->actor.name);
	resp->status = 204;
}

void api_agent_enroll(cg_req *req, cg_resp *resp)
{
	char ikey[96];
	snprintf(ikey, sizeof ikey, "enroll-ip:%s", req->client_ip);
	int64_t now = cg_time_now_ms();
	if (cg_throttle_blocked(&req->srv->throttle, ikey, ENROLL_MAX_FAIL_IP, now)) {
		cg_resp_error(resp, 429, "too many failed enrolments from this address", NULL);
		return;
	}
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	const char *token = cg_json_get_str(body, "token");
	const char *host = cg_json_get_str(body, "host");
	if (!token || strncmp(token, "cge_", 4) != 0 || strlen(token) > 128 || !host ||
	    !*host || strlen(host) > 256) {
		cg_resp_error(resp, 400, "token and host: an enrolment token (cge_...) and a host name", NULL);
		json_decref(body);
		return;
	}
	uint8_t hash[32];
	cg_sha256(token, strlen(token), hash);
	char host_copy[260];
	snprintf(host_copy, sizeof host_copy, "%s", host);
	host = host_copy; /* outlives body */
	int64_t agency = 0;
	cg_err err = cg_store_etoken_consume(req->srv->store, hash, now, host, &agency);
	if (err) {
		cg_throttle_fail(&req->srv->throttle, ikey, now);
		cg_warn("enrolment refused for host %s from %s: %s", host, req->client_ip,
		        err == CG_ECONFLICT  ? "token already used (every use spent)"
		        : err == CG_ETIMEOUT ? "expired"
		        : err == CG_EPERM    ? "token revoked"
		                             : "unknown token");
		if (err == CG_EPERM)
			cg_resp_error(resp, 410, "enrolment token revoked: ask for a new one", NULL);
		else if (err == CG_ECONFLICT)
			cg_resp_error(resp, 409, "enrolment token already used", NULL);
		else if (err == CG_ETIMEOUT)
			cg_resp_error(resp, 410, "enrolment token expired", NULL);
		else if (err == CG_ENOTFOUND)
			cg_resp_error(resp, 401, "unknown enrolment token", NULL);
		else
			cg_resp_error(resp, 500, "enrolment failed", NULL);
		json_decref(body);
		return;
	}
	/* the agent's own credentials: an API token with scope agent */
	char name[300], atok[CG_TOKEN_TEXT], agent_id[40];
	snprintf(name, sizeof name, "agent %s", host);
	cg_new_api_token(atok);
	uint8_t ah[32];
	cg_sha256(atok, strlen(atok), ah);
	unsigned char rnd[8] = { 0 };
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
		memset(rnd, 0, sizeof rnd);
	snprintf(agent_id, sizeof agent_id, "ag-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
		 rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	json_t *rec = json_pack("{s:s,s:s,s:I}", "name", name, "scope", "agent", "agency_id",
				(json_int_t)agency);
	cg_actor actor = { "enrolment" };
	int64_t tid = 0;
	err = cg_store_token_create(req->srv->store, &actor, rec, ah, &tid);
	json_decref(rec);
	if (!err) {
		/* the agent's inventory as it enrolled, bound to its token */
		json_t *ag = json_pack("{s:s,s:I,s:I,s:I,s:I}", "agent_id", agent_id, "api_token_id",
		                       (json_int_t)tid, "agency_id", (json_int_t)agency,
		                       "enrolled_at", (json_int_t)now, "last_seen", (json_int_t)now);
		static const char *const keep[] = {"host", "os", "agent_version"};
		for (size_t i = 0; ag && i < sizeof keep / sizeof *keep; i++) {
			json_t *v = json_object_get(body, keep[i]);
			if (json_is_string(v))
				json_object_set(ag, keep[i], v);
		}
		err = ag ? cg_store_agent_register(req->srv->store, ag) : CG_ENOMEM;
		json_decref(ag);
	}
	json_decref(body);
	if (err) {
		cg_resp_error(resp, 500, "enrolment failed (token consumed: issue a new one)", NULL);
		return;
	}
	cg_info("agent %s (%s) enrolled for agency %lld", agent_id, host, (long long)agency);
	int64_t v;
	char agtext[32];
	snprintf(agtext, sizeof agtext, "%lld", (long long)agency);
	cg_resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:I,s:o}", "agent_id", agent_id, "token",
					  atok, "agency", agtext, "agency_id", (json_int_t)agency,
					  "policy", effective_policy(req->srv->store, agency, &v)));
}

/* ---- rule bundles ----------------------------------------------------- */

/* The published bundle's manifest (text in *man) and parsed form. */
static cg_err published(const char *dir, cg_buf *man, cg_bundle_manifest *m)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/bundle/MANIFEST", dir);
	cg_buf_init(man, CG_MAX_BUNDLE_MANIFEST);
	cg_err err = cg_read_file(path, man, NULL);
	if (!err)
		err = cg_bundle_manifest_parse(cg_buf_slice(man), m, NULL);
	if (err)
		cg_buf_free(man);
	return err;
}

static int64_t published_version(const char *dir)
{
	cg_buf man;
	cg_bundle_manifest m;
	if (published(dir, &man, &m))
		return 0;
	int64_t v = m.version;
	cg_bundle_manifest_free(&m);
	cg_buf_free(&man);
	return v;
}

static json_t *b64(const cg_buf *b)
{
	size_t n = sodium_base64_encoded_len(b->len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(n);
	if (!out)
		return NULL;
	sodium_bin2base64(out, n, (const unsigned char *)(b->ptr ? b->ptr : ""), b->len,
			  sodium_base64_VARIANT_ORIGINAL);
	json_t *j = json_string(out);
	free(out);
	return j;
}

void api_agent_bundle_get(cg_req *req, cg_resp *resp)
{
	const char *dir = req->srv->data_dir;
	cg_buf man, f;
	cg_bundle_manifest m;
	if (published(dir, &man, &m)) {
		cg_resp_error(resp, 404, "no rule bundle published", NULL);
		return;
	}
	json_t *files = json_array();
	char path[PATH_MAX * 2];
	size_t total = 0;
	cg_err err = CG_OK;
	/* files as listed: whatever else lies in the directory is not sent,
	 * and a changed file is sent as it is (the agent's check refuses it) */
	for (size_t i = 0; !err && i < m.nfiles; i++) {
		snprintf(path, sizeof path, "%s/bundle/%s", dir, m.files[i].path);
		cg_buf_init(&f, CG_MAX_BUNDLE_DOWNLOAD);
		err = cg_read_file(path, &f, NULL);
		total += f.len;
		if (!err && total > CG_MAX_BUNDLE_DOWNLOAD / 2)
			err = CG_ETOOBIG;
		if (!err)
			json_array_append_new(files, json_pack("{s:s,s:o}", "path", m.files[i].path,
							       "data", b64(&f)));
		cg_buf_free(&f);
	}
	cg_buf sig;
	cg_buf_init(&sig, 4096);
	snprintf(path, sizeof path, "%s/bundle/MANIFEST.sig", dir);
	bool has_sig = cg_read_file(path, &sig, NULL) == CG_OK;
	if (err) {
		json_decref(files);
		cg_resp_error(resp, 500, "published bundle unreadable or too big", NULL);
	} else {
		json_t *out = json_pack("{s:I,s:o,s:o}", "version", (json_int_t)m.version, "manifest",
					cg_json_str(cg_buf_slice(&man)), "files", files);
		if (has_sig)
			json_object_set_new(out, "signature", cg_json_str(cg_buf_slice(&sig)));
		cg_resp_json(resp, 200, out);
	}
	cg_buf_free(&sig);
	cg_bundle_manifest_free(&m);
	cg_buf_free(&man);
}

/* ---- heartbeat, inventory, coverage ----------------------------------- */

void api_agent_heartbeat(cg_req *req, cg_resp *resp)
{
	json_t *body;
	if (!cg_req_json(req, resp, &body))
		return;
	if (!json_is_object(body)) {
		json_decref(body);
		cg_resp_error(resp, 400, "heartbeat: a JSON object", NULL);
		return;
	}
	/* antivirus products (platform/av.h): checked and trimmed before they
	 * are stored; an agent that sends none keeps the column NULL */
	json_t *av = json_object_get(body, "antivirus");
	if (av && !json_is_null(av)) {
		json_t *clean = NULL;
		cg_buf why;
		cg_buf_init(&why, 256);
		if (cg_fig_antivirus_check(av, &clean, &why)) {
			json_decref(body);
			cg_resp_error(resp, 400, cg_buf_cstr(&why), NULL);
			cg_buf_free(&why);
			return;
		}
		cg_buf_free(&why);
		json_object_set_new(body, "antivirus", clean);
	}
	cg_err err = cg_store_agent_heartbeat(req->srv->store, req->who.id, body, cg_time_now_ms());
	json_decref(body);
	if (err == CG_ENOTFOUND) {
		cg_resp_error(resp, 404, "this token belongs to no enrolled agent", NULL);
		return;
	}
	if (err) {
		cg_resp_error(resp, 500, "cannot record the heartbeat", NULL);
		return;
	}
	int64_t v;
	json_t *p = effective_policy(req->srv->store, req->who.agency_id, &v);
	json_decref(p);
	char t[32];
	cg_time_format(cg_time_now_ms(), t, sizeof t);
	json_t *out = json_pack("{s:I,s:I,s:s}", "policy_version", (json_int_t)v, "bundle_version",
				(json_int_t)published_version(req->srv->data_dir), "server_time", t);
	/* the intelligence hashes' version (agent_intel.h); left out when the
	 * store cannot say, so the agent keeps the list it has */
	char iv[CG_AGENT_INTEL_VERSION_LEN + 1];
	if (cg_agent_intel_version(req->srv->store, iv) == CG_OK)
		json_object_set_new(out, "intel_version", json_string(iv));
	cg_resp_json(resp, 200, out);
}

void api_endpoints_list(cg_req *req, cg_resp *resp)
{
	int64_t off_s = 0;
	if (!cg_req_int_arg(req, resp, "offline_after_s", 1, 86400 * 365, &off_s))
		return;
	json_t *items;
	cg_err err = cg_store_agents_list(req->srv->store, &req->scope,
	                                  (off_s ? off_s : DEFAULT_OFFLINE_S) * 1000,
	                                  cg_time_now_ms(), &items);
	if (err) {
		cg_resp_store_error(resp, err, "endpoints");
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
		json_object_set_new(a, "protected", json_boolean(cg_fig_protected(a)));
	cg_resp_json(resp, 200, cg_list_body(items, (int64_t)json_array_size(items)));
}

/* The infection members of a coverage row: the hosts and the index of
 * store/infection.h, the same number the reports give. */
static void infection_members(json_t *row, int64_t mw, int64_t dns, int64_t declared)
{
	json_object_set_new(row, "malware_hosts", json_integer(mw));
	json_object_set_new(row, "dns_hosts", json_integer(dns));
	json_object_set_new(row, "infected", json_integer(mw + dns));
	json_object_set_new(row, "infection_index",
	                    json_real(cg_infection_index(mw + dns, declared)));
}

/* protected: an antivirus on and current (store/figures.h cg_fig_protected) */
static void protection_members(json_t *row, int64_t prot, int64_t declared)
{
	json_object_set_new(row, "protected", json_integer(prot));
	json_object_set_new(row, "protection",
	                    declared > 0 ? json_real((double)prot / (double)declared) : json_null());
}

void api_coverage(cg_req *req, cg_resp *resp)
{
	int64_t days = 0;
	if (!cg_req_int_arg(req, resp, "days", 1, 3660, &days))
		return;
	if (!days)
		days = 30;
	/* the infection index's period (store/infection.h): a calendar month
	 * when asked, the reports' and the national centre's; else the last
	 * days whole UTC days, today included: the overview's window */
	int64_t now = cg_time_now_ms(), since, until;
	const char *month = cg_req_arg(req, "period");
	cg_period cur, prev;
	if (month && cg_req_arg(req, "days")) {
		cg_resp_error(resp, 400, "period and days: one or the other", NULL);
		return;
	}
	if (month && cg_period_parse(CG_REPORT_MONTHLY, month, &cur, &prev)) {
		cg_resp_json(resp, 400,
		             json_pack("{s:s,s:s,s:s}", "error", "period must be a month (2026-11)",
		                       "code", "invalid", "field", "period"));
		return;
	}
	if (month) {
		since = cur.from_ms;
		until = cur.to_ms;
		days = (until - since) / 86400000LL;
	} else {
		cg_infection_window(now, days, &since, &until);
	}
	json_t *agencies = NULL, *agents = NULL;
	int64_t total = 0;
	if (cg_store_inv_list(req->srv->store, &req->scope, CG_RES_AGENCY, NULL, 500, 0, &agencies,
			      &total) ||
	    cg_agent_api_list(req->srv->store, &req->scope, now, &agents)) {
		json_decref(agencies);
		json_decref(agents);
		cg_resp_error(resp, 500, "cannot compute coverage", NULL);
		return;
	}
	/* a count that could not be made is an error, never a clean 0 */
	cg_infection_hosts inf;
	if (cg_infection_count(req->srv->store, &req->scope, since, until, &inf)) {
		json_decref(agencies);
		json_decref(agents);
		cg_resp_error(resp, 500, "cannot compute coverage", NULL);
		return;
	}
	json_t *out = json_array();
	size_t i;
	json_t *ag;
	int64_t t_decl = 0, t_enr = 0, t_mw = 0, t_dns = 0, t_onl = 0, t_prot = 0;
	json_array_foreach(agencies, i, ag) {
		int64_t id = json_integer_value(json_object_get(ag, "id"));
		int64_t declared = json_integer_value(json_object_get(ag, "declared_endpoints"));
		int64_t enrolled = 0, online = 0;
		cg_fig_agents(agents, id, &enrolled, &online);
		int64_t mw = cg_infection_of(inf.malware, id), dns = cg_infection_of(inf.dns, id);
		t_decl += declared;
		t_enr += enrolled;
		t_onl += online;
		t_mw += mw;
		t_dns += dns;
		int64_t prot = cg_fig_protected_count(agents, id);
		t_prot += prot;
		json_t *row = json_pack(
		    "{s:I,s:O,s:I,s:I,s:I,s:o}", "agency_id", (json_int_t)id, "name",
		    json_object_get(ag, "name"), "declared_endpoints", (json_int_t)declared,
		    "enrolled", (json_int_t)enrolled, "online", (json_int_t)online, "coverage",
		    declared > 0 ? json_real((double)enrolled / (double)declared) : json_null());
		infection_members(row, mw, dns, declared);
		protection_members(row, prot, declared);
		json_array_append_new(out, row);
	}
	json_decref(agencies);
	json_decref(agents);
	cg_infection_free(&inf);
	json_t *tot =
	    json_pack("{s:I,s:I,s:I,s:o}", "declared_endpoints", (json_int_t)t_decl, "enrolled",
	              (json_int_t)t_enr, "online", (json_int_t)t_onl, "coverage",
	              t_decl > 0 ? json_real((double)t_enr / (double)t_decl) : json_null());
	infection_members(tot, t_mw, t_dns, t_decl);
	protection_members(tot, t_prot, t_decl);
	char from_s[32], to_s[32];
	cg_time_format(since, from_s, sizeof from_s);
	cg_time_format(until, to_s, sizeof to_s);
	cg_resp_json(resp, 200,
	             json_pack("{s:I,s:s,s:s,s:o,s:o}", "days", (json_int_t)days, "from", from_s,
	                       "to", to_s, "items", out, "totals", tot));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_agent);
const cg_route api_agent_routes[] = {
    {"POST", "/api/v1/enroll-tokens", api_enroll_tokens_create, CG_PRES_ENROLL_TOKEN, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/enroll-tokens", api_enroll_tokens_list, CG_PRES_ENROLL_TOKEN, CG_ACT_READ, NULL},
    {"DELETE", "/api/v1/enroll-tokens/{id}", api_enroll_tokens_revoke, CG_PRES_ENROLL_TOKEN, CG_ACT_DELETE, NULL},
    {"POST", "/api/v1/agent/enroll", api_agent_enroll, CG_PRES_ENROLMENT, CG_ACT_CREATE, NULL},
    {"POST", "/api/v1/agent/heartbeat", api_agent_heartbeat, CG_PRES_AGENT_SELF, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/agent/policy", api_agent_policy_get, CG_PRES_AGENT_SELF, CG_ACT_READ, NULL},
    {"GET", "/api/v1/agent/bundle", api_agent_bundle_get, CG_PRES_AGENT_SELF, CG_ACT_READ, NULL},
    {"GET", "/api/v1/agent-policies/{id}", api_agent_policies_get, CG_PRES_AGENT_POLICY, CG_ACT_READ, NULL},
    {"PUT", "/api/v1/agent-policies/{id}", api_agent_policies_put, CG_PRES_AGENT_POLICY, CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/endpoints", api_endpoints_list, CG_PRES_ENDPOINT, CG_ACT_READ, NULL},
    {"GET", "/api/v1/coverage", api_coverage, CG_PRES_ENDPOINT, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_agent);
