#!/usr/bin/env python3
"""Upgrades (docs/packaging.md, "Upgrades"), on either backend:
a store at the binary's schema version starts without a backup; a store
newer than the binary is refused by `serve` (and `user add`) with a
message naming both versions, and nothing is written; a store one
version behind gets a backup taken before the migration runs
(canhgac-pre-upgrade-vOLD-vNEW-*.cgbk), which verifies and holds the
store as it was before. The store is made older by removing its last
schema_version row: the migration then re-runs on a schema that has it
already and may fail; this test checks only that the backup came first."""
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

from _serverlib import BIN, SRC, Server, Tap

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-upgrade.")
data = os.path.join(tmp, "data")
pg = os.environ.get("CANHGAC_TEST_BACKEND", "sqlite") == "postgresql"


def sql(stmt):
    """Runs stmt on the data directory's store; returns the first value."""
    if pg:
        url = subprocess.run([os.path.join(SRC, "tests", "pg-store-wrap.sh"), "--url", data],
                             capture_output=True, text=True, check=True).stdout.strip()
        out = subprocess.run(["psql", "-X", "-q", "-At", url, "-c", stmt], capture_output=True, text=True,
                             check=True, env=dict(os.environ, LC_ALL="C", LANG="C")).stdout.strip()
        return out.splitlines()[0] if out else None
    db = sqlite3.connect(os.path.join(data, "canhgac.db"))
    try:
        r = db.execute(stmt).fetchone()
        db.commit()
        return r[0] if r else None
    finally:
        db.close()


def serve():
    """Starts serve; returns (exit status or None when it kept running, stderr)."""
    err = os.path.join(tmp, "serve.err")
    with open(err, "wb") as f:
        p = subprocess.Popen([BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--no-tls", "--data-dir", data],
                             stdout=subprocess.DEVNULL, stderr=f)
        rc = None
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.terminate()
            p.wait(timeout=60)
    with open(err) as f:
        return rc, f.read()


os.makedirs(data)  # on PostgreSQL `user add` makes none
srv = Server(data_dir=data)
srv.stop()
backups = os.path.join(data, "backups")
t.ok(not os.path.exists(backups), "a store at this binary's schema starts without a backup")
latest = int(sql("SELECT max(version) FROM schema_version"))

sql(f"INSERT INTO schema_version(version) VALUES({latest + 5})")
rc, err = serve()
t.ok(rc == 2 and f"schema version {latest + 5} is newer than this canhgac's ({latest})" in err,
     "serve refuses a store newer than the binary, naming both versions", err)
t.ok(not os.path.exists(backups), "and writes nothing")
r = subprocess.run([BIN, "user", "add", "x", "--role", "viewer", "--generate", "--data-dir", data],
                   capture_output=True, text=True)
t.ok(r.returncode == 2 and str(latest + 5) in r.stderr and str(latest) in r.stderr,
     "user add refuses it too", r.stderr)
sql(f"DELETE FROM schema_version WHERE version = {latest + 5}")

sql(f"DELETE FROM schema_version WHERE version = {latest}")
rc, err = serve()
made = glob.glob(os.path.join(backups, f"canhgac-pre-upgrade-v{latest - 1}-v{latest}-*Z.cgbk"))
t.ok(len(made) == 1 and "backup taken first" in err, "a backup is taken before the pending migration",
     (os.listdir(backups) if os.path.isdir(backups) else None, err))
if made:
    r = subprocess.run([BIN, "backup", "verify", made[0], "--json"], capture_output=True, text=True)
    info = json.loads(r.stdout) if r.returncode == 0 else {}
    t.ok(info.get("schema_version") == latest - 1, "it verifies and holds the store before the migration",
         r.stdout + r.stderr)
else:
    t.ok(False, "it verifies")
t.ok(not glob.glob(os.path.join(backups, "*.part*")), "no temporary file is left", os.listdir(backups))
shutil.rmtree(tmp, ignore_errors=True)
t.done()
