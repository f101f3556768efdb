#!/usr/bin/env python3
"""canhgac serve: authentication on every route, roles, CSRF, sessions,
request limits and errors, security headers, tokens, audit, throttling."""
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
from _serverlib import ADMIN_PW, BIN, Server, Tap, event, gz, ndjson  # noqa: E402

t = Tap()
srv = Server()
try:
    admin = srv.login_admin()
    anon = srv.client()

    # --- every route refuses anonymous callers (except the public ones) ---
    out = subprocess.run([BIN, "serve", "--routes"], capture_output=True,
                         text=True, check=True).stdout
    routes = [line.split() for line in out.splitlines() if line.strip()]
    t.ok(len(routes) >= 30, f"serve --routes lists the route table ({len(routes)} routes)")
    bad = []
    for method, pattern, auth in routes:
        path = re.sub(r"\{[a-z_]+\}", "1", pattern).replace("*", "x.css")
        st, body, _ = anon.req(method, path, raw=b"{}" if method != "GET" else None)
        if auth == "public":
            continue
        if st != 401:
            bad.append(f"{method} {path} -> {st}")
    t.ok(not bad, "every non-public route answers 401 without credentials", bad)
    spec = open(os.path.join(os.environ.get("CANHGAC_SRC", os.path.join(os.path.dirname(__file__), "..", "..")),
                             "docs", "openapi.yaml"), encoding="utf-8").read()
    try:
        import yaml  # PyYAML: a strict parser, so the spec loads in any tool
        try:
            yaml.safe_load(spec)
            t.ok(True, "docs/openapi.yaml is well-formed YAML")
        except yaml.YAMLError as e:
            t.ok(False, "docs/openapi.yaml is well-formed YAML", e)
    except ImportError:
        t.n += 1
        print(f"ok {t.n} - docs/openapi.yaml is well-formed YAML # skip no PyYAML")
    undocumented = []
    for method, pattern, auth in routes:
        p = pattern.replace("*", "{path}")
        block = spec.split(f'"{p}":', 1)
        if len(block) < 2 or f"\n    {method.lower()}:" not in block[1].split('\n  "/', 1)[0]:
            undocumented.append(f"{method} {pattern}")
    t.ok(not undocumented, "docs/openapi.yaml describes every route", undocumented)
    # its x-canhgac-auth word is the policy's summary that --routes prints
    wrong = []
    for method, pattern, auth in routes:
        p = pattern.replace("*", "{path}")
        block = spec.split(f'"{p}":', 1)
        if len(block) < 2:
            continue
        mb = block[1].split('\n  "/', 1)[0].split(f"\n    {method.lower()}:", 1)
        if len(mb) < 2:
            continue
        m = re.search(r'x-canhgac-auth: "([^"]+)"', re.split(r"\n    [a-z]+:\n", mb[1], 1)[0])
        if not m or m.group(1) != auth:
            wrong.append(f"{method} {pattern}: spec {m.group(1) if m else None}, routes {auth}")
    t.ok(not wrong and all(a != "?" for _, _, a in routes),
         "x-canhgac-auth in docs/openapi.yaml is the policy's word for every route", wrong)
    st, body, _ = anon.req("POST", "/api/v1/session", {"username": "admin", "password": "wrong-password"})
    t.ok(st == 401, "login with a wrong password is 401", body)

    # --- security headers on API, static and error responses ---
    for path in ("/", "/api/v1/agencies", "/no/such/thing"):
        st, body, h = anon.req("GET", path)
        csp = h.get("content-security-policy", "")
        t.ok("default-src 'self'" in csp and "unsafe-inline" not in csp
             and h.get("x-content-type-options") == "nosniff"
             and h.get("x-frame-options") == "DENY"
             and h.get("referrer-policy") == "no-referrer",
             f"security headers on GET {path} ({st})", h)
    st, body, h = anon.req("GET", "/")
    t.ok(st == 200 and h["content-type"].startswith("text/html") and b"canhgac" in body,
         "GET / serves the embedded index.html")
    st, body, h = anon.req("GET", "/assets/../../etc/passwd")
    t.ok(st == 404, "no path traversal out of the embedded assets")

    # --- session cookie attributes, GET/DELETE session ---
    c = srv.client()
    st, body, h = c.login("admin", ADMIN_PW)
    cookie = h.get("set-cookie", "")
    t.ok(st == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
         and "Path=/" in cookie and body["user"]["role"] == "admin"
         and len(body["csrf_token"]) >= 32, "login sets an HttpOnly SameSite=Strict cookie and returns the CSRF token", cookie)
    st, body, _ = c.req("GET", "/api/v1/session")
    t.ok(st == 200 and body["user"]["username"] == "admin", "GET /session returns the user")

    # --- CSRF ---
    st, body, _ = c.req("POST", "/api/v1/agencies", {"name": "A", "kind": "xa"}, csrf=False)
    t.ok(st == 403 and "CSRF" in body["error"], "cookie POST without X-CSRF-Token is 403", body)
    st, body, _ = c.req("POST", "/api/v1/agencies", {"name": "A", "kind": "xa"},
                        headers={"X-CSRF-Token": "wrong"})
    t.ok(st == 403, "cookie POST with a wrong X-CSRF-Token is 403")
    st, body, h = c.req("POST", "/api/v1/session", {"username": "admin", "password": ADMIN_PW}, csrf=False)
    t.ok(st == 200, "logging in again with a live session cookie needs no CSRF token", body)
    if st == 200:
        c.cookie = h["set-cookie"].split(";")[0].split("=", 1)[1]
        c.csrf = body["csrf_token"]
    st, body, _ = c.req("DELETE", "/api/v1/session", csrf=False)
    t.ok(st == 403, "logout without the CSRF token is refused")
    st, body, _ = c.req("DELETE", "/api/v1/session")
    t.ok(st == 204, "logout with the CSRF token is 204")
    st, body, _ = c.req("GET", "/api/v1/session")
    t.ok(st == 401, "the session is gone after logout")

    # --- malformed JSON, wrong types, limits ---
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=b'{"name": "x", "kind": ')
    t.ok(st == 400 and "invalid JSON" in body["error"] and "line 1" in body["error"],
         "malformed JSON is 400 with the parser's reason", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "x", "kind": "tinh"})
    t.ok(st == 400 and body["error"].startswith("kind:") and body["details"][0]["field"] == "kind",
         "an invalid field is 400 naming the field", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "x", "kind": "xa", "bogus": 1})
    t.ok(st == 400 and "bogus" in body["error"], "an unknown field is 400", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=b"name=x", ctype="application/x-www-form-urlencoded")
    t.ok(st == 415, "a non-JSON content type is 415", body)
    big = b"[" + b" " * (16 * 1024 * 1024 + 10) + b"]"
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=big)
    t.ok(st == 413, "a body over CG_MAX_REQUEST_BODY is 413", body)
    bomb = gz(b"[" + b" " * (17 * 1024 * 1024) + b"]")
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=bomb, headers={"Content-Encoding": "gzip"})
    t.ok(st == 413 and len(bomb) < 100000, "a gzip body expanding past the limit is 413", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=b"not gzip", headers={"Content-Encoding": "gzip"})
    t.ok(st == 400 and "gzip" in body["error"], "a corrupt gzip body is 400", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", raw=b"{}", headers={"Content-Encoding": "br"})
    t.ok(st == 415, "an unknown Content-Encoding is 415", body)
    st, body, _ = admin.req("GET", "/api/v1/agencies?limit=100000")
    t.ok(st == 400 and "limit" in body["error"], "limit over 500 is 400", body)
    st, body, _ = admin.req("GET", "/api/v1/agencies/999999")
    t.ok(st == 404, "unknown id is 404")
    st, body, _ = admin.req("PATCH", "/api/v1/overview", {})
    t.ok(st == 405, "wrong method on a known path is 405")

    # --- inventory CRUD ---
    st, ag, _ = admin.req("POST", "/api/v1/agencies", {
        "name": "Sở Khoa học và Công nghệ", "kind": "so_ban_nganh",
        "code": "stttt", "ip_ranges": ["10.12.1.9/16", "10.12.0.0/16"], "declared_endpoints": 120})
    t.ok(st == 201 and ag["ip_ranges"] == ["10.12.0.0/16"] and ag["id"] > 0,
         "create an agency: ranges normalised and deduplicated", ag)
    st, sysrec, _ = admin.req("POST", "/api/v1/systems", {
        "agency_id": ag["id"], "name": "Cổng TTĐT", "kind": "portal",
        "urls": ["https://stttt.laichau.gov.vn/"], "domains": ["stttt.laichau.gov.vn"],
        "level": 2, "dossier_status": "approved",
        "dossier_dates": {"approved": "2025-03-01"}})
    t.ok(st == 201 and sysrec["monitor_interval_s"] == 300 and sysrec["dossier_dates"]["approved"] == "2025-03-01",
         "create a system with defaults", sysrec)
    st, body, _ = admin.req("POST", "/api/v1/systems", {"agency_id": 999, "name": "x", "kind": "portal", "level": 1})
    t.ok(st == 400, "a system of an unknown agency is 400", body)
    # constraint failures are data naming the field, never backend text
    backend_words = ("UNIQUE", "constraint", "duplicate key", "violates", "FOREIGN", "sqlite", "SQLSTATE", "agencies.")
    clean = lambda b: not any(w.lower() in json.dumps(b, ensure_ascii=False).lower() for w in backend_words)
    t.ok(body.get("code") == "unknown_reference" and body.get("field") == "agency_id"
         and "Cơ quan" in body["error"] and "Agency" in body.get("error_en", "") and clean(body),
         "an unknown agency is named as the field, in Vietnamese and English", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Trùng mã", "kind": "so_ban_nganh", "code": ag["code"]})
    t.ok(st == 409 and body.get("code") == "duplicate" and body.get("field") == "code" and clean(body)
         and body["error"].startswith("Mã"), "a duplicate agency code is 409 duplicate on field code", body)
    st, body, _ = admin.req("POST", "/api/v1/agencies", {"name": "Con", "kind": "so_ban_nganh", "parent_id": 987654})
    t.ok(st == 400 and body.get("code") == "unknown_reference" and body.get("field") == "parent_id" and clean(body),
         "an unknown parent agency is named as parent_id", body)
    st, body, _ = admin.req("POST", "/api/v1/systems", {"agency_id": ag["id"], "name": "x", "kind": "portal", "level": 7})
    t.ok(st == 400 and "level" in body["error"], "level 7 is refused", body)
    st, body, _ = admin.req("PATCH", f"/api/v1/systems/{sysrec['id']}", {"level": 3})
    t.ok(st == 200 and body["level"] == 3 and body["name"] == "Cổng TTĐT", "PATCH changes one field", body)
    st, person, _ = admin.req("POST", "/api/v1/people", {
        "agency_id": ag["id"], "name": "Nguyễn Văn A", "role": "contact_point",
        "phone": "0912345678", "email": "a@laichau.gov.vn", "published_on_portal": True})
    t.ok(st == 201 and person["published_on_portal"] is True, "create a person", person)
    st, body, _ = admin.req("GET", "/api/v1/systems?agency_id=%d&kind=portal" % ag["id"])
    t.ok(st == 200 and body["total"] == 1 and body["items"][0]["id"] == sysrec["id"], "list systems with filters", body)
    st, body, _ = admin.req("GET", "/api/v1/agencies?q=C%C3%B4ng%20ngh%E1%BB%87")
    t.ok(st == 200 and body["total"] == 1, "agency text search (q)", body)
    st, body, _ = admin.req("DELETE", f"/api/v1/agencies/{ag['id']}")
    t.ok(st == 409 and body.get("code") == "in_use" and clean(body), "deleting an agency that still has systems is 409 in_use", body)
    st, body, _ = admin.req("GET", "/api/v1/overview")
    a0 = body["agencies"][0]
    t.ok(st == 200 and a0["portals"] == 1 and a0["classified"] == {"approved": 1, "total": 1}
         and a0["declared_endpoints"] == 120, "overview counts portals and classification", body)

    # --- users and roles ---
    st, body, _ = admin.req("POST", "/api/v1/users", {"username": "v1", "role": "viewer", "password": "short"})
    t.ok(st == 400 and "password" in body["error"], "a short password is refused", body)
    st, viewer, _ = admin.req("POST", "/api/v1/users", {"username": "v1", "role": "viewer", "password": "viewer-password-1"})
    t.ok(st == 201 and "password" not in viewer and "pw_hash" not in json.dumps(viewer), "create a viewer (no hash echoed)", viewer)
    st, body, _ = admin.req("POST", "/api/v1/users", {"username": "v1", "role": "viewer", "password": "viewer-password-1"})
    t.ok(st == 409 and body.get("code") == "duplicate" and body.get("field") == "username" and clean(body),
         "a duplicate username is 409 duplicate on field username", body)
    st, body, _ = admin.req("POST", "/api/v1/users", {"username": "o1", "role": "officer", "password": "officer-password-1"})
    t.ok(st == 400 and "agency" in body["error"], "an officer without an agency is refused", body)
    v = srv.client()
    t.ok(v.login("v1", "viewer-password-1")[0] == 200, "the viewer logs in")
    st, body, _ = v.req("GET", "/api/v1/systems")
    t.ok(st == 200 and body["total"] == 1, "the viewer reads the inventory")
    st, body, _ = v.req("POST", "/api/v1/agencies", {"name": "B", "kind": "xa"})
    t.ok(st == 403, "the viewer cannot create", body)
    st, body, _ = v.req("DELETE", f"/api/v1/systems/{sysrec['id']}")
    t.ok(st == 403, "the viewer cannot delete")
    st, body, _ = v.req("GET", "/api/v1/users")
    t.ok(st == 403, "the viewer cannot list users")
    st, analyst, _ = admin.req("POST", "/api/v1/users", {"username": "an1", "role": "analyst", "password": "analyst-password-1"})
    an = srv.client()
    an.login("an1", "analyst-password-1")
    st, body, _ = an.req("POST", "/api/v1/agencies", {"name": "UBND xã Bình Lư", "kind": "xa"})
    t.ok(st == 201, "an analyst creates agencies")
    st, body, _ = an.req("POST", "/api/v1/agencies", {"name": "UBND huyện Tam Đường", "kind": "huyen"})
    t.ok(st == 400 and "1 July 2025" in json.dumps(body),
         "a new district (huyen) is refused: districts were abolished on 1 July 2025", body)
    st, body, _ = an.req("GET", "/api/v1/tokens")
    t.ok(st == 403, "an analyst cannot manage tokens")
    st, body, _ = admin.req("PATCH", f"/api/v1/users/{viewer['id']}", {"disabled": True})
    t.ok(st == 200 and body["disabled"] is True, "admin disables the viewer")
    st, body, _ = v.req("GET", "/api/v1/systems")
    t.ok(st == 401, "a disabled user's session stops working")
    t.ok(v.login("v1", "viewer-password-1")[0] == 401, "a disabled user cannot log in")

    # --- tokens ---
    st, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent-test", "scope": "ingest"})
    t.ok(st == 201 and tok["token"].startswith("cgt_") and tok["revoked_at"] is None, "create an ingest token", tok)
    st, lst, _ = admin.req("GET", "/api/v1/tokens")
    t.ok(st == 200 and all("token" not in x for x in lst["items"]), "the token list never shows secrets")
    ing = srv.client(token=tok["token"])
    st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([event("tok-1")]), ctype="application/x-ndjson")
    t.ok(st == 200 and body["accepted"] == 1, "the ingest token posts events (no CSRF needed)", body)
    st, body, _ = ing.req("GET", "/api/v1/agencies")
    t.ok(st == 403, "an ingest token cannot read the inventory")
    st, body, _ = admin.req("GET", f"/api/v1/tokens/{tok['id']}")
    t.ok(st == 200 and body["last_used_at"], "last_used_at is recorded", body)
    st, rtok, _ = admin.req("POST", "/api/v1/tokens", {"name": "reader", "scope": "read"})
    rd = srv.client(token=rtok["token"])
    st, body, _ = rd.req("GET", "/api/v1/events")
    t.ok(st == 200 and len(body["items"]) == 1, "a read token lists events")
    st, body, _ = rd.req("POST", "/api/v1/events", raw=ndjson([event("tok-2")]))
    t.ok(st == 403, "a read token cannot ingest")
    st, body, _ = admin.req("DELETE", f"/api/v1/tokens/{tok['id']}")
    t.ok(st == 204, "revoke the ingest token")
    st, body, _ = ing.req("POST", "/api/v1/events", raw=ndjson([event("tok-3")]))
    t.ok(st == 401, "a revoked token is refused at once", body)
    st, body, _ = srv.client(token="cgt_forged").req("GET", "/api/v1/events")
    t.ok(st == 401, "an unknown token is 401")
    st, body, _ = admin.req("GET", f"/api/v1/tokens/{tok['id']}")
    t.ok(body["revoked_at"] is not None, "revoked_at is set")

    # --- audit ---
    st, body, _ = admin.req("GET", "/api/v1/audit?limit=500")
    acts = {(x["actor"], x["action"], x["object_type"]) for x in body["items"]}
    t.ok(("user:admin", "create", "agency") in acts and ("user:admin", "update", "system") in acts
         and ("user:admin", "revoke", "token") in acts and ("user:an1", "create", "agency") in acts
         and ("user:admin", "update", "user") in acts and ("anonymous", "login_failed", "session") in acts
         and ("cli", "create", "user") in acts,
         "the audit log has who/what for every change", sorted(acts))
    st, body, _ = admin.req("GET", "/api/v1/audit?actor=user:an1")
    t.ok(st == 200 and body["total"] >= 2 and all(x["actor"] == "user:an1" for x in body["items"]),
         "audit filter by actor")
    t.ok(all(x.get("time") for x in body["items"]), "audit rows carry the time")

    # --- login throttling (last: it blocks this client address) ---
    codes = [srv.client().login("an1", "wrong-password-x")[0] for _ in range(6)]
    t.ok(codes[:5] == [401] * 5 and codes[5] == 429, "the 6th failed login for one username is 429", codes)
    st = srv.client().login("an1", "analyst-password-1")[0]
    t.ok(st == 429, "even the right password waits while the username is throttled")
    st = srv.client().login("admin", ADMIN_PW)[0]
    t.ok(st == 200, "another username from the same address still logs in")
    codes = [srv.client().login(f"nouser{i}", "wrong-password-x")[0] for i in range(30)]
    st = srv.client().login("admin", ADMIN_PW)[0]
    t.ok(codes[0] == 401 and codes[-1] == 429 and st == 429, "many failures from one address throttle the address", codes)
    rc = srv.stop()
    t.ok(rc == 0, "SIGTERM stops the server cleanly (exit 0)", rc)
finally:
    srv.cleanup()
t.done()
