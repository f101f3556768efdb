#!/usr/bin/env python3
"""canhgac serve, issue 18.14: an agency whose name or IP ranges collide
with another agency's is refused with a message naming the other agency;
a range nested in another agency's is a warning the caller confirms with
?confirm_overlap=1; the CSV import reports the same per row. Events are
routed by the longest matching range once it is stored."""
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap, event  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    st, syt, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "SYT",
                                                         "ip_ranges": ["10.5.0.0/16", "2001:db8:5::/48"]})
    t.ok(st == 201, "setup: Sở Y tế with an IPv4 and an IPv6 range", syt)

    # --- names ---
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "  SỞ  Y TẾ ", "kind": "so_ban_nganh"})
    t.ok(st == 409 and "Sở Y tế" in body["error"] and "SYT" in body["error"]
         and body["details"][0]["field"] == "name" and "confirm" not in body["details"][0],
         "a duplicate name (other case and spacing) is refused, naming the other agency", body)
    t.ok(body.get("code") == "duplicate_name" and body.get("field") == "name"
         and body["details"][0].get("code") == "duplicate_name" and body["details"][0].get("other") == "Sở Y tế",
         "the duplicate name carries the code the dashboard translates and the other agency's name", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies?confirm_overlap=1", {"name": "sở y tế", "kind": "so_ban_nganh"})
    t.ok(st == 409, "a duplicate name cannot be confirmed", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sổ Y tế", "kind": "so_ban_nganh"})
    t.ok(st == 201, "another diacritic is another name", body)

    # --- ranges ---
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Bệnh viện tỉnh", "kind": "so_ban_nganh",
                                                          "ip_ranges": ["192.0.2.0/24", "10.5.7.0/24"]})
    d = body.get("details", [{}])[0]
    t.ok(st == 409 and d.get("field") == "ip_ranges" and "10.5.7.0/24 overlaps 10.5.0.0/16" in d.get("message", "")
         and "Sở Y tế" in d["message"] and d.get("confirm") == "confirm_overlap",
         "a range inside another agency's is a 409 naming both ranges and the agency, and asks to confirm", body)
    t.ok(body.get("code") == "overlap" and body.get("field") == "ip_ranges" and d.get("code") == "overlap"
         and d.get("other") == "Sở Y tế" and d.get("value") == "10.5.7.0/24" and d.get("other_value") == "10.5.0.0/16",
         "the overlap carries its code, the other agency and both ranges as data", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Mạng tỉnh", "kind": "so_ban_nganh", "ip_ranges": ["10.0.0.0/8"]})
    t.ok(st == 409 and "10.0.0.0/8 overlaps 10.5.0.0/16" in body["error"], "a range around another agency's is refused too", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "V6", "kind": "so_ban_nganh", "ip_ranges": ["2001:db8:5:1::/64"]})
    t.ok(st == 409 and "2001:db8:5::/48" in body["error"], "IPv6 overlaps are found as well", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies?confirm_overlap=1", {"name": "Khác", "kind": "xa", "ip_ranges": ["10.5.0.0/16"]})
    t.ok(st == 409 and "same range" in body["error"] and "confirm" not in body["details"][0],
         "the same range as another agency's is refused even when confirmed", body)
    st, bv, _ = admin.req("POST", "/api/v1/agencies?confirm_overlap=1", {"name": "Bệnh viện tỉnh", "kind": "so_ban_nganh",
                                                                         "ip_ranges": ["192.0.2.0/24", "10.5.7.0/24"]})
    t.ok(st == 201, "a nested range is stored once confirmed", bv)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Trường", "kind": "so_ban_nganh", "ip_ranges": ["10.6.0.0/16"]})
    t.ok(st == 201, "a disjoint range needs no confirmation", body)
    truong = body

    # --- updates: only what changes is checked; the table follows changes ---
    st, body, _ = admin.req("PATCH", "/api/v1/agencies/%d" % bv["id"], {"declared_endpoints": 40})
    t.ok(st == 200, "editing another field of an agency with a confirmed nested range needs no confirmation", body)
    st, body, _ = admin.req("PATCH", "/api/v1/agencies/%d" % truong["id"], {"ip_ranges": ["10.6.0.0/16", "192.0.2.128/25"]})
    t.ok(st == 409 and "Bệnh viện tỉnh" in body["error"], "an update adding an overlapping range is refused", body)
    st, body, _ = admin.req("PATCH", "/api/v1/agencies/%d" % truong["id"], {"name": "Sở Y Tế"})
    t.ok(st == 409 and body["details"][0]["field"] == "name", "an update to another agency's name is refused", body)
    st, body, _ = admin.req("PATCH", "/api/v1/agencies/%d" % syt["id"], {"name": "Sở Y tế tỉnh", "ip_ranges": ["10.5.0.0/16", "10.9.0.0/16"]})
    t.ok(st == 200, "an agency may rename itself and keep its ranges", body)

    # --- routing follows the stored ranges (cached table rebuilt on change) ---
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    st, body, _ = ing.req("POST", "/api/v1/events", [event("r-1", host="10.5.7.9"), event("r-2", host="10.5.1.1"),
                                                     event("r-3", host="10.9.0.1"), event("r-4", host="2001:db8:5::1")])
    _, body, _ = admin.req("GET", "/api/v1/events?q=r-&limit=50")
    got = {x["id"]: x["agency_id"] for x in body["items"]}
    t.ok(got == {"r-1": bv["id"], "r-2": syt["id"], "r-3": syt["id"], "r-4": None},
         "events go to the most specific range; a range just added routes, a range just removed does not", got)
    st, _, _ = admin.req("DELETE", "/api/v1/agencies/%d" % bv["id"])
    ing.req("POST", "/api/v1/events", [event("r-5", host="10.5.7.9")])
    _, body, _ = admin.req("GET", "/api/v1/events?q=r-5")
    t.ok(st == 204 and body["items"][0]["agency_id"] == syt["id"], "after a delete the range falls back to the wider agency", body)

    # --- CSV import: the same rule per row, earlier rows included ---
    csv = ("name,kind,code,ip_ranges\n"
           "Xã Mường So,xa,mso,10.20.5.0/24\n"
           "xã mường so,xa,mso2,\n"
           "Xã Bum Nưa,xa,bn,10.20.5.128/25\n"
           "Xã Pa Ủ,xa,pau,10.5.0.0/16\n"
           "Xã Tà Tổng,xa,tt,10.21.0.0/16\n")
    st, body, _ = admin.req("POST", "/api/v1/import/agencies", raw=csv.encode(), ctype="text/csv")
    errs = {(e["row"], e["field"]): e["message"] for e in body["errors"]}
    t.ok(st == 200 and body["imported"] == 2 and set(errs) == {(3, "name"), (4, "ip_ranges"), (5, "ip_ranges")},
         "CSV: colliding rows are refused one by one, the others imported", body)
    t.ok("Xã Mường So" in errs.get((3, "name"), "") and "Xã Mường So" in errs.get((4, "ip_ranges"), "")
         and "Sở Y tế tỉnh" in errs.get((5, "ip_ranges"), ""),
         "CSV: each refused row names the other agency (rows earlier in the file count)", errs)
    csv = "name,kind,ip_ranges\nXã Bum Nưa,xa,10.20.5.128/25\n"
    st, body, _ = admin.req("POST", "/api/v1/import/agencies?confirm_overlap=1", raw=csv.encode(), ctype="text/csv")
    t.ok(st == 200 and body["imported"] == 1, "CSV: ?confirm_overlap=1 accepts nested ranges", body)

    # --- an import checks each row against the rows before it without
    # reloading every agency per row (it was quadratic: 75 s for 2,000 rows)
    rows = ["name,kind,code,ip_ranges"] + [f"Thôn {i},xa,t{i},10.77.{i // 256}.{i % 256}/32" for i in range(3000)]
    rows.append("Thôn 17,xa,t17b,10.78.0.0/24")      # a name from earlier in the file
    rows.append("Thôn trùng,xa,tt2,10.77.5.5/32")    # a range from earlier in the file
    t0 = time.time()
    st, body, _ = admin.req("POST", "/api/v1/import/agencies", raw=("\n".join(rows) + "\n").encode(), ctype="text/csv")
    secs = time.time() - t0
    t.ok(st == 200 and body["imported"] == 3000 and [(e["row"], e["field"]) for e in body["errors"]] == [(3002, "name"), (3003, "ip_ranges")]
         and "Thôn 1285" in body["errors"][1]["message"],
         "a 3,002-row import refuses exactly the two rows colliding with earlier rows", body.get("errors"))
    t.ok(secs < 60, "a 3,000-row agency import takes well under a minute (%.1f s)" % secs)
finally:
    srv.cleanup()
t.done()
