#!/usr/bin/env python3
"""One enrolment token for a fleet (group-policy deployment, docs/windows.md
"The MSI"), with a real TLS server and real `canhgac agent enroll` runs on
loopback: a token of max_uses 3 enrols three agents, the fourth is refused
with the very answer a spent one-time token gets, the list shows 3 / 3 and
the last host; max_uses out of 1..10000 is refused; six enrolments racing
on a token of two uses: exactly two win."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Tap, TlsServer  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-agent-fleet.")
srv = TlsServer()


def enroll(data_dir, token):
    return subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", token,
                           "--pin", srv.pin, "--data-dir", data_dir],
                          capture_output=True, text=True)


def enroll_http(token, host):
    st, body, _ = srv.req("POST", "/api/v1/agent/enroll",
                          {"token": token, "host": host, "os": "Linux", "agent_version": "1"})
    return st, body


try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies",
                        {"name": "Sở Nội vụ", "kind": "so_ban_nganh", "declared_endpoints": 3})
    t.ok(st == 201, "agency with 3 declared endpoints", (st, ag))
    aid = ag["id"]

    for bad in (0, 10001, "3", -1, 2.5):
        st, res, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "max_uses": bad})
        t.ok(st == 400 and "max_uses" in json.dumps(res), f"max_uses {bad!r} refused", (st, res))
    st, one, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": "one"})
    t.ok(st == 201 and one["max_uses"] == 1, "without max_uses a token has one use", (st, one))
    st, big, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "max_uses": 10000})
    t.ok(st == 201 and big["max_uses"] == 10000, "max_uses 10000 accepted", (st, big))

    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens",
                        {"agency_id": aid, "note": "GPO", "max_uses": 3})
    t.ok(st == 201 and et["max_uses"] == 3 and et["token"].startswith("cge_"),
         "a token of 3 uses", (st, et))

    ids = []
    for i in range(3):
        d = os.path.join(tmp, f"agent{i}")
        r = enroll(d, et["token"])
        t.ok(r.returncode == 0, f"agent {i + 1} of 3 enrols with the one token", r.stderr)
        if r.returncode == 0:
            ids.append(json.load(open(os.path.join(d, "agent.json")))["agent_id"])
    t.ok(len(set(ids)) == 3, "three distinct agents", ids)
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    row = [x for x in lst["items"] if x["id"] == et["id"]]
    t.ok(row and row[0]["uses"] == 3 and row[0]["max_uses"] == 3
         and row[0]["used_by"] == socket.gethostname() and row[0]["used_at"],
         "listed as 3 / 3 with the last host", row)

    # the fourth: the same answer as a spent one-time token
    r4 = enroll(os.path.join(tmp, "agent3"), et["token"])
    t.ok(r4.returncode == 2 and "already used" in r4.stderr, "the fourth agent is refused", r4.stderr)
    t.ok(enroll(os.path.join(tmp, "agent4"), one["token"]).returncode == 0, "the one-time token enrols")
    r1 = enroll(os.path.join(tmp, "agent5"), one["token"])
    t.ok(r4.stderr == r1.stderr and r4.returncode == r1.returncode,
         "the agent says the same as for a spent one-time token", (r4.stderr, r1.stderr))
    a4 = enroll_http(et["token"], "pc-4")
    a1 = enroll_http(one["token"], "pc-4")
    t.ok(a4[0] == 409 and a4 == a1, "the server answers as for a spent one-time token", (a4, a1))
    st, eps, _ = srv.req("GET", "/api/v1/endpoints")
    t.ok(st == 200 and len([e for e in eps["items"] if e["agency_id"] == aid]) == 4,
         "four agents in the inventory (three + the one-time one)", eps)
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    row = [x for x in lst["items"] if x["id"] == et["id"]]
    t.ok(row and row[0]["uses"] == 3, "refusals spend no use", row)

    # six racing enrolments, two uses
    st, two, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "max_uses": 2})
    results = [None] * 6

    def racer(i):
        results[i] = enroll_http(two["token"], f"race-{i}")[0]

    th = [threading.Thread(target=racer, args=(i,)) for i in range(6)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    t.ok(sorted(results) == [200, 200, 409, 409, 409, 409], "of six racers, two win", results)
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    row = [x for x in lst["items"] if x["id"] == two["id"]]
    t.ok(row and row[0]["uses"] == 2 and row[0]["used_by"].startswith("race-"),
         "listed as 2 / 2", row)
finally:
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
