/*
 * page_drills.js - #/drills: incident-response drills (diễn tập). First
 * what needs doing: the level 3+ systems with no drill in the last 12
 * months (GET /drills/missing, the library's rule); then, for those who
 * may record one (admin, analyst, an officer for their agency's systems:
 * the system list is already scoped by the API), a form; then the drills
 * recorded, newest first. Every text from the server goes in as text.
 */
"use strict";

const DRILL_RESULTS = ["passed", "partial", "failed"];

async function pageDrills(main) {
	main.appendChild(pageHeader(t("drills_title")));
	const body = el("div", { id: "drills-body" });
	main.appendChild(body);
	loadingInto(body);
	const [missing, list, systems, idx] = await Promise.all([
		api("GET", "/drills/missing"),
		api("GET", "/drills", { query: { limit: 200 } }),
		api("GET", "/systems", { query: { limit: 500 } }),
		agencyIndex(),
	]);
	clear(body);

	/* 1. what needs a drill */
	const miss = (missing && missing.items) || [];
	body.appendChild(el("h2", null, t("drills_missing_title")));
	body.appendChild(el("p", { class: "muted small" }, t("drills_missing_since", { since: fmtDate(missing.since) })));
	if (!miss.length) body.appendChild(el("p", { id: "drills-missing-none", class: "notice" }, t("drills_missing_none")));
	else body.appendChild(el("div", { id: "drills-missing" }, table([
		{ label: t("drill_system"), value: (m) => m.system_name || "" },
		{ label: t("agency"), value: (m) => idx.name(m.agency_id) },
		{ label: t("drill_level"), value: (m) => String(m.level) },
		{ label: t("drills_last"), value: (m) => (m.last_drill ? fmtDate(m.last_drill) : t("drills_never")) },
	], miss, { rowClass: () => "sev-row-high" })));

	/* 2. record one */
	const sys = (systems && systems.items) || [];
	if (isRole("admin", "analyst", "officer") && sys.length) {
		const f = {
			system: el("select", { id: "drill-system", required: true },
				sys.map((s) => el("option", { value: String(s.id) }, s.name + " — " + idx.name(s.agency_id)))),
			date: el("input", { id: "drill-date", type: "text", inputmode: "numeric", required: true,
				placeholder: t("date_placeholder"), value: fmtDate(new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10)) }),
			scenario: el("input", { id: "drill-scenario", type: "text", maxlength: 500, required: true }),
			participants: el("input", { id: "drill-participants", type: "text", maxlength: 1000, required: true }),
			result: el("select", { id: "drill-result" }, DRILL_RESULTS.map((r) => el("option", { value: r }, t("drill_result_" + r)))),
			findings: el("textarea", { id: "drill-findings", rows: 3, maxlength: 4000 }),
		};
		const row = (label, input) => el("div", { class: "form-row" }, el("label", { for: input.id }, label), input);
		const err = el("p", { class: "form-error", role: "alert" });
		const form = el("form", { id: "drill-form", class: "form", novalidate: true,
			onsubmit: async (ev) => {
				ev.preventDefault();
				err.textContent = "";
				const date = parseDmy(f.date.value);
				if (!date) { err.textContent = t("err_date"); return; }
				try {
					await api("POST", "/drills", { body: {
						system_id: Number(f.system.value), date, scenario: f.scenario.value,
						participants: f.participants.value, result: f.result.value, findings: f.findings.value,
					} });
					toast(t("drill_saved"));
					clear(main);
					await pageDrills(main);
				} catch (e) {
					err.textContent = errorText(e);
				}
			} },
			row(t("drill_system"), f.system), row(t("drill_date"), f.date), row(t("drill_scenario"), f.scenario),
			row(t("drill_participants"), f.participants), row(t("drill_result"), f.result), row(t("drill_findings"), f.findings),
			err, el("button", { type: "submit", class: "btn btn-primary", id: "drill-save" }, t("drill_save")));
		body.appendChild(el("h2", null, t("drills_new_title")));
		body.appendChild(form);
	}

	/* 3. the record */
	const items = (list && list.items) || [];
	body.appendChild(el("h2", null, t("drills_list_title")));
	if (!items.length) body.appendChild(el("p", { class: "muted" }, t("drills_none")));
	else body.appendChild(el("div", { id: "drills-list" }, table([
		{ label: t("drill_date"), value: (d) => fmtDate(d.date) },
		{ label: t("drill_system"), value: (d) => d.system_name || "" },
		{ label: t("agency"), value: (d) => idx.name(d.agency_id) },
		{ label: t("drill_scenario"), value: (d) => d.scenario },
		{ label: t("drill_participants"), value: (d) => d.participants },
		{ label: t("drill_result"), value: (d) => t("drill_result_" + d.result) },
		{ label: t("drill_findings"), value: (d) => d.findings || "" },
	], items)));
}
