/*
 * test_dns_page.mjs - the "Nhật ký DNS" page: an admin picks a BIND log
 * (about 1.3 MB, so two 1 MiB chunks) with the file input; the page
 * uploads it through the resumable upload API, and when the answer to the
 * first chunk is lost on the way back (the server stored it, the browser
 * sees a reset connection) it resumes from the server's offset instead of
 * sending the bytes twice. The analysis runs on the server, the page polls
 * its progress and shows the result, the per-agency infected-host counts
 * and the flagged clients. An agency officer sees only their own agency's
 * count and no upload form in the page (the API lets them upload for
 * their own agency, and hides the admin's upload from them).
 */
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
const ag1 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Giáo dục", kind: "so_ban_nganh", code: "sgd", ip_ranges: ["10.5.0.0/16"] });
const ag2 = await call(srv.url, admin, "POST", "/agencies", { name: "UBND xã Bình Lư", kind: "xa", code: "td", ip_ranges: ["10.7.0.0/16"] });
T.ok(ag1.status === 201 && ag2.status === 201, "two agencies with IP ranges", ag1.text + ag2.text);
mkdirSync(join(srv.dataDir, "dns-intel"), { recursive: true });
writeFileSync(join(srv.dataDir, "dns-intel", "feed.txt"), "evil.example\n");

const tmp = mkdtempSync(join(tmpdir(), "canhgac-dnspage-"));
cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
const line = (i, c, n) => `21-Nov-2026 04:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000 queries: info: client @0x7f1c ${c}#5353 (${n}): query: ${n} IN A +E(0)K (10.0.0.1)\n`;
let log = "";
const N = 9000;
for (let i = 0; i < N; i++) log += line(i, `10.9.${i % 7}.${(i % 200) + 1}`, "www.example.com");
log += line(1, "10.5.1.1", "a.evil.example") + line(2, "10.5.1.2", "b.evil.example") + line(3, "10.7.3.3", "c.evil.example");
const logPath = join(tmp, "resolver1.log");
writeFileSync(logPath, log);
T.ok(log.length > 1024 * 1024 + 1000, `the log spans two chunks (${log.length} bytes)`);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log: plog } = await newPage(context);

/* lose the answer to the first chunk: the server stores it, the browser
 * sees a reset connection */
let dropped = false;
await page.route("**/api/v1/dns/uploads/*?offset=*", async (route) => {
	if (!dropped && route.request().method() === "PUT") {
		dropped = true;
		await route.fetch();
		await route.abort("connectionreset");
		return;
	}
	await route.continue();
});

await T.step("a BIND log picked in the page is uploaded, resumed and analysed", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.click("#nav-dns");
	await page.waitForSelector("#dns-upload-panel");
	await page.setInputFiles("#dns-file", logPath);
	await page.click("#dns-upload");
	await page.waitForSelector("#dns-result", { timeout: 120000 });
	const r = await page.textContent("#dns-result");
	if (!dropped) throw new Error("the first answer was never dropped");
	/* every line read once: the resumed upload holds the file exactly */
	const lines = (N + 3).toLocaleString("vi-VN");
	if (!r.includes(`${lines} dòng`) || !r.includes("3 máy bị đánh dấu")) throw new Error("result: " + r);
	return true;
});
await T.step("the server holds the file byte for byte (no chunk sent twice)", async () => {
	const ups = await call(srv.url, admin, "GET", "/dns/uploads/1");
	if (ups.status !== 200 || ups.json.offset !== Buffer.byteLength(log)) throw new Error(ups.text);
	return true;
});
await T.step("infected hosts per agency and the flagged clients are shown", async () => {
	await page.waitForSelector("#dns-infections tr:has-text('Sở Giáo dục')");
	const n1 = (await page.textContent("#dns-infections tr:has-text('Sở Giáo dục') td.dns-count")).trim();
	const n2 = (await page.textContent("#dns-infections tr:has-text('Bình Lư') td.dns-count")).trim();
	await page.waitForSelector("#dns-flagged td:has-text('10.5.1.2')");
	await screenshot(page, "dns-page");
	if (n1 !== "2" || n2 !== "1") throw new Error(`counts ${n1} ${n2}`);
	return true;
});
await T.step("the English switch relabels the page", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Resolver (DNS) log analysis')");
	const ok = (await page.textContent("#dns-infections")).includes("Infected hosts per agency");
	await page.click("#lang-switch");
	return ok;
});

const officerPw = srv.addUser("canbo.td", "officer", ag2.json.id);
const officer = await apiLogin(srv.url, "canbo.td", officerPw);
/* the policy (docs/server.md): an officer may upload for their own
 * agency's clients, and sees no one else's upload */
const own = await call(srv.url, officer, "POST", "/dns/uploads", { name: "x.log" });
T.ok(own.status === 201, "an agency officer may upload for their own agency (API)", own.text);
const others = await call(srv.url, officer, "GET", "/dns/uploads/1");
T.ok(others.status === 404, "but cannot see the admin's upload (API)", others.text);
const b2 = await launchBrowser();
cleanups.unshift(b2.close);
const { page: p2, log: log2 } = await newPage(b2.context);
await T.step("an agency officer sees only their agency's count and no upload form", async () => {
	await uiLogin(p2, srv.url, "canbo.td", officerPw);
	await p2.click("#nav-dns");
	await p2.waitForSelector("#dns-infections tr:has-text('Bình Lư')");
	await p2.waitForSelector("#dns-flagged td:has-text('10.7.3.3')");
	const text = await p2.textContent("#content");
	await screenshot(p2, "dns-page-officer");
	if (text.includes("Sở Giáo dục") || text.includes("10.5.1.1")) throw new Error("officer sees another agency: " + text);
	return (await p2.$("#dns-upload-panel")) === null;
});
T.ok(plog.pageErrors.length === 0 && log2.pageErrors.length === 0, "no JavaScript errors in the page", plog.pageErrors.concat(log2.pageErrors).join("\n"));
await T.done(cleanups);
