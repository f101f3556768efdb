/* libFuzzer target: the web page analyser - charset conversion, libxml2
 * page model, hidden-content rules, JavaScript decoding, lexicon matching
 * and the detectors with their evidence encoding, on one hostile page. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "web/web.h"

static cg_lexicons lx;
static bool ready;

static void sink_emit(const cg_event *ev, void *ctx)
{
	(void)ctx;
	cg_buf b;
	cg_buf_init(&b, CG_MAX_EVENT_JSON);
	cg_event_encode(ev, &b);
	cg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		cg_lex_init(&lx.spam);
		cg_lex_init(&lx.deface);
		cg_lex_add_text(&lx.spam, CG_SLICE("3 nổ hũ\n3 nhà cái\n2 tài xỉu\n3 fb88\n"), "f",
		                NULL);
		cg_lex_add_text(&lx.deface, CG_SLICE("3 hacked by\n2 greetz\n"), "f", NULL);
		ready = true;
	}
	/* the fast comparison must agree with the hash it stands for */
	if (size > 1) {
		cg_slice a = {(const char *)data + 1, (size - 1) / 2};
		cg_slice b = {(const char *)data + 1 + a.len, size - 1 - a.len};
		if (cg_body_shape_equal(a, b) != (cg_body_shape_hash(a) == cg_body_shape_hash(b)))
			abort();
	}
	static const char *const types[] = {NULL, "text/html", "text/html; charset=windows-1258",
	                                    "text/html; charset=utf-16le", "application/xhtml+xml"};
	const char *ct = size ? types[data[0] % 5] : NULL;
	cg_web_req r;
	memset(&r, 0, sizeof r);
	r.url = "http://portal.gov.vn/a/";
	r.final_url = "http://portal.gov.vn/a/";
	r.content_type = (char *)ct;
	r.status = 200;
	cg_buf_init(&r.body, CG_MAX_WEB_PAGE);
	cg_buf_append(&r.body, data, size);
	cg_view v;
	if (cg_view_build(&v, CG_VIEW_BROWSER, &r, &lx) == CG_OK) {
		cg_baseline b;
		memset(&b, 0, sizeof b);
		b.spam = json_object();
		b.spam_meta = json_object();
		b.deface = json_object();
		b.text_len = 1000;
		b.n_elements = 100;
		b.n_links = 20;
		cg_web_opts o;
		cg_web_opts_default(&o);
		o.lex = &lx;
		cg_web_req reqs[2] = {r, r};
		cg_view views[2] = {v, v};
		views[1].kind = CG_VIEW_GOOGLEBOT;
		cg_web_subject s = {r.url, reqs, views, 2, &b};
		cg_web_sink sink = {sink_emit, NULL, NULL, NULL, NULL};
		cg_web_detect(&s, &o, &sink);
		json_decref(b.spam);
		json_decref(b.spam_meta);
		json_decref(b.deface);
	}
	cg_view_free(&v);
	cg_buf_free(&r.body);
	return 0;
}
