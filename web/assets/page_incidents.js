/*
 * page_incidents.js - incident cases: the list (#/incidents, filtered by
 * state) with "open an incident", and one case (#/incidents?id=N): its
 * fields and times, buttons for the moves the server says the state
 * machine allows (next_states: the rule stays in the library), linked
 * findings, the timeline of every change and comment, and a note form.
 * The regulated clocks (clocks: computed by the server from
 * rules/deadlines/) are shown as "còn 2 ngày" / "quá hạn 1 ngày", red when
 * overdue, with a button that records the report (it sets the clock's
 * stop_field to now); the list shows each case's most urgent clock.
 * The regulated reports (Mẫu 03, Mẫu 04) are downloaded as drafts or
 * issued from a dialog whose fields the officer edits; issued ones are
 * listed from the timeline with their SHA-256 and downloaded from there.
 * Evidence files are attached from a file input (the bytes as the body)
 * and listed with their sniffed type, size and SHA-256. Tasks (GET/POST
 * …/tasks, PATCH …/tasks/{task}) are listed with a done box and added
 * from a small form; the case's playbook (c.playbook, from
 * rules/playbooks/) is named above them with how many of its steps are
 * done, and a task made from a step shows its role and checklist.
 * Also the dialog that opens a case from a finding (the triage queue and
 * the event detail). All text from the API is inserted as text.
 */
"use strict";

const INC_STATES = ["new", "triage", "responding", "contained", "closed", "rejected", "duplicate"];
const INC_KINDS = ["defacement", "webshell", "malware", "dns_infection", "secret_document", "data_leak", "ddos", "phishing", "ransomware", "other"];

function incStateBadge(s) {
	return badge(t("inc_state_" + s), "inc-" + s);
}

const CLOCK_CLASS = { running: "warn", overdue: "sev-critical", met: "ok", late: "sev-high" };

function clockBadge(k) {
	return badge(getLang() === "en" ? k.text_en : k.text_vi, "clock clock-" + k.state + " " + (CLOCK_CLASS[k.state] || ""));
}

/* The clock that needs attention first: a running or overdue one with the
 * least time left. */
function urgentClock(clocks) {
	const open = (clocks || []).filter((k) => k.state === "running" || k.state === "overdue");
	return open.sort((a, b) => a.remaining_s - b.remaining_s)[0] || null;
}

function clocksPanel(c, reload) {
	const rows = (c.clocks || []).map((k) => {
		const open = k.state === "running" || k.state === "overdue";
		return el("tr", { class: "clock-row", "data-rule": k.rule },
			el("td", null, getLang() === "en" ? k.label_en : k.label_vi, el("div", { class: "muted small" }, k.basis)),
			el("td", { class: "nowrap" }, timeEl(k.due_at)),
			el("td", null, clockBadge(k)),
			el("td", null, open && canWrite() ? button(t("inc_clock_record"), async () => {
				try {
					await api("PATCH", "/incidents/" + encodeURIComponent(c.id), { body: { [k.stop_field]: new Date().toISOString() } });
					toast(t("inc_clock_recorded"));
					reload();
				} catch (e) { toast(errorText(e), "error"); }
			}) : (k.stopped_at ? timeEl(k.stopped_at) : "")));
	});
	return el("section", { class: "panel", id: "inc-clocks" }, el("h2", null, t("inc_clocks")),
		rows.length ? el("div", { class: "table-wrap" }, el("table", { class: "data" },
			el("thead", null, el("tr", null, el("th", null, t("inc_clock_rule")), el("th", null, t("inc_clock_due")), el("th", null, t("inc_clock_left")), el("th", null, ""))),
			el("tbody", null, rows))) : el("p", { class: "muted" }, t("inc_no_clocks")));
}

/* The dialog that opens a case; from a finding when ev is given. */
async function openIncidentDialog(ev) {
	const idx = await agencyIndex();
	formDialog({
		title: ev ? t("inc_from_event") : t("inc_new"),
		fields: [
			{ name: "title", label: t("inc_name"), required: true, wide: true },
			{ name: "kind", label: t("inc_kind"), type: "select", options: INC_KINDS.map((k) => [k, t("inc_kind_" + k)]), default: "other" },
			{ name: "severity", label: t("severity"), type: "select", options: SEVERITIES.map((s) => [s, tEnum("severity", s)]), default: "high" },
			{ name: "agency_id", label: t("agency_unit"), type: "select", options: idx.options() },
			{ name: "owner", label: t("inc_owner") },
			{ name: "state_secret", label: t("inc_state_secret"), type: "checkbox" },
			{ name: "description", label: t("inc_description"), type: "textarea", wide: true },
		],
		values: ev ? { title: ev.summary || "", kind: INC_KINDS.includes(ev.kind) ? ev.kind : "other", severity: ev.severity, agency_id: ev.agency_id ? String(ev.agency_id) : "" } : {},
		onSubmit: async (v) => {
			const body = { title: v.title, kind: v.kind, severity: v.severity, agency_id: Number(v.agency_id) };
			if (v.owner) body.owner = v.owner;
			if (v.state_secret) body.state_secret = true;
			if (v.description) body.description = v.description;
			if (ev) body.event_ids = [ev.seq];
			const c = await api("POST", "/incidents", { body });
			toast(t("inc_opened", { number: c.number }));
			location.hash = "#/incidents?id=" + encodeURIComponent(c.id);
		},
	});
}

const DOC_FIELDS = {
	"mau-03": ["reporter", "contact", "detection_method", "notified", "os_services", "measures", "recommendations", "place", "signer_role", "signer_name"],
	"mau-04": ["reporter", "contact", "initial_ref", "result", "measures", "lessons", "recommendations", "attachments", "place", "signer_role", "signer_name"],
};
const DOC_LONG = ["detection_method", "measures", "recommendations", "result", "lessons", "os_services", "attachments"];

function issueDialog(c, form, reload) {
	const first = (c.timeline || []).find((e) => e.what === "document" && e.detail && e.detail.form === "mau-03");
	formDialog({
		title: t("inc_doc_issue") + " " + t("inc_doc_" + form),
		fields: [{ name: "format", label: t("inc_doc_format"), type: "select", options: [["pdf", "PDF"], ["docx", "DOCX"]], default: "pdf" }]
			.concat(DOC_FIELDS[form].map((f) => ({ name: f, label: t("inc_docf_" + f), type: DOC_LONG.includes(f) ? "textarea" : undefined, wide: DOC_LONG.includes(f) }))),
		values: { reporter: c.owner || "", initial_ref: first ? first.detail.number : "" },
		onSubmit: async (v) => {
			const fields = {};
			for (const f of DOC_FIELDS[form]) if (v[f]) fields[f] = v[f];
			await api("POST", "/incidents/" + encodeURIComponent(c.id) + "/documents", { body: { form, format: v.format, fields } });
			toast(t("inc_doc_issued"));
			reload();
		},
	});
}

function docsPanel(c, reload) {
	const base = "/api/v1/incidents/" + encodeURIComponent(c.id) + "/documents/";
	const issued = (c.timeline || []).filter((e) => e.what === "document" && e.detail);
	const drafts = ["mau-03", "mau-04"].map((f) => el("li", null, t("inc_doc_" + f) + ": ",
		el("a", { href: base + f + ".pdf", download: "", class: "doc-draft" }, "PDF"), " · ",
		el("a", { href: base + f + ".docx", download: "", class: "doc-draft" }, "DOCX"), " ",
		canWrite() ? button(t("inc_doc_issue"), () => issueDialog(c, f, reload), "btn-small") : null));
	return el("section", { class: "panel", id: "inc-docs" }, el("h2", null, t("inc_docs")),
		el("ul", null, drafts),
		issued.length ? table([
			{ label: t("inc_doc_number"), class: "nowrap", value: (e) => e.detail.number },
			{ label: t("inc_doc_form"), value: (e) => t("inc_doc_" + e.detail.form) },
			{ label: t("time"), class: "nowrap", value: (e) => timeEl(e.time) },
			{ label: "SHA-256", class: "mono small", value: (e) => e.detail.sha256 },
			{ label: "", value: (e) => el("span", null,
				el("a", { href: base + e.detail.sha256 + "." + e.detail.format, download: "", class: "doc-issued" }, t("inc_doc_download") + " " + String(e.detail.format).toUpperCase()),
				/* a signed DOCX: its detached signature beside it */
				e.detail.p7s ? " · " : null,
				e.detail.p7s ? el("a", { href: base + e.detail.sha256 + "." + e.detail.format + ".p7s", download: "", class: "doc-p7s" }, String(e.detail.format).toUpperCase() + ".p7s") : null) },
		], issued) : el("p", { class: "muted" }, t("inc_doc_none")));
}

function filesPanel(c, reload) {
	const base = "/api/v1/incidents/" + encodeURIComponent(c.id) + "/attachments";
	const files = (c.timeline || []).filter((e) => e.what === "attachment" && e.detail);
	const input = el("input", { type: "file", id: "inc-file", name: "file" });
	const err = el("div", { class: "field-error", role: "alert" });
	const upload = async () => {
		err.textContent = "";
		const f = input.files && input.files[0];
		if (!f) return;
		try {
			const r = await fetch(base + "?name=" + encodeURIComponent(f.name), {
				method: "POST", body: f, credentials: "same-origin",
				headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": session.csrf || "" },
			});
			if (!r.ok) {
				const j = await r.json().catch(() => ({}));
				throw new Error(j.error || String(r.status));
			}
			toast(t("inc_file_added"));
			reload();
		} catch (e) { err.textContent = e.message; }
	};
	return el("section", { class: "panel", id: "inc-files" }, el("h2", null, t("inc_files")),
		files.length ? table([
			{ label: t("inc_file_name"), value: (e) => el("a", { href: base + "/" + e.detail.sha256, download: "", class: "inc-file" }, e.detail.name) },
			{ label: t("inc_file_type"), value: (e) => e.detail.type },
			{ label: t("inc_file_size"), class: "nowrap", value: (e) => fmtNum(e.detail.size) + " B" },
			{ label: "SHA-256", class: "mono small", value: (e) => e.detail.sha256 },
			{ label: t("time"), class: "nowrap", value: (e) => timeEl(e.time) },
		], files) : el("p", { class: "muted" }, t("inc_file_none")),
		canWrite() ? el("div", { class: "form-row" }, el("label", { for: input.id }, t("inc_file_add")), input,
			button(t("inc_file_upload"), upload, "btn-small"), err) : null);
}

async function tasksPanel(c) {
	const base = "/incidents/" + encodeURIComponent(c.id) + "/tasks";
	const box = el("section", { class: "panel", id: "inc-tasks" });
	const en = getLang() === "en";
	/* the playbook's steps done so far, from the tasks they became */
	const progress = (items) => {
		const pb = c.playbook;
		if (!pb) return null;
		const steps = items.filter((k) => k.step);
		const done = steps.filter((k) => k.done).length;
		return el("p", { id: "inc-playbook", class: "playbook" },
			el("strong", null, t("inc_playbook") + ": "), en ? pb.title_en : pb.title_vi, " — ",
			el("span", { id: "inc-playbook-progress" }, t("inc_playbook_progress", { done, total: steps.length })),
			el("progress", { max: String(steps.length || 1), value: String(done), "aria-label": t("inc_playbook") }));
	};
	const checklist = (k) => (k.checklist && k.checklist.length)
		? el("ul", { class: "checklist small" }, ...k.checklist.map((x) => el("li", null, en ? x.en : x.vi))) : null;
	const draw = (items) => {
		const title = el("input", { id: "inc-task-title", name: "title", maxlength: "300" });
		const who = el("input", { id: "inc-task-assignee", name: "assignee" });
		const err = el("div", { class: "field-error", role: "alert" });
		clear(box).append(el("h2", null, t("inc_tasks")), progress(items) || "",
			items.length ? table([
				{ label: t("inc_task_done"), value: (k) => el("input", { type: "checkbox", class: "task-done", checked: k.done, disabled: !canWrite(),
					"aria-label": t("inc_task_done") + ": " + k.title,
					onchange: async (ev) => {
						try { draw((await api("PATCH", base + "/" + encodeURIComponent(k.id), { body: { done: ev.target.checked } })).items); } catch (e) { toast(errorText(e), "error"); }
					} }) },
				{ label: t("inc_task_title"), value: (k) => el("div", null,
					el("span", { class: k.done ? "muted" : "" }, en && k.title_en ? k.title_en : k.title), checklist(k)) },
				{ label: t("inc_task_role"), value: (k) => k.role ? t("inc_role_" + k.role) : "" },
				{ label: t("inc_owner"), value: (k) => k.assignee || "" },
				{ label: t("inc_task_due"), class: "nowrap", value: (k) => k.due_at ? timeEl(k.due_at) : "" },
			], items) : el("p", { class: "muted" }, t("inc_task_none")),
			canWrite() ? el("div", { class: "form-row" },
				el("label", { for: title.id }, t("inc_task_title")), title,
				el("label", { for: who.id }, t("inc_owner")), who,
				button(t("inc_task_add"), async () => {
					err.textContent = "";
					const body = { title: title.value };
					if (who.value) body.assignee = who.value;
					try { draw((await api("POST", base, { body })).items); } catch (e) { err.textContent = errorText(e); }
				}, "btn-small"), err) : null);
	};
	try {
		draw((await api("GET", base)).items);
	} catch (e) {
		clear(box).appendChild(notice("error", errorText(e)));
	}
	return box;
}

async function pageIncident(main, id) {
	const idx = await agencyIndex();
	const box = el("div", { id: "incident" });
	main.append(box);
	const load = async () => {
		loadingInto(box);
		let c;
		try {
			c = await api("GET", "/incidents/" + encodeURIComponent(id));
		} catch (e) {
			clear(box).appendChild(notice("error", errorText(e)));
			return;
		}
		const fields = [
			[t("inc_number"), c.number], [t("inc_kind"), t("inc_kind_" + c.kind)], [t("agency_unit"), idx.name(c.agency_id)],
			[t("inc_owner"), c.owner], [t("inc_detected"), c.detected_at && fmtTime(c.detected_at)], [t("inc_reported"), c.reported_at && fmtTime(c.reported_at)],
			[t("inc_contained"), c.contained_at && fmtTime(c.contained_at)], [t("inc_closed"), c.closed_at && fmtTime(c.closed_at)],
			[t("inc_escalated"), c.escalated_at && fmtTime(c.escalated_at)], [t("inc_closing_reported"), c.closing_reported_at && fmtTime(c.closing_reported_at)],
			[t("inc_state_secret"), c.state_secret && t("yes")],
			[t("inc_description"), c.description],
		];
		const moves = canWrite() ? (c.next_states || []).map((s) => button(t("inc_move_to") + " “" + t("inc_state_" + s) + "”", async () => {
			try {
				await api("PATCH", "/incidents/" + encodeURIComponent(c.id), { body: { state: s } });
				toast(t("inc_moved", { state: t("inc_state_" + s) }));
				load();
			} catch (e) { toast(errorText(e), "error"); }
		}, s === "closed" || s === "contained" ? "btn-primary" : "")) : [];
		const note = el("textarea", { id: "inc-note", name: "text", rows: "2", maxlength: "20000" });
		const noteErr = el("div", { class: "field-error", role: "alert" });
		const tasks = await tasksPanel(c);
		clear(box).append(
			pageHeader(c.number + " · " + c.title, el("a", { class: "btn", href: "#/incidents" }, t("inc_back"))),
			el("section", { class: "panel" },
				el("p", null, incStateBadge(c.state), " ", sevBadge(c.severity)),
				el("dl", { class: "event-detail" }, fields.filter(([, v]) => v).map(([k, v]) => [el("dt", null, k), el("dd", null, String(v))])),
				moves.length ? el("div", { class: "dialog-actions", id: "inc-moves" }, moves) : null),
			clocksPanel(c, load),
			docsPanel(c, load),
			tasks,
			filesPanel(c, load),
			el("section", { class: "panel", id: "inc-events" }, el("h2", null, t("inc_events")),
				(c.events || []).length ? el("ul", null, c.events.map((s) => el("li", null, el("a", { href: "#/events?seq=" + encodeURIComponent(s) }, "#" + s)))) : el("p", { class: "muted" }, t("no_data"))),
			el("section", { class: "panel", id: "inc-timeline" }, el("h2", null, t("inc_timeline")),
				table([
					{ label: t("time"), class: "nowrap", value: (r) => timeEl(r.time) },
					{ label: t("inc_tl_what"), value: (r) => hasT("inc_what_" + r.what) ? t("inc_what_" + r.what) : r.what },
					{ label: t("inc_tl_actor"), value: (r) => r.actor },
					{ label: t("inc_tl_detail"), value: (r) => r.detail ? (r.detail.text || (r.detail.state ? t("inc_state_" + r.detail.state) : r.detail.title || r.detail.number || r.detail.rule || "")) : "" },
				], c.timeline || []),
				canWrite() ? el("div", null,
					el("div", { class: "form-row" }, el("label", { for: note.id }, t("inc_comment")), note),
					el("div", { class: "dialog-actions" }, button(t("inc_comment_add"), async () => {
						clear(noteErr);
						try {
							await api("POST", "/incidents/" + encodeURIComponent(c.id) + "/comments", { body: { text: note.value } });
							load();
						} catch (e) { noteErr.textContent = errorText(e); }
					}, "btn-primary")), noteErr) : null));
	};
	await load();
}

async function pageIncidents(main, params) {
	const id = params.get("id");
	if (id) return pageIncident(main, id);
	const idx = await agencyIndex();
	const state = { q: paramsObject(params, ["state"]), offset: 0, limit: 50 };
	const list = el("div", { id: "incidents-list" });
	main.append(pageHeader(t("inc_title"), canWrite() ? button(t("inc_new"), () => openIncidentDialog(null), "btn-primary") : null),
		filterBar([{ name: "state", label: t("inc_state"), type: "select", options: INC_STATES.map((s) => [s, t("inc_state_" + s)]) }],
			state.q, (q) => { state.q = q; state.offset = 0; keepInHash("incidents", q); load(); }),
		list);
	const load = async () => {
		loadingInto(list);
		try {
			const res = await api("GET", "/incidents", { query: Object.assign({ limit: state.limit, offset: state.offset }, state.q) });
			clear(list).append(el("section", { class: "panel" }, table([
				{ label: t("inc_number"), class: "nowrap mono", value: (c) => el("a", { href: "#/incidents?id=" + encodeURIComponent(c.id) }, c.number) },
				{ label: t("inc_name"), value: (c) => c.title },
				{ label: t("inc_state"), value: (c) => incStateBadge(c.state) },
				{ label: t("severity"), value: (c) => sevBadge(c.severity) },
				{ label: t("agency_unit"), value: (c) => idx.name(c.agency_id) },
				{ label: t("inc_owner"), value: (c) => c.owner || "" },
				{ label: t("inc_detected"), class: "nowrap", value: (c) => timeEl(c.detected_at) },
				{ label: t("inc_clocks"), class: "nowrap", value: (c) => { const k = urgentClock(c.clocks); return k ? clockBadge(k) : ""; } },
			], res.items, { onRow: (c) => { location.hash = "#/incidents?id=" + encodeURIComponent(c.id); } }),
			pager(state.offset, state.limit, res.total, (o) => { state.offset = o; load(); })));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	load();
}
