/*
 * template.h - checks as data: the HTTP subset of the Nuclei template
 * format, read with libyaml.
 *
 * Supported: id; info (name, severity, description, classification, tags,
 * metadata; other info keys are descriptive and kept out of the way);
 * http (or the older `requests`) with method GET/HEAD, path with
 * {{BaseURL}} {{RootURL}} {{Hostname}} {{Host}} {{Port}} {{Scheme}},
 * headers, raw GET/HEAD requests, redirects / host-redirects,
 * max-redirects, stop-at-first-match, max-size, matchers-condition;
 * matchers word, regex, status, size, binary, dsl with condition,
 * negative, part (body, header, all/response/raw), case-insensitive,
 * name, internal; extractors regex (group), kval, json (a path of keys
 * and indexes: .a.b[0]).
 *
 * Anything else (another protocol, payloads, a POST, a helper the DSL
 * does not know, a variable) makes the template *skipped*, and the
 * reason names the feature: a check is run whole or not at all. A file
 * that is not a template (bad YAML, no id, a wrong type) is an error
 * naming file:line; the caller goes on with the others.
 *
 * canhgac's own templates say which finding kind they produce with
 * info.metadata.canhgac-kind (exposed_file, directory_listing, ...);
 * others give "known_vulnerability" when their classification has a
 * cve-id, else "template_match".
 *
 * Ownership: cg_xtpl_load returns a template the caller frees with
 * cg_xtpl_free; everything inside belongs to it.
 */
#ifndef CG_XP_TEMPLATE_H
#define CG_XP_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/event.h"

typedef enum cg_xpart {
	CG_XPART_BODY,
	CG_XPART_HEADER,
	CG_XPART_ALL,
} cg_xpart;

typedef enum cg_xm_type {
	CG_XM_WORD,
	CG_XM_REGEX,
	CG_XM_STATUS,
	CG_XM_SIZE,
	CG_XM_BINARY,
	CG_XM_DSL,
} cg_xm_type;

typedef struct cg_xmatcher {
	cg_xm_type type;
	cg_xpart part;
	bool negative, cond_and, nocase, internal;
	char *name;
	char **vals; /* words, regex sources, decoded binary, dsl text */
	size_t *lens;
	size_t nvals;
	void **re;  /* pcre2_code per regex value */
	long *nums; /* status or size values */
	size_t nnums;
} cg_xmatcher;

typedef enum cg_xe_type {
	CG_XE_REGEX,
	CG_XE_KVAL,
	CG_XE_JSON,
} cg_xe_type;

typedef struct cg_xextractor {
	cg_xe_type type;
	cg_xpart part;
	char *name;
	bool internal, nocase;
	int group;
	char **vals;
	size_t nvals;
	void **re;
} cg_xextractor;

typedef struct cg_xreq {
	bool head;
	char **paths; /* with {{...}} placeholders, expanded per target */
	size_t npaths;
	char **hdrs; /* "Name: value" */
	size_t nhdrs;
	bool redirects;
	int max_redirects;
	bool stop_first;
	bool match_and; /* matchers-condition: and */
	cg_xmatcher *m;
	size_t nm;
	cg_xextractor *x;
	size_t nx;
} cg_xreq;

typedef struct cg_xtpl {
	char *file;
	char *id;
	char *name;
	char *description;
	char *tags;
	char *kind;
	cg_severity severity;
	json_t *classification; /* object, may be empty */
	cg_xreq *reqs;
	size_t nreqs;
	char skip[160]; /* non-empty: not run, this is why */
} cg_xtpl;

/* Parses one template from text (path names it in messages). Returns
 * CG_OK with *out set (possibly skipped, see skip), or an error with
 * *why = "FILE:LINE: reason" and *out NULL. */
cg_err cg_xtpl_parse(const char *path, cg_slice text, cg_xtpl **out, cg_buf *why);
cg_err cg_xtpl_load(const char *path, cg_xtpl **out, cg_buf *why);
void cg_xtpl_free(cg_xtpl *t);

/* Every *.yaml / *.yml below dir (sorted; dir may also be one file),
 * each loaded or reported: ok()
 * gets the loaded ones (and owns them), bad() the ones that did not
 * load. Errors only when dir itself cannot be read. */
cg_err cg_xtpl_load_dir(const char *dir, void (*ok)(cg_xtpl *t, void *ctx),
                        void (*bad)(const char *why, void *ctx), void *ctx, cg_buf *why);

#endif
