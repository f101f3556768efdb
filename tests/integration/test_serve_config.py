"""canhgac serve --config FILE (src/server/serve_config.h): every option
from an INI file, errors naming FILE:LINE, the command line winning over
the file, and SIGHUP re-reading the log level, the portal watcher's
interval and the alert channels while the server keeps answering.
Only loopback; the inventory is empty, so the watcher fetches nothing."""
import os
import signal
import subprocess
import tempfile
import time

from _serverlib import ADMIN_PW, BIN, Client, Tap

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-conf.")
data = os.path.join(tmp, "data")
conf = os.path.join(tmp, "canhgac.ini")


def write(text):
    with open(conf, "w") as f:
        f.write(text)


def serve_rc(*extra):
    p = subprocess.run([BIN, "serve", "--exposure-interval", "0", "--config", conf, *extra],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stderr


# ---- errors name the file and the line ------------------------------------
bad = [
    ("[server]\nlisten = 127.0.0.1:0\nlisen = 1\n", ":3: unknown key 'lisen' in [server]"),
    ("[server]\nweb_interval = soon\n", ":2: web_interval must be a whole number"),
    ("# c\n[server]\n\ntls_cert = /x.pem\n", ":4: tls_cert and tls_key go together"),
    ("[serveur]\nlisten = x\n", ":2: unknown section [serveur]"),
    ("listen = 127.0.0.1:0\n", ":1: 'listen' outside a section"),
    ("[server]\nlog_level = loud\n", ":2: log_level must be error, warning, info or debug"),
    ("[server]\ntls = false\ntls_cert = a\ntls_key = b\n", ":2: tls = false contradicts tls_cert"),
    ("[server]\nlisten =\n", ":2: empty value"),
    ("[server]\nlisten = \"127.0.0.1:0\n", ":2: unterminated quoted value"),
]
for text, want in bad:
    write(text)
    rc, err = serve_rc()
    t.ok(rc == 2 and (conf + want) in err, f"refused, naming the line: {want.strip()}",
         f"rc {rc}: {err}")
rc, err = serve_rc("--config", os.path.join(tmp, "nope.ini"))
t.ok(rc == 2 and "nope.ini" in err, "a missing --config file is an error naming it", err)

# ---- a good file sets every option ----------------------------------------
subprocess.run([BIN, "user", "add", "admin", "--role", "admin", "--data-dir", data],
               input=(ADMIN_PW + "\n").encode(), check=True, stdout=subprocess.DEVNULL)
good = """# the server's settings
[server]
listen = 127.0.0.1:0
data_dir = {data}
tls = false
web_interval = {interval}
log_level = {level}
{extra}"""
write(good.format(data=data, interval=3600, level="error", extra=""))
log_path = os.path.join(tmp, "serve.log")
log = open(log_path, "wb")
proc = subprocess.Popen([BIN, "serve", "--exposure-interval", "0", "--config", conf], stdout=subprocess.PIPE, stderr=log)
line = proc.stdout.readline().decode()
t.ok(line.startswith("canhgac: listening on http://127.0.0.1:"),
     "listen, tls = false from the file (plain HTTP on loopback)", line)


class S:
    host = "127.0.0.1"
    port = int(line.strip().rsplit(":", 1)[1]) if ":" in line else 0


admin = Client(S())
st, _, _ = admin.login("admin", ADMIN_PW)
t.ok(st == 200, "data_dir from the file (the admin made there logs in)", st)


def interval():
    st, body, _ = admin.req("GET", "/api/v1/web/status")
    return body.get("interval_s") if st == 200 and isinstance(body, dict) else (st, body)


def log_text():
    with open(log_path, "rb") as f:
        return f.read().decode(errors="replace")


def wait_for(cond, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


t.ok(interval() == 3600, "web_interval from the file", interval())
t.ok("serving" not in log_text(), "log_level = error: no info lines", log_text())

# ---- SIGHUP: the changed file applies at once ------------------------------
write(good.format(data=data, interval=600, level="info", extra=""))
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: interval() == 600), "SIGHUP: the new web_interval applies at once",
     interval())
t.ok(wait_for(lambda: f"reload: {conf} applied" in log_text()),
     "SIGHUP: log_level = info applies (the reload's info line is shown)", log_text())

alerts = "[alerts]\nwebhook_url = http://127.0.0.1:9/hook\nmax_attempts = 0\n"
write(good.format(data=data, interval=600, level="info", extra=alerts))
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: "reload: alert channels unchanged" in log_text() and
              "max_attempts" in log_text()),
     "alert channels in the same file are re-read; a bad one is refused and the old kept",
     log_text()[-600:])
write(good.format(data=data, interval=600, level="info", extra=alerts.replace("= 0", "= 3")))
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: f"reload: alert channels from {conf}" in log_text()),
     "a good [alerts] section in the file replaces the channels", log_text()[-600:])

write(good.format(data=data, interval=900, level="info", extra="bogus_key = 1\n"))
before = log_text()
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: "unknown key 'bogus_key'" in log_text()[len(before):] and
              "nothing changed" in log_text()[len(before):]),
     "a reload of a bad file names file:line and changes nothing", log_text()[len(before):])
t.ok(interval() == 600, "... the interval in force stays", interval())

write(good.format(data=data, interval=900, level="info", extra="").replace(
    "listen = 127.0.0.1:0", "listen = 127.0.0.1:1"))
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: "take effect at the next start" in log_text()) and
     wait_for(lambda: interval() == 900),
     "a changed listen address is reported as needing a restart; the rest applies",
     log_text()[-400:])
st, _, _ = admin.req("GET", "/api/v1/web/status")
t.ok(st == 200, "the server answered throughout", st)
proc.send_signal(signal.SIGTERM)
t.ok(proc.wait(timeout=60) == 0, "SIGTERM stops it")
proc.stdout.close()

# ---- the command line wins, also across reloads ----------------------------
# (job_lease and trusted_proxy come from the file in this run)
write(good.format(data=data, interval=3600, level="error",
                  extra="job_lease = 7\ntrusted_proxy = 127.0.0.1\n"))
log.close()
log = open(log_path, "wb")
proc = subprocess.Popen([BIN, "serve", "--exposure-interval", "0", "--config", conf, "--web-interval", "1200", "-v",
                         "--data-dir", data],
                        stdout=subprocess.PIPE, stderr=log)
line = proc.stdout.readline().decode()
S.port = int(line.strip().rsplit(":", 1)[1])
admin = Client(S())
admin.login("admin", ADMIN_PW)
t.ok(interval() == 1200, "--web-interval on the command line wins over the file", interval())
t.ok("serving" in log_text(), "-v wins over log_level = error", log_text())
t.ok(wait_for(lambda: "leases of 7 s" in log_text()), "job_lease from the file", log_text()[-600:])
admin.req("POST", "/api/v1/session", {"username": "nobody", "password": "wrong-password-1"},
          headers={"X-Forwarded-For": "10.7.7.7"})
st, body, _ = admin.req("GET", "/api/v1/audit?limit=5")
fails = [x for x in body.get("items", []) if x["action"] == "login_failed"] if st == 200 else []
t.ok(fails and fails[0].get("detail", {}).get("ip") == "10.7.7.7",
     "trusted_proxy from the file: X-Forwarded-For from 127.0.0.1 names the client", body)
write(good.format(data=data + "-elsewhere", interval=600, level="error", extra=""))
proc.send_signal(signal.SIGHUP)
t.ok(wait_for(lambda: "reload:" in log_text()) and interval() == 1200,
     "a reload keeps what the command line set", (interval(), log_text()[-300:]))
t.ok("next start" not in log_text(),
     "no restart warning for a data_dir the command line overrides", log_text()[-300:])
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=60)
proc.stdout.close()
log.close()
subprocess.run(["rm", "-rf", tmp])
t.done()
