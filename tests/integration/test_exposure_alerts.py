#!/usr/bin/env python3
"""Alerts on new exposure findings (issue 15): a finding of severity high
or critical newly opened by a server scan goes out once on the alert
channels (web_alert.h), delivered by the exposure-scan job itself, so with
portal watching off too (--web-interval 0). The channel is a webhook on
loopback; the scanned system is a loopback site with a planted .env (high)
and no security headers (low: no alert). A re-scan that sees the same
finding sends nothing; after the fix and a new exposure, the new one is
sent. Runs on both store backends. Prints TAP."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import _serverlib as S  # noqa: E402
# the scans reach only this test's loopback sites: without the server's
# politeness rate limits (a test-build knob, exposure_job.c) each takes
# a fraction of a second instead of ten
os.environ["CANHGAC_TEST_XP_NO_RATE"] = "1"

ENV = "APP_ENV=production\nAPP_KEY=base64:a1s2d3f4g5h6j7k8l9\nDB_PASSWORD=Cong@2025\n"
HOME = "<!DOCTYPE html><html><head><title>Cổng</title></head><body><h1>Sở Ba</h1></body></html>"


class Hook(http.server.ThreadingHTTPServer):
    """A webhook receiver: keeps every JSON body POSTed to it."""

    def __init__(self):
        self.got = []
        got = self.got

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                got.append(json.loads(self.rfile.read(n)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def site(root):
    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


t = S.Tap()
hook = Hook()
root = tempfile.mkdtemp(prefix="cg-xpalert-")
with open(os.path.join(root, "index.html"), "w") as f:
    f.write(HOME)
with open(os.path.join(root, ".env"), "w") as f:
    f.write(ENV)
web = site(root)
url = f"http://127.0.0.1:{web.server_address[1]}/"
cfg = os.path.join(root, "alerts.ini")
with open(cfg, "w") as f:
    f.write(f"[alerts]\nwebhook_url = http://127.0.0.1:{hook.server_address[1]}/hook\nretry_base_s = 1\n")


class AlertServer(S.Server):
    extra_args = ("--web-interval", "0", "--alert-config", cfg)


srv = AlertServer()
try:
    admin = srv.login_admin()
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Ba", "kind": "so_ban_nganh", "code": "s3",
                                                      "ip_ranges": ["127.0.0.1/32"]})
    _, sysa, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng Sở Ba", "kind": "portal",
                                                       "level": 2, "urls": [url]})

    def scan():
        st, q, _ = admin.req("POST", "/api/v1/exposure/scans", {"system_id": sysa["id"]})
        end = time.time() + 240
        while time.time() < end:
            _, body, _ = admin.req("GET", f"/api/v1/exposure/scans?system_id={sysa['id']}")
            r = [x for x in body.get("items", []) if x["id"] == q["id"]]
            if r and r[0]["status"] not in ("queued", "running"):
                return r[0]
            time.sleep(0.3)
        return None

    def hooks_settle(n, timeout=30):
        end = time.time() + timeout
        while time.time() < end and len(hook.got) < n:
            time.sleep(0.2)
        time.sleep(1.0)  # and nothing more arrives
        return list(hook.got)

    r1 = scan()
    t.ok(r1 and r1["status"] == "ok", "the first scan runs", r1)
    _, fl, _ = admin.req("GET", f"/api/v1/exposure/findings?system_id={sysa['id']}&open=1")
    kinds = sorted((f["kind"], f["severity"]) for f in fl["items"])
    t.ok(("exposed_file", "high") in kinds and ("missing_security_header", "low") in kinds,
         "the scan opened a high .env finding and a low headers finding", kinds)
    got = hooks_settle(1)
    env = [g for g in got if g["event"]["subject"].endswith("/.env")]
    t.ok(len(got) == 1 and len(env) == 1, "one alert: the high finding, not the low one", got)
    t.ok(env and env[0]["event"]["kind"] == "exposure.exposed_file" and env[0]["event"]["severity"] == "high"
         and "Lỗ hổng" in env[0]["text"] and ".env" in env[0]["text"],
         "the alert names the kind, severity and target, in Vietnamese", env)
    _, evs, _ = admin.req("GET", "/api/v1/events?source=exposure&limit=100")
    opened = [e for e in evs["items"] if e.get("subject", "").endswith("/.env")]
    t.ok(env and opened and env[0]["event"]["id"] == opened[0]["id"], "the alert names the finding's event", [env, opened])
    _, al, _ = admin.req("GET", "/api/v1/web/alerts")
    rows = [a for a in al.get("deliveries", []) if a.get("kind") == "exposure.exposed_file"]
    t.ok(len(rows) == 1 and rows[0]["state"] == "delivered", "the delivery is one row of the alert queue, delivered", al)

    r2 = scan()
    got = hooks_settle(2, timeout=5)
    t.ok(r2 and r2["status"] == "ok" and len(got) == 1, "a re-scan that sees the same finding alerts nobody again", got)

    # fixed, then a new exposure: only the new one is sent
    os.remove(os.path.join(root, ".env"))
    os.makedirs(os.path.join(root, ".git"))
    with open(os.path.join(root, ".git", "config"), "w") as f:
        f.write("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
                "[remote \"origin\"]\n\turl = https://git.example.invalid/portal.git\n")
    r3 = scan()
    got = hooks_settle(2)
    new = got[1:]
    t.ok(r3 and r3["fixed"] >= 1 and len(new) == 1 and "/.git/" in new[0]["event"]["subject"],
         "after the fix, the new .git exposure is alerted once, the fix itself is not", got)
finally:
    srv.cleanup()
    web.shutdown()
    hook.shutdown()
t.done()
