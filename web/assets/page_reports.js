/*
 * page_reports.js - #/reports (Báo cáo): the periodic reports the server
 * keeps (GET /reports; an officer sees their agency's own), each with its
 * files to download (plain links: the session cookie authorises a GET)
 * and its signature state; and, for those the policy lets make one
 * (admin, analyst; an officer for their own agency), a form that makes a
 * report now for a chosen kind and period (POST /reports). Every text
 * from the server goes in as text.
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
	if (!items.length) {
		body.appendChild(el("p", { id: "reports-none", class: "muted" }, t("reports_none")));
		return;
	}
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
	body.appendChild(el("div", { id: "reports-list" }, table([
		{ label: t("reports_kind"), value: (r) => t("reports_kind_" + r.kind) },
		{ label: t("reports_period"), value: (r) => r.period },
		{ label: t("reports_scope"), value: (r) => (r.agency_id ? idx.name(r.agency_id) : t("reports_province")) },
		{ label: t("reports_lang"), value: (r) => t("reports_lang_" + r.lang) },
		{ label: t("reports_created"), value: (r) => fmtTime(r.created_at) },
		{ label: t("reports_by"), value: (r) => (r.created_by === "job" ? t("reports_by_job") : r.created_by) },
		{ label: t("reports_signature"), value: (r) => (r.signed_by ? t("reports_signed", { who: r.signed_by }) : t("reports_unsigned")) },
		{ label: t("reports_files"), value: files },
	], items)));
}
