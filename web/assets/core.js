/*
 * core.js - the two things every page uses: building DOM safely and
 * talking to the API.
 *
 * Safety rule of the whole dashboard: text from the API (event summaries
 * are written by attackers who deface a portal) only ever reaches the page
 * through createTextNode / textContent / attribute setters. el() below is
 * the one way pages build markup: a string child becomes a text node, so
 * there is no innerHTML anywhere in the dashboard. Links built from data
 * are never made clickable (no href from data).
 *
 * api() sends JSON with the session cookie (same origin), adds the
 * X-CSRF-Token header to every state change, and turns an error answer into
 * an ApiError carrying the status and the server's one-line message.
 */
"use strict";

/* el("div", {class: "x", onclick: fn}, "text", child, [more children]) */
function el(tag, attrs, ...children) {
	const node = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false) continue;
			if (k.startsWith("on") && typeof v === "function") {
				node.addEventListener(k.slice(2), v);
			} else if (k === "class") {
				node.className = v;
			} else if (k === "dataset") {
				Object.assign(node.dataset, v);
			} else if (k === "value") {
				node.value = v;
			} else if (k === "checked" || k === "selected" || k === "disabled") {
				node[k] = Boolean(v);
			} else {
				node.setAttribute(k, v === true ? "" : String(v));
			}
		}
	}
	appendAll(node, children);
	return node;
}

function appendAll(node, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		if (Array.isArray(c)) appendAll(node, c);
		else if (c instanceof Node) node.appendChild(c);
		else node.appendChild(document.createTextNode(String(c)));
	}
}

function clear(node) {
	while (node.firstChild) node.removeChild(node.firstChild);
	return node;
}

class ApiError extends Error {
	constructor(status, message, details) {
		super(message);
		this.status = status;
		this.details = details || [];
	}
}

const session = { user: null, csrf: null };

/* api("GET", "/agencies", {query: {q: "x"}}) or api("POST", "/agencies",
 * {body: {...}}) or {raw: "csv text", type: "text/csv"}. Returns the
 * decoded JSON (null for 204). */
async function api(method, path, opts) {
	opts = opts || {};
	let url = "/api/v1" + path;
	if (opts.query) {
		const qs = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.query)) {
			if (v !== "" && v !== null && v !== undefined) qs.set(k, String(v));
		}
		const s = qs.toString();
		if (s) url += "?" + s;
	}
	const headers = { Accept: "application/json" };
	let body;
	if (opts.raw !== undefined) {
		body = opts.raw;
		headers["Content-Type"] = opts.type || "text/plain";
	} else if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers["Content-Type"] = "application/json";
	}
	if (method !== "GET" && session.csrf) headers["X-CSRF-Token"] = session.csrf;
	let res;
	try {
		res = await fetch(url, { method, headers, body, credentials: "same-origin", cache: "no-store" });
	} catch (e) {
		throw new ApiError(0, e.message || "network error");
	}
	if (res.status === 204) return null;
	let data = null;
	const text = await res.text();
	if (text) {
		try { data = JSON.parse(text); } catch (e) { data = null; }
	}
	if (!res.ok) {
		const msg = data && typeof data.error === "string" ? data.error : res.status + " " + res.statusText;
		const err = new ApiError(res.status, msg, data && data.details);
		if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized();
		throw err;
	}
	return data;
}

let onUnauthorized = () => {};
function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/* A short human message for an error, in the current language. */
function errorText(e) {
	if (e instanceof ApiError) {
		if (e.status === 403) return t("forbidden") + " (" + e.message + ")";
		if (e.status === 404) return t("not_found");
		return t("error_prefix") + " " + e.status + ": " + e.message;
	}
	return t("error_prefix") + ": " + String(e && e.message ? e.message : e);
}

/* Dates: the API speaks RFC 3339 / ISO; show them in the province's time. */
function fmtTime(v) {
	if (v === null || v === undefined || v === "") return "";
	const d = new Date(typeof v === "number" ? v : String(v));
	if (isNaN(d.getTime())) return String(v);
	return d.toLocaleString(getLang() === "vi" ? "vi-VN" : "en-GB", {
		timeZone: "Asia/Ho_Chi_Minh",
		year: "numeric", month: "2-digit", day: "2-digit",
		hour: "2-digit", minute: "2-digit", second: "2-digit",
	});
}

function fmtNum(n) {
	if (n === null || n === undefined) return "–";
	return Number(n).toLocaleString(getLang() === "vi" ? "vi-VN" : "en-GB");
}

/* "a\nb ; c" -> ["a","b","c"]: list fields edited in a textarea. */
function splitList(s) {
	return String(s || "").split(/[\n;,]+/).map((x) => x.trim()).filter((x) => x !== "");
}

function isRole(...roles) {
	return session.user !== null && roles.includes(session.user.role);
}

function canWrite() {
	return isRole("admin", "analyst", "officer");
}

const SEVERITIES = ["critical", "high", "medium", "low", "info"];
