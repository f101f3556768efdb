#!/usr/bin/env python3
"""canhgac serve: an agency officer sees and changes only their own agency,
for every resource (agencies, systems, people, events, overview, import),
and an agency-bound token only its agency's events."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import Server, Tap, event, ndjson  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Agency One", "kind": "so_ban_nganh", "code": "one", "ip_ranges": ["10.1.0.0/16"]})
    _, a2, _ = admin.req("POST", "/api/v1/agencies", {"name": "Agency Two", "kind": "xa", "code": "two", "ip_ranges": ["10.2.0.0/16"]})
    _, s1, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a1["id"], "name": "Portal One", "kind": "portal", "level": 2})
    _, s2, _ = admin.req("POST", "/api/v1/systems", {"agency_id": a2["id"], "name": "Portal Two", "kind": "portal", "level": 2})
    _, p1, _ = admin.req("POST", "/api/v1/people", {"agency_id": a1["id"], "name": "Person One", "role": "contact_point"})
    _, p2, _ = admin.req("POST", "/api/v1/people", {"agency_id": a2["id"], "name": "Person Two", "role": "contact_point"})
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "ing", "scope": "ingest"})
    ing = srv.client(token=tok["token"])
    st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([
        event("ev-a1", agency="one"), event("ev-a2", agency="two"),
        event("ev-ip2", host="10.2.9.9"), event("ev-none")]))
    t.ok(st == 200 and body["accepted"] == 4, "setup: 4 events ingested", body)
    st, body, _ = admin.req("POST", "/api/v1/users", {"username": "off1", "role": "officer", "agency_id": a1["id"], "password": "officer-password-1"})
    t.ok(st == 201 and body["agency_id"] == a1["id"], "create an officer of agency one")
    off = srv.client()
    t.ok(off.login("off1", "officer-password-1")[0] == 200, "the officer logs in")

    # --- agencies ---
    st, body, _ = off.req("GET", "/api/v1/agencies")
    t.ok(st == 200 and [x["id"] for x in body["items"]] == [a1["id"]] and body["total"] == 1,
         "agencies list: only their own", body)
    st, _, _ = off.req("GET", f"/api/v1/agencies/{a2['id']}")
    t.ok(st == 404, "agencies get: another agency is 404")
    st, _, _ = off.req("PATCH", f"/api/v1/agencies/{a2['id']}", {"name": "hijacked"})
    t.ok(st == 404, "agencies update: another agency is 404")
    st, _, _ = off.req("DELETE", f"/api/v1/agencies/{a2['id']}")
    t.ok(st in (403, 404), "agencies delete: another agency refused")
    st, _, _ = off.req("POST", "/api/v1/agencies", {"name": "New", "kind": "xa"})
    t.ok(st == 403, "agencies create: refused for an officer")
    st, body, _ = off.req("PATCH", f"/api/v1/agencies/{a1['id']}", {"declared_endpoints": 42})
    t.ok(st == 200 and body["declared_endpoints"] == 42, "the officer updates their own agency")
    for field, value in (("ip_ranges", ["10.2.0.0/16"]), ("code", "two2"), ("parent_id", a2["id"]), ("kind", "xa")):
        st, body, _ = off.req("PATCH", f"/api/v1/agencies/{a1['id']}", {field: value})
        t.ok(st == 403 and field in body["error"], f"the officer cannot change their agency's {field} (it decides what maps to it)", body)

    # --- systems ---
    st, body, _ = off.req("GET", "/api/v1/systems")
    t.ok(st == 200 and [x["id"] for x in body["items"]] == [s1["id"]], "systems list: only their own", body)
    st, body, _ = off.req("GET", f"/api/v1/systems?agency_id={a2['id']}")
    t.ok(st == 200 and body["total"] == 0, "systems list filtered by another agency: empty")
    st, _, _ = off.req("GET", f"/api/v1/systems/{s2['id']}")
    t.ok(st == 404, "systems get: another agency's system is 404")
    st, _, _ = off.req("PUT", f"/api/v1/systems/{s2['id']}", {"level": 1})
    t.ok(st == 404, "systems update: another agency's system is 404")
    st, _, _ = off.req("DELETE", f"/api/v1/systems/{s2['id']}")
    t.ok(st == 404, "systems delete: another agency's system is 404")
    st, _, _ = off.req("POST", "/api/v1/systems", {"agency_id": a2["id"], "name": "x", "kind": "portal", "level": 1})
    t.ok(st == 403, "systems create in another agency: 403")
    st, _, _ = off.req("PATCH", f"/api/v1/systems/{s1['id']}", {"agency_id": a2["id"]})
    t.ok(st == 403, "moving their system into another agency: 403")
    st, body, _ = off.req("POST", "/api/v1/systems", {"name": "Mail One", "kind": "mail", "level": 1})
    t.ok(st == 201 and body["agency_id"] == a1["id"], "systems create: defaults to their agency", body)
    st, _, _ = off.req("DELETE", f"/api/v1/systems/{body['id']}")
    t.ok(st == 204, "the officer deletes their own system")
    _, s2now, _ = admin.req("GET", f"/api/v1/systems/{s2['id']}")
    t.ok(s2now["level"] == 2 and s2now["agency_id"] == a2["id"], "agency two's system is untouched")

    # --- people ---
    st, body, _ = off.req("GET", "/api/v1/people")
    t.ok(st == 200 and [x["id"] for x in body["items"]] == [p1["id"]], "people list: only their own")
    st, _, _ = off.req("GET", f"/api/v1/people/{p2['id']}")
    t.ok(st == 404, "people get: another agency's person is 404")
    st, _, _ = off.req("PATCH", f"/api/v1/people/{p2['id']}", {"phone": "1"})
    t.ok(st == 404, "people update: another agency's person is 404")
    st, _, _ = off.req("DELETE", f"/api/v1/people/{p2['id']}")
    t.ok(st == 404, "people delete: another agency's person is 404")
    st, _, _ = off.req("POST", "/api/v1/people", {"agency_id": a2["id"], "name": "x", "role": "other"})
    t.ok(st == 403, "people create in another agency: 403")

    # --- events ---
    st, body, _ = off.req("GET", "/api/v1/events")
    ids = sorted(x["id"] for x in body["items"])
    t.ok(st == 200 and ids == ["ev-a1"], "events list: only their agency's events", ids)
    st, body, _ = off.req("GET", f"/api/v1/events?agency_id={a2['id']}")
    t.ok(st == 200 and body["items"] == [], "events filtered by another agency: empty")
    _, allev, _ = admin.req("GET", "/api/v1/events")
    other = [x for x in allev["items"] if x["agency_id"] != a1["id"]]
    codes = [off.req("GET", f"/api/v1/events/{x['seq']}")[0] for x in other]
    t.ok(codes and all(c == 404 for c in codes), "events get: other agencies' events are 404", codes)
    mine = [x for x in allev["items"] if x["agency_id"] == a1["id"]][0]
    st, body, _ = off.req("GET", f"/api/v1/events/{mine['seq']}")
    t.ok(st == 200 and body["id"] == "ev-a1", "events get: their own event")

    # --- overview ---
    st, body, _ = off.req("GET", "/api/v1/overview")
    t.ok(st == 200 and [x["id"] for x in body["agencies"]] == [a1["id"]]
         and body["totals"]["systems"] == 1, "overview: only their agency", body)

    # --- import ---
    st, body, _ = off.req("POST", "/api/v1/import/agencies", raw=b"name,kind\nX,xa\n", ctype="text/csv")
    t.ok(st == 403, "import agencies: refused for an officer")
    csv = "agency,name,kind,level\none,Ok System,application,1\ntwo,Bad System,application,1\n"
    st, body, _ = off.req("POST", "/api/v1/import/systems", raw=csv.encode(), ctype="text/csv")
    t.ok(st == 200 and body["imported"] == 1 and body["errors"][0]["row"] == 3
         and body["errors"][0]["field"] == "agency", "import systems: other agency's row refused", body)
    _, body, _ = admin.req("GET", f"/api/v1/systems?agency_id={a2['id']}")
    t.ok(body["total"] == 1, "nothing was imported into agency two")

    # --- users/tokens/audit are admin-only ---
    for path in ("/api/v1/users", "/api/v1/tokens", "/api/v1/audit"):
        st, _, _ = off.req("GET", path)
        t.ok(st == 403, f"officer GET {path} is 403")

    # --- an agency-bound token ---
    _, btok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent-one", "scope": "agent", "agency_id": a1["id"]})
    bt = srv.client(token=btok["token"])
    st, body, _ = bt.req("POST", "/api/v1/events", raw=ndjson([event("bound-1", agency="two", host="10.2.1.1")]))
    t.ok(st == 200 and body["accepted"] == 1, "agency-bound token ingests")
    _, body, _ = admin.req("GET", "/api/v1/events?q=bound-1")
    t.ok(body["items"][0]["agency_id"] == a1["id"], "its event lands in its own agency whatever it claims", body)
    _, rtok, _ = admin.req("POST", "/api/v1/tokens", {"name": "read-two", "scope": "read", "agency_id": a2["id"]})
    rt = srv.client(token=rtok["token"])
    _, body, _ = rt.req("GET", "/api/v1/events")
    t.ok(sorted(x["id"] for x in body["items"]) == ["ev-a2", "ev-ip2"], "an agency-bound read token reads only its agency", body)
    _, body, _ = rt.req("GET", "/api/v1/systems")
    t.ok([x["id"] for x in body["items"]] == [s2["id"]], "... and only its agency's systems")
finally:
    srv.cleanup()
t.done()
