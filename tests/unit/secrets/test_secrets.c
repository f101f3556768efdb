/*
 * test_secrets.c - unit tests of the secrets engine: the marking rule
 * (every positive and negative case of the issue), the legacy Vietnamese
 * decoders and their detection, the XML/HTML, RTF, e-mail and Excel
 * header extractors, in-memory scanning and the cg_event form.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "core/event.h"
#include "core/json.h"
#include "secrets/extract.h"
#include "secrets/secrets.h"

static cg_sec_marker M;

static cg_sec_level lv(const char *s)
{
	return cg_sec_marking(&M, cg_slice_cstr(s));
}

TEST(marking_stamps)
{
	CHECK(lv("MẬT") == CG_SEC_MAT);
	CHECK(lv("mật") == CG_SEC_MAT);
	CHECK(lv("Mật") == CG_SEC_MAT);
	CHECK(lv("TỐI MẬT") == CG_SEC_TOI_MAT);
	CHECK(lv("TUYỆT MẬT") == CG_SEC_TUYET_MAT);
	CHECK(lv("tuyệt mật") == CG_SEC_TUYET_MAT);
	/* NFD: base letters followed by combining marks */
	CHECK(lv("MA\xcc\xa3\xcc\x82T") == CG_SEC_MAT);
	CHECK(lv("TO\xcc\x82\xcc\x81I MA\xcc\xa3\xcc\x82T") == CG_SEC_TOI_MAT);
	/* stray spaces, even between a letter and its mark */
	CHECK(lv("T ỐI  M ẬT") == CG_SEC_TOI_MAT);
	CHECK(lv("M A \xcc\xa3\xcc\x82 T") == CG_SEC_MAT);
	CHECK(lv("TUY\xc2\xa0ỆT\tMẬT") == CG_SEC_TUYET_MAT);
	/* punctuation, quotes, brackets around */
	CHECK(lv("\"MẬT\"") == CG_SEC_MAT);
	CHECK(lv("(TỐI MẬT)") == CG_SEC_TOI_MAT);
	CHECK(lv("«TUYỆT MẬT»") == CG_SEC_TUYET_MAT);
	CHECK(lv("*** MẬT ***") == CG_SEC_MAT);
	CHECK(lv("[ Mật ].") == CG_SEC_MAT);
	/* the field */
	CHECK(lv("Độ mật: Mật") == CG_SEC_MAT);
	CHECK(lv("ĐỘ MẬT: TỐI MẬT") == CG_SEC_TOI_MAT);
	CHECK(lv("Mức độ mật - Tuyệt mật") == CG_SEC_TUYET_MAT);
	/* the field last on a form line of several fields */
	CHECK(lv("Độ khẩn: Hỏa tốc     Độ mật: Tối mật") == CG_SEC_TOI_MAT);
	CHECK(lv("Độ khẩn: Thượng khẩn; Độ mật: Mật.") == CG_SEC_MAT);
}

TEST(marking_prose)
{
	CHECK(lv("mật khẩu") == CG_SEC_NONE);
	CHECK(lv("bảo mật") == CG_SEC_NONE);
	CHECK(lv("mật mã") == CG_SEC_NONE);
	CHECK(lv("mật độ") == CG_SEC_NONE);
	CHECK(lv("mật ong") == CG_SEC_NONE);
	CHECK(lv("MẬT ONG BẠC HÀ") == CG_SEC_NONE);
	CHECK(lv("Tuyệt mật, Tối mật và Mật") == CG_SEC_NONE);
	CHECK(lv("Luật quy định ba mức: Tuyệt mật, Tối mật và Mật.") == CG_SEC_NONE);
	CHECK(lv("mặt") == CG_SEC_NONE); /* a different word: diacritics count */
	CHECK(lv("mat") == CG_SEC_NONE);
	CHECK(lv("MAT") == CG_SEC_NONE);
	CHECK(lv("tối mặt") == CG_SEC_NONE);
	CHECK(lv("Độ mật") == CG_SEC_NONE);
	CHECK(lv("Độ mật: thường") == CG_SEC_NONE);
	CHECK(lv("Quy định độ mật: Mật, Tối mật, Tuyệt mật") == CG_SEC_NONE);
	CHECK(lv("Độ khẩn: Hỏa tốc  Độ mật Tối mật") == CG_SEC_NONE); /* no colon */
	CHECK(lv("Độ mật: Tối mật và các quy định") == CG_SEC_NONE);
	CHECK(lv("TỐI-MẬT") == CG_SEC_NONE);
	CHECK(lv("bí mật") == CG_SEC_NONE);
	CHECK(lv("") == CG_SEC_NONE);
	CHECK(lv("\xff\xfeM\xe1\xba") == CG_SEC_NONE);
	char big[CG_SEC_MAX_UNIT + 8];
	memset(big, ' ', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "MẬT", strlen("MẬT"));
	CHECK(lv(big) == CG_SEC_NONE); /* over the unit limit */
}

TEST(level_names)
{
	CHECK_STR(cg_sec_level_name(CG_SEC_TOI_MAT), "TỐI MẬT");
	CHECK_STR(cg_sec_level_id(CG_SEC_TUYET_MAT), "tuyet-mat");
	CHECK_STR(cg_sec_level_name(CG_SEC_NONE), "");
}

static cg_buf DEC;

static const char *dec(cg_sec_enc e, const char *bytes)
{
	cg_buf_reset(&DEC);
	cg_sec_decode_all(e, (const unsigned char *)bytes, strlen(bytes), &DEC);
	return cg_buf_cstr(&DEC);
}

TEST(legacy_decoders)
{
	CHECK_STR(dec(CG_ENC_TCVN3, "m\xcbt"), "mật");
	CHECK_STR(dec(CG_ENC_TCVN3, "t\xe8i"), "tối");
	CHECK_STR(dec(CG_ENC_TCVN3, "\xa7\xe9 m\xcbt"), "Độ mật");
	/* VNI marks come out as combining characters (NFC composes them) */
	CHECK(lv(dec(CG_ENC_VNI, "MA\xc4T")) == CG_SEC_MAT);
	CHECK(lv(dec(CG_ENC_VNI, "TOA\xd9I MA\xc4T")) == CG_SEC_NONE); /* wrong mark */
	CHECK(lv(dec(CG_ENC_VNI, "TO\xc1I MA\xc4T")) == CG_SEC_TOI_MAT);
	CHECK(lv(dec(CG_ENC_VNI, "tuye\xe4t ma\xe4t")) == CG_SEC_TUYET_MAT);
	CHECK(lv(dec(CG_ENC_VNI, "\xd1o\xe4 ma\xe4t: Ma\xe4t")) == CG_SEC_MAT);
	CHECK_STR(dec(CG_ENC_CP1258, "\xf0i"), "đi");
}

TEST(detect_encoding)
{
	const char *tcvn = "C\xa7ng v\xaen s\xe8 12 v\xd8 vi\xd6" "c h\xe6i ngh\xd6 m\xcbt";
	const char *vni = "Coa\xe2ng va\xean soa\xe1 12 ve\xe0 vie\xe4" "c ho\xe4i ngh\xf2";
	const char *utf = "Công văn số 12";
	CHECK(cg_sec_detect_8bit((const unsigned char *)tcvn, strlen(tcvn)) == CG_ENC_TCVN3);
	CHECK(cg_sec_detect_8bit((const unsigned char *)vni, strlen(vni)) == CG_ENC_VNI);
	CHECK(cg_sec_detect_8bit((const unsigned char *)utf, strlen(utf)) == CG_ENC_UTF8);
	/* a UTF-8 sequence cut by the end of the sample is still UTF-8 */
	CHECK(cg_sec_detect_8bit((const unsigned char *)utf, strlen(utf) - 1) == CG_ENC_UTF8);
}

static cg_sec_sink S;

static cg_sec_level xml(const char *x, bool html)
{
	cg_sec_sink_reset(&S);
	cg_sec_xml_text(&S, cg_slice_cstr(x), html);
	return S.level;
}

TEST(xml_text)
{
	CHECK(xml("<w:p><w:r><w:t>TỐI </w:t></w:r><w:r><w:t>M</w:t></w:r><w:r><w:t>ẬT</w:t></w:r></w:p>", false) == CG_SEC_TOI_MAT);
	CHECK(xml("<w:p><w:r><w:t>M&#7852;T</w:t></w:r></w:p>", false) == CG_SEC_MAT);
	CHECK(xml("<w:p><w:t>mật</w:t></w:p><w:p><w:t>khẩu</w:t></w:p>", false) == CG_SEC_MAT);
	CHECK(xml("<w:p><w:t>mật</w:t><w:t>khẩu</w:t></w:p>", false) == CG_SEC_NONE);
	CHECK(xml("<w:p><w:instrText>MẬT</w:instrText><w:t>x</w:t></w:p>", false) == CG_SEC_NONE);
	CHECK(xml("<!-- <p>MẬT</p> --><p>ok</p>", false) == CG_SEC_NONE);
	CHECK(xml("<p><![CDATA[TUYỆT MẬT]]></p>", false) == CG_SEC_TUYET_MAT);
	CHECK(xml("<p a='>'>MẬT</p>", false) == CG_SEC_MAT);
	CHECK(xml("<body><p>đổi <b>mật</b> khẩu</p><script>x='MẬT'</script></body>", true) == CG_SEC_NONE);
	CHECK(xml("<div><center><b>TỐI&nbsp;MẬT</b></center></div>", true) == CG_SEC_TOI_MAT);
	CHECK(xml("<w:p><w:txbxContent><w:p><w:t>MẬT</w:t></w:p></w:txbxContent></w:p>", false) == CG_SEC_MAT);
	CHECK_STR(S.found_loc, "text_box");
	CHECK(xml("<oddHeader>&amp;L&amp;D&amp;C&amp;\"Times,Bold\"&amp;14TỐI MẬT&amp;R&amp;P</oddHeader>", false) == CG_SEC_TOI_MAT);
	CHECK_STR(S.found_loc, "header");
	/* the text-box-only pass sees boxes and nothing else */
	cg_sec_sink_reset(&S);
	CHECK(!cg_sec_xml_text_boxes(&S, cg_slice_cstr("<w:p><w:t>MẬT</w:t></w:p>")));
	CHECK(cg_sec_xml_text_boxes(&S, cg_slice_cstr("<w:p>x</w:p><v:textbox><w:txbxContent><w:p><w:t>TỐI MẬT</w:t></w:p></w:txbxContent></v:textbox>")));
	CHECK(S.level == CG_SEC_TOI_MAT);
	CHECK(xml("<p>MẬT", false) == CG_SEC_MAT);      /* truncated */
	CHECK(xml("<p>M<", false) == CG_SEC_NONE);
	CHECK(xml("<w:p><w:t>m\xc3\x8bt</w:t></w:p>", false) == CG_SEC_MAT); /* .VnTime */
	CHECK_STR(S.found_enc, "tcvn3");
	/* Windows-1258 bytes read as Latin-1: "M\xc2\xf2T" is M, Â, dot below, T */
	CHECK(xml("<p>M\xc3\x82\xc3\xb2T</p>", true) == CG_SEC_MAT);
	CHECK_STR(S.found_enc, "windows-1258");
}

static cg_sec_level rtf(const char *r)
{
	cg_sec_sink_reset(&S);
	cg_sec_rtf_text(&S, cg_slice_cstr(r));
	return S.level;
}

TEST(rtf_text)
{
	CHECK(rtf("{\\rtf1{\\header \\pard M\\u7852?T\\par}body}") == CG_SEC_MAT);
	CHECK_STR(S.found_loc, "header");
	CHECK(rtf("{\\rtf1\\uc2 \\pard T\\u7888??I M\\u7852??T\\par}") == CG_SEC_TOI_MAT);
	CHECK(rtf("{\\rtf1\\ansi\\ansicpg1258 \\pard M\\'c2\\'f2T\\par}") == CG_SEC_MAT);
	CHECK(rtf("{\\rtf1{\\fonttbl{\\f0 MẬT;}}{\\*\\unknown MẬT}{\\pict MẬT}\\pard x\\par}") == CG_SEC_NONE);
	CHECK(rtf("{\\rtf1 \\pard m\\u7853?t kh\\u7849?u\\par}") == CG_SEC_NONE);
	CHECK(rtf("{\\rtf1 \\pard m\\'cbt\\par}") == CG_SEC_MAT); /* .VnTime bytes */
	CHECK(rtf("{\\rtf1 {\\field{\\*\\fldinst PAGE}{\\fldrslt M\\u7852?T}}\\par}") == CG_SEC_MAT);
	/* hostile: deep nesting, cut-off escapes */
	char deep[4000];
	size_t k = 0;
	for (; k < 1500; k++)
		deep[k] = '{';
	memcpy(deep + k, "MẬT\\'", 6);
	deep[k + 6] = '\0';
	CHECK(rtf(deep) == CG_SEC_NONE);
}

typedef struct mctx {
	int texts, atts;
	char name[64];
	cg_sec_level level;
} mctx;

static bool m_text(void *ctx, const char *loc, cg_slice t, bool html, cg_sec_enc enc)
{
	mctx *m = ctx;
	m->texts++;
	cg_sec_sink_reset(&S);
	cg_sec_sink_loc(&S, loc);
	if (html) {
		cg_sec_xml_text(&S, t, true);
	} else {
		cg_sec_textdec d;
		cg_sec_textdec_init(&d, enc);
		cg_sec_textdec_feed(&d, &S, (const unsigned char *)t.ptr, t.len);
		cg_sec_textdec_end(&d, &S);
	}
	if (S.level)
		m->level = S.level;
	return false;
}

static bool m_att(void *ctx, const char *name, cg_slice data)
{
	mctx *m = ctx;
	m->atts++;
	snprintf(m->name, sizeof m->name, "%s", name);
	if (data.len == 3 && memcmp(data.ptr, "abc", 3) == 0)
		m->atts += 100;
	return false;
}

TEST(eml_parse)
{
	const char *msg =
		"From: a@b\r\nSubject: =?UTF-8?B?xJDhu5VpIG3huq10IGto4bqpdQ==?=\r\n"
		"Content-Type: multipart/mixed;\r\n boundary=\"XX\"\r\n\r\n"
		"preamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
		"K=C3=ADnh g=E1=BB=ADi\r\nT=E1=BB=90I M=E1=BA=ACT\r\n"
		"--XX\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nYWJj\r\n--XX--\r\n";
	mctx m = { 0 };
	cg_sec_eml_visitor v = { &m, m_text, m_att };
	CHECK(cg_sec_eml_parse(cg_slice_cstr(msg), &v) == CG_OK);
	CHECK(m.texts == 2); /* subject + body */
	CHECK(m.atts == 101);
	CHECK_STR(m.name, "a.pdf");
	CHECK(m.level == CG_SEC_TOI_MAT);
	/* garbage and truncation never fail */
	mctx g = { 0 };
	cg_sec_eml_visitor gv = { &g, m_text, m_att };
	CHECK(cg_sec_eml_parse(cg_slice_cstr("Content-Type: multipart/x; boundary=q\n\n--q\n"), &gv) == CG_OK);
	CHECK(cg_sec_eml_parse(cg_slice_cstr(""), &gv) == CG_OK);
}

static cg_sec_level lines(const char *t)
{
	cg_sec_sink_reset(&S);
	if (!cg_sec_sink_lines(&S, t, strlen(t)))
		cg_sec_sink_end(&S);
	return S.level;
}

TEST(wrapped_stamp)
{
	/* a stamp box too narrow for "TỐI MẬT" wraps it over two lines */
	CHECK(lines("Số: 1\nTỐI\nMẬT\n") == CG_SEC_TOI_MAT);
	CHECK_STR(S.evidence, "TỐI MẬT");
	CHECK(lines("TUYỆT\n\n  MẬT") == CG_SEC_TUYET_MAT);
	CHECK(lines("tối\nnội dung\nMẬT") == CG_SEC_MAT);
	CHECK(lines("tối\n") == CG_SEC_NONE);
	CHECK(lines("tuyệt\nmật khẩu\n") == CG_SEC_NONE);
	CHECK(lines("MẬT\n") == CG_SEC_MAT);
	char prose[1200];
	memset(prose, 'x', sizeof prose);
	memcpy(prose, "TỐI\n", strlen("TỐI\n"));
	memcpy(prose + sizeof prose - 7, "\nMẬT", strlen("\nMẬT") + 1);
	CHECK(lines(prose) == CG_SEC_MAT); /* a long unit in between */
}

TEST(sink_bounds)
{
	cg_sec_sink_reset(&S);
	/* a huge unit is dropped as it arrives, whatever its ending */
	for (int i = 0; i < 10000; i++)
		cg_sec_sink_put(&S, "xxxxxxxxxx", 10);
	cg_sec_sink_put(&S, "MẬT", strlen("MẬT"));
	CHECK(!cg_sec_sink_end(&S));
	CHECK(S.unit.len == 0);
	CHECK(cg_sec_sink_lines(&S, "a\r\nMẬT\r\nb", 10) == true);
}

static int nfind;
static cg_sec_finding last;
static char lastpath[256], lastev[256];

static void on_find(void *ctx, const cg_sec_finding *f)
{
	(void)ctx;
	nfind++;
	last = *f;
	snprintf(lastpath, sizeof lastpath, "%s", f->path);
	snprintf(lastev, sizeof lastev, "%s", f->evidence);
}

TEST(scan_memory_and_event)
{
	cg_sec_scanner *s = cg_sec_scanner_new(on_find, NULL);
	CHECK(s != NULL);
	const char *doc = "Số: 1/CV\n  TUYỆT MẬT  \nNội dung\n";
	nfind = 0;
	cg_sec_scan_mem(s, (const unsigned char *)doc, strlen(doc), "cv.txt");
	CHECK(nfind == 1);
	CHECK(last.level == CG_SEC_TUYET_MAT);
	CHECK_STR(lastpath, "cv.txt");
	CHECK_STR(lastev, "TUYỆT MẬT");
	cg_event ev;
	CHECK(cg_event_init(&ev) == CG_OK);
	cg_sec_finding f = last;
	f.path = lastpath;
	f.evidence = lastev;
	CHECK(cg_sec_finding_event(&f, &ev) == CG_OK);
	CHECK_STR(ev.source, "secrets");
	CHECK_STR(ev.kind, "marking");
	CHECK_STR(ev.subject, "cv.txt");
	CHECK(ev.severity == CG_SEV_CRITICAL);
	CHECK_STR(cg_json_get_str(ev.evidence, "level"), "TUYỆT MẬT");
	cg_buf out;
	cg_buf_init(&out, CG_MAX_EVENT_JSON);
	CHECK(cg_event_encode(&ev, &out) == CG_OK);
	CHECK(strstr(cg_buf_cstr(&out), "\"source\":\"secrets\"") != NULL);
	cg_buf_free(&out);
	cg_event_clear(&ev);
	/* prose: nothing; binary: skipped; broken PDF: uninspectable */
	nfind = 0;
	const char *prose = "Đổi mật khẩu định kỳ.\nbảo mật\n";
	cg_sec_scan_mem(s, (const unsigned char *)prose, strlen(prose), "p.txt");
	CHECK(nfind == 0);
	const unsigned char bin[8] = { 0, 1, 2, 3, 'M', 0, 0, 0 };
	cg_sec_scan_mem(s, bin, sizeof bin, "b.bin");
	CHECK(nfind == 0);
	const char *pdf = "%PDF-1.4\ngarbage";
	cg_sec_scan_mem(s, (const unsigned char *)pdf, strlen(pdf), "x.pdf");
	CHECK(nfind == 1 && last.kind == CG_SEC_UNINSPECTABLE);
	CHECK(cg_sec_scanner_stats(s)->marked == 1);
	cg_sec_scanner_free(s);
}

static int tree_marked, tree_unins;
static pthread_mutex_t tree_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_tree(void *ctx, const cg_sec_finding *f)
{
	(void)ctx;
	pthread_mutex_lock(&tree_mu);
	if (f->kind == CG_SEC_MARKED)
		tree_marked++;
	else
		tree_unins++;
	pthread_mutex_unlock(&tree_mu);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(scan_tree)
{
	char dir[] = "/tmp/cg-sec-tree.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char sub[600];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	CHECK(mkdir(sub, 0700) == 0);
	put_file(dir, "a.txt", "Số 1\nTUYỆT MẬT\n");
	put_file(dir, "b.txt", "mật khẩu\n");
	put_file(sub, "c.html", "<p>MẬT</p>");
	put_file(sub, "d.pdf", "%PDF-1.4 broken");
	cg_sec_stats t;
	const char *roots[] = { dir };
	CHECK(cg_sec_scan_tree(roots, 1, 2, on_tree, NULL, &t) == CG_OK);
	CHECK(t.files == 4);
	CHECK(t.marked == 2 && tree_marked == 2);
	CHECK(t.uninspectable == 1 && tree_unins == 1);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	cg_sec_marker_init(&M);
	cg_sec_sink_init(&S);
	cg_buf_init(&DEC, 1 << 16);
	RUN(marking_stamps);
	RUN(marking_prose);
	RUN(level_names);
	RUN(legacy_decoders);
	RUN(detect_encoding);
	RUN(xml_text);
	RUN(rtf_text);
	RUN(eml_parse);
	RUN(wrapped_stamp);
	RUN(sink_bounds);
	RUN(scan_memory_and_event);
	RUN(scan_tree);
	cg_buf_free(&DEC);
	cg_sec_sink_free(&S);
	cg_sec_marker_free(&M);
	return test_done();
}
