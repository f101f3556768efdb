#!/usr/bin/env python3
"""The MSI under Wine's msiexec, end to end (run by tests/windows/test_msi.sh
after its table checks; docs/windows.md, "The MSI"). The real
build-win/canhgac-agent.msi, the one that starts the service:

- a TOKEN without SERVER and PIN is refused, nothing installed;
- an enrolment that fails (nothing listens) rolls the install back, no
  service left;
- against a real `canhgac serve` (build/canhgac) on 127.0.0.1 with its
  self-signed certificate and pin: msiexec /qn SERVER= PIN= TOKEN=
  installs, the Enroll custom action enrols (the token used, the agent's
  token sealed in ProgramData\\canhgac\\agent), the service manager starts
  `canhgac.exe agent service`, which heartbeats (the endpoint's last_seen)
  and reports a page planted in the policy's web root (fim/file_added);
  `net stop` stops it (the SCM says STOPPED with exit code 0, the process
  is gone, the agent's state is saved); msiexec /x removes the program and
  the service and keeps the agent's data;
- what a real machine needs from the MSI: the shipped rules are installed
  under Program Files\canhgac\rules, and the installed canhgac.exe scans
  with them with the source tree unreachable (the prefix's Z: drive
  removed for that run; a marker rule added to the installed folder
  matches, the rule count is the shipped rules' plus one); BUNDLEKEY (the
  server's bundle key as text) is written as the agent's bundle-key.pub
  by the Enroll action, and a bundle signed with the matching key is
  installed by the service's agent (its version in the inventory).

Wine runs in a prefix of its own (CANHGAC_MSI_WINEPREFIX, by default
~/.cache/canhgac/wine-msi, made once and kept): the MSI registers an
automatic-start service, which must not start in the prefix the other
Windows tests share. The prefix's wineserver is started here persistent
(`wineserver -p`) and the prefix booted with its output going to a file:
Wine ends every process of a prefix, services included, a few seconds
after its last ordinary program exits (scripts/win-wine.sh keeps it 30 s),
which a Windows machine never does; that, not the agent, was the "stall
after the first heartbeat" (docs/windows.md, "The MSI"). And the services
Wine boots inherit the standard handles of the program that booted the
prefix: a pipe this script reads would never reach its end. The
wineserver (and so the service) is ended at the end. argv: the TAP number
and failure count of test_msi.sh so far. TAP."""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from _agentlib import BIN, Tap, TlsServer, wait_for  # noqa: E402

MSI = os.path.join(ROOT, "build-win", "canhgac-agent.msi")
EXE = os.path.join(ROOT, "build-win", "canhgac.exe")
WINE = os.path.join(ROOT, "scripts", "win-wine.sh")
WAIT = float(os.environ.get("CG_WINE_WAIT", "180"))
PREFIX = os.environ.get("CANHGAC_MSI_WINEPREFIX") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "canhgac", "wine-msi")
env = dict(os.environ, CANHGAC_WINEPREFIX=PREFIX, WINEPREFIX=PREFIX)
PF = os.path.join(PREFIX, "drive_c", "Program Files", "canhgac")
DATA = os.path.join(PREFIX, "drive_c", "ProgramData", "canhgac", "agent")
SVC_KEY = r"HKLM\System\CurrentControlSet\Services\canhgac-agent"
UNINSTALL = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"

t = Tap()
t.n, t.failed = int(sys.argv[1]), int(sys.argv[2])
STOP_BOUND = 20  # s: net stop to STOPPED (the service's own bound is 10 s)
WINESERVER = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"


def z(p):
    return "Z:" + p.replace("/", "\\")


def wine(*args, timeout=600):
    try:
        r = subprocess.run([WINE, *args], capture_output=True, text=True, env=env,
                           timeout=timeout, errors="replace")
        return r.returncode, r.stdout.replace("\r", "") + r.stderr.replace("\r", "")
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {timeout}s"


def service_registered():
    return wine("reg", "query", SVC_KEY, timeout=120)[0] == 0


def sc_state():
    """RUNNING, STOPPED, ... and the WIN32_EXIT_CODE, from `sc query`."""
    rc, out = wine("sc", "query", "canhgac-agent", timeout=120)
    st = re.search(r"STATE\s*:\s*\d+\s+(\w+)", out)
    ex = re.search(r"WIN32_EXIT_CODE\s*:\s*(\d+)", out)
    return (st.group(1) if st else None), (int(ex.group(1)) if ex else None), out


def service_pids():
    """The Unix processes of this prefix running canhgac.exe with the
    arguments `agent service` (Wine names a service's process after its
    exe; its Windows command line is read from /proc's cmdline)."""
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() != "canhgac.exe":
                    continue
            with open(f"/proc/{p}/environ", "rb") as f:
                if ("WINEPREFIX=" + PREFIX).encode() not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "agent service" in cmd:
            pids.append(p)
    return pids


def installed_products():
    """The ProductCodes of every installed "canhgac agent" (the Uninstall
    key's subkeys)."""
    rc, out = wine("reg", "query", UNINSTALL, "/s", timeout=120)
    codes, key = [], None
    for line in out.splitlines():
        if line.startswith("HKEY_"):
            key = line.rsplit("\\", 1)[-1].strip()
        elif key and re.match(r"\s+DisplayName\s+REG_SZ\s+canhgac agent\s*$", line):
            codes.append(key)
    return [c for c in codes if re.fullmatch(r"\{[0-9A-Fa-f-]{36}\}", c)]


def svc_log():
    try:
        with open(os.path.join(DATA, "agent.log"), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def read_json(p):
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def readlog(p):
    """An MSI log (UTF-16 or not: the NULs dropped), "" when missing."""
    try:
        with open(p, "rb") as f:
            return f.read().replace(b"\0", b"").decode("utf-8", "replace")
    except OSError:
        return ""


# One run at a time in the prefix: two work trees running their suites
# at once would install, stop and remove each other's service (seen: a
# clean stop in the middle of the other run's checks). Held to the end.
# the prefix itself: wineserver -p below changes into it (a fresh machine
# has none yet; wineboot fills an empty one)
os.makedirs(PREFIX, exist_ok=True)
prefix_lock = open(PREFIX.rstrip("/") + ".test.lock", "w")
fcntl.flock(prefix_lock, fcntl.LOCK_EX)
tmp = tempfile.mkdtemp(prefix="canhgac-msiwine.")
W = z(MSI)
srv = None
try:
    # A fresh prefix is made first, by win-wine.sh (wineboot, then
    # `wineserver -w` until the registry is written), before the
    # persistent wineserver below: that one never ends, so `-w` would
    # wait for it until wineboot's time limit, and the prefix would be
    # left half made (seen: msiexec dying after ProcessComponents).
    if not os.path.exists(os.path.join(PREFIX, "system.reg")):
        subprocess.run([WINE, "cmd", "/c", "exit"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=900)
    # the prefix kept up as a machine is (above), booted with no pipe of ours
    subprocess.run([WINESERVER, "-k"], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    subprocess.run([WINESERVER, "-p"], env=env, check=True)
    with open(os.path.join(tmp, "wineboot.log"), "wb") as bl:
        subprocess.run([WINE, "wineboot"], env=env, stdout=bl, stderr=subprocess.STDOUT,
                       timeout=600)
    # a leftover of an interrupted run: uninstalled, its data gone. Every
    # "canhgac agent" product, not only this MSI's: each build has its own
    # ProductCode, and an older one left installed keeps the shared
    # component (the exe, the service) through this one's uninstall.
    wine("msiexec", "/x", W, "/qn")
    for code in installed_products():
        wine("msiexec", "/x", code, "/qn")
    shutil.rmtree(os.path.dirname(DATA), ignore_errors=True)
    shutil.rmtree(PF, ignore_errors=True)  # left by an uninstall of a running service

    rc, out = wine("msiexec", "/i", W, "/qn", "TOKEN=cge_test")
    t.ok(rc != 0 and not os.path.exists(os.path.join(PF, "canhgac.exe")),
         "a TOKEN without SERVER and PIN is refused, nothing installed", (rc, out))

    L = os.path.join(tmp, "rollback.log")
    rc, out = wine("msiexec", "/i", W, "/qn", "TOKEN=cge_test", "SERVER=https://127.0.0.1:9",
                   "PIN=sha256//AAAA", "/l*v", z(L))
    log = readlog(L)
    t.ok(rc != 0 and not os.path.exists(os.path.join(PF, "canhgac.exe")),
         f"a failed enrolment fails the install and rolls it back (msiexec {rc})", out)
    t.ok(re.search(r"Action start [0-9:]*: Enroll", log) is not None, "the Enroll custom action ran",
         log[-2000:])
    t.ok(not service_registered() and not service_pids(),
         "no service left behind by the rollback, none running")

    # ---- a real server: install, enrol, the service runs the agent
    srv = TlsServer()
    web = os.path.join(tmp, "wwwroot")
    os.makedirs(web)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<html><body>Trang chủ</body></html>\n")
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Nội vụ", "kind": "so_ban_nganh"})
    st, pol, _ = srv.req("PUT", f"/api/v1/agent-policies/{ag['id']}", {
        "heartbeat_s": 2, "upload_s": 1, "accounts": {"interval_s": 0},
        "fim": {"web_roots": [z(web)], "pass_interval_s": 3600},
        "malware": {"incremental": "off", "full": "off"},
        "secrets": {"interval": "off", "paths": []}})
    t.ok(st == 200, "the agency's policy names a web root for the Windows agent", pol)
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": ag["id"]})
    # the server's rule-bundle key pair; the MSI gets the public key as text
    subprocess.run([BIN, "bundle", "keygen", os.path.join(tmp, "k")], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(tmp, "k.pub")) as f:
        bundle_key = f.read().strip()
    L = os.path.join(tmp, "install.log")
    t0 = time.time()
    rc, out = wine("msiexec", "/i", W, "/qn", "SERVER=" + srv.url, "PIN=" + srv.pin,
                   "TOKEN=" + et["token"], "BUNDLEKEY=" + bundle_key, "/l*v", z(L))
    t.ok(rc == 0, f"msiexec /i /qn SERVER= PIN= TOKEN= BUNDLEKEY= installs "
         f"({time.time() - t0:.0f}s)", (rc, out, readlog(L)[-3000:]))
    t.ok(os.path.exists(os.path.join(PF, "canhgac.exe")) and
         open(os.path.join(PF, "canhgac.exe"), "rb").read() == open(EXE, "rb").read(),
         "canhgac.exe is under Program Files\\canhgac")
    shipped = sorted(os.listdir(os.path.join(ROOT, "rules", "malware")))
    inst_rules = os.path.join(PF, "rules", "malware")
    got = sorted(os.listdir(inst_rules)) if os.path.isdir(inst_rules) else []
    t.ok(shipped and got == shipped and all(
        open(os.path.join(inst_rules, n), "rb").read() ==
        open(os.path.join(ROOT, "rules", "malware", n), "rb").read() for n in shipped),
        f"the shipped rules are installed in Program Files\\canhgac\\rules\\malware "
        f"({len(got)} files)", (shipped, got))
    try:
        with open(os.path.join(DATA, "bundle-key.pub")) as f:
            key_got = f.read().strip()
    except OSError as e:
        key_got = str(e)
    t.ok(key_got == bundle_key,
         "BUNDLEKEY reached the Enroll action: the agent's bundle-key.pub is the server's key",
         (key_got, bundle_key))
    rc, reg = wine("reg", "query", SVC_KEY, timeout=120)
    t.ok(re.search(r'ImagePath +REG_(EXPAND_)?SZ +"?C:\\Program Files\\canhgac\\canhgac\.exe"? '
                   r'agent service --data-dir "C:\\ProgramData\\canhgac\\agent"', reg) is not None and
         re.search(r"Start +REG_DWORD +0x2", reg) is not None,
         "the service is registered with its command line, automatic start", reg)
    st, toks, _ = srv.req("GET", "/api/v1/enroll-tokens")
    used = [x for x in toks["items"] if x.get("used_at")]
    creds = read_json(os.path.join(DATA, "agent.json"))
    t.ok(len(used) == 1 and creds.get("server") == srv.url and creds.get("pin") == srv.pin and
         creds.get("token") == "" and len(creds.get("token_sealed", "")) > 100,
         "the Enroll custom action enrolled: the token used, credentials sealed in "
         "ProgramData\\canhgac\\agent", (toks, creds))

    state = wait_for(lambda: sc_state()[0] == "RUNNING" and sc_state(), WAIT, 2)
    t.ok(bool(state), "the service manager runs the service (sc query: RUNNING)", sc_state()[2])
    pids = wait_for(service_pids, 30, 1)
    t.ok(bool(pids), "its process is canhgac.exe agent service", sc_state()[2])

    def endpoint():
        items = srv.req("GET", "/api/v1/endpoints")[1]["items"]
        return [e for e in items if e.get("last_seen") and e["agency_id"] == ag["id"]]

    ep = wait_for(endpoint, WAIT, 2)
    t.ok(bool(ep) and ep[0]["os"].startswith("Windows"),
         "the service's agent heartbeats: the server lists the endpoint with last_seen and its "
         "Windows version", (ep, read_json(os.path.join(DATA, "state.json"))))
    base = wait_for(lambda: read_json(os.path.join(DATA, "state.json")).get("fim_files", 0) >= 1,
                    WAIT, 2)
    t.ok(bool(base), "the web root's baseline is taken (fim_files in the agent's state)",
         read_json(os.path.join(DATA, "state.json")))
    time.sleep(2)
    with open(os.path.join(web, "lienhe.html"), "w") as f:
        f.write("<html>liên hệ</html>\n")

    def added():
        return [e for e in srv.events(source="fim", kind="file_added")
                if e.get("subject", "").replace("\\", "/").endswith("/lienhe.html")]

    ev = wait_for(added, WAIT, 1)
    t.ok(bool(ev), "a page planted in the policy's web root arrives as fim/file_added",
         (read_json(os.path.join(DATA, "state.json")), svc_log()[-2000:]))
    hb = read_json(os.path.join(DATA, "state.json")).get("last_heartbeat")
    again = wait_for(lambda: read_json(os.path.join(DATA, "state.json")).get("last_heartbeat")
                     not in (None, hb), 30, 1)
    t.ok(bool(again), "the service keeps heartbeating (state.json's last_heartbeat moves)",
         read_json(os.path.join(DATA, "state.json")))
    shell = os.path.join(web, "shell.aspx")
    with open(shell, "w") as f:
        f.write('<%@ Page Language="C#" %><% System.Diagnostics.Process.Start('
                'Request["c"]); %>\n')

    def planted():
        return [e for e in srv.events(source="fim", kind="script_added")
                if e.get("subject", "").replace("\\", "/").endswith("/shell.aspx")]

    ev = wait_for(planted, WAIT, 1)
    t.ok(bool(ev), "a planted .aspx arrives as fim/script_added from the service's agent",
         svc_log()[-2000:])
    log = svc_log()
    t.ok('"service: canhgac-agent' in log and "started (pid" in log and
         os.path.getsize(os.path.join(DATA, "agent.log")) < 1024 * 1024,
         "the service logs to ProgramData\\canhgac\\agent\\agent.log (JSON lines, bounded)",
         log[-2000:])

    # ---- a bundle signed with the key given as BUNDLEKEY is accepted
    d = os.path.join(tmp, "b1")
    os.makedirs(os.path.join(d, "malware"))
    with open(os.path.join(d, "malware", "bundle.yar"), "w") as f:
        f.write('rule msi_bundle_v1 { meta: kind = "webshell" strings: $a = "CANHGAC-MSI-BUNDLE" '
                'condition: $a }\n')
    subprocess.run([BIN, "bundle", "sign", d, "--key", os.path.join(tmp, "k.key"),
                    "--version", "1"], check=True, stdout=subprocess.DEVNULL)
    shutil.copytree(d, os.path.join(srv.data_dir, "bundle"))

    def bundle_installed():
        try:
            with open(os.path.join(DATA, "bundle", "version")) as f:
                return f.read().strip() == "1"
        except OSError:
            return False

    inst = wait_for(bundle_installed, WAIT, 1)
    t.ok(bool(inst) and os.path.exists(os.path.join(DATA, "bundle", "current", "malware",
                                                    "bundle.yar")),
         "the service's agent verifies and installs a bundle signed with the BUNDLEKEY key",
         svc_log()[-2000:])
    rv = wait_for(lambda: [e for e in srv.req("GET", "/api/v1/endpoints")[1]["items"]
                           if e["agency_id"] == ag["id"] and e.get("rule_version") == "1"],
                  WAIT, 1)
    t.ok(bool(rv), "rule version 1 in the inventory", srv.req("GET", "/api/v1/endpoints")[1])

    # ---- net stop: the agent stops cleanly
    pids = service_pids()
    t0 = time.time()
    rc, out = wine("net", "stop", "canhgac-agent")
    stopped = wait_for(lambda: sc_state()[0] == "STOPPED" and sc_state(), STOP_BOUND, 0.5)
    took = time.time() - t0
    t.ok(rc == 0 and bool(stopped),
         f"net stop canhgac-agent: the service is STOPPED within {STOP_BOUND} s ({took:.1f} s)",
         (rc, out, sc_state()[2]))
    t.ok(bool(stopped) and stopped[1] == 0,
         "it stopped cleanly (exit code 0, not a service-specific error)", sc_state()[2])
    gone = wait_for(lambda: not service_pids(), 10, 0.5)
    t.ok(bool(pids) and bool(gone), "the agent's process is gone", (pids, service_pids()))
    log = svc_log()
    t.ok('"service: stop requested"' in log and '"service: canhgac-agent stopped"' in log,
         "the log says the stop was asked for and done", log[-1500:])

    # ---- the installed program scans with the installed rules, the source
    # tree out of reach: the prefix's Z: drive (/ of this machine) removed
    # for this one run, everything it touches on C:. A marker rule added
    # to the installed folder must match and the rule count be the
    # shipped rules' plus one.
    ref = os.path.join(tmp, "ref")
    os.makedirs(os.path.join(ref, "empty"))
    r = subprocess.run([BIN, "scan", "malware", "--json", "--data-dir", os.path.join(ref, "d"),
                        "--rules", os.path.join(ROOT, "rules", "malware"),
                        os.path.join(ref, "empty")], capture_output=True, text=True)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    nshipped = lines[-1].get("rules", 0) if lines else 0
    marker = os.path.join(inst_rules, "zz_msi_marker.yar")
    with open(marker, "w") as f:
        f.write('rule msi_installed_rules_marker { meta: kind = "webshell" '
                'strings: $a = "CANHGAC-MSI-RULES-MARKER" condition: $a }\n')
    probe = os.path.join(PREFIX, "drive_c", "canhgac-probe")
    shutil.rmtree(probe, ignore_errors=True)
    os.makedirs(os.path.join(probe, "files"))
    with open(os.path.join(probe, "files", "x.php"), "w") as f:
        f.write("<?php // CANHGAC-MSI-RULES-MARKER\n")
    zlink = os.path.join(PREFIX, "dosdevices", "z:")
    zaway = os.path.join(PREFIX, "dosdevices", "z-hidden-by-test")
    os.rename(zlink, zaway)
    try:
        r = subprocess.run([WINE, r"C:\Program Files\canhgac\canhgac.exe", "scan", "malware",
                            "--json", "--data-dir", r"C:\canhgac-probe\data",
                            r"C:\canhgac-probe\files"], capture_output=True, text=True,
                           env=env, cwd=os.path.join(PREFIX, "drive_c"), timeout=600,
                           errors="replace")
        zgone = not os.path.exists(zlink)
        # and Wine sees it gone: the source tree's rules named through Z:
        # cannot be opened in this window
        rz = subprocess.run([WINE, r"C:\Program Files\canhgac\canhgac.exe", "scan", "malware",
                             "--rules", z(os.path.join(ROOT, "rules", "malware")),
                             "--data-dir", r"C:\canhgac-probe\data", r"C:\canhgac-probe\files"],
                            capture_output=True, text=True, env=env,
                            cwd=os.path.join(PREFIX, "drive_c"), timeout=600, errors="replace")
    finally:
        os.rename(zaway, zlink)
    lines = [json.loads(x) for x in r.stdout.replace("\r", "").splitlines() if x.startswith("{")]
    matches = [x for x in lines if x.get("type") == "match"]
    summ = lines[-1] if lines else {}
    t.ok(zgone and rz.returncode == 2,
         "with the prefix's Z: drive removed, the source tree is out of Wine's reach "
         "(its rules through Z: are refused)", (rz.returncode, rz.stderr[-1000:]))
    t.ok(zgone and nshipped > 0 and summ.get("rules") == nshipped + 1 and
         [x["rule"] for x in matches] == ["msi_installed_rules_marker"],
         f"with Z: (the source tree) removed, the installed canhgac.exe scans with "
         f"Program Files\\canhgac\\rules: the marker rule matches, {summ.get('rules')} rules "
         f"= {nshipped} shipped + 1", (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    os.remove(marker)
    shutil.rmtree(probe, ignore_errors=True)

    # ---- uninstall: program and service gone, the agent's data kept
    rc, out = wine("msiexec", "/x", W, "/qn")
    t.ok(rc == 0, "msiexec /x /qn uninstalls", out)
    t.ok(not os.path.exists(os.path.join(PF, "canhgac.exe")), "canhgac.exe is gone",
         os.listdir(PF) if os.path.isdir(PF) else "")
    t.ok(not service_registered(), "the service is gone")
    t.ok(bool(read_json(os.path.join(DATA, "agent.json")).get("token_sealed")),
         "ProgramData\\canhgac\\agent is kept (the sealed credentials)",
         os.listdir(DATA) if os.path.isdir(DATA) else "no directory")
finally:
    zaway = os.path.join(PREFIX, "dosdevices", "z-hidden-by-test")
    if os.path.lexists(zaway):  # interrupted while Z: was away
        os.rename(zaway, os.path.join(PREFIX, "dosdevices", "z:"))
    if os.path.exists(os.path.join(PF, "canhgac.exe")):
        wine("msiexec", "/x", W, "/qn")
    # the prefix's processes (a service left running by a failed case)
    subprocess.run([WINESERVER, "-k"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(PF, ignore_errors=True)  # the prefix is the test's own
    if srv:
        srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
