/*
 * api_metrics.h - what the server counts for GET /metrics (api_metrics.c):
 * requests by route and status with their latency, ingested events and
 * the latency of their batches. Every call is a few relaxed atomic adds
 * (core/metrics.h): safe and cheap from any request thread.
 */
#ifndef CG_API_METRICS_H
#define CG_API_METRICS_H

#include <stdint.h>

/* One answered request: the route's index in the table (cg_route_at), or
 * -1 when none matched (404, 405, refused before routing), its status and
 * how long it took from its first byte to its answer. */
void cg_metrics_request(int route, unsigned status, uint64_t us);
/* One ingest batch: events stored, redelivered (already stored), refused
 * one by one, and the batch's time in the handler. */
void cg_metrics_ingest(uint64_t accepted, uint64_t duplicates, uint64_t refused, uint64_t us);

#endif
