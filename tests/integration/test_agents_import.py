#!/usr/bin/env python3
"""An older server's agent registry file (DATA_DIR/agents.db: enrolment
tokens, agents, agent policies, kept beside the store before they were
rows of it) is imported into the store at the first start and renamed
agents.db.imported: the agent goes on heartbeating with its API token, an
unused enrolment token still enrols, a used one stays used, the policy
keeps its version, a row naming an agency the store does not have is
left out, and a second start imports nothing again. Runs on both
backends. Prints TAP."""
import hashlib
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _serverlib as S  # noqa: E402

# the old file's schema (its migration 1), as an older server made it
OLD_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE enroll_tokens (id INTEGER PRIMARY KEY, token_hash BLOB NOT NULL UNIQUE,
 agency_id INTEGER NOT NULL, note TEXT, created_by TEXT, created_at INTEGER NOT NULL,
 expires_at INTEGER NOT NULL, used_at INTEGER, used_by TEXT);
CREATE TABLE agents (id INTEGER PRIMARY KEY, agent_id TEXT NOT NULL UNIQUE,
 api_token_id INTEGER NOT NULL UNIQUE, agency_id INTEGER NOT NULL, host TEXT, os TEXT,
 agent_version TEXT, rule_version TEXT, policy_version INTEGER, spool_pending INTEGER,
 enrolled_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE INDEX agents_agency ON agents(agency_id);
CREATE TABLE policies (agency_id INTEGER PRIMARY KEY, version INTEGER NOT NULL,
 body TEXT NOT NULL, updated_at INTEGER NOT NULL);
"""


def sha(s):
    return hashlib.sha256(s.encode()).digest()


def main():
    t = S.Tap()
    srv = S.Server()
    try:
        admin = srv.login_admin()
        st, ag, _ = admin.req("POST", "/api/v1/agencies", {"name": "Xã Ba Vì", "kind": "xa"})
        st, tok, _ = admin.req("POST", "/api/v1/tokens", {"name": "agent web01", "scope": "agent",
                                                           "agency_id": ag["id"]})
        t.ok(st == 201, "an agent's API token made by the older server", (st, tok))
        srv.stop()
        db = os.path.join(srv.data_dir, "agents.db")
        c = sqlite3.connect(db)
        c.executescript(OLD_SCHEMA)
        c.execute("PRAGMA journal_mode=WAL")
        now = 1790000000000
        far = now + 10 * 365 * 86400000
        c.execute("INSERT INTO enroll_tokens VALUES (1,?,?,?,?,?,?,?,?)",
                  (sha("cge_used-one"), ag["id"], "web01", "user:admin", now - 5000, far, now - 4000, "web01"))
        c.execute("INSERT INTO enroll_tokens VALUES (2,?,?,?,?,?,?,NULL,NULL)",
                  (sha("cge_still-unused"), ag["id"], "pc02", "user:admin", now - 3000, far))
        c.execute("INSERT INTO enroll_tokens VALUES (3,?,?,?,?,?,?,NULL,NULL)",
                  (sha("cge_gone-agency"), 999999, "?", "user:admin", now - 3000, far))
        c.execute("INSERT INTO agents VALUES (1,'ag-legacy01',?,?,'web01','linux','0.9','r3',3,4,?,?)",
                  (tok["id"], ag["id"], now - 4000, now - 1000))
        c.execute("INSERT INTO policies VALUES (?,3,?,?)", (ag["id"], '{"heartbeat_s":30}', now - 2000))
        c.commit()
        c.close()

        srv.start()
        admin = srv.login_admin()
        t.ok(not os.path.exists(db) and os.path.exists(db + ".imported"),
             "agents.db is renamed agents.db.imported")
        with open(os.path.join(srv.data_dir, "server.log"), errors="replace") as f:
            log = f.read()
        t.ok("1 rows naming an agency or API token the store does not have were left out" in log,
             "the rows left out are logged",
             log[-800:])
        st, eps, _ = admin.req("GET", "/api/v1/endpoints")
        t.ok(st == 200 and [(e["agent_id"], e["host"], e["rule_version"], e["spool_pending"])
                            for e in eps["items"]] == [("ag-legacy01", "web01", "r3", 4)],
             "the agent is listed from the store", eps)
        st, ets, _ = admin.req("GET", "/api/v1/enroll-tokens")
        t.ok(st == 200 and sorted(e["note"] for e in ets["items"]) == ["pc02", "web01"],
             "the enrolment tokens of known agencies are imported", ets)
        st, pol, _ = admin.req("GET", f"/api/v1/agent-policies/{ag['id']}")
        t.ok(st == 200 and pol["version"] == 3 and pol["heartbeat_s"] == 30,
             "the policy keeps its version", pol)
        st, hb, _ = srv.client(token=tok["token"]).req("POST", "/api/v1/agent/heartbeat",
                                                        {"spool_pending": 0, "rule_version": "r4"})
        t.ok(st == 200 and hb["policy_version"] == 3, "the agent heartbeats with its API token", (st, hb))
        st, enr, _ = srv.client().req("POST", "/api/v1/agent/enroll",
                                      {"token": "cge_still-unused", "host": "pc02"})
        t.ok(st == 200 and enr["agency_id"] == ag["id"], "an unused imported token enrols", (st, enr))
        st, _, _ = srv.client().req("POST", "/api/v1/agent/enroll",
                                    {"token": "cge_used-one", "host": "again"})
        t.ok(st == 409, "a used imported token stays used", st)
        srv.stop()
        srv.start()
        admin = srv.login_admin()
        st, eps, _ = admin.req("GET", "/api/v1/endpoints")
        t.ok(st == 200 and len(eps["items"]) == 2 and os.path.exists(db + ".imported")
             and not os.path.exists(db), "a second start imports nothing again", eps)
    finally:
        srv.cleanup()
    t.done()


if __name__ == "__main__":
    main()
