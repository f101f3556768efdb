/*
 * demo_compliance.c - evidence for the compliance controls of the demo
 * province, so that the Tuân thủ page shows agencies that are ahead, late
 * and missing evidence (compliance/compliance.h):
 *   - ahead (Sở Khoa học và Công nghệ, Sở Y tế): recent records (protection
 *     plan, playbook, assessment, owner report, password change, IoT
 *     check, annual report), exposure scans and account audits within
 *     their period, drills within the year;
 *   - late (Sở Tài chính, Sở Nội vụ): the same evidence, but older than
 *     its period;
 *   - every other agency: none, so missing evidence.
 * The portal watcher's contact check (portal_contact events) is seeded
 * for the same four: published for the two ahead, not found on STC's
 * page, SNV's page not fetched (unknown).
 * Records and scans are events (source "record", "exposure", "accounts")
 * with fixed ids, drills are drill records; all go through the store like
 * any client's, and a second seeding adds nothing (duplicate event ids, a
 * system that has a drill already).
 */
#include <stdio.h>
#include <string.h>

#include "compliance/compliance.h"
#include "compliance/contact.h"
#include "core/timeutil.h"
#include "demo/demo.h"
#include "drill/drill.h"

#define DAY_MIN (24 * 60)

typedef struct demo_profile {
	const char *code;
	int age_days; /* how old every piece of evidence is */
} demo_profile;

static const demo_profile PROFILES[] = {
    {"SKHCN", 20},
    {"SYT", 45},
    {"STC", 400},
    {"SNV", 250},
};

/* What the portal watcher read on each profile's portal (server/
 * portal_contact.h): SKHCN and SYT show their contact point, STC's page
 * does not, SNV's could not be fetched. */
static const char *const CONTACT_STATES[] = {"published", "published", "not_found", "fetch_failed"};

static const char *const AGENCY_RECORDS[] = {"password_change", "iot_check", "annual_report"};
static const char *const SYSTEM_RECORDS[] = {"protection_plan", "playbook", "assessment",
                                             "owner_report"};

#define MAX_EV 96

typedef struct batch {
	cg_event ev[MAX_EV];
	cg_event_in in[MAX_EV];
	int n;
} batch;

static cg_err add_event_ev(batch *b, const char *id, int64_t when, const char *agency_name,
                           int64_t agency, int64_t system, const char *source, const char *kind,
                           const char *subject, const char *summary, json_t *evidence)
{
	if (b->n >= MAX_EV)
		return CG_EINTERNAL;
	char t[40];
	cg_time_format(when, t, sizeof t);
	json_t *obj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", id, "time", t,
	                        "host", "canhgac-demo", "agency", agency_name, "source", source,
	                        "kind", kind, "severity", "info", "subject", subject, "summary",
	                        summary, "evidence", evidence ? evidence : json_object());
	if (!obj)
		return CG_ENOMEM;
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_err err = cg_event_decode(obj, &b->ev[b->n], false, &why);
	cg_buf_free(&why);
	json_decref(obj);
	if (err)
		return err;
	b->in[b->n] = (cg_event_in){.ev = &b->ev[b->n],
	                            .agency_id = agency,
	                            .system_id = system,
	                            .producer = "server:demo"};
	b->n++;
	return CG_OK;
}

static cg_err add_event(batch *b, const char *id, int64_t when, const char *agency_name,
                        int64_t agency, int64_t system, const char *source, const char *kind,
                        const char *subject, const char *summary)
{
	return add_event_ev(b, id, when, agency_name, agency, system, source, kind, subject,
	                    summary, NULL);
}

/* The watcher's contact check of the agency's first portal URL. */
static cg_err add_contact_check(batch *b, const demo_profile *pr, const char *state, int64_t now_ms,
                                const char *agency_name, int64_t agency, const json_t *sys,
                                const json_t *people)
{
	const char *url = json_string_value(json_array_get(json_object_get(sys, "urls"), 0));
	if (!url)
		return CG_OK;
	json_t *found = json_array(), *p;
	size_t i;
	char ph[CG_CONTACT_MAX_PHONE];
	json_array_foreach(people, i, p)
	{
		const char *phone = json_string_value(json_object_get(p, "phone"));
		if (!strcmp(state, "published") && phone &&
		    cg_contact_phone_norm(cg_slice_cstr(phone), ph))
			json_array_append_new(found, json_string(ph));
	}
	json_t *ev = json_pack("{s:s, s:s, s:o}", "state", state, "url", url, "found", found);
	if (ev && !strcmp(state, "fetch_failed"))
		json_object_set_new(ev, "error", json_string("timeout: Connection timed out"));
	char id[96];
	snprintf(id, sizeof id, "demo-cmp-%s-contact", pr->code);
	return add_event_ev(b, id, now_ms - 2LL * 3600 * 1000, agency_name, agency,
	                    json_integer_value(json_object_get(sys, "id")),
	                    CG_COMPLIANCE_CONTACT_SOURCE, state, url,
	                    !strcmp(state, "published")
	                        ? "Đầu mối ứng cứu sự cố đã công bố trên trang (dữ liệu mẫu)"
	                        : "Kiểm tra đầu mối ứng cứu sự cố trên trang (dữ liệu mẫu)",
	                    ev);
}

static cg_err seed_drill(cg_store *st, const cg_scope *scope, int64_t system, int64_t when,
                         int64_t now_ms)
{
	json_t *have = NULL;
	int64_t total = 0;
	cg_err err = cg_store_drill_list(st, scope, system, 1, 0, &have, &total);
	json_decref(have);
	if (err || total > 0)
		return err;
	char day[40];
	cg_time_format(when + 7LL * 3600 * 1000, day, sizeof day);
	day[10] = 0; /* the Vietnam date */
	json_t *in = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "system_id", (json_int_t)system, "date",
	                       day, "scenario", "Diễn tập thực chiến: tấn công thay đổi giao diện",
	                       "participants", "Tổ ứng cứu sự cố của cơ quan; Đội ứng cứu tỉnh",
	                       "result", "passed", "findings", "");
	json_t *rec = NULL;
	const char *field = NULL;
	err = in ? cg_drill_normalize(in, now_ms, &rec, &field) : CG_ENOMEM;
	json_decref(in);
	if (!err) {
		int64_t id = 0;
		cg_actor actor = {"server:demo"};
		err = cg_store_drill_create(st, scope, &actor, rec, &id);
	}
	json_decref(rec);
	return err;
}

cg_err cg_demo_seed_compliance(cg_store *st, int64_t now_ms, int *events)
{
	static batch b;
	b.n = 0;
	*events = 0;
	cg_scope province = {0};
	cg_err err = CG_OK;
	for (size_t p = 0; p < sizeof PROFILES / sizeof PROFILES[0] && !err; p++) {
		const demo_profile *pr = &PROFILES[p];
		int64_t agency = 0;
		json_t *ag = NULL, *systems = NULL;
		if ((err = cg_store_agency_lookup(st, &province, pr->code, &agency)) ||
		    (err = cg_store_inv_get(st, &province, CG_RES_AGENCY, agency, &ag)))
			break;
		const char *name = json_string_value(json_object_get(ag, "name"));
		int64_t when = now_ms - (int64_t)pr->age_days * DAY_MIN * 60000;
		char id[96];
		for (size_t r = 0; r < 3 && !err; r++) {
			snprintf(id, sizeof id, "demo-cmp-%s-%s", pr->code, AGENCY_RECORDS[r]);
			err = add_event(&b, id, when, name, agency, 0, "record", AGENCY_RECORDS[r],
			                name, "Hồ sơ minh chứng tuân thủ (dữ liệu mẫu)");
		}
		snprintf(id, sizeof id, "demo-cmp-%s-accounts", pr->code);
		if (!err)
			err = add_event(&b, id, when, name, agency, 0, "accounts", "stale_account",
			                "ketoan01",
			                "Tài khoản không dùng quá 90 ngày (rà soát định kỳ)");
		json_t *filters = json_pack("{s:I}", "agency_id", (json_int_t)agency);
		json_t *people = NULL;
		int64_t total = 0;
		if (!err)
			err = cg_store_inv_list(st, &province, CG_RES_SYSTEM, filters,
			                        CG_MAX_LIST_LIMIT, 0, &systems, &total);
		if (!err)
			err = cg_store_inv_list(st, &province, CG_RES_PERSON, filters,
			                        CG_MAX_LIST_LIMIT, 0, &people, &total);
		bool checked = false;
		json_decref(filters);
		size_t i;
		json_t *s;
		json_array_foreach(systems, i, s)
		{
			if (err)
				break;
			int64_t sid = json_integer_value(json_object_get(s, "id"));
			const char *skind = json_string_value(json_object_get(s, "kind"));
			if (!checked && skind && !strcmp(skind, "portal")) {
				checked = true;
				err = add_contact_check(&b, pr, CONTACT_STATES[p], now_ms, name,
				                        agency, s, people);
			}
			const char *sname = json_string_value(json_object_get(s, "name"));
			for (size_t r = 0; r < 4 && !err; r++) {
				snprintf(id, sizeof id, "demo-cmp-%s-%lld-%s", pr->code,
				         (long long)sid, SYSTEM_RECORDS[r]);
				err = add_event(&b, id, when, name, agency, sid, "record",
				                SYSTEM_RECORDS[r], sname,
				                "Hồ sơ minh chứng tuân thủ (dữ liệu mẫu)");
			}
			snprintf(id, sizeof id, "demo-cmp-%s-%lld-scan", pr->code, (long long)sid);
			if (!err)
				err = add_event(&b, id, when, name, agency, sid, "exposure",
				                "missing_header", sname,
				                "Thiếu tiêu đề bảo mật Content-Security-Policy (rà "
				                "quét định kỳ)");
			if (!err &&
			    json_integer_value(json_object_get(s, "level")) >= CG_DRILL_MIN_LEVEL)
				err = seed_drill(st, &province, sid, when, now_ms);
		}
		json_decref(systems);
		json_decref(people);
		json_decref(ag);
	}
	if (!err && b.n) {
		size_t accepted = 0, dups = 0;
		err = cg_store_events_insert(st, b.in, (size_t)b.n, now_ms, &accepted, &dups);
		*events = (int)accepted;
	}
	for (int i = 0; i < b.n; i++)
		cg_event_clear(&b.ev[i]);
	return err;
}
