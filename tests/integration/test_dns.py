#!/usr/bin/env python3
"""Integration tests: `canhgac dns analyze` on every log format (real-format
lines), gzip and standard input, threat-intel formats, --subnets,
--since/--until, --json and --events output, exit statuses, DGA,
tunnelling and beaconing scenarios, and hostile input (binary garbage,
1 MB lines, truncated lines and packets, a truncated gzip stream)."""
import gzip
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

BIN = os.environ.get("CANHGAC") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "canhgac")
n = 0
failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, desc))
    else:
        failed += 1
        print("not ok %d - %s" % (n, desc))
        for line in str(diag).splitlines()[:20]:
            print("# " + line)


def run(*args, stdin=None):
    p = subprocess.run([BIN, "dns", "analyze"] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def jrun(*args, stdin=None):
    rc, out, err = run("--json", *args, stdin=stdin)
    objs = []
    for line in out.splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError:
            objs.append({"unparsable": line})
    clients = {o.get("client"): o for o in objs if o.get("type") == "client"}
    summary = objs[-1] if objs and objs[-1].get("type") == "summary" else {}
    return rc, clients, summary, err


def kinds(c):
    return sorted({r["kind"] for r in c.get("reasons", [])})


d = tempfile.mkdtemp(prefix="canhgac-dns-")


def write(name, text, mode="w"):
    p = os.path.join(d, name)
    with open(p, mode) as f:
        f.write(text)
    return p


bl = write("bl.txt", "# test list\nevil.example\n")

# ---- every format: one infected client (10.9.9.9), one clean ---------------
formats = {
    "bind": "21-Nov-2026 04:25:01.123 queries: info: client @0x7f1c2c0a1b20 10.9.9.9#53535 (a.evil.example): query: a.evil.example IN A +E(0)K (10.0.0.1)\n"
            "21-Nov-2026 04:25:02.000 client 10.1.1.1#5353 (www.example.com): query: www.example.com IN A + (10.0.0.1)\n",
    "unbound": "[1795235101] unbound[811:0] info: 10.9.9.9 a.evil.example. A IN\n"
               "[1795235102] unbound[811:0] info: 10.1.1.1 www.example.com. AAAA IN\n"
               "[1795235102] unbound[811:0] reply: 10.1.1.1 www.example.com. AAAA IN NOERROR 0.001 0 61\n",
    "dnsmasq": "Nov 21 04:25:01 dnsmasq[1234]: query[A] a.evil.example from 10.9.9.9\n"
               "Nov 21 04:25:01 dnsmasq[1234]: forwarded a.evil.example to 8.8.8.8\n"
               "Nov 21 04:25:02 dnsmasq[1234]: 18 10.1.1.1/40000 query[AAAA] www.example.com from 10.1.1.1\n",
    "windows": "DNS Server log file creation at 11/21/2026 4:25:00 AM\nLog file wrap at 11/21/2026 4:25:00 AM\n\n"
               "11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.9.9.9        c1d2   Q [0001   D   NOERROR] A      (1)a(4)evil(7)example(0)\n"
               "11/21/2026 4:25:01 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Snd 10.9.9.9        c1d2 R Q [8081   DR  NOERROR] A      (1)a(4)evil(7)example(0)\n"
               "11/21/2026 4:25:02 AM 0A2C PACKET  000000D7A6F3B1C0 UDP Rcv 10.1.1.1        c1d3   Q [0001   D   NOERROR] A      (3)www(7)example(3)com(0)\n",
    "zeek": "#separator \\x09\n#set_separator\t,\n#path\tdns\n"
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n"
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"
            "1795235101.1\tC1\t10.9.9.9\t53535\t10.0.0.1\t53\tudp\t1\t0.01\ta.evil.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t198.51.100.1\t60.0\tF\n"
            "1795235102.1\tC2\t10.1.1.1\t53536\t10.0.0.1\t53\tudp\t2\t0.01\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34\t60.0\tF\n",
    "zeek-json": '{"ts":1795235101.1,"uid":"C1","id.orig_h":"10.9.9.9","id.orig_p":53535,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","trans_id":1,"query":"a.evil.example","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"rejected":false}\n'
                 '{"ts":1795235102.1,"uid":"C2","id.orig_h":"10.1.1.1","id.orig_p":53536,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","trans_id":2,"query":"www.example.com","qtype":1,"qtype_name":"A"}\n',
    "suricata": '{"timestamp":"2026-11-21T04:25:01.123456+0000","flow_id":1,"in_iface":"eth0","event_type":"dns","src_ip":"10.9.9.9","src_port":53535,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"type":"query","id":1,"rrname":"a.evil.example","rrtype":"A","tx_id":0}}\n'
                '{"timestamp":"2026-11-21T04:25:01.200000+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"10.9.9.9","dest_port":53535,"proto":"UDP","dns":{"version":2,"type":"answer","id":1,"flags":"8180","qr":true,"rrname":"a.evil.example","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"a.evil.example","rrtype":"A","ttl":60,"rdata":"198.51.100.1"}]}}\n'
                '{"timestamp":"2026-11-21T04:25:02.000000+0000","event_type":"flow","src_ip":"10.1.1.1","dest_ip":"10.0.0.1"}\n'
                '{"timestamp":"2026-11-21T04:25:02.000000+0000","event_type":"dns","src_ip":"10.1.1.1","src_port":40000,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":3,"type":"request","id":2,"queries":[{"rrname":"www.example.com","rrtype":"A"}]}}\n',
    "coredns": ".:53\nCoreDNS-1.11.1\nlinux/amd64, go1.21.1\n"
               '[INFO] 10.9.9.9:53535 - 12345 "A IN a.evil.example. udp 32 false 512" NXDOMAIN qr,rd,ra 107 0.000123s\n'
               '[INFO] 10.1.1.1:40000 - 2 "AAAA IN www.example.com. udp 33 false 512" NOERROR qr,rd,ra 61 0.0002s\n',
}
for fmt, text in formats.items():
    p = write("log-" + fmt, text)
    rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, p)
    fmts = [i.get("format") for i in summary.get("inputs", [])]
    ok(rc == 1 and list(clients) == ["10.9.9.9"] and fmts == [fmt]
       and kinds(clients["10.9.9.9"]) == ["blocklist"] and summary.get("clients_seen") == 2,
       "%s: format detected, infected client found, clean one not" % fmt,
       "rc=%s fmts=%s clients=%s summary=%s err=%s" % (rc, fmts, list(clients), summary, err))


# ---- pcap (written here: Ethernet/IPv4/UDP, IPv6/UDP, IPv4/TCP, bad ones) ---
def dns_query(name, qtype=1, ident=1):
    q = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", qtype, 1)


def ip4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return h + payload


def ip6(src, dst, proto, payload):
    import ipaddress
    return struct.pack("!IHBB", 0x60000000, len(payload), proto, 64) + \
        ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, payload):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x18, 65535, 0, 0) + payload


def eth(ethertype, payload):
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + struct.pack("!H", ethertype) + payload


pkts = [
    eth(0x0800, ip4("10.9.9.9", "10.0.0.1", 17, udp(40000, 53, dns_query("a.evil.example")))),
    eth(0x86dd, ip6("2001:db8::9", "2001:db8::1", 17, udp(40001, 53, dns_query("b.evil.example", 28)))),
    eth(0x0800, ip4("10.8.8.8", "10.0.0.1", 6, tcp(40002, 53, struct.pack("!H", len(dns_query("c.evil.example", 16))) + dns_query("c.evil.example", 16)))),
    eth(0x0800, ip4("10.1.1.1", "10.0.0.1", 17, udp(40003, 53, dns_query("www.example.com")))),
    # a response from the server: not a client query
    eth(0x0800, ip4("10.0.0.1", "10.9.9.9", 17, udp(53, 40000, dns_query("a.evil.example")[:2] + b"\x81\x80" + dns_query("a.evil.example")[4:]))),
    # a compression loop in the question
    eth(0x0800, ip4("10.7.7.7", "10.0.0.1", 17, udp(40004, 53, struct.pack("!HHHHHH", 9, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01"))),
    # truncated IPv4 header
    eth(0x0800, b"\x45\x00\x00"),
]
pc = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i, p in enumerate(pkts):
    pc += struct.pack("<IIII", 1795235101 + i, 0, len(p), len(p)) + p
pcap = write("cap.pcap", pc, "wb")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, pcap)
ok(rc == 1 and sorted(clients) == ["10.8.8.8", "10.9.9.9", "2001:db8::9"]
   and summary.get("inputs", [{}])[0].get("format") == "pcap" and summary.get("queries") == 4,
   "pcap: UDP/IPv4, UDP/IPv6 and TCP queries read; responses ignored",
   "%s %s %s" % (rc, list(clients), summary))
sk = {s["reason"]: s for s in summary.get("skipped", [])}
ok(sk.get("malformed packet", {}).get("count") == 2 and sk["malformed packet"]["first_line"] == 6,
   "pcap: compression loop and truncated header counted as malformed, first at packet 6", summary)
with gzip.open(os.path.join(d, "cap.pcap.gz"), "wb") as f:
    f.write(pc)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, os.path.join(d, "cap.pcap.gz"))
ok(rc == 1 and len(clients) == 3, "gzip-compressed pcap read", summary)

# ---- gzip, stdin, several inputs, missing input ----------------------------
gz = os.path.join(d, "bind.log.gz")
with gzip.open(gz, "wt") as f:
    f.write(formats["bind"])
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, gz)
ok(rc == 1 and "10.9.9.9" in clients, "gzip log read", summary)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, "-", stdin=formats["dnsmasq"].encode())
ok(rc == 1 and "10.9.9.9" in clients, "standard input (-) read", summary)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, os.path.join(d, "log-bind"),
                                 os.path.join(d, "no-such-file"), os.path.join(d, "log-unbound"))
ok(rc == 2 and "no-such-file" in err and summary.get("queries") == 4 and len(summary.get("errors", [])) == 1,
   "a missing input: exit 2, named on stderr, the other inputs analysed", "%s %s %s" % (rc, err, summary))
rc, out, err = run("--no-dga", os.path.join(d, "log-bind"))
ok(rc == 0 and "0 flagged" in out, "nothing flagged: exit 0", out + err)
rc, out, err = run("--no-dga", "--format", "nosuch", os.path.join(d, "log-bind"))
ok(rc == 2 and "nosuch" in err, "unknown --format: exit 2", err)
rc, out, err = run("--no-dga", "--blocklist", os.path.join(d, "missing-bl"), os.path.join(d, "log-bind"))
ok(rc == 2 and "missing-bl" in err, "missing blocklist: exit 2 naming it", err)
p = write("words.txt", "hello world\nthis is not a log\n")
rc, out, err = run("--no-dga", p)
ok(rc == 2 and "unrecognised DNS log format" in err, "unrecognised format: exit 2 with the reason", err)
rc, out, err = run("--no-dga", "--format", "unbound", os.path.join(d, "log-bind"))
ok(rc == 0 and "lines skipped: not in the file's format" in out, "forced wrong format: lines skipped, not a crash", out)

# ---- text output, subnets, since/until, events ------------------------------
subnets = write("subnets.txt", "10.0.0.0/8 UBND tỉnh\n10.9.0.0/16 Sở Y tế\n")
rc, out, err = run("--no-dga", "--blocklist", bl, "--subnets", subnets, os.path.join(d, "log-bind"))
ok(rc == 1 and "10.9.9.9  Sở Y tế" in out and "blocklist  evil.example: 1 queries, e.g. a.evil.example" in out,
   "text output names the agency (longest prefix) and the listed name", out)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, "--subnets", subnets, os.path.join(d, "log-bind"))
c = clients.get("10.9.9.9", {})
ok(c.get("agency") == "Sở Y tế" and c.get("first_seen") == "2026-11-21T04:25:01.123Z"
   and c["reasons"][0] == {"kind": "blocklist", "listed": "evil.example", "count": 1, "sample": "a.evil.example"},
   "--json client object: agency, first_seen, reasons", c)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, "--since", "2026-11-21T04:25:02Z",
                                 os.path.join(d, "log-bind"))
ok(rc == 0 and summary.get("out_of_window") == 1, "--since drops earlier queries", summary)
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, "--until", "2026-11-21T04:25:02Z",
                                 os.path.join(d, "log-bind"))
ok(rc == 1 and summary.get("out_of_window") == 1, "--until drops later queries", summary)
rc, out, err = run("--json", "--events", "--no-dga", "--blocklist", bl, "--subnets", subnets, os.path.join(d, "log-bind"))
ev = json.loads(out.splitlines()[0]) if out else {}
ok(rc == 1 and ev.get("source") == "dns" and ev.get("kind") == "infected_client"
   and ev.get("subject") == "10.9.9.9" and ev.get("agency") == "Sở Y tế" and ev.get("id")
   and ev.get("evidence", {}).get("reasons"), "--events: one cg_event per client", out)

# ---- intelligence formats from the command line ------------------------------
rpz = write("rpz.zone", "$TTL 60\n$ORIGIN rpz.example.\n@ SOA localhost. root.localhost. 1 3600 600 86400 60\n"
            "  NS localhost.\n*.evil.example CNAME .\n")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", rpz, os.path.join(d, "log-bind"))
ok(rc == 1 and "10.9.9.9" in clients, "RPZ wildcard blocklist", summary)
hosts = write("hosts", "127.0.0.1 localhost\n0.0.0.0 evil.example\n")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", hosts, os.path.join(d, "log-bind"))
ok(rc == 1 and "10.9.9.9" in clients, "hosts-file blocklist", summary)
uh = write("urlhaus.csv", "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
           '"1","2026-11-20 10:00:00","http://evil.example/x.exe","online","","malware_download","exe","https://urlhaus.abuse.ch/url/1/","r"\n')
rc, clients, summary, err = jrun("--no-dga", "--blocklist", uh, os.path.join(d, "log-bind"))
ok(rc == 1 and "10.9.9.9" in clients, "URLhaus CSV blocklist", summary)
sub = write("sub.txt", "example.com.evil.example\nevil\n")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", sub, os.path.join(d, "log-bind"))
ok(rc == 0, "no substring or parent matches (exact label semantics)", clients)

# ---- DGA, tunnelling, beaconing --------------------------------------------
rnd = random.Random(7)
alpha = "bcdfghjklmnpqrstvwxz"
lines = []
t = 0
for i in range(12):  # 12 random-consonant names from one client
    name = "".join(rnd.choice(alpha) for _ in range(14)) + ".com"
    lines.append("21-Nov-2026 05:%02d:%02d.000 client 10.2.2.2#5000 (%s): query: %s IN A + (10.0.0.1)" % (i, i, name, name))
dga1 = "".join(rnd.choice(alpha) for _ in range(14)) + ".net"
lines.append("21-Nov-2026 05:30:00.000 client 10.2.2.3#5000 (%s): query: %s IN A + (10.0.0.1)" % (dga1, dga1))
for i in range(12):  # random labels under CDNs
    name = "".join(rnd.choice(alpha) for _ in range(14)) + ".cloudfront.net"
    lines.append("21-Nov-2026 05:31:%02d.000 client 10.2.2.4#5000 (%s): query: %s IN A + (10.0.0.1)" % (i, name, name))
for i in range(120):  # tunnel
    name = "%032x.%d.t.exfil-example.com" % (rnd.getrandbits(128), i)
    lines.append("21-Nov-2026 06:%02d:%02d.000 client 10.3.3.3#5000 (%s): query: %s IN TXT + (10.0.0.1)" % (i // 60, i % 60, name, name))
for i in range(30):  # beacon every 300 s
    s = i * 300
    lines.append("21-Nov-2026 %02d:%02d:%02d.000 client 10.4.4.4#5000 (cdn-upd.beacon-example.com): query: cdn-upd.beacon-example.com IN A + (10.0.0.1)" % (7 + s // 3600, s // 60 % 60, s % 60))
behav = write("behaviour.log", "\n".join(lines) + "\n")
rc, clients, summary, err = jrun(behav)
ok(kinds(clients.get("10.2.2.2", {})) == ["dga"] and clients["10.2.2.2"]["reasons"][0]["count"] >= 5,
   "DGA: a client querying many DGA-like names is flagged", clients.get("10.2.2.2"))
ok("10.2.2.3" not in clients, "DGA: one DGA-like name is not enough", list(clients))
ok("10.2.2.4" not in clients, "DGA: random labels under cloudfront.net are never flagged", list(clients))
ok(kinds(clients.get("10.3.3.3", {})) == ["tunnel"], "tunnelling: many unique long TXT names under one domain", clients.get("10.3.3.3"))
b = clients.get("10.4.4.4", {})
ok(kinds(b) == ["beacon"] and b["reasons"][0]["interval_s"] == 300.0, "beaconing: one name every 300 s", b)
rc, clients, summary, err = jrun("--dga-min-names", "20", "--tunnel-min-unique", "500", "--beacon-min-count", "50", behav)
ok(rc == 0 and not clients, "thresholds are configurable (raised: nothing flagged)", list(clients))
rc, out, err = run("--dga-min-names", "0", behav)
ok(rc == 2, "out-of-range threshold is a usage error", err)

# ---- hostile input -------------------------------------------------------------
good = formats["bind"].splitlines()[0]
mixed = (good + "\n" + "x" * (1024 * 1024) + "\n" + good[:60] + "\n" + "\x00\x01\x02\xff\xfe garbage\n"
         + formats["unbound"].splitlines()[0] + "\n" + good + "\n" + good[:-20])
p = write("hostile.log", mixed.encode("latin-1"), "wb")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, p)
sk = {s["reason"]: s for s in summary.get("skipped", [])}
ok(rc == 1 and "10.9.9.9" in clients and summary.get("lines_read") == 7,
   "hostile log: good lines still read around bad ones", summary)
ok(sk.get("line too long", {}).get("first_line") == 2 and sk.get("binary data", {}).get("first_line") == 4
   and sk.get("not in the file's format", {}).get("count") == 3,
   "1 MB line, binary garbage, truncated and foreign lines counted with their first line", summary)
rc, out, err = run("--no-dga", "--blocklist", bl, p)
ok("lines skipped: line too long, first at %s:2" % p in out, "text report: 'N lines skipped: reason, first at FILE:L'", out)
big = os.urandom(3 * 1024 * 1024)
p = write("random.bin", b"21-Nov-2026 04:25:01.123 client 10.9.9.9#1 (a.evil.example): query: a.evil.example IN A +\n" + big, "wb")
rc, clients, summary, err = jrun("--no-dga", "--format", "bind", "--blocklist", bl, p)
ok(rc == 1 and summary.get("lines_skipped", 0) > 0, "3 MB of random bytes after a good line: no crash", (rc, err[:300]))
raw = gzip.compress((formats["bind"] * 2000).encode())
p = write("cut.log.gz", raw[: len(raw) // 2], "wb")
rc, clients, summary, err = jrun("--no-dga", "--blocklist", bl, p)
ok(rc == 2 and "cut short" in err and summary.get("queries", 0) > 0,
   "truncated gzip: error named, what was read is kept", (rc, err, summary.get("queries")))
rc, clients, summary, err = jrun("--no-dga", d)
ok(rc == 2 and "is a directory" in err, "a directory as input: exit 2 naming it", (rc, err))
p = write("empty.log", "")
rc, clients, summary, err = jrun("--no-dga", p)
ok(rc == 0 and summary.get("lines_read") == 0, "empty log: nothing to report, exit 0", (rc, err))

print("1..%d" % n)
sys.exit(1 if failed else 0)
