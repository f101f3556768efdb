#!/usr/bin/env python3
"""Integration (TAP): a redirect that cannot be followed is evidence, not
silence (issue 18 item 9).

A real nginx on loopback sends crawlers, search visitors or everyone (301/
302, meta refresh, script) to an outside site that cannot be fetched: a
name under .localhost (curl maps it to loopback) on a port that refuses,
a name under the reserved .invalid TLD (the
check runs in a mount namespace whose resolv.conf points at 127.0.0.1,
where nothing answers, so no query leaves the machine), a port that
accepts and never answers (timeout), and a TLS server whose
certificate no CA vouches for. The browser's page is the baseline's
(the case where the engine used to return early). Each must be reported:
cloaking for the crawler/search views with the chain and why the target
failed, redirect for the browser view; a crawler view that fails on its
own is view_failed; a quiet page stays quiet."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _webfix as W  # noqa: E402

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
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


BOT = r'$http_user_agent ~* "googlebot|bingbot|coccoc"'
REF = r'$http_referer ~* "google\."'

# name -> (nginx condition, action); CLOSED, HANG are loopback ports
CASES = {
    "ua-refused": (BOT, "return 302 http://nhacai-refused.localhost:CLOSED/;"),
    "ref-nxdomain": (REF, "return 302 http://nhacai-blocked.invalid/;"),
    "ua-timeout": (BOT, "return 301 http://nhacai-timeout.localhost:HANG/;"),
    "ua-tls": (BOT, "return 302 https://nhacai-tls.localhost:{port2}/;"),
    "ua-meta": (BOT, "rewrite ^ /u/ua-meta/bot.html last;"),
    "ua-script": (BOT, "rewrite ^ /u/ua-script/bot.html last;"),
    "ua-dropped": (BOT, "return 444;"),
    "all-nxdomain": (None, "return 302 http://go88.invalid/;"),
    "quiet": (None, None),
}


def locations(closed, hang):
    """Each case acts only once its flag file exists (after the baseline);
    nginx has no "and", hence the usual flag-string trick."""
    out = []
    for name, (cond, action) in CASES.items():
        if action is None:
            continue
        act = action.replace("CLOSED", str(closed)).replace("HANG", str(hang))
        if cond:
            out.append(f'location = /u/{name}/ {{{{ set $c ""; if (-f {{www}}/flags/{name}) {{{{ set $c F; }}}} '
                       f'if ({cond}) {{{{ set $c "${{{{c}}}}U"; }}}} if ($c = FU) {{{{ {act} }}}} }}}}')
        else:
            out.append(f"location = /u/{name}/ {{{{ if (-f {{www}}/flags/{name}) {{{{ {act} }}}} }}}}")
    return "\n".join(out)


def main():
    tmp = tempfile.mkdtemp(prefix="canhgac-webu-")
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(64)  # accepts in the kernel, never answers
    closed = W.free_port()
    ngx = None
    try:
        # a self-signed certificate for the TLS target
        certs = os.path.join(tmp, "certs")
        os.makedirs(certs)
        os.chmod(certs, 0o755)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", os.path.join(certs, "self.key"), "-out",
                        os.path.join(certs, "self.crt"), "-days", "30", "-subj", "/CN=nhacai.example"],
                       check=True, capture_output=True)
        os.chmod(os.path.join(certs, "self.key"), 0o644)
        extra = ("server {{ listen 127.0.0.1:{port2} ssl; server_name _; "
                 "ssl_certificate {root}/certs/self.crt; ssl_certificate_key {root}/certs/self.key; "
                 "root {www}/gambling; ssi off; }}")
        ngx = W.Nginx(tmp, locations=locations(closed, hang.getsockname()[1]), extra_servers=extra)
        os.makedirs(os.path.join(ngx.www, "flags"))
        ngx.write("gambling/index.html", "<html><body>Nổ hũ tài xỉu</body></html>")
        base = W.portal(seed=7)
        for name in CASES:
            ngx.write(f"u/{name}/index.html", base)
        ngx.write("u/ua-meta/bot.html", '<html><head><meta http-equiv="refresh" '
                  'content="0; url=http://nhacai-meta.invalid/"></head><body></body></html>')
        ngx.write("u/ua-script/bot.html", '<html><head><script>window.location.href='
                  '"http://nhacai-js.invalid/";</script></head><body></body></html>')
        ngx.start()

        # DNS stays on the machine: resolv.conf -> 127.0.0.1 (nothing there)
        resolv = os.path.join(tmp, "resolv.conf")
        with open(resolv, "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        unshare = shutil.which("unshare")
        isolated = False
        if unshare and os.geteuid() == 0:
            p = subprocess.run([unshare, "-m", "sh", "-c", f"mount --bind {resolv} /etc/resolv.conf && "
                                "cat /etc/resolv.conf"], capture_output=True, text=True)
            isolated = p.returncode == 0 and "127.0.0.1" in p.stdout

        def run(args):
            cmd = [BIN] + args
            if isolated:
                cmd = [unshare, "-m", "sh", "-c", f'mount --bind {resolv} /etc/resolv.conf && exec "$@"',
                       "sh"] + cmd
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            return p.returncode, p.stdout, p.stderr

        names = [n for n in CASES if isolated or "nxdomain" not in n]
        if not isolated:
            for n in CASES:
                if "nxdomain" in n:
                    print(f"ok {N + 1} - # SKIP {n}: needs root and unshare to keep DNS on loopback")
                    globals()["N"] += 1
        urls = [ngx.url(f"u/{n}/") for n in names]
        data = os.path.join(tmp, "data")
        rc, out, err = run(["web", "baseline", "--json", "--data-dir", data] + urls)
        ok(rc == 0, "baseline exits 0", err)
        rc, out, err = run(["web", "check", "--json", "--data-dir", data] + urls)
        ok(rc == 0, "check before the redirects: quiet", out[:2000] + err)

        for n in names:
            open(os.path.join(ngx.www, "flags", n), "w").close()
        rc, out, err = run(["web", "check", "--json", "--timeout", "10", "--data-dir", data] + urls)
        ok(rc == 1, "check after the redirects exits 1", err)
        by = {}
        for line in out.splitlines():
            o = json.loads(line)
            if o.get("type") != "summary":
                by.setdefault(o["url"].rsplit("/u/", 1)[1].strip("/"), []).append(o)

        def cloak(name):
            fs = [f for f in by.get(name, []) if f["kind"] == "cloaking"]
            return fs[0] if fs else None

        def redirected(f):
            return [d for v in f["evidence"]["views"] for d in v["differences"] if d["what"] == "redirected"]

        crawlers = {"googlebot", "bingbot", "coccocbot"}
        for name, fail in [("ua-refused", "unreachable"), ("ua-timeout", "timeout"), ("ua-tls", "tls_error")]:
            f = cloak(name)
            ok(f and f["severity"] == "critical" and {v["view"] for v in f["evidence"]["views"]} == crawlers,
               f"{name}: cloaking for the crawler views", by.get(name))
            rs = redirected(f) if f else []
            ok(rs and all(r.get("target_fetch", {}).get("fail") == fail and len(r["chain"]) == 2
                          and r["chain"][0] == ngx.url(f"u/{name}/") for r in rs),
               f"{name}: the evidence is the redirect chain and why the target failed ({fail})", rs)
        if isolated:
            f = cloak("ref-nxdomain")
            ok(f and {v["view"] for v in f["evidence"]["views"]} == {"search-visitor"},
               "ref-nxdomain: cloaking for the search-visitor view", by.get("ref-nxdomain"))
            rs = redirected(f) if f else []
            ok(rs and rs[0]["to"] == "http://nhacai-blocked.invalid/" and rs[0]["to_domain"] == "nhacai-blocked.invalid"
               and rs[0]["target_fetch"]["fail"] == "unreachable", "ref-nxdomain: name that does not resolve", rs)
            fs = by.get("all-nxdomain", [])
            r = [f for f in fs if f["kind"] == "redirect"]
            ok(r and r[0]["severity"] == "critical" and r[0]["evidence"]["to_domain"] == "go88.invalid"
               and r[0]["evidence"]["target_fetch"]["fail"] == "unreachable"
               and r[0]["evidence"]["chain"][-1] == "http://go88.invalid/",
               "browser view sent to an unresolvable outside site: redirect with the chain", fs)
            ok(not any(f["kind"] in ("unreachable", "cloaking") for f in fs),
               "... not reported as the portal being unreachable, nor as cloaking", fs)
        for name in ["ua-meta", "ua-script"]:
            f = cloak(name)
            ok(f and {v["view"] for v in f["evidence"]["views"]} == crawlers,
               f"{name}: a crawler-only redirect to an unreachable .invalid site is cloaking", by.get(name))
        fs = by.get("ua-dropped", [])
        vf = [f for f in fs if f["kind"] == "view_failed"]
        ok(vf and vf[0]["severity"] == "low" and {v["view"] for v in vf[0]["evidence"]["views"]} == crawlers
           and not any(f["kind"] == "cloaking" for f in fs),
           "a crawler view that fails on its own is view_failed (low), not cloaking", fs)
        ok(not by.get("quiet"), "the untouched page stays quiet", by.get("quiet"))
    finally:
        if ngx:
            ngx.stop()
        hang.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
