/*
 * blob_files.h - files the team uploads and downloads through the API
 * (incident evidence, issued incident reports, compliance evidence from
 * outside assessors), kept in the server's blob store (store/blob.h,
 * DATA_DIR/blobs): one opener, one upload path and one download path for
 * every handler, so each kind of file is checked the same way.
 *
 *  - Upload (cg_file_upload): the bytes are written to the blob store as
 *    they arrive (streamed routes, server.h cg_stream, or a buffered
 *    body), bounded by the caller's limit, and their type is told from
 *    their first bytes (api/incident_files.h cg_inc_sniff), never from
 *    the name or the type the uploader claims. Telling the type is
 *    parsing attacker-chosen bytes, so it runs in a sandboxed child
 *    (server/privsep.h, "sniff"), like every parser of uploaded content.
 *  - Download (cg_resp_blob, cg_resp_file): the blob read back whole into
 *    the response (its hash checked at the end) and sent as an attachment
 *    of a generic type with nosniff (http.c), never rendered inline.
 *
 * Thread safety: the blob store is opened once (on first use) and shared;
 * an upload is used by one request.
 */
#ifndef CG_SERVER_BLOB_FILES_H
#define CG_SERVER_BLOB_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"
#include "store/blob.h"

/* Bytes kept for telling the type. */
#define CG_FILE_SNIFF_BYTES 4096

/* The server's blob store (NULL when it cannot be opened: logged). */
cg_blobs *cg_server_blobs(cg_server *srv);

typedef struct cg_file_upload {
	cg_blob_writer *w;
	uint64_t size, max;
	uint8_t head[CG_FILE_SNIFF_BYTES];
	size_t nhead;
} cg_file_upload;

/* Starts an upload of at most max bytes. CG_EIO: no blob store. */
cg_err cg_file_upload_begin(cg_server *srv, uint64_t max, cg_file_upload *up);
/* CG_ETOOBIG past max (then only abort is left), CG_EIO on a write error. */
cg_err cg_file_upload_data(cg_file_upload *up, const void *p, size_t n);
/* Completes it: hex the SHA-256, *size, *type the sniffed type (a
 * static string). An empty upload is CG_EINVAL and stores nothing; a type
 * check that failed in its child (crashed, ran out of time, answered
 * nonsense) is CG_EPARSE with why saying how, and stores nothing. */
cg_err cg_file_upload_commit(cg_file_upload *up, char hex[CG_BLOB_HEX_LEN + 1], uint64_t *size,
                             const char **type, cg_buf *why);
/* The error answer for a failed upload: 413 too big, 400 empty, 422 a
 * failed type check (naming why), 500 otherwise. what names the handler
 * in the log. */
void cg_resp_upload_error(cg_resp *resp, cg_err err, const cg_buf *why, const char *what);
/* Drops a started upload (no-op when none). */
void cg_file_upload_abort(cg_file_upload *up);

/* The blob into resp's body (at most max bytes); false after an error
 * answer (404 missing, 500 altered or unreadable). what names the
 * handler in the log. */
bool cg_resp_blob(cg_req *req, cg_resp *resp, const char *hex, uint64_t max, const char *what);
/* cg_resp_blob, then 200 application/octet-stream, attachment named
 * name (a name of cg_inc_file_name: no quoting needed). */
bool cg_resp_file(cg_req *req, cg_resp *resp, const char *hex, uint64_t max, const char *name,
                  const char *what);

#endif
