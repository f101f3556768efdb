/*
 * jsdecode.h - what inline JavaScript would navigate to, through the
 * obfuscation injected redirect scripts use.
 *
 * Not a JavaScript interpreter: a scanner that decodes every string
 * literal (\xHH, \uHHHH, \u{H..}, octal escapes), joins literals glued
 * with '+', decodes String.fromCharCode(...) lists, tries base64 (atob) on
 * literals that look like it, and reversed strings when the script calls
 * reverse(). URLs found in the decoded strings are candidates; the script
 * "navigates" when its code (escapes decoded) assigns location, calls
 * location.replace/assign, or carries "location" as a string (the
 * string-array trick: window[_0x[1]][_0x[2]] = ...). Injected markup
 * (document.write of <script src> / <iframe>) is reported separately.
 *
 * Ownership: results are owned by the cg_js_result; cg_js_result_free.
 */
#ifndef CG_WEB_JSDECODE_H
#define CG_WEB_JSDECODE_H

#include <stdbool.h>

#include "core/buf.h"

#define CG_JS_MAX_URLS 64

typedef struct cg_js_url {
	char *url;
	const char *how; /* "literal", "escapes", "concat", "base64", "fromCharCode", "reversed" */
	bool in_markup;  /* inside a "<script"/"<iframe" string */
} cg_js_url;

typedef struct cg_js_result {
	bool navigates;
	cg_js_url urls[CG_JS_MAX_URLS];
	int nurls;
} cg_js_result;

void cg_js_scan(cg_slice js, cg_js_result *out);
void cg_js_result_free(cg_js_result *r);

#endif
