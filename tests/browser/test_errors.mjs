/*
 * test_errors.mjs - issue 18.13: an error is shown once, in the user's
 * language, next to the field it concerns; no status numbers, no API field
 * names, no English server text in the Vietnamese interface. A network
 * failure (the server stopped) is a plain sentence, not "Lỗi 0: Failed to
 * fetch". Checked in Vietnamese and in English.
 */
import { tap, startServer, launchBrowser, newPage, uiLogin, apiLogin, call, screenshots } from "./lib.mjs";

const T = tap();
const cleanups = [];
const srv = await startServer(["--web-interval", "0"]);
cleanups.push(() => srv.stop());
const pw = srv.addUser("quantri", "admin");
const admin = await apiLogin(srv.url, "quantri", pw);
await call(srv.url, admin, "POST", "/agencies", { name: "Sở Tư pháp", kind: "so_ban_nganh", code: "stp" });

const { context, close } = await launchBrowser();
cleanups.unshift(close);
const { page, log } = await newPage(context);
await uiLogin(page, srv.url, "quantri", pw);
await page.click("#nav-agencies");
await page.waitForSelector(".page-actions .btn-primary");

const dialogText = () => page.textContent(".dialog");
await T.step("a bad IP range: one Vietnamese message under the IP ranges field", async () => {
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Sở Y tế");
	await page.fill("#f-ip_ranges", "10.12.0.0/16\n10.300.0.0/16");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#err-f-ip_ranges:not(:empty)");
	await screenshots(page, "errors-field");
	const msg = await page.textContent("#err-f-ip_ranges");
	const all = await dialogText();
	const count = all.split("10.300.0.0/16").length - 1;
	const general = (await page.textContent(".dialog .form-error")).trim();
	const invalid = await page.getAttribute("#f-ip_ranges", "aria-invalid");
	if (!(msg.includes("không hợp lệ") && msg.includes("10.300.0.0/16"))) throw new Error("message: " + msg);
	if (count !== 1) throw new Error("shown " + count + " times: " + all);
	if (/ip_ranges|Lỗi 400|is not an IP range/.test(all)) throw new Error("raw text: " + all);
	return general === "" && invalid === "true";
});
await T.step("a required field left empty is flagged next to it, in Vietnamese", async () => {
	await page.fill("#f-name", "");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#err-f-name:not(:empty)");
	return (await page.textContent("#err-f-name")).includes("Vui lòng nhập");
});
await T.step("a duplicate code: one Vietnamese sentence, no database text", async () => {
	await page.fill("#f-name", "Sở Y tế");
	await page.fill("#f-ip_ranges", "");
	await page.fill("#f-code", "stp");
	await page.click(".dialog button[type=submit]");
	await page.waitForFunction(() => Array.from(document.querySelectorAll(".dialog .form-error, .dialog .field-error")).some((e) => e.textContent.trim() !== ""));
	const all = await dialogText();
	await screenshots(page, "errors-conflict");
	if (/UNIQUE|conflict|Lỗi 409/.test(all)) throw new Error(all);
	return /trùng/.test(all);
});
await T.step("the same error in English", async () => {
	await page.keyboard.press("Escape");
	await page.click("#lang-switch");
	await page.waitForSelector(".page-actions .btn-primary");
	await page.click(".page-actions .btn-primary");
	await page.fill("#f-name", "Health Department");
	await page.fill("#f-ip_ranges", "10.300.0.0/16");
	await page.click(".dialog button[type=submit]");
	await page.waitForSelector("#err-f-ip_ranges:not(:empty)");
	const msg = await page.textContent("#err-f-ip_ranges");
	await page.keyboard.press("Escape");
	await page.click("#lang-switch");
	return /10\.300\.0\.0\/16/.test(msg) && !/Lỗi|ip_ranges/.test(msg);
});
await T.step("the server gone: a plain sentence instead of 'Lỗi 0: Failed to fetch'", async () => {
	await page.waitForSelector("#flt-q");
	srv.proc.kill("SIGKILL");
	await new Promise((r) => setTimeout(r, 300));
	await page.fill("#flt-q", "y tế");
	await page.click(".filters button[type=submit]");
	await page.waitForSelector(".notice-error");
	const txt = await page.textContent(".notice-error");
	await screenshots(page, "errors-offline");
	return txt.includes("Không kết nối được tới máy chủ") && !/Failed to fetch|Lỗi 0/.test(txt);
});
T.ok(log.pageErrors.length === 0, "no page errors", log.pageErrors.join("\n"));
await T.done(cleanups);
