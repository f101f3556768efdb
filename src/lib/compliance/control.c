/*
 * control.c - the control files of compliance.h: parsing and loading a
 * regime directory.
 *
 * The format is INI-like: "[regime]" or "[control ID]" opens a section,
 * "key = value" lines describe it, '#' starts a comment line. Values are
 * taken verbatim (trimmed) up to the end of the line, so Vietnamese text
 * needs no quoting. A control is checked when its section ends (required
 * keys, consistent timing), so an error names the line of the bad key or
 * of the section's header. Every error stops the parse: a rule file that
 * is half understood would give a wrong status, which is worse than none.
 */
#include "compliance.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/schema.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/rulefile.h"
#include "core/rulesdir.h"

static const char *const status_names[CG_CS_COUNT] = {
    "ok", "due_soon", "overdue", "missing_evidence", "not_applicable",
};
static const char *const evidence_names[CG_EV_COUNT] = {
    "dossier_approved",  "vuln_scan",     "drill",       "record",        "contact_point",
    "contact_published", "response_team", "av_coverage", "secrets_clean", "accounts_audit",
    "incident_reports",  "agent_seen",
};
/* Which subject each evidence kind is read for (CG_EV_RECORD: any but
 * endpoints, checked apart). */
static const cg_subject_type evidence_subject[CG_EV_COUNT] = {
    CG_SUBJ_SYSTEM, CG_SUBJ_SYSTEM, CG_SUBJ_SYSTEM, CG_SUBJ_AGENCY,
    CG_SUBJ_AGENCY, CG_SUBJ_AGENCY, CG_SUBJ_AGENCY, CG_SUBJ_AGENCY,
    CG_SUBJ_AGENCY, CG_SUBJ_AGENCY, CG_SUBJ_AGENCY, CG_SUBJ_ENDPOINT,
};

const char *cg_cstatus_name(cg_cstatus s)
{
	return (unsigned)s < CG_CS_COUNT ? status_names[s] : "?";
}

const char *cg_subject_type_name(cg_subject_type t)
{
	switch (t) {
	case CG_SUBJ_AGENCY:
		return "agency";
	case CG_SUBJ_SYSTEM:
		return "system";
	case CG_SUBJ_ENDPOINT:
		return "endpoint";
	}
	return "?";
}

const char *cg_evidence_kind_name(cg_evidence_kind k)
{
	return (unsigned)k < CG_EV_COUNT ? evidence_names[k] : "?";
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

bool cg_compliance_parse_day(cg_slice s, int32_t *day)
{
	int64_t y, m, d;
	if (s.len != 10 || s.ptr[4] != '-' || s.ptr[7] != '-' ||
	    cg_parse_i64(cg_slice_from(s.ptr, 4), 1970, 9999, &y) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 5, 2), 1, 12, &m) ||
	    cg_parse_i64(cg_slice_from(s.ptr + 8, 2), 1, 31, &d) || d > mdays((int)y, (int)m))
		return false;
	*day = cg_civil_to_day((int)y, (int)m, (int)d);
	return true;
}

void cg_compliance_format_day(int32_t day, char out[11])
{
	int y, m, d;
	cg_day_to_civil(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void cg_compliance_init(cg_compliance_rules *out)
{
	memset(out, 0, sizeof *out);
	out->from_day = INT32_MIN;
	out->until_day = INT32_MAX;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct parser {
	const char *name;
	size_t line;
	cg_buf *why;
	cg_compliance_rules *out;
	cg_control *cur; /* the control being described, or NULL */
	bool in_regime, have_regime_name;
	bool have_title_vi, have_title_en, have_document, have_article, have_applies, have_evidence;
} parser;

/* The error of the line being read: "FILE:LINE: reason" (core/rulefile.h). */
#define fail(p, ...) cg_rule_error((p)->why, CG_EPARSE, (p)->name, (p)->line, __VA_ARGS__)

static bool is_ident(cg_slice s)
{
	if (s.len == 0 || s.len >= CG_COMPLIANCE_MAX_NAME)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-' ||
		      (c >= '0' && c <= '9' && i > 0)))
			return false;
	}
	return true;
}

static cg_err text(parser *p, cg_slice v, char *dst, size_t n, const char *key)
{
	if (v.len == 0)
		return fail(p, "%s is empty", key);
	if (!cg_utf8_valid(v))
		return fail(p, "%s is not UTF-8", key);
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.ptr[i] < 0x20 && v.ptr[i] != '\t')
			return fail(p, "%s has a control character", key);
	if (cg_slice_copy(v, dst, n))
		return fail(p, "%s is longer than %zu bytes", key, n - 1);
	return CG_OK;
}

/* A list of enumeration values into a bit mask. */
static cg_err kinds(parser *p, cg_slice v, const cg_enum_desc *e, unsigned *mask, const char *key)
{
	*mask = 0;
	for (cg_slice w = cg_slice_word(&v); w.len; w = cg_slice_word(&v)) {
		int i = 0;
		for (; e->values[i]; i++)
			if (cg_slice_eq_cstr(w, e->values[i]))
				break;
		if (!e->values[i] || i >= 31)
			return fail(p, "%s: unknown value '%.*s'", key, (int)w.len, w.ptr);
		*mask |= 1u << i;
	}
	if (!*mask)
		return fail(p, "%s is empty", key);
	return CG_OK;
}

static cg_err period(parser *p, cg_slice v, cg_control *c)
{
	if (v.len < 2)
		return fail(p, "bad period '%.*s' (6m, 1y or 30d)", (int)v.len, v.ptr);
	char u = v.ptr[v.len - 1];
	int64_t n;
	if (cg_parse_i64(cg_slice_from(v.ptr, v.len - 1), 1, 3660, &n) ||
	    (u != 'd' && u != 'm' && u != 'y') || (u != 'd' && n > 120))
		return fail(p, "bad period '%.*s' (6m, 1y or 30d)", (int)v.len, v.ptr);
	c->period_months = u == 'm' ? (int)n : u == 'y' ? (int)n * 12 : 0;
	c->period_days = u == 'd' ? (int)n : 0;
	return CG_OK;
}

static cg_err due(parser *p, cg_slice v, cg_control *c)
{
	int64_t m, d;
	if (v.len == 5 && v.ptr[2] == '-') {
		if (cg_parse_i64(cg_slice_from(v.ptr, 2), 1, 12, &m) ||
		    cg_parse_i64(cg_slice_from(v.ptr + 3, 2), 1, 31, &d) ||
		    d > (m == 2 ? 28 : mdays(2001, (int)m)))
			return fail(p, "bad date '%.*s' (MM-DD yearly, not 29 February)",
			            (int)v.len, v.ptr);
		c->due_month = (int)m;
		c->due_mday = (int)d;
		return CG_OK;
	}
	if (!cg_compliance_parse_day(v, &c->due_once))
		return fail(p, "bad date '%.*s' (YYYY-MM-DD or MM-DD)", (int)v.len, v.ptr);
	return CG_OK;
}

static cg_err end_control(parser *p)
{
	cg_control *c = p->cur;
	if (!c)
		return CG_OK;
	size_t save = p->line;
	p->line = (size_t)c->line;
	cg_err err = CG_OK;
	if (!p->have_title_vi || !p->have_title_en)
		err = fail(p, "control %s needs title_vi and title_en", c->id);
	else if (!p->have_document || !p->have_article)
		err = fail(p, "control %s needs its legal basis (document and article)", c->id);
	else if (!p->have_applies)
		err = fail(p, "control %s needs applies", c->id);
	else if (!p->have_evidence)
		err = fail(p, "control %s needs evidence", c->id);
	else if (c->n_notify == 0)
		err = fail(p, "control %s needs notify", c->id);
	else if (c->evidence == CG_EV_RECORD ? c->applies == CG_SUBJ_ENDPOINT
	                                     : evidence_subject[c->evidence] != c->applies)
		err = fail(p, "control %s: evidence %s cannot be read for %s", c->id,
		           evidence_names[c->evidence], cg_subject_type_name(c->applies));
	else if ((c->period_months || c->period_days) && (c->due_month || c->due_once != INT32_MIN))
		err = fail(p, "control %s has both a period and a due date", c->id);
	else if (c->min_level > c->max_level)
		err = fail(p, "control %s: min_level is above max_level", c->id);
	else if (c->applies != CG_SUBJ_SYSTEM &&
	         (c->system_kinds || c->min_level != 1 || c->max_level != 5))
		err = fail(p, "control %s: system_kinds and levels are for systems", c->id);
	else if (c->applies != CG_SUBJ_AGENCY && c->agency_kinds)
		err = fail(p, "control %s: agency_kinds is for agencies", c->id);
	p->line = save;
	if (err)
		return err;
	p->out->n_control++;
	p->cur = NULL;
	return CG_OK;
}

static cg_err section(parser *p, cg_slice h)
{
	cg_err err = end_control(p);
	if (err)
		return err;
	p->in_regime = false;
	cg_slice rest = h;
	cg_slice kw = cg_slice_word(&rest);
	cg_slice id = cg_slice_word(&rest);
	if (cg_slice_word(&rest).len)
		return fail(p, "bad section header");
	if (cg_slice_eq_cstr(kw, "regime") && id.len == 0) {
		if (p->have_regime_name || p->out->regime[0])
			return fail(p, "a second [regime] section");
		p->in_regime = true;
		return CG_OK;
	}
	if (!cg_slice_eq_cstr(kw, "control"))
		return fail(p, "unknown section '%.*s' ([regime] or [control ID])", (int)kw.len,
		            kw.ptr);
	if (!is_ident(id))
		return fail(p, "bad control id (a-z, 0-9, _ and -, at most %d bytes)",
		            CG_COMPLIANCE_MAX_NAME - 1);
	for (int i = 0; i < p->out->n_control; i++)
		if (cg_slice_eq_cstr(id, p->out->control[i].id))
			return fail(p, "control %.*s is defined twice (first in %s:%d)",
			            (int)id.len, id.ptr, p->out->control[i].file,
			            p->out->control[i].line);
	if (p->out->n_control >= CG_COMPLIANCE_MAX_CONTROLS) {
		fail(p, "more than %d controls", CG_COMPLIANCE_MAX_CONTROLS);
		return CG_ETOOBIG;
	}
	cg_control *c = &p->out->control[p->out->n_control];
	memset(c, 0, sizeof *c);
	cg_slice_copy(id, c->id, sizeof c->id);
	c->min_level = 1;
	c->max_level = 5;
	c->due_once = INT32_MIN;
	c->warn_days = 30;
	c->line = (int)p->line;
	size_t nl = strlen(p->name);
	const char *base = p->name;
	for (size_t i = 0; i < nl; i++)
		if (p->name[i] == '/')
			base = p->name + i + 1;
	snprintf(c->file, sizeof c->file, "%s", base);
	p->cur = c;
	p->have_title_vi = p->have_title_en = p->have_document = p->have_article = false;
	p->have_applies = p->have_evidence = false;
	return CG_OK;
}

static cg_err regime_key(parser *p, cg_slice k, cg_slice v)
{
	cg_compliance_rules *r = p->out;
	if (cg_slice_eq_cstr(k, "name")) {
		if (!is_ident(v))
			return fail(p, "bad regime name");
		cg_slice_copy(v, r->regime, sizeof r->regime);
		p->have_regime_name = true;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "title_vi"))
		return text(p, v, r->title_vi, sizeof r->title_vi, "title_vi");
	if (cg_slice_eq_cstr(k, "title_en"))
		return text(p, v, r->title_en, sizeof r->title_en, "title_en");
	if (cg_slice_eq_cstr(k, "from") || cg_slice_eq_cstr(k, "until")) {
		int32_t d;
		if (!cg_compliance_parse_day(v, &d))
			return fail(p, "bad date '%.*s' (YYYY-MM-DD)", (int)v.len, v.ptr);
		*(cg_slice_eq_cstr(k, "from") ? &r->from_day : &r->until_day) = d;
		if (r->from_day != INT32_MIN && r->until_day != INT32_MAX &&
		    r->from_day > r->until_day)
			return fail(p, "from is after until");
		return CG_OK;
	}
	return fail(p, "unknown key '%.*s' in [regime]", (int)k.len, k.ptr);
}

static cg_err control_key(parser *p, cg_slice k, cg_slice v)
{
	cg_control *c = p->cur;
	int64_t n;
#define TEXT(key, field, flag)                                                                     \
	if (cg_slice_eq_cstr(k, key)) {                                                            \
		flag;                                                                              \
		return text(p, v, c->field, sizeof c->field, key);                                 \
	}
	TEXT("title_vi", title_vi, p->have_title_vi = true)
	TEXT("title_en", title_en, p->have_title_en = true)
	TEXT("explain_vi", explain_vi, (void)0)
	TEXT("explain_en", explain_en, (void)0)
	TEXT("document", document, p->have_document = true)
	TEXT("article", article, p->have_article = true)
#undef TEXT
	if (cg_slice_eq_cstr(k, "seed")) {
		cg_slice r = v;
		for (cg_slice w = cg_slice_word(&r); w.len; w = cg_slice_word(&r))
			if (cg_parse_i64(w, 0, 999, &n) || w.len != 3)
				return fail(p, "seed: '%.*s' is not a seed number (000-999)",
				            (int)w.len, w.ptr);
		return text(p, v, c->seed, sizeof c->seed, "seed");
	}
	if (cg_slice_eq_cstr(k, "applies")) {
		p->have_applies = true;
		if (cg_slice_eq_cstr(v, "agencies"))
			c->applies = CG_SUBJ_AGENCY;
		else if (cg_slice_eq_cstr(v, "systems"))
			c->applies = CG_SUBJ_SYSTEM;
		else if (cg_slice_eq_cstr(v, "portals")) {
			c->applies = CG_SUBJ_SYSTEM;
			c->system_kinds |= 1u; /* "portal" is the first system kind */
		} else if (cg_slice_eq_cstr(v, "endpoints"))
			c->applies = CG_SUBJ_ENDPOINT;
		else
			return fail(p, "applies must be agencies, systems, portals or endpoints");
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "system_kinds")) {
		unsigned m;
		cg_err err = kinds(p, v, &cg_enum_system_kind, &m, "system_kinds");
		c->system_kinds = m;
		return err;
	}
	if (cg_slice_eq_cstr(k, "agency_kinds")) {
		unsigned m;
		cg_err err = kinds(p, v, &cg_enum_agency_kind, &m, "agency_kinds");
		c->agency_kinds = m;
		return err;
	}
	if (cg_slice_eq_cstr(k, "min_level") || cg_slice_eq_cstr(k, "max_level")) {
		if (cg_parse_i64(v, 1, 5, &n))
			return fail(p, "a level is 1 to 5");
		*(cg_slice_eq_cstr(k, "min_level") ? &c->min_level : &c->max_level) = (int)n;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "evidence")) {
		cg_slice rest = v;
		cg_slice w = cg_slice_word(&rest);
		int i = 0;
		for (; i < CG_EV_COUNT; i++)
			if (cg_slice_eq_cstr(w, evidence_names[i]))
				break;
		if (i == CG_EV_COUNT)
			return fail(p, "unknown evidence kind '%.*s'", (int)w.len, w.ptr);
		c->evidence = (cg_evidence_kind)i;
		cg_slice arg = cg_slice_word(&rest);
		if (c->evidence == CG_EV_RECORD) {
			if (!is_ident(arg) || cg_slice_word(&rest).len)
				return fail(p,
				            "evidence record needs one record kind (a-z, 0-9, _)");
			cg_slice_copy(arg, c->record_kind, sizeof c->record_kind);
		} else if (arg.len)
			return fail(p, "evidence %s takes no argument", evidence_names[i]);
		p->have_evidence = true;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "period"))
		return period(p, v, c);
	if (cg_slice_eq_cstr(k, "due"))
		return due(p, v, c);
	if (cg_slice_eq_cstr(k, "warn")) {
		if (cg_parse_i64(v, 0, CG_COMPLIANCE_MAX_WARN_DAYS, &n))
			return fail(p, "warn is a number of days, 0 to %d",
			            CG_COMPLIANCE_MAX_WARN_DAYS);
		c->warn_days = (int)n;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "notify")) {
		c->n_notify = 0;
		for (cg_slice w = cg_slice_word(&v); w.len; w = cg_slice_word(&v)) {
			if (!is_ident(w))
				return fail(p, "bad recipient '%.*s'", (int)w.len, w.ptr);
			if (c->n_notify >= CG_COMPLIANCE_MAX_NOTIFY)
				return fail(p, "more than %d recipients", CG_COMPLIANCE_MAX_NOTIFY);
			cg_slice_copy(w, c->notify[c->n_notify], CG_COMPLIANCE_MAX_NAME);
			c->n_notify++;
		}
		return CG_OK;
	}
	if (cg_slice_eq_cstr(k, "pending_decree")) {
		if (cg_slice_eq_cstr(v, "yes"))
			c->pending_decree = true;
		else if (cg_slice_eq_cstr(v, "no"))
			c->pending_decree = false;
		else
			return fail(p, "pending_decree is yes or no");
		return CG_OK;
	}
	return fail(p, "unknown key '%.*s'", (int)k.len, k.ptr);
}

cg_err cg_compliance_parse(cg_slice text, const char *name, cg_compliance_rules *out, cg_buf *why)
{
	parser p = {.name = name ? name : "?", .why = why, .out = out};
	if (text.len > CG_COMPLIANCE_MAX_FILE) {
		fail(&p, "larger than %u bytes", CG_COMPLIANCE_MAX_FILE);
		return CG_ETOOBIG;
	}
	cg_slice rest = text;
	while (rest.len) {
		p.line++;
		const char *nl = memchr(rest.ptr, '\n', rest.len);
		size_t len = nl ? (size_t)(nl - rest.ptr) : rest.len;
		cg_slice line = cg_slice_from(rest.ptr, len);
		rest = nl ? cg_slice_from(nl + 1, rest.len - len - 1) : cg_slice_from(rest.ptr, 0);
		if (len > CG_COMPLIANCE_MAX_LINE) {
			fail(&p, "line longer than %u bytes", CG_COMPLIANCE_MAX_LINE);
			return CG_ETOOBIG;
		}
		if (p.line == 1 && len >= 3 && memcmp(line.ptr, "\xEF\xBB\xBF", 3) == 0)
			line = cg_slice_from(line.ptr + 3, len - 3);
		line = cg_slice_trim(line);
		if (line.len == 0 || line.ptr[0] == '#' || line.ptr[0] == ';')
			continue;
		cg_err err;
		if (line.ptr[0] == '[') {
			if (line.ptr[line.len - 1] != ']')
				return fail(&p, "a section header ends with ']'");
			err = section(&p, cg_slice_from(line.ptr + 1, line.len - 2));
		} else {
			cg_slice v;
			cg_slice k = cg_slice_trim(cg_slice_cut(line, '=', &v));
			if (!v.ptr)
				return fail(&p, "expected 'key = value'");
			v = cg_slice_trim(v);
			if (p.in_regime)
				err = regime_key(&p, k, v);
			else if (p.cur)
				err = control_key(&p, k, v);
			else
				return fail(&p, "a key outside a [regime] or [control] section");
		}
		if (err)
			return err;
	}
	p.line++;
	cg_err err = end_control(&p);
	if (err)
		return err;
	if (p.in_regime && !p.have_regime_name) {
		p.line = 0;
		return fail(&p, "[regime] needs a name");
	}
	return CG_OK;
}

/* ---- loading ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Names in dir (files ending in suffix, or directories when suffix is
 * NULL), sorted, into names[] (each malloc'ed). */
static cg_err list_dir(const char *dir, const char *suffix, char **names, int cap, int *n,
                       cg_buf *why)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: cannot open the directory", dir);
		}
		return CG_ENOTFOUND;
	}
	struct dirent *e;
	cg_err err = CG_OK;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat sb;
		if (stat(path, &sb))
			continue;
		if (suffix ? !(S_ISREG(sb.st_mode) && ends_with(e->d_name, suffix))
		           : !S_ISDIR(sb.st_mode))
			continue;
		if (*n >= cap) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: more than %d entries", dir, cap);
			}
			err = CG_ETOOBIG;
			break;
		}
		names[*n] = strdup(e->d_name);
		if (!names[*n]) {
			err = CG_ENOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (err) {
		for (int i = 0; i < *n; i++)
			free(names[i]);
		*n = 0;
		return err;
	}
	qsort(names, (size_t)*n, sizeof *names, cmp_str);
	return CG_OK;
}

cg_err cg_compliance_load_regime(const char *dir, cg_compliance_rules *out, cg_buf *why)
{
	cg_compliance_init(out);
	char *names[CG_COMPLIANCE_MAX_FILES];
	int n;
	cg_err err = list_dir(dir, ".ini", names, CG_COMPLIANCE_MAX_FILES, &n, why);
	if (err)
		return err;
	cg_buf text;
	cg_buf_init(&text, CG_COMPLIANCE_MAX_FILE);
	for (int i = 0; i < n && !err; i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			err = CG_ETOOBIG;
			break;
		}
		cg_buf_reset(&text);
		err = cg_read_file(path, &text, why);
		if (!err)
			err = cg_compliance_parse(cg_buf_slice(&text), path, out, why);
	}
	cg_buf_free(&text);
	for (int i = 0; i < n; i++)
		free(names[i]);
	if (err)
		return err;
	if (!out->regime[0] || out->n_control == 0) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: a regime needs a [regime] section and controls",
			              dir);
		}
		return CG_EPARSE;
	}
	return CG_OK;
}

cg_err cg_compliance_load(const char *base, const char *regime, int32_t day,
                          cg_compliance_rules *out, cg_buf *why)
{
	char shipped[PATH_MAX];
	if (!base) {
		cg_err err = cg_rules_dir("compliance", shipped, sizeof shipped);
		if (err) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "no rules directory with compliance/ (%s)",
				              shipped);
			}
			return err;
		}
		base = shipped;
	}
	char *names[CG_COMPLIANCE_MAX_REGIMES];
	int n;
	cg_err err = list_dir(base, NULL, names, CG_COMPLIANCE_MAX_REGIMES, &n, why);
	if (err)
		return err;
	cg_compliance_rules *tmp = malloc(sizeof *tmp);
	if (!tmp)
		err = CG_ENOMEM;
	bool found = false;
	for (int i = 0; i < n && !err; i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", base, names[i]) >= (int)sizeof path) {
			err = CG_ETOOBIG;
			break;
		}
		err = cg_compliance_load_regime(path, tmp, why);
		if (err)
			break;
		bool match = regime ? strcmp(tmp->regime, regime) == 0
		                    : tmp->from_day <= day && day <= tmp->until_day;
		if (match && !found) {
			memcpy(out, tmp, sizeof *out);
			found = true;
		}
	}
	free(tmp);
	for (int i = 0; i < n; i++)
		free(names[i]);
	if (!err && !found) {
		if (why) {
			char d[11];
			cg_compliance_format_day(day, d);
			cg_buf_reset(why);
			if (regime)
				cg_buf_printf(why, "%s: no regime named '%s'", base, regime);
			else
				cg_buf_printf(why, "%s: no regime in force on %s", base, d);
		}
		err = CG_ENOTFOUND;
	}
	return err;
}
