#!/usr/bin/env python3
"""The schedule of the server's exposure scans (issue 15.9): on by
default, every 183 days, every 30 days from security level 3
(src/server/exposure_job.h). A server started without any exposure option
queues every system that has a target and was never scanned; a level-3
system is due again 31 days after its last run, a level-1 one only after
183 (the runs' times are moved back in the store, on both backends). The
[exposure] section of --config sets the periods, interval_days = 0 turns
the schedule off, SIGHUP applies a new one at once and a bad value is
refused naming FILE:LINE, changing nothing. Every target is a loopback site
this test starts. Prints TAP."""
import http.server
import os
import signal
import sqlite3
import subprocess
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

PG = os.environ.get("CANHGAC_TEST_BACKEND") == "postgresql"
HOME = "<!DOCTYPE html><html><head><title>Cổng</title></head><body><h1>Sở</h1></body></html>"


def db_exec(data, sql):
    """Runs sql on the data dir's store (either backend)."""
    if PG:
        url = subprocess.run([os.path.join(S.SRC, "tests", "pg-store-wrap.sh"), "--url", data],
                             check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       check=True, capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C", LANG="C"))
        return
    db = sqlite3.connect(os.path.join(data, "canhgac.db"))
    try:
        db.execute(sql)
        db.commit()
    finally:
        db.close()


def site(root):
    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


class DefaultServer(S.Server):
    exposure_schedule = True  # no --exposure-interval: serve's default
    extra_args = ("-v",)


class ConfigServer(S.Server):
    exposure_schedule = True


def runs(admin, sid):
    st, body, _ = admin.req("GET", f"/api/v1/exposure/scans?system_id={sid}&limit=100")
    return body.get("items", []) if st == 200 else []


def scheduled(admin, sid):
    return [r for r in runs(admin, sid) if r["requested_by"] == "system:schedule"]


def wake(admin, sid):
    """'Scan now' of sid wakes the job, which queues what is due first."""
    st, q, _ = admin.req("POST", "/api/v1/exposure/scans", {"system_id": sid})
    return q if st == 202 else None


def wait_done(admin, sid, rid, timeout=240):
    end = time.time() + timeout
    while time.time() < end:
        for r in runs(admin, sid):
            if r["id"] == rid and r["status"] not in ("queued", "running"):
                return r
        time.sleep(0.3)
    return None


def settle(admin, sids, timeout=240):
    """Waits until no run of sids is queued or running."""
    end = time.time() + timeout
    while time.time() < end:
        if all(r["status"] not in ("queued", "running") for s in sids for r in runs(admin, s)):
            return True
        time.sleep(0.3)
    return False


def log_of(srv):
    with open(os.path.join(srv.data_dir, "server.log"), errors="replace") as f:
        return f.read()


t = S.Tap()
root = tempfile.mkdtemp(prefix="cg-xpsched-")
with open(os.path.join(root, "index.html"), "w") as f:
    f.write(HOME)
web = site(root)
url = f"http://127.0.0.1:{web.server_address[1]}/"

# ---- the default: on, 183 days, 30 from level 3 ---------------------------
srv = DefaultServer()
try:
    admin = srv.login_admin()
    t.ok("exposure scans: every system every 183 days, from level 3 every 30 days" in log_of(srv),
         "serve schedules exposure scans by default (183 days, 30 from level 3)")
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1",
                                                      "ip_ranges": ["127.0.0.1/32"]})

    def system(name, level, urls):
        st, s, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": name, "kind": "portal",
                                                         "level": level, "urls": urls})
        return s

    l3 = system("Cổng cấp độ 3", 3, [url])
    l1 = system("Cổng cấp độ 1", 1, [url + "tin-tuc/"])
    waker = system("Đánh thức", 1, [url + "khac/"])
    q = wake(admin, waker["id"])
    t.ok(q is not None, "scan now is queued", q)
    wait_done(admin, waker["id"], q["id"])
    settle(admin, [l3["id"], l1["id"]])
    t.ok(len(scheduled(admin, l3["id"])) == 1 and len(scheduled(admin, l1["id"])) == 1,
         "both systems, never scanned, are queued by the schedule and scanned",
         [runs(admin, l3["id"]), runs(admin, l1["id"])])

    # 31 days later: the level-3 system is due, the level-1 one is not
    day = 86400000
    db_exec(srv.data_dir, f"UPDATE exposure_runs SET queued = queued - {31 * day}")
    q = wake(admin, waker["id"])
    wait_done(admin, waker["id"], q["id"])
    settle(admin, [l3["id"], l1["id"]])
    t.ok(len(scheduled(admin, l3["id"])) == 2, "a level-3 system is scanned again after 30 days",
         runs(admin, l3["id"]))
    t.ok(len(scheduled(admin, l1["id"])) == 1, "a level-1 system is not due before 183 days",
         runs(admin, l1["id"]))
    # 184 days after its last run the level-1 system is due too
    db_exec(srv.data_dir, f"UPDATE exposure_runs SET queued = queued - {153 * day} WHERE system_id = {l1['id']}")
    q = wake(admin, waker["id"])
    wait_done(admin, waker["id"], q["id"])
    settle(admin, [l3["id"], l1["id"]])
    t.ok(len(scheduled(admin, l1["id"])) == 2, "a level-1 system is scanned again after 183 days",
         runs(admin, l1["id"]))
    t.ok(len(scheduled(admin, l3["id"])) == 2, "the level-3 system, scanned days ago, is not queued again",
         runs(admin, l3["id"]))
finally:
    srv.cleanup()

# ---- [exposure] in --config, and SIGHUP -------------------------------------
cdir = tempfile.mkdtemp(prefix="cg-xpsched-conf-")
conf = os.path.join(cdir, "canhgac.ini")


def write_conf(text):
    with open(conf, "w") as f:
        f.write("[server]\nlog_level = info\n" + text)


write_conf("[exposure]\ninterval_days = 0\n")
ConfigServer.extra_args = ("--config", conf)
srv = ConfigServer()
try:
    admin = srv.login_admin()
    t.ok("exposure scans: no schedule" in log_of(srv), "interval_days = 0 in [exposure]: no schedule")
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2",
                                                      "ip_ranges": ["127.0.0.1/32"]})
    _, sysa, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng A", "kind": "portal",
                                                       "level": 2, "urls": [url]})
    _, waker, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Đánh thức", "kind": "portal",
                                                        "level": 2, "urls": [url + "khac/"]})
    q = wake(admin, waker["id"])
    wait_done(admin, waker["id"], q["id"])
    t.ok(runs(admin, sysa["id"]) == [], "with the schedule off only the system asked for is scanned",
         runs(admin, sysa["id"]))

    # a bad value: refused naming FILE:LINE, nothing changes
    write_conf("[exposure]\ninterval_days = 7\ninterval_days_level3 = 0\n")
    srv.proc.send_signal(signal.SIGHUP)
    end = time.time() + 20
    while time.time() < end and f"{conf}:5:" not in log_of(srv):
        time.sleep(0.2)
    t.ok(f"{conf}:5: interval_days_level3" in log_of(srv) and "nothing changed" in log_of(srv),
         "a reload with a bad interval_days_level3 names FILE:LINE and changes nothing")
    q = wake(admin, waker["id"])
    wait_done(admin, waker["id"], q["id"])
    t.ok(runs(admin, sysa["id"]) == [], "the schedule is still off after the refused reload", runs(admin, sysa["id"]))

    # SIGHUP with a schedule: applied at once
    write_conf("[exposure]\ninterval_days = 90\ninterval_days_level3 = 14\n")
    srv.proc.send_signal(signal.SIGHUP)
    end = time.time() + 20
    while time.time() < end and "exposure scans every 90 days, level 3+ every 14 days" not in log_of(srv):
        time.sleep(0.2)
    t.ok("exposure scans every 90 days, level 3+ every 14 days" in log_of(srv), "SIGHUP applies [exposure]")
    q = wake(admin, waker["id"])
    wait_done(admin, waker["id"], q["id"])
    settle(admin, [sysa["id"]])
    t.ok(len(scheduled(admin, sysa["id"])) == 1, "after the reload the schedule queues the system never scanned",
         runs(admin, sysa["id"]))
finally:
    srv.cleanup()

# the command line wins over the file, and the file's values are checked
write_conf("[exposure]\ninterval_days = 90\n")
ConfigServer.extra_args = ("--config", conf, "--exposure-interval", "0")
srv = ConfigServer()
try:
    t.ok("exposure scans: no schedule" in log_of(srv), "--exposure-interval 0 wins over interval_days in the file")
finally:
    srv.cleanup()
write_conf("[exposure]\ninterval_days = 3661\n")
r = subprocess.run([S.BIN, "serve", "--config", conf, "--no-tls", "--listen", "127.0.0.1:0",
                    "--data-dir", os.path.join(cdir, "nodata")], capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 2 and f"{conf}:4: interval_days" in r.stderr and not os.path.exists(os.path.join(cdir, "nodata")),
     "interval_days above ten years: refused naming FILE:LINE, nothing created", r.stderr)
web.shutdown()
t.done()
