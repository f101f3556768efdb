#!/usr/bin/env bash
# bench/web.sh - `canhgac web check` against `curl --parallel` on the same
# 500 pages (~60 KB each, SSI-generated so every load differs) served by a
# loopback nginx, in one run. curl fetching each URL once is the fetch
# limit; canhgac fetches each page five times (browser, three crawlers,
# search visitor), parses and compares it. Prints pages/s for both, the
# CPU canhgac spends per page, the extrapolation to 1,000 portals every 5
# minutes, and `ratio web-vs-curl VALUE` (canhgac pages/s / curl pages/s)
# and `ratio web-requests-vs-curl VALUE` (the same per HTTP request).
# Environment: PAGES (default 500), RUNS (default 3, median reported).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x build/canhgac ] || make build >/dev/null
ninja -C build >/dev/null
export ROOT PAGES=${PAGES:-500} RUNS=${RUNS:-3}
exec python3 - <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time
root = os.environ["ROOT"]
sys.path.insert(0, os.path.join(root, "tests/integration"))
import _webfix as W

pages, runs = int(os.environ["PAGES"]), int(os.environ["RUNS"])
bin_ = os.path.join(root, "build/canhgac")
tmp = tempfile.mkdtemp(prefix="canhgac-bench-web-")
ngx = W.Nginx(tmp, workers=2)
try:
    for i in range(pages):
        ngx.write(f"p{i}/index.html", W.portal(seed=i, articles=28, paragraphs=3))
    port = ngx.start()
    urls = [ngx.url(f"p{i}/") for i in range(pages)]
    size = len(W.get(urls[0]))
    print(f"{pages} pages of ~{size // 1024} KB on nginx 127.0.0.1:{port}")
    ufile = os.path.join(tmp, "urls.txt")
    with open(ufile, "w") as f:
        f.write("\n".join(urls) + "\n")
    cfg = os.path.join(tmp, "curl.cfg")
    with open(cfg, "w") as f:
        for u in urls:
            f.write(f'url = "{u}"\noutput = "/dev/null"\n')
    data = os.path.join(tmp, "data")
    t0 = time.monotonic()
    subprocess.run([bin_, "web", "baseline", "-q", "--data-dir", data, "--url-file", ufile], check=True, stdout=subprocess.DEVNULL)
    print(f"baseline of {pages} pages: {time.monotonic() - t0:.1f} s (untimed for the ratio)")

    def timed(cmd):
        t0 = time.monotonic()
        r0 = os.times()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        r1 = os.times()
        el = time.monotonic() - t0
        cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
        return p.returncode, el, cpu

    curl = ["curl", "--parallel", "--parallel-max", "50", "-s", "-K", cfg]
    check = [bin_, "web", "check", "-q", "--parallel", "32", "--data-dir", data, "--url-file", ufile]
    timed(curl)  # warm both the same way: one untimed run each
    rc, _, _ = timed(check)
    if rc != 0:
        print(f"web check found something on unchanged pages (exit {rc})", file=sys.stderr)
        sys.exit(1)
    ct, wt, wcpu, ccpu = [], [], [], []
    for _ in range(runs):
        _, el, cpu = timed(curl)
        ct.append(el)
        ccpu.append(cpu)
        _, el, cpu = timed(check)
        wt.append(el)
        wcpu.append(cpu)
    c, w, cpu = statistics.median(ct), statistics.median(wt), statistics.median(wcpu)
    cps, wps = pages / c, pages / w
    per_page = cpu / pages
    share = 1000 * per_page / 300 * 100
    print(f"curl --parallel:   {cps:8.0f} pages/s ({c:.2f} s, median of {runs})")
    print(f"canhgac web check: {wps:8.0f} pages/s ({w:.2f} s, 5 views per page)")
    print(f"canhgac CPU: {per_page * 1000:.2f} ms per page checked (user+sys, 5 fetches + parse + compare); "
          f"curl: {statistics.median(ccpu) / pages * 1000:.2f} ms per fetch")
    print(f"1,000 portals every 5 minutes: {share:.1f}% of one core (goal < 25%)")
    print(f"ratio web-vs-curl {wps / cps:.2f}")
    # each check makes 5 requests per page (browser, 3 crawlers, search visitor)
    print(f"ratio web-requests-vs-curl {5 * wps / cps:.2f}")
finally:
    ngx.stop()
    shutil.rmtree(tmp, ignore_errors=True)
PY
