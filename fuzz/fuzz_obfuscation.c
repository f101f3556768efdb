/* libFuzzer target: the obfuscation detector's measuring of a script
 * (malware/obfuscation) and the externals computed from a path and the
 * first bytes (malware/externals), both on attacker-written input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "malware/externals.h"
#include "malware/obfuscation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_mw_obf_figures f;
	cg_mw_obf_measure(data, size, &f);
	cg_mw_obf_baseline b;
	cg_mw_obf_baseline_of(&f, 1, &b);
	cg_mw_obf_verdict v;
	cg_mw_obf_judge(&f, &b, &v);
	/* The input as a path too (NUL-terminated copy). */
	char *path = malloc(size + 1);
	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	cg_mw_obf_is_script(path);
	cg_mw_externals x;
	cg_mw_externals_init(&x);
	struct stat st = {0};
	cg_mw_externals_fill(&x, path, &st, data, size);
	cg_mw_externals_free(&x);
	cg_mw_text_uses_externals(path, size);
	free(path);
	return 0;
}
