/*
 * blob_chain.h - several blobs of the blob store read as one stream, in
 * order: a DNS upload is kept as one blob per PUT (server/dns_upload.c),
 * and its analysis reads them back as the one file the provider sent.
 *
 * The chain is given as its row keeps it, [[sha256, size], ...]. Each
 * blob is read through cg_blob_read, so its hash is checked at its end,
 * and its size is checked against the list: a blob missing, altered on
 * disk or of another size ends the stream early and makes the verdict an
 * error. A consumer must therefore treat the end of the stream as
 * provisional until cg_blob_chain_finish says it was whole.
 *
 * The bytes come out of a pipe, written by a thread of the chain: any
 * reader of a file descriptor (the DNS log reader through /dev/fd/N, or
 * a sandboxed child given the descriptor as its standard input) takes
 * them without knowing about blobs, and nothing is held whole in memory.
 *
 * Ownership: cg_blob_chain_pipe gives the read end to the caller, who
 * closes it; cg_blob_chain_finish joins the thread and frees the chain.
 */
#ifndef CG_STORE_BLOB_CHAIN_H
#define CG_STORE_BLOB_CHAIN_H

#include <jansson.h>

#include "store/blob.h"

typedef struct cg_blob_chain cg_blob_chain;

/* Starts writing the chain's bytes into a pipe; *fd its read end. b must
 * outlive the chain. CG_EINVAL for a malformed list (nothing started). */
cg_err cg_blob_chain_pipe(cg_blobs *b, const json_t *chunks, int *fd, cg_blob_chain **out);

/* Waits for the writer (close or read *fd to its end first: a reader
 * that stops early closes it, which ends the writer) and frees the
 * chain. CG_OK when every blob was written whole and matched its hash
 * and size; CG_ENOTFOUND a blob missing, CG_ECRYPTO a blob altered or of
 * another size, CG_EIO a read error or the reader gone before the end.
 * *which (optional) the index of the blob at fault. */
cg_err cg_blob_chain_finish(cg_blob_chain *c, size_t *which);

#endif
