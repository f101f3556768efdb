#!/usr/bin/env python3
"""The compliance reminder job of canhgac serve (issue 14): on the demo
province, at start, every control and subject that is due soon or
overdue becomes one reminder event (source "compliance", kind the status,
the subject's agency and legal basis in it), exactly as many as GET
/api/v1/compliance lists, and goes out on the alert channels (a webhook
on loopback gets the Vietnamese reminder text); the job shows in the
jobs list. Prints TAP."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402


class Hook(http.server.ThreadingHTTPServer):
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


def wait(fn, secs):
    end = time.time() + secs
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.5)
    return None


t = S.Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-cmp-rem.")
hook = Hook()
cfg = os.path.join(tmp, "alerts.ini")
with open(cfg, "w") as f:
    f.write(f"[alerts]\nwebhook_url = http://127.0.0.1:{hook.server_address[1]}/botT/sendMessage\n"
            "max_attempts = 3\nretry_base_s = 1\n")
data = os.path.join(tmp, "data")
r = subprocess.run([S.BIN, "demo", "seed", "--data-dir", data], capture_output=True, text=True)
t.ok(r.returncode == 0, "demo seed", r.stderr)
demo_pw = r.stdout.split("password:")[-1].split()[0]


class RemServer(S.Server):
    # the portal watch off (as in test_alert_delivery): the demo's portals are
    # real names off loopback, which no test may look up
    extra_args = ("--web-interval", "0", "--alert-config", cfg)


srv = RemServer(data_dir=data, admin=False)
try:
    admin = srv.client()
    admin.login("admin", demo_pw)
    st, cmp, _ = admin.req("GET", "/api/v1/compliance")
    want = [x for x in cmp["results"] if x["status"] in ("due_soon", "overdue")]
    t.ok(st == 200 and len(want) > 10, f"{len(want)} results due soon or overdue")

    def reminders():
        st, ev, _ = admin.req("GET", "/api/v1/events?source=compliance&limit=500")
        return ev["items"] if st == 200 and len(ev["items"]) >= len(want) else None
    items = wait(reminders, 90) or []
    t.ok(len(items) == len(want), f"one reminder event per result ({len(items)} of {len(want)})")
    kinds = {e["kind"] for e in items}
    t.ok(kinds <= {"due_soon", "overdue"} and "overdue" in kinds, "reminders are due_soon or overdue", kinds)
    late = [e for e in items if e["subject"].startswith("vuln_scan_6m: Trang thông tin điện tử Sở Tài chính")]
    t.ok(len(late) == 1 and late[0]["kind"] == "overdue" and late[0]["agency_id"] is not None and
         "Chỉ thị 18/CT-TTg" in late[0]["evidence"]["legal_basis"],
         "the late scan is reminded with its agency and legal basis", late)
    got = wait(lambda: [b for b in hook.bodies if "Nhắc hạn tuân thủ" in b.get("text", "")], 60)
    t.ok(got, f"the reminders go out on the webhook ({len(hook.bodies)} calls)")
    st, jobs, _ = admin.req("GET", "/api/v1/jobs")
    job = [j for j in jobs["items"] if j["name"] == "compliance-reminders"]
    t.ok(job and job[0].get("last_error") in (None, ""), "the job ran without error", job)
finally:
    srv.stop()
    hook.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
