/*
 * i18n_jobs.js - the strings of the background jobs page (page_jobs.js),
 * merged into the table of i18n.js. Vietnamese first, English beside it.
 */
"use strict";

Object.assign(CG_STRINGS.vi, {
	nav_jobs: "Tác vụ nền",
	jobs_title: "Tác vụ nền",
	jobs_intro: "Các công việc chạy ngầm của máy chủ (theo dõi cổng thông tin, bảo trì sự kiện…). Khi có nhiều máy chủ dùng chung cơ sở dữ liệu, mỗi tác vụ chỉ do một máy chủ giữ tại một thời điểm.",
	job_col_name: "Tác vụ",
	job_col_state: "Trạng thái",
	job_col_next: "Lần chạy tới",
	job_col_last_ok: "Lần thành công gần nhất",
	job_col_holder: "Máy chủ đang giữ",
	job_col_attempts: "Số lần thử lại",
	job_col_error: "Lỗi gần nhất",
	job_state_running: "Đang chạy",
	job_state_failing: "Đang lỗi, sẽ thử lại",
	job_state_due: "Đến hạn",
	job_state_waiting: "Chờ lần chạy tới",
	job_holder_none: "Không có",
	job_never: "Chưa lần nào",
	job_desc_portal_watch: "Theo dõi cổng thông tin và gửi cảnh báo",
	job_desc_events_maintenance: "Bảo trì sự kiện: phân vùng theo tháng, thời hạn lưu giữ",
	job_desc_dns_analysis: "Phân tích nhật ký DNS đã tải lên",
	job_desc_backup: "Sao lưu hằng đêm kho dữ liệu và thư mục dữ liệu",
	jobs_none: "Chưa có tác vụ nền nào.",
});

Object.assign(CG_STRINGS.en, {
	nav_jobs: "Background jobs",
	jobs_title: "Background jobs",
	jobs_intro: "The server's background work (portal watching, events maintenance…). With several servers on one database, each job is held by one server at a time.",
	job_col_name: "Job",
	job_col_state: "State",
	job_col_next: "Next run",
	job_col_last_ok: "Last success",
	job_col_holder: "Held by",
	job_col_attempts: "Retries",
	job_col_error: "Last error",
	job_state_running: "Running",
	job_state_failing: "Failing, will retry",
	job_state_due: "Due",
	job_state_waiting: "Waiting for its next run",
	job_holder_none: "None",
	job_never: "Never",
	job_desc_portal_watch: "Watches the portals and sends alerts",
	job_desc_events_maintenance: "Events maintenance: monthly partitions, retention",
	job_desc_dns_analysis: "Analysis of uploaded DNS logs",
	job_desc_backup: "Nightly backup of the store and the data directory",
	jobs_none: "No background jobs yet.",
});
