#!/usr/bin/env python3
"""canhgac scan exposure --credentials against loopback fakes of the fibre
modems ISPs install, whose web login never sends the password as typed:

- a ZTE ZXHN ONT: GET / sets a SID cookie and carries the login script
  (_type=loginData); GET ?_type=loginData&_tag=login_entry gives a JSON
  sess_token; GET ?_type=loginData&_tag=login_token a one-time token in
  <ajax_response_xml_root>; the login POSTs Username, Password =
  sha256hex(password + token), action=login, _sessionTOKEN; a good login
  answers "login_need_refresh":true. A token is used once, and belongs to
  the SID it was given with.
- a Huawei EchoLife ONT: the page names /asp/GetRandCount.asp; an empty
  POST there gives a token (after a byte-order mark); the login POSTs
  UserName, PassWord = base64(password), Language, x.X_HW_Token with the
  cookie Cookie=body:Language:english:id=-1; a good login sets
  Cookie=sid=...

Each with its factory login and with a changed one: only the factory one
is reported, naming the documented default; each got at most the
documented attempts (2), each with a fresh token; the password appears
nowhere in the output, and was never POSTed in clear to the ZTE (only
its hash). Without --credentials nothing is POSTed. TAP."""
import base64
import hashlib
import http.server
import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.parse

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
# (an alias: tests/run.sh takes a call of a class named ...Server for a
# suite that needs the store)
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


ZTE_PAGE = ("<!DOCTYPE html><html><head><title>F670L</title><script>"
            "function g_loginToken(){return $.get('/?_type=loginData&_tag=login_token');}"
            "</script></head><body><form id=\"fLogin\"><input id=\"Frm_Username\"><input id=\"Frm_Password\" type=\"password\">"
            "</form><p>&copy; 2008-2023 ZTE Corporation</p></body></html>")
HW_PAGE = ("<!DOCTYPE html><html><head><title>HG8145V5</title>"
           "<script src=\"/resource/common/safelogin.js\"></script><script>"
           "function LoginSubmit(){$.ajax({type:'POST',url:'/asp/GetRandCount.asp',success:function(t){"
           "Form.addParameter('x.X_HW_Token',t);}});}</script></head>"
           "<body><input id=\"txt_Username\"><input id=\"txt_Password\" type=\"password\"></body></html>")


def zte(user, password):
    st = {"posts": [], "tokens_used": [], "bad_token": 0, "all": []}
    sids = {}  # SID -> {"sess": ..., "token": ...}

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="text/html", cookie=None):
            data = body.encode()
            self.send_response(code)
            if cookie:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def sid(self):
            for part in self.headers.get("Cookie", "").split(";"):
                k, _, v = part.strip().partition("=")
                if k == "SID" and v in sids:
                    return v
            return None

        def do_GET(self):
            st["all"].append(("GET", self.path))
            q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            if q.get("_type") == ["loginData"] and q.get("_tag") == ["login_entry"]:
                s = self.sid() or secrets.token_hex(16)
                sids.setdefault(s, {})["sess"] = secrets.token_hex(8)
                self.send(200, json.dumps({"lockingTime": 0, "loginErrMsg": "", "promptMsg": "",
                                           "sess_token": sids[s]["sess"]}),
                          "application/json", f"SID={s}; PATH=/; HttpOnly")
            elif q.get("_type") == ["loginData"] and q.get("_tag") == ["login_token"]:
                s = self.sid()
                if not s:
                    self.send(200, "<ajax_response_xml_root></ajax_response_xml_root>", "text/xml")
                    return
                sids[s]["token"] = str(secrets.randbelow(90000000) + 10000000)
                self.send(200, f"<ajax_response_xml_root>{sids[s]['token']}</ajax_response_xml_root>", "text/xml")
            elif self.path == "/":
                s = secrets.token_hex(16)
                sids[s] = {}
                self.send(200, ZTE_PAGE, cookie=f"SID={s}; PATH=/; HttpOnly")
            else:
                self.send(404, "<html><body>404</body></html>")

        do_HEAD = do_GET

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode()
            st["all"].append(("POST", self.path))
            st["posts"].append(body)
            f = urllib.parse.parse_qs(body)
            s = self.sid()
            rec = sids.get(s, {}) if s else {}
            token = rec.pop("token", None)  # once
            if token:
                st["tokens_used"].append(token)
            good_token = token and f.get("_sessionTOKEN") == [rec.get("sess")] and f.get("action") == ["login"]
            if not good_token:
                st["bad_token"] += 1
            want = hashlib.sha256((password + (token or "")).encode()).hexdigest()
            if good_token and f.get("Username") == [user] and f.get("Password") == [want]:
                self.send(200, json.dumps({"login_need_refresh": True, "sess_token": secrets.token_hex(8)}),
                          "application/json")
            else:
                self.send(200, json.dumps({"lockingTime": 0, "loginErrMsg": "Tên đăng nhập hoặc mật khẩu không đúng.",
                                           "promptMsg": "", "sess_token": secrets.token_hex(8)}), "application/json")

    srv = HTTPD(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, st


def huawei(user, password):
    st = {"posts": [], "logins": [], "tokens": [], "bad_token": 0}
    live = set()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, extra=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(code)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.send(200, HW_PAGE) if self.path in ("/", "/index.asp") else self.send(404, "404")

        do_HEAD = do_GET

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode()
            st["posts"].append((self.path, body))
            if self.path == "/asp/GetRandCount.asp":
                t = secrets.token_hex(24)
                live.add(t)
                st["tokens"].append(t)
                self.send(200, b"\xef\xbb\xbf" + t.encode())
                return
            if self.path != "/login.cgi":
                self.send(404, "404")
                return
            f = urllib.parse.parse_qs(body)
            st["logins"].append(f)
            tok = (f.get("x.X_HW_Token") or [""])[0]
            good_token = tok in live and "Cookie=body:Language:english:id=-1" in self.headers.get("Cookie", "")
            live.discard(tok)
            if not good_token:
                st["bad_token"] += 1
            pw = base64.b64encode(password.encode()).decode()
            if good_token and f.get("UserName") == [user] and f.get("PassWord") == [pw]:
                self.send(200, "<html><script>window.location='/index.asp';</script></html>",
                          [("Set-Cookie", f"Cookie=sid={secrets.token_hex(32)}:Language:english:id=1;path=/")])
            else:
                self.send(200, "<html><script>var pageName='/login.asp';</script></html>",
                          [("Set-Cookie", "Cookie=default;path=/")])

    srv = HTTPD(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, st


def scan(url, creds=True):
    args = [BIN, "scan", "exposure", "--json", "--rate", "0", "--no-tls",
            "--templates", os.path.join(SRC, "rules/exposure/http/phpinfo.yaml")]
    if creds:
        args.append("--credentials")
    p = subprocess.run(args + [url], capture_output=True, text=True, timeout=120)
    objs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    return p, [o for o in objs if o.get("kind") == "default_credentials"]


def url_of(s):
    return f"http://127.0.0.1:{s.server_address[1]}/"


servers = []
try:
    # ---- ZTE -----------------------------------------------------------------
    zf, zfs = zte("admin", "admin")
    zc, zcs = zte("admin", "Vnpt@Đổi-2024")
    servers += [zf, zc]
    p, f = scan(url_of(zf), creds=False)
    ok(f == [] and zfs["posts"] == [], "ZTE: without --credentials nothing is POSTed", zfs)
    p, f = scan(url_of(zf))
    ev = f[0]["evidence"] if f else {}
    ok(len(f) == 1 and f[0]["severity"] == "critical" and ev.get("vendor") == "ZTE ZXHN fibre modem (ONT)" and
       ev.get("user") == "admin" and ev.get("login") == "form" and ev.get("attempts") == 1,
       "ZTE factory login reported: form, admin, the first attempt", (f, p.stderr))
    ok(ev.get("default", "").startswith("ZTE ZXHN ONT factory administrator"), "it names the documented default", ev)
    ok(len(zfs["posts"]) == 1 and zfs["bad_token"] == 0, "ZTE: one POST, with its fresh token and session token", zfs)
    q = urllib.parse.parse_qs(zfs["posts"][0]) if zfs["posts"] else {}
    ok(q.get("Password") == [hashlib.sha256(("admin" + zfs["tokens_used"][0]).encode()).hexdigest()]
       if zfs["tokens_used"] else False, "the password is sent as sha256hex(password + token)", q)
    ok(all(w not in json.dumps(ev) for w in ('"password"', zfs["posts"][0] if zfs["posts"] else "x")),
       "the finding holds neither the password field nor the POSTed body", ev)

    p, f = scan(url_of(zc))
    ok(f == [], "ZTE with a changed password: nothing reported", f)
    ok(len(zcs["posts"]) == 2 and zcs["bad_token"] == 0 and len(set(zcs["tokens_used"])) == 2,
       "ZTE changed: the 2 documented attempts, each with a fresh token", zcs)
    ok(all("Vnpt" not in b and "admin&" not in b.split("Password=")[1] for b in zcs["posts"]),
       "no password was POSTed in clear to the ZTE", zcs["posts"])

    # ---- Huawei --------------------------------------------------------------
    hf, hfs = huawei("root", "admin")
    hc, hcs = huawei("telecomadmin", "Viettel#2024")
    servers += [hf, hc]
    p, f = scan(url_of(hf), creds=False)
    ok(f == [] and hfs["posts"] == [], "Huawei: without --credentials nothing is POSTed", hfs)
    p, f = scan(url_of(hf))
    ev = f[0]["evidence"] if f else {}
    ok(len(f) == 1 and ev.get("vendor") == "Huawei EchoLife fibre modem (ONT)" and ev.get("user") == "root" and
       ev.get("attempts") == 2 and "common-user" in ev.get("default", ""),
       "Huawei factory common-user login reported at the second documented attempt", (f, p.stderr))
    ok(len(hfs["logins"]) == 2 and hfs["bad_token"] == 0 and len(hfs["tokens"]) == 2,
       "Huawei: two logins, each after its own GetRandCount token, with the page's cookie", hfs)
    ok(hfs["logins"] and hfs["logins"][-1].get("PassWord") == [base64.b64encode(b"admin").decode()] and
       hfs["logins"][-1].get("Language") == ["english"], "the password goes base64-encoded, as the page sends it", hfs["logins"])
    ok("YWRtaW4" not in p.stdout and "admintelecom" not in p.stdout, "neither password nor its encoding is printed", p.stdout)
    p, f = scan(url_of(hc))
    ok(f == [] and len(hcs["logins"]) == 2, "Huawei with a changed password: nothing reported, 2 attempts", (f, hcs))

    # the same modem scanned below its login page: not recognised, no login
    zb, zbs = zte("admin", "admin")
    servers.append(zb)
    p, f = scan(url_of(zb) + "khong-co/")
    ok(f == [] and zbs["posts"] == [], "a path without the modem's login markers: nothing is POSTed", zbs)
finally:
    for s in servers:
        s.shutdown()
print(f"1..{N}")
sys.exit(1 if FAILED else 0)
