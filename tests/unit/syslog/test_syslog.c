/* Unit tests: CEF escaping, RFC 5424 messages, octet-counting framing,
 * destinations from the configuration file and their filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/timeutil.h"
#include "syslog/syslog.h"
#include "test.h"
#include "version.h"

static char *hesc(const char *s)
{
	cg_buf b;
	cg_buf_init(&b, 4096);
	cg_cef_header_escape(cg_slice_cstr(s), &b);
	return cg_buf_detach(&b, NULL);
}

static char *vesc(const char *s)
{
	cg_buf b;
	cg_buf_init(&b, 4096);
	cg_cef_value_escape(cg_slice_cstr(s), &b);
	return cg_buf_detach(&b, NULL);
}

#define CHECK_ESC(fn, in, want)                                                                    \
	do {                                                                                       \
		char *got_ = fn(in);                                                               \
		CHECK_STR(got_ ? got_ : "", want);                                                 \
		free(got_);                                                                        \
	} while (0)

TEST(cef_header_escaping)
{
	CHECK_ESC(hesc, "a|b", "a\\|b");
	CHECK_ESC(hesc, "a\\b", "a\\\\b");
	/* '=' is not special in the header */
	CHECK_ESC(hesc, "x=y", "x=y");
	/* a header is one line */
	CHECK_ESC(hesc, "l1\nl2\rl3", "l1 l2 l3");
	CHECK_ESC(hesc, "\\|", "\\\\\\|");
	CHECK_ESC(hesc, "Trang chủ bị thay đổi", "Trang chủ bị thay đổi");
}

TEST(cef_extension_escaping)
{
	CHECK_ESC(vesc, "a=b", "a\\=b");
	CHECK_ESC(vesc, "a\\b", "a\\\\b");
	/* '|' is not special in the extension */
	CHECK_ESC(vesc, "a|b", "a|b");
	CHECK_ESC(vesc, "l1\nl2", "l1\\nl2");
	CHECK_ESC(vesc, "l1\r\nl2", "l1\\nl2");
	CHECK_ESC(vesc, "l1\rl2", "l1\\rl2");
	CHECK_ESC(vesc, "tab\there\x01", "tab here ");
	CHECK_ESC(vesc, "\\=", "\\\\\\=");
}

TEST(cef_severity_map)
{
	CHECK(cg_cef_severity(0) == 1);
	CHECK(cg_cef_severity(2) == 5);
	CHECK(cg_cef_severity(4) == 10);
}

static json_t *sample(void)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "seq",
	                 (json_int_t)42, "id", "ev-1", "time", "2026-12-03T01:02:03.004Z", "host",
	                 "web 01", "agency", "Sở A=B", "agency_id", (json_int_t)7, "source", "web",
	                 "kind", "defacement", "severity", "high", "subject", "http://x.vn/a?b=c|d",
	                 "summary", "Trang|bị\\sửa\nđổi", "evidence", "k", "v");
}

TEST(cef_message)
{
	json_t *ev = sample();
	cg_buf b;
	cg_buf_init(&b, CG_SYSLOG_MSG_MAX + 64);
	CHECK(cg_syslog_message(CG_FWD_CEF, CG_FWD_UDP, "canh gac", ev, &b) == CG_OK);
	const char *want =
	    "<107>1 2026-12-03T01:02:03.004Z canh_gac canhgac - cef - "
	    "CEF:0|canhgac|canhgac|" CG_VERSION
	    "|web.defacement|Trang\\|bị\\\\sửa đổi|8|rt=1796259723004 externalId=ev-1 cat=web "
	    "dhost=web 01 msg=Trang|bị\\\\sửa\\nđổi cs1Label=subject cs1=http://x.vn/a?b\\=c|d "
	    "cs2Label=agency cs2=Sở A\\=B cn1Label=agencyId cn1=7 cn2Label=seq cn2=42";
	CHECK_STR(cg_buf_cstr(&b), want);
	cg_buf_free(&b);
	json_decref(ev);
}

TEST(octet_counting)
{
	json_t *ev = sample();
	cg_buf b, u;
	cg_buf_init(&b, CG_SYSLOG_MSG_MAX + 64);
	cg_buf_init(&u, CG_SYSLOG_MSG_MAX + 64);
	CHECK(cg_buf_puts(&b, "prev") == CG_OK);
	CHECK(cg_syslog_message(CG_FWD_CEF, CG_FWD_TLS, "h", ev, &b) == CG_OK);
	CHECK(cg_syslog_message(CG_FWD_CEF, CG_FWD_UDP, "h", ev, &u) == CG_OK);
	char pre[32];
	snprintf(pre, sizeof pre, "prev%zu ", u.len);
	CHECK(strncmp(b.ptr, pre, strlen(pre)) == 0);
	CHECK(b.len == strlen(pre) + u.len);
	CHECK(memcmp(b.ptr + strlen(pre), u.ptr, u.len) == 0);
	cg_buf_free(&b);
	cg_buf_free(&u);
	json_decref(ev);
}

TEST(rfc5424_json_message)
{
	json_t *ev = sample();
	json_object_set_new(ev, "id", json_string("a\"b]c"));
	cg_buf b;
	cg_buf_init(&b, CG_SYSLOG_MSG_MAX + 64);
	CHECK(cg_syslog_message(CG_FWD_RFC5424, CG_FWD_UDP, "h", ev, &b) == CG_OK);
	const char *pfx = "<107>1 2026-12-03T01:02:03.004Z h canhgac - web "
	                  "[canhgac@32473 seq=\"42\" id=\"a\\\"b\\]c\"] {";
	CHECK(strncmp(cg_buf_cstr(&b), pfx, strlen(pfx)) == 0);
	json_t *back = json_loads(strstr(b.ptr, "] {") + 2, 0, NULL);
	CHECK(back && json_equal(back, ev));
	json_decref(back);
	/* too big for one message: sent without its evidence, marked */
	char *big = malloc(CG_SYSLOG_MSG_MAX);
	memset(big, 'x', CG_SYSLOG_MSG_MAX - 1);
	big[CG_SYSLOG_MSG_MAX - 1] = 0;
	json_object_set_new(json_object_get(ev, "evidence"), "page", json_string(big));
	free(big);
	cg_buf_reset(&b);
	CHECK(cg_syslog_message(CG_FWD_RFC5424, CG_FWD_TCP, "h", ev, &b) == CG_OK);
	CHECK(b.len < CG_SYSLOG_MSG_MAX + 16);
	CHECK(strstr(b.ptr, "\"evidence_truncated\":true") != NULL);
	cg_buf_free(&b);
	json_decref(ev);
}

static cg_err dests(const char *text, cg_fwd_dest **ds, size_t *n, cg_buf *why)
{
	cg_config *ini = NULL;
	cg_err err = cg_config_parse(cg_slice_cstr(text), "c.ini", &ini, why);
	if (!err)
		err = cg_fwd_dests_from_config(ini, ds, n, why);
	cg_config_free(ini);
	return err;
}

TEST(destinations)
{
	cg_fwd_dest *ds = NULL;
	size_t n = 0;
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(dests("[server]\nlisten=x\n[forward.soc]\nurl = tls://[::1]:6514\nformat=rfc5424\n"
	            "min_severity=medium\nsources = malware, web\nagencies=3,7\nca_file=/c.pem\n"
	            "[forward.lab]\nurl=udp://127.0.0.1:514\n",
	            &ds, &n, &why) == CG_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(ds[0].name, "soc");
		CHECK_STR(ds[0].host, "::1");
		CHECK(ds[0].port == 6514 && ds[0].transport == CG_FWD_TLS);
		CHECK(ds[0].format == CG_FWD_RFC5424 && ds[0].min_severity == 2);
		CHECK(ds[0].nsources == 2 && strcmp(ds[0].sources[1], "web") == 0);
		CHECK(ds[0].nagencies == 2 && ds[0].agencies[1] == 7);
		CHECK(ds[1].transport == CG_FWD_UDP && ds[1].format == CG_FWD_CEF);
		json_t *ev = sample();
		CHECK(cg_fwd_wants(&ds[0], ev));
		CHECK(cg_fwd_wants(&ds[1], ev));
		json_object_set_new(ev, "agency_id", json_integer(8));
		CHECK(!cg_fwd_wants(&ds[0], ev));
		json_object_set_new(ev, "agency_id", json_integer(3));
		json_object_set_new(ev, "severity", json_string("low"));
		CHECK(!cg_fwd_wants(&ds[0], ev));
		json_object_set_new(ev, "severity", json_string("critical"));
		json_object_set_new(ev, "source", json_string("dns"));
		CHECK(!cg_fwd_wants(&ds[0], ev));
		json_decref(ev);
	}
	free(ds);
	/* each refusal names the line */
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"[forward.a]\nformat=cef\n", "c.ini:2: [forward.a]: a destination needs url"},
	    {"[forward.a]\nurl=http://x:1\n", "c.ini:2: [forward.a]: url must start with"},
	    {"[forward.a]\nurl=tcp://x\n", "c.ini:2: [forward.a]: url needs HOST:PORT"},
	    {"[forward.a]\nurl=tcp://x:0\n", "c.ini:2: [forward.a]: url: port must be"},
	    {"[forward.a]\nurl=tcp://x:70000\n", "c.ini:2: [forward.a]: url: port must be"},
	    {"[forward.a]\nurl=tcp://a b:1\n", "c.ini:2: [forward.a]: url: invalid host"},
	    {"[forward.a]\nurl=tcp://[::1:1\n", "c.ini:2: [forward.a]: url: '[' without"},
	    {"[forward.a]\nurl=tcp://x:1\nformat=leef\n", "c.ini:3: [forward.a]: format must"},
	    {"[forward.a]\nurl=tcp://x:1\nmin_severity=huge\n", "c.ini:3: [forward.a]: min_sev"},
	    {"[forward.a]\nurl=tcp://x:1\nagencies=1,,2\n", "c.ini:3: [forward.a]: empty item"},
	    {"[forward.a]\nurl=tcp://x:1\nagencies=1,x\n", "c.ini:3: [forward.a]: agencies is"},
	    {"[forward.a]\nurl=tcp://x:1\nca_file=/c\n", "c.ini:3: [forward.a]: ca_file is for"},
	    {"[forward.a]\nurl=tcp://x:1\ncolour=red\n", "c.ini:3: unknown key 'colour'"},
	    {"[forward.]\nurl=tcp://x:1\n", "c.ini:2: [forward.]: a destination needs a name"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ds = NULL;
		cg_buf_reset(&why);
		CHECK(dests(bad[i].text, &ds, &n, &why) == CG_EINVAL);
		CHECK(ds == NULL);
		if (strncmp(cg_buf_cstr(&why), bad[i].why, strlen(bad[i].why)) != 0)
			printf("# got: %s\n", cg_buf_cstr(&why));
		CHECK(strncmp(cg_buf_cstr(&why), bad[i].why, strlen(bad[i].why)) == 0);
	}
	cg_buf_free(&why);
}

/* ---- the CEF formatter as it was before messages were built from rows
 * (cg_fwd_row): kept here, unchanged, as the reference the new one must
 * match byte for byte ---- */
static const char *old_str_of(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));
	return s ? s : "";
}

static cg_err old_header_field(const char *s, size_t max, cg_buf *out)
{
	size_t n = strlen(s);
	if (n == 0)
		return cg_buf_putc(out, '-');
	if (n > max)
		n = max;
	size_t start = out->len;
	cg_err err = cg_buf_append(out, s, n);
	for (size_t i = start; !err && i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];
		if (c <= 32 || c >= 127)
			out->ptr[i] = '_';
	}
	return err;
}

static cg_err old_ext_pair(cg_buf *out, bool *first, const char *key, const char *value)
{
	if (!*value)
		return CG_OK;
	cg_err err = *first ? CG_OK : cg_buf_putc(out, ' ');
	*first = false;
	if (!err)
		err = cg_buf_puts(out, key);
	if (!err)
		err = cg_buf_putc(out, '=');
	return err ? err : cg_cef_value_escape(cg_slice_cstr(value), out);
}
#define old_ext(out, k, v) old_ext_pair((out), &first, (k), (v))

static cg_err old_cef_body(const json_t *ev, int sev, cg_buf *out)
{
	cg_err err = cg_buf_puts(out, "CEF:0|canhgac|canhgac|");
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(CG_VERSION), out);
	if (!err)
		err = cg_buf_putc(out, '|');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(old_str_of(ev, "source")), out);
	if (!err)
		err = cg_buf_putc(out, '.');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(old_str_of(ev, "kind")), out);
	if (!err)
		err = cg_buf_putc(out, '|');
	if (!err)
		err = cg_cef_header_escape(cg_slice_cstr(old_str_of(ev, "summary")), out);
	if (!err)
		err = cg_buf_printf(out, "|%d|", cg_cef_severity(sev));
	if (err)
		return err;
	bool first = true;
	int64_t ms = 0;
	const char *t = old_str_of(ev, "time");
	char num[32];
	if (cg_time_parse(cg_slice_cstr(t), &ms) == CG_OK) {
		snprintf(num, sizeof num, "%lld", (long long)ms);
		err = old_ext(out, "rt", num);
	}
	if (!err)
		err = old_ext(out, "externalId", old_str_of(ev, "id"));
	if (!err)
		err = old_ext(out, "cat", old_str_of(ev, "source"));
	if (!err)
		err = old_ext(out, "dhost", old_str_of(ev, "host"));
	if (!err)
		err = old_ext(out, "msg", old_str_of(ev, "summary"));
	if (!err && *old_str_of(ev, "subject"))
		err = old_ext(out, "cs1Label", "subject");
	if (!err)
		err = old_ext(out, "cs1", old_str_of(ev, "subject"));
	if (!err && *old_str_of(ev, "agency"))
		err = old_ext(out, "cs2Label", "agency");
	if (!err)
		err = old_ext(out, "cs2", old_str_of(ev, "agency"));
	json_t *aid = json_object_get(ev, "agency_id");
	if (!err && json_is_integer(aid)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(aid));
		err = old_ext(out, "cn1Label", "agencyId");
		if (!err)
			err = old_ext(out, "cn1", num);
	}
	snprintf(num, sizeof num, "%lld",
	         (long long)json_integer_value(json_object_get(ev, "seq")));
	if (!err)
		err = old_ext(out, "cn2Label", "seq");
	if (!err)
		err = old_ext(out, "cn2", num);
	return err;
}

static cg_err old_cef_message(cg_fwd_transport transport, const char *host, const json_t *ev,
                              cg_buf *out)
{
	static const int sysmap[] = {6, 5, 4, 3, 2};
	int sev = 0;
	if (cg_severity_parse(old_str_of(ev, "severity"), (cg_severity *)&sev))
		sev = 0;
	size_t start = out->len;
	cg_buf *m = out;
	cg_err err = cg_buf_printf(m, "<%d>1 ", 13 * 8 + (sev >= 0 && sev <= 4 ? sysmap[sev] : 6));
	if (!err)
		err = old_header_field(old_str_of(ev, "time"), 32, m);
	if (!err)
		err = cg_buf_putc(m, ' ');
	if (!err)
		err = old_header_field(host ? host : "", 255, m);
	if (!err)
		err = cg_buf_puts(m, " canhgac - ");
	if (!err)
		err = old_header_field("cef", 32, m);
	if (!err)
		err = cg_buf_puts(m, " - ");
	if (!err)
		err = old_cef_body(ev, sev, m);
	size_t n = m->len - start;
	if (!err && n > CG_SYSLOG_MSG_MAX)
		err = CG_ETOOBIG;
	if (!err && transport != CG_FWD_UDP) {
		char pre[24];
		int k = snprintf(pre, sizeof pre, "%zu ", n);
		err = cg_buf_reserve(out, (size_t)k);
		if (!err) {
			memmove(out->ptr + start + k, out->ptr + start, n);
			memcpy(out->ptr + start, pre, (size_t)k);
			out->len += (size_t)k;
			out->ptr[out->len] = '\0';
		}
	}
	if (err)
		out->len = start;
	return err;
}

/* Texts that exercise every CEF escaping case (header: \ | and line
 * breaks; extension: \ = CR LF CRLF; other control characters; DEL;
 * UTF-8; empty). */
static const char *const tricky[] = {
    "",
    "plain",
    "a|b=c\\d",
    "\\|=\\=",
    "l1\r\nl2\nl3\rl4",
    "\r\n\r\n\n\r",
    "tab\there\x01\x1f\x7f end",
    "Trang|bị\\sửa\nđổi = Sở",
    "trailing\\",
    "=",
    "|",
    "\r",
    "http://portal1.example.vn/p?id=1&x=|y",
    "2026-12-03T01:02:03.004Z",
    "2026-11-21T04:00:00Z",
    "1969-12-31T23:59:58.999Z", /* rt < 0 */
    "not a time",
    "a very long value "
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};
#define NTRICKY (sizeof tricky / sizeof tricky[0])

/* Event number i of a varied set: every field takes every tricky text in
 * turn (at coprime strides), and is sometimes missing or null. */
static json_t *varied(size_t i)
{
	static const char *const keys[] = {"id",     "time", "host",    "agency",
	                                   "source", "kind", "subject", "summary"};
	static const char *const sevs[] = {"info",     "low",   "medium", "high",
	                                   "critical", "bogus", ""};
	json_t *ev = json_object();
	json_object_set_new(ev, "seq",
	                    json_integer(i == 7    ? INT64_MAX
	                                 : i == 11 ? INT64_MIN
	                                           : (json_int_t)(i * 7919 % 100003)));
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		size_t pick = (i * (2 * k + 3) + k) % (NTRICKY + 2);
		if (pick == NTRICKY)
			continue; /* missing */
		json_object_set_new(ev, keys[k],
		                    pick == NTRICKY + 1 ? json_null() : json_string(tricky[pick]));
	}
	/* the times the store writes, often */
	if (i % 3 == 0)
		json_object_set_new(
		    ev, "time",
		    json_string(i % 2 ? "2026-12-03T01:02:03.004Z" : "2026-11-21T04:00:00Z"));
	if (i % 9 != 8)
		json_object_set_new(ev, "severity", json_string(sevs[i % 7]));
	if (i % 4 == 1)
		json_object_set_new(
		    ev, "agency_id",
		    json_integer(i % 8 == 5 ? -(json_int_t)i : (json_int_t)(i % 50)));
	else if (i % 4 == 2)
		json_object_set_new(ev, "agency_id", json_null());
	json_object_set_new(ev, "evidence", json_pack("{s:s}", "k", "v|=\\"));
	return ev;
}

TEST(cef_from_rows_same_bytes)
{
	static const cg_fwd_transport tr[] = {CG_FWD_UDP, CG_FWD_TCP, CG_FWD_TLS};
	static const char *const hosts[] = {"canhgac", "canh gac", "", "máy-1"};
	cg_buf a, b, c;
	cg_buf_init(&a, 4096);
	cg_buf_init(&b, 4096);
	cg_buf_init(&c, 4096);
	int differ = 0;
	for (size_t i = 0; i < 3000; i++) {
		json_t *ev = varied(i);
		cg_fwd_transport t = tr[i % 3];
		const char *host = hosts[i % 4];
		cg_buf_reset(&a);
		cg_buf_reset(&b);
		cg_buf_reset(&c);
		cg_fwd_row r;
		cg_fwd_row_of_json(ev, &r);
		cg_err ea = old_cef_message(t, host, ev, &a);
		cg_err eb = cg_syslog_cef_row(t, host, &r, &b);
		cg_err ec = cg_syslog_message(CG_FWD_CEF, t, host, ev, &c);
		if (ea != eb || ea != ec || a.len != b.len || a.len != c.len ||
		    memcmp(a.ptr, b.ptr, a.len) != 0 || memcmp(a.ptr, c.ptr, a.len) != 0) {
			if (differ++ < 3)
				printf("# event %zu:\n#  old %s\n#  row %s\n", i, cg_buf_cstr(&a),
				       cg_buf_cstr(&b));
		}
		json_decref(ev);
	}
	CHECK(differ == 0);
	cg_buf_free(&a);
	cg_buf_free(&b);
	cg_buf_free(&c);
}

TEST(wants_row_as_record)
{
	cg_fwd_dest d = {.min_severity = 2, .nsources = 2, .nagencies = 2};
	snprintf(d.sources[0], sizeof d.sources[0], "web");
	snprintf(d.sources[1], sizeof d.sources[1], "dns");
	d.agencies[0] = 7;
	d.agencies[1] = 9;
	int differ = 0;
	for (size_t i = 0; i < 3000; i++) {
		json_t *ev = varied(i);
		if (i % 5 == 0)
			json_object_set_new(ev, "source", json_string(i % 2 ? "web" : "dns"));
		if (i % 4 == 1)
			json_object_set_new(ev, "agency_id", json_integer(i % 8 ? 7 : 8));
		cg_fwd_row r;
		cg_fwd_row_of_json(ev, &r);
		bool all = cg_fwd_wants(&(cg_fwd_dest){0}, ev);
		if (cg_fwd_wants(&d, ev) != cg_fwd_wants_row(&d, &r) ||
		    all != cg_fwd_wants_row(&(cg_fwd_dest){0}, &r) || !all)
			differ++;
		json_decref(ev);
	}
	CHECK(differ == 0);
}

int main(void)
{
	RUN(cef_header_escaping);
	RUN(cef_extension_escaping);
	RUN(cef_severity_map);
	RUN(cef_message);
	RUN(octet_counting);
	RUN(rfc5424_json_message);
	RUN(destinations);
	RUN(cef_from_rows_same_bytes);
	RUN(wants_row_as_record);
	return test_done();
}
