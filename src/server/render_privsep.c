/*
 * render_privsep.c - see render_privsep.h. The server side encodes the
 * model, runs the child and collects its DATA frames under
 * CG_RENDER_MAX_OUTPUT; the child side loads the fonts by laying out a
 * sample, confines itself, then reads, rebuilds and renders the model.
 */
#include "render_privsep.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "privsep.h"
#include "report/doc_json.h"
#include "version.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"

/* ---- the server side ---------------------------------------------------- */

typedef struct got {
	cg_buf *out;
	size_t start; /* out->len before the run */
	bool over;
	bool bad_size;
} got;

static int on_data(void *ctx, cg_slice bytes)
{
	got *g = ctx;
	if (g->out->len - g->start + bytes.len > CG_RENDER_MAX_OUTPUT ||
	    cg_buf_append(g->out, bytes.ptr, bytes.len)) {
		g->over = true;
		return 1;
	}
	return 0;
}

static int on_msg(void *ctx, uint8_t type, json_t *o)
{
	got *g = ctx;
	if (type == CG_SBMSG_DONE &&
	    json_integer_value(json_object_get(o, "size")) != (json_int_t)(g->out->len - g->start))
		g->bad_size = true;
	return 0;
}

cg_err cg_render_sandboxed(const cg_doc *d, bool pdf, bool long_job, cg_buf *out, cg_buf *why)
{
#if CG_TEST_HOOKS
	/* bench/render.py's anchor: the same binary rendering in its own
	 * process, as the server did before (a test build only) */
	const char *inproc = getenv("CANHGAC_TEST_PARSER_RENDER_IN_PROCESS");
	if (inproc && strcmp(inproc, "1") == 0)
		return pdf ? cg_doc_render_pdf(d, out, why) : cg_doc_render_docx(d, out, why);
#endif
	json_t *model = cg_doc_to_json(d);
	cg_buf enc;
	cg_buf_init(&enc, CG_RENDER_MAX_MODEL);
	cg_err err = model ? cg_json_encode(&enc, model) : CG_ENOMEM;
	json_decref(model);
	if (err) {
		cg_buf_free(&enc);
		cg_buf_puts(why, err == CG_ETOOBIG
		                     ? "the document is larger than the renderer takes"
		                     : "the document could not be handed to the renderer");
		return err;
	}
	int fd = cg_sandbox_memfd("canhgac-document", cg_buf_slice(&enc));
	cg_buf_free(&enc);
	bool charts = false;
	for (size_t i = 0; i < d->nblocks && !charts; i++)
		charts = d->blocks[i].kind == CG_BLK_CHART;
	json_t *req = json_pack("{s:s,s:b,s:b,s:b}", "format", pdf ? "pdf" : "docx", "long",
	                        long_job, "charts", charts, "toc", d->toc != 0);
	got g = {.out = out, .start = out->len};
	cg_privsep_job pj = {.kind = "render",
	                     .request = req,
	                     .input_fd = fd,
	                     .long_job = long_job,
	                     .on_msg = on_msg,
	                     .on_data = on_data,
	                     .ctx = &g};
	err = fd >= 0 && req ? cg_privsep_run(&pj, why) : CG_EIO;
	json_decref(req);
	if (fd >= 0)
		close(fd);
	if (!err && g.over) {
		cg_buf_printf(why, "the rendered file is larger than allowed (%u MiB)",
		              CG_RENDER_MAX_OUTPUT >> 20);
		err = CG_ETOOBIG;
	} else if (!err && (g.bad_size || out->len == g.start)) {
		cg_buf_puts(why, "the renderer's file is incomplete");
		err = CG_EPARSE;
	}
	if (err)
		out->len = g.start;
	return err;
}

cg_err cg_render_sandboxed_req(const cg_doc *d, bool pdf, cg_buf *out, cg_buf *why)
{
	return cg_render_sandboxed(d, pdf, false, out, why);
}

cg_err cg_render_sandboxed_job(const cg_doc *d, bool pdf, cg_buf *out, cg_buf *why)
{
	return cg_render_sandboxed(d, pdf, true, out, why);
}

/* ---- the child ------------------------------------------------------------ */

/* A sample of everything the renderers lay out: each block kind (and so
 * each style and size pdf.c and the chart pictures use), the frame, the
 * contents, Vietnamese with every tone mark, and the punctuation and
 * symbols the reports print. Not other scripts: their fallback faces
 * would take cairo past the faces it keeps open (cairo-ft closes the
 * least used beyond ten and reopens it from its file when next drawn,
 * which the confined child cannot: the document then fails). The charts
 * and the contents only when the document has them (the request says):
 * a DOCX without charts draws nothing and loads no font. */
static cg_doc *font_sample(bool charts, bool toc)
{
	static const char text[] =
	    "Tiếng Việt: ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ýỳỷỹỵ ĐđƯưƠơ — “ ” ‘ ’ … • → ≥ ≤ "
	    "± × ÷ ° % § № © 0123456789 ABCXYZ abcxyz English.";
	static const char *const cells[] = {"STT", text, "1"};
	static const char *const cats[] = {"T1", "T2"};
	static const char *const series[] = {"A", "B"};
	static const double values[] = {1, 2, 3, 4};
	cg_doc *d = cg_doc_new();
	if (!d)
		return NULL;
	char **frame[] = {&d->parent,      &d->issuer,      &d->number,
	                  &d->place_date,  &d->kind_title,  &d->title,
	                  &d->signer_role, &d->signer_name, &d->signed_by};
	cg_err err = CG_OK;
	for (size_t i = 0; !err && i < sizeof frame / sizeof *frame; i++)
		err = cg_doc_set(frame[i], text);
	d->toc = toc;
	if (!err)
		err = cg_doc_recipient(d, text);
	if (!err)
		err = cg_doc_heading(d, 1, text);
	if (!err)
		err = cg_doc_heading(d, 2, text);
	if (!err)
		err = cg_doc_para(d, text);
	if (!err)
		err = cg_doc_table(d, text, 3, cells);
	if (!err)
		err = cg_doc_row(d, cells);
	for (int k = CG_CHART_BARS; charts && !err && k <= CG_CHART_LINE; k++)
		err = cg_doc_chart_add(d, (cg_chart_kind)k, text, text, 2, cats, 2, series, values);
	if (err) {
		cg_doc_free(d);
		return NULL;
	}
	return d;
}

/* Loads the fonts: lays out the sample as the format will be (a PDF; a
 * DOCX draws only its charts, as PNG). */
static cg_err load_fonts(bool pdf, bool charts, bool toc)
{
	if (!pdf && !charts)
		return CG_OK;
	cg_doc *d = font_sample(charts, toc);
	cg_buf out, why;
	cg_buf_init(&out, CG_RENDER_MAX_OUTPUT);
	cg_buf_init(&why, 512);
	cg_err err = !d    ? CG_ENOMEM
	             : pdf ? cg_doc_render_pdf(d, &out, &why)
	                   : cg_doc_render_docx(d, &out, &why);
	cg_doc_free(d);
	cg_buf_free(&out);
	cg_buf_free(&why);
	return err;
}

static void send_error(const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ERROR, o);
	json_decref(o);
}

#if CG_TEST_HOOKS
/* The test inputs (privsep.h), anywhere in the document's text: the
 * officer's fields are what a test can put in a document. */
static void test_hooks(cg_slice model)
{
	const char *on = getenv("CANHGAC_TEST_PARSER_HOOKS");
	if (!on || strcmp(on, "1") != 0)
		return;
	if (memmem(model.ptr, model.len, CG_PRIVSEP_TEST_CRASH, strlen(CG_PRIVSEP_TEST_CRASH)))
		abort();
	if (memmem(model.ptr, model.len, CG_PRIVSEP_TEST_LOOP, strlen(CG_PRIVSEP_TEST_LOOP)))
		for (volatile unsigned long i = 0;; i++)
			;
}
#endif

int cg_render_child(const json_t *req)
{
	const char *fmt = cg_json_get_str(req, "format");
	bool pdf = fmt && strcmp(fmt, "pdf") == 0,
	     longj = json_is_true(json_object_get(req, "long"));
	if (!pdf && !(fmt && strcmp(fmt, "docx") == 0)) {
		send_error("the renderer was asked for an unknown format");
		return 0;
	}
	if (load_fonts(pdf, json_is_true(json_object_get(req, "charts")),
	               json_is_true(json_object_get(req, "toc")))) {
		send_error("the renderer's fonts could not be loaded");
		return 0;
	}
	cg_sandbox_limits lim = {.max_memory =
	                             longj ? CG_PRIVSEP_DNS_MEMORY : CG_PRIVSEP_REQ_MEMORY,
	                         .cpu_seconds = longj ? CG_PRIVSEP_DNS_CPU_S : CG_PRIVSEP_REQ_CPU_S,
	                         .no_caps = true,
	                         .no_files = true};
	if (cg_sandbox_confine(&lim))
		return 3;
	cg_buf in, out, why;
	cg_buf_init(&in, CG_RENDER_MAX_MODEL);
	cg_buf_init(&out, CG_RENDER_MAX_OUTPUT);
	cg_buf_init(&why, 1024);
	cg_doc *d = NULL;
	cg_err err = CG_OK;
	char chunk[65536];
	for (ssize_t n; !err && (n = read(CG_SANDBOX_FD_INPUT, chunk, sizeof chunk)) != 0;)
		err = n < 0 ? CG_EIO : cg_buf_append(&in, chunk, (size_t)n);
#if CG_TEST_HOOKS
	if (!err)
		test_hooks(cg_buf_slice(&in));
#endif
	if (err)
		cg_buf_puts(&why, "the document model could not be read");
	if (!err)
		err = cg_doc_from_json(cg_buf_slice(&in), &d, &why);
	if (!err)
		err = pdf ? cg_doc_render_pdf(d, &out, &why) : cg_doc_render_docx(d, &out, &why);
	for (size_t off = 0; !err && off < out.len; off += CG_RENDER_CHUNK) {
		size_t n = out.len - off < CG_RENDER_CHUNK ? out.len - off : CG_RENDER_CHUNK;
		if (cg_sbmsg_send(CG_SANDBOX_FD_REPLY, CG_SBMSG_DATA,
		                  cg_slice_from(out.ptr + off, n)))
			err = CG_EIO; /* the server stopped listening */
	}
	if (err) {
		send_error(why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	} else {
		json_t *o = json_pack("{s:I}", "size", (json_int_t)out.len);
		cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_DONE, o);
		json_decref(o);
	}
	cg_doc_free(d);
	cg_buf_free(&in);
	cg_buf_free(&out);
	cg_buf_free(&why);
	return 0;
}
