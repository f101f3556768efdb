/*
 * versions.h - software versions from what a site or service shows, and
 * what is known about them.
 *
 * Fingerprints come from the base page of each site (Server and
 * X-Powered-By headers, the CMS's generator meta tag) and from service
 * banners (OpenSSH). Each product has one row in versions.c's table with
 * its CPE vendor:product, so a version can be looked up in an offline
 * vulnerability feed the user provides: NVD's CVE JSON 2.0 files and
 * CISA's Known Exploited Vulnerabilities catalogue (JSON). A feed match
 * gives known_vulnerability naming the CVEs, the highest CVSS and whether
 * one is known exploited. Without a feed, a shipped list of the oldest
 * still-supported version of each product (rules/exposure/versions.json,
 * dated) gives outdated_software.
 *
 * Ownership: a cg_xfeed owns its entries; cg_xfeed_free frees them.
 */
#ifndef CG_XP_VERSIONS_H
#define CG_XP_VERSIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_xsw {
	char product[24]; /* "nginx", "apache", "iis", "php", "wordpress", ... */
	char version[32];
	char source[32]; /* "Server header", "generator meta", "SSH banner" */
} cg_xsw;

/* Versions shown by a page; returns how many were written (<= max). */
int cg_xver_from_http(cg_slice headers, cg_slice body, cg_xsw *out, int max);
/* The version in a service banner ("SSH-2.0-OpenSSH_9.2p1 ..."), or 0. */
int cg_xver_from_banner(cg_slice banner, cg_xsw *out);
/* Dotted numeric comparison ("9.2p1" < "9.10"): <0, 0, >0. */
int cg_xver_cmp(const char *a, const char *b);
/* "cpe:2.3:a:f5:nginx" for a product, or NULL. */
const char *cg_xver_cpe(const char *product);

typedef struct cg_xcve {
	char id[24];
	double cvss;
	char vendor_product[96]; /* "f5:nginx" */
	char version[32];        /* exact version, or "*" with a range */
	char start[32], end[32];
	bool start_incl, end_incl;
} cg_xcve;

typedef struct cg_xfeed {
	cg_xcve *v;
	size_t n, cap;
	char **kev; /* sorted CVE ids */
	size_t nkev;
	json_t *outdated; /* versions.json */
	char outdated_date[16];
} cg_xfeed;

cg_err cg_xfeed_load_nvd(cg_xfeed *f, const char *path, cg_buf *why);
/* The same from text in memory (the fuzz target's entry). */
cg_err cg_xfeed_parse_nvd(cg_xfeed *f, cg_slice text, cg_buf *why);
cg_err cg_xfeed_load_kev(cg_xfeed *f, const char *path, cg_buf *why);
cg_err cg_xfeed_load_outdated(cg_xfeed *f, const char *path, cg_buf *why);
void cg_xfeed_free(cg_xfeed *f);

/* The finding about one fingerprinted version, if any: with CVE entries
 * loaded, known_vulnerability (evidence: cves, cvss, kev); else, with
 * the shipped list, outdated_software. NULL when nothing is known. The
 * evidence is new (the caller owns it). */
const char *cg_xver_verdict(const cg_xfeed *f, const cg_xsw *sw, cg_severity *sev, char *summary,
                            size_t n, json_t **evidence);

#endif
