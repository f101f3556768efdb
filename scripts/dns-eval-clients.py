#!/usr/bin/env python3
"""Client-level evaluation of DGA flagging (docs/dns.md).

Builds a synthetic BIND querylog from the held-out names written by
`canhgac dns dga-train --heldout FILE` (names the model never trained on):
benign clients each visit 20 popular names shared by all and 100 names of
their own; infected clients (per DGA family) visit the same kind of benign
traffic plus N names of their family. Runs `canhgac dns analyze --json`
and prints, per family, how many infected clients were flagged for DGA,
and how many benign clients were (false positives).

Usage: scripts/dns-eval-clients.py HELDOUT [N_DGA_PER_CLIENT ...]
"""
import collections
import json
import os
import random
import subprocess
import sys
import tempfile

BIN = os.environ.get("CANHGAC") or os.path.join(os.path.dirname(__file__), "..", "build", "canhgac")


def main():
    held = collections.defaultdict(list)
    for line in open(sys.argv[1]):
        fam, name = line.rstrip("\n").split("\t")
        held[fam].append(name)
    sizes = [int(x) for x in sys.argv[2:]] or [5, 10, 30]
    r = random.Random(7)
    benign = held.pop("benign")
    r.shuffle(benign)
    popular, pool = benign[:20], benign[20:]
    nben = len(pool) // 100
    print("| DGA names per infected client | " + " | ".join(sorted(held)) + " | benign clients flagged |")
    print("|---:|" + "---:|" * (len(held) + 1))
    for n in sizes:
        lines, truth, t = [], {}, 0

        def q(client, name):
            nonlocal t
            t += r.randrange(3, 12)
            lines.append("21-Nov-2026 %02d:%02d:%02d.000 client %s#5353 (%s): query: %s IN A + (10.0.0.1)"
                         % (t // 3600 % 24, t // 60 % 60, t % 60, client, name, name))
        for c in range(nben):
            ip = "10.1.%d.%d" % (c // 250, c % 250 + 1)
            truth[ip] = "benign"
            for name in popular + pool[c * 100:(c + 1) * 100]:
                q(ip, name)
        for fi, fam in enumerate(sorted(held)):
            names = held[fam]
            for k in range(5):
                ip = "10.2.%d.%d" % (fi, k + 1)
                truth[ip] = fam
                own = r.sample(pool, 100)
                for name in popular + own + names[k * n:(k + 1) * n]:
                    q(ip, name)
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write("\n".join(lines) + "\n")
            path = f.name
        out = subprocess.run([BIN, "dns", "analyze", "--json", path], stdout=subprocess.PIPE).stdout
        os.unlink(path)
        flagged = set()
        for l in out.decode().splitlines():
            o = json.loads(l)
            if o.get("type") == "client" and any(x["kind"] == "dga" for x in o["reasons"]):
                flagged.add(o["client"])
        det = collections.Counter(truth[ip] for ip in flagged)
        cells = ["%d/5" % det[f] for f in sorted(held)]
        print("| %d | %s | %d/%d |" % (n, " | ".join(cells), det["benign"], nben))


main()
