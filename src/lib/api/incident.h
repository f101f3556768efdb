/*
 * incident.h - incident cases: the state machine, the case number and
 * what a create or a change may hold. The store keeps cases
 * (store.h cg_store_incident_*); this unit decides.
 *
 * States: new -> triage -> responding -> contained -> closed, and from
 * new or triage a case may be rejected (not an incident) or a duplicate
 * of another; a contained case may go back to responding (it came back).
 * closed, rejected and duplicate are final. cg_inc_can_move is that
 * table, and a move stamps the case's times the regulated reports need:
 * contained_at on reaching contained, closed_at on reaching a final
 * state (cg_inc_apply). detected_at and reported_at are given by the
 * team (when the incident was detected; when it was reported to the
 * province).
 *
 * A case number is SC-YYYY-NNNN: the year the case was opened (UTC+7,
 * the province's calendar) and its order in that year, from 1.
 *
 * The record is JSON: {title, kind, severity, agency_id, system_ids[],
 * owner|null, description|null, state, detected_at, reported_at,
 * contained_at, closed_at, escalated_at, closing_reported_at,
 * state_secret} with times as RFC 3339 text or null (a record stored
 * before the last three existed lacks them: absent means null/false).
 */
#ifndef CG_API_INCIDENT_H
#define CG_API_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/inventory.h"
#include "core/error.h"
#include "core/json.h"

typedef enum cg_inc_state {
	CG_INC_NEW = 0,
	CG_INC_TRIAGE,
	CG_INC_RESPONDING,
	CG_INC_CONTAINED,
	CG_INC_CLOSED,
	CG_INC_REJECTED,
	CG_INC_DUPLICATE,
	CG_INC_NSTATES
} cg_inc_state;

const char *cg_inc_state_name(cg_inc_state s);
cg_err cg_inc_state_parse(const char *name, cg_inc_state *out);
/* The state machine: whether a case in `from` may move to `to` (a move
 * to the same state is not a move). */
bool cg_inc_can_move(cg_inc_state from, cg_inc_state to);
bool cg_inc_is_final(cg_inc_state s);

/* The kinds of incident (each selects a playbook). NULL-terminated. */
extern const char *const cg_inc_kinds[];
bool cg_inc_kind_valid(const char *kind);

/* "SC-2026-0042" into out; false when it does not fit. */
bool cg_inc_number(char *out, size_t n, int year, int64_t seq);
/* The province's calendar year (UTC+7) of a time in ms. */
int cg_inc_year(int64_t ms);

/* A new case from a request body: {title, kind, severity, agency_id,
 * system_ids?, owner?, description?, detected_at?, reported_at?,
 * escalated_at?, closing_reported_at?, state_secret?}; the
 * state is new, detected_at defaults to now_ms. On a refusal *e names the
 * field. */
cg_err cg_inc_parse_create(const json_t *body, int64_t now_ms, json_t **out, cg_inv_error *e);

/* A change to the case `cur` (the stored record): {title?, kind?, severity?,
 * owner?, description?, system_ids?, state?, detected_at?, reported_at?,
 * escalated_at?, closing_reported_at?, state_secret?}
 * applied, the state move checked against the machine and its time
 * stamped at now_ms. *out is the whole new record; *what names the
 * change for the timeline ("state" when the state moved, else "update").
 * A refused move is CG_ECONFLICT with *e naming "state"; any other
 * refusal CG_EINVAL. */
cg_err cg_inc_apply(const json_t *cur, const json_t *body, int64_t now_ms, json_t **out,
                    const char **what, cg_inv_error *e);

/* The record of a case as the store returns it (store.h), without what
 * the store adds (id, number, times, events, timeline) and what the
 * server adds (next_states, clocks): what a write takes. A new reference
 * (the caller's). The one place that knows that list: the server's
 * handlers and the playbooks (playbook/apply.h) both call it. */
json_t *cg_inc_record(const json_t *stored);

#endif
