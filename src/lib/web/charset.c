/*
 * charset.c - bytes in any declared charset to UTF-8 (see page.h).
 *
 * Where the charset comes from, in the order browsers use: a byte-order
 * mark, the HTTP Content-Type header, a <meta charset> or http-equiv in the
 * first 4 KiB; UTF-8 when nothing is declared. Vietnamese portals still
 * exist in windows-1258 and the odd TCVN3 page; glibc's iconv knows the
 * former. An unknown charset name is treated as UTF-8 (and the page still
 * analysed). Bytes that are invalid in the source charset become U+FFFD, so
 * the output is always valid UTF-8 and no input is refused.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "page.h"

static bool is_tok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

/* Finds "charset=NAME" (case-insensitive) in s; copies NAME. */
static bool find_charset(cg_slice s, char out[32])
{
	static const char key[] = "charset";
	for (size_t i = 0; i + sizeof key - 1 < s.len; i++) {
		if (strncasecmp(s.ptr + i, key, sizeof key - 1) != 0)
			continue;
		size_t j = i + sizeof key - 1;
		while (j < s.len && (s.ptr[j] == ' ' || s.ptr[j] == '\t'))
			j++;
		if (j >= s.len || s.ptr[j] != '=')
			continue;
		j++;
		while (j < s.len && (s.ptr[j] == ' ' || s.ptr[j] == '"' || s.ptr[j] == '\''))
			j++;
		size_t k = 0;
		while (j < s.len && k < 31 && is_tok(s.ptr[j]))
			out[k++] = s.ptr[j++];
		out[k] = '\0';
		if (k > 0)
			return true;
	}
	return false;
}

static void detect(cg_slice body, const char *content_type, char cs[32])
{
	const unsigned char *u = (const unsigned char *)body.ptr;
	if (body.len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		memcpy(cs, "utf-8", 6);
		return;
	}
	if (body.len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		memcpy(cs, "utf-16le", 9);
		return;
	}
	if (body.len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		memcpy(cs, "utf-16be", 9);
		return;
	}
	if (content_type && find_charset(cg_slice_cstr(content_type), cs))
		return;
	cg_slice head = {body.ptr, body.len < 4096 ? body.len : 4096};
	if (find_charset(head, cs))
		return;
	memcpy(cs, "utf-8", 6);
}

static bool is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
	       strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0 ||
	       strcasecmp(cs, "unicode-1-1-utf-8") == 0;
}

static cg_err convert(iconv_t cd, cg_slice in, cg_buf *out)
{
	char *ip = (char *)in.ptr;
	size_t il = in.len;
	char chunk[16384];
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof chunk;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		int e = errno;
		cg_err err = cg_buf_append(out, chunk, sizeof chunk - ol);
		if (err)
			return err;
		if (r == (size_t)-1 && (e == EILSEQ || e == EINVAL)) {
			err = cg_buf_append(out, "\xEF\xBF\xBD", 3);
			if (err)
				return err;
			ip++;
			il--;
			iconv(cd, NULL, NULL, NULL, NULL);
		} else if (r == (size_t)-1 && e != E2BIG) {
			return CG_EPARSE;
		}
	}
	/* flush a stateful encoder */
	char *op = chunk;
	size_t ol = sizeof chunk;
	iconv(cd, NULL, NULL, &op, &ol);
	return cg_buf_append(out, chunk, sizeof chunk - ol);
}

cg_err cg_web_to_utf8(cg_slice body, const char *content_type, cg_buf *out, char charset[32],
                      bool *converted)
{
	detect(body, content_type, charset);
	*converted = false;
	if (!is_utf8_name(charset)) {
		iconv_t cd = iconv_open("UTF-8", charset);
		if (cd != (iconv_t)-1) {
			size_t mark = out->len;
			cg_err err = convert(cd, body, out);
			iconv_close(cd);
			if (err == CG_OK) {
				*converted = true;
				return CG_OK;
			}
			out->len = mark;
			if (out->ptr)
				out->ptr[mark] = '\0';
			if (err != CG_EPARSE)
				return err;
		}
	}
	/* skip a UTF-8 BOM; sanitize replaces invalid bytes */
	if (body.len >= 3 && memcmp(body.ptr, "\xEF\xBB\xBF", 3) == 0) {
		body.ptr += 3;
		body.len -= 3;
	}
	return cg_utf8_sanitize(out, body);
}

bool cg_web_is_html(cg_slice body, const char *content_type)
{
	if (memchr(body.ptr, '\0', body.len < 8192 ? body.len : 8192))
		return false; /* binary (UTF-16 pages carry NULs but are rare) */
	if (content_type) {
		return strncasecmp(content_type, "text/html", 9) == 0 ||
		       strncasecmp(content_type, "application/xhtml", 17) == 0;
	}
	size_t n = body.len < 1024 ? body.len : 1024;
	for (size_t i = 0; i + 1 < n; i++)
		if (body.ptr[i] == '<' &&
		    (body.ptr[i + 1] == '!' || body.ptr[i + 1] == 'h' || body.ptr[i + 1] == 'H'))
			return true;
	return false;
}
