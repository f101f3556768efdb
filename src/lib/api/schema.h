/*
 * schema.h - one description per resource: the fields the API accepts
 * for agencies, systems and people (name, type, bounds, enum, whether
 * required, default, storage column), and the enumerations shared with
 * users and API tokens.
 *
 * It is read by the validator (api/inventory.c: cg_inv_normalize walks
 * these tables) and by the user rules (api/users.c: roles). The API
 * document (docs/openapi.yaml, the *Input schemas) and the dashboard's
 * enum labels (web/assets/i18n.js, CG_ENUMS) are written by hand, and a
 * unit test (tests/unit/api/test_schema.c) fails when they disagree with
 * this file: change a field here, then there.
 *
 * The `column` member names the storage column; the SQLite backend still
 * keeps its own column lists (store/sqlite.c), to be driven from here
 * once the PostgreSQL backend lands (one change to both backends).
 */
#ifndef CG_SCHEMA_H
#define CG_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef enum cg_ftype {
	CG_F_NAME,     /* required non-empty text, at most CG_MAX_INV_FIELD */
	CG_F_TEXT,     /* optional text, default "" */
	CG_F_CODE,     /* null or [A-Za-z0-9._-]{1,64} */
	CG_F_ENUM,     /* one of values; default values[0] unless required */
	CG_F_REF,      /* id of another record (integer > 0), required */
	CG_F_REF_NULL, /* id or null */
	CG_F_INT,      /* integer in [min, max], default def */
	CG_F_BOOL,     /* default false */
	CG_F_CIDRS,    /* list of CIDR ranges (canonical form kept) */
	CG_F_URLS,     /* list of http(s) URLs */
	CG_F_DOMAINS,  /* list of host names */
	CG_F_IPS,      /* list of IP addresses */
	CG_F_DATES,    /* {draft, submitted, appraised, approved}: YYYY-MM-DD or null */
} cg_ftype;

typedef struct cg_enum_desc {
	const char *name;          /* "agency_kind" */
	const char *const *values; /* NULL-terminated */
	const char *dashboard;     /* its group in the dashboard's CG_ENUMS */
	/* values still read on records made before they were retired (no
	 * new record or change takes one): NULL-terminated, or NULL; the API
	 * description and the dashboard's labels list them after values */
	const char *const *retired;
} cg_enum_desc;

typedef struct cg_field_desc {
	const char *name; /* the API member */
	cg_ftype type;
	const cg_enum_desc *enumeration; /* CG_F_ENUM */
	int64_t min, max, def;           /* CG_F_INT */
	bool required;
	const char *column; /* storage column */
} cg_field_desc;

typedef struct cg_resource_desc {
	const char *name;            /* "agency" */
	const char *table;           /* "agencies" */
	const char *api_input;       /* its request schema in docs/openapi.yaml */
	const cg_field_desc *fields; /* ends with name == NULL */
} cg_resource_desc;

extern const cg_enum_desc cg_enum_agency_kind, cg_enum_system_kind, cg_enum_dossier_status,
    cg_enum_person_role, cg_enum_user_role, cg_enum_token_scope;

/* NULL for an unknown resource. */
const cg_resource_desc *cg_schema_resource(cg_resource r);
/* Every enumeration, ending with NULL. */
const cg_enum_desc *const *cg_schema_enums(void);
bool cg_enum_has(const cg_enum_desc *e, const char *s);

#endif
