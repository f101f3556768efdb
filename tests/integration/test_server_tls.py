#!/usr/bin/env python3
"""canhgac serve under TLS offers TLS 1.2 and 1.3 only, with AEAD suites
(issue 18.7): openssl s_client at TLS 1.0 and 1.1 is refused, at 1.2 and
1.3 accepted, and a CBC suite at 1.2 refused. Loopback only."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402


def handshake(port, *args):
    # SECLEVEL=0 so the client itself is willing to offer old versions:
    # the refusal tested is the server's
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost"]
    cmd += list(args)
    r = subprocess.run(cmd, input=b"", capture_output=True, timeout=20)
    out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
    cipher = ""
    for line in out.splitlines():
        if "Cipher is" in line:
            cipher = line.split("Cipher is", 1)[1].strip()
    return cipher, out


t = Tap()
srv = Server(tls=True)
try:
    for v in ("-tls1", "-tls1_1"):
        cipher, out = handshake(srv.port, v, "-cipher", "DEFAULT:@SECLEVEL=0")
        t.ok(cipher in ("", "(NONE)"), f"openssl s_client {v}: refused", out[-600:])
    cipher, out = handshake(srv.port, "-tls1_2")
    t.ok(cipher not in ("", "(NONE)") and ("GCM" in cipher or "CHACHA20" in cipher),
         f"openssl s_client -tls1_2: accepted with an AEAD suite ({cipher})", out[-600:])
    cipher, out = handshake(srv.port, "-tls1_3")
    t.ok(cipher.startswith("TLS_"), f"openssl s_client -tls1_3: accepted ({cipher})", out[-600:])
    cipher, out = handshake(srv.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")
    t.ok(cipher in ("", "(NONE)"), "a CBC suite at TLS 1.2: refused", out[-600:])
finally:
    srv.cleanup()
t.done()
