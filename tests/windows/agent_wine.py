#!/usr/bin/env python3
"""The Windows agent under Wine against a real Linux server (docs/windows.md;
run by tests/windows/test_agent.sh). canhgac.exe enrols with `canhgac
serve` on 127.0.0.1 (its self-signed certificate, the pin given), its
token sealed with DPAPI; a wrong pin is refused at enrolment and at run
time with the same errors as on Linux; a changed page and a planted ASPX
web shell in the watched web root (ReadDirectoryChangesW) reach the
server as fim and malware events (the scan in a child process in a Job
object), and the scheduled secrets scan finds a marked document; with the server stopped, a change is spooled, the agent
is killed (SIGKILL of the Wine process), both restart and the event
arrives exactly once; a signed rule bundle is installed (rule version in
the inventory). TAP on stdout."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from _agentlib import BIN, Tap, TlsServer, wait_for  # noqa: E402

EXE = os.path.join(ROOT, "build-win", "canhgac.exe")
WINE = os.path.join(ROOT, "scripts", "win-wine.sh")
SHELL = os.path.join(ROOT, "tests", "data", "malware", "match", "asp_exec_request_input__process.aspx")
# Wine is slow and CI machines are loaded: generous waits
WAIT = float(os.environ.get("CG_WINE_WAIT", "180"))
# ...but every wait ends by this, inside the suite's 600 s (tests/run.sh),
# so that a stuck step still prints its TAP lines and the logs that say why
END = time.time() + float(os.environ.get("CG_WINE_BUDGET", "540"))

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-winagent.")
env = dict(os.environ, CANHGAC_RULES_DIR="Z:" + os.path.join(ROOT, "rules"))


def z(p):
    """The Windows name of a Linux path under Wine (Z: is /)."""
    return "Z:" + p


def exe(*args, timeout=300):
    return subprocess.run([WINE, EXE, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


class WinAgent:
    def __init__(self, data):
        self.data = data
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.data, "agent.log"), "ab")
        self.proc = subprocess.Popen([WINE, EXE, "agent", "run", "-v", "--data-dir", z(self.data)],
                                     stdout=subprocess.DEVNULL, stderr=self.log, env=env)

    def kill9(self):
        # win-wine.sh execs wine: this pid is the Windows process itself
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.log.close()

    def status(self):
        r = exe("agent", "status", "--json", "--data-dir", z(self.data), timeout=120)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {}

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def logtail(self):
        try:
            return open(os.path.join(self.data, "agent.log"), errors="replace").read()[-3000:]
        except OSError:
            return ""


def wait_agent(pred, timeout, step=1):
    """wait_for, but give up at once when the agent process has ended (a
    dead agent sends nothing, and each later wait would otherwise use its
    whole timeout, together more than the suite's) and at END."""
    return wait_for(lambda: pred() or (agent is not None and not agent.alive() and "dead"),
                    max(0, min(timeout, END - time.time())), step)


def found(v):
    return v and v != "dead"


def why(v):
    """What to show when a step failed: the agent's end, its log, the server's."""
    if v == "dead":
        head = f"the agent process ended (exit {agent.proc.returncode})\n"
    else:
        head = ""
    try:
        srvlog = open(os.path.join(srv.data_dir, "server.log"), errors="replace").read()[-1500:]
    except OSError:
        srvlog = ""
    return head + agent.logtail() + "\n--- server.log\n" + srvlog


def of_subject(events, path):
    return [e for e in events if e.get("subject", "").replace("\\", "/").endswith(path)]


srv = TlsServer()
agent = None
try:
    web = os.path.join(tmp, "wwwroot")
    docs = os.path.join(tmp, "docs")
    os.makedirs(os.path.join(web, "uploads"))
    os.makedirs(docs)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<html><body>Trang chủ</body></html>\n")
    with open(os.path.join(docs, "cong-van.txt"), "w") as f:
        f.write("ỦY BAN NHÂN DÂN TỈNH\nMẬT\nCông văn số 12\n")
    subprocess.run([BIN, "bundle", "keygen", os.path.join(tmp, "k")], check=True,
                   stdout=subprocess.DEVNULL)
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Tư pháp", "kind": "so_ban_nganh"})
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{ag['id']}", {
        "heartbeat_s": 2, "upload_s": 1, "accounts": {"interval_s": 0},
        "fim": {"web_roots": ["/var/www", z(web)], "pass_interval_s": 3600},
        "malware": {"incremental": "off", "full": "off"},
        "secrets": {"interval": "1h", "paths": [z(docs)]}})
    t.ok(st == 200, "a policy with a Windows web root (Z:/...) and a Linux one is accepted", pol)

    # --- enrolment: wrong pin first, then the right one
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": ag["id"]})
    A = os.path.join(tmp, "agent")
    bad_pin = "sha256//" + "A" * 43 + "="
    r = exe("agent", "enroll", "--server", srv.url, "--token", et["token"], "--pin", bad_pin,
            "--data-dir", z(A))
    t.ok(r.returncode != 0 and "does not match the expected pin" in r.stderr and
         not os.path.exists(os.path.join(A, "agent.json")),
         "a wrong --pin is refused before the token is sent (no agent.json)", r.stderr)
    st, toks, _ = srv.req("GET", "/api/v1/enroll-tokens")
    t.ok(st == 200 and not [x for x in toks["items"] if x["used_at"]],
         "the enrolment token is still unused after the refusal", toks)
    r = exe("agent", "enroll", "--server", srv.url, "--token", et["token"], "--pin", srv.pin,
            "--bundle-key", z(os.path.join(tmp, "k.pub")), "--data-dir", z(A))
    t.ok(r.returncode == 0 and srv.pin in r.stdout, "enrolled under Wine with the pin", r.stdout + r.stderr)
    creds = json.load(open(os.path.join(A, "agent.json")))
    t.ok(creds.get("token") == "" and len(creds.get("token_sealed", "")) > 100 and
         "cgt_" not in open(os.path.join(A, "agent.json")).read(),
         "the agent token is stored sealed with DPAPI, not in clear", creds)

    # --- run-time pin check: a copy of the data dir with another pin
    B = os.path.join(tmp, "wrongpin")
    shutil.copytree(A, B)
    c2 = dict(creds, pin=bad_pin)
    json.dump(c2, open(os.path.join(B, "agent.json"), "w"))
    r = exe("agent", "run", "--once", "--data-dir", z(B))
    state = json.load(open(os.path.join(B, "state.json")))
    t.ok("public key does not match pinned public key" in state.get("last_error", "") and
         not state.get("last_heartbeat"),
         "a changed server key is refused at run time (libcurl's error text)", state)

    # --- the agent runs: baseline, then changes seen by ReadDirectoryChangesW
    agent = WinAgent(A)
    agent.start()
    ep = wait_agent(lambda: [e for e in srv.req("GET", "/api/v1/endpoints")[1]["items"]
                           if e["os"].startswith("Windows")], WAIT)
    t.ok(found(ep), "the Windows endpoint heartbeats (inventory shows its OS)", why(ep))
    ok = wait_agent(lambda: agent.status().get("state", {}).get("fim_files", 0) >= 1, WAIT, 2)
    t.ok(found(ok), "the web root's baseline is taken (fim_files)", agent.status())
    time.sleep(2)
    with open(os.path.join(web, "index.html"), "a") as f:
        f.write("<!-- sửa đổi -->\n")
    t0 = time.time()
    shutil.copy(SHELL, os.path.join(web, "uploads", "cmd.aspx"))
    ch = wait_agent(lambda: of_subject(srv.events(source="fim", kind="file_changed"), "/index.html"), WAIT, 1)
    t.ok(found(ch) and ch[0]["evidence"].get("detected_by") == "ReadDirectoryChangesW",
         "a changed page arrives as fim/file_changed, seen by ReadDirectoryChangesW", ch if found(ch) else why(ch))
    sa = wait_agent(lambda: of_subject(srv.events(source="fim", kind="script_added"), "/uploads/cmd.aspx"), WAIT, 1)
    t.ok(found(sa) and sa[0]["severity"] == "high", "the planted .aspx arrives as fim/script_added (high)",
         sa if found(sa) else why(sa))
    mw = wait_agent(lambda: of_subject(srv.events(source="malware"), "/uploads/cmd.aspx"), WAIT, 1)
    t.ok(found(mw) and mw[0]["evidence"]["rule"] == "asp_exec_request_input",
         f"scanned at once: the malware event names the rule ({time.time() - t0:.1f}s from the "
         "write to the server's API)", mw if found(mw) else why(mw))
    t.ok("sandbox: job scan in process" in agent.logtail() or
         "sandbox: job scan in process" in open(os.path.join(A, "agent.log"), errors="replace").read(),
         "the scan ran in a child process in a Job object", agent.logtail())
    sec = wait_agent(lambda: of_subject(srv.events(source="secrets"), "/cong-van.txt"), WAIT, 1)
    t.ok(found(sec), "the scheduled secrets scan of the policy's paths finds the marked document",
         sec if found(sec) else why(sec))

    # --- nothing lost: server down, a change spooled, agent killed, both back
    srv.stop()
    with open(os.path.join(web, "lienhe.html"), "w") as f:
        f.write("<html>liên hệ</html>\n")
    sp = wait_agent(lambda: agent.status().get("spool", {}).get("pending", 0) >= 1, WAIT, 2)
    t.ok(found(sp), "with the server down the new page waits in the spool", agent.status())
    agent.kill9()
    srv.start()
    agent = WinAgent(A)
    agent.start()
    want = hashlib.sha256(open(os.path.join(web, "lienhe.html"), "rb").read()).hexdigest()
    got = wait_agent(lambda: of_subject(srv.events(source="fim", kind="file_added"), "/lienhe.html"), WAIT, 1)
    time.sleep(8)  # a resend would show up as a second event
    again = of_subject(srv.events(source="fim"), "/lienhe.html")
    t.ok(found(got) and len(again) == 1 and again[0]["evidence"]["sha256"] == want and
         again[0]["evidence"]["detected_by"] == "ReadDirectoryChangesW",
         "after kill -9 and restarts the spooled event (the page's content) arrives exactly once",
         (again, why(got)))
    t.ok(len(of_subject(srv.events(source="malware"), "/uploads/cmd.aspx")) == 1,
         "no earlier event was sent twice (one malware event for the shell)")

    # --- a signed bundle, offered at a heartbeat
    d = os.path.join(tmp, "b1")
    os.makedirs(os.path.join(d, "malware"))
    with open(os.path.join(d, "malware", "bundle.yar"), "w") as f:
        f.write('rule bundle_marker_v1 { meta: kind = "webshell" strings: $a = "CANHGAC-BUNDLE-MARKER" '
                'condition: $a }\n')
    subprocess.run([BIN, "bundle", "sign", d, "--key", os.path.join(tmp, "k.key"), "--version", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.copytree(d, os.path.join(srv.data_dir, "bundle"))
    inst = wait_agent(lambda: os.path.exists(os.path.join(A, "bundle", "version")) and
                    open(os.path.join(A, "bundle", "version")).read().strip() == "1", WAIT, 1)
    t.ok(found(inst) and os.path.exists(os.path.join(A, "bundle", "current", "malware", "bundle.yar")),
         "the signed bundle is verified and installed", why(inst))
    rv = wait_agent(lambda: [e for e in srv.req("GET", "/api/v1/endpoints")[1]["items"]
                           if e["rule_version"] == "1"], WAIT, 1)
    t.ok(found(rv), "rule version 1 in the inventory")
    with open(os.path.join(web, "uploads", "x.php"), "w") as f:
        f.write("<?php // CANHGAC-BUNDLE-MARKER\n")
    m = wait_agent(lambda: of_subject(srv.events(source="malware"), "/uploads/x.php"), WAIT, 1)
    t.ok(found(m) and m[0]["evidence"]["rule"] == "bundle_marker_v1",
         "a new script is scanned with the bundle's rules", m if found(m) else why(m))
finally:
    if agent:
        agent.kill9()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
