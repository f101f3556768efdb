#!/usr/bin/env bash
# bench/agent.sh - the endpoint agent's costs, measured in one run:
#   1. a full file-integrity pass over 100,000 files (canhgac fim scan,
#      which hashes every file with SHA-256) against `sha256sum` over the
#      same files (find | xargs sha256sum); both warmed once, median of 3.
#      -> ratio fim-vs-sha256sum (> 1: canhgac faster)
#   2. the agent's CPU and memory when idle (watching the same tree, the
#      server unreachable) and during a full pass.
#   3. when the Windows build is there (make windows) and Wine is
#      installed: the same full pass by build-win/canhgac.exe under Wine
#      on the same files -> ratio wine-vs-linux (> 1: Wine slower), and
#      Wine's own start-up (`wine cmd /c exit`, warm wineserver) with its
#      share of the Windows pass. WINE_RUNS passes (default 2, median).
# ONLY=wine skips sha256sum and the agent (parts of 1 and 2).
# Numbers on a shared 2-core machine are noisy; read them as indications.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/canhgac ] || make build >/dev/null
BIN=$PWD/build/canhgac
N=${N:-100000}
T=$(mktemp -d /tmp/canhgac-bench-agent.XXXXXX)
AGENT_PID=
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
echo "creating $N files under $T/www ..."
python3 - "$T/www" "$N" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
blob = os.urandom(64 * 1024)
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:03d}", f"s{(i // 100) % 10}")
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    ext = random.choice([".php", ".jpg", ".png", ".pdf", ".css", ".js", ".html"])
    size = random.choice([200, 1500, 4000, 9000, 30000])
    off = random.randrange(0, len(blob) - size)
    with open(os.path.join(d, f"f{i}{ext}"), "wb") as f:
        f.write(blob[off:off + size])
PY
bytes=$(du -sb "$T/www" | cut -f1)
echo "files: $N, bytes: $bytes"

time_it() { # prints seconds
	local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
fim() { rm -rf "$T/data"; "$BIN" fim scan "$T/www" --data-dir "$T/data" -q; }
shasum() { (cd "$T/www" && find . -type f -print0 | xargs -0 -P1 sha256sum); }
fim >/dev/null 2>&1 || true   # warm
f=(); s=()
for i in 1 2 3; do
	f+=("$(time_it fim)")
	[ "${ONLY:-}" = wine ] || s+=("$(time_it shasum)")
done
fm=$(median "${f[@]}")
printf 'fim scan (full pass, %d threads): %.2fs\n' "$(nproc)" "$fm"
if [ "${ONLY:-}" != wine ]; then
	sm=$(median "${s[@]}")
	printf 'sha256sum: %.2fs\n' "$sm"
	echo "ratio fim-vs-sha256sum $(echo "scale=2; $sm / $fm" | bc -l)"
fi

# 3. the Windows build under Wine, on the same files
EXE=$PWD/build-win/canhgac.exe
if [ -f "$EXE" ] && { command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ]; }; then
	WINE=$PWD/scripts/win-wine.sh
	winfim() { rm -rf "$T/wdata"; "$WINE" "$EXE" fim scan "Z:$T/www" --data-dir "Z:$T/wdata" -q; }
	"$WINE" cmd /c exit >/dev/null 2>&1 || true   # the prefix and a wineserver, warm
	u=(); for i in 1 2 3 4 5; do u+=("$(time_it "$WINE" cmd /c exit)"); done
	um=$(median "${u[@]}")
	w=(); for i in $(seq 1 "${WINE_RUNS:-2}"); do w+=("$(time_it winfim)"); done
	wm=$(median "${w[@]}")
	[ -s "$T/wdata/fim/baseline" ] || echo "warning: the Windows pass left no baseline" >&2
	printf 'canhgac.exe fim scan under Wine (full pass): %.2fs  wine start-up: %.3fs\n' "$wm" "$um"
	echo "ratio wine-vs-linux $(echo "scale=2; $wm / $fm" | bc -l)"
	echo "wine start-up share of the Windows pass $(echo "scale=4; $um / $wm" | bc -l)"
else
	echo "Windows build or Wine missing: part 3 skipped (make windows; scripts/win-deps.sh --wine)"
fi
[ "${ONLY:-}" = wine ] && exit 0

# 2. the agent: a baseline pass, then idle
A=$T/agent; mkdir -p "$A"
printf '{"server":"https://127.0.0.1:9","agent_id":"bench","token":"x","pin":"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","agency":"","ca_file":""}' >"$A/agent.json"
printf '[fim]\nweb_roots = %s\npass_interval_s = 0\n[accounts]\ninterval_s = 0\n' "$T/www" >"$A/agent.conf"
"$BIN" agent run --data-dir "$A" -q & AGENT_PID=$!
clk=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; }
rss() { awk '/VmRSS/{print $2}' "/proc/$AGENT_PID/status"; }
hwm() { awk '/VmHWM/{print $2}' "/proc/$AGENT_PID/status"; }
t0=$(date +%s.%N); c0=$(cpu)
for _ in $(seq 1 600); do [ -s "$A/fim/baseline" ] && break; sleep 0.2; done
t1=$(date +%s.%N); c1=$(cpu)
printf 'agent first pass: %.1fs wall, cpu %.0f%% (of one core), peak rss %s KiB\n' \
	"$(echo "$t1 - $t0" | bc -l)" "$(echo "($c1 - $c0) / $clk / ($t1 - $t0) * 100" | bc -l)" "$(hwm)"
sleep 3
c0=$(cpu); t0=$(date +%s.%N); sleep 20; c1=$(cpu); t1=$(date +%s.%N)
printf 'agent idle (watching %s files, server unreachable): cpu %.2f%%, rss %s KiB\n' "$N" \
	"$(echo "($c1 - $c0) / $clk / ($t1 - $t0) * 100" | bc -l)" "$(rss)"
