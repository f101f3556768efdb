/*
 * blob_files.c - see blob_files.h. The blob store is opened once, on the
 * first request that needs it, with the largest file any handler keeps
 * (CG_INC_MAX_DOC_BYTES); each handler applies its own smaller limit.
 */
#include "blob_files.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/incident_files.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "privsep.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"

static pthread_mutex_t blobs_lock = PTHREAD_MUTEX_INITIALIZER;
static cg_blobs *blobs;

cg_blobs *cg_server_blobs(cg_server *srv)
{
	pthread_mutex_lock(&blobs_lock);
	if (!blobs && srv->data_dir) {
		char dir[4096];
		int n = snprintf(dir, sizeof dir, "%s/blobs", srv->data_dir);
		cg_buf why;
		cg_buf_init(&why, 1024);
		if (n > 0 && (size_t)n < sizeof dir &&
		    cg_blobs_open(dir, CG_INC_MAX_DOC_BYTES, &blobs, &why))
			cg_warn("blob store: %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
	}
	cg_blobs *b = blobs;
	pthread_mutex_unlock(&blobs_lock);
	return b;
}

cg_err cg_file_upload_begin(cg_server *srv, uint64_t max, cg_file_upload *up)
{
	memset(up, 0, sizeof *up);
	up->max = max;
	cg_blobs *b = cg_server_blobs(srv);
	return b ? cg_blob_begin(b, &up->w) : CG_EIO;
}

cg_err cg_file_upload_data(cg_file_upload *up, const void *p, size_t n)
{
	if (!up->w)
		return CG_EINVAL;
	if (n > up->max - up->size)
		return CG_ETOOBIG;
	if (up->nhead < sizeof up->head) {
		size_t k = sizeof up->head - up->nhead;
		if (k > n)
			k = n;
		memcpy(up->head + up->nhead, p, k);
		up->nhead += k;
	}
	up->size += n;
	return cg_blob_write(up->w, p, n);
}

/* The kept first bytes without a UTF-8 sequence the cut left incomplete,
 * so a long text file is still told as text. */
static size_t whole_chars(const cg_file_upload *up)
{
	size_t n = up->nhead;
	if (up->size <= n)
		return n; /* the whole file */
	for (size_t back = 1; back <= 4 && back <= n; back++) {
		uint8_t c = up->head[n - back];
		if ((c & 0xc0) == 0x80)
			continue;
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
		return len > back ? n - back : n;
	}
	return n;
}

/* The child's answer: one of the types cg_inc_sniff names, nothing else
 * (a static string of this table, never the child's bytes). */
static const char *const sniff_types[] = {
    "image/png",       "image/jpeg",       "image/gif",  "application/pdf",
    "application/zip", "application/gzip", "text/plain", "application/octet-stream",
};

static int on_type(void *ctx, uint8_t type, json_t *o)
{
	const char **out = ctx;
	const char *t = cg_json_get_str(o, "type");
	if (type != CG_SBMSG_ITEM || *out || !t)
		return 0;
	for (size_t i = 0; i < sizeof sniff_types / sizeof *sniff_types; i++)
		if (strcmp(t, sniff_types[i]) == 0)
			*out = sniff_types[i];
	return 0;
}

/* cg_inc_sniff of the kept first bytes, in a sandboxed child. */
static cg_err sniff(const cg_file_upload *up, const char **type, cg_buf *why)
{
	cg_slice head = {(const char *)up->head, whole_chars(up)};
	int fd = cg_sandbox_memfd("canhgac-upload", head);
	const char *got = NULL;
	json_t *preq = json_object();
	cg_privsep_job pj = {.kind = "sniff", .request = preq, .input_fd = fd, .on_msg = on_type,
	                     .ctx = &got};
	cg_err err = fd >= 0 && preq ? cg_privsep_run(&pj, why) : CG_EIO;
	json_decref(preq);
	if (fd >= 0)
		close(fd);
	if (!err && !got) {
		err = CG_EPARSE;
		cg_buf_puts(why, "no type in its answer");
	}
	if (err == CG_EIO)
		return CG_EIO;
	if (err)
		return CG_EPARSE;
	*type = got;
	return CG_OK;
}

cg_err cg_file_upload_commit(cg_file_upload *up, char hex[CG_BLOB_HEX_LEN + 1], uint64_t *size,
                             const char **type, cg_buf *why)
{
	if (!up->w)
		return CG_EINVAL;
	if (up->size == 0) {
		cg_file_upload_abort(up);
		return CG_EINVAL;
	}
	cg_err err = sniff(up, type, why);
	if (err) {
		cg_file_upload_abort(up);
		return err;
	}
	err = cg_blob_commit(up->w, NULL, hex, size);
	up->w = NULL;
	return err;
}

void cg_file_upload_abort(cg_file_upload *up)
{
	if (up->w)
		cg_blob_abort(up->w);
	up->w = NULL;
}

bool cg_resp_blob(cg_req *req, cg_resp *resp, const char *hex, uint64_t max, const char *what)
{
	cg_blobs *b = cg_server_blobs(req->srv);
	if (!b) {
		cg_resp_error(resp, 500, "the blob store is not available", NULL);
		return false;
	}
	cg_blob_reader *r = NULL;
	uint64_t size = 0;
	cg_err err = cg_blob_open(b, hex, &r, &size);
	if (!err && size > max)
		err = CG_ETOOBIG;
	char chunk[65536];
	size_t got = 0;
	while (!err) {
		err = cg_blob_read(r, chunk, sizeof chunk, &got);
		if (err || got == 0)
			break;
		cg_buf_append(&resp->body, chunk, got);
	}
	if (r)
		cg_blob_close(r);
	if (err) {
		cg_buf_reset(&resp->body);
		cg_warn("%s: blob %s: %s", what, hex, cg_strerror(err));
		cg_resp_error(resp, err == CG_ENOTFOUND ? 404 : 500,
		              "the file is missing or altered", NULL);
		return false;
	}
	return true;
}

bool cg_resp_file(cg_req *req, cg_resp *resp, const char *hex, uint64_t max, const char *name,
                  const char *what)
{
	if (!cg_resp_blob(req, resp, hex, max, what))
		return false;
	resp->status = 200;
	/* never rendered: a generic type, an attachment, nosniff (http.c) */
	resp->content_type = "application/octet-stream";
	char safe[CG_INC_MAX_FILE_NAME];
	cg_inc_file_name(name, safe, sizeof safe);
	snprintf(resp->disposition, sizeof resp->disposition, "attachment; filename=\"%s\"", safe);
	return true;
}

void cg_resp_upload_error(cg_resp *resp, cg_err err, const cg_buf *why, const char *what)
{
	if (err == CG_ETOOBIG) {
		cg_resp_error(resp, 413, "the file is larger than allowed", NULL);
	} else if (err == CG_EINVAL) {
		cg_resp_error(resp, 400, "the file is empty", json_pack("{s:s}", "field", "body"));
	} else if (err == CG_EPARSE) {
		char msg[600];
		snprintf(msg, sizeof msg, "the file's type could not be checked: %.500s",
		         why && why->len ? cg_buf_cstr(why) : cg_strerror(err));
		cg_warn("%s: %s", what, msg);
		cg_resp_error(resp, 422, msg, NULL);
	} else {
		cg_error("%s: blob store: %s%s%s", what, cg_strerror(err), why && why->len ? ": " : "",
		         why && why->len ? cg_buf_cstr(why) : "");
		cg_resp_error(resp, 500, "the file could not be stored", NULL);
	}
}
