/*
 * api_incident_docs.c - the regulated reports of a case (Mẫu 03, Mẫu 04:
 * api/incident_forms.h) as PDF or DOCX.
 *
 *   GET  /api/v1/incidents/{id}/documents/mau-03.pdf   a draft, from the case
 *        (…/mau-04.docx etc.)                          as it is now
 *   GET  /api/v1/incidents/{id}/documents/HEX.pdf      an issued report, by
 *                                                      its SHA-256
 *   GET  /api/v1/incidents/{id}/documents/HEX.docx.p7s the detached
 *                                                      signature of an
 *                                                      issued DOCX
 *   POST /api/v1/incidents/{id}/documents              issue one:
 *        {form, format, fields?} -> the case
 *
 * Issuing renders the report with the fields the officer edited, signs
 * it when [reports] names a signing key (the key the scheduled reports
 * are signed with, report_job.h, and as they are: a PDF inside, PAdES
 * baseline B, sign/pdfsign.h; a DOCX with a detached CMS signature of
 * exactly its bytes, sign/sign.h, kept as a blob of its own and named
 * "p7s" on the timeline; a key that cannot be used refuses the issue
 * rather than sending it unsigned),
 * keeps the file in the blob store (DATA/blobs, content-addressed) and, in one
 * store write, records it on the case's timeline ("document": form,
 * format, number, sha256, size) and sets the case's field that stops the
 * form's clock (reported_at or closing_reported_at) when it was not set.
 * An issued report is served only when the case's timeline names its
 * hash, so a hash of another case's file finds nothing. Every file goes
 * out as an attachment (never rendered inline) with nosniff (http.c).
 *
 * Evidence files (api/incident_files.h) take the same path:
 *
 *   POST /api/v1/incidents/{id}/attachments?name=FILE   the bytes as the
 *        body (at most CG_INC_MAX_ATTACH_BYTES) -> the case
 *   GET  /api/v1/incidents/{id}/attachments/SHA256      the file
 *
 * An upload is stored in the blob store and named on the timeline
 * ("attachment": name, type sniffed from the bytes, size, sha256); a file
 * goes out as application/octet-stream, an attachment, nosniff.
 */
#include <stdlib.h>
#include <string.h>

#include "api/incident.h"
#include "api/incident_files.h"
#include "api/incident_forms.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "incident_deadlines.h"
#include "blob_files.h"
#include "render_privsep.h"
#include "report_job.h"
#include "server.h"
#include "sign/pdfsign.h"
#include "sign/sign.h"
#include "store/blob.h"

void api_incident_doc_get(cg_req *req, cg_resp *resp);
void api_incident_doc_issue(cg_req *req, cg_resp *resp);
void api_incident_attach(cg_req *req, cg_resp *resp);
void api_incident_attachment_get(cg_req *req, cg_resp *resp);
void cg_resp_invalid(cg_resp *resp, const cg_inv_error *e);

#define PDF_TYPE  "application/pdf"
#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define P7S_TYPE  "application/pkcs7-signature"

static void invalid(cg_resp *resp, const char *field, const char *msg)
{
	cg_inv_error e = {0};
	snprintf(e.field, sizeof e.field, "%s", field);
	snprintf(e.message, sizeof e.message, "%s", msg);
	cg_resp_invalid(resp, &e);
}

static bool case_for(cg_req *req, cg_resp *resp, cg_pol_action act, json_t **cur)
{
	*cur = NULL;
	cg_err err = cg_store_incident_get(req->srv->store, &req->scope, req->id, cur);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		return false;
	}
	if (!cg_req_allow(req, resp, act, CG_PRES_INCIDENT,
	                  json_integer_value(json_object_get(*cur, "agency_id")),
	                  CG_POL_OWNER_NA)) {
		json_decref(*cur);
		*cur = NULL;
		return false;
	}
	return true;
}

/* The document of form for the case, rendered into out by a sandboxed
 * child (render_privsep.h): the officer's text is laid out there. */
static cg_err render(cg_req *req, const json_t *c, const char *form, bool pdf, const json_t *fields,
                     cg_buf *out, cg_buf *why)
{
	cg_store *st = req->srv->store;
	json_t *agency = NULL, *systems = json_array();
	cg_store_inv_get(st, &(cg_scope){0}, CG_RES_AGENCY,
	                 json_integer_value(json_object_get(c, "agency_id")), &agency);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "system_ids"), i, v)
	{
		json_t *s = NULL;
		if (cg_store_inv_get(st, &(cg_scope){0}, CG_RES_SYSTEM, json_integer_value(v),
		                     &s) == CG_OK)
			json_array_append_new(systems, s);
	}
	cg_doc *d = NULL;
	cg_err err = cg_inc_form_build(form, c, agency, systems, fields, cg_time_now_ms(), &d);
	if (!err)
		err = cg_render_sandboxed(d, pdf, false, out, why);
	cg_doc_free(d);
	json_decref(agency);
	json_decref(systems);
	return err;
}

/* A render that failed: the renderer killed by a signal or a limit, past
 * its deadline, or with a file too large is the document's fault (its
 * text), 422 with the reason; anything else is the server's, 500. */
static void render_failed(cg_resp *resp, cg_err err, const char *form, cg_buf *why)
{
	cg_error("incident documents: %s: %s", form, cg_buf_cstr(why));
	if (err == CG_ELIMIT || err == CG_ETIMEOUT || err == CG_ETOOBIG || err == CG_EPARSE) {
		char msg[600];
		snprintf(msg, sizeof msg, "the document could not be rendered: %s",
		         cg_buf_cstr(why));
		cg_resp_error(resp, 422, msg, NULL);
	} else {
		cg_resp_error(resp, 500, "the document could not be rendered", NULL);
	}
}

/* Signs the issued report in file when a key is configured, as the
 * scheduled reports are (report/make.h): a PDF inside (file is replaced
 * by the signed one), a DOCX beside it (*p7s gets the detached CMS
 * signature of exactly file's bytes). *signer gets the signer's name (""
 * when not signed). */
static cg_err sign_issued(cg_req *req, const char *form, bool pdf, cg_buf *file, cg_buf *p7s,
                          char *signer, size_t n, cg_buf *why)
{
	signer[0] = '\0';
	const cg_serve_reports *r = req->srv->reports;
	if (!r || !r->sign_key)
		return CG_OK;
	cg_signer *s = NULL;
	cg_err err = cg_report_signer(r, &s, why);
	if (err)
		return err;
	if (!pdf) {
		if (!(err = cg_signer_cms(s, cg_buf_slice(file), true, p7s, why)))
			snprintf(signer, n, "%s",
			         r->signer_name ? r->signer_name : cg_signer_name(s));
		cg_signer_free(s);
		return err;
	}
	cg_buf out;
	cg_buf_init(&out, file->len + 65536);
	char reason[96];
	snprintf(reason, sizeof reason, "Báo cáo sự cố (%s)", cg_inc_form_label(form));
	err = cg_pdf_sign(s, cg_buf_slice(file), cg_time_now_ms() / 1000, reason, &out, why);
	if (!err) {
		cg_buf tmp = *file;
		*file = out;
		out = tmp;
		snprintf(signer, n, "%s", r->signer_name ? r->signer_name : cg_signer_name(s));
	}
	cg_buf_free(&out);
	cg_signer_free(s);
	return err;
}

/* p7s: the detached signature of the DOCX, named after it. */
static void attach(cg_resp *resp, const json_t *c, const char *what, bool pdf, bool p7s)
{
	resp->status = 200;
	resp->content_type = p7s ? P7S_TYPE : pdf ? PDF_TYPE : DOCX_TYPE;
	/* the case number and form name are [A-Z0-9-] only: no quoting needed */
	snprintf(resp->disposition, sizeof resp->disposition, "attachment; filename=\"%s-%s.%s%s\"",
	         cg_json_get_str(c, "number") ? cg_json_get_str(c, "number") : "SC", what,
	         pdf ? "pdf" : "docx", p7s ? ".p7s" : "");
}

/* "HEX.pdf" / "HEX.docx" / "HEX.docx.p7s" -> hex, pdf and p7s. */
static bool issued_name(const char *tail, char hex[65], bool *pdf, bool *p7s)
{
	size_t n = strlen(tail);
	if (n < 68 || strspn(tail, "0123456789abcdef") != 64)
		return false;
	memcpy(hex, tail, 64);
	hex[64] = '\0';
	*p7s = strcmp(tail + 64, ".docx.p7s") == 0;
	if (strcmp(tail + 64, ".pdf") == 0)
		*pdf = true;
	else if (strcmp(tail + 64, ".docx") == 0 || *p7s)
		*pdf = false;
	else
		return false;
	return true;
}

/* The timeline entry (what: "document" or "attachment") that names this
 * file, or NULL. */
static const json_t *file_entry(const json_t *c, const char *kind, const char *hex)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(c, "timeline"), i, e)
	{
		const char *what = cg_json_get_str(e, "what");
		const json_t *d = json_object_get(e, "detail");
		const char *h = d ? cg_json_get_str(d, "sha256") : NULL;
		if (what && strcmp(what, kind) == 0 && h && strcmp(h, hex) == 0)
			return e;
	}
	return NULL;
}

/* An issued report by its hash, or (p7s) the detached signature kept
 * beside an issued DOCX. */
static void serve_issued(cg_req *req, cg_resp *resp, const json_t *c, const char *hex, bool pdf,
                         bool p7s)
{
	const json_t *e = file_entry(c, "document", hex);
	const json_t *d = e ? json_object_get(e, "detail") : NULL;
	const char *fmt = d ? cg_json_get_str(d, "format") : NULL;
	const char *blob = p7s ? (d ? cg_json_get_str(d, "p7s") : NULL) : hex;
	if (!e || !fmt || strcmp(fmt, pdf ? "pdf" : "docx") != 0 || !blob ||
	    !cg_blob_hash_ok(blob)) {
		cg_resp_error(resp, 404,
		              p7s ? "no such signed document" : "no such issued document", NULL);
		return;
	}
	if (cg_resp_blob(req, resp, blob, CG_INC_MAX_DOC_BYTES, "incident documents"))
		attach(resp, c, cg_json_get_str(d, "form"), pdf, p7s);
}

void api_incident_attachment_get(cg_req *req, cg_resp *resp)
{
	json_t *c;
	if (!case_for(req, resp, CG_ACT_READ, &c))
		return;
	const json_t *e =
	    cg_blob_hash_ok(req->tail) ? file_entry(c, "attachment", req->tail) : NULL;
	const json_t *d = e ? json_object_get(e, "detail") : NULL;
	if (!d)
		cg_resp_error(resp, 404, "no such attachment", NULL);
	else
		cg_resp_file(req, resp, req->tail, CG_INC_MAX_ATTACH_BYTES,
		             cg_json_get_str(d, "name"), "incident attachments");
	json_decref(c);
}

void api_incident_attach(cg_req *req, cg_resp *resp)
{
	json_t *c;
	if (!case_for(req, resp, CG_ACT_UPDATE, &c))
		return;
	if (req->body.len == 0) {
		invalid(resp, "body", "the file's bytes");
		json_decref(c);
		return;
	}
	if (req->body.len > CG_INC_MAX_ATTACH_BYTES) {
		cg_resp_error(resp, 413, "the file is larger than allowed (10 MiB)", NULL);
		json_decref(c);
		return;
	}
	char name[CG_INC_MAX_FILE_NAME];
	cg_inc_file_name(cg_req_arg(req, "name"), name, sizeof name);
	const char *type = "application/octet-stream";
	cg_file_upload up;
	char hex[CG_BLOB_HEX_LEN + 1];
	uint64_t size = 0;
	cg_err err = cg_file_upload_begin(req->srv, CG_INC_MAX_ATTACH_BYTES, &up);
	if (!err)
		err = cg_file_upload_data(&up, req->body.ptr, req->body.len);
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (!err)
		err = cg_file_upload_commit(&up, hex, &size, &type, &why);
	else
		cg_file_upload_abort(&up);
	if (err) {
		cg_resp_upload_error(resp, err, &why, "incident attachments");
		cg_buf_free(&why);
		json_decref(c);
		return;
	}
	cg_buf_free(&why);
	json_t *detail = json_pack("{s:s,s:s,s:I,s:s}", "name", name, "type", type, "size",
	                           (json_int_t)size, "sha256", hex);
	cg_inc_write wr = {.id = req->id, .what = "attachment", .detail = detail};
	int64_t id = 0, now = cg_time_now_ms();
	err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &wr, now, &id);
	json_decref(detail);
	json_decref(c);
	json_t *out = NULL;
	if (!err)
		err = cg_store_incident_get(req->srv->store, &req->scope, req->id, &out);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		return;
	}
	cg_incident_with_clocks(req->srv->store, out, now);
	cg_resp_json(resp, 201, out);
}

void api_incident_doc_get(cg_req *req, cg_resp *resp)
{
	json_t *c;
	if (!case_for(req, resp, CG_ACT_READ, &c))
		return;
	char form[CG_FORM_MAX_NAME], hex[65];
	bool pdf = false, p7s = false;
	if (cg_inc_form_parse(req->tail, form, &pdf)) {
		cg_buf why;
		cg_buf_init(&why, 1024);
		cg_err err = render(req, c, form, pdf, NULL, &resp->body, &why);
		if (err) {
			cg_buf_reset(&resp->body);
			render_failed(resp, err, form, &why);
		} else {
			attach(resp, c, form, pdf, false);
		}
		cg_buf_free(&why);
	} else if (issued_name(req->tail, hex, &pdf, &p7s)) {
		serve_issued(req, resp, c, hex, pdf, p7s);
	} else {
		cg_resp_error(resp, 404, "expected mau-03 or mau-04 .pdf or .docx", NULL);
	}
	json_decref(c);
}

void api_incident_doc_issue(cg_req *req, cg_resp *resp)
{
	json_t *c, *body;
	if (!case_for(req, resp, CG_ACT_UPDATE, &c))
		return;
	if (!cg_req_json(req, resp, &body)) {
		json_decref(c);
		return;
	}
	const char *form = json_is_object(body) ? cg_json_get_str(body, "form") : NULL;
	const char *format = json_is_object(body) ? cg_json_get_str(body, "format") : NULL;
	json_t *fields = NULL, *rec = NULL, *detail = NULL;
	cg_inv_error e;
	cg_buf file, why, p7s;
	cg_buf_init(&file, CG_INC_MAX_DOC_BYTES);
	cg_buf_init(&why, 1024);
	cg_buf_init(&p7s, CG_INC_MAX_DOC_BYTES);
	bool pdf = !format || strcmp(format, "pdf") == 0;
	cg_blobs *b = cg_server_blobs(req->srv);
	if (!cg_inc_form_valid(form)) {
		invalid(resp, "form", "mau-03 or mau-04");
		goto done;
	}
	if (format && !pdf && strcmp(format, "docx") != 0) {
		invalid(resp, "format", "pdf or docx");
		goto done;
	}
	if (cg_inc_form_fields(json_object_get(body, "fields"), &fields, &e)) {
		cg_resp_invalid(resp, &e);
		goto done;
	}
	if (!b) {
		cg_resp_error(resp, 500, "the document could not be rendered or stored", NULL);
		goto done;
	}
	cg_err rerr = render(req, c, form, pdf, fields, &file, &why);
	if (!rerr && file.len > CG_INC_MAX_DOC_BYTES) {
		cg_buf_puts(&why, "the rendered file is larger than allowed");
		rerr = CG_ETOOBIG;
	}
	if (rerr) {
		render_failed(resp, rerr, form, &why);
		goto done;
	}
	char signer[256] = "";
	if (sign_issued(req, form, pdf, &file, &p7s, signer, sizeof signer, &why)) {
		cg_error("incident documents: %s: %s", form, cg_buf_cstr(&why));
		cg_resp_error(resp, 500, "the document could not be signed", NULL);
		goto done;
	}
	/* the signature's blob first: a file kept is never named unsigned */
	char hex[CG_BLOB_HEX_LEN + 1], phex[CG_BLOB_HEX_LEN + 1] = "";
	uint64_t size = 0, psize = 0;
	cg_err err = p7s.len ? cg_blob_put(b, p7s.ptr, p7s.len, phex, &psize) : CG_OK;
	if (!err)
		err = cg_blob_put(b, file.ptr, file.len, hex, &size);
	if (err) {
		cg_error("incident documents: blob store: %s", cg_strerror(err));
		cg_resp_error(resp, 500, "the document could not be stored", NULL);
		goto done;
	}
	/* the report is issued now: its clock stops (unless already stopped) */
	int64_t now = cg_time_now_ms();
	char ts[40];
	cg_time_format(now, ts, sizeof ts);
	const char *stop = cg_inc_form_stop_field(form);
	rec = cg_inc_record(c);
	if (json_is_null(json_object_get(rec, stop)) || !json_object_get(rec, stop))
		json_object_set_new(rec, stop, json_string(ts));
	char number[96];
	cg_inc_form_number(form, cg_json_get_str(c, "number"), number, sizeof number);
	detail = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:O}", "form", form, "format",
	                   pdf ? "pdf" : "docx", "number", number, "sha256", hex, "size",
	                   (json_int_t)size, "issued_at", ts, "fields", fields);
	if (signer[0])
		json_object_set_new(detail, "signed_by", json_string(signer));
	if (phex[0])
		json_object_set_new(detail, "p7s", json_string(phex));
	cg_inc_write wr = {.id = req->id,
	                   .expect_state = cg_json_get_str(c, "state"),
	                   .rec = rec,
	                   .what = "document",
	                   .detail = detail};
	int64_t id = 0;
	err = cg_store_incident_write(req->srv->store, &req->scope, &req->actor, &wr, now, &id);
	json_t *out = NULL;
	if (!err)
		err = cg_store_incident_get(req->srv->store, &req->scope, req->id, &out);
	if (err) {
		cg_resp_store_error(resp, err, "incident");
		goto done;
	}
	cg_incident_with_clocks(req->srv->store, out, now);
	cg_incident_deadlines_poke();
	cg_resp_json(resp, 201, out);
done:
	cg_buf_free(&file);
	cg_buf_free(&why);
	cg_buf_free(&p7s);
	json_decref(detail);
	json_decref(rec);
	json_decref(fields);
	json_decref(body);
	json_decref(c);
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(api_incident_docs);
const cg_route api_incident_docs_routes[] = {
    {"GET", "/api/v1/incidents/{id}/documents/*", api_incident_doc_get, CG_PRES_INCIDENT,
     CG_ACT_READ, NULL},
    {"POST", "/api/v1/incidents/{id}/documents", api_incident_doc_issue, CG_PRES_INCIDENT,
     CG_ACT_UPDATE, NULL},
    {"GET", "/api/v1/incidents/{id}/attachments/*", api_incident_attachment_get, CG_PRES_INCIDENT,
     CG_ACT_READ, NULL},
    {"POST", "/api/v1/incidents/{id}/attachments", api_incident_attach, CG_PRES_INCIDENT,
     CG_ACT_UPDATE, NULL},
};
CG_ROUTE_COUNT(api_incident_docs);
