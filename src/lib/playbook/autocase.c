/*
 * autocase.c - see autocase.h. One statement a line: "rule NAME" opens a
 * rule and the lines after it describe it up to the next rule; a rule is
 * checked whole when the next starts or the file ends (an error then
 * names the line the rule began on). Like the deadline rules, any error
 * stops the load: a rule half understood could open cases for every
 * finding, or for none.
 */
#include "autocase.h"

#include <stdio.h>
#include <string.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/rulefile.h"
#include "core/rulesdir.h"

typedef struct parser {
	const char *name;
	size_t line;
	cg_buf *why;
	const char *const *case_kinds;
	cg_autocase_rules *out;
	cg_autocase_rule *cur;
	size_t cur_line;
} parser;

/* The error of the line being read: "FILE:LINE: reason" (core/rulefile.h). */
#define fail(p, ...) cg_rule_error((p)->why, CG_EPARSE, (p)->name, (p)->line, __VA_ARGS__)

/* [a-z][a-z0-9_.-]*: names of rules, sources and kinds. */
static bool is_ident(cg_slice s)
{
	if (s.len == 0 || s.len >= CG_AUTOCASE_MAX_NAME)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') ||
		      (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))))
			return false;
	}
	return true;
}

static cg_err text(parser *p, cg_slice s, char *dst, size_t size)
{
	return cg_rule_text(p->why, p->name, p->line, s, dst, size);
}

static cg_err names(parser *p, cg_slice rest, char (*dst)[CG_AUTOCASE_MAX_NAME], int *n,
                    const char *what)
{
	cg_slice w;
	while ((w = cg_slice_word(&rest)).len) {
		if (!is_ident(w))
			return fail(p, "%s: a name of a-z, 0-9, _ - and .", what);
		if (*n >= CG_AUTOCASE_MAX_LIST)
			return fail(p, "more than %d in %s", CG_AUTOCASE_MAX_LIST, what);
		cg_slice_copy(w, dst[(*n)++], CG_AUTOCASE_MAX_NAME);
	}
	return *n ? CG_OK : fail(p, "%s: at least one name", what);
}

/* "30m", "24h", "7d" -> ms. */
static cg_err duration(parser *p, cg_slice s, int64_t *ms)
{
	int64_t v, unit;
	if (s.len < 2)
		return fail(p, "window: a number and m, h or d (\"24h\")");
	char u = s.ptr[s.len - 1];
	unit = u == 'm' ? 60000 : u == 'h' ? 3600000 : u == 'd' ? 86400000 : 0;
	if (!unit || cg_parse_i64(cg_slice_from(s.ptr, s.len - 1), 1, 10000, &v))
		return fail(p, "window: a number and m, h or d (\"24h\")");
	*ms = v * unit;
	if (*ms > 90LL * 86400000)
		return fail(p, "window: at most 90 days");
	return CG_OK;
}

static cg_err end_rule(parser *p)
{
	cg_autocase_rule *r = p->cur;
	if (!r)
		return CG_OK;
	p->cur = NULL;
	size_t at = p->line;
	p->line = p->cur_line;
	cg_err err = CG_OK;
	if (r->n_kind == 0)
		err = fail(p, "rule %s: no \"kind\" line (the findings it counts)", r->name);
	else if (!r->case_kind[0])
		err = fail(p, "rule %s: no \"case_kind\" line", r->name);
	else if (!r->title_vi[0] || !r->title_en[0])
		err = fail(p, "rule %s: title_vi and title_en are required", r->name);
	p->line = at;
	return err;
}

static cg_err rule_attr(parser *p, cg_slice kw, cg_slice rest)
{
	cg_autocase_rule *r = p->cur;
	cg_slice w;
	if (cg_slice_eq_cstr(kw, "source"))
		return names(p, rest, r->source, &r->n_source, "source");
	if (cg_slice_eq_cstr(kw, "kind"))
		return names(p, rest, r->kind, &r->n_kind, "kind");
	if (cg_slice_eq_cstr(kw, "title_vi"))
		return text(p, rest, r->title_vi, sizeof r->title_vi);
	if (cg_slice_eq_cstr(kw, "title_en"))
		return text(p, rest, r->title_en, sizeof r->title_en);
	w = cg_slice_word(&rest);
	if (cg_slice_trim(rest).len)
		return fail(p, "%.*s takes one value", (int)kw.len, kw.ptr);
	if (cg_slice_eq_cstr(kw, "min_severity")) {
		char s[16];
		cg_severity sev;
		if (cg_slice_copy(w, s, sizeof s) || cg_severity_parse(s, &sev))
			return fail(p, "min_severity: one of info low medium high critical");
		r->min_severity = sev;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "min_level")) {
		int64_t v;
		if (cg_parse_i64(w, 1, 5, &v))
			return fail(p, "min_level: a security level 1 to 5");
		r->min_level = (int)v;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "count")) {
		int64_t v;
		if (cg_parse_i64(w, 1, CG_AUTOCASE_PAGE, &v))
			return fail(p, "count: 1 to %d findings", CG_AUTOCASE_PAGE);
		r->count = (int)v;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "window"))
		return duration(p, w, &r->window_ms);
	if (cg_slice_eq_cstr(kw, "state_secret")) {
		if (!cg_slice_eq_cstr(w, "yes") && !cg_slice_eq_cstr(w, "no"))
			return fail(p, "state_secret: yes or no");
		r->state_secret = cg_slice_eq_cstr(w, "yes");
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "case_kind")) {
		bool known = !p->case_kinds;
		for (int i = 0; p->case_kinds && p->case_kinds[i]; i++)
			known |= cg_slice_eq_cstr(w, p->case_kinds[i]);
		if (!is_ident(w) || !known)
			return fail(p, "case_kind: one of the incident kinds");
		cg_slice_copy(w, r->case_kind, sizeof r->case_kind);
		return CG_OK;
	}
	return fail(p, "unknown statement \"%.*s\"", (int)(kw.len > 40 ? 40 : kw.len), kw.ptr);
}

static cg_err statement(parser *p, cg_slice line)
{
	cg_slice rest = line;
	cg_slice kw = cg_slice_word(&rest);
	if (cg_slice_eq_cstr(kw, "rule")) {
		cg_err err = end_rule(p);
		if (err)
			return err;
		cg_slice n = cg_slice_word(&rest);
		if (!is_ident(n) || cg_slice_trim(rest).len)
			return fail(p, "rule NAME: a name of a-z, 0-9, _ - and .");
		for (int i = 0; i < p->out->n_rule; i++)
			if (cg_slice_eq_cstr(n, p->out->rule[i].name))
				return fail(p, "rule %.*s named twice", (int)n.len, n.ptr);
		if (p->out->n_rule >= CG_AUTOCASE_MAX_RULES)
			return fail(p, "more than %d rules", CG_AUTOCASE_MAX_RULES);
		p->cur = &p->out->rule[p->out->n_rule++];
		cg_slice_copy(n, p->cur->name, sizeof p->cur->name);
		p->cur->count = 1;
		p->cur->window_ms = 86400000;
		p->cur_line = p->line;
		return CG_OK;
	}
	if (!p->cur)
		return fail(p, "expected \"rule NAME\"");
	return rule_attr(p, kw, rest);
}

cg_err cg_autocase_parse(cg_slice text, const char *name, const char *const *case_kinds,
                         cg_autocase_rules *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	parser p = {
	    .name = name ? name : "(autocase)", .why = why, .case_kinds = case_kinds, .out = out};
	if (text.len > CG_AUTOCASE_MAX_FILE) {
		fail(&p, "file larger than %u bytes", CG_AUTOCASE_MAX_FILE);
		return CG_ETOOBIG;
	}
	cg_slice rest = text;
	cg_err err = CG_OK;
	while (!err && rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		p.line++;
		if (line.len > CG_AUTOCASE_MAX_LINE)
			err = fail(&p, "line longer than %u bytes", CG_AUTOCASE_MAX_LINE);
		else if (memchr(line.ptr, '\0', line.len))
			err = fail(&p, "NUL byte in line");
		line = cg_slice_trim(line);
		if (!err && line.len && line.ptr[0] != '#')
			err = statement(&p, line);
	}
	if (!err) {
		p.line++;
		err = end_rule(&p);
	}
	if (err)
		memset(out, 0, sizeof *out);
	return err;
}

cg_err cg_autocase_load(const char *path, const char *const *case_kinds, cg_autocase_rules *out,
                        cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, CG_AUTOCASE_MAX_FILE);
	cg_err err = cg_read_file(path, &b, why);
	if (!err)
		err = cg_autocase_parse(cg_buf_slice(&b), path, case_kinds, out, why);
	cg_buf_free(&b);
	return err;
}

cg_err cg_autocase_load_default(const char *const *case_kinds, cg_autocase_rules *out, cg_buf *why)
{
	char dir[4096], path[4200];
	memset(out, 0, sizeof *out);
	cg_err err = cg_rules_dir("autocase", dir, sizeof dir);
	if (err) {
		if (why)
			cg_buf_printf(why, "%s: no autocase rules directory", dir);
		return err;
	}
	int n = snprintf(path, sizeof path, "%s/rules.txt", dir);
	if (n < 0 || (size_t)n >= sizeof path)
		return CG_ETOOBIG;
	return cg_autocase_load(path, case_kinds, out, why);
}

static bool in_list(const char (*l)[CG_AUTOCASE_MAX_NAME], int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(l[i], s) == 0)
			return true;
	return false;
}

bool cg_autocase_match(const cg_autocase_rule *r, const char *source, const char *kind,
                       cg_severity sev, int level)
{
	return (r->n_source == 0 || in_list(r->source, r->n_source, source)) &&
	       in_list(r->kind, r->n_kind, kind) && sev >= r->min_severity &&
	       (r->min_level == 0 || level >= r->min_level);
}
