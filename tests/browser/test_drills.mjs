/*
 * test_drills.mjs - the drills page (#/drills): an officer sees their
 * agency's level 3+ system listed as lacking a drill, records one with
 * HTML in its text, and the system leaves the list while the drill shows
 * in the record as text; the other agency's systems are not offered.
 * Screenshots at office and phone size.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

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
const admin = await apiLogin(srv.url, "quantri", srv.addUser("quantri", "admin"));
const a1 = await call(srv.url, admin, "POST", "/agencies", { name: "Văn phòng UBND tỉnh", kind: "so_ban_nganh", code: "VP", ip_ranges: ["10.1.0.0/16"], declared_endpoints: 10 });
const a2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.2.0.0/16"], declared_endpoints: 10 });
const s1 = await call(srv.url, admin, "POST", "/systems", { agency_id: a1.json.id, name: "Hệ thống quản lý văn bản", kind: "application", level: 3 });
const s2 = await call(srv.url, admin, "POST", "/systems", { agency_id: a2.json.id, name: "Hồ sơ sức khoẻ điện tử", kind: "application", level: 4 });
T.ok(s1.status === 201 && s2.status === 201, "two level 3+ systems in two agencies", s1.text + s2.text);
const pw = srv.addUser("canbo.vp", "officer", a1.json.id);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
const FIND = "<b>Sao lưu</b> chưa khôi phục được";

await T.step("the officer opens the drills page and sees their system lacking a drill", async () => {
	await uiLogin(page, srv.url, "canbo.vp", pw);
	await page.goto(srv.url + "/#/drills");
	await page.waitForSelector("#drills-missing");
	const txt = await page.textContent("#drills-missing");
	await screenshots(page, "drills-missing");
	return txt.includes("Hệ thống quản lý văn bản") && !txt.includes("Hồ sơ sức khoẻ") && txt.includes("Chưa từng");
});
await T.step("only the officer's agency's systems are offered in the form", async () => {
	const opts = await page.$$eval("#drill-system option", (o) => o.map((x) => x.textContent));
	return opts.length === 1 && opts[0].includes("Hệ thống quản lý văn bản");
});
await T.step("the officer records a drill and the system leaves the list", async () => {
	await page.fill("#drill-scenario", "Mã độc tống tiền mã hoá máy chủ văn bản");
	await page.fill("#drill-participants", "Đội ứng cứu tỉnh; cán bộ CNTT Văn phòng");
	await page.selectOption("#drill-result", "partial");
	await page.fill("#drill-findings", FIND);
	await page.click("#drill-save");
	await page.waitForSelector("#drills-missing-none");
	await page.waitForSelector("#drills-list");
	const txt = await page.textContent("#drills-list");
	const bold = await page.$$eval("#drills-list b", (n) => n.length);
	await screenshots(page, "drills-recorded");
	return txt.includes(FIND) && txt.includes("Đạt một phần") && bold === 0;
});
await T.step("a date that is not a date is refused in the page", async () => {
	await page.fill("#drill-date", "31/02/2026");
	await page.fill("#drill-scenario", "x");
	await page.fill("#drill-participants", "y");
	await page.click("#drill-save");
	await page.waitForFunction(() => document.querySelector("#drill-form .form-error").textContent.length > 0);
	return true;
});
const all = await call(srv.url, admin, "GET", "/drills");
T.ok(all.status === 200 && all.json.total === 1 && all.json.items[0].agency_id === a1.json.id, "one drill, of the officer's agency", all.text);
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors, no dialogs", log.pageErrors.concat(log.dialogs).join("\n"));
await T.done(cleanups);
