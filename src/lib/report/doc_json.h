/*
 * doc_json.h - the document model (doc.h) as JSON: how the server hands a
 * document to its sandboxed renderer (server/privsep.h, kind "render"),
 * which lays out officers' and the store's text with pango, cairo and
 * fontconfig out of the server's process.
 *
 *   {"parent","issuer","number","place_date","kind_title","title",
 *    "signer_role","signer_name","signed_by": text (absent: empty),
 *    "recipients": [text], "english": bool, "toc": bool,
 *    "blocks": [{"k":"h","level":1|2,"text"} | {"k":"p","text"} |
 *               {"k":"t","text": caption,"cols": N,"cells": [text...]}
 *               (the header row then each row, N cells each) |
 *               {"k":"c","kind":"bars"|"stacked"|"line","title","unit",
 *                "cats":[text],"series":[text],"values":[number],
 *                "ymax": number} | {"k":"br"}]}
 *
 * The reader (cg_doc_from_json) is a parser of text a subverted server
 * never writes but a test or a fuzzer may: it takes a {ptr,len} slice of
 * at most CG_RENDER_MAX_MODEL bytes, builds the document through doc.h's
 * builders (which bound blocks, rows, columns and recipients) and refuses
 * anything else with one line in *why.
 *
 * Ownership: cg_doc_to_json returns a new reference; cg_doc_from_json
 * gives the caller a document to free with cg_doc_free.
 */
#ifndef CG_REPORT_DOC_JSON_H
#define CG_REPORT_DOC_JSON_H

#include <jansson.h>

#include "core/buf.h"
#include "report/doc.h"

/* NULL when out of memory. */
json_t *cg_doc_to_json(const cg_doc *d);

/* CG_ETOOBIG (over CG_RENDER_MAX_MODEL or a doc.h bound), CG_EPARSE (not
 * JSON, or not a model), CG_ENOMEM; *why (may be NULL) says which. */
cg_err cg_doc_from_json(cg_slice text, cg_doc **out, cg_buf *why);

#endif
