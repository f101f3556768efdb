/*
 * accounts.h - the Linux account audit (MISSION R6): who can log in, with
 * what, and who has been trying.
 *
 * Reads, under a root prefix (so tests use fixtures and an analyst can
 * audit a mounted disk image): etc/passwd, etc/shadow, etc/group,
 * etc/sudoers (+ #include/@include, #includedir, every file of etc/sudoers.d),
 * var/log/wtmp, var/log/lastlog, var/log/auth.log, and each user's
 * ~/.ssh/authorized_keys (and authorized_keys2). Every finding is a
 * cg_event, source "accounts", with the facts in evidence:
 *
 *   uid0_account            critical  UID 0 on an account other than root
 *   empty_password          critical  login possible with no password
 *   duplicate_uid           high      two accounts share a UID
 *   sudo_nopasswd           high      a sudoers rule with NOPASSWD
 *   sudo_all                medium    a sudoers rule granting ALL commands
 *   authorized_key_added    high      a key not in the previous audit
 *   authorized_key_removed  low       a key gone since the previous audit
 *   failed_login_burst      high      N failures in M minutes from one
 *                                     source, or against one user
 *   password_too_old        medium    last change older than max_age_days
 *   default_account_name    medium    admin, test, guest, user, oracle, ...
 *                                     able to log in
 *   password_never_expires  low       login-capable, no maximum age
 *   account_unused          low       login-capable, no login for
 *                                     unused_days (or never)
 *   authorized_keys         info      first audit: keys recorded as baseline
 *
 * "Login-capable": a real shell (not nologin/false) and either a usable
 * password hash (not "!"/"*"-locked) or an authorized key.
 *
 * The previous audit's key hashes live in STATE_DIR/authorized_keys.json
 * (written atomically at the end of an audit). Files that cannot be read
 * are reported through on_error and the audit goes on with the rest.
 */
#ifndef CG_ACCOUNTS_H
#define CG_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

typedef struct cg_acct_policy {
	int max_age_days;    /* password age limit; 0 = 90 */
	int unused_days;     /* 0 = 90 */
	int burst_failures;  /* 0 = 5 */
	int burst_minutes;   /* 0 = 10 */
	int64_t now_ms;      /* 0 = the clock (tests pin it) */
} cg_acct_policy;

/* The event is lent to the callback for the duration of the call; the
 * callback may set fields (host, agency) before encoding it. */
typedef void (*cg_acct_emit_fn)(void *ctx, cg_event *ev);
typedef void (*cg_acct_error_fn)(void *ctx, const char *msg);

/* root: "" or "/" for the running system, else a directory prefixed to
 * every path. state_dir: NULL for no key history. Returns CG_OK when the
 * audit ran (problems with single files go to on_error). */
cg_err cg_accounts_audit(const char *root, const char *state_dir,
			 const cg_acct_policy *policy, cg_acct_emit_fn emit,
			 cg_acct_error_fn on_error, void *ctx);

/* ---- line parsers (exposed for tests and fuzz targets) --------------- */

typedef struct cg_passwd_ent {
	cg_slice name, pw, gecos, home, shell;
	int64_t uid, gid;
} cg_passwd_ent;

typedef struct cg_shadow_ent {
	cg_slice name, hash;
	int64_t lastchg, min, max, warn, inactive, expire; /* -1 when empty */
} cg_shadow_ent;

cg_err cg_passwd_parse_line(cg_slice line, cg_passwd_ent *out);
cg_err cg_shadow_parse_line(cg_slice line, cg_shadow_ent *out);

/* One sudoers user specification, reduced to what the audit judges. */
typedef struct cg_sudo_rule {
	cg_slice who;       /* "alice", "%admin", "ALL" */
	bool all_commands;  /* the command list has ALL */
	bool nopasswd;
} cg_sudo_rule;
/* CG_OK and a rule; CG_ENOTFOUND for lines that are no user rule
 * (Defaults, aliases, comments, includes); CG_EPARSE for junk. */
cg_err cg_sudoers_parse_line(cg_slice line, cg_sudo_rule *out);

/* One auth-log failure: when, who, from where. */
typedef struct cg_auth_failure {
	int64_t time_ms;
	cg_slice user;   /* may be empty */
	cg_slice source; /* an address, may be empty */
} cg_auth_failure;
/* CG_OK for a failed-authentication line, CG_ENOTFOUND for other lines.
 * now_ms gives the year for classic syslog stamps ("Nov 21 04:25:01"). */
cg_err cg_authlog_parse_line(cg_slice line, int64_t now_ms, cg_auth_failure *out);

#endif
