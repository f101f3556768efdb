/*
 * agent_policy.c - see agent_policy.h. The schema is a table: each field
 * with its type and bounds. Integer bounds come from limits.h so the
 * server's check and the agent's clamp cannot drift apart.
 */
#include "agent_policy.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

typedef enum ftype { F_INT, F_INT_OR_OFF, F_SCHEDULE, F_PATHS } ftype;

static const struct field {
	const char *group; /* NULL: a top-level member */
	const char *name;
	ftype type;
	int64_t min, max; /* integers; for paths: max = entries */
} fields[] = {
    {NULL, "heartbeat_s", F_INT, CG_AGENT_MIN_HEARTBEAT_S, CG_AGENT_MAX_INTERVAL_S},
    {NULL, "upload_s", F_INT, CG_AGENT_MIN_UPLOAD_S, CG_AGENT_MAX_INTERVAL_S},
    {"fim", "web_roots", F_PATHS, 0, CG_AGENT_MAX_POLICY_PATHS},
    {"fim", "pass_interval_s", F_INT_OR_OFF, CG_AGENT_MIN_PASS_S, CG_AGENT_MAX_INTERVAL_S},
    {"accounts", "interval_s", F_INT_OR_OFF, CG_AGENT_MIN_PASS_S, CG_AGENT_MAX_INTERVAL_S},
    {"accounts", "max_age_days", F_INT, 1, 3650},
    {"accounts", "unused_days", F_INT, 1, 3650},
    {"malware", "incremental", F_SCHEDULE, 0, 0},
    {"malware", "full", F_SCHEDULE, 0, 0},
    {"malware", "scan_paths", F_PATHS, 0, CG_AGENT_MAX_POLICY_PATHS},
    {"secrets", "interval", F_SCHEDULE, 0, 0},
    {"secrets", "paths", F_PATHS, 0, CG_AGENT_MAX_POLICY_PATHS},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const char *const groups[] = {"fim", "accounts", "malware", "secrets"};

int64_t cg_apol_interval_s(const char *text)
{
	static const struct {
		const char *name;
		int64_t s;
	} named[] = {{"off", 0},       {"never", 0},       {"hourly", 3600},
	             {"daily", 86400}, {"weekly", 604800}, {"monthly", 2592000}};
	if (!text)
		return -1;
	for (size_t i = 0; i < sizeof named / sizeof *named; i++)
		if (strcmp(text, named[i].name) == 0)
			return named[i].s;
	cg_slice t = cg_slice_cstr(text);
	int64_t mult = 1;
	if (t.len > 1) {
		switch (t.ptr[t.len - 1]) {
		case 's':
			mult = 1;
			t.len--;
			break;
		case 'm':
			mult = 60;
			t.len--;
			break;
		case 'h':
			mult = 3600;
			t.len--;
			break;
		case 'd':
			mult = 86400;
			t.len--;
			break;
		default:
			break;
		}
	}
	int64_t v;
	if (cg_parse_i64(t, 0, CG_AGENT_MAX_INTERVAL_S, &v) || v * mult > CG_AGENT_MAX_INTERVAL_S)
		return -1;
	v *= mult;
	return v && v < CG_AGENT_MIN_SCHEDULE_S ? CG_AGENT_MIN_SCHEDULE_S : v;
}

static const struct field *find(const char *group, const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (((!group && !fields[i].group) ||
		     (group && fields[i].group && strcmp(group, fields[i].group) == 0)) &&
		    strcmp(name, fields[i].name) == 0)
			return &fields[i];
	return NULL;
}

static cg_err bad(char *why, size_t n, const struct field *f, const char *what)
{
	snprintf(why, n, "%s%s%s: %s", f->group ? f->group : "", f->group ? "." : "", f->name,
	         what);
	return CG_EINVAL;
}

/* An absolute path on one of the agents' platforms: "/..." (Linux) or a
 * drive letter "C:/..." / "C:\\..." (Windows). Each agent keeps the paths of
 * its own platform (agent.c), so one agency's policy can name the web
 * roots of its Linux and its Windows servers. */
static bool policy_path_absolute(const char *s)
{
	if (s[0] == '/')
		return true;
	bool letter = (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z');
	return letter && s[1] == ':' && (s[2] == '/' || s[2] == '\\');
}

static cg_err check_value(const struct field *f, const json_t *v, char *why, size_t n)
{
	char msg[160];
	switch (f->type) {
	case F_INT:
	case F_INT_OR_OFF: {
		json_int_t x = json_is_integer(v) ? json_integer_value(v) : -1;
		bool ok = json_is_integer(v) &&
		          ((x >= f->min && x <= f->max) || (f->type == F_INT_OR_OFF && x == 0));
		if (!ok) {
			snprintf(msg, sizeof msg, "a whole number from %lld to %lld%s",
			         (long long)f->min, (long long)f->max,
			         f->type == F_INT_OR_OFF ? " (0: off)" : "");
			return bad(why, n, f, msg);
		}
		return CG_OK;
	}
	case F_SCHEDULE:
		if (!json_is_string(v) || json_string_length(v) > 15 ||
		    cg_apol_interval_s(json_string_value(v)) < 0)
			return bad(
			    why, n, f,
			    "off, hourly, daily, weekly, monthly, or a number with s, m, h or d");
		return CG_OK;
	case F_PATHS: {
		if (!json_is_array(v) || json_array_size(v) > (size_t)f->max) {
			snprintf(msg, sizeof msg, "an array of at most %lld absolute paths",
			         (long long)f->max);
			return bad(why, n, f, msg);
		}
		size_t i;
		json_t *p;
		json_array_foreach(v, i, p)
		{
			const char *s = json_string_value(p);
			size_t len = json_string_length(p);
			if (!json_is_string(p) || !policy_path_absolute(s) ||
			    len > CG_AGENT_MAX_POLICY_PATH || strlen(s) != len)
				return bad(why, n, f, "absolute paths (at most 1024 bytes each)");
			for (size_t k = 0; k < len; k++)
				if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
					return bad(why, n, f, "paths without control characters");
		}
		return CG_OK;
	}
	}
	return CG_EINVAL;
}

cg_err cg_apol_check(const json_t *p, char *why, size_t n)
{
	if (!json_is_object(p)) {
		snprintf(why, n, "policy: a JSON object");
		return CG_EINVAL;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)p, k, v)
	{
		const struct field *f = find(NULL, k);
		if (f) {
			cg_err err = check_value(f, v, why, n);
			if (err)
				return err;
			continue;
		}
		bool group = false;
		for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
			group |= strcmp(k, groups[i]) == 0;
		if (!group) {
			snprintf(why, n,
			         "%.64s: not a policy member (heartbeat_s upload_s fim accounts "
			         "malware secrets)",
			         k);
			return CG_EINVAL;
		}
		if (!json_is_object(v)) {
			snprintf(why, n, "%s: an object", k);
			return CG_EINVAL;
		}
		const char *m;
		json_t *mv;
		json_object_foreach(v, m, mv)
		{
			const struct field *g = find(k, m);
			if (!g) {
				snprintf(why, n, "%s.%.64s: not a member of %s", k, m, k);
				return CG_EINVAL;
			}
			cg_err err = check_value(g, mv, why, n);
			if (err)
				return err;
		}
	}
	return CG_OK;
}

int cg_apol_clamp(const char *field, const json_t *v, int def)
{
	char group[32] = "";
	const char *name = field, *dot = strchr(field, '.');
	if (dot && (size_t)(dot - field) < sizeof group) {
		memcpy(group, field, (size_t)(dot - field));
		group[dot - field] = '\0';
		name = dot + 1;
	}
	const struct field *f = find(group[0] ? group : NULL, name);
	if (!f || !json_is_integer(v))
		return def;
	json_int_t x = json_integer_value(v);
	if (f->type == F_INT_OR_OFF && x == 0)
		return 0;
	if (f->type != F_INT && f->type != F_INT_OR_OFF)
		return def;
	return (int)(x < f->min ? f->min : x > f->max ? f->max : x);
}
