/*
 * test_jobs_page.mjs - the background jobs page (page_jobs.js): an admin
 * sees every job of the store's scheduler with its state, next run, last
 * success, lease holder and retries, in Vietnamese and in English; the
 * page is in the admin menu only (policy resource "job": an analyst has
 * neither the menu entry nor the API). Screenshots in build/test-logs/.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
// the portal watch on (the harness turns it off): its job must be listed
const srv = await startServer(["--web-interval", "3600"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
let jobs = null;
for (let i = 0; i < 100; i++) { // the events job runs at start
	jobs = await call(srv.url, admin, "GET", "/jobs");
	const ev = (jobs.json.items || []).find((j) => j.name === "events-maintenance");
	if (ev && ev.last_ok) break;
	await new Promise((r) => setTimeout(r, 200));
}
const names = jobs.status === 200 ? jobs.json.items.map((j) => j.name) : [];
T.ok(["portal-watch", "events-maintenance", "dns-analysis"].every((n) => names.includes(n)),
	"API: the server's jobs (portal watch, events maintenance, DNS analysis)", jobs.text);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);
await page.click("#nav-jobs");
await T.step("the jobs page lists every job", async () => {
	await page.waitForSelector("#jobs tbody tr");
	await screenshots(page, "jobs");
	const rows = await page.$$eval("#jobs tbody tr", (trs) => trs.map((tr) => tr.textContent));
	/* one row per job, each described in words, none by its raw key */
	if (rows.length !== names.length || rows.some((r) => r.includes("job_desc_")))
		throw new Error(rows.join(" | "));
	return rows.some((r) => r.includes("portal-watch") && r.includes("Theo dõi cổng thông tin"))
		&& rows.some((r) => r.includes("events-maintenance") && r.includes("Bảo trì sự kiện"));
});
await T.step("each row says its state and its last success in Vietnamese", async () => {
	const row = await page.textContent("#jobs tbody tr:has-text('events-maintenance')");
	const head = await page.textContent("#jobs thead");
	return /Chờ lần chạy tới|Đến hạn|Đang chạy/.test(row) && !row.includes("Chưa lần nào")
		&& head.includes("Máy chủ đang giữ") && head.includes("Lỗi gần nhất") && head.includes("Lần chạy tới");
});
await T.step("the English switch relabels the page", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Background jobs')");
	const head = await page.textContent("#jobs thead");
	const ok = head.includes("Held by") && head.includes("Last error")
		&& (await page.textContent("#jobs")).includes("Events maintenance");
	await page.click("#lang-switch");
	return ok;
});

const apw = srv.addUser("phantich", "analyst");
const analyst = await apiLogin(srv.url, "phantich", apw);
const denied = await call(srv.url, analyst, "GET", "/jobs");
T.ok(denied.status === 403, "an analyst may not list the jobs (API)", denied.status);
const ctx2 = await context.browser().newContext(); // no admin cookie
cleanups.unshift(() => ctx2.close());
const p2 = await newPage(ctx2);
await uiLogin(p2.page, srv.url, "phantich", apw);
T.ok((await p2.page.$("#nav-jobs")) === null, "nor has the menu entry");
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
