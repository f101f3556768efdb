/*
 * pages.js - one function per page of the dashboard. Each takes the main
 * element and renders into it; lists re-render only their own part when
 * filters or pages change. The agencies list is fetched once per page view
 * (agencyIndex) to show names and fill the agency selects: an officer's
 * API answers only contain their own agency, so the selects follow.
 */
"use strict";

const UPDATE_METHOD = "PUT";

async function agencyIndex() {
	const res = await api("GET", "/agencies", { query: { limit: 500 } });
	const items = (res && res.items) || [];
	const byId = new Map(items.map((a) => [String(a.id), a]));
	return {
		items,
		name: (id) => (id === null || id === undefined ? "" : (byId.get(String(id)) || { name: "#" + id }).name),
		options: () => items.map((a) => [String(a.id), a.name]),
	};
}

function loadingInto(node) {
	clear(node).appendChild(el("p", { class: "loading" }, t("loading")));
}

/* ---- overview ------------------------------------------------------ */

async function pageOverview(main) {
	main.appendChild(pageHeader(t("overview_title")));
	const body = el("div");
	main.appendChild(body);
	loadingInto(body);
	const ov = await api("GET", "/overview");
	const ags = ov.agencies || [];
	/* infected clients per agency from DNS log analysis (dns_upload.c) */
	const dnsInfected = new Map();
	try {
		const inf = await api("GET", "/dns/infections");
		for (const i of (inf && inf.items) || []) dnsInfected.set(String(i.agency_id), i.infected_clients);
	} catch (e) { /* the column shows 0: the overview stays usable */ }
	const sum = (f) => ags.reduce((n, a) => n + (Number(f(a)) || 0), 0);
	const openBy = (s) => sum((a) => (a.open_findings || {})[s]);
	const classified = sum((a) => (a.classified || {}).approved);
	const classTotal = sum((a) => (a.classified || {}).total);
	const card = (label, value, cls, sub) => el("div", { class: "card " + (cls || "") },
		el("div", { class: "card-value" }, value), el("div", { class: "card-label" }, label), sub ? el("div", { class: "card-sub" }, sub) : null);
	const openTotal = SEVERITIES.reduce((n, s) => n + openBy(s), 0);
	clear(body).appendChild(el("div", { class: "cards" },
		card(t("total_agencies"), fmtNum(ags.length)),
		card(t("total_systems"), fmtNum(sum((a) => a.systems))),
		card(t("total_portals"), fmtNum(sum((a) => a.portals))),
		card(t("total_open"), fmtNum(openTotal), openBy("critical") + openBy("high") > 0 ? "card-alert" : "",
			el("span", { class: "sev-line" }, SEVERITIES.filter((s) => s !== "info").map((s) => el("span", { class: "sev-count sev-" + s, title: tEnum("severity", s) }, fmtNum(openBy(s)))))),
		card(t("total_classified"), fmtNum(classified) + " / " + fmtNum(classTotal))));
	const cols = [
		{ label: t("col_agency"), value: (a) => el("div", null, el("div", { class: "strong" }, a.name), el("small", { class: "muted" }, tEnum("agency_kind", a.kind))) },
		{ label: t("col_portals"), class: "num", value: (a) => fmtNum(a.portals) },
		{ label: t("col_systems"), class: "num", value: (a) => fmtNum(a.systems) },
		{ label: t("col_endpoints"), value: (a) => bar(a.endpoints || 0, a.declared_endpoints || 0, fmtNum(a.endpoints || 0) + " / " + fmtNum(a.declared_endpoints || 0)) },
		{ label: t("col_open_findings"), value: (a) => el("span", { class: "sev-line" }, SEVERITIES.map((s) => {
			const n = (a.open_findings || {})[s] || 0;
			return el("span", { class: "sev-count sev-" + s + (n === 0 ? " zero" : ""), title: tEnum("severity", s) }, fmtNum(n));
		})) },
		{ label: t("col_dns_infected"), class: "num dns-infected", value: (a) => fmtNum(dnsInfected.get(String(a.id)) || 0) },
		{ label: t("col_classification"), value: (a) => bar((a.classified || {}).approved || 0, (a.classified || {}).total || 0,
			t("classified_of", { a: (a.classified || {}).approved || 0, b: (a.classified || {}).total || 0 })) },
	];
	const names = new Map(ags.map((a) => [String(a.id), a.name]));
	body.appendChild(await recentEventsPanel(names));
	body.appendChild(el("section", { class: "panel" },
		el("h2", null, t("by_agency")),
		el("div", { class: "legend" }, t("col_open_findings") + ":", SEVERITIES.map((s) => sevBadge(s))),
		table(cols, ags, { onRow: (a) => { location.hash = "#/events?agency_id=" + encodeURIComponent(a.id); } })));
}

/* The latest high and critical findings, for the overview. */
async function recentEventsPanel(names) {
	const panel = el("section", { class: "panel" }, el("h2", null, t("recent_findings")));
	try {
		const res = await api("GET", "/events", { query: { severity: "high", limit: 5 } });
		panel.appendChild(table([
			{ label: t("time"), class: "nowrap", value: (e) => fmtTime(e.time) },
			{ label: t("severity"), value: (e) => sevBadge(e.severity) },
			{ label: t("agency_unit"), value: (e) => names.get(String(e.agency_id)) || e.agency || "" },
			{ label: t("summary"), class: "summary", value: (e) => el("span", { class: "event-summary" }, e.summary || "") },
		], res.items, { rowClass: (e) => "sev-row-" + e.severity, onRow: () => { location.hash = "#/events?severity=high"; } }));
	} catch (e) {
		panel.appendChild(notice("error", errorText(e)));
	}
	return panel;
}

/* ---- agencies ------------------------------------------------------ */

function agencyFields(idx, self) {
	return [
		{ name: "name", label: t("name"), required: true, wide: true },
		{ name: "kind", label: t("kind"), type: "select", options: enumValues("agency_kind", self && self.kind).map((k) => [k, tEnum("agency_kind", k)]), default: "so_ban_nganh" },
		{ name: "parent_id", label: t("parent"), type: "select", options: [["", t("none_option")]].concat(idx.options().filter(([id]) => !self || id !== String(self.id))) },
		{ name: "code", label: t("code") },
		{ name: "declared_endpoints", label: t("declared_endpoints"), type: "number", min: 0, default: 0 },
		{ name: "ip_ranges", label: t("ip_ranges"), type: "list", wide: true, hint: "10.12.0.0/16" },
	];
}

function agencyBody(v) {
	return {
		name: v.name.trim(), kind: v.kind,
		parent_id: v.parent_id === "" ? null : Number(v.parent_id),
		code: v.code.trim() === "" ? null : v.code.trim(),
		ip_ranges: v.ip_ranges,
		declared_endpoints: v.declared_endpoints === null ? 0 : v.declared_endpoints,
	};
}

async function pageAgencies(main) {
	const state = { q: {}, offset: 0, limit: 50 };
	let idx = await agencyIndex();
	const list = el("div");
	const addBtn = canWrite() && !isRole("officer") ? button(t("add"), () => openForm(null), "btn-primary") : null;
	main.append(pageHeader(t("agencies_title"), addBtn),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "kind", label: t("kind"), type: "select", options: enumValues("agency_kind").map((k) => [k, tEnum("agency_kind", k)]) },
		], state.q, (q) => { state.q = q; state.offset = 0; load(); }),
		list);
	const openForm = (a) => {
		/* IP ranges nested in another agency's: the server warns (409 with
		 * confirm_overlap) and the same ranges saved again are confirmed */
		let confirmed = null;
		return formDialog({
			title: a ? t("agency_edit") : t("agency_new"),
			fields: agencyFields(idx, a),
			values: a ? Object.assign({}, a, { parent_id: a.parent_id === null ? "" : String(a.parent_id) }) : {},
			onSubmit: async (v) => {
				const body = agencyBody(v);
				const key = JSON.stringify(body.ip_ranges);
				const query = confirmed === key ? { confirm_overlap: 1 } : undefined;
				try {
					if (a) await api(UPDATE_METHOD, "/agencies/" + a.id, { body, query });
					else await api("POST", "/agencies", { body, query });
				} catch (e) {
					if (e instanceof ApiError && e.status === 409 && e.details.some((d) => d && d.confirm === "confirm_overlap")) {
						confirmed = key;
						throw new ApiError(409, t("overlap_confirm"), e.details);
					}
					throw e;
				}
				toast(t("saved"));
				idx = await agencyIndex();
				load();
			},
		});
	};
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/agencies", { query: Object.assign({ limit: state.limit, offset: state.offset }, state.q) });
			const cols = [
				{ label: t("name"), value: (a) => el("span", { class: "strong" }, a.name) },
				{ label: t("kind"), value: (a) => tEnum("agency_kind", a.kind) },
				{ label: t("code"), value: (a) => a.code || "" },
				{ label: t("parent"), value: (a) => idx.name(a.parent_id) },
				{ label: t("ip_ranges"), value: (a) => el("span", { class: "mono" }, (a.ip_ranges || []).join(", ")) },
				{ label: t("declared_endpoints"), class: "num", value: (a) => fmtNum(a.declared_endpoints) },
			];
			if (canWrite()) {
				cols.push({ label: t("actions"), class: "actions", value: (a) => [
					button(t("edit"), () => openForm(a), "btn-small"),
					isRole("officer") ? null : button(t("delete"), () => confirmDialog(t("confirm_delete", { name: a.name }), async () => {
						await api("DELETE", "/agencies/" + a.id);
						toast(t("deleted"));
						idx = await agencyIndex();
						load();
					}), "btn-small btn-danger-outline"),
				] });
			}
			clear(list).append(el("section", { class: "panel" }, table(cols, res.items),
				pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

/* ---- systems ------------------------------------------------------- */

function systemFields(idx) {
	return [
		{ name: "name", label: t("name"), required: true, wide: true },
		{ name: "agency_id", label: t("agency"), type: "select", options: idx.options(), required: true },
		{ name: "kind", label: t("kind"), type: "select", options: enumValues("system_kind").map((k) => [k, tEnum("system_kind", k)]), default: "portal" },
		{ name: "level", label: t("level"), type: "select", options: [1, 2, 3, 4, 5].map((n) => [String(n), t("level_n", { n })]), default: "2" },
		{ name: "dossier_status", label: t("dossier_status"), type: "select", options: enumValues("dossier").map((k) => [k, tEnum("dossier", k)]), default: "none" },
		{ name: "date_draft", label: t("date_draft"), type: "date" },
		{ name: "date_submitted", label: t("date_submitted"), type: "date" },
		{ name: "date_appraised", label: t("date_appraised"), type: "date" },
		{ name: "date_approved", label: t("date_approved"), type: "date" },
		{ name: "urls", label: t("urls"), type: "list", wide: true, hint: "https://laichau.gov.vn" },
		{ name: "domains", label: t("domains"), type: "list" },
		{ name: "ips", label: t("ips"), type: "list" },
		{ name: "monitor_interval_s", label: t("monitor_interval"), type: "number", min: 30, default: 300 },
	];
}

function systemBody(v) {
	return {
		name: v.name.trim(), agency_id: Number(v.agency_id), kind: v.kind,
		level: Number(v.level), dossier_status: v.dossier_status,
		dossier_dates: { draft: v.date_draft, submitted: v.date_submitted, appraised: v.date_appraised, approved: v.date_approved },
		urls: v.urls, domains: v.domains, ips: v.ips,
		monitor_interval_s: v.monitor_interval_s === null ? 300 : v.monitor_interval_s,
	};
}

function systemValues(s) {
	const d = s.dossier_dates || {};
	return Object.assign({}, s, {
		agency_id: String(s.agency_id), level: String(s.level),
		date_draft: d.draft, date_submitted: d.submitted, date_appraised: d.appraised, date_approved: d.approved,
	});
}

async function pageSystems(main) {
	const state = { q: {}, offset: 0, limit: 50 };
	const idx = await agencyIndex();
	const list = el("div");
	main.append(pageHeader(t("systems_title"), canWrite() ? button(t("add"), () => openForm(null), "btn-primary") : null),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "agency_id", label: t("agency"), type: "select", options: idx.options() },
			{ name: "kind", label: t("kind"), type: "select", options: enumValues("system_kind").map((k) => [k, tEnum("system_kind", k)]) },
			{ name: "level", label: t("level"), type: "select", options: [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]) },
		], state.q, (q) => { state.q = q; state.offset = 0; load(); }),
		list);
	const openForm = (s) => formDialog({
		title: s ? t("system_edit") : t("system_new"),
		fields: systemFields(idx),
		values: s ? systemValues(s) : {},
		onSubmit: async (v) => {
			if (s) await api(UPDATE_METHOD, "/systems/" + s.id, { body: systemBody(v) });
			else await api("POST", "/systems", { body: systemBody(v) });
			toast(t("saved"));
			load();
		},
	});
	const dossierCell = (s) => {
		const d = s.dossier_dates || {};
		const date = d[s.dossier_status];
		return el("div", null, badge(tEnum("dossier", s.dossier_status), "dossier-" + s.dossier_status), date ? el("small", { class: "muted" }, " " + date) : null);
	};
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/systems", { query: Object.assign({ limit: state.limit, offset: state.offset }, state.q) });
			const cols = [
				{ label: t("name"), value: (s) => el("div", null, el("div", { class: "strong" }, s.name), el("small", { class: "mono muted" }, (s.urls || [])[0] || (s.domains || [])[0] || "")) },
				{ label: t("agency"), value: (s) => idx.name(s.agency_id) },
				{ label: t("kind"), value: (s) => tEnum("system_kind", s.kind) },
				{ label: t("level"), class: "num", value: (s) => badge(String(s.level), "level level-" + s.level) },
				{ label: t("dossier_status"), value: dossierCell },
			];
			if (canWrite()) {
				cols.push({ label: t("actions"), class: "actions", value: (s) => [
					button(t("edit"), () => openForm(s), "btn-small"),
					button(t("delete"), () => confirmDialog(t("confirm_delete", { name: s.name }), async () => {
						await api("DELETE", "/systems/" + s.id);
						toast(t("deleted"));
						load();
					}), "btn-small btn-danger-outline"),
				] });
			}
			clear(list).append(el("section", { class: "panel" }, table(cols, res.items),
				pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

/* ---- people -------------------------------------------------------- */

async function pagePeople(main) {
	const state = { q: {}, offset: 0, limit: 50 };
	const idx = await agencyIndex();
	const list = el("div");
	main.append(pageHeader(t("people_title"), canWrite() ? button(t("add"), () => openForm(null), "btn-primary") : null),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
		], state.q, (q) => { state.q = q; state.offset = 0; load(); }),
		list);
	const fields = [
		{ name: "name", label: t("person_name"), required: true },
		{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options(), required: true },
		{ name: "role", label: t("person_role"), type: "select", options: enumValues("person_role").map((k) => [k, tEnum("person_role", k)]), default: "contact_point" },
		{ name: "title", label: t("title") },
		{ name: "phone", label: t("phone"), type: "tel" },
		{ name: "email", label: t("email"), type: "email" },
		{ name: "published_on_portal", label: t("published"), type: "checkbox", wide: true },
	];
	const openForm = (p) => formDialog({
		title: p ? t("person_edit") : t("person_new"),
		fields,
		values: p ? Object.assign({}, p, { agency_id: String(p.agency_id) }) : {},
		onSubmit: async (v) => {
			const body = { name: v.name.trim(), agency_id: Number(v.agency_id), role: v.role, title: v.title, phone: v.phone, email: v.email, published_on_portal: v.published_on_portal };
			if (p) await api(UPDATE_METHOD, "/people/" + p.id, { body });
			else await api("POST", "/people", { body });
			toast(t("saved"));
			load();
		},
	});
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/people", { query: Object.assign({ limit: state.limit, offset: state.offset }, state.q) });
			const cols = [
				{ label: t("person_name"), value: (p) => el("div", null, el("div", { class: "strong" }, p.name), el("small", { class: "muted" }, p.title || "")) },
				{ label: t("agency_unit"), value: (p) => idx.name(p.agency_id) },
				{ label: t("person_role"), value: (p) => tEnum("person_role", p.role) },
				{ label: t("phone"), class: "nowrap", value: (p) => el("span", { class: "mono" }, p.phone || "") },
				{ label: t("email"), value: (p) => el("span", { class: "mono" }, p.email || "") },
				{ label: t("published"), value: (p) => (p.published_on_portal ? badge(t("yes"), "ok") : badge(t("no"), "warn")) },
			];
			if (canWrite()) {
				cols.push({ label: t("actions"), class: "actions", value: (p) => [
					button(t("edit"), () => openForm(p), "btn-small"),
					button(t("delete"), () => confirmDialog(t("confirm_delete", { name: p.name }), async () => {
						await api("DELETE", "/people/" + p.id);
						toast(t("deleted"));
						load();
					}), "btn-small btn-danger-outline"),
				] });
			}
			clear(list).append(el("section", { class: "panel" }, table(cols, res.items),
				pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

/* ---- events -------------------------------------------------------- */

/* datetime-local value (province time) -> RFC 3339 with +07:00. */
function localToRfc3339(v) {
	if (!v) return "";
	return (v.length === 16 ? v + ":00" : v) + "+07:00";
}

function evidenceView(ev) {
	const rows = [
		[t("event_id"), ev.id], [t("time"), fmtTime(ev.time)], [t("received_at"), fmtTime(ev.received_at)],
		[t("host"), ev.host], [t("agency_unit"), ev.agency], [t("source"), tEnum("source", ev.source)], [t("event_kind"), tEnum("event_kind", ev.kind)],
		[t("subject"), ev.subject], [t("summary"), ev.summary],
	];
	return el("div", { class: "event-detail" },
		el("dl", null, rows.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [el("dt", null, k), el("dd", null, String(v))])),
		el("h3", null, t("evidence")),
		el("pre", { class: "evidence" }, JSON.stringify(ev.evidence || {}, null, 2)));
}

async function pageEvents(main, params) {
	const idx = await agencyIndex();
	const state = { q: {}, cursors: [null], limit: 50 };
	for (const k of ["agency_id", "source", "kind", "severity", "q"]) if (params.get(k)) state.q[k] = params.get(k);
	const list = el("div");
	main.append(pageHeader(t("events_title")),
		filterBar([
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
			{ name: "source", label: t("source"), type: "select", options: enumValues("source").map((k) => [k, tEnum("source", k)]) },
			{ name: "kind", label: t("event_kind"), type: "select", options: enumValues("event_kind").map((k) => [k, tEnum("event_kind", k)]) },
			{ name: "severity", label: t("severity_min"), type: "select", options: SEVERITIES.slice().reverse().map((s) => [s, tEnum("severity", s)]) },
			{ name: "since", label: t("since"), type: "datetime-local" },
			{ name: "until", label: t("until"), type: "datetime-local" },
			{ name: "q", label: t("text") },
		], state.q, (q) => { state.q = q; state.cursors = [null]; load(); }),
		list);
	const load = async () => {
		loadingInto(list);
		try {
			const q = Object.assign({}, state.q, { limit: state.limit });
			if (q.since) q.since = localToRfc3339(q.since);
			if (q.until) q.until = localToRfc3339(q.until);
			const before = state.cursors[state.cursors.length - 1];
			if (before !== null) q.before = before;
			const res = await api("GET", "/events", { query: q });
			const cols = [
				{ label: t("time"), class: "nowrap", value: (e) => fmtTime(e.time) },
				{ label: t("severity"), value: (e) => sevBadge(e.severity) },
				{ label: t("agency_unit"), value: (e) => e.agency_id !== null && e.agency_id !== undefined ? idx.name(e.agency_id) : (e.agency || "") },
				{ label: t("source"), value: (e) => el("div", null, el("div", null, tEnum("source", e.source)), el("small", { class: "muted" }, tEnum("event_kind", e.kind))) },
				{ label: t("summary"), class: "summary", value: (e) => el("div", null, el("div", { class: "event-summary" }, e.summary || ""), e.subject ? el("small", { class: "mono muted subject" }, e.subject) : null) },
				{ label: t("host"), value: (e) => el("span", { class: "mono" }, e.host || "") },
			];
			const tbl = table(cols, res.items, {
				rowClass: (e) => "sev-row-" + e.severity,
				onRow: (e, tr) => {
					const next = tr.nextElementSibling;
					if (next && next.classList.contains("detail-row")) { next.remove(); tr.classList.remove("open"); return; }
					tr.classList.add("open");
					tr.after(el("tr", { class: "detail-row" }, el("td", { colspan: String(cols.length) }, evidenceView(e))));
				},
			});
			const nav = el("div", { class: "pager" },
				el("button", { type: "button", class: "btn btn-small", disabled: state.cursors.length <= 1, onclick: () => { state.cursors = [null]; load(); } }, t("newest")),
				el("button", { type: "button", class: "btn btn-small", disabled: res.next === null || res.next === undefined, onclick: () => { state.cursors.push(res.next); load(); } }, t("older")));
			clear(list).append(el("section", { class: "panel" }, tbl, nav));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

/* ---- CSV import ---------------------------------------------------- */

function importPanel(title, path, columns) {
	const file = el("input", { type: "file", accept: ".csv,text/csv", name: "file", id: "file-" + path });
	const text = el("textarea", { rows: "6", class: "mono", name: "csv", id: "csv-" + path, placeholder: columns });
	const result = el("div", { class: "import-result" });
	file.addEventListener("change", async () => {
		if (file.files && file.files[0]) text.value = await file.files[0].text();
	});
	const go = async () => {
		clear(result);
		if (text.value.trim() === "") { result.appendChild(notice("error", t("import_empty"))); return; }
		try {
			const res = await api("POST", "/import/" + path, { raw: text.value, type: "text/csv" });
			result.appendChild(notice((res.errors || []).length ? "warn" : "ok", t("import_result", { n: res.imported })));
			if ((res.errors || []).length) {
				result.appendChild(el("p", null, t("import_errors", { n: res.errors.length })));
				result.appendChild(table([
					{ label: t("row"), class: "num", value: (r) => String(r.row) },
					{ label: t("field"), value: (r) => el("span", { class: "mono" }, r.field || "") },
					{ label: t("message"), value: (r) => r.message || "" },
				], res.errors, { rowClass: () => "import-error" }));
			}
		} catch (e) {
			result.appendChild(notice("error", errorText(e)));
		}
	};
	return el("section", { class: "panel import-panel", id: "import-" + path },
		el("h2", null, title),
		el("p", { class: "muted" }, t("import_columns", { cols: columns })),
		el("div", { class: "form-row" }, el("label", { for: file.id }, t("import_file")), file),
		el("div", { class: "form-row" }, el("label", { for: text.id }, t("import_or_paste")), text),
		el("div", { class: "dialog-actions" }, button(t("import_button"), go, "btn-primary")),
		result);
}

async function pageImport(main) {
	main.append(pageHeader(t("import_title")),
		el("p", { class: "intro" }, t("import_intro")),
		el("div", { class: "two-col" },
			isRole("officer") ? null : importPanel(t("import_agencies"), "agencies", "name,kind,parent,code,ip_ranges,declared_endpoints"),
			importPanel(t("import_systems"), "systems", "agency,name,kind,urls,domains,ips,level,dossier_status")));
}

/* ---- users and tokens (admin) -------------------------------------- */

async function pageUsers(main) {
	const idx = await agencyIndex();
	const state = { offset: 0, limit: 50 };
	const list = el("div");
	main.append(pageHeader(t("users_title"), button(t("add"), () => openForm(null), "btn-primary")), list);
	const roleOpts = enumValues("role").map((k) => [k, tEnum("role", k)]);
	const openForm = (u) => formDialog({
		title: u ? t("user_edit") : t("user_new"),
		fields: [
			{ name: "username", label: t("username"), required: !u },
			{ name: "display_name", label: t("display_name") },
			{ name: "role", label: t("role"), type: "select", options: roleOpts, default: "viewer" },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: [["", t("none_option")]].concat(idx.options()) },
			{ name: "password", label: t("password_new"), type: "password", required: !u, hint: u ? t("password_keep") : null },
			u ? { name: "disabled", label: t("disabled"), type: "checkbox" } : null,
		].filter(Boolean),
		values: u ? Object.assign({}, u, { agency_id: u.agency_id === null ? "" : String(u.agency_id), password: "" }) : {},
		onSubmit: async (v) => {
			const body = { display_name: v.display_name, role: v.role, agency_id: v.agency_id === "" ? null : Number(v.agency_id) };
			if (v.password) body.password = v.password;
			if (u) {
				body.disabled = v.disabled;
				await api(UPDATE_METHOD, "/users/" + u.id, { body });
			} else {
				body.username = v.username.trim();
				await api("POST", "/users", { body });
			}
			toast(t("saved"));
			load();
		},
	});
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/users", { query: { limit: state.limit, offset: state.offset } });
			clear(list).append(el("section", { class: "panel" }, table([
				{ label: t("username"), value: (u) => el("span", { class: "mono strong" }, u.username) },
				{ label: t("display_name"), value: (u) => u.display_name || "" },
				{ label: t("role"), value: (u) => tEnum("role", u.role) },
				{ label: t("agency_unit"), value: (u) => (u.agency_id === null || u.agency_id === undefined ? el("span", { class: "muted" }, t("province_wide")) : idx.name(u.agency_id)) },
				{ label: t("status"), value: (u) => (u.disabled ? badge(t("disabled"), "warn") : badge(t("active"), "ok")) },
				{ label: t("actions"), class: "actions", value: (u) => [
					button(t("edit"), () => openForm(u), "btn-small"),
					session.user && u.id === session.user.id ? null : button(t("delete"), () => confirmDialog(t("confirm_delete", { name: u.username }), async () => {
						await api("DELETE", "/users/" + u.id);
						toast(t("deleted"));
						load();
					}), "btn-small btn-danger-outline"),
				] },
			], res.items), pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

async function pageTokens(main) {
	const idx = await agencyIndex();
	const list = el("div");
	const secretBox = el("div");
	main.append(pageHeader(t("tokens_title"), button(t("add"), () => openForm(), "btn-primary")), secretBox, list);
	const openForm = () => formDialog({
		title: t("token_new"),
		fields: [
			{ name: "name", label: t("name"), required: true, wide: true },
			{ name: "scope", label: t("scope"), type: "select", options: enumValues("scope").map((k) => [k, tEnum("scope", k)]), default: "ingest" },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: [["", t("none_option")]].concat(idx.options()) },
		],
		onSubmit: async (v) => {
			const body = { name: v.name.trim(), scope: v.scope };
			if (v.agency_id !== "") body.agency_id = Number(v.agency_id);
			const res = await api("POST", "/tokens", { body });
			clear(secretBox).appendChild(el("div", { class: "notice notice-ok secret" },
				el("div", null, t("token_created")), el("code", { class: "token-secret" }, res.token),
				button(t("close"), () => clear(secretBox), "btn-small")));
			load();
		},
	});
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/tokens", { query: { limit: 500 } });
			clear(list).append(el("section", { class: "panel" }, table([
				{ label: t("name"), value: (x) => el("span", { class: "strong" }, x.name) },
				{ label: t("scope"), value: (x) => tEnum("scope", x.scope) },
				{ label: t("agency_unit"), value: (x) => (x.agency_id === null || x.agency_id === undefined ? el("span", { class: "muted" }, t("province_wide")) : idx.name(x.agency_id)) },
				{ label: t("created_at"), class: "nowrap", value: (x) => fmtTime(x.created_at) },
				{ label: t("last_used_at"), class: "nowrap", value: (x) => (x.last_used_at ? fmtTime(x.last_used_at) : t("never")) },
				{ label: t("status"), value: (x) => (x.revoked_at ? badge(t("revoked") + " " + fmtTime(x.revoked_at), "warn") : badge(t("active"), "ok")) },
				{ label: t("actions"), class: "actions", value: (x) => (x.revoked_at ? null : button(t("revoke"), () => confirmDialog(t("confirm_revoke", { name: x.name }), async () => {
					await api("DELETE", "/tokens/" + x.id);
					load();
				}, t("revoke")), "btn-small btn-danger-outline")) },
			], res.items)));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}

/* ---- audit log ----------------------------------------------------- */

/* An audit detail in one short line: the record's name first, then the
 * other members as key=value; the whole JSON is in the tooltip. */
function auditDetail(a) {
	const d = a.detail;
	if (d === null || d === undefined || d === "") return "";
	if (typeof d !== "object") return el("span", { class: "small" }, String(d));
	const full = JSON.stringify(d);
	const name = d.name || d.username || null;
	const rest = Object.entries(d).filter(([k, v]) => k !== "name" && k !== "username" && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
		.map(([k, v]) => k + "=" + (typeof v === "object" ? JSON.stringify(v) : String(v))).join("; ");
	const short = rest.length > 140 ? rest.slice(0, 140) + "…" : rest;
	return el("div", { title: full }, name ? el("div", { class: "strong" }, String(name)) : null, short ? el("small", { class: "mono muted" }, short) : null);
}

async function pageAudit(main) {
	const state = { q: {}, offset: 0, limit: 50 };
	const list = el("div");
	main.append(pageHeader(t("audit_title")),
		filterBar([
			{ name: "actor", label: t("actor") },
			{ name: "since", label: t("since"), type: "datetime-local" },
		], state.q, (q) => { state.q = q; state.offset = 0; load(); }),
		list);
	const load = async () => {
		loadingInto(list);
		try {
			const q = Object.assign({ limit: state.limit, offset: state.offset }, state.q);
			if (q.since) q.since = localToRfc3339(q.since);
			const res = await api("GET", "/audit", { query: q });
			clear(list).append(el("section", { class: "panel" }, table([
				{ label: t("time"), class: "nowrap", value: (a) => fmtTime(a.time) },
				{ label: t("actor"), value: (a) => el("span", { class: "mono" }, a.actor || "") },
				{ label: t("action"), value: (a) => tEnum("audit_action", a.action) },
				{ label: t("object"), class: "nowrap", value: (a) => tEnum("object_type", a.object_type) + (a.object_id !== null && a.object_id !== undefined ? " #" + a.object_id : "") },
				{ label: t("detail"), class: "summary", value: auditDetail },
			], res.items), pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}
