/*
 * form_template.c - see form_template.h. One statement a line ("keyword
 * argument"); the header keywords may come once each, in any order, and
 * the body keywords (heading, para, item, systems) append blocks in file
 * order. A text with its English is "VI | EN" (the first " | " splits
 * it). The template is checked whole at the end of the file; an error
 * there names the last line.
 */
#include "api/form_template.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/rulefile.h"

typedef struct parser {
	const char *name;
	size_t line;
	cg_buf *why;
	cg_form_tmpl *t;
	unsigned seen; /* header keywords met, one bit each */
} parser;

/* The error of the line being read: "FILE:LINE: reason" (core/rulefile.h). */
#define fail(p, err, ...) cg_rule_error((p)->why, err, (p)->name, (p)->line, __VA_ARGS__)

static cg_slice trim(cg_slice s)
{
	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
		s = cg_slice_from(s.ptr + 1, s.len - 1);
	while (s.len &&
	       (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' || s.ptr[s.len - 1] == '\r'))
		s.len--;
	return s;
}

static bool eq(cg_slice s, const char *w)
{
	return s.len == strlen(w) && memcmp(s.ptr, w, s.len) == 0;
}

static bool in_list(cg_slice s, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (eq(s, list[i]))
			return true;
	return false;
}

/* Copies s (non-empty, shorter than n) into out. */
static cg_err text(parser *p, cg_slice s, char *out, size_t n, const char *what)
{
	if (s.len == 0)
		return fail(p, CG_EPARSE, "%s: expected a text", what);
	if (s.len >= n)
		return fail(p, CG_ETOOBIG, "%s: longer than %zu bytes", what, n - 1);
	memcpy(out, s.ptr, s.len);
	out[s.len] = '\0';
	return CG_OK;
}

/* [a-z0-9][a-z0-9_-]* (form and source names), or with upper case
 * letters too (the number's symbol). */
static cg_err ident(parser *p, cg_slice s, bool upper, char out[CG_FORM_MAX_NAME], const char *what)
{
	if (s.len == 0 || s.len >= CG_FORM_MAX_NAME)
		return fail(p, CG_EPARSE, "%s: expected a name of 1 to %d characters", what,
		            CG_FORM_MAX_NAME - 1);
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '-' || c == '_')) || (upper && c >= 'A' && c <= 'Z');
		if (!ok)
			return fail(p, CG_EPARSE, "%s: '%.*s' is not a name ([a-z0-9_-])", what,
			            (int)s.len, s.ptr);
	}
	memcpy(out, s.ptr, s.len);
	out[s.len] = '\0';
	return CG_OK;
}

/* "VI | EN" into vi and en; en_required: the English must be there. */
static cg_err bilingual(parser *p, cg_slice s, char *vi, char *en, bool en_required,
                        const char *what)
{
	cg_slice a = s, b = cg_slice_from(s.ptr + s.len, 0);
	for (size_t i = 0; i + 3 <= s.len; i++)
		if (memcmp(s.ptr + i, " | ", 3) == 0) {
			a = cg_slice_from(s.ptr, i);
			b = cg_slice_from(s.ptr + i + 3, s.len - i - 3);
			break;
		}
	a = trim(a);
	b = trim(b);
	cg_err err = text(p, a, vi, CG_FORM_MAX_TEXT, what);
	if (err)
		return err;
	if (b.len == 0) {
		en[0] = '\0';
		return en_required ? fail(p, CG_EPARSE, "%s: expected 'Vietnamese | English'", what)
		                   : CG_OK;
	}
	return text(p, b, en, CG_FORM_MAX_TEXT, what);
}

typedef struct header_kw {
	const char *kw;
	size_t off; /* into cg_form_tmpl */
	bool required;
} header_kw;

static const header_kw HEADER[] = {
    {"label_vi", offsetof(cg_form_tmpl, label_vi), true},
    {"label_en", offsetof(cg_form_tmpl, label_en), true},
    {"kind_title", offsetof(cg_form_tmpl, kind_title), true},
    {"title_vi", offsetof(cg_form_tmpl, title_vi), true},
    {"title_en", offsetof(cg_form_tmpl, title_en), true},
    {"place", offsetof(cg_form_tmpl, place), false},
    {"motto", offsetof(cg_form_tmpl, motto), false},
    {"slogan", offsetof(cg_form_tmpl, slogan), false},
    {"signer_role", offsetof(cg_form_tmpl, signer_role), true},
};
#define N_HEADER   (sizeof HEADER / sizeof HEADER[0])
#define BIT_FORM   (1u << N_HEADER)
#define BIT_STOP   (1u << (N_HEADER + 1))
#define BIT_SYMBOL (1u << (N_HEADER + 2))

static cg_err once(parser *p, unsigned bit, cg_slice kw)
{
	if (p->seen & bit)
		return fail(p, CG_EPARSE, "'%.*s' given twice", (int)kw.len, kw.ptr);
	p->seen |= bit;
	return CG_OK;
}

static cg_err block(parser *p, cg_form_block_kind kind, cg_slice arg, const char *const *sources,
                    const char *what)
{
	cg_form_tmpl *t = p->t;
	if (t->n_block >= CG_FORM_MAX_BLOCKS)
		return fail(p, CG_ETOOBIG, "more than %d blocks", CG_FORM_MAX_BLOCKS);
	cg_form_block *b = &t->block[t->n_block];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	cg_err err;
	if (kind == CG_FB_ITEM) {
		size_t i = 0;
		while (i < arg.len && arg.ptr[i] != ' ' && arg.ptr[i] != '\t')
			i++;
		cg_slice src = cg_slice_from(arg.ptr, i);
		if ((err = ident(p, src, false, b->source, "item source")))
			return err;
		if (!in_list(src, sources))
			return fail(p, CG_EPARSE, "item: unknown source '%s'", b->source);
		arg = trim(cg_slice_from(arg.ptr + i, arg.len - i));
	}
	if ((err = bilingual(p, arg, b->vi, b->en, kind != CG_FB_PARA, what)))
		return err;
	t->n_block++;
	return CG_OK;
}

static cg_err statement(parser *p, cg_slice kw, cg_slice arg, const char *const *sources,
                        const char *const *stops)
{
	cg_form_tmpl *t = p->t;
	cg_err err;
	for (size_t i = 0; i < N_HEADER; i++)
		if (eq(kw, HEADER[i].kw)) {
			if ((err = once(p, 1u << i, kw)))
				return err;
			return text(p, arg, (char *)t + HEADER[i].off, CG_FORM_MAX_TEXT,
			            HEADER[i].kw);
		}
	if (eq(kw, "form")) {
		if ((err = once(p, BIT_FORM, kw)))
			return err;
		return ident(p, arg, false, t->name, "form");
	}
	if (eq(kw, "stop")) {
		if ((err = once(p, BIT_STOP, kw)) || (err = ident(p, arg, false, t->stop, "stop")))
			return err;
		if (!in_list(arg, stops))
			return fail(p, CG_EPARSE, "stop: '%s' is not a case field a report stops",
			            t->stop);
		return CG_OK;
	}
	if (eq(kw, "symbol")) {
		if ((err = once(p, BIT_SYMBOL, kw)))
			return err;
		return ident(p, arg, true, t->symbol, "symbol");
	}
	if (eq(kw, "recipient")) {
		if (t->n_recipient >= CG_FORM_MAX_RECIPIENTS)
			return fail(p, CG_ETOOBIG, "more than %d recipients",
			            CG_FORM_MAX_RECIPIENTS);
		if ((err =
		         text(p, arg, t->recipient[t->n_recipient], CG_FORM_MAX_TEXT, "recipient")))
			return err;
		t->n_recipient++;
		return CG_OK;
	}
	if (eq(kw, "heading"))
		return block(p, CG_FB_HEADING, arg, sources, "heading");
	if (eq(kw, "para"))
		return block(p, CG_FB_PARA, arg, sources, "para");
	if (eq(kw, "item"))
		return block(p, CG_FB_ITEM, arg, sources, "item");
	if (eq(kw, "systems"))
		return block(p, CG_FB_SYSTEMS, arg, sources, "systems");
	return fail(p, CG_EPARSE, "unknown keyword '%.*s'", (int)(kw.len > 40 ? 40 : kw.len),
	            kw.ptr);
}

/* The whole template, at the end of the file. */
static cg_err complete(parser *p)
{
	if (!(p->seen & BIT_FORM))
		return fail(p, CG_EPARSE, "no 'form' line");
	if (!(p->seen & BIT_STOP))
		return fail(p, CG_EPARSE, "no 'stop' line");
	if (!(p->seen & BIT_SYMBOL))
		return fail(p, CG_EPARSE, "no 'symbol' line");
	for (size_t i = 0; i < N_HEADER; i++)
		if (HEADER[i].required && !(p->seen & (1u << i)))
			return fail(p, CG_EPARSE, "no '%s' line", HEADER[i].kw);
	if (p->t->n_block == 0)
		return fail(p, CG_EPARSE, "no heading, para, item or systems line");
	if (!p->t->place[0])
		memcpy(p->t->place, "........", sizeof "........");
	return CG_OK;
}

cg_err cg_form_tmpl_parse(cg_slice in, const char *name, const char *const *sources,
                          const char *const *stops, cg_form_tmpl **out, cg_buf *why)
{
	*out = NULL;
	parser p = {.name = name ? name : "form", .line = 0, .why = why};
	if (in.len > CG_FORM_MAX_FILE)
		return fail(&p, CG_ETOOBIG, "larger than %u bytes", CG_FORM_MAX_FILE);
	if (!cg_utf8_valid(in))
		return fail(&p, CG_EPARSE, "not UTF-8 text");
	p.t = calloc(1, sizeof *p.t);
	if (!p.t)
		return CG_ENOMEM;
	cg_err err = CG_OK;
	size_t pos = 0;
	while (pos < in.len && !err) {
		const char *nl = memchr(in.ptr + pos, '\n', in.len - pos);
		size_t end = nl ? (size_t)(nl - in.ptr) : in.len;
		cg_slice line = cg_slice_from(in.ptr + pos, end - pos);
		pos = end + 1;
		p.line++;
		if (line.len > CG_FORM_MAX_LINE) {
			err = fail(&p, CG_ETOOBIG, "line longer than %u bytes", CG_FORM_MAX_LINE);
			break;
		}
		for (size_t i = 0; i < line.len && !err; i++) {
			unsigned char c = (unsigned char)line.ptr[i];
			if ((c < 0x20 && c != '\t' && !(c == '\r' && i == line.len - 1)) ||
			    c == 0x7f)
				err = fail(&p, CG_EPARSE, "a control character");
		}
		line = trim(line);
		if (err || line.len == 0 || line.ptr[0] == '#')
			continue;
		size_t k = 0;
		while (k < line.len && line.ptr[k] != ' ' && line.ptr[k] != '\t')
			k++;
		err = statement(&p, cg_slice_from(line.ptr, k),
		                trim(cg_slice_from(line.ptr + k, line.len - k)), sources, stops);
	}
	if (!err)
		err = complete(&p);
	if (err) {
		free(p.t);
		return err;
	}
	*out = p.t;
	return CG_OK;
}

void cg_form_tmpl_free(cg_form_tmpl *t)
{
	free(t);
}

cg_err cg_form_set_add(cg_form_set *set, cg_form_tmpl *t, const char *name, cg_buf *why)
{
	cg_err err = CG_OK;
	if (cg_form_find(set, t->name))
		err = CG_ECONFLICT;
	else if (set->n >= CG_FORM_MAX)
		err = CG_ETOOBIG;
	if (err) {
		if (why) {
			cg_buf_reset(why);
			if (err == CG_ECONFLICT)
				cg_buf_printf(why, "%s: a second template of form '%s'", name,
				              t->name);
			else
				cg_buf_printf(why, "%s: more than %d form templates", name,
				              CG_FORM_MAX);
		}
		free(t);
		return err;
	}
	set->t[set->n++] = t;
	return CG_OK;
}

void cg_form_set_free(cg_form_set *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->t[i]);
	set->n = 0;
}

const cg_form_tmpl *cg_form_find(const cg_form_set *set, const char *name)
{
	for (int i = 0; set && name && i < set->n; i++)
		if (strcmp(set->t[i]->name, name) == 0)
			return set->t[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt names of dir (at most CG_FORM_MAX + 1: one more is refused). */
static cg_err list_dir(const char *dir, char **names, int *n, cg_buf *why)
{
	DIR *d = opendir(dir);
	*n = 0;
	if (!d) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: cannot read the form templates directory", dir);
		}
		return CG_ENOTFOUND;
	}
	cg_err err = CG_OK;
	struct dirent *e;
	while (!err && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		if (*n >= CG_FORM_MAX) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: more than %d form templates", dir,
				              CG_FORM_MAX);
			}
			err = CG_ETOOBIG;
		} else if (!(names[*n] = strdup(e->d_name))) {
			err = CG_ENOMEM;
		} else {
			(*n)++;
		}
	}
	closedir(d);
	qsort(names, (size_t)*n, sizeof *names, cmp_str);
	return err;
}

cg_err cg_form_set_load_dir(const char *dir, const char *const *sources, const char *const *stops,
                            const char *const *required, cg_form_set *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	char *names[CG_FORM_MAX];
	int n = 0;
	cg_err err = list_dir(dir, names, &n, why);
	cg_buf text;
	cg_buf_init(&text, 4096);
	for (int i = 0; i < n && !err; i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			err = CG_ETOOBIG;
			break;
		}
		struct stat sb;
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		if (sb.st_size > (off_t)CG_FORM_MAX_FILE) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s:0: larger than %u bytes", path,
				              CG_FORM_MAX_FILE);
			}
			err = CG_ETOOBIG;
			break;
		}
		cg_buf_reset(&text);
		cg_form_tmpl *t = NULL;
		err = cg_read_file(path, &text, why);
		if (!err)
			err =
			    cg_form_tmpl_parse(cg_buf_slice(&text), path, sources, stops, &t, why);
		if (!err)
			err = cg_form_set_add(out, t, path, why);
	}
	for (size_t i = 0; !err && required && required[i]; i++)
		if (!cg_form_find(out, required[i])) {
			if (why) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: no template of form '%s'", dir,
				              required[i]);
			}
			err = CG_ENOTFOUND;
		}
	cg_buf_free(&text);
	for (int i = 0; i < n; i++)
		free(names[i]);
	if (err)
		cg_form_set_free(out);
	return err;
}
