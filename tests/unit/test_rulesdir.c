/*
 * test_rulesdir.c - core/rulesdir.h: $CANHGAC_RULES_DIR wins as given,
 * otherwise the source tree's rules/ in a development build
 * (source_rules=true, as this one is by default) and never in a package
 * build (source_rules=false), a missing area is CG_ENOTFOUND, and a short
 * buffer is CG_ETOOBIG. On Windows: rules\ beside the program first (the
 * MSI's install folder).
 */
#include <stdlib.h>
#include <string.h>

#include "core/rulesdir.h"
#include "test.h"
#include "version.h"
#ifdef _WIN32
#include <windows.h>

#include "platform/exedir.h"
#endif

TEST(env_wins)
{
	char b[256];
	setenv("CANHGAC_RULES_DIR", "/srv/my-rules", 1);
	CHECK(cg_rules_dir("malware", b, sizeof b) == CG_OK);
	CHECK_STR(b, "/srv/my-rules/malware");
	CHECK(cg_rules_base("web", b, sizeof b) == CG_OK);
	CHECK_STR(b, "/srv/my-rules");
	unsetenv("CANHGAC_RULES_DIR");
}

TEST(source_tree)
{
	char b[4096], want[4096];
#if CG_SOURCE_RULES
	snprintf(want, sizeof want, "%s/rules/dns", CG_SOURCE_DIR);
	CHECK(cg_rules_dir("dns", b, sizeof b) == CG_OK);
	CHECK_STR(b, want);
	snprintf(want, sizeof want, "%s/rules", CG_SOURCE_DIR);
	CHECK(cg_rules_base("web", b, sizeof b) == CG_OK);
	CHECK_STR(b, want);
	setenv("CANHGAC_RULES_DIR", "", 1); /* empty = unset */
	CHECK(cg_rules_dir("malware", b, sizeof b) == CG_OK);
	unsetenv("CANHGAC_RULES_DIR");
#else
	/* A package build: whatever it finds, never the source tree. */
	snprintf(want, sizeof want, "%s/rules", CG_SOURCE_DIR);
	cg_rules_base("dns", b, sizeof b);
	CHECK(strcmp(b, want) != 0);
#endif
}

/* The installed candidate is PREFIX/share/canhgac/rules (what the Debian
 * package ships, and what `canhgac version` names there). */
TEST(installed_path)
{
	const char *suffix = "/share/canhgac/rules";
	const char *dir = CG_RULES_DIR;
	size_t n = strlen(dir), k = strlen(suffix);
	CHECK(n >= k && strcmp(dir + n - k, suffix) == 0);
}

TEST(missing_and_short)
{
	char b[4096], tiny[8];
	CHECK(cg_rules_dir("no-such-area", b, sizeof b) == CG_ENOTFOUND);
	CHECK(strstr(b, "/no-such-area") != NULL); /* names what was looked for */
	CHECK(cg_rules_dir("dns", tiny, sizeof tiny) == CG_ETOOBIG);
}

#ifdef _WIN32
/* An area under rules\ beside this test's exe is found there, before the
 * source tree (which has no such area anyway: the name is this test's). */
TEST(beside_the_exe)
{
	char rules[4096], area[4200], b[4096];
	CHECK(cg_exe_dir("rules", rules, sizeof rules) == CG_OK);
	CHECK(strchr(rules, '\\') == NULL); /* '/' separators */
	snprintf(area, sizeof area, "%s/win-exedir-test", rules);
	CreateDirectoryA(rules, NULL);
	CHECK(CreateDirectoryA(area, NULL) || GetLastError() == ERROR_ALREADY_EXISTS);
	CHECK(cg_rules_base("win-exedir-test", b, sizeof b) == CG_OK);
	CHECK_STR(b, rules);
	RemoveDirectoryA(area);
	RemoveDirectoryA(rules); /* fails, as it should, when rules\ has more */
}
#endif

int main(void)
{
	RUN(env_wins);
	RUN(source_tree);
	RUN(missing_and_short);
	RUN(installed_path);
#ifdef _WIN32
	RUN(beside_the_exe);
#endif
	return test_done();
}
