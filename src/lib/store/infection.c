/*
 * infection.c - the malware infection index, one definition (see
 * infection.h). The hosts are counted by the store in one grouped query
 * per source (cg_store_events_distinct), so a month of events is never
 * decoded row by row for them, and the arithmetic is the pure function
 * cg_infection_index, tested as a table.
 */
#include "store/infection.h"

#include <math.h>
#include <stdio.h>

#define DAY_MS 86400000LL

double cg_infection_index(int64_t infected, int64_t declared)
{
	if (infected <= 0)
		return 0.0;
	if (declared <= 0 || infected >= declared)
		return 100.0; /* more infected than declared: the declaration is short */
	return round(10000.0 * (double)infected / (double)declared) / 100.0;
}

void cg_infection_window(int64_t now_ms, int64_t days, int64_t *from_ms, int64_t *to_ms)
{
	int64_t today = now_ms / DAY_MS;
	*from_ms = (today - (days - 1)) * DAY_MS;
	*to_ms = (today + 1) * DAY_MS;
}

cg_err cg_infection_malware_hosts(cg_store *st, const cg_scope *scope, int64_t from_ms,
                                  int64_t to_ms, json_t **per_agency)
{
	return cg_store_events_distinct(st, scope, "malware", NULL, CG_INFECTION_SEV_MIN, from_ms,
	                                to_ms, false, per_agency);
}

cg_err cg_infection_count(cg_store *st, const cg_scope *scope, int64_t from_ms, int64_t to_ms,
                          cg_infection_hosts *out)
{
	*out = (cg_infection_hosts){0};
	cg_err err = cg_infection_malware_hosts(st, scope, from_ms, to_ms, &out->malware);
	if (!err) /* every severity: the analysis itself decided the client is infected */
		err = cg_store_events_distinct(st, scope, "dns", "infected_client", 0, from_ms,
		                               to_ms, true, &out->dns);
	if (err)
		cg_infection_free(out);
	return err;
}

void cg_infection_free(cg_infection_hosts *h)
{
	json_decref(h->malware);
	json_decref(h->dns);
	*h = (cg_infection_hosts){0};
}

int64_t cg_infection_of(const json_t *per_agency, int64_t agency_id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)agency_id);
	return json_integer_value(json_object_get(per_agency, key));
}
