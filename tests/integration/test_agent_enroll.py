#!/usr/bin/env python3
"""Enrolment and the server's agent routes, with a real TLS server and a
real agent on loopback: one-time tokens (a second use is refused, a wrong
pin refuses before the token is spent), heartbeat inventory and offline
flags, a policy change reaching a running agent without a restart (new
web root, then a web shell found there), coverage and the infection
index per agency, agency officers kept to their agency."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Agent, Tap, TlsServer, wait_for  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-agent-enroll.")
srv = TlsServer()
agents = []


def enroll(data_dir, token, *extra):
    return subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", token,
                           "--data-dir", data_dir, *extra], capture_output=True, text=True)


try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies",
                        {"name": "UBND xã Ba Vì", "kind": "xa", "declared_endpoints": 2})
    t.ok(st == 201, "agency with 2 declared endpoints", (st, ag))
    st, other, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh"})
    aid = ag["id"]
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {"heartbeat_s": 10, "accounts": {"interval_s": 0}})
    t.ok(st == 200 and pol["version"] == 1 and pol["heartbeat_s"] == 10, "policy set (version 1)", (st, pol))
    st, bad, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {"nonsense": 1})
    t.ok(st == 400, "unknown policy member refused", (st, bad))

    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": "web01"})
    t.ok(st == 201 and et["token"].startswith("cge_"), "enrolment token created", (st, et))
    st, nobody, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": 999999})
    t.ok(st == 404, "token for an unknown agency refused", (st, nobody))

    # a wrong expected pin: refused before the token is sent
    A = os.path.join(tmp, "agent")
    r = enroll(A, et["token"], "--pin", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    t.ok(r.returncode == 2 and "does not match" in r.stderr, "wrong pin refused", r.stderr)
    r = enroll(A, et["token"], "--pin", srv.pin)
    t.ok(r.returncode == 0, "enrolment with the right pin", r.stderr)
    t.ok(srv.pin in r.stdout, "the pin is shown", r.stdout)
    creds = json.load(open(os.path.join(A, "agent.json")))
    t.ok(creds["pin"] == srv.pin and creds["token"].startswith("cgt_"), "credentials stored with the pin", creds)
    t.ok(stat.S_IMODE(os.stat(os.path.join(A, "agent.json")).st_mode) == 0o600, "agent.json mode 0600")
    r = enroll(os.path.join(tmp, "agent2"), et["token"])
    t.ok(r.returncode == 2 and "already used" in r.stderr, "second enrolment with the used token refused", r.stderr)
    r = enroll(os.path.join(tmp, "agent3"), "cge_nonsense")
    t.ok(r.returncode == 2 and "unknown" in r.stderr, "unknown token refused", r.stderr)
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    t.ok(st == 200 and lst["items"][0]["used_at"] and lst["items"][0]["used_by"], "token listed as used", lst)

    # the agent runs: heartbeat -> inventory
    www = os.path.join(tmp, "www")
    os.makedirs(www)
    a = Agent(A)
    agents.append(a)
    os.remove(os.path.join(A, "agent.conf"))  # everything from the server's policy
    a.start()
    ep = wait_for(lambda: [e for e in srv.req("GET", "/api/v1/endpoints")[1]["items"]
                           if e["agent_id"] == creds["agent_id"] and e["last_seen"]
                           and e["agent_version"]], 20)
    t.ok(bool(ep), "endpoint in the inventory after a heartbeat", ep)
    if ep:
        t.ok(ep[0]["agency_id"] == aid and not ep[0]["offline"] and ep[0]["os"].startswith("Linux"),
             "host, OS, agency, online", ep)
    st, cov, _ = srv.req("GET", "/api/v1/coverage")
    row = [c for c in cov["items"] if c["agency_id"] == aid][0]
    t.ok(row["enrolled"] == 1 and row["declared_endpoints"] == 2 and abs(row["coverage"] - 0.5) < 1e-9,
         "coverage 1 of 2 declared", row)

    # a policy change reaches the running agent: a new web root to watch
    with open(os.path.join(www, "index.php"), "w") as f:
        f.write("<?php echo 'ok'; ?>")
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}",
                         {"heartbeat_s": 10, "accounts": {"interval_s": 0}, "fim": {"web_roots": [www]}})
    t.ok(st == 200 and pol["version"] == 2, "policy version 2 with a web root", pol)
    t.ok(wait_for(lambda: a.status().get("state", {}).get("policy_version") == 2 and
                  a.status()["state"].get("watched_dirs", 0) >= 1, 30),
         "the running agent applied policy 2 and watches the root", a.status())
    time.sleep(1)
    shell = os.path.join(www, "c99.php")
    with open(shell, "w") as f:
        f.write("<?php passthru($_REQUEST['cmd']); ?>")
    got = wait_for(lambda: [e for e in srv.events(source="fim") if e["subject"] == shell], 60)
    t.ok(bool(got) and got[0]["agency_id"] == aid and got[0]["severity"] == "high",
         "web shell in the new root reaches the server under the agency", got)

    # infection index: a malware finding on this host
    st, itok, _ = srv.req("POST", "/api/v1/tokens", {"name": "scanner", "scope": "ingest", "agency_id": aid})
    host = ep[0]["host"] if ep else "x"
    st, res, _ = srv.req("POST", "/api/v1/events", token=itok["token"], body=[{
        "id": "mw-1", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "host": host, "source": "malware",
        "kind": "webshell", "severity": "critical", "subject": shell, "summary": "web shell"}])
    t.ok(st == 200 and res["accepted"] == 1, "malware finding ingested", res)
    st, cov, _ = srv.req("GET", "/api/v1/coverage?days=30")
    row = [c for c in cov["items"] if c["agency_id"] == aid][0]
    t.ok(row["infected"] == 1 and row["malware_hosts"] == 1 and row["infection_index"] == 50.0,
         "infection index 50 (1 infected host per 2 declared endpoints, docs/infection-index.md)",
         row)
    row2 = [c for c in cov["items"] if c["agency_id"] == other["id"]][0]
    t.ok(row2["enrolled"] == 0 and row2["infection_index"] == 0 and row2["coverage"] is None,
         "an agency with no declared endpoints and no agent: no coverage, nothing infected", row2)

    # an officer of the other agency sees none of this
    subprocess.run([BIN, "user", "add", "officer2", "--role", "officer", "--agency", str(other["id"]),
                    "--data-dir", srv.data_dir], input=b"officer-password-1\n",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    admin_cookie, admin_csrf = srv.cookie, srv.csrf
    st, body, hdrs = srv.req("POST", "/api/v1/session", {"username": "officer2", "password": "officer-password-1"})
    if st == 200:
        srv.cookie = hdrs["set-cookie"].split(";")[0].split("=", 1)[1]
        srv.csrf = body["csrf_token"]
        st1, eps, _ = srv.req("GET", "/api/v1/endpoints")
        st2, x, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid})
        st3, y, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {"heartbeat_s": 10})
        t.ok(st1 == 200 and eps["items"] == [], "officer of another agency sees no endpoint", eps)
        t.ok(st2 == 403 and st3 == 403, "officer cannot make tokens or policies for another agency", (st2, st3))
    else:
        t.ok(False, "officer login", (st, body))
        t.ok(False, "officer checks")
    srv.cookie, srv.csrf = admin_cookie, admin_csrf

    # offline flag
    a.stop()
    time.sleep(2.5)
    st, eps, _ = srv.req("GET", "/api/v1/endpoints?offline_after_s=2")
    t.ok(st == 200 and eps["items"][0]["offline"], "a silent agent is flagged offline", eps)
    r = subprocess.run([BIN, "agent", "status", "--data-dir", A], capture_output=True, text=True)
    t.ok(r.returncode == 0 and "last heartbeat" in r.stdout and "running:       no" in r.stdout,
         "agent status shows the last heartbeat, not running", r.stdout)
    st, res, _ = srv.req("POST", "/api/v1/agent/heartbeat", token=itok["token"], body={})
    t.ok(st == 403, "an ingest token cannot heartbeat", (st, res))
finally:
    for x in agents:
        x.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
