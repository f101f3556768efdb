/* libFuzzer target: the agent policy schema (api/agent_policy) over hostile
 * JSON: cg_apol_check always ends with a verdict and, when it refuses,
 * names a field; every clamped integer lies within the schema's bounds;
 * the schedule-word parser over the raw bytes as a string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/agent_policy.h"
#include "core/json.h"
#include "core/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *p = NULL;
	if (cg_json_parse(cg_slice_from((const char *)data, size), &p, NULL) == CG_OK) {
		char why[256] = "";
		cg_err err = cg_apol_check(p, why, sizeof why);
		if (err && !strchr(why, ':'))
			abort(); /* a refusal always names its field */
		static const struct {
			const char *group, *key, *field;
		} ints[] = {{NULL, "heartbeat_s", "heartbeat_s"},
		            {NULL, "upload_s", "upload_s"},
		            {"fim", "pass_interval_s", "fim.pass_interval_s"},
		            {"accounts", "interval_s", "accounts.interval_s"}};
		for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
			const json_t *o = ints[i].group ? json_object_get(p, ints[i].group) : p;
			int x = cg_apol_clamp(ints[i].field, json_object_get(o, ints[i].key), 7);
			if (x < 0 || x > CG_AGENT_MAX_INTERVAL_S)
				abort();
			if (x > 0 && x != 7 && x < CG_AGENT_MIN_UPLOAD_S)
				abort();
		}
		json_decref(p);
	}
	char text[64];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	int64_t s = cg_apol_interval_s(text);
	if (s > 0 && (s < CG_AGENT_MIN_SCHEDULE_S || s > CG_AGENT_MAX_INTERVAL_S))
		abort();
	return 0;
}
