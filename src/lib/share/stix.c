/*
 * stix.c - builds a STIX 2.1 bundle from events and incident cases (see
 * stix.h for what goes in and why).
 *
 * The builder keeps one entry per STIX object, found by its id in a
 * jansson object (id -> index). An entry tracks the first and last time of
 * the events behind it and when canhgac last received one; the timestamps
 * of the object (created, modified, valid_from, first_seen, ...) are
 * written once, when the items are asked for, so the order events arrive
 * in does not matter and the same findings give the same bytes.
 *
 * Values an event names are attacker-chosen text (a domain in a DNS log,
 * a link in a defaced page): each is checked to be what it claims (a DNS
 * name of letters, digits and hyphens; an address inet_pton accepts; an
 * http(s) URL of printable ASCII; a hash of hex digits) before it goes
 * into a pattern, and the pattern's string literal escapes ' and \ as the
 * STIX pattern grammar asks. A value that is none of these is dropped.
 */
#include "share/stix.h"

#include <arpa/inet.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

/* ---- TLP 2.0 ------------------------------------------------------------ */

static const char *const TLP_NAMES[CG_TLP_NLEVELS] = {"clear", "green", "amber", "amber+strict",
                                                      "red"};
/* The ids of the TLP 2.0 marking definitions (OASIS CTI common objects,
 * extension-definition--60a3c5c5-...): receivers recognise TLP by id. */
static const char *const TLP_IDS[CG_TLP_NLEVELS] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};
static const char *const TLP_LABELS[CG_TLP_NLEVELS] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                                       "TLP:AMBER+STRICT", "TLP:RED"};
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

const char *cg_tlp_name(cg_tlp t)
{
	return (unsigned)t < CG_TLP_NLEVELS ? TLP_NAMES[t] : "red";
}

cg_err cg_tlp_parse(const char *s, cg_tlp *out)
{
	for (int i = 0; s && i < CG_TLP_NLEVELS; i++)
		if (strcmp(s, TLP_NAMES[i]) == 0) {
			*out = (cg_tlp)i;
			return CG_OK;
		}
	return CG_EINVAL;
}

const char *cg_tlp_marking_id(cg_tlp t)
{
	return TLP_IDS[(unsigned)t < CG_TLP_NLEVELS ? t : CG_TLP_RED];
}

json_t *cg_tlp_marking(cg_tlp t)
{
	if ((unsigned)t >= CG_TLP_NLEVELS)
		t = CG_TLP_RED;
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s}}}", "type", "marking-definition",
	                 "spec_version", "2.1", "id", TLP_IDS[t], "created",
	                 "2022-10-01T00:00:00.000Z", "name", TLP_LABELS[t], "extensions",
	                 TLP2_EXTENSION, "extension_type", "property-extension", "tlp_2_0",
	                 TLP_NAMES[t]);
}

/* ---- ids ------------------------------------------------------------------ */

/* canhgac's namespace for UUIDv5 ids: fixed forever, or every id changes. */
static const unsigned char NAMESPACE[16] = {0x6b, 0x2f, 0x51, 0x0e, 0x3c, 0x94, 0x4d, 0x1a,
                                            0x9f, 0x70, 0x2d, 0xc8, 0x44, 0x15, 0xa6, 0x3b};

static void uuid_text(const unsigned char u[16], char out[37])
{
	static const char hx[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hx[u[i] >> 4];
		out[k++] = hx[u[i] & 15];
	}
	out[k] = 0;
}

void cg_stix_id(const char *type, cg_slice name, char *out, size_t outsize)
{
	unsigned char md[20];
	gnutls_hash_hd_t h;
	memset(md, 0, sizeof md);
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA1) == 0) {
		gnutls_hash(h, NAMESPACE, sizeof NAMESPACE);
		gnutls_hash(h, name.ptr, name.len);
		gnutls_hash_deinit(h, md);
	}
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	char u[37];
	uuid_text(md, u);
	snprintf(out, outsize, "%s--%s", type, u);
}

static void random_id(const char *type, char *out, size_t outsize)
{
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 0, sizeof r);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	char u[37];
	uuid_text(r, u);
	snprintf(out, outsize, "%s--%s", type, u);
}

/* ---- values ----------------------------------------------------------- */

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'f')))
			return false;
	return true;
}

/* A DNS name of LDH labels (underscore allowed: DGA and tunnel names use
 * it), at least two labels, lower-cased into out. */
static bool norm_domain(const char *s, char *out, size_t outsize)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n >= outsize)
		return false;
	size_t label = 0, dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			dots++;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		           (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
		out[i] = c;
	}
	out[n] = 0;
	return label > 0 && dots > 0 && out[n - 1] != '-';
}

static bool norm_url(const char *s, char *out, size_t outsize)
{
	size_t n = strlen(s);
	if (n < 8 || n > 2048 || n >= outsize)
		return false;
	size_t scheme = strncasecmp(s, "http://", 7) == 0    ? 7
	                : strncasecmp(s, "https://", 8) == 0 ? 8
	                                                     : 0;
	if (!scheme || n == scheme)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
		out[i] = i < scheme ? (char)(c | 32) : (char)c;
	}
	out[n] = 0;
	return true;
}

typedef struct obs_ctx {
	cg_obs_fn fn;
	void *ud;
	int n;
} obs_ctx;

static void emit(obs_ctx *c, cg_obs_type t, const char *v)
{
	if (c->n >= CG_STIX_MAX_PER_EVENT)
		return;
	c->n++;
	c->fn(c->ud, t, v);
}

/* A value whose kind the event does not say: a URL, an address or a
 * domain name, whichever it is. */
static void take_any(obs_ctx *c, const char *s)
{
	char buf[2100];
	unsigned char addr[16];
	if (!s || !*s)
		return;
	if (strstr(s, "://")) {
		if (norm_url(s, buf, sizeof buf))
			emit(c, CG_OBS_URL, buf);
	} else if (inet_pton(AF_INET, s, addr) == 1) {
		inet_ntop(AF_INET, addr, buf, sizeof buf);
		emit(c, CG_OBS_IPV4, buf);
	} else if (strchr(s, ':') && inet_pton(AF_INET6, s, addr) == 1) {
		inet_ntop(AF_INET6, addr, buf, sizeof buf);
		emit(c, CG_OBS_IPV6, buf);
	} else if (norm_domain(s, buf, sizeof buf)) {
		emit(c, CG_OBS_DOMAIN, buf);
	}
}

static void take_str_or_array(obs_ctx *c, const json_t *v, const char *member)
{
	if (json_is_string(v)) {
		take_any(c, json_string_value(v));
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (json_is_string(x))
			take_any(c, json_string_value(x));
		else if (member)
			take_any(c, cg_json_get_str(x, member));
	}
}

static void take_hash(obs_ctx *c, cg_obs_type t, const char *s)
{
	size_t want = t == CG_OBS_SHA256 ? 64 : 32;
	if (!s || !is_hex(s, want))
		return;
	char h[65];
	for (size_t i = 0; i < want; i++)
		h[i] = (char)(s[i] | (s[i] >= 'A' ? 32 : 0));
	h[want] = 0;
	emit(c, t, h);
}

void cg_stix_observables(const json_t *ev, cg_obs_fn fn, void *ud, const char **family)
{
	obs_ctx c = {fn, ud, 0};
	*family = NULL;
	const char *src = cg_json_get_str(ev, "source");
	const char *kind = cg_json_get_str(ev, "kind");
	const json_t *e = json_object_get(ev, "evidence");
	if (!src || !kind || !json_is_object(e))
		return;
	/* the team judged it no threat: sharing it would spread a false alarm */
	const char *state = cg_json_get_str(ev, "state");
	if (state && strcmp(state, "false_positive") == 0)
		return;
	if (strcmp(src, "dns") == 0) {
		/* the client is the victim, not an indicator: the names it
		 * asked for are */
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(e, "reasons"), i, r)
		{
			const char *k = cg_json_get_str(r, "kind");
			if (!k)
				continue;
			if (strcmp(k, "blocklist") == 0)
				take_any(&c, cg_json_get_str(r, "sample"));
			else if (strcmp(k, "tunnel") == 0)
				take_any(&c, cg_json_get_str(r, "domain"));
			else if (strcmp(k, "beacon") == 0)
				take_any(&c, cg_json_get_str(r, "name"));
			else if (strcmp(k, "dga") == 0 || strcmp(k, "dga_words") == 0)
				take_str_or_array(&c, json_object_get(r, "names"), NULL);
		}
		take_any(&c, cg_json_get_str(e, "domain"));
		take_str_or_array(&c, json_object_get(e, "sample"), NULL);
	} else if (strcmp(src, "malware") == 0) {
		take_hash(&c, CG_OBS_SHA256, cg_json_get_str(e, "sha256"));
		if (!cg_json_get_str(e, "sha256"))
			take_hash(&c, CG_OBS_MD5, cg_json_get_str(e, "md5"));
		const json_t *meta = json_object_get(e, "meta");
		static const char *const fam[] = {"malware_family", "family", "malware"};
		for (size_t i = 0; i < sizeof fam / sizeof fam[0] && !*family; i++) {
			const char *f = cg_json_get_str(meta, fam[i]);
			if (f && *f)
				*family = f;
		}
		if (!*family) {
			const char *r = cg_json_get_str(e, "rule");
			if (r && *r)
				*family = r;
		}
	} else if (strcmp(src, "web") == 0) {
		/* the watched page is ours; where it leads or loads from is not */
		if (strcmp(kind, "redirect") == 0)
			take_any(&c, cg_json_get_str(e, "to_domain"));
		else if (strcmp(kind, "new_external_resource") == 0)
			take_str_or_array(&c, json_object_get(e, "resources"), "url");
		else if (strcmp(kind, "hidden_links") == 0)
			take_str_or_array(&c, json_object_get(e, "links"), "href");
		else if (strcmp(kind, "spam") == 0)
			take_str_or_array(&c, json_object_get(e, "sample"), NULL);
	}
}

cg_err cg_stix_pattern(cg_obs_type t, const char *value, cg_buf *out)
{
	static const char *const path[] = {"domain-name:value",     "ipv4-addr:value",
	                                   "ipv6-addr:value",       "url:value",
	                                   "file:hashes.'SHA-256'", "file:hashes.MD5"};
	if ((unsigned)t > CG_OBS_MD5)
		return CG_EINVAL;
	cg_err err = cg_buf_printf(out, "[%s = '", path[t]);
	for (const char *p = value; !err && *p; p++) {
		if (*p == '\'' || *p == '\\')
			err = cg_buf_putc(out, '\\');
		if (!err)
			err = cg_buf_putc(out, *p);
	}
	return err ? err : cg_buf_puts(out, "']");
}

/* ---- the builder ------------------------------------------------------ */

enum { R_MARKING, R_IDENTITY, R_MALWARE, R_INDICATOR, R_INCIDENT, R_SIGHTING, R_REL };

typedef struct ent {
	json_t *obj;
	char id[96];
	int rank;
	cg_tlp level;
	int64_t first, last, added;
	int64_t count;
	int64_t desc_t; /* indicators: the time of the event described */
	json_t *hosts;  /* sightings: host -> true */
} ent;

struct cg_stix {
	cg_stix_opts o;
	char province_id[96];
	ent *e;
	size_t n, cap;
	json_t *index;    /* id -> entry index */
	json_t *agencies; /* "id" -> {code, name} */
	json_t *seq_inds; /* "seq" -> [indicator ids] */
	cg_stix_item *items;
	size_t nitems;
	json_t *marks[CG_TLP_NLEVELS]; /* the marking objects finish made */
	bool done;
};

static ent *find(cg_stix *x, const char *id)
{
	json_t *i = json_object_get(x->index, id);
	return i ? &x->e[json_integer_value(i)] : NULL;
}

/* The entry of id, made with obj (stolen) when new; NULL when out of
 * memory or over the bound (obj is freed then). */
static ent *ensure(cg_stix *x, const char *id, int rank, cg_tlp level, json_t *obj)
{
	ent *f = find(x, id);
	if (f) {
		json_decref(obj);
		return f;
	}
	if (!obj)
		return NULL;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 256;
		ent *ne = nc <= CG_STIX_MAX_OBJECTS ? realloc(x->e, nc * sizeof *ne) : NULL;
		if (!ne) {
			json_decref(obj);
			return NULL;
		}
		x->e = ne;
		x->cap = nc;
	}
	ent *n = &x->e[x->n];
	memset(n, 0, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->obj = obj;
	n->rank = rank;
	n->level = level;
	n->first = INT64_MAX;
	n->last = INT64_MIN;
	n->desc_t = INT64_MAX;
	json_object_set_new(obj, "type",
	                    json_string(rank == R_IDENTITY    ? "identity"
	                                : rank == R_MALWARE   ? "malware"
	                                : rank == R_INDICATOR ? "indicator"
	                                : rank == R_INCIDENT  ? "incident"
	                                : rank == R_SIGHTING  ? "sighting"
	                                                      : "relationship"));
	json_object_set_new(obj, "spec_version", json_string("2.1"));
	json_object_set_new(obj, "id", json_string(id));
	if (json_object_set_new(x->index, id, json_integer((json_int_t)x->n))) {
		json_decref(obj);
		return NULL;
	}
	x->n++;
	return n;
}

static void seen(ent *f, int64_t t, int64_t added)
{
	if (t < f->first)
		f->first = t;
	if (t > f->last)
		f->last = t;
	if (added > f->added)
		f->added = added;
}

cg_err cg_stix_new(const cg_stix_opts *o, cg_stix **out)
{
	*out = NULL;
	cg_stix *x = calloc(1, sizeof *x);
	if (!x)
		return CG_ENOMEM;
	x->o = *o;
	if (!x->o.province || !*x->o.province)
		x->o.province = CG_STIX_PROVINCE;
	x->index = json_object();
	x->agencies = json_object();
	x->seq_inds = json_object();
	if (!x->index || !x->agencies || !x->seq_inds) {
		cg_stix_free(x);
		return CG_ENOMEM;
	}
	cg_stix_id("identity", cg_slice_cstr(x->o.province), x->province_id, sizeof x->province_id);
	ent *p = ensure(x, x->province_id, R_IDENTITY, CG_TLP_CLEAR,
	                json_pack("{s:o,s:s,s:[s]}", "name", cg_json_cstr(x->o.province),
	                          "identity_class", "organization", "sectors", "government"));
	if (!p) {
		cg_stix_free(x);
		return CG_ENOMEM;
	}
	*out = x;
	return CG_OK;
}

void cg_stix_free(cg_stix *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		json_decref(x->e[i].obj);
		json_decref(x->e[i].hosts);
	}
	for (int t = 0; t < CG_TLP_NLEVELS; t++)
		json_decref(x->marks[t]);
	free(x->items);
	free(x->e);
	json_decref(x->index);
	json_decref(x->agencies);
	json_decref(x->seq_inds);
	free(x);
}

cg_err cg_stix_set_agencies(cg_stix *x, const json_t *map)
{
	size_t i;
	json_t *a;
	json_array_foreach(map, i, a)
	{
		json_int_t id = json_integer_value(json_object_get(a, "id"));
		char k[32];
		snprintf(k, sizeof k, "%lld", (long long)id);
		if (id > 0 && json_object_set(x->agencies, k, a))
			return CG_ENOMEM;
	}
	return CG_OK;
}

/* The id of an agency's identity (by its code, which outlives renames),
 * made on first use, into out (96 bytes); the province's when the agency
 * is unknown. Ids are copied, never pointed to: an entry moves when the
 * entries grow. */
static void agency_identity(cg_stix *x, int64_t agency_id, char out[96])
{
	char k[32];
	snprintf(k, sizeof k, "%lld", (long long)agency_id);
	const json_t *a = agency_id > 0 ? json_object_get(x->agencies, k) : NULL;
	const char *code = cg_json_get_str(a, "code");
	memcpy(out, x->province_id, sizeof x->province_id);
	if (!code)
		return;
	char name[300], id[96];
	snprintf(name, sizeof name, "agency|%s", code);
	cg_stix_id("identity", cg_slice_cstr(name), id, sizeof id);
	const char *nm = cg_json_get_str(a, "name");
	ent *f = ensure(x, id, R_IDENTITY, CG_TLP_AMBER,
	                json_pack("{s:o,s:s,s:[s],s:o}", "name", cg_json_cstr(nm ? nm : code),
	                          "identity_class", "organization", "sectors", "government",
	                          "x_canhgac_agency_code", cg_json_cstr(code)));
	if (f)
		memcpy(out, id, sizeof id);
}

static ent *relate(cg_stix *x, const char *src, const char *type, const char *dst, cg_tlp level)
{
	char name[300], id[96];
	snprintf(name, sizeof name, "%s|%s|%s", src, type, dst);
	cg_stix_id("relationship", cg_slice_cstr(name), id, sizeof id);
	return ensure(x, id, R_REL, level,
	              json_pack("{s:s,s:s,s:s}", "relationship_type", type, "source_ref", src,
	                        "target_ref", dst));
}

static int64_t time_of(const json_t *o, const char *key, int64_t dflt)
{
	const char *s = cg_json_get_str(o, key);
	int64_t ms;
	return s && cg_time_parse(cg_slice_cstr(s), &ms) == CG_OK ? ms : dflt;
}

typedef struct ev_ctx {
	cg_stix *x;
	const json_t *ev;
	int64_t t, added;
	char where[96];   /* identity id */
	char malware[96]; /* malware id or "" */
	const char *host;
	json_t *inds; /* this event's indicator ids */
	cg_err err;
} ev_ctx;

static const char *const OBS_LABEL[] = {"domain", "ipv4", "ipv6", "url", "sha256", "md5"};

static void on_obs(void *ud, cg_obs_type t, const char *value)
{
	ev_ctx *c = ud;
	cg_stix *x = c->x;
	if (c->err)
		return;
	cg_buf pat;
	cg_buf_init(&pat, 8192);
	char id[96];
	if ((c->err = cg_stix_pattern(t, value, &pat))) {
		cg_buf_free(&pat);
		return;
	}
	cg_stix_id("indicator", cg_buf_slice(&pat), id, sizeof id);
	/* the same value twice in one event is one sighting */
	size_t i;
	json_t *v;
	json_array_foreach(c->inds, i, v) if (strcmp(json_string_value(v), id) == 0)
	{
		cg_buf_free(&pat);
		return;
	}
	char name[2200];
	snprintf(name, sizeof name, "%s %s", OBS_LABEL[t], value);
	ent *ind =
	    ensure(x, id, R_INDICATOR, CG_TLP_GREEN,
	           json_pack("{s:s,s:o,s:s,s:s,s:[s]}", "name", name, "pattern",
	                     cg_json_str(cg_buf_slice(&pat)), "pattern_type", "stix",
	                     "pattern_version", "2.1", "indicator_types", "malicious-activity"));
	cg_buf_free(&pat);
	if (!ind) {
		c->err = CG_ENOMEM;
		return;
	}
	seen(ind, c->t, c->added);
	/* described by its earliest event, whatever order events come in */
	const char *sum = cg_json_get_str(c->ev, "summary");
	const char *cur = cg_json_get_str(ind->obj, "description");
	if (sum && *sum &&
	    (c->t < ind->desc_t || (c->t == ind->desc_t && cur && strcmp(sum, cur) < 0))) {
		json_object_set_new(ind->obj, "description", cg_json_cstr(sum));
		ind->desc_t = c->t;
	}
	json_array_append_new(c->inds, json_string(id));
	if (c->malware[0]) {
		ent *r = relate(x, id, "indicates", c->malware, CG_TLP_GREEN);
		if (!r) {
			c->err = CG_ENOMEM;
			return;
		}
		seen(r, c->t, c->added);
	}
	char sname[300], sid[96];
	snprintf(sname, sizeof sname, "%s|%s", id, c->where);
	cg_stix_id("sighting", cg_slice_cstr(sname), sid, sizeof sid);
	ent *s =
	    ensure(x, sid, R_SIGHTING, CG_TLP_AMBER,
	           json_pack("{s:s,s:[s]}", "sighting_of_ref", id, "where_sighted_refs", c->where));
	if (!s) {
		c->err = CG_ENOMEM;
		return;
	}
	seen(s, c->t, c->added);
	s->count++;
	if (!s->hosts)
		s->hosts = json_object();
	if (c->host && *c->host && s->hosts && json_object_size(s->hosts) < CG_STIX_MAX_HOSTS)
		json_object_set_new(s->hosts, c->host, json_true());
}

typedef struct obs_list {
	int n;
	cg_obs_type t[CG_STIX_MAX_PER_EVENT];
	char *v[CG_STIX_MAX_PER_EVENT];
} obs_list;

static void on_collect(void *ud, cg_obs_type t, const char *value)
{
	obs_list *l = ud;
	if (l->n < CG_STIX_MAX_PER_EVENT && (l->v[l->n] = strdup(value)) != NULL)
		l->t[l->n++] = t;
}

/* The malware object of a family, made on first use. */
static ent *malware_of(cg_stix *x, const char *family, const char *kind)
{
	char key[520], nm[540], mid[96];
	size_t n = 0;
	for (const char *p = family; *p && n < 512; p++, n++)
		key[n] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
	key[n] = 0;
	snprintf(nm, sizeof nm, "malware|%s", key);
	cg_stix_id("malware", cg_slice_cstr(nm), mid, sizeof mid);
	/* malware-type-ov has these two of canhgac's kinds */
	const char *type =
	    kind && (strcmp(kind, "webshell") == 0 || strcmp(kind, "ransomware") == 0) ? kind
	                                                                               : "unknown";
	return ensure(x, mid, R_MALWARE, CG_TLP_GREEN,
	              json_pack("{s:o,s:b,s:[s]}", "name", cg_json_cstr(family), "is_family", 1,
	                        "malware_types", type));
}

cg_err cg_stix_add_event(cg_stix *x, const json_t *ev)
{
	if (x->done)
		return CG_EINVAL;
	obs_list l;
	l.n = 0;
	const char *family = NULL;
	cg_stix_observables(ev, on_collect, &l, &family);
	if (l.n == 0)
		return CG_OK;
	ev_ctx c = {.x = x, .ev = ev};
	c.t = time_of(ev, "time", 0);
	c.added = time_of(ev, "received_at", c.t);
	c.host = cg_json_get_str(ev, "host");
	agency_identity(x, (int64_t)json_integer_value(json_object_get(ev, "agency_id")), c.where);
	c.inds = json_array();
	if (!c.inds)
		c.err = CG_ENOMEM;
	if (!c.err && family) {
		ent *m = malware_of(x, family, cg_json_get_str(ev, "kind"));
		if (!m)
			c.err = CG_ENOMEM;
		else {
			seen(m, c.t, c.added);
			memcpy(c.malware, m->id, sizeof c.malware);
		}
	}
	for (int i = 0; i < l.n; i++) {
		if (!c.err)
			on_obs(&c, l.t[i], l.v[i]);
		free(l.v[i]);
	}
	if (!c.err && json_array_size(c.inds)) {
		/* remember which indicators this event gave, for the cases that
		 * link it */
		char k[32];
		snprintf(k, sizeof k, "%lld",
		         (long long)json_integer_value(json_object_get(ev, "seq")));
		json_t *have = json_object_get(x->seq_inds, k);
		if (have)
			json_array_extend(have, c.inds);
		else if (json_object_set(x->seq_inds, k, c.inds))
			c.err = CG_ENOMEM;
	}
	json_decref(c.inds);
	return c.err;
}

cg_err cg_stix_add_incident(cg_stix *x, const json_t *inc)
{
	if (x->done)
		return CG_EINVAL;
	const char *number = cg_json_get_str(inc, "number");
	const char *title = cg_json_get_str(inc, "title");
	if (!number || !title)
		return CG_EINVAL;
	char nm[128], id[96];
	snprintf(nm, sizeof nm, "incident|%s", number);
	cg_stix_id("incident", cg_slice_cstr(nm), id, sizeof id);
	const char *kind = cg_json_get_str(inc, "kind");
	const char *state = cg_json_get_str(inc, "state");
	const char *sev = cg_json_get_str(inc, "severity");
	const char *desc = cg_json_get_str(inc, "description");
	json_t *o =
	    json_pack("{s:o,s:o,s:o,s:o,s:o}", "name", cg_json_cstr(title), "x_canhgac_number",
	              cg_json_cstr(number), "x_canhgac_kind", cg_json_cstr(kind ? kind : "other"),
	              "x_canhgac_state", cg_json_cstr(state ? state : "new"), "x_canhgac_severity",
	              cg_json_cstr(sev ? sev : "medium"));
	if (o && desc && *desc)
		json_object_set_new(o, "description", cg_json_cstr(desc));
	if (o && kind)
		json_object_set_new(o, "labels", json_pack("[o]", cg_json_cstr(kind)));
	ent *f = ensure(x, id, R_INCIDENT, CG_TLP_AMBER, o);
	if (!f)
		return CG_ENOMEM;
	int64_t created = time_of(inc, "created_at", 0);
	int64_t updated = time_of(inc, "updated_at", created);
	f->first = created;
	f->last = updated > created ? updated : created;
	f->added = f->last;
	/* f moves when relate() grows the entries: keep what is needed */
	const int64_t first = f->first, added = f->added;
	int64_t agency = (int64_t)json_integer_value(json_object_get(inc, "agency_id"));
	if (agency > 0) {
		char who[96];
		agency_identity(x, agency, who);
		if (strcmp(who, x->province_id) != 0) {
			ent *r = relate(x, id, "related-to", who, CG_TLP_AMBER);
			if (!r)
				return CG_ENOMEM;
			seen(r, first, added);
		}
	}
	size_t i, j;
	json_t *seq, *ind;
	json_array_foreach(json_object_get(inc, "events"), i, seq)
	{
		char k[32];
		snprintf(k, sizeof k, "%lld", (long long)json_integer_value(seq));
		json_array_foreach(json_object_get(x->seq_inds, k), j, ind)
		{
			ent *r = relate(x, id, "related-to", json_string_value(ind), CG_TLP_AMBER);
			if (!r)
				return CG_ENOMEM;
			seen(r, first, added);
		}
	}
	return CG_OK;
}

static void set_time(json_t *o, const char *key, int64_t ms)
{
	char ts[40];
	cg_time_format(ms, ts, sizeof ts);
	json_object_set_new(o, key, json_string(ts));
}

static int item_cmp(const void *a, const void *b)
{
	const cg_stix_item *x = a, *y = b;
	const char *tx = json_string_value(json_object_get(x->obj, "type"));
	const char *ty = json_string_value(json_object_get(y->obj, "type"));
	static const char *const order[] = {"marking-definition", "identity", "malware",
	                                    "indicator",          "incident", "sighting",
	                                    "relationship"};
	int rx = 0, ry = 0;
	for (int i = 0; i < 7; i++) {
		if (strcmp(tx, order[i]) == 0)
			rx = i;
		if (strcmp(ty, order[i]) == 0)
			ry = i;
	}
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x->obj, "id")),
	              json_string_value(json_object_get(y->obj, "id")));
}

/* Writes each object's times and markings once, and picks the objects
 * within the export's level. */
static cg_err finish(cg_stix *x)
{
	if (x->done)
		return CG_OK;
	bool used[CG_TLP_NLEVELS] = {false};
	x->items = calloc(x->n + CG_TLP_NLEVELS, sizeof *x->items);
	if (!x->items)
		return CG_ENOMEM;
	int64_t epoch = INT64_MAX;
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].first != INT64_MAX && x->e[i].first < epoch)
			epoch = x->e[i].first;
	for (size_t i = 0; i < x->n; i++) {
		ent *f = &x->e[i];
		if (f->level > x->o.tlp)
			continue;
		if (f->first == INT64_MAX) {
			/* identities: as old as the oldest thing they are part of */
			f->first = f->last = epoch == INT64_MAX ? 0 : epoch;
		}
		json_t *o = f->obj;
		set_time(o, "created", f->first);
		set_time(o, "modified", f->last);
		if (f->rank == R_INDICATOR)
			set_time(o, "valid_from", f->first);
		if (f->rank == R_MALWARE) {
			set_time(o, "first_seen", f->first);
			set_time(o, "last_seen", f->last);
		}
		if (f->rank == R_SIGHTING) {
			set_time(o, "first_seen", f->first);
			set_time(o, "last_seen", f->last);
			json_object_set_new(
			    o, "count", json_integer(f->count > 999999999 ? 999999999 : f->count));
			json_object_set_new(o, "x_canhgac_hosts",
			                    json_integer((json_int_t)json_object_size(f->hosts)));
		}
		if (strcmp(f->id, x->province_id) != 0)
			json_object_set_new(o, "created_by_ref", json_string(x->province_id));
		json_object_set_new(o, "object_marking_refs",
		                    json_pack("[s]", cg_tlp_marking_id(f->level)));
		used[f->level] = true;
		x->items[x->nitems++] = (cg_stix_item){o, f->added, f->level};
	}
	for (int t = 0; t < CG_TLP_NLEVELS; t++) {
		if (!used[t])
			continue;
		json_t *m = x->marks[t] = cg_tlp_marking((cg_tlp)t);
		if (!m)
			return CG_ENOMEM;
		x->items[x->nitems++] = (cg_stix_item){m, 0, (cg_tlp)t};
	}
	/* the province, agencies and markings are there from the first
	 * finding on: their date added is the earliest one's */
	int64_t first_added = 0;
	for (size_t i = 0; i < x->nitems; i++)
		if (x->items[i].added_ms > 0 &&
		    (first_added == 0 || x->items[i].added_ms < first_added))
			first_added = x->items[i].added_ms;
	for (size_t i = 0; i < x->nitems; i++)
		if (x->items[i].added_ms <= 0)
			x->items[i].added_ms = first_added;
	qsort(x->items, x->nitems, sizeof *x->items, item_cmp);
	x->done = true;
	return CG_OK;
}

cg_err cg_stix_items(cg_stix *x, const cg_stix_item **items, size_t *n)
{
	cg_err err = finish(x);
	if (err)
		return err;
	*items = x->items;
	*n = x->nitems;
	return CG_OK;
}

cg_err cg_stix_bundle(cg_stix *x, json_t **out)
{
	*out = NULL;
	const cg_stix_item *it;
	size_t n;
	cg_err err = cg_stix_items(x, &it, &n);
	if (err)
		return err;
	char id[96];
	random_id("bundle", id, sizeof id);
	json_t *objs = json_array();
	json_t *b = json_pack("{s:s,s:s,s:o}", "type", "bundle", "id", id, "objects", objs);
	if (!b)
		return CG_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append(objs, it[i].obj)) {
			json_decref(b);
			return CG_ENOMEM;
		}
	*out = b;
	return CG_OK;
}

bool cg_stix_norm_value(cg_obs_type t, const char *s, char *out, size_t outsize)
{
	unsigned char addr[16];
	size_t want = t == CG_OBS_SHA256 ? 64 : 32;
	switch (t) {
	case CG_OBS_DOMAIN:
		return norm_domain(s, out, outsize);
	case CG_OBS_URL:
		return norm_url(s, out, outsize);
	case CG_OBS_IPV4:
		return inet_pton(AF_INET, s, addr) == 1 &&
		       inet_ntop(AF_INET, addr, out, (socklen_t)outsize) != NULL;
	case CG_OBS_IPV6:
		return inet_pton(AF_INET6, s, addr) == 1 &&
		       inet_ntop(AF_INET6, addr, out, (socklen_t)outsize) != NULL;
	case CG_OBS_SHA256:
	case CG_OBS_MD5:
		if (!is_hex(s, want) || outsize <= want)
			return false;
		for (size_t i = 0; i < want; i++)
			out[i] = (char)(s[i] | (s[i] >= 'A' ? 32 : 0));
		out[want] = 0;
		return true;
	}
	return false;
}
