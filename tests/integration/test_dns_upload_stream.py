#!/usr/bin/env python3
"""The DNS upload PUT streams its body to disk (issue 11.5): bytes are on
disk while the request is still arriving (they were buffered whole
before), a connection broken mid-body leaves the upload at its old offset
(resumable), a second PUT while one streams is 409, a compressed
Content-Encoding is refused, and the request bounds still hold.

The bytes go to the blob store (DATA/blobs): each PUT is one blob, named
by its SHA-256, written under blobs/tmp/ while it arrives. Deleting an
upload removes its blobs, but not one another upload with the same bytes
still names."""
import hashlib
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402


def raw_put(srv, token, uid, offset, length, first):
    s = socket.create_connection((srv.host, srv.port), timeout=30)
    s.sendall(("PUT /api/v1/dns/uploads/%d?offset=%d HTTP/1.1\r\nHost: x\r\n"
               "Authorization: Bearer %s\r\nContent-Type: application/octet-stream\r\n"
               "Content-Length: %d\r\nConnection: close\r\n\r\n" % (uid, offset, token, length)).encode())
    s.sendall(first)
    return s


def read_all(s):
    data = b""
    while True:
        try:
            b = s.recv(65536)
        except OSError:
            break
        if not b:
            break
        data += b
    s.close()
    return data


def blob(data_dir, data):
    h = hashlib.sha256(data).hexdigest()
    return os.path.join(data_dir, "blobs", "sha256", h[:2], h)


def arriving(data_dir):
    """The bytes of blobs being written (blobs/tmp/blob.*)."""
    tmp = os.path.join(data_dir, "blobs", "tmp")
    try:
        return sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp) if f.startswith("blob."))
    except OSError:
        return 0


t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "isp", "scope": "ingest"})
    isp = srv.client(token=tok["token"])
    st, up, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "big.log"})
    uid = up["id"]
    total = 8 * 1024 * 1024
    half = b"x" * (total // 2)

    s = raw_put(srv, tok["token"], uid, 0, total, half)
    size = 0
    deadline = time.time() + 20
    while time.time() < deadline:
        size = arriving(srv.data_dir)
        if size >= total // 4:
            break
        time.sleep(0.05)
    t.ok(size >= total // 4, f"bytes are on disk while the body is still arriving ({size} of {total})")
    st2, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % uid, raw=b"y", ctype="application/octet-stream")
    t.ok(st2 == 409, "a second PUT while one streams is 409", body)
    st2, body, _ = isp.req("DELETE", "/api/v1/dns/uploads/%d" % uid)
    t.ok(st2 == 409, "nor can the upload be deleted under it", body)
    s.sendall(half)
    resp = read_all(s)
    t.ok(resp.startswith(b"HTTP/1.1 200") and b'"offset":%d' % total in resp, "the whole body is stored: 200 with the new offset", resp[:300])
    whole = blob(srv.data_dir, half + half)
    t.ok(os.path.exists(whole) and os.path.getsize(whole) == total and arriving(srv.data_dir) == 0,
         "the body is one blob named by its hash, exactly the body")

    # a connection broken mid-body: back to the old offset, resumable
    s = raw_put(srv, tok["token"], uid, total, 4 * 1024 * 1024, b"z" * (1024 * 1024))
    time.sleep(0.5)
    s.close()
    deadline = time.time() + 20
    while time.time() < deadline and arriving(srv.data_dir) != 0:
        time.sleep(0.1)
    st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % uid)
    t.ok(st == 200 and body["offset"] == total and arriving(srv.data_dir) == 0,
         "a broken PUT is rolled back to the old offset, its partial blob gone", (body, arriving(srv.data_dir)))
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (uid, total), raw=b"tail\n", ctype="application/octet-stream")
    t.ok(st == 200 and body["offset"] == total + 5, "and resumed from there", body)

    # refusals before any byte is read
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=3" % uid, raw=b"x", ctype="application/octet-stream")
    t.ok(st == 409 and body["details"]["offset"] == total + 5, "a wrong offset is refused with the one to resume from", body)
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (uid, total + 5), raw=b"x",
                          headers={"Content-Encoding": "gzip"}, ctype="application/octet-stream")
    t.ok(st == 415, "a Content-Encoding is refused (the bytes are stored as sent)", body)
    s = socket.create_connection((srv.host, srv.port), timeout=30)
    s.sendall(("PUT /api/v1/dns/uploads/%d?offset=%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Content-Length: %d\r\nConnection: close\r\n\r\n" % (uid, total + 5, tok["token"], 17 * 1024 * 1024)).encode())
    resp = read_all(s)
    t.ok(resp.startswith(b"HTTP/1.1 413"), "a body over the request bound is 413 before it is read", resp[:200])
    st, body, _ = srv.client().req("PUT", "/api/v1/dns/uploads/%d?offset=%d" % (uid, total + 5), raw=b"x", ctype="application/octet-stream")
    t.ok(st == 401, "and without credentials 401, nothing written", body)
    st, body, _ = isp.req("GET", "/api/v1/dns/uploads/%d" % uid)
    t.ok(body["offset"] == total + 5 and arriving(srv.data_dir) == 0, "none of the refused PUTs wrote a byte", body)

    # the same bytes in a second upload: one blob, kept until neither names it
    st, up2, _ = isp.req("POST", "/api/v1/dns/uploads", {"name": "copy.log"})
    st, body, _ = isp.req("PUT", "/api/v1/dns/uploads/%d?offset=0" % up2["id"], raw=b"tail\n",
                          ctype="application/octet-stream")
    t.ok(st == 200 and body["offset"] == 5, "a second upload of the same bytes", body)
    st, _, _ = isp.req("DELETE", "/api/v1/dns/uploads/%d" % uid)
    t.ok(st == 204 and not os.path.exists(whole) and os.path.exists(blob(srv.data_dir, b"tail\n")),
         "deleting the first removes its own blob, not the one the second names too")
    st, _, _ = isp.req("DELETE", "/api/v1/dns/uploads/%d" % up2["id"])
    t.ok(st == 204 and not os.path.exists(blob(srv.data_dir, b"tail\n")), "deleting the second removes it")
finally:
    srv.cleanup()
t.done()
