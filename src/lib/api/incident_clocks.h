/*
 * incident_clocks.h - the regulated clocks of an incident case, and the
 * reminders and escalations they call for.
 *
 * A case record (api/incident.h) holds the moments the deadline rules
 * (deadline/deadline.h, rules/deadlines/) count from and stop at; this
 * unit maps one onto the other so the case API, the dashboard and the
 * reminder job all see the same clocks:
 *   detected          detected_at
 *   response_ended    contained_at (closed_at if it has none), only while
 *                     the case is contained or closed: a case that went
 *                     back to responding has not ended its response
 *   initial_reported  reported_at (set when a Mẫu 03 is sent)
 *   closing_reported  closing_reported_at (Mẫu 04)
 *   escalated         escalated_at
 * A rejected or duplicate case is not an incident: it has no clocks.
 *
 * Notices: a running clock gets a "reminder" once it is due within the
 * configured lead time and a "due" notice once its time has come (for
 * the immediate escalation rule, period 0, that is at once). The job
 * sends each (case, rule, stage) once; this unit only decides which stage
 * a clock is in and writes the message.
 */
#ifndef CG_API_INCIDENT_CLOCKS_H
#define CG_API_INCIDENT_CLOCKS_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "deadline/deadline.h"

/* The record field a moment is read from ("reported_at", ...). */
const char *cg_inc_moment_field(cg_case_moment m);

/* The case's facts; level is the highest security level of its systems
 * (0 unknown). False when the case has no clocks (rejected, duplicate,
 * or no detection time). */
bool cg_inc_facts(const json_t *rec, int level, cg_case_facts *f);

/* The clocks as JSON: [{rule, label_vi, label_en, basis, notify[],
 * state, started_at, due_at, stopped_at|null, remaining_s, text_vi,
 * text_en, calendar_unknown, stop_field}] (times RFC 3339); stop_field
 * names the record field that, once set, stops the clock (what the
 * dashboard's "record" button sets). */
cg_err cg_inc_clocks_json(const cg_deadline_rules *r, const json_t *rec, int level, int64_t now_ms,
                          json_t **out);

/* The notice a clock calls for at now: "due" (overdue), "reminder" (due
 * within remind_before_ms), or NULL (none, or the clock has stopped). */
const char *cg_inc_notice_stage(const cg_clock *k, int64_t remind_before_ms);

/* The e-mail subject and text of a notice (Vietnamese, then English). */
cg_err cg_inc_notice_text(const json_t *rec, const cg_clock *k, const char *stage, cg_buf *subject,
                          cg_buf *text);

#endif
