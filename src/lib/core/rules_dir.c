/*
 * rules_dir.c - see rules_dir.h. The source-tree candidate is used only
 * when it is a directory, so a development binary copied to another
 * machine still falls back to the installed copy.
 */
#include "rules_dir.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "version.h"

const char *cg_rules_dir(void)
{
	const char *env = getenv("CANHGAC_RULES_DIR");
	if (env && *env)
		return env;
#if CG_SOURCE_RULES
	struct stat st;
	if (stat(CG_SOURCE_DIR "/rules", &st) == 0 && S_ISDIR(st.st_mode))
		return CG_SOURCE_DIR "/rules";
#endif
	return CG_RULES_DIR;
}
