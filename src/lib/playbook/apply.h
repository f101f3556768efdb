/*
 * apply.h - a case follows its playbook: the steps of the playbook that
 * answers the case (playbook.h cg_playbook_select, by its kind and its
 * systems' domains) become the case's tasks, and the case record keeps
 * which playbook it follows and which task each step became:
 * "playbook": {name, title_vi, title_en, steps: [{step, task, role,
 * title_en, checklist: [{vi, en}]}]} -- a snapshot, so a later edit of
 * the file does not rewrite a running case's procedure.
 *
 * The server calls it when a case is opened or its kind or systems change
 * (server/incident_auto.h), the demo when it seeds cases. The tasks are
 * written before the record (two store writes: the store has no
 * transaction spanning a task and a case write), so the apply is made
 * idempotent instead: a crash between the two leaves tasks the case does
 * not name, and the next apply takes such a task (the step's title, named
 * neither by the playbook the case follows nor by the "task_ids" of a
 * "playbook" entry of its timeline) as the step's rather than adding it
 * again. The record is written with the state it was read in and re-read
 * on a conflict, so a concurrent move is never overwritten.
 */
#ifndef CG_PLAYBOOK_APPLY_H
#define CG_PLAYBOOK_APPLY_H

#include <jansson.h>

#include "playbook/playbook.h"
#include "store/store.h"

/* Gives case id the tasks of its playbook when it does not follow it
 * yet; CG_OK and nothing when no playbook answers it. *followed (may be
 * NULL) gets the playbook it follows now, or NULL. */
cg_err cg_playbook_apply(cg_store *st, const cg_playbooks *books, const cg_actor *actor, int64_t id,
                         int64_t now_ms, const cg_playbook **followed);

/* Adds step, role, title_en and checklist to the tasks (a list as the
 * store returns it) of case c from the playbook it follows. */
void cg_playbook_tasks_enrich(const json_t *c, json_t *tasks);

#endif
