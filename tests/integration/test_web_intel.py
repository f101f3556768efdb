#!/usr/bin/env python3
"""test_web_intel.py - the server's portal watcher flags pages that lead
to threat-intelligence domains: a portal (nginx on loopback) loading a
script from a name below an active intelligence domain gets one
intel_domain finding naming the listed domain and its source, while its
link to an expired indicator's domain does not match and another portal
stays quiet; once the indicator is imported again with a past expiry the
finding ends (a resolved event). The page is unchanged throughout (it is
the baseline's): intelligence alone decides. Prints TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
import _webfix as W  # noqa: E402


class WatchServer(S.Server):
    def start(self):
        args = [S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--no-tls", "--web-interval", "1"]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        self.host, port = line.strip().rsplit("//", 1)[1].rsplit(":", 1)
        self.port = int(port)


def web_events(c, url=None):
    st, body, _ = c.req("GET", "/api/v1/events?source=web&limit=500")
    items = body["items"] if st == 200 else []
    return [e for e in items if url is None or e.get("subject") == url]


def wait(pred, timeout=60, step=0.3):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def bundle(c2_until):
    c2 = {"type": "indicator", "id": "indicator--a1a1a1a1-1111-4111-8111-111111111111",
          "pattern": "[domain-name:value = 'c2-intel.example']", "pattern_type": "stix",
          "valid_from": "2026-01-01T00:00:00Z"}
    if c2_until:
        c2["valid_until"] = c2_until
    return {"type": "bundle", "id": "bundle--b1b1b1b1-1111-4111-8111-111111111111", "objects": [
        c2,
        {"type": "indicator", "id": "indicator--a2a2a2a2-1111-4111-8111-111111111111",
         "pattern": "[domain-name:value = 'old-intel.example']", "pattern_type": "stix",
         "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2021-01-01T00:00:00Z"}]}


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-web-intel-")
    ngx = W.Nginx(tmp)
    ngx.write("a/index.html", W.portal(seed=21, articles=6, extra_body=(
        '<script src="https://cdn.c2-intel.example/t.js"></script>'
        '<p><a href="http://old-intel.example/x">Tin cũ</a></p>')))
    ngx.write("b/index.html", W.portal(seed=22, articles=6))
    ngx.start()
    ua, ub = ngx.url("a/"), ngx.url("b/")
    data = os.path.join(tmp, "data")
    os.mkdir(data)
    feed = os.path.join(tmp, "partner-intel.json")

    def import_intel(c2_until):
        with open(feed, "w") as f:
            json.dump(bundle(c2_until), f)
        return subprocess.run([S.BIN, "intel", "import", "--data-dir", data, feed],
                              capture_output=True, text=True)
    r = import_intel(None)
    t.ok(r.returncode == 0, "intelligence imported: one active domain, one expired", r.stderr)
    srv = WatchServer(data_dir=data)
    try:
        admin = srv.login_admin()
        st, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Công Thương", "kind": "so_ban_nganh",
                                                           "code": "sct"})
        st, sy, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng SCT", "kind": "portal",
                                                          "urls": [ua, ub], "level": 2, "monitor_interval_s": 30})
        t.ok(st == 201, "a system with two portal URLs", sy)

        def intel_open():
            return [e for e in web_events(admin, ua) if e["kind"] == "intel_domain"
                    and e["evidence"].get("state") == "open"]
        ev = wait(intel_open, 90)
        m = ev[0]["evidence"].get("matches", []) if ev else []
        t.ok(ev and len(m) == 1 and m[0]["domain"] == "c2-intel.example"
             and m[0]["url"] == "https://cdn.c2-intel.example/t.js" and m[0]["kind"] == "script"
             and m[0]["intel_source"] == "file:partner-intel.json" and m[0]["view"] == "browser"
             and ev[0]["severity"] == "high" and "file:partner-intel.json" in ev[0]["summary"],
             "a script from below an active intelligence domain: one finding naming the domain and its source",
             ev)
        t.ok(not any("old-intel.example" in json.dumps(e["evidence"]) for e in web_events(admin)),
             "the expired indicator's domain does not match", web_events(admin))
        t.ok(not [e for e in web_events(admin, ub) if e["kind"] == "intel_domain"],
             "the other portal has no intelligence finding", web_events(admin, ub))

        r = import_intel("2026-02-01T00:00:00Z")
        t.ok(r.returncode == 0, "the indicator imported again, now expired", r.stderr)
        admin.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        res = wait(lambda: [e for e in web_events(admin, ua) if e["kind"] == "intel_domain"
                            and e["evidence"].get("state") == "resolved"], 90)
        t.ok(bool(res), "once the indicator has expired the finding ends",
             [(e["kind"], e["evidence"].get("state")) for e in web_events(admin, ua)])
    finally:
        srv.cleanup()
        ngx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


main()
