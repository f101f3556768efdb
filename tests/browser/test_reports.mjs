/*
 * test_reports.mjs - the reports page (#/reports, Báo cáo): the admin
 * makes this month's report now from the page, sees it listed with its
 * files and its signature state (unsigned: no [reports] key here), and
 * its PDF downloads through the page's link; an officer sees only their
 * agency's reports and makes their agency's own. Screenshots at office
 * and phone size.
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
const a1 = await call(srv.url, admin, "POST", "/agencies", { name: "Văn phòng UBND tỉnh", kind: "so_ban_nganh", code: "VP", ip_ranges: ["10.1.0.0/16"] });
const a2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.2.0.0/16"] });
const apw = srv.addUser("quantri2", "admin");
const opw = srv.addUser("canbo.vp", "officer", a1.json.id);
const other = await call(srv.url, admin, "POST", "/reports", { kind: "monthly", period: "2026-10", agency_id: a2.json.id });
T.ok(other.status === 201, "a report of the other agency exists", other.text);

const now = new Date(Date.now() + 7 * 3600e3);
const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

await T.step("the admin opens Báo cáo and makes this month's report now", async () => {
	await uiLogin(page, srv.url, "quantri2", apw);
	await page.goto(srv.url + "/#/reports");
	await page.waitForSelector("#report-form");
	await page.fill("#report-period", period);
	await page.click("#report-make");
	await page.waitForFunction((p) => {
		const l = document.querySelector("#reports-list");
		return l && l.textContent.includes(p);
	}, period, { timeout: 120000 });
	const txt = await page.textContent("#reports-list");
	await screenshots(page, "reports");
	return txt.includes("Báo cáo tháng") && txt.includes("Toàn tỉnh") && txt.includes("Chưa ký số") && txt.includes("quantri2");
});
await T.step("the report's PDF downloads through the page's link", async () => {
	const href = await page.$eval("#reports-list a[href$='/pdf']", (a) => a.getAttribute("href"));
	const head = await page.evaluate(async (h) => {
		const r = await fetch(h, { credentials: "same-origin" });
		const b = new Uint8Array(await r.arrayBuffer());
		return r.status + " " + r.headers.get("content-disposition") + " " + String.fromCharCode(...b.slice(0, 5));
	}, href);
	return head.startsWith("200 attachment;") && head.includes(`bao-cao-thang-${period}.pdf`) && head.endsWith("%PDF-");
});
await T.step("an officer sees only their agency's reports and makes their own", async () => {
	const p2 = await newPage(context);
	await p2.page.context().clearCookies();
	await uiLogin(p2.page, srv.url, "canbo.vp", opw);
	await p2.page.goto(srv.url + "/#/reports");
	await p2.page.waitForSelector("#reports-none");
	const scopes = await p2.page.$$eval("#report-scope option", (o) => o.map((x) => x.textContent));
	await p2.page.fill("#report-period", period);
	await p2.page.click("#report-make");
	await p2.page.waitForSelector("#reports-list", { timeout: 120000 });
	const txt = await p2.page.textContent("#reports-list");
	await screenshots(p2.page, "reports-officer");
	return scopes.length === 1 && scopes[0] === "Văn phòng UBND tỉnh" && txt.includes("Văn phòng UBND tỉnh") &&
		!txt.includes("Sở Y tế") && !txt.includes("Toàn tỉnh");
});
await T.step("the admin exports the high events as CSV from the page (not signed here)", async () => {
	const tok = await call(srv.url, admin, "POST", "/tokens", { name: "ing", scope: "ingest" });
	await call(srv.url, { token: tok.json.token }, "POST", "/events", [{ id: "x1", time: new Date().toISOString(), source: "web",
		kind: "defacement", severity: "high", summary: "Trang chủ bị thay đổi", host: "10.1.0.5" }]);
	await page.context().clearCookies(); /* the officer's tab signed in last */
	await uiLogin(page, srv.url, "quantri2", apw);
	await page.goto(srv.url + "/#/reports");
	await page.waitForSelector("#export-events-csv");
	await page.selectOption("#export-severity", "high");
	const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export-events-csv")]);
	const path = await dl.path();
	const text = (await import("node:fs")).readFileSync(path, "utf8");
	await page.waitForFunction(() => document.querySelector("#export-status").textContent.includes("canhgac-events.csv"));
	const status = await page.textContent("#export-status");
	return dl.suggestedFilename() === "canhgac-events.csv" && text.startsWith("\ufefftime,severity") &&
		text.includes("Trang chủ bị thay đổi") && status.includes("chưa ký số");
});
await T.step("with a signing key the export comes with its .p7s, which openssl accepts", async () => {
	const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
	const { execFileSync } = await import("node:child_process");
	const dir = mkdtempSync((await import("node:os")).tmpdir() + "/canhgac-sig-");
	execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/k.pem", "-out", dir + "/c.pem",
		"-days", "30", "-subj", "/CN=Ky so thu/C=VN"], { stdio: "ignore" });
	writeFileSync(dir + "/c.ini", `[reports]\nformats = pdf\nsign_key = ${dir}/k.pem\nsign_cert = ${dir}/c.pem\n`);
	const srv2 = await startServer(["--config", dir + "/c.ini"]);
	cleanups.unshift(() => srv2.stop());
	const pw2 = srv2.addUser("quantri", "admin");
	const p3 = await newPage(context);
	await p3.page.context().clearCookies();
	await uiLogin(p3.page, srv2.url, "quantri", pw2);
	await p3.page.goto(srv2.url + "/#/reports");
	await p3.page.waitForSelector("#export-systems-csv");
	const got = [];
	p3.page.on("download", (d) => got.push(d));
	await p3.page.click("#export-systems-csv");
	await p3.page.waitForFunction(() => document.querySelector("#export-status").textContent.includes(".p7s"));
	for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
	const names = got.map((d) => d.suggestedFilename()).sort();
	const paths = await Promise.all(got.map((d) => d.path()));
	const byName = Object.fromEntries(got.map((d, i) => [d.suggestedFilename(), paths[i]]));
	writeFileSync(dir + "/f.csv", readFileSync(byName["canhgac-systems.csv"]));
	execFileSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", byName["canhgac-systems.csv.p7s"],
		"-content", dir + "/f.csv", "-CAfile", dir + "/c.pem", "-out", "/dev/null"], { stdio: "ignore" });
	await p3.page.close();
	return names.join(",") === "canhgac-systems.csv,canhgac-systems.csv.p7s";
});
const all = await call(srv.url, admin, "GET", "/reports");
T.ok(all.status === 200 && all.json.total === 3, "three reports kept", all.text);
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors, no dialogs", log.pageErrors.concat(log.dialogs).join("\n"));
await T.done(cleanups);
