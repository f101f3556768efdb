/* libFuzzer target: the request bodies of the triage and incident routes
 * (api/triage.h, api/incident.h) over hostile JSON. A refusal always
 * names a field (or the whole body); an accepted triage change never sets
 * in_incident by hand and keeps its text within the bounds; an accepted
 * case is new with every required field; a change applied to a case in
 * any state leaves it in that state or one the state machine allows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/incident.h"
#include "api/triage.h"
#include "core/json.h"
#include "core/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *b = NULL;
	if (cg_json_parse(cg_slice_from((const char *)data, size), &b, NULL) != CG_OK)
		return 0;
	cg_inv_error e;
	cg_triage_change ch;
	if (cg_triage_parse(b, &ch, &e) == CG_OK) {
		if (ch.has_state && ch.state == CG_TRIAGE_IN_INCIDENT)
			abort();
		if (strlen(ch.note) > CG_TRIAGE_MAX_NOTE ||
		    strlen(ch.assignee) > CG_TRIAGE_MAX_ASSIGNEE)
			abort();
	} else if (!e.message[0])
		abort();
	static int64_t ids[CG_TRIAGE_MAX_BULK];
	size_t n = 0;
	if (cg_triage_parse_bulk(b, ids, &n, &ch, &e) == CG_OK &&
	    (n == 0 || n > CG_TRIAGE_MAX_BULK))
		abort();
	json_t *rec = NULL;
	if (cg_inc_parse_create(b, 1000, &rec, &e) == CG_OK) {
		if (strcmp(cg_json_get_str(rec, "state"), "new") ||
		    !cg_json_get_str(rec, "title") ||
		    !cg_inc_kind_valid(cg_json_get_str(rec, "kind")))
			abort();
		json_decref(rec);
	} else if (!e.message[0])
		abort();
	for (int s = 0; s < CG_INC_NSTATES; s++) {
		json_t *cur = json_pack("{s:s,s:s,s:s,s:s,s:i,s:[]}", "state",
		                        cg_inc_state_name((cg_inc_state)s), "title", "t", "kind",
		                        "ddos", "severity", "high", "agency_id", 1, "system_ids");
		json_t *next = NULL;
		const char *what = NULL;
		if (cg_inc_apply(cur, b, 2000, &next, &what, &e) == CG_OK) {
			cg_inc_state to;
			if (cg_inc_state_parse(cg_json_get_str(next, "state"), &to))
				abort();
			if (to != (cg_inc_state)s && !cg_inc_can_move((cg_inc_state)s, to))
				abort();
			json_decref(next);
		}
		json_decref(cur);
	}
	json_decref(b);
	return 0;
}
