/*
 * store_exposure.c - the store.h functions of the exposure scans: the SQL
 * of both backends, written once (backend_exposure.h says which dialect),
 * run through the backend's one query call.
 *
 * Scope is a WHERE on agency_id, which each row copies from its system
 * when it is made (as drills do), so a list never joins the inventory to
 * decide what a caller may see.
 */
#include "backend_exposure.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"

static cg_err Q(cg_store *st, bool write, const char *sql, json_t *params, json_t **rows)
{
	cg_store_set_violation(CG_VIOL_NONE, NULL);
	cg_err err = params ? cg_store_ops_of(st)->exposure->query(cg_store_impl_of(st), write, sql,
	                                                           params, rows)
	                    : CG_ENOMEM;
	json_decref(params);
	return err;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

cg_err cg_store_xp_run_queue(cg_store *st, int64_t system_id, const char *by, int64_t now_ms,
                             int64_t *id, bool *already)
{
	*id = 0;
	*already = false;
	if (system_id <= 0 || !by)
		return CG_EINVAL;
	json_t *rows = NULL;
	cg_err err = Q(st, true,
	               "INSERT INTO exposure_runs(system_id,agency_id,status,requested_by,queued)"
	               " SELECT id,agency_id,'queued',CAST($2 AS text),CAST($3 AS bigint) FROM "
	               "systems WHERE id=$1 AND NOT EXISTS"
	               " (SELECT 1 FROM exposure_runs WHERE system_id=$1 AND status IN"
	               " ('queued','running')) RETURNING id",
	               json_pack("[I,s,I]", (json_int_t)system_id, by, (json_int_t)now_ms), &rows);
	if (!err && json_array_size(rows)) {
		*id = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
		json_decref(rows);
		return CG_OK;
	}
	json_decref(rows);
	rows = NULL;
	if (!err)
		err = Q(st, false,
		        "SELECT s.id AS sid, r.id AS id FROM systems s LEFT JOIN exposure_runs r ON"
		        " r.system_id=s.id AND r.status IN ('queued','running') WHERE s.id=$1",
		        json_pack("[I]", (json_int_t)system_id), &rows);
	if (!err && !json_array_size(rows))
		err = CG_ENOTFOUND;
	if (!err) {
		*id = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
		*already = true;
	}
	json_decref(rows);
	return err;
}

cg_err cg_store_xp_run_claim(cg_store *st, int64_t now_ms, int64_t stale_ms, json_t **run)
{
	*run = NULL;
	json_t *rows = NULL;
	cg_err err =
	    Q(st, true,
	      "UPDATE exposure_runs SET status='running',started=$1 WHERE id=(SELECT id FROM"
	      " exposure_runs WHERE status='queued' OR (status='running' AND started<$2)"
	      " ORDER BY id LIMIT 1) RETURNING id,system_id,agency_id",
	      json_pack("[I,I]", (json_int_t)now_ms, (json_int_t)(now_ms - stale_ms)), &rows);
	if (!err && !json_array_size(rows))
		err = CG_ENOTFOUND;
	if (!err)
		*run = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return err;
}

static int64_t iv(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

cg_err cg_store_xp_run_finish(cg_store *st, int64_t id, const json_t *rec)
{
	const char *status = cg_json_get_str(rec, "status");
	const char *errors = cg_json_get_str(rec, "errors");
	if (!status || !errors)
		return CG_EINVAL;
	return Q(st, true,
	         "UPDATE exposure_runs SET status=$2,finished=$3,targets=$4,reached=$5,"
	         "findings=$6,fixed=$7,errors=$8 WHERE id=$1",
	         json_pack("[I,s,I,I,I,I,I,s]", (json_int_t)id, status,
	                   (json_int_t)iv(rec, "finished"), (json_int_t)iv(rec, "targets"),
	                   (json_int_t)iv(rec, "reached"), (json_int_t)iv(rec, "findings"),
	                   (json_int_t)iv(rec, "fixed"), errors),
	         NULL);
}

/* Times are ms in the tables and RFC 3339 text in the records, as the
 * other resources give them. */
static void times(json_t *items, const char *const *keys, size_t n)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		for (size_t k = 0; k < n; k++) {
			json_t *v = json_object_get(o, keys[k]);
			if (!json_is_integer(v))
				continue;
			char t[40];
			cg_time_format(json_integer_value(v), t, sizeof t);
			json_object_set_new(o, keys[k], json_string(t));
		}
	}
}

/* JSON columns kept as text become JSON again for the API. */
static void unjson(json_t *items, const char *k)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		const char *s = cg_json_get_str(o, k);
		json_t *v = s ? json_loads(s, 0, NULL) : NULL;
		json_object_set_new(o, k, v ? v : json_array());
	}
}

cg_err cg_store_xp_runs(cg_store *st, const cg_scope *scope, int64_t system_id, int64_t limit,
                        json_t **items)
{
	*items = NULL;
	cg_err err = Q(st, false,
	               "SELECT r.id,r.system_id,s.name AS system_name,r.agency_id,r.status,"
	               "r.requested_by,r.queued,r.started,r.finished,r.targets,r.reached,"
	               "r.findings,r.fixed,r.errors FROM exposure_runs r JOIN systems s ON"
	               " s.id=r.system_id WHERE (CAST($1 AS bigint)=0 OR r.agency_id=$1) AND"
	               " (CAST($2 AS bigint)=0 OR r.system_id=$2) ORDER BY r.id DESC LIMIT $3",
	               json_pack("[I,I,I]", (json_int_t)scope->agency_id, (json_int_t)system_id,
	                         (json_int_t)limit),
	               items);
	if (!err) {
		static const char *const k[] = {"queued", "started", "finished"};
		unjson(*items, "errors");
		times(*items, k, 3);
	}
	return err;
}

cg_err cg_store_xp_latest(cg_store *st, json_t **items)
{
	*items = NULL;
	return Q(st, false,
	         "SELECT system_id,max(queued) AS queued FROM exposure_runs GROUP BY system_id",
	         json_array(), items);
}

cg_err cg_store_xp_finding_open(cg_store *st, const json_t *rec, int64_t *id)
{
	*id = 0;
	const char *target = cg_json_get_str(rec, "target"), *kind = cg_json_get_str(rec, "kind");
	if (!target || !kind || iv(rec, "system_id") <= 0)
		return CG_EINVAL;
	json_t *cves = json_object_get(rec, "cves");
	char *ctext = json_dumps(cves ? cves : json_array(), JSON_COMPACT);
	json_t *rows = NULL;
	cg_err err = Q(st, true,
	               "INSERT INTO exposure_findings(system_id,agency_id,target,kind,severity,"
	               "summary,cves,kev,event_id,opened,opened_run) VALUES($1,$2,$3,$4,$5,$6,$7,"
	               "$8,$9,$10,$11) ON CONFLICT DO NOTHING RETURNING id",
	               json_pack("[I,I,s,s,o,o,s,I,o,I,I]", (json_int_t)iv(rec, "system_id"),
	                         (json_int_t)iv(rec, "agency_id"), target, kind,
	                         str_or_null(cg_json_get_str(rec, "severity")),
	                         str_or_null(cg_json_get_str(rec, "summary")), ctext ? ctext : "[]",
	                         (json_int_t)(iv(rec, "kev") != 0),
	                         str_or_null(cg_json_get_str(rec, "event_id")),
	                         (json_int_t)iv(rec, "opened"), (json_int_t)iv(rec, "opened_run")),
	               &rows);
	free(ctext);
	if (!err && !json_array_size(rows))
		err = CG_ECONFLICT;
	if (!err)
		*id = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
	json_decref(rows);
	return err;
}

cg_err cg_store_xp_findings(cg_store *st, const cg_scope *scope, int64_t system_id, bool open_only,
                            int64_t limit, json_t **items)
{
	*items = NULL;
	cg_err err = Q(st, false,
	               "SELECT f.id,f.system_id,s.name AS system_name,f.agency_id,f.target,f.kind,"
	               "f.severity,f.summary,f.cves,f.kev,f.event_id,f.opened,f.opened_run,f.fixed,"
	               "f.fixed_run FROM exposure_findings f JOIN systems s ON s.id=f.system_id"
	               " WHERE (CAST($1 AS bigint)=0 OR f.agency_id=$1) AND (CAST($2 AS bigint)=0"
	               " OR f.system_id=$2) AND (CAST($3 AS bigint)=0 OR f.fixed IS NULL)"
	               " ORDER BY f.id DESC LIMIT $4",
	               json_pack("[I,I,I,I]", (json_int_t)scope->agency_id, (json_int_t)system_id,
	                         (json_int_t)open_only, (json_int_t)limit),
	               items);
	if (!err) {
		static const char *const k[] = {"opened", "fixed"};
		unjson(*items, "cves");
		times(*items, k, 2);
	}
	return err;
}

cg_err cg_store_xp_finding_fix(cg_store *st, int64_t id, int64_t run_id, int64_t now_ms)
{
	json_t *rows = NULL;
	cg_err err =
	    Q(st, true,
	      "UPDATE exposure_findings SET fixed=$3,fixed_run=$2 WHERE id=$1 AND fixed IS"
	      " NULL RETURNING id",
	      json_pack("[I,I,I]", (json_int_t)id, (json_int_t)run_id, (json_int_t)now_ms), &rows);
	if (!err && !json_array_size(rows))
		err = CG_ENOTFOUND;
	json_decref(rows);
	return err;
}
