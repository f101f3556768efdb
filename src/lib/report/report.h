/*
 * report.h - the province's periodic security reports (MISSION R9): the
 * period, the figures read from the store for it and for the period
 * before, the recommendations that follow from them (rules as data), and
 * the document (report/doc.h) that says all of it in Vietnamese or
 * English.
 *
 * Every figure comes from the events of the period, read through the
 * store interface page by page (so both backends give the same report),
 * and the inventory; one function computes them (cg_report_collect) and
 * the document, the XLSX cells and the tests all read that one struct.
 * Figures for which the store holds no data yet (portal availability
 * between failures, the regulated reports a case does not record) are not
 * invented: their section says in a sentence that the data does not exist
 * yet.
 *
 * Incident cases count in the period they were detected in (detected_at,
 * which the team may set to the past, unlike the case's creation time);
 * a case counts as closed in the period its closed_at falls in. Whether a
 * regulated report was on time is decided by deadline/deadline.h alone
 * (cg_deadline_clocks), at the time the report is made, for the rules
 * a case's moments (api/incident_clocks.h cg_inc_facts) start: the
 * initial report (Mẫu 03), the closing report (Mẫu 04) and the immediate
 * escalation of a case on a level 3+ system or touching state secrets.
 */
#ifndef CG_REPORT_REPORT_H
#define CG_REPORT_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "deadline/deadline.h"
#include "report/doc.h"
#include "store/store.h"

typedef enum cg_report_kind {
	CG_REPORT_MONTHLY,
	CG_REPORT_SEMIANNUAL,
	CG_REPORT_ANNUAL,
	CG_REPORT_INCIDENTS,
} cg_report_kind;

typedef struct cg_period {
	int64_t from_ms, to_ms; /* [from, to), UTC */
	char name[16];          /* "2026-11", "2026-H2", "2026" */
	int year, month, half;  /* month 1-12 or 0; half 1-2 or 0 */
} cg_period;

cg_err cg_report_kind_parse(const char *s, cg_report_kind *k);
/* The period named by text for kind ("2026-11" monthly, "2026-H2"
 * semiannual, "2026" annual, "2026-H2" or "2026" incidents) and the one
 * before it, of the same length. */
cg_err cg_period_parse(cg_report_kind kind, const char *text, cg_period *cur, cg_period *prev);

#define CG_REPORT_MAX_AGENCIES 512
#define CG_REPORT_MAX_BUCKETS  27 /* weeks of a month, months of a year */
#define CG_REPORT_INC_KINDS    16 /* room for api/incident.h cg_inc_kinds */

typedef struct cg_agency_figs {
	int64_t id;
	char name[256];
	int64_t declared; /* endpoints the agency declared */
	int64_t events;
	int64_t malware_hosts, dns_hosts, secret_docs, web_findings;
	int64_t infected_hosts; /* malware_hosts + dns_hosts (store/infection.h) */
	double infection_index; /* store/infection.h cg_infection_index */
} cg_agency_figs;

typedef struct cg_report_figs {
	int64_t events, by_sev[5];
	int64_t defacements, spam, outages, web_urls;
	int64_t web_longest_s; /* the longest a finding kept being seen on one URL */
	int64_t webshells, malware_events, malware_hosts;
	int64_t secret_docs, secret_hosts;
	int64_t dns_events, dns_hosts;
	int64_t account_findings;
	int64_t systems, systems_approved, portals;
	/* incident cases: detected in the period, by kind (the index of
	 * cg_inc_kinds) and severity; closed in the period; still open at
	 * its end */
	int64_t inc_opened, inc_closed, inc_open_end;
	int64_t inc_kind[CG_REPORT_INC_KINDS], inc_sev[5];
	/* the regulated reports of the cases detected in the period, by clock
	 * state (cg_clock_state: running, overdue, met, late), told apart by
	 * the moment that stops the rule's clock: the initial report (Mẫu
	 * 03), the closing report (Mẫu 04, its clock starts when the response
	 * ended) and the immediate escalation (level 3+ or state secrets) */
	int64_t inc_reports[4];
	int64_t inc_closing[4];
	int64_t inc_escalations[4];
	size_t nbuckets;
	int64_t bucket_sev[CG_REPORT_MAX_BUCKETS][5];
	size_t nagencies;
	cg_agency_figs agencies[CG_REPORT_MAX_AGENCIES];
} cg_report_figs;

/* Reads the figures of period p for scope (an agency's own report when
 * scope->agency_id > 0). monthly buckets are weeks, others months. The
 * regulated reports' clocks are read with rules at now_ms (rules NULL:
 * not counted). */
cg_err cg_report_collect(cg_store *st, const cg_scope *scope, cg_report_kind kind,
                         const cg_period *p, const cg_deadline_rules *rules, int64_t now_ms,
                         cg_report_figs *f, cg_buf *why);

/* A figure by its name in the recommendation rules ("defacements", ...);
 * false for an unknown name. */
bool cg_report_figure(const cg_report_figs *f, const char *name, int64_t *v);

/* One recommendation: when FIGURE >= MIN, say the text. */
typedef struct cg_reco {
	char figure[32];
	int64_t min;
	char vi[512], en[512];
} cg_reco;

/* Parses recommendation rules: one a line, tab-separated
 * "FIGURE  MIN  VIETNAMESE  ENGLISH"; '#' comments. Errors name
 * file:line in why. */
cg_err cg_reco_parse(cg_slice text, const char *file, cg_reco *out, size_t max, size_t *n,
                     cg_buf *why);

typedef struct cg_report_meta {
	const char *province; /* "LAI CHÂU" */
	const char *place;    /* "Lai Châu", in the place and date line */
	const char *issuer;   /* "SỞ KHOA HỌC VÀ CÔNG NGHỆ" */
	const char *signer_role, *signer_name, *signed_by;
	const char *agency_name; /* an agency's own report */
	bool english;
	int64_t now_ms;
	/* The compliance section (compliance.h cg_compliance_report_section's
	 * result) of a periodic report, or NULL with compliance_error saying
	 * why it could not be evaluated; both NULL: no compliance section
	 * (the incident report). */
	const json_t *compliance;
	const char *compliance_error;
} cg_report_meta;

/* The compliance section's body (after its heading): the province's
 * status, a table per agency and the obligations overdue or due soon,
 * from section (NULL: one sentence saying why, from failed). Tables are
 * numbered on from *tables. */
cg_err cg_report_compliance_section(cg_doc *d, bool english, int *tables, const json_t *section,
                                    const char *failed);

/* The report as a document. */
cg_err cg_report_build(cg_report_kind kind, const cg_period *cur, const cg_period *prev,
                       const cg_report_figs *now, const cg_report_figs *before,
                       const cg_reco *recos, size_t nrecos, const cg_report_meta *m, cg_doc **out);

#endif
