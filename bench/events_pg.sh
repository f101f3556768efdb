#!/usr/bin/env bash
# bench/events_pg.sh - the events page and text search with a large
# PostgreSQL store: loads BENCH_PG_TOTAL events (default 5,000,000)
# through canhgac's own API (POST /api/v1/events, batches of 1,000) into
# a private durable cluster, then measures through the API the p95 of the
# events page (filters, cursor pages) and of text search (common, 5 %,
# rare and absent words). Goals: events page p95 < 100 ms, text search
# p95 < 200 ms. It is bench/ingest.sh's PostgreSQL round with a larger
# fill, so it also prints `ratio ingest-vs-postgresql` against plain
# libpq inserts of the same rows into the same schema.
#
# On the shared 2-core build machine 5,000,000 events take long to load;
# BENCH_PG_TOTAL=N runs a smaller size (say which in the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_BACKENDS=postgresql BENCH_PG_TOTAL=${BENCH_PG_TOTAL:-5000000} exec bench/ingest.sh
