#!/usr/bin/env python3
"""canhgac serve watches the inventory's portals: a system with a URL is
baselined and checked by the server (nginx on loopback serves the page);
a finding becomes one event when it opens and one when it ends, however
many checks see it; the state survives a restart; an analyst can check
now and re-baseline after a redesign; GET /api/v1/web/status shows each
portal's last check, outcome, response times and open findings, within
the caller's agency scope. Prints TAP."""
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
    def start(self):
        args = [S.BIN, "serve", "--exposure-interval", "0", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--no-tls", "--web-interval", "1"]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        self.host, port = line.strip().rsplit("//", 1)[1].rsplit(":", 1)
        self.port = int(port)


def web_events(c, url=None):
    st, body, _ = c.req("GET", "/api/v1/events?source=web&limit=500")
    items = body["items"] if st == 200 else []
    return [e for e in items if url is None or e.get("subject") == url]


def wait(pred, timeout=60, step=0.3):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


SPAM = ('<div style="display:none"><a href="https://nhacai88.top/">Nhà cái uy tín</a> '
        '<a href="https://nohu99.club/">nổ hũ đổi thưởng</a> tài xỉu online</div>')


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-web-srv-")
    ngx = W.Nginx(tmp)
    base = W.portal(seed=11, articles=8)
    ngx.write("a/index.html", base)
    ngx.write("b/index.html", base)
    ngx.write("c/index.html", base)
    ngx.start()
    ua, ub, uc = ngx.url("a/"), ngx.url("b/"), ngx.url("c/")
    srv = WatchServer()
    try:
        admin = srv.login_admin()
        st, ag1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt"})
        st, ag2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
        st, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag1["id"], "name": "Cổng A", "kind": "portal",
                                                          "urls": [ua, ub], "level": 2, "monitor_interval_s": 30})
        t.ok(st == 201, "a system with two portal URLs", s1)
        st, s2, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag2["id"], "name": "Cổng C", "kind": "portal",
                                                          "urls": [uc], "level": 2, "monitor_interval_s": 30})

        def status():
            st, body, _ = admin.req("GET", "/api/v1/web/status")
            return body if st == 200 else None

        def checked_all():
            b = status()
            ps = {p["url"]: p for p in b["portals"]} if b else {}
            return b if all(u in ps and ps[u]["last_check"] for u in (ua, ub, uc)) else None
        b = wait(checked_all, 60)
        t.ok(b is not None, "the watcher baselines and checks new systems' URLs on its own", status())
        ps = {p["url"]: p for p in (b or {"portals": []})["portals"]}
        t.ok(all(ps.get(u, {}).get("outcome") == "ok" and ps[u]["response_times"] for u in (ua, ub, uc)),
             "status: outcome ok and a response time per portal", ps)
        t.ok(os.path.exists(os.path.join(srv.data_dir, "web", "baselines")), "baselines are in the server's data dir")
        t.ok(not web_events(admin), "unchanged portals: no event", web_events(admin))

        # an attack: one event when it opens, none while it lasts
        ngx.write("a/index.html", W.portal(seed=11, articles=8, extra_body=SPAM))
        st, body, _ = admin.req("POST", f"/api/v1/systems/{s1['id']}/web/check")
        t.ok(st == 202 and ua in body["queued"], "check now is queued (202)", body)
        ev = wait(lambda: [e for e in web_events(admin, ua) if e["kind"] == "hidden_links"], 60)
        t.ok(ev and ev[0]["system_id"] == s1["id"] and ev[0]["agency_id"] == ag1["id"]
             and ev[0]["evidence"]["state"] == "open",
             "a finding is stored as an event of the system and its agency, state open", ev)
        kinds = sorted(e["kind"] for e in web_events(admin, ua))
        for _ in range(3):
            admin.req("POST", f"/api/v1/systems/{s1['id']}/web/check")
            time.sleep(2.5)
        kinds2 = sorted(e["kind"] for e in web_events(admin, ua))
        t.ok(kinds == kinds2 and "spam" in kinds, "a finding that persists is one alert, not one per check",
             (kinds, kinds2))
        b = status()
        pa = [p for p in b["portals"] if p["url"] == ua][0]
        t.ok(pa["outcome"] == "findings" and {"spam", "hidden_links"} <= {f["kind"] for f in pa["open_findings"]},
             "status shows the open findings of the portal", pa)
        t.ok(not web_events(admin, ub), "the other URL of the system stays quiet")

        # an officer of the other agency does not see this portal
        subprocess.run([S.BIN, "user", "add", "off2", "--role", "officer", "--agency", str(ag2["id"]),
                        "--data-dir", srv.data_dir], input=b"officer-password-1\n", check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        off = srv.client()
        st, _, _ = off.login("off2", "officer-password-1")
        st, body, _ = off.req("GET", "/api/v1/web/status")
        t.ok(st == 200 and [p["url"] for p in body["portals"]] == [uc],
             "status is limited to the officer's agency", body)
        st, body, _ = off.req("POST", f"/api/v1/systems/{s1['id']}/web/baseline")
        t.ok(st in (403, 404), "an officer cannot re-baseline another agency's system", (st, body))

        # state survives a restart: no second "open" event
        srv.stop()
        srv.start()
        admin = srv.login_admin()
        admin.req("POST", f"/api/v1/systems/{s1['id']}/web/check")
        time.sleep(4)
        kinds3 = sorted(e["kind"] for e in web_events(admin, ua))
        t.ok(kinds3 == kinds2, "after a restart the open alerts are not raised again", (kinds2, kinds3))

        # the team has acknowledged one finding and called the other a false alarm
        opened = {e["kind"]: e for e in web_events(admin, ua) if e["evidence"].get("state") == "open"}
        st, _, _ = admin.req("PATCH", f"/api/v1/events/{opened['hidden_links']['seq']}", {"state": "acknowledged"})
        st2, _, _ = admin.req("PATCH", f"/api/v1/events/{opened['spam']['seq']}", {"state": "false_positive"})
        t.ok(st == 200 and st2 == 200, "the open findings' events are triaged", (st, st2))

        # the fix: the end is recorded
        ngx.write("a/index.html", base)
        admin.req("POST", f"/api/v1/systems/{s1['id']}/web/check")
        res = wait(lambda: [e for e in web_events(admin, ua) if e["evidence"].get("state") == "resolved"
                            and e["kind"] == "hidden_links"], 60)
        t.ok(res and res[0]["severity"] == "info" and res[0]["evidence"]["open_event_id"],
             "when the page is clean again the end of the alert is an event", res)
        b = status()
        pa = [p for p in b["portals"] if p["url"] == ua][0]
        t.ok(pa["outcome"] == "ok" and not pa["open_findings"], "status: no open finding after the fix", pa)
        _, hl, _ = admin.req("GET", f"/api/v1/events/{opened['hidden_links']['seq']}")
        _, sp, _ = admin.req("GET", f"/api/v1/events/{opened['spam']['seq']}")
        t.ok(hl["state"] == "resolved" and hl["triaged_by"] == "system:web-watch" and sp["state"] == "false_positive",
             "the ended finding's event is resolved by the watch; the false alarm stays one", (hl, sp))

        # a legitimate redesign: content_replaced, then re-baselined by an analyst
        ngx.write("c/index.html", '<html><head><title>Cổng mới</title></head><body>' +
                  "".join(f"<p>Trang thông tin mới thiết kế lại, mục số {i}, giới thiệu dịch vụ công trực tuyến của sở.</p>"
                          for i in range(40)) + "</body></html>")
        admin.req("POST", f"/api/v1/systems/{s2['id']}/web/check")
        ev = wait(lambda: [e for e in web_events(admin, uc) if e["kind"] == "content_replaced"], 60)
        t.ok(ev, "a redesign is first seen as content_replaced", web_events(admin, uc))
        st, body, _ = admin.req("POST", f"/api/v1/systems/{s2['id']}/web/baseline")
        t.ok(st == 202 and body["queued"] == [uc], "re-baseline is queued (202)", body)
        res = wait(lambda: [e for e in web_events(admin, uc) if e["evidence"].get("state") == "resolved"], 60)
        t.ok(res, "after re-baselining, the alert ends", web_events(admin, uc))
        st, body, _ = admin.req("GET", "/api/v1/audit?limit=50")
        t.ok(st == 200 and any(a.get("action") == "web.rebaseline" for a in body.get("items", [])),
             "re-baselining is in the audit log", body)
        st, body, _ = admin.req("POST", "/api/v1/systems/999999/web/baseline")
        t.ok(st == 404, "re-baseline of an unknown system is 404", (st, body))
        rc = srv.stop()
        t.ok(rc == 0, "the server (and its watcher) stops cleanly on SIGTERM", rc)
    finally:
        srv.cleanup()
        ngx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
