/*
 * ingest.h - the body of POST /api/v1/events, before the store sees it.
 *
 *  - cg_gunzip: bounded gzip decompression. The output buffer's maximum
 *    (CG_MAX_REQUEST_BODY) bounds the expanded size, so a gzip bomb costs
 *    at most that much memory and fails with CG_ETOOBIG.
 *  - cg_ingest_split: the body is either one JSON array of events or JSON
 *    lines (one event per line). A malformed line refuses that event only
 *    (with the reason); a malformed array refuses the whole body, since
 *    nothing in it can be trusted to line up. At most CG_MAX_BATCH_EVENTS.
 *
 * Ownership: cg_ingest_batch owns its values and messages;
 * cg_ingest_batch_free releases them.
 */
#ifndef CG_INGEST_H
#define CG_INGEST_H

#include <jansson.h>

#include "core/buf.h"

typedef struct cg_ingest_item {
	json_t *value; /* NULL when this line did not parse */
	char *error;   /* why, when value is NULL */
} cg_ingest_item;

typedef struct cg_ingest_batch {
	cg_ingest_item *items;
	size_t n;
} cg_ingest_batch;

/* Appends the decompressed bytes of a gzip (or zlib) stream to out. */
cg_err cg_gunzip(cg_slice in, cg_buf *out, cg_buf *why);
/* On failure *why names the problem ("line 1, column 5: ..."). */
cg_err cg_ingest_split(cg_slice body, cg_ingest_batch *out, cg_buf *why);
void cg_ingest_batch_free(cg_ingest_batch *b);

#endif
