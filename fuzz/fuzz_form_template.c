/* libFuzzer target: a regulated report template (api/form_template.h).
 * A file either parses, and then it has a form name, a symbol, titles,
 * a known stop field and at least one block, every item naming a known
 * source and every heading and item in both languages; or it fails with
 * a reason that names the file and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/form_template.h"

static const char *const sources[] = {"agency", "number", "title", "kind", NULL};
static const char *const stops[] = {"reported_at", "closing_reported_at", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_form_tmpl *t = NULL;
	cg_err err = cg_form_tmpl_parse(cg_slice_from((const char *)data, size), "f", sources,
	                                stops, &t, &why);
	if (err) {
		if (t || strncmp(cg_buf_cstr(&why), "f:", 2) != 0)
			abort();
		cg_buf_free(&why);
		return 0;
	}
	cg_buf_free(&why);
	if (!t->name[0] || !t->symbol[0] || !t->title_vi[0] || !t->title_en[0] || !t->place[0] ||
	    t->n_block < 1 || t->n_block > CG_FORM_MAX_BLOCKS)
		abort();
	if (strcmp(t->stop, "reported_at") != 0 && strcmp(t->stop, "closing_reported_at") != 0)
		abort();
	for (int i = 0; i < t->n_block; i++) {
		const cg_form_block *b = &t->block[i];
		if (!b->vi[0] || (b->kind != CG_FB_PARA && !b->en[0]))
			abort();
		if (b->kind == CG_FB_ITEM) {
			bool known = false;
			for (int k = 0; sources[k]; k++)
				known |= strcmp(b->source, sources[k]) == 0;
			if (!known)
				abort();
		}
	}
	cg_form_set set = {0};
	char name[CG_FORM_MAX_NAME];
	memcpy(name, t->name, sizeof name);
	if (cg_form_set_add(&set, t, "f", NULL) || cg_form_find(&set, name) != set.t[0])
		abort();
	cg_form_set_free(&set);
	return 0;
}
