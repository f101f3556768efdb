#!/usr/bin/env python3
"""test_misp_feed.py - a MISP feed pulled as an [intel.NAME] source of kind
misp-feed: the feed is a directory in MISP's feed layout (manifest.json,
one <uuid>.json per event, hashes.csv) written here and served by a real
HTTP server on loopback (python's http.server over that directory, which
records every path asked for). The first pull fetches the manifest and
each listed event, keeping the to_ids attributes with the event's TLP and
the configured expiry; a manifest member that is not a uuid is never put
in a URL; after an event is edited and one added, a pull fetches exactly
those two; with nothing changed, only the manifest; a manifest that is
not one is the source's last error, naming it. TAP; python3 stdlib."""
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-mispfeed.")
root = os.path.join(tmp, "www")
feed = os.path.join(root, "feed")
os.makedirs(feed)
os.makedirs(os.path.join(root, "broken"))
with open(os.path.join(root, "broken", "manifest.json"), "w") as f:
    f.write('["not", "a", "manifest"]')
with open(os.path.join(root, "secret.json"), "w") as f:
    json.dump({"Event": {"Attribute": [{"type": "domain", "value": "smuggled.example", "to_ids": True}]}}, f)

seen = []
lock = threading.Lock()


class Handler(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        with lock:
            seen.append(self.path)
        return super().do_GET()


httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=root))
threading.Thread(target=httpd.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % httpd.server_address[1]

E1 = "5f0e7b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
E2 = "6a1f8c2b-3d4e-4f6a-9b0c-1d2e3f4a5b6c"
E3 = "7b2a9d3c-4e5f-4a7b-8c1d-2e3f4a5b6c7d"
T = int(time.time()) - 3600
SHA = "a" * 63 + "1"
SHA2 = "b" * 63 + "2"
manifest = {}


def attr(uid, typ, value, to_ids=True):
    return {"uuid": uid, "type": typ, "category": "Network activity", "value": value,
            "to_ids": to_ids, "timestamp": str(T)}


def write_event(uid, ts, attrs, tlp="tlp:amber"):
    ev = {"Event": {"uuid": uid, "info": "feed event " + uid[:4], "date": "2026-11-01",
                    "timestamp": str(ts), "analysis": "2", "threat_level_id": "2",
                    "Tag": [{"name": tlp}], "Attribute": attrs, "Object": []}}
    with open(os.path.join(feed, uid + ".json"), "w") as f:
        json.dump(ev, f)
    manifest[uid] = {"info": ev["Event"]["info"], "Orgc": {"name": "CERT partner"},
                     "Tag": [{"name": tlp}], "date": "2026-11-01", "analysis": 2,
                     "threat_level_id": 2, "timestamp": str(ts)}


def write_manifest(extra=None):
    m = dict(manifest)
    m.update(extra or {})
    with open(os.path.join(feed, "manifest.json"), "w") as f:
        json.dump(m, f)
    with open(os.path.join(feed, "hashes.csv"), "w") as f:
        f.write("0123456789abcdef0123456789abcdef,%s\n" % E1)


write_event(E1, T, [attr("11111111-1111-4111-8111-111111111111", "domain", "feed-c2.example"),
                    attr("12111111-1111-4111-8111-111111111111", "url", "https://benign.example/", False)])
write_event(E2, T + 10, [attr("21111111-1111-4111-8111-111111111111", "sha256", SHA)], "tlp:green")
write_manifest({"../secret": {"timestamp": str(T + 5)}, "7b2a9d3c-4e5f-4a7b-8c1d-2e3f4a5b6c7d?x=1":
                {"timestamp": str(T + 5)}})

cfg = os.path.join(tmp, "s.ini")
with open(cfg, "w") as f:
    f.write("[intel.partner-feed]\nkind = misp-feed\nurl = %s/feed/\nexpire_days = 30\n"
            "interval = 3600\n" % BASE)
    f.write("[intel.broken-feed]\nkind = misp-feed\nurl = %s/broken\ninterval = 3600\n" % BASE)


class S(Server):
    extra_args = ("--config", cfg)


srv = None
try:
    srv = S()
    admin = srv.login_admin()

    def source(name, after_cursor=None):
        st, body, _ = admin.req("GET", "/api/v1/intel/sources")
        for s in body.get("items", []) if st == 200 else []:
            if s["name"] == name and (s["last_pull"] or s["last_error"]):
                if after_cursor is None or s["cursor"] != after_cursor:
                    return s
        return None

    def wait_source(name, after_cursor=None, secs=60):
        end = time.time() + secs
        s = source(name, after_cursor)
        while not s and time.time() < end:
            time.sleep(0.2)
            s = source(name, after_cursor)
        return s

    def feed_paths():
        with lock:
            return [p for p in seen if p.startswith("/feed/") or p.startswith("/secret")
                    or "?" in p or ".." in p]

    s = wait_source("partner-feed")
    first = feed_paths()
    t.ok(s and s["kind"] == "misp-feed" and s["last_error"] is None and s["cursor"] == str(T + 10)
         and s["indicators"] == 2,
         "the first pull: both events' to_ids attributes, the cursor at the newest event's timestamp", s)
    t.ok(sorted(first) == sorted(["/feed/manifest.json", "/feed/%s.json" % E1, "/feed/%s.json" % E2]),
         "it fetched the manifest and the two events, nothing named by a non-uuid member, not hashes.csv",
         first)
    st, inds, _ = admin.req("GET", "/api/v1/intel/indicators?limit=10000")
    mine = {i["value"]: i for i in inds.get("items", []) if i["source"] == "partner-feed"}
    d = mine.get("feed-c2.example", {})
    h = mine.get(SHA, {})
    t.ok(d.get("tlp") == "amber" and d.get("ext_id") == "11111111-1111-4111-8111-111111111111"
         and d.get("valid_until") and h.get("tlp") == "green" and h.get("type") == "sha256"
         and "https://benign.example/" not in mine and "smuggled.example" not in mine,
         "each indicator with its event's TLP, the attribute's uuid and an expiry", mine)

    # ---- an event edited, one added: exactly those two fetched ---------
    write_event(E2, T + 20, [attr("21111111-1111-4111-8111-111111111111", "sha256", SHA),
                             attr("22111111-1111-4111-8111-111111111111", "sha256", SHA2)], "tlp:green")
    write_event(E3, T + 30, [attr("31111111-1111-4111-8111-111111111111", "ip-dst", "198.51.100.77")])
    write_manifest()
    with lock:
        seen.clear()
    st, _, _ = admin.req("POST", "/api/v1/intel/pull?source=partner-feed")
    s2 = wait_source("partner-feed", after_cursor=str(T + 10))
    second = feed_paths()
    t.ok(st == 202 and s2 and s2["cursor"] == str(T + 30) and s2["indicators"] == 4
         and sorted(second) == sorted(["/feed/manifest.json", "/feed/%s.json" % E2, "/feed/%s.json" % E3]),
         "a pull after changes fetches the manifest, the edited and the new event only", (st, s2, second))

    # ---- nothing changed: the manifest alone ---------------------------
    with lock:
        seen.clear()
    before = s2["last_pull"]
    st, _, _ = admin.req("POST", "/api/v1/intel/pull?source=partner-feed")
    end = time.time() + 60
    while time.time() < end and "/feed/manifest.json" not in feed_paths():
        time.sleep(0.2)
    time.sleep(1.0)
    s3 = source("partner-feed")
    third = feed_paths()
    t.ok(third == ["/feed/manifest.json"] and s3 and s3["cursor"] == str(T + 30)
         and s3["last_error"] is None and s3["last_pull"] >= before,
         "with nothing changed a pull reads the manifest alone", (third, s3))

    # ---- a manifest that is not one ------------------------------------
    b = wait_source("broken-feed")
    t.ok(b and b["last_error"] and "manifest.json" in b["last_error"] and b["indicators"] == 0,
         "a manifest that is not an object of events: the source's error names it", b)
finally:
    if srv:
        srv.cleanup()
    httpd.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
