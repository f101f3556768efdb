#!/usr/bin/env python3
"""canhgac scan exposure --credentials with a form login, against
loopback fakes of a Zabbix frontend (its login page title and footer;
POST /index.php with name, password, autologin, enter; a good login
answers 302 to zabbix.php?action=dashboard.view, a bad one 200 with an
error): the one with the documented first login (Admin / zabbix) is
reported, the changed one is not, each got exactly one POST, with the
documented fields urlencoded; without --credentials and on an ordinary
site nothing is POSTed; no password is printed. TAP."""
import http.server
import json
import os
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


LOGIN_PAGE = ("<!DOCTYPE html><html><head><title>Zabbix</title></head><body>"
              "<form action=\"index.php\" method=\"post\"><input name=\"name\"><input type=\"password\" name=\"password\">"
              "<input type=\"checkbox\" name=\"autologin\" value=\"1\"><button name=\"enter\" value=\"Sign in\">Sign in</button></form>"
              "<footer>&copy; 2001&ndash;2024, Zabbix SIA</footer></body></html>")


def make(kind, password="zabbix"):
    stats = {"posts": [], "ctype": [], "ua": set()}

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, extra=()):
            data = body.encode()
            self.send_response(code)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            stats["ua"].add(self.headers.get("User-Agent", ""))
            if self.path == "/":
                self.send(200, LOGIN_PAGE if kind == "zabbix" else "<html><body>Trang chủ</body></html>")
            else:
                self.send(404, "<html><body>Not found</body></html>")

        do_HEAD = do_GET

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode()
            stats["posts"].append((self.path, body))
            stats["ctype"].append(self.headers.get("Content-Type", ""))
            f = urllib.parse.parse_qs(body)
            if kind == "zabbix" and self.path == "/index.php" and f.get("name") == ["Admin"] and f.get("password") == [password]:
                self.send(302, "", [("Location", "zabbix.php?action=dashboard.view"), ("Set-Cookie", "zbx_session=eyJzZXNzaW9uaWQiOiIxIn0%3D")])
            else:
                self.send(200, LOGIN_PAGE.replace("<form", "<div class=\"msg-bad\">Incorrect user name or password or account is temporarily blocked.</div><form"))

    s = HTTPD(("127.0.0.1", 0), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s, stats


def scan(url, creds=True):
    args = [BIN, "scan", "exposure", "--json", "--rate", "0", "--no-tls",
            "--templates", os.path.join(SRC, "rules/exposure/http/phpinfo.yaml")]
    if creds:
        args.append("--credentials")
    p = subprocess.run(args + [url], capture_output=True, text=True, timeout=120)
    objs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    return p, [o for o in objs if o.get("kind") == "default_credentials"]


factory, fst = make("zabbix")
changed, cst = make("zabbix", password="Đổi-mật-khẩu 2024&x=1")
plain, pst = make("plain")
try:
    furl = f"http://127.0.0.1:{factory.server_address[1]}/"
    p, f = scan(furl, creds=False)
    ok(f == [] and fst["posts"] == [], "without --credentials nothing is POSTed", (f, fst["posts"]))

    p, f = scan(furl)
    ok(len(f) == 1 and f[0]["severity"] == "critical" and f[0]["evidence"]["vendor"] == "Zabbix frontend" and
       f[0]["evidence"]["login"] == "form" and f[0]["evidence"]["user"] == "Admin" and f[0]["evidence"]["attempts"] == 1,
       "the factory Zabbix login is reported (form, Admin, one attempt)", (f, p.stderr))
    ok(len(fst["posts"]) == 1 and fst["posts"][0][0] == "/index.php", "exactly one POST, to /index.php", fst["posts"])
    q = urllib.parse.parse_qs(fst["posts"][0][1]) if fst["posts"] else {}
    ok(q == {"name": ["Admin"], "password": ["zabbix"], "autologin": ["1"], "enter": ["Sign in"]} and
       fst["ctype"] == ["application/x-www-form-urlencoded"], "the documented fields, urlencoded", (fst["posts"], fst["ctype"]))
    ok("zabbix" not in p.stdout and "zabbix" not in p.stderr, "the password is not printed", p.stdout)
    ok(all(u.startswith("canhgac/") for u in fst["ua"]), "every request names canhgac", fst["ua"])

    p, f = scan(f"http://127.0.0.1:{changed.server_address[1]}/")
    ok(f == [], "a changed password is not reported (a 200 answer is not a login)", f)
    ok(len(cst["posts"]) == 1, "the changed one got exactly one POST", cst["posts"])

    p, f = scan(f"http://127.0.0.1:{plain.server_address[1]}/")
    ok(f == [] and pst["posts"] == [], "an ordinary site gets no POST at all", pst["posts"])
finally:
    for s in (factory, changed, plain):
        s.shutdown()
print(f"1..{N}")
sys.exit(1 if FAILED else 0)
