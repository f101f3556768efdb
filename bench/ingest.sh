#!/usr/bin/env bash
# bench/ingest.sh - event ingest of `canhgac serve` against plain SQLite.
#
# In one run, on the same machine and the same rows:
#   1. canhgac: POST /api/v1/events over HTTP on loopback, batches of 1,000
#      events (JSON array), each committed before its 200 (the server's
#      normal durability: WAL, synchronous=NORMAL);
#   2. the anchor: python3's sqlite3 inserting the same rows into a copy of
#      the server's events schema (same indexes), one transaction per batch
#      of 1,000, same pragmas.
# Prints events/s for both (canhgac with 1 client, then 2 concurrent
# clients) and `ratio ingest-vs-sqlite VALUE` (1 client: each batch waits
# for the previous answer) and `ratio ingest-2clients-vs-sqlite VALUE`.
# Then fills
# the store to BENCH_TOTAL events (default 1,000,000) and measures the p95
# latency of GET /api/v1/events (a mix of filters and cursor pages).
#
# Environment: BENCH_BATCHES (batches for the timed comparison, default
# 200), BENCH_TOTAL.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$work/data" >/dev/null
"$BIN" serve --no-tls --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's#.*listening on http://##p' "$work/out")
echo "server: $addr (pid $pid), data in $work/data"
python3 bench/ingest_client.py "$addr" "$work" \
	"${BENCH_BATCHES:-200}" "${BENCH_TOTAL:-1000000}"
