#!/usr/bin/env python3
"""The intelligence store's file hashes reach an enrolled agent's malware
scans without a signed bundle (docs/sharing.md "Hashes to the agents"):
a STIX bundle naming a file's SHA-256 is imported on the server with
`canhgac intel import`; the server's heartbeat answer offers the list's
version, the agent fetches GET /api/v1/agent/intel-hashes, installs it,
and its scheduled malware scan reports a planted file with that hash,
naming intel:SOURCE. When the indicator expires (the source sends it again
with a valid_until in the past) the list changes, the agent installs the
new one, and a second copy of the file is no longer reported. A real TLS
server and real agent processes on loopback."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Agent, Tap, TlsServer, wait_for  # noqa: E402
# the server rebuilds its hash list for the agents at once, not after
# its 10 s cache period (a test-build knob, agent_intel.c): each import
# below reaches the agent at its next heartbeat
os.environ["CANHGAC_TEST_AGENT_INTEL_CACHE_MS"] = "0"

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-agent-intel.")
srv = TlsServer()
agents = []


def bundle(sha, valid_from, valid_until=None):
    ind = {"type": "indicator", "spec_version": "2.1",
           "id": "indicator--a1b2c3d4-0000-4000-8000-000000000001",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
           "pattern": "[file:hashes.'SHA-256' = '%s']" % sha, "pattern_type": "stix",
           "valid_from": valid_from, "name": "dropper of a campaign"}
    if valid_until:
        ind["valid_until"] = valid_until
    return {"type": "bundle", "id": "bundle--a1b2c3d4-0000-4000-8000-0000000000ff", "objects": [ind]}


def intel_import(b, name):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        json.dump(b, f)
    return subprocess.run([BIN, "intel", "import", "--data-dir", srv.data_dir, "--source",
                           "doi-tac-b", p], capture_output=True, text=True)


def log_tail(path, n=3000):
    try:
        return open(path, errors="replace").read()[-n:]
    except OSError:
        return ""


try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Tư pháp", "kind": "so_ban_nganh"})
    aid = ag["id"]
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": "app02"})
    A = os.path.join(tmp, "agent")
    r = subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", et["token"],
                        "--pin", srv.pin, "--data-dir", A], capture_output=True, text=True)
    t.ok(r.returncode == 0, "enrolled", r.stderr)
    token = json.load(open(os.path.join(A, "agent.json")))["token"]
    a = Agent(A)
    agents.append(a)
    scand = os.path.join(tmp, "srv-apps")
    os.makedirs(scand)
    # harmless bytes no shipped rule matches: only the hash can find them
    sample = ("mẫu độc hại giả lập %f\n" % time.time()).encode() * 37
    sha = hashlib.sha256(sample).hexdigest()
    first = os.path.join(scand, "tai-ve.bin")
    with open(first, "wb") as f:
        f.write(sample)

    # before any intelligence: the list is served (empty), with its version
    st, hb, _ = srv.req("POST", "/api/v1/agent/heartbeat", {"host": "x"}, token=token)
    st2, text, hdrs = srv.req("GET", "/api/v1/agent/intel-hashes", token=token)
    v0 = hb.get("intel_version") if isinstance(hb, dict) else None
    t.ok(st == 200 and isinstance(v0, str) and len(v0) == 32, "heartbeat answers intel_version", hb)
    body0 = text if isinstance(text, (bytes, str)) else json.dumps(text)
    body0 = body0.encode() if isinstance(body0, str) else body0
    t.ok(st2 == 200 and hashlib.sha256(body0).hexdigest()[:32] == v0,
         "the list's version is its SHA-256 (first 128 bits)", (st2, body0[:200], v0))
    etag = {k.lower(): v for k, v in (hdrs or {}).items()}.get("etag")
    t.ok(etag == '"%s"' % v0, "ETag is the version", hdrs)

    r = intel_import(bundle(sha, "2026-01-01T00:00:00Z"), "b1.json")
    t.ok(r.returncode == 0, "intel import of a bundle naming the file's SHA-256", r.stderr)

    a.start()
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{aid}", {
        "heartbeat_s": 2, "accounts": {"interval_s": 0},
        "malware": {"incremental": "2s", "full": "off", "scan_paths": [scand]},
        "secrets": {"interval": "off", "paths": []}})
    t.ok(st == 200, "scan policy set", (st, pol))

    def found(path):
        return [e for e in srv.events(source="malware") if e["subject"] == path]
    got = wait_for(lambda: found(first), 150)
    t.ok(bool(got), "the agent's scan reports the file the intelligence names",
         {"agent.log": log_tail(os.path.join(A, "agent.log")), "status": a.status()})
    if got:
        ev = got[0]
        t.ok(ev["evidence"].get("rule") == "intel:doi-tac-b" and ev["agency_id"] == aid,
             "the finding names the intelligence source (intel:doi-tac-b)", ev)
    listed = log_tail(os.path.join(A, "intel-hashes.txt"), 10**6)
    t.ok(f"{sha} intel:doi-tac-b" in listed, "the list is installed in the agent's data dir", listed[:300])
    v1 = open(os.path.join(A, "intel-hashes.version")).read().strip()
    t.ok(len(v1) == 32 and v1 != v0, "its version is recorded and changed", (v0, v1))

    # the source sends the indicator again, expired: it leaves the list
    r = intel_import(bundle(sha, "2020-01-01T00:00:00Z", "2020-06-01T00:00:00Z"), "b2.json")
    t.ok(r.returncode == 0, "the same indicator imported again, expired", r.stderr)

    def gone():
        try:
            txt = open(os.path.join(A, "intel-hashes.txt")).read()
        except OSError:
            return False
        return sha not in txt
    t.ok(wait_for(gone, 90), "the agent installs the list without the expired hash",
         log_tail(os.path.join(A, "agent.log")))
    runs0 = json.load(open(os.path.join(A, "scans.json")))["last"]["malware_incremental"]
    second = os.path.join(scand, "ban-sao.bin")
    with open(second, "wb") as f:
        f.write(sample)
    wait_for(lambda: json.load(open(os.path.join(A, "scans.json")))["last"]["malware_incremental"]
             > runs0 + 4000, 60)
    time.sleep(2)  # the last run's findings uploaded (upload_s = 1)
    t.ok(not found(second), "after expiry a copy of the file is no longer reported",
         found(second))
    t.ok(len(found(first)) == 1, "the first copy was reported once", found(first))
    a.stop()
    t.ok(a.proc.returncode == 0, "agent stopped cleanly", a.proc.returncode)
finally:
    for x in agents:
        x.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
