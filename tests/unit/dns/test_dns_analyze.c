/* Unit tests: the per-client roll-up with the shipped DGA model and
 * allow-list (rules/dns/): blocklist, DGA (several names, not one; not
 * under allow-listed domains; not when many clients query them),
 * tunnelling, beaconing, and the cg_event a flagged client becomes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "dns/analyze.h"
#include "test.h"

static cg_dns_dga *model;
static cg_dns_set *allow;
static psl_ctx_t *psl;

static void q(cg_dns_analyzer *a, const char *client, const char *name,
	      uint16_t type, int64_t t)
{
	cg_dns_rec r = { t, cg_slice_cstr(client), cg_slice_cstr(name), type, CG_DNS_ANS_UNKNOWN };
	cg_dns_analyzer_add(a, &r);
}

static cg_dns_analyzer *fresh(const cg_dns_set *bl)
{
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	cg_dns_analyzer *a = NULL;
	CHECK(cg_dns_analyzer_new(&o, bl, allow, model, psl, &a) == CG_OK);
	return a;
}

/* The reason kinds of a client, "blocklist,dga" style, or "" when the
 * client is not flagged. */
static const char *kinds(cg_dns_analyzer *a, const char *client)
{
	static cg_buf buf; /* lives for the test program; bounded */
	cg_buf_free(&buf);
	cg_buf_init(&buf, 256);
	const uint32_t *ids;
	size_t n;
	CHECK(cg_dns_analyzer_flagged(a, &ids, &n) == CG_OK);
	for (size_t i = 0; i < n; i++) {
		if (!cg_slice_eq_cstr(cg_dns_client_ip(a, ids[i]), client))
			continue;
		json_t *o = cg_dns_client_json(a, ids[i], NULL);
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(o, "reasons"), k, r) {
			if (buf.len)
				CHECK(cg_buf_putc(&buf, ',') == CG_OK);
			CHECK(cg_buf_puts(&buf, json_string_value(json_object_get(r, "kind"))) == CG_OK);
		}
		json_decref(o);
	}
	return cg_buf_cstr(&buf);
}

static double score(const char *label)
{
	return cg_dns_dga_score(model, cg_slice_cstr(label));
}

TEST(model_scores)
{
	double t = cg_dns_dga_threshold(model);
	CHECK(t > 0.3 && t < 1);
	CHECK(score("google") < t);
	CHECK(score("facebook") < t);
	CHECK(score("wikipedia") < t);
	CHECK(score("xkqjzvbnwpfhgt") >= t);
	CHECK(score("1vz89zm5b2e981bgfhqdzbke3m") >= t);
	CHECK(score("ofdhiydrrttpblp") >= t);
}

TEST(blocklist_client)
{
	cg_dns_set *bl = cg_dns_set_new();
	cg_dns_set_add(bl, CG_SLICE("evil.example"), CG_DNS_MATCH_BOTH);
	cg_dns_analyzer *a = fresh(bl);
	q(a, "10.0.0.1", "a.evil.example", 1, 1000);
	q(a, "10.0.0.1", "evil.example", 1, 2000);
	q(a, "10.0.0.2", "notevil.example", 1, 3000);
	CHECK_STR(kinds(a, "10.0.0.1"), "blocklist");
	CHECK_STR(kinds(a, "10.0.0.2"), "");
	cg_dns_analyzer_free(a);
	cg_dns_set_free(bl);
}

static const char *dga_names[] = {
	"ofdhiydrrttpblp.com", "puciftnfkplcbhp.net", "bowjjxxnhkyvygk.biz",
	"xkqjzvbnwpfhgt.org", "gllcsbqrbfch.com", "hkgjjokkwodt.com",
	"jjnehudfmclq.com", "qwxzkvbnmplkjh.info",
};

TEST(dga_needs_several_names)
{
	cg_dns_analyzer *a = fresh(NULL);
	for (int i = 0; i < 8; i++)
		q(a, "10.0.0.9", dga_names[i], 1, 1000 + i);
	q(a, "10.0.0.8", dga_names[0], 1, 5000);
	CHECK_STR(kinds(a, "10.0.0.9"), "dga");
	CHECK_STR(kinds(a, "10.0.0.8"), "");
	cg_dns_analyzer_free(a);
}

TEST(dga_busy_benign_client)
{
	/* the same 8 DGA-like names, but among 300 other rarely-queried
	 * domains: about what the model's false-positive rate produces */
	cg_dns_analyzer *a = fresh(NULL);
	char name[64];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "shop%dnews.com", i);
		q(a, "10.0.0.10", name, 1, 1000 + i);
	}
	for (int i = 0; i < 8; i++)
		q(a, "10.0.0.10", dga_names[i], 1, 5000 + i);
	CHECK_STR(kinds(a, "10.0.0.10"), "");
	cg_dns_analyzer_free(a);
}

TEST(dga_not_under_cdns)
{
	cg_dns_analyzer *a = fresh(NULL);
	const char *cdn[] = {
		"r3---sn-8qj-i5ozr.googlevideo.com", "d1a2b3c4d5e6f7.cloudfront.net",
		"e1234.dscb.akamaiedge.net", "scontent-xyz1-1.xx.fbcdn.net",
		"ec2-203-0-113-7.compute-1.amazonaws.com", "xq7zk2v9.blob.core.windows.net",
		"kqzjxvw8p2.cloudfront.net", "zq9xk3v7w2.cloudfront.net",
	};
	for (int i = 0; i < 8; i++)
		q(a, "10.0.0.7", cdn[i], 1, 1000 + i);
	CHECK_STR(kinds(a, "10.0.0.7"), "");
	cg_dns_analyzer_free(a);
}

TEST(dga_popular_names_are_not_dga)
{
	cg_dns_analyzer *a = fresh(NULL);
	char ip[32];
	/* the same random-looking names queried by 20 clients */
	for (int c = 0; c < 20; c++) {
		snprintf(ip, sizeof ip, "10.0.1.%d", c);
		for (int i = 0; i < 8; i++)
			q(a, ip, dga_names[i], 1, 1000 + i);
	}
	CHECK_STR(kinds(a, "10.0.1.3"), "");
	cg_dns_analyzer_free(a);
}

TEST(tunnel)
{
	cg_dns_analyzer *a = fresh(NULL);
	char name[256];
	for (int i = 0; i < 80; i++) {
		snprintf(name, sizeof name, "%08x%08x%08x%08x.%04x.t.tunnel-example.com",
			 (unsigned)i * 2654435761u, (unsigned)i * 40503u + 7,
			 (unsigned)i ^ 0xdeadbeefu, (unsigned)i * 2246822519u, i);
		q(a, "10.0.0.5", name, 16, 1000 + i * 10);
	}
	/* long but repeated: one name, no tunnel */
	for (int i = 0; i < 80; i++)
		q(a, "10.0.0.6", "0123456789abcdef0123456789abcdef.t.tunnel-example.com", 1, 1000 + i * 10);
	CHECK_STR(kinds(a, "10.0.0.5"), "tunnel");
	CHECK_STR(kinds(a, "10.0.0.6"), "");
	cg_dns_analyzer_free(a);
}

TEST(beacon)
{
	cg_dns_analyzer *a = fresh(NULL);
	int64_t t = 1795235101000LL;
	for (int i = 0; i < 20; i++)
		q(a, "10.0.0.4", "update.c2-example.com", 1, t + i * 60000 + (i % 3) * 500);
	/* irregular */
	int64_t u = t;
	for (int i = 0; i < 20; i++) {
		u += 5000 + (i * 7919 % 13) * 20000;
		q(a, "10.0.0.3", "news.example.com", 1, u);
	}
	CHECK_STR(kinds(a, "10.0.0.4"), "beacon");
	CHECK_STR(kinds(a, "10.0.0.3"), "");
	cg_dns_analyzer_free(a);
}

TEST(event_and_window)
{
	cg_dns_set *bl = cg_dns_set_new();
	cg_dns_set_add(bl, CG_SLICE("evil.example"), CG_DNS_MATCH_BOTH);
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	o.since_ms = 2000;
	o.until_ms = 3000;
	cg_dns_analyzer *a = NULL;
	CHECK(cg_dns_analyzer_new(&o, bl, allow, model, psl, &a) == CG_OK);
	q(a, "10.0.0.1", "evil.example", 1, 1000); /* before */
	q(a, "10.0.0.2", "evil.example", 1, 2500); /* inside */
	cg_dns_counts c;
	cg_dns_analyzer_counts(a, &c);
	CHECK(c.out_of_window == 1);
	const uint32_t *ids;
	size_t n;
	CHECK(cg_dns_analyzer_flagged(a, &ids, &n) == CG_OK && n == 1);
	if (n == 1) {
		cg_event ev;
		CHECK(cg_event_init(&ev) == CG_OK);
		CHECK(cg_dns_client_event(a, ids[0], "Sở Y tế", &ev) == CG_OK);
		CHECK_STR(ev.source, "dns");
		CHECK_STR(ev.kind, "infected_client");
		CHECK_STR(ev.subject, "10.0.0.2");
		CHECK_STR(ev.agency, "Sở Y tế");
		CHECK(ev.severity == CG_SEV_HIGH);
		CHECK(json_array_size(json_object_get(ev.evidence, "reasons")) == 1);
		cg_buf b;
		cg_buf_init(&b, CG_MAX_EVENT_JSON);
		CHECK(cg_event_encode(&ev, &b) == CG_OK);
		json_t *back = NULL;
		CHECK(cg_json_parse(cg_buf_slice(&b), &back, NULL) == CG_OK);
		cg_event ev2;
		CHECK(cg_event_decode(back, &ev2, false, NULL) == CG_OK);
		cg_event_clear(&ev2);
		json_decref(back);
		cg_buf_free(&b);
		cg_event_clear(&ev);
	}
	cg_dns_analyzer_free(a);
	cg_dns_set_free(bl);
}

/* The segmentation features (coverage, words) from the trie equal a plain
 * dynamic programme with a hash-set lookup per (end, length), on labels
 * made of words, of words and noise, and of noise. */
static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void reference_segment(const cg_dns_set *words, const char *l, size_t n,
			      int *cov_out, int *nw_out)
{
	int cov[64] = { 0 }, nw[64] = { 0 };
	for (size_t i = 1; i <= n; i++) {
		cov[i] = cov[i - 1];
		nw[i] = nw[i - 1];
		for (size_t w = 3; w <= 12 && w <= i; w++) {
			int c2 = cov[i - w] + (int)w;
			if ((c2 > cov[i] || (c2 == cov[i] && nw[i - w] + 1 < nw[i])) &&
			    cg_dns_set_match(words, (cg_slice){ l + i - w, w }) >= 0) {
				cov[i] = c2;
				nw[i] = nw[i - w] + 1;
			}
		}
	}
	*cov_out = cov[n];
	*nw_out = nw[n];
}

TEST(segmentation_matches_reference)
{
	cg_dns_set *words = cg_dns_set_new();
	cg_dns_intel_stats st = { 0 };
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_dns_intel_load(words, CG_SOURCE_ROOT "/rules/dns/words.txt", &st, &why) == CG_OK);
	size_t nwords = cg_dns_set_count(words);
	CHECK(nwords > 10000);
	const char *fixed[] = { "yellowisland", "windowsignal", "google", "xkqjzvbnwpfhgt",
				"a", "ab", "abc", "thequickbrownfox", "cat-dog", "q1w2e3" };
	int bad = 0;
	for (int t = 0; t < 4000 + 10; t++) {
		char l[64];
		size_t n = 0;
		if (t < 10) {
			n = strlen(fixed[t]);
			memcpy(l, fixed[t], n);
		} else {
			int parts = 1 + (int)(rnd() % 4);
			for (int k = 0; k < parts; k++) {
				cg_slice w = cg_dns_set_name(words, rnd() % (uint32_t)nwords);
				if (rnd() % 4 == 0) { /* noise */
					static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
					w = (cg_slice){ &al[rnd() % 30], 1 + rnd() % 6 };
				}
				if (n + w.len > 63)
					break;
				memcpy(l + n, w.ptr, w.len);
				n += w.len;
			}
		}
		if (n == 0)
			continue;
		double f[CG_DNS_DGA_NFEAT];
		cg_dns_dga_features(model, (cg_slice){ l, n }, f);
		int cov, nw;
		reference_segment(words, l, n, &cov, &nw);
		if ((int)(f[7] * (double)n + 0.5) != cov || (int)f[8] != nw) {
			if (bad++ < 5)
				printf("# %.*s: trie %g/%g, reference %d/%d\n", (int)n, l,
				       f[7] * (double)n, f[8], cov, nw);
		}
	}
	CHECK(bad == 0);
	double f[CG_DNS_DGA_NFEAT];
	cg_dns_dga_features(model, CG_SLICE("yellowisland"), f);
	CHECK(f[7] == 1.0 && f[8] == 2);
	cg_buf_free(&why);
	cg_dns_set_free(words);
}

/* cg_dns_analyzer_add_batch (with its prefetching) decides exactly what
 * record-by-record adding decides, on traffic with every reason kind, a
 * table that grows and a name cache that fills. */
static char *flagged_json(cg_dns_analyzer *a)
{
	const uint32_t *ids;
	size_t n;
	CHECK(cg_dns_analyzer_flagged(a, &ids, &n) == CG_OK);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, cg_dns_client_json(a, ids[i], NULL));
	cg_dns_counts c;
	cg_dns_analyzer_counts(a, &c);
	json_array_append_new(arr, json_pack("{s:I,s:I,s:I}", "q", (json_int_t)c.queries,
		"c", (json_int_t)c.clients, "d", (json_int_t)c.domains));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

TEST(batch_equals_single)
{
	cg_dns_set *bl = cg_dns_set_new();
	cg_dns_set_add(bl, CG_SLICE("evil.example"), CG_DNS_MATCH_BOTH);
	cg_dns_analyzer *one = fresh(bl), *many = fresh(bl);
	enum { N = 60000 };
	cg_dns_rec *recs = calloc(N, sizeof *recs);
	char (*names)[64] = calloc(N, 64);
	char (*clients)[24] = calloc(N, 24);
	CHECK(recs && names && clients);
	rng_state = 777;
	for (int i = 0; i < N; i++) {
		uint32_t r = rnd();
		int cl = (int)(r % 300);
		int len;
		switch (r % 7) {
		case 0: /* DGA-like names of a few clients */
			cl = (int)(r % 3);
			len = snprintf(names[i], 64, "%c%c%c%c%c%c%c%c%c%c%c.com",
				       'a' + rnd() % 26, 'q' + rnd() % 9, 'a' + rnd() % 26, 'x',
				       'z' - rnd() % 5, 'k', 'a' + rnd() % 26, 'j', 'v' + rnd() % 4,
				       'a' + rnd() % 26, 'b' + rnd() % 20);
			break;
		case 1:
			len = snprintf(names[i], 64, "h%u.evil.example", rnd() % 50);
			break;
		case 2: /* tunnel-ish */
			cl = 7;
			len = snprintf(names[i], 64, "%08x%08x%08x%08x.t.example", rnd(), rnd(), rnd(), rnd());
			break;
		default:
			len = snprintf(names[i], 64, "www.site%u.vn", rnd() % 20000);
		}
		CHECK(len > 0 && len < 64);
		CHECK(snprintf(clients[i], 24, "10.1.%d.%d", cl / 200, cl % 200) < 24);
		recs[i] = (cg_dns_rec){ 1795235101000 + (int64_t)i * 700,
					cg_slice_cstr(clients[i]), cg_slice_cstr(names[i]),
					(uint16_t)(r % 11 == 0 ? 16 : 1), CG_DNS_ANS_UNKNOWN };
	}
	for (int i = 0; i < N; i++)
		cg_dns_analyzer_add(one, &recs[i]);
	for (size_t i = 0; i < N;) {
		size_t k = 1 + rnd() % 5000;
		if (k > N - i)
			k = N - i;
		cg_dns_analyzer_add_batch(many, recs + i, k);
		i += k;
	}
	char *a = flagged_json(one), *b = flagged_json(many);
	CHECK(a && b && strcmp(a, b) == 0);
	CHECK(strstr(a, "\"blocklist\"") && strstr(a, "\"tunnel\""));
	free(a);
	free(b);
	free(recs);
	free(names);
	free(clients);
	cg_dns_analyzer_free(one);
	cg_dns_analyzer_free(many);
	cg_dns_set_free(bl);
}

/* Word-based DGAs: ten dictionary-word domains in a minute from one
 * client are dga_words (the per-name model lets them pass); not when
 * another client asks for them too, not when each is queried again and
 * again, not when spread over an hour, not when they are a small share of
 * the new sites the client opened at the time. */
static const char *const wordy[] = {
	"yellowisland.net", "windowsignal.com", "quietharbor.net", "silverbucket.com",
	"gardenpilot.net",  "mountainfable.com", "orangeticket.net", "paperlantern.com",
	"riverkitten.net",  "summerwallet.com",
};

static void count_words_reason(void *ctx, cg_dns_analyzer *a, uint32_t client,
			       const char *kind)
{
	(void)a;
	(void)client;
	if (strcmp(kind, "dga_words") == 0)
		(*(int *)ctx)++;
}

static const char *words_kind(int variant)
{
	cg_dns_analyzer *a = fresh(NULL);
	int64_t t0 = 1795235101000;
	for (int i = 0; i < 10; i++) {
		int64_t t = variant == 3 ? t0 + (int64_t)i * 400000 : t0 + (int64_t)i * 6000;
		q(a, "10.0.0.9", wordy[i], 1, t);
		if (variant == 1)
			q(a, "10.0.0.10", wordy[i], 1, t + 3000);
		if (variant == 2)
			for (int k = 1; k <= 3; k++)
				q(a, "10.0.0.9", wordy[i], 1, t + k * 2000);
		if (variant == 4) /* a person's session: sites that load several names */
			for (int k = 0; k < 3; k++) {
				char n[64], m[64];
				snprintf(n, sizeof n, "shop%d%d.vn", i, k);
				snprintf(m, sizeof m, "www.shop%d%d.vn", i, k);
				q(a, "10.0.0.9", n, 1, t + 100 + k);
				q(a, "10.0.0.9", m, 1, t + 200 + k);
			}
	}
	const char *k = kinds(a, "10.0.0.9");
	static char out[64];
	snprintf(out, sizeof out, "%s", k);
	cg_dns_analyzer_free(a);
	return out;
}

TEST(dga_words)
{
	/* the per-name model lets every one of them pass */
	double t = cg_dns_dga_threshold(model);
	CHECK(score("yellowisland") < t && score("windowsignal") < t && score("quietharbor") < t);
	CHECK_STR(words_kind(0), "dga_words");
	CHECK_STR(words_kind(1), "");
	CHECK_STR(words_kind(2), "");
	CHECK_STR(words_kind(3), "");
	CHECK_STR(words_kind(4), "");
	/* the evidence names the domains */
	cg_dns_analyzer *a = fresh(NULL);
	for (int i = 0; i < 10; i++)
		q(a, "10.0.0.9", wordy[i], 1, 1795235101000 + i * 1000);
	const uint32_t *ids;
	size_t n;
	CHECK(cg_dns_analyzer_flagged(a, &ids, &n) == CG_OK && n == 1);
	if (n == 1) {
		json_t *o = cg_dns_client_json(a, ids[0], NULL);
		json_t *r = json_array_get(json_object_get(o, "reasons"), 0);
		CHECK_STR(json_string_value(json_object_get(r, "kind")), "dga_words");
		CHECK(json_integer_value(json_object_get(r, "count")) == 10);
		CHECK_STR(json_string_value(json_array_get(json_object_get(r, "names"), 0)),
			  "yellowisland.net");
		json_decref(o);
	}
	cg_dns_analyzer_free(a);
	/* where the log has answers: names that resolved are sites, those
	 * that did not are the burst (counted as nxdomain) */
	for (int variant = 0; variant < 2; variant++) {
		a = fresh(NULL);
		for (int i = 0; i < 10; i++) {
			cg_dns_rec r = { 1795235101000 + i * 1000, CG_SLICE("10.0.0.9"),
					 cg_slice_cstr(wordy[i]), 1,
					 variant ? CG_DNS_ANS_NOERROR : CG_DNS_ANS_NXDOMAIN };
			cg_dns_analyzer_add(a, &r);
		}
		CHECK_STR(kinds(a, "10.0.0.9"), variant ? "" : "dga_words");
		if (!variant) {
			const uint32_t *ids2;
			size_t n2;
			CHECK(cg_dns_analyzer_flagged(a, &ids2, &n2) == CG_OK && n2 == 1);
			json_t *o2 = n2 ? cg_dns_client_json(a, ids2[0], NULL) : NULL;
			json_t *r2 = json_array_get(json_object_get(o2, "reasons"), 0);
			CHECK(json_integer_value(json_object_get(r2, "nxdomain")) == 10);
			json_decref(o2);
		}
		cg_dns_analyzer_free(a);
	}
	/* streaming (dns watch): the reason is announced once */
	a = fresh(NULL);
	int announced = 0;
	cg_dns_analyzer_on_reason(a, count_words_reason, &announced);
	for (int i = 0; i < 10; i++)
		q(a, "10.0.0.9", wordy[i], 1, 1795235101000 + i * 1000);
	CHECK(announced == 1);
	cg_dns_analyzer_free(a);
	/* words_min_names 0: off */
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	o.words_min_names = 0;
	CHECK(cg_dns_analyzer_new(&o, NULL, allow, model, psl, &a) == CG_OK);
	for (int i = 0; i < 10; i++)
		q(a, "10.0.0.9", wordy[i], 1, 1795235101000 + i * 1000);
	CHECK_STR(kinds(a, "10.0.0.9"), "");
	cg_dns_analyzer_free(a);
}

int main(void)
{
	cg_buf why;
	cg_buf_init(&why, 4096);
	psl = cg_dns_psl_open();
	if (cg_dns_dga_load(CG_SOURCE_ROOT "/rules/dns", &model, &why) != CG_OK) {
		printf("not ok 1 - load the model: %s\n", cg_buf_cstr(&why));
		return 1;
	}
	allow = cg_dns_set_new();
	cg_dns_intel_stats st = { 0 };
	if (cg_dns_intel_load(allow, CG_SOURCE_ROOT "/rules/dns/allow.txt", &st, &why)) {
		printf("not ok 1 - load the allow-list: %s\n", cg_buf_cstr(&why));
		return 1;
	}
	RUN(model_scores);
	RUN(blocklist_client);
	RUN(dga_needs_several_names);
	RUN(dga_busy_benign_client);
	RUN(dga_not_under_cdns);
	RUN(dga_popular_names_are_not_dga);
	RUN(tunnel);
	RUN(beacon);
	RUN(event_and_window);
	RUN(segmentation_matches_reference);
	RUN(batch_equals_single);
	RUN(dga_words);
	cg_dns_dga_free(model);
	cg_dns_set_free(allow);
	psl_free(psl);
	cg_buf_free(&why);
	return test_done();
}
