/* test_accounts_parse.c - the account audit's line parsers, both ways. */
#include <string.h>

#include "accounts/accounts.h"
#include "test.h"

#define NOW 1795000000000LL /* 2026-11-18T07:46:40Z */

TEST(passwd_lines)
{
	cg_passwd_ent e;
	CHECK(cg_passwd_parse_line(CG_SLICE("alice:x:1000:1000:A, B:/home/alice:/bin/bash"), &e) == CG_OK);
	CHECK(e.uid == 1000 && cg_slice_eq_cstr(e.shell, "/bin/bash") && cg_slice_eq_cstr(e.gecos, "A, B"));
	CHECK(cg_passwd_parse_line(CG_SLICE("a:x:1:1::/:"), &e) == CG_OK);
	CHECK(cg_passwd_parse_line(CG_SLICE("a:x:1:1::/"), &e) == CG_EPARSE);
	CHECK(cg_passwd_parse_line(CG_SLICE("a:x:1:1::/:/bin/sh:extra"), &e) == CG_EPARSE);
	CHECK(cg_passwd_parse_line(CG_SLICE("a:x:-1:1::/:/bin/sh"), &e) == CG_EPARSE);
	CHECK(cg_passwd_parse_line(CG_SLICE("a:x:99999999999:1::/:/bin/sh"), &e) == CG_EPARSE);
	CHECK(cg_passwd_parse_line(CG_SLICE(":x:1:1::/:/bin/sh"), &e) == CG_EPARSE);
}

TEST(shadow_lines)
{
	cg_shadow_ent s;
	CHECK(cg_shadow_parse_line(CG_SLICE("root:$6$a$b:20000:0:99999:7:::"), &s) == CG_OK);
	CHECK(s.lastchg == 20000 && s.max == 99999 && s.inactive == -1);
	CHECK(cg_shadow_parse_line(CG_SLICE("svc:!::::::"), &s) == CG_OK);
	CHECK(s.lastchg == -1 && s.max == -1);
	CHECK(cg_shadow_parse_line(CG_SLICE("x:y:1:2"), &s) == CG_EPARSE);
	CHECK(cg_shadow_parse_line(CG_SLICE("x:y:abc:0:0:0:::"), &s) == CG_EPARSE);
}

TEST(sudoers_lines)
{
	cg_sudo_rule r;
	CHECK(cg_sudoers_parse_line(CG_SLICE("%sudo   ALL=(ALL:ALL) ALL"), &r) == CG_OK);
	CHECK(cg_slice_eq_cstr(r.who, "%sudo") && r.all_commands && !r.nopasswd);
	CHECK(cg_sudoers_parse_line(CG_SLICE("deploy ALL=(root) NOPASSWD: /bin/systemctl restart nginx"), &r) == CG_OK);
	CHECK(!r.all_commands && r.nopasswd);
	CHECK(cg_sudoers_parse_line(CG_SLICE("bob host1=(ALL) NOEXEC: NOPASSWD: /bin/ls, ALL"), &r) == CG_OK);
	CHECK(r.all_commands && r.nopasswd);
	CHECK(cg_sudoers_parse_line(CG_SLICE("bob ALL=/bin/ALLOW"), &r) == CG_OK);
	CHECK(!r.all_commands);
	CHECK(cg_sudoers_parse_line(CG_SLICE("Defaults env_reset"), &r) == CG_ENOTFOUND);
	CHECK(cg_sudoers_parse_line(CG_SLICE("Defaults:bob !requiretty"), &r) == CG_ENOTFOUND);
	CHECK(cg_sudoers_parse_line(CG_SLICE("Cmnd_Alias X = /bin/a"), &r) == CG_ENOTFOUND);
	CHECK(cg_sudoers_parse_line(CG_SLICE("  # comment ALL=ALL"), &r) == CG_ENOTFOUND);
	CHECK(cg_sudoers_parse_line(CG_SLICE(""), &r) == CG_ENOTFOUND);
	CHECK(cg_sudoers_parse_line(CG_SLICE("justaword"), &r) == CG_EPARSE);
	CHECK(cg_sudoers_parse_line(CG_SLICE("a=b c"), &r) == CG_EPARSE);
}

TEST(authlog_lines)
{
	cg_auth_failure f;
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov 18 07:00:01 web01 sshd[1]: Failed password for invalid user admin from 203.0.113.5 port 22 ssh2"), NOW, &f) == CG_OK);
	CHECK(cg_slice_eq_cstr(f.user, "admin") && cg_slice_eq_cstr(f.source, "203.0.113.5"));
	CHECK(f.time_ms == 1794985201000LL);
	/* a December stamp seen in November is last year's */
	CHECK(cg_authlog_parse_line(CG_SLICE("Dec 31 23:00:00 h sshd[1]: Failed password for root from ::1 port 1 ssh2"), NOW, &f) == CG_OK);
	CHECK(f.time_ms < NOW - 300LL * 86400000);
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov  1 07:00:01 web01 sshd[1]: Failed password for user from x from 10.0.0.1 port 22 ssh2"), NOW, &f) == CG_OK);
	CHECK(cg_slice_eq_cstr(f.user, "user from x") && cg_slice_eq_cstr(f.source, "10.0.0.1"));
	CHECK(cg_authlog_parse_line(CG_SLICE("2026-11-18T07:00:01.5+07:00 h su[3]: pam_unix(su:auth): authentication failure; logname=b uid=1 euid=0 tty=x ruser=b rhost=  user=root"), NOW, &f) == CG_OK);
	CHECK(cg_slice_eq_cstr(f.user, "root") && f.source.len == 0);
	CHECK(f.time_ms == 1794960001500LL);
	/* sshd's own pam line would count the same attempt twice */
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov 18 07:00:01 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 user=root"), NOW, &f) == CG_ENOTFOUND);
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov 18 07:00:01 h sshd[1]: Accepted password for root from 1.2.3.4 port 1 ssh2"), NOW, &f) == CG_ENOTFOUND);
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov 18 07:00:01"), NOW, &f) == CG_ENOTFOUND);
	CHECK(cg_authlog_parse_line(CG_SLICE("Foo 18 07:00:01 h x: Failed password for a from b"), NOW, &f) == CG_ENOTFOUND);
	CHECK(cg_authlog_parse_line(CG_SLICE("Nov 18 07:00:01 h sshd[1]: Failed password for root"), NOW, &f) == CG_ENOTFOUND);
}

int main(void)
{
	RUN(passwd_lines);
	RUN(shadow_lines);
	RUN(sudoers_lines);
	RUN(authlog_lines);
	return test_done();
}
