#!/usr/bin/env python3
"""The nightly backup of `canhgac serve` (src/server/backup_job.h), set in
the [backup] section of the configuration file: errors naming FILE:LINE;
a server started with it takes a backup at once into the directory (here
inside the data directory, which the backup itself then leaves out),
signed with the configured key, and keeps only the newest `keep` backups
of its own naming, never touching other files there. Runs on either
backend (the data directory is given on the command line, so the
PostgreSQL wrapper gives it its database)."""
import os
import re
import shutil
import subprocess
import tempfile
import time

from _serverlib import ADMIN_PW, BIN, Tap

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-bkjob.")
data = os.path.join(tmp, "data")
bk = os.path.join(data, "backups")
conf = os.path.join(tmp, "canhgac.ini")


def write(text):
    with open(conf, "w") as f:
        f.write(text)


bad = [
    ("[backup]\nkeep = 3\n", ":2: [backup] needs dir"),
    ("[backup]\ndir = /x\nhour = 24\n", ":3: "),
    ("[backup]\ndir = /x\nkeep = 0\n", ":3: "),
    ("[backup]\ndir = /x\nevery = 1\n", ":3: unknown key 'every' in [backup]"),
    ("[backup]\ndir =\n", ":2: empty value"),
]
for text, want in bad:
    write(text)
    p = subprocess.run([BIN, "serve", "--exposure-interval", "0", "--config", conf, "--data-dir", data], capture_output=True, text=True,
                       timeout=60)
    t.ok(p.returncode == 2 and (conf + want) in p.stderr and not os.path.exists(data),
         f"refused, naming the line: {text.strip()!r}", p.stderr)

subprocess.run([BIN, "user", "add", "admin", "--role", "admin", "--data-dir", data],
               input=(ADMIN_PW + "\n").encode(), check=True, stdout=subprocess.DEVNULL)
subprocess.run([BIN, "bundle", "keygen", os.path.join(tmp, "sign")], check=True, stdout=subprocess.DEVNULL)
os.makedirs(bk)
old = ["canhgac-20200101T020000Z.cgbk", "canhgac-20200102T020000Z.cgbk", "canhgac-20200103T020000Z.cgbk"]
for name in old + ["notes.txt", "canhgac-manual.cgbk"]:
    with open(os.path.join(bk, name), "w") as f:
        f.write("not a backup\n")
write(f"""[server]
listen = 127.0.0.1:0
tls = false
web_interval = 0
[backup]
dir = {bk}
keep = 2
hour = 3
sign_key = {os.path.join(tmp, "sign.key")}
""")
log = open(os.path.join(tmp, "server.log"), "wb")
proc = subprocess.Popen([BIN, "serve", "--exposure-interval", "0", "--config", conf, "--data-dir", data, "-v"], stdout=subprocess.PIPE,
                        stderr=log)
try:
    line = proc.stdout.readline().decode()
    t.ok("listening on" in line, "the server starts with a [backup] section", line)
    pat = re.compile(r"^canhgac-\d{8}T\d{6}Z\.cgbk$")
    deadline = time.time() + 120
    names = []
    while time.time() < deadline:
        names = sorted(n for n in os.listdir(bk) if pat.match(n))
        if any(n not in old for n in names) and len(names) == 2:
            break
        time.sleep(0.3)
    new = [n for n in names if n not in old]
    t.ok(len(new) == 1, "a backup is taken at once, named by its UTC time", sorted(os.listdir(bk)))
    t.ok(names == sorted(["canhgac-20200103T020000Z.cgbk"] + new),
         "only the newest 2 backups are kept", names)
    t.ok(os.path.exists(os.path.join(bk, "notes.txt")) and os.path.exists(os.path.join(bk, "canhgac-manual.cgbk")),
         "other files in the directory are left alone", os.listdir(bk))
    if new:
        path = os.path.join(bk, new[0])
        r = subprocess.run([BIN, "backup", "verify", path, "--signer", os.path.join(tmp, "sign.pub")],
                           capture_output=True, text=True, timeout=120)
        t.ok(r.returncode == 0 and "signed by key" in r.stdout, "it verifies, signed by the configured key",
             r.stdout + r.stderr)
        members = subprocess.run(["tar", "--zstd", "-tf", path], capture_output=True, text=True).stdout.split()
        t.ok(members and "MANIFEST.json" in members and not any(m.startswith("data/backups") for m in members),
             "the backup directory inside the data directory is left out of the backup", members)
    else:
        t.ok(False, "it verifies")
        t.ok(False, "the backup directory is left out")
finally:
    proc.terminate()
    proc.wait(timeout=60)
    log.close()
with open(os.path.join(tmp, "server.log")) as f:
    text = f.read()
t.ok("backup: wrote" in text, "the server logs the backup", text[-2000:])
shutil.rmtree(tmp, ignore_errors=True)
t.done()
