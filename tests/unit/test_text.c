/* Unit tests for core/text: Vietnamese folding in both modes. */
#include <stdlib.h>

#include "core/text.h"
#include "test.h"

static char *fold(const char *s, size_t n, cg_fold mode)
{
	cg_buf b;
	cg_buf_init(&b, 1 << 16);
	CHECK(cg_text_fold(cg_slice_from(s, n), mode, &b) == CG_OK);
	return cg_buf_detach(&b, NULL);
}
#define F(lit, mode) fold(lit, sizeof(lit) - 1, mode)

TEST(case_fold_keeps_marks)
{
	char *a = F("TUYỆT MẬT", CG_FOLD_CASE);
	CHECK_STR(a, "tuyệt mật");
	free(a);
	/* NFD input composes to the same NFC text */
	char *b = F("ma\xcc\xa3\xcc\x82t", CG_FOLD_CASE); /* m a + dot below + circumflex t */
	CHECK_STR(b, "mật");
	free(b);
	char *c = F("MẶT", CG_FOLD_CASE);
	CHECK(strcmp(c, "mật") != 0);
	free(c);
}

TEST(ascii_fold_strips_marks_and_d)
{
	char *a = F("Nổ Hũ ĐỔI THƯỞNG", CG_FOLD_ASCII);
	CHECK_STR(a, "no hu doi thuong");
	free(a);
	char *b = F("ne\xcc\x82\xcc\x81u", CG_FOLD_ASCII); /* NFD "nếu" */
	CHECK_STR(b, "neu");
	free(b);
}

TEST(ignorables_spaces_invalid)
{
	char *a = F("t\xe2\x80\x8bà\xc2\xa0i\xff x\xc2\xad" "u", CG_FOLD_ASCII);
	CHECK_STR(a, "ta i xu");
	free(a);
	char *b = F("", CG_FOLD_CASE);
	CHECK_STR(b, "");
	free(b);
}

static char *words(const char *s)
{
	cg_buf b;
	cg_buf_init(&b, 1 << 16);
	CHECK(cg_text_search_words(cg_slice_cstr(s), &b) == CG_OK);
	return cg_buf_detach(&b, NULL);
}

TEST(search_words)
{
	char *a = words("  Nhà cái: NỔ-HŨ!! 123abc ");
	CHECK_STR(a, "nha cai no hu 123abc");
	free(a);
	char *b = words("Đăng nhập <script>evil.com/x?y=1</script>");
	CHECK_STR(b, "dang nhap script evil com x y 1 script");
	free(b);
	char *c = words("'\"*:&|!()<->");
	CHECK_STR(c, "");
	free(c);
	/* letters of other scripts stay words */
	char *d = words("Привет, 世界");
	CHECK_STR(d, "привет 世界");
	free(d);
}

int main(void)
{
	RUN(search_words);
	RUN(case_fold_keeps_marks);
	RUN(ascii_fold_strips_marks_and_d);
	RUN(ignorables_spaces_invalid);
	return test_done();
}
