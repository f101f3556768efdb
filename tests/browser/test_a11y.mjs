/*
 * test_a11y.mjs - issue 18.18: dialogs keep focus (Tab stays inside),
 * Escape closes and focus returns, no dialog survives Back, every dialog
 * is labelled (aria-labelledby); badges and zero chips meet WCAG AA
 * contrast (4.5:1); dates shown and typed dd/mm/yyyy; relative times with
 * the exact time on hover; filters kept in the address (shareable, kept
 * after a reload); the overview and the events list refresh by themselves.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
const srv = await startServer(["--web-interval", "0"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
const ag = await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tư pháp", kind: "so_ban_nganh", code: "stp" });
const ing = await call(srv.url, admin, "POST", "/tokens", { name: "feed", scope: "ingest" });
const post = (id, sev, minutesAgo, summary) => call(srv.url, { token: ing.json.token }, "POST", "/events", [
	{ id, time: new Date(Date.now() - minutesAgo * 60e3).toISOString(), host: "h", agency: "stp", source: "web", kind: "spam", severity: sev, subject: "https://stp.example.invalid/", summary, evidence: {} },
]);
await post("a1", "medium", 5, "Cảnh báo mức trung bình");
await post("a2", "low", 3 * 24 * 60, "Cảnh báo cũ ba ngày");

const { context, close } = await launchBrowser();
cleanups.unshift(close);
await context.addInitScript(() => { window.CG_REFRESH_MS = 1500; });
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);

await T.step("a dialog is labelled, keeps focus on Tab, closes on Escape and gives focus back", async () => {
	await page.goto(srv.url + "/#/agencies");
	await page.waitForSelector(".page-actions .btn-primary");
	await page.focus(".page-actions .btn-primary");
	await page.keyboard.press("Enter");
	await page.waitForSelector(".dialog[role=dialog]");
	await screenshots(page, "a11y-dialog");
	const label = await page.evaluate(() => { const d = document.querySelector(".dialog"); const t = document.getElementById(d.getAttribute("aria-labelledby")); return t ? t.textContent : ""; });
	if (!label) throw new Error("no aria-labelledby target");
	for (let i = 0; i < 25; i++) {
		await page.keyboard.press(i % 7 === 6 ? "Shift+Tab" : "Tab");
		if (!(await page.evaluate(() => !!document.activeElement.closest(".dialog")))) throw new Error("focus left the dialog at Tab " + i);
	}
	await page.keyboard.press("Escape");
	await page.waitForSelector(".overlay", { state: "detached" });
	return page.evaluate(() => document.activeElement && document.activeElement.matches(".page-actions .btn-primary"));
});
await T.step("a confirm dialog is labelled by its question and closes on Escape", async () => {
	await page.waitForSelector("td.actions .btn-danger-outline");
	await page.click("td.actions .btn-danger-outline");
	await page.waitForSelector(".dialog[role=alertdialog]");
	const label = await page.evaluate(() => { const d = document.querySelector(".dialog"); return (document.getElementById(d.getAttribute("aria-labelledby")) || {}).textContent || ""; });
	await page.keyboard.press("Escape");
	await page.waitForSelector(".overlay", { state: "detached" });
	return label.includes("Sở Tư pháp");
});
await T.step("Back leaves no dialog over the previous page", async () => {
	await page.goto(srv.url + "/#/systems");
	await page.waitForSelector(".page-actions .btn-primary");
	await page.click(".page-actions .btn-primary");
	await page.waitForSelector(".overlay");
	await page.goBack();
	await page.waitForFunction(() => location.hash === "#/agencies");
	await page.waitForSelector("#content .page-header");
	const left = await page.$$eval(".overlay", (xs) => xs.length);
	const inert = await page.evaluate(() => document.getElementById("app").inert);
	return left === 0 && !inert;
});
await T.step("severity badges and zero chips meet WCAG AA contrast", async () => {
	await page.goto(srv.url + "/#/overview");
	await page.waitForSelector("#agency-table .sev-count.zero");
	const ratios = await page.evaluate(() => {
		const lum = (c) => { const m = c.match(/\d+(\.\d+)?/g).map(Number); const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); };
		const ratio = (e) => { const s = getComputedStyle(e); const a = lum(s.color), b = lum(s.backgroundColor); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
		const out = {};
		for (const e of document.querySelectorAll(".badge, .sev-count")) out[e.className] = Math.min(out[e.className] || 99, ratio(e));
		return out;
	});
	const bad = Object.entries(ratios).filter(([, r]) => r < 4.5);
	if (bad.length || !Object.keys(ratios).some((k) => k.includes("sev-medium")) || !Object.keys(ratios).some((k) => k.includes("zero"))) throw new Error(JSON.stringify(ratios));
	return true;
});
await T.step("times are relative with the exact dd/mm/yyyy time on hover", async () => {
	await page.goto(srv.url + "/#/events");
	await page.waitForSelector("#events-list time");
	const times = await page.$$eval("#events-list time", (xs) => xs.map((x) => [x.textContent, x.getAttribute("title")]));
	const ok = times.every(([txt, title]) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/.test(title) && /trước|vừa xong|giây|hôm qua/.test(txt));
	if (!ok || !times.some(([txt]) => txt.includes("5 phút trước"))) throw new Error(JSON.stringify(times));
	return true;
});
await T.step("a date filter is typed dd/mm/yyyy, kept in the address and after a reload", async () => {
	const d = new Date(Date.now() - 24 * 3600e3);
	const p = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
	if ((await page.getAttribute("#flt-since", "placeholder")) !== "dd/mm/yyyy") throw new Error("placeholder");
	await page.fill("#flt-since", p);
	await page.selectOption("#flt-severity", "medium");
	await page.click(".filters button[type=submit]");
	await page.waitForFunction(() => location.hash.includes("since="));
	const [dd, mm, yyyy] = p.split("/");
	if (!page.url().includes(`since=${yyyy}-${mm}-${dd}`) || !page.url().includes("severity=medium")) throw new Error(page.url());
	await page.reload();
	await page.waitForSelector("#events-list table");
	await screenshots(page, "a11y-events-filtered");
	const rows = await page.textContent("#events-list tbody");
	return (await page.inputValue("#flt-since")) === p && (await page.inputValue("#flt-severity")) === "medium"
		&& rows.includes("Cảnh báo mức trung bình") && !rows.includes("Cảnh báo cũ ba ngày");
});
await T.step("a wrong date gets a message in words next to the filters", async () => {
	await page.fill("#flt-since", "31/02/2026");
	await page.click(".filters button[type=submit]");
	await page.waitForSelector(".filter-error:not(:empty)");
	return (await page.textContent(".filter-error")).includes("dd/mm/yyyy");
});
await T.step("a dossier date is typed dd/mm/yyyy, stored as a date and shown dd/mm/yyyy", async () => {
	await page.goto(srv.url + "/#/systems");
	await page.waitForSelector(".page-actions .btn-primary");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Hệ thống một cửa");
	await page.selectOption("#f-dossier_status", "approved");
	await page.fill("#f-date_approved", "15/03/2025");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector(".overlay", { state: "detached" });
	await page.waitForSelector("td:has-text('15/03/2025')");
	const r = await call(srv.url, admin, "GET", "/systems");
	return r.json.items[0].dossier_dates.approved === "2025-03-15";
});
await T.step("the events list refreshes by itself", async () => {
	await page.goto(srv.url + "/#/events");
	await page.waitForSelector("#events-list table");
	await post("n1", "high", 0, "Cảnh báo mới đến sau");
	await page.waitForSelector("#events-list td:has-text('Cảnh báo mới đến sau')", { timeout: 8000 });
	return true;
});
await T.step("the overview refreshes by itself", async () => {
	await page.goto(srv.url + "/#/overview");
	await page.waitForSelector("#card-open .card-value");
	const before = Number((await page.textContent("#card-open .card-value")).replace(/[^\d]/g, ""));
	await post("n2", "critical", 0, "Cảnh báo nghiêm trọng mới");
	await page.waitForFunction((b) => Number(document.querySelector("#card-open .card-value").textContent.replace(/[^\d]/g, "")) === b + 1, before, { timeout: 8000 });
	return true;
});
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
