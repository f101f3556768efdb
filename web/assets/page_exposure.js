/*
 * page_exposure.js - #/exposure: Lỗ hổng / Phơi nhiễm, the server's
 * exposure scans (GET /exposure/scans, /exposure/findings). First each
 * system with declared URLs, domains or addresses: its last scan (a scan
 * that could not reach its targets says so, it is never shown as clean),
 * its open findings by severity, and "scan now" for those who may start
 * one; then the open findings with their CVEs (KEV: known exploited),
 * then the fixed ones. Every text from the server goes in as text.
 */
"use strict";

const XP_RUN_STATES = ["queued", "running", "ok", "partial", "unreachable", "refused", "no_targets", "error"];

function xpHasTargets(s) {
	return (s.urls && s.urls.length) || (s.domains && s.domains.length) || (s.ips && s.ips.length);
}

function xpRunCell(r) {
	if (!r) return el("span", { class: "muted" }, t("xp_never"));
	const st = XP_RUN_STATES.includes(r.status) ? r.status : "error";
	const cls = st === "ok" ? "ok" : st === "queued" || st === "running" ? "" : "warn";
	const out = el("span", { class: "xp-run", dataset: { status: st } }, badge(t("xp_run_" + st), cls), " ",
		timeEl(r.finished || r.started || r.queued));
	if (r.errors && r.errors.length)
		out.appendChild(el("div", { class: "muted small" }, r.errors.map((e) => (e.target || "") + ": " + e.error).join("; ")));
	return out;
}

function xpCves(f) {
	const box = el("span", { class: "xp-cves" });
	(f.cves || []).forEach((c, i) => {
		if (i) box.appendChild(document.createTextNode(", "));
		box.appendChild(document.createTextNode(c));
	});
	if (f.kev) box.appendChild(el("span", null, " ", badge(t("xp_kev"), "sev-critical xp-kev")));
	return box;
}

async function pageExposure(main) {
	main.appendChild(pageHeader(t("xp_title")));
	const body = el("div", { id: "xp-body" });
	main.appendChild(body);
	loadingInto(body);
	const [runs, open, all, systems, idx] = await Promise.all([
		api("GET", "/exposure/scans", { query: { limit: 500 } }),
		api("GET", "/exposure/findings", { query: { open: 1, limit: 500 } }),
		api("GET", "/exposure/findings", { query: { limit: 500 } }),
		api("GET", "/systems", { query: { limit: 500 } }),
		agencyIndex(),
	]);
	clear(body);
	const last = {};
	for (const r of (runs && runs.items) || []) if (!last[r.system_id]) last[r.system_id] = r;
	const counts = {};
	for (const f of (open && open.items) || []) {
		const c = counts[f.system_id] || (counts[f.system_id] = {});
		c[f.severity] = (c[f.severity] || 0) + 1;
	}
	const can = isRole("admin", "analyst", "officer");
	const sys = ((systems && systems.items) || []).filter(xpHasTargets);

	body.appendChild(el("p", { class: "muted small" }, t("xp_intro")));
	body.appendChild(el("h2", null, t("xp_systems_title")));
	if (!sys.length) body.appendChild(el("p", { class: "muted" }, t("xp_no_systems")));
	else body.appendChild(el("div", { id: "xp-systems" }, table([
		{ label: t("xp_system"), value: (s) => s.name },
		{ label: t("agency"), value: (s) => idx.name(s.agency_id) },
		{ label: t("xp_last_scan"), value: (s) => xpRunCell(last[s.id]) },
		{ label: t("xp_open_by_sev"), value: (s) => {
			const c = counts[s.id] || {};
			const box = el("span", { class: "xp-sev" });
			for (const sev of SEVERITIES) if (c[sev]) box.appendChild(el("span", null, sevBadge(sev), " " + c[sev] + " "));
			if (!box.childNodes.length) box.appendChild(el("span", { class: "muted" }, last[s.id] && last[s.id].status === "ok" ? t("xp_none_open") : "—"));
			return box;
		} },
		{ label: "", value: (s) => (can ? button(t("xp_scan_now"), async (ev) => {
			ev.target.disabled = true;
			try {
				const r = await api("POST", "/exposure/scans", { body: { system_id: s.id } });
				toast(r.already ? t("xp_scan_already") : t("xp_scan_queued"));
				clear(main);
				await pageExposure(main);
			} catch (e) {
				ev.target.disabled = false;
				toast(errorText(e), "error");
			}
		}, "btn btn-small xp-scan-now") : "") },
	], sys, { rowClass: (s) => "xp-sys-" + s.id })));

	const items = (open && open.items) || [];
	body.appendChild(el("h2", null, t("xp_open_title")));
	if (!items.length) body.appendChild(el("p", { id: "xp-open-none", class: "muted" }, t("xp_open_none")));
	else body.appendChild(el("div", { id: "xp-open" }, table([
		{ label: t("severity"), value: (f) => sevBadge(f.severity) },
		{ label: t("xp_system"), value: (f) => f.system_name || "" },
		{ label: t("agency"), value: (f) => idx.name(f.agency_id) },
		{ label: t("xp_target"), value: (f) => f.target },
		{ label: t("xp_summary"), value: (f) => f.summary },
		{ label: t("xp_cves"), value: xpCves },
		{ label: t("xp_since"), value: (f) => timeEl(f.opened) },
	], items)));

	const fixed = ((all && all.items) || []).filter((f) => f.fixed);
	body.appendChild(el("h2", null, t("xp_fixed_title")));
	if (!fixed.length) body.appendChild(el("p", { class: "muted" }, t("xp_fixed_none")));
	else body.appendChild(el("div", { id: "xp-fixed" }, table([
		{ label: t("xp_system"), value: (f) => f.system_name || "" },
		{ label: t("xp_target"), value: (f) => f.target },
		{ label: t("xp_summary"), value: (f) => f.summary },
		{ label: t("xp_since"), value: (f) => timeEl(f.opened) },
		{ label: t("xp_fixed_at"), value: (f) => timeEl(f.fixed) },
	], fixed)));
}
