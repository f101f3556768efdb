#!/usr/bin/env python3
"""test_national_delivery.py - the national-report job (natreport_job.h):
with [national] the server sends last month's malware statistics, signed
with the reports' key, to a loopback HTTPS receiver (Python ssl, a test CA)
that demands a client certificate, checks the signature with
`openssl cms -verify` and keeps the body. First the receiver trusts another
CA, so canhgac's client certificate is refused: the failed delivery is
recorded and retried; then it trusts the test CA and the retry is accepted,
recorded with the receiver's answer; GET /api/v1/national/deliveries lists
both, a viewer is refused; a restart does not send the month again; a
[national] section without the reports' signing key is refused at start.
TAP; python3 stdlib, openssl."""
import datetime
import hashlib
import http.server
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-natdel.")
data = os.path.join(tmp, "data")
os.mkdir(data)


def ossl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_ca(name):
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "%s/%s.key" % (tmp, name),
         "-out", "%s/%s.pem" % (tmp, name), "-days", "30", "-subj", "/CN=%s" % name)


def issue(name, ca, ext):
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "%s/%s.key" % (tmp, name), "-out",
         "%s/%s.csr" % (tmp, name), "-subj", "/CN=%s" % name)
    with open("%s/%s.ext" % (tmp, name), "w") as f:
        f.write(ext)
    ossl("x509", "-req", "-in", "%s/%s.csr" % (tmp, name), "-CA", "%s/%s.pem" % (tmp, ca),
         "-CAkey", "%s/%s.key" % (tmp, ca), "-CAcreateserial", "-out",
         "%s/%s.pem" % (tmp, name), "-days", "30", "-extfile", "%s/%s.ext" % (tmp, name))


make_ca("test-ca")
make_ca("other-ca")
issue("receiver", "test-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
issue("canhgac-client", "test-ca", "extendedKeyUsage=clientAuth\n")
# the reports' signing key (a self-signed certificate, as test_reports_api)
ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp + "/sign.key", "-out",
     tmp + "/sign.pem", "-days", "30", "-subj", "/CN=So KHCN Lai Chau/C=VN")

received = []  # (headers, report bytes, signature bytes, verified)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body)
        parts = {p.get_param("name", header="content-disposition"): p
                 for p in msg.iter_parts()}
        rep = parts["report"].get_payload(decode=True)
        sig = parts["signature"].get_payload(decode=True)
        k = len(received)
        with open("%s/got%d" % (tmp, k), "wb") as f:
            f.write(rep)
        with open("%s/got%d.p7s" % (tmp, k), "wb") as f:
            f.write(sig)
        v = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                            "%s/got%d.p7s" % (tmp, k), "-content", "%s/got%d" % (tmp, k),
                            "-CAfile", tmp + "/sign.pem", "-out", "/dev/null"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        received.append((dict(self.headers), rep, sig, v.returncode == 0,
                         parts["report"].get_content_type(), parts["report"].get_filename()))
        ans = json.dumps({"status": "accepted", "receipt": "TTGS-%d" % k}).encode()
        self.send_response(200 if v.returncode == 0 else 422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ans)))
        self.end_headers()
        self.wfile.write(ans)


def receiver(client_ca, port=0):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp + "/receiver.pem", tmp + "/receiver.key")
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile="%s/%s.pem" % (tmp, client_ca))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


rx = receiver("other-ca")
port = rx.server_address[1]
conf = os.path.join(tmp, "canhgac.ini")
with open(conf, "w") as f:
    f.write("[reports]\nformats = docx\nsign_key = %s/sign.key\nsign_cert = %s/sign.pem\n"
            "[national]\nurl = https://127.0.0.1:%d/bao-cao\nclient_cert = %s/canhgac-client.pem\n"
            "client_key = %s/canhgac-client.key\nca_file = %s/test-ca.pem\nformat = xml\n"
            "province = Lai Châu\ninterval = 3600\n" % (tmp, tmp, port, tmp, tmp, tmp))
bad = os.path.join(tmp, "bad.ini")
with open(bad, "w") as f:
    f.write("[national]\nurl = https://127.0.0.1:%d/\n" % port)
r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--no-tls", "--data-dir", data,
                    "--config", bad], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                   timeout=60)
t.ok(r.returncode != 0 and "[national] needs [reports] sign_key" in r.stderr,
     "[national] without the reports' signing key is refused", r.stderr)

now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7)))
period = "%04d-%02d" % ((now.year - 1, 12) if now.month == 1 else (now.year, now.month - 1))


def deliveries(c, secs, want):
    items = []
    for _ in range(secs * 2):
        st, body, _ = c.req("GET", "/api/v1/national/deliveries?limit=50")
        items = body.get("items", []) if st == 200 else []
        if want(items):
            break
        time.sleep(0.5)
    return items


Server.extra_args = ("--config", conf)
srv = Server(data_dir=data)
try:
    admin = srv.login_admin()
    items = deliveries(admin, 120, lambda it: len(it) >= 1)
    t.ok(len(items) >= 1 and not items[-1]["ok"] and items[-1]["http_status"] == 0
         and items[-1]["error"], "a refused client certificate is recorded as a failed delivery",
         items)
    t.ok(not received, "the receiver let nothing through with the wrong CA", len(received))
    # the receiver now trusts the CA of canhgac's client certificate
    rx.shutdown()
    rx.server_close()
    rx = receiver("test-ca", port)
    items = deliveries(admin, 120, lambda it: any(i["ok"] for i in it))
    okd = [i for i in items if i["ok"]]
    t.ok(len(okd) == 1 and len(items) >= 2, "the retry is delivered and recorded", items)
    t.ok(len(received) == 1 and received[0][3], "the receiver's openssl cms -verify accepts it",
         received[:1] and received[0][3])
    if okd and received:
        d, (hdrs, rep, sig, _, ctype, fname) = okd[0], received[0]
        t.ok(d["http_status"] == 200 and "TTGS-0" in (d["answer"] or ""),
             "the centre's answer is recorded", d)
        t.ok(d["period"] == period and hdrs.get("X-Canhgac-Period") == period,
             "last month is sent (%s)" % period, (d["period"], hdrs.get("X-Canhgac-Period")))
        t.ok(d["sha256"] == hashlib.sha256(rep).hexdigest() and d["bytes"] == len(rep),
             "the record names the document sent (sha256, size)")
        t.ok(ctype == "application/xml" and fname == "canhgac-malware-%s.xml" % period
             and b"<BaoCaoThongKeMaDoc>" in rep and "Lai Châu".encode() in rep,
             "the document is the configured XML", (ctype, fname, rep[:120]))
    st, body, _ = admin.req("GET", "/api/v1/national/deliveries?period=" + period)
    t.ok(st == 200 and all(i["period"] == period for i in body["items"])
         and len(body["items"]) == len(items), "deliveries of one period", body)
    st, body, _ = admin.req("GET", "/api/v1/national/deliveries?period=2026-13")
    t.ok(st == 400, "a period that is not a month is refused", body)
    st, _, _ = admin.req("POST", "/api/v1/users", {"username": "xem", "role": "viewer",
                                                   "password": "password-of-viewer"})
    viewer = srv.client()
    viewer.login("xem", "password-of-viewer")
    st, body, _ = viewer.req("GET", "/api/v1/national/deliveries")
    t.ok(st == 403, "a viewer may not see the deliveries", (st, body))
    st, body, _ = admin.req("GET", "/api/v1/jobs")
    jobs = [j for j in (body.get("items") if isinstance(body, dict) else body) or []
            if j.get("name") == "national-report"]
    t.ok(jobs, "the job national-report is listed", body)
    # a restart: the month was accepted, it is not sent again
finally:
    srv.cleanup()
srv = Server(data_dir=data)
try:
    admin = srv.login_admin()
    time.sleep(4)
    st, body, _ = admin.req("GET", "/api/v1/national/deliveries")
    t.ok(st == 200 and sum(1 for i in body["items"] if i["ok"]) == 1 and len(received) == 1,
         "after a restart the accepted month is not sent again", body)
finally:
    srv.cleanup()
rx.shutdown()
t.done()
