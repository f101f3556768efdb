/*
 * incident_forms.c - see incident_forms.h. The layout follows the items
 * the circular's forms ask for, in their order; the wording is ours.
 */
#include "api/incident_forms.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"

static const char *const FIELDS[] = {
    "reporter",        "contact", "detection_method", "notified",    "os_services", "measures",
    "recommendations", "result",  "lessons",          "attachments", "initial_ref", "issuer",
    "parent",          "place",   "signer_role",      "signer_name", NULL};

bool cg_inc_form_valid(const char *form)
{
	return form && (strcmp(form, "mau-03") == 0 || strcmp(form, "mau-04") == 0);
}

bool cg_inc_form_parse(const char *name, char form[8], bool *pdf)
{
	if (!name || strlen(name) < 7)
		return false;
	memcpy(form, name, 6);
	form[6] = '\0';
	if (!cg_inc_form_valid(form))
		return false;
	if (strcmp(name + 6, ".pdf") == 0)
		*pdf = true;
	else if (strcmp(name + 6, ".docx") == 0)
		*pdf = false;
	else
		return false;
	return true;
}

const char *cg_inc_form_stop_field(const char *form)
{
	return form && strcmp(form, "mau-04") == 0 ? "closing_reported_at" : "reported_at";
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

static cg_err systems_table(cg_doc *d, const json_t *systems, cg_buf *b)
{
	static const char *const head[] = {"Tên hệ thống", "Cấp độ", "Tên miền / địa chỉ web",
	                                   "Địa chỉ IP"};
	cg_err err = cg_doc_table(d, "Hệ thống thông tin bị sự cố", 4, head);
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
	(void)b;
	return err;
}

cg_err cg_inc_form_build(const char *form, const json_t *rec, const json_t *agency,
                         const json_t *systems, const json_t *fields, int64_t now_ms, cg_doc **out)
{
	*out = NULL;
	if (!cg_inc_form_valid(form))
		return CG_EINVAL;
	bool closing = strcmp(form, "mau-04") == 0;
	cg_doc *d = cg_doc_new();
	if (!d)
		return CG_ENOMEM;
	cg_buf b;
	cg_buf_init(&b, 1024);
	const char *number = cg_json_get_str(rec, "number");
	const char *aname = agency ? cg_json_get_str(agency, "name") : NULL;
	char ts[40];
	cg_time_format(now_ms + 7LL * 3600 * 1000, ts, sizeof ts);
	cg_err err = cg_doc_set(&d->parent, pick(fields, "parent", ""));
	if (!err)
		err = cg_doc_set(&d->issuer, pick(fields, "issuer", aname ? aname : ""));
	cg_buf_printf(&b, "Số: %s/BC-%s", number ? number : "", closing ? "04" : "03");
	if (!err)
		err = cg_doc_set(&d->number, cg_buf_cstr(&b));
	cg_buf_reset(&b);
	cg_buf_printf(&b, "%s, ngày %.2s tháng %.2s năm %.4s", pick(fields, "place", "........"),
	              ts + 8, ts + 5, ts);
	if (!err)
		err = cg_doc_set(&d->place_date, cg_buf_cstr(&b));
	if (!err)
		err = cg_doc_set(&d->kind_title, "BÁO CÁO");
	if (!err)
		err =
		    cg_doc_set(&d->title, closing ? "Kết thúc ứng phó sự cố an toàn thông tin mạng"
		                                  : "Ban đầu sự cố an toàn thông tin mạng");
	if (!err)
		err = cg_doc_set(&d->signer_role, pick(fields, "signer_role", "THỦ TRƯỞNG ĐƠN VỊ"));
	if (!err)
		err = cg_doc_set(&d->signer_name, pick(fields, "signer_name", ""));
	if (!err)
		err = cg_doc_recipient(d, "Cơ quan điều phối quốc gia (VNCERT/CC)");
	if (!err)
		err = cg_doc_recipient(d, "Sở Khoa học và Công nghệ");
	if (!err)
		err = cg_doc_recipient(d, "Lưu: VT");

	char detected[48], contained[48], closed[48];
	local_time(rec, "detected_at", detected, sizeof detected);
	local_time(rec, "contained_at", contained, sizeof contained);
	local_time(rec, "closed_at", closed, sizeof closed);
	const char *owner = cg_json_get_str(rec, "owner");
	char events[96];
	snprintf(events, sizeof events, "qua hệ thống giám sát canhgac (%zu cảnh báo liên quan)",
	         json_array_size(json_object_get(rec, "events")));

	if (!err)
		err = cg_doc_para(
		    d, closing ? "Căn cứ Thông tư số 20/2017/TT-BTTTT, đơn vị báo cáo kết "
		                 "thúc ứng phó sự cố như sau:"
		               : "Căn cứ Thông tư số 20/2017/TT-BTTTT, đơn vị báo cáo ban "
		                 "đầu về sự cố như sau:");
	if (!err)
		err = cg_doc_heading(d, 1, "1. Thông tin đơn vị báo cáo");
	if (!err)
		err = item(d, &b, "Tên đơn vị vận hành hệ thống", aname);
	if (!err)
		err = item(d, &b, "Người báo cáo", pick(fields, "reporter", owner));
	if (!err)
		err = item(d, &b, "Thông tin liên hệ", pick(fields, "contact", NULL));
	if (!err)
		err = item(d, &b, "Số hiệu sự cố", number);
	if (closing && !err)
		err = item(d, &b, "Báo cáo ban đầu", pick(fields, "initial_ref", NULL));
	if (!err)
		err = cg_doc_heading(d, 1, "2. Hệ thống bị sự cố");
	if (!err)
		err = systems_table(d, systems, &b);
	if (!err)
		err = item(d, &b, "Hệ điều hành, dịch vụ", pick(fields, "os_services", NULL));
	if (!err)
		err = cg_doc_heading(d, 1, "3. Mô tả sự cố");
	if (!err)
		err = item(d, &b, "Tên sự cố", cg_json_get_str(rec, "title"));
	if (!err)
		err = item(d, &b, "Loại sự cố", kind_vi(cg_json_get_str(rec, "kind")));
	if (!err)
		err = item(d, &b, "Mức độ", sev_vi(cg_json_get_str(rec, "severity")));
	if (!err)
		err = item(d, &b, "Mô tả", cg_json_get_str(rec, "description"));
	if (!err)
		err = item(d, &b, "Thời điểm phát hiện", detected);
	if (!err)
		err = item(d, &b, "Cách phát hiện", pick(fields, "detection_method", events));
	if (!err)
		err = item(d, &b, "Tình trạng hiện tại", state_vi(cg_json_get_str(rec, "state")));
	if (!err)
		err = item(d, &b, "Đã thông báo cho", pick(fields, "notified", NULL));
	if (!err)
		err = item(d, &b, "Liên quan bí mật nhà nước",
		           json_is_true(json_object_get(rec, "state_secret")) ? "Có" : "Không");
	if (!err)
		err = cg_doc_heading(d, 1,
		                     closing ? "4. Kết quả ứng phó" : "4. Biện pháp đã áp dụng");
	if (closing) {
		if (!err)
			err = item(d, &b, "Thời điểm ngăn chặn", contained);
		if (!err)
			err = item(d, &b, "Thời điểm kết thúc", closed);
		if (!err)
			err = item(d, &b, "Kết quả", pick(fields, "result", NULL));
		if (!err)
			err = item(d, &b, "Biện pháp đã áp dụng", pick(fields, "measures", NULL));
		if (!err)
			err = cg_doc_heading(d, 1, "5. Bài học kinh nghiệm và kiến nghị");
		if (!err)
			err = item(d, &b, "Bài học kinh nghiệm", pick(fields, "lessons", NULL));
		if (!err)
			err = item(d, &b, "Kiến nghị", pick(fields, "recommendations", NULL));
		if (!err)
			err = item(d, &b, "Tài liệu kèm theo", pick(fields, "attachments", NULL));
	} else {
		if (!err)
			err = item(d, &b, "Biện pháp đã áp dụng", pick(fields, "measures", NULL));
		if (!err)
			err = cg_doc_heading(d, 1, "5. Kiến nghị");
		if (!err)
			err = item(d, &b, "Đề xuất hỗ trợ", pick(fields, "recommendations", NULL));
	}
	cg_buf_free(&b);
	if (err) {
		cg_doc_free(d);
		return err;
	}
	*out = d;
	return CG_OK;
}
