#!/usr/bin/env python3
"""Issued Mẫu 03/04 signed, and a reload reaching the deadline notices
(issue 12 items 6 and 7), on both stores.

With a [reports] signing key in the configuration file, an issued Mẫu 03
or Mẫu 04 PDF is signed before it is kept (pdfsig: valid, by the key's
holder; the timeline names the signer), while a draft stays unsigned; an
issued DOCX gets a detached CMS signature of exactly its stored bytes,
downloadable as HEX.docx.p7s (openssl cms -verify accepts it, and refuses
it for other bytes).
The incident-deadlines job sends its escalations through the [alerts]
channels of that file; after the file names another webhook and the
server gets SIGHUP, the next escalation goes to the new receiver and not
to the old one. Prints TAP."""
import hashlib
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


def cms_verify(content, sig):
    """openssl cms -verify of the detached signature sig over content,
    against the test's certificate."""
    dp, sp = os.path.join(tmp, "m.docx"), os.path.join(tmp, "m.docx.p7s")
    with open(dp, "wb") as f:
        f.write(content if isinstance(content, bytes) else b"")
    with open(sp, "wb") as f:
        f.write(sig if isinstance(sig, bytes) else b"")
    return subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sp, "-content", dp,
                           "-CAfile", tmp + "/c.pem", "-out", "/dev/null"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


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
    t.ok(st == 201 and d3.get("format") == "docx" and d3.get("signed_by") == "Trần Thị Bình" and d3.get("p7s"),
         "issuing a DOCX signs it beside it; the timeline names the signer and the .p7s", d3)
    st, docx, _ = admin.req("GET", f"{base}/{d3.get('sha256')}.docx")
    st2, sig, h2 = admin.req("GET", f"{base}/{d3.get('sha256')}.docx.p7s")
    t.ok(st == 200 and st2 == 200 and h2.get("content-type") == "application/pkcs7-signature"
         and h2.get("content-disposition", "").endswith('-mau-03.docx.p7s"'),
         "the issued DOCX and its .p7s download", (st, st2, h2))
    t.ok(isinstance(docx, bytes) and hashlib.sha256(docx).hexdigest() == d3.get("sha256"),
         "the DOCX downloaded is the one kept", d3.get("sha256"))
    r = cms_verify(docx, sig)
    t.ok(r.returncode == 0, "openssl cms -verify accepts the DOCX's signature (exactly the stored bytes)",
         r.stdout.decode())
    r = cms_verify((docx if isinstance(docx, bytes) else b"") + b"\0", sig)
    t.ok(r.returncode != 0, "and refuses it for other bytes", r.stdout.decode())
    st, _, _ = admin.req("GET", f"{base}/{doc.get('sha256')}.docx.p7s")
    t.ok(st == 404, "a PDF has its signature inside: no .p7s", st)

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
