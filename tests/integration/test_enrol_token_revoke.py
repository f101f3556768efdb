#!/usr/bin/env python3
"""Revoking an enrolment token (DELETE /api/v1/enroll-tokens/{id}), with a
real TLS server and real `canhgac agent enroll` runs on loopback: a fleet
token enrols one agent, is revoked, and then enrols nothing more, the
agent and the server saying it was revoked (not "unknown", not "used");
the agent it enrolled stays; the list shows when and by whom; the
revocation is in the audit log; revoking twice is 409, an unknown id 404.
Who may revoke (officers their own agency's only) is test_server_policy's
and unit/test_policy's."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _agentlib import BIN, Tap, TlsServer  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="canhgac-etoken-revoke.")
srv = TlsServer()


def enroll(data_dir, token):
    return subprocess.run([BIN, "agent", "enroll", "--server", srv.url, "--token", token,
                           "--pin", srv.pin, "--data-dir", data_dir],
                          capture_output=True, text=True)


try:
    st, ag, _ = srv.req("POST", "/api/v1/agencies", {"name": "Sở Tư pháp", "kind": "so_ban_nganh"})
    t.ok(st == 201, "an agency", (st, ag))
    aid = ag["id"]
    st, et, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid, "note": "GPO", "max_uses": 5})
    t.ok(st == 201, "a token of 5 uses", (st, et))
    r = enroll(os.path.join(tmp, "a1"), et["token"])
    t.ok(r.returncode == 0, "one agent enrols with it", r.stderr)

    st, body, _ = srv.req("DELETE", f"/api/v1/enroll-tokens/{et['id']}")
    t.ok(st == 204, "revoked", (st, body))
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    row = [x for x in lst["items"] if x["id"] == et["id"]]
    t.ok(row and row[0]["revoked_at"] and row[0]["revoked_by"] and row[0]["uses"] == 1,
         "listed with when and by whom, its one use kept", row)

    r = enroll(os.path.join(tmp, "a2"), et["token"])
    t.ok(r.returncode != 0 and "revoked" in r.stderr, "the agent is refused, saying revoked", r.stderr)
    st, body, _ = srv.req("POST", "/api/v1/agent/enroll",
                          {"token": et["token"], "host": "pc-2", "os": "Linux", "agent_version": "1"})
    t.ok(st == 410 and "revoked" in body.get("error", ""), "the server answers 410 revoked", (st, body))
    st, lst, _ = srv.req("GET", "/api/v1/enroll-tokens")
    row = [x for x in lst["items"] if x["id"] == et["id"]]
    t.ok(row and row[0]["uses"] == 1, "a refused enrolment spends no use", row)

    st, eps, _ = srv.req("GET", "/api/v1/endpoints")
    t.ok(st == 200 and len([e for e in eps["items"] if e["agency_id"] == aid]) == 1,
         "the agent it enrolled stays", eps)

    st, body, _ = srv.req("DELETE", f"/api/v1/enroll-tokens/{et['id']}")
    t.ok(st == 409 and "already revoked" in body.get("error", ""), "revoking twice: 409", (st, body))
    st, body, _ = srv.req("DELETE", "/api/v1/enroll-tokens/999999")
    t.ok(st == 404, "an unknown token: 404", (st, body))
    st, body, _ = srv.req("DELETE", "/api/v1/enroll-tokens/abc")
    t.ok(st in (400, 404), "a bad id is refused", (st, body))

    st, au, _ = srv.req("GET", "/api/v1/audit?limit=50")
    rows = [a for a in au.get("items", []) if a.get("action") == "revoke"
            and a.get("object_type") == "enroll_token" and a.get("object_id") == et["id"]]
    t.ok(st == 200 and len(rows) == 1, "one audit row for the revocation", au.get("items", [])[:5])

    # another token of the agency is untouched
    st, other, _ = srv.req("POST", "/api/v1/enroll-tokens", {"agency_id": aid})
    r = enroll(os.path.join(tmp, "a3"), other["token"])
    t.ok(r.returncode == 0, "another token of the agency still enrols", r.stderr)
finally:
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
