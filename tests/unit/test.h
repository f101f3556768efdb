/*
 * test.h - a minimal TAP unit-test harness.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(name); return test_done(); }
 *
 * Each TEST prints "ok N - name" or "not ok N - name" with the failing
 * checks as TAP comments; test_done() prints the plan and returns the exit
 * status. Header-only so each test program stays one file.
 */
#ifndef CG_TEST_H
#define CG_TEST_H

#include <stdio.h>
#include <string.h>

static int test_count, test_failed_count, test_cur_failed;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			test_cur_failed = 1;                               \
			printf("# %s:%d: check failed: %s\n", __FILE__,    \
			       __LINE__, #cond);                           \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                   \
			test_cur_failed = 1;                               \
			printf("# %s:%d: \"%s\" != \"%s\"\n", __FILE__,    \
			       __LINE__, a_ ? a_ : "(null)",               \
			       b_ ? b_ : "(null)");                        \
		}                                                          \
	} while (0)

#define RUN(name)                                                          \
	do {                                                               \
		test_cur_failed = 0;                                       \
		name();                                                    \
		test_count++;                                              \
		test_failed_count += test_cur_failed;                      \
		printf("%sok %d - %s\n", test_cur_failed ? "not " : "",    \
		       test_count, #name);                                 \
		fflush(stdout);                                            \
	} while (0)

static inline int test_done(void)
{
	printf("1..%d\n", test_count);
	return test_failed_count ? 1 : 0;
}

#endif
