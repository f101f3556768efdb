/* Unit tests for core/rules_dir: $CANHGAC_RULES_DIR wins; without it a
 * development build (this one, source_rules=true) uses the source tree's
 * rules/, and the installed copy otherwise. */
#include <stdlib.h>
#include <string.h>

#include "core/rules_dir.h"
#include "test.h"
#include "version.h"

TEST(environment_wins)
{
	setenv("CANHGAC_RULES_DIR", "/srv/my-rules", 1);
	CHECK_STR(cg_rules_dir(), "/srv/my-rules");
	setenv("CANHGAC_RULES_DIR", "", 1); /* empty is unset */
	CHECK(strcmp(cg_rules_dir(), "/srv/my-rules") != 0);
	unsetenv("CANHGAC_RULES_DIR");
}

TEST(development_build_uses_the_source_tree)
{
	unsetenv("CANHGAC_RULES_DIR");
#if CG_SOURCE_RULES
	CHECK_STR(cg_rules_dir(), CG_SOURCE_DIR "/rules");
#else
	CHECK_STR(cg_rules_dir(), CG_RULES_DIR);
#endif
	CHECK(strcmp(CG_RULES_DIR + strlen(CG_RULES_DIR) - strlen("/share/canhgac/rules"),
	             "/share/canhgac/rules") == 0);
}

int main(void)
{
	RUN(environment_wins);
	RUN(development_build_uses_the_source_tree);
	return test_done();
}
