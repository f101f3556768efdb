/*
 * match.h - a template request's matchers and extractors applied to one
 * HTTP response, and the small DSL of Nuclei's `dsl` matchers.
 *
 * A response is a status, the raw header block and the body (slices; the
 * "all" part is the two joined). Matching follows the template format:
 * each matcher's values combine with its `condition` (or by default), its
 * result is inverted by `negative`, and the request's matchers combine
 * with `matchers-condition`; internal matchers count but are not named.
 *
 * The DSL has numbers, strings, == != < <= > >= && || ! and parentheses,
 * the variables status_code, content_length, body, header / all_headers,
 * response / raw, and the helpers contains, contains_all, contains_any,
 * starts_with, ends_with, tolower, toupper, len, trim, regex. A name it
 * does not know is found when the template loads (cg_xdsl_check), so the
 * template is skipped naming it rather than evaluated wrongly.
 */
#ifndef CG_XP_MATCH_H
#define CG_XP_MATCH_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "template.h"

typedef struct cg_xresp {
	long status;
	cg_slice headers;
	cg_slice body;
} cg_xresp;

/* Whether the request's matchers accept the response; the names of the
 * (non-internal) named matchers that fired are appended to names (a JSON
 * array) when it is not NULL. A request with no matcher never matches. */
bool cg_xmatch(const cg_xreq *r, const cg_xresp *resp, json_t *names);
/* Extracted values (non-internal extractors) appended to out (a JSON
 * array of strings), at most CG_XP_MAX_EXTRACTED. */
void cg_xextract(const cg_xreq *r, const cg_xresp *resp, json_t *out);

/* Load-time check of a DSL expression: CG_OK, or an error with why
 * naming the unknown function or variable or the syntax problem. */
cg_err cg_xdsl_check(const char *expr, char *why, size_t n);
bool cg_xdsl_eval(const char *expr, const cg_xresp *resp);

/* A header's value from a raw header block (case-insensitive name), or
 * an empty slice with ptr NULL. */
cg_slice cg_xheader(cg_slice headers, const char *name);

#endif
