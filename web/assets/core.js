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

/* An error answer: status (0 = the network failed), the server's one-line
 * message, and where known the field it concerns and a machine-readable
 * code. Servers that do not send field/code yet write "field: message";
 * the field is then read from that prefix. */
class ApiError extends Error {
	constructor(status, message, details, field, code) {
		super(message);
		this.status = status;
		this.details = details || [];
		const m = /^([a-z_][a-z0-9_.\[\]]*): (.*)$/s.exec(String(message || ""));
		this.field = field || (m ? m[1] : null);
		this.code = code || null;
		this.detail = m ? m[2] : String(message || "");
		/* the quoted parts of the message: the rejected value, then (in a
		 * conflict) the other record's name */
		const q = Array.from(this.detail.matchAll(/['"“]([^'"”]{1,120})['"”]/g), (m) => m[1]);
		this.value = q[0] || null;
		this.quotedOther = q[1] || null;
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
		const err = new ApiError(res.status, msg, data && data.details,
			data && typeof data.field === "string" ? data.field : null,
			data && typeof data.code === "string" ? data.code : null);
		if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized();
		throw err;
	}
	return data;
}

let onUnauthorized = () => {};
function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

function hasT(key) {
	return t(key) !== key;
}

/* What went wrong with one field, in the user's language: a message for
 * the server's code when we know it, otherwise a plain sentence naming
 * the rejected value (Vietnamese) or the server's own words (English). */
function fieldErrorText(e) {
	/* the detail about this error: an object, or the first of a list
	 * (an agency conflict: {field, code, other, value, other_value, confirm}) */
	const ds = Array.isArray(e.details) ? e.details[0] : e.details;
	const d = ds && typeof ds === "object" ? ds : {};
	const str = (x) => (typeof x === "string" ? x : "");
	const other = [d.other, d.agency, d.agency_name, d.name, e.quotedOther].find((x) => typeof x === "string" && x !== "") || "";
	const vars = { value: str(d.value) || e.value || "", other, other_value: str(d.other_value), other_sfx: other ? ": “" + other + "”" : "" };
	/* a warning the user may confirm by saving again has its own wording */
	if (e.code && d.confirm && hasT("err_code_" + e.code + "_confirm")) return t("err_code_" + e.code + "_confirm", vars);
	if (e.code && hasT("err_code_" + e.code)) return t("err_code_" + e.code, vars);
	if (e.status === 409) return t(vars.other ? "err_conflict_with" : "err_conflict", vars);
	if (getLang() === "en" && e.detail) return e.detail.charAt(0).toUpperCase() + e.detail.slice(1);
	return e.value ? t("err_bad_value", vars) : t("err_bad_field");
}

/* A short human message for an error, in the current language: one
 * sentence, never a status number or an API field name. */
function errorText(e) {
	if (e instanceof ApiError) {
		if (e.status === 0) return t("err_network");
		if (e.status === 401) return t("session_expired");
		if (e.status === 403) return t("forbidden");
		if (e.status === 404) return t("not_found");
		if (e.status === 413) return t("err_too_large");
		if (e.status === 429) return t("err_busy");
		if (e.status >= 500) return t("err_server");
		const label = e.field ? fieldLabel(e.field) : "";
		if (label) return t("err_in_field", { field: label, message: fieldErrorText(e) });
		/* a 409 that names no field is about the state of things (an
		 * upload being analysed, watching off), not a duplicate */
		if (e.status === 409) return e.code ? fieldErrorText(e) : t("err_state");
		return getLang() === "en" && e.detail ? fieldErrorText(e) : t("err_invalid");
	}
	return t("err_unexpected");
}

/* The label of an API field for messages ("ip_ranges" -> "Dải IP"). */
function fieldLabel(field) {
	const f = String(field).replace(/\[\d+\]$/, "");
	const map = { "dossier_dates.draft": "date_draft", "dossier_dates.submitted": "date_submitted", "dossier_dates.appraised": "date_appraised", "dossier_dates.approved": "date_approved", parent_id: "parent", agency_id: "agency_unit", monitor_interval_s: "monitor_interval", dossier_status: "dossier_status" };
	const key = map[f] || f;
	return hasT(key) ? t(key) : "";
}

/* Dates and times: the API speaks RFC 3339; people read dd/mm/yyyy and
 * 24-hour time in the province's time zone, whatever the browser's locale. */
const CG_TZ = "Asia/Ho_Chi_Minh";
const dtParts = new Intl.DateTimeFormat("en-GB", {
	timeZone: CG_TZ, year: "numeric", month: "2-digit", day: "2-digit",
	hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});

function toDate(v) {
	if (v === null || v === undefined || v === "") return null;
	const d = new Date(typeof v === "number" ? v : String(v));
	return isNaN(d.getTime()) ? null : d;
}

function parts(d) {
	const o = {};
	for (const p of dtParts.formatToParts(d)) o[p.type] = p.value;
	return o;
}

/* "02/12/2026 23:44" (seconds with {seconds: true}). */
function fmtTime(v, opts) {
	const d = toDate(v);
	if (!d) return v === null || v === undefined ? "" : String(v);
	const p = parts(d);
	return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` + (opts && opts.seconds ? ":" + p.second : "");
}

/* "02/12/2026"; a bare "2026-12-02" is a calendar date, shown as is. */
function fmtDate(v) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(v || ""));
	if (m) return `${m[3]}/${m[2]}/${m[1]}`;
	const d = toDate(v);
	if (!d) return v ? String(v) : "";
	const p = parts(d);
	return `${p.day}/${p.month}/${p.year}`;
}

/* "dd/mm/yyyy" (d/m and 2-digit-free) -> "yyyy-mm-dd", or null. */
function parseDmy(s) {
	const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(String(s || ""));
	if (!m) return null;
	const d = Number(m[1]), mo = Number(m[2]), y = Number(m[3]);
	const dt = new Date(Date.UTC(y, mo - 1, d));
	if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
	return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/* "5 phút trước" / "5 minutes ago". */
function relTime(v, now) {
	const d = toDate(v);
	if (!d) return "";
	const s = Math.round((d.getTime() - (now || Date.now())) / 1000);
	const rtf = new Intl.RelativeTimeFormat(getLang() === "vi" ? "vi" : "en", { numeric: "auto" });
	const a = Math.abs(s);
	if (a < 45) return rtf.format(0, "second");
	if (a < 3600) return rtf.format(Math.round(s / 60), "minute");
	if (a < 86400) return rtf.format(Math.round(s / 3600), "hour");
	if (a < 86400 * 30) return rtf.format(Math.round(s / 86400), "day");
	if (a < 86400 * 365) return rtf.format(Math.round(s / (86400 * 30)), "month");
	return rtf.format(Math.round(s / (86400 * 365)), "year");
}

/* A relative time with the exact time on hover (and for screen readers
 * through the datetime attribute). */
function timeEl(v) {
	const d = toDate(v);
	if (!d) return document.createTextNode(v ? String(v) : "");
	return el("time", { datetime: d.toISOString(), title: fmtTime(d, { seconds: true }), class: "rel-time" }, relTime(d));
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
