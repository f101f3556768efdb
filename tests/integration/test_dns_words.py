#!/usr/bin/env python3
"""Integration (TAP): dictionary-word DGAs found by what the client does
(issue 18 item 10). A simulated busy office (scripts/dns_office_sim.py:
shared sites, ad networks, software updates, CDN names under the shipped
allow-list, search sessions on sites only one person visits, a third of
them English word pairs) where some clients query a burst of suppobox- or
matsnu-style names made from Debian's word list (wamerican). Every
infected client is flagged `dga_words` with its names as evidence; no
benign client is flagged for any reason; --dga-words-min 0 turns it off."""
import json
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
SIM = os.path.join(SRC, "scripts/dns_office_sim.py")
N = 0
FAILED = 0


def ok(cond, desc, diag=None):
    global N, FAILED
    N += 1
    print(("ok" if cond else "not ok") + f" {N} - {desc}")
    if not cond:
        FAILED += 1
        if diag:
            for line in str(diag)[:3000].splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def analyze(log, *extra):
    p = subprocess.run([BIN, "dns", "analyze", "--json", *extra, log], capture_output=True, text=True, timeout=300)
    out = [json.loads(l) for l in p.stdout.splitlines()]
    return p.returncode, {o["client"]: o for o in out if o["type"] == "client"}, p.stderr


def main():
    if not os.path.exists("/usr/share/dict/words"):
        print("1..0 # SKIP no /usr/share/dict/words (apt-get install wamerican)")
        return 0
    with tempfile.TemporaryDirectory() as d:
        for fam, seed in [("suppobox", 11), ("matsnu", 12)]:
            log, truth = os.path.join(d, fam + ".log"), os.path.join(d, fam + ".tsv")
            subprocess.run([sys.executable, SIM, log, truth, "--seed", str(seed), "--benign-clients", "40",
                            "--infected", "5", "--dga-names", "15", "--family", fam, "--heavy"], check=True)
            labels = dict(l.split() for l in open(truth))
            # which client asked for which name
            askers = {}
            for line in open(log):
                f = line.split()
                askers.setdefault(f[9].strip("()"), set()).add(f[6].split("#")[0])
            rc, fl, err = analyze(log)
            ok(rc == 1, f"{fam}: exit 1 (clients flagged)", err)
            inf = {c for c, lab in labels.items() if lab != "benign"}
            got = {c for c, o in fl.items() if any(r["kind"] == "dga_words" for r in o["reasons"])}
            ok(got == inf, f"{fam}: every infected client, and only those, flagged dga_words",
               (sorted(inf), sorted(got)))
            ben = sorted(c for c in fl if labels[c] == "benign")
            ok(not ben, f"{fam}: no benign client flagged for any reason", [fl[c] for c in ben][:3])
            good = True
            for c in got:
                r = [r for r in fl[c]["reasons"] if r["kind"] == "dga_words"][0]
                good &= r["count"] >= 8 and len(r["names"]) == 10 and all(askers.get(n) == {c} for n in r["names"])
            ok(got and good, f"{fam}: the evidence names domains only that client asked for",
               [fl[c]["reasons"] for c in got][:2])
            rc, fl, err = analyze(log, "--dga-words-min", "0")
            ok(not any(r["kind"] == "dga_words" for o in fl.values() for r in o["reasons"]),
               f"{fam}: --dga-words-min 0 turns it off")
        rc, _, err = analyze(os.path.join(d, "suppobox.log"), "--dga-words-window", "0")
        ok(rc == 2 and "dga-words-window" in err, "a bad --dga-words-window is a usage error", err)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
