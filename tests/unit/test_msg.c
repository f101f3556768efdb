/*
 * test_msg.c - the message catalogue (core/msg.h): the language is picked
 * from the locale variables the POSIX way, every translation keeps its
 * key's printf conversions in order (a mismatch would read the wrong
 * argument), keys are unique, and cg_tr follows the chosen language.
 */
#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "test.h"

/* The conversions of a printf format, e.g. "%s%lld%zu" for "a %s b %lld
 * %zu c"; "%%" is not one. */
static void conversions(const char *fmt, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		const char *q = p + 1;
		while (*q && strchr("-+ #0123456789.*", *q))
			q++;
		while (*q && strchr("hlLqjzt", *q))
			q++;
		for (const char *c = p; c <= q && *c && n + 1 < size; c++)
			out[n++] = *c;
		p = *q ? q : q - 1;
	}
	out[n] = '\0';
}

TEST(translations_keep_conversions)
{
	CHECK(cg_nmsgs > 100);
	for (size_t i = 0; i < cg_nmsgs; i++) {
		char a[128], b[128];
		conversions(cg_msgs[i].en, a, sizeof a);
		conversions(cg_msgs[i].vi, b, sizeof b);
		if (strcmp(a, b) != 0)
			printf("# '%s': %s vs %s\n", cg_msgs[i].en, a, b);
		CHECK_STR(a, b);
		CHECK(cg_msgs[i].vi[0] != '\0');
		for (size_t j = i + 1; j < cg_nmsgs; j++)
			CHECK(strcmp(cg_msgs[i].en, cg_msgs[j].en) != 0);
	}
	char c[64];
	conversions("%s: %llu of %zu, 100%% %-8s %.2f", c, sizeof c);
	CHECK_STR(c, "%s%llu%zu%-8s%.2f");
}

TEST(language_from_the_environment)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	CHECK(cg_lang_from_env() == CG_LANG_EN);
	setenv("LANG", "vi_VN.UTF-8", 1);
	CHECK(cg_lang_from_env() == CG_LANG_VI);
	setenv("LC_MESSAGES", "en_US.UTF-8", 1);
	CHECK(cg_lang_from_env() == CG_LANG_EN); /* LC_MESSAGES before LANG */
	setenv("LC_ALL", "vi", 1);
	CHECK(cg_lang_from_env() == CG_LANG_VI); /* LC_ALL before both */
	setenv("LC_ALL", "", 1);                 /* empty: not set */
	CHECK(cg_lang_from_env() == CG_LANG_EN);
	setenv("LC_ALL", "C.UTF-8", 1);
	CHECK(cg_lang_from_env() == CG_LANG_EN);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	cg_lang l = CG_LANG_EN;
	CHECK(cg_lang_parse("vi", &l) && l == CG_LANG_VI);
	CHECK(cg_lang_parse("en", &l) && l == CG_LANG_EN);
	CHECK(!cg_lang_parse("fr", &l) && !cg_lang_parse("", &l) && !cg_lang_parse(NULL, &l));
}

TEST(tr_follows_the_language)
{
	cg_lang_set(CG_LANG_EN);
	CHECK_STR(cg_tr("unknown option '%s'"), "unknown option '%s'");
	cg_lang_set(CG_LANG_VI);
	CHECK(cg_lang_get() == CG_LANG_VI);
	CHECK_STR(cg_tr("unknown option '%s'"), "không hiểu tùy chọn '%s'");
	/* untranslated: the key itself, never NULL */
	CHECK_STR(cg_tr("no such message in the catalogue"), "no such message in the catalogue");
	CHECK(cg_tr(NULL) == NULL);
	cg_lang_set(CG_LANG_EN);
}

int main(void)
{
	RUN(translations_keep_conversions);
	RUN(language_from_the_environment);
	RUN(tr_follows_the_language);
	return test_done();
}
