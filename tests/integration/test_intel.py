#!/usr/bin/env python3
"""test_intel.py - threat intelligence in: `canhgac intel import` of STIX
2.1 bundles (a hand-written one covering the pattern rules, expiry, TLP and
confidence; a broken one refused with exit 2 naming the file; the bundle a
second canhgac exports, round-tripping to the same indicators), a TAXII 2.1
collection pulled on a schedule ([intel.NAME]) from the /taxii2/ of a
second canhgac server on loopback (cursor: a second pull takes only what
arrived later; "pull now" through the API; a wrong token recorded as the
source's error), and the DNS analysis of the pulling server flagging a
client that asked for a pulled domain, naming the source -- while an
expired indicator matches nothing. TAP; python3 stdlib."""
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap, ndjson  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-intel.")
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True)


def wait_for(fn, secs=60):
    end = time.time() + secs
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


# ---- import of a hand-written bundle -------------------------------------
d1 = os.path.join(tmp, "d1")
os.mkdir(d1)
bundle = {"type": "bundle", "id": "bundle--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f11", "objects": [
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--11111111-1111-4111-8111-111111111111",
     "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
     "pattern": "[domain-name:value = 'C2.Example.'] OR [url:value = 'http://drop.example/a.exe']",
     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z", "confidence": 85,
     "object_marking_refs": [GREEN], "name": "C2 of a campaign"},
    {"type": "indicator", "id": "indicator--22222222-2222-4222-8222-222222222222",
     "pattern": "[file:hashes.'SHA-256' = '%s' AND file:hashes.MD5 = '%s']" % ("A" * 64, "b" * 32),
     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
    # AND between different observables narrows: not a blocklist entry
    {"type": "indicator", "id": "indicator--33333333-3333-4333-8333-333333333333",
     "pattern": "[domain-name:value = 'narrow.example' AND ipv4-addr:value = '198.51.100.1']",
     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
    # a qualifier narrows too
    {"type": "indicator", "id": "indicator--44444444-4444-4444-8444-444444444444",
     "pattern": "[domain-name:value = 'timed.example'] WITHIN 60 SECONDS",
     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
    {"type": "indicator", "id": "indicator--55555555-5555-4555-8555-555555555555",
     "pattern": "[domain-name:value = 'expired.example']", "pattern_type": "stix",
     "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2021-01-01T00:00:00Z"},
    {"type": "indicator", "id": "indicator--66666666-6666-4666-8666-666666666666",
     "pattern": "[domain-name:value = 'revoked.example']", "pattern_type": "stix",
     "valid_from": "2026-01-01T00:00:00Z", "revoked": True},
    {"type": "indicator", "id": "indicator--77777777-7777-4777-8777-777777777777",
     "pattern": "alert tcp any any", "pattern_type": "snort", "valid_from": "2026-01-01T00:00:00Z"},
    {"type": "indicator", "id": "indicator--88888888-8888-4888-8888-888888888888",
     "pattern": "[ipv4-addr:value = '203.0.113.9' OR email-addr:value = 'x@example.org']",
     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
    {"type": "malware", "id": "malware--99999999-9999-4999-8999-999999999999", "is_family": True, "name": "X"},
]}
bpath = os.path.join(tmp, "partner.json")
with open(bpath, "w") as f:
    json.dump(bundle, f)
r = run("intel", "import", "--data-dir", d1, "--json", bpath)
summary = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 and r.stdout.strip() else {}
t.ok(r.returncode == 0 and summary.get("format") == "stix" and summary.get("indicators") == 6
     and summary.get("new") == 6 and summary.get("expired") == 1 and summary.get("skipped") == 4,
     "a STIX bundle imports: 6 values of 8 indicators (2 narrowing patterns, a revoked and a snort one skipped)",
     (r.returncode, r.stdout, r.stderr))
r = run("intel", "import", "--data-dir", d1, "--json", bpath)
again = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 and r.stdout.strip() else {}
t.ok(again.get("new") == 0 and again.get("indicators") == 6, "importing it again adds nothing", r.stdout)
r = run("intel", "list", "--data-dir", d1, "--json")
srcs = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
t.ok(len(srcs) == 1 and srcs[0]["name"] == "file:partner.json" and srcs[0]["kind"] == "stix"
     and srcs[0]["indicators"] == 6 and srcs[0]["active"] == 5,
     "intel list: the source, its 6 indicators of which 5 are valid now", srcs)
st_rows = subprocess.run([BIN, "intel", "list", "--data-dir", d1], capture_output=True, text=True).stdout

broken = os.path.join(tmp, "broken.json")
with open(broken, "w") as f:
    f.write('{"type": "bundle", "objects": [')
notstix = os.path.join(tmp, "other.json")
with open(notstix, "w") as f:
    f.write('{"type": "indicator"}')
r = run("intel", "import", "--data-dir", d1, broken, notstix, bpath)
t.ok(r.returncode == 2 and "broken.json" in r.stderr and "other.json" in r.stderr
     and "partner.json" in r.stdout,
     "broken files: exit 2, each named on stderr, the good one still imported", (r.returncode, r.stdout, r.stderr))

# ---- the engines' own lists: hashes for the malware scan, domains for DNS
sample_dir = os.path.join(tmp, "www")
os.mkdir(sample_dir)
payload = b"<?php /* a partner's web shell sample */ eval($_POST['x']); ?>\n"
with open(os.path.join(sample_dir, "up.php"), "wb") as f:
    f.write(payload)
with open(os.path.join(sample_dir, "index.html"), "wb") as f:
    f.write(b"<html>ok</html>\n")
sha = hashlib.sha256(payload).hexdigest()
spath = os.path.join(tmp, "samples.json")
with open(spath, "w") as f:
    json.dump({"type": "bundle", "id": "bundle--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f13", "objects": [
        {"type": "indicator", "id": "indicator--bbbbbbbb-1111-4111-8111-111111111111",
         "pattern": "[file:hashes.'SHA-256' = '%s']" % sha, "pattern_type": "stix",
         "valid_from": "2026-01-01T00:00:00Z"}]}, f)
r = run("intel", "import", "--data-dir", d1, "--source", "partner-samples", spath)
hpath, dpath = os.path.join(tmp, "hashes.txt"), os.path.join(tmp, "domains.txt")
r = run("intel", "export", "--data-dir", d1, "--kind", "hashes", "--out", hpath)
hl = open(hpath).read() if r.returncode == 0 else ""
t.ok(r.returncode == 0 and ("%s intel:partner-samples" % sha) in hl and ("a" * 64) in hl and ("b" * 32) in hl,
     "intel export --kind hashes: SHA-256 and MD5 named by their source", (r.stderr, hl))
r = run("scan", "malware", "--json", "--hashes", hpath, sample_dir)
found = [json.loads(l) for l in r.stdout.splitlines() if l.strip().startswith("{")]
hits = [f for f in found if "up.php" in json.dumps(f) and "intel:partner-samples" in json.dumps(f)]
t.ok(r.returncode == 1 and hits and not any("index.html" in json.dumps(f) and f.get("kind") != "summary" for f in found
                                            if "summary" not in json.dumps(f)[:40]),
     "scan malware with the exported list finds the sample, naming the intelligence source", r.stdout[-600:])
r = run("intel", "export", "--data-dir", d1, "--kind", "domains", "--out", dpath)
dl = open(dpath).read().split() if r.returncode == 0 else []
t.ok(r.returncode == 0 and "c2.example" in dl and "expired.example" not in dl,
     "intel export --kind domains: the active domains, not the expired one", dl)
r = run("intel", "export", "--data-dir", d1, "--kind", "urls", "--out", dpath)
t.ok(r.returncode == 2 and "--kind" in r.stderr, "an unknown kind: exit 2", r.stderr)

# ---- server A: the producer, its /taxii2/ read by server B -------------------
da = os.path.join(tmp, "a")
os.mkdir(da)
a = Server(data_dir=da)
b = None
try:
    subprocess.run([BIN, "demo", "seed", "--data-dir", da], check=True, stdout=subprocess.DEVNULL)
    admin_a = a.login_admin()
    _, rtok, _ = admin_a.req("POST", "/api/v1/tokens", {"name": "province-b", "scope": "read"})
    _, itok, _ = admin_a.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ra = a.client(token=rtok["token"])
    st, cols, _ = ra.req("GET", "/taxii2/api/collections/", headers={"Accept": "application/taxii+json;version=2.1"})
    cols = json.loads(cols) if isinstance(cols, bytes) else cols
    green = [c for c in cols.get("collections", []) if c.get("alias") == "tlp-green"]
    t.ok(st == 200 and len(green) == 1, "server A lists its TLP:GREEN collection", cols)
    green_id = green[0]["id"] if green else "none"

    # round trip: A's bundle imported into a fresh data dir gives A's indicators
    exported = os.path.join(tmp, "a-export.json")
    subprocess.run([BIN, "export", "stix", "--data-dir", da, "--out", exported], check=True,
                   stdout=subprocess.DEVNULL)
    with open(exported) as f:
        a_bundle = json.load(f)
    a_patterns = sorted(o["pattern"] for o in a_bundle["objects"] if o["type"] == "indicator")
    d2 = os.path.join(tmp, "d2")
    os.mkdir(d2)
    r = run("intel", "import", "--data-dir", d2, "--json", exported)
    t.ok(r.returncode == 0 and len(a_patterns) > 0, "A's own export imports", (r.stdout, r.stderr))

    # ---- server B pulls A's collection ----------------------------------
    db_ = os.path.join(tmp, "b")
    os.mkdir(db_)
    tokfile = os.path.join(tmp, "a.token")
    with open(tokfile, "w") as f:
        f.write(rtok["token"] + "\n")
    badtok = os.path.join(tmp, "bad.token")
    with open(badtok, "w") as f:
        f.write("cgt_not_a_token\n")
    cfg = os.path.join(tmp, "b.ini")
    with open(cfg, "w") as f:
        f.write("[intel.province-a]\nkind = taxii\nurl = http://127.0.0.1:%d/taxii2/api/collections/%s/\n"
                "token_file = %s\ninterval = 3600\n\n"
                "[intel.wrong-token]\nkind = taxii\nurl = http://127.0.0.1:%d/taxii2/api/collections/%s/\n"
                "token_file = %s\ninterval = 3600\n\n"
                "[intel.province-a-paged]\nkind = taxii\nurl = http://127.0.0.1:%d/taxii2/api/collections/%s\n"
                "token_file = %s\ninterval = 3600\npage_size = 2\n"
                % (a.port, green_id, tokfile, a.port, green_id, badtok, a.port, green_id, tokfile))

    class BServer(Server):
        extra_args = ("--config", cfg)
    b = BServer(data_dir=db_)
    admin_b = b.login_admin()

    def source(name):
        st, body, _ = admin_b.req("GET", "/api/v1/intel/sources")
        for s in body.get("items", []) if st == 200 else []:
            if s["name"] == name and (s["last_pull"] or s["last_error"]):
                return s
        return None
    s_a = wait_for(lambda: source("province-a"))
    t.ok(s_a and s_a["kind"] == "taxii" and s_a["last_error"] is None and s_a["indicators"] > 0
         and s_a["cursor"],
         "B pulled A's collection on start: indicators stored, a cursor kept", s_a)
    st, inds, _ = admin_b.req("GET", "/api/v1/intel/indicators?limit=10000")
    pulled = {(i["type"], i["value"]) for i in inds.get("items", []) if i["source"] == "province-a"}
    r = run("intel", "list", "--data-dir", d2, "--json")
    d2src = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    t.ok(st == 200 and d2src and len(pulled) == d2src[0]["indicators"] and
         all(i["tlp"] == "green" for i in inds["items"] if i["source"] == "province-a"),
         "TAXII pull and file import of A's findings give the same indicators, TLP:GREEN",
         (len(pulled), d2src))
    s_p = wait_for(lambda: source("province-a-paged"))
    t.ok(s_p and s_p["last_error"] is None and s_a["indicators"] > 4 and s_p["indicators"] == s_a["indicators"]
         and s_p["cursor"] == s_a["cursor"],
         "a source pulled two objects a page (following next while more) gets the same indicators",
         (s_p, s_a["indicators"]))
    s_w = wait_for(lambda: source("wrong-token"))
    t.ok(s_w and s_w["last_error"] and "401" in s_w["last_error"] and s_w["indicators"] == 0
         and "cgt_not_a_token" not in s_w["last_error"],
         "a refused token: the source records HTTP 401, never the token", s_w)

    # something new at A; "pull now" brings only it (added_after the cursor)
    ing = a.client(token=itok["token"])
    st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([
        {"id": "late-intel-1", "time": "2026-11-22T01:00:00Z", "source": "dns", "kind": "infected_client",
         "severity": "high", "host": "10.9.9.9", "subject": "10.9.9.9", "summary": "late",
         "evidence": {"reasons": [{"kind": "blocklist", "sample": "late-c2.example"}]}}]),
        ctype="application/x-ndjson")
    t.ok(st in (200, 202), "A receives a new finding", (st, body))
    before = s_a["last_pull"]
    st, body, _ = b.client().req("POST", "/api/v1/intel/pull?source=province-a")
    t.ok(st == 401, "pull now: refused without a session", st)
    st, body, _ = admin_b.req("POST", "/api/v1/intel/pull?source=nope")
    t.ok(st == 404, "pull now of an unknown source: 404", (st, body))
    st, body, _ = admin_b.req("POST", "/api/v1/intel/pull?source=province-a")
    t.ok(st == 202, "pull now: 202", (st, body))
    s2 = wait_for(lambda: (lambda s: s if s and s["last_pull"] != before else None)(source("province-a")))
    t.ok(s2 and s2["indicators"] == s_a["indicators"] + 1 and s2["cursor"] > s_a["cursor"],
         "the second pull adds the new indicator, and the cursor moves on", (s_a, s2))
    st, body, _ = admin_b.req("GET", "/api/v1/intel/indicators?type=domain&limit=10000")
    late = [i for i in body.get("items", []) if i["value"] == "late-c2.example"]
    t.ok(len(late) == 1 and late[0]["source"] == "province-a",
         "the new indicator is B's, from province-a", late)

    # ---- B's DNS analysis matches pulled domains, names the source --------
    # an expired indicator in B's store must not match
    exp = {"type": "bundle", "id": "bundle--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f12", "objects": [
        {"type": "indicator", "id": "indicator--aaaaaaaa-1111-4111-8111-111111111111",
         "pattern": "[domain-name:value = 'gone.example']", "pattern_type": "stix",
         "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2021-01-01T00:00:00Z"}]}
    epath = os.path.join(tmp, "expired.json")
    with open(epath, "w") as f:
        json.dump(exp, f)
    st, body, _ = admin_b.req("GET", "/api/v1/intel/indicators?type=domain&limit=10000")
    t.ok(st == 200 and any(i["value"] == "late-c2.example" for i in body.get("items", [])),
         "the pulled domain is active on B", body)
    # the import goes through the CLI on B's data dir (B is running: the store is shared)
    r = run("intel", "import", "--data-dir", db_, epath)
    t.ok(r.returncode == 0, "an expired indicator imported on B", r.stderr)

    def line(i, client, name):
        return ("21-Nov-2026 04:%02d:%02d.000 queries: info: client @0x7f1c %s#5353 (%s): query: %s IN A +E(0)K (10.0.0.1)\n"
                % (i // 60 % 60, i % 60, client, name, name))
    text = "".join(line(i, "10.9.%d.%d" % (i % 7, i % 200 + 1), "www.example.com") for i in range(200))
    text += line(1, "10.7.1.1", "x.late-c2.example") + line(2, "10.7.1.2", "gone.example")
    st, up, _ = admin_b.req("POST", "/api/v1/dns/uploads", {"name": "r.log.gz"})
    uid = up.get("id")
    admin_b.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % uid, raw=gzip.compress(text.encode()),
                ctype="application/octet-stream")
    admin_b.req("POST", "/api/v1/dns/uploads/%d/analyze" % uid)
    done = wait_for(lambda: (lambda b_: b_ if b_.get("state") in ("done", "failed") else None)(
        admin_b.req("GET", "/api/v1/dns/uploads/%d" % uid)[1]), 120)
    st, evs, _ = admin_b.req("GET", "/api/v1/events?source=dns&kind=infected_client")
    by = {e["subject"]: e for e in evs.get("items", [])}
    reasons = by.get("10.7.1.1", {}).get("evidence", {}).get("reasons", [])
    t.ok(done and done.get("state") == "done" and any(
        r_.get("kind") == "blocklist" and r_.get("listed") == "late-c2.example"
        and r_.get("intel_source") == "province-a" for r_ in reasons),
         "B's DNS analysis flags the client that asked for a pulled domain, naming the source",
         (done, reasons))
    t.ok("10.7.1.2" not in by, "an expired indicator matches nothing", list(by))
finally:
    if b:
        b.cleanup()
    a.cleanup()
t.done()
