/*
 * test_schema.c - the one description of each resource (api/schema.h)
 * against the two places written by hand that must follow it:
 *
 *  - docs/openapi.yaml: each resource's *Input schema has exactly the
 *    described fields, the same required ones, the same enums in the same
 *    order and the same integer bounds; UserInput's role and Token's
 *    scope are the user_role and token_scope enums;
 *  - web/assets/i18n.js: CG_ENUMS has, in every language, a label for
 *    exactly the values of each enum, in order (the dashboard's selects
 *    list them in that order).
 *
 * The files are read from the source tree as text. The YAML reader here
 * knows only the shape docs/openapi.yaml is written in (two-space
 * indentation, quoted scalars): a change of shape fails the test loudly
 * rather than passing it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema.h"
#include "core/buf.h"
#include "core/fileio.h"
#include "../test.h"
#include "version.h"

static cg_buf yaml, js;

static bool load(const char *rel, cg_buf *b)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", CG_SOURCE_DIR, rel);
	cg_buf_init(b, 16u << 20);
	return cg_read_file(path, b, NULL) == CG_OK;
}

static size_t indent(cg_slice l)
{
	size_t i = 0;
	while (i < l.len && l.ptr[i] == ' ')
		i++;
	return i;
}

/* A scalar: trimmed, quotes removed. */
static json_t *scalar(cg_slice v)
{
	v = cg_slice_trim(v);
	if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
		v = cg_slice_from(v.ptr + 1, v.len - 2);
	int64_t n;
	if (cg_parse_i64(v, INT64_MIN, INT64_MAX, &n) == CG_OK)
		return json_integer(n);
	return json_stringn(v.ptr, v.len);
}

/* components.schemas.NAME as {required:[..], properties:{p:{enum:[..],
 * minimum, maximum}}}, or NULL when absent. */
static json_t *openapi_schema(const char *name)
{
	char head[128];
	snprintf(head, sizeof head, "    %s:", name);
	json_t *out = NULL, *prop = NULL, *list = NULL;
	const char *section = NULL;
	cg_slice rest = cg_buf_slice(&yaml);
	bool inside = false;
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		if (!cg_slice_trim(line).len)
			continue;
		size_t in = indent(line);
		cg_slice body = cg_slice_trim(line);
		if (!inside) {
			if (cg_slice_eq_cstr(line, head)) {
				inside = true;
				out = json_pack("{s:[],s:{}}", "required", "properties");
			}
			continue;
		}
		if (in <= 4)
			break;
		if (in == 6) {
			section = cg_slice_eq_cstr(body, "required:")     ? "required"
			          : cg_slice_eq_cstr(body, "properties:") ? "properties"
			                                                  : NULL;
			list = section && !strcmp(section, "required")
			           ? json_object_get(out, "required")
			           : NULL;
			prop = NULL;
		} else if (in == 8 && section && !strcmp(section, "required") &&
		           body.ptr[0] == '-') {
			json_array_append_new(list,
			                      scalar(cg_slice_from(body.ptr + 1, body.len - 1)));
		} else if (in == 8 && section && !strcmp(section, "properties")) {
			cg_slice key = cg_slice_cut(body, ':', NULL);
			prop = json_object();
			json_object_setn_new(json_object_get(out, "properties"), key.ptr, key.len,
			                     prop);
			list = NULL;
		} else if (in == 10 && prop) {
			cg_slice val, key = cg_slice_cut(body, ':', &val);
			list = NULL;
			if (cg_slice_eq_cstr(key, "enum")) {
				list = json_array();
				json_object_set_new(prop, "enum", list);
			} else if (cg_slice_eq_cstr(key, "minimum") ||
			           cg_slice_eq_cstr(key, "maximum")) {
				json_object_setn_new(prop, key.ptr, key.len, scalar(val));
			}
		} else if (in == 12 && list && body.ptr[0] == '-') {
			json_array_append_new(list,
			                      scalar(cg_slice_from(body.ptr + 1, body.len - 1)));
		}
	}
	return out;
}

/* arr lists e's values, then its retired ones, in order. */
static bool same_values(const json_t *arr, const cg_enum_desc *e)
{
	size_t i = 0;
	for (size_t k = 0; e->values[k]; k++, i++) {
		const char *v = json_string_value(json_array_get(arr, i));
		if (!v || strcmp(v, e->values[k]) != 0)
			return false;
	}
	for (size_t k = 0; e->retired && e->retired[k]; k++, i++) {
		const char *v = json_string_value(json_array_get(arr, i));
		if (!v || strcmp(v, e->retired[k]) != 0)
			return false;
	}
	return json_array_size(arr) == i;
}

static void note(const char *what, const char *name, const char *field)
{
	printf("# %s: %s.%s\n", what, name, field);
	test_cur_failed = 1;
}

TEST(openapi_inputs_follow_the_schema)
{
	for (cg_resource r = CG_RES_AGENCY; r <= CG_RES_PERSON; r++) {
		const cg_resource_desc *d = cg_schema_resource(r);
		json_t *s = openapi_schema(d->api_input);
		if (!s) {
			note("missing in openapi.yaml", d->api_input, "");
			continue;
		}
		json_t *props = json_object_get(s, "properties");
		size_t nfields = 0, nreq = 0;
		for (const cg_field_desc *f = d->fields; f->name; f++, nfields++) {
			json_t *p = json_object_get(props, f->name);
			if (!p) {
				note("field missing in openapi.yaml", d->api_input, f->name);
				continue;
			}
			bool req = false;
			size_t i;
			json_t *x;
			json_array_foreach(json_object_get(s, "required"), i, x)
			{
				req |= json_is_string(x) && !strcmp(json_string_value(x), f->name);
			}
			nreq += f->required;
			if (req != f->required)
				note("required differs", d->api_input, f->name);
			json_t *en = json_object_get(p, "enum");
			if ((f->type == CG_F_ENUM) != (en != NULL) ||
			    (en && !same_values(en, f->enumeration)))
				note("enum differs", d->api_input, f->name);
			if (f->type == CG_F_INT) {
				json_t *mn = json_object_get(p, "minimum"),
				       *mx = json_object_get(p, "maximum");
				if (!mn || json_integer_value(mn) != f->min || !mx ||
				    json_integer_value(mx) != f->max)
					note("integer bounds differ", d->api_input, f->name);
			}
		}
		if (json_object_size(props) != nfields)
			note("openapi.yaml has fields the schema does not", d->api_input, "*");
		if (json_array_size(json_object_get(s, "required")) != nreq)
			note("openapi.yaml requires fields the schema does not", d->api_input, "*");
		json_decref(s);
	}
}

TEST(openapi_user_and_token_enums)
{
	static const struct {
		const char *schema, *field;
		const cg_enum_desc *e;
	} uses[] = {
	    {"UserInput", "role", &cg_enum_user_role},
	    {"User", "role", &cg_enum_user_role},
	    {"Token", "scope", &cg_enum_token_scope},
	};
	for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
		json_t *s = openapi_schema(uses[i].schema);
		json_t *en = json_object_get(
		    json_object_get(json_object_get(s, "properties"), uses[i].field), "enum");
		if (!en || !same_values(en, uses[i].e))
			note("enum differs", uses[i].schema, uses[i].field);
		json_decref(s);
	}
}

/* The keys of `\t\tGROUP: { k: "..", k2: "..", },` in lang's block of
 * CG_ENUMS, in order; NULL when not found. */
static json_t *js_enum(const char *lang, const char *group)
{
	const char *start = strstr(cg_buf_cstr(&js), "const CG_ENUMS = {");
	if (!start)
		return NULL;
	char head[64];
	snprintf(head, sizeof head, "\n\t%s: {", lang);
	const char *block = strstr(start, head);
	if (!block)
		return NULL;
	const char *end = strstr(block + 1, "\n\t}");
	snprintf(head, sizeof head, "\n\t\t%s: {", group);
	const char *p = strstr(block, head);
	if (!p || (end && p > end))
		return NULL;
	p += strlen(head);
	json_t *keys = json_array();
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '}' || !*p || *p == '\n')
			break;
		const char *k = p;
		while (*p && *p != ':' && *p != '\n')
			p++;
		if (*p != ':')
			break;
		json_array_append_new(keys, json_stringn(k, (size_t)(p - k)));
		p++;
		while (*p == ' ')
			p++;
		if (*p != '"')
			break;
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;
		if (*p == '"')
			p++;
	}
	return keys;
}

TEST(dashboard_enums_follow_the_schema)
{
	const char *const langs[] = {"vi", "en"};
	for (const cg_enum_desc *const *e = cg_schema_enums(); *e; e++) {
		for (int l = 0; l < 2; l++) {
			json_t *keys = js_enum(langs[l], (*e)->dashboard);
			if (!keys || !same_values(keys, *e))
				note("dashboard labels differ", langs[l], (*e)->dashboard);
			json_decref(keys);
		}
	}
}

TEST(the_readers_see_what_they_check)
{
	/* guards against a reader that silently finds nothing */
	json_t *s = openapi_schema("SystemInput");
	CHECK(s && json_object_size(json_object_get(s, "properties")) >= 10);
	CHECK(json_array_size(json_object_get(
	          json_object_get(json_object_get(s, "properties"), "kind"), "enum")) == 5);
	json_decref(s);
	CHECK(openapi_schema("NoSuchSchema") == NULL);
	json_t *k = js_enum("vi", "severity");
	CHECK(json_array_size(k) == 5);
	json_decref(k);
	CHECK(js_enum("vi", "no_such_group") == NULL);
	/* and the description itself is consistent */
	for (cg_resource r = CG_RES_AGENCY; r <= CG_RES_PERSON; r++)
		for (const cg_field_desc *f = cg_schema_resource(r)->fields; f->name; f++) {
			CHECK(f->column && *f->column);
			CHECK((f->type == CG_F_ENUM) == (f->enumeration != NULL));
			CHECK(f->type != CG_F_INT || (f->min <= f->def && f->def <= f->max));
		}
}

int main(void)
{
	if (!load("docs/openapi.yaml", &yaml) || !load("web/assets/i18n.js", &js)) {
		printf("not ok 1 - read docs/openapi.yaml and web/assets/i18n.js\n1..1\n");
		return 1;
	}
	RUN(the_readers_see_what_they_check);
	RUN(openapi_inputs_follow_the_schema);
	RUN(openapi_user_and_token_enums);
	RUN(dashboard_enums_follow_the_schema);
	cg_buf_free(&yaml);
	cg_buf_free(&js);
	return test_done();
}
