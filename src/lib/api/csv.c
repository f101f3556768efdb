/*
 * csv.c - see csv.h. A small state machine over the input bytes; field
 * contents are copied (unquoted) into one buffer per record, separated by
 * offsets, so a record costs one allocation that is reused.
 */
#include "csv.h"

#include <stdio.h>
#include <string.h>

void cg_csv_init(cg_csv *p, cg_slice input, char sep)
{
	memset(p, 0, sizeof *p);
	p->in = input;
	p->sep = sep ? sep : ',';
	cg_buf_init(&p->data, CG_MAX_LINE);
	if (input.len >= 3 && memcmp(input.ptr, "\xEF\xBB\xBF", 3) == 0)
		p->pos = 3;
}

void cg_csv_free(cg_csv *p)
{
	cg_buf_free(&p->data);
}

cg_slice cg_csv_field(const cg_csv *p, size_t i)
{
	if (i >= p->nfields)
		return cg_slice_from("", 0);
	const char *base = p->data.ptr ? p->data.ptr : "";
	return cg_slice_from(base + p->off[i], p->off[i + 1] - p->off[i]);
}

/* Moves past the end of the current physical line (after an error). */
static void skip_line(cg_csv *p)
{
	while (p->pos < p->in.len && p->in.ptr[p->pos] != '\n')
		p->pos++;
	if (p->pos < p->in.len)
		p->pos++;
}

static cg_err fail(cg_csv *p, const char *why)
{
	snprintf(p->error, sizeof p->error, "%s", why);
	skip_line(p);
	return CG_EPARSE;
}

static bool at_eol(const cg_csv *p, size_t i)
{
	const char *s = p->in.ptr;
	return s[i] == '\n' || (s[i] == '\r' && i + 1 < p->in.len && s[i + 1] == '\n') ||
	       (s[i] == '\r' && i + 1 == p->in.len);
}

/* Consumes a line end at p->pos (CRLF, LF or a final CR). */
static void eat_eol(cg_csv *p)
{
	if (p->in.ptr[p->pos] == '\r')
		p->pos++;
	if (p->pos < p->in.len && p->in.ptr[p->pos] == '\n')
		p->pos++;
}

/* Reads one quoted field starting at the opening quote. */
static cg_err quoted(cg_csv *p)
{
	const char *s = p->in.ptr;
	p->pos++;
	for (;;) {
		if (p->pos >= p->in.len)
			return fail(p, "unterminated quoted field");
		char c = s[p->pos];
		if (c == '"') {
			if (p->pos + 1 < p->in.len && s[p->pos + 1] == '"') {
				if (cg_buf_putc(&p->data, '"'))
					return fail(p, "field too long");
				p->pos += 2;
				continue;
			}
			p->pos++;
			if (p->pos < p->in.len && s[p->pos] != p->sep && !at_eol(p, p->pos))
				return fail(p, "text after a closing quote");
			return CG_OK;
		}
		if (c == '\0')
			return fail(p, "a NUL byte in a field");
		if (cg_buf_putc(&p->data, c))
			return fail(p, "field too long");
		p->pos++;
	}
}

static cg_err plain(cg_csv *p)
{
	const char *s = p->in.ptr;
	size_t start = p->pos;
	while (p->pos < p->in.len && s[p->pos] != p->sep && !at_eol(p, p->pos)) {
		if (s[p->pos] == '"')
			return fail(p, "quote inside an unquoted field");
		/* a NUL would cut the value short wherever it becomes a C string:
		 * the row is refused, never stored truncated */
		if (s[p->pos] == '\0')
			return fail(p, "a NUL byte in a field");
		p->pos++;
	}
	if (cg_buf_append(&p->data, s + start, p->pos - start))
		return fail(p, "field too long");
	return CG_OK;
}

cg_err cg_csv_next(cg_csv *p, bool *got)
{
	*got = false;
	p->nfields = 0;
	p->error[0] = '\0';
	cg_buf_reset(&p->data);
	/* blank lines are not records */
	while (p->pos < p->in.len && at_eol(p, p->pos))
		eat_eol(p);
	if (p->pos >= p->in.len)
		return CG_OK;
	p->record++;
	for (;;) {
		if (p->nfields >= CG_MAX_CSV_FIELDS)
			return fail(p, "too many fields");
		p->off[p->nfields] = p->data.len;
		cg_err err =
		    (p->pos < p->in.len && p->in.ptr[p->pos] == '"') ? quoted(p) : plain(p);
		if (err)
			return err;
		p->nfields++;
		p->off[p->nfields] = p->data.len;
		if (p->pos >= p->in.len)
			break;
		if (p->in.ptr[p->pos] == p->sep) {
			p->pos++;
			if (p->pos >= p->in.len) { /* trailing separator */
				if (p->nfields >= CG_MAX_CSV_FIELDS)
					return fail(p, "too many fields");
				p->off[p->nfields + 1] = p->data.len;
				p->nfields++;
				break;
			}
			continue;
		}
		eat_eol(p);
		break;
	}
	*got = true;
	return CG_OK;
}
