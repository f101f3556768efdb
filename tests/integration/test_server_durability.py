#!/usr/bin/env python3
"""canhgac serve: nothing acknowledged is lost. kill -9 during concurrent
ingest, restart: every event that got a 200 is there. SIGTERM during ingest
stops cleanly after answering. TLS: a self-signed certificate made on first
run, its pin printed, kept across restarts; plain HTTP refused off
loopback."""
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap, event  # noqa: E402

t = Tap()


def ingest_until(srv, token, stop, acked, errors, prefix):
    """Posts batches of 200 until stop is set or the server goes away;
    records the ids of every batch answered 200."""
    n = 0
    while not stop.is_set():
        batch = [event(f"{prefix}-{n}-{i}", summary="durability " * 5) for i in range(200)]
        n += 1
        try:
            st, body, _ = srv.client(token=token).req("POST", "/api/v1/events", batch)
        except (OSError, http.client.HTTPException):
            return  # the server died under us: that batch was not acknowledged
        if st == 200 and body["accepted"] + body["duplicates"] == 200:
            acked.extend(e["id"] for e in batch)
        else:
            errors.append((st, body))


def all_present(srv, token, ids):
    """Re-posts every id: a stored one comes back as a duplicate."""
    missing = 0
    for k in range(0, len(ids), 2000):
        chunk = ids[k:k + 2000]
        st, body, _ = srv.client(token=token).req("POST", "/api/v1/events", [event(i) for i in chunk])
        missing += body["accepted"]
    return missing


srv = Server()
try:
    admin = srv.login_admin()
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    token = tok["token"]

    # --- kill -9 during ingest from two concurrent clients ---
    stop, acked, errors = threading.Event(), [], []
    th = [threading.Thread(target=ingest_until, args=(srv, token, stop, acked, errors, f"k{j}")) for j in range(2)]
    for x in th:
        x.start()
    deadline = time.time() + 30
    while len(acked) < 2000 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(srv.proc.pid, signal.SIGKILL)
    srv.proc.wait()
    stop.set()
    for x in th:
        x.join()
    t.ok(len(acked) >= 2000 and not errors, f"{len(acked)} events acknowledged before kill -9", errors[:3])
    srv.stop()
    srv.start()
    missing = all_present(srv, token, acked)
    t.ok(missing == 0, "after restart every acknowledged event is stored", f"{missing} missing")
    admin = srv.login_admin()
    st, body, _ = admin.req("GET", "/api/v1/events?limit=1")
    t.ok(st == 200 and body["items"], "the restarted server answers queries")

    # --- SIGTERM during ingest: clean exit, nothing acknowledged lost ---
    stop, acked2, errors = threading.Event(), [], []
    th = [threading.Thread(target=ingest_until, args=(srv, token, stop, acked2, errors, f"t{j}")) for j in range(2)]
    for x in th:
        x.start()
    deadline = time.time() + 30
    while len(acked2) < 1000 and time.time() < deadline:
        time.sleep(0.05)
    rc = srv.stop(signal.SIGTERM)
    stop.set()
    for x in th:
        x.join()
    t.ok(rc == 0, "SIGTERM during ingest: exit status 0", rc)
    srv.start()
    t.ok(all_present(srv, token, acked2) == 0, f"after SIGTERM all {len(acked2)} acknowledged events are stored")
    srv.stop()
finally:
    srv.cleanup()

# --- TLS ---
srv = Server(tls=True)
try:
    t.ok(srv.pin and srv.pin.startswith("sha256//"), "TLS: the certificate pin is printed", srv.pin)
    crt = os.path.join(srv.data_dir, "tls", "server.crt")
    key = os.path.join(srv.data_dir, "tls", "server.key")
    t.ok(os.path.exists(crt) and (os.stat(key).st_mode & 0o077) == 0,
         "TLS: a self-signed certificate is made in DATA_DIR/tls (key mode 0600)")
    try:
        der = subprocess.run(["openssl", "x509", "-in", crt, "-pubkey", "-noout"], capture_output=True, check=True).stdout
        spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=der, capture_output=True, check=True).stdout
        import base64
        import hashlib
        want = "sha256//" + base64.b64encode(hashlib.sha256(spki).digest()).decode()
        t.ok(want == srv.pin, "TLS: the pin is the SHA-256 of the public key (curl --pinnedpubkey form)", (want, srv.pin))
    except (OSError, subprocess.CalledProcessError) as e:
        t.ok(False, "TLS: openssl computes the pin", e)
    ctx = ssl.create_default_context(cafile=crt)
    conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=30)
    conn.request("POST", "/api/v1/session", body=json.dumps({"username": "admin", "password": "admin-password-123"}),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie", "")
    t.ok(r.status == 200 and "; Secure" in cookie and r.getheader("Strict-Transport-Security"),
         "TLS: the certificate verifies for 127.0.0.1; the cookie is Secure", cookie)
    conn.close()
    # concurrent ingest over TLS (what agents do)
    conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=60)
    conn.request("POST", "/api/v1/session", body=json.dumps({"username": "admin", "password": "admin-password-123"}),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    csrf = json.loads(r.read())["csrf_token"]
    sess = r.getheader("Set-Cookie").split(";")[0]
    conn.request("POST", "/api/v1/tokens", body=json.dumps({"name": "tls", "scope": "ingest"}),
                 headers={"Content-Type": "application/json", "Cookie": sess, "X-CSRF-Token": csrf})
    r = conn.getresponse()
    tls_token = json.loads(r.read())["token"]
    conn.close()
    accepted = []

    def tls_worker(k):
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=60)
        for b in range(3):
            c.request("POST", "/api/v1/events", body=json.dumps([event(f"tls-{k}-{b}-{i}") for i in range(500)]),
                      headers={"Content-Type": "application/json", "Authorization": "Bearer " + tls_token})
            resp = c.getresponse()
            body = resp.read()
            if resp.status == 200:
                accepted.append(json.loads(body)["accepted"])
        c.close()
    th = [threading.Thread(target=tls_worker, args=(k,)) for k in range(3)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    t.ok(sum(accepted) == 4500 and len(accepted) == 9, "TLS: concurrent ingest on kept-alive connections", accepted)
    pin = srv.pin
    srv.stop()
    srv.start()
    t.ok(srv.pin == pin, "TLS: the same certificate after a restart")
finally:
    srv.cleanup()

r = subprocess.run([BIN, "serve", "--no-tls", "--listen", "0.0.0.0:0", "--data-dir", "/nonexistent/x"],
                   capture_output=True, text=True)
t.ok(r.returncode == 2 and "loopback" in r.stderr, "plain HTTP off loopback is refused", r.stderr)
r = subprocess.run([BIN, "serve", "--listen", "nonsense", "--data-dir", "/nonexistent/x"], capture_output=True, text=True)
t.ok(r.returncode == 2 and "ADDR:PORT" in r.stderr, "a bad --listen is a usage error")
t.done()
