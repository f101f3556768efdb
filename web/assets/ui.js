/*
 * ui.js - the dashboard's building blocks: data tables, a form dialog
 * built from a field list, a pager, notices, severity badges and bars.
 * Pages (pages.js) describe what they show; these functions decide how.
 * Everything goes through el() (core.js), so values are always text.
 */
"use strict";

/* table(columns, rows): columns = [{label, value(row) -> string|Node,
 * class, sortKey}], rows = array. An empty list shows one "no data" row.
 * opts.sort = {key, dir: "asc"|"desc", onSort(key)} makes the headers of
 * columns with a sortKey buttons (aria-sort tells screen readers the
 * order). Every cell carries its column's label (data-label), which the
 * phone layout shows in front of the value when rows become cards. */
function table(columns, rows, opts) {
	opts = opts || {};
	const head = el("tr", null, columns.map((c) => {
		const sorted = opts.sort && c.sortKey && opts.sort.key === c.sortKey;
		const th = el("th", { class: c.class || null, scope: "col",
			"aria-sort": opts.sort && c.sortKey ? (sorted ? (opts.sort.dir === "asc" ? "ascending" : "descending") : "none") : null });
		if (opts.sort && c.sortKey) {
			th.appendChild(el("button", { type: "button", class: "th-sort" + (sorted ? " sorted" : ""), dataset: { sort: c.sortKey },
				onclick: () => opts.sort.onSort(c.sortKey) },
				c.label, el("span", { class: "sort-mark", "aria-hidden": "true" }, sorted ? (opts.sort.dir === "asc" ? " ▲" : " ▼") : " ↕")));
		} else {
			th.appendChild(document.createTextNode(c.label));
		}
		return th;
	}));
	const body = el("tbody");
	if (!rows || rows.length === 0) {
		body.appendChild(el("tr", null, el("td", { class: "empty", colspan: String(columns.length) }, t("no_data"))));
	}
	for (const r of rows || []) {
		const tr = el("tr", opts.rowClass ? { class: opts.rowClass(r) } : null,
			columns.map((c) => el("td", { class: c.class || null, "data-label": c.label || null }, c.value(r))));
		if (opts.onRow) {
			tr.classList.add("clickable");
			tr.tabIndex = 0; /* reachable and opened from the keyboard too */
			tr.addEventListener("click", (ev) => {
				if (ev.target.closest("button, a")) return;
				opts.onRow(r, tr);
			});
			tr.addEventListener("keydown", (ev) => {
				if (ev.key === "Enter" && ev.target === tr) opts.onRow(r, tr);
			});
		}
		body.appendChild(tr);
	}
	return el("div", { class: "table-wrap" }, el("table", { class: "data" }, el("thead", null, head), body));
}

function badge(text, cls) {
	return el("span", { class: "badge " + (cls || "") }, text);
}

function sevBadge(sev) {
	return badge(tEnum("severity", sev), "sev-" + (SEVERITIES.includes(sev) ? sev : "info"));
}

/* A progress bar for a/b with a caption. */
function bar(a, b, caption) {
	const pct = b > 0 ? Math.min(100, Math.round((100 * a) / b)) : 0;
	const fill = el("span", { class: "bar-fill" + (pct >= 100 ? " full" : pct < 50 ? " low" : "") });
	fill.style.width = pct + "%";
	return el("div", { class: "bar-cell" },
		el("div", { class: "bar", role: "progressbar", "aria-valuenow": String(pct), "aria-valuemin": "0", "aria-valuemax": "100" }, fill),
		el("span", { class: "bar-caption" }, caption));
}

function notice(kind, text) {
	return el("div", { class: "notice notice-" + kind, role: kind === "error" ? "alert" : "status" }, text);
}

/* Transient message at the top right. */
function toast(text, kind) {
	const box = document.getElementById("toasts");
	if (!box) return;
	const n = el("div", { class: "toast toast-" + (kind || "ok"), role: "status" }, text);
	box.appendChild(n);
	setTimeout(() => n.remove(), 4000);
}

function button(label, onclick, cls) {
	return el("button", { type: "button", class: "btn " + (cls || ""), onclick }, label);
}

function pageHeader(title, ...actions) {
	return el("div", { class: "page-header" }, el("h1", null, title), el("div", { class: "page-actions" }, actions));
}

/* Offset pager for {items,total} lists. */
function pager(offset, limit, total, go) {
	const from = total === 0 ? 0 : offset + 1;
	const to = Math.min(offset + limit, total);
	return el("div", { class: "pager" },
		el("span", { class: "pager-info" }, t("page_info", { from: fmtNum(from), to: fmtNum(to), total: fmtNum(total) })),
		el("button", { type: "button", class: "btn btn-small", disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }, t("prev_page")),
		el("button", { type: "button", class: "btn btn-small", disabled: to >= total, onclick: () => go(offset + limit) }, t("next_page")));
}

/* options for a <select>: [[value, label], ...] */
function selectEl(name, options, value, attrs) {
	const s = el("select", Object.assign({ name, id: "f-" + name }, attrs || {}));
	for (const [v, label] of options) {
		s.appendChild(el("option", { value: v, selected: String(v) === String(value ?? "") }, label));
	}
	return s;
}

/*
 * Dialogs. openDialog() is the one way a modal is made: role dialog (or
 * alertdialog), aria-modal, aria-labelledby its title; the page behind is
 * inert, Tab cycles inside, Escape closes, focus goes back to what opened
 * it. closeDialogs() is called by the router, so Back never leaves a
 * dialog over the next page.
 */
let dialogSeq = 0;
const openDialogs = [];

/* Keys go to the top dialog wherever focus is (a button that turns
 * disabled while saving drops focus to the body). */
document.addEventListener("keydown", (e) => {
	const top = openDialogs[openDialogs.length - 1];
	if (top) top.onKey(e);
});

function focusables(node) {
	return Array.from(node.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"))
		.filter((x) => !x.disabled && x.tabIndex >= 0 && x.getClientRects().length > 0);
}

function openDialog(spec) {
	const titleId = "dlg-title-" + (++dialogSeq);
	const title = spec.titleNode || el("h2", null, spec.title);
	title.id = titleId;
	const dlg = el("div", { class: "dialog" + (spec.small ? " dialog-small" : ""), role: spec.role || "dialog",
		"aria-modal": "true", "aria-labelledby": titleId, tabindex: "-1" });
	const overlay = el("div", { class: "overlay" }, dlg);
	const opener = document.activeElement;
	const close = () => {
		if (!overlay.isConnected) return;
		overlay.remove();
		const i = openDialogs.indexOf(d);
		if (i >= 0) openDialogs.splice(i, 1);
		const app = document.getElementById("app");
		if (app && openDialogs.length === 0) app.inert = false;
		if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
	};
	const d = { overlay, dlg, close, title };
	d.onKey = (e) => {
		if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); return; }
		if (e.key !== "Tab") return;
		const f = focusables(dlg);
		if (f.length === 0) { e.preventDefault(); dlg.focus(); return; }
		const first = f[0], last = f[f.length - 1];
		if (!dlg.contains(document.activeElement)) { e.preventDefault(); (e.shiftKey ? last : first).focus(); }
		else if (e.shiftKey && (document.activeElement === first || document.activeElement === dlg)) { e.preventDefault(); last.focus(); }
		else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
	};
	/* focus never escapes to the page behind, even by a mouse click */
	overlay.addEventListener("focusout", (e) => {
		if (e.relatedTarget && !overlay.contains(e.relatedTarget)) dlg.focus();
	});
	spec.build(dlg, title, close);
	document.body.appendChild(overlay);
	const app = document.getElementById("app");
	if (app) app.inert = true;
	openDialogs.push(d);
	const first = spec.focus || dlg.querySelector("input, select, textarea") || focusables(dlg)[0] || dlg;
	first.focus();
	return d;
}

function closeDialogs() {
	for (const d of openDialogs.slice()) d.close();
	for (const o of document.querySelectorAll("body > .overlay")) o.remove();
	const app = document.getElementById("app");
	if (app) app.inert = false;
}

/* A text input for a date, shown and typed as dd/mm/yyyy (the browser's
 * own date picker follows its locale, often mm/dd/yyyy). */
function dateInput(attrs, isoValue) {
	const input = el("input", Object.assign({ type: "text", inputmode: "numeric", placeholder: t("date_placeholder"),
		pattern: "\\s*\\d{1,2}/\\d{1,2}/\\d{4}\\s*", autocomplete: "off", class: "date-input", title: t("date_placeholder") }, attrs));
	input.value = isoValue ? fmtDate(isoValue) : "";
	return input;
}

/*
 * formDialog({title, fields, values, onSubmit}) opens a modal form.
 * A field: {name, label, type: text|number|select|textarea|list|date|
 * checkbox|password, options (select), required, hint, wide}. "list" edits
 * an array as one value per line; "date" is typed dd/mm/yyyy and given to
 * onSubmit as yyyy-mm-dd. onSubmit(values) returns a promise; an ApiError
 * keeps the dialog open and shows one message in the user's language,
 * under the field it concerns when the server names one.
 */
function formDialog(spec) {
	const values = spec.values || {};
	const inputs = {};
	const errBox = el("div", { class: "form-error", role: "alert" });
	const grid = el("div", { class: "form-grid" });
	for (const f of spec.fields) {
		const id = "f-" + f.name;
		let input;
		const v = values[f.name];
		switch (f.type) {
		case "select":
			input = selectEl(f.name, f.options, v === undefined ? f.default : v);
			break;
		case "textarea":
			input = el("textarea", { id, name: f.name, rows: "3" });
			input.value = v ?? "";
			break;
		case "list":
			input = el("textarea", { id, name: f.name, rows: "3", placeholder: t("one_per_line") });
			input.value = Array.isArray(v) ? v.join("\n") : "";
			break;
		case "checkbox":
			input = el("input", { id, name: f.name, type: "checkbox", checked: Boolean(v) });
			break;
		case "date":
			input = dateInput({ id, name: f.name }, v);
			break;
		default:
			input = el("input", { id, name: f.name, type: f.type || "text", autocomplete: f.type === "password" ? "new-password" : "off" });
			if (f.min !== undefined) input.min = f.min;
			if (f.max !== undefined) input.max = f.max;
			input.value = v ?? (f.default ?? "");
		}
		if (f.required) input.required = true;
		const fieldErr = el("div", { class: "field-error", id: "err-" + id, role: "alert" });
		inputs[f.name] = { f, input, fieldErr };
		const label = el("label", { for: id }, f.label, f.required ? el("span", { class: "req", title: t("required") }, " *") : null);
		const row = f.type === "checkbox"
			? el("div", { class: "form-row checkbox-row" + (f.wide ? " wide" : "") }, input, label, fieldErr)
			: el("div", { class: "form-row" + (f.wide ? " wide" : "") }, label, input, f.hint ? el("small", { class: "hint" }, f.hint) : null, fieldErr);
		grid.appendChild(row);
	}
	const collect = () => {
		const out = {};
		for (const [name, { f, input }] of Object.entries(inputs)) {
			if (f.type === "checkbox") out[name] = input.checked;
			else if (f.type === "list") out[name] = splitList(input.value);
			else if (f.type === "number") out[name] = input.value === "" ? null : Number(input.value);
			else if (f.type === "date") out[name] = input.value.trim() === "" ? null : parseDmy(input.value);
			else out[name] = input.value;
		}
		return out;
	};
	/* the API's field name -> our input ("dossier_dates.approved" is the
	 * "date_approved" input, "ip_ranges[2]" the "ip_ranges" one) */
	const inputFor = (field) => {
		if (!field) return null;
		const f = String(field).replace(/\[\d+\]$/, "");
		const alias = { "dossier_dates.draft": "date_draft", "dossier_dates.submitted": "date_submitted", "dossier_dates.appraised": "date_appraised", "dossier_dates.approved": "date_approved" };
		return inputs[alias[f] || f] || null;
	};
	const clearErrors = () => {
		clear(errBox);
		for (const { input, fieldErr } of Object.values(inputs)) {
			clear(fieldErr);
			input.removeAttribute("aria-invalid");
			input.removeAttribute("aria-describedby");
		}
	};
	const showFieldError = (target, text) => {
		target.fieldErr.textContent = text;
		target.input.setAttribute("aria-invalid", "true");
		target.input.setAttribute("aria-describedby", target.fieldErr.id);
	};
	const submitBtn = el("button", { type: "submit", class: "btn btn-primary" }, t("save"));
	let close = () => {};
	const form = el("form", { class: "dialog-form", novalidate: true });
	form.addEventListener("submit", async (e) => {
		e.preventDefault();
		clearErrors();
		/* our own checks first, in the user's language, next to the field */
		let bad = null;
		for (const { f, input, fieldErr } of Object.values(inputs)) {
			let msg = "";
			if (f.required && f.type !== "checkbox" && String(input.value).trim() === "") msg = t("err_required");
			else if (f.type === "date" && input.value.trim() !== "" && !parseDmy(input.value)) msg = t("err_date");
			else if (input.validity && !input.validity.valid && f.type !== "date") msg = t("err_bad_field");
			if (msg) { showFieldError({ input, fieldErr }, msg); bad = bad || input; }
		}
		if (bad) { bad.focus(); return; }
		submitBtn.disabled = true;
		try {
			await spec.onSubmit(collect());
			close();
		} catch (err) {
			const target = err instanceof ApiError ? inputFor(err.field) : null;
			if (target) {
				showFieldError(target, fieldErrorText(err));
				target.input.focus();
			} else {
				/* a page's own explanation (pages.js) wins over the generic one */
				errBox.textContent = err && err.userText ? err.userText : errorText(err);
			}
			/* per-field details some answers carry ({field, message}) */
			for (const d of (err && Array.isArray(err.details) ? err.details : [])) {
				const tg = d && typeof d === "object" ? inputFor(d.field) : null;
				if (tg && tg !== target && !tg.fieldErr.textContent) showFieldError(tg, getLang() === "en" && d.message ? d.message : t("err_bad_field"));
			}
		} finally {
			submitBtn.disabled = false;
		}
	});
	const d = openDialog({
		title: spec.title,
		build: (dlg, title, doClose) => {
			close = doClose;
			form.append(title, errBox, grid,
				el("div", { class: "dialog-actions" }, button(t("cancel"), () => doClose()), submitBtn));
			dlg.appendChild(form);
		},
	});
	return d.overlay;
}

/* A confirm dialog that does not block the page (no window.confirm, so
 * the browser tests and keyboard users see the same thing). */
function confirmDialog(text, onYes, label) {
	const yes = el("button", { type: "button", class: "btn btn-danger" }, label || t("delete"));
	const d = openDialog({
		role: "alertdialog", small: true,
		titleNode: el("p", { class: "confirm-text" }, text),
		focus: yes,
		build: (dlg, title, close) => {
			dlg.append(title, el("div", { class: "dialog-actions" }, button(t("cancel"), () => close()), yes));
		},
	});
	yes.addEventListener("click", async () => {
		yes.disabled = true;
		try { await onYes(); } catch (e) { toast(errorText(e), "error"); }
		d.close();
	});
	return { overlay: d.overlay, yes };
}

/* A filter bar: fields like formDialog's (text, select, date typed
 * dd/mm/yyyy and kept as yyyy-mm-dd); calls onApply(values) on submit.
 * Pages keep the values in the address (keepInHash), so a filtered view
 * can be shared and survives a reload. */
function filterBar(fields, values, onApply) {
	const form = el("form", { class: "filters", role: "search", novalidate: true });
	for (const f of fields) {
		const id = "flt-" + f.name;
		let input;
		if (f.type === "select") {
			input = selectEl(f.name, [["", t("all")]].concat(f.options), values[f.name]);
			input.id = id;
		} else if (f.type === "date") {
			const v = values[f.name];
			input = dateInput({ id, name: f.name, dataset: { kind: "date" } }, v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : v ? fmtDateIso(v) : "");
		} else {
			input = el("input", { id, name: f.name, type: f.type || "search", value: values[f.name] || "", placeholder: f.placeholder || "" });
		}
		form.appendChild(el("div", { class: "filter filter-" + (f.type || "search") }, el("label", { for: id }, f.label), input));
	}
	const err = el("div", { class: "field-error filter-error", role: "alert" });
	form.appendChild(el("div", { class: "filter filter-buttons" },
		el("button", { type: "submit", class: "btn btn-primary" }, t("filter")),
		el("button", { type: "button", class: "btn", onclick: () => { form.reset(); for (const x of form.elements) if (x.name) x.value = ""; clear(err); onApply({}); } }, t("reset"))));
	form.appendChild(err);
	form.addEventListener("submit", (e) => {
		e.preventDefault();
		clear(err);
		const out = {};
		for (const x of form.elements) {
			if (!x.name || x.value.trim() === "") continue;
			if (x.dataset.kind === "date") {
				const iso = parseDmy(x.value);
				if (!iso) { err.textContent = t("err_date"); x.setAttribute("aria-invalid", "true"); x.focus(); return; }
				x.removeAttribute("aria-invalid");
				out[x.name] = iso;
			} else out[x.name] = x.value.trim();
		}
		onApply(out);
	});
	return form;
}

/* The province-time calendar date of a time, as yyyy-mm-dd. */
function fmtDateIso(v) {
	const d = toDate(v);
	if (!d) return "";
	const p = parts(d);
	return `${p.year}-${p.month}-${p.day}`;
}

/* Filters in the address: #/events?severity=high. replaceState changes
 * the address without a hashchange, so the page is not redrawn. */
function keepInHash(path, values) {
	const qs = new URLSearchParams();
	for (const [k, v] of Object.entries(values)) if (v !== "" && v !== null && v !== undefined) qs.set(k, String(v));
	const s = qs.toString();
	history.replaceState(null, "", "#/" + path + (s ? "?" + s : ""));
}

function paramsObject(params, names) {
	const out = {};
	for (const k of names) if (params && params.get(k)) out[k] = params.get(k);
	return out;
}
