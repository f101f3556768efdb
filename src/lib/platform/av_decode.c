/*
 * av_decode.c - the pure half of platform/av.h: what the Security Center,
 * WMI and ClamAV's database directory say, turned into the heartbeat's
 * product objects and into detection events.
 *
 * Portable on purpose: the Windows sources (av_win.c) only fetch rows and
 * hand them here as JSON, so every decision is tested on Linux and under
 * Wine with recorded answers (Wine has neither the Security Center nor
 * Defender). WMI rows are outside input to this code: every field is
 * type-checked and a row that says nothing usable is skipped, never
 * guessed.
 */
#include "platform/av.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

#define DAY_MS 86400000LL

static json_t *product(const char *name, const char *state, bool enabled, bool up_to_date,
                       const char *source, json_t *raw)
{
	return json_pack("{s:o,s:b,s:b,s:s,s:s,s:o}", "name", cg_json_cstr(name ? name : ""),
	                 "enabled", enabled, "up_to_date", up_to_date, "state", state, "source",
	                 source, "raw", raw ? raw : json_object());
}

json_t *cg_av_product_wsc(const char *name, int product_state, int signature_status,
                          const char *timestamp)
{
	static const char *const states[] = {"on", "off", "snoozed", "expired"};
	const char *state = product_state >= 0 && product_state <= CG_WSC_EXPIRED
	                        ? states[product_state]
	                        : "unknown";
	json_t *raw = json_pack("{s:i,s:i}", "product_state", product_state, "signature_status",
	                        signature_status);
	if (timestamp)
		json_object_set_new(raw, "timestamp", cg_json_cstr(timestamp));
	return product(name, state, product_state == CG_WSC_ON,
	               signature_status == CG_WSC_SIG_UP_TO_DATE, "wsc", raw);
}

void cg_av_decode_sc2(uint32_t product_state, const char **state, bool *enabled, bool *up_to_date)
{
	static const char *const states[] = {"off", "on", "snoozed", "expired"};
	uint32_t scanner = (product_state >> 12) & 0xF, sig = (product_state >> 4) & 0xF;
	*state = scanner <= 3 ? states[scanner] : "unknown";
	*enabled = scanner == 1;
	*up_to_date = sig == 0;
}

json_t *cg_av_product_sc2(const char *name, uint32_t product_state)
{
	const char *state;
	bool on, current;
	cg_av_decode_sc2(product_state, &state, &on, &current);
	char hex[16];
	snprintf(hex, sizeof hex, "0x%06x", (unsigned)product_state);
	return product(
	    name, state, on, current, "securitycenter2",
	    json_pack("{s:I,s:s}", "product_state", (json_int_t)product_state, "hex", hex));
}

/* WMI hands integers as numbers or, for 64-bit ones, as strings. */
static bool row_int(const json_t *row, const char *key, int64_t *v)
{
	const json_t *x = json_object_get(row, key);
	if (json_is_integer(x)) {
		*v = json_integer_value(x);
		return true;
	}
	if (json_is_string(x))
		return cg_parse_i64(cg_slice_cstr(json_string_value(x)), INT64_MIN, INT64_MAX, v) ==
		       CG_OK;
	return false;
}

json_t *cg_av_product_defender(const json_t *row)
{
	const json_t *av = json_object_get(row, "AntivirusEnabled");
	const json_t *rt = json_object_get(row, "RealTimeProtectionEnabled");
	int64_t age;
	if (!json_is_object(row) || !json_is_boolean(av))
		return NULL;
	bool on = json_is_true(av) && (!json_is_boolean(rt) || json_is_true(rt));
	bool have_age = row_int(row, "AntivirusSignatureAge", &age);
	bool current = have_age && age >= 0 && age <= CG_AV_MAX_SIG_AGE_DAYS;
	json_t *raw = json_object();
	static const char *const keep[] = {
	    "AntivirusEnabled",          "RealTimeProtectionEnabled",     "AntivirusSignatureAge",
	    "AntivirusSignatureVersion", "AntivirusSignatureLastUpdated", "AMServiceEnabled",
	    "AMProductVersion"};
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		json_t *v = json_object_get(row, keep[i]);
		if (v && (json_is_boolean(v) || json_is_integer(v) || json_is_string(v)))
			json_object_set(raw, keep[i], v);
	}
	return product("Microsoft Defender Antivirus", on ? "on" : "off", on, current, "defender",
	               raw);
}

cg_err cg_av_product_clamav(const char *dbdir, int64_t now_ms, json_t *arr)
{
	static const char *const dbs[] = {"daily.cvd", "daily.cld", "main.cvd", "main.cld"};
	int64_t newest = -1;
	json_t *files = json_object();
	for (size_t i = 0; i < sizeof dbs / sizeof *dbs; i++) {
		char path[4096];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dbdir, dbs[i]) >= (int)sizeof path)
			continue;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		int64_t t = (int64_t)sb.st_mtime * 1000;
		char iso[32];
		cg_time_format(t, iso, sizeof iso);
		json_object_set_new(files, dbs[i], json_string(iso));
		if (t > newest)
			newest = t;
	}
	if (newest < 0) {
		json_decref(files);
		return CG_OK;
	}
	bool current = now_ms - newest <= (int64_t)CG_AV_MAX_SIG_AGE_DAYS * DAY_MS;
	json_t *raw = json_pack("{s:s,s:o,s:I}", "dbdir", dbdir, "databases", files, "age_days",
	                        (json_int_t)((now_ms - newest) / DAY_MS));
	return json_array_append_new(arr, product("ClamAV", "on", true, current, "clamav", raw))
	           ? CG_ENOMEM
	           : CG_OK;
}

/* ---- CIM datetime ------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *p, size_t n, int64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

/* yyyymmddHHMMSS.mmmmmmsUUU, exactly 25 characters. */
cg_err cg_av_wmi_time(cg_slice s, int64_t *ms)
{
	int64_t y, mo, d, h, mi, se, us, off;
	if (s.len != 25 || s.ptr[14] != '.' || (s.ptr[21] != '+' && s.ptr[21] != '-'))
		return CG_EPARSE;
	const char *p = s.ptr;
	if (!digits(p, 4, &y) || !digits(p + 4, 2, &mo) || !digits(p + 6, 2, &d) ||
	    !digits(p + 8, 2, &h) || !digits(p + 10, 2, &mi) || !digits(p + 12, 2, &se) ||
	    !digits(p + 15, 6, &us) || !digits(p + 22, 3, &off))
		return CG_EPARSE;
	if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
	    off > 14 * 60)
		return CG_EPARSE;
	int64_t t = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + se;
	t -= (p[21] == '-' ? -off : off) * 60; /* local time = UTC + offset */
	*ms = t * 1000 + us / 1000;
	return CG_OK;
}

/* ---- detections -> events ---------------------------------------------- */

static const json_t *threat_of(const json_t *threats, const json_t *det)
{
	int64_t id, tid;
	if (!row_int(det, "ThreatID", &id))
		return NULL;
	size_t i;
	const json_t *t;
	json_array_foreach(threats, i, t) if (row_int(t, "ThreatID", &tid) && tid == id) return t;
	return NULL;
}

/* MSFT_MpThreat SeverityID: 0 unknown, 1 low, 2 moderate, 4 high, 5 severe.
 * A detection of unknown severity is still a detection: high. */
static cg_severity severity_of(const json_t *threat)
{
	int64_t s;
	if (!threat || !row_int(threat, "SeverityID", &s))
		return CG_SEV_HIGH;
	switch (s) {
	case 1:
		return CG_SEV_LOW;
	case 2:
		return CG_SEV_MEDIUM;
	case 5:
		return CG_SEV_CRITICAL;
	default:
		return CG_SEV_HIGH;
	}
}

/* Resources are "file:_C:\dir\x.exe", "process:_pid:..", "regkey:_..". */
static json_t *resources_of(const json_t *det, const char **first_file)
{
	json_t *out = json_array();
	const json_t *res = json_object_get(det, "Resources");
	*first_file = NULL;
	size_t i;
	const json_t *r;
	json_array_foreach(res, i, r)
	{
		const char *s = json_string_value(r);
		if (!s || json_array_size(out) >= 64)
			continue;
		json_array_append_new(out, cg_json_cstr(s));
		if (!*first_file && strncmp(s, "file:_", 6) == 0)
			*first_file = s + 6;
	}
	return out;
}

static void forget_oldest(json_t *seen)
{
	while (json_object_size(seen) > CG_AV_MAX_SEEN) {
		const char *k, *oldest = NULL;
		json_t *v;
		int64_t ot = INT64_MAX;
		json_object_foreach(seen, k, v)
		{
			if (json_integer_value(v) < ot) {
				ot = json_integer_value(v);
				oldest = k;
			}
		}
		if (!oldest)
			return;
		json_object_del(seen, oldest);
	}
}

int cg_av_detection_events(const json_t *detections, const json_t *threats, json_t *seen,
                           int64_t now_ms, cg_av_emit_fn emit, void *ctx)
{
	int n = 0;
	size_t i;
	const json_t *det;
	json_array_foreach(detections, i, det)
	{
		const char *id = cg_json_get_str(det, "DetectionID");
		if (!id || !id[0] || strlen(id) > 128 || json_object_get(seen, id))
			continue;
		const json_t *threat = threat_of(threats, det);
		const char *name = threat ? cg_json_get_str(threat, "ThreatName") : NULL;
		const char *file;
		json_t *res = resources_of(det, &file);
		int64_t t = now_ms;
		const char *when = cg_json_get_str(det, "InitialDetectionTime");
		if (when && cg_av_wmi_time(cg_slice_cstr(when), &t) != CG_OK)
			t = now_ms;
		cg_event ev;
		if (cg_event_init(&ev)) {
			json_decref(res);
			break;
		}
		ev.severity = severity_of(threat);
		ev.time_ms = t;
		char summary[1024];
		snprintf(summary, sizeof summary, "Microsoft Defender detected %s%s%s",
		         name ? name : "a threat", file ? " in " : "", file ? file : "");
		cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("antivirus"));
		cg_event_set(&ev, CG_EV_KIND, CG_SLICE("defender_detection"));
		cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(file ? file : name ? name : id));
		cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(summary));
		json_object_set_new(ev.evidence, "product",
		                    json_string("Microsoft Defender Antivirus"));
		json_object_set_new(ev.evidence, "detection_id", cg_json_cstr(id));
		json_object_set_new(ev.evidence, "threat_name",
		                    name ? cg_json_cstr(name) : json_null());
		if (file)
			json_object_set_new(ev.evidence, "path", cg_json_cstr(file));
		json_object_set_new(ev.evidence, "resources", res);
		static const char *const keep[] = {"ThreatID",
		                                   "ThreatStatusID",
		                                   "ActionSuccess",
		                                   "ProcessName",
		                                   "DomainUser",
		                                   "DetectionSourceTypeID",
		                                   "CurrentThreatExecutionStatusID"};
		for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
			json_t *v = json_object_get(det, keep[k]);
			if (v && (json_is_boolean(v) || json_is_integer(v) || json_is_string(v)))
				json_object_set(ev.evidence, keep[k], v);
		}
		if (threat && json_is_integer(json_object_get(threat, "SeverityID")))
			json_object_set(ev.evidence, "SeverityID",
			                json_object_get(threat, "SeverityID"));
		emit(ctx, &ev);
		cg_event_clear(&ev);
		json_object_set_new(seen, id, json_integer(now_ms));
		n++;
	}
	forget_oldest(seen);
	return n;
}
