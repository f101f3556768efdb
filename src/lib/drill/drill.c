/*
 * drill.c - see drill.h. Dates are compared as YYYY-MM-DD text, which
 * orders like the dates themselves; "today" is the Vietnam calendar day
 * (UTC+7, no daylight saving), computed with the deadline library's
 * civil-date arithmetic so both agree on what a day is.
 */
#include "drill.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "deadline/deadline.h"

#define VN_OFFSET_MS (7LL * 3600 * 1000)

static const char *const results[] = {"passed", "partial", "failed", NULL};

const char *const *cg_drill_results(void)
{
	return results;
}

static int32_t vn_day(int64_t ms)
{
	int64_t t = ms + VN_OFFSET_MS;
	int64_t d = t / 86400000LL;
	if (t % 86400000LL < 0)
		d--;
	return (int32_t)d;
}

/* YYYY-MM-DD by hand: the values are in range, and the compiler cannot
 * see that a snprintf of them fits. */
static void put_date(char out[11], int y, int m, int d)
{
	unsigned uy = (unsigned)(y < 0 ? 0 : y % 10000), um = (unsigned)m % 100,
	         ud = (unsigned)d % 100;
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + um / 10);
	out[6] = (char)('0' + um % 10);
	out[7] = '-';
	out[8] = (char)('0' + ud / 10);
	out[9] = (char)('0' + ud % 10);
	out[10] = '\0';
}

static void fmt_day(int32_t day, char out[11])
{
	int y, m, d;
	cg_day_to_civil(day, &y, &m, &d);
	put_date(out, y, m, d);
}

void cg_drill_since(int64_t now_ms, char out[11])
{
	int y, m, d;
	cg_day_to_civil(vn_day(now_ms), &y, &m, &d);
	y--;
	if (m == 2 && d == 29)
		d = 28;
	put_date(out, y, m, d);
}

/* A real calendar date YYYY-MM-DD from 2000 on. */
static bool date_ok(const char *s)
{
	int64_t y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    cg_parse_i64(cg_slice_from(s, 4), 2000, 9999, &y) ||
	    cg_parse_i64(cg_slice_from(s + 5, 2), 1, 12, &m) ||
	    cg_parse_i64(cg_slice_from(s + 8, 2), 1, 31, &d))
		return false;
	int32_t day = cg_civil_to_day((int)y, (int)m, (int)d);
	int yy, mm, dd;
	cg_day_to_civil(day, &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

static bool text_ok(const json_t *v, size_t max, bool required)
{
	if (!v || json_is_null(v))
		return !required;
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n > max || !cg_utf8_valid(cg_slice_from(s, n)))
		return false;
	bool blank = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
			return false;
		if (c > ' ')
			blank = false;
	}
	return !(required && blank);
}

cg_err cg_drill_normalize(const json_t *in, int64_t now_ms, json_t **out, const char **field)
{
	*out = NULL;
	*field = "";
	if (!json_is_object(in)) {
		*field = "body";
		return CG_EINVAL;
	}
	json_t *sid = json_object_get(in, "system_id");
	if (!json_is_integer(sid) || json_integer_value(sid) < 1) {
		*field = "system_id";
		return CG_EINVAL;
	}
	const char *date = cg_json_get_str(in, "date");
	char today[11];
	fmt_day(vn_day(now_ms), today);
	if (!date_ok(date) || strcmp(date, today) > 0) {
		*field = "date";
		return CG_EINVAL;
	}
	if (!text_ok(json_object_get(in, "scenario"), CG_DRILL_MAX_SCENARIO, true)) {
		*field = "scenario";
		return CG_EINVAL;
	}
	if (!text_ok(json_object_get(in, "participants"), CG_DRILL_MAX_PARTICIPANTS, true)) {
		*field = "participants";
		return CG_EINVAL;
	}
	const char *res = cg_json_get_str(in, "result");
	bool known = false;
	for (int i = 0; res && results[i]; i++)
		known |= strcmp(res, results[i]) == 0;
	if (!known) {
		*field = "result";
		return CG_EINVAL;
	}
	json_t *fi = json_object_get(in, "findings");
	if (!text_ok(fi, CG_DRILL_MAX_FINDINGS, false)) {
		*field = "findings";
		return CG_EINVAL;
	}
	*out =
	    json_pack("{s:I,s:s,s:O,s:O,s:s,s:s}", "system_id", (json_int_t)json_integer_value(sid),
	              "date", date, "scenario", json_object_get(in, "scenario"), "participants",
	              json_object_get(in, "participants"), "result", res, "findings",
	              json_is_string(fi) ? json_string_value(fi) : "");
	return *out ? CG_OK : CG_ENOMEM;
}

cg_err cg_drill_missing(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **out)
{
	*out = NULL;
	char since[11];
	cg_drill_since(now_ms, since);
	json_t *latest = NULL;
	cg_err err = cg_store_drill_latest(st, scope, &latest);
	if (err)
		return err;
	json_t *list = json_array();
	json_t *filters = json_object();
	int64_t offset = 0, total = 0;
	do {
		json_t *items = NULL;
		err = cg_store_inv_list(st, scope, CG_RES_SYSTEM, filters, CG_MAX_LIST_LIMIT,
		                        offset, &items, &total);
		if (err)
			break;
		size_t i;
		json_t *s;
		json_array_foreach(items, i, s)
		{
			if (json_integer_value(json_object_get(s, "level")) < CG_DRILL_MIN_LEVEL)
				continue;
			char key[24];
			int64_t id = json_integer_value(json_object_get(s, "id"));
			snprintf(key, sizeof key, "%lld", (long long)id);
			const char *last = json_string_value(json_object_get(latest, key));
			if (last && strcmp(last, since) >= 0)
				continue;
			json_array_append_new(
			    list, json_pack("{s:I,s:O,s:O,s:O,s:o}", "system_id", (json_int_t)id,
			                    "system_name", json_object_get(s, "name"), "agency_id",
			                    json_object_get(s, "agency_id"), "level",
			                    json_object_get(s, "level"), "last_drill",
			                    last ? json_string(last) : json_null()));
		}
		offset += (int64_t)json_array_size(items);
		size_t got = json_array_size(items);
		json_decref(items);
		if (got == 0)
			break;
	} while (offset < total);
	json_decref(filters);
	json_decref(latest);
	if (err) {
		json_decref(list);
		return err;
	}
	*out = list;
	return CG_OK;
}
