/*
 * test_overview_problems.mjs - issue 18.16: the overview puts problems
 * first. The agency with a critical finding is on top although its name
 * sorts last; a column heading sorts the table (aria-sort, kept in the
 * address, kept after a reload); a latest finding opens that finding; a
 * 30-day chart of findings per day by severity (inline SVG) adds up to
 * the headline; the cards are links to the filtered lists.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
const srv = await startServer(["--web-interval", "0"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
await call(srv.url, admin, "POST", "/agencies", { name: "An Giang (không có cảnh báo)", kind: "so_ban_nganh", code: "aa" });
await call(srv.url, admin, "POST", "/agencies", { name: "Bắc Hà (mức Cao)", kind: "so_ban_nganh", code: "bb" });
await call(srv.url, admin, "POST", "/agencies", { name: "Yên Minh (Nghiêm trọng)", kind: "so_ban_nganh", code: "yy" });
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "feed", scope: "ingest" });
const at = (h) => new Date(Date.now() - h * 3600e3).toISOString();
await call(srv.url, { token: ing.json.token }, "POST", "/events", [
	{ id: "e1", time: at(50), host: "h", agency: "bb", source: "web", kind: "spam", severity: "high", subject: "https://bb.example.invalid/", summary: "Chèn liên kết cờ bạc", evidence: {} },
	/* a critical redirect: a critical defacement would open a case by itself (rules/autocase) */
	{ id: "e2", time: at(1), host: "h", agency: "yy", source: "web", kind: "redirect", severity: "critical", subject: "https://yy.example.invalid/", summary: "Trang chủ bị thay giao diện", evidence: { url: "https://yy.example.invalid/" } },
	{ id: "e3", time: at(100), host: "h", agency: "bb", source: "web", kind: "spam", severity: "medium", subject: "https://bb.example.invalid/x", summary: "Spam", evidence: {} },
]);

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);
await T.step("the overview draws its agency table", async () => {
	await page.waitForSelector("#agency-table tbody tr");
	await screenshots(page, "overview-problems");
	return true;
});
const firstRow = () => page.textContent("#agency-table tbody tr:first-child td:first-child");
await T.step("the agency with a critical finding is first, then the one with high", async () => {
	const names = await page.$$eval("#agency-table tbody tr td:first-child .strong", (xs) => xs.map((x) => x.textContent));
	return names[0].startsWith("Yên Minh") && names[1].startsWith("Bắc Hà") && names[2].startsWith("An Giang");
});
await T.step("a column heading sorts the table, says so, and the order survives a reload", async () => {
	await page.click("#agency-table th button[data-sort=name]");
	if (!(await firstRow()).startsWith("An Giang")) throw new Error("not sorted by name");
	const sortAttr = await page.getAttribute("#agency-table th:has(button[data-sort=name])", "aria-sort");
	if (sortAttr !== "ascending") throw new Error("aria-sort " + sortAttr);
	if (!page.url().includes("sort=name")) throw new Error(page.url());
	await page.reload();
	await page.waitForSelector("#agency-table tbody tr");
	return (await firstRow()).startsWith("An Giang");
});
await T.step("the 30-day chart is an inline SVG whose bars add up to the headline", async () => {
	const bars = await page.$$eval("#trend svg rect[data-n]", (xs) => xs.map((x) => Number(x.getAttribute("data-n"))));
	const days = await page.$$eval("#trend svg g.trend-day", (xs) => xs.length);
	const crit = await page.$$eval("#trend svg rect.trend-critical", (xs) => xs.length);
	const headline = Number((await page.textContent("#card-open .card-value")).replace(/[^\d]/g, ""));
	return days === 30 && crit === 1 && bars.reduce((a, b) => a + b, 0) === headline && headline === 3;
});
await T.step("the cards are links to the filtered lists", async () => {
	const href = await page.getAttribute("#card-open", "href");
	if (!/^#\/triage\?state=new&since=/.test(href)) throw new Error(href);
	await page.click("#card-portals");
	await page.waitForSelector("#portals-body");
	return page.url().endsWith("#/portals");
});
await T.step("a latest finding opens that finding", async () => {
	await page.click("#nav-overview");
	await page.waitForSelector("#recent a.event-link");
	await page.click("#recent a.event-link:has-text('Trang chủ bị thay giao diện')");
	await page.waitForSelector(".event-single");
	await screenshots(page, "overview-open-finding");
	const txt = await page.textContent(".event-single");
	return /#\/events\?seq=\d+/.test(page.url()) && txt.includes("Trang chủ bị thay giao diện") && txt.includes("yy.example.invalid");
});
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
