/* libFuzzer target: the e-mail/MIME parser, with visitors that push the
 * text parts through the sink. */
#include <stddef.h>
#include <stdint.h>

#include "secrets/extract.h"

static cg_sec_sink s;

static bool text(void *ctx, const char *loc, cg_slice t, bool html, cg_sec_enc enc)
{
	(void)ctx;
	cg_sec_sink_loc(&s, loc);
	if (html)
		return cg_sec_xml_text(&s, t, true);
	cg_sec_textdec d;
	cg_sec_textdec_init(&d, enc);
	return cg_sec_textdec_feed(&d, &s, (const unsigned char *)t.ptr, t.len) ||
	       cg_sec_textdec_end(&d, &s);
}

static bool att(void *ctx, const char *name, cg_slice data)
{
	(void)ctx;
	(void)name;
	(void)data;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		cg_sec_sink_init(&s);
		init = 1;
	}
	cg_sec_sink_reset(&s);
	cg_sec_eml_visitor v = { NULL, text, att };
	cg_sec_eml_parse(cg_slice_from((const char *)data, size), &v);
	return 0;
}
