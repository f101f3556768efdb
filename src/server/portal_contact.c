/*
 * portal_contact.c - see portal_contact.h.
 */
#include "portal_contact.h"

#include <stdio.h>
#include <string.h>

#include "compliance/compliance.h"
#include "compliance/contact.h"
#include "core/json.h"
#include "core/limits.h"
#include "web/page.h"

json_t *cg_portal_contacts_load(cg_store *st)
{
	json_t *people = json_array(), *filters = json_object();
	int64_t total = 0, offset = 0;
	cg_scope all = {0};
	cg_err err = CG_OK;
	do { /* every page of the people */
		json_t *items = NULL;
		err = cg_store_inv_list(st, &all, CG_RES_PERSON, filters, CG_MAX_LIST_LIMIT, offset,
		                        &items, &total);
		size_t got = err ? 0 : json_array_size(items);
		if (!err)
			json_array_extend(people, items);
		json_decref(items);
		offset += (int64_t)got;
		if (!got)
			break;
	} while (offset < total);
	json_decref(filters);
	if (err) {
		json_decref(people);
		return NULL;
	}
	json_t *map = json_object();
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p)
	{
		if (strcmp(cg_json_get_str(p, "role") ? cg_json_get_str(p, "role") : "",
		           "contact_point") != 0)
			continue;
		char key[24], ph[CG_CONTACT_MAX_PHONE], em[CG_CONTACT_MAX_EMAIL];
		snprintf(key, sizeof key, "%lld",
		         (long long)json_integer_value(json_object_get(p, "agency_id")));
		json_t *e = json_object_get(map, key);
		if (!e) {
			e = json_pack("{s:[], s:[]}", "phones", "emails");
			json_object_set_new(map, key, e);
		}
		const char *phone = cg_json_get_str(p, "phone"),
		           *mail = cg_json_get_str(p, "email");
		json_t *phones = json_object_get(e, "phones"),
		       *emails = json_object_get(e, "emails");
		if (phone && cg_contact_phone_norm(cg_slice_cstr(phone), ph) &&
		    json_array_size(phones) < CG_CONTACT_MAX_POINTS)
			json_array_append_new(phones, json_string(ph));
		if (mail && cg_contact_email_norm(cg_slice_cstr(mail), em) &&
		    json_array_size(emails) < CG_CONTACT_MAX_POINTS)
			json_array_append_new(emails, json_string(em));
	}
	json_decref(people);
	return map;
}

/* The page's visible text, then its mailto: and tel: links, one a line. */
static cg_err page_text(const char *url, const cg_web_req *r, cg_buf *out)
{
	cg_web_page page;
	memset(&page, 0, sizeof page);
	cg_err err = cg_web_page_parse(cg_buf_slice(&r->body), r->content_type,
	                               r->final_url ? r->final_url : url, &page);
	if (!err)
		err = cg_buf_append(out, page.text.ptr ? page.text.ptr : "", page.text.len);
	for (size_t i = 0; !err && i < page.nres; i++) {
		const cg_web_res *x = &page.res[i];
		if (x->kind == CG_RES_LINK && x->url &&
		    (strncmp(x->url, "mailto:", 7) == 0 || strncmp(x->url, "tel:", 4) == 0)) {
			cg_buf_putc(out, '\n');
			err = cg_buf_append(out, x->url, strlen(x->url));
		}
	}
	cg_web_page_free(&page);
	return err;
}

cg_err cg_portal_contact_check(const json_t *points, const char *url, const cg_web_req *r,
                               cg_event *ev)
{
	cg_err err = cg_event_init(ev);
	if (err)
		return err;
	char why[400] = "";
	json_t *found = json_array();
	cg_buf text;
	cg_buf_init(&text, 2u * CG_MAX_WEB_PAGE);
	if (r->fail != CG_FETCH_OK)
		snprintf(why, sizeof why, "%s: %s", cg_fetch_fail_name(r->fail), r->errmsg);
	else if (r->status < 200 || r->status > 299)
		snprintf(why, sizeof why, "HTTP %ld", r->status);
	else if (page_text(url, r, &text))
		snprintf(why, sizeof why, "the page could not be read as text");
	if (!why[0]) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(points, "phones"), i, v)
		{
			if (cg_contact_text_has_phone(cg_buf_slice(&text), json_string_value(v)))
				json_array_append(found, v);
		}
		json_array_foreach(json_object_get(points, "emails"), i, v)
		{
			if (cg_contact_text_has_email(cg_buf_slice(&text), json_string_value(v)))
				json_array_append(found, v);
		}
	}
	cg_buf_free(&text);
	const char *state = why[0]                   ? "fetch_failed"
	                    : json_array_size(found) ? "published"
	                                             : "not_found";
	const char *summary =
	    why[0] ? "Không đọc được trang để kiểm tra đầu mối ứng cứu sự cố đã công bố"
	    : json_array_size(found) ? "Đầu mối ứng cứu sự cố đã công bố trên trang"
	                             : "Không thấy đầu mối ứng cứu sự cố (điện thoại, thư điện tử) "
	                               "trên trang";
	cg_event_set(ev, CG_EV_SOURCE, cg_slice_cstr(CG_COMPLIANCE_CONTACT_SOURCE));
	cg_event_set(ev, CG_EV_KIND, cg_slice_cstr(state));
	cg_event_set(ev, CG_EV_SUBJECT, cg_slice_cstr(url));
	cg_event_set(ev, CG_EV_SUMMARY, cg_slice_cstr(summary));
	ev->severity = strcmp(state, "published") == 0 ? CG_SEV_INFO : CG_SEV_LOW;
	json_object_set_new(ev->evidence, "state", json_string(state));
	json_object_set_new(ev->evidence, "url", cg_json_cstr(url));
	json_object_set_new(ev->evidence, "found", found);
	if (why[0])
		json_object_set_new(ev->evidence, "error", cg_json_cstr(why));
	return CG_OK;
}
