/*
 * compliance.h - the obligations of the directives and the law as data
 * (controls), and their status per agency, system and endpoint.
 *
 * A regime is a directory rules/compliance/REGIME/ of *.ini files (format
 * in docs/compliance.md): one [regime] section saying when the regime is
 * in force, and one [control ID] section per obligation: its titles and
 * explanations (vi, en), its legal basis (document, article, seed), what
 * it applies to, its period or deadline, the evidence that satisfies it,
 * how early to warn and who is told. A province edits a period or adds
 * its own file there; no code changes. The evaluation date picks the
 * regime whose [from, until] contains it.
 *
 * Evaluation is split in two so that it can be tested with a fixed clock
 * on hand-built fixtures:
 *   - cg_compliance_gather reads what canhgac knows (inventory, people,
 *     drills, agents, findings and records, incident cases) from the store
 *     into one JSON "facts" document (shape below);
 *   - cg_compliance_evaluate decides, from the controls, the holiday
 *     calendar (deadline/deadline.h) and the facts, one result per control
 *     and subject. This is the one place that decides compliance: the
 *     command, the API and the reports call it.
 *
 * Timing (local days, Vietnam time):
 *   - "period = 6m": due = the last evidence's date + the period; no
 *     evidence at all is missing_evidence.
 *   - "due = MM-DD" (yearly): evidence dated after the previous yearly
 *     deadline's cycle began satisfies it; a yearly deadline passed with no
 *     evidence in its cycle is overdue.
 *   - "due = YYYY-MM-DD" (once): any evidence satisfies it; none is
 *     overdue after the date, missing_evidence before.
 *   - neither: a standing requirement (ok when the evidence holds).
 * A due date on a weekend or public holiday moves to the next working day
 * (Civil Code 2015 Art. 148). due_soon: within `warn` days of the due
 * date. Evidence that shows a breach (open state-secret findings, agents
 * missing, an incident report past its deadline) is overdue.
 *
 * Ownership: cg_compliance_rules holds everything in itself and needs no
 * freeing; it is large (allocate it, not on a small stack).
 */
#ifndef CG_COMPLIANCE_H
#define CG_COMPLIANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"
#include "deadline/deadline.h"
#include "store/store.h"

typedef enum cg_subject_type {
	CG_SUBJ_AGENCY = 0,
	CG_SUBJ_SYSTEM,
	CG_SUBJ_ENDPOINT,
} cg_subject_type;

/* What satisfies a control (the "evidence" key). */
typedef enum cg_evidence_kind {
	CG_EV_DOSSIER_APPROVED = 0, /* system: classification dossier approved */
	CG_EV_VULN_SCAN,            /* system: exposure/vulnerability scan findings */
	CG_EV_DRILL,                /* system: a drill record */
	CG_EV_RECORD,               /* agency or system: a record of a kind */
	CG_EV_CONTACT_POINT,        /* agency: a contact point with phone or e-mail */
	CG_EV_CONTACT_PUBLISHED,    /* agency: ... published on its portal */
	CG_EV_RESPONSE_TEAM,        /* agency: a responsible officer named */
	CG_EV_AV_COVERAGE,          /* agency: agents >= declared endpoints */
	CG_EV_SECRETS_CLEAN,        /* agency: no open state-secret finding */
	CG_EV_ACCOUNTS_AUDIT,       /* agency: an account audit's findings */
	CG_EV_INCIDENT_REPORTS,     /* agency: initial reports within deadline */
	CG_EV_AGENT_SEEN,           /* endpoint: its agent is not offline */
	CG_EV_COUNT
} cg_evidence_kind;

typedef enum cg_cstatus {
	CG_CS_OK = 0,
	CG_CS_DUE_SOON,
	CG_CS_OVERDUE,
	CG_CS_MISSING_EVIDENCE,
	CG_CS_NOT_APPLICABLE,
	CG_CS_COUNT
} cg_cstatus;

typedef struct cg_control {
	char id[CG_COMPLIANCE_MAX_NAME];
	char title_vi[CG_COMPLIANCE_MAX_TEXT], title_en[CG_COMPLIANCE_MAX_TEXT];
	char explain_vi[CG_COMPLIANCE_MAX_TEXT], explain_en[CG_COMPLIANCE_MAX_TEXT];
	char document[CG_COMPLIANCE_MAX_TEXT]; /* "Nghị định 85/2016/NĐ-CP" */
	char article[CG_COMPLIANCE_MAX_TEXT];  /* "Điều 20" */
	char seed[CG_COMPLIANCE_MAX_NAME];     /* "004" */
	cg_subject_type applies;
	unsigned system_kinds; /* bit per schema system kind; 0 = any */
	unsigned agency_kinds; /* bit per schema agency kind; 0 = any */
	int min_level, max_level;
	cg_evidence_kind evidence;
	char record_kind[CG_COMPLIANCE_MAX_NAME]; /* for CG_EV_RECORD */
	int period_months, period_days;           /* 0/0: no period */
	int due_month, due_mday;                  /* yearly deadline; 0 = none */
	int32_t due_once;                         /* one-time deadline day; INT32_MIN = none */
	int warn_days;
	char notify[CG_COMPLIANCE_MAX_NOTIFY][CG_COMPLIANCE_MAX_NAME];
	int n_notify;
	bool pending_decree; /* details wait for the implementing decree */
	char file[CG_COMPLIANCE_MAX_NAME];
	int line;
} cg_control;

typedef struct cg_compliance_rules {
	char regime[CG_COMPLIANCE_MAX_NAME];
	char title_vi[CG_COMPLIANCE_MAX_TEXT], title_en[CG_COMPLIANCE_MAX_TEXT];
	int32_t from_day, until_day; /* in force [from, until]; INT32_MIN/MAX open */
	cg_control control[CG_COMPLIANCE_MAX_CONTROLS];
	int n_control;
} cg_compliance_rules;

/* Parses one file into out (appending its controls; a [regime] section
 * sets the regime). name is used in errors: "NAME:LINE: reason" in *why
 * (optional), CG_EPARSE or CG_ETOOBIG. Clear *out (cg_compliance_init)
 * before the first file. */
void cg_compliance_init(cg_compliance_rules *out);
cg_err cg_compliance_parse(cg_slice text, const char *name, cg_compliance_rules *out, cg_buf *why);
/* Loads the regime in directory dir: every *.ini file in name order; a
 * regime without a [regime] section or without controls is an error. */
cg_err cg_compliance_load_regime(const char *dir, cg_compliance_rules *out, cg_buf *why);
/* Loads from base (the directory holding the regime directories; NULL =
 * the shipped rules/compliance) the regime named `regime`, or, when it is
 * NULL, the one in force on local day `day`. Every regime directory is
 * parsed, so an error in any of them is reported. CG_ENOTFOUND with *why
 * when no regime matches. */
cg_err cg_compliance_load(const char *base, const char *regime, int32_t day,
                          cg_compliance_rules *out, cg_buf *why);

/* Names as written in files and JSON. */
const char *cg_cstatus_name(cg_cstatus s);
const char *cg_subject_type_name(cg_subject_type t);
const char *cg_evidence_kind_name(cg_evidence_kind k);

/*
 * The facts, as cg_compliance_gather writes them (tests build them by
 * hand). Dates are "YYYY-MM-DD" (Vietnam date) or absent.
 * {"agencies": [{"id", "name", "kind", "declared_endpoints", "agents",
 *                "people": [{"role", "phone", "email", "published_on_portal"}],
 *                "open_secrets": N,
 *                "last": {"accounts_audit": DATE, "record:KIND": DATE},
 *                "incidents": [{"id", "number", "detected_at", "reported_at"}],
 *                "portal_checks": [{"url", "state" ("published", "not_found",
 *                                  "fetch_failed"), "date", "found", "error"}]}],
 *  "systems":  [{"id", "agency_id", "name", "kind", "level", "dossier_status",
 *                "dossier_dates": {"approved": DATE|null, ...},
 *                "last": {"vuln_scan": DATE, "drill": DATE, "record:KIND": DATE}}],
 *  "endpoints": [{"agent_id", "agency_id", "host", "offline": bool}]}
 * incidents' times are RFC 3339 text (the case record's).
 */
cg_err cg_compliance_gather(cg_store *st, const cg_scope *scope, int64_t now_ms, json_t **facts);

/*
 * One result per control and subject, in control order then subject
 * order: {"type":"control", "control", "title", "title_en", "subject_type",
 * "subject_id", "subject_name", "agency_id", "status", "due" (DATE|null),
 * "legal_basis", "seed", "evidence" (text), "link" (dashboard path|null),
 * "explain", "explain_en", "notify": [...], "awaiting_decree": bool}.
 * cal gives the working days (NULL: weekends Saturday/Sunday only). today
 * is a local day number. *results is a new array.
 */
cg_err cg_compliance_evaluate(const cg_compliance_rules *r, const cg_deadline_rules *cal,
                              const json_t *facts, int32_t today, json_t **results);

/* {"type":"summary", "regime", "at", "counts": {status: n}, "percent"
 * (province, null when nothing applies), "agencies": [{"agency_id",
 * "name", "percent", "counts"}]}: percent = (ok + due_soon) / (all but
 * not_applicable), rounded down. */
json_t *cg_compliance_summary(const cg_compliance_rules *r, const json_t *facts,
                              const json_t *results, int32_t today);
/* The results with a due date in [today, today + days], by due date. */
json_t *cg_compliance_calendar(const json_t *results, int32_t today, int days);
/* The reminders the results call for: [{id, result}] for each result
 * that is due_soon or overdue. The id ("cmp-" and 32 hex digits, an event
 * id) is a digest of the control, the subject, the due date and the
 * status: the reminder job stores each reminder as an event with that id
 * and tells people only when the store did not have it, so a subject is
 * reminded once when its control becomes due soon, once when it becomes
 * overdue, and again for its next due date. */
json_t *cg_compliance_reminders(const json_t *results);
/* Whether a result needs action (overdue or missing_evidence): the
 * command's exit status 1. */
bool cg_compliance_needs_action(const json_t *result);

/* Everything the dashboard and the reports show, in one call: loads the
 * shipped holiday calendar and the regime (`regime`, or the one in force
 * on the evaluation day), gathers the facts within scope and evaluates
 * them on `at` ("YYYY-MM-DD", as of the end of that day) or, when at is
 * NULL, on the day of now_ms. Returns {"summary", "calendar" (next 90
 * days), "results", "controls": [{id, title, title_en, applies,
 * legal_basis, explain, explain_en, awaiting_decree, evidence, record_kind (for
 * record evidence)}]}. The monthly and
 * annual reports call it for their compliance section; GET
 * /api/v1/compliance returns it. CG_EINVAL for a bad `at`,
 * CG_ENOTFOUND for no such regime, a parse error of a rule file (all with
 * *why). */
cg_err cg_compliance_report_section(cg_store *st, const cg_scope *scope, const char *regime,
                                    const char *at, int64_t now_ms, json_t **out, cg_buf *why);

/* A record of evidence as the API takes it: {kind (a-z, 0-9, _: the
 * `record KIND` of the controls), date (YYYY-MM-DD, Vietnam, not after
 * today at now_ms), agency_id, system_id (or null: the agency's own
 * record), assessor, note (optional text)}. *out is the clean record;
 * CG_EINVAL with *field naming the bad field. */
cg_err cg_compliance_record_normalize(const json_t *in, int64_t now_ms, json_t **out,
                                      const char **field);
/* The source of the portal watcher's contact checks (server/
 * portal_contact.h): kind "published", "not_found" or "fetch_failed". */
#define CG_COMPLIANCE_CONTACT_SOURCE "portal_contact"
/* The producer of the record events that carry a file: only the upload
 * route (server/api_compliance.c) stores events as it, so a file named by
 * a record of another producer is never served. */
#define CG_COMPLIANCE_FILE_PRODUCER "server:compliance"
/* The event that stores a normalized record (source "record", a new
 * random id, time the record's date at noon in Vietnam, subject given). */
cg_err cg_compliance_record_event(const json_t *rec, const char *subject, cg_event *ev,
                                  cg_buf *why);

/* "YYYY-MM-DD" -> local day number; false when not a real date. */
bool cg_compliance_parse_day(cg_slice s, int32_t *day);
/* Local day number -> "YYYY-MM-DD" into out[11]. */
void cg_compliance_format_day(int32_t day, char out[11]);

#endif
