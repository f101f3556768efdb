/*
 * rulesdir.c - see rulesdir.h.
 */
#include "core/rulesdir.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "version.h"

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
	static const char *const cands[] = {
#if CG_SOURCE_RULES
		CG_SOURCE_DIR "/rules",
#endif
		CG_RULES_DIR,
		"/usr/share/canhgac/rules"
	};
	char probe[4200];
	for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
		int n = snprintf(probe, sizeof probe, "%s/%s", cands[i], area);
		if (n < 0 || (size_t)n >= sizeof probe || !is_dir(probe))
			continue;
		n = snprintf(buf, size, "%s", cands[i]);
		return n < 0 || (size_t)n >= size ? CG_ETOOBIG : CG_OK;
	}
	snprintf(buf, size, "%s", cands[sizeof cands / sizeof cands[0] - 1]);
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
