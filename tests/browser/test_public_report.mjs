/*
 * test_public_report.mjs - the public incident report form in Chromium:
 * /bao-cao-su-co opens with no login, in Vietnamese with an English
 * switch, loads nothing but the server's own files; a citizen fills it
 * with a screenshot and HTML/script in the text, the page's own script
 * does the proof of work and shows the tracking code, the code looks the
 * report up; the report is in the team's events list, its text shown as
 * text (no alert ever fires). Screenshots at office and phone size.
 */
import { deflateSync } from "node:zlib";
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

/* a real PNG (signature, IHDR, IDAT, IEND), 40x30 red */
function crc32(buf) {
	let c, crc = 0xffffffff;
	for (const b of buf) {
		c = (crc ^ b) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
function chunk(kind, data) {
	const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
	const kd = Buffer.concat([Buffer.from(kind, "latin1"), data]);
	const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(kd));
	return Buffer.concat([len, kd, crc]);
}
function png(w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
	const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, Buffer.from([200, 30, 30]))]);
	const raw = Buffer.concat(Array.from({ length: h }, () => row));
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr),
		chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

const adminPw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", adminPw);
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Một", kind: "so_ban_nganh", code: "S1", ip_ranges: ["10.9.0.0/16"], declared_endpoints: 10 });
T.ok(ag.status === 201, "an agency with a range", ag.text);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
const foreign = [];
page.on("request", (r) => { if (!r.url().startsWith(srv.url + "/")) foreign.push(r.url()); });

const WHAT = "Trang chủ hiện <img src=x onerror=alert(1)> và liên kết nổ hũ";
const ADDR = "http://10.9.1.2/<script>alert(2)</script>";
let code = "";

await T.step("the form opens with no login, in Vietnamese", async () => {
	await page.goto(srv.url + "/bao-cao-su-co");
	await page.waitForSelector("#pr-form");
	const h1 = await page.textContent("h1");
	await screenshots(page, "public-report-form");
	return h1.includes("Báo cáo sự cố") && (await page.getAttribute("html", "lang")) === "vi";
});
await T.step("the English switch turns the texts to English and back", async () => {
	await page.click("#pr-lang");
	const en = await page.textContent("h1");
	const label = await page.textContent("label[for=pr-what]");
	await page.click("#pr-lang");
	const vi = await page.textContent("h1");
	return en === "Report a cyber-security incident" && label === "What happened?" && vi.includes("Báo cáo");
});
await T.step("the honeypot field is not visible to a person", async () => {
	const box = await page.locator("#pr-website").boundingBox();
	return !box || box.x + box.width < 0 || box.width <= 1;
});
await T.step("a citizen fills the form with a screenshot and sends it", async () => {
	await page.fill("#pr-what", WHAT);
	await page.fill("#pr-address", ADDR);
	await page.fill("#pr-contact", "nguoidan@example.vn");
	await page.setInputFiles("#pr-shots", [{ name: "trang-bi-sua.png", mimeType: "image/png", buffer: png(40, 30) }]);
	await screenshots(page, "public-report-filled");
	await page.click("#pr-send");
	await page.waitForSelector("#pr-done:not([hidden])", { timeout: 60000 });
	code = (await page.textContent("#pr-code")).trim();
	await screenshots(page, "public-report-sent");
	return /^BC-[2-9A-HJKMNP-TV-Z]{10}$/.test(code);
});
await T.step("the tracking form shows the report's state", async () => {
	await page.fill("#pr-track-code", code.toLowerCase());
	await page.click("#pr-track button");
	await page.waitForFunction(() => document.querySelector("#pr-track-result").textContent.length > 0);
	const txt = await page.textContent("#pr-track-result");
	await screenshots(page, "public-report-tracked");
	return txt.includes(code) && txt.includes("Đã tiếp nhận");
}, );
await T.step("an unknown code says so", async () => {
	await page.fill("#pr-track-code", "BC-2222222222");
	await page.click("#pr-track button");
	await page.waitForFunction(() => document.querySelector("#pr-track-result").classList.contains("err"));
	return (await page.textContent("#pr-track-result")).includes("Không tìm thấy");
});
T.ok(foreign.length === 0, "the page asked nothing of any other site", foreign.join("\n"));

/* the team's side: the report is an event of agency one, its text as text */
const evs = await call(srv.url, admin, "GET", "/events?source=public_report");
const ev = evs.json && evs.json.items && evs.json.items[0];
T.ok(ev && ev.kind === "citizen_report" && ev.evidence.tracking_code === code && ev.agency_id === ag.json.id &&
	ev.evidence.what === WHAT && ev.evidence.screenshots.length === 1,
	"the report is a citizen_report event of the agency whose range holds the address", evs.text);

await T.step("in the dashboard the report's HTML shows as text", async () => {
	await uiLogin(page, srv.url, "quantri", adminPw);
	await page.goto(srv.url + "/#/events?source=public_report");
	await page.waitForSelector("#events-list table.data");
	const text = await page.textContent("#events-list");
	const injected = await page.$$eval("#events-list img, #events-list script", (n) => n.length);
	await screenshots(page, "public-report-in-events");
	return text.includes("<img src=x onerror=alert(1)>") && injected === 0;
});
T.ok(log.dialogs.length === 0, "no script from the report ran (no dialog)", log.dialogs.join("\n"));
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
