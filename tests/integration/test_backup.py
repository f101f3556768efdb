#!/usr/bin/env python3
"""canhgac backup / backup verify / restore, on whichever backend the pass
runs (SQLite, or PostgreSQL through tests/pg-store-wrap.sh).

A server ingests events steadily from a thread while `canhgac backup`
runs (once plain, once encrypted and signed). Each backup verifies; a
restore into a fresh data directory (and, on PostgreSQL, a fresh
database) succeeds with every table's rows and checksum equal to the
manifest; a server started on the restored directory logs in the same
admin and holds every event acknowledged before the backup began, and
the data directory's files (a blob) come back byte for byte. A backup
with one byte changed, cut short, or checked against another signer is
refused by verify and by restore; restore refuses a data directory or a
database that is not empty and writes nothing there.
TAP output; python3 stdlib only."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import BIN, Server, Tap, event  # noqa: E402

t = Tap()
work = tempfile.mkdtemp(prefix="canhgac-backup.")


def run(*args, **kw):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=600, **kw)


class Ingest(threading.Thread):
    """Posts batches of events until stopped; remembers when each batch
    was acknowledged."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.acked = []  # (monotonic time of the ack, [ids])
        self.stop_flag = False
        self.errors = []

    def run(self):
        n = 0
        while not self.stop_flag:
            ids = ["bk-%d" % (n + i) for i in range(40)]
            n += 40
            st, body, _ = self.client.req("POST", "/api/v1/events",
                                          [event(i, summary="Sao lưu " + i) for i in ids])
            if st == 200 and body.get("accepted") == len(ids):
                self.acked.append((time.monotonic(), ids))
            else:
                self.errors.append((st, body))
            time.sleep(0.01)

    def before(self, t0):
        return [i for (at, ids) in self.acked if at < t0 for i in ids]


def event_ids(client):
    seen, before = set(), None
    while True:
        st, body, _ = client.req("GET", "/api/v1/events?limit=500" + (f"&before={before}" if before else ""))
        if st != 200:
            raise RuntimeError(f"events: {st} {body}")
        seen.update(e["id"] for e in body["items"])
        before = body.get("next")
        if not before:
            return seen


srv = Server()
try:
    admin = srv.login_admin()
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "bk", "scope": "ingest"})
    blob = "Nhật ký DNS tải lên\n".encode() * 1000
    h = hashlib.sha256(blob).hexdigest()
    os.makedirs(os.path.join(srv.data_dir, "blobs", "sha256", h[:2]))
    with open(os.path.join(srv.data_dir, "blobs", "sha256", h[:2], h), "wb") as f:
        f.write(blob)
    # incompressible: the encrypted backup then spans several chunks
    noise = os.urandom(300000)
    hn = hashlib.sha256(noise).hexdigest()
    os.makedirs(os.path.join(srv.data_dir, "blobs", "sha256", hn[:2]), exist_ok=True)
    with open(os.path.join(srv.data_dir, "blobs", "sha256", hn[:2], hn), "wb") as f:
        f.write(noise)

    r = run("bundle", "keygen", os.path.join(work, "sign"))
    r2 = run("backup", "keygen", os.path.join(work, "enc"))
    t.ok(r.returncode == 0 and r2.returncode == 0 and
         (os.stat(os.path.join(work, "enc.key")).st_mode & 0o777) == 0o600,
         "backup keygen writes an X25519 pair, the secret one 0600", r2.stderr)

    ing = Ingest(srv.client(token=tok["token"]))
    ing.start()
    time.sleep(1.5)
    plain, sealed = os.path.join(work, "plain.cgbk"), os.path.join(work, "sealed.cgbk")
    t0 = time.monotonic()
    r = run("backup", "--out", plain, "--data-dir", srv.data_dir, "--json")
    t1 = time.monotonic()
    time.sleep(0.5)
    rs = run("backup", "--out", sealed, "--data-dir", srv.data_dir, "--encrypt-to",
             os.path.join(work, "enc.pub"), "--sign-key", os.path.join(work, "sign.key"), "--json")
    time.sleep(0.5)
    ing.stop_flag = True
    ing.join()
    t.ok(not ing.errors and len(ing.acked) > 10, "events were acknowledged during the backups",
         (ing.errors[:3], len(ing.acked)))
    t.ok(r.returncode == 0, "backup while the server ingests", r.stderr)
    made = json.loads(r.stdout) if r.returncode == 0 else {}
    t.ok(rs.returncode == 0 and json.loads(rs.stdout).get("encrypted") is True,
         "an encrypted, signed backup too", rs.stderr)
    acked_before = ing.before(t0)
    acked_all = [i for (_, ids) in ing.acked for i in ids]
    events_row = [x for x in made.get("tables", []) if x["name"] == "events"]
    t.ok(events_row and len(acked_before) <= events_row[0]["rows"] <= len(acked_all),
         "the manifest counts the events of the snapshot", (len(acked_before), events_row, len(acked_all)))
    r = run("backup", "--out", plain, "--data-dir", srv.data_dir)
    t.ok(r.returncode == 2, "backup refuses to overwrite a file", r.stderr)
finally:
    srv.stop()

r = run("backup", "verify", plain)
t.ok(r.returncode == 0 and "signed" not in r.stdout, "verify: the plain backup is valid", r.stdout + r.stderr)
r = run("backup", "verify", sealed)
t.ok(r.returncode == 2 and "--key" in r.stderr, "an encrypted backup needs the key", r.stderr)
r = run("backup", "verify", sealed, "--key", os.path.join(work, "enc.key"), "--signer",
        os.path.join(work, "sign.pub"), "--json")
t.ok(r.returncode == 0 and json.loads(r.stdout)["signer"], "verify: encrypted and signed by the key", r.stderr)
r = run("backup", "verify", plain, "--signer", os.path.join(work, "sign.pub"))
t.ok(r.returncode == 1 and "not signed" in r.stderr, "verify --signer refuses an unsigned backup", r.stderr)
run("bundle", "keygen", os.path.join(work, "other"))
r = run("backup", "verify", sealed, "--key", os.path.join(work, "enc.key"), "--signer",
        os.path.join(work, "other.pub"))
t.ok(r.returncode == 1 and "another key" in r.stderr, "verify refuses another signer", r.stderr)
run("backup", "keygen", os.path.join(work, "enc2"))
r = run("backup", "verify", sealed, "--key", os.path.join(work, "enc2.key"))
t.ok(r.returncode == 1, "verify refuses a key the backup was not encrypted to", r.stderr)


def tampered(src, name, offset=None, cut=None):
    dst = os.path.join(work, name)
    with open(src, "rb") as f:
        data = bytearray(f.read())
    if cut is not None:
        data = data[:cut]
    else:
        data[offset] ^= 0x01
    with open(dst, "wb") as f:
        f.write(data)
    return dst


def manifest_tampered(src, name):
    """A copy of the plain backup with one hex digit of a member's hash
    changed inside MANIFEST.json. A byte flipped at a fixed offset of the
    compressed file could land in the tar's end-of-archive padding, which
    no reader looks at (restoring it gives the same data): that is not the
    manifest, and it made this check pass or fail by chance."""
    tar = bytearray(subprocess.run(["zstd", "-dc", src], capture_output=True,
                                   check=True).stdout)
    at = tar.rindex(b'"sha256"')
    at = tar.index(b'"', at + len(b'"sha256"') + 1) + 1  # the value's first digit
    tar[at] = ord("0") if tar[at] != ord("0") else ord("1")
    dst = os.path.join(work, name)
    subprocess.run(["zstd", "-q", "-f", "-o", dst], input=bytes(tar), check=True)
    return dst


size = os.path.getsize(plain)
chunk_cut = 8 + 80 + 24 + 4 + 65536 + 17  # header, then one whole chunk
t.ok(os.path.getsize(sealed) > chunk_cut + 1000, "the encrypted backup spans several chunks",
     os.path.getsize(sealed))
for label, path, key in [
    ("a byte changed in the middle", tampered(plain, "t1.cgbk", offset=size // 2), None),
    ("a hash changed in the manifest", manifest_tampered(plain, "t2.cgbk"), None),
    ("cut short", tampered(plain, "t3.cgbk", cut=size - 100), None),
    ("an encrypted one with a byte changed", tampered(sealed, "t4.cgbk", offset=os.path.getsize(sealed) // 2),
     os.path.join(work, "enc.key")),
    ("an encrypted one cut at a chunk boundary", tampered(sealed, "t5.cgbk", cut=chunk_cut),
     os.path.join(work, "enc.key")),
]:
    args = ["--key", key] if key else []
    r = run("backup", "verify", path, *args)
    t.ok(r.returncode == 1, "verify refuses a backup " + label, r.stdout + r.stderr)
    dest = os.path.join(work, "restore-" + os.path.basename(path))
    r = run("restore", path, "--data-dir", dest, *args)
    t.ok(r.returncode == 1 and not os.path.exists(dest), "restore refuses it and writes nothing", r.stderr)

dest = os.path.join(work, "restored")
r = run("restore", plain, "--data-dir", dest, "--json")
t.ok(r.returncode == 0, "restore into a fresh data directory", r.stderr)
got = json.loads(r.stdout) if r.returncode == 0 else {}
t.ok(got.get("tables") == made.get("tables") and len(made.get("tables", [])) > 5,
     "every table's rows and checksum equal the manifest's", (got.get("tables"), made.get("tables")))
with open(os.path.join(dest, "blobs", "sha256", h[:2], h), "rb") as f:
    t.ok(f.read() == blob, "a blob of the data directory comes back byte for byte")

r = run("restore", plain, "--data-dir", dest)
t.ok(r.returncode == 2 and "not empty" in r.stderr, "restore refuses a data directory that is not empty", r.stderr)
# a store with tables (SQLite: DIR/canhgac.db; PostgreSQL: the database
# the wrapper gives DIR, while DIR itself stays empty)
busy = os.path.join(work, "busy")
subprocess.run([BIN, "user", "add", "someone", "--role", "viewer", "--data-dir", busy, "--generate"],
               capture_output=True, check=True)
before = sorted(os.listdir(busy)) if os.path.isdir(busy) else []
r = run("restore", plain, "--data-dir", busy)
t.ok(r.returncode == 2 and ("not empty" in r.stderr or "already has tables" in r.stderr)
     and (sorted(os.listdir(busy)) if os.path.isdir(busy) else []) == before,
     "restore refuses a store that already has data, and writes nothing", r.stderr)

srv2 = Server(data_dir=dest)
try:
    admin2 = srv2.login_admin()
    t.ok(True, "a server starts on the restored directory and the admin logs in")
    have = event_ids(admin2)
    missing = [i for i in acked_before if i not in have]
    t.ok(acked_before and not missing,
         "every event acknowledged before the backup began is restored (%d)" % len(acked_before),
         missing[:10])
    t.ok(len(have) == events_row[0]["rows"] if events_row else False,
         "and exactly the events the manifest counts", (len(have), events_row))
finally:
    srv2.stop()

dest2 = os.path.join(work, "restored-sealed")
r = run("restore", sealed, "--data-dir", dest2, "--key", os.path.join(work, "enc.key"), "--signer",
        os.path.join(work, "sign.pub"))
t.ok(r.returncode == 0, "restore of the encrypted, signed backup", r.stderr)

shutil.rmtree(work, ignore_errors=True)
shutil.rmtree(srv.data_dir, ignore_errors=True)
t.done()
