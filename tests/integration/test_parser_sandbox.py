#!/usr/bin/env python3
"""The server's parsers of uploads run in sandboxed children
(server/privsep.h): a parser made to crash or to loop (the test inputs of
a test build, turned on by CANHGAC_TEST_PARSER_HOOKS=1, with a 3-second
deadline) fails only its own request or job, with a clear error, while
the server goes on answering; the same kinds of uploads, normal ones,
give the results they always gave; no child is left behind. Covers the
CSV import, the attachment type check and the DNS upload analysis. Runs
on both backends. Prints TAP."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from _sandboxlib import CRASH, DEADLINE_MS, LOOP, answering, children, hooks_on, wait  # noqa: E402

def bind_line(i, client, name):
    return ("21-Nov-2026 04:%02d:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A +E(0)K (10.0.0.1)\n"
            % (i // 60 % 60, i % 60, client, name, name))


def upload(admin, name, data):
    st, up, _ = admin.req("POST", "/api/v1/dns/uploads", {"name": name})
    admin.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up["id"], raw=data,
              ctype="application/octet-stream")
    admin.req("POST", "/api/v1/dns/uploads/%d/analyze" % up["id"], {})
    return up["id"]


def finished(admin, uid):
    def get():
        st, b, _ = admin.req("GET", "/api/v1/dns/uploads/%d" % uid)
        return b if st == 200 and b.get("state") in ("done", "failed") else None
    return wait(get, 60)


def main():
    hooks_on()
    t = S.Tap()
    srv = S.Server()
    try:
        admin = srv.login_admin()
        pid = srv.proc.pid

        # ---- CSV import ----
        st, b, _ = admin.req("POST", "/api/v1/import/agencies", raw=CRASH + b",kind\nx,y\n",
                             ctype="text/csv")
        t.ok(st == 422 and "signal" in b.get("error", "") and "could not be read" in b.get("error", ""),
             "a CSV reader that crashes fails its import with 422 naming the signal", (st, b))
        t.ok(answering(admin), "the server answers after the crash")

        res = {}

        def looping():
            t0 = time.monotonic()
            res["st"], res["b"], _ = admin.req("POST", "/api/v1/import/agencies", raw=LOOP + b"\n",
                                              ctype="text/csv")
            res["s"] = time.monotonic() - t0
        th = threading.Thread(target=looping)
        th.start()
        time.sleep(0.5)
        alive = [answering(admin) for _ in range(5)]
        th.join(30)
        t.ok(all(alive), "while a CSV reader loops, other requests are answered at once", alive)
        t.ok(res.get("st") == 422 and "deadline" in res["b"].get("error", "")
             and DEADLINE_MS / 1000 - 0.5 < res["s"] < DEADLINE_MS / 1000 + 5,
             "the looping reader is killed at its deadline and its import fails with 422", res)

        csv = ("name,kind,code,ip_ranges\n"
               "Sở Y tế,so_ban_nganh,syt,10.5.0.0/16\n"
               "\"Sở Tài chính, Kế hoạch\",so_ban_nganh,stc,10.6.0.0/16;10.7.0.0/16\n"
               "Bad,not-a-kind,bad,\n"
               "\"unterminated,so_ban_nganh\n").encode()
        st, b, _ = admin.req("POST", "/api/v1/import/agencies", raw=csv, ctype="text/csv")
        t.ok(st == 200 and b["imported"] == 2 and [e["row"] for e in b["errors"]] == [4, 5]
             and b["errors"][0]["field"] == "kind",
             "a normal CSV import gives its rows and its per-row errors as before", (st, b))
        st, ags, _ = admin.req("GET", "/api/v1/agencies?limit=500")
        items = ags.get("items", ags) if isinstance(ags, dict) else ags
        stc = [a for a in items if a.get("code") == "stc"]
        t.ok(len(stc) == 1 and stc[0]["name"] == "Sở Tài chính, Kế hoạch"
             and stc[0]["ip_ranges"] == ["10.6.0.0/16", "10.7.0.0/16"],
             "quoted fields and list cells arrive as they were", stc)

        # ---- attachments' type ----
        ag = stc[0]["id"]
        st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Thử", "kind": "defacement",
                                                            "severity": "high", "agency_id": ag,
                                                            "owner": "admin",
                                                            "detected_at": "2026-12-01T02:30:00Z"})
        base = "/api/v1/incidents/%d/attachments" % c["id"]
        st, b, _ = admin.req("POST", base + "?name=a.bin", raw=CRASH, ctype="application/octet-stream")
        t.ok(st == 422 and "signal" in b.get("error", ""),
             "a type check that crashes fails that upload with 422", (st, b))
        st, b, _ = admin.req("POST", base + "?name=b.bin", raw=LOOP, ctype="application/octet-stream")
        t.ok(st == 422 and "deadline" in b.get("error", ""),
             "a type check that loops fails that upload at its deadline", (st, b))
        st, b, _ = admin.req("POST", base + "?name=shot.png", raw=b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                             ctype="application/octet-stream")
        st2, b2, _ = admin.req("POST", base + "?name=notes.txt", raw="ghi chú\n".encode(),
                               ctype="application/octet-stream")
        kinds = [e.get("detail", {}).get("type") for e in (b2.get("timeline") or [])
                 if e.get("what") == "attachment"]
        t.ok(st == 201 and st2 == 201 and kinds[-2:] in (["image/png", "text/plain"], ["text/plain", "image/png"]),
             "normal attachments get their sniffed types", (st, st2, kinds))

        # ---- DNS upload analysis (the job) ----
        os.makedirs(os.path.join(srv.data_dir, "dns-intel"), exist_ok=True)
        with open(os.path.join(srv.data_dir, "dns-intel", "feed.txt"), "w") as f:
            f.write("evil.example\n")
        u1 = upload(admin, "crash.log", CRASH + b"\n")
        u2 = upload(admin, "loop.log", LOOP + b"\n")
        good = "".join(bind_line(i, "10.9.0.%d" % (i % 200 + 1), "www.example.com") for i in range(500))
        good += bind_line(1, "10.5.1.1", "a.evil.example") + bind_line(2, "10.6.2.2", "b.evil.example")
        u3 = upload(admin, "good.log", good.encode())
        r1, r2, r3 = finished(admin, u1), finished(admin, u2), finished(admin, u3)
        t.ok(r1 and r1["state"] == "failed" and "signal" in r1.get("error", "")
             and r1["error"].startswith("analysis failed: "),
             "an analysis that crashes fails that upload with the reason", r1)
        t.ok(r2 and r2["state"] == "failed" and "deadline" in r2.get("error", ""),
             "an analysis that loops is killed at its deadline and fails that upload", r2)
        t.ok(r3 and r3["state"] == "done" and r3["result"]["clients_flagged"] == 2
             and r3["result"]["events_stored"] == 2 and r3["progress"]["lines_read"] == 502,
             "the upload queued behind them is analysed as before", r3)
        st, evs, _ = admin.req("GET", "/api/v1/events?source=dns&limit=50")
        items = evs.get("items", evs) if isinstance(evs, dict) else evs
        byip = {e["subject"]: e for e in items}
        e5 = byip.get("10.5.1.1", {})
        t.ok(set(byip) == {"10.5.1.1", "10.6.2.2"} and e5.get("agency") == "syt"
             and e5.get("kind") == "infected_client" and e5.get("severity") == "high"
             and e5.get("id", "").startswith("dns-u%d-" % u3)
             and (e5.get("evidence") or {}).get("upload") == u3,
             "its findings are events with their agency, id and evidence", items)
        t.ok(answering(admin), "the server answers after the failed analyses")
        t.ok(wait(lambda: not children(pid), 5), "no parser child is left behind", children(pid))
    except Exception as e:  # noqa: BLE001
        t.ok(False, "suite ran to the end", repr(e))
    finally:
        srv.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
