#!/usr/bin/env bash
# bench/exposure.sh - `canhgac scan exposure` against its anchors, in one
# run, on loopback:
#  1. 200 sites (one nginx, 200 loopback ports) x 100 templates of one
#     path each: requests/s of canhgac (templates, matching, its rate
#     limiter with no limit set, 50 in flight) against
#     `curl --parallel --parallel-max 50` fetching the same 20,000 URLs
#     plus the 200 base pages. Goal >= 0.5.
#  2. the TCP connect scan of 1,000 ports of 127.0.0.1 against
#     `nmap -sT -n -Pn` on the same ports (time ratio nmap/canhgac, > 1
#     means canhgac is faster). Goal >= 1.0.
# Ends with `ratio exposure-requests-vs-curl V` and
# `ratio exposure-connect-vs-nmap V`. Environment: RUNS (default 3, median).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x build/canhgac ] || make build >/dev/null
ninja -C build >/dev/null
command -v nmap >/dev/null || { echo "nmap missing (scripts/setup-deps.sh)"; exit 2; }
export ROOT RUNS=${RUNS:-3}
exec python3 - <<'PY'
import os, shutil, socket, statistics, subprocess, sys, tempfile, time
root = os.environ["ROOT"]
runs = int(os.environ["RUNS"])
sys.path.insert(0, os.path.join(root, "tests/integration"))
import _webfix as W

SITES, TPLS = 200, 100
bin_ = os.path.join(root, "build/canhgac")
tmp = tempfile.mkdtemp(prefix="canhgac-bench-exposure-")
os.chmod(tmp, 0o755)
ports = []
while len(ports) < SITES - 1:  # distinct, and not the main server's
    p = W.free_port()
    if p not in ports:
        ports.append(p)
extra = "".join(f"server {{{{ listen 127.0.0.1:{p}; server_tokens off; root {{www}}; }}}}\n" for p in ports)
ngx = W.Nginx(os.path.join(tmp, "ng"), extra_servers=extra, workers=2)
tdir = os.path.join(tmp, "tpl")
os.makedirs(tdir)
empty = os.path.join(tmp, "empty")
os.makedirs(empty)


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - t0, p


try:
    ngx.write("index.html", "<html><body>bench</body></html>")
    for i in range(TPLS):
        with open(os.path.join(tdir, f"b{i:03}.yaml"), "w") as f:
            f.write(f"id: bench-{i}\ninfo: {{name: bench {i}, severity: info}}\nhttp:\n"
                    f"  - path: ['{{{{BaseURL}}}}/bench-{i}.txt']\n    matchers-condition: and\n"
                    f"    matchers:\n      - {{type: status, status: [200]}}\n"
                    f"      - {{type: word, words: ['canhgac-bench-{i}']}}\n")
    port = ngx.start()
    sites = [f"http://127.0.0.1:{port}"] + [f"http://127.0.0.1:{p}" for p in ports]
    cfg = os.path.join(tmp, "curl.cfg")
    with open(cfg, "w") as f:
        for s in sites:
            f.write(f'url = "{s}/"\noutput = "/dev/null"\n')
            for i in range(TPLS):
                f.write(f'url = "{s}/bench-{i}.txt"\noutput = "/dev/null"\n')
    nreq = SITES * (TPLS + 1)
    ours, theirs = [], []
    for _ in range(runs):
        dt, p = timed([bin_, "scan", "exposure", "--json", "--rate", "0", "--host-rate", "0",
                       "--parallel", "50", "--no-tls", "--templates", tdir] + sites)
        summ = [l for l in p.stdout.splitlines() if '"type":"summary"' in l]
        if p.returncode not in (0, 1) or not summ or f'"requests":{nreq}' not in summ[0]:
            print("canhgac run failed:", p.returncode, p.stderr[-500:], summ[:1])
            sys.exit(1)
        ours.append(nreq / dt)
        dt, p = timed(["curl", "-s", "--parallel", "--parallel-max", "50", "-K", cfg])
        theirs.append(nreq / dt)
    o, t = statistics.median(ours), statistics.median(theirs)
    print(f"{SITES} sites x {TPLS} templates = {nreq} requests: canhgac {o:,.0f} req/s, "
          f"curl --parallel-max 50 {t:,.0f} req/s")
    r1 = o / t

    # the connect scan: 1,000 ports of 127.0.0.1, three open with services
    # that speak first (two SSH, one FTP banner), read by canhgac's
    # banner grab; a silent open service would add the banner wait (1 s).
    import threading

    def quiet_range(start):
        """1,000 ports nobody else listens on (the machine is shared)."""
        for base in range(start, 64000, 1000):
            busy = False
            for q in range(base, base + 1000):
                c = socket.socket()
                c.settimeout(0.05)
                busy = c.connect_ex(("127.0.0.1", q)) == 0
                c.close()
                if busy:
                    break
            if not busy:
                return base
        raise SystemExit("no free range of 1,000 loopback ports")
    base = quiet_range(20000)
    listeners = []

    def serve(sock, banner):
        while True:
            try:
                c, _ = sock.accept()
            except OSError:
                return
            try:
                c.sendall(banner)
                c.settimeout(0.5)
                while banner.startswith(b"220"):  # an FTP server answers its commands
                    line = c.recv(256)
                    if not line:
                        break
                    c.sendall(b"331 Password required.\r\n" if line.startswith(b"USER")
                              else b"530 Login incorrect.\r\n")
                else:
                    c.recv(256)
            except OSError:
                pass
            c.close()
    for k, banner in ((7, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), (333, b"220 (vsFTPd 3.0.3)\r\n"),
                      (901, b"SSH-2.0-OpenSSH_8.4p1\r\n")):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", base + k))
            s.listen(64)
            listeners.append(s)
            threading.Thread(target=serve, args=(s, banner), daemon=True).start()
        except OSError:
            s.close()
    spec = f"{base}-{base + 999}"
    ours, theirs = [], []
    for _ in range(runs):
        dt, p = timed([bin_, "scan", "exposure", "--json", "--rate", "0", "--host-rate", "0",
                       "--no-tls", "--templates", empty, "--ports", spec, "127.0.0.1"])
        if p.returncode not in (0, 1):
            print("canhgac port scan failed:", p.stderr[-500:])
            sys.exit(1)
        ours.append(dt)
        dt, p = timed(["nmap", "-sT", "-n", "-Pn", "-p", spec, "127.0.0.1"])
        theirs.append(dt)
    o, t = statistics.median(ours), statistics.median(theirs)
    print(f"connect scan of 1,000 ports ({len(listeners)} open, banners read): "
          f"canhgac {o:.3f} s, nmap -sT {t:.3f} s")
    print(f"ratio exposure-requests-vs-curl {r1:.2f}")
    print(f"ratio exposure-connect-vs-nmap {t / o:.2f}")
    for s in listeners:
        s.close()
finally:
    ngx.stop()
    shutil.rmtree(tmp, ignore_errors=True)
PY
