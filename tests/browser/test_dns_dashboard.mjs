/*
 * test_dns_dashboard.mjs - DNS log analysis reaches the dashboard: a
 * provider uploads a resolver log through the API (ingest token, two
 * chunks), the server analyses it in the background, and the overview
 * shows the agency's infected-host count in its DNS column (header in
 * Vietnamese, the default language).
 */
import { mkdirSync, writeFileSync } from "node:fs";
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
const agencyName = "Sở Y tế (DNS)";
const ag = await call(srv.url, admin, "POST", "/agencies", { name: agencyName, kind: "so_ban_nganh", code: "syt-dns", ip_ranges: ["10.5.0.0/16"] });
const tok = await call(srv.url, admin, "POST", "/tokens", { name: "isp", scope: "ingest" });
T.ok(ag.status === 201 && tok.status === 201, "an agency with an IP range and an ingest token", ag.text + tok.text);
const isp = { token: tok.json && tok.json.token };
mkdirSync(join(srv.dataDir, "dns-intel"), { recursive: true });
writeFileSync(join(srv.dataDir, "dns-intel", "feed.txt"), "evil.example\n");

const line = (c, n) => `21-Nov-2026 04:25:01.000 queries: info: client @0x7f1c ${c}#5353 (${n}): query: ${n} IN A +E(0)K (10.0.0.1)\n`;
const log = line("10.5.1.1", "a.evil.example") + line("10.5.1.2", "www.example.com") + line("10.5.9.9", "b.evil.example");

await T.step("upload in two chunks and analyse in the background", async () => {
	const up = await call(srv.url, isp, "POST", "/dns/uploads", { name: "resolver.log" });
	const half = Math.floor(log.length / 2);
	const p1 = await call(srv.url, isp, "PUT", `/dns/uploads/${up.json.id}?offset=0`, log.slice(0, half), "application/octet-stream");
	const p2 = await call(srv.url, isp, "PUT", `/dns/uploads/${up.json.id}?offset=${half}`, log.slice(half), "application/octet-stream");
	if (p1.status !== 200 || p2.status !== 200) throw new Error(p1.text + p2.text);
	const an = await call(srv.url, isp, "POST", `/dns/uploads/${up.json.id}/analyze`);
	if (an.status !== 202) throw new Error(an.text);
	for (let i = 0; i < 300; i++) {
		const st = await call(srv.url, isp, "GET", `/dns/uploads/${up.json.id}`);
		if (st.json.state === "done") return st.json.result.clients_flagged === 2;
		if (st.json.state === "failed") throw new Error(st.text);
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
});

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log: plog } = await newPage(context);
const row = `tr:has(td .strong:text-is(${JSON.stringify(agencyName)}))`;
await T.step("the overview shows the agency's DNS-infected hosts", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.waitForSelector(row);
	const n = await page.textContent(`${row} td.dns-infected`);
	const head = await page.textContent("#content");
	await screenshot(page, "overview-dns");
	if (n !== "2" || !head.includes("Máy bị gắn cờ qua nhật ký DNS")) throw new Error(`count=${n} head=${head}`);
	return true;
});
T.ok(plog.pageErrors.length === 0, "no JavaScript errors in the page", plog.pageErrors.join("\n"));
await T.done(cleanups);
