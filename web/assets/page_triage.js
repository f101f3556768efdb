/*
 * page_triage.js - the triage queue (#/triage): the findings of a state
 * (New, "chưa xử lý", by default) with the list's filters, a checkbox per
 * row and the bulk actions (acknowledge, false positive, resolved,
 * reopen, assign) sent as one POST /api/v1/events/triage for the rows
 * chosen; a row opens the finding with its actions (note, one-row state
 * change, a suppression rule from a false positive). The active
 * suppression rules are listed under the queue, revocable. Who may change
 * what is the server's decision: a refusal is shown as its message.
 */
"use strict";

const TRIAGE_STATES = ["new", "acknowledged", "false_positive", "in_incident", "resolved"];

function triageStateBadge(s) {
	return badge(t("triage_state_" + (s || "new")), "triage-" + (s || "new"));
}

async function triageApply(ids, change) {
	const res = await api("POST", "/events/triage", { body: Object.assign({ ids }, change) });
	toast(t("triage_done", { n: res.changed }));
	return res;
}

/* The actions of one finding, under its evidence. */
function triageActions(ev, onChanged) {
	if (!canWrite()) return null;
	const note = el("textarea", { id: "triage-note-" + ev.seq, name: "note", rows: "2", maxlength: "2000" });
	note.value = ev.note || "";
	const assignee = el("input", { id: "triage-assignee-" + ev.seq, name: "assignee", value: ev.assignee || "", autocomplete: "off" });
	const err = el("div", { class: "field-error", role: "alert" });
	const act = async (change) => {
		clear(err);
		try {
			const out = await api("PATCH", "/events/" + encodeURIComponent(ev.seq), { body: change });
			toast(t("triage_done", { n: 1 }));
			if (onChanged) onChanged(out);
		} catch (e) {
			err.textContent = errorText(e);
		}
	};
	const days = el("input", { id: "suppress-days-" + ev.seq, name: "days", type: "number", min: "1", max: "365", value: "30" });
	const suppress = async () => {
		clear(err);
		try {
			const r = await api("POST", "/suppressions", { body: { event_id: ev.seq, days: Number(days.value), note: note.value || null } });
			toast(t("suppress_made", { id: r.id, at: fmtTime(r.expires_at) }));
			if (onChanged) onChanged(Object.assign({}, ev, { state: "false_positive" }));
		} catch (e) {
			err.textContent = errorText(e);
		}
	};
	return el("section", { class: "triage-actions", "aria-label": t("triage_actions") },
		el("h3", null, t("triage_actions"), " ", triageStateBadge(ev.state)),
		ev.triaged_by ? el("p", { class: "muted small" }, t("triage_by", { who: ev.triaged_by, at: fmtTime(ev.triaged_at) })) : null,
		el("div", { class: "form-row" }, el("label", { for: assignee.id }, t("triage_assignee")), assignee),
		el("div", { class: "form-row" }, el("label", { for: note.id }, t("triage_note")), note),
		el("div", { class: "dialog-actions" },
			button(t("triage_ack"), () => act({ state: "acknowledged", assignee: assignee.value.trim() || null, note: note.value })),
			button(t("triage_fp"), () => act({ state: "false_positive", note: note.value })),
			button(t("triage_resolve"), () => act({ state: "resolved", note: note.value }), "btn-primary"),
			button(t("triage_save_note"), () => act({ note: note.value, assignee: assignee.value.trim() || null })),
			ev.state !== "new" ? button(t("triage_reopen"), () => act({ state: "new" })) : null,
			ev.state !== "in_incident" ? button(t("inc_from_event"), () => openIncidentDialog(ev)) : null),
		el("div", { class: "suppress-row" },
			el("label", { for: days.id }, t("suppress_make")), days, el("span", null, " ", t("suppress_days").toLowerCase(), " "),
			button(t("suppress_button"), suppress)),
		err);
}

async function suppressionsPanel() {
	const box = el("section", { class: "panel", id: "suppressions" }, el("h2", null, t("suppress_title")));
	const load = async () => {
		while (box.childNodes.length > 1) box.lastChild.remove();
		try {
			const res = await api("GET", "/suppressions", { query: { active: "1" } });
			box.appendChild(table([
				{ label: "#", class: "num", value: (r) => String(r.id) },
				{ label: t("source"), value: (r) => el("div", null, tEnum("source", r.source), " · ", tEnum("event_kind", r.kind)) },
				{ label: t("subject"), value: (r) => el("span", { class: "mono" }, r.subject || "") },
				{ label: t("triage_note"), value: (r) => r.note || "" },
				{ label: t("suppress_expires"), value: (r) => timeEl(r.expires_at) },
				{ label: "", value: (r) => canWrite() ? button(t("suppress_revoke"), () => confirmDialog(t("suppress_confirm", { id: r.id }), async () => {
					await api("DELETE", "/suppressions/" + encodeURIComponent(r.id));
					toast(t("suppress_revoked", { id: r.id }));
					load();
				}, t("suppress_revoke"))) : null },
			], res.items));
		} catch (e) {
			box.appendChild(notice("error", errorText(e)));
		}
	};
	await load();
	return box;
}

async function pageTriage(main, params) {
	const idx = await agencyIndex();
	const FILTERS = ["state", "agency_id", "source", "severity", "since", "q"];
	const state = { q: paramsObject(params, FILTERS), cursors: [null], limit: 50, chosen: new Set() };
	if (!state.q.state) state.q.state = "new";
	const list = el("div", { id: "triage-list" });
	const chosenText = el("span", { class: "muted", id: "triage-chosen", "aria-live": "polite" });
	const assignTo = el("input", { id: "triage-bulk-assignee", name: "assignee", placeholder: t("triage_assignee"), "aria-label": t("triage_assignee"), autocomplete: "off" });
	const bulk = async (change) => {
		const ids = Array.from(state.chosen);
		if (!ids.length) { toast(t("triage_none_selected"), "error"); return; }
		try {
			await triageApply(ids, change);
			state.chosen.clear();
			load();
		} catch (e) {
			toast(errorText(e), "error");
		}
	};
	main.append(pageHeader(t("triage_title")),
		el("p", { class: "intro" }, t("triage_intro")),
		filterBar([
			{ name: "state", label: t("triage_state"), type: "select", options: TRIAGE_STATES.map((s) => [s, t("triage_state_" + s)]) },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
			{ name: "source", label: t("source"), type: "select", options: enumValues("source").map((k) => [k, tEnum("source", k)]) },
			{ name: "severity", label: t("severity_min"), type: "select", options: SEVERITIES.slice().reverse().map((s) => [s, tEnum("severity", s)]) },
			{ name: "since", label: t("since_day"), type: "date" },
			{ name: "q", label: t("text") },
		], state.q, (q) => { state.q = q; state.cursors = [null]; state.chosen.clear(); keepInHash("triage", q); load(); }),
		canWrite() ? el("div", { class: "bulk-bar", id: "triage-bulk" }, chosenText,
			button(t("triage_ack"), () => bulk({ state: "acknowledged" })),
			button(t("triage_fp"), () => bulk({ state: "false_positive" })),
			button(t("triage_resolve"), () => bulk({ state: "resolved" }), "btn-primary"),
			button(t("triage_reopen"), () => bulk({ state: "new" })),
			assignTo,
			button(t("triage_assign"), () => bulk({ assignee: assignTo.value.trim() || null }))) : null,
		list,
		await suppressionsPanel());
	const showChosen = () => { chosenText.textContent = t("triage_selected", { n: state.chosen.size }); };
	const load = async () => {
		loadingInto(list);
		showChosen();
		try {
			const q = Object.assign({}, state.q, { limit: state.limit });
			if (q.since) q.since = dayBound(q.since, false);
			const before = state.cursors[state.cursors.length - 1];
			if (before !== null) q.before = before;
			const res = await api("GET", "/events", { query: q });
			const boxes = [];
			const all = el("input", { type: "checkbox", id: "triage-all", "aria-label": t("triage_select_all"),
				onchange: () => { for (const b of boxes) { b.checked = all.checked; b.onchange(); } } });
			const cols = [
				{ label: "", class: "check", value: (e) => {
					const b = el("input", { type: "checkbox", class: "triage-check", "aria-label": t("triage_select_row", { seq: e.seq }), dataset: { seq: String(e.seq) },
						onclick: (ev) => ev.stopPropagation() });
					b.checked = state.chosen.has(e.seq);
					b.onchange = () => { if (b.checked) state.chosen.add(e.seq); else state.chosen.delete(e.seq); showChosen(); };
					boxes.push(b);
					return b;
				} },
				{ label: t("time"), class: "nowrap", value: (e) => timeEl(e.time) },
				{ label: t("severity"), value: (e) => sevBadge(e.severity) },
				{ label: t("triage_state"), value: (e) => triageStateBadge(e.state) },
				{ label: t("agency_unit"), value: (e) => idx.name(e.agency_id) || e.agency || "" },
				{ label: t("summary"), class: "summary", value: (e) => el("div", null, el("div", { class: "event-summary" }, e.summary || ""), e.subject ? el("small", { class: "mono muted subject" }, e.subject) : null) },
				{ label: t("triage_assignee"), value: (e) => e.assignee || "" },
			];
			const tbl = table(cols, res.items, {
				rowClass: (e) => "sev-row-" + e.severity,
				onRow: (e, tr) => {
					const next = tr.nextElementSibling;
					if (next && next.classList.contains("detail-row")) { next.remove(); tr.classList.remove("open"); return; }
					tr.classList.add("open");
					tr.after(el("tr", { class: "detail-row" }, el("td", { colspan: String(cols.length) },
						evidenceView(e), triageActions(e, () => load()))));
				},
			});
			const head = tbl.querySelector("th");
			if (head) head.appendChild(all);
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
