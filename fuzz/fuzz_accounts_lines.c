/* libFuzzer target: the account audit's line parsers (lib/accounts):
 * passwd, shadow, sudoers rules and auth-log failures, each fed every
 * line of the input. These files are written by whoever controls the
 * audited machine (or image), so they are hostile input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "accounts/accounts.h"

static void inside(cg_slice in, cg_slice s)
{
	if (s.len && (s.ptr < in.ptr || s.ptr + s.len > in.ptr + in.len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice rest = cg_slice_from((const char *)data, size);
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		cg_passwd_ent p;
		if (cg_passwd_parse_line(line, &p) == CG_OK) {
			inside(line, p.name);
			inside(line, p.shell);
		}
		cg_shadow_ent s;
		if (cg_shadow_parse_line(line, &s) == CG_OK)
			inside(line, s.hash);
		cg_sudo_rule r;
		if (cg_sudoers_parse_line(line, &r) == CG_OK)
			inside(line, r.who);
		cg_auth_failure f;
		if (cg_authlog_parse_line(line, 1795000000000LL, &f) == CG_OK) {
			inside(line, f.user);
			inside(line, f.source);
		}
	}
	return 0;
}
