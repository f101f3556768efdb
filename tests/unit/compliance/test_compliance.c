/*
 * test_compliance.c - compliance/compliance.h with a fixed clock on
 * hand-built facts: the shipped regimes and the switch on 1 July 2026,
 * every shipped control (met by a subject that has everything, failed by
 * one that has nothing), every status of a periodic, a yearly, a one-time
 * and a standing control, leap years, due dates on weekends and public
 * holidays, incident report clocks, breaches, the summary and the
 * calendar, a rule file changed on disk, and parse errors naming
 * file:line.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compliance/compliance.h"
#include "compliance/contact.h"
#include "core/fileio.h"
#include "core/timeutil.h"
#include "test.h"

static cg_deadline_rules *CAL;

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!cg_compliance_parse_day(cg_slice_cstr(s), &d))
		printf("# bad day %s\n", s);
	return d;
}

#define HEAD "[regime]\nname = t\n"
#define CTRL(id, extra)                                                                               \
	"[control " id "]\ntitle_vi = Tiêu đề\ntitle_en = Title\ndocument = Doc\narticle = Art\n" \
	"notify = provincial_team\n" extra

static cg_err parse(const char *text, cg_compliance_rules *r, cg_buf *why)
{
	cg_compliance_init(r);
	return cg_compliance_parse(cg_slice_cstr(text), "t.ini", r, why);
}

/* Evaluates text's controls on facts (JSON text) at day; returns the
 * results (caller frees). */
static json_t *eval(const char *text, const char *facts_json, const char *day)
{
	static cg_compliance_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (parse(text, &r, &why))
		printf("# parse: %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
	json_t *facts = json_loads(facts_json, 0, NULL);
	if (!facts)
		printf("# bad facts %s\n", facts_json);
	json_t *res = NULL;
	if (cg_compliance_evaluate(&r, CAL, facts, D(day), &res))
		printf("# evaluate failed\n");
	json_decref(facts);
	return res;
}

static const char *st(const json_t *res, size_t i)
{
	return json_string_value(json_object_get(json_array_get(res, i), "status"));
}

static const char *due(const json_t *res, size_t i)
{
	json_t *d = json_object_get(json_array_get(res, i), "due");
	return json_is_string(d) ? json_string_value(d) : "null";
}

#define SYS(last)                                                                                  \
	"{\"agencies\":[],\"systems\":[{\"id\":1,\"agency_id\":1,\"name\":\"s\","                  \
	"\"kind\":\"portal\",\"level\":3,\"last\":" last "}],\"endpoints\":[]}"

TEST(periodic_control_every_status)
{
	const char *r = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n"
	                                  "warn = 30\n");
	json_t *res = eval(r, SYS("{\"vuln_scan\":\"2026-07-01\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "ok");
	CHECK_STR(due(res, 0), "2027-01-04"); /* 2027-01-01 is a Friday, but... */
	json_decref(res);
	res = eval(r, SYS("{\"vuln_scan\":\"2026-06-10\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "due_soon");
	CHECK_STR(due(res, 0), "2026-12-10");
	json_decref(res);
	res = eval(r, SYS("{\"vuln_scan\":\"2026-05-01\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "overdue");
	CHECK_STR(due(res, 0), "2026-11-02"); /* 1 November 2026 is a Sunday */
	json_decref(res);
	res = eval(r, SYS("{}"), "2026-12-03");
	CHECK_STR(st(res, 0), "missing_evidence");
	CHECK_STR(due(res, 0), "null");
	json_decref(res);
	/* a level filter that the system does not meet */
	const char *r4 = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n"
	                                   "min_level = 4\n");
	res = eval(r4, SYS("{\"vuln_scan\":\"2026-07-01\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "not_applicable");
	json_decref(res);
	/* a kind filter: portals only, the system is an application */
	const char *rp =
	    HEAD CTRL("scan", "applies = portals\nevidence = vuln_scan\nperiod = 1y\n");
	res =
	    eval(rp,
	         "{\"agencies\":[],\"systems\":[{\"id\":1,\"agency_id\":1,\"kind\":\"application\","
	         "\"level\":3,\"last\":{}}]}",
	         "2026-12-03");
	CHECK_STR(st(res, 0), "not_applicable");
	json_decref(res);
}

TEST(leap_years_and_month_ends)
{
	const char *r = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n");
	/* 31 August + 6 months is the last day of February: 29 in 2028 */
	json_t *res = eval(r, SYS("{\"vuln_scan\":\"2027-08-31\"}"), "2027-09-01");
	CHECK_STR(due(res, 0), "2028-02-29"); /* a Tuesday */
	json_decref(res);
	/* ... and 28 in 2027, a Sunday: the next working day */
	res = eval(r, SYS("{\"vuln_scan\":\"2026-08-31\"}"), "2026-09-01");
	CHECK_STR(due(res, 0), "2027-03-01");
	json_decref(res);
	/* a yearly period from 29 February ends on 28 February */
	const char *y = HEAD CTRL("d", "applies = systems\nevidence = drill\nperiod = 1y\n");
	res = eval(y, SYS("{\"drill\":\"2028-02-29\"}"), "2028-03-01");
	CHECK_STR(due(res, 0), "2029-02-28"); /* a Wednesday */
	json_decref(res);
	/* 29 February is no yearly deadline (it would skip three years in four) */
	cg_compliance_rules *rr = malloc(sizeof *rr);
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(parse(HEAD CTRL("x", "applies = agencies\nevidence = record r\ndue = 02-29\n"), rr,
	            &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "t.ini:") != NULL);
	CHECK(cg_compliance_parse_day(cg_slice_cstr("2028-02-29"), &(int32_t){0}));
	CHECK(!cg_compliance_parse_day(cg_slice_cstr("2026-02-29"), &(int32_t){0}));
	cg_buf_free(&why);
	free(rr);
}

TEST(deadline_on_a_public_holiday)
{
	/* 2 September 2026 (Quốc khánh, a Wednesday) is a holiday: the period
	 * ends on Thursday 3 September */
	const char *r = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n");
	json_t *res = eval(r, SYS("{\"vuln_scan\":\"2026-03-02\"}"), "2026-09-03");
	CHECK_STR(due(res, 0), "2026-09-03");
	CHECK_STR(st(res, 0), "due_soon"); /* not overdue on the day it rolled to */
	json_decref(res);
	res = eval(r, SYS("{\"vuln_scan\":\"2026-03-02\"}"), "2026-09-04");
	CHECK_STR(st(res, 0), "overdue");
	json_decref(res);
	/* a yearly deadline inside Tết 2026 (14-22 February) ends on Monday 23 */
	const char *y = HEAD CTRL("rep", "applies = agencies\nevidence = record report\n"
	                                 "due = 02-16\nwarn = 10\n");
	res = eval(y,
	           "{\"agencies\":[{\"id\":1,\"name\":\"a\",\"last\":{\"record:report\":"
	           "\"2025-02-01\"}}]}",
	           "2026-02-20");
	CHECK_STR(due(res, 0), "2026-02-23");
	CHECK_STR(st(res, 0), "due_soon");
	json_decref(res);
}

#define AG(last) "{\"agencies\":[{\"id\":1,\"name\":\"a\",\"last\":" last "}]}"

TEST(yearly_deadline_cycles)
{
	const char *r = HEAD CTRL("annual", "applies = agencies\nevidence = record annual_report\n"
	                                    "due = 12-12\nwarn = 30\n");
	/* 12 December 2026 is a Saturday: due Monday 14 */
	json_t *res = eval(r, AG("{\"record:annual_report\":\"2025-12-10\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "due_soon");
	CHECK_STR(due(res, 0), "2026-12-14");
	json_decref(res);
	res = eval(r, AG("{\"record:annual_report\":\"2025-12-10\"}"), "2026-10-01");
	CHECK_STR(st(res, 0), "ok");
	json_decref(res);
	res = eval(r, AG("{\"record:annual_report\":\"2026-12-01\"}"), "2026-12-03");
	CHECK_STR(st(res, 0), "ok");
	json_decref(res);
	/* last year's report was never sent: overdue since last year's deadline */
	res = eval(r, AG("{\"record:annual_report\":\"2024-12-01\"}"), "2026-03-01");
	CHECK_STR(st(res, 0), "overdue");
	CHECK_STR(due(res, 0), "2025-12-12");
	json_decref(res);
	/* after this year's deadline without this year's report */
	res = eval(r, AG("{\"record:annual_report\":\"2025-12-10\"}"), "2026-12-15");
	CHECK_STR(st(res, 0), "overdue");
	CHECK_STR(due(res, 0), "2026-12-14");
	json_decref(res);
	res = eval(r, AG("{}"), "2026-12-03");
	CHECK_STR(st(res, 0), "missing_evidence");
	json_decref(res);
}

TEST(one_time_and_standing_controls)
{
	const char *r =
	    HEAD CTRL("pub", "applies = agencies\nevidence = contact_published\ndue = 2026-12-31\n"
	                     "warn = 30\n")
	        CTRL("team", "applies = agencies\nevidence = response_team\n");
	const char *none = "{\"agencies\":[{\"id\":1,\"name\":\"a\",\"people\":[]}]}";
	const char *all = "{\"agencies\":[{\"id\":1,\"name\":\"a\",\"people\":[{\"role\":"
	                  "\"contact_point\",\"phone\":\"0213\",\"published_on_portal\":true},"
	                  "{\"role\":\"responsible_officer\"}],\"portal_checks\":[{\"url\":"
	                  "\"https://a.vn/\",\"state\":\"published\",\"date\":\"2026-12-20\"}]}]}";
	json_t *res = eval(r, none, "2026-11-01");
	CHECK_STR(st(res, 0), "missing_evidence");
	CHECK_STR(due(res, 0), "2026-12-31");
	CHECK_STR(st(res, 1), "missing_evidence");
	json_decref(res);
	res = eval(r, none, "2026-12-15");
	CHECK_STR(st(res, 0), "due_soon");
	json_decref(res);
	res = eval(r, none, "2027-01-04");
	CHECK_STR(st(res, 0), "overdue");
	json_decref(res);
	res = eval(r, all, "2027-01-04");
	CHECK_STR(st(res, 0), "ok");
	CHECK_STR(st(res, 1), "ok");
	json_decref(res);
	/* a contact point without phone or e-mail does not count, even when a
	 * page was read */
	res = eval(r,
	           "{\"agencies\":[{\"id\":1,\"people\":[{\"role\":\"contact_point\","
	           "\"phone\":\"\",\"email\":\"\",\"published_on_portal\":true}],"
	           "\"portal_checks\":[{\"url\":\"u\",\"state\":\"published\",\"date\":"
	           "\"2026-12-20\"}]}]}",
	           "2027-01-04");
	CHECK_STR(st(res, 0), "overdue");
	json_decref(res);
}

/* The contact published on the portal is read from the page text the
 * watcher fetched (portal_checks), never from the inventory's flag. */
TEST(contact_published_from_the_page_text)
{
	const char *r = HEAD CTRL("pub", "applies = agencies\nevidence = contact_published\n"
	                                 "due = 2026-12-31\n");
#define PUB_AG(checks)                                                                             \
	"{\"agencies\":[{\"id\":1,\"people\":[{\"role\":\"contact_point\",\"phone\":"              \
	"\"0213 3852 113\",\"published_on_portal\":true}],\"portal_checks\":[" checks "]}]}"
	/* flagged published, but never read: unknown, missing (even past the date) */
	json_t *res = eval(r, PUB_AG(""), "2027-01-04");
	CHECK_STR(st(res, 0), "missing_evidence");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(res, 0), "evidence_en")),
	             "unknown") != NULL);
	json_decref(res);
	/* the page could not be fetched: unknown, never met */
	res = eval(r,
	           PUB_AG("{\"url\":\"https://a.vn/\",\"state\":\"fetch_failed\",\"date\":"
	                  "\"2026-12-20\",\"error\":\"timeout\"}"),
	           "2027-01-04");
	CHECK_STR(st(res, 0), "missing_evidence");
	json_decref(res);
	/* read, and the contact is not in it: not met (past the date: overdue) */
	res = eval(r,
	           PUB_AG("{\"url\":\"https://a.vn/\",\"state\":\"not_found\",\"date\":"
	                  "\"2026-12-20\"}"),
	           "2027-01-04");
	CHECK_STR(st(res, 0), "overdue");
	json_decref(res);
	res = eval(r,
	           PUB_AG("{\"url\":\"https://a.vn/\",\"state\":\"not_found\",\"date\":"
	                  "\"2026-11-20\"}"),
	           "2026-11-21");
	CHECK_STR(st(res, 0), "missing_evidence");
	json_decref(res);
	/* one page of several shows it: met, citing the page */
	res = eval(r,
	           PUB_AG("{\"url\":\"https://a.vn/\",\"state\":\"not_found\",\"date\":"
	                  "\"2026-12-20\"},{\"url\":\"https://a.vn/lien-he\",\"state\":"
	                  "\"published\",\"date\":\"2026-12-19\"}"),
	           "2027-01-04");
	CHECK_STR(st(res, 0), "ok");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(res, 0), "evidence_en")),
	             "https://a.vn/lien-he") != NULL);
	json_decref(res);
#undef PUB_AG
}

/* Phone numbers and e-mail addresses, normalised and found in page text
 * (compliance/contact.h). */
TEST(contact_points_in_page_text)
{
	char n[CG_CONTACT_MAX_PHONE], e[CG_CONTACT_MAX_EMAIL];
	CHECK(cg_contact_phone_norm(cg_slice_cstr("0213 3852 113"), n));
	CHECK_STR(n, "2133852113");
	CHECK(cg_contact_phone_norm(cg_slice_cstr("+84 213.3852.113"), n));
	CHECK_STR(n, "2133852113");
	CHECK(cg_contact_phone_norm(cg_slice_cstr("(+84) (0) 912-345-678"), n));
	CHECK_STR(n, "912345678");
	CHECK(cg_contact_phone_norm(cg_slice_cstr("0912.345.678"), n));
	CHECK_STR(n, "912345678");
	CHECK(!cg_contact_phone_norm(cg_slice_cstr("113"), n));       /* too short */
	CHECK(!cg_contact_phone_norm(cg_slice_cstr("912345678"), n)); /* no 0 or +84 */
	CHECK(!cg_contact_phone_norm(cg_slice_cstr("+1 212 555 0100"), n));
	CHECK(!cg_contact_phone_norm(cg_slice_cstr("0213 3852 113 4567"), n));
	CHECK(cg_contact_email_norm(cg_slice_cstr("  PA05.CAT@LaiChau.gov.vn "), e));
	CHECK_STR(e, "pa05.cat@laichau.gov.vn");
	CHECK(!cg_contact_email_norm(cg_slice_cstr("a@b"), e));
	CHECK(!cg_contact_email_norm(cg_slice_cstr("a@@b.vn"), e));
	CHECK(!cg_contact_email_norm(cg_slice_cstr("a b@c.vn"), e));
	struct {
		const char *text;
		bool want;
	} phones[] = {
	    {"Điện thoại: 0213 3852 113", true},
	    {"ĐT: 0213.3852.113 - Fax: 0213.3852.114", true},
	    {"Hotline (0213) 3852-113.", true},
	    {"Gọi +84 213 3852 113 để báo sự cố", true},
	    {"Gọi (+84) 2133852113", true},
	    {"tel:+842133852113", true},
	    {"ĐT:\xc2\xa0"
	     "0213\xc2\xa0"
	     "3852\xc2\xa0"
	     "113",
	     true},                        /* no-break spaces */
	    {"Mã số 102133852113", false}, /* inside a longer number */
	    {"0213 3852 1130", false},     /* runs on */
	    {"0213 3852 112", false},
	    {"2133852113", false}, /* no trunk prefix: not a phone number as written */
	    {"", false},
	};
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
		bool got = cg_contact_text_has_phone(cg_slice_cstr(phones[i].text), "2133852113");
		if (got != phones[i].want)
			printf("# phone case %zu: '%s'\n", i, phones[i].text);
		CHECK(got == phones[i].want);
	}
	struct {
		const char *text;
		bool want;
	} mails[] = {
	    {"Email: pa05.cat@laichau.gov.vn", true},
	    {"Thư điện tử: PA05.CAT@LAICHAU.GOV.VN.", true},
	    {"pa05.cat[at]laichau.gov.vn", true},
	    {"pa05.cat (at) laichau[dot]gov[dot]vn", true},
	    {"mailto:pa05.cat@laichau.gov.vn", true},
	    {"pa05.cat @ laichau.gov.vn", true},
	    {"xpa05.cat@laichau.gov.vn", false},    /* another address */
	    {"pa05.cat@laichau.gov.vn.com", false}, /* another domain */
	    {"pa05.cat@laichau.gov", false},
	    {"pa05.cat", false},
	};
	for (size_t i = 0; i < sizeof mails / sizeof mails[0]; i++) {
		bool got = cg_contact_text_has_email(cg_slice_cstr(mails[i].text),
		                                     "pa05.cat@laichau.gov.vn");
		if (got != mails[i].want)
			printf("# e-mail case %zu: '%s'\n", i, mails[i].text);
		CHECK(got == mails[i].want);
	}
}

TEST(breaches_are_overdue)
{
	const char *r = HEAD CTRL("av", "applies = agencies\nevidence = av_coverage\n")
	    CTRL("sec", "applies = agencies\nevidence = secrets_clean\n")
	        CTRL("ep", "applies = endpoints\nevidence = agent_seen\n");
	json_t *res =
	    eval(r,
	         "{\"agencies\":[{\"id\":1,\"declared_endpoints\":10,\"agents\":9,\"protected\":8,"
	         "\"open_secrets\":2}],\"endpoints\":[{\"agent_id\":\"x\",\"agency_id\":1,"
	         "\"host\":\"pc1\",\"offline\":true},{\"agent_id\":\"y\",\"agency_id\":1,"
	         "\"host\":\"pc2\",\"offline\":false}]}",
	         "2026-12-03");
	CHECK_STR(st(res, 0), "overdue");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(res, 0), "evidence_en")),
	             "8/10") != NULL);
	CHECK_STR(st(res, 1), "overdue");
	CHECK_STR(st(res, 2), "overdue");
	CHECK_STR(st(res, 3), "ok");
	CHECK_STR(json_string_value(json_object_get(json_array_get(res, 2), "subject_id")), "x");
	json_decref(res);
	res = eval(r,
	           "{\"agencies\":[{\"id\":1,\"declared_endpoints\":0,\"agents\":3,"
	           "\"open_secrets\":0}],\"endpoints\":[]}",
	           "2026-12-03");
	CHECK_STR(st(res, 0), "missing_evidence"); /* nothing declared: cannot say 100% */
	CHECK_STR(st(res, 1), "ok");
	json_decref(res);
}

TEST(incident_report_clocks)
{
	const char *r =
	    HEAD CTRL("inc", "applies = agencies\nevidence = incident_reports\nwarn = 2\n");
#define INC(det, rep)                                                                              \
	"{\"agencies\":[{\"id\":1,\"incidents\":[{\"number\":\"SC-2026-0001\",\"detected_"         \
	"at\":" det ",\"reported_at\":" rep "}]}]}"
	/* detected 25 November, due at the end of 30 November, not reported */
	json_t *res = eval(r, INC("\"2026-11-25T10:00:00+07:00\"", "null"), "2026-12-03");
	CHECK_STR(st(res, 0), "overdue");
	CHECK_STR(due(res, 0), "2026-11-30");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(res, 0), "evidence")),
	             "SC-2026-0001") != NULL);
	json_decref(res);
	res = eval(r, INC("\"2026-11-25T10:00:00+07:00\"", "\"2026-11-27T09:00:00+07:00\""),
	           "2026-12-03");
	CHECK_STR(st(res, 0), "ok");
	json_decref(res);
	res = eval(r, INC("\"2026-11-27T10:00:00+07:00\"", "null"), "2026-11-30");
	CHECK_STR(st(res, 0), "due_soon");
	CHECK_STR(due(res, 0), "2026-12-02");
	json_decref(res);
	res = eval(r, "{\"agencies\":[{\"id\":1,\"incidents\":[]}]}", "2026-12-03");
	CHECK_STR(st(res, 0), "ok");
	json_decref(res);
}

/* A subject with everything and one with nothing, for every shipped
 * control of both regimes. */
static const char *FULL =
    "{\"agencies\":[{\"id\":1,\"name\":\"full\",\"kind\":\"so_ban_nganh\","
    "\"declared_endpoints\":2,\"agents\":2,\"protected\":2,\"open_secrets\":0,\"incidents\":[],"
    "\"people\":[{\"role\":\"contact_point\",\"phone\":\"1\",\"email\":\"a@b\","
    "\"published_on_portal\":true},{\"role\":\"responsible_officer\"}],"
    "\"portal_checks\":[{\"url\":\"https://p.vn/\",\"state\":\"published\",\"date\":\"DAY\"}],"
    "\"last\":{\"accounts_audit\":\"DAY\",\"record:password_change\":\"DAY\","
    "\"record:iot_check\":\"DAY\",\"record:annual_report\":\"DAY\"}},"
    "{\"id\":2,\"name\":\"empty\",\"kind\":\"xa\",\"declared_endpoints\":5,\"agents\":0,"
    "\"open_secrets\":1,\"people\":[],\"last\":{},\"incidents\":[{\"number\":\"SC-1\","
    "\"detected_at\":\"2026-01-01T00:00:00+07:00\",\"reported_at\":null}]}],"
    "\"systems\":[{\"id\":1,\"agency_id\":1,\"name\":\"p\",\"kind\":\"portal\",\"level\":5,"
    "\"dossier_status\":\"approved\",\"dossier_dates\":{\"approved\":\"2024-01-01\"},"
    "\"last\":{\"vuln_scan\":\"DAY\",\"drill\":\"DAY\",\"record:protection_plan\":\"DAY\","
    "\"record:playbook\":\"DAY\",\"record:assessment\":\"DAY\",\"record:owner_report\":\"DAY\"}},"
    "{\"id\":2,\"agency_id\":2,\"name\":\"q\",\"kind\":\"portal\",\"level\":5,"
    "\"dossier_status\":\"draft\",\"last\":{}},"
    "{\"id\":3,\"agency_id\":1,\"name\":\"r\",\"kind\":\"application\",\"level\":3,"
    "\"dossier_status\":\"approved\",\"dossier_dates\":{\"approved\":\"2024-01-01\"},"
    "\"last\":{\"vuln_scan\":\"DAY\",\"drill\":\"DAY\",\"record:protection_plan\":\"DAY\","
    "\"record:playbook\":\"DAY\",\"record:assessment\":\"DAY\",\"record:owner_report\":\"DAY\"}},"
    "{\"id\":4,\"agency_id\":2,\"name\":\"t\",\"kind\":\"application\",\"level\":3,"
    "\"dossier_status\":\"none\",\"last\":{}}],"
    "\"endpoints\":[{\"agent_id\":\"a\",\"agency_id\":1,\"host\":\"h\",\"offline\":false},"
    "{\"agent_id\":\"b\",\"agency_id\":2,\"host\":\"g\",\"offline\":true}]}";

static void every_control(const char *regime, const char *today, const char *evdate)
{
	static cg_compliance_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_compliance_load(NULL, regime, D(today), &r, &why);
	CHECK(err == CG_OK);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
	char facts_text[8192];
	size_t o = 0;
	for (const char *p = FULL; *p && o < sizeof facts_text - 16; p++) {
		if (strncmp(p, "DAY", 3) == 0) {
			memcpy(facts_text + o, evdate, 10);
			o += 10;
			p += 2;
		} else
			facts_text[o++] = *p;
	}
	facts_text[o] = 0;
	json_t *facts = json_loads(facts_text, 0, NULL);
	CHECK(facts != NULL);
	json_t *res = NULL;
	CHECK(cg_compliance_evaluate(&r, CAL, facts, D(today), &res) == CG_OK);
	CHECK(r.n_control >= 18);
	for (int i = 0; i < r.n_control; i++) {
		int good = 0, bad = 0;
		size_t j;
		json_t *x;
		json_array_foreach(res, j, x)
		{
			if (strcmp(json_string_value(json_object_get(x, "control")),
			           r.control[i].id))
				continue;
			const char *s = json_string_value(json_object_get(x, "status"));
			int64_t ag = json_integer_value(json_object_get(x, "agency_id"));
			if (ag == 1 && strcmp(s, "ok") == 0)
				good++;
			else if (ag == 2 && cg_compliance_needs_action(x))
				bad++;
			else if (strcmp(s, "not_applicable") != 0)
				printf("# %s %s: agency %lld is %s\n", regime, r.control[i].id,
				       (long long)ag, s);
			CHECK(json_string_value(json_object_get(x, "legal_basis"))[0] != 0);
		}
		if (!good || !bad)
			printf("# %s %s: %d met, %d failed\n", regime, r.control[i].id, good, bad);
		CHECK(good >= 1 && bad >= 1);
	}
	json_decref(res);
	json_decref(facts);
}

TEST(every_shipped_control_both_regimes)
{
	every_control("decree85", "2026-03-02", "2026-03-01");
	every_control("law2025", "2026-12-03", "2026-12-01");
}

TEST(regime_switch_on_1_july_2026)
{
	static cg_compliance_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_compliance_load(NULL, NULL, D("2026-06-30"), &r, &why) == CG_OK);
	CHECK_STR(r.regime, "decree85");
	bool pending = false;
	for (int i = 0; i < r.n_control; i++)
		pending |= r.control[i].pending_decree;
	CHECK(!pending);
	CHECK(cg_compliance_load(NULL, NULL, D("2026-07-01"), &r, &why) == CG_OK);
	CHECK_STR(r.regime, "law2025");
	for (int i = 0; i < r.n_control; i++)
		if (strcmp(r.control[i].id, "classification") == 0)
			CHECK(r.control[i].pending_decree);
	CHECK(cg_compliance_load(NULL, "decree85", D("2026-12-03"), &r, &why) == CG_OK);
	CHECK_STR(r.regime, "decree85");
	CHECK(cg_compliance_load(NULL, "nope", D("2026-12-03"), &r, &why) == CG_ENOTFOUND);
	CHECK(cg_compliance_load(NULL, NULL, D("2010-01-01"), &r, &why) == CG_ENOTFOUND);
	/* the province's own file is part of both regimes */
	bool province = false;
	for (int i = 0; i < r.n_control; i++)
		province |= strcmp(r.control[i].id, "accounts_audit") == 0;
	CHECK(province);
	cg_buf_free(&why);
}

TEST(summary_and_calendar)
{
	const char *r = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n"
	                                  "warn = 30\n");
	const char *facts =
	    "{\"agencies\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"},{\"id\":3,"
	    "\"name\":\"c\"}],\"systems\":["
	    "{\"id\":1,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{\"vuln_scan\":"
	    "\"2026-07-01\"}},"
	    "{\"id\":2,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{\"vuln_scan\":"
	    "\"2026-06-10\"}},"
	    "{\"id\":3,\"agency_id\":2,\"kind\":\"portal\",\"level\":1,\"last\":{}}]}";
	json_t *res = eval(r, facts, "2026-12-03");
	static cg_compliance_rules rr;
	parse(r, &rr, NULL);
	json_t *facts_j = json_loads(facts, 0, NULL);
	json_t *sum = cg_compliance_summary(&rr, facts_j, res, D("2026-12-03"));
	CHECK(json_integer_value(json_object_get(sum, "percent")) == 66);
	json_t *ags = json_object_get(sum, "agencies");
	CHECK(json_integer_value(json_object_get(json_array_get(ags, 0), "percent")) == 100);
	CHECK(json_integer_value(json_object_get(json_array_get(ags, 1), "percent")) == 0);
	CHECK(json_is_null(json_object_get(json_array_get(ags, 2), "percent")));
	json_t *cal = cg_compliance_calendar(res, D("2026-12-03"), 90);
	CHECK(json_array_size(cal) == 2);
	CHECK_STR(due(cal, 0), "2026-12-10");
	CHECK_STR(due(cal, 1), "2027-01-04");
	json_decref(cal);
	json_decref(sum);
	json_decref(facts_j);
	json_decref(res);
}

TEST(reminders_once_per_due_date_and_status)
{
	const char *r = HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n"
	                                  "warn = 30\n");
	const char *facts =
	    "{\"systems\":["
	    "{\"id\":1,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{\"vuln_scan\":"
	    "\"2026-07-01\"}},"
	    "{\"id\":2,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{\"vuln_scan\":"
	    "\"2026-06-10\"}},"
	    "{\"id\":3,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{\"vuln_scan\":"
	    "\"2026-05-01\"}},"
	    "{\"id\":4,\"agency_id\":1,\"kind\":\"portal\",\"level\":1,\"last\":{}}]}";
	json_t *a = eval(r, facts, "2026-12-03"); /* ok, due_soon, overdue, missing */
	json_t *b = eval(r, facts, "2026-12-04"); /* the same, a day later */
	json_t *c = eval(r, facts, "2026-12-11"); /* 2 overdue, 1 due soon */
	json_t *ra = cg_compliance_reminders(a), *rb = cg_compliance_reminders(b),
	       *rc = cg_compliance_reminders(c);
	CHECK(json_array_size(ra) == 2 && json_array_size(rb) == 2 && json_array_size(rc) == 3);
	const char *id0 = json_string_value(json_object_get(json_array_get(ra, 0), "id"));
	const char *id1 = json_string_value(json_object_get(json_array_get(ra, 1), "id"));
	CHECK(strlen(id0) == 36 && strncmp(id0, "cmp-", 4) == 0 && strcmp(id0, id1) != 0);
	/* the same reminder the next day: the same id (sent once) */
	CHECK_STR(json_string_value(json_object_get(json_array_get(rb, 0), "id")), id0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(rb, 1), "id")), id1);
	/* due soon -> overdue: a new reminder; the one overdue already: the same */
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(rc, 1), "id")), id0) != 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(rc, 2), "id")), id1);
	json_decref(ra);
	json_decref(rb);
	json_decref(rc);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

TEST(records_of_evidence)
{
	int64_t now = 1796169600000LL; /* 2026-12-02T00:00Z: 07:00 on 2 December in Vietnam */
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{\"date\":\"2026-12-01\",\"agency_id\":1}", "kind"},
	    {"{\"kind\":\"Assessment\",\"date\":\"2026-12-01\",\"agency_id\":1}", "kind"},
	    {"{\"kind\":\"assessment\",\"date\":\"2026-12-03\",\"agency_id\":1}", "date"},
	    {"{\"kind\":\"assessment\",\"date\":\"2026-02-29\",\"agency_id\":1}", "date"},
	    {"{\"kind\":\"assessment\",\"date\":\"2026-12-01\",\"agency_id\":0}", "agency_id"},
	    {"{\"kind\":\"assessment\",\"date\":\"2026-12-01\",\"agency_id\":1,"
	     "\"system_id\":\"x\"}",
	     "system_id"},
	    {"{\"kind\":\"assessment\",\"date\":\"2026-12-01\",\"agency_id\":1,"
	     "\"assessor\":5}",
	     "assessor"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *in = json_loads(bad[i].body, 0, NULL), *out = NULL;
		const char *field = NULL;
		CHECK(cg_compliance_record_normalize(in, now, &out, &field) == CG_EINVAL);
		CHECK_STR(field, bad[i].field);
		json_decref(in);
	}
	json_t *in = json_loads("{\"kind\":\"assessment\",\"date\":\"2026-12-02\",\"agency_id\":3,"
	                        "\"system_id\":7,\"assessor\":\"NCSC\",\"extra\":1}",
	                        0, NULL);
	json_t *rec = NULL;
	const char *field = NULL;
	CHECK(cg_compliance_record_normalize(in, now, &rec, &field) == CG_OK);
	CHECK(json_object_get(rec, "extra") == NULL);
	cg_event ev;
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_compliance_record_event(rec, "Cổng", &ev, &why) == CG_OK);
	CHECK_STR(ev.source, "record");
	CHECK_STR(ev.kind, "assessment");
	char t[40];
	cg_time_format(ev.time_ms, t, sizeof t);
	CHECK_STR(t, "2026-12-02T05:00:00.000Z"); /* noon in Vietnam */
	cg_event_clear(&ev);
	cg_buf_free(&why);
	json_decref(rec);
	json_decref(in);
}

TEST(rule_file_changed_on_disk)
{
	char dir[] = "/tmp/cg-compliance-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char sub[128], file[160];
	snprintf(sub, sizeof sub, "%s/prov", dir);
	snprintf(file, sizeof file, "%s/a.ini", sub);
	mkdir(sub, 0700);
	const char *v1 =
	    HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 6m\n");
	const char *v2 =
	    HEAD CTRL("scan", "applies = systems\nevidence = vuln_scan\nperiod = 12m\n");
	json_t *facts = json_loads(SYS("{\"vuln_scan\":\"2026-03-01\"}"), 0, NULL);
	static cg_compliance_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	const char *want[2] = {"overdue", "ok"};
	const char *text[2] = {v1, v2};
	for (int k = 0; k < 2; k++) {
		CHECK(cg_write_file_atomic(file, text[k], strlen(text[k]), 0600, &why) == CG_OK);
		CHECK(cg_compliance_load(dir, NULL, D("2026-12-03"), &r, &why) == CG_OK);
		json_t *res = NULL;
		CHECK(cg_compliance_evaluate(&r, CAL, facts, D("2026-12-03"), &res) == CG_OK);
		CHECK_STR(st(res, 0), want[k]);
		json_decref(res);
	}
	/* a bad file in any regime directory is an error naming it */
	const char *bad = HEAD CTRL("scan", "applies = systems\nevidence = scan_everything\n");
	cg_write_file_atomic(file, bad, strlen(bad), 0600, &why);
	CHECK(cg_compliance_load(dir, NULL, D("2026-12-03"), &r, &why) == CG_EPARSE);
	CHECK(strstr(cg_buf_cstr(&why), "prov/a.ini:10: unknown evidence kind") != NULL);
	printf("# %s\n", cg_buf_cstr(&why));
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	cg_buf_free(&why);
	json_decref(facts);
}

TEST(parse_errors_name_file_and_line)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {HEAD CTRL("a", "applies = systems\nevidence = nothing\n"),
	     "t.ini:10: unknown evidence kind 'nothing'"},
	    {HEAD CTRL("a", "applies = systems\nevidence = vuln_scan\ndue = 2026-02-30\n"),
	     "t.ini:11: bad date '2026-02-30'"},
	    {HEAD CTRL("a", "applies = systems\nevidence = vuln_scan\ndue = 13-01\n"),
	     "t.ini:11: bad date"},
	    {HEAD "from = 2026-7-1\n", "t.ini:3: bad date"},
	    {HEAD CTRL("a", "applies = systems\nevidence = vuln_scan\nperiod = 6w\n"),
	     "t.ini:11: bad period"},
	    {HEAD CTRL("a", "applies = planets\n"), "t.ini:9: applies must be"},
	    {HEAD CTRL("a", "applies = systems\n"), "t.ini:3: control a needs evidence"},
	    {HEAD "[control a]\ntitle_vi = x\n", "t.ini:3: control a needs title_vi and title_en"},
	    {HEAD CTRL("a", "applies = agencies\nevidence = drill\n"),
	     "t.ini:3: control a: evidence drill cannot be read for agency"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\nperiod = 1y\ndue = 12-12\n"),
	     "t.ini:3: control a has both a period and a due date"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\ncolour = red\n"),
	     "t.ini:11: unknown key 'colour'"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\n") CTRL("a", ""),
	     "t.ini:11: control a is defined twice (first in t.ini:3)"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\nsystem_kinds = castle\n"),
	     "t.ini:11: system_kinds: unknown value 'castle'"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\nseed = 4\n"),
	     "t.ini:11: seed: '4' is not a seed number"},
	    {HEAD CTRL("a", "applies = systems\nevidence = record\n"),
	     "t.ini:10: evidence record needs one record kind"},
	    {"title_vi = x\n", "t.ini:1: a key outside"},
	    {"[regime\n", "t.ini:1: a section header ends with ']'"},
	    {"[regime]\nname = x\n[regime]\n", "t.ini:3: a second [regime] section"},
	    {HEAD CTRL("a", "applies = systems\nevidence = drill\nwarn = 999\n"), "t.ini:11: warn"},
	    {HEAD "until = 2020-01-01\nfrom = 2021-01-01\n", "t.ini:4: from is after until"},
	    {HEAD CTRL("a", "applies = agencies\nevidence = av_coverage\nmin_level = 3\n"),
	     "t.ini:3: control a: system_kinds and levels are for systems"},
	};
	static cg_compliance_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cg_err err = parse(cases[i].text, &r, &why);
		bool good = err != CG_OK &&
		            strncmp(cg_buf_cstr(&why), cases[i].want, strlen(cases[i].want)) == 0;
		if (!good)
			printf("# case %zu: got '%s', want '%s'\n", i,
			       err ? cg_buf_cstr(&why) : "OK", cases[i].want);
		CHECK(good);
	}
	/* a good file: both kinds of text, a BOM, comments, CRLF */
	CHECK(parse("\xEF\xBB\xBF# c\r\n" HEAD CTRL("a", "applies = systems\nevidence = drill\r\n"
	                                                 "period = 1y\nwarn = 0\n"),
	            &r, &why) == CG_OK);
	CHECK(r.n_control == 1 && r.control[0].period_months == 12 && r.control[0].warn_days == 0);
	cg_buf_free(&why);
}

int main(void)
{
	CAL = malloc(sizeof *CAL);
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_deadline_load_default(CAL, &why)) {
		printf("Bail out! %s\n", cg_buf_cstr(&why));
		return 1;
	}
	cg_buf_free(&why);
	RUN(periodic_control_every_status);
	RUN(leap_years_and_month_ends);
	RUN(deadline_on_a_public_holiday);
	RUN(yearly_deadline_cycles);
	RUN(one_time_and_standing_controls);
	RUN(contact_published_from_the_page_text);
	RUN(contact_points_in_page_text);
	RUN(breaches_are_overdue);
	RUN(incident_report_clocks);
	RUN(every_shipped_control_both_regimes);
	RUN(regime_switch_on_1_july_2026);
	RUN(summary_and_calendar);
	RUN(reminders_once_per_due_date_and_status);
	RUN(records_of_evidence);
	RUN(rule_file_changed_on_disk);
	RUN(parse_errors_name_file_and_line);
	free(CAL);
	return test_done();
}
