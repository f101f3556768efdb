/*
 * domainset.c - the domain set and the threat-intelligence readers (see
 * domainset.h).
 *
 * Storage is flat so a million names cost two allocations, not a million:
 * names live end to end in one character array (`names`), entries are
 * {hash, offset, length, flags} in one array, and the hash table is an
 * array of uint32 entry numbers (0 = empty) with linear probing, kept at
 * most half full. For 1M names: ~20 MB of text, 16 MB of entries, 8 MB of
 * table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/limits.h"
#include "dns/domainset.h"
#include "dns/hash.h"
#include "dns/record.h"

typedef struct entry {
	uint64_t hash;
	uint32_t off;
	uint8_t len;
	uint8_t flags;
} entry;

struct cg_dns_set {
	char *names;
	size_t names_len, names_cap;
	entry *ents;
	size_t n, ents_cap;
	uint32_t *slots; /* entry index + 1 */
	size_t nslots;   /* power of two */
};

cg_dns_set *cg_dns_set_new(void)
{
	cg_dns_set *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->nslots = 1024;
	s->slots = calloc(s->nslots, sizeof *s->slots);
	if (!s->slots) {
		free(s);
		return NULL;
	}
	return s;
}

void cg_dns_set_free(cg_dns_set *s)
{
	if (!s)
		return;
	free(s->names);
	free(s->ents);
	free(s->slots);
	free(s);
}

size_t cg_dns_set_count(const cg_dns_set *s)
{
	return s->n;
}

cg_slice cg_dns_set_name(const cg_dns_set *s, uint32_t id)
{
	if (id >= s->n)
		return (cg_slice){ "", 0 };
	return (cg_slice){ s->names + s->ents[id].off, s->ents[id].len };
}

static int64_t find(const cg_dns_set *s, const char *name, size_t len,
		    uint64_t h)
{
	size_t mask = s->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint32_t v = s->slots[i];
		if (!v)
			return -1;
		const entry *e = &s->ents[v - 1];
		if (e->hash == h && e->len == len &&
		    memcmp(s->names + e->off, name, len) == 0)
			return v - 1;
	}
}

static cg_err grow_table(cg_dns_set *s)
{
	size_t n = s->nslots * 2;
	uint32_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return CG_ENOMEM;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = s->ents[k].hash & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = (uint32_t)k + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return CG_OK;
}

cg_err cg_dns_set_add(cg_dns_set *s, cg_slice name, unsigned flags)
{
	char norm[CG_DNS_MAX_NAME + 1];
	size_t len;
	if (!cg_dns_norm_name(name, norm, &len))
		return CG_EPARSE;
	uint64_t h = cg_dns_hash(norm, len);
	int64_t id = find(s, norm, len, h);
	if (id >= 0) {
		s->ents[id].flags |= (uint8_t)flags;
		return CG_OK;
	}
	if (s->n >= CG_DNS_MAX_INTEL_ENTRIES)
		return CG_ETOOBIG;
	if ((s->n + 1) * 2 > s->nslots) {
		cg_err err = grow_table(s);
		if (err)
			return err;
	}
	if (s->n == s->ents_cap) {
		size_t cap = s->ents_cap ? s->ents_cap * 2 : 1024;
		entry *e = realloc(s->ents, cap * sizeof *e);
		if (!e)
			return CG_ENOMEM;
		s->ents = e;
		s->ents_cap = cap;
	}
	if (s->names_len + len > s->names_cap) {
		size_t cap = s->names_cap ? s->names_cap * 2 : 16384;
		while (cap < s->names_len + len)
			cap *= 2;
		char *p = realloc(s->names, cap);
		if (!p)
			return CG_ENOMEM;
		s->names = p;
		s->names_cap = cap;
	}
	memcpy(s->names + s->names_len, norm, len);
	s->ents[s->n] = (entry){ h, (uint32_t)s->names_len, (uint8_t)len,
				 (uint8_t)flags };
	s->names_len += len;
	size_t mask = s->nslots - 1, i = h & mask;
	while (s->slots[i])
		i = (i + 1) & mask;
	s->slots[i] = (uint32_t)++s->n;
	return CG_OK;
}

int64_t cg_dns_set_match(const cg_dns_set *s, cg_slice q)
{
	if (s->n == 0 || q.len == 0)
		return -1;
	const char *p = q.ptr, *end = q.ptr + q.len;
	unsigned need = CG_DNS_MATCH_SELF;
	for (;;) {
		size_t len = (size_t)(end - p);
		int64_t id = find(s, p, len, cg_dns_hash(p, len));
		if (id >= 0 && (s->ents[id].flags & need))
			return id;
		const char *dot = memchr(p, '.', len);
		if (!dot)
			return -1;
		p = dot + 1;
		need = CG_DNS_MATCH_BELOW;
	}
}

/* ---- URLs ---------------------------------------------------------------- */

cg_slice cg_dns_url_host(cg_slice u)
{
	u = cg_slice_trim(u);
	const char *sch = u.len ? memmem(u.ptr, u.len, "://", 3) : NULL;
	if (sch) {
		u.len -= (size_t)(sch + 3 - u.ptr);
		u.ptr = sch + 3;
	}
	size_t end = 0;
	while (end < u.len && u.ptr[end] != '/' && u.ptr[end] != '?' &&
	       u.ptr[end] != '#')
		end++;
	cg_slice auth = { u.ptr, end };
	const char *at = auth.len ? memrchr(auth.ptr, '@', auth.len) : NULL;
	if (at) {
		auth.len -= (size_t)(at + 1 - auth.ptr);
		auth.ptr = at + 1;
	}
	if (auth.len && auth.ptr[0] == '[')
		return (cg_slice){ auth.ptr, 0 }; /* an IPv6 literal */
	return cg_slice_cut(auth, ':', NULL);
}

/* ---- the readers ---------------------------------------------------------- */

typedef enum kind { K_LIST, K_RPZ, K_CSV, K_ZEEK } kind;

typedef struct intel {
	cg_dns_set *set;
	cg_dns_intel_stats *st;
	kind k;
	bool decided;
	/* CSV and Zeek: columns */
	int col_host, col_url, col_type;
	/* RPZ */
	char origin[CG_DNS_MAX_NAME + 1];
	size_t origin_len;
	int paren; /* inside a multi-line record */
	cg_err fatal;
} intel;

static void skip_line(intel *in)
{
	if (in->st->skipped++ == 0)
		in->st->first_bad = in->st->lines;
}

static void add(intel *in, cg_slice name, unsigned flags)
{
	if (!name.ptr || name.len == 0) {
		skip_line(in); /* a missing column */
		return;
	}
	name = cg_slice_trim(name);
	if (name.len >= 2 && name.ptr[0] == '*' && name.ptr[1] == '.') {
		name.ptr += 2;
		name.len -= 2;
		flags = CG_DNS_MATCH_BELOW;
	}
	if (cg_dns_is_ip(name) || memchr(name.ptr, '/', name.len) ||
	    memchr(name.ptr, ':', name.len) || memchr(name.ptr, '@', name.len) ||
	    memchr(name.ptr, '*', name.len) || memchr(name.ptr, ',', name.len)) {
		skip_line(in);
		return;
	}
	size_t before = cg_dns_set_count(in->set);
	cg_err err = cg_dns_set_add(in->set, name, flags);
	if (err == CG_EPARSE)
		skip_line(in);
	else if (err)
		in->fatal = err;
	else
		in->st->added += cg_dns_set_count(in->set) - before;
}

/* The i-th comma-separated field; quotes stripped ("" left as is). */
static cg_slice csv_field(cg_slice line, int idx)
{
	size_t i = 0;
	for (int f = 0; i <= line.len; f++) {
		while (i < line.len && line.ptr[i] == ' ')
			i++; /* ThreatFox writes ", " between fields */
		size_t start = i, end;
		if (i < line.len && line.ptr[i] == '"') {
			start = ++i;
			while (i < line.len && !(line.ptr[i] == '"' &&
						 (i + 1 >= line.len || line.ptr[i + 1] != '"')))
				i += (line.ptr[i] == '"') ? 2 : 1;
			end = i < line.len ? i : line.len;
			while (i < line.len && line.ptr[i] != ',')
				i++;
		} else {
			while (i < line.len && line.ptr[i] != ',')
				i++;
			end = i;
		}
		if (f == idx)
			return (cg_slice){ line.ptr + start, end - start };
		i++;
	}
	return (cg_slice){ NULL, 0 };
}

/* "# id,dateadded,url,..." or "# "first_seen_utc","ioc_id",...": a CSV
 * header naming a column we can use. */
static bool csv_header(intel *in, cg_slice s)
{
	if (!memchr(s.ptr, ',', s.len))
		return false;
	int host = -1, url = -1, type = -1;
	for (int c = 0; c < 64; c++) {
		cg_slice f = cg_slice_trim(csv_field(s, c));
		if (!f.ptr)
			break;
		if (cg_slice_eq_cstr(f, "url"))
			url = c;
		else if (cg_slice_eq_cstr(f, "ioc_value") || cg_slice_eq_cstr(f, "ioc"))
			url = c; /* host, URL or ip:port, told by ioc_type */
		else if (cg_slice_eq_cstr(f, "domain") || cg_slice_eq_cstr(f, "host") ||
			 cg_slice_eq_cstr(f, "hostname"))
			host = c;
		else if (cg_slice_eq_cstr(f, "ioc_type"))
			type = c;
	}
	if (host < 0 && url < 0)
		return false;
	in->k = K_CSV;
	in->decided = true;
	in->col_host = host;
	in->col_url = url;
	in->col_type = type;
	in->st->format = type >= 0 ? "threatfox-csv" : url >= 0 ? "urlhaus-csv" : "csv";
	return true;
}

static void csv_row(intel *in, cg_slice s)
{
	if (in->col_host >= 0) {
		add(in, csv_field(s, in->col_host), CG_DNS_MATCH_BOTH);
		return;
	}
	cg_slice v = csv_field(s, in->col_url);
	cg_slice t = in->col_type >= 0 ? csv_field(s, in->col_type) : (cg_slice){ NULL, 0 };
	if (!v.ptr) {
		skip_line(in);
		return;
	}
	if (t.ptr && cg_slice_eq_cstr(t, "domain"))
		add(in, v, CG_DNS_MATCH_BOTH);
	else if (!t.ptr || cg_slice_eq_cstr(t, "url"))
		add(in, cg_dns_url_host(v), CG_DNS_MATCH_BOTH);
	else
		skip_line(in); /* ip:port, hashes */
}

static void zeek_header(intel *in, cg_slice s)
{
	in->col_host = in->col_type = -1;
	cg_slice rest = s, f;
	cg_slice_cut(rest, '\t', &rest);
	for (int c = 0; rest.ptr; c++) {
		f = cg_slice_cut(rest, '\t', &rest);
		if (cg_slice_eq_cstr(f, "indicator"))
			in->col_host = c;
		else if (cg_slice_eq_cstr(f, "indicator_type"))
			in->col_type = c;
	}
}

static cg_slice tab_field(cg_slice s, int idx)
{
	cg_slice rest = s, f = { NULL, 0 };
	for (int c = 0; c <= idx; c++) {
		if (!rest.ptr)
			return (cg_slice){ NULL, 0 };
		f = cg_slice_cut(rest, '\t', &rest);
	}
	return f;
}

static void zeek_row(intel *in, cg_slice s)
{
	cg_slice v = tab_field(s, in->col_host), t = tab_field(s, in->col_type);
	if (in->col_host < 0 || in->col_type < 0 || !v.ptr || !t.ptr) {
		skip_line(in);
		return;
	}
	if (cg_slice_eq_cstr(t, "Intel::DOMAIN"))
		add(in, v, CG_DNS_MATCH_BOTH);
	else if (cg_slice_eq_cstr(t, "Intel::URL"))
		add(in, cg_dns_url_host(v), CG_DNS_MATCH_BOTH);
	/* addresses, hashes, e-mail: not domains, not an error */
}

static bool is_rpz_action(cg_slice t)
{
	return cg_slice_eq_cstr(t, "CNAME") || cg_slice_eq_cstr(t, "A") ||
	       cg_slice_eq_cstr(t, "AAAA") || cg_slice_eq_cstr(t, "TXT") ||
	       cg_slice_eq_cstr(t, "cname") || cg_slice_eq_cstr(t, "a");
}

static bool ends_with(cg_slice s, const char *suf)
{
	size_t n = strlen(suf);
	return s.len >= n && memcmp(s.ptr + s.len - n, suf, n) == 0;
}

static void rpz_line(intel *in, cg_slice s)
{
	/* multi-line records (SOA): skip to the closing parenthesis */
	for (size_t i = 0; i < s.len && s.ptr[i] != ';'; i++) {
		if (s.ptr[i] == '(')
			in->paren++;
		else if (s.ptr[i] == ')' && in->paren > 0)
			in->paren--;
	}
	cg_slice body = cg_slice_trim(cg_slice_cut(s, ';', NULL));
	if (body.len == 0)
		return;
	if (s.ptr[0] == ' ' || s.ptr[0] == '\t' || in->paren > 0 ||
	    body.ptr[body.len - 1] == ')')
		return; /* continuation of the previous owner, or SOA body */
	size_t i = 0;
	cg_slice owner = { NULL, 0 };
	for (size_t k = 0; k <= body.len; k++) /* first token */
		if (k == body.len || body.ptr[k] == ' ' || body.ptr[k] == '\t') {
			owner = (cg_slice){ body.ptr, k };
			i = k;
			break;
		}
	if (cg_slice_eq_cstr(owner, "$ORIGIN")) {
		cg_slice o = cg_slice_trim((cg_slice){ body.ptr + i, body.len - i });
		if (o.len && o.ptr[o.len - 1] == '.')
			o.len--;
		if (cg_slice_copy(o, in->origin, sizeof in->origin) == CG_OK)
			in->origin_len = o.len;
		return;
	}
	if (owner.len && owner.ptr[0] == '$')
		return; /* $TTL, $INCLUDE (never followed) */
	if (cg_slice_eq_cstr(owner, "@"))
		return;
	/* the type: first token that is a record type after ttl/class */
	cg_slice type = { NULL, 0 }, rdata = { NULL, 0 };
	cg_slice rest = { body.ptr + i, body.len - i };
	while (rest.len) {
		rest = cg_slice_trim(rest);
		size_t k = 0;
		while (k < rest.len && rest.ptr[k] != ' ' && rest.ptr[k] != '\t')
			k++;
		cg_slice t = { rest.ptr, k };
		rest = (cg_slice){ rest.ptr + k, rest.len - k };
		if (is_rpz_action(t) || cg_slice_eq_cstr(t, "NS") ||
		    cg_slice_eq_cstr(t, "SOA")) {
			type = t;
			rdata = cg_slice_trim(rest);
			break;
		}
	}
	if (!type.ptr || !is_rpz_action(type)) {
		if (!type.ptr)
			skip_line(in);
		return;
	}
	if (cg_slice_starts_with(rdata, CG_SLICE("rpz-passthru")))
		return; /* an allow entry */
	if (owner.ptr[owner.len - 1] == '.') {
		owner.len--;
		if (in->origin_len && owner.len > in->origin_len &&
		    ends_with(owner, in->origin) &&
		    owner.ptr[owner.len - in->origin_len - 1] == '.')
			owner.len -= in->origin_len + 1;
	}
	if (ends_with(owner, ".rpz-ip") || ends_with(owner, ".rpz-nsip") ||
	    ends_with(owner, ".rpz-nsdname") || ends_with(owner, ".rpz-client-ip"))
		return; /* address and name-server triggers: not query names */
	add(in, owner, CG_DNS_MATCH_SELF);
}

static void list_line(intel *in, cg_slice s)
{
	cg_slice body = cg_slice_trim(cg_slice_cut(s, '#', NULL));
	if (body.len == 0)
		return;
	size_t i = 0;
	cg_slice first = { NULL, 0 };
	while (i < body.len && body.ptr[i] != ' ' && body.ptr[i] != '\t')
		i++;
	first = (cg_slice){ body.ptr, i };
	if (cg_dns_is_ip(first)) { /* hosts file */
		in->st->format = "hosts";
		cg_slice rest = { body.ptr + i, body.len - i };
		bool any = false;
		while (rest.len) {
			rest = cg_slice_trim(rest);
			size_t k = 0;
			while (k < rest.len && rest.ptr[k] != ' ' && rest.ptr[k] != '\t')
				k++;
			cg_slice n = { rest.ptr, k };
			rest = (cg_slice){ rest.ptr + k, rest.len - k };
			if (!n.len || cg_slice_eq_cstr(n, "localhost") ||
			    cg_slice_eq_cstr(n, "localhost.localdomain") ||
			    cg_slice_eq_cstr(n, "broadcasthost") ||
			    cg_slice_eq_cstr(n, "local") ||
			    cg_slice_starts_with(n, CG_SLICE("ip6-")))
				continue;
			add(in, n, CG_DNS_MATCH_BOTH);
			any = true;
		}
		(void)any;
		return;
	}
	if (i != body.len) {
		skip_line(in); /* "name junk": not a list line */
		return;
	}
	if (first.len > 3 && first.ptr[0] == '|' && first.ptr[1] == '|') {
		first.ptr += 2; /* adblock "||name^" */
		first.len -= 2;
		if (first.len && first.ptr[first.len - 1] == '^')
			first.len--;
	}
	if (memmem(first.ptr, first.len, "://", 3))
		first = cg_dns_url_host(first);
	add(in, first, CG_DNS_MATCH_BOTH);
}

static void decide(intel *in, cg_slice s)
{
	if (s.ptr[0] == ';')
		return; /* a zone-file comment: RPZ likely, decide on data */
	if (s.len > 8 && memcmp(s.ptr, "#fields\t", 8) == 0) {
		in->k = K_ZEEK;
		in->decided = true;
		in->st->format = "zeek-intel";
		zeek_header(in, s);
		return;
	}
	if (s.ptr[0] == '#') {
		cg_slice h = s;
		while (h.len && (h.ptr[0] == '#' || h.ptr[0] == ' ')) {
			h.ptr++;
			h.len--;
		}
		csv_header(in, h);
		return;
	}
	if (s.ptr[0] == '$' || memmem(s.ptr, s.len, " SOA ", 5) ||
	    memmem(s.ptr, s.len, "CNAME", 5) || memmem(s.ptr, s.len, "IN\tSOA", 6)) {
		in->k = K_RPZ;
		in->st->format = "rpz";
		in->decided = true;
		return;
	}
	if (memchr(s.ptr, ',', s.len) && csv_header(in, s))
		return;
	in->st->format = "plain";
	in->decided = true;
}

static void intel_line(intel *in, cg_slice s)
{
	in->st->lines++;
	if (s.len && s.ptr[s.len - 1] == '\r')
		s.len--;
	if (s.len == 0)
		return;
	if (!in->decided) {
		decide(in, s);
		if (!in->decided || in->k == K_ZEEK)
			return; /* a comment, or the header itself */
		if (in->k == K_CSV && (s.ptr[0] == '#' || !memchr(s.ptr, '.', s.len)))
			return; /* the header line */
	}
	switch (in->k) {
	case K_RPZ:
		rpz_line(in, s);
		break;
	case K_CSV:
		if (s.ptr[0] != '#')
			csv_row(in, s);
		break;
	case K_ZEEK:
		if (s.ptr[0] == '#') {
			if (s.len > 8 && memcmp(s.ptr, "#fields\t", 8) == 0)
				zeek_header(in, s);
		} else {
			zeek_row(in, s);
		}
		break;
	default:
		list_line(in, s);
	}
}

cg_err cg_dns_intel_parse(cg_dns_set *s, cg_slice text, cg_dns_intel_stats *st)
{
	intel in = { .set = s, .st = st, .col_host = -1, .col_url = -1,
		     .col_type = -1 };
	st->format = "plain";
	cg_slice rest = text;
	while (rest.ptr && rest.len && !in.fatal) {
		cg_slice line = cg_slice_cut(rest, '\n', &rest);
		if (line.len > CG_DNS_MAX_LINE || memchr(line.ptr, '\0', line.len)) {
			st->lines++;
			skip_line(&in);
			continue;
		}
		intel_line(&in, line);
	}
	return in.fatal;
}

cg_err cg_dns_intel_load(cg_dns_set *s, const char *path,
			 cg_dns_intel_stats *st, cg_buf *why)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		if (why)
			cg_buf_printf(why, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? CG_ENOTFOUND : CG_EIO;
	}
	gzbuffer(gz, 256 * 1024);
	cg_buf b;
	cg_buf_init(&b, CG_DNS_MAX_INTEL_BYTES);
	cg_err err = CG_OK;
	for (;;) {
		if ((err = cg_buf_reserve(&b, 1 << 20))) {
			if (why)
				cg_buf_printf(why, "%s: larger than %u MiB", path,
					      CG_DNS_MAX_INTEL_BYTES >> 20);
			break;
		}
		int n = gzread(gz, b.ptr + b.len, 1 << 20);
		if (n < 0) {
			int e;
			if (why)
				cg_buf_printf(why, "%s: %s", path, gzerror(gz, &e));
			err = CG_EIO;
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	gzclose(gz);
	if (!err) {
		err = cg_dns_intel_parse(s, cg_buf_slice(&b), st);
		if (err && why)
			cg_buf_printf(why, "%s: %s", path, cg_strerror(err));
	}
	cg_buf_free(&b);
	return err;
}
