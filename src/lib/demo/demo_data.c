/*
 * demo_data.c - the demo province: Lai Châu as it has been organised since
 * 1 July 2025 (two tiers of local government: the province and its 38
 * commune-level units, 36 xã and 2 phường, Resolution 1670/NQ-UBTVQH15 of
 * 16 June 2025; districts no longer exist), with its departments, every
 * commune and ward, one state enterprise, their information systems,
 * contact points, IP ranges and a handful of findings of every kind. Plain
 * constant tables, read by demo.c; nothing here runs.
 *
 * The names of the agencies and communes are the province's real ones
 * (after the 2025 merger, the former Sở Thông tin và Truyền thông is part
 * of Sở Khoa học và Công nghệ, the department in charge of information
 * security). Host names under laichau.gov.vn follow the province's pattern
 * but are illustrative; people, phone numbers and e-mail addresses are
 * made up. IP ranges are private (RFC 1918) addresses: data only, nothing
 * ever connects to them.
 */
#include "demo.h"

/* One row per record reads best as a table: keep clang-format out. */
// clang-format off

const cg_demo_agency cg_demo_agencies[] = {
	{ "VP-UBND", "Văn phòng UBND tỉnh Lai Châu", "so_ban_nganh", NULL, "10.12.1.0/24;10.12.2.0/24", 140 },
	{ "SKHCN", "Sở Khoa học và Công nghệ", "so_ban_nganh", NULL, "10.12.10.0/24", 85 },
	{ "TTDMST", "Trung tâm Đổi mới sáng tạo và Chuyển đổi số", "so_ban_nganh", "SKHCN", "10.12.11.0/24;10.12.200.0/24", 30 },
	{ "STC", "Sở Tài chính", "so_ban_nganh", NULL, "10.12.20.0/24", 110 },
	{ "SYT", "Sở Y tế", "so_ban_nganh", NULL, "10.12.30.0/24", 95 },
	{ "SGDDT", "Sở Giáo dục và Đào tạo", "so_ban_nganh", NULL, "10.12.40.0/24", 90 },
	{ "SNV", "Sở Nội vụ", "so_ban_nganh", NULL, "10.12.50.0/24", 70 },
	{ "STP", "Sở Tư pháp", "so_ban_nganh", NULL, "10.12.60.0/24", 55 },
	{ "SNNMT", "Sở Nông nghiệp và Môi trường", "so_ban_nganh", NULL, "10.12.70.0/24", 120 },
	{ "SXD", "Sở Xây dựng", "so_ban_nganh", NULL, "10.12.80.0/24", 65 },
	{ "SVHTTDL", "Sở Văn hoá, Thể thao và Du lịch", "so_ban_nganh", NULL, "10.12.90.0/24", 60 },
	{ "SCT", "Sở Công Thương", "so_ban_nganh", NULL, "10.12.100.0/24", 58 },
	{ "CAT", "Công an tỉnh", "so_ban_nganh", NULL, "172.20.0.0/16", 160 },
	/* the 38 commune-level units (Resolution 1670/NQ-UBTVQH15): 2 phường, 36 xã */
	{ "P-TANPHONG", "UBND phường Tân Phong", "xa", NULL, "10.30.0.0/16", 140 },
	{ "P-DOANKET", "UBND phường Đoàn Kết", "xa", NULL, "10.31.0.0/16", 120 },
	{ "X-MUONGKIM", "UBND xã Mường Kim", "xa", NULL, "10.32.0.0/16", 35 },
	{ "X-KHOENON", "UBND xã Khoen On", "xa", NULL, "10.33.0.0/16", 52 },
	{ "X-THANUYEN", "UBND xã Than Uyên", "xa", NULL, "10.34.0.0/16", 69 },
	{ "X-MUONGTHAN", "UBND xã Mường Than", "xa", NULL, "10.35.0.0/16", 46 },
	{ "X-PACTA", "UBND xã Pắc Ta", "xa", NULL, "10.36.0.0/16", 63 },
	{ "X-NAMSO", "UBND xã Nậm Sỏ", "xa", NULL, "10.37.0.0/16", 40 },
	{ "X-TANUYEN", "UBND xã Tân Uyên", "xa", NULL, "10.38.0.0/16", 57 },
	{ "X-MUONGKHOA", "UBND xã Mường Khoa", "xa", NULL, "10.39.0.0/16", 74 },
	{ "X-BANBO", "UBND xã Bản Bo", "xa", NULL, "10.40.0.0/16", 51 },
	{ "X-BINHLU", "UBND xã Bình Lư", "xa", NULL, "10.41.0.0/16", 68 },
	{ "X-TALENG", "UBND xã Tả Lèng", "xa", NULL, "10.42.0.0/16", 45 },
	{ "X-KHUNHA", "UBND xã Khun Há", "xa", NULL, "10.43.0.0/16", 62 },
	{ "X-SINSUOIHO", "UBND xã Sin Suối Hồ", "xa", NULL, "10.44.0.0/16", 39 },
	{ "X-PHONGTHO", "UBND xã Phong Thổ", "xa", NULL, "10.45.0.0/16", 56 },
	{ "X-DAOSAN", "UBND xã Dào San", "xa", NULL, "10.46.0.0/16", 73 },
	{ "X-SILOLAU", "UBND xã Sì Lở Lầu", "xa", NULL, "10.47.0.0/16", 50 },
	{ "X-KHONGLAO", "UBND xã Khổng Lào", "xa", NULL, "10.48.0.0/16", 67 },
	{ "X-TUASINCHAI", "UBND xã Tủa Sín Chải", "xa", NULL, "10.49.0.0/16", 44 },
	{ "X-SINHO", "UBND xã Sìn Hồ", "xa", NULL, "10.50.0.0/16", 61 },
	{ "X-HONGTHU", "UBND xã Hồng Thu", "xa", NULL, "10.51.0.0/16", 38 },
	{ "X-NAMTAM", "UBND xã Nậm Tăm", "xa", NULL, "10.52.0.0/16", 55 },
	{ "X-PUSAMCAP", "UBND xã Pu Sam Cáp", "xa", NULL, "10.53.0.0/16", 72 },
	{ "X-NAMCUOI", "UBND xã Nậm Cuổi", "xa", NULL, "10.54.0.0/16", 49 },
	{ "X-NAMMA", "UBND xã Nậm Mạ", "xa", NULL, "10.55.0.0/16", 66 },
	{ "X-LELOI", "UBND xã Lê Lợi", "xa", NULL, "10.56.0.0/16", 43 },
	{ "X-NAMHANG", "UBND xã Nậm Hàng", "xa", NULL, "10.57.0.0/16", 60 },
	{ "X-MUONGMO", "UBND xã Mường Mô", "xa", NULL, "10.58.0.0/16", 37 },
	{ "X-HUABUM", "UBND xã Hua Bum", "xa", NULL, "10.59.0.0/16", 54 },
	{ "X-PATAN", "UBND xã Pa Tần", "xa", NULL, "10.60.0.0/16", 71 },
	{ "X-BUMNUA", "UBND xã Bum Nưa", "xa", NULL, "10.61.0.0/16", 48 },
	{ "X-BUMTO", "UBND xã Bum Tở", "xa", NULL, "10.62.0.0/16", 65 },
	{ "X-MUONGTE", "UBND xã Mường Tè", "xa", NULL, "10.63.0.0/16", 42 },
	{ "X-THULUM", "UBND xã Thu Lũm", "xa", NULL, "10.64.0.0/16", 59 },
	{ "X-PAU", "UBND xã Pa Ủ", "xa", NULL, "10.65.0.0/16", 36 },
	{ "X-MUCA", "UBND xã Mù Cả", "xa", NULL, "10.66.0.0/16", 53 },
	{ "X-TATONG", "UBND xã Tà Tổng", "xa", NULL, "10.67.0.0/16", 70 },
	{ "XSKT", "Công ty TNHH MTV Xổ số kiến thiết Lai Châu", "doanh_nghiep", NULL, "192.168.50.0/24", 25 },
};
const int cg_demo_nagencies = (int)(sizeof cg_demo_agencies / sizeof cg_demo_agencies[0]);

/* Dossier dates: the status says how far it went; earlier steps have
 * their dates, later ones none. */
const cg_demo_system cg_demo_systems[] = {
	{ "VP-UBND", "Cổng thông tin điện tử tỉnh Lai Châu", "portal", "https://laichau.gov.vn", "laichau.gov.vn", "10.12.200.10", 3, "approved", { "2024-03-04", "2024-04-15", "2024-06-20", "2024-08-01" } },
	{ "VP-UBND", "Cổng dịch vụ công tỉnh Lai Châu", "portal", "https://dichvucong.laichau.gov.vn", "dichvucong.laichau.gov.vn", "10.12.200.11", 3, "approved", { "2024-03-04", "2024-04-15", "2024-06-20", "2024-08-01" } },
	{ "VP-UBND", "Hệ thống quản lý văn bản và điều hành", "application", "https://qlvb.laichau.gov.vn", "qlvb.laichau.gov.vn", "10.12.200.12", 3, "appraised", { "2024-09-10", "2024-11-02", "2025-02-14", NULL } },
	{ "VP-UBND", "Hệ thống thông tin báo cáo tỉnh", "application", "https://baocao.laichau.gov.vn", "baocao.laichau.gov.vn", "10.12.200.13", 2, "submitted", { "2025-05-06", "2025-07-21", NULL, NULL } },
	{ "SKHCN", "Trang thông tin điện tử Sở Khoa học và Công nghệ", "portal", "https://sokhcn.laichau.gov.vn", "sokhcn.laichau.gov.vn", "10.12.200.20", 2, "approved", { "2023-10-02", "2023-11-10", "2024-01-12", "2024-02-01" } },
	{ "SKHCN", "Trang thông tin điện tử cũ của Sở Thông tin và Truyền thông (đã hợp nhất vào Sở)", "portal", "https://sotttt.laichau.gov.vn", "sotttt.laichau.gov.vn", "10.12.200.21", 2, "approved", { "2022-05-03", "2022-06-01", "2022-07-15", "2022-08-01" } },
	{ "TTDMST", "Trung tâm dữ liệu tỉnh Lai Châu", "datacenter", NULL, "dc.laichau.gov.vn", "10.12.200.1;10.12.200.2", 4, "appraised", { "2024-06-03", "2024-08-19", "2025-01-09", NULL } },
	{ "TTDMST", "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", "application", "https://lgsp.laichau.gov.vn", "lgsp.laichau.gov.vn", "10.12.200.30", 3, "approved", { "2023-08-01", "2023-09-12", "2023-11-20", "2024-01-05" } },
	{ "TTDMST", "Hệ thống thư điện tử công vụ", "mail", "https://mail.laichau.gov.vn", "mail.laichau.gov.vn", "10.12.200.25", 3, "approved", { "2023-08-01", "2023-09-12", "2023-11-20", "2024-01-05" } },
	{ "TTDMST", "Hệ thống giám sát an toàn thông tin (SOC) tỉnh", "application", NULL, "soc.laichau.gov.vn", "10.12.11.50", 3, "submitted", { "2025-03-10", "2025-06-02", NULL, NULL } },
	{ "STC", "Trang thông tin điện tử Sở Tài chính", "portal", "https://sotc.laichau.gov.vn", "sotc.laichau.gov.vn", "10.12.200.40", 2, "approved", { "2024-01-08", "2024-02-20", "2024-04-02", "2024-05-06" } },
	{ "STC", "Phần mềm quản lý ngân sách và tài sản công", "application", "https://qlns.laichau.gov.vn", "qlns.laichau.gov.vn", "10.12.20.15", 3, "draft", { "2025-09-15", NULL, NULL, NULL } },
	{ "STC", "Hệ thống đăng ký mã số đơn vị có quan hệ với ngân sách", "application", NULL, NULL, "10.12.20.16", 2, "none", { NULL, NULL, NULL, NULL } },
	{ "SYT", "Trang thông tin điện tử Sở Y tế", "portal", "https://soyte.laichau.gov.vn", "soyte.laichau.gov.vn", "10.12.200.50", 2, "approved", { "2023-12-04", "2024-01-15", "2024-03-01", "2024-03-20" } },
	{ "SYT", "Hệ thống hồ sơ sức khoẻ điện tử", "application", "https://hssk.laichau.gov.vn", "hssk.laichau.gov.vn", "10.12.30.20", 3, "submitted", { "2025-02-03", "2025-04-28", NULL, NULL } },
	{ "SGDDT", "Trang thông tin điện tử Sở Giáo dục và Đào tạo", "portal", "https://sgddt.laichau.gov.vn", "sgddt.laichau.gov.vn", "10.12.200.60", 2, "approved", { "2024-02-05", "2024-03-18", "2024-05-07", "2024-06-03" } },
	{ "SGDDT", "Cơ sở dữ liệu ngành giáo dục", "application", "https://csdl.sgddt.laichau.gov.vn", "csdl.sgddt.laichau.gov.vn", "10.12.40.10", 3, "draft", { "2025-10-01", NULL, NULL, NULL } },
	{ "SNV", "Trang thông tin điện tử Sở Nội vụ", "portal", "https://sonoivu.laichau.gov.vn", "sonoivu.laichau.gov.vn", "10.12.200.70", 2, "appraised", { "2024-11-11", "2025-01-06", "2025-03-17", NULL } },
	{ "SNV", "Cơ sở dữ liệu cán bộ, công chức, viên chức", "application", NULL, NULL, "10.12.50.20", 3, "submitted", { "2025-04-01", "2025-05-19", NULL, NULL } },
	{ "STP", "Trang thông tin điện tử Sở Tư pháp", "portal", "https://sotuphap.laichau.gov.vn", "sotuphap.laichau.gov.vn", "10.12.200.80", 2, "draft", { "2025-08-12", NULL, NULL, NULL } },
	{ "STP", "Hệ thống quản lý hộ tịch", "application", NULL, NULL, "10.12.60.15", 3, "approved", { "2023-05-02", "2023-06-13", "2023-08-24", "2023-09-15" } },
	{ "SNNMT", "Trang thông tin điện tử Sở Nông nghiệp và Môi trường", "portal", "https://snnmt.laichau.gov.vn", "snnmt.laichau.gov.vn", "10.12.200.90", 2, "none", { NULL, NULL, NULL, NULL } },
	{ "SNNMT", "Cơ sở dữ liệu đất đai", "application", NULL, "dulieudatdai.laichau.gov.vn", "10.12.70.30", 3, "appraised", { "2024-07-01", "2024-09-09", "2025-01-20", NULL } },
	{ "SXD", "Trang thông tin điện tử Sở Xây dựng", "portal", "https://soxaydung.laichau.gov.vn", "soxaydung.laichau.gov.vn", "10.12.200.100", 1, "none", { NULL, NULL, NULL, NULL } },
	{ "SVHTTDL", "Cổng thông tin du lịch Lai Châu", "portal", "https://dulich.laichau.gov.vn", "dulich.laichau.gov.vn", "10.12.200.110", 2, "submitted", { "2025-03-03", "2025-05-05", NULL, NULL } },
	{ "SCT", "Trang thông tin điện tử Sở Công Thương", "portal", "https://socongthuong.laichau.gov.vn", "socongthuong.laichau.gov.vn", "10.12.200.120", 2, "draft", { "2025-10-20", NULL, NULL, NULL } },
	{ "CAT", "Trang thông tin điện tử Công an tỉnh", "portal", "https://congan.laichau.gov.vn", "congan.laichau.gov.vn", "172.20.1.10", 3, "approved", { "2023-03-01", "2023-04-03", "2023-05-15", "2023-06-01" } },
	{ "P-DOANKET", "Trang thông tin điện tử phường Đoàn Kết", "portal", "https://phuongdoanket.laichau.gov.vn", "phuongdoanket.laichau.gov.vn", "10.12.200.130", 2, "approved", { "2024-04-01", "2024-05-13", "2024-07-01", "2024-07-22" } },
	{ "P-TANPHONG", "Hệ thống một cửa điện tử phường Tân Phong", "application", NULL, NULL, "10.30.1.20", 2, "submitted", { "2025-06-02", "2025-08-04", NULL, NULL } },
	{ "X-BINHLU", "Trang thông tin điện tử xã Bình Lư", "portal", "https://xabinhlu.laichau.gov.vn", "xabinhlu.laichau.gov.vn", "10.12.200.140", 2, "approved", { "2024-04-01", "2024-05-13", "2024-07-01", "2024-07-22" } },
	{ "X-PHONGTHO", "Trang thông tin điện tử xã Phong Thổ", "portal", "https://xaphongtho.laichau.gov.vn", "xaphongtho.laichau.gov.vn", "10.12.200.150", 2, "submitted", { "2025-01-13", "2025-03-03", NULL, NULL } },
	{ "X-PHONGTHO", "Hệ thống một cửa điện tử xã Phong Thổ", "application", NULL, NULL, "10.45.1.20", 2, "none", { NULL, NULL, NULL, NULL } },
	{ "X-SINHO", "Trang thông tin điện tử xã Sìn Hồ", "portal", "https://xasinho.laichau.gov.vn", "xasinho.laichau.gov.vn", "10.12.200.160", 2, "draft", { "2025-07-07", NULL, NULL, NULL } },
	{ "X-MUONGTE", "Trang thông tin điện tử xã Mường Tè", "portal", "https://xamuongte.laichau.gov.vn", "xamuongte.laichau.gov.vn", "10.12.200.170", 2, "none", { NULL, NULL, NULL, NULL } },
	{ "X-THANUYEN", "Trang thông tin điện tử xã Than Uyên", "portal", "https://xathanuyen.laichau.gov.vn", "xathanuyen.laichau.gov.vn", "10.12.200.180", 2, "appraised", { "2024-10-07", "2024-12-02", "2025-02-24", NULL } },
	{ "X-TANUYEN", "Trang thông tin điện tử xã Tân Uyên", "portal", "https://xatanuyen.laichau.gov.vn", "xatanuyen.laichau.gov.vn", "10.12.200.190", 2, "approved", { "2024-02-19", "2024-04-01", "2024-06-10", "2024-07-01" } },
	{ "X-NAMHANG", "Trang thông tin điện tử xã Nậm Hàng", "portal", "https://xanamhang.laichau.gov.vn", "xanamhang.laichau.gov.vn", "10.12.200.195", 2, "draft", { "2025-09-01", NULL, NULL, NULL } },
	{ "X-NAMHANG", "Hệ thống một cửa điện tử xã Nậm Hàng", "application", NULL, NULL, "10.57.1.20", 2, "none", { NULL, NULL, NULL, NULL } },
	{ "XSKT", "Trang thông tin điện tử Xổ số kiến thiết Lai Châu", "portal", "https://xosolaichau.vn", "xosolaichau.vn", "192.168.50.10", 2, "submitted", { "2025-05-12", "2025-07-14", NULL, NULL } },
	{ "XSKT", "Hệ thống quản lý phát hành vé số", "application", NULL, NULL, "192.168.50.20", 3, "draft", { "2025-11-03", NULL, NULL, NULL } },
};
const int cg_demo_nsystems = (int)(sizeof cg_demo_systems / sizeof cg_demo_systems[0]);

const cg_demo_person cg_demo_people[] = {
	{ "VP-UBND", "Lò Văn Thắng", "responsible_officer", "Phó Chánh Văn phòng", "0213 3876 101", "thanglv@laichau.gov.vn", true },
	{ "VP-UBND", "Nguyễn Thị Hoà", "contact_point", "Chuyên viên Phòng Hành chính – Tổ chức", "0912 301 456", "hoant.vp@laichau.gov.vn", true },
	{ "SKHCN", "Trần Minh Đức", "responsible_officer", "Phó Giám đốc Sở", "0213 3876 202", "ductm@laichau.gov.vn", true },
	{ "SKHCN", "Vàng A Sử", "contact_point", "Trưởng phòng Bưu chính, Viễn thông, Công nghệ thông tin", "0915 220 318", "suva@laichau.gov.vn", true },
	{ "TTDMST", "Phạm Quốc Huy", "contact_point", "Phó Giám đốc Trung tâm, Đội ứng cứu sự cố tỉnh", "0983 441 207", "huypq.ttdmst@laichau.gov.vn", true },
	{ "STC", "Đỗ Thu Trang", "contact_point", "Chuyên viên Văn phòng Sở", "0977 512 630", "trangdt.stc@laichau.gov.vn", false },
	{ "SYT", "Lê Văn Bình", "contact_point", "Phó Chánh Văn phòng Sở", "0968 205 119", "binhlv.syt@laichau.gov.vn", true },
	{ "SGDDT", "Hoàng Thị Mai", "contact_point", "Phụ trách công nghệ thông tin", "0916 733 842", "maiht.sgd@laichau.gov.vn", true },
	{ "SNV", "Tẩn Văn Phù", "contact_point", "Chuyên viên Văn phòng Sở", "0949 660 215", "phutv.snv@laichau.gov.vn", false },
	{ "STP", "Vũ Hải Nam", "contact_point", "Chuyên viên", "0904 118 377", "namvh.stp@laichau.gov.vn", true },
	{ "SNNMT", "Lường Thị Xuân", "contact_point", "Chuyên viên Văn phòng Sở", "0988 356 420", "xuanlt.snnmt@laichau.gov.vn", false },
	{ "CAT", "Giàng A Lử", "contact_point", "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao", "0213 3852 113", "pa05.cat@laichau.gov.vn", false },
	{ "P-DOANKET", "Ngô Văn Tuấn", "contact_point", "Công chức Văn phòng HĐND và UBND phường", "0915 887 102", "tuannv.pdk@laichau.gov.vn", true },
	{ "X-BINHLU", "Chẻo Thị Lan", "contact_point", "Công chức Văn phòng HĐND và UBND xã", "0963 204 551", "lanct.xbl@laichau.gov.vn", true },
	{ "X-PHONGTHO", "Sần Văn Khánh", "contact_point", "Công chức Văn phòng HĐND và UBND xã", "0972 615 309", "khanhsv.xpt@laichau.gov.vn", false },
	{ "X-SINHO", "Pờ Thị Duyên", "contact_point", "Công chức Phòng Văn hoá – Xã hội", "0946 338 720", "duyenpt.xsh@laichau.gov.vn", true },
	{ "X-MUONGTE", "Lý Văn Hùng", "contact_point", "Công chức Văn phòng HĐND và UBND xã", "0917 552 864", "hunglv.xmt@laichau.gov.vn", false },
	{ "X-THANUYEN", "Hà Thị Thu", "contact_point", "Công chức Phòng Văn hoá – Xã hội", "0981 264 013", "thuht.xtu@laichau.gov.vn", true },
	{ "X-TANUYEN", "Lò Thị Nga", "contact_point", "Công chức Văn phòng HĐND và UBND xã", "0912 947 385", "ngalt.xtanu@laichau.gov.vn", true },
	{ "X-NAMHANG", "Mào Văn Sơn", "contact_point", "Công chức Văn phòng HĐND và UBND xã", "0975 330 148", "sonmv.xnh@laichau.gov.vn", false },
	{ "XSKT", "Đặng Quang Vinh", "contact_point", "Phụ trách công nghệ thông tin", "0903 772 915", "vinhdq@xosolaichau.vn", false },
};
const int cg_demo_npeople = (int)(sizeof cg_demo_people / sizeof cg_demo_people[0]);

/* Findings of every kind the engines report. age_min: minutes before the
 * seeding time, so the demo always looks recent. Evidence is JSON text. */
const cg_demo_event cg_demo_events[] = {
	{ "demo-web-0001", 35, "web01.laichau.gov.vn", "X-MUONGTE", "web", "defacement", "critical",
	  "https://xamuongte.laichau.gov.vn/",
	  "Trang chủ bị thay đổi giao diện: 87% nội dung khác bản chuẩn, xuất hiện chữ \"Hacked by\"",
	  "{\"url\":\"https://xamuongte.laichau.gov.vn/\",\"changed_ratio\":0.87,\"baseline_sha256\":\"4f1c2e0b7a9d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f\",\"new_title\":\"Hacked by Gh0st\",\"http_status\":200}" },
	{ "demo-web-0002", 180, "web01.laichau.gov.vn", "X-SINHO", "web", "spam", "high",
	  "https://xasinho.laichau.gov.vn/tin-tuc/",
	  "Chèn liên kết cờ bạc ẩn vào trang tin tức (12 liên kết tới nhà cái trực tuyến)",
	  "{\"url\":\"https://xasinho.laichau.gov.vn/tin-tuc/\",\"links\":12,\"sample\":[\"nha-cai-uy-tin.example\",\"tai-xiu-online.example\"],\"hidden_by\":\"display:none\"}" },
	{ "demo-web-0003", 1500, "web01.laichau.gov.vn", "SXD", "web", "spam", "medium",
	  "https://soxaydung.laichau.gov.vn/van-ban/",
	  "Trang trả nội dung khác cho Googlebot (cloaking) với từ khoá \"tài xỉu\"",
	  "{\"url\":\"https://soxaydung.laichau.gov.vn/van-ban/\",\"user_agent\":\"Googlebot\",\"keywords\":[\"tài xỉu\",\"nổ hũ\"]}" },
	{ "demo-mal-0001", 95, "web02.laichau.gov.vn", "X-SINHO", "malware", "webshell", "critical",
	  "/var/www/xasinho/wp-content/uploads/2025/11/thumb.php",
	  "Phát hiện web shell PHP trong thư mục tải lên của trang xã Sìn Hồ",
	  "{\"path\":\"/var/www/xasinho/wp-content/uploads/2025/11/thumb.php\",\"rule\":\"php_webshell_eval_post\",\"sha256\":\"9b2d6f0e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d\",\"size\":2417,\"mtime\":\"2026-11-19T22:41:07+07:00\"}" },
	{ "demo-mal-0002", 2900, "pc-ketoan-03", "STC", "malware", "webshell", "high",
	  "C:\\inetpub\\wwwroot\\upload\\aspx_spy.aspx",
	  "Tệp ASPX có dấu hiệu web shell (ASPXSpy) trên máy chủ IIS nội bộ",
	  "{\"path\":\"C:\\\\inetpub\\\\wwwroot\\\\upload\\\\aspx_spy.aspx\",\"rule\":\"aspx_spy\",\"sha256\":\"1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d9b2d6f0e1a3c5b7d9f\"}" },
	{ "demo-sec-0001", 260, "pc-vp-12", "VP-UBND", "secrets", "secret_document", "high",
	  "C:\\Users\\chuyenvien\\Documents\\Bao cao MAT 2026.docx",
	  "Tài liệu có dấu \"MẬT\" lưu trên máy tính kết nối Internet",
	  "{\"path\":\"C:\\\\Users\\\\chuyenvien\\\\Documents\\\\Bao cao MAT 2026.docx\",\"marking\":\"MẬT\",\"page\":1,\"context\":\"... ĐỘ MẬT: MẬT ...\"}" },
	{ "demo-sec-0002", 4300, "pc-noivu-05", "SNV", "secrets", "secret_document", "medium",
	  "D:\\Tai lieu\\To trinh nhan su (Mat).pdf",
	  "Tài liệu có cụm từ \"Tài liệu mật\" trong tiêu đề, trên máy trạm nối mạng",
	  "{\"path\":\"D:\\\\Tai lieu\\\\To trinh nhan su (Mat).pdf\",\"marking\":\"Mật\",\"page\":1}" },
	{ "demo-dns-0001", 50, "dns01.laichau.gov.vn", "X-PHONGTHO", "dns", "infected_client", "high",
	  "10.45.3.47",
	  "Máy 10.45.3.47 truy vấn 214 tên miền sinh tự động (DGA) trong 1 giờ",
	  "{\"client\":\"10.45.3.47\",\"nxdomain\":198,\"queries\":214,\"dga_score\":0.93,\"sample\":[\"qk3v9xw1pz.example\",\"z8f2mla0rt.example\"]}" },
	{ "demo-dns-0002", 700, "dns01.laichau.gov.vn", "SYT", "dns", "infected_client", "medium",
	  "10.12.30.88",
	  "Máy 10.12.30.88 liên lạc định kỳ 60 giây với tên miền điều khiển đã biết",
	  "{\"client\":\"10.12.30.88\",\"domain\":\"update-check.example\",\"interval_s\":60,\"count\":1440}" },
	{ "demo-agt-0001", 400, "pc-muongte-02", "X-MUONGTE", "agent", "offline", "low",
	  "pc-muongte-02",
	  "Tác tử không gửi dữ liệu hơn 6 giờ",
	  "{\"last_seen\":\"2026-11-20T08:12:00+07:00\",\"agent_version\":\"0.1.0\"}" },
	{ "demo-agt-0002", 90, "srv-hssk-01", "SYT", "agent", "offline", "medium",
	  "srv-hssk-01",
	  "Máy chủ hồ sơ sức khoẻ mất kết nối với máy chủ giám sát",
	  "{\"last_seen\":\"2026-11-21T09:40:00+07:00\"}" },
	{ "demo-acc-0001", 1200, "dc01.laichau.gov.vn", "TTDMST", "accounts", "account_audit", "medium",
	  "administrator",
	  "Tài khoản quản trị dùng mật khẩu không đổi hơn 365 ngày",
	  "{\"account\":\"administrator\",\"password_age_days\":412,\"privileged\":true}" },
	{ "demo-acc-0002", 3000, "web01.laichau.gov.vn", "X-BINHLU", "accounts", "account_audit", "info",
	  "wp-admin: editor2",
	  "Tài khoản biên tập viên không hoạt động 180 ngày chưa bị khoá",
	  "{\"account\":\"editor2\",\"last_login\":\"2026-05-02\",\"system\":\"WordPress\"}" },
	{ "demo-web-0004", 30, "web01.laichau.gov.vn", "X-NAMHANG", "web", "defacement", "critical",
	  "https://xanamhang.laichau.gov.vn/",
	  "Tiêu đề trang bị thay bằng mã <script>alert('XSS')</script> và <img src=x onerror=alert(1)>",
	  "{\"url\":\"https://xanamhang.laichau.gov.vn/\",\"new_title\":\"<script>alert('XSS')</script>\",\"note\":\"nội dung do kẻ tấn công viết: hiển thị nguyên văn, không thực thi\"}" },
};
const int cg_demo_nevents = (int)(sizeof cg_demo_events / sizeof cg_demo_events[0]);
// clang-format on
