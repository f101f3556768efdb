/* Unit tests for core/config: good files read, every kind of error names
 * the file and line. */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "test.h"

static cg_config *parse(const char *text, cg_buf *why)
{
	cg_config *c = NULL;
	cg_config_parse(cg_slice_cstr(text), "test.conf", &c, why);
	return c;
}

TEST(reads_sections_quotes_comments)
{
	cg_config *c = parse("top = 1\n# c\n[server]\nlisten = 127.0.0.1:8080 # x\n"
			     "name = \"Sở TT&TT # not a comment\"\n; c2\n"
			     "[web]\ninterval=300\n",
			     NULL);
	CHECK(c != NULL);
	CHECK_STR(cg_config_get(c, "", "top"), "1");
	CHECK_STR(cg_config_get(c, "server", "listen"), "127.0.0.1:8080");
	CHECK_STR(cg_config_get(c, "server", "name"), "Sở TT&TT # not a comment");
	int64_t v;
	CHECK(cg_config_get_int(c, "web", "interval", 1, 86400, 5, &v, NULL) == CG_OK && v == 300);
	CHECK(cg_config_get_int(c, "web", "missing", 1, 86400, 5, &v, NULL) == CG_OK && v == 5);
	CHECK(cg_config_get(c, "web", "listen") == NULL);
	cg_config_free(c);
}

static void expect_error(const char *text, const char *want)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_config *c = parse(text, &why);
	CHECK(c == NULL);
	CHECK_STR(cg_buf_cstr(&why), want);
	cg_buf_free(&why);
}

TEST(errors_name_file_and_line)
{
	expect_error("a = 1\nb\n", "test.conf:2: expected key = value");
	expect_error("a = 1\na = 2\n", "test.conf:2: duplicate key");
	expect_error("[s\n", "test.conf:1: section header must end with ]");
	expect_error("\n\nk = \"open\n", "test.conf:3: unterminated quoted value");
	expect_error("b@d = 1\n", "test.conf:1: invalid key name");
	expect_error("k = \"a\" junk\n", "test.conf:1: text after quoted value");
	expect_error("k = \"\\q\"\n", "test.conf:1: unknown escape in quoted value");
}

TEST(type_errors_name_line)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_config *c = parse("\n[web]\ninterval = 5m\nflag = maybe\n", NULL);
	int64_t v;
	bool f;
	CHECK(cg_config_get_int(c, "web", "interval", 1, 100, 5, &v, &why) == CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), "test.conf:3: interval must be a whole number from 1 to 100");
	cg_buf_reset(&why);
	CHECK(cg_config_get_bool(c, "web", "flag", false, &f, &why) == CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), "test.conf:4: flag must be true or false");
	cg_config_free(c);
	cg_buf_free(&why);
}

TEST(long_line_and_nul_refused)
{
	size_t n = 70000;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[0] = 'k';
	big[1] = '=';
	big[n] = '\0';
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_config *c = NULL;
	CHECK(cg_config_parse(cg_slice_cstr(big), "big.conf", &c, &why) == CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "big.conf:1: line too long");
	cg_buf_reset(&why);
	CHECK(cg_config_parse(CG_SLICE("a = 1\0"), "nul.conf", &c, &why) == CG_EPARSE);
	CHECK_STR(cg_buf_cstr(&why), "nul.conf:1: NUL byte in text");
	free(big);
	cg_buf_free(&why);
}

TEST(missing_file_names_path)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	cg_config *c = NULL;
	CHECK(cg_config_load("/nonexistent/canhgac.conf", &c, &why) == CG_ENOTFOUND);
	CHECK(strstr(cg_buf_cstr(&why), "/nonexistent/canhgac.conf: ") != NULL);
	cg_buf_free(&why);
}

TEST(entries_in_file_order_with_lines)
{
	cg_config *c = parse("top = 1\n[server]\n\nlisten = x\n[alerts]\nsmtp_url = y\n", NULL);
	CHECK(c != NULL);
	const char *sec, *key;
	int line;
	CHECK(cg_config_entry(c, 0, &sec, &key, &line) && !strcmp(sec, "") && !strcmp(key, "top") &&
	      line == 1);
	CHECK(cg_config_entry(c, 1, &sec, &key, &line) && !strcmp(sec, "server") &&
	      !strcmp(key, "listen") && line == 4);
	CHECK(cg_config_entry(c, 2, &sec, &key, &line) && !strcmp(sec, "alerts") && line == 6);
	CHECK(!cg_config_entry(c, 3, &sec, &key, &line));
	CHECK_STR(cg_config_name(c), "test.conf");
	cg_config_free(c);
}

int main(void)
{
	RUN(reads_sections_quotes_comments);
	RUN(errors_name_file_and_line);
	RUN(type_errors_name_line);
	RUN(long_line_and_nul_refused);
	RUN(missing_file_names_path);
	RUN(entries_in_file_order_with_lines);
	return test_done();
}
