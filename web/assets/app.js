/*
 * app.js - start-up, the login page, the frame (sidebar, top bar) and the
 * hash router (#/events?severity=high). On load it asks GET /session: a
 * 401 shows the login page, otherwise the user and the CSRF token are kept
 * in memory (never in storage) and the page named by the hash is drawn.
 * Changing the language redraws the whole frame from the i18n table.
 */
"use strict";

const ROUTES = [
	{ path: "overview", label: "nav_overview", page: pageOverview, section: "nav_section_monitor", icon: "◫" },
	{ path: "events", label: "nav_events", page: pageEvents, section: "nav_section_monitor", icon: "⚠" },
	{ path: "triage", label: "nav_triage", page: pageTriage, section: "nav_section_monitor", icon: "✓" },
	{ path: "incidents", label: "nav_incidents", page: pageIncidents, section: "nav_section_monitor", icon: "⚑" },
	{ path: "portals", label: "nav_portals", page: pagePortals, section: "nav_section_monitor", icon: "◎" },
	{ path: "endpoints", label: "nav_endpoints", page: pageEndpoints, section: "nav_section_monitor", icon: "▣" },
	{ path: "exposure", label: "nav_exposure", page: pageExposure, section: "nav_section_monitor", icon: "◈" },
	{ path: "dns", label: "nav_dns", page: pageDns, section: "nav_section_monitor", icon: "⌘" },
	{ path: "reports", label: "nav_reports", page: pageReports, section: "nav_section_monitor", icon: "▦" },
	{ path: "agencies", label: "nav_agencies", page: pageAgencies, section: "nav_section_inventory", icon: "⌂" },
	{ path: "systems", label: "nav_systems", page: pageSystems, section: "nav_section_inventory", icon: "▤" },
	{ path: "people", label: "nav_people", page: pagePeople, section: "nav_section_inventory", icon: "☎" },
	{ path: "drills", label: "nav_drills", page: pageDrills, section: "nav_section_inventory", icon: "⚑" },
	{ path: "compliance", label: "nav_compliance", page: pageCompliance, section: "nav_section_inventory", icon: "✔" },
	{ path: "import", label: "nav_import", page: pageImport, section: "nav_section_inventory", icon: "⇪", roles: ["admin", "analyst", "officer"] },
	{ path: "users", label: "nav_users", page: pageUsers, section: "nav_section_admin", icon: "☺", roles: ["admin"] },
	{ path: "tokens", label: "nav_tokens", page: pageTokens, section: "nav_section_admin", icon: "✱", roles: ["admin"] },
	{ path: "audit", label: "nav_audit", page: pageAudit, section: "nav_section_admin", icon: "☰", roles: ["admin"] },
	{ path: "jobs", label: "nav_jobs", page: pageJobs, section: "nav_section_admin", icon: "⟳", roles: ["admin"] },
	{ path: "sharing", label: "nav_sharing", page: pageSharing, section: "nav_section_admin", icon: "⇄", roles: ["admin"] },
];

function allowed(r) {
	return !r.roles || isRole(...r.roles);
}

function parseHash() {
	const h = location.hash.replace(/^#\/?/, "");
	const qi = h.indexOf("?");
	const path = qi < 0 ? h : h.slice(0, qi);
	return { path, params: new URLSearchParams(qi < 0 ? "" : h.slice(qi + 1)) };
}

function langButton(cls) {
	return el("button", {
		type: "button", class: "btn lang-switch " + (cls || ""), id: "lang-switch",
		title: t("lang_switch_title"),
		onclick: () => { setLang(getLang() === "vi" ? "en" : "vi"); render(); },
	}, t("lang_switch"));
}

function brand() {
	return el("div", { class: "brand" },
		el("img", { src: "/assets/logo.svg", alt: "", class: "brand-logo", width: "36", height: "36" }),
		el("div", null, el("div", { class: "brand-name" }, t("app_name")), el("div", { class: "brand-sub" }, t("province"))));
}

/* ---- login --------------------------------------------------------- */

function renderLogin(message) {
	closeDialogs();
	const root = clear(document.getElementById("app"));
	const err = el("div", { class: "form-error", role: "alert", id: "login-error" }, message || "");
	const user = el("input", { id: "username", name: "username", autocomplete: "username", required: true });
	const pass = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
	const submit = el("button", { type: "submit", class: "btn btn-primary btn-block", id: "login-submit" }, t("login_button"));
	const form = el("form", { class: "login-form", id: "login-form" },
		el("h1", null, t("login_title")),
		el("p", { class: "muted" }, t("login_intro")),
		err,
		el("div", { class: "form-row" }, el("label", { for: "username" }, t("username")), user),
		el("div", { class: "form-row" }, el("label", { for: "password" }, t("password")), pass),
		submit);
	form.addEventListener("submit", async (e) => {
		e.preventDefault();
		clear(err);
		submit.disabled = true;
		try {
			const res = await api("POST", "/session", { body: { username: user.value, password: pass.value }, noAuthRedirect: true });
			session.user = res.user;
			session.csrf = res.csrf_token;
			if (!parseHash().path) location.hash = "#/overview";
			render();
		} catch (ex) {
			err.textContent = ex.status === 401 ? t("login_failed") : ex.status === 429 ? t("login_throttled") : errorText(ex);
			submit.disabled = false;
			pass.value = "";
			pass.focus();
		}
	});
	root.appendChild(el("div", { class: "login-page" },
		el("div", { class: "login-top" }, langButton("btn-ghost-light")),
		el("div", { class: "login-box" },
			el("div", { class: "login-brand" }, brand(), el("div", { class: "login-tagline" }, t("app_tagline"))),
			form)));
	user.focus();
}

/* ---- the frame ----------------------------------------------------- */

function sidebar(current) {
	const nav = el("nav", { class: "sidebar", id: "sidebar", "aria-label": t("menu") }, brand());
	let section = null;
	for (const r of ROUTES) {
		if (!allowed(r)) continue;
		if (r.section !== section) {
			section = r.section;
			nav.appendChild(el("div", { class: "nav-section" }, t(section)));
		}
		nav.appendChild(el("a", { onclick: () => setMenu(false), href: "#/" + r.path, class: "nav-link" + (r.path === current ? " active" : ""), "aria-current": r.path === current ? "page" : null, id: "nav-" + r.path },
			el("span", { class: "nav-icon", "aria-hidden": "true" }, r.icon), t(r.label)));
	}
	return nav;
}

/* On a phone the menu is a drawer behind a button (the sidebar would
 * leave the content a few dozen pixels wide); on a desktop the button is
 * hidden and the sidebar always shown. */
function setMenu(open) {
	const frame = document.querySelector(".frame");
	const btn = document.getElementById("menu-toggle");
	if (!frame || !btn) return;
	frame.classList.toggle("menu-open", open);
	btn.setAttribute("aria-expanded", open ? "true" : "false");
	if (open) { const a = document.querySelector("#sidebar .nav-link.active") || document.querySelector("#sidebar .nav-link"); if (a) a.focus(); }
}

function topbar() {
	const u = session.user;
	const menuBtn = el("button", { type: "button", class: "btn menu-toggle", id: "menu-toggle", "aria-controls": "sidebar", "aria-expanded": "false",
		onclick: () => setMenu(!document.querySelector(".frame").classList.contains("menu-open")) },
	el("span", { "aria-hidden": "true" }, "☰ "), t("menu"));
	return el("header", { class: "topbar" },
		menuBtn,
		el("div", { class: "topbar-title" }, t("app_tagline") + " — " + t("province")),
		el("div", { class: "topbar-user" },
			el("span", { class: "user-name", id: "user-name" }, u.display_name || u.username),
			el("span", { class: "user-role" }, tEnum("role", u.role)),
			langButton("btn-small"),
			el("button", { type: "button", class: "btn btn-small", id: "logout", onclick: logout }, t("logout"))));
}

async function logout() {
	try { await api("DELETE", "/session", { noAuthRedirect: true }); } catch (e) { /* already gone */ }
	session.user = null;
	session.csrf = null;
	renderLogin();
}

let renderSeq = 0;

/* Auto-refresh: a page registers what to redo (the overview, the events
 * list); the timer dies with the page. window.CG_REFRESH_MS lets a test
 * shorten the minute. */
let refreshTimer = null;
function autoRefresh(fn) {
	if (refreshTimer) clearInterval(refreshTimer);
	const seq = renderSeq;
	refreshTimer = setInterval(() => {
		if (seq !== renderSeq || document.hidden || openDialogs.length > 0) return;
		fn();
	}, window.CG_REFRESH_MS || 60000);
}

async function render() {
	closeDialogs();
	if (refreshTimer) { clearInterval(refreshTimer); refreshTimer = null; }
	if (!session.user) { renderLogin(); return; }
	const { path, params } = parseHash();
	let route = ROUTES.find((r) => r.path === path && allowed(r));
	if (!route) { route = ROUTES[0]; if (path !== route.path) { location.replace("#/" + route.path); return; } }
	document.title = t(route.label) + " · " + t("app_name");
	const seq = ++renderSeq;
	const main = el("main", { class: "content", id: "content", tabindex: "-1" });
	const root = clear(document.getElementById("app"));
	root.appendChild(el("div", { class: "frame" }, sidebar(route.path),
		el("div", { class: "main-col" }, topbar(), main)));
	try {
		await route.page(main, params);
	} catch (e) {
		if (seq === renderSeq && !(e instanceof ApiError && e.status === 401)) main.appendChild(notice("error", errorText(e)));
	}
}

async function boot() {
	setUnauthorizedHandler(() => {
		if (session.user) { session.user = null; session.csrf = null; renderLogin(t("session_expired")); }
	});
	window.addEventListener("hashchange", () => { if (session.user) render(); else closeDialogs(); });
	document.addEventListener("keydown", (e) => {
		if (e.key === "Escape" && document.querySelector(".frame.menu-open")) { setMenu(false); const b = document.getElementById("menu-toggle"); if (b) b.focus(); }
	});
	try {
		const res = await api("GET", "/session", { noAuthRedirect: true });
		session.user = res.user;
		session.csrf = res.csrf_token;
	} catch (e) {
		session.user = null;
	}
	render();
}

document.addEventListener("DOMContentLoaded", boot);
