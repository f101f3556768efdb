/*
 * test_triage.mjs - the triage queue: the overview's "chưa xử lý" card
 * opens the queue of New findings; two rows chosen and marked false
 * positive leave the queue and the card's figure falls by two; a finding
 * opened from the queue is acknowledged with an assignee and a note; a
 * suppression rule made from a false positive is listed and revoked.
 * Hostile text in a finding stays text.
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
const adminPw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", adminPw);
srv.addUser("lan.pt", "analyst");
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.12.30.0/24"], declared_endpoints: 20 });
const tok = await call(srv.url, admin, "POST", "/tokens", { name: "triage-test", scope: "ingest" });
const now = new Date().toISOString();
const evs = [
	{ id: "tr-1", time: now, host: "10.12.30.5", source: "web", kind: "defacement", severity: "high", subject: "https://syt.example.invalid/", summary: "Trang chủ bị thay giao diện", evidence: { url: "https://syt.example.invalid/" } },
	{ id: "tr-2", time: now, host: "10.12.30.6", source: "web", kind: "spam", severity: "high", subject: "https://syt.example.invalid/tin", summary: "Liên kết cờ bạc <script>alert(1)</script>", evidence: {} },
	{ id: "tr-3", time: now, host: "10.12.30.7", source: "agent", kind: "offline", severity: "medium", subject: "pc-07", summary: "Máy pc-07 mất kết nối", evidence: {} },
];
const ing = await call(srv.url, { token: tok.json && tok.json.token }, "POST", "/events", evs);
T.ok(ag.status === 201 && ing.status === 200 && ing.json.accepted === 3, "an agency and three findings", ing.text);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
const cardValue = async () => Number((await page.textContent("#card-open .card-value")).replace(/[^\d]/g, ""));

await T.step("the overview's chưa xử lý card opens the queue of new findings", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.waitForSelector("#card-open .card-value");
	if ((await cardValue()) !== 3) throw new Error("card " + (await cardValue()));
	await page.click("#card-open");
	await page.waitForSelector("#triage-list tbody tr .triage-check");
	await screenshots(page, "triage-queue");
	const rows = await page.$$("#triage-list tbody tr");
	return /#\/triage\?state=new/.test(page.url()) && rows.length === 3;
});
await T.step("hostile text in a finding is shown as text", async () => {
	const txt = await page.textContent("#triage-list");
	return txt.includes("<script>alert(1)</script>") && log.pageErrors.length === 0;
});
await T.step("two findings chosen and marked false positive leave the queue", async () => {
	await page.check("#triage-list tr:has-text('Liên kết cờ bạc') .triage-check");
	await page.check("#triage-list tr:has-text('pc-07') .triage-check");
	await page.waitForFunction(() => document.querySelector("#triage-chosen").textContent.includes("2"));
	await page.click("#triage-bulk button:has-text('Đánh dấu báo nhầm')");
	await page.waitForFunction(() => document.querySelectorAll("#triage-list tbody tr .triage-check").length === 1);
	return (await page.textContent("#triage-list")).includes("Trang chủ bị thay giao diện");
});
await T.step("the card's figure falls by two", async () => {
	await page.click("#nav-overview");
	await page.waitForSelector("#card-open .card-value");
	return (await cardValue()) === 1;
});
await T.step("a finding opened from the queue is acknowledged with an assignee and a note", async () => {
	await page.click("#card-open");
	await page.waitForSelector("#triage-list tbody tr .triage-check");
	await page.click("#triage-list tr:has-text('Trang chủ bị thay giao diện') td.summary");
	await page.waitForSelector(".triage-actions");
	await page.fill(".triage-actions input[name=assignee]", "lan.pt");
	await page.fill(".triage-actions textarea[name=note]", "Đã báo đơn vị khôi phục trang");
	await screenshots(page, "triage-finding-actions");
	await page.click(".triage-actions button:has-text('Tiếp nhận')");
	await page.waitForFunction(() => document.querySelectorAll("#triage-list tbody tr .triage-check").length === 0);
	const r = await call(srv.url, admin, "GET", "/events?state=acknowledged");
	const e = r.json.items[0];
	return r.json.items.length === 1 && e.assignee === "lan.pt" && e.note === "Đã báo đơn vị khôi phục trang";
});
await T.step("the false positives are listed under their state", async () => {
	await page.selectOption("#flt-state", "false_positive");
	await page.click("form.filters button[type=submit]");
	await page.waitForFunction(() => document.querySelectorAll("#triage-list tbody tr .triage-check").length === 2);
	return (await page.textContent("#triage-list")).includes("Báo nhầm");
});
await T.step("a suppression rule made from a false positive is listed, then revoked", async () => {
	await page.click("#triage-list tr:has-text('pc-07') td.summary");
	await page.waitForSelector(".triage-actions input[name=days]");
	await page.fill(".triage-actions input[name=days]", "7");
	await page.click(".triage-actions button:has-text('Tạo quy tắc bỏ qua')");
	const rules = await call(srv.url, admin, "GET", "/suppressions?active=1");
	if (rules.json.items.length !== 1 || rules.json.items[0].subject !== "pc-07") throw new Error(rules.text);
	await page.reload();
	await page.waitForSelector("#suppressions tbody tr:has-text('pc-07')");
	await screenshots(page, "triage-suppressions");
	await page.click("#suppressions button:has-text('Thu hồi')");
	await page.click("[role=alertdialog] button:has-text('Thu hồi')");
	await page.waitForFunction(() => !document.querySelector("#suppressions").textContent.includes("pc-07"));
	const after = await call(srv.url, admin, "GET", "/suppressions?active=1");
	return after.json.items.length === 0;
});
await T.step("the queue reads in English too", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#triage-list");
	const txt = await page.textContent("#content");
	return txt.includes("Triage queue") && txt.includes("False positive");
});
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
