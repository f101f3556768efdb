/* test_doc.c - the Decree 30 document model rendered as PDF, read back
 * with poppler: the frame's words, Vietnamese text intact (precomposed,
 * as shaped), a table that spans pages with its header repeated, page
 * numbers from page 2, every font embedded and Liberation Serif. The
 * PDF is left in $LOGDIR (or /tmp) with a PNG of page 1 for a person. */
#include <archive.h>
#include <archive_entry.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/doc.h"
#include "test.h"

static PopplerDocument *doc_from(cg_buf *pdf)
{
	GBytes *bytes = g_bytes_new(pdf->ptr, pdf->len);
	PopplerDocument *p = poppler_document_new_from_bytes(bytes, NULL, NULL);
	g_bytes_unref(bytes);
	return p;
}

static char *all_text(PopplerDocument *p)
{
	GString *s = g_string_new("");
	for (int i = 0; i < poppler_document_get_n_pages(p); i++) {
		PopplerPage *pg = poppler_document_get_page(p, i);
		char *t = poppler_page_get_text(pg);
		g_string_append(s, t);
		g_free(t);
		g_object_unref(pg);
	}
	return g_string_free(s, FALSE);
}

static char *page_text(PopplerDocument *p, int i)
{
	PopplerPage *pg = poppler_document_get_page(p, i);
	char *t = pg ? poppler_page_get_text(pg) : NULL;
	if (pg)
		g_object_unref(pg);
	return t;
}

static cg_doc *sample(size_t rows)
{
	cg_doc *d = cg_doc_new();
	cg_doc_set(&d->parent, "UBND TỈNH LAI CHÂU");
	cg_doc_set(&d->issuer, "SỞ KHOA HỌC VÀ CÔNG NGHỆ");
	cg_doc_set(&d->number, "Số: 12/BC-SKHCN");
	cg_doc_set(&d->place_date, "Lai Châu, ngày 01 tháng 12 năm 2026");
	cg_doc_set(&d->kind_title, "BÁO CÁO");
	cg_doc_set(&d->title, "Tình hình an toàn thông tin mạng tháng 11/2026");
	cg_doc_set(&d->signer_role, "GIÁM ĐỐC");
	cg_doc_set(&d->signer_name, "Nguyễn Văn An");
	cg_doc_recipient(d, "UBND tỉnh (b/c)");
	cg_doc_recipient(d, "Lưu: VT, CNTT");
	cg_doc_heading(d, 1, "I. TÌNH HÌNH CHUNG");
	cg_doc_para(
	    d, "Trong tháng, hệ thống giám sát ghi nhận các sự kiện mất an toàn thông tin "
	       "trên cổng thông tin điện tử của các cơ quan, đơn vị; tiếng Việt có dấu: ặ ễ ữ ỵ.");
	const char *hdr[] = {"STT", "Cơ quan", "Số sự kiện"};
	cg_doc_table(d, "Bảng 1. Sự kiện theo cơ quan", 3, hdr);
	for (size_t i = 0; i < rows; i++) {
		char a[24], b[64], c[24];
		snprintf(a, sizeof a, "%zu", i + 1);
		snprintf(b, sizeof b, "Ủy ban nhân dân xã %zu", i + 1);
		snprintf(c, sizeof c, "%zu", (i * 7) % 50);
		const char *row[] = {a, b, c};
		cg_doc_row(d, row);
	}
	const char *cats[] = {"Tuần 1", "Tuần 2", "Tuần 3", "Tuần 4"};
	const char *series[] = {"Thấp", "Trung bình", "Cao"};
	double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2};
	cg_doc_chart_add(d, CG_CHART_STACKED, "Sự kiện theo tuần và mức độ", "sự kiện", 4, cats, 3,
	                 series, v);
	return d;
}

TEST(frame_and_text)
{
	cg_doc *d = sample(5);
	cg_buf pdf;
	cg_buf_init(&pdf, 64u << 20);
	CHECK(cg_doc_render_pdf(d, &pdf, NULL) == CG_OK);
	CHECK(pdf.len > 1000 && memcmp(pdf.ptr, "%PDF-", 5) == 0);
	PopplerDocument *p = doc_from(&pdf);
	CHECK(p != NULL);
	if (p) {
		char *t = all_text(p);
		CHECK(t && strstr(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
		CHECK(t && strstr(t, "Độc lập - Tự do - Hạnh phúc"));
		CHECK(t && strstr(t, "SỞ KHOA HỌC"));
		CHECK(t && strstr(t, "Số: 12/BC-SKHCN"));
		CHECK(t && strstr(t, "ặ ễ ữ ỵ"));
		CHECK(t && strstr(t, "Ủy ban nhân dân xã 5"));
		CHECK(t && strstr(t, "Nơi nhận:"));
		CHECK(t && strstr(t, "Nguyễn Văn An"));
		g_free(t);
		/* every font embedded, and Liberation Serif among them */
		PopplerFontInfo *fi = poppler_font_info_new(p);
		PopplerFontsIter *it = NULL;
		int n = 0, embedded = 0, liberation = 0;
		while (poppler_font_info_scan(fi, 10, &it)) {
			do {
				n++;
				embedded += poppler_fonts_iter_is_embedded(it);
				const char *name = poppler_fonts_iter_get_name(it);
				liberation += name && strstr(name, "LiberationSerif") != NULL;
			} while (poppler_fonts_iter_next(it));
			poppler_fonts_iter_free(it);
			it = NULL;
		}
		poppler_font_info_free(fi);
		CHECK(n > 0 && embedded == n && liberation > 0);
		g_object_unref(p);
	}
	const char *dir = getenv("LOGDIR") ? getenv("LOGDIR") : "/tmp";
	char path[512];
	snprintf(path, sizeof path, "%s/doc-sample.pdf", dir);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(pdf.ptr, 1, pdf.len, f);
		fclose(f);
	}
	cg_buf_free(&pdf);
	cg_doc_free(d);
}

TEST(long_table_spans_pages)
{
	cg_doc *d = sample(120);
	cg_buf pdf;
	cg_buf_init(&pdf, 64u << 20);
	CHECK(cg_doc_render_pdf(d, &pdf, NULL) == CG_OK);
	PopplerDocument *p = doc_from(&pdf);
	CHECK(p && poppler_document_get_n_pages(p) >= 3);
	if (p) {
		char *t = page_text(p, 1);
		/* page 2: its number on top, the table's header again */
		CHECK(t && strncmp(t, "2", 1) == 0);
		CHECK(t && strstr(t, "Số sự kiện"));
		g_free(t);
		int last = poppler_document_get_n_pages(p) - 1;
		t = page_text(p, last);
		CHECK(t && strstr(t, "GIÁM ĐỐC"));
		g_free(t);
		g_object_unref(p);
	}
	cg_buf_free(&pdf);
	cg_doc_free(d);
}

TEST(bounds)
{
	cg_doc *d = cg_doc_new();
	const char *h[1] = {"x"};
	CHECK(cg_doc_row(d, h) == CG_EINVAL); /* no table yet */
	CHECK(cg_doc_table(d, "", 0, h) == CG_EINVAL);
	char big[600];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	CHECK(cg_doc_recipient(d, big) == CG_ETOOBIG);
	double v = 1;
	CHECK(cg_doc_chart_add(d, CG_CHART_BARS, "t", "", 0, h, 1, h, &v) == CG_EINVAL);
	cg_buf pdf;
	cg_buf_init(&pdf, 100); /* too small for any PDF */
	CHECK(cg_doc_render_pdf(d, &pdf, NULL) == CG_ETOOBIG);
	cg_buf_free(&pdf);
	cg_doc_free(d);
}

/* The named member of a zip file, NUL-terminated, or NULL. */
static char *zip_member(const char *path, const char *name)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_zip(a);
	char *out = NULL;
	if (archive_read_open_filename(a, path, 65536) == ARCHIVE_OK) {
		struct archive_entry *e;
		while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
			if (strcmp(archive_entry_pathname(e), name) != 0)
				continue;
			size_t n = (size_t)archive_entry_size(e);
			out = calloc(1, n + 1);
			if (out && archive_read_data(a, out, n) != (la_ssize_t)n) {
				free(out);
				out = NULL;
			}
			break;
		}
	}
	archive_read_free(a);
	return out;
}

TEST(xlsx_sheets_numbers_charts)
{
	cg_doc *d = sample(5);
	const char *dir = getenv("LOGDIR") ? getenv("LOGDIR") : "/tmp";
	char path[512];
	snprintf(path, sizeof path, "%s/doc-sample.xlsx", dir);
	CHECK(cg_doc_render_xlsx(d, path, NULL) == CG_OK);
	char *wb = zip_member(path, "xl/workbook.xml");
	CHECK(wb && strstr(wb, "name=\"Báo cáo\"") && strstr(wb, "name=\"Bảng 1\"") &&
	      strstr(wb, "name=\"Biểu đồ 1\""));
	free(wb);
	/* the table's counts are numbers, not text: 28 for the fifth row */
	char *sh = zip_member(path, "xl/worksheets/sheet2.xml");
	CHECK(sh && strstr(sh, "<v>28</v>") && strstr(sh, "<pane ") && strstr(sh, "frozen"));
	free(sh);
	char *ss = zip_member(path, "xl/sharedStrings.xml");
	CHECK(ss && strstr(ss, "Ủy ban nhân dân xã 5") && strstr(ss, "CÔNG NGHỆ"));
	free(ss);
	char *ch = zip_member(path, "xl/charts/chart1.xml");
	CHECK(ch && strstr(ch, "<c:barChart>") && strstr(ch, "stacked") &&
	      strstr(ch, "'Biểu đồ 1'!$B$3:$B$6"));
	free(ch);
	CHECK(cg_doc_render_xlsx(d, "/nonexistent-dir/x.xlsx", NULL) == CG_EIO);
	cg_doc_free(d);
}

TEST(docx_parts)
{
	cg_doc *d = sample(30);
	cg_doc_para(d, "Văn bản có ký tự <lạ> & \"ngoặc\" \x01 và byte hỏng \xC3(.");
	cg_buf out;
	cg_buf_init(&out, 64u << 20);
	CHECK(cg_doc_render_docx(d, &out, NULL) == CG_OK);
	const char *dir = getenv("LOGDIR") ? getenv("LOGDIR") : "/tmp";
	char path[512];
	snprintf(path, sizeof path, "%s/doc-sample.docx", dir);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(out.ptr, 1, out.len, f);
		fclose(f);
	}
	char *doc = zip_member(path, "word/document.xml");
	CHECK(doc && strstr(doc, "Độc lập - Tự do - Hạnh phúc") && strstr(doc, "<w:tblHeader/>"));
	CHECK(doc && strstr(doc, "&lt;lạ&gt; &amp; &quot;ngoặc&quot;") && !strchr(doc, '\x01'));
	CHECK(doc && strstr(doc, "r:embed=\"rIdChart1\""));
	free(doc);
	char *png = zip_member(path, "word/media/chart1.png");
	CHECK(png && memcmp(png, "\x89PNG", 4) == 0);
	free(png);
	char *ct = zip_member(path, "[Content_Types].xml");
	CHECK(ct && strstr(ct, "wordprocessingml.document.main+xml"));
	free(ct);
	/* LibreOffice opens it without repair and converts it */
	char cmd[2048], pdf[600];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && rm -rf lo-out && mkdir -p lo-home && HOME=\"$PWD/lo-home\" "
	         "timeout 180 soffice --headless --convert-to pdf --outdir lo-out doc-sample.docx "
	         ">lo-docx.log 2>&1",
	         dir);
	CHECK(system(cmd) == 0);
	snprintf(pdf, sizeof pdf, "%s/lo-out/doc-sample.pdf", dir);
	f = fopen(pdf, "rb");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	cg_buf_free(&out);
	cg_doc_free(d);
}

/* The contents of a document whose second heading is pushed to a later
 * page by a long table: page 1 lists both headings with their pages, the
 * outline has both, pointing at those pages. */
TEST(contents_and_outline)
{
	cg_doc *d = sample(120);
	d->toc = 1;
	cg_doc_heading(d, 2, "1. Chi tiết");
	cg_doc_heading(d, 1, "II. KẾT LUẬN");
	cg_doc_para(d, "Kết luận.");
	cg_buf pdf;
	cg_buf_init(&pdf, 64u << 20);
	CHECK(cg_doc_render_pdf(d, &pdf, NULL) == CG_OK);
	int pages[3] = {0};
	CHECK(cg_doc_heading_pages(d, pages, 3) == CG_OK);
	CHECK(pages[0] == 1 && pages[2] >= 3 && pages[1] == pages[2]);
	PopplerDocument *p = doc_from(&pdf);
	CHECK(p != NULL);
	if (p) {
		char *t = page_text(p, 0), want[64];
		CHECK(t && strstr(t, "MỤC LỤC"));
		/* poppler gives the titles' column, then the numbers' */
		snprintf(want, sizeof want, "\n1\n%d\n%d\n", pages[1], pages[2]);
		CHECK(t && strstr(t, "I. TÌNH HÌNH CHUNG\n1. Chi tiết\nII. KẾT LUẬN\n"));
		CHECK(t && strstr(t, want));
		g_free(t);
		t = page_text(p, pages[2] - 1);
		CHECK(t && strstr(t, "II. KẾT LUẬN"));
		g_free(t);
		PopplerIndexIter *it = poppler_index_iter_new(p);
		int top = 0, child = 0, ok = 0;
		const int want_pages[] = {pages[0], pages[2]};
		for (; it; top++) {
			PopplerAction *a = poppler_index_iter_get_action(it);
			if (a && a->type == POPPLER_ACTION_GOTO_DEST && a->goto_dest.dest &&
			    top < 2 && a->goto_dest.dest->page_num == want_pages[top])
				ok++;
			PopplerIndexIter *c = poppler_index_iter_get_child(it);
			for (; c; child++) {
				if (!poppler_index_iter_next(c)) {
					poppler_index_iter_free(c);
					c = NULL;
				}
			}
			poppler_action_free(a);
			if (!poppler_index_iter_next(it)) {
				poppler_index_iter_free(it);
				it = NULL;
			}
		}
		CHECK(top == 2 && child == 1 && ok == 2);
		g_object_unref(p);
	}
	cg_buf_free(&pdf);
	cg_doc_free(d);
}

int main(void)
{
	RUN(frame_and_text);
	RUN(long_table_spans_pages);
	RUN(bounds);
	RUN(xlsx_sheets_numbers_charts);
	RUN(docx_parts);
	RUN(contents_and_outline);
	/* fontconfig, pango and cairo keep process-wide caches: let them go
	 * so the leak checker sees only what the renderers leak */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
	return test_done();
}
