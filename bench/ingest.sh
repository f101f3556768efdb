#!/usr/bin/env bash
# bench/ingest.sh - event ingest of `canhgac serve` against plain SQLite,
# then (the same again) against plain libpq on PostgreSQL.
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
# latency of GET /api/v1/events (a mix of filters and cursor pages) and,
# apart, of text search (?q=).
#
# The PostgreSQL round: a private cluster (scripts/pg-test-cluster.sh,
# fsync on, removed at exit), canhgac serve --store postgresql://..., and
# the anchor bench/pg_anchor.c: plain libpq, one prepared INSERT, one
# transaction per batch of 1,000, into a second database with the same
# schema (made by canhgac's own migrations). Prints `ratio
# ingest-vs-postgresql VALUE` and `ratio ingest-2clients-vs-postgresql`.
#
# Environment: BENCH_BATCHES (batches for the timed comparison, default
# 200), BENCH_TOTAL, BENCH_PG_TOTAL (events for the PostgreSQL query
# latency, default 200,000), BENCH_BACKENDS (default "sqlite postgresql").
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench.XXXXXX")
pid=""
pgdir=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$pgdir" ] && scripts/pg-test-cluster.sh stop "$pgdir"
	rm -rf "$work"
}
trap cleanup EXIT

# run BACKEND STORE_URL ANCHOR TOTAL
run() {
	local data=$work/data-$1
	echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$data" --store "$2" >/dev/null
	"$BIN" serve --exposure-interval 0 --no-tls --listen 127.0.0.1:0 --data-dir "$data" --store "$2" >"$work/out" 2>"$work/err" &
	pid=$!
	for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
	addr=$(sed -n 's#.*listening on http://##p' "$work/out")
	echo "== $1: server $addr (pid $pid), store $2"
	python3 bench/ingest_client.py "$addr" "$data" "${BENCH_BATCHES:-200}" "$4" "$1" "$3"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for backend in ${BENCH_BACKENDS:-sqlite postgresql}; do
	case $backend in
	sqlite) run sqlite "sqlite:$work/data-sqlite/canhgac.db" "" "${BENCH_TOTAL:-1000000}" ;;
	postgresql)
		cc -O2 -Wall -Wextra -std=gnu17 $(pkg-config --cflags libpq jansson) \
			-o "$work/pg_anchor" bench/pg_anchor.c $(pkg-config --libs libpq jansson)
		pgdir=$work/pg
		chmod 711 "$work" # the cluster runs as an unprivileged user
		PG_DURABLE=1 scripts/pg-test-cluster.sh start "$pgdir" >/dev/null
		url=$(scripts/pg-test-cluster.sh createdb "$pgdir" canhgac)
		anchor=$(scripts/pg-test-cluster.sh createdb "$pgdir" anchor)
		# the anchor's schema: canhgac's own migrations
		echo "anchor-password-123" | "$BIN" user add x --role admin --store "$anchor" >/dev/null
		run postgresql "$url" "$work/pg_anchor $anchor" "${BENCH_PG_TOTAL:-200000}"
		;;
	esac
done
