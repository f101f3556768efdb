"""Helpers for the agent's end-to-end tests (python3 stdlib only): a real
`canhgac serve` over TLS on loopback, an HTTPS API client for it, and real
`canhgac agent run` processes. Every process is started here and stopped
by its own pid only; every directory is a fresh mkdtemp.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from _serverlib import ADMIN_PW, BIN, Tap  # noqa: F401  (re-exported)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class TlsServer:
    """canhgac serve with its self-signed certificate, on a fixed port so a
    restart keeps the agent's URL."""

    def __init__(self):
        self.data_dir = tempfile.mkdtemp(prefix="canhgac-agsrv.")
        subprocess.run([BIN, "user", "add", "admin", "--role", "admin",
                        "--data-dir", self.data_dir],
                       input=(ADMIN_PW + "\n").encode(), check=True,
                       stdout=subprocess.DEVNULL)
        self.port = None
        self.proc = None
        self.start()
        self.cookie = self.csrf = None
        self.login()

    def start(self):
        for _ in range(20):
            port = self.port or free_port()
            self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
            self.proc = subprocess.Popen(
                [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", self.data_dir,
                 "--exposure-interval", "0"],  # no scheduled scans in tests
                stdout=subprocess.PIPE, stderr=self.log)
            line = self.proc.stdout.readline().decode()
            if "listening on" in line:
                self.port = port
                self.pin = self.proc.stdout.readline().decode().strip().rsplit(" ", 1)[1]
                self.url = f"https://127.0.0.1:{port}"
                return
            self.proc.wait()
            self.log.close()
            time.sleep(0.5)  # the port is still held: retry
        raise RuntimeError("server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def req(self, method, path, body=None, token=None, raw=None, headers=None):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # test client; the agent pins the key
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        elif self.cookie:
            h["Cookie"] = "cg_session=" + self.cookie
            if method != "GET":
                h["X-CSRF-Token"] = self.csrf
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=60)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            payload = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload
        return r.status, parsed, hdrs

    def login(self):
        st, body, hdrs = self.req("POST", "/api/v1/session",
                                  {"username": "admin", "password": ADMIN_PW})
        assert st == 200, (st, body)
        self.cookie = hdrs["set-cookie"].split(";")[0].split("=", 1)[1]
        self.csrf = body["csrf_token"]

    def events(self, **filters):
        """Every event matching filters (follows the cursor)."""
        out, before = [], None
        while True:
            q = "&".join(f"{k}={v}" for k, v in filters.items())
            path = f"/api/v1/events?limit=500&{q}" + (f"&before={before}" if before else "")
            st, body, _ = self.req("GET", path)
            assert st == 200, (st, body)
            out += body["items"]
            before = body.get("next")
            if not before:
                return out


class Agent:
    def __init__(self, data_dir, webroot=None, extra_conf="", accounts_root=None):
        self.data_dir = data_dir
        os.makedirs(data_dir, exist_ok=True)
        conf = "[agent]\nheartbeat_s = 2\nupload_s = 1\n"
        if accounts_root:
            conf += f"[accounts]\ninterval_s = 3600\nroot = {accounts_root}\n"
        else:
            conf += "[accounts]\ninterval_s = 0\n"
        if webroot:
            conf += f"[fim]\nweb_roots = {webroot}\npass_interval_s = 3600\n"
        with open(os.path.join(data_dir, "agent.conf"), "w") as f:
            f.write(conf + extra_conf)
        self.proc = None

    def write_creds(self, server, token, pin, agent_id="test-agent"):
        with open(os.path.join(self.data_dir, "agent.json"), "w") as f:
            json.dump({"server": server, "agent_id": agent_id, "token": token,
                       "pin": pin, "agency": "", "ca_file": ""}, f)

    def start(self):
        self.err = open(os.path.join(self.data_dir, "agent.log"), "ab")
        self.proc = subprocess.Popen([BIN, "agent", "run", "-v", "--data-dir", self.data_dir],
                                     stdout=subprocess.DEVNULL, stderr=self.err)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.err.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.err.close()
        return self.proc.returncode if self.proc else None

    def status(self):
        r = subprocess.run([BIN, "agent", "status", "--json", "--data-dir", self.data_dir],
                           capture_output=True)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {}

    def pending(self):
        return self.status().get("spool", {}).get("pending", -1)


def wait_for(pred, timeout, step=0.25):
    t0 = time.time()
    while time.time() - t0 < timeout:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()
