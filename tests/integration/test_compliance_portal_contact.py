#!/usr/bin/env python3
"""The contact_published evidence (issue 14) is read from the text of the
page the portal watcher fetched, never from the inventory's flag: nginx on
loopback serves agencies' portals; a page that shows the contact point's
phone (written "(0213) 3852-113", +84 or with dots) or its e-mail (also
disguised "[at]", "[dot]") makes the control met and cites the page; a
page that shows it only in hidden text, or not at all, does not; a page
the watcher cannot fetch (an HTTP error, connection refused) is unknown evidence
(missing_evidence), never met, even when the inventory says published and
an earlier check found it; a result is stored when it changes, not at
every check. Prints TAP."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
import _webfix as W  # noqa: E402


class WatchServer(S.Server):
    extra_args = ("--web-interval", "1")


def wait(pred, timeout=90, step=0.3):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


CONTACT_PHONE = ('<div class="footer">Đầu mối ứng cứu sự cố: ông Vàng A Sử, ĐT: (0213) 3852-113, '
                 'email: attt.skhcn[at]laichau[dot]gov[dot]vn</div>')
CONTACT_TEL = ('<p>Báo sự cố an toàn thông tin: <a href="tel:+84912345678">Gọi ngay</a> hoặc '
               '<a href="mailto:ATTT.STC@laichau.gov.vn">gửi thư</a></p>')
HIDDEN = '<div style="display:none">ĐT: 0977 512 630 — trangdt.stc@laichau.gov.vn</div>'


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-contact-")
    ngx = W.Nginx(tmp)
    ngx.write("a/index.html", W.portal(seed=3, articles=4, footer_extra=CONTACT_PHONE))
    ngx.write("b/index.html", W.portal(seed=4, articles=4, footer_extra=HIDDEN))
    ngx.write("c/index.html", W.portal(seed=5, articles=4, footer_extra=CONTACT_TEL))
    ngx.start()
    ua, ub, uc = ngx.url("a/"), ngx.url("b/"), ngx.url("c/")
    ud = "http://127.0.0.1:%d/" % W.free_port()  # nothing listens there
    srv = WatchServer()
    try:
        admin = srv.login_admin()
        ids, sids = {}, {}

        def check_now(code):
            admin.req("POST", "/api/v1/systems/%d/web/check" % sids[code])
        for code, name, url, phone, email, flag in (
                ("a", "Sở Khoa học và Công nghệ", ua, "0213 3852 113", "attt.skhcn@laichau.gov.vn", False),
                ("b", "Sở Tài chính", ub, "0977 512 630", "trangdt.stc@laichau.gov.vn", True),
                ("c", "Sở Y tế", uc, "+84 912.345.678", "attt.stc@laichau.gov.vn", False),
                ("d", "Sở Nội vụ", ud, "0949 660 215", "phutv.snv@laichau.gov.vn", True)):
            st, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": name, "kind": "so_ban_nganh", "code": code})
            ids[code] = ag["id"]
            st, _, _ = admin.req("POST", "/api/v1/people", {"agency_id": ag["id"], "name": "Đầu mối " + code,
                                                            "role": "contact_point", "phone": phone, "email": email,
                                                            "published_on_portal": flag})
            t.ok(st == 201, "agency %s with its contact point" % code)
            st, sy, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng " + code,
                                                              "kind": "portal", "urls": [url], "level": 2,
                                                              "monitor_interval_s": 30})
            t.ok(st == 201, "... and its portal", sy)
            sids[code] = sy["id"]

        def checks(url=None):
            st, body, _ = admin.req("GET", "/api/v1/events?source=portal_contact&limit=500")
            return [e for e in (body["items"] if st == 200 else []) if url is None or e["subject"] == url]

        got = wait(lambda: len({e["subject"] for e in checks()} & {ua, ub, uc}) == 3 and checks(), 120)
        t.ok(got, "the watcher checks every portal's text for the contact", [(e["subject"], e["kind"]) for e in checks()])
        by = {e["subject"]: e for e in checks()}
        ea, eb, ec = by.get(ua, {}), by.get(ub, {}), by.get(uc, {})
        t.ok(ea.get("kind") == "published" and set(ea["evidence"]["found"]) == {"2133852113", "attt.skhcn@laichau.gov.vn"}
             and ea["agency_id"] == ids["a"], "(0213) 3852-113 and a disguised e-mail are found", ea)
        t.ok(eb.get("kind") == "not_found" and eb["evidence"]["found"] == [],
             "a contact only in hidden text is not published", eb)
        t.ok(ec.get("kind") == "published" and set(ec["evidence"]["found"]) == {"912345678", "attt.stc@laichau.gov.vn"},
             "tel: and mailto: links count (+84, upper case)", ec)

        def result(code):
            st, body, _ = admin.req("GET", "/api/v1/compliance")
            rs = [r for r in body.get("results", []) if r["control"] == "contact_published" and
                  r["subject_id"] == ids[code]] if st == 200 else []
            return rs[0] if rs else {}

        ra, rb, rc, rd = result("a"), result("b"), result("c"), result("d")
        t.ok(ra.get("status") == "ok" and ua in ra.get("evidence_en", ""), "met, citing the page", ra)
        t.ok(rb.get("status") in ("overdue", "missing_evidence") and "not in the text" in rb.get("evidence_en", ""),
             "not met although the inventory says published", rb)
        t.ok(rd.get("status") == "missing_evidence" and "unknown" in rd.get("evidence_en", ""),
             "a portal that cannot be reached is unknown evidence, never met", rd)

        # nothing changes: no new result at each check
        n = len(checks(ua))
        for _ in range(3):
            check_now("a")
            time.sleep(2)
        t.ok(len(checks(ua)) == n == 1, "an unchanged result is stored once, not at every check", len(checks(ua)))

        # the page goes away: unknown, though it was published before
        os.remove(os.path.join(ngx.www, "c", "index.html"))
        check_now("c")
        failed = wait(lambda: [e for e in checks(uc) if e["kind"] == "fetch_failed"], 90)
        t.ok(failed and failed[0]["evidence"].get("error", "").startswith("HTTP 40"),
             "a page gone (nginx answers 403 for the bare directory) is a failed fetch", failed[:1])
        rc = result("c")
        t.ok(rc.get("status") == "missing_evidence" and "unknown" in rc.get("evidence_en", ""),
             "... which makes the evidence unknown, not met", rc)

        # the agency publishes its contact: met at the next check
        ngx.write("b/index.html", W.portal(seed=4, articles=4,
                                           footer_extra='<p>Liên hệ: 0977.512.630 – trangdt.stc@laichau.gov.vn</p>'))
        check_now("b")
        pub = wait(lambda: [e for e in checks(ub) if e["kind"] == "published"], 90)
        t.ok(pub, "a page that now shows the contact is published", checks(ub)[:2])
        t.ok(result("b").get("status") == "ok", "... and the control is met", result("b"))
        # the CLI reads the same evidence
        r = subprocess.run([S.BIN, "compliance", "--json", "--data-dir", srv.data_dir, "--agency", "a"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        import json
        lines = [json.loads(x) for x in r.stdout.decode().splitlines()]
        cli = [x for x in lines if x.get("control") == "contact_published"]
        t.ok(cli and cli[0]["status"] == "ok", "canhgac compliance gives the same status", r.stderr.decode()[-300:])
    finally:
        srv.cleanup()
        ngx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
