#!/usr/bin/env bash
# bench/dns.sh - `canhgac dns analyze` against `grep -F -f blocklist` on the
# same generated BIND querylog, in one run (bench/README.md).
#
# Input (deterministic, bench/dns_gen.py, cached in build/bench-dns/):
# LINES lines (default 1,000,000) and a BL-domain blocklist (default
# 20,000): the case of issue 18 item 11. LINES=10000000 BL=100000 is the
# larger case docs/dns.md also reports.
# canhgac does full parsing, label-suffix matching against the blocklist,
# DGA scoring (cached per registrable domain), tunnelling and beaconing
# state and the per-client roll-up; grep only finds substrings, with no
# attribution. Both read the file once untimed (page cache warm), then
# each runs RUNS times (default 3) and the median counts.
# Prints lines/s, peak memory (GNU time) and `ratio dns-vs-grep VALUE`.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
BL=${BL:-20000}
RUNS=${RUNS:-5}
make -s build >/dev/null
dir=build/bench-dns
mkdir -p "$dir"
log=$dir/bind-$LINES.log
bl=$dir/blocklist-$BL.txt
if [ ! -s "$log" ] || [ ! -s "$bl" ]; then
	echo "generating $LINES lines and $BL blocklist entries..."
	python3 bench/dns_gen.py "$LINES" "$BL" "$log.tmp" "$bl"
	mv "$log.tmp" "$log"
fi
size=$(stat -c %s "$log")
echo "input: $log ($((size / 1048576)) MiB, $LINES lines), blocklist $BL names"
cat "$log" >/dev/null

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

run() { # run NAME CMD... -> prints wall seconds, CPU seconds, max RSS KiB
	shift # the name is for the reader of this script
	local rc=0
	# not >/dev/null: GNU grep stops at the first match when its output is
	# /dev/null, which would measure nothing
	$TIME -f '%e %U %S %M' -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" || rc=$?
	[ "$rc" -le 1 ] || { echo "failed ($rc): $* $(cat "$dir/err")" >&2; exit 2; }
	tail -1 "$dir/time" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

dns_t=() grep_t=() dns_c=() grep_c=() dns_rss=0 grep_rss=0
for i in $(seq "$RUNS"); do
	read -r t c m < <(run dns build/canhgac dns analyze --json --blocklist "$bl" "$log")
	dns_t+=("$t"); dns_c+=("$c"); dns_rss=$m
	read -r t c m < <(run grep grep -F -c -f "$bl" "$log")
	grep_t+=("$t"); grep_c+=("$c"); grep_rss=$m
	echo "run $i: canhgac ${dns_t[-1]}s (cpu ${dns_c[-1]}s), grep ${grep_t[-1]}s (cpu ${grep_c[-1]}s)"
done
dt=$(printf '%s\n' "${dns_t[@]}" | median)
gt=$(printf '%s\n' "${grep_t[@]}" | median)
dc=$(printf '%s\n' "${dns_c[@]}" | median)
gc=$(printf '%s\n' "${grep_c[@]}" | median)
printf 'canhgac dns analyze: %.2fs  %.0f lines/s  cpu %.2fs  peak %d MiB\n' "$dt" "$(echo "$LINES / $dt" | bc -l)" "$dc" $((dns_rss / 1024))
printf 'grep -F -f:          %.2fs  %.0f lines/s  cpu %.2fs  peak %d MiB\n' "$gt" "$(echo "$LINES / $gt" | bc -l)" "$gc" $((grep_rss / 1024))
build/canhgac dns analyze --json --blocklist "$bl" "$log" | tail -1 | cut -c1-300 || true
echo
# the machine may be shared: CPU time is the steadier figure, wall time the
# one the convention asks for
printf 'cpu-ratio dns-vs-grep %.2f\n' "$(echo "$gc / $dc" | bc -l)"
echo "case: $LINES lines, $BL blocklist names"
printf 'ratio dns-vs-grep %.2f\n' "$(echo "$gt / $dt" | bc -l)"
