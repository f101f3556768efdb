/*
 * drill.h - incident-response drills (diễn tập) on the province's
 * systems, and which systems lack one.
 *
 * A drill record: {system_id, date (YYYY-MM-DD, Vietnam date, not in the
 * future), scenario, participants, result (passed | partial | failed),
 * findings}. The store keeps it with the system's agency (store.h
 * cg_store_drill_*), so an officer records and sees drills of their own
 * agency's systems only.
 *
 * The rule "a level 3+ system needs a live drill every year" (Directive
 * 18/CT-TTg 2022; MISSION R8) is decided here, once: cg_drill_missing
 * lists the systems of level >= CG_DRILL_MIN_LEVEL with no drill dated
 * within the last 12 months (since the same calendar day a year ago, in
 * Vietnam time). The drills API, its dashboard section and the compliance
 * controls read it from here.
 */
#ifndef CG_DRILL_H
#define CG_DRILL_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/* "passed", "partial", "failed", NULL-terminated. */
const char *const *cg_drill_results(void);

/* Checks an API body and returns the clean record (*out, a new
 * reference) with exactly the fields above (findings "" when absent).
 * CG_EINVAL with *field naming the bad field. now_ms decides "future". */
cg_err cg_drill_normalize(const json_t *in, int64_t now_ms, json_t **out, const char **field);

/* The first day (YYYY-MM-DD, into out[11]) a drill must be dated on or
 * after to count at now_ms: the same calendar day one year before today
 * in Vietnam (29 February -> 28 February). */
void cg_drill_since(int64_t now_ms, char out[11]);

/* [{system_id, system_name, agency_id, level, last_drill (date or null)}]
 * of the systems in scope that need a drill and have none since
 * cg_drill_since(now_ms), in the inventory's order. */
cg_err cg_drill_missing(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **out);

#endif
