/*
 * backend_state.h - the part of a backend's table of functions that keeps
 * the server's shared state (store.h "server state"): the store's
 * secrets, the login throttle, the agent registry and enrolment tokens.
 *
 * Kept apart from backend.h so the tables grow in files of their own:
 * each backend implements these in sqlite_state.c / postgres_state.c
 * (compiled as part of sqlite.c / postgres.c, whose connection helpers
 * they use) and points cg_store_ops.state at its table. store_state.c
 * checks the arguments and dispatches.
 *
 * Records are the JSON objects of store.h; times in input records are ms.
 */
#ifndef CG_STORE_BACKEND_STATE_H
#define CG_STORE_BACKEND_STATE_H

#include "backend.h"

typedef struct cg_store_state_ops {
	cg_err (*secret)(cg_store_impl *st, const char *name, const uint8_t fresh[32],
	                 uint8_t out[32]);
	cg_err (*throttle_get)(cg_store_impl *st, const uint8_t key[32], int64_t live_since_ms,
	                       int64_t max_keys, int64_t *fails);
	/* live_since_ms = now - window: rows that started before it ended */
	cg_err (*throttle_fail)(cg_store_impl *st, const uint8_t key[32], int64_t now_ms,
	                        int64_t live_since_ms, int64_t max_keys, int64_t *fails);
	cg_err (*throttle_reset)(cg_store_impl *st, const uint8_t key[32]);
	cg_err (*etoken_create)(cg_store_impl *st, const cg_scope *scope, const json_t *rec,
	                        const uint8_t hash[32], int64_t now_ms, int64_t *id);
	cg_err (*etoken_list)(cg_store_impl *st, const cg_scope *scope, json_t **items);
	cg_err (*etoken_consume)(cg_store_impl *st, const uint8_t hash[32], int64_t now_ms,
	                         const char *used_by, int64_t *agency_id);
	cg_err (*etoken_revoke)(cg_store_impl *st, const cg_scope *scope, int64_t id,
	                        const char *by, int64_t now_ms, int64_t *agency_id);
	cg_err (*agent_register)(cg_store_impl *st, const json_t *rec);
	cg_err (*agent_heartbeat)(cg_store_impl *st, int64_t api_token_id, const json_t *info,
	                          int64_t now_ms);
	cg_err (*agents_list)(cg_store_impl *st, const cg_scope *scope, int64_t offline_after_ms,
	                      int64_t now_ms, json_t **items);
	cg_err (*policy_get)(cg_store_impl *st, int64_t agency_id, json_t **body, int64_t *version);
	/* body: the JSON text */
	cg_err (*policy_set)(cg_store_impl *st, int64_t agency_id, const char *body, int64_t now_ms,
	                     int64_t version_in, int64_t *version);
	/* DNS uploads; progress and result: JSON text or NULL */
	cg_err (*dns_create)(cg_store_impl *st, const json_t *rec, int64_t max_per_owner,
	                     int64_t *id);
	cg_err (*dns_get)(cg_store_impl *st, int64_t id, json_t **rec);
	cg_err (*dns_usage)(cg_store_impl *st, const char *owner, int64_t *count, int64_t *bytes);
	cg_err (*dns_write_begin)(cg_store_impl *st, int64_t id, int64_t expect_size,
	                          int64_t now_ms, int64_t held_ms, int64_t until_ms);
	cg_err (*dns_write_end)(cg_store_impl *st, int64_t id, int64_t new_size);
	cg_err (*dns_queue)(cg_store_impl *st, int64_t id, int64_t now_ms);
	cg_err (*dns_next)(cg_store_impl *st, int64_t *id);
	cg_err (*dns_set)(cg_store_impl *st, int64_t id, const char *state, const char *progress,
	                  const char *result, const char *error, int64_t started, int64_t finished);
	cg_err (*dns_delete)(cg_store_impl *st, int64_t id, int64_t now_ms);
	/* the upload's chunk list (JSON text) and size, if it stands at
	 * expect_size; the PUT's hold released */
	cg_err (*dns_chunks_set)(cg_store_impl *st, int64_t id, int64_t expect_size,
	                         const char *chunks, int64_t new_size);
	/* whether a row names the blob hex (the tables that keep blobs) */
	cg_err (*blob_used)(cg_store_impl *st, const char *hex, bool *used);
	/* incident deadline notices sent (store.h) */
	cg_err (*incident_notice)(cg_store_impl *st, int64_t id, const char *rule,
	                          const char *stage, int64_t now_ms, bool *fresh);
	/* incident tasks (store.h) */
	cg_err (*task_put)(cg_store_impl *st, int64_t incident_id, const json_t *rec,
	                   int64_t now_ms, int64_t *task_id);
	cg_err (*tasks_list)(cg_store_impl *st, int64_t incident_id, json_t **items);
} cg_store_state_ops;

#endif
