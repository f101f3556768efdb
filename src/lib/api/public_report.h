/*
 * public_report.h - a citizen's incident report from the public form
 * (/bao-cao-su-co): the request body is checked here, without HTTP, so
 * the rules are unit-tested and fuzzed on their own.
 *
 * Body (JSON): {what, address, when, contact?, screenshots?: [{name?,
 * data: base64}], website (the honeypot: a field people never see and
 * bots fill), challenge, nonce}. Text must be valid UTF-8 without control
 * characters (tabs and new lines allowed in `what`), within its limit
 * (limits.h CG_PR_*); `when` is RFC 3339 and not in the future; a
 * screenshot is at most CG_PR_MAX_SHOT_BYTES once decoded and must BE a
 * PNG or a JPEG by its first bytes (its name and any type a sender claims
 * are ignored). Text is kept as text: the dashboard and the tracking page
 * escape it where they show it.
 *
 * The report becomes an event (source "public_report", kind
 * "citizen_report") so it lands in the triage queue with everything else,
 * and a tracking record whose only public side is its state.
 *
 * Ownership: cg_public_report owns its strings and images;
 * cg_public_report_free releases them.
 */
#ifndef CG_API_PUBLIC_REPORT_H
#define CG_API_PUBLIC_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "api/pow.h"
#include "core/buf.h"
#include "core/event.h"
#include "core/limits.h"

/* "BC-" and 10 characters of an alphabet without look-alikes. */
#define CG_PR_CODE_LEN 13

typedef struct cg_pr_image {
	const char *type; /* "image/png" or "image/jpeg" (static) */
	unsigned char *data;
	size_t len;
} cg_pr_image;

typedef struct cg_public_report {
	char *what, *address, *contact; /* contact "" when not given */
	int64_t when_ms;
	cg_pr_image shot[CG_PR_MAX_SHOTS];
	int nshots;
	bool honeypot; /* the hidden field was filled: a bot */
	char challenge[CG_POW_CHALLENGE_LEN + 1];
	char nonce[CG_POW_MAX_NONCE + 1];
} cg_public_report;

typedef enum cg_pr_problem {
	CG_PR_OK = 0,
	CG_PR_BAD_FIELD, /* a field is missing, too long or not text: *field */
	CG_PR_BAD_IMAGE, /* a screenshot is not a PNG or a JPEG */
	CG_PR_BIG_IMAGE, /* a screenshot is over the size limit */
	CG_PR_NO_POW,    /* challenge or nonce missing or malformed */
} cg_pr_problem;

/* Parses and checks a body at now_ms. On a problem, *field names the
 * field (an API field name, static) and the result says what. */
cg_pr_problem cg_public_report_parse(cg_slice body, int64_t now_ms, cg_public_report *out,
                                     const char **field);
void cg_public_report_free(cg_public_report *r);

/* "image/png", "image/jpeg", or NULL: by the content's first bytes. */
const char *cg_image_sniff(const unsigned char *p, size_t n);

/* A new random tracking code, and whether text is one. */
void cg_public_report_code(char out[CG_PR_CODE_LEN + 1]);
bool cg_public_report_code_ok(cg_slice s);

/* The host of the affected address ("https://x.gov.vn/a" -> "x.gov.vn",
 * "http://[2001:db8::1]:8080/" -> "2001:db8::1", "10.1.2.3" as it is),
 * for routing the report to the agency whose ranges hold it. "" when it
 * has none or it does not fit. */
void cg_public_report_host(const char *address, char *out, size_t n);

/* The states a report goes through, as the tracking page shows them. */
const char *const *cg_public_report_states(void);

/* Fills ev (cg_event_init'ed by this call) for the triage queue: source
 * public_report, kind citizen_report, severity medium, subject the
 * affected address, summary the start of `what`, evidence {tracking_code,
 * what, when, contact, screenshots: [{sha256, size, type}]} (shots: the
 * blob hashes, in order, may be NULL when nshots is 0). */
cg_err cg_public_report_event(const cg_public_report *r, const char *code, const char (*shots)[65],
                              cg_event *ev);

#endif
