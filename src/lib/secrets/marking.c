/*
 * marking.c - the classification-marking detector (rule in marking.h and
 * docs/secrets-marking.md).
 *
 * Design: a cheap byte test first (no 'm'/'M' byte means no "mật" in any
 * normal form, since NFD keeps the base letter), then one Unicode fold
 * (core/text.h: NFC + case fold, diacritics kept), then the unit is turned
 * into an array of code points with spaces, controls and format characters
 * removed. If a combining mark survived (a space had split a letter from
 * its mark, "MA ̣̂T"), the compacted text is folded again so the mark
 * composes. The comparison is then on code points: trim non-letters at
 * both ends, compare with the three levels, or with the field "độ mật".
 */
#include <string.h>
#include <utf8proc.h>

#include "core/limits.h"
#include "core/text.h"
#include "secrets/marking.h"

/* Folded unit: at most this many code points are considered. */
#define MAX_CPS (2 * CG_SEC_MAX_UNIT)

static const int32_t W_MAT[] = { 'm', 0x1EAD, 't' };             /* mật */
static const int32_t W_TOI[] = { 't', 0x1ED1, 'i' };             /* tối */
static const int32_t W_TUYET[] = { 't', 'u', 'y', 0x1EC7, 't' }; /* tuyệt */
static const int32_t W_DO[] = { 0x0111, 0x1ED9 };                 /* độ */
static const int32_t W_MUC[] = { 'm', 0x1EE9, 'c' };             /* mức */
#define WLEN(w) (sizeof(w) / sizeof((w)[0]))
/* ASCII letters in the longest marking ("mức độ mật: tuyệt mật" has 12),
 * with room for doubled letters; more means prose. */
#define MAX_ASCII_LETTERS 24

void cg_sec_marker_init(cg_sec_marker *m)
{
	cg_buf_init(&m->a, 8 * CG_SEC_MAX_UNIT);
	cg_buf_init(&m->b, 8 * CG_SEC_MAX_UNIT);
}

void cg_sec_marker_free(cg_sec_marker *m)
{
	cg_buf_free(&m->a);
	cg_buf_free(&m->b);
}

const char *cg_sec_level_name(cg_sec_level l)
{
	switch (l) {
	case CG_SEC_MAT: return "MẬT";
	case CG_SEC_TOI_MAT: return "TỐI MẬT";
	case CG_SEC_TUYET_MAT: return "TUYỆT MẬT";
	default: return "";
	}
}

const char *cg_sec_level_id(cg_sec_level l)
{
	switch (l) {
	case CG_SEC_MAT: return "mat";
	case CG_SEC_TOI_MAT: return "toi-mat";
	case CG_SEC_TUYET_MAT: return "tuyet-mat";
	default: return "none";
	}
}

static bool is_word_cp(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO);
}

/* Spaces, line/paragraph separators, controls and format characters
 * (zero-width joiners, bidi marks) vanish from the compact form. */
static bool is_gap_cp(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL ||
	       k == UTF8PROC_CATEGORY_ZP || k == UTF8PROC_CATEGORY_CC ||
	       k == UTF8PROC_CATEGORY_CF;
}

static bool has_prefix(const int32_t *s, size_t n, const int32_t *w,
		       size_t wn)
{
	return n >= wn && memcmp(s, w, wn * sizeof *w) == 0;
}

/* The level when s[0..n) is exactly one of the three level words. */
static cg_sec_level level_of(const int32_t *s, size_t n)
{
	if (n == WLEN(W_MAT) && has_prefix(s, n, W_MAT, WLEN(W_MAT)))
		return CG_SEC_MAT;
	if (has_prefix(s, n, W_TOI, WLEN(W_TOI)) &&
	    n == WLEN(W_TOI) + WLEN(W_MAT) &&
	    has_prefix(s + WLEN(W_TOI), n - WLEN(W_TOI), W_MAT, WLEN(W_MAT)))
		return CG_SEC_TOI_MAT;
	if (has_prefix(s, n, W_TUYET, WLEN(W_TUYET)) &&
	    n == WLEN(W_TUYET) + WLEN(W_MAT) &&
	    has_prefix(s + WLEN(W_TUYET), n - WLEN(W_TUYET), W_MAT,
		       WLEN(W_MAT)))
		return CG_SEC_TUYET_MAT;
	return CG_SEC_NONE;
}

/* "[mức] độ mật" SEPARATORS LEVEL: the classification field of a form. */
static cg_sec_level field_of(const int32_t *s, size_t n)
{
	if (has_prefix(s, n, W_MUC, WLEN(W_MUC))) {
		s += WLEN(W_MUC);
		n -= WLEN(W_MUC);
	}
	if (!has_prefix(s, n, W_DO, WLEN(W_DO)))
		return CG_SEC_NONE;
	s += WLEN(W_DO);
	n -= WLEN(W_DO);
	if (!has_prefix(s, n, W_MAT, WLEN(W_MAT)))
		return CG_SEC_NONE;
	s += WLEN(W_MAT);
	n -= WLEN(W_MAT);
	while (n > 0 && !is_word_cp(s[0])) {
		s++;
		n--;
	}
	return level_of(s, n);
}

/* A form line with several fields ends with the classification one:
 * "Độ khẩn: Hỏa tốc   Độ mật: Tối mật". Here the colon is required. */
static cg_sec_level field_at_end(const int32_t *s, size_t n)
{
	size_t head = WLEN(W_DO) + WLEN(W_MAT);
	for (size_t i = 1; i + head < n; i++) {
		if (!has_prefix(s + i, n - i, W_DO, WLEN(W_DO)) ||
		    !has_prefix(s + i + WLEN(W_DO), n - i - WLEN(W_DO), W_MAT,
				WLEN(W_MAT)) ||
		    s[i + head] != ':')
			continue;
		cg_sec_level l = field_of(s + i, n - i);
		if (l != CG_SEC_NONE)
			return l;
	}
	return CG_SEC_NONE;
}

/* The cheap test before any Unicode work: a marking contains an 'm'
 * (NFC or NFD), no ASCII digit (digits are word characters, never trimmed,
 * so they can never match), and few ASCII letters: the longest accepted
 * form, "mức độ mật: tuyệt mật", has 12. Prose lines fail here in one
 * pass over their bytes. */
static bool plausible(cg_slice u, bool *maybe_half)
{
	int letters = 0;
	bool m = false, t = false;
	for (size_t i = 0; i < u.len; i++) {
		unsigned char c = (unsigned char)u.ptr[i];
		if (c >= '0' && c <= '9')
			return false;
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			if (++letters > MAX_ASCII_LETTERS)
				return false;
			m |= (c | 0x20) == 'm';
			t |= (c | 0x20) == 't';
		}
	}
	/* "tối" / "tuyệt" alone: the first line of a stamp that wrapped */
	*maybe_half = !m && t && letters <= 5;
	return m || *maybe_half;
}

/* Decodes folded UTF-8 into cps without gaps. Returns the count, or
 * (size_t)-1 when there are too many; *marks tells whether a lone
 * combining mark is left (so a second fold is needed). */
static size_t compact(cg_slice t, int32_t *cps, bool *marks)
{
	size_t n = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t.ptr;
	utf8proc_ssize_t left = (utf8proc_ssize_t)t.len;
	*marks = false;
	while (left > 0) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break; /* the fold emits valid UTF-8 only */
		p += k;
		left -= k;
		if (is_gap_cp(c))
			continue;
		if (n == MAX_CPS)
			return (size_t)-1;
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_MN)
			*marks = true;
		cps[n++] = c;
	}
	return n;
}

static cg_err encode_cps(const int32_t *cps, size_t n, cg_buf *out)
{
	cg_buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		utf8proc_uint8_t tmp[4];
		utf8proc_ssize_t k = utf8proc_encode_char(cps[i], tmp);
		cg_err e = cg_buf_append(out, tmp, (size_t)k);
		if (e)
			return e;
	}
	return CG_OK;
}

cg_sec_level cg_sec_marking_ex(cg_sec_marker *m, cg_slice u,
				cg_sec_level *half)
{
	*half = CG_SEC_NONE;
	bool maybe_half;
	if (u.len == 0 || u.len > CG_SEC_MAX_UNIT || !plausible(u, &maybe_half))
		return CG_SEC_NONE;
	cg_buf_reset(&m->a);
	if (cg_text_fold(u, CG_FOLD_CASE, &m->a) != CG_OK)
		return CG_SEC_NONE;
	int32_t cps[MAX_CPS];
	bool marks;
	size_t n = compact(cg_buf_slice(&m->a), cps, &marks);
	if (n == (size_t)-1)
		return CG_SEC_NONE;
	if (marks) { /* a space split a letter from its mark: compose again */
		if (encode_cps(cps, n, &m->b) != CG_OK)
			return CG_SEC_NONE;
		cg_buf_reset(&m->a);
		if (cg_text_fold(cg_buf_slice(&m->b), CG_FOLD_CASE, &m->a))
			return CG_SEC_NONE;
		n = compact(cg_buf_slice(&m->a), cps, &marks);
		if (n == (size_t)-1)
			return CG_SEC_NONE;
	}
	size_t lo = 0, hi = n;
	while (lo < hi && !is_word_cp(cps[lo]))
		lo++;
	while (hi > lo && !is_word_cp(cps[hi - 1]))
		hi--;
	const int32_t *w = cps + lo;
	size_t wn = hi - lo;
	if (maybe_half) {
		if (wn == WLEN(W_TOI) && has_prefix(w, wn, W_TOI, WLEN(W_TOI)))
			*half = CG_SEC_TOI_MAT;
		else if (wn == WLEN(W_TUYET) &&
			 has_prefix(w, wn, W_TUYET, WLEN(W_TUYET)))
			*half = CG_SEC_TUYET_MAT;
		return CG_SEC_NONE;
	}
	cg_sec_level l = level_of(w, wn);
	if (l == CG_SEC_NONE)
		l = field_of(w, wn);
	if (l == CG_SEC_NONE)
		l = field_at_end(w, wn);
	return l;
}

cg_sec_level cg_sec_marking(cg_sec_marker *m, cg_slice u)
{
	cg_sec_level half;
	return cg_sec_marking_ex(m, u, &half);
}
