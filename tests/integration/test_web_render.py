#!/usr/bin/env python3
"""canhgac web --render: spam injected by JavaScript at run time is seen
only in the DOM headless Chromium builds. Chromium is kept on loopback by
pointing it at a closed proxy port (loopback addresses bypass proxies).
Prints TAP; skips when chromium is not installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _webfix as W  # noqa: E402

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
N = 0
FAILED = 0


def ok(cond, desc, diag=None):
    global N, FAILED
    N += 1
    print(("ok" if cond else "not ok") + f" {N} - {desc}")
    if not cond:
        FAILED += 1
        for line in str(diag or "")[:3000].splitlines():
            print("# " + line)
    sys.stdout.flush()


def run(args):
    p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=170)
    return p.returncode, p.stdout, p.stderr


INJECT = """<script>(function(){var d=document.createElement('div');
var t=['n\\u1ed5 h\\u0169','nh\\u00e0 c\\u00e1i uy t\\u00edn','t\\u00e0i x\\u1ec9u online'];
d.innerHTML='<p>Ch\\u01a1i '+t.join(', ')+' ngay</p>';var a=document.createElement('a');
a.href='https://'+'nhacai'+'-js.top/';a.textContent=t[1];d.appendChild(a);document.body.appendChild(d);})();</script>"""


def main():
    chromium = shutil.which("chromium")
    if not chromium:
        print("ok 1 - # SKIP chromium not installed\n1..1")
        return 0
    tmp = tempfile.mkdtemp(prefix="canhgac-web-render-")
    ngx = W.Nginx(tmp)
    data = os.path.join(tmp, "data")
    env_tmp = os.path.join(tmp, "t")
    os.makedirs(env_tmp)
    os.environ["TMPDIR"] = env_tmp
    try:
        base = W.portal(seed=3, articles=6)
        ngx.write("quiet/index.html", base)
        ngx.write("inject/index.html", base)
        ngx.start()
        urls = [ngx.url("quiet/"), ngx.url("inject/")]
        ch = ["--render", "--timeout", "60", "--chromium-args", "--proxy-server=127.0.0.1:9"]
        rc, out, err = run(["web", "baseline", "--data-dir", data] + ch + urls)
        ok(rc == 0, "baseline with --render", err)
        ngx.write("quiet/index.html", W.portal(seed=3, articles=6, extra_articles=W.article(__import__("random").Random(5), 40)))
        ngx.write("inject/index.html", W.portal(seed=3, articles=6, extra_body=INJECT))
        rc, out, err = run(["web", "check", "--json", "--data-dir", data] + urls)
        ok(rc == 0, "without --render the script-injected spam is invisible (static page unchanged in substance)",
           out + err)
        rc, out, err = run(["web", "check", "--json", "--data-dir", data] + ch + urls)
        found = [json.loads(l) for l in out.splitlines() if '"summary"' not in l or '"kind"' in l]
        found = [f for f in found if "kind" in f]
        inj = [f for f in found if f["url"] == urls[1]]
        ok(rc == 1 and any(f["kind"] == "spam" and f["evidence"].get("view") == "rendered" for f in inj),
           "--render: spam injected at run time is reported from the rendered view", out + err)
        ok(any(f["kind"] == "new_external_resource" and f["evidence"].get("view") == "rendered" for f in inj),
           "--render: the injected spam link is reported", json.dumps(inj, ensure_ascii=False)[:2000])
        ok(not [f for f in found if f["url"] == urls[0]], "--render: a page with a new article stays quiet",
           json.dumps(found, ensure_ascii=False)[:2000])
        leftovers = os.listdir(env_tmp)
        ok(not leftovers, "chromium profiles are removed", leftovers)
        rc, out, err = run(["web", "check", "--data-dir", data, "--render", "--chromium", "/nonexistent/chromium", urls[0]])
        ok(rc == 2 and "--render" in err and "/nonexistent/chromium" in err, "a missing browser is a clear error", err)
    finally:
        ngx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
