/*
 * api_exports.c - files that leave canhgac from the dashboard
 * (report/export.h), within the caller's scope:
 *
 *   GET /api/v1/export/events.csv|events.xlsx   the events list, with the
 *                                               same filters as GET /events
 *   GET /api/v1/export/agencies.csv|systems.csv|people.csv
 *   GET /api/v1/export/inventory.xlsx           the three as worksheets
 *   GET /api/v1/export/signatures/HEX           the detached signature of an
 *                                               export
 *
 * When [reports] names a signing key, the export's bytes are signed (a
 * detached CMS, report/make.h's signer), the signature is kept in the blob
 * store, and the response names it in X-Canhgac-Signature: the .p7s is of
 * exactly the bytes sent, however the data changes afterwards. A
 * signature blob says nothing but a digest and the signer's certificate,
 * and its name is its SHA-256.
 */
#include <string.h>

#include "core/log.h"
#include "events_filter.h"
#include "report/export.h"
#include "report_job.h"
#include "server.h"

void api_export_file(cg_req *req, cg_resp *resp);
void api_export_signature(cg_req *req, cg_resp *resp);

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Signs the body when a key is configured; false with resp set on failure. */
static bool sign_body(cg_req *req, cg_resp *resp)
{
	const cg_serve_reports *rc = req->srv->reports;
	if (!rc || !rc->sign_key)
		return true;
	cg_signer *signer = NULL;
	cg_buf why, sig;
	cg_buf_init(&why, 4096);
	cg_buf_init(&sig, 1u << 20);
	cg_blobs *blobs = cg_report_blobs(req->srv->data_dir);
	cg_blob_writer *w = NULL;
	char hex[CG_BLOB_HEX_LEN + 1];
	uint64_t size = 0;
	cg_err err = blobs ? cg_report_signer(rc, &signer, &why) : CG_EIO;
	if (!err)
		err = cg_signer_cms(signer, cg_buf_slice(&resp->body), true, &sig, &why);
	if (!err)
		err = cg_blob_begin(blobs, &w);
	if (!err && (err = cg_blob_write(w, sig.ptr, sig.len)))
		cg_blob_abort(w);
	else if (!err)
		err = cg_blob_commit(w, NULL, hex, &size);
	if (!err)
		snprintf(resp->signature, sizeof resp->signature, "/api/v1/export/signatures/%s",
		         hex);
	else
		cg_error("export: signing: %s", why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	cg_signer_free(signer);
	cg_buf_free(&why);
	cg_buf_free(&sig);
	if (err) {
		cg_buf_reset(&resp->body);
		cg_resp_error(resp, 500, "the export could not be signed", NULL);
	}
	return !err;
}

void api_export_file(cg_req *req, cg_resp *resp)
{
	const char *name = req->tail ? req->tail : "";
	static const struct {
		const char *file;
		int what; /* -1 events, -2 the inventory workbook, else a cg_resource */
		bool xlsx;
	} FILES[] = {
	    {"events.csv", -1, false},
	    {"events.xlsx", -1, true},
	    {"agencies.csv", CG_RES_AGENCY, false},
	    {"systems.csv", CG_RES_SYSTEM, false},
	    {"people.csv", CG_RES_PERSON, false},
	    {"inventory.xlsx", -2, true},
	};
	int k = -1;
	for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++)
		if (strcmp(name, FILES[i].file) == 0)
			k = (int)i;
	if (k < 0) {
		cg_resp_error(resp, 404, "no such export", NULL);
		return;
	}
	if (FILES[k].what != -1 && !cg_req_allow(req, resp, CG_ACT_READ, CG_PRES_AGENCY,
	                                         CG_POL_ANY_AGENCY, CG_POL_OWNER_NA))
		return;
	cg_export_sheet sheets[3];
	size_t n = 0;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = CG_OK;
	if (FILES[k].what == -1) {
		cg_event_query q;
		if (!cg_events_filter_args(req, resp, &q)) {
			cg_buf_free(&why);
			return;
		}
		err = cg_export_events(req->srv->store, &req->scope, &q, &sheets[n++], &why);
	} else if (FILES[k].what == -2) {
		for (int r = CG_RES_AGENCY; !err && r <= CG_RES_PERSON; r++) {
			err = cg_export_inventory(req->srv->store, &req->scope, (cg_resource)r,
			                          &sheets[n], &why);
			if (!err)
				n++;
		}
	} else {
		err = cg_export_inventory(req->srv->store, &req->scope, (cg_resource)FILES[k].what,
		                          &sheets[n++], &why);
		if (err)
			n--;
	}
	if (err && FILES[k].what == -1)
		n--;
	if (!err)
		err = FILES[k].xlsx
		          ? cg_export_xlsx(sheets, n, req->srv->data_dir, &resp->body, &why)
		          : cg_export_csv(&sheets[0], &resp->body);
	for (size_t i = 0; i < n; i++) {
		resp->truncated |= sheets[i].truncated;
		cg_export_sheet_free(&sheets[i]);
	}
	if (err) {
		cg_error("export %s: %s", name, why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		cg_buf_reset(&resp->body);
		cg_resp_error(resp, 500, "the export could not be made", NULL);
		cg_buf_free(&why);
		return;
	}
	cg_buf_free(&why);
	resp->status = 200;
	resp->content_type = FILES[k].xlsx ? XLSX_MIME : "text/csv; charset=utf-8";
	snprintf(resp->filename, sizeof resp->filename, "canhgac-%s", name);
	sign_body(req, resp);
}

void api_export_signature(cg_req *req, cg_resp *resp)
{
	const char *hex = req->tail ? req->tail : "";
	cg_blobs *blobs = cg_report_blobs(req->srv->data_dir);
	cg_blob_reader *rd = NULL;
	uint64_t size = 0;
	if (!cg_blob_hash_ok(hex) || !blobs || cg_blob_open(blobs, hex, &rd, &size) ||
	    size > (1u << 20)) {
		cg_blob_close(rd);
		cg_resp_error(resp, 404, "no such signature", NULL);
		return;
	}
	char chunk[16384];
	size_t got = 0;
	cg_err err;
	while ((err = cg_blob_read(rd, chunk, sizeof chunk, &got)) == CG_OK && got)
		if ((err = cg_buf_append(&resp->body, chunk, got)))
			break;
	cg_blob_close(rd);
	if (err) {
		cg_buf_reset(&resp->body);
		cg_resp_error(resp, 500, "the signature does not match its hash", NULL);
		return;
	}
	resp->status = 200;
	resp->content_type = "application/pkcs7-signature";
	snprintf(resp->filename, sizeof resp->filename, "%.16s.p7s", hex);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_exports);
const cg_route api_exports_routes[] = {
    {"GET", "/api/v1/export/signatures/*", api_export_signature, CG_PRES_EVENT, CG_ACT_READ, NULL},
    {"GET", "/api/v1/export/*", api_export_file, CG_PRES_EVENT, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(api_exports);
