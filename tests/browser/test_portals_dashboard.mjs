/*
 * test_portals_dashboard.mjs - the "Cổng thông tin" page: a server that
 * watches portals (--web-interval 1) and two systems whose URLs are pages
 * served by python3's http.server on a free loopback port. The page shows
 * each portal's status, last check and a response-time sparkline; after
 * spam with a hostile <title> is injected and "Kiểm tra ngay" is clicked
 * in the page, the open findings appear, with the hostile text shown as
 * text (no element made from it, no script run) and the evidence opened
 * from the event. An agency officer sees only their agency's portal, and
 * a viewer gets no check / re-baseline buttons.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshot, ROOT } from "./lib.mjs";

const T = tap();
const cleanups = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
	return new Promise((res, rej) => {
		const s = createServer();
		s.once("error", rej);
		s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); });
	});
}

/* portal HTML from the integration tests' generator (tests/integration/_webfix.py) */
function portalHtml(opts) {
	const py = "import sys, json, _webfix as W; sys.stdout.write(W.portal(**json.loads(sys.argv[1])))";
	const r = spawnSync("python3", ["-c", py, JSON.stringify(opts)], {
		encoding: "utf8", env: { ...process.env, PYTHONPATH: join(ROOT, "tests/integration") },
	});
	if (r.status !== 0) throw new Error("portal html: " + r.stderr);
	return r.stdout;
}

/* python3 -m http.server on a free loopback port, retried if taken */
async function startPages(dir) {
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const proc = spawn("python3", ["-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, String(port)], { stdio: "ignore" });
		let exited = false;
		proc.on("exit", () => { exited = true; });
		for (let i = 0; i < 50 && !exited; i++) {
			try {
				const r = await fetch(`http://127.0.0.1:${port}/a/`);
				if (r.status === 200) return { port, stop: () => { if (!exited) proc.kill("SIGTERM"); } };
			} catch (e) { /* not yet */ }
			await sleep(100);
		}
		if (!exited) proc.kill("SIGKILL");
	}
	throw new Error("http.server did not start");
}

const pagesDir = mkdtempSync(join(tmpdir(), "canhgac-portals-"));
cleanups.push(() => rmSync(pagesDir, { recursive: true, force: true }));
const base = portalHtml({ seed: 11, articles: 8 });
for (const d of ["a", "c"]) {
	mkdirSync(join(pagesDir, d));
	writeFileSync(join(pagesDir, d, "index.html"), base);
}
let pages, srv;
try {
	pages = await startPages(pagesDir);
	cleanups.push(() => pages.stop());
	srv = await startServer(["--web-interval", "1"]);
	cleanups.push(() => srv.stop());
} catch (e) {
	T.ok(false, "servers start", e.stack);
	await T.done(cleanups);
}
const ua = `http://127.0.0.1:${pages.port}/a/`, uc = `http://127.0.0.1:${pages.port}/c/`;
const adminPw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", adminPw);
const ag1 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Văn hoá", kind: "so_ban_nganh", code: "svh" });
const ag2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tài chính", kind: "so_ban_nganh", code: "stc" });
const sys = (agency, name, urls) => call(srv.url, admin, "POST", "/systems", {
	agency_id: agency, name, kind: "portal", urls, level: 2, monitor_interval_s: 30,
	dossier_status: "draft", dossier_dates: { draft: "2025-01-02", submitted: null, appraised: null, approved: null },
});
const s1 = await sys(ag1.json.id, "Cổng TTĐT Sở Văn hoá", [ua]);
const s2 = await sys(ag2.json.id, "Cổng TTĐT Sở Tài chính", [uc]);
T.ok(s1.status === 201 && s2.status === 201, "two agencies with one portal each (loopback URLs)", s1.text + s2.text);

async function waitStatus(pred, secs) {
	for (let i = 0; i < secs * 4; i++) {
		const r = await call(srv.url, admin, "GET", "/web/status");
		if (r.status === 200 && pred(r.json)) return r.json;
		await sleep(250);
	}
	return null;
}
const checked = await waitStatus((b) => [ua, uc].every((u) => b.portals.some((p) => p.url === u && p.last_check && p.response_times.length > 0)), 60);
T.ok(checked !== null, "the watcher baselines and checks both portals");

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
const rowA = `#content tr:has(.url-text:text-is(${JSON.stringify(ua)}))`;

await T.step("the portals page shows status, last check and a sparkline per portal", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.click("#nav-portals");
	await page.waitForSelector(rowA);
	const text = await page.textContent("#content");
	if (!text.includes("Cổng TTĐT Sở Văn hoá") || !text.includes("Cổng TTĐT Sở Tài chính")) throw new Error("systems missing: " + text);
	if (!text.includes("Giám sát cổng/trang thông tin điện tử")) throw new Error("title not Vietnamese: " + text);
	const st = await page.textContent(`${rowA} td.portal-status`);
	if (!st.includes("Bình thường")) throw new Error("status: " + st);
	const pts = await page.getAttribute(`${rowA} svg.sparkline polyline`, "points");
	if (!pts || !/^[\d.]+,[\d.]+/.test(pts)) throw new Error("sparkline points: " + pts);
	await screenshot(page, "portals");
	return true;
});

/* the attack: hidden gambling links and a title carrying markup */
const HOSTILE = "<img src=x onerror=alert(1) id=pwn-img><script>alert(2)</script> Nhà cái";
const SPAM = '<div style="display:none"><a href="https://nhacai88.top/">Nhà cái uy tín</a> '
	+ '<a href="https://nohu99.club/">nổ hũ đổi thưởng</a> tài xỉu online</div>';
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
writeFileSync(join(pagesDir, "a", "index.html"), portalHtml({ seed: 11, articles: 8, extra_body: SPAM, title: esc(HOSTILE) }));

await T.step("\"Kiểm tra ngay\" in the page brings the open findings", async () => {
	await page.click(`${rowA} button.btn-check`);
	await page.waitForSelector(".toast");
	const ok = await waitStatus((b) => b.portals.some((p) => p.url === ua && p.open_findings.some((f) => f.kind === "spam")), 60);
	if (!ok) throw new Error("no spam finding in /web/status");
	await page.click("#nav-overview");
	await page.click("#nav-portals");
	await page.waitForSelector(`${rowA} li.finding`);
	const st = await page.textContent(`${rowA} td.portal-status`);
	if (!st.includes("Có cảnh báo")) throw new Error("status: " + st);
	return true;
});

await T.step("hostile text in a finding is shown as text, nothing made from it", async () => {
	const txt = await page.textContent(`${rowA} td.portal-findings`);
	if (!txt.includes(HOSTILE)) throw new Error("hostile title not shown literally: " + txt);
	if ((await page.$("#pwn-img")) !== null || (await page.$("#content td.portal-findings script")) !== null) throw new Error("an element was created from data");
	return log.dialogs.length === 0;
});

await T.step("the evidence of a finding opens from its event, as text", async () => {
	const li = page.locator(`${rowA} li.finding:has-text("Nhà cái")`).first();
	await li.locator("button.finding-toggle").click();
	await li.locator("pre.evidence, .notice").waitFor();
	const ev = await li.locator(".finding-evidence").textContent();
	await screenshot(page, "portals-findings");
	if (!ev.includes("\"state\": \"open\"") || !ev.includes(HOSTILE)) throw new Error("evidence: " + ev);
	return (await page.$("#pwn-img")) === null && log.dialogs.length === 0;
});

await T.step("\"Lấy lại mẫu chuẩn\" asks first, then queues a re-baseline (audited)", async () => {
	await page.click(`${rowA} button.btn-rebaseline`);
	await page.click(".dialog button.btn-danger");
	await page.waitForSelector(".toast:has-text('mẫu chuẩn')");
	const au = await call(srv.url, admin, "GET", "/audit?limit=50");
	if (!au.text.includes("web.rebaseline")) throw new Error("no audit row: " + au.text.slice(0, 500));
	return true;
});

await T.step("the English switch relabels the page", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Web portal monitoring')");
	const b = await page.textContent(`${rowA} td:last-child`);
	await page.click("#lang-switch");
	return b.includes("Check now") && b.includes("Re-baseline");
});

const officerPw = srv.addUser("canbo.stc", "officer", ag2.json.id);
const viewerPw = srv.addUser("xem", "viewer");
/* a second browser: its own cookie jar, so the admin's session is not shared */
const b2 = await launchBrowser();
cleanups.unshift(b2.close);
const { page: p2, log: log2 } = await newPage(b2.context);
await T.step("an agency officer sees only their agency's portal", async () => {
	await uiLogin(p2, srv.url, "canbo.stc", officerPw);
	await p2.click("#nav-portals");
	await p2.waitForSelector(`#content .url-text:text-is(${JSON.stringify(uc)})`);
	await p2.waitForTimeout(200);
	const text = await p2.textContent("#content");
	await screenshot(p2, "portals-officer");
	if (text.includes(ua) || text.includes("Sở Văn hoá") || text.includes("Nhà cái")) throw new Error("officer sees another agency: " + text);
	return (await p2.$("button.btn-check")) !== null;
});
await T.step("a viewer gets no check or re-baseline buttons", async () => {
	await p2.click("#logout");
	await uiLogin(p2, srv.url, "xem", viewerPw);
	await p2.click("#nav-portals");
	await p2.waitForSelector(rowA);
	return (await p2.$("button.btn-check")) === null && (await p2.$("button.btn-rebaseline")) === null;
});
T.ok(log.pageErrors.length === 0 && log2.pageErrors.length === 0, "no JavaScript errors in the page", log.pageErrors.concat(log2.pageErrors).join("\n"));
await T.done(cleanups);
