/*
 * users.h - the rules for dashboard users, in one place for every way a
 * user is made: the API (POST/PATCH /users), the command line (`canhgac
 * user add`) and the demo seed.
 *
 *  - username: 1-64 of a-z A-Z 0-9 . _ - @ (it appears in audit lines,
 *    logs and URLs; nothing there needs quoting), unique in any case;
 *  - display_name: a string of at most 256 bytes (default: the username);
 *  - role: admin, analyst, officer or viewer; an officer needs an agency,
 *    and the agency must exist;
 *  - password: CG_MIN_PASSWORD..CG_MAX_PASSWORD bytes, stored only as its
 *    Argon2id hash (api/auth.h), never echoed back;
 *  - disabled: a boolean.
 *
 * Every refusal names the field in a cg_inv_error, which the API returns
 * as a 400 (409 for a taken username) and the command line prints.
 */
#ifndef CG_USERS_H
#define CG_USERS_H

#include <jansson.h>
#include <stdbool.h>

#include "api/inventory.h"
#include "store/store.h"

typedef enum cg_role {
	CG_ROLE_NONE = 0,
	CG_ROLE_ADMIN,
	CG_ROLE_ANALYST,
	CG_ROLE_OFFICER,
	CG_ROLE_VIEWER,
} cg_role;

/* "admin", "analyst", "officer", "viewer"; CG_ROLE_NONE otherwise. */
cg_role cg_role_parse(const char *s);
const char *cg_role_name(cg_role r);

/* Checks the members of in (a create when create is true: username, role
 * and password required; an update otherwise: username cannot change).
 * Copies the storable members into rec (an object the caller made);
 * *password points into in (NULL when absent). CG_EINVAL with e. */
cg_err cg_user_fields(const json_t *in, bool create, json_t *rec, const char **password,
                      cg_inv_error *e);
/* The user as it will be stored (old record with the changes laid over):
 * an officer must name an agency. CG_EINVAL with e. */
cg_err cg_user_check_role(const json_t *merged, cg_inv_error *e);
/* Creates a user from in (the create members above) after every check;
 * *id gets its id. CG_EINVAL (a field, or an unknown agency) or
 * CG_ECONFLICT (username taken) with e; other errors from the store. */
cg_err cg_user_create(cg_store *st, const cg_actor *actor, const json_t *in, int64_t *id,
                      cg_inv_error *e);

#endif
