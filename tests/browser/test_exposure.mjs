/*
 * test_exposure.mjs - the Lỗ hổng / Phơi nhiễm page (#/exposure): an
 * officer sees their agency's systems never scanned, presses "scan now"
 * on a loopback site this test serves (an nginx/1.22.1 Server header and
 * a planted .env) and sees the open .env finding and the CVEs of the CVE
 * JSON 2.0 fixture with the KEV flag; a system whose port answers nothing
 * shows "unreachable", never clean; the other agency's system is absent.
 * Screenshots at office and phone size.
 */
import { createServer } from "node:http";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots, ROOT } from "./lib.mjs";

const T = tap();
const cleanups = [];
let srv;
const site = createServer((req, res) => {
	const h = { Server: "nginx/1.22.1", "Content-Type": "text/html; charset=utf-8" };
	if (req.url === "/") { res.writeHead(200, h); res.end("<!DOCTYPE html><html><head><title>Cổng</title></head><body>Sở</body></html>"); return; }
	if (req.url === "/.env") { res.writeHead(200, { ...h, "Content-Type": "text/plain" }); res.end("APP_KEY=base64:abcdefgh\nDB_PASSWORD=Portal@2024\n"); return; }
	res.writeHead(404, h);
	res.end("<html><body>404 Not Found</body></html>");
});
await new Promise((ok) => site.listen(0, "127.0.0.1", ok));
cleanups.push(() => new Promise((ok) => site.close(ok)));
const dead = createServer();
await new Promise((ok) => dead.listen(0, "127.0.0.1", ok));
const deadPort = dead.address().port;
await new Promise((ok) => dead.close(ok)); /* a port nothing answers on */
try {
	srv = await startServer();
	cleanups.push(() => srv.stop());
} catch (e) {
	T.ok(false, "server starts", e.stack);
	await T.done(cleanups);
}
/* the operator's vulnerability feeds: the CVE JSON 2.0 and KEV fixtures */
mkdirSync(join(srv.dataDir, "exposure", "nvd"), { recursive: true });
copyFileSync(join(ROOT, "tests/data/exposure/feeds/nvd-fixture.json"), join(srv.dataDir, "exposure", "nvd", "fixture.json"));
copyFileSync(join(ROOT, "tests/data/exposure/feeds/kev-fixture.json"), join(srv.dataDir, "exposure", "kev.json"));

const admin = await apiLogin(srv.url, "quantri", srv.addUser("quantri", "admin"));
const a1 = await call(srv.url, admin, "POST", "/agencies", { name: "Văn phòng UBND tỉnh", kind: "so_ban_nganh", code: "VP", ip_ranges: ["127.0.0.1/32"], declared_endpoints: 10 });
const a2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.2.0.0/16"], declared_endpoints: 10 });
const s1 = await call(srv.url, admin, "POST", "/systems", { agency_id: a1.json.id, name: "Cổng thông tin Văn phòng", kind: "portal", level: 3, urls: [`http://127.0.0.1:${site.address().port}/`] });
const s2 = await call(srv.url, admin, "POST", "/systems", { agency_id: a1.json.id, name: "Một-cửa điện tử", kind: "portal", level: 2, urls: [`http://127.0.0.1:${deadPort}/`] });
const s3 = await call(srv.url, admin, "POST", "/systems", { agency_id: a2.json.id, name: "Hồ sơ sức khoẻ", kind: "portal", level: 2, urls: ["http://10.2.0.5/"] });
T.ok(s1.status === 201 && s2.status === 201 && s3.status === 201, "three systems in two agencies", s1.text + s2.text + s3.text);
const pw = srv.addUser("canbo.vp", "officer", a1.json.id);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

async function waitRow(sel, pred, ms = 120000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		await page.goto(srv.url + "/#/exposure?r=" + Date.now());
		await page.waitForSelector("#xp-systems");
		const txt = (await page.textContent(sel).catch(() => "")) || "";
		if (pred(txt)) return txt;
		await new Promise((r) => setTimeout(r, 1000));
	}
	return "";
}

await T.step("the officer sees their agency's systems, never scanned, not the other agency's", async () => {
	await uiLogin(page, srv.url, "canbo.vp", pw);
	await page.goto(srv.url + "/#/exposure");
	await page.waitForSelector("#xp-systems");
	const txt = await page.textContent("#xp-systems");
	return txt.includes("Cổng thông tin Văn phòng") && txt.includes("Một-cửa điện tử") && !txt.includes("Hồ sơ sức khoẻ") &&
		txt.includes("Chưa quét");
});
await T.step("scan now: the planted .env and the fixture's CVEs with the KEV flag", async () => {
	await page.click(`.xp-sys-${s1.json.id} .xp-scan-now`);
	const txt = await waitRow("#xp-open", (x) => x.includes("/.env") && x.includes("CVE-2099-10002"));
	const kev = await page.$$eval("#xp-open .xp-kev", (n) => n.length);
	const row = await page.textContent(`.xp-sys-${s1.json.id}`);
	await screenshots(page, "exposure-findings");
	return txt.includes("CVE-2099-10001") && kev === 1 && row.includes("Hoàn tất");
});
await T.step("a system that answers nothing is shown unreachable, not clean", async () => {
	await page.click(`.xp-sys-${s2.json.id} .xp-scan-now`);
	const row = await waitRow(`.xp-sys-${s2.json.id}`, (x) => x.includes("Không truy cập được"));
	return row.includes("Không truy cập được") && !row.includes("Không có");
});
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors, no dialogs", log.pageErrors.concat(log.dialogs).join("\n"));
await T.done(cleanups);
