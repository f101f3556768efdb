#!/usr/bin/env bash
# Run one libFuzzer target for N seconds: scripts/fuzz-run.sh fuzz_config 60
# New inputs go to build-fuzz/corpus/NAME; the committed seeds in
# fuzz/corpus/NAME are read, never written. A crash leaves its input in
# build-fuzz/ and exits non-zero. FUZZ_TIMEOUT (default 10) is the
# seconds one input may take before it counts as a hang.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: fuzz-run.sh TARGET [SECONDS]}
secs=${2:-60}
bin=build-fuzz/fuzz/$name
[ -x "$bin" ] || { echo "no $bin: run 'make fuzz' first" >&2; exit 2; }
seeds=fuzz/corpus/${name#fuzz_}
work=build-fuzz/corpus/${name#fuzz_}
mkdir -p "$work"
dict=()
[ -f "fuzz/${name#fuzz_}.dict" ] && dict=(-dict="fuzz/${name#fuzz_}.dict")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
exec "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" \
	-artifact_prefix=build-fuzz/ -print_final_stats=1 "${dict[@]+"${dict[@]}"}" \
	"$work" $( [ -d "$seeds" ] && echo "$seeds" )
