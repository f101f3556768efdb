/*
 * page_jobs.js - the background jobs page (admin: policy resource "job",
 * GET /api/v1/jobs). One row per job of the store's scheduler, as every
 * server sees it: what it does, its state, next run, last success, the
 * server holding its lease (HOST:PID), retries and the last error.
 *
 * The state is read from the row, the rule of server/jobs.h: a lease
 * that has not run out means a server is running the job; attempts > 0
 * means its last run failed and it is waiting for a retry (with backoff);
 * otherwise it is due (next run passed) or waiting. The error text is the
 * server's own message, shown as text. Refreshed by autoRefresh() (app.js)
 * while shown.
 */
"use strict";

function jobState(j, now) {
	const until = j.lease_until ? toDate(j.lease_until) : null;
	if (j.lease_holder && until && until.getTime() > now) return "running";
	if (j.attempts > 0) return "failing";
	const next = j.next_run ? toDate(j.next_run) : null;
	if (next && next.getTime() <= now) return "due";
	return "waiting";
}

const JOB_STATE_CLASS = { running: "ok", failing: "warn", due: "", waiting: "" };

async function pageJobs(main) {
	const list = el("div");
	main.append(pageHeader(t("jobs_title")), el("p", { class: "muted" }, t("jobs_intro")), list);
	/* "forward:siem" is the forwarding job of destination "siem": its
	 * kind's description with the destination's name */
	const jobDesc = (name) => {
		const colon = name.indexOf(":");
		const kind = colon < 0 ? name : name.slice(0, colon);
		const desc = t("job_desc_" + kind.replace(/-/g, "_"));
		return colon < 0 ? desc : desc + " (" + name.slice(colon + 1) + ")";
	};
	const load = async () => {
		try {
			const res = await api("GET", "/jobs");
			const now = Date.now();
			const items = res.items || [];
			clear(list).append(items.length === 0 ? notice("info", t("jobs_none")) : el("section", { class: "panel", id: "jobs" }, table([
				{ label: t("job_col_name"), value: (j) => el("div", null,
					el("div", { class: "mono" }, j.name || ""),
					el("small", { class: "muted" }, jobDesc(String(j.name || "")))) },
				{ label: t("job_col_state"), class: "nowrap", value: (j) => {
					const s = jobState(j, now);
					return badge(t("job_state_" + s), JOB_STATE_CLASS[s]);
				} },
				{ label: t("job_col_next"), class: "nowrap", value: (j) => timeEl(j.next_run) },
				{ label: t("job_col_last_ok"), class: "nowrap", value: (j) => j.last_ok ? timeEl(j.last_ok) : el("span", { class: "muted" }, t("job_never")) },
				{ label: t("job_col_holder"), value: (j) => j.lease_holder ? el("span", { class: "mono" }, j.lease_holder) : el("span", { class: "muted" }, t("job_holder_none")) },
				{ label: t("job_col_attempts"), class: "num", value: (j) => fmtNum(j.attempts || 0) },
				{ label: t("job_col_error"), class: "summary", value: (j) => j.last_error ? el("span", { class: "mono" }, j.last_error) : "" },
			], items)));
		} catch (e) {
			clear(list).appendChild(notice("error", errorText(e)));
		}
	};
	await load();
	autoRefresh(load);
}
