#!/usr/bin/env python3
"""The agent against a real `canhgac serve` over TLS on loopback, with an
agent token and the server's pinned key: a web shell planted in a watched
web root reaches the server within a minute, as a FIM alert and as the
malware engine's finding; the server stopped and
restarted receives every event exactly once; kill -9 of the agent during
upload loses nothing; a wrong pin is refused."""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import Agent, Tap, TlsServer, wait_for  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-agent-e2e.")
srv = TlsServer()
agents = []
try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh"})
    t.ok(st == 201, "agency created", (st, ag))
    st, tok, _ = srv.req("POST", "/api/v1/tokens", {"name": "agent-web01", "scope": "agent",
                                                     "agency_id": ag["id"]})
    t.ok(st == 201 and tok["token"].startswith("cgt_"), "agent token created", (st, tok))
    www = os.path.join(tmp, "www")
    os.makedirs(os.path.join(www, "uploads"))
    with open(os.path.join(www, "index.php"), "w") as f:
        f.write("<?php echo 'Cổng thông tin'; ?>\n")
    fixture = os.path.join(tmp, "root")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "_accounts_fixture.py"),
                    fixture, str(int(time.time()))], check=True)
    a = Agent(os.path.join(tmp, "agent"), webroot=www, accounts_root=fixture)
    agents.append(a)
    a.write_creds(srv.url, tok["token"], srv.pin)
    a.start()
    t.ok(wait_for(lambda: os.path.exists(os.path.join(a.data_dir, "fim", "baseline")), 30),
         "agent ran its first integrity pass (baseline)")

    # 0. the account audit ran (in its sandboxed child) and its findings
    # reached the server
    acc = wait_for(lambda: [e for e in srv.events(source="accounts") if e["kind"] == "uid0_account"], 30)
    t.ok(bool(acc) and acc[0]["subject"] == "toor", "account audit finding (UID 0 'toor') at the server", acc)

    # 1. a web shell planted in the watched root reaches the server fast
    t0 = time.time()
    shell = os.path.join(www, "uploads", "wso.php")
    with open(shell, "w") as f:
        f.write("<?php @eval($_POST['x']); ?>")
    found = wait_for(lambda: [e for e in srv.events(source="fim") if e["subject"] == shell], 60)
    dt = time.time() - t0
    t.ok(bool(found), f"web shell event at the server ({dt:.1f}s)", found)
    t.ok(dt < 60, "within a minute")
    if found:
        e = found[0]
        t.ok(e["kind"] == "script_added" and e["severity"] == "high", "kind script_added, high", e)
        t.ok(e["agency_id"] == ag["id"], "filed under the token's agency", e)
        t.ok(e["evidence"]["detected_by"] == "inotify", "seen by inotify", e)

    # 1b. ...and the immediate scan of that script found the web shell
    mw = wait_for(lambda: [e for e in srv.events(source="malware") if e["subject"] == shell],
                  max(1, 60 - (time.time() - t0)))
    dt = time.time() - t0
    t.ok(bool(mw) and dt < 60, f"malware finding for the planted shell at the server ({dt:.1f}s)", mw)
    if mw:
        t.ok(mw[0]["kind"] == "webshell" and mw[0]["evidence"]["rule"] == "php_eval_request_input",
             "kind webshell, rule php_eval_request_input in the evidence", mw[0])
    idx = [e for e in srv.events(source="malware") if e["subject"] == os.path.join(www, "index.php")]
    t.ok(not idx, "the clean index.php is no finding", idx)


    # 2. server stopped: events wait in the spool; restarted: each once
    srv.stop()
    planted = []
    for i in range(30):
        p = os.path.join(www, "uploads", f"cong-van-{i:02d}.pdf")
        with open(p, "w") as f:
            f.write(f"%PDF-1.4 {i}")
        planted.append(p)
    shell2 = os.path.join(www, "uploads", "b374k.php")
    with open(shell2, "w") as f:
        f.write("<?php system($_GET['c']); ?>")
    planted.append(shell2)
    t.ok(wait_for(lambda: a.pending() >= 31, 20), "events held in the spool while the server is down",
         a.status())
    time.sleep(3)  # a few failed attempts (backoff)
    st_now = a.status()
    t.ok("connect" in st_now.get("state", {}).get("last_error", "").lower(), "status shows the connection error",
         st_now)
    srv.start()
    srv.login()
    t.ok(wait_for(lambda: a.pending() == 0, 90), "spool drained after the restart", a.status())
    evs = [e for e in srv.events(source="fim") if e["subject"] in planted]
    by_subject = {}
    for e in evs:
        by_subject.setdefault(e["subject"], []).append(e)
    t.ok(len(by_subject) == len(planted), f"every planted file reported ({len(by_subject)}/{len(planted)})")
    t.ok(all(len(v) == 1 for v in by_subject.values()), "each exactly once",
         {k: len(v) for k, v in by_subject.items() if len(v) != 1})

    # 3. kill -9 of the agent during an upload
    a.stop()
    bulk = []
    for i in range(2500):
        p = os.path.join(www, "uploads", f"anh-{i:04d}.jpg")
        with open(p, "w") as f:
            f.write(f"jpeg {i}")
        bulk.append(p)
    kills = 0
    for round_ in range(3):
        a.start()
        time.sleep(random.uniform(0.3, 1.5))
        a.kill9()
        kills += 1
    a.start()
    t.ok(wait_for(lambda: a.pending() == 0, 120), f"spool drained after {kills} kill -9", a.status())
    evs = [e for e in srv.events(source="fim", kind="file_added") if e["subject"] in set(bulk)]
    subj = {}
    for e in evs:
        subj[e["subject"]] = subj.get(e["subject"], 0) + 1
    t.ok(len(subj) == len(bulk), f"all {len(bulk)} new files reached the server ({len(subj)})")
    t.ok(all(v == 1 for v in subj.values()), "none twice", [k for k, v in subj.items() if v != 1][:5])
    a.stop()
    t.ok(a.proc.returncode == 0, "SIGTERM stops the agent cleanly (exit 0)", a.proc.returncode)

    # 4. a wrong pin: the agent refuses to talk, events stay spooled
    b = Agent(os.path.join(tmp, "agent-b"), webroot=www)
    agents.append(b)
    b.write_creds(srv.url, tok["token"], "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    b.start()
    time.sleep(4)
    s = b.status()
    t.ok("pinned" in s.get("state", {}).get("last_error", "").lower() or
         "public key" in s.get("state", {}).get("last_error", "").lower(),
         "wrong pin: TLS refused", s)
    b.stop()
finally:
    for x in agents:
        x.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
