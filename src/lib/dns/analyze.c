/*
 * analyze.c - the per-client roll-up (see analyze.h for what is decided).
 *
 * Four hash tables, all open addressing over a uint64 slot array whose
 * slot holds (upper 32 bits of the hash) << 32 | (entry index + 1), so most
 * probes are settled without touching the entry:
 *
 *   names    query name -> what it means (blocklist entry, domain, allow,
 *            subdomain length/entropy). A cache: flushed when full.
 *   domains  registrable domain -> DGA score, distinct clients (to 8).
 *   clients  client address -> first/last seen, counts, evidence.
 *   pairs    (client, domain) for tunnelling and (client, name) for
 *            beaconing, only for names that could matter.
 *
 * Strings live in append-only arenas addressed by offset, so the tables
 * can grow by realloc without invalidating anything. The hot path for a
 * repeated name is: one name-cache probe, one client probe, one beacon
 * probe, and a scan of the domain's eight client slots. No allocation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"
#include "dns/analyze.h"
#include "dns/hash.h"

#define DOM_CLIENTS 8

void cg_dns_opts_default(cg_dns_opts *o)
{
	*o = (cg_dns_opts){
		.since_ms = INT64_MIN,
		.until_ms = INT64_MAX,
		.dga_min_names = 5,
		.dga_min_ratio = 0.1,
		.dga_max_clients = 3,
		.tunnel_min_unique = 50,
		.tunnel_min_len = 30,
		.tunnel_min_entropy = 3.0,
		.tunnel_min_txt = 100,
		.beacon_min_count = 12,
		.beacon_max_cv = 0.1,
		.beacon_min_interval_ms = 10000,
		.beacon_max_clients = 3,
		.words_min_names = 8,
		.words_max_queries = 2,
		.words_window_ms = 120 * 1000,
		.words_min_share = 0.75,
		.samples = 10,
	};
}

/* ---- arenas and tables ---------------------------------------------------- */

typedef struct arena {
	char *p;
	size_t len, cap;
} arena;

static bool arena_put(arena *a, const char *s, size_t n, uint32_t *off)
{
	if (a->len + n > UINT32_MAX)
		return false;
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 65536;
		while (cap < a->len + n)
			cap *= 2;
		char *p = realloc(a->p, cap);
		if (!p)
			return false;
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, s, n);
	*off = (uint32_t)a->len;
	a->len += n;
	return true;
}

typedef struct tab {
	uint64_t *slots;
	size_t mask, n;
} tab;

static bool tab_init(tab *t, size_t nslots)
{
	t->slots = calloc(nslots, sizeof *t->slots);
	t->mask = nslots - 1;
	t->n = 0;
	return t->slots != NULL;
}

#define SLOT(h, idx) (((h) & 0xffffffff00000000ULL) | ((uint64_t)(idx) + 1))
#define SLOT_IDX(s) ((uint32_t)((s) & 0xffffffffu) - 1)
#define SLOT_HI(h) ((h) & 0xffffffff00000000ULL)

/* Doubles the table; every entry starts with its uint64 hash. */
static bool tab_grow(tab *t, const void *ents, size_t stride)
{
	size_t n = (t->mask + 1) * 2;
	uint64_t *s = calloc(n, sizeof *s);
	if (!s)
		return false;
	for (size_t k = 0; k < t->n; k++) {
		uint64_t h;
		memcpy(&h, (const char *)ents + k * stride, sizeof h);
		size_t i = h & (n - 1);
		while (s[i])
			i = (i + 1) & (n - 1);
		s[i] = SLOT(h, k);
	}
	free(t->slots);
	t->slots = s;
	t->mask = n - 1;
	return true;
}

static bool vec_grow(void **v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	void *p = realloc(*v, c * elem);
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}

/* ---- entries ---------------------------------------------------------------- */

enum { NF_ALLOW = 1, NF_DOM = 2 };

typedef struct nament {
	uint64_t hash;
	uint32_t off, dom;
	int32_t listed;
	uint8_t len, flags, sublen, subent10;
} nament;

typedef struct doment {
	uint64_t hash;
	uint32_t off;
	uint8_t len, nclients, dga;
	uint8_t wordy;   /* label made of dictionary words */
	uint8_t answers; /* bits: 1 << CG_DNS_ANS_* seen for its names */
	uint8_t nnames;  /* distinct names seen under it (to 255) */
	uint16_t qevents; /* queries, repeats < 1 s apart as one (to 65535) */
	uint32_t last_s; /* time of the last counted query, seconds */
	float score;
	uint32_t cl[DOM_CLIENTS];
} doment;

typedef struct blhit {
	uint32_t listed, count, sample_off;
	uint8_t sample_len;
} blhit;

typedef struct wdent {
	uint32_t dom;
	uint32_t seq; /* the client's first_domains when it was added */
	int64_t t;    /* first query, ms (-1 unknown) */
} wdent;

typedef struct evidence {
	wdent *wd; /* wordy domains this client was the first to ask for */
	size_t nwd, capwd;
	bool wd_announced;
	blhit *bl;
	size_t nbl, capbl;
	uint32_t *dga; /* domain ids */
	size_t ndga, capdga;
	uint32_t *tun; /* tunnel pair ids */
	size_t ntun, captun;
	uint32_t *bea; /* beacon pair ids */
	size_t nbea, capbea;
	bool dga_announced;
} evidence;

typedef struct client {
	uint64_t hash;
	uint32_t off;
	uint8_t len;
	int64_t first, last;
	uint64_t queries;
	uint32_t rare_domains; /* distinct domains it was among the first 8 clients of */
	uint32_t first_domains; /* distinct domains it was the first client of */
	evidence *ev;
} client;

typedef struct tpair {
	uint64_t hash;
	uint32_t client, dom;
	uint32_t queries, txt, nuniq;
	bool flagged;
	uint64_t *uniq; /* set of subdomain hashes, capacity umask+1 */
	size_t umask;
	double sumlen;
} tpair;

/* 40 bytes: there can be millions. The key is the 64-bit hash of (name,
 * client) plus the client: two names of one client colliding in 64 bits
 * is not a practical worry. Interval sums in float are precise enough for
 * a coefficient of variation (relative error ~1e-7 per sample). */
typedef struct bpair {
	uint64_t hash;
	uint32_t client, dom;
	int64_t last;
	float sum, sum2; /* of intervals, seconds */
	uint32_t name_off;
	uint16_t count;
	uint8_t name_len;
	bool flagged;
} bpair;

struct cg_dns_analyzer {
	cg_dns_opts o;
	const cg_dns_set *bl, *allow;
	const cg_dns_dga *dga;
	const psl_ctx_t *psl;
	double dga_threshold;
	cg_dns_reason_fn on_reason;
	void *on_reason_ctx;

	tab tnames;
	nament *names;
	size_t capnames;
	arena namestr;

	tab tdoms;
	doment *doms;
	size_t capdoms;
	arena domstr;

	tab tclients;
	client *clients;
	size_t capclients;
	arena clientstr;

	tab ttun;
	tpair *tun;
	size_t captun;

	tab tbea;
	bpair *bea;
	size_t capbea;

	arena samples; /* sample names kept as evidence */
	uint32_t *flagged;
	size_t nflagged;
	cg_dns_counts c;
	bool answers_seen; /* the log carries response codes */
	bool oom;
};

cg_err cg_dns_analyzer_new(const cg_dns_opts *o, const cg_dns_set *blocklist,
			   const cg_dns_set *allow, const cg_dns_dga *dga,
			   const psl_ctx_t *psl, cg_dns_analyzer **out)
{
	cg_dns_analyzer *a = calloc(1, sizeof *a);
	if (!a)
		return CG_ENOMEM;
	a->o = *o;
	a->bl = blocklist;
	a->allow = allow;
	a->dga = psl ? dga : NULL;
	a->psl = psl;
	a->dga_threshold = dga ? cg_dns_dga_threshold(dga) : 2;
	if (!tab_init(&a->tnames, 1 << 14) || !tab_init(&a->tdoms, 1 << 12) ||
	    !tab_init(&a->tclients, 1 << 10) || !tab_init(&a->ttun, 1 << 8) ||
	    !tab_init(&a->tbea, 1 << 12)) {
		cg_dns_analyzer_free(a);
		return CG_ENOMEM;
	}
	*out = a;
	return CG_OK;
}

static void free_evidence(evidence *e)
{
	if (!e)
		return;
	free(e->wd);
	free(e->bl);
	free(e->dga);
	free(e->tun);
	free(e->bea);
	free(e);
}

void cg_dns_analyzer_free(cg_dns_analyzer *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->tclients.n; i++)
		free_evidence(a->clients[i].ev);
	for (size_t i = 0; i < a->ttun.n; i++)
		free(a->tun[i].uniq);
	free(a->tnames.slots);
	free(a->names);
	free(a->namestr.p);
	free(a->tdoms.slots);
	free(a->doms);
	free(a->domstr.p);
	free(a->tclients.slots);
	free(a->clients);
	free(a->clientstr.p);
	free(a->ttun.slots);
	free(a->tun);
	free(a->tbea.slots);
	free(a->bea);
	free(a->samples.p);
	free(a->flagged);
	free(a);
}

void cg_dns_analyzer_on_reason(cg_dns_analyzer *a, cg_dns_reason_fn fn, void *ctx)
{
	a->on_reason = fn;
	a->on_reason_ctx = ctx;
}

void cg_dns_analyzer_counts(const cg_dns_analyzer *a, cg_dns_counts *c)
{
	*c = a->c;
	c->clients = a->tclients.n;
	c->domains = a->tdoms.n;
}

static void announce(cg_dns_analyzer *a, uint32_t cid, const char *kind)
{
	if (a->on_reason)
		a->on_reason(a->on_reason_ctx, a, cid, kind);
}

/* ---- domains and names ---------------------------------------------------- */

static double entropy(const char *s, size_t n)
{
	unsigned cnt[256] = { 0 };
	for (size_t i = 0; i < n; i++)
		cnt[(unsigned char)s[i]]++;
	double e = 0;
	for (int k = 0; k < 256; k++)
		if (cnt[k]) {
			double p = (double)cnt[k] / (double)n;
			e -= p * log2(p);
		}
	return e;
}

static int64_t domain_get(cg_dns_analyzer *a, cg_slice d, cg_slice label,
			  bool allowed)
{
	uint64_t h = cg_dns_hash(d.ptr, d.len);
	size_t i;
	for (i = h & a->tdoms.mask; a->tdoms.slots[i]; i = (i + 1) & a->tdoms.mask) {
		uint64_t s = a->tdoms.slots[i];
		if (SLOT_HI(s) != SLOT_HI(h))
			continue;
		doment *e = &a->doms[SLOT_IDX(s)];
		if (e->len == d.len && memcmp(a->domstr.p + e->off, d.ptr, d.len) == 0)
			return SLOT_IDX(s);
	}
	if (a->tdoms.n >= CG_DNS_MAX_DOMAINS)
		return -1;
	doment e = { .hash = h, .len = (uint8_t)d.len };
	if (!vec_grow((void **)&a->doms, &a->capdoms, a->tdoms.n + 1, sizeof e) ||
	    !arena_put(&a->domstr, d.ptr, d.len, &e.off)) {
		a->oom = true;
		return -1;
	}
	if (a->dga && !allowed) {
		double f[CG_DNS_DGA_NFEAT];
		e.score = (float)cg_dns_dga_score_f(a->dga, label, f);
		e.dga = e.score >= a->dga_threshold;
		e.wordy = cg_dns_dga_wordy(f);
	}
	uint32_t id = (uint32_t)a->tdoms.n;
	a->doms[id] = e;
	a->tdoms.slots[i] = SLOT(h, id);
	if (++a->tdoms.n * 2 > a->tdoms.mask + 1 &&
	    !tab_grow(&a->tdoms, a->doms, sizeof *a->doms))
		a->oom = true;
	return id;
}

static void names_flush(cg_dns_analyzer *a)
{
	memset(a->tnames.slots, 0, (a->tnames.mask + 1) * sizeof *a->tnames.slots);
	a->tnames.n = 0;
	a->namestr.len = 0;
}

static nament *name_get(cg_dns_analyzer *a, cg_slice q, uint64_t h)
{
	size_t i;
	for (i = h & a->tnames.mask; a->tnames.slots[i]; i = (i + 1) & a->tnames.mask) {
		uint64_t s = a->tnames.slots[i];
		if (SLOT_HI(s) != SLOT_HI(h))
			continue;
		nament *e = &a->names[SLOT_IDX(s)];
		if (e->len == q.len && memcmp(a->namestr.p + e->off, q.ptr, q.len) == 0)
			return e;
	}
	if (a->tnames.n >= CG_DNS_NAME_CACHE) {
		names_flush(a);
		return name_get(a, q, h);
	}
	nament e = { .hash = h, .len = (uint8_t)q.len, .listed = -1 };
	if (!vec_grow((void **)&a->names, &a->capnames, a->tnames.n + 1, sizeof e) ||
	    !arena_put(&a->namestr, q.ptr, q.len, &e.off)) {
		a->oom = true;
		return NULL;
	}
	if (a->bl)
		e.listed = (int32_t)cg_dns_set_match(a->bl, q);
	bool allowed = a->allow && cg_dns_set_match(a->allow, q) >= 0;
	if (allowed)
		e.flags |= NF_ALLOW;
	cg_slice dom, label;
	/* psl wants a NUL-terminated name: q comes from a parser's array */
	char tmp[CG_DNS_MAX_NAME + 1];
	memcpy(tmp, q.ptr, q.len);
	tmp[q.len] = '\0';
	if (a->psl && cg_dns_registrable(a->psl, tmp, q.len, &dom, &label)) {
		int64_t d = domain_get(a, dom, label, allowed);
		if (d >= 0) {
			e.flags |= NF_DOM;
			e.dom = (uint32_t)d;
			if (a->doms[d].nnames < 255)
				a->doms[d].nnames++;
			size_t sub = q.len - dom.len;
			sub = sub ? sub - 1 : 0; /* without the dot */
			e.sublen = (uint8_t)(sub > 255 ? 255 : sub);
			e.subent10 = (uint8_t)(sub ? 10 * entropy(tmp, sub) : 0);
		}
	}
	uint32_t id = (uint32_t)a->tnames.n;
	a->names[id] = e;
	a->tnames.slots[i] = SLOT(h, id);
	if (++a->tnames.n * 2 > a->tnames.mask + 1 &&
	    !tab_grow(&a->tnames, a->names, sizeof *a->names))
		a->oom = true;
	return &a->names[id];
}

/* ---- clients ------------------------------------------------------------------ */

static int64_t client_get(cg_dns_analyzer *a, cg_slice ip, uint64_t h)
{
	size_t i;
	for (i = h & a->tclients.mask; a->tclients.slots[i];
	     i = (i + 1) & a->tclients.mask) {
		uint64_t s = a->tclients.slots[i];
		if (SLOT_HI(s) != SLOT_HI(h))
			continue;
		client *e = &a->clients[SLOT_IDX(s)];
		if (e->len == ip.len && memcmp(a->clientstr.p + e->off, ip.ptr, ip.len) == 0)
			return SLOT_IDX(s);
	}
	if (a->tclients.n >= CG_DNS_MAX_CLIENTS) {
		a->c.clients_untracked++;
		return -1;
	}
	client e = { .hash = h, .len = (uint8_t)ip.len, .first = -1, .last = -1 };
	if (!vec_grow((void **)&a->clients, &a->capclients, a->tclients.n + 1,
		      sizeof e) ||
	    !arena_put(&a->clientstr, ip.ptr, ip.len, &e.off)) {
		a->oom = true;
		return -1;
	}
	uint32_t id = (uint32_t)a->tclients.n;
	a->clients[id] = e;
	a->tclients.slots[i] = SLOT(h, id);
	if (++a->tclients.n * 2 > a->tclients.mask + 1 &&
	    !tab_grow(&a->tclients, a->clients, sizeof *a->clients))
		a->oom = true;
	return id;
}

static evidence *ev_of(cg_dns_analyzer *a, uint32_t cid)
{
	client *c = &a->clients[cid];
	if (!c->ev && !(c->ev = calloc(1, sizeof *c->ev)))
		a->oom = true;
	return c->ev;
}

static bool sample_put(cg_dns_analyzer *a, cg_slice s, uint32_t *off, uint8_t *len)
{
	if (!arena_put(&a->samples, s.ptr, s.len, off)) {
		a->oom = true;
		return false;
	}
	*len = (uint8_t)s.len;
	return true;
}

static void blocklist_hit(cg_dns_analyzer *a, uint32_t cid, int32_t listed,
			  cg_slice q)
{
	evidence *e = ev_of(a, cid);
	if (!e)
		return;
	for (size_t i = 0; i < e->nbl; i++)
		if (e->bl[i].listed == (uint32_t)listed) {
			e->bl[i].count++;
			return;
		}
	if (e->nbl >= CG_DNS_MAX_PER_CLIENT ||
	    !vec_grow((void **)&e->bl, &e->capbl, e->nbl + 1, sizeof *e->bl))
		return;
	blhit *b = &e->bl[e->nbl];
	*b = (blhit){ .listed = (uint32_t)listed, .count = 1 };
	if (!sample_put(a, q, &b->sample_off, &b->sample_len))
		return;
	e->nbl++;
	announce(a, cid, "blocklist");
}

static size_t dga_count(const cg_dns_analyzer *a, const evidence *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->ndga; i++)
		n += a->doms[e->dga[i]].nclients <= a->o.dga_max_clients;
	return n;
}

/* Enough DGA-like names, absolutely and as a share of the rarely-queried
 * domains the client visits: the model flags ~3% of benign names, so a
 * busy benign client reaches any fixed count by chance; infected ones
 * query DGA names by the dozen among few others. */
static bool dga_enough(const cg_dns_analyzer *a, const client *c, size_t nd)
{
	return nd >= (size_t)a->o.dga_min_names &&
	       (double)nd >= a->o.dga_min_ratio * (double)c->rare_domains;
}

static void dga_hit(cg_dns_analyzer *a, uint32_t cid, uint32_t dom)
{
	evidence *e = ev_of(a, cid);
	if (!e)
		return;
	for (size_t i = 0; i < e->ndga; i++)
		if (e->dga[i] == dom)
			return;
	if (e->ndga >= CG_DNS_MAX_PER_CLIENT ||
	    !vec_grow((void **)&e->dga, &e->capdga, e->ndga + 1, sizeof *e->dga))
		return;
	e->dga[e->ndga++] = dom;
	if (!e->dga_announced && dga_enough(a, &a->clients[cid], dga_count(a, e))) {
		e->dga_announced = true;
		announce(a, cid, "dga");
	}
}

/* True when cid is new among the domain's first DOM_CLIENTS clients. */
static bool domain_client(doment *d, uint32_t cid)
{
	for (int k = 0; k < d->nclients && k < DOM_CLIENTS; k++)
		if (d->cl[k] == cid)
			return false;
	bool fresh = d->nclients < DOM_CLIENTS;
	if (fresh)
		d->cl[d->nclients] = cid;
	if (d->nclients <= DOM_CLIENTS)
		d->nclients++; /* DOM_CLIENTS+1 means "more than DOM_CLIENTS" */
	return fresh;
}

/* ---- word-based DGAs ------------------------------------------------------------ */

static int cmp_wd(const void *x, const void *y)
{
	const wdent *p = x, *q = y;
	return p->t < q->t ? -1 : p->t > q->t ? 1 : (p->dom > q->dom) - (p->dom < q->dom);
}

/* The most wordy domains of e that still qualify (asked by this client
 * only, few queries, one or two names) with first queries inside one
 * window, and making up at least words_min_share of all the domains the
 * client was first to ask for in that stretch (a DGA burst is nearly all
 * such names; a person's search session mixes them with sites that load
 * several names). *at gets the index in `tmp` (sorted by time) where that
 * window starts. tmp holds up to CG_DNS_MAX_PER_CLIENT entries. */
static size_t words_count(const cg_dns_analyzer *a, const evidence *e, wdent *tmp,
			  size_t *at)
{
	size_t n = 0;
	*at = 0;
	if (!e || a->o.words_min_names <= 0)
		return 0;
	for (size_t i = 0; i < e->nwd; i++) {
		const doment *d = &a->doms[e->wd[i].dom];
		/* a name that resolved is a site (or the one registered C2
		 * domain of the burst): where the log has answers, only the
		 * names that did not resolve count */
		if (d->nclients == 1 && d->qevents <= a->o.words_max_queries &&
		    d->nnames <= 2 && !(d->answers & (1u << CG_DNS_ANS_NOERROR)))
			tmp[n++] = e->wd[i];
	}
	size_t min = (size_t)a->o.words_min_names;
	if (n < min)
		return 0;
	qsort(tmp, n, sizeof *tmp, cmp_wd);
	size_t best = 0;
	for (size_t lo = 0; lo + min <= n; lo++) {
		uint32_t smin = UINT32_MAX, smax = 0;
		for (size_t hi = lo; hi < n && tmp[hi].t - tmp[lo].t <= a->o.words_window_ms; hi++) {
			smin = tmp[hi].seq < smin ? tmp[hi].seq : smin;
			smax = tmp[hi].seq > smax ? tmp[hi].seq : smax;
			size_t cnt = hi - lo + 1;
			if (cnt >= min && cnt > best &&
			    (double)cnt >= a->o.words_min_share * (double)(smax - smin + 1)) {
				best = cnt;
				*at = lo;
			}
		}
	}
	return best;
}

static void words_hit(cg_dns_analyzer *a, uint32_t cid, uint32_t dom, int64_t t)
{
	evidence *e = ev_of(a, cid);
	if (!e || e->nwd >= CG_DNS_MAX_PER_CLIENT ||
	    !vec_grow((void **)&e->wd, &e->capwd, e->nwd + 1, sizeof *e->wd))
		return;
	e->wd[e->nwd++] = (wdent){ dom, a->clients[cid].first_domains, t };
	if (e->wd_announced || e->nwd < (size_t)a->o.words_min_names)
		return;
	/* the full judgement sorts; a busy client gathers many candidates
	 * over a day, so first a linear count of those near this one */
	size_t near = 0;
	for (size_t i = 0; i < e->nwd; i++) {
		int64_t dt = e->wd[i].t - t;
		near += dt <= a->o.words_window_ms && dt >= -a->o.words_window_ms;
	}
	if (near >= (size_t)a->o.words_min_names) {
		wdent tmp[CG_DNS_MAX_PER_CLIENT];
		size_t at;
		if (words_count(a, e, tmp, &at)) {
			e->wd_announced = true;
			announce(a, cid, "dga_words");
		}
	}
}

/* ---- tunnelling ------------------------------------------------------------------ */

static bool uniq_grow(tpair *p)
{
	size_t cap = p->uniq ? (p->umask + 1) * 2 : 8;
	uint64_t *u = calloc(cap, sizeof *u);
	if (!u)
		return false;
	for (size_t k = 0; p->uniq && k <= p->umask; k++) {
		if (!p->uniq[k])
			continue;
		size_t j = p->uniq[k] & (cap - 1);
		while (u[j])
			j = (j + 1) & (cap - 1);
		u[j] = p->uniq[k];
	}
	free(p->uniq);
	p->uniq = u;
	p->umask = cap - 1;
	return true;
}

static void tunnel(cg_dns_analyzer *a, uint32_t cid, const nament *n,
		   cg_slice q, uint16_t qtype)
{
	/* TXT/NULL count only with a subdomain that can carry data (half the
	 * long length): a tunnel's client sends its bytes in the name */
	bool txt = (qtype == 16 || qtype == 10) && n->sublen >= a->o.tunnel_min_len / 2;
	bool longsub = n->sublen >= a->o.tunnel_min_len &&
		       n->subent10 >= 10 * a->o.tunnel_min_entropy;
	if (!txt && !longsub)
		return;
	uint64_t h = cg_dns_mix(((uint64_t)cid << 32 | n->dom) ^ 0x5bd1e995);
	size_t i;
	tpair *p = NULL;
	for (i = h & a->ttun.mask; a->ttun.slots[i]; i = (i + 1) & a->ttun.mask) {
		tpair *e = &a->tun[SLOT_IDX(a->ttun.slots[i])];
		if (e->client == cid && e->dom == n->dom) {
			p = e;
			break;
		}
	}
	if (!p) {
		if (a->ttun.n >= CG_DNS_MAX_TUNNEL_PAIRS)
			return;
		tpair e = { .hash = h, .client = cid, .dom = n->dom };
		if (!vec_grow((void **)&a->tun, &a->captun, a->ttun.n + 1, sizeof e)) {
			a->oom = true;
			return;
		}
		uint32_t id = (uint32_t)a->ttun.n;
		a->tun[id] = e;
		a->ttun.slots[i] = SLOT(h, id);
		p = &a->tun[id];
		if (++a->ttun.n * 2 > a->ttun.mask + 1) {
			if (!tab_grow(&a->ttun, a->tun, sizeof *a->tun))
				a->oom = true;
			p = &a->tun[id];
		}
	}
	p->queries++;
	p->txt += txt;
	/* distinct names, counted until the threshold is passed; the set
	 * starts small (most pairs see a handful of names) and doubles */
	if (p->nuniq < (uint32_t)a->o.tunnel_min_unique) {
		if ((p->nuniq + 1) * 2 > (p->uniq ? p->umask + 1 : 0) && !uniq_grow(p)) {
			a->oom = true;
			return;
		}
		uint64_t nh = cg_dns_hash(q.ptr, q.len) | 1;
		size_t k;
		for (k = nh & p->umask; p->uniq[k] && p->uniq[k] != nh; k = (k + 1) & p->umask)
			;
		if (!p->uniq[k]) {
			p->uniq[k] = nh;
			p->nuniq++;
			p->sumlen += n->sublen;
		}
	}
	if (!p->flagged &&
	    ((longsub && p->nuniq >= (uint32_t)a->o.tunnel_min_unique) ||
	     (p->txt >= (uint32_t)a->o.tunnel_min_txt &&
	      p->nuniq >= (uint32_t)a->o.tunnel_min_unique / 4))) {
		p->flagged = true;
		evidence *e = ev_of(a, cid);
		if (e && e->ntun < CG_DNS_MAX_PER_CLIENT &&
		    vec_grow((void **)&e->tun, &e->captun, e->ntun + 1, sizeof *e->tun)) {
			e->tun[e->ntun++] = (uint32_t)(p - a->tun);
			announce(a, cid, "tunnel");
		}
	}
}

/* ---- beaconing ------------------------------------------------------------------- */

static bool beacon_regular(const cg_dns_analyzer *a, const bpair *p, double *mean,
			   double *cv)
{
	double n = p->count - 1;
	if (p->count < (uint32_t)a->o.beacon_min_count || n < 1)
		return false;
	*mean = p->sum / n;
	double var = p->sum2 / n - *mean * *mean;
	*cv = *mean > 0 ? sqrt(var > 0 ? var : 0) / *mean : 1e9;
	return *mean * 1000 >= (double)a->o.beacon_min_interval_ms &&
	       *cv <= a->o.beacon_max_cv;
}

static uint64_t beacon_hash(uint64_t name_hash, uint32_t cid)
{
	return cg_dns_mix(name_hash ^ ((uint64_t)cid * 0x9e3779b97f4a7c15ULL));
}

static void beacon(cg_dns_analyzer *a, uint32_t cid, const nament *n,
		   cg_slice q, int64_t t)
{
	uint64_t h = beacon_hash(n->hash, cid);
	size_t i;
	bpair *p = NULL;
	for (i = h & a->tbea.mask; a->tbea.slots[i]; i = (i + 1) & a->tbea.mask) {
		uint64_t s = a->tbea.slots[i];
		if (SLOT_HI(s) != SLOT_HI(h))
			continue;
		bpair *e = &a->bea[SLOT_IDX(s)];
		if (e->client == cid && e->hash == h) {
			p = e;
			break;
		}
	}
	if (!p) {
		if (a->tbea.n >= CG_DNS_MAX_BEACON_PAIRS)
			return;
		bpair e = { .hash = h, .client = cid, .dom = n->dom, .count = 1,
			    .last = t };
		if (!vec_grow((void **)&a->bea, &a->capbea, a->tbea.n + 1, sizeof e)) {
			a->oom = true;
			return;
		}
		uint32_t id = (uint32_t)a->tbea.n;
		a->bea[id] = e;
		a->tbea.slots[i] = SLOT(h, id);
		if (++a->tbea.n * 2 > a->tbea.mask + 1 &&
		    !tab_grow(&a->tbea, a->bea, sizeof *a->bea))
			a->oom = true;
		return;
	}
	int64_t dt = t - p->last;
	if (dt < 1000)
		return; /* A and AAAA together, retries: one event */
	if (p->count == UINT16_MAX)
		return; /* plenty of samples */
	float d = (float)dt / 1000.0f;
	p->last = t;
	p->count++;
	p->sum += d;
	p->sum2 += d * d;
	double mean, cv;
	if (!p->flagged && beacon_regular(a, p, &mean, &cv)) {
		p->flagged = true;
		evidence *e = ev_of(a, cid);
		if (e && e->nbea < CG_DNS_MAX_PER_CLIENT &&
		    vec_grow((void **)&e->bea, &e->capbea, e->nbea + 1, sizeof *e->bea) &&
		    sample_put(a, q, &p->name_off, &p->name_len)) {
			e->bea[e->nbea++] = (uint32_t)(p - a->bea);
			if (a->doms[p->dom].nclients <= a->o.beacon_max_clients)
				announce(a, cid, "beacon");
		}
	}
}

/* ---- the hot path ------------------------------------------------------------------ */

static void add_one(cg_dns_analyzer *a, const cg_dns_rec *r, uint64_t nh,
		    uint64_t ch);

int cg_dns_analyzer_add(void *ctx, const cg_dns_rec *r)
{
	add_one(ctx, r, cg_dns_hash(r->qname.ptr, r->qname.len),
		cg_dns_hash(r->client.ptr, r->client.len));
	return 0;
}

/* The tables outgrow the caches on a big log (a quarter of a million
 * names: several MB of slots and entries), and a record costs a few cache
 * misses one after the other: the client's slot and entry, the name's
 * slot, its entry, the entry's string and domain, the beacon pair's slot.
 * So a batch is walked with three look-aheads: the hashes are computed
 * and the slots prefetched PF_SLOT records ahead, the slots read and the
 * entries prefetched PF_ENT ahead, the entries read and the name's
 * string, its domain and the beacon slot prefetched PF_STR ahead. Only
 * reads, bounds
 * checked against the current tables (which may grow or be flushed in
 * between: a stale hint costs a miss, never a wrong answer). */
#define PF_SLOT 16
#define PF_ENT 8
#define PF_STR 4

static uint32_t peek(const tab *t, uint64_t h)
{
	uint64_t s = t->slots[h & t->mask];
	if (!s || SLOT_HI(s) != SLOT_HI(h) || SLOT_IDX(s) >= t->n)
		return UINT32_MAX;
	return SLOT_IDX(s);
}

#define RING (PF_SLOT * 2)

int cg_dns_analyzer_add_batch(void *ctx, const cg_dns_rec *r, size_t n)
{
	cg_dns_analyzer *a = ctx;
	uint64_t hr[RING], cr[RING]; /* rings of name and client hashes */
	for (size_t i = 0; i < n && i < PF_SLOT; i++) {
		hr[i] = cg_dns_hash(r[i].qname.ptr, r[i].qname.len);
		cr[i] = cg_dns_hash(r[i].client.ptr, r[i].client.len);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = i + PF_SLOT;
		if (k < n) {
			uint64_t h = cg_dns_hash(r[k].qname.ptr, r[k].qname.len);
			uint64_t c = cg_dns_hash(r[k].client.ptr, r[k].client.len);
			hr[k % RING] = h;
			cr[k % RING] = c;
			__builtin_prefetch(&a->tnames.slots[h & a->tnames.mask]);
			__builtin_prefetch(&a->tclients.slots[c & a->tclients.mask]);
		}
		if ((k = i + PF_ENT) < n) {
			uint32_t id = peek(&a->tnames, hr[k % RING]);
			if (id != UINT32_MAX)
				__builtin_prefetch(&a->names[id]);
			id = peek(&a->tclients, cr[k % RING]);
			if (id != UINT32_MAX)
				__builtin_prefetch(&a->clients[id]);
		}
		if ((k = i + PF_STR) < n) {
			uint32_t id = peek(&a->tnames, hr[k % RING]);
			uint32_t cid = peek(&a->tclients, cr[k % RING]);
			if (id != UINT32_MAX) {
				const nament *e = &a->names[id];
				if (e->off < a->namestr.len)
					__builtin_prefetch(a->namestr.p + e->off);
				if ((e->flags & NF_DOM) && e->dom < a->tdoms.n)
					__builtin_prefetch(&a->doms[e->dom]);
				if (cid != UINT32_MAX) {
					uint64_t bh = beacon_hash(e->hash, cid);
					__builtin_prefetch(&a->tbea.slots[bh & a->tbea.mask]);
				}
			}
		}
		add_one(a, &r[i], hr[i % RING], cr[i % RING]);
	}
	return 0;
}

static void add_one(cg_dns_analyzer *a, const cg_dns_rec *r, uint64_t nh,
		    uint64_t ch)
{
	if (r->time_ms >= 0 && (r->time_ms < a->o.since_ms || r->time_ms >= a->o.until_ms)) {
		a->c.out_of_window++;
		return;
	}
	if (r->qname.len == 0 || r->qname.len > CG_DNS_MAX_NAME ||
	    r->client.len == 0 || r->client.len > CG_DNS_MAX_CLIENT)
		return;
	a->c.queries++;
	int64_t cid = client_get(a, r->client, ch);
	if (cid < 0)
		return;
	client *c = &a->clients[cid];
	c->queries++;
	if (r->time_ms >= 0) {
		if (c->first < 0 || r->time_ms < c->first)
			c->first = r->time_ms;
		if (r->time_ms > c->last)
			c->last = r->time_ms;
	}
	nament *n = name_get(a, r->qname, nh);
	if (!n)
		return;
	if (n->listed >= 0)
		blocklist_hit(a, (uint32_t)cid, n->listed, r->qname);
	if (!(n->flags & NF_DOM) || (n->flags & NF_ALLOW))
		return;
	nament ncopy = *n; /* the name cache may move below */
	doment *d = &a->doms[ncopy.dom];
	bool first_client = d->nclients == 0;
	if (domain_client(d, (uint32_t)cid))
		a->clients[cid].rare_domains++;
	if (first_client)
		a->clients[cid].first_domains++;
	/* query events: a retry or the A+AAAA pair within a second is one */
	uint32_t ts = r->time_ms >= 0 ? (uint32_t)(r->time_ms / 1000) : 0;
	if (d->qevents < UINT16_MAX && (d->qevents == 0 || r->time_ms < 0 || ts > d->last_s))
		d->qevents++;
	if (ts > d->last_s)
		d->last_s = ts;
	if (r->answer) {
		d->answers |= (uint8_t)(1u << r->answer);
		a->answers_seen = true;
	}
	if (d->wordy && first_client)
		words_hit(a, (uint32_t)cid, ncopy.dom, r->time_ms);
	if (d->dga)
		dga_hit(a, (uint32_t)cid, ncopy.dom);
	tunnel(a, (uint32_t)cid, &ncopy, r->qname, r->qtype);
	/* A name many clients query is not a beacon (see analyze.h): once its
	 * domain has more clients than that, new pairs are not tracked. */
	if (r->time_ms >= 0 && d->nclients <= a->o.beacon_max_clients)
		beacon(a, (uint32_t)cid, &ncopy, r->qname, r->time_ms);
}

/* ---- results ---------------------------------------------------------------------- */

typedef struct reasons {
	size_t bl, dga, words, tun, bea;
} reasons;

static reasons count_reasons(const cg_dns_analyzer *a, const client *c)
{
	reasons r = { 0 };
	const evidence *e = c->ev;
	if (!e)
		return r;
	r.bl = e->nbl;
	size_t nd = dga_count(a, e);
	r.dga = dga_enough(a, c, nd) ? nd : 0;
	wdent tmp[CG_DNS_MAX_PER_CLIENT];
	size_t at;
	r.words = words_count(a, e, tmp, &at);
	r.tun = e->ntun;
	for (size_t i = 0; i < e->nbea; i++) {
		const bpair *p = &a->bea[e->bea[i]];
		double mean, cv;
		r.bea += beacon_regular(a, p, &mean, &cv) &&
			 a->doms[p->dom].nclients <= a->o.beacon_max_clients;
	}
	return r;
}

/* A flagged client with its seriousness, computed once before sorting
 * (judging the reasons in the comparison made sorting thousands of
 * flagged clients cost far more than the analysis). */
typedef struct flagent {
	uint32_t id;
	int key; /* blocklist 8, tunnel 4, dga or dga_words 2, beacon 1 */
} flagent;

/* qsort_r: several analyzers may sort at once (the server's jobs). */
static int cmp_flagged(const void *x, const void *y, void *arg)
{
	const cg_dns_analyzer *sort_a = arg;
	const flagent *f1 = x, *f2 = y;
	const client *c1 = &sort_a->clients[f1->id];
	const client *c2 = &sort_a->clients[f2->id];
	if (f1->key != f2->key)
		return f2->key - f1->key;
	size_t n = c1->len < c2->len ? c1->len : c2->len;
	int m = memcmp(sort_a->clientstr.p + c1->off, sort_a->clientstr.p + c2->off, n);
	return m ? m : (int)c1->len - (int)c2->len;
}

cg_err cg_dns_analyzer_flagged(cg_dns_analyzer *a, const uint32_t **ids, size_t *n)
{
	free(a->flagged);
	a->flagged = NULL;
	a->nflagged = 0;
	flagent *fl = NULL;
	size_t cap = 0, nfl = 0;
	for (size_t i = 0; i < a->tclients.n; i++) {
		reasons r = count_reasons(a, &a->clients[i]);
		if (!r.bl && !r.dga && !r.words && !r.tun && !r.bea)
			continue;
		if (!vec_grow((void **)&fl, &cap, nfl + 1, sizeof *fl)) {
			free(fl);
			return CG_ENOMEM;
		}
		fl[nfl++] = (flagent){ (uint32_t)i, (r.bl > 0) * 8 + (r.tun > 0) * 4 +
						     (r.dga > 0 || r.words > 0) * 2 + (r.bea > 0) };
	}
	if (nfl) {
		qsort_r(fl, nfl, sizeof *fl, cmp_flagged, a);
		a->flagged = malloc(nfl * sizeof *a->flagged);
		if (!a->flagged) {
			free(fl);
			return CG_ENOMEM;
		}
		for (size_t i = 0; i < nfl; i++)
			a->flagged[i] = fl[i].id;
		a->nflagged = nfl;
	}
	free(fl);
	*ids = a->flagged;
	*n = a->nflagged;
	return a->oom ? CG_ENOMEM : CG_OK;
}

cg_slice cg_dns_client_ip(const cg_dns_analyzer *a, uint32_t id)
{
	const client *c = &a->clients[id];
	return (cg_slice){ a->clientstr.p + c->off, c->len };
}

static json_t *time_json(int64_t ms)
{
	if (ms < 0)
		return json_null();
	char t[32];
	cg_time_format(ms, t, sizeof t);
	return json_string(t);
}

static json_t *reasons_json(const cg_dns_analyzer *a, const client *c)
{
	json_t *arr = json_array();
	const evidence *e = c->ev;
	reasons r = count_reasons(a, c);
	if (!e || !arr)
		return arr;
	for (size_t i = 0; i < e->nbl; i++) {
		const blhit *b = &e->bl[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string("blocklist"));
		json_object_set_new(o, "listed", cg_json_str(cg_dns_set_name(a->bl, b->listed)));
		json_object_set_new(o, "count", json_integer(b->count));
		json_object_set_new(o, "sample", cg_json_str((cg_slice){
			a->samples.p + b->sample_off, b->sample_len }));
		json_array_append_new(arr, o);
	}
	if (r.dga) {
		json_t *o = json_object(), *names = json_array();
		size_t shown = 0;
		for (size_t i = 0; i < e->ndga; i++) {
			const doment *d = &a->doms[e->dga[i]];
			if (d->nclients > a->o.dga_max_clients)
				continue;
			if (shown++ < (size_t)a->o.samples)
				json_array_append_new(names, cg_json_str((cg_slice){
					a->domstr.p + d->off, d->len }));
		}
		json_object_set_new(o, "kind", json_string("dga"));
		json_object_set_new(o, "count", json_integer((json_int_t)r.dga));
		json_object_set_new(o, "names", names);
		json_array_append_new(arr, o);
	}
	if (r.words) {
		wdent tmp[CG_DNS_MAX_PER_CLIENT];
		size_t at;
		size_t nw = words_count(a, e, tmp, &at);
		json_t *o = json_object(), *names = json_array();
		for (size_t i = 0; i < nw && i < (size_t)a->o.samples; i++) {
			const doment *d = &a->doms[tmp[at + i].dom];
			json_array_append_new(names, cg_json_str((cg_slice){
				a->domstr.p + d->off, d->len }));
		}
		json_object_set_new(o, "kind", json_string("dga_words"));
		json_object_set_new(o, "count", json_integer((json_int_t)nw));
		json_object_set_new(o, "window_s",
				    json_integer((json_int_t)(a->o.words_window_ms / 1000)));
		if (a->answers_seen) {
			json_int_t nx = 0;
			for (size_t i = 0; i < nw; i++)
				nx += (a->doms[tmp[at + i].dom].answers &
				       (1u << CG_DNS_ANS_NXDOMAIN)) != 0;
			json_object_set_new(o, "nxdomain", json_integer(nx));
		}
		json_object_set_new(o, "first", time_json(tmp[at].t));
		json_object_set_new(o, "last", time_json(tmp[at + nw - 1].t));
		json_object_set_new(o, "names", names);
		json_array_append_new(arr, o);
	}
	for (size_t i = 0; i < e->ntun; i++) {
		const tpair *p = &a->tun[e->tun[i]];
		const doment *d = &a->doms[p->dom];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string("tunnel"));
		json_object_set_new(o, "domain", cg_json_str((cg_slice){
			a->domstr.p + d->off, d->len }));
		json_object_set_new(o, "queries", json_integer(p->queries));
		json_object_set_new(o, "unique_names", json_integer(p->nuniq));
		json_object_set_new(o, "txt_null_queries", json_integer(p->txt));
		json_object_set_new(o, "avg_subdomain_length",
				    json_real(p->nuniq ? p->sumlen / p->nuniq : 0));
		json_array_append_new(arr, o);
	}
	for (size_t i = 0; i < e->nbea; i++) {
		const bpair *p = &a->bea[e->bea[i]];
		double mean, cv;
		if (!beacon_regular(a, p, &mean, &cv) ||
		    a->doms[p->dom].nclients > a->o.beacon_max_clients)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string("beacon"));
		json_object_set_new(o, "name", cg_json_str((cg_slice){
			a->samples.p + p->name_off, p->name_len }));
		json_object_set_new(o, "count", json_integer(p->count));
		json_object_set_new(o, "interval_s", json_real(round(mean * 10) / 10));
		json_object_set_new(o, "cv", json_real(round(cv * 1000) / 1000));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *cg_dns_client_json(const cg_dns_analyzer *a, uint32_t id, const char *agency)
{
	const client *c = &a->clients[id];
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "type", json_string("client"));
	json_object_set_new(o, "client", cg_json_str(cg_dns_client_ip(a, id)));
	json_object_set_new(o, "agency", agency ? cg_json_cstr(agency) : json_null());
	json_object_set_new(o, "first_seen", time_json(c->first));
	json_object_set_new(o, "last_seen", time_json(c->last));
	json_object_set_new(o, "queries", json_integer((json_int_t)c->queries));
	json_object_set_new(o, "reasons", reasons_json(a, c));
	return o;
}

cg_err cg_dns_client_event(const cg_dns_analyzer *a, uint32_t id,
			   const char *agency, cg_event *ev)
{
	const client *c = &a->clients[id];
	reasons r = count_reasons(a, c);
	cg_slice ip = cg_dns_client_ip(a, id);
	cg_err err;
	if ((err = cg_event_set(ev, CG_EV_SOURCE, CG_SLICE("dns"))) ||
	    (err = cg_event_set(ev, CG_EV_KIND, CG_SLICE("infected_client"))) ||
	    (err = cg_event_set(ev, CG_EV_SUBJECT, ip)) ||
	    (err = cg_event_set(ev, CG_EV_HOST, ip)))
		return err;
	if (agency && (err = cg_event_set(ev, CG_EV_AGENCY, cg_slice_cstr(agency))))
		return err;
	ev->severity = r.bl || r.tun ? CG_SEV_HIGH : CG_SEV_MEDIUM;
	if (c->last >= 0)
		ev->time_ms = c->last;
	cg_buf sum;
	cg_buf_init(&sum, CG_MAX_EVENT_SUMMARY);
	cg_buf_printf(&sum, "Máy %.*s có dấu hiệu nhiễm mã độc qua truy vấn DNS:",
		      (int)ip.len, ip.ptr);
	const char *sep = " ";
	if (r.bl) {
		cg_buf_printf(&sum, "%s%zu tên miền trong danh sách đen", sep, r.bl);
		sep = "; ";
	}
	if (r.dga) {
		cg_buf_printf(&sum, "%s%zu tên miền sinh tự động (DGA)", sep, r.dga);
		sep = "; ";
	}
	if (r.words) {
		cg_buf_printf(&sum, "%s%zu tên miền ghép từ từ điển chỉ máy này truy vấn "
				    "(DGA dạng từ ghép)", sep, r.words);
		sep = "; ";
	}
	if (r.tun) {
		cg_buf_printf(&sum, "%sđường hầm DNS", sep);
		sep = "; ";
	}
	if (r.bea)
		cg_buf_printf(&sum, "%struy vấn định kỳ (beaconing)", sep);
	cg_buf_putc(&sum, '.');
	err = cg_event_set(ev, CG_EV_SUMMARY, cg_buf_slice(&sum));
	cg_buf_free(&sum);
	if (err)
		return err;
	json_object_set_new(ev->evidence, "client", cg_json_str(ip));
	json_object_set_new(ev->evidence, "first_seen", time_json(c->first));
	json_object_set_new(ev->evidence, "last_seen", time_json(c->last));
	json_object_set_new(ev->evidence, "queries", json_integer((json_int_t)c->queries));
	json_object_set_new(ev->evidence, "reasons", reasons_json(a, c));
	return CG_OK;
}

cg_err cg_dns_client_text(const cg_dns_analyzer *a, uint32_t id,
			  const char *agency, cg_buf *out)
{
	const client *c = &a->clients[id];
	json_t *rs = reasons_json(a, c);
	if (!rs)
		return CG_ENOMEM;
	char f[32] = "-", l[32] = "-";
	if (c->first >= 0)
		cg_time_format(c->first, f, sizeof f);
	if (c->last >= 0)
		cg_time_format(c->last, l, sizeof l);
	cg_slice ip = cg_dns_client_ip(a, id);
	cg_buf_append(out, ip.ptr, ip.len);
	cg_buf_printf(out, "  %s  %llu queries  %s .. %s\n",
		      agency ? agency : "(unknown agency)",
		      (unsigned long long)c->queries, f, l);
	size_t i;
	json_t *r;
	json_array_foreach(rs, i, r) {
		const char *k = cg_json_get_str(r, "kind");
		if (strcmp(k, "blocklist") == 0) {
			cg_buf_printf(out, "  blocklist  %s: %lld queries, e.g. %s\n",
				      cg_json_get_str(r, "listed"),
				      (long long)json_integer_value(json_object_get(r, "count")),
				      cg_json_get_str(r, "sample"));
		} else if (strcmp(k, "dga") == 0) {
			cg_buf_printf(out, "  dga        %lld DGA-like domains:",
				      (long long)json_integer_value(json_object_get(r, "count")));
			size_t j;
			json_t *nm;
			json_array_foreach(json_object_get(r, "names"), j, nm)
				cg_buf_printf(out, " %s", json_string_value(nm));
			cg_buf_putc(out, '\n');
		} else if (strcmp(k, "dga_words") == 0) {
			cg_buf_printf(out, "  dga_words  %lld dictionary-word domains only it asked for, "
					   "within %llds:",
				      (long long)json_integer_value(json_object_get(r, "count")),
				      (long long)json_integer_value(json_object_get(r, "window_s")));
			size_t j;
			json_t *nm;
			json_array_foreach(json_object_get(r, "names"), j, nm)
				cg_buf_printf(out, " %s", json_string_value(nm));
			cg_buf_putc(out, '\n');
		} else if (strcmp(k, "tunnel") == 0) {
			cg_buf_printf(out, "  tunnel     %s: %lld queries, %lld unique names, "
					   "%lld TXT/NULL, avg subdomain %.0f chars\n",
				      cg_json_get_str(r, "domain"),
				      (long long)json_integer_value(json_object_get(r, "queries")),
				      (long long)json_integer_value(json_object_get(r, "unique_names")),
				      (long long)json_integer_value(json_object_get(r, "txt_null_queries")),
				      json_real_value(json_object_get(r, "avg_subdomain_length")));
		} else {
			cg_buf_printf(out, "  beacon     %s: %lld queries every %.1fs (cv %.3f)\n",
				      cg_json_get_str(r, "name"),
				      (long long)json_integer_value(json_object_get(r, "count")),
				      json_real_value(json_object_get(r, "interval_s")),
				      json_real_value(json_object_get(r, "cv")));
		}
	}
	json_decref(rs);
	return CG_OK;
}
