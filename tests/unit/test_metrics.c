/*
 * test_metrics.c - core/metrics.h: histogram buckets at their bounds (both
 * sides), cumulative bucket lines ending in +Inf equal to the count, label
 * values escaped, a label pair left out whole when it does not fit, and
 * counters from several threads at once (no lost update without a lock).
 */
#include <pthread.h>
#include <string.h>

#include "core/metrics.h"
#include "test.h"

TEST(histogram_bounds)
{
	static cg_histo h;
	cg_histo_observe(&h, 0);
	cg_histo_observe(&h, 1000); /* on the first bound: in it */
	cg_histo_observe(&h, 1001); /* just past it: the next one */
	cg_histo_observe(&h, 30000000);
	cg_histo_observe(&h, 30000001); /* past the last bound: +Inf */
	CHECK(cg_counter_get(&h.bucket[0]) == 2);
	CHECK(cg_counter_get(&h.bucket[1]) == 1);
	CHECK(cg_counter_get(&h.bucket[CG_METRICS_NBOUNDS - 1]) == 1);
	CHECK(cg_counter_get(&h.bucket[CG_METRICS_NBOUNDS]) == 1);
	CHECK(cg_counter_get(&h.count) == 5);
	CHECK(cg_counter_get(&h.sum_us) == 0 + 1000 + 1001 + 30000000 + 30000001);

	cg_buf out;
	cg_buf_init(&out, 1 << 16);
	cg_metrics_labels l;
	cg_metrics_labels_init(&l);
	cg_metrics_label(&l, "route", "/x");
	CHECK(cg_metrics_histo(&out, "t_seconds", &l, &h) == CG_OK);
	const char *s = cg_buf_cstr(&out);
	CHECK(strstr(s, "t_seconds_bucket{route=\"/x\",le=\"0.001\"} 2\n") != NULL);
	CHECK(strstr(s, "t_seconds_bucket{route=\"/x\",le=\"0.0025\"} 3\n") != NULL);
	CHECK(strstr(s, "t_seconds_bucket{route=\"/x\",le=\"30\"} 4\n") != NULL);
	CHECK(strstr(s, "t_seconds_bucket{route=\"/x\",le=\"+Inf\"} 5\n") != NULL);
	CHECK(strstr(s, "t_seconds_count{route=\"/x\"} 5\n") != NULL);
	CHECK(strstr(s, "t_seconds_sum{route=\"/x\"} 60.002001999999997\n") != NULL ||
	      strstr(s, "t_seconds_sum{route=\"/x\"} 60.002002\n") != NULL);
	cg_buf_free(&out);
}

TEST(labels_escaped)
{
	cg_metrics_labels l;
	cg_metrics_labels_init(&l);
	cg_metrics_label(&l, "a", "q\"b\\s\nx");
	CHECK_STR(l.text, "a=\"q\\\"b\\\\s\\nx\"");
	CHECK(!l.truncated);
	char big[600];
	memset(big, 'v', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cg_metrics_label(&l, "b", big); /* does not fit: left out whole */
	CHECK(l.truncated);
	CHECK_STR(l.text, "a=\"q\\\"b\\\\s\\nx\"");
	cg_buf out;
	cg_buf_init(&out, 4096);
	CHECK(cg_metrics_family(&out, "n_total", "counter", "Things.") == CG_OK);
	CHECK(cg_metrics_u64(&out, "n_total", NULL, 7) == CG_OK);
	CHECK_STR(cg_buf_cstr(&out), "# HELP n_total Things.\n# TYPE n_total counter\nn_total 7\n");
	cg_buf_free(&out);
}

static cg_counter shared;
static cg_histo shared_h;

static void *adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++) {
		cg_counter_add(&shared, 1);
		cg_histo_observe(&shared_h, (uint64_t)i);
	}
	return NULL;
}

TEST(threads)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(cg_counter_get(&shared) == 400000);
	CHECK(cg_counter_get(&shared_h.count) == 400000);
	uint64_t sum = 0;
	for (int i = 0; i <= CG_METRICS_NBOUNDS; i++)
		sum += cg_counter_get(&shared_h.bucket[i]);
	CHECK(sum == 400000);
}

TEST(buffer_bound)
{
	cg_buf out;
	cg_buf_init(&out, 16); /* too small: an error, never an overrun */
	CHECK(cg_metrics_family(&out, "n_total", "counter", "Things.") != CG_OK);
	cg_buf_free(&out);
}

int main(void)
{
	RUN(histogram_bounds);
	RUN(labels_escaped);
	RUN(threads);
	RUN(buffer_bound);
	return test_done();
}
