/* libFuzzer target: a playbook file (playbook/playbook.h). A file either
 * parses, and then it has a name, a kind, titles and at least one step,
 * each step titled in both languages with a known role and every
 * checklist item in both languages, and selecting by its first kind finds
 * it (alone in its set); or it fails with a reason that names the file
 * and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "playbook/playbook.h"

static const char *const kinds[] = {"defacement", "webshell", "malware", "ddos", "other", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_playbook *p = NULL;
	cg_err err =
	    cg_playbook_parse(cg_slice_from((const char *)data, size), "f", kinds, &p, &why);
	if (err) {
		if (p || strncmp(cg_buf_cstr(&why), "f:", 2) != 0)
			abort();
		cg_buf_free(&why);
		return 0;
	}
	cg_buf_free(&why);
	if (!p->name[0] || !p->title_vi[0] || !p->title_en[0] || p->n_kind < 1 || p->n_step < 1)
		abort();
	for (int i = 0; i < p->n_step; i++) {
		const cg_pb_step *s = &p->step[i];
		if (!s->title_vi[0] || !s->title_en[0] || (unsigned)s->role >= CG_PB_NROLES)
			abort();
		for (int k = 0; k < s->n_check; k++)
			if (!s->check[k].vi[0] || !s->check[k].en[0])
				abort();
	}
	cg_playbooks set = {0};
	const char *dom = p->n_system ? p->system[0] : NULL;
	char kind[CG_PLAYBOOK_MAX_NAME];
	memcpy(kind, p->kind[0], sizeof kind);
	if (cg_playbooks_add(&set, p, "f", NULL))
		abort();
	if (cg_playbook_select(&set, kind, &dom, dom ? 1 : 0) != set.pb[0])
		abort();
	cg_playbooks_free(&set);
	return 0;
}
