/*
 * triage.h - the triage state of an event (a finding) and what a change
 * to it may be.
 *
 * Every event has a state: new, acknowledged, false_positive, in_incident
 * or resolved; an assignee (a username, or none) and a note. An event the
 * store has no triage record for is `new`. "Chưa xử lý" (untriaged, the
 * overview's headline and the triage queue) means exactly: the state is
 * new, as cg_triage_is_open() says; the overview's figures and the event
 * lists both ask it, so they cannot disagree.
 *
 * A change is parsed from a JSON body ({"state", "assignee", "note"},
 * each optional, at least one) by cg_triage_parse, which bounds every
 * field. `in_incident` is set by linking the event to an incident, never
 * by hand: a body naming it is refused.
 *
 * An event whose condition a watcher later sees over (the portal watch's
 * finding ended) moves to `resolved` by itself when nobody has decided
 * otherwise: from new or acknowledged, never from false_positive or
 * in_incident (cg_triage_auto_resolves).
 */
#ifndef CG_API_TRIAGE_H
#define CG_API_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/inventory.h"
#include "core/error.h"
#include "core/event.h"
#include "core/json.h"
#include "store/store.h"

typedef enum cg_triage_state {
	CG_TRIAGE_NEW = 0,
	CG_TRIAGE_ACKNOWLEDGED,
	CG_TRIAGE_FALSE_POSITIVE,
	CG_TRIAGE_IN_INCIDENT,
	CG_TRIAGE_RESOLVED,
	CG_TRIAGE_NSTATES
} cg_triage_state;

/* "new", "acknowledged", ... */
const char *cg_triage_state_name(cg_triage_state s);
/* CG_EINVAL for anything but the five names. */
cg_err cg_triage_state_parse(const char *name, cg_triage_state *out);
/* The one definition of "chưa xử lý": the state is new. An unknown name
 * (NULL: no triage record) is new. */
bool cg_triage_is_open(const char *state_name);

/* Whether a watcher seeing the condition over resolves an event in this
 * state: new (also NULL) and acknowledged. */
bool cg_triage_auto_resolves(const char *state_name);
/* The event producer/event_id has ended: resolved, audited as `by`, when
 * cg_triage_auto_resolves says so; *changed tells whether it was. An
 * event not stored (CG_ENOTFOUND) changes nothing. */
cg_err cg_triage_resolve_ended(cg_store *st, const char *producer, const char *event_id,
                               const char *by, int64_t now_ms, bool *changed);

/* Whether a suppression rule ({source, kind, subject|null, agency_id|null},
 * active) covers an event of agency_id (0: none): the same source, kind,
 * subject (both absent counts as the same) and agency. */
bool cg_suppression_matches(const json_t *rule, const cg_event *ev, int64_t agency_id);

/* A change to one or many events. has_* say which fields the body named;
 * an empty assignee clears it. */
typedef struct cg_triage_change {
	bool has_state, has_assignee, has_note;
	cg_triage_state state;
	char assignee[CG_TRIAGE_MAX_ASSIGNEE + 1];
	char note[CG_TRIAGE_MAX_NOTE + 1];
} cg_triage_change;

/* Parses body into *out; on a refusal fills *e (field and message, as the
 * inventory's validation errors are shown) and returns CG_EINVAL. */
cg_err cg_triage_parse(const json_t *body, cg_triage_change *out, cg_inv_error *e);

/* The bulk request {"ids": [seq, ...], ...change}: the sequence numbers
 * (1..CG_TRIAGE_MAX_BULK of them, positive, no repeats) into ids[] (room
 * for CG_TRIAGE_MAX_BULK), and the change. */
cg_err cg_triage_parse_bulk(const json_t *body, int64_t *ids, size_t *n, cg_triage_change *out,
                            cg_inv_error *e);

#endif
