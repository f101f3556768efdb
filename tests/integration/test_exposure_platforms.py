#!/usr/bin/env python3
"""Portal platform fingerprints (rules/exposure/http/platform-*.yaml)
against loopback sites this test serves with each platform's documented
markers: Liferay (the Liferay-Portal header, the Liferay JavaScript
object), SharePoint (MicrosoftSharePointTeamServices, _spPageContextInfo;
2013's build is also past its end of support), DNN (its element ids and
cookie). A news page that only names the platforms in its text, and a
plain site, stay quiet. Prints TAP."""
import http.server
import json
import os
import subprocess
import sys
import threading

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
RULES = os.path.join(SRC, "rules/exposure/http")
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
            for line in str(diag)[:4000].splitlines():
                print("# " + line)
    sys.stdout.flush()


SITES = {
    "liferay": ({"Liferay-Portal": "Liferay Community Edition Portal 7.4.3.112 CE GA112"},
                "<html><head><script>Liferay.ThemeDisplay = {getCompanyId: function() { return '20097'; }};"
                "Liferay.authToken = 'x1y2z3';</script></head><body>Cổng thông tin điện tử</body></html>"),
    "liferay_body": ({}, "<html><head><script>var themeDisplay = Liferay.ThemeDisplay;</script></head><body>Sở</body></html>"),
    "sharepoint2013": ({"MicrosoftSharePointTeamServices": "15.0.0.4797", "SPRequestGuid": "8b3c2a9e-1f40-4d7b-9a3e-2c6d5e4f1a0b"},
                       "<html><head><script>var _spPageContextInfo = {webServerRelativeUrl: \"/\"};</script></head><body>Cổng</body></html>"),
    "sharepoint2019": ({"MicrosoftSharePointTeamServices": "16.0.0.10337"}, "<html><body>Cổng</body></html>"),
    "dnn": ({"Set-Cookie": "dnn_IsMobile=False; path=/; HttpOnly"},
            "<html><body><!-- DNN Platform - http://www.dnnsoftware.com --><div id=\"dnn_ContentPane\">Tin tức</div></body></html>"),
    "news": ({}, "<html><body><p>Tỉnh chuyển cổng thông tin từ Liferay và SharePoint sang nền tảng mới; "
                 "DotNetNuke không còn dùng.</p></body></html>"),
    "plain": ({}, "<html><body>Trang chủ</body></html>"),
}


def serve(headers, body):
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path == "/":
                data = body.encode()
                self.send_response(200)
                for k, v in headers.items():
                    self.send_header(k, v)
            else:
                data = b"<html><body>404</body></html>"
                self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_HEAD = do_GET

    s = HTTPD(("127.0.0.1", 0), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


servers = {name: serve(*spec) for name, spec in SITES.items()}
try:
    tpls = []
    for f in ("platform-liferay.yaml", "platform-sharepoint.yaml", "platform-sharepoint-eol.yaml", "platform-dnn.yaml"):
        tpls += ["--templates", os.path.join(RULES, f)]
    found = {}
    for name, s in servers.items():
        url = f"http://127.0.0.1:{s.server_address[1]}/"
        p = subprocess.run([BIN, "scan", "exposure", "--json", "--rate", "0", "--no-tls"] + tpls + [url],
                           capture_output=True, text=True, timeout=120)
        objs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
        found[name] = [o for o in objs if o.get("type") == "finding" and o.get("check", "").startswith("canhgac-platform")]
        summ = [o for o in objs if o.get("type") == "summary"]
        ok(summ and summ[0]["errors"] == 0 and summ[0]["templates"] == 4, f"{name}: four templates run, no error", p.stderr)

    def checks(name):
        return sorted(f["check"] for f in found[name])

    lf = found["liferay"]
    ok(checks("liferay") == ["canhgac-platform-liferay"] and lf[0]["kind"] == "portal_platform" and lf[0]["severity"] == "info"
       and "Liferay Community Edition Portal 7.4.3.112 CE GA112" in lf[0]["evidence"].get("extracted", []),
       "Liferay by its header, the product and version extracted", lf)
    ok(checks("liferay_body") == ["canhgac-platform-liferay"], "Liferay by its JavaScript object alone", found["liferay_body"])
    sp = {f["check"]: f for f in found["sharepoint2013"]}
    ok(sorted(sp) == ["canhgac-platform-sharepoint", "canhgac-platform-sharepoint-eol"] and
       "15.0.0.4797" in sp["canhgac-platform-sharepoint"]["evidence"].get("extracted", []) and
       sp["canhgac-platform-sharepoint-eol"]["kind"] == "outdated_software" and
       sp["canhgac-platform-sharepoint-eol"]["severity"] == "high",
       "SharePoint 2013: the platform and its end of support", found["sharepoint2013"])
    ok(checks("sharepoint2019") == ["canhgac-platform-sharepoint"], "SharePoint 16.0: the platform only, supported", found["sharepoint2019"])
    ok(checks("dnn") == ["canhgac-platform-dnn"], "DNN by its markup and cookie", found["dnn"])
    ok(found["news"] == [], "a page that only names the platforms stays quiet", found["news"])
    ok(found["plain"] == [], "a plain site stays quiet", found["plain"])
finally:
    for s in servers.values():
        s.shutdown()
print(f"1..{N}")
sys.exit(1 if FAILED else 0)
