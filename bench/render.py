#!/usr/bin/env python3
"""bench/render.py - what rendering documents in a sandboxed child costs
(server/render_privsep.h; docs/architecture.md, "Parsers out of the
server process"): the same binary (a build with tests) run twice on fresh
SQLite data directories on loopback, once as it is and once with
CANHGAC_TEST_PARSER_RENDER_IN_PROCESS=1 (the anchor: the documents laid
out in the server's own process, as before the change).

  PDF   DOCS drafts of a case's Mẫu 03 as PDF (default 40), one request each
  DOCX  DOCS drafts of its Mẫu 04 as DOCX

Wall-clock time a document, and the CPU time of the server with its
reaped children (utime+stime+cutime+cstime). Each case runs RUNS times
(default 3), the two servers taking turns, median counted. Prints the
milliseconds of each and `ratio render-CASE-sandboxed-vs-in-process VALUE`.
"""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import _serverlib as S  # noqa: E402

DOCS = int(os.environ.get("DOCS", "40"))
RUNS = int(os.environ.get("RUNS", "3"))
KNOB = "CANHGAC_TEST_PARSER_RENDER_IN_PROCESS"


def cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in v[11:15]) / os.sysconf("SC_CLK_TCK")


def one(in_process):
    if in_process:
        os.environ[KNOB] = "1"
    else:
        os.environ.pop(KNOB, None)
    srv = S.Server(data_dir=tempfile.mkdtemp(prefix="canhgac-bench."))
    try:
        admin = srv.login_admin()
        _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
        _, c, _ = admin.req("POST", "/api/v1/incidents", {
            "title": "Trang chủ bị thay giao diện", "kind": "defacement", "severity": "critical",
            "agency_id": ag["id"], "owner": "admin", "description": "Trang chủ hiển thị nội dung lạ " * 20,
            "detected_at": "2026-12-01T02:30:00Z"})
        base = "/api/v1/incidents/%d/documents" % c["id"]
        pid = srv.proc.pid
        out = []
        for path, magic in (("/mau-03.pdf", b"%PDF-"), ("/mau-04.docx", b"PK")):
            t0, c0 = time.monotonic(), cpu(pid)
            for _ in range(DOCS):
                st, body, _ = admin.req("GET", base + path)
                assert st == 200 and body[:len(magic)] == magic, st
            out += [(time.monotonic() - t0) / DOCS, (cpu(pid) - c0) / DOCS]
        return out
    finally:
        srv.stop()


def main():
    runs = {"in-process": [], "sandboxed": []}
    for _ in range(RUNS):
        for name in runs:
            runs[name].append(one(name == "in-process"))
    res = {n: [statistics.median(r[i] for r in runs[n]) for i in range(4)] for n in runs}
    for n, w in res.items():
        print("%-10s a document: PDF %.1f ms wall, %.1f ms CPU;  DOCX %.1f ms wall, %.1f ms CPU"
              % (n, w[0] * 1000, w[1] * 1000, w[2] * 1000, w[3] * 1000))
    for i, case in enumerate(("pdf", "pdf-cpu", "docx", "docx-cpu")):
        print("ratio render-%s-sandboxed-vs-in-process %.3f" % (case, res["sandboxed"][i] / res["in-process"][i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
