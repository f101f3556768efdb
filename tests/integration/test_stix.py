#!/usr/bin/env python3
"""test_stix.py - the STIX 2.1 export (`canhgac export stix` and GET
/api/v1/export/stix) on the demo province plus hostile findings sent
through the API: every bundle validates against the official STIX 2.1 JSON
schemas (ajv, tests/stix/validate.mjs) and every indicator's pattern parses
with the parser ANTLR generates from the official pattern grammar
(tests/stix/PatternCheck.java), with negative controls for both; the same
findings export the same ids; --tlp, --agency, --since/--until filter; a
signed export verifies with `openssl cms -verify`; the API gives the same
objects as the command, and an officer is refused.
TAP; python3 stdlib, node + npm (ajv), antlr4 + a JDK (Debian), openssl."""
import collections
import copy
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, SRC, Server, Tap, ndjson  # noqa: E402

t = Tap()
SCHEMAS = os.environ.get("CANHGAC_STIX_SCHEMAS") or os.path.join(
    SRC, "..", "shared", "schemas", "stix2.1")
if not os.path.isdir(SCHEMAS):
    SCHEMAS = "/work/shared/schemas/stix2.1"
STIXDIR = os.path.join(SRC, "tests", "stix")
tmp = tempfile.mkdtemp(prefix="canhgac-stix.")
data = os.path.join(tmp, "data")
os.mkdir(data)


def run(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


# ---- the checkers: ajv and the ANTLR parser of the official grammar ----
if not os.path.isdir(os.path.join(STIXDIR, "node_modules", "ajv")):
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=STIXDIR, check=True, stdout=subprocess.DEVNULL)
gram = os.path.join(tmp, "grammar")
os.mkdir(gram)
shutil.copy(os.path.join(SCHEMAS, "pattern_grammar", "STIXPattern.g4"), gram)
shutil.copy(os.path.join(STIXDIR, "PatternCheck.java"), gram)
RUNTIME = "/usr/share/java/antlr4-runtime.jar"
subprocess.run(["antlr4", "-Dlanguage=Java", "STIXPattern.g4"], cwd=gram, check=True)
subprocess.run(["javac", "-cp", RUNTIME] + glob.glob(os.path.join(gram, "*.java")), cwd=gram,
               check=True)


def validate(*files):
    pats = os.path.join(tmp, "patterns.txt")
    v = subprocess.run(["node", os.path.join(STIXDIR, "validate.mjs"), "--schemas", SCHEMAS,
                        "--patterns", pats] + list(files),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    with open(pats, "rb") as f:
        p = subprocess.run(["java", "-cp", RUNTIME + ":" + gram, "PatternCheck"], stdin=f,
                           stdout=subprocess.PIPE, text=True)
    return v.returncode == 0, v.stdout, p.returncode == 0, p.stdout


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def types(b):
    return collections.Counter(o["type"] for o in b["objects"])


def patterns(b):
    return {o["pattern"] for o in b["objects"] if o["type"] == "indicator"}


# ---- the province: the demo, and hostile findings sent through the API ----
srv = Server(data_dir=data)
rc, o, e = run("demo", "seed", "--data-dir", data)
t.ok(rc == 0, "demo seed", e)
admin = srv.login_admin()
_, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
SHA = "AB" * 32
hostile = [
    {"id": "h-web-1", "time": "2026-11-21T04:00:00Z", "source": "web", "kind": "hidden_links",
     "severity": "high", "host": "web01", "subject": "https://xa.example.gov.vn/",
     "summary": "liên kết ẩn",
     "evidence": {"links": [{"href": "http://spam.example/it's\\here?a=1&b=\"2\""},
                            {"href": "http://[2001:db8::7]/x"},
                            {"href": "javascript:alert(1)"},
                            {"href": "http://xn--nh-cai-9za.example/ x"}]}},
    {"id": "h-dns-1", "time": "2026-11-21T05:00:00Z", "source": "dns", "kind": "infected_client",
     "severity": "high", "host": "10.45.3.99", "subject": "10.45.3.99", "summary": "c2",
     "evidence": {"reasons": [{"kind": "blocklist", "sample": "C2.Bad-Domain.example."},
                              {"kind": "tunnel", "domain": "t.example'] OR [x:y = '1"},
                              {"kind": "beacon", "name": "198.51.100.23"}]}},
    {"id": "h-mal-1", "time": "2026-11-21T06:00:00Z", "source": "malware", "kind": "webshell",
     "severity": "critical", "host": "web02", "subject": "/var/www/x.php", "summary": "shell",
     "evidence": {"sha256": SHA, "rule": "php_eval", "meta": {"family": "China Chopper"}}},
    {"id": "h-web-2", "time": "2026-11-21T07:00:00Z", "source": "web", "kind": "redirect",
     "severity": "critical", "host": "web01", "subject": "https://xa.example.gov.vn/",
     "summary": "chuyển hướng", "evidence": {"to_domain": "casino.example"}},
]
ing = srv.client(token=tok["token"])
st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson(hostile), ctype="application/x-ndjson")
t.ok(st == 200 and body.get("accepted") == len(hostile), "hostile findings accepted", body)

# a DNS finding the team judged a false positive is not shared
fp = [{"id": "h-fp-1", "time": "2026-11-21T05:30:00Z", "source": "dns", "kind": "infected_client",
       "severity": "medium", "host": "10.45.3.98", "subject": "10.45.3.98", "summary": "fp",
       "evidence": {"reasons": [{"kind": "blocklist", "sample": "cdn.benign-but-listed.example"}]}}]
ing.req("POST", "/api/v1/events", raw=ndjson(fp), ctype="application/x-ndjson")
_, evs, _ = admin.req("GET", "/api/v1/events?q=fp&source=dns&limit=50")
fpseq = [e["seq"] for e in evs["items"] if e["id"] == "h-fp-1"]
st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": fpseq, "state": "false_positive",
                                                          "note": "danh sách đen nhầm"})
t.ok(st == 200 and fpseq, "a finding triaged as a false positive", body)

# ---- the command ----
out1 = os.path.join(tmp, "amber.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--tlp", "amber", "--out", out1)
t.ok(rc == 0 and "STIX" in o, "export stix --tlp amber", o + e)
b1 = load(out1)
vok, vout, pok, pout = validate(out1)
t.ok(vok, "the bundle validates against the official STIX 2.1 schemas", vout)
t.ok(pok and pout.startswith("ok "), "every pattern parses with the official grammar", pout)
ty = types(b1)
t.ok(all(ty[k] > 0 for k in ("identity", "indicator", "malware", "sighting", "incident",
                             "relationship", "marking-definition")),
     "identities, indicators, malware, sightings, incidents, relationships, markings", ty)
pats = patterns(b1)
want = {"[domain-name:value = 'c2.bad-domain.example']",
        "[ipv4-addr:value = '198.51.100.23']",
        "[url:value = 'http://[2001:db8::7]/x']",
        "[file:hashes.'SHA-256' = '" + SHA.lower() + "']",
        "[domain-name:value = 'casino.example']",
        "[domain-name:value = 'update-check.example']"}
t.ok(want <= pats, "indicators for domains, addresses, URLs and hashes", sorted(want - pats))
t.ok("[domain-name:value = 'cdn.benign-but-listed.example']" not in pats,
     "a false positive is not shared", sorted(pats))
t.ok(not any("javascript" in p or "x:y" in p or "xn--nh" in p for p in pats),
     "a script URL, a name with quotes and a URL with a space are not indicators", sorted(pats))
t.ok(any(p.startswith("[url:value = 'http://spam.example/it\\'s\\\\here") for p in pats),
     "quotes and backslashes in a URL are escaped", sorted(pats))
inc = [o for o in b1["objects"] if o["type"] == "incident"]
t.ok(all(o.get("x_canhgac_state") and o.get("x_canhgac_kind") for o in inc),
     "incidents carry their kind and state", inc[:1])
mw = [o for o in b1["objects"] if o["type"] == "malware"]
t.ok(any(o["name"] == "China Chopper" and o["malware_types"] == ["webshell"] for o in mw),
     "a named family becomes a malware object", mw)
tlp_ids = {o["id"] for o in b1["objects"] if o["type"] == "marking-definition"}
t.ok(tlp_ids == {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
                 "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                 "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
     "the TLP 2.0 markings by their published ids", tlp_ids)

# negative controls: the checkers can fail
broken = copy.deepcopy(b1)
ind = next(o for o in broken["objects"] if o["type"] == "indicator")
del ind["valid_from"]
ind["pattern"] = "[domain-name:value = 'unterminated]"
bp = os.path.join(tmp, "broken.json")
with open(bp, "w") as f:
    json.dump(broken, f)
vok, vout, pok, pout = validate(bp)
t.ok(not vok and "valid_from" in vout, "the schema check refuses an indicator without valid_from", vout)
t.ok(not pok and "bad:" in pout, "the grammar check refuses an unterminated string", pout)

# the same findings, the same objects (only the bundle's own id is new)
out2 = os.path.join(tmp, "amber2.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--tlp", "amber", "--out", out2)
b2 = load(out2)
t.ok(rc == 0 and b1["objects"] == b2["objects"] and b1["id"] != b2["id"],
     "a second export gives the same objects and ids", e)

# TLP: green shares indicators, not who was hit
outg = os.path.join(tmp, "green.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--out", outg)
bg = load(outg)
tg = types(bg)
t.ok(rc == 0 and tg["indicator"] == ty["indicator"] and tg["sighting"] == 0 and
     tg["incident"] == 0 and tg["identity"] == 1, "the default (green) leaves out sightings, "
     "incidents and agencies", tg)
ids1 = {o["id"] for o in b1["objects"]}
t.ok({o["id"] for o in bg["objects"]} <= ids1, "green objects keep their ids at amber")
vok, vout, pok, pout = validate(outg)
t.ok(vok and pok, "the green bundle validates", vout + pout)

# --agency: sightings of that agency only
outa = os.path.join(tmp, "syt.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--tlp", "amber", "--agency", "SYT",
               "--out", outa)
ba = load(outa)
where = {r for o in ba["objects"] if o["type"] == "sighting" for r in o["where_sighted_refs"]}
names = {o["id"]: o["name"] for o in ba["objects"] if o["type"] == "identity"}
t.ok(rc == 0 and len(where) == 1 and patterns(ba) == {"[domain-name:value = 'update-check.example']"},
     "--agency SYT: its finding only", [names.get(w) for w in where])
vok, vout, pok, pout = validate(outa)
t.ok(vok and pok, "the agency's bundle validates", vout)

# --since / --until
outs = os.path.join(tmp, "since.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--tlp", "red", "--since", "2099-01-01",
               "--out", outs)
bs = load(outs)
t.ok(rc == 0 and types(bs)["indicator"] == 0 and types(bs)["incident"] == 0,
     "--since in the future: nothing but the province", types(bs))
rc, o, e = run("export", "stix", "--data-dir", data, "--tlp", "amber", "--since",
               "2026-11-21T04:30:00Z", "--until", "2026-11-21T06:30:00Z", "--out", outs)
bs = load(outs)
t.ok(rc == 0 and "[domain-name:value = 'casino.example']" not in patterns(bs) and
     "[ipv4-addr:value = '198.51.100.23']" in patterns(bs) and
     not any("spam.example" in p for p in patterns(bs)),
     "--since/--until keep the findings of the window", sorted(patterns(bs)))

# signed
sg = os.path.join(tmp, "sg")
os.mkdir(sg)
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                sg + "/k.pem", "-out", sg + "/c.pem", "-days", "30", "-subj",
                "/CN=Trung tam giam sat/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
outsg = os.path.join(tmp, "signed.json")
rc, o, e = run("export", "stix", "--data-dir", data, "--out", outsg, "--sign", sg + "/k.pem",
               "--cert", sg + "/c.pem")
t.ok(rc == 0 and os.path.exists(outsg + ".p7s"), "a signed export writes FILE.p7s", o + e)
v = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                    outsg + ".p7s", "-content", outsg, "-CAfile", sg + "/c.pem", "-out",
                    "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
t.ok(v.returncode == 0, "openssl cms -verify: the signature is valid", v.stdout)
with open(outsg, "ab") as f:
    f.write(b" ")
v = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                    outsg + ".p7s", "-content", outsg, "-CAfile", sg + "/c.pem", "-out",
                    "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
t.ok(v.returncode != 0, "a changed bundle fails the check", v.stdout)

# ---- the API ----
st, body, hdrs = admin.req("GET", "/api/v1/export/stix?tlp=amber")
t.ok(st == 200 and hdrs.get("content-type", "").startswith("application/stix+json"),
     "GET /api/v1/export/stix: a STIX bundle", (st, hdrs.get("content-type")))
if isinstance(body, bytes):
    body = json.loads(body)
t.ok(isinstance(body, dict) and body.get("objects") == b1["objects"],
     "the API gives the command's objects")
st, body, _ = admin.req("GET", "/api/v1/export/stix?tlp=white")
t.ok(st == 400, "an unknown TLP level is refused", body)
st, body, _ = admin.req("GET", "/api/v1/export/stix?since=yesterday")
t.ok(st == 400, "a bad time is refused", body)
admin.req("POST", "/api/v1/users", {"username": "an1", "role": "analyst",
                                     "password": "password-of-an1"})
an = srv.client()
an.login("an1", "password-of-an1")
st, body, _ = an.req("GET", "/api/v1/export/stix?tlp=green&since=2026-11-21T04:30:00Z")
if isinstance(body, bytes):
    body = json.loads(body)
t.ok(st == 200 and "[ipv4-addr:value = '198.51.100.23']" in patterns(body),
     "an analyst exports a window", st)
_, ag, _ = admin.req("GET", "/api/v1/agencies?limit=500")
syt = next(a["id"] for a in ag["items"] if a["code"] == "SYT")
admin.req("POST", "/api/v1/users", {"username": "off1", "role": "officer", "agency_id": syt,
                                     "password": "password-of-off1"})
off = srv.client()
off.login("off1", "password-of-off1")
st, body, _ = off.req("GET", "/api/v1/export/stix")
t.ok(st == 403, "an officer may not export", st)
_, rt, _ = admin.req("POST", "/api/v1/tokens", {"name": "partner", "scope": "read",
                                                 "agency_id": syt})
st, body, _ = srv.client(token=rt["token"]).req("GET", "/api/v1/export/stix?tlp=amber")
if isinstance(body, bytes):
    body = json.loads(body)
t.ok(st == 200 and patterns(body) == {"[domain-name:value = 'update-check.example']"},
     "a read token bound to an agency gets that agency's findings", st)

srv.stop()
shutil.rmtree(tmp, ignore_errors=True)
t.done()
