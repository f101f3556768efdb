/*
 * test_relpath.c - the one relative-path rule (core/relpath.h) as a table:
 * what the agent and the bundle reader both accept and refuse.
 */
#include <string.h>

#include "core/limits.h"
#include "core/relpath.h"
#include "test.h"

static bool safe(const char *p, size_t n)
{
	return cg_rel_path_safe(cg_slice_from(p, n));
}

#define S(lit) safe(lit, sizeof(lit) - 1)

TEST(accepted)
{
	CHECK(S("MANIFEST.d/a"));
	CHECK(S("malware/webshell.yar"));
	CHECK(S("a/b/c/d.txt"));
	CHECK(S("..a/b..")); /* dots inside a name are a name */
	CHECK(S(".hidden/x"));
	CHECK(S("lexicon/cờ bạc.txt")); /* UTF-8 */
	CHECK(S("a b/c"));
}

TEST(refused)
{
	const struct {
		const char *p;
		size_t n;
		const char *why;
	} bad[] = {
	    {"", 0, "empty"},
	    {"/etc/passwd", 11, "absolute"},
	    {"..", 2, "dot-dot"},
	    {"../x", 4, "leading dot-dot"},
	    {"a/../../x", 9, "inner dot-dot"},
	    {"a/..", 4, "trailing dot-dot"},
	    {".", 1, "dot"},
	    {"a/./b", 5, "inner dot"},
	    {"a//b", 4, "empty component"},
	    {"a/", 2, "trailing slash"},
	    {"a\\..\\..\\x", 9, "backslashes"},
	    {"a\\b", 3, "a backslash in a name"},
	    {"a\nb", 3, "newline"},
	    {"a\rb", 3, "carriage return"},
	    {"a\tb", 3, "tab"},
	    {"a\x1b[31m", 7, "escape"},
	    {"a\x7f", 2, "DEL"},
	    {"a\0/../../x", 10, "NUL (the slice goes on after it)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (safe(bad[i].p, bad[i].n)) {
			printf("# accepted: %s\n", bad[i].why);
			test_cur_failed = 1;
		}
	}
	CHECK(!cg_rel_path_safe((cg_slice){NULL, 0}));
}

TEST(length_bound)
{
	static char p[CG_MAX_REL_PATH + 2];
	memset(p, 'a', sizeof p);
	for (size_t i = 100; i < sizeof p; i += 100)
		p[i] = '/';
	CHECK(safe(p, CG_MAX_REL_PATH));
	CHECK(!safe(p, CG_MAX_REL_PATH + 1));
}

int main(void)
{
	RUN(accepted);
	RUN(refused);
	RUN(length_bound);
	return test_done();
}
