#!/usr/bin/env python3
"""The server's exposure scans (issue 15.9) against loopback sites this
test starts: "scan now" of a system queues a run that the exposure-scan
job runs; a planted .env is a finding, stored as an event of the
system's agency (source exposure) and as an open finding; a re-scan while
the site is down is recorded as unreachable and closes nothing; a re-scan
after the file is removed closes the finding, stores the resolved event
and resolves the first event's triage. A system whose URL lies outside
its agency's ranges is refused and never contacted. Who may start a scan
follows the policy (an officer: their own agency only; a viewer: never).
Runs on both store backends. Prints TAP."""
import http.server
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402
# the scans reach only this test's loopback sites: without the server's
# politeness rate limits (a test-build knob, exposure_job.c) each takes
# a fraction of a second instead of ten
os.environ["CANHGAC_TEST_XP_NO_RATE"] = "1"

ENV = "APP_NAME=Portal\nAPP_KEY=base64:q1w2e3r4t5y6u7i8o9p0\nDB_PASSWORD=Portal@2024\n"
HOME = "<!DOCTYPE html><html><head><title>Cổng thông tin</title></head><body><h1>Sở Một</h1></body></html>"


class Site:
    """A small web site on a loopback address; counts what it was asked."""

    def __init__(self, host, root, port=0):
        self.hits = []
        hits = self.hits

        class H(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=root, **kw)

            def log_message(self, *a):
                pass

            def do_GET(self):
                hits.append(self.path)
                super().do_GET()

            def do_HEAD(self):
                hits.append(self.path)
                super().do_HEAD()

        self.httpd = http.server.ThreadingHTTPServer((host, port), H)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


t = Tap()
root = tempfile.mkdtemp(prefix="cg-xpsrv-")
with open(os.path.join(root, "index.html"), "w") as f:
    f.write(HOME)
with open(os.path.join(root, ".env"), "w") as f:
    f.write(ENV)
site = Site("127.0.0.1", root)
other = Site("127.0.0.2", root)  # must never be asked anything
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["127.0.0.1/32"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2", "ip_ranges": ["10.2.0.0/16"]})
    url = f"http://127.0.0.1:{site.port}/"
    st, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng Sở Một", "kind": "portal", "level": 2, "urls": [url]})
    t.ok(st == 201, "a system with a loopback URL", s1)
    st, s2, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Ngoài phạm vi", "kind": "portal", "level": 2,
                                                      "urls": [f"http://127.0.0.2:{other.port}/"]})
    dead = free_port()
    st, s3, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Không trả lời", "kind": "portal", "level": 2,
                                                      "urls": [f"http://127.0.0.1:{dead}/"]})
    clients = {"admin": admin}
    for name, role, agency in (("officer", "officer", a1["id"]), ("officer2", "officer", a2["id"]), ("viewer", "viewer", None)):
        body = {"username": "u_" + name, "role": role, "password": "password-of-" + name}
        if agency:
            body["agency_id"] = agency
        admin.req("POST", "/api/v1/users", body)
        c = srv.client()
        c.login("u_" + name, "password-of-" + name)
        clients[name] = c

    def run_done(client, rid, timeout=240):
        end = time.time() + timeout
        while time.time() < end:
            st, body, _ = client.req("GET", "/api/v1/exposure/scans?limit=100")
            for r in body.get("items", []):
                if r["id"] == rid and r["status"] not in ("queued", "running"):
                    return r
            time.sleep(0.5)
        return None

    def scan(client, sid):
        st, body, _ = client.req("POST", "/api/v1/exposure/scans", {"system_id": sid})
        return st, body

    # who may start a scan
    st, _ = scan(clients["viewer"], s1["id"])
    t.ok(st == 403, "a viewer cannot start a scan", st)
    st, _ = scan(clients["officer2"], s1["id"])
    t.ok(st == 404, "an officer of another agency does not see the system", st)
    st, _ = scan(admin, 999999)
    t.ok(st == 404, "no such system: 404", st)
    st, body = scan(admin, None)
    t.ok(st == 400 and body.get("field") == "system_id", "a body without system_id is refused", body)

    # first scan: the planted .env is a finding and an event
    st, q = scan(clients["officer"], s1["id"])
    t.ok(st == 202 and q["status"] == "queued" and q["agency_id"] == a1["id"], "an officer queues a scan of their system", q)
    r1 = run_done(admin, q["id"])
    t.ok(r1 is not None and r1["status"] == "ok" and r1["targets"] == 1 and r1["reached"] == 1,
         "the run finishes: ok, its one target answered", r1)
    st, fl, _ = admin.req("GET", f"/api/v1/exposure/findings?system_id={s1['id']}&open=1")
    env = [f for f in fl.get("items", []) if f["target"].endswith("/.env")]
    t.ok(len(env) == 1 and env[0]["kind"] == "exposed_file" and env[0]["severity"] == "high" and
         env[0]["agency_id"] == a1["id"] and env[0]["opened_run"] == q["id"] and env[0]["fixed"] is None,
         "the exposed .env is an open finding of the system", fl)
    st, evs, _ = admin.req("GET", "/api/v1/events?source=exposure&limit=100")
    opened = [e for e in evs.get("items", []) if e.get("subject", "").endswith("/.env")]
    t.ok(len(opened) == 1 and opened[0]["agency_id"] == a1["id"] and opened[0]["severity"] == "high" and
         opened[0]["evidence"]["state"] == "open", "its event is stored for the agency", evs)
    st, evo, _ = clients["officer"].req("GET", "/api/v1/events?source=exposure&limit=100")
    t.ok(any(e.get("subject", "").endswith("/.env") for e in evo.get("items", [])), "the agency's officer sees the event", evo)
    st, evo2, _ = clients["officer2"].req("GET", "/api/v1/exposure/findings")
    t.ok(st == 200 and evo2["items"] == [], "another agency's officer sees no finding", evo2)

    # a second scan that sees the same: nothing new
    st, q2 = scan(admin, s1["id"])
    r2 = run_done(admin, q2["id"])
    st, evs2, _ = admin.req("GET", "/api/v1/events?source=exposure&limit=100")
    t.ok(r2 and r2["status"] == "ok" and len(evs2["items"]) == len(evs["items"]),
         "a re-scan that sees the same findings stores no new event", [r2, len(evs["items"]), len(evs2["items"])])

    # the site is down: recorded as unreachable, the finding stays open
    site.stop()
    st, q3 = scan(admin, s1["id"])
    r3 = run_done(admin, q3["id"])
    t.ok(r3 and r3["status"] == "unreachable" and r3["reached"] == 0 and r3["errors"] and
         r3["errors"][0]["target"] == url, "a scan of a site that is down is recorded as unreachable", r3)
    st, fl, _ = admin.req("GET", f"/api/v1/exposure/findings?system_id={s1['id']}&open=1")
    t.ok(any(f["target"].endswith("/.env") for f in fl["items"]), "a failed scan closes nothing", fl)

    # a system that never answers
    st, q4 = scan(admin, s3["id"])
    r4 = run_done(admin, q4["id"])
    t.ok(r4 and r4["status"] == "unreachable" and r4["findings"] == 0 and len(r4["errors"]) >= 1,
         "a target that never answered is recorded as unreachable, never clean", r4)

    # with --exposure-interval 0 (the harness's) nothing is scanned unasked
    st, before, _ = admin.req("GET", f"/api/v1/exposure/scans?system_id={s2['id']}")
    t.ok(st == 200 and before["items"] == [], "no scheduled scan with --exposure-interval 0", before)

    # out of scope: refused, never contacted
    st, q5 = scan(admin, s2["id"])
    r5 = run_done(admin, q5["id"])
    t.ok(r5 and r5["status"] == "refused" and r5["targets"] == 0 and
         "outside" in r5["errors"][0]["error"], "a URL outside the agency's ranges is refused", r5)
    t.ok(other.hits == [], "the out-of-scope host got no request", other.hits)

    # fixed: the site is back without the .env
    os.remove(os.path.join(root, ".env"))
    site = Site("127.0.0.1", root, port=site.port)
    st, q6 = scan(admin, s1["id"])
    r6 = run_done(admin, q6["id"])
    t.ok(r6 and r6["status"] == "ok" and r6["fixed"] >= 1, "the re-scan after the fix is ok and closes a finding", r6)
    st, fl, _ = admin.req("GET", f"/api/v1/exposure/findings?system_id={s1['id']}")
    env = [f for f in fl.get("items", []) if f["target"].endswith("/.env")]
    t.ok(len(env) == 1 and env[0]["fixed"] is not None and env[0]["fixed_run"] == q6["id"],
         "the .env finding is fixed by that run", env)
    st, fo, _ = admin.req("GET", f"/api/v1/exposure/findings?system_id={s1['id']}&open=1")
    t.ok(not any(f["target"].endswith("/.env") for f in fo["items"]), "it is no longer open", fo)
    st, evs3, _ = admin.req("GET", "/api/v1/events?source=exposure&limit=100")
    env_ev = [e for e in evs3["items"] if e.get("subject", "").endswith("/.env")]
    res = [e for e in env_ev if e["evidence"].get("state") == "resolved"]
    first = [e for e in env_ev if e["evidence"].get("state") == "open"]
    t.ok(len(res) == 1 and res[0]["evidence"]["open_event_id"] == first[0]["id"],
         "a resolved event names the first one", env_ev)
    t.ok(first and first[0].get("state") == "resolved", "the first event's triage is resolved by the scan", first)

    # the runs list per system
    st, runs, _ = clients["officer"].req("GET", f"/api/v1/exposure/scans?system_id={s1['id']}")
    t.ok(st == 200 and [r["id"] for r in runs["items"]] == [q6["id"], q3["id"], q2["id"], q["id"]],
         "the system's runs, newest first", runs)
finally:
    srv.cleanup()


class ScheduledServer(Server):
    exposure_schedule = True  # serve's default: scheduled scans on


# with the schedule (on by default): a system never scanned is due, and
# queued by the job
srv = ScheduledServer()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["127.0.0.1/32"]})
    _, due, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng cấp độ 3", "kind": "portal", "level": 3,
                                                      "urls": [f"http://127.0.0.1:{site.port}/"]})
    _, bare, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Không khai báo địa chỉ", "kind": "application", "level": 3})
    _, other_sys, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Khác", "kind": "portal", "level": 1,
                                                            "urls": [f"http://127.0.0.1:{free_port()}/"]})
    # "scan now" of another system wakes the job, which queues what is due first
    admin.req("POST", "/api/v1/exposure/scans", {"system_id": other_sys["id"]})
    got = None
    end = time.time() + 240
    while time.time() < end and not got:
        st, runs, _ = admin.req("GET", f"/api/v1/exposure/scans?system_id={due['id']}")
        got = [r for r in runs.get("items", []) if r["status"] not in ("queued", "running")]
        time.sleep(0.5)
    t.ok(got and got[0]["requested_by"] == "system:schedule" and got[0]["status"] == "ok",
         "the schedule queues and scans a system never scanned", got)
    st, runs, _ = admin.req("GET", f"/api/v1/exposure/scans?system_id={bare['id']}")
    t.ok(runs["items"] == [], "a system with nothing to scan is not queued", runs)
finally:
    srv.cleanup()
    site.stop()
    other.stop()
t.done()
