/*
 * page_compliance.js - #/compliance (Tuân thủ): the status of every
 * compliance control (GET /compliance, decided by lib/compliance) as a
 * matrix of agencies × controls, each cell coloured by the worst status of
 * that control's subjects in the agency; a click opens the subjects with
 * their evidence, due date, legal basis and what to do. Then the calendar
 * of the next 90 days. The API scopes the data: an officer sees only their
 * own agency. Those who may write (admin, analyst, an officer for their
 * agency) record evidence canhgac cannot see by itself (POST
 * /compliance/records: an assessment, a plan, a report...), with the
 * file that shows it when there is one (POST /compliance/records/upload:
 * the bytes as the body), and see the records with their files (GET
 * /compliance/records; a file downloads as an attachment).
 * complianceCard() is the overview's card with the province's
 * percentage. Every text from the server goes in as text.
 */
"use strict";

const CMP_STATUSES = ["ok", "due_soon", "overdue", "missing_evidence", "not_applicable"];
/* worst first: the colour of a cell */
const CMP_WORST = ["overdue", "missing_evidence", "due_soon", "ok", "not_applicable"];

function cmpStatusBadge(s) {
	return badge(t("cmp_st_" + s), "cmp cmp-" + (CMP_STATUSES.includes(s) ? s : "not_applicable"));
}

function cmpLang(obj, key) {
	return getLang() === "en" ? (obj[key + "_en"] || obj[key]) : obj[key];
}

function cmpSubjectLabel(r) {
	return t("cmp_subject_" + r.subject_type) + ": " + (r.subject_name || String(r.subject_id));
}

function cmpOpenCell(ctrl, agencyName, rows) {
	openDialog({
		title: cmpLang(ctrl, "title") + " — " + agencyName,
		build: (dlg, title, close) => {
			dlg.appendChild(title);
			dlg.appendChild(el("p", { class: "small" }, el("strong", null, t("cmp_basis") + ": "), ctrl.legal_basis,
				ctrl.awaiting_decree ? el("em", null, " (" + t("cmp_awaiting") + ")") : null));
			const todo = cmpLang(ctrl, "explain");
			if (todo) dlg.appendChild(el("p", { class: "small" }, el("strong", null, t("cmp_todo") + ": "), todo));
			dlg.appendChild(table([
				{ label: t("cmp_subject"), value: (r) => cmpSubjectLabel(r) },
				{ label: t("cmp_status"), value: (r) => cmpStatusBadge(r.status) },
				{ label: t("cmp_due"), value: (r) => (r.due ? fmtDate(r.due) : "—") },
				{ label: t("cmp_evidence"), value: (r) => (r.link ? el("a", { href: r.link, onclick: () => close() }, cmpLang(r, "evidence")) : cmpLang(r, "evidence")) },
			], rows));
			dlg.appendChild(el("div", { class: "form-actions" }, button(t("close"), close)));
		},
	});
}

async function pageCompliance(main, params) {
	main.appendChild(pageHeader(t("cmp_title")));
	const body = el("div", { id: "compliance-body" });
	main.appendChild(body);
	loadingInto(body);
	const data = await api("GET", "/compliance");
	clear(body);
	const sum = data.summary || {};
	body.appendChild(el("p", { class: "muted", id: "cmp-regime" }, t("cmp_regime", { regime: sum.regime_title || sum.regime || "", at: fmtDate(sum.at) })));
	body.appendChild(el("div", { class: "cards" },
		el("div", { class: "card", id: "cmp-percent" },
			el("div", { class: "card-value" }, sum.percent === null || sum.percent === undefined ? "—" : sum.percent + "%"),
			el("div", { class: "card-label" }, t("cmp_province"))),
		...CMP_STATUSES.map((s) => el("div", { class: "card" },
			el("div", { class: "card-value" }, fmtNum((sum.counts || {})[s] || 0)),
			el("div", { class: "card-label" }, cmpStatusBadge(s))))));

	const controls = data.controls || [];
	const results = data.results || [];
	/* one system's own controls (#/compliance?system=ID, from the systems page) */
	const sysId = params && params.get ? Number(params.get("system")) : 0;
	if (sysId) {
		const mine = results.filter((r) => r.subject_type === "system" && r.subject_id === sysId);
		body.appendChild(el("h2", null, t("cmp_system_title", { name: mine.length ? mine[0].subject_name : "#" + sysId })));
		body.appendChild(el("div", { id: "cmp-system" }, table([
			{ label: t("cmp_control"), value: (r) => cmpLang(r, "title") },
			{ label: t("cmp_status"), value: (r) => cmpStatusBadge(r.status) },
			{ label: t("cmp_due"), value: (r) => (r.due ? fmtDate(r.due) : "—") },
			{ label: t("cmp_evidence"), value: (r) => cmpLang(r, "evidence") },
			{ label: t("cmp_basis"), value: (r) => r.legal_basis },
		], mine)));
	}

	/* the matrix: one row per agency, one column per control */
	const cells = new Map(); /* "agency|control" -> [results] */
	for (const r of results) {
		const k = r.agency_id + "|" + r.control;
		if (!cells.has(k)) cells.set(k, []);
		cells.get(k).push(r);
	}
	body.appendChild(el("h2", null, t("cmp_matrix_title")));
	body.appendChild(el("p", { class: "muted small" }, t("cmp_matrix_help")));
	const head = el("tr", null, el("th", { scope: "col" }, t("col_agency")), el("th", { scope: "col" }, t("cmp_percent")),
		controls.map((c) => el("th", { scope: "col", class: "cmp-col", title: cmpLang(c, "title") + "\n" + c.legal_basis }, c.id)));
	const rows = (sum.agencies || []).map((a) => el("tr", { dataset: { agency: String(a.agency_id) } },
		el("th", { scope: "row", class: "cmp-row" }, a.name),
		el("td", { class: "num" }, a.percent === null || a.percent === undefined ? "—" : a.percent + "%"),
		controls.map((c) => {
			const list = cells.get(a.agency_id + "|" + c.id) || [];
			if (!list.length) return el("td", { class: "cmp-cell cmp-none" }, "");
			const worst = CMP_WORST.find((s) => list.some((r) => r.status === s)) || "not_applicable";
			const good = list.filter((r) => r.status === "ok" || r.status === "due_soon").length;
			const counted = list.filter((r) => r.status !== "not_applicable").length;
			const label = cmpLang(c, "title") + " — " + a.name + ": " + t("cmp_st_" + worst);
			return el("td", { class: "cmp-cell" },
				el("button", { type: "button", class: "cmp-btn cmp-" + worst, title: label, "aria-label": label,
					dataset: { control: c.id, status: worst },
					onclick: () => cmpOpenCell(c, a.name, list) }, counted ? good + "/" + counted : "–"));
		})));
	body.appendChild(el("div", { class: "table-wrap", id: "cmp-matrix" },
		el("table", { class: "data cmp-matrix" }, el("thead", null, head), el("tbody", null, rows))));

	/* the calendar */
	const cal = data.calendar || [];
	const byAgency = new Map((sum.agencies || []).map((a) => [a.agency_id, a.name]));
	body.appendChild(el("h2", null, t("cmp_calendar_title")));
	if (!cal.length) body.appendChild(el("p", { class: "notice", id: "cmp-calendar-none" }, t("cmp_calendar_none")));
	else body.appendChild(el("div", { id: "cmp-calendar" }, table([
		{ label: t("cmp_due"), value: (r) => fmtDate(r.due) },
		{ label: t("cmp_control"), value: (r) => cmpLang(r, "title") },
		{ label: t("col_agency"), value: (r) => byAgency.get(r.agency_id) || "" },
		{ label: t("cmp_subject"), value: (r) => cmpSubjectLabel(r) },
		{ label: t("cmp_status"), value: (r) => cmpStatusBadge(r.status) },
	], cal)));

	/* record evidence */
	const kinds = controls.filter((c) => c.record_kind);
	if (isRole("admin", "analyst", "officer") && kinds.length && (sum.agencies || []).length) {
		const systemsOf = (agencyId) => {
			const seen = new Map();
			for (const r of results) if (r.subject_type === "system" && r.agency_id === agencyId) seen.set(r.subject_id, r.subject_name);
			return [...seen.entries()];
		};
		const f = {
			agency: el("select", { id: "cmp-rec-agency" }, (sum.agencies || []).map((a) => el("option", { value: String(a.agency_id) }, a.name))),
			system: el("select", { id: "cmp-rec-system" }),
			kind: el("select", { id: "cmp-rec-kind" }, kinds.map((c) => el("option", { value: c.record_kind, dataset: { applies: c.applies } }, cmpLang(c, "title")))),
			date: el("input", { id: "cmp-rec-date", type: "text", inputmode: "numeric", required: true, placeholder: t("date_placeholder"),
				value: fmtDate(new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10)) }),
			assessor: el("input", { id: "cmp-rec-assessor", type: "text", maxlength: 2000 }),
			note: el("textarea", { id: "cmp-rec-note", rows: 2, maxlength: 2000 }),
			file: el("input", { id: "cmp-rec-file", type: "file", name: "file" }),
		};
		const fillSystems = () => {
			clear(f.system);
			f.system.appendChild(el("option", { value: "" }, t("cmp_rec_whole_agency")));
			for (const [id, name] of systemsOf(Number(f.agency.value))) f.system.appendChild(el("option", { value: String(id) }, name));
		};
		f.agency.addEventListener("change", fillSystems);
		fillSystems();
		const row = (label, input) => el("div", { class: "form-row" }, el("label", { for: input.id }, label), input);
		const err = el("p", { class: "form-error", role: "alert" });
		const form = el("form", { id: "cmp-rec-form", class: "form", novalidate: true,
			onsubmit: async (ev) => {
				ev.preventDefault();
				err.textContent = "";
				const date = parseDmy(f.date.value);
				if (!date) { err.textContent = t("err_date"); return; }
				const file = f.file.files && f.file.files[0];
				try {
					if (file) {
						/* the record with its file: the bytes as the body, the record in the query */
						await api("POST", "/compliance/records/upload", {
							query: { kind: f.kind.value, date, agency_id: Number(f.agency.value), system_id: f.system.value,
								assessor: f.assessor.value, note: f.note.value, name: file.name },
							raw: file, type: "application/octet-stream" });
					} else {
						await api("POST", "/compliance/records", { body: {
							kind: f.kind.value, date, agency_id: Number(f.agency.value),
							system_id: f.system.value ? Number(f.system.value) : null,
							assessor: f.assessor.value, note: f.note.value,
						} });
					}
					toast(t("cmp_rec_saved"));
					clear(main);
					await pageCompliance(main, params);
				} catch (e) {
					err.textContent = errorText(e);
				}
			} },
			row(t("col_agency"), f.agency), row(t("cmp_rec_system"), f.system), row(t("cmp_rec_kind"), f.kind),
			row(t("cmp_rec_date"), f.date), row(t("cmp_rec_assessor"), f.assessor), row(t("cmp_rec_note"), f.note),
			row(t("cmp_rec_file"), f.file),
			err, el("button", { type: "submit", class: "btn btn-primary", id: "cmp-rec-save" }, t("cmp_rec_save")));
		body.appendChild(el("h2", null, t("cmp_rec_title")));
		body.appendChild(el("p", { class: "muted small" }, t("cmp_rec_help")));
		body.appendChild(form);
	}
	await cmpRecords(body, data);
}

/* The records of evidence in the caller's scope, newest first, with the
 * file each carries (downloaded as an attachment). */
async function cmpRecords(body, data) {
	const box = el("div", { id: "cmp-records" });
	body.appendChild(el("h2", null, t("cmp_recs_title")));
	body.appendChild(box);
	let items = [];
	try {
		items = ((await api("GET", "/compliance/records", { query: { limit: 200 } })) || {}).items || [];
	} catch (e) {
		box.appendChild(el("p", { class: "form-error" }, errorText(e)));
		return;
	}
	const kindTitle = new Map((data.controls || []).filter((c) => c.record_kind).map((c) => [c.record_kind, cmpLang(c, "title")]));
	const byAgency = new Map(((data.summary || {}).agencies || []).map((a) => [a.agency_id, a.name]));
	if (!items.length) { box.appendChild(el("p", { class: "muted", id: "cmp-records-none" }, t("cmp_recs_none"))); return; }
	box.appendChild(table([
		{ label: t("cmp_rec_date"), class: "nowrap", value: (r) => (r.date ? fmtDate(r.date) : "—") },
		{ label: t("cmp_rec_kind"), value: (r) => kindTitle.get(r.kind) || r.kind },
		{ label: t("col_agency"), value: (r) => byAgency.get(r.agency_id) || "" },
		{ label: t("cmp_subject"), value: (r) => r.subject || "" },
		{ label: t("cmp_rec_assessor"), value: (r) => r.assessor || "" },
		{ label: t("cmp_rec_file"), value: (r) => (r.file
			? el("a", { href: "/api/v1/compliance/records/" + encodeURIComponent(r.seq) + "/file", download: "", class: "cmp-rec-file" },
				r.file.name + " (" + fmtNum(r.file.size) + " B)")
			: "—") },
	], items));
}

/* The overview's card: the province's (or the officer's agency's) rate. */
function complianceCard() {
	const value = el("div", { class: "card-value" }, "…");
	const card = el("a", { class: "card card-link", href: "#/compliance", id: "card-compliance" },
		value, el("div", { class: "card-label" }, t("cmp_card")));
	api("GET", "/compliance").then((d) => {
		const p = d && d.summary ? d.summary.percent : null;
		value.textContent = p === null || p === undefined ? "—" : p + "%";
	}).catch(() => { value.textContent = "—"; });
	return card;
}
