/*
 * parse_json.c - the JSON-lines DNS formats: Zeek dns.log written as JSON
 * and Suricata eve.json DNS events.
 *
 * Zeek:  {"ts":1700000000.12,"uid":"C1","id.orig_h":"10.1.2.3",...,
 *         "query":"example.com","qtype":1,"qtype_name":"A",...}
 *        (ts may also be an ISO 8601 string with json_timestamps)
 * Suricata, eve "dns" events, every layout it has written:
 *   v1 (one event per query/answer record):
 *     "dns":{"type":"query","id":1,"rrname":"example.com","rrtype":"A"}
 *   v2 (answers grouped; queries still one per event):
 *     "dns":{"version":2,"type":"query","rrname":...,"rrtype":...}
 *   v3 (Suricata 8):
 *     "dns":{"version":3,"type":"request","queries":[{"rrname":..,"rrtype":..}]}
 * Answers are OTHER: the query event of the same transaction counted it.
 *
 * jansson decodes the line (bounded by CG_DNS_MAX_LINE before it gets
 * here; jansson limits nesting itself). These formats allocate per line,
 * unlike the text readers: they are the formats of sensors, not of
 * resolver farms.
 */
#include <jansson.h>
#include <string.h>

#include "dns/parse_util.h"

static cg_slice jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return (cg_slice){ NULL, 0 };
	return (cg_slice){ json_string_value(v), json_string_length(v) };
}

static bool jtime(const json_t *v, int64_t *ms)
{
	*ms = -1;
	if (json_is_real(v) || json_is_integer(v)) {
		double d = json_number_value(v);
		if (d < 0 || d > 1e11)
			return false;
		*ms = (int64_t)(d * 1000.0);
		return true;
	}
	if (json_is_string(v)) {
		cg_slice s = { json_string_value(v), json_string_length(v) };
		return pu_time_iso(s, ms) > 0 || pu_time_epoch(s, ms) == s.len;
	}
	return v == NULL; /* absent: unknown time, not an error */
}

static cg_dns_line fill(cg_dns_parser *p, cg_dns_rec *rec, cg_slice client,
			cg_slice name, uint16_t qtype, cg_dns_skip *why)
{
	size_t len;
	if (!client.ptr || !cg_dns_is_ip(client)) {
		*why = CG_DNS_SKIP_CLIENT;
		return CG_DNS_LINE_BAD;
	}
	if (!name.ptr || name.len == 0 || (name.len == 1 && name.ptr[0] == '.'))
		return CG_DNS_LINE_OTHER;
	if (memchr(name.ptr, '\0', name.len) ||
	    !cg_dns_norm_name(name, p->name, &len)) {
		*why = CG_DNS_SKIP_NAME;
		return CG_DNS_LINE_BAD;
	}
	memcpy(p->client, client.ptr, client.len);
	p->client[client.len] = '\0';
	rec->client = (cg_slice){ p->client, client.len };
	rec->qname = (cg_slice){ p->name, len };
	rec->qtype = qtype;
	return CG_DNS_LINE_QUERY;
}

static cg_dns_line zeek_json(cg_dns_parser *p, json_t *o, cg_dns_rec *rec,
			     cg_dns_skip *why)
{
	if (!json_object_get(o, "id.orig_h")) {
		*why = CG_DNS_SKIP_FORMAT;
		return CG_DNS_LINE_BAD;
	}
	if (!jtime(json_object_get(o, "ts"), &rec->time_ms)) {
		*why = CG_DNS_SKIP_TIME;
		return CG_DNS_LINE_BAD;
	}
	json_t *qt = json_object_get(o, "qtype");
	uint16_t qtype = json_is_integer(qt) && json_integer_value(qt) >= 0 &&
					 json_integer_value(qt) <= 65535
				 ? (uint16_t)json_integer_value(qt)
				 : 0;
	cg_slice rc = jstr(o, "rcode_name");
	if (rc.ptr)
		rec->answer = cg_dns_answer_parse(rc);
	return fill(p, rec, jstr(o, "id.orig_h"), jstr(o, "query"), qtype, why);
}

static cg_dns_line suricata(cg_dns_parser *p, json_t *o, cg_dns_rec *rec,
			    cg_dns_skip *why)
{
	cg_slice et = jstr(o, "event_type");
	if (!et.ptr) {
		*why = CG_DNS_SKIP_FORMAT;
		return CG_DNS_LINE_BAD;
	}
	if (!cg_slice_eq_cstr(et, "dns"))
		return CG_DNS_LINE_OTHER; /* flow, alert, stats, ... */
	json_t *dns = json_object_get(o, "dns");
	if (!json_is_object(dns)) {
		*why = CG_DNS_SKIP_FORMAT;
		return CG_DNS_LINE_BAD;
	}
	cg_slice type = jstr(dns, "type");
	if (!cg_slice_eq_cstr(type, "query") && !cg_slice_eq_cstr(type, "request"))
		return CG_DNS_LINE_OTHER;
	if (!jtime(json_object_get(o, "timestamp"), &rec->time_ms)) {
		*why = CG_DNS_SKIP_TIME;
		return CG_DNS_LINE_BAD;
	}
	const json_t *q = dns;
	json_t *qs = json_object_get(dns, "queries");
	if (json_is_array(qs) && json_array_size(qs) > 0 &&
	    json_is_object(json_array_get(qs, 0)))
		q = json_array_get(qs, 0);
	return fill(p, rec, jstr(o, "src_ip"), jstr(q, "rrname"),
		    cg_dns_qtype_parse(jstr(q, "rrtype").ptr ? jstr(q, "rrtype")
							     : CG_SLICE("")),
		    why);
}

cg_dns_line cg_dns_parse_json(cg_dns_parser *p, cg_slice line, cg_dns_rec *rec,
			      cg_dns_skip *why)
{
	size_t i = 0;
	while (i < line.len && (line.ptr[i] == ' ' || line.ptr[i] == '\t'))
		i++;
	if (i >= line.len || line.ptr[i] != '{') {
		*why = CG_DNS_SKIP_FORMAT;
		return CG_DNS_LINE_BAD;
	}
	json_error_t err;
	json_t *o = json_loadb(line.ptr, line.len, JSON_ALLOW_NUL, &err);
	if (!json_is_object(o)) {
		json_decref(o);
		*why = CG_DNS_SKIP_JSON;
		return CG_DNS_LINE_BAD;
	}
	cg_dns_line r = p->fmt == CG_DNS_FMT_ZEEK_JSON ? zeek_json(p, o, rec, why)
						       : suricata(p, o, rec, why);
	json_decref(o);
	return r;
}
