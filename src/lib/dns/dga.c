/*
 * dga.c - the DGA model: features, scoring, loading and training (see
 * dga.h).
 *
 * Characters map to a 39-symbol alphabet (a-z, 0-9, '-', other, boundary);
 * the trigram table is dense (39^3 floats of log-probability, ~240 KB),
 * add-k smoothed from counts, so scoring a label is one table read per
 * character. The dictionary segmentation is a dynamic programme over end
 * positions: covered[i] is the most letters of label[0,i) that words can
 * cover, with the fewest words as tie-break. The words ending at i are
 * found by walking a trie of the reversed words backwards from i, which
 * stops at the first character no word continues with: scoring is done
 * once per new registrable domain, and a hash lookup for every (end,
 * length) pair made it the largest cost of `dns analyze` (a quarter of
 * the CPU on a million-line log). Trie nodes are a 64-bit child bitmap
 * over the symbols plus the index of the first child (children are
 * contiguous), so a step is a bit test and a popcount.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "dns/dga.h"
#include "dns/domainset.h"
#include "dns/hash.h"
#include "dns/record.h"

#define V 39
#define SYM_OTHER 37
#define SYM_EDGE 38
#define NTRI (V * V * V)
#define SMOOTH_K 0.1
#define MIN_WORD 3
#define MAX_WORD 12

struct cg_dns_dga {
	float *tri;     /* log P(c | a b), benign names */
	uint32_t *cnt;  /* trigram counts (kept for training / saving) */
	float *dtri;    /* the same for DGA training names */
	uint32_t *dcnt;
	/* what scoring reads, packed: tri and dtri side by side and a bit per
	 * trigram never counted, so a character costs one cache line rather
	 * than three (scoring runs once per new domain: 7% of `dns analyze`) */
	struct tri_pair {
		float ll, dll;
	} *pair;
	uint64_t *unseen; /* NTRI bits */
	double mean[CG_DNS_DGA_NFEAT], sd[CG_DNS_DGA_NFEAT];
	double w[CG_DNS_DGA_NFEAT + 1]; /* w[0] bias */
	double w2[CG_DNS_DGA_NFEAT];    /* of the squared standardised features */
	double threshold;
	struct trie_node *trie; /* reversed words of MIN_WORD..MAX_WORD symbols */
	size_t ntrie;
};

static int sym(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return 26 + c - '0';
	if (c == '-')
		return 36;
	return SYM_OTHER;
}

static char sym_char(int s)
{
	if (s < 26)
		return (char)('a' + s);
	if (s < 36)
		return (char)('0' + s - 26);
	return s == 36 ? '-' : s == SYM_EDGE ? '^' : '?';
}

static void logprob(const uint32_t *cnt, float *tri)
{
	for (int ab = 0; ab < V * V; ab++) {
		double tot = 0;
		for (int c = 0; c < V; c++)
			tot += cnt[ab * V + c];
		for (int c = 0; c < V; c++)
			tri[ab * V + c] = (float)log((cnt[ab * V + c] + SMOOTH_K) /
						     (tot + SMOOTH_K * V));
	}
}

static void build_logprob(cg_dns_dga *m)
{
	logprob(m->cnt, m->tri);
	logprob(m->dcnt, m->dtri);
	for (int i = 0; i < NTRI; i++) {
		m->pair[i] = (struct tri_pair){ m->tri[i], m->dtri[i] };
		if (m->cnt[i] == 0)
			m->unseen[i / 64] |= 1ULL << (i % 64);
		else
			m->unseen[i / 64] &= ~(1ULL << (i % 64));
	}
}

static void count_trigrams(uint32_t *cnt, const char *label)
{
	const unsigned char *p = (const unsigned char *)label;
	int a = SYM_EDGE, b = SYM_EDGE;
	for (size_t k = 0;; k++) {
		int c = p[k] ? sym(p[k]) : SYM_EDGE;
		cnt[(a * V + b) * V + c]++;
		if (!p[k])
			break;
		a = b;
		b = c;
	}
}

/* ---- the word trie ---------------------------------------------------------- */

#define TRIE_END (1ULL << 63) /* a word ends at this node */

typedef struct trie_node {
	uint64_t kids;  /* bit s: a child for symbol s (s < SYM_EDGE) */
	uint32_t first; /* index of the child of the lowest symbol */
} trie_node;

typedef struct trie_build {
	unsigned char (*w)[MAX_WORD]; /* reversed words as symbols, sorted */
	uint8_t *len;
	trie_node *nodes;
	size_t n, cap;
} trie_build;

static int cmp_word(const void *x, const void *y, void *arg)
{
	const trie_build *b = arg;
	size_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	size_t n = b->len[i] < b->len[j] ? b->len[i] : b->len[j];
	int c = memcmp(b->w[i], b->w[j], n);
	return c ? c : (int)b->len[i] - (int)b->len[j];
}

/* Fills node `at` from the sorted words ord[lo,hi), which share their
 * first `depth` symbols; children get one contiguous block. */
static bool trie_fill(trie_build *b, const uint32_t *ord, size_t lo,
		      size_t hi, size_t depth, size_t at)
{
	if (lo < hi && b->len[ord[lo]] == depth) {
		b->nodes[at].kids |= TRIE_END;
		lo++; /* the sort puts the word that ends here first */
	}
	size_t nk = 0;
	for (size_t k = lo; k < hi; k++)
		if (k == lo || b->w[ord[k]][depth] != b->w[ord[k - 1]][depth])
			nk++;
	if (!nk)
		return true;
	if (b->n + nk > b->cap) {
		size_t cap = b->cap * 2 > b->n + nk ? b->cap * 2 : b->n + nk;
		trie_node *p = realloc(b->nodes, cap * sizeof *p);
		if (!p)
			return false;
		b->nodes = p;
		b->cap = cap;
	}
	size_t first = b->n;
	memset(b->nodes + first, 0, nk * sizeof *b->nodes);
	b->n += nk;
	b->nodes[at].first = (uint32_t)first;
	size_t child = first;
	for (size_t k = lo; k < hi;) {
		unsigned char c = b->w[ord[k]][depth];
		size_t e = k;
		while (e < hi && b->w[ord[e]][depth] == c)
			e++;
		b->nodes[at].kids |= 1ULL << c;
		if (!trie_fill(b, ord, k, e, depth + 1, child++))
			return false;
		k = e;
	}
	return true;
}

/* The trie of the words of `set` that segmentation can use: those of
 * MIN_WORD..MAX_WORD characters that the set matches as themselves. */
static cg_err trie_build_from(cg_dns_dga *m, const cg_dns_set *set)
{
	size_t n = cg_dns_set_count(set);
	trie_build b = { 0 };
	b.w = malloc((n ? n : 1) * sizeof *b.w);
	b.len = malloc(n ? n : 1);
	uint32_t *ord = malloc((n ? n : 1) * sizeof *ord);
	b.cap = 1024;
	b.nodes = calloc(b.cap, sizeof *b.nodes);
	cg_err err = CG_ENOMEM;
	if (!b.w || !b.len || !ord || !b.nodes)
		goto out;
	size_t nw = 0;
	for (size_t i = 0; i < n; i++) {
		cg_slice s = cg_dns_set_name(set, (uint32_t)i);
		if (s.len < MIN_WORD || s.len > MAX_WORD || memchr(s.ptr, '.', s.len) ||
		    cg_dns_set_match(set, s) < 0)
			continue;
		bool plain = true; /* a-z, 0-9, '-': other bytes share one symbol */
		for (size_t k = 0; k < s.len; k++) {
			int c = sym((unsigned char)s.ptr[s.len - 1 - k]);
			plain &= c != SYM_OTHER;
			b.w[nw][k] = (unsigned char)c;
		}
		if (!plain)
			continue;
		b.len[nw] = (uint8_t)s.len;
		ord[nw] = (uint32_t)nw;
		nw++;
	}
	qsort_r(ord, nw, sizeof *ord, cmp_word, &b);
	b.n = 1; /* the root */
	if (!trie_fill(&b, ord, 0, nw, 0, 0))
		goto out;
	free(m->trie);
	m->trie = b.nodes;
	m->ntrie = b.n;
	b.nodes = NULL;
	err = CG_OK;
out:
	free(b.w);
	free(b.len);
	free(ord);
	free(b.nodes);
	return err;
}

void cg_dns_dga_features(const cg_dns_dga *m, cg_slice l, double f[CG_DNS_DGA_NFEAT])
{
	size_t n = l.len > 63 ? 63 : l.len;
	const unsigned char *s = (const unsigned char *)l.ptr;
	/* trigram log-likelihood and the share of unseen trigrams */
	double ll = 0, dll = 0;
	int a = SYM_EDGE, b = SYM_EDGE, rare = 0;
	for (size_t i = 0; i <= n; i++) {
		int c = i < n ? sym(s[i]) : SYM_EDGE;
		int idx = (a * V + b) * V + c;
		ll += m->pair[idx].ll;
		dll += m->pair[idx].dll;
		rare += (int)((m->unseen[idx / 64] >> (idx % 64)) & 1);
		a = b;
		b = c;
	}
	int counts[V] = { 0 }, digits = 0, vowels = 0, letters = 0, run = 0,
	    maxrun = 0, distinct = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (counts[sym(c)]++ == 0)
			distinct++;
		if (c >= '0' && c <= '9')
			digits++;
		if (c >= 'a' && c <= 'z') {
			letters++;
			/* a, e, i, o, u, y as bits of the letter's index */
			if ((0x1104111u >> (c - 'a')) & 1) {
				vowels++;
				run = 0;
			} else if (++run > maxrun) {
				maxrun = run;
			}
		} else {
			run = 0;
		}
	}
	double ent = 0;
	for (int k = 0; k < V; k++)
		if (counts[k]) {
			double p = (double)counts[k] / (double)n;
			ent -= p * log2(p);
		}
	/* dictionary segmentation */
	int cov[64] = { 0 }, nw[64] = { 0 };
	for (size_t i = 1; i <= n; i++) {
		cov[i] = cov[i - 1];
		nw[i] = nw[i - 1];
		/* the words ending at i: walk the reversed-word trie backwards */
		const trie_node *t = m->trie;
		for (size_t w = 1; t && w <= MAX_WORD && w <= i; w++) {
			int c = sym(s[i - w]);
			uint64_t bit = 1ULL << c;
			if (c == SYM_OTHER || !(t->kids & bit))
				break;
			t = &m->trie[t->first +
				     (uint32_t)__builtin_popcountll(t->kids & (bit - 1))];
			if (w < MIN_WORD || !(t->kids & TRIE_END))
				continue;
			int c2 = cov[i - w] + (int)w;
			if (c2 > cov[i] || (c2 == cov[i] && nw[i - w] + 1 < nw[i])) {
				cov[i] = c2;
				nw[i] = nw[i - w] + 1;
			}
		}
	}
	double dn = n ? (double)n : 1;
	double coverage = cov[n] / dn;
	f[0] = ll / (dn + 1);
	f[1] = (double)n;
	f[2] = ent;
	f[3] = digits / dn;
	f[4] = letters ? (double)vowels / letters : 0;
	f[5] = maxrun;
	f[6] = distinct / dn;
	f[7] = coverage;
	f[8] = nw[n];
	f[9] = coverage >= 0.85 && n >= 12 ? nw[n] : 0;
	f[10] = (double)rare / (dn + 1);
	f[11] = (dll - ll) / (dn + 1);
}

/* Standardised, and clamped to +-4 deviations so that one odd label
 * cannot dominate the squared terms. */
static double std_feature(const cg_dns_dga *m, const double *f, int k)
{
	double x = (f[k] - m->mean[k]) / m->sd[k];
	return x > 4 ? 4 : x < -4 ? -4 : x;
}

static double linear(const cg_dns_dga *m, const double *f)
{
	double z = m->w[0];
	for (int k = 0; k < CG_DNS_DGA_NFEAT; k++) {
		double x = std_feature(m, f, k);
		z += m->w[k + 1] * x + m->w2[k] * x * x;
	}
	return z;
}

double cg_dns_dga_score_f(const cg_dns_dga *m, cg_slice label,
			  double f[CG_DNS_DGA_NFEAT])
{
	double tmp[CG_DNS_DGA_NFEAT];
	if (!f)
		f = tmp;
	if (label.len == 0) {
		memset(f, 0, CG_DNS_DGA_NFEAT * sizeof *f);
		return 0;
	}
	cg_dns_dga_features(m, label, f);
	return 1.0 / (1.0 + exp(-linear(m, f)));
}

double cg_dns_dga_score(const cg_dns_dga *m, cg_slice label)
{
	return cg_dns_dga_score_f(m, label, NULL);
}

bool cg_dns_dga_wordy(const double f[CG_DNS_DGA_NFEAT])
{
	return f[1] >= 8 && f[3] == 0 && f[7] >= 0.85 && f[8] >= 2;
}

double cg_dns_dga_threshold(const cg_dns_dga *m)
{
	return m->threshold;
}

static cg_dns_dga *dga_new(void)
{
	cg_dns_dga *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->tri = calloc(NTRI, sizeof *m->tri);
	m->cnt = calloc(NTRI, sizeof *m->cnt);
	m->dtri = calloc(NTRI, sizeof *m->dtri);
	m->dcnt = calloc(NTRI, sizeof *m->dcnt);
	m->pair = calloc(NTRI, sizeof *m->pair);
	m->unseen = calloc((NTRI + 63) / 64, sizeof *m->unseen);
	if (!m->tri || !m->cnt || !m->dtri || !m->dcnt || !m->pair || !m->unseen) {
		cg_dns_dga_free(m);
		return NULL;
	}
	for (int k = 0; k < CG_DNS_DGA_NFEAT; k++)
		m->sd[k] = 1;
	return m;
}

void cg_dns_dga_free(cg_dns_dga *m)
{
	if (!m)
		return;
	free(m->tri);
	free(m->cnt);
	free(m->dtri);
	free(m->pair);
	free(m->unseen);
	free(m->dcnt);
	free(m->trie);
	free(m);
}

/* ---- PSL ------------------------------------------------------------------ */

psl_ctx_t *cg_dns_psl_open(void)
{
	psl_ctx_t *p = psl_latest(NULL);
	return p ? p : (psl_ctx_t *)psl_builtin();
}

bool cg_dns_registrable(const psl_ctx_t *psl, const char *name, size_t len,
			cg_slice *domain, cg_slice *label)
{
	if (len == 0 || !psl)
		return false;
	const char *r = psl_registrable_domain(psl, name);
	if (!r)
		return false;
	size_t rl = len - (size_t)(r - name);
	const char *dot = memchr(r, '.', rl);
	if (!dot)
		return false;
	*domain = (cg_slice){ r, rl };
	*label = (cg_slice){ r, (size_t)(dot - r) };
	/* reverse zones and numeric "domains" are not names anyone chose */
	if (rl >= 12 && memcmp(r + rl - 12, "in-addr.arpa", 12) == 0)
		return false;
	if (rl >= 8 && memcmp(r + rl - 8, "ip6.arpa", 8) == 0)
		return false;
	return true;
}

/* ---- model file ----------------------------------------------------------- */

static cg_err load_words(cg_dns_dga *m, const char *path, cg_buf *why)
{
	cg_dns_set *words = cg_dns_set_new();
	if (!words)
		return CG_ENOMEM;
	cg_dns_intel_stats st = { 0 };
	cg_err err = cg_dns_intel_load(words, path, &st, why);
	if (!err)
		err = trie_build_from(m, words);
	cg_dns_set_free(words);
	return err;
}

static bool read_doubles(cg_slice line, const char *key, double *out, int n)
{
	cg_slice rest;
	cg_slice k = cg_slice_cut(line, ' ', &rest);
	if (!cg_slice_eq_cstr(k, key))
		return false;
	for (int i = 0; i < n; i++) {
		if (!rest.ptr)
			return false;
		cg_slice v = cg_slice_cut(rest, ' ', &rest);
		char tmp[64];
		char *end;
		if (cg_slice_copy(v, tmp, sizeof tmp))
			return false;
		out[i] = strtod(tmp, &end);
		if (*end || !isfinite(out[i]))
			return false;
	}
	return rest.ptr == NULL;
}

/* "abc N": one trigram count. */
static bool trigram_line(uint32_t *cnt, cg_slice line)
{
	int a = -1, b = -1, c = -1;
	for (int s = 0; s < V; s++) {
		if (sym_char(s) == line.ptr[0]) a = s;
		if (sym_char(s) == line.ptr[1]) b = s;
		if (sym_char(s) == line.ptr[2]) c = s;
	}
	int64_t v;
	if (a < 0 || b < 0 || c < 0 ||
	    cg_parse_i64((cg_slice){ line.ptr + 4, line.len - 4 }, 0, UINT32_MAX, &v))
		return false;
	cnt[(a * V + b) * V + c] = (uint32_t)v;
	return true;
}

static cg_err parse_model(cg_dns_dga *m, cg_slice text)
{
	cg_slice rest = text;
	cg_slice line = cg_slice_cut(rest, '\n', &rest);
	if (!cg_slice_eq_cstr(line, "canhgac-dga-model 1"))
		return CG_EPARSE;
	bool have[5] = { false };
	while (rest.ptr && rest.len) {
		line = cg_slice_cut(rest, '\n', &rest);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		if (read_doubles(line, "mean", m->mean, CG_DNS_DGA_NFEAT))
			have[0] = true;
		else if (read_doubles(line, "sd", m->sd, CG_DNS_DGA_NFEAT))
			have[1] = true;
		else if (read_doubles(line, "weights", m->w, CG_DNS_DGA_NFEAT + 1))
			have[2] = true;
		else if (read_doubles(line, "weights2", m->w2, CG_DNS_DGA_NFEAT))
			have[4] = true;
		else if (read_doubles(line, "threshold", &m->threshold, 1))
			have[3] = true;
		else if (line.len > 8 && memcmp(line.ptr, "dga ", 4) == 0 &&
			 line.ptr[7] == ' ') {
			if (!trigram_line(m->dcnt, (cg_slice){ line.ptr + 4, line.len - 4 }))
				return CG_EPARSE;
		} else if (line.len > 4 && line.ptr[3] == ' ') {
			if (!trigram_line(m->cnt, line))
				return CG_EPARSE;
		} else {
			return CG_EPARSE;
		}
	}
	for (int k = 0; k < CG_DNS_DGA_NFEAT; k++)
		if (!(m->sd[k] > 0))
			return CG_EPARSE;
	if (!have[0] || !have[1] || !have[2] || !have[3] || !have[4])
		return CG_EPARSE;
	build_logprob(m);
	return CG_OK;
}

cg_err cg_dns_dga_load(const char *dir, cg_dns_dga **out, cg_buf *why)
{
	*out = NULL;
	cg_dns_dga *m = dga_new();
	if (!m)
		return CG_ENOMEM;
	char path[4096];
	snprintf(path, sizeof path, "%s/dga-model.txt", dir);
	cg_buf b;
	cg_buf_init(&b, 16u << 20);
	cg_err err = cg_read_file(path, &b, why);
	if (!err && (err = parse_model(m, cg_buf_slice(&b))) && why)
		cg_buf_printf(why, "%s: not a canhgac DGA model", path);
	cg_buf_free(&b);
	if (!err) {
		snprintf(path, sizeof path, "%s/words.txt", dir);
		err = load_words(m, path, why);
	}
	if (err) {
		cg_dns_dga_free(m);
		return err;
	}
	*out = m;
	return CG_OK;
}

/* ---- training ------------------------------------------------------------- */

/* Benign training names are split again: the trigram counts come from one
 * half and the logistic regression is fitted on the other, so the fit does
 * not learn how familiar the trigram model is with its own training names
 * (which made held-out benign names look ten times more DGA-like). */
typedef struct sample {
	double f[CG_DNS_DGA_NFEAT];
	int family; /* -1 benign, else index into the dga list */
	bool test;  /* held out for the report */
	bool fit;   /* used to fit the regression */
} sample;

typedef struct names {
	char **v;
	char **full; /* the registrable domain */
	int *family;
	size_t n, cap;
} names;

static cg_err read_list(const char *path, int family, psl_ctx_t *psl,
			names *out, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, 256u << 20);
	cg_err err = cg_read_file(path, &b, why);
	if (err) {
		cg_buf_free(&b);
		return err;
	}
	cg_slice rest = cg_buf_slice(&b);
	while (rest.ptr && rest.len) {
		cg_slice line = cg_slice_trim(cg_slice_cut(rest, '\n', &rest));
		char norm[CG_DNS_MAX_NAME + 1];
		size_t len;
		cg_slice dom, label;
		if (!cg_dns_norm_name(line, norm, &len) ||
		    !cg_dns_registrable(psl, norm, len, &dom, &label))
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 4096;
			char **v = realloc(out->v, cap * sizeof *v);
			if (v)
				out->v = v;
			char **full = v ? realloc(out->full, cap * sizeof *full) : NULL;
			if (full)
				out->full = full;
			int *f = full ? realloc(out->family, cap * sizeof *f) : NULL;
			if (!f) {
				cg_buf_free(&b);
				return CG_ENOMEM;
			}
			out->family = f;
			out->cap = cap;
		}
		out->v[out->n] = strndup(label.ptr, label.len);
		out->full[out->n] = strndup(dom.ptr, dom.len);
		out->family[out->n++] = family;
	}
	cg_buf_free(&b);
	return CG_OK;
}

/* 0: held out; 1-2: benign trigram counts; 3-4: regression fit. */
static int split_of(const char *label)
{
	return (int)(cg_dns_hash(label, strlen(label)) % 5);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void fit(cg_dns_dga *m, sample *s, size_t n)
{
	/* standardise on the training split */
	for (int k = 0; k < CG_DNS_DGA_NFEAT; k++) {
		double sum = 0, sq = 0, cnt = 0;
		for (size_t i = 0; i < n; i++)
			if (s[i].fit) {
				sum += s[i].f[k];
				cnt++;
			}
		m->mean[k] = sum / cnt;
		for (size_t i = 0; i < n; i++)
			if (s[i].fit)
				sq += (s[i].f[k] - m->mean[k]) * (s[i].f[k] - m->mean[k]);
		m->sd[k] = sqrt(sq / cnt);
		if (!(m->sd[k] > 1e-9))
			m->sd[k] = 1;
	}
	double nb = 0, nd = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].fit)
			*(s[i].family < 0 ? &nb : &nd) += 1;
	/* full-batch gradient descent, classes weighted equally */
	memset(m->w, 0, sizeof m->w);
	memset(m->w2, 0, sizeof m->w2);
	for (int it = 0; it < 4000; it++) {
		double g[CG_DNS_DGA_NFEAT + 1] = { 0 }, g2[CG_DNS_DGA_NFEAT] = { 0 };
		for (size_t i = 0; i < n; i++) {
			if (!s[i].fit)
				continue;
			double y = s[i].family >= 0;
			double p = 1.0 / (1.0 + exp(-linear(m, s[i].f)));
			double wt = y ? 0.5 / nd : 0.5 / nb;
			double e = (p - y) * wt;
			g[0] += e;
			for (int k = 0; k < CG_DNS_DGA_NFEAT; k++) {
				double x = std_feature(m, s[i].f, k);
				g[k + 1] += e * x;
				g2[k] += e * x * x;
			}
		}
		for (int k = 0; k <= CG_DNS_DGA_NFEAT; k++)
			m->w[k] -= 1.0 * (g[k] + (k ? 1e-4 * m->w[k] : 0));
		for (int k = 0; k < CG_DNS_DGA_NFEAT; k++)
			m->w2[k] -= 0.3 * (g2[k] + 1e-4 * m->w2[k]);
	}
	/* threshold: ~3% of the benign training names above it; a client is
	 * flagged only for several such names, which absorbs these */
	double *bs = malloc((size_t)nb * sizeof *bs);
	size_t j = 0;
	for (size_t i = 0; bs && i < n; i++)
		if (s[i].fit && s[i].family < 0)
			bs[j++] = 1.0 / (1.0 + exp(-linear(m, s[i].f)));
	if (bs && j) {
		qsort(bs, j, sizeof *bs, cmp_double);
		m->threshold = bs[(size_t)(0.97 * (double)(j - 1))];
		if (m->threshold < 0.5)
			m->threshold = 0.5;
	} else {
		m->threshold = 0.5;
	}
	free(bs);
}

static void write_model(const cg_dns_dga *m, cg_buf *out)
{
	cg_buf_puts(out, "canhgac-dga-model 1\n"
			 "# Built by `canhgac dns dga-train` (scripts/dns-build-dga-model.sh)\n"
			 "# from the reference lists in ../shared/data/dns (80% split).\n"
			 "# features: trigram-ll length entropy digits vowels consonant-run\n"
			 "#   distinct coverage words long-all-words rare-trigrams\n"
			 "#   dga-vs-benign-trigram-ll\n");
	const char *keys[2] = { "mean", "sd" };
	const double *vals[2] = { m->mean, m->sd };
	for (int r = 0; r < 2; r++) {
		cg_buf_puts(out, keys[r]);
		for (int k = 0; k < CG_DNS_DGA_NFEAT; k++)
			cg_buf_printf(out, " %.9g", vals[r][k]);
		cg_buf_putc(out, '\n');
	}
	cg_buf_puts(out, "weights");
	for (int k = 0; k <= CG_DNS_DGA_NFEAT; k++)
		cg_buf_printf(out, " %.9g", m->w[k]);
	cg_buf_puts(out, "\nweights2");
	for (int k = 0; k < CG_DNS_DGA_NFEAT; k++)
		cg_buf_printf(out, " %.9g", m->w2[k]);
	cg_buf_printf(out, "\nthreshold %.9g\n", m->threshold);
	for (int i = 0; i < NTRI; i++)
		if (m->cnt[i])
			cg_buf_printf(out, "%c%c%c %u\n", sym_char(i / (V * V)),
				      sym_char(i / V % V), sym_char(i % V), m->cnt[i]);
	for (int i = 0; i < NTRI; i++)
		if (m->dcnt[i])
			cg_buf_printf(out, "dga %c%c%c %u\n", sym_char(i / (V * V)),
				      sym_char(i / V % V), sym_char(i % V), m->dcnt[i]);
}

static const char *family_name(const char *path, char *buf, size_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	if (strncmp(b, "dga-", 4) == 0)
		b += 4;
	snprintf(buf, size, "%s", b);
	char *dot = strrchr(buf, '.');
	if (dot)
		*dot = '\0';
	return buf;
}

static void report_table(const cg_dns_dga *m, const sample *s, size_t n,
			 const char *const *dga, int ndga, cg_buf *rep)
{
	size_t bn = 0, fp = 0, tot_tp = 0, tot_n = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].test && s[i].family < 0) {
			bn++;
			fp += 1.0 / (1.0 + exp(-linear(m, s[i].f))) >= m->threshold;
		}
	cg_buf_printf(rep, "| family | held-out names | detected | recall | precision |\n"
			   "|---|---:|---:|---:|---:|\n");
	for (int f = 0; f < ndga; f++) {
		size_t tn = 0, tp = 0;
		for (size_t i = 0; i < n; i++)
			if (s[i].test && s[i].family == f) {
				tn++;
				tp += 1.0 / (1.0 + exp(-linear(m, s[i].f))) >= m->threshold;
			}
		char fam[128];
		cg_buf_printf(rep, "| %s | %zu | %zu | %.3f | %.3f |\n",
			      family_name(dga[f], fam, sizeof fam), tn, tp,
			      tn ? (double)tp / tn : 0,
			      tp + fp ? (double)tp / (double)(tp + fp) : 0);
		tot_tp += tp;
		tot_n += tn;
	}
	cg_buf_printf(rep, "| **all DGA** | %zu | %zu | %.3f | %.3f |\n", tot_n,
		      tot_tp, tot_n ? (double)tot_tp / tot_n : 0,
		      tot_tp + fp ? (double)tot_tp / (double)(tot_tp + fp) : 0);
	cg_buf_printf(rep, "\nBenign held-out names: %zu, flagged: %zu "
			   "(false-positive rate %.4f). Threshold %.3f.\n",
		      bn, fp, bn ? (double)fp / bn : 0, m->threshold);
}

cg_err cg_dns_dga_train(const char *const *benign, int nbenign,
			const char *const *dga, int ndga, const char *words_path,
			cg_buf *model_out, cg_buf *report, cg_buf *heldout,
			cg_buf *why)
{
	psl_ctx_t *psl = cg_dns_psl_open();
	cg_dns_dga *m = dga_new();
	names nm = { 0 };
	sample *s = NULL;
	cg_err err = psl && m ? CG_OK : CG_ENOMEM;
	if (!err)
		err = load_words(m, words_path, why);
	for (int i = 0; !err && i < nbenign; i++)
		err = read_list(benign[i], -1, psl, &nm, why);
	for (int i = 0; !err && i < ndga; i++)
		err = read_list(dga[i], i, psl, &nm, why);
	if (!err && !(s = calloc(nm.n ? nm.n : 1, sizeof *s)))
		err = CG_ENOMEM;
	if (!err) {
		/* the benign trigram model sees only benign training names */
		for (size_t i = 0; i < nm.n; i++) {
			int split = split_of(nm.v[i]);
			s[i].family = nm.family[i];
			s[i].test = split == 0;
			s[i].fit = !s[i].test && (s[i].family >= 0 || split >= 3);
			if (s[i].test)
				continue;
			/* DGA trigrams from half the DGA training names, like the
			 * benign ones, so the fit sees unseen names on both sides */
			if (s[i].family >= 0 && split <= 2) {
				count_trigrams(m->dcnt, nm.v[i]);
				s[i].fit = false;
			} else if (s[i].family < 0 && split <= 2) {
				count_trigrams(m->cnt, nm.v[i]);
			}
		}
		build_logprob(m);
		for (size_t i = 0; i < nm.n; i++)
			cg_dns_dga_features(m, cg_slice_cstr(nm.v[i]), s[i].f);
		fit(m, s, nm.n);
		write_model(m, model_out);
		report_table(m, s, nm.n, dga, ndga, report);
		for (size_t i = 0; heldout && i < nm.n; i++) {
			char fam[128];
			if (s[i].test)
				cg_buf_printf(heldout, "%s\t%s\n", s[i].family < 0 ? "benign"
					      : family_name(dga[s[i].family], fam, sizeof fam),
					      nm.full[i]);
		}
	}
	for (size_t i = 0; i < nm.n; i++) {
		free(nm.v[i]);
		free(nm.full[i]);
	}
	free(nm.v);
	free(nm.full);
	free(nm.family);
	free(s);
	cg_dns_dga_free(m);
	if (psl)
		psl_free(psl);
	return err;
}
