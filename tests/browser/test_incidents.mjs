/*
 * test_incidents.mjs - incident cases in the dashboard: a finding in the
 * triage queue opens a case (its fields filled from the finding), the
 * case page offers only the moves the state machine allows, moves it to
 * contained (the time shown), takes a note onto the timeline, and lists
 * it; the case's regulated clocks are shown ("còn N ngày", red "quá hạn"
 * in the list) and recording the report stops one ("đúng hạn"); Mẫu 03
 * is issued from the case page with edited fields and downloaded as an
 * attachment; an evidence file is attached and listed with the type
 * sniffed from its bytes; a task is added and marked done; the
 * officer of another agency does not see it.
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
const a1 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Y tế", kind: "so_ban_nganh", code: "SYT", ip_ranges: ["10.12.30.0/24"], declared_endpoints: 20 });
const a2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Xây dựng", kind: "so_ban_nganh", code: "SXD", ip_ranges: ["10.12.40.0/24"], declared_endpoints: 20 });
const tok = await call(srv.url, admin, "POST", "/tokens", { name: "inc-test", scope: "ingest" });
const now = new Date().toISOString();
const ing = await call(srv.url, { token: tok.json && tok.json.token }, "POST", "/events", [
	{ id: "inc-1", time: now, host: "10.12.30.5", source: "web", kind: "defacement", severity: "high", subject: "https://syt.example.invalid/", summary: "Trang chủ Sở Y tế bị thay giao diện", evidence: {} },
]);
T.ok(a1.status === 201 && a2.status === 201 && ing.status === 200 && ing.json.accepted === 1, "two agencies and a finding", ing.text);
const otherPw = srv.addUser("canbo.sxd", "officer", a2.json.id);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

await T.step("a finding in the triage queue opens an incident", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.goto(srv.url + "/#/triage");
	await page.waitForSelector("#triage-list tbody tr .triage-check");
	await page.click("#triage-list tr:has-text('Sở Y tế bị thay') td.summary");
	await page.click(".triage-actions button:has-text('Mở sự cố từ cảnh báo này')");
	await page.waitForSelector(".dialog input[name=title]");
	const title = await page.inputValue(".dialog input[name=title]");
	const kind = await page.inputValue(".dialog select[name=kind]");
	if (title !== "Trang chủ Sở Y tế bị thay giao diện" || kind !== "defacement") throw new Error(title + " " + kind);
	await page.fill(".dialog input[name=owner]", "quantri");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#incident #inc-moves");
	const head = await page.textContent("#incident h1");
	return /^SC-\d{4}-0001 · Trang chủ Sở Y tế/.test(head) && /#\/incidents\?id=\d+/.test(page.url());
});
await T.step("the case offers only the moves the state machine allows", async () => {
	const moves = await page.$$eval("#inc-moves button", (xs) => xs.map((x) => x.textContent));
	return moves.length === 3 && moves.some((m) => m.includes("Đang phân loại")) && !moves.some((m) => m.includes("Đã kết thúc"));
});
await T.step("moved to contained, the time is shown and the finding is linked", async () => {
	for (const s of ["Đang phân loại", "Đang ứng cứu", "Đã ngăn chặn"]) {
		await page.click(`#inc-moves button:has-text('${s}')`);
		await page.waitForFunction((x) => document.querySelector("#incident .badge") && document.querySelector("#incident .badge").textContent === x, s);
	}
	const txt = await page.textContent("#incident");
	return txt.includes("Ngăn chặn lúc") && (await page.$$("#inc-events li a")).length === 1;
});
await T.step("a note goes onto the timeline, as text", async () => {
	await page.fill("#inc-note", "Đã khôi phục trang <b>từ bản sao lưu</b>");
	await page.click("#incident button:has-text('Thêm ghi chú')");
	await page.waitForFunction(() => { const x = document.querySelector("#inc-timeline"); return x && x.textContent.includes("<b>từ bản sao lưu</b>"); });
	await screenshots(page, "incident-page");
	const rows = await page.$$("#inc-timeline tbody tr");
	return rows.length === 6; /* with the playbook's entry */
});
await T.step("the case shows its reporting clocks and recording the report stops one", async () => {
	const rows = await page.$$eval("#inc-clocks tr.clock-row", (xs) => xs.map((x) => [x.dataset.rule, x.textContent]));
	const ok = rows.length === 2 && rows[0][0] === "initial_report" && rows[0][1].includes("Mẫu 03") && /còn \d+ ngày/.test(rows[0][1]) &&
		rows[1][0] === "closing_report" && rows[1][1].includes("Mẫu 04");
	if (!ok) throw new Error(JSON.stringify(rows));
	await page.click("#inc-clocks tr[data-rule=initial_report] button:has-text('Ghi nhận đã báo cáo')");
	await page.waitForFunction(() => { const x = document.querySelector("#inc-clocks tr[data-rule=initial_report]"); return x && x.textContent.includes("đúng hạn"); });
	await screenshots(page, "incident-clocks");
	return (await page.$$("#inc-clocks tr[data-rule=initial_report] button")).length === 0 &&
		(await page.textContent("#incident")).includes("Báo cáo ban đầu");
});
await T.step("Mẫu 03 is issued from the case page and downloaded as an attachment", async () => {
	await page.click("#inc-docs li:has-text('Mẫu 03') button:has-text('Ban hành')");
	await page.waitForSelector(".dialog textarea[name=measures]");
	if ((await page.inputValue(".dialog input[name=reporter]")) !== "quantri") throw new Error("reporter not prefilled");
	await page.fill(".dialog input[name=contact]", "0912 345 678");
	await page.fill(".dialog textarea[name=measures]", "Khôi phục trang <i>từ bản sao lưu</i>");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#inc-docs a.doc-issued");
	await screenshots(page, "incident-documents");
	const row = await page.textContent("#inc-docs tbody tr");
	const href = await page.getAttribute("#inc-docs a.doc-issued", "href");
	const res = await page.request.get(srv.url + href);
	const body = await res.body();
	const draft = await page.request.get(srv.url + (await page.getAttribute("#inc-docs a.doc-draft", "href")));
	return /SC-\d{4}-0001\/BC-03/.test(row) && /[0-9a-f]{64}\.pdf$/.test(href) && res.status() === 200 &&
		res.headers()["content-disposition"].startsWith("attachment;") && res.headers()["x-content-type-options"] === "nosniff" &&
		body.subarray(0, 5).toString() === "%PDF-" && draft.status() === 200 && draft.headers()["content-type"] === "application/pdf";
});
await T.step("an evidence file is attached from the case page, its type from its bytes", async () => {
	await page.setInputFiles("#inc-file", { name: "trang-bi-sua.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script></html>") });
	await page.click("#inc-files button:has-text('Tải lên')");
	await page.waitForSelector("#inc-files a.inc-file");
	const row = await page.textContent("#inc-files tbody tr");
	const href = await page.getAttribute("#inc-files a.inc-file", "href");
	const res = await page.request.get(srv.url + href);
	return row.includes("trang-bi-sua.png") && row.includes("text/plain") && res.status() === 200 &&
		res.headers()["content-type"] === "application/octet-stream" && res.headers()["content-disposition"].startsWith("attachment;");
});
await T.step("the case follows its playbook: its steps are tasks with roles and checklists", async () => {
	const p = await page.textContent("#inc-playbook");
	const n = (await page.$$("#inc-tasks input.task-done")).length;
	const txt = await page.textContent("#inc-tasks");
	return n > 0 && p.includes("Kịch bản ứng cứu") && p.includes(`đã xong 0/${n} bước`) &&
		txt.includes("Cán bộ chuyên trách") && (await page.$$("#inc-tasks ul.checklist li")).length > 0;
});
await T.step("a task is added on the case page and a step marked done", async () => {
	const n = (await page.$$("#inc-tasks input.task-done")).length;
	await page.fill("#inc-task-title", "Kiểm tra mã nguồn <trang chủ>");
	await page.fill("#inc-task-assignee", "quantri");
	await page.click("#inc-tasks button:has-text('Thêm nhiệm vụ')");
	await page.waitForFunction((k) => document.querySelectorAll("#inc-tasks input.task-done").length === k, n + 1);
	await page.click("#inc-tasks input.task-done");
	await page.waitForFunction(() => { const x = document.querySelector("#inc-tasks input.task-done"); return x && x.checked; });
	await screenshots(page, "incident-playbook");
	const r = await call(srv.url, admin, "GET", "/incidents/" + page.url().match(/id=(\d+)/)[1] + "/tasks");
	const items = r.json.items;
	return items.length === n + 1 && items[0].done === true && items[0].step && items[n].title === "Kiểm tra mã nguồn <trang chủ>" &&
		(await page.textContent("#inc-tasks")).includes("Kiểm tra mã nguồn <trang chủ>") &&
		(await page.textContent("#inc-playbook-progress")) === `đã xong 1/${n} bước`;
});
const late = await call(srv.url, admin, "POST", "/incidents", { title: "Mã độc lây lan", kind: "malware", severity: "high", agency_id: a1.json.id,
	detected_at: new Date(Date.now() - 30 * 86400000).toISOString() });
T.ok(late.status === 201 && late.json.clocks[0].state === "overdue", "an old case is overdue", late.text);
await T.step("the list shows the case with its state", async () => {
	await page.click("#incident a:has-text('Tất cả sự cố')");
	await page.waitForSelector("#incidents-list tbody tr");
	await screenshots(page, "incidents-list");
	const txt = await page.textContent("#incidents-list");
	const red = await page.$$eval("#incidents-list .clock-overdue", (xs) => xs.map((x) => [x.textContent, getComputedStyle(x).backgroundColor]));
	return txt.includes("Đã ngăn chặn") && txt.includes("Sở Y tế") && red.length === 1 && /^quá hạn \d+ ngày$/.test(red[0][0]) &&
		red[0][1] === "rgb(142, 11, 31)" && /còn \d+ ngày/.test(txt);
});
await T.step("the officer of another agency does not see it", async () => {
	const other = await context.browser().newContext();
	const pg = await other.newPage();
	await uiLogin(pg, srv.url, "canbo.sxd", otherPw);
	await pg.goto(srv.url + "/#/incidents");
	await pg.waitForSelector("#incidents-list tbody tr");
	const txt = await pg.textContent("#incidents-list");
	await other.close();
	return !txt.includes("Sở Y tế") && !txt.includes("SC-");
});
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
