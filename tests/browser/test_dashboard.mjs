/*
 * test_dashboard.mjs - the dashboard in headless Chromium against a real
 * `canhgac serve` (the ASan build under tests/run.sh): log in, add an
 * agency, import a CSV with one bad row, see an event posted with an API
 * token, show hostile event text as text without running it, switch to
 * English. Screenshots at 1366x768 go to build/test-logs/browser-*.png.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshot } from "./lib.mjs";

const T = tap();
const cleanups = [];
let srv;
try {
	srv = await startServer();
	cleanups.push(() => srv.stop());
} catch (e) {
	T.ok(false, "server starts", e.stack);
	await T.done(cleanups);
}
const adminPw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", adminPw);
const tok = await call(srv.url, admin, "POST", "/tokens", { name: "browser-test", scope: "ingest" });
T.ok(tok.status === 201 && typeof tok.json.token === "string", "an ingest token is created through the API", tok.text);
const token = tok.json && tok.json.token;

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

/* ---- login ---- */
await T.step("login page is in Vietnamese by default", async () => {
	await page.goto(srv.url + "/");
	await page.waitForSelector("#login-form");
	const h = await page.textContent("#login-form h1");
	await screenshot(page, "login");
	return h === "Đăng nhập";
});
await T.step("a wrong password shows an error and stays on the login page", async () => {
	await page.fill("#username", "quantri");
	await page.fill("#password", "not-the-password");
	await page.click("#login-submit");
	await page.waitForFunction(() => document.querySelector("#login-error").textContent.length > 0);
	const msg = await page.textContent("#login-error");
	return msg.includes("không đúng") && (await page.$("#user-name")) === null;
});
await T.step("log in as the admin: overview with the user's name", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.waitForSelector("#content h1");
	await page.waitForSelector("table.data");
	const h = await page.textContent("#content h1");
	await screenshot(page, "overview-empty");
	return h.includes("Tổng quan") && (await page.textContent("#user-name")).length > 0;
});

/* ---- add an agency ---- */
const agencyName = "Sở Tài chính (kiểm thử)";
await T.step("add an agency through the form", async () => {
	await page.click("#nav-agencies");
	await page.waitForSelector("table.data");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", agencyName);
	/* kinds of today's two-tier local government; no district (abolished
	 * on 1 July 2025) is offered for a new agency */
	const kinds = await page.$$eval("#f-kind option", (os) => os.map((o) => o.value + "=" + o.textContent));
	if (kinds.join("|") !== "so_ban_nganh=Sở, ban, ngành tỉnh|xa=Xã, phường, đặc khu|doanh_nghiep=Doanh nghiệp nhà nước|khac=Khác")
		throw new Error("kinds offered: " + kinds.join("|"));
	await page.selectOption("#f-kind", "so_ban_nganh");
	await page.fill("#f-code", "STC-T");
	await page.fill("#f-declared_endpoints", "42");
	await page.fill("#f-ip_ranges", "10.12.20.0/24\n10.12.21.0/24");
	await screenshot(page, "agency-form");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector(`table.data td:has-text("${agencyName}")`);
	return true;
});
await T.step("a district (huyen) from before 1 July 2025 still reads, and only its own form offers it", async () => {
	const r = await page.evaluate(() => [enumValues("agency_kind").join(","), enumValues("agency_kind", "huyen").join(","), tEnum("agency_kind", "huyen")]);
	return r[0] === "so_ban_nganh,xa,doanh_nghiep,khac" && r[1] === "so_ban_nganh,xa,doanh_nghiep,khac,huyen" && r[2] === "Huyện (trước 01/7/2025)";
});
await T.step("the new agency is stored with its IP ranges", async () => {
	const r = await call(srv.url, admin, "GET", "/agencies?q=" + encodeURIComponent("kiểm thử"));
	const a = r.json && r.json.items.find((x) => x.name === agencyName);
	if (!a) throw new Error("not found: " + r.text);
	return a.declared_endpoints === 42 && a.ip_ranges.join(",") === "10.12.20.0/24,10.12.21.0/24" && a.code === "STC-T";
});
await T.step("editing the agency keeps it in the list with the new value", async () => {
	await page.click(`tr:has-text("${agencyName}") button:has-text("Sửa")`);
	await page.fill("#f-declared_endpoints", "50");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector(`tr:has-text("${agencyName}") td:has-text("50")`);
	return true;
});

/* ---- issue 18.14: names and ranges that collide with another agency ---- */
await T.step("a duplicate agency name is refused in the form, naming the other agency", async () => {
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "SỞ TÀI CHÍNH (KIỂM THỬ)");
	await page.click(".dialog button[type=submit]");
	/* the message sits under the name field, the one the input points at */
	await page.waitForFunction(() => {
		const id = document.querySelector("#f-name").getAttribute("aria-describedby");
		return id && document.getElementById(id).textContent.length > 0;
	});
	const seen = await page.evaluate(() => ({
		msg: document.getElementById(document.querySelector("#f-name").getAttribute("aria-describedby")).textContent,
		box: document.querySelector(".dialog .form-error").textContent,
		all: Array.from(document.querySelectorAll(".dialog .field-error, .dialog .form-error")).filter((x) => x.textContent).length,
	}));
	await screenshot(page, "agency-duplicate-name");
	await page.click(".dialog button:has-text(\"Huỷ\")");
	await page.waitForSelector(".overlay", { state: "detached" });
	if (!seen.msg.includes("Đã có cơ quan, đơn vị mang tên này") || !seen.msg.includes(agencyName) || /409|agency|name/.test(seen.msg) || seen.all !== 1)
		throw new Error("duplicate name: " + JSON.stringify(seen));
	return true;
});
await T.step("a range inside another agency's: warned, then stored when saved again", async () => {
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Kho bạc (kiểm thử)");
	await page.fill("#f-ip_ranges", "10.12.20.128/25");
	await page.click(".dialog button[type=submit]");
	await page.waitForFunction(() => {
		const id = document.querySelector("#f-ip_ranges").getAttribute("aria-describedby");
		return id && document.getElementById(id).textContent.length > 0;
	});
	const seen = await page.evaluate(() => ({
		msg: document.getElementById(document.querySelector("#f-ip_ranges").getAttribute("aria-describedby")).textContent,
		all: Array.from(document.querySelectorAll(".dialog .field-error, .dialog .form-error")).filter((x) => x.textContent).length,
	}));
	const msg = seen.msg;
	await screenshot(page, "agency-overlap-warning");
	await page.setViewportSize({ width: 390, height: 844 });
	await screenshot(page, "agency-overlap-warning-390");
	await page.setViewportSize({ width: 1366, height: 768 });
	const before = await call(srv.url, admin, "GET", "/agencies?q=" + encodeURIComponent("Kho bạc"));
	if (!msg.includes("Lưu lần nữa") || !msg.includes(agencyName) || !msg.includes("10.12.20.0/24") || !msg.includes("10.12.20.128/25") || seen.all !== 1)
		throw new Error("warning: " + JSON.stringify(seen));
	if (before.json.items.length !== 0) throw new Error("stored before confirming");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	const r = await call(srv.url, admin, "GET", "/agencies?q=" + encodeURIComponent("Kho bạc"));
	return r.json.items.length === 1 && r.json.items[0].ip_ranges[0] === "10.12.20.128/25";
});

/* ---- systems and contact points ---- */
await T.step("add an information system with its level and dossier dates", async () => {
	await page.click("#nav-systems");
	await page.waitForSelector("table.data");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Phần mềm quản lý ngân sách (kiểm thử)");
	await page.selectOption("#f-agency_id", { label: agencyName });
	await page.selectOption("#f-kind", "application");
	await page.selectOption("#f-level", "3");
	await page.selectOption("#f-dossier_status", "appraised");
	await page.fill("#f-date_draft", "06/01/2025");
	await page.fill("#f-date_submitted", "10/02/2025");
	await page.fill("#f-date_appraised", "21/04/2025");
	await page.fill("#f-urls", "https://qlns.laichau.gov.vn");
	await page.fill("#f-ips", "10.12.20.15");
	await screenshot(page, "system-form");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector(`td:has-text("Phần mềm quản lý ngân sách (kiểm thử)")`);
	const r = await call(srv.url, admin, "GET", "/systems?q=" + encodeURIComponent("kiểm thử"));
	const sys = r.json.items[0];
	if (!sys) throw new Error(r.text);
	return sys.level === 3 && sys.dossier_status === "appraised" && sys.dossier_dates.appraised === "2025-04-21" &&
		sys.dossier_dates.approved === null && sys.urls[0] === "https://qlns.laichau.gov.vn";
});
await T.step("the systems page filters by level", async () => {
	await page.selectOption("#flt-level", "4");
	await page.click(".filters button[type=submit]");
	await page.waitForSelector("td.empty");
	await page.selectOption("#flt-level", "3");
	await page.click(".filters button[type=submit]");
	await page.waitForSelector(`td:has-text("Phần mềm quản lý ngân sách (kiểm thử)")`);
	return true;
});
await T.step("an invalid value is refused next to its field and the form stays open", async () => {
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Hệ thống sai");
	await page.fill("#f-ips", "not-an-ip");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#err-f-ips:not(:empty)");
	const msg = await page.textContent("#err-f-ips");
	await page.click(".dialog button:has-text('Huỷ')");
	return msg.includes("not-an-ip") && !msg.includes("400");
});
await T.step("add a contact point", async () => {
	await page.click("#nav-people");
	await page.waitForSelector("table.data");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Đỗ Thu Trang");
	await page.selectOption("#f-agency_id", { label: agencyName });
	await page.selectOption("#f-role", "contact_point");
	await page.fill("#f-phone", "0977 512 630");
	await page.fill("#f-email", "trangdt.stc@laichau.gov.vn");
	await page.check("#f-published_on_portal");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector(`td:has-text("Đỗ Thu Trang")`);
	const r = await call(srv.url, admin, "GET", "/people");
	const p = r.json.items.find((x) => x.name === "Đỗ Thu Trang");
	return p && p.published_on_portal === true && p.role === "contact_point";
});

/* ---- CSV import ---- */
await T.step("CSV import: good rows kept, the bad row's error shown with row and field", async () => {
	await page.click("#nav-import");
	await page.waitForSelector("#csv-agencies");
	const csv = "\ufeffname,kind,parent,code,ip_ranges,declared_endpoints\n" +
		"UBND xã Bình Lư (CSV),xa,,X-BL-CSV,10.21.0.0/16,90\n" +
		"Sở Y tế (CSV),so_ban_nganh,,SYT-CSV,10.12.30.0/24;10.12.31.0/24,95\n" +
		"Dòng sai,khong_phai_loai,,BAD,,1\n";
	await page.fill("#csv-agencies", csv);
	await page.click("#import-agencies .btn-primary");
	await page.waitForSelector("#import-agencies .notice");
	const notice = await page.textContent("#import-agencies .notice");
	const errRows = await page.$$eval("#import-agencies tr.import-error", (rs) => rs.map((r) => r.textContent));
	await screenshot(page, "import");
	if (!notice.includes("2")) throw new Error("notice: " + notice);
	if (errRows.length !== 1 || !errRows[0].includes("kind")) throw new Error("error rows: " + JSON.stringify(errRows));
	const r = await call(srv.url, admin, "GET", "/agencies?q=" + encodeURIComponent("(CSV)"));
	const names = r.json.items.map((a) => a.name).sort();
	if (names.length !== 2) throw new Error("stored: " + JSON.stringify(names));
	return true;
});

await T.step("delete an agency after confirming", async () => {
	await page.click("#nav-agencies");
	const row = `tr:has-text("Sở Y tế (CSV)")`;
	await page.waitForSelector(row);
	await page.click(`${row} button:has-text("Xoá")`);
	await page.waitForSelector(".dialog-small");
	await screenshot(page, "confirm-delete");
	await page.click(".dialog-small .btn-danger");
	await page.waitForSelector(row, { state: "detached" });
	const r = await call(srv.url, admin, "GET", "/agencies?q=" + encodeURIComponent("Sở Y tế (CSV)"));
	await page.click("#nav-import");
	await page.waitForSelector("#csv-systems");
	return r.json.total === 0;
});
await T.step("CSV import of systems: the bad level is reported, the good row kept", async () => {
	const csv = "agency,name,kind,urls,domains,ips,level,dossier_status\n" +
		"STC-T,Cổng TTĐT Sở Tài chính (CSV),portal,https://sotc.laichau.gov.vn,sotc.laichau.gov.vn,10.12.200.40,2,approved\n" +
		"STC-T,Hệ thống cấp độ sai,application,,,,9,draft\n";
	await page.fill("#csv-systems", csv);
	await page.click("#import-systems .btn-primary");
	await page.waitForSelector("#import-systems .notice");
	const errRows = await page.$$eval("#import-systems tr.import-error", (rs) => rs.map((r) => r.textContent));
	const r = await call(srv.url, admin, "GET", "/systems?q=" + encodeURIComponent("(CSV)"));
	if (errRows.length !== 1 || !errRows[0].includes("level") || !errRows[0].startsWith("3")) throw new Error("error rows: " + JSON.stringify(errRows));
	return r.json.items.length === 1 && r.json.items[0].level === 2;
});

/* ---- events ---- */
const hostile = "<script>window.__pwned=1;alert('xss')</script><img src=x onerror=\"window.__pwned=2;alert(2)\">";
await T.step("events posted with the API token are accepted", async () => {
	const now = new Date().toISOString();
	const r = await call(srv.url, { token }, "POST", "/events", [
		/* a critical redirect: a critical defacement would open a case by itself (rules/autocase) */
		{ id: "bt-evt-1", time: now, host: "web01.laichau.gov.vn", agency: "STC-T", source: "web", kind: "redirect", severity: "critical",
			subject: "https://sotc.laichau.gov.vn/", summary: "Trang chủ bị thay đổi giao diện (kiểm thử)", evidence: { changed_ratio: 0.91 } },
		{ id: "bt-evt-2", time: now, host: "web01.laichau.gov.vn", agency: "STC-T", source: "web", kind: "defacement", severity: "high",
			subject: "<img src=x onerror=alert(3)>", summary: hostile, evidence: { title: hostile } },
	]);
	if (r.status !== 200 || r.json.accepted !== 2) throw new Error(r.status + " " + r.text);
	return true;
});
await T.step("the event is on the events page", async () => {
	await page.click("#nav-events");
	await page.waitForSelector(`.event-summary:has-text("Trang chủ bị thay đổi giao diện (kiểm thử)")`);
	return true;
});
await T.step("hostile event text is shown literally and no script runs", async () => {
	const texts = await page.$$eval(".event-summary", (ns) => ns.map((n) => n.textContent));
	if (!texts.includes(hostile)) throw new Error("summary not literal: " + JSON.stringify(texts));
	await page.click(`tr:has(.event-summary:text-is(${JSON.stringify(hostile)}))`);
	await page.waitForSelector("pre.evidence");
	const evidence = await page.textContent("pre.evidence");
	await page.waitForTimeout(500);
	await screenshot(page, "events");
	const injected = await page.$$eval("#content img, #content script", (ns) => ns.length);
	const pwned = await page.evaluate(() => window.__pwned);
	if (!evidence.includes("<script>window.__pwned=1")) throw new Error("evidence: " + evidence);
	if (injected !== 0 || pwned !== undefined || log.dialogs.length !== 0) {
		throw new Error(`injected=${injected} pwned=${pwned} dialogs=${JSON.stringify(log.dialogs)}`);
	}
	return true;
});
await T.step("the severity filter narrows the list", async () => {
	await page.selectOption("#flt-severity", "critical");
	await page.click(".filters button[type=submit]");
	await page.waitForFunction(() => document.querySelectorAll(".event-summary").length === 1);
	return (await page.textContent(".event-summary")).includes("kiểm thử");
});

await T.step("the overview counts the agency's open findings by severity", async () => {
	await page.click("#nav-overview");
	const row = `tr:has(td .strong:text-is(${JSON.stringify(agencyName)}))`;
	await page.waitForSelector(row);
	const crit = await page.textContent(`${row} .sev-count.sev-critical`);
	const high = await page.textContent(`${row} .sev-count.sev-high`);
	await screenshot(page, "overview");
	return crit === "1" && high === "1";
});

await T.step("events page in pages of 50, older and back to the newest", async () => {
	const batch = [];
	for (let i = 0; i < 60; i++) {
		batch.push({ id: "bt-page-" + i, time: new Date(Date.now() - (60 - i) * 1000).toISOString(), host: "pc-" + i, agency: "STC-T",
			source: "agent", kind: "offline", severity: "info", subject: "pc-" + i, summary: "Máy pc-" + i + " mất kết nối", evidence: {} });
	}
	const r = await call(srv.url, { token }, "POST", "/events", batch);
	if (r.status !== 200 || r.json.accepted !== 60) throw new Error(r.text);
	await page.click("#nav-events");
	await page.selectOption("#flt-source", "agent");
	await page.click(".filters button[type=submit]");
	await page.waitForFunction(() => document.querySelectorAll(".event-summary").length === 50);
	const first = await page.textContent(".event-summary");
	await page.click("button:has-text('Cũ hơn')");
	await page.waitForFunction(() => document.querySelectorAll(".event-summary").length === 10);
	const last = await page.$$eval(".event-summary", (ns) => ns[ns.length - 1].textContent);
	await page.click("button:has-text('Mới nhất')");
	await page.waitForFunction(() => document.querySelectorAll(".event-summary").length === 50);
	return first === "Máy pc-59 mất kết nối" && last === "Máy pc-0 mất kết nối";
});

/* ---- English ---- */
await T.step("the English switch translates the page and is remembered", async () => {
	await page.click("#nav-events");
	await page.waitForSelector(".event-summary");
	await page.click("#lang-switch");
	await page.waitForSelector("#nav-events:has-text('Events')");
	await page.reload();
	await page.waitForSelector("#nav-events:has-text('Events')");
	const h = await page.textContent("#content h1");
	await page.click("#nav-overview");
	await page.waitForSelector("table.data");
	await screenshot(page, "overview-en");
	await page.click("#lang-switch");
	await page.waitForSelector("#nav-events:has-text('Sự kiện')");
	return h === "Events and findings";
});

/* ---- the other pages draw without errors ---- */
for (const p of ["systems", "people", "users", "tokens", "audit"]) {
	await T.step(`page ${p} draws`, async () => {
		await page.click("#nav-" + p);
		await page.waitForSelector("#content .panel, #content table.data");
		await page.waitForTimeout(200);
		await screenshot(page, p);
		if ((await page.$("#content .notice-error")) !== null) throw new Error(await page.textContent("#content .notice-error"));
		return true;
	});
}
await T.step("an admin creates a user through the form", async () => {
	await page.click("#nav-users");
	await page.waitForSelector("table.data");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-username", "xem.baocao");
	await page.fill("#f-display_name", "Lãnh đạo xem báo cáo");
	await page.selectOption("#f-role", "viewer");
	await page.fill("#f-password", "mat-khau-rat-dai-123");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector(`td:has-text("xem.baocao")`);
	const r = await apiLogin(srv.url, "xem.baocao", "mat-khau-rat-dai-123");
	return r.user.role === "viewer";
});
await T.step("an API token created in the dashboard is shown once and works", async () => {
	await page.click("#nav-tokens");
	await page.waitForSelector("table.data");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "agent web02");
	await page.selectOption("#f-scope", "ingest");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".token-secret");
	const secret = await page.textContent(".token-secret");
	await screenshot(page, "token-created");
	const r = await call(srv.url, { token: secret }, "POST", "/events", [{ id: "bt-evt-3", time: new Date().toISOString(), source: "agent", kind: "offline", severity: "low", summary: "token from the dashboard" }]);
	if (r.status !== 200) throw new Error(r.status + " " + r.text);
	return secret.startsWith("cgt_");
});
await T.step("revoking the token in the dashboard stops it", async () => {
	await page.click(`tr:has-text("agent web02") button:has-text("Thu hồi")`);
	await page.click(".dialog-small .btn-danger:has-text(\"Thu hồi\")");
	await page.waitForSelector(`tr:has-text("agent web02") .badge.warn`);
	const secret = await page.textContent(".token-secret");
	const r = await call(srv.url, { token: secret }, "POST", "/events", [{ id: "bt-evt-4", time: new Date().toISOString(), source: "agent", kind: "offline", severity: "low", summary: "revoked" }]);
	return r.status === 401;
});
await T.step("a metrics token made in the dashboard scrapes /metrics and reads nothing else", async () => {
	const old = await page.textContent(".token-secret");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "prometheus");
	const label = await page.textContent(`#f-scope option[value="metrics"]`);
	await page.selectOption("#f-scope", "metrics");
	await page.click(".dialog button[type=submit]");
	await page.waitForFunction((o) => { const e = document.querySelector(".token-secret"); return e && e.textContent !== o; }, old);
	const secret = await page.textContent(".token-secret");
	const m = await fetch(srv.url + "/metrics", { headers: { Authorization: "Bearer " + secret } });
	const body = await m.text();
	const ev = await call(srv.url, { token: secret }, "GET", "/events");
	return label.includes("Prometheus") && m.status === 200 && body.includes("# TYPE canhgac_http_requests_total counter") && ev.status === 403;
});
await T.step("the audit log lists the agency creation", async () => {
	await page.click("#nav-audit");
	// The previous page's table may still be on screen for a moment: wait
	// for the audit rows themselves, not for any table.
	await page.waitForFunction(() => {
		const t = document.querySelector("table.data");
		return t && t.textContent.includes("quantri") && t.textContent.includes("agency");
	}, null, { timeout: 10000 });
	return true;
});
await T.step("logging out returns to the login page", async () => {
	await page.click("#logout");
	await page.waitForSelector("#login-form");
	const r = await page.evaluate(() => fetch("/api/v1/session").then((x) => x.status));
	return r === 401;
});
T.ok(log.pageErrors.length === 0, "no JavaScript errors in the page", log.pageErrors.join("\n"));
T.ok(log.dialogs.length === 0, "no dialog was opened by page content", log.dialogs.join("\n"));
await T.done(cleanups);
