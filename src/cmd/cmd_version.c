/*
 * cmd_version.c - `canhgac version`: what this binary is and what it was
 * built from, so a bug report or an audit can say exactly which code ran.
 * Each library linked into canhgac has a row in cg_version_libs[]
 * (version_libs_linux.c, version_libs_win.c: the platforms link different
 * libraries) reporting the version it runs with (not only the one it was
 * compiled against).
 */
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/rulesdir.h"
#include "version.h"
#include "version_libs.h"

static const char *build_options(void)
{
	return CG_BUILD_TYPE
#if defined(__SANITIZE_ADDRESS__)
		" asan"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
		" asan"
#endif
#endif
		;
}

int cmd_version(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	size_t nlib = cg_version_nlibs;
	/* The rules base every engine uses (core/rulesdir.h): all areas ship
	 * together, so the one holding web/ names it; when none does, the
	 * last candidate tried (the package's path). */
	char rules[4096];
	cg_rules_base("web", rules, sizeof rules);
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "version", CG_VERSION,
				      "build", build_options(), "compiler",
				      __VERSION__, "rules", rules);
		json_t *libs = json_object();
		for (size_t i = 0; i < nlib; i++)
			json_object_set_new(libs, cg_version_libs[i].name,
					    cg_json_cstr(cg_version_libs[i].version()));
		json_object_set_new(o, "libraries", libs);
		cg_buf out;
		cg_buf_init(&out, 1 << 16);
		cg_json_encode(&out, o);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
		return CG_EXIT_OK;
	}
	printf(cg_tr("canhgac %s\nbuild: %s\ncompiler: %s\nrules: %s\nlibraries:\n"), CG_VERSION,
	       build_options(), __VERSION__, rules);
	for (size_t i = 0; i < nlib; i++)
		printf("  %-12s %s\n", cg_version_libs[i].name, cg_version_libs[i].version());
	return CG_EXIT_OK;
}
