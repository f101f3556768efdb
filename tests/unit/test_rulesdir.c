/*
 * test_rulesdir.c - core/rulesdir.h: $CANHGAC_RULES_DIR wins as given,
 * otherwise the source tree's rules/ (this test runs from a build of it),
 * a missing area is CG_ENOTFOUND, and a short buffer is CG_ETOOBIG.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rulesdir.h"
#include "test.h"
#include "version.h"

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
	snprintf(want, sizeof want, "%s/rules/dns", CG_SOURCE_DIR);
	CHECK(cg_rules_dir("dns", b, sizeof b) == CG_OK);
	CHECK_STR(b, want);
	snprintf(want, sizeof want, "%s/rules", CG_SOURCE_DIR);
	CHECK(cg_rules_base("web", b, sizeof b) == CG_OK);
	CHECK_STR(b, want);
	setenv("CANHGAC_RULES_DIR", "", 1); /* empty = unset */
	CHECK(cg_rules_dir("malware", b, sizeof b) == CG_OK);
	unsetenv("CANHGAC_RULES_DIR");
}

TEST(missing_and_short)
{
	char b[4096], tiny[8];
	CHECK(cg_rules_dir("no-such-area", b, sizeof b) == CG_ENOTFOUND);
	CHECK(strstr(b, "/no-such-area") != NULL); /* names what was looked for */
	CHECK(cg_rules_dir("dns", tiny, sizeof tiny) == CG_ETOOBIG);
}

int main(void)
{
	RUN(env_wins);
	RUN(source_tree);
	RUN(missing_and_short);
	return test_done();
}
