#!/usr/bin/env python3
"""test_taxii.py - the read-only TAXII 2.1 server under /taxii2/, driven
with curl over loopback as a TAXII client would (the exchanges of the
TAXII 2.1 specification: discovery, API root, collections, objects with
added_after, limit and next, manifest, one object): media types and the
X-TAXII-Date-Added-First/Last headers; a collection per TLP level holding
what `export stix --tlp LEVEL` exports; paging that neither repeats nor
skips; added_after returning only what arrived later; TAXII error objects
for bad parameters, 404 and 406; API-token authentication through the
policy (read tokens yes, ingest tokens and officers no, a token bound to an
agency sees that agency); no route that writes. Pages are validated with
ajv against the official STIX 2.1 schemas. TAP; python3 stdlib, curl, node."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, SRC, Server, Tap, ndjson  # noqa: E402

t = Tap()
SCHEMAS = os.environ.get("CANHGAC_STIX_SCHEMAS") or os.path.join(
    SRC, "..", "shared", "schemas", "stix2.1")
if not os.path.isdir(SCHEMAS):
    SCHEMAS = "/work/shared/schemas/stix2.1"
STIXDIR = os.path.join(SRC, "tests", "stix")
TAXII = "application/taxii+json;version=2.1"
tmp = tempfile.mkdtemp(prefix="canhgac-taxii.")
data = os.path.join(tmp, "data")
os.mkdir(data)
if not os.path.isdir(os.path.join(STIXDIR, "node_modules", "ajv")):
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=STIXDIR, check=True, stdout=subprocess.DEVNULL)

srv = Server(data_dir=data)
subprocess.run([BIN, "demo", "seed", "--data-dir", data], check=True, stdout=subprocess.DEVNULL)
admin = srv.login_admin()
_, rtok, _ = admin.req("POST", "/api/v1/tokens", {"name": "national", "scope": "read"})
_, itok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
BASE = "http://127.0.0.1:%d" % srv.port


def curl(path, token=rtok["token"], accept=TAXII, method="GET"):
    """(status, headers, body) of one request, as curl sees it."""
    args = ["curl", "-sS", "-g", "-D", "-", "-X", method, "--max-time", "60"]
    if accept:
        args += ["-H", "Accept: " + accept]
    if token:
        args += ["-H", "Authorization: Bearer " + token]
    out = subprocess.run(args + [BASE + path], stdout=subprocess.PIPE, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    try:
        body = json.loads(body)
    except ValueError:
        pass
    return status, hdrs, body


def validate(objects, name):
    p = os.path.join(tmp, name + ".json")
    with open(p, "w") as f:
        json.dump({"type": "bundle", "id": "bundle--6f1c5c53-4f0e-4a43-9f5e-0e6d3c2b1a90",
                   "objects": objects}, f)
    v = subprocess.run(["node", os.path.join(STIXDIR, "validate.mjs"), "--schemas", SCHEMAS, p],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return v.returncode == 0, v.stdout


# discovery, API root, collections
st, h, d = curl("/taxii2/")
t.ok(st == 200 and h.get("content-type") == TAXII and d["api_roots"] == ["/taxii2/api/"] and
     d["default"] in d["api_roots"], "discovery", (st, h.get("content-type"), d))
st, h, r = curl("/taxii2/api/")
t.ok(st == 200 and r["versions"] == [TAXII] and "title" in r, "the API root", r)
st, h, c = curl("/taxii2/api/collections/")
cols = {x["alias"]: x for x in c["collections"]}
t.ok(st == 200 and sorted(cols) == sorted(["tlp-clear", "tlp-green", "tlp-amber",
                                           "tlp-amber+strict", "tlp-red"]),
     "a collection per TLP level", list(cols))
t.ok(all(x["can_read"] and not x["can_write"] and
         x["media_types"] == ["application/stix+json;version=2.1"] for x in cols.values()),
     "collections are read-only and serve STIX 2.1", cols)
amber = cols["tlp-amber"]["id"]
st, h, one = curl("/taxii2/api/collections/%s/" % amber)
t.ok(st == 200 and one == cols["tlp-amber"], "one collection", one)


def walk(cid, limit, extra=""):
    """Every object of a collection, page by page; (objects, pages, ok)."""
    objs, pages, nxt, good = [], [], None, True
    for _ in range(1000):
        q = "?limit=%d%s" % (limit, extra) + ("&next=" + nxt if nxt else "")
        st, h, env = curl("/taxii2/api/collections/%s/objects/%s" % (cid, q))
        good = good and st == 200 and h.get("content-type") == TAXII
        page = env.get("objects", [])
        good = good and len(page) <= limit
        if page:
            m = curl("/taxii2/api/collections/%s/manifest/%s" % (cid, q))[2]
            added = [x["date_added"] for x in m["objects"]]
            good = good and h.get("x-taxii-date-added-first") == added[0] and \
                h.get("x-taxii-date-added-last") == added[-1] and \
                [x["id"] for x in m["objects"]] == [o["id"] for o in page]
        objs += page
        pages.append(page)
        if not env.get("more"):
            break
        nxt = env["next"]
    return objs, pages, good


objs, pages, good = walk(amber, 4)
t.ok(good and len(pages) > 2, "objects by pages of 4 with next; headers match the manifest",
     len(pages))
ids = [o["id"] for o in objs]
t.ok(len(ids) == len(set(ids)), "no object twice across pages")
out = os.path.join(tmp, "amber.json")
subprocess.run([BIN, "export", "stix", "--data-dir", data, "--tlp", "amber", "--out", out],
               check=True, stdout=subprocess.DEVNULL)
with open(out) as f:
    exported = json.load(f)["objects"]
t.ok(sorted(objs, key=lambda o: o["id"]) == sorted(exported, key=lambda o: o["id"]),
     "the tlp-amber collection holds what export stix --tlp amber writes")
ok, vout = validate(objs, "amber")
t.ok(ok, "the collection's objects validate against the STIX 2.1 schemas", vout)
gobjs, _, good = walk(cols["tlp-green"]["id"], 100)
t.ok(good and gobjs and not any(o["type"] in ("sighting", "incident") for o in gobjs),
     "tlp-green: no sightings, no incidents")

st, h, m = curl("/taxii2/api/collections/%s/manifest/" % amber)
rec = m["objects"][0]
obj = next(o for o in objs if o["id"] == rec["id"])
t.ok(st == 200 and set(rec) == {"id", "date_added", "version", "media_type"} and
     rec["version"] == obj["modified"], "manifest records: id, date_added, version", rec)
ind = next(o for o in objs if o["type"] == "indicator")
st, h, env = curl("/taxii2/api/collections/%s/objects/%s/" % (amber, ind["id"]))
t.ok(st == 200 and env["objects"] == [ind], "one object by its id", env)
st, h, env = curl("/taxii2/api/collections/%s/objects/?match[type]=indicator,malware" % amber)
t.ok(st == 200 and {o["type"] for o in env["objects"]} == {"indicator", "malware"},
     "match[type]", {o["type"] for o in env.get("objects", [])})

# added_after: only what arrived since
last = max(x["date_added"] for x in curl("/taxii2/api/collections/%s/manifest/?limit=1000" % amber)[2]["objects"])
time.sleep(0.05)
ing = srv.client(token=itok["token"])
st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([
    {"id": "late-1", "time": "2026-11-22T01:00:00Z", "source": "dns", "kind": "infected_client",
     "severity": "high", "host": "10.9.9.9", "subject": "10.9.9.9", "summary": "late",
     "evidence": {"reasons": [{"kind": "blocklist", "sample": "late-c2.example"}]}}]),
    ctype="application/x-ndjson")
st, h, env = curl("/taxii2/api/collections/%s/objects/?added_after=%s" % (amber, last))
got = env.get("objects", [])
# besides the late event's indicator and sighting, a case the server
# opened by itself from the findings (incident-auto) arrives then too
t.ok(st == 200 and got and all(o["type"] in ("indicator", "sighting") or
                               (o["type"] in ("incident", "relationship") and o["created"] > last)
                               for o in got) and
     any(o.get("pattern") == "[domain-name:value = 'late-c2.example']" for o in got),
     "added_after: only the objects of what arrived later", [o["type"] for o in got])
t.ok(h.get("x-taxii-date-added-first", "") > last, "their date added is after added_after", h)
st, h, env = curl("/taxii2/api/collections/%s/objects/?added_after=2099-01-01T00:00:00Z" % amber)
t.ok(st == 200 and env == {"more": False}, "nothing added after the future", env)

# the collections are kept between requests while the store is unchanged:
# a change that adds no event (triage, audited) is seen at the next pull
LATE = "[domain-name:value = 'late-c2.example']"


def late_listed():
    objs = curl("/taxii2/api/collections/%s/objects/?match[type]=indicator&limit=1000" % amber)[2]
    return any(o.get("pattern") == LATE for o in objs.get("objects", []))


t.ok(late_listed() and late_listed(), "the late finding is listed, pulled twice (the kept collection)")
_, evs, _ = admin.req("GET", "/api/v1/events?source=dns&limit=500")
late_seq = [e["seq"] for e in evs.get("items", []) if e["id"] == "late-1"]
st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": late_seq, "state": "false_positive"})
t.ok(st == 200 and not late_listed(),
     "marked a false positive, it leaves the next pull (no new event: the audit row changed)", (st, body))
st, body, _ = admin.req("POST", "/api/v1/events/triage", {"ids": late_seq, "state": "new"})
t.ok(st == 200 and late_listed(), "and comes back when the mark is undone", (st, body))

# errors: TAXII error objects
for q, what in (("added_after=yesterday", "added_after"), ("limit=0", "limit"),
                ("limit=ten", "limit"), ("next=123", "next"),
                ("next=1_indicator--zz", "next"), ("match[type]=Indicator", "match[type]"),
                ("match[id]=x", "match[id]")):
    st, h, e = curl("/taxii2/api/collections/%s/objects/?%s" % (amber, q))
    t.ok(st == 400 and h.get("content-type") == TAXII and e.get("http_status") == "400" and
         what in e.get("description", ""), "bad %s: 400 with a TAXII error" % what, (st, e))
st, h, e = curl("/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/")
t.ok(st == 404 and e.get("title"), "an unknown collection: 404", e)
st, h, e = curl("/taxii2/api/collections/%s/objects/indicator--00000000-0000-4000-8000-000000000000/" % amber)
t.ok(st == 404, "an unknown object: 404", e)
st, h, e = curl("/taxii2/", accept="application/xml")
t.ok(st == 406 and e.get("http_status") == "406", "Accept: application/xml: 406", e)

# authentication and the policy
st, h, e = curl("/taxii2/api/collections/", token=None)
t.ok(st == 401, "no token: 401", st)
st, h, e = curl("/taxii2/api/collections/", token=itok["token"])
t.ok(st == 403, "an ingest token: 403", st)
_, ag, _ = admin.req("GET", "/api/v1/agencies?limit=500")
syt = next(a["id"] for a in ag["items"] if a["code"] == "SYT")
_, btok, _ = admin.req("POST", "/api/v1/tokens", {"name": "syt", "scope": "read", "agency_id": syt})
st, h, env = curl("/taxii2/api/collections/%s/objects/?match[type]=indicator" % amber,
                  token=btok["token"])
t.ok(st == 200 and {o["pattern"] for o in env.get("objects", [])} ==
     {"[domain-name:value = 'update-check.example']"},
     "a read token bound to an agency pulls that agency's findings", env)
admin.req("POST", "/api/v1/users", {"username": "off1", "role": "officer", "agency_id": syt,
                                     "password": "password-of-off1"})
off = srv.client()
off.login("off1", "password-of-off1")
st, body, _ = off.req("GET", "/taxii2/api/collections/")
t.ok(st == 403, "an officer's session: 403", st)
st, h, e = curl("/taxii2/api/collections/%s/objects/" % amber, method="POST")
t.ok(st in (404, 405), "no route writes objects", st)

srv.stop()
t.done()
