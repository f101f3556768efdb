#!/usr/bin/env bash
# `canhgac dns watch`: follows a growing log and emits events as they come,
# across rotation by rename (logrotate create), truncation (copytruncate)
# and a log that appears late; existing content skipped unless --from-start.
. "$(dirname "$0")/lib.sh"
d=$(tmpdir)
printf 'evil.example\n' >"$d/bl.txt"
line() { # line CLIENT NAME
	printf '21-Nov-2026 04:25:01.123 queries: info: client @0x7f1c2c0a1b20 %s#53535 (%s): query: %s IN A +E(0)K (10.0.0.1)\n' "$1" "$2" "$2"
}
wait_for() { # wait_for PATTERN FILE: up to 20 s
	for _ in $(seq 200); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
line 10.0.0.1 a.evil.example >"$d/q.log" # before the watch: not reported
"$CANHGAC" dns watch --no-dga --interval 50 --duration 60 --blocklist "$d/bl.txt" \
	--subnets <(printf '10.0.0.0/8 Sở Y tế\n') "$d/q.log" "$d/late.log" >"$d/out" 2>"$d/err" &
pid=$!
sleep 1
line 10.0.0.2 www.example.com >>"$d/q.log"
line 10.0.0.3 x.evil.example >>"$d/q.log"
if wait_for '"subject":"10.0.0.3"' "$d/out"; then ok "event for a new infected client appended to the log"
else not_ok "event for a new infected client appended to the log"; diag "$(cat "$d/out" "$d/err")"; fi
grep -q '"subject":"10.0.0.1"' "$d/out" && not_ok "content before the start is skipped" || ok "content before the start is skipped"
if python3 -c 'import json,sys
e=json.loads(open(sys.argv[1]).readline())
assert e["source"]=="dns" and e["kind"]=="infected_client" and e["agency"]=="Sở Y tế"
assert e["evidence"]["trigger"]=="blocklist"' "$d/out"; then ok "events are cg_event JSON with agency and trigger"
else not_ok "events are cg_event JSON with agency and trigger"; diag "$(head -2 "$d/out")"; fi

# rotation: rename away, a new file at the path
mv "$d/q.log" "$d/q.log.1"
sleep 0.3 # the watcher sees the path gone for a few rounds (--interval 50)
line 10.0.0.4 y.evil.example >>"$d/q.log.1" # written to the old file before it is reopened
line 10.0.0.5 z.evil.example >"$d/q.log"
if wait_for '"subject":"10.0.0.5"' "$d/out"; then ok "follows the new file after rotation (rename + create)"
else not_ok "follows the new file after rotation (rename + create)"; diag "$(cat "$d/out" "$d/err")"; fi
if grep -q '"subject":"10.0.0.4"' "$d/out"; then ok "lines written to the old file before rotation are not lost"
else not_ok "lines written to the old file before rotation are not lost"; fi

# truncation in place (copytruncate)
line 10.0.0.6 www.example.com >>"$d/q.log"
sleep 0.5
: >"$d/q.log"
line 10.0.0.7 t.evil.example >>"$d/q.log"
if wait_for '"subject":"10.0.0.7"' "$d/out"; then ok "reads again from the start after truncation"
else not_ok "reads again from the start after truncation"; diag "$(cat "$d/out")"; fi

# a log that appears after the start, with a partial line completed later
printf '%s' "$(line 10.0.0.8 p.evil.example | head -c 60)" >"$d/late.log"
sleep 0.5
line 10.0.0.8 p.evil.example | tail -c +61 >>"$d/late.log"
if wait_for '"subject":"10.0.0.8"' "$d/out"; then ok "a log created later is followed; a line written in two parts is read once whole"
else not_ok "a log created later is followed; a line written in two parts is read once whole"; diag "$(cat "$d/out" "$d/err")"; fi

# one event per client and reason, not per query
line 10.0.0.3 again.evil.example >>"$d/q.log"
sleep 0.5
n=$(grep -c '"subject":"10.0.0.3"' "$d/out")
[ "$n" -eq 1 ] && ok "no repeated event for a known reason" || not_ok "no repeated event for a known reason ($n)"

kill -TERM "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 1 ] && ok "exit 1 after events (SIGTERM)" || not_ok "exit 1 after events (rc $rc)"
if tail -1 "$d/out" | grep -q '"type":"summary"'; then ok "summary line at exit"; else not_ok "summary line at exit"; diag "$(tail -2 "$d/out")"; fi

# --from-start and --duration
"$CANHGAC" dns watch --no-dga --from-start --interval 50 --duration 1 --blocklist "$d/bl.txt" "$d/q.log.1" >"$d/out2" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '"subject":"10.0.0.1"' "$d/out2"; then ok "--from-start reads existing content; --duration stops"
else not_ok "--from-start reads existing content; --duration stops (rc $rc)"; diag "$(cat "$d/out2")"; fi
expect_rc 2 "watch without a log is a usage error" "$CANHGAC" dns watch --no-dga
done_testing
