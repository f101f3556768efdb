#!/usr/bin/env bash
# bench/sharing.sh - syslog forwarding of `canhgac serve` (CEF over TCP)
# against socat sending the same lines over one TCP connection.
#
# In one run, on the same machine, to the same rsyslog (Debian's, run
# unprivileged on loopback, imtcp writing each message to a file):
#   1. a store is filled with BENCH_EVENTS events (default 1,000,000)
#      through POST /api/v1/events, with no destination configured;
#   2. canhgac: the server is started again with one [forward.bench]
#      destination (tcp://, format cef); timed from the start until
#      rsyslog's file holds every event (the cursor starts at 0, so the
#      whole store is the backlog: read in seq order, formatted, sent,
#      acknowledged by the receiver's TCP, the cursor moved per batch);
#   3. the anchor: the very messages rsyslog received from canhgac, framed
#      the same way (octet counting), written by `socat -u FILE TCP:...`
#      over one connection; timed until rsyslog's file holds them all.
# Prints events/s for both and `ratio forward-cef-vs-socat VALUE` (goal
# >= 0.5: canhgac reads the store, formats and waits for acknowledgements;
# socat only copies bytes it was given).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build >/dev/null
BIN=$PWD/build/canhgac
N=${BENCH_EVENTS:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-bench.XXXXXX")
spid="" rpid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
command -v rsyslogd >/dev/null || { echo "rsyslogd missing (scripts/setup-deps.sh)" >&2; exit 2; }
command -v socat >/dev/null || { echo "socat missing (scripts/setup-deps.sh)" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rsyslog_start() { # rsyslog_start OUTFILE
	cat >"$work/rs.conf" <<EOF
global(workDirectory="$work" maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
input(type="imtcp" address="127.0.0.1" port="$port" ruleset="r")
ruleset(name="r") { action(type="omfile" file="$1" template="raw" asyncWriting="on" ioBufferSize="256k") }
EOF
	rsyslogd -n -f "$work/rs.conf" -i "$work/rs.pid" 2>>"$work/rs.err" &
	rpid=$!
	sleep 1
}
rsyslog_stop() { kill "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=""; }
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
wait_lines() { # wait_lines FILE N: until FILE has N lines
	while [ "$(lines "$1")" -lt "$2" ]; do sleep 0.05; done
}
now() { date +%s.%N; }

# --- 1. the store, filled through the API -----------------------------------
data=$work/data
echo "bench-password-123" | "$BIN" user add admin --role admin --data-dir "$data" >/dev/null
serve() { # serve [--config FILE]
	"$BIN" serve --exposure-interval 0 --listen 127.0.0.1:0 --no-tls --data-dir "$data" "$@" \
		>"$work/serve.out" 2>>"$work/serve.err" &
	spid=$!
	while ! grep -q "listening on" "$work/serve.out" 2>/dev/null; do sleep 0.05; done
	addr=$(sed -n 's|.*listening on http://||p' "$work/serve.out" | head -1)
}
serve
echo "filling the store with $N events..."
python3 - "$addr" "$N" <<'EOF'
import http.client, json, sys
host, port = sys.argv[1].rsplit(":", 1)
n = int(sys.argv[2])
c = http.client.HTTPConnection(host, int(port))
def req(method, path, body, hdrs):
    c.request(method, path, body=json.dumps(body).encode(), headers=hdrs)
    r = c.getresponse()
    return r.status, json.loads(r.read() or b"null"), r
st, body, r = req("POST", "/api/v1/session", {"username": "admin", "password": "bench-password-123"},
                  {"Content-Type": "application/json"})
cookie = r.getheader("Set-Cookie").split(";", 1)[0]
csrf = body.get("csrf_token")
st, tok, _ = req("POST", "/api/v1/tokens", {"name": "bench", "scope": "ingest"},
                 {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})
auth = {"Content-Type": "application/json", "Authorization": "Bearer " + tok["token"]}
srcs = ["web", "malware", "dns", "secrets", "agent"]
sevs = ["info", "low", "medium", "high", "critical"]
for b in range(0, n, 1000):
    evs = [{"id": f"b-{i}", "time": "2026-11-21T04:00:00Z", "source": srcs[i % 5],
            "kind": "k%d" % (i % 7), "severity": sevs[i % 5], "host": f"host-{i % 300}",
            "subject": f"http://portal{i % 50}.example.vn/p?id={i}",
            "summary": f"finding {i}: a|b=c\\d"} for i in range(b, min(n, b + 1000))]
    st, body, _ = req("POST", "/api/v1/events", evs, auth)
    assert st == 200 and body["accepted"] == len(evs), body
EOF
kill "$spid"; wait "$spid" 2>/dev/null || true; spid=""

# --- 2. canhgac forwarding the whole store ----------------------------------
out1=$work/canhgac.log
rsyslog_start "$out1"
cat >"$work/canhgac.ini" <<EOF
[forward.bench]
url = tcp://127.0.0.1:$port
format = cef
EOF
t0=$(now)
serve --config "$work/canhgac.ini"
wait_lines "$out1" "$N"
t1=$(now)
kill "$spid"; wait "$spid" 2>/dev/null || true; spid=""
rsyslog_stop
c_s=$(echo "$t1 - $t0" | bc -l)
c_rate=$(echo "$N / $c_s" | bc -l)
printf 'canhgac: %d CEF events forwarded over TCP in %.2f s: %.0f events/s\n' "$N" "$c_s" "$c_rate"

# --- 3. the anchor: socat sending the same messages -------------------------
python3 - "$out1" "$work/framed" <<'EOF'
import sys
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as o:
    for line in f:
        m = line.rstrip(b"\n")
        o.write(b"%d %s" % (len(m), m))
EOF
out2=$work/socat.log
rsyslog_start "$out2"
t0=$(now)
socat -u "OPEN:$work/framed" "TCP:127.0.0.1:$port"
wait_lines "$out2" "$N"
t1=$(now)
rsyslog_stop
s_s=$(echo "$t1 - $t0" | bc -l)
s_rate=$(echo "$N / $s_s" | bc -l)
printf 'socat:   the same %d messages over one TCP connection in %.2f s: %.0f events/s\n' \
	"$N" "$s_s" "$s_rate"
echo "rsyslog wrote $(lines "$out1") lines from canhgac, $(lines "$out2") from socat"
printf 'ratio forward-cef-vs-socat %.2f\n' "$(echo "$c_rate / $s_rate" | bc -l)"
