/* libFuzzer target: the auto-case rules file (playbook/autocase.h). A
 * file either parses, and then every rule counts at least one kind of
 * finding, opens a case of a known kind with both titles, over a positive
 * window and count, and matches a finding of its own first kind at the
 * highest severity and level (its source list permitting); or it fails
 * with a reason that names the file and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "playbook/autocase.h"

static const char *const kinds[] = {"defacement", "webshell", "malware", "other", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cg_autocase_rules r;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err =
	    cg_autocase_parse(cg_slice_from((const char *)data, size), "f", kinds, &r, &why);
	if (err) {
		if (strncmp(cg_buf_cstr(&why), "f:", 2) != 0 || r.n_rule != 0)
			abort();
		cg_buf_free(&why);
		return 0;
	}
	cg_buf_free(&why);
	for (int i = 0; i < r.n_rule; i++) {
		const cg_autocase_rule *x = &r.rule[i];
		bool known = false;
		for (int k = 0; kinds[k]; k++)
			known |= strcmp(x->case_kind, kinds[k]) == 0;
		if (x->n_kind < 1 || !known || !x->title_vi[0] || !x->title_en[0] ||
		    x->window_ms <= 0 || x->count < 1)
			abort();
		const char *src = x->n_source ? x->source[0] : "any";
		if (!cg_autocase_match(x, src, x->kind[0], CG_SEV_CRITICAL, 5))
			abort();
	}
	return 0;
}
