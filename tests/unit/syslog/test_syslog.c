/* Unit tests: CEF escaping, RFC 5424 messages, octet-counting framing,
 * destinations from the configuration file and their filters. */
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	RUN(cef_header_escaping);
	RUN(cef_extension_escaping);
	RUN(cef_severity_map);
	RUN(cef_message);
	RUN(octet_counting);
	RUN(rfc5424_json_message);
	RUN(destinations);
	return test_done();
}
