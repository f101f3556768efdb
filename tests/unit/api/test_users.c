/*
 * test_users.c - the user rules (api/users.h) that the API, `canhgac user
 * add` and the demo seed share: a table of field values, the officer's
 * agency, and creation against a real SQLite store (hash stored, taken
 * usernames in any case, unknown agencies).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/auth.h"
#include "api/users.h"
#include "core/json.h"
#include "../test.h"

static cg_err fields(const char *json, bool create, cg_inv_error *e)
{
	json_t *in = json_loads(json, 0, NULL);
	json_t *rec = json_object();
	const char *pw;
	cg_err err = in ? cg_user_fields(in, create, rec, &pw, e) : CG_EPARSE;
	json_decref(rec);
	json_decref(in);
	return err;
}

TEST(field_table)
{
	static const struct {
		const char *json;
		bool create;
		const char *field; /* NULL = accepted */
	} cases[] = {
	    {"{\"username\":\"nguyen.van-a_1@syt\",\"role\":\"viewer\",\"password\":"
	     "\"0123456789\"}",
	     true, NULL},
	    {"{\"username\":\"a\",\"role\":\"admin\",\"password\":\"0123456789\"}", true, NULL},
	    {"{\"username\":\"\",\"role\":\"admin\",\"password\":\"0123456789\"}", true,
	     "username"},
	    {"{\"username\":\"a b\",\"role\":\"admin\",\"password\":\"0123456789\"}", true,
	     "username"},
	    {"{\"username\":\"a/b\",\"role\":\"admin\",\"password\":\"0123456789\"}", true,
	     "username"},
	    {"{\"username\":\"nguyễn\",\"role\":\"admin\",\"password\":\"0123456789\"}", true,
	     "username"},
	    {"{\"username\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	     "\"role\":\"admin\",\"password\":\"0123456789\"}",
	     true, "username"}, /* 65 */
	    {"{\"username\":7,\"role\":\"admin\",\"password\":\"0123456789\"}", true, "username"},
	    {"{\"username\":\"a\",\"role\":\"root\",\"password\":\"0123456789\"}", true, "role"},
	    {"{\"username\":\"a\",\"role\":\"admin\",\"password\":\"012345678\"}", true,
	     "password"},
	    {"{\"username\":\"a\",\"role\":\"admin\",\"password\":\"0123456789\",\"x\":1}", true,
	     "x"},
	    {"{\"username\":\"a\",\"role\":\"admin\",\"password\":\"0123456789\",\"agency_id\":0}",
	     true, "agency_id"},
	    {"{\"username\":\"a\",\"role\":\"admin\",\"password\":\"0123456789\",\"disabled\":1}",
	     true, "disabled"},
	    {"{\"username\":\"a\",\"role\":\"admin\"}", true, ""}, /* password required */
	    {"{\"role\":\"viewer\"}", false, NULL},
	    {"{\"username\":\"b\"}", false, "username"}, /* cannot change */
	    {"[]", true, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cg_inv_error e;
		cg_err err = fields(cases[i].json, cases[i].create, &e);
		bool ok = cases[i].field ? err == CG_EINVAL && strcmp(e.field, cases[i].field) == 0
		                         : err == CG_OK;
		if (!ok) {
			printf("# case %zu: err %d field '%s' (%s)\n", i, err, e.field, e.message);
			test_cur_failed = 1;
		}
	}
}

TEST(officer_needs_agency)
{
	cg_inv_error e;
	json_t *u = json_pack("{s:s,s:n}", "role", "officer", "agency_id");
	CHECK(cg_user_check_role(u, &e) == CG_EINVAL && strcmp(e.field, "agency_id") == 0);
	json_object_set_new(u, "agency_id", json_integer(3));
	CHECK(cg_user_check_role(u, &e) == CG_OK);
	json_object_set_new(u, "role", json_string("viewer"));
	json_object_set_new(u, "agency_id", json_null());
	CHECK(cg_user_check_role(u, &e) == CG_OK);
	json_decref(u);
	CHECK(cg_role_parse("analyst") == CG_ROLE_ANALYST &&
	      cg_role_parse("Admin") == CG_ROLE_NONE);
	CHECK_STR(cg_role_name(CG_ROLE_OFFICER), "officer");
}

TEST(create_in_store)
{
	char dir[] = "/tmp/canhgac-users.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[64];
	snprintf(path, sizeof path, "%s/t.db", dir);
	cg_store *st = NULL;
	CHECK(cg_store_open(path, &st, NULL) == CG_OK);
	if (!st)
		return;
	cg_actor actor = {"test"};
	cg_inv_error e;
	int64_t id = 0;
	json_t *in = json_pack("{s:s,s:s,s:s}", "username", "Alice", "role", "admin", "password",
	                       "alice-password-1");
	CHECK(cg_user_create(st, &actor, in, &id, &e) == CG_OK && id > 0);
	json_t *u = NULL;
	char *hash = NULL;
	CHECK(cg_store_user_auth_info(st, "Alice", &u, &hash) == CG_OK);
	CHECK(hash && strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(hash && cg_password_verify(hash, "alice-password-1", 16));
	CHECK_STR(cg_json_get_str(u, "display_name"), "Alice"); /* defaults to the name */
	json_decref(u);
	free(hash);
	/* a taken name in another case */
	json_object_set_new(in, "username", json_string("alice"));
	CHECK(cg_user_create(st, &actor, in, &id, &e) == CG_ECONFLICT);
	CHECK_STR(e.field, "username");
	/* an officer of an agency that does not exist */
	json_t *off = json_pack("{s:s,s:s,s:s,s:i}", "username", "off1", "role", "officer",
	                        "password", "officer-password-1", "agency_id", 99);
	CHECK(cg_user_create(st, &actor, off, &id, &e) == CG_EINVAL);
	CHECK_STR(e.field, "agency_id");
	json_object_del(off, "agency_id");
	CHECK(cg_user_create(st, &actor, off, &id, &e) == CG_EINVAL);
	CHECK_STR(e.message, "an officer needs an agency");
	json_decref(off);
	json_decref(in);
	cg_store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

int main(void)
{
	if (cg_auth_init())
		return 1;
	RUN(field_table);
	RUN(officer_needs_agency);
	RUN(create_in_store);
	return test_done();
}
