#!/usr/bin/env bash
# bench/events_pg.sh - the events page and text search with a large
# PostgreSQL store: BENCH_PG_TOTAL events (default 5,000,000) that arrived
# over BENCH_MONTHS months (default 6, so in as many monthly partitions),
# in a private durable cluster, then the p95 through the API of the events
# page (filters, cursor pages) and of text search (common, 5 %, rare and
# absent words). Goals: events page p95 < 100 ms, text search p95 <
# 200 ms; printed as `ratio events-page-goal-vs-p95` and `ratio
# text-search-goal-vs-p95` (> 1.0: within the goal).
#
# BENCH_FILL=sql (the default) fills the store with bench/events_fill.sql
# (generate_series, minutes for millions of rows); BENCH_FILL=api loads
# the events through POST /api/v1/events instead, as bench/ingest.sh's
# PostgreSQL round does (it also prints `ratio ingest-vs-postgresql`;
# hours for 5,000,000 events on a small machine, every event in the
# current month's partition).
set -euo pipefail
cd "$(dirname "$0")/.."
total=${BENCH_PG_TOTAL:-5000000}
if [ "${BENCH_FILL:-sql}" = api ]; then
	BENCH_BACKENDS=postgresql BENCH_PG_TOTAL=$total exec bench/ingest.sh
fi
make -s build >/dev/null
BIN=$PWD/build/canhgac
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench.XXXXXX")
pid=""
pgdir=$work/pg
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -d "$pgdir" ] && scripts/pg-test-cluster.sh stop "$pgdir"
	rm -rf "$work"
}
trap cleanup EXIT
chmod 711 "$work" # the cluster runs as an unprivileged user
PG_DURABLE=1 scripts/pg-test-cluster.sh start "$pgdir" >/dev/null
url=$(scripts/pg-test-cluster.sh createdb "$pgdir" canhgac)
data=$work/data
echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$data" --store "$url" >/dev/null
echo "filling the store with $total events over ${BENCH_MONTHS:-6} months ..."
t0=$(date +%s)
psql -X -q -v n="$total" -v months="${BENCH_MONTHS:-6}" "$url" -f bench/events_fill.sql >/dev/null
echo "  filled in $(($(date +%s) - t0)) s"
"$BIN" serve --exposure-interval 0 --no-tls --listen 127.0.0.1:0 --data-dir "$data" --store "$url" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's#.*listening on http://##p' "$work/out")
echo "== postgresql: server $addr (pid $pid), store $url"
BENCH_QUERIES_ONLY=1 python3 bench/ingest_client.py "$addr" "$data" 0 "$total" postgresql
