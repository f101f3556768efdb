#!/usr/bin/env python3
"""Issue 15's "Done when", in one command: `canhgac scan exposure
--credentials` over every real part at once — nginx serving planted
exposures and a catch-all site that answers 200 with its home page to
every path, `openssl s_server` offering TLS 1.0 with a weak cipher and an
expired self-signed certificate, Debian's redis-server without a password,
a camera fake with its factory password and one whose password was
changed — with the shipped templates and Nuclei-format test templates
(one matching, one skipped with its reason). It finds the exposures, the
weak TLS, the open Redis and the factory-password camera, and stays quiet
on the catch-all site and on the changed camera. (The server's tracking
from the scan that found a finding to the one that shows it fixed is
test_exposure_server.py's.) Loopback only. TAP."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import _webfix as W  # noqa: E402
import test_exposure as E  # noqa: E402
import test_exposure_creds as C  # noqa: E402
import test_exposure_ports as P  # noqa: E402
import test_exposure_tls as T  # noqa: E402

SRC = E.SRC
BIN = E.BIN
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


d = tempfile.mkdtemp(prefix="cg-expdone-")
os.chmod(d, 0o755)  # nginx workers run as nobody
catch = os.path.join(d, "catch")
os.makedirs(catch)
with open(os.path.join(catch, "index.html"), "w") as f:
    f.write(E.HOME)
extra = f"""server {{{{
    listen 127.0.0.1:{{port2}};
    server_tokens off;
    root {catch};
    {E.SEC_HEADERS.replace('{', '{{').replace('}', '}}')}
    location / {{{{ rewrite ^ /index.html break; }}}}
  }}}}
"""
ng = W.Nginx(os.path.join(d, "ng"), locations="\n    location /uploads/ {{ autoindex on; }}\n", extra_servers=extra)
ng.write("index.html", E.HOME)
ng.write(".git/config", E.GITCONFIG)
ng.write(".git/HEAD", "ref: refs/heads/main\n")
ng.write(".env", E.ENV)
ng.write("backup.sql", E.SQL)
ng.write("uploads/2026/bao-cao.pdf", "%PDF-1.4\n")
ng.write("data.json", '{"app":{"name":"cổng","version":"3.2.1"},"items":[{"id":7}]}')
procs, servers = [], []
try:
    port = ng.start()
    site = f"http://127.0.0.1:{port}"
    catch_url = f"http://127.0.0.1:{ng.port2}"
    c, k = T.cert(d, "old", 1024, "sha1", "20200101000000Z", "20210101000000Z", "portal.example.invalid")
    p, tls_port = T.server(c, k, ["-tls1", "-cipher", "NULL-SHA:AES128-SHA:@SECLEVEL=0"])
    procs.append(p)
    tls_url = f"https://localhost:{tls_port}/"
    redis_port = P.free_port()
    procs.append(subprocess.Popen([P.REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", d],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    P.wait_port(redis_port)
    cam, cam_st = C.make("camera", "admin", "12345")
    cam2, cam2_st = C.make("camera", "admin", "Camera#Doi-2024")
    servers += [cam, cam2]
    cam_url = f"http://127.0.0.1:{cam.server_address[1]}/"
    cam2_url = f"http://127.0.0.1:{cam2.server_address[1]}/"
    time.sleep(0.2)

    tpl = os.path.join(SRC, "tests/data/exposure/templates")
    args = [BIN, "scan", "exposure", "--json", "--credentials", "--rate", "0", "--host-rate", "0",
            "--ports", str(redis_port), "--templates", os.path.join(SRC, "rules/exposure/http"),
            "--templates", os.path.join(tpl, "t-regex.yaml"), "--templates", os.path.join(tpl, "t-skip-dns.yaml"),
            site, catch_url, tls_url, cam_url, cam2_url]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    objs = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    fins = [o for o in objs if o.get("type") == "finding"]

    def has(kind, target=None, sub=""):
        return [f for f in fins if f["kind"] == kind and (target is None or f["target"] == target)
                and sub in f.get("subject", "")]

    ok(r.returncode == 1 and not r.stderr.strip(), "one scan of everything: findings, exit 1, no error",
       (r.returncode, r.stderr[-2000:]))
    for kind, sub in (("exposed_file", "/.env"), ("exposed_file", "/.git/"), ("exposed_file", "/backup.sql"),
                      ("directory_listing", "/uploads/")):
        ok(has(kind, site, sub), f"the planted exposure: {kind} {sub}", [f["subject"] for f in fins])
    ok(not [f for f in fins if f["target"] == catch_url],
       "the catch-all site that answers 200 to everything stays quiet", [f for f in fins if f["target"] == catch_url])
    ok(has("tls_weak_protocol", tls_url) and has("tls_weak_cipher", tls_url) and has("tls_certificate", tls_url),
       "the weak TLS: TLS 1.0, a weak cipher, the expired self-signed certificate",
       [(f["kind"], f["target"]) for f in fins if f["target"] == tls_url])
    ok([f for f in has("anonymous_access") if f["subject"] == f"127.0.0.1:{redis_port}"
        and f["evidence"].get("service") == "redis"], "the open Redis: anonymous_access",
       [f for f in fins if "redis" in json.dumps(f)])
    cams = has("default_credentials")
    ok(len(cams) == 1 and cams[0]["target"] == cam_url and "Hikvision" in cams[0]["evidence"]["vendor"],
       "the factory-password camera, and only it", cams)
    ok(cam2_st["auth"] <= 2, "the changed camera got at most the documented attempts", cam2_st)
    ok(cams and "12345" not in cams[0]["summary"] + json.dumps(cams[0]["evidence"]) and r.stderr.find("12345") < 0,
       "the camera's password is neither in the finding nor printed", cams)
    ok([f for f in fins if f.get("check") == "t-regex" and f["kind"] == "template_match"],
       "a template written in the Nuclei format runs", [f.get("check") for f in fins])
    sk = [o for o in objs if o.get("type") == "skipped" and "t-skip-dns" in json.dumps(o)]
    ok(sk and "dns" in sk[0].get("reason", ""), "a Nuclei template with a feature canhgac lacks is skipped, named", sk)
finally:
    for s in servers:
        s.shutdown()
    for p in procs:
        p.kill()
        p.wait()
    ng.stop()
print(f"1..{N}")
sys.exit(1 if FAILED else 0)
