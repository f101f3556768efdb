/*
 * incident_auto.h - what the server does with incident cases by itself:
 * the playbook's tasks on a case, and cases opened by rules.
 *
 * Playbooks (playbook/playbook.h, rules/playbooks/) are loaded at start;
 * a file that does not parse stops the start with FILE:LINE. When a case
 * is opened, or its kind or systems change, cg_incident_playbook_apply
 * picks the playbook for its kind and systems and, when the case does not
 * follow it yet, adds one task per step (title, role, checklist) and
 * keeps on the case record which playbook it follows and which task each
 * step became ("playbook": {name, title_vi, title_en, steps: [{step,
 * task, role, title_en, checklist: [{vi, en}]}]}), a snapshot: a later
 * edit of the file does not rewrite a running case's procedure. The
 * tasks API adds each task's step, role and checklist from it, and the
 * case page shows how many steps are done.
 *
 * Auto-case rules (playbook/autocase.h, rules/autocase/rules.txt) are
 * applied by the "incident-auto" job (jobs.h: one server at a time),
 * every CG_AUTOCASE_JOB_MS and soon after findings arrive
 * (cg_incident_auto_poke): for each rule it reads the findings still
 * new (triage state) within the rule's window, groups them by agency and,
 * when an agency has at least `count`, links them to the agency's open
 * case of that rule (one the rule opened and that is not final) or else
 * opens one (actor "server:autocase") with them linked and the
 * playbook's tasks. Linked findings become in_incident in the same store
 * transaction, so they are never counted again: a burst of findings is
 * one case, a server taking the job over opens nothing twice, and a
 * finding the team already acknowledged or dismissed opens nothing.
 */
#ifndef CG_SERVER_INCIDENT_AUTO_H
#define CG_SERVER_INCIDENT_AUTO_H

#include <jansson.h>

#include "jobs.h"
#include "store/store.h"

/* Loads the playbooks and the auto-case rules (errors name FILE:LINE in
 * *why) and registers the job. */
cg_err cg_incident_auto_start(cg_jobs *j, cg_store *st, cg_buf *why);
void cg_incident_auto_stop(void);
/* New findings were stored: run the job soon. */
void cg_incident_auto_poke(void);

/* Gives case id the tasks of its playbook when it does not follow it yet
 * (see above); nothing when no playbook answers its kind. */
cg_err cg_incident_playbook_apply(cg_store *st, const cg_actor *actor, int64_t id, int64_t now_ms);
/* Adds step, role and checklist to the tasks (a list as the store
 * returns it) of case c from the playbook it follows. */
void cg_incident_tasks_enrich(const json_t *c, json_t *tasks);

#endif
