/*
 * xmltext.c - text of XML document parts (OOXML, ODF) and HTML pages.
 *
 * Not a validating parser: a marking detector needs the character data
 * and where paragraphs, cells and text boxes begin and end, nothing else,
 * and must survive any byte sequence. So this is a single forward scan:
 * text between tags goes to the sink with the five XML entities, &nbsp;
 * and numeric references decoded; the local name of each tag (prefix
 * dropped, so w:p, a:p and text:p are all "p") decides whether it ends a
 * unit (paragraphs, cells, shared strings, line breaks), adds a space
 * (tabs), hides its content (Word field codes, deleted text, scripts) or
 * marks a text box. Comments, CDATA, processing instructions and DOCTYPE
 * are handled; entity definitions are never expanded (no billion laughs).
 * Excel header/footer elements hold format codes and are decoded by
 * cg_sec_sink_excel_hf. A second entry point collects only the text of
 * text boxes, so that a stamp drawn in a box is found before the body is
 * read. Work is linear in the input; memory is the sink's.
 */
#include <string.h>
#include <strings.h>

#include "secrets/extract.h"

typedef enum tag_class {
	T_NONE,
	T_BLOCK,   /* ends the unit before and after */
	T_SPACE,   /* a tab or space element */
	T_HIDE,    /* its text is not document text */
	T_TEXTBOX, /* a block whose content is a text box */
	T_HF,      /* Excel header/footer string */
} tag_class;

static bool name_is(cg_slice n, const char *s, bool icase)
{
	size_t l = strlen(s);
	return n.len == l &&
	       (icase ? strncasecmp(n.ptr, s, l) == 0 : memcmp(n.ptr, s, l) == 0);
}

static bool in_list(cg_slice n, const char *const *list, bool icase)
{
	for (; *list; list++)
		if (name_is(n, *list, icase))
			return true;
	return false;
}

static tag_class classify(cg_slice local, bool html)
{
	static const char *const xml_block[] = {
		"p", "h", "tc", "si", "c", "is", "table-cell",
		"covered-table-cell", "br", "cr", "line-break", "tr",
		"list-item", "sp", "txBody", "note", NULL
	};
	static const char *const html_block[] = {
		"p", "div", "br", "td", "th", "tr", "li", "h1", "h2", "h3",
		"h4", "h5", "h6", "title", "table", "ul", "ol", "body", "head",
		"html", "header", "footer", "section", "article", "center",
		"blockquote", "pre", "hr", "dt", "dd", "caption", "option",
		"tbody", "thead", "nav", "aside", "main", "form", "address",
		"figcaption", NULL
	};
	static const char *const xml_hide[] = { "instrText", "delText",
						 "delInstrText", NULL };
	static const char *const html_hide[] = { "script", "style", NULL };
	static const char *const hf[] = { "oddHeader", "evenHeader",
					  "firstHeader", "oddFooter",
					  "evenFooter", "firstFooter", NULL };
	/* HTML mode knows the XML names too: a standalone .xml file (Word
	 * 2003 XML, an exported ODF part) goes through it. */
	if (html) {
		if (in_list(local, html_block, true))
			return T_BLOCK;
		if (in_list(local, html_hide, true))
			return T_HIDE;
	}
	if (in_list(local, xml_block, false))
		return T_BLOCK;
	if (name_is(local, "tab", false) || name_is(local, "s", false))
		return T_SPACE;
	if (in_list(local, xml_hide, false))
		return T_HIDE;
	if (name_is(local, "txbxContent", false) ||
	    name_is(local, "text-box", false))
		return T_TEXTBOX;
	if (in_list(local, hf, false))
		return T_HF;
	return T_NONE;
}

/* Decodes "&...;" at p (p[0] == '&'); returns bytes consumed, 0 when it
 * is not a reference (then '&' is literal). */
static size_t entity(const char *p, const char *end, uint32_t *cp)
{
	const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
	if (!semi)
		return 0;
	cg_slice n = { p + 1, (size_t)(semi - p - 1) };
	static const struct { const char *n; uint32_t c; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
		{ "apos", '\'' }, { "nbsp", 0xA0 },
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (name_is(n, named[i].n, false)) {
			*cp = named[i].c;
			return n.len + 2;
		}
	if (n.len < 2 || n.ptr[0] != '#')
		return 0;
	uint32_t v = 0;
	bool hex = n.ptr[1] == 'x' || n.ptr[1] == 'X';
	size_t i = hex ? 2 : 1;
	if (i >= n.len)
		return 0;
	for (; i < n.len; i++) {
		char c = n.ptr[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return 0;
		v = v * (hex ? 16 : 10) + d;
		if (v > 0x10FFFF)
			return 0;
	}
	*cp = v;
	return n.len + 2;
}

/* Pushes character data with references decoded. */
static void put_text(cg_sec_sink *s, const char *p, const char *end)
{
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		cg_sec_sink_put(s, p, (size_t)(stop - p));
		if (!amp)
			return;
		uint32_t cp;
		size_t k = entity(amp, end, &cp);
		if (k) {
			cg_sec_sink_cp(s, cp);
			p = amp + k;
		} else {
			cg_sec_sink_put(s, "&", 1);
			p = amp + 1;
		}
	}
}

static const char *find(const char *p, const char *end, const char *pat)
{
	size_t l = strlen(pat);
	while ((size_t)(end - p) >= l) {
		const char *q = memchr(p, pat[0], (size_t)(end - p) - l + 1);
		if (!q)
			return NULL;
		if (memcmp(q, pat, l) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* End of the tag starting after '<': the '>' outside quotes, or NULL. */
static const char *tag_end(const char *p, const char *end)
{
	char q = 0;
	for (; p < end; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return NULL;
}

typedef struct xstate {
	cg_sec_sink *s;
	const char *base_loc;
	int hide;      /* depth inside hidden elements */
	int textbox;   /* depth inside text boxes */
	bool hf;       /* inside an Excel header/footer element */
	bool boxes;    /* collect text-box text only */
	cg_buf hfbuf;  /* the header/footer string, max CG_SEC_MAX_UNIT */
} xstate;

static void hf_byte(xstate *st, char c)
{
	cg_buf_putc(&st->hfbuf, c); /* past the maximum: cut, a stamp is short */
}

/* Collects a header/footer string, references decoded (the format codes
 * arrive as "&amp;C"). Longer strings are cut: a stamp is short. */
static void hf_put(xstate *st, const char *p, const char *end)
{
	while (p < end) {
		uint32_t cp;
		size_t k = *p == '&' ? entity(p, end, &cp) : 0;
		if (!k) {
			hf_byte(st, *p++);
			continue;
		}
		p += k;
		if (cp < 0x80) {
			hf_byte(st, (char)cp);
		} else if (cp < 0x800) {
			hf_byte(st, (char)(0xC0 | (cp >> 6)));
			hf_byte(st, (char)(0x80 | (cp & 0x3F)));
		} else if (cp < 0x10000) {
			hf_byte(st, (char)(0xE0 | (cp >> 12)));
			hf_byte(st, (char)(0x80 | ((cp >> 6) & 0x3F)));
			hf_byte(st, (char)(0x80 | (cp & 0x3F)));
		}
	}
}

/* Applies one tag; returns true when a marking was found. */
static bool on_tag(xstate *st, cg_slice local, bool close, bool selfclose,
		   bool html)
{
	cg_sec_sink *s = st->s;
	switch (classify(local, html)) {
	case T_BLOCK:
		return cg_sec_sink_end(s);
	case T_SPACE:
		if (!close)
			cg_sec_sink_put(s, " ", 1);
		return false;
	case T_HIDE:
		if (selfclose)
			return false;
		st->hide += close ? (st->hide > 0 ? -1 : 0) : 1;
		return false;
	case T_TEXTBOX:
		if (cg_sec_sink_end(s))
			return true;
		if (!selfclose)
			st->textbox += close ? (st->textbox > 0 ? -1 : 0) : 1;
		cg_sec_sink_loc(s, st->textbox ? "text_box" : st->base_loc);
		return false;
	case T_HF:
		if (st->boxes)
			return false;
		if (cg_sec_sink_end(s))
			return true;
		if (!close && !selfclose) {
			st->hf = true;
			cg_buf_reset(&st->hfbuf);
			return false;
		}
		if (close && st->hf) {
			st->hf = false;
			cg_sec_sink_loc(s, "header");
			bool f = cg_sec_sink_excel_hf(s, cg_buf_slice(&st->hfbuf));
			cg_sec_sink_loc(s, st->base_loc);
			return f;
		}
		return false;
	default:
		return false;
	}
}

/* "</script" or "</style" at q. */
static bool is_end_of_hidden(const char *q, const char *end)
{
	size_t avail = (size_t)(end - q);
	return (avail >= 8 && strncasecmp(q, "</script", 8) == 0) ||
	       (avail >= 7 && strncasecmp(q, "</style", 7) == 0);
}

static bool xml_scan(xstate *st, cg_slice x, bool html);

static bool xml_run(cg_sec_sink *s, cg_slice x, bool html, bool boxes)
{
	xstate st = { .s = s, .base_loc = s->loc, .boxes = boxes };
	cg_buf_init(&st.hfbuf, CG_SEC_MAX_UNIT);
	bool found = xml_scan(&st, x, html);
	cg_buf_free(&st.hfbuf);
	cg_sec_sink_loc(s, st.base_loc);
	return found;
}

static bool xml_scan(xstate *st, cg_slice x, bool html)
{
	cg_sec_sink *s = st->s;
	const char *p = x.ptr, *end = x.ptr + x.len;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		const char *te = lt ? lt : end;
		if (st->hf)
			hf_put(st, p, te);
		else if (!st->hide && (!st->boxes || st->textbox > 0))
			put_text(s, p, te);
		if (!lt)
			break;
		p = lt + 1;
		if (end - p >= 3 && memcmp(p, "!--", 3) == 0) {
			const char *q = find(p + 3, end, "-->");
			p = q ? q + 3 : end;
			continue;
		}
		if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
			const char *q = find(p + 8, end, "]]>");
			const char *stop = q ? q : end;
			if (!st->hide && !st->hf && (!st->boxes || st->textbox > 0))
				cg_sec_sink_put(s, p + 8, (size_t)(stop - p - 8));
			p = q ? q + 3 : end;
			continue;
		}
		const char *gt = tag_end(p, end);
		if (!gt)
			break;
		if (*p == '?' || *p == '!') {
			p = gt + 1;
			continue;
		}
		bool close = *p == '/';
		const char *n0 = close ? p + 1 : p, *n1 = n0;
		while (n1 < gt && *n1 != ' ' && *n1 != '/' && *n1 != '\t' &&
		       *n1 != '\n' && *n1 != '\r')
			n1++;
		const char *colon = n0;
		for (const char *c = n0; c < n1; c++)
			if (*c == ':')
				colon = c + 1;
		bool selfclose = gt > p && gt[-1] == '/';
		p = gt + 1;
		if (on_tag(st, cg_slice_from(colon, (size_t)(n1 - colon)), close,
			   selfclose, html))
			return true;
		/* HTML script/style: skip to the matching end tag at once */
		if (html && st->hide && !close) {
			const char *q = p;
			while ((q = memchr(q, '<', (size_t)(end - q))) != NULL &&
			       !is_end_of_hidden(q, end))
				q++;
			p = q ? q : end;
		}
	}
	if (st->hf && !st->boxes) {
		cg_sec_sink_loc(s, "header");
		if (cg_sec_sink_excel_hf(s, cg_buf_slice(&st->hfbuf)))
			return true;
	}
	cg_sec_sink_loc(s, st->base_loc);
	return cg_sec_sink_end(s);
}

bool cg_sec_xml_text(cg_sec_sink *s, cg_slice x, bool html)
{
	return xml_run(s, x, html, false);
}

bool cg_sec_xml_text_boxes(cg_sec_sink *s, cg_slice x)
{
	return xml_run(s, x, false, true);
}
