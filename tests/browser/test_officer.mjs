/*
 * test_officer.mjs - an agency officer in the dashboard sees only their
 * own agency: the agencies, systems, people and events pages list nothing
 * of the other agency, the admin pages are not offered, and the other
 * agency's record cannot be opened by typing its address.
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

/* two agencies, each with a system, a contact and an event */
const mine = await call(srv.url, admin, "POST", "/agencies", { name: "UBND xã Phong Thổ", kind: "xa", code: "H-PT", ip_ranges: ["10.22.0.0/16"], declared_endpoints: 95 });
const other = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.12.30.0/24"], declared_endpoints: 95 });
T.ok(mine.status === 201 && other.status === 201, "the admin creates two agencies", mine.text + " " + other.text);
const mineId = mine.json.id, otherId = other.json.id;
for (const [id, name] of [[mineId, "Trang TTĐT xã Phong Thổ"], [otherId, "Hệ thống hồ sơ sức khoẻ điện tử"]]) {
	const r = await call(srv.url, admin, "POST", "/systems", { agency_id: id, name, kind: "portal", urls: [], domains: [], ips: [], level: 2, dossier_status: "draft", dossier_dates: { draft: "2025-01-02", submitted: null, appraised: null, approved: null } });
	T.ok(r.status === 201, "system " + name + " created", r.text);
	const p = await call(srv.url, admin, "POST", "/people", { agency_id: id, name: "Đầu mối " + name, role: "contact_point", title: "Chuyên viên", phone: "0912 000 000", email: "x@laichau.gov.vn", published_on_portal: true });
	T.ok(p.status === 201, "contact for " + name + " created", p.text);
}
const tok = await call(srv.url, admin, "POST", "/tokens", { name: "officer-test", scope: "ingest" });
const now = new Date().toISOString();
const ev = await call(srv.url, { token: tok.json && tok.json.token }, "POST", "/events", [
	{ id: "of-1", time: now, host: "web01", agency: "H-PT", source: "web", kind: "spam", severity: "high", subject: "https://phongtho.laichau.gov.vn/", summary: "Sự kiện của Phong Thổ", evidence: {} },
	{ id: "of-2", time: now, host: "srv-hssk", agency: "SYT", source: "agent", kind: "offline", severity: "medium", subject: "srv-hssk", summary: "Sự kiện của Sở Y tế", evidence: {} },
]);
T.ok(ev.status === 200 && ev.json.accepted === 2, "two events, one per agency, are ingested", ev.text);

const officerPw = srv.addUser("canbo.phongtho", "officer", mineId);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

await T.step("the officer logs in", async () => {
	await uiLogin(page, srv.url, "canbo.phongtho", officerPw);
	await page.waitForSelector("#content table.data:has-text('UBND xã Phong Thổ')");
	await screenshot(page, "officer-overview");
	return true;
});
await T.step("the overview lists only the officer's agency", async () => {
	const text = await page.textContent("#content");
	return !text.includes("Sở Y tế");
});
await T.step("the admin pages are not offered", async () => {
	return (await page.$("#nav-users")) === null && (await page.$("#nav-tokens")) === null && (await page.$("#nav-audit")) === null;
});
const pages = [
	["agencies", "UBND xã Phong Thổ", "Sở Y tế"],
	["systems", "Trang TTĐT xã Phong Thổ", "hồ sơ sức khoẻ"],
	["people", "Đầu mối Trang TTĐT", "Đầu mối Hệ thống hồ sơ"],
	["events", "Sự kiện của Phong Thổ", "Sự kiện của Sở Y tế"],
];
for (const [p, want, notWant] of pages) {
	await T.step(`${p}: own agency's record shown, the other agency's not`, async () => {
		await page.click("#nav-" + p);
		await page.waitForSelector(`#content table.data:has-text("${want}")`);
		await page.waitForTimeout(200);
		await screenshot(page, "officer-" + p);
		const text = await page.textContent("#content");
		if (text.includes(notWant)) throw new Error(p + " shows " + notWant);
		return true;
	});
}
await T.step("the agency filter of the events page offers only the own agency", async () => {
	await page.click("#nav-events");
	await page.waitForSelector("#flt-agency_id");
	const opts = await page.$$eval("#flt-agency_id option", (os) => os.map((o) => o.textContent));
	return opts.length === 2 && opts[1] === "UBND xã Phong Thổ";
});
await T.step("the other agency's record cannot be fetched from the page", async () => {
	const st = await page.evaluate(async (id) => (await fetch("/api/v1/agencies/" + id)).status, otherId);
	return st === 403 || st === 404;
});
await T.step("a viewer sees every agency but is offered no change", async () => {
	const viewerPw = srv.addUser("lanhdao", "viewer");
	await page.click("#logout");
	await page.waitForSelector("#login-form");
	await uiLogin(page, srv.url, "lanhdao", viewerPw);
	await page.click("#nav-agencies");
	await page.waitForSelector(`#content table.data:has-text("Sở Y tế")`);
	const text = await page.textContent("#content");
	const buttons = await page.$$eval("#content .page-actions button, #content td.actions button", (bs) => bs.length);
	await screenshot(page, "viewer-agencies");
	return text.includes("UBND xã Phong Thổ") && buttons === 0 && (await page.$("#nav-import")) === null;
});
T.ok(log.pageErrors.length === 0, "no JavaScript errors in the page", log.pageErrors.join("\n"));
await T.done(cleanups);
