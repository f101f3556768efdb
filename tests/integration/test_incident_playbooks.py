#!/usr/bin/env python3
"""Playbooks and auto-case rules (issue 12 items 3 and 4), on both stores.

Playbooks (rules/playbooks/): a new case gets its kind's playbook as
tasks, in order, each with its step, role and bilingual checklist, and the
case records which playbook it follows; a playbook naming a system's
domain wins over the kind's; changing the kind adds the new playbook's
tasks. Auto-case rules (rules/autocase/rules.txt): a critical defacement
opens a case by itself with the finding linked and the defacement
playbook's tasks; a second one joins that case (no duplicate); a high one
opens nothing; four web shells on a level-1 system open nothing and the
fifth opens one case with all five; one web shell on a level-3 system
opens a case at once; a document marked secret opens a state-secret case
(its escalation clock runs). Prints TAP."""
import datetime
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _serverlib import Server, Tap  # noqa: E402

t = Tap()
srv = Server()


def event(eid, **kw):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    e = {"id": eid, "time": now, "source": "web", "kind": "defacement", "severity": "critical",
         "summary": "Trang bị thay đổi " + eid}
    e.update(kw)
    return e


try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1"})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Hai", "kind": "so_ban_nganh", "code": "s2"})
    _, a3, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Ba", "kind": "so_ban_nganh", "code": "s3"})
    _, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng Sở Một", "kind": "portal", "level": 2,
                                                     "domains": ["so1.example.vn"], "ips": ["10.1.0.10"]})
    _, s2, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a2["id"], "name": "Máy chủ web Sở Hai", "kind": "portal", "level": 1,
                                                     "domains": ["so2.example.vn"], "ips": ["10.2.0.10"]})
    _, s3, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a3["id"], "name": "Hệ thống cấp độ 3", "kind": "portal", "level": 3,
                                                     "domains": ["so3.example.vn"], "ips": ["10.3.0.10"]})
    _, dvc, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng dịch vụ công", "kind": "portal", "level": 3,
                                                      "domains": ["dichvucong.laichau.gov.vn"]})

    # --- playbooks on cases opened by hand ---
    st, c, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng bị thay giao diện", "kind": "defacement", "severity": "high",
                                                       "agency_id": a1["id"], "system_ids": [s1["id"]]})
    _, tl, _ = admin.req("GET", f"/api/v1/incidents/{c['id']}/tasks")
    items = tl["items"]
    steps = [k.get("step") for k in items]
    t.ok(st == 201 and c["playbook"]["name"] == "defacement" and steps[:3] == ["preserve", "isolate", "report"]
         and len(items) == len(c["playbook"]["steps"]) == 7, "a defacement case gets the defacement playbook's seven steps, in order",
         (st, steps))
    t.ok(items[0]["role"] == "officer" and items[0]["title"].startswith("Lưu giữ bằng chứng") and items[0]["title_en"].startswith("Preserve")
         and items[0]["checklist"][0]["vi"].startswith("Chụp màn hình") and items[0]["checklist"][0]["en"].startswith("Screenshot")
         and items[1]["role"] == "admin" and all(k["done"] is False for k in items),
         "each task carries its role and a checklist in Vietnamese and English", items[:2])
    t.ok(any(e["what"] == "playbook" and e["detail"]["name"] == "defacement" for e in c["timeline"]),
         "the timeline says which playbook the case follows", c["timeline"])
    st, c2, _ = admin.req("POST", "/api/v1/incidents", {"title": "Cổng DVC bị thay giao diện", "kind": "defacement", "severity": "critical",
                                                        "agency_id": a1["id"], "system_ids": [dvc["id"]]})
    t.ok(st == 201 and c2["playbook"]["name"] == "defacement-dichvucong",
         "a playbook naming the system's domain wins over the kind's", c2.get("playbook", {}).get("name"))
    st, c3, _ = admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"kind": "ddos"})
    _, tl, _ = admin.req("GET", f"/api/v1/incidents/{c['id']}/tasks")
    t.ok(st == 200 and c3["kind"] == "ddos" and c3["playbook"]["name"] == "ddos" and len(tl["items"]) == 7 + 5
         and tl["items"][-1]["step"] == "close", "changing the kind adds the new playbook's tasks", (st, len(tl["items"])))
    st, c4, _ = admin.req("PATCH", f"/api/v1/incidents/{c['id']}", {"title": "Tấn công từ chối dịch vụ"})
    _, tl, _ = admin.req("GET", f"/api/v1/incidents/{c['id']}/tasks")
    t.ok(st == 200 and len(tl["items"]) == 12 and c4["playbook"]["name"] == "ddos", "another change adds nothing", len(tl["items"]))

    # --- auto-case rules ---
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])

    def auto_cases(agency):
        _, body, _ = admin.req("GET", "/api/v1/incidents?limit=200")
        return [x for x in body["items"] if x.get("auto_rule") and x["agency_id"] == agency]

    def wait_cases(agency, n, secs=30):
        for _ in range(secs * 4):
            got = auto_cases(agency)
            if len(got) >= n and all(x.get("playbook") for x in got):  # tasks come right after
                return got
            time.sleep(0.25)
        return auto_cases(agency)

    st, r, _ = ing.req("POST", "/api/v1/events", [event("d1", host="so1.example.vn"),
                                                  event("d0", host="so1.example.vn", severity="high")])
    got = wait_cases(a1["id"], 1)
    case = admin.req("GET", f"/api/v1/incidents/{got[0]['id']}")[1] if got else {}
    _, evs, _ = admin.req("GET", f"/api/v1/events?agency_id={a1['id']}&limit=50")
    by_id = {e["id"]: e for e in evs["items"]}
    t.ok(len(got) == 1 and case["auto_rule"] == "defacement" and case["kind"] == "defacement" and case["severity"] == "critical"
         and case["events"] == [by_id["d1"]["seq"]] and case["system_ids"] == [s1["id"]]
         and case["timeline"][0]["actor"] == "server:autocase" and case["playbook"]["name"] == "defacement",
         "a critical defacement opens a case by itself, the finding linked, the playbook's tasks on it", case)
    t.ok(by_id["d1"]["state"] == "in_incident" and by_id["d0"]["state"] == "new",
         "the linked finding is in_incident; the high one stays in the queue", (by_id["d1"]["state"], by_id["d0"]["state"]))
    ing.req("POST", "/api/v1/events", [event("d2", host="so1.example.vn")])
    for _ in range(120):
        case2 = admin.req("GET", f"/api/v1/incidents/{got[0]['id']}")[1]
        if len(case2["events"]) == 2:
            break
        time.sleep(0.25)
    t.ok(len(case2["events"]) == 2 and len(auto_cases(a1["id"])) == 1,
         "a second defacement joins the open case: no duplicate", (case2["events"], len(auto_cases(a1["id"]))))

    shells = [event("w%d" % i, source="malware", kind="webshell", severity="high", host="so2.example.vn") for i in range(5)]
    ing.req("POST", "/api/v1/events", shells[:4])
    time.sleep(3)
    t.ok(auto_cases(a2["id"]) == [], "four web shells on a level-1 system open nothing", auto_cases(a2["id"]))
    ing.req("POST", "/api/v1/events", shells[4:])
    got2 = wait_cases(a2["id"], 1)
    c5 = admin.req("GET", f"/api/v1/incidents/{got2[0]['id']}")[1] if got2 else {}
    t.ok(len(got2) == 1 and c5["auto_rule"] == "webshell_burst" and len(c5["events"]) == 5 and c5["playbook"]["name"] == "webshell",
         "the fifth opens one case holding all five", c5)
    ing.req("POST", "/api/v1/events", [event("k1", source="malware", kind="webshell", severity="medium", host="so3.example.vn")])
    got3 = wait_cases(a3["id"], 1)
    t.ok(len(got3) == 1 and got3[0]["auto_rule"] == "webshell_key_system",
         "one web shell on a level-3 system opens a case at once", got3)

    st, r, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Bốn", "kind": "so_ban_nganh", "code": "s4", "ip_ranges": ["10.4.0.0/16"]})
    a4 = r
    time.sleep(1)
    ing.req("POST", "/api/v1/events", [event("m2", source="secrets", kind="marking", severity="critical", host="10.4.0.5")])
    got4 = wait_cases(a4["id"], 1)
    c6 = admin.req("GET", f"/api/v1/incidents/{got4[0]['id']}")[1] if got4 else {}
    t.ok(len(got4) == 1 and c6["auto_rule"] == "state_secret" and c6["state_secret"] is True and c6["kind"] == "secret_document"
         and any(k["rule"]["name"] == "escalation" if isinstance(k.get("rule"), dict) else k.get("rule") == "escalation"
                 for k in c6["clocks"]),
         "a document marked secret opens a state-secret case; its escalation clock runs", c6.get("clocks"))
finally:
    srv.stop()
t.done()
