#!/usr/bin/env python3
"""The regulated clocks of incident cases (issue 12 item 6): every case
carries its clocks (GET /incidents/{id} and the list) computed from
rules/deadlines/vn.txt; the incident-deadlines job sends the immediate
escalation of a case on a level-3 system at once, a reminder before a
deadline and a notice when it has passed, through the alert channels (a
test SMTP server and webhook receiver on loopback), each once; recording
the report stops its clock. Prints TAP."""
import datetime
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402
from test_web_alerts import Hook, Smtp, wait  # noqa: E402


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    t = S.Tap()
    tmp = tempfile.mkdtemp(prefix="canhgac-deadlines-")
    smtp, hook = Smtp(), Hook(fail_first=0)
    cfg = os.path.join(tmp, "alerts.ini")
    with open(cfg, "w") as f:
        f.write(f"""[alerts]
smtp_url = smtp://127.0.0.1:{smtp.server_address[1]}
smtp_from = canhgac@tinh.gov.vn
province_emails = ucsc@tinh.gov.vn
notify_police_cyber = pa05@congan.gov.vn
notify_leaders = lanhdao@tinh.gov.vn
webhook_url = http://127.0.0.1:{hook.server_address[1]}/botTEST/sendMessage
max_attempts = 3
retry_base_s = 1
deadline_remind_hours = 400
""")

    # a Server( subclass with the alert configuration: tests/run.sh runs
    # this on SQLite and again on PostgreSQL
    class Srv(S.Server):
        extra_args = ("--alert-config", cfg, "--web-interval", "0")

    srv = Srv()
    try:
        admin = srv.login_admin()
        _, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Tài chính", "kind": "so_ban_nganh", "code": "stc"})
        _, s3, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Cổng STC", "kind": "portal", "level": 3})
        _, s2, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "Thư điện tử", "kind": "portal", "level": 2})
        now = datetime.datetime.now(datetime.timezone.utc)

        # a level-2 case detected now: the initial report's clock only, 5+ days
        st, c1, _ = admin.req("POST", "/api/v1/incidents", {"title": "Lừa đảo qua thư", "kind": "phishing", "severity": "medium",
                                                             "agency_id": ag["id"], "system_ids": [s2["id"]]})
        rules = [k["rule"] for k in c1.get("clocks", [])]
        k = (c1.get("clocks") or [{}])[0]
        t.ok(st == 201 and rules == ["initial_report"] and k["state"] == "running" and k["remaining_s"] > 4 * 86400
             and k["text_vi"].startswith("còn ") and "Mẫu 03" in k["label_vi"], "a new case shows its initial-report clock (còn N ngày)", c1.get("clocks"))
        # the reminder lead time (deadline_remind_hours) is longer than the
        # whole period here, so the reminder goes out at once
        got = wait(lambda: any(c1["number"] in m and "Sắp đến hạn" in m for _, m in smtp.mails), 30)
        rc = sorted(r for rs, _ in smtp.mails for r in rs)
        t.ok(got and rc == ["ucsc@tinh.gov.vn"], "a reminder before the deadline goes to the provincial team (the police are not told of a level-2 case)", rc)

        # a case on a level-3 system: immediate escalation, sent at once
        st, c2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng STC bị thay giao diện", "kind": "defacement", "severity": "critical",
                                                             "agency_id": ag["id"], "system_ids": [s3["id"]]})
        esc = [k for k in c2["clocks"] if k["rule"] == "escalation"]
        t.ok(esc and esc[0]["state"] in ("running", "overdue") and esc[0]["remaining_s"] <= 0, "a level-3 case has an immediate escalation clock, due at once", c2["clocks"])
        got = wait(lambda: all(any(a in r for r, _ in smtp.mails) for a in ("pa05@congan.gov.vn", "lanhdao@tinh.gov.vn")), 30)
        rc = sorted(r for rs, _ in smtp.mails for r in rs)
        t.ok(got and "lanhdao@tinh.gov.vn" in rc and "ucsc@tinh.gov.vn" in rc, "the escalation is e-mailed at once to the police, the leaders and the provincial team", rc)
        mail = next((m for r, m in smtp.mails if "pa05@congan.gov.vn" in r), "")
        t.ok(c2["number"] in mail or c2["number"] in str(hook.bodies), "the notice names the case", mail[:400])
        t.ok(wait(lambda: any(c2["number"] in b[2].get("text", "") for b in hook.bodies), 20), "and goes to the webhook", hook.bodies)

        # an old case: the initial report is overdue -> one "due" notice
        old = iso(now - datetime.timedelta(days=30))
        st, c3, _ = admin.req("POST", "/api/v1/incidents", {"title": "Mã độc trên máy trạm", "kind": "malware", "severity": "high",
                                                             "agency_id": ag["id"], "detected_at": old})
        k = c3["clocks"][0]
        t.ok(k["state"] == "overdue" and k["text_vi"].startswith("quá hạn ") and k["text_en"].endswith("overdue"),
             "a case detected 30 days ago shows its report overdue (quá hạn N ngày)", k)
        t.ok(wait(lambda: any(c3["number"] in m and "Quá hạn" in m for _, m in smtp.mails), 30) or
             wait(lambda: any(c3["number"] in b[2].get("text", "") for b in hook.bodies), 5), "the overdue report is notified", len(smtp.mails))

        # each once: more changes run the job again, nothing is re-sent
        time.sleep(2)
        n_mail, n_hook = len(smtp.mails), len(hook.bodies)
        for c in (c2, c3):
            admin.req("POST", f"/api/v1/incidents/{c['id']}/comments", {"text": "đang xử lý"})
        time.sleep(3)
        t.ok(len(smtp.mails) == n_mail and len(hook.bodies) == n_hook, "each notice is sent once", (n_mail, len(smtp.mails), n_hook, len(hook.bodies)))
        esc_mails = [m for _, m in smtp.mails if c2["number"] in m and "Báo cáo ngay" in m]
        t.ok(len(esc_mails) == 3, "one escalation per recipient, no reminder of an immediate rule", len(esc_mails))
        _, g2, _ = admin.req("GET", f"/api/v1/incidents/{c2['id']}")
        notes = [e for e in g2["timeline"] if e["what"] == "notice"]
        t.ok(len(notes) >= 1 and any(e["detail"]["rule"] == "escalation" for e in notes), "the notice is on the case's timeline", g2["timeline"])

        # recording the report stops the clock
        st, p3, _ = admin.req("PATCH", f"/api/v1/incidents/{c3['id']}", {"reported_at": iso(now)})
        k = [k for k in p3["clocks"] if k["rule"] == "initial_report"][0]
        t.ok(st == 200 and k["state"] == "late" and k["stopped_at"], "a report recorded after the deadline stops the clock as late", k)
        st, p2, _ = admin.req("PATCH", f"/api/v1/incidents/{c2['id']}", {"escalated_at": iso(now), "reported_at": iso(now)})
        ks = {k["rule"]: k["state"] for k in p2["clocks"]}
        t.ok(ks.get("escalation") in ("met", "late") and ks.get("initial_report") == "met", "escalation and initial report recorded", ks)
        # the closing report's clock starts when the response ends
        for s in ("triage", "responding", "contained"):
            st, p2, _ = admin.req("PATCH", f"/api/v1/incidents/{c2['id']}", {"state": s})
        ks = {k["rule"]: k for k in p2["clocks"]}
        t.ok("closing_report" in ks and ks["closing_report"]["state"] == "running" and "Mẫu 04" in ks["closing_report"]["label_vi"],
             "containing the case starts the closing report's clock", list(ks))
        st, body, _ = admin.req("PATCH", f"/api/v1/incidents/{c2['id']}", {"state_secret": "yes"})
        t.ok(st == 400 and "state_secret" in body["error"], "state_secret is a boolean", body)
        # state secrets on a level-1 system: escalation too
        st, c4, _ = admin.req("POST", "/api/v1/incidents", {"title": "Tài liệu mật trên máy nối mạng", "kind": "secret_document",
                                                             "severity": "critical", "agency_id": ag["id"], "state_secret": True})
        t.ok(st == 201 and any(k["rule"] == "escalation" for k in c4["clocks"]), "state secrets call for the immediate escalation", c4.get("clocks"))
        # the list carries the clocks too
        _, lst, _ = admin.req("GET", "/api/v1/incidents?limit=10")
        t.ok(all("clocks" in c for c in lst["items"]) and any(c["clocks"] for c in lst["items"]), "the list carries each case's clocks", lst["items"][0].get("clocks"))
        # a rejected case has no clocks
        st, c5, _ = admin.req("PATCH", f"/api/v1/incidents/{c1['id']}", {"state": "rejected"})
        t.ok(st == 200 and c5["clocks"] == [], "a rejected case has no clocks", c5.get("clocks"))
    finally:
        srv.stop()
        smtp.shutdown()
        hook.shutdown()
    t.done()


if __name__ == "__main__":
    main()
