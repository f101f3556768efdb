/*
 * intel_privsep.c - the sandboxed intelligence readers (intel_privsep.h):
 * the server's side hands one document to a `canhgac __parser intel`
 * child and turns its checked answer (share/intel_wire.h) into what the
 * in-process reader would have given; the child's side reads its input
 * and answers.
 */
#include "intel_privsep.h"

#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "privsep.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"
#include "share/intel_wire.h"

/* ---- the server side ------------------------------------------------ */

static int on_msg(void *ctx, uint8_t type, json_t *payload)
{
	return cg_intel_wire_take(ctx, type, payload);
}

/* Runs one child on text; on CG_OK, w holds its checked answer. *why is
 * reset and gets one line, as the in-process readers' (the pull prefixes
 * the URL). */
static cg_err run_doc(cg_intel_doc doc, cg_slice text, int64_t now_ms, int64_t after_s, size_t have,
                      cg_intel_wire *w, cg_buf *why)
{
	cg_intel_wire_init(w, doc, after_s, have);
	cg_buf_reset(why);
	if (text.len > CG_INTEL_MAX_INPUT) {
		cg_buf_printf(why, "larger than %u bytes", CG_INTEL_MAX_INPUT);
		return CG_ETOOBIG;
	}
	int fd = cg_sandbox_memfd("intel", text);
	json_t *req = json_pack("{s:s,s:I,s:I}", "format", cg_intel_doc_name(doc), "now_ms",
	                        (json_int_t)now_ms, "after_s", (json_int_t)after_s);
	if (fd < 0 || !req || !w->items) {
		if (fd >= 0)
			close(fd);
		json_decref(req);
		cg_buf_puts(why, "cannot hand the document to the intel reader");
		return fd < 0 ? CG_EIO : CG_ENOMEM;
	}
	cg_privsep_job j = {
	    .kind = "intel",
	    .request = req,
	    .input_fd = fd,
	    .long_job = true,
	    .max_memory = CG_PRIVSEP_INTEL_MEMORY,
	    .cpu_seconds = CG_PRIVSEP_INTEL_CPU_S,
	    .deadline_ms = CG_PRIVSEP_INTEL_DEADLINE_MS,
	    .on_msg = on_msg,
	    .ctx = w,
	};
	cg_buf r;
	cg_buf_init(&r, 1024);
	cg_err err = cg_privsep_run(&j, &r);
	close(fd);
	json_decref(req);
	if (!err && w->toobig) {
		cg_buf_printf(why, "more than %d indicators", CG_INTEL_MAX_INDICATORS);
		err = CG_ETOOBIG;
	} else if (!err && w->bad[0]) {
		cg_buf_printf(why, "the intel reader sent a malformed answer (%s)", w->bad);
		err = CG_EINTERNAL;
	} else if (!err && !w->done) {
		cg_buf_puts(why, "the intel reader ended without an answer");
		err = CG_EINTERNAL;
	} else if (err == CG_EPARSE && w->error) {
		/* the reader's own refusal: its line, its code */
		cg_buf_append(why, r.ptr, r.len);
		err = w->code;
	} else if (err) {
		/* killed (a signal, a limit), past its deadline, a malformed
		 * frame, not started: the sandbox's line names which */
		cg_buf_printf(why, "the intel reader failed: %s", cg_buf_cstr(&r));
		if (err == CG_EPARSE)
			err = CG_EINTERNAL;
	}
	cg_buf_free(&r);
	return err;
}

/* The checked items appended to *items (made when NULL). */
static cg_err hand_over(cg_intel_wire *w, json_t **items)
{
	if (!*items && !(*items = json_array()))
		return CG_ENOMEM;
	return json_array_extend(*items, w->items) ? CG_ENOMEM : CG_OK;
}

static void add_stats(cg_intel_stats *st, const cg_intel_stats *s)
{
	st->objects += s->objects;
	st->indicators += s->indicators;
	st->taken += s->taken;
	st->skipped += s->skipped;
	st->expired += s->expired;
}

static cg_err sandboxed_stix(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                             cg_intel_page *page, cg_buf *why)
{
	if (page)
		*page = (cg_intel_page){0};
	cg_intel_wire w;
	cg_err err = run_doc(CG_INTEL_DOC_STIX, text, now_ms, 0, json_array_size(*items), &w, why);
	if (!err)
		err = hand_over(&w, items);
	if (!err) {
		add_stats(st, &w.st);
		if (page)
			*page = w.page;
	}
	cg_intel_wire_free(&w);
	return err;
}

static cg_err sandboxed_misp(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
                             cg_buf *why)
{
	cg_intel_wire w;
	cg_err err = run_doc(CG_INTEL_DOC_MISP, text, now_ms, 0, json_array_size(*items), &w, why);
	if (!err)
		err = hand_over(&w, items);
	if (!err)
		add_stats(st, &w.st);
	cg_intel_wire_free(&w);
	return err;
}

static cg_err sandboxed_manifest(cg_slice text, int64_t after_s, cg_mispfeed_event **out, size_t *n,
                                 size_t *skipped, cg_buf *why)
{
	*out = NULL;
	*n = 0;
	*skipped = 0;
	cg_intel_wire w;
	cg_err err = run_doc(CG_INTEL_DOC_MANIFEST, text, 0, after_s, 0, &w, why);
	if (!err) {
		*skipped = w.skipped;
		if (w.nev) {
			*out = w.ev; /* handed over */
			*n = w.nev;
			w.ev = NULL;
		}
	}
	cg_intel_wire_free(&w);
	return err;
}

const cg_intel_readers cg_intel_sandboxed = {
    .stix = sandboxed_stix,
    .misp = sandboxed_misp,
    .manifest = sandboxed_manifest,
};

/* ---- the child ------------------------------------------------------ */

int cg_intel_child(const json_t *req)
{
	cg_intel_doc doc;
	const json_t *now = json_object_get(req, "now_ms"),
	             *after = json_object_get(req, "after_s");
	if (cg_intel_doc_parse(cg_json_get_str(req, "format"), &doc) || !json_is_integer(now) ||
	    !json_is_integer(after))
		return 2;
	/* the whole document: the readers take a {ptr,len} slice */
	cg_buf in;
	cg_buf_init(&in, CG_INTEL_MAX_INPUT);
	char chunk[65536];
	cg_err err = CG_OK;
	for (;;) {
		ssize_t k = read(CG_SANDBOX_FD_INPUT, chunk, sizeof chunk);
		if (k <= 0) {
			err = k < 0 ? CG_EIO : CG_OK;
			break;
		}
		if ((err = cg_buf_append(&in, chunk, (size_t)k)))
			break;
	}
	if (err) {
		const char *msg = err == CG_ETOOBIG ? "the document is too large"
		                                    : "the document could not be read";
		json_t *o = json_pack("{s:s,s:s}", "error", msg, "code",
		                      err == CG_ETOOBIG ? "toobig" : "parse");
		cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ERROR, o);
		json_decref(o);
		cg_buf_free(&in);
		return 0;
	}
	err = cg_intel_wire_answer(CG_SANDBOX_FD_REPLY, doc, cg_buf_slice(&in),
	                           json_integer_value(now), json_integer_value(after));
	cg_buf_free(&in);
	return err ? 3 : 0;
}
