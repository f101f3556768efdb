/*
 * public_report.js - the public incident report form (bao-cao-su-co.html).
 *
 * Sending: check the fields, read the screenshots as base64, ask the
 * server for a proof-of-work challenge, find a nonce such that
 * SHA-256("CHALLENGE:NONCE") starts with the asked number of zero bits
 * (Web Crypto, in batches), then POST the report and show the tracking
 * code. Looking up: GET the state of a code. Everything the server or the
 * user wrote is put on the page with textContent, never as HTML.
 */
"use strict";

(function () {
	var lang = "vi";
	try {
		if (localStorage.getItem("cg_public_lang") === "en") lang = "en";
	} catch (e) { /* storage may be off: Vietnamese */ }

	function t(key, args) {
		var s = (CG_PUBLIC_STRINGS[lang] && CG_PUBLIC_STRINGS[lang][key]) || CG_PUBLIC_STRINGS.vi[key] || key;
		if (args) Object.keys(args).forEach(function (k) { s = s.split("{" + k + "}").join(String(args[k])); });
		return s;
	}

	function $(id) { return document.getElementById(id); }

	function applyLang() {
		document.documentElement.lang = lang;
		document.title = t("title");
		document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = t(el.getAttribute("data-t")); });
		var b = $("pr-lang");
		b.textContent = t("switch_to");
		b.lang = lang === "vi" ? "en" : "vi";
	}

	function status(el, text, isErr) {
		el.textContent = text;
		el.classList.toggle("err", !!isErr);
	}

	/* The current Vietnam time as a datetime-local value. */
	function nowVN() {
		var d = new Date(Date.now() + 7 * 3600 * 1000);
		return d.toISOString().slice(0, 16);
	}

	function readFile(f) {
		return new Promise(function (resolve, reject) {
			var r = new FileReader();
			r.onload = function () {
				var s = String(r.result);
				resolve(s.slice(s.indexOf(",") + 1));
			};
			r.onerror = function () { reject(r.error); };
			r.readAsDataURL(f);
		});
	}

	function leadingZeroBits(buf, bits) {
		var b = new Uint8Array(buf);
		for (var i = 0; i < bits; i++)
			if (b[i >> 3] & (0x80 >> (i & 7))) return false;
		return true;
	}

	/* Finds the nonce: hashes are asked for in batches so the browser
	 * works on many at once. */
	async function solve(challenge, bits) {
		var enc = new TextEncoder();
		var BATCH = 512;
		for (var base = 0; base < 1e9; base += BATCH) {
			var jobs = [];
			for (var i = 0; i < BATCH; i++)
				jobs.push(crypto.subtle.digest("SHA-256", enc.encode(challenge + ":" + (base + i))));
			var hashes = await Promise.all(jobs);
			for (var k = 0; k < BATCH; k++)
				if (leadingZeroBits(hashes[k], bits)) return String(base + k);
		}
		throw new Error("no nonce");
	}

	async function post(path, body) {
		var r = await fetch(path, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify(body),
			credentials: "omit",
		});
		var data = null;
		try { data = await r.json(); } catch (e) { data = null; }
		return { status: r.status, data: data };
	}

	function explain(res) {
		var d = res.data || {};
		if (res.status === 429) return t("err_rate");
		if (d.code === "bad_pow" || d.code === "used_pow" || d.code === "no_pow") return t("err_pow");
		if (d.code === "bad_image") return t("shot_type");
		if (d.code === "big_image" || res.status === 413) return t("shot_too_big");
		if (d.code === "bad_field") return t("err_field", { field: t("field_" + d.field) });
		return t("err_server");
	}

	async function send(ev) {
		ev.preventDefault();
		var st = $("pr-status");
		var what = $("pr-what").value.trim(), address = $("pr-address").value.trim(), when = $("pr-when").value;
		if (!what) return status(st, t("need_what"), true);
		if (!address) return status(st, t("need_address"), true);
		if (!when) return status(st, t("need_when"), true);
		var files = Array.prototype.slice.call($("pr-shots").files || []);
		if (files.length > 3) return status(st, t("too_many_shots"), true);
		for (var i = 0; i < files.length; i++) {
			if (files[i].size > 2 * 1024 * 1024) return status(st, t("shot_too_big"), true);
			if (files[i].type && files[i].type !== "image/png" && files[i].type !== "image/jpeg")
				return status(st, t("shot_type"), true);
		}
		if (!window.crypto || !crypto.subtle) return status(st, t("err_crypto"), true);
		var btn = $("pr-send");
		btn.disabled = true;
		$("pr-done").hidden = true;
		try {
			status(st, t("working"));
			var shots = [];
			for (var j = 0; j < files.length; j++) shots.push({ data: await readFile(files[j]) });
			var ch = await post("/api/v1/public/challenges", {});
			if (ch.status !== 201 || !ch.data) return status(st, explain(ch), true);
			var nonce = await solve(ch.data.challenge, ch.data.bits);
			status(st, t("sending"));
			var when_rfc = when.length === 16 ? when + ":00+07:00" : when + "+07:00";
			var res = await post("/api/v1/public/incident-reports", {
				what: what, address: address, when: when_rfc,
				contact: $("pr-contact").value.trim(),
				screenshots: shots,
				website: $("pr-website").value,
				challenge: ch.data.challenge, nonce: nonce,
			});
			if (res.status !== 201 || !res.data) return status(st, explain(res), true);
			status(st, "");
			$("pr-code").textContent = res.data.code;
			$("pr-done").hidden = false;
			$("pr-done").focus();
			$("pr-done").scrollIntoView({ block: "center" });
			$("pr-form").reset();
			$("pr-when").value = nowVN();
		} catch (e) {
			status(st, t("err_network"), true);
		} finally {
			btn.disabled = false;
		}
	}

	async function track(ev) {
		ev.preventDefault();
		var out = $("pr-track-result");
		var code = $("pr-track-code").value.trim().toUpperCase();
		if (!code) return;
		try {
			var r = await fetch("/api/v1/public/incident-reports/" + encodeURIComponent(code), { credentials: "omit" });
			var d = null;
			try { d = await r.json(); } catch (e) { d = null; }
			if (r.status !== 200 || !d) return status(out, t("track_none"), true);
			var at = new Date(d.updated).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" });
			status(out, t("track_state", { code: d.code, state: t("state_" + d.state), at: at }));
		} catch (e) {
			status(out, t("err_network"), true);
		}
	}

	document.addEventListener("DOMContentLoaded", function () {
		applyLang();
		$("pr-when").value = nowVN();
		$("pr-lang").addEventListener("click", function () {
			lang = lang === "vi" ? "en" : "vi";
			try { localStorage.setItem("cg_public_lang", lang); } catch (e) { /* not kept */ }
			applyLang();
		});
		$("pr-form").addEventListener("submit", send);
		$("pr-track").addEventListener("submit", track);
	});
})();
