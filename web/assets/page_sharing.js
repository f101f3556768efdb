/*
 * page_sharing.js - the Chia sẻ (sharing) page, admins only: where the
 * province's findings go and where intelligence comes from, each with its
 * state (docs/sharing.md, docs/forwarding.md):
 *   - intelligence sources (GET /intel/sources): kind, indicators, those
 *     valid now, the next expiry, the last pull and its error, and "pull
 *     now" for the scheduled TAXII and MISP sources (POST /intel/pull);
 *   - syslog destinations (GET /forwarding): events sent, the backlog
 *     (events stored after the destination's cursor) and the last error;
 *   - the malware-statistics reports sent to the national monitoring
 *     centre (GET /national/deliveries): each attempt and its answer;
 *   - the scheduled MISP pushes: every configured destination with its
 *     last run or "never" and "push now" (GET /misp/destinations, POST
 *     /misp/push), then each run (GET /misp/deliveries): the events and
 *     attributes it sent, its answer;
 *   - the TAXII 2.1 collections partners pull (GET /taxii2/api/collections/
 *     with the TAXII media type) and the STIX and MISP exports.
 * Every value shown is written by someone else (a partner's source name,
 * an error from a remote server): it goes in as text, never as markup.
 */
"use strict";

async function pageSharing(main) {
	const intel = el("div"), fwd = el("div"), taxii = el("div"), nat = el("div"), misp = el("div");
	main.append(pageHeader(t("share_title")), el("p", { class: "muted" }, t("share_intro")),
		el("h2", null, t("share_intel_title")), intel,
		el("h2", null, t("share_fwd_title")), fwd,
		el("h2", null, t("share_nat_title")), nat,
		el("h2", null, t("share_misp_title")), misp,
		el("h2", null, t("share_taxii_title")), taxii,
		el("h2", null, t("share_export_title")),
		el("section", { class: "panel", id: "share-exports" },
			el("p", null, el("a", { href: "/api/v1/export/stix?tlp=green", download: "canhgac-stix.json", id: "share-stix" }, t("share_export_stix"))),
			el("p", null, el("a", { href: "/api/v1/export/misp?tlp=green", download: "canhgac-misp.json", id: "share-misp" }, t("share_export_misp"))),
			el("p", { class: "muted" }, t("share_export_note"))));
	const errCell = (v) => v ? el("span", { class: "mono" }, v) : "";
	const pullNow = (s) => (s.kind === "taxii" || s.kind === "misp" || s.kind === "misp-feed")
		? button(t("share_pull_now"), async () => {
			try {
				await api("POST", "/intel/pull", { query: { source: s.name } });
				toast(t("share_pull_queued", { name: s.name }));
			} catch (e) {
				toast(errorText(e), "error");
			}
		}, "btn-small")
		: "";
	const loadIntel = async () => {
		try {
			const res = await api("GET", "/intel/sources");
			clear(intel).append(el("section", { class: "panel", id: "share-intel" }, table([
				{ label: t("share_col_source"), value: (s) => el("span", { class: "mono" }, s.name) },
				{ label: t("share_col_kind"), value: (s) => badge(t("share_kind_" + s.kind.replace("-", "_")) || s.kind) },
				{ label: t("share_col_indicators"), class: "num", value: (s) => fmtNum(s.indicators || 0) },
				{ label: t("share_col_active"), class: "num", value: (s) => fmtNum(s.active || 0) },
				{ label: t("share_col_expiry"), class: "nowrap", value: (s) => s.next_expiry ? timeEl(s.next_expiry) : el("span", { class: "muted" }, t("share_none")) },
				{ label: t("share_col_last_pull"), class: "nowrap", value: (s) => s.last_pull ? timeEl(s.last_pull) : el("span", { class: "muted" }, t("job_never")) },
				{ label: t("share_col_error"), class: "summary", value: (s) => errCell(s.last_error) },
				{ label: "", value: pullNow },
			], res.items || [])));
		} catch (e) {
			clear(intel).appendChild(notice("error", errorText(e)));
		}
	};
	const loadFwd = async () => {
		try {
			const res = await api("GET", "/forwarding");
			clear(fwd).append(el("section", { class: "panel", id: "share-forwarding" }, table([
				{ label: t("share_col_dest"), value: (d) => el("span", { class: "mono" }, d.name) },
				{ label: t("share_col_sent"), class: "num", value: (d) => fmtNum(d.sent || 0) },
				{ label: t("share_col_backlog"), class: "num", value: (d) => d.backlog > 0 ? badge(fmtNum(d.backlog), "warn") : fmtNum(0) },
				{ label: t("share_col_cursor"), class: "num", value: (d) => fmtNum(d.last_seq || 0) },
				{ label: t("share_col_last_sent"), class: "nowrap", value: (d) => d.last_sent ? timeEl(d.last_sent) : el("span", { class: "muted" }, t("job_never")) },
				{ label: t("share_col_error"), class: "summary", value: (d) => errCell(d.last_error) },
			], res.items || [])));
		} catch (e) {
			clear(fwd).appendChild(notice("error", errorText(e)));
		}
	};
	const loadNat = async () => {
		try {
			const res = await api("GET", "/national/deliveries", { query: { limit: 24 } });
			const items = res.items || [];
			clear(nat).append(el("section", { class: "panel", id: "share-national" },
				el("p", { class: "muted" }, t(items.length ? "share_nat_note" : "share_nat_none")),
				items.length ? table([
					{ label: t("share_col_period"), value: (d) => el("span", { class: "mono" }, d.period) },
					{ label: t("share_col_at"), class: "nowrap", value: (d) => timeEl(d.at) },
					{ label: t("share_col_result"), value: (d) => d.ok ? badge(t("share_nat_ok"), "ok") : badge(t("share_nat_failed"), "sev-high") },
					{ label: t("share_col_http"), class: "num", value: (d) => d.http_status ? String(d.http_status) : "" },
					{ label: t("share_col_answer"), class: "summary", value: (d) => errCell(d.ok ? d.answer : (d.error || d.answer)) },
				], items) : ""));
		} catch (e) {
			clear(nat).appendChild(notice("error", errorText(e)));
		}
	};
	const pushNow = (name) => button(t("share_misp_push_now") + " (" + name + ")", async () => {
		try {
			await api("POST", "/misp/push", { query: { dest: name } });
			toast(t("share_misp_queued", { name }));
		} catch (e) {
			toast(errorText(e), "error");
		}
	}, "btn-small");
	const loadMisp = async () => {
		try {
			const [res, conf] = await Promise.all([api("GET", "/misp/deliveries", { query: { limit: 24 } }), api("GET", "/misp/destinations")]);
			const items = res.items || [];
			/* every configured destination, run or not, with its last run */
			const dests = conf.items || [];
			clear(misp).append(el("section", { class: "panel", id: "share-misp-push" },
				el("p", { class: "muted" }, t(dests.length ? "share_misp_note" : "share_misp_none")),
				dests.length ? table([
					{ label: t("share_col_dest"), value: (d) => el("span", { class: "mono" }, d.name) },
					{ label: "URL", class: "mono", value: (d) => d.url },
					{ label: t("share_misp_last_run"), class: "nowrap misp-last-run", value: (d) => (d.last_run ? el("span", null, timeEl(d.last_run.at), " ", d.last_run.ok ? badge(t("share_nat_ok"), "ok") : badge(t("share_nat_failed"), "sev-high")) : t("share_misp_never")) },
					{ label: "", class: "actions", value: (d) => (isRole("admin") ? pushNow(d.name) : "") },
				], dests, { rowClass: () => "misp-dest" }) : "",
				items.length ? table([
					{ label: t("share_col_dest"), value: (d) => el("span", { class: "mono" }, d.dest) },
					{ label: t("share_col_at"), class: "nowrap", value: (d) => timeEl(d.at) },
					{ label: t("share_col_result"), value: (d) => d.ok ? badge(t("share_nat_ok"), "ok") : badge(t("share_nat_failed"), "sev-high") },
					{ label: t("share_col_events"), class: "num", value: (d) => fmtNum(d.events || 0) },
					{ label: t("share_col_attributes"), class: "num", value: (d) => fmtNum(d.attributes || 0) },
					{ label: t("share_col_http"), class: "num", value: (d) => d.http_status ? String(d.http_status) : "" },
					{ label: t("share_col_error"), class: "summary", value: (d) => errCell(d.error) },
				], items, { rowClass: () => "misp-run" }) : ""));
		} catch (e) {
			clear(misp).appendChild(notice("error", errorText(e)));
		}
	};
	const loadTaxii = async () => {
		try {
			const res = await fetch("/taxii2/api/collections/", { headers: { Accept: "application/taxii+json;version=2.1" }, credentials: "same-origin", cache: "no-store" });
			const body = await res.json();
			if (!res.ok) throw new ApiError(res.status, body.title || body.error || String(res.status));
			clear(taxii).append(el("section", { class: "panel", id: "share-taxii" },
				el("p", { class: "muted" }, t("share_taxii_note")),
				table([
					{ label: t("share_col_collection"), value: (c) => el("span", { class: "mono" }, c.alias || "") },
					{ label: t("share_col_title"), value: (c) => c.title || "" },
					{ label: t("share_col_url"), value: (c) => el("span", { class: "mono" }, "/taxii2/api/collections/" + c.id + "/") },
				], body.collections || [])));
		} catch (e) {
			clear(taxii).appendChild(notice("error", errorText(e)));
		}
	};
	const load = async () => { await Promise.all([loadIntel(), loadFwd(), loadNat(), loadMisp(), loadTaxii()]); };
	await load();
	autoRefresh(load);
}
