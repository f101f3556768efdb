#!/usr/bin/env python3
"""canhgac serve: event ingest (array, NDJSON, gzip, bad events refused one
by one, duplicates), agency mapping, the events list (filters, cursor),
hostile text kept as data, and CSV import of agencies and systems."""
import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap, event, gz, ndjson  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Y tế", "kind": "so_ban_nganh", "code": "syt", "ip_ranges": ["10.5.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies?confirm_overlap=1", {"name": "Phòng riêng", "kind": "xa", "code": "pr", "ip_ranges": ["10.5.7.0/24"]})
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])

    # --- a JSON array with one bad event ---
    batch = [event("a-1"), event("a-2", severity="bogus"), event("a-3"),
             {"id": "a-4", "source": "web"}, "not an object", event("a-5")]
    st, body, _ = ing.req("POST", "/api/v1/events", batch)
    t.ok(st == 200 and body["accepted"] == 3 and body["duplicates"] == 0,
         "array batch: the good events are accepted", body)
    rej = {r["index"]: r for r in body.get("rejected", [])}
    t.ok(sorted(rej) == [1, 3, 4] and rej[1]["id"] == "a-2" and "severity" in rej[1]["error"]
         and rej[4]["id"] is None, "each bad event is refused with its index, id and reason", rej)
    st, body, _ = admin.req("GET", "/api/v1/events?limit=500")
    t.ok(sorted(x["id"] for x in body["items"]) == ["a-1", "a-3", "a-5"], "exactly the good events are stored")

    # --- duplicates ---
    st, body, _ = ing.req("POST", "/api/v1/events", [event("a-1"), event("a-6"), event("a-6")])
    t.ok(st == 200 and body["accepted"] == 1 and body["duplicates"] == 2,
         "redelivered ids (also within one batch) are duplicates", body)
    _, body, _ = admin.req("GET", "/api/v1/events?limit=500")
    t.ok(len(body["items"]) == 4, "duplicates are not stored twice")

    # --- NDJSON with a broken line, gzip ---
    raw = ndjson([event("n-1"), event("n-2")]) + b'{"id": "n-3", broken\n' + ndjson([event("n-4")])
    st, body, _ = ing.req("POST", "/api/v1/events", raw=gz(raw), ctype="application/x-ndjson",
                          headers={"Content-Encoding": "gzip"})
    t.ok(st == 200 and body["accepted"] == 3 and body["rejected"][0]["index"] == 2
         and "line 1" in body["rejected"][0]["error"], "gzip NDJSON: a broken line refuses only that event", body)
    st, body, _ = ing.req("POST", "/api/v1/events", raw=b"[{\"id\":", ctype="application/json")
    t.ok(st == 400 and "invalid JSON" in body["error"], "a malformed array is 400 with the reason", body)
    st, body, _ = ing.req("POST", "/api/v1/events", raw=b"", ctype="application/x-ndjson")
    t.ok(st == 200 and body["accepted"] == 0, "an empty batch is accepted as nothing")
    st, body, _ = ing.req("POST", "/api/v1/events", [event(f"big-{i}") for i in range(10001)])
    t.ok(st == 413, "more than CG_MAX_BATCH_EVENTS events is 413", body)
    st, body, _ = ing.req("POST", "/api/v1/events", raw=b"x", ctype="text/plain")
    t.ok(st == 415, "a wrong content type is 415")

    # --- agency mapping ---
    st, body, _ = ing.req("POST", "/api/v1/events", [
        event("m-code", agency="SYT"), event("m-id", agency=str(a2["id"])),
        event("m-ip", host="10.5.1.1"), event("m-ip24", host="10.5.7.9"),
        event("m-none", host="192.0.2.1"), event("m-unknown", agency="nope")])
    _, body, _ = admin.req("GET", "/api/v1/events?q=m-&limit=50")
    got = {x["id"]: x["agency_id"] for x in body["items"]}
    t.ok(got == {"m-code": a1["id"], "m-id": a2["id"], "m-ip": a1["id"], "m-ip24": a2["id"],
                 "m-none": None, "m-unknown": None},
         "events map to agencies by code, id, then the longest matching IP range", got)

    # --- system mapping: subject URL host or host address ---
    _, sy, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Cổng Sở Y tế", "kind": "portal",
                                                     "level": 2, "urls": ["https://syt.example.vn:8443/home"],
                                                     "domains": ["syt.laichau.gov.vn"], "ips": ["10.5.0.10"]})
    ing.req("POST", "/api/v1/events", [event("sys-url", subject="https://SYT.laichau.gov.vn/tin-tuc?x=1"),
                                       event("sys-ip", host="10.5.0.10"),
                                       event("sys-urlhost", subject="https://syt.example.vn/other"),
                                       event("sys-other", agency="pr", subject="https://syt.laichau.gov.vn/")])
    _, body, _ = admin.req("GET", "/api/v1/events?q=sys-")
    got = {x["id"]: (x["agency_id"], x["system_id"]) for x in body["items"]}
    t.ok(got == {"sys-url": (a1["id"], sy["id"]), "sys-ip": (a1["id"], sy["id"]),
                 "sys-urlhost": (a1["id"], sy["id"]), "sys-other": (a2["id"], None)},
         "events map to systems by URL host, domain or IP, within their agency", got)
    _, body, _ = admin.req("GET", f"/api/v1/events?system_id={sy['id']}")
    t.ok(sorted(x["id"] for x in body["items"]) == ["sys-ip", "sys-url", "sys-urlhost"], "filter events by system_id")

    # --- hostile text is stored as data and served JSON-escaped ---
    evil = "<script>alert(1)</script> \u00e9 nổ hũ"
    st, body, _ = ing.req("POST", "/api/v1/events", [event("x-1", summary=evil, subject="https://x/\"><img>",
                                                          evidence={"html": "<iframe src=//evil>"})])
    st, body, h = admin.req("GET", "/api/v1/events?q=alert")
    item = body["items"][0]
    t.ok(item["summary"] == evil and item["evidence"]["html"] == "<iframe src=//evil>",
         "hostile text round-trips unchanged", item)
    _, body, _ = admin.req("GET", "/api/v1/events?q=" + urllib.parse.quote("NO HU"))
    t.ok([x["id"] for x in body["items"]] == ["x-1"] and not body.get("next"),
         "text search folds Vietnamese diacritics and case (\"NO HU\" finds \"nổ hũ\")", body)
    _, rawbody, _ = admin.req("GET", "/api/v1/events?q=alert", headers={"Accept": "application/json"})
    t.ok(h["content-type"].startswith("application/json"), "events are served as application/json")

    # --- filters and the cursor ---
    evs = [event(f"p-{i:03d}", severity=["info", "low", "medium", "high", "critical"][i % 5],
                 source="dns" if i % 2 else "malware", kind="k%d" % (i % 3),
                 time="2026-11-%02dT00:00:00Z" % (1 + i % 20)) for i in range(120)]
    st, body, _ = ing.req("POST", "/api/v1/events", evs)
    t.ok(body["accepted"] == 120, "120 more events")
    seen, before, pages = [], None, 0
    while True:
        q = "/api/v1/events?source=dns&limit=25" + (f"&before={before}" if before else "")
        st, body, _ = admin.req("GET", q)
        seen += body["items"]
        pages += 1
        before = body["next"]
        if not before:
            break
    seqs = [x["seq"] for x in seen]
    t.ok(len(seen) == 60 and pages == 3 and seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 60,
         "cursor paging: newest first, no gaps or repeats", (len(seen), pages))
    st, body, _ = admin.req("GET", "/api/v1/events?severity=high&source=malware&limit=500")
    t.ok(body["items"] and all(x["severity"] in ("high", "critical") and x["source"] == "malware" for x in body["items"]),
         "severity is a minimum level, combined with source")
    n_high = len(body["items"])
    t.ok(n_high == sum(1 for i in range(120) if i % 2 == 0 and i % 5 >= 3), "the severity filter misses nothing", n_high)
    st, body, _ = admin.req("GET", "/api/v1/events?kind=k1&since=2026-11-10&until=2026-11-15T00:00:00Z&limit=500")
    want = sum(1 for i in range(120) if i % 3 == 1 and 10 <= 1 + i % 20 < 15)
    t.ok(len(body["items"]) == want and all(x["kind"] == "k1" for x in body["items"]),
         "kind + time range filters", (len(body["items"]), want))
    st, body, _ = admin.req("GET", "/api/v1/events?since=yesterday")
    t.ok(st == 400 and "since" in body["error"], "a bad time is 400 naming the parameter")
    st, body, _ = admin.req("GET", "/api/v1/events?severity=urgent")
    t.ok(st == 400, "a bad severity is 400")
    st, body, _ = admin.req("GET", "/api/v1/events?q=" + urllib.parse.quote("50%_"))
    t.ok(st == 200 and body["items"] == [], "LIKE wildcards in q are literal")
    seq = seen[0]["seq"]
    st, body, _ = admin.req("GET", f"/api/v1/events/{seq}")
    t.ok(st == 200 and body["seq"] == seq and body["received_at"], "GET /events/{seq}")

    # --- CSV import: agencies ---
    csv = ("\ufeffname,kind,parent,code,ip_ranges,declared_endpoints\r\n"
           "\"UBND xã Phong Thổ\",xa,,pt,\"10.20.0.0/16; 10.21.0.0/16\",300\r\n"
           "\"Trạm y tế, xã Phong Thổ\",khac,pt,mso,10.20.5.0/24,12\r\n"
           "Bad Kind,tinh,,bk,,\r\n"
           "Bad Range,xa,,br,10.300.0.0/16,\r\n"
           "No Parent,xa,nosuch,np,,\r\n"
           "\"Quoted \"\"name\"\"\nwith break\",xa,pt,qn,,\r\n"
           "Dup Code,xa,,pt,,\r\n"
           "Bad Count,xa,,bc,,many\r\n"
           "UBND huyện cũ,huyen,,hc,,\r\n")
    st, body, _ = admin.req("POST", "/api/v1/import/agencies?confirm_overlap=1", raw=csv.encode(), ctype="text/csv")
    errs = {(e["row"], e["field"]) for e in body["errors"]}
    t.ok(st == 200 and body["imported"] == 3, "agency CSV: the good rows are imported", body)
    t.ok(errs == {(4, "kind"), (5, "ip_ranges"), (6, "parent"), (8, "code"), (9, "declared_endpoints"), (10, "kind")},
         "agency CSV: each bad row is reported with its row and field", body["errors"])
    _, body, _ = admin.req("GET", "/api/v1/agencies?code=mso")
    x = body["items"][0]
    _, pt, _ = admin.req("GET", "/api/v1/agencies?code=pt")
    t.ok(x["name"] == "Trạm y tế, xã Phong Thổ" and x["parent_id"] == pt["items"][0]["id"]
         and pt["items"][0]["ip_ranges"] == ["10.20.0.0/16", "10.21.0.0/16"],
         "quoted commas, parents named by code and ';' lists", (x, pt))
    _, body, _ = admin.req("GET", "/api/v1/agencies?code=qn")
    t.ok(body["items"][0]["name"] == "Quoted \"name\"\nwith break", "RFC 4180 quotes and line breaks in a field")

    # --- CSV import: systems ---
    csv = ("agency,name,kind,urls,domains,ips,level,dossier_status\n"
           "syt,Cổng TTĐT Sở Y tế,portal,https://syt.laichau.gov.vn/,syt.laichau.gov.vn,10.5.0.10,2,approved\n"
           "UBND xã Phong Thổ,Một cửa,application,,,,3,submitted\n"
           "syt,No Level,portal,,,,,\n"
           "syt,Bad URL,portal,ftp://x,,,1,\n"
           "syt,Bad Level,portal,,,,9,\n"
           "nosuch,Orphan,portal,,,,1,\n"
           "syt,\"unterminated,portal,,,,1,\n")
    st, body, _ = admin.req("POST", "/api/v1/import/systems", raw=csv.encode(), ctype="text/csv")
    errs = sorted((e["row"], e["field"]) for e in body["errors"])
    t.ok(st == 200 and body["imported"] == 2, "system CSV: the good rows are imported", body)
    t.ok(errs == [(4, "level"), (5, "urls"), (6, "level"), (7, "agency"), (8, "")],
         "system CSV: row and field of each error (the unterminated quote too)", body["errors"])
    st, body, _ = admin.req("POST", "/api/v1/import/systems", raw=b"name,kind\nx,portal\n", ctype="text/csv")
    t.ok(body["imported"] == 0 and {e["field"] for e in body["errors"]} >= {"agency", "level"},
         "missing required columns are reported", body)
    st, body, _ = admin.req("POST", "/api/v1/import/systems", raw="agency,name\nsyt,T\xeast\n".encode("latin-1"), ctype="text/csv")
    t.ok(st == 400 and "UTF-8" in body["error"], "a non-UTF-8 CSV is 400")
    _, ov, _ = admin.req("GET", "/api/v1/overview")
    syt = [a for a in ov["agencies"] if a["id"] == a1["id"]][0]
    t.ok(syt["portals"] == 2 and syt["classified"]["approved"] == 1 and syt["open_findings"]["high"] >= 1,
         "overview reflects imported systems and events", syt)

    # --- the overview's running totals agree with the stored events ---
    ing.req("POST", "/api/v1/events", [event("ag-1", source="agent", kind="heartbeat", host="10.5.0.1", severity="info"),
                                       event("ag-2", source="agent", kind="heartbeat", host="10.5.0.1", severity="info"),
                                       event("ag-3", source="agent", kind="heartbeat", host="10.5.0.2", severity="low"),
                                       event("ag-1", source="agent", kind="heartbeat", host="10.5.0.9", severity="info")])
    counts, before = {}, None
    while True:
        _, body, _ = admin.req("GET", f"/api/v1/events?agency_id={a1['id']}&limit=500" + (f"&before={before}" if before else ""))
        for x in body["items"]:
            counts[x["severity"]] = counts.get(x["severity"], 0) + 1
        before = body["next"]
        if not before:
            break
    _, ov, _ = admin.req("GET", "/api/v1/overview")
    syt = [a for a in ov["agencies"] if a["id"] == a1["id"]][0]
    want = {k: counts.get(k, 0) for k in ("critical", "high", "medium", "low", "info")}
    t.ok(syt["open_findings"] == want, "overview findings = the agency's stored events by severity (duplicates not counted)",
         (syt["open_findings"], want))
    # endpoints are enrolled agents (store/figures.h), the same figure as
    # /coverage: hosts named by events are not counted as endpoints
    _, cov, _ = admin.req("GET", "/api/v1/coverage")
    t.ok("endpoints" not in syt and syt["enrolled"] == 0 and ov["totals"]["enrolled"] == cov["totals"]["enrolled"],
         "overview endpoints = enrolled agents, as on the Endpoints page", (syt, cov["totals"]))
    t.ok(ov["totals"]["open_total"] == sum(ov["totals"]["open_findings"].values())
         and ov["totals"]["open_findings"]["info"] >= want["info"], "totals add up")
finally:
    srv.cleanup()
t.done()
