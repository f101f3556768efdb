/*
 * postgres_state.c - the PostgreSQL backend's server-state tables
 * (backend_state.h): the store's secrets, the login throttle, the agent
 * registry, enrolment tokens and agent policies.
 *
 * Part of postgres.c's translation unit (included at its end, not
 * compiled on its own): it uses that file's connection pool and parameter
 * helpers. Several servers share these rows, so each change is one
 * statement whose condition makes it safe under concurrency: a token is
 * consumed by `UPDATE ... WHERE used_at IS NULL RETURNING` (one winner),
 * a failed login is an upsert that counts or restarts the key's window.
 */

/* A failed reference names its field (the constraint names of these
 * tables are not in postgres.c's map). */
static void pgs_fk(cg_err err)
{
	const char *f;
	if (err == CG_EINVAL && cg_store_last_violation(&f) == CG_VIOL_UNKNOWN && !*f)
		cg_store_set_violation(CG_VIOL_UNKNOWN, "agency_id");
}

/* One statement on a pooled connection (autocommit). */
static cg_err pgs_q(cg_store_impl *st, const char *sql, params *p, PGresult **res)
{
	cg_err err = read_q(st, sql, p, res);
	params_free(p);
	return err;
}

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static cg_err pgs_secret(cg_store_impl *st, const char *name, const uint8_t fresh[32],
                         uint8_t out[32])
{
	params p = {0};
	p_str(&p, name);
	p_hash(&p, fresh);
	PGresult *r = NULL;
	/* the first server's value wins; every server reads the stored one */
	cg_err err = pgs_q(st,
	                   "WITH ins AS (INSERT INTO store_secrets(name,value) VALUES($1,$2)"
	                   " ON CONFLICT (name) DO NOTHING RETURNING value)"
	                   " SELECT value FROM ins UNION ALL"
	                   " SELECT value FROM store_secrets WHERE name=$1",
	                   &p, &r);
	if (err)
		return err;
	const char *v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
	err = strlen(v) == 66 && v[0] == '\\' && v[1] == 'x' ? CG_OK : CG_EDB;
	for (int i = 0; !err && i < 32; i++) {
		int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			err = CG_EDB;
		else
			out[i] = (uint8_t)(hi << 4 | lo);
	}
	PQclear(r);
	return err;
}

static cg_err pgs_throttle_get(cg_store_impl *st, const uint8_t key[32], int64_t live_since_ms,
                               int64_t max_keys, int64_t *fails)
{
	params p = {0};
	p_hash(&p, key);
	p_int(&p, live_since_ms);
	p_int(&p, max_keys);
	PGresult *r = NULL;
	/* the live window's failures; -1 when the key has none and the
	 * table is full of live windows */
	cg_err err = pgs_q(st,
	                   "SELECT coalesce((SELECT fails FROM login_throttle WHERE key=$1"
	                   " AND window_start>$2), CASE WHEN (SELECT count(*) FROM login_throttle"
	                   " WHERE window_start>$2)>=$3 THEN -1 ELSE 0 END)",
	                   &p, &r);
	if (!err && PQntuples(r) > 0)
		*fails = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

static cg_err pgs_throttle_fail(cg_store_impl *st, const uint8_t key[32], int64_t now_ms,
                                int64_t live_since_ms, int64_t max_keys, int64_t *fails)
{
	params p = {0};
	p_int(&p, live_since_ms);
	cg_err err = pgs_q(st, "DELETE FROM login_throttle WHERE window_start<=$1", &p, NULL);
	if (err)
		return err;
	p_hash(&p, key);
	p_int(&p, now_ms);
	p_int(&p, max_keys);
	p_int(&p, live_since_ms);
	PGresult *r = NULL;
	/* one statement: count in the live window, restart an ended one (a
	 * row the purge above did not see), or start one while there is
	 * room; two servers counting the same key at once both count */
	err = pgs_q(st,
	            "INSERT INTO login_throttle(key,window_start,fails)"
	            " SELECT $1,$2,1 WHERE EXISTS (SELECT 1 FROM login_throttle WHERE key=$1)"
	            " OR (SELECT count(*) FROM login_throttle) < $3"
	            " ON CONFLICT (key) DO UPDATE SET"
	            " fails=CASE WHEN login_throttle.window_start>$4 THEN login_throttle.fails+1"
	            " ELSE 1 END,"
	            " window_start=CASE WHEN login_throttle.window_start>$4"
	            " THEN login_throttle.window_start ELSE $2 END"
	            " RETURNING fails",
	            &p, &r);
	if (!err) {
		if (PQntuples(r) > 0)
			*fails = col_i64(r, 0, 0);
		else
			err = CG_ELIMIT;
	}
	PQclear(r);
	return err;
}

static cg_err pgs_throttle_reset(cg_store_impl *st, const uint8_t key[32])
{
	params p = {0};
	p_hash(&p, key);
	return pgs_q(st, "DELETE FROM login_throttle WHERE key=$1", &p, NULL);
}

/* ---- enrolment tokens ------------------------------------------------ */

static void p_rec_int(params *p, const json_t *rec, const char *k, int64_t dflt, bool null_dflt)
{
	json_t *v = json_object_get(rec, k);
	if (json_is_integer(v))
		p_int(p, json_integer_value(v));
	else if (null_dflt)
		p_null(p);
	else
		p_int(p, dflt);
}

static cg_err pgs_etoken_create(cg_store_impl *st, const cg_scope *scope, const json_t *rec,
                                const uint8_t hash[32], int64_t now_ms, int64_t *id)
{
	(void)scope; /* checked by store_state.c against the record's agency */
	params p = {0};
	p_hash(&p, hash);
	p_int(&p, json_integer_value(json_object_get(rec, "agency_id")));
	p_str(&p, cg_json_get_str(rec, "note"));
	p_str(&p, cg_json_get_str(rec, "created_by"));
	p_rec_int(&p, rec, "created_at", now_ms, false);
	p_rec_int(&p, rec, "expires_at", 0, false);
	p_rec_int(&p, rec, "used_at", 0, true);
	p_str(&p, cg_json_get_str(rec, "used_by"));
	/* an imported token that was used counts one use */
	p_rec_int(&p, rec, "max_uses", 1, false);
	p_rec_int(&p, rec, "uses", json_is_integer(json_object_get(rec, "used_at")), false);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "INSERT INTO enroll_tokens(token_hash,agency_id,note,created_by,"
	                   "created_at,expires_at,used_at,used_by,max_uses,uses)"
	                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
	                   &p, &r);
	pgs_fk(err);
	if (!err)
		*id = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

static cg_err pgs_etoken_list(cg_store_impl *st, const cg_scope *scope, json_t **items)
{
	params p = {0};
	p_int(&p, scope->agency_id);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT id,agency_id,note,created_by,created_at,expires_at,used_at,"
	                   "used_by,uses,max_uses,revoked_at,revoked_by FROM enroll_tokens"
	                   " WHERE $1=0 OR agency_id=$1"
	                   " ORDER BY id DESC LIMIT 500",
	                   &p, &r);
	if (err)
		return err;
	*items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(
		    *items,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
		              col_int_null(r, i, 0), "agency_id", col_int_null(r, i, 1), "note",
		              col_str(r, i, 2), "created_by", col_str(r, i, 3), "created_at",
		              col_time(r, i, 4), "expires_at", col_time(r, i, 5), "used_at",
		              col_time(r, i, 6), "used_by", col_str(r, i, 7), "uses",
		              col_int_null(r, i, 8), "max_uses", col_int_null(r, i, 9),
		              "revoked_at", col_time(r, i, 10), "revoked_by", col_str(r, i, 11)));
	PQclear(r);
	return CG_OK;
}

static cg_err pgs_etoken_consume(cg_store_impl *st, const uint8_t hash[32], int64_t now_ms,
                                 const char *used_by, int64_t *agency_id)
{
	params p = {0};
	p_hash(&p, hash);
	p_int(&p, now_ms);
	p_str(&p, used_by);
	PGresult *r = NULL;
	/* the condition makes each use atomic: the row lock makes a racing
	 * UPDATE re-check uses<max_uses on the row as the winner left it, so
	 * never more than max_uses across servers; used_at/used_by become the
	 * last use */
	cg_err err = pgs_q(st,
	                   "UPDATE enroll_tokens SET uses=uses+1,used_at=$2,used_by=$3"
	                   " WHERE token_hash=$1 AND uses<max_uses AND expires_at>=$2"
	                   " AND revoked_at IS NULL"
	                   " RETURNING agency_id",
	                   &p, &r);
	if (err)
		return err;
	if (PQntuples(r) > 0) {
		*agency_id = col_i64(r, 0, 0);
		PQclear(r);
		return CG_OK;
	}
	PQclear(r);
	/* not used now: say why */
	p_hash(&p, hash);
	err = pgs_q(st,
	            "SELECT agency_id,uses<max_uses,revoked_at IS NOT NULL FROM enroll_tokens"
	            " WHERE token_hash=$1",
	            &p, &r);
	if (err)
		return err;
	if (PQntuples(r) == 0)
		err = CG_ENOTFOUND;
	else {
		*agency_id = col_i64(r, 0, 0);
		/* revoked; uses left: it expired; none: every use spent */
		err = strcmp(PQgetvalue(r, 0, 2), "t") == 0   ? CG_EPERM
		      : strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? CG_ETIMEOUT
		                                              : CG_ECONFLICT;
	}
	PQclear(r);
	return err;
}

/* One conditional UPDATE: revoked once, whichever server asks first. */
static cg_err pgs_etoken_revoke(cg_store_impl *st, const cg_scope *scope, int64_t id,
                                const char *by, int64_t now_ms, int64_t *agency_id)
{
	params p = {0};
	p_int(&p, id);
	p_int(&p, scope->agency_id);
	p_int(&p, now_ms);
	p_str(&p, by);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "UPDATE enroll_tokens SET revoked_at=$3,revoked_by=$4"
	                   " WHERE id=$1 AND ($2=0 OR agency_id=$2) AND revoked_at IS NULL"
	                   " RETURNING agency_id",
	                   &p, &r);
	if (err)
		return err;
	bool done = PQntuples(r) > 0;
	if (done)
		*agency_id = col_i64(r, 0, 0);
	PQclear(r);
	if (done)
		return CG_OK;
	/* nothing changed: say why */
	p_int(&p, id);
	p_int(&p, scope->agency_id);
	err =
	    pgs_q(st, "SELECT agency_id FROM enroll_tokens WHERE id=$1 AND ($2=0 OR agency_id=$2)",
	          &p, &r);
	if (err)
		return err;
	if (PQntuples(r) == 0)
		err = CG_ENOTFOUND;
	else {
		*agency_id = col_i64(r, 0, 0);
		err = CG_ECONFLICT;
	}
	PQclear(r);
	return err;
}

/* ---- agents ------------------------------------------------------------ */

static void p_info_str(params *p, const json_t *info, const char *k)
{
	const char *v = cg_json_get_str(info, k);
	p_str(p, v && strlen(v) <= 256 ? v : NULL);
}

static int64_t pgs_int(const json_t *info, const char *k)
{
	json_t *v = json_object_get(info, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static cg_err pgs_agent_register(cg_store_impl *st, const json_t *rec)
{
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "agent_id"));
	p_int(&p, pgs_int(rec, "api_token_id"));
	p_int(&p, pgs_int(rec, "agency_id"));
	p_info_str(&p, rec, "host");
	p_info_str(&p, rec, "os");
	p_info_str(&p, rec, "agent_version");
	p_info_str(&p, rec, "rule_version");
	p_int(&p, pgs_int(rec, "policy_version"));
	p_int(&p, pgs_int(rec, "spool_pending"));
	p_int(&p, pgs_int(rec, "enrolled_at"));
	p_int(&p, pgs_int(rec, "last_seen"));
	cg_err err =
	    pgs_q(st,
	          "INSERT INTO agents(agent_id,api_token_id,agency_id,host,os,agent_version,"
	          "rule_version,policy_version,spool_pending,enrolled_at,last_seen)"
	          " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
	          &p, NULL);
	pgs_fk(err);
	return err;
}

static cg_err pgs_agent_heartbeat(cg_store_impl *st, int64_t api_token_id, const json_t *info,
                                  int64_t now_ms)
{
	params p = {0};
	p_info_str(&p, info, "host");
	p_info_str(&p, info, "os");
	p_info_str(&p, info, "agent_version");
	p_info_str(&p, info, "rule_version");
	p_int(&p, pgs_int(info, "policy_version"));
	p_int(&p, pgs_int(info, "spool_pending"));
	p_int(&p, now_ms);
	p_int(&p, api_token_id);
	/* the antivirus products as reported (NULL: none reported) */
	const json_t *av = json_object_get(info, "antivirus");
	p_json(&p, json_is_array(av) ? av : NULL, NULL);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "UPDATE agents SET host=coalesce($1,host),os=coalesce($2,os),"
	                   "agent_version=coalesce($3,agent_version),rule_version=$4,"
	                   "policy_version=$5,spool_pending=$6,last_seen=$7,antivirus=$9"
	                   " WHERE api_token_id=$8",
	                   &p, &r);
	if (!err && strcmp(PQcmdTuples(r), "0") == 0)
		err = CG_ENOTFOUND;
	PQclear(r);
	return err;
}

static cg_err pgs_agents_list(cg_store_impl *st, const cg_scope *scope, int64_t offline_after_ms,
                              int64_t now_ms, json_t **items)
{
	params p = {0};
	p_int(&p, scope->agency_id);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT agent_id,agency_id,host,os,agent_version,rule_version,"
	                   "policy_version,spool_pending,enrolled_at,last_seen,antivirus"
	                   " FROM agents WHERE $1=0 OR agency_id=$1"
	                   " ORDER BY agency_id, host COLLATE \"C\", agent_id COLLATE \"C\"",
	                   &p, &r);
	if (err)
		return err;
	*items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t seen = col_i64(r, i, 9);
		json_array_append_new(
		    *items,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "agent_id",
		              col_str(r, i, 0), "agency_id", col_int_null(r, i, 1), "host",
		              col_str(r, i, 2), "os", col_str(r, i, 3), "agent_version",
		              col_str(r, i, 4), "rule_version", col_str(r, i, 5), "policy_version",
		              col_int_null(r, i, 6), "spool_pending", col_int_null(r, i, 7),
		              "enrolled_at", col_time(r, i, 8), "last_seen", col_time(r, i, 9),
		              "offline", now_ms - seen > offline_after_ms));
		json_object_set_new(json_array_get(*items, json_array_size(*items) - 1), "antivirus",
		                    col_json(r, i, 10));
	}
	PQclear(r);
	return CG_OK;
}

static cg_err pgs_policy_get(cg_store_impl *st, int64_t agency_id, json_t **body, int64_t *version)
{
	params p = {0};
	p_int(&p, agency_id);
	PGresult *r = NULL;
	cg_err err =
	    pgs_q(st, "SELECT version,body FROM agent_policies WHERE agency_id=$1", &p, &r);
	if (!err && PQntuples(r) > 0) {
		*version = col_i64(r, 0, 0);
		*body = col_json(r, 0, 1);
		if (!json_is_object(*body)) {
			json_decref(*body);
			*body = NULL;
		}
	}
	PQclear(r);
	return err;
}

static cg_err pgs_policy_set(cg_store_impl *st, int64_t agency_id, const char *body, int64_t now_ms,
                             int64_t version_in, int64_t *version)
{
	params p = {0};
	p_int(&p, agency_id);
	p_str(&p, body);
	p_int(&p, now_ms);
	p_id(&p, version_in);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "INSERT INTO agent_policies(agency_id,version,body,updated_at)"
	                   " VALUES($1,coalesce($4::bigint,1),$2,$3) ON CONFLICT (agency_id) DO"
	                   " UPDATE SET version=coalesce($4::bigint,agent_policies.version+1),"
	                   "body=EXCLUDED.body,updated_at=EXCLUDED.updated_at RETURNING version",
	                   &p, &r);
	pgs_fk(err);
	if (!err)
		*version = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

/* ---- DNS uploads ------------------------------------------------------- */

static cg_err pgs_dns_create(cg_store_impl *st, const json_t *rec, int64_t max_per_owner,
                             int64_t *id)
{
	cg_err err;
	pgconn *c = take(st, &err);
	if (!c)
		return err;
	params p = {0};
	p_str(&p, cg_json_get_str(rec, "owner"));
	/* the owner's uploads are counted under a lock of the owner's name,
	 * so two servers cannot both take the last place of the quota */
	err = begin(c);
	if (!err)
		err = q(c, "SELECT pg_advisory_xact_lock(hashtext('dns-upload:' || $1))", &p, NULL);
	params_free(&p);
	p_str(&p, cg_json_get_str(rec, "name"));
	p_str(&p, cg_json_get_str(rec, "owner"));
	p_int(&p, pgs_int(rec, "owner_kind"));
	p_int(&p, pgs_int(rec, "agency_id"));
	p_int(&p, pgs_int(rec, "created"));
	p_int(&p, max_per_owner);
	PGresult *r = NULL;
	if (!err)
		err =
		    q(c,
		      "INSERT INTO dns_uploads(name,owner,owner_kind,agency_id,state,size,created)"
		      " SELECT $1,$2,$3,$4,'receiving',0,$5 WHERE (SELECT count(*) FROM"
		      " dns_uploads WHERE owner=$2)<$6 RETURNING id",
		      &p, &r);
	params_free(&p);
	if (!err) {
		if (PQntuples(r) > 0)
			*id = col_i64(r, 0, 0);
		else
			err = CG_ELIMIT;
	}
	PQclear(r);
	cg_err ferr = finish(c, err == CG_ELIMIT ? CG_OK : err);
	err = ferr ? ferr : err;
	conn_put(st, c);
	return err;
}

static cg_err pgs_dns_get(cg_store_impl *st, int64_t id, json_t **rec)
{
	params p = {0};
	p_int(&p, id);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT id,name,owner,owner_kind,agency_id,state,size,writing_until,"
	                   "progress,result,error,created,started,finished,chunks"
	                   " FROM dns_uploads WHERE id=$1",
	                   &p, &r);
	if (err)
		return err;
	if (PQntuples(r) == 0)
		err = CG_ENOTFOUND;
	else
		*rec = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		                 "id", col_int_null(r, 0, 0), "name", col_str(r, 0, 1), "owner",
		                 col_str(r, 0, 2), "owner_kind", col_int_null(r, 0, 3), "agency_id",
		                 col_int_null(r, 0, 4), "state", col_str(r, 0, 5), "size",
		                 col_int_null(r, 0, 6), "writing_until", col_int_null(r, 0, 7),
		                 "progress", col_str(r, 0, 8), "result", col_str(r, 0, 9), "error",
		                 col_str(r, 0, 10), "created", col_int_null(r, 0, 11), "started",
		                 col_int_null(r, 0, 12), "finished", col_int_null(r, 0, 13),
		                 "chunks", col_str(r, 0, 14));
	PQclear(r);
	return err;
}

static cg_err pgs_dns_usage(cg_store_impl *st, const char *owner, int64_t *count, int64_t *bytes)
{
	params p = {0};
	p_str(&p, owner);
	PGresult *r = NULL;
	cg_err err = pgs_q(
	    st, "SELECT count(*),coalesce(sum(size),0) FROM dns_uploads WHERE owner=$1", &p, &r);
	if (!err) {
		*count = col_i64(r, 0, 0);
		*bytes = col_i64(r, 0, 1);
	}
	PQclear(r);
	return err;
}

/* One conditional statement: CG_ECONFLICT when it changed no row. */
static cg_err pgs_dns_update(cg_store_impl *st, const char *sql, params *p)
{
	PGresult *r = NULL;
	cg_err err = pgs_q(st, sql, p, &r);
	if (!err && strcmp(PQcmdTuples(r), "0") == 0)
		err = CG_ECONFLICT;
	PQclear(r);
	return err;
}

static cg_err pgs_dns_write_begin(cg_store_impl *st, int64_t id, int64_t expect_size,
                                  int64_t now_ms, int64_t held_ms, int64_t until_ms)
{
	params p = {0};
	p_int(&p, id);
	p_int(&p, expect_size);
	p_int(&p, now_ms);
	p_int(&p, until_ms);
	p_int(&p, held_ms);
	return pgs_dns_update(
	    st,
	    "UPDATE dns_uploads SET writing_until=$4 WHERE id=$1 AND size=$2"
	    " AND state IN ('receiving','done','failed')"
	    " AND (writing_until IS NULL OR writing_until<$3 OR writing_until=$5)",
	    &p);
}

static cg_err pgs_dns_write_end(cg_store_impl *st, int64_t id, int64_t new_size)
{
	params p = {0};
	p_int(&p, id);
	if (new_size < 0)
		return pgs_dns_update(st, "UPDATE dns_uploads SET writing_until=NULL WHERE id=$1",
		                      &p);
	p_int(&p, new_size);
	return pgs_dns_update(st,
	                      "UPDATE dns_uploads SET size=$2,state='receiving',writing_until=NULL,"
	                      "progress=NULL,result=NULL,error=NULL,started=NULL,finished=NULL"
	                      " WHERE id=$1",
	                      &p);
}

static cg_err pgs_dns_chunks_set(cg_store_impl *st, int64_t id, int64_t expect_size,
                                 const char *chunks, int64_t new_size)
{
	params p = {0};
	p_int(&p, id);
	p_int(&p, expect_size);
	p_int(&p, new_size);
	p_str(&p, chunks);
	return pgs_dns_update(st,
	                      "UPDATE dns_uploads SET size=$3,chunks=$4,state='receiving',"
	                      "writing_until=NULL,progress=NULL,result=NULL,error=NULL,"
	                      "started=NULL,finished=NULL WHERE id=$1 AND size=$2",
	                      &p);
}

/* A blob's hash named in any row that keeps blobs (the hash is 64 hex
 * digits: text containment is exact enough, and these tables are small).
 * A table that starts keeping blobs must be added here. */
static cg_err pgs_blob_used(cg_store_impl *st, const char *hex, bool *used)
{
	params p = {0};
	p_str(&p, hex);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT (EXISTS(SELECT 1 FROM dns_uploads WHERE strpos(chunks,$1)>0)"
	                   " OR EXISTS(SELECT 1 FROM incident_timeline"
	                   " WHERE strpos(detail::text,$1)>0)"
	                   " OR EXISTS(SELECT 1 FROM incidents WHERE strpos(rec::text,$1)>0)"
	                   " OR EXISTS(SELECT 1 FROM public_reports"
	                   " WHERE strpos(screenshots::text,$1)>0)"
	                   " OR EXISTS(SELECT 1 FROM reports WHERE strpos(files::text,$1)>0)"
	                   /* compliance evidence records (compliance.h) */
	                   " OR EXISTS(SELECT 1 FROM event_keys k JOIN events e ON e.seq=k.seq"
	                   " WHERE k.producer='server:compliance'"
	                   " AND strpos(e.evidence::text,$1)>0))::int",
	                   &p, &r);
	if (!err)
		*used = col_i64(r, 0, 0) != 0;
	PQclear(r);
	return err;
}

static cg_err pgs_dns_queue(cg_store_impl *st, int64_t id, int64_t now_ms)
{
	params p = {0};
	p_int(&p, id);
	p_int(&p, now_ms);
	return pgs_dns_update(st,
	                      "UPDATE dns_uploads SET state='queued',progress=NULL,result=NULL,"
	                      "error=NULL,started=NULL,finished=NULL WHERE id=$1 AND size>0"
	                      " AND state IN ('receiving','done','failed')"
	                      " AND (writing_until IS NULL OR writing_until<$2)",
	                      &p);
}

static cg_err pgs_dns_next(cg_store_impl *st, int64_t *id)
{
	params p = {0};
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT id FROM dns_uploads WHERE state IN ('queued','analyzing')"
	                   " ORDER BY id LIMIT 1",
	                   &p, &r);
	if (!err) {
		if (PQntuples(r) > 0)
			*id = col_i64(r, 0, 0);
		else
			err = CG_ENOTFOUND;
	}
	PQclear(r);
	return err;
}

static cg_err pgs_dns_set(cg_store_impl *st, int64_t id, const char *state, const char *progress,
                          const char *result, const char *error, int64_t started, int64_t finished)
{
	params p = {0};
	p_int(&p, id);
	p_id(&p, started);
	p_id(&p, finished);
	p_str(&p, state);
	p_str(&p, progress);
	p_str(&p, result);
	p_str(&p, error);
	cg_err err = pgs_dns_update(st,
	                            "UPDATE dns_uploads SET started=$2,finished=$3,state=$4,"
	                            "progress=$5,result=$6,error=$7 WHERE id=$1",
	                            &p);
	return err == CG_ECONFLICT ? CG_ENOTFOUND : err;
}

static cg_err pgs_dns_delete(cg_store_impl *st, int64_t id, int64_t now_ms)
{
	params p = {0};
	p_int(&p, id);
	p_int(&p, now_ms);
	return pgs_dns_update(st,
	                      "DELETE FROM dns_uploads WHERE id=$1 AND state NOT IN"
	                      " ('queued','analyzing') AND (writing_until IS NULL OR"
	                      " writing_until<$2)",
	                      &p);
}

/* ---- incident deadline notices ------------------------------------------ */

static cg_err pgs_incident_notice(cg_store_impl *st, int64_t id, const char *rule,
                                  const char *stage, int64_t now_ms, bool *fresh)
{
	params p = {0};
	p_int(&p, id);
	p_str(&p, rule);
	p_str(&p, stage);
	p_int(&p, now_ms);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "INSERT INTO incident_notices(incident_id,rule,stage,sent_at)"
	                   " VALUES($1,$2,$3,$4) ON CONFLICT DO NOTHING RETURNING 1",
	                   &p, &r);
	*fresh = !err && PQntuples(r) == 1;
	PQclear(r);
	return err;
}

/* ---- incident tasks ------------------------------------------------------ */

static void p_opt_str(params *p, const json_t *rec, const char *k)
{
	const char *v = cg_json_get_str(rec, k);
	if (v)
		p_str(p, v);
	else
		p_null(p);
}

static cg_err pgs_task_put(cg_store_impl *st, int64_t incident_id, const json_t *rec,
                           int64_t now_ms, int64_t *task_id)
{
	params p = {0};
	p_opt_str(&p, rec, "title");
	p_opt_str(&p, rec, "assignee");
	p_opt_str(&p, rec, "due_at");
	p_str(&p, json_is_true(json_object_get(rec, "done")) ? "true" : "false");
	p_int(&p, incident_id);
	p_int(&p, now_ms);
	bool add = *task_id == 0;
	if (!add)
		p_int(&p, *task_id);
	PGresult *r = NULL;
	cg_err err = pgs_q(
	    st,
	    add ? "INSERT INTO incident_tasks(title,assignee,due_at,done,incident_id,created_at,"
	          "updated_at) VALUES($1,$2,$3,$4::boolean,$5,$6,$6) RETURNING id"
	        : "UPDATE incident_tasks SET title=$1, assignee=$2, due_at=$3, done=$4::boolean,"
	          " updated_at=$6 WHERE incident_id=$5 AND id=$7 RETURNING id",
	    &p, &r);
	if (err == CG_EINVAL)
		err = CG_ENOTFOUND; /* the case is gone (foreign key) */
	if (!err && PQntuples(r) != 1)
		err = CG_ENOTFOUND;
	if (!err)
		*task_id = col_i64(r, 0, 0);
	PQclear(r);
	return err;
}

static cg_err pgs_tasks_list(cg_store_impl *st, int64_t incident_id, json_t **items)
{
	params p = {0};
	p_int(&p, incident_id);
	PGresult *r = NULL;
	cg_err err = pgs_q(st,
	                   "SELECT id,title,assignee,due_at,done,created_at,updated_at"
	                   " FROM incident_tasks WHERE incident_id=$1 ORDER BY id",
	                   &p, &r);
	if (err)
		return err;
	*items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(
		    *items, json_pack("{s:I,s:o,s:o,s:o,s:b,s:o,s:o}", "id",
		                      (json_int_t)col_i64(r, i, 0), "title", col_str(r, i, 1),
		                      "assignee", col_str(r, i, 2), "due_at", col_str(r, i, 3), "done",
		                      strcmp(PQgetvalue(r, i, 4), "t") == 0, "created_at",
		                      col_time(r, i, 5), "updated_at", col_time(r, i, 6)));
	PQclear(r);
	return CG_OK;
}

static const cg_store_state_ops pg_state_ops = {
    .secret = pgs_secret,
    .throttle_get = pgs_throttle_get,
    .throttle_fail = pgs_throttle_fail,
    .throttle_reset = pgs_throttle_reset,
    .etoken_create = pgs_etoken_create,
    .etoken_list = pgs_etoken_list,
    .etoken_consume = pgs_etoken_consume,
    .etoken_revoke = pgs_etoken_revoke,
    .agent_register = pgs_agent_register,
    .agent_heartbeat = pgs_agent_heartbeat,
    .agents_list = pgs_agents_list,
    .policy_get = pgs_policy_get,
    .policy_set = pgs_policy_set,
    .dns_create = pgs_dns_create,
    .dns_get = pgs_dns_get,
    .dns_usage = pgs_dns_usage,
    .dns_write_begin = pgs_dns_write_begin,
    .dns_write_end = pgs_dns_write_end,
    .dns_queue = pgs_dns_queue,
    .dns_next = pgs_dns_next,
    .dns_set = pgs_dns_set,
    .dns_delete = pgs_dns_delete,
    .dns_chunks_set = pgs_dns_chunks_set,
    .blob_used = pgs_blob_used,
    .incident_notice = pgs_incident_notice,
    .task_put = pgs_task_put,
    .tasks_list = pgs_tasks_list,
};
