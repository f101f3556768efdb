#!/usr/bin/env python3
"""Signed rule bundles end to end: the server publishes a bundle signed
offline (the server never holds the key); an enrolled agent downloads it
at a heartbeat, verifies it with the key given at enrolment and installs
it (rule version visible in the inventory). A tampered bundle (one byte of
one file changed on the server) is refused and the refusal reported to
the server as an event; the installed version stays. The agent's
scheduled malware scan uses what the installed bundle brings: its YARA
rules (malware/), its hash lists (hashes/) and its ClamAV databases
(clamav/)."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Agent, Tap, TlsServer, wait_for  # noqa: E402

t = Tap()
SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLAMAV = os.path.join(SRC, "tests", "data", "clamav")
HASHED = b"a file the bundle's hash list names\n"
tmp = tempfile.mkdtemp(prefix="canhgac-agent-bundle.")
srv = TlsServer()
agents = []


def publish(version, tamper=False):
    d = os.path.join(tmp, f"b{version}")
    os.makedirs(os.path.join(d, "yara"))
    with open(os.path.join(d, "yara", "webshell.yar"), "w") as f:
        f.write('rule webshell_eval { strings: $a = "eval($_POST" condition: $a }\n')
    with open(os.path.join(d, "lexicon.txt"), "w") as f:
        f.write(f"nổ hũ\nnhà cái\nv{version}\n")
    # malware/ holds the YARA rules the agent's scanner uses, hashes/ its
    # hash lists, clamav/ its ClamAV databases
    os.makedirs(os.path.join(d, "hashes"))
    with open(os.path.join(d, "hashes", "known.txt"), "w") as f:
        f.write(hashlib.sha256(HASHED).hexdigest() + f" Bundle.Hash.Sample-v{version}\n")
    os.makedirs(os.path.join(d, "clamav"))
    shutil.copy(os.path.join(CLAMAV, "db", "test.ndb"), os.path.join(d, "clamav", "test.ndb"))
    os.makedirs(os.path.join(d, "malware"))
    with open(os.path.join(d, "malware", "bundle.yar"), "w") as f:
        # a community-style rule: the LOKI externals and an include
        f.write('include "common.inc"\n'
                f'rule bundle_marker_v{version} {{ meta: kind = "webshell" '
                f'strings: $a = "CANHGAC-BUNDLE-MARKER" '
                f'condition: $a and extension == ".txt" and filename matches /^x\\./ and bundle_common }}\n')
    with open(os.path.join(d, "malware", "common.inc"), "w") as f:
        f.write('private rule bundle_common { condition: filesize < 1000000 }\n')
    r = subprocess.run([BIN, "bundle", "sign", d, "--key", os.path.join(tmp, "k.key"),
                        "--version", str(version)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    if tamper:
        p = os.path.join(d, "yara", "webshell.yar")
        b = bytearray(open(p, "rb").read())
        b[10] ^= 0x20
        open(p, "wb").write(bytes(b))
    dst = os.path.join(srv.data_dir, "bundle")
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(d, dst)


try:
    subprocess.run([BIN, "bundle", "keygen", os.path.join(tmp, "k")], check=True, stdout=subprocess.DEVNULL)
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Nội vụ", "kind": "so_ban_nganh"})
    srv.req("PUT", f"/api/v1/agent-policies/{ag['id']}", {"heartbeat_s": 2, "accounts": {"interval_s": 0}})
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": ag["id"]})
    A = os.path.join(tmp, "agent")
    r = subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", et["token"],
                        "--pin", srv.pin, "--bundle-key", os.path.join(tmp, "k.pub"), "--data-dir", A],
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and os.path.exists(os.path.join(A, "bundle-key.pub")),
         "enrolled with the bundle key", r.stderr)
    st, _, _ = srv.req("GET", "/api/v1/agent/bundle")
    t.ok(st == 403, "bundle download needs an agent token (an admin session gets 403)", st)
    publish(1)
    a = Agent(A)
    os.remove(os.path.join(A, "agent.conf"))
    agents.append(a)
    a.start()
    t.ok(wait_for(lambda: os.path.exists(os.path.join(A, "bundle", "current", "yara", "webshell.yar")), 30),
         "bundle v1 downloaded, verified and installed")
    t.ok(open(os.path.join(A, "bundle", "version")).read().strip() == "1", "installed version 1 recorded")
    t.ok(wait_for(lambda: [e for e in srv.req("GET", "/api/v1/endpoints")[1]["items"]
                           if e["rule_version"] == "1"], 20), "rule version 1 in the inventory")

    publish(2, tamper=True)
    ev = wait_for(lambda: srv.events(source="agent", kind="bundle_refused"), 30)
    t.ok(bool(ev), "tampered bundle v2 refused and reported", ev)
    if ev:
        t.ok("webshell.yar was changed after signing" in ev[0]["evidence"]["reason"] and
             ev[0]["severity"] == "high" and ev[0]["evidence"]["offered_version"] == 2,
             "the refusal names the changed file", ev[0])
    t.ok(open(os.path.join(A, "bundle", "version")).read().strip() == "1", "version 1 stays installed")
    t.ok(b"v1" in open(os.path.join(A, "bundle", "current", "lexicon.txt"), "rb").read(),
         "the installed files are v1's")

    # a bundle signed by another key
    subprocess.run([BIN, "bundle", "keygen", os.path.join(tmp, "evil")], check=True, stdout=subprocess.DEVNULL)
    d = os.path.join(tmp, "b3")
    os.makedirs(d)
    open(os.path.join(d, "rules.yar"), "w").write("rule x { condition: true }\n")
    subprocess.run([BIN, "bundle", "sign", d, "--key", os.path.join(tmp, "evil.key"), "--version", "3"],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(srv.data_dir, "bundle"))
    shutil.copytree(d, os.path.join(srv.data_dir, "bundle"))
    ev = wait_for(lambda: [e for e in srv.events(source="agent", kind="bundle_refused")
                           if e["evidence"]["offered_version"] == 3], 30)
    t.ok(bool(ev) and "another key" in ev[0]["evidence"]["reason"], "wrong-key bundle v3 refused", ev)

    publish(4)
    t.ok(wait_for(lambda: open(os.path.join(A, "bundle", "version")).read().strip() == "4", 30),
         "a good v4 is accepted after the refusals")

    # the scanner uses the installed bundle's rules (v4's, not v1's)
    scand = os.path.join(tmp, "apps")
    os.makedirs(scand)
    marked = os.path.join(scand, "x.txt")
    with open(marked, "w") as f:
        f.write("harmless text with CANHGAC-BUNDLE-MARKER inside\n")
    st, _, _ = srv.req("PUT", f"/api/v1/agent-policies/{ag['id']}", {
        "heartbeat_s": 2, "accounts": {"interval_s": 0},
        "malware": {"incremental": "2s", "full": "off", "scan_paths": [scand]}})
    m = wait_for(lambda: [e for e in srv.events(source="malware") if e["subject"] == marked], 60)
    t.ok(bool(m) and m[0]["evidence"]["rule"] == "bundle_marker_v4",
         "the scheduled scan matched with the bundle's v4 rule", m)

    # ... and the bundle's hash list and ClamAV database
    hashed = os.path.join(scand, "hashed.bin")
    with open(hashed, "wb") as f:
        f.write(HASHED)
    dropper = os.path.join(scand, "dropper.exe")
    shutil.copy(os.path.join(CLAMAV, "samples", "dropper.exe"), dropper)
    h = wait_for(lambda: [e for e in srv.events(source="malware") if e["subject"] == hashed], 60)
    t.ok(bool(h) and h[0]["kind"] == "known-malware" and
         h[0]["evidence"]["rule"] == "Bundle.Hash.Sample-v4" and h[0]["evidence"]["namespace"] == "hash",
         "a file whose SHA-256 is in the bundle's hashes/ list is found", h)
    c = wait_for(lambda: [e for e in srv.events(source="malware") if e["subject"] == dropper], 60)
    t.ok(bool(c) and c[0]["kind"] == "known-malware" and
         c[0]["evidence"]["rule"] == "Canhgac.Test.Dropper-1.UNOFFICIAL" and
         c[0]["evidence"]["namespace"] == "clamav",
         "a file matching the bundle's clamav/ database is found", c)
finally:
    for x in agents:
        x.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
