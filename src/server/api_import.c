/*
 * api_import.c - CSV import of agencies and systems (provinces keep their
 * inventory in Excel).
 *
 * The body is text/csv, UTF-8 (a BOM is fine), with a header row naming
 * the columns in any order:
 *   agencies: name,kind,parent,code,ip_ranges,declared_endpoints
 *   systems:  agency,name,kind,urls,domains,ips,level,dossier_status
 * "parent" and "agency" name an agency by id, code or exact name (rows
 * earlier in the same file count); list cells are separated by ';'. Each
 * row is validated by the same rules as the API and stored on its own, so
 * good rows are kept and each bad one is reported with its row number
 * (header = row 1) and the field at fault. An agency row whose name or IP
 * ranges collide with another agency's (earlier rows included) is refused
 * like the API refuses it, naming the other agency; ?confirm_overlap=1
 * accepts ranges nested in another agency's, as the API does.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/inventory.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "privsep.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"
#include "server.h"

#define MAX_REPORTED_ERRORS 1000

typedef enum col {
	C_NAME,
	C_KIND,
	C_PARENT,
	C_CODE,
	C_IP_RANGES,
	C_DECLARED,
	C_AGENCY,
	C_URLS,
	C_DOMAINS,
	C_IPS,
	C_LEVEL,
	C_DOSSIER,
	C_COUNT
} col;

static const char *const col_names[C_COUNT] = {
    "name",   "kind", "parent",  "code", "ip_ranges", "declared_endpoints",
    "agency", "urls", "domains", "ips",  "level",     "dossier_status",
};

typedef struct importer {
	cg_req *req;
	cg_resource r;
	int where[C_COUNT]; /* column index of each known column, -1 absent */
	json_t *errors;
	int64_t imported;
	bool confirm_overlap; /* ?confirm_overlap=1: nested ranges accepted */
	/* agencies: every agency, with the rows imported so far added (a
	 * private table: one read of the store per import, not per row) */
	cg_agency_table *agencies;
	bool header;  /* the header row was read */
	bool bad;     /* a reply of the reader was refused (treated as an error) */
	int64_t last_row;
} importer;

/* One record as the sandboxed CSV reader sent it (server/privsep.h
 * "csv"): its number and its fields, JSON strings (borrowed). */
typedef struct record {
	int64_t row;
	const json_t *fields;
} record;

static size_t nfields(const record *p)
{
	return json_array_size(p->fields);
}

static cg_slice field(const record *p, size_t i)
{
	const json_t *f = json_array_get(p->fields, i);
	return cg_slice_from(json_string_value(f), json_string_length(f));
}

static void row_error(importer *im, int64_t row, const char *field, const char *msg)
{
	if (json_array_size(im->errors) >= MAX_REPORTED_ERRORS)
		return;
	json_array_append_new(im->errors, json_pack("{s:I,s:s,s:o}", "row", (json_int_t)row,
	                                            "field", field, "message", cg_json_cstr(msg)));
}

static bool allowed(cg_resource r, col c)
{
	if (r == CG_RES_AGENCY)
		return c <= C_DECLARED;
	return c == C_NAME || c == C_KIND || c >= C_AGENCY;
}

static bool read_header(importer *im, const record *p)
{
	for (int c = 0; c < C_COUNT; c++)
		im->where[c] = -1;
	for (size_t i = 0; i < nfields(p); i++) {
		cg_slice f = cg_slice_trim(field(p, i));
		char name[64];
		if (cg_slice_copy(f, name, sizeof name))
			name[0] = '\0';
		for (char *q = name; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		int found = -1;
		for (int c = 0; c < C_COUNT; c++)
			if (allowed(im->r, (col)c) && strcmp(name, col_names[c]) == 0)
				found = c;
		if (found < 0) {
			char msg[128];
			snprintf(msg, sizeof msg, "unknown column '%.60s' (ignored)", name);
			row_error(im, 1, name, msg);
			continue;
		}
		im->where[found] = (int)i;
	}
	const col need_ag[] = {C_NAME, C_KIND};
	const col need_sys[] = {C_AGENCY, C_NAME, C_KIND, C_LEVEL};
	const col *need = im->r == CG_RES_AGENCY ? need_ag : need_sys;
	int nneed = im->r == CG_RES_AGENCY ? 2 : 4;
	bool ok = true;
	for (int k = 0; k < nneed; k++) {
		if (im->where[need[k]] < 0) {
			row_error(im, 1, col_names[need[k]], "required column missing");
			ok = false;
		}
	}
	return ok;
}

static cg_slice cell(const importer *im, const record *p, col c)
{
	if (im->where[c] < 0 || (size_t)im->where[c] >= nfields(p))
		return cg_slice_from("", 0);
	return cg_slice_trim(field(p, (size_t)im->where[c]));
}

/* A text cell into the record (empty cells are left out: defaults). */
static void put_text(json_t *rec, const char *key, cg_slice v)
{
	if (v.len)
		json_object_set_new(rec, key, cg_json_str(v));
}

static void put_list(json_t *rec, const char *key, cg_slice v)
{
	if (v.len)
		json_object_set_new(rec, key, cg_inv_split_list(v));
}

static bool put_int(importer *im, int64_t row, json_t *rec, const char *key, cg_slice v)
{
	if (!v.len)
		return true;
	int64_t n;
	if (cg_parse_i64(v, INT32_MIN, INT32_MAX, &n)) {
		row_error(im, row, key, "not a whole number");
		return false;
	}
	json_object_set_new(rec, key, json_integer(n));
	return true;
}

static bool put_ref(importer *im, int64_t row, json_t *rec, const char *key, const char *field,
                    cg_slice v)
{
	if (!v.len)
		return true;
	char k[512];
	if (cg_slice_copy(v, k, sizeof k)) {
		row_error(im, row, field, "too long");
		return false;
	}
	int64_t id;
	cg_scope all = {0};
	/* an officer may name only their own agency */
	if (cg_store_agency_lookup(im->req->srv->store, key[0] == 'p' ? &all : &im->req->scope, k,
	                           &id)) {
		char msg[600];
		snprintf(msg, sizeof msg, "no agency '%.500s'%s", k,
		         im->req->scope.agency_id && key[0] != 'p' ? " in your scope" : "");
		row_error(im, row, field, msg);
		return false;
	}
	json_object_set_new(rec, key, json_integer(id));
	return true;
}

static void import_row(importer *im, const record *p)
{
	int64_t row = p->row;
	json_t *rec = json_object();
	bool ok = true;
	put_text(rec, "name", cell(im, p, C_NAME));
	put_text(rec, "kind", cell(im, p, C_KIND));
	if (im->r == CG_RES_AGENCY) {
		ok = put_ref(im, row, rec, "parent_id", "parent", cell(im, p, C_PARENT));
		put_text(rec, "code", cell(im, p, C_CODE));
		put_list(rec, "ip_ranges", cell(im, p, C_IP_RANGES));
		ok = ok && put_int(im, row, rec, "declared_endpoints", cell(im, p, C_DECLARED));
	} else {
		ok = put_ref(im, row, rec, "agency_id", "agency", cell(im, p, C_AGENCY));
		put_list(rec, "urls", cell(im, p, C_URLS));
		put_list(rec, "domains", cell(im, p, C_DOMAINS));
		put_list(rec, "ips", cell(im, p, C_IPS));
		ok = ok && put_int(im, row, rec, "level", cell(im, p, C_LEVEL));
		put_text(rec, "dossier_status", cell(im, p, C_DOSSIER));
	}
	if (!ok) {
		json_decref(rec);
		return;
	}
	json_t *norm = NULL;
	cg_inv_error e;
	if (cg_inv_normalize(im->r, rec, NULL, &norm, &e)) {
		/* report the CSV column, not the API member */
		const char *f = e.field;
		if (strcmp(f, "agency_id") == 0)
			f = "agency";
		else if (strcmp(f, "parent_id") == 0)
			f = "parent";
		row_error(im, row, f, e.message);
		json_decref(rec);
		return;
	}
	json_decref(rec);
	if (im->r == CG_RES_AGENCY) { /* the same collision rule as the API */
		cg_err cerr = im->agencies ? cg_agency_table_check(im->agencies, 0, norm, NULL,
		                                                   im->confirm_overlap, &e)
		                           : CG_EDB;
		if (cerr) {
			row_error(im, row, cerr == CG_ECONFLICT ? e.field : "",
			          cerr == CG_ECONFLICT ? e.message : "could not be checked");
			json_decref(norm);
			return;
		}
	}
	int64_t id;
	cg_err err = cg_store_inv_create(im->req->srv->store, &im->req->scope, &im->req->actor,
	                                 im->r, norm, &id);
	if (!err && im->r == CG_RES_AGENCY && im->agencies) {
		/* later rows are checked against this one too */
		json_object_set_new(norm, "id", json_integer(id));
		if (cg_agency_table_add(im->agencies, norm)) {
			cg_agency_table_release(im->agencies);
			im->agencies = NULL; /* the next rows are refused, not unchecked */
		}
	}
	json_decref(norm);
	if (err == CG_ECONFLICT)
		row_error(im, row, "code", "an agency with this code already exists");
	else if (err == CG_EPERM)
		row_error(im, row, "agency", "outside your agency");
	else if (err)
		row_error(im, row, "", "could not be stored");
	else
		im->imported++;
}

/* One reply of the CSV reader: a record or a record's error, in order;
 * the same steps as reading the CSV here did. Non-zero stops the reader. */
static int on_record(void *ctx, uint8_t type, json_t *o)
{
	importer *im = ctx;
	if (type != CG_SBMSG_ITEM)
		return 0;
	json_int_t row = json_integer_value(json_object_get(o, "row"));
	const json_t *f = json_object_get(o, "fields");
	const char *error = cg_json_get_str(o, "error");
	/* records come in order, each with fields (text) or an error */
	bool ok = row > im->last_row && row <= CG_MAX_CSV_ROWS + 1 && (error || json_is_array(f)) &&
	          (!f || json_array_size(f) <= CG_MAX_CSV_FIELDS);
	size_t i;
	json_t *v;
	json_array_foreach(f, i, v) ok = ok && json_is_string(v);
	if (!ok) {
		im->bad = true;
		return 1;
	}
	im->last_row = row;
	if (error) {
		row_error(im, row, "", error);
		return row == 1;
	}
	if (row > CG_MAX_CSV_ROWS) {
		row_error(im, row, "", "too many rows; the rest was not read");
		return 1;
	}
	record rec = {row, f};
	if (!im->header) {
		im->header = true;
		return read_header(im, &rec) ? 0 : 1;
	}
	import_row(im, &rec);
	return 0;
}

static void import(cg_req *req, cg_resp *resp, cg_resource r)
{
	/* who may import is the route's policy (create agency / create
	 * system); each row is stored with the caller's scope */
	const char *ct = cg_req_header(req, "Content-Type");
	if (ct && strncmp(ct, "text/csv", 8) != 0 && strncmp(ct, "text/plain", 10) != 0) {
		cg_resp_error(resp, 415, "expected Content-Type: text/csv", NULL);
		return;
	}
	cg_slice body = cg_buf_slice(&req->body);
	if (!cg_utf8_valid(body)) {
		cg_resp_error(resp, 400, "the CSV is not UTF-8 (in Excel: Save As, CSV UTF-8)",
		              NULL);
		return;
	}
	const char *co = cg_req_arg(req, "confirm_overlap");
	importer im = {.req = req,
	               .r = r,
	               .errors = json_array(),
	               .confirm_overlap = co && strcmp(co, "1") == 0};
	if (r == CG_RES_AGENCY && cg_agency_table_load(req->srv->store, &im.agencies)) {
		json_decref(im.errors);
		cg_resp_error(resp, 500, "could not read the agencies", NULL);
		return;
	}
	/* the bytes are read in a sandboxed child (server/privsep.h): this
	 * process sees only records, each a checked JSON object */
	int fd = cg_sandbox_memfd("canhgac-csv", body);
	json_t *preq = json_pack("{s:s}", "sep", ",");
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_privsep_job pj = {.kind = "csv", .request = preq, .input_fd = fd, .on_msg = on_record,
	                     .ctx = &im};
	cg_err err = fd >= 0 && preq ? cg_privsep_run(&pj, &why) : CG_EIO;
	json_decref(preq);
	if (fd >= 0)
		close(fd);
	if (err || im.bad) {
		cg_agency_table_release(im.agencies);
		json_decref(im.errors);
		char msg[700];
		snprintf(msg, sizeof msg, "the CSV could not be read: %.560s (%lld rows imported before)",
		         im.bad ? "its reader sent a malformed record"
		                : why.len ? cg_buf_cstr(&why) : cg_strerror(err),
		         (long long)im.imported);
		cg_warn("csv import: %s", msg);
		cg_buf_free(&why);
		/* a parser that could not start is the server's fault; one that
		 * crashed, looped or failed on these bytes, the input's */
		cg_resp_error(resp, err == CG_EIO && !im.bad ? 500 : 422, msg, NULL);
		return;
	}
	cg_buf_free(&why);
	bool header = im.header;
	cg_agency_table_release(im.agencies);
	if (!header && json_array_size(im.errors) == 0)
		row_error(&im, 1, "", "empty file: a header row is required");
	cg_resp_json(
	    resp, 200,
	    json_pack("{s:I,s:o}", "imported", (json_int_t)im.imported, "errors", im.errors));
}

void api_import_agencies(cg_req *req, cg_resp *resp);
void api_import_systems(cg_req *req, cg_resp *resp);

void api_import_agencies(cg_req *req, cg_resp *resp)
{
	import(req, resp, CG_RES_AGENCY);
}

void api_import_systems(cg_req *req, cg_resp *resp)
{
	import(req, resp, CG_RES_SYSTEM);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_import);
const cg_route api_import_routes[] = {
    {"POST", "/api/v1/import/agencies", api_import_agencies, CG_PRES_AGENCY, CG_ACT_CREATE, NULL},
    {"POST", "/api/v1/import/systems", api_import_systems, CG_PRES_SYSTEM, CG_ACT_CREATE, NULL},
};
CG_ROUTE_COUNT(api_import);
