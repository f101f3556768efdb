/*
 * playbook.c - see playbook.h. The parser reads one statement a line
 * ("keyword arguments"): the playbook's own lines first, then "step NAME"
 * and the lines describing that step up to the next step. A "check_vi"
 * line opens a checklist item and the "check_en" line after it gives its
 * English; a step or playbook is checked whole when the next one starts
 * (or the file ends), and an error there names the line it began on.
 */
#include "playbook.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/rulefile.h"
#include "core/rulesdir.h"

static const char *const role_names[CG_PB_NROLES] = {
    "officer", "analyst", "admin", "leader", "vendor", "police_cyber",
};

const char *cg_pb_role_name(cg_pb_role r)
{
	return (unsigned)r < CG_PB_NROLES ? role_names[r] : "officer";
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct parser {
	const char *name;
	size_t line;
	cg_buf *why;
	const char *const *kinds;
	cg_playbook *pb;
	cg_pb_step *cur; /* the step being described, or NULL */
	size_t cur_line;
	bool named;        /* the "playbook" line was seen */
	bool check_open;   /* the last check_vi waits for its check_en */
	size_t check_line; /* ... from this line */
} parser;

/* The error of the line being read: "FILE:LINE: reason" (core/rulefile.h). */
#define fail(p, ...) cg_rule_error((p)->why, CG_EPARSE, (p)->name, (p)->line, __VA_ARGS__)

/* [a-z][a-z0-9_-]* shorter than CG_PLAYBOOK_MAX_NAME. */
static bool is_ident(cg_slice s)
{
	if (s.len == 0 || s.len >= CG_PLAYBOOK_MAX_NAME)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		bool ok = (c >= 'a' && c <= 'z') ||
		          (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/* A host name as inventory domains are written: letters, digits, '-',
 * '.', kept in lower case. */
static bool is_domain(cg_slice s)
{
	if (s.len == 0 || s.len >= CG_PLAYBOOK_MAX_DOMAIN || s.ptr[0] == '.' || s.ptr[0] == '-')
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

static cg_err text(parser *p, cg_slice s, char *dst, size_t size)
{
	return cg_rule_text(p->why, p->name, p->line, s, dst, size);
}

/* The step just described is whole. */
static cg_err end_step(parser *p)
{
	if (p->check_open) {
		p->line = p->check_line;
		return fail(p, "check_vi without its check_en line");
	}
	cg_pb_step *s = p->cur;
	if (!s)
		return CG_OK;
	p->cur = NULL;
	size_t at = p->line;
	p->line = p->cur_line;
	cg_err err = CG_OK;
	if (!s->title_vi[0] || !s->title_en[0])
		err = fail(p, "step %s: title_vi and title_en are required", s->name);
	p->line = at;
	return err;
}

static cg_err playbook_line(parser *p, cg_slice kw, cg_slice rest)
{
	cg_playbook *pb = p->pb;
	if (cg_slice_eq_cstr(kw, "playbook")) {
		cg_slice n = cg_slice_word(&rest);
		if (p->named)
			return fail(p, "one playbook a file (a second \"playbook\" line)");
		if (!is_ident(n) || cg_slice_trim(rest).len)
			return fail(p, "playbook NAME: a name of a-z, 0-9, _ and -");
		cg_slice_copy(n, pb->name, sizeof pb->name);
		p->named = true;
		return CG_OK;
	}
	if (!p->named)
		return fail(p, "the file must start with \"playbook NAME\"");
	if (cg_slice_eq_cstr(kw, "title_vi"))
		return text(p, rest, pb->title_vi, sizeof pb->title_vi);
	if (cg_slice_eq_cstr(kw, "title_en"))
		return text(p, rest, pb->title_en, sizeof pb->title_en);
	if (cg_slice_eq_cstr(kw, "kind")) {
		cg_slice k;
		while ((k = cg_slice_word(&rest)).len) {
			bool known = !p->kinds;
			for (int i = 0; p->kinds && p->kinds[i]; i++)
				known |= cg_slice_eq_cstr(k, p->kinds[i]);
			if (!is_ident(k) || !known)
				return fail(p, "unknown incident kind \"%.*s\"",
				            (int)(k.len > 40 ? 40 : k.len), k.ptr);
			for (int i = 0; i < pb->n_kind; i++)
				if (cg_slice_eq_cstr(k, pb->kind[i]))
					return fail(p, "kind %.*s named twice", (int)k.len, k.ptr);
			if (pb->n_kind >= CG_PLAYBOOK_MAX_KINDS)
				return fail(p, "more than %d kinds", CG_PLAYBOOK_MAX_KINDS);
			cg_slice_copy(k, pb->kind[pb->n_kind++], CG_PLAYBOOK_MAX_NAME);
		}
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "system")) {
		cg_slice d;
		while ((d = cg_slice_word(&rest)).len) {
			if (!is_domain(d))
				return fail(
				    p, "system: a domain of the inventory (letters, digits, - .)");
			if (pb->n_system >= CG_PLAYBOOK_MAX_SYSTEMS)
				return fail(p, "more than %d systems", CG_PLAYBOOK_MAX_SYSTEMS);
			char *dst = pb->system[pb->n_system++];
			for (size_t i = 0; i < d.len; i++)
				dst[i] = (d.ptr[i] >= 'A' && d.ptr[i] <= 'Z')
				             ? (char)(d.ptr[i] + 32)
				             : d.ptr[i];
			dst[d.len] = '\0';
		}
		return CG_OK;
	}
	return fail(p, "unknown statement \"%.*s\"", (int)(kw.len > 40 ? 40 : kw.len), kw.ptr);
}

static cg_err step_line(parser *p, cg_slice kw, cg_slice rest)
{
	cg_pb_step *s = p->cur;
	if (p->check_open && !cg_slice_eq_cstr(kw, "check_en")) {
		p->line = p->check_line;
		return fail(p, "check_vi without its check_en line");
	}
	if (cg_slice_eq_cstr(kw, "role")) {
		cg_slice r = cg_slice_word(&rest);
		if (cg_slice_trim(rest).len)
			return fail(p, "role takes one name");
		for (int i = 0; i < CG_PB_NROLES; i++)
			if (cg_slice_eq_cstr(r, role_names[i])) {
				s->role = (cg_pb_role)i;
				return CG_OK;
			}
		return fail(p, "unknown role (officer, analyst, admin, leader, vendor, "
		               "police_cyber)");
	}
	if (cg_slice_eq_cstr(kw, "title_vi"))
		return text(p, rest, s->title_vi, sizeof s->title_vi);
	if (cg_slice_eq_cstr(kw, "title_en"))
		return text(p, rest, s->title_en, sizeof s->title_en);
	if (cg_slice_eq_cstr(kw, "check_vi")) {
		if (s->n_check >= CG_PLAYBOOK_MAX_CHECKS)
			return fail(p, "more than %d checklist items", CG_PLAYBOOK_MAX_CHECKS);
		cg_err err = text(p, rest, s->check[s->n_check].vi, CG_PLAYBOOK_MAX_TEXT);
		if (err)
			return err;
		p->check_open = true;
		p->check_line = p->line;
		return CG_OK;
	}
	if (cg_slice_eq_cstr(kw, "check_en")) {
		if (!p->check_open)
			return fail(p, "check_en must follow its check_vi line");
		cg_err err = text(p, rest, s->check[s->n_check].en, CG_PLAYBOOK_MAX_TEXT);
		if (err)
			return err;
		p->check_open = false;
		s->n_check++;
		return CG_OK;
	}
	return fail(p, "unknown statement in a step \"%.*s\"", (int)(kw.len > 40 ? 40 : kw.len),
	            kw.ptr);
}

static cg_err statement(parser *p, cg_slice line)
{
	cg_slice rest = line;
	cg_slice kw = cg_slice_word(&rest);
	if (cg_slice_eq_cstr(kw, "step")) {
		cg_err err = end_step(p);
		if (err)
			return err;
		if (!p->named)
			return fail(p, "the file must start with \"playbook NAME\"");
		cg_slice n = cg_slice_word(&rest);
		if (!is_ident(n) || cg_slice_trim(rest).len)
			return fail(p, "step NAME: a name of a-z, 0-9, _ and -");
		for (int i = 0; i < p->pb->n_step; i++)
			if (cg_slice_eq_cstr(n, p->pb->step[i].name))
				return fail(p, "step %.*s named twice", (int)n.len, n.ptr);
		if (p->pb->n_step >= CG_PLAYBOOK_MAX_STEPS)
			return fail(p, "more than %d steps", CG_PLAYBOOK_MAX_STEPS);
		p->cur = &p->pb->step[p->pb->n_step++];
		cg_slice_copy(n, p->cur->name, sizeof p->cur->name);
		p->cur_line = p->line;
		return CG_OK;
	}
	return p->cur ? step_line(p, kw, rest) : playbook_line(p, kw, rest);
}

cg_err cg_playbook_parse(cg_slice text, const char *name, const char *const *kinds,
                         cg_playbook **out, cg_buf *why)
{
	*out = NULL;
	parser p = {.name = name ? name : "(playbook)", .why = why, .kinds = kinds};
	if (text.len > CG_PLAYBOOK_MAX_FILE) {
		fail(&p, "file larger than %u bytes", CG_PLAYBOOK_MAX_FILE);
		return CG_ETOOBIG;
	}
	p.pb = calloc(1, sizeof *p.pb);
	if (!p.pb)
		return CG_ENOMEM;
	cg_slice rest = text;
	cg_err err = CG_OK;
	while (!err && rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		p.line++;
		if (line.len > CG_PLAYBOOK_MAX_LINE)
			err = fail(&p, "line longer than %u bytes", CG_PLAYBOOK_MAX_LINE);
		else if (memchr(line.ptr, '\0', line.len))
			err = fail(&p, "NUL byte in line");
		line = cg_slice_trim(line);
		if (!err && line.len && line.ptr[0] != '#')
			err = statement(&p, line);
	}
	if (!err) {
		p.line++;
		err = end_step(&p);
	}
	if (!err && !p.named)
		err = fail(&p, "no \"playbook NAME\" line");
	if (!err && (!p.pb->title_vi[0] || !p.pb->title_en[0]))
		err = fail(&p, "playbook %s: title_vi and title_en are required", p.pb->name);
	if (!err && p.pb->n_kind == 0)
		err = fail(&p, "playbook %s: no \"kind\" line", p.pb->name);
	if (!err && p.pb->n_step == 0)
		err = fail(&p, "playbook %s: no step", p.pb->name);
	if (err) {
		free(p.pb);
		return err;
	}
	*out = p.pb;
	return CG_OK;
}

void cg_playbook_free(cg_playbook *p)
{
	free(p);
}

/* ---- the set ---------------------------------------------------------- */

static bool has_kind(const cg_playbook *p, const char *kind)
{
	for (int i = 0; i < p->n_kind; i++)
		if (strcmp(p->kind[i], kind) == 0)
			return true;
	return false;
}

static bool has_system(const cg_playbook *p, const char *domain)
{
	for (int i = 0; i < p->n_system; i++)
		if (strcasecmp(p->system[i], domain) == 0)
			return true;
	return false;
}

/* Whether a and b would both answer a case of some kind and system. */
static const char *overlap(const cg_playbook *a, const cg_playbook *b)
{
	for (int i = 0; i < a->n_kind; i++) {
		if (!has_kind(b, a->kind[i]))
			continue;
		if (a->n_system == 0 && b->n_system == 0)
			return a->kind[i];
		for (int j = 0; j < a->n_system; j++)
			if (has_system(b, a->system[j]))
				return a->kind[i];
	}
	return NULL;
}

cg_err cg_playbooks_add(cg_playbooks *set, cg_playbook *p, const char *name, cg_buf *why)
{
	const char *what = NULL, *other = NULL;
	cg_err err = CG_OK;
	for (int i = 0; i < set->n && !err; i++) {
		if (strcmp(set->pb[i]->name, p->name) == 0) {
			other = set->pb[i]->name;
			what = "a second playbook named";
			err = CG_ECONFLICT;
		} else if ((what = overlap(p, set->pb[i]))) {
			other = set->pb[i]->name;
			err = CG_ECONFLICT;
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why,
				              "%s: playbook %s answers the same kind (%s) and "
				              "systems as playbook %s",
				              name, p->name, what, other);
			}
			free(p);
			return err;
		}
	}
	if (err) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: %s %s", name, what, other);
		}
		free(p);
		return err;
	}
	if (set->n >= CG_PLAYBOOK_MAX) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: more than %d playbooks", name, CG_PLAYBOOK_MAX);
		}
		free(p);
		return CG_ETOOBIG;
	}
	set->pb[set->n++] = p;
	return CG_OK;
}

void cg_playbooks_free(cg_playbooks *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->pb[i]);
	memset(set, 0, sizeof *set);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_txt(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && strcmp(s + n - 4, ".txt") == 0;
}

cg_err cg_playbooks_load_dir(const char *dir, const char *const *kinds, cg_playbooks *out,
                             cg_buf *why)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: cannot open the playbook directory", dir);
		}
		return CG_ENOTFOUND;
	}
	char *names[CG_PLAYBOOK_MAX + 1];
	int n = 0;
	cg_err err = CG_OK;
	struct dirent *e;
	while (!err && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !is_txt(e->d_name))
			continue;
		if (n > CG_PLAYBOOK_MAX) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: more than %d playbooks", dir,
				              CG_PLAYBOOK_MAX);
			}
			err = CG_ETOOBIG;
		} else if (!(names[n++] = strdup(e->d_name))) {
			n--;
			err = CG_ENOMEM;
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	cg_buf text;
	cg_buf_init(&text, CG_PLAYBOOK_MAX_FILE);
	for (int i = 0; i < n && !err; i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			err = CG_ETOOBIG;
			break;
		}
		struct stat sb;
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		cg_buf_reset(&text);
		cg_playbook *p = NULL;
		err = cg_read_file(path, &text, why);
		if (!err)
			err = cg_playbook_parse(cg_buf_slice(&text), path, kinds, &p, why);
		if (!err)
			err = cg_playbooks_add(out, p, path, why);
	}
	cg_buf_free(&text);
	for (int i = 0; i < n; i++)
		free(names[i]);
	if (err)
		cg_playbooks_free(out);
	return err;
}

cg_err cg_playbooks_load_default(const char *const *kinds, cg_playbooks *out, cg_buf *why)
{
	char dir[4096];
	memset(out, 0, sizeof *out);
	cg_err err = cg_rules_dir("playbooks", dir, sizeof dir);
	if (err) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: no playbook directory", dir);
		}
		return err;
	}
	return cg_playbooks_load_dir(dir, kinds, out, why);
}

const cg_playbook *cg_playbook_select(const cg_playbooks *set, const char *kind,
                                      const char *const *domains, size_t n_domains)
{
	const cg_playbook *general = NULL;
	for (int i = 0; kind && i < set->n; i++) {
		const cg_playbook *p = set->pb[i];
		if (!has_kind(p, kind))
			continue;
		if (p->n_system == 0) {
			general = p;
			continue;
		}
		for (size_t j = 0; j < n_domains; j++)
			if (domains[j] && has_system(p, domains[j]))
				return p;
	}
	return general;
}

const cg_playbook *cg_playbook_find(const cg_playbooks *set, const char *name)
{
	for (int i = 0; name && i < set->n; i++)
		if (strcmp(set->pb[i]->name, name) == 0)
			return set->pb[i];
	return NULL;
}
