/*
 * doc_json.c - see doc_json.h. The writer copies every field of the model;
 * the reader rebuilds the model through doc.h's builders, so the bounds
 * and the copying of strings are those of every other document.
 */
#include "report/doc_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"

static const char *const CHART_KINDS[] = {"bars", "stacked", "line"};

/* the frame's strings, by name, in the model's order */
#define FRAME(X)                                                                                   \
	X(parent)                                                                                  \
	X(issuer)                                                                                  \
	X(number)                                                                                  \
	X(place_date)                                                                              \
	X(kind_title)                                                                              \
	X(title)                                                                                   \
	X(signer_role)                                                                             \
	X(signer_name)                                                                             \
	X(signed_by)                                                                               \
	X(motto)                                                                                   \
	X(slogan)

static json_t *strs(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, cg_json_cstr(v[i]));
	return a;
}

static json_t *block_json(const cg_doc_block *b)
{
	switch (b->kind) {
	case CG_BLK_HEADING:
		return json_pack("{s:s,s:i,s:o}", "k", "h", "level", b->level, "text",
		                 cg_json_cstr(b->text));
	case CG_BLK_PARA:
		return json_pack("{s:s,s:o}", "k", "p", "text", cg_json_cstr(b->text));
	case CG_BLK_TABLE:
		return json_pack("{s:s,s:o,s:I,s:o}", "k", "t", "text", cg_json_cstr(b->text),
		                 "cols", (json_int_t)b->ncols, "cells",
		                 strs(b->cells, (b->nrows + 1) * b->ncols));
	case CG_BLK_CHART: {
		const cg_doc_chart *c = b->chart;
		json_t *v = json_array();
		for (size_t i = 0; v && i < c->ncats * c->nseries; i++)
			json_array_append_new(v,
			                      json_real(isfinite(c->values[i]) ? c->values[i] : 0));
		return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:f}", "k", "c", "kind",
		                 CHART_KINDS[c->kind], "title", cg_json_cstr(c->title), "unit",
		                 cg_json_cstr(c->unit), "cats", strs(c->cats, c->ncats), "series",
		                 strs(c->series, c->nseries), "values", v, "ymax",
		                 isfinite(c->ymax) ? c->ymax : 0.0);
	}
	case CG_BLK_PAGEBREAK:
		break;
	}
	return json_pack("{s:s}", "k", "br");
}

json_t *cg_doc_to_json(const cg_doc *d)
{
	json_t *o = json_object(), *blocks = json_array();
	if (!o || !blocks) {
		json_decref(o);
		json_decref(blocks);
		return NULL;
	}
#define PUT(f)                                                                                     \
	if (d->f)                                                                                  \
		json_object_set_new(o, #f, cg_json_cstr(d->f));
	FRAME(PUT)
#undef PUT
	json_object_set_new(o, "recipients", strs(d->recipients, d->nrecipients));
	json_object_set_new(o, "english", json_boolean(d->english));
	json_object_set_new(o, "toc", json_boolean(d->toc));
	for (size_t i = 0; i < d->nblocks; i++)
		json_array_append_new(blocks, block_json(&d->blocks[i]));
	json_object_set_new(o, "blocks", blocks);
	return o;
}

/* ---- the reader ---------------------------------------------------------- */

/* an array of n strings into a fresh vector of borrowed pointers */
static const char **str_vec(const json_t *a, size_t n)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return NULL;
	const char **v = calloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = json_string_value(json_array_get(a, i)))) {
			free(v);
			return NULL;
		}
	return v;
}

static cg_err table_from(cg_doc *d, const json_t *b)
{
	const json_t *cells = json_object_get(b, "cells");
	json_int_t cols = json_integer_value(json_object_get(b, "cols"));
	size_t n = json_array_size(cells);
	if (cols < 1 || cols > CG_DOC_MAX_COLS || n == 0 || n % (size_t)cols ||
	    n / (size_t)cols > CG_DOC_MAX_ROWS + 1u)
		return CG_EPARSE;
	const char **v = str_vec(cells, n);
	if (!v)
		return CG_EPARSE;
	cg_err err = cg_doc_table(d, cg_json_get_str(b, "text"), (size_t)cols, v);
	for (size_t r = (size_t)cols; !err && r < n; r += (size_t)cols)
		err = cg_doc_row(d, v + r);
	free(v);
	return err;
}

static cg_err chart_from(cg_doc *d, const json_t *b)
{
	const char *kind = cg_json_get_str(b, "kind");
	int k = -1;
	for (int i = 0; kind && i < 3; i++)
		if (strcmp(kind, CHART_KINDS[i]) == 0)
			k = i;
	const json_t *vals = json_object_get(b, "values");
	size_t nc = json_array_size(json_object_get(b, "cats"));
	size_t ns = json_array_size(json_object_get(b, "series"));
	if (k < 0 || nc == 0 || ns == 0 || nc > CG_DOC_MAX_ROWS || ns > CG_DOC_MAX_COLS ||
	    json_array_size(vals) != nc * ns)
		return CG_EPARSE;
	const char **cats = str_vec(json_object_get(b, "cats"), nc);
	const char **series = str_vec(json_object_get(b, "series"), ns);
	double *v = calloc(nc * ns, sizeof *v);
	cg_err err = cats && series && v ? CG_OK : CG_EPARSE;
	for (size_t i = 0; !err && i < nc * ns; i++) {
		const json_t *x = json_array_get(vals, i);
		if (!json_is_number(x) || !isfinite(json_number_value(x)))
			err = CG_EPARSE;
		else
			v[i] = json_number_value(x);
	}
	const json_t *ymax = json_object_get(b, "ymax");
	if (!err && ymax && (!json_is_number(ymax) || !isfinite(json_number_value(ymax))))
		err = CG_EPARSE;
	if (!err)
		err = cg_doc_chart_add(d, (cg_chart_kind)k, cg_json_get_str(b, "title"),
		                       cg_json_get_str(b, "unit"), nc, cats, ns, series, v);
	if (!err && ymax)
		d->blocks[d->nblocks - 1].chart->ymax = json_number_value(ymax);
	free(cats);
	free(series);
	free(v);
	return err;
}

static cg_err block_from(cg_doc *d, const json_t *b)
{
	const char *k = json_is_object(b) ? cg_json_get_str(b, "k") : NULL;
	const json_t *text = json_object_get(b, "text");
	if (!k || (text && !json_is_string(text)))
		return CG_EPARSE;
	if (strcmp(k, "h") == 0 && text)
		return cg_doc_heading(d, (int)json_integer_value(json_object_get(b, "level")),
		                      json_string_value(text));
	if (strcmp(k, "p") == 0 && text)
		return cg_doc_para(d, json_string_value(text));
	if (strcmp(k, "t") == 0)
		return table_from(d, b);
	if (strcmp(k, "c") == 0)
		return chart_from(d, b);
	if (strcmp(k, "br") == 0)
		return cg_doc_pagebreak(d);
	return CG_EPARSE;
}

static cg_err model_from(cg_doc *d, const json_t *o, cg_buf *why)
{
	const json_t *v;
#define GET(f)                                                                                     \
	if ((v = json_object_get(o, #f)) &&                                                        \
	    (!json_is_string(v) || cg_doc_set(&d->f, json_string_value(v)))) {                     \
		cg_buf_puts(why, "the document model: " #f " is not text");                        \
		return CG_EPARSE;                                                                  \
	}
	FRAME(GET)
#undef GET
	const json_t *rec = json_object_get(o, "recipients");
	if (rec && !json_is_array(rec)) {
		cg_buf_puts(why, "the document model: recipients is not a list");
		return CG_EPARSE;
	}
	size_t i;
	json_array_foreach(rec, i, v)
	{
		cg_err err =
		    json_is_string(v) ? cg_doc_recipient(d, json_string_value(v)) : CG_EPARSE;
		if (err) {
			cg_buf_printf(why, "the document model: recipient %zu: %s", i,
			              cg_strerror(err));
			return err;
		}
	}
	d->english = json_is_true(json_object_get(o, "english"));
	d->toc = json_is_true(json_object_get(o, "toc"));
	const json_t *blocks = json_object_get(o, "blocks");
	if (!json_is_array(blocks)) {
		cg_buf_puts(why, "the document model: blocks is not a list");
		return CG_EPARSE;
	}
	json_array_foreach(blocks, i, v)
	{
		cg_err err = block_from(d, v);
		if (err) {
			cg_buf_printf(why, "the document model: block %zu: %s", i,
			              cg_strerror(err));
			return err;
		}
	}
	return CG_OK;
}

cg_err cg_doc_from_json(cg_slice text, cg_doc **out, cg_buf *why)
{
	cg_buf sink;
	cg_buf_init(&sink, 512);
	cg_buf *w = why ? why : &sink;
	*out = NULL;
	if (text.len > CG_RENDER_MAX_MODEL) {
		cg_buf_puts(w, "the document model is larger than allowed");
		cg_buf_free(&sink);
		return CG_ETOOBIG;
	}
	json_t *o = NULL;
	cg_err err = cg_json_parse(text, &o, NULL);
	if (err || !json_is_object(o)) {
		cg_buf_puts(w, "the document model is not a JSON object");
		json_decref(o);
		cg_buf_free(&sink);
		return CG_EPARSE;
	}
	cg_doc *d = cg_doc_new();
	err = d ? model_from(d, o, w) : CG_ENOMEM;
	json_decref(o);
	cg_buf_free(&sink);
	if (err) {
		cg_doc_free(d);
		return err;
	}
	*out = d;
	return CG_OK;
}
