/*
 * rulesdir.c - see rulesdir.h.
 */
#include "core/rulesdir.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "version.h"
#ifdef _WIN32
#include "platform/exedir.h"
#endif

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

cg_err cg_rules_base(const char *area, char *buf, size_t size)
{
	const char *env = getenv("CANHGAC_RULES_DIR");
	if (env && *env) {
		int n = snprintf(buf, size, "%s", env);
		return n < 0 || (size_t)n >= size ? CG_ETOOBIG : CG_OK;
	}
	const char *cands[3];
	size_t nc = 0;
#ifdef _WIN32
	/* rules\ beside canhgac.exe: where the MSI installs them and where
	 * `make windows` copies them beside build-win/canhgac.exe. The Unix
	 * prefix below means nothing on Windows (C:\usr\... is a directory
	 * anybody may create), so it is not asked. */
	char exe_rules[4096];
	if (cg_exe_dir("rules", exe_rules, sizeof exe_rules) == CG_OK)
		cands[nc++] = exe_rules;
#endif
#if CG_SOURCE_RULES
	cands[nc++] = CG_SOURCE_DIR "/rules";
#endif
#ifndef _WIN32
	cands[nc++] = CG_RULES_DIR;
	cands[nc++] = "/usr/share/canhgac/rules";
#endif
	char probe[4200];
	for (size_t i = 0; i < nc; i++) {
		int n = snprintf(probe, sizeof probe, "%s/%s", cands[i], area);
		if (n < 0 || (size_t)n >= sizeof probe || !is_dir(probe))
			continue;
		n = snprintf(buf, size, "%s", cands[i]);
		return n < 0 || (size_t)n >= size ? CG_ETOOBIG : CG_OK;
	}
	snprintf(buf, size, "%s", nc ? cands[nc - 1] : "rules");
	return CG_ENOTFOUND;
}

cg_err cg_rules_dir(const char *area, char *buf, size_t size)
{
	cg_err err = cg_rules_base(area, buf, size);
	if (err && err != CG_ENOTFOUND)
		return err;
	size_t len = 0;
	while (len < size && buf[len])
		len++;
	int n = snprintf(buf + len, size - len, "/%s", area);
	if (n < 0 || (size_t)n >= size - len)
		return CG_ETOOBIG;
	return err;
}
