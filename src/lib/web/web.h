/*
 * web.h - the portal monitoring engine: `web baseline` and `web check`
 * as library calls, so the CLI and the server run the same code.
 *
 * cg_web_baseline fetches each URL CG_WEB_BASELINE_LOADS times as a
 * browser plus once as each crawler, learns what is stable and what
 * changes (analyze.h) and stores the baseline in the data directory.
 * cg_web_check fetches each URL now as a browser, as Googlebot, Bingbot
 * and Cốc Cốc's crawler and as a visitor from a Google result, compares
 * with the baseline, and hands every finding to `emit` as a cg_event
 * (source "web", subject the URL, kind one of the finding kinds below).
 * Per-URL problems that are not findings (no baseline, unreadable
 * baseline) go to `error`; the run carries on with the other URLs.
 *
 * Finding kinds: unreachable, timeout, http_status, tls_error, tls_expiry,
 * too_large, redirect, content_replaced, defacement, spam, hidden_links,
 * new_external_resource, cloaking, meta_spam, intel_domain.
 *
 * intel_domain (when opts.intel is given): the browser's redirects, a
 * crawler's, or a link, script, frame or other resource of a parsed page
 * (the markup's and the URLs its scripts write) lead to a name in the
 * threat-intelligence domain set (or below one); every match names the
 * listed domain and its source. The set is the caller's: the server's
 * watcher builds it from the store's active indicators before each check,
 * so an expired indicator stops matching. With a set, the browser's page
 * is parsed even when it is the baseline's: a page unchanged for months
 * can start linking to a domain listed today.
 */
#ifndef CG_WEB_WEB_H
#define CG_WEB_WEB_H

#include <stdbool.h>

#include "analyze.h"
#include "core/event.h"
#include "dns/domainset.h"
#include "fetch.h"

/* Threat-intelligence domains for intel_domain findings (borrowed). */
typedef struct cg_web_intel {
	const cg_dns_set *domains; /* listed names (match themselves and below) */
	const json_t *sources;     /* object: listed name -> source name(s) */
} cg_web_intel;

typedef struct cg_web_opts {
	cg_web_fetch_opts fetch;
	const cg_lexicons *lex;
	const char *data_dir;
	int loads;                 /* browser loads for a baseline */
	double replaced_below;     /* containment of stable text; default 0.35 */
	int expiry_days;           /* tls_expiry warning window; default 14 */
	bool render;               /* also compare the DOM Chromium renders */
	const char *chromium;      /* program for --render (NULL: "chromium") */
	const char *chromium_args; /* extra arguments for it, or NULL */
	const cg_web_intel *intel; /* NULL: no intel_domain findings */
} cg_web_opts;

void cg_web_opts_default(cg_web_opts *o);

typedef struct cg_web_sink {
	void (*emit)(const cg_event *ev, void *ctx);
	void (*error)(const char *url, const char *msg, void *ctx);
	/* baseline only: called once per stored baseline */
	void (*stored)(const char *url, const cg_baseline *b, void *ctx);
	/* check only (optional): called once per URL checked, after its
	 * findings, with the browser request (status, time_ms, fail) */
	void (*checked)(const char *url, const cg_web_req *browser, void *ctx);
	void *ctx;
} cg_web_sink;

cg_err cg_web_baseline(const char *const *urls, size_t n, const cg_web_opts *o,
                       const cg_web_sink *sink);
cg_err cg_web_check(const char *const *urls, size_t n, const cg_web_opts *o,
                    const cg_web_sink *sink);

/* Loads rules/web/spam-vi.txt and deface.txt from rules_dir plus any extra
 * spam lexicons. */
cg_err cg_web_lexicons_load(cg_lexicons *lx, const char *rules_dir, const char *const *extra,
                            size_t nextra, cg_buf *why);
void cg_web_lexicons_free(cg_lexicons *lx);

/* The detectors on already built views (exposed for the fuzz target and
 * unit tests): views[0] must be the browser view. */
typedef struct cg_web_subject {
	const char *url;
	const cg_web_req *reqs; /* one per view */
	const cg_view *views;
	size_t nviews;
	const cg_baseline *base;
} cg_web_subject;

void cg_web_detect(const cg_web_subject *s, const cg_web_opts *o, const cg_web_sink *sink);

#endif
