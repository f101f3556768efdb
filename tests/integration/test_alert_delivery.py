#!/usr/bin/env python3
"""The one alert-delivery job (server/alert_job.h), on both stores.

Alerts go out whoever queued them, without portal watching: a server
started with --web-interval 0 on the demo province delivers its
compliance reminders and an incident's deadline notice to a loopback
webhook, each exactly once; the job shows in the jobs list and GET
/api/v1/web/alerts lists the delivered rows. After the configuration
file names another webhook and the server gets SIGHUP, the next alert
goes to the new receiver and not to the old one. Prints TAP."""
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from test_web_alerts import Hook, wait  # noqa: E402

t = S.Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-alertjob.")
hook1, hook2 = Hook(fail_first=0), Hook(fail_first=0)
conf = os.path.join(tmp, "canhgac.ini")


def write_conf(hook):
    with open(conf, "w") as f:
        f.write(f"""[server]
log_level = info
[alerts]
webhook_url = http://127.0.0.1:{hook.server_address[1]}/botTEST/sendMessage
max_attempts = 3
retry_base_s = 1
""")


def bodies(hook, pred):
    return [b[2] for b in hook.bodies if pred(b[2])]


write_conf(hook1)
data = os.path.join(tmp, "data")
r = subprocess.run([S.BIN, "demo", "seed", "--data-dir", data], capture_output=True, text=True)
t.ok(r.returncode == 0, "demo seed", r.stderr)
demo_pw = r.stdout.split("password:")[-1].split()[0]


class Srv(S.Server):
    extra_args = ("--config", conf, "--web-interval", "0")


srv = Srv(data_dir=data, admin=False)
try:
    admin = srv.client()
    admin.login("admin", demo_pw)

    # --- compliance reminders, portal watching off ---
    def reminders():
        st, ev, _ = admin.req("GET", "/api/v1/events?source=compliance&limit=500")
        return ev["items"] if st == 200 and ev["items"] else None
    rem = wait(reminders, 90) or []
    ids = {e["id"] for e in rem}
    t.ok(len(ids) > 10, f"the compliance job queued reminders ({len(ids)})")

    def rem_bodies():
        return bodies(hook1, lambda b: (b.get("event") or {}).get("id") in ids)
    got = wait(lambda: len(rem_bodies()) >= len(ids), 90)
    time.sleep(3)  # a second delivery would show by now
    per = collections.Counter(b["event"]["id"] for b in rem_bodies())
    t.ok(got and set(per) == ids and set(per.values()) == {1},
         f"with --web-interval 0 every reminder reaches the webhook once ({len(per)} of {len(ids)})",
         [k for k, v in per.items() if v != 1][:5])
    t.ok(all("Nhắc hạn tuân thủ" in b["text"] for b in rem_bodies()), "in the Vietnamese reminder text")

    # --- an incident's deadline notice ---
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế thử", "kind": "so_ban_nganh", "code": "syt-test"})
    _, s3, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng SYT", "kind": "portal",
                                                     "level": 3, "domains": ["syt.example.vn"]})
    st, c1, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng SYT bị thay giao diện", "kind": "defacement",
                                                        "severity": "critical", "agency_id": ag["id"],
                                                        "system_ids": [s3["id"]]})
    t.ok(st == 201, "a level-3 case is opened", c1)

    def notices(hook, number):
        return bodies(hook, lambda b: (b.get("event") or {}).get("id") == number and
                      str((b.get("event") or {}).get("kind", "")).startswith("deadline."))
    got = wait(lambda: notices(hook1, c1.get("number")), 60)
    time.sleep(3)
    per = collections.Counter(b["event"]["kind"] for b in notices(hook1, c1.get("number")))
    t.ok(got and set(per.values()) == {1}, "its deadline notice reaches the webhook once", per)

    st, jobs, _ = admin.req("GET", "/api/v1/jobs")
    job = [j for j in jobs.get("items", []) if j["name"] == "alert-delivery"]
    t.ok(job and job[0].get("last_error") in (None, ""), "the alert-delivery job is listed, without error", job)
    st, q, _ = admin.req("GET", "/api/v1/web/alerts")
    rows = q.get("deliveries", []) if st == 200 else []
    t.ok(any(d.get("event_id") == c1.get("number") and d.get("state") == "delivered" for d in rows) and
         any(d.get("event_id") in ids and d.get("state") == "delivered" for d in rows),
         "GET /api/v1/web/alerts lists the delivered rows", rows[:3])

    # --- SIGHUP: the channels of every producer change at once ---
    write_conf(hook2)
    srv.proc.send_signal(signal.SIGHUP)
    logf = os.path.join(srv.data_dir, "server.log")
    t.ok(wait(lambda: b"reload: alert channels from" in open(logf, "rb").read(), 30),
         "the reload reads the alert channels", open(logf, "rb").read()[-600:])
    st, c2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Web shell trên cổng SYT", "kind": "webshell",
                                                        "severity": "high", "agency_id": ag["id"],
                                                        "system_ids": [s3["id"]]})
    t.ok(wait(lambda: notices(hook2, c2.get("number")), 60),
         "after SIGHUP the next alert goes to the webhook the file names now", [b[2].get("event") for b in hook2.bodies])
    t.ok(not notices(hook1, c2.get("number")), "and not to the old one")
finally:
    srv.stop()
    hook1.shutdown()
    hook2.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
