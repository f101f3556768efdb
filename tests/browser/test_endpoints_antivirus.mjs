/*
 * test_endpoints_antivirus.mjs - the "Máy trạm" page shows each endpoint's
 * antivirus products as its agent reported them in the heartbeat
 * (platform/av.h) and the server's verdict (store/figures.h
 * cg_fig_protected): a Windows endpoint with Defender on and current is
 * protected, one whose Kaspersky signatures are out of date is not, a
 * Windows endpoint reporting nothing is not; the coverage panel counts the
 * protected endpoints against the declared ones. A hostile product name is
 * shown as text. Vietnamese first, English through the switch.
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
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tài nguyên", kind: "so_ban_nganh", code: "stn", declared_endpoints: 4 });
T.ok(ag.status === 201, "an agency with 4 declared endpoints", ag.text);

const HOSTILE = "<img src=x onerror=alert(1) id=pwn-av>AV lạ";
const WIN = "Windows 10 Pro 22H2";
const agents = {};
for (const [host, av] of [
	["pc-tnmt-01", [{ name: "Microsoft Defender Antivirus", enabled: true, up_to_date: true, state: "on", source: "wsc", raw: { product_state: 0, signature_status: 1 } }]],
	["pc-tnmt-02", [{ name: "Kaspersky Endpoint Security", enabled: true, up_to_date: false, state: "on", source: "wsc", raw: { product_state: 0, signature_status: 0 } },
		{ name: HOSTILE, enabled: false, up_to_date: true, state: "off", source: "wsc", raw: {} }]],
	["pc-tnmt-03", []],
]) {
	const tok = await call(srv.url, admin, "POST", "/enroll-tokens", { agency_id: ag.json.id });
	const en = await call(srv.url, {}, "POST", "/agent/enroll", { token: tok.json.token, host, os: WIN, agent_version: "1.5.0" });
	const hb = await call(srv.url, { token: en.json.token }, "POST", "/agent/heartbeat", { host, os: WIN, agent_version: "1.5.0", rule_version: "0", antivirus: av });
	T.ok(en.status === 200 && hb.status === 200, `${host} enrols and reports its antivirus`, en.text + hb.text);
	agents[host] = en.json;
}

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
const rowText = (host) => page.textContent(`#endpoints tr:has-text('${host}') td.endpoint-av`);
await T.step("each endpoint's products and verdict (Vietnamese)", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.click("#nav-endpoints");
	await page.waitForSelector("#endpoints tr:has-text('pc-tnmt-03')");
	await page.hover("#endpoints tr:has-text('pc-tnmt-02') td.endpoint-av");
	await screenshots(page, "endpoints-antivirus");
	const r1 = await rowText("pc-tnmt-01"), r2 = await rowText("pc-tnmt-02"), r3 = await rowText("pc-tnmt-03");
	const want = [
		[r1, ["Microsoft Defender Antivirus", "bật, đã cập nhật", "Được bảo vệ"]],
		[r2, ["Kaspersky Endpoint Security", "mẫu nhận diện cũ", "tắt", "Chưa được bảo vệ"]],
		[r3, ["Không báo cáo", "Chưa được bảo vệ"]],
	];
	for (const [r, words] of want)
		for (const w of words)
			if (!r.includes(w)) throw new Error(`cell lacks ${w}: ${r}`);
	if (r1.includes("Chưa được bảo vệ")) throw new Error("pc-tnmt-01 shown unprotected: " + r1);
	return true;
});
await T.step("coverage counts protected endpoints against the declared", async () => {
	const card = (await page.textContent("#cov-protected")).trim();
	const row = await page.textContent("#coverage tr:has-text('Sở Tài nguyên') td.cov-protected");
	if (card !== "1 / 4" || row.trim() !== "1 / 4") throw new Error(`card ${card}, row ${row}`);
	return true;
});
await T.step("a hostile product name is shown as text", async () => {
	const r = await rowText("pc-tnmt-02");
	return r.includes(HOSTILE) && (await page.$("#pwn-av")) === null && log.dialogs.length === 0;
});
await T.step("the English switch relabels the verdicts", async () => {
	await page.click("#lang-switch");
	await page.waitForSelector("#content h1:text-is('Endpoints running the agent')");
	await page.waitForSelector("#endpoints tr:has-text('pc-tnmt-01')");
	const r1 = await rowText("pc-tnmt-01"), r2 = await rowText("pc-tnmt-02");
	const label = await page.textContent("#coverage");
	await page.click("#lang-switch");
	return r1.includes("on, current") && r1.includes("Protected") && r2.includes("signatures out of date") &&
		r2.includes("Not protected") && label.includes("Endpoints protected / declared");
});
T.ok(log.pageErrors.length === 0, "no JavaScript errors in the page", log.pageErrors.join("\n"));
await T.done(cleanups);
