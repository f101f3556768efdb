#!/usr/bin/env python3
"""canhgac serve alerts: a new portal finding is e-mailed (SMTP through
libcurl, to a small SMTP server on loopback) to the provincial team and to
the agency's contact points, and POSTed as JSON to a webhook (a loopback
HTTP server that fails twice first, like a flaky relay). Failed deliveries
are retried with backoff and are visible in GET /api/v1/web/alerts; an
address the relay refuses ends as "failed" with its error. Prints TAP."""
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
import _webfix as W  # noqa: E402


class Smtp(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.mails = []
        outer = self

        class H(socketserver.StreamRequestHandler):
            def handle(self):
                w = lambda s: self.wfile.write(s.encode() + b"\r\n")  # noqa: E731
                w("220 test ESMTP")
                rcpt, data = [], None
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("utf-8", "replace").strip()
                    up = cmd.upper()
                    if up.startswith("EHLO") or up.startswith("HELO"):
                        w("250 test")
                    elif up.startswith("MAIL FROM"):
                        w("250 ok")
                    elif up.startswith("RCPT TO"):
                        if "reject@" in cmd:
                            w("550 no such user")
                        else:
                            rcpt.append(cmd.split(":", 1)[1].strip(" <>"))
                            w("250 ok")
                    elif up == "DATA":
                        w("354 go")
                        buf = b""
                        while True:
                            l2 = self.rfile.readline()
                            if not l2 or l2 == b".\r\n":
                                break
                            buf += l2
                        outer.mails.append((rcpt, buf.decode("utf-8", "replace")))
                        rcpt = []
                        w("250 queued")
                    elif up == "QUIT":
                        w("221 bye")
                        return
                    else:
                        w("250 ok")
        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Hook(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fail_first=2):
        self.bodies, self.calls, self.fail_first = [], 0, fail_first
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                outer.calls += 1
                if outer.calls <= outer.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.bodies.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')
        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class AlertServer(S.Server):
    cfg = None

    def start(self):
        args = [S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "--no-tls",
                "--web-interval", "1", "--alert-config", self.cfg]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        self.host, port = line.strip().rsplit("//", 1)[1].rsplit(":", 1)
        self.port = int(port)


def wait(pred, timeout=60, step=0.3):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-web-alert-")
    ngx = W.Nginx(tmp)
    base = W.portal(seed=12, articles=6)
    ngx.write("a/index.html", base)
    ngx.start()
    ua = ngx.url("a/")
    smtp, hook = Smtp(), Hook()
    cfg = os.path.join(tmp, "alerts.ini")
    with open(cfg, "w") as f:
        f.write(f"""[alerts]
smtp_url = smtp://127.0.0.1:{smtp.server_address[1]}
smtp_from = canhgac@tinh.gov.vn
province_emails = ucsc@tinh.gov.vn; soc@tinh.gov.vn
webhook_url = http://127.0.0.1:{hook.server_address[1]}/botTEST-TOKEN/sendMessage
webhook_chat_id = -100123
max_attempts = 3
retry_base_s = 1
""")
    AlertServer.cfg = cfg
    srv = AlertServer()
    try:
        admin = srv.login_admin()
        st, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt"})
        for name, mail in (("Nguyễn Văn A", "a.nv@syt.gov.vn"), ("Trần Thị B", "reject@syt.gov.vn")):
            st, p, _ = admin.req("POST", "/api/v1/people", {"agency_id": ag["id"], "name": name,
                                                            "role": "contact_point", "email": mail})
        st, sy, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng SYT", "kind": "portal",
                                                          "urls": [ua], "level": 2, "monitor_interval_s": 30})
        def checked():
            ps = (admin.req("GET", "/api/v1/web/status")[1] or {}).get("portals") or [{}]
            return ps[0].get("last_check")
        t.ok(wait(checked, 60), "the portal is baselined and checked")
        t.ok(not smtp.mails and hook.calls == 0, "no alert while the portal is clean")
        ngx.write("a/index.html", W.portal(seed=12, articles=6, extra_body=(
            '<h1>Hacked by Ghost Team</h1><p>greetz to all</p>')))
        admin.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        got = wait(lambda: len(smtp.mails) >= 3 and hook.bodies, 60)
        t.ok(got, f"the new finding is notified (mails {len(smtp.mails)}, webhook calls {hook.calls})")

        def auto_cases():
            return [c for c in admin.req("GET", "/api/v1/incidents")[1]["items"]
                    if c.get("auto_rule") == "defacement" and c.get("playbook")]
        cases = wait(auto_cases, 30)
        c0 = admin.req("GET", f"/api/v1/incidents/{cases[0]['id']}")[1] if cases else {}
        tk = admin.req("GET", f"/api/v1/incidents/{c0['id']}/tasks")[1] if c0 else {}
        t.ok(len(cases) == 1 and c0["kind"] == "defacement" and c0["system_ids"] == [sy["id"]] and len(c0["events"]) == 1
             and len(tk.get("items", [])) == 7 and tk["items"][0]["step"] == "preserve"
             and [k["rule"] for k in c0["clocks"]] == ["initial_report"] and c0["clocks"][0]["state"] == "running",
             "the defacement the portal watch found opened a case by itself: the defacement playbook's tasks, "
             "the Mẫu 03 clock running (rules/autocase/rules.txt)", c0)
        rcpts = sorted(r for rc, _ in smtp.mails for r in rc)
        t.ok(rcpts == ["a.nv@syt.gov.vn", "soc@tinh.gov.vn", "ucsc@tinh.gov.vn"],
             "e-mail to the provincial team and the agency's contact point", rcpts)
        mail = smtp.mails[0][1] if smtp.mails else ""
        t.ok("Subject: =?UTF-8?B?" in mail and "defacement" in mail and ua in mail and "charset=UTF-8" in mail,
             "the e-mail names the kind and the page, in UTF-8", mail[:800])
        path, ctype, body = hook.bodies[0] if hook.bodies else ("", "", {})
        t.ok(path == "/botTEST-TOKEN/sendMessage" and ctype == "application/json" and body.get("chat_id") == "-100123"
             and "defacement" in body.get("text", "") and body["event"]["url"] == ua,
             "the webhook gets Telegram-style JSON (chat_id, text) with the event", body)
        st, dl, _ = admin.req("GET", "/api/v1/web/alerts")
        rows = dl["deliveries"] if st == 200 else []
        wh = [r for r in rows if r["channel"] == "webhook"]
        t.ok(wh and wh[0]["state"] == "delivered" and wh[0]["attempts"] == 3,
             "the webhook failed twice, was retried, and is delivered (3 attempts)", wh)
        t.ok(wh and "TEST-TOKEN" not in json.dumps(rows), "the webhook URL (a bot token) is not shown", rows)
        bad = wait(lambda: [r for r in admin.req("GET", "/api/v1/web/alerts")[1]["deliveries"]
                            if r["to"] == "reject@syt.gov.vn" and r["state"] == "failed"], 30)
        t.ok(bad and bad[0]["attempts"] == 3 and bad[0]["last_error"],
             "a refused address is retried, then failed, with its error visible", bad)
        n_mail = len(smtp.mails)
        admin.req("POST", f"/api/v1/systems/{sy['id']}/web/check")
        time.sleep(3)
        t.ok(len(smtp.mails) == n_mail, "a finding that persists is not notified again")
        t.ok(len(auto_cases()) == 1, "nor opens a second case", auto_cases())
        alerts_json = os.path.join(srv.data_dir, "web", "alerts.json")
        t.ok(not os.path.exists(alerts_json), "the delivery queue is rows of the store, not a file")
        rc = srv.stop()
        t.ok(rc == 0, "the server stops cleanly", rc)
        srv.start()
        st, dl2, _ = srv.login_admin().req("GET", "/api/v1/web/alerts")
        t.ok(st == 200 and len(dl2["deliveries"]) == len(rows) >= 4,
             "the deliveries survive a restart", (len(rows), dl2))
        srv.stop()
        with open(os.path.join(tmp, "bad.ini"), "w") as f:
            f.write("[alerts]\nmax_attempts = lots\n")
        p = subprocess.run([S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--no-tls", "--data-dir", srv.data_dir,
                            "--alert-config", os.path.join(tmp, "bad.ini")], capture_output=True, text=True, timeout=60)
        t.ok(p.returncode == 2 and "bad.ini:2" in p.stderr, "a bad alert configuration stops the server with FILE:LINE",
             p.stderr)
    finally:
        srv.cleanup()
        ngx.stop()
        smtp.shutdown()
        hook.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
