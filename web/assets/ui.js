/*
 * ui.js - the dashboard's building blocks: data tables, a form dialog
 * built from a field list, a pager, notices, severity badges and bars.
 * Pages (pages.js) describe what they show; these functions decide how.
 * Everything goes through el() (core.js), so values are always text.
 */
"use strict";

/* table(columns, rows): columns = [{label, value(row) -> string|Node,
 * class}], rows = array. An empty list shows one "no data" row. */
function table(columns, rows, opts) {
	opts = opts || {};
	const head = el("tr", null, columns.map((c) => el("th", { class: c.class || null, scope: "col" }, c.label)));
	const body = el("tbody");
	if (!rows || rows.length === 0) {
		body.appendChild(el("tr", null, el("td", { class: "empty", colspan: String(columns.length) }, t("no_data"))));
	}
	for (const r of rows || []) {
		const tr = el("tr", opts.rowClass ? { class: opts.rowClass(r) } : null,
			columns.map((c) => el("td", { class: c.class || null }, c.value(r))));
		if (opts.onRow) {
			tr.classList.add("clickable");
			tr.tabIndex = 0; /* reachable and opened from the keyboard too */
			tr.addEventListener("click", (ev) => {
				if (ev.target.closest("button")) return;
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
 * formDialog({title, fields, values, onSubmit}) opens a modal form.
 * A field: {name, label, type: text|number|select|textarea|list|date|
 * checkbox|password, options (select), required, hint, wide}. "list" edits
 * an array as one value per line. onSubmit(values) returns a promise; an
 * ApiError keeps the dialog open and shows the server's message (and its
 * per-field details when it sends them).
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
		default:
			input = el("input", { id, name: f.name, type: f.type || "text", autocomplete: f.type === "password" ? "new-password" : "off" });
			if (f.min !== undefined) input.min = f.min;
			if (f.max !== undefined) input.max = f.max;
			input.value = v ?? (f.default ?? "");
		}
		if (f.required) input.required = true;
		inputs[f.name] = { f, input };
		const label = el("label", { for: id }, f.label, f.required ? el("span", { class: "req", title: t("required") }, " *") : null);
		const row = f.type === "checkbox"
			? el("div", { class: "form-row checkbox-row" + (f.wide ? " wide" : "") }, input, label)
			: el("div", { class: "form-row" + (f.wide ? " wide" : "") }, label, input, f.hint ? el("small", { class: "hint" }, f.hint) : null);
		grid.appendChild(row);
	}
	const collect = () => {
		const out = {};
		for (const [name, { f, input }] of Object.entries(inputs)) {
			if (f.type === "checkbox") out[name] = input.checked;
			else if (f.type === "list") out[name] = splitList(input.value);
			else if (f.type === "number") out[name] = input.value === "" ? null : Number(input.value);
			else if (f.type === "date") out[name] = input.value === "" ? null : input.value;
			else out[name] = input.value;
		}
		return out;
	};
	const submitBtn = el("button", { type: "submit", class: "btn btn-primary" }, t("save"));
	const form = el("form", { class: "dialog-form", novalidate: true },
		el("h2", null, spec.title), errBox, grid,
		el("div", { class: "dialog-actions" }, button(t("cancel"), () => close()), submitBtn));
	const overlay = el("div", { class: "overlay" }, el("div", { class: "dialog", role: "dialog", "aria-modal": "true" }, form));
	const close = () => overlay.remove();
	overlay.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
	form.addEventListener("submit", async (e) => {
		e.preventDefault();
		clear(errBox);
		if (!form.reportValidity()) return;
		submitBtn.disabled = true;
		try {
			await spec.onSubmit(collect());
			close();
		} catch (err) {
			errBox.appendChild(el("div", null, errorText(err)));
			for (const d of (err && err.details) || []) {
				errBox.appendChild(el("div", null, typeof d === "string" ? d : (d.field ? t("field_error", { field: d.field, message: d.message || "" }) : JSON.stringify(d))));
			}
		} finally {
			submitBtn.disabled = false;
		}
	});
	document.body.appendChild(overlay);
	const first = form.querySelector("input, select, textarea");
	if (first) first.focus();
	return overlay;
}

/* A confirm dialog that does not block the page (no window.confirm, so
 * the browser tests and keyboard users see the same thing). */
function confirmDialog(text, onYes, label) {
	const yes = el("button", { type: "button", class: "btn btn-danger" }, label || t("delete"));
	const overlay = el("div", { class: "overlay" },
		el("div", { class: "dialog dialog-small", role: "alertdialog", "aria-modal": "true" },
			el("p", null, text),
			el("div", { class: "dialog-actions" }, button(t("cancel"), () => overlay.remove()), yes)));
	yes.addEventListener("click", async () => {
		yes.disabled = true;
		try { await onYes(); } catch (e) { toast(errorText(e), "error"); }
		overlay.remove();
	});
	document.body.appendChild(overlay);
	yes.focus();
	return { overlay, yes };
}

/* A filter bar: fields like formDialog's (text, select, datetime-local);
 * calls onApply(values) on submit. */
function filterBar(fields, values, onApply) {
	const form = el("form", { class: "filters", role: "search" });
	for (const f of fields) {
		const id = "flt-" + f.name;
		let input;
		if (f.type === "select") {
			input = selectEl(f.name, [["", t("all")]].concat(f.options), values[f.name]);
			input.id = id;
		} else {
			input = el("input", { id, name: f.name, type: f.type || "search", value: values[f.name] || "", placeholder: f.placeholder || "" });
		}
		form.appendChild(el("div", { class: "filter filter-" + (f.type || "search") }, el("label", { for: id }, f.label), input));
	}
	form.appendChild(el("div", { class: "filter filter-buttons" },
		el("button", { type: "submit", class: "btn btn-primary" }, t("filter")),
		el("button", { type: "button", class: "btn", onclick: () => { form.reset(); for (const x of form.elements) if (x.name) x.value = ""; onApply({}); } }, t("reset"))));
	form.addEventListener("submit", (e) => {
		e.preventDefault();
		const out = {};
		for (const x of form.elements) if (x.name && x.value !== "") out[x.name] = x.value;
		onApply(out);
	});
	return form;
}
