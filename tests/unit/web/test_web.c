/* Unit tests for the web engine's parsers: JavaScript redirect decoding,
 * lexicon matching, the page model (hidden content, meta, links), charset
 * conversion, URL hosts and sites, and the digit-blind shingles. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "web/analyze.h"
#include "web/jsdecode.h"
#include "web/lexicon.h"
#include "web/page.h"

static bool js_has(const char *js, const char *url, bool nav)
{
	cg_js_result r;
	cg_js_scan(cg_slice_cstr(js), &r);
	bool found = url == NULL;
	for (int i = 0; i < r.nurls; i++)
		if (url && strcmp(r.urls[i].url, url) == 0)
			found = true;
	bool ok = found && r.navigates == nav;
	if (!ok) {
		printf("# js: nav=%d urls=%d for %s\n", r.navigates, r.nurls, js);
		for (int i = 0; i < r.nurls; i++)
			printf("#   %s (%s)\n", r.urls[i].url, r.urls[i].how);
	}
	cg_js_result_free(&r);
	return ok;
}

TEST(js_plain_and_obfuscated_redirects)
{
	CHECK(js_has("window.location.href = 'https://a.top/x';", "https://a.top/x", true));
	CHECK(js_has("location=atob('aHR0cHM6Ly9uaGFjYWkudG9wLw==')", "https://nhacai.top/", true));
	CHECK(js_has("window['\\x6c\\x6f\\x63\\x61\\x74\\x69\\x6f\\x6e']='"
	             "\\x68\\x74\\x74\\x70\\x3a//b.top/'",
	             "http://b.top/", true));
	CHECK(js_has("top.location.replace(\"\\u0068ttps://c.top/\")", "https://c.top/", true));
	CHECK(js_has("\\u006cocation.assign('https://d.top/')", "https://d.top/", true));
	CHECK(js_has(
	    "var "
	    "a=['aHR0cHM6Ly9nbzg4LnZpbi8=','bG9jYXRpb24=','href'];w[atob(a[1])][a[2]]=atob(a[0]);",
	    "https://go88.vin/", true));
	CHECK(js_has("document.location.replace('https://'+'go88'+'.vin/')", "https://go88.vin/",
	             true));
	CHECK(js_has(
	    "location.href=String.fromCharCode(104,116,116,112,115,58,47,47,101,46,116,111,112,47)",
	    "https://e.top/", true));
	CHECK(js_has("location.href='/pot.ten//:sptth'.split('').reverse().join('')",
	             "https://net.top/", true));
	CHECK(js_has("location.href = '\\150\\164\\164\\160://f.top/'", "http://f.top/", true));
}

TEST(js_reads_of_location_do_not_navigate)
{
	CHECK(js_has("if(location.hash==='#top'){scrollTo(0,0)} var u='https://g.top/api';",
	             "https://g.top/api", false));
	CHECK(js_has("var p = window.location.pathname; gtag('config','G-1');", NULL, false));
	CHECK(js_has("// location.href='https://h.top/'\nvar x=1;", NULL, false));
}

TEST(js_markup_written_by_script)
{
	cg_js_result r;
	cg_js_scan(
	    cg_slice_cstr("document.write('<script src=\"https://x.top/a.js\"></'+'script>')"), &r);
	CHECK(r.nurls == 1 && r.urls[0].in_markup);
	cg_js_result_free(&r);
}

TEST(js_hostile_input_is_bounded)
{
	char *big = malloc(3 * 1024 * 1024);
	memset(big, '"', 3 * 1024 * 1024);
	big[3 * 1024 * 1024 - 1] = '\0';
	cg_js_result r;
	cg_js_scan(cg_slice_cstr(big), &r);
	CHECK(r.nurls == 0);
	cg_js_result_free(&r);
	cg_js_scan(cg_slice_cstr("'\\x"), &r);
	cg_js_scan(cg_slice_cstr("'\\u{1234567890'"), &r);
	cg_js_scan(cg_slice_cstr("String.fromCharCode(99999999999999,0x"), &r);
	cg_js_result_free(&r);
	free(big);
}

static int count_of(cg_lex *lx, const char *text, const char *term_folded)
{
	cg_buf f;
	cg_buf_init(&f, 1 << 20);
	cg_lex_fold(cg_slice_cstr(text), &f);
	uint32_t *c = calloc(lx->n + 1, sizeof *c);
	cg_lex_count(lx, cg_buf_slice(&f), c);
	int n = -1;
	for (size_t k = 0; k < lx->n; k++)
		if (strcmp(lx->t[k].folded, term_folded) == 0)
			n = (int)c[k];
	free(c);
	cg_buf_free(&f);
	return n;
}

TEST(lexicon_ignores_case_and_diacritics_on_word_boundaries)
{
	cg_lex lx;
	cg_lex_init(&lx);
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_lex_add_text(&lx, CG_SLICE("# c\n3 nổ hũ\nnhà cái  # comment\n1 fb88\n"), "t",
	                      &why) == CG_OK);
	CHECK(lx.n == 3);
	CHECK(lx.t[0].weight == 3 && lx.t[1].weight == 2 && lx.t[2].weight == 1);
	CHECK(count_of(&lx, "Chơi NỔ HŨ, no hu và Nổ  -  hũ!", "no hu") == 3);
	/* decomposed (NFD) input */
	CHECK(count_of(&lx, "no\xcc\x82\xcc\x89 hu\xcc\x83", "no hu") == 1);
	CHECK(count_of(&lx, "nhacai nhà cáiz nhà cái.", "nha cai") == 1);
	CHECK(count_of(&lx, "Nhà Cái", "nha cai") == 1);
	CHECK(count_of(&lx, "Đăng ký FB88 ngay", "fb88") == 1);
	CHECK(cg_lex_host_hit(&lx, "www.nohu88.club") == -1); /* "nohu" is 4 letters: too short */
	CHECK(cg_lex_host_hit(&lx, "nhacai-88.top") == 1);
	CHECK(cg_lex_host_hit(&lx, "nhac-ai.top") == -1);
	CHECK(cg_lex_host_hit(&lx, "linknhacai88.top") == 1);
	cg_buf_reset(&why);
	CHECK(cg_lex_add_text(&lx, CG_SLICE("ok\n99 too heavy\n"), "f.txt", &why) == CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "f.txt:2: weight must be 1 to 10");
	cg_buf_free(&why);
	cg_lex_free(&lx);
}

static const cg_web_res *find_res(const cg_web_page *p, const char *url)
{
	for (size_t i = 0; i < p->nres; i++)
		if (strcmp(p->res[i].url, url) == 0)
			return &p->res[i];
	return NULL;
}

TEST(page_model_hidden_links)
{
	const char *html =
	    "<html><head><title> Trang  chủ </title>"
	    "<meta name=description content='Mô tả'><meta name=KEYWORDS content='a, b'>"
	    "<meta http-equiv='Refresh' content='5; URL=/moi.html'>"
	    "<style>/* x */ .a{color:red} @media screen{ div.seo , #z{ DISPLAY : none } }"
	    ".off{position:absolute;left:-5000px} .menu:hover ul{display:none}</style></head>"
	    "<body><p>Xin chào <a href='/tin/1.html'>tin 1</a></p>"
	    "<div class='x seo'><a href='https://A.top/'>a</a></div>"
	    "<div id=z><span><a href='https://b.top/'>b</a></span></div>"
	    "<div class=off><a href='https://c.top/'>c</a></div>"
	    "<p style='font-size:1px'><a href='https://d.top/'>d</a></p>"
	    "<p style='height:0;overflow:hidden'><a href='https://e.top/'>e</a></p>"
	    "<noscript><a href='https://f.top/'>f</a></noscript>"
	    "<div hidden><a href='https://g.top/'>g</a></div>"
	    "<div class=seox><a href='https://h.top/'>h</a></div>"
	    "<script src='//cdn.x.top/a.js?v=1'></script><iframe src='https://i.top/'></iframe>"
	    "<a href='javascript:location.href=\"https://j.top/\"'>j</a>"
	    "</body></html>";
	cg_web_page p;
	CHECK(cg_web_page_parse(cg_slice_cstr(html), "text/html", "http://portal.gov.vn/dir/",
	                        &p) == CG_OK);
	CHECK_STR(p.title, "Trang chủ");
	CHECK_STR(p.description, "Mô tả");
	CHECK_STR(p.keywords, "a, b");
	CHECK_STR(p.refresh_url, "http://portal.gov.vn/moi.html");
	const cg_web_res *r = find_res(&p, "http://portal.gov.vn/tin/1.html");
	CHECK(r && !r->hidden && strcmp(r->host, "portal.gov.vn") == 0 &&
	      strcmp(r->text, "tin 1") == 0);
	r = find_res(&p, "https://A.top/");
	CHECK(r && r->hidden && strcmp(r->hidden, "display:none") == 0 &&
	      strcmp(r->host, "a.top") == 0);
	r = find_res(&p, "https://b.top/");
	CHECK(r && r->hidden);
	r = find_res(&p, "https://c.top/");
	CHECK(r && r->hidden && strcmp(r->hidden, "off-screen position") == 0);
	r = find_res(&p, "https://d.top/");
	CHECK(r && r->hidden && strcmp(r->hidden, "zero or tiny font") == 0);
	r = find_res(&p, "https://e.top/");
	CHECK(r && r->hidden);
	r = find_res(&p, "https://f.top/");
	CHECK(r && r->hidden && strcmp(r->hidden, "noscript") == 0);
	r = find_res(&p, "https://g.top/");
	CHECK(r && r->hidden);
	r = find_res(&p, "https://h.top/");
	CHECK(r && !r->hidden);
	r = find_res(&p, "http://cdn.x.top/a.js?v=1");
	CHECK(r && r->kind == CG_RES_SCRIPT);
	r = find_res(&p, "https://i.top/");
	CHECK(r && r->kind == CG_RES_IFRAME);
	CHECK(strstr(cg_buf_cstr(&p.inline_js), "j.top") != NULL);
	CHECK(strstr(cg_buf_cstr(&p.text), "Xin chào tin 1") != NULL);
	CHECK(strstr(cg_buf_cstr(&p.text), "Trang") == NULL);
	cg_web_page_free(&p);
}

TEST(page_looks)
{
	cg_web_page p;
	CHECK(cg_web_page_parse(
	          CG_SLICE("<body bgcolor=#000000><marquee>x</marquee><audio autoplay src=a.mp3>"),
	          NULL, "http://x/", &p) == CG_OK);
	CHECK(p.dark_background && p.marquee && p.autoplay_media);
	cg_web_page_free(&p);
}

TEST(charset_conversion)
{
	cg_buf out;
	cg_buf_init(&out, 1 << 16);
	char cs[32];
	bool conv;
	/* "Việt" in windows-1258: V i \xEA (ê) \xF2 (combining dot below) t */
	CHECK(cg_web_to_utf8(CG_SLICE("Vi\xea\xf2t"), "text/html; charset=windows-1258", &out, cs,
	                     &conv) == CG_OK);
	CHECK(conv);
	/* glibc composes the tone mark: either form is Vietnamese "Việt" */
	CHECK(strcmp(cg_buf_cstr(&out), "Vi\xc3\xaa\xcc\xa3t") == 0 ||
	      strcmp(cg_buf_cstr(&out), "Vi\xe1\xbb\x87t") == 0);
	cg_buf_reset(&out);
	CHECK(cg_web_to_utf8(CG_SLICE("<meta charset=\"iso-8859-1\">\xe9"), NULL, &out, cs,
	                     &conv) == CG_OK);
	CHECK_STR(cs, "iso-8859-1");
	CHECK(strstr(cg_buf_cstr(&out), "\xc3\xa9") != NULL);
	cg_buf_reset(&out);
	CHECK(cg_web_to_utf8(CG_SLICE("a\xff"
	                              "b\xc3"),
	                     NULL, &out, cs, &conv) == CG_OK);
	CHECK_STR(cg_buf_cstr(&out), "a\xef\xbf\xbd"
	                             "b\xef\xbf\xbd");
	cg_buf_reset(&out);
	CHECK(cg_web_to_utf8(CG_SLICE("x"), "text/html; charset=no-such-charset", &out, cs,
	                     &conv) == CG_OK);
	CHECK_STR(cg_buf_cstr(&out), "x");
	cg_buf_free(&out);
	CHECK(cg_web_is_html(CG_SLICE("<!doctype html>"), NULL));
	CHECK(!cg_web_is_html(CG_SLICE("\x89PNG\0\0"), "text/html"));
	CHECK(!cg_web_is_html(CG_SLICE("{}"), "application/json"));
}

TEST(url_hosts_and_sites)
{
	char h[256], s[256];
	CHECK(cg_web_url_host("HTTPS://User:pw@WWW.Example.COM:8443/x?y#z", h, sizeof h));
	CHECK_STR(h, "www.example.com");
	CHECK(cg_web_url_host("http://[::1]:80/", h, sizeof h));
	CHECK_STR(h, "[::1]");
	CHECK(!cg_web_url_host("mailto:a@b.c", h, sizeof h));
	CHECK(!cg_web_url_host("ftp://x/", h, sizeof h));
	CHECK(!cg_web_url_host("http:///x", h, sizeof h));
	cg_web_site_of("sotttt.hanoi.gov.vn", s, sizeof s);
	CHECK_STR(s, "hanoi.gov.vn");
	cg_web_site_of("static.cdn.example.co.uk", s, sizeof s);
	CHECK_STR(s, "example.co.uk");
	cg_web_site_of("127.0.0.1", s, sizeof s);
	CHECK_STR(s, "127.0.0.1");
	CHECK(cg_web_is_gov_vn("hagiang.gov.vn") && cg_web_is_gov_vn("gov.vn"));
	CHECK(!cg_web_is_gov_vn("fakegov.vn") && !cg_web_is_gov_vn("gov.vn.evil.top"));
}

static void view_of(const char *html, cg_view *v, const cg_lexicons *lx)
{
	cg_web_req r;
	memset(&r, 0, sizeof r);
	r.final_url = "http://portal.gov.vn/";
	r.content_type = "text/html";
	cg_buf_init(&r.body, 1 << 20);
	cg_buf_puts(&r.body, html);
	CHECK(cg_view_build(v, CG_VIEW_BROWSER, &r, lx) == CG_OK);
	cg_buf_free(&r.body);
}

TEST(shingles_ignore_numbers_and_track_text)
{
	cg_lexicons lx;
	cg_lex_init(&lx.spam);
	cg_lex_init(&lx.deface);
	cg_view a, b, c;
	view_of("<p>Hôm nay ngày 21/11/2026 lúc 04:33, lượt truy cập 123456, mã a9f3c0 của cổng "
	        "thông tin tỉnh.</p>",
	        &a, &lx);
	view_of("<p>Hôm nay ngày 22/11/2026 lúc 17:01, lượt truy cập 123999, mã 77bb01 của cổng "
	        "thông tin tỉnh.</p>",
	        &b, &lx);
	view_of("<p>Một trang hoàn toàn khác về cửa hàng điện thoại và phụ kiện giá rẻ cho mọi "
	        "người.</p>",
	        &c, &lx);
	CHECK(a.sh.n > 5 && a.sh.n == b.sh.n && cg_u32set_common(&a.sh, &b.sh) == a.sh.n);
	CHECK(cg_u32set_common(&a.sh, &c.sh) == 0);
	cg_view_free(&a);
	cg_view_free(&b);
	cg_view_free(&c);
	cg_lex_free(&lx.spam);
	cg_lex_free(&lx.deface);
}

static bool eq_both_ways(const char *a, const char *b)
{
	bool e = cg_body_shape_equal(cg_slice_cstr(a), cg_slice_cstr(b));
	bool h = cg_body_shape_hash(cg_slice_cstr(a)) == cg_body_shape_hash(cg_slice_cstr(b));
	if (e != h)
		printf("# equal %d but hash %d: '%s' vs '%s'\n", e, h, a, b);
	return e && h;
}

TEST(shape_equal_agrees_with_the_hash)
{
	static const char *const pairs[][2] = {
	    {"Ngày 21/11/2026 04:33", "Ngày 1/1/2027 23:59"},
	    {"t=5ea3eb7ce6638d52a9ee1a90cfa6c09d;", "t=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e;"},
	    {"app.abc123.js", "app.abc124.js"},
	    {"https://cdn.a.top/", "https://cdx.a.top/"},
	    {"abc", "abcd"},
	    {"abc1", "abc"},
	    {"x 12 y", "x 12345 y"},
	    {"x12y", "x1y"},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaa1",
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaa2"},
	    {"", ""},
	    {"", "1"},
	    {"tin mới", "tin cũ"},
	    {"a1b2c3d4e5f6g7 z", "a1b2c3d4e5f6 z"},
	    {"abc1def", "abc22def"},
	    /* letter runs longer than 64 (compared as bytes) */
	    {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 1 x",
	     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 2 x"},
	    {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 1 x",
	     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 2 y"},
	    {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbc",
	     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbd"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		bool e =
		    cg_body_shape_equal(cg_slice_cstr(pairs[i][0]), cg_slice_cstr(pairs[i][1]));
		bool h = cg_body_shape_hash(cg_slice_cstr(pairs[i][0])) ==
		         cg_body_shape_hash(cg_slice_cstr(pairs[i][1]));
		CHECK(e == h);
		if (e != h)
			printf("# pair %zu: equal %d hash %d\n", i, e, h);
	}
	/* a big page differing in its tokens only */
	char *a = malloc(200000), *b = malloc(200000);
	for (int i = 0; i < 199999; i++)
		a[i] = b[i] = "Trang tin 0123 abc "[i % 19];
	a[199999] = b[199999] = '\0';
	b[5007] = '7'; /* digits of "0123" */
	b[149997] = '9';
	CHECK(eq_both_ways(a, b));
	b[100000] = 'x';
	CHECK(!cg_body_shape_equal(cg_slice_cstr(a), cg_slice_cstr(b)));
	free(a);
	free(b);
}

TEST(shape_hash_ignores_numbers_and_tokens_only)
{
#define SH(x) cg_body_shape_hash(cg_slice_cstr(x))
	CHECK(SH("Ngày 21/11/2026 04:33, lượt 1234") == SH("Ngày 1/1/2027 23:59, lượt 99"));
	CHECK(SH("t=5ea3eb7ce6638d52a9ee1a90cfa6c09d;") ==
	      SH("t=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e;"));
	CHECK(SH("app.abc123.js") == SH("app.abc124.js"));
	CHECK(SH("https://cdn.a.top/") != SH("https://cdx.a.top/"));
	CHECK(SH("<p>tin mới</p>") != SH("<p>tin cũ</p>"));
#undef SH
}

int main(void)
{
	RUN(js_plain_and_obfuscated_redirects);
	RUN(js_reads_of_location_do_not_navigate);
	RUN(js_markup_written_by_script);
	RUN(js_hostile_input_is_bounded);
	RUN(lexicon_ignores_case_and_diacritics_on_word_boundaries);
	RUN(page_model_hidden_links);
	RUN(page_looks);
	RUN(charset_conversion);
	RUN(url_hosts_and_sites);
	RUN(shingles_ignore_numbers_and_track_text);
	RUN(shape_hash_ignores_numbers_and_tokens_only);
	RUN(shape_equal_agrees_with_the_hash);
	return test_done();
}
