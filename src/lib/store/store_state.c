/*
 * store_state.c - the store.h functions of the server's shared state (the
 * store's secrets, the login throttle, the agent registry and enrolment
 * tokens): argument checks, then one call through the backend's
 * cg_store_state_ops (backend_state.h).
 *
 * Before these were rows of the store, the agent registry was a second
 * SQLite file (DATA_DIR/agents.db) and the throttle a table in each
 * server's memory: two servers on one database could neither share an
 * enrolled agent nor a count of failed logins.
 */
#include "backend_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

static const cg_store_state_ops *S(const cg_store *st)
{
	return cg_store_ops_of(st)->state;
}

#define STATE(call)                                                                                \
	do {                                                                                       \
		cg_store_set_violation(CG_VIOL_NONE, NULL);                                        \
		return S(st)->call;                                                                \
	} while (0)
#define IMPL cg_store_impl_of(st)

cg_err cg_store_incident_notice(cg_store *st, int64_t id, const char *rule, const char *stage,
                                int64_t now_ms, bool *fresh)
{
	*fresh = false;
	if (id <= 0 || !rule || !*rule || strlen(rule) > 64 || !stage || !*stage ||
	    strlen(stage) > 32)
		return CG_EINVAL;
	STATE(incident_notice(IMPL, id, rule, stage, now_ms, fresh));
}

cg_err cg_store_secret(cg_store *st, const char *name, const uint8_t fresh[32], uint8_t out[32])
{
	if (!name || !*name || strlen(name) > 64)
		return CG_EINVAL;
	STATE(secret(IMPL, name, fresh, out));
}

cg_err cg_store_throttle_get(cg_store *st, const uint8_t key[32], int64_t now_ms, int64_t window_ms,
                             int64_t max_keys, int64_t *fails)
{
	*fails = 0;
	if (window_ms <= 0 || max_keys <= 0)
		return CG_EINVAL;
	return S(st)->throttle_get(IMPL, key, now_ms - window_ms, max_keys, fails);
}

cg_err cg_store_throttle_fail(cg_store *st, const uint8_t key[32], int64_t now_ms,
                              int64_t window_ms, int64_t max_keys, int64_t *fails)
{
	*fails = 0;
	if (window_ms <= 0 || max_keys <= 0)
		return CG_EINVAL;
	STATE(throttle_fail(IMPL, key, now_ms, now_ms - window_ms, max_keys, fails));
}

cg_err cg_store_throttle_reset(cg_store *st, const uint8_t key[32])
{
	STATE(throttle_reset(IMPL, key));
}

static bool str_ok(const json_t *rec, const char *k, size_t max)
{
	json_t *v = json_object_get(rec, k);
	return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) <= max);
}

static bool int_ok(const json_t *rec, const char *k, bool required)
{
	json_t *v = json_object_get(rec, k);
	return json_is_integer(v) || (!required && (!v || json_is_null(v)));
}

cg_err cg_store_etoken_create(cg_store *st, const cg_scope *scope, const json_t *rec,
                              const uint8_t hash[32], int64_t *id)
{
	*id = 0;
	int64_t ag = json_integer_value(json_object_get(rec, "agency_id"));
	if (ag <= 0 || !int_ok(rec, "expires_at", true) || !int_ok(rec, "created_at", false) ||
	    !int_ok(rec, "used_at", false) || !str_ok(rec, "note", 256) ||
	    !str_ok(rec, "created_by", 256) || !str_ok(rec, "used_by", 256))
		return CG_EINVAL;
	if (scope->agency_id != 0 && scope->agency_id != ag)
		return CG_EPERM;
	STATE(etoken_create(IMPL, scope, rec, hash, cg_time_now_ms(), id));
}

cg_err cg_store_etoken_list(cg_store *st, const cg_scope *scope, json_t **items)
{
	*items = NULL;
	return S(st)->etoken_list(IMPL, scope, items);
}

cg_err cg_store_etoken_consume(cg_store *st, const uint8_t hash[32], int64_t now_ms,
                               const char *used_by, int64_t *agency_id)
{
	*agency_id = 0;
	if (used_by && strlen(used_by) > 256)
		return CG_EINVAL;
	STATE(etoken_consume(IMPL, hash, now_ms, used_by, agency_id));
}

cg_err cg_store_etoken_revoke(cg_store *st, const cg_scope *scope, int64_t id, const char *by,
                              int64_t *agency_id)
{
	*agency_id = 0;
	if (id <= 0 || (by && strlen(by) > 256))
		return CG_EINVAL;
	STATE(etoken_revoke(IMPL, scope, id, by, cg_time_now_ms(), agency_id));
}

cg_err cg_store_agent_register(cg_store *st, const json_t *rec)
{
	const char *aid = cg_json_get_str(rec, "agent_id");
	if (!aid || !*aid || strlen(aid) > 64 || !int_ok(rec, "api_token_id", true) ||
	    !int_ok(rec, "agency_id", true) || !int_ok(rec, "enrolled_at", true) ||
	    !int_ok(rec, "last_seen", true))
		return CG_EINVAL;
	STATE(agent_register(IMPL, rec));
}

cg_err cg_store_agent_heartbeat(cg_store *st, int64_t api_token_id, const json_t *info,
                                int64_t now_ms)
{
	if (!json_is_object(info))
		return CG_EINVAL;
	STATE(agent_heartbeat(IMPL, api_token_id, info, now_ms));
}

cg_err cg_store_agents_list(cg_store *st, const cg_scope *scope, int64_t offline_after_ms,
                            int64_t now_ms, json_t **items)
{
	*items = NULL;
	return S(st)->agents_list(IMPL, scope, offline_after_ms, now_ms, items);
}

cg_err cg_store_agent_policy_get(cg_store *st, int64_t agency_id, json_t **body, int64_t *version)
{
	*body = NULL;
	*version = 0;
	cg_err err = S(st)->policy_get(IMPL, agency_id, body, version);
	if (!*body)
		*body = json_object();
	return err;
}

cg_err cg_store_agent_policy_set(cg_store *st, int64_t agency_id, const json_t *body,
                                 int64_t now_ms, int64_t version_in, int64_t *version)
{
	*version = 0;
	if (agency_id <= 0 || !json_is_object(body) || version_in < 0)
		return CG_EINVAL;
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return CG_ENOMEM;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = S(st)->policy_set(IMPL, agency_id, text, now_ms, version_in, version);
	free(text);
	return err;
}

/* ---- DNS uploads ------------------------------------------------------- */

cg_err cg_store_dns_upload_create(cg_store *st, const json_t *rec, int64_t max_per_owner,
                                  int64_t *id)
{
	*id = 0;
	const char *name = cg_json_get_str(rec, "name"), *owner = cg_json_get_str(rec, "owner");
	if (!name || !*name || strlen(name) > 256 || !owner || !*owner || strlen(owner) > 64 ||
	    !int_ok(rec, "owner_kind", true) || !int_ok(rec, "agency_id", true) ||
	    !int_ok(rec, "created", true) || max_per_owner <= 0)
		return CG_EINVAL;
	STATE(dns_create(IMPL, rec, max_per_owner, id));
}

/* progress and result come back as text: objects for the caller */
static void parse_member(json_t *rec, const char *k)
{
	const char *t = cg_json_get_str(rec, k);
	json_t *v = NULL;
	if (t && cg_json_parse(cg_slice_cstr(t), &v, NULL) == CG_OK && json_is_object(v))
		json_object_set_new(rec, k, v);
	else {
		json_decref(v);
		json_object_set_new(rec, k, json_null());
	}
}

cg_err cg_store_dns_upload_get(cg_store *st, int64_t id, json_t **rec)
{
	*rec = NULL;
	cg_err err = S(st)->dns_get(IMPL, id, rec);
	if (!err) {
		parse_member(*rec, "progress");
		parse_member(*rec, "result");
	}
	return err;
}

cg_err cg_store_dns_upload_usage(cg_store *st, const char *owner, int64_t *count, int64_t *bytes)
{
	*count = *bytes = 0;
	return S(st)->dns_usage(IMPL, owner ? owner : "", count, bytes);
}

cg_err cg_store_dns_upload_write_begin(cg_store *st, int64_t id, int64_t expect_size,
                                       int64_t now_ms, int64_t held_ms, int64_t until_ms)
{
	STATE(dns_write_begin(IMPL, id, expect_size, now_ms, held_ms, until_ms));
}

cg_err cg_store_dns_upload_write_end(cg_store *st, int64_t id, int64_t new_size)
{
	STATE(dns_write_end(IMPL, id, new_size));
}

cg_err cg_store_dns_upload_queue(cg_store *st, int64_t id, int64_t now_ms)
{
	STATE(dns_queue(IMPL, id, now_ms));
}

cg_err cg_store_dns_upload_next(cg_store *st, int64_t *id)
{
	*id = 0;
	return S(st)->dns_next(IMPL, id);
}

static char *member_text(const json_t *rec, const char *k)
{
	json_t *v = json_object_get(rec, k);
	return json_is_object(v) ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

cg_err cg_store_dns_upload_set(cg_store *st, int64_t id, const json_t *rec)
{
	const char *state = cg_json_get_str(rec, "state");
	if (!state)
		return CG_EINVAL;
	char *progress = member_text(rec, "progress"), *result = member_text(rec, "result");
	const char *error = cg_json_get_str(rec, "error");
	char cut[600];
	if (error && strlen(error) >= sizeof cut) { /* bounded: a reason, not a log */
		snprintf(cut, sizeof cut, "%.590s", error);
		error = cut;
	}
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = S(st)->dns_set(IMPL, id, state, progress, result, error,
	                            json_integer_value(json_object_get(rec, "started")),
	                            json_integer_value(json_object_get(rec, "finished")));
	free(progress);
	free(result);
	return err;
}

cg_err cg_store_dns_upload_delete(cg_store *st, int64_t id, int64_t now_ms)
{
	STATE(dns_delete(IMPL, id, now_ms));
}

cg_err cg_store_dns_upload_chunks_set(cg_store *st, int64_t id, int64_t expect_size,
                                      const json_t *chunks, int64_t new_size)
{
	if (!json_is_array(chunks) || json_array_size(chunks) > CG_DNS_MAX_UPLOAD_CHUNKS ||
	    expect_size < 0 || new_size < 0)
		return CG_EINVAL;
	int64_t sum = 0;
	size_t i;
	json_t *c;
	json_array_foreach(chunks, i, c) {
		const char *h = json_string_value(json_array_get(c, 0));
		json_int_t n = json_integer_value(json_array_get(c, 1));
		if (json_array_size(c) != 2 || !h || strlen(h) != 64 ||
		    strspn(h, "0123456789abcdef") != 64 || !json_is_integer(json_array_get(c, 1)) ||
		    n <= 0 || n > INT64_MAX - sum)
			return CG_EINVAL;
		sum += n;
	}
	if (sum != new_size)
		return CG_EINVAL;
	char *text = json_dumps(chunks, JSON_COMPACT);
	if (!text)
		return CG_ENOMEM;
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = S(st)->dns_chunks_set(IMPL, id, expect_size, text, new_size);
	free(text);
	return err;
}

cg_err cg_store_blob_used(cg_store *st, const char *hex, bool *used)
{
	*used = true; /* in doubt, kept */
	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return CG_EINVAL;
	return S(st)->blob_used(IMPL, hex, used);
}

cg_err cg_store_incident_task_put(cg_store *st, int64_t incident_id, const json_t *rec,
                                  int64_t now_ms, int64_t *task_id)
{
	if (incident_id <= 0 || !json_is_object(rec) || !cg_json_get_str(rec, "title") ||
	    !str_ok(rec, "assignee", 256) || !str_ok(rec, "due_at", 64))
		return CG_EINVAL;
	STATE(task_put(IMPL, incident_id, rec, now_ms, task_id));
}

cg_err cg_store_incident_tasks(cg_store *st, int64_t incident_id, json_t **items)
{
	*items = NULL;
	STATE(tasks_list(IMPL, incident_id, items));
}
