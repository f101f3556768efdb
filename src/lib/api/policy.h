/*
 * policy.h - who may do what: the one authorization decision of the API.
 *
 * A caller is a kind (anonymous, a user of role admin/analyst/officer/
 * viewer, or an API token of scope ingest/read/agent/metrics) and an agency (0 =
 * province-wide). An action is done on a resource kind, and, once the
 * record is known, on a record of some agency and of some owner.
 * cg_policy() answers for every route (http.c calls it with the route's
 * action and resource before the handler, with the agency not known yet)
 * and again inside handlers once the record's agency or owner is known
 * (an officer's system in another agency, a DNS upload of someone else,
 * a finding filed into an agency). Nothing else in the server decides who
 * may do something: the route table has no auth column, and there is no
 * role test in a handler.
 *
 * The rules, in words (the table in policy.c is the reference, and
 * tests/unit/api/test_policy.c walks every combination):
 *  - anonymous: log in, the dashboard's files, agent enrolment (the
 *    one-time enrolment token in the body is the credential), and the
 *    public incident report form: take a proof-of-work challenge, send a
 *    report, read a report's state by its tracking code (the challenge
 *    and the code are the credentials, api/public_report.h);
 *  - every signed-in user reads the inventory, events, findings, agents
 *    and coverage (an officer: of their agency only) and manages their
 *    session; a read-scope token reads the same, no session;
 *  - admin: everything (users, API tokens and the audit log only them);
 *  - analyst: the province team; everything but users, tokens, audit;
 *    triage of every event (state, assignee, note) and suppression
 *    rules; incident cases of every agency;
 *  - officer: their own agency's systems, people, enrolment tokens, agent
 *    policy and agency record (not create or delete an agency, nor change
 *    the fields that map events to it), and DNS uploads for their
 *    agency's ranges, the triage of their agency's events, their
 *    suppression rules and their agency's incident cases; never
 *    another agency or none;
 *  - drills (diễn tập): every user and read token reads them (an officer:
 *    of their agency's systems); admin, analyst and officers record them
 *    (an officer for their own agency's systems only);
 *  - exposure scans: every user and read token reads the runs and
 *    findings (an officer: of their agency's systems); admin, analyst
 *    and officers start a scan of a system now (an officer: their own
 *    agency's systems only);
 *  - sharing (STIX export, the TAXII feeds): admin and analyst, and
 *    read-scope tokens (the national centre or a partner province pulls
 *    with one; a token bound to an agency gets that agency only); not
 *    officers or viewers: what leaves the province is the province
 *    team's decision; admins also make an intelligence source pull now;
 *  - periodic reports: every user and read token reads them (an officer:
 *    their agency's own reports, never the province's); admin, analyst
 *    and officers make one now (an officer: their agency's own);
 *  - viewer: reads only;
 *  - ingest token: sends events, and DNS logs (a provider account), within
 *    its agency when it is bound to one;
 *  - agent token: sends events, heartbeats, reads its policy and bundle;
 *    nothing else (no DNS uploads, no reads of the inventory);
 *  - metrics token (a Prometheus scraper's): reads GET /metrics and
 *    nothing else; the admin reads it too, no other role (the figures
 *    describe the whole province's server);
 *  - records with an owner (DNS uploads): only the owner, or an admin.
 */
#ifndef CG_POLICY_H
#define CG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cg_pol_kind {
	CG_POL_ANON = 0,
	CG_POL_ADMIN,
	CG_POL_ANALYST,
	CG_POL_OFFICER,
	CG_POL_VIEWER,
	CG_POL_TOKEN_INGEST,
	CG_POL_TOKEN_READ,
	CG_POL_TOKEN_AGENT,
	CG_POL_TOKEN_METRICS, /* a Prometheus scraper: GET /metrics only */
	CG_POL_NKINDS
} cg_pol_kind;

typedef enum cg_pol_action {
	CG_ACT_READ = 0,
	CG_ACT_CREATE,
	CG_ACT_UPDATE,
	CG_ACT_DELETE,
	CG_ACT_INGEST, /* send events */
	CG_ACT_UPLOAD, /* create, append to or analyse an upload */
	CG_ACT_NACTIONS
} cg_pol_action;

typedef enum cg_pol_resource {
	CG_PRES_DASHBOARD = 0, /* the embedded web files */
	CG_PRES_LOGIN,         /* POST /session */
	CG_PRES_SESSION,       /* the caller's own session */
	CG_PRES_ENROLMENT,     /* an agent enrolling with a one-time token */
	CG_PRES_OVERVIEW,
	CG_PRES_AGENCY,
	CG_PRES_AGENCY_MAPPING, /* an agency's ip_ranges, code, parent, kind:
	                           they decide which events map to it */
	CG_PRES_SYSTEM,
	CG_PRES_PERSON,
	CG_PRES_EVENT,
	CG_PRES_DNS_UPLOAD,
	CG_PRES_DNS_FINDINGS, /* infections per agency */
	CG_PRES_WEB,          /* portal-watch status and alerts */
	CG_PRES_USER,
	CG_PRES_TOKEN,
	CG_PRES_AUDIT,
	CG_PRES_ENROLL_TOKEN,
	CG_PRES_AGENT_SELF, /* an agent's own heartbeat, policy, bundle */
	CG_PRES_AGENT_POLICY,
	CG_PRES_ENDPOINT, /* agents and coverage */
	CG_PRES_JOB,      /* the background jobs' schedule and leases */
	CG_PRES_SUPPRESSION, /* rules that mark later false positives */
	CG_PRES_INCIDENT,    /* incident cases, their events and comments */
	CG_PRES_PUBLIC_REPORT, /* a citizen's report: its proof-of-work
	                          challenge, sending it, its tracking state */
	CG_PRES_DRILL,         /* incident-response drills on systems */
	CG_PRES_METRICS,       /* GET /metrics: counters and gauges of this server */
	CG_PRES_EXPOSURE,      /* exposure scans of systems and their findings */
	CG_PRES_SHARING,       /* findings shared outside: STIX export, TAXII; intelligence in */
	CG_PRES_COMPLIANCE,    /* the status of the compliance controls */
	CG_PRES_REPORT,        /* the periodic reports kept (report/archive.h) */
	CG_PRES_NRESOURCES
} cg_pol_resource;

/* The record's agency when it is not known yet (route level: "on some
 * record this caller may see"); 0 is "no agency" (province level). */
#define CG_POL_ANY_AGENCY (-1)

typedef enum cg_pol_owner {
	CG_POL_OWNER_NA = 0, /* the resource has no owner, or not known yet */
	CG_POL_OWNER_SELF,
	CG_POL_OWNER_OTHER,
} cg_pol_owner;

typedef struct cg_pol_who {
	cg_pol_kind kind;
	int64_t agency_id; /* 0 = province-wide; officers without one: -1 */
} cg_pol_who;

typedef enum cg_pol_verdict {
	CG_POL_ALLOW = 0,
	CG_POL_LOGIN,        /* anonymous: authentication required (401) */
	CG_POL_SESSION,      /* a token on a session-only route (401) */
	CG_POL_DENY,         /* not for this role or scope (403) */
	CG_POL_OTHER_AGENCY, /* the role may, not on this agency (403) */
	CG_POL_NOT_OWNER,    /* the record belongs to someone else (403/404) */
} cg_pol_verdict;

cg_pol_verdict cg_policy(const cg_pol_who *who, cg_pol_action act, cg_pol_resource res,
                         int64_t agency_id, cg_pol_owner owner);

/* Names for logs, `serve --routes` and tests. */
const char *cg_pol_kind_name(cg_pol_kind k);
const char *cg_pol_action_name(cg_pol_action a);
const char *cg_pol_resource_name(cg_pol_resource r);
/* A message for a refusal (English, for the API's "error"). */
const char *cg_pol_verdict_text(cg_pol_verdict v);

/* A one-word summary of who may do act on res (route level), for the
 * route table: "public", "read", "write", "admin", "user", "ingest",
 * "agent", "upload", "share", or the kinds joined by "+" when none fits. */
const char *cg_pol_summary(cg_pol_action act, cg_pol_resource res, char *buf, size_t n);

#endif
