#!/usr/bin/env bash
# bench/report.sh - the monthly report (PDF + DOCX + XLSX) of a province
# with BENCH_TOTAL events in the month (default 1,000,000), against its
# anchor: the report's aggregate queries alone, run by the sqlite3 shell
# on the same database (the month and the month before: events by
# severity, by source and kind, per week and severity, distinct hosts per
# agency for malware, secrets and DNS, distinct web addresses).
#
# In one run: a fresh store filled through POST /api/v1/events
# (bench/report_fill.py, loopback), the server stopped, then the anchor
# (median of 3) and `canhgac report monthly --period 2026-11 --format pdf
# --format docx --format xlsx` (median of 3). Prints both times and
# `ratio report-vs-queries VALUE` = queries time / report time (goal >=
# 0.5: the documents cost at most as much as the queries).
#
# BENCH_DATA=DIR keeps the filled data directory in DIR and, when DIR
# already holds a store, uses it as it is (filling takes minutes; repeat
# runs then measure the same database).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
TOTAL=${BENCH_TOTAL:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench-report.XXXXXX")
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

data=${BENCH_DATA:-$work/data}
if [ -n "${BENCH_DATA:-}" ] && [ -f "$data/canhgac.db" ]; then
	echo "== using the store filled before in $data"
else
	echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$data" >/dev/null
	"$BIN" serve --exposure-interval 0 --no-tls --listen 127.0.0.1:0 --data-dir "$data" >"$work/out" 2>"$work/err" &
	pid=$!
	for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
	addr=$(sed -n 's#.*listening on http://##p' "$work/out")
	echo "== filling $TOTAL events for 2026-11 through $addr"
	python3 bench/report_fill.py "$addr" "$TOTAL"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
fi

db=$data/canhgac.db
cat >"$work/queries.sql" <<'SQL'
.output /dev/null
SELECT severity, count(*) FROM events WHERE time >= :f AND time < :t GROUP BY severity;
SELECT source, kind, count(*) FROM events WHERE time >= :f AND time < :t GROUP BY source, kind;
SELECT (time - :f) / 604800000, severity, count(*) FROM events WHERE time >= :f AND time < :t GROUP BY 1, 2;
SELECT agency_id, source, count(DISTINCT host) FROM events WHERE time >= :f AND time < :t
  AND source IN ('malware', 'secrets') GROUP BY 1, 2;
SELECT agency_id, count(DISTINCT subject) FROM events WHERE time >= :f AND time < :t AND source = 'dns' GROUP BY 1;
SELECT count(DISTINCT subject), max(time) - min(time) FROM events WHERE time >= :f AND time < :t AND source = 'web';
SQL
anchor() {
	for p in "1793491200000 1796083200000" "1790812800000 1793491200000"; do
		set -- $p
		sqlite3 -cmd ".parameter set :f $1" -cmd ".parameter set :t $2" "$db" <"$work/queries.sql"
	done
}
median() { sort -n | sed -n 2p; }
timeit() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
q=$(for _ in 1 2 3; do timeit anchor; done | median)
printf '  anchor: the aggregate queries in sqlite3        %8.2f s\n' "$q"
mkdir -p "$work/out-docs"
r=$(for _ in 1 2 3; do timeit "$BIN" report monthly --period 2026-11 --data-dir "$data" \
	--format pdf --format docx --format xlsx --out "$work/out-docs"; done | median)
printf '  canhgac report monthly (pdf, docx, xlsx)        %8.2f s\n' "$r"
ls -l "$work/out-docs" | sed 's/^/    /'
echo "ratio report-vs-queries $(echo "$q / $r" | bc -l | xargs printf '%.2f')"
