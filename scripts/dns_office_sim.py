#!/usr/bin/env python3
"""Busy-office DNS traffic with word-based DGA infections, for the
`dga_words` detector of `canhgac dns analyze` (docs/dns.md).

Generates one BIND querylog of a working day (08:00-17:00) of an office:

- benign clients browse: popular shared sites (several names each: www,
  static, cdn, api, img), ad networks and trackers (shared), software
  updates (shared), CDN names with random labels under the shipped
  allow-list (rules/dns/allow.txt), and long-tail sites that only that
  client visits: mostly several names and revisits, but a share are a
  single name asked once (a site served from one host, a result clicked once),
  bunched into search sessions of several sites within minutes. Long-tail
  names come from a benign list (--benign FILE, one domain a line), English
  word pairs (they look exactly like word DGAs), Vietnamese syllables and
  names with digits (see longtail_names);
- infected clients do the same and, in one burst, query N domains of a
  word-based DGA made from the word list (wamerican): suppobox style
  (two words + .net/.com) or matsnu style (2-4 words + .com), each asked
  once, or twice (a retry a few seconds later).

Writes the log and a truth file (client TAB label). Used by
tests/integration/test_dns_words.py and by `--eval`, which runs canhgac
for several sizes and prints the table of docs/dns.md.

Usage: dns_office_sim.py OUT.log TRUTH.tsv [--seed S] [--benign-clients N]
           [--infected N] [--dga-names N] [--family suppobox|matsnu]
           [--benign FILE] [--heavy]
       dns_office_sim.py --eval [--benign FILE]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("CANHGAC") or os.path.join(ROOT, "build", "canhgac")
WORDS = "/usr/share/dict/words"

POPULAR = ["google.com", "youtube.com", "facebook.com", "zalo.me", "vnexpress.net", "dantri.com.vn",
           "thanhnien.vn", "tuoitre.vn", "vietnamnet.vn", "baochinhphu.vn", "chinhphu.vn",
           "dichvucong.gov.vn", "laichau.gov.vn", "vietcombank.com.vn", "bidv.com.vn", "shopee.vn",
           "tiki.vn", "lazada.vn", "wikipedia.org", "github.com", "stackoverflow.com", "office.com",
           "outlook.com", "live.com", "bing.com", "coccoc.com", "24h.com.vn", "kenh14.vn", "zingnews.vn",
           "cafef.vn", "vtv.vn", "nhandan.vn", "mail.google.com", "drive.google.com", "docs.google.com"]
ADS = ["doubleclick.net", "googlesyndication.com", "googleadservices.com", "google-analytics.com",
       "googletagmanager.com", "adnxs.com", "criteo.com", "criteo.net", "taboola.com", "outbrain.com",
       "pubmatic.com", "rubiconproject.com", "openx.net", "casalemedia.com", "scorecardresearch.com",
       "adtimaserver.vn", "admicro.vn", "eclick.vn", "yomedia.vn", "hotjar.com", "clarity.ms",
       "facebook.net", "connect.facebook.net", "amazon-adsystem.com", "moatads.com", "teads.tv"]
UPDATES = ["windowsupdate.com", "update.microsoft.com", "download.windowsupdate.com", "officecdn.microsoft.com",
           "ardownload.adobe.com", "armmf.adobe.com", "update.googleapis.com", "dl.google.com",
           "edgedl.me.gvt1.com", "clients2.google.com", "swcdn.apple.com", "download.mozilla.org",
           "aus5.mozilla.org", "update.bkav.com.vn", "update.kaspersky.com", "liveupdate.symantec.com",
           "ctldl.windowsupdate.com", "settings-win.data.microsoft.com", "v10.events.data.microsoft.com",
           "zoom.us", "teams.microsoft.com", "anydesk.com", "ultraviewer.net", "teamviewer.com"]
SUBS = ["www", "static", "cdn", "api", "img", "m", "s", "assets", "media"]
SYLL = ["an", "binh", "cong", "dan", "dien", "giang", "ha", "hai", "hoa", "hung", "khanh", "lam", "long",
        "minh", "nam", "nhat", "phat", "phong", "phuc", "quang", "son", "tan", "thanh", "thien", "tien",
        "trung", "tuan", "viet", "vinh", "xuan", "sao", "mai", "hong", "lien", "thinh", "dat", "gia"]
TLDS_LT = ["com", "net", "org", "vn", "com.vn", "info", "edu.vn", "io", "co"]


def words(path=WORDS):
    out = []
    for w in open(path, encoding="utf-8", errors="replace"):
        w = w.strip()
        if w.isascii() and w.isalpha() and w.islower() and 3 <= len(w) <= 9:
            out.append(w)
    return out


def allow_zones():
    zs = []
    for line in open(os.path.join(ROOT, "rules/dns/allow.txt")):
        line = line.strip()
        if line and not line.startswith("#") and "." in line and "arpa" not in line:
            zs.append(line)
    return zs


class Log:
    def __init__(self, r):
        self.lines = []
        self.r = r

    def q(self, t, client, name, qtype="A"):
        sec = int(t)
        ms = int((t - sec) * 1000)
        hh, mm, ss = sec // 3600, (sec // 60) % 60, sec % 60
        port = self.r.randrange(1024, 65535)
        self.lines.append((t, f"21-Nov-2026 {hh:02d}:{mm:02d}:{ss:02d}.{ms:03d} queries: info: client "
                              f"@0x7f1c2c0a1b20 {client}#{port} ({name}): query: {name} IN {qtype} +E(0)K (10.0.0.1)"))

    def lookup(self, t, client, name):
        """A browser's lookup: A and AAAA together."""
        self.q(t, client, name, "A")
        self.q(t + 0.001, client, name, "AAAA")


def longtail_names(r, benign, wl, n):
    """Sites only one client visits. With a benign list: 60% from it, 20%
    English word pairs (exactly what a word DGA makes), 20% Vietnamese
    shop and company names. Without: 35% word pairs, 40% Vietnamese, 25%
    names with digits or hyphens."""
    out = set()
    while len(out) < n:
        k = r.random()
        if benign:
            kind = "list" if k < 0.6 else "pair" if k < 0.8 else "viet"
        else:
            kind = "pair" if k < 0.35 else "viet" if k < 0.75 else "mixed"
        if kind == "list":
            d = r.choice(benign)
        elif kind == "pair":
            d = r.choice(wl) + r.choice(wl) + "." + r.choice(["com", "net", "org", "info"])
        elif kind == "viet":
            d = "".join(r.choice(SYLL) for _ in range(r.randint(2, 3))) + "." + r.choice(TLDS_LT)
        else:
            d = r.choice(wl) + r.choice(["-", ""]) + r.choice(SYLL) + str(r.randint(1, 999)) + "." + r.choice(TLDS_LT)
        out.add(d)
    return list(out)


def dga_names(r, wl, n, family):
    out = set()
    while len(out) < n:
        if family == "suppobox":
            out.add(r.choice(wl) + r.choice(wl) + "." + r.choice(["net", "com"]))
        else:  # matsnu: 2-4 words, up to 24 characters
            w = ""
            for _ in range(r.randint(2, 4)):
                nxt = r.choice(wl)
                if len(w) + len(nxt) > 24:
                    break
                w += nxt
            if len(w) >= 8:
                out.add(w + ".com")
    return sorted(out)


def generate(out, truth, seed=1, benign_clients=60, infected=10, dga=20, family="suppobox",
             benign_file=None, heavy=False):
    r = random.Random(seed)
    wl = words()
    benign = []
    if benign_file:
        benign = [l.strip().lower() for l in open(benign_file) if l.strip() and not l.startswith("#")]
    zones = allow_zones()
    log = Log(r)
    day0, day1 = 8 * 3600, 17 * 3600
    clients = [f"10.20.{i // 200}.{i % 200 + 10}" for i in range(benign_clients + infected)]
    labels = {}
    # long-tail sites per client: a heavy user visits many
    per_client_lt = 240 if heavy else 120
    lt_pool = longtail_names(r, benign, wl, per_client_lt * len(clients))
    r.shuffle(lt_pool)
    for ci, c in enumerate(clients):
        is_inf = ci >= benign_clients
        labels[c] = f"dga-{family}" if is_inf else "benign"
        own = lt_pool[ci * per_client_lt:(ci + 1) * per_client_lt]
        # popular and shared traffic through the day
        t = day0 + r.random() * 600
        while t < day1:
            k = r.random()
            if k < 0.45:
                site = r.choice(POPULAR)
                for s in r.sample(SUBS, r.randint(1, 4)):
                    log.lookup(t + r.random(), c, s + "." + site if site.count(".") < 2 else site)
                for a in r.sample(ADS, r.randint(1, 5)):
                    log.lookup(t + r.random() * 2, c, (r.choice(SUBS) + "." if r.random() < 0.5 else "") + a)
            elif k < 0.6:
                log.lookup(t, c, r.choice(UPDATES))
            elif k < 0.8:
                z = r.choice(zones)
                lab = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(r.randint(6, 20)))
                log.lookup(t, c, lab + "." + z)
            t += r.expovariate(1 / 45.0)
        # long-tail sites, in search sessions of 3-12 sites within minutes
        i = 0
        while i < len(own):
            ts = day0 + r.random() * (day1 - day0 - 900)
            k = r.randint(3, 12)
            session, i = own[i:i + k], i + k
            for d in session:
                ts += r.uniform(5, 90)
                if r.random() < 0.5:  # a single name asked once (everything on one host)
                    log.lookup(ts, c, d)
                    continue
                names = [d] + [s + "." + d for s in r.sample(SUBS, r.randint(1, 4))]
                for nm in names:
                    log.lookup(ts + r.random() * 3, c, nm)
                if r.random() < 0.5:  # revisit later
                    log.lookup(ts + r.uniform(600, 7200), c, "www." + d)
        if is_inf:
            tb = day0 + r.random() * (day1 - day0 - 3600)
            for d in dga_names(r, wl, dga, family):
                tb += r.uniform(0.2, 20)
                log.q(tb, c, d)
                if r.random() < 0.4:  # retry
                    log.q(tb + r.uniform(2, 6), c, d)
    log.lines.sort(key=lambda x: x[0])
    with open(out, "w") as f:
        for _, line in log.lines:
            f.write(line + "\n")
    with open(truth, "w") as f:
        for c, lab in labels.items():
            f.write(f"{c}\t{lab}\n")
    return labels


def analyze(log, extra=()):
    p = subprocess.run([BIN, "dns", "analyze", "--json", *extra, log], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"canhgac failed: {p.stderr}")
    flagged = {}
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if o.get("type") == "client":
            flagged[o["client"]] = o
    return flagged


def evaluate(benign_file):
    rows = []
    with tempfile.TemporaryDirectory() as d:
        log, truth = os.path.join(d, "o.log"), os.path.join(d, "t.tsv")
        for heavy in (False, True):
            for family in ("suppobox", "matsnu"):
                for n in (5, 8, 10, 20, 50):
                    labels = generate(log, truth, seed=n * 7 + heavy, benign_clients=60, infected=10, dga=n,
                                      family=family, benign_file=benign_file, heavy=heavy)
                    fl = analyze(log)
                    words_fl = {c for c, o in fl.items() if any(x["kind"] == "dga_words" for x in o["reasons"])}
                    tp = sum(1 for c in words_fl if labels[c] != "benign")
                    fp = sum(1 for c in words_fl if labels[c] == "benign")
                    inf = sum(1 for v in labels.values() if v != "benign")
                    ben = len(labels) - inf
                    any_fp = sum(1 for c in fl if labels[c] == "benign")
                    prec = tp / (tp + fp) if tp + fp else None
                    rows.append((family, n, "heavy" if heavy else "normal", tp, inf, fp, ben, prec, tp / inf, any_fp))
    print("| family | DGA names in the burst | benign browsing | infected flagged (dga_words) | benign flagged (dga_words) | precision | recall | benign flagged (any reason) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for fam, n, h, tp, inf, fp, ben, prec, rec, anyfp in rows:
        ps = "–" if prec is None else f"{prec:.2f}"
        print(f"| {fam} | {n} | {h} | {tp}/{inf} | {fp}/{ben} | {ps} | {rec:.2f} | {anyfp}/{ben} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("truth", nargs="?")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--benign-clients", type=int, default=60)
    ap.add_argument("--infected", type=int, default=10)
    ap.add_argument("--dga-names", type=int, default=20)
    ap.add_argument("--family", default="suppobox")
    ap.add_argument("--benign")
    ap.add_argument("--heavy", action="store_true")
    ap.add_argument("--eval", action="store_true")
    a = ap.parse_args()
    if a.eval:
        evaluate(a.benign)
        return 0
    if not a.out or not a.truth:
        ap.error("OUT and TRUTH are needed")
    generate(a.out, a.truth, a.seed, a.benign_clients, a.infected, a.dga_names, a.family, a.benign, a.heavy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
