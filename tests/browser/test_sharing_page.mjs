/*
 * test_sharing_page.mjs - the Chia sẻ page (page_sharing.js): an admin
 * sees the intelligence sources (an imported STIX file with its counts, a
 * scheduled TAXII source that cannot be reached with its error and a
 * "pull now" that reaches the API), the syslog destination with its
 * backlog and error, the failed delivery of the national malware report
 * (a receiver that is not there) with its error, the failed scheduled
 * push to a MISP instance that is not there, the TAXII collections
 * partners pull, and the export links; in Vietnamese and in English. A source name written by someone
 * else is shown as text, never run. The page is in the admin menu only.
 * Screenshots in build/test-logs/.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, cli, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
const tmp = mkdtempSync(join(tmpdir(), "canhgac-sharing-"));
const cfg = join(tmp, "canhgac.ini");
/* port 1 on loopback: nothing listens, all three fail at once */
execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(tmp, "k.pem"), "-out", join(tmp, "c.pem"),
	"-days", "30", "-subj", "/CN=So KHCN/C=VN"], { stdio: "ignore" });
writeFileSync(cfg, "[intel.tinh-ban]\nkind = taxii\nurl = http://127.0.0.1:1/taxii2/api/collections/x/\ninterval = 3600\n\n" +
	"[forward.siem]\nurl = tcp://127.0.0.1:1\nformat = cef\n\n" +
	`[reports]\nformats = docx\nsign_key = ${join(tmp, "k.pem")}\nsign_cert = ${join(tmp, "c.pem")}\n\n` +
	"[national]\nurl = http://127.0.0.1:1/bao-cao\ninterval = 3600\n\n" +
	`[misp.quoc-gia]\nurl = http://127.0.0.1:1\nkey_file = ${join(tmp, "misp.key")}\ninterval = 3600\n\n` +
	/* configured, maybe never run: shown all the same */
	`[misp.du-phong]\nurl = http://127.0.0.1:1/misp\nkey_file = ${join(tmp, "misp.key")}\ninterval = 86400\n`);
writeFileSync(join(tmp, "misp.key"), "k3yOfTheMispInstance0123456789abcdefABCD\n");
const srv = await startServer(["--config", cfg]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
const bundle = join(tmp, "partner.json");
const EVIL = "<img src=x onerror=alert(1)>";
writeFileSync(bundle, JSON.stringify({ type: "bundle", id: "bundle--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f20", objects: [
	{ type: "indicator", id: "indicator--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f21", pattern: "[domain-name:value = 'c2.example'] OR [ipv4-addr:value = '203.0.113.5']",
		pattern_type: "stix", valid_from: "2026-01-01T00:00:00Z", valid_until: "2099-01-01T00:00:00Z" },
	{ type: "indicator", id: "indicator--0b9a3c51-7c33-4b0e-9d3c-1a0f7d0e8f22", pattern: "[domain-name:value = 'old.example']",
		pattern_type: "stix", valid_from: "2020-01-01T00:00:00Z", valid_until: "2021-01-01T00:00:00Z" }] }));
const imp = cli(srv.dataDir, ["intel", "import", "--source", EVIL, bundle]);
T.ok(imp.status === 0, "a STIX file imported under a hostile source name", imp.stderr);
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "ing", scope: "ingest" });
await call(srv.url, { token: ing.json.token }, "POST", "/events",
	JSON.stringify({ id: "e1", time: "2026-11-21T04:00:00Z", source: "web", kind: "defacement", severity: "high", summary: "x" }) + "\n",
	"application/x-ndjson");
await call(srv.url, { token: ing.json.token }, "POST", "/events",
	JSON.stringify({ id: "m1", time: "2026-11-21T05:00:00Z", source: "malware", kind: "webshell", severity: "critical",
		summary: "x", evidence: { sha256: "cd".repeat(32), rule: "php_eval" } }) + "\n", "application/x-ndjson");
let src = null;
for (let i = 0; i < 150; i++) { // the TAXII source's first pull fails at start
	const r = await call(srv.url, admin, "GET", "/intel/sources");
	src = (r.json.items || []).find((s) => s.name === "tinh-ban" && s.last_error);
	if (src) break;
	await new Promise((r2) => setTimeout(r2, 200));
}
T.ok(src && /127\.0\.0\.1:1/.test(src.last_error), "API: the unreachable TAXII source has its error", src);
let dest = null;
for (let i = 0; i < 150; i++) { // the unreachable SIEM keeps its backlog
	const r = await call(srv.url, admin, "GET", "/forwarding");
	dest = (r.json.items || []).find((d) => d.name === "siem" && d.last_error && d.backlog > 0);
	if (dest) break;
	await new Promise((r2) => setTimeout(r2, 200));
}
T.ok(dest, "API: the unreachable SIEM has a backlog and an error", dest);
let natd = null;
for (let i = 0; i < 300; i++) { // the national report's first delivery fails
	const r = await call(srv.url, admin, "GET", "/national/deliveries");
	natd = (r.json.items || [])[0];
	if (natd) break;
	await new Promise((r2) => setTimeout(r2, 200));
}
T.ok(natd && !natd.ok && /127\.0\.0\.1/.test(natd.error || ""), "API: the failed national delivery is recorded", natd);
const md = await call(srv.url, admin, "GET", "/misp/destinations");
const mdText = JSON.stringify(md.json);
T.ok(md.status === 200 && md.json.items.length === 2 && md.json.items[0].name === "quoc-gia" && md.json.items[1].name === "du-phong"
	&& !mdText.includes("k3yOf") && !mdText.includes("misp.key"),
	"API: every configured MISP destination, without its key or its file", mdText);
const pn = await call(srv.url, admin, "POST", "/misp/push?dest=quoc-gia");
T.ok(pn.status === 202, "API: push now", pn);
let mispd = null;
for (let i = 0; i < 300; i++) { // the push to an instance that is not there fails
	const r = await call(srv.url, admin, "GET", "/misp/deliveries");
	mispd = (r.json.items || []).find((d) => !d.ok);
	if (mispd) break;
	await new Promise((r2) => setTimeout(r2, 200));
}
T.ok(mispd && !mispd.ok && /127\.0\.0\.1:1/.test(mispd.error || ""), "API: the failed MISP push is recorded", mispd);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);
await page.click("#nav-sharing");
await T.step("the intelligence sources with their counts, expiry and errors", async () => {
	await page.waitForSelector("#share-intel tbody tr");
	const rows = await page.$$eval("#share-intel tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
	const file = rows.find((r) => r[0] === EVIL) || [];
	const taxii = rows.find((r) => r[0] === "tinh-ban") || [];
	/* source, kind, indicators, valid now, next expiry, last pull, error, action */
	if (rows.length !== 2 || file[1] !== "Tệp STIX" || file[2] !== "3" || file[3] !== "2" || file[7] !== ""
		|| taxii[1] !== "TAXII" || !taxii[6].includes("127.0.0.1:1") || taxii[7] !== "Lấy ngay")
		throw new Error(JSON.stringify(rows));
	return true;
});
await T.step("a hostile source name is text, not markup", async () =>
	(await page.$$("#share-intel img")).length === 0 && log.dialogs.length === 0);
await T.step("the syslog destination with its backlog and error", async () => {
	await page.waitForSelector("#share-forwarding tbody tr");
	const cells = await page.$$eval("#share-forwarding tbody tr td", (tds) => tds.map((td) => td.textContent));
	/* destination, sent, backlog, cursor, last sent, error */
	if (cells[0] !== "siem" || cells[2] !== String(dest.backlog) || cells[5] !== dest.last_error)
		throw new Error(JSON.stringify(cells));
	return (await page.textContent("#share-forwarding thead")).includes("Còn chờ gửi");
});
await T.step("the national report's failed delivery with its error", async () => {
	await page.waitForSelector("#share-national tbody tr");
	const cells = await page.$$eval("#share-national tbody tr:first-child td", (tds) => tds.map((td) => td.textContent));
	/* period, time, result, HTTP, answer / error */
	if (cells[0] !== natd.period || cells[2] !== "Lỗi" || cells[4] !== natd.error)
		throw new Error(JSON.stringify(cells));
	return true;
});
await T.step("the failed MISP push with its error and a push-now button", async () => {
	await page.waitForSelector("#share-misp-push tbody tr.misp-run");
	const cells = await page.$$eval("#share-misp-push tbody tr.misp-run:first-child td", (tds) => tds.map((td) => td.textContent));
	const newest = ((await call(srv.url, admin, "GET", "/misp/deliveries")).json.items || [])[0] || {};
	/* destination, time, result, events, attributes, HTTP, error */
	if (cells[0] !== "quoc-gia" || cells[2] !== "Lỗi" || cells[3] !== "0" || cells[6] !== newest.error
		|| !/127\.0\.0\.1:1/.test(cells[6]))
		throw new Error(JSON.stringify(cells));
	return (await page.textContent("#share-misp-push")).includes("Đẩy ngay (quoc-gia)");
});
await T.step("every configured MISP destination with its last push or never, and push now for each", async () => {
	const dests = (await call(srv.url, admin, "GET", "/misp/destinations")).json.items;
	const rows = await page.$$eval("#share-misp-push tbody tr.misp-dest", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
	/* destination, URL, last push, action */
	const want = (d) => (d.last_run ? (d.last_run.ok ? "Đã nhận" : "Lỗi") : "Chưa đẩy lần nào");
	if (rows.length !== 2 || rows[0][0] !== "quoc-gia" || !rows[0][2].includes("Lỗi") || rows[1][0] !== "du-phong"
		|| rows[1][1] !== "http://127.0.0.1:1/misp" || !rows[1][2].includes(want(dests[1])) || rows[1][3] !== "Đẩy ngay (du-phong)")
		throw new Error(JSON.stringify([rows, dests]));
	return true;
});
await T.step("the TAXII collections and the export links", async () => {
	await page.waitForSelector("#share-taxii tbody tr");
	const rows = await page.$$eval("#share-taxii tbody tr", (trs) => trs.map((tr) => tr.textContent));
	return rows.length === 5 && rows.some((r) => r.includes("tlp-green") && r.includes("/taxii2/api/collections/"))
		&& (await page.getAttribute("#share-misp", "href")) === "/api/v1/export/misp?tlp=green";
});
await screenshots(page, "sharing");
await T.step("pull now reaches the API and says so", async () => {
	await page.click("#share-intel tbody tr:has-text('tinh-ban') button");
	await page.waitForSelector(".toast:has-text('tinh-ban')");
	return true;
});
await T.step("the English switch relabels the page", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Sharing')");
	const ok = (await page.textContent("#share-intel thead")).includes("Valid now")
		&& (await page.textContent("#share-forwarding thead")).includes("Backlog");
	await page.click("#lang-switch");
	return ok;
});

const apw = srv.addUser("phantich", "analyst");
const ctx2 = await context.browser().newContext();
cleanups.unshift(() => ctx2.close());
const p2 = await newPage(ctx2);
await uiLogin(p2.page, srv.url, "phantich", apw);
T.ok((await p2.page.$("#nav-sharing")) === null, "an analyst has no Chia sẻ menu entry");
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
