/*
 * accounts_win.c - cg_accounts_audit (accounts/accounts.h) on Windows: the
 * local accounts of the SAM, judged by accounts/sam.c.
 *
 * Reads, through the Net API (netapi32):
 *   NetUserEnum (level 0)          the local accounts' names
 *   NetUserGetInfo (level 3)       flags, RID, password age, last logon;
 *                                  level 1 where 3 is refused (no RID nor
 *                                  last logon: the RID then comes from the
 *                                  account's SID, the logon is not judged)
 *   NetLocalGroupGetMembers (2)    members of Administrators, found by its
 *                                  well-known SID (S-1-5-32-544) because
 *                                  the group's name is translated
 *                                  ("Administratoren", ...)
 *   NetUserModalsGet (level 0)     the machine's maximum password age
 * Members of Administrators are "DOMAIN\name": those whose DOMAIN is this
 * computer are local accounts; the others (domain users and groups) are
 * listed as such.
 *
 * There is no root prefix on Windows (an offline SAM hive is not read):
 * root must be NULL, "" or "/". state_dir is not used (SSH keys are a
 * Linux finding). A call that fails is reported through on_error and the
 * audit goes on with what it has.
 */
#include "accounts/accounts.h"

#include <windows.h>
#include <lm.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/sam.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "platform/wtext.h"

static void problem(cg_acct_error_fn on_error, void *ctx, const char *what, unsigned long code)
{
	if (!on_error)
		return;
	char msg[256];
	snprintf(msg, sizeof msg, "SAM: %s failed (error %lu)", what, code);
	on_error(ctx, msg);
}

static uint32_t rid_of_sid(PSID sid)
{
	if (!sid || !IsValidSid(sid))
		return 0;
	UCHAR n = *GetSidSubAuthorityCount(sid);
	return n ? (uint32_t)*GetSidSubAuthority(sid, n - 1u) : 0;
}

static uint32_t rid_by_name(const wchar_t *name)
{
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD sidlen = sizeof sid, domlen = 256;
	wchar_t dom[256];
	SID_NAME_USE use;
	if (!LookupAccountNameW(NULL, name, sid, &sidlen, dom, &domlen, &use))
		return 0;
	return rid_of_sid(sid);
}

/* One account: level 3, or level 1 where 3 is not served. */
static bool read_account(const wchar_t *wname, cg_sam_account *a)
{
	BYTE *buf = NULL;
	if (NetUserGetInfo(NULL, wname, 3, &buf) == NERR_Success && buf) {
		USER_INFO_3 *u = (USER_INFO_3 *)buf;
		a->rid = u->usri3_user_id;
		a->flags = u->usri3_flags;
		a->password_age_s = u->usri3_password_age;
		a->last_logon_s = u->usri3_last_logon;
		NetApiBufferFree(buf);
		return true;
	}
	if (NetUserGetInfo(NULL, wname, 1, &buf) == NERR_Success && buf) {
		USER_INFO_1 *u = (USER_INFO_1 *)buf;
		a->rid = rid_by_name(wname);
		a->flags = u->usri1_flags;
		a->password_age_s = u->usri1_password_age;
		a->last_logon_s = -1;
		NetApiBufferFree(buf);
		return true;
	}
	return false;
}

/* The localised name of Administrators. */
static bool admins_group(wchar_t name[256])
{
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD sidlen = sizeof sid, n = 256, dn = 256;
	wchar_t dom[256];
	SID_NAME_USE use;
	return CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &sidlen) &&
	       LookupAccountSidW(NULL, sid, name, &n, dom, &dn, &use);
}

typedef struct sam_read {
	cg_sam_account *accts;
	char **names;
	size_t n, cap;
	char **others;
	size_t nothers;
} sam_read;

static void read_admins(sam_read *r, cg_acct_error_fn on_error, void *ctx)
{
	wchar_t group[256], host[MAX_COMPUTERNAME_LENGTH + 1];
	DWORD hn = MAX_COMPUTERNAME_LENGTH + 1;
	if (!admins_group(group)) {
		problem(on_error, ctx, "finding the Administrators group", GetLastError());
		return;
	}
	if (!GetComputerNameW(host, &hn))
		host[0] = 0;
	BYTE *buf = NULL;
	DWORD got = 0, total = 0;
	NET_API_STATUS st =
	    NetLocalGroupGetMembers(NULL, group, 2, &buf, MAX_PREFERRED_LENGTH, &got, &total, NULL);
	if (st != NERR_Success) {
		problem(on_error, ctx, "NetLocalGroupGetMembers(Administrators)", st);
		return;
	}
	LOCALGROUP_MEMBERS_INFO_2 *m = (LOCALGROUP_MEMBERS_INFO_2 *)buf;
	r->others = calloc(got + 1u, sizeof *r->others);
	for (DWORD i = 0; r->others && i < got; i++) {
		const wchar_t *full = m[i].lgrmi2_domainandname;
		const wchar_t *bs = full ? wcschr(full, L'\\') : NULL;
		bool local = bs && host[0] && (size_t)(bs - full) == wcslen(host) &&
		             _wcsnicmp(full, host, (size_t)(bs - full)) == 0;
		char *n8 = cg_utf8_of_w(bs ? bs + 1 : full);
		bool matched = false;
		for (size_t k = 0; local && n8 && k < r->n; k++)
			if (_stricmp(r->names[k], n8) == 0)
				matched = r->accts[k].admin = true;
		free(n8);
		if (!matched && full)
			r->others[r->nothers++] = cg_utf8_of_w(full);
	}
	NetApiBufferFree(buf);
}

static cg_err read_users(sam_read *r, cg_acct_error_fn on_error, void *ctx)
{
	DWORD resume = 0;
	NET_API_STATUS st;
	do {
		BYTE *buf = NULL;
		DWORD got = 0, total = 0;
		st = NetUserEnum(NULL, 0, FILTER_NORMAL_ACCOUNT, &buf, MAX_PREFERRED_LENGTH, &got,
		                 &total, &resume);
		if (st != NERR_Success && st != ERROR_MORE_DATA) {
			problem(on_error, ctx, "NetUserEnum", st);
			return CG_EIO;
		}
		USER_INFO_0 *u = (USER_INFO_0 *)buf;
		for (DWORD i = 0; i < got && r->n < CG_MAX_ACCOUNTS; i++) {
			if (r->n == r->cap) {
				size_t cap = r->cap ? r->cap * 2 : 16;
				cg_sam_account *a = realloc(r->accts, cap * sizeof *a);
				char **nm = a ? realloc(r->names, cap * sizeof *nm) : NULL;
				if (a)
					r->accts = a;
				if (!nm) {
					NetApiBufferFree(buf);
					return CG_ENOMEM;
				}
				r->names = nm;
				r->cap = cap;
			}
			cg_sam_account a = {0};
			char *n8 = cg_utf8_of_w(u[i].usri0_name);
			if (!n8 || !read_account(u[i].usri0_name, &a)) {
				problem(on_error, ctx, "NetUserGetInfo", GetLastError());
				free(n8);
				continue;
			}
			r->names[r->n] = n8;
			a.name = n8;
			r->accts[r->n++] = a;
		}
		NetApiBufferFree(buf);
	} while (st == ERROR_MORE_DATA);
	return CG_OK;
}

cg_err cg_accounts_audit(const char *root, const char *state_dir, const cg_acct_policy *policy,
                         cg_acct_emit_fn emit, cg_acct_error_fn on_error, void *ctx)
{
	(void)state_dir;
	if (root && root[0] && strcmp(root, "/") != 0) {
		if (on_error)
			on_error(ctx, "SAM: a root prefix has no meaning on Windows (the running "
			              "system's accounts are audited)");
		return CG_EINVAL;
	}
	cg_acct_policy p = *policy;
	if (!p.now_ms)
		p.now_ms = cg_time_now_ms();
	sam_read r = {0};
	cg_err err = read_users(&r, on_error, ctx);
	if (!err) {
		read_admins(&r, on_error, ctx);
		cg_sam_machine m = {.max_password_age_s = 42 * 86400LL}; /* Windows' default */
		BYTE *buf = NULL;
		NET_API_STATUS st = NetUserModalsGet(NULL, 0, &buf);
		if (st == NERR_Success && buf) {
			DWORD max = ((USER_MODALS_INFO_0 *)buf)->usrmod0_max_passwd_age;
			m.max_password_age_s = max == TIMEQ_FOREVER ? -1 : (int64_t)max;
			NetApiBufferFree(buf);
		} else {
			problem(on_error, ctx, "NetUserModalsGet", st);
		}
		m.other_admins = (const char *const *)r.others;
		m.nother_admins = r.nothers;
		cg_sam_judge(r.accts, r.n, &m, &p, emit, ctx);
	}
	for (size_t i = 0; i < r.n; i++)
		free(r.names[i]);
	for (size_t i = 0; i < r.nothers; i++)
		free(r.others[i]);
	free(r.others);
	free(r.names);
	free(r.accts);
	return err;
}
