#!/usr/bin/env python3
"""Two `canhgac serve` on one store run the portal watch as one job
(server/jobs.h): only the server holding the job's lease runs it. The
portal is defaced, the alert is sent once; then the portal is made slow so
a run lasts, the server holding the portal-watch lease is killed with
SIGKILL in the middle of its run, and the other server takes the job over
within the lease time and carries on without sending the alert again.

The servers share one data directory (as several servers share a
directory), so on the PostgreSQL pass tests/pg-store-wrap.sh gives them
one database; on the SQLite pass they share one SQLite file. Prints TAP."""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
import _webfix as W  # noqa: E402

LEASE_S = 4
INTERVAL_S = 1


class Portal(http.server.ThreadingHTTPServer):
    """A portal on loopback whose page and speed the test changes."""
    daemon_threads = True

    def __init__(self):
        self.html, self.delay = W.portal(seed=7, articles=6), 0.0
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path not in ("/", "/index.html"):
                    self.send_response(404)
                    self.end_headers()
                    return
                time.sleep(outer.delay)
                body = outer.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # a fetch given up by the watcher (the slow page) is expected


class Hook(http.server.ThreadingHTTPServer):
    """The alert webhook: counts what it is sent."""
    daemon_threads = True

    def __init__(self):
        self.bodies = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                outer.bodies.append(json.loads(self.rfile.read(n)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')
        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class JobServer(S.Server):
    cfg = None

    def start(self):
        args = [S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "--no-tls",
                "--web-interval", str(INTERVAL_S), "--job-lease", str(LEASE_S),
                "--alert-config", self.cfg]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        self.host, port = line.strip().rsplit("//", 1)[1].rsplit(":", 1)
        self.port = int(port)
        # a suite must never run silently on the other backend
        want = os.environ.get("CANHGAC_TEST_BACKEND", "sqlite")
        with open(os.path.join(self.data_dir, "server.log"), "rb") as f:
            starts = [ln for ln in f.read().decode(errors="replace").splitlines()
                      if ln.startswith("canhgac serve: store ")]
        if not starts or starts[-1].rsplit(" ", 1)[1] != want:
            self.proc.kill()
            raise RuntimeError(f"server runs on store {starts[-1:]!r}, the test asked for {want!r}")


def wait(pred, timeout=60, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def job(client, name="portal-watch"):
    st, body, _ = client.req("GET", "/api/v1/jobs")
    if st != 200:
        return {}
    return next((j for j in body["items"] if j["name"] == name), {})


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-jobs-")
    data = os.path.join(tmp, "data")
    os.mkdir(data)
    portal, hook = Portal(), Hook()
    url = f"http://127.0.0.1:{portal.server_address[1]}/"
    cfg = os.path.join(tmp, "alerts.ini")
    with open(cfg, "w") as f:
        f.write(f"""[alerts]
webhook_url = http://127.0.0.1:{hook.server_address[1]}/botT/sendMessage
max_attempts = 3
retry_base_s = 1
""")
    JobServer.cfg = cfg
    a = JobServer(data_dir=data)
    b = JobServer(data_dir=data)
    servers = {a.proc.pid: a, b.proc.pid: b}
    c = None
    try:
        ca, cb = a.login_admin(), b.login_admin()
        st, ag, _ = ca.req("POST", "/api/v1/agencies", {"name": "Sở Tư pháp", "kind": "so_ban_nganh",
                                                         "code": "stp"})
        st, sy, _ = ca.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng STP",
                                                        "kind": "portal", "urls": [url], "level": 2,
                                                        "monitor_interval_s": 30})
        t.ok(st == 201, "a portal to watch", sy)
        ja = wait(lambda: job(ca).get("last_ok"), 60)
        t.ok(ja, "the portal-watch job runs and succeeds", job(ca))
        t.ok(job(ca).get("kind") == "web-watch" and job(cb).get("name") == "portal-watch",
             "both servers list the one job from the shared store", (job(ca), job(cb)))
        st, lst, _ = a.client().req("GET", "/api/v1/jobs")
        t.ok(st == 401, "GET /api/v1/jobs needs a login", st)

        # runs of both servers over a few seconds: never two at once
        holders = set()
        end = time.monotonic() + 4
        while time.monotonic() < end:
            h = job(cb).get("lease_holder")
            if h:
                holders.add(h)
            time.sleep(0.05)
        t.ok(holders and all(h.rsplit(":", 1)[1] in map(str, servers) for h in holders),
             "the lease holder is one of the two servers (HOST:PID)", holders)

        portal.html = W.portal(seed=7, articles=6, extra_body="<h1>Hacked by Ghost Team</h1><p>greetz</p>")
        for c in (ca, cb):
            c.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        t.ok(wait(lambda: hook.bodies, 60), "the defacement is notified", job(ca))
        time.sleep(2 * INTERVAL_S + 1)
        sent = len(hook.bodies)
        t.ok(sent == 1, "once", hook.bodies)

        # a slow portal: a run lasts, and its server holds the lease meanwhile
        portal.delay = LEASE_S + 4
        for c in (ca, cb):
            c.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        held = wait(lambda: (lambda j: j.get("lease_holder") and j)(job(ca)), 30, 0.05)
        t.ok(held, "a run is in progress, leased", job(ca))
        holder = held["lease_holder"] if held else ""
        pid = int(holder.rsplit(":", 1)[1]) if holder else 0
        dead = servers.get(pid)
        alive = b if dead is a else a
        calive = cb if dead is a else ca
        t.ok(dead is not None, "the holder is one of our servers", holder)
        if dead is None:
            t.done()
        dead.proc.send_signal(signal.SIGKILL)
        dead.proc.wait()
        killed = time.monotonic()
        portal.delay = 0
        calive.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        took = wait(lambda: (lambda j: j.get("lease_holder") == f"{holder.rsplit(':', 1)[0]}:{alive.proc.pid}"
                             or (j.get("last_run") and j.get("last_run") > held["last_run"]))(job(calive)),
                    LEASE_S + 10, 0.05)
        elapsed = time.monotonic() - killed
        t.ok(took and elapsed <= LEASE_S + 1.5,
             f"the other server takes the job over within the lease ({elapsed:.1f} s, lease {LEASE_S} s)",
             job(calive))
        ok = wait(lambda: (lambda j: j.get("last_ok") and j["last_ok"] > held["last_run"]
                           and j.get("attempts") == 0)(job(calive)), 60)
        t.ok(ok, "and completes a run", job(calive))
        time.sleep(3 * INTERVAL_S + 1)
        t.ok(len(hook.bodies) == 1, "the defacement is not notified a second time", hook.bodies)
        st, wst, _ = calive.req("GET", "/api/v1/web/status")
        opened = [f for p in (wst or {}).get("portals", []) for f in p.get("open_findings", [])]
        t.ok(opened and opened[0]["kind"] == "defacement",
             "the surviving server carries the open finding on", wst)
        t.ok(not os.path.exists(os.path.join(data, "web", "watch.json")),
             "open findings are rows of the store, not a file")

        # an older server's DATA/web/watch.json is imported once
        alive.stop()
        old = os.path.join(tmp, "old")
        os.makedirs(os.path.join(old, "web"))
        with open(os.path.join(old, "web", "watch.json"), "w") as f:
            json.dump({"version": 1, "open": [{"url": url, "kind": "defacement", "summary": "cũ",
                                               "severity": "critical", "since": 1700000000000,
                                               "event_id": "legacy-1"}]}, f)
        # and a delivery an older server had not made yet
        with open(os.path.join(old, "web", "alerts.json"), "w") as f:
            json.dump([{"id": "legacy-alert", "created": "2026-12-01T00:00:00Z", "channel": "webhook",
                        "to": f"http://127.0.0.1:{hook.server_address[1]}/botT/sendMessage", "agency_id": 0, "event_id": "legacy-1", "kind": "defacement",
                        "severity": "critical", "url": url, "subject": "cũ", "text": "cảnh báo cũ",
                        "attempts": 1, "next_try_ms": 0, "state": "pending", "last_error": "down",
                        "delivered": None}], f)
        c = JobServer(data_dir=old)
        servers[c.proc.pid] = c
        cc = c.login_admin()
        st, ag2, _ = cc.req("POST", "/api/v1/agencies", {"name": "Sở Tư pháp", "kind": "so_ban_nganh",
                                                          "code": "stp"})
        cc.req("POST", "/api/v1/systems", {"agency_id": ag2["id"], "name": "Cổng STP", "kind": "portal",
                                           "urls": [url], "level": 2, "monitor_interval_s": 30})
        checked = wait(lambda: [p for p in cc.req("GET", "/api/v1/web/status")[1].get("portals", [])
                                if p.get("last_check")], 60)
        # the new data dir has no baseline: the page as it is now becomes the
        # baseline, so the imported finding ends -- with its own event id
        def resolved():
            st, evs, _ = cc.req("GET", "/api/v1/events?source=web&kind=defacement")
            return [e for e in (evs or {}).get("items", [])
                    if (e.get("evidence") or {}).get("open_event_id") == "legacy-1"]
        t.ok(checked and wait(resolved, 30),
             "an open finding of watch.json is imported into the store (its end names it)",
             cc.req("GET", "/api/v1/events?source=web")[1])
        t.ok(wait(lambda: len(hook.bodies) == 2, 30) and hook.bodies[1].get("text") == "cảnh báo cũ",
             "the pending delivery of alerts.json is imported and delivered", hook.bodies)
        time.sleep(2 * INTERVAL_S + 1)
        t.ok(len(hook.bodies) == 2, "and the imported finding is not notified again", hook.bodies)
        dl = cc.req("GET", "/api/v1/web/alerts")[1]["deliveries"]
        t.ok([(d["id"], d["state"], d["attempts"]) for d in dl] == [("legacy-alert", "delivered", 2)],
             "the imported row keeps its attempts", dl)
        t.ok(all(os.path.exists(os.path.join(old, "web", n + ".imported"))
                 and not os.path.exists(os.path.join(old, "web", n)) for n in ("watch.json", "alerts.json")),
             "the files are renamed *.imported")
    finally:
        for s in servers.values():
            s.stop()
        portal.shutdown()
        hook.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
