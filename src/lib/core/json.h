/*
 * json.h - JSON for canhgac: jansson (Debian's libjansson) for the document
 * model and parsing, plus our own string encoder for the one thing jansson
 * will not do, which is take hostile bytes.
 *
 * jansson refuses invalid UTF-8, and attacker text (a defaced page, a log
 * line, a file name) is often exactly that. So every string that comes from
 * outside goes through cg_json_str() (or cg_json_quote() when writing JSON
 * text directly): invalid sequences and NUL become U+FFFD, control
 * characters are escaped, and so are < > & U+2028 U+2029, which makes the
 * output safe to embed in HTML and JavaScript as well. Valid Vietnamese
 * text is written as UTF-8, unescaped.
 */
#ifndef CG_JSON_H
#define CG_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"

/* True when s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool cg_utf8_valid(cg_slice s);
/* Length of the valid UTF-8 sequence at s[0], or 0 when it is invalid. */
size_t cg_utf8_seq_len(const unsigned char *s, size_t avail);
/* Appends s to out with invalid sequences and NUL replaced by U+FFFD. */
cg_err cg_utf8_sanitize(cg_buf *out, cg_slice s);

/* Appends s as a quoted JSON string literal (see the header comment). */
cg_err cg_json_quote(cg_buf *out, cg_slice s);
/* A new jansson string from any bytes; NULL only when out of memory. */
json_t *cg_json_str(cg_slice s);
static inline json_t *cg_json_cstr(const char *s)
{
	return cg_json_str(cg_slice_cstr(s ? s : ""));
}
/* Appends the compact JSON text of v, strings encoded as cg_json_quote.
 * Fails with CG_ETOOBIG past the buffer's maximum. */
cg_err cg_json_encode(cg_buf *out, const json_t *v);
/* How deep v nests: 0 for a scalar or an empty container, 1 + the deepest
 * member otherwise; stops counting at cap (returns cap). cg_json_encode
 * refuses a value whose depth is over CG_MAX_JSON_DEPTH, counting the
 * levels of whatever it is embedded in. */
int cg_json_depth(const json_t *v, int cap);
/* Parses one JSON document; on failure *why gets "line L, column C: text". */
cg_err cg_json_parse(cg_slice text, json_t **out, cg_buf *why);

/* Member helpers: the string value of key, or NULL when absent or not a
 * string. */
const char *cg_json_get_str(const json_t *obj, const char *key);

#endif
