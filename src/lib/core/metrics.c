/*
 * metrics.c - see metrics.h. Values are written with "%llu" for counts
 * and "%.17g" for floating values (exact enough to round-trip), never in
 * a locale's form: the format wants a '.' decimal point.
 */
#include "metrics.h"

#include <stdio.h>
#include <string.h>

const uint64_t CG_METRICS_BOUNDS_US[CG_METRICS_NBOUNDS] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000, 30000000,
};

void cg_histo_observe(cg_histo *h, uint64_t us)
{
	size_t i = 0;
	while (i < CG_METRICS_NBOUNDS && us > CG_METRICS_BOUNDS_US[i])
		i++;
	cg_counter_add(&h->bucket[i], 1);
	cg_counter_add(&h->sum_us, us);
	cg_counter_add(&h->count, 1);
}

cg_err cg_metrics_family(cg_buf *out, const char *name, const char *type, const char *help)
{
	return cg_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void cg_metrics_labels_init(cg_metrics_labels *l)
{
	l->len = 0;
	l->text[0] = '\0';
	l->truncated = false;
}

static void lput(cg_metrics_labels *l, char c)
{
	if (l->len + 1 >= sizeof l->text) {
		l->truncated = true;
		return;
	}
	l->text[l->len++] = c;
	l->text[l->len] = '\0';
}

void cg_metrics_label(cg_metrics_labels *l, const char *key, const char *value)
{
	/* room for the whole pair, or the pair is left out: a sample never
	 * carries half a label */
	size_t need = strlen(key) + 4 + 2 * strlen(value);
	if (l->len + need + 1 >= sizeof l->text) {
		l->truncated = true;
		return;
	}
	if (l->len)
		lput(l, ',');
	for (const char *k = key; *k; k++)
		lput(l, *k);
	lput(l, '=');
	lput(l, '"');
	for (const char *v = value; *v; v++) {
		if (*v == '\\' || *v == '"') {
			lput(l, '\\');
			lput(l, *v);
		} else if (*v == '\n') {
			lput(l, '\\');
			lput(l, 'n');
		} else {
			lput(l, *v);
		}
	}
	lput(l, '"');
}

static cg_err head(cg_buf *out, const char *name, const cg_metrics_labels *l)
{
	if (l && l->len)
		return cg_buf_printf(out, "%s{%s} ", name, l->text);
	return cg_buf_printf(out, "%s ", name);
}

cg_err cg_metrics_u64(cg_buf *out, const char *name, const cg_metrics_labels *l, uint64_t v)
{
	cg_err err = head(out, name, l);
	return err ? err : cg_buf_printf(out, "%llu\n", (unsigned long long)v);
}

cg_err cg_metrics_f64(cg_buf *out, const char *name, const cg_metrics_labels *l, double v)
{
	cg_err err = head(out, name, l);
	return err ? err : cg_buf_printf(out, "%.15g\n", v);
}

cg_err cg_metrics_histo(cg_buf *out, const char *name, const cg_metrics_labels *l, cg_histo *h)
{
	char n[128];
	int w = snprintf(n, sizeof n, "%s_bucket", name);
	if (w < 0 || (size_t)w >= sizeof n)
		return CG_EINVAL;
	uint64_t cum = 0;
	cg_err err = CG_OK;
	for (size_t i = 0; !err && i <= CG_METRICS_NBOUNDS; i++) {
		cum += cg_counter_get(&h->bucket[i]);
		cg_metrics_labels b = l ? *l : (cg_metrics_labels){{0}, 0, false};
		char le[32];
		if (i < CG_METRICS_NBOUNDS)
			snprintf(le, sizeof le, "%g", (double)CG_METRICS_BOUNDS_US[i] / 1e6);
		else
			snprintf(le, sizeof le, "+Inf");
		cg_metrics_label(&b, "le", le);
		err = cg_metrics_u64(out, n, &b, cum);
	}
	/* the count is the +Inf bucket, read once: the two always agree */
	snprintf(n, sizeof n, "%s_sum", name);
	if (!err)
		err = cg_metrics_f64(out, n, l, (double)cg_counter_get(&h->sum_us) / 1e6);
	snprintf(n, sizeof n, "%s_count", name);
	if (!err)
		err = cg_metrics_u64(out, n, l, cum);
	return err;
}
