/*
 * page.h - what canhgac sees in one HTML page: its text (visible and
 * hidden), title and meta fields, meta refresh, inline JavaScript, and
 * every script, iframe, embed, stylesheet and link with the host it points
 * to and whether it sits in hidden content.
 *
 * The bytes are first converted to UTF-8 (charset from the HTTP header, a
 * BOM or <meta charset>, converted with iconv; invalid sequences become
 * U+FFFD), then parsed with libxml2's forgiving HTML parser, which copes
 * with the tag soup real portals serve. Hidden-ness is computed from the
 * `hidden` attribute, inline styles, and simple class/id rules found in the
 * page's own <style> blocks (".x{display:none}"), inherited by descendants;
 * <noscript> counts as hidden (browsers with JS never show it).
 *
 * Ownership: cg_web_page owns everything in it; cg_web_page_free releases.
 */
#ifndef CG_WEB_PAGE_H
#define CG_WEB_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef enum cg_res_kind {
	CG_RES_SCRIPT = 0,
	CG_RES_IFRAME,
	CG_RES_EMBED, /* embed, object */
	CG_RES_STYLE, /* link rel=stylesheet */
	CG_RES_LINK,  /* a href */
	CG_RES_FORM,  /* form action */
	CG_RES_KIND_COUNT
} cg_res_kind;

typedef struct cg_web_res {
	cg_res_kind kind;
	char *url;          /* absolute */
	char *host;         /* lower case; NULL for non-network schemes */
	char *text;         /* anchor text (links), may be NULL */
	const char *hidden; /* why it is hidden (static string) or NULL */
} cg_web_res;

typedef struct cg_web_page {
	char charset[32];   /* the charset the bytes were declared in */
	bool converted;     /* iconv was used */
	cg_buf text;        /* visible text, whitespace collapsed */
	cg_buf hidden_text; /* text in hidden elements */
	cg_buf inline_js;   /* inline <script> bodies and on* handlers */
	char *title, *description, *keywords;
	char *refresh_url; /* meta refresh target, absolute, or NULL */
	cg_web_res *res;
	size_t nres, capres;
	bool res_truncated;
	/* look */
	size_t n_elements, n_images;
	bool dark_background; /* body/html bgcolor or background black-ish */
	bool marquee;         /* <marquee> or <blink> */
	bool autoplay_media;  /* <audio|video autoplay>, <bgsound> */
} cg_web_page;

/* Converts `body` (declared charset from content_type, may be NULL) to
 * UTF-8 into out; *charset gets the name used. */
cg_err cg_web_to_utf8(cg_slice body, const char *content_type, cg_buf *out, char charset[32],
                      bool *converted);

/* Parses a page fetched from base_url (for resolving relative links). */
cg_err cg_web_page_parse(cg_slice body, const char *content_type, const char *base_url,
                         cg_web_page *out);
void cg_web_page_free(cg_web_page *p);

/* Whether the body looks like HTML at all: a text/html or xhtml type, or
 * no type and markup in the first bytes. Binary (NUL bytes) never is. */
bool cg_web_is_html(cg_slice body, const char *content_type);

/* Lower-case host of an absolute http(s) URL into dst; false when none. */
bool cg_web_url_host(const char *url, char *dst, size_t dstsize);

#endif
