/*
 * incident_task.h - the tasks of an incident case: what a new task or a
 * change to one may hold. The store keeps them (store.h
 * cg_store_incident_task_*); this unit decides.
 *
 * A task is {title, assignee|null, due_at|null, done}: a title of 1 to
 * CG_INC_MAX_TITLE bytes, a username, an RFC 3339 due time (kept in UTC)
 * and whether it is done.
 */
#ifndef CG_API_INCIDENT_TASK_H
#define CG_API_INCIDENT_TASK_H

#include <jansson.h>

#include "api/inventory.h"
#include "core/error.h"

/* A new task (cur NULL: title required, done false by default) or the
 * task cur with body's changes; *out is the whole record. A refusal names
 * the field in *e (CG_EINVAL). */
cg_err cg_inc_task_parse(const json_t *body, const json_t *cur, json_t **out, cg_inv_error *e);

#endif
