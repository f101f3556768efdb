/*
 * rtf.c - text of RTF documents, with a small parser of our own.
 *
 * RTF is a stream of groups {...}, control words (\par, \u7853, \ansicpg1258),
 * control symbols (\'e2, \~, \{) and literal text. We keep a state stack
 * (bounded by CG_SEC_MAX_RTF_DEPTH; deeper groups are skipped whole) with,
 * per group: whether its text is hidden (font and colour tables, pictures,
 * \* destinations we do not know, field instructions), the \ucN count of
 * fallback characters that follow each \uN, and the location ("header" for
 * \header.. and \footer.. groups, "text_box" for shape text). Paragraph,
 * line, cell and row ends end a unit. \'hh bytes are decoded in the
 * document's code page (\ansicpg1258 = Windows-1258, else 1252); text in
 * the .VnTime fonts then looks like Latin-1, which the sink re-reads as
 * TCVN3. Linear time; memory is the state stack and the sink.
 */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "secrets/extract.h"

typedef struct rtf_group {
	bool hide;
	int uc;
	const char *loc;
} rtf_group;

typedef struct rtf {
	cg_sec_sink *s;
	rtf_group st[CG_SEC_MAX_RTF_DEPTH];
	int depth;        /* index of the current group in st */
	long overdepth;   /* groups opened past the stack: all hidden */
	int pending_skip; /* fallback chars still to drop after \uN */
	bool star;        /* the group began with \* */
	bool group_start; /* no control word seen yet in this group */
	cg_sec_enc cp;
	const char *base_loc;
} rtf;

static bool hidden(const rtf *r)
{
	return r->overdepth > 0 || r->st[r->depth].hide;
}

static bool emit_cp(rtf *r, uint32_t cp)
{
	if (r->pending_skip > 0) {
		r->pending_skip--;
		return false;
	}
	if (hidden(r))
		return false;
	cg_sec_sink_cp(r->s, cp);
	return false;
}

static bool end_unit(rtf *r)
{
	if (hidden(r))
		return false;
	return cg_sec_sink_end(r->s);
}

static bool word_in(cg_slice w, const char *const *list)
{
	for (; *list; list++)
		if (cg_slice_eq_cstr(w, *list))
			return true;
	return false;
}

/* A destination at the start of a group: hide it or change location. */
static bool destination(rtf *r, cg_slice w)
{
	static const char *const hide[] = {
		"fonttbl", "colortbl", "stylesheet", "info", "pict", "object",
		"objdata", "themedata", "colorschememapping", "datastore",
		"latentstyles", "listtable", "listoverridetable", "rsidtbl",
		"generator", "xmlnstbl", "fldinst", "revtbl", "bkmkstart",
		"bkmkend", "filetbl", "nonshppict", "sp", "sn", "sv",
		"pgdsctbl", "template", "mmathPr", "blipuid", "wgrffmtfilter",
		NULL
	};
	static const char *const header[] = { "header", "headerl", "headerr",
					      "headerf", NULL };
	static const char *const footer[] = { "footer", "footerl", "footerr",
					      "footerf", NULL };
	rtf_group *g = &r->st[r->depth];
	if (word_in(w, hide)) {
		g->hide = true;
		return true;
	}
	if (word_in(w, header) || word_in(w, footer)) {
		g->loc = word_in(w, header) ? "header" : "footer";
		cg_sec_sink_end(r->s);
		cg_sec_sink_loc(r->s, g->loc);
		return true;
	}
	if (cg_slice_eq_cstr(w, "shptxt")) {
		g->loc = "text_box";
		cg_sec_sink_loc(r->s, g->loc);
		return true;
	}
	if (cg_slice_eq_cstr(w, "shpinst") || cg_slice_eq_cstr(w, "shp") ||
	    cg_slice_eq_cstr(w, "fldrslt"))
		return true; /* known to hold document text */
	if (r->star)
		g->hide = true; /* an ignorable destination we do not know */
	return true;
}

static bool control_word(rtf *r, cg_slice w, bool has_n, long n)
{
	if (r->group_start) {
		r->group_start = false;
		destination(r, w);
		if (r->st[r->depth].hide)
			return false;
	}
	static const char *const ends[] = { "par", "line", "cell", "row",
					    "sect", "page", "nestcell",
					    "lbr", "column", NULL };
	if (word_in(w, ends)) {
		if (r->pending_skip > 0)
			r->pending_skip--;
		return end_unit(r);
	}
	if (cg_slice_eq_cstr(w, "tab"))
		return emit_cp(r, ' ');
	if (cg_slice_eq_cstr(w, "u") && has_n) {
		long c = n < 0 ? n + 65536 : n;
		if (c < 0 || c > 0x10FFFF)
			c = 0xFFFD;
		emit_cp(r, (uint32_t)c);
		r->pending_skip = r->st[r->depth].uc;
		return false;
	}
	if (cg_slice_eq_cstr(w, "uc") && has_n) {
		r->st[r->depth].uc = n < 0 ? 0 : (n > 8 ? 8 : (int)n);
		return false;
	}
	if (cg_slice_eq_cstr(w, "ansicpg") && has_n) {
		r->cp = n == 1258 ? CG_ENC_CP1258 : CG_ENC_CP1252;
		return false;
	}
	if (r->pending_skip > 0)
		r->pending_skip--;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void open_group(rtf *r)
{
	r->group_start = true;
	r->star = false;
	if (r->overdepth > 0 || r->depth + 1 >= CG_SEC_MAX_RTF_DEPTH) {
		r->overdepth++;
		return;
	}
	r->st[r->depth + 1] = r->st[r->depth];
	r->depth++;
}

static bool close_group(rtf *r)
{
	r->group_start = false;
	if (r->overdepth > 0) {
		r->overdepth--;
		return false;
	}
	if (r->depth == 0)
		return false;
	const char *inner = r->st[r->depth].loc;
	r->depth--;
	if (inner != r->st[r->depth].loc) {
		bool f = cg_sec_sink_end(r->s);
		cg_sec_sink_loc(r->s, r->st[r->depth].loc);
		return f;
	}
	return false;
}

/* Parses "\word[-]N " at p (after the backslash); returns the new p. */
static const char *read_control(rtf *r, const char *p, const char *end,
				bool *found)
{
	const char *w0 = p;
	while (p < end && p - w0 < 32 &&
	       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		p++;
	cg_slice w = cg_slice_from(w0, (size_t)(p - w0));
	bool neg = false, has_n = false;
	long n = 0;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	int digits = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (digits++ < 10)
			n = n * 10 + (*p - '0');
		has_n = true;
		p++;
	}
	if (neg)
		n = -n;
	if (p < end && *p == ' ')
		p++;
	*found = control_word(r, w, has_n, n);
	return p;
}

bool cg_sec_rtf_text(cg_sec_sink *s, cg_slice in)
{
	static rtf zero;
	rtf *r = malloc(sizeof *r);
	if (!r)
		return false;
	*r = zero;
	r->s = s;
	r->cp = CG_ENC_CP1252;
	r->base_loc = s->loc;
	r->st[0].uc = 1;
	r->st[0].loc = s->loc;
	const char *p = in.ptr, *end = in.ptr + in.len;
	bool found = false;
	while (p < end && !found) {
		char c = *p++;
		if (c == '{') {
			open_group(r);
		} else if (c == '}') {
			found = close_group(r);
		} else if (c == '\\') {
			if (p >= end)
				break;
			char k = *p;
			if ((k >= 'a' && k <= 'z') || (k >= 'A' && k <= 'Z')) {
				p = read_control(r, p, end, &found);
				continue;
			}
			p++;
			if (k == '*') {
				r->star = true;
			} else if (k == '\'') {
				if (end - p < 2)
					break;
				int h = hexval(p[0]), l = hexval(p[1]);
				p += 2;
				if (h < 0 || l < 0)
					continue;
				uint32_t cps[3];
				int m = cg_sec_decode_byte(r->cp, (unsigned char)(h * 16 + l), cps);
				for (int i = 0; i < m; i++)
					emit_cp(r, cps[i]);
				if (m == 0)
					emit_cp(r, 0xFFFD);
			} else if (k == '\n' || k == '\r') {
				found = end_unit(r);
			} else if (k == '~') {
				emit_cp(r, 0xA0);
			} else if (k == '_') {
				emit_cp(r, '-');
			} else if (k == '\\' || k == '{' || k == '}') {
				emit_cp(r, (unsigned char)k);
			}
		} else if (c == '\r' || c == '\n') {
			continue;
		} else {
			r->group_start = false;
			if ((unsigned char)c < 0x80) {
				emit_cp(r, (unsigned char)c);
			} else {
				uint32_t cps[3];
				int m = cg_sec_decode_byte(r->cp, (unsigned char)c, cps);
				for (int i = 0; i < m; i++)
					emit_cp(r, cps[i]);
			}
		}
	}
	if (!found)
		found = cg_sec_sink_end(s);
	cg_sec_sink_loc(s, r->base_loc);
	free(r);
	return found;
}
