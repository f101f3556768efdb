#!/usr/bin/env python3
"""Scheduled scans of an enrolled agent against a real TLS server on
loopback: a policy with a tiny interval, set through the policy API,
reaches the running agent; its malware scan finds a web shell outside the
web roots and its secrets scan a document marked TUYỆT MẬT; further runs
report neither again; the last run times survive a restart, which does
not rescan at once."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Agent, Tap, TlsServer, wait_for  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-agent-scans.")
srv = TlsServer()
agents = []
try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Nội vụ", "kind": "so_ban_nganh"})
    aid = ag["id"]
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": "app01"})
    t.ok(st == 201, "enrolment token", (st, et))
    A = os.path.join(tmp, "agent")
    r = subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", et["token"],
                        "--pin", srv.pin, "--data-dir", A], capture_output=True, text=True)
    t.ok(r.returncode == 0, "enrolled", r.stderr)
    a = Agent(A)
    agents.append(a)
    with open(os.path.join(A, "agent.conf"), "w") as f:
        f.write("[agent]\nheartbeat_s = 2\nupload_s = 1\n[accounts]\ninterval_s = 0\n")
    www, scand, docs = (os.path.join(tmp, d) for d in ("www", "srv-apps", "tai-lieu"))
    for d in (www, scand, docs):
        os.makedirs(d)
    with open(os.path.join(www, "index.php"), "w") as f:
        f.write("<?php echo 'Cổng thông tin'; ?>\n")
    shell = os.path.join(scand, "cmd.php")
    with open(shell, "w") as f:
        f.write("<?php system($_GET['c']); ?>")
    secret = os.path.join(docs, "cong-van-mat.txt")
    with open(secret, "w", encoding="utf-8") as f:
        f.write("TUYỆT MẬT\n")
    with open(os.path.join(docs, "thong-bao.txt"), "w", encoding="utf-8") as f:
        f.write("Thông báo lịch họp\n")
    a.start()
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {
        "heartbeat_s": 2, "accounts": {"interval_s": 0},
        "fim": {"web_roots": [www]},
        "malware": {"incremental": "2s", "full": "off", "scan_paths": [scand]},
        "secrets": {"interval": "2s", "paths": [docs]}})
    t.ok(st == 200 and pol["malware"]["incremental"] == "2s", "scan policy set", (st, pol))

    def found():
        m = [e for e in srv.events(source="malware") if e["subject"] == shell]
        x = [e for e in srv.events(source="secrets") if e["subject"] == secret]
        return (m, x) if m and x else None
    got = wait_for(found, 150)  # generous: CI machines under load are slow
    t.ok(bool(got), "scheduled scans found the shell and the marked document",
         {"agent.log": open(os.path.join(A, "agent.log"), errors="replace").read()[-3000:],
          "agent status": a.status(),
          "server.log": open(os.path.join(srv.data_dir, "server.log"),
                             errors="replace").read()[-3000:]})
    if got:
        m, x = got
        t.ok(m[0]["kind"] == "webshell" and m[0]["evidence"]["rule"] == "php_exec_request_input"
             and m[0]["agency_id"] == aid, "malware: webshell, rule in the evidence, the agency", m)
        t.ok(x[0]["kind"] == "marking" and x[0]["evidence"]["level"] in ("tuyet-mat", "TUYỆT MẬT"),
             "secrets: marking TUYỆT MẬT", x)
    runs0 = json.load(open(os.path.join(A, "scans.json")))["last"]
    time.sleep(7)  # several more runs of both scans
    runs1 = json.load(open(os.path.join(A, "scans.json")))["last"]
    t.ok(runs1["malware_incremental"] > runs0["malware_incremental"] and
         runs1["secrets"] > runs0["secrets"], "the scans ran again", (runs0, runs1))
    t.ok(runs1["malware_full"] == 0, "full scan off: never ran", runs1)
    m = [e for e in srv.events(source="malware")]
    x = [e for e in srv.events(source="secrets")]
    t.ok(len(m) == 1 and len(x) == 1, f"each reported once ({len(m)} malware, {len(x)} secrets)",
         [e["subject"] for e in m + x])

    # daily again: a restart does not rescan at once (last runs are kept)
    st, _, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {
        "heartbeat_s": 2, "accounts": {"interval_s": 0},
        "malware": {"incremental": "daily", "full": "weekly", "scan_paths": [scand]},
        "secrets": {"interval": "monthly", "paths": [docs]}})
    t.ok(wait_for(lambda: a.status().get("state", {}).get("policy_version") == 2, 30),
         "daily policy applied", open(os.path.join(A, "agent.log"), errors="replace").read()[-3000:])
    a.stop()
    before = json.load(open(os.path.join(A, "scans.json")))["last"]
    a.start()
    time.sleep(4)
    after = json.load(open(os.path.join(A, "scans.json")))["last"]
    t.ok(before == after, "restart: no scan run at once", (before, after))
    a.stop()
    t.ok(a.proc.returncode == 0, "agent stopped cleanly", a.proc.returncode)
finally:
    for x in agents:
        x.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
