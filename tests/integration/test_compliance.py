#!/usr/bin/env python3
"""`canhgac compliance` on the demo province (issue 14): one JSON object per
control and subject then a summary; exit 1 when something is overdue or
missing evidence, 0 when nothing is, 2 on an error naming file:line; the
agencies seeded ahead score above those seeded late and those with no
evidence; --agency limits the subjects; the evaluation date picks the
regime (decree85 until 30 June 2026, law2025 from 1 July) and --regime
forces one; a rule file edited in --rules changes the result with no
rebuild. TAP output; python3 stdlib only."""
import json
import os
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


def run(*args, lang="en"):
    r = subprocess.run([BIN] + list(args) + ["--lang", lang], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


d = tempfile.mkdtemp(prefix="canhgac-compliance.")
try:
    rc, out, err = run("demo", "seed", "--data-dir", d)
    ok(rc == 0, "demo seed", err)

    rc, out, err = run("compliance", "--json", "--data-dir", d)
    lines = [json.loads(x) for x in out.splitlines()]
    controls, summary = lines[:-1], lines[-1]
    ok(rc == 1 and summary["type"] == "summary", "exit 1 on the demo, a summary last", (rc, err))
    keys = {"type", "control", "title", "subject_type", "subject_id", "agency_id", "status", "due",
            "legal_basis", "evidence"}
    ok(controls and all(keys <= set(c) and c["type"] == "control" for c in controls),
       "every line has the control's fields", controls[:1])
    statuses = {c["status"] for c in controls}
    ok(statuses == {"ok", "due_soon", "overdue", "missing_evidence", "not_applicable"} or
       statuses >= {"ok", "overdue", "missing_evidence", "not_applicable"},
       "the demo shows every kind of status", statuses)
    ok(all(c["legal_basis"] for c in controls), "every result cites its legal basis")
    ok(summary["regime"] in ("decree85", "law2025") and isinstance(summary["percent"], int),
       "the summary names the regime and the province's percentage", summary.get("regime"))
    by_name = {a["name"]: a["percent"] for a in summary["agencies"]}
    ahead, late, none = by_name["Sở Khoa học và Công nghệ"], by_name["Sở Tài chính"], by_name["UBND xã Tà Tổng"]
    ok(ahead > late > none, "ahead > late > no evidence (%s, %s, %s)" % (ahead, late, none))
    late_scan = [c for c in controls if c["control"] == "vuln_scan_6m" and c["subject_name"] == "Trang thông tin điện tử Sở Tài chính"]
    ok(len(late_scan) == 1 and late_scan[0]["status"] == "overdue", "a late scan is overdue", late_scan)

    rc, out, err = run("compliance", "--json", "--data-dir", d, "--agency", "SKHCN")
    sub = [json.loads(x) for x in out.splitlines()][:-1]
    ok(rc in (0, 1) and sub and len({c["agency_id"] for c in sub}) == 1, "--agency keeps one agency", err)

    for at, regime in (("2026-06-30", "decree85"), ("2026-07-01", "law2025")):
        rc, out, err = run("compliance", "--json", "--data-dir", d, "--at", at)
        s = json.loads(out.splitlines()[-1])
        ok(s["regime"] == regime and s["at"] == at, "on %s the regime is %s" % (at, regime), s.get("regime"))
    rc, out, err = run("compliance", "--json", "--data-dir", d, "--at", "2026-12-03", "--regime", "decree85")
    ok(json.loads(out.splitlines()[-1])["regime"] == "decree85", "--regime forces a regime")
    law = [json.loads(x) for x in run("compliance", "--json", "--data-dir", d, "--at", "2026-12-03")[1].splitlines()][:-1]
    ok(any(c["awaiting_decree"] for c in law if c["control"] == "classification"),
       "law2025 marks the controls awaiting the implementing decree")

    rc, out, err = run("compliance", "--data-dir", d, lang="vi")
    ok(rc == 1 and "tuân thủ" in out.splitlines()[-1], "the summary line in Vietnamese", out[-300:])

    # a rules directory edited on disk
    rules = os.path.join(d, "rules")
    shutil.copytree(os.path.join(SRC, "rules/compliance"), rules)
    for reg in ("decree85", "law2025"):
        p = os.path.join(rules, reg, "controls.ini")
        text = open(p, encoding="utf-8").read()
        open(p, "w", encoding="utf-8").write(text.replace("evidence = vuln_scan\nperiod = 6m", "evidence = vuln_scan\nperiod = 5y"))
    rc, out, err = run("compliance", "--json", "--data-dir", d, "--rules", rules)
    edited = [json.loads(x) for x in out.splitlines()][:-1]
    now_scan = [c for c in edited if c["control"] == "vuln_scan_6m" and c["subject_name"] == "Trang thông tin điện tử Sở Tài chính"]
    ok(now_scan and now_scan[0]["status"] == "ok", "a period changed in the file changes the status", now_scan)

    # only a standing control that the agency meets: exit 0
    own = os.path.join(d, "own")
    os.makedirs(os.path.join(own, "r"))
    with open(os.path.join(own, "r", "a.ini"), "w", encoding="utf-8") as f:
        f.write("[regime]\nname = own\n\n[control team]\ntitle_vi = Tổ ứng cứu\ntitle_en = Team\n"
                "document = Chỉ thị\narticle = mục 1\napplies = agencies\nevidence = response_team\n"
                "notify = provincial_team\n")
    rc, out, err = run("compliance", "--data-dir", d, "--rules", own, "--agency", "SKHCN")
    ok(rc == 0 and out.splitlines()[0].startswith("ok"), "exit 0 when nothing needs action", (rc, out, err))

    with open(os.path.join(own, "r", "b.ini"), "w", encoding="utf-8") as f:
        f.write("[control other]\ntitle_vi = x\ntitle_en = x\ndocument = d\narticle = a\n"
                "applies = systems\nevidence = drill\nperiod = 1y\ndue = 2026-02-30\nnotify = x\n")
    rc, out, err = run("compliance", "--data-dir", d, "--rules", own)
    ok(rc == 2 and not out and err.count("\n") == 1 and "r/b.ini:9: bad date '2026-02-30'" in err,
       "a bad date is an error naming file:line", err)
    rc, out, err = run("compliance", "--data-dir", d, "--at", "2026-02-30")
    ok(rc == 2 and "--at" in err, "a bad --at is a usage error", err)
    rc, out, err = run("compliance", "--data-dir", d, "--regime", "nope")
    ok(rc == 2 and "no regime named 'nope'" in err, "an unknown regime is an error", err)
finally:
    shutil.rmtree(d, ignore_errors=True)
print("1..%d" % n)
sys.exit(1 if failed else 0)
