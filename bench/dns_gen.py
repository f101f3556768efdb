#!/usr/bin/env python3
"""Deterministic input for bench/dns.sh: a BIND 9 querylog of N lines and a
blocklist of M domains (seeded PRNG: the same files on every machine).

Traffic: 5,000 clients; names drawn from 200,000 benign-looking names
(Zipf-like popularity), 1% of queries to blocklisted names, a few clients
querying DGA-like names. Half the lines in the 9.11+ layout with the
client object, half in the older layout, like a resolver farm mid-upgrade.
"""
import random
import sys

def main():
    lines, nbl, log_path, bl_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    r = random.Random(20261121)
    alpha = "abcdefghijklmnopqrstuvwxyz"
    words = ["mail", "www", "api", "cdn", "static", "img", "login", "portal", "news",
             "shop", "cloud", "data", "app", "m", "video", "gov", "edu", "hanoi",
             "saigon", "danang", "tinh", "so", "ubnd", "vn", "bao", "tin", "dich", "vu"]
    tlds = ["com", "net", "org", "vn", "com.vn", "gov.vn", "edu.vn", "info", "io"]
    def benign():
        return "%s.%s%s%d.%s" % (r.choice(words), r.choice(words), r.choice(words),
                                 r.randrange(1000), r.choice(tlds))
    names = [benign() for _ in range(200000)]
    bl = set()
    while len(bl) < nbl:
        bl.add("%s%s.%s" % ("".join(r.choice(alpha) for _ in range(r.randrange(6, 12))),
                            r.choice(["xyz", "top", "ru", "cn", "info"]), r.choice(tlds)))
    bl = sorted(bl)
    with open(bl_path, "w") as f:
        f.write("\n".join(bl) + "\n")
    bad = [("c%d." % r.randrange(50)) + d for d in bl[:2000]]
    dga = ["".join(r.choice(alpha) for _ in range(14)) + ".com" for _ in range(3000)]
    clients = ["10.%d.%d.%d" % (r.randrange(1, 20), r.randrange(256), r.randrange(1, 255))
               for _ in range(5000)]
    # Zipf-like popularity over the benign names
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(names))]
    cum = []
    s = 0.0
    for w in weights:
        s += w
        cum.append(s)
    t0 = 1795235101  # 2026-11-21 04:25:01 UTC
    months = "Nov"
    out = open(log_path, "w", buffering=1 << 22)
    batch = 200000
    done = 0
    types = ["A", "A", "A", "AAAA", "AAAA", "HTTPS", "MX", "TXT"]
    while done < lines:
        n = min(batch, lines - done)
        picks = r.choices(names, cum_weights=cum, k=n)
        cl = r.choices(clients, k=n)
        buf = []
        for i in range(n):
            k = done + i
            roll = (k * 2654435761) % 1000
            if roll < 10:
                q = bad[k % len(bad)]
            elif roll < 12:
                q = dga[k % len(dga)]
                cl[i] = clients[k % 7]
            else:
                q = picks[i]
            sec = t0 + k // 2000
            ms = k % 1000
            hh, mm, ss = (sec // 3600) % 24, (sec // 60) % 60, sec % 60
            day = 21 + (sec - t0 + 15901) // 86400
            port = 1024 + (k * 7919) % 60000
            ty = types[k % len(types)]
            if k & 1:
                buf.append("%02d-%s-2026 %02d:%02d:%02d.%03d queries: info: client @0x7f1c2c0a1b20 %s#%d (%s): query: %s IN %s +E(0)K (10.0.0.1)\n"
                           % (day, months, hh, mm, ss, ms, cl[i], port, q, q, ty))
            else:
                buf.append("%02d-%s-2026 %02d:%02d:%02d.%03d client %s#%d (%s): query: %s IN %s + (10.0.0.1)\n"
                           % (day, months, hh, mm, ss, ms, cl[i], port, q, q, ty))
        out.write("".join(buf))
        done += n
    out.close()

main()
