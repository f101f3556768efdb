/*
 * violation.h - what the API says when the store refuses a write because of
 * a constraint: a duplicate unique value, a reference to nothing, a record
 * still in use. The store reports these as data (store.h
 * cg_store_last_violation: a kind and an API field name); this turns them
 * into a message naming the field, Vietnamese first with English next to
 * it, so no client ever sees a backend's text ("UNIQUE constraint failed:
 * agencies.code", "duplicate key value violates ...").
 */
#ifndef CG_API_VIOLATION_H
#define CG_API_VIOLATION_H

#include <jansson.h>

#include "store/store.h"

/* The error body: {"error": Vietnamese, "error_en": English, "code":
 * "duplicate"|"unknown_reference"|"in_use"|"conflict"|"invalid", "field":
 * NAME (when known)}. what is the record kind ("agency", "user", ...). */
json_t *cg_violation_body(cg_store_violation kind, const char *field, const char *what);

#endif
