/* libFuzzer target: the public report form's body (api/public_report.h).
 * A body either is refused naming a field, or every field it gives back
 * is within its limit, valid UTF-8 text, every screenshot is a PNG or a
 * JPEG by its bytes and within the size limit, and it becomes an event. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/public_report.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_public_report r;
	const char *field = NULL;
	cg_pr_problem pb = cg_public_report_parse(cg_slice_from((const char *)data, size),
	                                          1800000000000LL, &r, &field);
	if (pb != CG_PR_OK) {
		if (!field || !*field)
			abort();
		return 0;
	}
	if (strlen(r.what) > CG_PR_MAX_WHAT || strlen(r.address) > CG_PR_MAX_ADDRESS ||
	    strlen(r.contact) > CG_PR_MAX_CONTACT || !cg_utf8_valid(cg_slice_cstr(r.what)) ||
	    !cg_utf8_valid(cg_slice_cstr(r.address)) ||
	    !cg_pow_challenge_ok(cg_slice_cstr(r.challenge)))
		abort();
	for (int i = 0; i < r.nshots; i++)
		if (r.shot[i].len > CG_PR_MAX_SHOT_BYTES ||
		    cg_image_sniff(r.shot[i].data, r.shot[i].len) != r.shot[i].type)
			abort();
	char hex[CG_PR_MAX_SHOTS][65];
	for (int i = 0; i < CG_PR_MAX_SHOTS; i++) {
		memset(hex[i], 'a', 64);
		hex[i][64] = 0;
	}
	cg_event ev;
	if (cg_public_report_event(&r, "BC-2222222222", hex, &ev))
		abort();
	cg_event_clear(&ev);
	cg_public_report_free(&r);
	return 0;
}
