/*
 * natreport_send.c - the [national] section and the HTTPS delivery of the
 * national malware report (natreport_send.h).
 */
#include "share/natreport_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

static const char *const keys[] = {"url",    "client_cert", "client_key", "ca_file",
                                   "format", "map",         "province",   "interval"};

bool cg_natsend_key_known(const char *key)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static int line_of(const cg_config *ini, const char *key)
{
	const char *sec, *k;
	int line = 0;
	for (size_t i = 0; cg_config_entry(ini, i, &sec, &k, &line); i++)
		if (!strcmp(sec, "national") && (!key || !strcmp(k, key)))
			return line;
	return 0;
}

static cg_err bad(cg_buf *why, const cg_config *ini, const char *key, const char *reason)
{
	cg_buf_reset(why);
	cg_buf_printf(why, "%s:%d: [national] %s", cg_config_name(ini), line_of(ini, key), reason);
	return CG_EINVAL;
}

/* http:// only to a loopback address (the tests' receiver) */
static bool url_ok(const char *u)
{
	if (!strncmp(u, "https://", 8))
		return u[8] != 0;
	return !strncmp(u, "http://127.", 11) || !strncmp(u, "http://[::1]", 12) ||
	       !strncmp(u, "http://localhost", 16);
}

cg_err cg_natsend_from_config(const cg_config *ini, cg_natsend_conf *c, cg_buf *why)
{
	memset(c, 0, sizeof *c);
	if (!line_of(ini, NULL))
		return CG_OK;
	c->on = true;
	const char **outs[] = {&c->url, &c->client_cert, &c->client_key, &c->ca_file,
	                       NULL,    &c->map,         &c->province};
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		const char *v = cg_config_get(ini, "national", keys[i]);
		if (v && !*v)
			return bad(why, ini, keys[i],
			           "empty value (leave the key out for the default)");
		if (outs[i])
			*outs[i] = v;
	}
	if (!c->url)
		return bad(why, ini, NULL, "needs url");
	if (strlen(c->url) > CG_NATDELIV_TEXT_MAX || !url_ok(c->url))
		return bad(why, ini, "url", "url must be https:// (http:// only to loopback)");
	if (!c->client_cert != !c->client_key)
		return bad(why, ini, c->client_cert ? "client_cert" : "client_key",
		           "client_cert and client_key go together");
	const char *f = cg_config_get(ini, "national", "format");
	if (f && cg_natreport_fmt_parse(f, &c->fmt))
		return bad(why, ini, "format", "format must be json or xml");
	return cg_config_get_int(ini, "national", "interval", 10, 31 * 86400, 3600, &c->interval_s,
	                         why);
}

typedef struct sink {
	cg_buf *out;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	sink *s = ud;
	size_t len = size * n, room = s->out->max - s->out->len;
	/* the answer is kept for the record: past the limit it is cut, not
	 * refused (the delivery itself succeeded or not by its status) */
	cg_buf_append(s->out, p, len < room ? len : room);
	return len;
}

cg_err cg_natsend_post(const cg_natsend_conf *c, const char *period, cg_slice doc, cg_slice sig,
                       long *status, cg_buf *answer, cg_buf *why)
{
	*status = 0;
	cg_buf_reset(answer);
	CURL *h = curl_easy_init();
	if (!h)
		return CG_ENOMEM;
	bool xml = c->fmt == CG_NATREPORT_XML;
	char name[96], signame[104], hdr[96];
	snprintf(name, sizeof name, "canhgac-malware-%s.%s", period, xml ? "xml" : "json");
	snprintf(signame, sizeof signame, "%s.p7s", name);
	snprintf(hdr, sizeof hdr, "X-Canhgac-Period: %s", period);
	curl_mime *mime = curl_mime_init(h);
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_name(part, "report");
	curl_mime_data(part, doc.ptr, doc.len);
	curl_mime_filename(part, name);
	curl_mime_type(part, xml ? "application/xml" : "application/json");
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "signature");
	curl_mime_data(part, sig.ptr, sig.len);
	curl_mime_filename(part, signame);
	curl_mime_type(part, "application/pkcs7-signature");
	struct curl_slist *hl = curl_slist_append(NULL, hdr);
	hl = curl_slist_append(hl, "Expect:");
	sink s = {answer};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)CG_NATDELIV_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "canhgac");
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->client_cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->client_key);
		curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	}
	CURLcode rc = curl_easy_perform(h);
	cg_err err = CG_OK;
	if (rc != CURLE_OK) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: %s", c->url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		err = rc == CURLE_OPERATION_TIMEDOUT ? CG_ETIMEOUT : CG_ENET;
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hl);
	curl_mime_free(mime);
	curl_easy_cleanup(h);
	return err;
}
