#!/usr/bin/env python3
"""Every command of `canhgac help`, given a bad option and bad usage, in a
fresh directory: exit 2, one line on stderr naming the problem, nothing on
stdout, and nothing created - neither in the working directory nor at the
--data-dir it was given. The messages follow LANG / LC_ALL / LC_MESSAGES
or --lang, the same for every command; every message of src/cmd is in the
catalogue. Plus the group errors ("scan --bogus"), a path that never
existed (not "vanished") and `web check` naming a URL once.
TAP output; python3 stdlib only."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

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


def env_for(lang=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "CANHGAC_DATA_DIR", "LANGUAGE")}
    if lang:
        e["LANG"] = lang
    return e


def run(args, cwd, lang=None, stdin=b""):
    r = subprocess.run([BIN] + args, cwd=cwd, env=env_for(lang), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def tree(d):
    out = []
    for root, dirs, files in os.walk(d):
        out += [os.path.relpath(os.path.join(root, x), d) for x in dirs + files]
    return sorted(out)


# Bad usage for each command: wrong or missing arguments, or an option
# value that cannot be right. Every command in `canhgac help` must have a
# row here, so a new command gets this test the day it is added.
BAD_USAGE = {
    "compliance": [["extra"], ["--at", "2026-02-30"], ["--at", "tomorrow"], ["--regime", ""],
                   ["--regime", "nope"], ["--rules", "no-such-dir"]],
    "report": [[], ["weekly", "--period", "2026-11"], ["monthly"], ["monthly", "--period", "2026-13"],
               ["annual", "--period", "2026-H1"], ["monthly", "--period", "2026-11", "--format", "odt"],
               ["monthly", "--period", "2026-11", "--format", "pdf", "--format", "docx", "--out", "x.pdf"],
               ["monthly", "--period", "2026-11", "--sign", "k.pem"],
               ["monthly", "--period", "2026-11", "--cert", "c.pem"]],
    "export stix": [[], ["extra", "--out", "b.json"], ["--out", "b.json", "--tlp", "white"],
                    ["--out", "b.json", "--since", "yesterday"],
                    ["--out", "b.json", "--since", "2026-11-02", "--until", "2026-11-01"],
                    ["--out", "b.json", "--sign", "k.pem"], ["--out", "b.json", "--cert", "c.pem"],
                    ["--out", "b.json", "--sign", "no-such.pem", "--cert", "no-such.crt"]],
    "export national-report": [[], ["--out", "n.json"], ["--period", "2026-11"],
                               ["extra", "--period", "2026-11", "--out", "n.json"],
                               ["--period", "2026-13", "--out", "n.json"],
                               ["--period", "2026", "--out", "n.json"],
                               ["--period", "2026-11", "--out", "n.json", "--format", "csv"],
                               ["--period", "2026-11", "--out", "n.json", "--sign", "k.pem"],
                               ["--period", "2026-11", "--out", "n.json", "--cert", "c.pem"],
                               ["--period", "2026-11", "--out", "n.json", "--map", "no-such.map"],
                               ["--period", "2026-11", "--out", "n.json", "--sign", "no-such.pem",
                                "--cert", "no-such.crt"]],
    "export misp": [[], ["extra", "--out", "e.json"], ["--out", "e.json", "--tlp", "white"],
                    ["--push", "http://127.0.0.1:9"], ["--push", "ftp://127.0.0.1/", "--key-file", "k"],
                    ["--out", "e.json", "--distribution", "5"], ["--out", "e.json", "--sharing-group", "3"],
                    ["--out", "e.json", "--since", "yesterday"]],
    "intel import": [[], ["--source", "", "b.json"]],
    "intel list": [["extra"]],
    "intel export": [[], ["--out", "h.txt"], ["--out", "h.txt", "--kind", "urls"], ["extra", "--out", "h.txt", "--kind", "hashes"]],
    "rules check": [[]],
    "sign": [[], ["f.pdf"], ["f.pdf", "--key", "k.pem"],
             ["f.pdf", "--key", "k.pem", "--cert", "c.pem", "--pin-file", "pin"],
             ["no-such.pdf", "--key", "k.pem", "--cert", "c.pem"]],
    "store copy": [[], ["--from", "sqlite:x.db"], ["--from", "mysql://x", "--to", "postgresql://127.0.0.1:9/x"]],
    "agent enroll": [["--server", "https://127.0.0.1:9"],
                     ["--server", "https://127.0.0.1:9", "--token", "t", "--ca", "no-such-ca.pem"],
                     ["--server", "https://127.0.0.1:9", "--token", "t", "--bundle-key", "no-such.pub"],
                     ["--server", "https://127.0.0.1:9", "--token", "t", "--bundle-key-text", "not-a-key"]],
    "agent run": [["extra"], ["--run-for", "soon"], ["--config", "no-such.ini"], ["--config"]],
    "agent status": [["extra"]],
    "audit accounts": [["--max-age-days", "0"], ["--root", "no-such-root"], ["--now", "yesterday"]],
    "backup": [[], ["extra", "--out", "b.cgbk"], ["--out", "b.cgbk", "--encrypt-to", "no-such.pub"],
               ["--out", "b.cgbk", "--key", "k.key"]],
    "backup keygen": [[], ["a", "b"]],
    "backup verify": [[], ["b.cgbk", "--key", "no-such.key"], ["b.cgbk", "--out", "x"]],
    "restore": [[], ["no-such.cgbk"], ["b.cgbk", "--signer", "no-such.pub"]],
    "bundle keygen": [[], ["a", "b"]],
    "bundle sign": [["bundle-dir"], ["bundle-dir", "--key", "k.key", "--version", "-1"]],
    "bundle verify": [["bundle-dir"]],
    "demo seed": [["extra"]],
    "dns analyze": [[], ["--since", "soon", "log"], ["--format", "nosuch", "log"]],
    "dns dga-train": [["--out", "model.bin"]],
    "dns watch": [[], ["--interval", "x", "log"]],
    "fim scan": [[], ["no-such-root"]],
    "help": [["no-such-command"], ["--man", "no-such-command"], ["--man-dir", "man1", "serve"],
             ["--man-dir"]],
    "quarantine delete": [[]],
    "quarantine list": [["extra"]],
    "quarantine restore": [[], ["a", "b"]],
    "scan malware": [[], ["no-such-path"], ["--threads", "0", "."], ["--rules", "no-such.yar", "."],
                     ["--hashes", "no-such.txt", "."], ["--clamav", "no-such-db", "."]],
    "scan secrets": [[], ["--threads", "x", "."]],
    "scan exposure": [[], ["--rate", "x", "127.0.0.1"], ["not a target!"], ["10.0.0.0/16"],
                      ["--templates", "no-such-dir", "127.0.0.1"], ["ftp://127.0.0.1/"],
                      ["--ports", "0-5", "127.0.0.1"]],
    "serve": [["--no-tls", "--listen", "0.0.0.0:0"], ["--listen", "nowhere"], ["--tls-cert", "c.pem"],
              ["--listen", "127.0.0.1:0", "--tls-cert", "no-such.pem", "--tls-key", "no-such.key"],
              ["--web-interval", "-5"], ["extra"], ["--config", "no-such.ini"], ["--config"],
              ["--trusted-proxy", "nginx.local"], ["--retention-months", "-1"], ["--retention-months", "1201"],
              ["--exposure-interval", "-1"], ["--exposure-interval", "3661"], ["--exposure-interval-level3", "0"]],
    "user add": [[], ["alice"], ["alice", "--role", "chief"], ["alice", "--role", "officer"],
                 ["alice", "--role", "officer", "--agency", "nosuch"]],
    "verify": [[], ["a.pdf", "b.pdf"], ["no-such.pdf"]],
    "version": [["extra"]],
    "web baseline": [[], ["ftp://example.invalid/"], ["--url-file", "no-such.txt"]],
    "web check": [[], ["--threshold", "0", "https://example.invalid/"],
                  ["--ca-file", "no-such-ca.pem", "https://example.invalid/"],
                  ["--lexicon", "no-such-lexicon.txt", "https://example.invalid/"],
                  ["--rules", "no-such-rules", "https://example.invalid/"]],
}


def commands():
    rc, out, _ = run(["help", "--lang", "en"], cwd="/")
    names = []
    for line in out.splitlines():
        # "  %-18s %s": the name is in the first column, lower-case words
        # (a longer name pushes the summary, which starts with a capital)
        if line.startswith("  ") and len(line) > 21 and line[2] != " ":
            words = []
            for w in line[2:].split(" "):
                if not w or not re.match(r"^[a-z][a-z0-9-]*$", w):
                    break
                words.append(w)
            names.append(" ".join(words))
    return names


def refused_cleanly(args, what, lang=None, stdin=b"long-enough-password-1\n", want=None, data_dir=True):
    """Runs in a fresh directory with --data-dir pointing into it."""
    d = tempfile.mkdtemp(prefix="canhgac-refusal.")
    try:
        os.mkdir(os.path.join(d, "cwd"))
        data = os.path.join(d, "data", "x")
        rc, out, err = run(args + (["--data-dir", data] if data_dir else []), cwd=os.path.join(d, "cwd"), lang=lang, stdin=stdin)
        lines = err.rstrip("\n").split("\n") if err.strip() else []
        left = tree(d)
        good = rc == 2 and len(lines) == 1 and out == "" and left == ["cwd"]
        if want:
            good = good and want(lines[0] if lines else "")
        ok(good, f"{what}: exit 2, one line, nothing written",
           f"rc={rc} stdout={out[:200]!r} stderr={err[:600]!r} left={left}")
        return lines[0] if lines else ""
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    names = commands()
    ok(len(names) >= 20, f"the command table lists {len(names)} commands", names)
    ok(sorted(BAD_USAGE) == sorted(names), "every command has bad-usage cases here",
       set(BAD_USAGE) ^ set(names))
    for name in names:
        words = name.split()
        refused_cleanly(words + ["--no-such-option"], f"{name} --no-such-option",
                        want=lambda l: "'--no-such-option'" in l and f"canhgac {name}:" in l)
        for bad in BAD_USAGE.get(name, []):
            refused_cleanly(words + bad, f"{name} {' '.join(bad)}".strip())

    # The case: plain HTTP off loopback, refused before agents.db.
    line = refused_cleanly(["serve", "--no-tls", "--listen", "0.0.0.0:0"], "serve --no-tls off loopback")
    ok("plain HTTP" in line and "0.0.0.0:0" in line, "the refusal says why", line)

    # serve --config: the file's values pass the same checks as the
    # command line's (plain HTTP off loopback, an unknown key), before
    # anything is written.
    cfgdir = tempfile.mkdtemp(prefix="canhgac-refusal-cfg.")
    try:
        cases = [("[server]\nlisten = 0.0.0.0:0\ntls = false\n", "plain HTTP", "off loopback from the file"),
                 ("[server]\nlisten = nowhere\n", "nowhere", "a bad listen address from the file"),
                 ("[server]\nno_such_key = 1\n", "no_such_key", "an unknown key, named"),
                 ("[server]\ntrusted_proxy = nginx.local\n", "nginx.local", "a trusted proxy that is no address"),
                 ("[server]\njob_lease = 1\n", "job_lease", "a job lease under its bound"),
                 ("[server]\nretention_months = many\n", "retention_months", "a retention that is no number"),
                 ("[exposure]\ninterval_days = often\n", "interval_days", "an exposure interval that is no number"),
                 ("[exposure]\nevery = 3\n", "every", "an unknown key of [exposure], named")]
        for i, (text, word, what) in enumerate(cases):
            cfg = os.path.join(cfgdir, "c%d.ini" % i)
            with open(cfg, "w") as f:
                f.write(text)
            line = refused_cleanly(["serve", "--config", cfg], "serve --config: " + what)
            ok(word in line and "canhgac serve:" in line, "serve --config: the refusal says why (%s)" % what, line)
            line = refused_cleanly(["serve", "--config", cfg], "serve --config in Vietnamese: " + what,
                                   lang="vi_VN.UTF-8")
            ok("xem 'canhgac help serve'" in line, "serve --config: refused in Vietnamese too", line)
    finally:
        shutil.rmtree(cfgdir, ignore_errors=True)

    # One language, picked by the locale or --lang, for every command.
    for name in names:
        words = name.split()
        vi = refused_cleanly(words + ["--no-such-option"], f"{name}: LANG=vi_VN.UTF-8", lang="vi_VN.UTF-8")
        ok("không hiểu tùy chọn '--no-such-option'" in vi and "xem 'canhgac help" in vi,
           f"{name}: Vietnamese under LANG=vi_VN", vi)
    line = refused_cleanly(["version", "--lang", "vi", "--bogus"], "--lang vi", lang="en_US.UTF-8")
    ok("không hiểu tùy chọn" in line, "--lang vi wins over LANG=en_US", line)
    line = refused_cleanly(["version", "--bogus", "--lang", "en"], "--lang en", lang="vi_VN.UTF-8")
    ok("unknown option '--bogus'" in line, "--lang en wins over LANG=vi_VN (even after the bad option)", line)
    line = refused_cleanly(["version", "--lang", "fr"], "--lang fr")
    ok("--lang must be vi or en" in line, "--lang with another language is a usage error", line)
    line = refused_cleanly(["scan", "secrets", "--threads", "0", "."], "scan secrets in Vietnamese",
                           lang="vi_VN.UTF-8")
    ok("phải là số nguyên từ 1 đến 256" in line, "scan secrets follows the same language", line)
    line = refused_cleanly(["scan", "malware", "no-such-path"], "a missing path in Vietnamese", lang="vi_VN.UTF-8")
    ok("no-such-path: Không có tệp hoặc thư mục này" in line, "... the system's reason too", line)

    # Groups and unknown commands say which word was not understood.
    line = refused_cleanly(["scan", "--bogus"], "scan --bogus")
    ok("'--bogus'" in line and "missing subcommand" not in line and "malware" in line and "secrets" in line,
       "scan --bogus names the word not understood and the group's commands", line)
    line = refused_cleanly(["scan", "bogus"], "scan bogus")
    ok("'bogus'" in line, "scan bogus names the word", line)
    line = refused_cleanly(["scan"], "scan alone", data_dir=False)
    ok("missing subcommand" in line and "malware" in line, "scan alone: missing subcommand, with the choices", line)
    line = refused_cleanly(["no-such-command"], "unknown command")
    ok("unknown command 'no-such-command'" in line, "an unknown command is named", line)
    line = refused_cleanly(["scan", "--bogus"], "scan --bogus (vi)", lang="vi_VN.UTF-8")
    ok("'--bogus' không phải lệnh con của scan" in line, "scan --bogus in Vietnamese", line)
    d = tempfile.mkdtemp(prefix="canhgac-refusal.")
    try:
        rc, out, err = run(["scan", "--help"], cwd=d)
        ok(rc == 0 and "scan malware" in out and "scan secrets" in out, "scan --help lists the group", (rc, out, err))

        # A path that never existed is not "vanished".
        rc, out, err = run(["scan", "malware", "--data-dir", os.path.join(d, "data"), os.path.join(d, "never-was")], cwd=d)
        ok(rc == 2 and "never-was" in err and "vanish" not in err and "No such file" in err,
           "scan malware: a path that never existed is said not to exist", err)
        rc, out, err = run(["scan", "secrets", os.path.join(d, "never-was")], cwd=d)
        ok(rc == 2 and "never-was" in err and "vanish" not in err, "scan secrets: never 'vanished' either", err)

        # web check names the URL once.
        url = "http://127.0.0.1:9/no-baseline/"
        rc, out, err = run(["web", "check", "--data-dir", os.path.join(d, "data"), url], cwd=d)
        ok(rc == 2 and err.count(url) == 1 and "no baseline" in err, "web check without a baseline names the URL once", err)
        rc, out, err = run(["web", "check", "--data-dir", os.path.join(d, "data"), url], cwd=d, lang="vi_VN.UTF-8")
        ok(rc == 2 and err.count(url) == 1 and "chưa có mẫu chuẩn" in err, "... and in Vietnamese", err)

        # Output, not only errors, follows the language.
        rc, out, err = run(["help"], cwd=d, lang="vi_VN.UTF-8")
        ok(rc == 0 and "cách dùng: canhgac LỆNH" in out and "Chạy máy chủ trung tâm" in out,
           "help in Vietnamese under LANG=vi_VN", out[:300])
        rc, en, _ = run(["help"], cwd=d)
        rows_vi = [l for l in out.splitlines() if l.startswith("  ")]
        rows_en = [l for l in en.splitlines() if l.startswith("  ")]
        ok(len(rows_vi) == len(rows_en) and all(a != b for a, b in zip(rows_vi, rows_en)),
           "every command's summary is translated", [a for a, b in zip(rows_vi, rows_en) if a == b])
        # Help is translated line by line: every line of every command's
        # help that has words (not only option names and values) reads
        # in Vietnamese; a line added later without a translation is named.
        untranslated = []
        for name in names:
            _, h_en, _ = run(["help"] + name.split(), cwd=d)
            _, h_vi, _ = run(["help"] + name.split() + ["--lang", "vi"], cwd=d)
            if not h_vi.startswith("cách dùng: canhgac " + name) or "tùy chọn chung:" not in h_vi:
                untranslated.append(name)
                continue
            en = h_en.split("\ncommon options:")[0].splitlines()[3:]
            vi = h_vi.split("\ntùy chọn chung:")[0].splitlines()[3:]
            for a, b in zip(en, vi):
                if a == b and re.search(r"\b(the|of|and|to|or|in|is|for|with|a|an|when|this|one)\b", a):
                    untranslated.append(f"{name}: {a}")
        ok(not untranslated, "every command's help is in Vietnamese with --lang vi", untranslated)
        docs = os.path.join(d, "docs")
        os.mkdir(docs)
        rc, out, err = run(["scan", "secrets", docs], cwd=d)
        ok(rc == 0 and out.startswith("Scanned 0 files"), "scan secrets speaks English by default", out)
        rc, out, err = run(["scan", "secrets", "--lang", "vi", docs], cwd=d)
        ok(rc == 0 and out.startswith("Đã quét 0 tệp"), "scan secrets --lang vi speaks Vietnamese", out)
    finally:
        shutil.rmtree(d, ignore_errors=True)

    # Every message the commands print is in the catalogue.
    STR = r'"(?:[^"\\]|\\.)*"'
    call = re.compile(r'\b(?:cg_tr|cg_cli_usage_error|cg_cli_error|cg_error|cg_warn)\s*\(\s*'
                      r'(?:[a-z_>\-\.]+\s*,\s*)?((?:' + STR + r'\s*)+)', re.S)
    keys = {}
    for f in glob.glob(os.path.join(SRC, "src/cmd/*.c")) + [os.path.join(SRC, "src/main.c")]:
        for m in call.finditer(open(f, encoding="utf-8").read()):
            keys.setdefault("".join(x[1:-1] for x in re.findall(STR, m.group(1))), os.path.basename(f))
    cat = open(os.path.join(SRC, "src/lib/core/msg_catalog.c"), encoding="utf-8").read()
    have = {m.group(1)[1:-1] for m in re.finditer(r"\{ (" + STR + r"),\n\t  " + STR + r" \}", cat)}
    words = [k for k in keys if re.search(r"[A-Za-z]{2}", re.sub(r"%[-0-9.]*[a-z]+", "", k))]
    missing = sorted(f"{keys[k]}: {k}" for k in words if k not in have)
    ok(len(words) > 80 and not missing, f"all {len(words)} messages of src/cmd are in the catalogue", missing)
    print(f"1..{n}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
