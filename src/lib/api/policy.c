/*
 * policy.c - see policy.h. The decision is a table: for each caller kind
 * and resource, the set of actions allowed; then two rules that hold for
 * every row: an agency-bound caller (an officer, a token bound to an
 * agency) acts only on records of its own agency, and a record with an
 * owner is for its owner (and admins) only. Keeping it a table makes it
 * easy to read against policy.h and to test exhaustively.
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#define R    (1u << CG_ACT_READ)
#define C    (1u << CG_ACT_CREATE)
#define U    (1u << CG_ACT_UPDATE)
#define D    (1u << CG_ACT_DELETE)
#define I    (1u << CG_ACT_INGEST)
#define UP   (1u << CG_ACT_UPLOAD)
#define CRUD (R | C | U | D)

/* Anyone, signed in or not. */
static bool public_res(cg_pol_action act, cg_pol_resource res)
{
	return (res == CG_PRES_DASHBOARD && act == CG_ACT_READ) ||
	       (res == CG_PRES_LOGIN && act == CG_ACT_CREATE) ||
	       (res == CG_PRES_ENROLMENT && act == CG_ACT_CREATE) ||
	       (res == CG_PRES_PUBLIC_REPORT && (act == CG_ACT_CREATE || act == CG_ACT_READ));
}

/* Read by every user and read-scope token. */
static bool readable(cg_pol_resource res)
{
	switch (res) {
	case CG_PRES_OVERVIEW:
	case CG_PRES_AGENCY:
	case CG_PRES_SYSTEM:
	case CG_PRES_PERSON:
	case CG_PRES_EVENT:
	case CG_PRES_DNS_FINDINGS:
	case CG_PRES_WEB:
	case CG_PRES_ENROLL_TOKEN:
	case CG_PRES_AGENT_POLICY:
	case CG_PRES_ENDPOINT:
	case CG_PRES_SUPPRESSION:
	case CG_PRES_INCIDENT:
	case CG_PRES_DRILL:
	case CG_PRES_EXPOSURE:
	case CG_PRES_COMPLIANCE:
	case CG_PRES_REPORT:
		return true;
	default:
		return false;
	}
}

/* Actions beyond reading, per kind and resource. */
static unsigned extra(cg_pol_kind k, cg_pol_resource res)
{
	switch (k) {
	case CG_POL_ADMIN:
		switch (res) {
		case CG_PRES_USER:
		case CG_PRES_TOKEN:
			return CRUD;
		case CG_PRES_AUDIT:
		case CG_PRES_JOB:
		case CG_PRES_METRICS:
			return R;
		case CG_PRES_SHARING: /* pull intelligence now */
			return R | U;
		default:
			break;
		}
		/* the rest as the analyst */
		__attribute__((fallthrough));
	case CG_POL_ANALYST:
		switch (res) {
		case CG_PRES_AGENCY:
		case CG_PRES_SYSTEM:
		case CG_PRES_PERSON:
			return CRUD;
		case CG_PRES_AGENCY_MAPPING:
			return U;
		case CG_PRES_EVENT: /* triage: state, assignee, note */
			return U;
		case CG_PRES_SUPPRESSION:
			return R | C | D;
		case CG_PRES_INCIDENT:
			return R | C | U;
		case CG_PRES_DNS_UPLOAD:
			return R | UP;
		case CG_PRES_ENROLL_TOKEN: /* and revoke */
			return R | C | D;
		case CG_PRES_AGENT_POLICY:
			return R | U;
		case CG_PRES_SESSION:
			return R | D;
		case CG_PRES_DRILL:
		case CG_PRES_EXPOSURE: /* start a scan now */
		case CG_PRES_COMPLIANCE: /* records of evidence */
		case CG_PRES_REPORT:
			return R | C;
		case CG_PRES_SHARING:
			return R;
		default:
			return 0;
		}
	case CG_POL_OFFICER:
		switch (res) {
		case CG_PRES_AGENCY: /* their own record; not create or delete */
			return R | U;
		case CG_PRES_SYSTEM:
		case CG_PRES_PERSON:
			return CRUD;
		case CG_PRES_EVENT: /* triage of their agency's events */
			return U;
		case CG_PRES_SUPPRESSION:
			return R | C | D;
		case CG_PRES_INCIDENT:
			return R | C | U;
		case CG_PRES_DNS_UPLOAD:
			return R | UP;
		case CG_PRES_ENROLL_TOKEN: /* and revoke */
			return R | C | D;
		case CG_PRES_AGENT_POLICY:
			return R | U;
		case CG_PRES_SESSION:
			return R | D;
		case CG_PRES_DRILL: /* their own agency's systems */
		case CG_PRES_EXPOSURE:
		case CG_PRES_COMPLIANCE: /* records of their own agency */
		case CG_PRES_REPORT: /* their own agency's reports */
			return R | C;
		default:
			return 0;
		}
	case CG_POL_VIEWER:
		return res == CG_PRES_SESSION ? R | D : 0;
	case CG_POL_TOKEN_READ: /* beyond what every reader reads */
		return res == CG_PRES_SHARING ? R : 0;
	case CG_POL_TOKEN_INGEST:
		return res == CG_PRES_EVENT ? I : res == CG_PRES_DNS_UPLOAD ? R | UP : 0;
	case CG_POL_TOKEN_AGENT:
		return res == CG_PRES_EVENT ? I : res == CG_PRES_AGENT_SELF ? R | U : 0;
	case CG_POL_TOKEN_METRICS:
		return res == CG_PRES_METRICS ? R : 0;
	default:
		return 0;
	}
}

static bool is_user(cg_pol_kind k)
{
	return k >= CG_POL_ADMIN && k <= CG_POL_VIEWER;
}

cg_pol_verdict cg_policy(const cg_pol_who *who, cg_pol_action act, cg_pol_resource res,
                         int64_t agency_id, cg_pol_owner owner)
{
	if ((unsigned)act >= CG_ACT_NACTIONS || (unsigned)res >= CG_PRES_NRESOURCES ||
	    (unsigned)who->kind >= CG_POL_NKINDS)
		return CG_POL_DENY;
	if (public_res(act, res))
		return CG_POL_ALLOW;
	if (who->kind == CG_POL_ANON)
		return CG_POL_LOGIN;
	if (res == CG_PRES_SESSION && !is_user(who->kind))
		return CG_POL_SESSION;
	unsigned allowed = extra(who->kind, res);
	if (readable(res) && who->kind != CG_POL_TOKEN_INGEST && who->kind != CG_POL_TOKEN_AGENT &&
	    who->kind != CG_POL_TOKEN_METRICS)
		allowed |= R;
	if (!(allowed & (1u << act)))
		return CG_POL_DENY;
	/* an agency-bound caller: its own agency only, never province-level
	 * records (agency 0) nor another agency's; an officer without an
	 * agency (-1) matches nothing but the route-level question */
	bool bound = who->kind == CG_POL_OFFICER || who->agency_id != 0;
	if (bound && agency_id != CG_POL_ANY_AGENCY &&
	    (who->agency_id <= 0 || agency_id != who->agency_id))
		return CG_POL_OTHER_AGENCY;
	if (owner == CG_POL_OWNER_OTHER && who->kind != CG_POL_ADMIN)
		return CG_POL_NOT_OWNER;
	return CG_POL_ALLOW;
}

const char *cg_pol_kind_name(cg_pol_kind k)
{
	static const char *const n[] = {"anonymous",   "admin",        "analyst",
	                                "officer",     "viewer",       "token:ingest",
	                                "token:read",  "token:agent",  "token:metrics"};
	_Static_assert(sizeof n / sizeof n[0] == CG_POL_NKINDS, "kind names");
	return (unsigned)k < CG_POL_NKINDS ? n[k] : "?";
}

const char *cg_pol_action_name(cg_pol_action a)
{
	static const char *const n[] = {"read", "create", "update", "delete", "ingest", "upload"};
	return (unsigned)a < CG_ACT_NACTIONS ? n[a] : "?";
}

const char *cg_pol_resource_name(cg_pol_resource r)
{
	static const char *const n[] = {"dashboard",    "login",  "session",        "enrolment",
	                                "overview",     "agency", "agency_mapping", "system",
	                                "person",       "event",  "dns_upload",     "dns_findings",
	                                "web",          "user",   "token",          "audit",
	                                "enroll_token", "agent",  "agent_policy",   "endpoint",
	                                "job",          "suppression",    "incident",
	                                "public_report", "drill", "metrics", "exposure", "sharing",
	                                "compliance", "report"};
	_Static_assert(sizeof n / sizeof n[0] == CG_PRES_NRESOURCES, "resource names");
	return (unsigned)r < CG_PRES_NRESOURCES ? n[r] : "?";
}

const char *cg_pol_verdict_text(cg_pol_verdict v)
{
	switch (v) {
	case CG_POL_ALLOW:
		return "allowed";
	case CG_POL_LOGIN:
		return "authentication required";
	case CG_POL_SESSION:
		return "no session: this route is for signed-in users";
	case CG_POL_DENY:
		return "not allowed for your role or token scope";
	case CG_POL_OTHER_AGENCY:
		return "outside your agency";
	case CG_POL_NOT_OWNER:
		return "this record belongs to another user";
	}
	return "not allowed";
}

const char *cg_pol_summary(cg_pol_action act, cg_pol_resource res, char *buf, size_t n)
{
	unsigned set = 0;
	for (int k = 0; k < CG_POL_NKINDS; k++) {
		cg_pol_who w = {(cg_pol_kind)k, 0};
		if (cg_policy(&w, act, res, CG_POL_ANY_AGENCY, CG_POL_OWNER_NA) == CG_POL_ALLOW)
			set |= 1u << k;
	}
#define K(x) (1u << CG_POL_##x)
	static const struct {
		unsigned set;
		const char *word;
	} words[] = {
	    {K(ADMIN) | K(ANALYST) | K(OFFICER) | K(VIEWER) | K(TOKEN_READ), "read"},
	    {K(ADMIN) | K(ANALYST) | K(OFFICER) | K(VIEWER), "user"},
	    {K(ADMIN) | K(ANALYST) | K(OFFICER), "write"},
	    {K(ADMIN) | K(ANALYST), "province"},
	    {K(ADMIN), "admin"},
	    {K(TOKEN_INGEST) | K(TOKEN_AGENT), "ingest"},
	    {K(TOKEN_AGENT), "agent"},
	    {K(ADMIN) | K(ANALYST) | K(OFFICER) | K(TOKEN_INGEST), "upload"},
	    {K(ADMIN) | K(TOKEN_METRICS), "metrics"},
	    {K(ADMIN) | K(ANALYST) | K(TOKEN_READ), "share"},
	};
#undef K
	if (set & (1u << CG_POL_ANON)) {
		snprintf(buf, n, "public");
		return buf;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (words[i].set == set) {
			snprintf(buf, n, "%s", words[i].word);
			return buf;
		}
	size_t len = 0;
	buf[0] = '\0';
	for (int k = 0; k < CG_POL_NKINDS; k++)
		if (set & (1u << k)) {
			int w = snprintf(buf + len, n - len, "%s%s", len ? "+" : "",
			                 cg_pol_kind_name((cg_pol_kind)k));
			if (w < 0 || (size_t)w >= n - len)
				break;
			len += (size_t)w;
		}
	if (!buf[0])
		snprintf(buf, n, "nobody");
	return buf;
}
