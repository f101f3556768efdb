/*
 * test_incident_forms.c - api/incident_forms.h: form names, the fields an
 * officer may edit (unknown, non-text, NUL and oversized refused, naming
 * the field), the clock each form stops, and the document built from a
 * case (frame, number, the case's and the edited fields, as text).
 */
#include <stdlib.h>
#include <string.h>

#include "api/incident_forms.h"
#include "core/limits.h"
#include "../test.h"

TEST(form_names)
{
	char f[CG_FORM_MAX_NAME];
	bool pdf = false;
	CHECK(cg_inc_form_parse("mau-03.pdf", f, &pdf) && strcmp(f, "mau-03") == 0 && pdf);
	CHECK(cg_inc_form_parse("mau-04.docx", f, &pdf) && strcmp(f, "mau-04") == 0 && !pdf);
	CHECK(!cg_inc_form_parse("mau-05.pdf", f, &pdf));
	CHECK(!cg_inc_form_parse("mau-03.html", f, &pdf));
	CHECK(!cg_inc_form_parse("mau-03.pdf.exe", f, &pdf));
	CHECK(!cg_inc_form_parse("mau", f, &pdf));
	CHECK(!cg_inc_form_parse(NULL, f, &pdf));
	CHECK(strcmp(cg_inc_form_stop_field("mau-03"), "reported_at") == 0);
	CHECK(strcmp(cg_inc_form_stop_field("mau-04"), "closing_reported_at") == 0);
}

TEST(fields)
{
	json_t *out = NULL;
	cg_inv_error e;
	json_t *in = json_pack("{s:s,s:s}", "reporter", "Nguyễn Văn An", "lessons", "<b>x</b>");
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_OK && json_object_size(out) == 2);
	json_decref(out);
	json_decref(in);
	in = json_pack("{s:s}", "evil", "x");
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_EINVAL && strcmp(e.field, "fields.evil") == 0);
	json_decref(in);
	in = json_pack("{s:i}", "reporter", 3);
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_EINVAL &&
	      strcmp(e.field, "fields.reporter") == 0);
	json_decref(in);
	in = json_pack("{s:s#}", "contact", "a\0b", (size_t)3);
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_EINVAL);
	json_decref(in);
	char *big = malloc(CG_INC_MAX_TEXT + 2);
	memset(big, 'a', CG_INC_MAX_TEXT + 1);
	big[CG_INC_MAX_TEXT + 1] = '\0';
	in = json_pack("{s:s}", "result", big);
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_EINVAL);
	json_decref(in);
	free(big);
	in = json_array();
	CHECK(cg_inc_form_fields(in, &out, &e) == CG_EINVAL);
	json_decref(in);
	CHECK(cg_inc_form_fields(NULL, &out, &e) == CG_OK && json_object_size(out) == 0);
	json_decref(out);
}

/* All the text of a document, frame and blocks, joined. */
static void text_of(const cg_doc *d, cg_buf *b)
{
	const char *frame[] = {d->issuer, d->number, d->place_date, d->title, d->signer_role};
	for (size_t i = 0; i < sizeof frame / sizeof *frame; i++)
		cg_buf_printf(b, "%s\n", frame[i] ? frame[i] : "");
	for (size_t i = 0; i < d->nblocks; i++) {
		const cg_doc_block *k = &d->blocks[i];
		if (k->text)
			cg_buf_printf(b, "%s\n", k->text);
		for (size_t j = 0; k->cells && j < (k->nrows + 1) * k->ncols; j++)
			cg_buf_printf(b, "%s\n", k->cells[j] ? k->cells[j] : "");
	}
}

TEST(document)
{
	json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[i]}", "number", "SC-2026-0042",
	                      "title", "Cổng bị thay giao diện", "kind", "defacement", "severity",
	                      "critical", "state", "contained", "detected_at",
	                      "2026-12-01T02:30:00Z", "description", "Nội dung lạ", "events", 7);
	json_t *ag = json_pack("{s:s}", "name", "Sở Tài chính");
	json_t *sys = json_pack("[{s:s,s:i,s:[s],s:[s]}]", "name", "Cổng STC", "level", 3,
	                        "domains", "stc.gov.vn", "ips", "10.3.0.10");
	json_t *f = json_pack("{s:s,s:s}", "result", "Đã khôi phục", "place", "Lai Châu");
	cg_doc *d = NULL;
	CHECK(cg_inc_form_build("mau-04", c, ag, sys, f, 1764900000000LL, &d) == CG_OK && d);
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	if (d)
		text_of(d, &b);
	const char *want[] = {"SC-2026-0042/BC-04",
	                      "Sở Tài chính",
	                      "Lai Châu, ngày",
	                      "Kết thúc",
	                      "Cổng STC",
	                      "stc.gov.vn",
	                      "10.3.0.10",
	                      "Đã khôi phục",
	                      "09:30 ngày 01/12/2026",
	                      "Đã ngăn chặn",
	                      "Nghiêm trọng",
	                      "Tấn công thay đổi giao diện",
	                      "(1 cảnh báo liên quan)"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(cg_buf_cstr(&b), want[i])) {
			printf("# missing %s\n", want[i]);
			CHECK(0);
		}
	cg_doc_free(d);
	CHECK(cg_inc_form_build("mau-09", c, ag, sys, f, 0, &d) == CG_EINVAL && !d);
	cg_buf_free(&b);
	json_decref(c);
	json_decref(ag);
	json_decref(sys);
	json_decref(f);
}

/* Parses text as template "t.txt"; *why gets the error. */
static cg_err parse(const char *text, cg_form_tmpl **t, cg_buf *why)
{
	static const char *const stops[] = {"reported_at", "closing_reported_at", NULL};
	return cg_form_tmpl_parse(cg_slice_cstr(text), "t.txt", cg_inc_form_sources, stops, t, why);
}

#define HEAD                                                                                         \
	"form mau-05\nlabel_vi Mẫu 05\nlabel_en Form 05\nstop reported_at\nkind_title BÁO CÁO\n" \
	"title_vi Tiêu đề\ntitle_en Title\nsymbol BC-05\nsigner_role GIÁM ĐỐC\n"

TEST(template_parse)
{
	cg_buf why;
	cg_buf_init(&why, 256);
	cg_form_tmpl *t = NULL;
	CHECK(parse(HEAD "recipient Lưu: VT\npara Căn cứ\nheading 1. Một | 1. One\n"
	                 "item number Số hiệu | Number\nsystems Hệ thống | Systems\n",
	            &t, &why) == CG_OK &&
	      t);
	if (t) {
		CHECK(strcmp(t->name, "mau-05") == 0 && strcmp(t->symbol, "BC-05") == 0);
		CHECK(strcmp(t->place, "........") == 0 && t->n_recipient == 1 && t->n_block == 4);
		CHECK(t->block[2].kind == CG_FB_ITEM && strcmp(t->block[2].source, "number") == 0 &&
		      strcmp(t->block[2].vi, "Số hiệu") == 0 &&
		      strcmp(t->block[2].en, "Number") == 0);
		CHECK(t->block[3].kind == CG_FB_SYSTEMS && t->block[0].en[0] == '\0');
	}
	cg_form_tmpl_free(t);
	/* every refusal names the file and the line */
	static const struct {
		const char *text, *why;
		cg_err err;
	} bad[] = {
	    {HEAD "item nosuch Nhãn | Label\n", "t.txt:10: item: unknown source 'nosuch'",
	     CG_EPARSE},
	    {HEAD "heading Chỉ tiếng Việt\n", "t.txt:10: heading: expected 'Vietnamese | English'",
	     CG_EPARSE},
	    {HEAD "\n\nbogus x\n", "t.txt:12: unknown keyword 'bogus'", CG_EPARSE},
	    {HEAD "symbol BC-06\n", "t.txt:10: 'symbol' given twice", CG_EPARSE},
	    {"form mau-05\nstop opened_at\n", "t.txt:2: stop: 'opened_at' is not", CG_EPARSE},
	    {"form Mau 05\n", "t.txt:1: form: 'Mau 05' is not a name", CG_EPARSE},
	    {HEAD, "t.txt:9: no heading, para, item or systems line", CG_EPARSE},
	    {"form mau-05\npara x\n", "t.txt:2: no 'stop' line", CG_EPARSE},
	    {HEAD "para a\x01b\n", "t.txt:10: a control character", CG_EPARSE},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		t = NULL;
		cg_err err = parse(bad[i].text, &t, &why);
		if (err != bad[i].err || t ||
		    strncmp(cg_buf_cstr(&why), bad[i].why, strlen(bad[i].why))) {
			printf("# case %zu: %d %s\n", i, err, cg_buf_cstr(&why));
			CHECK(0);
		}
	}
	/* named limits */
	cg_buf big;
	cg_buf_init(&big, CG_FORM_MAX_FILE);
	cg_buf_puts(&big, HEAD "para ");
	for (unsigned i = 0; i < CG_FORM_MAX_LINE; i++)
		cg_buf_puts(&big, "x");
	CHECK(parse(cg_buf_cstr(&big), &t, &why) == CG_ETOOBIG &&
	      strstr(cg_buf_cstr(&why), "t.txt:10: line longer than"));
	cg_buf_reset(&big);
	cg_buf_puts(&big, HEAD);
	for (unsigned i = 0; i <= CG_FORM_MAX_BLOCKS; i++)
		cg_buf_puts(&big, "para x\n");
	CHECK(parse(cg_buf_cstr(&big), &t, &why) == CG_ETOOBIG &&
	      strstr(cg_buf_cstr(&why), "more than 96 blocks"));
	cg_buf_free(&big);
	cg_buf_free(&why);
}

int main(void)
{
	cg_buf why;
	cg_buf_init(&why, 256);
	if (cg_inc_forms_load(NULL, &why)) {
		printf("Bail out! the shipped form templates: %s\n", cg_buf_cstr(&why));
		return 1;
	}
	cg_buf_free(&why);
	RUN(template_parse);
	RUN(form_names);
	RUN(fields);
	RUN(document);
	cg_inc_forms_unload();
	return test_done();
}
