/*
 * inventory.c - see inventory.h. One checker per field type; the fields of
 * each resource are the one description in api/schema.c.
 */
#include "inventory.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "api/schema.h"
#include "netaddr.h"

/* Agency kinds for the two-tier local government in force since 1 July
 * 2025: provincial departments and boards, commune-level units (xã,
 * phường, đặc khu), state enterprises, others. Districts (huyen) were
 * abolished that day: the value is kept only so that records made before
 * still read and can be edited (cg_enum_agency_kind.retired, api/schema.c);
 * no new record, and no record of another kind, may take it. */
#define retired_agency_kinds (cg_enum_agency_kind.retired)

static bool in_enum(const char *const *set, const char *s)
{
	for (; s && *set; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

bool cg_inv_valid_agency_kind(const char *s)
{
	return cg_enum_has(&cg_enum_agency_kind, s);
}
bool cg_inv_retired_agency_kind(const char *s)
{
	return in_enum(retired_agency_kinds, s);
}
bool cg_inv_valid_system_kind(const char *s)
{
	return cg_enum_has(&cg_enum_system_kind, s);
}
bool cg_inv_valid_dossier(const char *s)
{
	return cg_enum_has(&cg_enum_dossier_status, s);
}

typedef cg_field_desc vfield;

static const vfield *vfields(cg_resource r)
{
	const cg_resource_desc *d = cg_schema_resource(r);
	return d ? d->fields : NULL;
}

static cg_err bad(cg_inv_error *e, const char *field, const char *msg)
{
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return CG_EINVAL;
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

static bool valid_domain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_host_char(s[i]))
			return false;
	return strstr(s, "..") == NULL;
}

static bool valid_url(const char *s)
{
	const char *rest;
	if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else
		return false;
	if (!*rest || *rest == '/')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return false;
	return strlen(s) <= CG_MAX_INV_FIELD;
}

static bool valid_date(const char *s)
{
	int64_t ms;
	return strlen(s) == 10 && cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK;
}

/* A checked list: each element a string passing the type's check,
 * normalised (CIDRs canonical), duplicates dropped. */
static cg_err check_list(const vfield *f, json_t *v, json_t **out, cg_inv_error *e)
{
	if (!json_is_array(v))
		return bad(e, f->name, "must be a list of strings");
	if (json_array_size(v) > CG_MAX_INV_LIST)
		return bad(e, f->name, "too many entries");
	json_t *res = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x)) {
			json_decref(res);
			return bad(e, f->name, "must be a list of strings");
		}
		const char *s = json_string_value(x);
		char norm[CG_MAX_INV_FIELD + 1];
		char msg[160];
		snprintf(norm, sizeof norm, "%s", s);
		bool okv = strlen(s) <= CG_MAX_INV_FIELD;
		if (okv && f->type == CG_F_CIDRS) {
			cg_cidr c;
			okv = cg_cidr_parse(cg_slice_cstr(s), &c) == CG_OK;
			if (okv)
				cg_cidr_format(&c, norm, sizeof norm);
		} else if (okv && f->type == CG_F_IPS) {
			cg_ip ip;
			okv = cg_ip_parse(cg_slice_cstr(s), &ip) == CG_OK;
		} else if (okv && f->type == CG_F_URLS) {
			okv = valid_url(s);
		} else if (okv && f->type == CG_F_DOMAINS) {
			okv = valid_domain(s);
		}
		if (!okv) {
			static const char *const what[] = {
			    [CG_F_CIDRS] = "not an IP range (a.b.c.d/n)",
			    [CG_F_URLS] = "not an http(s) URL",
			    [CG_F_DOMAINS] = "not a domain name",
			    [CG_F_IPS] = "not an IP address",
			};
			char shown[48];
			cg_slice_copy(cg_slice_from(s, strlen(s) > 40 ? 40 : strlen(s)), shown,
			              sizeof shown);
			snprintf(msg, sizeof msg, "'%s' is %s", shown, what[f->type]);
			json_decref(res);
			return bad(e, f->name, msg);
		}
		bool dup = false;
		size_t j;
		json_t *y;
		json_array_foreach(res, j, y) if (strcmp(json_string_value(y), norm) == 0) dup =
		    true;
		if (!dup)
			json_array_append_new(res, json_string(norm));
	}
	*out = res;
	return CG_OK;
}

static cg_err check_dates(json_t *v, json_t **out, cg_inv_error *e)
{
	static const char *const keys[] = {"draft", "submitted", "appraised", "approved"};
	if (!json_is_object(v))
		return bad(e, "dossier_dates", "must be an object of dates");
	json_t *res = json_object();
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		bool known = false;
		for (int i = 0; i < 4; i++)
			known |= strcmp(k, keys[i]) == 0;
		if (!known) {
			json_decref(res);
			return bad(e, "dossier_dates",
			           "unknown stage (draft, submitted, appraised, approved)");
		}
	}
	for (int i = 0; i < 4; i++) {
		x = json_object_get(v, keys[i]);
		if (!x || json_is_null(x) || (json_is_string(x) && !*json_string_value(x))) {
			json_object_set_new(res, keys[i], json_null());
			continue;
		}
		if (!json_is_string(x) || !valid_date(json_string_value(x))) {
			json_decref(res);
			return bad(e, "dossier_dates", "dates must be YYYY-MM-DD or null");
		}
		json_object_set(res, keys[i], x);
	}
	*out = res;
	return CG_OK;
}

/* A retired enum value (a district, before the 2025 reform) stays only on
 * the record that already had it: true when f is the agency kind, v is
 * retired and base holds the same value. */
static bool keeps_retired(const vfield *f, const json_t *v, const json_t *base)
{
	if (f->enumeration != &cg_enum_agency_kind || !json_is_string(v) ||
	    !in_enum(retired_agency_kinds, json_string_value(v)) || !base)
		return false;
	const json_t *old = json_object_get(base, f->name);
	return json_is_string(old) && strcmp(json_string_value(old), json_string_value(v)) == 0;
}

/* Checks one present value; *out gets the normalised value. */
static cg_err check(const vfield *f, json_t *v, json_t **out, cg_inv_error *e)
{
	*out = NULL;
	switch (f->type) {
	case CG_F_NAME:
	case CG_F_TEXT:
		if (!json_is_string(v))
			return bad(e, f->name, "must be a string");
		if (json_string_length(v) > CG_MAX_INV_FIELD)
			return bad(e, f->name, "too long");
		if (f->type == CG_F_NAME && !*json_string_value(v))
			return bad(e, f->name, "must not be empty");
		*out = json_incref(v);
		return CG_OK;
	case CG_F_CODE:
		if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
			*out = json_null();
			return CG_OK;
		}
		if (!json_is_string(v) || json_string_length(v) > 64)
			return bad(e, f->name, "must be a short code");
		for (const char *p = json_string_value(v); *p; p++)
			if (!is_host_char(*p) && *p != '_')
				return bad(e, f->name, "only letters, digits, '.', '-', '_'");
		*out = json_incref(v);
		return CG_OK;
	case CG_F_ENUM:
		if (!json_is_string(v) || !cg_enum_has(f->enumeration, json_string_value(v))) {
			char msg[160];
			cg_buf b;
			cg_buf_init(&b, sizeof msg);
			cg_buf_puts(&b, "must be one of");
			for (const char *const *s = f->enumeration->values; *s; s++)
				cg_buf_printf(&b, " %s", *s);
			snprintf(msg, sizeof msg, "%s", cg_buf_cstr(&b));
			cg_buf_free(&b);
			return bad(e, f->name, msg);
		}
		*out = json_incref(v);
		return CG_OK;
	case CG_F_REF:
	case CG_F_REF_NULL:
		if (f->type == CG_F_REF_NULL && json_is_null(v)) {
			*out = json_null();
			return CG_OK;
		}
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return bad(e, f->name, "must be an id (a positive integer)");
		*out = json_incref(v);
		return CG_OK;
	case CG_F_INT:
		if (!json_is_integer(v) || json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max) {
			char msg[96];
			snprintf(msg, sizeof msg, "must be a whole number from %lld to %lld",
			         (long long)f->min, (long long)f->max);
			return bad(e, f->name, msg);
		}
		*out = json_incref(v);
		return CG_OK;
	case CG_F_BOOL:
		if (!json_is_boolean(v))
			return bad(e, f->name, "must be true or false");
		*out = json_incref(v);
		return CG_OK;
	case CG_F_DATES:
		return check_dates(v, out, e);
	default:
		return check_list(f, v, out, e);
	}
}

static json_t *default_for(const vfield *f)
{
	switch (f->type) {
	case CG_F_TEXT:
		return json_string("");
	case CG_F_CODE:
	case CG_F_REF_NULL:
		return json_null();
	case CG_F_ENUM:
		return json_string(f->enumeration->values[0]);
	case CG_F_INT:
		return json_integer(f->def);
	case CG_F_BOOL:
		return json_false();
	case CG_F_DATES:
		return json_pack("{s:n,s:n,s:n,s:n}", "draft", "submitted", "appraised",
		                 "approved");
	case CG_F_CIDRS:
	case CG_F_URLS:
	case CG_F_DOMAINS:
	case CG_F_IPS:
		return json_array();
	default:
		return NULL;
	}
}

cg_err cg_inv_normalize(cg_resource r, const json_t *in, const json_t *base, json_t **out,
                        cg_inv_error *e)
{
	*out = NULL;
	memset(e, 0, sizeof *e);
	const vfield *fs = vfields(r);
	if (!fs)
		return bad(e, "", "unknown resource");
	if (!json_is_object(in))
		return bad(e, "", "the body must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)in, k, v)
	{
		if (!strcmp(k, "id") || !strcmp(k, "created_at") || !strcmp(k, "updated_at"))
			continue;
		bool known = false;
		for (const vfield *f = fs; f->name; f++)
			known |= strcmp(f->name, k) == 0;
		if (!known) {
			char key[40];
			cg_slice_copy(cg_slice_from(k, strlen(k) > 32 ? 32 : strlen(k)), key,
			              sizeof key);
			return bad(e, key, "unknown field");
		}
	}
	json_t *res = json_object();
	for (const vfield *f = fs; f->name; f++) {
		json_t *src = json_object_get(in, f->name);
		if (!src && base)
			src = json_object_get(base, f->name);
		json_t *val = NULL;
		if (!src ||
		    (json_is_null(src) && f->type != CG_F_CODE && f->type != CG_F_REF_NULL)) {
			if (f->required) {
				json_decref(res);
				return bad(e, f->name, "is required");
			}
			val = default_for(f);
		} else if (keeps_retired(f, src, base)) {
			val = json_incref(src);
		} else if (f->enumeration == &cg_enum_agency_kind && json_is_string(src) &&
		           in_enum(retired_agency_kinds, json_string_value(src))) {
			json_decref(res);
			return bad(e, f->name,
			           "districts (huyen) were abolished on 1 July 2025: use xa "
			           "(commune, ward, special zone), so_ban_nganh, doanh_nghiep or khac");
		} else if (check(f, src, &val, e)) {
			json_decref(res);
			return CG_EINVAL;
		}
		json_object_set_new(res, f->name, val);
	}
	*out = res;
	return CG_OK;
}

json_t *cg_inv_split_list(cg_slice cell)
{
	json_t *arr = json_array();
	cg_slice rest = cell;
	while (rest.ptr && rest.len > 0) {
		cg_slice next;
		cg_slice item = cg_slice_trim(cg_slice_cut(rest, ';', &next));
		if (item.len > 0)
			json_array_append_new(arr, cg_json_str(item));
		rest = next;
	}
	return arr;
}
