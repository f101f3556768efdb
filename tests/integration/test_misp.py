#!/usr/bin/env python3
"""test_misp.py - MISP: `canhgac export misp` writes a MISP core format
event (checked field by field: uuids, attribute types and categories,
to_ids, file objects with the file template, the TLP tag) holding the same
values as `export stix`, with the same uuids every time; it is pushed to a
MISP instance (POST /events/add with the Authorization key, and
/events/edit/UUID once the instance holds it) and a wrong key is refused
with exit 2; a server pulls MISP events (POST /events/restSearch) as an
[intel.NAME] source, keeping the to_ids attributes with the configured
expiry. The MISP instance is a small HTTP server written here on loopback
that implements those three endpoints as MISP documents them (a test peer
that checks the key and the event's shape). TAP; python3 stdlib."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _mispfake import FILE_TEMPLATE, KEY, Misp, event_shape_errors, start_misp  # noqa: E402
from _serverlib import BIN, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-misp.")
httpd, MISP = start_misp()
keyfile = os.path.join(tmp, "misp.key")
with open(keyfile, "w") as f:
    f.write(KEY + "\n")
badkey = os.path.join(tmp, "bad.key")
with open(badkey, "w") as f:
    f.write("wrong\n")

da = os.path.join(tmp, "a")
os.mkdir(da)
a = Server(data_dir=da)
b = None
try:
    subprocess.run([BIN, "demo", "seed", "--data-dir", da], check=True, stdout=subprocess.DEVNULL)
    out1, out2, stix = (os.path.join(tmp, n) for n in ("e1.json", "e2.json", "s.json"))
    r = subprocess.run([BIN, "export", "misp", "--data-dir", da, "--out", out1], capture_output=True, text=True)
    t.ok(r.returncode == 0, "export misp writes an event", r.stderr)
    ev = json.load(open(out1))
    e = ev.get("Event", {})
    t.ok(event_shape_errors(ev) == [], "the event has the core format's fields, uuids and timestamps",
         event_shape_errors(ev))
    t.ok({"name": "tlp:green"} in e.get("Tag", []) and not any("canhgac:agency" in x["name"] for x in e.get("Tag", [])),
         "TLP:GREEN: the tlp tag, and no agency named", e.get("Tag"))
    attrs = e.get("Attribute", [])
    t.ok(attrs and all(a["to_ids"] is True and a["category"] == "Network activity"
                       and a["type"] in ("domain", "ip-dst", "url") for a in attrs),
         "network indicators: domain, ip-dst and url attributes for detection", attrs[:3])
    objs = e.get("Object", [])
    t.ok(objs and all(o["name"] == "file" and o["template_uuid"] == FILE_TEMPLATE and len(o["Attribute"]) == 1
                      and o["Attribute"][0]["type"] in ("sha256", "md5")
                      and o["Attribute"][0]["object_relation"] == o["Attribute"][0]["type"]
                      and o["Attribute"][0]["category"] == "Payload delivery" for o in objs),
         "file hashes: file objects with their sha256 or md5", objs[:1])
    subprocess.run([BIN, "export", "stix", "--data-dir", da, "--out", stix], check=True, stdout=subprocess.DEVNULL)
    sb = json.load(open(stix))
    ind = {o["id"].split("--")[1]: o["pattern"] for o in sb["objects"] if o["type"] == "indicator"}
    mattrs = attrs + [a for o in objs for a in o["Attribute"]]
    t.ok(len(mattrs) == len(ind) and all(a["uuid"] in ind and ("'%s'" % a["value"]) in ind[a["uuid"]] for a in mattrs),
         "the same values as export stix, each attribute with its STIX indicator's uuid",
         (len(mattrs), len(ind)))
    subprocess.run([BIN, "export", "misp", "--data-dir", da, "--out", out2], check=True, stdout=subprocess.DEVNULL)
    t.ok(open(out1).read() == open(out2).read(), "a second export is the same, byte for byte (stable uuids)")
    admin_a = a.login_admin()
    st, api_ev, _ = admin_a.req("GET", "/api/v1/export/misp")
    t.ok(st == 200 and api_ev == ev, "GET /api/v1/export/misp gives the command's event", st)
    st, _, _ = admin_a.req("GET", "/api/v1/export/misp?tlp=purple")
    t.ok(st == 400, "a bad tlp: 400", st)
    r = subprocess.run([BIN, "export", "misp", "--data-dir", da, "--out", out2, "--tlp", "amber"],
                       capture_output=True, text=True)
    amb = json.load(open(out2))["Event"]
    t.ok({"name": "tlp:amber"} in amb["Tag"] and any(x["name"].startswith("canhgac:agency=") for x in amb["Tag"])
         and amb["uuid"] != e["uuid"],
         "TLP:AMBER: its tag, the agencies hit, an event of its own", amb["Tag"])

    # ---- push ----------------------------------------------------------
    r = subprocess.run([BIN, "export", "misp", "--data-dir", da, "--push", MISP, "--key-file", badkey],
                       capture_output=True, text=True)
    t.ok(r.returncode == 2 and "403" in r.stderr and "wrong" not in r.stderr and not Misp.events,
         "a wrong key: refused, exit 2, the key not shown", (r.returncode, r.stderr))
    r = subprocess.run([BIN, "export", "misp", "--data-dir", da, "--push", MISP, "--key-file", keyfile],
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and list(Misp.events) == [e["uuid"]] and Misp.seen[-1][0] == "/events/add"
         and Misp.seen[-1][1] == KEY,
         "push: POST /events/add with the key; the instance holds the event", (r.returncode, r.stderr, [s[0] for s in Misp.seen]))
    r = subprocess.run([BIN, "export", "misp", "--data-dir", da, "--push", MISP, "--key-file", keyfile],
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and len(Misp.events) == 1 and Misp.seen[-1][0] == "/events/edit/" + e["uuid"],
         "pushing again updates the same event (/events/edit/UUID)", [s[0] for s in Misp.seen])

    # a partner's event on the instance, with an attribute not for detection
    Misp.events["0f9b5b55-1c2d-4e8f-9a0b-1c2d3e4f5a6b"] = {
        "uuid": "0f9b5b55-1c2d-4e8f-9a0b-1c2d3e4f5a6b", "info": "partner phishing", "date": "2026-11-30",
        "threat_level_id": "1", "analysis": "2", "distribution": "1", "timestamp": str(int(time.time())),
        "Tag": [{"name": "tlp:amber"}],
        "Attribute": [
            {"uuid": "1f9b5b55-1c2d-4e8f-9a0b-1c2d3e4f5a6b", "type": "domain", "category": "Network activity",
             "value": "phish-partner.example", "to_ids": True, "timestamp": str(int(time.time()))},
            {"uuid": "2f9b5b55-1c2d-4e8f-9a0b-1c2d3e4f5a6b", "type": "url", "category": "Network activity",
             "value": "https://benign.example/", "to_ids": False, "timestamp": str(int(time.time()))}],
        "Object": []}

    # ---- pull ----------------------------------------------------------
    db_ = os.path.join(tmp, "b")
    os.mkdir(db_)
    cfg = os.path.join(tmp, "b.ini")
    with open(cfg, "w") as f:
        f.write("[intel.misp-partner]\nkind = misp\nurl = %s/\ntoken_file = %s\nexpire_days = 30\n" % (MISP, keyfile))

    class BServer(Server):
        extra_args = ("--config", cfg)
    b = BServer(data_dir=db_)
    admin_b = b.login_admin()

    def source():
        st, body, _ = admin_b.req("GET", "/api/v1/intel/sources")
        for s in body.get("items", []) if st == 200 else []:
            if s["name"] == "misp-partner" and (s["last_pull"] or s["last_error"]):
                return s
        return None
    end = time.time() + 60
    s = source()
    while not s and time.time() < end:
        time.sleep(0.2)
        s = source()
    pulls = [x for x in Misp.seen if x[0] == "/events/restSearch"]
    q = json.loads(pulls[0][2]) if pulls else {}
    t.ok(pulls and pulls[0][1] == KEY and q.get("returnFormat") == "json" and q.get("to_ids") is True,
         "the pull: POST /events/restSearch with the key, asking for to_ids attributes in JSON", q)
    t.ok(s and s["kind"] == "misp" and s["last_error"] is None and s["indicators"] == len(mattrs) + 1
         and s["cursor"],
         "every to_ids attribute of both events is an indicator of the source", (s, len(mattrs)))
    st, inds, _ = admin_b.req("GET", "/api/v1/intel/indicators?limit=10000")
    mine = {i["value"]: i for i in inds.get("items", []) if i["source"] == "misp-partner"}
    p = mine.get("phish-partner.example", {})
    t.ok(p.get("tlp") == "amber" and p.get("ext_id") == "1f9b5b55-1c2d-4e8f-9a0b-1c2d3e4f5a6b"
         and p.get("valid_until") and "https://benign.example/" not in mine,
         "the partner's domain with its TLP, uuid and an expiry; its non-detection URL left out", p)
finally:
    if b:
        b.cleanup()
    a.cleanup()
    httpd.shutdown()
t.done()
