/*
 * sam.h - the judgement of Windows local accounts (the SAM), kept apart
 * from reading them so it is tested on Linux and under Wine with recorded
 * accounts; platform/accounts_win.c reads the SAM (NetUserEnum,
 * NetUserGetInfo, NetLocalGroupGetMembers, NetUserModalsGet) and calls
 * cg_sam_judge.
 *
 * Findings (source "accounts", like the Linux audit; the same kind where
 * the meaning is the same):
 *
 *   enabled_accounts         info      one per audit: the enabled accounts
 *                                      and the members of Administrators
 *   builtin_account_enabled  high      Guest (RID 501) enabled
 *                            medium    Administrator (RID 500) enabled
 *   admin_account            low       an enabled account in the local
 *                                      Administrators group (the Windows
 *                                      side of Linux's uid0/sudo_all)
 *   password_not_required    high      enabled, UF_PASSWD_NOTREQD (Linux's
 *                                      empty_password is a fact, this a
 *                                      permission: a blank password may
 *                                      be set)
 *   password_too_old         medium    as on Linux: the password's age over
 *                                      the agent policy's max_age_days
 *   password_never_expires   low       as on Linux: UF_DONT_EXPIRE_PASSWD,
 *                                      or the machine's maximum age is
 *                                      "never" (NetUserModalsGet)
 *   default_account_name     medium    as on Linux, for enabled accounts
 *                                      other than the built-in ones
 *   account_unused           low       as on Linux: enabled, no logon for
 *                                      unused_days (or never)
 *
 * Only enabled accounts (not UF_ACCOUNTDISABLE) are judged: a disabled
 * account cannot log in, Linux's "login-capable". Linux kinds with no
 * Windows meaning (uid0_account, duplicate_uid, sudo_*, authorized_key_*,
 * failed_login_burst) are not produced; failed logons are in the
 * Security event log, which this audit does not read.
 */
#ifndef CG_ACCOUNTS_SAM_H
#define CG_ACCOUNTS_SAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accounts/accounts.h"

/* The USER_INFO flag bits the judgement reads (lmaccess.h values). */
#define CG_UF_ACCOUNTDISABLE     0x0002u
#define CG_UF_PASSWD_NOTREQD     0x0020u
#define CG_UF_DONT_EXPIRE_PASSWD 0x10000u
/* Well-known relative identifiers of the built-in accounts. */
#define CG_RID_ADMINISTRATOR 500u
#define CG_RID_GUEST         501u

typedef struct cg_sam_account {
	const char *name;       /* UTF-8 */
	uint32_t rid;           /* last sub-authority of the SID; 0 unknown */
	uint32_t flags;         /* usri_flags */
	int64_t password_age_s; /* usri_password_age */
	int64_t last_logon_s;   /* Unix seconds; 0 never; < 0 unknown (not judged) */
	bool admin;             /* member of the local Administrators group */
} cg_sam_account;

typedef struct cg_sam_machine {
	int64_t max_password_age_s;      /* usrmod0_max_passwd_age; < 0: never */
	const char *const *other_admins; /* Administrators members that are no
	                                  * local account (domain groups),
	                                  * "DOMAIN\\name" */
	size_t nother_admins;
} cg_sam_machine;

/* One call per audit; policy->now_ms must be set. */
void cg_sam_judge(const cg_sam_account *accts, size_t n, const cg_sam_machine *m,
                  const cg_acct_policy *policy, cg_acct_emit_fn emit, void *ctx);

/* The Linux audit's list of default or shared account names (admin, test,
 * guest, user, ...), shared by both audits. */
bool cg_acct_default_name(const char *name);

#endif
