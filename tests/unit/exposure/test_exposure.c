/* Unit tests for the exposure scan's parts that need no network: target
 * parsing and CIDR bounds, the random path of the same shape, the
 * template loader (supported, skipped with the feature, errors with
 * file:line), matchers, extractors, the DSL and the header check. */
#include <stdlib.h>
#include <string.h>

#include "exposure/exposure.h"
#include "exposure/creds.h"
#include "exposure/match.h"
#include "exposure/ports.h"
#include "core/json.h"
#include "exposure/scope.h"
#include "exposure/service.h"
#include "exposure/versions.h"
#include "exposure/tls.h"
#include "test.h"
#include "version.h"

static bool add(cg_xtargets *ts, const char *arg, size_t max)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err e = cg_xtargets_add(ts, arg, max, &why);
	if (e)
		printf("# %s: %s\n", arg, cg_buf_cstr(&why));
	cg_buf_free(&why);
	return e == CG_OK;
}

TEST(targets)
{
	cg_xtargets ts = {0};
	CHECK(add(&ts, "https://so-tt.example.invalid:8443/cong/", 256));
	CHECK_STR(ts.v[0].scheme, "https");
	CHECK(ts.v[0].port == 8443);
	CHECK_STR(ts.v[0].path, "/cong");
	CHECK(add(&ts, "10.1.2.3", 256));
	CHECK(ts.v[1].scheme == NULL && ts.v[1].port == 0);
	CHECK(add(&ts, "10.1.2.3:8080", 256));
	CHECK_STR(ts.v[2].scheme, "http");
	CHECK(add(&ts, "[::1]:443", 256));
	CHECK_STR(ts.v[3].host, "::1");
	CHECK_STR(ts.v[3].scheme, "https");
	size_t n = ts.n;
	CHECK(add(&ts, "192.168.5.0/24", 256));
	CHECK(ts.n == n + 254);
	CHECK_STR(ts.v[n].host, "192.168.5.1");
	CHECK_STR(ts.v[ts.n - 1].host, "192.168.5.254");
	CHECK(ts.v[n].from_range);
	/* boundaries both ways: a /24 fits the default, a /23 does not */
	n = ts.n;
	CHECK(!add(&ts, "192.168.6.0/23", 256));
	CHECK(ts.n == n);
	CHECK(add(&ts, "192.168.6.0/23", 510));
	CHECK(ts.n == n + 510);
	CHECK(add(&ts, "10.0.0.7/32", 256));
	CHECK_STR(ts.v[ts.n - 1].host, "10.0.0.7");
	CHECK(add(&ts, "fd00::/126", 256));
	CHECK_STR(ts.v[ts.n - 1].host, "fd00::3");
	CHECK(!add(&ts, "ftp://x.example/", 256));
	CHECK(!add(&ts, "http://user:pw@x.example/", 256));
	CHECK(!add(&ts, "bad host!", 256));
	CHECK(!add(&ts, "x.example:0", 256));
	CHECK(!add(&ts, "x.example:65536", 256));
	CHECK(!add(&ts, "10.0.0.0/33", 256));
	CHECK(!add(&ts, "", 256));
	cg_buf a;
	cg_buf_init(&a, 256);
	cg_xtarget_authority(&ts.v[3], "https", &a);
	CHECK_STR(cg_buf_cstr(&a), "[::1]");
	cg_buf_free(&a);
	cg_xtargets_free(&ts);
}

static bool shape(const char *in, const char *prefix, const char *suffix, size_t len)
{
	cg_buf b;
	cg_buf_init(&b, 1024);
	cg_xp_random_shape(in, &b);
	const char *s = cg_buf_cstr(&b);
	bool ok = strncmp(s, prefix, strlen(prefix)) == 0 && b.len >= strlen(suffix) &&
	          strcmp(s + b.len - strlen(suffix), suffix) == 0 && b.len == len &&
	          strcmp(s, in) != 0;
	if (!ok)
		printf("# shape(%s) = %s\n", in, s);
	cg_buf_free(&b);
	return ok;
}

TEST(random_shape)
{
	CHECK(shape("/.env", "/.", "", 12));
	CHECK(shape("/db/backup.sql", "/db/", ".sql", 18));
	CHECK(shape("/uploads/", "/", "/", 12));
	CHECK(shape("/.git/config", "/.git/", "", 16));
	CHECK(shape("/wp-config.php~", "/", ".php~", 16));
	CHECK(shape("/index.php?x=1", "/", ".php?x=1", 19));
}

static cg_xtpl *parse(const char *text, cg_buf *why)
{
	cg_xtpl *t = NULL;
	cg_buf_reset(why);
	if (cg_xtpl_parse("t.yaml", cg_slice_cstr(text), &t, why))
		return NULL;
	return t;
}

static cg_xresp resp(long status, const char *h, const char *b)
{
	return (cg_xresp){status, cg_slice_cstr(h), cg_slice_cstr(b)};
}

TEST(template_matchers)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_xtpl *t = parse("id: a\n"
	                   "info: {name: A, severity: high, tags: [x, y],\n"
	                   "       metadata: {canhgac-kind: exposed_file}}\n"
	                   "http:\n"
	                   "  - path: ['{{BaseURL}}/a']\n"
	                   "    matchers-condition: and\n"
	                   "    matchers:\n"
	                   "      - type: status\n"
	                   "        status: [200, 206]\n"
	                   "      - type: word\n"
	                   "        name: w\n"
	                   "        words: [alpha, beta]\n"
	                   "        condition: and\n"
	                   "      - type: regex\n"
	                   "        part: header\n"
	                   "        regex: ['(?im)^x-app: \\d+']\n"
	                   "      - type: word\n"
	                   "        negative: true\n"
	                   "        case-insensitive: true\n"
	                   "        words: ['<HTML']\n",
	                   &why);
	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return;
	}
	CHECK(t->skip[0] == '\0');
	CHECK_STR(t->kind, "exposed_file");
	CHECK_STR(t->tags, "x,y");
	CHECK(t->severity == CG_SEV_HIGH);
	cg_xresp r = resp(200, "HTTP/1.1 200 OK\r\nX-App: 12\r\n", "alpha and beta");
	json_t *names = json_array();
	CHECK(cg_xmatch(&t->reqs[0], &r, names));
	CHECK(json_array_size(names) == 1);
	json_decref(names);
	r = resp(206, "X-App: 1\r\n", "alpha and beta");
	CHECK(cg_xmatch(&t->reqs[0], &r, NULL));
	r = resp(200, "HTTP/1.1 200 OK\r\nX-Other: 12\r\n", "alpha and beta");
	CHECK(!cg_xmatch(&t->reqs[0], &r, NULL));
	r = resp(200, "X-App: 12\r\n", "alpha only");
	CHECK(!cg_xmatch(&t->reqs[0], &r, NULL));
	r = resp(200, "X-App: 12\r\n", "<html>alpha beta");
	CHECK(!cg_xmatch(&t->reqs[0], &r, NULL));
	r = resp(404, "X-App: 12\r\n", "alpha beta");
	CHECK(!cg_xmatch(&t->reqs[0], &r, NULL));
	cg_xtpl_free(t);
	cg_buf_free(&why);
}

TEST(template_skips_and_errors)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	static const struct {
		const char *text, *skip;
	} skips[] = {
	    {"id: a\ninfo: {name: A}\nhttp:\n  - method: PUT\n    path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: status, status: [200]}]\n",
	     "PUT"},
	    {"id: a\ninfo: {name: A}\ntcp:\n  - host: ['{{Hostname}}']\n", "tcp"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}/{{x}}']\n"
	     "    matchers: [{type: status, status: [200]}]\n",
	     "variable x"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: dsl, dsl: ['sha256(body) == \"x\"']}]\n",
	     "sha256"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: word, words: [a], encoding: hex}]\n",
	     "encoding"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n    attack: pitchfork\n"
	     "    matchers: [{type: word, words: [a]}]\n",
	     "attack"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: word, part: location, words: [a]}]\n",
	     "location"},
	};
	for (size_t i = 0; i < sizeof skips / sizeof *skips; i++) {
		cg_xtpl *t = parse(skips[i].text, &why);
		CHECK(t != NULL);
		if (t) {
			if (!strstr(t->skip, skips[i].skip))
				printf("# case %zu: skip '%s'\n", i, t->skip);
			CHECK(strstr(t->skip, skips[i].skip) != NULL);
		} else {
			printf("# case %zu: %s\n", i, cg_buf_cstr(&why));
		}
		cg_xtpl_free(t);
	}
	static const struct {
		const char *text, *err;
	} errs[] = {
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: regex, regex: ['(']}]\n",
	     "t.yaml:5:"},
	    {"info: {name: A}\n", "t.yaml:1: a template needs an id"},
	    {"id: a\ninfo: {severity: high}\n", "t.yaml:2: info needs a name"},
	    {"id: a\ninfo: {name: A, severity: urgent}\n", "severity must be"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n",
	     "matchers or extractors"},
	    {"- a\n- b\n", "t.yaml:1: not a template"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: status, status: [abc]}]\n",
	     "whole numbers"},
	    {"id: 'a b'\ninfo: {name: A}\n", "id may hold"},
	    {"id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	     "    matchers: [{type: binary, binary: ['zz']}]\n",
	     "hex"},
	    {"a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	     "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	     "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nid: x\ninfo: {name: A, tags: [*e,*e,*e]}\n",
	     "tags must be"},
	};
	for (size_t i = 0; i < sizeof errs / sizeof *errs; i++) {
		cg_xtpl *t = parse(errs[i].text, &why);
		CHECK(t == NULL);
		if (!strstr(cg_buf_cstr(&why), errs[i].err))
			printf("# err case %zu: '%s'\n", i, cg_buf_cstr(&why));
		CHECK(strstr(cg_buf_cstr(&why), errs[i].err) != NULL);
		cg_xtpl_free(t);
	}
	cg_buf_free(&why);
}

TEST(extractors)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_xtpl *t = parse("id: a\ninfo: {name: A}\nhttp:\n  - path: ['{{BaseURL}}']\n"
	                   "    extractors:\n"
	                   "      - {type: regex, group: 1, regex: ['v=(\\d+)']}\n"
	                   "      - {type: kval, kval: [x_powered_by]}\n"
	                   "      - {type: json, json: ['.a.b[1]', '.a.c']}\n"
	                   "      - {type: regex, internal: true, regex: ['.+']}\n",
	                   &why);
	CHECK(t != NULL);
	if (t) {
		cg_xresp r =
		    resp(200, "HTTP/1.1 200 OK\r\nX-Powered-By: PHP/7.4.3\r\n",
		         "{\"a\":{\"b\":[1,\"two\"],\"c\":{\"d\":1}}, \"s\":\"v=12 v=34\"}");
		json_t *out = json_array();
		cg_xextract(&t->reqs[0], &r, out);
		char *s = json_dumps(out, JSON_COMPACT);
		CHECK_STR(s, "[\"12\",\"34\",\"PHP/7.4.3\",\"two\",\"{\\\"d\\\":1}\"]");
		free(s);
		json_decref(out);
		/* a body that is not JSON gives nothing, not an error */
		r = resp(200, "", "not json v=5");
		out = json_array();
		cg_xextract(&t->reqs[0], &r, out);
		CHECK(json_array_size(out) == 1);
		json_decref(out);
	}
	cg_xtpl_free(t);
	cg_buf_free(&why);
}

TEST(dsl)
{
	cg_xresp r = resp(200, "HTTP/1.1 200 OK\r\nServer: Apache\r\n", "Hello World 1.2");
	CHECK(cg_xdsl_eval("status_code == 200", &r));
	CHECK(!cg_xdsl_eval("status_code != 200", &r));
	CHECK(cg_xdsl_eval("contains(body, 'World') && !contains(body, 'x')", &r));
	CHECK(cg_xdsl_eval("contains(tolower(body), \"hello world\")", &r));
	CHECK(cg_xdsl_eval("len(body) == 15 && len(body) >= 15 && len(body) < 16", &r));
	CHECK(cg_xdsl_eval("regex('[0-9]\\\\.[0-9]', body)", &r));
	CHECK(cg_xdsl_eval("contains(header, 'Apache') || false", &r));
	CHECK(cg_xdsl_eval("(status_code == 404 || status_code == 200) && true", &r));
	CHECK(cg_xdsl_eval("contains_all(body, 'Hello', 'World')", &r));
	CHECK(!cg_xdsl_eval("contains_any(body, 'nope', 'nada')", &r));
	CHECK(cg_xdsl_eval("starts_with(body, 'Hel') && ends_with(body, '1.2')", &r));
	CHECK(cg_xdsl_eval("toupper(trim('  ab ')) == 'AB'", &r));
	CHECK(cg_xdsl_eval("starts_with('PK\\x03\\x04z', \"PK\\x03\\x04\")", &r));
	CHECK(cg_xdsl_eval("content_length > 3", &r));
	char why[128];
	CHECK(cg_xdsl_check("status_code == 200", why, sizeof why) == CG_OK);
	CHECK(cg_xdsl_check("md5(body) == 'x'", why, sizeof why) != CG_OK);
	CHECK(strstr(why, "md5") != NULL);
	CHECK(cg_xdsl_check("status_code == ", why, sizeof why) != CG_OK);
	CHECK(cg_xdsl_check("contains(body)", why, sizeof why) != CG_OK);
	CHECK(cg_xdsl_check("interactsh_protocol == 'dns'", why, sizeof why) != CG_OK);
	CHECK(strstr(why, "interactsh_protocol") != NULL);
	/* depth is bounded */
	char deep[200];
	memset(deep, '(', 100);
	memset(deep + 100, ')', 99);
	deep[199] = '\0';
	deep[99] = '1';
	CHECK(cg_xdsl_check(deep, why, sizeof why) != CG_OK);
	CHECK(!cg_xdsl_eval(deep, &r));
}

TEST(headers_check)
{
	json_t *m = json_array();
	cg_xp_missing_headers(
	    CG_SLICE("HTTP/1.1 200 OK\r\n"
	             "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	             "X-Content-Type-Options: nosniff\r\n"),
	    false, m);
	CHECK(json_array_size(m) == 0); /* frame-ancestors stands for X-Frame-Options */
	json_array_clear(m);
	cg_xp_missing_headers(CG_SLICE("HTTP/1.1 200 OK\r\nX-Frame-Options: DENY\r\n"), true, m);
	char *s = json_dumps(m, JSON_COMPACT);
	CHECK_STR(s, "[\"Strict-Transport-Security\",\"Content-Security-Policy\","
	             "\"X-Content-Type-Options\"]");
	free(s);
	json_decref(m);
	cg_slice v =
	    cg_xheader(CG_SLICE("HTTP/1.1 200 OK\r\nserver:  nginx/1.22.1 \r\n"), "Server");
	CHECK(v.ptr && v.len == 12 && memcmp(v.ptr, "nginx/1.22.1", 12) == 0);
	v = cg_xheader(CG_SLICE("HTTP/1.1 200 OK\r\nX-Serverx: a\r\n"), "X-Server");
	CHECK(v.ptr == NULL);
}

static int tls_kinds(const cg_xtls *t, int64_t now, char *kinds, size_t n, char *sum, size_t sn)
{
	cg_xtls_finding f[3];
	int k = cg_xtls_findings(t, now, f);
	kinds[0] = sum[0] = '\0';
	for (int i = 0; i < k; i++) {
		strncat(kinds, f[i].kind, n - strlen(kinds) - 2);
		strncat(kinds, " ", n - strlen(kinds) - 1);
		strncat(sum, f[i].summary, sn - strlen(sum) - 2);
		strncat(sum, "|", sn - strlen(sum) - 1);
		json_decref(f[i].evidence);
	}
	return k;
}

TEST(tls_verdicts)
{
	int64_t now = 1800000000;
	cg_xtls t = {0};
	char kinds[256], sum[2048];
	t.proto[3] = t.proto[4] = true;
	t.have_cert = true;
	t.not_before = now - 86400;
	t.not_after = now + 90 * 86400;
	t.key_bits = 2048;
	snprintf(t.key_type, sizeof t.key_type, "RSA");
	snprintf(t.sig_alg, sizeof t.sig_alg, "sha256WithRSAEncryption");
	t.name_checked = t.name_ok = true;
	CHECK(tls_kinds(&t, now, kinds, sizeof kinds, sum, sizeof sum) == 0);
	/* boundaries both ways */
	t.key_bits = 2047;
	CHECK(tls_kinds(&t, now, kinds, sizeof kinds, sum, sizeof sum) == 1);
	CHECK(strstr(sum, "RSA key of 2047 bits") != NULL);
	t.key_bits = 2048;
	t.not_after = now - 1;
	CHECK(tls_kinds(&t, now, kinds, sizeof kinds, sum, sizeof sum) == 1);
	CHECK(strstr(sum, "expired") != NULL);
	t.not_after = now + 29 * 86400;
	tls_kinds(&t, now, kinds, sizeof kinds, sum, sizeof sum);
	CHECK(strstr(sum, "expires in 29 days") != NULL);
	t.not_after = now + 90 * 86400;
	t.proto[1] = true;
	t.nweak = 1;
	snprintf(t.weak_ciphers[0], sizeof t.weak_ciphers[0], "NULL-SHA");
	t.name_ok = false;
	CHECK(tls_kinds(&t, now, kinds, sizeof kinds, sum, sizeof sum) == 3);
	CHECK_STR(kinds, "tls_weak_protocol tls_weak_cipher tls_certificate ");
	CHECK(strstr(sum, "name mismatch") != NULL && strstr(sum, "TLSv1.0") != NULL);
}

TEST(services)
{
	char v[64], b[256];
	CHECK(
	    cg_xsvc_redis(CG_SLICE("$100\r\n# Server\r\nredis_version:7.0.15\r\nredis_mode:x\r\n"),
	                  v, sizeof v) == CG_XSVC_OPEN);
	CHECK_STR(v, "7.0.15");
	CHECK(cg_xsvc_redis(CG_SLICE("-NOAUTH Authentication required.\r\n"), v, sizeof v) ==
	      CG_XSVC_PROTECTED);
	CHECK(cg_xsvc_redis(CG_SLICE("HTTP/1.1 400 Bad\r\n"), v, sizeof v) == CG_XSVC_UNKNOWN);
	CHECK(cg_xsvc_memcached(CG_SLICE("STAT pid 1\r\nSTAT version 1.6.18\r\nEND\r\n"), v,
	                        sizeof v) == CG_XSVC_OPEN);
	CHECK_STR(v, "1.6.18");
	CHECK(cg_xsvc_elastic(
	          CG_SLICE("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n"
	                   "{\"cluster_name\":\"c\",\"version\":{\"number\":\"7.17.9\"}}"),
	          v, sizeof v) == CG_XSVC_OPEN);
	CHECK_STR(v, "7.17.9");
	CHECK(cg_xsvc_elastic(CG_SLICE("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
	                               "realm=\"security\"\r\n\r\n{\"error\":{\"type\":"
	                               "\"security_exception\"}}"),
	                      v, sizeof v) == CG_XSVC_PROTECTED);
	CHECK(cg_xsvc_elastic(CG_SLICE("HTTP/1.1 200 OK\r\n\r\n<html>"), v, sizeof v) ==
	      CG_XSVC_UNKNOWN);
	CHECK(cg_xsvc_ftp_code(CG_SLICE("230 Login successful.\r\n")) == 230);
	CHECK(cg_xsvc_ftp_code(CG_SLICE("220-Welcome\r\n220 ready\r\n")) == 220);
	CHECK(cg_xsvc_ftp_code(CG_SLICE("220-Welcome\r\n")) == 0);
	CHECK(cg_xsvc_ftp_code(CG_SLICE("230 partial")) == 0);
	unsigned char req[128];
	size_t n = cg_xsvc_mongo_request(req, sizeof req);
	CHECK(n > 40 && req[12] == 0xdd && req[13] == 0x07 && req[0] == n);
	CHECK(cg_xsvc_mongo_request(req, 10) == 0);
	cg_xsvc_banner_text(CG_SLICE("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x01"), b, sizeof b);
	CHECK_STR(b, "SSH-2.0-OpenSSH_9.2p1 Debian-2");
	/* ports: lists, ranges, bounds both ways */
	uint16_t *p;
	size_t np;
	cg_buf why;
	cg_buf_init(&why, 256);
	CHECK(cg_xports_parse("22, 80-82,80", &p, &np, &why) == CG_OK && np == 4 && p[3] == 82);
	free(p);
	CHECK(cg_xports_parse("1-65535", &p, &np, &why) == CG_OK && np == 65535);
	free(p);
	CHECK(cg_xports_parse("0", &p, &np, &why) != CG_OK);
	CHECK(cg_xports_parse("65536", &p, &np, &why) != CG_OK);
	CHECK(cg_xports_parse("9-8", &p, &np, &why) != CG_OK);
	CHECK(cg_xports_parse("top", &p, &np, &why) == CG_OK && np > 50);
	free(p);
	cg_buf_free(&why);
	cg_xport_result r = {.port = 6379, .anon = CG_XSVC_OPEN, .probe = "INFO server"};
	snprintf(r.service, sizeof r.service, "redis");
	cg_severity sev;
	CHECK_STR(cg_xport_verdict(&r, &sev, b, sizeof b), "anonymous_access");
	r.anon = CG_XSVC_PROTECTED;
	CHECK_STR(cg_xport_verdict(&r, &sev, b, sizeof b), "open_service");
	r.port = 22;
	snprintf(r.service, sizeof r.service, "ssh");
	CHECK(cg_xport_verdict(&r, &sev, b, sizeof b) == NULL);
}

TEST(versions)
{
	CHECK(cg_xver_cmp("1.22.1", "1.26.0") < 0);
	CHECK(cg_xver_cmp("1.26.0", "1.26.0") == 0);
	CHECK(cg_xver_cmp("1.26", "1.26.0") < 0);
	CHECK(cg_xver_cmp("9.2p1", "9.8p1") < 0);
	CHECK(cg_xver_cmp("9.8p1", "9.8") > 0);
	CHECK(cg_xver_cmp("10.0", "9.8p1") > 0);
	CHECK(cg_xver_cmp("2.4.9", "2.4.10") < 0);
	cg_xsw sw[8];
	int n = cg_xver_from_http(
	    CG_SLICE("HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\n"
	             "X-Powered-By: PHP/7.4.33\r\n"),
	    CG_SLICE("<head><meta name=\"generator\" content=\"WordPress 6.4.2\" />"), sw, 8);
	CHECK(n == 3);
	CHECK_STR(sw[0].product, "apache");
	CHECK_STR(sw[0].version, "2.4.57");
	CHECK_STR(sw[1].version, "7.4.33");
	CHECK_STR(sw[2].product, "wordpress");
	n = cg_xver_from_http(CG_SLICE("Server: Microsoft-IIS/8.5\r\n"),
	                      CG_SLICE("<meta name='generator' content='Joomla! - Open Source'>"),
	                      sw, 8);
	CHECK(n == 1 && !strcmp(sw[0].product, "iis") && !strcmp(sw[0].version, "8.5"));
	CHECK(cg_xver_from_banner(CG_SLICE("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"), sw) == 1);
	CHECK_STR(sw[0].version, "9.2p1");
	/* the fixture feed: ranges, exact versions, boundaries both ways */
	cg_xfeed f = {0};
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_xfeed_load_nvd(&f, CG_SOURCE_DIR "/tests/data/exposure/feeds/nvd-fixture.json",
	                        &why) == CG_OK);
	cg_severity sev;
	char sum[512];
	json_t *e;
	cg_xsw ng = {"nginx", "1.20.0", "t"};
	CHECK_STR(cg_xver_verdict(&f, &ng, &sev, sum, sizeof sum, &e), "known_vulnerability");
	CHECK(json_array_size(json_object_get(e, "cves")) ==
	      2); /* 10001 and 10003 (end included) */
	json_decref(e);
	snprintf(ng.version, sizeof ng.version, "1.99.0"); /* end excluded */
	CHECK(cg_xver_verdict(&f, &ng, &sev, sum, sizeof sum, &e) == NULL);
	snprintf(ng.version, sizeof ng.version, "0.9.9"); /* before 10001's start: 10003 only */
	CHECK_STR(cg_xver_verdict(&f, &ng, &sev, sum, sizeof sum, &e), "known_vulnerability");
	CHECK(json_array_size(json_object_get(e, "cves")) == 1);
	json_decref(e);
	cg_xfeed_free(&f);
	CHECK(cg_xfeed_parse_nvd(&f, CG_SLICE("{\"vulnerabilities\":[]}"), &why) != CG_OK);
	cg_xfeed_free(&f);
	cg_buf_free(&why);
}

TEST(devices)
{
	cg_xdevices d;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_xdevices_load(CG_SOURCE_DIR "/rules/exposure/credentials/devices.json", &d,
	                       &why) == CG_OK);
	const cg_xdevice *x = cg_xdevices_identify(
	    &d,
	    CG_SLICE(
	        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"DS-2CD2T\"\r\n"),
	    CG_SLICE(""));
	CHECK(x && strstr(x->vendor, "Hikvision") && x->digest);
	CHECK(cg_xdevices_identify(&d, CG_SLICE("HTTP/1.1 200 OK\r\nServer: nginx\r\n"),
	                           CG_SLICE("<title>Cong thong tin</title>")) == NULL);
	cg_xdevices_free(&d);
	/* the attempt cap holds whatever the data says */
	CHECK(
	    cg_xdevices_parse(CG_SLICE("{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\","
	                               "\"login\":{\"type\":\"basic\",\"path\":\"/\"},"
	                               "\"max_attempts\":99,\"credentials\":["
	                               "{\"user\":\"a\",\"password\":\"1\",\"default\":\"d\"},"
	                               "{\"user\":\"b\",\"password\":\"2\",\"default\":\"d\"},"
	                               "{\"user\":\"c\",\"password\":\"3\",\"default\":\"d\"},"
	                               "{\"user\":\"e\",\"password\":\"4\",\"default\":\"d\"}]}]}"),
	                      "t", &d, &why) == CG_OK);
	CHECK(d.n == 1 && cg_xdevice_attempts(&d.v[0]) == CG_XP_MAX_CRED_ATTEMPTS);
	cg_xdevices_free(&d);
	CHECK(cg_xdevices_parse(CG_SLICE("{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\","
	                                 "\"login\":{\"type\":\"form\",\"path\":\"/\"},"
	                                 "\"max_attempts\":1,\"credentials\":[]}]}"),
	                        "t", &d, &why) != CG_OK);
	cg_buf_free(&why);
}

/* Form logins: their fields are required, the body is urlencoded, and
 * only the success pattern (never the status) says a login worked. */
TEST(form_login)
{
	cg_xdevices d;
	cg_buf why, b;
	cg_buf_init(&why, 1024);
	cg_buf_init(&b, 1024);
	/* no success pattern: refused */
	CHECK(cg_xdevices_parse(CG_SLICE("{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\","
	                                 "\"login\":{\"type\":\"form\",\"path\":\"/l\","
	                                 "\"user_field\":\"u\",\"password_field\":\"p\"},"
	                                 "\"max_attempts\":1,\"credentials\":[]}]}"),
	                        "t", &d, &why) == CG_EPARSE);
	CHECK(cg_xdevices_parse(
	          CG_SLICE("{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\","
	                   "\"login\":{\"type\":\"form\",\"path\":\"/l\",\"user_field\":\"user "
	                   "name\",\"password_field\":\"pw\",\"extra\":\"go=1\","
	                   "\"success\":\"(?im)^location: /home\"},\"max_attempts\":1,"
	                   "\"credentials\":[{\"user\":\"ad min\",\"password\":\"p&w=%\u0111\","
	                   "\"default\":\"d\"}]}]}"),
	          "t", &d, &why) == CG_OK);
	CHECK(d.n == 1 && d.v[0].form);
	if (d.n == 1) {
		CHECK(cg_xdevice_form_body(&d.v[0], &d.v[0].creds[0], &b) == CG_OK);
		CHECK_STR(cg_buf_cstr(&b), "user+name=ad+min&pw=p%26w%3D%25%C4%91&go=1");
		CHECK(cg_xdevice_form_ok(
		    &d.v[0], CG_SLICE("HTTP/1.1 302 Found\r\nLocation: /home\r\n"), CG_SLICE("")));
		CHECK(!cg_xdevice_form_ok(&d.v[0], CG_SLICE("HTTP/1.1 200 OK\r\n"),
		                          CG_SLICE("<p>wrong password</p>")));
	}
	cg_xdevices_free(&d);
	cg_buf_free(&why);
	cg_buf_free(&b);
}

/* Tokenised form logins (the ISP fibre modems): the steps' tokens, the
 * password expression, {{NAME}} in extra; an expression naming an unknown
 * token or function, or a step without a pattern, is refused at load. */
TEST(token_login)
{
	cg_xdevices d;
	cg_buf why, b;
	cg_buf_init(&why, 1024);
	cg_buf_init(&b, 1024);
	static const char *const bad[] = {
	    "\"password\":\"sha256hex(password+nonce)\"", /* no such token */
	    "\"password\":\"sha1hex(password)\"",         /* no such function */
	    "\"password\":\"base64(password\"",           /* unclosed */
	    "\"password\":\"base64(base64(base64(base64(base64(password)))))\"", /* too deep */
	    "\"extra\":\"t={{nonce}}\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cg_buf j;
		cg_buf_init(&j, 4096);
		cg_buf_printf(&j,
		              "{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\",\"login\":{"
		              "\"type\":\"form\",\"path\":\"/l\",\"user_field\":\"u\","
		              "\"password_field\":\"p\",\"success\":\"ok\",\"steps\":[{\"path\":"
		              "\"/t\",\"name\":\"token\",\"token\":\"<t>(\\\\w+)</t>\"}],%s},"
		              "\"max_attempts\":1,\"credentials\":[]}]}",
		              bad[i]);
		CHECK(cg_xdevices_parse(cg_buf_slice(&j), "t", &d, &why) == CG_EPARSE);
		cg_buf_free(&j);
	}
	CHECK(cg_xdevices_parse(
	          CG_SLICE("{\"devices\":[{\"vendor\":\"v\",\"match\":\"x\",\"login\":{"
	                   "\"type\":\"form\",\"path\":\"/l\",\"user_field\":\"u\","
	                   "\"password_field\":\"p\",\"success\":\"ok\",\"steps\":[{\"path\":"
	                   "\"/t\",\"name\":\"token\",\"token\":\"<t>(\\\\w+)</t>\"}],"
	                   "\"password\":\"sha256hex(password+token)\",\"extra\":\"t={{token}}\"},"
	                   "\"max_attempts\":1,\"credentials\":[{\"user\":\"admin\","
	                   "\"password\":\"admin\",\"default\":\"d\"}]}]}"),
	          "t", &d, &why) == CG_OK);
	CHECK(d.n == 1 && d.v[0].nsteps == 1);
	if (d.n == 1 && d.v[0].nsteps == 1) {
		cg_xtokens tk = {.n = 1, .name = {"token"}};
		CHECK(cg_xstep_token(&d.v[0].steps[0], CG_SLICE(""), CG_SLICE("x<t>12345678</t>"),
		                     tk.value[0], sizeof tk.value[0]));
		CHECK_STR(tk.value[0], "12345678");
		CHECK(!cg_xstep_token(&d.v[0].steps[0], CG_SLICE(""), CG_SLICE("<t></t>"),
		                      tk.value[0], sizeof tk.value[0]));
		memcpy(tk.value[0], "12345678", 9);
		CHECK(cg_xdevice_login_body(&d.v[0], &d.v[0].creds[0], &tk, &b) == CG_OK);
		/* sha256("admin12345678") */
		CHECK_STR(cg_buf_cstr(&b),
		          "u=admin&p=3c8872c094682f4c3fcdffdab80a8d351dbeee9b31a29e6ea0"
		          "92b51cf473e732&t=12345678");
		/* without the token the body is not made */
		CHECK(cg_xdevice_login_body(&d.v[0], &d.v[0].creds[0], NULL, &b) == CG_EINVAL);
	}
	cg_xdevices_free(&d);
	cg_buf_free(&why);
	cg_buf_free(&b);
}

/* The server scans a system's declared targets only inside its agency's
 * ranges or its own single addresses (exposure/scope.h). */
TEST(system_scope)
{
	json_t *agency = json_pack("{s:[s]}", "ip_ranges", "127.0.0.0/24");
	json_t *sys =
	    json_pack("{s:[s,s,s],s:[s,s],s:[s,s]}", "urls", "http://127.0.0.1:8080/portal",
	              "https://127.0.1.9/", "ftp://x", "domains", "no-such-host.invalid",
	              "127.0.0.5", "ips", "127.0.2.7", "10.0.0.0/8");
	cg_xtargets ts = {0};
	json_t *refused = json_array();
	CHECK(cg_xp_system_targets(sys, agency, &ts, refused) == CG_OK);
	/* kept: the URL in the range, the domain that is an address in it, the
	 * system's own address (outside the range but declared by it) */
	CHECK(ts.n == 3);
	CHECK(ts.n == 3 && strcmp(ts.v[0].host, "127.0.0.1") == 0 && ts.v[0].port == 8080);
	CHECK(ts.n == 3 && strcmp(ts.v[1].host, "127.0.0.5") == 0);
	CHECK(ts.n == 3 && strcmp(ts.v[2].host, "127.0.2.7") == 0);
	/* refused, each with its reason: an address outside, a scheme that is
	 * not a scan target, a name that does not resolve, a CIDR */
	CHECK(json_array_size(refused) == 4);
	const char *why0 = cg_json_get_str(json_array_get(refused, 0), "error");
	CHECK(why0 && strstr(why0, "outside"));
	const char *why2 = cg_json_get_str(json_array_get(refused, 2), "error");
	CHECK(why2 && strstr(why2, "resolve"));
	CHECK_STR(cg_json_get_str(json_array_get(refused, 3), "target"), "10.0.0.0/8");
	cg_xtargets_free(&ts);
	json_decref(refused);
	/* a range among the system's ips does not widen its scope */
	json_t *wide = json_pack("{s:[s],s:[s]}", "domains", "127.0.2.8", "ips", "127.0.2.0/24");
	refused = json_array();
	CHECK(cg_xp_system_targets(wide, NULL, &ts, refused) == CG_OK);
	CHECK(ts.n == 0 && json_array_size(refused) == 2);
	cg_xtargets_free(&ts);
	json_decref(refused);
	json_decref(wide);
	/* without an agency: only the system's own addresses */
	refused = json_array();
	CHECK(cg_xp_system_targets(sys, NULL, &ts, refused) == CG_OK);
	CHECK(ts.n == 1 && strcmp(ts.v[0].host, "127.0.2.7") == 0);
	cg_xtargets_free(&ts);
	json_decref(refused);
	json_decref(sys);
	json_decref(agency);
}

int main(void)
{
	RUN(targets);
	RUN(random_shape);
	RUN(template_matchers);
	RUN(template_skips_and_errors);
	RUN(extractors);
	RUN(dsl);
	RUN(headers_check);
	RUN(tls_verdicts);
	RUN(services);
	RUN(versions);
	RUN(devices);
	RUN(system_scope);
	RUN(form_login);
	RUN(token_login);
	return test_done();
}
