/*
 * pdfparse.c - the PDF syntax signing needs (pdfparse.h): a cursor over
 * the file's bytes that skips white space and comments and steps over one
 * object at a time (numbers, names, strings, hex strings, arrays,
 * dictionaries, references), with every step checked against the end of
 * the slice and nesting bounded by CG_PDF_MAX_DEPTH. Values are returned
 * as slices of the file: nothing is decoded that signing does not use.
 */
#include "sign/pdfparse.h"

#include <string.h>

#include "core/limits.h"

typedef struct cur {
	const char *p;
	size_t n, i;
} cur;

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static bool is_regular(char c)
{
	return !is_ws(c) && !is_delim(c);
}

static void skip_ws(cur *c)
{
	while (c->i < c->n) {
		char ch = c->p[c->i];
		if (is_ws(ch)) {
			c->i++;
		} else if (ch == '%') {
			while (c->i < c->n && c->p[c->i] != '\n' && c->p[c->i] != '\r')
				c->i++;
		} else {
			break;
		}
	}
}

/* A run of regular characters (a number or keyword); false if none. */
static bool word(cur *c, cg_slice *w)
{
	size_t s = c->i;
	while (c->i < c->n && is_regular(c->p[c->i]))
		c->i++;
	*w = cg_slice_from(c->p + s, c->i - s);
	return c->i > s;
}

static bool parse_uint(cg_slice w, int64_t *v)
{
	if (w.len == 0 || w.len > 18)
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < w.len; i++) {
		if (w.ptr[i] < '0' || w.ptr[i] > '9')
			return false;
		x = x * 10 + (w.ptr[i] - '0');
	}
	*v = x;
	return true;
}

static bool uint_token(cur *c, int64_t *v)
{
	skip_ws(c);
	cg_slice w;
	return word(c, &w) && parse_uint(w, v);
}

static bool keyword(cur *c, const char *kw)
{
	skip_ws(c);
	cg_slice w;
	return word(c, &w) && cg_slice_eq_cstr(w, kw);
}

static cg_err skip_object(cur *c, int depth);

/* A literal string "( ... )" with balanced parentheses and escapes. */
static cg_err skip_string(cur *c)
{
	int nest = 0;
	while (c->i < c->n) {
		char ch = c->p[c->i++];
		if (ch == '\\') {
			if (c->i < c->n)
				c->i++;
		} else if (ch == '(') {
			nest++;
		} else if (ch == ')') {
			if (--nest == 0)
				return CG_OK;
		}
	}
	return CG_EPARSE;
}

static cg_err skip_container(cur *c, char close, int depth)
{
	for (;;) {
		skip_ws(c);
		if (c->i >= c->n)
			return CG_EPARSE;
		if (close == ']' && c->p[c->i] == ']') {
			c->i++;
			return CG_OK;
		}
		if (close == '>' && c->i + 1 < c->n && c->p[c->i] == '>' && c->p[c->i + 1] == '>') {
			c->i += 2;
			return CG_OK;
		}
		size_t before = c->i;
		cg_err err = skip_object(c, depth + 1);
		if (err)
			return err;
		if (c->i == before)
			return CG_EPARSE;
	}
}

/* Steps over one object. A number followed by "G R" is one reference. */
static cg_err skip_object(cur *c, int depth)
{
	if (depth > CG_PDF_MAX_DEPTH)
		return CG_ELIMIT;
	skip_ws(c);
	if (c->i >= c->n)
		return CG_EPARSE;
	char ch = c->p[c->i];
	if (ch == '(') {
		return skip_string(c);
	} else if (ch == '<' && c->i + 1 < c->n && c->p[c->i + 1] == '<') {
		c->i += 2;
		return skip_container(c, '>', depth);
	} else if (ch == '<') {
		c->i++;
		while (c->i < c->n && c->p[c->i] != '>')
			c->i++;
		if (c->i >= c->n)
			return CG_EPARSE;
		c->i++;
		return CG_OK;
	} else if (ch == '[') {
		c->i++;
		return skip_container(c, ']', depth);
	} else if (ch == '/') {
		c->i++;
		cg_slice w;
		word(c, &w);
		return CG_OK;
	} else if (is_regular(ch)) {
		cg_slice w;
		word(c, &w);
		int64_t v;
		if (parse_uint(w, &v)) {
			/* look ahead for "G R" without consuming otherwise */
			cur save = *c;
			int64_t g;
			if (uint_token(c, &g) && keyword(c, "R"))
				return CG_OK;
			*c = save;
		}
		return CG_OK;
	}
	return CG_EPARSE; /* a stray ')', '>', ']', '{' or '}' */
}

cg_err cg_pdf_dict_get(cg_slice dict, const char *key, cg_slice *val)
{
	cur c = {dict.ptr, dict.len, 0};
	skip_ws(&c);
	if (c.i + 1 >= c.n || c.p[c.i] != '<' || c.p[c.i + 1] != '<')
		return CG_EPARSE;
	c.i += 2;
	size_t klen = strlen(key);
	for (;;) {
		skip_ws(&c);
		if (c.i + 1 < c.n && c.p[c.i] == '>' && c.p[c.i + 1] == '>')
			return CG_ENOTFOUND;
		if (c.i >= c.n || c.p[c.i] != '/')
			return CG_EPARSE;
		c.i++;
		cg_slice k;
		word(&c, &k);
		skip_ws(&c);
		size_t vs = c.i;
		cg_err err = skip_object(&c, 1);
		if (err)
			return err;
		if (k.len == klen && memcmp(k.ptr, key, klen) == 0) {
			*val = cg_slice_from(c.p + vs, c.i - vs);
			return CG_OK;
		}
	}
}

cg_err cg_pdf_parse_ref(cg_slice val, cg_pdf_ref *ref)
{
	cur c = {val.ptr, val.len, 0};
	if (!uint_token(&c, &ref->num) || !uint_token(&c, &ref->gen) || !keyword(&c, "R"))
		return CG_EPARSE;
	skip_ws(&c);
	return c.i == c.n ? CG_OK : CG_EPARSE;
}

cg_err cg_pdf_first_ref(cg_slice arr, cg_pdf_ref *ref)
{
	cur c = {arr.ptr, arr.len, 0};
	skip_ws(&c);
	if (c.i >= c.n || c.p[c.i] != '[')
		return CG_EPARSE;
	c.i++;
	if (!uint_token(&c, &ref->num) || !uint_token(&c, &ref->gen) || !keyword(&c, "R"))
		return CG_EPARSE;
	return CG_OK;
}

bool cg_pdf_name_is(cg_slice val, const char *name)
{
	size_t n = strlen(name);
	return val.len == n + 1 && val.ptr[0] == '/' && memcmp(val.ptr + 1, name, n) == 0;
}

cg_err cg_pdf_parse_byterange(cg_slice val, int64_t out[4])
{
	cur c = {val.ptr, val.len, 0};
	skip_ws(&c);
	if (c.i >= c.n || c.p[c.i] != '[')
		return CG_EPARSE;
	c.i++;
	for (int k = 0; k < 4; k++)
		if (!uint_token(&c, &out[k]))
			return CG_EPARSE;
	skip_ws(&c);
	if (c.i >= c.n || c.p[c.i] != ']')
		return CG_EPARSE;
	return CG_OK;
}

/* Finds the last occurrence of needle in s[0..end). */
static bool find_last(cg_slice s, size_t end, const char *needle, size_t *at)
{
	size_t n = strlen(needle);
	if (end > s.len)
		end = s.len;
	for (size_t i = end; i >= n; i--) {
		if (memcmp(s.ptr + i - n, needle, n) == 0) {
			*at = i - n;
			return true;
		}
	}
	return false;
}

/* One cross-reference section at off: either looks num up (found sets
 * *off_out) or just reads its trailer into *trailer. */
static cg_err xref_section(cg_slice pdf, int64_t off, int64_t num, bool *found, int64_t *obj_off,
                           int64_t *obj_gen, cg_slice *trailer)
{
	if (off < 0 || (uint64_t)off >= pdf.len)
		return CG_EPARSE;
	cur c = {pdf.ptr, pdf.len, (size_t)off};
	skip_ws(&c);
	cg_slice w;
	cur save = c;
	if (!word(&c, &w))
		return CG_EPARSE;
	if (!cg_slice_eq_cstr(w, "xref")) {
		c = save;
		int64_t a, b;
		if (uint_token(&c, &a) && uint_token(&c, &b) && keyword(&c, "obj"))
			return CG_EUNSUPPORTED; /* a cross-reference stream */
		return CG_EPARSE;
	}
	for (int sub = 0;; sub++) {
		if (sub > CG_PDF_MAX_XREF_SUBSECTIONS)
			return CG_ELIMIT;
		skip_ws(&c);
		save = c;
		if (keyword(&c, "trailer"))
			break;
		c = save;
		int64_t first, count;
		if (!uint_token(&c, &first) || !uint_token(&c, &count))
			return CG_EPARSE;
		/* each entry takes at least 18 bytes: a count larger than what
		 * is left cannot be real */
		if (count > (int64_t)((c.n - c.i) / 18) + 1)
			return CG_EPARSE;
		for (int64_t k = 0; k < count; k++) {
			int64_t o, g;
			if (!uint_token(&c, &o) || !uint_token(&c, &g))
				return CG_EPARSE;
			skip_ws(&c);
			if (!word(&c, &w) || w.len != 1 || (w.ptr[0] != 'n' && w.ptr[0] != 'f'))
				return CG_EPARSE;
			if (found && !*found && first + k == num && w.ptr[0] == 'n') {
				*found = true;
				*obj_off = o;
				*obj_gen = g;
			}
		}
	}
	skip_ws(&c);
	size_t ds = c.i;
	cg_err err = skip_object(&c, 0);
	if (err)
		return err;
	*trailer = cg_slice_from(pdf.ptr + ds, c.i - ds);
	if (trailer->len < 2 || trailer->ptr[0] != '<' || trailer->ptr[1] != '<')
		return CG_EPARSE;
	return CG_OK;
}

static cg_err dict_uint(cg_slice dict, const char *key, int64_t *v)
{
	cg_slice val;
	cg_err err = cg_pdf_dict_get(dict, key, &val);
	if (err)
		return err;
	cur c = {val.ptr, val.len, 0};
	if (!uint_token(&c, v))
		return CG_EPARSE;
	skip_ws(&c);
	return c.i == c.n ? CG_OK : CG_EPARSE;
}

cg_err cg_pdf_read_trailer(cg_slice pdf, cg_pdf_trailer *t)
{
	memset(t, 0, sizeof *t);
	size_t at;
	size_t from = pdf.len > CG_PDF_TAIL_SCAN ? pdf.len - CG_PDF_TAIL_SCAN : 0;
	if (pdf.len < 8 || memcmp(pdf.ptr, "%PDF-", 5) != 0)
		return CG_EPARSE;
	if (!find_last(pdf, pdf.len, "startxref", &at) || at < from)
		return CG_EPARSE;
	cur c = {pdf.ptr, pdf.len, at + 9};
	if (!uint_token(&c, &t->startxref))
		return CG_EPARSE;
	cg_slice trailer;
	cg_err err = xref_section(pdf, t->startxref, -1, NULL, NULL, NULL, &trailer);
	if (err)
		return err;
	if ((err = dict_uint(trailer, "Size", &t->size)))
		return err == CG_ENOTFOUND ? CG_EPARSE : err;
	cg_slice v;
	if ((err = cg_pdf_dict_get(trailer, "Root", &v)) || (err = cg_pdf_parse_ref(v, &t->root)))
		return err == CG_ENOTFOUND ? CG_EPARSE : err;
	if (cg_pdf_dict_get(trailer, "Info", &t->info))
		t->info = cg_slice_from(NULL, 0);
	if (cg_pdf_dict_get(trailer, "ID", &t->id))
		t->id = cg_slice_from(NULL, 0);
	return CG_OK;
}

cg_err cg_pdf_object_offset(cg_slice pdf, const cg_pdf_trailer *t, int64_t num, int64_t *off,
                            int64_t *gen)
{
	int64_t sect = t->startxref;
	for (int hop = 0; hop < CG_PDF_MAX_XREF_CHAIN; hop++) {
		bool found = false;
		cg_slice trailer;
		cg_err err = xref_section(pdf, sect, num, &found, off, gen, &trailer);
		if (err)
			return err;
		if (found)
			return (uint64_t)*off < pdf.len ? CG_OK : CG_EPARSE;
		err = dict_uint(trailer, "Prev", &sect);
		if (err == CG_ENOTFOUND)
			return CG_ENOTFOUND;
		if (err)
			return err;
	}
	return CG_ELIMIT;
}

cg_err cg_pdf_object_dict(cg_slice pdf, int64_t off, int64_t num, cg_slice *dict)
{
	if (off < 0 || (uint64_t)off >= pdf.len)
		return CG_EPARSE;
	cur c = {pdf.ptr, pdf.len, (size_t)off};
	int64_t n, g;
	if (!uint_token(&c, &n) || n != num || !uint_token(&c, &g) || !keyword(&c, "obj"))
		return CG_EPARSE;
	skip_ws(&c);
	size_t ds = c.i;
	if (c.i + 1 >= c.n || c.p[c.i] != '<' || c.p[c.i + 1] != '<')
		return CG_EPARSE;
	cg_err err = skip_object(&c, 0);
	if (err)
		return err;
	*dict = cg_slice_from(pdf.ptr + ds, c.i - ds);
	return CG_OK;
}

cg_err cg_pdf_next_byterange(cg_slice pdf, size_t *pos, size_t *at, cg_slice *val)
{
	static const char key[] = "/ByteRange";
	size_t kl = sizeof key - 1;
	for (size_t i = *pos; i + kl <= pdf.len; i++) {
		if (pdf.ptr[i] != '/' || memcmp(pdf.ptr + i, key, kl) != 0)
			continue;
		if (i + kl < pdf.len && is_regular(pdf.ptr[i + kl]))
			continue; /* /ByteRangeX */
		cur c = {pdf.ptr, pdf.len, i + kl};
		skip_ws(&c);
		size_t vs = c.i;
		cg_err err = skip_object(&c, 1);
		*pos = c.i > i + kl ? c.i : i + kl;
		if (err)
			return err;
		*at = i;
		*val = cg_slice_from(pdf.ptr + vs, c.i - vs);
		return CG_OK;
	}
	*pos = pdf.len;
	return CG_ENOTFOUND;
}

cg_err cg_pdf_enclosing_dict(cg_slice pdf, size_t at, cg_slice *dict)
{
	size_t lo = at > CG_PDF_MAX_SIGDICT_BACK ? at - CG_PDF_MAX_SIGDICT_BACK : 0;
	cg_slice window = cg_slice_from(pdf.ptr, at);
	size_t end = at, kw;
	while (find_last(window, end, "obj", &kw) && kw >= lo) {
		end = kw;
		if (kw + 3 < pdf.len && is_regular(pdf.ptr[kw + 3]))
			continue; /* "endobj" is caught below, "objx" here */
		if (kw >= 3 && memcmp(pdf.ptr + kw - 3, "end", 3) == 0)
			return CG_EPARSE; /* at an object's end: not inside one */
		/* back over "N G " */
		size_t s = kw;
		int fields = 0;
		while (s > lo && fields < 2) {
			while (s > lo && is_ws(pdf.ptr[s - 1]))
				s--;
			size_t e = s;
			while (s > lo && pdf.ptr[s - 1] >= '0' && pdf.ptr[s - 1] <= '9')
				s--;
			if (s == e)
				break;
			fields++;
		}
		if (fields != 2)
			continue;
		int64_t num;
		cur c = {pdf.ptr, pdf.len, s};
		if (!uint_token(&c, &num))
			continue;
		cg_err err = cg_pdf_object_dict(pdf, (int64_t)s, num, dict);
		if (err)
			return err;
		if ((size_t)(dict->ptr - pdf.ptr) + dict->len <= at)
			return CG_EPARSE; /* the key lies after this dictionary */
		return CG_OK;
	}
	return CG_ENOTFOUND;
}
