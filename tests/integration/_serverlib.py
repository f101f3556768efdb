"""Shared helpers for the server's integration tests (python3 stdlib only).

    srv = Server()             # starts $CANHGAC serve on 127.0.0.1:0 (plain
                               # HTTP, loopback) with a fresh temp data dir
    admin = srv.login_admin()  # a Client with the session cookie and CSRF
    st, body, hdrs = admin.req("GET", "/api/v1/agencies")
    srv.stop()

TAP output: t = Tap(); t.ok(cond, "desc"); t.done().
Processes are started by this module and stopped by their pid only.
"""
import gzip
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("CANHGAC_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("CANHGAC") or os.path.join(SRC, "build", "canhgac")
ADMIN_PW = "admin-password-123"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {desc}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {desc}")
            if diag is not None:
                for line in str(diag)[:2000].splitlines():
                    print(f"# {line}")
        sys.stdout.flush()
        return cond

    def done(self):
        print(f"1..{self.n}")
        sys.exit(1 if self.failed else 0)


class Client:
    def __init__(self, server, token=None):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.token = token
        self.source = None

    def req(self, method, path, body=None, headers=None, raw=None,
            csrf=True, ctype="application/json"):
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and ctype and "Content-Type" not in h:
            h["Content-Type"] = ctype
        if self.cookie:
            h["Cookie"] = "cg_session=" + self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD"):
                h.setdefault("X-CSRF-Token", self.csrf)
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        # a server (or a proxy) speaking TLS sets ssl_ctx; source picks the
        # loopback address the request comes from
        ctx = getattr(self.server, "ssl_ctx", None)
        src = (self.source, 0) if getattr(self, "source", None) else None
        if ctx is not None:
            conn = http.client.HTTPSConnection(self.server.host, self.server.port,
                                               timeout=120, context=ctx,
                                               source_address=src)
        else:
            conn = http.client.HTTPConnection(self.server.host, self.server.port,
                                              timeout=120, source_address=src)
        try:
            try:
                conn.request(method, path, body=data, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered early (413) and closed: read it
            r = conn.getresponse()
            payload = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            status = r.status
        finally:
            conn.close()
        parsed = None
        if payload and hdrs.get("content-type", "").startswith("application/json"):
            try:
                parsed = json.loads(payload)
            except ValueError:
                parsed = None
        return status, parsed if parsed is not None else payload, hdrs

    def login(self, username, password):
        st, body, hdrs = self.req("POST", "/api/v1/session",
                                  {"username": username, "password": password})
        if st == 200:
            c = hdrs.get("set-cookie", "")
            self.cookie = c.split(";")[0].split("=", 1)[1]
            self.csrf = body["csrf_token"]
        return st, body, hdrs


class Server:
    def __init__(self, data_dir=None, tls=False, admin=True):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="canhgac-srv.")
        self.tls = tls
        # the admin is made once per data dir (whichever backend holds it)
        marker = os.path.join(self.data_dir, ".test-admin")
        if admin and not os.path.exists(marker):
            subprocess.run([BIN, "user", "add", "admin", "--role", "admin",
                            "--data-dir", self.data_dir],
                           input=(ADMIN_PW + "\n").encode(), check=True,
                           stdout=subprocess.DEVNULL)
            open(marker, "w").close()
        self.start()

    def start(self):
        args = [BIN, "serve", "--listen", "127.0.0.1:0",
                "--data-dir", self.data_dir]
        if not self.tls:
            args.append("--no-tls")
        # no scheduled exposure scans (on by default in serve): a test's
        # inventory may name addresses off loopback, which no test may
        # contact. A test of the schedule sets exposure_schedule = True
        # (serve's default) or an --exposure-interval in extra_args (the
        # last one given wins), with loopback targets only.
        if not getattr(self, "exposure_schedule", False):
            args += ["--exposure-interval", "0"]
        # no portal watch either unless the test asks for it with a
        # --web-interval in extra_args (the last one given wins): a seeded
        # demo province names real portals off loopback
        args += ["--web-interval", "0"]
        args += list(getattr(self, "extra_args", ()))
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        # a suite must never run silently on the other backend
        want = os.environ.get("CANHGAC_TEST_BACKEND", "sqlite")
        with open(os.path.join(self.data_dir, "server.log"), "rb") as f:
            starts = [l for l in f.read().decode(errors="replace").splitlines()
                      if l.startswith("canhgac serve: store ")]
        got = starts[-1].rsplit(" ", 1)[1] if starts else "?"
        if got != want:
            self.proc.kill()
            raise RuntimeError(f"server runs on store {got!r}, the test asked for {want!r}")
        addr = line.strip().rsplit("//", 1)[1]
        self.host, port = addr.rsplit(":", 1)
        self.port = int(port)
        self.pin = None
        if self.tls:
            pl = self.proc.stdout.readline().decode()
            self.pin = pl.strip().rsplit(" ", 1)[1]

    def client(self, token=None):
        return Client(self, token)

    def login_admin(self):
        c = self.client()
        st, body, _ = c.login("admin", ADMIN_PW)
        if st != 200:
            raise RuntimeError(f"admin login failed: {st} {body}")
        return c

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def event(eid, **kw):
    e = {"id": eid, "time": "2026-11-21T04:00:00Z", "source": "web",
         "kind": "defacement", "severity": "high", "summary": "test " + eid}
    e.update(kw)
    return e


def ndjson(events):
    return ("\n".join(json.dumps(e) for e in events) + "\n").encode()


def gz(data):
    return gzip.compress(data)
