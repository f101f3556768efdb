/*
 * i18n.js - every string the dashboard shows, in Vietnamese (the default)
 * and English, in one table. The other scripts never hold user-facing
 * text: they call t("key") or tEnum("group", value). The chosen language
 * is remembered in localStorage under "cg_lang".
 *
 * Keys missing from English fall back to Vietnamese, and a key missing
 * everywhere is shown as itself, so a forgotten string is visible in
 * review instead of breaking the page.
 */
"use strict";

const CG_STRINGS = {
	vi: {
		app_name: "Canh gác",
		app_tagline: "Hệ thống điều hành an toàn thông tin tỉnh",
		province: "Tỉnh Lai Châu",
		lang_switch: "English",
		lang_switch_title: "Switch to English",
		logout: "Đăng xuất",
		login_title: "Đăng nhập",
		login_intro: "Dành cho cán bộ chuyên trách an toàn thông tin của tỉnh và các cơ quan, đơn vị.",
		username: "Tên đăng nhập",
		password: "Mật khẩu",
		login_button: "Đăng nhập",
		login_failed: "Tên đăng nhập hoặc mật khẩu không đúng.",
		login_throttled: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
		session_expired: "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.",
		loading: "Đang tải…",
		no_data: "Không có dữ liệu.",
		error_prefix: "Lỗi",
		forbidden: "Bạn không có quyền thực hiện thao tác này.",
		not_found: "Không tìm thấy.",
		saved: "Đã lưu.",
		deleted: "Đã xoá.",

		nav_overview: "Tổng quan",
		nav_agencies: "Cơ quan, đơn vị",
		nav_systems: "Hệ thống thông tin",
		nav_people: "Đầu mối liên hệ",
		nav_events: "Sự kiện",
		nav_import: "Nhập CSV",
		nav_users: "Người dùng",
		nav_tokens: "Khoá API",
		nav_audit: "Nhật ký thao tác",
		nav_section_inventory: "Danh mục",
		nav_section_monitor: "Giám sát",
		nav_section_admin: "Quản trị",

		// common actions and labels
		add: "Thêm mới",
		edit: "Sửa",
		delete: "Xoá",
		save: "Lưu",
		cancel: "Huỷ",
		close: "Đóng",
		search: "Tìm kiếm",
		filter: "Lọc",
		reset: "Xoá bộ lọc",
		all: "Tất cả",
		none_option: "— Không —",
		actions: "Thao tác",
		confirm_delete: "Xoá “{name}”? Thao tác này không thể hoàn tác.",
		prev_page: "‹ Trang trước",
		next_page: "Trang sau ›",
		page_info: "{from}–{to} / {total}",
		newest: "Mới nhất",
		older: "Cũ hơn ›",
		yes: "Có",
		no: "Không",
		one_per_line: "mỗi dòng một giá trị",
		required: "bắt buộc",
		field_error: "Trường “{field}”: {message}",

		// overview
		overview_title: "Tổng quan an toàn thông tin toàn tỉnh",
		total_agencies: "Cơ quan, đơn vị",
		total_systems: "Hệ thống thông tin",
		total_portals: "Cổng/Trang TTĐT",
		total_open: "Cảnh báo chưa xử lý",
		total_classified: "Đã phê duyệt cấp độ",
		col_agency: "Cơ quan, đơn vị",
		col_portals: "Cổng TTĐT",
		col_systems: "Hệ thống",
		col_endpoints: "Máy trạm (thực tế / khai báo)",
		col_open_findings: "Cảnh báo chưa xử lý theo mức độ",
		col_dns_infected: "Máy nhiễm mã độc (DNS)",
		col_classification: "Tiến độ phê duyệt cấp độ",
		classified_of: "{a}/{b} đã phê duyệt",
		recent_findings: "Cảnh báo mức Cao và Nghiêm trọng mới nhất",
		by_agency: "Theo cơ quan, đơn vị",

		// agencies
		agencies_title: "Cơ quan, đơn vị",
		agency_new: "Thêm cơ quan, đơn vị",
		agency_edit: "Sửa cơ quan, đơn vị",
		name: "Tên",
		kind: "Loại",
		parent: "Đơn vị cấp trên",
		code: "Mã đơn vị",
		ip_ranges: "Dải địa chỉ IP",
		declared_endpoints: "Số máy trạm khai báo",
		updated_at: "Cập nhật",

		// systems
		systems_title: "Hệ thống thông tin",
		system_new: "Thêm hệ thống thông tin",
		system_edit: "Sửa hệ thống thông tin",
		agency: "Cơ quan chủ quản",
		level: "Cấp độ",
		level_n: "Cấp độ {n}",
		urls: "Địa chỉ URL",
		domains: "Tên miền",
		ips: "Địa chỉ IP",
		dossier_status: "Hồ sơ đề xuất cấp độ",
		dossier_dates: "Mốc thời gian hồ sơ",
		date_draft: "Ngày xây dựng",
		date_submitted: "Ngày trình",
		date_appraised: "Ngày thẩm định",
		date_approved: "Ngày phê duyệt",
		monitor_interval: "Chu kỳ giám sát (giây)",

		// people
		people_title: "Đầu mối liên hệ",
		person_new: "Thêm đầu mối",
		person_edit: "Sửa đầu mối",
		person_name: "Họ và tên",
		person_role: "Vai trò",
		title: "Chức vụ",
		phone: "Điện thoại",
		email: "Thư điện tử",
		published: "Công khai trên cổng TTĐT",

		// events
		events_title: "Sự kiện, cảnh báo",
		source: "Nguồn",
		event_kind: "Loại sự kiện",
		severity: "Mức độ",
		severity_min: "Mức độ từ",
		since: "Từ thời điểm",
		until: "Đến thời điểm",
		text: "Nội dung",
		time: "Thời gian",
		host: "Máy",
		subject: "Đối tượng",
		summary: "Mô tả",
		evidence: "Bằng chứng",
		received_at: "Thời điểm nhận",
		event_id: "Mã sự kiện",
		agency_unit: "Cơ quan, đơn vị",
		province_wide: "Toàn tỉnh",
		event_detail: "Chi tiết sự kiện",
		show_evidence: "Xem bằng chứng",

		// import
		import_title: "Nhập dữ liệu từ tệp CSV",
		import_intro: "Tệp CSV mã hoá UTF-8 (có thể có BOM), dòng đầu là tiêu đề cột. Trong một ô, nhiều giá trị cách nhau bằng dấu “;”. Các dòng hợp lệ được lưu; dòng lỗi được liệt kê kèm tên trường.",
		import_agencies: "Nhập cơ quan, đơn vị",
		import_systems: "Nhập hệ thống thông tin",
		import_columns: "Các cột: {cols}",
		import_file: "Chọn tệp CSV",
		import_or_paste: "hoặc dán nội dung CSV",
		import_button: "Nhập dữ liệu",
		import_result: "Đã nhập {n} dòng.",
		import_errors: "{n} dòng lỗi:",
		import_empty: "Chưa có nội dung CSV.",
		row: "Dòng",
		field: "Trường",
		message: "Lỗi",

		// users and tokens
		users_title: "Người dùng",
		user_new: "Thêm người dùng",
		user_edit: "Sửa người dùng",
		display_name: "Họ và tên",
		role: "Vai trò",
		disabled: "Đã khoá",
		active: "Đang hoạt động",
		status: "Trạng thái",
		password_new: "Mật khẩu (ít nhất 10 ký tự)",
		password_keep: "Để trống nếu không đổi",
		tokens_title: "Khoá API",
		token_new: "Tạo khoá API",
		scope: "Phạm vi",
		created_at: "Tạo lúc",
		last_used_at: "Dùng lần cuối",
		revoked_at: "Thu hồi lúc",
		revoke: "Thu hồi",
		revoked: "Đã thu hồi",
		confirm_revoke: "Thu hồi khoá “{name}”? Các máy đang dùng khoá này sẽ không gửi được dữ liệu.",
		token_created: "Khoá API mới — chỉ hiển thị một lần, hãy lưu lại ngay:",
		never: "Chưa",

		// audit
		audit_title: "Nhật ký thao tác",
		actor: "Người thực hiện",
		action: "Thao tác",
		object: "Đối tượng",
		detail: "Chi tiết",
	},
	en: {
		app_name: "Canh gác",
		app_tagline: "Provincial security operations system",
		province: "Lai Châu province",
		lang_switch: "Tiếng Việt",
		lang_switch_title: "Chuyển sang tiếng Việt",
		logout: "Log out",
		login_title: "Log in",
		login_intro: "For the information-security staff of the province and its agencies.",
		username: "Username",
		password: "Password",
		login_button: "Log in",
		login_failed: "Wrong username or password.",
		login_throttled: "Too many failed attempts. Try again in a few minutes.",
		session_expired: "Your session has expired, please log in again.",
		loading: "Loading…",
		no_data: "No data.",
		error_prefix: "Error",
		forbidden: "You are not allowed to do this.",
		not_found: "Not found.",
		saved: "Saved.",
		deleted: "Deleted.",

		nav_overview: "Overview",
		nav_agencies: "Agencies",
		nav_systems: "Information systems",
		nav_people: "Contact points",
		nav_events: "Events",
		nav_import: "CSV import",
		nav_users: "Users",
		nav_tokens: "API tokens",
		nav_audit: "Audit log",
		nav_section_inventory: "Inventory",
		nav_section_monitor: "Monitoring",
		nav_section_admin: "Administration",

		add: "Add",
		edit: "Edit",
		delete: "Delete",
		save: "Save",
		cancel: "Cancel",
		close: "Close",
		search: "Search",
		filter: "Filter",
		reset: "Clear filters",
		all: "All",
		none_option: "— None —",
		actions: "Actions",
		confirm_delete: "Delete “{name}”? This cannot be undone.",
		prev_page: "‹ Previous",
		next_page: "Next ›",
		page_info: "{from}–{to} of {total}",
		newest: "Newest",
		older: "Older ›",
		yes: "Yes",
		no: "No",
		one_per_line: "one value per line",
		required: "required",
		field_error: "Field “{field}”: {message}",

		overview_title: "Province security overview",
		total_agencies: "Agencies",
		total_systems: "Information systems",
		total_portals: "Web portals",
		total_open: "Open findings",
		total_classified: "Level approved",
		col_agency: "Agency",
		col_portals: "Portals",
		col_systems: "Systems",
		col_endpoints: "Endpoints (seen / declared)",
		col_open_findings: "Open findings by severity",
		col_dns_infected: "Infected hosts (DNS)",
		col_classification: "Classification progress",
		classified_of: "{a}/{b} approved",
		recent_findings: "Latest high and critical findings",
		by_agency: "By agency",

		agencies_title: "Agencies",
		agency_new: "New agency",
		agency_edit: "Edit agency",
		name: "Name",
		kind: "Kind",
		parent: "Parent",
		code: "Code",
		ip_ranges: "IP ranges",
		declared_endpoints: "Declared endpoints",
		updated_at: "Updated",

		systems_title: "Information systems",
		system_new: "New information system",
		system_edit: "Edit information system",
		agency: "Owner agency",
		level: "Level",
		level_n: "Level {n}",
		urls: "URLs",
		domains: "Domains",
		ips: "IP addresses",
		dossier_status: "Classification dossier",
		dossier_dates: "Dossier dates",
		date_draft: "Drafted",
		date_submitted: "Submitted",
		date_appraised: "Appraised",
		date_approved: "Approved",
		monitor_interval: "Monitoring interval (s)",

		people_title: "Contact points",
		person_new: "New contact",
		person_edit: "Edit contact",
		person_name: "Full name",
		person_role: "Role",
		title: "Title",
		phone: "Phone",
		email: "E-mail",
		published: "Published on portal",

		events_title: "Events and findings",
		source: "Source",
		event_kind: "Event kind",
		severity: "Severity",
		severity_min: "Severity at least",
		since: "From",
		until: "Until",
		text: "Text",
		time: "Time",
		host: "Host",
		subject: "Subject",
		summary: "Summary",
		evidence: "Evidence",
		received_at: "Received",
		event_id: "Event id",
		agency_unit: "Agency",
		province_wide: "Whole province",
		event_detail: "Event detail",
		show_evidence: "Show evidence",

		import_title: "Import from CSV",
		import_intro: "UTF-8 CSV (a BOM is fine) with a header row. Several values in one cell are separated by “;”. Good rows are kept; bad rows are listed with the field at fault.",
		import_agencies: "Import agencies",
		import_systems: "Import information systems",
		import_columns: "Columns: {cols}",
		import_file: "Choose a CSV file",
		import_or_paste: "or paste CSV text",
		import_button: "Import",
		import_result: "Imported {n} rows.",
		import_errors: "{n} rows with errors:",
		import_empty: "No CSV text yet.",
		row: "Row",
		field: "Field",
		message: "Error",

		users_title: "Users",
		user_new: "New user",
		user_edit: "Edit user",
		display_name: "Full name",
		role: "Role",
		disabled: "Disabled",
		active: "Active",
		status: "Status",
		password_new: "Password (at least 10 characters)",
		password_keep: "Leave empty to keep",
		tokens_title: "API tokens",
		token_new: "New API token",
		scope: "Scope",
		created_at: "Created",
		last_used_at: "Last used",
		revoked_at: "Revoked",
		revoke: "Revoke",
		revoked: "Revoked",
		confirm_revoke: "Revoke token “{name}”? Machines using it will no longer be able to send data.",
		token_created: "New API token — shown only once, copy it now:",
		never: "Never",

		audit_title: "Audit log",
		actor: "Actor",
		action: "Action",
		object: "Object",
		detail: "Detail",
	},
};

/* Labels of the API's enumerated values, by group. */
const CG_ENUMS = {
	vi: {
		agency_kind: { so_ban_nganh: "Sở, ban, ngành", huyen: "Huyện, thành phố", xa: "Xã, phường, thị trấn", doanh_nghiep: "Doanh nghiệp nhà nước" },
		system_kind: { portal: "Cổng/Trang TTĐT", application: "Ứng dụng", datacenter: "Trung tâm dữ liệu", mail: "Thư điện tử", other: "Khác" },
		dossier: { none: "Chưa có", draft: "Đang xây dựng", submitted: "Đã trình", appraised: "Đã thẩm định", approved: "Đã phê duyệt" },
		severity: { critical: "Nghiêm trọng", high: "Cao", medium: "Trung bình", low: "Thấp", info: "Thông tin" },
		role: { admin: "Quản trị tỉnh", analyst: "Đội ứng cứu sự cố", officer: "Cán bộ đơn vị", viewer: "Chỉ xem" },
		person_role: { responsible_officer: "Cán bộ phụ trách", contact_point: "Đầu mối ứng cứu sự cố", other: "Khác" },
		audit_action: { create: "Tạo mới", update: "Sửa", delete: "Xoá", revoke: "Thu hồi", login: "Đăng nhập", logout: "Đăng xuất", login_failed: "Đăng nhập sai", import: "Nhập CSV" },
		object_type: { agency: "Cơ quan", system: "Hệ thống", person: "Đầu mối", user: "Người dùng", token: "Khoá API", session: "Phiên" },
		scope: { ingest: "Gửi sự kiện", read: "Chỉ đọc", agent: "Tác tử (agent)" },
		source: { web: "Giám sát cổng TTĐT", malware: "Mã độc", secrets: "Tài liệu mật", dns: "Phân giải tên miền", agent: "Tác tử", accounts: "Tài khoản" },
		event_kind: { defacement: "Thay đổi giao diện", spam: "Chèn nội dung cờ bạc/quảng cáo", webshell: "Web shell", secret_document: "Tài liệu mật trên máy kết nối mạng", infected_client: "Máy nhiễm mã độc (DNS)", offline: "Mất kết nối", account_audit: "Kiểm tra tài khoản" },
	},
	en: {
		agency_kind: { so_ban_nganh: "Department", huyen: "District", xa: "Commune", doanh_nghiep: "State enterprise" },
		system_kind: { portal: "Web portal", application: "Application", datacenter: "Data centre", mail: "Mail", other: "Other" },
		dossier: { none: "None", draft: "Draft", submitted: "Submitted", appraised: "Appraised", approved: "Approved" },
		severity: { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" },
		role: { admin: "Provincial admin", analyst: "Incident-response analyst", officer: "Agency officer", viewer: "Viewer" },
		person_role: { responsible_officer: "Responsible officer", contact_point: "Incident contact point", other: "Other" },
		audit_action: { create: "Create", update: "Update", delete: "Delete", revoke: "Revoke", login: "Log in", logout: "Log out", login_failed: "Failed login", import: "CSV import" },
		object_type: { agency: "Agency", system: "System", person: "Contact", user: "User", token: "API token", session: "Session" },
		scope: { ingest: "Ingest events", read: "Read only", agent: "Agent" },
		source: { web: "Portal monitoring", malware: "Malware", secrets: "Secret documents", dns: "DNS", agent: "Agent", accounts: "Accounts" },
		event_kind: { defacement: "Defacement", spam: "Gambling/spam injection", webshell: "Web shell", secret_document: "Secret document on networked host", infected_client: "Infected client (DNS)", offline: "Offline", account_audit: "Account audit" },
	},
};

const CG_LANGS = ["vi", "en"];
let cgLang = (function () {
	try {
		const v = window.localStorage.getItem("cg_lang");
		return CG_LANGS.includes(v) ? v : "vi";
	} catch (e) {
		return "vi";
	}
})();

function getLang() { return cgLang; }

function setLang(lang) {
	if (!CG_LANGS.includes(lang)) return;
	cgLang = lang;
	try { window.localStorage.setItem("cg_lang", lang); } catch (e) { /* private mode */ }
	document.documentElement.lang = lang;
}

/* t("key", {name: "x"}) -> the string with {name} replaced. */
function t(key, vars) {
	let s = CG_STRINGS[cgLang][key];
	if (s === undefined) s = CG_STRINGS.vi[key];
	if (s === undefined) s = key;
	if (vars) {
		s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	}
	return s;
}

/* The label of an enumerated value; unknown values show as they are. */
function tEnum(group, value) {
	if (value === null || value === undefined) return "";
	const g = CG_ENUMS[cgLang][group] || {};
	return Object.prototype.hasOwnProperty.call(g, value) ? g[value] : String(value);
}

function enumValues(group) {
	return Object.keys(CG_ENUMS.vi[group] || {});
}

document.documentElement.lang = cgLang;
