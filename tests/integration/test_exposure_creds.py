#!/usr/bin/env python3
"""canhgac scan exposure --credentials, fingerprint first, against small
loopback fakes: a camera that looks like a Hikvision (App-webs server,
digest auth on /ISAPI/Security/userCheck) and a router that looks like a
TP-Link (basic auth realm), each once with its factory login and once
changed, plus an ordinary site. Only the factory ones are reported; each
device got at most the documented number of attempts, one at a time; the
ordinary site got no password at all; no password is printed. TAP."""
import base64
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
# (an alias: tests/run.sh takes a call of a class named ...Server for a
# suite that needs the store, and would run this one twice)
HTTPD = http.server.ThreadingHTTPServer
N = 0
FAILED = 0


def ok(cond, desc, diag=None):
    global N, FAILED
    N += 1
    print(("ok" if cond else "not ok") + f" {N} - {desc}")
    if not cond:
        FAILED += 1
        if diag:
            for line in str(diag)[:3000].splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def make(kind, user, password):
    """kind: camera (digest) / router (basic) / plain. Returns (server, stats)."""
    stats = {"auth": 0, "requests": 0, "paths": []}
    realm = "DS-2CD2032-I" if kind == "camera" else "TP-LINK Wireless N Router WR840N"
    nonce = "4e6f6e63652d63616e68676163"

    class H(http.server.BaseHTTPRequestHandler):
        server_version = "App-webs/" if kind == "camera" else "httpd"
        sys_version = ""

        def log_message(self, *a):
            pass

        def send(self, code, body, extra=()):
            self.send_response(code)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def authorized(self):
            a = self.headers.get("Authorization")
            if not a:
                return False
            stats["auth"] += 1
            stats["paths"].append(self.path)
            if kind == "router" and a.startswith("Basic "):
                return base64.b64decode(a[6:]).decode() == f"{user}:{password}"
            if kind == "camera" and a.startswith("Digest "):
                f = dict(re.findall(r'(\w+)="?([^",]*)"?', a[7:]))
                ha1 = md5(f"{f.get('username')}:{realm}:{password}")
                ha2 = md5(f"{self.command}:{f.get('uri')}")
                want = md5(f"{ha1}:{nonce}:{f.get('nc')}:{f.get('cnonce')}:{f.get('qop')}:{ha2}")
                return f.get("username") == user and f.get("response") == want
            return False

        def do_GET(self):
            stats["requests"] += 1
            if kind == "plain":
                return self.send(200, b"<html><head><title>So Y te</title></head><body>ok</body></html>",
                                 [("Content-Type", "text/html")])
            chal = (f'Digest realm="{realm}", qop="auth", nonce="{nonce}", algorithm=MD5' if kind == "camera"
                    else f'Basic realm="{realm}"')
            if self.authorized():
                return self.send(200, b"<userCheck><statusValue>200</statusValue></userCheck>" if kind == "camera"
                                 else b"<html>router status</html>")
            self.send(401, b"<html>401 Unauthorized</html>", [("WWW-Authenticate", chal),
                                                             ("Content-Type", "text/html")])
        do_HEAD = do_GET

    srv = HTTPD(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, stats


def main():
    cam_f, cam_f_s = make("camera", "admin", "12345")
    cam_c, cam_c_s = make("camera", "admin", "Camera-Changed-2026")
    rt_f, rt_f_s = make("router", "admin", "admin")
    rt_c, rt_c_s = make("router", "admin", "Router-Changed-2026")
    plain, plain_s = make("plain", "", "")
    url = lambda s: f"http://127.0.0.1:{s.server_address[1]}/"  # noqa: E731
    empty = tempfile.mkdtemp(prefix="cg-expcred-")
    try:
        targets = [url(cam_f), url(cam_c), url(rt_f), url(rt_c), url(plain)]
        p = subprocess.run([BIN, "scan", "exposure", "--json", "--credentials", "--rate", "0",
                            "--templates", empty] + targets, capture_output=True, text=True, timeout=120)
        objs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
        dc = {o["target"]: o for o in objs if o.get("kind") == "default_credentials"}
        ok(p.returncode == 1 and not p.stderr, "findings, no error", (p.returncode, p.stderr))
        ok(set(dc) == {url(cam_f), url(rt_f)}, "only the two devices with factory logins are reported", sorted(dc))
        cam = dc.get(url(cam_f), {})
        ok(cam.get("severity") == "critical" and cam["evidence"]["vendor"].startswith("Hikvision") and
           cam["evidence"]["login"] == "digest" and cam["evidence"]["user"] == "admin" and
           "Hikvision factory" in cam["evidence"]["default"] and cam["evidence"]["attempts"] == 1,
           "camera: Hikvision recognised, digest login, which default it was", cam)
        rt = dc.get(url(rt_f), {})
        ok(rt.get("evidence", {}).get("vendor") == "TP-Link router" and rt["evidence"]["login"] == "basic",
           "router: TP-Link recognised, basic login", rt)
        ev = [o for o in objs if o.get("kind") == "default_credentials"]
        ok(not any(k for o in ev for k in o["evidence"] if "pass" in k.lower()) and
           not any("12345" in o["summary"] + json.dumps(o["evidence"]).replace(url(cam_f), "") for o in ev)
           and "Camera-Changed" not in p.stdout and "Router-Changed" not in p.stdout,
           "no password in the output", p.stdout[-1500:])
        ok(cam_f_s["auth"] == 1 and cam_c_s["auth"] == 1, "each camera got one attempt (its documented default)",
           (cam_f_s, cam_c_s))
        ok(rt_f_s["auth"] == 1 and rt_c_s["auth"] == 1, "each router got one attempt", (rt_f_s, rt_c_s))
        ok(all(x == "/ISAPI/Security/userCheck" for x in cam_f_s["paths"] + cam_c_s["paths"]),
           "the camera was logged into over its own ISAPI login", cam_c_s["paths"])
        ok(plain_s["auth"] == 0, "the unrecognised site got no password at all", plain_s)
        p2 = subprocess.run([BIN, "scan", "exposure", "--json", "--rate", "0", "--templates", empty, url(cam_f)],
                            capture_output=True, text=True, timeout=60)
        ok(cam_f_s["auth"] == 1 and "default_credentials" not in p2.stdout,
           "without --credentials no password is tried", (cam_f_s, p2.stdout[-500:]))
    finally:
        for s in (cam_f, cam_c, rt_f, rt_c, plain):
            s.shutdown()
        os.rmdir(empty)
    print(f"1..{N}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
