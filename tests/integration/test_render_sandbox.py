#!/usr/bin/env python3
"""Documents are rendered out of the server's process (issue 20 item 7,
server/render_privsep.h): the Mẫu 03/04 of a case, laid out from the
officers' text by pango/cairo/fontconfig, run in a sandboxed child. A
renderer made to crash or to loop (the test inputs of a test build, in an
officer's field, turned on by CANHGAC_TEST_PARSER_HOOKS=1, with a 3-second
deadline) fails only that request with 422 and the reason, while the
server goes on answering and the next document renders; text the loaded
fonts do not cover (CJK, emoji, Hebrew) still renders, those glyphs left
out, since the child cannot open fallback font files once confined; no child is
left behind. A report made on demand renders the same way (a crash fails
that request with 500 and the reason). Runs on both backends. Prints
TAP."""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from _sandboxlib import CRASH, LOOP, DEADLINE_MS, answering, children, hooks_on, wait  # noqa: E402

tmp = tempfile.mkdtemp(prefix="canhgac-render-")


def pdf_text(data):
    p = os.path.join(tmp, "x.pdf")
    with open(p, "wb") as f:
        f.write(data)
    r = subprocess.run(["pdftotext", p, "-"], capture_output=True, text=True)
    return re.sub(r"\s+", " ", r.stdout)


def docs_of(c):
    return [e for e in (c.get("timeline") or []) if e.get("what") == "document"]


def main():
    hooks_on()
    t = S.Tap()
    srv = S.Server()
    try:
        admin = srv.login_admin()
        pid = srv.proc.pid
        _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt"})
        st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Mã độc trên máy trạm", "kind": "malware",
                                                            "severity": "high", "agency_id": ag["id"], "owner": "admin",
                                                            "detected_at": "2026-12-01T02:30:00Z"})
        base = "/api/v1/incidents/%d/documents" % c["id"]

        st, b, _ = admin.req("POST", base, {"form": "mau-03", "format": "pdf",
                                            "fields": {"measures": CRASH.decode() + " cô lập máy"}})
        _, now, _ = admin.req("GET", "/api/v1/incidents/%d" % c["id"])
        t.ok(st == 422 and "could not be rendered" in b.get("error", "") and "signal" in b.get("error", "")
             and not docs_of(now),
             "a renderer that crashes on an officer's text fails that issue with 422 naming the signal, nothing issued",
             (st, b))
        t.ok(answering(admin), "the server answers after the crash")
        st, pdf, _ = admin.req("GET", base + "/mau-03.pdf")
        t.ok(st == 200 and pdf[:5] == b"%PDF-" and "Mã độc trên máy trạm" in pdf_text(pdf),
             "the next document of the same case renders", st)

        res = {}

        def looping():
            t0 = time.monotonic()
            res["st"], res["b"], _ = admin.req("POST", base, {"form": "mau-03", "format": "docx",
                                                              "fields": {"measures": LOOP.decode()}})
            res["s"] = time.monotonic() - t0
        th = threading.Thread(target=looping)
        th.start()
        time.sleep(0.5)
        alive = [answering(admin) for _ in range(5)]
        th.join(30)
        t.ok(all(alive), "while a renderer loops, other requests are answered at once", alive)
        t.ok(res.get("st") == 422 and "deadline" in res["b"].get("error", "")
             and DEADLINE_MS / 1000 - 0.5 < res["s"] < DEADLINE_MS / 1000 + 5,
             "the looping renderer is killed at its deadline and that issue fails with 422", res)

        fields = {"reporter": "Nguyễn Văn An", "measures": "Cô lập máy chủ 漢字 😀 ✓ ∑ עברית",
                  "place": "Lai Châu"}
        st, c2, _ = admin.req("POST", base, {"form": "mau-03", "format": "pdf", "fields": fields})
        d = docs_of(c2)[-1]["detail"] if st == 201 and docs_of(c2) else {}
        st2, f, _ = admin.req("GET", "%s/%s.pdf" % (base, d.get("sha256")))
        txt = pdf_text(f) if st2 == 200 else ""
        t.ok(st == 201 and st2 == 200 and "Nguyễn Văn An" in txt and "Cô lập máy chủ" in txt,
             "text outside the loaded fonts (CJK, emoji, Hebrew) still renders, the rest as written",
             (st, st2, txt[:400]))
        st, docx, h = admin.req("GET", base + "/mau-04.docx")
        t.ok(st == 200 and docx[:2] == b"PK", "a draft DOCX renders in the sandbox too", (st, h))
        # a report made on demand: its PDF and DOCX are rendered the same way
        cur = time.strftime("%Y-%m", time.gmtime())
        _, bad, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở " + CRASH.decode(), "kind": "so_ban_nganh",
                                                             "code": "crash"})
        st, b, _ = admin.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur, "agency_id": bad["id"]})
        t.ok(st == 500 and "could not be made" in b.get("error", "") and "signal" in b.get("error", ""),
             "a report whose text crashes the renderer fails that request, naming the signal", (st, b))
        st, rep, _ = admin.req("POST", "/api/v1/reports", {"kind": "monthly", "period": cur, "agency_id": ag["id"]})
        t.ok(st == 201 and answering(admin), "the next report is made and the server answers", (st, rep))
        t.ok(wait(lambda: not children(pid), 5), "no renderer child is left behind", children(pid))
    except Exception as e:  # noqa: BLE001
        t.ok(False, "suite ran to the end", repr(e))
    finally:
        srv.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
