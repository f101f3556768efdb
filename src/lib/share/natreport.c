/*
 * natreport.c - the national malware-statistics document (natreport.h):
 * the map file's parser and the JSON / XML writers.
 *
 * Both writers walk the same list of (name, value) pairs made from the
 * map, so a field is named, ordered and left out the same way in both
 * formats; only the syntax differs. Reals (the infection index) go out
 * with two decimals in both, so the two documents of one month say the
 * same numbers.
 */
#include "share/natreport.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/rulefile.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"

/* The figures a map may name; the order is the index a field stores. */
static const char *const rep_src[] = {
    "period",         "period_start", "period_end",    "province",  "generated_at",
    "agencies",       "declared",     "malware_hosts", "dns_hosts", "infected_hosts",
    "malware_events", "dns_events",   "events",
};
enum {
	R_PERIOD,
	R_START,
	R_END,
	R_PROVINCE,
	R_GENERATED,
	R_AGENCIES,
	R_DECLARED,
	R_MALWARE_HOSTS,
	R_DNS_HOSTS,
	R_INFECTED,
	R_MALWARE_EVENTS,
	R_DNS_EVENTS,
	R_EVENTS,
	R_COUNT
};
static const char *const ag_src[] = {
    "id",        "name",           "declared",        "events", "malware_hosts",
    "dns_hosts", "infected_hosts", "infection_index",
};
enum {
	A_ID,
	A_NAME,
	A_DECLARED,
	A_EVENTS,
	A_MALWARE_HOSTS,
	A_DNS_HOSTS,
	A_INFECTED,
	A_INDEX,
	A_COUNT
};

_Static_assert(sizeof rep_src / sizeof *rep_src == R_COUNT, "report sources and enum");
_Static_assert(sizeof ag_src / sizeof *ag_src == A_COUNT, "agency sources and enum");

#define NATMAP_DEFAULT "national-malware.map"

static bool name_ok(cg_slice s)
{
	if (!s.len || s.len > CG_NATMAP_NAME_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
		bool rest = (c >= '0' && c <= '9') || c == '.' || c == '-';
		if (!alpha && (i == 0 || !rest))
			return false;
	}
	return true;
}

static int src_index(cg_slice s, const char *const *v, int n)
{
	for (int i = 0; i < n; i++)
		if (cg_slice_eq_cstr(s, v[i]))
			return i;
	return -1;
}

/* fmt has one "%.*s": the offending word, bounded, as a hostile line is
 * not echoed whole (the "FILE:LINE: " prefix is core/rulefile.h's). */
static cg_err line_error(cg_buf *why, const char *file, size_t ln, const char *fmt, cg_slice w)
{
	int n = w.len > 80 ? 80 : (int)w.len;
	return cg_rule_error(why, CG_EPARSE, file, ln, fmt, n, w.ptr);
}

static bool taken(const cg_natmap_field *v, size_t n, cg_slice name, const char *list)
{
	if (list[0] && cg_slice_eq_cstr(name, list))
		return true;
	for (size_t i = 0; i < n; i++)
		if (cg_slice_eq_cstr(name, v[i].name))
			return true;
	return false;
}

cg_err cg_natmap_parse(cg_slice text, const char *file, cg_natmap *m, cg_buf *why)
{
	memset(m, 0, sizeof *m);
	size_t ln = 0;
	cg_slice rest = text;
	while (rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		ln++;
		for (size_t i = 0; i < line.len; i++)
			if (line.ptr[i] == '#') {
				line.len = i;
				break;
			}
		if (line.len && line.ptr[line.len - 1] == '\r')
			line.len--;
		for (size_t i = 0; i < line.len; i++)
			if ((unsigned char)line.ptr[i] < 0x20 && line.ptr[i] != '\t')
				return line_error(why, file, ln, "a control character%.*s",
				                  CG_SLICE(""));
		cg_slice kind = cg_slice_word(&line);
		if (!kind.len)
			continue;
		bool rep = cg_slice_eq_cstr(kind, "field"), ag = cg_slice_eq_cstr(kind, "agency");
		char *single = cg_slice_eq_cstr(kind, "root")   ? m->root
		               : cg_slice_eq_cstr(kind, "list") ? m->list
		               : cg_slice_eq_cstr(kind, "item") ? m->item
		                                                : NULL;
		if (!rep && !ag && !single)
			return line_error(why, file, ln,
			                  "'%.*s' is not root, list, item, field or agency", kind);
		int src = -1;
		cg_slice s = {0};
		if (!single) {
			s = cg_slice_word(&line);
			src = rep ? src_index(s, rep_src, R_COUNT) : src_index(s, ag_src, A_COUNT);
			if (src < 0)
				return line_error(why, file, ln,
				                  rep ? "'%.*s' is not a figure of the report"
				                      : "'%.*s' is not a figure of an agency",
				                  s);
		}
		cg_slice name = cg_slice_word(&line);
		if (!name_ok(name))
			return line_error(
			    why, file, ln,
			    "'%.*s' is not a name (letters, digits, _ . -, at most 64)", name);
		cg_slice extra = cg_slice_word(&line);
		if (extra.len)
			return line_error(why, file, ln, "'%.*s' after the name", extra);
		if (single) {
			if (single[0])
				return line_error(why, file, ln, "%.*s given twice", kind);
			memcpy(single, name.ptr, name.len);
			single[name.len] = 0;
			continue;
		}
		cg_natmap_field *v = rep ? m->fields : m->agency;
		size_t *n = rep ? &m->nfields : &m->nagency;
		if (taken(v, *n, name, rep ? m->list : ""))
			return line_error(why, file, ln, "the name '%.*s' is used twice", name);
		if (*n >= CG_NATMAP_MAX_FIELDS)
			return line_error(why, file, ln, "more than 64 fields%.*s", CG_SLICE(""));
		v[*n].source = src;
		memcpy(v[*n].name, name.ptr, name.len);
		v[*n].name[name.len] = 0;
		(*n)++;
	}
	const char *missing = !m->root[0]   ? "root"
	                      : !m->list[0] ? "list"
	                      : !m->item[0] ? "item"
	                                    : NULL;
	if (missing) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: no '%s' line", file, missing);
		return CG_EPARSE;
	}
	/* a field named like the list would make two keys in one JSON object */
	for (size_t i = 0; i < m->nfields; i++)
		if (!strcmp(m->fields[i].name, m->list)) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: the field name '%s' is the list's name", file,
			              m->list);
			return CG_EPARSE;
		}
	return CG_OK;
}

cg_err cg_natmap_load(const char *file, cg_natmap *out, cg_buf *why)
{
	char rp[PATH_MAX];
	if (!file) {
		if (cg_rules_dir("national", rp, sizeof rp - sizeof "/" NATMAP_DEFAULT)) {
			cg_buf_reset(why);
			cg_buf_printf(why, "no rules directory with national/ (%s)", rp);
			return CG_ENOTFOUND;
		}
		size_t l = strlen(rp);
		memcpy(rp + l, "/" NATMAP_DEFAULT, sizeof "/" NATMAP_DEFAULT);
		file = rp;
	}
	cg_buf text;
	cg_buf_init(&text, CG_NATMAP_MAX_FILE);
	cg_err err = cg_read_file(file, &text, why);
	if (!err)
		err = cg_natmap_parse(cg_buf_slice(&text), file, out, why);
	cg_buf_free(&text);
	return err;
}

cg_err cg_natreport_fmt_parse(const char *s, cg_natreport_fmt *out)
{
	if (!strcmp(s, "json"))
		*out = CG_NATREPORT_JSON;
	else if (!strcmp(s, "xml"))
		*out = CG_NATREPORT_XML;
	else
		return CG_EINVAL;
	return CG_OK;
}

/* One value of the document. */
typedef struct val {
	enum { V_STR, V_INT, V_REAL } kind;
	const char *s;
	int64_t i;
	double r;
} val;

typedef struct ctx {
	const cg_report_figs *f;
	const cg_period *p;
	const cg_natreport_meta *meta;
	char start[32], end[32], now[32];
	int64_t declared, infected;
} ctx;

static val rep_val(const ctx *c, int src)
{
	const cg_report_figs *f = c->f;
	switch (src) {
	case R_PERIOD:
		return (val){V_STR, c->p->name, 0, 0};
	case R_START:
		return (val){V_STR, c->start, 0, 0};
	case R_END:
		return (val){V_STR, c->end, 0, 0};
	case R_PROVINCE:
		return (val){V_STR, c->meta->province ? c->meta->province : "", 0, 0};
	case R_GENERATED:
		return (val){V_STR, c->now, 0, 0};
	case R_AGENCIES:
		return (val){V_INT, NULL, (int64_t)f->nagencies, 0};
	case R_DECLARED:
		return (val){V_INT, NULL, c->declared, 0};
	case R_MALWARE_HOSTS:
		return (val){V_INT, NULL, f->malware_hosts, 0};
	case R_DNS_HOSTS:
		return (val){V_INT, NULL, f->dns_hosts, 0};
	case R_INFECTED:
		return (val){V_INT, NULL, c->infected, 0};
	case R_MALWARE_EVENTS:
		return (val){V_INT, NULL, f->malware_events, 0};
	case R_DNS_EVENTS:
		return (val){V_INT, NULL, f->dns_events, 0};
	default:
		return (val){V_INT, NULL, f->events, 0};
	}
}

static val ag_val(const cg_agency_figs *g, int src)
{
	switch (src) {
	case A_ID:
		return (val){V_INT, NULL, g->id, 0};
	case A_NAME:
		return (val){V_STR, g->name, 0, 0};
	case A_DECLARED:
		return (val){V_INT, NULL, g->declared, 0};
	case A_EVENTS:
		return (val){V_INT, NULL, g->events, 0};
	case A_MALWARE_HOSTS:
		return (val){V_INT, NULL, g->malware_hosts, 0};
	case A_DNS_HOSTS:
		return (val){V_INT, NULL, g->dns_hosts, 0};
	case A_INFECTED:
		return (val){V_INT, NULL, g->infected_hosts, 0};
	/* the one index (store/infection.h), already rounded to two decimals */
	default:
		return (val){V_REAL, NULL, 0, g->infection_index};
	}
}

static json_t *to_json(val v)
{
	return v.kind == V_STR   ? json_string(v.s)
	       : v.kind == V_INT ? json_integer((json_int_t)v.i)
	                         : json_real(v.r);
}

static cg_err write_json(const cg_natmap *m, const ctx *c, cg_buf *out)
{
	json_t *doc = json_object(), *list = json_array();
	for (size_t i = 0; i < m->nfields; i++)
		json_object_set_new(doc, m->fields[i].name,
		                    to_json(rep_val(c, m->fields[i].source)));
	for (size_t a = 0; a < c->f->nagencies; a++) {
		json_t *o = json_object();
		for (size_t i = 0; i < m->nagency; i++)
			json_object_set_new(
			    o, m->agency[i].name,
			    to_json(ag_val(&c->f->agencies[a], m->agency[i].source)));
		json_array_append_new(list, o);
	}
	json_object_set_new(doc, m->list, list);
	/* a name string json_string refused (not UTF-8) became NULL: the
	 * object lacks that key, which is better than a broken document */
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(doc);
	if (!s)
		return CG_ENOMEM;
	cg_err err = cg_buf_puts(out, s);
	if (!err)
		err = cg_buf_putc(out, '\n');
	free(s);
	return err;
}

/* Text content: the five XML escapes; control characters XML 1.0 cannot
 * carry are dropped. */
static cg_err xml_text(cg_buf *out, const char *s)
{
	cg_err err = CG_OK;
	for (; *s && !err; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&':
			err = cg_buf_puts(out, "&amp;");
			break;
		case '<':
			err = cg_buf_puts(out, "&lt;");
			break;
		case '>':
			err = cg_buf_puts(out, "&gt;");
			break;
		case '"':
			err = cg_buf_puts(out, "&quot;");
			break;
		case '\'':
			err = cg_buf_puts(out, "&apos;");
			break;
		default:
			if (ch >= 0x20 || ch == '\t' || ch == '\n')
				err = cg_buf_putc(out, (char)ch);
		}
	}
	return err;
}

static cg_err xml_elem(cg_buf *out, int indent, const char *name, val v)
{
	cg_err err = cg_buf_printf(out, "%*s<%s>", indent, "", name);
	if (!err)
		err = v.kind == V_STR   ? xml_text(out, v.s)
		      : v.kind == V_INT ? cg_buf_printf(out, "%lld", (long long)v.i)
		                        : cg_buf_printf(out, "%.2f", v.r);
	if (!err)
		err = cg_buf_printf(out, "</%s>\n", name);
	return err;
}

static cg_err write_xml(const cg_natmap *m, const ctx *c, cg_buf *out)
{
	cg_err err =
	    cg_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s>\n", m->root);
	for (size_t i = 0; i < m->nfields && !err; i++)
		err = xml_elem(out, 2, m->fields[i].name, rep_val(c, m->fields[i].source));
	if (!err)
		err = cg_buf_printf(out, "  <%s>\n", m->list);
	for (size_t a = 0; a < c->f->nagencies && !err; a++) {
		err = cg_buf_printf(out, "    <%s>\n", m->item);
		for (size_t i = 0; i < m->nagency && !err; i++)
			err = xml_elem(out, 6, m->agency[i].name,
			               ag_val(&c->f->agencies[a], m->agency[i].source));
		if (!err)
			err = cg_buf_printf(out, "    </%s>\n", m->item);
	}
	if (!err)
		err = cg_buf_printf(out, "  </%s>\n</%s>\n", m->list, m->root);
	return err;
}

cg_err cg_natreport_write(const cg_natmap *m, const cg_report_figs *f, const cg_period *p,
                          const cg_natreport_meta *meta, cg_natreport_fmt fmt, cg_buf *out,
                          cg_buf *why)
{
	ctx c = {.f = f, .p = p, .meta = meta};
	cg_time_format(p->from_ms, c.start, sizeof c.start);
	cg_time_format(p->to_ms, c.end, sizeof c.end);
	cg_time_format(meta->now_ms, c.now, sizeof c.now);
	for (size_t a = 0; a < f->nagencies; a++) {
		c.declared += f->agencies[a].declared;
		c.infected += f->agencies[a].malware_hosts + f->agencies[a].dns_hosts;
	}
	cg_err err = fmt == CG_NATREPORT_XML ? write_xml(m, &c, out) : write_json(m, &c, out);
	if (err) {
		cg_buf_reset(why);
		cg_buf_printf(why, "the document: %s", cg_strerror(err));
	}
	return err;
}

cg_err cg_natreport_make(cg_store *st, const char *period, const char *map_file,
                         const cg_natreport_meta *meta, cg_natreport_fmt fmt, cg_buf *out,
                         cg_buf *why)
{
	cg_period cur, prev;
	if (cg_period_parse(CG_REPORT_MONTHLY, period, &cur, &prev)) {
		cg_buf_reset(why);
		cg_buf_printf(why, "the period must be a month (2026-11), not '%.40s'", period);
		return CG_EINVAL;
	}
	cg_natmap *m = calloc(1, sizeof *m);
	cg_report_figs *f = calloc(1, sizeof *f);
	cg_err err = !m || !f ? CG_ENOMEM : CG_OK;
	cg_scope scope = {0};
	if (!err)
		err = cg_natmap_load(map_file, m, why);
	if (!err)
		err = cg_report_collect(st, &scope, CG_REPORT_MONTHLY, &cur, NULL, meta->now_ms, f,
		                        why);
	if (!err)
		err = cg_natreport_write(m, f, &cur, meta, fmt, out, why);
	free(m);
	free(f);
	return err;
}
