/*
 * resources.h - the inventory resources as both store backends see them
 * (internal to src/lib/store): each resource's table, audit type, scope
 * column, fields with their storage types, and list filters. One table for
 * SQLite and PostgreSQL, so the backends cannot drift apart; the API's
 * validation rules for the same fields are in api/schema.h.
 */
#ifndef CG_STORE_RESOURCES_H
#define CG_STORE_RESOURCES_H

#include "store.h"

typedef enum ftype {
	F_TEXT,      /* string, required */
	F_TEXT_NULL, /* string or null */
	F_INT,       /* integer */
	F_INT_NULL,  /* integer or null (a reference) */
	F_BOOL,      /* true/false, stored 0/1 */
	F_JSON,      /* array or object, stored as JSON text */
} ftype;

typedef struct field {
	const char *name; /* JSON member and column */
	ftype type;
} field;

typedef enum fop { OP_EQ_TEXT, OP_EQ_INT, OP_LIKE } fop;

typedef struct filter {
	const char *param;  /* query member */
	const char *column; /* for OP_LIKE: "name" searched (and code) */
	fop op;
} filter;

typedef struct resdef {
	const char *table;
	const char *type;      /* audit object_type */
	const char *scope_col; /* column compared with the scope's agency */
	const field *fields;
	const filter *filters;
} resdef;

#define N_RES 3

/* Indexed by cg_resource. */
extern const resdef cg_store_resdefs[N_RES];

#endif
