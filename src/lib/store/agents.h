/*
 * agents.h - the server's registry of endpoint agents: one-time
 * enrolment tokens, enrolled agents (inventory, last seen), and agent
 * policies per agency (docs/agent.md).
 *
 * Kept in its own SQLite database, DATA_DIR/agents.db (WAL, synchronous
 * FULL), with its own numbered migrations, beside the main store: the
 * agent registry is written by agents every minute and read by the
 * coverage views; keeping it apart keeps its write traffic off the main
 * database's one writer. No SQL lives outside this file pair.
 *
 * Scope: every list takes the caller's agency (0 = the whole province).
 * Thread safety: one connection behind a mutex.
 */
#ifndef CG_STORE_AGENTS_H
#define CG_STORE_AGENTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct cg_agents cg_agents;

cg_err cg_agents_open(const char *path, cg_agents **out, cg_buf *why);
void cg_agents_close(cg_agents *a);

/* A new one-time token (its SHA-256) for agency_id. */
cg_err cg_agents_etoken_create(cg_agents *a, const uint8_t hash[32], int64_t agency_id,
			       const char *note, const char *created_by, int64_t expires_ms,
			       int64_t *id);
/* [{id, agency_id, note, created_by, created_at, expires_at, used_at, used_by}] */
cg_err cg_agents_etoken_list(cg_agents *a, int64_t scope_agency, json_t **items);
/* Marks the token used (atomically: only one caller ever succeeds).
 * CG_ENOTFOUND unknown, CG_ECONFLICT already used, CG_ETIMEOUT expired. */
cg_err cg_agents_etoken_consume(cg_agents *a, const uint8_t hash[32], int64_t now_ms,
				const char *used_by, int64_t *agency_id);

/* A newly enrolled agent, bound to its API token (scope "agent"). */
cg_err cg_agents_register(cg_agents *a, const char *agent_id, int64_t api_token_id,
			  int64_t agency_id, const json_t *info, int64_t now_ms);
/* info: {host, os, agent_version, rule_version, policy_version,
 * spool_pending}. CG_ENOTFOUND when the token is no enrolled agent. */
cg_err cg_agents_heartbeat(cg_agents *a, int64_t api_token_id, const json_t *info,
			   int64_t now_ms);
/* [{agent_id, agency_id, host, os, agent_version, rule_version,
 * policy_version, spool_pending, enrolled_at, last_seen, offline}] */
cg_err cg_agents_list(cg_agents *a, int64_t scope_agency, int64_t offline_after_ms,
		      int64_t now_ms, json_t **items);

/* The agency's policy ({} and version 0 when none set). */
cg_err cg_agents_policy_get(cg_agents *a, int64_t agency_id, json_t **body, int64_t *version);
/* Replaces it; the version goes up by one. */
cg_err cg_agents_policy_set(cg_agents *a, int64_t agency_id, const json_t *body,
			    int64_t now_ms, int64_t *version);

#endif
