/*
 * sqlite_state.c - the SQLite backend's server-state tables
 * (backend_state.h): the store's secrets, the login throttle, the agent
 * registry, enrolment tokens and agent policies.
 *
 * This file is part of sqlite.c's translation unit (included at its end,
 * not compiled on its own): it uses that file's connection pool,
 * transactions and column helpers without exporting them. Its tables are
 * made by sqlite.c's migrations. These calls are rare (a login, an
 * enrolment, a heartbeat a minute per agent), so their statements are
 * prepared per call rather than taking room in the connections' caches.
 */

#define ST_HASH(s, i, h) sqlite3_bind_blob((s), (i), (h), 32, SQLITE_STATIC)

/* A one-off statement on c, or NULL with *err set. */
static sqlite3_stmt *st_prep(conn *c, const char *sql, cg_err *err)
{
	sqlite3_stmt *s = stmt_dyn(c, sql);
	if (!s)
		*err = CG_EDB;
	return s;
}

static cg_err st_done(conn *c, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	cg_err err = rc == SQLITE_DONE || rc == SQLITE_ROW
	                 ? CG_OK
	                 : db_err(c->db, sqlite3_extended_errcode(c->db));
	sqlite3_finalize(s);
	return err;
}

static cg_err sqs_secret(cg_store_impl *st, const char *name, const uint8_t fresh[32],
                         uint8_t out[32])
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO store_secrets(name,value) VALUES(?,?)"
	                          " ON CONFLICT(name) DO NOTHING",
	                          &err);
	if (s) {
		bind_str(s, 1, name);
		ST_HASH(s, 2, fresh);
		err = st_done(c, s);
	}
	s = err ? NULL : st_prep(c, "SELECT value FROM store_secrets WHERE name=?", &err);
	if (s) {
		bind_str(s, 1, name);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
			memcpy(out, sqlite3_column_blob(s, 0), 32);
		else
			err = CG_EDB;
		sqlite3_finalize(s);
	}
	writer_put(st);
	return err;
}

/* The live window's failures; -1 when the key has none and the table is
 * full of live windows. */
static const char SQS_THROTTLE_GET[] =
    "SELECT coalesce((SELECT fails FROM login_throttle WHERE key=?1 AND window_start>?2),"
    " CASE WHEN (SELECT count(*) FROM login_throttle WHERE window_start>?2)>=?3"
    " THEN -1 ELSE 0 END)";

static cg_err sqs_throttle_get(cg_store_impl *st, const uint8_t key[32], int64_t live_since_ms,
                               int64_t max_keys, int64_t *fails)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c, SQS_THROTTLE_GET, &err);
	if (s) {
		ST_HASH(s, 1, key);
		sqlite3_bind_int64(s, 2, live_since_ms);
		sqlite3_bind_int64(s, 3, max_keys);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*fails = sqlite3_column_int64(s, 0);
		else if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

/* In one write transaction: drop ended windows, then count the failure
 * in the key's live window, or start one if fewer than max_keys are live. */
static cg_err sqs_throttle_fail(cg_store_impl *st, const uint8_t key[32], int64_t now_ms,
                                int64_t live_since_ms, int64_t max_keys, int64_t *fails)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	sqlite3_stmt *s =
	    err ? NULL : st_prep(c, "DELETE FROM login_throttle WHERE window_start<=?", &err);
	if (s) {
		sqlite3_bind_int64(s, 1, live_since_ms);
		err = st_done(c, s);
	}
	s = err ? NULL
	        : st_prep(c, "UPDATE login_throttle SET fails=fails+1 WHERE key=? RETURNING fails",
	                  &err);
	bool counted = false;
	if (s) {
		ST_HASH(s, 1, key);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*fails = sqlite3_column_int64(s, 0);
			counted = true;
		} else if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	s = err || counted ? NULL
	                   : st_prep(c,
	                             "INSERT INTO login_throttle(key,window_start,fails)"
	                             " SELECT ?,?,1 WHERE (SELECT count(*) FROM login_throttle)<?",
	                             &err);
	if (s) {
		ST_HASH(s, 1, key);
		sqlite3_bind_int64(s, 2, now_ms);
		sqlite3_bind_int64(s, 3, max_keys);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) == 1)
			*fails = 1;
		else if (!err)
			err = CG_ELIMIT;
	}
	/* a key not counted still commits the purge of ended windows */
	cg_err ferr = finish(c, err == CG_ELIMIT ? CG_OK : err);
	err = ferr ? ferr : err;
	writer_put(st);
	return err;
}

static cg_err sqs_throttle_reset(cg_store_impl *st, const uint8_t key[32])
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c, "DELETE FROM login_throttle WHERE key=?", &err);
	if (s) {
		ST_HASH(s, 1, key);
		err = st_done(c, s);
	}
	writer_put(st);
	return err;
}

/* ---- enrolment tokens ------------------------------------------------ */

static void bind_opt_int(sqlite3_stmt *s, int i, const json_t *rec, const char *k, int64_t dflt,
                         bool null_dflt)
{
	json_t *v = json_object_get(rec, k);
	if (json_is_integer(v))
		sqlite3_bind_int64(s, i, json_integer_value(v));
	else if (null_dflt)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, dflt);
}

static cg_err sqs_etoken_create(cg_store_impl *st, const cg_scope *scope, const json_t *rec,
                                const uint8_t hash[32], int64_t now_ms, int64_t *id)
{
	(void)scope; /* checked by store_state.c against the record's agency */
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO enroll_tokens(token_hash,agency_id,note,"
	                          "created_by,created_at,expires_at,used_at,used_by,max_uses,uses)"
	                          " VALUES(?,?,?,?,?,?,?,?,?,?)",
	                          &err);
	if (s) {
		ST_HASH(s, 1, hash);
		sqlite3_bind_int64(s, 2, json_integer_value(json_object_get(rec, "agency_id")));
		bind_str(s, 3, cg_json_get_str(rec, "note"));
		bind_str(s, 4, cg_json_get_str(rec, "created_by"));
		bind_opt_int(s, 5, rec, "created_at", now_ms, false);
		bind_opt_int(s, 6, rec, "expires_at", 0, false);
		bind_opt_int(s, 7, rec, "used_at", 0, true);
		bind_str(s, 8, cg_json_get_str(rec, "used_by"));
		/* an imported token that was used counts one use */
		bind_opt_int(s, 9, rec, "max_uses", 1, false);
		bind_opt_int(s, 10, rec, "uses", json_is_integer(json_object_get(rec, "used_at")),
		             false);
		err = st_done(c, s);
		if (err == CG_EINVAL)
			fk_field("agency_id");
		if (!err)
			*id = sqlite3_last_insert_rowid(c->db);
	}
	writer_put(st);
	return err;
}

static cg_err sqs_etoken_list(cg_store_impl *st, const cg_scope *scope, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id,agency_id,note,created_by,created_at,expires_at,"
	                          "used_at,used_by,uses,max_uses,revoked_at,revoked_by"
	                          " FROM enroll_tokens WHERE ?1=0 OR agency_id=?1"
	                          " ORDER BY id DESC LIMIT 500",
	                          &err);
	if (s) {
		*items = json_array();
		sqlite3_bind_int64(s, 1, scope->agency_id);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(
			    *items,
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
			              col_int_null(s, 0), "agency_id", col_int_null(s, 1), "note",
			              col_str(s, 2), "created_by", col_str(s, 3), "created_at",
			              col_time(s, 4), "expires_at", col_time(s, 5), "used_at",
			              col_time(s, 6), "used_by", col_str(s, 7), "uses",
			              col_int_null(s, 8), "max_uses", col_int_null(s, 9),
			              "revoked_at", col_time(s, 10), "revoked_by", col_str(s, 11)));
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqs_etoken_consume(cg_store_impl *st, const uint8_t hash[32], int64_t now_ms,
                                 const char *used_by, int64_t *agency_id)
{
	conn *c = writer_get(st);
	cg_err err = begin(c);
	sqlite3_stmt *s =
	    err ? NULL
	        : st_prep(c,
	                  "SELECT agency_id,uses>=max_uses,expires_at,revoked_at IS NOT NULL"
	                  " FROM enroll_tokens WHERE token_hash=?",
	                  &err);
	if (s) {
		ST_HASH(s, 1, hash);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*agency_id = sqlite3_column_int64(s, 0);
			if (sqlite3_column_int64(s, 3) != 0)
				err = CG_EPERM; /* revoked */
			else if (sqlite3_column_int64(s, 1) != 0)
				err = CG_ECONFLICT; /* every use spent */
			else if (sqlite3_column_int64(s, 2) < now_ms)
				err = CG_ETIMEOUT;
		} else
			err = rc == SQLITE_DONE ? CG_ENOTFOUND
			                        : db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	/* inside the write transaction, and conditional on the uses left: one
	 * use per enrolment and never more than max_uses, whichever server or
	 * thread asks; used_at/used_by become the last use */
	s = err ? NULL
	        : st_prep(c,
	                  "UPDATE enroll_tokens SET uses=uses+1,used_at=?,used_by=?"
	                  " WHERE token_hash=? AND uses<max_uses",
	                  &err);
	if (s) {
		sqlite3_bind_int64(s, 1, now_ms);
		bind_str(s, 2, used_by);
		ST_HASH(s, 3, hash);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) != 1)
			err = CG_ECONFLICT;
	}
	err = finish(c, err);
	writer_put(st);
	return err;
}

/* The agency of the row sql finds for ?1 id, ?2 the scope's agency (and
 * ?3 now, ?4 by when it changes one): CG_ENOTFOUND when none. */
static cg_err etoken_agency(conn *c, const char *sql, int64_t id, int64_t scope_agency,
                            int64_t now_ms, const char *by, int64_t *agency_id)
{
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c, sql, &err);
	if (!s)
		return err;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, scope_agency);
	if (sqlite3_bind_parameter_count(s) >= 4) {
		sqlite3_bind_int64(s, 3, now_ms);
		bind_str(s, 4, by);
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*agency_id = sqlite3_column_int64(s, 0);
	else
		err = rc == SQLITE_DONE ? CG_ENOTFOUND
		                        : db_err(c->db, sqlite3_extended_errcode(c->db));
	sqlite3_finalize(s);
	return err;
}

/* One conditional UPDATE (the writer runs one at a time): revoked once;
 * when it changed nothing, the row in scope says why. */
static cg_err sqs_etoken_revoke(cg_store_impl *st, const cg_scope *scope, int64_t id,
                                const char *by, int64_t now_ms, int64_t *agency_id)
{
	conn *c = writer_get(st);
	cg_err err = etoken_agency(c,
	                           "UPDATE enroll_tokens SET revoked_at=?3,revoked_by=?4"
	                           " WHERE id=?1 AND (?2=0 OR agency_id=?2) AND revoked_at IS NULL"
	                           " RETURNING agency_id",
	                           id, scope->agency_id, now_ms, by, agency_id);
	if (err == CG_ENOTFOUND &&
	    etoken_agency(
	        c, "SELECT agency_id FROM enroll_tokens WHERE id=?1 AND (?2=0 OR agency_id=?2)", id,
	        scope->agency_id, 0, NULL, agency_id) == CG_OK)
		err = CG_ECONFLICT; /* revoked before */
	writer_put(st);
	return err;
}

/* ---- agents ------------------------------------------------------------ */

/* An inventory string from an agent: at most 256 bytes, else not kept. */
static const char *info_str(const json_t *info, const char *k)
{
	const char *v = cg_json_get_str(info, k);
	return v && strlen(v) <= 256 ? v : NULL;
}

static int64_t info_int(const json_t *info, const char *k)
{
	json_t *v = json_object_get(info, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static cg_err sqs_agent_register(cg_store_impl *st, const json_t *rec)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO agents(agent_id,api_token_id,agency_id,host,os,"
	                          "agent_version,rule_version,policy_version,spool_pending,"
	                          "enrolled_at,last_seen) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	                          &err);
	if (s) {
		bind_str(s, 1, cg_json_get_str(rec, "agent_id"));
		sqlite3_bind_int64(s, 2, info_int(rec, "api_token_id"));
		sqlite3_bind_int64(s, 3, info_int(rec, "agency_id"));
		bind_str(s, 4, info_str(rec, "host"));
		bind_str(s, 5, info_str(rec, "os"));
		bind_str(s, 6, info_str(rec, "agent_version"));
		bind_str(s, 7, info_str(rec, "rule_version"));
		sqlite3_bind_int64(s, 8, info_int(rec, "policy_version"));
		sqlite3_bind_int64(s, 9, info_int(rec, "spool_pending"));
		sqlite3_bind_int64(s, 10, info_int(rec, "enrolled_at"));
		sqlite3_bind_int64(s, 11, info_int(rec, "last_seen"));
		err = st_done(c, s);
		if (err == CG_EINVAL)
			fk_field("agency_id");
	}
	writer_put(st);
	return err;
}

static cg_err sqs_agent_heartbeat(cg_store_impl *st, int64_t api_token_id, const json_t *info,
                                  int64_t now_ms)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "UPDATE agents SET host=coalesce(?,host),os=coalesce(?,os),"
	                          "agent_version=coalesce(?,agent_version),rule_version=?,"
	                          "policy_version=?,spool_pending=?,last_seen=?,antivirus=?9"
	                          " WHERE api_token_id=?8",
	                          &err);
	/* the antivirus products as reported (NULL: none reported) */
	const json_t *av = json_object_get(info, "antivirus");
	char *avs = json_is_array(av) ? json_dumps(av, JSON_COMPACT) : NULL;
	if (s) {
		bind_str(s, 1, info_str(info, "host"));
		bind_str(s, 2, info_str(info, "os"));
		bind_str(s, 3, info_str(info, "agent_version"));
		bind_str(s, 4, info_str(info, "rule_version"));
		sqlite3_bind_int64(s, 5, info_int(info, "policy_version"));
		sqlite3_bind_int64(s, 6, info_int(info, "spool_pending"));
		sqlite3_bind_int64(s, 7, now_ms);
		sqlite3_bind_int64(s, 8, api_token_id);
		bind_str(s, 9, avs);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
	}
	free(avs);
	writer_put(st);
	return err;
}

static cg_err sqs_agents_list(cg_store_impl *st, const cg_scope *scope, int64_t offline_after_ms,
                              int64_t now_ms, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT agent_id,agency_id,host,os,agent_version,rule_version,"
	                          "policy_version,spool_pending,enrolled_at,last_seen,antivirus"
	                          " FROM agents"
	                          " WHERE ?1=0 OR agency_id=?1 ORDER BY agency_id, host, agent_id",
	                          &err);
	if (s) {
		*items = json_array();
		sqlite3_bind_int64(s, 1, scope->agency_id);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t seen = sqlite3_column_int64(s, 9);
			json_array_append_new(
			    *items,
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "agent_id",
			              col_str(s, 0), "agency_id", col_int_null(s, 1), "host",
			              col_str(s, 2), "os", col_str(s, 3), "agent_version",
			              col_str(s, 4), "rule_version", col_str(s, 5),
			              "policy_version", col_int_null(s, 6), "spool_pending",
			              col_int_null(s, 7), "enrolled_at", col_time(s, 8),
			              "last_seen", col_time(s, 9), "offline",
			              now_ms - seen > offline_after_ms));
			json_object_set_new(json_array_get(*items, json_array_size(*items) - 1),
			                    "antivirus", col_json(s, 10));
		}
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqs_policy_get(cg_store_impl *st, int64_t agency_id, json_t **body, int64_t *version)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c, "SELECT version,body FROM agent_policies WHERE agency_id=?", &err);
	if (s) {
		sqlite3_bind_int64(s, 1, agency_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*version = sqlite3_column_int64(s, 0);
			*body = col_json(s, 1);
			if (!json_is_object(*body)) {
				json_decref(*body);
				*body = NULL;
			}
		}
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqs_policy_set(cg_store_impl *st, int64_t agency_id, const char *body, int64_t now_ms,
                             int64_t version_in, int64_t *version)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO agent_policies(agency_id,version,body,updated_at)"
	                          " VALUES(?1,coalesce(?4,1),?2,?3) ON CONFLICT(agency_id) DO"
	                          " UPDATE SET version=coalesce(?4,version+1),body=?2,"
	                          "updated_at=?3 RETURNING version",
	                          &err);
	if (s) {
		sqlite3_bind_int64(s, 1, agency_id);
		bind_str(s, 2, body);
		sqlite3_bind_int64(s, 3, now_ms);
		if (version_in > 0)
			sqlite3_bind_int64(s, 4, version_in);
		else
			sqlite3_bind_null(s, 4);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*version = sqlite3_column_int64(s, 0);
		else {
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
			if (err == CG_EINVAL)
				fk_field("agency_id");
		}
		sqlite3_finalize(s);
	}
	writer_put(st);
	return err;
}

/* ---- DNS uploads ------------------------------------------------------- */

static cg_err sqs_dns_create(cg_store_impl *st, const json_t *rec, int64_t max_per_owner,
                             int64_t *id)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	/* the quota and the insert in one statement of the one writer */
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT INTO dns_uploads(name,owner,owner_kind,agency_id,"
	                          "state,size,created) SELECT ?1,?2,?3,?4,'receiving',0,?5"
	                          " WHERE (SELECT count(*) FROM dns_uploads WHERE owner=?2)<?6",
	                          &err);
	if (s) {
		bind_str(s, 1, cg_json_get_str(rec, "name"));
		bind_str(s, 2, cg_json_get_str(rec, "owner"));
		sqlite3_bind_int64(s, 3, info_int(rec, "owner_kind"));
		sqlite3_bind_int64(s, 4, info_int(rec, "agency_id"));
		sqlite3_bind_int64(s, 5, info_int(rec, "created"));
		sqlite3_bind_int64(s, 6, max_per_owner);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ELIMIT;
		else if (!err)
			*id = sqlite3_last_insert_rowid(c->db);
	}
	writer_put(st);
	return err;
}

static cg_err sqs_dns_get(cg_store_impl *st, int64_t id, json_t **rec)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id,name,owner,owner_kind,agency_id,state,size,"
	                          "writing_until,progress,result,error,created,started,finished,"
	                          "chunks FROM dns_uploads WHERE id=?",
	                          &err);
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*rec = json_pack(
			    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
			    col_int_null(s, 0), "name", col_str(s, 1), "owner", col_str(s, 2),
			    "owner_kind", col_int_null(s, 3), "agency_id", col_int_null(s, 4),
			    "state", col_str(s, 5), "size", col_int_null(s, 6), "writing_until",
			    col_int_null(s, 7), "progress", col_str(s, 8), "result", col_str(s, 9),
			    "error", col_str(s, 10), "created", col_int_null(s, 11), "started",
			    col_int_null(s, 12), "finished", col_int_null(s, 13), "chunks",
			    col_str(s, 14));
		else
			err = rc == SQLITE_DONE ? CG_ENOTFOUND
			                        : db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqs_dns_usage(cg_store_impl *st, const char *owner, int64_t *count, int64_t *bytes)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT count(*),coalesce(sum(size),0) FROM dns_uploads"
	                          " WHERE owner=?",
	                          &err);
	if (s) {
		bind_str(s, 1, owner);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*count = sqlite3_column_int64(s, 0);
			*bytes = sqlite3_column_int64(s, 1);
		} else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

/* One conditional UPDATE of dns_uploads: CG_ECONFLICT when it changed no
 * row (the condition did not hold). */
static cg_err sqs_dns_update(cg_store_impl *st, const char *sql, const int64_t *v, int nv,
                             const char *const *t, int nt)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c, sql, &err);
	if (s) {
		for (int i = 0; i < nv; i++)
			sqlite3_bind_int64(s, i + 1, v[i]);
		for (int i = 0; i < nt; i++)
			bind_str(s, nv + i + 1, t[i]);
		err = st_done(c, s);
		if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ECONFLICT;
	}
	writer_put(st);
	return err;
}

static cg_err sqs_dns_write_begin(cg_store_impl *st, int64_t id, int64_t expect_size,
                                  int64_t now_ms, int64_t held_ms, int64_t until_ms)
{
	int64_t v[] = {id, expect_size, now_ms, until_ms, held_ms};
	return sqs_dns_update(
	    st,
	    "UPDATE dns_uploads SET writing_until=?4 WHERE id=?1 AND size=?2"
	    " AND state IN ('receiving','done','failed')"
	    " AND (writing_until IS NULL OR writing_until<?3 OR writing_until=?5)",
	    v, 5, NULL, 0);
}

static cg_err sqs_dns_write_end(cg_store_impl *st, int64_t id, int64_t new_size)
{
	int64_t v[] = {id, new_size};
	return sqs_dns_update(st,
	                      new_size >= 0
	                          ? "UPDATE dns_uploads SET size=?2,state='receiving',"
	                            "writing_until=NULL,progress=NULL,result=NULL,error=NULL,"
	                            "started=NULL,finished=NULL WHERE id=?1"
	                          : "UPDATE dns_uploads SET writing_until=NULL WHERE id=?1",
	                      v, new_size >= 0 ? 2 : 1, NULL, 0);
}

static cg_err sqs_dns_queue(cg_store_impl *st, int64_t id, int64_t now_ms)
{
	int64_t v[] = {id, now_ms};
	return sqs_dns_update(st,
	                      "UPDATE dns_uploads SET state='queued',progress=NULL,result=NULL,"
	                      "error=NULL,started=NULL,finished=NULL WHERE id=?1 AND size>0"
	                      " AND state IN ('receiving','done','failed')"
	                      " AND (writing_until IS NULL OR writing_until<?2)",
	                      v, 2, NULL, 0);
}

static cg_err sqs_dns_next(cg_store_impl *st, int64_t *id)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id FROM dns_uploads WHERE state IN"
	                          " ('queued','analyzing') ORDER BY id LIMIT 1",
	                          &err);
	if (s) {
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		else
			err = rc == SQLITE_DONE ? CG_ENOTFOUND
			                        : db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static cg_err sqs_dns_set(cg_store_impl *st, int64_t id, const char *state, const char *progress,
                          const char *result, const char *error, int64_t started, int64_t finished)
{
	int64_t v[] = {id, started, finished};
	const char *t[] = {state, progress, result, error};
	cg_err err = sqs_dns_update(st,
	                            "UPDATE dns_uploads SET started=nullif(?2,0),"
	                            "finished=nullif(?3,0),state=?4,progress=?5,result=?6,"
	                            "error=?7 WHERE id=?1",
	                            v, 3, t, 4);
	return err == CG_ECONFLICT ? CG_ENOTFOUND : err;
}

static cg_err sqs_dns_delete(cg_store_impl *st, int64_t id, int64_t now_ms)
{
	int64_t v[] = {id, now_ms};
	return sqs_dns_update(st,
	                      "DELETE FROM dns_uploads WHERE id=?1 AND state NOT IN"
	                      " ('queued','analyzing') AND (writing_until IS NULL OR"
	                      " writing_until<?2)",
	                      v, 2, NULL, 0);
}

static cg_err sqs_dns_chunks_set(cg_store_impl *st, int64_t id, int64_t expect_size,
                                 const char *chunks, int64_t new_size)
{
	int64_t v[] = {id, expect_size, new_size};
	const char *t[] = {chunks};
	return sqs_dns_update(st,
	                      "UPDATE dns_uploads SET size=?3,chunks=?4,state='receiving',"
	                      "writing_until=NULL,progress=NULL,result=NULL,error=NULL,"
	                      "started=NULL,finished=NULL WHERE id=?1 AND size=?2",
	                      v, 3, t, 1);
}

/* A blob's hash named in any row that keeps blobs (the hash is 64 hex
 * digits: text containment is exact enough, and these tables are small).
 * A table that starts keeping blobs must be added here. */
static cg_err sqs_blob_used(cg_store_impl *st, const char *hex, bool *used)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s =
	    st_prep(c,
	            "SELECT EXISTS(SELECT 1 FROM dns_uploads WHERE instr(chunks,?1)>0)"
	            " OR EXISTS(SELECT 1 FROM incident_timeline WHERE instr(detail,?1)>0)"
	            " OR EXISTS(SELECT 1 FROM incidents WHERE instr(rec,?1)>0)"
	            " OR EXISTS(SELECT 1 FROM public_reports WHERE instr(screenshots,?1)>0)"
	            " OR EXISTS(SELECT 1 FROM reports WHERE instr(files,?1)>0)"
	            /* compliance evidence records (compliance.h) */
	            " OR EXISTS(SELECT 1 FROM events WHERE producer='server:compliance'"
	            " AND instr(evidence,?1)>0)",
	            &err);
	if (s) {
		bind_str(s, 1, hex);
		if (sqlite3_step(s) == SQLITE_ROW)
			*used = sqlite3_column_int64(s, 0) != 0;
		else
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

/* ---- incident deadline notices ------------------------------------------ */

static cg_err sqs_incident_notice(cg_store_impl *st, int64_t id, const char *rule,
                                  const char *stage, int64_t now_ms, bool *fresh)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "INSERT OR IGNORE INTO incident_notices(incident_id,rule,stage,"
	                          "sent_at) VALUES(?,?,?,?)",
	                          &err);
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, stage, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, now_ms);
		err = st_done(c, s);
		*fresh = !err && sqlite3_changes(c->db) == 1;
	}
	writer_put(st);
	return err;
}

/* ---- incident tasks ------------------------------------------------------ */

static void bind_opt_str(sqlite3_stmt *s, int i, const json_t *rec, const char *k)
{
	const char *v = cg_json_get_str(rec, k);
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static cg_err sqs_task_put(cg_store_impl *st, int64_t incident_id, const json_t *rec,
                           int64_t now_ms, int64_t *task_id)
{
	conn *c = writer_get(st);
	cg_err err = CG_OK;
	bool add = *task_id == 0;
	sqlite3_stmt *s = st_prep(
	    c,
	    add ? "INSERT INTO incident_tasks(title,assignee,due_at,done,incident_id,created_at,"
	          "updated_at) VALUES(?1,?2,?3,?4,?5,?6,?6)"
	        : "UPDATE incident_tasks SET title=?1, assignee=?2, due_at=?3, done=?4,"
	          " updated_at=?6 WHERE incident_id=?5 AND id=?7",
	    &err);
	if (s) {
		bind_opt_str(s, 1, rec, "title");
		bind_opt_str(s, 2, rec, "assignee");
		bind_opt_str(s, 3, rec, "due_at");
		sqlite3_bind_int(s, 4, json_is_true(json_object_get(rec, "done")));
		sqlite3_bind_int64(s, 5, incident_id);
		sqlite3_bind_int64(s, 6, now_ms);
		if (!add)
			sqlite3_bind_int64(s, 7, *task_id);
		err = st_done(c, s);
		if (!err && add)
			*task_id = sqlite3_last_insert_rowid(c->db);
		else if (!err && sqlite3_changes(c->db) == 0)
			err = CG_ENOTFOUND;
		else if (err == CG_EINVAL)
			err = CG_ENOTFOUND; /* the case is gone (foreign key) */
	}
	writer_put(st);
	return err;
}

static cg_err sqs_tasks_list(cg_store_impl *st, int64_t incident_id, json_t **items)
{
	conn *c = reader_get(st);
	cg_err err = CG_OK;
	sqlite3_stmt *s = st_prep(c,
	                          "SELECT id,title,assignee,due_at,done,created_at,updated_at"
	                          " FROM incident_tasks WHERE incident_id=? ORDER BY id",
	                          &err);
	if (s) {
		*items = json_array();
		sqlite3_bind_int64(s, 1, incident_id);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			json_array_append_new(
			    *items, json_pack("{s:I,s:o,s:o,s:o,s:b,s:o,s:o}", "id",
			                      (json_int_t)sqlite3_column_int64(s, 0), "title",
			                      col_str(s, 1), "assignee", col_str(s, 2), "due_at",
			                      col_str(s, 3), "done", sqlite3_column_int(s, 4) != 0,
			                      "created_at", col_time(s, 5), "updated_at", col_time(s, 6)));
		if (rc != SQLITE_DONE)
			err = db_err(c->db, sqlite3_extended_errcode(c->db));
		sqlite3_finalize(s);
	}
	reader_put(st, c);
	return err;
}

static const cg_store_state_ops sq_state_ops = {
    .secret = sqs_secret,
    .throttle_get = sqs_throttle_get,
    .throttle_fail = sqs_throttle_fail,
    .throttle_reset = sqs_throttle_reset,
    .etoken_create = sqs_etoken_create,
    .etoken_list = sqs_etoken_list,
    .etoken_consume = sqs_etoken_consume,
    .etoken_revoke = sqs_etoken_revoke,
    .agent_register = sqs_agent_register,
    .agent_heartbeat = sqs_agent_heartbeat,
    .agents_list = sqs_agents_list,
    .policy_get = sqs_policy_get,
    .policy_set = sqs_policy_set,
    .dns_create = sqs_dns_create,
    .dns_get = sqs_dns_get,
    .dns_usage = sqs_dns_usage,
    .dns_write_begin = sqs_dns_write_begin,
    .dns_write_end = sqs_dns_write_end,
    .dns_queue = sqs_dns_queue,
    .dns_next = sqs_dns_next,
    .dns_set = sqs_dns_set,
    .dns_delete = sqs_dns_delete,
    .dns_chunks_set = sqs_dns_chunks_set,
    .blob_used = sqs_blob_used,
    .incident_notice = sqs_incident_notice,
    .task_put = sqs_task_put,
    .tasks_list = sqs_tasks_list,
};
