/*
 * blob.h - the blob store: uploaded files and evidence, content-addressed
 * by SHA-256, size-limited, streamed in and out.
 *
 * Blobs live in a directory (docs/storage.md, "Blobs"): DIR/sha256/ab/
 * <64 hex digits>, written under DIR/tmp/ and moved in place with link(2)
 * once complete, so a reader never sees a partial blob and two servers
 * (or threads) storing the same content at once both succeed with one
 * file. A directory shared by every server (NFS, a cluster filesystem)
 * serves several servers; the database keeps only the hashes.
 *
 *  - Writing streams: cg_blob_begin, cg_blob_write as the bytes arrive
 *    (hashed on the way, never held whole in memory), cg_blob_commit.
 *    Past the store's size limit the write fails (CG_ETOOBIG) and the
 *    partial file is removed. A caller that was told the hash (an agent
 *    uploading evidence) passes it to commit: a mismatch is refused.
 *  - Reading streams too and checks the hash at the end: a blob altered
 *    on disk fails (CG_ECRYPTO) at its last read, so a caller relaying it
 *    must treat the end of the stream as the verdict.
 *  - A hash is exactly 64 lowercase hex digits; anything else is
 *    CG_EINVAL before any path is built.
 *
 *  - Removing: blobs are shared by content (two uploads of the same
 *    bytes, an attachment equal to a log), so one is removed only when no
 *    row names it; cg_blob_remove asks the caller twice, before and after
 *    moving the file aside, and puts it back when a row named it in
 *    between. A writer that names a blob in a row checks it is still
 *    there afterwards (cg_blob_stat) and undoes its row when it is not:
 *    between them no row is left naming a removed blob.
 *
 * Thread safety: a cg_blobs is shared; each writer or reader is used by
 * one thread at a time.
 */
#ifndef CG_STORE_BLOB_H
#define CG_STORE_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define CG_BLOB_HEX_LEN 64

typedef struct cg_blobs cg_blobs;
typedef struct cg_blob_writer cg_blob_writer;
typedef struct cg_blob_reader cg_blob_reader;

/* Opens (making it if needed) the blob directory; max_bytes 0 =
 * CG_BLOB_MAX_BYTES. */
cg_err cg_blobs_open(const char *dir, uint64_t max_bytes, cg_blobs **out, cg_buf *why);
void cg_blobs_close(cg_blobs *b);
uint64_t cg_blobs_max_bytes(const cg_blobs *b);

/* True for 64 lowercase hex digits. */
bool cg_blob_hash_ok(const char *hex);

cg_err cg_blob_begin(cg_blobs *b, cg_blob_writer **out);
/* CG_ETOOBIG past the limit (the writer is then only good for abort). */
cg_err cg_blob_write(cg_blob_writer *w, const void *p, size_t n);
/* Completes the blob: hex gets its hash (65 bytes with the NUL), *size
 * its length. expect (NULL: none) must equal the hash, else CG_ECRYPTO
 * and nothing is stored. The writer is freed in every case. */
cg_err cg_blob_commit(cg_blob_writer *w, const char *expect, char hex[CG_BLOB_HEX_LEN + 1],
                      uint64_t *size);
/* Drops a writer and its partial file. NULL: no-op. */
void cg_blob_abort(cg_blob_writer *w);
/* A whole buffer as one blob: begin, write, commit (hex and *size as
 * cg_blob_commit), or nothing stored. */
cg_err cg_blob_put(cg_blobs *b, const void *p, size_t n, char hex[CG_BLOB_HEX_LEN + 1],
                   uint64_t *size);

/* CG_ENOTFOUND when absent; *size its length. */
cg_err cg_blob_stat(cg_blobs *b, const char *hex, uint64_t *size);
cg_err cg_blob_open(cg_blobs *b, const char *hex, cg_blob_reader **out, uint64_t *size);
/* Up to cap bytes into p; *got 0 at the end. The read that reaches the
 * end checks the hash: CG_ECRYPTO when the content is not the blob. */
cg_err cg_blob_read(cg_blob_reader *r, void *p, size_t cap, size_t *got);
void cg_blob_close(cg_blob_reader *r);

/* Whether a row names the blob (store.h cg_store_blob_used); an error
 * counts as named. */
typedef bool (*cg_blob_used_fn)(void *ctx, const char *hex);
/* Removes blob hex unless used() says a row names it, asked before and
 * after the file is moved aside (see above). CG_OK when it is removed or
 * kept, CG_ENOTFOUND when absent. *removed (optional): whether it went. */
cg_err cg_blob_remove(cg_blobs *b, const char *hex, cg_blob_used_fn used, void *ctx, bool *removed);

#endif
