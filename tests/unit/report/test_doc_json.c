/*
 * test_doc_json.c - the document model as JSON (report/doc_json.h), the
 * form the server hands its sandboxed renderer: every field comes back
 * as it went, and models that are not documents are refused with a line
 * that says why.
 */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "report/doc_json.h"
#include "test.h"

static cg_doc *sample(void)
{
	static const char *const head[] = {"STT", "Tên"};
	static const char *const row[] = {"1", "Cổng thông tin <b>"};
	static const char *const cats[] = {"T10", "T11"};
	static const char *const series[] = {"Cảnh báo", "Sự cố"};
	static const double values[] = {1, 2.5, 3, 4};
	cg_doc *d = cg_doc_new();
	cg_doc_set(&d->issuer, "SỞ KHOA HỌC VÀ CÔNG NGHỆ");
	cg_doc_set(&d->title, "Báo cáo tháng 11/2026");
	cg_doc_set(&d->signed_by, "CN=Giám đốc");
	cg_doc_recipient(d, "Như trên;");
	cg_doc_heading(d, 2, "I. Tình hình");
	cg_doc_para(d, "Đoạn văn \"có\" dấu.");
	cg_doc_table(d, "Bảng 1", 2, head);
	cg_doc_row(d, row);
	cg_doc_chart_add(d, CG_CHART_STACKED, "Biểu đồ", "%", 2, cats, 2, series, values);
	d->blocks[d->nblocks - 1].chart->ymax = 10;
	cg_doc_pagebreak(d);
	d->english = 1;
	d->toc = 1;
	return d;
}

static cg_err encode(const cg_doc *d, cg_buf *out)
{
	json_t *j = cg_doc_to_json(d);
	cg_err err = j ? cg_json_encode(out, j) : CG_ENOMEM;
	json_decref(j);
	return err;
}

TEST(round_trip)
{
	cg_doc *d = sample(), *back = NULL;
	cg_buf a, b, why;
	cg_buf_init(&a, 1u << 20);
	cg_buf_init(&b, 1u << 20);
	cg_buf_init(&why, 512);
	CHECK(encode(d, &a) == CG_OK);
	CHECK(cg_doc_from_json(cg_buf_slice(&a), &back, &why) == CG_OK);
	CHECK(back && encode(back, &b) == CG_OK);
	CHECK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	if (back) {
		CHECK_STR(back->issuer, "SỞ KHOA HỌC VÀ CÔNG NGHỆ");
		CHECK(back->parent == NULL); /* absent stays absent */
		CHECK(back->nrecipients == 1 && back->english && back->toc);
		CHECK(back->nblocks == 5 && back->blocks[0].level == 2);
		CHECK(back->blocks[2].kind == CG_BLK_TABLE && back->blocks[2].nrows == 1 &&
		      strcmp(back->blocks[2].cells[3], "Cổng thông tin <b>") == 0);
		const cg_doc_chart *c = back->blocks[3].chart;
		CHECK(c && c->kind == CG_CHART_STACKED && c->ncats == 2 && c->nseries == 2 &&
		      c->values[1] == 2.5 && c->ymax == 10);
		CHECK(back->blocks[4].kind == CG_BLK_PAGEBREAK);
	}
	cg_doc_free(d);
	cg_doc_free(back);
	cg_buf_free(&a);
	cg_buf_free(&b);
	cg_buf_free(&why);
}

static cg_err read_model(const char *text, char *why_out, size_t n)
{
	cg_doc *d = NULL;
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_err err = cg_doc_from_json(cg_slice_cstr(text), &d, &why);
	snprintf(why_out, n, "%s", cg_buf_cstr(&why));
	cg_buf_free(&why);
	CHECK(err == CG_OK || d == NULL);
	cg_doc_free(d);
	return err;
}

TEST(refusals)
{
	char why[512];
	CHECK(read_model("[]", why, sizeof why) == CG_EPARSE && strstr(why, "not a JSON object"));
	CHECK(read_model("{\"blocks\":{}}", why, sizeof why) == CG_EPARSE &&
	      strstr(why, "blocks is not a list"));
	CHECK(read_model("{\"title\":1,\"blocks\":[]}", why, sizeof why) == CG_EPARSE &&
	      strstr(why, "title is not text"));
	CHECK(read_model("{\"blocks\":[{\"k\":\"x\"}]}", why, sizeof why) == CG_EPARSE &&
	      strstr(why, "block 0"));
	CHECK(read_model("{\"blocks\":[{\"k\":\"p\"},{\"k\":\"t\",\"cols\":2,\"cells\":[\"a\"]}]}",
	                 why, sizeof why) == CG_EPARSE);
	CHECK(read_model("{\"blocks\":[{\"k\":\"p\",\"text\":\"x\"},{\"k\":\"t\",\"cols\":2,"
	                 "\"cells\":[\"a\",\"b\",\"c\"]}]}",
	                 why, sizeof why) == CG_EPARSE &&
	      strstr(why, "block 1"));
	CHECK(read_model("{\"blocks\":[{\"k\":\"c\",\"kind\":\"pie\",\"cats\":[\"a\"],"
	                 "\"series\":[\"s\"],\"values\":[1]}]}",
	                 why, sizeof why) == CG_EPARSE);
	CHECK(read_model("{\"blocks\":[{\"k\":\"c\",\"kind\":\"bars\",\"cats\":[\"a\"],"
	                 "\"series\":[\"s\"],\"values\":[1,2]}]}",
	                 why, sizeof why) == CG_EPARSE);
	CHECK(read_model("{\"blocks\":[{\"k\":\"c\",\"kind\":\"bars\",\"cats\":[\"a\"],"
	                 "\"series\":[\"s\"],\"values\":[\"1\"]}]}",
	                 why, sizeof why) == CG_EPARSE);
	/* the builders' bounds hold: too many recipients */
	cg_buf m;
	cg_buf_init(&m, 1u << 20);
	cg_buf_puts(&m, "{\"recipients\":[");
	for (unsigned i = 0; i <= CG_DOC_MAX_RECIPIENTS; i++)
		cg_buf_puts(&m, i ? ",\"r\"" : "\"r\"");
	cg_buf_puts(&m, "],\"blocks\":[]}");
	CHECK(read_model(cg_buf_cstr(&m), why, sizeof why) == CG_ETOOBIG);
	cg_buf_free(&m);
	/* and the model's own size, before a byte is parsed */
	cg_doc *d = NULL;
	static const char big[1] = "{";
	CHECK(cg_doc_from_json((cg_slice){big, CG_RENDER_MAX_MODEL + 1u}, &d, NULL) == CG_ETOOBIG &&
	      d == NULL);
}

int main(void)
{
	RUN(round_trip);
	RUN(refusals);
	return test_done();
}
