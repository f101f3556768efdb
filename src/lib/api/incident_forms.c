/*
 * incident_forms.c - see incident_forms.h. The layout is the form's
 * template (rules/forms/, api/form_template.h); this file knows only how
 * to compute each source field from the case, in Vietnamese.
 */
#include "api/incident_forms.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/rulesdir.h"
#include "core/timeutil.h"

static const char *const FIELDS[] = {
    "reporter",        "contact", "detection_method", "notified",    "os_services", "measures",
    "recommendations", "result",  "lessons",          "attachments", "initial_ref", "issuer",
    "parent",          "place",   "signer_role",      "signer_name", NULL};

/* The forms' templates: loaded once before the server's threads start,
 * read only after (a reload is a restart, as for the playbooks). */
static cg_form_set g_forms;
static bool g_loaded;

/* The case fields an item of a template may show (see value()). */
const char *const cg_inc_form_sources[] = {"agency",
                                           "reporter",
                                           "contact",
                                           "number",
                                           "initial_ref",
                                           "os_services",
                                           "title",
                                           "kind",
                                           "severity",
                                           "description",
                                           "detected_at",
                                           "detection_method",
                                           "state",
                                           "notified",
                                           "state_secret",
                                           "measures",
                                           "contained_at",
                                           "closed_at",
                                           "result",
                                           "lessons",
                                           "recommendations",
                                           "attachments",
                                           NULL};
/* The clocks issuing a form may stop (incident_deadlines). */
static const char *const STOPS[] = {"reported_at", "closing_reported_at", NULL};
/* The forms the deadlines and the dashboard name: a template set without
 * one of them is refused. */
static const char *const REQUIRED[] = {"mau-03", "mau-04", NULL};

cg_err cg_inc_forms_load(const char *dir, cg_buf *why)
{
	char buf[4096];
	if (!dir) {
		cg_err err = cg_rules_dir("forms", buf, sizeof buf);
		if (err && err != CG_ENOTFOUND)
			return err;
		dir = buf;
	}
	cg_form_set set;
	cg_err err = cg_form_set_load_dir(dir, cg_inc_form_sources, STOPS, REQUIRED, &set, why);
	if (err)
		return err;
	cg_inc_forms_unload();
	g_forms = set;
	g_loaded = true;
	return CG_OK;
}

void cg_inc_forms_unload(void)
{
	cg_form_set_free(&g_forms);
	g_loaded = false;
}

const cg_form_tmpl *cg_inc_form_tmpl(const char *form)
{
	return g_loaded ? cg_form_find(&g_forms, form) : NULL;
}

bool cg_inc_form_valid(const char *form)
{
	return cg_inc_form_tmpl(form) != NULL;
}

bool cg_inc_form_parse(const char *name, char form[CG_FORM_MAX_NAME], bool *pdf)
{
	const char *dot = name ? strchr(name, '.') : NULL;
	if (!dot || dot == name || (size_t)(dot - name) >= CG_FORM_MAX_NAME)
		return false;
	memcpy(form, name, (size_t)(dot - name));
	form[dot - name] = '\0';
	if (!cg_inc_form_valid(form))
		return false;
	if (strcmp(dot, ".pdf") == 0)
		*pdf = true;
	else if (strcmp(dot, ".docx") == 0)
		*pdf = false;
	else
		return false;
	return true;
}

const char *cg_inc_form_stop_field(const char *form)
{
	const cg_form_tmpl *t = cg_inc_form_tmpl(form);
	return t ? t->stop : "reported_at";
}

void cg_inc_form_number(const char *form, const char *case_number, char *out, size_t n)
{
	const cg_form_tmpl *t = cg_inc_form_tmpl(form);
	snprintf(out, n, "%s/%s", case_number ? case_number : "", t ? t->symbol : "BC");
}

const char *cg_inc_form_label(const char *form)
{
	const cg_form_tmpl *t = cg_inc_form_tmpl(form);
	return t ? t->label_vi : "";
}

cg_err cg_inc_form_fields(const json_t *fields, json_t **out, cg_inv_error *e)
{
	*out = json_object();
	if (!*out)
		return CG_ENOMEM;
	if (!fields)
		return CG_OK;
	memset(e, 0, sizeof *e);
	if (!json_is_object(fields)) {
		snprintf(e->field, sizeof e->field, "fields");
		snprintf(e->message, sizeof e->message, "expected a JSON object");
		goto refuse;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)fields, k, v)
	{
		bool known = false;
		for (int i = 0; FIELDS[i]; i++)
			known |= strcmp(k, FIELDS[i]) == 0;
		snprintf(e->field, sizeof e->field, "fields.%s", k);
		if (!known) {
			snprintf(e->message, sizeof e->message, "unknown field");
			goto refuse;
		}
		if (!json_is_string(v) || json_string_length(v) > CG_INC_MAX_TEXT ||
		    memchr(json_string_value(v), '\0', json_string_length(v))) {
			snprintf(e->message, sizeof e->message, "a text of at most 20000 bytes");
			goto refuse;
		}
		json_object_set(*out, k, v);
	}
	return CG_OK;
refuse:
	json_decref(*out);
	*out = NULL;
	return CG_EINVAL;
}

/* A field the officer gave, else dflt. */
static const char *pick(const json_t *fields, const char *name, const char *dflt)
{
	const char *v = fields ? cg_json_get_str(fields, name) : NULL;
	return v && *v ? v : dflt;
}

/* "14:05 ngày 03/12/2026" in Vietnam time (UTC+7, no DST), or "—". */
static void local_time(const json_t *rec, const char *name, char *out, size_t n)
{
	const char *s = cg_json_get_str(rec, name);
	int64_t ms;
	char ts[40];
	if (!s || cg_time_parse(cg_slice_cstr(s), &ms)) {
		snprintf(out, n, "—");
		return;
	}
	cg_time_format(ms + 7LL * 3600 * 1000, ts, sizeof ts); /* YYYY-MM-DDTHH:MM:SS */
	snprintf(out, n, "%.5s ngày %.2s/%.2s/%.4s", ts + 11, ts + 8, ts + 5, ts);
}

static const char *kind_vi(const char *k)
{
	static const char *const map[][2] = {
	    {"defacement", "Tấn công thay đổi giao diện"},
	    {"webshell", "Mã độc web shell trên máy chủ"},
	    {"malware", "Mã độc lây nhiễm trên máy trạm"},
	    {"dns_infection", "Máy nhiễm mã độc phát hiện qua truy vấn DNS"},
	    {"secret_document", "Tài liệu mật trên máy tính nối mạng"},
	    {"data_leak", "Lộ lọt dữ liệu"},
	    {"ddos", "Tấn công từ chối dịch vụ / gián đoạn"},
	    {"phishing", "Lừa đảo, chiếm đoạt tài khoản"},
	    {"ransomware", "Mã độc tống tiền"},
	    {"other", "Khác"},
	};
	for (size_t i = 0; k && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(k, map[i][0]) == 0)
			return map[i][1];
	return k ? k : "";
}

static const char *state_vi(const char *s)
{
	static const char *const map[][2] = {
	    {"new", "Mới tiếp nhận"},          {"triage", "Đang phân loại"},
	    {"responding", "Đang ứng cứu"},    {"contained", "Đã ngăn chặn"},
	    {"closed", "Đã kết thúc"},         {"rejected", "Không phải sự cố"},
	    {"duplicate", "Trùng sự cố khác"},
	};
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return s ? s : "";
}

static const char *sev_vi(const char *s)
{
	static const char *const map[][2] = {{"info", "Thông tin"},
	                                     {"low", "Thấp"},
	                                     {"medium", "Trung bình"},
	                                     {"high", "Cao"},
	                                     {"critical", "Nghiêm trọng"}};
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return s ? s : "";
}

/* The strings of a JSON array joined with ", " into b. */
static void join(cg_buf *b, const json_t *arr)
{
	size_t i;
	json_t *v;
	cg_buf_reset(b);
	json_array_foreach(arr, i, v) if (json_is_string(v))
	    cg_buf_printf(b, "%s%s", b->len ? ", " : "", json_string_value(v));
	if (!b->len)
		cg_buf_puts(b, "—");
}

static cg_err item(cg_doc *d, cg_buf *b, const char *label, const char *text)
{
	cg_buf_reset(b);
	cg_buf_printf(b, "%s: %s", label, text && *text ? text : "—");
	return cg_doc_para(d, cg_buf_cstr(b));
}

static cg_err systems_table(cg_doc *d, const char *caption, const json_t *systems)
{
	static const char *const head[] = {"Tên hệ thống", "Cấp độ", "Tên miền / địa chỉ web",
	                                   "Địa chỉ IP"};
	cg_err err = cg_doc_table(d, caption, 4, head);
	size_t i;
	json_t *s;
	cg_buf dom, ips;
	cg_buf_init(&dom, 256);
	cg_buf_init(&ips, 256);
	json_array_foreach(systems, i, s)
	{
		if (err)
			break;
		char lv[16];
		snprintf(lv, sizeof lv, "%lld",
		         (long long)json_integer_value(json_object_get(s, "level")));
		json_t *names = json_array();
		json_array_extend(names, json_object_get(s, "domains"));
		json_array_extend(names, json_object_get(s, "urls"));
		join(&dom, names);
		json_decref(names);
		join(&ips, json_object_get(s, "ips"));
		const char *row[] = {cg_json_get_str(s, "name") ? cg_json_get_str(s, "name") : "",
		                     lv, cg_buf_cstr(&dom), cg_buf_cstr(&ips)};
		err = cg_doc_row(d, row);
	}
	if (!err && json_array_size(systems) == 0) {
		const char *row[] = {"(chưa xác định)", "—", "—", "—"};
		err = cg_doc_row(d, row);
	}
	cg_buf_free(&dom);
	cg_buf_free(&ips);
	return err;
}

/* What a build reads: the case, its agency and the officer's fields. */
typedef struct ctx {
	const json_t *rec, *fields;
	const char *aname;
	char detected[48], contained[48], closed[48], events[96];
} ctx;

/* The text of an item's source (names: cg_inc_form_sources). */
static const char *value(const ctx *c, const char *src)
{
	const json_t *rec = c->rec, *f = c->fields;
	if (strcmp(src, "agency") == 0)
		return c->aname;
	if (strcmp(src, "reporter") == 0)
		return pick(f, "reporter", cg_json_get_str(rec, "owner"));
	if (strcmp(src, "number") == 0)
		return cg_json_get_str(rec, "number");
	if (strcmp(src, "title") == 0 || strcmp(src, "description") == 0)
		return cg_json_get_str(rec, src);
	if (strcmp(src, "kind") == 0)
		return kind_vi(cg_json_get_str(rec, "kind"));
	if (strcmp(src, "severity") == 0)
		return sev_vi(cg_json_get_str(rec, "severity"));
	if (strcmp(src, "state") == 0)
		return state_vi(cg_json_get_str(rec, "state"));
	if (strcmp(src, "detected_at") == 0)
		return c->detected;
	if (strcmp(src, "contained_at") == 0)
		return c->contained;
	if (strcmp(src, "closed_at") == 0)
		return c->closed;
	if (strcmp(src, "detection_method") == 0)
		return pick(f, "detection_method", c->events);
	if (strcmp(src, "state_secret") == 0)
		return json_is_true(json_object_get(rec, "state_secret")) ? "Có" : "Không";
	/* the rest are the officer's fields alone */
	return pick(f, src, NULL);
}

static cg_err header(cg_doc *d, const cg_form_tmpl *t, const ctx *c, int64_t now_ms, cg_buf *b)
{
	const char *number = cg_json_get_str(c->rec, "number");
	char ts[40];
	cg_time_format(now_ms + 7LL * 3600 * 1000, ts, sizeof ts);
	cg_err err = cg_doc_set(&d->parent, pick(c->fields, "parent", ""));
	if (!err)
		err = cg_doc_set(&d->issuer, pick(c->fields, "issuer", c->aname ? c->aname : ""));
	cg_buf_reset(b);
	cg_buf_printf(b, "Số: %s/%s", number ? number : "", t->symbol);
	if (!err)
		err = cg_doc_set(&d->number, cg_buf_cstr(b));
	cg_buf_reset(b);
	cg_buf_printf(b, "%s, ngày %.2s tháng %.2s năm %.4s", pick(c->fields, "place", t->place),
	              ts + 8, ts + 5, ts);
	if (!err)
		err = cg_doc_set(&d->place_date, cg_buf_cstr(b));
	if (!err)
		err = cg_doc_set(&d->kind_title, t->kind_title);
	if (!err)
		err = cg_doc_set(&d->title, t->title_vi);
	if (!err && t->motto[0])
		err = cg_doc_set(&d->motto, t->motto);
	if (!err && t->slogan[0])
		err = cg_doc_set(&d->slogan, t->slogan);
	if (!err)
		err = cg_doc_set(&d->signer_role, pick(c->fields, "signer_role", t->signer_role));
	if (!err)
		err = cg_doc_set(&d->signer_name, pick(c->fields, "signer_name", ""));
	for (int i = 0; i < t->n_recipient && !err; i++)
		err = cg_doc_recipient(d, t->recipient[i]);
	return err;
}

cg_err cg_inc_form_build(const char *form, const json_t *rec, const json_t *agency,
                         const json_t *systems, const json_t *fields, int64_t now_ms, cg_doc **out)
{
	*out = NULL;
	const cg_form_tmpl *t = cg_inc_form_tmpl(form);
	if (!t)
		return CG_EINVAL;
	cg_doc *d = cg_doc_new();
	if (!d)
		return CG_ENOMEM;
	ctx c = {
	    .rec = rec, .fields = fields, .aname = agency ? cg_json_get_str(agency, "name") : NULL};
	local_time(rec, "detected_at", c.detected, sizeof c.detected);
	local_time(rec, "contained_at", c.contained, sizeof c.contained);
	local_time(rec, "closed_at", c.closed, sizeof c.closed);
	snprintf(c.events, sizeof c.events,
	         "qua hệ thống giám sát canhgac (%zu cảnh báo liên quan)",
	         json_array_size(json_object_get(rec, "events")));
	cg_buf b;
	cg_buf_init(&b, 1024);
	cg_err err = header(d, t, &c, now_ms, &b);
	for (int i = 0; i < t->n_block && !err; i++) {
		const cg_form_block *k = &t->block[i];
		switch (k->kind) {
		case CG_FB_HEADING:
			err = cg_doc_heading(d, 1, k->vi);
			break;
		case CG_FB_PARA:
			err = cg_doc_para(d, k->vi);
			break;
		case CG_FB_ITEM:
			err = item(d, &b, k->vi, value(&c, k->source));
			break;
		case CG_FB_SYSTEMS:
			err = systems_table(d, k->vi, systems);
			break;
		}
	}
	cg_buf_free(&b);
	if (err) {
		cg_doc_free(d);
		return err;
	}
	*out = d;
	return CG_OK;
}
