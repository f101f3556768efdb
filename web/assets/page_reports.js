/*
 * page_reports.js - #/reports (Báo cáo): the periodic reports the server
 * keeps (GET /reports; an officer sees their agency's own), each with its
 * files to download (plain links: the session cookie authorises a GET)
 * and its signature state; and, for those the policy lets make one
 * (admin, analyst; an officer for their own agency), a form that makes a
 * report now for a chosen kind and period (POST /reports); then the
 * exports (GET /export/...): a filtered events list and the inventory as
 * CSV or XLSX, fetched and saved with, when the server signs exports, the
 * detached signature its response names (X-Canhgac-Signature) saved
 * beside as FILE.p7s. Every text from the server goes in as text.
 */
"use strict";

const REPORT_KINDS = ["monthly", "semiannual", "annual", "incidents"];

/* The period a kind most likely wants: last month, last half, this year. */
function defaultPeriod(kind) {
	const now = new Date(Date.now() + 7 * 3600e3); /* the province's calendar */
	const y = now.getUTCFullYear(), m = now.getUTCMonth() + 1;
	if (kind === "monthly") return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
	if (kind === "annual") return String(m === 12 ? y : y - 1);
	return m <= 6 ? `${y - 1}-H2` : `${y}-H1`;
}

async function pageReports(main) {
	main.appendChild(pageHeader(t("reports_title")));
	const body = el("div", { id: "reports-body" });
	main.appendChild(body);
	loadingInto(body);
	const [list, idx] = await Promise.all([api("GET", "/reports", { query: { limit: 200 } }), agencyIndex()]);
	clear(body);
	body.appendChild(el("p", { class: "muted small" }, t("reports_intro")));

	/* 1. make one now */
	if (isRole("admin", "analyst", "officer")) {
		const officer = isRole("officer");
		const scopes = officer ? idx.options() : [["0", t("reports_province")]].concat(idx.options());
		const f = {
			kind: el("select", { id: "report-kind" }, REPORT_KINDS.map((k) => el("option", { value: k }, t("reports_kind_" + k)))),
			period: el("input", { id: "report-period", type: "text", required: true, value: defaultPeriod("monthly"),
				placeholder: t("reports_period_hint"), "aria-describedby": "report-period-hint" }),
			scope: el("select", { id: "report-scope" }, scopes.map(([v, n]) => el("option", { value: v }, n))),
			lang: el("select", { id: "report-lang" }, ["vi", "en"].map((l) => el("option", { value: l }, t("reports_lang_" + l)))),
		};
		f.kind.addEventListener("change", () => { f.period.value = defaultPeriod(f.kind.value); });
		const row = (label, input, hint) => el("div", { class: "form-row" }, el("label", { for: input.id }, label), input,
			hint ? el("span", { id: input.id + "-hint", class: "muted small" }, hint) : null);
		const err = el("p", { class: "form-error", role: "alert" });
		const save = el("button", { type: "submit", class: "btn btn-primary", id: "report-make" }, t("reports_make"));
		const form = el("form", { id: "report-form", class: "form", novalidate: true,
			onsubmit: async (ev) => {
				ev.preventDefault();
				err.textContent = "";
				save.disabled = true;
				save.textContent = t("reports_making");
				try {
					await api("POST", "/reports", { body: { kind: f.kind.value, period: f.period.value.trim(),
						agency_id: Number(f.scope.value), lang: f.lang.value } });
					toast(t("reports_made"));
					clear(main);
					await pageReports(main);
				} catch (e) {
					err.textContent = errorText(e);
					save.disabled = false;
					save.textContent = t("reports_make");
				}
			} },
			row(t("reports_kind"), f.kind), row(t("reports_period"), f.period, t("reports_period_hint")),
			row(t("reports_scope"), f.scope), row(t("reports_lang"), f.lang), err, save);
		body.appendChild(el("h2", null, t("reports_make_title")));
		body.appendChild(form);
	}

	/* 2. the reports kept */
	const items = (list && list.items) || [];
	body.appendChild(el("h2", null, t("reports_list_title")));
	if (!items.length) body.appendChild(el("p", { id: "reports-none", class: "muted" }, t("reports_none")));
	else body.appendChild(reportsTable(items, idx));

	/* 3. exports */
	body.appendChild(exportsSection());
}

/* Saves bytes under a name through a temporary link. */
function saveBlob(blob, name) {
	const url = URL.createObjectURL(blob);
	const a = el("a", { href: url, download: name, hidden: true });
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/* Fetches an export and saves it, and its signature when it has one. */
async function downloadExport(path, status) {
	status.textContent = t("exports_working");
	try {
		const r = await fetch("/api/v1/export/" + path, { credentials: "same-origin" });
		if (!r.ok) throw new Error(String(r.status));
		const name = (/filename="([^"]+)"/.exec(r.headers.get("content-disposition") || "") || [])[1] || "canhgac-export";
		const sig = r.headers.get("x-canhgac-signature");
		saveBlob(await r.blob(), name);
		if (sig && sig.startsWith("/api/v1/export/signatures/")) {
			const s = await fetch(sig, { credentials: "same-origin" });
			if (!s.ok) throw new Error(String(s.status));
			saveBlob(await s.blob(), name + ".p7s");
		}
		status.textContent = sig ? t("exports_done_signed", { name }) : t("exports_done", { name });
	} catch (e) {
		status.textContent = t("exports_failed");
	}
}

function exportsSection() {
	const box = el("section", { id: "exports" });
	box.appendChild(el("h2", null, t("exports_title")));
	box.appendChild(el("p", { class: "muted small" }, t("exports_intro")));
	const f = {
		severity: el("select", { id: "export-severity" }, el("option", { value: "" }, t("exports_any")),
			SEVERITIES.slice().reverse().map((s) => el("option", { value: s }, tEnum("severity", s)))),
		source: el("select", { id: "export-source" }, ["", "web", "malware", "secrets", "dns", "accounts", "fim", "exposure"]
			.map((s) => el("option", { value: s }, s ? s : t("exports_any")))),
		since: el("input", { id: "export-since", type: "text", inputmode: "numeric", placeholder: t("date_placeholder") }),
		until: el("input", { id: "export-until", type: "text", inputmode: "numeric", placeholder: t("date_placeholder") }),
	};
	const row = (label, input) => el("div", { class: "form-row" }, el("label", { for: input.id }, label), input);
	const status = el("p", { id: "export-status", class: "muted", role: "status" });
	const query = () => {
		const q = new URLSearchParams();
		if (f.severity.value) q.set("severity", f.severity.value);
		if (f.source.value) q.set("source", f.source.value);
		const since = parseDmy(f.since.value), until = parseDmy(f.until.value);
		if (since) q.set("since", since);
		if (until) q.set("until", until + "T23:59:59.999+07:00");
		const s = q.toString();
		return s ? "?" + s : "";
	};
	const button = (id, label, path) => el("button", { type: "button", class: "btn", id,
		onclick: () => downloadExport(typeof path === "function" ? path() : path, status) }, label);
	box.appendChild(el("div", { class: "form" },
		row(t("exports_severity"), f.severity), row(t("exports_source"), f.source),
		row(t("exports_since"), f.since), row(t("exports_until"), f.until),
		el("div", { class: "actions" },
			button("export-events-csv", t("exports_events") + " (CSV)", () => "events.csv" + query()),
			button("export-events-xlsx", t("exports_events") + " (XLSX)", () => "events.xlsx" + query()))));
	box.appendChild(el("div", { class: "actions" },
		button("export-inventory-xlsx", t("exports_inventory") + " (XLSX)", "inventory.xlsx"),
		button("export-agencies-csv", t("exports_agencies") + " (CSV)", "agencies.csv"),
		button("export-systems-csv", t("exports_systems") + " (CSV)", "systems.csv"),
		button("export-people-csv", t("exports_people") + " (CSV)", "people.csv")));
	box.appendChild(status);
	return box;
}

function reportsTable(items, idx) {
	const files = (r) => {
		const links = [];
		for (const fmt of ["pdf", "docx", "xlsx"]) {
			const f = r.files && r.files[fmt];
			if (!f) continue;
			links.push(el("a", { class: "btn btn-small", href: `/api/v1/reports/${r.id}/${fmt}`, download: "" }, fmt.toUpperCase()));
			if (f.p7s) links.push(el("a", { class: "btn btn-small", href: `/api/v1/reports/${r.id}/${fmt}.p7s`, download: "" }, fmt.toUpperCase() + ".p7s"));
		}
		return el("span", { class: "report-files" }, links);
	};
	return el("div", { id: "reports-list" }, table([
		{ label: t("reports_kind"), value: (r) => t("reports_kind_" + r.kind) },
		{ label: t("reports_period"), value: (r) => r.period },
		{ label: t("reports_scope"), value: (r) => (r.agency_id ? idx.name(r.agency_id) : t("reports_province")) },
		{ label: t("reports_lang"), value: (r) => t("reports_lang_" + r.lang) },
		{ label: t("reports_created"), value: (r) => fmtTime(r.created_at) },
		{ label: t("reports_by"), value: (r) => (r.created_by === "job" ? t("reports_by_job") : r.created_by) },
		{ label: t("reports_signature"), value: (r) => (r.signed_by ? t("reports_signed", { who: r.signed_by }) : t("reports_unsigned")) },
		{ label: t("reports_files"), value: files },
	], items));
}
