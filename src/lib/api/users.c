/*
 * users.c - see users.h.
 */
#include "api/users.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/auth.h"
#include "api/schema.h"
#include "core/json.h"
#include "core/limits.h"

/* The role names are the schema's user_role enumeration (api/schema.h),
 * in cg_role order from CG_ROLE_ADMIN. */
cg_role cg_role_parse(const char *s)
{
	for (int i = CG_ROLE_ADMIN; i <= CG_ROLE_VIEWER; i++)
		if (s && strcmp(s, cg_enum_user_role.values[i - 1]) == 0)
			return (cg_role)i;
	return CG_ROLE_NONE;
}

const char *cg_role_name(cg_role r)
{
	return r >= CG_ROLE_ADMIN && r <= CG_ROLE_VIEWER ? cg_enum_user_role.values[r - 1] : "";
}

static cg_err fail(cg_inv_error *e, const char *field, const char *msg)
{
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return CG_EINVAL;
}

static bool valid_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

cg_err cg_user_fields(const json_t *in, bool create, json_t *rec, const char **password,
                      cg_inv_error *e)
{
	memset(e, 0, sizeof *e);
	*password = NULL;
	if (!json_is_object(in))
		return fail(e, "", "the body must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)in, k, v)
	{
		if (!strcmp(k, "username")) {
			if (!create)
				return fail(e, k, "cannot be changed");
			if (!json_is_string(v) || !valid_username(json_string_value(v)))
				return fail(e, k, "1-64 of a-z A-Z 0-9 . _ - @");
		} else if (!strcmp(k, "display_name")) {
			if (!json_is_string(v) || json_string_length(v) > 256)
				return fail(e, k, "a string of at most 256 bytes");
		} else if (!strcmp(k, "role")) {
			if (!json_is_string(v) ||
			    cg_role_parse(json_string_value(v)) == CG_ROLE_NONE) {
				char msg[96] = "one of";
				size_t n = strlen(msg);
				for (const char *const *r = cg_enum_user_role.values; *r; r++)
					n += (size_t)snprintf(msg + n,
					                      n < sizeof msg ? sizeof msg - n : 0,
					                      " %s", *r);
				return fail(e, k, msg);
			}
		} else if (!strcmp(k, "agency_id")) {
			if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
				return fail(e, k, "an agency id or null");
		} else if (!strcmp(k, "disabled")) {
			if (!json_is_boolean(v))
				return fail(e, k, "true or false");
		} else if (!strcmp(k, "password")) {
			char msg[64];
			snprintf(msg, sizeof msg, "%d to %d characters", CG_MIN_PASSWORD,
			         CG_MAX_PASSWORD);
			if (!json_is_string(v) || json_string_length(v) < CG_MIN_PASSWORD ||
			    json_string_length(v) > CG_MAX_PASSWORD)
				return fail(e, k, msg);
			*password = json_string_value(v);
			continue;
		} else if (!strcmp(k, "id")) {
			continue;
		} else {
			return fail(e, k, "unknown field");
		}
		json_object_set(rec, k, v);
	}
	if (create &&
	    (!json_object_get(rec, "username") || !json_object_get(rec, "role") || !*password))
		return fail(e, "", "username, role and password are required");
	if (create && !json_object_get(rec, "display_name"))
		json_object_set(rec, "display_name", json_object_get(rec, "username"));
	return CG_OK;
}

cg_err cg_user_check_role(const json_t *merged, cg_inv_error *e)
{
	memset(e, 0, sizeof *e);
	if (cg_role_parse(cg_json_get_str(merged, "role")) == CG_ROLE_OFFICER &&
	    json_integer_value(json_object_get(merged, "agency_id")) <= 0)
		return fail(e, "agency_id", "an officer needs an agency");
	return CG_OK;
}

cg_err cg_user_create(cg_store *st, const cg_actor *actor, const json_t *in, int64_t *id,
                      cg_inv_error *e)
{
	*id = 0;
	json_t *rec = json_object();
	if (!rec)
		return CG_ENOMEM;
	const char *pw = NULL;
	cg_err err = cg_user_fields(in, true, rec, &pw, e);
	if (!err)
		err = cg_user_check_role(rec, e);
	char hash[CG_PWHASH_MAX];
	if (!err && !(err = cg_auth_init()))
		err = cg_password_hash(pw, strlen(pw), hash);
	if (!err) {
		err = cg_store_user_create(st, actor, rec, hash, id);
		if (err == CG_ECONFLICT)
			fail(e, "username", "already taken"), err = CG_ECONFLICT;
		else if (err == CG_EINVAL) /* the agency reference */
			fail(e, "agency_id", "no such agency");
	}
	sodium_memzero(hash, sizeof hash);
	json_decref(rec);
	return err;
}
