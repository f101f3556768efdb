/*
 * metrics.h - lock-free counters and latency histograms, and the writer
 * of the Prometheus text exposition format (version 0.0.4).
 *
 * A counter is one C11 atomic: request threads add to it with a relaxed
 * fetch_add and never take a lock, so counting costs a request nothing it
 * would notice. A histogram is a fixed set of atomic buckets (upper bounds
 * in microseconds, CG_METRICS_BOUNDS_US), an atomic count and an atomic
 * sum; a scrape reads each atomic once, so a scrape running beside
 * requests may see a request in one bucket and not yet in the sum (the
 * format allows that: the values only ever grow).
 *
 * The writer appends to a bounded cg_buf: "# HELP" and "# TYPE" once per
 * family, then its samples; label values are escaped (backslash, double
 * quote, newline) as the format requires, so a label taken from a route
 * or a job name can never break a line. Library code: it formats, the
 * server's /metrics handler (src/server/api_metrics.c) decides what to
 * show.
 */
#ifndef CG_METRICS_H
#define CG_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

typedef _Atomic uint64_t cg_counter;

static inline void cg_counter_add(cg_counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t cg_counter_get(cg_counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* The histogram buckets' upper bounds, in microseconds (then +Inf):
 * 1 ms to 30 s, about x2.5 apart, which covers a page read and a large
 * ingest batch alike. */
#define CG_METRICS_NBOUNDS 12
extern const uint64_t CG_METRICS_BOUNDS_US[CG_METRICS_NBOUNDS];

typedef struct cg_histo {
	cg_counter bucket[CG_METRICS_NBOUNDS + 1]; /* not cumulative; last = +Inf */
	cg_counter count;
	cg_counter sum_us;
} cg_histo;

void cg_histo_observe(cg_histo *h, uint64_t us);

/* "# HELP name help\n# TYPE name type\n" (type: counter, gauge,
 * histogram). help must be one line. */
cg_err cg_metrics_family(cg_buf *out, const char *name, const char *type, const char *help);

/* Labels built up for one sample: {k="v",...}, values escaped. */
typedef struct cg_metrics_labels {
	char text[512];
	size_t len;
	bool truncated;
} cg_metrics_labels;

void cg_metrics_labels_init(cg_metrics_labels *l);
void cg_metrics_label(cg_metrics_labels *l, const char *key, const char *value);

/* "name{labels} value\n"; labels NULL for none. */
cg_err cg_metrics_u64(cg_buf *out, const char *name, const cg_metrics_labels *l, uint64_t v);
cg_err cg_metrics_f64(cg_buf *out, const char *name, const cg_metrics_labels *l, double v);
/* name_bucket{labels,le="..."} (cumulative), name_sum (seconds),
 * name_count. */
cg_err cg_metrics_histo(cg_buf *out, const char *name, const cg_metrics_labels *l, cg_histo *h);

#endif
