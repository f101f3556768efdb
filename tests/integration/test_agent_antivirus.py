#!/usr/bin/env python3
"""The heartbeat's "antivirus" field (platform/av.h) with a real TLS
server on loopback: stored per agent, shown by /api/v1/endpoints with the
server's "protected" verdict, counted by /api/v1/coverage, and the one
rule (store/figures.h cg_fig_protected): an endpoint is protected when a
reported product is on and current; a Windows endpoint reporting none is
not; a Linux endpoint reporting none keeps the agent rule. Malformed
fields are refused with 400 and change nothing. Runs on both store
backends (integration@pg/...)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, TlsServer, Tap  # noqa: E402

t = Tap()
srv = TlsServer()


def product(name, enabled, current, state="on"):
    return {"name": name, "enabled": enabled, "up_to_date": current, "state": state,
            "source": "wsc", "raw": {"product_state": 0 if enabled else 1,
                                     "signature_status": 1 if current else 0}}


try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies",
                        {"name": "Sở Y tế", "kind": "so_ban_nganh", "declared_endpoints": 5})
    t.ok(st == 201, "agency with 5 declared endpoints", (st, ag))
    aid = ag["id"]
    tokens = {}
    for host in ("win-ok", "win-old", "win-none", "linux-plain", "linux-clam"):
        st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": host})
        st, en, _ = srv.req("POST", "/api/v1/agent/enroll", {"token": et["token"], "host": host})
        t.ok(st == 200 and en["token"], f"{host} enrolled", (st, en))
        tokens[host] = (en["token"], en["agent_id"])

    def beat(host, os_name, av, expect=200):
        body = {"host": host, "os": os_name, "agent_version": "1.0", "rule_version": "0",
                "policy_version": 0, "spool_pending": 0}
        if av is not None:
            body["antivirus"] = av
        st, b, _ = srv.req("POST", "/api/v1/agent/heartbeat", body, token=tokens[host][0])
        t.ok(st == expect, f"heartbeat of {host} answered {expect}", (st, b))
        return b

    win = "Windows 10 Pro 22H2 (build 19045)"
    beat("win-ok", win, [product("BKAV Pro", False, True, "off"),
                         product("Microsoft Defender Antivirus", True, True)])
    beat("win-old", win, [product("Kaspersky Endpoint Security", True, False)])
    beat("win-none", win, [])
    beat("linux-plain", "Linux 6.1.0-13-amd64 x86_64", None)
    beat("linux-clam", "Linux 6.1.0-13-amd64 x86_64",
         [{"name": "ClamAV", "enabled": True, "up_to_date": False, "state": "on",
           "source": "clamav", "raw": {"age_days": 30}}])

    st, eps, _ = srv.req("GET", "/api/v1/endpoints")
    by = {e["host"]: e for e in eps["items"]}
    t.ok(st == 200 and len(by) == 5, "five endpoints listed", eps)
    t.ok([p["name"] for p in by["win-ok"]["antivirus"]] == ["BKAV Pro", "Microsoft Defender Antivirus"]
         and by["win-ok"]["antivirus"][1]["raw"]["signature_status"] == 1,
         "the products are stored as reported (raw state kept)", by["win-ok"])
    want = {"win-ok": True, "win-old": False, "win-none": False, "linux-plain": True,
            "linux-clam": False}
    t.ok({h: by[h]["protected"] for h in want} == want,
         "protected: on and current; Windows without any product not; Linux without a report keeps the agent rule",
         {h: (by[h]["protected"], by[h]["antivirus"]) for h in by})
    t.ok(by["linux-plain"]["antivirus"] is None and by["win-none"]["antivirus"] == [],
         "none reported (null) told apart from an empty answer", by)

    st, cov, _ = srv.req("GET", "/api/v1/coverage")
    row = [c for c in cov["items"] if c["agency_id"] == aid][0]
    t.ok(row["enrolled"] == 5 and row["protected"] == 2 and abs(row["protection"] - 0.4) < 1e-9,
         "coverage: 2 of 5 declared endpoints protected", row)
    t.ok(cov["totals"]["protected"] == 2, "totals count protected endpoints", cov["totals"])

    # the Kaspersky signatures are updated: protected at the next heartbeat
    beat("win-old", win, [product("Kaspersky Endpoint Security", True, True)])
    st, cov, _ = srv.req("GET", "/api/v1/coverage")
    t.ok(cov["totals"]["protected"] == 3, "an update is counted at the next heartbeat", cov["totals"])

    # hostile or broken fields: refused, the stored state unchanged
    for bad in ("on", [1], [{"name": "x"}], [{"name": 5, "enabled": True, "up_to_date": True}],
                [product("p%d" % i, True, True) for i in range(40)],
                [{"name": "x" * 300, "enabled": True, "up_to_date": True}]):
        beat("win-ok", win, bad, expect=400)
    st, eps, _ = srv.req("GET", "/api/v1/endpoints")
    by = {e["host"]: e for e in eps["items"]}
    t.ok(len(by["win-ok"]["antivirus"]) == 2 and by["win-ok"]["protected"],
         "a refused heartbeat changed nothing", by["win-ok"])
    # an unknown member of a product is not kept
    beat("win-ok", win, [dict(product("Defender", True, True), junk="x" * 100)])
    st, eps, _ = srv.req("GET", "/api/v1/endpoints")
    p0 = [e for e in eps["items"] if e["host"] == "win-ok"][0]["antivirus"][0]
    t.ok("junk" not in p0 and p0["name"] == "Defender", "only the known members are stored", p0)

    # the real Linux agent: one round (--once) sends its own antivirus answer
    A = tempfile.mkdtemp(prefix="canhgac-agent-av.")
    try:
        st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid})
        r = subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", et["token"],
                            "--pin", srv.pin, "--data-dir", A], capture_output=True, text=True)
        t.ok(r.returncode == 0, "a real agent enrols", r.stderr)
        with open(os.path.join(A, "agent.conf"), "w") as f:
            f.write("[accounts]\ninterval_s = 0\n")
        r = subprocess.run([BIN, "agent", "run", "--once", "--data-dir", A],
                           capture_output=True, text=True, timeout=120)
        st, eps, _ = srv.req("GET", "/api/v1/endpoints")
        me = [e for e in eps["items"] if e["agent_id"] not in {v[1] for v in tokens.values()}]
        t.ok(len(me) == 1 and isinstance(me[0]["antivirus"], list)
             and all(p["source"] == "clamav" for p in me[0]["antivirus"]),
             "the Linux agent's heartbeat carries its antivirus answer (ClamAV or [])", (r.stderr[-2000:], me))
        if me and me[0]["antivirus"] == []:
            t.ok(me[0]["protected"] is True, "no ClamAV here: the Linux agent rule counts it", me)
    finally:
        shutil.rmtree(A, ignore_errors=True)
finally:
    srv.cleanup()
t.done()
