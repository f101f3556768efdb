/*
 * test_phone.mjs - issue 18.17: usable at 390x844. The login card fits
 * the screen; after login the menu is a drawer behind a button (no 224 px
 * sidebar squeezing the content), it opens and closes, and no page scrolls
 * sideways: every page's content fits the phone's width.
 */
import { tap, startServer, launchBrowser, newPage, apiLogin, call, screenshot } from "./lib.mjs";

const T = tap();
const cleanups = [];
const srv = await startServer(["--web-interval", "0"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "UBND xã Bản Bo", kind: "so_ban_nganh", code: "bb", declared_endpoints: 20, ip_ranges: ["10.9.0.0/16"] });
await call(srv.url, admin, "POST", "/systems", { name: "Trang thông tin điện tử xã Bản Bo", agency_id: ag.json.id, kind: "portal", level: 2, urls: ["https://banbo.example.invalid"] });
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "feed", scope: "ingest" });
await call(srv.url, { token: ing.json.token }, "POST", "/events", [
	{ id: "p1", time: new Date().toISOString(), host: "h", agency: "bb", source: "web", kind: "defacement", severity: "critical", subject: "https://banbo.example.invalid/", summary: "Trang chủ bị thay giao diện, xuất hiện chữ \"Hacked by\"", evidence: {} },
]);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(srv.url + "/");
await page.waitForSelector("#login-submit");
await screenshot(page, "phone-login-390");
await T.step("the login card is not clipped", async () => {
	const box = await page.locator(".login-box").boundingBox();
	const btn = await page.locator("#login-submit").boundingBox();
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	return box.x >= 0 && box.x + box.width <= 390 && btn.x + btn.width <= 390 && sw <= 390;
});
await page.fill("#username", "quantri");
await page.fill("#password", pw);
await page.click("#login-submit");
await T.step("the overview opens after login", async () => {
	await page.waitForSelector("#user-name");
	await page.waitForSelector("#overview-body .cards");
	return true;
});
await T.step("the sidebar is a closed drawer; the content has the width of the phone", async () => {
	const side = await page.locator("#sidebar").isVisible();
	const main = await page.locator("#content").boundingBox();
	const expanded = await page.getAttribute("#menu-toggle", "aria-expanded");
	return !side && main.width >= 360 && expanded === "false" && (await page.locator("#menu-toggle").isVisible());
});
await T.step("the menu opens, leads to a page and closes", async () => {
	await page.click("#menu-toggle");
	await page.waitForSelector("#sidebar", { state: "visible" });
	await screenshot(page, "phone-menu-390");
	if ((await page.getAttribute("#menu-toggle", "aria-expanded")) !== "true") throw new Error("aria-expanded");
	await page.click("#nav-events");
	await page.waitForSelector("#events-list table");
	return !(await page.locator("#sidebar").isVisible());
});
for (const p of ["overview", "events", "portals", "endpoints", "dns", "agencies", "systems", "people", "import", "users", "tokens", "audit"]) {
	await T.step(`#/${p} fits 390 px (no sideways scrolling)`, async () => {
		await page.goto(srv.url + "/#/" + p);
		await page.waitForSelector("#content .page-header");
		await page.waitForFunction(() => !document.querySelector("#content .loading"));
		await screenshot(page, `phone-${p}-390`);
		const sw = await page.evaluate(() => document.documentElement.scrollWidth);
		if (sw > 390) throw new Error("scrollWidth " + sw);
		return true;
	});
}
await page.setViewportSize({ width: 1366, height: 768 });
await page.goto(srv.url + "/#/overview");
await page.waitForSelector("#overview-body .cards");
await screenshot(page, "phone-overview-1366");
T.ok(await page.locator("#sidebar").isVisible() && !(await page.locator("#menu-toggle").isVisible()), "on a desktop the sidebar stays and the menu button is hidden");
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
