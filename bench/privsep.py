#!/usr/bin/env python3
"""bench/privsep.py - what running the server's parsers in sandboxed
children costs (docs/architecture.md, "Parsers out of the server
process"): the same uploads against a server built before the change
(BEFORE=path/to/canhgac) and this tree's (AFTER, default build/canhgac),
each on its own fresh SQLite data directory on loopback.

  DNS   one gzip BIND log of LINES lines (default 1,000,000, bench/dns_gen.py,
        a 20,000-name blocklist in dns-intel/), from POST .../analyze to
        "done" (the job runs within CG_DNS_SWEEP_MS: the time is measured
        from the request)
  CSV   an agency import of ROWS rows (default 2,000), one request
  FILE  ATTACH attachments of 4 KiB (default 200), one request each: the
        fixed cost of starting a child per request

Wall-clock time, and the CPU time of the server with its reaped
children (utime+stime+cutime+cstime: less sensitive than wall time to
other work on a shared machine). Each case runs RUNS times (default 3), the two servers taking turns,
median counted. Prints the
seconds of each and `ratio privsep-CASE-after-vs-before VALUE`.
"""
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import _serverlib as S  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LINES = int(os.environ.get("LINES", "1000000"))
ROWS = int(os.environ.get("ROWS", "2000"))
ATTACH = int(os.environ.get("ATTACH", "200"))
RUNS = int(os.environ.get("RUNS", "3"))
CHUNK = 8 << 20


def inputs():
    d = os.path.join(ROOT, "build", "bench-dns")
    os.makedirs(d, exist_ok=True)
    log, bl = os.path.join(d, "bind-%d.log" % LINES), os.path.join(d, "blocklist-20000.txt")
    if not (os.path.exists(log) and os.path.exists(bl)):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "dns_gen.py"), str(LINES), "20000",
                        log + ".tmp", bl], check=True)
        os.rename(log + ".tmp", log)
    gz = log + ".gz"
    if not os.path.exists(gz):
        with open(log, "rb") as f, gzip.open(gz, "wb", compresslevel=1) as g:
            g.write(f.read())
    return open(gz, "rb").read(), bl


def cpu(pid):
    """CPU seconds of the server and its reaped children (the parsers)."""
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in v[11:15]) / os.sysconf("SC_CLK_TCK")


def one(binary, gzlog, bl):
    S.BIN = binary
    srv = S.Server(data_dir=tempfile.mkdtemp(prefix="canhgac-bench."))
    try:
        admin = srv.login_admin()
        os.makedirs(os.path.join(srv.data_dir, "dns-intel"), exist_ok=True)
        with open(bl, "rb") as f, open(os.path.join(srv.data_dir, "dns-intel", "bl.txt"), "wb") as g:
            g.write(f.read())
        # DNS
        st, up, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": "big.log.gz"})
        for off in range(0, len(gzlog), CHUNK):
            st, _, _ = admin.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (up["id"], off),
                                 raw=gzlog[off:off + CHUNK], ctype="application/octet-stream")
            assert st == 200, st
        pid = srv.proc.pid
        t0, c0 = time.monotonic(), cpu(pid)
        admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % up["id"], {})
        while True:
            st, b, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % up["id"])
            if b.get("state") in ("done", "failed"):
                break
            time.sleep(0.02)
        dns, dns_cpu = time.monotonic() - t0, cpu(pid) - c0
        assert b["state"] == "done", b
        flagged = b["result"]["clients_flagged"]
        # CSV
        csv = "name,kind,code,ip_ranges\n" + "".join(
            "Cơ quan %d,so_ban_nganh,cq%d,10.%d.%d.0/24\n" % (i, i, 100 + i // 256, i % 256) for i in range(ROWS))
        t0, c0 = time.monotonic(), cpu(pid)
        st, b, _ = admin.req("POST", "/api/v1/import/agencies", raw=csv.encode(), ctype="text/csv")
        imp, imp_cpu = time.monotonic() - t0, cpu(pid) - c0
        assert st == 200 and b["imported"] == ROWS, (st, b)
        # FILE
        st, ags, _ = admin.req("GET", "/api/v1/agencies?limit=1")
        items = ags.get("items", ags) if isinstance(ags, dict) else ags
        st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Bench", "kind": "defacement", "severity": "high",
                                                            "agency_id": items[0]["id"], "owner": "admin",
                                                            "detected_at": "2026-12-01T02:30:00Z"})
        blob = bytes(range(256)) * 16
        t0, c0 = time.monotonic(), cpu(pid)
        for i in range(ATTACH):
            st, _, _ = admin.req("POST", "/api/v1/incidents/%d/attachments?name=f%d.bin" % (c["id"], i),
                                 raw=blob[i % 256:] + b"%d" % i, ctype="application/octet-stream")
            assert st == 201, st
        att, att_cpu = (time.monotonic() - t0) / ATTACH, (cpu(pid) - c0) / ATTACH
        return dns, imp, att, flagged, dns_cpu, imp_cpu, att_cpu
    finally:
        srv.stop()


def main():
    before = os.environ.get("BEFORE")
    after = os.environ.get("AFTER", os.path.join(ROOT, "build", "canhgac"))
    if not before:
        print("BEFORE=path/to/canhgac (built from the commit before the change) is required", file=sys.stderr)
        return 2
    gzlog, bl = inputs()
    print("input: %d lines (%d MiB gzip), %d CSV rows, %d attachments; %d runs" %
          (LINES, len(gzlog) >> 20, ROWS, ATTACH, RUNS))
    # interleaved (before, after, before, ...): a shared machine's load
    # drifts, and each side should see the same drift
    runs = {"before": [], "after": []}
    for _ in range(RUNS):
        for name, binary in (("before", before), ("after", after)):
            runs[name].append(one(binary, gzlog, bl))
    res = {}
    for name in ("before", "after"):
        res[name] = [statistics.median(r[i] for r in runs[name]) for i in (0, 1, 2, 4, 5, 6)]
        w = res[name]
        print("%-6s wall: dns %.2f s  csv %.3f s  attachment %.1f ms;  CPU: dns %.2f s  csv %.3f s  "
              "attachment %.1f ms  (flagged %s)" %
              (name, w[0], w[1], w[2] * 1000, w[3], w[4], w[5] * 1000,
               sorted({r[3] for r in runs[name]})))
    for i, case in enumerate(("dns", "csv", "attachment", "dns-cpu", "csv-cpu", "attachment-cpu")):
        print("ratio privsep-%s-after-vs-before %.3f" % (case, res["after"][i] / res["before"][i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
