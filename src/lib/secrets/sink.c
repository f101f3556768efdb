/*
 * sink.c - the unit collector every extractor writes into (see extract.h).
 *
 * Cost model: the detector runs once per unit, but most units are long
 * prose or have no 'm' at all; the sink drops a unit the moment it passes
 * CG_SEC_MAX_UNIT and the detector rejects a unit without an 'm'/'M' byte
 * before any Unicode work. So a clean document costs about one memcpy of
 * its short lines.
 */
#include <string.h>

#include "secrets/extract.h"

void cg_sec_sink_init(cg_sec_sink *s)
{
	memset(s, 0, sizeof *s);
	cg_sec_marker_init(&s->marker);
	cg_buf_init(&s->unit, CG_SEC_MAX_UNIT);
	cg_buf_init(&s->alt, 4 * CG_SEC_MAX_UNIT);
	cg_buf_init(&s->half_text, CG_SEC_MAX_UNIT);
	s->loc = "body";
}

void cg_sec_sink_free(cg_sec_sink *s)
{
	cg_sec_marker_free(&s->marker);
	cg_buf_free(&s->unit);
	cg_buf_free(&s->alt);
	cg_buf_free(&s->half_text);
}

void cg_sec_sink_reset(cg_sec_sink *s)
{
	cg_buf_reset(&s->unit);
	s->overflow = false;
	s->loc = "body";
	s->level = CG_SEC_NONE;
	s->found_loc = NULL;
	s->found_enc = NULL;
	s->evidence[0] = '\0';
	s->half = CG_SEC_NONE;
	cg_buf_reset(&s->half_text);
}

void cg_sec_sink_put(cg_sec_sink *s, const char *p, size_t n)
{
	if (s->overflow || n == 0)
		return;
	if (n > CG_SEC_MAX_UNIT - s->unit.len) {
		s->overflow = true; /* prose: no stamp is this long */
		cg_buf_reset(&s->unit);
		return;
	}
	cg_buf_append(&s->unit, p, n); /* cannot fail: room checked */
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return utf8_encode(0xFFFD, out);
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void cg_sec_sink_cp(cg_sec_sink *s, uint32_t cp)
{
	char tmp[4];
	size_t k = utf8_encode(cp, tmp);
	cg_sec_sink_put(s, tmp, k);
}

/* If the unit is Latin-1 only (every code point < 0x100) with at least one
 * high letter, writes its bytes to out and returns true. */
static bool latin1_bytes(cg_slice u, unsigned char *out, size_t *n)
{
	bool high = false;
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)u.ptr;
	for (size_t i = 0; i < u.len;) {
		if (p[i] < 0x80) {
			out[k++] = p[i++];
		} else if ((p[i] == 0xC2 || p[i] == 0xC3) && i + 1 < u.len &&
			   (p[i + 1] & 0xC0) == 0x80) {
			out[k++] = (unsigned char)(((p[i] & 0x03) << 6) |
						   (p[i + 1] & 0x3F));
			high = true;
			i += 2;
		} else {
			return false;
		}
	}
	*n = k;
	return high;
}

/* Re-reads a Latin-1 unit as TCVN3, then VNI, then Windows-1258: a
 * document typed with the .VnTime or VNI-Times fonts stores its Vietnamese
 * that way, and an 8-bit file in code page 1258 is read as 1252 unless
 * it says otherwise. */
static cg_sec_level second_chance(cg_sec_sink *s, const char **enc)
{
	static const cg_sec_enc encs[] = { CG_ENC_TCVN3, CG_ENC_VNI,
					   CG_ENC_CP1258 };
	unsigned char bytes[CG_SEC_MAX_UNIT];
	size_t n;
	if (!latin1_bytes(cg_buf_slice(&s->unit), bytes, &n))
		return CG_SEC_NONE;
	for (size_t e = 0; e < sizeof encs / sizeof encs[0]; e++) {
		cg_buf_reset(&s->alt);
		if (cg_sec_decode_all(encs[e], bytes, n, &s->alt) != CG_OK)
			continue;
		cg_sec_level l = cg_sec_marking(&s->marker, cg_buf_slice(&s->alt));
		if (l != CG_SEC_NONE) {
			*enc = cg_sec_enc_name(encs[e]);
			return l;
		}
	}
	return CG_SEC_NONE;
}

/* Copies text to the evidence, trimmed, cut at a character boundary. */
static void set_evidence(cg_sec_sink *s, cg_slice t)
{
	t = cg_slice_trim(t);
	size_t n = t.len < sizeof s->evidence - 1 ? t.len : sizeof s->evidence - 1;
	while (n > 0 && n < t.len && ((unsigned char)t.ptr[n] & 0xC0) == 0x80)
		n--;
	memcpy(s->evidence, t.ptr, n);
	s->evidence[n] = '\0';
}

static bool blank(cg_slice u)
{
	for (size_t i = 0; i < u.len; i++)
		if (u.ptr[i] != ' ' && u.ptr[i] != '\t')
			return false;
	return true;
}

static void check_unit(cg_sec_sink *s)
{
	cg_slice u = cg_buf_slice(&s->unit);
	if (blank(u))
		return; /* blank lines do not separate a wrapped stamp */
	cg_sec_level prev_half = s->half;
	s->half = CG_SEC_NONE;
	const char *enc = NULL;
	cg_sec_level half;
	cg_sec_level l = cg_sec_marking_ex(&s->marker, u, &half);
	if (half != CG_SEC_NONE) { /* "TỐI" alone: remember it */
		s->half = half;
		cg_buf_reset(&s->half_text);
		cg_buf_append(&s->half_text, u.ptr, u.len);
		return;
	}
	if (l == CG_SEC_NONE && (memchr(u.ptr, 'm', u.len) || memchr(u.ptr, 'M', u.len))) {
		l = second_chance(s, &enc);
		if (l != CG_SEC_NONE)
			u = cg_buf_slice(&s->alt);
	}
	if (l == CG_SEC_NONE)
		return;
	s->level = l;
	s->found_loc = s->loc;
	s->found_enc = enc;
	if (l == CG_SEC_MAT && prev_half != CG_SEC_NONE && !enc) {
		/* "TỐI" then "MẬT": one stamp over two lines */
		char two[2 * CG_SEC_MAX_UNIT + 2];
		cg_slice h = cg_slice_trim(cg_buf_slice(&s->half_text));
		cg_slice t = cg_slice_trim(u);
		memcpy(two, h.ptr, h.len);
		two[h.len] = ' ';
		memcpy(two + h.len + 1, t.ptr, t.len);
		s->level = prev_half;
		set_evidence(s, cg_slice_from(two, h.len + 1 + t.len));
		return;
	}
	set_evidence(s, u);
}

bool cg_sec_sink_end(cg_sec_sink *s)
{
	if (!s->overflow && s->unit.len > 0 && s->level == CG_SEC_NONE)
		check_unit(s);
	else if (s->overflow)
		s->half = CG_SEC_NONE; /* prose between "TỐI" and "MẬT" */
	cg_buf_reset(&s->unit);
	s->overflow = false;
	s->units++;
	return s->level != CG_SEC_NONE;
}

/* Next line break at or after p: the nearest of the next '\n', '\r',
 * '\f', '\v', each found with memchr and remembered until p passes it,
 * so the whole text is scanned once per break character (linear, at
 * memchr speed, whatever the mix of line endings). */
static const char *next_break(const char *p, const char *end,
			      const char *next[4])
{
	static const char br[4] = { '\n', '\r', '\f', '\v' };
	const char *q = end;
	for (int i = 0; i < 4; i++) {
		if (next[i] < p) {
			const char *r = memchr(p, br[i], (size_t)(end - p));
			next[i] = r ? r : end;
		}
		if (next[i] < q)
			q = next[i];
	}
	return q;
}

bool cg_sec_sink_lines(cg_sec_sink *s, const char *p, size_t n)
{
	const char *end = p + n;
	const char *next[4] = { NULL, NULL, NULL, NULL };
	while (p < end) {
		const char *q = next_break(p, end, next);
		cg_sec_sink_put(s, p, (size_t)(q - p));
		if (q == end)
			break;
		if (cg_sec_sink_end(s))
			return true;
		p = q + 1;
	}
	return cg_sec_sink_found(s);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

bool cg_sec_sink_excel_hf(cg_sec_sink *s, cg_slice hf)
{
	size_t i = 0;
	while (i < hf.len) {
		char c = hf.ptr[i];
		if (c != '&' || i + 1 >= hf.len) {
			cg_sec_sink_put(s, &hf.ptr[i], 1);
			i++;
			continue;
		}
		char k = hf.ptr[i + 1];
		i += 2;
		if (k == 'L' || k == 'C' || k == 'R') {
			if (cg_sec_sink_end(s))
				return true;
		} else if (k == '"') { /* &"Font,Style" */
			while (i < hf.len && hf.ptr[i] != '"')
				i++;
			i++;
		} else if (k >= '0' && k <= '9') { /* &12 font size */
			while (i < hf.len && hf.ptr[i] >= '0' && hf.ptr[i] <= '9')
				i++;
		} else if (k == 'K') { /* &KRRGGBB colour */
			for (int j = 0; j < 6 && i < hf.len && is_hex(hf.ptr[i]); j++)
				i++;
		} else if (k == '&') {
			cg_sec_sink_put(s, "&", 1);
		}
		/* other codes (&P page, &D date, &B bold...) carry no text */
	}
	return cg_sec_sink_end(s);
}
