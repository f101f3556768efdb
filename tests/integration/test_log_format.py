#!/usr/bin/env python3
"""Structured logs of `canhgac serve` (core/log.h, http.c):
--log-format json (and log_format in the --config file, changed by
SIGHUP) writes one JSON object a line with time, level and msg; each
request is one line with its request_id (the X-Request-Id its client
got), method, route, status and duration_ms; a line logged while a
request is handled carries that request's id. Bad values are refused
before the server starts."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\Z")


def log_lines(srv):
    srv.log.flush()
    with open(os.path.join(srv.data_dir, "server.log"), encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def wait_for(srv, pred, timeout=10):
    """The log's lines once pred(lines) holds (the request line is written
    when the connection completes, just after the answer)."""
    end = time.time() + timeout
    while True:
        lines = log_lines(srv)
        if pred(lines) or time.time() > end:
            return lines
        time.sleep(0.05)


def json_objs(lines):
    return [json.loads(ln) for ln in lines if ln.startswith("{")]


t = Tap()


class JsonServer(Server):
    extra_args = ["--log-format", "json", "-v"]


srv = JsonServer()
try:
    admin = srv.login_admin()
    st, body, h = admin.req("GET", "/api/v1/agencies")
    rid = h.get("x-request-id")
    lines = wait_for(srv, lambda ls: any(rid in ln for ln in ls))
    # every line the logger wrote is one JSON object; the only text lines
    # are those `serve` prints before it (the store line tests read)
    other = [ln for ln in lines if not ln.startswith("{") and not ln.startswith("canhgac serve: ")]
    bad = []
    objs = []
    for ln in lines:
        if not ln.startswith("{"):
            continue
        try:
            o = json.loads(ln)
        except ValueError:
            bad.append(ln)
            continue
        objs.append(o)
        if not (isinstance(o, dict) and RFC3339.match(o.get("time", "")) and
                o.get("level") in ("error", "warning", "info", "debug") and isinstance(o.get("msg"), str)):
            bad.append(ln)
    t.ok(objs and not bad and not other, f"{len(objs)} log lines, each one JSON object with time, level, msg",
         (bad[:3], other[:3]))
    reqs = [o for o in objs if o.get("request_id") == rid and "route" in o]
    t.ok(len(reqs) == 1, "the request is one line carrying the X-Request-Id its client got", reqs)
    if reqs:
        r = reqs[0]
        t.ok(r["method"] == "GET" and r["route"] == "/api/v1/agencies" and r["status"] == 200
             and isinstance(r["duration_ms"], int) and r["duration_ms"] >= 0 and r["client"] == "127.0.0.1"
             and r["level"] == "info",
             "with its method, route, status, duration_ms and client", r)
    # a line logged inside a handler names its request: an enrolment token
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1"})
    st, body, h = admin.req("POST", "/api/v1/enroll-tokens", {"agency_id": ag["id"]})
    rid2 = h.get("x-request-id")
    lines = wait_for(srv, lambda ls: sum(rid2 in ln for ln in ls) >= 2)
    mine = [o for o in json_objs(lines) if o.get("request_id") == rid2]
    t.ok(st == 201 and any(o["msg"].startswith("enrolment token") and "route" not in o for o in mine)
         and any(o.get("status") == 201 for o in mine),
         "the handler's own log line carries the request's id, as does its request line", (st, mine))
    # an unmatched request: route "(unmatched)", the path is not logged as a route
    st, _, h = srv.client().req("GET", "/no/such/path")
    rid3 = h.get("x-request-id")
    lines = wait_for(srv, lambda ls: any(rid3 in ln for ln in ls))
    r3 = [o for o in json_objs(lines) if o.get("request_id") == rid3]
    t.ok(st == 404 and r3 and r3[0]["route"] == "(unmatched)" and r3[0]["status"] == 404,
         "an unknown path is logged as route (unmatched), 404", r3)
finally:
    srv.cleanup()

# the same from the configuration file, and a SIGHUP back to text
tmp = tempfile.mkdtemp(prefix="canhgac-logfmt.")
conf = os.path.join(tmp, "canhgac.ini")
with open(conf, "w") as f:
    f.write("[server]\nlog_format = json\nlog_level = info\n")


class ConfServer(Server):
    extra_args = ["--config", conf]


srv = ConfServer()
try:
    admin = srv.login_admin()
    _, _, h = admin.req("GET", "/api/v1/agencies")
    rid = h.get("x-request-id")
    lines = wait_for(srv, lambda ls: any(rid in ln for ln in ls))
    got = [ln for ln in lines if rid in ln]
    t.ok(got and json.loads(got[0])["route"] == "/api/v1/agencies", "log_format = json in --config", got)
    with open(conf, "w") as f:
        f.write("[server]\nlog_format = text\nlog_level = info\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(srv, lambda ls: any("reload:" in ln for ln in ls))
    _, _, h = admin.req("GET", "/api/v1/agencies")
    rid = h.get("x-request-id")
    lines = wait_for(srv, lambda ls: any(rid in ln for ln in ls))
    got = [ln for ln in lines if rid in ln]
    t.ok(got and got[0].startswith("canhgac: request GET /api/v1/agencies: 200")
         and f"request_id={rid}" in got[0] and "status=200" in got[0],
         "SIGHUP with log_format = text: the request line is text with key=value fields", got)
finally:
    srv.cleanup()

# refusals, before anything starts
data = os.path.join(tmp, "data")
r = subprocess.run([BIN, "serve", "--exposure-interval", "0", "--no-tls", "--listen", "127.0.0.1:0", "--data-dir", data, "--log-format", "xml"],
                   capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 2 and "--log-format" in r.stderr and not os.path.exists(data),
     "--log-format xml is refused (exit 2), nothing created", (r.returncode, r.stderr))
with open(conf, "w") as f:
    f.write("[server]\nlog_format = yaml\n")
r = subprocess.run([BIN, "serve", "--exposure-interval", "0", "--no-tls", "--listen", "127.0.0.1:0", "--data-dir", data, "--config", conf],
                   capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 2 and f"{conf}:2: log_format must be text or json" in r.stderr,
     "log_format = yaml is refused naming FILE:LINE", (r.returncode, r.stderr))
subprocess.run(["rm", "-rf", tmp], check=False)
t.done()
