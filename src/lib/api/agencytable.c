/*
 * agencytable.c - see agencytable.h.
 *
 * The table copies what it needs out of the JSON (ids, codes, names, the
 * parsed ranges) so the JSON can be dropped: a table lives as long as the
 * slowest request holding it, and holds nothing but its own memory.
 */
#include "api/agencytable.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/prefixtable.h"
#include "core/json.h"
#include "core/text.h"

typedef struct code_ix {
	const char *code;
	int64_t id;
	size_t i; /* index into a */
} code_ix;

struct cg_agency_table {
	atomic_size_t refs;
	cg_agency_ref *a; /* in id order */
	size_t n;
	code_ix *by_code; /* agencies with a code, by code (any case), then id */
	size_t ncode;
	size_t nbuilt; /* a[nbuilt..n): added later (not in by_code, not in id order) */
	size_t cap;
	char **folded;           /* normalized names, for the duplicate check */
	cg_prefix_table *ranges; /* value = index into a */
};

static void table_free(cg_agency_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free((char *)t->a[i].code);
		free((char *)t->a[i].name);
		if (t->folded)
			free(t->folded[i]);
	}
	free(t->a);
	free(t->folded);
	free(t->by_code);
	cg_prefix_table_free(t->ranges);
	free(t);
}

void cg_agency_table_release(cg_agency_table *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1)
		table_free(t);
}

size_t cg_agency_table_count(const cg_agency_table *t)
{
	return t ? t->n : 0;
}

/* name folded for comparison: case folded (diacritics kept: "Sở" is not
 * "Sổ"), spaces collapsed, trimmed. NULL on allocation failure. */
static char *fold_name(const char *name)
{
	cg_buf f, out;
	cg_buf_init(&f, 4 * CG_MAX_INV_FIELD + 64);
	cg_buf_init(&out, 4 * CG_MAX_INV_FIELD + 64);
	char *res = NULL;
	if (!cg_text_fold(cg_slice_cstr(name), CG_FOLD_CASE, &f)) {
		cg_slice s = cg_slice_trim(cg_buf_slice(&f));
		bool space = false, bad = false;
		for (size_t i = 0; i < s.len && !bad; i++) {
			char c = s.ptr[i];
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				space = true;
				continue;
			}
			if (space && cg_buf_putc(&out, ' '))
				bad = true;
			space = false;
			if (cg_buf_putc(&out, c))
				bad = true;
		}
		if (!bad && !cg_buf_putc(&out, '\0'))
			res = cg_buf_detach(&out, NULL);
	}
	cg_buf_free(&f);
	cg_buf_free(&out);
	return res;
}

static int cmp_code(const void *pa, const void *pb)
{
	const code_ix *a = pa, *b = pb;
	int c = strcasecmp(a->code, b->code);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_ref_id(const void *pa, const void *pb)
{
	const cg_agency_ref *a = pa, *b = pb;
	return a->id < b->id ? -1 : a->id > b->id;
}

typedef struct json_ix {
	int64_t id;
	const json_t *o;
} json_ix;

static int cmp_json_id(const void *pa, const void *pb)
{
	const json_ix *a = pa, *b = pb;
	return a->id < b->id ? -1 : a->id > b->id;
}

cg_err cg_agency_table_build(const json_t *agencies, cg_agency_table **out)
{
	*out = NULL;
	cg_agency_table *t = calloc(1, sizeof *t);
	if (!t)
		return CG_ENOMEM;
	atomic_init(&t->refs, 1);
	size_t n = json_array_size(agencies);
	t->cap = n ? n : 1;
	t->a = calloc(t->cap, sizeof *t->a);
	t->folded = calloc(t->cap, sizeof *t->folded);
	t->by_code = calloc(n ? n : 1, sizeof *t->by_code);
	t->ranges = cg_prefix_table_new();
	json_ix *ix = calloc(n ? n : 1, sizeof *ix);
	cg_err err = t->a && t->folded && t->by_code && t->ranges && ix ? CG_OK : CG_ENOMEM;
	/* id order, so cg_agency_table_find can binary-search ids and equal
	 * ranges resolve to the oldest agency */
	for (size_t i = 0; !err && i < n; i++) {
		ix[i].o = json_array_get(agencies, i);
		ix[i].id = json_integer_value(json_object_get(ix[i].o, "id"));
	}
	if (!err && n)
		qsort(ix, n, sizeof *ix, cmp_json_id);
	for (size_t i = 0; !err && i < n; i++) {
		const json_t *o = ix[i].o;
		const char *code = cg_json_get_str(o, "code"), *name = cg_json_get_str(o, "name");
		cg_agency_ref *r = &t->a[t->n];
		r->id = json_integer_value(json_object_get(o, "id"));
		r->code = strdup(code ? code : "");
		r->name = strdup(name ? name : "");
		t->n++;
		if (!r->code || !r->name || !(t->folded[i] = fold_name(r->name)))
			err = CG_ENOMEM;
	}
	for (size_t i = 0; !err && i < t->n; i++) {
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(ix[i].o, "ip_ranges"), k, v)
		{
			cg_cidr c;
			if (!json_is_string(v) ||
			    cg_cidr_parse(cg_slice_cstr(json_string_value(v)), &c))
				continue;
			if ((err = cg_prefix_table_add(t->ranges, &c, (int64_t)i)))
				break;
		}
	}
	if (!err)
		err = cg_prefix_table_build(t->ranges);
	if (!err) {
		for (size_t i = 0; i < t->n; i++)
			if (t->a[i].code[0])
				t->by_code[t->ncode++] =
				    (code_ix){.code = t->a[i].code, .id = t->a[i].id, .i = i};
		if (t->ncode)
			qsort(t->by_code, t->ncode, sizeof *t->by_code, cmp_code);
		t->nbuilt = t->n;
	}
	free(ix);
	if (err) {
		table_free(t);
		return err;
	}
	*out = t;
	return CG_OK;
}

const cg_agency_ref *cg_agency_table_route(const cg_agency_table *t, const cg_ip *ip)
{
	if (!t)
		return NULL;
	const cg_prefix_entry *e = cg_prefix_table_lookup(t->ranges, ip);
	return e ? &t->a[e->value] : NULL;
}

const cg_agency_ref *cg_agency_table_route_text(const cg_agency_table *t, cg_slice ip)
{
	cg_ip addr;
	if (cg_ip_parse(ip, &addr))
		return NULL;
	cg_ip_unmap(&addr);
	return cg_agency_table_route(t, &addr);
}

const cg_agency_ref *cg_agency_table_find(const cg_agency_table *t, const char *key)
{
	if (!t || !key || !*key)
		return NULL;
	int64_t id;
	if (cg_parse_i64(cg_slice_cstr(key), 1, INT64_MAX, &id) == CG_OK) {
		cg_agency_ref k = {.id = id};
		const cg_agency_ref *r = bsearch(&k, t->a, t->nbuilt, sizeof *t->a, cmp_ref_id);
		if (r)
			return r;
		for (size_t i = t->nbuilt; i < t->n; i++)
			if (t->a[i].id == id)
				return &t->a[i];
	}
	size_t lo = 0, hi = t->ncode;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(t->by_code[mid].code, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->ncode && strcasecmp(t->by_code[lo].code, key) == 0)
		return &t->a[t->by_code[lo].i];
	for (size_t i = t->nbuilt; i < t->n; i++) /* added after the build */
		if (t->a[i].code[0] && strcasecmp(t->a[i].code, key) == 0)
			return &t->a[i];
	return NULL;
}

cg_err cg_agency_table_add(cg_agency_table *t, const json_t *agency)
{
	if (t->n == t->cap) {
		size_t cap = t->cap * 2;
		cg_agency_ref *a = realloc(t->a, cap * sizeof *a);
		if (!a)
			return CG_ENOMEM;
		t->a = a;
		char **f = realloc(t->folded, cap * sizeof *f);
		if (!f)
			return CG_ENOMEM;
		t->folded = f;
		t->cap = cap;
	}
	const char *code = cg_json_get_str(agency, "code"), *name = cg_json_get_str(agency, "name");
	cg_agency_ref *r = &t->a[t->n];
	r->id = json_integer_value(json_object_get(agency, "id"));
	r->code = strdup(code ? code : "");
	r->name = strdup(name ? name : "");
	t->folded[t->n] = r->name ? fold_name(r->name) : NULL;
	size_t i = t->n++;
	if (!r->code || !r->name || !t->folded[i])
		return CG_ENOMEM;
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(agency, "ip_ranges"), k, v)
	{
		cg_cidr c;
		if (!json_is_string(v) || cg_cidr_parse(cg_slice_cstr(json_string_value(v)), &c))
			continue;
		cg_err err = cg_prefix_table_add(t->ranges, &c, (int64_t)i);
		if (err)
			return err;
	}
	return CG_OK;
}

cg_err cg_agency_table_load(cg_store *st, cg_agency_table **out)
{
	*out = NULL;
	json_t *map = NULL;
	cg_err err = cg_store_agency_map(st, &map);
	if (!err)
		err = cg_agency_table_build(map, out);
	json_decref(map);
	return err;
}

/* ---- collisions -------------------------------------------------------- */

typedef struct overlap_ctx {
	const cg_agency_table *t;
	int64_t self_id;
	const cg_cidr *range;
	bool allow_nesting;
	const cg_prefix_entry *hit;
} overlap_ctx;

static int first_other(const cg_prefix_entry *e, void *p)
{
	overlap_ctx *x = p;
	if (x->t->a[e->value].id == x->self_id)
		return 0;
	if (x->allow_nesting && e->range.prefix != x->range->prefix)
		return 0; /* overlapping ranges of different sizes nest */
	x->hit = e;
	return 1;
}

/* "'Sở Y tế' (SYT)" or "'Sở Y tế'" into dst. */
static void describe(const cg_agency_ref *a, char *dst, size_t n)
{
	if (a->code[0])
		snprintf(dst, n, "'%.200s' (%.60s)", a->name, a->code);
	else
		snprintf(dst, n, "'%.200s'", a->name);
}

/* Copies src into dst[n], cut (if it must be) before a UTF-8 character
 * rather than inside one, so the copy is still valid JSON text. */
static void copy_utf8(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Is the string v one of the members of base's array `key`? */
static bool in_base(const json_t *base, const char *key, const json_t *v)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(base, key), i, b)
	{
		if (json_equal(b, v))
			return true;
	}
	return false;
}

cg_err cg_agency_table_check(const cg_agency_table *t, int64_t self_id, const json_t *rec,
                             const json_t *base, bool allow_nesting, cg_inv_error *e)
{
	memset(e, 0, sizeof *e);
	if (!t)
		return CG_OK;
	char who[280];
	const char *name = cg_json_get_str(rec, "name");
	const char *old = base ? cg_json_get_str(base, "name") : NULL;
	if (name && !(old && strcmp(old, name) == 0)) {
		char *f = fold_name(name);
		if (!f)
			return CG_ENOMEM;
		for (size_t i = 0; i < t->n; i++) {
			if (t->a[i].id == self_id || strcmp(f, t->folded[i]) != 0)
				continue;
			describe(&t->a[i], who, sizeof who);
			snprintf(e->field, sizeof e->field, "name");
			snprintf(e->code, sizeof e->code, "duplicate_name");
			copy_utf8(e->other, sizeof e->other, t->a[i].name);
			snprintf(e->message, sizeof e->message,
			         "agency %s (id %lld) already has this name", who,
			         (long long)t->a[i].id);
			free(f);
			return CG_ECONFLICT;
		}
		free(f);
	}
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(rec, "ip_ranges"), k, v)
	{
		cg_cidr c;
		if (!json_is_string(v) || cg_cidr_parse(cg_slice_cstr(json_string_value(v)), &c) ||
		    (base && in_base(base, "ip_ranges", v)))
			continue;
		overlap_ctx x = {
		    .t = t, .self_id = self_id, .range = &c, .allow_nesting = allow_nesting};
		if (!cg_prefix_table_overlaps(t->ranges, &c, first_other, &x))
			continue;
		char mine[52], theirs[52];
		cg_cidr_format(&c, mine, sizeof mine);
		cg_cidr_format(&x.hit->range, theirs, sizeof theirs);
		const cg_agency_ref *o = &t->a[x.hit->value];
		describe(o, who, sizeof who);
		snprintf(e->field, sizeof e->field, "ip_ranges");
		snprintf(e->code, sizeof e->code, "overlap");
		copy_utf8(e->other, sizeof e->other, o->name);
		snprintf(e->value, sizeof e->value, "%s", mine);
		snprintf(e->other_value, sizeof e->other_value, "%s", theirs);
		snprintf(e->message, sizeof e->message, "%s %s %s of agency %s (id %lld)", mine,
		         x.hit->range.prefix == c.prefix ? "is the same range as" : "overlaps",
		         theirs, who, (long long)o->id);
		return CG_ECONFLICT;
	}
	return CG_OK;
}

/* ---- cache ------------------------------------------------------------- */

void cg_agency_cache_init(cg_agency_cache *c)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
}

void cg_agency_cache_free(cg_agency_cache *c)
{
	cg_agency_table_release(c->table);
	c->table = NULL;
	pthread_mutex_destroy(&c->mu);
}

cg_err cg_agency_cache_get(cg_agency_cache *c, cg_store *st, cg_agency_table **out)
{
	*out = NULL;
	/* read the generation before the agencies: a change committed in
	 * between leaves the table marked older than it is, so it is built
	 * again next time; never the reverse */
	uint64_t gen = cg_store_agencies_generation(st);
	pthread_mutex_lock(&c->mu);
	if (c->table && c->gen == gen) {
		atomic_fetch_add(&c->table->refs, 1);
		*out = c->table;
		pthread_mutex_unlock(&c->mu);
		return CG_OK;
	}
	cg_agency_table *t = NULL;
	cg_err err = cg_agency_table_load(st, &t);
	if (!err) {
		cg_agency_table_release(c->table);
		c->table = t;
		c->gen = gen;
		atomic_fetch_add(&t->refs, 1);
		*out = t;
	}
	pthread_mutex_unlock(&c->mu);
	return err;
}
