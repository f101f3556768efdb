/*
 * lib.mjs - what every browser test shares: TAP output, a real canhgac
 * server of its own (the binary in $CANHGAC, a temp data dir, a free
 * loopback port, users made with `canhgac user add`), HTTP calls to its
 * API, and Debian's Chromium driven by playwright-core (never a
 * downloaded browser). run.sh skips files named lib*.
 *
 * A test file:
 *   const T = tap(); const srv = await startServer(); ...
 *   T.ok(cond, "what"); ... await T.done(cleanupFns)
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.CANHGAC_SRC || resolve(HERE, "../..");
export const CANHGAC = process.env.CANHGAC || join(ROOT, "build/canhgac");
export const LOGDIR = process.env.LOGDIR || join(ROOT, "build/test-logs");
mkdirSync(LOGDIR, { recursive: true });

/* ---- TAP ----------------------------------------------------------- */

export function tap() {
	let n = 0, failed = 0;
	const T = {
		ok(cond, desc, diag) {
			n++;
			if (cond) console.log(`ok ${n} - ${desc}`);
			else {
				failed++;
				console.log(`not ok ${n} - ${desc}`);
				if (diag !== undefined) for (const l of String(diag).split("\n").slice(0, 20)) console.log("# " + l);
			}
			return Boolean(cond);
		},
		diag(s) { for (const l of String(s).split("\n")) console.log("# " + l); },
		/* runs fn; a throw is one failed test named desc */
		async step(desc, fn) {
			try {
				const r = await fn();
				if (r === false) return T.ok(false, desc);
				return T.ok(true, desc);
			} catch (e) {
				return T.ok(false, desc, e && e.stack ? e.stack : String(e));
			}
		},
		async done(cleanups) {
			for (const c of cleanups || []) {
				try { await c(); } catch (e) { T.diag("cleanup: " + e); }
			}
			console.log(`1..${n}`);
			process.exit(failed === 0 && n > 0 ? 0 : 1);
		},
	};
	return T;
}

/* ---- the server under test ---------------------------------------- */

function freePort() {
	return new Promise((res, rej) => {
		const s = createServer();
		s.once("error", rej);
		s.listen(0, "127.0.0.1", () => {
			const p = s.address().port;
			s.close(() => res(p));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* canhgac CLI in the test's data dir; returns {status, stdout, stderr}. */
export function cli(dataDir, args, input) {
	const r = spawnSync(CANHGAC, [...args, "--data-dir", dataDir], {
		input: input === undefined ? "" : input, encoding: "utf8", timeout: 60000,
	});
	return { status: r.status, stdout: r.stdout || "", stderr: r.stderr || "" };
}

/* Starts `canhgac serve` on a free loopback port (retrying if another
 * process takes it first); extraArgs go to `serve` (e.g. --web-interval 1).
 * Scheduled exposure scans are off (on by default in serve): no test may
 * contact an address off loopback; extraArgs may turn them on again (the
 * last --exposure-interval wins).
 * Returns {url, dataDir, stop(), addUser()}. */
export async function startServer(extraArgs) {
	const dataDir = mkdtempSync(join(tmpdir(), "canhgac-browser-"));
	let lastErr = "";
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		let stderr = "";
		const proc = spawn(CANHGAC, ["serve", "--no-tls", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, "--exposure-interval", "0", "--web-interval", "0", ...(extraArgs || [])], {
			stdio: ["ignore", "ignore", "pipe"],
		});
		proc.stderr.on("data", (d) => { stderr = (stderr + d).slice(-8000); });
		let exited = false;
		proc.on("exit", () => { exited = true; });
		for (let i = 0; i < 150 && !exited; i++) {
			try {
				const r = await fetch(url + "/api/v1/session");
				if (r.status === 401 || r.status === 200) {
					/* a suite must never run silently on the other backend */
					const want = process.env.CANHGAC_TEST_BACKEND || "sqlite";
					const m = /canhgac serve: store (\S+)/.exec(stderr);
					if (!m || m[1] !== want) {
						proc.kill("SIGKILL");
						const e = new Error(`server runs on store ${m ? m[1] : "?"}, the test asked for ${want}`);
						e.wrongBackend = true;
						throw e;
					}
					return {
						url, dataDir, proc,
						stderr: () => stderr,
						addUser: (name, role, agencyId, password) => addUser(dataDir, name, role, agencyId, password),
						async stop() {
							if (!exited) {
								proc.kill("SIGTERM");
								for (let j = 0; j < 100 && !exited; j++) await sleep(100);
								if (!exited) proc.kill("SIGKILL");
							}
							rmSync(dataDir, { recursive: true, force: true });
						},
					};
				}
			} catch (e) {
				if (e.wrongBackend) throw e;
				/* not listening yet */
			}
			await sleep(100);
		}
		if (!exited) proc.kill("SIGKILL");
		lastErr = stderr;
	}
	rmSync(dataDir, { recursive: true, force: true });
	throw new Error("canhgac serve did not start: " + lastErr.slice(-2000));
}

export function addUser(dataDir, name, role, agencyId, password) {
	const args = ["user", "add", name, "--role", role];
	if (agencyId !== undefined && agencyId !== null) args.push("--agency", String(agencyId));
	const pw = password || "Mat-khau-" + Math.random().toString(36).slice(2, 12);
	const r = cli(dataDir, args, pw + "\n");
	if (r.status !== 0) throw new Error(`user add ${name}: exit ${r.status}: ${r.stderr}`);
	return pw;
}

/* ---- API calls (as a logged-in user or with a bearer token) ------- */

export async function apiLogin(url, username, password) {
	const r = await fetch(url + "/api/v1/session", {
		method: "POST", headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ username, password }),
	});
	if (r.status !== 200) throw new Error("login " + username + ": " + r.status + " " + (await r.text()));
	const body = await r.json();
	const cookie = (r.headers.get("set-cookie") || "").split(";")[0];
	return { cookie, csrf: body.csrf_token, user: body.user };
}

/* call(url, auth, method, path, body): auth = {cookie, csrf} or {token}. */
export async function call(url, auth, method, path, body, contentType) {
	const headers = {};
	if (auth.token) headers.Authorization = "Bearer " + auth.token;
	if (auth.cookie) headers.Cookie = auth.cookie;
	if (auth.csrf && method !== "GET") headers["X-CSRF-Token"] = auth.csrf;
	let payload;
	if (body !== undefined) {
		payload = typeof body === "string" ? body : JSON.stringify(body);
		headers["Content-Type"] = contentType || "application/json";
	}
	const r = await fetch(url + "/api/v1" + path, { method, headers, body: payload });
	const text = await r.text();
	let json = null;
	try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
	return { status: r.status, json, text };
}

/* ---- the browser --------------------------------------------------- */

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/* Debian's Chromium, headless, nothing phoning home, a fresh profile
 * (--user-data-dir, which playwright passes for a persistent context).
 * One context at 1366x768; newPage() opens tabs in it. */
export async function launchBrowser() {
	if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM + " not found (scripts/setup-deps.sh installs chromium)");
	const profile = mkdtempSync(join(tmpdir(), "canhgac-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1366, height: 768 },
		locale: "vi-VN",
		timezoneId: "Asia/Ho_Chi_Minh",
		args: [
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage",
		],
	});
	const close = async () => {
		try { await context.close(); } catch (e) { /* already gone */ }
		rmSync(profile, { recursive: true, force: true });
	};
	return { context, close };
}

/* A page that records console errors, page errors and dialogs (an alert()
 * from injected script would show up here). */
export async function newPage(context) {
	const page = await context.newPage();
	const log = { console: [], pageErrors: [], dialogs: [] };
	page.on("console", (m) => { if (m.type() === "error") log.console.push(m.text()); });
	page.on("pageerror", (e) => log.pageErrors.push(String(e)));
	page.on("dialog", async (d) => { log.dialogs.push(d.type() + ": " + d.message()); await d.dismiss(); });
	page.setDefaultTimeout(15000);
	return { page, log };
}

export async function uiLogin(page, url, username, password) {
	await page.goto(url + "/");
	await page.fill("#username", username);
	await page.fill("#password", password);
	await page.click("#login-submit");
	await page.waitForSelector("#user-name");
}

export async function screenshot(page, name) {
	const path = join(LOGDIR, "browser-" + name + ".png");
	await page.screenshot({ path, fullPage: false });
	return path;
}

/* The issue-18 rule: every dashboard test leaves a screenshot at the
 * office size (1366x768) and the phone size (390x844); the viewport goes
 * back to 1366x768 afterwards. */
export async function screenshots(page, name) {
	const paths = [];
	for (const [w, h] of [[1366, 768], [390, 844]]) {
		await page.setViewportSize({ width: w, height: h });
		await page.waitForTimeout(100);
		const path = join(LOGDIR, `browser-${name}-${w}.png`);
		await page.screenshot({ path, fullPage: false });
		paths.push(path);
	}
	await page.setViewportSize({ width: 1366, height: 768 });
	return paths;
}
