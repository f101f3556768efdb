#!/usr/bin/env python3
"""Two `canhgac serve` behind real nginx, on one store, with the shipped
configuration docs/examples/nginx-canhgac.conf (only its addresses and
paths are replaced): nginx terminates TLS and re-encrypts to the servers,
checking their certificate.

- a batch ingested through server A is listed through server B;
- a session made on A works on B, and through nginx, whichever server
  nginx picks (both are used);
- the servers believe nginx's X-Forwarded-For (--trusted-proxy) and
  nobody else's: failed logins from one client address lock that
  address out, not every user behind nginx;
- 4 clients per server ingest for 30 s, each batch acknowledged or not,
  some batches sent again to the other server (an agent retrying after a
  lost answer); afterwards every acknowledged event id is stored exactly
  once, and nothing else is.

The servers share one data directory: on the PostgreSQL pass
tests/pg-store-wrap.sh gives them one database; on the SQLite pass they
share one SQLite file. Prints TAP."""
import json
import os
import random
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402

CONF = os.path.join(S.SRC, "docs", "examples", "nginx-canhgac.conf")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INGEST_S = float(os.environ.get("CANHGAC_NGINX_INGEST_S", "30"))


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class ProxiedServer(S.Server):
    """A server behind nginx, which connects from 127.0.0.1."""
    extra_args = ("--trusted-proxy", "127.0.0.1")


def audit_ips(client, action):
    st, body, _ = client.req("GET", f"/api/v1/audit?limit=500")
    return [(x.get("detail") or {}).get("ip") for x in body.get("items", []) if x["action"] == action]


class Endpoint:
    """What S.Client needs to talk to an address: host, port, ssl_ctx."""

    def __init__(self, host, port, ctx):
        self.host, self.port, self.ssl_ctx = host, port, ctx


def template(text, subst):
    """The shipped file with its addresses and paths replaced, each of
    which must be there (a renamed one would silently test nothing)."""
    for old, new in subst:
        if old not in text:
            raise RuntimeError(f"{CONF} no longer contains {old!r}")
        text = text.replace(old, new)
    return text


def nginx_start(tmp, a, b, crt):
    ngx = os.path.join(tmp, "nginx")
    for d in ("", "body", "proxy", "fastcgi", "uwsgi", "scgi", "log"):
        os.makedirs(os.path.join(ngx, d), exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=canhgac.example.gov.vn",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", os.path.join(ngx, "key.pem"), "-out", os.path.join(ngx, "cert.pem")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.copy(crt, os.path.join(ngx, "servers.pem"))
    https, http = free_port(), free_port()
    site = template(open(CONF).read(), [
        ("server 127.0.0.1:8443 ", f"server {a.host}:{a.port} "),
        ("server 127.0.0.1:8444 ", f"server {b.host}:{b.port} "),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("/etc/canhgac/nginx/", ngx + "/"),
        ("/var/log/nginx/", ngx + "/log/"),
    ])
    with open(os.path.join(ngx, "canhgac.conf"), "w") as f:
        f.write(site)
    # the main file a Debian nginx.conf would be, kept in the test directory
    user = "user root root;\n" if os.getuid() == 0 else ""
    with open(os.path.join(ngx, "nginx.conf"), "w") as f:
        f.write(f"""{user}daemon off;
worker_processes 2;
pid {ngx}/nginx.pid;
error_log {ngx}/log/error.log warn;
events {{ worker_connections 512; }}
http {{
	client_body_temp_path {ngx}/body;
	proxy_temp_path {ngx}/proxy;
	fastcgi_temp_path {ngx}/fastcgi;
	uwsgi_temp_path {ngx}/uwsgi;
	scgi_temp_path {ngx}/scgi;
	include {ngx}/canhgac.conf;
}}
""")
    subprocess.run([NGINX, "-t", "-p", ngx, "-c", os.path.join(ngx, "nginx.conf")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen([NGINX, "-p", ngx, "-c", os.path.join(ngx, "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(ngx, "log", "stderr"), "wb"))
    ctx = ssl.create_default_context(cafile=os.path.join(ngx, "cert.pem"))
    ep = Endpoint("127.0.0.1", https, ctx)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            st, _, _ = S.Client(ep).req("GET", "/api/v1/session")
            if st:
                break
        except OSError:
            time.sleep(0.1)
    return proc, ep, http, ngx


def all_events(client):
    """Every stored event's id, through the API, page by page."""
    ids, before = [], None
    while True:
        q = "/api/v1/events?limit=500" + (f"&before={before}" if before else "")
        st, body, _ = client.req("GET", q)
        if st != 200:
            raise RuntimeError(f"events list: {st} {body}")
        items = body["items"]
        ids += [e["id"] for e in items]
        if not items or not body.get("next"):
            return ids
        before = body["next"]


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-nginx-")
    data = os.path.join(tmp, "data")
    os.mkdir(data)
    servers, ngx_proc = [], None
    try:
        a = ProxiedServer(data_dir=data, tls=True)
        servers.append(a)
        b = ProxiedServer(data_dir=data, tls=True)
        servers.append(b)
        crt = os.path.join(data, "tls", "server.crt")
        # the servers' own certificate is the trust anchor for direct calls
        sctx = ssl.create_default_context(cafile=crt)
        a.ssl_ctx = b.ssl_ctx = sctx
        t.ok(a.pin == b.pin, "both servers answer with the one certificate of the shared data dir")
        ngx_proc, ngx, http_port, ngxdir = nginx_start(tmp, a, b, crt)

        ca = a.login_admin()
        st, tok, _ = ca.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
        t.ok(st == 201, "an ingest token made on A", tok)

        # a batch through A, listed through B
        ing_a = a.client(token=tok["token"])
        batch = [S.event(f"ab-{i}", summary=f"qua A {i}") for i in range(20)]
        st, body, _ = ing_a.req("POST", "/api/v1/events", batch)
        t.ok(st == 200 and body["accepted"] == 20, "a batch ingested through A", body)
        cb = S.Client(b)
        cb.cookie, cb.csrf = ca.cookie, ca.csrf
        st, body, _ = cb.req("GET", "/api/v1/events?limit=500")
        got = sorted(e["id"] for e in body.get("items", [])) if st == 200 else []
        t.ok(got == sorted(e["id"] for e in batch), "is listed through B with A's session cookie", (st, body))
        st, body, _ = cb.req("POST", "/api/v1/agencies", {"name": "Sở Nội vụ", "kind": "so_ban_nganh",
                                                          "code": "snv"})
        t.ok(st == 201, "and A's session (with its CSRF token) writes through B", (st, body))

        # through nginx: a session made there, used for many requests that
        # nginx spreads over both servers
        cn = S.Client(ngx)
        st, body, hdrs = cn.login("admin", S.ADMIN_PW)
        t.ok(st == 200 and "Secure" in hdrs.get("set-cookie", ""),
             "a login through nginx (TLS end to end: the cookie is Secure)", (st, hdrs))
        answers = [cn.req("GET", "/api/v1/agencies") for _ in range(12)]
        oks = [r[0] for r in answers]
        t.ok(all(s == 200 for s in oks), "the session works on every request nginx forwards", oks)
        got = {r[2].get("x-request-id") for r in answers}
        # nginx writes a request's access-log line after it has sent the
        # answer: wait (briefly) for the lines of the answers already read
        for _ in range(50):
            with open(os.path.join(ngxdir, "log", "canhgac.access.log")) as f:
                lines = [ln for ln in f if "/api/v1/agencies" in ln]
            rids = {ln.split("rid=")[1].split()[0] for ln in lines if "rid=" in ln}
            if got <= rids:
                break
            time.sleep(0.1)
        ups = {ln.split("upstream=")[1].split()[0] for ln in lines}
        t.ok({f"{a.host}:{a.port}", f"{b.host}:{b.port}"} <= ups, "nginx used both servers", ups)
        t.ok(len(got) == 12 and got <= rids,
             "each answer's X-Request-Id is nginx's $request_id (the proxy's id is kept)",
             (len(got), sorted(got - rids)[:3]))
        st, body, _ = cn.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh",
                                                          "code": "syt"})
        t.ok(st == 201, "a write through nginx (cookie + CSRF)", (st, body))
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        c.request("GET", "/api/v1/session")
        r = c.getresponse()
        t.ok(r.status == 301 and r.getheader("Location", "").startswith("https://"),
             "plain HTTP to nginx is redirected to HTTPS", r.status)
        c.close()
        st, body, _ = cn.req("POST", "/api/v1/events", raw=b"x" * (17 << 20),
                             ctype="application/x-ndjson")
        t.ok(st == 413, "a body past the servers' limit is refused by nginx", st)

        # the client's address behind nginx: failures from 127.0.0.2 lock
        # 127.0.0.2 out on both servers, not 127.0.0.5, nor a direct
        # client that writes X-Forwarded-For itself
        bad = S.Client(ngx)
        bad.source = "127.0.0.2"
        fails = [bad.req("POST", "/api/v1/session", {"username": f"nobody{i}", "password": "wrong-password-1"},
                         headers={"X-Forwarded-For": "10.9.9.9"})[0] for i in range(64)]
        # the two servers share one count in the store: CG_LOGIN_MAX_FAIL_IP
        # (30) failures in all, whichever server nginx chose, then 429
        t.ok(fails[:30] == [401] * 30 and fails[30:] == [429] * 34,
             "failed logins through nginx from one address: 30 in all on both servers, then 429",
             fails)
        ips = audit_ips(ca, "login_failed")
        t.ok(ips and set(ips) == {"127.0.0.2"},
             "the servers record the address nginx saw, not one the client wrote", set(ips))
        good = S.Client(ngx)
        good.source = "127.0.0.5"
        st, _, _ = good.login("admin", S.ADMIN_PW)
        st2, _, _ = good.login("admin", S.ADMIN_PW)
        t.ok(st == 200 and st2 == 200, "another address logs in through nginx on either server", (st, st2))
        direct = S.Client(a)
        direct.source = "127.0.0.3"
        direct.req("POST", "/api/v1/session", {"username": "nobody", "password": "wrong-password-1"},
                   headers={"X-Forwarded-For": "127.0.0.5"})
        ips = audit_ips(ca, "login_failed")
        t.ok(ips and ips[0] == "127.0.0.3",
             "X-Forwarded-For from an address that is not the proxy is not believed", ips[:3])

        # 4 clients x 2 servers ingest for INGEST_S seconds
        acked = [set() for _ in range(8)]
        sent = [set() for _ in range(8)]
        errors = []
        stop = time.monotonic() + INGEST_S

        def worker(k):
            rnd = random.Random(k)
            srv = (a, b)[k % 2]
            other = (b, a)[k % 2]
            me = srv.client(token=tok["token"])
            you = other.client(token=tok["token"])
            n, prev = 0, None
            while time.monotonic() < stop:
                evs = [S.event(f"w{k}-{n + i}", summary=f"tải {k} {n + i}")
                       for i in range(rnd.randint(1, 40))]
                n += len(evs)
                for e in evs:
                    sent[k].add(e["id"])
                try:
                    st, body, _ = me.req("POST", "/api/v1/events", evs)
                except OSError as e:
                    errors.append(repr(e))
                    continue
                if st == 200 and body["accepted"] + body["duplicates"] == len(evs) \
                        and not body.get("rejected"):
                    acked[k].update(e["id"] for e in evs)
                else:
                    errors.append((st, body))
                # now and then the previous batch again, to the other server
                if prev and rnd.random() < 0.2:
                    try:
                        st, body, _ = you.req("POST", "/api/v1/events", prev)
                        if st == 200 and body["accepted"] == 0 \
                                and body["duplicates"] == len(prev):
                            acked[k].update(e["id"] for e in prev)
                        else:
                            errors.append(("resend", st, body))
                    except OSError as e:
                        errors.append(repr(e))
                prev = evs

        ths = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        all_acked = set().union(*acked)
        all_sent = set().union(*sent)
        t.ok(not errors, f"every batch of the {INGEST_S:.0f} s run is acknowledged, "
             "resent ones as duplicates", errors[:5])
        ids = [i for i in all_events(cn) if i.startswith("w")]
        seen = {}
        for i in ids:
            seen[i] = seen.get(i, 0) + 1
        twice = [i for i, n in seen.items() if n > 1]
        missing = all_acked - set(seen)
        t.ok(len(all_acked) > 500, f"{len(all_acked)} distinct events acknowledged by the two servers")
        t.ok(not missing, "every acknowledged id is stored", sorted(missing)[:10])
        t.ok(not twice, "each exactly once", twice[:10])
        t.ok(set(seen) <= all_sent, "and nothing that was not sent", sorted(set(seen) - all_sent)[:10])
        print(f"# {len(all_acked)} events in {INGEST_S:.0f} s through two servers "
              f"({len(all_acked) / INGEST_S:.0f}/s, ASan build)")
    finally:
        if ngx_proc:
            ngx_proc.terminate()
            try:
                ngx_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                ngx_proc.kill()
                ngx_proc.wait()
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
