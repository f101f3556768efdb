/*
 * render_privsep.h - documents rendered out of the server's process
 * (privsep.h, kind "render"): the PDF and DOCX of the regulated incident
 * reports (Mẫu 03/04, from officers' text) and of the periodic reports
 * are laid out by pango, cairo and fontconfig in a sandboxed child, so a
 * flaw in a shaper or a font rasteriser reached through user text costs
 * that child, never the server (its database connection, TLS key and
 * sessions).
 *
 * The server sends the document model (report/doc_json.h) as the child's
 * input (a sealed memfd, at most CG_RENDER_MAX_MODEL bytes) and the
 * format as the request; the child sends the file back in raw DATA frames
 * of CG_RENDER_CHUNK bytes, then DONE {"size"}; the server refuses more
 * than CG_RENDER_MAX_OUTPUT bytes or a DONE whose size is not what came.
 *
 * Fonts: fontconfig and pango open font files lazily, on the first
 * layout that needs a face, and the child's seccomp filter (no_files)
 * refuses every open once confined. The child therefore renders a sample
 * document with every block kind and every style the renderers use
 * (headings, body, tables, chart labels, the Decree 30 frame, bold and
 * italic, Vietnamese and the symbols the reports print) before it
 * confines itself: the font map, the faces and their files are then held
 * open, and the real document needs no further open. A glyph that none of
 * the loaded faces has would make pango look for a fallback face, whose
 * file cannot be opened any more: the glyph is left out (in the server's
 * own process a fallback face drew it), never a failure. Only the faces
 * of the sample are loaded: cairo keeps ten font files open and reopens
 * one it closed, which the confined child cannot (render_privsep.c).
 * Allowing read-only opens instead was refused: a seccomp filter sees
 * flags, not paths, so it would let a subverted child read the server's
 * configuration and keys, and hand them back inside the rendered file.
 */
#ifndef CG_SERVER_RENDER_PRIVSEP_H
#define CG_SERVER_RENDER_PRIVSEP_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "report/doc.h"

/* Renders d as PDF (pdf) or DOCX into out (appended) in a sandboxed
 * child. long_job: the job runner's limits (a periodic report), else an
 * HTTP request's. CG_OK, or the run's error (privsep.h: CG_ETIMEOUT,
 * CG_ELIMIT for a crash or a limit, CG_EPARSE, CG_ETOOBIG for an output
 * over CG_RENDER_MAX_OUTPUT, ...) with one line in *why. */
cg_err cg_render_sandboxed(const cg_doc *d, bool pdf, bool long_job, cg_buf *out, cg_buf *why);

/* The same in the shape report/make.h's render hook takes: with an HTTP
 * request's limits (a report made on demand) or the job runner's (the
 * scheduled reports). */
cg_err cg_render_sandboxed_req(const cg_doc *d, bool pdf, cg_buf *out, cg_buf *why);
cg_err cg_render_sandboxed_job(const cg_doc *d, bool pdf, cg_buf *out, cg_buf *why);

/* The child's side (privsep.c dispatches "render" here): req is
 * {"format": "pdf"|"docx", "long": bool, "charts": bool, "toc": bool}
 * (whether the document has charts, contents: which fonts to load).
 * Returns the exit status. */
int cg_render_child(const json_t *req);

#endif
