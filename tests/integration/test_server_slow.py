#!/usr/bin/env python3
"""Slow connections (issue 18.4), loopback only, bounded in count and time:
520 half-open connections from 127.0.0.1 trickling one header line at a
time do not stop a normal request from 127.0.0.2 from being served
promptly (per-address connection limit), and the trickling connections are
closed once the request-head deadline (CG_HTTP_HEAD_DEADLINE_S, 15 s)
passes although they keep sending."""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

N = 520
DEADLINE_S = 15

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < N + 100:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))

t = Tap()
srv = Server()
socks = []
try:
    t0 = time.monotonic()
    for i in range(N):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((srv.host, srv.port))
            s.sendall(b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            s.close()
    t.ok(len(socks) >= 64, f"{len(socks)} trickling connections opened from 127.0.0.1")

    def trickle(k):
        alive = 0
        for s in socks:
            try:
                s.sendall(b"X-Slow-%d: y\r\n" % k)
                alive += 1
            except OSError:
                pass
        return alive

    def normal_request():
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(5)
        c.bind(("127.0.0.2", 0))
        t1 = time.monotonic()
        try:
            c.connect((srv.host, srv.port))
            c.sendall(b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = c.recv(4096)
        except OSError as e:
            data = repr(e).encode()
        finally:
            c.close()
        return data, time.monotonic() - t1

    trickle(0)
    data, took = normal_request()
    t.ok(data.startswith(b"HTTP/1.1 401") and took < 3,
         f"a normal request from 127.0.0.2 is answered during the attack ({took:.2f} s)", data[:200])

    # keep trickling past the head deadline: the server must close them
    k = 1
    while time.monotonic() - t0 < DEADLINE_S + 4:
        trickle(k)
        k += 1
        time.sleep(1)
    closed = 0
    for s in socks:
        try:
            s.settimeout(0.5)
            got = s.recv(1)
            if got == b"":
                closed += 1
        except socket.timeout:
            pass
        except OSError:
            closed += 1
    t.ok(closed == len(socks), f"trickling connections are closed after the head deadline ({closed}/{len(socks)})")
    data, took = normal_request()
    t.ok(data.startswith(b"HTTP/1.1 401") and took < 3, "and the server still answers", data[:200])
    # a normal client from the attacked address is served again
    c = socket.create_connection((srv.host, srv.port), timeout=5)
    c.sendall(b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    t.ok(c.recv(4096).startswith(b"HTTP/1.1 401"), "127.0.0.1 is served again once its slow connections are gone")
    c.close()
finally:
    for s in socks:
        s.close()
    srv.cleanup()
t.done()
