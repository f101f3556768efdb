/*
 * sam.c - the judgement of Windows local accounts (see sam.h for the
 * findings), and the default-name list both audits share.
 *
 * Pure: accounts and the machine's policy in, findings out through the
 * same emit callback the Linux audit uses, so the agent spools both the
 * same way and the tests pin every decision with recorded accounts.
 */
#include "accounts/sam.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/timeutil.h"

#define DAY_S 86400LL

bool cg_acct_default_name(const char *n)
{
	static const char *const names[] = {
	    "admin",  "administrator", "test",   "testuser", "test1",   "guest",   "user", "user1",
	    "oracle", "demo",          "temp",   "tmp",      "support", "default", "ubnt", "pi",
	    "share",  "shared",        "public", "webadmin",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(n, names[i]) == 0)
			return true;
	return false;
}

typedef struct judge {
	const cg_acct_policy *p;
	cg_acct_emit_fn emit;
	void *ctx;
} judge;

/* Emits one finding; takes ownership of evidence. */
static void finding(judge *j, cg_severity sev, const char *kind, const char *subject,
                    json_t *evidence, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void finding(judge *j, cg_severity sev, const char *kind, const char *subject,
                    json_t *evidence, const char *fmt, ...)
{
	cg_event ev;
	if (cg_event_init(&ev)) {
		json_decref(evidence);
		return;
	}
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ev.severity = sev;
	ev.time_ms = j->p->now_ms;
	cg_event_set(&ev, CG_EV_SOURCE, CG_SLICE("accounts"));
	cg_event_set(&ev, CG_EV_KIND, cg_slice_cstr(kind));
	cg_event_set(&ev, CG_EV_SUBJECT, cg_slice_cstr(subject));
	cg_event_set(&ev, CG_EV_SUMMARY, cg_slice_cstr(line));
	json_object_update(ev.evidence, evidence);
	json_decref(evidence);
	j->emit(j->ctx, &ev);
	cg_event_clear(&ev);
}

static json_t *evidence(const cg_sam_account *a)
{
	return json_pack("{s:s,s:I,s:I,s:b,s:s}", "user", a->name, "rid", (json_int_t)a->rid,
	                 "flags", (json_int_t)a->flags, "admin", a->admin, "store", "sam");
}

static bool enabled(const cg_sam_account *a)
{
	return !(a->flags & CG_UF_ACCOUNTDISABLE);
}

static void judge_one(judge *j, const cg_sam_account *a, const cg_sam_machine *m)
{
	const char *n = a->name;
	int64_t now_s = j->p->now_ms / 1000;
	if (a->rid == CG_RID_GUEST)
		finding(j, CG_SEV_HIGH, "builtin_account_enabled", n, evidence(a),
		        "the built-in Guest account (%s) is enabled", n);
	else if (a->rid == CG_RID_ADMINISTRATOR)
		finding(j, CG_SEV_MEDIUM, "builtin_account_enabled", n, evidence(a),
		        "the built-in Administrator account (%s) is enabled", n);
	else if (cg_acct_default_name(n))
		finding(j, CG_SEV_MEDIUM, "default_account_name", n, evidence(a),
		        "enabled account with a default or shared name: %s", n);
	if (a->admin)
		finding(j, CG_SEV_LOW, "admin_account", n, evidence(a),
		        "account %s is a member of the local Administrators group", n);
	if (a->flags & CG_UF_PASSWD_NOTREQD)
		finding(j, CG_SEV_HIGH, "password_not_required", n, evidence(a),
		        "account %s may have an empty password (password not required)", n);
	bool never = (a->flags & CG_UF_DONT_EXPIRE_PASSWD) || m->max_password_age_s < 0;
	if (never) {
		json_t *e = evidence(a);
		json_object_set_new(e, "machine_max_age_days",
		                    m->max_password_age_s < 0
		                        ? json_null()
		                        : json_integer(m->max_password_age_s / DAY_S));
		finding(j, CG_SEV_LOW, "password_never_expires", n, e,
		        "password of %s never expires%s", n,
		        (a->flags & CG_UF_DONT_EXPIRE_PASSWD) ? "" : " (machine policy)");
	}
	int64_t age_d = a->password_age_s / DAY_S;
	if (a->password_age_s > 0 && age_d > j->p->max_age_days) {
		json_t *e = evidence(a);
		json_object_set_new(e, "password_age_days", json_integer(age_d));
		json_object_set_new(e, "max_age_days", json_integer(j->p->max_age_days));
		finding(j, CG_SEV_MEDIUM, "password_too_old", n, e,
		        "password of %s unchanged for %" PRId64 " days (policy: %d)", n, age_d,
		        j->p->max_age_days);
	}
	int64_t idle = a->last_logon_s > 0 ? (now_s - a->last_logon_s) / DAY_S : -1;
	if (a->last_logon_s >= 0 && (idle < 0 || idle > j->p->unused_days)) {
		json_t *e = evidence(a);
		char t[32] = "never";
		if (a->last_logon_s > 0)
			cg_time_format(a->last_logon_s * 1000, t, sizeof t);
		json_object_set_new(e, "last_login",
		                    a->last_logon_s > 0 ? json_string(t) : json_null());
		json_object_set_new(e, "unused_days", json_integer(j->p->unused_days));
		finding(j, CG_SEV_LOW, "account_unused", n, e,
		        "enabled account %s unused (last logon: %s)", n, t);
	}
}

void cg_sam_judge(const cg_sam_account *accts, size_t n, const cg_sam_machine *m,
                  const cg_acct_policy *policy, cg_acct_emit_fn emit, void *ctx)
{
	cg_acct_policy p = *policy;
	if (p.max_age_days <= 0)
		p.max_age_days = 90;
	if (p.unused_days <= 0)
		p.unused_days = 90;
	judge j = {&p, emit, ctx};
	json_t *on = json_array(), *admins = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!enabled(&accts[i]))
			continue;
		json_array_append_new(on, cg_json_cstr(accts[i].name));
		if (accts[i].admin)
			json_array_append_new(admins, cg_json_cstr(accts[i].name));
	}
	for (size_t i = 0; i < m->nother_admins; i++)
		json_array_append_new(admins, cg_json_cstr(m->other_admins[i]));
	size_t non = json_array_size(on), nadm = json_array_size(admins);
	finding(&j, CG_SEV_INFO, "enabled_accounts", "SAM",
	        json_pack("{s:o,s:o,s:I,s:o}", "enabled", on, "administrators", admins, "accounts",
	                  (json_int_t)n, "machine_max_age_days",
	                  m->max_password_age_s < 0 ? json_null()
	                                            : json_integer(m->max_password_age_s / DAY_S)),
	        "%zu enabled local accounts, %zu members of Administrators", non, nadm);
	for (size_t i = 0; i < n; i++)
		if (enabled(&accts[i]))
			judge_one(&j, &accts[i], m);
}
