/*
 * eml.c - e-mail messages (RFC 5322 with MIME, RFC 2045-2047): the
 * subject, the text parts and the attachments.
 *
 * One pass over the message held in memory. Each entity's header is read
 * (folded lines joined, parameters such as boundary= and filename= taken
 * from the raw value); multipart bodies are split at their boundary lines
 * and parsed recursively (depth and part count bounded); message/rfc822
 * parts are parsed as messages. Leaves are decoded from base64 or
 * quoted-printable into a bounded buffer and handed to the visitor: text
 * parts as text (with their charset), anything with a file name or a
 * non-text type as an attachment, which the scanner then scans as a
 * document of its own ("mail.eml!report.docx"). Encoded-word subjects
 * (=?UTF-8?B?...?=) are decoded. Malformed structure never fails the
 * parse: what cannot be split is treated as text.
 */
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "secrets/extract.h"

typedef struct ment {
	cg_slice ctype, params, cte, disp, subject;
} ment;

typedef struct eml {
	const cg_sec_eml_visitor *v;
	int parts;
	bool stop;
} eml;

static bool ieq_prefix(cg_slice s, const char *p)
{
	size_t l = strlen(p);
	return s.len >= l && strncasecmp(s.ptr, p, l) == 0;
}

/* Splits the header block off; *body gets the rest. */
static cg_slice split_header(cg_slice m, cg_slice *body)
{
	size_t skip = 0;
	if (m.len && m.ptr[0] == '\n')
		skip = 1;
	else if (m.len > 1 && m.ptr[0] == '\r' && m.ptr[1] == '\n')
		skip = 2;
	if (skip) { /* no header at all */
		*body = cg_slice_from(m.ptr + skip, m.len - skip);
		return cg_slice_from(m.ptr, 0);
	}
	for (size_t i = 0; i < m.len; i++) {
		if (m.ptr[i] != '\n')
			continue;
		size_t j = i + 1;
		if (j < m.len && m.ptr[j] == '\r')
			j++;
		if (j < m.len && m.ptr[j] == '\n') {
			*body = cg_slice_from(m.ptr + j + 1, m.len - j - 1);
			return cg_slice_from(m.ptr, i);
		}
	}
	*body = cg_slice_from(m.ptr + m.len, 0);
	return m;
}

/* Reads the header fields we need; values keep their folding. */
static void parse_header(cg_slice h, ment *e)
{
	memset(e, 0, sizeof *e);
	const char *p = h.ptr, *end = h.ptr + h.len;
	while (p < end) {
		const char *line = p;
		/* a field ends at a newline not followed by space or tab */
		const char *q = p;
		for (;;) {
			q = memchr(q, '\n', (size_t)(end - q));
			if (!q || q + 1 >= end || (q[1] != ' ' && q[1] != '\t'))
				break;
			q++;
		}
		const char *fend = q ? q : end;
		p = q ? q + 1 : end;
		const char *colon = memchr(line, ':', (size_t)(fend - line));
		if (!colon)
			continue;
		cg_slice name = cg_slice_trim(cg_slice_from(line, (size_t)(colon - line)));
		cg_slice val = cg_slice_trim(cg_slice_from(colon + 1, (size_t)(fend - colon - 1)));
		if (name.len == 12 && strncasecmp(name.ptr, "Content-Type", 12) == 0) {
			const char *semi = memchr(val.ptr, ';', val.len);
			e->ctype = cg_slice_trim(cg_slice_from(val.ptr, semi ? (size_t)(semi - val.ptr) : val.len));
			e->params = val;
		} else if (name.len == 25 &&
			   strncasecmp(name.ptr, "Content-Transfer-Encoding", 25) == 0) {
			e->cte = val;
		} else if (name.len == 19 &&
			   strncasecmp(name.ptr, "Content-Disposition", 19) == 0) {
			e->disp = val;
		} else if (name.len == 7 && strncasecmp(name.ptr, "Subject", 7) == 0) {
			e->subject = val;
		}
	}
}

/* The value of parameter key in a header value (quoted or token). */
static cg_slice param(cg_slice v, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl + 1 <= v.len; i++) {
		if (strncasecmp(v.ptr + i, key, kl) != 0)
			continue;
		if (i > 0 && v.ptr[i - 1] != ';' && v.ptr[i - 1] != ' ' &&
		    v.ptr[i - 1] != '\t' && v.ptr[i - 1] != '\n')
			continue;
		size_t j = i + kl;
		if (j < v.len && v.ptr[j] == '*') /* RFC 2231: charset''value */
			j++;
		if (j >= v.len || v.ptr[j] != '=')
			continue;
		j++;
		if (j < v.len && v.ptr[j] == '"') {
			const char *q = memchr(v.ptr + j + 1, '"', v.len - j - 1);
			size_t l = q ? (size_t)(q - v.ptr - j - 1) : v.len - j - 1;
			return cg_slice_from(v.ptr + j + 1, l);
		}
		size_t k = j;
		while (k < v.len && v.ptr[k] != ';' && v.ptr[k] != ' ' &&
		       v.ptr[k] != '\r' && v.ptr[k] != '\n' && v.ptr[k] != '\t')
			k++;
		cg_slice r = cg_slice_from(v.ptr + j, k - j);
		const char *tick = r.len > 2 ? memchr(r.ptr, '\'', r.len) : NULL;
		if (tick) { /* utf-8''name: drop charset and language */
			const char *t2 = memchr(tick + 1, '\'', (size_t)(r.ptr + r.len - tick - 1));
			if (t2)
				r = cg_slice_from(t2 + 1, (size_t)(r.ptr + r.len - t2 - 1));
		}
		return r;
	}
	return cg_slice_from(NULL, 0);
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

static cg_err b64_decode(cg_slice in, cg_buf *out)
{
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (c == '=')
			break;
		int v = b64val(c);
		if (v < 0)
			continue;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			cg_err e = cg_buf_putc(out, (char)((acc >> bits) & 0xFF));
			if (e)
				return e;
		}
	}
	return CG_OK;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

static cg_err qp_decode(cg_slice in, cg_buf *out, bool header)
{
	for (size_t i = 0; i < in.len; i++) {
		char c = in.ptr[i];
		cg_err e;
		if (c == '=' && i + 1 < in.len && (in.ptr[i + 1] == '\n' || in.ptr[i + 1] == '\r')) {
			i++;
			if (in.ptr[i] == '\r' && i + 1 < in.len && in.ptr[i + 1] == '\n')
				i++;
			continue;
		}
		if (c == '=' && i + 2 < in.len && hexv(in.ptr[i + 1]) >= 0 &&
		    hexv(in.ptr[i + 2]) >= 0) {
			e = cg_buf_putc(out, (char)(hexv(in.ptr[i + 1]) * 16 + hexv(in.ptr[i + 2])));
			i += 2;
		} else {
			e = cg_buf_putc(out, header && c == '_' ? ' ' : c);
		}
		if (e)
			return e;
	}
	return CG_OK;
}

static cg_sec_enc charset_enc(cg_slice cs)
{
	if (ieq_prefix(cs, "windows-1258") || ieq_prefix(cs, "cp1258"))
		return CG_ENC_CP1258;
	if (ieq_prefix(cs, "iso-8859-1") || ieq_prefix(cs, "windows-1252") ||
	    ieq_prefix(cs, "latin1"))
		return CG_ENC_CP1252;
	if (ieq_prefix(cs, "utf-16"))
		return ieq_prefix(cs, "utf-16be") ? CG_ENC_UTF16BE : CG_ENC_UTF16LE;
	return CG_ENC_UTF8;
}

/* RFC 2047 encoded words in a header value, into out as UTF-8 bytes. */
static void decode_words(cg_slice v, cg_buf *out)
{
	size_t i = 0;
	while (i < v.len) {
		if (i + 1 < v.len && v.ptr[i] == '=' && v.ptr[i + 1] == '?') {
			const char *cs = v.ptr + i + 2, *end = v.ptr + v.len;
			const char *q1 = memchr(cs, '?', (size_t)(end - cs));
			if (q1 && q1 + 2 < end && q1[2] == '?') {
				const char *txt = q1 + 3;
				const char *q2 = NULL;
				for (const char *t = txt; t + 1 < end; t++)
					if (t[0] == '?' && t[1] == '=') {
						q2 = t;
						break;
					}
				if (q2) {
					cg_slice body = cg_slice_from(txt, (size_t)(q2 - txt));
					if ((q1[1] | 0x20) == 'b')
						b64_decode(body, out);
					else
						qp_decode(body, out, true);
					i = (size_t)(q2 + 2 - v.ptr);
					/* whitespace between two encoded words vanishes */
					size_t j = i;
					while (j < v.len && (v.ptr[j] == ' ' || v.ptr[j] == '\t' ||
							     v.ptr[j] == '\r' || v.ptr[j] == '\n'))
						j++;
					if (j + 1 < v.len && v.ptr[j] == '=' && v.ptr[j + 1] == '?')
						i = j;
					continue;
				}
			}
		}
		char c = v.ptr[i++];
		if (c == '\r' || c == '\n')
			continue;
		cg_buf_putc(out, c);
	}
}

static void entity(eml *m, cg_slice ent, int depth);

static const char *find_delim(const char *p, const char *end, cg_slice b)
{
	/* "--boundary" at the start of a line */
	for (const char *q = p; q + 2 + b.len <= end;) {
		const char *d = memchr(q, '-', (size_t)(end - q));
		if (!d || d + 2 + b.len > end)
			return NULL;
		if (d[1] == '-' && (d == p || d[-1] == '\n') &&
		    memcmp(d + 2, b.ptr, b.len) == 0)
			return d;
		q = d + 1;
	}
	return NULL;
}

static void multipart(eml *m, cg_slice body, cg_slice b, int depth)
{
	const char *end = body.ptr + body.len;
	const char *d = find_delim(body.ptr, end, b);
	while (d && !m->stop) {
		const char *after = d + 2 + b.len;
		if (after + 1 < end && after[0] == '-' && after[1] == '-')
			return; /* closing delimiter */
		const char *nl = memchr(after, '\n', (size_t)(end - after));
		if (!nl)
			return;
		const char *start = nl + 1;
		const char *next = find_delim(start, end, b);
		const char *stop = next ? next : end;
		if (stop > start && stop[-1] == '\n')
			stop--;
		if (stop > start && stop[-1] == '\r')
			stop--;
		if (++m->parts > CG_SEC_MAX_MIME_PARTS)
			return;
		entity(m, cg_slice_from(start, (size_t)(stop - start)), depth + 1);
		d = next;
	}
}

static void leaf(eml *m, const ment *e, cg_slice body, int n)
{
	cg_buf dec;
	cg_buf_init(&dec, CG_SEC_MAX_PART_BYTES);
	cg_slice data = body;
	if (ieq_prefix(e->cte, "base64")) {
		b64_decode(body, &dec);
		data = cg_buf_slice(&dec);
	} else if (ieq_prefix(e->cte, "quoted-printable")) {
		qp_decode(body, &dec, false);
		data = cg_buf_slice(&dec);
	}
	cg_slice fname = param(e->disp, "filename");
	if (!fname.len)
		fname = param(e->params, "name");
	bool text = e->ctype.len == 0 || ieq_prefix(e->ctype, "text/");
	bool attach = fname.len > 0 || !text || ieq_prefix(e->disp, "attachment");
	if (attach && m->v->attachment) {
		char name[256];
		cg_buf nb;
		cg_buf_init(&nb, sizeof name - 1);
		if (fname.len)
			decode_words(fname, &nb);
		if (!nb.len)
			cg_buf_printf(&nb, "part-%d", n);
		cg_slice_copy(cg_buf_slice(&nb), name, sizeof name);
		cg_buf_free(&nb);
		m->stop = m->v->attachment(m->v->ctx, name, data);
	} else if (m->v->text) {
		bool html = ieq_prefix(e->ctype, "text/html");
		m->stop = m->v->text(m->v->ctx, "body", data, html,
				     charset_enc(param(e->params, "charset")));
	}
	cg_buf_free(&dec);
}

static void entity(eml *m, cg_slice ent, int depth)
{
	if (m->stop || depth > CG_SEC_MAX_DEPTH + 4)
		return;
	cg_slice body;
	cg_slice h = split_header(ent, &body);
	ment e;
	parse_header(h, &e);
	if (e.subject.len && m->v->text) {
		cg_buf sb;
		cg_buf_init(&sb, CG_SEC_MAX_UNIT * 4);
		decode_words(e.subject, &sb);
		m->stop = m->v->text(m->v->ctx, "subject", cg_buf_slice(&sb), false,
				     CG_ENC_UTF8);
		cg_buf_free(&sb);
		if (m->stop)
			return;
	}
	if (ieq_prefix(e.ctype, "multipart/")) {
		cg_slice b = param(e.params, "boundary");
		if (b.len > 0 && b.len <= 200) {
			multipart(m, body, b, depth);
			return;
		}
	}
	if (ieq_prefix(e.ctype, "message/rfc822")) {
		entity(m, body, depth + 1);
		return;
	}
	leaf(m, &e, body, m->parts);
}

cg_err cg_sec_eml_parse(cg_slice msg, const cg_sec_eml_visitor *v)
{
	eml m = { .v = v };
	entity(&m, msg, 0);
	return CG_OK;
}
