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

/* Problems first: agencies with critical, then high open findings on top;
 * any column can sort the table instead (kept in the address). */
const OV_SORTS = {
	risk: (a) => [a.open_findings.critical || 0, a.open_findings.high || 0, a.open_total || 0],
	name: (a) => a.name,
	portals: (a) => a.portals || 0,
	systems: (a) => a.systems || 0,
	endpoints: (a) => (a.declared_endpoints > 0 ? (a.enrolled || 0) / a.declared_endpoints : -1),
	malware: (a) => a.malware_hosts || 0,
	dns: (a) => a.dns_clients || 0,
	classified: (a) => ((a.classified || {}).total > 0 ? a.classified.approved / a.classified.total : -1),
};

function compareBy(key, dir) {
	const f = OV_SORTS[key] || OV_SORTS.risk;
	const sign = dir === "asc" ? 1 : -1;
	return (x, y) => {
		const a = f(x), b = f(y);
		let c = 0;
		if (Array.isArray(a)) { for (let i = 0; i < a.length && c === 0; i++) c = a[i] - b[i]; }
		else if (typeof a === "string") c = a.localeCompare(b, "vi");
		else c = a - b;
		return c !== 0 ? sign * c : x.name.localeCompare(y.name, "vi");
	};
}

/* The overview's first day, as the events filter needs it (the open
 * findings are counted over whole UTC days, figures.h). */
function ovSince(ov) {
	const first = (ov.trend || [])[0];
	return first ? first.day + "T00:00:00Z" : "";
}

async function pageOverview(main, params) {
	const sort = { key: params.get("sort") || "risk", dir: params.get("dir") || (params.get("sort") && params.get("sort") !== "risk" ? "asc" : "desc") };
	main.appendChild(pageHeader(t("overview_title"), el("span", { class: "muted small", id: "ov-updated", "aria-live": "polite" })));
	const body = el("div", { id: "overview-body" });
	main.appendChild(body);
	loadingInto(body);
	const draw = async () => {
		const ov = await api("GET", "/overview");
		const ags = (ov.agencies || []).map((a) => Object.assign({ open_findings: {} }, a));
		const tot = ov.totals || {};
		const of = tot.open_findings || {};
		const since = ovSince(ov);
		const card = (id, href, label, value, cls, sub) => el("a", { class: "card card-link " + (cls || ""), href, id },
			el("div", { class: "card-value" }, value), el("div", { class: "card-label" }, label), sub ? el("div", { class: "card-sub" }, sub) : null);
		const sevLine = (counts, hrefOf) => el("span", { class: "sev-line" }, SEVERITIES.map((s) => {
			const n = counts[s] || 0;
			const label = tEnum("severity", s) + ": " + fmtNum(n);
			const attrs = { class: "sev-count sev-" + s + (n === 0 ? " zero" : ""), title: label, "aria-label": label, dataset: { sev: s } };
			return hrefOf ? el("a", Object.assign({ href: hrefOf(s) }, attrs), fmtNum(n)) : el("span", attrs, fmtNum(n));
		}));
		const cards = el("div", { class: "cards" },
			card("card-open", "#/triage?state=new" + (since ? "&since=" + encodeURIComponent(since) : ""), t("total_open_days", { days: ov.open_days || 30 }), fmtNum(tot.open_total), (of.critical || 0) + (of.high || 0) > 0 ? "card-alert" : "",
				el("div", null, el("small", { class: "muted" }, t("by_severity")), " ", sevLine(of))),
			card("card-endpoints", "#/endpoints", t("fig_enrolled_declared"), fmtNum(tot.enrolled) + " / " + fmtNum(tot.declared_endpoints), "",
				el("small", { class: "muted" }, t("fig_online_n", { n: fmtNum(tot.online) }))),
			card("card-malware", "#/events?source=malware" + (since ? "&severity=high&since=" + encodeURIComponent(since) : ""), t("fig_malware_hosts"), fmtNum(tot.malware_hosts), tot.malware_hosts > 0 ? "card-alert" : ""),
			card("card-dns", "#/dns", t("fig_dns_clients"), fmtNum(tot.dns_clients), tot.dns_clients > 0 ? "card-alert" : ""),
			card("card-portals", "#/portals", t("total_portals"), fmtNum(tot.portals)),
			card("card-systems", "#/systems", t("total_systems"), fmtNum(tot.systems), "", el("small", { class: "muted" }, t("classified_of", { a: fmtNum((tot.classified || {}).approved || 0), b: fmtNum((tot.classified || {}).total || 0) }))),
			complianceCard());
		const cols = [
			{ label: t("col_agency"), sortKey: "name", class: "ov-agency", value: (a) => el("div", null, el("div", { class: "strong" }, a.name), el("small", { class: "muted" }, tEnum("agency_kind", a.kind))) },
			{ label: t("col_open_findings"), sortKey: "risk", class: "ov-findings", value: (a) => sevLine(a.open_findings,
				(s) => "#/events?agency_id=" + encodeURIComponent(a.id) + "&severity=" + s + (since ? "&since=" + encodeURIComponent(since) : "")) },
			{ label: t("col_enrolled_declared"), sortKey: "endpoints", class: "ov-bar", value: (a) => bar(a.enrolled || 0, a.declared_endpoints || 0,
				fmtNum(a.enrolled || 0) + " / " + fmtNum(a.declared_endpoints || 0) + " · " + t("fig_online_n", { n: fmtNum(a.online || 0) })) },
			{ label: t("col_malware_hosts"), sortKey: "malware", class: "num malware-hosts", value: (a) => fmtNum(a.malware_hosts || 0) },
			{ label: t("col_dns_clients"), sortKey: "dns", class: "num dns-infected", value: (a) => fmtNum(a.dns_clients || 0) },
			{ label: t("col_portals"), sortKey: "portals", class: "num", value: (a) => fmtNum(a.portals) },
			{ label: t("col_systems"), sortKey: "systems", class: "num", value: (a) => fmtNum(a.systems) },
			{ label: t("col_classification"), sortKey: "classified", class: "ov-bar", value: (a) => bar((a.classified || {}).approved || 0, (a.classified || {}).total || 0,
				t("classified_of", { a: (a.classified || {}).approved || 0, b: (a.classified || {}).total || 0 })) },
		];
		const names = new Map(ags.map((a) => [String(a.id), a.name]));
		const tableBox = el("div", { id: "agency-table" });
		const drawTable = () => {
			const rows = ags.slice().sort(compareBy(sort.key, sort.dir));
			clear(tableBox).appendChild(table(cols, rows, {
				sort: { key: sort.key, dir: sort.dir, onSort: (k) => {
					sort.dir = sort.key === k ? (sort.dir === "asc" ? "desc" : "asc") : (k === "name" ? "asc" : "desc");
					sort.key = k;
					keepInHash("overview", sort.key === "risk" && sort.dir === "desc" ? {} : { sort: sort.key, dir: sort.dir });
					drawTable();
					const b = tableBox.querySelector(`button[data-sort="${k}"]`);
					if (b) b.focus();
				} },
				rowClass: (a) => (a.open_findings.critical > 0 ? "risk-critical" : a.open_findings.high > 0 ? "risk-high" : ""),
				onRow: (a) => { location.hash = "#/events?agency_id=" + encodeURIComponent(a.id); },
			}));
		};
		drawTable();
		const recent = await recentEventsPanel(names);
		clear(body).append(cards,
			el("div", { class: "ov-row" }, recent, trendPanel(ov.trend || [])),
			el("section", { class: "panel" },
				el("h2", null, t("by_agency")),
				el("p", { class: "muted small" }, t("by_agency_help", { days: ov.open_days || 30 })),
				tableBox));
		const upd = document.getElementById("ov-updated");
		if (upd) upd.textContent = t("updated_at", { at: fmtTime(new Date(), { seconds: true }) });
	};
	await draw();
	autoRefresh(() => draw().catch(() => { /* the next round tries again */ }));
}

/* Findings per day over the open-findings window, stacked by severity:
 * an SVG built with createElementNS (no library, nothing inline), each
 * day's bar titled with its date and counts for hover and screen readers. */
function trendPanel(days) {
	const W = 620, H = 180, padL = 30, padB = 22, padT = 8;
	const sevs = SEVERITIES.slice().reverse(); /* info at the bottom, critical on top */
	const totals = days.map((d) => SEVERITIES.reduce((n, s) => n + (d[s] || 0), 0));
	const max = Math.max(1, ...totals);
	const sum = totals.reduce((a, b) => a + b, 0);
	const bw = (W - padL - 4) / Math.max(1, days.length);
	const y = (v) => padT + (H - padT - padB) * (1 - v / max);
	const label = t("trend_summary", { days: days.length, n: fmtNum(sum) });
	const svg = svgEl("svg", { class: "trend-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, preserveAspectRatio: "none" },
		svgEl("title", null, label));
	for (const v of [0, max]) {
		svg.appendChild(svgEl("line", { x1: padL, x2: W - 2, y1: y(v), y2: y(v), class: "trend-grid" }));
		svg.appendChild(svgEl("text", { x: padL - 4, y: y(v) + 4, class: "trend-axis", "text-anchor": "end" }, String(v)));
	}
	days.forEach((d, i) => {
		const g = svgEl("g", { class: "trend-day", "data-day": d.day });
		const tip = fmtDate(d.day) + ": " + SEVERITIES.filter((s) => d[s]).map((s) => fmtNum(d[s]) + " " + tEnum("severity", s)).join(", ") || fmtDate(d.day) + ": 0";
		g.appendChild(svgEl("title", null, totals[i] ? tip : fmtDate(d.day) + ": 0"));
		let acc = 0;
		for (const s of sevs) {
			const n = d[s] || 0;
			if (!n) continue;
			g.appendChild(svgEl("rect", { x: (padL + i * bw + 1).toFixed(1), width: Math.max(1, bw - 2).toFixed(1), y: y(acc + n).toFixed(1), height: (y(acc) - y(acc + n)).toFixed(1), class: "trend-" + s, "data-n": n }));
			acc += n;
		}
		/* a transparent full-height target so a thin day is still hoverable */
		g.appendChild(svgEl("rect", { x: (padL + i * bw).toFixed(1), width: bw.toFixed(1), y: padT, height: H - padT - padB, class: "trend-hit" }));
		svg.appendChild(g);
		if (i === 0 || i === days.length - 1 || i === Math.floor(days.length / 2)) {
			svg.appendChild(svgEl("text", { x: (padL + i * bw + bw / 2).toFixed(1), y: H - 6, class: "trend-axis", "text-anchor": i === 0 ? "start" : i === days.length - 1 ? "end" : "middle" }, fmtDate(d.day).slice(0, 5)));
		}
	});
	return el("section", { class: "panel trend-panel", id: "trend" },
		el("h2", null, t("trend_title", { days: days.length })),
		svg,
		el("div", { class: "legend" }, SEVERITIES.map((s) => sevBadge(s))));
}

/* The latest high and critical findings, for the overview: each row opens
 * that finding. */
async function recentEventsPanel(names) {
	const panel = el("section", { class: "panel", id: "recent" }, el("h2", null, t("recent_findings")));
	try {
		const res = await api("GET", "/events", { query: { severity: "high", limit: 5 } });
		panel.appendChild(table([
			{ label: t("time"), class: "nowrap", value: (e) => timeEl(e.time) },
			{ label: t("severity"), value: (e) => sevBadge(e.severity) },
			{ label: t("agency_unit"), value: (e) => names.get(String(e.agency_id)) || e.agency || "" },
			{ label: t("summary"), class: "summary", value: (e) => el("a", { class: "event-summary event-link", href: "#/events?seq=" + encodeURIComponent(e.seq) }, e.summary || "") },
		], res.items, { rowClass: (e) => "sev-row-" + e.severity, onRow: (e) => { location.hash = "#/events?seq=" + encodeURIComponent(e.seq); } }));
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

async function pageAgencies(main, params) {
	const state = { q: paramsObject(params, ["q", "kind"]), offset: 0, limit: 50 };
	let idx = await agencyIndex();
	const list = el("div");
	const addBtn = canWrite() && !isRole("officer") ? button(t("add"), () => openForm(null), "btn-primary") : null;
	main.append(pageHeader(t("agencies_title"), addBtn),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "kind", label: t("kind"), type: "select", options: enumValues("agency_kind").map((k) => [k, tEnum("agency_kind", k)]) },
		], state.q, (q) => { state.q = q; state.offset = 0; keepInHash("agencies", q); load(); }),
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
					/* the form shows the warning next to the ranges
					 * (err_code_overlap_confirm: the other agency, its
					 * range and "save again") */
					if (e instanceof ApiError && e.status === 409 && e.details.some((d) => d && d.confirm === "confirm_overlap")) confirmed = key;
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

async function pageSystems(main, params) {
	const state = { q: paramsObject(params, ["q", "agency_id", "kind", "level"]), offset: 0, limit: 50 };
	const idx = await agencyIndex();
	const list = el("div");
	main.append(pageHeader(t("systems_title"), canWrite() ? button(t("add"), () => openForm(null), "btn-primary") : null),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "agency_id", label: t("agency"), type: "select", options: idx.options() },
			{ name: "kind", label: t("kind"), type: "select", options: enumValues("system_kind").map((k) => [k, tEnum("system_kind", k)]) },
			{ name: "level", label: t("level"), type: "select", options: [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]) },
		], state.q, (q) => { state.q = q; state.offset = 0; keepInHash("systems", q); load(); }),
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
		return el("div", null, badge(tEnum("dossier", s.dossier_status), "dossier-" + s.dossier_status), date ? el("small", { class: "muted" }, " " + fmtDate(date)) : null);
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
				{ label: t("nav_compliance"), value: (s) => el("a", { href: "#/compliance?system=" + s.id, class: "cmp-sys-link" }, t("cmp_open")) },
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

async function pagePeople(main, params) {
	const state = { q: paramsObject(params, ["q", "agency_id"]), offset: 0, limit: 50 };
	const idx = await agencyIndex();
	const list = el("div");
	main.append(pageHeader(t("people_title"), canWrite() ? button(t("add"), () => openForm(null), "btn-primary") : null),
		filterBar([
			{ name: "q", label: t("search") },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
		], state.q, (q) => { state.q = q; state.offset = 0; keepInHash("people", q); load(); }),
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

/* A filter date: yyyy-mm-dd is a day in the province (+07:00), the start
 * of it for "since" and the end of it for "until"; a full RFC 3339 time
 * (the overview's links) is passed on as it is. */
function dayBound(v, end) {
	if (!v) return "";
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	if (!m) return v;
	if (!end) return v + "T00:00:00+07:00";
	const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
	return next.toISOString().slice(0, 10) + "T00:00:00+07:00";
}

function evidenceView(ev) {
	const rows = [
		[t("event_id"), ev.id], [t("time"), fmtTime(ev.time, { seconds: true })], [t("received_at"), fmtTime(ev.received_at, { seconds: true })],
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
	const FILTERS = ["agency_id", "source", "kind", "severity", "since", "until", "q"];
	const state = { q: paramsObject(params, FILTERS), cursors: [null], limit: 50 };
	const openSeq = params.get("seq");
	const list = el("div", { id: "events-list" });
	const single = el("div", { id: "event-single" });
	main.append(pageHeader(t("events_title"), el("span", { class: "muted small", id: "ev-updated", "aria-live": "polite" })),
		single,
		filterBar([
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
			{ name: "source", label: t("source"), type: "select", options: enumValues("source").map((k) => [k, tEnum("source", k)]) },
			{ name: "kind", label: t("event_kind"), type: "select", options: enumValues("event_kind").map((k) => [k, tEnum("event_kind", k)]) },
			{ name: "severity", label: t("severity_min"), type: "select", options: SEVERITIES.slice().reverse().map((s) => [s, tEnum("severity", s)]) },
			{ name: "since", label: t("since_day"), type: "date" },
			{ name: "until", label: t("until_day"), type: "date" },
			{ name: "q", label: t("text") },
		], state.q, (q) => { state.q = q; state.cursors = [null]; keepInHash("events", q); clear(single); load(); }),
		list);
	const agencyName = (e) => (e.agency_id !== null && e.agency_id !== undefined ? idx.name(e.agency_id) : (e.agency || ""));
	/* #/events?seq=14 (a link from the overview): that one finding, open */
	if (openSeq) {
		try {
			const ev = await api("GET", "/events/" + encodeURIComponent(openSeq));
			single.appendChild(el("section", { class: "panel event-single", id: "event-" + ev.seq, "aria-labelledby": "event-single-title", tabindex: "-1" },
				el("h2", { id: "event-single-title" }, sevBadge(ev.severity), " ", ev.summary || tEnum("event_kind", ev.kind)),
				el("p", { class: "muted" }, agencyName(ev), " · ", timeEl(ev.time)),
				evidenceView(ev),
				triageActions(ev, () => render()),
				el("div", { class: "dialog-actions" }, el("a", { class: "btn", href: "#/events" }, t("all_events")))));
			single.firstChild.focus(); /* the finding the link named, for screen readers too */
		} catch (e) {
			single.appendChild(notice("error", errorText(e)));
		}
	}
	const load = async (quiet) => {
		if (!quiet) loadingInto(list);
		try {
			const q = Object.assign({}, state.q, { limit: state.limit });
			if (q.since) q.since = dayBound(q.since, false);
			if (q.until) q.until = dayBound(q.until, true);
			const before = state.cursors[state.cursors.length - 1];
			if (before !== null) q.before = before;
			const res = await api("GET", "/events", { query: q });
			const cols = [
				{ label: t("time"), class: "nowrap", value: (e) => timeEl(e.time) },
				{ label: t("severity"), value: (e) => sevBadge(e.severity) },
				{ label: t("agency_unit"), value: agencyName },
				{ label: t("source"), value: (e) => el("div", null, el("div", null, tEnum("source", e.source)), el("small", { class: "muted" }, tEnum("event_kind", e.kind))) },
				{ label: t("summary"), class: "summary", value: (e) => el("div", null, el("div", { class: "event-summary" }, e.summary || ""), e.subject ? el("small", { class: "mono muted subject" }, e.subject) : null) },
				{ label: t("host"), value: (e) => el("span", { class: "mono" }, e.host || "") },
			];
			const tbl = table(cols, res.items, {
				rowClass: (e) => "sev-row-" + e.severity,
				onRow: (e, tr) => {
					const next = tr.nextElementSibling;
					if (next && next.classList.contains("detail-row")) { next.remove(); tr.classList.remove("open"); tr.setAttribute("aria-expanded", "false"); return; }
					tr.classList.add("open");
					tr.setAttribute("aria-expanded", "true");
					tr.after(el("tr", { class: "detail-row" }, el("td", { colspan: String(cols.length) }, evidenceView(e))));
				},
			});
			const nav = el("div", { class: "pager" },
				el("button", { type: "button", class: "btn btn-small", disabled: state.cursors.length <= 1, onclick: () => { state.cursors = [null]; load(); } }, t("newest")),
				el("button", { type: "button", class: "btn btn-small", disabled: res.next === null || res.next === undefined, onclick: () => { state.cursors.push(res.next); load(); } }, t("older")));
			clear(list).append(el("section", { class: "panel" }, tbl, nav));
			const upd = document.getElementById("ev-updated");
			if (upd) upd.textContent = t("updated_at", { at: fmtTime(new Date(), { seconds: true }) });
		} catch (e) {
			if (!quiet) clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
	/* new findings appear by themselves on the newest page, unless the
	 * reader has a finding open */
	autoRefresh(() => {
		if (state.cursors.length === 1 && !list.querySelector("tr.detail-row")) load(true);
	});
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

async function pageAudit(main, params) {
	const state = { q: paramsObject(params, ["actor", "since"]), offset: 0, limit: 50 };
	const list = el("div");
	main.append(pageHeader(t("audit_title")),
		filterBar([
			{ name: "actor", label: t("actor") },
			{ name: "since", label: t("since_day"), type: "date" },
		], state.q, (q) => { state.q = q; state.offset = 0; keepInHash("audit", q); load(); }),
		list);
	const load = async () => {
		loadingInto(list);
		try {
			const q = Object.assign({ limit: state.limit, offset: state.offset }, state.q);
			if (q.since) q.since = dayBound(q.since, false);
			const res = await api("GET", "/audit", { query: q });
			clear(list).append(el("section", { class: "panel" }, table([
				{ label: t("time"), class: "nowrap", value: (a) => timeEl(a.time) },
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
