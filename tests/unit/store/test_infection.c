/* Unit tests for store/infection.h: the infection index as a table of
 * (infected hosts, declared endpoints) -> index per 100 declared
 * endpoints, with its edges both ways (none infected, nothing declared,
 * exactly as many infected as declared and one fewer, more infected than
 * declared, two-decimal rounding up and down), and the dashboard's window
 * of whole UTC days. */
#include <stdint.h>

#include "store/infection.h"
#include "../test.h"

TEST(index_table)
{
	static const struct {
		int64_t infected, declared;
		double want;
	} t[] = {
	    {0, 0, 0.0},      /* nothing declared, nothing found */
	    {0, 10, 0.0},     /* clean */
	    {-1, 10, 0.0},    /* a negative count is none */
	    {1, 0, 100.0},    /* nothing declared but a host infected */
	    {1, -5, 100.0},   /* a negative declaration is none */
	    {1, 4, 25.0},     /* per 100 declared endpoints */
	    {3, 8, 37.5},     /* 3 of 8 */
	    {1, 3, 33.33},    /* 33.333... rounds down */
	    {2, 3, 66.67},    /* 66.666... rounds up */
	    {1, 8, 12.5},     /* 12.5 exactly */
	    {1, 200000, 0.0}, /* 0.0005 rounds to 0.00 */
	    {1, 20000, 0.01}, /* 0.005 rounds to 0.01 */
	    {9, 10, 90.0},    /* one fewer than declared */
	    {10, 10, 100.0},  /* every declared endpoint */
	    {11, 10, 100.0},  /* more than declared: at most 100 */
	    {INT64_MAX, 1, 100.0}, {1, INT64_MAX, 0.0},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		double got = cg_infection_index(t[i].infected, t[i].declared);
		if (got != t[i].want) {
			printf("# row %zu: %lld of %lld -> %.4f, want %.4f\n", i,
			       (long long)t[i].infected, (long long)t[i].declared, got, t[i].want);
			CHECK(got == t[i].want);
		}
	}
}

TEST(window_whole_days)
{
	const int64_t day = 86400000LL;
	int64_t now = 20000 * day + 5 * 3600000LL, from = 0, to = 0; /* 05:00 UTC */
	cg_infection_window(now, 30, &from, &to);
	CHECK(from == (20000 - 29) * day);
	CHECK(to == 20001 * day);                        /* today included, tomorrow not */
	cg_infection_window(20000 * day, 1, &from, &to); /* midnight: today alone */
	CHECK(from == 20000 * day && to == 20001 * day);
	cg_infection_window(20001 * day - 1, 1, &from, &to); /* its last millisecond */
	CHECK(from == 20000 * day && to == 20001 * day);
}

int main(void)
{
	RUN(index_table);
	RUN(window_whole_days);
	return test_done();
}
