#!/usr/bin/env python3
"""canhgac scan exposure's TLS check against real `openssl s_server`s on
loopback: one offering only TLS 1.0 with a NULL cipher and an expired,
self-signed, 1024-bit, SHA-1 certificate for another name (OpenSSL 3
needs @SECLEVEL=0 to offer that); one offering TLS 1.2/1.3 with a
current 2048-bit SHA-256 certificate for the name asked, which must give
no protocol, cipher, date, key, signature or name finding. Prints TAP."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("CANHGAC_SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CANHGAC", os.path.join(SRC, "build/canhgac"))
ONE_TPL = os.path.join(SRC, "tests/data/exposure/templates/t-or.yaml")
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


def sh(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cert(d, name, bits, md, start, end, cn):
    """A self-signed certificate with chosen dates, through `openssl ca`
    (req cannot back-date)."""
    w = os.path.join(d, name)
    os.makedirs(os.path.join(w, "db"))
    open(os.path.join(w, "db/index.txt"), "w").close()
    open(os.path.join(w, "db/serial"), "w").write("01\n")
    open(os.path.join(w, "ca.cnf"), "w").write(
        "[ca]\ndefault_ca = x\n[x]\ndatabase = db/index.txt\nnew_certs_dir = db\nserial = db/serial\n"
        f"default_md = {md}\npolicy = p\n[p]\ncommonName = supplied\n")
    sh(["openssl", "req", "-new", "-newkey", f"rsa:{bits}", "-nodes", "-keyout", "k.pem", "-out", "r.csr",
        "-subj", f"/CN={cn}"], w)
    sh(["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "k.pem", "-in", "r.csr",
        "-out", "c.pem", "-startdate", start, "-enddate", end, "-notext"], w)
    return os.path.join(w, "c.pem"), os.path.join(w, "k.pem")


def server(c, k, args):
    port = free_port()
    p = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", c, "-key", k,
                          "-www", "-quiet"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    p.kill()
    raise RuntimeError("s_server did not start: " + p.stderr.read().decode()[-500:])


def scan(url):
    p = subprocess.run([BIN, "scan", "exposure", "--json", "--rate", "0", "--templates", ONE_TPL, url],
                       capture_output=True, text=True, timeout=120)
    objs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    return p.returncode, {o["kind"]: o for o in objs if o.get("type") == "finding"}, objs, p.stderr


def main():
    d = tempfile.mkdtemp(prefix="cg-exptls-")
    procs = []
    try:
        c, k = cert(d, "old", 1024, "sha1", "20200101000000Z", "20210101000000Z", "portal.example.invalid")
        p, port = server(c, k, ["-tls1", "-cipher", "NULL-SHA:AES128-SHA:@SECLEVEL=0"])
        procs.append(p)
        rc, f, objs, err = scan(f"https://localhost:{port}/")
        ok(rc == 1 and not err, "weak server: findings, no error (the HTTP side is read over TLS 1.0 too)", (rc, err))
        wp = f.get("tls_weak_protocol", {})
        ok(wp.get("evidence", {}).get("weak_protocols") == ["TLSv1.0"] and
           wp["evidence"]["offered"] == ["TLSv1.0"] and "SSLv3" in wp["evidence"]["not_testable"],
           "tls_weak_protocol: TLS 1.0 offered (and only it); SSL 3 named as not testable", wp)
        wc = f.get("tls_weak_cipher", {})
        ok(wc.get("evidence", {}).get("weak_ciphers") == ["NULL-SHA"], "tls_weak_cipher: NULL-SHA and not AES128-SHA", wc)
        tc = f.get("tls_certificate", {})
        probs = " | ".join(tc.get("evidence", {}).get("problems", []))
        for word in ["expired", "self-signed", "RSA key of 1024 bits", "sha1WithRSAEncryption", "name mismatch"]:
            ok(word in probs, f"tls_certificate names: {word}", probs)
        ok(tc.get("severity") == "high" and tc["evidence"]["key_bits"] == 1024 and
           tc["evidence"]["not_after"] == 1609459200, "expired certificate: high, with its dates and key size", tc)
        hs = f.get("missing_security_header", {})
        ok("Strict-Transport-Security" in hs.get("evidence", {}).get("missing", []),
           "HSTS missing over https is listed", hs)

        c2, k2 = cert(d, "new", 2048, "sha256", time.strftime("%Y%m%d000000Z", time.gmtime(time.time() - 86400)),
                      time.strftime("%Y%m%d000000Z", time.gmtime(time.time() + 200 * 86400)), "localhost")
        p2, port2 = server(c2, k2, [])
        procs.append(p2)
        rc, f, objs, err = scan(f"https://localhost:{port2}/")
        ok("tls_weak_protocol" not in f and "tls_weak_cipher" not in f,
           "modern server: no weak protocol or cipher finding", json.dumps(f)[:1500])
        probs = f.get("tls_certificate", {}).get("evidence", {}).get("problems", [])
        ok(probs == ["self-signed"], "modern server: only 'self-signed' about its certificate", probs)

        # a TLS target where nothing listens is an error naming it
        rc, f, objs, err = scan(f"https://127.0.0.1:{free_port()}/")
        ok(rc == 2 and "no web site answers" in err, "nothing listening: an error, not silence", (rc, err))
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{N}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
