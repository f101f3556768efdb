/* libFuzzer target: what the exposure scan does with a hostile HTTP
 * response - the header lookup, the security-header check, every matcher
 * part, the extractors (regex, kval, JSON path over the body) and the DSL
 * over it. The input is split at the first blank line into the header
 * block and the body. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exposure/exposure.h"
#include "exposure/match.h"

static cg_xtpl *tpl;

static const char TEMPLATE[] =
    "id: f\ninfo: {name: f}\nhttp:\n  - path: ['{{BaseURL}}']\n"
    "    matchers:\n"
    "      - {type: word, part: all, words: ['[core]', 'PHP'], case-insensitive: true}\n"
    "      - {type: regex, part: header, regex: ['(?m)^Server: (\\S+)']}\n"
    "      - {type: binary, binary: ['1f8b08']}\n"
    "      - {type: size, size: [0, 10]}\n"
    "      - {type: dsl, dsl: ['contains(tolower(body), \"index of\") && len(header) > 3 && "
    "regex(\"[0-9]+\", body)']}\n"
    "    extractors:\n"
    "      - {type: regex, group: 1, part: all, regex: ['version[\"=: ]+([0-9.]+)']}\n"
    "      - {type: kval, kval: [server, content_type, x_powered_by]}\n"
    "      - {type: json, json: ['.a.b[0]', '.[1].x', '.\"k\"']}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tpl) {
		cg_buf why;
		cg_buf_init(&why, 4096);
		if (cg_xtpl_parse("f.yaml", CG_SLICE(TEMPLATE), &tpl, &why) || tpl->skip[0])
			__builtin_trap();
		cg_buf_free(&why);
	}
	const char *p = (const char *)data;
	const char *sep = size >= 4 ? memmem(p, size, "\r\n\r\n", 4) : NULL;
	size_t hl = sep ? (size_t)(sep - p) + 2 : 0;
	size_t bo = sep ? hl + 2 : 0;
	cg_xresp r = {200, cg_slice_from(p, hl), cg_slice_from(p + bo, size - bo)};
	json_t *a = json_array();
	cg_xmatch(&tpl->reqs[0], &r, a);
	cg_xextract(&tpl->reqs[0], &r, a);
	cg_xp_missing_headers(r.headers, true, a);
	cg_xheader(r.headers, "Server");
	json_decref(a);
	return 0;
}
