/*
 * test_endpoints_dashboard.mjs - the "Máy trạm" page: an admin creates a
 * one-time enrolment token in the page (shown once), an agent enrols with
 * it through the API (and a second agent with a hostile host name), sends
 * a heartbeat with its rule version, a malware finding names its host;
 * the page then lists the endpoints with OS, versions, last seen and
 * online state, the per-agency coverage and infection index, and the token
 * as used. Hostile host names are shown as text. An agency officer sees
 * only their own agency's endpoints, coverage and tokens.
 */
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
const ag1 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tư pháp", kind: "so_ban_nganh", code: "stp", declared_endpoints: 4 });
const ag2 = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Công Thương", kind: "so_ban_nganh", code: "sct", declared_endpoints: 10 });
T.ok(ag1.status === 201 && ag2.status === 201, "two agencies with declared endpoints", ag1.text + ag2.text);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
let token = "";
await T.step("an enrolment token is created in the page and shown once", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.click("#nav-endpoints");
	await page.waitForSelector("#enroll-tokens");
	await page.click("button.btn-enroll");
	await page.selectOption("#f-agency_id", String(ag1.json.id));
	await page.fill("#f-note", "Máy kế toán");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#enroll-token");
	token = (await page.textContent("#enroll-token")).trim();
	await page.waitForSelector("#enroll-tokens td:has-text('Máy kế toán')");
	const st = await page.textContent("#enroll-tokens tbody");
	await screenshot(page, "endpoints-token");
	return /^cge_/.test(token) && st.includes("Chưa dùng") && !st.includes(token);
});

const HOSTILE = "<img src=x onerror=alert(1) id=pwn-img>pc-lạ";
const enroll = (tok, host, os) => call(srv.url, {}, "POST", "/agent/enroll", { token: tok, host, os, agent_version: "1.4.2" });
const e1 = await enroll(token, "pc-ketoan-01", "Windows 10 Pro 22H2");
const again = await enroll(token, "pc-khac", "Windows 11");
T.ok(e1.status === 200 && again.status === 409, "the token enrols one agent, once", e1.text + " / " + again.text);
const t2 = await call(srv.url, admin, "POST", "/enroll-tokens", { agency_id: ag1.json.id });
const e2 = await enroll(t2.json.token, HOSTILE, "Ubuntu 22.04");
const t3 = await call(srv.url, admin, "POST", "/enroll-tokens", { agency_id: ag2.json.id, note: "Sở Công Thương" });
const e3 = await enroll(t3.json.token, "pc-sct-01", "Windows 11");
T.ok(e2.status === 200 && e3.status === 200, "two more agents enrol (one per agency)", e2.text + e3.text);
const hb = await call(srv.url, { token: e1.json.token }, "POST", "/agent/heartbeat", { os: "Windows 10 Pro 22H2", agent_version: "1.4.2", rule_version: "2026.11.20" });
T.ok(hb.status === 200, "the agent sends a heartbeat with its rule version", hb.text);
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "malware-feed", scope: "ingest" });
const ev = await call(srv.url, { token: ing.json.token }, "POST", "/events", [
	{ id: "mw-1", time: new Date().toISOString(), host: "pc-ketoan-01", agency: "stp", source: "malware", kind: "malware", severity: "high", subject: "C:\\Users\\kt\\a.exe", summary: "Trojan", evidence: {} },
]);
T.ok(ev.status === 200, "a malware finding on the enrolled host is ingested", ev.text);

await T.step("endpoints list: host, OS, versions, last seen, online", async () => {
	await page.click("#nav-overview");
	await page.click("#nav-endpoints");
	const row = "#endpoints tr:has-text('pc-ketoan-01')";
	await page.waitForSelector(row);
	const r = await page.textContent(row);
	await screenshot(page, "endpoints");
	for (const want of ["Windows 10 Pro 22H2", "1.4.2", "2026.11.20", "Đang kết nối", "Sở Tư pháp"]) {
		if (!r.includes(want)) throw new Error(`row lacks ${want}: ${r}`);
	}
	return true;
});
await T.step("coverage and infection index per agency", async () => {
	const row = "#coverage tr:has-text('Sở Tư pháp')";
	const r = await page.textContent(row);
	const idx = (await page.textContent(`${row} td.infection-index`)).trim();
	/* 2 of 4 declared hosts enrolled, 1 infected: 25 per 100 declared */
	if (!r.includes("2 / 4") || !r.includes("50 %") || idx !== "25 %") throw new Error(`coverage row: ${r} index=${idx}`);
	return true;
});
await T.step("the used token shows who used it", async () => {
	const s = await page.textContent("#enroll-tokens tr:has-text('Máy kế toán') td.enroll-state");
	const u = (await page.textContent("#enroll-tokens tr:has-text('Máy kế toán') td.enroll-uses")).trim();
	return s.includes("Đã dùng") && s.includes("pc-ketoan-01") && u === "1 / 1";
});
let fleetToken = "";
await T.step("a token for a fleet: the form's uses field, the list counts the uses", async () => {
	await page.click("button.btn-enroll");
	await page.selectOption("#f-agency_id", String(ag2.json.id));
	await page.fill("#f-note", "GPO toàn sở");
	await page.fill("#f-max_uses", "3");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#enroll-tokens td:has-text('GPO toàn sở')");
	const fleet = (await page.textContent("#enroll-token")).trim();
	fleetToken = fleet;
	const r = await enroll(fleet, "pc-sct-02", "Windows 11");
	if (r.status !== 200) throw new Error("fleet token enrolment: " + r.text);
	await page.click("#nav-overview");
	await page.click("#nav-endpoints");
	const row = "#enroll-tokens tr:has-text('GPO toàn sở')";
	await page.waitForSelector(row);
	const u = (await page.textContent(`${row} td.enroll-uses`)).trim();
	const s = await page.textContent(`${row} td.enroll-state`);
	await screenshot(page, "endpoints-fleet-token");
	return u === "1 / 3" && s.includes("Còn lượt") && s.includes("pc-sct-02");
});
await T.step("revoking the fleet token in the page: it enrols no more, the list says so", async () => {
	const row = "#enroll-tokens tr:has-text('GPO toàn sở')";
	await page.click(`${row} button.btn-enroll-revoke`);
	await page.click(".dialog .dialog-actions .btn-danger");
	await page.waitForSelector(`${row} td.enroll-state:has-text('Đã thu hồi')`);
	const s = await page.textContent(`${row} td.enroll-state`);
	const gone = (await page.$(`${row} button.btn-enroll-revoke`)) === null;
	const list = await call(srv.url, admin, "GET", "/enroll-tokens");
	const rec = list.json.items.find((x) => x.note === "GPO toàn sở");
	const r = await call(srv.url, {}, "POST", "/agent/enroll", { token: fleetToken, host: "pc-sct-03", os: "Windows 11", agent_version: "1.4.2" });
	await screenshot(page, "endpoints-token-revoked");
	if (r.status !== 410 || !r.text.includes("revoked")) throw new Error("enrolment after revocation: " + r.status + " " + r.text);
	return s.includes("quantri") && gone && rec && rec.revoked_at;
});
await T.step("a hostile host name is shown as text", async () => {
	const txt = await page.textContent("#endpoints");
	if (!txt.includes(HOSTILE)) throw new Error("not shown literally: " + txt);
	return (await page.$("#pwn-img")) === null && log.dialogs.length === 0;
});
await T.step("the English switch relabels the page", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Endpoints running the agent')");
	const r = await page.textContent("#endpoints tr:has-text('pc-ketoan-01')");
	await page.click("#lang-switch");
	return r.includes("Online");
});

const officerPw = srv.addUser("canbo.stp", "officer", ag1.json.id);
const b2 = await launchBrowser();
cleanups.unshift(b2.close);
const { page: p2, log: log2 } = await newPage(b2.context);
await T.step("an agency officer sees only their agency", async () => {
	await uiLogin(p2, srv.url, "canbo.stp", officerPw);
	await p2.click("#nav-endpoints");
	await p2.waitForSelector("#endpoints tr:has-text('pc-ketoan-01')");
	await p2.waitForSelector("#coverage tr:has-text('Sở Tư pháp')");
	await p2.waitForSelector("#enroll-tokens tbody tr");
	const text = await p2.textContent("#content");
	await screenshot(p2, "endpoints-officer");
	if (text.includes("pc-sct-01") || text.includes("Sở Công Thương")) throw new Error("officer sees the other agency: " + text);
	return true;
});
T.ok(log.pageErrors.length === 0 && log2.pageErrors.length === 0, "no JavaScript errors in the page", log.pageErrors.concat(log2.pageErrors).join("\n"));
await T.done(cleanups);
