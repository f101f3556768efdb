#!/usr/bin/env python3
"""canhgac scan exposure against a real nginx on loopback (config written
here): a site with planted exposed files and a directory listing must be
reported file by file; a catch-all site that answers 200 with its home
page to every path (and sends every security header) must stay quiet; a
site that answers every /.git/ path with the same git config is a soft
404 and is dropped. Plus targets, exit codes, --dry-run, the User-Agent,
only GET/HEAD, rate limits, and the Nuclei-format test templates (every
matcher, extractor, skip reason and a file:line error). Prints TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _webfix as W  # noqa: E402

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
TPL = os.path.join(SRC, "tests/data/exposure/templates")
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
    return cond


def run(args, timeout=300):
    p = subprocess.run([BIN, "scan", "exposure"] + args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def objs(out):
    return [json.loads(x) for x in out.splitlines() if x.strip()]


HOME = W.portal(seed=3)
SEC_HEADERS = """add_header Content-Security-Policy "default-src 'self'" always;
    add_header X-Frame-Options DENY always;
    add_header X-Content-Type-Options nosniff always;"""

PHPINFO = ("<!DOCTYPE html><html><head><title>PHP 8.2.7 - phpinfo()</title></head><body>"
           "<table><tr class=\"h\"><td><h1 class=\"p\">PHP Version 8.2.7</h1></td></tr></table>"
           "<table><tr><td class=\"e\">System </td><td class=\"v\">Linux portal 6.1.0 x86_64</td></tr>"
           "</table></body></html>")
SQL = ("-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n--\n-- Host: localhost    Database: portal\n"
       "DROP TABLE IF EXISTS `users`;\nCREATE TABLE `users` (\n  `id` int NOT NULL,\n  `pass` varchar(64)\n);\n"
       "INSERT INTO `users` VALUES (1,'5f4dcc3b5aa765d61d8327deb882cf99');\n")
GITCONFIG = ("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
             "[remote \"origin\"]\n\turl = https://git.example.invalid/so-tt/portal.git\n"
             "\tfetch = +refs/heads/*:refs/remotes/origin/*\n")
ENV = "APP_NAME=CongThongTin\nAPP_KEY=base64:q1w2e3r4t5y6u7i8o9p0\nDB_HOST=127.0.0.1\nDB_PASSWORD=Portal@2024\n"
WPCONF = ("<?php\ndefine( 'DB_NAME', 'portal' );\ndefine( 'DB_USER', 'portal' );\n"
          "define( 'DB_PASSWORD', 'Portal@2024' );\n")
LOG = ("[Tue Dec 01 10:00:01.123456 2026] [php:error] [pid 1234] [client 10.0.0.5:51234] "
       "PHP Fatal error:  Uncaught Error in /var/www/html/index.php:12\n")
STATUS = ("<html><head><title>Apache Status</title></head><body><h1>Apache Server Status for portal</h1>"
          "<dl><dt>Server Version: Apache/2.4.57 (Debian)</dt></dl></body></html>")


def main():
    d = tempfile.mkdtemp(prefix="cg-exposure-")
    os.chmod(d, 0o755)  # nginx workers run as nobody
    catch = os.path.join(d, "catch")
    soft = os.path.join(d, "soft")
    os.makedirs(catch)
    os.makedirs(soft)
    with open(os.path.join(catch, "index.html"), "w") as f:
        f.write(HOME)
    port3 = W.free_port()
    extra = f"""server {{{{
    listen 127.0.0.1:{{port2}};
    server_tokens off;
    root {catch};
    {SEC_HEADERS.replace('{', '{{').replace('}', '}}')}
    location / {{{{ rewrite ^ /index.html break; }}}}
  }}}}
  server {{{{
    listen 127.0.0.1:{port3};
    root {soft};
    location /.git/ {{{{ default_type text/plain; return 200 "{GITCONFIG.replace(chr(10), chr(92) + 'n').replace('"', chr(92) + '"')}"; }}}}
    location / {{{{ return 404; }}}}
  }}}}
"""
    locations = """
    location /uploads/ {{ autoindex on; }}
    location = /server-status {{ default_type text/html; }}
    location = /.DS_Store {{ default_type application/octet-stream; }}
"""
    ng = W.Nginx(os.path.join(d, "ng"), locations=locations, extra_servers=extra)
    ng.write("index.html", HOME)
    ng.write(".git/config", GITCONFIG)
    ng.write(".git/HEAD", "ref: refs/heads/main\n")
    ng.write(".env", ENV)
    ng.write("backup.sql", SQL)
    ng.write("wp-config.php~", WPCONF)
    ng.write("phpinfo.php", PHPINFO)
    ng.write("error.log", LOG)
    ng.write("server-status", STATUS)
    ng.write(".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00\x00\x00\x08\x00" + b"\x00" * 40, mode="wb")
    ng.write("uploads/2026/bao-cao.pdf", "%PDF-1.4\n")
    ng.write("uploads/anh.png", "x")
    ng.write("phpmyadmin/index.html",
             "<html><head><title>phpMyAdmin</title></head><body><form><input name=\"pma_username\">"
             "<input name=\"pma_password\"></form></body></html>")
    # the test templates' own fixture
    ng.write("t/data.json", '{"app":{"name":"cổng","version":"3.2.1"},"items":[{"id":7}]}')
    ng.write("t/blob.bin", b"\x89PNG\r\n\x1a\nrest", mode="wb")
    try:
        port = ng.start()
        port2 = ng.port2
        site = f"http://127.0.0.1:{port}"
        catch_url = f"http://127.0.0.1:{port2}"
        soft_url = f"http://127.0.0.1:{port3}"
        time.sleep(0.2)

        ok(W.get(catch_url + "/.env").decode() == HOME and W.get(catch_url + "/.git/config").decode() == HOME,
           "the catch-all site answers 200 with its home page to any path")
        ok(W.get(site + "/.env").decode() == ENV, "the planted site serves its .env")

        # ---- the planted site -------------------------------------------------
        rc, out, err = run(["--json", "--rate", "0", "--host-rate", "0", site])
        found = objs(out)
        fins = [o for o in found if o.get("type") == "finding"]
        by = {}
        for o in fins:
            by.setdefault(o["check"], []).append(o)
        ok(rc == 1, "planted site: exit 1 (findings)", (rc, err))
        for o in fins:
            if not (o["source"] == "exposure" and o["target"] == site and o["kind"] and o["severity"]
                    and o["summary"] and isinstance(o["evidence"], dict) and o["id"] and o["time"]):
                ok(False, "finding in the common event shape", o)
                break
        else:
            ok(len(fins) > 0, "every finding is in the common event shape with type/target/check", out)
        urls = {o["subject"] for o in fins}
        expect = {
            "canhgac-vcs-git": ("exposed_file", "/.git/"),
            "canhgac-env-file": ("exposed_file", "/.env"),
            "canhgac-sql-dump": ("exposed_file", "/backup.sql"),
            "canhgac-config-backup": ("exposed_file", "/wp-config.php~"),
            "canhgac-phpinfo": ("exposed_file", "/phpinfo.php"),
            "canhgac-log-file": ("exposed_file", "/error.log"),
            "canhgac-server-status": ("exposed_file", "/server-status"),
            "canhgac-ds-store": ("exposed_file", "/.DS_Store"),
            "canhgac-directory-listing": ("directory_listing", "/uploads/"),
            "canhgac-admin-panels": ("admin_panel", "/phpmyadmin/"),
            "security-headers": ("missing_security_header", ""),
        }
        for check, (kind, path) in expect.items():
            hits = by.get(check, [])
            ok(any(h["kind"] == kind and path in h["subject"] for h in hits),
               f"planted site: {check} -> {kind} {path}", json.dumps(hits)[:800] or out[-1500:])
        git = by.get("canhgac-vcs-git", [{}])[0]
        ok(len(by.get("canhgac-vcs-git", [])) == 1, "stop-at-first-match: .git reported once", by.get("canhgac-vcs-git"))
        ok("https://git.example.invalid/so-tt/portal.git" in git.get("evidence", {}).get("extracted", []),
           "the git remote is extracted into the evidence", git)
        ok(git.get("evidence", {}).get("soft404_check") == "passed", "the match passed the soft-404 check", git)
        env = by.get("canhgac-env-file", [])
        ok(len(env) == 1 and "DB_PASSWORD" in env[0]["evidence"].get("extracted", []),
           "only the planted .env (not .env.local...) is reported, with its variable names", env)
        hdr = by.get("security-headers", [{}])[0]
        ok(hdr.get("severity") == "low" and len(by.get("security-headers", [])) == 1 and
           set(hdr["evidence"]["missing"]) == {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"},
           "one low missing_security_header finding listing the three headers (no HSTS over http)", hdr)
        ok(not any(s.endswith(("/.env.local", "/.env.production", "/db.sql", "/info.php", "/elmah.axd",
                                "/trace.axd", "/server-info", "/adminer.php", "/backup.zip")) for s in urls),
           "nothing reported for files that are not there", sorted(urls))
        summ = found[-1]
        ok(summ.get("type") == "summary" and summ["sites"] == 1 and summ["errors"] == 0 and
           summ["findings"] == len(fins) and summ["requests"] > 50, "summary counts", summ)

        # versions: nginx's Server header against the shipped list (no feed)
        nginx_v = subprocess.run([W.NGINX, "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
        outdated = by.get("versions", [])
        ok(len(outdated) == 1 and outdated[0]["kind"] == "outdated_software" and
           outdated[0]["evidence"]["product"] == "nginx" and outdated[0]["evidence"]["version"] == nginx_v and
           outdated[0]["evidence"]["list_date"], f"without a feed: nginx {nginx_v} is outdated_software (dated list)",
           outdated)
        feeds = os.path.join(SRC, "tests/data/exposure/feeds")
        rc3, out3, err3 = run(["--json", "--rate", "0", "--templates", os.path.join(TPL, "t-or.yaml"),
                               "--vuln-feed", os.path.join(feeds, "nvd-fixture.json"),
                               "--kev", os.path.join(feeds, "kev-fixture.json"), site])
        kv = [o for o in objs(out3) if o.get("kind") in ("known_vulnerability", "outdated_software")]
        ids = sorted(c["id"] for c in kv[0]["evidence"]["cves"]) if kv else []
        ok(len(kv) == 1 and kv[0]["kind"] == "known_vulnerability" and
           ids == ["CVE-2099-10001", "CVE-2099-10002"] and kv[0]["evidence"]["cvss_max"] == 9.8 and
           kv[0]["evidence"]["known_exploited"] is True and kv[0]["severity"] == "critical" and
           kv[0]["evidence"]["cpe"] == "f5:nginx",
           "with the CVE JSON 2.0 fixture: the range and the exact-version CVEs, not the one ending before "
           "nor the non-vulnerable CPE; CVSS 9.8; KEV", (kv, err3))
        rc3, out3, err3 = run(["--json", "--vuln-feed", os.path.join(feeds, "kev-fixture.json"), site])
        ok(rc3 == 2 and "not an NVD CVE JSON 2.0 file" in err3, "a file that is not a CVE feed is an error", err3)

        # text output: one line per finding and the totals
        rc2, out2, err2 = run(["--rate", "0", site])
        ok(rc2 == 1 and "exposed_file" in out2 and "/.git/config" in out2 and "finding(s)" in out2,
           "text output names kind and URL", out2[-1500:])

        # ---- the catch-all site stays quiet -------------------------------------
        rc, out, err = run(["--json", "--rate", "0", catch_url])
        found = objs(out)
        fins = [o for o in found if o.get("type") == "finding"]
        ok(rc == 0 and not fins, "catch-all site answering 200 + home page to everything: no finding",
           out[-3000:] + err)
        ok(found and found[-1]["sites"] == 1 and found[-1]["requests"] > 50,
           "... although it was scanned", found[-1:] if found else out)

        # ---- a site answering every /.git/ path alike: soft 404 -------------------
        rc, out, err = run(["--json", "--rate", "0", soft_url])
        found = objs(out)
        fins = [o for o in found if o.get("type") == "finding" and o["kind"] == "exposed_file"]
        ok(not fins and found[-1]["soft404"] >= 1,
           "a .git/config answered for every .git/ path is dropped as a soft 404", out[-2000:])

        # ---- requests: method, User-Agent, rate limits -----------------------------
        log = os.path.join(d, "req.log")
        extra_log = f"""server {{{{
    listen 127.0.0.1:{{port2}};
    server_tokens off;
    access_log {log} rq;
    location / {{{{ return 404; }}}}
  }}}}"""
        ng2 = W.Nginx(os.path.join(d, "ng2"), extra_servers=extra_log,
                      locations="")
        # log format with the method and the agent
        ng2.extra_servers = extra_log
        conf_fmt = 'log_format rq "$request_method $msec $http_user_agent";'
        orig_conf = ng2.conf

        def conf(p, _o=orig_conf):
            return _o(p).replace("access_log off;", "access_log off;\n  " + conf_fmt, 1)
        ng2.conf = conf
        ng2.write("index.html", "<html><body>x</body></html>")
        ng2.start()
        try:
            u = f"http://127.0.0.1:{ng2.port2}/"
            t0 = time.time()
            rc, out, err = run(["--json", "--host-rate", "20", "--templates", os.path.join(SRC, "rules/exposure"), u])
            dt = time.time() - t0
            lines = open(log).read().splitlines()
            methods = {x.split(" ")[0] for x in lines}
            agents = {x.split(" ", 2)[2] for x in lines}
            ok(rc == 0 and len(lines) > 50, "the quiet site got the requests", (rc, len(lines), err))
            ok(methods <= {"GET", "HEAD"}, "only GET and HEAD are sent", methods)
            ok(len(agents) == 1 and list(agents)[0].startswith("canhgac/") and "exposure scan" in list(agents)[0],
               "every request carries a User-Agent naming canhgac", agents)
            times = sorted(float(x.split(" ")[1]) for x in lines)
            span = times[-1] - times[0]
            ok(span >= (len(lines) - 1) / 20.0 * 0.9,
               f"--host-rate 20: {len(lines)} requests took {span:.2f}s (>= {(len(lines) - 1) / 20.0 * 0.9:.2f})",
               (span, dt))
            open(log, "w").close()
            rc, out, err = run(["--json", "--dry-run", u])
            reqs = [o for o in objs(out) if o.get("type") == "request"]
            time.sleep(0.3)
            sent = open(log).read()
            ok(rc == 0 and len(reqs) > 50 and all(r["method"] in ("GET", "HEAD") for r in reqs)
               and sent == "", "--dry-run lists the requests and sends none", (rc, len(reqs), err, sent[:500]))
        finally:
            ng2.stop()

        # ---- the test templates: every matcher, extractor, skip and error --------
        rc, out, err = run(["--json", "--rate", "0", "--templates", TPL, site + "/t"])
        found = objs(out)
        fins = {o["check"]: o for o in found if o.get("type") == "finding"}
        skipped = {o["template"]: o["reason"] for o in found if o.get("type") == "skipped"}
        ok(rc == 2, "a template that does not load makes the run exit 2", (rc, err))
        ok("bad-yaml.yaml:5:" in err and "no-id.yaml:1:" in err and "bad-regex.yaml:" in err,
           "each broken template is named with file:line", err)
        for want in ["t-word-and", "t-regex", "t-status-size", "t-binary", "t-dsl", "t-negative",
                     "t-header-part", "t-raw", "t-or"]:
            ok(want in fins, f"template {want} matched", out[-2500:])
        for absent in ["t-neg-miss", "t-and-miss", "t-dsl-miss"]:
            ok(absent not in fins, f"template {absent} did not match", fins.get(absent))
        ex = fins.get("t-extract", {}).get("evidence", {}).get("extracted", [])
        ok("3.2.1" in ex and "7" in ex and "text/html" in " ".join(ex) and "cổng" in ex,
           "extractors: regex group, json path, kval header", ex)
        ok(fins.get("t-extract", {}).get("kind") == "known_vulnerability" and
           fins.get("t-extract", {}).get("evidence", {}).get("classification", {}).get("cve-id") == "CVE-2000-0001"
           and fins.get("t-regex", {}).get("kind") == "template_match",
           "a template citing a CVE reports known_vulnerability, with its classification; others template_match",
           (fins.get("t-extract"), fins.get("t-regex")))
        ok(fins.get("t-word-and", {}).get("evidence", {}).get("matched") == ["both-words"],
           "named matchers are named in the evidence", fins.get("t-word-and"))
        reasons = {
            "t-skip-post": "method", "t-skip-dns": "dns", "t-skip-payloads": "payloads",
            "t-skip-dslfn": "md5", "t-skip-var": "username", "t-skip-xpath": "xpath",
        }
        for tid, word in reasons.items():
            ok(tid in skipped and word in skipped[tid], f"{tid} skipped naming '{word}'", skipped.get(tid))
        summ = found[-1]
        ok(summ["skipped"] == len(reasons) and summ["errors"] == 3, "summary counts skipped and errors", summ)

        # ---- targets ----------------------------------------------------------------
        rc, out, err = run(["--dry-run", "--json", "10.0.0.0/23"])
        ok(rc == 2 and "--max-hosts" in err and out == "", "a /23 needs --max-hosts", (rc, out, err))
        rc, out, err = run(["--dry-run", "--json", "--max-hosts", "510", "10.9.0.0/23"])
        probes = [o for o in objs(out) if o.get("type") == "request" and o["check"] == "probe"]
        ok(rc == 0 and len(probes) == 510 * 2, "a /23 with --max-hosts 510: 510 hosts over http and https",
           (rc, len(probes), err))
        rc, out, err = run(["--dry-run", "--json", "127.0.0.1:8443", "[::1]:8080", "portal.example.invalid",
                            "https://so.example.invalid/cong"])
        probes = [o["url"] for o in objs(out) if o.get("type") == "request" and o["check"] == "probe"]
        ok(probes == ["https://127.0.0.1:8443", "http://[::1]:8080", "http://portal.example.invalid",
                      "https://portal.example.invalid", "https://so.example.invalid/cong"],
           "host:port, [v6]:port, a host (both schemes), a URL with a path", probes)
        rc, out, err = run(["--json", "--rate", "0", "--timeout", "2", "bad target!", site])
        ok(rc == 2 and "bad target!" in err and '"type":"finding"' in out,
           "an unparseable target is an error; the others still run", (rc, err))
        rc, out, err = run(["--json", "--timeout", "2", "http://127.0.0.1:9/"])
        ok(rc == 2 and "127.0.0.1:9" in err and "no web site answers" in err,
           "a target with no web site is an error, not silence", (rc, err))
    finally:
        ng.stop()
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{N}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
