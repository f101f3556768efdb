#!/usr/bin/env python3
"""Issued Mẫu 03/04 signed, and a reload reaching the deadline notices
(issue 12 items 6 and 7), on both stores.

With a [reports] signing key in the configuration file, an issued Mẫu 03
or Mẫu 04 PDF is signed before it is kept (pdfsig: valid, by the key's
holder; the timeline names the signer), while a draft stays unsigned.
The incident-deadlines job sends its escalations through the [alerts]
channels of that file; after the file names another webhook and the
server gets SIGHUP, the next escalation goes to the new receiver and not
to the old one. Prints TAP."""
import os
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from test_web_alerts import Hook, wait  # noqa: E402

t = S.Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-incsign-")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp + "/k.pem",
                "-out", tmp + "/c.pem", "-days", "30", "-utf8", "-subj", "/CN=Trần Thị Bình/O=Sở KH&CN/C=VN"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
hook1, hook2 = Hook(fail_first=0), Hook(fail_first=0)
conf = os.path.join(tmp, "canhgac.ini")


def write_conf(hook):
    with open(conf, "w") as f:
        f.write(f"""[server]
log_level = info
[reports]
formats = pdf
sign_key = {tmp}/k.pem
sign_cert = {tmp}/c.pem
[alerts]
webhook_url = http://127.0.0.1:{hook.server_address[1]}/botTEST/sendMessage
max_attempts = 3
retry_base_s = 1
""")


def pdfsig(data):
    p = os.path.join(tmp, "m.pdf")
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else b"")
    return subprocess.run(["pdfsig", p], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()


# a Server( subclass reading the configuration file: tests/run.sh runs
# this on SQLite and again on PostgreSQL
class Srv(S.Server):
    extra_args = ("--config", conf, "--web-interval", "0")


write_conf(hook1)
srv = Srv()
try:
    admin = srv.login_admin()
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
    _, s3, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng STC", "kind": "portal", "level": 3,
                                                     "domains": ["stc.example.vn"]})
    st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng STC bị thay giao diện", "kind": "defacement", "severity": "critical",
                                                       "agency_id": ag["id"], "system_ids": [s3["id"]]})
    base = f"/api/v1/incidents/{c['id']}/documents"

    # --- signed Mẫu 03 / 04 ---
    st, draft, _ = admin.req("GET", base + "/mau-03.pdf")
    t.ok(st == 200 and "Signature is Valid" not in pdfsig(draft),
         "a draft is not signed", pdfsig(draft)[:200])
    st, c1, _ = admin.req("POST", base, {"form": "mau-03", "format": "pdf"})
    doc = [e for e in c1.get("timeline", []) if e["what"] == "document"][-1]["detail"] if st == 201 else {}
    t.ok(st == 201 and doc.get("signed_by") == "Trần Thị Bình", "issuing Mẫu 03 signs it; the timeline names the signer", doc)
    st, pdf, h = admin.req("GET", f"{base}/{doc.get('sha256')}.pdf")
    out = pdfsig(pdf)
    t.ok(st == 200 and "Signature is Valid" in out and "Trần Thị Bình" in out and "ETSI.CAdES.detached" in out,
         "pdfsig: the kept Mẫu 03 carries a valid PAdES signature by the key's holder", out)
    admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"state": "triage"})
    admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"state": "responding"})
    admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"state": "contained"})
    st, c2, _ = admin.req("POST", base, {"form": "mau-04", "format": "pdf"})
    doc4 = [e for e in c2.get("timeline", []) if e["what"] == "document"][-1]["detail"] if st == 201 else {}
    st, pdf4, _ = admin.req("GET", f"{base}/{doc4.get('sha256')}.pdf")
    t.ok(st == 200 and doc4.get("form") == "mau-04" and "Signature is Valid" in pdfsig(pdf4),
         "Mẫu 04 too", (doc4, pdfsig(pdf4)[:300]))
    st, c3, _ = admin.req("POST", base, {"form": "mau-03", "format": "docx"})
    d3 = [e for e in c3.get("timeline", []) if e["what"] == "document"][-1]["detail"] if st == 201 else {}
    t.ok(st == 201 and d3.get("format") == "docx" and "signed_by" not in d3, "a DOCX is issued as before (unsigned)", d3)

    # --- SIGHUP reaches the incident-deadlines job ---
    t.ok(wait(lambda: any(c["number"] in b[2].get("text", "") for b in hook1.bodies), 30),
         "the escalation of the level-3 case goes to the configured webhook", hook1.bodies)
    write_conf(hook2)
    srv.proc.send_signal(signal.SIGHUP)
    logf = os.path.join(srv.data_dir, "server.log")
    t.ok(wait(lambda: b"reload: alert channels from" in open(logf, "rb").read(), 30),
         "the job takes the reloaded channels", open(logf, "rb").read()[-600:])
    st, n2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Web shell trên cổng STC", "kind": "webshell", "severity": "high",
                                                        "agency_id": ag["id"], "system_ids": [s3["id"]]})
    t.ok(wait(lambda: any(n2["number"] in b[2].get("text", "") for b in hook2.bodies), 30),
         "after SIGHUP the next escalation goes to the webhook the file names now", hook2.bodies)
    t.ok(not any(n2["number"] in b[2].get("text", "") for b in hook1.bodies), "and not to the old one", hook1.bodies)
finally:
    srv.stop()
t.done()
