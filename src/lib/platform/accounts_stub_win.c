/*
 * accounts_stub_win.c - cg_accounts_audit (accounts/accounts.h) in the
 * Windows build until the SAM audit (NetUserEnum) replaces this file: the
 * agent's loop calls the same interface as on Linux, and on Windows it
 * finds nothing yet. Said in docs/windows.md.
 */
#include "accounts/accounts.h"

cg_err cg_accounts_audit(const char *root, const char *state_dir, const cg_acct_policy *policy,
                         cg_acct_emit_fn emit, cg_acct_error_fn on_error, void *ctx)
{
	(void)root;
	(void)state_dir;
	(void)policy;
	(void)emit;
	(void)on_error;
	(void)ctx;
	return CG_OK;
}
