/*
 * lexicon.c - see lexicon.h. Matching is one pass over the folded text:
 * at each word start the first word's hash selects candidate terms (a
 * linear list is fine: lexicons are a few hundred terms and the check of
 * a candidate is one memcmp).
 */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/limits.h"
#include "core/text.h"

static bool word_ch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static uint32_t hash_word(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

cg_err cg_lex_fold(cg_slice in, cg_buf *out)
{
	size_t mark = out->len;
	cg_err err = cg_text_fold(in, CG_FOLD_ASCII, out);
	for (size_t i = mark; i < out->len; i++) {
		char c = out->ptr[i];
		if (c >= 'A' && c <= 'Z')
			out->ptr[i] = (char)(c + 32);
	}
	return err;
}

void cg_lex_init(cg_lex *lx)
{
	memset(lx, 0, sizeof *lx);
}

void cg_lex_free(cg_lex *lx)
{
	for (size_t i = 0; i < lx->n; i++) {
		free(lx->t[i].folded);
		free(lx->t[i].glued);
		free(lx->t[i].original);
	}
	free(lx->t);
	memset(lx, 0, sizeof *lx);
}

/* Folded words of s joined by single spaces. */
static char *normalize(cg_slice s)
{
	cg_buf f, o;
	cg_buf_init(&f, CG_MAX_LINE * 4);
	cg_buf_init(&o, CG_MAX_LINE * 4);
	cg_lex_fold(s, &f);
	for (size_t i = 0; i < f.len;) {
		if (!word_ch((unsigned char)f.ptr[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < f.len && word_ch((unsigned char)f.ptr[j]))
			j++;
		if (o.len)
			cg_buf_putc(&o, ' ');
		cg_buf_append(&o, f.ptr + i, j - i);
		i = j;
	}
	cg_buf_free(&f);
	char *r = o.len ? strdup(cg_buf_cstr(&o)) : NULL;
	cg_buf_free(&o);
	return r;
}

static cg_err add_term(cg_lex *lx, cg_slice term, int weight)
{
	char *f = normalize(term);
	if (!f)
		return CG_OK;
	for (size_t i = 0; i < lx->n; i++)
		if (strcmp(lx->t[i].folded, f) == 0) { /* later files may re-weight */
			lx->t[i].weight = weight;
			free(f);
			return CG_OK;
		}
	if (lx->n == lx->cap) {
		size_t nc = lx->cap ? lx->cap * 2 : 64;
		cg_lex_term *nt = realloc(lx->t, nc * sizeof *nt);
		if (!nt) {
			free(f);
			return CG_ENOMEM;
		}
		lx->t = nt;
		lx->cap = nc;
	}
	cg_lex_term *t = &lx->t[lx->n];
	t->folded = f;
	t->glued = malloc(strlen(f) + 1);
	t->original = strndup(term.ptr, term.len);
	if (!t->glued || !t->original) {
		free(t->glued);
		free(t->original);
		free(f);
		return CG_ENOMEM;
	}
	size_t k = 0;
	for (const char *p = f; *p; p++)
		if (*p != ' ')
			t->glued[k++] = *p;
	t->glued[k] = '\0';
	t->weight = weight;
	size_t fw = strcspn(f, " ");
	t->first = hash_word(f, fw);
	uint32_t bit = t->first & (CG_LEX_FILTER_BITS - 1);
	lx->filter[bit / 64] |= 1ull << (bit % 64);
	lx->n++;
	return CG_OK;
}

cg_err cg_lex_add_text(cg_lex *lx, cg_slice text, const char *name, cg_buf *why)
{
	cg_slice rest = text;
	int line = 0;
	while (rest.ptr && rest.len) {
		cg_slice ln = cg_slice_cut(rest, '\n', &rest);
		line++;
		const char *hash = memchr(ln.ptr, '#', ln.len);
		if (hash)
			ln.len = (size_t)(hash - ln.ptr);
		ln = cg_slice_trim(ln);
		if (!ln.len)
			continue;
		if (ln.len > 200) {
			if (why)
				cg_buf_printf(why, "%s:%d: term longer than 200 bytes", name, line);
			return CG_EPARSE;
		}
		int weight = 2;
		size_t d = 0;
		while (d < ln.len && ln.ptr[d] >= '0' && ln.ptr[d] <= '9')
			d++;
		if (d > 0 && d < ln.len && (ln.ptr[d] == ' ' || ln.ptr[d] == '\t')) {
			int64_t w;
			if (cg_parse_i64(cg_slice_from(ln.ptr, d), 1, 10, &w)) {
				if (why)
					cg_buf_printf(why, "%s:%d: weight must be 1 to 10", name,
					              line);
				return CG_EPARSE;
			}
			weight = (int)w;
			ln = cg_slice_trim(cg_slice_from(ln.ptr + d, ln.len - d));
		}
		cg_err err = add_term(lx, ln, weight);
		if (err)
			return err;
	}
	return CG_OK;
}

cg_err cg_lex_load(cg_lex *lx, const char *path, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, CG_MAX_WEB_LEXICON_BYTES);
	cg_err err = cg_read_file(path, &b, why);
	if (err == CG_ETOOBIG && why)
		cg_buf_printf(why, "%s: larger than %u bytes", path, CG_MAX_WEB_LEXICON_BYTES);
	if (!err)
		err = cg_lex_add_text(lx, cg_buf_slice(&b), path, why);
	cg_buf_free(&b);
	return err;
}

/* Does the term match at s[i..] (s[i] a word start)? Words in the text
 * may be separated by any run of non-word bytes. */
static bool match_at(const char *term, cg_slice s, size_t i)
{
	const char *t = term;
	while (*t) {
		if (*t == ' ') {
			if (i >= s.len || word_ch((unsigned char)s.ptr[i]))
				return false;
			while (i < s.len && !word_ch((unsigned char)s.ptr[i]))
				i++;
			t++;
			continue;
		}
		if (i >= s.len || s.ptr[i] != *t)
			return false;
		i++;
		t++;
	}
	return i >= s.len || !word_ch((unsigned char)s.ptr[i]);
}

void cg_lex_count(const cg_lex *lx, cg_slice s, uint32_t *counts)
{
	if (lx->n == 0)
		return;
	for (size_t i = 0; i < s.len;) {
		if (!word_ch((unsigned char)s.ptr[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < s.len && word_ch((unsigned char)s.ptr[j]))
			j++;
		uint32_t h = hash_word(s.ptr + i, j - i);
		uint32_t bit = h & (CG_LEX_FILTER_BITS - 1);
		if (!(lx->filter[bit / 64] & (1ull << (bit % 64)))) {
			i = j;
			continue;
		}
		for (size_t k = 0; k < lx->n; k++)
			if (lx->t[k].first == h && match_at(lx->t[k].folded, s, i))
				counts[k]++;
		i = j;
	}
}

int cg_lex_host_hit(const cg_lex *lx, const char *host)
{
	for (size_t k = 0; k < lx->n; k++)
		if (strlen(lx->t[k].glued) >= 5 && strstr(host, lx->t[k].glued))
			return (int)k;
	return -1;
}
