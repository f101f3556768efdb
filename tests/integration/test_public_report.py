#!/usr/bin/env python3
"""The public incident report form (issue 12.5): the page at
/bao-cao-su-co with no login and nothing from the internet; a report with
a solved proof of work is answered with a tracking code, lands in the
triage queue as an event (source public_report, kind citizen_report)
routed to the agency whose ranges hold the affected address, and its
state can be looked up by the code and shows nothing else. Abuse: a
missing, wrong, unknown or replayed proof of work, a filled honeypot,
oversized and non-image screenshots, HTML and script in every field kept
as text, and the per-address rate limit (a second loopback address is
not limited by the first)."""
import base64
import hashlib
import http.client
import json
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
srv = Server()


def png(w=4, h=3):
    """A real, tiny PNG (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def solve(ch, bits):
    for n in range(10 ** 8):
        h = hashlib.sha256(f"{ch}:{n}".encode()).digest()
        v = int.from_bytes(h[:8], "big")
        if v >> (64 - bits) == 0:
            return str(n)
    raise RuntimeError("no nonce")


taken = 0  # challenges this address took (the rate limit counts them)


def challenge(c):
    global taken
    st, body, _ = c.req("POST", "/api/v1/public/challenges", raw=b"{}")
    if st == 201:
        taken += 1
    return st, body


def report(c, real=True, **kw):
    """real: with a solved, fresh challenge; else with one that was never
    issued, for refusals that come before the proof of work is looked at
    (the fields), so they do not use up the address's challenges."""
    body = {"what": "Trang chủ bị thay bằng trang cờ bạc", "address": "https://so-mot.gov.vn/",
            "when": "2026-11-30T08:15:00+07:00", "contact": "0912 345 678"}
    body.update(kw)
    if not real:
        body["challenge"], body["nonce"] = "f" * 32, "1"
    elif "challenge" not in kw:
        st, ch = challenge(c)
        body["challenge"] = ch["challenge"]
        body["nonce"] = solve(ch["challenge"], ch["bits"])
    return c.req("POST", "/api/v1/public/incident-reports", body)


try:
    admin = srv.login_admin()
    anon = srv.client()
    _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1",
                                                    "ip_ranges": ["10.9.0.0/16"]})

    def public_events():
        st, body, _ = admin.req("GET", "/api/v1/events?source=public_report&limit=100")
        return body.get("items", []) if st == 200 else None

    # the page
    st, page, h = anon.req("GET", "/bao-cao-su-co")
    page = page.decode() if isinstance(page, bytes) else str(page)
    t.ok(st == 200 and h.get("content-type", "").startswith("text/html") and "Báo cáo sự cố" in page,
         "GET /bao-cao-su-co is the form, with no login", (st, h.get("content-type")))
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    t.ok(refs and all(r.startswith("/assets/") for r in refs),
         "the page loads only the server's own files (nothing from the internet)", refs)
    missing = [r for r in refs if anon.req("GET", r)[0] != 200]
    t.ok(not missing, "every file the page loads is served", missing)
    scripts = re.findall(r"<script[^>]*>", page)
    t.ok(scripts and all('src="/assets/' in s for s in scripts) and "<script" not in page.split("</head>", 1)[1]
         and "style=" not in page and "<style" not in page,
         "no inline script or style in the page (CSP)", scripts)
    t.ok('name="website"' in page and "tabindex=\"-1\"" in page, "the honeypot field is in the form, out of the tab order")

    # a challenge
    st, ch = challenge(anon)
    t.ok(st == 201 and re.fullmatch(r"[0-9a-f]{32}", ch.get("challenge", "")) and ch.get("bits") == 16,
         "POST /public/challenges gives a 32-hex challenge and its bits", ch)

    # a good report with a screenshot, from an address in agency one's range
    shot = png()
    before = len(public_events())
    body = {"what": "Trang bị chèn liên kết nổ hũ", "address": "http://10.9.1.2/tin-tuc",
            "when": "2026-11-30T08:15:00+07:00", "contact": "a@example.vn",
            "screenshots": [{"name": "x.png", "data": base64.b64encode(shot).decode()}],
            "website": "", "challenge": ch["challenge"], "nonce": solve(ch["challenge"], ch["bits"])}
    st, res, h = anon.req("POST", "/api/v1/public/incident-reports", body)
    t.ok(st == 201 and re.fullmatch(r"BC-[2-9A-HJKMNP-TV-Z]{10}", res.get("code", "")) and res.get("state") == "received",
         "a report with a solved proof of work gets a tracking code", (st, res))
    code = res.get("code", "")
    st, tr, _ = anon.req("GET", "/api/v1/public/incident-reports/" + code)
    t.ok(st == 200 and tr.get("state") == "received" and sorted(tr) == ["code", "created", "state", "updated"],
         "the tracking page shows the state and nothing else", tr)
    evs = public_events()
    ev = [e for e in evs if (e.get("evidence") or {}).get("tracking_code") == code]
    t.ok(len(evs) == before + 1 and len(ev) == 1 and ev[0]["kind"] == "citizen_report",
         "the report is one event (public_report / citizen_report) in the triage queue", evs)
    ev = ev[0] if ev else {}
    t.ok(ev.get("agency_id") == ag["id"], "an address in an agency's range routes the report to that agency",
         (ev.get("agency_id"), ag["id"]))
    shots = (ev.get("evidence") or {}).get("screenshots") or [{}]
    digest = hashlib.sha256(shot).hexdigest()
    blob = os.path.join(srv.data_dir, "blobs", "sha256", digest[:2], digest)
    t.ok(shots[0].get("sha256") == digest and shots[0].get("type") == "image/png" and os.path.exists(blob)
         and open(blob, "rb").read() == shot,
         "the screenshot is in the blob store and the event names its SHA-256", shots)

    # an address of no agency: the province
    st, res, _ = report(anon, address="https://khong-ro.example.vn/")
    ev2 = [e for e in public_events() if (e.get("evidence") or {}).get("tracking_code") == res.get("code")]
    t.ok(st == 201 and ev2 and not ev2[0].get("agency_id"), "an address of no agency goes to the province",
         ev2[0] if ev2 else res)

    # replay of a used challenge
    st, res, _ = anon.req("POST", "/api/v1/public/incident-reports", body)
    t.ok(st == 403 and res.get("code") == "used_pow", "a used challenge cannot be replayed", (st, res))
    # no proof of work at all
    nb = dict(body)
    del nb["challenge"], nb["nonce"]
    st, res, _ = anon.req("POST", "/api/v1/public/incident-reports", nb)
    t.ok(st == 400 and res.get("code") == "no_pow", "a report without proof of work is refused", (st, res))
    # a wrong nonce (and its challenge stays usable: a wrong answer does not burn it)
    st, ch = challenge(anon)
    good = solve(ch["challenge"], ch["bits"])
    bad = next(str(n) for n in range(10 ** 6)
               if hashlib.sha256(f"{ch['challenge']}:{n}".encode()).digest()[0] & 0x80)
    st, res, _ = anon.req("POST", "/api/v1/public/incident-reports", dict(body, challenge=ch["challenge"], nonce=bad))
    t.ok(st == 403 and res.get("code") == "bad_pow", "a nonce that does not solve the challenge is refused", (st, res))
    # a challenge the server never issued, solved
    fake = "0123456789abcdef0123456789abcdef"
    st, res, _ = anon.req("POST", "/api/v1/public/incident-reports", dict(body, challenge=fake, nonce=solve(fake, 16)))
    t.ok(st == 403 and res.get("code") == "used_pow", "a challenge the server did not issue is refused", (st, res))

    # the honeypot: answered like a success, nothing kept
    n0 = len(public_events())
    st, res, _ = anon.req("POST", "/api/v1/public/incident-reports",
                          dict(body, challenge=ch["challenge"], nonce=good, website="http://spam.example/"))
    st2, _, _ = anon.req("GET", "/api/v1/public/incident-reports/" + res.get("code", "BC-2222222222"))
    t.ok(st == 201 and st2 == 404 and len(public_events()) == n0,
         "a filled honeypot is answered 201 but nothing is stored", (st, res, st2))

    # screenshots: too big, not an image, an image claimed by name only
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024)
    st, res, _ = report(anon, False, screenshots=[{"data": base64.b64encode(big).decode()}])
    t.ok(st == 413 and res.get("code") == "big_image", "a screenshot over 2 MiB is refused (413)", (st, res))
    for name, data in (("GIF", b"GIF89a" + b"\0" * 64), ("HTML named .png", b"<html><script>alert(1)</script></html>"),
                       ("SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
                       ("truncated PNG signature", b"\x89PNG\r\n")):
        st, res, _ = report(anon, False, screenshots=[{"name": "a.png", "data": base64.b64encode(data).decode()}])
        t.ok(st == 415 and res.get("code") == "bad_image", f"a screenshot that is {name} is refused (415)", (st, res))
    st, res, _ = report(anon, False, screenshots=[{"data": "not base64 !!!"}])
    t.ok(st == 400 and res.get("field") == "screenshots", "a screenshot that is not base64 is refused", (st, res))
    four = [{"data": base64.b64encode(shot).decode()}] * 4
    st, res, _ = report(anon, False, screenshots=four)
    t.ok(st == 400 and res.get("field") == "screenshots", "more than 3 screenshots are refused", (st, res))

    # fields: missing, too long, control characters, a time in the future
    for label, kw, field in (("no what", {"what": ""}, "what"), ("blank what", {"what": "   "}, "what"),
                             ("no address", {"address": None}, "address"),
                             ("a long address", {"address": "x" * 501}, "address"),
                             ("a control character", {"contact": "a\x01b"}, "contact"),
                             ("a time in the future", {"when": "2099-01-01T00:00:00Z"}, "when"),
                             ("no time", {"when": None}, "when")):
        st, res, _ = report(anon, False, **kw)
        t.ok(st == 400 and res.get("field") == field, f"{label} is refused naming {field}", (st, res))

    # HTML and script in every field: kept and returned as text, exactly
    xss = {"what": "<script>alert('what')</script>\n<img src=x onerror=alert(1)>",
           "address": "http://10.9.3.4/<svg/onload=alert(2)>", "contact": "\"><b>contact</b>"}
    st, res, h = report(anon, **xss)
    ev3 = [e for e in public_events() if (e.get("evidence") or {}).get("tracking_code") == res.get("code")]
    evd = ev3[0]["evidence"] if ev3 else {}
    t.ok(st == 201 and evd.get("what") == xss["what"] and evd.get("address") == xss["address"] and
         evd.get("contact") == xss["contact"] and ev3[0].get("subject") == xss["address"],
         "HTML and script in every field are kept as the exact text", evd)
    st, raw, h = anon.req("GET", "/api/v1/public/incident-reports/" + res.get("code", ""))
    t.ok(h.get("content-type", "").startswith("application/json") and h.get("x-content-type-options") == "nosniff",
         "answers are JSON with nosniff (never rendered as HTML)", h)
    # a code that is not a code, and one that does not exist
    for p in ("BC-0000000000", "bc-2222222222", "BC-2222222222", "..%2f..%2fetc", "BC-22222222222"):
        st, res, _ = anon.req("GET", "/api/v1/public/incident-reports/" + p)
        t.ok(st == 404, f"tracking {p!r} is 404", (st, res))

    # the rate limit: 10 challenges an hour per address, then 429
    sts = []
    while taken < 10:
        sts.append(challenge(anon)[0])
    st, res = challenge(anon)
    t.ok(st == 429 and res.get("code") == "rate_limited" and all(s == 201 for s in sts),
         "the 11th challenge from one address within the hour is refused (429)", (st, res, sts))
    # another loopback address is its own: not limited
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30, source_address=("127.0.0.2", 0))
    conn.request("POST", "/api/v1/public/challenges", body=b"{}", headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    conn.close()
    t.ok(r.status == 201, "another address is not limited by the first", r.status)
    # a restarted server keeps the limit (it lives in the store)
    srv.stop()
    srv.start()
    st, res = challenge(srv.client())
    t.ok(st == 429, "the rate limit survives a restart (kept in the store)", (st, res))
finally:
    srv.cleanup()
t.done()
