import { launchBrowser, newPage, uiLogin } from "./lib.mjs";
const [url, out, pw, role] = process.argv.slice(2);
const { context, close } = await launchBrowser();
const { page, log } = await newPage(context);
await uiLogin(page, url, role || "admin", pw);
for (const p of (process.env.PAGES||"overview,events,agencies,systems,people,import,users,tokens,audit").split(",")) {
  await page.goto(url + "/#/" + p); await page.waitForTimeout(700);
  await page.screenshot({ path: `${out}/r-${p}.png` });
}
console.log(JSON.stringify(log));
await close();
