/*
 * events_filter.h - the query-string filters of the events list
 * (agency_id, system_id, before, limit, since, until, severity, state,
 * source, kind, q), read in one place so the list and its export
 * (api_exports.c) filter alike. The strings in *q point into the
 * request's arguments and live as long as the request.
 */
#ifndef CG_SERVER_EVENTS_FILTER_H
#define CG_SERVER_EVENTS_FILTER_H

#include "server.h"
#include "store/store.h"

/* false: a bad argument, answered with 400 in resp. */
bool cg_events_filter_args(cg_req *req, cg_resp *resp, cg_event_query *q);

#endif
