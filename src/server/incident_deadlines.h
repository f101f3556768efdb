/*
 * incident_deadlines.h - the regulated clocks of incident cases in the
 * server: the rules loaded once at start, the level of a case, and the
 * "incident-deadlines" job that sends reminders before a deadline, a
 * notice when it has passed, and the immediate escalation.
 *
 * The job (server/jobs.h: whichever server holds its lease) reads every
 * case, computes its clocks (api/incident_clocks.h, the one place that
 * decides) and, for each clock in a notice stage, first records the
 * notice in the store (cg_store_incident_notice: once per case, rule and
 * stage, whichever server runs it) and then queues it on the alert
 * channels (web_alert.h: e-mail to the recipients of the rule's roles,
 * the webhook) and writes it on the case's timeline. It runs every
 * CG_INC_DEADLINE_JOB_MS and at once after a case is opened or changed
 * (cg_incident_deadlines_poke), so an escalation goes out within seconds.
 */
#ifndef CG_SERVER_INCIDENT_DEADLINES_H
#define CG_SERVER_INCIDENT_DEADLINES_H

#include <jansson.h>

#include "deadline/deadline.h"
#include "jobs.h"
#include "store/store.h"

/* Loads rules/deadlines/vn.txt (an error names FILE:LINE in *why) and
 * registers the job; it queues through the server's one alert handle
 * (alert_job.h, added first; data_dir and alert_config are unused). */
cg_err cg_incident_deadlines_start(cg_jobs *j, cg_store *st, const char *data_dir,
                                   const char *alert_config, cg_buf *why);
void cg_incident_deadlines_stop(void);
/* The rules in force (NULL before start). */
const cg_deadline_rules *cg_incident_rules(void);
/* The highest security level of the case's systems (0 when none). */
int cg_incident_level(cg_store *st, const json_t *rec);
/* Adds "clocks" to a case as returned by the store. */
void cg_incident_with_clocks(cg_store *st, json_t *rec, int64_t now_ms);
/* A case was opened or changed: run the job soon. */
void cg_incident_deadlines_poke(void);

#endif
