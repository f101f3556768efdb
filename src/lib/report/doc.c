/*
 * doc.c - building the document model (doc.h): every string copied in,
 * blocks in a growing array, one free for all of it. Sizes are bounded by
 * the limits in limits.h so a document built from the store cannot grow
 * without end.
 */
#include "report/doc.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

static char *dup(const char *s)
{
	return strdup(s ? s : "");
}

cg_doc *cg_doc_new(void)
{
	return calloc(1, sizeof(cg_doc));
}

static void free_strs(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cg_doc_free(cg_doc *d)
{
	if (!d)
		return;
	char **f[] = {&d->parent, &d->issuer,      &d->number,      &d->place_date, &d->kind_title,
	              &d->title,  &d->signer_role, &d->signer_name, &d->signed_by};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
	free_strs(d->recipients, d->nrecipients);
	free(d->motto);
	free(d->slogan);
	for (size_t i = 0; i < d->nblocks; i++) {
		cg_doc_block *b = &d->blocks[i];
		free(b->text);
		free_strs(b->cells, (b->nrows + 1) * b->ncols);
		if (b->chart) {
			free(b->chart->title);
			free(b->chart->unit);
			free_strs(b->chart->cats, b->chart->ncats);
			free_strs(b->chart->series, b->chart->nseries);
			free(b->chart->values);
			free(b->chart);
		}
	}
	free(d->blocks);
	free(d);
}

cg_err cg_doc_set(char **field, const char *text)
{
	char *s = dup(text);
	if (!s)
		return CG_ENOMEM;
	free(*field);
	*field = s;
	return CG_OK;
}

cg_err cg_doc_recipient(cg_doc *d, const char *text)
{
	if (d->nrecipients >= CG_DOC_MAX_RECIPIENTS || strlen(text) > CG_DOC_MAX_CELL)
		return CG_ETOOBIG;
	char **v = realloc(d->recipients, (d->nrecipients + 1) * sizeof *v);
	if (!v)
		return CG_ENOMEM;
	d->recipients = v;
	if (!(v[d->nrecipients] = dup(text)))
		return CG_ENOMEM;
	d->nrecipients++;
	return CG_OK;
}

static cg_doc_block *add_block(cg_doc *d, cg_blk_kind kind)
{
	if (d->nblocks >= CG_DOC_MAX_BLOCKS)
		return NULL;
	if (d->nblocks == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		cg_doc_block *b = realloc(d->blocks, cap * sizeof *b);
		if (!b)
			return NULL;
		d->blocks = b;
		d->cap = cap;
	}
	cg_doc_block *b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static cg_err text_block(cg_doc *d, cg_blk_kind kind, int level, const char *text)
{
	cg_doc_block *b = add_block(d, kind);
	if (!b)
		return CG_ETOOBIG;
	b->level = level;
	if (!(b->text = dup(text)))
		return CG_ENOMEM;
	return CG_OK;
}

cg_err cg_doc_heading(cg_doc *d, int level, const char *text)
{
	return text_block(d, CG_BLK_HEADING, level < 1 ? 1 : level > 2 ? 2 : level, text);
}

cg_err cg_doc_para(cg_doc *d, const char *text)
{
	return text_block(d, CG_BLK_PARA, 0, text);
}

cg_err cg_doc_pagebreak(cg_doc *d)
{
	return add_block(d, CG_BLK_PAGEBREAK) ? CG_OK : CG_ETOOBIG;
}

cg_err cg_doc_table(cg_doc *d, const char *caption, size_t ncols, const char *const *header)
{
	if (ncols == 0 || ncols > CG_DOC_MAX_COLS)
		return CG_EINVAL;
	cg_err err = text_block(d, CG_BLK_TABLE, 0, caption);
	if (err)
		return err;
	cg_doc_block *b = &d->blocks[d->nblocks - 1];
	if (!(b->cells = calloc(ncols, sizeof(char *))))
		return CG_ENOMEM;
	b->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		if (!(b->cells[i] = dup(header[i])))
			return CG_ENOMEM;
	return CG_OK;
}

cg_err cg_doc_row(cg_doc *d, const char *const *cells)
{
	if (!d->nblocks || d->blocks[d->nblocks - 1].kind != CG_BLK_TABLE)
		return CG_EINVAL;
	cg_doc_block *b = &d->blocks[d->nblocks - 1];
	if (b->nrows >= CG_DOC_MAX_ROWS)
		return CG_ETOOBIG;
	char **v = realloc(b->cells, (b->nrows + 2) * b->ncols * sizeof *v);
	if (!v)
		return CG_ENOMEM;
	b->cells = v;
	char **row = v + (b->nrows + 1) * b->ncols;
	for (size_t i = 0; i < b->ncols; i++)
		row[i] = NULL;
	b->nrows++;
	for (size_t i = 0; i < b->ncols; i++)
		if (!(row[i] = dup(cells[i])))
			return CG_ENOMEM;
	return CG_OK;
}

static char **dup_strs(const char *const *v, size_t n)
{
	char **o = calloc(n ? n : 1, sizeof *o);
	for (size_t i = 0; o && i < n; i++)
		if (!(o[i] = dup(v[i]))) {
			free_strs(o, i);
			return NULL;
		}
	return o;
}

cg_err cg_doc_chart_add(cg_doc *d, cg_chart_kind kind, const char *title, const char *unit,
                        size_t ncats, const char *const *cats, size_t nseries,
                        const char *const *series, const double *values)
{
	if (ncats == 0 || nseries == 0 || ncats > CG_DOC_MAX_ROWS || nseries > CG_DOC_MAX_COLS)
		return CG_EINVAL;
	cg_doc_block *b = add_block(d, CG_BLK_CHART);
	if (!b)
		return CG_ETOOBIG;
	cg_doc_chart *c = calloc(1, sizeof *c);
	if (!c)
		return CG_ENOMEM;
	b->chart = c;
	c->kind = kind;
	c->ncats = ncats;
	c->nseries = nseries;
	c->title = dup(title);
	c->unit = dup(unit);
	c->cats = dup_strs(cats, ncats);
	c->series = dup_strs(series, nseries);
	c->values = malloc(ncats * nseries * sizeof(double));
	if (!c->title || !c->unit || !c->cats || !c->series || !c->values) {
		/* keep the counts consistent with what was allocated */
		if (!c->cats)
			c->ncats = 0;
		if (!c->series)
			c->nseries = 0;
		return CG_ENOMEM;
	}
	memcpy(c->values, values, ncats * nseries * sizeof(double));
	return CG_OK;
}
