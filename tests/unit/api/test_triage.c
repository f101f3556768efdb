/* Triage of events (api/triage.h): the state names, the one definition of
 * "chưa xử lý", and the change parser's bounds, both ways. */
#include <string.h>

#include "api/triage.h"
#include "core/limits.h"
#include "../test.h"

static cg_err parse(const char *text, cg_triage_change *c, cg_inv_error *e)
{
	json_t *b = json_loads(text, 0, NULL);
	cg_err err = cg_triage_parse(b, c, e);
	json_decref(b);
	return err;
}

TEST(states_round_trip)
{
	for (int i = 0; i < CG_TRIAGE_NSTATES; i++) {
		cg_triage_state s;
		CHECK(cg_triage_state_parse(cg_triage_state_name((cg_triage_state)i), &s) == CG_OK);
		CHECK(s == (cg_triage_state)i);
	}
	cg_triage_state s;
	CHECK(cg_triage_state_parse("New", &s) == CG_EINVAL);
	CHECK(cg_triage_state_parse("", &s) == CG_EINVAL);
	CHECK(cg_triage_state_parse(NULL, &s) == CG_EINVAL);
}

/* "Chưa xử lý" is new and only new; no record (NULL) is new. */
TEST(open_is_new_only)
{
	CHECK(cg_triage_is_open("new"));
	CHECK(cg_triage_is_open(NULL));
	CHECK(!cg_triage_is_open("acknowledged"));
	CHECK(!cg_triage_is_open("false_positive"));
	CHECK(!cg_triage_is_open("in_incident"));
	CHECK(!cg_triage_is_open("resolved"));
}

/* A watcher resolves what nobody decided otherwise. */
TEST(auto_resolves)
{
	CHECK(cg_triage_auto_resolves(NULL));
	CHECK(cg_triage_auto_resolves("new"));
	CHECK(cg_triage_auto_resolves("acknowledged"));
	CHECK(!cg_triage_auto_resolves("false_positive"));
	CHECK(!cg_triage_auto_resolves("in_incident"));
	CHECK(!cg_triage_auto_resolves("resolved"));
}

TEST(parse_change)
{
	cg_triage_change c;
	cg_inv_error e;
	CHECK(parse("{\"state\":\"acknowledged\",\"assignee\":\"lan\",\"note\":\"Đã xem\"}", &c,
	            &e) == CG_OK);
	CHECK(c.has_state && c.state == CG_TRIAGE_ACKNOWLEDGED);
	CHECK_STR(c.assignee, "lan");
	CHECK_STR(c.note, "Đã xem");
	CHECK(parse("{\"assignee\":null}", &c, &e) == CG_OK);
	CHECK(c.has_assignee && !c.has_state && c.assignee[0] == '\0');
	CHECK(parse("{}", &c, &e) == CG_EINVAL);
	CHECK(parse("[]", &c, &e) == CG_EINVAL);
	CHECK(parse("{\"state\":\"closed\"}", &c, &e) == CG_EINVAL);
	CHECK_STR(e.field, "state");
	CHECK(parse("{\"state\":\"in_incident\"}", &c, &e) == CG_EINVAL);
	CHECK(parse("{\"state\":1}", &c, &e) == CG_EINVAL);
	CHECK(parse("{\"assignee\":\"a b\"}", &c, &e) == CG_EINVAL);
	CHECK_STR(e.field, "assignee");
	CHECK(parse("{\"note\":\"x\",\"severity\":\"low\"}", &c, &e) == CG_EINVAL);
	CHECK_STR(e.field, "severity");
	CHECK(parse("{\"note\":\"a\\u0000b\"}", &c, &e) == CG_EINVAL);
}

/* The note bound, both ways. */
TEST(note_bound)
{
	static char text[CG_TRIAGE_MAX_NOTE + 64];
	cg_triage_change c;
	cg_inv_error e;
	for (int extra = 0; extra <= 1; extra++) {
		memcpy(text, "{\"note\":\"", 9);
		size_t n = CG_TRIAGE_MAX_NOTE + (size_t)extra;
		memset(text + 9, 'x', n);
		memcpy(text + 9 + n, "\"}", 3);
		CHECK(parse(text, &c, &e) == (extra ? CG_EINVAL : CG_OK));
	}
	CHECK(strlen(c.note) == CG_TRIAGE_MAX_NOTE || c.note[0] == '\0');
}

TEST(parse_bulk)
{
	static int64_t ids[CG_TRIAGE_MAX_BULK];
	size_t n = 0;
	cg_triage_change c;
	cg_inv_error e;
	json_t *b = json_loads("{\"ids\":[3,1,2],\"state\":\"false_positive\"}", 0, NULL);
	CHECK(cg_triage_parse_bulk(b, ids, &n, &c, &e) == CG_OK);
	CHECK(n == 3 && ids[0] == 3 && ids[2] == 2 && c.state == CG_TRIAGE_FALSE_POSITIVE);
	json_decref(b);
	static const char *const bad[] = {"{\"state\":\"resolved\"}",
	                                  "{\"ids\":[],\"state\":\"resolved\"}",
	                                  "{\"ids\":[1,1],\"state\":\"resolved\"}",
	                                  "{\"ids\":[0],\"state\":\"resolved\"}",
	                                  "{\"ids\":[\"1\"],\"state\":\"resolved\"}",
	                                  "{\"ids\":[1]}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		b = json_loads(bad[i], 0, NULL);
		CHECK(cg_triage_parse_bulk(b, ids, &n, &c, &e) == CG_EINVAL);
		json_decref(b);
	}
	/* the bulk bound, both ways */
	for (int extra = 0; extra <= 1; extra++) {
		b = json_pack("{s:s}", "state", "acknowledged");
		json_t *a = json_array();
		for (int i = 1; i <= CG_TRIAGE_MAX_BULK + extra; i++)
			json_array_append_new(a, json_integer(i));
		json_object_set_new(b, "ids", a);
		CHECK(cg_triage_parse_bulk(b, ids, &n, &c, &e) == (extra ? CG_EINVAL : CG_OK));
		json_decref(b);
	}
}

int main(void)
{
	RUN(states_round_trip);
	RUN(open_is_new_only);
	RUN(auto_resolves);
	RUN(parse_change);
	RUN(note_bound);
	RUN(parse_bulk);
	return test_done();
}
