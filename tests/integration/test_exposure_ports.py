#!/usr/bin/env python3
"""canhgac scan exposure --ports against real services on loopback:
Debian's redis-server without a password (anonymous_access, with its
version) and one with requirepass (open_service only), a small FTP fake
that lets `anonymous` in and one that does not, closed ports that must
not appear; the per-host rate limit; --ports parsing. Prints TAP."""
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
# (an alias: tests/run.sh takes a call of a class named ...Server for a
# suite that needs the store, and would run this one twice)
TCPD = socketserver.ThreadingTCPServer
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


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing on {port}")


def ftp_server(anonymous):
    class H(socketserver.StreamRequestHandler):
        def handle(self):
            try:
                self.talk()
            except OSError:
                pass  # the scan's connect probe hangs up at once

        def talk(self):
            self.wfile.write(b"220 (vsFTPd 3.0.3)\r\n")
            user = None
            for line in self.rfile:
                cmd = line.decode("latin-1").strip()
                if cmd.upper().startswith("USER "):
                    user = cmd[5:]
                    self.wfile.write(b"331 Please specify the password.\r\n")
                elif cmd.upper().startswith("PASS "):
                    if anonymous and user == "anonymous":
                        self.wfile.write(b"230 Login successful.\r\n")
                    else:
                        self.wfile.write(b"530 Login incorrect.\r\n")
                elif cmd.upper() == "QUIT":
                    self.wfile.write(b"221 Goodbye.\r\n")
                    return
                else:
                    self.wfile.write(b"500 Unknown command.\r\n")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = TCPD(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def scan(args):
    p = subprocess.run([BIN, "scan", "exposure", "--json", "--no-tls"] + args, capture_output=True, text=True,
                       timeout=300)
    return p.returncode, [json.loads(x) for x in p.stdout.splitlines() if x.strip()], p.stderr


def main():
    d = tempfile.mkdtemp(prefix="cg-expports-")
    procs = []
    servers = []
    try:
        p_open, p_auth = free_port(), free_port()
        for port, extra in ((p_open, []), (p_auth, ["--requirepass", "canhgac-test-secret"])):
            procs.append(subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--dir", d] + extra,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(port)
        ftp_anon, ftp_closed = ftp_server(True), ftp_server(False)
        servers += [ftp_anon, ftp_closed]
        f_open, f_auth = ftp_anon.server_address[1], ftp_closed.server_address[1]
        closed = free_port()
        ports = f"{p_open},{p_auth},{f_open},{f_auth},{closed}"
        empty = os.path.join(d, "tpl")
        os.makedirs(empty)
        rc, objs, err = scan(["--rate", "0", "--templates", empty, "--ports", ports, "127.0.0.1"])
        opened = {o["port"]: o for o in objs if o.get("type") == "open_port"}
        fins = {(o["evidence"]["port"], o["kind"]): o for o in objs if o.get("type") == "finding"}
        ok(rc == 1 and not err, "findings, exit 1, no error (a host scanned for its ports need not run a web site)",
           (rc, err))
        ok(set(opened) == {p_open, p_auth, f_open, f_auth}, "the four open ports, not the closed one", sorted(opened))
        r = fins.get((p_open, "anonymous_access"), {})
        ok(r.get("severity") == "high" and r["evidence"]["service"] == "redis" and
           r["evidence"]["version"].count(".") == 2 and r["subject"] == f"127.0.0.1:{p_open}",
           "redis without a password: anonymous_access with its version", r)
        ok((p_auth, "anonymous_access") not in fins and fins.get((p_auth, "open_service"), {}).get("evidence", {})
           .get("service") == "redis", "redis with a password: open_service only", fins.get((p_auth, "open_service")))
        r = fins.get((f_open, "anonymous_access"), {})
        ok(r.get("evidence", {}).get("service") == "ftp" and "vsFTPd" in r["evidence"]["banner"],
           "FTP letting anonymous in: anonymous_access with the banner", r)
        ok((f_auth, "anonymous_access") not in fins, "FTP refusing anonymous: no anonymous_access",
           fins.get((f_auth, "anonymous_access")))
        ok(objs[-1].get("open_ports") == 4 and objs[-1]["errors"] == 0, "summary counts open ports", objs[-1])

        # the per-host rate: 60 ports at 30 a second take about 2 s
        t0 = time.time()
        rc, objs, err = scan(["--host-rate", "30", "--rate", "0", "--templates", empty, "--ports",
                              f"{closed}-{closed + 59}", "127.0.0.1"])
        dt = time.time() - t0
        ok(rc in (0, 1) and dt >= 59 / 30.0 * 0.9, f"--host-rate 30: 60 connects took {dt:.2f}s", (rc, err))

        # --ports is checked before anything is sent
        for bad in ["0", "70000", "80-20", "a,b", ""]:
            p = subprocess.run([BIN, "scan", "exposure", "--ports", bad, "127.0.0.1"], capture_output=True, text=True)
            ok(p.returncode == 2 and "--ports" in p.stderr and p.stdout == "", f"--ports '{bad}' refused", p.stderr)
        p = subprocess.run([BIN, "scan", "exposure", "--dry-run", "--ports", "top", "127.0.0.1"],
                           capture_output=True, text=True)
        ok(p.returncode == 0, "--ports top is understood", p.stderr)
    finally:
        for s in servers:
            s.shutdown()
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{N}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
