/*
 * violation.c - the API's words for constraint violations (violation.h).
 *
 * One table of field labels in both languages; one sentence per kind. A
 * field the table does not know is named by its API name, which is still
 * the client's own vocabulary and never the backend's.
 */
#include "violation.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"

static const struct {
	const char *field, *vi, *en;
} labels[] = {
    {"code", "Mã", "Code"},
    {"parent_id", "Cơ quan cấp trên", "Parent agency"},
    {"agency_id", "Cơ quan", "Agency"},
    {"username", "Tên đăng nhập", "Username"},
    {"name", "Tên", "Name"},
};

static const struct {
	const char *what, *vi, *en;
} things[] = {
    {"agency", "cơ quan", "agency"},           {"system", "hệ thống", "system"},
    {"person", "người phụ trách", "person"},   {"user", "tài khoản", "user"},
    {"token", "mã truy cập API", "API token"},
};

json_t *cg_violation_body(cg_store_violation kind, const char *field, const char *what)
{
	const char *lvi = field, *len = field;
	for (size_t i = 0; field && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].field, field) == 0) {
			lvi = labels[i].vi;
			len = labels[i].en;
		}
	const char *tvi = what, *ten = what;
	for (size_t i = 0; what && i < sizeof things / sizeof things[0]; i++)
		if (strcmp(things[i].what, what) == 0) {
			tvi = things[i].vi;
			ten = things[i].en;
		}
	bool named = field && *field;
	char vi[256], en[256];
	const char *code;
	switch (kind) {
	case CG_VIOL_DUPLICATE:
		code = "duplicate";
		if (named) {
			snprintf(vi, sizeof vi, "%s này đã được dùng cho một %s khác.", lvi, tvi);
			snprintf(en, sizeof en, "%s: already used by another %s.", len, ten);
		} else {
			snprintf(vi, sizeof vi, "Đã có một %s trùng.", tvi);
			snprintf(en, sizeof en, "A matching %s already exists.", ten);
		}
		break;
	case CG_VIOL_UNKNOWN:
		code = "unknown_reference";
		if (named) {
			snprintf(vi, sizeof vi, "%s: không tồn tại.", lvi);
			snprintf(en, sizeof en, "%s: no such record.", len);
		} else {
			snprintf(vi, sizeof vi, "Tham chiếu tới một bản ghi không tồn tại.");
			snprintf(en, sizeof en, "Refers to a record that does not exist.");
		}
		break;
	case CG_VIOL_IN_USE:
		code = "in_use";
		snprintf(vi, sizeof vi,
		         "Không xoá được %s này: vẫn còn bản ghi khác tham chiếu tới.", tvi);
		snprintf(en, sizeof en,
		         "This %s cannot be deleted: other records still refer to it.", ten);
		break;
	default:
		code = "conflict";
		snprintf(vi, sizeof vi, "Không lưu được %s: xung đột dữ liệu.", tvi);
		snprintf(en, sizeof en, "The %s could not be saved: it conflicts with stored data.",
		         ten);
		break;
	}
	json_t *o = json_pack("{s:s,s:s,s:s}", "error", vi, "error_en", en, "code", code);
	if (o && named)
		json_object_set_new(o, "field", cg_json_cstr(field));
	return o;
}
