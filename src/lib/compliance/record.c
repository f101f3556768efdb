/*
 * record.c - records of compliance evidence that canhgac cannot see by
 * itself (an outside assessment, a protection plan, a playbook, a password
 * change attestation, the annual report...), as the API takes them, and
 * the event that stores them (source "record", kind the record's kind,
 * time the record's date at noon in Vietnam), which is what the
 * `record KIND` evidence of compliance.h reads. See compliance.h.
 */
#include <stdio.h>
#include <string.h>

#include "compliance.h"
#include "core/json.h"
#include "core/timeutil.h"

static bool kind_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= CG_COMPLIANCE_MAX_NAME || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool text_ok(const json_t *v, size_t max)
{
	if (!v || json_is_null(v))
		return true;
	const char *s = json_string_value(v);
	return s && strlen(s) <= max && cg_utf8_valid(cg_slice_cstr(s));
}

cg_err cg_compliance_record_normalize(const json_t *in, int64_t now_ms, json_t **out,
                                      const char **field)
{
	*out = NULL;
	*field = "";
	if (!json_is_object(in))
		return CG_EINVAL;
	const char *kind = json_string_value(json_object_get(in, "kind"));
	const char *date = json_string_value(json_object_get(in, "date"));
	json_t *ag = json_object_get(in, "agency_id"), *sys = json_object_get(in, "system_id");
	int32_t day, today = (int32_t)((now_ms + 7LL * 3600000) / 86400000LL);
	if (!kind || !kind_ok(kind))
		*field = "kind";
	else if (!date || !cg_compliance_parse_day(cg_slice_cstr(date), &day) || day > today)
		*field = "date";
	else if (!json_is_integer(ag) || json_integer_value(ag) <= 0)
		*field = "agency_id";
	else if (sys && !json_is_null(sys) &&
	         (!json_is_integer(sys) || json_integer_value(sys) <= 0))
		*field = "system_id";
	else if (!text_ok(json_object_get(in, "assessor"), CG_COMPLIANCE_MAX_RECORD_TEXT))
		*field = "assessor";
	else if (!text_ok(json_object_get(in, "note"), CG_COMPLIANCE_MAX_RECORD_TEXT))
		*field = "note";
	if ((*field)[0])
		return CG_EINVAL;
	const char *as = json_string_value(json_object_get(in, "assessor"));
	const char *note = json_string_value(json_object_get(in, "note"));
	*out = json_pack("{s:s, s:s, s:O, s:O, s:s, s:s}", "kind", kind, "date", date, "agency_id",
	                 ag, "system_id", sys && json_is_integer(sys) ? sys : json_null(),
	                 "assessor", as ? as : "", "note", note ? note : "");
	return *out ? CG_OK : CG_ENOMEM;
}

cg_err cg_compliance_record_event(const json_t *rec, const char *subject, cg_event *ev, cg_buf *why)
{
	char id[33], when[40];
	cg_event_new_id(id);
	int32_t day;
	if (!cg_compliance_parse_day(cg_slice_cstr(json_string_value(json_object_get(rec, "date"))),
	                             &day))
		return CG_EINVAL;
	/* noon in Vietnam: the same date whatever the reader's day boundary */
	cg_time_format((int64_t)day * 86400000LL + 5LL * 3600000, when, sizeof when);
	const char *as = json_string_value(json_object_get(rec, "assessor"));
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	char summary[CG_COMPLIANCE_MAX_RECORD_TEXT + 160];
	snprintf(summary, sizeof summary, "Hồ sơ tuân thủ: %s%s%s", kind, as && as[0] ? " — " : "",
	         as ? as : "");
	json_t *obj = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:O, s:O, s:O}}", "id", id, "time", when,
	    "host", "canhgac", "source", "record", "kind", kind, "severity", "info", "subject",
	    subject, "summary", summary, "evidence", "date", json_object_get(rec, "date"),
	    "assessor", json_object_get(rec, "assessor"), "note", json_object_get(rec, "note"));
	if (!obj)
		return CG_ENOMEM;
	/* an upload's file {name, type, size, sha256} and its uploader */
	json_t *evd = json_object_get(obj, "evidence");
	if (json_object_get(rec, "file"))
		json_object_set(evd, "file", json_object_get(rec, "file"));
	if (json_object_get(rec, "by"))
		json_object_set(evd, "by", json_object_get(rec, "by"));
	cg_err err = cg_event_decode(obj, ev, false, why);
	json_decref(obj);
	return err;
}
