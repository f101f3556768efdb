/* libFuzzer target: the exposure template loader (libyaml walk, matcher
 * and extractor options, regex compilation, the DSL check) on one hostile
 * file; a template that loads is then run against a fixed response so
 * the matchers and extractors it built are exercised too. */
#include <stddef.h>
#include <stdint.h>

#include "exposure/match.h"
#include "exposure/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_xtpl *t = NULL;
	if (cg_xtpl_parse("fuzz.yaml", cg_slice_from((const char *)data, size), &t, &why) ==
	        CG_OK &&
	    !t->skip[0]) {
		cg_xresp r = {200, CG_SLICE("HTTP/1.1 200 OK\r\nServer: nginx\r\n"),
		              CG_SLICE("{\"a\":[1,2]} [core] PHP Version 8.2 <html>")};
		for (size_t i = 0; i < t->nreqs; i++) {
			json_t *a = json_array();
			cg_xmatch(&t->reqs[i], &r, a);
			cg_xextract(&t->reqs[i], &r, a);
			json_decref(a);
		}
	}
	cg_xtpl_free(t);
	cg_buf_free(&why);
	return 0;
}
