#!/usr/bin/env python3
"""Integration test of `canhgac scan secrets` on a corpus built here
(_secrets_corpus.py): every format, every positive and negative marking
case, encrypted and broken inputs, a zip bomb and 2 GB sparse files.
TAP output; python3 stdlib only."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _secrets_corpus as corpus  # noqa: E402

SRC = os.environ.get("CANHGAC_SRC") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.environ.get("CANHGAC") or os.path.join(SRC, "build/canhgac")
n = 0
failed = 0


def ok(cond, desc, diag=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, desc))
    if not cond:
        failed += 1
        if diag:
            for line in str(diag).splitlines()[:20]:
                print("# " + line)
    sys.stdout.flush()
    return cond


def run(args, timeout=600):
    r = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def run_measured(args):
    """run(), plus the peak RSS (KiB) of that one process (wait4)."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen([BIN] + args, stdout=fo, stderr=fe)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        return (p.returncode, fo.read().decode("utf-8", "replace"),
                fe.read().decode("utf-8", "replace"), ru.ru_maxrss)


def main():
    tmp = tempfile.mkdtemp(prefix="canhgac-secrets.")
    try:
        d = os.path.join(tmp, "c")
        have_lo = shutil.which("soffice") is not None
        ok(have_lo, "LibreOffice (soffice) is installed for the PDF/.doc/.xls corpus")
        exp = corpus.build(d, with_soffice=have_lo)
        ok(os.path.exists(os.path.join(d, "lo/hdr.pdf")) and os.path.exists(os.path.join(d, "lo/hdr.doc"))
           and os.path.exists(os.path.join(d, "lo/cell.xls")),
           "LibreOffice converted the PDF, .doc and .xls samples")

        rc, out, err, peak = run_measured(["scan", "secrets", "--json", "--threads", "2", d])
        ok(rc == 1, "exit status 1 when markings are found", "rc=%d\n%s" % (rc, err[-2000:]))
        objs = []
        bad = []
        for line in out.splitlines():
            try:
                objs.append(json.loads(line))
            except ValueError:
                bad.append(line)
        ok(not bad and objs, "--json prints one JSON object per line", "\n".join(bad[:5]))
        finds = [o for o in objs if o.get("type") == "finding"]
        summ = [o for o in objs if o.get("type") == "summary"]
        ok(len(summ) == 1 and objs[-1].get("type") == "summary", "one summary object, last")
        ok(all("path" in f and "level" in f and "evidence" in f for f in finds),
           "every finding has path, level and evidence")

        def rel(p):
            return os.path.relpath(p, d) if p.startswith(d) else p
        by_path = {}
        for f in finds:
            by_path.setdefault(rel(f["path"]), []).append(f)

        for name in sorted(exp):
            want = exp[name]
            got = by_path.get(name, [])
            if want is None:
                ok(not got, "clean: %s" % name, json.dumps(got, ensure_ascii=False))
                continue
            if want == "uninspectable":
                hits = [f for p, fs in by_path.items() if p == name or p.startswith(name + "!")
                        for f in fs if f.get("kind") == "uninspectable"]
                ok(bool(hits) and all(h.get("reason") for h in hits),
                   "uninspectable with a reason: %s" % name, json.dumps(got, ensure_ascii=False))
                continue
            levels = want.split("|")
            hit = [f for f in got if (f.get("kind") == "marking" and f.get("level") in levels)
                   or (f.get("kind") == "uninspectable" and "uninspectable" in levels)]
            ok(len(hit) == 1, "%s: %s" % (want, name), json.dumps(got, ensure_ascii=False))
            loc = corpus.EXPECT_LOC.get(name)
            if loc and hit:
                ok(hit[0].get("location") == loc, "%s found in the %s" % (name, loc),
                   json.dumps(hit[0], ensure_ascii=False))

        expected_paths = set(exp)
        stray = [p for p in by_path if p not in expected_paths
                 and not any(p.startswith(e + "!") for e in expected_paths)]
        ok(not stray, "no finding on a file the corpus does not expect one on", "\n".join(stray))
        if summ:
            s = summ[0]
            nmarked = sum(1 for f in finds if f["kind"] == "marking")
            ok(s.get("marked") == nmarked and s.get("files", 0) >= len([e for e in exp if "!" not in e]) - 1,
               "summary counts match the findings", json.dumps(s))
        # bounded memory: a 400 MB zip bomb and 2 GB sparse files in the run
        mb = peak / 1024
        ok(mb < 1024, "peak memory %.0f MB (zip bomb, 2 GB files) stays bounded" % mb)
        ok(any("bomb" in (f.get("reason") or "") for f in by_path.get("bad/bomb.zip!zeros.txt", [])),
           "the zip bomb is named as such")
        ok(any("password" in (f.get("reason") or "") for f in by_path.get("ole/enc.docx", [])),
           "an encrypted .docx is reported as password-protected")

        # human output and the clean case
        rc, out, err = run(["scan", "secrets", os.path.join(d, "office/hdr.docx")])
        ok(rc == 1 and "MẬT" in out and "header" in out and "office/hdr.docx" in out,
           "human output names path, level and location", out)
        clean = os.path.join(tmp, "clean")
        os.makedirs(clean)
        for name in exp:
            if (exp[name] is None and "!" not in name and not name.startswith("bad/")
                    and not any(k.startswith(name + "!") and exp[k] for k in exp)):
                shutil.copy(os.path.join(d, name), os.path.join(clean, name.replace("/", "_")))
        rc, out, err = run(["scan", "secrets", "--json", clean])
        last = json.loads(out.splitlines()[-1]) if out.strip() else {}
        ok(rc == 0 and last.get("marked") == 0 and last.get("uninspectable") == 0 and last.get("files", 0) >= 15,
           "a folder of prose about secrets, passwords and honey is clean (exit 0)", out[-1500:])
        rc, out, err = run(["scan", "secrets", os.path.join(tmp, "does-not-exist")])
        ok(rc == 2 and "does-not-exist" in err, "a missing path is an error (exit 2) naming it", err)
        rc, out, err = run(["scan", "secrets"])
        ok(rc == 2, "no path is a usage error")
        # a hostile file name cannot inject terminal escapes or break lines
        evil = os.path.join(tmp, "evil")
        os.makedirs(evil)
        with open(os.path.join(evil.encode(), b"a\x1b[31mred\nb\xff.txt"), "w") as f:
            f.write("MẬT\n")
        rc, out, err = run(["scan", "secrets", evil])
        ok(rc == 1 and "\x1b" not in out and len(out.splitlines()) == 2 and "MẬT" in out,
           "control bytes in a file name are neutralised in human output", repr(out))
        rc, out, err = run(["scan", "secrets", "--json", evil])
        objs = [json.loads(line) for line in out.splitlines()]
        ok(rc == 1 and len(objs) == 2 and "\n" in objs[0]["path"], "and escaped in JSON", repr(out))
        # the same result with one thread as with two
        rc1, out1, _ = run(["scan", "secrets", "--json", "--threads", "1", os.path.join(d, "office"),
                            os.path.join(d, "text")])
        rc2, out2, _ = run(["scan", "secrets", "--json", "--threads", "2", os.path.join(d, "office"),
                            os.path.join(d, "text")])
        key = lambda o: sorted((x["path"], x["level"] or "") for x in map(json.loads, o.splitlines())
                               if x.get("type") == "finding")
        ok(rc1 == rc2 == 1 and key(out1) == key(out2), "one thread and two threads find the same")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
