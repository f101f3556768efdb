/* Incident cases (api/incident.h): the state machine walked as a table of
 * every (from, to) pair against the moves written out here, the case
 * number, and the create/change parsers with their time stamps. */
#include <string.h>

#include "api/incident.h"
#include "core/limits.h"
#include "../test.h"

/* Allowed moves, written independently of incident.c's table. */
static const char *const ALLOWED[] = {
    "new>triage",           "new>rejected",     "new>duplicate",
    "triage>responding",    "triage>rejected",  "triage>duplicate",
    "responding>contained", "contained>closed", "contained>responding",
};

static bool expected(const char *from, const char *to)
{
	char k[64];
	snprintf(k, sizeof k, "%s>%s", from, to);
	for (size_t i = 0; i < sizeof ALLOWED / sizeof *ALLOWED; i++)
		if (strcmp(ALLOWED[i], k) == 0)
			return true;
	return false;
}

TEST(state_machine_table)
{
	int allowed = 0;
	for (int f = 0; f < CG_INC_NSTATES; f++)
		for (int t = 0; t < CG_INC_NSTATES; t++) {
			const char *a = cg_inc_state_name((cg_inc_state)f);
			const char *b = cg_inc_state_name((cg_inc_state)t);
			bool got = cg_inc_can_move((cg_inc_state)f, (cg_inc_state)t);
			if (got != expected(a, b))
				printf("# %s -> %s: %s\n", a, b, got ? "allowed" : "refused");
			CHECK(got == expected(a, b));
			allowed += got;
		}
	CHECK(allowed == (int)(sizeof ALLOWED / sizeof *ALLOWED));
	for (int s = 0; s < CG_INC_NSTATES; s++) {
		bool final = cg_inc_is_final((cg_inc_state)s);
		bool any = false;
		for (int t = 0; t < CG_INC_NSTATES; t++)
			any |= cg_inc_can_move((cg_inc_state)s, (cg_inc_state)t);
		CHECK(final == !any); /* final states are exactly those with no way out */
	}
	cg_inc_state st;
	CHECK(cg_inc_state_parse("closed", &st) == CG_OK && st == CG_INC_CLOSED);
	CHECK(cg_inc_state_parse("Closed", &st) == CG_EINVAL);
	CHECK(!cg_inc_can_move(CG_INC_NSTATES, CG_INC_NEW));
}

TEST(numbers)
{
	char n[32];
	CHECK(cg_inc_number(n, sizeof n, 2026, 42));
	CHECK_STR(n, "SC-2026-0042");
	CHECK(cg_inc_number(n, sizeof n, 2026, 12345));
	CHECK_STR(n, "SC-2026-12345");
	CHECK(!cg_inc_number(n, sizeof n, 2026, 0));
	CHECK(!cg_inc_number(n, 8, 2026, 1));
	/* 31 Dec 2026 17:30 UTC is 1 Jan 2027 00:30 in the province */
	CHECK(cg_inc_year(1798738200000LL) == 2027);
	CHECK(cg_inc_year(1798738200000LL - 3600000LL) == 2026);
}

static json_t *parse(const char *s)
{
	return json_loads(s, 0, NULL);
}

TEST(create_and_apply)
{
	cg_inv_error e;
	json_t *rec = NULL,
	       *b = parse("{\"title\":\"Cổng bị thay giao diện\",\"kind\":\"defacement\","
	                  "\"severity\":\"critical\",\"agency_id\":3}");
	CHECK(cg_inc_parse_create(b, 1000, &rec, &e) == CG_OK);
	json_decref(b);
	CHECK_STR(cg_json_get_str(rec, "state"), "new");
	CHECK_STR(cg_json_get_str(rec, "detected_at"), "1970-01-01T00:00:01.000Z");
	static const char *const bad[] = {
	    "{\"kind\":\"defacement\",\"severity\":\"high\",\"agency_id\":1}",
	    "{\"title\":\"x\",\"kind\":\"bogus\",\"severity\":\"high\",\"agency_id\":1}",
	    "{\"title\":\"x\",\"kind\":\"ddos\",\"severity\":\"huge\",\"agency_id\":1}",
	    "{\"title\":\"x\",\"kind\":\"ddos\",\"severity\":\"high\",\"agency_id\":0}",
	    "{\"title\":\"x\",\"kind\":\"ddos\",\"severity\":\"high\",\"agency_id\":1,\"state\":"
	    "\"closed\"}",
	    "{\"title\":\"x\",\"kind\":\"ddos\",\"severity\":\"high\",\"agency_id\":1,\"detected_"
	    "at\":\"hôm qua\"}",
	    "{\"title\":\"x\",\"kind\":\"ddos\",\"severity\":\"high\",\"agency_id\":1,\"system_"
	    "ids\":[\"a\"]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *x = NULL;
		b = parse(bad[i]);
		CHECK(cg_inc_parse_create(b, 1000, &x, &e) == CG_EINVAL && !x);
		json_decref(b);
	}
	/* the path to closed, stamping the times */
	static const struct {
		const char *body;
		cg_err err;
		const char *state, *what;
	} steps[] = {
	    {"{\"state\":\"contained\"}", CG_ECONFLICT, "new", NULL},
	    {"{\"state\":\"triage\",\"owner\":\"lan\"}", CG_OK, "triage", "state"},
	    {"{\"title\":\"Cổng sở bị thay giao diện\"}", CG_OK, "triage", "update"},
	    {"{\"kind\":\"bogus\"}", CG_EINVAL, "triage", NULL},
	    {"{\"agency_id\":2}", CG_EINVAL, "triage", NULL},
	    {"{\"kind\":\"ddos\"}", CG_OK, "triage", "update"},
	    {"{\"state\":\"responding\"}", CG_OK, "responding", "state"},
	    {"{\"state\":\"contained\"}", CG_OK, "contained", "state"},
	    {"{\"state\":\"closed\"}", CG_OK, "closed", "state"},
	    {"{\"state\":\"responding\"}", CG_ECONFLICT, "closed", NULL},
	};
	int64_t now = 2000;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++, now += 1000) {
		json_t *next = NULL;
		const char *what = NULL;
		b = parse(steps[i].body);
		cg_err err = cg_inc_apply(rec, b, now, &next, &what, &e);
		json_decref(b);
		CHECK(err == steps[i].err);
		if (err) {
			CHECK(!next);
			continue;
		}
		CHECK_STR(what, steps[i].what);
		json_decref(rec);
		rec = next;
		CHECK_STR(cg_json_get_str(rec, "state"), steps[i].state);
	}
	CHECK_STR(cg_json_get_str(rec, "owner"), "lan");
	CHECK_STR(cg_json_get_str(rec, "contained_at"), "1970-01-01T00:00:09.000Z");
	CHECK_STR(cg_json_get_str(rec, "closed_at"), "1970-01-01T00:00:10.000Z");
	json_decref(rec);
}

int main(void)
{
	RUN(state_machine_table);
	RUN(numbers);
	RUN(create_and_apply);
	return test_done();
}
