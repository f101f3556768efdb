#!/usr/bin/env python3
"""intel_privsep.py - what reading intelligence in a sandboxed child
costs (server/intel_privsep.h): the CPU time of one pull of a TAXII
collection of 10,000 STIX indicators by a running server, read in
sandboxed children (the server's way) and in the server's own process
(CANHGAC_TEST_PARSER_INTEL_IN_PROCESS=1, honoured by a test build only). The
CPU is the server's and its reaped children's (utime + stime + cutime +
cstime of /proc/PID/stat) over the pull, from "pull now" until the
source's last_pull changes; the median of ROUNDS pulls. Two shapes: the
collection in pages of 1,000 (the largest page_size: ten children) and
in one page of 10,000 (one child). The collection is served by a real
HTTP server on loopback; the store is SQLite (or PostgreSQL when
CANHGAC_TEST_BACKEND=pg and CANHGAC_TEST_PG are set, as the tests do).

  bench/intel_privsep.py [ROUNDS]     (build/canhgac by default, a test
                                       build; CANHGAC=... for another)
Prints one line per measurement and
`ratio intel-SHAPE-sandboxed-vs-in-process VALUE` (CPU: above 1 is what
the sandbox costs)."""
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the tree
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("CANHGAC", os.path.join(ROOT, "build", "canhgac"))
os.environ.setdefault("CANHGAC_SRC", ROOT)
import _serverlib as S  # noqa: E402

N = 10000
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TAXII = "application/taxii+json;version=2.1"


def indicator(i):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%08x-1111-4111-8111-%012x" % (i, i),
            "created": "2026-11-01T00:00:00Z", "modified": "2026-11-01T00:00:00Z",
            "pattern": "[domain-name:value = 'host-%d.bench.example']" % i, "pattern_type": "stix",
            "valid_from": "2026-11-01T00:00:00Z", "confidence": 60, "name": "bench %d" % i,
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}


OBJS = [indicator(i) for i in range(N)]
PAGED = {}
for p in range(N // 1000):
    more = p + 1 < N // 1000
    env = {"more": more, "objects": OBJS[p * 1000:(p + 1) * 1000]}
    if more:
        env["next"] = "p%d" % (p + 1)
    PAGED["p%d" % p] = json.dumps(env).encode()
WHOLE = json.dumps({"more": False, "objects": OBJS}).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlparse(self.path)
        nxt = parse_qs(u.query).get("next", ["p0"])[0]
        body = WHOLE if u.path.startswith("/whole/") else PAGED.get(nxt, b"{}")
        self.send_response(200)
        self.send_header("Content-Type", TAXII)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-TAXII-Date-Added-Last", "2026-11-30T00:00:00.000Z")
        self.end_headers()
        self.wfile.write(body)


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime stime cutime cstime: fields 14-17 of stat(5), here 11..14
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(base, in_process):
    tmp = tempfile.mkdtemp(prefix="canhgac-bench-intel.")
    cfg = os.path.join(tmp, "serve.ini")
    with open(cfg, "w") as f:
        for shape in ("paged", "whole"):
            f.write("[intel.%s]\nkind = taxii\nurl = %s/%s/\ninterval = 86400\npage_size = 1000\n\n"
                    % (shape, base, shape))
    if in_process:
        os.environ["CANHGAC_TEST_PARSER_INTEL_IN_PROCESS"] = "1"
    else:
        os.environ.pop("CANHGAC_TEST_PARSER_INTEL_IN_PROCESS", None)

    class BServer(S.Server):
        extra_args = ("--config", cfg)
    srv = BServer()
    out = {}
    try:
        admin = srv.login_admin()
        pid = srv.proc.pid

        def source(name):
            st, body, _ = admin.req("GET", "/api/v1/intel/sources")
            for s in body.get("items", []) if st == 200 else []:
                if s["name"] == name:
                    return s
            return None

        def wait_change(name, before, secs=300):
            end = time.monotonic() + secs
            while time.monotonic() < end:
                s = source(name)
                if s and (s["last_pull"], s["last_error"]) != before and (s["last_pull"] or s["last_error"]):
                    return s
                time.sleep(0.1)
            raise RuntimeError("no pull of %s" % name)
        for shape in ("paged", "whole"):
            s = wait_change(shape, (None, None))  # the pull on start
            if s["last_error"] or s["indicators"] != N:
                raise RuntimeError("first pull of %s: %r" % (shape, s))
        for shape in ("paged", "whole"):
            runs = []
            for _ in range(ROUNDS):
                s = source(shape)
                before = (s["last_pull"], s["last_error"])
                time.sleep(1.1)  # last_pull has a resolution of a second or so
                c0 = cpu_s(pid)
                admin.req("POST", "/api/v1/intel/pull?source=%s" % shape)
                s = wait_change(shape, before)
                runs.append(cpu_s(pid) - c0)
                if s["last_error"]:
                    raise RuntimeError("pull of %s: %s" % (shape, s["last_error"]))
            out[shape] = statistics.median(runs)
            print("%-10s %-6s CPU per pull: median %.3f s of %s" %
                  ("in-process" if in_process else "child", shape, out[shape],
                   " ".join("%.3f" % r for r in runs)), flush=True)
    finally:
        srv.stop()
    return out


def main():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % httpd.server_address[1]
    inproc = measure(base, True)
    child = measure(base, False)
    for shape in ("paged", "whole"):
        print("ratio intel-%s-sandboxed-vs-in-process %.3f" % (shape, child[shape] / inproc[shape]))
    httpd.shutdown()


if __name__ == "__main__":
    main()
