/*
 * api_reports.c - the periodic reports the server keeps (report/archive.h):
 *
 *   GET  /api/v1/reports               kept reports, newest first (an officer:
 *                                      their agency's own)
 *   POST /api/v1/reports               make one now: {kind, period,
 *                                      agency_id?, lang?}; replaces the same
 *                                      report kept before
 *   GET  /api/v1/reports/{id}/FILE     one file of it: pdf, docx, xlsx, or
 *                                      docx.p7s / xlsx.p7s (the detached
 *                                      signature)
 *
 * Who may: the policy (api/policy.h, resource "report"), asked again with
 * the report's agency (0 for the province's) before anything is made or
 * sent. The report is made and kept by the library (cg_report_keep), the
 * same call as the scheduled job's, with the formats and the signing key
 * of the [reports] section (all three formats, unsigned, without one).
 * A blob that no longer matches its hash is never sent (500).
 */
#include <string.h>

#include "core/json.h"
#include "core/log.h"
#include "render_privsep.h"
#include "report/archive.h"
#include "report_job.h"
#include "server.h"

void api_reports_list(cg_req *req, cg_resp *resp);
void api_reports_create(cg_req *req, cg_resp *resp);
void api_reports_file(cg_req *req, cg_resp *resp);

void api_reports_list(cg_req *req, cg_resp *resp)
{
	int64_t limit, offset;
	if (!cg_req_paging(req, resp, &limit, &offset))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	cg_err err =
	    cg_store_reports_list(req->srv->store, &req->scope, limit, offset, &items, &total);
	if (err) {
		cg_resp_store_error(resp, err, "reports");
		return;
	}
	cg_resp_json(resp, 200, cg_list_body(items, total));
}

static bool is_en(const json_t *rep)
{
	const char *l = cg_json_get_str(rep, "lang");
	return l && strcmp(l, "en") == 0;
}

static void refuse(cg_resp *resp, const char *field, const char *msg)
{
	cg_resp_json(resp, 400,
	             json_pack("{s:s,s:s,s:s}", "error", msg, "code", "invalid", "field", field));
}

void api_reports_create(cg_req *req, cg_resp *resp)
{
	json_t *in = NULL;
	if (!cg_req_json(req, resp, &in))
		return;
	const char *kind_s = cg_json_get_str(in, "kind"), *period = cg_json_get_str(in, "period");
	const char *lang = cg_json_get_str(in, "lang");
	json_t *ag = json_object_get(in, "agency_id");
	cg_report_kind kind;
	cg_period cur, prev;
	if (!kind_s || cg_report_kind_parse(kind_s, &kind)) {
		refuse(resp, "kind", "kind must be monthly, semiannual, annual or incidents");
	} else if (!period || cg_period_parse(kind, period, &cur, &prev)) {
		refuse(resp, "period", "period does not fit the kind (2026-11, 2026-H2, 2026)");
	} else if (lang && strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0) {
		refuse(resp, "lang", "lang must be vi or en");
	} else if (ag && !json_is_null(ag) &&
	           (!json_is_integer(ag) || json_integer_value(ag) < 0)) {
		refuse(resp, "agency_id",
		       "agency_id must be an agency's id, or 0 for the province");
	} else {
		int64_t agency = json_is_integer(ag) ? json_integer_value(ag) : 0;
		char name[256] = "";
		json_t *a = NULL;
		cg_err err = CG_OK;
		if (!cg_req_allow(req, resp, CG_ACT_CREATE, CG_PRES_REPORT, agency,
		                  CG_POL_OWNER_NA))
			goto out;
		if (agency) {
			err = cg_store_inv_get(req->srv->store, &req->scope, CG_RES_AGENCY, agency,
			                       &a);
			if (err) {
				cg_resp_store_error(resp, err, "agency");
				goto out;
			}
			const char *nm = cg_json_get_str(a, "name");
			snprintf(name, sizeof name, "%s", nm ? nm : "");
			json_decref(a);
		}
		cg_blobs *blobs = cg_report_blobs(req->srv->data_dir);
		const cg_serve_reports *rc = req->srv->reports;
		cg_signer *signer = NULL;
		cg_buf why;
		cg_buf_init(&why, 4096);
		if (!blobs) {
			cg_resp_error(resp, 500, "the blob store is not available", NULL);
		} else if (rc && (err = cg_report_signer(rc, &signer, &why))) {
			cg_error("%s", cg_buf_cstr(&why));
			cg_resp_error(resp, 500, "the signing key is not available", NULL);
		} else {
			cg_report_request r = {.kind = kind,
			                       .period = period,
			                       .agency_id = agency,
			                       .agency_name = name,
			                       .formats =
			                           rc && rc->formats ? rc->formats : CG_RFMT_ALL,
			                       .english = lang && strcmp(lang, "en") == 0,
			                       .signer = signer,
			                       .signer_name = rc ? rc->signer_name : NULL,
			                       .tmp_dir = req->srv->data_dir,
			                       .render = cg_render_sandboxed_req};
			char by[160];
			snprintf(by, sizeof by, "%s", req->actor.name ? req->actor.name : "user");
			int64_t id = 0;
			json_t *out = NULL;
			err = cg_report_keep(req->srv->store, blobs, &r, by, &id, &why);
			if (!err)
				err = cg_store_report_get(req->srv->store, &req->scope, id, &out);
			if (err) {
				cg_error("reports: making the %s report of %s: %s", kind_s, period,
				         cg_buf_cstr(&why));
				/* the sandboxed renderer's end (render_privsep.h) is
				 * said: killed by a signal or a limit, or its deadline */
				char msg[600];
				snprintf(msg, sizeof msg, "the report could not be made%s%s",
				         err == CG_ELIMIT || err == CG_ETIMEOUT ? ": " : "",
				         err == CG_ELIMIT || err == CG_ETIMEOUT ? cg_buf_cstr(&why)
				                                                : "");
				cg_resp_error(resp, 500, msg, NULL);
			} else {
				cg_resp_json(resp, 201, out);
			}
		}
		cg_signer_free(signer);
		cg_buf_free(&why);
	}
out:
	json_decref(in);
}

void api_reports_file(cg_req *req, cg_resp *resp)
{
	json_t *rep = NULL;
	cg_err err = cg_store_report_get(req->srv->store, &req->scope, req->id, &rep);
	if (err) {
		cg_resp_store_error(resp, err, "report");
		return;
	}
	int64_t agency = json_integer_value(json_object_get(rep, "agency_id"));
	if (!cg_req_allow(req, resp, CG_ACT_READ, CG_PRES_REPORT, agency, CG_POL_OWNER_NA)) {
		json_decref(rep);
		return;
	}
	/* "pdf", "docx", "xlsx" or FORMAT.p7s */
	char fmt[8] = "";
	const char *tail = req->tail ? req->tail : "";
	size_t tl = strlen(tail);
	bool p7s = tl > 4 && strcmp(tail + tl - 4, ".p7s") == 0;
	size_t fl = p7s ? tl - 4 : tl;
	if (fl < sizeof fmt) {
		memcpy(fmt, tail, fl);
		fmt[fl] = 0;
	}
	int f = cg_report_format_parse(fmt);
	const json_t *file = f >= 0 ? json_object_get(json_object_get(rep, "files"), fmt) : NULL;
	const char *h = file ? cg_json_get_str(file, p7s ? "p7s" : "blob") : NULL;
	char hex[CG_BLOB_HEX_LEN + 1] = "";
	if (h && cg_blob_hash_ok(h))
		memcpy(hex, h, sizeof hex); /* rep is freed below */
	cg_report_kind kind = CG_REPORT_MONTHLY;
	const char *ks = cg_json_get_str(rep, "kind");
	if (ks)
		cg_report_kind_parse(ks, &kind);
	char name[100];
	bool named = cg_report_file_name(kind, cg_json_get_str(rep, "period"), NULL, is_en(rep),
	                                 name, sizeof name);
	json_decref(rep);
	if (!hex[0]) {
		cg_resp_error(resp, 404, "the report has no such file", NULL);
		return;
	}
	cg_blobs *blobs = cg_report_blobs(req->srv->data_dir);
	cg_blob_reader *rd = NULL;
	uint64_t size = 0;
	if (!blobs || cg_blob_open(blobs, hex, &rd, &size)) {
		cg_resp_error(resp, 500, "the report's file is missing from the blob store", NULL);
		return;
	}
	char chunk[65536];
	size_t got = 0;
	while ((err = cg_blob_read(rd, chunk, sizeof chunk, &got)) == CG_OK && got)
		if ((err = cg_buf_append(&resp->body, chunk, got)))
			break;
	cg_blob_close(rd);
	if (err) {
		cg_buf_reset(&resp->body);
		cg_error("reports: blob %s: %s", hex, cg_strerror(err));
		cg_resp_error(resp, 500, "the report's file does not match its hash", NULL);
		return;
	}
	resp->status = 200;
	resp->content_type =
	    p7s ? "application/pkcs7-signature" : cg_report_format_mime((cg_report_format)f);
	if (named)
		snprintf(resp->filename, sizeof resp->filename, "%s.%s%s", name, fmt,
		         p7s ? ".p7s" : "");
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_reports);
const cg_route api_reports_routes[] = {
    {"GET", "/api/v1/reports", api_reports_list, CG_PRES_REPORT, CG_ACT_READ, NULL},
    {"POST", "/api/v1/reports", api_reports_create, CG_PRES_REPORT, CG_ACT_CREATE, NULL},
    {"GET", "/api/v1/reports/{id}/*", api_reports_file, CG_PRES_REPORT, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_reports);
