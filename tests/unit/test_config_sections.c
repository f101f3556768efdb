/* Unit tests for core/config_sections: the [PREFIX.NAME] walk visits each
 * section once in file order, and refuses unknown keys, bad or empty
 * names and one section too many with the file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_sections.h"
#include "test.h"

static const char *const keys[] = {"url", "interval"};
static const cg_config_sections rules = {
    .prefix = "dest.",
    .keys = keys,
    .nkeys = 2,
    .max = 3,
    .name_max = 8,
    .name_rule = "the name must be 1-8 letters",
};

typedef struct seen {
	char names[8][16];
	size_t n;
	const char *refuse; /* a NAME the callback refuses */
} seen;

static cg_err on_section(void *ud, size_t i, const char *sec, const char *name, cg_buf *why)
{
	seen *s = ud;
	if (i != s->n || strncmp(sec, "dest.", 5) != 0 || strcmp(sec + 5, name) != 0)
		return CG_EINVAL;
	if (s->refuse && strcmp(name, s->refuse) == 0) {
		cg_buf_reset(why);
		cg_buf_printf(why, "refused %s", name);
		return CG_EINVAL;
	}
	snprintf(s->names[s->n++], sizeof s->names[0], "%s", name);
	return CG_OK;
}

/* Walks text; *why and the sections seen for the caller to check. */
static cg_err walk(const char *text, seen *s, size_t *n, cg_buf *why)
{
	cg_config *c = NULL;
	cg_buf perr;
	cg_buf_init(&perr, 512);
	cg_err err = cg_config_parse(cg_slice_cstr(text), "t.ini", &c, &perr);
	cg_buf_free(&perr);
	if (err)
		return CG_EIO; /* not what any case expects */
	err = cg_config_each_section(c, &rules, on_section, s, n, why);
	cg_config_free(c);
	return err;
}

static void expect_error(const char *text, const char *want)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {0};
	CHECK(walk(text, &s, NULL, &why) == CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), want);
	cg_buf_free(&why);
}

TEST(each_section_once_in_file_order)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {0};
	size_t n = 9;
	CHECK(walk("[server]\nurl=x\n[dest.b]\nurl=1\n[other]\nk=v\n[dest.a]\nurl=2\n"
	           "[dest.b]\ninterval=3\n[destx]\nz=1\n",
	           &s, &n, &why) == CG_OK);
	CHECK(n == 2 && s.n == 2);
	CHECK_STR(s.names[0], "b");
	CHECK_STR(s.names[1], "a");
	s = (seen){0};
	CHECK(walk("[server]\nurl=x\n", &s, &n, &why) == CG_OK && n == 0 && s.n == 0);
	cg_buf_free(&why);
}

TEST(unknown_key_names_line)
{
	expect_error("[dest.a]\nurl=1\ncolour=red\n", "t.ini:3: unknown key 'colour' in [dest.a]");
	/* in a section seen before too */
	expect_error("[dest.a]\nurl=1\n[dest.b]\nurl=2\n[dest.a]\nx=1\n",
	             "t.ini:6: unknown key 'x' in [dest.a]");
}

TEST(bad_and_empty_names)
{
	expect_error("[dest.]\nurl=1\n", "t.ini:2: [dest.]: the name must be 1-8 letters");
	expect_error("[dest.ninechars]\nurl=1\n",
	             "t.ini:2: [dest.ninechars]: the name must be 1-8 letters");
	/* exactly the limit is fine */
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {0};
	CHECK(walk("[dest.eightchr]\nurl=1\n", &s, NULL, &why) == CG_OK && s.n == 1);
	cg_buf_free(&why);
}

TEST(duplicates_are_one_section)
{
	/* the same section twice (keys spread over two headers) is one; a
	 * duplicate key in it is the config reader's error, not a section */
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {0};
	size_t n = 0;
	CHECK(walk("[dest.a]\nurl=1\n[dest.a]\ninterval=2\n[dest.a]\n", &s, &n, &why) == CG_OK);
	CHECK(n == 1 && s.n == 1);
	CHECK(walk("[dest.a]\nurl=1\n[dest.a]\nurl=2\n", &s, &n, &why) == CG_EIO);
	cg_buf_free(&why);
}

TEST(too_many_sections)
{
	expect_error("[dest.a]\nurl=1\n[dest.b]\nurl=1\n[dest.c]\nurl=1\n[dest.d]\nurl=1\n",
	             "t.ini:8: more than 3 [dest.NAME] sections");
	/* three is the limit, and a repeated one does not count again */
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {0};
	CHECK(walk("[dest.a]\nurl=1\n[dest.b]\nurl=1\n[dest.c]\nurl=1\n[dest.a]\ninterval=1\n", &s,
	           NULL, &why) == CG_OK &&
	      s.n == 3);
	cg_buf_free(&why);
}

TEST(callback_error_stops_the_walk)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	seen s = {.refuse = "b"};
	size_t n = 9;
	CHECK(walk("[dest.a]\nurl=1\n[dest.b]\nurl=1\n[dest.c]\nurl=1\n", &s, &n, &why) ==
	      CG_EINVAL);
	CHECK_STR(cg_buf_cstr(&why), "refused b");
	CHECK(n == 1 && s.n == 1);
	cg_buf_free(&why);
}

typedef struct item {
	char url[16];
} item;

static cg_err read_item(const cg_config *ini, const char *sec, void *it, cg_buf *why)
{
	const char *url = cg_config_get(ini, sec, "url");
	if (!url) {
		cg_buf_reset(why);
		cg_buf_printf(why, "[%s] needs url", sec);
		return CG_EINVAL;
	}
	snprintf(((item *)it)->url, sizeof((item *)it)->url, "%s", url);
	return CG_OK;
}

static cg_err read_all(const char *text, item **out, size_t *n, cg_buf *why)
{
	cg_config *c = NULL;
	if (cg_config_parse(cg_slice_cstr(text), "t.ini", &c, NULL))
		return CG_EIO;
	void *items = NULL;
	cg_err err = cg_config_read_sections(c, &rules, sizeof(item), read_item, &items, n, why);
	*out = items;
	cg_config_free(c);
	return err;
}

TEST(read_into_an_array)
{
	cg_buf why;
	cg_buf_init(&why, 512);
	item *it = NULL;
	size_t n = 9;
	CHECK(read_all("[dest.b]\nurl=u1\n[dest.a]\nurl=u2\n", &it, &n, &why) == CG_OK && n == 2 &&
	      it);
	CHECK(it && strcmp(it[0].url, "u1") == 0 && strcmp(it[1].url, "u2") == 0);
	free(it);
	/* none: NULL and 0 */
	CHECK(read_all("[other]\nurl=x\n", &it, &n, &why) == CG_OK && n == 0 && it == NULL);
	/* an error: nothing returned, the reader's reason kept */
	CHECK(read_all("[dest.a]\nurl=u\n[dest.b]\ninterval=1\n", &it, &n, &why) == CG_EINVAL &&
	      n == 0 && it == NULL);
	CHECK_STR(cg_buf_cstr(&why), "[dest.b] needs url");
	cg_buf_free(&why);
}

int main(void)
{
	RUN(each_section_once_in_file_order);
	RUN(unknown_key_names_line);
	RUN(bad_and_empty_names);
	RUN(duplicates_are_one_section);
	RUN(too_many_sections);
	RUN(callback_error_stops_the_walk);
	RUN(read_into_an_array);
	return test_done();
}
