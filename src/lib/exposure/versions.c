/*
 * versions.c - fingerprints, the offline feed and the verdicts (see
 * versions.h).
 *
 * Feed files are read whole (NVD publishes them per year, tens to a few
 * hundred MB) and only the CPE matches of the products canhgac
 * fingerprints are kept, so memory holds a few thousand small entries
 * whatever the file size.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "versions.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "match.h"

typedef struct prod {
	const char *name;
	const char *cpe; /* vendor:product */
	const char *label;
} prod;

static const prod prods[] = {
    {"nginx", "f5:nginx", "nginx"},
    {"apache", "apache:http_server", "Apache httpd"},
    {"iis", "microsoft:internet_information_services", "Microsoft IIS"},
    {"php", "php:php", "PHP"},
    {"wordpress", "wordpress:wordpress", "WordPress"},
    {"joomla", "joomla:joomla\\!", "Joomla!"},
    {"drupal", "drupal:drupal", "Drupal"},
    {"openssh", "openbsd:openssh", "OpenSSH"},
};
#define NPRODS (sizeof prods / sizeof *prods)

static const prod *prod_of(const char *name)
{
	for (size_t i = 0; i < NPRODS; i++)
		if (!strcmp(prods[i].name, name))
			return &prods[i];
	return NULL;
}

const char *cg_xver_cpe(const char *product)
{
	const prod *p = prod_of(product);
	return p ? p->cpe : NULL;
}

/* ---- fingerprints ------------------------------------------------------ */

static bool re1(const char *pat, cg_slice s, char *out, size_t n)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c =
	    pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &ec, &eo, NULL);
	if (!c)
		return false;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	bool ok = false;
	if (md && pcre2_match(c, (PCRE2_SPTR)s.ptr, s.len, 0, 0, md, NULL) > 1) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t l = ov[3] - ov[2];
		if (l > 0 && l < n) {
			memcpy(out, s.ptr + ov[2], l);
			out[l] = '\0';
			ok = true;
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return ok;
}

static int add(cg_xsw *out, int k, int max, const char *prod, const char *ver, const char *src)
{
	if (k >= max)
		return k;
	for (int i = 0; i < k; i++)
		if (!strcmp(out[i].product, prod))
			return k;
	snprintf(out[k].product, sizeof out[k].product, "%s", prod);
	snprintf(out[k].version, sizeof out[k].version, "%s", ver);
	snprintf(out[k].source, sizeof out[k].source, "%s", src);
	return k + 1;
}

int cg_xver_from_http(cg_slice headers, cg_slice body, cg_xsw *out, int max)
{
	int k = 0;
	char v[32];
	cg_slice srv = cg_xheader(headers, "Server");
	cg_slice pw = cg_xheader(headers, "X-Powered-By");
	if (srv.ptr) {
		if (re1("\\bnginx/(\\d+\\.\\d+(?:\\.\\d+)?)", srv, v, sizeof v))
			k = add(out, k, max, "nginx", v, "Server header");
		if (re1("\\bApache/(\\d+\\.\\d+(?:\\.\\d+)?)", srv, v, sizeof v))
			k = add(out, k, max, "apache", v, "Server header");
		if (re1("\\bMicrosoft-IIS/(\\d+\\.\\d+)", srv, v, sizeof v))
			k = add(out, k, max, "iis", v, "Server header");
		if (re1("\\bPHP/(\\d+\\.\\d+\\.\\d+)", srv, v, sizeof v))
			k = add(out, k, max, "php", v, "Server header");
	}
	if (pw.ptr && re1("\\bPHP/(\\d+\\.\\d+\\.\\d+)", pw, v, sizeof v))
		k = add(out, k, max, "php", v, "X-Powered-By header");
	cg_slice head = body;
	if (head.len > 256 * 1024)
		head.len = 256 * 1024; /* the generator tag is in <head> */
	if (re1("<meta[^>]+name=[\"']generator[\"'][^>]+content=[\"']WordPress "
	        "(\\d+\\.\\d+(?:\\.\\d+)?)",
	        head, v, sizeof v))
		k = add(out, k, max, "wordpress", v, "generator meta");
	if (re1("<meta[^>]+name=[\"']generator[\"'][^>]+content=[\"']Joomla! "
	        "(\\d+\\.\\d+(?:\\.\\d+)?)",
	        head, v, sizeof v))
		k = add(out, k, max, "joomla", v, "generator meta");
	if (re1("<meta[^>]+name=[\"']generator[\"'][^>]+content=[\"']Drupal (\\d+(?:\\.\\d+)*)",
	        head, v, sizeof v))
		k = add(out, k, max, "drupal", v, "generator meta");
	return k;
}

int cg_xver_from_banner(cg_slice banner, cg_xsw *out)
{
	char v[32];
	if (re1("^SSH-[\\d.]+-OpenSSH_(\\d+\\.\\d+(?:p\\d+)?)", banner, v, sizeof v))
		return add(out, 0, 1, "openssh", v, "SSH banner");
	return 0;
}

int cg_xver_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		while (*a && !isalnum((unsigned char)*a))
			a++;
		while (*b && !isalnum((unsigned char)*b))
			b++;
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long long x = 0, y = 0;
			while (isdigit((unsigned char)*a) && x < 1000000000ull)
				x = x * 10 + (unsigned)(*a++ - '0');
			while (isdigit((unsigned char)*b) && y < 1000000000ull)
				y = y * 10 + (unsigned)(*b++ - '0');
			if (x != y)
				return x < y ? -1 : 1;
		} else if (*a && *b) {
			/* "p1" after "9.2": letters compare as text */
			if (isdigit((unsigned char)*a) != isdigit((unsigned char)*b))
				return isdigit((unsigned char)*a) ? 1 : -1;
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		} else {
			return *a ? 1 : (*b ? -1 : 0);
		}
	}
	return 0;
}

/* ---- feeds --------------------------------------------------------------------- */

static json_t *load_json(const char *path, cg_buf *why)
{
	cg_buf text, w;
	cg_buf_init(&text, CG_XP_MAX_FEED_BYTES);
	cg_buf_init(&w, 512);
	json_t *j = NULL;
	if (cg_read_file(path, &text, &w)) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: %s", path, cg_buf_cstr(&w));
	} else {
		json_error_t je;
		j = json_loadb(text.ptr ? text.ptr : "", text.len, 0, &je);
		if (!j) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s:%d: %s", path, je.line, je.text);
		}
	}
	cg_buf_free(&text);
	cg_buf_free(&w);
	return j;
}

/* "cpe:2.3:a:VENDOR:PRODUCT:VERSION:..." -> vendor:product and version
 * when the product is one canhgac fingerprints. */
static bool cpe_split(const char *c, char *vp, size_t vpn, char *ver, size_t vn)
{
	if (strncmp(c, "cpe:2.3:a:", 10))
		return false;
	const char *v = c + 10, *p = strchr(v, ':'), *e = p ? strchr(p + 1, ':') : NULL;
	if (!p || !e)
		return false;
	size_t l = (size_t)(e - v);
	if (l >= vpn)
		return false;
	memcpy(vp, v, l);
	vp[l] = '\0';
	bool known = false;
	for (size_t i = 0; i < NPRODS; i++)
		known |= !strcmp(prods[i].cpe, vp);
	if (!known)
		return false;
	const char *ve = strchr(e + 1, ':');
	size_t m = ve ? (size_t)(ve - e - 1) : strlen(e + 1);
	if (m >= vn)
		return false;
	memcpy(ver, e + 1, m);
	ver[m] = '\0';
	return true;
}

static double cvss_of(json_t *cve)
{
	json_t *m = json_object_get(cve, "metrics");
	static const char *keys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
	                             "cvssMetricV2"};
	for (size_t i = 0; i < 4; i++) {
		json_t *a = json_object_get(m, keys[i]), *e;
		size_t k;
		double best = -1;
		json_array_foreach(a, k, e)
		{
			json_t *s = json_object_get(json_object_get(e, "cvssData"), "baseScore");
			if (json_is_number(s) && json_number_value(s) > best)
				best = json_number_value(s);
		}
		if (best >= 0)
			return best;
	}
	return 0;
}

static void copy_str(json_t *o, const char *key, char *out, size_t n)
{
	const char *s = json_string_value(json_object_get(o, key));
	snprintf(out, n, "%s", s ? s : "");
}

static cg_err nvd(cg_xfeed *f, json_t *root, const char *path, cg_buf *why);

cg_err cg_xfeed_load_nvd(cg_xfeed *f, const char *path, cg_buf *why)
{
	json_t *root = load_json(path, why);
	if (!root)
		return CG_EPARSE;
	return nvd(f, root, path, why);
}

cg_err cg_xfeed_parse_nvd(cg_xfeed *f, cg_slice text, cg_buf *why)
{
	json_error_t je;
	json_t *root = json_loadb(text.ptr ? text.ptr : "", text.len, 0, &je);
	if (!root) {
		cg_buf_reset(why);
		cg_buf_printf(why, "feed:%d: %s", je.line, je.text);
		return CG_EPARSE;
	}
	return nvd(f, root, "feed", why);
}

/* Takes root (freed here). */
static cg_err nvd(cg_xfeed *f, json_t *root, const char *path, cg_buf *why)
{
	json_t *vulns = json_object_get(root, "vulnerabilities");
	const char *fmt = json_string_value(json_object_get(root, "format"));
	if (!json_is_array(vulns) || !fmt || strcmp(fmt, "NVD_CVE")) {
		cg_buf_reset(why);
		cg_buf_printf(why,
		              "%s: not an NVD CVE JSON 2.0 file (format NVD_CVE with a list of "
		              "vulnerabilities)",
		              path);
		json_decref(root);
		return CG_EPARSE;
	}
	size_t i;
	json_t *v;
	cg_err err = CG_OK;
	json_array_foreach(vulns, i, v)
	{
		json_t *cve = json_object_get(v, "cve");
		const char *id = json_string_value(json_object_get(cve, "id"));
		if (!id || strlen(id) >= sizeof f->v[0].id)
			continue;
		double score = cvss_of(cve);
		json_t *cfgs = json_object_get(cve, "configurations"), *cfg;
		size_t a;
		json_array_foreach(cfgs, a, cfg)
		{
			json_t *nodes = json_object_get(cfg, "nodes"), *node;
			size_t b;
			json_array_foreach(nodes, b, node)
			{
				json_t *ms = json_object_get(node, "cpeMatch"), *m;
				size_t c;
				json_array_foreach(ms, c, m)
				{
					const char *crit =
					    json_string_value(json_object_get(m, "criteria"));
					if (!crit ||
					    !json_is_true(json_object_get(m, "vulnerable")))
						continue;
					cg_xcve e = {0};
					if (!cpe_split(crit, e.vendor_product,
					               sizeof e.vendor_product, e.version,
					               sizeof e.version))
						continue;
					snprintf(e.id, sizeof e.id, "%s", id);
					e.cvss = score;
					char s1[32], s2[32], e1[32], e2[32];
					copy_str(m, "versionStartIncluding", s1, sizeof s1);
					copy_str(m, "versionStartExcluding", s2, sizeof s2);
					copy_str(m, "versionEndIncluding", e1, sizeof e1);
					copy_str(m, "versionEndExcluding", e2, sizeof e2);
					snprintf(e.start, sizeof e.start, "%s", s1[0] ? s1 : s2);
					e.start_incl = s1[0] != '\0';
					snprintf(e.end, sizeof e.end, "%s", e1[0] ? e1 : e2);
					e.end_incl = e1[0] != '\0';
					if (f->n == f->cap) {
						size_t nc = f->cap ? f->cap * 2 : 256;
						cg_xcve *nv = realloc(f->v, nc * sizeof *nv);
						if (!nv) {
							err = CG_ENOMEM;
							break;
						}
						f->v = nv;
						f->cap = nc;
					}
					f->v[f->n++] = e;
				}
			}
		}
	}
	json_decref(root);
	return err;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

cg_err cg_xfeed_load_kev(cg_xfeed *f, const char *path, cg_buf *why)
{
	json_t *root = load_json(path, why);
	if (!root)
		return CG_EPARSE;
	json_t *vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: not CISA's KEV JSON (no \"vulnerabilities\" list)", path);
		json_decref(root);
		return CG_EPARSE;
	}
	size_t n = json_array_size(vulns), i;
	char **k = realloc(f->kev, (f->nkev + n + 1) * sizeof *k);
	if (!k) {
		json_decref(root);
		return CG_ENOMEM;
	}
	f->kev = k;
	json_t *v;
	json_array_foreach(vulns, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "cveID"));
		if (id && (f->kev[f->nkev] = strdup(id)))
			f->nkev++;
	}
	if (f->nkev)
		qsort(f->kev, f->nkev, sizeof *f->kev, cmpstr);
	json_decref(root);
	return CG_OK;
}

cg_err cg_xfeed_load_outdated(cg_xfeed *f, const char *path, cg_buf *why)
{
	json_t *root = load_json(path, why);
	if (!root)
		return CG_EPARSE;
	if (!json_is_object(json_object_get(root, "oldest_supported")) ||
	    !json_string_value(json_object_get(root, "date"))) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: needs \"date\" and \"oldest_supported\"", path);
		json_decref(root);
		return CG_EPARSE;
	}
	json_decref(f->outdated);
	f->outdated = root;
	copy_str(root, "date", f->outdated_date, sizeof f->outdated_date);
	return CG_OK;
}

void cg_xfeed_free(cg_xfeed *f)
{
	free(f->v);
	for (size_t i = 0; i < f->nkev; i++)
		free(f->kev[i]);
	free(f->kev);
	json_decref(f->outdated);
	memset(f, 0, sizeof *f);
}

static bool in_range(const cg_xcve *e, const char *ver)
{
	if (strcmp(e->version, "*") && strcmp(e->version, "-"))
		return cg_xver_cmp(ver, e->version) == 0;
	if (e->start[0]) {
		int c = cg_xver_cmp(ver, e->start);
		if (c < 0 || (c == 0 && !e->start_incl))
			return false;
	}
	if (e->end[0]) {
		int c = cg_xver_cmp(ver, e->end);
		if (c > 0 || (c == 0 && !e->end_incl))
			return false;
	}
	return e->start[0] || e->end[0]; /* "*" with no range: every version; too vague */
}

static bool is_kev(const cg_xfeed *f, const char *id)
{
	const char *key = id;
	return f->nkev && bsearch(&key, f->kev, f->nkev, sizeof *f->kev, cmpstr) != NULL;
}

const char *cg_xver_verdict(const cg_xfeed *f, const cg_xsw *sw, cg_severity *sev, char *summary,
                            size_t n, json_t **evidence)
{
	*evidence = NULL;
	const prod *p = prod_of(sw->product);
	if (!p)
		return NULL;
	if (f->n) {
		json_t *cves = json_array();
		double top = 0;
		bool kev = false;
		for (size_t i = 0; i < f->n; i++) {
			const cg_xcve *e = &f->v[i];
			if (strcmp(e->vendor_product, p->cpe) || !in_range(e, sw->version))
				continue;
			bool dup = false;
			size_t k;
			json_t *x;
			json_array_foreach(cves, k, x) dup |=
			    !strcmp(json_string_value(json_object_get(x, "id")), e->id);
			if (dup)
				continue;
			bool ek = is_kev(f, e->id);
			kev |= ek;
			if (e->cvss > top)
				top = e->cvss;
			if (json_array_size(cves) < 50)
				json_array_append_new(cves, json_pack("{s:s,s:f,s:b}", "id", e->id,
				                                      "cvss", e->cvss,
				                                      "known_exploited", ek));
		}
		if (!json_array_size(cves)) {
			json_decref(cves);
			return NULL;
		}
		*sev = top >= 9.0   ? CG_SEV_CRITICAL
		       : top >= 7.0 ? CG_SEV_HIGH
		       : top >= 4.0 ? CG_SEV_MEDIUM
		                    : CG_SEV_LOW;
		if (kev && *sev < CG_SEV_HIGH)
			*sev = CG_SEV_HIGH;
		snprintf(summary, n,
		         "%s %s has %zu known vulnerabilit%s (highest CVSS %.1f%s), first %s",
		         p->label, sw->version, json_array_size(cves),
		         json_array_size(cves) == 1 ? "y" : "ies", top,
		         kev ? ", known exploited" : "",
		         json_string_value(json_object_get(json_array_get(cves, 0), "id")));
		*evidence = json_pack("{s:s,s:s,s:s,s:s,s:o,s:f,s:b}", "product", sw->product,
		                      "version", sw->version, "seen_in", sw->source, "cpe", p->cpe,
		                      "cves", cves, "cvss_max", top, "known_exploited", kev);
		return "known_vulnerability";
	}
	json_t *min =
	    json_object_get(json_object_get(f->outdated, "oldest_supported"), sw->product);
	const char *m = json_string_value(min);
	if (!m || cg_xver_cmp(sw->version, m) >= 0)
		return NULL;
	*sev = CG_SEV_MEDIUM;
	snprintf(summary, n, "%s %s is older than the oldest supported %s (list of %s)", p->label,
	         sw->version, m, f->outdated_date);
	*evidence =
	    json_pack("{s:s,s:s,s:s,s:s,s:s}", "product", sw->product, "version", sw->version,
	              "seen_in", sw->source, "oldest_supported", m, "list_date", f->outdated_date);
	return "outdated_software";
}
