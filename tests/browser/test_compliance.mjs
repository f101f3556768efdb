/*
 * test_compliance.mjs - the Tuân thủ page (#/compliance) on the demo
 * province (demo seed): the matrix of agencies × controls with the agency
 * seeded ahead above the one seeded late and those with no evidence; a
 * click on a cell opens the subjects with their evidence and the legal
 * basis; the calendar; the overview's card shows the province's rate. An
 * officer sees only their own agency, on the page and in the API; a bad
 * date is refused. An officer records an assessment with its report (a
 * real PDF) from the page; the record is listed with the file, which
 * downloads as an attachment; another agency's officer cannot have it.
 * Screenshots of the matrix at office and phone size.
 */
import { readFileSync } from "node:fs";
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, cli, screenshots } from "./lib.mjs";

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
const seed = cli(srv.dataDir, ["demo", "seed"]);
T.ok(seed.status === 0, "demo seed", seed.stderr);
const adminPw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", adminPw);
const ags = await call(srv.url, admin, "GET", "/agencies?limit=500");
const idOf = (code) => ags.json.items.find((a) => a.code === code).id;
const pw = srv.addUser("canbo.stc", "officer", idOf("STC"));

const all = await call(srv.url, admin, "GET", "/compliance");
const pct = (code) => all.json.summary.agencies.find((a) => a.agency_id === idOf(code)).percent;
T.ok(all.status === 200 && all.json.results.length > 100 && all.json.controls.length >= 18,
	"the API gives results and controls", all.text.slice(0, 300));
T.ok(pct("SKHCN") > pct("STC") && pct("STC") > pct("X-TATONG"), `ahead > late > no evidence (${pct("SKHCN")}, ${pct("STC")}, ${pct("X-TATONG")})`);
const officerApi = await apiLogin(srv.url, "canbo.stc", pw);
const mine = await call(srv.url, officerApi, "GET", "/compliance");
T.ok(mine.status === 200 && mine.json.summary.agencies.length === 1 &&
	mine.json.results.every((r) => r.agency_id === idOf("STC")), "an officer gets only their agency", mine.text.slice(0, 300));
const bad = await call(srv.url, admin, "GET", "/compliance?at=2026-02-30");
T.ok(bad.status === 400, "a bad date is refused", bad.text);
const old = await call(srv.url, admin, "GET", "/compliance?at=2026-06-30");
T.ok(old.status === 200 && old.json.summary.regime === "decree85", "on 30 June 2026 the regime is decree85", old.text.slice(0, 200));

const rep = cli(srv.dataDir, ["report", "monthly", "--period", "2026-11", "--agency", "STC", "--out", srv.dataDir + "/danh-gia.pdf"]);
T.ok(rep.status === 0, "a real PDF to attach", rep.stderr);
const reportPdf = readFileSync(srv.dataDir + "/danh-gia.pdf");

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);

await T.step("the overview shows the province's compliance rate", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.goto(srv.url + "/#/overview");
	await page.waitForFunction(() => /\d+%/.test((document.querySelector("#card-compliance .card-value") || {}).textContent || ""));
	const v = await page.textContent("#card-compliance .card-value");
	return v === all.json.summary.percent + "%";
});
await T.step("the matrix: one row per agency, cells coloured by status", async () => {
	await page.goto(srv.url + "/#/compliance");
	await page.waitForSelector("#cmp-matrix");
	const rows = await page.$$eval("#cmp-matrix tbody tr", (r) => r.length);
	const statuses = await page.$$eval("#cmp-matrix .cmp-btn", (b) => [...new Set(b.map((x) => x.dataset.status))]);
	const ahead = await page.textContent(`#cmp-matrix tr[data-agency="${idOf("SKHCN")}"] td.num`);
	await screenshots(page, "compliance-matrix");
	return rows === all.json.summary.agencies.length && statuses.includes("ok") && statuses.includes("overdue") &&
		statuses.includes("missing_evidence") && ahead === pct("SKHCN") + "%";
});
await T.step("a click on a late cell shows the evidence and the legal basis", async () => {
	await page.click(`#cmp-matrix tr[data-agency="${idOf("STC")}"] button[data-control="vuln_scan_6m"]`);
	await page.waitForSelector(".dialog");
	const txt = await page.textContent(".dialog");
	await screenshots(page, "compliance-cell");
	await page.keyboard.press("Escape");
	return txt.includes("Trang thông tin điện tử Sở Tài chính") && txt.includes("Quá hạn") &&
		txt.includes("Chỉ thị 18/CT-TTg") && txt.includes("quét lỗ hổng");
});
await T.step("a system's page leads to its own controls", async () => {
	await page.goto(srv.url + "/#/systems");
	await page.waitForSelector(".cmp-sys-link");
	const href = await page.getAttribute(".cmp-sys-link", "href");
	const id = Number(href.split("system=")[1]);
	await page.click(".cmp-sys-link");
	await page.waitForSelector("#cmp-system");
	const rows = await page.$$eval("#cmp-system tbody tr", (r) => r.length);
	const want = all.json.results.filter((r) => r.subject_type === "system" && r.subject_id === id).length;
	await screenshots(page, "compliance-system");
	return want > 5 && rows === want;
});
await T.step("the calendar of the next 90 days", async () => {
	const cal = all.json.calendar.length;
	if (!cal) return (await page.$("#cmp-calendar-none")) !== null;
	return (await page.$$eval("#cmp-calendar tbody tr", (r) => r.length)) === cal;
});
await T.step("an officer sees their own agency only", async () => {
	const ctx2 = await launchBrowser();
	cleanups.unshift(ctx2.close);
	const { page: p2, log: log2 } = await newPage(ctx2.context);
	await uiLogin(p2, srv.url, "canbo.stc", pw);
	await p2.goto(srv.url + "/#/compliance");
	await p2.waitForSelector("#cmp-matrix");
	const rows = await p2.$$eval("#cmp-matrix tbody tr", (r) => r.map((x) => x.dataset.agency));
	return rows.length === 1 && rows[0] === String(idOf("STC")) && log2.pageErrors.length === 0;
});
const other = await call(srv.url, officerApi, "POST", "/compliance/records", { kind: "assessment", date: "2026-11-20", agency_id: idOf("SKHCN") });
T.ok(other.status === 403 || other.status === 404 || other.status === 400, "an officer cannot record for another agency", other.text);
const future = await call(srv.url, officerApi, "POST", "/compliance/records", { kind: "assessment", date: "2099-01-01", agency_id: idOf("STC") });
T.ok(future.status === 400 && future.json.details && future.json.details.field === "date", "a record dated in the future is refused naming the field", future.text);
await T.step("the officer records an assessment and the late cell turns ok", async () => {
	const ctx3 = await launchBrowser();
	cleanups.unshift(ctx3.close);
	const { page: p3, log: log3 } = await newPage(ctx3.context);
	await uiLogin(p3, srv.url, "canbo.stc", pw);
	await p3.goto(srv.url + "/#/compliance");
	await p3.waitForSelector("#cmp-rec-form");
	const cell = `#cmp-matrix button[data-control="assessment_l34"]`;
	const before = await p3.getAttribute(cell, "data-status");
	const sysId = await p3.$$eval("#cmp-rec-system option", (o) => (o.find((x) => x.textContent.includes("ngân sách và tài sản công")) || {}).value);
	await p3.selectOption("#cmp-rec-system", sysId);
	await p3.selectOption("#cmp-rec-kind", "assessment");
	await p3.fill("#cmp-rec-assessor", "<b>Trung tâm</b> Giám sát an toàn không gian mạng");
	/* the assessor's report: a real PDF (an agency's report of this demo) */
	await p3.setInputFiles("#cmp-rec-file", { name: "bao-cao-danh-gia.pdf", mimeType: "application/pdf", buffer: reportPdf });
	await p3.click("#cmp-rec-save");
	await p3.waitForFunction((sel) => {
		const b = document.querySelector(sel);
		return b && b.dataset.status === "ok";
	}, cell, { timeout: 15000 });
	await screenshots(p3, "compliance-recorded");
	/* the record is listed with its file, which downloads as an attachment */
	await p3.waitForSelector("#cmp-records a.cmp-rec-file");
	const row = await p3.textContent("#cmp-records tbody tr");
	const href = await p3.getAttribute("#cmp-records a.cmp-rec-file", "href");
	const res = await p3.request.get(srv.url + href);
	const got = await res.body();
	return before === "overdue" && log3.pageErrors.length === 0 && row.includes("bao-cao-danh-gia.pdf") &&
		row.includes("<b>Trung tâm</b>") && res.status() === 200 && got.equals(reportPdf) &&
		res.headers()["content-type"] === "application/octet-stream" &&
		res.headers()["content-disposition"].startsWith("attachment;") && res.headers()["x-content-type-options"] === "nosniff";
});
const viewerPw = srv.addUser("xem", "viewer");
const viewerApi = await apiLogin(srv.url, "xem", viewerPw);
const recs = await call(srv.url, viewerApi, "GET", "/compliance/records");
const withFile = recs.status === 200 ? recs.json.items.filter((r) => r.file) : [];
T.ok(withFile.length === 1 && withFile[0].file.type === "application/pdf" && withFile[0].file.size === reportPdf.length,
	"the province sees the record with its PDF", recs.text.slice(0, 300));
const skPw = srv.addUser("canbo.skhcn", "officer", idOf("SKHCN"));
const skApi = await apiLogin(srv.url, "canbo.skhcn", skPw);
const theirs = withFile.length ? await call(srv.url, skApi, "GET", "/compliance/records/" + withFile[0].seq + "/file") : { status: 0 };
T.ok(theirs.status === 403 || theirs.status === 404, "an officer of another agency cannot download it", String(theirs.status));
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors, no dialogs", log.pageErrors.concat(log.dialogs).join("\n"));
await T.done(cleanups);
