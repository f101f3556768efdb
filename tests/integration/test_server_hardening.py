#!/usr/bin/env python3
"""Issue 18.3 and 18.8, as an attacker would try them: evidence nested 30
levels deep is refused at ingest, evidence at the bound shows in every
response that embeds it, and an event stored deeper (before the bound)
never takes a page down (its evidence is replaced by a marker, the page
answers 200); a NUL in the path is a 400; a CSV row with a NUL byte is
refused with its row number."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import SRC, Server, Tap, event  # noqa: E402


def nest(depth):
    v = {"leaf": 1}
    for _ in range(depth - 1):
        v = {"n": v}
    return v


t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    _, a1, _ = admin.req("POST", "/api/v1/agencies", {"name": "Sở Một", "kind": "so_ban_nganh", "code": "s1", "ip_ranges": ["10.1.0.0/16"]})
    admin.req("POST", "/api/v1/users", {"username": "off1", "role": "officer", "agency_id": a1["id"], "password": "officer-password-1"})
    off = srv.client()
    off.login("off1", "officer-password-1")
    _, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "feed", "scope": "ingest"})
    feed = srv.client(token=tok["token"])

    # --- deep evidence ---
    st, body, _ = feed.req("POST", "/api/v1/events", [event("deep30", host="10.1.0.5", evidence=nest(30))])
    rej = body.get("rejected", []) if isinstance(body, dict) else []
    t.ok(st == 200 and body.get("accepted") == 0 and rej and "evidence" in rej[0]["error"],
         "evidence 30 levels deep is refused at ingest, naming the field", body)
    st, body, _ = feed.req("POST", "/api/v1/events", [event("deep24", host="10.1.0.6", evidence=nest(24)),
                                                      event("flat", host="10.1.0.7", evidence={"a": 1})])
    t.ok(st == 200 and body.get("accepted") == 2, "evidence at the bound (24 levels) is accepted", body)
    for who, c in (("admin", admin), ("officer", off)):
        st, body, _ = c.req("GET", "/api/v1/events")
        ids = [e["id"] for e in body.get("items", [])] if isinstance(body, dict) else []
        t.ok(st == 200 and "deep24" in ids, f"events list with 24-level evidence answers 200 ({who})", body)
    seq = [e for e in admin.req("GET", "/api/v1/events")[1]["items"] if e["id"] == "deep24"][0]["seq"]
    st, body, _ = admin.req("GET", "/api/v1/events/%d" % seq)
    t.ok(st == 200 and body.get("evidence", {}).get("n"), "the event itself answers 200 with its evidence", body)
    st, body, _ = admin.req("GET", "/api/v1/overview")
    t.ok(st == 200, "the overview answers 200", body)

    # an event stored deeper than the bound (as before the fix): put it in
    # the database directly, as an older server would have accepted it
    srv.stop()
    import json
    deep = json.dumps(nest(31))
    if os.environ.get("CANHGAC_TEST_BACKEND") == "postgresql":
        import subprocess
        url = subprocess.run([os.path.join(SRC, "tests", "pg-store-wrap.sh"), "--url", srv.data_dir],
                             check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "deep=" + deep, url],
                       input="UPDATE events SET evidence = :'deep'::jsonb WHERE id = 'deep24';\n",
                       check=True, text=True, env=dict(os.environ, LC_ALL="C", LANG="C"))
    else:
        db = sqlite3.connect(os.path.join(srv.data_dir, "canhgac.db"))
        db.execute("UPDATE events SET evidence=? WHERE id='deep24'", (deep,))
        db.commit()
        db.close()
    srv.start()
    admin = srv.login_admin()
    off = srv.client()
    off.login("off1", "officer-password-1")
    for who, c in (("admin", admin), ("officer", off)):
        st, body, _ = c.req("GET", "/api/v1/events")
        items = {e["id"]: e for e in body.get("items", [])} if isinstance(body, dict) else {}
        t.ok(st == 200 and "unavailable" in items.get("deep24", {}).get("evidence", {})
             and items.get("flat", {}).get("evidence") == {"a": 1},
             f"a too-deep stored event does not take the list down ({who}): marker in its place, the rest intact", body)
    st, body, _ = admin.req("GET", "/api/v1/events/%d" % seq)
    t.ok(st == 200 and body.get("id") == "deep24", "GET of that event answers 200 (one level less: it fits whole)", body)
    st, body, _ = admin.req("GET", "/api/v1/overview")
    t.ok(st == 200, "the overview still answers 200", body)

    # --- a page larger than the response bound: items that no longer fit
    # are markers, the page still answers (the list used to be a 500) ---
    big = "x" * (200 * 1024)
    sent = 0
    for b in range(6):
        batch = [event("big%03d" % (b * 70 + i), host="10.1.0.9", evidence={"blob": big}) for i in range(70)]
        st, body, _ = feed.req("POST", "/api/v1/events", batch)
        sent += body.get("accepted", 0) if isinstance(body, dict) else 0
    t.ok(sent == 420, "420 events of 200 KiB each stored (84 MiB, over the 64 MiB response bound)", sent)
    st, body, hd = admin.req("GET", "/api/v1/events?limit=500")
    items = body.get("items", []) if isinstance(body, dict) else []
    full = [e for e in items if e.get("evidence", {}).get("blob") == big]
    marked = [e for e in items if "unavailable" in e]
    t.ok(st == 200 and len(items) >= 420 and len(full) > 100 and len(marked) > 0
         and all(m.get("id") and m.get("seq") for m in marked) and "next" in body,
         f"a 500-event page over the bound answers 200: {len(full)} whole, {len(marked)} markers naming their event",
         (st, len(items), len(full), len(marked), str(body)[:300]))
    if marked:
        st, one, _ = admin.req("GET", "/api/v1/events/%d" % marked[0]["seq"])
        t.ok(st == 200 and one.get("evidence", {}).get("blob") == big, "a marked event opens alone", st)

    # --- hostile agent policies (issue 18.6) are refused naming the field ---
    deep = {"a": 1}
    for _ in range(30):
        deep = {"a": deep}
    for pol, field in (({"upload_s": 0}, "upload_s"), ({"upload_s": "abc"}, "upload_s"),
                       ({"malware": "x"}, "malware"), ({"accounts": [1, 2]}, "accounts"),
                       ({"malware": deep}, "malware.a"), ({"heartbeat_s": 0}, "heartbeat_s")):
        st, body, _ = admin.req("PUT", "/api/v1/agent-policies/%d" % a1["id"], pol)
        t.ok(st == 400 and isinstance(body, dict) and body.get("error", "").startswith(field + ":"),
             f"policy {str(pol)[:40]} is refused naming {field}", body)
    st, body, _ = admin.req("GET", "/api/v1/agent-policies/%d" % a1["id"])
    t.ok(st == 200 and body.get("upload_s") == 5 and body.get("version") == 0, "nothing of them was stored", body)

    # --- a NUL in the path ---
    anon = srv.client()
    st, body, _ = anon.req("GET", "/assets/app.js%00.png")
    t.ok(st == 400, "/assets/app.js%00.png is a 400, not app.js", (st, body[:100] if isinstance(body, bytes) else body))
    st, body, _ = anon.req("GET", "/assets/app.js")
    t.ok(st == 200, "/assets/app.js itself is served")
    st, body, _ = admin.req("GET", "/api/v1/events?source=web%00x")
    t.ok(st in (200, 400) and (st == 400 or body.get("items") == []), "a NUL in a query value is never cut short", (st, body))

    # --- a CSV row with a NUL byte ---
    csv = b"name,kind,code\r\nGood One,xa,g1\r\nBad\x00Row,xa,b1\r\nGood Two,xa,g2\r\n"
    st, body, _ = admin.req("POST", "/api/v1/import/agencies", raw=csv, ctype="text/csv")
    rows = [e["row"] for e in body.get("errors", [])] if isinstance(body, dict) else []
    t.ok(st == 200 and body.get("imported") == 2 and rows == [3] and "NUL" in body["errors"][0]["message" if "message" in body["errors"][0] else "error"],
         "a CSV row with a NUL byte is refused with its row number; the others are imported", body)
    st, body, _ = admin.req("GET", "/api/v1/agencies?code=b1")
    t.ok(st == 200 and body.get("total") == 0, "the NUL row was not stored truncated", body)
finally:
    srv.cleanup()
t.done()
