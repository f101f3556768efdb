/* libFuzzer target: a compliance control file (compliance/compliance.h).
 * A file either parses, and then every control is consistent (ids unique,
 * levels ordered, a period or a due date but not both, a record kind for
 * record evidence) and evaluating it on facts with every kind of subject
 * gives one result per control and subject with a known status; or it
 * fails with a reason that names the file and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/compliance.h"

static const char FACTS[] =
    "{\"agencies\":[{\"id\":1,\"name\":\"a\",\"kind\":\"xa\",\"declared_endpoints\":2,"
    "\"agents\":1,\"open_secrets\":0,\"people\":[{\"role\":\"contact_point\",\"phone\":\"1\"}],"
    "\"last\":{\"record:x\":\"2026-01-31\"},\"incidents\":[{\"number\":\"SC-1\","
    "\"detected_at\":\"2026-02-27T23:59:00+07:00\",\"reported_at\":null}]}],"
    "\"systems\":[{\"id\":1,\"agency_id\":1,\"kind\":\"portal\",\"level\":3,"
    "\"dossier_status\":\"approved\",\"dossier_dates\":{\"approved\":\"2024-02-29\"},"
    "\"last\":{\"vuln_scan\":\"2025-08-31\",\"drill\":\"2024-02-29\"}}],"
    "\"endpoints\":[{\"agent_id\":\"e\",\"agency_id\":1,\"host\":\"h\",\"offline\":true}]}";
static const char CAL[] = "timezone Asia/Ho_Chi_Minh +07:00\nweekend sat sun\n"
                          "rule r\nfrom detected\nstop initial_reported\nperiod 5 calendar_days\n"
                          "roll yes\nnotify x\nlabel_vi a\nlabel_en b\n"
                          "year 2026 t\nholiday 2026-02-14..2026-02-22 Tet\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_compliance_rules r;
	static cg_deadline_rules cal;
	static json_t *facts;
	if (!facts) {
		facts = json_loads(FACTS, 0, NULL);
		if (!facts || cg_deadline_parse(cg_slice_cstr(CAL), "cal", &cal, NULL))
			abort();
	}
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_compliance_init(&r);
	cg_err err = cg_compliance_parse(cg_slice_from((const char *)data, size), "f", &r, &why);
	if (err) {
		if (strncmp(cg_buf_cstr(&why), "f:", 2) != 0)
			abort();
		cg_buf_free(&why);
		return 0;
	}
	cg_buf_free(&why);
	for (int i = 0; i < r.n_control; i++) {
		const cg_control *c = &r.control[i];
		if (c->min_level > c->max_level ||
		    (c->evidence == CG_EV_RECORD && !c->record_kind[0]))
			abort();
		if ((c->period_months || c->period_days) &&
		    (c->due_month || c->due_once != INT32_MIN))
			abort();
		for (int j = 0; j < i; j++)
			if (strcmp(c->id, r.control[j].id) == 0)
				abort();
	}
	json_t *res = NULL;
	int32_t day = cg_civil_to_day(2026, 2, 28);
	if (cg_compliance_evaluate(&r, &cal, facts, day, &res))
		abort();
	if (json_array_size(res) != (size_t)r.n_control)
		abort(); /* one agency, one system, one endpoint */
	size_t i;
	json_t *x;
	json_array_foreach(res, i, x)
	{
		const char *s = json_string_value(json_object_get(x, "status"));
		bool known = false;
		for (int k = 0; k < CG_CS_COUNT; k++)
			known |= s && strcmp(s, cg_cstatus_name((cg_cstatus)k)) == 0;
		if (!known)
			abort();
	}
	json_t *sum = cg_compliance_summary(&r, facts, res, day);
	json_t *cl = cg_compliance_calendar(res, day, 90);
	if (!sum || !cl)
		abort();
	json_decref(sum);
	json_decref(cl);
	json_decref(res);
	return 0;
}
