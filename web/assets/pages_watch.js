/*
 * pages_watch.js - the pages of the watching engines (kept apart from
 * pages.js, which holds the inventory pages):
 *   portals  GET /web/status + /web/alerts: per portal its outcome, last
 *            check, a response-time sparkline and the open findings with
 *            their evidence (from GET /events); "check now" and
 *            "re-baseline" for roles that may write.
 *   endpoints GET /coverage (enrolled vs declared hosts, infection index
 *            per agency), GET /endpoints (agents: host, OS, versions, last
 *            seen, offline) and the one-time enrolment tokens (GET/POST
 *            /enroll-tokens; a new token is shown once and never stored).
 *   dns      a resolver log uploaded in chunks (Blob.slice) through the
 *            resumable upload API, analysed on the server with progress
 *            polled, then infected hosts per agency (GET /dns/infections)
 *            and the recently flagged clients. Upload for admin/analyst.
 * Same rules as everywhere: markup only through el() / svgEl(), data only
 * as text nodes or attribute values, never as HTML. The sparkline is
 * built with createElementNS and its points are numbers we compute, so no
 * text from the API reaches SVG markup at all.
 */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

/* svgEl("polyline", {points: "0,1 2,3"}): el() for the SVG namespace. */
function svgEl(tag, attrs, ...children) {
	const node = document.createElementNS(SVG_NS, tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v !== null && v !== undefined) node.setAttribute(k, String(v));
	}
	for (const c of children) {
		if (c instanceof Node) node.appendChild(c);
		else if (c !== null && c !== undefined) node.appendChild(document.createTextNode(String(c)));
	}
	return node;
}

/* A small line chart of response times (ms); the title names the last,
 * lowest and highest value for screen readers and hover. */
function sparkline(samples) {
	const w = 160, h = 32, pad = 2;
	const vals = (samples || []).map((s) => Number(s.ms)).filter((v) => isFinite(v) && v >= 0);
	if (vals.length === 0) return el("span", { class: "muted" }, t("no_samples"));
	const max = Math.max(...vals), min = Math.min(...vals);
	const span = max - min || 1;
	const step = vals.length > 1 ? (w - 2 * pad) / (vals.length - 1) : 0;
	const pts = vals.map((v, i) => {
		const x = pad + i * step;
		const y = h - pad - ((v - min) / span) * (h - 2 * pad);
		return x.toFixed(1) + "," + y.toFixed(1);
	});
	const last = vals[vals.length - 1];
	const label = t("rt_summary", { last: fmtNum(Math.round(last)), min: fmtNum(Math.round(min)), max: fmtNum(Math.round(max)) });
	const svg = svgEl("svg", { class: "sparkline", width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label },
		svgEl("title", null, label),
		svgEl("polyline", { points: pts.join(" "), class: "spark-line" }),
		svgEl("circle", { cx: pts[pts.length - 1].split(",")[0], cy: pts[pts.length - 1].split(",")[1], r: 2.5, class: "spark-dot" }));
	return el("div", { class: "spark-cell" }, svg, el("small", { class: "muted" }, fmtNum(Math.round(last)) + " ms"));
}

function outcomeBadge(p) {
	const o = String(p.outcome || "");
	if (o === "ok") return badge(t("outcome_ok"), "ok");
	if (o === "findings") return badge(t("outcome_findings"), "sev-high");
	if (o === "not checked yet") return badge(t("outcome_pending"), "");
	if (o === "not watched") return badge(t("outcome_unwatched"), "");
	if (o.startsWith("error")) return el("span", null, badge(t("outcome_error"), "sev-critical"), " ", el("small", { class: "muted" }, o.replace(/^error:\s*/, "")));
	return badge(o, "");
}

/* One open finding: severity, kind, since, summary; its evidence is
 * fetched from the event on demand. */
function findingView(f) {
	const ev = el("div", { class: "finding-evidence" });
	let shown = false;
	if (f.seq !== undefined && f.seq !== null) {
		/* the store knows the event: open it on the events page */
		return el("li", { class: "finding" },
			el("div", { class: "finding-head" }, sevBadge(f.severity), " ", el("span", { class: "strong" }, tEnum("event_kind", f.kind)),
				" ", el("small", { class: "muted" }, t("since") + " "), el("small", { class: "muted" }, timeEl(f.since)), " ",
				el("a", { class: "btn btn-small finding-open", href: "#/events?seq=" + encodeURIComponent(f.seq) }, t("show_evidence"))),
			el("div", { class: "finding-summary" }, f.summary || ""));
	}
	const toggle = button(t("show_evidence"), async () => {
		if (shown) { clear(ev); shown = false; toggle.textContent = t("show_evidence"); return; }
		shown = true;
		toggle.textContent = t("hide_evidence");
		loadingInto(ev);
		try {
			/* the status names the event by its event id, the store by its
			 * sequence number: find it among the web events of that kind */
			const res = await api("GET", "/events", { query: { source: "web", kind: f.kind, limit: 500 } });
			const e = ((res && res.items) || []).find((x) => x.id === f.event_id);
			if (!e) throw new ApiError(404, "event " + f.event_id);
			clear(ev).appendChild(el("pre", { class: "evidence" }, JSON.stringify(e.evidence || {}, null, 2)));
		} catch (e) {
			clear(ev).appendChild(notice("error", errorText(e)));
		}
	}, "btn-small finding-toggle");
	return el("li", { class: "finding" },
		el("div", { class: "finding-head" }, sevBadge(f.severity), " ", el("span", { class: "strong" }, tEnum("event_kind", f.kind)),
			" ", el("small", { class: "muted" }, t("since") + " "), el("small", { class: "muted" }, timeEl(f.since)), " ", toggle),
		el("div", { class: "finding-summary" }, f.summary || ""),
		ev);
}

async function pagePortals(main) {
	main.appendChild(pageHeader(t("portals_title")));
	const body = el("div", { id: "portals-body" });
	main.appendChild(body);
	loadingInto(body);
	const [st, idx, alerts] = await Promise.all([
		api("GET", "/web/status"),
		agencyIndex(),
		api("GET", "/web/alerts").catch(() => ({ deliveries: [] })),
	]);
	/* problems first: open findings (worst first), then errors, then the rest */
	const worst = (p) => Math.min(...(p.open_findings || []).map((f) => SEVERITIES.indexOf(f.severity)).filter((i) => i >= 0), 9);
	const portals = ((st && st.portals) || []).slice().sort((a, b) => worst(a) - worst(b)
		|| (String(b.outcome).startsWith("error") - String(a.outcome).startsWith("error"))
		|| String(a.system_name || "").localeCompare(String(b.system_name || ""), "vi"));
	const systems = new Set(portals.map((p) => p.system_id));
	const portalSystems = new Set(portals.filter((p) => p.system_kind === "portal").map((p) => p.system_id));
	const withFindings = portals.filter((p) => (p.open_findings || []).length > 0).length;
	clear(body);
	if (!st.watching) body.appendChild(el("div", { class: "notice notice-warn", id: "watch-off", role: "status" }, t("watch_off_words")));
	else body.appendChild(el("p", { class: "muted", id: "watch-info" },
		t("watch_info", { n: fmtNum(portals.filter((p) => p.watched).length), s: fmtNum(st.interval_s), at: st.last_cycle ? fmtTime(st.last_cycle) : t("never") })));
	body.appendChild(el("p", { id: "portals-summary" }, t("portals_summary", { n: fmtNum(portals.length), s: fmtNum(systems.size), p: fmtNum(portalSystems.size), f: fmtNum(withFindings) })));
	const act = async (p, what) => {
		try {
			await api("POST", "/systems/" + encodeURIComponent(p.system_id) + "/web/" + what);
			toast(what === "check" ? t("check_queued") : t("baseline_queued"));
		} catch (e) { toast(errorText(e), "error"); }
	};
	const cols = [
		{ label: t("portal"), value: (p) => el("div", null,
			el("div", { class: "strong" }, p.system_name || "#" + p.system_id),
			el("div", { class: "url-text" }, p.url),
			el("small", { class: "muted" }, idx.name(p.agency_id))) },
		{ label: t("status"), class: "portal-status", value: (p) => el("div", null, outcomeBadge(p),
			p.http_status ? el("div", null, el("small", { class: "muted" }, "HTTP " + p.http_status)) : null) },
		{ label: t("last_check"), value: (p) => p.last_check ? timeEl(p.last_check) : t("never") },
		{ label: t("response_time"), value: (p) => sparkline(p.response_times) },
		{ label: t("open_findings"), class: "portal-findings", value: (p) => (p.open_findings || []).length === 0
			? el("span", { class: "muted" }, t("none"))
			: el("ul", { class: "findings" }, p.open_findings.map(findingView)) },
	];
	if (canWrite() && st.watching) cols.push({ label: "", class: "actions", value: (p) => el("div", { class: "btn-col" },
		button(t("check_now"), () => act(p, "check"), "btn-small btn-check"),
		button(t("rebaseline"), () => confirmDialog(t("confirm_rebaseline", { url: p.url }), () => act(p, "baseline"), t("rebaseline")), "btn-small btn-rebaseline")) });
	body.appendChild(el("section", { class: "panel", id: "portals" }, table(cols, portals, { rowClass: (p) => "portal-row" + ((p.open_findings || []).length ? " sev-row-" + p.open_findings[0].severity : "") })));
	const dl = (alerts && alerts.deliveries) || [];
	body.appendChild(el("section", { class: "panel" }, el("h2", null, t("alert_deliveries")),
		table([
			{ label: t("created_at"), value: (d) => timeEl(d.created) },
			{ label: t("channel"), value: (d) => d.channel },
			{ label: t("recipient"), value: (d) => d.to || "" },
			{ label: t("subject"), value: (d) => el("div", null, sevBadge(d.severity), " ", d.subject || "") },
			{ label: t("state"), value: (d) => tEnum("delivery_state", d.state) },
			{ label: t("attempts"), class: "num", value: (d) => fmtNum(d.attempts) },
			{ label: t("last_error"), value: (d) => d.last_error || "" },
		], dl.slice(0, 50))));
}

/* ---- endpoints, coverage and enrolment tokens ----------------------- */

/* The antivirus products an endpoint reported (platform/av.h) and whether
 * the server counts it as protected (store/figures.h cg_fig_protected). */
function avCell(x) {
	const list = Array.isArray(x.antivirus) ? x.antivirus : [];
	const box = el("div");
	for (const p of list) {
		const state = p.enabled && p.up_to_date ? t("av_on_current") : !p.enabled ? t("av_off") : t("av_outdated");
		box.appendChild(el("div", { class: "av-product" }, el("span", null, p.name || "?"), " ",
			badge(state, p.enabled && p.up_to_date ? "ok" : "warn")));
	}
	if (!list.length)
		box.appendChild(el("small", { class: "muted" }, t("av_none")));
	box.appendChild(el("div", { class: "av-protected" },
		x.protected ? badge(t("protected_yes"), "ok") : badge(t("protected_no"), "sev-high")));
	return box;
}

const pct = (x) => (x === null || x === undefined ? "–" : fmtNum(Math.round(Number(x) * 1000) / 10) + " %");
/* the infection index is already per 100 declared endpoints, two decimals
 * (store/infection.h): shown as the reports print it */
const idxPct = (x) => (x === null || x === undefined ? "–" : fmtNum(Number(x)) + " %");

async function pageEndpoints(main) {
	const idx = await agencyIndex();
	const secretBox = el("div", { id: "enroll-secret" });
	const coverageBox = el("div"), listBox = el("div"), tokenBox = el("div");
	main.append(pageHeader(t("endpoints_title"),
		canWrite() && idx.items.length > 0 ? button(t("enroll_new"), () => openForm(), "btn-primary btn-enroll") : null),
		secretBox, coverageBox, listBox, tokenBox);
	const openForm = () => formDialog({
		title: t("enroll_new"),
		fields: [
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options(), required: true },
			{ name: "expires_hours", label: t("expires_hours"), type: "number", min: 1, max: 2160, default: 72 },
			/* one token for a fleet deployed by group policy (docs/windows.md) */
			{ name: "max_uses", label: t("enroll_max_uses"), type: "number", min: 1, max: 10000, default: 1 },
			{ name: "note", label: t("note"), wide: true },
		],
		onSubmit: async (v) => {
			const body = { agency_id: Number(v.agency_id) };
			if (v.expires_hours !== null) body.expires_hours = v.expires_hours;
			if (v.max_uses !== null) body.max_uses = v.max_uses;
			if (v.note.trim() !== "") body.note = v.note.trim();
			const res = await api("POST", "/enroll-tokens", { body });
			/* the secret exists only in this answer: shown once, never stored */
			clear(secretBox).appendChild(el("div", { class: "notice notice-ok secret" },
				el("div", null, t("enroll_created", { agency: idx.name(res.agency_id), at: fmtTime(res.expires_at) })),
				el("code", { class: "token-secret", id: "enroll-token" }, res.token),
				button(t("close"), () => clear(secretBox), "btn-small")));
			loadTokens();
		},
	});
	const loadCoverage = async () => {
		loadingInto(coverageBox);
		try {
			const cov = await api("GET", "/coverage");
			const tot = cov.totals || {};
			clear(coverageBox).appendChild(el("section", { class: "panel", id: "coverage" },
				el("h2", null, t("coverage_title", { days: cov.days })),
				el("div", { class: "cards" },
					el("div", { class: "card" }, el("div", { class: "card-value", id: "cov-enrolled" }, fmtNum(tot.enrolled) + " / " + fmtNum(tot.declared_endpoints)), el("div", { class: "card-label" }, t("fig_enrolled_declared"))),
					el("div", { class: "card" }, el("div", { class: "card-value" }, pct(tot.coverage)), el("div", { class: "card-label" }, t("coverage"))),
					el("div", { class: "card" + (tot.declared_endpoints > 0 && (tot.protected || 0) < tot.declared_endpoints ? " card-alert" : ""), title: t("protected_help") }, el("div", { class: "card-value", id: "cov-protected" }, fmtNum(tot.protected || 0) + " / " + fmtNum(tot.declared_endpoints)), el("div", { class: "card-label" }, t("fig_protected_declared"))),
					el("div", { class: "card" }, el("div", { class: "card-value", id: "cov-online" }, fmtNum(tot.online !== undefined ? tot.online : (cov.items || []).reduce((n, a) => n + (a.online || 0), 0))), el("div", { class: "card-label" }, t("fig_online"))),
					el("div", { class: "card" + (tot.infected > 0 ? " card-alert" : "") }, el("div", { class: "card-value", id: "cov-malware" }, fmtNum(tot.malware_hosts)), el("div", { class: "card-label" }, t("fig_malware_hosts"))),
					el("div", { class: "card" }, el("div", { class: "card-value", id: "cov-infection" }, idxPct(tot.infection_index)), el("div", { class: "card-label" }, t("infection_index")))),
				table([
					{ label: t("col_agency"), value: (a) => el("span", { class: "strong" }, a.name) },
					{ label: t("coverage"), value: (a) => bar(a.enrolled || 0, a.declared_endpoints || 0, fmtNum(a.enrolled) + " / " + fmtNum(a.declared_endpoints) + " (" + pct(a.coverage) + ")") },
					{ label: t("fig_protected_declared"), class: "num cov-protected", value: (a) => fmtNum(a.protected || 0) + " / " + fmtNum(a.declared_endpoints) },
					{ label: t("fig_online"), class: "num", value: (a) => fmtNum(a.online) },
					{ label: t("fig_malware_hosts"), class: "num", value: (a) => fmtNum(a.malware_hosts) },
					{ label: t("cov_dns_hosts"), class: "num", value: (a) => fmtNum(a.dns_hosts) },
					{ label: t("infection_index"), class: "num infection-index", value: (a) => idxPct(a.infection_index) },
				], cov.items || [])));
		} catch (e) { clear(coverageBox).appendChild(notice("error", errorText(e))); }
	};
	const loadList = async () => {
		loadingInto(listBox);
		try {
			const res = await api("GET", "/endpoints");
			clear(listBox).appendChild(el("section", { class: "panel", id: "endpoints" }, el("h2", null, t("endpoints_list")), table([
				{ label: t("host"), value: (x) => el("div", null, el("div", { class: "strong" }, x.host || ""), el("small", { class: "muted" }, x.agent_id || "")) },
				{ label: t("agency_unit"), value: (x) => idx.name(x.agency_id) },
				{ label: t("os"), value: (x) => x.os || "" },
				{ label: t("agent_version"), value: (x) => x.agent_version || "" },
				{ label: t("rule_version"), value: (x) => x.rule_version || "" },
				{ label: t("col_antivirus"), class: "endpoint-av", value: avCell },
				{ label: t("last_seen"), class: "nowrap", value: (x) => (x.last_seen ? timeEl(x.last_seen) : t("never")) },
				{ label: t("status"), class: "endpoint-state", value: (x) => (x.offline ? badge(t("offline"), "warn") : badge(t("online"), "ok")) },
			], res.items || [], { rowClass: (x) => (x.offline ? "row-offline" : "") })));
		} catch (e) { clear(listBox).appendChild(notice("error", errorText(e))); }
	};
	const loadTokens = async () => {
		loadingInto(tokenBox);
		try {
			const res = await api("GET", "/enroll-tokens");
			const now = Date.now();
			clear(tokenBox).appendChild(el("section", { class: "panel", id: "enroll-tokens" }, el("h2", null, t("enroll_tokens")), table([
				{ label: "#", class: "num", value: (x) => String(x.id) },
				{ label: t("agency_unit"), value: (x) => idx.name(x.agency_id) },
				{ label: t("note"), value: (x) => x.note || "" },
				{ label: t("created_by"), value: (x) => x.created_by || "" },
				{ label: t("created_at"), class: "nowrap", value: (x) => fmtTime(x.created_at) },
				{ label: t("expires_at"), class: "nowrap", value: (x) => fmtTime(x.expires_at) },
				{ label: t("enroll_uses"), class: "num enroll-uses", value: (x) => fmtNum(x.uses || 0) + " / " + fmtNum(x.max_uses || 1) },
				/* used_at/used_by are the last use */
				{ label: t("status"), class: "enroll-state", value: (x) => (x.revoked_at ? badge(t("enroll_revoked", { by: x.revoked_by || "", at: fmtTime(x.revoked_at) }), "warn")
					: (x.uses || 0) >= (x.max_uses || 1) ? badge(t("enroll_used", { host: x.used_by || "", at: fmtTime(x.used_at) }), "")
					: new Date(x.expires_at).getTime() < now ? badge(t("enroll_expired"), "warn")
					: x.used_at ? badge(t("enroll_partly", { host: x.used_by || "", at: fmtTime(x.used_at) }), "ok")
					: badge(t("enroll_unused"), "ok")) },
				/* a token that can still enrol can be revoked (the agents it
				 * enrolled stay) */
				{ label: t("actions"), class: "actions", value: (x) => (!canWrite() || x.revoked_at || (x.uses || 0) >= (x.max_uses || 1) || new Date(x.expires_at).getTime() < now ? null
					: button(t("revoke"), () => confirmDialog(t("enroll_confirm_revoke", { id: x.id, agency: idx.name(x.agency_id) }), async () => {
						await api("DELETE", "/enroll-tokens/" + x.id);
						loadTokens();
					}, t("revoke")), "btn-small btn-danger-outline btn-enroll-revoke")) },
			], res.items || [])));
		} catch (e) { clear(tokenBox).appendChild(notice("error", errorText(e))); }
	};
	await Promise.all([loadCoverage(), loadList(), loadTokens()]);
}

/* ---- DNS: resolver-log upload, analysis progress, infections -------- */

/* 1 MiB per PUT: well under the server's 16 MiB cap, small enough that a
 * broken connection loses little. */
const DNS_CHUNK = 1024 * 1024;
const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

/* Sends a File in chunks (Blob.slice) to the resumable upload API. The
 * server's offset is the truth: a 409 carries it in details.offset and a
 * network error asks GET .../uploads/{id}; both resume from there. */
async function dnsUploadFile(file, onProgress) {
	const up = await api("POST", "/dns/uploads", { body: { name: file.name || "resolver.log" } });
	let off = Number(up.offset) || 0, retries = 0;
	onProgress(off, file.size);
	while (off < file.size) {
		try {
			const r = await api("PUT", "/dns/uploads/" + encodeURIComponent(up.id),
				{ query: { offset: off }, raw: file.slice(off, off + DNS_CHUNK), type: "application/octet-stream" });
			off = Number(r.offset);
			retries = 0;
		} catch (e) {
			if (++retries > 5) throw e;
			if (e instanceof ApiError && e.status === 409 && e.details && typeof e.details.offset === "number") {
				off = e.details.offset;
			} else if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) {
				await sleepMs(500 * retries);
				off = Number((await api("GET", "/dns/uploads/" + encodeURIComponent(up.id))).offset);
			} else {
				throw e;
			}
		}
		onProgress(off, file.size);
	}
	return up.id;
}

async function pageDns(main) {
	const idx = await agencyIndex();
	const infBox = el("div"), flaggedBox = el("div");
	const mayUpload = isRole("admin", "analyst");
	main.append(pageHeader(t("dns_title")));
	if (mayUpload) main.append(dnsUploadPanel(() => { loadInfections(); loadFlagged(); }));
	main.append(infBox, flaggedBox);
	const loadInfections = async () => {
		loadingInto(infBox);
		try {
			const res = await api("GET", "/dns/infections");
			const items = ((res && res.items) || []).slice().sort((a, b) => b.infected_clients - a.infected_clients);
			clear(infBox).appendChild(el("section", { class: "panel", id: "dns-infections" }, el("h2", null, t("dns_infections")),
				table([
					{ label: t("col_agency"), value: (x) => (x.agency_id === null || x.agency_id === undefined ? el("span", { class: "muted" }, t("dns_unmapped")) : el("span", { class: "strong" }, idx.name(x.agency_id))) },
					{ label: t("fig_dns_clients"), class: "num dns-count", value: (x) => fmtNum(x.infected_clients) },
				], items)));
		} catch (e) { clear(infBox).appendChild(notice("error", errorText(e))); }
	};
	const loadFlagged = async () => {
		loadingInto(flaggedBox);
		try {
			const res = await api("GET", "/events", { query: { source: "dns", kind: "infected_client", limit: 50 } });
			clear(flaggedBox).appendChild(el("section", { class: "panel", id: "dns-flagged" }, el("h2", null, t("dns_flagged")),
				table([
					{ label: t("time"), class: "nowrap", value: (x) => timeEl(x.time) },
					{ label: t("dns_client"), value: (x) => el("span", { class: "strong" }, x.subject || "") },
					{ label: t("agency_unit"), value: (x) => (x.agency_id ? idx.name(x.agency_id) : t("dns_unmapped")) },
					{ label: t("summary"), value: (x) => x.summary || "" },
				], (res && res.items) || [])));
		} catch (e) { clear(flaggedBox).appendChild(notice("error", errorText(e))); }
	};
	await Promise.all([loadInfections(), loadFlagged()]);
}

/* The upload form: file -> chunks -> analyse -> poll until done. */
function dnsUploadPanel(onDone) {
	const input = el("input", { type: "file", id: "dns-file", name: "dns-file" });
	const status = el("div", { id: "dns-status", class: "dns-status", role: "status" });
	const go = el("button", { type: "button", class: "btn btn-primary", id: "dns-upload" }, t("dns_upload"));
	const show = (label, a, b, extra) => {
		clear(status).append(el("div", null, label), bar(a, b, extra));
	};
	go.addEventListener("click", async () => {
		const file = input.files && input.files[0];
		if (!file) { clear(status).appendChild(notice("error", t("dns_pick_file"))); return; }
		go.disabled = true;
		try {
			const id = await dnsUploadFile(file, (off, size) =>
				show(t("dns_uploading", { name: file.name }), off, size, fmtNum(off) + " / " + fmtNum(size) + " B"));
			await api("POST", "/dns/uploads/" + encodeURIComponent(id) + "/analyze");
			for (;;) {
				const st = await api("GET", "/dns/uploads/" + encodeURIComponent(id));
				const p = st.progress || {};
				if (st.state === "done") {
					const r = st.result || {};
					clear(status).append(el("div", { class: "notice notice-ok", id: "dns-result" },
						t("dns_done", { name: st.name, lines: fmtNum(p.lines_read), queries: fmtNum(p.queries), flagged: fmtNum(r.clients_flagged), stored: fmtNum(r.events_stored) })));
					onDone();
					break;
				}
				if (st.state === "failed") throw new Error(st.error || "analysis failed");
				show(t("dns_analyzing", { lines: fmtNum(p.lines_read), queries: fmtNum(p.queries) }), Math.round(Number(p.percent) || 0), 100, (Math.round((Number(p.percent) || 0) * 10) / 10) + " %");
				await sleepMs(400);
			}
		} catch (e) {
			clear(status).appendChild(notice("error", e instanceof ApiError ? errorText(e) : t("error_prefix") + ": " + e.message));
		} finally {
			go.disabled = false;
		}
	});
	return el("section", { class: "panel", id: "dns-upload-panel" }, el("h2", null, t("dns_upload_title")),
		el("p", { class: "muted" }, t("dns_upload_help")),
		el("div", { class: "dns-form" }, input, go), status);
}
