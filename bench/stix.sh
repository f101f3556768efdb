#!/usr/bin/env bash
# bench/stix.sh - `canhgac export stix` of a province with BENCH_TOTAL
# findings that each name one malicious value (default 100,000: 100,000
# indicators, their sightings and relationships), against its anchor: the
# same events read out of the same SQLite database as JSON by the sqlite3
# shell (json_object of every column of the malware, dns and web events),
# which is the least an export must do.
#
# In one run: a fresh store filled through POST /api/v1/events
# (bench/stix_fill.py, loopback), the server stopped, then the anchor and
# the export (amber, everything), median of 3 each. Prints both times and
# `ratio stix-export-vs-sqlite-json VALUE` = anchor time / export time.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
TOTAL=${BENCH_TOTAL:-100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench-stix.XXXXXX")
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

data=$work/data
echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$data" >/dev/null
"$BIN" serve --exposure-interval 0 --no-tls --listen 127.0.0.1:0 --data-dir "$data" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's#.*listening on http://##p' "$work/out")
echo "== filling $TOTAL findings through $addr"
python3 bench/stix_fill.py "$addr" "$TOTAL"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

anchor() {
	sqlite3 "$data/canhgac.db" "SELECT json_object('seq',seq,'id',id,'time',time,'host',host,
	  'agency_id',agency_id,'source',source,'kind',kind,'summary',summary,'evidence',json(evidence))
	  FROM events WHERE source IN ('malware','dns','web') ORDER BY seq DESC" >"$work/anchor.json"
}
median() { sort -n | sed -n 2p; }
timeit() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
a=$(for _ in 1 2 3; do timeit anchor; done | median)
printf '  anchor: the events as JSON from sqlite3          %8.2f s\n' "$a"
e=$(for _ in 1 2 3; do timeit "$BIN" export stix --data-dir "$data" --tlp amber \
	--out "$work/bundle.json"; done | median)
n=$(python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print(sum(o['type']=='indicator' for o in b['objects']), len(b['objects']))" "$work/bundle.json")
printf '  canhgac export stix (%s indicators, objects)     %8.2f s\n' "$n" "$e"
echo "ratio stix-export-vs-sqlite-json $(echo "$a / $e" | bc -l | xargs printf '%.2f')"
