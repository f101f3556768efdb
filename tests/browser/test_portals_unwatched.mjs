/*
 * test_portals_unwatched.mjs - issue 18.12: with watching off (the demo's
 * default), the "Cổng thông tin" page still lists every declared portal
 * (each URL of each system) with what is known: its status in words, the
 * last check ("never"), and the open findings the store holds for it. The
 * page says in words that watching is off, never with a command-line flag.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
const srv = await startServer(["--web-interval", "0"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tư pháp", kind: "so_ban_nganh", code: "stp" });
const s1 = await call(srv.url, admin, "POST", "/systems", { name: "Cổng TTĐT Sở Tư pháp", agency_id: ag.json.id, kind: "portal", level: 2, urls: ["https://sotuphap.example.invalid"] });
const s2 = await call(srv.url, admin, "POST", "/systems", { name: "Hộ tịch điện tử", agency_id: ag.json.id, kind: "other", level: 3, urls: ["https://hotich.example.invalid/"] });
T.ok(s1.status === 201 && s2.status === 201, "two systems with URLs", s1.text + s2.text);
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "feed", scope: "ingest" });
const ev = await call(srv.url, { token: ing.json.token }, "POST", "/events", [
	{ id: "web-1", time: new Date(Date.now() - 3600e3).toISOString(), host: "watcher", agency: "stp", source: "web", kind: "defacement", severity: "critical",
		subject: "https://sotuphap.example.invalid/tin-tuc/1", summary: "Trang bị thay giao diện", evidence: { url: "https://sotuphap.example.invalid/tin-tuc/1" } },
]);
T.ok(ev.status === 200, "a portal finding is stored", ev.text);

const st = await call(srv.url, admin, "GET", "/web/status");
T.ok(st.json && st.json.watching === false && st.json.portals.length === 2, "API: watching off, both web URLs listed", st.text);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);
await page.click("#nav-portals");
await T.step("the portals page draws its table", async () => {
	await page.waitForSelector("#portals tbody tr");
	await screenshots(page, "portals-unwatched");
	return true;
});
await T.step("every declared portal is listed (not 'no data')", async () => {
	const rows = await page.$$eval("#portals tbody tr", (trs) => trs.map((tr) => tr.textContent));
	if (rows.length !== 2) throw new Error(rows.join(" | "));
	return rows.some((r) => r.includes("Cổng TTĐT Sở Tư pháp") && r.includes("sotuphap.example.invalid"))
		&& rows.some((r) => r.includes("Hộ tịch điện tử")) && !rows.join("").includes("Không có dữ liệu");
});
await T.step("the portal with a finding comes first and shows it, with its status in words", async () => {
	const first = await page.textContent("#portals tbody tr:first-child");
	return first.includes("Trang bị thay giao diện") && first.includes("Nghiêm trọng") && first.includes("Chưa giám sát") && first.includes("Chưa");
});
await T.step("watching off is said in words, with no command-line flag", async () => {
	const txt = await page.textContent("#watch-off");
	return /tắt/.test(txt) && !/--|web-interval|interval/.test(txt);
});
await T.step("the finding opens its event", async () => {
	await page.click("#portals a.finding-open");
	await page.waitForSelector(".event-single");
	return (await page.textContent(".event-single")).includes("Trang bị thay giao diện");
});
T.ok(log.pageErrors.length === 0 && log.dialogs.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
