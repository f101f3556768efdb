#!/usr/bin/env python3
"""test_intel_sandbox.py - what the server's intel:NAME jobs fetch is read
in sandboxed children (server/intel_privsep.h): a reader made to crash or
to loop (the test inputs of a test build, turned on by
CANHGAC_TEST_PARSER_HOOKS=1, with a 3-second deadline) fails only that
source's pull, recorded as the source's last error naming the signal or
the deadline, while the server goes on answering and the other sources
pull as before. A TAXII collection whose second page crashes its reader
stores nothing of the first (one transaction per pull, cursor kept); a
MISP feed event and a MISP restSearch answer that crash fail their pulls
(a crash is not a "skipped" event); a document that is not JSON is the
reader's own error, as in-process; no child is left behind. The remote
side is a real HTTP server on loopback (python's http.server). Runs on
both backends. TAP; python3 stdlib."""
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from _sandboxlib import CRASH, DEADLINE_MS, LOOP, answering, children, hooks_on, wait  # noqa: E402

TAXII = "application/taxii+json;version=2.1"
E1 = "5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
E2 = "6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c"
T = int(time.time()) - 3600


def indicator(i, dom):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%08d-1111-4111-8111-111111111111" % i,
            "pattern": "[domain-name:value = '%s']" % dom, "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z", "confidence": 70}


def envelope(objs, more=False, nxt=None):
    e = {"more": more, "objects": objs}
    if nxt:
        e["next"] = nxt
    return json.dumps(e).encode()


GOOD1 = envelope([indicator(1, "one.good.example"), indicator(2, "two.good.example")], True, "p2")
GOOD2 = envelope([indicator(3, "three.good.example")])
HALF1 = envelope([indicator(4, "half.example")], True, "p2")

misp_event = {"Event": {"uuid": E1, "info": "x", "timestamp": str(T), "Tag": [{"name": "tlp:green"}],
                        "Attribute": [{"uuid": "a1a1a1a1-0000-4000-8000-000000000001", "type": "domain",
                                       "value": "feed.good.example", "to_ids": True,
                                       "timestamp": str(T)}], "Object": []}}
manifest = {E1: {"info": "x", "timestamp": str(T)}, E2: {"info": "y", "timestamp": str(T + 1)}}

# path -> body (GET); the TAXII ones by their "next" argument
pages = {
    "/good/objects/": {None: GOOD1, "p2": GOOD2},
    "/half/objects/": {None: HALF1, "p2": CRASH + b"\n"},
    "/crash/objects/": {None: CRASH + b"\n"},
    "/loop/objects/": {None: LOOP + b"\n"},
    "/notjson/objects/": {None: b"{\"more\": fal"},
}
files = {
    "/feed/manifest.json": json.dumps(manifest).encode(),
    "/feed/%s.json" % E1: json.dumps(misp_event).encode(),
    "/feed/%s.json" % E2: CRASH + b"\n",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if ctype == TAXII:
            self.send_header("X-TAXII-Date-Added-Last", "2026-11-30T00:00:00.000Z")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path in pages:
            nxt = parse_qs(u.query).get("next", [None])[0]
            return self.answer(pages[u.path].get(nxt, b"{}"), TAXII)
        if u.path in files:
            return self.answer(files[u.path], "application/json")
        self.send_error(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        if self.path == "/misp/events/restSearch":
            return self.answer(CRASH + b"\n", "application/json")
        self.send_error(404)


def main():
    hooks_on()
    t = S.Tap()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % httpd.server_address[1]
    tmp = tempfile.mkdtemp(prefix="canhgac-intelsb.")
    cfg = os.path.join(tmp, "serve.ini")
    with open(cfg, "w") as f:
        for name in ("good", "half", "crash", "loop", "notjson"):
            f.write("[intel.%s]\nkind = taxii\nurl = %s/%s/\ninterval = 3600\n\n" % (name, base, name))
        f.write("[intel.feed]\nkind = misp-feed\nurl = %s/feed\ninterval = 3600\n\n" % base)
        f.write("[intel.misp]\nkind = misp\nurl = %s/misp\ninterval = 3600\n" % base)

    class IServer(S.Server):
        extra_args = ("--config", cfg)
    srv = IServer()
    try:
        admin = srv.login_admin()
        pid = srv.proc.pid

        def sources():
            st, body, _ = admin.req("GET", "/api/v1/intel/sources")
            return {s["name"]: s for s in body.get("items", [])} if st == 200 else {}

        def pulled(name, after=None):
            s = sources().get(name)
            if s and (s["last_pull"] or s["last_error"]) and (after is None or s != after):
                return s
            return None

        # the server answers while the pulls (one of them looping) run
        alive = []
        end = time.monotonic() + DEADLINE_MS / 1000 + 1
        while time.monotonic() < end:
            alive.append(answering(admin))
            time.sleep(0.3)
        names = ("good", "half", "crash", "loop", "notjson", "feed", "misp")
        got = {n: wait(lambda n=n: pulled(n), 90) for n in names}
        t.ok(alive and all(alive), "the server answers at once while the pulls run", alive)

        g = got["good"]
        st, inds, _ = admin.req("GET", "/api/v1/intel/indicators?type=domain&limit=1000")
        by_src = {}
        for i in inds.get("items", []) if st == 200 else []:
            by_src.setdefault(i["source"], set()).add(i["value"])
        t.ok(g and g["last_error"] is None and g["indicators"] == 3 and g["cursor"]
             and by_src.get("good") == {"one.good.example", "two.good.example", "three.good.example"},
             "a normal TAXII source read by the sandboxed reader: both pages' indicators, a cursor",
             (g, by_src))
        good_one = [i for i in inds.get("items", []) if i["value"] == "one.good.example"]
        t.ok(good_one and good_one[0]["confidence"] == 70,
             "the indicators keep their confidence through the child's answer", good_one)

        c = got["crash"]
        t.ok(c and c["last_error"] and "signal" in c["last_error"] and base + "/crash/" in c["last_error"]
             and c["indicators"] == 0 and not c["cursor"],
             "a TAXII page that crashes its reader fails the pull; the error names the signal and the URL", c)
        lp = got["loop"]
        t.ok(lp and lp["last_error"] and "deadline" in lp["last_error"] and lp["indicators"] == 0,
             "a TAXII page that makes its reader loop fails the pull at the deadline", lp)
        h = got["half"]
        t.ok(h and h["last_error"] and "signal" in h["last_error"] and h["indicators"] == 0
             and not h["cursor"] and "half" not in by_src,
             "a crash on page 2 stores nothing of page 1 and keeps no cursor", (h, by_src))
        fd = got["feed"]
        t.ok(fd and fd["last_error"] and "signal" in fd["last_error"] and E2 in fd["last_error"]
             and fd["indicators"] == 0 and not fd["cursor"],
             "a MISP feed event that crashes its reader fails the pull (not counted as skipped)", fd)
        m = got["misp"]
        t.ok(m and m["last_error"] and "signal" in m["last_error"] and m["indicators"] == 0,
             "a MISP restSearch answer that crashes its reader fails the pull", m)
        nj = got["notjson"]
        t.ok(nj and nj["last_error"] and "signal" not in nj["last_error"]
             and "intel reader failed" not in nj["last_error"] and nj["indicators"] == 0,
             "a page that is not JSON is the reader's own error, as before", nj)

        # pull now: the crash again, the server still answering after it
        before = sources().get("crash")
        st, _, _ = admin.req("POST", "/api/v1/intel/pull?source=crash")
        again = wait(lambda: (lambda s: s if s and s["error_at"] != before["error_at"] else None)(
            sources().get("crash")), 60)
        t.ok(st == 202 and again and "signal" in (again["last_error"] or ""),
             "pulling the crashing source again fails it again", (st, again))
        t.ok(answering(admin), "the server answers after the failed pulls")
        t.ok(wait(lambda: not children(pid), 10), "no reader child is left behind", children(pid))
    except Exception as e:  # noqa: BLE001
        t.ok(False, "suite ran to the end", repr(e))
    finally:
        srv.stop()
        httpd.shutdown()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
