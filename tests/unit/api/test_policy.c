/* The authorization policy (api/policy.h) walked as a table: every caller
 * kind (and agency-bound variants) x action x resource x agency of the
 * record (any, its own, another, none) x owner, against the expectations
 * written out below, independently of the table in policy.c. */
#include <stdio.h>
#include <string.h>

#include "api/policy.h"
#include "../test.h"

/* Expected actions per resource and kind: R read, C create, U update,
 * D delete, I ingest, P upload; "*" anyone (public). Kinds in the order
 * anon admin analyst officer viewer ingest read agent metrics. */
static const struct {
	cg_pol_resource res;
	const char *allow[CG_POL_NKINDS];
} expect[] = {
    {CG_PRES_DASHBOARD, {"R", "R", "R", "R", "R", "R", "R", "R", "R"}},
    {CG_PRES_LOGIN, {"C", "C", "C", "C", "C", "C", "C", "C", "C"}},
    {CG_PRES_ENROLMENT, {"C", "C", "C", "C", "C", "C", "C", "C", "C"}},
    {CG_PRES_SESSION, {"", "RD", "RD", "RD", "RD", "", "", "", ""}},
    {CG_PRES_OVERVIEW, {"", "R", "R", "R", "R", "", "R", "", ""}},
    {CG_PRES_AGENCY, {"", "RCUD", "RCUD", "RU", "R", "", "R", "", ""}},
    {CG_PRES_AGENCY_MAPPING, {"", "U", "U", "", "", "", "", "", ""}},
    {CG_PRES_SYSTEM, {"", "RCUD", "RCUD", "RCUD", "R", "", "R", "", ""}},
    {CG_PRES_PERSON, {"", "RCUD", "RCUD", "RCUD", "R", "", "R", "", ""}},
    {CG_PRES_EVENT, {"", "RU", "RU", "RU", "R", "I", "R", "I", ""}},
    {CG_PRES_DNS_UPLOAD, {"", "RP", "RP", "RP", "", "RP", "", "", ""}},
    {CG_PRES_DNS_FINDINGS, {"", "R", "R", "R", "R", "", "R", "", ""}},
    {CG_PRES_WEB, {"", "R", "R", "R", "R", "", "R", "", ""}},
    {CG_PRES_USER, {"", "RCUD", "", "", "", "", "", "", ""}},
    {CG_PRES_TOKEN, {"", "RCUD", "", "", "", "", "", "", ""}},
    {CG_PRES_AUDIT, {"", "R", "", "", "", "", "", "", ""}},
    {CG_PRES_ENROLL_TOKEN, {"", "RCD", "RCD", "RCD", "R", "", "R", "", ""}},
    {CG_PRES_AGENT_SELF, {"", "", "", "", "", "", "", "RU", ""}},
    {CG_PRES_AGENT_POLICY, {"", "RU", "RU", "RU", "R", "", "R", "", ""}},
    {CG_PRES_ENDPOINT, {"", "R", "R", "R", "R", "", "R", "", ""}},
    {CG_PRES_JOB, {"", "R", "", "", "", "", "", "", ""}},
    {CG_PRES_SUPPRESSION, {"", "RCD", "RCD", "RCD", "R", "", "R", "", ""}},
    {CG_PRES_INCIDENT, {"", "RCU", "RCU", "RCU", "R", "", "R", "", ""}},
    {CG_PRES_PUBLIC_REPORT, {"RC", "RC", "RC", "RC", "RC", "RC", "RC", "RC", "RC"}},
    {CG_PRES_DRILL, {"", "RC", "RC", "RC", "R", "", "R", "", ""}},
    {CG_PRES_METRICS, {"", "R", "", "", "", "", "", "", "R"}},
    {CG_PRES_EXPOSURE, {"", "RC", "RC", "RC", "R", "", "R", "", ""}},
    {CG_PRES_SHARING, {"", "RU", "R", "", "", "", "R", "", ""}},
    {CG_PRES_COMPLIANCE, {"", "RC", "RC", "RC", "R", "", "R", "", ""}},
    {CG_PRES_REPORT, {"", "RC", "RC", "RC", "R", "", "R", "", ""}},
};

static const char act_letter[CG_ACT_NACTIONS] = {'R', 'C', 'U', 'D', 'I', 'P'};

static bool is_public(cg_pol_resource r)
{
	return r == CG_PRES_DASHBOARD || r == CG_PRES_LOGIN || r == CG_PRES_ENROLMENT ||
	       r == CG_PRES_PUBLIC_REPORT;
}

TEST(every_resource_listed)
{
	CHECK(sizeof expect / sizeof expect[0] == CG_PRES_NRESOURCES);
	for (int r = 0; r < CG_PRES_NRESOURCES; r++) {
		bool found = false;
		for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
			found |= expect[i].res == (cg_pol_resource)r;
		CHECK(found);
	}
}

/* The whole table: for each row the verdict is what the words say. */
TEST(table)
{
	const int64_t own = 7, other = 8;
	int checked = 0, bad = 0;
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		cg_pol_resource res = expect[i].res;
		for (int k = 0; k < CG_POL_NKINDS; k++) {
			/* each kind province-wide, and bound to agency `own` */
			for (int bound = 0; bound < 2; bound++) {
				if (k == CG_POL_ANON && bound)
					continue;
				bool agency_bound = bound || k == CG_POL_OFFICER;
				cg_pol_who w = {(cg_pol_kind)k, agency_bound ? own : 0};
				for (int a = 0; a < CG_ACT_NACTIONS; a++) {
					bool role_may =
					    strchr(expect[i].allow[k], act_letter[a]) != NULL;
					const int64_t agencies[] = {CG_POL_ANY_AGENCY, own, other,
					                            0};
					for (int g = 0; g < 4; g++) {
						for (int o = 0; o < 3; o++) {
							cg_pol_verdict v =
							    cg_policy(&w, (cg_pol_action)a, res,
							              agencies[g], (cg_pol_owner)o);
							cg_pol_verdict want;
							if (!role_may)
								want =
								    k == CG_POL_ANON ? CG_POL_LOGIN
								    : res == CG_PRES_SESSION &&
								            k >= CG_POL_TOKEN_INGEST
								        ? CG_POL_SESSION
								        : CG_POL_DENY;
							else if (is_public(res))
								want = CG_POL_ALLOW;
							else if (agency_bound && g >= 2)
								want = CG_POL_OTHER_AGENCY;
							else if (o == CG_POL_OWNER_OTHER &&
							         k != CG_POL_ADMIN)
								want = CG_POL_NOT_OWNER;
							else
								want = CG_POL_ALLOW;
							if (v != want) {
								bad++;
								if (bad < 20)
									printf(
									    "# %s%s %s %s "
									    "agency=%lld owner=%d: "
									    "got %d want %d\n",
									    cg_pol_kind_name(
									        (cg_pol_kind)k),
									    bound ? "(bound)" : "",
									    cg_pol_action_name(
									        (cg_pol_action)a),
									    cg_pol_resource_name(
									        res),
									    (long long)agencies[g],
									    o, v, want);
							}
							checked++;
						}
					}
				}
			}
		}
	}
	printf("# %d combinations checked\n", checked);
	CHECK(bad == 0);
	CHECK(checked > 5000);
}

TEST(issue18_cases)
{
	/* an agent token reaches no DNS upload, no inventory read */
	cg_pol_who agent = {CG_POL_TOKEN_AGENT, 1};
	CHECK(cg_policy(&agent, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, CG_POL_ANY_AGENCY,
	                CG_POL_OWNER_NA) == CG_POL_DENY);
	CHECK(cg_policy(&agent, CG_ACT_READ, CG_PRES_DNS_UPLOAD, 1, CG_POL_OWNER_SELF) ==
	      CG_POL_DENY);
	CHECK(cg_policy(&agent, CG_ACT_READ, CG_PRES_SYSTEM, CG_POL_ANY_AGENCY, CG_POL_OWNER_NA) ==
	      CG_POL_DENY);
	/* a metrics token reads the metrics and nothing else, not even the
	 * events a read token sees; no role but the admin reads the metrics */
	cg_pol_who scraper = {CG_POL_TOKEN_METRICS, 0};
	CHECK(cg_policy(&scraper, CG_ACT_READ, CG_PRES_METRICS, CG_POL_ANY_AGENCY,
	                CG_POL_OWNER_NA) == CG_POL_ALLOW);
	CHECK(cg_policy(&scraper, CG_ACT_READ, CG_PRES_EVENT, CG_POL_ANY_AGENCY, CG_POL_OWNER_NA) ==
	      CG_POL_DENY);
	cg_pol_who reader = {CG_POL_TOKEN_READ, 0};
	CHECK(cg_policy(&reader, CG_ACT_READ, CG_PRES_METRICS, CG_POL_ANY_AGENCY,
	                CG_POL_OWNER_NA) == CG_POL_DENY);
	/* an officer files DNS findings only into their own agency */
	cg_pol_who off = {CG_POL_OFFICER, 1};
	CHECK(cg_policy(&off, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, 1, CG_POL_OWNER_NA) ==
	      CG_POL_ALLOW);
	CHECK(cg_policy(&off, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, 2, CG_POL_OWNER_NA) ==
	      CG_POL_OTHER_AGENCY);
	CHECK(cg_policy(&off, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, 0, CG_POL_OWNER_NA) ==
	      CG_POL_OTHER_AGENCY);
	/* an officer without an agency acts on nothing */
	cg_pol_who lost = {CG_POL_OFFICER, -1};
	CHECK(cg_policy(&lost, CG_ACT_UPDATE, CG_PRES_SYSTEM, 0, CG_POL_OWNER_NA) ==
	      CG_POL_OTHER_AGENCY);
	/* the admin may read another's upload, the analyst not */
	cg_pol_who admin = {CG_POL_ADMIN, 0}, analyst = {CG_POL_ANALYST, 0};
	CHECK(cg_policy(&admin, CG_ACT_READ, CG_PRES_DNS_UPLOAD, 3, CG_POL_OWNER_OTHER) ==
	      CG_POL_ALLOW);
	CHECK(cg_policy(&analyst, CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, 3, CG_POL_OWNER_OTHER) ==
	      CG_POL_NOT_OWNER);
	/* out-of-range inputs are refused, never read past a table */
	cg_pol_who junk = {CG_POL_NKINDS, 0};
	CHECK(cg_policy(&junk, CG_ACT_READ, CG_PRES_DASHBOARD, 0, CG_POL_OWNER_NA) == CG_POL_DENY);
	CHECK(cg_policy(&admin, CG_ACT_NACTIONS, CG_PRES_AGENCY, 0, CG_POL_OWNER_NA) ==
	      CG_POL_DENY);
}

TEST(summary_words)
{
	char b[128];
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_DASHBOARD, b, sizeof b), "public");
	/* the citizen's form: sending and tracking need no login; updating a
	 * report's state is not for anyone through these routes */
	CHECK_STR(cg_pol_summary(CG_ACT_CREATE, CG_PRES_PUBLIC_REPORT, b, sizeof b), "public");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_PUBLIC_REPORT, b, sizeof b), "public");
	CHECK(strcmp(cg_pol_summary(CG_ACT_UPDATE, CG_PRES_PUBLIC_REPORT, b, sizeof b), "public") != 0);
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_DRILL, b, sizeof b), "read");
	CHECK_STR(cg_pol_summary(CG_ACT_CREATE, CG_PRES_DRILL, b, sizeof b), "write");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_EXPOSURE, b, sizeof b), "read");
	CHECK_STR(cg_pol_summary(CG_ACT_CREATE, CG_PRES_EXPOSURE, b, sizeof b), "write");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_SHARING, b, sizeof b), "share");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_REPORT, b, sizeof b), "read");
	CHECK_STR(cg_pol_summary(CG_ACT_CREATE, CG_PRES_REPORT, b, sizeof b), "write");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_EVENT, b, sizeof b), "read");
	CHECK_STR(cg_pol_summary(CG_ACT_INGEST, CG_PRES_EVENT, b, sizeof b), "ingest");
	CHECK_STR(cg_pol_summary(CG_ACT_UPLOAD, CG_PRES_DNS_UPLOAD, b, sizeof b), "upload");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_USER, b, sizeof b), "admin");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_SESSION, b, sizeof b), "user");
	CHECK_STR(cg_pol_summary(CG_ACT_UPDATE, CG_PRES_AGENT_SELF, b, sizeof b), "agent");
	CHECK_STR(cg_pol_summary(CG_ACT_READ, CG_PRES_METRICS, b, sizeof b), "metrics");
	/* no action nobody may do prints "?" */
	for (int r = 0; r < CG_PRES_NRESOURCES; r++)
		for (int a = 0; a < CG_ACT_NACTIONS; a++)
			CHECK(strchr(
			          cg_pol_summary((cg_pol_action)a, (cg_pol_resource)r, b, sizeof b),
			          '?') == NULL);
}

int main(void)
{
	RUN(every_resource_listed);
	RUN(table);
	RUN(issue18_cases);
	RUN(summary_words);
	return test_done();
}
